# store.sh - where the register tests keep their stores (sourced, not run).
#
# By default SQLite files in $T. Run under tests/pg/with-pg.sh (SF_PG_HOST
# set, see there), the same tests use PostgreSQL databases on that
# throwaway cluster instead, so one script tests both backends:
#
#   store NAME          the --db location of store NAME (a new database)
#   store_uri NAME      the same location, without creating anything
#   store_sql NAME SQL  run SQL on store NAME, print the rows (unaligned)
#   store_copy A B      store B becomes a copy of store A
#   store_backend       "sqlite" or "postgresql"
#
# Needs $T (a scratch directory) set before use.

if [ -n "${SF_PG_HOST:-}" ]; then
	store_backend() { echo postgresql; }
	store_uri() { echo "postgresql:///$1?host=$SF_PG_HOST&user=postgres"; }
	store() {
		createdb -h "$SF_PG_HOST" -U postgres "$1" 2>/dev/null
		store_uri "$1"
	}
	store_sql() {
		psql -X -q -At -v ON_ERROR_STOP=1 -h "$SF_PG_HOST" -U postgres -d "$1" -c "$2"
	}
	store_copy() {
		createdb -h "$SF_PG_HOST" -U postgres -T "$1" "$2"
	}
else
	store_backend() { echo sqlite; }
	store_uri() { echo "$T/$1.db"; }
	store() { store_uri "$1"; }
	store_sql() { sqlite3 "$T/$1.db" "$2"; }
	store_copy() { cp "$T/$1.db" "$T/$2.db"; }
fi
