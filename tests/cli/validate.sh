#!/bin/sh
# validate.sh - `stabforce validate` end to end.
#
# 1. Every bad scenario in tests/cases/scenario-errors/NAME.yaml gives
#    exactly the diagnostics in NAME.expected on stderr (file:line:col,
#    level, key path, message, then the summary line), and exits 2 when
#    that file lists an error, 0 when it lists warnings only.
# 2. The examples validate: exit 0, the "valid:" summary on stdout, no
#    error.
# 3. --format json, --help, a bad --format, a missing file, no argument.
#
# To regenerate an expected file after a deliberate change of wording:
#   cd tests/cases/scenario-errors && stabforce validate NAME.yaml 2>NAME.expected
# and review the diff.
#
# Environment (tests/meson.build): STABFORCE, SRCDIR.
set -eu

: "${STABFORCE:?STABFORCE not set}" "${SRCDIR:?SRCDIR not set}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	failures=$((failures + 1))
}

# 1. The error cases, run from their directory so that paths are short.
cd "$SRCDIR/tests/cases/scenario-errors"
ncases=0
for y in *.yaml; do
	name=${y%.yaml}
	ncases=$((ncases + 1))
	if [ ! -f "$name.expected" ]; then
		fail "$name: no $name.expected"
		continue
	fi
	rc=0
	"$STABFORCE" validate "$y" >"$T/out" 2>"$T/err" || rc=$?
	want=0
	if grep -q ': error: ' "$name.expected"; then
		want=2
	fi
	[ "$rc" -eq "$want" ] || fail "$name: exit status $rc, want $want"
	if ! diff -u "$name.expected" "$T/err" >"$T/diff"; then
		cat "$T/diff" >&2
		fail "$name: stderr differs from $name.expected"
	fi
	if [ "$want" -eq 0 ]; then
		grep -q "^$y: valid: " "$T/out" || fail "$name: no 'valid:' summary on stdout"
	elif [ -s "$T/out" ]; then
		fail "$name: an invalid scenario printed on stdout"
	fi
done
[ "$ncases" -ge 20 ] || fail "only $ncases error cases found"

# 2. The examples.
for ex in minimal gaza; do
	s=$SRCDIR/examples/$ex/scenario.yaml
	[ -f "$s" ] || continue
	rc=0
	"$STABFORCE" validate "$s" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err" >&2; fail "examples/$ex: exit status $rc"; }
	grep -q "^$s: valid: format [12], [0-9]* sectors\{0,1\}, " "$T/out" ||
		fail "examples/$ex: no 'valid:' summary"
	if grep -q ': error: ' "$T/err"; then
		fail "examples/$ex: errors reported"
	fi
done
"$STABFORCE" validate "$SRCDIR/examples/minimal/scenario.yaml" >"$T/out"
grep -qx "$SRCDIR/examples/minimal/scenario.yaml: valid: format 1, 2 sectors, 3 tasks, 3 unit types, 3 contributors, 4 pledges, 2 vetoes" "$T/out" ||
	fail "examples/minimal: unexpected summary: $(cat "$T/out")"

# 3. JSON output.
rc=0
"$STABFORCE" validate --format json 08-unknown-reference.yaml >"$T/json" 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "json: exit status $rc, want 2"
[ ! -s "$T/err" ] || fail "json: something on stderr: $(cat "$T/err")"
grep -q '"valid": false' "$T/json" || fail "json: no \"valid\": false"
grep -q '"errors": 4' "$T/json" || fail "json: no \"errors\": 4"
grep -q '"path": "contributors\[0\].pledges\[0\].unit"' "$T/json" || fail "json: no key path"
grep -q '"line": 36' "$T/json" || fail "json: no line"
"$STABFORCE" validate -f json "$SRCDIR/examples/minimal/scenario.yaml" >"$T/json" ||
	fail "json: the minimal example is not valid"
grep -q '"valid": true' "$T/json" || fail "json: no \"valid\": true"
grep -q '"pledges": 4' "$T/json" || fail "json: no pledge count"

# 4. Usage.
"$STABFORCE" validate --help >"$T/out" || fail "--help: exit status $?"
grep -q '^usage: stabforce validate' "$T/out" || fail "--help: no usage line"
rc=0
"$STABFORCE" validate --format csv 01-yaml-syntax.yaml >/dev/null 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--format csv: exit status $rc, want 2"
rc=0
"$STABFORCE" validate >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "no argument: exit status $rc, want 2"
rc=0
"$STABFORCE" validate "$T/none.yaml" >/dev/null 2>"$T/err" || rc=$?
[ "$rc" -eq 4 ] || fail "missing file: exit status $rc, want 4"
grep -q "cannot read '$T/none.yaml'" "$T/err" || fail "missing file: no message"

if [ "$failures" -ne 0 ]; then
	printf '%d failure(s)\n' "$failures" >&2
	exit 1
fi
printf 'validate: %d error cases, examples, json and usage: ok\n' "$ncases"
