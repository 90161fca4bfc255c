#!/bin/sh
# refactor.sh - issue 9's before and after: the library as it is against
# the last commit before the refactor, side by side in one run
# (docs/benchmarks.md, "The refactor, before and after").
#
#   bench/refactor.sh [small|full]       (default small)
#
# Builds BASE (default da74fe9, the commit before issue 9's refactor) and
# HEAD (the commit checked out; its tracked files, not uncommitted edits)
# in temporary git worktrees with the same meson options (the project's
# default, debugoptimized), only the targets the runs need, and removes
# both at the end. Then each workload runs RUNS times, base and head
# alternating run by run, so that a change in the machine's load falls on
# both alike; the table gives the median wall time of each and head/base,
# and the median CPU time (user + system, the command and every process
# it waited for: solver children, workers), which a loaded machine
# disturbs far less than wall time.
#   start    100 runs of `stabforce --version`: what every command pays to
#            start (the program and the shared libraries it loads);
# The inputs are made once and are the same for both:
#   import   `incidents import` of ROWS generated rows (HEAD's gen_acled
#            --plain --seed 1, as bench/import.sh) with the Gaza sectors,
#            into a fresh store each run;
#   report   20 runs of `incidents report --by week --by sector --table
#            periods` on that store (bench/import.sh's first report): one
#            takes 20 to 30 ms, below what `times` resolves (10 ms);
#   plan     `plan` of bench/plan.sh's gaza-sized generated scenario (HEAD's
#            sf-gen-scenario --seed 1), limit LIMIT s; its status and gap
#            are shown, since a run that stops at the limit is not a time;
#   price    `price -j 2` (vetoes, caveats, critical in one run) and
#   risk     `risk -j 2 --samples SAMPLES --seed 7` (bench/analysis.sh's) on
#            BASE's examples/gaza/scenario.yaml (format 1: both read it);
#            head with --no-pairs, the samples alone, as base solves them.
# small: ROWS 20000, RUNS 3, SAMPLES 40, LIMIT 30 (about 2 minutes of runs
# on an idle 2-core machine, after the builds); full: ROWS 1000000, RUNS 5,
# SAMPLES 1000, LIMIT 120. Each may be overridden in the environment, as
# may BASE, and WORK (a directory to build in and keep, so that a second
# run builds nothing; default a temporary one, removed).
set -u

SCALE=${1:-small}
case $SCALE in
small) : "${ROWS:=20000}" "${RUNS:=3}" "${SAMPLES:=40}" "${LIMIT:=30}" ;;
full) : "${ROWS:=1000000}" "${RUNS:=5}" "${SAMPLES:=1000}" "${LIMIT:=120}" ;;
*)
	echo "usage: bench/refactor.sh [small|full]" >&2
	exit 2
	;;
esac
BASE=${BASE:-da74fe9}
REPO=$(git rev-parse --show-toplevel) || exit 2
cd "$REPO" || exit 2
HEAD_REV=$(git rev-parse --short HEAD) || exit 2
BASE_REV=$(git rev-parse --short "$BASE^{commit}") || {
	echo "refactor.sh: no commit '$BASE' in this repository" >&2
	exit 2
}

T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-refactor.XXXXXX") || exit 1
W=${WORK:-$T/work}
cleanup() {
	if [ -z "${WORK:-}" ]; then
		git worktree remove --force "$W/base" 2>/dev/null
		git worktree remove --force "$W/head" 2>/dev/null
		git worktree prune
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# build NAME REV: a worktree of REV in $W/NAME, built in $W/NAME/build
build() {
	if [ -d "$W/$1" ]; then # kept from a run before (WORK): move it to REV
		git -C "$W/$1" checkout -q --detach "$2" ||
			{ echo "refactor.sh: cannot check out $2 in $W/$1" >&2; exit 1; }
	else
		mkdir -p "$W"
		git worktree add --detach "$W/$1" "$2" >/dev/null 2>&1 ||
			{ echo "refactor.sh: cannot make a worktree of $2 in $W/$1" >&2; exit 1; }
	fi
	echo "building $1 ($2) in $W/$1/build" >&2
	[ -f "$W/$1/build/build.ninja" ] || meson setup "$W/$1/build" "$W/$1" >"$T/setup.log" 2>&1 ||
		{ cat "$T/setup.log" >&2; exit 1; }
	ninja -C "$W/$1/build" stabforce bench/gen_acled bench/sf-gen-scenario >"$T/build.log" 2>&1 ||
		{ tail -n 30 "$T/build.log" >&2; exit 1; }
}
build base "$BASE_REV"
build head "$HEAD_REV"
SF_BASE=$W/base/build/stabforce
SF_HEAD=$W/head/build/stabforce

echo "making the inputs" >&2
SECTORS=$W/head/examples/gaza/sectors.geojson
"$W/head/build/bench/gen_acled" --rows "$ROWS" --seed 1 --plain >"$T/in.csv" 2>/dev/null ||
	{ echo "refactor.sh: gen_acled failed" >&2; exit 1; }
"$W/head/build/bench/sf-gen-scenario" --seed 1 --out "$T/gen" >/dev/null ||
	{ echo "refactor.sh: sf-gen-scenario failed" >&2; exit 1; }
GAZA=$W/base/examples/gaza/scenario.yaml

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

now() { date +%s.%N; }

# CPU seconds (user + system) of the processes this shell has waited for,
# from the two `times` snapshots in files $1 and $2 (`times` must run in
# this shell, not in a command substitution: a subshell counts its own).
cpu_delta() {
	awk 'FNR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/);
		t[FILENAME] = u[1] * 60 + u[2] + s[1] * 60 + s[2] }
		END { printf "%.3f\n", t[ARGV[2]] - t[ARGV[1]] }' "$1" "$2"
}

