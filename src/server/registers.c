/*
 * registers.c - the endpoints of the incident and aid registers
 * (docs/api.md): lists (the incident list a keyset-paginated page),
 * reports, duplicates, the edit log, imports of a CSV body, reviews and
 * duplicates decisions.
 *
 * Thin like handlers.c: each reads its query parameters into the
 * library's filter and options, calls the library writer the CLI's
 * command calls (so the API's document is the command's `--format`
 * output), and answers. Writes are recorded under the token's name: the
 * store's edit log (reviews, decisions) and its import batches say who.
 * A review must name the version it was made on (If-Match, or "version"
 * in the body): a stale one is 409 and changes nothing.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_int.h"

enum {
	PAGE_DEFAULT = 100,
	PAGE_MAX = 10000,
	REJECTS_MAX = 1024 * 1024, /* rejected rows sent back, bytes */
};

/* ---------------------------------------------------------------- */
/* Parameters                                                         */

/* A date parameter into *day (left alone when absent); 0, or -1 after answering 400. */
static int arg_day(sv_ctx *cx, const char *name, long *day)
{
	const char *v = sv_req_arg(cx->rq, name);
	if (!v)
		return 0;
	if (sf_date_parse(v, day) != 0) {
		sv_fail(cx, 400, "bad_request", "%s '%.40s' is not a date (YYYY-MM-DD)", name, v);
		return -1;
	}
	return 0;
}

/* A number parameter in [lo, hi]; 0, or -1 after answering 400. */
static int arg_num(sv_ctx *cx, const char *name, double lo, double hi, double *out)
{
	const char *v = sv_req_arg(cx->rq, name);
	double x;
	if (!v)
		return 0;
	if (sf_parse_double(v, &x) != 0 || !(x >= lo) || x > hi) {
		sv_fail(cx, 400, "bad_request", "%s '%.40s' is not a number %g..%g", name, v, lo,
		        hi);
		return -1;
	}
	*out = x;
	return 0;
}

