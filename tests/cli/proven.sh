#!/bin/sh
# proven.sh - every planning and analysis output says, in every format,
# whether its numbers rest on a proven optimum (issue 10 item 7,
# docs/output.md "Proven or not").
#
# A generated scenario (sf-gen-scenario --seed 6, 6 contributors, 12
# pledges, 12 months) that GLPK cannot prove in ten minutes is planned with
# --solver glpk --time-limit 2: the solves stop with a plan and a gap, so
# stage 1 (and stage 2) are "feasible", not optimal. Each command writes
# text, json, csv and md from one run; the json must say the figures are
# not proven, and text, csv and md must show it: "NOT PROVEN" and the "*"
# next to the figures in text and md, the stage statuses in csv. The same
# commands on the minimal example, which is proven, must show none of it.
#
# Usage: proven.sh JGET. Needs $STABFORCE, $BUILDDIR, $SRCDIR.
set -u
JGET="$1"
SF="$STABFORCE"
T=$(mktemp -d /tmp/sf-proven.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
fail=0
no() {
	echo "FAIL: $*"
	fail=1
}
has() { # has FILE TEXT WHAT
	grep -qF -- "$2" "$1" || no "$3: no '$2' in $(basename "$1")"
}
hasnt() { # hasnt FILE TEXT WHAT
	! grep -qF -- "$2" "$1" || no "$3: '$2' in $(basename "$1")"
}
is() { # is FILE PATH VALUE WHAT
	v=$("$JGET" "$1" "$2" 2>/dev/null)
	[ "$v" = "$3" ] || no "$4: $2 is '$v', expected '$3'"
}

"$BUILDDIR/bench/sf-gen-scenario" --seed 6 --contributors 6 --pledges 12 --months 12 \
	--out "$T/g" >/dev/null 2>&1 || no "sf-gen-scenario"
G="$T/g/scenario.yaml"
M="$SRCDIR/examples/minimal/scenario.yaml"
LIMIT="--solver glpk --time-limit 2 -j 2"

# run NAME ARGS...: one run, all four formats (text on stdout)
run() {
	name=$1
	shift
	"$SF" "$@" --json "$T/$name.json" --csv "$T/$name.csv" --md "$T/$name.md" \
		>"$T/$name.txt" 2>"$T/$name.err" || no "$name: exit $? ($(tail -n 1 "$T/$name.err"))"
}

# ---------------------------------------------------------------- plan
run plan plan "$G" --solver glpk --time-limit 2
is "$T/plan.json" stage1.proven false "plan json"
is "$T/plan.json" stage1.status feasible "plan json"
grep -q '^Stage 1 (weighted shortfall) *best found, Z1 [0-9.]*, [0-9.]*% from the proven bound (NOT PROVEN optimal: stopped by a limit), [0-9.]* s$' \
	"$T/plan.txt" || no "plan text: stage 1 line not marked"
grep -q '^Full operational capability .*NOT PROVEN' "$T/plan.txt" || no "plan text: FOC not marked"
has "$T/plan.txt" "Cost (NOT PROVEN optimal" "plan text, cost"
has "$T/plan.md" "NOT PROVEN optimal" "plan md"
has "$T/plan.csv" ",stage1,stage1_gap,stage2,stage2_gap" "plan csv header"
sed -n 2p "$T/plan.csv" | grep -q ',feasible,[0-9.e-]*,[a-z_]*,[0-9.e-]*$' || no "plan csv: row status"

# --------------------------------------------- vetoes, caveats, critical
run price price $LIMIT "$G"
is "$T/price.json" critical.baseline.proven false "price json"
is "$T/price.json" critical.baseline.stage1 feasible "price json"
"$JGET" "$T/price.json" critical.baseline.stage1_gap >/dev/null || no "price json: no stage1_gap"
is "$T/price.json" critical.cases.0.outcome.proven false "price json case"
grep -q '^Baseline: weighted shortfall [0-9.]*\*, .*status: NOT PROVEN' "$T/price.txt" ||
	no "price text: baseline not marked"
# a contributor's row: d shortfall, d personnel and d cost each with its "*"
grep -Eq '^C00[0-9] +C00[0-9] +[-+][0-9]+\.[0-9]{2}\* .* [-+]?[0-9]+\* +[-+]?[0-9]+\* ' "$T/price.txt" ||
	no "price text: a case's figures not marked"
has "$T/price.txt" "* not a proven optimum" "price text legend"
has "$T/price.md" '\* not a proven optimum' "price md legend"
has "$T/price.csv" ",stage1,stage1_gap,stage2,stage2_gap,proven" "price csv header"
grep -q '^baseline,.*,feasible,[0-9.e-]*,[a-z_]*,[0-9.e-]*,false$' "$T/price.csv" || no "price csv: baseline row status"

# ----------------------------------------------------------- whatif, compare
run whatif whatif $LIMIT --ceiling 1000000 "$G"
is "$T/whatif.json" comparison.a.proven false "whatif json"
is "$T/whatif.json" plan.stage1.proven false "whatif json plan"
grep -q '^status (stage 1/2) .*feasible/.*(limit)' "$T/whatif.txt" || no "whatif text: status row"
grep -q '^weighted shortfall .*\* ' "$T/whatif.txt" || no "whatif text: figures not marked"
has "$T/whatif.md" '\* not a proven optimum' "whatif md legend"
grep -q '^status,proven,false,false,$' "$T/whatif.csv" || no "whatif csv: status rows"

run compare compare $LIMIT "$G" "$M"
is "$T/compare.json" a.proven false "compare json"
is "$T/compare.json" b.stage1 optimal "compare json (minimal)"
grep -q '^status,stage1,feasible,optimal,$' "$T/compare.csv" || no "compare csv: status rows"

# --------------------------------------------------------------- shopping
run shopping shopping $LIMIT "$G"
is "$T/shopping.json" real.proven false "shopping json"
grep -q '^Status: as they are, NOT PROVEN' "$T/shopping.txt" || no "shopping text: status"
has "$T/shopping.csv" ",z1_removed,proven" "shopping csv header"

# ------------------------------------------------------------------- risk
run risk risk $LIMIT --samples 3 "$G"
is "$T/risk.json" plain.proven false "risk json"
n=$("$JGET" "$T/risk.json" samples_not_proven)
[ "${n:-0}" -ge 1 ] || no "risk json: samples_not_proven is '$n'"
k=0
for i in 0 1 2; do
	[ "$("$JGET" "$T/risk.json" per_sample.stage1.$i)" = optimal ] || k=$((k + 1))
done
[ "$k" = "$n" ] || no "risk json: $k samples' stage 1 not optimal, samples_not_proven $n"
has "$T/risk.txt" "samples NOT PROVEN optimal" "risk text"
has "$T/risk.csv" ",samples,samples_not_proven" "risk csv header"

# ------------------------------------------- proven runs show none of it
run mplan plan --gap 0 "$M"
is "$T/mplan.json" stage1.proven true "proven plan json"
is "$T/mplan.json" stage2.proven true "proven plan json"
for f in mplan.txt mplan.md; do hasnt "$T/$f" "NOT PROVEN" "proven plan"; done
# (--gap 0: stage 2 proven too; at the default 1% a case may stop within the gap)
run mprice price -j 2 --gap 0 "$M"
is "$T/mprice.json" critical.baseline.proven true "proven price json"
for f in mprice.txt mprice.md; do
	hasnt "$T/$f" "NOT PROVEN" "proven price"
	hasnt "$T/$f" "not a proven optimum" "proven price"
done
grep -q 'status: proven optimal' "$T/mprice.txt" || no "proven price: baseline status"

[ $fail -eq 0 ] && echo "proven: all checks passed"
exit $fail
