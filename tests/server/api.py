#!/usr/bin/env python3
"""api.py - `stabforce serve` end to end: every endpoint, status and error
body, the OpenAPI document against the real answers, access control, jobs
(done, cached, cancelled, queue full), then hostile requests, ending with
the server still answering and nothing written.

usage: api.py   (env: STABFORCE, SRCDIR; a temp dir holds the store, or,
under tests/pg/with-pg.sh (SF_PG_HOST set), the store is a PostgreSQL
database on that throwaway cluster)

The server runs on 127.0.0.1 on a free port and is always stopped.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import jsonschema

from common import EXE, SRC, Server, check, failures, store_loc, token, wait_job


def schema_of(spec, path, method, status):
    op = spec["paths"][path][method]
    resp = op["responses"].get(str(status))
    check(resp is not None, "openapi: %s %s has no %s response" % (method, path, status))
    if not resp:
        return None
    if "$ref" in resp:
        resp = spec["components"]["responses"][resp["$ref"].split("/")[-1]]
    content = resp.get("content", {})
    js = content.get("application/json")
    return js["schema"] if js else None


def conforms(spec, path, method, status, doc):
    """The answer matches the document's schema for that operation and status."""
    sch = schema_of(spec, path, method, status)
    if sch is None:
        return
    full = dict(sch)
    full["components"] = spec["components"]
    try:
        jsonschema.Draft202012Validator(full).validate(doc)
    except jsonschema.ValidationError as e:
        check(False, "openapi: %s %s %s: %s" % (method, path, status, e.message))


def untimed(doc):
    """doc without its "seconds" figures (how long a solve took varies)."""
    if isinstance(doc, dict):
        return {k: untimed(v) for k, v in doc.items() if k != "seconds"}
    if isinstance(doc, list):
        return [untimed(v) for v in doc]
    return doc


