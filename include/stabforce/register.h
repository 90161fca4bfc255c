/*
 * register.h - the incident and aid registers (docs/register.md).
 *
 * Storage goes through sf_store, an opaque handle used only through the
 * sf_store_* functions below; each backend fills in a table of operations
 * behind them (src/lib/register/store.h): SQLite (sf_store_open_sqlite)
 * and PostgreSQL (sf_store_open_pg), chosen by sf_store_open from the
 * location. Everything above the store (CSV import,
 * sector assignment, duplicates, reports, aid report, threat feedback) is
 * written once, against the operations.
 *
 * Incidents: ACLED's 31 columns as text plus what the register adds
 * (sector, how it was found, review status, source system, import batch).
 * Import is one transaction per file: all of it or none of it.
 *
 * Memory: the store owns itself (sf_store_close). Incidents passed to a
 * callback are borrowed for the duration of the call. Reports and lists are
 * written into a caller's sf_buf or FILE.
 */
#ifndef STABFORCE_REGISTER_H
#define STABFORCE_REGISTER_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "error.h"
#include "format.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- */
/* Incidents                                                          */

/* ACLED's export columns, in ACLED's order. */
typedef enum sf_acled_col {
	SF_COL_EVENT_ID_CNTY,
	SF_COL_EVENT_DATE,
	SF_COL_YEAR,
	SF_COL_TIME_PRECISION,
	SF_COL_DISORDER_TYPE,
	SF_COL_EVENT_TYPE,
	SF_COL_SUB_EVENT_TYPE,
	SF_COL_ACTOR1,
	SF_COL_ASSOC_ACTOR_1,
	SF_COL_INTER1,
	SF_COL_ACTOR2,
	SF_COL_ASSOC_ACTOR_2,
	SF_COL_INTER2,
	SF_COL_INTERACTION,
	SF_COL_CIVILIAN_TARGETING,
	SF_COL_ISO,
	SF_COL_REGION,
	SF_COL_COUNTRY,
	SF_COL_ADMIN1,
	SF_COL_ADMIN2,
	SF_COL_ADMIN3,
	SF_COL_LOCATION,
	SF_COL_LATITUDE,
	SF_COL_LONGITUDE,
	SF_COL_GEO_PRECISION,
	SF_COL_SOURCE,
	SF_COL_SOURCE_SCALE,
	SF_COL_NOTES,
	SF_COL_FATALITIES,
	SF_COL_TAGS,
	SF_COL_TIMESTAMP,
	SF_ACLED_NCOLS
} sf_acled_col;

/* The header name of a column ("event_id_cnty"). */
const char *sf_acled_column_name(int col);
/* A header name to its column, or -1. */
int sf_acled_column_find(const char *name);

typedef enum sf_sector_method {
	SF_SECTOR_NONE = 0,    /* no polygon, none near enough, no override */
	SF_SECTOR_INSIDE = 1,  /* inside (or on the edge of) the sector polygon */
	SF_SECTOR_NEAREST = 2, /* outside every polygon, nearest within the distance */
	SF_SECTOR_OVERRIDE = 3 /* the location-name override table */
} sf_sector_method;

/* "none", "inside", "nearest", "override". */
const char *sf_sector_method_str(sf_sector_method m);

typedef enum sf_incident_status {
	SF_ISTATUS_REPORTED = 0,
	SF_ISTATUS_CORROBORATED = 1,
	SF_ISTATUS_VERIFIED = 2,
	SF_ISTATUS_DISPUTED = 3,
	SF_ISTATUS_RETRACTED = 4
} sf_incident_status;

/* "reported", ... ; and back (-1 when unknown). */
const char *sf_incident_status_str(sf_incident_status s);
int sf_incident_status_parse(const char *s);

/* sf_incident.fatalities when the source left the field empty: no figure. */
#define SF_FATALITIES_NONE (-1L)

typedef struct sf_incident {
	/* ACLED's columns as normalized text, "" when empty (never NULL):
	 * event_date as YYYY-MM-DD, inter codes as text, civilian_targeting
	 * "Civilian targeting" or "". */
	const char *col[SF_ACLED_NCOLS];
	long day;            /* event_date as days since 1970-01-01 */
	double latitude;     /* degrees */
	double longitude;    /* degrees */
	long fatalities;     /* >= 0, or SF_FATALITIES_NONE: not reported (no data, not 0) */
	long long timestamp; /* ACLED's last-edit time, Unix seconds */
	const char *sector;  /* sector id, "" when none */
	sf_sector_method sector_method;
	double sector_km; /* distance to the sector when nearest, km */
	sf_incident_status status;
	const char *source_system; /* who reported it: "ACLED", a UN system, ... */
	long batch;                /* import batch that last wrote it */
	long version;              /* 1 when first stored, +1 at every change (read only) */
} sf_incident;

/*
 * Dates as the register reads them: "2025-05-16", "16 May 2025" or
 * "6-Jun-25", to days since 1970-01-01 (0 on success, -1 when not a date);
 * and a day number back to "YYYY-MM-DD" (n >= 11).
 */
int sf_date_parse(const char *s, long *day);
char *sf_date_format(long day, char *buf, size_t n);

/* ---------------------------------------------------------------- */
/* Queries                                                            */

enum { SF_DAY_NONE = -2147483647L };

typedef struct sf_incident_filter {
	long from_day, to_day;      /* inclusive; SF_DAY_NONE = open */
	const char *event_id;       /* exact, NULL = any */
	const char *sector;         /* sector id; "-" = no sector; NULL = any */
	const char *event_type;     /* exact, NULL = any */
	const char *sub_event_type; /* exact, NULL = any */
	const char *actor;          /* actor1 or actor2, exact, NULL = any */
	const char *location;       /* exact, NULL = any */
	int status;                 /* sf_incident_status, -1 = any */
	int include_retracted;      /* 0: retracted incidents are left out (unless status asks) */
	long limit;                 /* most rows, 0 = all */
	/* Keyset pagination (date order only): the rows after (after_day,
	 * after_id) in (day, event id) order; after_id NULL = from the first. */
	long after_day;
	const char *after_id;
} sf_incident_filter;

