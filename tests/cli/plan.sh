#!/bin/sh
# plan.sh - `stabforce plan` and `stabforce export` end to end on
# examples/minimal: every output format, the exit statuses (0 plan, 2 bad
# usage or scenario, 3 no plan), nothing written when planning fails, and
# the exported LP/MPS solved by the `cbc` and `glpsol` programs giving the
# planner's stage-1 optimum (skipped for a program that is not installed).
#
#   sh plan.sh JGET       ($STABFORCE, $SRCDIR from meson)
set -u

JGET=${1:?usage: plan.sh JGET}
: "${STABFORCE:?}" "${SRCDIR:?}"
SCEN=$SRCDIR/examples/minimal/scenario.yaml
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-plan.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
failed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# Text summary (default), exit 0.
"$STABFORCE" plan "$SCEN" >"$T/plan.txt" 2>"$T/err" || fail "plan exited $?: $(cat "$T/err")"
for s in 'Stage 1 (weighted shortfall)' 'Force build-up' 'Coverage' \
	'Full operational capability' 'Cost' 'Binding constraints'; do
	grep -q "$s" "$T/plan.txt" || fail "text summary has no '$s'"
done
[ -s "$T/err" ] && fail "plan wrote on stderr when it is not a terminal: $(cat "$T/err")"

# JSON: stage 1 optimal; the reported Z1 is the rows' weighted shortfall.
"$STABFORCE" plan "$SCEN" --format json --output "$T/plan.json" || fail "plan --format json"
[ "$("$JGET" "$T/plan.json" stage1.status)" = optimal ] || fail "stage 1 not optimal"
[ "$("$JGET" "$T/plan.json" solver)" = cbc ] || fail "solver is not cbc"
z1=$("$JGET" "$T/plan.json" stage1.objective)
"$JGET" --close "$z1" "$("$JGET" "$T/plan.json" z1)" || fail "stage1.objective $z1 is not the rows' z1"
"$STABFORCE" check-plan "$SCEN" "$T/plan.json" >"$T/check" 2>&1 || fail "check-plan: $(cat "$T/check")"

# GLPK agrees on stage 1.
"$STABFORCE" plan "$SCEN" --solver glpk --format json -o "$T/glpk.json" || fail "plan --solver glpk"
"$JGET" --close "$z1" "$("$JGET" "$T/glpk.json" stage1.objective)" || fail "glpk stage 1 differs from cbc"
[ "$("$JGET" "$T/glpk.json" solver)" = glpk ] || fail "solver is not glpk"

# Benchmark peers give the same optima.
"$STABFORCE" plan "$SCEN" --monolithic --cold-stage2 --gap 0 -f json -o "$T/mono.json" ||
	fail "plan --monolithic --cold-stage2"
"$JGET" --close "$z1" "$("$JGET" "$T/mono.json" stage1.objective)" || fail "monolithic stage 1 differs"

# A generous time limit: stage 2 runs in a forked child with a hard
# deadline; the plan is the same.
"$STABFORCE" plan "$SCEN" --time-limit 300 -f json -o "$T/limited.json" || fail "plan --time-limit 300"
"$JGET" --close "$z1" "$("$JGET" "$T/limited.json" stage1.objective)" || fail "time-limited stage 1 differs"
"$JGET" --close "$("$JGET" "$T/plan.json" stage2.objective)" "$("$JGET" "$T/limited.json" stage2.objective)" ||
	fail "time-limited stage 2 differs"
"$STABFORCE" check-plan "$SCEN" "$T/limited.json" >"$T/check" 2>&1 || fail "check-plan (limited): $(cat "$T/check")"

# CSV and markdown.
"$STABFORCE" plan "$SCEN" -f csv >"$T/plan.csv" || fail "plan --format csv"
[ "$(head -n 1 "$T/plan.csv")" = "month,label,pledge,contributor,unit,location,task,units,stage1,stage1_gap,stage2,stage2_gap" ] ||
	fail "csv header is '$(head -n 1 "$T/plan.csv")'"
rows=$("$JGET" "$T/plan.json" assignments | tr -cd '{' | wc -c)
[ "$(($(wc -l <"$T/plan.csv") - 1))" -eq "$rows" ] || fail "csv rows differ from json assignments"
"$STABFORCE" plan "$SCEN" -f md >"$T/plan.md" || fail "plan --format md"
grep -q '^### Force build-up' "$T/plan.md" || fail "markdown has no build-up section"
grep -q '^| month |' "$T/plan.md" || fail "markdown has no table"

