#!/bin/sh
# plan_cases.sh - the hand-worked planning cases (tests/cases/plan/*/).
#
# For every case: plan it with CBC (--format json), verify the plan with
# check-plan (it must pass), check every line of the case's expected.txt
# against the plan JSON (with jget, see jget.c for the syntax), then plan
# it again with GLPK, verify that plan too, and require the two stage-1
# optima to agree within 1e-6 relative. A format-2 case is also planned
# with both stages proven (--gap 0), by CBC and by GLPK, each split by
# month where the planner splits and as one MILP (--monolithic): the same
# Z1 and Z2. A case with a
# before.yaml is planned with least change from that scenario's plan
# (--baseline). Last, check-plan itself must
# reject a hand-made plan that breaks a hard veto (exit 1), a file
# that is not a plan (exit 2), and the plan of case 22 made without its
# stakeholders' conditions (exit 1, each broken condition named).
#
# Usage: plan_cases.sh JGET [CASE-NAME...]   ($STABFORCE, $SRCDIR from meson)
set -u

JGET=${1:?usage: plan_cases.sh JGET [case...]}
shift
: "${STABFORCE:?}" "${SRCDIR:?}"
CASES=$SRCDIR/tests/cases/plan
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-plan-cases.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
failed=0
n=0

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

run_case() {
	dir=$1
	name=$(basename "$dir")
	sc=$dir/scenario.yaml
	n=$((n + 1))
	before=$failed
	# A case with a before.yaml is planned with least change from its plan.
	base=
	if [ -f "$dir/before.yaml" ]; then
		if ! "$STABFORCE" plan "$dir/before.yaml" --format json >"$T/$name.base.json" 2>"$T/err"; then
			fail "$name: plan of before.yaml failed: $(cat "$T/err")"
			return
		fi
		base="--baseline $T/$name.base.json"
	fi

	# shellcheck disable=SC2086
	if ! "$STABFORCE" plan "$sc" $base --format json >"$T/$name.cbc.json" 2>"$T/err"; then
		fail "$name: plan (cbc) failed: $(cat "$T/err")"
		return
	fi
	if ! "$STABFORCE" check-plan "$sc" "$T/$name.cbc.json" >"$T/out" 2>&1; then
		fail "$name: check-plan rejects the cbc plan:"
		cat "$T/out"
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in '' | '#'*) continue ;; esac
		"$JGET" "$T/$name.cbc.json" --expect "$line" 2>"$T/err" ||
			fail "$name: $(cat "$T/err")"
	done <"$dir/expected.txt"

	# shellcheck disable=SC2086
	if ! "$STABFORCE" plan "$sc" $base --format json --solver glpk >"$T/$name.glpk.json" 2>"$T/err"; then
		fail "$name: plan (glpk) failed: $(cat "$T/err")"
		return
	fi
	if ! "$STABFORCE" check-plan "$sc" "$T/$name.glpk.json" >"$T/out" 2>&1; then
		fail "$name: check-plan rejects the glpk plan:"
		cat "$T/out"
	fi
	a=$("$JGET" "$T/$name.cbc.json" stage1.objective)
	b=$("$JGET" "$T/$name.glpk.json" stage1.objective)
	"$JGET" --close "$a" "$b" || fail "$name: stage 1 optimum cbc $a, glpk $b"

	# Format 2: the monolithic stage 1 (one MILP over every month) agrees
	# with whatever the planner did (split by month where nothing links
	# the months), and both stages proven (--gap 0) agree on Z2 too, with
	# CBC and with GLPK.
	if grep -q '^format: 2' "$sc"; then
		for how in "--gap 0" "--gap 0 --monolithic" "--gap 0 --solver glpk" \
			"--gap 0 --solver glpk --monolithic"; do
			# shellcheck disable=SC2086
			if ! "$STABFORCE" plan "$sc" $base --format json $how >"$T/$name.m.json" 2>"$T/err"; then
				fail "$name: plan $how failed: $(cat "$T/err")"
				return
			fi
			"$STABFORCE" check-plan "$sc" "$T/$name.m.json" >"$T/out" 2>&1 ||
				{ fail "$name: check-plan rejects the plan $how:"; cat "$T/out"; }
			c=$("$JGET" "$T/$name.m.json" stage1.objective)
			"$JGET" --close "$a" "$c" || fail "$name: stage 1 optimum $a, with $how $c"
			z=$("$JGET" "$T/$name.m.json" stage2.objective)
			[ -z "${z0:-}" ] && z0=$z
			"$JGET" --close "$z0" "$z" || fail "$name: stage 2 optimum $z0, with $how $z"
		done
		z0=
	fi
	[ $failed -eq "$before" ] && echo "ok $name (Z1 cbc $a, glpk $b)"
}

