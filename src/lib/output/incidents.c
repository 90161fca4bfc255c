/*
 * incidents.c (output) - every output of `stabforce incidents`: the list,
 * the report, the duplicates, the edit log and the threat multipliers, in
 * the formats docs/output.md describes.
 *
 * Each writer takes an sf_format and an sf_buf and nothing else of the
 * command line, so the server answers with the same bytes. Tables go
 * through base/table.c (text, csv, md) and JSON through the writer of
 * base/json.c; a figure is rounded here (to what the text shows, or a
 * little finer) before it reaches either, so csv and json agree.
 *
 * The list streams: a million incidents never sit in memory in the
 * machine formats (csv, json, geojson); text and md need every row to
 * align, as any aligned table does. Each incident of a list goes through
 * the writer's direct mode (no tree: the same bytes, half the time of a
 * page of the server's).
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "output/output.h"
#include "stabforce/register.h"

/* ---------------------------------------------------------------- */
/* One incident                                                       */

static const char *const own_cols[] = {"sector", "sector_method", "sector_km",
                                       "status", "source_system", "batch"};

sf_status sf_incident_csv_header(sf_buf *out, sf_error *err)
{
	sf_status rc = SF_OK;
	for (int i = 0; i < SF_ACLED_NCOLS && rc == SF_OK; i++)
		rc = sf_buf_addf(out, "%s,", sf_acled_column_name(i));
	for (size_t i = 0; i < SF_ARRAY_LEN(own_cols) && rc == SF_OK; i++)
		rc = sf_buf_addf(out, "%s%c", own_cols[i],
		                 i + 1 < SF_ARRAY_LEN(own_cols) ? ',' : '\n');
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory");
}

sf_status sf_incident_write_csv(const sf_incident *inc, sf_buf *out, sf_error *err)
{
	int bad = 0;
	for (int i = 0; i < SF_ACLED_NCOLS; i++) {
		bad |= sf__csv_quote(out, inc->col[i]);
		bad |= sf_buf_addc(out, ',') != SF_OK;
	}
	bad |= sf__csv_quote(out, inc->sector ? inc->sector : "");
	bad |= sf_buf_addf(out, ",%s,%.3f,%s,", sf_sector_method_str(inc->sector_method),
	                   inc->sector_km, sf_incident_status_str(inc->status)) != SF_OK;
	bad |= sf__csv_quote(out, inc->source_system ? inc->source_system : "");
	bad |= sf_buf_addf(out, ",%ld\n", inc->batch) != SF_OK;
	return bad ? sf_error_set(err, SF_ERR_NOMEM, "output too large") : SF_OK;
}

/* The incident's members into the open object: ACLED's columns, then the register's. */
static void incident_members(sf_json_writer *w, const sf_incident *inc)
{
	for (int i = 0; i < SF_ACLED_NCOLS; i++) {
		const char *k = sf_acled_column_name(i);
		if (i == SF_COL_LATITUDE)
			sf_json_num(w, k, inc->latitude);
		else if (i == SF_COL_LONGITUDE)
			sf_json_num(w, k, inc->longitude);
		else if (i == SF_COL_FATALITIES && inc->fatalities < 0)
			sf_json_null(w, k); /* not reported: no data, never 0 */
		else if (i == SF_COL_FATALITIES)
			sf_json_int(w, k, inc->fatalities);
		else if (i == SF_COL_TIMESTAMP)
			sf_json_int(w, k, inc->timestamp);
		else
			sf_json_str(w, k, inc->col[i] ? inc->col[i] : "");
	}
	sf_json_str(w, "sector", inc->sector ? inc->sector : "");
	sf_json_str(w, "sector_method", sf_sector_method_str(inc->sector_method));
	sf_json_num(w, "sector_km", sf__round_to(inc->sector_km, 3));
	sf_json_str(w, "status", sf_incident_status_str(inc->status));
	sf_json_str(w, "source_system", inc->source_system ? inc->source_system : "");
	sf_json_int(w, "batch", inc->batch);
	sf_json_int(w, "version", inc->version);
}

sf_status sf_incident_write_json(const sf_incident *inc, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init_direct(&w, SF_JSON_COMPACT, out);
	sf_json_object(&w, NULL);
	incident_members(&w, inc);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_COMPACT, out, err);
}

sf_status sf_incident_write_geojson(const sf_incident *inc, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init_direct(&w, SF_JSON_COMPACT, out);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "type", "Feature");
	sf_json_str(&w, "id", inc->col[SF_COL_EVENT_ID_CNTY]);
	sf_json_object(&w, "geometry");
	sf_json_str(&w, "type", "Point");
	sf_json_array(&w, "coordinates");
	sf_json_num(&w, NULL, inc->longitude);
	sf_json_num(&w, NULL, inc->latitude);
	sf_json_end(&w);
	sf_json_end(&w);
	sf_json_object(&w, "properties");
	incident_members(&w, inc);
	sf_json_end(&w);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_COMPACT, out, err);
}

typedef struct one_ctx {
	sf_json_writer *w;
	int found;
	long version;
} one_ctx;

static int one_cb(void *ctx, const sf_incident *inc)
{
	one_ctx *o = ctx;
	sf_json_object(o->w, NULL);
	incident_members(o->w, inc);
	sf_json_end(o->w);
	o->found = 1;
	o->version = inc->version;
	return 1;
}

