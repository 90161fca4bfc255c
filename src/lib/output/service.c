/*
 * service.c - what the server says that is not a plan, an analysis or a
 * register report: a job, the job list, an error, /health, a scenario and
 * the scenario list, /metrics (docs/api.md).
 *
 * Every JSON document goes through the one writer (json.h), so that the
 * API answers valid JSON whatever text the store or a request holds, with
 * the CLI's number policy and layout. A job's request and result are kept
 * in the store as JSON text; they are parsed and written again here (the
 * server caches the answer, so that cost is paid once per data version).
 */
#include "base/internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/file.h"
#include "stabforce/json.h"
#include "stabforce/register.h"
#include "stabforce/service.h"

/* The largest sector map served (the GeoJSON reader's own limit is the scenario's). */
#define SF_SECTOR_MAP_MAX ((size_t)64 * 1024 * 1024)

/* Finish a document and end it with a newline (both styles). */
static sf_status finish(sf_json_writer *w, sf_json_style style, sf_buf *out, sf_error *err)
{
	sf_status rc = sf_json_writer_finish(w, style, out, err);
	if (rc == SF_OK && style == SF_JSON_COMPACT && (rc = sf_buf_addc(out, '\n')) != SF_OK)
		sf_error_set(err, rc, "out of memory");
	return rc;
}

static void job_body(sf_json_writer *w, const sf_job *j, int with_result)
{
	sf_json_int(w, "id", j->id);
	sf_json_str(w, "kind", j->kind);
	sf_json_str(w, "scenario", j->scenario);
	sf_json_str(w, "status", sf_job_status_str(j->status));
	sf_json_num(w, "progress", j->progress);
	sf_json_str(w, "message", j->message);
	if (j->request && j->request[0])
		sf_json_embed(w, "request", j->request, strlen(j->request));
	else
		sf_json_null(w, "request");
	sf_json_str(w, "submitted_by", j->who);
	sf_json_str(w, "worker", j->worker);
	sf_json_int(w, "created", j->created);
	sf_json_int(w, "started", j->started);
	sf_json_int(w, "finished", j->finished);
	if (with_result) {
		if (j->status == SF_JOB_DONE && j->result && j->result[0])
			sf_json_embed(w, "result", j->result, strlen(j->result));
		else
			sf_json_null(w, "result");
	}
}

sf_status sf_job_write_json(const sf_job *j, int with_result, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	job_body(&w, j, with_result);
	sf_json_end(&w);
	return finish(&w, SF_JSON_PRETTY, out, err);
}

static int list_job(void *ctx, const sf_job *j)
{
	sf_json_writer *w = ctx;
	sf_json_object(w, NULL);
	job_body(w, j, 0);
	sf_json_end(w);
	return w->status != SF_OK;
}

sf_status sf_jobs_write_list(sf_store *st, int status, long limit, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	sf_status rc;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_array(&w, "jobs");
	rc = sf_store_job_list(st, status, limit, list_job, &w, err);
	sf_json_end(&w);
	sf_json_end(&w);
	if (rc != SF_OK) {
		sf_json_writer_release(&w);
		return rc;
	}
	return finish(&w, SF_JSON_PRETTY, out, err);
}

sf_status sf_error_write_json(int http_status, const char *code, const sf_error *e, sf_buf *out)
{
	sf_json_writer w;
	sf_error err;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_object(&w, "error");
	sf_json_int(&w, "status", http_status);
	sf_json_str(&w, "code", code);
	sf_json_str(&w, "message", e->message);
	if (e->file[0])
		sf_json_str(&w, "file", e->file);
	if (e->line > 0)
		sf_json_int(&w, "line", e->line);
	if (e->column > 0)
		sf_json_int(&w, "column", e->column);
	if (e->path[0])
		sf_json_str(&w, "path", e->path);
	sf_json_end(&w);
	sf_json_end(&w);
	sf_error_clear(&err);
	return finish(&w, SF_JSON_COMPACT, out, &err);
}

sf_status sf_health_write_json(const char *store_backend, double uptime_s, sf_buf *out,
                               sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "status", "ok");
	sf_json_str(&w, "version", STABFORCE_VERSION);
	sf_json_str(&w, "store", store_backend);
	sf_json_int(&w, "uptime_s", (long long)uptime_s);
	sf_json_end(&w);
	return finish(&w, SF_JSON_PRETTY, out, err);
}

