#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""doc-example.py RST OUT.c: write the first C code block of a reST file
that is a whole program (it defines main), so the documented example is
built and run like any test."""

import sys


def code_blocks(lines):
    """Yield the text of every '.. code-block:: c' block."""
    for i, line in enumerate(lines):
        if line != ".. code-block:: c":
            continue
        code = []
        for body in lines[i + 2:]:
            if body and not body.startswith("    "):
                break
            code.append(body[4:])
        yield "\n".join(code).rstrip() + "\n"


def main(rst, out):
    lines = open(rst, encoding="utf-8").read().split("\n")
    for code in code_blocks(lines):
        if "int main(" in code:
            with open(out, "w") as f:
                f.write(code)
            return 0
    print(f"{rst}: no C code block defines main()", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
