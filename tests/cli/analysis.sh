#!/bin/sh
# analysis.sh - vetoes, caveats, critical, shopping, offers, risk, whatif, compare
# on the hand-checked cases of tests/cases/analysis/.
#
#  1. The price of each veto, caveat and contributor equals the difference
#     of two plans computed separately: the scenario, and a copy of the file
#     with that veto/caveat/contributor removed (lines tagged "# veto:X",
#     "# caveat:X", "# c:X") or the soft veto made hard ("# soft:X"),
#     planned with `stabforce plan`. Plus the hand-worked figures.
#  2. -j 1 and -j 2 give byte-identical output (every command, json and text).
#  3. risk with every confidence 1 equals the plain plan.
#  4. shopping on a known gap asks for exactly the missing units; in format
#     2 with notice, minimum stays and battalions before platoons.
#  4c. offers ranks a new nation's offers as tests/cases/analysis/offers
#     works them out, each equal to the what-if of that pledge.
#  5. whatif and compare agree with separately planned files; bad edits
#     ... (5b) format 2: least change, and why each unit moved
#     are refused with exit status 2.
#  6. --json/--csv/--md FILE write the same bytes as --format of that
#     format prints, alongside the --format output on stdout.
#
# Usage: analysis.sh JGET   ($STABFORCE, $SRCDIR from meson)
set -u

JGET=${1:?usage: analysis.sh JGET}
: "${STABFORCE:?}" "${SRCDIR:?}"
CASES=$SRCDIR/tests/cases/analysis
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-analysis.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
failed=0

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

# The scenario files refer to ../two-sectors.geojson: keep that layout in $T.
cp "$CASES/two-sectors.geojson" "$T/" || exit 1
mkdir "$T/v" || exit 1
P=$CASES/politics/scenario.yaml

plan_json() { # FILE OUT
	"$STABFORCE" plan -q --format json "$1" >"$2" 2>"$T/err" ||
		fail "plan $1: $(cat "$T/err")"
}

# expect FILE PATH VALUE: numbers within 1e-6, anything else exactly
expect_str() {
	got=$("$JGET" "$1" "$2" 2>/dev/null) || {
		fail "$(basename "$1"): $2 is absent (expected $3)"
		return
	}
	[ "$got" = "$3" ] || fail "$(basename "$1"): $2 = $got, expected $3"
}

expect() {
	got=$("$JGET" "$1" "$2" 2>/dev/null) || {
		fail "$(basename "$1"): $2 is absent (expected $3)"
		return
	}
	case $3 in
	-* | [0-9]*) "$JGET" --close "$got" "$3" || fail "$(basename "$1"): $2 = $got, expected $3" ;;
	*) [ "$got" = "$3" ] || fail "$(basename "$1"): $2 = $got, expected $3" ;;
	esac
}

# case_index FILE KIND CASE: the index in .cases of that case, or fail
case_index() {
	i=0
	while k=$("$JGET" "$1" "cases.$i.kind" 2>/dev/null); do
		c=$("$JGET" "$1" "cases.$i.case")
		if [ "$k" = "$2" ] && [ "$c" = "$3" ]; then
			echo "$i"
			return 0
		fi
		i=$((i + 1))
	done
	return 1
}

