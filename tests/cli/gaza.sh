#!/bin/sh
# gaza.sh - the flagship example end to end: examples/gaza/scenario.yaml
# validates with no error, plans with stage 1 proven optimal, the plan
# respects the veto and the caveats that make this scenario what it is,
# and format 2's notice, deployments, tours and reception, moves no unit
# for nothing, check-plan accepts it, and scripts/demo (what `make demo` runs) writes
# plan.json, plan.csv and a report.md with every section a briefing needs.
#
#   sh gaza.sh JGET [full]
# JGET is tests/cli/jget, the JSON probe. Without `full` the demo runs with
# DEMO_ANALYSES=0 (the plan only, a few solves); with `full` (the slow
# suite) it runs as `make demo` does (each solve stopped at 30 s rather
# than 60) and the report must also hold the
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

# 3. check-plan accepts the plan (format 2: presence, notice, stays, tours,
# reception, and no unit wandering).
"$STABFORCE" check-plan "$SCEN" "$T/plan.json" >"$T/check.out" 2>&1 ||
	{ cat "$T/check.out" >&2; fail "check-plan rejected the Gaza plan"; }

# 3b. Format 2: the example is format 2, what is on the ground by as_of is
# in the plan from the first month, no unit arrives before its notice
# allows (nothing but the reported Egyptian units in 2026-06), reception is
# never exceeded, and the moves are proven minimal (no wandering).
[ "$("$JGET" "$T/plan.json" format)" = 2 ] || fail "the Gaza example is not format 2"
[ "$("$JGET" "$T/plan.json" moves_status)" = optimal ] ||
	fail "the Gaza plan's moves are not proven minimal"
"$JGET" "$T/plan.json" --expect 'sum presence present pledge=EGY-2 month=1 = 1' ||
	fail "Egypt's reported battalion is not in the plan from 2026-06"
"$JGET" "$T/plan.json" --expect 'units month=1 pledge=EGY-1 location=mission task=police_train = 4' ||
	fail "Egypt's training teams are not where they are reported"
for p in MAR-1 MAR-3 KAZ-1 ALB-1 XKX-1 JOR-1 ITA-1 KAZ-2 MAR-2; do
	"$JGET" "$T/plan.json" --expect "sum presence arrivals pledge=$p month=1 = 0" ||
		fail "$p arrives in 2026-06 although it needs notice"
done
# Provenance (examples/gaza/SOURCES.md): no pledge reported after as_of
# (Morocco's engineers, 23-24 Jun 2026) or withdrawn before it (Azerbaijan,
# 5 Jan 2026) is planned; Egypt's battalion is marked single source.
for p in MAR-4 AZE-1; do
	"$JGET" "$T/plan.json" --expect "sum presence arrivals pledge=$p = 0" ||
		fail "$p is in the Gaza plan"
done
grep -q 'status: \[single_source' "$SCEN" || fail "EGY-2 is not marked single_source"
m=1
while [ "$m" -le 19 ]; do
	used=$("$JGET" "$T/plan.json" "reception.$((m - 1)).arriving")
	cap=$("$JGET" "$T/plan.json" "reception.$((m - 1)).capacity")
	awk -v u="$used" -v c="$cap" 'BEGIN { exit !(u <= c + 1e-6) }' ||
		fail "month $m: $used personnel arrive, reception $cap"
	m=$((m + 1))
done

# 3c. No wandering in a what-if: adding Italian formed police units (an
# edit that touches one contributor) moves no other contributor's units,
# except a move whose change charge fits in the stage-2 costs the two
# plans leave unproven (docs/model.md, "Least change in what-if and
# compare"): with Hamas's condition the base's stage 2 stops at about
# 0.17 %, and the what-if may shed an Indonesian company-month the base
# carried; that is listed as not shown to be the edit's, never as its
# effect. The what-if is planned with least change from the plan above.
"$STABFORCE" whatif -q --add ITA:fpu:2:2026-09 --format json "$SCEN" >"$T/whatif.json" \
	2>"$T/whatif.err" || { cat "$T/whatif.err" >&2; fail "whatif failed"; }
