#!/bin/sh
# report_register.sh - `stabforce report --db`: the register's sections of
# the briefing (docs/output.md, "Briefing").
#
#   sh report_register.sh      ($STABFORCE, $SRCDIR from meson)
#
# On examples/gaza with its synthetic incidents and real aid series in one
# store, plus a second aid source reporting another stage:
#   - the markdown has the register's sections; their tables are the
#     library's own (`incidents report` and `aid report` over the same
#     weeks, headings two levels down), one aid section per source;
#   - the HTML has the two charts per register (six pictures in all, each
#     with role="img" and a label), and each chart's marks carry the
#     figures the reports give: incidents per week (summed over sectors)
#     and trucks per day at the source's stage, a day with no figure
#     drawn as a gap;
#   - no colour outside the neutral scale and greys in the register's charts;
#   - an empty register says so, with no chart;
#   - bad --commitment and --weeks are usage errors (exit 2).
set -u

: "${STABFORCE:?}" "${SRCDIR:?}"
SCEN=$SRCDIR/examples/gaza/scenario.yaml
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-report-reg.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
failed=0
SRC1="UN sitreps (LSHTM/JHU)"
SRC2="Second monitor"

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

"$STABFORCE" incidents import "$SRCDIR/examples/gaza/incidents-synthetic.csv" --scenario "$SCEN" \
	--db "$T/reg.db" >/dev/null 2>&1 || fail "incidents import exited $?"
"$STABFORCE" aid import "$SRCDIR/examples/gaza/aid-trucks-daily-2023-10-07_2024-01-30.csv" \
	--source "$SRC1" --db "$T/reg.db" >/dev/null 2>&1 || fail "aid import exited $?"
# The second source reports trucks collected, with a day missing (01-03).
cat >"$T/aid2.csv" <<'EOF'
date,crossing,trucks,stage,source
2024-01-01,Kerem Shalom,40,collected,Second monitor
2024-01-02,Kerem Shalom,0,collected,Second monitor
2024-01-04,Kerem Shalom,55,collected,Second monitor
2024-01-04,Rafah,12,collected,Second monitor
EOF
"$STABFORCE" aid import "$T/aid2.csv" --db "$T/reg.db" >/dev/null 2>&1 || fail "aid import 2 exited $?"

"$STABFORCE" report -q --plan-only --date 2026-06-10 --weeks 6 --commitment 500 "$SCEN" \
	--register-note 'SAMPLE DATA: invented *figures* <b>here</b>.' \
	--aid-reference 450 --aid-reference-what 'a test level' \
	--db "$T/reg.db" --md "$T/r.md" --html "$T/r.html" 2>"$T/err" ||
	fail "report --db exited $?: $(cat "$T/err")"
# --register-note: a paragraph of plain text under the register's heading,
# before its sections, in the markdown (escaped) and the HTML (as text).
awk '/^## The register/ {r = 1} r && /^SAMPLE DATA/ {print "note"} r && /^### / {exit}' "$T/r.md" |
	grep -q note || fail "markdown: the note is not under the register's heading"
grep -qF 'SAMPLE DATA: invented \*figures\* \<b\>here\</b\>.' "$T/r.md" ||
	fail "markdown: the note is not escaped: $(grep 'SAMPLE DATA' "$T/r.md")"
grep -qF '<p>SAMPLE DATA: invented *figures* &lt;b&gt;here&lt;/b&gt;.</p>' "$T/r.html" ||
	fail "html: the note is not a paragraph of text: $(grep 'SAMPLE DATA' "$T/r.html")"

for s in '## The register' '### Incidents per week by sector' \
	"### Aid per day against the commitment: $SRC1" \
	"### Aid per day against the commitment: $SRC2" 'a commitment of 500 trucks a day' \
	'made for the days from 2025-10-10 (other days are not compared with it: 0 of'; do
	grep -qF "$s" "$T/r.md" || fail "markdown has no '$s'"
done

# The window: the 6 Monday weeks to the latest incident; each aid source's
# last 42 days.
"$STABFORCE" incidents report --db "$T/reg.db" --table trend --format json >"$T/trend.json" ||
	fail "incidents report trend exited $?"
python3 - "$T/trend.json" >"$T/win" <<'EOF' || fail "cannot read the trend"
import datetime, json, sys
a = datetime.date.fromisoformat(json.load(open(sys.argv[1]))["trend"]["as_of"])
print(a)
print(a - datetime.timedelta(days=a.weekday() + 35))
print(datetime.date(2024, 1, 30) - datetime.timedelta(days=41))
EOF
asof=$(sed -n 1p "$T/win")
first=$(sed -n 2p "$T/win")
aidfrom=$(sed -n 3p "$T/win")