void sf_incident_filter_init(sf_incident_filter *f);

typedef enum sf_incident_order {
	SF_ORDER_DATE = 0,     /* event date, then id */
	SF_ORDER_TYPE_DATE = 1 /* event type, event date, id (duplicates scan) */
} sf_incident_order;

/* Called once per incident; return nonzero to stop. */
typedef int (*sf_incident_cb)(void *ctx, const sf_incident *inc);

/* Grouping dimension of an aggregate. */
typedef enum sf_dim {
	SF_DIM_NONE = 0,
	SF_DIM_SECTOR = 1,
	SF_DIM_EVENT_TYPE = 2,
	SF_DIM_SUB_EVENT_TYPE = 3,
	SF_DIM_ACTOR = 4 /* an incident counts once for actor1 and once for actor2 */
} sf_dim;

/* "sector", "event_type", ... and back (-1 when unknown; accepts "type", "sub-type"). */
const char *sf_dim_str(sf_dim d);
int sf_dim_parse(const char *s);

/* One aggregate row: incidents and fatalities on one day for one key. */
typedef struct sf_agg_row {
	long day;
	const char *key; /* value of the dimension, "" for SF_DIM_NONE or none */
	long count;
	long fatalities;         /* reported fatalities, summed */
	long fatalities_unknown; /* incidents whose fatalities were not reported */
} sf_agg_row;

typedef int (*sf_agg_cb)(void *ctx, const sf_agg_row *row);

/* An edit-log entry. */
typedef struct sf_edit_entry {
	long id;
	const char *event_id;
	const char *other_id; /* duplicates decisions: the other incident, "" otherwise */
	const char *what;     /* "status", "duplicate", "distinct", "delete" */
	const char *from;     /* old value, "" when none */
	const char *to;       /* new value */
	const char *note;
	const char *who;
	const char *at; /* UTC, ISO 8601 */
} sf_edit_entry;

typedef int (*sf_edit_cb)(void *ctx, const sf_edit_entry *e);

/* ---------------------------------------------------------------- */
/* Aid                                                                */

typedef enum sf_aid_stage {
	SF_AID_ENTERED = 0,
	SF_AID_OFFLOADED = 1,
	SF_AID_COLLECTED = 2,
	SF_AID_INTERCEPTED = 3
} sf_aid_stage;

const char *sf_aid_stage_str(sf_aid_stage s);
int sf_aid_stage_parse(const char *s);

/* One row of the aid register: trucks through one crossing on one day. */
typedef struct sf_aid_row {
	long day;             /* days since 1970-01-01 */
	const char *crossing; /* canonical id (aliases resolved) */
	long trucks;          /* >= 0 */
	double tonnes;        /* >= 0, NAN when not given */
	const char *category; /* food, medical, shelter, fuel, wash, commercial, other */
	sf_aid_stage stage;
	const char *source; /* COGAT, UN2720, ... */
} sf_aid_row;

typedef int (*sf_aid_cb)(void *ctx, const sf_aid_row *row);

typedef struct sf_aid_filter {
	long from_day, to_day; /* inclusive; SF_DAY_NONE = open */
	const char *crossing;  /* NULL = all */
	const char *source;    /* NULL = all */
	int stage;             /* sf_aid_stage, -1 = all */
} sf_aid_filter;

void sf_aid_filter_init(sf_aid_filter *f);

/* ---------------------------------------------------------------- */
/* The store                                                          */

typedef struct sf_store sf_store;

/* Outcome of one upsert. */
typedef enum sf_upsert_result {
	SF_UPSERT_INSERTED = 0,
	SF_UPSERT_UPDATED = 1,  /* the row's timestamp was newer */
	SF_UPSERT_UNCHANGED = 2 /* stored timestamp newer or equal */
} sf_upsert_result;

/*
 * The store's operations. Every one returns SF_OK or an error (SF_ERR_STORE
 * for the backend's own failures) with err set. Writes outside
 * begin/commit are each their own transaction. Backends implement them
 * behind src/lib/register/store.h; callers use only these functions.
 */

/* "sqlite" or "postgresql". */
const char *sf_store_backend(const sf_store *st);

sf_status sf_store_begin(sf_store *st, sf_error *err);
sf_status sf_store_commit(sf_store *st, sf_error *err);
void sf_store_rollback(sf_store *st);

/* A new import batch; *batch gets its id. */
sf_status sf_store_batch_begin(sf_store *st, const char *kind, const char *file, const char *who,
                               long *batch, sf_error *err);
/* Record the batch's counts as text (the summary line). */
sf_status sf_store_batch_end(sf_store *st, long batch, const char *summary, sf_error *err);

/* Insert, or replace when inc->timestamp is newer (keeping status). */
sf_status sf_store_incident_upsert(sf_store *st, const sf_incident *inc, sf_upsert_result *res,
                                   sf_error *err);
/* Remove one; *found 0 when there was none. Logged. */
sf_status sf_store_incident_delete(sf_store *st, const char *event_id, const char *who, int *found,
                                   sf_error *err);
sf_status sf_store_incident_query(sf_store *st, const sf_incident_filter *f,
                                  sf_incident_order order, sf_incident_cb cb, void *ctx,
                                  sf_error *err);
/* Counts and fatalities per day and key, filtered, ordered by day then key. */
sf_status sf_store_incident_aggregate(sf_store *st, const sf_incident_filter *f, sf_dim dim,
                                      sf_agg_cb cb, void *ctx, sf_error *err);
/* Change the review status; logged with note and who. *found as above. */
sf_status sf_store_incident_set_status(sf_store *st, const char *event_id,
                                       sf_incident_status status, const char *note, const char *who,
                                       int *found, sf_error *err);
