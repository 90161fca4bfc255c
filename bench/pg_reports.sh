#!/bin/sh
# pg_reports.sh - report and list queries on large stores, SQLite and
# PostgreSQL side by side on the same data (docs/benchmarks.md,
# "PostgreSQL: large stores").
#
#   bench/pg_reports.sh [BUILDDIR ["ROWS ..."]]
#
# BUILDDIR defaults to build, ROWS to "1000000 10000000". For each size:
# gen_acled --plain (SYNTHETIC rows over 700 days from 2024-01-01), one
# import into a SQLite file and one into a PostgreSQL database (a
# throwaway cluster from tests/pg/with-pg.sh: fsync on, shared_buffers
# 1GB, max_wal_size 8GB; incidents partitioned by month), timed; then
# bench/store_reports on each: every query RUNS times (100) on one open
# store (as a server's pooled handle), p50 / p99 / max in ms. Prints
# markdown on stdout. The files need about 1 KB of disk per row (CSV,
# SQLite and PostgreSQL together), in TMPDIR and the cluster's directory.
# EXPLAIN_DIR=DIR: after the timed runs, one more run of every query on
# each store writes its plans to DIR/explain-ROWS-pg.txt (auto_explain:
# EXPLAIN ANALYZE, BUFFERS of every statement, from the server's log) and
# DIR/explain-ROWS-sqlite.txt (EXPLAIN QUERY PLAN of every SELECT the
# store prepares, through bench/sqlite_eqp.c preloaded; needs cc).
set -u

B=${1:-build}
SIZES=${2:-1000000 10000000}
if [ -z "${SF_PG_HOST:-}" ]; then
	here=$(cd "$(dirname "$0")/.." && pwd)
	SF_PG_FSYNC=on SF_PG_OPTS="-c shared_buffers=1GB -c max_wal_size=8GB" \
		exec sh "$here/tests/pg/with-pg.sh" sh "$0" "$B" "$SIZES"
fi
RUNS=${RUNS:-100}
SF=$B/stabforce
GEN=$B/bench/gen_acled
REP=$B/bench/store_reports
SECTORS=examples/gaza/sectors.geojson
for p in "$SF" "$GEN" "$REP"; do
	[ -x "$p" ] || { echo "pg_reports.sh: '$p' missing: build first (ninja -C $B)" >&2; exit 2; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-pgrep.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
psql_() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$SF_PG_HOST" -U postgres "$@"; }
secs() { # secs CMD...: wall seconds of CMD
	/usr/bin/time -f '%e' -o "$T/t" "$@" >/dev/null 2>"$T/err" ||
		{ echo "pg_reports.sh: '$*' failed:" >&2; cat "$T/err" >&2; exit 1; }
	cat "$T/t"
}

echo "PostgreSQL $(psql_ -d postgres -c 'SHOW server_version'), fsync on, shared_buffers 1GB;"
echo "SQLite $(sqlite3 --version | cut -d' ' -f1) (WAL, synchronous=NORMAL). $RUNS runs per query after a warm-up."
for rows in $SIZES; do
	echo "size $rows: generating" >&2
	"$GEN" --rows "$rows" --seed 1 --plain >"$T/in.csv" 2>/dev/null
	db="r$rows"
	psql_ -d postgres -c "CREATE DATABASE $db"
	uri="postgresql:///$db?host=$SF_PG_HOST&user=postgres"
	echo "size $rows: importing" >&2
	ts=$(secs "$SF" incidents import "$T/in.csv" --sectors "$SECTORS" --db "$T/$db.db" --no-progress)
	tp=$(secs "$SF" incidents import "$T/in.csv" --sectors "$SECTORS" --db "$uri" --no-progress)
	rm -f "$T/in.csv"
	psql_ -d "$db" -c "VACUUM ANALYZE"
	parts=$(psql_ -d "$db" -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'incidents'::regclass")
	roll=$(psql_ -d "$db" -c "SELECT (SELECT count(*) FROM incident_rollup) || ' + ' || (SELECT count(*) FROM actor_rollup)")
	echo "size $rows: queries" >&2
	"$REP" "$T/$db.db" "$RUNS" >"$T/s.md" || exit 1
	"$REP" "$uri" "$RUNS" >"$T/p.md" || exit 1
	if [ -n "${EXPLAIN_DIR:-}" ]; then
		echo "size $rows: plans" >&2
		mkdir -p "$EXPLAIN_DIR"
		[ -f "$T/eqp.so" ] || cc -O1 -shared -fPIC -o "$T/eqp.so" bench/sqlite_eqp.c -ldl ||
			{ echo "pg_reports.sh: cannot build bench/sqlite_eqp.c" >&2; exit 1; }
		rm -f "$EXPLAIN_DIR/explain-$rows-sqlite.txt"
		EQP_OUT="$EXPLAIN_DIR/explain-$rows-sqlite.txt" LD_PRELOAD="$T/eqp.so" \
			"$REP" "$T/$db.db" 1 >/dev/null || exit 1
		psql_ -d postgres -c "ALTER DATABASE $db SET session_preload_libraries = 'auto_explain'" \
			-c "ALTER DATABASE $db SET auto_explain.log_min_duration = 0" \
			-c "ALTER DATABASE $db SET auto_explain.log_analyze = on" \
			-c "ALTER DATABASE $db SET auto_explain.log_buffers = on" \
			-c "ALTER DATABASE $db SET auto_explain.log_nested_statements = on"
		log="$SF_PG_HOST/server.log"
		start=$(($(wc -c <"$log") + 1))
		"$REP" "$uri" 1 >/dev/null || exit 1
		sleep 1
		tail -c +"$start" "$log" >"$EXPLAIN_DIR/explain-$rows-pg.txt"
		psql_ -d postgres -c "ALTER DATABASE $db RESET ALL"
	fi
	cat <<EOT

### $rows incidents

Import: SQLite $ts s, PostgreSQL $tp s ($parts monthly partitions; roll-ups
$roll rows). Store sizes: SQLite $(du -m "$T/$db.db" | cut -f1) MB, PostgreSQL
$(psql_ -d "$db" -c "SELECT pg_database_size('$db') / 1048576") MB.

| query | SQLite p50 | p99 | max | rows | PostgreSQL p50 | p99 | max | rows |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
EOT
	# the query's name once, then SQLite's four columns, then PostgreSQL's
	paste -d'|' "$T/s.md" "$T/p.md" | awk -F'|' '{ printf "|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", $2, $3, $4, $5, $6, $10, $11, $12, $13 }'
	rm -f "$T/$db.db" "$T/$db.db-wal" "$T/$db.db-shm"
	psql_ -d postgres -c "DROP DATABASE $db"
done