/* ---------------------------------------------------------------- */
/* Scenarios                                                          */

/* Which ids a condition's filter names. */
typedef enum cond_ids { ID_CONTRIBUTORS, ID_UNITS, ID_TASKS, ID_SECTORS } cond_ids;

static const char *cond_id(const sf_scenario *sc, cond_ids k, size_t i)
{
	switch (k) {
	case ID_CONTRIBUTORS:
		return sc->contributors[i].id;
	case ID_UNITS:
		return sc->unit_types[i].id;
	case ID_TASKS:
		return sc->tasks[i].id;
	case ID_SECTORS:
		return sc->sectors[i].id;
	}
	return "";
}

/* A condition's filter: the ids it covers, or null for any. */
static void condition_filter(sf_json_writer *w, const char *key, const unsigned char *mask,
                             size_t n, const sf_scenario *sc, cond_ids k)
{
	if (!mask) {
		sf_json_null(w, key);
		return;
	}
	sf_json_array(w, key);
	for (size_t i = 0; i < n; i++)
		if (mask[i])
			sf_json_str(w, NULL, cond_id(sc, k, i));
	sf_json_end(w);
}

/*
 * When a condition forbids: a consent's months ("from", "to": labels), a
 * sequence's first allowed month ("not_before") or its indicator
 * ("indicator", "below" true/false, "threshold"); null where not set.
 */
static void condition_when(sf_json_writer *w, const sf_scenario *sc, const sf_condition *c)
{
	char lb[16];
	int consent = c->kind == SF_CONDITION_CONSENT;
	if (consent)
		sf_json_str(w, "from", sf_scenario_month_label(sc, c->from, lb, sizeof lb));
	else
		sf_json_null(w, "from");
	if (consent)
		sf_json_str(w, "to", sf_scenario_month_label(sc, c->to, lb, sizeof lb));
	else
		sf_json_null(w, "to");
	if (!consent && c->not_before > 0)
		sf_json_str(w, "not_before",
		            sf_scenario_month_label(sc, c->not_before, lb, sizeof lb));
	else
		sf_json_null(w, "not_before");
	if (!consent && c->indicator) {
		sf_json_str(w, "indicator", c->indicator);
		sf_json_bool(w, "below", c->below);
		sf_json_num(w, "threshold", c->threshold);
	} else {
		sf_json_null(w, "indicator");
		sf_json_null(w, "below");
		sf_json_null(w, "threshold");
	}
}

