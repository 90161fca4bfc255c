#!/bin/sh
# nations.sh - what a plan means for the nations (issue 14, items 1-3) on
# the hand-worked case tests/cases/analysis/nations:
#  1. reimbursement per contributor and month, in JSON, text (grouped
#     money), markdown, `--table reimbursement`, and in the briefing;
#  2. parity by category and year against the sourced targets (2028) and
#     "target not sourced" (2027), in JSON, text and `--table parity`;
#  3. idle pledges and people at `mission` in every plan output and in the
#     what-if deltas (a contributor at mission only shows its change);
#  4. the default troop rate with its source when the scenario gives none;
#  5. bad keys refused with file:line:col and the key path.
#
# Usage: nations.sh JGET   ($STABFORCE, $SRCDIR from meson)
set -u

JGET=${1:?usage: nations.sh JGET}
: "${STABFORCE:?}" "${SRCDIR:?}"
CASES=$SRCDIR/tests/cases/analysis
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-nations.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
failed=0

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

expect() { # FILE PATH VALUE: numbers within 1e-6, anything else exactly
	got=$("$JGET" "$1" "$2" 2>/dev/null) || {
		fail "$(basename "$1"): $2 is absent (expected $3)"
		return
	}
	case $3 in
	-* | [0-9]*) "$JGET" --close "$got" "$3" || fail "$(basename "$1"): $2 = $got, expected $3" ;;
	*) [ "$got" = "$3" ] || fail "$(basename "$1"): $2 = $got, expected $3" ;;
	esac
}

has() { # FILE TEXT
	grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks '$2'"
}

mkdir "$T/n" || exit 1
cp "$CASES/two-sectors.geojson" "$T/" || exit 1
cp "$CASES/nations/scenario.yaml" "$T/n/" || exit 1
S=$T/n/scenario.yaml

# ---- 1. reimbursement --------------------------------------------------
"$STABFORCE" plan -q --format json "$S" >"$T/p.json" 2>"$T/err" || fail "plan: $(cat "$T/err")"
expect "$T/p.json" reimbursement.troop_rate 1000
expect "$T/p.json" reimbursement.troop_rate_given true
expect "$T/p.json" reimbursement.total 502000
expect "$T/p.json" reimbursement.troops 500000
expect "$T/p.json" reimbursement.equipment 2000
expect "$T/p.json" reimbursement.equipment_rates.0.lease wet
expect "$T/p.json" reimbursement.contributors.0.contributor AAA
expect "$T/p.json" reimbursement.contributors.0.total 402000
expect "$T/p.json" reimbursement.contributors.0.months.1.persons 200
expect "$T/p.json" reimbursement.contributors.0.months.1.troops 200000
expect "$T/p.json" reimbursement.contributors.0.months.1.equipment 1000
expect "$T/p.json" reimbursement.contributors.1.total 100000
expect "$T/p.json" reimbursement.contributors.1.months.0.persons 50
"$STABFORCE" plan -q "$S" >"$T/p.txt" 2>"$T/err" || fail "plan text: $(cat "$T/err")"
has "$T/p.txt" "Total 502,000 (troops 500,000, equipment 2,000)"
has "$T/p.txt" "inf_coy: 500 per unit-month, wet lease (assumption: test rate)"
grep -Eq "^AAA +400 +400,000 +2,000 +402,000 +201,000 +201,000 \(2027-12\)" "$T/p.txt" ||
	fail "plan text: AAA's reimbursement row: $(grep '^AAA' "$T/p.txt")"
"$STABFORCE" plan -q --format md "$S" >"$T/p.md" 2>"$T/err" || fail "plan md: $(cat "$T/err")"
has "$T/p.md" "### Reimbursement"
has "$T/p.md" "### Women in the force"
"$STABFORCE" plan -q --format csv --table reimbursement "$S" >"$T/r.csv" 2>"$T/err" ||
	fail "plan --table reimbursement: $(cat "$T/err")"
[ "$(cut -d, -f1,3-7 "$T/r.csv" | tr '\n' ' ')" = \
	"month,contributor,persons,troops,equipment,total 1,AAA,200,200000,1000,201000 1,BBB,50,50000,0,50000 2,AAA,200,200000,1000,201000 2,BBB,50,50000,0,50000 " ] ||
	fail "plan --table reimbursement: $(cat "$T/r.csv")"

# ---- 2. parity ---------------------------------------------------------
expect "$T/p.json" parity.years.0.year 2027
expect "$T/p.json" parity.years.0.categories.0.category military_contingent
expect "$T/p.json" parity.years.0.categories.0.person_months 200
expect "$T/p.json" parity.years.0.categories.0.share 0.1
expect "$T/p.json" parity.years.0.categories.0.target null
expect "$T/p.json" parity.years.0.categories.1.share null
expect "$T/p.json" parity.years.0.categories.2.share 0.2
expect "$T/p.json" parity.years.1.year 2028
expect "$T/p.json" parity.years.1.categories.0.target 0.15
expect "$T/p.json" parity.years.1.categories.2.target 0.2
has "$T/p.txt" "target not sourced"
grep -Eq "^2028 +military contingents +200 +100.0% +20 +10.0% +15%" "$T/p.txt" ||
	fail "plan text: 2028 contingents: $(grep '^2028' "$T/p.txt")"
