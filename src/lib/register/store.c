/*
 * store.c - the backend-neutral side of sf_store: opening a store by its
 * location (a path, `sqlite:PATH`, or a PostgreSQL URI) and closing it,
 * and the row-by-row bulk path of a backend without its own.
 *
 * A backend fills in sf_store_ops and is reached only through this file's
 * choice of backend; callers never name a backend.
 */
#include "base/internal.h"

#include <stdlib.h>
#include <string.h>

#include "register/store.h"

sf_status sf_store_open_mode(const char *location, sf_store_mode mode, sf_store **out,
                             sf_error *err)
{
	*out = NULL;
	if (strncmp(location, "postgresql://", 13) == 0 ||
	    strncmp(location, "postgres://", 11) == 0)
		return sf_store_open_pg(location, mode, out, err);
	if (strncmp(location, "sqlite:", 7) == 0)
		location += 7;
	return sf_store_open_sqlite(location, mode, out, err);
}

sf_status sf_store_open(const char *location, sf_store **out, sf_error *err)
{
	return sf_store_open_mode(location, SF_STORE_WRITE, out, err);
}

sf_status sf_store_open_read(const char *location, sf_store **out, sf_error *err)
{
	return sf_store_open_mode(location, SF_STORE_READ, out, err);
}

void sf_store_close(sf_store *st)
{
	if (!st)
		return;
	st->ops->close(st);
	free(st);
}

const char *sf_store_backend(const sf_store *st)
{
	return st->ops->name;
}

sf_status sf_store_begin(sf_store *st, sf_error *err)
{
	return st->ops->begin(st, err);
}

sf_status sf_store_commit(sf_store *st, sf_error *err)
{
	return st->ops->commit(st, err);
}

void sf_store_rollback(sf_store *st)
{
	st->bulk_open = 0;
	st->ops->rollback(st);
}

sf_status sf_store_batch_begin(sf_store *st, const char *kind, const char *file, const char *who,
                               long *batch, sf_error *err)
{
	return st->ops->batch_begin(st, kind, file, who, batch, err);
}

sf_status sf_store_batch_end(sf_store *st, long batch, const char *summary, sf_error *err)
{
	return st->ops->batch_end(st, batch, summary, err);
}

sf_status sf_store_incident_upsert(sf_store *st, const sf_incident *inc, sf_upsert_result *res,
                                   sf_error *err)
{
	return st->ops->incident_upsert(st, inc, res, err);
}

sf_status sf_store_incident_delete(sf_store *st, const char *event_id, const char *who, int *found,
                                   sf_error *err)
{
	return st->ops->incident_delete(st, event_id, who, found, err);
}

sf_status sf_store_incident_query(sf_store *st, const sf_incident_filter *f,
                                  sf_incident_order order, sf_incident_cb cb, void *ctx,
                                  sf_error *err)
{
	return st->ops->incident_query(st, f, order, cb, ctx, err);
}

sf_status sf_store_incident_aggregate(sf_store *st, const sf_incident_filter *f, sf_dim dim,
                                      sf_agg_cb cb, void *ctx, sf_error *err)
{
	return st->ops->incident_aggregate(st, f, dim, cb, ctx, err);
}

sf_status sf_store_incident_set_status(sf_store *st, const char *event_id,
                                       sf_incident_status status, const char *note, const char *who,
                                       int *found, sf_error *err)
{
	long version;
	return st->ops->incident_set_status(st, event_id, status, note, who, 0, &version, found,
	                                    err);
}

sf_status sf_store_incident_review(sf_store *st, const char *event_id, sf_incident_status status,
                                   const char *note, const char *who, long if_version,
                                   long *version, int *found, sf_error *err)
{
	long v = 0;
	if (if_version < 0)
		return sf_error_set(err, SF_ERR_USAGE, "version %ld: expected a positive number",
		                    if_version);
	sf_status rc = st->ops->incident_set_status(st, event_id, status, note, who, if_version, &v,
	                                            found, err);
	if (version)
		*version = v;
	return rc;
}

/*
 * The bulk path: the backend's own when it has one, else row by row
 * through incident_upsert, counting what each row did.
 */
sf_status sf_store_bulk_begin(sf_store *st, sf_error *err)
{
	if (st->bulk_open)
		return sf_error_set(err, SF_ERR_USAGE, "store: a bulk upsert is already open");
	memset(&st->bulk, 0, sizeof st->bulk);
	sf_status rc = st->ops->bulk_begin ? st->ops->bulk_begin(st, err) : SF_OK;
	if (rc == SF_OK)
		st->bulk_open = 1;
	return rc;
}

sf_status sf_store_bulk_add(sf_store *st, const sf_incident *inc, long line, sf_error *err)
{
	sf_upsert_result res;
	if (!st->bulk_open)
		return sf_error_set(err, SF_ERR_USAGE, "store: no bulk upsert open");
	if (st->ops->bulk_add)
		return st->ops->bulk_add(st, inc, line, err);
	sf_status rc = st->ops->incident_upsert(st, inc, &res, err);
	if (rc != SF_OK)
		return rc;
	if (res == SF_UPSERT_INSERTED)
		st->bulk.inserted++;
	else if (res == SF_UPSERT_UPDATED)
		st->bulk.updated++;
	else
		st->bulk.unchanged++;
	return SF_OK;
}