# sum_rows FILE ARRAY FIELD [KEY VALUE]: the sum of FIELD over the rows of
# ARRAY (those whose KEY is VALUE)
sum_rows() {
	j=0
	s=0
	while v=$("$JGET" "$1" "$2.$j.$3" 2>/dev/null); do
		if [ $# -lt 5 ] || [ "$("$JGET" "$1" "$2.$j.$4")" = "$5" ]; then
			s=$(awk "BEGIN { printf \"%.9f\", $s + $v }")
		fi
		j=$((j + 1))
	done
	echo "$s"
}

# foc_key PLAN.json: the FOC month, or months + 1 when it is never reached
foc_key() {
	f=$("$JGET" "$1" foc_month)
	[ "$f" = null ] && f=$(($("$JGET" "$1" scenario.months) + 1))
	echo "$f"
}

# same_as_separate ANALYSIS.json KIND CASE VARIANT.yaml BASE.json:
# the case's outcome and deltas equal the separately planned variant.
same_as_separate() {
	idx=$(case_index "$1" "$2" "$3") || {
		fail "$(basename "$1"): no case $2 $3"
		return
	}
	vj=$T/v/$(echo "$2-$3" | tr ':/' '__').json
	plan_json "$4" "$vj"
	z_var=$("$JGET" "$vj" stage1.objective)
	z_base=$("$JGET" "$5" stage1.objective)
	c_var=$("$JGET" "$vj" cost.total)
	c_base=$("$JGET" "$5" cost.total)
	d_z=$(awk "BEGIN { printf \"%.9f\", $z_var - $z_base }")
	d_c=$(awk "BEGIN { printf \"%.9f\", $c_var - $c_base }")
	expect "$1" "cases.$idx.outcome.z1" "$z_var"
	expect "$1" "cases.$idx.delta.z1" "$d_z"
	expect "$1" "cases.$idx.outcome.cost" "$c_var"
	expect "$1" "cases.$idx.delta.cost" "$d_c"
	expect "$1" "cases.$idx.outcome.foc_month" "$("$JGET" "$vj" foc_month)"
	# in-sector person-months, months to FOC and each task's shortfall
	p_var=$(sum_rows "$vj" personnel_total in_sectors)
	p_base=$(sum_rows "$5" personnel_total in_sectors)
	expect "$1" "cases.$idx.outcome.personnel_pm" "$p_var"
	expect "$1" "cases.$idx.delta.personnel_pm" "$(awk "BEGIN { print $p_var - $p_base }")"
	expect "$1" "cases.$idx.delta.foc_months" $(($(foc_key "$vj") - $(foc_key "$5")))
	for task in poc train; do
		s_var=$(sum_rows "$vj" coverage shortfall task "$task")
		s_base=$(sum_rows "$5" coverage shortfall task "$task")
		expect "$1" "cases.$idx.delta.task_shortfall.$task" \
			"$(awk "BEGIN { print $s_var - $s_base }")"
	done
}

plan_json "$P" "$T/base.json"
expect "$T/base.json" stage1.objective 20
# idle pledges, worked by hand: BBB uses 2 of its 3 companies, CCC's 2 are
# vetoed everywhere, EEE's 1 has no task at mission; AAA's 1 is used
expect_str "$T/base.json" idle_pledges.0.pledge BBB-1
expect "$T/base.json" idle_pledges.0.unused 1
expect "$T/base.json" idle_pledges.0.unused_personnel 150
expect_str "$T/base.json" idle_pledges.1.pledge CCC-1
expect "$T/base.json" idle_pledges.1.max_used 0
expect_str "$T/base.json" idle_pledges.2.pledge EEE-1
"$JGET" "$T/base.json" idle_pledges.3.pledge >/dev/null 2>&1 && fail "plan: AAA-1 listed as idle"
"$STABFORCE" plan -q "$P" 2>/dev/null | grep -Eq '^EEE-1 +EEE +inf_coy +1 +0 +1 +150$' ||
	fail "plan text: EEE-1 not in the idle pledges"

# ---- 1. vetoes ----------------------------------------------------------
"$STABFORCE" vetoes -q -j 2 --format json "$P" >"$T/vetoes.json" 2>"$T/err" ||
	fail "vetoes: $(cat "$T/err")"
expect "$T/vetoes.json" baseline.z1 20
for c in BBB CCC; do
	grep -v "veto:$c" "$P" >"$T/v/noveto-$c.yaml"
	same_as_separate "$T/vetoes.json" lift_veto "ISR:$c" "$T/v/noveto-$c.yaml" "$T/base.json"
done
sed '/soft:BBB/s/kind: soft, penalty: 1/kind: hard/' "$P" >"$T/v/hard-BBB.yaml"
same_as_separate "$T/vetoes.json" harden_veto ISR:BBB "$T/v/hard-BBB.yaml" "$T/base.json"
# hand-worked: lifting either hard veto closes the gap; hardening the soft one costs 40
# (baseline: 3 companies in the sectors, 900 person-months, FOC never
# (key 3), poc short 1 a month; lifting ISR:BBB: 4 companies, FOC month 1,
# nothing short; hardening it: AAA's 1 alone, poc short 3 a month)
i=$(case_index "$T/vetoes.json" lift_veto ISR:BBB) && {
	expect "$T/vetoes.json" "cases.$i.delta.z1" -20
	expect "$T/vetoes.json" "cases.$i.outcome.foc_month" 1
	expect "$T/vetoes.json" "cases.$i.delta.personnel_pm" 300
	expect "$T/vetoes.json" "cases.$i.delta.foc_months" -2
	expect "$T/vetoes.json" "cases.$i.delta.task_shortfall.poc" -2
}
i=$(case_index "$T/vetoes.json" harden_veto ISR:BBB) && {
	expect "$T/vetoes.json" "cases.$i.delta.z1" 40
	expect "$T/vetoes.json" "cases.$i.used_pm" 600
	expect "$T/vetoes.json" "cases.$i.delta.personnel_pm" -600
	expect "$T/vetoes.json" "cases.$i.delta.foc_months" 0
	expect "$T/vetoes.json" "cases.$i.delta.task_shortfall.poc" 4
}
# the hard vetoes come before the soft one
expect "$T/vetoes.json" cases.2.kind harden_veto

# ---- 1. caveats -------------------------------------------------------------
"$STABFORCE" caveats -q -j 2 --format json "$P" >"$T/caveats.json" 2>"$T/err" ||
	fail "caveats: $(cat "$T/err")"
grep -v "caveat:EEE-1" "$P" >"$T/v/nocaveat-EEE-1.yaml"
same_as_separate "$T/caveats.json" lift_location_caveat EEE-1 "$T/v/nocaveat-EEE-1.yaml" \
	"$T/base.json"
expect "$T/caveats.json" cases.0.delta.z1 -20
"$JGET" "$T/caveats.json" cases.1.kind >/dev/null 2>&1 && fail "caveats: more than one case"

# ---- 1. critical --------------------------------------------------------
"$STABFORCE" critical -q -j 2 --format json "$P" >"$T/critical.json" 2>"$T/err" ||
	fail "critical: $(cat "$T/err")"
for c in AAA BBB CCC EEE; do
	grep -v "c:$c" "$P" >"$T/v/no-$c.yaml"
	same_as_separate "$T/critical.json" drop_contributor "$c" "$T/v/no-$c.yaml" "$T/base.json"
done
# sorted by impact: BBB (+40) then AAA (+20)
expect "$T/critical.json" cases.0.case BBB
expect "$T/critical.json" cases.0.delta.z1 40
expect "$T/critical.json" cases.1.case AAA
expect "$T/critical.json" cases.1.delta.z1 20
# rows resting on a single-source or on-hold pledge say so (BBB's pledge
# has status [on_hold, single_source]; AAA's is a plain report)
expect_str "$T/critical.json" cases.0.rests_on.0 single_source
expect_str "$T/critical.json" cases.0.rests_on.1 on_hold
"$JGET" "$T/critical.json" cases.1.rests_on.0 >/dev/null 2>&1 &&
	fail "critical: AAA rests on nothing, but rests_on is not empty"
"$STABFORCE" critical -q -j 2 "$P" >"$T/critical.txt" 2>"$T/err" || fail "critical text: $(cat "$T/err")"
grep -Eq '^BBB +BBB +single source, on hold ' "$T/critical.txt" ||
	fail "critical text: BBB's row does not say 'single source, on hold': $(cat "$T/critical.txt")"
"$STABFORCE" critical -q -j 2 --format csv "$P" >"$T/critical.csv" 2>"$T/err" || fail "critical csv"
grep -q '^drop_contributor,BBB,.*,single_source;on_hold,[^,]*,[^,]*,optimal,' "$T/critical.csv" ||
	fail "critical csv: BBB's row has no rests_on: $(cat "$T/critical.csv")"

# People at `mission` count: the politics case with a training task that
# needs 1 team (25 persons) at mission, which only TTT provides. Removing
# TTT changes no in-sector personnel, and 25 * 2 months = 50 person-months
# at mission.
sed -e 's/    requirement: {value: 0}/    requirement: {value: 1}/' \
	-e 's/^unit_types:$/unit_types:\
  - {id: team, personnel: 25, monthly_cost: 1, capabilities: {train: 1}}/' \
	-e 's/^contributors:$/contributors:\
  - {id: TTT, pledges: [{id: TTT-1, unit: team, count: 1, locations: [mission]}]}/' \
	"$P" >"$T/v/mission.yaml"
"$STABFORCE" critical -q -j 2 --format json "$T/v/mission.yaml" >"$T/mission.json" 2>"$T/err" ||
	fail "critical (mission): $(cat "$T/err")"
expect "$T/mission.json" baseline.mission_pm 50
i=0
while [ "$("$JGET" "$T/mission.json" cases.$i.case 2>/dev/null)" != TTT ] && [ $i -lt 9 ]; do
	i=$((i + 1))
done
expect "$T/mission.json" cases.$i.delta.mission_pm -50
expect "$T/mission.json" cases.$i.delta.personnel_pm 0
"$STABFORCE" critical -q -j 2 "$T/v/mission.yaml" 2>/dev/null | grep -q 'd mission (pm)' ||
	fail "critical text: no 'd mission (pm)' column"

# ---- 1. price: the three in one run ----------------------------------------
# One analysis alone is byte for byte what its own command prints.
for a in vetoes caveats critical; do
	"$STABFORCE" price -q -j 2 --only $a --format json "$P" >"$T/price-$a.json" 2>"$T/err" ||
		fail "price --only $a: $(cat "$T/err")"
	cmp -s "$T/price-$a.json" "$T/$a.json" || fail "price --only $a differs from $a"
done
# All three: one member each, with that command's baseline and cases.
"$STABFORCE" price -q -j 2 --format json "$P" >"$T/price.json" 2>"$T/err" ||
	fail "price: $(cat "$T/err")"
for a in vetoes caveats critical; do
	expect "$T/price.json" "$a.analysis" "$a"
	expect "$T/price.json" "$a.baseline.z1" 20
	i=0
	while c=$("$JGET" "$T/$a.json" "cases.$i.case" 2>/dev/null); do
		expect "$T/price.json" "$a.cases.$i.case" "$c"
		expect "$T/price.json" "$a.cases.$i.delta.z1" "$("$JGET" "$T/$a.json" "cases.$i.delta.z1")"
		expect "$T/price.json" "$a.cases.$i.delta.cost" "$("$JGET" "$T/$a.json" "cases.$i.delta.cost")"
		i=$((i + 1))
	done
	"$JGET" "$T/price.json" "$a.cases.$i.case" >/dev/null 2>&1 && fail "price: $a has more cases than '$a'"
done
# CSV: the header, the baseline row once, then every case of the three.
"$STABFORCE" price -q --format csv "$P" >"$T/price.csv" 2>"$T/err" || fail "price csv: $(cat "$T/err")"
want=2
for a in vetoes caveats critical; do
	"$STABFORCE" $a -q --format csv "$P" >"$T/$a.csv" 2>"$T/err" || fail "$a csv: $(cat "$T/err")"
	grep -v '^kind,\|^baseline,' "$T/$a.csv" >>"$T/cases.csv"
	want=$((want + $(wc -l <"$T/$a.csv") - 2))
done
[ "$(wc -l <"$T/price.csv")" = "$want" ] || fail "price csv: $(wc -l <"$T/price.csv") lines, expected $want"
[ "$(grep -c '^baseline,' "$T/price.csv")" = 1 ] || fail "price csv: not one baseline row"
tail -n +3 "$T/price.csv" | cmp -s - "$T/cases.csv" || fail "price csv: the cases differ from the three commands'"
# A bad --only is a usage error.
"$STABFORCE" price --only vetoes,foo "$P" >/dev/null 2>"$T/err" && fail "price --only foo was accepted"
grep -q "'foo' is not one of vetoes, caveats, critical" "$T/err" || fail "price --only foo: $(cat "$T/err")"

# ---- 2. -j 1 and -j 2 give the same bytes -----------------------------------
U=$CASES/uncertain/scenario.yaml
G=$CASES/gap/scenario.yaml
O=$CASES/offers/scenario.yaml
for args in "vetoes $P" "caveats $P" "critical $P" "price $P" "shopping $G" \
	"offers --contributor AAA --max-count 1 $O" \
	"risk --samples 60 --seed 7 $U" "whatif --lift-veto ISR:CCC $P"; do
	fmts="text json csv"
	# whatif's text and json include the plan, with its solve times
	case $args in whatif*) fmts=csv ;; esac
	for f in $fmts; do
		# shellcheck disable=SC2086
		"$STABFORCE" $args -q -j 1 --format $f >"$T/j1" 2>"$T/err" || fail "$args -j 1: $(cat "$T/err")"
		# shellcheck disable=SC2086
		"$STABFORCE" $args -q -j 2 --format $f >"$T/j2" 2>"$T/err" || fail "$args -j 2: $(cat "$T/err")"
		cmp -s "$T/j1" "$T/j2" || fail "$args --format $f: -j 1 and -j 2 differ"
	done