/*
 * The same, only if the incident's version is still if_version (0: any
 * version), the check and the change in one transaction: two reviewers who
 * read version 3 cannot both change it. A stale if_version is
 * SF_ERR_CONFLICT (nothing changed; the message names the stored version).
 * *version (may be NULL) gets the new version.
 */
sf_status sf_store_incident_review(sf_store *st, const char *event_id, sf_incident_status status,
                                   const char *note, const char *who, long if_version,
                                   long *version, int *found, sf_error *err);
/* Record a duplicates decision for the pair (a, b): "duplicate" or "distinct". */
sf_status sf_store_dupe_decide(sf_store *st, const char *a, const char *b, const char *decision,
                               const char *note, const char *who, sf_error *err);
/* The decision recorded for a pair (in either order) into buf, "" when none. */
sf_status sf_store_dupe_decision(sf_store *st, const char *a, const char *b, char *buf, size_t n,
                                 sf_error *err);
/* The edit log, oldest first; event_id NULL = all. */
sf_status sf_store_edits(sf_store *st, const char *event_id, sf_edit_cb cb, void *ctx,
                         sf_error *err);
/* Number of incidents (all statuses). */
sf_status sf_store_incident_count(sf_store *st, long *n, sf_error *err);
/* The first and last day of any incident (all statuses, every filter
 * aside); SF_DAY_NONE both when the register holds none. */
sf_status sf_store_incident_days(sf_store *st, long *first, long *last, sf_error *err);

/* What an import did, counted as if its rows had been upserted one by one. */
typedef struct sf_upsert_counts {
	long inserted, updated, unchanged;
} sf_upsert_counts;

/*
 * Bulk upsert, inside the caller's transaction (sf_store_begin): begin,
 * add every row, end. The result is what upserting the rows one by one in
 * the order added gives (a later row of the same event wins only with a
 * newer timestamp), and *counts says so. A backend may hold the rows until
 * end (PostgreSQL streams them with COPY and upserts them with one
 * statement); line (the input line) names a row in messages.
 */
sf_status sf_store_bulk_begin(sf_store *st, sf_error *err);
sf_status sf_store_bulk_add(sf_store *st, const sf_incident *inc, long line, sf_error *err);
sf_status sf_store_bulk_end(sf_store *st, sf_upsert_counts *counts, sf_error *err);

/* Insert or replace the row with the same (day, crossing, category, stage, source). */
sf_status sf_store_aid_upsert(sf_store *st, const sf_aid_row *row, sf_upsert_result *res,
                              sf_error *err);
/* Rows ordered by day, crossing. */
sf_status sf_store_aid_query(sf_store *st, const sf_aid_filter *f, sf_aid_cb cb, void *ctx,
                             sf_error *err);

/*
 * What a store is opened for. SF_STORE_WRITE creates a store that does
 * not exist yet and migrates one whose schema is behind. SF_STORE_READ is
 * for commands that only read: it never creates a store (one that does
 * not exist, or has no schema yet, is SF_ERR_USAGE with a message saying
 * how to create it) and takes no write lock, so it reads while an import
 * writes (SQLite: a read-only connection, also on read-only media;
 * PostgreSQL: also a hot standby). A store whose schema is behind is
 * still migrated once, which needs write access.
 */
typedef enum sf_store_mode { SF_STORE_WRITE = 0, SF_STORE_READ = 1 } sf_store_mode;

/* Open a SQLite store (the file path; ":memory:" is a new empty store). *out is NULL unless SF_OK.
 */
sf_status sf_store_open_sqlite(const char *path, sf_store_mode mode, sf_store **out, sf_error *err);

/*
 * Open a PostgreSQL store: conninfo is a libpq URI or key=value string;
 * what it leaves out comes from the PG* environment variables (PGHOST,
 * PGUSER, PGPASSWORD, ...). A server that cannot be reached is
 * SF_ERR_UNAVAILABLE. A hot standby opens read-only: writes are
 * SF_ERR_UNAVAILABLE.
 */
sf_status sf_store_open_pg(const char *conninfo, sf_store_mode mode, sf_store **out, sf_error *err);

/*
 * The store used when none is named: the register commands', serve's,
 * worker's and token's --db, and a scenario's register without a db.
 */
#define SF_STORE_DEFAULT "stabforce.db"

/*
 * Open a store by location: a file path (SQLite), "sqlite:PATH", or a
 * PostgreSQL URI "postgresql://..." / "postgres://..." (docs/deploy.md).
 * sf_store_open is for writing (SF_STORE_WRITE), sf_store_open_read for
 * reading only (SF_STORE_READ).
 */
sf_status sf_store_open_mode(const char *location, sf_store_mode mode, sf_store **out,
                             sf_error *err);
sf_status sf_store_open(const char *location, sf_store **out, sf_error *err);
sf_status sf_store_open_read(const char *location, sf_store **out, sf_error *err);
void sf_store_close(sf_store *st);
/*
 * At most kib KiB of this handle's own page cache in the process (SQLite's
 * cache_size, 32 MiB unless set; a PostgreSQL handle keeps none: no-op).
 * For a program holding many handles at once (the server's pools), whose
 * caches would otherwise each grow to the default.
 */
sf_status sf_store_cache_limit(sf_store *st, size_t kib, sf_error *err);
/*
 * A store's location fit to print: the password of a PostgreSQL URI
 * ("postgresql://user:SECRET@host/db") or of a password=... parameter
 * becomes ***. Writes at most n bytes (NUL-terminated) into out.
 */
void sf_store_location_safe(const char *location, char *out, size_t n);

/* ---------------------------------------------------------------- */
/* Sectors for incidents                                              */

/* Sector polygons plus the location-name override table. */
typedef struct sf_sector_map sf_sector_map;

/* From a GeoJSON FeatureCollection whose features carry id_property. */
sf_status sf_sector_map_open(const char *geojson_path, const char *id_property, sf_sector_map **out,
                             sf_error *err);