sf_status sf_store_bulk_end(sf_store *st, sf_upsert_counts *counts, sf_error *err)
{
	if (!st->bulk_open)
		return sf_error_set(err, SF_ERR_USAGE, "store: no bulk upsert open");
	st->bulk_open = 0;
	if (st->ops->bulk_end)
		return st->ops->bulk_end(st, counts, err);
	*counts = st->bulk;
	return SF_OK;
}

sf_status sf_store_dupe_decide(sf_store *st, const char *a, const char *b, const char *decision,
                               const char *note, const char *who, sf_error *err)
{
	return st->ops->dupe_decide(st, a, b, decision, note, who, err);
}

sf_status sf_store_dupe_decision(sf_store *st, const char *a, const char *b, char *buf, size_t n,
                                 sf_error *err)
{
	return st->ops->dupe_decision(st, a, b, buf, n, err);
}

sf_status sf_store_edits(sf_store *st, const char *event_id, sf_edit_cb cb, void *ctx,
                         sf_error *err)
{
	return st->ops->edits(st, event_id, cb, ctx, err);
}

sf_status sf_store_incident_count(sf_store *st, long *n, sf_error *err)
{
	return st->ops->incident_count(st, n, err);
}

sf_status sf_store_cache_limit(sf_store *st, size_t kib, sf_error *err)
{
	return st->ops->cache_limit ? st->ops->cache_limit(st, kib, err) : SF_OK;
}

sf_status sf_store_incident_days(sf_store *st, long *first, long *last, sf_error *err)
{
	return st->ops->incident_days(st, first, last, err);
}

sf_status sf_store_aid_upsert(sf_store *st, const sf_aid_row *row, sf_upsert_result *res,
                              sf_error *err)
{
	return st->ops->aid_upsert(st, row, res, err);
}

sf_status sf_store_aid_query(sf_store *st, const sf_aid_filter *f, sf_aid_cb cb, void *ctx,
                             sf_error *err)
{
	return st->ops->aid_query(st, f, cb, ctx, err);
}

sf_status sf_store_job_submit(sf_store *st, const sf_job *job, long max_queued, long long *id,
                              int *reused, sf_error *err)
{
	return st->ops->job_submit(st, job, max_queued, id, reused, err);
}

sf_status sf_store_job_get(sf_store *st, long long id, sf_job_cb cb, void *ctx, int *found,
                           sf_error *err)
{
	return st->ops->job_get(st, id, cb, ctx, found, err);
}

sf_status sf_store_job_list(sf_store *st, int status, long limit, sf_job_cb cb, void *ctx,
                            sf_error *err)
{
	return st->ops->job_list(st, status, limit, cb, ctx, err);
}

sf_status sf_store_job_claim(sf_store *st, const char *worker, long lease_s, long long *id,
                             sf_error *err)
{
	return st->ops->job_claim(st, worker, lease_s, id, err);
}

sf_status sf_store_job_heartbeat(sf_store *st, long long id, const char *worker, double progress,
                                 const char *message, long lease_s, int *cancelled, sf_error *err)
{
	return st->ops->job_heartbeat(st, id, worker, progress, message, lease_s, cancelled, err);
}

sf_status sf_store_job_finish(sf_store *st, long long id, const char *worker, sf_job_status status,
                              const char *message, const char *result, int *applied, sf_error *err)
{
	return st->ops->job_finish(st, id, worker, status, message, result, applied, err);
}

sf_status sf_store_job_cancel(sf_store *st, long long id, const char *who, int *before,
                              sf_error *err)
{
	return st->ops->job_cancel(st, id, who, before, err);
}

sf_status sf_store_job_expire(sf_store *st, long long now, const char *reason, long *n,
                              sf_error *err)
{
	return st->ops->job_expire(st, now, reason, n, err);
}

sf_status sf_store_job_abandon(sf_store *st, long long id, const char *worker, const char *reason,
                               int *applied, sf_error *err)
{
	return st->ops->job_abandon(st, id, worker, reason, applied, err);
}

sf_status sf_store_job_counts(sf_store *st, long counts[5], sf_error *err)
{
	return st->ops->job_counts(st, counts, err);
}

sf_status sf_store_job_wait(sf_store *st, long max_ms, sf_error *err)
{
	return st->ops->job_wait(st, max_ms < 0 ? 0 : max_ms, err);
}

sf_status sf_store_token_add(sf_store *st, const char *name, sf_role role, const char *hash,
                             sf_error *err)
{
	return st->ops->token_add(st, name, role, hash, err);
}

sf_status sf_store_token_list(sf_store *st, sf_token_cb cb, void *ctx, sf_error *err)
{
	return st->ops->token_list(st, cb, ctx, err);
}

sf_status sf_store_token_revoke(sf_store *st, const char *name, int *found, sf_error *err)
{
	return st->ops->token_revoke(st, name, found, err);
}

sf_status sf_store_data_version(sf_store *st, long long *version, sf_error *err)
{
	return st->ops->data_version(st, version, err);
}
