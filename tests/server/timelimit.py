#!/usr/bin/env python3
"""timelimit.py - a job's time limit is the whole job's, and the worker
enforces it (issue 12):

  - a server with --job-time-limit 2 stores it with each request that names
    none;
  - a risk job whose command (and every solver process it forked) is
    stopped with SIGSTOP, so that it can never end itself: past the limit
    and its grace the worker kills the command's whole process group, the
    job fails with "time limit of 2 s reached", no process of the group is
    left (no orphan), and the same worker runs the next job;
  - a risk job of 100,000 samples under a time_limit of 3 s (each sample
    alone is well within it; all of them are not) fails with that reason
    instead of running for minutes;
  - a price job under a generous limit is done, its result the CLI's.

usage: timelimit.py   (env: STABFORCE, SRCDIR; SF_PG_HOST for PostgreSQL)
"""
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import SRC, Server, alive, check, children, failures, token, wait_job  # noqa: E402


def descendants(pid):
    out = []
    for c in children(pid):
        out += [c] + descendants(c)
    return out


def running(s, jid, tok, timeout=60):
    t0 = time.time()
    while time.time() - t0 < timeout:
        doc = s.req("GET", "/api/v1/jobs/%d" % jid, token=tok)[2]
        if doc["status"] != "queued":
            return doc
        time.sleep(0.05)
    return doc


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-timelimit-")
    s = None
    stopped = []
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        shutil.copytree(os.path.join(SRC, "examples", "minimal"), os.path.join(sc, "minimal"))
        editor = token(tmp, "editor", "tim", db="t.db")
        s = Server(tmp, "--jobs", "1", "--job-time-limit", "2", db="t.db")

        # a command that cannot end itself: stopped, with its solver processes
        st, _, doc = s.req("POST", "/api/v1/analyses/risk",
                           {"scenario": "minimal", "samples": 100000, "seed": 11}, token=editor)
        check(st == 202 and doc["request"].get("time_limit") == 2,
              "the server's --job-time-limit is stored with the request: %s" % doc.get("request"))
        jid = doc["id"]
        check(running(s, jid, editor)["status"] == "running", "the job runs")
        workers = children(s.p.pid)
        check(len(workers) == 1, "one worker: %s" % workers)
        cmd = []
        t0 = time.time()
        while not cmd and time.time() - t0 < 30:
            cmd = children(workers[0])
            time.sleep(0.02)
        check(len(cmd) == 1, "the worker runs one command: %s" % cmd)
        t0 = time.time()
        while cmd and not descendants(cmd[0]) and time.time() - t0 < 20:
            time.sleep(0.02)  # its solver processes start
        group = cmd + descendants(cmd[0]) if cmd else []
        for pid in group:
            try:
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
            except ProcessLookupError:
                pass
        check(len(stopped) >= 2, "the command and its solver workers are stopped: %s" % stopped)
        done = wait_job(s, jid, editor, timeout=60)
        check(done["status"] == "failed" and done["message"] == "time limit of 2 s reached",
              "the stopped job fails at its limit: %s %s" % (done["status"], done["message"]))
        time.sleep(0.2)
        left = [p for p in stopped if alive(p)]
        check(not left, "no process of the job's group is left: %s" % left)
        check(children(s.p.pid) == workers, "the same worker goes on")

        # many plans, each quick, under one limit for the whole job
        st, _, doc = s.req("POST", "/api/v1/analyses/risk",
                           {"scenario": "minimal", "samples": 100000, "seed": 12, "time_limit": 3},
                           token=editor)
        done = wait_job(s, doc["id"], editor, timeout=120)
        check(done["status"] == "failed" and "time limit of 3 s reached" in done["message"],
              "100,000 samples in 3 s: %s %s" % (done["status"], done["message"]))

        # a generous limit: done
        st, _, doc = s.req("POST", "/api/v1/analyses/price", {"scenario": "minimal", "time_limit": 600},
                           token=editor)
        done = wait_job(s, doc["id"], editor, timeout=300)
        check(done["status"] == "done" and done["message"].startswith("proven"),
              "a price job within its limit: %s %s" % (done["status"], done["message"]))
    finally:
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if s:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
