#!/bin/sh
# registers.sh - the incident and aid registers end to end, on generated
# (SYNTHETIC) ACLED files only:
#   import with every quirk, rejects with line numbers, sectors by method,
#   re-import is a no-op, newer timestamps update and older ones do not,
#   CSV export re-imports to the same register, JSON/GeoJSON lists, reports,
#   duplicates and decisions, review and the edit log, deletions, the aid
#   series, its list (whose csv imports back) and report, threat
#   multipliers, the json of dupes, log, threat and escorts (parsed by jget),
#   --help of every subcommand,
#   and the kill test: an import killed mid-way leaves a store that is
#   consistent (SQLite: PRAGMA integrity_check) and holds all of the file
#   or none of it.
# The stores are SQLite files, or PostgreSQL databases when run under
# tests/pg/with-pg.sh (tests/cli/store.sh): the same checks on both.
# Usage: registers.sh JGET. Needs: $STABFORCE, $SRCDIR, $BUILDDIR; the
# sqlite3 shell (or psql).
set -u
fail=0
T=$(mktemp -d /tmp/sf-registers.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
. "$SRCDIR/tests/cli/store.sh"
R=$(store r)
U=$(store u)
R2=$(store r2)
GEN="$BUILDDIR/bench/gen_acled"
SF="$STABFORCE"
JGET="$1"
SCEN="$SRCDIR/examples/gaza/scenario.yaml"
GEO="$SRCDIR/examples/gaza/sectors.geojson"

ok() { :; }
no() { echo "FAIL: $*"; fail=1; }
# field NAME LINE: the number after "NAME " in a summary line
field() { printf '%s\n' "$2" | sed -n "s/.*[ ,]$1 \([0-9][0-9]*\).*/\1/p" | head -n 1; }
expect() { # expect WHAT GOT WANT
	[ "$2" = "$3" ] || no "$1: got '$2', expected '$3'"
}

# ---------------------------------------------------------------- import
"$GEN" --rows 2000 --seed 7 >"$T/a.csv" 2>"$T/gen.txt" || no "generator failed"
good=$(sed -n 's/.* \([0-9]*\) good rows.*/\1/p' "$T/gen.txt")
bad=$(sed -n 's/.*, \([0-9]*\) bad rows.*/\1/p' "$T/gen.txt")
[ "$good" = 2000 ] || no "generator: $good good rows"
[ "$bad" -gt 10 ] || no "generator: only $bad bad rows"
head -c 3 "$T/a.csv" | od -An -tx1 | grep -q 'ef bb bf' || no "generated file has no BOM"

out=$("$SF" incidents import "$T/a.csv" --scenario "$SCEN" --db "$R" --rejects "$T/bad.csv" --no-progress) ||
	no "import exits $?"
expect "read" "$(field read "$out")" $((good + bad))
expect "inserted" "$(field inserted "$out")" "$good"
expect "rejected" "$(field rejected "$out")" "$bad"
inside=$(field inside "$out"); nearest=$(field nearest "$out"); none=$(field none "$out")
[ "$inside" -gt 0 ] && [ "$nearest" -gt 0 ] && [ "$none" -gt 0 ] ||
	no "sector methods: inside $inside, nearest $nearest, none $none ($out)"
expect "methods add up" $((inside + nearest + none + $(field override "$out"))) "$good"
# every bad row is in the rejects file with its line number and a reason
expect "rejects lines" "$(grep -c '^[0-9][0-9]*,' "$T/bad.csv")" "$bad"
grep -q '^[0-9]*,"expected 31 fields, found 29",' "$T/bad.csv" || no "rejects: no field-count reason"
grep -q "bad event_date '2025-02-30'" "$T/bad.csv" || no "rejects: no bad date"
grep -q "text after a closing quote" "$T/bad.csv" || no "rejects: no broken quote"
# the line number points at the row: line N of the input starts with what the reject holds
ln=$(sed -n '2s/^\([0-9]*\),.*/\1/p' "$T/bad.csv")
[ -n "$ln" ] && [ "$ln" -gt 1 ] || no "rejects: no line number"

# offshore places got the nearest sector
"$SF" incidents list --db "$R" --location "Coast of Rafah" --format csv >"$T/coast.csv" || no "list --location"
grep -q ',rafah,nearest,' "$T/coast.csv" || no "Coast of Rafah not in rafah by nearest"
"$SF" incidents list --db "$R" --location "El Arish" --format csv | grep -q ',,none,' ||
	no "El Arish should have no sector"

# re-import: nothing changes
out=$("$SF" incidents import "$T/a.csv" --scenario "$SCEN" --db "$R" --no-progress 2>/dev/null)
expect "re-import inserted" "$(field inserted "$out")" 0
expect "re-import updated" "$(field updated "$out")" 0
expect "re-import unchanged" "$(field unchanged "$out")" "$good"

# --------------------------------------------------------------- upsert
"$GEN" --rows 1000 --seed 9 --dup-every 0 >"$T/u0.csv" 2>/dev/null
"$GEN" --rows 1000 --seed 9 --dup-every 0 --bump-every 10 --ts-delta 500 >"$T/u1.csv" 2>/dev/null
"$GEN" --rows 1000 --seed 9 --dup-every 0 --bump-every 10 --ts-delta -500 >"$T/u2.csv" 2>/dev/null
"$SF" incidents import "$T/u0.csv" --db "$U" --no-progress >/dev/null 2>&1 || no "import u0"
f0=$("$SF" incidents report --db "$U" --by total --table periods --format csv | sed -n '2p')
out=$("$SF" incidents import "$T/u1.csv" --db "$U" --no-progress 2>/dev/null)
expect "newer: updated" "$(field updated "$out")" 100
expect "newer: unchanged" "$(field unchanged "$out")" 900
expect "newer: inserted" "$(field inserted "$out")" 0
f1=$("$SF" incidents report --db "$U" --by total --table periods --format csv | sed -n '2p')
# each bumped row gained one fatality
expect "fatalities after update" "$(echo "$f1" | cut -d, -f4)" $(($(echo "$f0" | cut -d, -f4) + 100))
out=$("$SF" incidents import "$T/u2.csv" --db "$U" --no-progress 2>/dev/null)
expect "older: updated" "$(field updated "$out")" 0
expect "older: unchanged" "$(field unchanged "$out")" 1000

# ------------------------------------------------------- export, re-import
"$SF" incidents list --db "$R" --format csv >"$T/export.csv" || no "list csv"
head -n 1 "$T/export.csv" | grep -q '^event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp,sector,sector_method' ||
	no "csv header is not ACLED's order"
out=$("$SF" incidents import "$T/export.csv" --scenario "$SCEN" --db "$R2" --no-progress)
expect "export re-import inserted" "$(field inserted "$out")" "$good"
expect "export re-import rejected" "$(field rejected "$out")" 0
"$SF" incidents report --db "$R" --by week --by sector --table periods --format csv >"$T/rep1.csv"
"$SF" incidents report --db "$R2" --by week --by sector --table periods --format csv >"$T/rep2.csv"
cmp -s "$T/rep1.csv" "$T/rep2.csv" || no "re-imported export reports differently"
# PostgreSQL: what the URI leaves out comes from libpq's PG* variables (docs/deploy.md)
if [ "$(store_backend)" = postgresql ]; then
	PGHOST=$SF_PG_HOST PGUSER=postgres PGDATABASE=r "$SF" incidents report --db postgresql:// \
		--by week --by sector --table periods --format csv >"$T/rep-env.csv" ||
		no "report with --db postgresql:// and PGHOST, PGUSER, PGDATABASE"
	cmp -s "$T/rep1.csv" "$T/rep-env.csv" || no "report through the PG* variables differs"
fi
[ "$(wc -l <"$T/rep1.csv")" -gt 10 ] || no "weekly report too short"

# list: every incident unless --limit; json and geojson
n=$("$SF" incidents list --db "$R" | tail -n 1)
expect "list count" "$n" "$good incidents"
n=$("$SF" incidents list --db "$R" --limit 7 --format geojson | grep -c '"type":"Feature"')
expect "geojson features" "$n" 7
"$SF" incidents list --db "$R" --limit 3 --format json | grep -q '"notes":"SYNTHETIC' || no "json list"
n=$("$SF" incidents list --db "$R" --sector rafah --type "Explosions/Remote violence" --from 2024-06-01 --format csv | grep -c '^PSE')
[ "$n" -gt 0 ] || no "filtered list is empty"

# reports
"$SF" incidents report --db "$R" --by week --by sector --ceasefire 2025-01-01 >"$T/rep.txt" || no "report"
grep -q 'against the mean incidents per week of the 4 and the 52 weeks before' "$T/rep.txt" || no "report: no trend"
grep -q '^before' "$T/rep.txt" && grep -q '^after' "$T/rep.txt" || no "report: no before/after"
"$SF" incidents report --db "$R" --by actor --by total --format json | grep -q '"actor":' || no "report by actor json"
"$SF" incidents report --db "$R" --format csv >/dev/null 2>&1 || no "report csv default table"
# zero-filled: every sector in every week; before the register, no data (null), not 0
awk -F, 'NR > 1 { w[$1] = 1; k[$2] = 1; n++ } END { for (i in w) nw++; for (j in k) nk++;
	exit !(n == nw * nk && nk > 1) }' "$T/rep1.csv" || no "weekly report by sector is not zero-filled"
