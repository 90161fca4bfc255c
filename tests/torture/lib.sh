# lib.sh - what every torture script shares (sourced, POSIX sh).
#
# expect STATUS PATTERN CMD... runs CMD with stdout and stderr captured in
# $T/out and $T/err and checks that
#   - it exited with STATUS (never by a signal: a status >= 128 fails
#     whatever STATUS says);
#   - stderr matches the extended regular expression PATTERN (when not "");
#   - no process whose command line names $T is left behind (every
#     stabforce run here names a file in $T, so a leftover worker or
#     solver child shows up);
#   - nothing under $T/keep changed (files the command must not touch).
# A failure prints the command, its status and its stderr, and is counted
# in $failed; `finish` ends the script with 1 when anything failed.
: "${STABFORCE:?}" "${SRCDIR:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-torture.XXXXXX") || exit 1
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/keep"
failed=0
ran=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# Directories by name and mode only: creating and removing a temporary
# file in one updates its mtime, which is no change to what it holds (and
# `ls -l` shows that mtime to the minute, so comparing it failed whenever a
# run crossed a minute).
keep_sum() {
	(cd "$T/keep" && find . ! -type d -exec ls -ld {} \; 2>/dev/null | sort &&
		find . -type d -exec stat -c '%A %n' {} \; | sort && find . -type f -exec cksum {} \; | sort)
}

# No process naming $T may outlive its command: give killed children a
# second to go, then fail naming the ones left (and kill them).
no_process_left() { # WHAT
	i=0
	while pgrep -f "$T/" >/dev/null 2>&1 && [ $i -lt 20 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if pgrep -f "$T/" >/dev/null 2>&1; then
		fail "$1 left processes behind: $(pgrep -af "$T/" | head -3)"
		for pid in $(pgrep -f "$T/"); do kill -9 "$pid" 2>/dev/null; done
	fi
}

expect() {
	want=$1
	pattern=$2
	shift 2
	ran=$((ran + 1))
	before=$(keep_sum)
	# a hung command is a failure too (exit 124), not a hung suite
	timeout -k 5 "${LIMIT:-120}" "$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" = 124 ] && fail "$* did not finish within ${LIMIT:-120} s"
	if [ "$got" -ge 128 ]; then
		fail "$* died by signal $((got - 128)): $(head -c 600 "$T/err")"
	elif [ "$got" != "$want" ]; then
		fail "$* exited $got, expected $want: $(head -c 600 "$T/err")"
	elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$T/err"; then
		fail "$* did not say /$pattern/ on stderr: $(head -c 600 "$T/err")"
	fi
	no_process_left "$*"
	[ "$before" = "$(keep_sum)" ] || fail "$* changed files it must not touch"
}

# No file named *.tmp.* left in a directory.
no_temporaries() {
	left=$(find "$1" -name '*.tmp.*' 2>/dev/null | head -3)
	[ -z "$left" ] || fail "temporary files left: $left"
}

finish() {
	echo "$(basename "$0"): $ran cases, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}