sf_status sf_incident_write_doc(sf_store *st, const char *event_id, sf_buf *out, int *found,
                                long *version, sf_error *err)
{
	sf_incident_filter f;
	sf_json_writer w;
	one_ctx o = {&w, 0, 0};
	sf_status rc;

	sf_incident_filter_init(&f);
	f.event_id = event_id;
	f.include_retracted = 1;
	sf_json_writer_init(&w);
	rc = sf_store_incident_query(st, &f, SF_ORDER_DATE, one_cb, &o, err);
	*found = o.found;
	if (version)
		*version = o.version;
	if (rc != SF_OK || !o.found) {
		sf_json_writer_release(&w);
		return rc;
	}
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

sf_status sf_import_write_json(const char *what, const sf_import_summary *s, const char *rejects,
                               size_t rejects_len, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "import", what);
	sf_json_int(&w, "batch", s->batch);
	sf_json_int(&w, "read", s->read);
	sf_json_int(&w, "inserted", s->inserted);
	sf_json_int(&w, "updated", s->updated);
	sf_json_int(&w, "unchanged", s->unchanged);
	sf_json_int(&w, "rejected", s->rejected);
	if (!strcmp(what, "incidents")) {
		sf_json_object(&w, "sector");
		for (int m = SF_SECTOR_NONE; m <= SF_SECTOR_OVERRIDE; m++)
			sf_json_int(&w, sf_sector_method_str((sf_sector_method)m), s->by_method[m]);
		sf_json_end(&w);
	}
	sf_json_num(&w, "seconds", sf__round_to(s->seconds, 3));
	sf_json_strn(&w, "rejects", rejects ? rejects : "", rejects ? rejects_len : 0);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

/* ---------------------------------------------------------------- */
/* list                                                               */

static const char *const list_cols[] = {"event_id", "date",     "sector",      "method", "type",
                                        "sub_type", "location", ">fatalities", "status"};

typedef struct list_ctx {
	sf_format fmt;
	long n;
	sf_table *t;
	sf_stream s;
	sf_status rc; /* the first failure; stops the query */
	long page;    /* a page: rows to write, 0 = every row */
	int more;     /* a page: a row past it exists */
	long last_day;
	sf_buf last_id; /* a page: the last row written */
} list_ctx;

static int list_cb(void *ctx, const sf_incident *inc)
{
	list_ctx *l = ctx;
	sf_status rc = SF_OK;
	sf_buf *b = l->s.out;
	if (l->page > 0) {
		if (l->n == l->page) {
			l->more = 1;
			return 1;
		}
		l->last_day = inc->day;
		sf_buf_reset(&l->last_id);
		rc = sf_buf_adds(&l->last_id, inc->col[SF_COL_EVENT_ID_CNTY]);
	}
	switch (l->fmt) {
	case SF_FORMAT_CSV:
		rc = sf_incident_write_csv(inc, b, l->s.err);
		break;
	case SF_FORMAT_JSON:
		rc = sf_buf_adds(b, l->n ? ",\n" : "\n");
		if (rc == SF_OK)
			rc = sf_incident_write_json(inc, b, l->s.err);
		break;
	case SF_FORMAT_GEOJSON:
		rc = sf_buf_adds(b, l->n ? ",\n" : "\n");
		if (rc == SF_OK)
			rc = sf_incident_write_geojson(inc, b, l->s.err);
		break;
	default:
		sf_table_begin_row(l->t);
		sf_table_add_cell(l->t, inc->col[SF_COL_EVENT_ID_CNTY]);
		sf_table_add_cell(l->t, inc->col[SF_COL_EVENT_DATE]);
		sf_table_add_cell(l->t, inc->sector && inc->sector[0] ? inc->sector : "-");
		sf_table_add_cell(l->t, sf_sector_method_str(inc->sector_method));
		sf_table_add_cell(l->t, inc->col[SF_COL_EVENT_TYPE]);
		sf_table_add_cell(l->t, inc->col[SF_COL_SUB_EVENT_TYPE]);
		sf_table_add_cell(l->t, inc->col[SF_COL_LOCATION]);
		if (inc->fatalities < 0)
			sf_table_add_cell(l->t, "no data");
		else
			sf_table_add_cellf(l->t, "%ld", inc->fatalities);
		sf_table_add_cell(l->t, sf_incident_status_str(inc->status));
		break;
	}
	l->n++;
	if (rc == SF_OK)
		rc = sf__stream_maybe_flush(&l->s);
	if (rc != SF_OK) {
		sf_error_set(l->s.err, rc, "out of memory writing the list");
		l->rc = rc;
		return 1;
	}
	return 0;
}

static sf_status write_list(sf_store *st, const sf_incident_filter *f, sf_format fmt, sf_buf *out,
                            sf_flush_fn flush, void *flush_ctx, list_ctx *lp, sf_error *err)
{
	list_ctx l = *lp;
	sf_status rc = SF_OK;

	l.fmt = fmt;
	sf__stream_init(&l.s, out, flush, flush_ctx, err);
	switch (fmt) {
	case SF_FORMAT_CSV:
		rc = sf_incident_csv_header(out, err);
		break;
	case SF_FORMAT_JSON:
		rc = sf_buf_adds(out, "[");
		break;
	case SF_FORMAT_GEOJSON:
		rc = sf_buf_adds(out, "{\"type\":\"FeatureCollection\",\"features\":[");
		break;
	case SF_FORMAT_TEXT:
	case SF_FORMAT_MD:
		l.t = sf__table_with_columns(list_cols, SF_ARRAY_LEN(list_cols));
		break;
	}
	if (rc == SF_OK)
		rc = sf_store_incident_query(st, f, SF_ORDER_DATE, list_cb, &l, err);
	if (rc == SF_OK)
		rc = l.rc;
	if (rc == SF_OK && fmt == SF_FORMAT_JSON)
		rc = sf_buf_adds(out, "\n]\n");
	else if (rc == SF_OK && fmt == SF_FORMAT_GEOJSON)
		rc = sf_buf_adds(out, "\n]}\n");
	else if (rc == SF_OK && l.t) {
		rc = sf_table_write(l.t, fmt, out);
		if (rc == SF_OK && fmt == SF_FORMAT_TEXT)
			rc = sf_buf_addf(out, "%ld incident%s\n", l.n, l.n == 1 ? "" : "s");
	}
	if (rc == SF_OK)
		rc = sf__stream_end(&l.s);
	sf_table_free(l.t);
	*lp = l;
	if (rc != SF_OK && err->code == SF_OK)
		sf_error_set(err, rc, "out of memory writing the list");
	return rc;
}

sf_status sf_incidents_write_list(sf_store *st, const sf_incident_filter *f, sf_format fmt,
                                  sf_buf *out, sf_flush_fn flush, void *flush_ctx, sf_error *err)
{
	list_ctx l;
	memset(&l, 0, sizeof l);
	return write_list(st, f, fmt, out, flush, flush_ctx, &l, err);
}

/* Characters a cursor keeps as they are in a URL's query (RFC 3986 unreserved, and ','). */
static int cursor_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~' || c == ',';
}