if [ $# -gt 0 ]; then
	for c in "$@"; do run_case "$CASES/$c"; done
else
	for d in "$CASES"/*/; do
		[ -f "$d/scenario.yaml" ] && run_case "${d%/}"
	done
fi

# check-plan on plans it must reject.
sc=$CASES/01-hard-veto/scenario.yaml
"$STABFORCE" check-plan "$sc" "$SRCDIR/tests/cli/data/hard-veto-violation.json" >"$T/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "check-plan on a vetoed row: exit $rc, expected 1"
grep -qF 'hard_veto: row 0: month 1 (2026-01): pledge TUR-1 of TUR at north: ISR has a hard veto on TUR there' "$T/out" ||
	{ fail "check-plan does not report the hard veto:"; cat "$T/out"; }
grep -qF 'foc: ' "$T/out" && { fail "check-plan reports a wrong FOC:"; cat "$T/out"; }

"$STABFORCE" check-plan --format json "$sc" "$SRCDIR/tests/cli/data/hard-veto-violation.json" >"$T/out.json" 2>/dev/null
rc=$?
[ $rc -eq 1 ] || fail "check-plan --format json on a vetoed row: exit $rc, expected 1"
"$JGET" "$T/out.json" --expect 'ok=false' 2>"$T/err" || fail "check-plan json: $(cat "$T/err")"
"$JGET" "$T/out.json" --expect 'violations.0.constraint=hard_veto' 2>"$T/err" ||
	fail "check-plan json: $(cat "$T/err")"
"$JGET" "$T/out.json" --expect 'violations.0.row=0' 2>"$T/err" || fail "check-plan json: $(cat "$T/err")"

printf '[1, 2]\n' >"$T/notaplan.json"
"$STABFORCE" check-plan "$sc" "$T/notaplan.json" >"$T/out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "check-plan on a non-plan: exit $rc, expected 2"

# check-plan reads the stakeholders' conditions on its own: the plan of
# case 22 without its conditions (B-1 in south in month 2, A-1 or B-1 in
# north in month 1, ...) breaks them, and each broken one is named.
c22=$CASES/22-f2-conditions/scenario.yaml
sed -e '/^stakeholders:/,$d' -e "s|\.\./common/|$CASES/common/|" "$c22" >"$T/free.yaml"
if "$STABFORCE" plan "$T/free.yaml" --format json >"$T/free.json" 2>"$T/err"; then
	"$STABFORCE" check-plan "$c22" "$T/free.json" >"$T/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "check-plan on a plan breaking conditions: exit $rc, expected 1"
	grep -qF "month 1 (2026-01): pledge " "$T/out" && grep -qF "at north: P's sequence condition no-north-early does not allow it that month" "$T/out" ||
		{ fail "check-plan does not report no-north-early:"; cat "$T/out"; }
	grep -qF "month 2 (2026-02): pledge B-1 of B on poc at " "$T/out" && grep -qF "Q's consent condition b-consent does not allow it that month" "$T/out" ||
		{ fail "check-plan does not report b-consent:"; cat "$T/out"; }
	grep -qF "P's consent condition a-consent" "$T/out" &&
		{ fail "check-plan reports a consent that was given:"; cat "$T/out"; }
else
	fail "plan of case 22 without its conditions: $(cat "$T/err")"
fi
# The price of each condition (`vetoes`), as worked out in case 22's
# comments: each lifted alone, the consent given has no case.
if "$STABFORCE" vetoes "$c22" --format json >"$T/v22.json" 2>"$T/err"; then
	for e in 'cases.0.kind=lift_condition' 'cases.0.case=P:no-north-early' \
		'cases.0.condition_kind=sequence' 'cases.0.delta.z1=-10' \
		'cases.1.case=Q:b-consent' 'cases.1.condition_kind=consent' 'cases.1.delta.z1=-10' \
		'cases.2.case=Q:disarm-after' 'cases.2.delta.z1=-1' 'cases.2.delta.task_shortfall.disarm=-1' \
		'cases.2.source=hand-made case' 'baseline.z1=24' \
		'recorded.0.condition=a-consent' 'recorded.0.stakeholder=P' \
		'recorded.0.source=hand-made case'; do
		"$JGET" "$T/v22.json" --expect "$e" 2>"$T/err" || fail "vetoes case 22: $(cat "$T/err")"
	done
	"$JGET" "$T/v22.json" cases.3.case >/dev/null 2>&1 && fail "vetoes case 22: a fourth case (the consent given?)"
	"$STABFORCE" vetoes "$c22" >"$T/v22.txt" 2>/dev/null
	grep -q '^Conditions of the stakeholders, each lifted alone' "$T/v22.txt" ||
		fail "vetoes case 22: no conditions table"
	# The consent given is listed too, in the same form, not priced.
	grep -q '^Recorded, forbidding nothing: P:a-consent (consent given 2026-01..2026-04; contributors A)\.$' \
		"$T/v22.txt" || fail "vetoes case 22: the consent given is not listed as recorded"
	"$JGET" "$T/v22.json" recorded.1.condition >/dev/null 2>&1 &&
		fail "vetoes case 22: a condition that forbids something listed as recorded"
else
	fail "vetoes on case 22: $(cat "$T/err")"
fi

# A condition's indicator read from the register at plan time
# (after.register; docs/model.md, "Conditions"): case 22 with disarm-after
# counting the incidents in south over 28 days. Without a store the
# stated values decide (Z1 24, as above) and the plan says so; with a
# store holding 2 incidents in south from 2025-12-05 to as_of 2026-01-01
# (one in north, one before and one after the window are not counted),
# 2 < 5 is met from month 1, so the condition forbids nothing: Z1 23, as
# with it lifted (case 22's comments). check-plan reads the same store.
mkdir -p "$T/reg"
cp "$CASES/common/two-sectors.geojson" "$T/reg/"
sed -e 's|geojson: ../common/two-sectors.geojson|geojson: two-sectors.geojson|' \
	-e 's|^          indicator: "incidents a week"|          indicator: "incidents in south, 28 days"\
          register: {sector: south, window_days: 28}|' "$c22" >"$T/reg/s.yaml"
grep -q 'register: {sector: south' "$T/reg/s.yaml" || fail "case 22 with a register indicator not written"
printf '%s\n' 'event_id_cnty,event_date,event_type,latitude,longitude' \
	'T1,20 December 2025,Battles,31.45,34.45' 'T2,1 January 2026,Battles,31.45,34.45' \
	'T3,20 December 2025,Battles,31.55,34.45' 'T4,1 November 2025,Battles,31.45,34.45' \
	'T5,2 January 2026,Battles,31.45,34.45' >"$T/reg/i.csv"
"$STABFORCE" incidents import "$T/reg/i.csv" --scenario "$T/reg/s.yaml" --db "$T/reg/r.db" \
	--no-progress >/dev/null 2>"$T/err" || fail "incidents import (case 22): $(cat "$T/err")"
"$STABFORCE" plan "$T/reg/s.yaml" --format json >"$T/reg/p0.json" 2>"$T/err" ||
	fail "plan of case 22 with a register indicator, no store: $(cat "$T/err")"
for e in 'z1=24' 'register_inputs.0.kind=condition' 'register_inputs.0.condition=disarm-after' \
	'register_inputs.0.stated=true' 'register_inputs.0.incidents=null'; do
	"$JGET" "$T/reg/p0.json" --expect "$e" 2>"$T/err" || fail "register indicator, no store: $(cat "$T/err")"
done
"$STABFORCE" plan "$T/reg/s.yaml" 2>/dev/null >"$T/reg/p0.txt"
grep -q '^Inputs from the register (no store given)' "$T/reg/p0.txt" ||
	fail "the plan does not say that no store was given"
grep -q "no store given: the scenario's stated values decide" "$T/reg/p0.txt" ||
	fail "the plan does not say the stated values decide"
"$STABFORCE" plan "$T/reg/s.yaml" --db "$T/reg/r.db" --format json >"$T/reg/p1.json" 2>"$T/err" ||
	fail "plan of case 22 with a register indicator and --db: $(cat "$T/err")"
for e in 'z1=23' 'register_inputs.0.stated=false' 'register_inputs.0.incidents=2' \
	'register_inputs.0.value=2' 'register_inputs.0.date=2026-01-01' \
	'register_inputs.0.window_from=2025-12-05' 'register_inputs.0.sector=south'; do
	"$JGET" "$T/reg/p1.json" --expect "$e" 2>"$T/err" || fail "register indicator, --db: $(cat "$T/err")"
done
"$STABFORCE" plan "$T/reg/s.yaml" --db "$T/reg/r.db" 2>/dev/null >"$T/reg/p1.txt"
grep -q '^condition  *disarm-after  *2.000  *2025-12-05..2026-01-01  *2 incidents in south' "$T/reg/p1.txt" ||
	fail "the plan does not print the register's figure and its window"
"$STABFORCE" check-plan "$T/reg/s.yaml" "$T/reg/p1.json" --db "$T/reg/r.db" >/dev/null 2>&1 ||
	fail "check-plan with the same store rejects the plan"
"$STABFORCE" check-plan "$T/reg/s.yaml" "$T/reg/p1.json" >"$T/out" 2>&1 &&
	fail "check-plan without the store accepts a plan the stated values forbid"
grep -q 'disarm-after does not allow it' "$T/out" || fail "check-plan: $(cat "$T/out")"
sed 's/sector: south, window_days/sector: suoth, window_days/' "$T/reg/s.yaml" >"$T/reg/bad.yaml"
"$STABFORCE" validate "$T/reg/bad.yaml" >"$T/out" 2>&1 && fail "an unknown register sector accepted"
grep -qF "bad.yaml:109:30: error: stakeholders[1].conditions[1].after.register.sector: unknown sector 'suoth' (did you mean 'south'?)" \
	"$T/out" || fail "unknown register sector: $(cat "$T/out")"

# whatif --lift-condition: the same lifts re-planned with least change, by
# a condition's id or a stakeholder's (all its conditions). Case 22's
# comments give 14, 14 and 23 alone; Q's two lifted together: month 1
# north stays closed by P (poc short 10), months 2..4 A and B cover poc
# in both sectors or disarm, one short each: 10 + 1 + 1 + 1 = 13, and B
# comes in month 1 (disarm in south) because of the edit.
for e in 'no-north-early 14 -10' 'b-consent 14 -10' 'disarm-after 23 -1' 'Q 13 -11'; do
	set -- $e
	if "$STABFORCE" whatif -q --lift-condition "$1" "$c22" --format json -o "$T/w22.json" 2>"$T/err"; then
		"$JGET" "$T/w22.json" --expect "plan.z1=$2" 2>"$T/err" || fail "whatif --lift-condition $1: $(cat "$T/err")"
		"$JGET" "$T/w22.json" --expect "comparison.change.z1=$3" 2>"$T/err" ||
			fail "whatif --lift-condition $1: $(cat "$T/err")"
		"$JGET" "$T/w22.json" --expect "edits.0.kind=lift-condition" 2>"$T/err" ||
			fail "whatif --lift-condition $1: $(cat "$T/err")"
	else
		fail "whatif --lift-condition $1 on case 22: $(cat "$T/err")"
	fi
done
"$JGET" "$T/w22.json" --expect "comparison.moved.0.why=--lift-condition Q" 2>"$T/err" ||
	fail "whatif --lift-condition Q: the unit that moved does not name the edit: $(cat "$T/err")"
"$STABFORCE" whatif -q --lift-condition b-consnt "$c22" >"$T/out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -qF "unknown condition 'b-consnt' (did you mean 'b-consent'?)" "$T/out" ||
	fail "whatif --lift-condition with a typo: exit $rc: $(cat "$T/out")"
"$STABFORCE" whatif -q --lift-condition x "$SRCDIR/examples/minimal/scenario.yaml" >"$T/out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -qF "the scenario has no conditions" "$T/out" ||
	fail "whatif --lift-condition on a file without conditions: exit $rc: $(cat "$T/out")"

if [ $failed -gt 0 ]; then
	echo "$failed failure(s) in $n case(s)"
	exit 1
fi
echo "all $n cases pass"
