/*
 * store_sqlite.c - the SQLite backend of sf_store (the one file that
 * includes <sqlite3.h>).
 *
 * One database file in WAL mode with foreign keys on. The schema version is
 * PRAGMA user_version; migrations[i] takes a store from version i to i+1,
 * each in its own transaction, so opening a store of any older version
 * brings it up to date and a new file is created by running them all.
 * Opening reads the version without a lock and takes the write lock only
 * to migrate. A store opened to read (SF_STORE_READ) is never created: the
 * file is opened read-only, so a report runs while an import holds the
 * write lock (WAL readers see the last commit) and a store on read-only
 * media can be read (immutable, when SQLite cannot make its -shm file and
 * the -wal file holds nothing).
 *
 * Incidents live in a WITHOUT ROWID table keyed by event_id_cnty: one
 * b-tree, so an import writes each row once (no separate unique index).
 * Reports do not scan it: two small roll-ups hold incident counts and
 * fatalities (and incidents without a fatalities figure) per (day, sector,
 * event type, sub-event type, status) and per
 * (day, actor, sector, status). Every write that changes an incident
 * (upsert, delete, status) adds its +1/-1 deltas to an in-memory table that
 * is written to the roll-ups at commit, in the same transaction (so they
 * can never disagree with the incidents), and dropped on rollback. Triggers
 * would do the same but cost a roll-up upsert per imported row; the deltas
 * cost one per distinct key. A report over a million incidents reads tens
 * of thousands of roll-up rows. Filters the roll-ups cannot answer (by
 * event id, location, actor with another dimension) fall back to a scan.
 *
 * Writes: the import wraps a whole file in one transaction (begin/commit);
 * each upsert is an INSERT OR IGNORE (one statement for a new event) and,
 * when the key exists, a read of the stored timestamp and an UPDATE only if
 * the new one is later, so the caller learns exactly which happened.
 * Statements are prepared once at open. synchronous=NORMAL is safe in WAL
 * mode: a crash may lose the last commits but never corrupts the file. The
 * connection is opened NOMUTEX (one thread uses a store at a time) and
 * SQLite's memory accounting is switched off: together they halved the
 * import's CPU time (bench/import.sh).
 */
#include "base/internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "register/store.h"

/* ---------------------------------------------------------------- */
/* Schema                                                             */

/* ACLED's columns before fatalities (whose type changed in version 4), and after. */
#define ACLED_COLS_DDL                                                                             \
	"event_id_cnty TEXT NOT NULL PRIMARY KEY, event_date TEXT NOT NULL, year TEXT, "           \
	"time_precision TEXT, disorder_type TEXT, event_type TEXT NOT NULL, sub_event_type TEXT, " \
	"actor1 TEXT, assoc_actor_1 TEXT, inter1 TEXT, actor2 TEXT, assoc_actor_2 TEXT, "          \
	"inter2 TEXT, interaction TEXT, civilian_targeting TEXT, iso TEXT, region TEXT, "          \
	"country TEXT, admin1 TEXT, admin2 TEXT, admin3 TEXT, location TEXT, latitude REAL, "      \
	"longitude REAL, geo_precision TEXT, source TEXT, source_scale TEXT, notes TEXT, "
#define ACLED_COLS_DDL_TAIL "tags TEXT, timestamp INTEGER NOT NULL DEFAULT 0, "

/* Version 0 -> 1, one statement per string. */
static const char *const migration1[] = {
        "CREATE TABLE batches(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, file TEXT, who TEXT,"
        " started TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), summary TEXT);",
        "CREATE TABLE incidents(" ACLED_COLS_DDL
        "fatalities INTEGER NOT NULL DEFAULT 0, " ACLED_COLS_DDL_TAIL
        " day INTEGER NOT NULL, sector TEXT NOT NULL DEFAULT '',"
        " sector_method TEXT NOT NULL DEFAULT 'none',"
        " sector_km REAL NOT NULL DEFAULT 0,"
        " status TEXT NOT NULL DEFAULT 'reported',"
        " source_system TEXT NOT NULL DEFAULT 'ACLED',"
        " batch INTEGER) WITHOUT ROWID;",
        "CREATE TABLE incident_rollup(day INTEGER NOT NULL, sector TEXT NOT NULL,"
        " event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL, status TEXT NOT NULL,"
        " n INTEGER NOT NULL, fatalities INTEGER NOT NULL,"
        " PRIMARY KEY(day, sector, event_type, sub_event_type, status)) WITHOUT ROWID;",
        "CREATE TABLE actor_rollup(day INTEGER NOT NULL, actor TEXT NOT NULL, sector TEXT NOT NULL,"
        " status TEXT NOT NULL, n INTEGER NOT NULL, fatalities INTEGER NOT NULL,"
        " PRIMARY KEY(day, actor, sector, status)) WITHOUT ROWID;",
        "CREATE TABLE edits(id INTEGER PRIMARY KEY, event_id TEXT NOT NULL,"
        " other_id TEXT NOT NULL DEFAULT '', what TEXT NOT NULL, old TEXT NOT NULL DEFAULT '',"
        " new TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', who TEXT NOT NULL DEFAULT "
        "'',"
        " at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));",
        "CREATE INDEX edits_event ON edits(event_id);",
        "CREATE TABLE dupe_decisions(a TEXT NOT NULL, b TEXT NOT NULL,"
        " decision TEXT NOT NULL CHECK(decision IN ('duplicate','distinct')),"
        " PRIMARY KEY(a, b)) WITHOUT ROWID;",
        "CREATE TABLE aid(day INTEGER NOT NULL, crossing TEXT NOT NULL, category TEXT NOT NULL,"
        " stage TEXT NOT NULL CHECK(stage IN ('entered','offloaded','collected','intercepted')),"
        " source TEXT NOT NULL, trucks INTEGER NOT NULL CHECK(trucks >= 0), tonnes REAL,"
        " batch INTEGER REFERENCES batches(id),"
        " PRIMARY KEY(day, crossing, category, stage, source)) WITHOUT ROWID;",
        NULL,
};

/*
 * Version 1 -> 2: what `stabforce serve` keeps (service.h): jobs, tokens
 * (hashes only), and a data version that every batch and every edit-log
 * entry moves (two small tables, so an import pays one update per file,
 * not per row). The incident list's keyset order (day, id) gets its index.
 */
#define BUMP_VERSION "UPDATE meta SET v = v + 1 WHERE k = 'data_version';"

/* How long a connection waits for another's lock before "database is locked". */
#define STORE_BUSY_MS 10000
/* The pause between two tries to turn a new file to WAL (see set_wal). */
#define WAL_RETRY_MS 20
static const char *const migration2[] = {
        "CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;",
        "INSERT INTO meta VALUES('data_version', 0);",
        "CREATE TRIGGER batches_version AFTER INSERT ON batches BEGIN " BUMP_VERSION " END;",
        "CREATE TRIGGER batches_end_version AFTER UPDATE ON batches BEGIN " BUMP_VERSION " END;",
        "CREATE TRIGGER edits_version AFTER INSERT ON edits BEGIN " BUMP_VERSION " END;",
        "CREATE TABLE jobs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, scenario TEXT NOT NULL,"
        " request TEXT NOT NULL, key TEXT NOT NULL DEFAULT '',"
        " status TEXT NOT NULL CHECK(status IN"
        " ('queued','running','done','failed','cancelled')),"
        " progress REAL NOT NULL DEFAULT 0, message TEXT NOT NULL DEFAULT '',"
        " result TEXT NOT NULL DEFAULT '', who TEXT NOT NULL DEFAULT '',"
        " worker TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL,"
        " started INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0,"
        " lease_until INTEGER NOT NULL DEFAULT 0);",
        "CREATE INDEX jobs_status ON jobs(status, id);",
        "CREATE INDEX jobs_key ON jobs(key) WHERE key <> '';",
        "CREATE TABLE tokens(name TEXT PRIMARY KEY,"
        " role TEXT NOT NULL CHECK(role IN ('viewer','editor','admin')),"
        " hash TEXT NOT NULL UNIQUE,"
        " created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
        " revoked INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
        "CREATE INDEX incidents_day ON incidents(day, event_id_cnty);",
        NULL,
};

/*
 * Version 2 -> 3: the row version a review edit must match (If-Match); how
 * many times a job was claimed (an expired lease queues it again, a few
 * times).
 */
static const char *const migration3[] = {
        "ALTER TABLE incidents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;",
        "ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;",
        NULL,
};

/*
 * Version 3 -> 4: fatalities may be NULL, "not reported" (an empty field),
 * kept apart from 0. SQLite cannot drop a NOT NULL, so the incidents table
 * is rebuilt (same columns, same order, then its index again); nothing
 * references it. Rows stored before keep what they had (an empty field was
 * stored as 0 then and cannot be told apart). Each roll-up row counts its
 * incidents without a figure.
 */
