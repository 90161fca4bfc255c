#!/bin/sh
# concurrency.sh - many writers on one store at once, nothing lost (issue
# 13): the same checks on SQLite and, under tests/pg/with-pg.sh, on
# PostgreSQL (tests/cli/store.sh).
#   1. six processes open a new store at the same moment (each imports a
#      file with no rows: a read would refuse a store that does not exist):
#      each succeeds and the schema is migrated exactly once;
#   2. two reviewers who read the same version of an incident review it at
#      once: one succeeds, the other exits 5 (version conflict), and the
#      edit log holds the one review;
#   3. eight writers at once: four importers (each a file that updates a
#      share of the incidents, which moves their versions) and four
#      reviewers (each reviewing incidents with the version it just read);
#      then every review that succeeded is in the edit log exactly once,
#      every one that was refused is not, each importer's counts are
#      right, and the roll-ups agree with the incidents.
# Usage: concurrency.sh JGET. Needs: $STABFORCE, $BUILDDIR, $SRCDIR.
set -u
JGET="$1"
fail=0
T=$(mktemp -d /tmp/sf-concurrency.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
. "$SRCDIR/tests/cli/store.sh"
SF="$STABFORCE"
GEN="$BUILDDIR/bench/gen_acled"

no() { echo "FAIL: $*"; fail=1; }
expect() { [ "$2" = "$3" ] || no "$1: got '$2', expected '$3'"; }
field() { printf '%s\n' "$2" | sed -n "s/.*[ ,]$1 \([0-9][0-9]*\).*/\1/p" | head -n 1; }
# version ID: the stored version of incident ID
version() {
	"$SF" incidents list --db "$D" --id "$1" --include-retracted --format json >"$T/v.$1.json" &&
		"$JGET" "$T/v.$1.json" 0.version
}

# ---------------------------------------------------- 1. opened at once
D=$(store c)
"$GEN" --rows 600 --seed 5 --plain --dup-every 0 >"$T/base.csv" 2>/dev/null
head -n 1 "$T/base.csv" >"$T/none.csv"
i=0
pids=""
while [ $i -lt 6 ]; do
	"$SF" incidents import "$T/none.csv" --db "$D" --no-progress >"$T/open.$i.out" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do
	wait "$p" || no "a concurrent first open failed: $(cat "$T"/open.*.out)"
done
if [ "$(store_backend)" = sqlite ]; then
	expect "schema version" "$(store_sql c 'PRAGMA user_version')" 4
else
	expect "each migration once" "$(store_sql c 'SELECT count(*)::text || count(DISTINCT version)::text FROM sf_migrations')" 33
fi

# ------------------------------------------------ base: 600 incidents
out=$("$SF" incidents import "$T/base.csv" --db "$D" --no-progress) || no "base import"
expect "base inserted" "$(field inserted "$out")" 600
ids=$(store_sql c 'SELECT event_id_cnty FROM incidents ORDER BY event_id_cnty')

# ------------------------------------- 2. two reviewers, one version
x=$(echo "$ids" | sed -n 1p)
v=$(version "$x")
expect "a fresh incident's version" "$v" 1
"$SF" incidents review "$x" --status verified --note "editor a" --who a --if-version "$v" \
	--db "$D" >"$T/a.out" 2>&1 &
pa=$!
"$SF" incidents review "$x" --status disputed --note "editor b" --who b --if-version "$v" \
	--db "$D" >"$T/b.out" 2>&1 &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
[ "$ra$rb" = 05 ] || [ "$ra$rb" = 50 ] || no "two editors: exits $ra and $rb, expected 0 and 5 ($(cat "$T/a.out" "$T/b.out"))"
grep -q "someone changed it since" "$T/a.out" "$T/b.out" || no "the refused editor is not told why"
"$SF" incidents log "$x" --db "$D" --format csv >"$T/x.log"
expect "one review in the log" "$(grep -c ',status,' "$T/x.log")" 1
expect "version after one review" "$(version "$x")" 2

# -------------------------------------------- 3. eight writers at once
# importer k re-imports the base with every (k+2)th row edited later (a
# newer timestamp): it updates 600/(k+2) incidents, the first importer of
# each edit wins and a later one with the same timestamp changes nothing
k=1
while [ $k -le 4 ]; do
	"$GEN" --rows 600 --seed 5 --plain --dup-every 0 --bump-every $((k + 1)) --ts-delta $((100 * k)) \
		>"$T/imp$k.csv" 2>/dev/null
	k=$((k + 1))
done
reviewer() { # reviewer R: ten reviews of incidents R, R+4, ..., each with the version just read
	n=0
	for id in $(echo "$ids" | sed -n "$(($1 + 10))~4p" | head -n 10); do
		n=$((n + 1))
		v=$(version "$id") || { echo "$id read-failed" >>"$T/rev$1.out"; continue; }
		"$SF" incidents review "$id" --status corroborated --note "r$1-$n" --who "r$1" \
			--if-version "$v" --db "$D" >/dev/null 2>"$T/rev$1.$n.err"
		echo "r$1-$n $?" >>"$T/rev$1.out"
	done
}
k=1
while [ $k -le 4 ]; do
	"$SF" incidents import "$T/imp$k.csv" --db "$D" --no-progress >"$T/imp$k.out" 2>&1 &
	reviewer $k &
	k=$((k + 1))
done
wait
k=1
while [ $k -le 4 ]; do
	grep -q "inserted 0, updated" "$T/imp$k.out" || no "importer $k: $(cat "$T/imp$k.out")"
	k=$((k + 1))
done
# every edited row was updated by exactly the importers whose edit was newest so far;
# the counts add up: each importer read 600 rows, inserted none
total=0
for k in 1 2 3 4; do
	total=$((total + $(field updated "$(cat "$T/imp$k.out")") + $(field unchanged "$(cat "$T/imp$k.out")")))
done
expect "importers' rows" "$total" 2400
# the reviews: exit 0 is in the log once, exit 5 (a newer version came first) is not
"$SF" incidents log --db "$D" --format csv >"$T/all.log"
ok=0
refused=0
for k in 1 2 3 4; do
	while read -r note rc; do
		n=$(grep -c ",r$k,.*,status,[a-z]*,corroborated,$note\$" "$T/all.log")
		case $rc in
		0) ok=$((ok + 1)); expect "review $note in the log" "$n" 1 ;;
		5) refused=$((refused + 1)); expect "refused review $note in the log" "$n" 0 ;;
		*) no "review $note: exit $rc ($(cat "$T/rev$k".*.err 2>/dev/null | tail -n 1))" ;;
		esac
	done <"$T/rev$k.out"
done
[ $ok -gt 0 ] || no "no review succeeded"
expect "reviews in the log" "$(grep -c ',r[1-4],.*,status,' "$T/all.log")" "$ok"
echo "concurrency: $ok reviews written, $refused refused as stale, $(wc -l <"$T/all.log") log lines"
# the roll-ups agree with the incidents, status by status
r=$(store_sql c "SELECT count(*) FROM (SELECT status, count(*) AS n FROM incidents GROUP BY status) i FULL JOIN (SELECT status, sum(n) AS n FROM incident_rollup GROUP BY status) r USING (status) WHERE i.n IS DISTINCT FROM r.n")
expect "roll-up statuses that disagree" "$r" 0
expect "incidents" "$(store_sql c 'SELECT count(*) FROM incidents')" 600

[ $fail -eq 0 ] && echo "concurrency: all checks passed"
exit $fail
