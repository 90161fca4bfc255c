#!/usr/bin/env python3
"""hostile.py - `stabforce serve` against what a client should not send,
and the limits that keep one client from starving the others.

1. The route table (src/server/server.c) and /api/v1/openapi.json name the
   same endpoints; every endpoint answers 401 without a token, 403 to a
   viewer where it writes, 429 over the rate limit and 413 over the body
   limit where it takes a body, each with the Error body its OpenAPI
   operation declares.
2. Connection limits: per address and in total (three loopback source
   addresses), the connection over a limit closed at once, room again when
   the others go.
3. Hostile requests: malformed HTTP (request line, version, Content-Length,
   chunked encoding, header lines), huge headers, slow clients (a header
   or a body that never ends is dropped by the connection timeout: the
   test waits for the server to close, never measures it), path traversal
   (raw, encoded, in a scenario name), invalid UTF-8 (path, query, header,
   JSON, CSV), JSON bombs under the body limit (deep nesting, huge arrays,
   a huge string) sent to every endpoint that takes JSON.
4. The dashboard's strict Content-Security-Policy; /metrics parsed as the
   Prometheus text format, its histogram and its store gauges consistent.

It ends with the server still answering and the store exactly as before
(jobs, edit log, incidents, batches, aid). Runs on SQLite, and on
PostgreSQL under tests/pg/with-pg.sh (SF_PG_HOST set).

usage: hostile.py   (env: STABFORCE, SRCDIR)
"""
import os
import re
import shutil
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api import conforms, store_counts  # noqa: E402
from common import Server, check, failures, one, prometheus, store_data_version, store_loc, token  # noqa: E402

SRC = os.environ["SRCDIR"]
WAIT = 120  # seconds a socket waits for the server: a bound, never a measure


def routes():
    """(method, pattern, need) of the server's route table."""
    text = open(os.path.join(SRC, "src/server/server.c")).read()
    return re.findall(r'\{"(GET|POST|DELETE)", "(/[^"]*)", (NEED_\w+), sv_h_\w+\}', text)


def sample(pattern):
    """A request path for a route pattern: '*' -> a plausible value."""
    parts = []
    for seg in pattern.split("/"):
        if seg == "*":
            prev = parts[-1] if parts else ""
            seg = {"scenarios": "minimal", "analyses": "risk", "jobs": "1", "incidents": "x1"}.get(prev, "x")
        parts.append(seg)
    return "/".join(parts)


def openapi_ops(spec):
    """{(METHOD, pattern with '*')} of the OpenAPI document."""
    ops = {}
    for path, item in spec["paths"].items():
        pat = re.sub(r"\{[^}]+\}", "*", path)
        for m in item:
            if m in ("get", "post", "delete", "put", "patch"):
                ops[(m.upper(), pat)] = (path, m)
    return ops


def raw(port, data, src="127.0.0.1", timeout=WAIT, shut=False):
    """Send bytes on a fresh connection; return what came back before the
    server closed (b"" if it closed or reset without an answer)."""
    so = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    so.settimeout(timeout)
    so.bind((src, 0))
    so.connect(("127.0.0.1", port))
    out = b""
    try:
        so.sendall(data)
        if shut:
            so.shutdown(socket.SHUT_WR)
        while True:
            k = so.recv(65536)
            if not k:
                break
            out += k
    except (ConnectionResetError, BrokenPipeError):
        pass
    except OSError as e:  # closed before our shutdown
        if e.errno != 107:
            raise
    finally:
        so.close()
    return out


def status_of(out):
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", out)
    return int(m.group(1)) if m else None


def held(port, src):
    """A connection that has sent half a request and waits."""
    so = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    so.settimeout(WAIT)
    so.bind((src, 0))
    so.connect(("127.0.0.1", port))
    so.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    return so


def refused(port, src):
    """True when the server closes a new connection from src without answering."""
    out = raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", src=src)
    return out == b""


