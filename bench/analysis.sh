#!/bin/sh
# analysis.sh - benchmark of the analyses on the Gaza example.
#
#   bench/analysis.sh [STABFORCE [SCENARIO]]
#
# Times, as the median of RUNS runs (default 3):
#   1. vetoes + caveats + critical together, with -j 1 and with -j 2:
#      a. the three commands one after the other (three baselines, three
#         pools, each ending on its own longest case),
#      b. `price`, the three in one run (one baseline, one pool, the
#         largest models first);
#   2. the shell peer: `stabforce plan` run once per case from the shell,
#      one after another (the baseline plus every case the three analyses
#      list; the peer plans the unedited scenario each time, which costs
#      about what an edited copy costs, and needs no YAML editing);
#   3. risk with SAMPLES samples (default 40: each sample is about a dozen
#      solves since common random numbers; bench/risk.sh), -j 1 and -j 2.
# and prints the speed-ups. Results go to docs/benchmarks.md by hand.
#
# Environment: RUNS (3), SAMPLES (40), SEED (7).
set -u

SF=${1:-build/stabforce}
SC=${2:-examples/gaza/scenario.yaml}
RUNS=${RUNS:-3}
SAMPLES=${SAMPLES:-40}
SEED=${SEED:-7}
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-analysis.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

now() { date +%s.%N; }

# median of the numbers on stdin
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timeit NAME COMMAND...: run RUNS times, print the median wall seconds
timeit() {
	name=$1
	shift
	: >"$T/times"
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now)
		"$@" >/dev/null 2>"$T/err" || {
			echo "$name failed: $(cat "$T/err")" >&2
			exit 1
		}
		t1=$(now)
		awk "BEGIN { print $t1 - $t0 }" >>"$T/times"
		i=$((i + 1))
	done
	m=$(median <"$T/times")
	printf '%-44s %8.2f s  (median of %d)\n' "$name" "$m" "$RUNS" >&2
	echo "$m"
}

politics() { # -j N
	"$SF" vetoes -q -j "$1" "$SC" && "$SF" caveats -q -j "$1" "$SC" &&
		"$SF" critical -q -j "$1" "$SC"
}

# number of cases the three analyses list
ncases=0
for a in vetoes caveats critical; do
	"$SF" "$a" -q --format csv "$SC" >"$T/$a.csv" || exit 1
	n=$(($(wc -l <"$T/$a.csv") - 2)) # header and baseline rows
	ncases=$((ncases + n))
done

shell_peer() {
	i=0
	while [ $i -le "$ncases" ]; do # the baseline and every case
		"$SF" plan -q "$SC" >/dev/null || return 1
		i=$((i + 1))
	done
}

echo "scenario $SC, $ncases cases (+ baseline), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
p1=$(timeit "vetoes+caveats+critical -j 1" politics 1)
p2=$(timeit "vetoes+caveats+critical -j 2" politics 2)
q1=$(timeit "price (the three in one run) -j 1" "$SF" price -q -j 1 "$SC")
q2=$(timeit "price (the three in one run) -j 2" "$SF" price -q -j 2 "$SC")
ps=$(timeit "shell: plan once per case ($((ncases + 1)) plans)" shell_peer)
r1=$(timeit "risk $SAMPLES samples -j 1" "$SF" risk -q -j 1 --samples "$SAMPLES" --seed "$SEED" "$SC")
r2=$(timeit "risk $SAMPLES samples -j 2" "$SF" risk -q -j 2 --samples "$SAMPLES" --seed "$SEED" "$SC")
awk "BEGIN { printf \"speed-up -j 2 over -j 1: three commands %.2fx, price %.2fx, risk %.2fx\\n\", $p1 / $p2, $q1 / $q2, $r1 / $r2 }" >&2
awk "BEGIN { printf \"against the shell peer: three commands -j 2 %.2fx, price -j 2 %.2fx; price -j 2 against the three commands -j 1 %.2fx\\n\", $ps / $p2, $ps / $q2, $p1 / $q2 }" >&2
