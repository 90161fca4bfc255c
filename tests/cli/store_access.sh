#!/bin/sh
# store_access.sh - how the register commands open a store (issue 10 item
# 5): the commands that only read never create a store, never take its
# write lock, and read what they are allowed to. On SQLite and, under
# tests/pg/with-pg.sh, on PostgreSQL (tests/cli/store.sh).
#   1. every read command on a store that does not exist exits 2, says
#      the store does not exist and how to create it, and creates nothing
#      (PostgreSQL: a database without the schema; nothing is migrated);
#   2. a report and a list run while an import holds the write lock (the
#      import reads a FIFO that stays open, so it is still in its
#      transaction; a probe checks it holds the lock): they exit 0 with the
#      last committed state; once the import commits they see its rows;
#   3. SQLite only: a store in a read-only directory, opened by an
#      unprivileged user (nobody when run as root), is read; an import
#      into it fails with exit 4 naming the file; a store the user cannot
#      reach at all is exit 4 naming the file; a file that is not a store
#      is exit 4 naming it, an empty file exit 2;
#   4. SQLite only: a store one schema version behind is migrated by a
#      read that can write, and on read-only media the read says it
#      cannot upgrade it (exit 4, naming the file);
#   5. an aid store without a single figure reports "no data" (json: null)
#      for the means, not 0; its incidents report says no data, not a week
#      of 1970-01-01;
#   6. SQLite only: a writer that finds a new file (rollback journal) while
#      another connection holds its write lock waits for the lock and then
#      turns the file to WAL and migrates it, rather than failing at once
#      with "database is locked" (two servers starting on a new store hit
#      this: SQLite does not call the busy handler there).
# Usage: store_access.sh. Needs: $STABFORCE, $BUILDDIR, $SRCDIR; sqlite3.
set -u
fail=0
T=$(mktemp -d /tmp/sf-store-access.XXXXXX)
chmod 755 "$T"
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
. "$SRCDIR/tests/cli/store.sh"
SF="$STABFORCE"
GEN="$BUILDDIR/bench/gen_acled"
SCEN="$SRCDIR/examples/gaza/scenario.yaml"

no() { echo "FAIL: $*"; fail=1; }
expect() { [ "$2" = "$3" ] || no "$1: got '$2', expected '$3'"; }

# ------------------------------------- 1. reading a store that is not there
if [ "$(store_backend)" = sqlite ]; then
	M=$(store_uri missing)
else
	M=$(store missing) # a database, but no stabforce schema in it
fi
for cmd in "incidents list" "incidents report" "incidents log" "incidents dupes" \
	"incidents threat --scenario $SCEN" "aid list" "aid report" "aid escorts" "token list"; do
	# shellcheck disable=SC2086
	$SF $cmd --db "$M" >"$T/out" 2>"$T/err"
	rc=$?
	expect "$cmd on a missing store: exit" "$rc" 2
	[ -s "$T/out" ] && no "$cmd on a missing store printed: $(head -n 3 "$T/out")"
	if [ "$(store_backend)" = sqlite ]; then
		grep -q "store '$M' does not exist" "$T/err" || no "$cmd: message: $(cat "$T/err")"
	else
		grep -q "is not a stabforce store yet" "$T/err" || no "$cmd: message: $(cat "$T/err")"
	fi
	grep -q "stabforce incidents import FILE --db" "$T/err" ||
		no "$cmd: does not say how to create the store: $(cat "$T/err")"
done
if [ "$(store_backend)" = sqlite ]; then
	[ -e "$M" ] && no "a read command created $M"
else
	expect "tables a read command created" \
		"$(store_sql missing "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
fi

