#!/bin/sh
# feedback.sh - inputs of the plan from the registers, end to end, on
# generated (SYNTHETIC) data only:
#   a scenario naming a store that does not exist is refused (exit 2) and
#   the store is not created; sectors.location_overrides are used by
#   `incidents import --scenario`; after importing incidents and aid
#   figures, `plan` takes the threat of four sectors from the incident
#   rate and the escort requirement from the aid figures, lists them in
#   register_inputs (JSON) and "Inputs from the register" (text, md), and
#   the coverage requirements use them; check-plan applies the register too
#   (passes, and fails once the register changes); an analysis applies it;
#   no data in the window is an error unless the scenario gives a default,
#   and a default used is warned about and marked.
# The threat is recomputed here with awk from the incident counts
# (threat = clamp((n_s / pop_s) / (sum n / sum pop), 0.5, 2.0)); the
# escorts by hand from the aid file written below.
# The stores are SQLite files, or PostgreSQL databases when run under
# tests/pg/with-pg.sh (tests/cli/store.sh).
# Needs: $STABFORCE, $SRCDIR, $BUILDDIR; argument: the jget probe.
set -u
JGET=${1:?usage: feedback.sh JGET}
fail=0
T=$(mktemp -d /tmp/sf-feedback.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
. "$SRCDIR/tests/cli/store.sh"
R=$(store_uri r)
SF="$STABFORCE"
GEN="$BUILDDIR/bench/gen_acled"
SCEN="$SRCDIR/tests/cases/feedback/scenario.yaml"

no() { echo "FAIL: $*"; fail=1; }
close() { "$JGET" --close "$1" "$2" || no "$3: got $1, expected $2"; }

# ------------------------------------------------------- no store yet
"$SF" plan "$SCEN" --db "$R" >"$T/out" 2>"$T/err"
rc=$?
if [ "$(store_backend)" = sqlite ]; then
	[ "$rc" = 2 ] || no "plan without a store: exit $rc, expected 2"
	grep -q "the register '$R' does not exist" "$T/err" || no "no store: message: $(cat "$T/err")"
	grep -q "stabforce incidents import" "$T/err" || no "no store: does not say what to import"
	[ ! -e "$R" ] || no "plan created the store"
else
	# no such database: the server says so, and nothing is created
	[ "$rc" = 4 ] || no "plan without a database: exit $rc, expected 4"
	grep -q 'database "r" does not exist' "$T/err" || no "no database: message: $(cat "$T/err")"
	grep -qF "$R" "$T/err" || no "no database: the message does not name the store"
fi
[ ! -s "$T/out" ] || no "plan without a store printed a plan"
# an analysis loads the same way
"$SF" critical -j 1 "$SCEN" --db "$R" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" != 0 ] || no "critical without a store: exit 0"
R=$(store r)

# ------------------------------------------------------------ import
"$GEN" --rows 600 --seed 11 >"$T/a.csv" 2>/dev/null || no "generator failed"
out=$("$SF" incidents import "$T/a.csv" --scenario "$SCEN" --db "$R" --no-progress 2>/dev/null)
ov=$(printf '%s\n' "$out" | sed -n 's/.*override \([0-9][0-9]*\).*/\1/p')
[ -n "$ov" ] && [ "$ov" -gt 0 ] || no "location_overrides not used by import: $out"
"$SF" incidents list --db "$R" --location "Coast of Rafah" --format csv >"$T/coast.csv"
grep -q ',rafah,override,' "$T/coast.csv" || no "Coast of Rafah not in rafah by override"

# incidents but no aid figure yet: the escort task cannot be computed
"$SF" plan "$SCEN" --db "$R" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 2 ] || no "plan without aid figures: exit $rc, expected 2"
grep -q "tasks\[1\].requirement.from_aid: the aid register .* holds no truck figure" "$T/err" ||
	no "no aid: message: $(cat "$T/err")"

# Aid: the last figure is 2025-03-09, so the 7-day window is 03-03..03-09:
# figures on 03-04 (300) and 03-09 (400), mean 350 trucks a day over the
# 2 days with a figure, / 50 per escort = 7 escorts.
printf 'date,trucks\n2025-03-01,100\n2025-03-02,200\n2025-03-04,300\n2025-03-09,400\n' >"$T/aid.csv"
"$SF" aid import "$T/aid.csv" --source UN --db "$R" >/dev/null || no "aid import"

# -------------------------------------------------------------- plan
"$SF" plan "$SCEN" --db "$R" --format json -o "$T/plan.json" 2>"$T/err" ||
	no "plan exits $?: $(cat "$T/err")"
