#!/bin/sh
# timelimit.sh - every planning command under a time limit (issue 10):
# on generated scenarios of three sizes and the Gaza example (format 2)
# and limits from 0.1 s up, each
# run must exit 0 with an honest status, or 3 with a message; never a
# signal (CBC 2.10.8 crashed in CglPreProcess::postProcess when a limit
# stopped a stage-1 month: exit 139), and no process may be left behind.
#
# Honest: a stage is "optimal" or "feasible" (a time limit always leaves a
# plan); an optimal stage has gap 0; every run of one scenario that says
# stage 1 is optimal has the same Z1, and no run has a Z1 below it (a
# stopped plan cannot beat the optimum); the analyses' baselines agree
# with it too; check-plan accepts every plan.
#
# The times are reported (each line says the limit and the wall time;
# docs/model.md states the overrun to expect) and asserted only against a
# bound no loaded machine should reach, for `plan` alone: twice the limit
# plus 10 s (PLAN_BOUND_*). It catches the limit being ignored (before
# the fix, --time-limit 5 took 28 s on the 3,000-contributor scenario
# of issue 10), not a slow machine.
#
#   sh timelimit.sh JGET GEN     ($STABFORCE, $SRCDIR from meson)
set -u
. "$(dirname "$0")/lib.sh"
JGET=${1:?usage: timelimit.sh JGET GEN}
GEN=${2:?usage: timelimit.sh JGET GEN}
SF=$STABFORCE

# size name -> generator arguments
gen() {
	case $1 in
	small) "$GEN" --seed 6 --out "$T/$1" ;;
	medium) "$GEN" --seed 6 --contributors 60 --pledges 240 --sectors 15 --tasks 10 --out "$T/$1" ;;
	large) "$GEN" --seed 3 --contributors 600 --pledges 600 --out "$T/$1" ;;
	huge) "$GEN" --seed 3 --contributors 3000 --pledges 3000 --out "$T/$1" ;;
	esac >/dev/null || fail "generator failed for $1"
}

now() { date +%s.%N; }
elapsed() { echo "$1 $(now)" | awk '{ printf "%.2f", $2 - $1 }'; }

# A stage's status must be one a time limit can honestly give.
check_stage() { # FILE STAGE WHAT
	st=$("$JGET" "$1" "$2.status")
	case $st in
	optimal)
		[ "$("$JGET" "$1" "$2.gap")" = 0 ] || fail "$3: $2 optimal with a gap" ;;
	feasible) ;;
	*) fail "$3: $2 status '$st' under a time limit" ;;
	esac
}

# Z1 of the runs of one scenario: proven ones must agree, none may beat them.
record_z1() { # SIZE STATUS Z1
	echo "$2 $3" >>"$T/z1.$1"
}

check_z1() { # SIZE
	[ -s "$T/z1.$1" ] || return 0
	awk -v size="$1" '
		$1 == "optimal" { if (opt == "") opt = $2; else if ($2 - opt > 1e-6 * (opt > 1 ? opt : 1) || opt - $2 > 1e-6 * (opt > 1 ? opt : 1)) bad = bad " optimal Z1 " $2 " vs " opt }
		{ all[NR] = $2 }
		END {
			if (opt != "") for (i in all) if (opt - all[i] > 1e-6 * (opt > 1 ? opt : 1)) bad = bad " a plan with Z1 " all[i] " below the proven " opt
			if (bad != "") { print size ":" bad; exit 1 }
		}' "$T/z1.$1" || fail "dishonest Z1 on $1: $(cat "$T/z1.$1" | tr '\n' ' ')"
}

# An analysis's baseline plan: an honest stage 1, and its Z1 recorded.
baseline() { # FILE KEY WHAT
	st=$("$JGET" "$1" "$2.stage1")
	case $st in optimal | feasible) ;; *) fail "$3: baseline stage 1 '$st'" ;; esac
	record_z1 $size "$st" "$("$JGET" "$1" "$2.z1")"
}

# The bound on a plan's wall time: PLAN_BOUND_FACTOR * limit + PLAN_BOUND_S.
PLAN_BOUND_FACTOR=2
PLAN_BOUND_S=10

# One timed run: expect exit 0 or 3 (with a message), never a signal, and
# never "infeasible": a time limit always leaves a plan (the one that
# sends nobody, at worst).
run() { # WHAT LIMIT CMD...
	what=$1
	limit=$2
	shift 2
	t0=$(now)
	expect_0_or_3 "$@"
	wall=$(elapsed "$t0")
	echo "time: $what --time-limit $limit: exit $got, $wall s"
	! grep -qi "infeasible\|no feasible plan" "$T/err" ||
		fail "$what --time-limit $limit says infeasible: $(head -c 600 "$T/err")"
	case $what in
	plan*)
		awk -v w="$wall" -v l="$limit" -v f=$PLAN_BOUND_FACTOR -v s=$PLAN_BOUND_S \
			'BEGIN { exit !(w > f * l + s) }' &&
			fail "$what --time-limit $limit took $wall s, over $PLAN_BOUND_FACTOR x the limit + $PLAN_BOUND_S s" ;;
	esac
}

