/*
 * handlers.c - one thin function per endpoint of docs/api.md.
 *
 * Each reads its parameters, calls the library, and puts what a library
 * writer wrote (JSON, CSV, GeoJSON, the Prometheus text) in the response:
 * no document is built here; errors go through sv_fail
 * (a status and a code chosen here) or sv_fail_err (the library's status
 * through the one status-to-HTTP table).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server_int.h"

extern const char sv_openapi_doc[];
extern const unsigned long sv_openapi_doc_len;

/* ---------------------------------------------------------------- */
/* Helpers                                                            */

/* A job id from the path, or 0 after answering 404. */
static long long path_id(sv_ctx *cx)
{
	long v;
	if (sf_parse_long(cx->param[0], &v) != 0 || v <= 0) {
		sv_fail(cx, 404, "not_found", "no job '%.60s': job ids are positive integers",
		        cx->param[0]);
		return 0;
	}
	return v;
}

/* A library writer's status: nothing more to do, or the error answered. */
static void written(sv_ctx *cx, sf_status rc, const sf_error *err)
{
	if (rc != SF_OK)
		sv_fail_err(cx, err);
}

/* A scenario that cannot be found is 404; one that does not load says why. */
static void scenario_failed(sv_ctx *cx, const sf_error *err)
{
	if (err->code == SF_ERR_IO || err->code == SF_ERR_USAGE)
		sv_fail(cx, 404, "not_found", "%s", err->message);
	else
		sv_fail_err(cx, err);
}

/* ---------------------------------------------------------------- */
/* Health, metrics, the OpenAPI document                              */

void sv_h_health(sv_ctx *cx)
{
	sf_error err;
	sf_error_clear(&err);
	written(cx,
	        sf_health_write_json(sf_store_backend(cx->st), sv_uptime(cx->app), &cx->rs->body,
	                             &err),
	        &err);
}

void sv_h_metrics(sv_ctx *cx)
{
	sf_error err;
	sf_error_clear(&err);
	cx->rs->type = "text/plain; version=0.0.4; charset=utf-8";
	written(cx, sv_metrics_write(cx->app, cx->st, &cx->rs->body, &err), &err);
}

void sv_h_openapi(sv_ctx *cx)
{
	cx->rs->data = sv_openapi_doc;
	cx->rs->data_len = sv_openapi_doc_len;
}

/* ---------------------------------------------------------------- */
/* Scenarios                                                          */

/* Load scenario `name` of the scenarios directory; geometry 0 skips its GeoJSON. */
static sf_status load_named(sv_ctx *cx, const char *name, int geometry, sf_scenario **sc,
                            sf_error *err)
{
	return sf_scenario_dir_load(sv_scenarios_dir(cx->app), name, geometry, sc, err);
}

void sv_h_scenarios(sv_ctx *cx)
{
	sf_error err;
	sf_error_clear(&err);
	written(cx, sf_scenarios_write_list(sv_scenarios_dir(cx->app), &cx->rs->body, &err), &err);
}

void sv_h_scenario(sv_ctx *cx)
{
	sf_scenario *sc = NULL;
	sf_error err;
	sf_error_clear(&err);
	if (load_named(cx, cx->param[0], 0, &sc, &err) != SF_OK) {
		scenario_failed(cx, &err);
		return;
	}
	written(cx, sf_scenario_write_json(sc, cx->param[0], 1, &cx->rs->body, &err), &err);
	sf_scenario_free(sc);
}

void sv_h_scenario_sectors(sv_ctx *cx)
{
	sf_scenario *sc = NULL;
	sf_error err;
	sf_error_clear(&err);
	if (load_named(cx, cx->param[0], 1, &sc, &err) != SF_OK) {
		scenario_failed(cx, &err);
		return;
	}
	if (sf_scenario_write_sectors(sc, cx->param[0], &cx->rs->body, &err) != SF_OK) {
		scenario_failed(cx, &err);
	} else {
		cx->rs->type = "application/geo+json";
	}
	sf_scenario_free(sc);
}

