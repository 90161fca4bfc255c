#!/usr/bin/env python3
"""limits.py - every job the server runs has a time limit, and says how far
its result is proven.

A server started with --job-time-limit 1 gets the Gaza plan (format 2, far
from proven in one second on any machine) with no time_limit in the request:
  - the stored request carries the server's limit (time_limit 1), so the
    result is cached under the limit it was computed with;
  - the job ends done, its message "not proven: ... (time limit)" with the
    gap, as the result's stages say (proven false, status not optimal);
  - no process of the job is left once it is done (the worker has no child,
    no process names the test's store).
A request's own time_limit wins over the server's (a new job, its request
saying so), and the minimal example's plan says "proven within the gap".

usage: limits.py   (env: STABFORCE, SRCDIR)
"""
import os
import shutil
import sys
import tempfile
import time

from common import SRC, Server, check, children, failures, naming, token, wait_job


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-limits-")
    s = None
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        for name in ("gaza", "minimal"):
            shutil.copytree(os.path.join(SRC, "examples", name), os.path.join(sc, name))
        ed = token(tmp, "editor", "planner")
        s = Server(tmp, "--jobs", "1", "--job-time-limit", "1", "--quiet")

        st, h, doc = s.req("POST", "/api/v1/plans", {"scenario": "gaza"}, token=ed)
        check(st == 202, "gaza plan queued: %s %s" % (st, doc))
        check(doc["request"] == {"scenario": "gaza", "time_limit": 1},
              "the request carries the server's limit: %s" % doc["request"])
        done = wait_job(s, doc["id"], ed, timeout=300)
        print("gaza job:", done["message"])
        check(done["status"] == "done", "the job is done: %s %s" % (done["status"], done["message"]))
        res = done.get("result") or {}
        stages = [res.get("stage1", {}), res.get("stage2", {})]
        check(not all(x.get("proven") for x in stages),
              "the result is not proven: %s" % [(x.get("status"), x.get("gap")) for x in stages])
        check(done["message"].startswith("not proven: ") and "stopped at the time limit" in done["message"]
              and "largest gap" in done["message"],
              "the job says it is not proven, and the gap: %s" % done["message"])

        # Nothing of the job runs on: its worker has no child, and no process
        # but the server and its workers names the store (a solve or a
        # solver process would).
        workers = children(s.p.pid)
        check(workers, "the server has its worker")
        left = []
        for _ in range(50):
            left = [c for w in workers for c in children(w)]
            others = {p: c for p, c in naming(tmp).items() if p != s.p.pid and p not in workers}
            if not left and not others:
                break
            time.sleep(0.1)
        check(not left, "no child of the worker is left: %s" % left)
        check(not others, "no process of the job is left: %s" % others)

        # The request's own limit wins: a new job (another cache key).
        st, h, doc2 = s.req("POST", "/api/v1/plans", {"scenario": "gaza", "time_limit": 2}, token=ed)
        check(st == 202 and doc2["id"] != doc["id"] and doc2["request"]["time_limit"] == 2,
              "a request's time_limit is its own job: %s" % doc2.get("request"))
        st, h, doc3 = s.req("DELETE", "/api/v1/jobs/%d" % doc2["id"], token=ed)
        check(st in (200, 409), "the second job cancelled: %s" % st)

        # A small plan proves its stage 1 and stops stage 2 at the gap asked for.
        st, h, doc = s.req("POST", "/api/v1/plans", {"scenario": "minimal", "time_limit": 60}, token=ed)
        done = wait_job(s, doc["id"], ed, timeout=300)
        check(done["status"] == "done" and done["message"].startswith("proven"),
              "the minimal plan is proven: %s %s" % (done["status"], done["message"]))
        s.stop()
        check(not naming(tmp), "nothing is left once the server stops: %s" % naming(tmp))
    finally:
        if s:
            s.stop()
        if failures:
            print("kept for inspection:", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