/* A map with no polygons: it locates by the override table alone. */
sf_status sf_sector_map_new(sf_sector_map **out, sf_error *err);
/* From a scenario's GeoJSON (sc->geojson_path, sc->id_property). */
sf_status sf_sector_map_from_scenario(const sf_scenario *sc, sf_sector_map **out, sf_error *err);
void sf_sector_map_free(sf_sector_map *m);
/* Add "location,sector" rows of a CSV file (header required) to the override table. */
sf_status sf_sector_map_load_overrides(sf_sector_map *m, const char *csv_path, sf_error *err);
/* The same from an open stream; csv_path names it in messages. */
sf_status sf_sector_map_read_overrides(sf_sector_map *m, FILE *f, const char *csv_path,
                                       sf_error *err);
sf_status sf_sector_map_add_override(sf_sector_map *m, const char *location, const char *sector,
                                     sf_error *err);
size_t sf_sector_map_count(const sf_sector_map *m);
const char *sf_sector_map_id(const sf_sector_map *m, size_t i);
/*
 * The sector of a place: the override for `location` (may be NULL) wins,
 * then the polygon containing the point, then the nearest polygon within
 * max_km. Returns the sector id (owned by the map) or NULL with
 * *method = SF_SECTOR_NONE.
 */
const char *sf_sector_map_locate(sf_sector_map *m, const char *location, double lon, double lat,
                                 double max_km, sf_sector_method *method, double *dist_km);

/* ---------------------------------------------------------------- */
/* Import                                                             */

typedef struct sf_import_options {
	sf_sector_map *sectors;    /* NULL: every incident gets no sector */
	double max_distance_km;    /* nearest-sector distance, default 5 */
	FILE *rejects;             /* bad rows written here as CSV, may be NULL */
	const char *source_system; /* default "ACLED" */
	const char *who;           /* recorded with the batch; NULL: "unknown" */
	const char *file_name;     /* for the batch record and messages */
	/* Progress: called every ~1 MB read with bytes read so far. */
	void (*progress)(void *ctx, uint64_t bytes);
	void *progress_ctx;
} sf_import_options;

void sf_import_options_init(sf_import_options *o);

typedef struct sf_import_summary {
	long read; /* data records read (blank lines not counted) */
	long inserted;
	long updated;
	long unchanged;
	long rejected;
	long by_method[4]; /* accepted rows per sf_sector_method */
	long batch;        /* the batch id */
	double seconds;
} sf_import_summary;

/*
 * Import an ACLED CSV export from `in` in one transaction. Bad rows go to
 * opts->rejects and are counted; the file still commits. Any store error
 * rolls everything back. A file without the required header columns is
 * SF_ERR_INPUT (nothing imported).
 */
sf_status sf_incidents_import(sf_store *st, FILE *in, const sf_import_options *opts,
                              sf_import_summary *sum, sf_error *err);

/*
 * Delete the events listed in a CSV file with an event_id_cnty column (or a
 * single column of ids without header), in one transaction. *deleted and
 * *missing count them.
 */
sf_status sf_incidents_delete_file(sf_store *st, FILE *in, const char *who, long *deleted,
                                   long *missing, sf_error *err);

/* One line: "read N, inserted N, ...". */
sf_status sf_import_summary_write(const sf_import_summary *s, sf_buf *out, sf_error *err);

/* ---------------------------------------------------------------- */
/* Duplicates                                                         */

/* The register.md definition, with its thresholds. */
typedef struct sf_dupe_options {
	int max_days;        /* dates at most this far apart, default 1 */
	double max_km;       /* default 2 */
	int include_decided; /* 1: list pairs already marked too */
	long limit;          /* most pairs, 0 = all */
} sf_dupe_options;

void sf_dupe_options_init(sf_dupe_options *o);

typedef struct sf_dupe_pair {
	const sf_incident *a, *b; /* a before b by date then id */
	double km;
	long days;
	char reason[160];  /* "same type, 1 day apart, 0.4 km, different source" */
	char decision[16]; /* "", "duplicate", "distinct" */
} sf_dupe_pair;

typedef int (*sf_dupe_cb)(void *ctx, const sf_dupe_pair *p);

/* Find possible duplicates among non-retracted incidents matching f (may be NULL). */
sf_status sf_incidents_dupes(sf_store *st, const sf_incident_filter *f, const sf_dupe_options *o,
                             sf_dupe_cb cb, void *ctx, sf_error *err);

/* ---------------------------------------------------------------- */
/* Reports                                                            */

typedef enum sf_period { SF_PERIOD_TOTAL = 0, SF_PERIOD_DAY = 1, SF_PERIOD_WEEK = 2 } sf_period;

typedef struct sf_report_options {
	sf_period period; /* rows per day, per week (Monday start) or one total */
	sf_dim dim;       /* by sector, type, sub-type, actor, or none */
	long as_of;       /* last day of "this week"; SF_DAY_NONE = the latest incident */
	long split_day;   /* before/after date (a ceasefire); SF_DAY_NONE = none */
	/*
	 * Change levels (docs/register.md, "Change levels"): below these
	 * counts a change is "limited change (low baseline)" and no percentage
	 * is given. ACLED's thresholds by default: a baseline mean of at most
	 * 2 incidents a week and at most 5 this week.
	 */
	double low_mean; /* incidents per week, default 2 */
	long low_week;   /* incidents this week, default 5 */
	/*
	 * The days the register's data covers (an ACLED export's query
	 * range): outside them a period has no data, inside no incident is a
	 * 0. SF_DAY_NONE: the first, and the last, incident in the store.
	 */
	long covered_from, covered_to;
} sf_report_options;

void sf_report_options_init(sf_report_options *o);

/*
 * ACLED's change levels (Trendfinder, "Country Change Level map"): this
 * week against a baseline mean, in percent: more than +25 a large
 * increase, above +10 to +25 a moderate increase, -25 to +10 limited
 * change, below -25 a large decrease. NO_DATA: the register does not cover
 * the baseline (or this week).
 */