grep -Eq "^2027 +formed police units +50 +100.0% +10 +20.0% +target not sourced" "$T/p.txt" ||
	fail "plan text: 2027 formed police: $(grep '^2027' "$T/p.txt")"
"$STABFORCE" plan -q --format csv --table parity "$S" >"$T/q.csv" 2>"$T/err" ||
	fail "plan --table parity: $(cat "$T/err")"
[ "$(cut -d, -f1,2,4,7,8 "$T/q.csv" | tr '\n' ' ')" = \
	"year,category,person_months,share,target 2027,military_contingent,200,0.1, 2027,formed_police,50,0.2, 2028,military_contingent,200,0.1,0.15 2028,formed_police,50,0.2,0.2 " ] ||
	fail "plan --table parity: $(cat "$T/q.csv")"

# ---- 3. idle pledges and mission in every output -------------------------
expect "$T/p.json" idle_pledges.0.pledge AAA-1
expect "$T/p.json" idle_pledges.0.unused 1
has "$T/p.txt" "Idle pledges"
has "$T/p.md" "### Idle pledges"
"$STABFORCE" plan -q --format csv --table idle "$S" >"$T/i.csv" 2>"$T/err" ||
	fail "plan --table idle: $(cat "$T/err")"
[ "$(cut -d, -f1,4-7 "$T/i.csv" | tr '\n' ' ')" = \
	"pledge,offered,max_used,unused,unused_personnel AAA-1,3,2,1,100 " ] ||
	fail "plan --table idle: $(cat "$T/i.csv")"
has "$T/p.txt" "mission"
"$STABFORCE" whatif -q --drop BBB --format json "$S" >"$T/w.json" 2>"$T/err" ||
	fail "whatif --drop BBB: $(cat "$T/err")"
expect "$T/w.json" comparison.change.reimbursed -100000
expect "$T/w.json" comparison.contributors.0.contributor BBB
expect "$T/w.json" comparison.contributors.0.change 0
expect "$T/w.json" comparison.contributors.0.mission_change -100
expect "$T/w.json" comparison.contributors.0.reimbursed_change -100000
"$STABFORCE" whatif -q --drop BBB "$S" >"$T/w.txt" 2>"$T/err" || fail "whatif text: $(cat "$T/err")"
grep -Eq "^BBB .* -100 +-100,000" "$T/w.txt" || fail "whatif text: BBB's row: $(grep '^BBB' "$T/w.txt")"

# ---- 1b. the briefing carries both sections --------------------------------
"$STABFORCE" report -q --plan-only --date 2028-01-15 --md "$T/b.md" "$S" 2>"$T/err" ||
	fail "report: $(cat "$T/err")"
has "$T/b.md" "Reimbursement"
has "$T/b.md" "Women in the force"
has "$T/b.md" "Idle pledges"

# ---- 4. the default troop rate -------------------------------------------
grep -v -e '^reimbursement:' -e '^  troop_rate:' -e '^  source: "assumption: a round' "$S" >"$T/n/default.yaml"
"$STABFORCE" plan -q --format json "$T/n/default.yaml" >"$T/d.json" 2>"$T/err" ||
	fail "plan, default rate: $(cat "$T/err")"
expect "$T/d.json" reimbursement.troop_rate 1428
expect "$T/d.json" reimbursement.troop_rate_given false
"$JGET" "$T/d.json" reimbursement.troop_rate_source | grep -q "resolution 72/285 of 5 July 2018" ||
	fail "the default rate's source: $("$JGET" "$T/d.json" reimbursement.troop_rate_source)"

# ---- 5. hostile keys: file:line:col and key path ---------------------------
bad() { # SED-EXPR EXPECTED-MESSAGE
	sed "$1" "$S" >"$T/n/bad.yaml"
	"$STABFORCE" validate "$T/n/bad.yaml" >"$T/out" 2>&1
	[ $? -ne 0 ] || fail "validate accepted: $1"
	grep -qE -- "$2" "$T/out" || fail "validate ($1): $(cat "$T/out")"
}
bad 's/lease: wet/lease: damp/' 'bad.yaml:[0-9]+:[0-9]+: .*unit_types\[0\]\.coe\.lease.*wet or dry'
bad 's/share: 0.1,/share: 1.5,/' 'bad.yaml:[0-9]+:[0-9]+: .*unit_types\[0\]\.women\.share'
bad 's/monthly: 500, source: "assumption: test rate"/monthly: 500/' 'bad.yaml:[0-9]+:[0-9]+: .*unit_types\[0\]\.coe.*missing key .source.'
bad 's/category: formed_police/category: gendarmes/' 'bad.yaml:[0-9]+:[0-9]+: .*unit_types\[1\]\.category.*formed_police'
bad 's/troop_rate: 1000/troop_rate: -5/' 'bad.yaml:[0-9]+:[0-9]+: .*reimbursement\.troop_rate'
bad 's/  source: "assumption: a round rate for the hand-worked case"/  source: ""/' 'bad.yaml:[0-9]+:[0-9]+: .*reimbursement\.source.*empty'

[ "$failed" -eq 0 ] || exit 1
echo "nations: all checks passed"