def answers(port, src="127.0.0.1"):
    out = raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", src=src)
    return status_of(out) == 200


def dropped(port, data):
    """Send a request that never ends and wait for the server to close it.
    True when it closed (or answered 408); False if WAIT passed first."""
    try:
        out = raw(port, data)
    except socket.timeout:
        return False
    return out == b"" or status_of(out) == 408


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-hostile-")
    s = None
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        shutil.copytree(os.path.join(SRC, "examples", "minimal"), os.path.join(sc, "minimal"))
        editor = token(tmp, "editor", "alice")
        viewer = token(tmp, "viewer", "bob")
        db = store_loc(tmp, "s.db")

        # ---- 1. the route table and the OpenAPI document, endpoint by endpoint
        s = Server(tmp, "--rate", "100000", "--max-body", "65536", "--timeout", "2")
        spec = s.req("GET", "/api/v1/openapi.json")[2]
        table = routes()
        check(len(table) >= 20, "the route table was read: %d routes" % len(table))
        ops = openapi_ops(spec)
        mine = {(m, p) for m, p, _ in table}
        check(mine == set(ops), "routes and OpenAPI differ: only routes %s, only OpenAPI %s"
              % (sorted(mine - set(ops)), sorted(set(ops) - mine)))
        before = store_counts(db)
        for m, pat, need in table:
            if (m, pat) not in ops:
                continue
            path, meth = ops[(m, pat)]
            url = sample(pat)
            body = {} if m == "POST" else None
            if need != "NEED_NONE":
                st, h, doc = s.req(m, url, body)
                check(st == 401 and isinstance(doc, dict) and doc["error"]["code"] == "unauthorized",
                      "%s %s: 401 without a token (%s)" % (m, url, st))
                conforms(spec, path, meth, 401, doc)
            if need == "NEED_EDIT":
                st, h, doc = s.req(m, url, body, token=viewer)
                check(st == 403 and doc["error"]["code"] == "forbidden", "%s %s: 403 to a viewer (%s)" % (m, url, st))
                conforms(spec, path, meth, 403, doc)
            if m == "POST":
                st, h, doc = s.req(m, url, b"x" * 70000, token=editor,
                                   headers={"Content-Type": "application/json"})
                check(st == 413 and doc["error"]["code"] == "too_large", "%s %s: 413 (%s)" % (m, url, st))
                conforms(spec, path, meth, 413, doc)
        check(store_counts(db) == before, "nothing written by the refused requests")
        s.stop()

        # 429: every endpoint that needs a token declares it and answers it
        s = Server(tmp, "--rate", "1")
        for m, pat, need in table:
            if need == "NEED_NONE" or (m, pat) not in ops:
                continue
            path, meth = ops[(m, pat)]
            url = sample(pat)
            tok = editor if need == "NEED_EDIT" else viewer
            s.req("GET", "/api/v1/scenarios", token=tok)  # spends the minute's one request
            st, h, doc = s.req(m, url, {} if m == "POST" else None, token=tok)
            check(st == 429 and int(h.get("Retry-After", "0")) >= 1 and doc["error"]["code"] == "rate_limited",
                  "%s %s: 429 with Retry-After (%s)" % (m, url, st))
            conforms(spec, path, meth, 429, doc)
        check(s.req("GET", "/health")[0] == 200, "/health is not rate limited")
        check(store_counts(db) == before, "nothing written over the rate limit")
        s.stop()

        # ---- 2. connection limits: 2 per address, 3 in all (one HTTP thread:
        # libmicrohttpd shares the total among its threads)
        s = Server(tmp, "--threads", "1", "--max-per-ip", "2", "--max-connections", "3", "--timeout", "60")
        a = [held(s.port, "127.0.0.1"), held(s.port, "127.0.0.1")]
        check(refused(s.port, "127.0.0.1"), "a third connection from one address is closed")
        b = [held(s.port, "127.0.0.2")]
        # over the total, a connection waits in the listen backlog, unserved
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.bind(("127.0.0.3", 0))
        c.connect(("127.0.0.1", s.port))
        c.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        c.settimeout(3)
        try:
            early = c.recv(100)
        except socket.timeout:
            early = None
        check(early is None, "a fourth connection in all is not served while three are open: %r" % early)
        for so in a + b:
            so.close()
        c.settimeout(WAIT)
        try:
            late = c.recv(100)
        except socket.timeout:
            late = b""
        c.close()
        check(status_of(late) == 200, "the waiting connection is served once the others are gone: %r" % late[:20])
        check(answers(s.port, "127.0.0.1"), "room again for the first address")
        s.stop()

        # ---- 3. hostile requests
        s = Server(tmp, "--timeout", "2", "--max-body", "1048576")
        p = s.port
        before = store_counts(db)
        data_version = store_data_version(db)
        auth = b"Authorization: Bearer " + editor.encode() + b"\r\n"
        # malformed HTTP
        for what, data, want in (
                ("a request line of garbage", b"GARBAGE\r\n\r\n", (400, None)),
                ("no method", b" / HTTP/1.1\r\nHost: x\r\n\r\n", (400, None)),
                ("an unknown version", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", (505,)),
                ("HTTP/1.1 without Host", b"GET /health HTTP/1.1\r\n\r\n", (400,)),
                ("a header line without a colon", b"GET /health HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n", (400, None)),
                ("a NUL in a header (cut there)", b"GET /health HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n", (200, 400, None)),
                ("a Content-Length that is not a number",
                 b"POST /api/v1/plans HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: abc\r\n\r\n{}", (400, None)),
                ("a negative Content-Length",
                 b"POST /api/v1/plans HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: -5\r\n\r\n{}", (400, None)),
                ("a bad chunk size",
                 b"POST /api/v1/plans HTTP/1.1\r\nHost: x\r\n" + auth
                 + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", (400, None)),
                ("a chunk over the body limit",
                 b"POST /api/v1/plans HTTP/1.1\r\nHost: x\r\n" + auth
                 + b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n{}", (413, 400, None)),
                ("a declared body over the limit",
                 b"POST /api/v1/plans HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: 999999999999\r\n\r\n",
                 (413,)),
                ("a header of 100 KB", b"GET /health HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 100000 + b"\r\n\r\n",
                 (431, 413, None)),
                ("10,000 headers", b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 10000 + b"\r\n",
                 (431, 413, None)),
        ):
            out = raw(p, data, shut=True)
            check(status_of(out) in want and b"root:" not in out,
                  "%s: %s (want %s)" % (what, out[:40], want))
        # slow clients: the connection timeout (2 s) drops them; the test
        # only waits for the close (up to WAIT s), it does not time it
        check(dropped(p, b"GET /health HTTP/1.1\r\nHost: x\r\n"), "a header that never ends is dropped")
        check(dropped(p, b"POST /api/v1/plans HTTP/1.1\r\nHost: x\r\n" + auth
                      + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"scen"),
              "a body that never ends is dropped")
        # path traversal: raw, encoded, in a scenario name, into the dashboard
        for path in (b"/../../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd", b"/..%2f..%2fetc%2fpasswd",
                     b"/app.js/../../../../etc/passwd", b"/api/v1/scenarios/..", b"/api/v1/scenarios/%2e%2e",
                     b"/api/v1/scenarios/..%2f..%2f..%2fetc%2fpasswd", b"/api/v1/scenarios/minimal%2f..%2f..%2fs.db",
                     b"/api/v1/scenarios/.minimal", b"/api/v1/scenarios/%2fetc%2fpasswd"):
            out = raw(p, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"Connection: close\r\n\r\n")
            check(status_of(out) in (400, 404) and b"root:" not in out and b"SQLite format" not in out,
                  "path traversal %s: %s" % (path, out[:40]))
        # invalid UTF-8: path, query, header, JSON, CSV
        end = b"Connection: close\r\n\r\n"
        for what, data in (
                ("in the path", b"GET /api/v1/scenarios/\xff\xfe HTTP/1.1\r\nHost: x\r\n" + auth + end),
                ("in the query",
                 b"GET /api/v1/incidents?sector=%ff%fe&after=\xc3\x28 HTTP/1.1\r\nHost: x\r\n" + auth + end),
                ("in the token", b"GET /api/v1/scenarios HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n" + end),
                ("in If-Match", b"POST /api/v1/incidents/x1/review HTTP/1.1\r\nHost: x\r\n" + auth
                 + b"If-Match: \"\xff\"\r\nContent-Length: 22\r\n" + end + b'{"status": "verified"}'),
        ):
            out = raw(p, data)
            st = status_of(out)
            check(st is not None and 400 <= st < 500, "invalid UTF-8 %s: %s" % (what, out[:40]))
            body = out.split(b"\r\n\r\n", 1)[-1]
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                check(False, "invalid UTF-8 %s: the answer itself is not UTF-8" % what)
        json_posts = [sample(pat) for m, pat, need in table if m == "POST" and not pat.endswith("/import")]
        bombs = (
            ("invalid UTF-8 in JSON", b'{"scenario": "min\xffimal"}'),
            ("nesting 100,000 deep", b"[" * 100000 + b"]" * 100000),
            ("an object nested 50,000 deep", b'{"a":' * 50000 + b"1" + b"}" * 50000),
            ("an array of 200,000 numbers", b'{"scenario": "minimal", "edits": [' + b",".join([b"0"] * 200000) + b"]}"),
            ("an array of 50,000 objects", b'{"scenario": "minimal", "edits": [' + b",".join([b"{}"] * 50000) + b"]}"),
            ("a string of 900 KB", b'{"scenario": "' + b"a" * 900000 + b'"}'),
            ("50,000 keys", b"{" + b",".join(b'"k%d": 1' % i for i in range(50000)) + b"}"),
        )
        for url in json_posts:
            for what, bomb in bombs:
                st, h, doc = s.req("POST", url, bomb, token=editor, headers={"Content-Type": "application/json"})
                turned_down = isinstance(doc, dict) and ("error" in doc or doc.get("valid") is False)
                check(st in (400, 404, 413, 422) and turned_down, "%s to %s: %d" % (what, url, st))
        for url in ("/api/v1/incidents/import", "/api/v1/aid/import"):
            for what, body in (("binary", bytes(range(256)) * 100), ("invalid UTF-8 CSV", b"a,b\n\xff\xfe,\xc3\x28\n"),
                               ("one field of 900 KB", b"x" * 900000 + b"\n"),
                               ("200,000 columns", b",".join([b"a"] * 200000) + b"\n")):
                st, h, doc = s.req("POST", url, body, token=editor, headers={"Content-Type": "text/csv"})
                check(st in (400, 413, 422) and isinstance(doc, dict) and "error" in doc,
                      "%s to %s: %d" % (what, url, st))
        # many connections opened and dropped at once
        many = [socket.create_connection(("127.0.0.1", p)) for _ in range(60)]
        for so in many:
            so.close()
        st, h, doc = s.req("GET", "/health")
        check(st == 200 and doc["status"] == "ok", "the server still answers after the hostile requests")
        check(store_counts(db) == before, "nothing was written by the hostile requests: %s -> %s"
              % (before, store_counts(db)))

        # ---- 4. the dashboard's CSP, and /metrics
        for path in ("/", "/index.html"):
            st, h, body = s.req("GET", path, raw=True)
            if st == 404:
                continue
            csp = h.get("Content-Security-Policy", "")
            d = dict((x.strip().split(" ", 1) + [""])[:2] for x in csp.split(";") if x.strip())
            check(st == 200 and d.get("default-src") == "'none'" and d.get("frame-ancestors") == "'none'"
                  and "unsafe" not in csp and "*" not in csp and "http" not in csp and "data:" not in csp,
                  "%s: a strict CSP: %r" % (path, csp))
            check(h.get("X-Content-Type-Options") == "nosniff", "%s: nosniff" % path)
            check("Access-Control-Allow-Origin" not in h, "%s: no CORS unless configured" % path)
        st, h, text = s.req("GET", "/metrics", token=viewer, raw=True)
        check(st == 200 and h.get("Content-Type", "").startswith("text/plain; version=0.0.4"), "metrics: %d" % st)
        try:
            samples, types = prometheus(text.decode("utf-8"))
        except ValueError as e:
            check(False, "metrics are not the Prometheus text format: %s" % e)
            samples, types = {}, {}
        for name, kind in (("stabforce_requests_total", "counter"), ("stabforce_request_seconds", "histogram"),
                           ("stabforce_jobs", "gauge"), ("stabforce_store_incidents", "gauge"),
                           ("stabforce_cache_hits_total", "counter"), ("stabforce_rate_limited_total", "counter")):
            check(types.get(name) == kind, "metrics: %s is a %s" % (name, kind))
        bk = samples.get("stabforce_request_seconds_bucket", [])
        vals = [v for _, v in bk]
        check(bk and bk[-1][0] == 'le="+Inf"' and vals == sorted(vals)
              and vals[-1] == one(samples, "stabforce_request_seconds_count"),
              "metrics: the latency histogram is cumulative and ends at +Inf = count")
        total = sum(v for _, v in samples.get("stabforce_requests_total", []))
        check(total >= 50 and one(samples, "stabforce_requests_total", 'class="4xx"') >= 20,
              "metrics: the requests are counted by class: %s" % samples.get("stabforce_requests_total"))
        check(one(samples, "stabforce_store_incidents") == before[2], "metrics: the store's incidents")
        # the versions: the program's (as /health says) and the store's data
        # version, which the hostile requests above did not move
        health = s.req("GET", "/health")[2]
        check(one(samples, "stabforce_build_info", 'version="%s"' % health["version"]) == 1,
              "metrics: the version: %s" % samples.get("stabforce_build_info"))
        check(types.get("stabforce_store_data_version") == "gauge"
              and one(samples, "stabforce_store_data_version") == data_version,
              "metrics: the store's data version %s: %s"
              % (data_version, samples.get("stabforce_store_data_version")))
        st, h, text2 = s.req("GET", "/metrics", token=viewer, raw=True)
        s2, _ = prometheus(text2.decode("utf-8"))
        check(sum(v for _, v in s2.get("stabforce_requests_total", [])) > total, "metrics: the count moves")
        # memory: the answer cache holds a report once it is asked for (its
        # bytes at least the answer's), the resident size is there and
        # plausible, and the heap is either glibc's count (in use > 0) or,
        # under a sanitizer that makes mallinfo2 count nothing, left out
        st, _, rep = s.req("GET", "/api/v1/incidents/report", token=viewer, raw=True)
        check(st == 200, "metrics: the report to cache answers %d" % st)
        st, h, text3 = s.req("GET", "/metrics", token=viewer, raw=True)
        s3, t3 = prometheus(text3.decode("utf-8"))
        check(t3.get("stabforce_cache_entries") == "gauge" and (one(s3, "stabforce_cache_entries") or 0) >= 1
              and (one(s3, "stabforce_cache_bytes") or 0) >= len(rep),
              "metrics: the cache holds the report (%d bytes): entries %s, bytes %s"
              % (len(rep), s3.get("stabforce_cache_entries"), s3.get("stabforce_cache_bytes")))
        check((one(s3, "stabforce_resident_bytes") or 0) > 1 << 20,
              "metrics: resident memory: %s" % s3.get("stabforce_resident_bytes"))
        heap = dict(s3.get("stabforce_heap_bytes", []))
        check(not heap or (heap.get('state="in_use"', 0) > 0 and 'state="free"' in heap),
              "metrics: the heap in use and free: %s" % heap)
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
