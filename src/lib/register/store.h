/*
 * store.h - what a store backend implements (internal).
 *
 * sf_store is opaque to every caller: the public sf_store_* functions
 * (register.h) dispatch through this table, and a backend (store_sqlite.c,
 * store_pg.c) fills it in with designated initialisers.
 * Only store.c and the backends include this header.
 */
#ifndef STABFORCE_STORE_H
#define STABFORCE_STORE_H

#include "stabforce/register.h"
#include "stabforce/service.h"

/*
 * What a backend implements. Every operation returns SF_OK or an error
 * (SF_ERR_STORE for the backend's own failures) with err set. Writes
 * outside begin/commit are each their own transaction.
 */
typedef struct sf_store_ops {
	const char *name; /* "sqlite", "postgresql" */
	void (*close)(sf_store *st);

	sf_status (*begin)(sf_store *st, sf_error *err);
	sf_status (*commit)(sf_store *st, sf_error *err);
	void (*rollback)(sf_store *st);

	/* A new import batch; *batch gets its id. */
	sf_status (*batch_begin)(sf_store *st, const char *kind, const char *file, const char *who,
	                         long *batch, sf_error *err);
	/* Record the batch's counts as text (the summary line). */
	sf_status (*batch_end)(sf_store *st, long batch, const char *summary, sf_error *err);

	/* Insert, or replace when inc->timestamp is newer (keeping status). */
	sf_status (*incident_upsert)(sf_store *st, const sf_incident *inc, sf_upsert_result *res,
	                             sf_error *err);
	/*
	 * Bulk upsert (register.h, sf_store_bulk_begin). Optional: a backend
	 * that leaves these NULL gets incident_upsert called per row by store.c.
	 */
	sf_status (*bulk_begin)(sf_store *st, sf_error *err);
	sf_status (*bulk_add)(sf_store *st, const sf_incident *inc, long line, sf_error *err);
	sf_status (*bulk_end)(sf_store *st, sf_upsert_counts *counts, sf_error *err);
	/* Remove one; *found 0 when there was none. Logged. */
	sf_status (*incident_delete)(sf_store *st, const char *event_id, const char *who,
	                             int *found, sf_error *err);
	sf_status (*incident_query)(sf_store *st, const sf_incident_filter *f,
	                            sf_incident_order order, sf_incident_cb cb, void *ctx,
	                            sf_error *err);
	/* Counts and fatalities per day and key, filtered, ordered by day then key. */
	sf_status (*incident_aggregate)(sf_store *st, const sf_incident_filter *f, sf_dim dim,
	                                sf_agg_cb cb, void *ctx, sf_error *err);
	/*
	 * Change the review status when the stored version is if_version (0:
	 * any), else SF_ERR_CONFLICT; logged with note and who; *version the
	 * new version. *found as above.
	 */
	sf_status (*incident_set_status)(sf_store *st, const char *event_id,
	                                 sf_incident_status status, const char *note,
	                                 const char *who, long if_version, long *version,
	                                 int *found, sf_error *err);
	/* Record a duplicates decision for the pair (a, b): "duplicate" or "distinct". */
	sf_status (*dupe_decide)(sf_store *st, const char *a, const char *b, const char *decision,
	                         const char *note, const char *who, sf_error *err);
	/* The decision recorded for a pair (in either order) into buf, "" when none. */
	sf_status (*dupe_decision)(sf_store *st, const char *a, const char *b, char *buf, size_t n,
	                           sf_error *err);
	/* The edit log, oldest first; event_id NULL = all. */
	sf_status (*edits)(sf_store *st, const char *event_id, sf_edit_cb cb, void *ctx,
	                   sf_error *err);
	/* Number of incidents (all statuses). */
	sf_status (*incident_count)(sf_store *st, long *n, sf_error *err);
	/* NULL: the backend keeps no page cache in the process (PostgreSQL). */
	sf_status (*cache_limit)(sf_store *st, size_t kib, sf_error *err);
	/* The first and last day of any incident (all statuses); SF_DAY_NONE
	 * both when there is none. Read from the day index, not a scan. */
	sf_status (*incident_days)(sf_store *st, long *first, long *last, sf_error *err);

	/* Insert or replace the row with the same (day, crossing, category, stage, source). */
	sf_status (*aid_upsert)(sf_store *st, const sf_aid_row *row, sf_upsert_result *res,
	                        sf_error *err);
	/* Rows ordered by day, crossing. */
	sf_status (*aid_query)(sf_store *st, const sf_aid_filter *f, sf_aid_cb cb, void *ctx,
	                       sf_error *err);

	/* Jobs, tokens and the data version: the contracts are in service.h. */
	sf_status (*job_submit)(sf_store *st, const sf_job *job, long max_queued, long long *id,
	                        int *reused, sf_error *err);
	sf_status (*job_get)(sf_store *st, long long id, sf_job_cb cb, void *ctx, int *found,
	                     sf_error *err);
	sf_status (*job_list)(sf_store *st, int status, long limit, sf_job_cb cb, void *ctx,
	                      sf_error *err);
	sf_status (*job_claim)(sf_store *st, const char *worker, long lease_s, long long *id,
	                       sf_error *err);
	sf_status (*job_heartbeat)(sf_store *st, long long id, const char *worker, double progress,
	                           const char *message, long lease_s, int *cancelled,
	                           sf_error *err);
	sf_status (*job_finish)(sf_store *st, long long id, const char *worker,
	                        sf_job_status status, const char *message, const char *result,
	                        int *applied, sf_error *err);
	sf_status (*job_cancel)(sf_store *st, long long id, const char *who, int *before,
	                        sf_error *err);
	sf_status (*job_expire)(sf_store *st, long long now, const char *reason, long *n,
	                        sf_error *err);
	sf_status (*job_abandon)(sf_store *st, long long id, const char *worker, const char *reason,
	                         int *applied, sf_error *err);
	sf_status (*job_counts)(sf_store *st, long counts[5], sf_error *err);
	sf_status (*job_wait)(sf_store *st, long max_ms, sf_error *err);
	sf_status (*token_add)(sf_store *st, const char *name, sf_role role, const char *hash,
	                       sf_error *err);
	sf_status (*token_list)(sf_store *st, sf_token_cb cb, void *ctx, sf_error *err);
	sf_status (*token_revoke)(sf_store *st, const char *name, int *found, sf_error *err);
	sf_status (*data_version)(sf_store *st, long long *version, sf_error *err);
} sf_store_ops;

/*
 * Tests only: a PostgreSQL store's import chunk size in bytes (at least
 * 1 KB; the default is the adapter's CHUNK_BYTES), so that a small file
 * is many chunks. No effect on another backend. (A setter, not an
 * environment variable: the library reads no environment.)
 */
void sf__store_pg_set_chunk_bytes(sf_store *st, size_t bytes);
/* Tests only: how many roll-up sums an import keeps before sending them (RS_MAX). */
void sf__store_pg_set_sums_max(sf_store *st, size_t sums);

struct sf_store {
	const sf_store_ops *ops;
	void *impl;            /* the backend's state */
	sf_upsert_counts bulk; /* store.c's row-by-row bulk path: the counts so far */
	int bulk_open;         /* between sf_store_bulk_begin and _end */
};

#endif
