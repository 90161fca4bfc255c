#!/bin/sh
# stage1_gap.sh - `--gap G` applies to stage 1 too (docs/model.md, "Stage 1
# to a gap"): stage 1 stops once proven within G, is "optimal" with its
# gap, says it is within G of the optimum and not proven, and check-plan
# accepts the plan; without --gap stage 1 is proven optimal.
#
# The scenario is sf-gen-scenario --seed 6 (6 contributors, 12 pledges, 12
# months, as in proven.sh), whose exact stage 1 takes CBC seconds of
# search: with --gap 0.2 CBC and GLPK both stop stage 1 at a plan worse
# than the optimum (Z1 > Z1*), the bound they report is at most Z1*, and
# gap = (Z1 - bound) / Z1 is at most 0.2.
#
# Usage: stage1_gap.sh JGET. Needs $STABFORCE, $BUILDDIR.
set -u
JGET="$1"
SF="$STABFORCE"
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-stage1gap.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
fail=0
no() {
	echo "FAIL: $*"
	fail=1
}
j() { "$JGET" "$1" "$2" 2>/dev/null; }

"$BUILDDIR/bench/sf-gen-scenario" --seed 6 --contributors 6 --pledges 12 --months 12 \
	--out "$T/g" >/dev/null 2>&1 || no "sf-gen-scenario"
G="$T/g/scenario.yaml"

# Without --gap: stage 1 proven optimal; its Z1 is Z1*.
"$SF" plan "$G" -q -f json -o "$T/exact.json" 2>"$T/exact.err" || no "exact plan: exit $?"
[ "$(j "$T/exact.json" stage1.proven)" = true ] || no "without --gap stage 1 is not proven"
[ "$(j "$T/exact.json" stage1.gap)" = 0 ] || no "without --gap stage 1 has a gap"
z1star=$(j "$T/exact.json" stage1.objective)

for solver in cbc glpk; do
	out="$T/$solver"
	"$SF" plan "$G" --solver "$solver" --gap 0.2 --json "$out.json" >"$out.txt" \
		2>"$out.err" || no "$solver: exit $? ($(tail -n 1 "$out.err"))"
	[ "$(j "$out.json" stage1.status)" = optimal ] || no "$solver: stage 1 not optimal"
	[ "$(j "$out.json" stage1.proven)" = false ] || no "$solver: stage 1 says proven"
	z1=$(j "$out.json" stage1.objective)
	bound=$(j "$out.json" stage1.bound)
	gap=$(j "$out.json" stage1.gap)
	awk -v z="$z1" -v b="$bound" -v g="$gap" -v s="$z1star" 'BEGIN {
		e = 1e-6 * (s > 1 ? s : 1)
		if (!(z > s + e)) { print "Z1 " z " is the optimum " s ": stage 1 did not stop early"; exit 1 }
		if (!(b <= s + e)) { print "bound " b " above Z1* " s; exit 1 }
		if (!(g > 0 && g <= 0.2 + 1e-9)) { print "gap " g " not in (0, 0.2]"; exit 1 }
		if ((z - b) / z - g > 1e-9 || g - (z - b) / z > 1e-9) { print "gap " g " is not (Z1 - bound) / Z1"; exit 1 }
	}' >"$out.awk" || no "$solver: $(cat "$out.awk")"
	grep -q '^Stage 1 (weighted shortfall) *best found, Z1 [0-9.]*, [0-9.]*% from the proven bound (NOT PROVEN optimal: stopped at the gap asked for), [0-9.]* s$' \
		"$out.txt" || no "$solver: the text does not say stage 1 is within its gap"
	"$SF" check-plan "$G" "$out.json" >/dev/null 2>"$out.chk" ||
		no "$solver: check-plan rejects the plan: $(tail -n 2 "$out.chk")"
done

# An analysis passes --gap to stage 1 too: the case's status says so.
"$SF" whatif "$G" --gap 0.2 --ceiling 1000000 -j 2 -q -f json -o "$T/whatif.json" \
	2>"$T/whatif.err" || no "whatif: exit $? ($(tail -n 1 "$T/whatif.err"))"
[ "$(j "$T/whatif.json" plan.stage1.status)" = optimal ] || no "whatif: stage 1 not optimal"
[ "$(j "$T/whatif.json" plan.stage1.proven)" = false ] || no "whatif: stage 1 says proven"

[ $fail -eq 0 ] && echo "stage1_gap: all checks passed"
exit $fail