# -------------------------------- 2. reads while an import holds the lock
D=$(store live)
"$GEN" --rows 400 --seed 3 --plain >"$T/base.csv" 2>/dev/null
"$GEN" --rows 300 --seed 4 --plain --id-base 500000 >"$T/more.csv" 2>/dev/null
"$SF" incidents import "$T/base.csv" --db "$D" --no-progress >/dev/null || no "base import"
count() { # incidents listed (notes hold newlines: count the records' keys)
	"$SF" incidents list --db "$D" --include-retracted --format json | grep -o '"event_id_cnty"' | wc -l
}
base=$(count)
"$SF" incidents report --db "$D" --format csv >"$T/report.base" || no "report before the import"
# the write lock, held? (exit 0 when it is)
locked() {
	if [ "$(store_backend)" = sqlite ]; then
		! sqlite3 -cmd ".timeout 0" "$D" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1
	else # the batch lock every import holds (store_pg.c, BATCH_LOCK)
		[ "$(store_sql live 'SELECT pg_try_advisory_xact_lock(7310302462125339495)')" = f ]
	fi
}
mkfifo "$T/fifo"
"$SF" incidents import "$T/fifo" --db "$D" --no-progress >"$T/imp.out" 2>&1 &
imp=$!
exec 3>"$T/fifo"
cat "$T/more.csv" >&3
i=0
while ! locked && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
locked || no "the import does not hold the write lock: the test proves nothing"
if "$SF" incidents report --db "$D" --format csv >"$T/report.during" 2>"$T/err"; then
	cmp -s "$T/report.base" "$T/report.during" || no "a report during the import saw uncommitted rows"
else
	no "a report during an import failed: $(cat "$T/err")"
fi
expect "incidents listed during the import" "$(count 2>"$T/err")" "$base"
kill -0 $imp 2>/dev/null || no "the import ended before the reads: the test proves nothing"
exec 3>&-
wait $imp || no "the import failed: $(cat "$T/imp.out")"
expect "incidents after the import" "$(count)" $((base + 300))

# -------------------------------------------- 3. read-only (SQLite only)
if [ "$(store_backend)" = sqlite ]; then
	as_user=""
	RO="$SF"
	if [ "$(id -u)" -eq 0 ]; then
		as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
		# the build directory may sit where nobody cannot reach (/root/...)
		RO="$T/stabforce"
		cp "$SF" "$RO" && chmod 755 "$RO" || no "copy the binary for nobody"
	fi
	mkdir "$T/ro"
	"$SF" incidents import "$T/base.csv" --db "$T/ro/s.db" --no-progress >/dev/null || no "ro import"
	cp "$T/ro/s.db" "$T/copy.db"
	"$SF" incidents report --db "$T/copy.db" --format csv >"$T/ro.expected"
	[ -e "$T/ro/s.db-wal" ] && no "the store kept its -wal file after the import"
	chmod 444 "$T/ro/s.db"
	chmod 555 "$T/ro"
	# a store closed by its writer (no -wal, no -shm: opened immutable), then
	# as a reader leaves it (an empty -wal and the -shm), then without the -shm
	for case in closed read no-shm; do
		case $case in
		read) chmod 755 "$T/ro" && "$SF" incidents list --db "$T/ro/s.db" >/dev/null &&
			[ -e "$T/ro/s.db-shm" ] && chmod 555 "$T/ro" || no "$case: setup" ;;
		no-shm) chmod 755 "$T/ro" && rm "$T/ro/s.db-shm" && chmod 555 "$T/ro" || no "$case: setup" ;;
		esac
		$as_user "$RO" incidents report --db "$T/ro/s.db" --format csv >"$T/ro.got" 2>"$T/err" ||
			no "$case: a store on read-only media is not read: $(cat "$T/err")"
		cmp -s "$T/ro.expected" "$T/ro.got" || no "$case: the read-only store reads differently"
	done
	$as_user "$RO" incidents import "$T/base.csv" --db "$T/ro/s.db" --no-progress >/dev/null 2>"$T/err"
	expect "import into a read-only store: exit" "$?" 4
	grep -q "store '$T/ro/s.db'" "$T/err" || no "import into a read-only store: message: $(cat "$T/err")"
	chmod 700 "$T/ro"
	$as_user "$RO" incidents report --db "$T/ro/s.db" >/dev/null 2>"$T/err"
	expect "a store the user cannot reach: exit" "$?" 4
	grep -q "cannot read store '$T/ro/s.db'" "$T/err" || no "unreachable store: message: $(cat "$T/err")"
	chmod 755 "$T/ro"
	echo "not a database, not at all; not a database, not at all; not a database" >"$T/junk.db"
	"$SF" incidents list --db "$T/junk.db" >/dev/null 2>"$T/err"
	expect "a file that is not a store: exit" "$?" 4
	grep -q "cannot read store '$T/junk.db'" "$T/err" || no "not a store: message: $(cat "$T/err")"
	: >"$T/empty.db"
	"$SF" aid report --db "$T/empty.db" >/dev/null 2>"$T/err"
	expect "an empty file: exit" "$?" 2
	grep -q "store '$T/empty.db' is not a stabforce store yet" "$T/err" ||
		no "empty file: message: $(cat "$T/err")"
	[ -s "$T/empty.db" ] && no "a read command wrote into an empty file"

	# -------------------------------- 4. a schema behind (SQLite only)
	# version 4 less its migrations 4 and 3 (store_sqlite.c) is version 2
	"$SF" incidents import "$T/base.csv" --db "$T/old.db" --no-progress >/dev/null || no "old import"
	sqlite3 "$T/old.db" "ALTER TABLE incidents DROP COLUMN version;
		ALTER TABLE jobs DROP COLUMN attempts;
		ALTER TABLE incident_rollup DROP COLUMN fatalities_unknown;
		ALTER TABLE actor_rollup DROP COLUMN fatalities_unknown; PRAGMA user_version = 2;" ||
		no "make a v2 store"
	mkdir "$T/old"
	cp "$T/old.db" "$T/old/s.db"
	chmod 444 "$T/old/s.db"
	chmod 555 "$T/old"
	$as_user "$RO" incidents report --db "$T/old/s.db" >/dev/null 2>"$T/err"
	expect "an old store on read-only media: exit" "$?" 4
	grep -q "store '$T/old/s.db' has schema version 2, this stabforce reads 4 and cannot upgrade it" \
		"$T/err" || no "old read-only store: message: $(cat "$T/err")"
	chmod 755 "$T/old"
	"$SF" incidents report --db "$T/old.db" --format csv >"$T/old.got" 2>"$T/err" ||
		no "an old store is not read: $(cat "$T/err")"
	cmp -s "$T/ro.expected" "$T/old.got" || no "the migrated store reads differently"
	expect "schema after a read of an old store" "$(sqlite3 "$T/old.db" 'PRAGMA user_version')" 4
