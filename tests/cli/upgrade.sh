#!/bin/sh
# upgrade.sh - `stabforce upgrade` end to end.
#
# 1. The examples' format-1 files upgrade to format-2 files that validate,
#    differ from the input only by `format: 2` and one added
#    `lead_days: 0` per pledge (comments, order, layout kept), and read
#    back with every pledge at 0 days of notice.
# 2. Flow-style pledges get `lead_days` inside their braces.
# 3. as_of after the first month is warned about (months become history).
# 4. -o writes atomically, in place too; a format-2 file, an invalid file,
#    a missing file and bad usage are refused with their exit status.
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

# 1. The examples (copied with their maps, so -o can write beside them).
for ex in minimal gaza; do
	src=$SRCDIR/examples/$ex/scenario.yaml
	grep -q '^format: 1' "$src" || continue
	mkdir -p "$T/$ex"
	cp "$SRCDIR/examples/$ex/"*.geojson "$T/$ex/"
	cp "$src" "$T/$ex/in.yaml"
	rc=0
	"$STABFORCE" upgrade "$T/$ex/in.yaml" >"$T/$ex/out.yaml" 2>"$T/$ex/err" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/$ex/err" >&2; fail "$ex: exit status $rc"; continue; }
	"$STABFORCE" validate "$T/$ex/out.yaml" >"$T/$ex/v" 2>"$T/$ex/verr" ||
		{ cat "$T/$ex/verr" >&2; fail "$ex: the upgrade does not validate"; }
	grep -q "valid: format 2," "$T/$ex/v" || fail "$ex: not format 2: $(cat "$T/$ex/v")"
	# Only added lead_days lines and the format line differ.
	diff "$T/$ex/in.yaml" "$T/$ex/out.yaml" | grep '^[<>]' >"$T/$ex/d" || true
	grep -v '^> *lead_days: 0  # upgrade: format 1 gave no notice' "$T/$ex/d" |
		grep -v '^< format: 1$' | grep -v '^> format: 2$' >"$T/$ex/rest" || true
	[ ! -s "$T/$ex/rest" ] || { cat "$T/$ex/rest" >&2; fail "$ex: other lines changed"; }
	npledges=$(sed -n 's/.* \([0-9]*\) pledges\{0,1\},.*/\1/p' "$T/$ex/v")
	nadded=$(grep -c '^> *lead_days: 0' "$T/$ex/d" || true)
	[ "$npledges" = "$nadded" ] || fail "$ex: $nadded lead_days added for $npledges pledges"
	# Comments kept: every comment line of the input is in the output.
	grep '^ *#' "$T/$ex/in.yaml" >"$T/$ex/c1" || true
	grep '^ *#' "$T/$ex/out.yaml" >"$T/$ex/c2" || true
	cmp -s "$T/$ex/c1" "$T/$ex/c2" || fail "$ex: comment lines differ"
	# Planning the upgraded file works (the small example: Gaza's stage 2
	# takes half a minute, tests/cli/gaza.sh plans the real one).
	[ "$ex" = minimal ] || continue
	"$STABFORCE" plan --format json "$T/$ex/out.yaml" >"$T/$ex/plan.json" 2>"$T/$ex/perr" ||
		{ cat "$T/$ex/perr" >&2; fail "$ex: the upgraded file does not plan"; }
	"$STABFORCE" check-plan "$T/$ex/out.yaml" "$T/$ex/plan.json" >"$T/$ex/cerr" 2>&1 ||
		{ cat "$T/$ex/cerr" >&2; fail "$ex: check-plan rejects the upgraded file's plan"; }
done

# 2. Flow-style pledges, a pledge whose count line carries a comment.
mkdir -p "$T/flow"
cp "$SRCDIR/examples/minimal/sectors.geojson" "$T/flow/"
sed -n '/^contributors:/q;p' "$SRCDIR/examples/minimal/scenario.yaml" >"$T/flow/in.yaml"
cat >>"$T/flow/in.yaml" <<'EOF'
contributors:
  - id: ZZZ
    pledges:
      - {unit: inf_coy, count: 2, from: 3}   # flow style
      - unit: inf_coy
        count: 1 # a comment after the count
        to: 6
EOF
rc=0
"$STABFORCE" upgrade "$T/flow/in.yaml" >"$T/flow/out.yaml" 2>"$T/flow/err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$T/flow/err" >&2; fail "flow: exit status $rc"; }
grep -q '{unit: inf_coy, count: 2, lead_days: 0, from: 3}   # flow style' "$T/flow/out.yaml" ||
	fail "flow: lead_days not inside the braces: $(grep ZZZ -A4 "$T/flow/out.yaml")"
grep -A1 'count: 1 # a comment after the count' "$T/flow/out.yaml" |
	grep -q '^        lead_days: 0' || fail "flow: lead_days not after the commented count"
"$STABFORCE" validate "$T/flow/out.yaml" >/dev/null 2>"$T/flow/verr" ||
	{ cat "$T/flow/verr" >&2; fail "flow: does not validate"; }

# 3. as_of in month 3: a warning that months 1-2 become history.
sed 's/^as_of: .*/as_of: 2026-03-15/' "$T/flow/in.yaml" >"$T/flow/late.yaml"
grep -q '^as_of: 2026-03-15' "$T/flow/late.yaml" || fail "late: the test file has no as_of"
"$STABFORCE" upgrade "$T/flow/late.yaml" >"$T/flow/late2.yaml" 2>"$T/flow/lerr" ||
	fail "late: upgrade failed"
grep -q 'late.yaml:[0-9]*:[0-9]*: warning: as_of: as_of 2026-03-15 is in month 3 (2026-03)' \
	"$T/flow/lerr" || fail "late: no history warning: $(cat "$T/flow/lerr")"

# 4. -o, in place; refusals.
cp "$T/flow/in.yaml" "$T/flow/inplace.yaml"
"$STABFORCE" upgrade -o "$T/flow/inplace.yaml" "$T/flow/inplace.yaml" >"$T/o" 2>&1 ||
	fail "in place: failed: $(cat "$T/o")"
[ ! -s "$T/o" ] || fail "-o: something on stdout/stderr: $(cat "$T/o")"
grep -q '^format: 2' "$T/flow/inplace.yaml" || fail "in place: not rewritten"
ls "$T/flow" | grep -q 'tmp' && fail "in place: a temporary file was left"
rc=0
"$STABFORCE" upgrade "$T/flow/inplace.yaml" >"$T/o" 2>"$T/e" || rc=$?
[ "$rc" -eq 2 ] || fail "format 2 input: exit status $rc, want 2"
grep -q "already format 2" "$T/e" || fail "format 2 input: message: $(cat "$T/e")"
[ ! -s "$T/o" ] || fail "format 2 input: output written"
printf 'format: 1\nmandate: {}\n' >"$T/bad.yaml"
rc=0
"$STABFORCE" upgrade "$T/bad.yaml" >"$T/o" 2>"$T/e" || rc=$?
[ "$rc" -eq 2 ] || fail "invalid input: exit status $rc, want 2"
grep -q "bad.yaml:2:10: error: mandate: missing key 'start'" "$T/e" ||
	fail "invalid input: the errors are not listed: $(cat "$T/e")"
rc=0
"$STABFORCE" upgrade "$T/none.yaml" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 4 ] || fail "missing file: exit status $rc, want 4"
rc=0
"$STABFORCE" upgrade >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "no argument: exit status $rc, want 2"
"$STABFORCE" upgrade --help | grep -q '^usage: stabforce upgrade' || fail "--help"

[ "$failures" -eq 0 ] || exit 1
echo "upgrade: all checks passed"
