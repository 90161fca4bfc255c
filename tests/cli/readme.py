#!/usr/bin/env python3
"""readme.py - every command of README.md works from a fresh clone as written.

A new user copies README's commands one by one; each that fails is the
first thing they meet. This test reads README.md's fenced shell blocks
(```sh), joins continued lines, and runs every command, in order, with
`sh -c` in a fresh directory that looks like a clone's top (build/ is the
build directory under test, examples/ and docs/ the source tree's, read
only), checking that each exits 0. Commands run in README's order, so a
later command sees what an earlier one wrote (plan.json, stabforce.db).

A command that cannot run here is skipped by a rule of SKIP below, with
its reason; a rule that no longer matches any command fails the test, so
the list stays the README's. README_ALL=1 also runs the rules marked
`long` (the Gaza analyses: minutes each on two cores).

It also checks README's layout table: every path in it exists, and every
top-level folder of the tree (and of src/) is in it.

Usage: readme.py   (environment: STABFORCE, SRCDIR, BUILDDIR, as meson sets)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# (pattern searched in the command, reason, long): long rules run with
# README_ALL=1, the others never.
SKIP = [
    (r"^make (demo|check)\b",
     "installs Debian packages and builds; make demo is tests/cli/gaza.sh full "
     "and report.sh full (suite slow)", False),
    (r"^build/stabforce serve\b",
     "a server that runs until stopped: tests/server/api.py", False),
    (r"^curl\b",
     "needs the server and its token: tests/server/api.py", False),
    (r"\baid import cogat\.csv\b",
     "the user's own COGAT export: none is shipped (its figures would need "
     "a source)", False),
    (r"^build/stabforce report examples/gaza/",
     "every analysis of the Gaza briefing: minutes (report.sh full)", True),
    (r"^build/stabforce (vetoes|caveats|critical|price|shopping|offers|risk) +"
     r"examples/gaza/",
     "an analysis of the Gaza example, many solves: minutes "
     "(tests/cli/analysis.sh runs each on the minimal example)", True),
]


def fail(msg):
    print("FAIL: " + msg)
    return 1


def commands(readme):
    """README's shell commands: [(line number, command)]."""
    res = []
    in_sh = False
    cont = None
    for no, line in enumerate(readme.splitlines(), 1):
        fence = re.match(r"^```(\w*)", line)
        if fence:
            in_sh = not in_sh and fence.group(1) in ("sh", "shell", "bash")
            cont = None
            continue
        if not in_sh or not line.strip():
            continue
        if cont is not None:
            res[-1] = (res[-1][0], res[-1][1] + " " + line.strip().rstrip("\\"))
        else:
            res.append((no, line.strip().rstrip("\\")))
        cont = True if line.rstrip().endswith("\\") else None
    return res


def layout(readme, srcdir):
    """The layout table's paths exist, and every top folder is in it."""
    errs = 0
    paths = re.findall(r"^\| `([^`]+)` \|", readme, re.M)
    if not paths:
        return fail("README.md has no layout table (| `path` | what |)")
    for p in paths:
        if not os.path.exists(os.path.join(srcdir, p)):
            errs += fail("layout table: `%s` does not exist" % p)
    listed = {p.rstrip("/") for p in paths}
    tops = []
    for d in sorted(os.listdir(srcdir)):
        full = os.path.join(srcdir, d)
        if (d.startswith(".") or d.startswith("build") or d in ("node_modules", "out")
                or not os.path.isdir(full)
                or os.path.exists(os.path.join(full, "meson-private"))):
            continue
        tops.append(d)
        if d == "src":
            tops += ["src/" + s for s in sorted(os.listdir(full))
                     if os.path.isdir(os.path.join(full, s))]
    for d in tops:
        if d != "src" and not any(p == d or p.startswith(d + "/") for p in listed):
            errs += fail("layout table: folder `%s/` is not in it" % d)
    return errs


def main():
    srcdir = os.environ["SRCDIR"]
    builddir = os.environ["BUILDDIR"]
    run_all = os.environ.get("README_ALL") == "1"
    with open(os.path.join(srcdir, "README.md"), encoding="utf-8") as f:
        readme = f.read()

    errs = layout(readme, srcdir)
    cmds = commands(readme)
    if len(cmds) < 10:
        return fail("only %d commands found in README.md's ```sh blocks" % len(cmds))

    tmp = tempfile.mkdtemp(prefix="sf-readme.")
    try:
        os.symlink(os.path.abspath(builddir), os.path.join(tmp, "build"))
        for d in ("examples", "docs"):
            os.symlink(os.path.join(srcdir, d), os.path.join(tmp, d))
        env = dict(os.environ)
        env["HOME"] = tmp
        used = set()
        ran = 0
        for no, cmd in cmds:
            rule = next((i for i, r in enumerate(SKIP) if re.search(r[0], cmd)), None)
            if rule is not None:
                used.add(rule)
                if not (run_all and SKIP[rule][2]):
                    print("skip README.md:%d: %s\n     (%s)" % (no, cmd, SKIP[rule][1]))
                    continue
            p = subprocess.run(["sh", "-c", cmd], cwd=tmp, env=env,
                               stdin=subprocess.DEVNULL, capture_output=True, text=True)
            ran += 1
            if p.returncode != 0:
                errs += fail("README.md:%d: exit %d: %s\n%s" % (no, p.returncode, cmd,
                                                                p.stderr[-2000:]))
            else:
                print("ok   README.md:%d: %s" % (no, cmd))
        for i, r in enumerate(SKIP):
            if i not in used:
                errs += fail("skip rule %r matches no command of README.md" % r[0])
        print("%d commands run, %d skipped" % (ran, len(cmds) - ran))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