static void scenario_full(sf_json_writer *w, const sf_scenario *sc)
{
	sf_json_array(w, "sectors");
	for (size_t i = 0; i < sc->nsectors; i++) {
		const sf_sector *s = &sc->sectors[i];
		sf_json_object(w, NULL);
		sf_json_str(w, "id", s->id);
		sf_json_str(w, "name", s->name);
		sf_json_int(w, "opens", s->opens);
		sf_json_num(w, "threat", s->threat);
		sf_json_object(w, "attributes");
		for (size_t k = 0; k < s->nattrs; k++)
			sf_json_num(w, s->attrs[k].name, s->attrs[k].value);
		sf_json_end(w);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "tasks");
	for (size_t i = 0; i < sc->ntasks; i++) {
		sf_json_object(w, NULL);
		sf_json_str(w, "id", sc->tasks[i].id);
		sf_json_str(w, "name", sc->tasks[i].name);
		sf_json_str(w, "scope",
		            sc->tasks[i].scope == SF_SCOPE_MISSION ? "mission" : "sector");
		sf_json_num(w, "weight", sc->tasks[i].weight);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "unit_types");
	for (size_t i = 0; i < sc->nunit_types; i++) {
		sf_json_object(w, NULL);
		sf_json_str(w, "id", sc->unit_types[i].id);
		sf_json_str(w, "name", sc->unit_types[i].name);
		sf_json_int(w, "personnel", sc->unit_types[i].personnel);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "contributors");
	for (size_t i = 0; i < sc->ncontributors; i++) {
		sf_json_object(w, NULL);
		sf_json_str(w, "id", sc->contributors[i].id);
		sf_json_str(w, "name", sc->contributors[i].name);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "pledges");
	for (size_t i = 0; i < sc->npledges; i++) {
		const sf_pledge *p = &sc->pledges[i];
		sf_json_object(w, NULL);
		sf_json_str(w, "id", p->id);
		sf_json_str(w, "contributor", sc->contributors[p->contributor].id);
		sf_json_str(w, "unit", sc->unit_types[p->unit].id);
		sf_json_int(w, "count", p->count);
		sf_json_int(w, "from", p->from);
		sf_json_int(w, "to", p->to);
		sf_json_num(w, "confidence", p->confidence);
		sf_json_bool(w, "caveats", p->has_task_caveat || p->has_loc_caveat);
		sf_json_array(w, "status");
		for (int k = 0; k < SF_PLEDGE_NSTATUS; k++) {
			if (p->status & (1u << k))
				sf_json_str(w, NULL, sf_pledge_status_word(k));
		}
		sf_json_end(w);
		sf_json_str(w, "source", p->source);
		/* Format 2: the days of notice the pledge gave (lead_days, or its
		 * readiness level's), null when it gave none. */
		if (p->has_notice)
			sf_json_int(w, "notice_days", p->lead_days);
		else
			sf_json_null(w, "notice_days");
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "stakeholders");
	for (size_t i = 0; i < sc->nstakeholders; i++) {
		sf_json_object(w, NULL);
		sf_json_str(w, "id", sc->stakeholders[i].id);
		sf_json_str(w, "name", sc->stakeholders[i].name);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "vetoes");
	for (size_t i = 0; i < sc->nvetoes; i++) {
		const sf_veto *v = &sc->vetoes[i];
		sf_json_object(w, NULL);
		sf_json_str(w, "stakeholder", sc->stakeholders[v->stakeholder].id);
		sf_json_str(w, "contributor", sc->contributors[v->contributor].id);
		sf_json_str(w, "kind", v->kind == SF_VETO_SOFT ? "soft" : "hard");
		sf_json_bool(w, "all_sectors", v->all_sectors);
		sf_json_str(w, "source", v->source);
		sf_json_end(w);
	}
	sf_json_end(w);
	/* Format 2: the stakeholders' conditions (docs/scenario-format.md). */
	sf_json_array(w, "conditions");
	for (size_t i = 0; i < sc->nconditions; i++) {
		static const char *const consent[] = {"pending", "withheld", "given"};
		const sf_condition *c = &sc->conditions[i];
		sf_json_object(w, NULL);
		sf_json_str(w, "id", c->id);
		sf_json_str(w, "stakeholder", sc->stakeholders[c->stakeholder].id);
		sf_json_str(w, "kind", sf_condition_kind_str(c->kind));
		if (c->kind == SF_CONDITION_CONSENT)
			sf_json_str(w, "consent", consent[c->consent]);
		else
			sf_json_null(w, "consent");
		condition_when(w, sc, c);
		condition_filter(w, "contributors", c->contributors, c->ncontributors_named, sc,
		                 ID_CONTRIBUTORS);
		condition_filter(w, "unit_types", c->unit_types, c->nunit_types_named, sc,
		                 ID_UNITS);
		condition_filter(w, "tasks", c->tasks, sc->ntasks, sc, ID_TASKS);
		condition_filter(w, "sectors", c->sectors, sc->nsectors, sc, ID_SECTORS);
		sf_json_str(w, "source", c->source);
		sf_json_end(w);
	}
	sf_json_end(w);
}

static void scenario_summary(sf_json_writer *w, const sf_scenario *sc, const char *name, int full)
{
	char start[16];
	sf_snprintf(start, sizeof start, "%04d-%02d", sc->start_year, sc->start_month);
	sf_json_object(w, NULL);
	sf_json_str(w, "name", name);
	sf_json_str(w, "title", sc->name);
	sf_json_int(w, "format", sc->format);
	sf_json_str(w, "as_of", sc->as_of);
	sf_json_str(w, "authority", sc->authority);
	sf_json_str(w, "start", start);
	sf_json_int(w, "months", sc->months);
	sf_json_num(w, "troop_ceiling", sc->troop_ceiling);
	sf_json_int(w, "sectors_count", (long long)sc->nsectors);
	sf_json_int(w, "contributors_count", (long long)sc->ncontributors);
	sf_json_int(w, "pledges_count", (long long)sc->npledges);
	sf_json_int(w, "vetoes_count", (long long)sc->nvetoes);
	sf_json_bool(w, "uses_register", sf_scenario_takes_register(sc));
	if (full)
		scenario_full(w, sc);
	sf_json_end(w);
}