expect_0_or_3() {
	ran=$((ran + 1))
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ge 128 ]; then
		fail "$* died by signal $((got - 128)): $(head -c 600 "$T/err")"
	elif [ "$got" = 3 ]; then
		[ -s "$T/err" ] || fail "$* exited 3 without a message"
	elif [ "$got" != 0 ]; then
		fail "$* exited $got: $(head -c 600 "$T/err")"
	fi
	no_process_left "$*"
}

# The 3,000-contributor scenario of issue 10, at the limit it ran 28 s
# over: plan only (an analysis there runs many such plans).
gen huge
run "plan huge" 5 "$SF" plan "$T/huge/scenario.yaml" --time-limit 5 -q -f json -o "$T/huge/plan.json"
if [ "$got" = 0 ]; then
	check_stage "$T/huge/plan.json" stage1 "plan huge 5"
	check_stage "$T/huge/plan.json" stage2 "plan huge 5"
	"$SF" check-plan "$T/huge/scenario.yaml" "$T/huge/plan.json" >"$T/check" 2>&1 ||
		fail "check-plan rejects plan huge 5: $(head -c 600 "$T/check")"
fi

for size in small medium large gaza; do
	if [ $size = gaza ]; then
		S=$SRCDIR/examples/gaza/scenario.yaml # format 2: history, tours, reception
	else
		gen $size
		S=$T/$size/scenario.yaml
	fi
	mkdir -p "$T/$size"

	# plan: the planner itself, from 0.1 s up (the medium scenario also at
	# 5 s, as issue 10 ran it)
	limits="0.1 0.5 2"
	[ $size = medium ] && limits="$limits 5"
	for limit in $limits; do
		J=$T/$size/plan-$limit.json
		run "plan $size" $limit "$SF" plan "$S" --time-limit $limit -q -f json -o "$J"
		[ "$got" = 0 ] || continue
		check_stage "$J" stage1 "plan $size $limit"
		check_stage "$J" stage2 "plan $size $limit"
		record_z1 $size "$("$JGET" "$J" stage1.status)" "$("$JGET" "$J" z1)"
		# Format 2 (gaza) too: a plan whose polish the limit stopped says
		# `moves_status: feasible`, and check-plan holds it to that claim.
		"$SF" check-plan "$S" "$J" >"$T/check" 2>&1 ||
			fail "check-plan rejects plan $size $limit: $(head -c 600 "$T/check")"
	done
	case $size in large | gaza) check_z1 $size; continue ;; esac

	# every analysis, two workers: the pricing runs (many plans each) at
	# 0.1 s, price (the three in one run) at 1 s on the small scenario;
	# shopping, risk and what-if at 0.1 s and 1 s
	if [ $size = small ]; then
		for cmd in vetoes caveats critical; do
			J=$T/$size/$cmd.json
			run "$cmd $size" 0.1 "$SF" $cmd "$S" -j 2 --time-limit 0.1 -q -f json -o "$J"
			[ "$got" = 0 ] && baseline "$J" baseline "$cmd $size 0.1"
		done
	fi
	limit=1
	[ $size = small ] || limit=0.1
	J=$T/$size/price.json
	run "price $size" $limit "$SF" price "$S" -j 2 --time-limit $limit -q -f json -o "$J"
	[ "$got" = 0 ] && baseline "$J" vetoes.baseline "price $size $limit"
	for limit in 0.1 1; do
		run "shopping $size" $limit "$SF" shopping "$S" -j 2 --time-limit $limit -q -f json \
			-o "$T/$size/shopping-$limit.json"
		# risk plans each contributor with and without it on every sample
		# (about 1 + contributors solves a sample): the generated medium and
		# large forces (60 and 600 contributors) run the samples alone
		pairs=
		case $size in medium | large) pairs=--no-pairs ;; esac
		run "risk $size" $limit "$SF" risk "$S" -j 2 --samples 12 $pairs --time-limit $limit -q \
			-f json -o "$T/$size/risk-$limit.json"
		run "whatif $size" $limit "$SF" whatif --drop C001 "$S" -j 2 --time-limit $limit -q -f json \
			-o "$T/$size/whatif-$limit.json"
	done
	check_z1 $size
done

finish