# One workload: w_NAME SF WHO runs it once with program SF for WHO (base
# or head); pre_NAME WHO, if defined, prepares each run untimed. RUNS
# runs of each build, alternating; the wall seconds go to $T/NAME.WHO, the
# CPU seconds to $T/NAME.WHO.cpu.
workload() {
	name=$1
	: >"$T/$name.base"
	: >"$T/$name.head"
	: >"$T/$name.base.cpu"
	: >"$T/$name.head.cpu"
	i=1
	while [ "$i" -le "$RUNS" ]; do
		echo "$name: run $i/$RUNS" >&2
		for who in base head; do
			[ "$who" = base ] && sf=$SF_BASE || sf=$SF_HEAD
			if command -v "pre_$name" >/dev/null 2>&1; then "pre_$name" "$who"; fi
			t0=$(now)
			times >"$T/cpu0"
			"w_$name" "$sf" "$who" >"$T/out.one" 2>"$T/err.one" || {
				echo "refactor.sh: $name ($who) failed:" >&2
				tail -n 5 "$T/err.one" >&2
				exit 1
			}
			times >"$T/cpu1"
			t1=$(now)
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$T/$name.$who"
			cpu_delta "$T/cpu0" "$T/cpu1" >>"$T/$name.$who.cpu"
		done
		i=$((i + 1))
	done
}

row() { # NAME WHAT [NOTE]
	b=$(median <"$T/$1.base")
	h=$(median <"$T/$1.head")
	r=$(awk -v b="$b" -v h="$h" 'BEGIN { if (b > 0) printf "%.2f", h / b; else print "-" }')
	bc=$(median <"$T/$1.base.cpu")
	hc=$(median <"$T/$1.head.cpu")
	rc=$(awk -v b="$bc" -v h="$hc" 'BEGIN { if (b > 0) printf "%.2f", h / b; else print "-" }')
	echo "| $2 | $b | $h | $r | $bc | $hc | $rc | ${3:-} |"
}

w_start() {
	n=0
	while [ $n -lt 100 ]; do
		"$1" --version >/dev/null || return 1
		n=$((n + 1))
	done
}
pre_import() { rm -f "$T/$1.db" "$T/$1.db-wal" "$T/$1.db-shm"; }
w_import() { "$1" incidents import "$T/in.csv" --sectors "$SECTORS" --db "$T/$2.db" --no-progress; }
w_report() {
	n=0
	while [ $n -lt 20 ]; do
		"$1" incidents report --db "$T/$2.db" --by week --by sector --table periods || return 1
		n=$((n + 1))
	done
}
# (a run stopped by the limit is a plan with a gap, and its exit status
# says so: the plan written is what counts)
pre_plan() { rm -f "$T/plan.$1.json"; }
w_plan() {
	"$1" plan "$T/gen/scenario.yaml" -q -f json -o "$T/plan.$2.json" --time-limit "$LIMIT"
	[ -s "$T/plan.$2.json" ]
}
w_price() { "$1" price -q -j 2 "$GAZA"; }
# risk since issue 14 plans each contributor present and absent on every
# sample (about 12 solves a sample on Gaza); --no-pairs is the samples
# alone, the work base does, so the two compare the same solves
RISK_HEAD_OPT=
"$SF_HEAD" risk --help 2>&1 | grep -q -- --no-pairs && RISK_HEAD_OPT=--no-pairs
w_risk() {
	if [ "$2" = head ]; then
		"$1" risk -q -j 2 --samples "$SAMPLES" --seed 7 $RISK_HEAD_OPT "$GAZA"
	else
		"$1" risk -q -j 2 --samples "$SAMPLES" --seed 7 "$GAZA"
	fi
}

workload start
workload import
for who in base head; do
	n=$(sqlite3 "$T/$who.db" 'SELECT count(*) FROM incidents' 2>/dev/null || echo "?")
	[ "$n" = "$ROWS" ] || echo "refactor.sh: the $who store holds $n incidents, not $ROWS" >&2
done
workload report
workload plan
workload price
workload risk

# status and gap of the last plan of each
plan_note() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
s=[d.get(k,{}) for k in ("stage1","stage2")]
g=lambda x: "%.3g" % x["gap"] if isinstance(x.get("gap"), (int, float)) else "?"
print("; ".join("%s %s gap %s" % (k, x.get("status","?"), g(x)) for k,x in zip(("stage 1","stage 2"),s)))' \
		"$1" 2>/dev/null || echo "?"
}

cat <<EOF
Before and after issue 9's refactor: base $BASE_REV, head $HEAD_REV, scale $SCALE
(ROWS $ROWS, RUNS $RUNS each, alternating; SAMPLES $SAMPLES; LIMIT $LIMIT s).
Medians: wall seconds, and CPU seconds (user + system, with every child
process); head/base below 1 is faster.

| workload | base $BASE_REV s | head $HEAD_REV s | head/base | base CPU s | head CPU s | CPU head/base | notes |
|---|---:|---:|---:|---:|---:|---:|---|
EOF
row start "start: 100 x stabforce --version" "the shared libraries every command loads"
row import "incidents import, $ROWS rows, Gaza sectors" "bench/import.sh's import"
row report "report: 20 x incidents report --by week --by sector" "on that store"
row plan "plan, generated gaza-sized (seed 1)" \
	"base: $(plan_note "$T/plan.base.json"); head: $(plan_note "$T/plan.head.json")"
row price "price -j 2, examples/gaza ($BASE_REV)" "vetoes, caveats, critical"
row risk "risk -j 2, $SAMPLES samples" "seed 7; head with ${RISK_HEAD_OPT:-its default}"
echo
echo "Machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"CBC $(pkg-config --modversion cbc 2>/dev/null || echo '?')"
