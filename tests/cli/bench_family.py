#!/usr/bin/env python3
"""bench_family.py - bench/family.py --solver-log fills its stage-1 table.

The table of where stage 1 spends its time reads the planner's CBC log
(bench/family.py, cbc_stage1_search). It used to know a stage-1 solve by
"ratioGap 0", so a run with --gap printed the table's header and no row.
This runs one small format-1 member (g01-default) with --gap 0.01 and
--solver-log and checks the table has a row for it, with a column count
and a best plan; on 2 cores it takes a few CPU seconds (the 5 s limit
bounds stage 2, whose figures are not checked).

Usage: bench_family.py   (environment: SRCDIR, BUILDDIR, as meson sets)
"""
import os
import subprocess
import sys


def main():
    src, build = os.environ["SRCDIR"], os.environ["BUILDDIR"]
    p = subprocess.run([sys.executable, os.path.join(src, "bench", "family.py"),
                        "--build", build, "--family", "gaza", "--formats", "1",
                        "--only", "g01-default", "--variants", "stabforce",
                        "--limit-gaza", "5", "--gap", "0.01", "--solver-log"],
                       capture_output=True, text=True)
    print(p.stdout)
    if p.returncode != 0:
        print(p.stderr)
        print("FAIL: bench/family.py exits %d" % p.returncode)
        return 1
    lines = p.stdout.splitlines()
    head = [i for i, l in enumerate(lines) if l.startswith("| scenario | variant | stage-1 solves")]
    if len(head) != 1:
        print("FAIL: no stage-1 search table in the output")
        return 1
    rows = [l for l in lines[head[0] + 2:] if l.startswith("| g01-default | stabforce |")]
    if len(rows) != 1:
        print("FAIL: the stage-1 search table has no row for g01-default")
        return 1
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    # scenario, variant, solves, columns, LP bound, root, best, final bound, nodes, gap
    if int(cells[2]) < 1 or int(cells[3]) < 1 or cells[6] in ("", "-"):
        print("FAIL: the row is empty: %s" % rows[0])
        return 1
    print("ok: %s" % rows[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