done

# ---- 3. risk ------------------------------------------------------------------
"$STABFORCE" risk -q --samples 25 --seed 3 --format json "$P" >"$T/risk1.json" 2>"$T/err" ||
	fail "risk: $(cat "$T/err")"
for k in plain.z1 z1.mean.est z1.mean.lo z1.mean.hi z1.p10 z1.p50 z1.p90 z1.min z1.max short_above; do
	expect "$T/risk1.json" "$k" 20
done
# every pledge certain: nothing is short beyond the plan; the vetoed and the unused left out
expect "$T/risk1.json" p_short.est 0
expect "$T/risk1.json" p_complete.est 0
expect "$T/risk1.json" p_foc_never 1
i=0
while [ "$("$JGET" "$T/risk1.json" contributors.$i.contributor 2>/dev/null)" != BBB ] && [ $i -lt 9 ]; do
	i=$((i + 1))
done
expect_str "$T/risk1.json" contributors.$i.rests_on.0 single_source
expect "$T/risk1.json" months.1.p_short.poc 1
for c in CCC:vetoed_everywhere EEE:unusable; do
	i=0
	while [ "$("$JGET" "$T/risk1.json" contributors.$i.contributor 2>/dev/null)" != "${c%%:*}" ] && [ $i -lt 9 ]; do
		i=$((i + 1))
	done
	expect_str "$T/risk1.json" contributors.$i.class "${c#*:}"
	[ "$("$JGET" "$T/risk1.json" contributors.$i.rank)" = null ] || fail "risk: ${c%%:*} ranked"
