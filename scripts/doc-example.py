#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""doc-example.py RST OUT.c: write the first C code block of a reST file,
so the documented example is built and run like any test."""

import sys


def main(rst, out):
    lines = open(rst, encoding="utf-8").read().split("\n")
    start = lines.index(".. code-block:: c") + 2
    code = []
    for line in lines[start:]:
        if line and not line.startswith("    "):
            break
        code.append(line[4:])
    with open(out, "w") as f:
        f.write("\n".join(code).rstrip() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