"$SF" incidents report --db "$R" --by day --from 1990-01-01 --to 1990-01-03 --table periods --format json >"$T/nodata.json"
expect "days before the register: no data" "$(grep -c '"incidents": null' "$T/nodata.json")" 3
"$SF" incidents report --db "$R" --by day --from 1990-01-01 --to 1990-01-03 --table periods | grep -q '^1990-01-02 .*no data' ||
	no "report text: no data"
"$SF" incidents report --db "$R" --by bogus >/dev/null 2>&1
expect "report --by bogus exit" $? 2

# ----------------------------------------------------- duplicates, review
"$SF" incidents dupes --db "$R" --format csv >"$T/d.csv" || no "dupes"
pairs=$(($(wc -l <"$T/d.csv") - 1))
[ "$pairs" -gt 0 ] || no "no possible duplicates found"
a=$(sed -n '2s/^\([^,]*\),\([^,]*\),.*/\1/p' "$T/d.csv")
b=$(sed -n '2s/^\([^,]*\),\([^,]*\),.*/\2/p' "$T/d.csv")
"$SF" incidents dupes --db "$R" --mark "$a" --as duplicate "$b" --note "same strike" --who tester >/dev/null ||
	no "dupes --mark"
n=$("$SF" incidents dupes --db "$R" --format csv | grep -c "^$a,$b,")
expect "decided pair still listed" "$n" 0
"$SF" incidents dupes --db "$R" --all --format csv | grep "^$a,$b," | grep -q ',duplicate$' || no "dupes --all decision"
"$SF" incidents dupes --db "$R" --mark "$a" --as duplicate NOPE >/dev/null 2>&1
expect "mark unknown exit" $? 2
"$SF" incidents review "$a" --status verified --note "two sources" --who tester --db "$R" >/dev/null || no "review"
"$SF" incidents log "$a" --db "$R" --format csv >"$T/log.csv"
grep -q ",tester,$a,,status,reported,verified,two sources" "$T/log.csv" || no "log: status change"
grep -q ",tester,$a,$b,duplicate,,duplicate,same strike" "$T/log.csv" || no "log: duplicate decision"
# the same pairs and log in json (the API's json), parsed
"$SF" incidents dupes --db "$R" --all --format json >"$T/d.json" || no "dupes json"
expect "dupes json count" "$("$JGET" "$T/d.json" count)" "$pairs"
"$JGET" "$T/d.json" pairs.0.a.event_id >/dev/null || no "dupes json: no pairs.0.a.event_id"
"$SF" incidents log "$a" --db "$R" --format json >"$T/log.json" || no "log json"
expect "log json: status change" "$("$JGET" "$T/log.json" 1.to)" verified
expect "log json: other id" "$("$JGET" "$T/log.json" 0.other_id)" "$b"
expect "log json: no other id is null" "$("$JGET" "$T/log.json" 1.other_id)" null
"$SF" incidents review "$a" --status bogus --note x --db "$R" >/dev/null 2>&1
expect "review bogus status exit" $? 2
"$SF" incidents review NOPE --status verified --note x --db "$R" >/dev/null 2>&1
expect "review unknown id exit" $? 2