void sv_h_scenario_validate(sv_ctx *cx)
{
	sf_scenario *sc = NULL;
	sf_diags d;
	sf_error err;
	char name[PATH_MAX];
	const char *as = sv_req_arg(cx->rq, "name");
	struct stat sb;
	/*
	 * Relative paths in the upload (its GeoJSON) resolve in the scenarios
	 * directory, or in folder NAME of it when ?name=NAME is one (the upload
	 * then stands for NAME/scenario.yaml).
	 */
	if (as && !as[0])
		as = NULL;
	if (as && (strchr(as, '/') || strstr(as, "..")))
		as = NULL;
	sf_snprintf(name, sizeof name, "%s/%s", sv_scenarios_dir(cx->app), as ? as : "upload.yaml");
	if (as && stat(name, &sb) == 0 && S_ISDIR(sb.st_mode))
		sf_snprintf(name, sizeof name, "%s/%s/scenario.yaml", sv_scenarios_dir(cx->app),
		            as);
	sf_diags_init(&d);
	sf_error_clear(&err);
	sf_scenario_load_mem(cx->rq->body, cx->rq->body_len, name, NULL, &sc, &d);
	/* Messages name the upload, not a path on the server. */
	for (size_t i = 0; i < d.count; i++)
		if (strcmp(d.items[i].file, name) == 0)
			sf_strlcpy(d.items[i].file, as ? as : "upload.yaml",
			           sizeof d.items[i].file);
	if (sf_validation_write(as ? as : "upload.yaml", sc, &d, SF_FORMAT_JSON, &cx->rs->body,
	                        NULL, &err) != SF_OK)
		sv_fail_err(cx, &err);
	else if (!sc)
		cx->rs->status = 422;
	sf_scenario_free(sc);
	sf_diags_release(&d);
}

/* ---------------------------------------------------------------- */
/* Jobs                                                               */

static int write_job(void *ctx, const sf_job *j)
{
	sv_ctx *cx = ctx;
	sf_error err;
	sf_error_clear(&err);
	if (sf_job_write_json(j, 1, &cx->rs->body, &err) != SF_OK)
		sv_fail_err(cx, &err);
	/* A finished job never changes again. */
	if (j->status == SF_JOB_DONE || j->status == SF_JOB_FAILED || j->status == SF_JOB_CANCELLED)
		cx->cacheable = 2;
	else
		sv_resp_header(cx->rs, "Retry-After", "1");
	return 0;
}

static void submit(sv_ctx *cx, const char *kind)
{
	sf_job_request r;
	sf_error err;
	sf_job j;
	long long id = 0;
	int reused = 0;

	sf_error_clear(&err);
	if (sf_job_request_parse(sv_scenarios_dir(cx->app), kind, cx->rq->body, cx->rq->body_len,
	                         sv_options(cx->app)->job_time_limit, &r, &err) != SF_OK) {
		if (err.code == SF_ERR_IO)
			sv_fail(cx, 404, "not_found", "%s", err.message);
		else if (err.code == SF_ERR_USAGE && !strncmp(err.message, "no analysis", 11))
			sv_fail(cx, 404, "not_found", "%s", err.message);
		else
			sv_fail_err(cx, &err);
		return;
	}
	memset(&j, 0, sizeof j);
	j.kind = r.kind;
	j.scenario = r.scenario;
	j.request = sf_buf_str(&r.normalized);
	j.key = r.key;
	j.who = cx->who;
	if (sf_store_job_submit(cx->st, &j, sv_options(cx->app)->queue, &id, &reused, &err) !=
	    SF_OK) {
		sv_fail_err(cx, &err);
		goto out;
	}
	if (id == 0) {
		sv_fail(cx, 503, "queue_full",
		        "%ld jobs are queued already: try again later, or cancel one",
		        sv_options(cx->app)->queue);
		sv_resp_header(cx->rs, "Retry-After", "10");
		goto out;
	}
	if (!reused)
		sv_metrics_job(cx->app);
	int found = 0;
	sf_store_job_get(cx->st, id, write_job, cx, &found, &err);
	cx->cacheable = 0;
	cx->rs->status = 202;
	sv_resp_header(cx->rs, "Location", "/api/v1/jobs/%lld", id);
out:
	sf_job_request_release(&r);
}