typedef enum sf_change_level {
	SF_CHANGE_NO_DATA = 0,
	SF_CHANGE_LARGE_DECREASE = 1,
	SF_CHANGE_LIMITED = 2,
	SF_CHANGE_MODERATE_INCREASE = 3,
	SF_CHANGE_LARGE_INCREASE = 4
} sf_change_level;

/* "no data", "large decrease", "limited change", "moderate increase", "large increase". */
const char *sf_change_level_str(sf_change_level l);

/* One baseline of the change levels: the mean of the `weeks` 7-day windows before this week. */
typedef struct sf_change {
	int weeks;             /* windows of the baseline the register covers (0: no data) */
	double mean;           /* incidents per week over them; NAN when weeks == 0 */
	double pct;            /* (this week - mean) / mean * 100; NAN when not shown: no
	                          data, a mean of 0, or a low baseline */
	sf_change_level level; /* ACLED's level */
	int low_baseline;      /* 1: mean <= low_mean and this week <= low_week: "limited
	                          change" whatever the percentage */
} sf_change;

/* One row of a report table. */
typedef struct sf_report_row {
	char period[24];         /* "2025-10-13" (week: its Monday), "total", "before", "after" */
	char *key;               /* owned */
	long count;              /* incidents; meaningless when no_data */
	long fatalities;         /* reported fatalities (incidents that give a figure) */
	long fatalities_unknown; /* incidents whose fatalities were not reported */
	int no_data;             /* 1: the register covers no day of the period: no figure, not 0 */
	long days;               /* days of the period the register covers */
	double per_day;          /* incidents per day in the period (before/after) */
	/* trend: this week (7 days to as_of) against the 4 and the 52 weeks before */
	sf_change w4, w52;
} sf_report_row;

typedef struct sf_report {
	sf_report_row *rows;
	size_t nrows, cap;
	int kind; /* 0 periods, 1 trend, 2 before/after */
	long as_of, from_day, to_day;
	long days_before, days_after; /* before/after: period lengths in days */
	/* The days the register covers (sf_report_options; SF_DAY_NONE when
	 * nothing is). Outside them a period has no data; inside, no incident
	 * is a 0. */
	long covered_from, covered_to;
} sf_report;

void sf_report_release(sf_report *r);

/*
 * Counts and fatalities per period and key. Day and week tables are
 * zero-filled: every key found gets a row for every period from the
 * filter's from (else the register's first day) to its to (else the
 * register's last day); a period the register does not cover at all is
 * no_data.
 */
sf_status sf_incidents_report(sf_store *st, const sf_incident_filter *f, const sf_report_options *o,
                              sf_report *out, sf_error *err);
/* This week against the means of the previous 4 and 52 weeks, per key, with change levels. */
sf_status sf_incidents_trend(sf_store *st, const sf_incident_filter *f, const sf_report_options *o,
                             sf_report *out, sf_error *err);
/* Before and after o->split_day, per key. */
sf_status sf_incidents_split(sf_store *st, const sf_incident_filter *f, const sf_report_options *o,
                             sf_report *out, sf_error *err);

/* ---------------------------------------------------------------- */
/* Alerts (docs/register.md, "Alerts")                                */

typedef struct sf_alert_rules {
	long as_of; /* SF_DAY_NONE = the latest incident */
	int days;   /* the incident rules look at the days days to as_of; default 1 */
	/* a sector's 4-week change level at least this; SF_CHANGE_NO_DATA = off;
	   default SF_CHANGE_LARGE_INCREASE */
	sf_change_level change_level;
	const char *const *event_types; /* every incident of these types; default none */
	size_t nevent_types;
	long fatalities; /* every incident with at least this many; 0 = off; default 10 */
} sf_alert_rules;

void sf_alert_rules_init(sf_alert_rules *r);

typedef enum sf_alert_kind {
	SF_ALERT_CHANGE = 0,     /* a sector's change level */
	SF_ALERT_EVENT_TYPE = 1, /* an incident of a listed type */
	SF_ALERT_FATALITIES = 2  /* an incident over the fatalities threshold */
} sf_alert_kind;

typedef struct sf_alert {
	sf_alert_kind kind;
	long day;                                         /* the incident's day; change: as_of */
	char sector[64];                                  /* "" when none */
	char event_id[64], event_type[64], location[128]; /* incident alerts */
	long count;                                       /* change: incidents this week; else 1 */
	long fatalities; /* reported; SF_FATALITIES_NONE: no figure (change: none in the week) */
	sf_change_level level; /* change */
	double mean, pct;      /* change: the 4-week mean a week and the change (NAN: none) */
	int is_new;            /* change: the level the day before was below the rule's */
} sf_alert;

typedef struct sf_alerts {
	sf_alert *items; /* change alerts by sector, then incident alerts by date */
	size_t n, cap;
	long as_of; /* SF_DAY_NONE for an empty register */
	int days;
	/* Incidents in those days that gave no fatalities figure: the
	   fatalities rule cannot judge them, so they raise no alert (said, not
	   silent). Counted only when that rule is on. */
	long fatalities_unjudged;
} sf_alerts;

void sf_alerts_release(sf_alerts *a);
sf_status sf_incidents_alerts(sf_store *st, const sf_alert_rules *rules, sf_alerts *out,
                              sf_error *err);

/* ---------------------------------------------------------------- */
/* Aid                                                                */

typedef struct sf_aid_import_options {
	const char *source; /* when the file has no source column; default "unspecified" */
	const char *default_crossing; /* when no crossing column; default "all" */
	FILE *rejects;
	const char *who;
	const char *file_name;
	/* The crossings and their names (sf_aid_crossings_load); NULL: no
	 * table, every name is its own id. With a table a crossing not in it
	 * fails the import with the row's file:line:column. */
	const struct sf_aid_crossings *crossings;
	/* How that error names the crossings table: NULL, by its file's path
	 * (the CLI, whose user gave it); a server says "the server's
	 * crossings file", since its client neither sees nor edits that
	 * path. */
	const char *crossings_name;
} sf_aid_import_options;

