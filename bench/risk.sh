#!/bin/sh
# risk.sh - what a risk run with common random numbers costs, on the Gaza example.
#
#   bench/risk.sh [STABFORCE [SCENARIO]]
#
# Runs, alternately RUNS times (default 3), and prints the median of each:
#   1. the peer: `stabforce plan` of the scenario (stage 1 and 2 of the
#      plan with every pledge), the unit a planner already knows;
#   2. `stabforce risk -j 2 --samples SAMPLES --seed SEED` (default 40 and
#      7): every sample's stage 1 and, on the same draw, every
#      contributor's pair (docs/model.md, "Risk").
# For each: wall seconds and CPU seconds (user + system of the process
# and its workers, from /usr/bin/time), and for risk the stage-1 solves it
# made (its JSON's `solves`), the CPU seconds per solve and per sample,
# and the solves per sample (1 before common random numbers). On a loaded
# machine compare the CPU seconds, not the wall time. Results go to
# docs/benchmarks.md by hand.
#
# Environment: RUNS (3), SAMPLES (40), SEED (7).
set -u

SF=${1:-build/stabforce}
SC=${2:-examples/gaza/scenario.yaml}
RUNS=${RUNS:-3}
SAMPLES=${SAMPLES:-40}
SEED=${SEED:-7}
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-risk.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
[ -x /usr/bin/time ] || {
	echo "risk.sh: needs /usr/bin/time (Debian package time)" >&2
	exit 1
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run NAME OUT COMMAND...: one timed run, "wall cpu" appended to $T/NAME
run() {
	name=$1 out=$2
	shift 2
	/usr/bin/time -f '%e %U %S' -o "$T/t" "$@" >"$out" 2>"$T/err" || {
		echo "$name failed: $(cat "$T/err")" >&2
		exit 1
	}
	awk '{ print $1, $2 + $3 }' "$T/t" >>"$T/$name"
}

i=0
while [ $i -lt "$RUNS" ]; do
	run plan "$T/plan.out" "$SF" plan -q "$SC"
	run risk "$T/risk.json" "$SF" risk -q -j 2 --samples "$SAMPLES" --seed "$SEED" --format json "$SC"
	i=$((i + 1))
done
solves=$(sed -n 's/^  "solves": \([0-9]*\),*$/\1/p' "$T/risk.json")
pw=$(cut -d' ' -f1 "$T/plan" | median) pc=$(cut -d' ' -f2 "$T/plan" | median)
rw=$(cut -d' ' -f1 "$T/risk" | median) rc=$(cut -d' ' -f2 "$T/risk" | median)
echo "| command | wall s | CPU s | stage-1 solves | CPU s per solve | CPU s per sample | solves per sample |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "| \`plan\` (peer) | $pw | $pc | | | | |"
awk -v w="$rw" -v c="$rc" -v s="$solves" -v n="$SAMPLES" 'BEGIN {
	printf "| `risk -j 2 --samples %d` | %s | %s | %d | %.3f | %.2f | %.1f |\n",
	       n, w, c, s, c / s, c / n, (s - 1) / n }'
echo "(median of $RUNS runs each, alternately; $SC, seed $SEED)"
