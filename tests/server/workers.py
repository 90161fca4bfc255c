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
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

EXE = os.environ["STABFORCE"]
SRC = os.environ["SRCDIR"]
PG_HOST = os.environ.get("SF_PG_HOST")
JOBS = 5        # risk analyses in the batch
SAMPLES = 40    # per job: a few seconds each
LEASE = 3       # seconds: how soon a dead worker's job is queued again
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def store(tmp):
    if not PG_HOST:
        return os.path.join(tmp, "w.db")
    subprocess.run(["createdb", "-h", PG_HOST, "-U", "postgres", "w"], check=True)
    return "postgresql:///w?host=%s&user=postgres" % PG_HOST


def sql(db, q):
    if db.startswith("postgresql:"):
        out = subprocess.run(["psql", "-X", "-At", "-F", "|", "-d", db, "-c", q],
                             capture_output=True, text=True, check=True).stdout
        return [line.split("|") for line in out.splitlines()]
    import sqlite3
    c = sqlite3.connect(db)
    rows = [[str(v) for v in r] for r in c.execute(q).fetchall()]
    c.close()
    return rows


def req(port, method, path, body=None, token=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Authorization": "Bearer " + token} if token else {}
    if body is not None:
        body = json.dumps(body)
        h["Content-Type"] = "application/json"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else None


def children(pid):
    """Processes whose parent is pid."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def comparable(doc):
    """The result without what differs between any two runs: the scenario's path."""
    doc = json.loads(json.dumps(doc))
    doc.get("scenario", {}).pop("path", None)
    return doc


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-workers-")
    procs = []
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        shutil.copytree(os.path.join(SRC, "examples", "minimal"), os.path.join(sc, "minimal"))
        db = store(tmp)
        token = subprocess.run([EXE, "token", "create", "--role", "editor", "--name", "t",
                                "--db", db], capture_output=True, text=True, check=True).stdout.strip()
        log = open(os.path.join(tmp, "log"), "ab")
        port_file = os.path.join(tmp, "port")
        server = subprocess.Popen([EXE, "serve", "--listen", "127.0.0.1:0", "--port-file", port_file,
                                   "--db", db, "--scenarios", sc, "--jobs", "0", "--quiet"],
                                  stdout=log, stderr=log)
        procs.append(server)
        workers = [subprocess.Popen([EXE, "worker", "--db", db, "--scenarios", sc, "--lease", str(LEASE)],
                                    stdout=log, stderr=log) for _ in range(2)]
        procs += workers
        for _ in range(400):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            check(server.poll() is None, "the server runs")
            time.sleep(0.05)
        port = int(open(port_file).read())

        ids = []
        for seed in range(1, JOBS + 1):
            st, doc = req(port, "POST", "/api/v1/analyses/risk",
                          {"scenario": "minimal", "samples": SAMPLES, "seed": seed}, token)
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
                st, doc = req(port, "GET", "/api/v1/jobs/%d" % jid, token=token)
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
                 os.path.join(sc, "minimal", "scenario.yaml")],
                capture_output=True, text=True, check=True).stdout)
            st, res = req(port, "GET", "/api/v1/jobs/%d/result" % jid, token=token)
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
