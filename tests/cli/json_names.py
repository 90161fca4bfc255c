#!/usr/bin/env python3
"""json_names.py - every JSON output parses, whatever bytes the names hold.

Issue 9: a command's JSON is the API's JSON, so a quote, a backslash, a
control character or non-ASCII text in a scenario's names, sources and
notes, in an incident's actors and notes, or in a crossing's name must
come out as valid JSON that decodes back to the same text. The scenario
is examples/minimal with an odd string put into the scenario's name, a
contributor's, a sector's, a task's, a unit type's and a stakeholder's
name and a pledge's source; a veto naming an unknown contributor by that
string makes validate's diagnostics carry it. The registers get the same
string in an incident's actor, notes and source, and in an aid row's
crossing (normalised: lower case, blanks to _) and source.
Every command with a JSON output is run, its output parsed with Python's
json (strict: no control character left raw), and where the command
echoes the odd text the decoded value must equal it.

Usage: json_names.py   ($STABFORCE and $SRCDIR from meson)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SF = os.environ["STABFORCE"]
SRC = os.environ["SRCDIR"]
# The odd text, as Python sees it once decoded; YAML gets it escaped.
ODD = 'Q"uote \\ back\\slash\ttab \x01ctl \u00e9 \u0639 </script>'
ODD_YAML = '"Q\\"uote \\\\ back\\\\slash\\ttab \\x01ctl \\u00e9 \\u0639 </script>'
failed = []


def fail(msg):
    print("FAIL: " + msg)
    failed.append(msg)


def run(args, what, ok=(0,)):
    """Run stabforce ARGS, return its stdout; a status outside ok fails."""
    r = subprocess.run([SF] + args, capture_output=True, timeout=600)
    if r.returncode not in ok:
        fail("%s exited %d: %s" % (what, r.returncode, r.stderr.decode(errors="replace")[:400]))
    return r.stdout


def strings(o):
    """Every string value in a decoded document."""
    if isinstance(o, dict):
        for v in o.values():
            yield from strings(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings(v)
    elif isinstance(o, str):
        yield o


def parse(data, what, echoes=False):
    """data must be one JSON document; if echoes, one string holds ODD."""
    try:
        doc = json.loads(data.decode("utf-8"), strict=True)
    except (UnicodeDecodeError, ValueError) as e:
        fail("%s: not JSON (%s): %r" % (what, e, data[:200]))
        return None
    if echoes and not any(ODD in s for s in strings(doc)):
        fail("%s: the odd name does not come back intact" % what)
    return doc


def scenario(tmp):
    src = os.path.join(SRC, "examples", "minimal")
    for f in ("scenario.yaml", "sectors.geojson"):
        shutil.copy(os.path.join(src, f), tmp)
    path = os.path.join(tmp, "scenario.yaml")
    with open(path, encoding="utf-8") as f:
        s = f.read()
    edits = [
        ("name: Minimal example (fictional)", "name: " + ODD_YAML + ' scenario"'),
        ("name: Alfaland (fictional)", "name: " + ODD_YAML + ' Alfa"'),
        ("name: North", "name: " + ODD_YAML + ' North"'),
        ("name: Protection of civilians", "name: " + ODD_YAML + ' poc"'),
        ("name: Infantry company", "name: " + ODD_YAML + ' coy"'),
        ("name: Host government (fictional)", "name: " + ODD_YAML + ' host"'),
    ]
    for old, new in edits:
        if old not in s:
            sys.exit("examples/minimal changed: no '%s'" % old)
        s = s.replace(old, new)
    s = s.replace('source: "illustrative"', "source: " + ODD_YAML + ' src"', 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(s)
    # The same scenario with a veto on a contributor named by the odd text.
    bad = s.replace("      - contributor: BRAVO", "      - contributor: " + ODD_YAML + '"', 1)
    bad_path = os.path.join(tmp, "bad.yaml")
    with open(bad_path, "w", encoding="utf-8") as f:
        f.write(bad)
    return path, bad_path


def planning(tmp, scen, bad):
    parse(run(["validate", scen, "-f", "json"], "validate"), "validate")
    parse(run(["validate", bad, "-f", "json"], "validate (error)", ok=(2,)),
          "validate diagnostics", echoes=True)
    plan = os.path.join(tmp, "plan.json")
    run(["plan", "-q", scen, "-f", "json", "-o", plan], "plan")
    with open(plan, "rb") as f:
        parse(f.read(), "plan", echoes=True)
    parse(run(["check-plan", scen, plan, "-f", "json"], "check-plan"), "check-plan")
    for cmd in (["vetoes"], ["caveats"], ["critical"], ["price"], ["shopping"],
                ["risk", "--samples", "4"], ["whatif", "--drop", "ALFA"]):
        parse(run(cmd + [scen, "-q", "-j", "1", "-f", "json"], cmd[0]), cmd[0])
    parse(run(["compare", scen, scen, "-q", "-f", "json"], "compare"), "compare")


def registers(tmp, scen):
    db = os.path.join(tmp, "r.db")
    csv = os.path.join(tmp, "incidents.csv")
    q = ODD.replace('"', '""')
    with open(csv, "w", encoding="utf-8", newline="") as f:
        f.write("event_id_cnty,event_date,event_type,sub_event_type,actor1,latitude,"
                "longitude,fatalities,source,notes,timestamp\n")
        f.write('X1,2026-01-05,Riots,Violent demonstration,"%s",0.1,10.1,0,"%s","%s",10\n'
                % (q, q, q))
        f.write('X2,2026-01-05,Riots,Violent demonstration,"%s",0.1,10.1,0,"%s","%s",11\n'
                % (q, q, q))
    run(["incidents", "import", csv, "--scenario", scen, "--db", db], "incidents import")
    parse(run(["incidents", "list", "--db", db, "-f", "json"], "incidents list"),
          "incidents list", echoes=True)
    parse(run(["incidents", "list", "--db", db, "-f", "geojson"], "incidents list geojson"),
          "incidents list geojson", echoes=True)
    parse(run(["incidents", "report", "--db", db, "--by", "actor", "-f", "json"],
              "incidents report"), "incidents report", echoes=True)
    parse(run(["incidents", "dupes", "--db", db, "--all", "-f", "json"], "incidents dupes"),
          "incidents dupes")
    run(["incidents", "review", "X1", "--status", "verified", "--note", ODD, "--db", db],
        "incidents review")
    parse(run(["incidents", "log", "X1", "--db", db, "-f", "json"], "incidents log"),
          "incidents log", echoes=True)
    parse(run(["incidents", "threat", "--db", db, "--scenario", scen, "-f", "json"],
              "incidents threat"), "incidents threat")
    aid = os.path.join(tmp, "aid.csv")
    with open(aid, "w", encoding="utf-8", newline="") as f:
        # a crossing's name is normalised (lower case, blanks to _): the
        # source column comes back as written
        f.write('date,crossing,trucks,source\n2026-01-05,"%s",100,"%s"\n'
                '2026-01-06,"%s",120,"%s"\n' % (q, q, q, q))
    adb = os.path.join(tmp, "aid.db")
    run(["aid", "import", aid, "--db", adb], "aid import")
    parse(run(["aid", "list", "--db", adb, "-f", "json"], "aid list"), "aid list", echoes=True)
    parse(run(["aid", "report", "--db", adb, "-f", "json"], "aid report"), "aid report",
          echoes=True)
    parse(run(["aid", "escorts", "--db", adb, "-f", "json"], "aid escorts"), "aid escorts")


def main():
    tmp = tempfile.mkdtemp(prefix="sf-json-names.")
    try:
        scen, bad = scenario(tmp)
        planning(tmp, scen, bad)
        registers(tmp, scen)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("json_names: %d failed" % len(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