# The tables are the library's, headings two levels down.
demote() { sed 's/^#/###/'; }
{
	"$STABFORCE" incidents report --db "$T/reg.db" --by week --by sector --table periods \
		--from "$first" --to "$asof" --format md && echo &&
		"$STABFORCE" incidents report --db "$T/reg.db" --by sector --table trend \
			--to "$asof" --as-of "$asof" --format md
} | demote >"$T/inc.md" || fail "incidents report md"
# The briefing's commitment applies from 2025-10-10 (the ceasefire's) by
# default: the 2023-24 figures are not compared with it.
"$STABFORCE" aid report --db "$T/reg.db" --source "$SRC1" --from "$aidfrom" --commitment 500 \
	--commitment-from 2025-10-10 --format md | demote >"$T/aid1.md" || fail "aid report md"
"$STABFORCE" aid report --db "$T/reg.db" --source "$SRC2" --stage collected --commitment 500 \
	--commitment-from 2025-10-10 --format md | demote >"$T/aid2.md" || fail "aid report 2 md"
# Side by side: every source and stage over the weeks to the latest figure,
# against the commitment at stage entered, with the reference.
"$STABFORCE" aid report --db "$T/reg.db" --side-by-side --from "$aidfrom" --commitment 500 \
	--commitment-from 2025-10-10 --reference 450 --reference-what 'a test level' --format md |
	demote >"$T/aid_sbs.md" || fail "aid report --side-by-side md"
grep -qF '### Aid sources side by side' "$T/r.md" || fail "no side-by-side section"
grep -qF 'The dotted line is a reference, 450 trucks a day: a test level' "$T/r.md" ||
	fail "the side-by-side section does not give the reference"
for f in inc aid1 aid2 aid_sbs; do
	python3 - "$T/r.md" "$T/$f.md" <<'EOF' || fail "the briefing does not hold the library's $f tables"
import sys
sys.exit(0 if open(sys.argv[2]).read().strip() in open(sys.argv[1]).read() else 1)
EOF
done

