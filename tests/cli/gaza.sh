#!/bin/sh
# gaza.sh - the flagship example end to end: examples/gaza/scenario.yaml
# validates with no error, plans with stage 1 proven optimal, the plan
# respects the veto and the caveats that make this scenario what it is,
# check-plan accepts it, and scripts/demo (what `make demo` runs) writes
# plan.json, plan.csv and a report.md with every section a briefing needs.
#
#   sh gaza.sh JGET [full]
# JGET is tests/cli/jget, the JSON probe. Without `full` the demo runs with
# DEMO_ANALYSES=0 (the plan only, a few solves); with `full` (the slow
# suite) it runs as `make demo` does and the report must also hold the
# section of every analysis this build has.
# Environment (tests/meson.build): STABFORCE, SRCDIR.
set -eu

: "${STABFORCE:?STABFORCE not set}" "${SRCDIR:?SRCDIR not set}"
JGET=${1:?usage: gaza.sh JGET [full]}
FULL=${2:-}
SCEN=$SRCDIR/examples/gaza/scenario.yaml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

# 1. Validates, with no error (warnings are allowed, errors are not).
rc=0
"$STABFORCE" validate "$SCEN" >"$T/validate.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$T/validate.out" >&2; fail "validate exited $rc"; }
if grep -qi 'error' "$T/validate.out"; then
	cat "$T/validate.out" >&2
	fail "validate reported an error"
fi

# 2. Plans, stage 1 proven optimal.
"$STABFORCE" plan "$SCEN" --format json --output "$T/plan.json" 2>"$T/plan.err" ||
	{ cat "$T/plan.err" >&2; fail "plan failed"; }
stage1=$("$JGET" "$T/plan.json" stage1.status) || fail "plan.json has no stage1.status"
[ "$stage1" = optimal ] || fail "stage 1 is '$stage1', not proven optimal"

# 3. check-plan accepts the plan.
"$STABFORCE" check-plan "$SCEN" "$T/plan.json" >"$T/check.out" 2>&1 ||
	{ cat "$T/check.out" >&2; fail "check-plan rejected the Gaza plan"; }

# 4. The demo writes its three files into the directory it is given.
if [ "$FULL" = full ]; then analyses=1; else analyses=0; fi
DEMO_ANALYSES=$analyses DEMO_RISK_SAMPLES=20 \
	sh "$SRCDIR/scripts/demo" "$STABFORCE" "$T/out" >"$T/demo.out" 2>"$T/demo.err" ||
	{ cat "$T/demo.err" >&2; fail "scripts/demo failed"; }
for f in plan.json plan.csv report.md; do
	[ -s "$T/out/$f" ] || fail "scripts/demo did not write $f"
done
[ -s "$T/demo.out" ] || fail "scripts/demo printed no plan summary"
[ ! -e "$T/out/.report.md.tmp" ] || fail "scripts/demo left its temporary file"

# plan.csv: the header of docs/output.md, then assignment rows.
hdr=$(head -n 1 "$T/out/plan.csv" | tr -d '\r')
[ "$hdr" = "month,label,pledge,contributor,unit,location,task,units" ] ||
	fail "plan.csv header is '$hdr'"
[ "$(wc -l <"$T/out/plan.csv")" -gt 1 ] || fail "plan.csv has no assignment rows"

# The politics the example is about, read from the assignments:
# Israel's hard veto keeps Türkiye out of every sector (and the scenario has
# no mission task a Turkish unit can do), Jordan and Italy train police only
# outside the sectors, Indonesia and Pakistan never do demilitarisation,
# Kazakhstan does only medical and monitoring work.
csv=$T/out/plan.csv
if grep -q '^[^,]*,[^,]*,[^,]*,TUR,' "$csv"; then fail "vetoed Türkiye is in the plan"; fi
if grep -E '^[^,]*,[^,]*,[^,]*,(JOR|ITA|EGY),' "$csv" | grep 'police_trainers' |
	grep -qv ',mission,'; then
	fail "trainers limited to outside the sectors were placed in a sector"
fi
if grep -E '^[^,]*,[^,]*,[^,]*,(IDN|PAK),' "$csv" | grep -q ',demil,'; then
	fail "a pledge that excludes demilitarisation was assigned to it"
fi
if grep -E '^[^,]*,[^,]*,[^,]*,KAZ,' "$csv" | grep -Eqv ',(medical|monitor),'; then
	fail "Kazakhstan assigned outside medical and monitoring"
fi
# Police training outside Gaza is where the pledges are: it must be used.
grep -q ',mission,police_train,' "$csv" || fail "no police training at mission"

# report.md: the header and every section of the briefing.
rep=$T/out/report.md
head -n 1 "$rep" | grep -q '^# ' || fail "report.md has no title"
grep -q 'Facts as of: 2026-06-05' "$rep" || fail "report.md does not state the facts' date"
grep -q 'examples/gaza/SOURCES.md' "$rep" || fail "report.md does not point to SOURCES.md"
grep -q '^## How to read' "$rep" || fail "report.md has no 'How to read' section"
for section in 'build-up' 'coverage|shortfall' 'full operational capability' 'cost' 'binding'; do
	grep -Eiq "^#+ .*($section)" "$rep" || fail "report.md has no '$section' section"
done
grep -q 'Stage 1 (weighted shortfall).*optimal' "$rep" || fail "report.md does not give stage 1 as optimal"

if [ "$FULL" = full ]; then
	has() { "$STABFORCE" "$1" --help >/dev/null 2>&1; }
	want() { grep -Eiq "^## .*($2)" "$rep" || fail "report.md has no '$2' section though '$1' exists"; }
	if has vetoes; then want vetoes 'veto'; fi
	if has caveats; then want caveats 'caveat'; fi
	if has critical; then want critical 'critical|depends on'; fi
	if has risk; then want risk 'risk'; fi
	if has shopping; then want shopping 'shopping'; fi
	if has aid; then want aid 'aid flow'; fi
	if has incidents; then
		want incidents 'incident register: SYNTHETIC'
		grep -q '^| total | rafah | [1-9]' "$rep" || fail "the synthetic incidents have no Rafah count"
	fi
	# The veto of the scenario is priced, and lifting it helps.
	if has vetoes; then grep -q '^| ISR:TUR | all | -' "$rep" || fail "the Türkiye veto is not priced"; fi
else
	if grep -Eiq '^## .*veto' "$rep"; then fail "DEMO_ANALYSES=0 still ran the analyses"; fi
fi

exit 0