done
"$STABFORCE" risk -q --samples 25 --seed 3 "$P" >"$T/risk1.txt" 2>"$T/err" || fail "risk text: $(cat "$T/err")"
grep -q "^Left out of the ranking" "$T/risk1.txt" || fail "risk text: no left-out section"
grep -q "^CCC  *under a hard veto in every sector" "$T/risk1.txt" || fail "risk text: CCC's reason"
# --precision: batches until every interval is narrower; the count is printed
"$STABFORCE" risk -q --samples 10 --seed 2 --precision 30 --precision-p 0.5 --format json "$U" \
	>"$T/riskp.json" 2>"$T/err" || fail "risk --precision: $(cat "$T/err")"
[ "$("$JGET" "$T/riskp.json" precision.met)" = true ] || fail "risk --precision: not met"
n=$("$JGET" "$T/riskp.json" samples)
[ "$n" -gt 10 ] || fail "risk --precision: stopped at $n samples"
for k in z1.mean contributors.0.d_z1 contributors.1.d_z1 contributors.2.d_z1; do
	w=$(awk "BEGIN { print $("$JGET" "$T/riskp.json" $k.hi) - $("$JGET" "$T/riskp.json" $k.lo) }")
	awk "BEGIN { exit !($w < 30) }" || fail "risk --precision 30: $k is $w wide"
done
"$STABFORCE" risk -q --samples 10 --seed 2 --precision 30 --precision-p 0.5 "$U" >"$T/riskp.txt" 2>/dev/null
grep -q "^Risk: $n samples chosen for a precision" "$T/riskp.txt" || fail "risk --precision: count not printed"
# uncertain pledges: FOC never needs BBB (0.5) and CCC (0.8) both absent
# (0.5 * 0.2 = 0.1): P(complete) = 0.9 lies in its 95 % interval
"$STABFORCE" risk -q --samples 200 --seed 11 --format json "$U" >"$T/risk2.json" 2>"$T/err" ||
	fail "risk: $(cat "$T/err")"
expect "$T/risk2.json" plain.z1 0
expect "$T/risk2.json" plain.foc_month 1
lo=$("$JGET" "$T/risk2.json" p_complete.lo) hi=$("$JGET" "$T/risk2.json" p_complete.hi)
awk "BEGIN { exit !($lo < 0.9 && 0.9 < $hi) }" || fail "risk: P(complete) in [$lo, $hi], expected 0.9"
# another seed, other samples
"$STABFORCE" risk -q --samples 200 --seed 12 --format json "$U" >"$T/risk3.json" 2>/dev/null
cmp -s "$T/risk2.json" "$T/risk3.json" && fail "risk: seeds 11 and 12 gave the same output"