[ -s "$T/err" ] && no "plan printed on stderr: $(cat "$T/err")"
P="$T/plan.json"

# the threat, recomputed from the counts of `incidents threat`
"$SF" incidents threat --scenario "$SCEN" --db "$R" --format csv >"$T/threat.csv" ||
	no "incidents threat"
awk -F, 'NR > 1 { n[NR] = $2; p[NR] = $3; s[NR] = $1; N += $2; POP += $3; k = NR }
	END { all = N / POP * 100000
	      for (i = 2; i <= k; i++) {
		t = (n[i] / p[i] * 100000) / all
		if (t < 0.5) t = 0.5
		if (t > 2.0) t = 2.0
		printf "%s %d %s %.17g %.17g\n", s[i], n[i], p[i], t, all
	      } }' "$T/threat.csv" >"$T/expect.txt"
[ "$(wc -l <"$T/expect.txt")" = 5 ] || no "threat csv: $(cat "$T/threat.csv")"
[ "$("$JGET" "$P" register_inputs.0.window_days)" = 28 ] || no "window_days"
# the window ends on the latest incident
last=$("$SF" incidents list --db "$R" | tail -n 2 | head -n 1 | awk '{ print $2 }')
[ "$("$JGET" "$P" register_inputs.0.window_to)" = "$last" ] ||
	no "window_to $("$JGET" "$P" register_inputs.0.window_to), latest incident $last"
from=$("$JGET" "$P" register_inputs.0.window_from)
i=0
while read -r sector n pop threat all; do
	if [ "$sector" = north_gaza ]; then
		# threat 1.0 in the file: not from the register, requirement pop/100000
		r=$(awk -v p="$pop" 'BEGIN { printf "%.17g", p / 100000 }')
	else
		[ "$("$JGET" "$P" register_inputs.$i.kind)" = threat ] || no "input $i kind"
		[ "$("$JGET" "$P" register_inputs.$i.sector)" = "$sector" ] || no "input $i sector"
		[ "$("$JGET" "$P" register_inputs.$i.incidents)" = "$n" ] || no "input $i incidents"
		[ "$("$JGET" "$P" register_inputs.$i.defaulted)" = false ] || no "input $i defaulted"
		close "$("$JGET" "$P" register_inputs.$i.value)" "$threat" "threat of $sector"
		close "$("$JGET" "$P" register_inputs.$i.all_sector_rate)" "$all" "all-sector rate"
		r=$(awk -v p="$pop" -v t="$threat" 'BEGIN { printf "%.17g", p / 100000 * t }')
		# the count, straight from the incident list: the event types the
		# threat counts by default (docs/register.md), not protests or
		# strategic developments
		c=0
		for et in "Battles" "Explosions/Remote violence" "Violence against civilians" "Riots"; do
			k=$("$SF" incidents list --db "$R" --sector "$sector" --type "$et" \
				--from "$from" --to "$last" | tail -n 1 | awk '{ print $1 }')
			c=$((c + k))
		done
		[ "$c" = "$n" ] || no "$sector: the list has $c incidents of the counted types, threat counted $n"
		i=$((i + 1))
	fi
	got=$("$JGET" "$P" "coverage.$(awk -v s="$sector" 'BEGIN { split("rafah khan_younis deir_al_balah gaza north_gaza", a, " "); for (k in a) if (a[k] == s) print k - 1 }')".required)
	close "$got" "$r" "requirement of poc in $sector"
done <"$T/expect.txt"
[ "$i" = 4 ] || no "$i threat inputs, expected 4"
# the escorts
[ "$("$JGET" "$P" register_inputs.4.kind)" = aid_escorts ] || no "escort input kind"
[ "$("$JGET" "$P" register_inputs.4.task)" = convoy_escort ] || no "escort input task"
[ "$("$JGET" "$P" register_inputs.4.source)" = UN ] || no "escort source"
[ "$("$JGET" "$P" register_inputs.4.window_from)" = 2025-03-03 ] || no "escort window_from"
[ "$("$JGET" "$P" register_inputs.4.window_to)" = 2025-03-09 ] || no "escort window_to"
[ "$("$JGET" "$P" register_inputs.4.days_with_data)" = 2 ] || no "escort days"
close "$("$JGET" "$P" register_inputs.4.trucks_per_day)" 350 "trucks per day"
close "$("$JGET" "$P" register_inputs.4.value)" 7 "escorts"
close "$("$JGET" "$P" coverage.5.required)" 7 "requirement of convoy_escort"
[ "$("$JGET" "$P" coverage.5.task)" = convoy_escort ] || no "coverage row 5 is not convoy_escort"
"$JGET" "$P" register_inputs.5 >/dev/null 2>&1 && no "more than 5 register inputs"

