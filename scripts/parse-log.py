#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one guest boot from its console log.

    parse-log.py LOG --group NAME --tests LIST [--kunit SUITES]
                 [--qemu-status N] [--results TSV]

LIST is the guest's /tests/list (one "program timeout" a line): every
program in it must have run and reported TAP results. SUITES names the
KUnit suites that must have reported (one a line, '#' comments).

The verdict fails on: a failed or missing kselftest or KUnit case, a TAP
plan not met, a non-zero exit status, no end-of-run marker (crash,
timeout), and any kernel splat or kmemleak report anywhere in the log.
Each verdict is appended to TSV as "STATUS<TAB>NAME<TAB>DETAIL", and a
report goes to stdout. The exit status is 1 if anything failed.
"""

import argparse
import re
import sys

TSTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
TAP = re.compile(r"^(not )?ok (\d+)\s*-?\s*([^#]*?)\s*(#\s*(SKIP|TODO|skip|todo)\b.*)?$")
PLAN = re.compile(r"^1\.\.(\d+)")
SUBTEST = re.compile(r"^# Subtest: (\S+)")
MARK = re.compile(r"^@@PFM (\S+)\s*(.*)$")
END = re.compile(r"^(\S+) rc=(\d+)(?: secs=(\d+))?$")
RUN = re.compile(r"^#\s+RUN\s+(\S+) \.\.\.")
VERDICT = re.compile(r"^#\s+(OK|FAIL|SKIP|XFAIL|XPASS)\s+\S+$")

# Kernel messages that mean the run is not clean. Matched against
# kernel (timestamped) console lines.
SPLATS = [
    r"\bBUG:", r"WARNING:", r"\bOops\b", r"KASAN:", r"UBSAN:",
    r"Kernel panic", r"kernel BUG at", r"general protection fault",
    r"Unable to handle kernel", r"possible circular locking",
    r"possible recursive locking", r"inconsistent lock state",
    r"suspicious RCU usage", r"sleeping function called from invalid context",
    r"blocked for more than \d+ seconds", r"rcu_\w+ (self-)?detected stall",
    r"soft lockup", r"hard LOCKUP", r"list_(add|del) corruption",
    r"unreferenced object 0x", r"DEBUG_LOCKS_WARN_ON", r"\bBad page\b",
    r"segfault at", r"Call Trace:", r"Call trace:",
]
SPLAT = re.compile("|".join(SPLATS))


class Verdicts:
    def __init__(self, group):
        self.group = group
        self.rows = []

    def add(self, status, name, detail=""):
        self.rows.append((status, f"{self.group}/{name}", detail))

    @property
    def failed(self):
        return sum(1 for r in self.rows if r[0] == "FAIL")


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "replace")
    return [line.rstrip("\r") for line in data.split("\n")]


def split_log(lines):
    """Return (kernel lines, {program: (user lines, rc)}, markers seen,
    {program: seconds on the guest's clock})."""
    kernel, programs, markers, durations = [], {}, [], {}
    current = None
    for raw in lines:
        if TSTAMP.match(raw):
            kernel.append(TSTAMP.sub("", raw, count=1))
            continue
        m = MARK.match(raw.strip())
        if m:
            markers.append((m.group(1), m.group(2)))
            if m.group(1) == "TEST-BEGIN":
                current = m.group(2).strip()
                programs[current] = ([], None)
            elif m.group(1) == "TEST-END":
                em = END.match(m.group(2).strip())
                name = em.group(1) if em else m.group(2).strip()
                out = programs.get(name, ([], None))[0]
                programs[name] = (out, int(em.group(2)) if em else None)
                if em and em.group(3):
                    durations[name] = int(em.group(3))
                current = None
            continue
        if current is not None:
            programs[current][0].append(raw)
    return kernel, programs, markers, durations


def judge_program(v, name, out, rc):
    if rc == 127:
        v.add("FAIL", name, "missing: the program is not in the guest")
        return
    if rc is None:
        v.add("FAIL", name, "did not finish (no end marker: crash or timeout)")
        return
    plan, results = None, 0
    failed_cases = 0
    running = None
    diag = []   # the harness's messages since the case's RUN line
    for line in out:
        pm = PLAN.match(line)
        if pm and plan is None:
            plan = int(pm.group(1))
            continue
        rm = RUN.match(line)
        if rm:
            running = rm.group(1)
            diag = []
            continue
        tm = TAP.match(line)
        if not tm:
            if line.startswith("#") and not VERDICT.match(line):
                diag.append(line.lstrip("# ").strip())
            continue
        results += 1
        # the harness names skipped cases only in their RUN line
        case = tm.group(3).strip() or running or f"case{tm.group(2)}"
        running = None
        directive = (tm.group(5) or "").upper()
        if directive == "SKIP":
            reason = tm.group(4).split(None, 2)[2] if len(tm.group(4).split()) > 2 else ""
            v.add("SKIP", f"{name}.{case}", reason)
        elif tm.group(1):
            failed_cases += 1
            # the last messages say what failed (assertion, TH_LOG, timeout)
            why = " | ".join(d for d in diag[-3:] if d)
            v.add("FAIL", f"{name}.{case}", f"not ok: {why[:400]}" if why else "not ok")
        else:
            v.add("PASS", f"{name}.{case}")
        diag = []
    if plan is None:
        v.add("FAIL", name, f"no TAP plan in its output (exit status {rc})")
    elif results != plan:
        v.add("FAIL", name, f"missing results: planned {plan}, reported {results}")
    if rc == 137:
        v.add("FAIL", name, "killed by the guest's time limit")
    elif rc not in (0, 4) and not failed_cases:
        v.add("FAIL", name, f"exit status {rc} without a failed case")


def judge_kunit(v, kernel, expected):
    suites, seen_result = {}, {}
    suite = None
    for line in kernel:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        sm = SUBTEST.match(stripped)
        if sm and indent == 4:
            suite = sm.group(1)
            suites.setdefault(suite, [])
            continue
        tm = TAP.match(stripped)
        if not tm:
            continue
        if indent == 0:
            seen_result[tm.group(3).strip()] = not tm.group(1)
            suite = None
        elif indent == 4 and suite:
            suites[suite].append((tm.group(3).strip(), tm.group(1), (tm.group(5) or "").upper()))
    for s in sorted(set(suites) | set(seen_result)):
        cases = suites.get(s, [])
        for case, notok, directive in cases:
            if directive == "SKIP":
                v.add("SKIP", f"kunit.{s}.{case}")
            elif notok:
                v.add("FAIL", f"kunit.{s}.{case}", "not ok")
            else:
                v.add("PASS", f"kunit.{s}.{case}")
        if s not in seen_result:
            v.add("FAIL", f"kunit.{s}", "no suite result (crashed or hung)")
        elif not seen_result[s] and not any(c[1] for c in cases):
            v.add("FAIL", f"kunit.{s}", "suite failed")
    for s in expected:
        if s not in suites and s not in seen_result:
            v.add("FAIL", f"kunit.{s}", "missing: the suite did not run")


def judge_splats(v, kernel, markers, lines):
    hits = [line for line in kernel if SPLAT.search(line)]
    leak, in_leak = [], False
    for raw in lines:
        m = MARK.match(raw.strip())
        if m and m.group(1) == "KMEMLEAK-BEGIN":
            in_leak = True
        elif m and m.group(1) == "KMEMLEAK-END":
            in_leak = False
        elif in_leak and raw.strip() and not TSTAMP.match(raw):
            leak.append(raw.strip())
    if hits:
        v.add("FAIL", "kernel-log", "splat: " + " | ".join(hits[:4]))
    if leak:
        v.add("FAIL", "kmemleak", "leak: " + " | ".join(leak[:3]))
    if not hits and not leak:
        v.add("PASS", "kernel-log")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--group", required=True)
    ap.add_argument("--tests", required=True)
    ap.add_argument("--kunit")
    ap.add_argument("--qemu-status", type=int, default=0)
    ap.add_argument("--results")
    a = ap.parse_args()

    v = Verdicts(a.group)
    try:
        lines = read_lines(a.log)
    except OSError as e:
        v.add("FAIL", "boot", f"no console log: {e}")
        lines = []
    kernel, programs, markers, durations = split_log(lines)
    kinds = [m[0] for m in markers]

    if "BOOT" not in kinds:
        v.add("FAIL", "boot", "init never started")
    elif "DONE" not in kinds:
        why = "time limit hit" if a.qemu_status == 124 else f"qemu exit status {a.qemu_status}"
        v.add("FAIL", "boot", f"the run did not complete ({why})")
    else:
        v.add("PASS", "boot")

    with open(a.tests) as f:
        expected = [line.split()[0] for line in f if line.strip()]
    for name in expected:
        out, rc = programs.get(name, ([], None))
        if name not in programs:
            v.add("FAIL", name, "missing: never started")
            continue
        judge_program(v, name, out, rc)
    for name in programs:
        if name not in expected:
            v.add("FAIL", name, "ran but is not in the test list")

    suites = []
    if a.kunit:
        with open(a.kunit) as f:
            suites = [s.split("#")[0].strip() for s in f if s.split("#")[0].strip()]
    judge_kunit(v, kernel, suites)
    judge_splats(v, kernel, markers, lines)

    for status, name, detail in v.rows:
        if status != "PASS":
            print(f"  {status} {name}" + (f": {detail}" if detail else ""))
    npass = sum(1 for r in v.rows if r[0] == "PASS")
    nskip = sum(1 for r in v.rows if r[0] == "SKIP")
    print(f"  {a.group}: {npass} passed, {v.failed} failed, {nskip} skipped")
    if durations:
        slow = sorted(durations.items(), key=lambda d: -d[1])[:4]
        print(f"  {a.group}: longest programs (guest clock): " +
              ", ".join(f"{n} {s} s" for n, s in slow))
    if a.results:
        with open(a.results, "a") as f:
            for status, name, detail in v.rows:
                f.write(f"{status}\t{name}\t{detail}\n")
    return 1 if v.failed else 0


if __name__ == "__main__":
    sys.exit(main())
