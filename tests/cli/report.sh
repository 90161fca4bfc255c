#!/bin/sh
# report.sh - `stabforce report`: the briefing as markdown, HTML and PDF.
#
#   sh report.sh [full]      ($STABFORCE, $SRCDIR from meson)
#
# Quick (default), on examples/gaza with --plan-only:
#   - markdown to stdout with the head, how to read, the plan's sections;
#   - the HTML is one self-contained page: no script, nothing fetched
#     (no src=, no href=), three charts and the map as SVG with
#     role="img", an accessible name and a <title>; its key figures are the
#     plan's own (cost, peak personnel, FOC from `plan --format json`);
#   - the PDF printed by Chromium has the same figures (pdftotext);
#   - every Chromium failure is an error naming it, exit 4, with no file
#     changed: not found, exit status, no PDF written, and a time-out that
#     also ends every process the browser started (no orphan left);
#   - the browser prints in a directory of its own in $TMPDIR, gone after
#     a print and after a failed one; a missing $TMPDIR is named.
# full: every analysis, with a heading and an intro paragraph each; each
# solve stops at 30 s (what make demo does at 60 s), so the test bounds its
# time on any machine; the figures are checked for structure, not value.
set -u

: "${STABFORCE:?}" "${SRCDIR:?}"
SCEN=$SRCDIR/examples/gaza/scenario.yaml
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-report.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
failed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

if [ "${1:-}" = full ]; then
	"$STABFORCE" report -q --risk-samples 10 --time-limit 30 --date 2026-06-10 "$SCEN" --md "$T/r.md" --html "$T/r.html" ||
		fail "full report exited $?"
	for h in '## Price of each veto' '## Price of each caveat' '## Critical contributors' \
		'## Shopping list' '## Risk: how likely the force is complete'; do
		grep -q "^$h" "$T/r.md" || fail "full report has no '$h'"
		# the line after the heading's blank line is prose, not a table
		awk -v h="$h" 'f == 2 { if ($0 ~ /^[|#*]/ || $0 == "") bad = 1; exit } f == 1 { f = 2 }
			index($0, h) == 1 { f = 1 } END { exit bad }' "$T/r.md" ||
			fail "'$h' has no intro paragraph"
	done
	[ "$(grep -c '^\*\*Baseline\*\*' "$T/r.md")" -eq 3 ] ||
		fail "the pricing baseline is not under each of its three headings"
	grep -q '<h2>Shopping list</h2>' "$T/r.html" || fail "HTML has no shopping list"
	grep -q 'Not computed' "$T/r.md" && fail "an analysis failed: $(grep 'Not computed' "$T/r.md")"
	echo "report full: $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

# The analyses on a small hand-worked case (tests/cases/analysis/absence,
# a second): one progress line as each part starts and ends, on stderr
# even when it is not a terminal (a log of `make demo` shows them), none
# with -q; risk with contributor pairs by default, without them under
# --risk-no-pairs (and the risk section then says so, not that each
# contributor was planned with and without).
ABS=$SRCDIR/tests/cases/analysis/absence/scenario.yaml
"$STABFORCE" report --risk-samples 5 "$ABS" --md "$T/abs.md" 2>"$T/abs.err" ||
	fail "report on the absence case exited $?: $(cat "$T/abs.err")"
for s in 'stabforce report: the price of each veto, caveat and contributor$' \
	'stabforce report: the shopping list: done in [0-9.]* s$' \
	'stabforce report: risk: 5 samples, each contributor planned present and absent$' \
	'stabforce report: risk: done in [0-9.]* s$'; do
	grep -q "$s" "$T/abs.err" || fail "report's progress has no '$s': $(cat "$T/abs.err")"
done
grep -q '^### Contributors ranked' "$T/abs.md" || fail "report's risk has no contributor ranking"
"$STABFORCE" report -q --risk-samples 5 --risk-no-pairs "$ABS" --md "$T/abs1.md" 2>"$T/abs1.err" ||
	fail "report --risk-no-pairs exited $?: $(cat "$T/abs1.err")"
[ -s "$T/abs1.err" ] && fail "report -q wrote progress: $(cat "$T/abs1.err")"
grep -q '^### Contributors ranked' "$T/abs1.md" && fail "--risk-no-pairs ranked contributors"
grep -q 'stage-1 solves (the plan as given and each sample; no contributor pairs)' "$T/abs1.md" ||
	fail "--risk-no-pairs: the risk section does not say it had no pairs"

# Markdown to stdout when no file is named.
"$STABFORCE" report -q --plan-only --date 2026-06-10 "$SCEN" >"$T/out.md" 2>"$T/err" ||
	fail "report to stdout exited $?: $(cat "$T/err")"