sf_status sf_scenario_write_json(const sf_scenario *sc, const char *name, int full, sf_buf *out,
                                 sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	scenario_summary(&w, sc, name, full);
	return finish(&w, SF_JSON_PRETTY, out, err);
}

sf_status sf_scenario_write_sectors(const sf_scenario *sc, const char *name, sf_buf *out,
                                    sf_error *err)
{
	char *data = NULL;
	size_t len = 0;
	sf_status rc;
	if (!sc->geojson_path)
		return sf_error_set(err, SF_ERR_IO, "scenario '%s' has no sector map", name);
	rc = sf_file_read(sc->geojson_path, SF_SECTOR_MAP_MAX, "a sector map", &data, &len, err);
	if (rc == SF_OK && (rc = sf_buf_add(out, data, len)) != SF_OK)
		sf_error_set(err, rc, "out of memory");
	free(data);
	return rc;
}

sf_status sf_scenarios_write_list(const char *dir, sf_buf *out, sf_error *err)
{
	sf_name_list l;
	sf_json_writer w;
	sf_status rc = sf_scenario_dir_list(dir, &l, err);
	if (rc != SF_OK)
		return rc;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_array(&w, "scenarios");
	for (size_t i = 0; i < l.n; i++) {
		sf_scenario *sc = NULL;
		sf_error e;
		sf_error_clear(&e);
		if (sf_scenario_dir_load(dir, l.v[i], 0, &sc, &e) == SF_OK) {
			scenario_summary(&w, sc, l.v[i], 0);
		} else {
			sf_json_object(&w, NULL);
			sf_json_str(&w, "name", l.v[i]);
			sf_json_bool(&w, "valid", 0);
			sf_json_str(&w, "error", e.message);
			sf_json_end(&w);
		}
		sf_scenario_free(sc);
	}
	sf_name_list_release(&l);
	sf_json_end(&w);
	sf_json_end(&w);
	return finish(&w, SF_JSON_PRETTY, out, err);
}

/* ---------------------------------------------------------------- */
/* Metrics: the Prometheus text format                                */

/* Append to out unless an earlier append failed (*rc keeps the first failure). */
__attribute__((format(printf, 3, 4))) static void addf(sf_status *rc, sf_buf *out, const char *fmt,
                                                       ...)
{
	va_list ap;
	if (*rc != SF_OK)
		return;
	va_start(ap, fmt);
	*rc = sf_buf_vaddf(out, fmt, ap);
	va_end(ap);
}