static int arg_long(sv_ctx *cx, const char *name, long lo, long hi, long *out)
{
	const char *v = sv_req_arg(cx->rq, name);
	long x;
	if (!v)
		return 0;
	if (sf_parse_long(v, &x) != 0 || x < lo || x > hi) {
		sv_fail(cx, 400, "bad_request", "%s '%.40s' is not a whole number %ld..%ld", name,
		        v, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

/* A text parameter; "" counts as absent. */
static const char *arg_text(sv_ctx *cx, const char *name)
{
	const char *v = sv_req_arg(cx->rq, name);
	return v && v[0] ? v : NULL;
}

/*
 * ?format= among the ones `allowed` (a space-separated list, the first the
 * default) into *fmt, and the answer's Content-Type; -1 after answering 400.
 */
static int arg_format(sv_ctx *cx, const char *allowed, sf_format *fmt)
{
	const char *v = arg_text(cx, "format");
	char first[16];
	size_t n = strcspn(allowed, " ");
	int f;
	sf_snprintf(first, sizeof first, "%.*s", (int)n, allowed);
	if (!v)
		v = first;
	f = sf_format_parse(v);
	const char *p = f >= 0 ? strstr(allowed, sf_format_str((sf_format)f)) : NULL;
	if (!p) {
		sv_fail(cx, 400, "bad_request", "format '%.20s' is not one of: %s", v, allowed);
		return -1;
	}
	*fmt = (sf_format)f;
	cx->rs->type = *fmt == SF_FORMAT_CSV       ? "text/csv; charset=utf-8"
	               : *fmt == SF_FORMAT_GEOJSON ? "application/geo+json"
	               : *fmt == SF_FORMAT_MD      ? "text/markdown; charset=utf-8"
	               : *fmt == SF_FORMAT_TEXT    ? "text/plain; charset=utf-8"
	                                           : NULL;
	return 0;
}

/* The incident filter of ?from, to, sector, type, sub_type, actor, location, status. */
static int incident_filter(sv_ctx *cx, sf_incident_filter *f)
{
	const char *st = arg_text(cx, "status");
	sf_incident_filter_init(f);
	if (arg_day(cx, "from", &f->from_day) || arg_day(cx, "to", &f->to_day))
		return -1;
	f->sector = arg_text(cx, "sector");
	f->event_type = arg_text(cx, "type");
	f->sub_event_type = arg_text(cx, "sub_type");
	f->actor = arg_text(cx, "actor");
	f->location = arg_text(cx, "location");
	if (st && (f->status = sf_incident_status_parse(st)) < 0) {
		sv_fail(cx, 400, "bad_request",
		        "status '%.40s' is not one of reported, corroborated, verified, disputed, "
		        "retracted",
		        st);
		return -1;
	}
	return 0;
}

/* The filter's crossing as its id (buf, n bytes): by the server's crossings file, else itself. */
static int aid_filter(sv_ctx *cx, sf_aid_filter *f, char *buf, size_t n)
{
	const char *st = arg_text(cx, "stage"), *cr = arg_text(cx, "crossing");
	sf_aid_filter_init(f);
	if (arg_day(cx, "from", &f->from_day) || arg_day(cx, "to", &f->to_day))
		return -1;
	if (cr && !(f->crossing = sf_aid_crossing_id(sv_crossings(cx->app), cr, buf, n))) {
		sv_fail(cx, 400, "bad_request",
		        "crossing '%.60s' is not a name in the server's crossings file", cr);
		return -1;
	}
	f->source = arg_text(cx, "source");
	if (st && (f->stage = sf_aid_stage_parse(st)) < 0) {
		sv_fail(cx, 400, "bad_request",
		        "stage '%.40s' is not one of entered, offloaded, collected, intercepted",
		        st);
		return -1;
	}
	return 0;
}

/* A writer's status: the answer may be kept until the data changes, or the error. */
static void answered(sv_ctx *cx, sf_status rc, const sf_error *err)
{
	if (rc != SF_OK)
		sv_fail_err(cx, err);
	else
		cx->cacheable = 1;
}

/* ---------------------------------------------------------------- */
/* Incidents                                                          */

void sv_h_incidents(sv_ctx *cx)
{
	sf_incident_filter f;
	sf_format fmt;
	sf_error err;
	sf_buf next;
	const char *after = arg_text(cx, "after");

	sf_error_clear(&err);
	if (incident_filter(cx, &f) || arg_format(cx, "json csv geojson", &fmt))
		return;
	f.limit = PAGE_DEFAULT;
	if (arg_long(cx, "limit", 1, PAGE_MAX, &f.limit))
		return;
	if (after && sf_incident_cursor_parse(after, &f, &err) != SF_OK) {
		sv_fail_err(cx, &err);
		return;
	}
	sf_buf_init(&next, 4096);
	if (sf_incidents_write_page(cx->st, &f, fmt, &cx->rs->body, &next, &err) != SF_OK) {
		sv_fail_err(cx, &err);
	} else {
		/* A first page is asked for again and again; a page after a cursor
		 * is one seek, and keeping each would fill the cache with pages. */
		cx->cacheable = after == NULL;
		if (next.len)
			sv_resp_header(cx->rs, "X-Next-After", "%s", sf_buf_str(&next));
	}
	sf_buf_release(&next);
}

/*
 * GET /api/v1/incidents/alerts: `incidents alerts` with the rules as
 * parameters (as_of, days, change=large|moderate|off, type=A,B: ACLED
 * event types, comma-separated, fatalities), its document as the CLI's
 * --format json (or md, text).
 */
enum { ALERT_TYPES_MAX = 16 };

void sv_h_incidents_alerts(sv_ctx *cx)
{
	sf_alert_rules r;
	sf_format fmt;
	sf_error err;
	const char *types[ALERT_TYPES_MAX];
	char tbuf[1024];
	long days = 0;
	const char *ch = arg_text(cx, "change"), *ty = arg_text(cx, "type");

	sf_error_clear(&err);
	sf_alert_rules_init(&r);
	days = r.days;
	if (arg_format(cx, "json md text", &fmt) || arg_day(cx, "as_of", &r.as_of) ||
	    arg_long(cx, "days", 1, 3650, &days) ||
	    arg_long(cx, "fatalities", 0, 1000000000, &r.fatalities))
		return;
	r.days = (int)days;
	if (ch) {
		if (!strcmp(ch, "off"))
			r.change_level = SF_CHANGE_NO_DATA;
		else if (!strcmp(ch, "large"))
			r.change_level = SF_CHANGE_LARGE_INCREASE;
		else if (!strcmp(ch, "moderate"))
			r.change_level = SF_CHANGE_MODERATE_INCREASE;
		else {
			sv_fail(cx, 400, "bad_request",
			        "change '%.40s' is not large, moderate or off", ch);
			return;
		}
	}
	if (ty) {
		if (strlen(ty) >= sizeof tbuf) {
			sv_fail(cx, 400, "bad_request", "type: the list is too long");
			return;
		}
		sf_strlcpy(tbuf, ty, sizeof tbuf);
		for (char *p = tbuf, *c; p; p = c) {
			if ((c = strchr(p, ',')))
				*c++ = '\0';
			if (!*p)
				continue;
			if (r.nevent_types == ALERT_TYPES_MAX) {
				sv_fail(cx, 400, "bad_request", "type: at most %d event types",
				        ALERT_TYPES_MAX);
				return;
			}
			types[r.nevent_types++] = p;
		}
		r.event_types = types;
	}
	answered(cx, sf_incidents_write_alerts(cx->st, &r, fmt, &cx->rs->body, &err), &err);
}

void sv_h_incident(sv_ctx *cx)
{
	sf_error err;
	int found = 0;
	long version = 0;
	sf_error_clear(&err);
	if (sf_incident_write_doc(cx->st, cx->param[0], &cx->rs->body, &found, &version, &err) !=
	    SF_OK) {
		sv_fail_err(cx, &err);
		return;
	}
	if (!found) {
		sv_fail(cx, 404, "not_found", "no incident '%.100s'", cx->param[0]);
		return;
	}
	sv_resp_header(cx->rs, "ETag", "\"%ld\"", version);
	cx->cacheable = 1;
}

void sv_h_incidents_report(sv_ctx *cx)
{
	sf_incident_filter f;
	sf_report_options ro;
	sf_format fmt;
	sf_error err;
	const char *by = arg_text(cx, "by"), *per = arg_text(cx, "period");
	const char *table = arg_text(cx, "table");
	unsigned tables;

	sf_error_clear(&err);
	sf_report_options_init(&ro);
	if (incident_filter(cx, &f) || arg_format(cx, "json csv md", &fmt) ||
	    arg_day(cx, "as_of", &ro.as_of) || arg_day(cx, "split", &ro.split_day))
		return;
	if (by) {
		int d = strcmp(by, "none") == 0 ? (int)SF_DIM_NONE : sf_dim_parse(by);
		if (d < 0) {
			sv_fail(cx, 400, "bad_request",
			        "by '%.40s' is not one of sector, type, sub-type, actor, none", by);
			return;
		}
		ro.dim = (sf_dim)d;
	}
	if (per) {
		if (!strcmp(per, "day"))
			ro.period = SF_PERIOD_DAY;
		else if (!strcmp(per, "week"))
			ro.period = SF_PERIOD_WEEK;
		else if (!strcmp(per, "total"))
			ro.period = SF_PERIOD_TOTAL;
		else {
			sv_fail(cx, 400, "bad_request", "period '%.40s' is not day, week or total",
			        per);
			return;
		}
	}
	if (!table)
		table = fmt == SF_FORMAT_CSV ? "periods" : "all";
	tables = !strcmp(table, "periods") ? SF_REPORT_PERIODS
	         : !strcmp(table, "trend") ? SF_REPORT_TREND
	         : !strcmp(table, "split") ? SF_REPORT_SPLIT
	         : !strcmp(table, "all")   ? SF_REPORT_ALL
	                                   : 0;
	if (!tables) {
		sv_fail(cx, 400, "bad_request", "table '%.40s' is not periods, trend, split or all",
		        table);
		return;
	}
	answered(cx, sf_incidents_write_report(cx->st, &f, &ro, tables, fmt, &cx->rs->body, &err),
	         &err);
}

void sv_h_duplicates(sv_ctx *cx)
{
	sf_incident_filter f;
	sf_dupe_options o;
	sf_format fmt;
	sf_error err;
	long days, decided = 0;
	double km;

	sf_error_clear(&err);
	sf_dupe_options_init(&o);
	days = o.max_days;
	km = o.max_km;
	if (incident_filter(cx, &f) || arg_format(cx, "json csv md", &fmt) ||
	    arg_long(cx, "max_days", 0, 366, &days) || arg_num(cx, "max_km", 0, 1000, &km) ||
	    arg_long(cx, "decided", 0, 1, &decided) || arg_long(cx, "limit", 0, 100000, &o.limit))
		return;
	o.max_days = (int)days;
	o.max_km = km;
	o.include_decided = (int)decided;
	answered(cx, sf_incidents_write_dupes(cx->st, &f, &o, fmt, &cx->rs->body, &err), &err);
}

void sv_h_edits(sv_ctx *cx)
{
	sf_format fmt;
	sf_error err;
	sf_error_clear(&err);
	if (arg_format(cx, "json csv md", &fmt))
		return;
	answered(cx,
	         sf_incidents_write_log(cx->st, arg_text(cx, "event_id"), fmt, &cx->rs->body, &err),
	         &err);
}

/*
 * The version a review was made on: If-Match ("3", W/"3" or 3) or the
 * body's "version"; 0 after answering when neither is given or they differ.
 */
static long review_version(sv_ctx *cx, long body_version)
{
	const char *im = sv_req_header(cx->rq, "If-Match");
	long v = 0;
	if (im) {
		char digits[32];
		size_t k = 0;
		if (im[0] == 'W' && im[1] == '/')
			im += 2;
		for (; *im && k + 1 < sizeof digits; im++)
			if (*im != '"' && *im != ' ')
				digits[k++] = *im;
		digits[k] = '\0';
		if (sf_parse_long(digits, &v) != 0 || v < 1) {
			sv_fail(cx, 400, "bad_request",
			        "If-Match must be the incident's ETag, such as \"3\"");
			return 0;
		}
	}
	if (v && body_version && v != body_version) {
		sv_fail(cx, 400, "bad_request",
		        "If-Match (%ld) and \"version\" (%ld) differ: send one of them", v,
		        body_version);
		return 0;
	}
	if (!v)
		v = body_version;
	if (!v)
		sv_fail(cx, 428, "version_required",
		        "a review names the version it was made on: If-Match with the "
		        "incident's ETag, or \"version\" in the body");
	return v;
}

void sv_h_incident_review(sv_ctx *cx)
{
	sf_review_request r;
	sf_error err;
	long if_version, version = 0;
	int found = 0;

	sf_error_clear(&err);
	if (sf_review_request_parse(cx->rq->body, cx->rq->body_len, &r, &err) != SF_OK) {
		sv_fail_err(cx, &err);
		return;
	}
	if (!(if_version = review_version(cx, r.version)))
		return;
	if (sf_store_incident_review(cx->st, cx->param[0], (sf_incident_status)r.status, r.note,
	                             cx->who, if_version, &version, &found, &err) != SF_OK) {
		sv_fail_err(cx, &err);
		return;
	}
	if (!found) {
		sv_fail(cx, 404, "not_found", "no incident '%.100s'", cx->param[0]);
		return;
	}
	if (sf_incident_write_doc(cx->st, cx->param[0], &cx->rs->body, &found, &version, &err) !=
	    SF_OK) {
		sv_fail_err(cx, &err);
		return;
	}
	sv_resp_header(cx->rs, "ETag", "\"%ld\"", version);
}

void sv_h_duplicate_decide(sv_ctx *cx)
{
	sf_dupe_request r;
	sf_error err;
	sf_error_clear(&err);
	if (sf_dupe_request_parse(cx->rq->body, cx->rq->body_len, &r, &err) != SF_OK ||
	    sf_store_dupe_decide(cx->st, r.a, r.b, r.decision, r.note, cx->who, &err) != SF_OK ||
	    sf_incidents_write_log(cx->st, r.a, SF_FORMAT_JSON, &cx->rs->body, &err) != SF_OK)
		sv_fail_err(cx, &err);
}

/* ---------------------------------------------------------------- */
/* Imports                                                            */

typedef struct upload {
	FILE *in;       /* the body */
	FILE *rejects;  /* rejected rows, in memory */
	char *rej;      /* their text */
	size_t rej_len; /* and length */
} upload;

/* Open the body and a rejects stream; -1 after answering. */
static int upload_open(sv_ctx *cx, upload *u)
{
	memset(u, 0, sizeof *u);
	if (cx->rq->body_len == 0) {
		sv_fail(cx, 400, "bad_request", "the body is empty: send the CSV file as the body");
		return -1;
	}
	u->in = fmemopen((void *)(uintptr_t)cx->rq->body, cx->rq->body_len, "r");
	u->rejects = open_memstream(&u->rej, &u->rej_len);
	if (!u->in || !u->rejects) {
		sv_fail(cx, 500, "out_of_memory", "cannot open the upload: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Close the streams; the rejects' text stays in u->rej (capped). */
static void upload_close(upload *u)
{
	if (u->in)
		fclose(u->in);
	if (u->rejects)
		fclose(u->rejects);
	u->in = u->rejects = NULL;
	if (u->rej_len > REJECTS_MAX)
		u->rej_len = REJECTS_MAX;
}

void sv_h_incidents_import(sv_ctx *cx)
{
	sf_import_options o;
	sf_import_summary sum;
	sf_sector_map *map = NULL;
	sf_scenario *sc = NULL;
	sf_error err;
	upload u;
	const char *name = arg_text(cx, "scenario");

	sf_error_clear(&err);
	memset(&sum, 0, sizeof sum);
	sf_import_options_init(&o);
	if (arg_num(cx, "max_km", 0, 1000, &o.max_distance_km))
		return;
	/* Sectors come from a scenario's map, named as in GET /api/v1/scenarios. */
	if (name && (sf_scenario_dir_load(sv_scenarios_dir(cx->app), name, 1, &sc, &err) != SF_OK ||
	             sf_sector_map_from_scenario(sc, &map, &err) != SF_OK)) {
		if (err.code == SF_ERR_IO || err.code == SF_ERR_USAGE)
			sv_fail(cx, 404, "not_found", "%s", err.message);
		else
			sv_fail_err(cx, &err);
		goto out;
	}
	if (upload_open(cx, &u))
		goto out_u;
	o.sectors = map;
	o.rejects = u.rejects;
	o.who = cx->who;
	o.file_name = arg_text(cx, "name") ? arg_text(cx, "name") : "upload.csv";
	if (arg_text(cx, "source"))
		o.source_system = arg_text(cx, "source");
	sf_status rc = sf_incidents_import(cx->st, u.in, &o, &sum, &err);
	upload_close(&u);
	if (rc == SF_OK)
		rc = sf_import_write_json("incidents", &sum, sum.rejected ? u.rej : NULL, u.rej_len,
		                          &cx->rs->body, &err);
	if (rc != SF_OK)
		sv_fail_err(cx, &err);
out_u:
	upload_close(&u);
	free(u.rej);
out:
	sf_sector_map_free(map);
	sf_scenario_free(sc);
}

void sv_h_aid_import(sv_ctx *cx)
{
	sf_aid_import_options o;
	sf_import_summary sum;
	sf_error err;
	upload u;

	sf_error_clear(&err);
	memset(&sum, 0, sizeof sum);
	sf_aid_import_options_init(&o);
	if (upload_open(cx, &u))
		goto out;
	o.rejects = u.rejects;
	o.who = cx->who;
	o.file_name = arg_text(cx, "name") ? arg_text(cx, "name") : "upload.csv";
	if (arg_text(cx, "source"))
		o.source = arg_text(cx, "source");
	if (arg_text(cx, "crossing"))
		o.default_crossing = arg_text(cx, "crossing");
	o.crossings = sv_crossings(cx->app);
	o.crossings_name = "the server's crossings file"; /* never its path on the server */
	sf_status rc = sf_aid_import(cx->st, u.in, &o, &sum, &err);
	upload_close(&u);
	if (rc == SF_OK)
		rc = sf_import_write_json("aid", &sum, sum.rejected ? u.rej : NULL, u.rej_len,
		                          &cx->rs->body, &err);
	if (rc != SF_OK)
		sv_fail_err(cx, &err);
out:
	upload_close(&u);
	free(u.rej);
}

/* ---------------------------------------------------------------- */
/* Aid                                                                */

void sv_h_aid(sv_ctx *cx)
{
	sf_aid_filter f;
	char id[128];
	sf_format fmt;
	sf_error err;
	sf_error_clear(&err);
	if (aid_filter(cx, &f, id, sizeof id) || arg_format(cx, "json csv md", &fmt))
		return;
	answered(cx, sf_aid_write_list(cx->st, &f, fmt, &cx->rs->body, NULL, NULL, &err), &err);
}

/*
 * GET /api/v1/aid/sources: `aid report --side-by-side`, every source and
 * stage in its own column, never added; `stage` is the one held to the
 * commitment, and `reference` (trucks a day) needs `reference_what`.
 */
void sv_h_aid_sources(sv_ctx *cx)
{
	sf_aid_filter f;
	char id[128];
	sf_format fmt;
	sf_error err;
	sf_aid_commitment commitment = {600, SF_DAY_NONE, SF_DAY_NONE};
	sf_aid_reference ref = {NAN, NULL};
	long daily = 0;
	int stage;

	sf_error_clear(&err);
	if (aid_filter(cx, &f, id, sizeof id) || arg_format(cx, "json csv md", &fmt) ||
	    arg_num(cx, "commitment", 0, 1e6, &commitment.trucks_per_day) ||
	    arg_day(cx, "commitment_from", &commitment.from_day) ||
	    arg_day(cx, "commitment_to", &commitment.to_day) ||
	    arg_num(cx, "reference", 0, 1e6, &ref.trucks_per_day) ||
	    arg_long(cx, "daily", 0, 1, &daily))
		return;
	ref.what = arg_text(cx, "reference_what");
	if (!isnan(ref.trucks_per_day) && !ref.what) {
		sv_fail(cx, 400, "bad_request",
		        "reference needs reference_what: what the level is and its source");
		return;
	}
	/* every stage side by side; the stage given is the one held to the commitment */
	stage = f.stage >= 0 ? f.stage : SF_AID_ENTERED;
	f.stage = -1;
	answered(cx,
	         sf_aid_write_sources(cx->st, &f, &commitment, (sf_aid_stage)stage, &ref,
	                              (int)daily, fmt, &cx->rs->body, &err),
	         &err);
}

void sv_h_aid_report(sv_ctx *cx)
{
	sf_aid_filter f;
	char id[128];
	sf_format fmt;
	sf_error err;
	sf_aid_commitment commitment = {600, SF_DAY_NONE, SF_DAY_NONE};
	long daily = 0;
	int stage;

	sf_error_clear(&err);
	if (aid_filter(cx, &f, id, sizeof id) || arg_format(cx, "json csv md", &fmt) ||
	    arg_num(cx, "commitment", 0, 1e6, &commitment.trucks_per_day) ||
	    arg_day(cx, "commitment_from", &commitment.from_day) ||
	    arg_day(cx, "commitment_to", &commitment.to_day) || arg_long(cx, "daily", 0, 1, &daily))
		return;
	/* The stage filters rows in a list; in the report it is the stage measured. */
	stage = f.stage >= 0 ? f.stage : SF_AID_ENTERED;
	f.stage = -1;
	answered(cx,
	         sf_aid_write_report(cx->st, &f, &commitment, (sf_aid_stage)stage, (int)daily, fmt,
	                             &cx->rs->body, &err),
	         &err);
}