i=0
nita=0
while c=$("$JGET" "$T/whatif.json" "comparison.moved.$i.contributor" 2>/dev/null); do
	if [ "$c" = ITA ]; then
		nita=$((nita + 1))
		[ "$("$JGET" "$T/whatif.json" "comparison.moved.$i.why")" = "--add ITA:fpu:2:2026-09" ] ||
			fail "the Italian units are not charged to the edit"
	else
		[ "$("$JGET" "$T/whatif.json" "comparison.moved.$i.within_gaps")" = true ] ||
			fail "adding Italian units moved $c's $("$JGET" "$T/whatif.json" "comparison.moved.$i.pledge") beyond the unproven gaps"
		"$JGET" "$T/whatif.json" "comparison.moved.$i.why" | grep -q "^not shown to be the edit's" ||
			fail "a move within the gaps does not say it is not shown to be the edit's"
	fi
	i=$((i + 1))
done
[ "$nita" -ge 1 ] || fail "the added Italian units are not in the what-if plan"

# 4. The demo writes its three files into the directory it is given.
if [ "$FULL" = full ]; then analyses=1; else analyses=0; fi
DEMO_ANALYSES=$analyses DEMO_RISK_SAMPLES=20 DEMO_TIME_LIMIT=30 \
	sh "$SRCDIR/scripts/demo" "$STABFORCE" "$T/out" >"$T/demo.out" 2>"$T/demo.err" ||
	{ cat "$T/demo.err" >&2; fail "scripts/demo failed"; }
for f in plan.json plan.csv report.md; do
	[ -s "$T/out/$f" ] || fail "scripts/demo did not write $f"
done
[ -s "$T/demo.out" ] || fail "scripts/demo printed no plan summary"
[ ! -e "$T/out/.report.md.tmp" ] || fail "scripts/demo left its temporary file"

# plan.csv: the header of docs/output.md, then assignment rows.
hdr=$(head -n 1 "$T/out/plan.csv" | tr -d '\r')
[ "$hdr" = "month,label,pledge,contributor,unit,location,task,units,stage1,stage1_gap,stage2,stage2_gap" ] ||
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
grep -q 'Presence, arrivals and departures by month' "$rep" ||
	fail "report.md has no presence, arrivals and departures"
grep -q 'Presence by pledge' "$rep" || fail "report.md has no presence by pledge"
grep -q 'Planned months' "$rep" || fail "report.md does not say which months are planned"

if [ "$FULL" = full ]; then
	has() { "$STABFORCE" "$1" --help >/dev/null 2>&1; }
	want() { grep -Eiq "^## .*($2)" "$rep" || fail "report.md has no '$2' section though '$1' exists"; }
	if has vetoes; then want vetoes 'veto'; fi
	if has caveats; then want caveats 'caveat'; fi
	if has critical; then want critical 'critical|depends on'; fi
	if has risk; then want risk 'risk'; fi
	if has shopping; then want shopping 'shopping'; fi
	# The registers close the briefing (report --db): a note under the
	# register's heading says the incidents are synthetic, in every output.
	if has incidents || has aid; then want register 'The register'; fi
	if has aid; then
		grep -q '^### Aid per day against the commitment: UN situation reports' "$rep" ||
			fail "report.md has no aid section"
		grep -q 'The aid figures are trucks entering Gaza per day' "$rep" ||
			fail "report.md does not say where the aid figures come from"
	fi
	if has incidents; then
		grep -q '^### Incidents per week by sector' "$rep" || fail "report.md has no incident section"
		grep -q '^SYNTHETIC DATA: the incidents are not real events' "$rep" ||
			fail "report.md does not say the incidents are synthetic"
		grep -q 'SYNTHETIC DATA: the incidents are not real events' "$T/out/briefing.html" ||
			fail "briefing.html does not say the incidents are synthetic"
		grep -Eq '^\| [^|]* \| rafah \| .*\| [1-9]' "$rep" ||
			fail "the synthetic incidents have no Rafah count"
	fi
	# The veto of the scenario is priced, and lifting it helps.
	# (the column after the sectors says what the pledges rest on: assumed, single source...)
	if has vetoes; then grep -q '^| ISR:TUR | all | [^|]* | -' "$rep" || fail "the Türkiye veto is not priced"; fi
	# Every party's conditions in the same form: the binding ones priced
	# (Israel's veto above, Hamas's consent withheld on demilitarisation),
	# the consents given listed as recorded.
	if has vetoes; then
		grep -q '^| HAM:hamas-no-disarm | consent withheld [^|]*; tasks demil |' "$rep" ||
			fail "Hamas's condition is not priced"
		grep -q '^Recorded, forbidding nothing: PAL:pa-consent (.*); HAM:hamas-monitoring (.*tasks monitor)\.$' "$rep" ||
			fail "the consents given are not listed"
	fi
else
	if grep -Eiq '^## .*veto' "$rep"; then fail "DEMO_ANALYSES=0 still ran the analyses"; fi
fi

exit 0
