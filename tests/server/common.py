"""common.py - what the server tests share: the store (a file, or a database
under tests/pg/with-pg.sh), a `stabforce serve` on 127.0.0.1 and a free
port, tokens, jobs, and the processes a test looks at.

env: STABFORCE (the binary), SRCDIR (the source tree), SF_PG_HOST (set by
with-pg.sh: stores are PostgreSQL databases on that throwaway cluster).
"""
import http.client
import json
import os
import re
import signal
import subprocess
import time

EXE = os.environ["STABFORCE"]
SRC = os.environ["SRCDIR"]
PG_HOST = os.environ.get("SF_PG_HOST")
failures = []


def check(cond, what):
    """Record a failure (the test goes on, and exits 1 at the end)."""
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def store_loc(tmp, db):
    """The --db of store `db`: a file in tmp, or a database (made once) under
    with-pg.sh; a location (a path, a postgresql: URI) is itself."""
    if db.startswith("postgresql:") or os.path.isabs(db):
        return db
    if not PG_HOST:
        return os.path.join(tmp, db)
    name = db.split(".")[0]
    subprocess.run(["createdb", "-h", PG_HOST, "-U", "postgres", name], capture_output=True)
    return "postgresql:///%s?host=%s&user=postgres" % (name, PG_HOST)


def sql(db, q):
    """Rows of query q on store db (a path or a postgresql: URI), as lists of text."""
    if db.startswith("postgresql:"):
        out = subprocess.run(["psql", "-X", "-At", "-F", "|", "-d", db, "-c", q],
                             capture_output=True, text=True, check=True).stdout
        return [line.split("|") for line in out.splitlines()]
    import sqlite3
    c = sqlite3.connect(db)
    rows = [[str(v) for v in r] for r in c.execute(q).fetchall()]
    c.close()
    return rows


def token(tmp, role, name, db="s.db"):
    """A new token of role, made with `stabforce token create` (one line of 64 hex digits)."""
    out = subprocess.run([EXE, "token", "create", "--role", role, "--name", name, "--db",
                          store_loc(tmp, db)], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and len(lines[0]) == 64, out.stdout
    return lines[0]


class Server:
    """`stabforce serve` on 127.0.0.1, a free port, store `db` (a name in
    tmp, or a location), the scenarios of tmp/scenarios (or scenarios=DIR),
    and the extra args; its log and port file named after `name`. With
    wait=False it returns at once (two servers starting together): call
    wait() before any request."""

    def __init__(self, tmp, *args, db="s.db", scenarios=None, name="server", wait=True,
                 timeout=30):
        self.tmp = tmp
        self.timeout = timeout
        self.port = None
        self.port_file = os.path.join(tmp, name + ".port")
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.log = open(os.path.join(tmp, name + ".log"), "ab")
        self.p = subprocess.Popen(
            [EXE, "serve", "--listen", "127.0.0.1:0", "--port-file", self.port_file,
             "--db", store_loc(tmp, db), "--scenarios",
             scenarios or os.path.join(tmp, "scenarios")] + list(args),
            stdout=self.log, stderr=self.log)
        if wait and not self.wait():
            raise SystemExit("server did not start: see " + self.log.name)

    def wait(self):
        """True once the server listens (its port known), False if it exited or never did."""
        for _ in range(600):
            if os.path.exists(self.port_file) and os.path.getsize(self.port_file):
                self.port = int(open(self.port_file).read())
                return True
            if self.p.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def req(self, method, path, body=None, token=None, headers=None, raw=False):
        """(status, headers, JSON document or bytes); raw: the body's bytes."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        if raw:
            return r.status, dict(r.getheaders()), data
        try:
            doc = json.loads(data) if data else None
        except ValueError:
            doc = data
        return r.status, dict(r.getheaders()), doc

    def stop(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()


def wait_job(s, jid, tok, timeout=120):
    """The job's document once it is done, failed or cancelled."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        st, h, doc = s.req("GET", "/api/v1/jobs/%d" % jid, token=tok)
        if doc["status"] in ("done", "failed", "cancelled"):
            return doc
        time.sleep(0.2)
    raise SystemExit("job %d did not finish" % jid)


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
    """pid runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def naming(text):
    """Live processes whose command line contains text (with their command lines)."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) != os.getpid():
            try:
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if text in cmd and alive(int(d)):
                out[int(d)] = cmd
    return out


def prometheus(text):
    """Parse the Prometheus text format (0.0.4): {name: [(labels, value)]},
    {name: type}. Raises ValueError on a line that is not the format."""
    samples, types = {}, {}
    line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"'
                         r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*)?\})? (\S+)$')
    for ln in text.splitlines():
        if ln.startswith("# HELP "):
            continue
        if ln.startswith("# TYPE "):
            _, _, name, kind = ln.split(" ", 3)
            if kind not in ("counter", "gauge", "histogram", "summary", "untyped"):
                raise ValueError("type " + ln)
            types[name] = kind
            continue
        m = line_re.match(ln)
        if not m:
            raise ValueError("line %r" % ln)
        name, labels, value = m.group(1), m.group(3) or "", m.group(5)
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        if name not in types and base not in types:
            raise ValueError("no TYPE before %s" % name)
        samples.setdefault(name, []).append((labels, float(value)))
    return samples, types


def one(samples, name, labels=""):
    for lb, v in samples.get(name, []):
        if lb == labels:
            return v
    return None


def store_data_version(db):
    """The store's data version, read from its meta table."""
    return float(sql(db, "SELECT v FROM meta WHERE k = 'data_version'")[0][0])


def metric(s, name, tok=None, labels=""):
    """One sample of server s's /metrics (None when it has none)."""
    st, h, text = s.req("GET", "/metrics", token=tok, raw=True)
    return one(prometheus(text.decode("utf-8"))[0], name, labels) if st == 200 else None