# retracted incidents leave lists and reports
"$SF" incidents review "$b" --status retracted --note "duplicate of $a" --db "$R" >/dev/null
n=$("$SF" incidents list --db "$R" | tail -n 1)
expect "list after retraction" "$n" "$((good - 1)) incidents"
n=$("$SF" incidents list --db "$R" --include-retracted | tail -n 1)
expect "list with retracted" "$n" "$good incidents"

# deletions
printf 'event_id_cnty,timestamp\n%s,1\nPSE0\n' "$a" >"$T/del.csv"
out=$("$SF" incidents delete --ids "$T/del.csv" --db "$R")
expect "delete" "$out" "$T/del.csv: deleted 1, not found 1"
n=$("$SF" incidents list --db "$R" --include-retracted | tail -n 1)
expect "after delete" "$n" "$((good - 1)) incidents"

# threat feedback
"$SF" incidents threat --scenario "$SCEN" --db "$R" >"$T/threat.txt" || no "threat"
grep -q '^rafah ' "$T/threat.txt" || no "threat: no rafah row"
"$SF" incidents threat --scenario "$SCEN" --db "$R" --format json >"$T/threat.json" || no "threat json"
tr=$(awk '$1 == "rafah" {print $6}' "$T/threat.txt")
i=0
while [ "$("$JGET" "$T/threat.json" sectors.$i.sector 2>/dev/null)" != rafah ] && [ $i -lt 20 ]; do i=$((i + 1)); done
# the text table rounds to 3 decimals, the JSON to 4
tj=$("$JGET" "$T/threat.json" sectors.$i.threat)
awk -v a="$tj" -v b="$tr" 'BEGIN { d = a - b; exit !(d <= 0.0005 && d >= -0.0005) }' ||
	no "threat json: rafah $tj, text $tr"

