#!/usr/bin/env python3
"""workers.py - jobs run by `stabforce worker`s started by hand, as on other
machines (issue 13): a server with no workers of its own (--jobs 0), two
workers on the same store, a batch of risk analyses; one worker is killed
with SIGKILL while it holds a job. Then:
  - every job is done, exactly once, with the result the CLI gives for the
    same request (the killed worker's job was queued again when its lease
    ran out and finished by the other worker);
  - the killed worker's solve did not run on (it dies with its worker);
  - the queue's books add up: one claim per job, two for the job that was
    taken over.

usage: workers.py   (env: STABFORCE, SRCDIR; the store is a file in a temp
dir, or, under tests/pg/with-pg.sh (SF_PG_HOST set), a PostgreSQL database:
there the idle workers wake on NOTIFY)

Every process the test starts is stopped, whatever happens.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from common import EXE, SRC, Server, alive, check, children, failures, sql, store_loc, token

JOBS = 5        # risk analyses in the batch
SAMPLES = 40    # per job: a few seconds each
LEASE = 3       # seconds: how soon a dead worker's job is queued again
# The whole job's limit, shared by its ~280 solves (docs/api.md): room enough
# that none stops at its share on a loaded machine, so the result is the
# proven one the CLI gives (300 s gave each about 2 s: not always enough).
TIME_LIMIT = 3600


def req(s, method, path, body=None, token=None):
    st, _, doc = s.req(method, path, body, token=token)
    return st, doc


def comparable(doc):
    """The result without what differs between any two runs: the scenario's path."""
    doc = json.loads(json.dumps(doc))
    doc.get("scenario", {}).pop("path", None)
    return doc


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-workers-")
    procs = []
    server = None
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        shutil.copytree(os.path.join(SRC, "examples", "minimal"), os.path.join(sc, "minimal"))
        db = store_loc(tmp, "w.db")
        tok = token(tmp, "editor", "t", db="w.db")
        log = open(os.path.join(tmp, "log"), "ab")
        server = Server(tmp, "--jobs", "0", "--quiet", db="w.db", scenarios=sc)
        workers = [subprocess.Popen([EXE, "worker", "--db", db, "--scenarios", sc, "--lease", str(LEASE)],
                                    stdout=log, stderr=log) for _ in range(2)]
        procs += workers

        ids = []
        for seed in range(1, JOBS + 1):
            st, doc = req(server, "POST", "/api/v1/analyses/risk",
                          {"scenario": "minimal", "samples": SAMPLES, "seed": seed,
                           "time_limit": TIME_LIMIT}, tok)
            check(st == 202, "job %d queued: %s %s" % (seed, st, doc))
            ids.append(doc["id"])

        # kill the first worker once it holds a job, and its solve's pid first
        victim = workers[0]
        name = "%s:%d" % (os.uname().nodename, victim.pid)
        held = None
        for _ in range(1200):
            rows = sql(db, "SELECT id FROM jobs WHERE status = 'running' AND worker = '%s'" % name)
            if rows:
                held = int(rows[0][0])
                break
            time.sleep(0.05)
        check(held is not None, "worker 1 took a job")
        solves = children(victim.pid)
        time.sleep(0.5)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        t_kill = time.time()

        done = {}
        deadline = time.time() + 600
        while len(done) < JOBS and time.time() < deadline:
            for jid in ids:
                if jid in done:
                    continue
                st, doc = req(server, "GET", "/api/v1/jobs/%d" % jid, token=tok)
                if st == 200 and doc["status"] in ("done", "failed", "cancelled"):
                    done[jid] = doc
            time.sleep(0.25)
        check(len(done) == JOBS, "every job ended (%d of %d)" % (len(done), JOBS))
        for s in solves:
            check(not alive(s), "the killed worker's solve (pid %d) died with it" % s)

        for seed, jid in enumerate(ids, 1):
            doc = done.get(jid)
            if not doc:
                continue
            check(doc["status"] == "done", "job %d: %s (%s)" % (jid, doc["status"], doc.get("message")))
            if doc["status"] != "done":
                continue
            cli = json.loads(subprocess.run(
                [EXE, "risk", "--format", "json", "--samples", str(SAMPLES), "--seed", str(seed),
                 "--total-time-limit", "%.17g" % doc["request"]["time_limit"], os.path.join(sc, "minimal", "scenario.yaml")],
                capture_output=True, text=True, check=True).stdout)
            st, res = req(server, "GET", "/api/v1/jobs/%d/result" % jid, token=tok)
            check(st == 200 and comparable(res) == comparable(cli),
                  "job %d's result is the CLI's for seed %d" % (jid, seed))

        # the books: one claim per job, two for the one taken over, which the
        # other worker finished; one "job" entry per job in the edit log
        rows = {int(r[0]): r[1:] for r in sql(db, "SELECT id, attempts, worker, status FROM jobs")}
        if held is not None and held in rows:
            check(rows[held][0] == "2", "the taken-over job was claimed twice: %s" % rows[held])
            check(rows[held][1] != name, "the taken-over job was finished by the other worker")
        for jid in ids:
            if jid != held and jid in rows:
                check(rows[jid][0] == "1", "job %d claimed once: %s" % (jid, rows[jid]))
        logged = sql(db, "SELECT count(*), count(DISTINCT event_id) FROM edits WHERE what = 'job'")
        check(logged == [[str(JOBS), str(JOBS)]], "one edit-log entry per job: %s" % logged)
        check(workers[1].poll() is None, "the other worker still runs")
        print("workers: %d jobs done (job %s taken over), the last %.1f s after the kill"
              % (len(done), held, max(d.get("finished", 0) for d in done.values()) - t_kill))
    finally:
        if server:
            server.stop()
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("workers: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