void sf_aid_import_options_init(sf_aid_import_options *o);

/*
 * Crossing names. The library knows no place's crossings: which crossings
 * there are and the names each goes by in the sources come from a data
 * file (the Gaza example's examples/gaza/crossings.csv), CSV with a header
 * naming the columns `crossing` (the id) and `name` (one name or spelling
 * of it); other columns (`source`) are read by people, not by the
 * program. A crossing's id is also one of its names. Names compare with
 * case, blanks, dashes and underscores ignored. "all", "all crossings"
 * and "total" are the figure for every crossing, with or without a table.
 */
typedef struct sf_aid_crossings sf_aid_crossings;

/* Read a crossings file (at most SF_MAX_CROSSINGS_BYTES); errors name
 * the file, line and column. */
sf_status sf_aid_crossings_load(const char *path, sf_aid_crossings **out, sf_error *err);
/* The same from an open stream; file_name is the name errors give. */
sf_status sf_aid_crossings_read(FILE *f, const char *file_name, sf_aid_crossings **out,
                                sf_error *err);
void sf_aid_crossings_free(sf_aid_crossings *t);
/* The file the table was read from. */
const char *sf_aid_crossings_file(const sf_aid_crossings *t);

/*
 * The id of a crossing name: "all" for the names of every crossing; with
 * a table (t not NULL), the id the table gives the name ("Karem Abu Salem"
 * -> "kerem_shalom" with Gaza's), or NULL when the table does not know
 * it; without one, the name itself lowercased with blanks, dashes and
 * underscores as one underscore, written into buf (n bytes). The result
 * is a constant, the table's, or buf.
 */
const char *sf_aid_crossing_id(const sf_aid_crossings *t, const char *name, char *buf, size_t n);

/*
 * Import daily crossing figures: columns date, crossing, trucks (or
 * trucks_entered), tonnes, category, stage, source (only date and trucks
 * are required). One transaction.
 */
sf_status sf_aid_import(sf_store *st, FILE *in, const sf_aid_import_options *o,
                        sf_import_summary *sum, sf_error *err);

typedef struct sf_aid_day {
	long day;
	int has_data;              /* 0: no figure at the report stage this day (a gap) */
	long trucks[4];            /* per stage, summed over crossings and categories */
	unsigned char reported[4]; /* 1: a figure for that stage this day; else no data, not 0 */
	double rolling7; /* mean of the report stage over the 7 days to this one (days with data) */
	int compared;    /* has data, and the commitment applies to this day */
	int below;       /* compared, and the report stage is below the commitment */
} sf_aid_day;

/*
 * A commitment of trucks per day at the report stage, and the days it was
 * made for: days outside [from_day, to_day] are not compared with it (a
 * 2025 commitment says nothing about 2023). SF_DAY_NONE = open.
 */
typedef struct sf_aid_commitment {
	double trucks_per_day;
	long from_day, to_day;
} sf_aid_commitment;

typedef struct sf_aid_crossing_total {
	char crossing[64];
	long trucks;   /* report stage */
	long days;     /* days with a figure */
	long last_day; /* the last of them */
} sf_aid_crossing_total;

typedef struct sf_aid_report {
	sf_aid_day *days; /* every day from the first to the last figure */
	size_t ndays;
	sf_aid_crossing_total *crossings;
	size_t ncrossings;
	double commitment;                   /* trucks per day */
	long commitment_from, commitment_to; /* the days it applies to; SF_DAY_NONE = open */
	sf_aid_stage stage;                  /* the stage measured against the commitment */
	char source[64];                     /* the source reported on */
	long days_with_data;
	long days_compared;              /* days with data the commitment applies to */
	long days_below;                 /* of those, below it */
	double compared_mean;            /* mean trucks per day over them; NAN when none */
	unsigned char stage_reported[4]; /* 1: some figure for that stage in the report */
	long total;                      /* trucks at the report stage */
	double mean;                     /* per day with data */
} sf_aid_report;

void sf_aid_report_release(sf_aid_report *r);
/*
 * The aid report over the rows matching f. Figures of different sources
 * count differently and are never added: when f->source is NULL and the
 * rows hold more than one source, SF_ERR_USAGE names them.
 */
sf_status sf_aid_build_report(sf_store *st, const sf_aid_filter *f,
                              const sf_aid_commitment *commitment, sf_aid_stage stage,
                              sf_aid_report *out, sf_error *err);

/*
 * Several sources side by side. A series is one (source, stage): the UN
 * 2720 mechanism's collected trucks, COGAT's entered trucks, ... Series
 * count differently (who counts, where, which trucks) and are never added
 * to one another: each keeps its own column, per day and crossing.
 */
#define SF_AID_MAX_SERIES 16

/* A reference level of trucks per day (the pre-war daily average): drawn
 * next to the series, never compared day by day. trucks_per_day NAN: none. */
typedef struct sf_aid_reference {
	double trucks_per_day;
	const char *what; /* what it is and its source, shown with it */
} sf_aid_reference;

typedef struct sf_aid_series {
	char source[64];
	sf_aid_stage stage;
	long trucks;          /* total over the days, all crossings */
	long days;            /* days with a figure */
	double mean;          /* trucks per day with a figure; NAN when none */
	int held;             /* 1: at the commitment's stage, so compared with it */
	long days_compared;   /* days with a figure the commitment applies to */
	long days_below;      /* of those, below it */
	double compared_mean; /* mean over the days compared; NAN when none */
} sf_aid_series;

/* One figure: trucks, or no figure at all (reported 0: no data, not 0). */
typedef struct sf_aid_cell {
	long trucks;
	unsigned char reported;
} sf_aid_cell;