/* POST /api/v1/plans and /api/v1/analyses/{kind}. */
void sv_h_job_submit(sv_ctx *cx)
{
	submit(cx, cx->param[0] ? cx->param[0] : "plan");
}

/* POST /api/v1/offers: what a nation should offer (the offers analysis). */
void sv_h_offers_submit(sv_ctx *cx)
{
	submit(cx, "offers");
}

void sv_h_jobs(sv_ctx *cx)
{
	const char *st = sv_req_arg(cx->rq, "status"), *lim = sv_req_arg(cx->rq, "limit");
	long limit = 100;
	int status = -1;
	sf_error err;
	if (st && (status = sf_job_status_parse(st)) < 0) {
		sv_fail(cx, 400, "bad_request",
		        "status '%.40s' is not one of queued, running, done, failed, cancelled",
		        st);
		return;
	}
	if (lim && (sf_parse_long(lim, &limit) != 0 || limit < 1 || limit > 1000)) {
		sv_fail(cx, 400, "bad_request", "limit '%.40s' is not a number 1..1000", lim);
		return;
	}
	sf_error_clear(&err);
	written(cx, sf_jobs_write_list(cx->st, status, limit, &cx->rs->body, &err), &err);
}

void sv_h_job(sv_ctx *cx)
{
	long long id = path_id(cx);
	sf_error err;
	int found = 0;
	if (!id)
		return;
	sf_error_clear(&err);
	if (sf_store_job_get(cx->st, id, write_job, cx, &found, &err) != SF_OK)
		sv_fail_err(cx, &err);
	else if (!found)
		sv_fail(cx, 404, "not_found", "no job %lld", id);
}

typedef struct result_ctx {
	sv_ctx *cx;
	int status;
} result_ctx;

static int write_result(void *ctx, const sf_job *j)
{
	result_ctx *r = ctx;
	r->status = j->status;
	if (j->status == SF_JOB_DONE) {
		sf_buf_adds(&r->cx->rs->body, j->result);
		r->cx->cacheable = 2;
	}
	return 0;
}

void sv_h_job_result(sv_ctx *cx)
{
	long long id = path_id(cx);
	result_ctx r = {cx, -1};
	sf_error err;
	int found = 0;
	if (!id)
		return;
	sf_error_clear(&err);
	if (sf_store_job_get(cx->st, id, write_result, &r, &found, &err) != SF_OK)
		sv_fail_err(cx, &err);
	else if (!found)
		sv_fail(cx, 404, "not_found", "no job %lld", id);
	else if (r.status != SF_JOB_DONE) {
		sv_fail(cx, 409, "not_done", "job %lld is %s: GET /api/v1/jobs/%lld for its status",
		        id, sf_job_status_str((sf_job_status)r.status), id);
		if (r.status == SF_JOB_QUEUED || r.status == SF_JOB_RUNNING)
			sv_resp_header(cx->rs, "Retry-After", "1");
	}
}

void sv_h_job_cancel(sv_ctx *cx)
{
	long long id = path_id(cx);
	sf_error err;
	int before = -1, found = 0;
	if (!id)
		return;
	sf_error_clear(&err);
	if (sf_store_job_cancel(cx->st, id, cx->who, &before, &err) != SF_OK) {
		sv_fail_err(cx, &err);
		return;
	}
	if (before < 0) {
		sv_fail(cx, 404, "not_found", "no job %lld", id);
		return;
	}
	if (before != SF_JOB_QUEUED && before != SF_JOB_RUNNING) {
		sv_fail(cx, 409, "finished", "job %lld is %s already: nothing to cancel", id,
		        sf_job_status_str((sf_job_status)before));
		return;
	}
	sf_store_job_get(cx->st, id, write_job, cx, &found, &err);
	cx->cacheable = 0;
}
