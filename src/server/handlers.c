/*
 * handlers.c - one thin function per endpoint of docs/api.md.
 *
 * Each reads its parameters, calls the library, and writes the library's
 * JSON (or CSV, GeoJSON) into the response; errors go through sv_fail
 * (a status and a code chosen here) or sv_fail_err (the library's status
 * through the one status-to-HTTP table).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server_int.h"

extern const char sv_openapi_json[];
extern const unsigned long sv_openapi_json_len;

/* ---------------------------------------------------------------- */
/* Helpers                                                            */

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

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

static void finish_json(sv_ctx *cx, sf_jw *w)
{
	sf_error err;
	sf_error_clear(&err);
	if (sf_jw_finish(w, &err) != SF_OK)
		sv_fail_err(cx, &err);
	else
		sf_buf_addc(&cx->rs->body, '\n');
}

/* ---------------------------------------------------------------- */
/* Health, metrics, the OpenAPI document                              */

void sv_h_health(sv_ctx *cx)
{
	sf_jw w;
	sf_jw_init(&w, &cx->rs->body);
	sf_jw_object(&w);
	sf_jw_kstr(&w, "status", "ok");
	sf_jw_kstr(&w, "version", STABFORCE_VERSION);
	sf_jw_kstr(&w, "store", sf_store_backend(cx->st));
	sf_jw_knum(&w, "uptime_s", (double)(long long)sv_uptime(cx->app));
	sf_jw_object_end(&w);
	finish_json(cx, &w);
}

void sv_h_metrics(sv_ctx *cx)
{
	cx->rs->type = "text/plain; version=0.0.4; charset=utf-8";
	sv_metrics_write(cx->app, cx->st, &cx->rs->body);
}

void sv_h_openapi(sv_ctx *cx)
{
	cx->rs->data = sv_openapi_json;
	cx->rs->data_len = sv_openapi_json_len;
}

/* ---------------------------------------------------------------- */
/* Scenarios                                                          */

typedef struct name_list {
	char **v;
	size_t n, cap;
} name_list;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir: folders holding scenario.yaml, and NAME.yaml files. */
static int list_names(const char *dir, name_list *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char name[256], path[PATH_MAX];
		struct stat sb;
		size_t len = strlen(e->d_name);
		int ok = 1;
		for (size_t i = 0; i < len; i++)
			ok &= is_name_char(e->d_name[i]);
		if (!ok || e->d_name[0] == '.' || len >= sizeof name)
			continue;
		sf_strlcpy(name, e->d_name, sizeof name);
		if (len > 5 && strcmp(name + len - 5, ".yaml") == 0) {
			name[len - 5] = '\0';
			sf_snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		} else {
			sf_snprintf(path, sizeof path, "%s/%s/scenario.yaml", dir, e->d_name);
		}
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 16;
			char **v = realloc(l->v, cap * sizeof *v);
			if (!v)
				break;
			l->v = v;
			l->cap = cap;
		}
		if (!(l->v[l->n] = strdup(name)))
			break;
		l->n++;
	}
	closedir(d);
	qsort(l->v, l->n, sizeof *l->v, cmp_str);
	return 0;
}

/* Load scenario `name`; geometry 0 skips reading its GeoJSON (listing, summaries). */
static sf_status load_named(sv_ctx *cx, const char *name, int geometry, sf_scenario **sc,
                            sf_error *err)
{
	char path[PATH_MAX];
	sf_diags d;
	sf_load_options lo = {!geometry};
	sf_status rc = sv_scenario_path(sv_scenarios_dir(cx->app), name, path, sizeof path, err);
	if (rc != SF_OK)
		return rc;
	sf_diags_init(&d);
	rc = sf_scenario_load(path, &lo, sc, &d);
	if (rc != SF_OK) {
		if (d.count)
			sf_error_set_at(err, rc, name, d.items[0].line, d.items[0].column,
			                d.items[0].path, "%s", d.items[0].message);
		else
			sf_error_set(err, rc, "scenario '%s' cannot be read", name);
	}
	sf_diags_release(&d);
	return rc;
}