# Usage errors and invalid scenarios: exit 2; an unreadable file: 4.
"$STABFORCE" plan --help >/dev/null 2>&1 || fail "plan --help"
"$STABFORCE" plan >/dev/null 2>&1
[ $? -eq 2 ] || fail "plan without a scenario does not exit 2"
"$STABFORCE" plan "$SCEN" --solver simplex >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown solver does not exit 2"
"$STABFORCE" plan "$SCEN" --gap 2 >/dev/null 2>&1
[ $? -eq 2 ] || fail "--gap 2 does not exit 2"
printf 'format: 1\nname: broken\n' >"$T/bad.yaml"
"$STABFORCE" plan "$T/bad.yaml" >/dev/null 2>&1
[ $? -eq 2 ] || fail "an invalid scenario does not exit 2"
"$STABFORCE" plan "$T/missing.yaml" >/dev/null 2>&1
[ $? -eq 4 ] || fail "a missing scenario file does not exit 4 (I/O)"

# The budget is gone before month 1 is solved: every month keeps the plan
# that sends nobody (always feasible: shortfall is allowed), exit 0, shown
# as feasible with a gap, never as proven; the checker accepts it.
"$STABFORCE" plan "$SCEN" --time-limit 1e-9 -f json -o "$T/none.json" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || fail "an exhausted time limit exits $rc, not 0: $(cat "$T/err")"
[ "$("$JGET" "$T/none.json" stage1.status)" = feasible ] || fail "exhausted limit: stage 1 not 'feasible'"
[ "$("$JGET" "$T/none.json" stage2.status)" = feasible ] || fail "exhausted limit: stage 2 not 'feasible'"
[ "$("$JGET" "$T/none.json" stage1.gap)" = 1 ] || fail "exhausted limit: stage-1 gap is not 1 (bound 0)"
"$STABFORCE" check-plan "$SCEN" "$T/none.json" >"$T/check" 2>&1 || fail "check-plan (nobody sent): $(cat "$T/check")"
grep -q 'ok: 0 rows' "$T/check" || fail "exhausted limit: the plan sends someone: $(cat "$T/check")"

# Export: LP and MPS, stages 1 and 2.
"$STABFORCE" export --help >/dev/null 2>&1 || fail "export --help"
"$STABFORCE" export "$SCEN" >/dev/null 2>&1
[ $? -eq 2 ] || fail "export without --lp/--mps does not exit 2"
"$STABFORCE" export "$SCEN" --stage 3 --lp "$T/x.lp" >/dev/null 2>&1
[ $? -eq 2 ] || fail "export --stage 3 does not exit 2"
for st in 1 2; do
	"$STABFORCE" export "$SCEN" --stage $st --lp "$T/s$st.lp" || fail "export --stage $st --lp"
	"$STABFORCE" export "$SCEN" --stage $st --mps "$T/s$st.mps" || fail "export --stage $st --mps"
	[ -s "$T/s$st.lp" ] && [ -s "$T/s$st.mps" ] || fail "export stage $st wrote nothing"
done
want1=$z1
want2=$("$JGET" "$T/mono.json" stage2.objective)
if command -v cbc >/dev/null 2>&1; then
	for f in s1.lp s1.mps; do
		v=$(cbc "$T/$f" solve quit | sed -n 's/^Objective value: *//p')
		"$JGET" --close "$v" "$want1" || fail "cbc on exported $f: $v, planner $want1"
	done
	v=$(cbc "$T/s2.lp" solve quit | sed -n 's/^Objective value: *//p')
	"$JGET" --close "$v" "$want2" || fail "cbc on exported s2.lp: $v, planner $want2"
fi
if command -v glpsol >/dev/null 2>&1; then
	v=$(glpsol --lp "$T/s1.lp" -o /dev/stdout | sed -n 's/^Objective: *obj = *\([^ ]*\).*/\1/p')
	"$JGET" --close "$v" "$want1" || fail "glpsol on exported s1.lp: $v, planner $want1"
	v=$(glpsol --freemps "$T/s1.mps" -o /dev/stdout | sed -n 's/^Objective: *obj = *\([^ ]*\).*/\1/p')
	"$JGET" --close "$v" "$want1" || fail "glpsol on exported s1.mps: $v, planner $want1"