# --event-weight: from the defaults, one type changed or added, 0 leaves it out
"$SF" incidents threat --scenario "$SCEN" --db "$R" --event-weight Protests=0.5 \
	--event-weight Battles=0 --format json >"$T/threatw.json" || no "threat --event-weight"
for kw in Protests:0.5 Battles:0 Riots:1; do
	"$JGET" --close "$("$JGET" "$T/threatw.json" "event_weights.${kw%%:*}")" "${kw#*:}" ||
		no "threat --event-weight: ${kw%%:*} is not ${kw#*:}"
done
# every counted type at 0: nothing is counted, every sector is no data
"$SF" incidents threat --scenario "$SCEN" --db "$R" --event-weight Battles=0 \
	--event-weight "Explosions/Remote violence=0" --event-weight "Violence against civilians=0" \
	--event-weight Riots=0 --format json >"$T/threat0.json" || no "threat, every weight 0"
[ "$("$JGET" "$T/threat0.json" sectors.$i.no_data)" = true ] || no "threat, every weight 0: not no data"
for bad in Protests =1 Protests=-1 Protests=x; do
	"$SF" incidents threat --scenario "$SCEN" --db "$R" --event-weight "$bad" >/dev/null 2>&1
	[ $? = 2 ] || no "threat --event-weight '$bad' accepted"
done

# alerts: the same as the library's (test_register.c works them by hand);
# here the command runs on the generated register, says its rules, and
# import --alerts prints them after the summary
"$SF" incidents alerts --db "$R" >"$T/alerts.txt" || no "alerts"
grep -Eq '^[0-9]+ alerts? as of [0-9-]+ \(the last 1 day\)$' "$T/alerts.txt" ||
	no "alerts: header: $(head -n 1 "$T/alerts.txt")"
"$SF" incidents alerts --db "$R" --days 30 --fatalities 1 --change off --format json >"$T/alerts.json" ||
	no "alerts json"
[ "$("$JGET" "$T/alerts.json" rules.change_level)" = null ] || no "alerts json: change rule not off"
[ "$("$JGET" "$T/alerts.json" alerts.0.kind)" = fatalities ] || no "alerts json: no fatalities alert in 30 days"
"$SF" incidents alerts --db "$R" --change huge >/dev/null 2>&1
[ $? = 2 ] || no "alerts --change huge accepted"
"$SF" incidents alerts --db "$R" --format csv >/dev/null 2>&1
[ $? = 2 ] || no "alerts --format csv accepted"
out=$("$SF" incidents import "$T/a.csv" --scenario "$SCEN" --db "$R" --no-progress --alerts 2>/dev/null) ||
	no "import --alerts"
printf '%s\n' "$out" | grep -Eq ' alerts? as of ' || no "import --alerts printed no alerts: $out"