# ---- 4. shopping --------------------------------------------------------------
"$STABFORCE" shopping -q --format json "$G" >"$T/shop.json" 2>"$T/err" ||
	fail "shopping: $(cat "$T/err")"
expect "$T/shop.json" real.z1 90
expect "$T/shop.json" with_requests.z1 0
expect "$T/shop.json" z1_removed 90
expect "$T/shop.json" lines.0.unit inf_coy
expect "$T/shop.json" lines.0.count 2
expect "$T/shop.json" lines.0.from 1
expect "$T/shop.json" lines.0.to 4
expect "$T/shop.json" lines.0.locations '["north"]'
expect "$T/shop.json" lines.0.tasks '["poc"]'
expect "$T/shop.json" lines.0.z1_removed 80
expect "$T/shop.json" lines.1.unit mp_pl
expect "$T/shop.json" lines.1.count 1
expect "$T/shop.json" lines.1.from 3
expect "$T/shop.json" lines.1.to 4
expect "$T/shop.json" lines.1.z1_removed 10
"$JGET" "$T/shop.json" lines.2 >/dev/null 2>&1 && fail "shopping: more than two lines"

# 4b. format 2 (tests/cases/analysis/shopping-f2 works it out): requests
# come with the rdl's 60 days of notice (from month 3), stay their minimum
# (the battalion 3 months though north needs it for 2), one battalion
# rather than 20 platoons; --notice 0 lets them come in month 1.
F2S=$CASES/shopping-f2/scenario.yaml
for solver in cbc glpk; do
	"$STABFORCE" shopping -q -s $solver --format json "$F2S" >"$T/shop2.json" 2>"$T/err" ||
		fail "shopping (format 2, $solver): $(cat "$T/err")"
	expect "$T/shop2.json" real.z1 18.4
	expect "$T/shop2.json" with_requests.z1 8.8
	expect "$T/shop2.json" z1_removed 9.6
	expect "$T/shop2.json" notice_days 60
	expect "$T/shop2.json" first_month 3
	expect "$T/shop2.json" lines.0.unit bn
	expect "$T/shop2.json" lines.0.count 1
	expect "$T/shop2.json" lines.0.from 3
	expect "$T/shop2.json" lines.0.to 5
	expect "$T/shop2.json" lines.0.locations '["north"]'
	expect "$T/shop2.json" lines.0.z1_removed 8
	expect "$T/shop2.json" lines.1.unit pl
	expect "$T/shop2.json" lines.1.count 2
	expect "$T/shop2.json" lines.1.from 3
	expect "$T/shop2.json" lines.1.to 6
	expect "$T/shop2.json" lines.1.locations '["south"]'
	expect "$T/shop2.json" lines.1.z1_removed 1.6
	"$JGET" "$T/shop2.json" lines.2 >/dev/null 2>&1 &&
		fail "shopping (format 2, $solver): more than two lines"
done
"$STABFORCE" shopping -q --notice 0 --format json "$F2S" >"$T/shop2.json" 2>"$T/err" ||
	fail "shopping --notice 0: $(cat "$T/err")"
expect "$T/shop2.json" with_requests.z1 0
expect "$T/shop2.json" first_month 1
expect "$T/shop2.json" lines.0.from 1
expect "$T/shop2.json" lines.0.to 4
expect "$T/shop2.json" lines.0.z1_removed 16
expect "$T/shop2.json" lines.1.from 1
expect "$T/shop2.json" lines.1.to 6
expect "$T/shop2.json" lines.1.z1_removed 2.4
# 4b'. A requested unit respects a unit-type condition
# (tests/cases/analysis/shopping-cond works it out): no battalion in north,
# so north's requests are platoons and no battalion is requested at all.
"$STABFORCE" shopping -q --format json "$CASES/shopping-cond/scenario.yaml" >"$T/shop3.json" \
	2>"$T/err" || fail "shopping (condition): $(cat "$T/err")"
expect "$T/shop3.json" real.z1 25.6
expect "$T/shop3.json" with_requests.z1 8.8
expect "$T/shop3.json" z1_removed 16.8
expect "$T/shop3.json" lines.0.unit pl
expect "$T/shop3.json" lines.0.count 20
expect "$T/shop3.json" lines.0.z1_removed 16
expect "$T/shop3.json" lines.1.unit pl
expect "$T/shop3.json" lines.1.count 2
expect "$T/shop3.json" lines.1.z1_removed 0.8
"$JGET" "$T/shop3.json" lines.2 >/dev/null 2>&1 && fail "shopping (condition): more than two lines"
"$STABFORCE" shopping -q --notice 3651 "$F2S" >/dev/null 2>"$T/err" && fail "shopping --notice 3651 accepted"
grep -q "notice '3651' is not a number of days" "$T/err" || fail "shopping --notice: $(cat "$T/err")"

# ---- 4c. offers (tests/cases/analysis/offers works the figures out) ---------
"$STABFORCE" offers -q --contributor NEW --new "New nation" --max-count 2 --format json "$O" \
	>"$T/offers.json" 2>"$T/err" || fail "offers: $(cat "$T/err")"
