#!/usr/bin/env python3
"""crash.py - kill -9 of `stabforce serve` during a job and during an
import, then a restart on the same store: nothing committed is lost (a
finished job's result, an earlier import, the edit log), nothing
half-written is visible (no row, batch or log entry of the import that
was cut), the interrupted job is reported failed with the reason, and no
process of the dead server is left running.

usage: crash.py   (env: STABFORCE, SRCDIR; SQLite: the import is caught in
flight by watching the store's write-ahead log grow)
"""
import csv
import http.client
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import SRC, Server, check, failures, token, wait_job  # noqa: E402

ROWS = 60000  # the import that is cut: long enough to catch in flight


def counts(db):
    c = sqlite3.connect(db)
    r = {t: c.execute("SELECT count(*) FROM " + t).fetchone()[0]
         for t in ("incidents", "batches", "edits", "jobs")}
    r["integrity"] = c.execute("PRAGMA integrity_check").fetchone()[0]
    c.close()
    return r


def mine(db):
    """Processes of this test's server and workers (their --db is this store)."""
    out = subprocess.run(["pgrep", "-f", "--", "--db[= ]" + db], capture_output=True, text=True).stdout
    return out.split()


def gone(db, seconds=15):
    t0 = time.time()
    while time.time() - t0 < seconds:
        if not mine(db):
            return True
        time.sleep(0.2)
    return False


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-crash-")
    db = os.path.join(tmp, "c.db")
    s = None
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        shutil.copytree(os.path.join(SRC, "examples", "minimal"), os.path.join(sc, "minimal"))
        editor = token(tmp, "editor", "erin", db="c.db")
        with open(os.path.join(SRC, "examples", "gaza", "incidents-synthetic.csv"), newline="") as f:
            rows = list(csv.reader(f))
        header, data = rows[0], rows[1:]
        idc = header.index("event_id_cnty")

        s = Server(tmp, "--jobs", "1", "--rate", "100000", db="c.db")
        st, h, doc = s.req("POST", "/api/v1/plans", {"scenario": "minimal"}, token=editor)
        plan = wait_job(s, doc["id"], editor)
        check(plan["status"] == "done", "the plan job is done before the crash")
        st, h, doc = s.req("POST", "/api/v1/incidents/import", csv_text(header, data[:50]), token=editor)
        check(st == 200 and doc["inserted"] == 50, "an import before the crash: %d" % st)

        # 1. kill -9 while a job runs
        st, h, doc = s.req("POST", "/api/v1/analyses/risk",
                           {"scenario": "minimal", "samples": 100000, "seed": 7}, token=editor)
        rid = doc["id"]
        t0 = time.time()
        while time.time() - t0 < 60:
            if s.req("GET", "/api/v1/jobs/%d" % rid, token=editor)[2]["status"] == "running":
                break
            time.sleep(0.1)
        time.sleep(0.5)
        s.p.send_signal(signal.SIGKILL)
        s.p.wait()
        check(gone(db), "the dead server's workers and their commands are gone: %s" % mine(db))
        s = Server(tmp, "--jobs", "1", "--rate", "100000", db="c.db")
        st, h, job = s.req("GET", "/api/v1/jobs/%d" % rid, token=editor)
        check(job["status"] == "failed" and job["message"],
              "the interrupted job is failed with the reason: %s %s" % (job["status"], job["message"]))
        st, h, again = s.req("GET", "/api/v1/jobs/%d" % plan["id"], token=editor)
        check(again["status"] == "done" and again["result"] == plan["result"],
              "the finished job's result survived the crash")
        st, h, page = s.req("GET", "/api/v1/incidents?limit=1000", token=editor)
        check(st == 200 and len(page) == 50, "the earlier import survived the crash: %d rows" % len(page))

        # 2. kill -9 in the middle of an import
        s.p.send_signal(signal.SIGKILL)
        s.p.wait()
        check(gone(db), "no process left after the second kill")
        before = counts(db)
        s = Server(tmp, "--jobs", "1", "--rate", "100000", db="c.db")
        big = []
        for i in range(ROWS):
            r = list(data[i % len(data)])
            r[idc] = "CRASH%06d" % i
            big.append(r)
        body = csv_text(header, big).encode()
        result = {}

        def send():
            try:
                c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=300)
                c.request("POST", "/api/v1/incidents/import", body=body,
                          headers={"Authorization": "Bearer " + editor})
                result["status"] = c.getresponse().status
            except (OSError, http.client.HTTPException) as e:
                result["error"] = str(e)

        wal = db + "-wal"
        base = os.path.getsize(wal) if os.path.exists(wal) else 0
        th = threading.Thread(target=send)
        th.start()
        caught = False
        t0 = time.time()
        while time.time() - t0 < 120 and th.is_alive():
            if os.path.exists(wal) and os.path.getsize(wal) > base + (2 << 20):
                caught = True
                break
            time.sleep(0.005)
        s.p.send_signal(signal.SIGKILL)
        s.p.wait()
        th.join()
        check(caught and "status" not in result,
              "the import was cut in flight (write-ahead log growing, no answer): %s" % result)
        s = Server(tmp, "--jobs", "1", "--rate", "100000", db="c.db")
        after = counts(db)
        check(after["integrity"] == "ok", "the store is intact: %s" % after["integrity"])
        check(after == before, "nothing of the cut import is visible: %s -> %s" % (before, after))
        st, h, page = s.req("GET", "/api/v1/incidents?limit=1000", token=editor)
        check(len(page) == 50 and all(not r["event_id_cnty"].startswith("CRASH") for r in page),
              "the list after the restart holds the committed rows only")
        st, h, doc = s.req("GET", "/health")
        check(st == 200, "the restarted server answers")
        s.stop()
        s = None
    finally:
        if s:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    n = len(failures)
    print("%d failed" % n if n else "all passed")
    return 1 if n else 0


if __name__ == "__main__":
    sys.exit(main())
