#!/bin/sh
# pg_import.sh - imports into PostgreSQL against psql's \copy (docs/
# benchmarks.md, "PostgreSQL: imports").
#
#   bench/pg_import.sh [BUILDDIR [ROWS]]
#
# BUILDDIR defaults to build, ROWS to 1000000. Starts a throwaway cluster
# (tests/pg/with-pg.sh, fsync on, shared_buffers 512MB, max_wal_size 4GB,
# a Unix socket in a temp dir; always stopped), generates ROWS rows
# (gen_acled --plain: ACLED's column order, quoted notes with commas,
# quotes and newlines, three date forms), and runs, RUNS times (3),
# interleaved, each into a fresh database:
#   peer: psql -c "\copy peer FROM FILE WITH (FORMAT csv, HEADER)" into a
#         plain table of the 31 columns as text (no key, no index: it
#         parses CSV and checks nothing);
#   ours: stabforce incidents import FILE --sectors (Gaza) --db URI: parse,
#         validate and normalize every field, sector assignment, COPY into
#         a staging table, the upsert, the month partitions, the keys and
#         the roll-ups, one transaction.
# Prints markdown on stdout: wall time (median), rows/s, peak client RSS
# (/usr/bin/time), the ratio ours / peer; and the same import into SQLite
# for comparison. Environment: RUNS (3), SEED (1).
set -u

B=${1:-build}
ROWS=${2:-1000000}
if [ -z "${SF_PG_HOST:-}" ]; then
	here=$(cd "$(dirname "$0")/.." && pwd)
	SF_PG_FSYNC=on SF_PG_OPTS="-c shared_buffers=512MB -c max_wal_size=4GB" \
		exec sh "$here/tests/pg/with-pg.sh" sh "$0" "$B" "$ROWS"
fi
RUNS=${RUNS:-3}
SEED=${SEED:-1}
SF=$B/stabforce
GEN=$B/bench/gen_acled
SECTORS=examples/gaza/sectors.geojson
for p in "$SF" "$GEN"; do
	[ -x "$p" ] || { echo "pg_import.sh: '$p' missing: build first (ninja -C $B)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "pg_import.sh: /usr/bin/time is missing (package time)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-pgimport.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# run NAME CMD...: one timed run; appends "seconds kilobytes" to $T/NAME
run() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$T/time.one" "$@" >"$T/out.one" 2>"$T/err.one" ||
		{ echo "pg_import.sh: '$*' failed:" >&2; cat "$T/err.one" >&2; exit 1; }
	cat "$T/time.one" >>"$T/$name"
}
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$SF_PG_HOST" -U postgres "$@"; }

echo "generating $ROWS rows" >&2
"$GEN" --rows "$ROWS" --seed "$SEED" --plain >"$T/in.csv" 2>/dev/null
size=$(wc -c <"$T/in.csv")
cols="event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
ddl="CREATE TABLE peer($(echo "$cols" | sed 's/,/ text, /g') text)"

i=0
while [ $i -lt "$RUNS" ]; do
	echo "run $((i + 1))/$RUNS" >&2
	psql_ -d postgres -c "DROP DATABASE IF EXISTS peer" -c "CREATE DATABASE peer"
	psql_ -d peer -c "$ddl"
	run peer psql -X -q -v ON_ERROR_STOP=1 -h "$SF_PG_HOST" -U postgres -d peer \
		-c "\\copy peer FROM '$T/in.csv' WITH (FORMAT csv, HEADER)"
	psql_ -d postgres -c "DROP DATABASE IF EXISTS ours" -c "CREATE DATABASE ours"
	run ours "$SF" incidents import "$T/in.csv" --sectors "$SECTORS" \
		--db "postgresql:///ours?host=$SF_PG_HOST&user=postgres" --no-progress
	rm -f "$T/s.db" "$T/s.db-wal" "$T/s.db-shm"
	run sqlite "$SF" incidents import "$T/in.csv" --sectors "$SECTORS" --db "$T/s.db" --no-progress
	i=$((i + 1))
done
n=$(psql_ -At -d ours -c 'SELECT count(*) FROM incidents')
[ "$n" = "$ROWS" ] || { echo "pg_import.sh: the store holds $n incidents, not $ROWS" >&2; exit 1; }
n=$(psql_ -At -d peer -c 'SELECT count(*) FROM peer')
[ "$n" = "$ROWS" ] || { echo "pg_import.sh: the peer holds $n rows, not $ROWS" >&2; exit 1; }

row() { # row LABEL NAME
	s=$(cut -d' ' -f1 "$T/$2" | median)
	kb=$(cut -d' ' -f2 "$T/$2" | median)
	echo "| $1 | $s | $(awk "BEGIN { printf \"%.0f\", $ROWS / $s }") | $(awk "BEGIN { printf \"%.1f\", $kb / 1024 }") |"
}
peer_s=$(cut -d' ' -f1 "$T/peer" | median)
ours_s=$(cut -d' ' -f1 "$T/ours" | median)
ver=$(psql_ -At -d postgres -c 'SHOW server_version')
cat <<EOF
Input: $ROWS generated rows ($(awk "BEGIN { printf \"%.0f\", $size / 1e6 }") MB), \`gen_acled --rows $ROWS --seed $SEED --plain\`.
PostgreSQL $ver, a cluster of its own on a Unix socket, fsync on,
shared_buffers 512MB, max_wal_size 4GB. Median of $RUNS interleaved runs,
each into a fresh database; wall time; peak client RSS from /usr/bin/time.

| import of $ROWS rows | seconds | rows/s | peak client RSS (MB) |
|---|---:|---:|---:|
$(row "\`psql \\\\copy\` into a plain table of 31 text columns (peer)" peer)
$(row "\`stabforce incidents import --db postgresql://...\`" ours)
$(row "\`stabforce incidents import --db FILE\` (SQLite, for comparison)" sqlite)

Ratio stabforce (PostgreSQL) / peer: **$(awk "BEGIN { printf \"%.2f\", $ours_s / $peer_s }")** (target: at most 1.5).
EOF
