#!/usr/bin/env python3
"""standby.py - reads from a hot standby (issue 13), under tests/pg/with-pg.sh
(its cluster is the primary).

A server whose --db-read names a database without the stabforce schema
refuses to start and leaves it untouched (the read pool opens for
reading). A streaming replica of the primary is made with
`pg_basebackup -R` and started on its own socket. Then:
  - an import written to the primary is read back from the standby once
    replayed (the CLI, --db on each);
  - server A writes (a job) through the primary; server B, started with
    --db PRIMARY --db-read STANDBY, reads the job back once replayed;
  - the primary is stopped: B still answers reads (the job, the
    scenarios, /health), the CLI still lists and reports from the
    standby; writes fail clearly: B answers 503 "unavailable" with
    Retry-After, the CLI exits 4 naming the unreachable primary, and a
    write sent to the standby is refused as read-only;
  - the primary is started again: B writes again, without a restart.

usage: with-pg.sh python3 standby.py   (env: STABFORCE, SRCDIR, BUILDDIR,
SF_PG_HOST, SF_PG_BIN, SF_PG_DATA, SF_PG_RUNAS)

Everything the test starts (the standby, the servers) is stopped, whatever
happens.
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
GEN = os.path.join(os.environ["BUILDDIR"], "bench", "gen_acled")
HOST = os.environ["SF_PG_HOST"]
BIN = os.environ["SF_PG_BIN"]
DATA = os.environ["SF_PG_DATA"]
RUNAS = os.environ.get("SF_PG_RUNAS", "").split()
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def pg(tool, *args, check_rc=True):
    return subprocess.run(RUNAS + [os.path.join(BIN, tool)] + list(args), capture_output=True,
                          text=True, check=check_rc)


def sf(*args):
    return subprocess.run([EXE] + list(args), capture_output=True, text=True)


def wait_for(what, fn, timeout=60):
    t = time.time() + timeout
    while time.time() < t:
        if fn():
            return True
        time.sleep(0.2)
    check(False, "timed out waiting for " + what)
    return False


def count(db):
    out = sf("incidents", "list", "--db", db, "--include-retracted").stdout.strip().splitlines()
    return out[-1] if out else ""


class Server:
    def __init__(self, tmp, name, *args):
        self.port_file = os.path.join(tmp, name + ".port")
        self.log = open(os.path.join(tmp, name + ".log"), "ab")
        self.p = subprocess.Popen([EXE, "serve", "--listen", "127.0.0.1:0", "--port-file", self.port_file,
                                   "--scenarios", os.path.join(tmp, "scenarios"), "--quiet"] + list(args),
                                  stdout=self.log, stderr=self.log)
        wait_for("server " + name, lambda: os.path.exists(self.port_file) and
                 open(self.port_file).read().strip() != "" or self.p.poll() is not None)
        self.port = int(open(self.port_file).read())

    def req(self, method, path, body=None, token=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Authorization": "Bearer " + token} if token else {}
        if body is not None:
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict(r.getheaders()), json.loads(data) if data else None

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-standby-")
    sdir = tempfile.mkdtemp(prefix="sf-standby-")
    if RUNAS:
        shutil.chown(sdir, user=RUNAS[2])
    standby_up = False
    servers = []
    primary = "postgresql:///reg?host=%s&user=postgres" % HOST
    standby = "postgresql:///reg?host=%s&user=postgres" % sdir
    try:
        shutil.copytree(os.path.join(SRC, "examples", "minimal"), os.path.join(tmp, "scenarios", "minimal"))
        subprocess.run(["createdb", "-h", HOST, "-U", "postgres", "reg"], check=True)
        a_csv, b_csv = os.path.join(tmp, "a.csv"), os.path.join(tmp, "b.csv")
        subprocess.run([GEN, "--rows", "300", "--seed", "3", "--plain"], stdout=open(a_csv, "w"),
                       stderr=subprocess.DEVNULL, check=True)
        subprocess.run([GEN, "--rows", "200", "--seed", "4", "--plain", "--id-base", "900000"],
                       stdout=open(b_csv, "w"), stderr=subprocess.DEVNULL, check=True)
        r = sf("incidents", "import", a_csv, "--db", primary, "--no-progress")
        check(r.returncode == 0, "import into the primary: " + r.stderr)
        editor = sf("token", "create", "--role", "editor", "--name", "ed", "--db", primary).stdout.strip()

        # --db-read opens its store for reading: a database without the schema is
        # refused, not made a store (a read pool opened to write would migrate it)
        subprocess.run(["createdb", "-h", HOST, "-U", "postgres", "empty"], check=True)
        empty = "postgresql:///empty?host=%s&user=postgres" % HOST
        try:
            r = subprocess.run([EXE, "serve", "--listen", "127.0.0.1:0", "--scenarios",
                                os.path.join(tmp, "scenarios"), "--quiet", "--db", primary,
                                "--db-read", empty, "--jobs", "0"],
                               capture_output=True, text=True, timeout=60)
            check(r.returncode != 0 and "not a stabforce store yet" in r.stderr,
                  "--db-read on a database without the schema is refused: exit %d, %s"
                  % (r.returncode, r.stderr.strip()))
        except subprocess.TimeoutExpired:
            check(False, "--db-read on a database without the schema: the server started")
        tables = subprocess.run(["psql", "-X", "-At", "-h", HOST, "-U", "postgres", "-d", "empty", "-c",
                                 "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
                                capture_output=True, text=True).stdout.strip()
        check(tables == "0", "--db-read made no tables in that database (%s)" % tables)

        # the standby: a base backup with its recovery settings (-R), on its own socket
        pg("pg_basebackup", "-h", HOST, "-U", "postgres", "-D", os.path.join(sdir, "data"), "-R",
           "-X", "stream")
        pg("pg_ctl", "-D", os.path.join(sdir, "data"), "-l", os.path.join(sdir, "log"), "-w", "-t", "60",
           "-o", "-c listen_addresses= -k %s -c hot_standby=on -c fsync=off" % sdir, "start")
        standby_up = True
        check(sf("incidents", "list", "--db", standby, "--limit", "1").returncode == 0, "the standby opens")
        wait_for("the standby to hold the first import", lambda: count(standby) == "300 incidents")

        # a write to the primary, read back from the standby once replayed
        r = sf("incidents", "import", b_csv, "--db", primary, "--no-progress")
        check(r.returncode == 0, "second import into the primary: " + r.stderr)
        wait_for("the standby to replay the second import", lambda: count(standby) == "500 incidents")
        rep_p = sf("incidents", "report", "--db", primary, "--by", "week", "--by", "sector", "--format", "csv")
        rep_s = sf("incidents", "report", "--db", standby, "--by", "week", "--by", "sector", "--format", "csv")
        check(rep_p.returncode == 0 and rep_p.stdout == rep_s.stdout, "the standby reports as the primary")

        # server A writes; server B reads from the standby
        a = Server(tmp, "a", "--db", primary, "--jobs", "1")
        servers.append(a)
        b = Server(tmp, "b", "--db", primary, "--db-read", standby, "--jobs", "0")
        servers.append(b)
        st, h, doc = a.req("POST", "/api/v1/plans", {"scenario": "minimal"}, editor)
        check(st == 202, "a job written through server A: %s %s" % (st, doc))
        jid = doc["id"]
        wait_for("server B to read the job from the standby",
                 lambda: b.req("GET", "/api/v1/jobs/%d" % jid, token=editor)[0] == 200)

        # the primary goes away
        pg("pg_ctl", "-D", DATA, "-m", "fast", "-w", "stop")
        st, h, doc = b.req("GET", "/api/v1/jobs/%d" % jid, token=editor)
        check(st == 200 and doc["id"] == jid, "reads go on from the standby: the job (%s)" % st)
        for path in ("/api/v1/scenarios", "/api/v1/jobs", "/health"):
            st, h, doc = b.req("GET", path, token=editor)
            check(st == 200, "reads go on from the standby: %s (%s %s)" % (path, st, doc))
        check(count(standby) == "500 incidents", "the CLI lists from the standby")
        r = sf("incidents", "report", "--db", standby, "--by", "week", "--by", "sector", "--format", "csv")
        check(r.returncode == 0 and r.stdout == rep_s.stdout, "the CLI reports from the standby")
        # writes: 503 from the server, clear errors from the CLI
        st, h, doc = b.req("POST", "/api/v1/plans", {"scenario": "minimal", "time_limit": 30}, editor)
        check(st == 503 and doc and doc["error"]["code"] == "unavailable" and "Retry-After" in h,
              "a write while the primary is down: 503 unavailable with Retry-After (%s %s)" % (st, doc))
        if doc and "error" in doc:
            check("cannot be reached" in doc["error"]["message"], "the 503 says why: " + doc["error"]["message"])
        r = sf("incidents", "import", b_csv, "--db", primary, "--no-progress")
        check(r.returncode == 4 and "cannot be reached" in r.stderr,
              "the CLI's write to the stopped primary: exit %d, %s" % (r.returncode, r.stderr.strip()))
        r = sf("incidents", "import", b_csv, "--db", standby, "--no-progress")
        check(r.returncode == 4 and "read-only standby" in r.stderr,
              "a write to the standby is refused as read-only: exit %d, %s" % (r.returncode, r.stderr.strip()))

        # the primary comes back: the same server writes again
        pg("pg_ctl", "-D", DATA, "-l", os.path.join(os.path.dirname(DATA), "server.log"), "-w", "-t", "60",
           "-o", "-c listen_addresses= -k %s -c fsync=off -c max_connections=60" % HOST, "start")
        wait_for("server B to write again",
                 lambda: b.req("POST", "/api/v1/plans", {"scenario": "minimal", "time_limit": 31},
                               editor)[0] == 202)
    finally:
        for s in servers:
            s.stop()
        if standby_up:
            pg("pg_ctl", "-D", os.path.join(sdir, "data"), "-m", "immediate", "stop", check_rc=False)
        if failures and os.path.exists(os.path.join(sdir, "log")):
            sys.stdout.write(open(os.path.join(sdir, "log")).read()[-3000:])
        shutil.rmtree(sdir, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("standby: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
