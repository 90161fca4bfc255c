#!/bin/sh
# bounds.sh - the numbers of the format have bounds (docs/scenario-format.md,
# "Bounds") such that whatever `validate` accepts, `plan` solves or reports
# cleanly: every real at its bound at once plans (both solvers) and passes
# check-plan; past a bound, validate and plan say where (file:line:col, key
# path) and exit 2, never 134 with a solver's assertion; the what-if edits
# keep the same bounds.
#
#   sh bounds.sh        ($STABFORCE, $SRCDIR from meson)
set -u
. "$(dirname "$0")/lib.sh"
SF=$STABFORCE
EXT=$SRCDIR/tests/torture/data/extremes.yaml
MIN=$SRCDIR/examples/minimal
cp "$MIN/scenario.yaml" "$MIN/sectors.geojson" "$T/"
S=$T/scenario.yaml

# ------------------------------------------------------------ at the bounds
expect 0 "" "$SF" validate "$EXT"
for solver in cbc glpk; do
	expect 0 "" "$SF" plan "$EXT" --solver $solver -f json -o "$T/ext-$solver.json"
	expect 0 "" "$SF" check-plan "$EXT" "$T/ext-$solver.json"
done
expect 0 "" "$SF" plan "$EXT" --monolithic -f json -o "$T/ext-mono.json"

# ------------------------------------------------------------ past them
# bad NAME LINE SED POSITION PATH: the minimal scenario edited on LINE; both
# validate and plan exit 2 at scenario.yaml:POSITION: PATH
bad() {
	sed "$2s/$3" "$S" >"$T/$1.yaml"
	for cmd in validate plan; do
		expect 2 "$1.yaml:$4: error: $5" "$SF" $cmd "$T/$1.yaml"
		grep -q 'Assertion' "$T/err" && fail "$cmd $1: a solver's assertion: $(cat "$T/err")"
	done
}
# the hostile tester's numbers (issue 10 item 2)
bad cost 49 '300000 /1e26 /' '49:19' 'unit_types\[0\].monthly_cost'
bad weight 31 '10 /1e26 /' '31:13' 'tasks\[0\].weight'
bad penalty 101 '1000 /1e26 /' '101:18' 'stakeholders\[0\].vetoes\[1\].penalty'
bad every 32 'every: 40000/every: 1e-100/' '28:5' 'tasks\[0\].requirement: task .poc. requires'
bad population 21 'population: 120000/population: 1e300/' '21:32' 'sectors.list\[0\].attributes.population'
bad threat 21 'threat: 1.5/threat: 1e300/' '21:62' 'sectors.list\[0\].attributes.threat'
bad bysector 37 'north: 2/north: 1e300/' '37:38' 'tasks\[1\].requirement.by_sector.north'
bad capability 50 'poc: 1,/poc: 1e300,/' '50:25' 'unit_types\[0\].capabilities.poc'
bad cap 72 '400 /1e300 /' '72:10' 'contributors\[1\].cap'
bad count 68 'count: 6 /count: 1000000000 /' '68:16' 'contributors\[0\].pledges\[0\].count'
bad start 10 '2026-01 /0000-01 /' '10:10' 'mandate.start: expected a month YYYY-MM'
# each number in bounds, the product not
bad product 21 'population: 120000/population: 1e12/' '28:5' 'tasks\[0\].requirement: task .poc. requires 3.75e\+07'

# ------------------------------------------------------------ what-if edits
expect 2 "penalty '1e300' is not a number in 0..1e\+09" "$SF" whatif "$S" --add-veto HOST:ALFA:soft:1e300
grep -q 'Assertion' "$T/err" && fail "whatif --add-veto 1e300: a solver's assertion"
# an edit within its own bound whose product is not: A's huge units, 1e9 a person-month
expect 2 "costs .* at most 1e\+15.*after the edits" "$SF" whatif "$EXT" --add-veto H:A:soft:1e9
expect 2 "count '1000000000' is not a whole number in 1..1000000" "$SF" whatif "$S" --add ALFA:inf_coy:1000000000:1
expect 2 "expected a number of personnel in 0..1e\+12" "$SF" whatif "$S" --ceiling 1e30
expect 2 "contributor 'ALFA' is already dropped" "$SF" whatif "$S" --drop ALFA --drop ALFA
expect 2 "'count' is given twice" "$SF" whatif "$S" --set ALFA-1:count=1,count=2
expect 0 "" "$SF" whatif "$S" --add-veto HOST:ALFA:soft:1e9

finish