static void metric_head(sf_status *rc, sf_buf *out, const char *name, const char *type,
                        const char *help)
{
	addf(rc, out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

sf_status sf_metrics_write(const sf_server_metrics *m, sf_store *st, sf_buf *out, sf_error *err)
{
	static const char *const status_class[6] = {"", "1xx", "2xx", "3xx", "4xx", "5xx"};
	long counts[5] = {0};
	long incidents = 0;
	long long cum = 0, version = 0;
	sf_error e;
	sf_status rc = SF_OK;

	metric_head(&rc, out, "stabforce_requests_total", "counter",
	            "HTTP requests answered, by status class.");
	for (int c = 1; c <= 5; c++)
		addf(&rc, out, "stabforce_requests_total{class=\"%s\"} %ld\n", status_class[c],
		     m->requests[c]);
	metric_head(&rc, out, "stabforce_request_seconds", "histogram",
	            "Time to answer a request.");
	for (int b = 0; b < SF_METRICS_BUCKETS; b++) {
		cum += m->buckets[b];
		addf(&rc, out, "stabforce_request_seconds_bucket{le=\"%g\"} %lld\n", m->bucket_s[b],
		     cum);
	}
	cum += m->buckets[SF_METRICS_BUCKETS];
	addf(&rc, out, "stabforce_request_seconds_bucket{le=\"+Inf\"} %lld\n", cum);
	addf(&rc, out, "stabforce_request_seconds_sum %.6f\n", m->latency_s);
	addf(&rc, out, "stabforce_request_seconds_count %lld\n", cum);
	metric_head(&rc, out, "stabforce_cache_hits_total", "counter",
	            "Answers served from the answer cache.");
	addf(&rc, out, "stabforce_cache_hits_total %ld\n", m->cache_hits);
	metric_head(&rc, out, "stabforce_cache_misses_total", "counter",
	            "Answers computed and then cached.");
	addf(&rc, out, "stabforce_cache_misses_total %ld\n", m->cache_misses);
	metric_head(&rc, out, "stabforce_rate_limited_total", "counter",
	            "Requests refused with 429.");
	addf(&rc, out, "stabforce_rate_limited_total %ld\n", m->rate_limited);
	metric_head(&rc, out, "stabforce_auth_failures_total", "counter",
	            "Requests refused with 401.");
	addf(&rc, out, "stabforce_auth_failures_total %ld\n", m->auth_failed);
	metric_head(&rc, out, "stabforce_jobs_submitted_total", "counter",
	            "Jobs accepted by this server.");
	addf(&rc, out, "stabforce_jobs_submitted_total %ld\n", m->jobs_submitted);
	sf_error_clear(&e);
	if (st && sf_store_job_counts(st, counts, &e) == SF_OK) {
		metric_head(&rc, out, "stabforce_jobs", "gauge", "Jobs in the store, by status.");
		for (int s = 0; s < 5; s++)
			addf(&rc, out, "stabforce_jobs{status=\"%s\"} %ld\n",
			     sf_job_status_str((sf_job_status)s), counts[s]);
	}
	metric_head(&rc, out, "stabforce_workers_alive", "gauge", "Worker processes running.");
	addf(&rc, out, "stabforce_workers_alive %d\n", m->workers_alive);
	if (st && sf_store_incident_count(st, &incidents, &e) == SF_OK) {
		metric_head(&rc, out, "stabforce_store_incidents", "gauge",
		            "Incidents in the register.");
		addf(&rc, out, "stabforce_store_incidents %ld\n", incidents);
	}
	sf_error_clear(&e);
	if (st && sf_store_data_version(st, &version, &e) == SF_OK) {
		metric_head(&rc, out, "stabforce_store_data_version", "gauge",
		            "The store's data version: moves with every write to the registers "
		            "or the jobs; the answer cache keeps answers until it does.");
		addf(&rc, out, "stabforce_store_data_version %lld\n", version);
	}
	metric_head(&rc, out, "stabforce_cache_bytes", "gauge",
	            "Bytes of answers in the answer cache (at most 64 MiB).");
	addf(&rc, out, "stabforce_cache_bytes %lld\n", m->cache_bytes);
	metric_head(&rc, out, "stabforce_cache_entries", "gauge", "Answers in the answer cache.");
	addf(&rc, out, "stabforce_cache_entries %lld\n", m->cache_entries);
	if (m->heap_in_use >= 0) {
		metric_head(&rc, out, "stabforce_heap_bytes", "gauge",
		            "The server's heap (glibc malloc, every arena): in use, and free but "
		            "not yet given back to the system.");
		addf(&rc, out, "stabforce_heap_bytes{state=\"in_use\"} %lld\n", m->heap_in_use);
		addf(&rc, out, "stabforce_heap_bytes{state=\"free\"} %lld\n", m->heap_free);
	}
	if (m->resident >= 0) {
		metric_head(&rc, out, "stabforce_resident_bytes", "gauge",
		            "The server process's resident memory.");
		addf(&rc, out, "stabforce_resident_bytes %lld\n", m->resident);
	}
	metric_head(&rc, out, "stabforce_build_info", "gauge",
	            "The stabforce version answering (always 1).");
	addf(&rc, out, "stabforce_build_info{version=\"%s\"} 1\n", STABFORCE_VERSION);
	metric_head(&rc, out, "stabforce_uptime_seconds", "gauge",
	            "Seconds since the server started.");
	addf(&rc, out, "stabforce_uptime_seconds %.0f\n", m->uptime_s);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory writing the metrics");
	return SF_OK;
}