# ------------------------------------------------- fatalities not reported
# An empty fatalities field is no data, never 0: NULL in the store, empty in
# csv, null in json and geojson, "no data" in text; every roll-up counts the
# incidents without a figure (through the import's fast path, a re-import
# that updates, and the scan a --location filter takes), the fatalities
# alert rule says what it could not judge. Same results on both backends.
F=$(store f)
cat >"$T/fat.csv" <<'CSV'
event_id_cnty,event_date,event_type,actor1,latitude,longitude,fatalities,timestamp,location
NF1,2025-03-03,Battles,Alpha,31.5,34.4,3,10,Here
NF2,2025-03-03,Battles,Alpha,31.5,34.4,,10,There
NF3,2025-03-04,Riots,Beta,31.5,34.4,,10,Else
NF4,2025-03-04,Battles,Beta,31.5,34.4,0,10,Zero
CSV
"$SF" incidents import "$T/fat.csv" --db "$F" --no-progress >/dev/null 2>&1 || no "import fat.csv"
expect "fatalities NULL in the store" "$(store_sql f "SELECT count(*) FROM incidents WHERE fatalities IS NULL")" 2
"$SF" incidents list --db "$F" --format csv >"$T/fat-list.csv" || no "list fat csv"
expect "csv: empty fatalities" "$(grep '^NF2,' "$T/fat-list.csv" | cut -d, -f29)" ""
expect "csv: 0 stays 0" "$(grep '^NF4,' "$T/fat-list.csv" | cut -d, -f29)" 0
"$SF" incidents list --db "$F" --id NF2 --format json >"$T/fat-list.json" || no "list fat json"
grep -q '"fatalities":null' "$T/fat-list.json" || no "json: fatalities of NF2 not null: $(cat "$T/fat-list.json")"
"$SF" incidents list --db "$F" --id NF2 --format geojson >"$T/fat-list.geojson" || no "list fat geojson"
grep -q '"fatalities":null' "$T/fat-list.geojson" || no "geojson: fatalities of NF2 not null"
"$SF" incidents list --db "$F" | grep -q '^NF3 .* no data  *reported$' || no "text: NF3 not no data"
# roll-ups: by day and type (incident_rollup), by actor (actor_rollup), and a scan
"$SF" incidents report --db "$F" --by day --by type --table periods --format csv >"$T/fat-r.csv" ||
	no "report fat"
grep -qx '2025-03-03,Battles,1,2,3,1' "$T/fat-r.csv" || no "report: 3 reported, 1 not: $(cat "$T/fat-r.csv")"
grep -qx '2025-03-04,Riots,1,1,no data,1' "$T/fat-r.csv" || no "report: Riots should be no data"
grep -qx '2025-03-04,Battles,1,1,0,0' "$T/fat-r.csv" || no "report: a reported 0 is 0"
"$SF" incidents report --db "$F" --by total --by actor --table periods --format csv >"$T/fat-a.csv"
grep -qx 'total,Alpha,2,2,3,1' "$T/fat-a.csv" || no "report by actor: $(cat "$T/fat-a.csv")"
"$SF" incidents report --db "$F" --by total --table periods --location Else --format json >"$T/fat-s.json"
expect "scan: json null" "$("$JGET" "$T/fat-s.json" periods.0.fatalities)" null
expect "scan: not reported" "$("$JGET" "$T/fat-s.json" periods.0.fatalities_not_reported)" 1
"$SF" incidents report --db "$F" --by total --table periods | grep -q 'fatalities_not_reported counts' ||
	no "report text: no note on the not-reported count"
# a later edit gives NF2 a figure and takes NF1's away: the roll-ups follow
sed -e 's/^NF2,\(.*\),,10,There$/NF2,\1,5,20,There/' -e 's/^NF1,\(.*\),3,10,Here$/NF1,\1,,20,Here/' \
	"$T/fat.csv" >"$T/fat2.csv"
out=$("$SF" incidents import "$T/fat2.csv" --db "$F" --no-progress 2>/dev/null)
expect "fat2 updated" "$(field updated "$out")" 2
"$SF" incidents report --db "$F" --by day --by type --table periods --format csv >"$T/fat-r2.csv"
grep -qx '2025-03-03,Battles,1,2,5,1' "$T/fat-r2.csv" || no "report after update: $(cat "$T/fat-r2.csv")"
# the split table alone says the days covered (it said 1970-01-01 to 1970-01-01)
"$SF" incidents report --db "$F" --ceasefire 2025-03-04 --table split >"$T/fat-split.txt"
grep -q '^The register covers 2025-03-03 to 2025-03-04:' "$T/fat-split.txt" ||
	no "split alone: coverage: $(head -n 1 "$T/fat-split.txt")"