static const char *const migration4[] = {
        "CREATE TABLE incidents_v4(" ACLED_COLS_DDL "fatalities INTEGER, " ACLED_COLS_DDL_TAIL
        " day INTEGER NOT NULL, sector TEXT NOT NULL DEFAULT '',"
        " sector_method TEXT NOT NULL DEFAULT 'none',"
        " sector_km REAL NOT NULL DEFAULT 0,"
        " status TEXT NOT NULL DEFAULT 'reported',"
        " source_system TEXT NOT NULL DEFAULT 'ACLED',"
        " batch INTEGER, version INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;",
        "INSERT INTO incidents_v4 SELECT * FROM incidents;",
        "DROP TABLE incidents;",
        "ALTER TABLE incidents_v4 RENAME TO incidents;",
        "CREATE INDEX incidents_day ON incidents(day, event_id_cnty);",
        "ALTER TABLE incident_rollup ADD COLUMN fatalities_unknown INTEGER NOT NULL DEFAULT 0;",
        "ALTER TABLE actor_rollup ADD COLUMN fatalities_unknown INTEGER NOT NULL DEFAULT 0;",
        NULL,
};

/* migrations[i] takes the schema from version i to i + 1. */
static const char *const *const migrations[] = {migration1, migration2, migration3, migration4};

enum { SCHEMA_VERSION = (int)SF_ARRAY_LEN(migrations) };

/* ---------------------------------------------------------------- */
/* State                                                              */

/*
 * Roll-up deltas of the current transaction, in memory until commit:
 * (kind, day, four text fields) -> (incidents, fatalities, incidents
 * without a fatalities figure). Kind 'I' is
 * incident_rollup (sector, event type, sub-event type, status), kind 'A'
 * actor_rollup (actor, sector, status, ""). Hashing the fields in
 * place (no formatting, no allocation unless the key is new) keeps this
 * cheap enough to run for every imported row.
 */
typedef struct dent {
	char *f[4]; /* owned copies; f[0] NULL = empty slot */
	long day;
	char kind;
	long n, fat, unk;
} dent;

typedef struct dmap {
	dent *v;
	size_t cap, count;
	int negative; /* some delta was negative: prune zero rows on flush */
} dmap;

typedef struct sq {
	sqlite3 *db;
	sqlite3_stmt *ins;      /* INSERT OR IGNORE one incident */
	sqlite3_stmt *upd;      /* replace one incident's fields (not its status) */
	sqlite3_stmt *old;      /* the stored fields an update or delete needs */
	sqlite3_stmt *roll_i;   /* add to incident_rollup */
	sqlite3_stmt *roll_a;   /* add to actor_rollup */
	sqlite3_stmt *dupe_get; /* a duplicates decision */
	dmap deltas;
	sqlite3_stmt *aid_get;
	sqlite3_stmt *aid_put;
	sqlite3_stmt *log;     /* one edit-log entry */
	sqlite3_stmt *version; /* the data version, prepared on first use */
	int in_tx;
	char *path; /* the file, for messages */
} sq;

static sq *SQ(sf_store *st)
{
	return (sq *)st->impl;
}

static sf_status db_error(sq *s, sf_error *err, const char *what)
{
	return sf_error_set(err, SF_ERR_STORE, "store '%s': %s: %s", s->path, what,
	                    sqlite3_errmsg(s->db));
}

static sf_status exec(sq *s, const char *sql, sf_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sf_status rc = sf_error_set(err, SF_ERR_STORE, "store '%s': %s", s->path,
		                            msg ? msg : "failed");
		sqlite3_free(msg);
		return rc;
	}
	return SF_OK;
}

static sf_status prepare(sq *s, const char *sql, sqlite3_stmt **st, sf_error *err)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return db_error(s, err, "prepare");
	return SF_OK;
}

static sf_status step_done(sq *s, sqlite3_stmt *st, sf_error *err, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(s, err, what);
	return SF_OK;
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? (const char *)t : "";
}

/* ---------------------------------------------------------------- */
/* Roll-up deltas                                                     */

static void dmap_clear(dmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->v[i].f[0])
			continue;
		for (int k = 0; k < 4; k++)
			free(m->v[i].f[k]);
		memset(&m->v[i], 0, sizeof m->v[i]);
	}
	m->count = 0;
	m->negative = 0;
}

static uint64_t key_hash(char kind, long day, const char *const f[4])
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(unsigned char)kind;
	h = (h ^ (uint64_t)day) * 1099511628211ULL;
	for (int k = 0; k < 4; k++) {
		for (const char *p = f[k]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0x1f) * 1099511628211ULL;
	}
	return h;
}

/* Add (dn, dfat, dunk) to the key; -1 when out of memory. */
static int dmap_add(dmap *m, char kind, long day, const char *const f[4], long dn, long dfat,
                    long dunk)
{
	if ((m->count + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024;
		dent *nv = calloc(ncap, sizeof *nv);
		if (!nv)
			return -1;
		for (size_t i = 0; i < m->cap; i++) {
			dent *e = &m->v[i];
			if (!e->f[0])
				continue;
			size_t j =
			        key_hash(e->kind, e->day, (const char *const *)e->f) & (ncap - 1);
			while (nv[j].f[0])
				j = (j + 1) & (ncap - 1);
			nv[j] = *e;
		}
		free(m->v);
		m->v = nv;
		m->cap = ncap;
	}
	size_t j = key_hash(kind, day, f) & (m->cap - 1);
	for (;; j = (j + 1) & (m->cap - 1)) {
		dent *e = &m->v[j];
		if (!e->f[0])
			break;
		if (e->kind == kind && e->day == day && strcmp(e->f[0], f[0]) == 0 &&
		    strcmp(e->f[1], f[1]) == 0 && strcmp(e->f[2], f[2]) == 0 &&
		    strcmp(e->f[3], f[3]) == 0)
			break;
	}
	dent *e = &m->v[j];
	if (!e->f[0]) {
		for (int k = 0; k < 4; k++) {
			size_t len = strlen(f[k]) + 1;
			e->f[k] = malloc(len);
			if (!e->f[k]) {
				for (int q = 0; q < k; q++)
					free(e->f[q]);
				memset(e, 0, sizeof *e);
				return -1;
			}
			memcpy(e->f[k], f[k], len);
		}
		e->kind = kind;
		e->day = day;
		e->n = e->fat = e->unk = 0;
		m->count++;
	}
	e->n += dn;
	e->fat += dfat;
	e->unk += dunk;
	if (dn < 0)
		m->negative = 1;
	return 0;
}

/* Write the deltas to the roll-up tables (inside the caller's transaction). */
static sf_status dmap_flush(sq *s, sf_error *err)
{
	dmap *m = &s->deltas;
	sf_status rc = SF_OK;
	for (size_t i = 0; i < m->cap && rc == SF_OK; i++) {
		const dent *e = &m->v[i];
		if (!e->f[0] || (!e->n && !e->fat && !e->unk))
			continue;
		sqlite3_stmt *q = e->kind == 'I' ? s->roll_i : s->roll_a;
		int nf = e->kind == 'I' ? 4 : 3;
		sqlite3_bind_int64(q, 1, e->day);
		for (int k = 0; k < nf; k++)
			sqlite3_bind_text(q, k + 2, e->f[k], -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, nf + 2, e->n);
		sqlite3_bind_int64(q, nf + 3, e->fat);
		sqlite3_bind_int64(q, nf + 4, e->unk);
		rc = step_done(s, q, err, "update roll-up");
	}
	if (rc == SF_OK && m->negative)
		rc = exec(s,
		          "DELETE FROM incident_rollup WHERE n <= 0;"
		          " DELETE FROM actor_rollup WHERE n <= 0",
		          err);
	dmap_clear(m);
	return rc;
}

/* The roll-up keys of one incident, with sign +1 or -1. */
static sf_status add_deltas(sq *s, long day, const char *sector, const char *type, const char *sub,
                            const char *status, const char *a1, const char *a2, long fat, int sign,
                            sf_error *err)
{
	const char *fi[4] = {sector, type, sub, status};
	/* fat < 0 (SF_FATALITIES_NONE): counted as not reported, adds nothing to the sum. */
	long dfat = fat < 0 ? 0 : sign * fat, dunk = fat < 0 ? sign : 0;
	if (dmap_add(&s->deltas, 'I', day, fi, sign, dfat, dunk) < 0)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	for (int k = 0; k < 2; k++) {
		const char *a = k ? a2 : a1;
		if (!*a || (k && strcmp(a1, a2) == 0))
			continue;
		const char *fa[4] = {a, sector, status, ""};
		if (dmap_add(&s->deltas, 'A', day, fa, sign, dfat, dunk) < 0)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	/* Bound the memory of a long transaction. */
	if (s->deltas.count > 50000)
		return dmap_flush(s, err);
	return SF_OK;
}

/* Read the stored fields of one incident into the old statement's row; 1 found. */
static int load_old(sq *s, const char *id, int *rc)
{
	sqlite3_reset(s->old);
	sqlite3_bind_text(s->old, 1, id, -1, SQLITE_TRANSIENT);
	*rc = sqlite3_step(s->old);
	return *rc == SQLITE_ROW;
}

/* The roll-up fields of a stored incident, copied out of the old statement. */
typedef struct oldrow {
	long day, fat, version;
	char sector[256], type[256], sub[256], status[32], a1[512], a2[512];
} oldrow;

static void copy_old(sq *s, oldrow *o)
{
	sqlite3_stmt *q = s->old;
	o->day = (long)sqlite3_column_int64(q, 1);
	sf_strlcpy(o->sector, col_text(q, 2), sizeof o->sector);
	sf_strlcpy(o->type, col_text(q, 3), sizeof o->type);
	sf_strlcpy(o->sub, col_text(q, 4), sizeof o->sub);
	sf_strlcpy(o->status, col_text(q, 5), sizeof o->status);
	o->fat = (long)sqlite3_column_int64(q, 6);
	sf_strlcpy(o->a1, col_text(q, 7), sizeof o->a1);
	sf_strlcpy(o->a2, col_text(q, 8), sizeof o->a2);
	o->version = (long)sqlite3_column_int64(q, 9);
}

/* Look up a stored incident: *found, and its roll-up fields in *o when found. */
static sf_status find_old(sq *s, const char *id, oldrow *o, int *found, sf_error *err)
{
	int r;
	*found = load_old(s, id, &r);
	if (*found)
		copy_old(s, o);
	sqlite3_reset(s->old);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_error(s, err, "look up incident");
	return SF_OK;
}

static sf_status old_deltas(sq *s, const oldrow *o, const char *status, int sign, sf_error *err)
{
	return add_deltas(s, o->day, o->sector, o->type, o->sub, status ? status : o->status, o->a1,
	                  o->a2, o->fat, sign, err);
}

/* Flush now unless an explicit transaction will flush at commit. */
static sf_status flush_unless_tx(sq *s, sf_error *err)
{
	return s->in_tx ? SF_OK : dmap_flush(s, err);
}

/* ---------------------------------------------------------------- */
/* Operations                                                         */

static void op_close(sf_store *st)
{
	sq *s = SQ(st);
	if (!s)
		return;
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->upd);
	sqlite3_finalize(s->old);
	sqlite3_finalize(s->roll_i);
	sqlite3_finalize(s->roll_a);
	sqlite3_finalize(s->dupe_get);
	dmap_clear(&s->deltas);
	free(s->deltas.v);
	sqlite3_finalize(s->aid_get);
	sqlite3_finalize(s->aid_put);
	sqlite3_finalize(s->log);
	sqlite3_finalize(s->version);
	if (s->in_tx)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
	st->impl = NULL;
}

static sf_status op_begin(sf_store *st, sf_error *err)
{
	sq *s = SQ(st);
	sf_status rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc == SF_OK)
		s->in_tx = 1;
	return rc;
}

