#!/bin/sh
# kill.sh - killing any stabforce process leaves no stabforce or solver
# process behind (issue 10): SIGTERM, SIGINT and SIGKILL to `plan` while
# its time-limited solve runs in a child; SIGTERM and SIGINT to `vetoes
# -j 2` and `risk -j 2` while their workers (and the workers' own solve
# children) run; SIGKILL of one worker, which must also take its solve
# child with it and make the command fail with a message naming it.
#
# A shell without job control starts background commands with SIGINT
# ignored; `env --default-signal` gives them the disposition a command
# started from a terminal has, so that SIGINT is tested as a user sends it.
#
# Every process of a run names a file under $T on its command line
# (children are forks), so `pgrep -f $T/` finds them all. A process must
# be gone within a second of its parent (the kernel's parent-death signal
# is immediate; the second is slack for a loaded machine).
#
#   sh kill.sh GEN     ($STABFORCE, $SRCDIR from meson)
set -u
. "$(dirname "$0")/lib.sh"
GEN=${1:?usage: kill.sh GEN}
SF=$STABFORCE

# A scenario whose plan runs long enough to be killed mid-solve.
"$GEN" --seed 6 --contributors 60 --pledges 240 --sectors 15 --tasks 10 --out "$T/s" >/dev/null ||
	fail "generator failed"
S=$T/s/scenario.yaml

# Wait (up to 20 s) until pid has a child; echo one child's pid.
child_of() {
	i=0
	while [ $i -lt 400 ]; do
		c=$(pgrep -P "$1" | head -1)
		[ -n "$c" ] && { echo "$c"; return 0; }
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# Wait (up to 20 s) until pid has a grandchild (a worker's solve child).
grandchild_of() {
	i=0
	while [ $i -lt 400 ]; do
		for w in $(pgrep -P "$1"); do
			g=$(pgrep -P "$w" | head -1)
			[ -n "$g" ] && { echo "$w $g"; return 0; }
		done
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# The command must end after the signal (give it 10 s; never hang here).
ended() { # PID WHAT
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		fail "$2: the command did not end"
		kill -9 "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
}

# None of the run's processes may be left a second after the kill.
none_left() { # WHAT
	ran=$((ran + 1))
	no_process_left "$1"
}

# plan: the signal reaches the command while a solve child runs.
for sig in TERM INT KILL; do
	env --default-signal=INT "$SF" plan "$S" --time-limit 60 --gap 0 -q -o "$T/plan.txt" 2>/dev/null &
	pid=$!
	if child_of $pid >/dev/null; then
		kill -s $sig $pid
	else
		fail "plan: no solve child appeared"
		kill -9 $pid
	fi
	ended $pid "SIG$sig to plan"
	none_left "SIG$sig to plan"
done

# the analyses: the signal reaches the command while its workers solve
# (and, under the time limit, the workers' own solve children run)
for cmd in vetoes risk; do
	for sig in TERM INT; do
		extra=
		[ $cmd = risk ] && extra="--samples 200"
		env --default-signal=INT "$SF" $cmd "$S" -j 2 --time-limit 30 --gap 0 $extra -q \
			-o "$T/$cmd.txt" 2>/dev/null &
		pid=$!
		if grandchild_of $pid >/dev/null; then
			kill -s $sig $pid
		else
			fail "$cmd: no worker's solve child appeared"
			kill -9 $pid
		fi
		ended $pid "SIG$sig to $cmd -j 2"
		none_left "SIG$sig to $cmd -j 2"
	done
done

# SIGKILL of one worker: its solve child goes with it, the command reports
# the dead worker (exit 4) and leaves nothing.
"$SF" vetoes "$S" -j 2 --time-limit 30 --gap 0 -q -o "$T/v.txt" 2>"$T/err" &
pid=$!
if pair=$(grandchild_of $pid); then
	set -- $pair
	kill -KILL "$1" # the worker; its solve child $2 must go with it
else
	fail "vetoes: no worker's solve child appeared"
	kill -9 $pid
fi
wait $pid
rc=$?
[ $rc = 4 ] || fail "vetoes with a killed worker exited $rc, not 4"
grep -q 'worker [0-9]* (pid [0-9]*) died running .*signal 9' "$T/err" ||
	fail "vetoes with a killed worker: $(head -c 300 "$T/err")"
none_left "SIGKILL to a vetoes worker"

finish
