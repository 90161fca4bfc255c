#!/usr/bin/env python3
"""registers.py - the register endpoints of `stabforce serve` end to end:
imports of a CSV body, the keyset-paginated incident list (every page
walked, against `stabforce incidents list`), one incident and its ETag,
reviews with If-Match (428 without, 409 when stale, nothing changed),
reports, duplicates and decisions, aid, each answer against the CLI's
document for the same store and against the OpenAPI schema, the answer
cache moving with the data, and every write in the edit log under the
token's name.

usage: registers.py   (env: STABFORCE, SRCDIR; SF_PG_HOST for PostgreSQL)
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api import conforms  # noqa: E402
from common import EXE, SRC, Server, check, failures, metric, store_data_version, store_loc, token  # noqa: E402


def cli(tmp, *args):
    out = subprocess.run([EXE] + list(args) + ["--db", store_loc(tmp, "r.db")],
                         capture_output=True, text=True)
    check(out.returncode == 0, "cli %s: %s" % (" ".join(args), out.stderr.strip()))
    return out.stdout


def main():
    tmp = tempfile.mkdtemp(prefix="stabforce-reg-")
    s = None
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        shutil.copytree(os.path.join(SRC, "examples", "gaza"), os.path.join(sc, "gaza"))
        editor = token(tmp, "editor", "carol", db="r.db")
        viewer = token(tmp, "viewer", "dave", db="r.db")
        s = Server(tmp, "--rate", "100000", db="r.db")
        spec = s.req("GET", "/api/v1/openapi.json")[2]

        # an import: 400 rows of the synthetic export and one bad row
        with open(os.path.join(sc, "gaza", "incidents-synthetic.csv"), newline="") as f:
            rows = list(csv.reader(f))
        header, data = rows[0], rows[1:401]
        # every 9th row's fatalities left empty: not reported, null in the
        # answers (the schema allows it), never 0
        fi = header.index("fatalities")
        for k in range(0, len(data), 9):
            data[k] = list(data[k])
            data[k][fi] = ""
        bad = list(data[0])
        bad[header.index("event_id_cnty")] = "BAD1"
        bad[header.index("event_date")] = "not a date"
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(data + [bad])
        body = buf.getvalue()
        st, h, doc = s.req("POST", "/api/v1/incidents/import?scenario=gaza", body, token=viewer)
        check(st == 403, "a viewer cannot import: %d" % st)
        st, h, doc = s.req("POST", "/api/v1/incidents/import?scenario=gaza", body)
        check(st == 401, "no token, no import: %d" % st)
        st, h, doc = s.req("POST", "/api/v1/incidents/import", "", token=editor)
        check(st == 400, "an empty body: %d" % st)
        st, h, doc = s.req("POST", "/api/v1/incidents/import?scenario=nosuch", body, token=editor)
        check(st == 404, "an unknown scenario for sectors: %d" % st)
        version0 = metric(s, "stabforce_store_data_version", viewer)
        st, h, doc = s.req("POST", "/api/v1/incidents/import?scenario=gaza&name=synthetic.csv",
                           body, token=editor)
        version1 = metric(s, "stabforce_store_data_version", viewer)
        check(version0 is not None and version1 > version0
              and version1 == store_data_version(store_loc(tmp, "r.db")),
              "metrics: the data version moves with the import, as the store's: %s -> %s"
              % (version0, version1))
        check(st == 200 and doc["inserted"] == 400 and doc["rejected"] == 1
              and "BAD1" in doc["rejects"] and doc["sector"]["inside"] > 0,
              "the import: %d %s" % (st, doc if st != 200 else ""))
        conforms(spec, "/api/v1/incidents/import", "post", 200, doc)
        st, h, doc = s.req("POST", "/api/v1/incidents/import", "a,b\n1,2\n", token=editor)
        check(st == 422 and doc["error"]["code"] == "invalid_input",
              "a CSV without ACLED's columns: %d %s" % (st, doc))

        # the list, page by page, is the CLI's list
        want = json.loads(cli(tmp, "incidents", "list", "--format", "json"))
        got, after, pages = [], None, 0
        while True:
            path = "/api/v1/incidents?limit=37" + ("&after=" + after if after else "")
            st, h, page = s.req("GET", path, token=viewer)
            check(st == 200 and len(page) <= 37, "a page of 37 at most: %d" % st)
            if pages == 0:
                conforms(spec, "/api/v1/incidents", "get", 200, page)
            got += page
            pages += 1
            after = h.get("X-Next-After")
            if not after or pages > 100:
                break
        nulls = sum(1 for i in got if i["fatalities"] is None)
        check(nulls == len(range(0, 400, 9)), "empty fatalities fields are null: %d" % nulls)
        check(got == want, "the pages walked are the CLI's list (%d of %d rows, %d pages)"
              % (len(got), len(want), pages))
        check(pages == (len(want) + 36) // 37, "no empty last page: %d pages" % pages)
        # pages of a date range: the cursor and the range's first day are one
        # lower bound (the later of the two), whichever that is
        days = sorted({i["event_date"] for i in want})
        lo, hi = days[len(days) // 3], days[2 * len(days) // 3]
        ranged = [i for i in want if lo <= i["event_date"] <= hi]
        for first in (None, want[0], ranged[len(ranged) // 2]):
            after = ("%s,%s" % (first["event_date"], first["event_id_cnty"])) if first else None
            exp = [i for i in ranged if not first or
                   (i["event_date"], i["event_id_cnty"]) > (first["event_date"], first["event_id_cnty"])]
            got, pages = [], 0
            while pages < 100:
                path = "/api/v1/incidents?limit=7&from=%s&to=%s" % (lo, hi) + ("&after=" + after if after else "")
                st, h, page = s.req("GET", path, token=viewer)
                got += page if st == 200 else []
                pages += 1
                after = h.get("X-Next-After")
                if st != 200 or not after:
                    break
            check(got == exp, "pages of %s..%s after %s: %d rows of %d"
                  % (lo, hi, first and first["event_id_cnty"], len(got), len(exp)))
        st, h, page = s.req("GET", "/api/v1/incidents?after=garbage", token=viewer)
        check(st == 400, "a cursor that is not one: %d" % st)
        sector = want[0]["sector"]
        st, h, page = s.req("GET", "/api/v1/incidents?limit=10000&sector=" + sector, token=viewer)
        check([i["event_id_cnty"] for i in page] ==
              [i["event_id_cnty"] for i in want if i["sector"] == sector], "the sector filter")
        st, h, raw = s.req("GET", "/api/v1/incidents?limit=5&format=csv", token=viewer, raw=True)
        check(st == 200 and h.get("Content-Type", "").startswith("text/csv")
              and raw.decode().splitlines()[0].startswith("event_id_cnty,"), "a csv page")
        st, h, geo = s.req("GET", "/api/v1/incidents?limit=5&format=geojson", token=viewer)
        check(st == 200 and h.get("Content-Type") == "application/geo+json" and len(geo["features"]) == 5
              and [f["properties"] for f in geo["features"]] == want[:5]
              and geo["features"][0]["geometry"]["coordinates"] == [want[0]["longitude"], want[0]["latitude"]],
              "a geojson page: the same incidents as points")

        # one incident, then reviews against its version
        iid = want[3]["event_id_cnty"]
        st, h, inc = s.req("GET", "/api/v1/incidents/" + iid, token=viewer)
        check(st == 200 and h.get("ETag") == '"1"' and inc == want[3], "one incident and its ETag")
        conforms(spec, "/api/v1/incidents/{id}", "get", 200, inc)
        check(s.req("GET", "/api/v1/incidents/NOPE", token=viewer)[0] == 404, "no such incident")
        rv = "/api/v1/incidents/%s/review" % iid
        st, h, doc = s.req("POST", rv, {"status": "verified", "note": "two sources"}, token=editor)
        check(st == 428 and doc["error"]["code"] == "version_required", "a review names its version: %d" % st)
        st, h, doc = s.req("POST", rv, {"status": "verified"}, token=viewer, headers={"If-Match": '"1"'})
        check(st == 403, "a viewer cannot review: %d" % st)
        st, h, doc = s.req("POST", rv, {"status": "verified", "note": "two sources"}, token=editor,
                           headers={"If-Match": '"1"'})
        check(st == 200 and doc["status"] == "verified" and doc["version"] == 2 and h.get("ETag") == '"2"',
              "the review: %d %s" % (st, doc))
        conforms(spec, "/api/v1/incidents/{id}/review", "post", 200, doc)
        st, h, doc = s.req("POST", rv, {"status": "disputed", "note": "late"}, token=editor,
                           headers={"If-Match": '"1"'})
        check(st == 409 and doc["error"]["code"] == "conflict", "a stale version: 409: %d" % st)
        st, h, doc = s.req("POST", rv, {"status": "disputed", "version": 1}, token=editor)
        check(st == 409, "a stale version in the body: 409: %d" % st)
        st, h, inc = s.req("GET", "/api/v1/incidents/" + iid, token=viewer)
        check(inc["status"] == "verified" and inc["version"] == 2, "the stale reviews changed nothing")
        st, h, doc = s.req("POST", rv, {"status": "maybe", "version": 2}, token=editor)
        check(st == 400, "an unknown status: %d" % st)
        st, h, doc = s.req("POST", rv, {"status": "disputed", "version": 2, "extra": 1}, token=editor)
        check(st == 400, "an unknown key: %d" % st)
        st, h, doc = s.req("POST", rv, "{not json", token=editor, headers={"If-Match": '"2"'})
        check(st == 422 and doc["error"].get("line") == 1, "a body that is not JSON: %d" % st)

        # reports and duplicates: the CLI's documents
        for path, args in (("/api/v1/incidents/report", ["incidents", "report"]),
                           ("/api/v1/incidents/report?by=type&period=total", ["incidents", "report", "--by", "type", "--by", "total"]),
                           ("/api/v1/incidents/duplicates", ["incidents", "dupes"]),
                           ("/api/v1/incidents/alerts", ["incidents", "alerts"]),
                           ("/api/v1/incidents/alerts?days=60&type=Riots,Protests&fatalities=1&change=moderate",
                            ["incidents", "alerts", "--days", "60", "--type", "Riots", "--type", "Protests",
                             "--fatalities", "1", "--change", "moderate"])):
            st, h, doc = s.req("GET", path, token=viewer)
            check(st == 200 and doc == json.loads(cli(tmp, *(args + ["--format", "json"]))),
                  "%s is the CLI's %s" % (path, " ".join(args)))
            conforms(spec, path.split("?")[0], "get", 200, doc)
        st, h, doc = s.req("GET", "/api/v1/incidents/alerts?days=60&fatalities=1", token=viewer)
        check(st == 200 and len(doc["alerts"]) > 0, "alerts over 60 days: %d" % len(doc.get("alerts", [])))
        for bad in ("change=huge", "days=0", "as_of=yesterday", "fatalities=-1",
                    "type=" + ",".join(["T%d" % i for i in range(17)])):
            st, h, doc = s.req("GET", "/api/v1/incidents/alerts?" + bad, token=viewer)
            check(st == 400, "alerts with %s: %d" % (bad[:20], st))
            conforms(spec, "/api/v1/incidents/alerts", "get", 400, doc)
        st, h, raw = s.req("GET", "/api/v1/incidents/alerts?format=md", token=viewer, raw=True)
        check(st == 200 and raw.decode() == cli(tmp, "incidents", "alerts", "--format", "md"), "alerts in md")
        st, h, raw = s.req("GET", "/api/v1/incidents/report?format=csv&table=trend", token=viewer, raw=True)
        check(st == 200 and raw.decode() == cli(tmp, "incidents", "report", "--format", "csv", "--table", "trend"),
              "the report's csv is the CLI's")
        st, h, dup = s.req("GET", "/api/v1/incidents/duplicates", token=viewer)
        if dup.get("pairs"):
            a, b = dup["pairs"][0]["a"]["event_id"], dup["pairs"][0]["b"]["event_id"]
            st, h, doc = s.req("POST", "/api/v1/incidents/duplicates",
                               {"a": a, "b": b, "decision": "distinct", "note": "two places"}, token=editor)
            check(st == 200 and any(e["what"] == "distinct" and e["who"] == "carol" for e in doc),
                  "a duplicates decision is logged under the token's name: %d" % st)
            conforms(spec, "/api/v1/incidents/duplicates", "post", 200, doc)
            st, h, dup2 = s.req("GET", "/api/v1/incidents/duplicates", token=viewer)
            check(dup2["count"] == dup["count"] - 1, "the decided pair leaves the list (the cache moved)")
        check(s.req("POST", "/api/v1/incidents/duplicates", {"a": "x", "b": "y", "decision": "perhaps"},
                    token=editor)[0] == 400, "an unknown decision")

        # aid
        with open(os.path.join(sc, "gaza", "aid-trucks-daily-2023-10-07_2024-01-30.csv")) as f:
            aid = f.read()
        st, h, doc = s.req("POST", "/api/v1/aid/import?source=UN2720", aid, token=editor)
        check(st == 200 and doc["inserted"] > 100 and doc["rejected"] == 0, "the aid import: %d" % st)
        conforms(spec, "/api/v1/aid/import", "post", 200, doc)
        st, h, doc = s.req("GET", "/api/v1/aid/report", token=viewer)
        check(st == 200 and doc == json.loads(cli(tmp, "aid", "report", "--format", "json")),
              "the aid report is the CLI's")
        conforms(spec, "/api/v1/aid/report", "get", 200, doc)
        st, h, doc = s.req("GET", "/api/v1/aid?stage=entered", token=viewer)
        check(st == 200 and doc == json.loads(cli(tmp, "aid", "list", "--format", "json")), "the aid list is the CLI's")
        conforms(spec, "/api/v1/aid", "get", 200, doc)
        check(s.req("GET", "/api/v1/aid?stage=sunk", token=viewer)[0] == 400, "an unknown stage")

        # the answer cache follows the data: a report before and after an import
        st, h, r1 = s.req("GET", "/api/v1/incidents/report?period=total&by=none", token=viewer)
        more = io.StringIO()
        w = csv.writer(more, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows[401:451])
        s.req("POST", "/api/v1/incidents/import?scenario=gaza", more.getvalue(), token=editor)
        st, h, r2 = s.req("GET", "/api/v1/incidents/report?period=total&by=none", token=viewer)
        check(r2["periods"][0]["incidents"] == r1["periods"][0]["incidents"] + 50,
              "a cached report moves with an import: %s -> %s" % (r1["periods"][0], r2["periods"][0]))

        # every write in the edit log under the token's name
        st, h, log = s.req("GET", "/api/v1/edits", token=viewer)
        conforms(spec, "/api/v1/edits", "get", 200, log)
        imports = [e for e in log if e["what"] == "import"]
        check(len(imports) == 3 and all(e["who"] == "carol" and e["event_id"].startswith("batch:") for e in imports),
              "imports are in the edit log under the token's name: %s" % imports)
        check(any(e["what"] == "status" and e["event_id"] == iid and e["who"] == "carol" for e in log),
              "the review is in the edit log under the token's name")
        st, h, log1 = s.req("GET", "/api/v1/edits?event_id=" + iid, token=viewer)
        check(len(log1) == 1 and log1[0]["to"] == "verified", "one incident's log")
        s.stop()
        s = None

        # crossing names come from the data the server is given (--crossings),
        # through the same table as the CLI's
        s = Server(tmp, "--rate", "100000", "--crossings", os.path.join(sc, "gaza", "crossings.csv"),
                   db="r.db")
        st, h, doc = s.req("POST", "/api/v1/aid/import?source=COGAT",
                           "date,crossing,trucks\n2023-10-21,Karem Abu Salem,20\n", token=editor)
        check(st == 200 and doc["inserted"] == 1, "an aid import through --crossings: %d %s" % (st, doc))
        st, h, doc = s.req("GET", "/api/v1/aid?source=COGAT&crossing=Kerem%20Abu-Salem", token=viewer)
        check(st == 200 and [r["crossing"] for r in doc] == ["kerem_shalom"],
              "another name of the crossing finds its row: %d %s" % (st, doc))
        st, h, doc = s.req("POST", "/api/v1/aid/import?source=COGAT&name=atl.csv",
                           "date,crossing,trucks\n2023-10-22,Rafah,5\n2023-10-23,\"Atlantis\",7\n",
                           token=editor)
        check(st == 422 and doc["error"]["code"] == "invalid_input"
              and (doc["error"]["file"], doc["error"]["line"], doc["error"]["column"]) == ("atl.csv", 3, 12)
              and "unknown crossing 'Atlantis'" in doc["error"]["message"],
              "a crossing not in the file: 422 at its line and column: %d %s" % (st, doc))
        # the client sees the server's crossings file named, never its path there
        check("the server's crossings file" in doc["error"]["message"]
              and "crossings.csv" not in doc["error"]["message"] and sc not in doc["error"]["message"],
              "the unknown crossing's message names no server path: %s" % doc["error"]["message"])
        check(s.req("GET", "/api/v1/aid?crossing=Atlantis", token=viewer)[0] == 400,
              "a filter on a crossing not in the file")
        # two sources side by side, never added: the CLI's --side-by-side
        st, h, doc = s.req("GET", "/api/v1/aid/sources?commitment=500&reference=450"
                           "&reference_what=a%20test%20level", token=viewer)
        want = json.loads(cli(tmp, "aid", "report", "--side-by-side", "--commitment", "500",
                              "--reference", "450", "--reference-what", "a test level",
                              "--format", "json"))
        check(st == 200 and doc == want, "the side-by-side report is the CLI's: %d" % st)
        conforms(spec, "/api/v1/aid/sources", "get", 200, doc)
        day = next((d for d in doc.get("days", []) if d["date"] == "2023-10-21"), None)
        check([x["source"] for x in doc.get("series", [])] == ["COGAT", "UN2720"] and day
              and day["trucks"][0] == 20 and day["trucks"][1] is not None
              and day["crossings"] == [{"crossing": "kerem_shalom", "trucks": [20, None]}],
              "each source its own column on 2023-10-21: %s" % day)
        check(s.req("GET", "/api/v1/aid/sources?reference=450", token=viewer)[0] == 400,
              "a reference without what it is")
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