# alerts: the fatalities rule cannot judge an incident without a figure, and says so
"$SF" incidents alerts --db "$F" --days 5 --fatalities 1 --change off >"$T/fat-al.txt" || no "alerts fat"
grep -q '^2 incidents in those days gave no fatalities figure' "$T/fat-al.txt" ||
	no "alerts: unjudged not said: $(cat "$T/fat-al.txt")"
"$SF" incidents alerts --db "$F" --days 5 --fatalities 1 --change off --format json >"$T/fat-al.json"
expect "alerts json: not reported" "$("$JGET" "$T/fat-al.json" fatalities_not_reported)" 2
"$SF" incidents alerts --db "$F" --days 5 --fatalities 0 --change off --type Riots --format json >"$T/fat-al2.json"
expect "alerts json: incident without a figure" "$("$JGET" "$T/fat-al2.json" alerts.0.fatalities)" null
# a store of the previous schema (SQLite version 3, made by SQL) opens, migrates
# and then keeps empty fatalities apart
if [ "$(store_backend)" = sqlite ]; then
	sqlite3 "$T/v3.db" <"$SRCDIR/tests/cli/data/store-v3.sql" || no "make the v3 store"
	"$SF" incidents report --db "$T/v3.db" --by total --table periods --format csv >"$T/v3.csv" ||
		no "v3 store: report"
	grep -qx 'total,1,2,2' "$T/v3.csv" || no "v3 store: $(cat "$T/v3.csv")"
	expect "v3 store migrated" "$(sqlite3 "$T/v3.db" 'PRAGMA user_version')" 4
	expect "v3 store integrity" "$(sqlite3 "$T/v3.db" 'PRAGMA integrity_check')" ok
	"$SF" incidents import "$T/fat.csv" --db "$T/v3.db" --no-progress >/dev/null 2>&1 || no "v3: import"
	"$SF" incidents report --db "$T/v3.db" --by total --by actor --table periods --format csv >"$T/v3a.csv"
	grep -qx 'total,A,4,2,2,0' "$T/v3a.csv" && grep -qx 'total,Alpha,4,2,3,1' "$T/v3a.csv" ||
		no "v3 store after import: $(cat "$T/v3a.csv")"
else
	# PostgreSQL: a store taken back to schema version 2 by SQL migrates again
	G=$(store g)
	sed -e '/^NF[23],/d' "$T/fat.csv" >"$T/fat-old.csv"
	"$SF" incidents import "$T/fat-old.csv" --db "$G" --no-progress >/dev/null 2>&1 || no "pg v2: import"
	store_sql g "ALTER TABLE incidents ALTER COLUMN fatalities SET NOT NULL;
		ALTER TABLE incident_rollup DROP COLUMN fatalities_unknown;
		ALTER TABLE actor_rollup DROP COLUMN fatalities_unknown;
		DELETE FROM sf_migrations WHERE version = 3" >/dev/null || no "pg: back to version 2"
	"$SF" incidents import "$T/fat.csv" --db "$G" --no-progress >/dev/null 2>&1 || no "pg v2: migrate and import"
	expect "pg v2 migrated" "$(store_sql g "SELECT max(version) FROM sf_migrations")" 3
	"$SF" incidents report --db "$G" --by day --by type --table periods --format csv >"$T/g.csv"
	grep -qx '2025-03-04,Riots,1,1,no data,1' "$T/g.csv" || no "pg v2 store after import: $(cat "$T/g.csv")"
fi

# ------------------------------------------------------------------- aid
AID="$SRCDIR/examples/gaza/aid-trucks-daily-2023-10-07_2024-01-30.csv"
out=$("$SF" aid import "$AID" --source UN --db "$R")
expect "aid inserted" "$(field inserted "$out")" 116
out=$("$SF" aid import "$AID" --source UN --db "$R")
expect "aid re-import unchanged" "$(field unchanged "$out")" 116
"$SF" aid report --commitment 600 --db "$R" >"$T/aid.txt" || no "aid report"
grep -q 'days with figures *116' "$T/aid.txt" || no "aid report: days"
grep -q 'trucks *10,192' "$T/aid.txt" || no "aid report: total"
grep -q 'days below commitment *116' "$T/aid.txt" || no "aid report: below"
# a commitment applies only to the days it was made for: the 2023-24
# series is not compared with one made from 2025-10-10 (no data, not 0)
"$SF" aid report --commitment 600 --commitment-from 2025-10-10 --db "$R" >"$T/aid2.txt" ||
	no "aid report --commitment-from"