fi

# ----------------------------------------- 5. an aid store with no figures
A=$(store aidless)
head -n 1 "$SRCDIR/examples/gaza/aid-trucks-daily-2023-10-07_2024-01-30.csv" >"$T/aid0.csv"
"$SF" aid import "$T/aid0.csv" --db "$A" >/dev/null || no "aid import of a file without rows"
"$SF" aid report --db "$A" --commitment 600 >"$T/aid.txt" || no "aid report on an empty store"
for m in "mean per day (trucks)" "mean of those as % of commitment" "days below commitment" \
	"last 7-day mean (trucks/day)"; do
	grep -q "^$m  *no data\$" "$T/aid.txt" || no "empty aid store: '$m' is not 'no data': $(cat "$T/aid.txt")"
done
"$SF" aid report --db "$A" --format json >"$T/aid.json" || no "aid report json on an empty store"
# the same store holds no incident: its report says so, and names no week of 1970
"$SF" incidents report --db "$A" >"$T/inc.txt" || no "incidents report on an empty store"
grep -q "no data" "$T/inc.txt" || no "empty store: the incidents report does not say no data"
grep -q "1970" "$T/inc.txt" && no "empty store: the incidents report dates a week in 1970: $(cat "$T/inc.txt")"
grep -q '"mean_per_day": null' "$T/aid.json" || no "empty aid store: mean_per_day is not null"

# ------------------------- 6. a new file whose write lock another one holds
if [ "$(store_backend)" = sqlite ]; then
	L="$T/held.db"
	# the shell takes the write lock, says so through a file, holds it 2 s
	printf 'CREATE TABLE holder(x);\nBEGIN IMMEDIATE;\nINSERT INTO holder VALUES (1);\n.shell touch %s\n.shell sleep 2\nCOMMIT;\n' \
		"$T/held" | sqlite3 "$L" &
	holder=$!
	i=0
	while [ ! -e "$T/held" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$T/held" ] || no "the sqlite3 shell did not take the lock"
	"$SF" token create --role viewer --name waiter --db "$L" >/dev/null 2>"$T/err"
	expect "a writer waiting for a new file's lock: exit ($(cat "$T/err"))" $? 0
	wait $holder
	expect "the waited-for file is in WAL mode" "$(sqlite3 "$L" 'PRAGMA journal_mode')" wal
	"$SF" token list --db "$L" | grep -q waiter || no "the waiter's token is not in the store"
fi

[ $fail -eq 0 ] && echo "store_access: all checks passed"
exit $fail