sf_status sf_incidents_write_page(sf_store *st, const sf_incident_filter *f, sf_format fmt,
                                  sf_buf *out, sf_buf *next, sf_error *err)
{
	sf_incident_filter q = *f;
	list_ctx l;
	sf_status rc;
	char date[16];

	if (fmt != SF_FORMAT_CSV && fmt != SF_FORMAT_JSON && fmt != SF_FORMAT_GEOJSON)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "a page of incidents is csv, json or geojson");
	if (f->limit < 1)
		return sf_error_set(err, SF_ERR_USAGE, "a page needs a limit of at least 1");
	memset(&l, 0, sizeof l);
	l.page = f->limit;
	sf_buf_init(&l.last_id, 0);
	q.limit = f->limit + 1; /* one more row tells whether there is a next page */
	rc = write_list(st, &q, fmt, out, NULL, NULL, &l, err);
	if (rc == SF_OK && l.more) {
		rc = sf_buf_adds(next, sf_date_format(l.last_day, date, sizeof date));
		rc = rc ? rc : sf_buf_addc(next, ',');
		for (const char *c = sf_buf_str(&l.last_id); rc == SF_OK && *c; c++)
			rc = cursor_plain((unsigned char)*c)
			             ? sf_buf_addc(next, *c)
			             : sf_buf_addf(next, "%%%02X", (unsigned char)*c);
		if (rc != SF_OK)
			sf_error_set(err, rc, "out of memory");
	}
	sf_buf_release(&l.last_id);
	return rc;
}

sf_status sf_incident_cursor_parse(const char *cursor, sf_incident_filter *f, sf_error *err)
{
	const char *comma = strchr(cursor, ',');
	char date[16];
	size_t n = comma ? (size_t)(comma - cursor) : 0;
	if (!comma || n >= sizeof date || !comma[1])
		return sf_error_set(err, SF_ERR_USAGE,
		                    "cursor '%.80s' is not DATE,EVENT_ID: pass back the one a page "
		                    "gave (X-Next-After)",
		                    cursor);
	memcpy(date, cursor, n);
	date[n] = '\0';
	if (sf_date_parse(date, &f->after_day) != 0)
		return sf_error_set(err, SF_ERR_USAGE, "cursor '%.80s': '%s' is not a date", cursor,
		                    date);
	f->after_id = comma + 1;
	return SF_OK;
}

/* ---------------------------------------------------------------- */
/* report                                                             */

static const char *dim_title(sf_dim d)
{
	switch (d) {
	case SF_DIM_SECTOR:
		return "sector";
	case SF_DIM_EVENT_TYPE:
		return "event_type";
	case SF_DIM_SUB_EVENT_TYPE:
		return "sub_event_type";
	case SF_DIM_ACTOR:
		return "actor";
	default:
		return "key";
	}
}

static const char *key_text(const char *k, sf_dim d)
{
	if (d == SF_DIM_NONE)
		return "all";
	if (!*k)
		return d == SF_DIM_SECTOR ? "(none)" : "(empty)";
	return k;
}

static const char *period_str(sf_period p)
{
	return p == SF_PERIOD_DAY ? "day" : p == SF_PERIOD_WEEK ? "week" : "total";
}

/* Any row with incidents whose fatalities were not reported: the column is shown then. */
static int any_unknown(const sf_report *r)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].fatalities_unknown > 0)
			return 1;
	return 0;
}

/* Every incident of the row left fatalities empty: no figure exists (not 0). */
static int fatalities_none(const sf_report_row *w)
{
	return w->fatalities_unknown > 0 && w->fatalities_unknown >= w->count;
}

/* The fatalities cell, and the not-reported count's when the table has that column. */
static void fatality_cells(sf_table *t, const sf_report_row *w, int unk)
{
	if (fatalities_none(w))
		sf_table_add_cell(t, "no data");
	else
		sf_table_add_cellf(t, "%ld", w->fatalities);
	if (unk)
		sf_table_add_cellf(t, "%ld", w->fatalities_unknown);
}

static sf_table *periods_table(const sf_report *r, sf_dim dim, sf_period per)
{
	int unk = any_unknown(r);
	sf_table *t = sf_table_new();
	sf_table_add_column(t,
	                    per == SF_PERIOD_DAY    ? "day"
	                    : per == SF_PERIOD_WEEK ? "week"
	                                            : "period",
	                    SF_ALIGN_LEFT);
	if (dim != SF_DIM_NONE)
		sf_table_add_column(t, dim_title(dim), SF_ALIGN_LEFT);
	sf_table_add_column(t, "days_covered", SF_ALIGN_RIGHT);
	sf_table_add_column(t, "incidents", SF_ALIGN_RIGHT);
	sf_table_add_column(t, "fatalities", SF_ALIGN_RIGHT);
	if (unk)
		sf_table_add_column(t, "fatalities_not_reported", SF_ALIGN_RIGHT);
	for (size_t i = 0; i < r->nrows; i++) {
		const sf_report_row *w = &r->rows[i];
		sf_table_begin_row(t);
		sf_table_add_cell(t, w->period);
		if (dim != SF_DIM_NONE)
			sf_table_add_cell(t, key_text(w->key, dim));
		sf_table_add_cellf(t, "%ld", w->days);
		if (w->no_data) {
			sf_table_add_cell(t, "no data");
			sf_table_add_cell(t, "no data");
			if (unk)
				sf_table_add_cell(t, "no data");
			continue;
		}
		sf_table_add_cellf(t, "%ld", w->count);
		fatality_cells(t, w, unk);
	}
	return t;
}

/* A change's level as a person reads it. */
static void level_text(const sf_change *c, char *buf, size_t n)
{
	sf_snprintf(buf, n, "%s%s", sf_change_level_str(c->level),
	            c->low_baseline ? " (low baseline)" : "");
}

static void change_cells(sf_table *t, const sf_change *c)
{
	char lv[48];
	if (isnan(c->mean))
		sf_table_add_cell(t, "no data");
	else
		sf_table_add_cellf(t, "%.2f", c->mean);
	sf_table_add_cellf(t, "%d", c->weeks);
	if (isnan(c->pct))
		sf_table_add_cell(t, "-");
	else
		sf_table_add_cellf(t, "%+.1f", c->pct);
	level_text(c, lv, sizeof lv);
	sf_table_add_cell(t, lv);
}