grep -q 'days compared with the commitment *0$' "$T/aid2.txt" || no "aid report: compared $(cat "$T/aid2.txt")"
grep -q 'days below commitment *no data$' "$T/aid2.txt" || no "aid report: below is not no data"
"$SF" aid report --commitment-from 2025-10-10 --db "$R" --format json >"$T/aid2.json" || no "aid json"
[ "$("$JGET" "$T/aid2.json" days_below)" = null ] || no "aid json: days_below not null"
[ "$("$JGET" "$T/aid2.json" days.0.collected)" = null ] || no "aid json: a stage never reported is not null"
"$SF" aid report --commitment-from 2025-10-10 --commitment-to 2025-01-01 --db "$R" >/dev/null 2>&1
[ $? = 2 ] || no "aid report: --commitment-to before --commitment-from accepted"
n=$("$SF" aid report --commitment 600 --db "$R" --format csv | wc -l)
expect "aid daily csv rows" "$n" 117
# the list's csv imports back as it is
"$SF" aid list --db "$R" --format csv >"$T/aid-list.csv" || no "aid list csv"
expect "aid list rows" "$(($(wc -l <"$T/aid-list.csv") - 1))" 116
A2=$(store a2)
"$SF" aid import "$T/aid-list.csv" --db "$A2" >/dev/null || no "aid list re-import"
"$SF" aid list --db "$A2" --format csv | cmp -s - "$T/aid-list.csv" || no "aid list: csv does not round-trip"
"$SF" aid list --db "$R" --format json >"$T/aid-list.json" || no "aid list json"
expect "aid list json trucks" "$("$JGET" "$T/aid-list.json" 20.trucks)" \
	"$(sed -n '22p' "$T/aid-list.csv" | cut -d, -f3)"
"$SF" aid escorts --db "$R" --format json >"$T/esc.json" || no "aid escorts json"
e=$("$SF" aid escorts --db "$R" | sed 's/.*escorts \([0-9.]*\) (capability units of the escort task, per day)$/\1/')
"$JGET" --close "$("$JGET" "$T/esc.json" escorts)" "$e" || no "aid escorts json: $e"
# crossing names come from the example's data, not from the program
CROSSINGS="$SRCDIR/examples/gaza/crossings.csv"
printf 'date,crossing,trucks,source\n2023-10-21,Karem Abu Salem,20,COGAT\n' >"$T/cogat.csv"
"$SF" aid import "$T/cogat.csv" --crossings "$CROSSINGS" --db "$R" >/dev/null ||
	no "aid import cogat"
"$SF" aid report --db "$R" >/dev/null 2>&1
expect "aid report, two sources, no --source: exit" $? 2
"$SF" aid report --db "$R" --source COGAT --format json | grep -q '"crossing": "kerem_shalom"' ||
	no "aid alias Karem Abu Salem"
"$SF" aid list --db "$R" --crossings "$CROSSINGS" --crossing "Kerem Abu-Salem" --format csv |
	grep -q '^2023-10-21,kerem_shalom,20,' || no "aid list --crossing by another name"
"$SF" aid list --db "$R" --crossings "$CROSSINGS" --crossing Atlantis 2>"$T/aid-err.txt"
expect "aid list, a crossing not in the file: exit" $? 2
grep -q "'Atlantis' is not a name in the crossings file" "$T/aid-err.txt" || no "aid list --crossing Atlantis: $(cat "$T/aid-err.txt")"
# without the file a name is its own id
A3=$(store a3)
"$SF" aid import "$T/cogat.csv" --db "$A3" >/dev/null || no "aid import without --crossings"
"$SF" aid list --db "$A3" --format csv | grep -q '^2023-10-21,karem_abu_salem,20,' ||
	no "aid import without --crossings: the name is not its own id"
# a crossing the file does not know fails the import, at its line and column
printf 'date,crossing,trucks\n2023-10-22,Rafah,5\n2023-10-23,"Atlantis",7\n' >"$T/atl.csv"
"$SF" aid import "$T/atl.csv" --crossings "$CROSSINGS" --db "$A3" >/dev/null 2>"$T/aid-err.txt"
expect "aid import, unknown crossing: exit" $? 2
grep -q "atl.csv:3:12: unknown crossing 'Atlantis'" "$T/aid-err.txt" ||
	no "aid import, unknown crossing: $(cat "$T/aid-err.txt")"
