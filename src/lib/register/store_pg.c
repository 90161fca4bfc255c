/*
 * store_pg.c - the PostgreSQL backend of sf_store (the one file that
 * includes <libpq-fe.h>).
 *
 * The same operations as store_sqlite.c, with the same results (the whole
 * register test suite runs against both), built from PostgreSQL's own
 * machinery so that several servers, importers and reviewers can share one
 * database.
 *
 * Schema and migrations. Versions are rows of sf_migrations; migrations[i]
 * takes the schema from version i to i + 1. Opening a store reads the
 * version (no lock, no write: a hot standby opens too) and, only when it is
 * behind, migrates inside one transaction holding a transaction-scoped
 * advisory lock, re-reading the version under the lock: two servers that
 * start at once migrate once, the second waits and finds nothing to do.
 * Text columns that are compared or sorted use COLLATE "C", the byte order
 * SQLite uses, whatever the database's locale.
 *
 * Incidents are partitioned by month of event date (native RANGE
 * partitioning on the day number), so reports and lists over a date range
 * read only their months. A partitioned table's unique keys must contain
 * the partition key, and ACLED does revise event dates, so the event id's
 * uniqueness lives in incident_keys (event id, day, timestamp): every
 * writer of an incident first locks its key row, in event id order, and a
 * row whose date changes moves between partitions under that lock.
 * Partitions are made when an import first needs their month: CREATE TABLE
 * ... (LIKE incidents) then ATTACH PARTITION, which takes only a SHARE
 * UPDATE EXCLUSIVE lock on the parent (readers and writers go on; two
 * attaches queue), inside the importing transaction.
 *
 * Reports read the same two roll-ups as SQLite's (incident_rollup,
 * actor_rollup). A transaction collects its roll-up deltas in a temporary
 * table (sf_rdelta) and adds them at commit, grouped and in key order, so
 * that concurrent writers lock roll-up rows in one order, after every
 * incident lock: no deadlock between importers and reviewers.
 *
 * Imports (sf_store_bulk_*): rows stream into a temporary staging table
 * with COPY FROM STDIN as the CSV is parsed (client parsing and server
 * ingest overlap), then set-based statements in the import's transaction:
 * mark all but the winning row of an event that the file repeats (the
 * newest timestamp, the first of equals), then one INSERT ... SELECT ...
 * ON CONFLICT (event_id_cnty) DO UPDATE ... WHERE stored.timestamp <
 * excluded.timestamp on incident_keys whose RETURNING names the events to
 * write and the day and timestamp each replaced (PostgreSQL 15 cannot
 * return old values, so the update keeps them in replaced_day and
 * replaced_ts), then the replaced rows are deleted and the new ones
 * inserted, keeping review status and adding to the version. The counts
 * are those of upserting the rows one by one, as SQLite does. A chunk
 * whose event ids are all new takes a fast path instead (fast_send): COPY
 * of its keys into incident_keys in a savepoint (a stored key fails it,
 * and the chunk takes the upsert; past FAST_SAVEPOINTS chunks, an INSERT
 * ... ON CONFLICT DO NOTHING that counts them instead: no more
 * subtransactions), COPY of its rows straight into
 * incidents, sent while the client parses the next chunk, roll-up deltas
 * summed by the client.
 *
 * Versions: every change of an incident adds one to its version; a review
 * edit may require the version it read (If-Match) and fails with
 * SF_ERR_CONFLICT otherwise, the check made under the key's row lock.
 *
 * Connections: libpq's URI or key=value string, PG* environment variables
 * for what it leaves out. Statements are unnamed (PQexecParams) and
 * temporary tables live within one transaction, so the store also works
 * through PgBouncer in transaction pooling mode. Long reads go through a
 * cursor in batches, so memory stays flat and a callback may run other
 * operations on the same store. A server that cannot be reached, one that
 * shuts down, and a hot standby asked to write are SF_ERR_UNAVAILABLE.
 */
#include "base/internal.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "register/store.h"
#include "stabforce/process.h"

/* ---------------------------------------------------------------- */
/* libpq, loaded when a PostgreSQL store is first opened               */

/*
 * Every libpq function this file calls, through pq (filled by sf_dl_load):
 * the program does not link libpq, so a command that never opens a
 * PostgreSQL store never loads it, nor the TLS, Kerberos and LDAP
 * libraries it pulls in. <libpq-fe.h> still gives every type and
 * signature (__typeof__), so each call is checked as a linked call is.
 */
#define PQ_FUNCTIONS(X)                                                                            \
	X(PQclear)                                                                                 \
	X(PQcmdTuples)                                                                             \
	X(PQconnectdbParams)                                                                       \
	X(PQconsumeInput)                                                                          \
	X(PQerrorMessage)                                                                          \
	X(PQexec)                                                                                  \
	X(PQexecParams)                                                                            \
	X(PQfinish)                                                                                \
	X(PQflush)                                                                                 \
	X(PQfreemem)                                                                               \
	X(PQgetResult)                                                                             \
	X(PQgetisnull)                                                                             \
	X(PQgetvalue)                                                                              \
	X(PQisBusy)                                                                                \
	X(PQisnonblocking)                                                                         \
	X(PQnfields)                                                                               \
	X(PQnotifies)                                                                              \
	X(PQntuples)                                                                               \
	X(PQputCopyData)                                                                           \
	X(PQputCopyEnd)                                                                            \
	X(PQreset)                                                                                 \
	X(PQresultErrorField)                                                                      \
	X(PQresultStatus)                                                                          \
	X(PQsendQuery)                                                                             \
	X(PQserverVersion)                                                                         \
	X(PQsetnonblocking)                                                                        \
	X(PQsocket)                                                                                \
	X(PQstatus)

static struct {
#define X(f) __typeof__(f) *f;
	PQ_FUNCTIONS(X)
#undef X
} pq;

static const char *const pq_sonames[] = {"libpq.so.5", "libpq.so", NULL};
static const sf_dl_sym pq_syms[] = {
#define X(f) {#f, &pq.f},
        PQ_FUNCTIONS(X)
#undef X
};
static sf_dl_lib pq_lib = SF_DL_LIB("libpq", "libpq5", pq_sonames, pq_syms);

/* ---------------------------------------------------------------- */
/* Schema                                                             */

#define TXT " text COLLATE \"C\""
#define NOW_ISO "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/*
 * The incident columns after the key, as in SQLite, typed for PostgreSQL.
 * fatalities NULL is "not reported" (migration 3 dropped the NOT NULL that
 * stores made before it have; a new store gets the column as it is now).
 */
#define INCIDENT_COLS_DDL                                                                          \
	"event_id_cnty" TXT " NOT NULL, event_date" TXT " NOT NULL, year" TXT                      \
	", time_precision" TXT ", disorder_type" TXT ", event_type" TXT                            \
	" NOT NULL, sub_event_type" TXT ", actor1" TXT ", assoc_actor_1" TXT ", inter1" TXT        \
	", actor2" TXT ", assoc_actor_2" TXT ", inter2" TXT ", interaction" TXT                    \
	", civilian_targeting" TXT ", iso" TXT ", region" TXT ", country" TXT ", admin1" TXT       \
	", admin2" TXT ", admin3" TXT ", location" TXT                                             \
	", latitude double precision, longitude double precision, geo_precision" TXT               \
	", source" TXT ", source_scale" TXT ", notes" TXT ", fatalities bigint, tags" TXT          \
	", timestamp bigint NOT NULL DEFAULT 0, day integer NOT NULL, sector" TXT                  \
	" NOT NULL DEFAULT '', sector_method" TXT " NOT NULL DEFAULT 'none',"                      \
	" sector_km double precision NOT NULL DEFAULT 0, status" TXT                               \
	" NOT NULL DEFAULT 'reported', source_system" TXT " NOT NULL DEFAULT 'ACLED',"             \
	" batch bigint"

/* Version 0 -> 1. */
static const char *const migration1[] = {
        "CREATE TABLE batches(id bigserial PRIMARY KEY, kind text NOT NULL, file text,"
        " who text, started text NOT NULL DEFAULT " NOW_ISO ", summary text)",
        /* The event id's uniqueness across partitions, and the lock writers take. */
        "CREATE TABLE incident_keys(event_id_cnty" TXT " PRIMARY KEY, day integer NOT NULL,"
        " timestamp bigint NOT NULL, replaced_day integer, replaced_ts bigint)",
        "CREATE TABLE incidents(" INCIDENT_COLS_DDL ", version bigint NOT NULL DEFAULT 1,"
        " PRIMARY KEY(day, event_id_cnty)) PARTITION BY RANGE (day)",
        "CREATE TABLE incident_rollup(day integer NOT NULL, sector" TXT " NOT NULL,"
        " event_type" TXT " NOT NULL, sub_event_type" TXT " NOT NULL, status" TXT " NOT NULL,"
        " n bigint NOT NULL, fatalities bigint NOT NULL,"
        " PRIMARY KEY(day, sector, event_type, sub_event_type, status))",
        "CREATE TABLE actor_rollup(day integer NOT NULL, actor" TXT " NOT NULL,"
        " sector" TXT " NOT NULL, status" TXT " NOT NULL, n bigint NOT NULL,"
        " fatalities bigint NOT NULL, PRIMARY KEY(day, actor, sector, status))",
        "CREATE TABLE edits(id bigserial PRIMARY KEY, event_id" TXT " NOT NULL,"
        " other_id" TXT " NOT NULL DEFAULT '', what text NOT NULL, old text NOT NULL DEFAULT '',"
        " new text NOT NULL DEFAULT '', note text NOT NULL DEFAULT '',"
        " who text NOT NULL DEFAULT '', at text NOT NULL DEFAULT " NOW_ISO ")",
        "CREATE INDEX edits_event ON edits(event_id)",
        "CREATE INDEX edits_other ON edits(other_id) WHERE other_id <> ''",
        "CREATE TABLE dupe_decisions(a" TXT " NOT NULL, b" TXT " NOT NULL,"
        " decision text NOT NULL CHECK(decision IN ('duplicate','distinct')),"
        " PRIMARY KEY(a, b))",
        "CREATE TABLE aid(day integer NOT NULL, crossing" TXT " NOT NULL,"
        " category" TXT " NOT NULL,"
        " stage" TXT " NOT NULL CHECK(stage IN ('entered','offloaded','collected','intercepted')),"
        " source" TXT " NOT NULL, trucks bigint NOT NULL CHECK(trucks >= 0),"
        " tonnes double precision, batch bigint REFERENCES batches(id),"
        " PRIMARY KEY(day, crossing, category, stage, source))",
        NULL,
};

/*
 * Version 1 -> 2: what `stabforce serve` keeps (service.h), as in SQLite's
 * schema 2: jobs, tokens (hashes only), and the data version, which every
 * transaction that changes the registers moves at its commit.
 */
static const char *const migration2[] = {
        "CREATE TABLE meta(k text PRIMARY KEY, v bigint NOT NULL)",
        "INSERT INTO meta VALUES('data_version', 0)",
        "CREATE TABLE jobs(id bigserial PRIMARY KEY, kind text NOT NULL, scenario text NOT NULL,"
        " request text NOT NULL, key text NOT NULL DEFAULT '',"
        " status text NOT NULL CHECK(status IN"
        " ('queued','running','done','failed','cancelled')),"
        " progress double precision NOT NULL DEFAULT 0, message text NOT NULL DEFAULT '',"
        " result text NOT NULL DEFAULT '', who text NOT NULL DEFAULT '',"
        " worker text NOT NULL DEFAULT '', created bigint NOT NULL,"
        " started bigint NOT NULL DEFAULT 0, finished bigint NOT NULL DEFAULT 0,"
        " lease_until bigint NOT NULL DEFAULT 0, attempts integer NOT NULL DEFAULT 0)",
        "CREATE INDEX jobs_status ON jobs(status, id)",
        "CREATE INDEX jobs_key ON jobs(key) WHERE key <> ''",
        "CREATE TABLE tokens(name text PRIMARY KEY,"
        " role text NOT NULL CHECK(role IN ('viewer','editor','admin')),"
        " hash text NOT NULL UNIQUE, created text NOT NULL DEFAULT " NOW_ISO ","
        " revoked integer NOT NULL DEFAULT 0)",
        NULL,
};

/*
 * Version 2 -> 3, as SQLite's schema 4: fatalities may be NULL, "not
 * reported" (an empty field), kept apart from 0 (the parent's NOT NULL is
 * dropped on every partition too; rows stored before keep their 0), and
 * each roll-up row counts its incidents without a figure.
 */
static const char *const migration3[] = {
        "ALTER TABLE incidents ALTER COLUMN fatalities DROP NOT NULL",
        "ALTER TABLE incident_rollup ADD COLUMN fatalities_unknown bigint NOT NULL DEFAULT 0",
        "ALTER TABLE actor_rollup ADD COLUMN fatalities_unknown bigint NOT NULL DEFAULT 0",
        NULL,
};

/* migrations[i] takes the schema from version i to i + 1. */
static const char *const *const migrations[] = {migration1, migration2, migration3};

enum {
	SCHEMA_VERSION = (int)SF_ARRAY_LEN(migrations),
	FETCH_ROWS = 2000,          /* rows per cursor FETCH */
	CHUNK_BYTES = 16 << 20,     /* COPY data per chunk of an import */
	COPY_PIECE = 256 * 1024,    /* bytes per PQputCopyData */
	FAST_PIECE = 32 * 1024,     /* bytes per PQputCopyData of a fast chunk */
	RS_MAX = 65536,             /* roll-up sums the client keeps before sending them */
	FAST_SAVEPOINTS = 48,       /* fast chunks checked in a savepoint, per transaction */
	MIN_SERVER = 120000,        /* PostgreSQL 12: ATTACH PARTITION without blocking */
	MAX_MONTHS = 12 * 10000 + 1 /* months a day number can fall in (years 0-9999) */
};

/* The advisory locks of migrations and of many-row writers (arbitrary constants). */
static const char *const MIGRATION_LOCK = "7310302462125339494";
static const char *const BATCH_LOCK = "7310302462125339495";

/* ---------------------------------------------------------------- */
/* State                                                              */

/*
 * A roll-up delta the client sums for the rows of fast chunks: key is the
 * start of its COPY row for sf_rdelta (kind, day, f1, f2, f3, f4).
 */
typedef struct rsum {
	char *key;
	size_t len;
	uint64_t h;
	long n, fat, unk;    /* of the import's fast chunks so far (unk: no fatalities figure) */
	long cn, cfat, cunk; /* of the chunk being built (kept or dropped when it is sent) */
	unsigned gen;        /* the chunk that last added to cn, cfat */
} rsum;

typedef struct pg {
	PGconn *conn;
	char where[256];    /* the location without its password, for messages */
	int in_tx;          /* a transaction is open (the caller's or our own) */
	int has_rdelta;     /* the transaction's sf_rdelta table exists */
	int rd_sums;        /* sends of the client's sums of imports in sf_rdelta (rs_flush) */
	int rd_other;       /* sf_rdelta holds other deltas too */
	int roll_empty;     /* the roll-ups were empty when this transaction's import began */
	int read_only;      /* a hot standby */
	int ncursor;        /* cursors opened, for unique names */
	int has_batch_lock; /* the transaction holds BATCH_LOCK */
	int dirty;          /* the transaction changed the registers: move the data version */
	int listening;      /* LISTEN sf_jobs was sent on this connection */
	/* An open bulk upsert: */
	int bulk;           /* between bulk_begin and bulk_end */
	size_t chunk_bytes; /* COPY data per chunk (CHUNK_BYTES; smaller in tests) */
	size_t rs_max;      /* roll-up sums kept before sending them (RS_MAX; smaller in tests) */
	int inflight;       /* a chunk's statements are running on the server */
	long staged;        /* rows added */
	long chunk_rows;    /* rows in copy */
	int chunk_dups;     /* copy may repeat an event id (ids seen: ids) */
	uint64_t *ids;      /* hashes of copy's event ids, open addressing, 0 empty */
	size_t capids;
	sf_upsert_counts counts; /* of the chunks done */
	sf_buf copy;             /* the next chunk, as COPY text */
	long *months;            /* first days of the months of its rows, sorted */
	size_t nmonths, capmonths;
	/* The fast path of an import (see chunk_send): */
	int try_fast;      /* this bulk upsert tries it (imports, not single upserts) */
	int nsubx;         /* fast chunks' savepoints in this transaction (FAST_SAVEPOINTS) */
	int has_fkeys;     /* this bulk upsert made sf_fkeys and sf_fnew */
	int fast_inflight; /* a fast chunk's COPY into incidents is open: sent is its data */
	sf_buf sent;       /* the fast chunk in flight, as COPY text */
	size_t sent_off;   /* how much of it libpq has taken */
	sf_buf keys;       /* the chunk's keys, as COPY text for incident_keys */
	sf_buf rkey;       /* scratch: one roll-up key */
	rsum *rs;          /* roll-up deltas summed by the client, in order of first use */
	size_t nrs, caprs;
	uint32_t *rix; /* their hash index: slots of rs index + 1, 0 empty */
	size_t caprix;
	size_t *touched; /* the entries the chunk being built added to */
	size_t ntouched, captouched;
	unsigned gen; /* the chunk being built, to mark touched entries */
} pg;