expect_str "$T/offers.json" contributor.new true
expect "$T/offers.json" baseline.z1 44
n=0
# a newcomer considers each caveat of the scenario (AAA-2's: eng only) too
for want in inf_coy:1:1:40:50:- inf_coy:2:1:40:100:- big_bn:1:1:40:250:- \
	eng_coy:1:3:4:60:- eng_coy:1:3:4:60:AAA-2 eng_coy:1:1:4:100:- eng_coy:1:1:4:100:AAA-2 \
	big_bn:2:1:40:500:- eng_coy:2:3:4:120:- eng_coy:2:3:4:120:AAA-2 eng_coy:2:1:4:200:- \
	eng_coy:2:1:4:200:AAA-2 inf_coy:1:1:0:50:AAA-2 inf_coy:2:1:0:100:AAA-2 \
	big_bn:1:1:0:250:AAA-2 big_bn:2:1:0:500:AAA-2; do
	IFS=: read -r u c f z k cv <<EOF
$want
EOF
	if [ "$cv" = - ]; then
		[ "$("$JGET" "$T/offers.json" offers.$n.caveats_of)" = null ] ||
			fail "offers: offer $n has caveats"
	else
		expect_str "$T/offers.json" offers.$n.caveats_of "$cv"
	fi
	expect_str "$T/offers.json" offers.$n.unit "$u"
	expect "$T/offers.json" offers.$n.count "$c"
	expect "$T/offers.json" offers.$n.from "$f"
	expect "$T/offers.json" offers.$n.z1_removed "$z"
	expect "$T/offers.json" offers.$n.cost "$k"
	n=$((n + 1))
done
"$JGET" "$T/offers.json" offers.16 >/dev/null 2>&1 && fail "offers: more than 16 offers"
expect_str "$T/offers.json" caveat_variants.0 AAA-2
# an offer's shortfall removed is the what-if of that pledge by a new nation
"$STABFORCE" whatif -q --new-contributor "NEW:New nation" --add NEW:eng_coy:1:3 --format json \
	"$O" >"$T/wnew.json" 2>"$T/err" || fail "whatif --new-contributor: $(cat "$T/err")"
expect "$T/wnew.json" comparison.change.z1 -4
"$STABFORCE" offers -q --contributor NEW --new N --max-count 2 --budget 120 --rank cost \
	--format csv "$O" >"$T/offers.csv" 2>"$T/err" || fail "offers --budget: $(cat "$T/err")"
[ "$(cut -d, -f2-3,5,9 "$T/offers.csv" | tr '\n' ' ')" = \
	"unit,count,from,caveats inf_coy,1,1,none inf_coy,2,1,none eng_coy,1,3,none eng_coy,1,3,AAA-2 eng_coy,1,1,none eng_coy,1,1,AAA-2 eng_coy,2,3,none eng_coy,2,3,AAA-2 inf_coy,1,1,AAA-2 inf_coy,2,1,AAA-2 " ] ||
	fail "offers --budget 120 --rank cost: $(cat "$T/offers.csv")"
# --rank plan-cost: both stages per offer, ranked by the change in the
# plan's cost per shortfall removed (worked in the case's comments).
"$STABFORCE" offers -q --contributor NEW --new "New nation" --max-count 2 --rank plan-cost \
	--format json "$O" >"$T/offers_pc.json" 2>"$T/err" || fail "offers --rank plan-cost: $(cat "$T/err")"
expect_str "$T/offers_pc.json" rank plan-cost
expect "$T/offers_pc.json" baseline.cost 110
n=0
for want in inf_coy:1:1:50:1.25:- inf_coy:2:1:50:1.25:- big_bn:1:1:250:6.25:- big_bn:2:1:250:6.25:- \
	eng_coy:1:1:40:10:- eng_coy:1:1:40:10:AAA-2 eng_coy:2:1:40:10:- eng_coy:2:1:40:10:AAA-2 \
	eng_coy:1:3:60:15:- eng_coy:1:3:60:15:AAA-2 eng_coy:2:3:60:15:- eng_coy:2:3:60:15:AAA-2 \
	inf_coy:1:1:0:-:AAA-2 inf_coy:2:1:0:-:AAA-2 big_bn:1:1:0:-:AAA-2 big_bn:2:1:0:-:AAA-2; do
	IFS=: read -r u c f d per cv <<EOF
$want
EOF
	expect_str "$T/offers_pc.json" offers.$n.unit "$u"
	expect "$T/offers_pc.json" offers.$n.count "$c"
	expect "$T/offers_pc.json" offers.$n.from "$f"
	expect "$T/offers_pc.json" offers.$n.d_plan_cost "$d"
	if [ "$per" = - ]; then
		[ "$("$JGET" "$T/offers_pc.json" offers.$n.plan_cost_per_removed)" = null ] ||
			fail "offers --rank plan-cost: offer $n removes nothing but has a cost per removed"
	else
		expect "$T/offers_pc.json" offers.$n.plan_cost_per_removed "$per"
	fi
	expect_str "$T/offers_pc.json" offers.$n.plan_cost_proven true
	if [ "$cv" = - ]; then
		[ "$("$JGET" "$T/offers_pc.json" offers.$n.caveats_of)" = null ] ||
			fail "offers --rank plan-cost: offer $n has caveats"
	else
		expect_str "$T/offers_pc.json" offers.$n.caveats_of "$cv"
	fi
	n=$((n + 1))