static sf_status op_commit(sf_store *st, sf_error *err)
{
	sq *s = SQ(st);
	sf_status rc = dmap_flush(s, err);
	if (rc == SF_OK)
		rc = exec(s, "COMMIT", err);
	if (rc == SF_OK)
		s->in_tx = 0;
	return rc;
}

static void op_rollback(sf_store *st)
{
	sq *s = SQ(st);
	if (s->in_tx)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
	dmap_clear(&s->deltas);
}

static sf_status log_edit(sq *s, const char *event_id, const char *other, const char *what,
                          const char *from, const char *to, const char *note, const char *who,
                          sf_error *err);

static sf_status op_batch_begin(sf_store *st, const char *kind, const char *file, const char *who,
                                long *batch, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc =
	        prepare(s, "INSERT INTO batches(kind, file, who) VALUES(?1, ?2, ?3)", &q, err);
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, file ? file : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, who ? who : "", -1, SQLITE_STATIC);
	rc = step_done(s, q, err, "new batch");
	sqlite3_finalize(q);
	if (rc == SF_OK)
		*batch = (long)sqlite3_last_insert_rowid(s->db);
	/* Every write is in the edit log with who made it: an import as its batch. */
	if (rc == SF_OK) {
		char subject[48];
		sf_snprintf(subject, sizeof subject, "batch:%ld", *batch);
		rc = log_edit(s, subject, NULL, "import", "", kind, file, who, err);
	}
	return rc;
}

static sf_status op_batch_end(sf_store *st, long batch, const char *summary, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(s, "UPDATE batches SET summary = ?2 WHERE id = ?1", &q, err);
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_int64(q, 1, batch);
	sqlite3_bind_text(q, 2, summary, -1, SQLITE_STATIC);
	rc = step_done(s, q, err, "batch summary");
	sqlite3_finalize(q);
	return rc;
}