static pg *PG(sf_store *st)
{
	return (pg *)st->impl;
}

/*
 * An error from the server or the connection. Unreachable, shutting down
 * and read-only (a standby) are SF_ERR_UNAVAILABLE; everything else
 * SF_ERR_STORE. r may be NULL (the connection's own message).
 */
static sf_status pg_fail(pg *p, const PGresult *r, const char *what, sf_error *err)
{
	const char *state = r ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char conn_msg[SF_ERROR_MESSAGE_MAX];
	sf_status code = SF_ERR_STORE;

	if (!msg || !*msg) {
		sf_strlcpy(conn_msg, pq.PQerrorMessage(p->conn), sizeof conn_msg);
		size_t n = strlen(conn_msg);
		while (n && (conn_msg[n - 1] == '\n' || conn_msg[n - 1] == ' '))
			conn_msg[--n] = '\0';
		msg = n ? conn_msg : "failed";
	}
	/*
	 * A connection the server refused (no such database, authentication) is
	 * the caller's to fix, not a wait: libpq gives no SQLSTATE for it, so
	 * the server's FATAL message tells, unless it says it is starting,
	 * stopping, recovering or full.
	 */
	if (!r && pq.PQstatus(p->conn) != CONNECTION_OK && strstr(msg, "FATAL:") &&
	    !strstr(msg, "starting up") && !strstr(msg, "shutting down") &&
	    !strstr(msg, "recovery") && !strstr(msg, "too many"))
		return sf_error_set(err, SF_ERR_STORE, "store %s: %s: %s", p->where, what, msg);
	if (pq.PQstatus(p->conn) != CONNECTION_OK ||
	    (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)))
		return sf_error_set(err, SF_ERR_UNAVAILABLE,
		                    "store %s: %s: %s (the server cannot be reached: try again "
		                    "when it is back)",
		                    p->where, what, msg);
	if (state && strcmp(state, "25006") == 0)
		return sf_error_set(err, SF_ERR_UNAVAILABLE,
		                    "store %s: %s: the server is a read-only standby: write "
		                    "through the primary",
		                    p->where, what);
	if (state && (strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0))
		return sf_error_set(err, code, "store %s: %s: %s (a concurrent change: try again)",
		                    p->where, what, msg);
	return sf_error_set(err, code, "store %s: %s: %s", p->where, what, msg);
}

/*
 * A connection that broke (the server restarted, a standby was promoted,
 * the network went away) is made again before the next statement, when no
 * transaction was open on it: a long-running server or worker outlives a
 * database restart. Inside a transaction the failure is the caller's (the
 * transaction is gone).
 */
static void reconnect(pg *p)
{
	if (pq.PQstatus(p->conn) != CONNECTION_BAD || p->in_tx)
		return;
	pq.PQreset(p->conn);
	if (pq.PQstatus(p->conn) != CONNECTION_OK)
		return;
	PGresult *r = pq.PQexec(p->conn, p->listening ? "SET temp_buffers = '128MB'; LISTEN sf_jobs"
	                                              : "SET temp_buffers = '128MB'");
	pq.PQclear(r);
}

/* Run sql with text parameters; *out the result when wanted (else cleared). */
static sf_status run(pg *p, const char *sql, int n, const char *const *params, PGresult **out,
                     const char *what, sf_error *err)
{
	reconnect(p);
	PGresult *r = pq.PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = r ? pq.PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		sf_status rc = pg_fail(p, r, what, err);
		pq.PQclear(r);
		if (out)
			*out = NULL;
		return rc;
	}
	if (out)
		*out = r;
	else
		pq.PQclear(r);
	return SF_OK;
}

/* Run one or more statements without parameters. */
static sf_status exec(pg *p, const char *sql, const char *what, sf_error *err)
{
	reconnect(p);
	PGresult *r = pq.PQexec(p->conn, sql);
	ExecStatusType s = r ? pq.PQresultStatus(r) : PGRES_FATAL_ERROR;
	sf_status rc = SF_OK;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = pg_fail(p, r, what, err);
	pq.PQclear(r);
	return rc;
}

/* A single number from the first row (0 when there is no row or it is NULL). */
static sf_status run_long(pg *p, const char *sql, int n, const char *const *params, long *v,
                          const char *what, sf_error *err)
{
	PGresult *r = NULL;
	sf_status rc = run(p, sql, n, params, &r, what, err);
	*v = 0;
	if (rc == SF_OK && pq.PQntuples(r) > 0 && !pq.PQgetisnull(r, 0, 0) &&
	    sf_parse_long(pq.PQgetvalue(r, 0, 0), v) != 0)
		rc = sf_error_set(err, SF_ERR_STORE, "store %s: %s: not a number '%s'", p->where,
		                  what, pq.PQgetvalue(r, 0, 0));
	pq.PQclear(r);
	return rc;
}

static long num(const PGresult *r, int row, int col)
{
	long v = 0;
	if (!pq.PQgetisnull(r, row, col))
		sf_parse_long(pq.PQgetvalue(r, row, col), &v);
	return v;
}

static double dnum(const PGresult *r, int row, int col)
{
	return pq.PQgetisnull(r, row, col) ? NAN : strtod(pq.PQgetvalue(r, row, col), NULL);
}

/* ---------------------------------------------------------------- */
/* Transactions and roll-up deltas                                    */

/*
 * Enter a transaction: the caller's when one is open (*own 0), else our
 * own (*own 1), ended by tx_leave.
 */
static sf_status tx_enter(pg *p, int *own, sf_error *err)
{
	*own = 0;
	if (p->in_tx)
		return SF_OK;
	sf_status rc = exec(p, "BEGIN", "begin", err);
	if (rc == SF_OK) {
		p->in_tx = 1;
		*own = 1;
	}
	return rc;
}

static sf_status flush_rdelta(pg *p, sf_error *err);

static void tx_abort(pg *p)
{
	PGresult *r = pq.PQexec(p->conn, "ROLLBACK");
	pq.PQclear(r);
	p->in_tx = 0;
	p->has_rdelta = p->rd_sums = p->rd_other = p->roll_empty = 0;
	p->has_batch_lock = 0;
	p->nsubx = 0;
	p->dirty = 0;
}

/*
 * Commit: the roll-up deltas, then the data version (the last lock taken, a
 * moment before the commit), then COMMIT.
 */
static sf_status tx_commit(pg *p, sf_error *err)
{
	sf_status rc = flush_rdelta(p, err);
	if (rc == SF_OK && p->dirty)
		rc = exec(p, "UPDATE meta SET v = v + 1 WHERE k = 'data_version'",
		          "move the data version", err);
	if (rc == SF_OK)
		rc = exec(p, "COMMIT", "commit", err);
	if (rc != SF_OK)
		tx_abort(p);
	p->in_tx = 0;
	p->has_rdelta = p->rd_sums = p->rd_other = p->roll_empty = 0;
	p->has_batch_lock = 0;
	p->nsubx = 0;
	p->dirty = 0;
	return rc;
}

/* Leave what tx_enter entered: commit our own on success, roll it back on failure. */
static sf_status tx_leave(pg *p, int own, sf_status rc, sf_error *err)
{
	if (!own)
		return rc;
	if (rc == SF_OK)
		return tx_commit(p, err);
	tx_abort(p);
	return rc;
}

static sf_status need_rdelta(pg *p, sf_error *err)
{
	if (p->has_rdelta)
		return SF_OK;
	sf_status rc = exec(p,
	                    "CREATE TEMP TABLE IF NOT EXISTS sf_rdelta(kind \"char\" NOT NULL,"
	                    " day integer NOT NULL, f1" TXT " NOT NULL, f2" TXT " NOT NULL,"
	                    " f3" TXT " NOT NULL, f4" TXT " NOT NULL, n bigint NOT NULL,"
	                    " fat bigint NOT NULL, unk bigint NOT NULL DEFAULT 0) ON COMMIT DROP",
	                    "roll-up deltas", err);
	if (rc == SF_OK)
		p->has_rdelta = 1;
	return rc;
}

/*
 * The roll-up deltas of a set of incident rows: a query ending in a CTE or
 * table named x with columns day, sector, event_type, sub, status, fat
 * (NULL: not reported, counted in unk), actor1, actor2 and sign (+1, -1)
 * appends this. Kind 'I' rows go to
 * incident_rollup, 'A' rows to actor_rollup (actor1, and actor2 when it
 * differs; empty actors count for nobody), as store_sqlite.c counts them.
 */
#define DELTAS_FROM_X                                                                              \
	" INSERT INTO sf_rdelta(kind, day, f1, f2, f3, f4, n, fat, unk)"                           \
	" SELECT 'I', day, sector, event_type, sub, status, sum(sign),"                            \
	" coalesce(sum(sign * fat), 0), coalesce(sum(sign) FILTER (WHERE fat IS NULL), 0) FROM x"  \
	" GROUP BY day, sector, event_type, sub, status"                                           \
	" UNION ALL SELECT 'A', day, a, sector, status, '', sum(sign),"                            \
	" coalesce(sum(sign * fat), 0), coalesce(sum(sign) FILTER (WHERE fat IS NULL), 0)"         \
	" FROM x CROSS JOIN LATERAL (VALUES (actor1),"                                             \
	" (CASE WHEN actor2 <> actor1 THEN actor2 END)) v(a)"                                      \
	" WHERE a <> '' GROUP BY day, a, sector, status"

/* The deltas of one incident row given by value, with sign +1 or -1. */
static sf_status add_deltas(pg *p, long day, const char *sector, const char *type, const char *sub,
                            const char *status, const char *a1, const char *a2, long fat, int sign,
                            sf_error *err)
{
	char dbuf[24], fbuf[24], sbuf[8];
	sf_snprintf(dbuf, sizeof dbuf, "%ld", day);
	sf_snprintf(fbuf, sizeof fbuf, "%ld", fat);
	sf_snprintf(sbuf, sizeof sbuf, "%d", sign);
	/* fat < 0 (SF_FATALITIES_NONE): NULL, counted as not reported. */
	const char *params[] = {dbuf, sector, type, sub, status, fat < 0 ? NULL : fbuf,
	                        a1,   a2,     sbuf};
	sf_status rc = need_rdelta(p, err);
	if (rc != SF_OK)
		return rc;
	p->rd_other = 1;
	return run(p,
	           "WITH x AS (SELECT $1::integer AS day, $2::text AS sector,"
	           " $3::text AS event_type, $4::text AS sub, $5::text AS status,"
	           " $6::bigint AS fat, $7::text AS actor1, $8::text AS actor2,"
	           " $9::bigint AS sign)" DELTAS_FROM_X,
	           9, params, NULL, "roll-up deltas", err);
}

/*
 * Add the transaction's deltas to the roll-ups, grouped, in key order (so
 * that concurrent commits lock roll-up rows in one order), and drop the
 * rows that reach zero.
 */
static sf_status flush_rdelta(pg *p, sf_error *err)
{
	if (!p->has_rdelta)
		return SF_OK;
	/*
	 * The client's sums of imports into empty roll-ups, and nothing else:
	 * none stored, so plain inserts (in key order) do, without the conflict
	 * checks: for the 80,000 keys of 300,000 generated rows the general
	 * statements took 0.30-0.33 s, these (grouped) 0.22 s (statement
	 * times, load average 2). One send has one row per key already; several
	 * (an import past RS_MAX sums, or two imports in the transaction) are
	 * grouped first. In a savepoint: a writer that added one of the keys
	 * since (a unique violation) sends it back to the general statements.
	 */
	if (p->rd_sums && !p->rd_other && p->roll_empty) {
		PGresult *r = pq.PQexec(
		        p->conn,
		        p->rd_sums == 1
		                ? "SAVEPOINT sf_roll; INSERT INTO incident_rollup(day, sector,"
		                  " event_type, sub_event_type, status, n, fatalities,"
		                  " fatalities_unknown) SELECT day, f1, f2, f3, f4, n, fat, unk"
		                  " FROM sf_rdelta WHERE kind = 'I' ORDER BY day, f1, f2, f3, f4;"
		                  " INSERT INTO actor_rollup(day, actor, sector, status,"
		                  " n, fatalities, fatalities_unknown) SELECT day, f1, f2, f3, n,"
		                  " fat, unk FROM sf_rdelta WHERE kind = 'A'"
		                  " ORDER BY day, f1, f2, f3; RELEASE SAVEPOINT sf_roll;"
		                  " DROP TABLE sf_rdelta"
		                : "SAVEPOINT sf_roll; INSERT INTO incident_rollup(day, sector,"
		                  " event_type, sub_event_type, status, n, fatalities,"
		                  " fatalities_unknown) SELECT day, f1, f2, f3, f4, sum(n),"
		                  " sum(fat), sum(unk) FROM sf_rdelta"
		                  " WHERE kind = 'I' GROUP BY day, f1, f2, f3, f4"
		                  " ORDER BY day, f1, f2, f3, f4;"
		                  " INSERT INTO actor_rollup(day, actor, sector, status,"
		                  " n, fatalities, fatalities_unknown) SELECT day, f1, f2, f3,"
		                  " sum(n), sum(fat), sum(unk)"
		                  " FROM sf_rdelta WHERE kind = 'A' GROUP BY day, f1, f2, f3"
		                  " ORDER BY day, f1, f2, f3;"
		                  " RELEASE SAVEPOINT sf_roll; DROP TABLE sf_rdelta");
		ExecStatusType st = r ? pq.PQresultStatus(r) : PGRES_FATAL_ERROR;
		const char *state = r ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
		sf_status rc = SF_OK;
		if (st == PGRES_COMMAND_OK) {
			p->has_rdelta = p->rd_sums = p->rd_other = 0;
		} else if (state && strcmp(state, "23505") == 0) {
			rc = exec(p, "ROLLBACK TO SAVEPOINT sf_roll; RELEASE SAVEPOINT sf_roll",
			          "update roll-up", err);
		} else {
			rc = pg_fail(p, r, "update roll-up", err);
		}
		pq.PQclear(r);
		if (rc != SF_OK || !p->has_rdelta)
			return rc;
	}
	sf_status rc = exec(
	        p,
	        "INSERT INTO incident_rollup AS r(day, sector, event_type, sub_event_type, status,"
	        " n, fatalities, fatalities_unknown) SELECT day, f1, f2, f3, f4, sum(n), sum(fat),"
	        " sum(unk) FROM sf_rdelta WHERE kind = 'I' GROUP BY day, f1, f2, f3, f4"
	        " HAVING sum(n) <> 0 OR sum(fat) <> 0 OR sum(unk) <> 0"
	        " ORDER BY day, f1, f2, f3, f4"
	        " ON CONFLICT (day, sector, event_type, sub_event_type, status) DO UPDATE"
	        " SET n = r.n + excluded.n, fatalities = r.fatalities + excluded.fatalities,"
	        " fatalities_unknown = r.fatalities_unknown + excluded.fatalities_unknown",
	        "update roll-up", err);
	if (rc == SF_OK)
		rc = exec(
		        p,
		        "INSERT INTO actor_rollup AS r(day, actor, sector, status, n, fatalities,"
		        " fatalities_unknown) SELECT day, f1, f2, f3, sum(n), sum(fat), sum(unk)"
		        " FROM sf_rdelta WHERE kind = 'A' GROUP BY day, f1, f2, f3"
		        " HAVING sum(n) <> 0 OR sum(fat) <> 0 OR sum(unk) <> 0"
		        " ORDER BY day, f1, f2, f3"
		        " ON CONFLICT (day, actor, sector, status) DO UPDATE"
		        " SET n = r.n + excluded.n, fatalities = r.fatalities + "
		        "excluded.fatalities,"
		        " fatalities_unknown = r.fatalities_unknown + excluded.fatalities_unknown",
		        "update roll-up", err);
	if (rc == SF_OK)
		rc = exec(p,
		          "DELETE FROM incident_rollup r USING (SELECT DISTINCT day, f1, f2, f3, f4"
		          " FROM sf_rdelta WHERE kind = 'I' AND n < 0) d WHERE r.day = d.day"
		          " AND r.sector = d.f1 AND r.event_type = d.f2 AND r.sub_event_type = d.f3"
		          " AND r.status = d.f4 AND r.n <= 0",
		          "update roll-up", err);
	if (rc == SF_OK)
		rc = exec(
		        p,
		        "DELETE FROM actor_rollup r USING (SELECT DISTINCT day, f1, f2, f3"
		        " FROM sf_rdelta WHERE kind = 'A' AND n < 0) d WHERE r.day = d.day"
		        " AND r.actor = d.f1 AND r.sector = d.f2 AND r.status = d.f3 AND r.n <= 0",
		        "update roll-up", err);
	if (rc == SF_OK)
		rc = exec(p, "DROP TABLE sf_rdelta", "update roll-up", err);
	if (rc == SF_OK)
		p->has_rdelta = p->rd_sums = p->rd_other = 0;
	return rc;
}