done
[ "$("$JGET" "$T/offers.json" offers.0.d_plan_cost)" = null ] ||
	fail "offers ranked by personnel give a plan-cost change (stage 2 not run)"
"$STABFORCE" offers -q --contributor NEW --new N --max-count 1 --rank plan-cost "$O" 2>/dev/null |
	grep -q '^Plan.s cost without an offer: 110 (proven optimal)' || fail "offers --rank plan-cost: no baseline cost"
"$STABFORCE" offers -q --contributor NEW --new N --rank bogus "$O" >/dev/null 2>"$T/err" &&
	fail "offers --rank bogus accepted"
grep -q -- "--rank is personnel, cost or plan-cost, not 'bogus'" "$T/err" || fail "offers --rank bogus: $(cat "$T/err")"
# An offer a stakeholder's condition forbids everywhere is never proposed
# (tests/cases/analysis/offers-cond works it out): no battalion, anywhere.
"$STABFORCE" offers -q --contributor NEW --new N --max-count 2 --format json \
	"$CASES/offers-cond/scenario.yaml" >"$T/offers_c.json" 2>"$T/err" ||
	fail "offers (condition): $(cat "$T/err")"
expect "$T/offers_c.json" baseline.z1 25.2
expect "$T/offers_c.json" forbidden 2
for want in 0:2:1.6 1:1:0.8; do
	IFS=: read -r n c z <<EOF
$want
EOF
	expect_str "$T/offers_c.json" offers.$n.unit pl
	expect "$T/offers_c.json" offers.$n.count "$c"
	expect "$T/offers_c.json" offers.$n.from 3
	expect "$T/offers_c.json" offers.$n.z1_removed "$z"
done
"$JGET" "$T/offers_c.json" offers.2 >/dev/null 2>&1 && fail "offers (condition): a forbidden offer proposed"
expect "$T/offers.json" forbidden 0
"$STABFORCE" offers -q "$O" >/dev/null 2>"$T/err" && fail "offers without --contributor accepted"
grep -q "which nation? --contributor ID" "$T/err" || fail "offers, no --contributor: $(cat "$T/err")"
"$STABFORCE" offers -q --contributor BGD "$O" >/dev/null 2>"$T/err"
[ $? -eq 2 ] || fail "offers for an unknown nation is not a usage error"
grep -q "unknown contributor 'BGD' (a nation not in the scenario: --new" "$T/err" ||
	fail "offers, unknown nation: $(cat "$T/err")"
"$STABFORCE" whatif -q --add BGD:inf_coy:1:1 "$O" >/dev/null 2>"$T/err"
[ $? -eq 2 ] || fail "whatif --add for an unknown nation is not a usage error"
grep -q -- "--new-contributor ID\[:NAME\] before it" "$T/err" || fail "whatif --add BGD: $(cat "$T/err")"

# ---- 5. whatif, compare -------------------------------------------------------
"$STABFORCE" whatif -q --lift-veto ISR:CCC --format json "$P" >"$T/whatif.json" 2>"$T/err" ||
	fail "whatif: $(cat "$T/err")"
plan_json "$T/v/noveto-CCC.yaml" "$T/noccc.json"
expect "$T/whatif.json" plan.stage1.objective "$("$JGET" "$T/noccc.json" stage1.objective)"
expect "$T/whatif.json" comparison.change.z1 -20
expect "$T/whatif.json" edits.0.kind lift-veto
"$STABFORCE" whatif -q --drop BBB --add AAA:inf_coy:3:1 --format json "$P" >"$T/whatif2.json" \
	2>"$T/err" || fail "whatif: $(cat "$T/err")"
expect "$T/whatif2.json" plan.stage1.objective 0
"$STABFORCE" compare -q --format json "$P" "$T/v/noveto-CCC.yaml" >"$T/cmp.json" 2>"$T/err" ||
	fail "compare: $(cat "$T/err")"
expect "$T/cmp.json" change.z1 -20
# lifting CCC's veto: 4 companies in the sectors instead of 3 (1200
# person-months, not 900), FOC month 1 instead of never (key 3)
expect "$T/cmp.json" change.personnel_pm 300
expect "$T/cmp.json" change.foc_months -2
expect "$T/whatif.json" comparison.change.personnel_pm 300
expect "$T/whatif.json" comparison.change.foc_months -2
expect "$T/cmp.json" a.z1 20
expect "$T/cmp.json" b.z1 0
"$STABFORCE" compare -q --format json "$P" "$P" >"$T/same.json" 2>/dev/null
expect "$T/same.json" assignments '[]'
for bad in "--lift-veto ISR:ZZZ" "--lift-veto ISR:AAA" "--add AAA:inf_coy:0:1" \
	"--add AAA:tank:1:1" "--set AAA-1:count=2,from=9" "--ceiling lots" "--drop"; do
	# shellcheck disable=SC2086
	"$STABFORCE" whatif -q $bad "$P" >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] || fail "whatif $bad: exit $rc, expected 2"
	[ -s "$T/err" ] || fail "whatif $bad: no message"
done
"$STABFORCE" whatif -q --lift-veto ISR:ZZZ "$P" 2>&1 | grep -q "unknown contributor 'ZZZ'" ||
	fail "whatif: no clear message for an unknown contributor"