fi

# --json/--csv/--md FILE: the same plan in every format from one solve; each
# file holds what --format of that format prints (solve times aside).
"$STABFORCE" plan "$SCEN" -q --json "$T/x.json" --csv "$T/x.csv" --md "$T/x.md" >"$T/x.txt" ||
	fail "plan --json --csv --md"
"$STABFORCE" plan "$SCEN" -q -f csv >"$T/y.csv" || fail "plan -f csv"
"$STABFORCE" plan "$SCEN" -q -f md >"$T/y.md" || fail "plan -f md"
cmp -s "$T/x.csv" "$T/y.csv" || fail "plan --csv FILE differs from -f csv"
sed 's/[0-9.]* s$//' "$T/x.md" >"$T/x1.md"
sed 's/[0-9.]* s$//' "$T/y.md" >"$T/y1.md"
cmp -s "$T/x1.md" "$T/y1.md" || fail "plan --md FILE differs from -f md"
"$JGET" --close "$("$JGET" "$T/x.json" stage1.objective)" "$z1" ||
	fail "plan --json FILE has another stage-1 objective"
grep -q '^Force build-up' "$T/x.txt" || fail "plan with --json etc. prints no text summary"
"$STABFORCE" plan "$SCEN" -q --md - >/dev/null 2>&1
[ $? -eq 2 ] || fail "plan --md - is not refused with exit 2"

# Format 2's CSV tables (docs/output.md): --table presence holds the JSON's
# presence rows (idle units included: case 21 keeps one idle for two
# months), --table reception one row per month against the capacity
# (case 15: 200 a month); format 1 has neither (exit 2).
F2=$SRCDIR/tests/cases/plan
"$STABFORCE" plan "$F2/21-f2-idle/scenario.yaml" -q -f csv --table presence >"$T/p.csv" ||
	fail "plan --table presence"
[ "$(head -n 1 "$T/p.csv")" = \
	"month,label,recorded,pledge,contributor,unit,present,idle,arrivals,departures,reliefs,moves,retasks,stage1,stage1_gap,stage2,stage2_gap" ] ||
	fail "presence csv header is '$(head -n 1 "$T/p.csv")'"
grep -qx '2,2026-02,false,A-1,A,coy_a,1,1,0,0,0,1,0,optimal,0,optimal,0' "$T/p.csv" ||
	fail "presence csv: A-1 is not idle in 2026-02: $(cat "$T/p.csv")"
grep -qx '3,2026-03,false,A-1,A,coy_a,1,1,0,0,0,0,0,optimal,0,optimal,0' "$T/p.csv" ||
	fail "presence csv: A-1 is not idle in 2026-03"
[ "$(($(wc -l <"$T/p.csv") - 1))" -eq 5 ] || fail "presence csv: not 5 rows: $(cat "$T/p.csv")"
"$STABFORCE" plan "$F2/21-f2-idle/scenario.yaml" -q >"$T/p.txt" || fail "plan (case 21)"
grep -q 'A-1 .* 2026-02\.\.2026-03 *$' "$T/p.txt" || fail "plan text: no idle months for A-1"
"$STABFORCE" plan "$F2/15-f2-reception/scenario.yaml" -q --csv "$T/r.csv" --table reception \
	>/dev/null || fail "plan --csv FILE --table reception"
[ "$(head -n 1 "$T/r.csv")" = "month,label,recorded,arriving,capacity,stage1,stage1_gap,stage2,stage2_gap" ] ||
	fail "reception csv header is '$(head -n 1 "$T/r.csv")'"
grep -qx '1,2026-01,false,200,200,optimal,0,optimal,0' "$T/r.csv" || fail "reception csv: month 1: $(cat "$T/r.csv")"
"$STABFORCE" plan "$SCEN" -q -f csv --table presence >/dev/null 2>"$T/err"
[ $? -eq 2 ] || fail "plan --table presence on a format-1 scenario is not refused with exit 2"
grep -q "format-2 scenario" "$T/err" || fail "plan --table presence (format 1): $(cat "$T/err")"
"$STABFORCE" plan "$SCEN" -q -f csv --table presense >/dev/null 2>&1
[ $? -eq 2 ] || fail "plan --table presense is not refused with exit 2"

[ $failed -eq 0 ] || exit 1
echo "ok"
