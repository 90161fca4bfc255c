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
# Prints markdown on stdout: wall time (median), rows/s, client CPU, server
# CPU (the backends' CPU, from the postmaster's children times: needs
# /proc), peak client RSS (/usr/bin/time), the ratios ours / peer in wall
# time and in CPU; and the same import into SQLite for comparison. Environment: RUNS (3), SEED (1).
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
# The CPU seconds of the cluster's exited processes (the backends of the
# runs: the postmaster's children times), or 0 when /proc does not tell.
srv_cpu() {
	pm=$(head -n 1 "$SF_PG_DATA/postmaster.pid" 2>/dev/null)
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($16 + $17) / hz }' \
		"/proc/${pm:-0}/stat" 2>/dev/null || echo 0
}
# run NAME CMD...: one timed run; appends "seconds kilobytes client-cpu
# server-cpu" to $T/NAME (server CPU: of the backends that exited meanwhile)
run() {
	name=$1
	shift
	sleep 1 # the backends of the set-up statements before it, too
	s0=$(srv_cpu)
	/usr/bin/time -f '%e %M %U %S' -o "$T/time.one" "$@" >"$T/out.one" 2>"$T/err.one" ||
		{ echo "pg_import.sh: '$*' failed:" >&2; cat "$T/err.one" >&2; exit 1; }
	sleep 1 # the backend exits after the client: let the postmaster reap it
	s1=$(srv_cpu)
	awk -v s0="$s0" -v s1="$s1" '{ printf "%s %s %.2f %.2f\n", $1, $2, $3 + $4, s1 - s0 }' \
		"$T/time.one" >>"$T/$name"
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
	cc=$(cut -d' ' -f3 "$T/$2" | median)
	sc=$(cut -d' ' -f4 "$T/$2" | median)
	[ "$2" = sqlite ] && sc=-
	echo "| $1 | $s | $(awk "BEGIN { printf \"%.0f\", $ROWS / $s }") | $cc | $sc | $(awk "BEGIN { printf \"%.1f\", $kb / 1024 }") |"
}
peer_s=$(cut -d' ' -f1 "$T/peer" | median)
ours_s=$(cut -d' ' -f1 "$T/ours" | median)
cpu() { awk '{ print $3 + $4 }' "$T/$1" | median; }
peer_c=$(cpu peer)
ours_c=$(cpu ours)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
ver=$(psql_ -At -d postgres -c 'SHOW server_version')
cat <<EOF
Input: $ROWS generated rows ($(awk "BEGIN { printf \"%.0f\", $size / 1e6 }") MB), \`gen_acled --rows $ROWS --seed $SEED --plain\`.
PostgreSQL $ver, a cluster of its own on a Unix socket, fsync on,
shared_buffers 512MB, max_wal_size 4GB. Median of $RUNS interleaved runs,
each into a fresh database; wall time, client CPU (user + system) and
peak client RSS from /usr/bin/time; server CPU: the backend's, from the
postmaster's children times. Load average at the end: $load.

| import of $ROWS rows | seconds | rows/s | client CPU (s) | server CPU (s) | peak client RSS (MB) |
|---|---:|---:|---:|---:|---:|
$(row "\`psql \\\\copy\` into a plain table of 31 text columns (peer)" peer)
$(row "\`stabforce incidents import --db postgresql://...\`" ours)
$(row "\`stabforce incidents import --db FILE\` (SQLite, for comparison)" sqlite)

Ratio stabforce (PostgreSQL) / peer: **$(awk "BEGIN { printf \"%.2f\", $ours_s / $peer_s }")** in wall time (target: at most 1.5);
$(awk "BEGIN { printf \"%.2f\", $ours_c / $peer_c }") in CPU (client and server together; the figure to read on a loaded machine).
EOF