static sf_table *trend_table(const sf_report *r, sf_dim dim)
{
	static const char *const cols[] = {
	        ">this_week", ">fatalities", ">mean_4w",   ">weeks_4w",       ">change_4w_pct",
	        "level_4w",   ">mean_52w",   ">weeks_52w", ">change_52w_pct", "level_52w"};
	int unk = any_unknown(r);
	sf_table *t = sf_table_new();
	sf_table_add_column(t, dim_title(dim), SF_ALIGN_LEFT);
	for (size_t i = 0; i < SF_ARRAY_LEN(cols); i++) {
		sf_table_add_column(t, cols[i] + (cols[i][0] == '>'),
		                    cols[i][0] == '>' ? SF_ALIGN_RIGHT : SF_ALIGN_LEFT);
		if (i == 1 && unk)
			sf_table_add_column(t, "fatalities_not_reported", SF_ALIGN_RIGHT);
	}
	for (size_t i = 0; i < r->nrows; i++) {
		const sf_report_row *w = &r->rows[i];
		sf_table_begin_row(t);
		sf_table_add_cell(t, key_text(w->key, dim));
		if (w->no_data) {
			sf_table_add_cell(t, "no data");
			sf_table_add_cell(t, "no data");
			if (unk)
				sf_table_add_cell(t, "no data");
		} else {
			sf_table_add_cellf(t, "%ld", w->count);
			fatality_cells(t, w, unk);
		}
		change_cells(t, &w->w4);
		change_cells(t, &w->w52);
	}
	return t;
}

static sf_table *split_table(const sf_report *r, sf_dim dim)
{
	const sf_column_spec cols[] = {
	        {"period", SF_ALIGN_LEFT},      {dim_title(dim), SF_ALIGN_LEFT},
	        {"days", SF_ALIGN_RIGHT},       {"incidents", SF_ALIGN_RIGHT},
	        {"fatalities", SF_ALIGN_RIGHT}, {"incidents_per_day", SF_ALIGN_RIGHT},
	};
	int unk = any_unknown(r);
	sf_table *t = sf_table_new();
	sf_table_add_columns(t, cols, 5);
	if (unk)
		sf_table_add_column(t, "fatalities_not_reported", SF_ALIGN_RIGHT);
	sf_table_add_columns(t, cols + 5, SF_ARRAY_LEN(cols) - 5);
	for (size_t i = 0; i < r->nrows; i++) {
		const sf_report_row *w = &r->rows[i];
		sf_table_begin_row(t);
		sf_table_add_cell(t, w->period);
		sf_table_add_cell(t, key_text(w->key, dim));
		sf_table_add_cellf(t, "%ld",
		                   strcmp(w->period, "before") == 0 ? r->days_before
		                                                    : r->days_after);
		sf_table_add_cellf(t, "%ld", w->count);
		fatality_cells(t, w, unk);
		sf_table_add_cellf(t, "%.2f", w->per_day);
	}
	return t;
}

static void json_change(sf_json_writer *w, const char *key, const sf_change *c)
{
	sf_json_object(w, key);
	sf_json_int(w, "weeks", c->weeks);
	sf_json_num(w, "mean_per_week", sf__round_to(c->mean, 4));
	sf_json_num(w, "change_pct", sf__round_to(c->pct, 2));
	sf_json_str(w, "level", sf_change_level_str(c->level));
	sf_json_bool(w, "low_baseline", c->low_baseline);
	sf_json_end(w);
}

/* The rows of a report as a JSON array under key; no data is null, never 0. */
static void json_rows(sf_json_writer *w, const char *key, const sf_report *r, sf_dim dim)
{
	sf_json_array(w, key);
	for (size_t i = 0; i < r->nrows; i++) {
		const sf_report_row *row = &r->rows[i];
		sf_json_object(w, NULL);
		sf_json_str(w, "period", row->period);
		if (dim != SF_DIM_NONE)
			sf_json_str(w, sf_dim_str(dim), row->key);
		if (r->kind != 2)
			sf_json_int(w, "days_covered", row->days);
		if (row->no_data) {
			sf_json_null(w, "incidents");
			sf_json_null(w, "fatalities");
			sf_json_null(w, "fatalities_not_reported");
		} else {
			sf_json_int(w, "incidents", row->count);
			if (fatalities_none(row))
				sf_json_null(w, "fatalities"); /* no incident gave a figure */
			else
				sf_json_int(w, "fatalities", row->fatalities);
			sf_json_int(w, "fatalities_not_reported", row->fatalities_unknown);
		}
		if (r->kind == 1) {
			json_change(w, "vs_4_weeks", &row->w4);
			json_change(w, "vs_52_weeks", &row->w52);
		}
		if (r->kind == 2)
			sf_json_num(w, "incidents_per_day", sf__round_to(row->per_day, 4));
		sf_json_end(w);
	}
	sf_json_end(w);
}

