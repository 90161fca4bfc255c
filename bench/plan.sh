#!/bin/sh
# bench/plan.sh - the planner benchmark (docs/benchmarks.md).
#
#   bench/plan.sh [BUILD_DIR [RUNS]]      (default build, 5 runs)
#
# Generates two SYNTHETIC scenarios with sf-gen-scenario (seeded, so every
# machine plans the same ones):
#   gaza-sized  15 contributors, 30 pledges, 7 unit types, 5 sectors,
#               7 tasks, 24 months, share cap 0.5
#   tight       the gaza-sized case with the troop ceiling at 60% of the
#               pledged personnel instead of 80%: the ceiling binds, and
#               each month becomes a knapsack that is hard to prove
#   un-sized    120 contributors, 240 pledges, 20 unit types, 30 sectors,
#               10 tasks, 24 months, share cap 0.5
# and times `stabforce plan` on each, RUNS times, against its peers:
#   default      stage 1 month by month, stage 2 warm-started (CBC)
#   monolithic   stage 1 as one MILP over all months (--monolithic)
#   cold-stage2  stage 2 without the stage-1 MIP start (--cold-stage2)
#   glpk         the same algorithm with GLPK (--solver glpk)
# Environment: SCENARIOS (default "gaza tight un"), VARIANTS (default all
# four), TIGHT_RUNS and UN_RUNS (runs of those cases, default RUNS).
# Each run has a wall-clock limit (LIMIT seconds, default 120); a run that
# hits it still yields a plan, reported as "feasible" with its gap. The
# table gives the median wall time of the runs, and the status, stage times
# and gaps of the median run, read from the plan JSON.
#
# Timing uses `date +%s.%N` around each run (hyperfine is not needed).
# Results go to stdout as a markdown table; paste them into
# docs/benchmarks.md with the machine description printed at the end.
set -eu

BUILD=${1:-build}
RUNS=${2:-5}
LIMIT=${LIMIT:-120}
SCENARIOS=${SCENARIOS:-gaza tight un}
UN_RUNS=${UN_RUNS:-$RUNS}
TIGHT_RUNS=${TIGHT_RUNS:-$RUNS}
SF=$BUILD/stabforce
GEN=$BUILD/bench/sf-gen-scenario
[ -x "$SF" ] || { echo "bench/plan.sh: no $SF (build first)" >&2; exit 2; }
[ -x "$GEN" ] || { echo "bench/plan.sh: no $GEN (build first)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-plan.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

"$GEN" --seed 1 --out "$T/gaza" >/dev/null
"$GEN" --seed 1 --ceiling 0.6 --out "$T/tight" >/dev/null
"$GEN" --seed 1 --contributors 120 --pledges 240 --unit-types 20 --sectors 30 --tasks 10 \
	--months 24 --out "$T/un" >/dev/null

# field FILE KEY: a number or string from the plan JSON (no jq needed).
field() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print(d if not isinstance(d,float) else "%.4g" % d)' "$1" "$2" 2>/dev/null || echo "?"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "| scenario | variant | median s | stage 1 | stage 1 s | stage 1 gap | stage 2 | stage 2 s | stage 2 gap |"
echo "|---|---|---:|---|---:|---:|---|---:|---:|"
for sc in $SCENARIOS; do
	n=$RUNS
	[ "$sc" = un ] && n=$UN_RUNS
	[ "$sc" = tight ] && n=$TIGHT_RUNS
	for variant in ${VARIANTS:-default monolithic cold-stage2 glpk}; do
		case $variant in
		default) extra= ;;
		monolithic) extra=--monolithic ;;
		cold-stage2) extra=--cold-stage2 ;;
		glpk) extra="--solver glpk" ;;
		esac
		: >"$T/times"
		i=0
		while [ $i -lt "$n" ]; do
			t0=$(date +%s.%N)
			# shellcheck disable=SC2086
			"$SF" plan "$T/$sc/scenario.yaml" -q -f json -o "$T/$sc.$variant.$i.json" \
				--time-limit "$LIMIT" $extra 2>/dev/null || true
			t1=$(date +%s.%N)
			echo "$t0 $t1 $i" | awk '{printf "%.3f %d\n", $2 - $1, $3}' >>"$T/times"
			i=$((i + 1))
		done
		med=$(cut -d' ' -f1 "$T/times" | median)
		# the run closest to the median
		run=$(awk -v m="$med" '{d=$1-m; if (d<0) d=-d; print d, $2}' "$T/times" | sort -n |
			head -n 1 | cut -d' ' -f2)
		j=$T/$sc.$variant.$run.json
		if [ -s "$j" ]; then
			echo "| $sc | $variant | $med | $(field "$j" stage1.status) | $(field "$j" stage1.seconds) |" \
				"$(field "$j" stage1.gap) |" \
				"$(field "$j" stage2.status) | $(field "$j" stage2.seconds) | $(field "$j" stage2.gap) |"
		else
			echo "| $sc | $variant | $med | no plan | | | | | |"
		fi
	done
done

echo
echo "Machine:"
lscpu | sed -n 's/^\(Model name\|CPU(s)\|Thread(s) per core\|CPU max MHz\):[[:space:]]*/  \1: /p'
free -g | awk '/^Mem:/ {print "  Memory: " $2 " GiB"}'
echo "  $("$SF" --version), CBC $(pkg-config --modversion cbc 2>/dev/null || echo '?')," \
	"GLPK $(glpsol --version 2>/dev/null | sed -n 's/.*Solver *v*\([0-9.]*\).*/\1/p' | head -n 1)"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