void sv_h_scenarios(sv_ctx *cx)
{
	name_list l = {0};
	sf_jw w;
	if (list_names(sv_scenarios_dir(cx->app), &l) != 0) {
		sv_fail(cx, 500, "io_error", "cannot list the scenarios directory: %s",
		        strerror(errno));
		return;
	}
	sf_jw_init(&w, &cx->rs->body);
	sf_jw_object(&w);
	sf_jw_key(&w, "scenarios");
	sf_jw_array(&w);
	for (size_t i = 0; i < l.n; i++) {
		sf_scenario *sc = NULL;
		sf_error err;
		sf_error_clear(&err);
		if (load_named(cx, l.v[i], 0, &sc, &err) == SF_OK) {
			sf_scenario_write_summary(&w, sc, l.v[i], 0);
		} else {
			sf_jw_object(&w);
			sf_jw_kstr(&w, "name", l.v[i]);
			sf_jw_kbool(&w, "valid", 0);
			sf_jw_kstr(&w, "error", err.message);
			sf_jw_object_end(&w);
		}
		sf_scenario_free(sc);
		free(l.v[i]);
	}
	free(l.v);
	sf_jw_array_end(&w);
	sf_jw_object_end(&w);
	finish_json(cx, &w);
}

void sv_h_scenario(sv_ctx *cx)
{
	sf_scenario *sc = NULL;
	sf_error err;
	sf_jw w;
	sf_error_clear(&err);
	if (load_named(cx, cx->param[0], 0, &sc, &err) != SF_OK) {
		if (err.code == SF_ERR_IO || err.code == SF_ERR_USAGE)
			sv_fail(cx, 404, "not_found", "%s", err.message);
		else
			sv_fail_err(cx, &err);
		return;
	}
	sf_jw_init(&w, &cx->rs->body);
	sf_scenario_write_summary(&w, sc, cx->param[0], 1);
	sf_scenario_free(sc);
	finish_json(cx, &w);
}

void sv_h_scenario_sectors(sv_ctx *cx)
{
	sf_scenario *sc = NULL;
	sf_error err;
	char buf[65536];
	size_t n;
	sf_error_clear(&err);
	if (load_named(cx, cx->param[0], 1, &sc, &err) != SF_OK) {
		if (err.code == SF_ERR_IO || err.code == SF_ERR_USAGE)
			sv_fail(cx, 404, "not_found", "%s", err.message);
		else
			sv_fail_err(cx, &err);
		return;
	}
	FILE *f = sc->geojson_path ? fopen(sc->geojson_path, "rb") : NULL;
	if (!f) {
		sv_fail(cx, 404, "not_found", "scenario '%s' has no sector map", cx->param[0]);
		sf_scenario_free(sc);
		return;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sf_buf_add(&cx->rs->body, buf, n);
	fclose(f);
	sf_scenario_free(sc);
	cx->rs->type = "application/geo+json";
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
	if (sf_validation_write_json(as ? as : "upload.yaml", sc, &d, &cx->rs->body, &err) != SF_OK)
		sv_fail_err(cx, &err);
	else if (!sc)
		cx->rs->status = 422;
	sf_buf_addc(&cx->rs->body, '\n');
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
	else
		sf_buf_addc(&cx->rs->body, '\n');
	/* A finished job never changes again. */
	if (j->status == SF_JOB_DONE || j->status == SF_JOB_FAILED || j->status == SF_JOB_CANCELLED)
		cx->cacheable = 2;
	else
		sv_resp_header(cx->rs, "Retry-After", "1");
	return 0;
}

void sv_h_job_submit(sv_ctx *cx)
{
	sv_job_request r;
	sf_error err;
	sf_job j;
	long long id = 0;
	int reused = 0;
	const char *kind = cx->param[0] ? cx->param[0] : "plan";

	sf_error_clear(&err);
	if (sv_job_request_parse(sv_scenarios_dir(cx->app), kind, cx->rq->body, cx->rq->body_len,
	                         &r, &err) != SF_OK) {
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
	sv_job_request_release(&r);
}

typedef struct list_ctx {
	sf_jw *w;
} list_ctx;

static int list_job(void *ctx, const sf_job *j)
{
	list_ctx *l = ctx;
	sf_job_write_item(l->w, j);
	return 0;
}

void sv_h_jobs(sv_ctx *cx)
{
	const char *st = sv_req_arg(cx->rq, "status"), *lim = sv_req_arg(cx->rq, "limit");
	long limit = 100;
	int status = -1;
	sf_error err;
	sf_jw w;
	list_ctx l = {&w};
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
	sf_jw_init(&w, &cx->rs->body);
	sf_jw_object(&w);
	sf_jw_key(&w, "jobs");
	sf_jw_array(&w);
	if (sf_store_job_list(cx->st, status, limit, list_job, &l, &err) != SF_OK) {
		sv_fail_err(cx, &err);
		return;
	}
	sf_jw_array_end(&w);
	sf_jw_object_end(&w);
	finish_json(cx, &w);
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