/* ---------------------------------------------------------------- */
/* Reading rows                                                       */

/* Called per row of a result; nonzero stops. */
typedef int (*row_fn)(void *ctx, const PGresult *r, int row);

/*
 * Run a query through a cursor, FETCH_ROWS at a time, calling fn per row:
 * memory stays flat however many rows there are, and fn may use the store
 * (the connection is free between fetches).
 */
static sf_status each_row(pg *p, const char *sql, int n, const char *const *params, row_fn fn,
                          void *ctx, const char *what, sf_error *err)
{
	char name[32], fetch[64], close_sql[48];
	sf_buf decl;
	int own = 0, stop = 0;
	sf_status rc = tx_enter(p, &own, err);
	if (rc != SF_OK)
		return rc;
	sf_snprintf(name, sizeof name, "sf_c%d", ++p->ncursor);
	sf_snprintf(fetch, sizeof fetch, "FETCH %d FROM %s", FETCH_ROWS, name);
	sf_snprintf(close_sql, sizeof close_sql, "CLOSE %s", name);
	sf_buf_init(&decl, 0);
	if (sf_buf_addf(&decl, "DECLARE %s NO SCROLL CURSOR FOR %s", name, sql) != SF_OK) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "store: query too long");
		goto out;
	}
	rc = run(p, sf_buf_str(&decl), n, params, NULL, what, err);
	while (rc == SF_OK && !stop) {
		PGresult *r = NULL;
		rc = run(p, fetch, 0, NULL, &r, what, err);
		if (rc != SF_OK)
			break;
		int rows = pq.PQntuples(r);
		for (int i = 0; i < rows && !stop; i++)
			stop = fn(ctx, r, i);
		pq.PQclear(r);
		if (rows < FETCH_ROWS)
			break;
	}
	if (rc == SF_OK)
		rc = exec(p, close_sql, what, err);
out:
	sf_buf_release(&decl);
	return tx_leave(p, own, rc, err);
}

/*
 * The same for a result known to be small (a report's roll-up rows, one
 * page of a list): one statement, all rows at once, no cursor round trips.
 * fn may still use the store: the result is complete before it is called.
 */
static sf_status each_row_small(pg *p, const char *sql, int n, const char *const *params, row_fn fn,
                                void *ctx, const char *what, sf_error *err)
{
	PGresult *r = NULL;
	sf_status rc = run(p, sql, n, params, &r, what, err);
	for (int i = 0; rc == SF_OK && i < pq.PQntuples(r); i++)
		if (fn(ctx, r, i))
			break;
	pq.PQclear(r);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Operations: transactions, batches                                  */

static void rs_clear(pg *p);

static void op_close(sf_store *st)
{
	pg *p = PG(st);
	if (!p)
		return;
	if (p->conn)
		pq.PQfinish(p->conn);
	sf_buf_release(&p->copy);
	sf_buf_release(&p->keys);
	sf_buf_release(&p->sent);
	sf_buf_release(&p->rkey);
	rs_clear(p);
	free(p->rs);
	free(p->rix);
	free(p->touched);
	free(p->months);
	free(p->ids);
	free(p);
	st->impl = NULL;
}

static sf_status op_begin(sf_store *st, sf_error *err)
{
	pg *p = PG(st);
	if (p->in_tx)
		return sf_error_set(err, SF_ERR_USAGE, "store: a transaction is already open");
	sf_status rc = exec(p, "BEGIN", "begin", err);
	if (rc == SF_OK)
		p->in_tx = 1;
	return rc;
}

static sf_status op_commit(sf_store *st, sf_error *err)
{
	pg *p = PG(st);
	if (!p->in_tx)
		return sf_error_set(err, SF_ERR_USAGE, "store: no transaction to commit");
	return tx_commit(p, err);
}

static void bulk_abandon(pg *p);

static void op_rollback(sf_store *st)
{
	pg *p = PG(st);
	bulk_abandon(p);
	if (p->in_tx)
		tx_abort(p);
}

static sf_status log_edit(pg *p, const char *event_id, const char *other, const char *what,
                          const char *from, const char *to, const char *note, const char *who,
                          sf_error *err);

static sf_status op_batch_begin(sf_store *st, const char *kind, const char *file, const char *who,
                                long *batch, sf_error *err)
{
	pg *p = PG(st);
	const char *params[] = {kind, file ? file : "", who ? who : ""};
	int own = 0;
	sf_status rc = tx_enter(p, &own, err);
	if (rc == SF_OK)
		rc = run_long(
		        p, "INSERT INTO batches(kind, file, who) VALUES($1, $2, $3) RETURNING id",
		        3, params, batch, "new batch", err);
	/* Every write is in the edit log with who made it: an import as its batch. */
	if (rc == SF_OK) {
		char subject[48];
		sf_snprintf(subject, sizeof subject, "batch:%ld", *batch);
		rc = log_edit(p, subject, NULL, "import", "", kind, file, who, err);
	}
	p->dirty = 1;
	return tx_leave(p, own, rc, err);
}

static sf_status op_batch_end(sf_store *st, long batch, const char *summary, sf_error *err)
{
	pg *p = PG(st);
	char id[24];
	int own = 0;
	sf_snprintf(id, sizeof id, "%ld", batch);
	const char *params[] = {id, summary};
	sf_status rc = tx_enter(p, &own, err);
	if (rc == SF_OK)
		rc = run(p, "UPDATE batches SET summary = $2 WHERE id = $1", 2, params, NULL,
		         "batch summary", err);
	p->dirty = 1;
	return tx_leave(p, own, rc, err);
}

/* ---------------------------------------------------------------- */
/* Partitions                                                         */

/* The first day of the month of `day` (days since 1970-01-01). */
static long month_start(long day)
{
	char d[16];
	long first = day;
	sf_date_format(day, d, sizeof d);
	if (strlen(d) == 10) {
		d[8] = '0';
		d[9] = '1';
		if (sf_date_parse(d, &first) != 0)
			first = day;
	}
	return first;
}

/* Remember the month of a staged row (months stay sorted, without repeats). */
static int note_month(pg *p, long day)
{
	long m = month_start(day);
	size_t lo = 0, hi = p->nmonths;
	if (p->nmonths && p->months[p->nmonths - 1] == m)
		return 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->months[mid] < m)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->nmonths && p->months[lo] == m)
		return 0;
	if (p->nmonths == p->capmonths) {
		size_t ncap = p->capmonths ? p->capmonths * 2 : 64;
		long *nm = realloc(p->months, ncap * sizeof *nm);
		if (!nm)
			return -1;
		p->months = nm;
		p->capmonths = ncap;
	}
	memmove(p->months + lo + 1, p->months + lo, (p->nmonths - lo) * sizeof *p->months);
	p->months[lo] = m;
	p->nmonths++;
	return 0;
}

/* "incidents_2025_05" for the month starting on `first`. */
static void partition_name(long first, char *buf, size_t n)
{
	char d[16];
	sf_date_format(first, d, sizeof d);
	if (strlen(d) == 10 && d[4] == '-')
		sf_snprintf(buf, n, "incidents_%.4s_%.2s", d, d + 5);
	else
		sf_snprintf(buf, n, "incidents_d%ld", first);
}

/*
 * Make the partitions of the noted months that do not exist yet. The
 * check needs no lock; making one takes the parent's SHARE UPDATE
 * EXCLUSIVE lock (queueing other attaches, not readers or writers) and
 * checks again under it.
 */
static sf_status ensure_partitions(pg *p, sf_error *err)
{
	sf_buf names, sql;
	PGresult *r = NULL;
	sf_status rc = SF_OK;
	char name[48];

	if (!p->nmonths)
		return SF_OK;
	sf_buf_init(&names, 0);
	sf_buf_init(&sql, 0);
	for (size_t i = 0; i < p->nmonths && rc == SF_OK; i++) {
		partition_name(p->months[i], name, sizeof name);
		rc = sf_buf_addf(&names, "%s%s", i ? "," : "{", name);
	}
	rc = rc ? rc : sf_buf_adds(&names, "}");
	if (rc != SF_OK) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	const char *param[] = {sf_buf_str(&names)};
	static const char *const missing_sql =
	        "SELECT n FROM unnest($1::text[]) n WHERE NOT EXISTS (SELECT 1 FROM pg_inherits i"
	        " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'incidents'::regclass"
	        " AND c.relname = n)";
	rc = run(p, missing_sql, 1, param, &r, "list partitions", err);
	if (rc != SF_OK || pq.PQntuples(r) == 0)
		goto out;
	pq.PQclear(r);
	r = NULL;
	rc = exec(p, "LOCK TABLE incidents IN SHARE UPDATE EXCLUSIVE MODE", "lock incidents", err);
	if (rc == SF_OK)
		rc = run(p, missing_sql, 1, param, &r, "list partitions", err);
	for (size_t i = 0; rc == SF_OK && i < p->nmonths; i++) {
		partition_name(p->months[i], name, sizeof name);
		int found = 0;
		for (int k = 0; k < pq.PQntuples(r) && !found; k++)
			found = strcmp(pq.PQgetvalue(r, k, 0), name) == 0;
		if (!found)
			continue;
		long next = month_start(p->months[i] + 31);
		sf_buf_reset(&sql);
		if (sf_buf_addf(
		            &sql,
		            "CREATE TABLE %s (LIKE incidents INCLUDING DEFAULTS INCLUDING "
		            "CONSTRAINTS); ALTER TABLE incidents ATTACH PARTITION %s FOR VALUES "
		            "FROM (%ld) TO (%ld)",
		            name, name, p->months[i], next) != SF_OK) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			break;
		}
		rc = exec(p, sf_buf_str(&sql), "make a month's partition", err);
	}
out:
	pq.PQclear(r);
	sf_buf_release(&names);
	sf_buf_release(&sql);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Bulk upsert                                                        */

/* The staged columns, in COPY order (the incident's own, then the row's input line). */
#define STAGE_COLS                                                                                 \
	"event_id_cnty, event_date, year, time_precision, disorder_type, event_type,"              \
	" sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2,"           \
	" interaction, civilian_targeting, iso, region, country, admin1, admin2, admin3,"          \
	" location, latitude, longitude, geo_precision, source, source_scale, notes,"              \
	" fatalities, tags, timestamp, day, sector, sector_method, sector_km, status,"             \
	" source_system, batch"

/*
 * Take the store's batch lock (once per transaction): writers of many rows
 * in one transaction (imports, deletions lists, aid files) run one at a
 * time, so they cannot deadlock on each other's rows whatever order their
 * files are in. Single writes (a review, one upsert) do not take it; they
 * lock one key, and roll-ups only at commit.
 */
static sf_status batch_lock(pg *p, sf_error *err)
{
	if (p->has_batch_lock)
		return SF_OK;
	const char *key[] = {BATCH_LOCK};
	sf_status rc = run(p, "SELECT pg_advisory_xact_lock($1::bigint)", 1, key, NULL,
	                   "wait for other imports", err);
	if (rc == SF_OK)
		p->has_batch_lock = 1;
	return rc;
}

/* The temporary tables of an import, for its transaction. */
static const char *const bulk_tables_sql =
        "CREATE TEMP TABLE sf_stage(" INCIDENT_COLS_DDL ", seq bigserial,"
        " loser boolean NOT NULL DEFAULT false) ON COMMIT DROP;"
        " CREATE TEMP TABLE sf_dup(event_id_cnty" TXT ") ON COMMIT DROP;"
        " CREATE TEMP TABLE sf_chg(event_id_cnty" TXT ", prev_day integer, prev_ts bigint)"
        " ON COMMIT DROP;"
        " CREATE TEMP TABLE sf_gone(event_id_cnty" TXT ", day integer, sector" TXT ","
        " event_type" TXT ", sub" TXT ", status" TXT ", fat bigint, actor1" TXT ","
        " actor2" TXT ", version bigint) ON COMMIT DROP;"
        " CREATE TEMP TABLE sf_dupn(event_id_cnty" TXT ", nupd bigint) ON COMMIT DROP;"
        " SET LOCAL work_mem = '64MB';"
        /* The scratch tables have no statistics: the planner's guesses at their
         * sizes reach JIT compilation's threshold, which then costs more than
         * the statements (seconds on a loaded machine). */
        " SET LOCAL jit = off";

/*
 * What the server does with one staged chunk, sent as one string (one
 * round trip; the client parses the next chunk meanwhile). In order:
 *   1. the events the chunk repeats, and all but the winner of each marked
 *      (the newest timestamp, the first of equals);
 *   2. the upsert of the keys, in event id order (the order every writer
 *      locks keys in; in a file ordered otherwise, also far fewer pages
 *      touched): which events change, and what each replaced; then
 *      ANALYZE of that list, so that the planner, which has no statistics
 *      on a temporary table, looks the replaced rows up by key instead of
 *      scanning every partition (a chunk of new events into a large store
 *      read all of it);
 *   3. per repeated event that changes, how many of its rows were updates
 *      had they been upserted one by one (a row updates when it is newer
 *      than the stored row and every earlier row; the first row of a new
 *      event is its insert);
 *   4. the replaced rows leave their partitions (what they were is kept
 *      for the roll-ups and the version);
 *   5. the new rows go in, in (day, event id) order, the order of each
 *      partition's key, keeping the review status, and the roll-up deltas
 *      of both are added to the transaction's;
 *   6. the chunk's counts: events inserted, events replaced once, and the
 *      updates of repeated events;
 *   7. the staging tables are emptied for the next chunk.
 * Steps 1 and 3 only run when the client saw the chunk repeat an event id
 * (most chunks do not).
 */
#define CHUNK_DEDUPE                                                                               \
	"INSERT INTO sf_dup SELECT event_id_cnty FROM sf_stage GROUP BY 1 HAVING count(*) > 1;"    \
	" UPDATE sf_stage s SET loser = true FROM (SELECT seq, row_number() OVER"                  \
	" (PARTITION BY event_id_cnty ORDER BY timestamp DESC, seq) AS rn FROM sf_stage"           \
	" WHERE event_id_cnty IN (SELECT event_id_cnty FROM sf_dup)) w"                            \
	" WHERE s.seq = w.seq AND w.rn > 1;"

#define CHUNK_KEYS                                                                                 \
	" WITH k AS (INSERT INTO incident_keys AS stored(event_id_cnty, day, timestamp)"           \
	" SELECT event_id_cnty, day, timestamp FROM sf_stage WHERE NOT loser"                      \
	" ORDER BY event_id_cnty ON CONFLICT (event_id_cnty) DO UPDATE SET day = excluded.day,"    \
	" timestamp = excluded.timestamp, replaced_day = stored.day,"                              \
	" replaced_ts = stored.timestamp WHERE stored.timestamp < excluded.timestamp"              \
	" RETURNING event_id_cnty, replaced_day, replaced_ts)"                                     \
	" INSERT INTO sf_chg SELECT * FROM k; ANALYZE sf_chg;"

#define CHUNK_DUP_UPDATES                                                                          \
	" INSERT INTO sf_dupn SELECT event_id_cnty, count(*) FILTER (WHERE timestamp >"            \
	" greatest(prev_ts, prior)) FROM (SELECT s.event_id_cnty, s.timestamp, c.prev_ts,"         \
	" max(s.timestamp) OVER (PARTITION BY s.event_id_cnty ORDER BY s.seq ROWS BETWEEN"         \
	" UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior FROM sf_stage s"                           \
	" JOIN sf_chg c USING (event_id_cnty) JOIN sf_dup USING (event_id_cnty)) x"                \
	" GROUP BY 1;"

#define CHUNK_REPLACE                                                                              \
	" WITH g AS (DELETE FROM incidents i USING sf_chg c WHERE c.prev_day IS NOT NULL"          \
	" AND i.day = c.prev_day AND i.event_id_cnty = c.event_id_cnty"                            \
	" RETURNING i.event_id_cnty, i.day, i.sector, i.event_type,"                               \
	" coalesce(i.sub_event_type, '') AS sub, i.status, i.fatalities AS fat,"                   \
	" coalesce(i.actor1, '') AS actor1, coalesce(i.actor2, '') AS actor2, i.version)"          \
	" INSERT INTO sf_gone SELECT * FROM g;"