static void bind_incident(sqlite3_stmt *q, const sf_incident *inc)
{
	for (int i = 0; i < SF_ACLED_NCOLS; i++) {
		if (i == SF_COL_LATITUDE)
			sqlite3_bind_double(q, i + 1, inc->latitude);
		else if (i == SF_COL_LONGITUDE)
			sqlite3_bind_double(q, i + 1, inc->longitude);
		else if (i == SF_COL_FATALITIES && inc->fatalities < 0)
			sqlite3_bind_null(q, i + 1);
		else if (i == SF_COL_FATALITIES)
			sqlite3_bind_int64(q, i + 1, inc->fatalities);
		else if (i == SF_COL_TIMESTAMP)
			sqlite3_bind_int64(q, i + 1, inc->timestamp);
		else
			sqlite3_bind_text(q, i + 1, inc->col[i], -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(q, 32, inc->day);
	sqlite3_bind_text(q, 33, inc->sector ? inc->sector : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 34, sf_sector_method_str(inc->sector_method), -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 35, inc->sector_km);
	sqlite3_bind_text(q, 36, sf_incident_status_str(inc->status), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 37, inc->source_system ? inc->source_system : "ACLED", -1,
	                  SQLITE_STATIC);
	if (inc->batch > 0)
		sqlite3_bind_int64(q, 38, inc->batch);
	else
		sqlite3_bind_null(q, 38);
}

/*
 * Insert when new (one statement: INSERT OR IGNORE); otherwise read the
 * stored row and replace it only when the timestamp is newer, keeping its
 * review status. The roll-up deltas follow the row.
 */
static sf_status upsert(sq *s, const sf_incident *inc, sf_upsert_result *res, sf_error *err);

/* Outside an import's transaction, one upsert is its own (savepoint) transaction. */
static sf_status op_upsert(sf_store *st, const sf_incident *inc, sf_upsert_result *res,
                           sf_error *err)
{
	sq *s = SQ(st);
	if (s->in_tx)
		return upsert(s, inc, res, err);
	sf_status rc = exec(s, "SAVEPOINT up", err);
	if (rc != SF_OK)
		return rc;
	rc = upsert(s, inc, res, err);
	if (rc == SF_OK)
		return exec(s, "RELEASE up", err);
	sqlite3_exec(s->db, "ROLLBACK TO up; RELEASE up", NULL, NULL, NULL);
	dmap_clear(&s->deltas);
	return rc;
}

static sf_status upsert(sq *s, const sf_incident *inc, sf_upsert_result *res, sf_error *err)
{
	const char *id = inc->col[SF_COL_EVENT_ID_CNTY];
	const char *sector = inc->sector ? inc->sector : "";
	sf_status rc;
	int r;

	bind_incident(s->ins, inc);
	rc = step_done(s, s->ins, err, "write incident");
	if (rc != SF_OK)
		return rc;
	if (sqlite3_changes(s->db) == 1) {
		*res = SF_UPSERT_INSERTED;
		rc = add_deltas(s, inc->day, sector, inc->col[SF_COL_EVENT_TYPE],
		                inc->col[SF_COL_SUB_EVENT_TYPE],
		                sf_incident_status_str(inc->status), inc->col[SF_COL_ACTOR1],
		                inc->col[SF_COL_ACTOR2], inc->fatalities, +1, err);
		return rc == SF_OK ? flush_unless_tx(s, err) : rc;
	}
	if (!load_old(s, id, &r)) {
		sqlite3_reset(s->old);
		if (r != SQLITE_DONE)
			return db_error(s, err, "look up incident");
		return sf_error_set(err, SF_ERR_STORE, "store '%s': incident '%s' refused", s->path,
		                    id);
	}
	if (inc->timestamp <= sqlite3_column_int64(s->old, 0)) {
		sqlite3_reset(s->old);
		*res = SF_UPSERT_UNCHANGED;
		return SF_OK;
	}
	oldrow o;
	copy_old(s, &o);
	sqlite3_reset(s->old);
	rc = old_deltas(s, &o, NULL, -1, err);
	if (rc != SF_OK)
		return rc;
	bind_incident(s->upd, inc);
	rc = step_done(s, s->upd, err, "update incident");
	if (rc != SF_OK)
		return rc;
	*res = SF_UPSERT_UPDATED;
	rc = add_deltas(s, inc->day, sector, inc->col[SF_COL_EVENT_TYPE],
	                inc->col[SF_COL_SUB_EVENT_TYPE], o.status, inc->col[SF_COL_ACTOR1],
	                inc->col[SF_COL_ACTOR2], inc->fatalities, +1, err);
	return rc == SF_OK ? flush_unless_tx(s, err) : rc;
}

static sf_status log_edit(sq *s, const char *event_id, const char *other, const char *what,
                          const char *from, const char *to, const char *note, const char *who,
                          sf_error *err)
{
	sqlite3_stmt *q = s->log;
	sqlite3_bind_text(q, 1, event_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, other ? other : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, what, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, from ? from : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, to ? to : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, who ? who : "", -1, SQLITE_STATIC);
	return step_done(s, q, err, "edit log");
}

static sf_status op_delete(sf_store *st, const char *event_id, const char *who, int *found,
                           sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	oldrow o;

	sf_status rc = find_old(s, event_id, &o, found, err);
	if (rc != SF_OK || !*found)
		return rc;
	rc = exec(s, "SAVEPOINT del", err);
	if (rc != SF_OK)
		return rc;
	rc = prepare(s, "DELETE FROM incidents WHERE event_id_cnty = ?1", &q, err);
	if (rc == SF_OK) {
		sqlite3_bind_text(q, 1, event_id, -1, SQLITE_STATIC);
		rc = step_done(s, q, err, "delete incident");
	}
	sqlite3_finalize(q);
	if (rc == SF_OK)
		rc = old_deltas(s, &o, NULL, -1, err);
	if (rc == SF_OK)
		rc = log_edit(s, event_id, NULL, "delete", o.status, "deleted", "deletions list",
		              who, err);
	if (rc == SF_OK)
		rc = flush_unless_tx(s, err);
	if (rc == SF_OK)
		return exec(s, "RELEASE del", err);
	sqlite3_exec(s->db, "ROLLBACK TO del; RELEASE del", NULL, NULL, NULL);
	return rc;
}

/* Bound parameters gathered while a WHERE clause is built. */
typedef struct binds {
	int n;
	int is_text[32];
	const char *text[32];
	long num[32];
} binds;

static void add_text(binds *b, const char *t)
{
	b->is_text[b->n] = 1;
	b->text[b->n++] = t;
}

static void add_num(binds *b, long v)
{
	b->is_text[b->n] = 0;
	b->num[b->n++] = v;
}

static void bind_all(sqlite3_stmt *q, const binds *b)
{
	for (int i = 0; i < b->n; i++) {
		if (b->is_text[i])
			sqlite3_bind_text(q, i + 1, b->text[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(q, i + 1, b->num[i]);
	}
}

/*
 * Prepare the query built in sql (built_rc: the status of building it)
 * and bind its parameters; `what` names the query in messages.
 */
static sf_status prepare_bound(sq *s, sf_status built_rc, const sf_buf *sql, const binds *b,
                               const char *what, sqlite3_stmt **q, sf_error *err)
{
	if (built_rc != SF_OK)
		return sf_error_set(err, built_rc, "store '%s': query too long", s->path);
	if (sqlite3_prepare_v2(s->db, sf_buf_str(sql), -1, q, NULL) != SQLITE_OK)
		return db_error(s, err, what);
	bind_all(*q, b);
	return SF_OK;
}

/*
 * The WHERE clause of a filter over a table that has the named columns
 * (roll-ups have only some). Returns -1 when the table cannot answer.
 */
static sf_status where(const sf_incident_filter *f, sf_buf *w, binds *b, int has_sub, int full)
{
	sf_status rc = sf_buf_adds(w, " WHERE 1");
	/* A page after a cursor has one lower bound, the later of the cursor
	 * and from_day: given both, SQLite seeks on the day range and walks
	 * every row from from_day to the cursor, a page costing more the
	 * further it is. The cursor alone is one seek in the (day, id) index. */
	int keyset =
	        full && f->after_id && (f->from_day == SF_DAY_NONE || f->after_day >= f->from_day);
	if (f->from_day != SF_DAY_NONE && !keyset) {
		rc = rc ? rc : sf_buf_adds(w, " AND day >= ?");
		add_num(b, f->from_day);
	}
	if (f->to_day != SF_DAY_NONE) {
		rc = rc ? rc : sf_buf_adds(w, " AND day <= ?");
		add_num(b, f->to_day);
	}
	if (f->sector) {
		rc = rc ? rc : sf_buf_adds(w, " AND sector = ?");
		add_text(b, strcmp(f->sector, "-") == 0 ? "" : f->sector);
	}
	if (f->event_type) {
		rc = rc ? rc : sf_buf_adds(w, " AND event_type = ?");
		add_text(b, f->event_type);
	}
	if (f->sub_event_type && has_sub) {
		rc = rc ? rc : sf_buf_adds(w, " AND sub_event_type = ?");
		add_text(b, f->sub_event_type);
	}
	if (f->status >= 0) {
		rc = rc ? rc : sf_buf_adds(w, " AND status = ?");
		add_text(b, sf_incident_status_str((sf_incident_status)f->status));
	} else if (!f->include_retracted) {
		rc = rc ? rc : sf_buf_adds(w, " AND status <> 'retracted'");
	}
	if (full) {
		if (f->event_id) {
			rc = rc ? rc : sf_buf_adds(w, " AND event_id_cnty = ?");
			add_text(b, f->event_id);
		}
		if (f->location) {
			rc = rc ? rc : sf_buf_adds(w, " AND location = ?");
			add_text(b, f->location);
		}
		if (f->actor) {
			rc = rc ? rc : sf_buf_adds(w, " AND (actor1 = ? OR actor2 = ?)");
			add_text(b, f->actor);
			add_text(b, f->actor);
		}
		if (keyset) {
			/* The keyset of the (day, id) index: one seek, then the page. */
			rc = rc ? rc : sf_buf_adds(w, " AND (day, event_id_cnty) > (?, ?)");
			add_num(b, f->after_day);
			add_text(b, f->after_id);
		}
	}
	return rc;
}

static sf_status op_query(sf_store *st, const sf_incident_filter *f, sf_incident_order order,
                          sf_incident_cb cb, void *ctx, sf_error *err)
{
	sq *s = SQ(st);
	sf_buf sql;
	binds b = {0};
	sqlite3_stmt *q = NULL;
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
	rc = prepare_bound(s, rc, &sql, &b, "query incidents", &q, err);
	if (rc != SF_OK)
		goto out;
	for (;;) {
		int r = sqlite3_step(q);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = db_error(s, err, "query incidents");
			goto out;
		}
		sf_incident inc;
		memset(&inc, 0, sizeof inc);
		for (int i = 0; i < SF_ACLED_NCOLS; i++)
			inc.col[i] = col_text(q, i);
		inc.latitude = sqlite3_column_double(q, SF_COL_LATITUDE);
		inc.longitude = sqlite3_column_double(q, SF_COL_LONGITUDE);
		inc.fatalities = sqlite3_column_type(q, SF_COL_FATALITIES) == SQLITE_NULL
		                         ? SF_FATALITIES_NONE
		                         : (long)sqlite3_column_int64(q, SF_COL_FATALITIES);
		inc.timestamp = sqlite3_column_int64(q, SF_COL_TIMESTAMP);
		inc.day = (long)sqlite3_column_int64(q, 31);
		inc.sector = col_text(q, 32);
		const char *m = col_text(q, 33);
		inc.sector_method = strcmp(m, "inside") == 0     ? SF_SECTOR_INSIDE
		                    : strcmp(m, "nearest") == 0  ? SF_SECTOR_NEAREST
		                    : strcmp(m, "override") == 0 ? SF_SECTOR_OVERRIDE
		                                                 : SF_SECTOR_NONE;
		inc.sector_km = sqlite3_column_double(q, 34);
		int stv = sf_incident_status_parse(col_text(q, 35));
		inc.status = stv < 0 ? SF_ISTATUS_REPORTED : (sf_incident_status)stv;
		inc.source_system = col_text(q, 36);
		inc.batch = (long)sqlite3_column_int64(q, 37);
		inc.version = (long)sqlite3_column_int64(q, 38);
		if (cb(ctx, &inc))
			break;
	}
out:
	sqlite3_finalize(q);
	sf_buf_release(&sql);
	return rc;
}

static sf_status op_aggregate(sf_store *st, const sf_incident_filter *f, sf_dim dim, sf_agg_cb cb,
                              void *ctx, sf_error *err)
{
	sq *s = SQ(st);
	sf_buf sql;
	binds b = {0};
	sqlite3_stmt *q = NULL;
	sf_status rc;
	static const char *const keycol[] = {"''", "sector", "event_type", "sub_event_type",
	                                     "actor"};
	int generic = f->event_id || f->location || f->actor ||
	              (dim == SF_DIM_ACTOR && (f->sub_event_type || f->event_type));

	sf_buf_init(&sql, 0);
	if (generic) {
		/* Scan the incidents themselves. */
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
			        : sf_buf_adds(&sql, ") WHERE a <> '' GROUP BY 1, 2 ORDER BY 1, 2");
		} else {
			rc = sf_buf_addf(&sql,
			                 "SELECT day, %s, count(*), coalesce(sum(fatalities), 0),"
			                 " count(*) - count(fatalities) FROM incidents",
			                 dim == SF_DIM_NONE ? "''" : keycol[dim]);
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
	rc = prepare_bound(s, rc, &sql, &b, "aggregate incidents", &q, err);
	if (rc != SF_OK)
		goto out;
	for (;;) {
		int r = sqlite3_step(q);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = db_error(s, err, "aggregate incidents");
			goto out;
		}
		sf_agg_row row;
		row.day = (long)sqlite3_column_int64(q, 0);
		row.key = col_text(q, 1);
		row.count = (long)sqlite3_column_int64(q, 2);
		row.fatalities = (long)sqlite3_column_int64(q, 3);
		row.fatalities_unknown = (long)sqlite3_column_int64(q, 4);
		if (cb(ctx, &row))
			break;
	}
out:
	sqlite3_finalize(q);
	sf_buf_release(&sql);
	return rc;
}

/*
 * The version check and the change in one savepoint: a writer holds
 * SQLite's one write lock from the read of the version to the commit, so
 * no other change can come between (BEGIN IMMEDIATE outside a caller's
 * transaction).
 */
static sf_status op_set_status(sf_store *st, const char *event_id, sf_incident_status status,
                               const char *note, const char *who, long if_version, long *version,
                               int *found, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	oldrow o;
	const char *to = sf_incident_status_str(status);
	int own = !s->in_tx;

	*found = 0;
	sf_status rc = own ? exec(s, "BEGIN IMMEDIATE", err) : SF_OK;
	if (rc != SF_OK)
		return rc;
	rc = find_old(s, event_id, &o, found, err);
	if (rc != SF_OK || !*found)
		goto done;
	if (if_version > 0 && o.version != if_version) {
		rc = sf_error_set(err, SF_ERR_CONFLICT,
		                  "incident '%s' is at version %ld, not %ld: someone changed it "
		                  "since; read it again",
		                  event_id, o.version, if_version);
		goto done;
	}
	rc = exec(s, "SAVEPOINT review", err);
	if (rc != SF_OK)
		goto done;
	rc = prepare(s,
	             "UPDATE incidents SET status = ?2, version = version + 1"
	             " WHERE event_id_cnty = ?1",
	             &q, err);
	if (rc == SF_OK) {
		sqlite3_bind_text(q, 1, event_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, to, -1, SQLITE_STATIC);
		rc = step_done(s, q, err, "update status");
	}
	sqlite3_finalize(q);
	if (rc == SF_OK)
		rc = old_deltas(s, &o, NULL, -1, err);
	if (rc == SF_OK)
		rc = old_deltas(s, &o, to, +1, err);
	if (rc == SF_OK)
		rc = log_edit(s, event_id, NULL, "status", o.status, to, note, who, err);
	if (rc == SF_OK)
		rc = flush_unless_tx(s, err);
	if (rc == SF_OK) {
		rc = exec(s, "RELEASE review", err);
		*version = o.version + 1;
	} else {
		sqlite3_exec(s->db, "ROLLBACK TO review; RELEASE review", NULL, NULL, NULL);
	}
done:
	if (own && rc == SF_OK)
		rc = exec(s, "COMMIT", err);
	if (own && rc != SF_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		dmap_clear(&s->deltas);
	}
	return rc;
}

static sf_status op_dupe_decide(sf_store *st, const char *a, const char *b, const char *decision,
                                const char *note, const char *who, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	char old[16] = "";
	const char *lo = strcmp(a, b) < 0 ? a : b, *hi = strcmp(a, b) < 0 ? b : a;
	sf_status rc = exec(s, "SAVEPOINT dupe", err);
	if (rc != SF_OK)
		return rc;
	rc = prepare(s, "SELECT decision FROM dupe_decisions WHERE a = ?1 AND b = ?2", &q, err);
	if (rc == SF_OK) {
		sqlite3_bind_text(q, 1, lo, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, hi, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			sf_strlcpy(old, col_text(q, 0), sizeof old);
		sqlite3_finalize(q);
		q = NULL;
		rc = prepare(s, "INSERT OR REPLACE INTO dupe_decisions VALUES(?1, ?2, ?3)", &q,
		             err);
	}
	if (rc == SF_OK) {
		sqlite3_bind_text(q, 1, lo, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, hi, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, decision, -1, SQLITE_STATIC);
		rc = step_done(s, q, err, "record duplicates decision");
	}
	sqlite3_finalize(q);
	if (rc == SF_OK)
		rc = log_edit(s, lo, hi, decision, old, decision, note, who, err);
	if (rc == SF_OK)
		return exec(s, "RELEASE dupe", err);
	sqlite3_exec(s->db, "ROLLBACK TO dupe; RELEASE dupe", NULL, NULL, NULL);
	return rc;
}

static sf_status op_dupe_decision(sf_store *st, const char *a, const char *b, char *buf, size_t n,
                                  sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = s->dupe_get;
	const char *lo = strcmp(a, b) < 0 ? a : b, *hi = strcmp(a, b) < 0 ? b : a;
	sqlite3_bind_text(q, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, hi, -1, SQLITE_STATIC);
	int r = sqlite3_step(q);
	sf_strlcpy(buf, r == SQLITE_ROW ? col_text(q, 0) : "", n);
	sqlite3_reset(q);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_error(s, err, "read duplicates decision");
	return SF_OK;
}

static sf_status op_edits(sf_store *st, const char *event_id, sf_edit_cb cb, void *ctx,
                          sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc =
	        prepare(s,
	                "SELECT id, event_id, other_id, what, old, new, note, who, at FROM edits"
	                " WHERE ?1 IS NULL OR event_id = ?1 OR other_id = ?1 ORDER BY id",
	                &q, err);
	if (rc != SF_OK)
		return rc;
	if (event_id)
		sqlite3_bind_text(q, 1, event_id, -1, SQLITE_STATIC);
	for (;;) {
		int r = sqlite3_step(q);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = db_error(s, err, "read edit log");
			break;
		}
		sf_edit_entry e = {(long)sqlite3_column_int64(q, 0),
		                   col_text(q, 1),
		                   col_text(q, 2),
		                   col_text(q, 3),
		                   col_text(q, 4),
		                   col_text(q, 5),
		                   col_text(q, 6),
		                   col_text(q, 7),
		                   col_text(q, 8)};
		if (cb(ctx, &e))
			break;
	}
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_cache_limit(sf_store *st, size_t kib, sf_error *err)
{
	char sql[64];
	sf_snprintf(sql, sizeof sql, "PRAGMA cache_size = -%zu", kib ? kib : 1);
	return exec(SQ(st), sql, err);
}

static sf_status op_count(sf_store *st, long *n, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(s, "SELECT count(*) FROM incidents", &q, err);
	if (rc != SF_OK)
		return rc;
	if (sqlite3_step(q) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(q, 0);
	else
		rc = db_error(s, err, "count incidents");
	sqlite3_finalize(q);
	return rc;
}

/* Two subqueries, so that each of min and max is one step down the day index. */
static sf_status op_days(sf_store *st, long *first, long *last, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(s,
	                       "SELECT (SELECT min(day) FROM incidents),"
	                       " (SELECT max(day) FROM incidents)",
	                       &q, err);
	*first = *last = SF_DAY_NONE;
	if (rc != SF_OK)
		return rc;
	if (sqlite3_step(q) != SQLITE_ROW)
		rc = db_error(s, err, "incident days");
	else if (sqlite3_column_type(q, 0) != SQLITE_NULL &&
	         sqlite3_column_type(q, 1) != SQLITE_NULL) {
		*first = (long)sqlite3_column_int64(q, 0);
		*last = (long)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_aid_upsert(sf_store *st, const sf_aid_row *row, sf_upsert_result *res,
                               sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *g = s->aid_get;
	sqlite3_bind_int64(g, 1, row->day);
	sqlite3_bind_text(g, 2, row->crossing, -1, SQLITE_STATIC);
	sqlite3_bind_text(g, 3, row->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(g, 4, sf_aid_stage_str(row->stage), -1, SQLITE_STATIC);
	sqlite3_bind_text(g, 5, row->source, -1, SQLITE_STATIC);
	int r = sqlite3_step(g);
	int exists = r == SQLITE_ROW;
	int same = exists && sqlite3_column_int64(g, 0) == row->trucks &&
	           ((isnan(row->tonnes) && sqlite3_column_type(g, 1) == SQLITE_NULL) ||
	            (!isnan(row->tonnes) && sqlite3_column_type(g, 1) != SQLITE_NULL &&
	             sqlite3_column_double(g, 1) == row->tonnes));
	sqlite3_reset(g);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_error(s, err, "look up aid row");
	if (same) {
		*res = SF_UPSERT_UNCHANGED;
		return SF_OK;
	}
	sqlite3_stmt *q = s->aid_put;
	sqlite3_bind_int64(q, 1, row->day);
	sqlite3_bind_text(q, 2, row->crossing, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, row->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, sf_aid_stage_str(row->stage), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, row->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, row->trucks);
	if (isnan(row->tonnes))
		sqlite3_bind_null(q, 7);
	else
		sqlite3_bind_double(q, 7, row->tonnes);
	sf_status rc = step_done(s, q, err, "write aid row");
	if (rc == SF_OK)
		*res = exists ? SF_UPSERT_UPDATED : SF_UPSERT_INSERTED;
	return rc;
}

static sf_status op_aid_query(sf_store *st, const sf_aid_filter *f, sf_aid_cb cb, void *ctx,
                              sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc =
	        prepare(s,
	                "SELECT day, crossing, trucks, tonnes, category, stage, source FROM aid"
	                " WHERE (?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR day <= ?2)"
	                " AND (?3 IS NULL OR crossing = ?3) AND (?4 IS NULL OR source = ?4)"
	                " AND (?5 IS NULL OR stage = ?5)"
	                " ORDER BY day, crossing, category, stage, source",
	                &q, err);
	if (rc != SF_OK)
		return rc;
	if (f->from_day != SF_DAY_NONE)
		sqlite3_bind_int64(q, 1, f->from_day);
	if (f->to_day != SF_DAY_NONE)
		sqlite3_bind_int64(q, 2, f->to_day);
	if (f->crossing)
		sqlite3_bind_text(q, 3, f->crossing, -1, SQLITE_STATIC);
	if (f->source)
		sqlite3_bind_text(q, 4, f->source, -1, SQLITE_STATIC);
	if (f->stage >= 0)
		sqlite3_bind_text(q, 5, sf_aid_stage_str((sf_aid_stage)f->stage), -1,
		                  SQLITE_STATIC);
	for (;;) {
		int r = sqlite3_step(q);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = db_error(s, err, "read aid rows");
			break;
		}
		sf_aid_row row;
		row.day = (long)sqlite3_column_int64(q, 0);
		row.crossing = col_text(q, 1);
		row.trucks = (long)sqlite3_column_int64(q, 2);
		row.tonnes = sqlite3_column_type(q, 3) == SQLITE_NULL ? NAN
		                                                      : sqlite3_column_double(q, 3);
		row.category = col_text(q, 4);
		int sg = sf_aid_stage_parse(col_text(q, 5));
		row.stage = sg < 0 ? SF_AID_ENTERED : (sf_aid_stage)sg;
		row.source = col_text(q, 6);
		if (cb(ctx, &row))
			break;
	}
	sqlite3_finalize(q);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Jobs, tokens, data version (service.h)                             */

#define JOB_COLS                                                                                   \
	"id, kind, scenario, request, key, status, progress, message, %s, who, worker, created,"   \
	" started, finished, lease_until"

static long long unix_now(void)
{
	return (long long)time(NULL);
}

/* Run q to completion (binds already made), then reset it. */
static sf_status run_done(sq *s, sqlite3_stmt *q, const char *what, sf_error *err)
{
	int r;
	while ((r = sqlite3_step(q)) == SQLITE_ROW)
		;
	sf_status rc = r == SQLITE_DONE ? SF_OK : db_error(s, err, what);
	sqlite3_reset(q);
	return rc;
}

/* Write transactions of the service ops: nested in the caller's when there is one. */
static sf_status svc_begin(sq *s, int *own, sf_error *err)
{
	*own = !s->in_tx;
	return *own ? exec(s, "BEGIN IMMEDIATE", err) : SF_OK;
}

static sf_status svc_end(sq *s, int own, sf_status rc, sf_error *err)
{
	if (!own)
		return rc;
	if (rc == SF_OK)
		return exec(s, "COMMIT", err);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void row_job(sqlite3_stmt *q, sf_job *j)
{
	int stv = sf_job_status_parse(col_text(q, 5));
	j->id = sqlite3_column_int64(q, 0);
	j->kind = col_text(q, 1);
	j->scenario = col_text(q, 2);
	j->request = col_text(q, 3);
	j->key = col_text(q, 4);
	j->status = stv < 0 ? SF_JOB_FAILED : (sf_job_status)stv;
	j->progress = sqlite3_column_double(q, 6);
	j->message = col_text(q, 7);
	j->result = col_text(q, 8);
	j->who = col_text(q, 9);
	j->worker = col_text(q, 10);
	j->created = sqlite3_column_int64(q, 11);
	j->started = sqlite3_column_int64(q, 12);
	j->finished = sqlite3_column_int64(q, 13);
	j->lease_until = sqlite3_column_int64(q, 14);
}

/* One int64 from a query with text/int binds given as (is_text, value) pairs. */
static sf_status scalar(sq *s, const char *sql, const char *t1, long long *out, int *has,
                        sf_error *err)
{
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(s, sql, &q, err);
	if (rc != SF_OK)
		return rc;
	if (t1)
		sqlite3_bind_text(q, 1, t1, -1, SQLITE_STATIC);
	int r = sqlite3_step(q);
	*has = r == SQLITE_ROW;
	if (r == SQLITE_ROW)
		*out = sqlite3_column_int64(q, 0);
	else if (r != SQLITE_DONE)
		rc = db_error(s, err, "query");
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_job_submit(sf_store *st, const sf_job *job, long max_queued, long long *id,
                               int *reused, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	long long v = 0;
	int own, has = 0;
	char subject[48], what[160];
	sf_status rc = svc_begin(s, &own, err);

	*id = 0;
	*reused = 0;
	if (rc != SF_OK)
		return rc;
	if (job->key && job->key[0]) {
		rc = scalar(s,
		            "SELECT id FROM jobs WHERE key = ?1 AND status IN"
		            " ('done', 'queued', 'running') ORDER BY status = 'done' DESC, id DESC"
		            " LIMIT 1",
		            job->key, &v, &has, err);
		if (rc == SF_OK && has) {
			*id = v;
			*reused = 1;
			goto out;
		}
	}
	if (rc == SF_OK)
		rc = scalar(s, "SELECT count(*) FROM jobs WHERE status = 'queued'", NULL, &v, &has,
		            err);
	if (rc != SF_OK || v >= max_queued)
		goto out;
	rc = prepare(s,
	             "INSERT INTO jobs(kind, scenario, request, key, status, who, created)"
	             " VALUES(?1, ?2, ?3, ?4, 'queued', ?5, ?6)",
	             &q, err);
	if (rc != SF_OK)
		goto out;
	sqlite3_bind_text(q, 1, job->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, job->scenario, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, job->request, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, job->key ? job->key : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, job->who ? job->who : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, unix_now());
	rc = run_done(s, q, "queue a job", err);
	if (rc != SF_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(s->db);
	sf_snprintf(subject, sizeof subject, "job:%lld", *id);
	sf_snprintf(what, sizeof what, "%s %s", job->kind, job->scenario);
	rc = log_edit(s, subject, NULL, "job", "", what, "", job->who, err);
out:
	sqlite3_finalize(q);
	return svc_end(s, own, rc, err);
}

static sf_status op_job_get(sf_store *st, long long id, sf_job_cb cb, void *ctx, int *found,
                            sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	char sql[256];
	sf_snprintf(sql, sizeof sql, "SELECT " JOB_COLS " FROM jobs WHERE id = ?1", "result");
	sf_status rc = prepare(s, sql, &q, err);
	*found = 0;
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_int64(q, 1, id);
	int r = sqlite3_step(q);
	if (r == SQLITE_ROW) {
		sf_job j;
		row_job(q, &j);
		*found = 1;
		cb(ctx, &j);
	} else if (r != SQLITE_DONE) {
		rc = db_error(s, err, "read a job");
	}
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_job_list(sf_store *st, int status, long limit, sf_job_cb cb, void *ctx,
                             sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	char sql[320];
	sf_snprintf(sql, sizeof sql,
	            "SELECT " JOB_COLS " FROM jobs WHERE ?1 IS NULL OR status = ?1"
	            " ORDER BY id DESC LIMIT ?2",
	            "''");
	sf_status rc = prepare(s, sql, &q, err);
	if (rc != SF_OK)
		return rc;
	if (status >= 0)
		sqlite3_bind_text(q, 1, sf_job_status_str((sf_job_status)status), -1,
		                  SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, limit > 0 ? limit : -1);
	for (;;) {
		int r = sqlite3_step(q);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = db_error(s, err, "list jobs");
			break;
		}
		sf_job j;
		row_job(q, &j);
		if (cb(ctx, &j))
			break;
	}
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_job_claim(sf_store *st, const char *worker, long lease_s, long long *id,
                              sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	long long now = unix_now();
	/* One statement: SQLite runs it under its single writer lock, so two
	 * workers can never take the same row (PostgreSQL: FOR UPDATE SKIP LOCKED). */
	sf_status rc = prepare(s,
	                       "UPDATE jobs SET status = 'running', worker = ?1, started = ?2,"
	                       " lease_until = ?3, progress = 0, message = '',"
	                       " attempts = attempts + 1"
	                       " WHERE id = (SELECT id FROM jobs WHERE status = 'queued'"
	                       " ORDER BY id LIMIT 1) RETURNING id",
	                       &q, err);
	*id = 0;
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_text(q, 1, worker, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, now + lease_s);
	int r = sqlite3_step(q);
	if (r == SQLITE_ROW) {
		*id = sqlite3_column_int64(q, 0);
		r = sqlite3_step(q);
	}
	if (r != SQLITE_DONE)
		rc = db_error(s, err, "claim a job");
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_job_heartbeat(sf_store *st, long long id, const char *worker, double progress,
                                  const char *message, long lease_s, int *cancelled, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(s,
	                       "UPDATE jobs SET progress = ?3, message = ?4, lease_until = ?5"
	                       " WHERE id = ?1 AND worker = ?2 AND status = 'running'",
	                       &q, err);
	*cancelled = 0;
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, worker, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 3, progress);
	sqlite3_bind_text(q, 4, message ? message : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, unix_now() + lease_s);
	rc = run_done(s, q, "job heartbeat", err);
	if (rc == SF_OK)
		*cancelled = sqlite3_changes(s->db) == 0;
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_job_finish(sf_store *st, long long id, const char *worker, sf_job_status status,
                               const char *message, const char *result, int *applied, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(s,
	                       "UPDATE jobs SET status = ?3, message = ?4, result = ?5,"
	                       " progress = CASE WHEN ?3 = 'done' THEN 1 ELSE progress END,"
	                       " finished = ?6, lease_until = 0"
	                       " WHERE id = ?1 AND worker = ?2 AND status = 'running'",
	                       &q, err);
	*applied = 0;
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, worker, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, sf_job_status_str(status), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, message ? message : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, result ? result : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, unix_now());
	rc = run_done(s, q, "finish a job", err);
	if (rc == SF_OK)
		*applied = sqlite3_changes(s->db) > 0;
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_job_cancel(sf_store *st, long long id, const char *who, int *before,
                               sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	char sql[160], subject[48], was[16] = "";
	int own;
	sf_status rc = svc_begin(s, &own, err);
	*before = -1;
	if (rc != SF_OK)
		return rc;
	sf_snprintf(sql, sizeof sql, "SELECT status FROM jobs WHERE id = %lld", id);
	rc = prepare(s, sql, &q, err);
	if (rc == SF_OK) {
		int r = sqlite3_step(q);
		if (r == SQLITE_ROW)
			sf_strlcpy(was, col_text(q, 0), sizeof was);
		else if (r != SQLITE_DONE)
			rc = db_error(s, err, "read a job");
		sqlite3_finalize(q);
		q = NULL;
	}
	if (rc != SF_OK || !was[0])
		goto out;
	*before = sf_job_status_parse(was);
	if (*before != SF_JOB_QUEUED && *before != SF_JOB_RUNNING)
		goto out;
	sf_snprintf(sql, sizeof sql,
	            "UPDATE jobs SET status = 'cancelled', finished = %lld, lease_until = 0,"
	            " message = 'cancelled' WHERE id = %lld",
	            unix_now(), id);
	rc = exec(s, sql, err);
	sf_snprintf(subject, sizeof subject, "job:%lld", id);
	if (rc == SF_OK)
		rc = log_edit(s, subject, NULL, "cancel", was, "cancelled", "", who, err);
out:
	return svc_end(s, own, rc, err);
}

static sf_status op_job_expire(sf_store *st, long long now, const char *reason, long *n,
                               sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(
	        s,
	        "UPDATE jobs SET status = CASE WHEN attempts < ?3 THEN 'queued' ELSE 'failed' END,"
	        " message = CASE WHEN attempts < ?3 THEN 'queued again: ' || ?2"
	        " ELSE ?2 END,"
	        " worker = CASE WHEN attempts < ?3 THEN '' ELSE worker END,"
	        " started = CASE WHEN attempts < ?3 THEN 0 ELSE started END,"
	        " finished = CASE WHEN attempts < ?3 THEN 0 ELSE ?1 END,"
	        " progress = 0, lease_until = 0"
	        " WHERE status = 'running' AND lease_until < ?1",
	        &q, err);
	*n = 0;
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_text(q, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, SF_JOB_ATTEMPTS);
	rc = run_done(s, q, "expire job leases", err);
	if (rc == SF_OK)
		*n = (long)sqlite3_changes(s->db);
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_job_abandon(sf_store *st, long long id, const char *worker, const char *reason,
                                int *applied, sf_error *err)
{
	return op_job_finish(st, id, worker, SF_JOB_FAILED, reason, "", applied, err);
}

static sf_status op_job_counts(sf_store *st, long counts[5], sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(s, "SELECT status, count(*) FROM jobs GROUP BY status", &q, err);
	for (int i = 0; i < 5; i++)
		counts[i] = 0;
	if (rc != SF_OK)
		return rc;
	for (;;) {
		int r = sqlite3_step(q);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = db_error(s, err, "count jobs");
			break;
		}
		int k = sf_job_status_parse(col_text(q, 0));
		if (k >= 0)
			counts[k] = (long)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_token_add(sf_store *st, const char *name, sf_role role, const char *hash,
                              sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc =
	        prepare(s, "INSERT INTO tokens(name, role, hash) VALUES(?1, ?2, ?3)", &q, err);
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, sf_role_str(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, hash, -1, SQLITE_STATIC);
	int r = sqlite3_step(q);
	if (r == SQLITE_CONSTRAINT)
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "a token named '%s' exists: choose another name, or revoke it",
		                  name);
	else if (r != SQLITE_DONE)
		rc = db_error(s, err, "add a token");
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_token_list(sf_store *st, sf_token_cb cb, void *ctx, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(
	        s, "SELECT name, role, hash, created, revoked FROM tokens ORDER BY name", &q, err);
	if (rc != SF_OK)
		return rc;
	for (;;) {
		int r = sqlite3_step(q);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = db_error(s, err, "list tokens");
			break;
		}
		int role = sf_role_parse(col_text(q, 1));
		sf_token_info t = {col_text(q, 0), role < 0 ? SF_ROLE_VIEWER : (sf_role)role,
		                   col_text(q, 2), col_text(q, 3), sqlite3_column_int(q, 4)};
		if (cb(ctx, &t))
			break;
	}
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_token_revoke(sf_store *st, const char *name, int *found, sf_error *err)
{
	sq *s = SQ(st);
	sqlite3_stmt *q = NULL;
	sf_status rc = prepare(s, "UPDATE tokens SET revoked = 1 WHERE name = ?1", &q, err);
	*found = 0;
	if (rc != SF_OK)
		return rc;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = run_done(s, q, "revoke a token", err);
	if (rc == SF_OK)
		*found = sqlite3_changes(s->db) > 0;
	sqlite3_finalize(q);
	return rc;
}

static sf_status op_data_version(sf_store *st, long long *version, sf_error *err)
{
	sq *s = SQ(st);
	sf_status rc = SF_OK;
	if (!s->version && (rc = prepare(s, "SELECT v FROM meta WHERE k = 'data_version'",
	                                 &s->version, err)) != SF_OK)
		return rc;
	int r = sqlite3_step(s->version);
	*version = r == SQLITE_ROW ? sqlite3_column_int64(s->version, 0) : 0;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = db_error(s, err, "read the data version");
	sqlite3_reset(s->version);
	return rc;
}

/* SQLite cannot be told that a job was queued: the idle worker polls. */
static sf_status op_job_wait(sf_store *st, long max_ms, sf_error *err)
{
	(void)st;
	(void)err;
	long ms = max_ms < 200 ? max_ms : 200;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return SF_OK;
}

static const sf_store_ops sqlite_ops = {
        .name = "sqlite",
        .close = op_close,
        .begin = op_begin,
        .commit = op_commit,
        .rollback = op_rollback,
        .batch_begin = op_batch_begin,
        .batch_end = op_batch_end,
        .incident_upsert = op_upsert,
        .incident_delete = op_delete,
        .incident_query = op_query,
        .incident_aggregate = op_aggregate,
        .incident_set_status = op_set_status,
        .dupe_decide = op_dupe_decide,
        .dupe_decision = op_dupe_decision,
        .edits = op_edits,
        .incident_count = op_count,
        .cache_limit = op_cache_limit,
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
 * The schema version (PRAGMA user_version) into *version. Returns the
 * SQLite result code (SQLITE_OK or the failure: reading is the first time a
 * read-only WAL store touches its -shm file).
 */
static int schema_version(sq *s, int *version)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			*version = sqlite3_column_int(q, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(q);
	return rc;
}

static sf_status too_new(sq *s, int version, sf_error *err)
{
	return sf_error_set(err, SF_ERR_STORE,
	                    "store '%s' has schema version %d, newer than this stabforce "
	                    "(%d): upgrade stabforce",
	                    s->path, version, SCHEMA_VERSION);
}

/*
 * Bring the schema to SCHEMA_VERSION. A store already there is left alone
 * without a lock; one behind is migrated under BEGIN IMMEDIATE, re-reading
 * the version under the lock (so processes opening a new store at once
 * migrate it once).
 */
static sf_status migrate(sq *s, sf_error *err)
{
	int version = 0;
	sf_status rc;
	if (schema_version(s, &version) != SQLITE_OK)
		return db_error(s, err, "read schema version");
	if (version == SCHEMA_VERSION)
		return SF_OK;
	if ((rc = exec(s, "BEGIN IMMEDIATE", err)) != SF_OK)
		return rc;
	if (schema_version(s, &version) != SQLITE_OK) {
		rc = db_error(s, err, "read schema version");
		goto fail;
	}
	if (version > SCHEMA_VERSION) {
		rc = too_new(s, version, err);
		goto fail;
	}
	for (; version < SCHEMA_VERSION; version++) {
		char pragma[48];
		for (const char *const *m = migrations[version]; *m; m++) {
			rc = exec(s, *m, err);
			if (rc != SF_OK)
				goto fail;
		}
		sf_snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version + 1);
		rc = exec(s, pragma, err);
		if (rc != SF_OK)
			goto fail;
	}
	return exec(s, "COMMIT", err);
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * Turn the file to WAL. A connection that finds a new (rollback-journal)
 * file while another turns it to WAL, or holds its write lock, gets
 * SQLITE_BUSY at once: it already holds a read lock, so SQLite does not
 * call the busy handler (that could deadlock). Nothing is held between two
 * tries, so retrying is safe; it gives up after the busy timeout like any
 * other wait for a lock.
 */
static sf_status set_wal(sq *s, sf_error *err)
{
	for (int waited = 0;; waited += WAL_RETRY_MS) {
		int rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return SF_OK;
		if ((rc & 0xff) != SQLITE_BUSY || waited >= STORE_BUSY_MS)
			return db_error(s, err, "turn on WAL");
		sqlite3_sleep(WAL_RETRY_MS);
	}
}

/* Open for writing: create the file if need be, WAL, migrate. */
static sf_status open_write(sq *s, sf_error *err)
{
	sf_status rc;
	/* One connection is used by one thread at a time: no per-call mutex. */
	if (sqlite3_open_v2(s->path, &s->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK)
		return sf_error_set(err, SF_ERR_STORE, "cannot open store '%s': %s", s->path,
		                    s->db ? sqlite3_errmsg(s->db) : "out of memory");
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if ((rc = set_wal(s, err)) != SF_OK)
		return rc;
	rc = exec(s,
	          "PRAGMA synchronous = NORMAL;"
	          " PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768;"
	          " PRAGMA wal_autocheckpoint = 10000",
	          err);
	return rc == SF_OK ? migrate(s, err) : rc;
}

/*
 * The file as a URI that opens it immutable: '%', '?' and '#' escaped, an
 * absolute path after "file://" (an empty authority).
 */
static char *immutable_uri(const char *path)
{
	sf_buf b;
	sf_buf_init(&b, 0);
	int ok = sf_buf_adds(&b, path[0] == '/' ? "file://" : "file:") == SF_OK;
	for (const char *c = path; ok && *c; c++) {
		if (*c == '%' || *c == '?' || *c == '#')
			ok = sf_buf_addf(&b, "%%%02X", (unsigned)(unsigned char)*c) == SF_OK;
		else
			ok = sf_buf_addc(&b, *c) == SF_OK;
	}
	ok = ok && sf_buf_adds(&b, "?immutable=1") == SF_OK;
	char *uri = ok ? sf_buf_detach(&b) : NULL;
	sf_buf_release(&b);
	return uri;
}

/*
 * Open an existing store read-only: no file is created, no lock beyond a
 * WAL reader's is taken, so a read runs while an import writes. A WAL
 * store on read-only media whose -shm file cannot be made is opened
 * immutable when its -wal file is missing or empty (nothing committed
 * there to miss).
 * *version gets the schema version.
 */
static sf_status open_read(sq *s, int *version, sf_error *err)
{
	struct stat sb;
	int rc;
	if (stat(s->path, &sb) != 0 && errno != ENOENT)
		return sf_error_set(err, SF_ERR_STORE, "cannot read store '%s': %s", s->path,
		                    strerror(errno));
	if (stat(s->path, &sb) != 0)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "store '%s' does not exist: create it by importing into it "
		                    "(stabforce incidents import FILE --db %s, or stabforce aid "
		                    "import FILE --db %s)",
		                    s->path, s->path, s->path);
	/* A reader can find the WAL index busy for a moment (a writer's checkpoint): wait. */
	rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_busy_timeout(s->db, STORE_BUSY_MS)) == SQLITE_OK)
		rc = schema_version(s, version);
	if ((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN) {
		char wal[4096];
		sf_snprintf(wal, sizeof wal, "%s-wal", s->path);
		if ((stat(wal, &sb) != 0 && errno == ENOENT) ||
		    (stat(wal, &sb) == 0 && !sb.st_size)) {
			char *uri = immutable_uri(s->path);
			if (!uri)
				return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			sqlite3_close(s->db);
			s->db = NULL;
			rc = sqlite3_open_v2(
			        uri, &s->db,
			        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
			free(uri);
			if (rc == SQLITE_OK)
				rc = schema_version(s, version);
		}
	}
	if (rc != SQLITE_OK)
		return sf_error_set(err, SF_ERR_STORE, "cannot read store '%s': %s", s->path,
		                    s->db ? sqlite3_errmsg(s->db) : "out of memory");
	return exec(s, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768", err);
}

/* The connection for mode: read-only when it can be, else migrated. */
static sf_status open_db(sq *s, sf_store_mode mode, sf_error *err)
{
	int version = 0;
	sf_status rc;
	/* An in-memory store starts empty: there is nothing to read-only open. */
	if (mode == SF_STORE_WRITE || !s->path[0] || strcmp(s->path, ":memory:") == 0)
		return open_write(s, err);
	if ((rc = open_read(s, &version, err)) != SF_OK)
		return rc;
	if (version == SCHEMA_VERSION)
		return SF_OK;
	if (version > SCHEMA_VERSION)
		return too_new(s, version, err);
	if (version == 0)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "store '%s' is not a stabforce store yet (it has no schema): "
		                    "create it by importing into it (stabforce incidents import "
		                    "FILE --db %s)",
		                    s->path, s->path);
	/* Behind: reading needs the current schema, and migrating needs to write. */
	sf_error inner;
	sf_error_clear(&inner);
	sqlite3_close(s->db);
	s->db = NULL;
	if ((rc = open_write(s, &inner)) != SF_OK)
		return sf_error_set(err, rc,
		                    "store '%s' has schema version %d, this stabforce reads %d and "
		                    "cannot upgrade it: %s",
		                    s->path, version, SCHEMA_VERSION, inner.message);
	return SF_OK;
}

sf_status sf_store_open_sqlite(const char *path, sf_store_mode mode, sf_store **out, sf_error *err)
{
	sf_store *st = NULL;
	sq *s = NULL;
	sf_status rc;
	char cols[1024];
	char sql[4096];

	*out = NULL;
	st = calloc(1, sizeof *st);
	s = calloc(1, sizeof *s);
	if (!st || !s || !(s->path = strdup(path))) {
		free(st);
		free(s);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	st->ops = &sqlite_ops;
	st->impl = s;
	rc = open_db(s, mode, err);
	if (rc != SF_OK)
		goto fail;

	cols[0] = '\0';
	size_t len = 0;
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		len += (size_t)sf_snprintf(cols + len, sizeof cols - len, "%s, ",
		                           sf_acled_column_name(i));
	sf_snprintf(
	        sql, sizeof sql,
	        "INSERT OR IGNORE INTO incidents(%s day, sector, sector_method, sector_km, status,"
	        " source_system, batch) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	        " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26,"
	        " ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38)",
	        cols);
	if ((rc = prepare(s, sql, &s->ins, err)) != SF_OK)
		goto fail;
	/* The update: every column but the key and the review status (?36 unused). */
	len = (size_t)sf_snprintf(sql, sizeof sql, "UPDATE incidents SET ");
	for (int i = 1; i < SF_ACLED_NCOLS; i++)
		len += (size_t)sf_snprintf(sql + len, sizeof sql - len, "%s = ?%d, ",
		                           sf_acled_column_name(i), i + 1);
	sf_snprintf(sql + len, sizeof sql - len,
	            "day = ?32, sector = ?33, sector_method = ?34, sector_km = ?35,"
	            " source_system = ?37, batch = ?38, version = version + 1"
	            " WHERE event_id_cnty = ?1 AND ?36 IS NOT NULL");
	if ((rc = prepare(s, sql, &s->upd, err)) != SF_OK ||
	    (rc = prepare(s,
	                  "SELECT timestamp, day, sector, event_type, coalesce(sub_event_type, ''),"
	                  " status, coalesce(fatalities, -1), coalesce(actor1, ''), "
	                  "coalesce(actor2, ''),"
	                  " version FROM incidents WHERE event_id_cnty = ?1",
	                  &s->old, err)) != SF_OK ||
	    (rc = prepare(s,
	                  "INSERT INTO incident_rollup VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	                  " ON CONFLICT DO UPDATE SET n = n + excluded.n,"
	                  " fatalities = fatalities + excluded.fatalities,"
	                  " fatalities_unknown = fatalities_unknown + excluded.fatalities_unknown",
	                  &s->roll_i, err)) != SF_OK ||
	    (rc = prepare(s,
	                  "INSERT INTO actor_rollup VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	                  " ON CONFLICT DO UPDATE SET n = n + excluded.n,"
	                  " fatalities = fatalities + excluded.fatalities,"
	                  " fatalities_unknown = fatalities_unknown + excluded.fatalities_unknown",
	                  &s->roll_a, err)) != SF_OK ||
	    (rc = prepare(s, "SELECT decision FROM dupe_decisions WHERE a = ?1 AND b = ?2",
	                  &s->dupe_get, err)) != SF_OK ||
	    (rc = prepare(s,
	                  "SELECT trucks, tonnes FROM aid WHERE day = ?1 AND crossing = ?2 AND"
	                  " category = ?3 AND stage = ?4 AND source = ?5",
	                  &s->aid_get, err)) != SF_OK ||
	    (rc = prepare(s, "INSERT OR REPLACE INTO aid VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)",
	                  &s->aid_put, err)) != SF_OK ||
	    (rc = prepare(s,
	                  "INSERT INTO edits(event_id, other_id, what, old, new, note, who)"
	                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                  &s->log, err)) != SF_OK)
		goto fail;
	*out = st;
	return SF_OK;
fail:
	op_close(st);
	free(st);
	return rc;
}