for s in '^# International Stabilization Force for Gaza.*: force plan briefing$' \
	'^- Plan run: 2026-06-10, stabforce ' '^- Facts as of: 2026-06-05' \
	'^## How to read this briefing$' '^## Force plan$' '^### Force build-up' \
	'SOURCES.md' '^- \*\*Warning: the facts are 5 days older than this run\*\* (as of 2026-06-05, run 2026-06-10)'; do
	grep -q "$s" "$T/out.md" || fail "markdown has no '$s'"
done
# Facts as fresh as the run: no warning.
"$STABFORCE" report -q --plan-only --date 2026-06-05 "$SCEN" >"$T/fresh.md" 2>"$T/err" ||
	fail "report dated as_of exited $?: $(cat "$T/err")"
grep -q 'Warning: the facts are' "$T/fresh.md" && fail "a warning for facts as old as the run"

grep -q '^## Price of each veto' "$T/out.md" && fail "--plan-only ran the analyses"

# The plan's own figures, to check the briefing's against.
"$STABFORCE" plan -q "$SCEN" --format json -o "$T/plan.json" || fail "plan exited $?"
python3 - "$T/plan.json" >"$T/expect" <<'EOF' || fail "cannot read plan.json"
import json, sys
p = json.load(open(sys.argv[1]))
peak = max(r["in_sectors"] for r in p["personnel_total"])
print("{:,}".format(round(p["cost"]["total"])))
print("{:,}".format(round(peak)))
print(p["foc_label"] or "never")
# the status box: "Proven optimal." only with no gap left in stage 2
g = p["stage2"]["gap"]
print("Proven optimal." if g == 0 else "Proven optimal shortfall, cost within {:.2f}%.".format(100 * g))
EOF
cost=$(sed -n 1p "$T/expect")
peak=$(sed -n 2p "$T/expect")
foc=$(sed -n 3p "$T/expect")
proven=$(sed -n 4p "$T/expect")

# HTML and PDF from one run; both written.
"$STABFORCE" report -q --plan-only --date 2026-06-10 "$SCEN" --html "$T/r.html" --pdf "$T/r.pdf" \
	--md "$T/r.md" 2>"$T/err" || fail "report --html --pdf exited $?: $(cat "$T/err")"
# the same but for the solve times
sed 's/[0-9.]* s$//' "$T/r.md" >"$T/a"
sed 's/[0-9.]* s$//' "$T/out.md" >"$T/b"
cmp -s "$T/a" "$T/b" || fail "--md FILE differs from the markdown on stdout"
head -c 15 "$T/r.html" | grep -q '<!doctype html>' || fail "HTML does not start with <!doctype html>"
grep -qi '<script' "$T/r.html" && fail "the briefing HTML has a script"
grep -Eq ' (src|href)=' "$T/r.html" && fail "the briefing HTML names another file: $(grep -Eo ' (src|href)=\"[^\"]*' "$T/r.html" | head -3)"
[ "$(grep -c '<svg [^>]*role="img" aria-label="[^"]' "$T/r.html")" -eq 4 ] ||
	fail "expected 4 SVG pictures with role=img and a label"
[ "$(grep -c '^<title>' "$T/r.html")" -eq 5 ] || fail "expected a <title> in the page and in each SVG"
grep -q '<path fill="#[0-9a-f]*" stroke=' "$T/r.html" || fail "the map has no sector polygon"
for s in "Cost of the plan</dt><dd>$cost<" "Peak personnel in sectors</dt><dd>$peak " \
	"Full operational capability</dt><dd>$foc" "<strong>$proven</strong>" '<h2>Force plan</h2>' \
	'<table>'; do
	grep -qF "$s" "$T/r.html" || fail "HTML has no '$s'"
done
head -c 5 "$T/r.pdf" | grep -q '%PDF-' || fail "r.pdf is not a PDF"
if command -v pdftotext >/dev/null 2>&1; then
	pdftotext -layout "$T/r.pdf" "$T/r.txt" || fail "pdftotext failed"
	for s in 'force plan briefing' 'How to read this briefing' 'The plan in pictures' \
		'Force build-up' "$cost" "$peak" 'Sector map'; do
		grep -qF "$s" "$T/r.txt" || fail "PDF text has no '$s'"
	done
	pages=$(pdfinfo "$T/r.pdf" | sed -n 's/^Pages: *//p')
	[ "${pages:-0}" -ge 3 ] || fail "PDF has ${pages:-0} pages"
else
	fail "pdftotext is missing (scripts/bootstrap installs poppler-utils)"
fi

# Chromium failures: exit 4, the message names the cause, no file changed.
# On the small example: each run plans before it prints.
SCEN=$SRCDIR/examples/minimal/scenario.yaml
echo keep >"$T/keep.pdf"
echo keep >"$T/keep.md"
check_failure() { # NAME EXPECTED-IN-MESSAGE ARGS...
	name=$1 expect=$2
	shift 2
	"$STABFORCE" report -q --plan-only "$SCEN" --pdf "$T/keep.pdf" --md "$T/keep.md" "$@" \
		>/dev/null 2>"$T/err"
	st=$?
	[ "$st" -eq 4 ] || fail "$name: exit $st, expected 4"
	grep -q "$expect" "$T/err" || fail "$name: message '$(cat "$T/err")' lacks '$expect'"
	[ "$(cat "$T/keep.pdf")" = keep ] || fail "$name: the PDF was changed"
	[ "$(cat "$T/keep.md")" = keep ] || fail "$name: the markdown was written"
}
check_failure "no chromium" "no Chromium" --chromium "$T/nothing-here"

printf '#!/bin/sh\necho "boom from the fake browser"\nexit 3\n' >"$T/fail.sh"
chmod +x "$T/fail.sh"
check_failure "chromium fails" "exited with status 3.*boom" --chromium "$T/fail.sh"

printf '#!/bin/sh\nexit 0\n' >"$T/nopdf.sh"
chmod +x "$T/nopdf.sh"
check_failure "no pdf written" "wrote no PDF\|cannot" --chromium "$T/nopdf.sh"

# A browser that hangs, with a child of its own: both are gone afterwards.
cat >"$T/hang.sh" <<EOF
#!/bin/sh
sleep 300 &
echo \$\$ \$! >"$T/pids"
wait
EOF
chmod +x "$T/hang.sh"
check_failure "chromium hangs" "took longer than 1 s" --chromium "$T/hang.sh" --pdf-timeout 1
for pid in $(cat "$T/pids" 2>/dev/null); do
	# gone, or a zombie waiting for init to reap it (it has ended)
	state=$(ps -o stat= -p "$pid" 2>/dev/null)
	case $state in
	'' | Z*) ;;
	*) fail "process $pid of the timed-out browser is still running ($state)" ;;
	esac
