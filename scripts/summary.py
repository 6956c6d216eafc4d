#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""summary.py TSV: print the results table of a run and its closing line
"N passed, N failed, N skipped"; exit 1 if anything failed or nothing ran."""

import sys


def main(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    rows.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    except OSError:
        pass
    groups = {}
    for status, name, _ in rows:
        g = groups.setdefault(name.split("/")[0], {"PASS": 0, "FAIL": 0, "SKIP": 0})
        g[status] = g.get(status, 0) + 1
    width = max([len(g) for g in groups] + [5])
    print()
    print(f"{'group':<{width}}  passed  failed  skipped")
    for g, c in groups.items():
        print(f"{g:<{width}}  {c['PASS']:>6}  {c['FAIL']:>6}  {c['SKIP']:>7}")
    bad = [r for r in rows if r[0] == "FAIL"]
    skipped = [r for r in rows if r[0] == "SKIP"]
    if skipped:
        print("\nskipped, by reason:")
        reasons = {}
        for _, name, detail in skipped:
            reasons.setdefault(detail or "(no reason given)", []).append(name)
        for reason, names in reasons.items():
            more = f" and {len(names) - 1} more" if len(names) > 1 else ""
            print(f"  {len(names):3} {reason} (e.g. {names[0]}{more})")
    if bad:
        print("\nfailed:")
        for _, name, detail in bad:
            print(f"  {name}" + (f": {detail}" if detail else ""))
    npass = sum(1 for r in rows if r[0] == "PASS")
    print()
    print(f"{npass} passed, {len(bad)} failed, {len(skipped)} skipped")
    return 1 if bad or not npass else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