#define CHUNK_INSERT                                                                               \
	" WITH n AS (INSERT INTO incidents(" STAGE_COLS ", version)"                               \
	" SELECT s.event_id_cnty, s.event_date, s.year, s.time_precision, s.disorder_type,"        \
	" s.event_type, s.sub_event_type, s.actor1, s.assoc_actor_1, s.inter1, s.actor2,"          \
	" s.assoc_actor_2, s.inter2, s.interaction, s.civilian_targeting, s.iso, s.region,"        \
	" s.country, s.admin1, s.admin2, s.admin3, s.location, s.latitude, s.longitude,"           \
	" s.geo_precision, s.source, s.source_scale, s.notes, s.fatalities, s.tags,"               \
	" s.timestamp, s.day, s.sector, s.sector_method, s.sector_km,"                             \
	" coalesce(g.status, s.status), s.source_system, s.batch,"                                 \
	" CASE WHEN g.version IS NULL THEN 1 + coalesce(d.nupd, 0)"                                \
	" ELSE g.version + coalesce(d.nupd, 1) END"                                                \
	" FROM sf_stage s JOIN sf_chg c USING (event_id_cnty)"                                     \
	" LEFT JOIN sf_gone g USING (event_id_cnty) LEFT JOIN sf_dupn d USING (event_id_cnty)"     \
	" WHERE NOT s.loser ORDER BY s.day, s.event_id_cnty"                                       \
	" RETURNING day, sector, event_type, coalesce(sub_event_type, '') AS sub, status,"         \
	" fatalities AS fat, coalesce(actor1, '') AS actor1, coalesce(actor2, '') AS actor2),"     \
	" x AS (SELECT *, 1 AS sign FROM n UNION ALL SELECT day, sector, event_type, sub,"         \
	" status, fat, actor1, actor2, -1 FROM sf_gone)" DELTAS_FROM_X ";"

#define CHUNK_COUNTS                                                                               \
	" SELECT (SELECT count(*) FROM sf_chg WHERE prev_day IS NULL),"                            \
	" (SELECT count(*) FROM sf_chg c WHERE prev_day IS NOT NULL AND NOT EXISTS"                \
	" (SELECT 1 FROM sf_dupn d WHERE d.event_id_cnty = c.event_id_cnty)),"                     \
	" (SELECT coalesce(sum(nupd), 0) FROM sf_dupn);"

#define CHUNK_EMPTY " TRUNCATE sf_stage, sf_dup, sf_chg, sf_gone, sf_dupn"

/* The chunk's statements when its rows repeat an event, and when they do not. */
static const char *const chunk_dups_sql = CHUNK_DEDUPE CHUNK_KEYS CHUNK_DUP_UPDATES CHUNK_REPLACE
        CHUNK_INSERT CHUNK_COUNTS CHUNK_EMPTY;
static const char *const chunk_sql = CHUNK_KEYS CHUNK_REPLACE CHUNK_INSERT CHUNK_COUNTS CHUNK_EMPTY;

/*
 * Collect the results of the chunk in flight (block when wait, else only
 * if they are all there): its counts add to p->counts.
 */
static sf_status chunk_collect(pg *p, int wait, sf_error *err)
{
	sf_status rc = SF_OK;
	if (!p->inflight)
		return SF_OK;
	if (!wait) {
		if (!pq.PQconsumeInput(p->conn))
			return pg_fail(p, NULL, "import", err);
		if (pq.PQisBusy(p->conn))
			return SF_OK;
	}
	PGresult *r;
	while ((r = pq.PQgetResult(p->conn)) != NULL) {
		ExecStatusType s = pq.PQresultStatus(r);
		if (rc == SF_OK && s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
			rc = pg_fail(p, r, "import", err);
		if (rc == SF_OK && s == PGRES_TUPLES_OK && pq.PQntuples(r) == 1 &&
		    pq.PQnfields(r) == 3) {
			p->counts.inserted += num(r, 0, 0);
			p->counts.updated += num(r, 0, 1) + num(r, 0, 2);
		}
		pq.PQclear(r);
	}
	p->inflight = 0;
	return rc;
}

/* ---- Roll-up deltas summed by the client (fast chunks) ---------- */

static uint64_t hash_bytes(const char *s, size_t n)
{
	/* Eight bytes a step (FNV-1a's constants, a multiply-xorshift mix): keys are 20-80 bytes.
	 */
	uint64_t h = 1469598103934665603ULL ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	h ^= h >> 32;
	return h;
}

/* Rebuild the hash index for caprix slots. */
static int rs_reindex(pg *p, size_t caprix)
{
	uint32_t *ix = calloc(caprix, sizeof *ix);
	if (!ix)
		return -1;
	for (size_t i = 0; i < p->nrs; i++) {
		size_t j = p->rs[i].h & (caprix - 1);
		while (ix[j])
			j = (j + 1) & (caprix - 1);
		ix[j] = (uint32_t)(i + 1);
	}
	free(p->rix);
	p->rix = ix;
	p->caprix = caprix;
	return 0;
}

/* Add one row's fatalities to the delta keyed by p->rkey, for the chunk being built. */
static int rs_add(pg *p, long fat)
{
	const char *key = p->rkey.data;
	size_t len = p->rkey.len;
	uint64_t h = hash_bytes(key, len);
	if ((p->nrs + 1) * 2 > p->caprix && rs_reindex(p, p->caprix ? p->caprix * 2 : 4096) < 0)
		return -1;
	size_t j = h & (p->caprix - 1);
	rsum *e = NULL;
	for (; p->rix[j]; j = (j + 1) & (p->caprix - 1)) {
		rsum *c = &p->rs[p->rix[j] - 1];
		if (c->h == h && c->len == len && memcmp(c->key, key, len) == 0) {
			e = c;
			break;
		}
	}
	if (!e) {
		if (p->nrs == p->caprs) {
			size_t ncap = p->caprs ? p->caprs * 2 : 4096;
			rsum *nr = realloc(p->rs, ncap * sizeof *nr);
			if (!nr)
				return -1;
			p->rs = nr;
			p->caprs = ncap;
		}
		e = &p->rs[p->nrs];
		memset(e, 0, sizeof *e);
		if (!(e->key = malloc(len)))
			return -1;
		memcpy(e->key, key, len);
		e->len = len;
		e->h = h;
		e->gen = p->gen - 1;
		p->rix[j] = (uint32_t)(++p->nrs);
	}
	if (e->gen != p->gen) {
		if (p->ntouched == p->captouched) {
			size_t ncap = p->captouched ? p->captouched * 2 : 4096;
			size_t *nt = realloc(p->touched, ncap * sizeof *nt);
			if (!nt)
				return -1;
			p->touched = nt;
			p->captouched = ncap;
		}
		p->touched[p->ntouched++] = (size_t)(e - p->rs);
		e->gen = p->gen;
	}
	e->cn++;
	if (fat < 0)
		e->cunk++; /* SF_FATALITIES_NONE: not reported */
	else
		e->cfat += fat;
	return 0;
}

/* The chunk's deltas: keep them (its rows went in by the fast path) or drop them. */
static void rs_chunk_done(pg *p, int keep)
{
	for (size_t i = 0; i < p->ntouched; i++) {
		rsum *e = &p->rs[p->touched[i]];
		if (keep) {
			e->n += e->cn;
			e->fat += e->cfat;
			e->unk += e->cunk;
		}
		e->cn = e->cfat = e->cunk = 0;
	}
	p->ntouched = 0;
	p->gen++;
}

static void rs_clear(pg *p)
{
	for (size_t i = 0; i < p->nrs; i++)
		free(p->rs[i].key);
	p->nrs = p->ntouched = 0;
	if (p->rix)
		memset(p->rix, 0, p->caprix * sizeof *p->rix);
}

/* One text field of a COPY row, escaped (backslash, tab, newline, return). */
static int copy_text(sf_buf *b, const char *s)
{
	int bad = 0;
	for (;;) {
		size_t n = strcspn(s, "\\\t\n\r"); /* glibc: a vector scan */
		bad |= sf_buf_add(b, s, n) != SF_OK;
		s += n;
		if (!*s)
			break;
		const char *esc = *s == '\\'   ? "\\\\"
		                  : *s == '\t' ? "\\t"
		                  : *s == '\n' ? "\\n"
		                               : "\\r";
		bad |= sf_buf_add(b, esc, 2) != SF_OK;
		s++;
	}
	return bad;
}

/* A whole number, without printf (the import formats millions). */
static int copy_long(sf_buf *b, long long v)
{
	char d[24];
	int i = (int)sizeof d;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--i] = '-';
	return sf_buf_add(b, d + i, sizeof d - (size_t)i) != SF_OK;
}

/*
 * A double: the input's own text when it reads back as exactly this value
 * (latitude and longitude, validated decimals: the server parses them to
 * the same double), else the 17 digits that always do.
 */
static int copy_double(sf_buf *b, const char *text, double v)
{
	double t;
	if (v == 0 && !signbit(v))
		return sf_buf_addc(b, '0') != SF_OK;
	if (text && *text && sf_parse_double(text, &t) == 0 && t == v)
		return copy_text(b, text);
	return sf_buf_addf(b, "%.17g", v) != SF_OK;
}

/*
 * The roll-up deltas of one row for the client's sums (as DELTAS_FROM_X
 * counts them: the incident roll-up, and the actor roll-up for actor1 and
 * for actor2 when it differs, empty actors counting for nobody).
 */
static int rs_row(pg *p, const sf_incident *inc)
{
	const char *sector = inc->sector ? inc->sector : "";
	const char *status = sf_incident_status_str(inc->status);
	const char *a[2] = {inc->col[SF_COL_ACTOR1], inc->col[SF_COL_ACTOR2]};
	sf_buf *k = &p->rkey;
	int bad = 0;
	sf_buf_reset(k);
	bad |= sf_buf_adds(k, "I\t") != SF_OK;
	bad |= copy_long(k, inc->day);
	bad |= sf_buf_addc(k, '\t') != SF_OK;
	bad |= copy_text(k, sector);
	bad |= sf_buf_addc(k, '\t') != SF_OK;
	bad |= copy_text(k, inc->col[SF_COL_EVENT_TYPE]);
	bad |= sf_buf_addc(k, '\t') != SF_OK;
	bad |= copy_text(k, inc->col[SF_COL_SUB_EVENT_TYPE]);
	bad |= sf_buf_addc(k, '\t') != SF_OK;
	bad |= sf_buf_adds(k, status) != SF_OK;
	if (bad || rs_add(p, inc->fatalities) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (!*a[i] || (i == 1 && strcmp(a[1], a[0]) == 0))
			continue;
		sf_buf_reset(k);
		bad |= sf_buf_adds(k, "A\t") != SF_OK;
		bad |= copy_long(k, inc->day);
		bad |= sf_buf_addc(k, '\t') != SF_OK;
		bad |= copy_text(k, a[i]);
		bad |= sf_buf_addc(k, '\t') != SF_OK;
		bad |= copy_text(k, sector);
		bad |= sf_buf_addc(k, '\t') != SF_OK;
		bad |= sf_buf_adds(k, status) != SF_OK;
		bad |= sf_buf_addc(k, '\t') != SF_OK;
		if (bad || rs_add(p, inc->fatalities) < 0)
			return -1;
	}
	return 0;
}

/* ---- Sending COPY data ------------------------------------------- */

/* Start COPY sql on the connection (idle). */
static sf_status copy_start(pg *p, const char *sql, const char *what, sf_error *err)
{
	PGresult *r = pq.PQexec(p->conn, sql);
	sf_status rc = SF_OK;
	if (!r || pq.PQresultStatus(r) != PGRES_COPY_IN)
		rc = pg_fail(p, r, what, err);
	pq.PQclear(r);
	return rc;
}

/* Send data to the COPY in progress, in pieces (libpq would otherwise copy it whole). */
static sf_status copy_put(pg *p, const char *data, size_t len, const char *what, sf_error *err)
{
	for (size_t off = 0; off < len; off += COPY_PIECE) {
		size_t n = len - off < COPY_PIECE ? len - off : COPY_PIECE;
		if (pq.PQputCopyData(p->conn, data + off, (int)n) != 1)
			return pg_fail(p, NULL, what, err);
	}
	return SF_OK;
}

/* End the COPY in progress and take its result; *state its SQLSTATE on failure when wanted. */
static sf_status copy_end(pg *p, const char *what, char *state, size_t nstate, sf_error *err)
{
	sf_status rc = SF_OK;
	PGresult *r;
	if (pq.PQputCopyEnd(p->conn, NULL) != 1)
		rc = pg_fail(p, NULL, what, err);
	while ((r = pq.PQgetResult(p->conn)) != NULL) {
		if (rc == SF_OK && pq.PQresultStatus(r) != PGRES_COMMAND_OK) {
			const char *s = pq.PQresultErrorField(r, PG_DIAG_SQLSTATE);
			if (state)
				sf_strlcpy(state, s ? s : "", nstate);
			rc = pg_fail(p, r, what, err);
		}
		pq.PQclear(r);
	}
	return rc;
}

/* Wait until the socket can take more (or has something to read, which is consumed). */
static int wait_socket(pg *p)
{
	struct pollfd fd = {.fd = pq.PQsocket(p->conn), .events = POLLIN | POLLOUT};
	if (fd.fd < 0)
		return -1;
	if (poll(&fd, 1, -1) < 0 && errno != EINTR)
		return -1;
	if ((fd.revents & POLLIN) && !pq.PQconsumeInput(p->conn))
		return -1;
	return 0;
}

/*
 * A fast chunk's rows are sent to the server in the background: the
 * connection is in non-blocking mode while the import parses the next
 * chunk, and every few rows fast_pump hands libpq the next piece of the
 * chunk as soon as the socket took the last one (small pieces: libpq
 * moves what the socket did not take to the front of its buffer), so the
 * server stores one chunk while the client parses the next. fast_finish
 * sends the rest, ends the COPY and takes its result.
 */
static sf_status fast_pump(pg *p, int wait, sf_error *err)
{
	for (;;) {
		int f = pq.PQflush(p->conn);
		if (f < 0)
			return pg_fail(p, NULL, "import: send rows", err);
		if (f == 1) {
			if (!wait)
				return SF_OK;
			if (wait_socket(p) < 0)
				return pg_fail(p, NULL, "import: send rows", err);
			continue;
		}
		if (p->sent_off >= p->sent.len)
			return SF_OK;
		size_t n = p->sent.len - p->sent_off;
		n = n < FAST_PIECE ? n : FAST_PIECE;
		int q = pq.PQputCopyData(p->conn, p->sent.data + p->sent_off, (int)n);
		if (q < 0)
			return pg_fail(p, NULL, "import: send rows", err);
		if (q == 1)
			p->sent_off += n;
		else if (wait_socket(p) < 0)
			return pg_fail(p, NULL, "import: send rows", err);
	}
}

static sf_status fast_finish(pg *p, sf_error *err)
{
	if (!p->fast_inflight)
		return SF_OK;
	p->fast_inflight = 0;
	sf_status rc = fast_pump(p, 1, err);
	int q = 0;
	if (rc == SF_OK)
		while ((q = pq.PQputCopyEnd(p->conn, NULL)) == 0)
			if (wait_socket(p) < 0)
				break;
	if (rc == SF_OK && q != 1)
		rc = pg_fail(p, NULL, "import: send rows", err);
	int f = 0;
	if (rc == SF_OK)
		while ((f = pq.PQflush(p->conn)) == 1)
			if (wait_socket(p) < 0)
				break;
	if (rc == SF_OK && f != 0)
		rc = pg_fail(p, NULL, "import: send rows", err);
	if (pq.PQsetnonblocking(p->conn, 0) != 0 && rc == SF_OK)
		rc = pg_fail(p, NULL, "import: send rows", err);
	PGresult *r;
	while ((r = pq.PQgetResult(p->conn)) != NULL) {
		if (rc == SF_OK && pq.PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_fail(p, r, "import: rows", err);
		pq.PQclear(r);
	}
	sf_buf_reset(&p->sent);
	p->sent_off = 0;
	return rc;
}

/* Send the client's roll-up sums to sf_rdelta (added to the roll-ups at commit); keep the
 * entries of the chunk being built. */
static sf_status rs_flush(pg *p, sf_error *err)
{
	sf_buf out;
	sf_status rc = SF_OK;
	int bad = 0;
	size_t kept = 0;
	if (!p->nrs)
		return SF_OK;
	sf_buf_init(&out, 0);
	for (size_t i = 0; i < p->nrs && !bad; i++) {
		rsum *e = &p->rs[i];
		if (!e->n && !e->fat && !e->unk)
			continue;
		bad |= sf_buf_add(&out, e->key, e->len) != SF_OK;
		bad |= sf_buf_addc(&out, '\t') != SF_OK;
		bad |= copy_long(&out, e->n);
		bad |= sf_buf_addc(&out, '\t') != SF_OK;
		bad |= copy_long(&out, e->fat);
		bad |= sf_buf_addc(&out, '\t') != SF_OK;
		bad |= copy_long(&out, e->unk);
		bad |= sf_buf_addc(&out, '\n') != SF_OK;
	}
	if (bad)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc == SF_OK && out.len) {
		p->rd_sums++;
		rc = copy_start(p,
		                "COPY sf_rdelta(kind, day, f1, f2, f3, f4, n, fat, unk) FROM STDIN",
		                "import: roll-ups", err);
		if (rc == SF_OK) {
			rc = copy_put(p, out.data, out.len, "import: roll-ups", err);
			sf_status rc2 = copy_end(p, "import: roll-ups", NULL, 0, rc ? NULL : err);
			rc = rc ? rc : rc2;
		}
	}
	sf_buf_release(&out);
	/* Keep only the entries the chunk being built touched, their sums zero. */
	for (size_t i = 0; i < p->nrs; i++) {
		rsum *e = &p->rs[i];
		if (e->gen == p->gen && (e->cn || e->cfat || e->cunk)) {
			e->n = e->fat = e->unk = 0;
			p->rs[kept++] = *e;
		} else {
			free(e->key);
		}
	}
	p->nrs = kept;
	p->ntouched = 0;
	for (size_t i = 0; i < kept; i++)
		p->touched[p->ntouched++] = i;
	if (rs_reindex(p, p->caprix) < 0 && rc == SF_OK)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	return rc;
}