# The charts' marks say the reports' figures.
[ "$(grep -c '<svg [^>]*role="img" aria-label="[^"]' "$T/r.html")" -eq 8 ] ||
	fail "expected 8 pictures (4 of the plan, incidents, 2 aid sources, side by side)"
"$STABFORCE" aid report --db "$T/reg.db" --side-by-side --from "$aidfrom" --format json \
	>"$T/aid_sbs.json" || fail "aid report --side-by-side json"
python3 - "$T/r.html" "$T/aid_sbs.json" <<'EOF' || fail "side-by-side chart differs from the report"
import json, re, sys
html = open(sys.argv[1]).read()
chart = html.split('aria-label="Aid by source:')[1].split("</svg>")[0]
rep = json.load(open(sys.argv[2]))
got = set(re.findall(r'<title>(\d{4}-\d\d-\d\d): (\d+) trucks (\w+) as ([^<]*) reports them</title>', chart))
want = set()
for d in rep["days"]:
    for s, n in zip(rep["series"], d["trucks"]):
        if n is not None:
            want.add((d["date"], str(n), s["stage"], s["source"]))
# two series, never a point of their sum
if got != want or len(rep["series"]) != 2:
    print(sorted(got ^ want)[:5]); sys.exit(1)
if 'reference 450</text>' not in chart:
    print("no reference line"); sys.exit(1)
EOF
"$STABFORCE" incidents report --db "$T/reg.db" --by week --from "$first" --to "$asof" \
	--format json >"$T/weeks.json" || fail "incidents report json"
"$STABFORCE" aid report --db "$T/reg.db" --source "$SRC1" --from "$aidfrom" --format json \
	>"$T/aid1.json" || fail "aid report json"
"$STABFORCE" aid report --db "$T/reg.db" --source "$SRC2" --stage collected --format json \
	>"$T/aid2.json" || fail "aid report 2 json"
python3 - "$T/r.html" "$T/weeks.json" "$T/aid1.json" "$T/aid2.json" <<'EOF' || fail "chart figures differ from the reports"
import collections, json, re, sys
html = open(sys.argv[1]).read()
ok = True
weeks = collections.Counter()
for d, n in re.findall(r'<title>[^<]*, week of (\d{4}-\d\d-\d\d): (\d+) incidents;', html):
    weeks[d] += int(n)
want = {r["period"]: r["incidents"] for r in json.load(open(sys.argv[2]))["periods"]}
if len(weeks) != 6 or any(weeks[w] != want.get(w, 0) for w in weeks):
    print("weeks: chart", dict(weeks), "report", want); ok = False
charts = {c.split(" per day as reported by ")[1].split(",")[0]: c
          for c in html.split('aria-label="Aid trucks ')[1:]}
for src, path, stage in (("UN sitreps (LSHTM/JHU)", sys.argv[3], "entered"),
                         ("Second monitor", sys.argv[4], "collected")):
    chart = charts[src]
    rep = json.load(open(path))
    bars = dict(re.findall(r'<title>(\d{4}-\d\d-\d\d): (\d+) trucks ' + stage, chart.split("</svg>")[0]))
    gaps = set(re.findall(r'<title>(\d{4}-\d\d-\d\d): no figure</title>', chart.split("</svg>")[0]))
    want = {d["date"]: str(d[stage]) for d in rep["days"] if d.get(stage) is not None}
    nofig = {d["date"] for d in rep["days"] if d.get(stage) is None}
    if bars != want or gaps != nofig:
        print(stage, "bars", bars == want, "gaps", gaps, nofig); ok = False
sys.exit(0 if ok else 1)
EOF
# No day of the window is one the commitment was made for: no line drawn.
grep -q 'commitment 500</text>' "$T/r.html" && fail "a commitment line over days it was not made for"
# A commitment from 2024-01-20: compared (and its line drawn) from that day.
"$STABFORCE" report -q --plan-only --date 2026-06-10 --weeks 6 --commitment 500 \
	--commitment-from 2024-01-20 "$SCEN" --db "$T/reg.db" --md "$T/r2.md" --html "$T/r2.html" \
	2>"$T/err" || fail "report --commitment-from exited $?: $(cat "$T/err")"
"$STABFORCE" aid report --db "$T/reg.db" --source "$SRC1" --from "$aidfrom" --commitment 500 \
	--commitment-from 2024-01-20 --format md | demote >"$T/aid3.md" || fail "aid report 3 md"
python3 - "$T/r2.md" "$T/aid3.md" <<'EOF' || fail "the briefing does not compare from --commitment-from"
import sys
sys.exit(0 if open(sys.argv[2]).read().strip() in open(sys.argv[1]).read() else 1)
EOF
grep -q 'days compared with the commitment *| *11 ' "$T/aid3.md" ||
	fail "from 2024-01-20 to 2024-01-30: not 11 days compared: $(grep compared "$T/aid3.md")"
# once in the source's chart, once side by side
[ "$(grep -c 'commitment 500</text>' "$T/r2.html")" -eq 2 ] ||
	fail "the line of a commitment from 2024-01-20 is not drawn once per chart"

# Neutral colours only: greys and the sequential scale's violets.
sed -n '/<h2>The register<\/h2>/,$p' "$T/r.html" | grep -o '#[0-9a-f]\{6\}' | sort -u >"$T/colours"
python3 - "$T/colours" <<'EOF' || fail "a colour outside the neutral scale: $(tr '\n' ' ' <"$T/colours")"
import sys
for c in open(sys.argv[1]).read().split():
    r, g, b = (int(c[i:i + 2], 16) for i in (1, 3, 5))
    # greys (r = g = b within a few units) or violets (blue highest, green lowest)
    if max(r, g, b) - min(r, g, b) > 24 and not (b >= r >= g):
        sys.exit(1)
EOF

# An empty register says so, and draws nothing (a store that does not
# exist is an error: the store is made by an import of no rows).
head -n 1 "$SRCDIR/examples/gaza/aid-trucks-daily-2023-10-07_2024-01-30.csv" |
	"$STABFORCE" aid import - --db "$T/empty.db" >/dev/null 2>&1 || fail "an empty store"
"$STABFORCE" report -q --plan-only --date 2026-06-10 "$SRCDIR/examples/minimal/scenario.yaml" \
	--db "$T/empty.db" --html "$T/e.html" --md "$T/e.md" 2>"$T/err" ||
	fail "report on an empty register exited $?: $(cat "$T/err")"
grep -q 'The register holds no incident' "$T/e.md" || fail "empty register: no word on incidents"
grep -q 'The register holds no aid figure' "$T/e.md" || fail "empty register: no word on aid"
grep -q 'aria-label="Incidents per week\|aria-label="Aid trucks' "$T/e.html" &&
	fail "empty register: a chart was drawn"

# Usage errors.
"$STABFORCE" report --commitment -1 --db "$T/reg.db" "$SCEN" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--commitment -1 is not a usage error"
"$STABFORCE" report --weeks 0 --db "$T/reg.db" "$SCEN" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--weeks 0 is not a usage error"

echo "report_register: $failed failed"
[ "$failed" -eq 0 ]