done
[ -s "$T/pids" ] || fail "the hanging browser never ran"

# The PDF is printed in a directory of its own (mkdtemp) in $TMPDIR, gone
# afterwards whether the printing worked or not; a $TMPDIR that is not
# there is an error naming it.
mkdir "$T/tmpd"
cat >"$T/print.sh" <<EOF
#!/bin/sh
echo "\$@" >"$T/args"
for a; do
	case \$a in --print-to-pdf=*) printf '%%PDF-1.4 fake\n' >"\${a#--print-to-pdf=}" ;; esac
done
exit \${FAKE_EXIT:-0}
EOF
chmod +x "$T/print.sh"
TMPDIR=$T/tmpd "$STABFORCE" report -q --plan-only "$SCEN" --pdf "$T/fake.pdf" \
	--chromium "$T/print.sh" >/dev/null 2>"$T/err" || fail "a fake print failed: $(cat "$T/err")"
grep -q -- "--print-to-pdf=$T/tmpd/stabforce-pdf-" "$T/args" ||
	fail "the browser did not print in \$TMPDIR: $(cat "$T/args")"
head -c 8 "$T/fake.pdf" | grep -q '%PDF-1.4' || fail "the fake print's PDF was not copied"
[ -z "$(ls -A "$T/tmpd")" ] || fail "a print left $(ls -A "$T/tmpd") in \$TMPDIR"
FAKE_EXIT=3 TMPDIR=$T/tmpd "$STABFORCE" report -q --plan-only "$SCEN" --pdf "$T/fake.pdf" \
	--chromium "$T/print.sh" >/dev/null 2>&1
[ $? -eq 4 ] || fail "a failed fake print is not exit 4"
[ -z "$(ls -A "$T/tmpd")" ] || fail "a failed print left $(ls -A "$T/tmpd") in \$TMPDIR"
TMPDIR=$T/no-such-dir "$STABFORCE" report -q --plan-only "$SCEN" --pdf "$T/fake.pdf" \
	--chromium "$T/print.sh" >/dev/null 2>"$T/err"
[ $? -eq 4 ] || fail "a missing \$TMPDIR is not exit 4"
grep -q "temporary directory '$T/no-such-dir'" "$T/err" ||
	fail "a missing \$TMPDIR: '$(cat "$T/err")' does not name it"

# STABFORCE_CHROMIUM is honoured.
STABFORCE_CHROMIUM=$T/fail.sh "$STABFORCE" report -q --plan-only "$SCEN" --pdf "$T/keep.pdf" \
	>/dev/null 2>"$T/err"
grep -q boom "$T/err" || fail "STABFORCE_CHROMIUM was not used"

# Usage errors: exit 2.
"$STABFORCE" report "$SCEN" --pdf - >/dev/null 2>&1
[ $? -eq 2 ] || fail "--pdf - is not a usage error"
"$STABFORCE" report "$SCEN" --date 2026-6-1 >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad --date is not a usage error"
"$STABFORCE" report >/dev/null 2>&1
[ $? -eq 2 ] || fail "no scenario is not a usage error"

echo "report: $failed failed"
[ "$failed" -eq 0 ]