static sf_status report_json(const sf_report_options *o, const sf_report *rp, const sf_report *rt,
                             const sf_report *rs, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	char d1[16], d2[16];
	const sf_report *any = rp ? rp : rt ? rt : rs;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "by", sf_dim_str(o->dim));
	sf_json_str(&w, "period", period_str(o->period));
	sf_json_object(&w, "covered");
	sf_json_str(&w, "from",
	            any && any->covered_from != SF_DAY_NONE
	                    ? sf_date_format(any->covered_from, d1, sizeof d1)
	                    : NULL);
	sf_json_str(&w, "to",
	            any && any->covered_to != SF_DAY_NONE
	                    ? sf_date_format(any->covered_to, d2, sizeof d2)
	                    : NULL);
	sf_json_end(&w);
	sf_json_str(&w, "units",
	            "incidents: events; fatalities: people killed as reported (null: no "
	            "incident of the row gave a figure; fatalities_not_reported: incidents "
	            "without one); "
	            "means: incidents per week; change: percent");
	if (rp)
		json_rows(&w, "periods", rp, o->dim);
	if (rt && rt->as_of) {
		sf_json_object(&w, "trend");
		sf_json_str(&w, "from", sf_date_format(rt->from_day, d1, sizeof d1));
		sf_json_str(&w, "as_of", sf_date_format(rt->as_of, d2, sizeof d2));
		sf_json_num(&w, "low_baseline_mean", o->low_mean);
		sf_json_int(&w, "low_baseline_week", o->low_week);
		json_rows(&w, "rows", rt, o->dim);
		sf_json_end(&w);
	}
	if (rs) {
		sf_json_object(&w, "split");
		sf_json_str(&w, "date", sf_date_format(o->split_day, d1, sizeof d1));
		sf_json_int(&w, "days_before", rs->days_before);
		sf_json_int(&w, "days_after", rs->days_after);
		json_rows(&w, "rows", rs, o->dim);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

/* Text and md: a heading (md: "## "), a blank line, the table; csv: the table alone. */
static sf_status section(sf_buf *out, sf_format fmt, sf_table *t, const char *lead,
                         const char *heading)
{
	sf_status rc = SF_OK;
	if (fmt != SF_FORMAT_CSV)
		rc = sf_buf_addf(out, "%s%s%s\n\n", lead, fmt == SF_FORMAT_MD ? "## " : "",
		                 heading);
	if (rc == SF_OK)
		rc = sf_table_write(t, fmt, out);
	sf_table_free(t);
	return rc;
}

static sf_status report_tables(const sf_report_options *o, const sf_report *rp, const sf_report *rt,
                               const sf_report *rs, sf_format fmt, sf_buf *out)
{
	sf_status rc = SF_OK;
	char h[320], d1[16], d2[16];
	const sf_report *any = rp ? rp : rt ? rt : rs;
	if (fmt != SF_FORMAT_CSV && any) {
		if (any->covered_from != SF_DAY_NONE)
			rc = sf_buf_addf(out,
			                 "The register covers %s to %s: outside it a period has "
			                 "no data (not 0); inside, no incident is 0.\n\n",
			                 sf_date_format(any->covered_from, d1, sizeof d1),
			                 sf_date_format(any->covered_to, d2, sizeof d2));
		else
			rc = sf_buf_adds(out, "The register holds no incident: no data.\n\n");
		if (rc == SF_OK &&
		    ((rp && any_unknown(rp)) || (rt && any_unknown(rt)) || (rs && any_unknown(rs))))
			rc = sf_buf_adds(
			        out, "Fatalities are the sum of the figures reported; "
			             "fatalities_not_reported counts the incidents that gave none "
			             "(not counted as 0), and \"no data\" means no incident of "
			             "the row gave one.\n\n");
	}
	if (rp && rc == SF_OK) {
		sf_snprintf(h, sizeof h,
		            "incidents (events) and fatalities (people, as reported) %s%s%s",
		            o->period == SF_PERIOD_DAY    ? "by day"
		            : o->period == SF_PERIOD_WEEK ? "by week (Monday to Sunday)"
		                                          : "in total",
		            o->dim != SF_DIM_NONE ? ", by " : "",
		            o->dim != SF_DIM_NONE ? dim_title(o->dim) : "");
		rc = section(out, fmt, periods_table(rp, o->dim, o->period), "", h);
	}
	if (rt && rc == SF_OK && rt->covered_from == SF_DAY_NONE) {
		/* No incident at all: no week to date, nothing to compare (not 1970). */
		sf_snprintf(h, sizeof h, "change levels: no data (the register holds no incident)");
		rc = section(out, fmt, trend_table(rt, o->dim), rp ? "\n" : "", h);
	} else if (rt && rc == SF_OK) {
		sf_date_format(rt->from_day, d1, sizeof d1);
		sf_date_format(rt->as_of, d2, sizeof d2);
		sf_snprintf(h, sizeof h,
		            "change levels: this week (%s to %s, incidents) against the mean "
		            "incidents per week of the 4 and the 52 weeks before (ACLED's levels; "
		            "low baseline: mean <= %g and this week <= %ld, no percentage)",
		            d1, d2, o->low_mean, o->low_week);
		rc = section(out, fmt, trend_table(rt, o->dim), rp ? "\n" : "", h);
	}
	if (rs && rc == SF_OK) {
		sf_date_format(o->split_day, d1, sizeof d1);
		sf_snprintf(h, sizeof h, "before and after %s (before: %ld days, after: %ld days)",
		            d1, rs->days_before, rs->days_after);
		rc = section(out, fmt, split_table(rs, o->dim), "\n", h);
	}
	return rc;
}

sf_status sf_incidents_write_report(sf_store *st, const sf_incident_filter *f,
                                    const sf_report_options *o, unsigned tables, sf_format fmt,
                                    sf_buf *out, sf_error *err)
{
	sf_report rp, rt, rs;
	sf_status rc;
	int want_p = (tables & SF_REPORT_PERIODS) != 0, want_t = (tables & SF_REPORT_TREND) != 0;
	int want_s = (tables & SF_REPORT_SPLIT) != 0 && o->split_day != SF_DAY_NONE;

	if (fmt == SF_FORMAT_GEOJSON)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "the report is text, csv, json or md, not geojson");
	if (tables == SF_REPORT_SPLIT && o->split_day == SF_DAY_NONE)
		return sf_error_set(err, SF_ERR_USAGE, "the split table needs a ceasefire date");
	if (fmt == SF_FORMAT_CSV && want_p + want_t + want_s != 1)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "csv holds one table: --table periods, trend or split");
	memset(&rp, 0, sizeof rp);
	memset(&rt, 0, sizeof rt);
	memset(&rs, 0, sizeof rs);
	rc = SF_OK;
	if (want_p)
		rc = sf_incidents_report(st, f, o, &rp, err);
	if (rc == SF_OK && want_t)
		rc = sf_incidents_trend(st, f, o, &rt, err);
	if (rc == SF_OK && want_s)
		rc = sf_incidents_split(st, f, o, &rs, err);
	if (rc == SF_OK && fmt == SF_FORMAT_JSON)
		rc = report_json(o, want_p ? &rp : NULL, want_t ? &rt : NULL, want_s ? &rs : NULL,
		                 out, err);
	else if (rc == SF_OK && (rc = report_tables(o, want_p ? &rp : NULL, want_t ? &rt : NULL,
	                                            want_s ? &rs : NULL, fmt, out)) != SF_OK)
		sf_error_set(err, rc, "out of memory writing the report");
	sf_report_release(&rp);
	sf_report_release(&rt);
	sf_report_release(&rs);
	return rc;
}

/* ---------------------------------------------------------------- */
/* dupes                                                              */

static const char *const dupe_cols[] = {"a",       "b",      "a_date",   "b_date",
                                        "type",    ">km",    "location", "systems",
                                        "sources", "reason", "decision"};

typedef struct dupe_ctx {
	sf_table *t;
	sf_json_writer *w;
	long n;
} dupe_ctx;

static void dupe_side(sf_json_writer *w, const char *key, const sf_incident *inc)
{
	sf_json_object(w, key);
	sf_json_str(w, "event_id", inc->col[SF_COL_EVENT_ID_CNTY]);
	sf_json_str(w, "date", inc->col[SF_COL_EVENT_DATE]);
	sf_json_str(w, "event_type", inc->col[SF_COL_EVENT_TYPE]);
	sf_json_str(w, "location", inc->col[SF_COL_LOCATION]);
	sf_json_str(w, "source_system", inc->source_system ? inc->source_system : "");
	sf_json_str(w, "source", inc->col[SF_COL_SOURCE]);
	sf_json_end(w);
}