# text and markdown name them
"$SF" plan "$SCEN" --db "$R" >"$T/plan.txt" || no "plan text"
grep -qF "Inputs from the register ($R)" "$T/plan.txt" || no "text: no 'Inputs from the register'"
grep -q '^requirement  *convoy_escort  *7\.000 .*350\.0 trucks/day over 2 days (UN) / 50 per escort' "$T/plan.txt" ||
	no "text: escort row"
grep -q '^threat  *rafah ' "$T/plan.txt" || no "text: rafah threat row"
"$SF" plan "$SCEN" --db "$R" --format md | grep -q '^### Inputs from the register' || no "md: no section"

# --------------------------------------------------------- check-plan
"$SF" check-plan --db "$R" "$SCEN" "$P" >"$T/check.txt" || no "check-plan exits $?: $(cat "$T/check.txt")"
grep -q ': ok: ' "$T/check.txt" || no "check-plan: $(cat "$T/check.txt")"
# check-plan reads the register again: a new figure changes the requirement
# (mean (400 + 1000) / 2 = 700 a day, 14 escorts) and the plan no longer fits
printf 'date,trucks\n2025-03-10,1000\n' >"$T/aid2.csv"
store_copy r r2
"$SF" aid import "$T/aid2.csv" --source UN --db "$(store_uri r2)" >/dev/null || no "aid import 2"
"$SF" check-plan --db "$(store_uri r2)" "$SCEN" "$P" >"$T/check2.txt" 2>&1
rc=$?
[ "$rc" = 1 ] || no "check-plan against a changed register: exit $rc, expected 1"

# an analysis plans the same scenario
"$SF" critical -j 1 --format json -o "$T/crit.json" --db "$R" "$SCEN" 2>"$T/err" ||
	no "critical exits $?: $(cat "$T/err")"

# ------------------------------------------------ no data, and defaults
# as_of before every incident and figure: nothing in the windows
# (the store by name; a PostgreSQL URI quoted, its & escaped for sed)
[ "$(store_backend)" = sqlite ] && oldb=r.db || oldb=$(printf '"%s"' "$R" | sed 's/&/\\&/g')
sed -e "s|^  db: feedback.db .*|  db: $oldb\n  as_of: 2020-01-01|" "$SCEN" |
	sed -e "s|geojson: ../../../examples|geojson: $SRCDIR/examples|" >"$T/old.yaml"
"$SF" plan "$T/old.yaml" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 2 ] || no "no incident in the window: exit $rc, expected 2"
grep -q "holds no incident in the scenario's sectors from 2019-12-05 to 2020-01-01" "$T/err" ||
	no "no incident in the window: message: $(cat "$T/err")"
sed -e 's/window_days: 28, min: 0.5, max: 2.0}/window_days: 28, min: 0.5, max: 2.0, default: 1.5}/' \
	-e 's/trucks_per_escort: 50, window_days: 7}/trucks_per_escort: 50, window_days: 7, default: 3}/' \
	"$T/old.yaml" >"$T/dflt.yaml"
"$SF" plan "$T/dflt.yaml" --format json -o "$T/dflt.json" 2>"$T/err" || no "plan with defaults exits $?"
grep -q "warning: no incident in the register from 2019-12-05 to 2020-01-01: sector 'rafah' takes the default threat 1.5" "$T/err" ||
	no "default threat: no warning: $(cat "$T/err")"
grep -q "task 'convoy_escort' takes the default requirement 3" "$T/err" || no "default escorts: no warning"
[ "$("$JGET" "$T/dflt.json" register_inputs.0.defaulted)" = true ] || no "default threat not marked"
close "$("$JGET" "$T/dflt.json" register_inputs.0.value)" 1.5 "default threat"
close "$("$JGET" "$T/dflt.json" register_inputs.4.value)" 3 "default escorts"
close "$("$JGET" "$T/dflt.json" coverage.5.required)" 3 "default escort requirement"

# a scenario without register inputs has an empty register_inputs
"$SF" plan "$SRCDIR/examples/minimal/scenario.yaml" --format json -o "$T/min.json" || no "minimal plan"
[ "$("$JGET" "$T/min.json" register_inputs)" = "[]" ] || no "minimal: register_inputs not []"
"$SF" plan "$SRCDIR/examples/minimal/scenario.yaml" | grep -q 'Inputs from the register' &&
	no "minimal: text names register inputs"

[ "$fail" = 0 ] && echo "feedback: ok"
exit "$fail"