# ---- 5b. format 2: least change, and why each unit moved ----------------------
# North needs a company (weight 10), south two (weight 5). A-1 serves
# north, B-1 south. Dropping A moves B-1 to north (the heavier need); the
# ceiling edit alone moves nobody, so with both edits B-1's move is
# charged to --drop A: found by planning the edits one by one. Adding a
# pledge for C moves only C's new units.
mkdir -p "$T/f2"
cp "$SRCDIR/tests/cases/plan/common/two-sectors.geojson" "$T/f2/"
cat >"$T/f2/s.yaml" <<'EOF'
format: 2
as_of: 2025-12-01
mandate: {start: 2026-01, months: 2, troop_ceiling: 10000}
sectors:
  geojson: two-sectors.geojson
  list: [{id: north}, {id: south}]
tasks:
  - {id: poc, weight: 10, requirement: {by_sector: {north: 1}}}
  - {id: guard, weight: 5, requirement: {by_sector: {south: 2}}}
unit_types:
  - {id: coy, personnel: 100, monthly_cost: 10, deploy_cost: 50, capabilities: {poc: 1, guard: 1}}
contributors:
  - {id: A, pledges: [{id: A-1, unit: coy, count: 1, lead_days: 0, locations: [north]}]}
  - {id: B, pledges: [{id: B-1, unit: coy, count: 1, lead_days: 0}]}
  - {id: C, pledges: []}
EOF
"$STABFORCE" whatif -q --ceiling 9000 --drop A --format json "$T/f2/s.yaml" >"$T/f2/w.json" \
	2>"$T/err" || fail "whatif (format 2): $(cat "$T/err")"
expect "$T/f2/w.json" comparison.moved.0.pledge A-1
expect_str "$T/f2/w.json" comparison.moved.0.why "--drop A"
expect "$T/f2/w.json" comparison.moved.1.pledge B-1
expect "$T/f2/w.json" comparison.moved.1.from "south/guard x1"
expect "$T/f2/w.json" comparison.moved.1.to "north/poc x1"
expect_str "$T/f2/w.json" comparison.moved.1.why "--drop A"
"$JGET" "$T/f2/w.json" comparison.moved.2 >/dev/null 2>&1 && fail "whatif: a third pledge moved"
"$STABFORCE" whatif -q --add C:coy:1:1 --format json "$T/f2/s.yaml" >"$T/f2/w2.json" 2>"$T/err" ||
	fail "whatif (format 2): $(cat "$T/err")"
expect "$T/f2/w2.json" comparison.moved.0.contributor C
expect_str "$T/f2/w2.json" comparison.moved.0.why "--add C:coy:1:1"
"$JGET" "$T/f2/w2.json" comparison.moved.1 >/dev/null 2>&1 &&
	fail "whatif: adding C moved another contributor's units"
"$STABFORCE" whatif -q --ceiling 9000 --drop A "$T/f2/s.yaml" >"$T/f2/w.txt" 2>/dev/null
grep -q '^What moved, and why' "$T/f2/w.txt" || fail "whatif text: no 'What moved, and why'"

# ---- 6. extra outputs from one run -------------------------------------------
"$STABFORCE" vetoes -q --md "$T/x.md" "$P" >"$T/x.txt" 2>"$T/err" || fail "vetoes --md: $(cat "$T/err")"
"$STABFORCE" vetoes -q --format md "$P" >"$T/ref.md" 2>/dev/null
"$STABFORCE" vetoes -q "$P" >"$T/ref.txt" 2>/dev/null
cmp -s "$T/x.md" "$T/ref.md" || fail "vetoes --md FILE differs from --format md"
cmp -s "$T/x.txt" "$T/ref.txt" || fail "vetoes --md FILE: stdout differs from the text output"
grep -q '^## ' "$T/x.md" || fail "vetoes --md FILE: no markdown heading"
"$STABFORCE" risk -q --samples 30 --seed 4 --json "$T/x.json" --csv "$T/x.csv" --format md "$U" \
	>"$T/x2.md" 2>"$T/err" || fail "risk --json --csv: $(cat "$T/err")"
for f in json csv md; do
	"$STABFORCE" risk -q --samples 30 --seed 4 --format $f "$U" >"$T/ref.$f" 2>/dev/null
done
cmp -s "$T/x.json" "$T/ref.json" || fail "risk --json FILE differs from --format json"
cmp -s "$T/x.csv" "$T/ref.csv" || fail "risk --csv FILE differs from --format csv"
cmp -s "$T/x2.md" "$T/ref.md" || fail "risk --json --csv: stdout differs from --format md"
"$STABFORCE" compare -q --json "$T/c.json" "$P" "$P" >/dev/null 2>&1
"$STABFORCE" compare -q --format json "$P" "$P" 2>/dev/null | cmp -s - "$T/c.json" ||
	fail "compare --json FILE differs from --format json"
"$STABFORCE" vetoes -q --md - "$P" >/dev/null 2>&1
[ $? -eq 2 ] || fail "vetoes --md -: accepted (stdout is for --format)"
"$STABFORCE" vetoes -q --md "$T/same" --csv "$T/same" "$P" >/dev/null 2>&1
[ $? -eq 2 ] || fail "vetoes: the same file for --md and --csv accepted"

if [ $failed -ne 0 ]; then
	echo "$failed check(s) failed"
	exit 1
fi
echo "analysis: all checks passed"