/*
 * The fast path of a chunk whose event ids are all new: they cannot be in
 * the store and the chunk does not repeat one (the client saw). Every row
 * is then an insert, at version 1 with its own status, which is what the
 * upsert would do, so the rows go straight into incidents with COPY
 * (routed to their partitions) and their roll-up deltas are the client's
 * sums. Whether the store holds none of the ids is the insert of the keys
 * itself (fast_keys); when it holds one, the chunk takes the upsert path.
 * *used tells which path the chunk took.
 *
 * fast_keys, the first FAST_SAVEPOINTS chunks of a transaction: COPY into
 * incident_keys (a multi-row insert, the cheapest) in a savepoint, rolled
 * back to on a unique violation. Each such savepoint takes a
 * subtransaction id, held until commit, and a backend caches 64 of them
 * (PGPROC_MAX_CACHED_SUBXIDS): past that, every other session's snapshot
 * checks read pg_subtrans until the import ends. So later chunks (imports
 * of about 1.8 M rows and more) take no savepoint: COPY into sf_fkeys,
 * then one INSERT ... ON CONFLICT DO NOTHING into incident_keys, which
 * counts the keys it inserted and, only when that is short of the chunk's
 * rows, lists them in sf_fnew, to be deleted again. A key another writer
 * inserts meanwhile (single writes do not take the batch lock) makes the
 * insert wait for it, then skip it: the chunk falls back just the same.
 * That costs the server more than the COPY (row by row, speculative
 * inserts: about 0.1 s more CPU per 37,000-row chunk, measured at 1 M
 * rows), hence the savepoints first.
 */
static sf_status fast_keys(pg *p, int *in, sf_error *err)
{
	char state[8] = "";
	sf_error e2;
	PGresult *r = NULL;
	char nrows[32];
	int sp = p->nsubx < FAST_SAVEPOINTS;
	*in = 0;
	sf_status rc = SF_OK;
	if (sp) {
		rc = exec(p, "SAVEPOINT sf_chunk", "import", err);
		p->nsubx++;
	} else if (!p->has_fkeys) {
		rc = exec(p,
		          "CREATE TEMP TABLE sf_fkeys(event_id_cnty" TXT ", day integer,"
		          " timestamp bigint) ON COMMIT DROP;"
		          " CREATE TEMP TABLE sf_fnew(event_id_cnty" TXT ") ON COMMIT DROP",
		          "import: staging tables", err);
		p->has_fkeys = rc == SF_OK;
	} else {
		rc = exec(p, "TRUNCATE sf_fkeys", "import", err);
	}
	if (rc == SF_OK)
		rc = copy_start(p,
		                sp ? "COPY incident_keys(event_id_cnty, day, timestamp) FROM STDIN"
		                   : "COPY sf_fkeys(event_id_cnty, day, timestamp) FROM STDIN",
		                "import: keys", err);
	if (rc != SF_OK)
		return rc;
	rc = copy_put(p, p->keys.data, p->keys.len, "import: keys", err);
	if (rc != SF_OK) {
		copy_end(p, "import: keys", NULL, 0, &e2);
		return rc;
	}
	rc = copy_end(p, "import: keys", state, sizeof state, err);
	if (sp) {
		if (rc != SF_OK && strcmp(state, "23505") == 0) {
			sf_error_clear(err);
			return exec(p, "ROLLBACK TO SAVEPOINT sf_chunk; RELEASE SAVEPOINT sf_chunk",
			            "import", err);
		}
		if (rc == SF_OK)
			rc = exec(p, "RELEASE SAVEPOINT sf_chunk", "import", err);
		*in = rc == SF_OK;
		return rc;
	}
	sf_snprintf(nrows, sizeof nrows, "%ld", p->chunk_rows);
	const char *param[] = {nrows};
	if (rc == SF_OK)
		rc = run(p,
		         "WITH k AS (INSERT INTO incident_keys(event_id_cnty, day, timestamp)"
		         " SELECT event_id_cnty, day, timestamp FROM sf_fkeys"
		         " ON CONFLICT (event_id_cnty) DO NOTHING RETURNING event_id_cnty),"
		         " n AS (SELECT count(*) AS n FROM k),"
		         " s AS (INSERT INTO sf_fnew SELECT event_id_cnty FROM k, n"
		         " WHERE n.n < $1::bigint) SELECT n FROM n",
		         1, param, &r, "import: keys", err);
	if (rc != SF_OK)
		return rc;
	long inserted = num(r, 0, 0);
	pq.PQclear(r);
	if (inserted != p->chunk_rows)
		return exec(p,
		            "DELETE FROM incident_keys k USING sf_fnew f"
		            " WHERE k.event_id_cnty = f.event_id_cnty; TRUNCATE sf_fnew",
		            "import", err);
	*in = 1;
	return SF_OK;
}

static sf_status fast_send(pg *p, int *used, sf_error *err)
{
	int in = 0;
	*used = 0;
	sf_status rc = fast_keys(p, &in, err);
	if (rc != SF_OK || !in)
		return rc;
	rc = copy_start(p, "COPY incidents(" STAGE_COLS ") FROM STDIN", "import: rows", err);
	if (rc != SF_OK)
		return rc;
	*used = 1;
	p->fast_inflight = 1;
	/* The chunk becomes the data in flight; the next is built in the other buffer. */
	sf_buf t = p->sent;
	p->sent = p->copy;
	p->copy = t;
	p->sent_off = 0;
	if (pq.PQsetnonblocking(p->conn, 1) != 0)
		return pg_fail(p, NULL, "import: send rows", err);
	rc = fast_pump(p, 0, err);
	if (rc != SF_OK)
		return rc;
	p->counts.inserted += p->chunk_rows;
	return SF_OK;
}

/*
 * Send the buffered rows: by the fast path when it applies, else with COPY
 * into the staging table and the chunk's statements (not waiting for them).
 */
static sf_status chunk_send(pg *p, sf_error *err)
{
	sf_status rc = chunk_collect(p, 1, err);
	if (rc == SF_OK)
		rc = fast_finish(p, err);
	if (rc != SF_OK || p->chunk_rows == 0)
		return rc;
	/* Bound the client's sums: past RS_MAX of them, they go to the server. */
	if (p->nrs > p->rs_max)
		rc = rs_flush(p, err);
	if (rc == SF_OK)
		rc = ensure_partitions(p, err);
	if (rc != SF_OK)
		return rc;
	int used = 0;
	if (p->try_fast && !p->chunk_dups)
		rc = fast_send(p, &used, err);
	rs_chunk_done(p, used);
	if (rc == SF_OK && !used) {
		rc = copy_start(p, "COPY sf_stage(" STAGE_COLS ") FROM STDIN", "import: start COPY",
		                err);
		if (rc == SF_OK) {
			rc = copy_put(p, p->copy.data, p->copy.len, "import: send rows", err);
			sf_error e2;
			sf_status rc2 = copy_end(p, "import: rows", NULL, 0, rc ? &e2 : err);
			rc = rc ? rc : rc2;
		}
		p->rd_other = 1;
		if (rc == SF_OK &&
		    !pq.PQsendQuery(p->conn, p->chunk_dups ? chunk_dups_sql : chunk_sql))
			rc = pg_fail(p, NULL, "import", err);
		if (rc == SF_OK)
			p->inflight = 1;
	}
	sf_buf_reset(&p->copy);
	sf_buf_reset(&p->keys);
	p->chunk_rows = 0;
	p->nmonths = 0;
	p->chunk_dups = 0;
	if (p->ids)
		memset(p->ids, 0, p->capids * sizeof *p->ids);
	return rc;
}

/* Open a bulk upsert; lock: take the batch lock (not for a single row). */
static sf_status bulk_start(pg *p, int lock, sf_error *err)
{
	if (!p->in_tx)
		return sf_error_set(err, SF_ERR_USAGE, "store: a bulk upsert needs a transaction");
	memset(&p->counts, 0, sizeof p->counts);
	p->staged = p->chunk_rows = 0;
	p->chunk_dups = 0;
	if (p->ids)
		memset(p->ids, 0, p->capids * sizeof *p->ids);
	p->nmonths = 0;
	sf_buf_reset(&p->copy);
	sf_buf_reset(&p->keys);
	rs_clear(p);
	p->try_fast = 0;
	p->has_fkeys = 0; /* an import that failed before its end left them to its rollback */
	sf_status rc = lock ? batch_lock(p, err) : SF_OK;
	if (rc == SF_OK)
		rc = need_rdelta(p, err);
	if (rc == SF_OK)
		rc = exec(p, bulk_tables_sql, "import: staging tables", err);
	if (rc == SF_OK)
		p->bulk = 1;
	return rc;
}

static sf_status op_bulk_begin(sf_store *st, sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	sf_status rc = bulk_start(p, 1, err);
	if (rc == SF_OK)
		rc = run(p,
		         "SELECT NOT EXISTS (SELECT 1 FROM incident_rollup)"
		         " AND NOT EXISTS (SELECT 1 FROM actor_rollup)",
		         0, NULL, &r, "import", err);
	if (rc == SF_OK) {
		p->try_fast = 1;
		p->roll_empty = pq.PQgetvalue(r, 0, 0)[0] == 't';
	}
	pq.PQclear(r);
	return rc;
}

/*
 * Note a row's event id in the chunk's set; a repeat (or a hash collision,
 * which only costs the dedupe statements) flags the chunk. -1 out of memory.
 */
static int note_id(pg *p, const char *id)
{
	uint64_t h = hash_bytes(id, strlen(id));
	h |= 1;
	if ((size_t)p->chunk_rows * 2 >= p->capids) {
		size_t ncap = p->capids ? p->capids * 2 : 65536;
		uint64_t *nv = calloc(ncap, sizeof *nv);
		if (!nv)
			return -1;
		for (size_t i = 0; i < p->capids; i++) {
			if (!p->ids[i])
				continue;
			size_t j = p->ids[i] & (ncap - 1);
			while (nv[j])
				j = (j + 1) & (ncap - 1);
			nv[j] = p->ids[i];
		}
		free(p->ids);
		p->ids = nv;
		p->capids = ncap;
	}
	size_t j = h & (p->capids - 1);
	while (p->ids[j] && p->ids[j] != h)
		j = (j + 1) & (p->capids - 1);
	if (p->ids[j])
		p->chunk_dups = 1;
	p->ids[j] = h;
	return 0;
}

static sf_status op_bulk_add(sf_store *st, const sf_incident *inc, long line, sf_error *err)
{
	pg *p = PG(st);
	sf_buf *b = &p->copy;
	int bad = 0;
	(void)line;
	if (!p->bulk)
		return sf_error_set(err, SF_ERR_USAGE, "store: no bulk upsert open");
	for (int i = 0; i < SF_ACLED_NCOLS; i++) {
		if (i == SF_COL_LATITUDE)
			bad |= copy_double(b, inc->col[i], inc->latitude);
		else if (i == SF_COL_LONGITUDE)
			bad |= copy_double(b, inc->col[i], inc->longitude);
		else if (i == SF_COL_FATALITIES && inc->fatalities < 0)
			bad |= sf_buf_adds(b, "\\N") != SF_OK; /* not reported: NULL */
		else if (i == SF_COL_FATALITIES)
			bad |= copy_long(b, inc->fatalities);
		else if (i == SF_COL_TIMESTAMP)
			bad |= copy_long(b, inc->timestamp);
		else
			bad |= copy_text(b, inc->col[i]);
		bad |= sf_buf_addc(b, '\t') != SF_OK;
	}
	bad |= copy_long(b, inc->day);
	bad |= sf_buf_addc(b, '\t') != SF_OK;
	bad |= copy_text(b, inc->sector ? inc->sector : "");
	bad |= sf_buf_addc(b, '\t') != SF_OK;
	bad |= sf_buf_adds(b, sf_sector_method_str(inc->sector_method)) != SF_OK;
	bad |= sf_buf_addc(b, '\t') != SF_OK;
	bad |= copy_double(b, NULL, inc->sector_km);
	bad |= sf_buf_addc(b, '\t') != SF_OK;
	bad |= sf_buf_adds(b, sf_incident_status_str(inc->status)) != SF_OK;
	bad |= sf_buf_addc(b, '\t') != SF_OK;
	bad |= copy_text(b, inc->source_system ? inc->source_system : "ACLED");
	bad |= sf_buf_addc(b, '\t') != SF_OK;
	if (inc->batch > 0)
		bad |= copy_long(b, inc->batch);
	else
		bad |= sf_buf_adds(b, "\\N") != SF_OK;
	bad |= sf_buf_addc(b, '\n') != SF_OK;
	if (p->try_fast) {
		bad |= copy_text(&p->keys, inc->col[SF_COL_EVENT_ID_CNTY]);
		bad |= sf_buf_addc(&p->keys, '\t') != SF_OK;
		bad |= copy_long(&p->keys, inc->day);
		bad |= sf_buf_addc(&p->keys, '\t') != SF_OK;
		bad |= copy_long(&p->keys, inc->timestamp);
		bad |= sf_buf_addc(&p->keys, '\n') != SF_OK;
		bad |= rs_row(p, inc) < 0;
	}
	if (bad || note_month(p, inc->day) < 0 || note_id(p, inc->col[SF_COL_EVENT_ID_CNTY]) < 0)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	p->staged++;
	p->chunk_rows++;
	if (b->len >= p->chunk_bytes)
		return chunk_send(p, err);
	/* Now and then, push the fast chunk in flight on, or take the results of the other. */
	if (p->fast_inflight && p->chunk_rows % 32 == 0)
		return fast_pump(p, 0, err);
	if (p->inflight && p->chunk_rows % 256 == 0)
		return chunk_collect(p, 0, err);
	return SF_OK;
}

static sf_status op_bulk_end(sf_store *st, sf_upsert_counts *counts, sf_error *err)
{
	pg *p = PG(st);
	memset(counts, 0, sizeof *counts);
	if (!p->bulk)
		return sf_error_set(err, SF_ERR_USAGE, "store: no bulk upsert open");
	p->bulk = 0;
	sf_status rc = chunk_send(p, err);
	if (rc == SF_OK)
		rc = chunk_collect(p, 1, err);
	if (rc == SF_OK)
		rc = fast_finish(p, err);
	if (rc == SF_OK)
		rc = rs_flush(p, err);
	rs_clear(p);
	if (rc == SF_OK)
		rc = exec(p, "DROP TABLE sf_stage, sf_dup, sf_chg, sf_gone, sf_dupn", "import",
		          err);
	if (rc == SF_OK && p->has_fkeys)
		rc = exec(p, "DROP TABLE sf_fkeys, sf_fnew", "import", err);
	p->has_fkeys = 0;
	if (rc != SF_OK)
		return rc;
	counts->inserted = p->counts.inserted;
	counts->updated = p->counts.updated;
	counts->unchanged = p->staged - counts->inserted - counts->updated;
	return SF_OK;
}