static int dupe_cb(void *ctx, const sf_dupe_pair *p)
{
	dupe_ctx *d = ctx;
	if (d->w) {
		sf_json_object(d->w, NULL);
		dupe_side(d->w, "a", p->a);
		dupe_side(d->w, "b", p->b);
		sf_json_num(d->w, "km", sf__round_to(p->km, 3));
		sf_json_str(d->w, "reason", p->reason);
		sf_json_str(d->w, "decision", p->decision[0] ? p->decision : NULL);
		sf_json_end(d->w);
	} else {
		sf_table *t = d->t;
		sf_table_begin_row(t);
		sf_table_add_cell(t, p->a->col[SF_COL_EVENT_ID_CNTY]);
		sf_table_add_cell(t, p->b->col[SF_COL_EVENT_ID_CNTY]);
		sf_table_add_cell(t, p->a->col[SF_COL_EVENT_DATE]);
		sf_table_add_cell(t, p->b->col[SF_COL_EVENT_DATE]);
		sf_table_add_cell(t, p->a->col[SF_COL_EVENT_TYPE]);
		sf_table_add_cellf(t, "%.2f", p->km);
		sf_table_add_cell(t, p->a->col[SF_COL_LOCATION]);
		sf_table_add_cellf(t, "%s / %s", p->a->source_system, p->b->source_system);
		sf_table_add_cellf(t, "%s / %s", p->a->col[SF_COL_SOURCE],
		                   p->b->col[SF_COL_SOURCE]);
		sf_table_add_cell(t, p->reason);
		sf_table_add_cell(t, p->decision[0] ? p->decision : "-");
	}
	d->n++;
	return 0;
}

sf_status sf_incidents_write_dupes(sf_store *st, const sf_incident_filter *f,
                                   const sf_dupe_options *o, sf_format fmt, sf_buf *out,
                                   sf_error *err)
{
	dupe_ctx d = {NULL, NULL, 0};
	sf_json_writer w;
	sf_status rc;

	if (fmt == SF_FORMAT_GEOJSON)
		return sf_error_set(err, SF_ERR_USAGE, "duplicates are text, csv, json or md");
	if (fmt == SF_FORMAT_JSON) {
		sf_json_writer_init(&w);
		d.w = &w;
		sf_json_object(&w, NULL);
		sf_json_int(&w, "max_days", o->max_days);
		sf_json_num(&w, "max_km", o->max_km);
		sf_json_array(&w, "pairs");
	} else {
		d.t = sf__table_with_columns(dupe_cols, SF_ARRAY_LEN(dupe_cols));
	}
	rc = sf_incidents_dupes(st, f, o, dupe_cb, &d, err);
	if (d.w) {
		sf_json_end(&w);
		sf_json_int(&w, "count", d.n);
		sf_json_end(&w);
		if (rc == SF_OK)
			return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
		sf_json_writer_release(&w);
		return rc;
	}
	if (rc == SF_OK)
		rc = sf_table_write(d.t, fmt, out);
	if (rc == SF_OK && fmt == SF_FORMAT_TEXT)
		rc = sf_buf_addf(out, "%ld possible duplicate pair%s\n", d.n, d.n == 1 ? "" : "s");
	sf_table_free(d.t);
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing the pairs");
}

/* ---------------------------------------------------------------- */
/* log                                                                */

static const char *const log_cols[] = {">id",  "at",   "who", "event_id", "other_id",
                                       "what", "from", "to",  "note"};

typedef struct log_ctx {
	sf_table *t;
	sf_json_writer *w;
	const char *none; /* shown for an empty value: "-" in text and md, "" in csv */
} log_ctx;

static int log_cb(void *ctx, const sf_edit_entry *e)
{
	log_ctx *l = ctx;
	if (l->w) {
		sf_json_writer *w = l->w;
		sf_json_object(w, NULL);
		sf_json_int(w, "id", e->id);
		sf_json_str(w, "at", e->at);
		sf_json_str(w, "who", e->who);
		sf_json_str(w, "event_id", e->event_id);
		sf_json_str(w, "other_id", e->other_id[0] ? e->other_id : NULL);
		sf_json_str(w, "what", e->what);
		sf_json_str(w, "from", e->from[0] ? e->from : NULL);
		sf_json_str(w, "to", e->to);
		sf_json_str(w, "note", e->note);
		sf_json_end(w);
		return 0;
	}
	sf_table *t = l->t;
	sf_table_begin_row(t);
	sf_table_add_cellf(t, "%ld", e->id);
	sf_table_add_cell(t, e->at);
	sf_table_add_cell(t, e->who);
	sf_table_add_cell(t, e->event_id);
	sf_table_add_cell(t, e->other_id[0] ? e->other_id : l->none);
	sf_table_add_cell(t, e->what);
	sf_table_add_cell(t, e->from[0] ? e->from : l->none);
	sf_table_add_cell(t, e->to);
	sf_table_add_cell(t, e->note);
	return 0;
}

sf_status sf_incidents_write_log(sf_store *st, const char *event_id, sf_format fmt, sf_buf *out,
                                 sf_error *err)
{
	log_ctx l = {NULL, NULL, fmt == SF_FORMAT_CSV ? "" : "-"};
	sf_json_writer w;
	sf_status rc;

	if (fmt == SF_FORMAT_GEOJSON)
		return sf_error_set(err, SF_ERR_USAGE, "the log is text, csv, json or md");
	if (fmt == SF_FORMAT_JSON) {
		sf_json_writer_init(&w);
		l.w = &w;
		sf_json_array(&w, NULL);
	} else {
		l.t = sf__table_with_columns(log_cols, SF_ARRAY_LEN(log_cols));
	}
	rc = sf_store_edits(st, event_id, log_cb, &l, err);
	if (l.w) {
		sf_json_end(&w);
		if (rc == SF_OK)
			return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
		sf_json_writer_release(&w);
		return rc;
	}
	if (rc == SF_OK && (rc = sf_table_write(l.t, fmt, out)) != SF_OK)
		sf_error_set(err, rc, "out of memory writing the log");
	sf_table_free(l.t);
	return rc;
}

/* ---------------------------------------------------------------- */
/* threat                                                             */

/* ---------------------------------------------------------------- */
/* alerts                                                             */

static const char *alert_kind_str(sf_alert_kind k)
{
	switch (k) {
	case SF_ALERT_CHANGE:
		return "change";
	case SF_ALERT_EVENT_TYPE:
		return "event_type";
	case SF_ALERT_FATALITIES:
		return "fatalities";
	}
	return "?";
}

