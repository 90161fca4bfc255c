#!/usr/bin/env python3
"""gen_acled_codebook.py - every synthetic incident is one ACLED allows.

Reads the codebook table of docs/register.md ("Synthetic incidents: the
codebook table": sub-event type -> actor types allowed as actor 1 and as
actor 2, 0 = none) and checks every row of three files bench/gen_acled
writes (quirks on, --plain, another seed) and of the demo file
examples/gaza/incidents-synthetic.csv:
- the (event_type, sub_event_type) pair is in the table, and the row's
  disorder_type is the one ACLED gives the event type;
- inter1 (text or the old numeric code) is an actor-1 type of the row's
  sub-event type, inter2 (empty = 0) an actor-2 type, and actor2 is empty
  exactly when inter2 is;
- each synthetic actor's name matches its inter code (a "Civilians" actor
  is inter 7, and so on);
- civilian_targeting is set only when civilians are an actor.

Usage: gen_acled_codebook.py GEN_ACLED   ($SRCDIR from meson)
"""
import csv
import io
import os
import re
import subprocess
import sys

SRC = os.environ["SRCDIR"]
GEN = sys.argv[1]
INTER = {"": 0, "State forces": 1, "Rebel group": 2, "Political militia": 3,
         "Identity militia": 4, "Rioters": 5, "Protesters": 6, "Civilians": 7,
         "External/Other forces": 8}
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
# A synthetic actor's name says its type.
NAME_INTER = [("State Forces", 1), ("Rebel Group", 2), ("Political Militia", 3),
              ("Unidentified Armed Group", 3), ("Identity Militia", 4), ("Rioters", 5),
              ("Protesters", 6), ("Civilians", 7)]

failures = []


def fail(msg):
    failures.append(msg)


def read_table():
    text = open(os.path.join(SRC, "docs", "register.md"), encoding="utf-8").read()
    m = re.search(r"<!-- codebook-table.*?-->\n(.*?)<!-- end codebook-table -->", text, re.S)
    if not m:
        sys.exit("docs/register.md has no codebook table")
    table = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or cells[0] in ("event_type", "---"):
            continue
        a1 = {int(x) for x in cells[2].split(",")}
        a2 = {int(x) for x in cells[3].split(",")}
        table[(cells[0], cells[1])] = (a1, a2)
    if len(table) < 5:
        sys.exit("codebook table: only %d rows read" % len(table))
    return table


def inter(v):
    v = v.strip()
    if v.isdigit():
        return int(v)
    if v not in INTER:
        raise ValueError("unknown inter '%s'" % v)
    return INTER[v]


def check_file(name, data, table):
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if len(rows) < 100:
        fail("%s: only %d rows" % (name, len(rows)))
    seen = set()
    for i, r in enumerate(rows, 1):
        where = "%s row %d (%s)" % (name, i, r.get("event_id_cnty"))
        key = (r["event_type"], r["sub_event_type"])
        if key not in table:
            fail("%s: %s / %s is not in the codebook table" % (where, *key))
            continue
        seen.add(key)
        if DISORDER.get(r["event_type"]) != r["disorder_type"]:
            fail("%s: disorder_type '%s' for %s" % (where, r["disorder_type"], r["event_type"]))
        a1, a2 = table[key]
        try:
            i1, i2 = inter(r["inter1"]), inter(r["inter2"])
        except ValueError as e:
            fail("%s: %s" % (where, e))
            continue
        if i1 not in a1:
            fail("%s: %s with actor 1 of type %d (allowed %s)" % (where, key[1], i1, sorted(a1)))
        if i2 not in a2:
            fail("%s: %s with actor 2 of type %d (allowed %s)" % (where, key[1], i2, sorted(a2)))
        if (r["actor2"] == "") != (i2 == 0):
            fail("%s: actor2 '%s' with inter2 %d" % (where, r["actor2"], i2))
        for col, code in (("actor1", i1), ("actor2", i2)):
            for word, want in NAME_INTER:
                if word in r[col] and code != want:
                    fail("%s: %s '%s' has inter %d, not %d" % (where, col, r[col], code, want))
        if r["civilian_targeting"] and 7 not in (i1, i2):
            fail("%s: civilian_targeting without civilians" % where)
    if len(seen) < len(table) and len(rows) >= 1000:
        fail("%s: only %d of the table's %d types generated" % (name, len(seen), len(table)))
    return len(rows)


def main():
    table = read_table()
    n = 0
    for args in (["--rows", "3000", "--seed", "5", "--bad-every", "0"],
                 ["--rows", "2000", "--seed", "11", "--plain"],
                 ["--rows", "2000", "--seed", "2025", "--bad-every", "0", "--dup-every", "40"]):
        out = subprocess.run([GEN] + args, check=True, capture_output=True).stdout
        n += check_file("gen_acled " + " ".join(args), out, table)
    demo = os.path.join(SRC, "examples", "gaza", "incidents-synthetic.csv")
    n += check_file("incidents-synthetic.csv", open(demo, "rb").read(), table)
    for f in failures[:20]:
        print("FAIL " + f)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("ok: %d rows, every one of the codebook table's %d types" % (n, len(table)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