def store_counts(db):
    qs = ("SELECT count(*) FROM jobs", "SELECT count(*) FROM edits", "SELECT count(*) FROM incidents",
          "SELECT count(*) FROM batches", "SELECT count(*) FROM aid")
    if db.startswith("postgresql:"):
        return tuple(int(subprocess.run(["psql", "-X", "-At", "-d", db, "-c", q], capture_output=True,
                                        text=True, check=True).stdout) for q in qs)
    import sqlite3
    c = sqlite3.connect(db)
    r = tuple(c.execute(q).fetchone()[0] for q in qs)
    c.close()
    return r


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-api-")
    s = None
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        shutil.copytree(os.path.join(SRC, "examples", "minimal"), os.path.join(sc, "minimal"))
        shutil.copy(os.path.join(SRC, "tests/cases/plan/01-hard-veto/scenario.yaml"), os.path.join(sc, "veto.yaml"))
        shutil.copy(os.path.join(SRC, "tests/cases/plan/22-f2-conditions/scenario.yaml"), os.path.join(sc, "cond.yaml"))
        shutil.copy(os.path.join(SRC, "tests/cases/plan/common/one-sector.geojson"), os.path.join(sc, "one-sector.geojson"))
        shutil.copy(os.path.join(SRC, "tests/cases/plan/common/two-sectors.geojson"), os.path.join(sc, "two-sectors.geojson"))
        with open(os.path.join(sc, "broken.yaml"), "w") as f:
            f.write("format: 1\nname: [unclosed\n")
        # the case scenarios point at ../common/: give them a copy there
        os.makedirs(os.path.join(tmp, "common"), exist_ok=True)
        for g in ("one-sector.geojson", "two-sectors.geojson"):
            shutil.copy(os.path.join(sc, g), os.path.join(tmp, "common", g))
        editor = token(tmp, "editor", "alice")
        viewer = token(tmp, "viewer", "bob")
        s = Server(tmp, "--queue", "3", "--rate", "100000")
        spec = s.req("GET", "/api/v1/openapi.json")[2]
        check(spec.get("openapi", "").startswith("3.1"), "openapi.json is OpenAPI 3.1")

        # health and metrics
        st, h, doc = s.req("GET", "/health")
        check(st == 200 and doc["status"] == "ok", "health answers ok")
        conforms(spec, "/health", "get", 200, doc)
        st, h, doc = s.req("GET", "/metrics")
        check(st == 401, "metrics need a token")
        conforms(spec, "/metrics", "get", 401, doc)
        st, h, doc = s.req("GET", "/metrics", token=viewer, raw=True)
        check(st == 200 and b"stabforce_requests_total" in doc and b"stabforce_jobs{status=\"done\"}" in doc,
              "metrics in Prometheus text")

        # access control
        st, h, doc = s.req("GET", "/api/v1/scenarios")
        check(st == 401 and doc["error"]["code"] == "unauthorized" and "WWW-Authenticate" in h, "401 without a token")
        conforms(spec, "/api/v1/scenarios", "get", 401, doc)
        st, h, doc = s.req("GET", "/api/v1/scenarios", token="0" * 64)
        check(st == 401, "401 with an unknown token")
        st, h, doc = s.req("GET", "/api/v1/scenarios", headers={"Authorization": "Basic eDp5"})
        check(st == 401, "401 with another scheme")
        st, h, doc = s.req("POST", "/api/v1/plans", {"scenario": "minimal"}, token=viewer)
        check(st == 403 and doc["error"]["code"] == "forbidden" and "bob" in doc["error"]["message"],
              "403 for a viewer's write")
        conforms(spec, "/api/v1/plans", "post", 403, doc)
        check("Access-Control-Allow-Origin" not in h, "no CORS unless configured")

        # scenarios
        st, h, doc = s.req("GET", "/api/v1/scenarios", token=viewer)
        check(st == 200, "scenarios list")
        conforms(spec, "/api/v1/scenarios", "get", 200, doc)
        names = [x["name"] for x in doc["scenarios"]]
        check(names == ["broken", "cond", "minimal", "veto"], "scenarios listed by name: %s" % names)
        check([x for x in doc["scenarios"] if x["name"] == "broken"][0]["valid"] is False, "a broken scenario is listed as such")
        st, h, doc = s.req("GET", "/api/v1/scenarios/minimal", token=viewer)
        check(st == 200 and doc["name"] == "minimal" and len(doc["sectors"]) >= 1, "one scenario")
        conforms(spec, "/api/v1/scenarios/{name}", "get", 200, doc)
        # format 2: the stakeholders' conditions, as the schema says
        st, h, doc = s.req("GET", "/api/v1/scenarios/cond", token=viewer)
        check(st == 200, "GET scenarios/cond: %s" % st)
        conforms(spec, "/api/v1/scenarios/{name}", "get", 200, doc)
        conds = {c["id"]: c for c in doc.get("conditions", [])}
        check(len(conds) == 4 and conds.get("b-consent", {}).get("consent") == "pending"
              and conds.get("disarm-after", {}).get("consent", 0) is None
              and conds.get("a-consent", {}).get("stakeholder") == "P",
              "scenario conditions: %s" % doc.get("conditions"))
        st, h, doc = s.req("GET", "/api/v1/scenarios/minimal/sectors", token=viewer)
        check(st == 200 and doc["type"] == "FeatureCollection" and h["Content-Type"] == "application/geo+json",
              "the sector map")
        for bad in ("nope", "..", "..%2f..%2fetc", "a%00b"):
            st, h, doc = s.req("GET", "/api/v1/scenarios/" + bad, token=viewer)
            check(st in (404, 400), "scenario %r: %d" % (bad, st))
            conforms(spec, "/api/v1/scenarios/{name}", "get", st, doc)
        yaml = open(os.path.join(sc, "minimal", "scenario.yaml")).read()
        st, h, doc = s.req("POST", "/api/v1/scenarios/validate?name=minimal", yaml, token=viewer,
                           headers={"Content-Type": "application/yaml"})
        check(st == 200 and doc["valid"] is True, "validate a good upload: %d %s" % (st, doc))
        conforms(spec, "/api/v1/scenarios/validate", "post", 200, doc)
        st, h, doc = s.req("POST", "/api/v1/scenarios/validate", "format: 1\nnmae: x\n", token=viewer)
        check(st == 422 and doc["valid"] is False and doc["diagnostics"][0]["line"] >= 1
              and doc["diagnostics"][0]["file"] == "upload.yaml", "validate a bad upload: located diagnostics")
        conforms(spec, "/api/v1/scenarios/validate", "post", 422, doc)

        # jobs
        st, h, doc = s.req("POST", "/api/v1/plans", {"scenario": "minimal"}, token=editor)
        check(st == 202 and h.get("Location") == "/api/v1/jobs/%d" % doc["id"] and "Retry-After" in h,
              "202 with Location and Retry-After")
        conforms(spec, "/api/v1/plans", "post", 202, doc)
        jid = doc["id"]
        done = wait_job(s, jid, viewer)
        check(done["status"] == "done" and done["progress"] == 1 and done["submitted_by"] == "alice",
              "the plan job is done: %s" % done.get("message"))
        conforms(spec, "/api/v1/jobs/{id}", "get", 200, done)
        # A request without a time limit is stored with the server's default
        # (--job-time-limit, 300 s): every job ends.
        check(done["request"] == {"scenario": "minimal", "time_limit": 300},
              "the job runs under the default time limit: %s" % done["request"])
        check(done["message"].startswith("proven"), "the job says it is proven: %s" % done["message"])
        # The CLI in the scenarios directory says the same, timings aside,
        # and the result names no path of the server's.
        cli = json.loads(subprocess.run([EXE, "plan", "--format", "json", "--db", store_loc(tmp, "s.db"),
                                         "--time-limit", "300",
                                         os.path.join("minimal", "scenario.yaml")], cwd=sc,
                                        capture_output=True, text=True, check=True).stdout)
        check(untimed(done["result"]) == untimed(cli), "the result is the CLI's document")
        check(done["result"]["scenario"]["path"] == "minimal/scenario.yaml"
              and tmp not in json.dumps(done["result"]),
              "the result names the scenario inside the directory, no server path: %s"
              % done["result"]["scenario"].get("path"))
        st, h, res = s.req("GET", "/api/v1/jobs/%d/result" % jid, token=viewer)
        check(st == 200 and res == done["result"], "the result alone")
        st, h, again = s.req("POST", "/api/v1/plans", {"scenario": "minimal"}, token=editor)
        check(st == 202 and again["id"] == jid and again["status"] == "done", "same inputs: the cached job")
        st, h, doc = s.req("POST", "/api/v1/plans", {"scenario": "minimal", "time_limit": 30}, token=editor)
        check(st == 202 and doc["id"] != jid, "other options: a new job")
        wait_job(s, doc["id"], viewer)
        # risk with a precision: the job passes it on, the result says how many samples it took
        st, h, rdoc = s.req("POST", "/api/v1/analyses/risk",
                           {"scenario": "minimal", "samples": 5, "seed": 1, "precision": 1000,
                            "precision_p": 0.9, "max_samples": 50}, token=editor)
        check(st == 202, "risk with a precision is accepted: %s" % rdoc)
        r = wait_job(s, rdoc["id"], viewer).get("result") or {}
        check(r.get("precision", {}).get("shortfall") == 1000 and r["precision"]["max_samples"] == 50
              and r["precision"]["met"] is not None and 5 <= r.get("samples", 0) <= 50,
              "risk's precision in the result: %s" % r.get("precision"))
        st, h, rdoc = s.req("POST", "/api/v1/analyses/risk",
                           {"scenario": "minimal", "precision": 0}, token=editor)
        check(st == 400, "risk: a precision of 0 is refused")
        # the key hashes the files, not their names: a changed scenario or
        # sector file (a comment, a space) is a new job
        seen = {jid, doc["id"]}
        for f, extra in (("scenario.yaml", "\n# changed\n"), ("sectors.geojson", "\n")):
            with open(os.path.join(sc, "minimal", f), "a") as fh:
                fh.write(extra)
            st, h, doc = s.req("POST", "/api/v1/plans", {"scenario": "minimal"}, token=editor)
            check(st == 202 and doc["id"] not in seen, "a changed %s: a new job" % f)
            seen.add(doc.get("id"))
            wait_job(s, doc["id"], viewer)
        st, h, doc = s.req("DELETE", "/api/v1/jobs/%d" % jid, token=editor)
        check(st == 409 and doc["error"]["code"] == "finished", "a finished job cannot be cancelled")
        conforms(spec, "/api/v1/jobs/{id}", "delete", 409, doc)
        st, h, doc = s.req("DELETE", "/api/v1/jobs/%d" % jid, token=viewer)
        check(st == 403, "a viewer cannot cancel")
        for path, code in (("/api/v1/jobs/999999", 404), ("/api/v1/jobs/abc", 404),
                           ("/api/v1/jobs/999999/result", 404)):
            st, h, doc = s.req("GET", path, token=viewer)
            check(st == code, "%s: %d" % (path, st))
        st, h, doc = s.req("POST", "/api/v1/analyses/whatif",
                           {"scenario": "veto", "edits": [{"lift_veto": "S:B"}]}, token=editor)
        check(st in (202, 422), "whatif accepted or its edit refused: %d %s" % (st, doc))
        if st == 202:
            d = wait_job(s, doc["id"], viewer)
            check(d["status"] in ("done", "failed"), "whatif ran")
        # offers (issue 14): a new nation's ranked offers, the CLI's document
        req = {"scenario": "minimal", "contributor": "NEW", "new": "Newland", "max_count": 1,
               "starts": 1}
        st, h, doc = s.req("POST", "/api/v1/offers", req, token=viewer)
        check(st == 403, "a viewer cannot run offers: %d" % st)
        st, h, doc = s.req("POST", "/api/v1/offers", req, token=editor)
        check(st == 202 and doc["kind"] == "offers", "offers queued: %d %s" % (st, doc))
        conforms(spec, "/api/v1/offers", "post", 202, doc)
        d = wait_job(s, doc["id"], viewer)
        conforms(spec, "/api/v1/jobs/{id}", "get", 200, d)
        cli = json.loads(subprocess.run(
            [EXE, "offers", "--format", "json", "--db", store_loc(tmp, "s.db"), "--time-limit", "300",
             "--contributor", "NEW", "--new", "Newland", "--max-count", "1", "--starts", "1",
             os.path.join("minimal", "scenario.yaml")], cwd=sc, capture_output=True, text=True,
            check=True).stdout)
        check(d["status"] == "done" and untimed(d["result"]) == untimed(cli),
              "the offers job's result is the CLI's document: %s" % d.get("message"))
        check(d["message"].startswith("proven"), "offers' stage-1 figures are proven: %s" % d["message"])
        st, h, doc = s.req("POST", "/api/v1/analyses/offers", req, token=editor)
        check(st == 202 and doc["id"] == d["id"], "/api/v1/analyses/offers is the same job: %d" % st)
        for body, what in (({"scenario": "minimal"}, "no contributor"),
                           (dict(req, rank="size"), "a rank that is none"),
                           (dict(req, new="a\nb"), "a name with a control character"),
                           (dict(req, contributor="--help"), "an id that looks like an option"),
                           (dict(req, samples=3), "an option of another analysis")):
            st, h, doc = s.req("POST", "/api/v1/offers", body, token=editor)
            check(st == 400, "offers request with %s: %d" % (what, st))
            conforms(spec, "/api/v1/offers", "post", st, doc)
        bads = [({"scenario": "minimal", "bogus": 1}, 400, "unknown option"),
                ({"scenario": "minimal", "time_limit": -1}, 400, "out of range"),
                ({"scenario": "minimal", "solver": "cplex"}, 400, "bad solver"),
                ({}, 400, "no scenario"),
                ([1, 2], 400, "not an object"),
                ({"scenario": "nope"}, 404, "unknown scenario"),
                ({"scenario": "broken"}, 422, "invalid scenario")]
        for body, code, what in bads:
            st, h, doc = s.req("POST", "/api/v1/plans", body, token=editor)
            check(st == code, "plan request %s: %d (want %d)" % (what, st, code))
            conforms(spec, "/api/v1/plans", "post", st, doc)
        st, h, doc = s.req("POST", "/api/v1/plans", "{not json", token=editor)
        check(st == 422 and doc["error"]["line"] == 1, "malformed JSON: located error")
        st, h, doc = s.req("POST", "/api/v1/analyses/whatif", {"scenario": "minimal", "edits": [{"drop": "--help"}]}, token=editor)
        check(st == 400, "an edit that looks like an option is refused")
        st, h, doc = s.req("POST", "/api/v1/analyses/nope", {"scenario": "minimal"}, token=editor)
        check(st == 404, "unknown analysis")
        st, h, doc = s.req("GET", "/api/v1/jobs?status=done&limit=2", token=viewer)
        check(st == 200 and 1 <= len(doc["jobs"]) <= 2 and all(j["status"] == "done" for j in doc["jobs"]), "job list")
        conforms(spec, "/api/v1/jobs", "get", 200, doc)
        st, h, doc = s.req("GET", "/api/v1/jobs?status=bogus", token=viewer)
        check(st == 400, "bad status filter")
        st, h, doc = s.req("PUT", "/api/v1/jobs", token=viewer)
        check(st == 405, "405 for a wrong method")
        st, h, doc = s.req("GET", "/api/v1/nowhere", token=viewer)
        check(st == 404 and doc["error"]["code"] == "not_found", "404 JSON for an unknown endpoint")
        s.stop()

        # queue full (no worker can keep up: a queue of 1 and a job that does not fit)
        s = Server(tmp, "--queue", "1", "--jobs", "1")
        st, h, d1 = s.req("POST", "/api/v1/analyses/risk", {"scenario": "minimal", "samples": 100000, "seed": 1}, token=editor)
        check(st == 202, "the first job is queued")
        # Wait until the worker has taken it (a loaded machine may take a
        # while): then the queue of 1 is empty again and holds exactly d2.
        for _ in range(600):
            if s.req("GET", "/api/v1/jobs/%d" % d1["id"], token=viewer)[2]["status"] != "queued":
                break
            time.sleep(0.1)
        st2, h2, d2 = s.req("POST", "/api/v1/analyses/risk", {"scenario": "minimal", "samples": 99999, "seed": 2}, token=editor)
        check(st2 == 202, "the second job waits in the queue")
        st3, h3, d3 = s.req("POST", "/api/v1/analyses/risk", {"scenario": "minimal", "samples": 99998, "seed": 3}, token=editor)
        check(st3 == 503 and d3["error"]["code"] == "queue_full" and "Retry-After" in h3, "503 with Retry-After when the queue is full")
        conforms(spec, "/api/v1/analyses/{kind}", "post", 503, d3)
        # the running one reports how far it is (one step per plan of the samples)
        prog = 0
        for _ in range(150):
            j = s.req("GET", "/api/v1/jobs/%d" % d1["id"], token=viewer)[2]
            prog = j["progress"]
            if j["status"] == "running" and 0 < prog < 1:
                break
            time.sleep(0.2)
        check(0 < prog < 1, "a running job's progress moves: %s" % prog)
        # cancel the queued one and the running one
        for d in (d2, d1):
            st, h, doc = s.req("DELETE", "/api/v1/jobs/%d" % d["id"], token=editor)
            check(st == 200 and doc["status"] == "cancelled", "cancel job %d" % d["id"])
        time.sleep(2.5)
        st, h, doc = s.req("GET", "/api/v1/jobs/%d" % d1["id"], token=viewer)
        check(doc["status"] == "cancelled", "a cancelled running job stays cancelled")
        # This server's commands only (their --db is this test's store), and
        # time to go on a loaded machine (the worker looks every second).
        mine = "risk --format=json --db=" + store_loc(tmp, "s.db")
        for _ in range(40):
            ps = subprocess.run(["pgrep", "-f", mine], capture_output=True, text=True).stdout.split()
            if not ps:
                break
            time.sleep(0.25)
        check(not ps, "the cancelled job's processes are gone: %s" % ps)
        # every job and every cancel in the edit log, under the token's name
        st, h, log = s.req("GET", "/api/v1/edits", token=viewer)
        conforms(spec, "/api/v1/edits", "get", 200, log)
        for d in (d1, d2):
            mine = [(e["what"], e["who"]) for e in log if e["event_id"] == "job:%d" % d["id"]]
            check(mine == [("job", "alice"), ("cancel", "alice")],
                  "job %d submitted and cancelled in the edit log: %s" % (d["id"], mine))
        check(not any(e["event_id"] == "job:%s" % d3.get("id") for e in log), "a refused job is not logged")
        s.stop()

        # rate limit, public reads, CORS
        s = Server(tmp, "--rate", "5", "--public-read", "--cors", "http://example.test")
        codes = [s.req("GET", "/api/v1/scenarios")[0] for _ in range(7)]
        check(codes[0] == 200, "public read needs no token")
        st, h, doc = s.req("GET", "/api/v1/jobs", token=viewer)
        check(st == 200, "the token's own rate limit")
        st, h, doc = s.req("GET", "/api/v1/scenarios")
        check(st == 429 and int(h["Retry-After"]) >= 1 and doc["error"]["code"] == "rate_limited",
              "429 with Retry-After: %s" % codes)
        conforms(spec, "/api/v1/scenarios", "get", 429, doc)
        st, h, doc = s.req("POST", "/api/v1/plans", {"scenario": "minimal"})
        check(st == 401, "writes still need a token with --public-read")
        st, h, doc = s.req("GET", "/health", headers={"Origin": "http://example.test"})
        check(h.get("Access-Control-Allow-Origin") == "http://example.test", "CORS for the configured origin")
        st, h, doc = s.req("GET", "/health", headers={"Origin": "http://evil.test"})
        check("Access-Control-Allow-Origin" not in h, "no CORS for another origin")
        s.stop()

        # hostile requests
        s = Server(tmp, "--max-body", "4096", "--timeout", "2")
        before = store_counts(store_loc(tmp, "s.db"))
        st, h, doc = s.req("POST", "/api/v1/plans", "x" * 10000, token=editor)
        check(st == 413 and doc["error"]["code"] == "too_large", "413 for a large body")
        conforms(spec, "/api/v1/plans", "post", 413, doc)

        def raw(data, read=True, wait=5):
            so = socket.create_connection(("127.0.0.1", s.port), timeout=wait)
            so.sendall(data)
            out = b""
            if read:
                try:
                    while True:
                        k = so.recv(65536)
                        if not k:
                            break
                        out += k
                except socket.timeout:
                    pass
            so.close()
            return out
        out = raw(b"GARBAGE\r\n\r\n")
        check(out == b"" or out.startswith(b"HTTP/1.1 400"), "malformed request line: closed or 400")
        check(raw(b"GET / HTTP/9.9\r\n\r\n").startswith(b"HTTP/1.1 505"), "unknown HTTP version: 505")
        check(raw(b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 100000 + b"\r\n\r\n")[:12] in (b"HTTP/1.1 431", b"HTTP/1.1 413", b""),
              "huge header refused")
        check(raw(b"GET /api/v1/scenarios/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 40"),
              "invalid UTF-8 in the path: 4xx")
        out = raw(b"GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        check(b"root:" not in out and out.startswith(b"HTTP/1.1 404"), "path traversal: 404")
        out = raw(b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        check(b"root:" not in out, "encoded path traversal")
        out = raw(b"POST /api/v1/plans HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\nAuthorization: Bearer "
                  + editor.encode() + b"\r\n\r\n")
        check(out.startswith(b"HTTP/1.1 413"), "413 before reading a declared huge body")
        # slow client: a request that never ends is dropped after the timeout
        so = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        so.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        t0 = time.time()
        try:
            got = so.recv(100)
        except (socket.timeout, ConnectionResetError):
            got = b""
        check(got == b"" and time.time() - t0 < 9, "a slow client is dropped after the timeout")
        so.close()
        # JSON bombs: deep nesting and a huge array, as job requests
        bomb = "[" * 3000 + "]" * 3000
        st, h, doc = s.req("POST", "/api/v1/plans", bomb, token=editor)
        check(st in (400, 413, 422), "deep JSON refused: %d" % st)
        st, h, doc = s.req("POST", "/api/v1/plans", '{"scenario": "minimal", "edits": [' + ",".join(["{}"] * 600) + "]}", token=editor)
        check(st in (400, 413), "a wide JSON refused: %d" % st)
        st, h, doc = s.req("POST", "/api/v1/plans", b'{"scenario": "min\xffimal"}', token=editor)
        check(st in (400, 404, 422), "invalid UTF-8 in JSON refused: %d" % st)
        many = [socket.create_connection(("127.0.0.1", s.port)) for _ in range(50)]
        for so in many:
            so.close()
        st, h, doc = s.req("GET", "/health")
        check(st == 200, "the server still answers after the hostile requests")
        check(store_counts(store_loc(tmp, "s.db")) == before, "nothing was written by the hostile requests")
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