typedef struct sf_aid_sources {
	sf_aid_series series[SF_AID_MAX_SERIES]; /* by source, then stage */
	size_t nseries;
	char (*crossings)[64]; /* the crossings with a figure, sorted; "all" not among them */
	size_t ncrossings;
	long first_day; /* every day from first_day, ndays of them */
	size_t ndays;
	/*
	 * cells[(d * (ncrossings + 1) + c) * nseries + s]: day d, series s;
	 * c < ncrossings is crossings[c], c == ncrossings is all crossings: the
	 * series' own figure for all crossings when it gave one that day, else
	 * the sum of its crossings' figures (no data when it has neither).
	 */
	sf_aid_cell *cells;
	sf_aid_commitment commitment; /* trucks per day at stage, and its days */
	sf_aid_stage stage;
	sf_aid_reference reference;
} sf_aid_sources;

/* The cell of day index d, crossing index c (ncrossings: all), series s. */
const sf_aid_cell *sf_aid_sources_cell(const sf_aid_sources *r, size_t d, size_t c, size_t s);
void sf_aid_sources_release(sf_aid_sources *r);
/*
 * Every (source, stage) matching f (f->stage -1: every stage) side by side,
 * per day from the first to the last figure and per crossing. The series
 * at `stage` are compared with the commitment on the days it applies to.
 * More than SF_AID_MAX_SERIES series is SF_ERR_USAGE (narrow with
 * --source or --stage). reference may be NULL.
 */
sf_status sf_aid_build_sources(sf_store *st, const sf_aid_filter *f,
                               const sf_aid_commitment *commitment, sf_aid_stage stage,
                               const sf_aid_reference *reference, sf_aid_sources *out,
                               sf_error *err);

/*
 * Escorts a task needs from aid volume: the mean trucks per day at `stage`
 * over the window_days days ending on as_of (SF_DAY_NONE = the last figure),
 * divided by trucks_per_escort. *trucks_per_day gets the mean.
 */
sf_status sf_aid_escort_requirement(sf_store *st, const char *source, long as_of, int window_days,
                                    double trucks_per_escort, double *trucks_per_day,
                                    double *escorts, sf_error *err);

/* ---------------------------------------------------------------- */
/* Feedback into the plan                                             */

/* How much one incident of an ACLED event type counts in the threat. */
typedef struct sf_threat_weight {
	const char *event_type; /* ACLED's event_type, exact */
	double weight;          /* >= 0; 0 = not counted */
} sf_threat_weight;

/*
 * The documented default weights (docs/register.md): 1 for ACLED's
 * political-violence types (Battles, Explosions/Remote violence, Violence
 * against civilians, Riots); Protests and Strategic developments are not
 * listed, so they count 0. *n gets the count.
 */
const sf_threat_weight *sf_threat_default_weights(size_t *n);

typedef struct sf_threat_options {
	long as_of;                     /* end of the window; SF_DAY_NONE = the latest incident */
	int window_days;                /* trailing window, default 28 */
	double min, max;                /* bounds of the multiplier, default 0.5 and 2.0 */
	double weight;                  /* exponent alpha, default 1 */
	const char *population_attr;    /* sector attribute holding people, default "population" */
	const sf_threat_weight *events; /* event types counted and their weights; types not
	                                   listed count 0. NULL = sf_threat_default_weights */
	size_t nevents;
} sf_threat_options;

void sf_threat_options_init(sf_threat_options *o);

typedef struct sf_threat {
	long incidents;    /* in the window, of the event types with a weight > 0 */
	double score;      /* the incidents weighted by event type */
	double population; /* 0 when the sector has none: no data */
	double rate;       /* score per 100,000 people in the window; NAN when no population */
	double multiplier; /* clamp((rate / all_rate)^weight, min, max); 1 when no data */
	int no_data;       /* 1: no population, or no counted incident anywhere */
} sf_threat;

/*
 * Per-sector threat multipliers from the register (docs/scenario-format.md,
 * "threat from the register"): out[i] for sc->sectors[i]; *all_rate gets
 * the all-sector rate.
 */
sf_status sf_register_threat(sf_store *st, const sf_scenario *sc, const sf_threat_options *o,
                             sf_threat *out, double *all_rate, sf_error *err);

/*
 * Take the scenario's inputs from the register (docs/scenario-format.md,
 * "Inputs from the registers"): the threat of every sector with `threat:
 * from_register` and the requirement of every task with `{from_aid}` are
 * computed from st and written into sc (sf_sector.threat, sf_task.req_value),
 * and sc->register_inputs lists each value with its window and counts.
 * `where` names the store in messages and in the plan (NULL: sc->reg.db).
 * Missing data is SF_ERR_INPUT naming what to import, unless the scenario
 * gives a default for that input; each condition whose indicator counts
 * incidents (after.register) gets that count as one more dated value.
 * Does nothing when sf_scenario_takes_register(sc) is 0.
 */
sf_status sf_scenario_apply_register(sf_scenario *sc, sf_store *st, const char *where,
                                     sf_error *err);
/*
 * The same, opening the store at db (NULL: sc->reg.db). A store that does
 * not exist is SF_ERR_INPUT (it is not created).
 */
sf_status sf_scenario_apply_register_db(sf_scenario *sc, const char *db, sf_error *err);
/*
 * 1 when sc takes an input from the register: sc->reg.used, or a
 * condition whose indicator counts incidents (after.register). Such a
 * condition alone does not need a store: with none (no --db, no
 * register.db) sf_scenario_apply_register_db() lists it as using the
 * scenario's stated values (sf_register_input.stated).
 */
int sf_scenario_takes_register(const sf_scenario *sc);

/* ---------------------------------------------------------------- */
/* Output: every register command's output, in every format it offers */
/* (src/lib/output/incidents.c and aid.c). The command and the server  */
/* call the same functions: the command's JSON is the API's JSON.      */
/* A format a writer does not offer is SF_ERR_USAGE naming the ones it */
/* does. docs/output.md describes every format.                        */

/* One incident: the CSV header (ACLED's 31 columns, then the register's own), a row. */
sf_status sf_incident_csv_header(sf_buf *out, sf_error *err);
sf_status sf_incident_write_csv(const sf_incident *inc, sf_buf *out, sf_error *err);
/* One incident as a compact JSON object (no trailing newline). */
sf_status sf_incident_write_json(const sf_incident *inc, sf_buf *out, sf_error *err);
/* One GeoJSON Feature with a Point geometry, compact. */
sf_status sf_incident_write_geojson(const sf_incident *inc, sf_buf *out, sf_error *err);