expect "aid import, unknown crossing: rows kept" \
	"$("$SF" aid list --db "$A3" --format csv | grep -c '^2023-10-22')" 0
"$SF" aid import "$T/cogat.csv" --crossings "$T/nope.csv" --db "$A3" >/dev/null 2>"$T/aid-err.txt"
expect "aid import, missing crossings file: exit" $? 4
grep -q "nope.csv" "$T/aid-err.txt" || no "aid import, missing crossings file: $(cat "$T/aid-err.txt")"

# ------------------------------------------------------------------ help
for s in import delete list report dupes review log threat alerts; do
	"$SF" incidents $s --help | grep -q 'usage:' || no "incidents $s --help"
done
for s in import list report escorts; do
	"$SF" aid $s --help | grep -q 'usage:' || no "aid $s --help"
done
"$SF" incidents bogus >/dev/null 2>&1
expect "unknown subcommand exit" $? 2
"$SF" incidents import "$T/nope.csv" --db "$R" >/dev/null 2>&1
expect "missing file exit" $? 4

# ------------------------------------------------------------- kill test
# A big file imported in the background, killed with SIGKILL once the
# transaction has written a lot: the store must be consistent and hold the
# count from before (or, if the import won the race, all of it).
K=$(store k)
# (PostgreSQL imports in chunks of 16 MB: 100,000 rows give it three)
[ "$(store_backend)" = sqlite ] && big=300000 || big=100000
"$GEN" --rows $big --seed 21 --plain --id-base 5000000 >"$T/big.csv" 2>/dev/null
"$SF" incidents import "$T/u0.csv" --db "$K" --no-progress >/dev/null 2>&1
before=$(store_sql k 'SELECT count(*) FROM incidents')
"$SF" incidents import "$T/big.csv" --sectors "$GEO" --db "$K" --no-progress >"$T/kill.out" 2>&1 &
pid=$!
i=0
# wait until the transaction has written a lot (or 60 s): SQLite's WAL holds
# 20 MB, PostgreSQL's import is past its COPY
while [ $i -lt 600 ]; do
	kill -0 $pid 2>/dev/null || break
	if [ "$(store_backend)" = sqlite ]; then
		sz=$(stat -c %s "$T/k.db-wal" 2>/dev/null || echo 0)
		[ "$sz" -gt 20000000 ] && break
	else
		q=$(store_sql k "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stabforce' AND query NOT LIKE 'COPY%' AND query LIKE '%sf_stage%'")
		[ "${q:-0}" -gt 0 ] && break
	fi
	sleep 0.1
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if [ "$(store_backend)" = sqlite ]; then
	expect "integrity_check after kill" "$(store_sql k 'PRAGMA integrity_check')" ok
else
	# the server rolls the transaction back once it sees the client gone
	i=0
	while [ $i -lt 300 ] && [ "$(store_sql k "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stabforce'")" != 0 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect "keys agree with incidents after kill" \
		"$(store_sql k 'SELECT (SELECT count(*) FROM incidents) = (SELECT count(*) FROM incident_keys)')" t
fi
after=$(store_sql k 'SELECT count(*) FROM incidents')
if [ "$after" != "$before" ] && [ "$after" != $((before + big)) ]; then
	no "after kill: $after incidents, expected $before or $((before + big))"
fi
[ "$after" = "$before" ] || echo "note: the import finished before the kill"
# the roll-ups agree with the incidents
r=$(store_sql k "SELECT CASE WHEN (SELECT count(*) FROM incidents) = (SELECT coalesce(sum(n),0) FROM incident_rollup) THEN 1 ELSE 0 END")
expect "roll-up consistent after kill" "$r" 1
# and the store works: the same import now completes
out=$("$SF" incidents import "$T/big.csv" --sectors "$GEO" --db "$K" --no-progress 2>/dev/null)
expect "import after kill" "$(field inserted "$out")" $((before + big - after))
if [ "$(store_backend)" = sqlite ]; then
	expect "integrity_check at the end" "$(store_sql k 'PRAGMA integrity_check')" ok
fi

[ $fail -eq 0 ] && echo "registers: all checks passed"
exit $fail