/* One alert as a sentence, with its units. */
static sf_status alert_line(const sf_alert *a, sf_buf *out, int md)
{
	char d[16], pct[48];
	sf_date_format(a->day, d, sizeof d);
	const char *bullet = md ? "- " : "";
	if (a->kind == SF_ALERT_CHANGE) {
		if (isnan(a->pct))
			sf_snprintf(pct, sizeof pct, "no percentage");
		else
			sf_snprintf(pct, sizeof pct, "%+.0f%%", a->pct);
		return sf_buf_addf(
		        out,
		        "%s%s  %s: %s%s: %ld incidents in the 7 days to %s against %.2f a "
		        "week over the 4 weeks before (%s)\n",
		        bullet, d, a->sector, sf_change_level_str(a->level),
		        a->is_new ? " (new since the day before)" : "", a->count, d, a->mean, pct);
	}
	char fat[48];
	if (a->fatalities < 0)
		sf_snprintf(fat, sizeof fat, "fatalities not reported (no data)");
	else
		sf_snprintf(fat, sizeof fat, "%ld fatalities reported", a->fatalities);
	return sf_buf_addf(out, "%s%s  %s: %s %s, %s%s%s, %s\n", bullet, d,
	                   a->sector[0] ? a->sector : "no sector",
	                   a->kind == SF_ALERT_FATALITIES ? "fatalities over the threshold in"
	                                                  : "an incident of a watched type,",
	                   a->event_id, a->event_type, a->location[0] ? " at " : "", a->location,
	                   fat);
}

sf_status sf_incidents_write_alerts(sf_store *st, const sf_alert_rules *rules, sf_format fmt,
                                    sf_buf *out, sf_error *err)
{
	sf_alert_rules dflt;
	sf_alerts a;
	char d[16];
	sf_status rc;

	if (fmt != SF_FORMAT_TEXT && fmt != SF_FORMAT_MD && fmt != SF_FORMAT_JSON)
		return sf_error_set(err, SF_ERR_USAGE, "alerts are text, md or json");
	if (!rules) {
		sf_alert_rules_init(&dflt);
		rules = &dflt;
	}
	rc = sf_incidents_alerts(st, rules, &a, err);
	if (rc != SF_OK)
		return rc;
	if (fmt == SF_FORMAT_JSON) {
		sf_json_writer w;
		sf_json_writer_init(&w);
		sf_json_object(&w, NULL);
		if (a.as_of == SF_DAY_NONE)
			sf_json_null(&w, "as_of");
		else
			sf_json_str(&w, "as_of", sf_date_format(a.as_of, d, sizeof d));
		sf_json_int(&w, "days", a.days);
		sf_json_object(&w, "rules");
		if (rules->change_level == SF_CHANGE_NO_DATA)
			sf_json_null(&w, "change_level");
		else
			sf_json_str(&w, "change_level", sf_change_level_str(rules->change_level));
		sf_json_array(&w, "event_types");
		for (size_t k = 0; k < rules->nevent_types; k++)
			sf_json_str(&w, NULL, rules->event_types[k]);
		sf_json_end(&w);
		sf_json_int(&w, "fatalities", rules->fatalities);
		sf_json_end(&w);
		sf_json_array(&w, "alerts");
		for (size_t i = 0; i < a.n; i++) {
			const sf_alert *x = &a.items[i];
			sf_json_object(&w, NULL);
			sf_json_str(&w, "kind", alert_kind_str(x->kind));
			sf_json_str(&w, "date", sf_date_format(x->day, d, sizeof d));
			if (x->sector[0])
				sf_json_str(&w, "sector", x->sector);
			else
				sf_json_null(&w, "sector");
			if (x->kind == SF_ALERT_CHANGE) {
				sf_json_str(&w, "level", sf_change_level_str(x->level));
				sf_json_bool(&w, "new", x->is_new);
				sf_json_int(&w, "incidents_this_week", x->count);
				sf_json_num(&w, "mean_per_week_4", sf__round_to(x->mean, 4));
				sf_json_num(&w, "pct", sf__round_to(x->pct, 2));
			} else {
				sf_json_str(&w, "event_id", x->event_id);
				sf_json_str(&w, "event_type", x->event_type);
				sf_json_str(&w, "location", x->location);
			}
			if (x->fatalities < 0)
				sf_json_null(&w, "fatalities");
			else
				sf_json_int(&w, "fatalities", x->fatalities);
			sf_json_end(&w);
		}
		sf_json_end(&w);
		/* Incidents the fatalities rule could not judge (no figure): never silent. */
		sf_json_int(&w, "fatalities_not_reported", a.fatalities_unjudged);
		sf_json_end(&w);
		rc = sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
		sf_alerts_release(&a);
		return rc;
	}
	int md = fmt == SF_FORMAT_MD;
	if (a.as_of == SF_DAY_NONE)
		rc = sf_buf_adds(out, "No incident in the register: no alert.\n");
	else
		rc = sf_buf_addf(out, "%s%zu alert%s as of %s (the last %d day%s)\n%s",
		                 md ? "## " : "", a.n, a.n == 1 ? "" : "s",
		                 sf_date_format(a.as_of, d, sizeof d), a.days,
		                 a.days == 1 ? "" : "s", md || a.n ? "\n" : "");
	for (size_t i = 0; rc == SF_OK && i < a.n; i++)
		rc = alert_line(&a.items[i], out, md);
	if (rc == SF_OK && a.fatalities_unjudged > 0)
		rc = sf_buf_addf(out,
		                 "%s%ld incident%s in those days gave no fatalities figure (no "
		                 "data): the fatalities rule (at least %ld) cannot judge %s, so "
		                 "%s no alert\n",
		                 a.n || md ? "\n" : "", a.fatalities_unjudged,
		                 a.fatalities_unjudged == 1 ? "" : "s", rules->fatalities,
		                 a.fatalities_unjudged == 1 ? "it" : "them",
		                 a.fatalities_unjudged == 1 ? "it raises" : "they raise");
	sf_alerts_release(&a);
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing the alerts");
}

/* The event weights in effect: o's, or the defaults. */
static const sf_threat_weight *threat_events(const sf_threat_options *o, size_t *n)
{
	if (o->events) {
		*n = o->nevents;
		return o->events;
	}
	return sf_threat_default_weights(n);
}

/*
 * The threat table. Units: incidents counted in the window (of the event
 * types with a weight), their weighted score, people (the population
 * attribute named), score per 100,000 people in the window; the
 * multipliers are ratios. A sector without a population has no data
 * (null in JSON, "no data" in text), never 0.
 */