/*
 * `incidents list`: the incidents matching f, by date, in text (a table
 * and a count), csv, json (an array, one incident a line), geojson (a
 * FeatureCollection) or md. Streams through flush (format.h) for csv,
 * json and geojson; text and md need every row to align.
 */
sf_status sf_incidents_write_list(sf_store *st, const sf_incident_filter *f, sf_format fmt,
                                  sf_buf *out, sf_flush_fn flush, void *flush_ctx, sf_error *err);

/*
 * One incident (any status) as a JSON document, the members of a list's
 * element; *found 0 (nothing written) when there is none. *version (may
 * be NULL) gets its version, for If-Match.
 */
sf_status sf_incident_write_doc(sf_store *st, const char *event_id, sf_buf *out, int *found,
                                long *version, sf_error *err);
/*
 * What an import did, as JSON: {import: what ("incidents" or "aid"),
 * batch, read, inserted, updated, unchanged, rejected, sector (incidents:
 * rows per method), seconds, rejects: the rejected rows as CSV text}.
 */
sf_status sf_import_write_json(const char *what, const sf_import_summary *s, const char *rejects,
                               size_t rejects_len, sf_buf *out, sf_error *err);

/*
 * One page of the list for the API: at most f->limit rows (>= 1) of the
 * incidents matching f, after its keyset (after_day, after_id), in csv,
 * json or geojson as sf_incidents_write_list writes them. When more rows
 * follow, the next page's cursor ("DATE,EVENT_ID" of the last row, its
 * id percent-encoded for a URL's query) is appended to next; on the last
 * page next is left as it is.
 */
sf_status sf_incidents_write_page(sf_store *st, const sf_incident_filter *f, sf_format fmt,
                                  sf_buf *out, sf_buf *next, sf_error *err);
/* A cursor of a page (decoded) into f's after_day and after_id (pointing into cursor). */
sf_status sf_incident_cursor_parse(const char *cursor, sf_incident_filter *f, sf_error *err);

/* The tables of `incidents report` (bits). */
enum {
	SF_REPORT_PERIODS = 1, /* incidents and fatalities per period and key */
	SF_REPORT_TREND = 2,   /* this week against the mean of the 4 before */
	SF_REPORT_SPLIT = 4,   /* before and after o->split_day */
	SF_REPORT_ALL = 7      /* all three (split only when o->split_day is set) */
};

/*
 * `incidents report`: the tables asked for, in text, md, json (one
 * document with every table) or csv (exactly one table: SF_ERR_USAGE
 * otherwise). SF_REPORT_SPLIT alone without o->split_day is SF_ERR_USAGE.
 */
sf_status sf_incidents_write_report(sf_store *st, const sf_incident_filter *f,
                                    const sf_report_options *o, unsigned tables, sf_format fmt,
                                    sf_buf *out, sf_error *err);

/* `incidents dupes`: possible duplicate pairs, in text (with a count), csv, json or md. */
sf_status sf_incidents_write_dupes(sf_store *st, const sf_incident_filter *f,
                                   const sf_dupe_options *o, sf_format fmt, sf_buf *out,
                                   sf_error *err);

/* `incidents log`: the edit log (of event_id, or all when NULL), in text, csv, json or md. */
sf_status sf_incidents_write_log(sf_store *st, const char *event_id, sf_format fmt, sf_buf *out,
                                 sf_error *err);

/* `incidents alerts`: the alerts of the rules (NULL: defaults), in text, md or json. */
sf_status sf_incidents_write_alerts(sf_store *st, const sf_alert_rules *rules, sf_format fmt,
                                    sf_buf *out, sf_error *err);

/* `incidents threat`: per-sector multipliers for sc, in text, csv, json or md. */
sf_status sf_register_write_threat(sf_store *st, const sf_scenario *sc, const sf_threat_options *o,
                                   sf_format fmt, sf_buf *out, sf_error *err);

/*
 * `aid list`: the aid rows matching f, by date then crossing, in text,
 * csv (the columns `aid import` reads), json or md. Streams as
 * sf_incidents_write_list does.
 */
sf_status sf_aid_write_list(sf_store *st, const sf_aid_filter *f, sf_format fmt, sf_buf *out,
                            sf_flush_fn flush, void *flush_ctx, sf_error *err);

/*
 * `aid report`: the summary against the commitment and the crossings in
 * text and md (daily: the daily table too), json (everything) or csv (the
 * daily table).
 */
sf_status sf_aid_write_report(sf_store *st, const sf_aid_filter *f,
                              const sf_aid_commitment *commitment, sf_aid_stage stage, int daily,
                              sf_format fmt, sf_buf *out, sf_error *err);

/*
 * `aid report --side-by-side`: sf_aid_build_sources() in text and md (the
 * series, then per day and crossing with --daily), csv (per day and
 * crossing: date, crossing, one column per series, empty where a series
 * has no figure) or json (everything, null where no data).
 */
sf_status sf_aid_write_sources(sf_store *st, const sf_aid_filter *f,
                               const sf_aid_commitment *commitment, sf_aid_stage stage,
                               const sf_aid_reference *reference, int daily, sf_format fmt,
                               sf_buf *out, sf_error *err);

/* The days c was made for, in words: "every day", "from 2025-10-10", "to D",
 * "from D1 to D2" (buf, n >= 32); returns buf. */
const char *sf_aid_commitment_span(const sf_aid_commitment *c, char *buf, size_t n);

/* `aid escorts`: sf_aid_escort_requirement() in text (one line) or json. */
sf_status sf_aid_write_escorts(sf_store *st, const char *source, long as_of, int window_days,
                               double trucks_per_escort, sf_format fmt, sf_buf *out, sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