/* Abandon an open bulk upsert (its transaction is rolled back next). */
static void bulk_abandon(pg *p)
{
	if (p->fast_inflight) {
		/* Fail the COPY in flight rather than send the rest of it. */
		p->fast_inflight = 0;
		while (pq.PQputCopyEnd(p->conn, "import abandoned") == 0)
			if (wait_socket(p) < 0)
				break;
		while (pq.PQflush(p->conn) == 1)
			if (wait_socket(p) < 0)
				break;
		pq.PQsetnonblocking(p->conn, 0);
		PGresult *r;
		while ((r = pq.PQgetResult(p->conn)) != NULL)
			pq.PQclear(r);
		sf_buf_reset(&p->sent);
		p->sent_off = 0;
	}
	if (p->inflight) {
		PGresult *r;
		while ((r = pq.PQgetResult(p->conn)) != NULL)
			pq.PQclear(r);
		p->inflight = 0;
	}
	if (pq.PQisnonblocking(p->conn))
		pq.PQsetnonblocking(p->conn, 0);
	p->bulk = 0;
	p->chunk_rows = 0;
	p->chunk_dups = 0;
	if (p->ids)
		memset(p->ids, 0, p->capids * sizeof *p->ids);
	sf_buf_reset(&p->copy);
	sf_buf_reset(&p->keys);
	rs_clear(p);
}
/* One upsert outside an import: a bulk upsert of one row, in its own transaction if needed. */
static sf_status op_upsert(sf_store *st, const sf_incident *inc, sf_upsert_result *res,
                           sf_error *err)
{
	pg *p = PG(st);
	sf_upsert_counts c;
	int own = 0;
	sf_status rc = tx_enter(p, &own, err);
	if (rc != SF_OK)
		return rc;
	rc = bulk_start(p, !own, err);
	if (rc == SF_OK)
		rc = op_bulk_add(st, inc, 1, err);
	if (rc == SF_OK)
		rc = op_bulk_end(st, &c, err);
	else
		bulk_abandon(p);
	if (rc == SF_OK)
		*res = c.inserted  ? SF_UPSERT_INSERTED
		       : c.updated ? SF_UPSERT_UPDATED
		                   : SF_UPSERT_UNCHANGED;
	return tx_leave(p, own, rc, err);
}

/* ---------------------------------------------------------------- */
/* Single-incident writes                                             */

static sf_status log_edit(pg *p, const char *event_id, const char *other, const char *what,
                          const char *from, const char *to, const char *note, const char *who,
                          sf_error *err)
{
	const char *params[] = {event_id,     other ? other : "", what,          from ? from : "",
	                        to ? to : "", note ? note : "",   who ? who : ""};
	p->dirty = 1;
	return run(p,
	           "INSERT INTO edits(event_id, other_id, what, old, new, note, who)"
	           " VALUES($1, $2, $3, $4, $5, $6, $7)",
	           7, params, NULL, "edit log", err);
}

/* The stored incident's roll-up fields and version, its key row locked. */
typedef struct oldrow {
	long day, fat, version;
	char sector[256], type[256], sub[256], status[32], a1[512], a2[512];
} oldrow;

/*
 * Lock the incident's key row, then read the incident: two statements, so
 * that the read's snapshot (READ COMMITTED: taken when it starts) comes
 * after the lock was granted and sees what the previous holder committed.
 * (One statement joining the two and locking the key would, after waiting
 * for the lock, still read the incident as it was before: a stale version
 * would pass the check.)
 */
static sf_status lock_old(pg *p, const char *id, oldrow *o, int *found, sf_error *err)
{
	PGresult *r = NULL;
	const char *params[] = {id};
	long locked = 0;
	*found = 0;
	sf_status rc = run_long(p,
	                        "SELECT count(*) FROM (SELECT 1 FROM incident_keys"
	                        " WHERE event_id_cnty = $1 FOR UPDATE) k",
	                        1, params, &locked, "lock incident", err);
	if (rc != SF_OK || !locked)
		return rc;
	rc = run(p,
	         "SELECT i.day, i.sector, i.event_type, coalesce(i.sub_event_type, ''), i.status,"
	         " coalesce(i.fatalities, -1), coalesce(i.actor1, ''), coalesce(i.actor2, ''),"
	         " i.version"
	         " FROM incident_keys k JOIN incidents i ON i.day = k.day"
	         " AND i.event_id_cnty = k.event_id_cnty WHERE k.event_id_cnty = $1",
	         1, params, &r, "look up incident", err);
	if (rc != SF_OK)
		return rc;
	if (pq.PQntuples(r) == 1) {
		*found = 1;
		o->day = num(r, 0, 0);
		sf_strlcpy(o->sector, pq.PQgetvalue(r, 0, 1), sizeof o->sector);
		sf_strlcpy(o->type, pq.PQgetvalue(r, 0, 2), sizeof o->type);
		sf_strlcpy(o->sub, pq.PQgetvalue(r, 0, 3), sizeof o->sub);
		sf_strlcpy(o->status, pq.PQgetvalue(r, 0, 4), sizeof o->status);
		o->fat = num(r, 0, 5);
		sf_strlcpy(o->a1, pq.PQgetvalue(r, 0, 6), sizeof o->a1);
		sf_strlcpy(o->a2, pq.PQgetvalue(r, 0, 7), sizeof o->a2);
		o->version = num(r, 0, 8);
	}
	pq.PQclear(r);
	return SF_OK;
}

static sf_status old_deltas(pg *p, const oldrow *o, const char *status, int sign, sf_error *err)
{
	return add_deltas(p, o->day, o->sector, o->type, o->sub, status ? status : o->status, o->a1,
	                  o->a2, o->fat, sign, err);
}

static sf_status op_delete(sf_store *st, const char *event_id, const char *who, int *found,
                           sf_error *err)
{
	pg *p = PG(st);
	oldrow o;
	char day[24];
	int own = 0;
	sf_status rc = tx_enter(p, &own, err);
	if (rc == SF_OK && !own)
		rc = batch_lock(p, err);
	if (rc == SF_OK)
		rc = lock_old(p, event_id, &o, found, err);
	if (rc == SF_OK && *found) {
		sf_snprintf(day, sizeof day, "%ld", o.day);
		const char *params[] = {event_id, day};
		rc = run(p, "DELETE FROM incidents WHERE day = $2 AND event_id_cnty = $1", 2,
		         params, NULL, "delete incident", err);
		if (rc == SF_OK)
			rc = run(p, "DELETE FROM incident_keys WHERE event_id_cnty = $1", 1, params,
			         NULL, "delete incident", err);
		if (rc == SF_OK)
			rc = old_deltas(p, &o, NULL, -1, err);
		if (rc == SF_OK)
			rc = log_edit(p, event_id, NULL, "delete", o.status, "deleted",
			              "deletions list", who, err);
	}
	return tx_leave(p, own, rc, err);
}

static sf_status op_set_status(sf_store *st, const char *event_id, sf_incident_status status,
                               const char *note, const char *who, long if_version, long *version,
                               int *found, sf_error *err)
{
	pg *p = PG(st);
	oldrow o;
	char day[24];
	const char *to = sf_incident_status_str(status);
	int own = 0;
	sf_status rc = tx_enter(p, &own, err);
	if (rc == SF_OK)
		rc = lock_old(p, event_id, &o, found, err);
	if (rc == SF_OK && *found && if_version > 0 && o.version != if_version)
		rc = sf_error_set(err, SF_ERR_CONFLICT,
		                  "incident '%s' is at version %ld, not %ld: someone changed it "
		                  "since; read it again",
		                  event_id, o.version, if_version);
	if (rc == SF_OK && *found) {
		sf_snprintf(day, sizeof day, "%ld", o.day);
		const char *params[] = {event_id, day, to};
		rc = run(p,
		         "UPDATE incidents SET status = $3, version = version + 1"
		         " WHERE day = $2 AND event_id_cnty = $1",
		         3, params, NULL, "update status", err);
		if (rc == SF_OK)
			rc = old_deltas(p, &o, NULL, -1, err);
		if (rc == SF_OK)
			rc = old_deltas(p, &o, to, +1, err);
		if (rc == SF_OK)
			rc = log_edit(p, event_id, NULL, "status", o.status, to, note, who, err);
		if (rc == SF_OK)
			*version = o.version + 1;
	}
	return tx_leave(p, own, rc, err);
}

static sf_status op_dupe_decide(sf_store *st, const char *a, const char *b, const char *decision,
                                const char *note, const char *who, sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	char old[16] = "";
	const char *lo = strcmp(a, b) < 0 ? a : b, *hi = strcmp(a, b) < 0 ? b : a;
	const char *params[] = {lo, hi, decision};
	int own = 0;
	sf_status rc = tx_enter(p, &own, err);
	/* The pair's lock: two first decisions on one pair are logged one after the other. */
	if (rc == SF_OK)
		rc = run(p, "SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0))", 2,
		         params, NULL, "lock duplicates pair", err);
	if (rc == SF_OK)
		rc = run(p, "SELECT decision FROM dupe_decisions WHERE a = $1 AND b = $2", 2,
		         params, &r, "read duplicates decision", err);
	if (rc == SF_OK && pq.PQntuples(r) == 1)
		sf_strlcpy(old, pq.PQgetvalue(r, 0, 0), sizeof old);
	pq.PQclear(r);
	if (rc == SF_OK)
		rc = run(p,
		         "INSERT INTO dupe_decisions VALUES($1, $2, $3) ON CONFLICT (a, b)"
		         " DO UPDATE SET decision = excluded.decision",
		         3, params, NULL, "record duplicates decision", err);
	if (rc == SF_OK)
		rc = log_edit(p, lo, hi, decision, old, decision, note, who, err);
	return tx_leave(p, own, rc, err);
}

