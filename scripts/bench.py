#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tables of pfm_bench results: perfmon2 against perf_events.

    bench.py OUTDIR RUN...

RUN is ARCH:CLOCK:SIDE:LOG. CLOCK is "icount" (-icount shift=0: a
nanosecond is an instruction) or "wall"; SIDE says which side's numbers
LOG provides: "pfm", "perf" or "both" (baselines come with each). Every
"# @@BENCH TEST NAME NS OPS" line of the LOG is read. Writes
OUTDIR/bench.json and OUTDIR/bench.md, prints the Markdown, and exits 1
if a comparison lacks a number.
"""

import json
import os
import re
import sys

LINE = re.compile(r"^# @@BENCH (\S+) (\S+) (-?[0-9.]+) (\d+)\s*$")
TSTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")

# (label, perfmon key, perf key, baseline key or None, target ratio or None)
# Keys are TEST/NAME. With a baseline, both sides are compared after
# subtracting it (each side's own run), as added costs.
PAIRS = [
    ("read, 1 counter", "read/pfm_read_1", "read/perf_read_1", None, 0.5),
    ("read, 4 counters", "read/pfm_read_4", "read/perf_read_4", None, None),
    ("set-view read vs perf read(), 1 counter", "read/pfm_view_read_1",
     "read/perf_read_1", None, 0.05),
    ("start + stop, 1 counter", "start_stop/pfm_1", "start_stop/perf_1", None, 0.5),
    ("start + stop, 4 counters", "start_stop/pfm_4", "start_stop/perf_4", None, 0.5),
    ("context switch, added, 1 counter", "context_switch/pfm_1",
     "context_switch/perf_1", "context_switch/none", 1.0),
    ("context switch, added, 4 counters", "context_switch/pfm_4",
     "context_switch/perf_4", "context_switch/none", 1.0),
    ("cost per sample", "sampling/pfm_per_sample", "sampling/perf_per_sample", None, 1.0),
    ("session: setup to teardown, 1 counter", "session/pfm_1", "session/perf_1", None, None),
    ("session: setup to teardown, 4 counters", "session/pfm_4", "session/perf_4", None, None),
]
BASELINES = ["read/null_syscall", "read/memory_read", "context_switch/none",
             "sampling/none"]


def parse(path):
    vals = {}
    with open(path, "rb") as f:
        for raw in f:
            line = TSTAMP.sub("", raw.decode("utf-8", "replace").rstrip("\r\n"))
            m = LINE.match(line)
            if m:
                vals[f"{m.group(1)}/{m.group(2)}"] = float(m.group(3))
    return vals


def side_value(runs, side, key, base):
    """The value of KEY on SIDE, less BASE from the same run."""
    for run in runs:
        if run["side"] in (side, "both") and key in run["vals"]:
            v = run["vals"][key]
            if base:
                if base not in run["vals"]:
                    return None
                v -= run["vals"][base]
            return v
    return None


def compare(runs):
    rows = []
    for label, pk, fk, base, target in PAIRS:
        p = side_value(runs, "pfm", pk, base)
        f = side_value(runs, "perf", fk, base)
        ratio = p / f if p is not None and f not in (None, 0) else None
        rows.append({"what": label, "perfmon": p, "perf": f, "ratio": ratio,
                     "target": target,
                     "met": None if ratio is None or target is None else ratio <= target})
    return rows


def fmt(v, digits=0):
    return "-" if v is None else f"{v:.{digits}f}"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = sys.argv[1]
    data = {}
    for spec in sys.argv[2:]:
        arch, clock, side, log = spec.split(":", 3)
        vals = parse(log)
        data.setdefault(arch, {}).setdefault(clock, []).append(
            {"side": side, "log": log, "vals": vals})
    result, md, missing = {}, [], 0
    for arch, clocks in data.items():
        result[arch] = {}
        md.append(f"## {arch}\n")
        tables = {c: compare(r) for c, r in clocks.items()}
        for clock, runs in clocks.items():
            result[arch][clock] = {"runs": runs, "pairs": tables[clock]}
        ic, wall = tables.get("icount"), tables.get("wall")
        unit = "instructions" if ic else "ns"
        md.append(f"| operation | perfmon ({unit}) | perf ({unit}) | ratio | "
                  "wall-clock ratio | target | met |")
        md.append("|---|---:|---:|---:|---:|---:|---|")
        for i, (label, _, _, _, target) in enumerate(PAIRS):
            r = (ic or wall)[i]
            w = wall[i]["ratio"] if wall else None
            if r["ratio"] is None:
                missing += 1
            met = "-" if r["met"] is None else ("yes" if r["met"] else "**no**")
            md.append(f"| {label} | {fmt(r['perfmon'])} | {fmt(r['perf'])} | "
                      f"{fmt(r['ratio'], 2)} | {fmt(w, 2)} | "
                      f"{'-' if target is None else '<= ' + str(target)} | {met} |")
        runs = clocks.get("icount") or clocks.get("wall")
        null = side_value(runs, "pfm", "read/null_syscall", None)
        read = side_value(runs, "pfm", "read/pfm_read_1", None)
        md.append("")
        md.append("Baselines (" + unit + "): " + ", ".join(
            f"{k} {fmt(side_value(runs, 'pfm', k, None))}" for k in BASELINES) + ".")
        if null and read:
            md.append(f"pfm_read_pmds of 1 counter = {read / null:.2f} x a null system "
                      "call (target <= 1.5).")
        md.append("")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "bench.json"), "w") as f:
        json.dump(result, f, indent=1)
    text = "\n".join(md)
    with open(os.path.join(out, "bench.md"), "w") as f:
        f.write(text + "\n")
    print(text)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
