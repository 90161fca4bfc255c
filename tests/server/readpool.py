#!/usr/bin/env python3
"""readpool.py - GET requests read through handles opened for reading, on
the server's own store (no --db-read), and writes keep the write handles:

  - the server holds read-only handles on the store (SQLite: descriptors of
    the store file opened O_RDONLY; PostgreSQL: sessions that name
    themselves "stabforce-read" in pg_stat_activity, read-only);
  - while another connection holds the store's write lock (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: an EXCLUSIVE lock on the incident table, which
    lets plain reads through and nothing else), every GET endpoint answers
    200: no GET needs the write lock; a review sent meanwhile waits for
    the lock and lands once it is released;
  - a GET after a write sees it (the review's new status and version).

usage: readpool.py   (env: STABFORCE, SRCDIR; SF_PG_HOST for PostgreSQL)
"""
import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import PG_HOST, SRC, Server, check, failures, sql, store_loc, token  # noqa: E402

GETS = ["/api/v1/incidents?limit=20", "/api/v1/incidents/report", "/api/v1/incidents/duplicates",
        "/api/v1/edits", "/api/v1/aid", "/api/v1/aid/report", "/api/v1/jobs", "/metrics",
        "/api/v1/scenarios", "/api/v1/incidents/alerts"]


def read_only_fds(pid, path):
    """Descriptors of process pid open on file path: (read-only, read-write)."""
    ro = rw = 0
    real = os.path.realpath(path)
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)) != real:
                continue
            flags = int(open("/proc/%d/fdinfo/%s" % (pid, fd)).read().split("flags:")[1].split()[0], 8)
        except OSError:
            continue
        if flags & 3 == os.O_RDONLY:
            ro += 1
        else:
            rw += 1
    return ro, rw


class Locker:
    """Holds the store's write lock from another connection until release()."""

    def __init__(self, db):
        self.db = db
        if db.startswith("postgresql:"):
            self.p = subprocess.Popen(["psql", "-X", "-q", "-At", "-d", db], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            self.p.stdin.write("BEGIN; LOCK TABLE incidents IN EXCLUSIVE MODE;\n"
                               "SELECT 'locked';\n")
            self.p.stdin.flush()
            check(self.p.stdout.readline().strip() == "locked", "psql holds the lock")
        else:
            self.c = sqlite3.connect(db, isolation_level=None, timeout=30)
            self.c.execute("BEGIN IMMEDIATE")

    def release(self):
        if self.db.startswith("postgresql:"):
            self.p.stdin.write("COMMIT;\n\\q\n")
            self.p.stdin.close()
            self.p.wait(30)
        else:
            self.c.execute("COMMIT")
            self.c.close()


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-readpool-")
    s = None
    locker = None
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        shutil.copytree(os.path.join(SRC, "examples", "gaza"), os.path.join(sc, "gaza"))
        editor = token(tmp, "editor", "erin", db="p.db")
        db = store_loc(tmp, "p.db")
        s = Server(tmp, "--rate", "100000", "--jobs", "0", db="p.db")
        with open(os.path.join(sc, "gaza", "incidents-synthetic.csv"), newline="") as f:
            rows = list(csv.reader(f))
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows[:101])
        st, _, doc = s.req("POST", "/api/v1/incidents/import?scenario=gaza", buf.getvalue(),
                           token=editor)
        check(st == 200 and doc["inserted"] == 100, "the import: %d" % st)

        # the read handles
        if PG_HOST:
            n = sql(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                        "'stabforce-read'")[0][0]
            check(int(n) >= 1, "the server has reading sessions on the primary: %s" % n)
        else:
            ro, rw = read_only_fds(s.p.pid, db)
            check(ro >= 1 and rw >= 1,
                  "the server holds the store read-only (%d) and read-write (%d)" % (ro, rw))

        # every GET answers while another connection holds the write lock
        st, h, page = s.req("GET", "/api/v1/incidents?limit=1", token=editor)
        eid = page[0]["event_id_cnty"]
        st, h, one = s.req("GET", "/api/v1/incidents/" + eid, token=editor)
        etag = h.get("ETag")
        locker = Locker(db)
        for path in GETS + ["/api/v1/incidents/" + eid]:
            st, _, _ = s.req("GET", path, token=editor)
            check(st == 200, "GET %s while the write lock is held elsewhere: %d" % (path, st))
        review = {}

        def send_review():
            review["r"] = s.req("POST", "/api/v1/incidents/%s/review" % eid,
                                {"status": "verified", "note": "seen"}, token=editor,
                                headers={"If-Match": etag})
        t = threading.Thread(target=send_review)
        t.start()
        t.join(1.0)
        check(t.is_alive(), "a review waits for the write lock held elsewhere")
        st, _, doc = s.req("GET", "/api/v1/incidents/" + eid, token=editor)
        check(st == 200 and doc["status"] == one["status"],
              "a GET answers while a write waits, with the committed state")
        locker.release()
        locker = None
        t.join(60)
        st = review.get("r", (0,))[0]
        check(st == 200, "the review lands once the lock is released: %s" % (review.get("r"),))

        # a GET after the write sees it
        st, h, doc = s.req("GET", "/api/v1/incidents/" + eid, token=editor)
        check(st == 200 and doc["status"] == "verified" and h.get("ETag") != etag,
              "a GET sees the committed review: %d %s %s" % (st, doc.get("status"), h.get("ETag")))
        st, h, page = s.req("GET", "/api/v1/incidents?status=verified", token=editor)
        check(st == 200 and [i["event_id_cnty"] for i in page] == [eid],
              "the list sees it too: %s" % [i["event_id_cnty"] for i in page])
    finally:
        if locker:
            locker.release()
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