static sf_status threat_out(const sf_scenario *sc, const sf_threat_options *o, const sf_threat *th,
                            double all_rate, sf_format fmt, sf_buf *out, sf_error *err)
{
	size_t nev;
	const sf_threat_weight *ev = threat_events(o, &nev);
	if (fmt == SF_FORMAT_JSON) {
		sf_json_writer w;
		sf_json_writer_init(&w);
		sf_json_object(&w, NULL);
		sf_json_int(&w, "window_days", o->window_days);
		sf_json_num(&w, "min", o->min);
		sf_json_num(&w, "max", o->max);
		sf_json_num(&w, "weight", o->weight);
		sf_json_str(&w, "population_attr", o->population_attr);
		sf_json_object(&w, "event_weights");
		for (size_t k = 0; k < nev; k++)
			sf_json_num(&w, ev[k].event_type, ev[k].weight);
		sf_json_end(&w);
		sf_json_object(&w, "units");
		sf_json_str(&w, "incidents",
		            "incidents in the window, of the event types weighted");
		sf_json_str(&w, "score", "incidents weighted by event type");
		sf_json_str(&w, "population", "people");
		sf_json_str(&w, "per_100k", "score per 100,000 people in the window");
		sf_json_str(&w, "threat", "multiplier of the sector's requirements");
		sf_json_end(&w);
		sf_json_num(&w, "all_per_100k", sf__round_to(all_rate, 4));
		sf_json_array(&w, "sectors");
		for (size_t i = 0; i < sc->nsectors; i++) {
			int pop = th[i].population > 0;
			sf_json_object(&w, NULL);
			sf_json_str(&w, "sector", sc->sectors[i].id);
			sf_json_int(&w, "incidents", th[i].incidents);
			sf_json_num(&w, "score", sf__round_to(th[i].score, 4));
			if (pop)
				sf_json_num(&w, "population", th[i].population);
			else
				sf_json_null(&w, "population");
			if (pop)
				sf_json_num(&w, "per_100k", sf__round_to(th[i].rate, 4));
			else
				sf_json_null(&w, "per_100k");
			sf_json_num(&w, "threat", sf__round_to(th[i].multiplier, 4));
			sf_json_bool(&w, "no_data", th[i].no_data);
			sf_json_num(&w, "scenario_threat", sc->sectors[i].threat);
			sf_json_end(&w);
		}
		sf_json_end(&w);
		sf_json_end(&w);
		return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
	}
	sf_status rc = SF_OK;
	if (fmt == SF_FORMAT_TEXT || fmt == SF_FORMAT_MD) {
		/* What is counted, before the table: the weights and the window. */
		rc = sf_buf_addf(out, "Incidents of the last %d days, weighted by event type:",
		                 o->window_days);
		for (size_t k = 0; rc == SF_OK && k < nev; k++)
			rc = sf_buf_addf(out, "%s %s %g", k ? "," : "", ev[k].event_type,
			                 ev[k].weight);
		if (rc == SF_OK)
			rc = sf_buf_addf(out,
			                 "%s; other types count 0. Population: sector attribute "
			                 "'%s' (people).\n\n",
			                 nev ? "" : " none", o->population_attr);
		if (rc != SF_OK)
			return sf_error_set(err, rc, "out of memory writing the table");
	}
	sf_table *t = sf_table_new();
	if (!t)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the table");
	int csv = fmt == SF_FORMAT_CSV;
	/* [0] for people (text, markdown), [1] CSV's names */
	static const sf_column_spec cols[2][8] = {
	        {{"sector", SF_ALIGN_LEFT},
	         {"incidents (n)", SF_ALIGN_RIGHT},
	         {"population (people)", SF_ALIGN_RIGHT},
	         {"per 100k people", SF_ALIGN_RIGHT},
	         {"all sectors per 100k", SF_ALIGN_RIGHT},
	         {"threat (x)", SF_ALIGN_RIGHT},
	         {"scenario threat (x)", SF_ALIGN_RIGHT},
	         {"weighted (n)", SF_ALIGN_RIGHT}},
	        {{"sector", SF_ALIGN_LEFT},
	         {"incidents", SF_ALIGN_RIGHT},
	         {"population", SF_ALIGN_RIGHT},
	         {"per_100k", SF_ALIGN_RIGHT},
	         {"all_per_100k", SF_ALIGN_RIGHT},
	         {"threat", SF_ALIGN_RIGHT},
	         {"scenario_threat", SF_ALIGN_RIGHT},
	         {"score", SF_ALIGN_RIGHT}},
	};
	sf_table_add_columns(t, cols[csv], SF_ARRAY_LEN(cols[csv]));
	const char *nd = csv ? "" : "no data";
	for (size_t i = 0; i < sc->nsectors; i++) {
		int pop = th[i].population > 0;
		sf_table_begin_row(t);
		sf_table_add_cell(t, sc->sectors[i].id);
		sf_table_add_cellf(t, "%ld", th[i].incidents);
		if (pop)
			sf_table_add_cellf(t, "%.0f", th[i].population);
		else
			sf_table_add_cell(t, nd);
		if (pop)
			sf_table_add_cellf(t, "%.2f", th[i].rate);
		else
			sf_table_add_cell(t, nd);
		sf_table_add_cellf(t, "%.2f", all_rate);
		if (th[i].no_data && !csv)
			sf_table_add_cell(t, "no data"); /* 1 is used, by convention */
		else
			sf_table_add_cellf(t, "%.3f", th[i].multiplier);
		sf_table_add_cellf(t, "%.3f", sc->sectors[i].threat);
		sf_table_add_cellf(t, "%.2f", th[i].score);
	}
	rc = sf_table_write(t, fmt, out);
	sf_table_free(t);
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing the table");
}

sf_status sf_register_write_threat(sf_store *st, const sf_scenario *sc, const sf_threat_options *o,
                                   sf_format fmt, sf_buf *out, sf_error *err)
{
	double all_rate = 0;
	sf_status rc;

	if (fmt == SF_FORMAT_GEOJSON)
		return sf_error_set(err, SF_ERR_USAGE, "threat is text, csv, json or md");
	sf_threat *th = calloc(sc->nsectors ? sc->nsectors : 1, sizeof *th);
	if (!th)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	rc = sf_register_threat(st, sc, o, th, &all_rate, err);
	if (rc == SF_OK)
		rc = threat_out(sc, o, th, all_rate, fmt, out, err);
	free(th);
	return rc;
}
