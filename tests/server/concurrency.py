#!/usr/bin/env python3
"""concurrency.py - two `stabforce serve` instances on one store, eight
writers at once through them (issue 13 item 3), on SQLite and, under
tests/pg/with-pg.sh, on PostgreSQL:

  1. the two servers start at the same moment on a store that does not
     exist yet: both come up, and the schema is migrated once; two editors
     review one incident with the same version, one through each server:
     one gets 200, the other 409;
  2. four importers POST files that update shares of the incidents (each
     through one server, in turn), while four reviewers each read ten
     incidents' versions from one server and POST a review with If-Match
     to the other; an importer's update moves a version, so some reviews
     are stale;
  3. then every review answered 200 is in the edit log exactly once, every
     one answered 409 is not, no request got anything else, each import
     counts all its rows, the log holds each import once, and the stored
     versions are the ones the successful reviews returned or later.

usage: concurrency.py   (env: STABFORCE, SRCDIR, BUILDDIR; SF_PG_HOST for PostgreSQL)
"""
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import EXE, Server, check, failures, store_loc  # noqa: E402

GEN = os.path.join(os.environ["BUILDDIR"], "bench", "gen_acled")


def Srv(tmp, name, db):
    """One server, started without waiting (so two start at once)."""
    return Server(tmp, "--jobs", "0", "--rate", "100000", "-q", db=db, name=name, wait=False,
                  timeout=120)


def gen(*args):
    return subprocess.run([GEN, "--plain", "--rows", "600", "--seed", "5", "--dup-every", "0"]
                          + list(args), capture_output=True, text=True, check=True).stdout


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-conc-")
    servers = []
    try:
        os.mkdir(os.path.join(tmp, "scenarios"))
        db = store_loc(tmp, "c.db")

        # 1. two servers at once on a new store
        servers = [Srv(tmp, "a", db), Srv(tmp, "b", db)]
        for i, s in enumerate(servers):
            if not s.wait():
                check(False, "server %d did not start: %s" % (i, open(s.log.name).read()[-500:]))
                return 1
        out = subprocess.run([EXE, "token", "create", "--role", "editor", "--name", "ed", "--db", db],
                             capture_output=True, text=True)
        check(out.returncode == 0, "token: " + out.stderr)
        tok = out.stdout.strip()
        time.sleep(2.5)  # the servers reread the tokens every two seconds
        if PG:
            v = sql(db, "SELECT count(*)::text || count(DISTINCT version)::text FROM sf_migrations")
            check(v == "33", "each migration once: %s" % v)
        else:
            v = subprocess.run(["sqlite3", db, "PRAGMA user_version"], capture_output=True,
                               text=True).stdout.strip()
            check(v == "4", "schema version: %s" % v)

        # the base: 600 incidents through server a
        st, h, doc = servers[0].req("POST", "/api/v1/incidents/import?name=base.csv", gen(), tok)
        check(st == 200 and doc["inserted"] == 600, "base import: %d %s" % (st, doc))
        ids = sorted(r["event_id_cnty"] for r in csv.DictReader(io.StringIO(gen())))

        # two editors, one version, one server each: one 200 and one 409
        x = ids[0]
        st, h, inc = servers[0].req("GET", "/api/v1/incidents/" + x, token=tok)
        pair = {}

        def editor(i):
            pair[i] = servers[i].req("POST", "/api/v1/incidents/%s/review" % x,
                                     {"status": ["verified", "disputed"][i], "note": "pair%d" % i},
                                     tok, {"If-Match": h.get("ETag", "")})[0]

        ts = [threading.Thread(target=editor, args=(i,)) for i in (0, 1)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        check(sorted(pair.values()) == [200, 409], "two editors at once: %s" % pair)

        # 2. four importers and four reviewers at once
        files = [gen("--bump-every", str(k + 1), "--ts-delta", str(100 * k)) for k in range(1, 5)]
        imports, reviews, lock = {}, [], threading.Lock()

        def importer(k):
            s = servers[k % 2]
            st, h, doc = s.req("POST", "/api/v1/incidents/import?name=imp%d.csv" % k, files[k - 1], tok)
            with lock:
                imports[k] = (st, doc)

        def reviewer(r):
            for n, iid in enumerate(ids[10 + r::4][:10]):
                st, h, inc = servers[r % 2].req("GET", "/api/v1/incidents/" + iid, token=tok)
                if st != 200:
                    with lock:
                        reviews.append((r, n, iid, "read %d" % st, None))
                    continue
                note = "r%d-%d" % (r, n)
                st, h, doc = servers[(r + 1) % 2].req(
                    "POST", "/api/v1/incidents/%s/review" % iid,
                    {"status": "corroborated", "note": note}, tok, {"If-Match": h.get("ETag", "")})
                with lock:
                    reviews.append((r, note, iid, st, doc))

        threads = [threading.Thread(target=importer, args=(k,)) for k in range(1, 5)]
        threads += [threading.Thread(target=reviewer, args=(r,)) for r in range(1, 5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        # 3. nothing lost, nothing twice
        total = 0
        for k in range(1, 5):
            st, doc = imports.get(k, (None, None))
            check(st == 200 and doc["inserted"] == 0, "importer %d: %s %s" % (k, st, doc))
            if st == 200:
                total += doc["updated"] + doc["unchanged"]
        check(total == 2400, "the importers' rows: %d, expected 2400" % total)
        log = subprocess.run([EXE, "incidents", "log", "--db", db, "--format", "csv"],
                             capture_output=True, text=True)
        check(log.returncode == 0, "incidents log: " + log.stderr)
        entries = list(csv.DictReader(io.StringIO(log.stdout)))
        ok = refused = 0
        latest = {}
        for r, note, iid, st, doc in reviews:
            n = sum(1 for e in entries if e.get("note") == note and e.get("what") == "status"
                    and e.get("event_id") == iid)
            if st == 200:
                ok += 1
                check(n == 1, "review %s (200) in the log %d times" % (note, n))
                latest[iid] = max(latest.get(iid, 0), doc["version"])
            elif st == 409:
                refused += 1
                check(n == 0, "refused review %s (409) in the log %d times" % (note, n))
            else:
                check(False, "review %s: %s %s" % (note, st, doc))
        check(ok > 0, "no review succeeded")
        check(ok + refused == 40, "reviews answered: %d of 40" % (ok + refused))
        n = sum(1 for e in entries if e.get("event_id") == x and e.get("what") == "status")
        check(n == 1, "the two editors' incident has %d reviews in the log, expected 1" % n)
        n = sum(1 for e in entries if e.get("what") == "status" and e.get("event_id") != x)
        check(n == ok, "status entries in the log: %d, successful reviews %d" % (n, ok))
        n = sum(1 for e in entries if e.get("what") == "import")
        check(n == 5, "imports in the log: %d, expected 5" % n)
        for iid, v in latest.items():
            st, h, inc = servers[0].req("GET", "/api/v1/incidents/" + iid, token=tok)
            check(st == 200 and inc["version"] >= v, "%s: version %s, a review returned %d"
                  % (iid, inc and inc.get("version"), v))
        print("concurrency: two servers, %d reviews written, %d refused as stale" % (ok, refused))
    finally:
        for s in servers:
            s.stop()
        if failures:
            for s in servers:
                print("--- %s\n%s" % (s.log.name, open(s.log.name).read()[-2000:]))
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


PG = os.environ.get("SF_PG_HOST")


def sql(db, q):
    name = db.split("///")[1].split("?")[0]
    return subprocess.run(["psql", "-X", "-q", "-At", "-h", PG, "-U", "postgres", "-d", name, "-c", q],
                          capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