static sf_status op_dupe_decision(sf_store *st, const char *a, const char *b, char *buf, size_t n,
                                  sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	const char *lo = strcmp(a, b) < 0 ? a : b, *hi = strcmp(a, b) < 0 ? b : a;
	const char *params[] = {lo, hi};
	sf_status rc = run(p, "SELECT decision FROM dupe_decisions WHERE a = $1 AND b = $2", 2,
	                   params, &r, "read duplicates decision", err);
	sf_strlcpy(buf, rc == SF_OK && pq.PQntuples(r) == 1 ? pq.PQgetvalue(r, 0, 0) : "", n);
	pq.PQclear(r);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Queries                                                            */

/* Bound parameters gathered while a WHERE clause is built ($1, $2, ...). */
typedef struct binds {
	int n;
	const char *v[32];
	char num[32][24];
} binds;

static void add_text(binds *b, const char *t)
{
	b->v[b->n++] = t;
}

static void add_num(binds *b, long v)
{
	sf_snprintf(b->num[b->n], sizeof b->num[b->n], "%ld", v);
	b->v[b->n] = b->num[b->n];
	b->n++;
}

/* Append " AND <test> $N", N the parameter added last. */
static sf_status cond(sf_buf *w, const binds *b, const char *test)
{
	return sf_buf_addf(w, " AND %s $%d", test, b->n);
}

/*
 * The WHERE clause of a filter, as store_sqlite.c builds it: has_sub when
 * the table has sub_event_type, full for the incidents table itself (the
 * roll-ups lack event id, location and actors). Text parameters point
 * into f.
 */
static sf_status where(const sf_incident_filter *f, sf_buf *w, binds *b, int has_sub, int full)
{
	sf_status rc = sf_buf_adds(w, " WHERE true");
	/* A page after a cursor has one lower bound, the later of the cursor
	 * and from_day (as in store_sqlite.c); the cursor's day is also said
	 * alone, which the planner prunes the month partitions before it by. */
	int keyset =
	        full && f->after_id && (f->from_day == SF_DAY_NONE || f->after_day >= f->from_day);
	if (f->from_day != SF_DAY_NONE && !keyset) {
		add_num(b, f->from_day);
		rc = rc ? rc : cond(w, b, "day >=");
	}
	if (f->to_day != SF_DAY_NONE) {
		add_num(b, f->to_day);
		rc = rc ? rc : cond(w, b, "day <=");
	}
	if (f->sector) {
		add_text(b, strcmp(f->sector, "-") == 0 ? "" : f->sector);
		rc = rc ? rc : cond(w, b, "sector =");
	}
	if (f->event_type) {
		add_text(b, f->event_type);
		rc = rc ? rc : cond(w, b, "event_type =");
	}
	if (f->sub_event_type && has_sub) {
		add_text(b, f->sub_event_type);
		rc = rc ? rc : cond(w, b, "sub_event_type =");
	}
	if (f->status >= 0) {
		add_text(b, sf_incident_status_str((sf_incident_status)f->status));
		rc = rc ? rc : cond(w, b, "status =");
	} else if (!f->include_retracted) {
		rc = rc ? rc : sf_buf_adds(w, " AND status <> 'retracted'");
	}
	if (full) {
		if (f->event_id) {
			add_text(b, f->event_id);
			rc = rc ? rc : cond(w, b, "event_id_cnty =");
		}
		if (f->location) {
			add_text(b, f->location);
			rc = rc ? rc : cond(w, b, "location =");
		}
		if (f->actor) {
			add_text(b, f->actor);
			rc = rc ? rc
			        : sf_buf_addf(w, " AND (actor1 = $%d OR actor2 = $%d)", b->n, b->n);
		}
		if (keyset) {
			/* The keyset of the (day, id) order: rows after the last one shown. */
			add_num(b, f->after_day);
			add_text(b, f->after_id);
			rc = rc ? rc
			        : sf_buf_addf(
			                  w,
			                  " AND day >= $%d AND (day, event_id_cnty) > ($%d, $%d)",
			                  b->n - 1, b->n - 1, b->n);
		}
	}
	return rc;
}

static sf_sector_method method_parse(const char *m)
{
	return strcmp(m, "inside") == 0     ? SF_SECTOR_INSIDE
	       : strcmp(m, "nearest") == 0  ? SF_SECTOR_NEAREST
	       : strcmp(m, "override") == 0 ? SF_SECTOR_OVERRIDE
	                                    : SF_SECTOR_NONE;
}

typedef struct query_ctx {
	sf_incident_cb cb;
	void *ctx;
} query_ctx;

static int query_row(void *ctx, const PGresult *r, int row)
{
	query_ctx *q = ctx;
	sf_incident inc;
	memset(&inc, 0, sizeof inc);
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		inc.col[i] = pq.PQgetvalue(r, row, i);
	inc.latitude = dnum(r, row, SF_COL_LATITUDE);
	inc.longitude = dnum(r, row, SF_COL_LONGITUDE);
	inc.fatalities = pq.PQgetisnull(r, row, SF_COL_FATALITIES) ? SF_FATALITIES_NONE
	                                                           : num(r, row, SF_COL_FATALITIES);
	inc.timestamp = strtoll(pq.PQgetvalue(r, row, SF_COL_TIMESTAMP), NULL, 10);
	inc.day = num(r, row, 31);
	inc.sector = pq.PQgetvalue(r, row, 32);
	inc.sector_method = method_parse(pq.PQgetvalue(r, row, 33));
	inc.sector_km = dnum(r, row, 34);
	int stv = sf_incident_status_parse(pq.PQgetvalue(r, row, 35));
	inc.status = stv < 0 ? SF_ISTATUS_REPORTED : (sf_incident_status)stv;
	inc.source_system = pq.PQgetvalue(r, row, 36);
	inc.batch = num(r, row, 37);
	inc.version = num(r, row, 38);
	return q->cb(q->ctx, &inc);
}

static sf_status op_query(sf_store *st, const sf_incident_filter *f, sf_incident_order order,
                          sf_incident_cb cb, void *ctx, sf_error *err)
{
	pg *p = PG(st);
	sf_buf sql;
	binds b = {0};
	query_ctx q = {cb, ctx};
	sf_status rc;

	sf_buf_init(&sql, 0);
	rc = sf_buf_adds(&sql, "SELECT ");
	for (int i = 0; i < SF_ACLED_NCOLS && rc == SF_OK; i++)
		rc = sf_buf_addf(&sql, "%s, ", sf_acled_column_name(i));
	if (rc == SF_OK)
		rc = sf_buf_adds(&sql,
		                 "day, sector, sector_method, sector_km, status, source_system,"
		                 " coalesce(batch, 0), version FROM incidents");
	if (rc == SF_OK)
		rc = where(f, &sql, &b, 1, 1);
	if (rc == SF_OK)
		rc = sf_buf_adds(&sql, order == SF_ORDER_TYPE_DATE
		                               ? " ORDER BY event_type, day, event_id_cnty"
		                               : " ORDER BY day, event_id_cnty");
	if (rc == SF_OK && f->limit > 0)
		rc = sf_buf_addf(&sql, " LIMIT %ld", f->limit);
	if (rc != SF_OK)
		rc = sf_error_set(err, SF_ERR_NOMEM, "store: query too long");
	else if (f->limit > 0 && f->limit <= FETCH_ROWS)
		rc = each_row_small(p, sf_buf_str(&sql), b.n, b.v, query_row, &q, "query incidents",
		                    err);
	else
		rc = each_row(p, sf_buf_str(&sql), b.n, b.v, query_row, &q, "query incidents", err);
	sf_buf_release(&sql);
	return rc;
}

typedef struct agg_ctx {
	sf_agg_cb cb;
	void *ctx;
} agg_ctx;

static int agg_row(void *ctx, const PGresult *r, int row)
{
	agg_ctx *a = ctx;
	sf_agg_row out;
	out.day = num(r, row, 0);
	out.key = pq.PQgetvalue(r, row, 1);
	out.count = num(r, row, 2);
	out.fatalities = num(r, row, 3);
	out.fatalities_unknown = num(r, row, 4);
	return a->cb(a->ctx, &out);
}

/* The same queries as store_sqlite.c's op_aggregate, over the same roll-ups. */
static sf_status op_aggregate(sf_store *st, const sf_incident_filter *f, sf_dim dim, sf_agg_cb cb,
                              void *ctx, sf_error *err)
{
	pg *p = PG(st);
	sf_buf sql;
	binds b = {0};
	agg_ctx a = {cb, ctx};
	sf_status rc;
	static const char *const keycol[] = {"''::text", "sector", "event_type", "sub_event_type",
	                                     "actor"};
	int generic = f->event_id || f->location || f->actor ||
	              (dim == SF_DIM_ACTOR && (f->sub_event_type || f->event_type));

	sf_buf_init(&sql, 0);
	if (generic) {
		if (dim == SF_DIM_ACTOR) {
			rc = sf_buf_adds(&sql,
			                 "SELECT day, a, count(*), coalesce(sum(fatalities), 0),"
			                 " count(*) - count(fatalities) FROM ("
			                 "SELECT day, actor1 AS a, fatalities, event_id_cnty"
			                 " FROM incidents");
			rc = rc ? rc : where(f, &sql, &b, 1, 1);
			rc = rc ? rc
			        : sf_buf_adds(&sql, " UNION SELECT day, actor2, fatalities,"
			                            " event_id_cnty FROM incidents");
			rc = rc ? rc : where(f, &sql, &b, 1, 1);
			rc = rc ? rc
			        : sf_buf_adds(&sql,
			                      ") u WHERE a <> '' GROUP BY 1, 2 ORDER BY 1, 2");
		} else {
			rc = sf_buf_addf(&sql,
			                 "SELECT day, %s, count(*), coalesce(sum(fatalities), 0),"
			                 " count(*) - count(fatalities) FROM incidents",
			                 dim == SF_DIM_NONE ? "''::text" : keycol[dim]);
			rc = rc ? rc : where(f, &sql, &b, 1, 1);
			rc = rc ? rc : sf_buf_adds(&sql, " GROUP BY 1, 2 ORDER BY 1, 2");
		}
	} else if (dim == SF_DIM_ACTOR) {
		rc = sf_buf_adds(
		        &sql, "SELECT day, actor, sum(n), sum(fatalities), sum(fatalities_unknown)"
		              " FROM actor_rollup");
		rc = rc ? rc : where(f, &sql, &b, 0, 0);
		rc = rc ? rc : sf_buf_adds(&sql, " GROUP BY 1, 2 HAVING sum(n) > 0 ORDER BY 1, 2");
	} else {
		rc = sf_buf_addf(&sql,
		                 "SELECT day, %s, sum(n), sum(fatalities), sum(fatalities_unknown)"
		                 " FROM incident_rollup",
		                 keycol[dim]);
		rc = rc ? rc : where(f, &sql, &b, 1, 0);
		rc = rc ? rc : sf_buf_adds(&sql, " GROUP BY 1, 2 HAVING sum(n) > 0 ORDER BY 1, 2");
	}
	if (rc != SF_OK)
		rc = sf_error_set(err, SF_ERR_NOMEM, "store: query too long");
	else
		rc = each_row_small(p, sf_buf_str(&sql), b.n, b.v, agg_row, &a,
		                    "aggregate incidents", err);
	sf_buf_release(&sql);
	return rc;
}

typedef struct edit_ctx {
	sf_edit_cb cb;
	void *ctx;
} edit_ctx;

static int edit_row(void *ctx, const PGresult *r, int row)
{
	edit_ctx *c = ctx;
	sf_edit_entry e = {
	        num(r, row, 0),           pq.PQgetvalue(r, row, 1), pq.PQgetvalue(r, row, 2),
	        pq.PQgetvalue(r, row, 3), pq.PQgetvalue(r, row, 4), pq.PQgetvalue(r, row, 5),
	        pq.PQgetvalue(r, row, 6), pq.PQgetvalue(r, row, 7), pq.PQgetvalue(r, row, 8)};
	return c->cb(c->ctx, &e);
}

static sf_status op_edits(sf_store *st, const char *event_id, sf_edit_cb cb, void *ctx,
                          sf_error *err)
{
	edit_ctx c = {cb, ctx};
	const char *params[] = {event_id};
	static const char *const cols = "id, event_id, other_id, what, old, new, note, who, at";
	char sql[256];
	if (event_id)
		sf_snprintf(sql, sizeof sql,
		            "SELECT %s FROM edits WHERE event_id = $1 OR other_id = $1 ORDER BY id",
		            cols);
	else
		sf_snprintf(sql, sizeof sql, "SELECT %s FROM edits ORDER BY id", cols);
	return each_row(PG(st), sql, event_id ? 1 : 0, params, edit_row, &c, "read edit log", err);
}

static sf_status op_count(sf_store *st, long *n, sf_error *err)
{
	return run_long(PG(st), "SELECT count(*) FROM incident_keys", 0, NULL, n, "count incidents",
	                err);
}

/* min and max of the partitions' primary keys, which begin with day. */
static sf_status op_days(sf_store *st, long *first, long *last, sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	sf_status rc = run(p, "SELECT min(day), max(day) FROM incidents", 0, NULL, &r,
	                   "incident days", err);
	*first = *last = SF_DAY_NONE;
	if (rc == SF_OK && pq.PQntuples(r) > 0 && !pq.PQgetisnull(r, 0, 0) &&
	    !pq.PQgetisnull(r, 0, 1)) {
		*first = num(r, 0, 0);
		*last = num(r, 0, 1);
	}
	pq.PQclear(r);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Aid                                                                */

static sf_status op_aid_upsert(sf_store *st, const sf_aid_row *row, sf_upsert_result *res,
                               sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	char day[24], trucks[24], tonnes[40];
	sf_snprintf(day, sizeof day, "%ld", row->day);
	sf_snprintf(trucks, sizeof trucks, "%ld", row->trucks);
	sf_snprintf(tonnes, sizeof tonnes, "%.17g", row->tonnes);
	const char *params[] = {day,
	                        row->crossing,
	                        row->category,
	                        sf_aid_stage_str(row->stage),
	                        row->source,
	                        trucks,
	                        isnan(row->tonnes) ? NULL : tonnes};
	/* One statement: inserted, updated when a figure differs, else untouched. */
	sf_status rc = p->in_tx ? batch_lock(p, err) : SF_OK;
	if (rc == SF_OK)
		rc = run(p,
		         "INSERT INTO aid AS a VALUES($1, $2, $3, $4, $5, $6, $7, NULL)"
		         " ON CONFLICT (day, crossing, category, stage, source) DO UPDATE"
		         " SET trucks = excluded.trucks, tonnes = excluded.tonnes, batch = NULL"
		         " WHERE a.trucks IS DISTINCT FROM excluded.trucks"
		         " OR a.tonnes IS DISTINCT FROM excluded.tonnes"
		         " RETURNING (xmax = 0)",
		         7, params, &r, "write aid row", err);
	if (rc == SF_OK)
		*res = pq.PQntuples(r) == 0                       ? SF_UPSERT_UNCHANGED
		       : strcmp(pq.PQgetvalue(r, 0, 0), "t") == 0 ? SF_UPSERT_INSERTED
		                                                  : SF_UPSERT_UPDATED;
	pq.PQclear(r);
	return rc;
}

typedef struct aid_ctx {
	sf_aid_cb cb;
	void *ctx;
} aid_ctx;

static int aid_row(void *ctx, const PGresult *r, int row)
{
	aid_ctx *c = ctx;
	sf_aid_row out;
	out.day = num(r, row, 0);
	out.crossing = pq.PQgetvalue(r, row, 1);
	out.trucks = num(r, row, 2);
	out.tonnes = dnum(r, row, 3);
	out.category = pq.PQgetvalue(r, row, 4);
	int sg = sf_aid_stage_parse(pq.PQgetvalue(r, row, 5));
	out.stage = sg < 0 ? SF_AID_ENTERED : (sf_aid_stage)sg;
	out.source = pq.PQgetvalue(r, row, 6);
	return c->cb(c->ctx, &out);
}

static sf_status op_aid_query(sf_store *st, const sf_aid_filter *f, sf_aid_cb cb, void *ctx,
                              sf_error *err)
{
	char from[24], to[24];
	aid_ctx c = {cb, ctx};
	sf_snprintf(from, sizeof from, "%ld", f->from_day);
	sf_snprintf(to, sizeof to, "%ld", f->to_day);
	const char *params[] = {f->from_day != SF_DAY_NONE ? from : NULL,
	                        f->to_day != SF_DAY_NONE ? to : NULL, f->crossing, f->source,
	                        f->stage >= 0 ? sf_aid_stage_str((sf_aid_stage)f->stage) : NULL};
	return each_row_small(
	        PG(st),
	        "SELECT day, crossing, trucks, tonnes, category, stage, source FROM aid"
	        " WHERE ($1::integer IS NULL OR day >= $1) AND ($2::integer IS NULL OR"
	        " day <= $2) AND ($3::text IS NULL OR crossing = $3)"
	        " AND ($4::text IS NULL OR source = $4) AND ($5::text IS NULL OR stage = $5)"
	        " ORDER BY day, crossing, category, stage, source",
	        5, params, aid_row, &c, "read aid rows", err);
}

/* ---------------------------------------------------------------- */
/* Jobs, tokens, data version (service.h)                             */

/*
 * The job queue. Workers on any host claim the oldest queued job with
 * FOR UPDATE SKIP LOCKED (two claims never take one row, and neither waits
 * for the other), hold it under a lease they renew, and are woken by
 * NOTIFY when a job is queued (sf_store_job_wait). A submit holds an
 * advisory lock so that two submits of one cache key, or two at the
 * queue's limit, are decided one after the other.
 */
#define JOB_COLS                                                                                   \
	"id, kind, scenario, request, key, status, progress, message, %s, who, worker, created,"   \
	" started, finished, lease_until"

static const char *const JOBS_LOCK = "7310302462125339496";

static long long unix_now(void)
{
	return (long long)time(NULL);
}

static void row_job(const PGresult *r, int row, sf_job *j)
{
	int stv = sf_job_status_parse(pq.PQgetvalue(r, row, 5));
	j->id = strtoll(pq.PQgetvalue(r, row, 0), NULL, 10);
	j->kind = pq.PQgetvalue(r, row, 1);
	j->scenario = pq.PQgetvalue(r, row, 2);
	j->request = pq.PQgetvalue(r, row, 3);
	j->key = pq.PQgetvalue(r, row, 4);
	j->status = stv < 0 ? SF_JOB_FAILED : (sf_job_status)stv;
	j->progress = dnum(r, row, 6);
	j->message = pq.PQgetvalue(r, row, 7);
	j->result = pq.PQgetvalue(r, row, 8);
	j->who = pq.PQgetvalue(r, row, 9);
	j->worker = pq.PQgetvalue(r, row, 10);
	j->created = strtoll(pq.PQgetvalue(r, row, 11), NULL, 10);
	j->started = strtoll(pq.PQgetvalue(r, row, 12), NULL, 10);
	j->finished = strtoll(pq.PQgetvalue(r, row, 13), NULL, 10);
	j->lease_until = strtoll(pq.PQgetvalue(r, row, 14), NULL, 10);
}

/* Rows a command changed. */
static long changed(const PGresult *r)
{
	long n = 0;
	sf_parse_long(pq.PQcmdTuples((PGresult *)r), &n);
	return n;
}

/* Run a command and give the number of rows it changed. */
static sf_status run_changed(pg *p, const char *sql, int n, const char *const *params, long *rows,
                             const char *what, sf_error *err)
{
	PGresult *r = NULL;
	sf_status rc = run(p, sql, n, params, &r, what, err);
	*rows = rc == SF_OK ? changed(r) : 0;
	pq.PQclear(r);
	return rc;
}

static sf_status op_job_submit(sf_store *st, const sf_job *job, long max_queued, long long *id,
                               int *reused, sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	char created[24], subject[48], what[160];
	long queued = 0;
	int own = 0;
	const char *lock[] = {JOBS_LOCK};
	sf_status rc = tx_enter(p, &own, err);

	*id = 0;
	*reused = 0;
	if (rc == SF_OK)
		rc = run(p, "SELECT pg_advisory_xact_lock($1::bigint)", 1, lock, NULL,
		         "queue a job", err);
	if (rc == SF_OK && job->key && job->key[0]) {
		const char *k[] = {job->key};
		rc = run(p,
		         "SELECT id FROM jobs WHERE key = $1 AND status IN ('done', 'queued',"
		         " 'running') ORDER BY status = 'done' DESC, id DESC LIMIT 1",
		         1, k, &r, "queue a job", err);
		if (rc == SF_OK && pq.PQntuples(r) == 1) {
			*id = strtoll(pq.PQgetvalue(r, 0, 0), NULL, 10);
			*reused = 1;
		}
		pq.PQclear(r);
		r = NULL;
		if (*reused)
			return tx_leave(p, own, rc, err);
	}
	if (rc == SF_OK)
		rc = run_long(p, "SELECT count(*) FROM jobs WHERE status = 'queued'", 0, NULL,
		              &queued, "queue a job", err);
	if (rc != SF_OK || queued >= max_queued)
		return tx_leave(p, own, rc, err);
	sf_snprintf(created, sizeof created, "%lld", unix_now());
	const char *params[] = {job->kind,
	                        job->scenario,
	                        job->request,
	                        job->key ? job->key : "",
	                        job->who ? job->who : "",
	                        created};
	rc = run(p,
	         "INSERT INTO jobs(kind, scenario, request, key, status, who, created)"
	         " VALUES($1, $2, $3, $4, 'queued', $5, $6) RETURNING id",
	         6, params, &r, "queue a job", err);
	if (rc == SF_OK)
		*id = strtoll(pq.PQgetvalue(r, 0, 0), NULL, 10);
	pq.PQclear(r);
	sf_snprintf(subject, sizeof subject, "job:%lld", *id);
	sf_snprintf(what, sizeof what, "%s %s", job->kind, job->scenario);
	if (rc == SF_OK)
		rc = log_edit(p, subject, NULL, "job", "", what, "", job->who, err);
	/* Wakes the listening workers when (if) this commits. */
	if (rc == SF_OK)
		rc = exec(p, "NOTIFY sf_jobs", "queue a job", err);
	return tx_leave(p, own, rc, err);
}

typedef struct job_ctx {
	sf_job_cb cb;
	void *ctx;
} job_ctx;

static int job_row(void *ctx, const PGresult *r, int row)
{
	job_ctx *c = ctx;
	sf_job j;
	row_job(r, row, &j);
	return c->cb(c->ctx, &j);
}

static sf_status op_job_get(sf_store *st, long long id, sf_job_cb cb, void *ctx, int *found,
                            sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	char sql[256], ids[24];
	const char *params[] = {ids};
	sf_snprintf(ids, sizeof ids, "%lld", id);
	sf_snprintf(sql, sizeof sql, "SELECT " JOB_COLS " FROM jobs WHERE id = $1", "result");
	sf_status rc = run(p, sql, 1, params, &r, "read a job", err);
	*found = rc == SF_OK && pq.PQntuples(r) == 1;
	if (*found) {
		sf_job j;
		row_job(r, 0, &j);
		cb(ctx, &j);
	}
	pq.PQclear(r);
	return rc;
}

static sf_status op_job_list(sf_store *st, int status, long limit, sf_job_cb cb, void *ctx,
                             sf_error *err)
{
	job_ctx c = {cb, ctx};
	char sql[320], lim[24];
	sf_snprintf(lim, sizeof lim, "%ld", limit);
	const char *params[] = {status >= 0 ? sf_job_status_str((sf_job_status)status) : NULL,
	                        limit > 0 ? lim : NULL};
	sf_snprintf(sql, sizeof sql,
	            "SELECT " JOB_COLS " FROM jobs WHERE $1::text IS NULL OR status = $1"
	            " ORDER BY id DESC LIMIT $2::bigint",
	            "''");
	if (limit > 0 && limit <= FETCH_ROWS)
		return each_row_small(PG(st), sql, 2, params, job_row, &c, "list jobs", err);
	return each_row(PG(st), sql, 2, params, job_row, &c, "list jobs", err);
}

static sf_status op_job_claim(sf_store *st, const char *worker, long lease_s, long long *id,
                              sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	char now[24], until[24];
	long long t = unix_now();
	sf_snprintf(now, sizeof now, "%lld", t);
	sf_snprintf(until, sizeof until, "%lld", t + lease_s);
	const char *params[] = {worker, now, until};
	sf_status rc = run(p,
	                   "UPDATE jobs SET status = 'running', worker = $1, started = $2,"
	                   " lease_until = $3, progress = 0, message = '', attempts = attempts + 1"
	                   " WHERE id = (SELECT id FROM jobs WHERE status = 'queued'"
	                   " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id",
	                   3, params, &r, "claim a job", err);
	*id = rc == SF_OK && pq.PQntuples(r) == 1 ? strtoll(pq.PQgetvalue(r, 0, 0), NULL, 10) : 0;
	pq.PQclear(r);
	return rc;
}

static sf_status op_job_heartbeat(sf_store *st, long long id, const char *worker, double progress,
                                  const char *message, long lease_s, int *cancelled, sf_error *err)
{
	char ids[24], prog[40], until[24];
	long n = 0;
	sf_snprintf(ids, sizeof ids, "%lld", id);
	sf_snprintf(prog, sizeof prog, "%.17g", progress);
	sf_snprintf(until, sizeof until, "%lld", unix_now() + lease_s);
	const char *params[] = {ids, worker, prog, message ? message : "", until};
	sf_status rc = run_changed(PG(st),
	                           "UPDATE jobs SET progress = $3, message = $4, lease_until = $5"
	                           " WHERE id = $1 AND worker = $2 AND status = 'running'",
	                           5, params, &n, "job heartbeat", err);
	*cancelled = rc == SF_OK && n == 0;
	return rc;
}

static sf_status op_job_finish(sf_store *st, long long id, const char *worker, sf_job_status status,
                               const char *message, const char *result, int *applied, sf_error *err)
{
	char ids[24], now[24];
	long n = 0;
	sf_snprintf(ids, sizeof ids, "%lld", id);
	sf_snprintf(now, sizeof now, "%lld", unix_now());
	const char *params[] = {ids,
	                        worker,
	                        sf_job_status_str(status),
	                        message ? message : "",
	                        result ? result : "",
	                        now};
	sf_status rc = run_changed(PG(st),
	                           "UPDATE jobs SET status = $3, message = $4, result = $5,"
	                           " progress = CASE WHEN $3 = 'done' THEN 1 ELSE progress END,"
	                           " finished = $6, lease_until = 0"
	                           " WHERE id = $1 AND worker = $2 AND status = 'running'",
	                           6, params, &n, "finish a job", err);
	*applied = rc == SF_OK && n > 0;
	return rc;
}

static sf_status op_job_cancel(sf_store *st, long long id, const char *who, int *before,
                               sf_error *err)
{
	pg *p = PG(st);
	PGresult *r = NULL;
	char ids[24], now[24], subject[48], was[16] = "";
	int own = 0;
	sf_snprintf(ids, sizeof ids, "%lld", id);
	sf_snprintf(now, sizeof now, "%lld", unix_now());
	const char *params[] = {ids, now};
	sf_status rc = tx_enter(p, &own, err);
	*before = -1;
	if (rc == SF_OK)
		rc = run(p, "SELECT status FROM jobs WHERE id = $1 FOR UPDATE", 1, params, &r,
		         "read a job", err);
	if (rc == SF_OK && pq.PQntuples(r) == 1)
		sf_strlcpy(was, pq.PQgetvalue(r, 0, 0), sizeof was);
	pq.PQclear(r);
	if (rc == SF_OK && was[0]) {
		*before = sf_job_status_parse(was);
		if (*before == SF_JOB_QUEUED || *before == SF_JOB_RUNNING) {
			rc = run(p,
			         "UPDATE jobs SET status = 'cancelled', finished = $2, lease_until "
			         "= 0,"
			         " message = 'cancelled' WHERE id = $1",
			         2, params, NULL, "cancel a job", err);
			sf_snprintf(subject, sizeof subject, "job:%lld", id);
			if (rc == SF_OK)
				rc = log_edit(p, subject, NULL, "cancel", was, "cancelled", "", who,
				              err);
		}
	}
	return tx_leave(p, own, rc, err);
}

static sf_status op_job_expire(sf_store *st, long long now, const char *reason, long *n,
                               sf_error *err)
{
	pg *p = PG(st);
	char t[24], tries[16];
	int own = 0;
	sf_snprintf(t, sizeof t, "%lld", now);
	sf_snprintf(tries, sizeof tries, "%d", SF_JOB_ATTEMPTS);
	const char *params[] = {t, reason, tries};
	sf_status rc = tx_enter(p, &own, err);
	if (rc == SF_OK)
		rc = run_changed(
		        p,
		        "UPDATE jobs SET status = CASE WHEN attempts < $3::integer THEN 'queued' "
		        "ELSE 'failed' END,"
		        " message = CASE WHEN attempts < $3::integer THEN 'queued again: ' || $2"
		        " ELSE $2 END,"
		        " worker = CASE WHEN attempts < $3::integer THEN '' ELSE worker END,"
		        " started = CASE WHEN attempts < $3::integer THEN 0 ELSE started END,"
		        " finished = CASE WHEN attempts < $3::integer THEN 0 ELSE $1 END,"
		        " progress = 0, lease_until = 0"
		        " WHERE status = 'running' AND lease_until < $1",
		        3, params, n, "expire job leases", err);
	/* The jobs queued again wake the waiting workers at commit. */
	if (rc == SF_OK && *n > 0)
		rc = exec(p, "NOTIFY sf_jobs", "expire job leases", err);
	return tx_leave(p, own, rc, err);
}

static sf_status op_job_abandon(sf_store *st, long long id, const char *worker, const char *reason,
                                int *applied, sf_error *err)
{
	return op_job_finish(st, id, worker, SF_JOB_FAILED, reason, "", applied, err);
}

static sf_status op_job_counts(sf_store *st, long counts[5], sf_error *err)
{
	PGresult *r = NULL;
	for (int i = 0; i < 5; i++)
		counts[i] = 0;
	sf_status rc = run(PG(st), "SELECT status, count(*) FROM jobs GROUP BY status", 0, NULL, &r,
	                   "count jobs", err);
	for (int i = 0; rc == SF_OK && i < pq.PQntuples(r); i++) {
		int k = sf_job_status_parse(pq.PQgetvalue(r, i, 0));
		if (k >= 0)
			counts[k] = num(r, i, 1);
	}
	pq.PQclear(r);
	return rc;
}

static sf_status op_token_add(sf_store *st, const char *name, sf_role role, const char *hash,
                              sf_error *err)
{
	pg *p = PG(st);
	const char *params[] = {name, sf_role_str(role), hash};
	PGresult *r =
	        pq.PQexecParams(p->conn, "INSERT INTO tokens(name, role, hash) VALUES($1, $2, $3)",
	                        3, NULL, params, NULL, NULL, 0);
	sf_status rc = SF_OK;
	const char *state = r ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (state && strcmp(state, "23505") == 0)
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "a token named '%s' exists: choose another name, or revoke it",
		                  name);
	else if (!r || pq.PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_fail(p, r, "add a token", err);
	pq.PQclear(r);
	return rc;
}

typedef struct token_ctx {
	sf_token_cb cb;
	void *ctx;
} token_ctx;

static int token_row(void *ctx, const PGresult *r, int row)
{
	token_ctx *c = ctx;
	int role = sf_role_parse(pq.PQgetvalue(r, row, 1));
	sf_token_info t = {pq.PQgetvalue(r, row, 0), role < 0 ? SF_ROLE_VIEWER : (sf_role)role,
	                   pq.PQgetvalue(r, row, 2), pq.PQgetvalue(r, row, 3), (int)num(r, row, 4)};
	return c->cb(c->ctx, &t);
}

static sf_status op_token_list(sf_store *st, sf_token_cb cb, void *ctx, sf_error *err)
{
	token_ctx c = {cb, ctx};
	return each_row_small(PG(st),
	                      "SELECT name, role, hash, created, revoked FROM tokens ORDER BY name",
	                      0, NULL, token_row, &c, "list tokens", err);
}

static sf_status op_token_revoke(sf_store *st, const char *name, int *found, sf_error *err)
{
	long n = 0;
	const char *params[] = {name};
	sf_status rc = run_changed(PG(st), "UPDATE tokens SET revoked = 1 WHERE name = $1", 1,
	                           params, &n, "revoke a token", err);
	*found = n > 0;
	return rc;
}

static sf_status op_data_version(sf_store *st, long long *version, sf_error *err)
{
	long v = 0;
	sf_status rc = run_long(PG(st), "SELECT v FROM meta WHERE k = 'data_version'", 0, NULL, &v,
	                        "read the data version", err);
	*version = v;
	return rc;
}

/* Drop the notifications that came; 1 when there was one. */
static int drain_notifies(pg *p)
{
	PGnotify *n;
	int got = 0;
	while ((n = pq.PQnotifies(p->conn)) != NULL) {
		pq.PQfreemem(n);
		got = 1;
	}
	return got;
}

/*
 * An idle worker's wait: LISTEN sf_jobs once, then sleep on the
 * connection's socket until a NOTIFY (a job queued, or queued again) or
 * max_ms. Through a pooler that cannot pass notifications on, the wait
 * simply lasts max_ms.
 */
static sf_status op_job_wait(sf_store *st, long max_ms, sf_error *err)
{
	pg *p = PG(st);
	sf_status rc = SF_OK;
	reconnect(p);
	if (!p->listening) {
		rc = exec(p, "LISTEN sf_jobs", "wait for jobs", err);
		if (rc != SF_OK)
			return rc;
		p->listening = 1;
	}
	if (!pq.PQconsumeInput(p->conn))
		return pg_fail(p, NULL, "wait for jobs", err);
	if (drain_notifies(p))
		return SF_OK;
	struct pollfd pf = {pq.PQsocket(p->conn), POLLIN, 0};
	int r = poll(&pf, 1, (int)(max_ms > 60000 ? 60000 : max_ms));
	if (r < 0 && errno != EINTR)
		return sf_error_set(err, SF_ERR_IO, "store %s: wait for jobs: %s", p->where,
		                    strerror(errno));
	if (r > 0) {
		if (!pq.PQconsumeInput(p->conn))
			return pg_fail(p, NULL, "wait for jobs", err);
		drain_notifies(p);
	}
	return SF_OK;
}

static const sf_store_ops pg_ops = {
        .name = "postgresql",
        .close = op_close,
        .begin = op_begin,
        .commit = op_commit,
        .rollback = op_rollback,
        .batch_begin = op_batch_begin,
        .batch_end = op_batch_end,
        .incident_upsert = op_upsert,
        .bulk_begin = op_bulk_begin,
        .bulk_add = op_bulk_add,
        .bulk_end = op_bulk_end,
        .incident_delete = op_delete,
        .incident_query = op_query,
        .incident_aggregate = op_aggregate,
        .incident_set_status = op_set_status,
        .dupe_decide = op_dupe_decide,
        .dupe_decision = op_dupe_decision,
        .edits = op_edits,
        .incident_count = op_count,
        .incident_days = op_days,
        .aid_upsert = op_aid_upsert,
        .aid_query = op_aid_query,
        .job_submit = op_job_submit,
        .job_get = op_job_get,
        .job_list = op_job_list,
        .job_claim = op_job_claim,
        .job_heartbeat = op_job_heartbeat,
        .job_finish = op_job_finish,
        .job_cancel = op_job_cancel,
        .job_expire = op_job_expire,
        .job_abandon = op_job_abandon,
        .job_counts = op_job_counts,
        .job_wait = op_job_wait,
        .token_add = op_token_add,
        .token_list = op_token_list,
        .token_revoke = op_token_revoke,
        .data_version = op_data_version,
};

/* ---------------------------------------------------------------- */
/* Open                                                               */

/*
 * Bring the schema to SCHEMA_VERSION: once, under the advisory lock, if it
 * is behind. For reading (SF_STORE_READ) a database without the schema is
 * not made a store: that is the caller's mistake, said so.
 */
static sf_status migrate(pg *p, sf_store_mode mode, sf_error *err)
{
	long version = 0, exists = 0;
	const char *lock[] = {MIGRATION_LOCK};
	sf_status rc = run_long(
	        p, "SELECT count(*) FROM pg_class WHERE oid = to_regclass('sf_migrations')", 0,
	        NULL, &exists, "read schema version", err);
	if (rc == SF_OK && exists)
		rc = run_long(p, "SELECT max(version) FROM sf_migrations", 0, NULL, &version,
		              "read schema version", err);
	if (rc != SF_OK)
		return rc;
	if (version == SCHEMA_VERSION)
		return SF_OK;
	if (version == 0 && mode == SF_STORE_READ)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "store %s is not a stabforce store yet (the database has no "
		                    "stabforce schema): create it by importing into it (stabforce "
		                    "incidents import FILE --db URI)",
		                    p->where);
	if (version > SCHEMA_VERSION)
		return sf_error_set(err, SF_ERR_STORE,
		                    "store %s has schema version %ld, newer than this stabforce "
		                    "(%d): upgrade stabforce",
		                    p->where, version, SCHEMA_VERSION);
	if (p->read_only)
		return sf_error_set(err, SF_ERR_UNAVAILABLE,
		                    "store %s is a standby at schema version %ld, this stabforce "
		                    "needs %d: open the primary once to migrate it",
		                    p->where, version, SCHEMA_VERSION);
	rc = exec(p, "BEGIN", "migrate", err);
	if (rc != SF_OK)
		return rc;
	p->in_tx = 1;
	rc = run(p, "SELECT pg_advisory_xact_lock($1::bigint)", 1, lock, NULL, "migrate", err);
	if (rc == SF_OK)
		rc = exec(p,
		          "CREATE TABLE IF NOT EXISTS sf_migrations(version integer PRIMARY KEY,"
		          " applied text NOT NULL DEFAULT " NOW_ISO ")",
		          "migrate", err);
	if (rc == SF_OK)
		rc = run_long(p, "SELECT coalesce(max(version), 0) FROM sf_migrations", 0, NULL,
		              &version, "migrate", err);
	for (; rc == SF_OK && version < SCHEMA_VERSION; version++) {
		char v[16];
		const char *params[] = {v};
		for (const char *const *m = migrations[version]; *m && rc == SF_OK; m++)
			rc = exec(p, *m, "migrate", err);
		sf_snprintf(v, sizeof v, "%ld", version + 1);
		if (rc == SF_OK)
			rc = run(p, "INSERT INTO sf_migrations(version) VALUES($1)", 1, params,
			         NULL, "migrate", err);
	}
	return tx_leave(p, 1, rc, err);
}

void sf__store_pg_set_chunk_bytes(sf_store *st, size_t bytes)
{
	if (st && st->ops == &pg_ops && bytes >= 1024)
		((pg *)st->impl)->chunk_bytes = bytes;
}

void sf__store_pg_set_sums_max(sf_store *st, size_t sums)
{
	if (st && st->ops == &pg_ops && sums >= 1)
		((pg *)st->impl)->rs_max = sums;
}

sf_status sf_store_open_pg(const char *conninfo, sf_store_mode mode, sf_store **out, sf_error *err)
{
	/* connect_timeout first: the location's own value, if any, comes later and wins. */
	static const char *const keys[] = {"connect_timeout", "dbname", "fallback_application_name",
	                                   "client_encoding", NULL};
	/* A reading session says so in pg_stat_activity (unless the location names itself). */
	const char *vals[] = {"10", conninfo,
	                      mode == SF_STORE_READ ? "stabforce-read" : "stabforce", "UTF8", NULL};
	sf_store *st = NULL;
	pg *p = NULL;
	sf_status rc;
	long standby = 0;

	*out = NULL;
	if ((rc = sf_dl_load(&pq_lib, err)) != SF_OK)
		return rc;
	st = calloc(1, sizeof *st);
	p = calloc(1, sizeof *p);
	if (!st || !p) {
		free(st);
		free(p);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	st->ops = &pg_ops;
	st->impl = p;
	sf_buf_init(&p->copy, 0);
	sf_buf_init(&p->keys, 0);
	sf_buf_init(&p->sent, 0);
	sf_buf_init(&p->rkey, 0);
	p->chunk_bytes = CHUNK_BYTES;
	p->rs_max = RS_MAX;
	sf_store_location_safe(conninfo, p->where, sizeof p->where);
	p->conn = pq.PQconnectdbParams(keys, vals, 1);
	if (!p->conn) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto fail;
	}
	if (pq.PQstatus(p->conn) != CONNECTION_OK) {
		rc = pg_fail(p, NULL, "connect", err);
		goto fail;
	}
	if (pq.PQserverVersion(p->conn) < MIN_SERVER) {
		rc = sf_error_set(err, SF_ERR_STORE,
		                  "store %s: PostgreSQL %d is too old: stabforce needs 12 or later",
		                  p->where, pq.PQserverVersion(p->conn) / 10000);
		goto fail;
	}
	rc = run_long(p, "SELECT pg_is_in_recovery()::integer", 0, NULL, &standby, "connect", err);
	if (rc != SF_OK)
		goto fail;
	p->read_only = standby != 0;
	/* Room for an import's staging tables in memory (before any temporary table). */
	rc = exec(p, "SET temp_buffers = '128MB'", "connect", err);
	if (rc == SF_OK)
		rc = migrate(p, mode, err);
	/* A session opened to read cannot write, nor take a writer's lock, on a primary too. */
	if (rc == SF_OK && mode == SF_STORE_READ && !p->read_only)
		rc = exec(p, "SET default_transaction_read_only = on", "connect", err);
	if (rc != SF_OK)
		goto fail;
	*out = st;
	return SF_OK;
fail:
	op_close(st);
	free(st);
	return rc;
}
