/*
 * aid.c (output) - every output of `stabforce aid`: the list of rows, the
 * report against the commitment, the escorts a convoy task needs.
 *
 * As for incidents (output/incidents.c): tables through base/table.c,
 * JSON through base/json.c, figures rounded here to what the text shows
 * (or finer) so that every format gives the same numbers. The list's csv
 * has the columns `aid import` reads, so it imports back as it is.
 */
#include "base/internal.h"

#include <math.h>
#include <string.h>

#include "base/csv.h"
#include "output/output.h"
#include "stabforce/register.h"

/* ---------------------------------------------------------------- */
/* list                                                               */

static const char *const list_cols[] = {"date",     "crossing", ">trucks", ">tonnes",
                                        "category", "stage",    "source"};

typedef struct list_ctx {
	sf_format fmt;
	long n;
	sf_table *t;
	sf_stream s;
	sf_status rc; /* the first failure; stops the query */
} list_ctx;

/*
 * A count as text and markdown show every count ("10,192", sf_money_str's
 * separators); CSV keeps the plain digits a program reads.
 */
static void count_cell(sf_table *t, long v, int csv)
{
	char b[32];
	if (csv)
		sf_table_add_cellf(t, "%ld", v);
	else
		sf_table_add_cell(t, sf_money_str((double)v, b, sizeof b));
}

static sf_status row_csv(const sf_aid_row *row, const char *date, sf_buf *b)
{
	int bad = sf_buf_addf(b, "%s,", date) != SF_OK;
	bad |= sf__csv_quote(b, row->crossing);
	bad |= sf_buf_addf(b, ",%ld,", row->trucks) != SF_OK;
	if (!isnan(row->tonnes))
		bad |= sf_buf_addf(b, "%.15g", row->tonnes) != SF_OK;
	bad |= sf_buf_addc(b, ',') != SF_OK;
	bad |= sf__csv_quote(b, row->category ? row->category : "");
	bad |= sf_buf_addf(b, ",%s,", sf_aid_stage_str(row->stage)) != SF_OK;
	bad |= sf__csv_quote(b, row->source ? row->source : "");
	bad |= sf_buf_addc(b, '\n') != SF_OK;
	return bad ? SF_ERR_NOMEM : SF_OK;
}

static sf_status row_json(const sf_aid_row *row, const char *date, sf_buf *b, sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "date", date);
	sf_json_str(&w, "crossing", row->crossing);
	sf_json_int(&w, "trucks", row->trucks);
	sf_json_num(&w, "tonnes", row->tonnes); /* NAN (not given) is null */
	sf_json_str(&w, "category", row->category);
	sf_json_str(&w, "stage", sf_aid_stage_str(row->stage));
	sf_json_str(&w, "source", row->source);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_COMPACT, b, err);
}

static int list_cb(void *ctx, const sf_aid_row *row)
{
	list_ctx *l = ctx;
	sf_buf *b = l->s.out;
	sf_status rc = SF_OK;
	char date[16];
	sf_date_format(row->day, date, sizeof date);
	switch (l->fmt) {
	case SF_FORMAT_CSV:
		rc = row_csv(row, date, b);
		break;
	case SF_FORMAT_JSON:
		rc = sf_buf_adds(b, l->n ? ",\n" : "\n");
		if (rc == SF_OK)
			rc = row_json(row, date, b, l->s.err);
		break;
	default:
		sf_table_begin_row(l->t);
		sf_table_add_cell(l->t, date);
		sf_table_add_cell(l->t, row->crossing);
		count_cell(l->t, row->trucks, 0);
		if (isnan(row->tonnes))
			sf_table_add_cell(l->t, "");
		else
			sf_table_add_cellf(l->t, "%.1f", row->tonnes);
		sf_table_add_cell(l->t, row->category);
		sf_table_add_cell(l->t, sf_aid_stage_str(row->stage));
		sf_table_add_cell(l->t, row->source);
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

sf_status sf_aid_write_list(sf_store *st, const sf_aid_filter *f, sf_format fmt, sf_buf *out,
                            sf_flush_fn flush, void *flush_ctx, sf_error *err)
{
	list_ctx l;
	sf_status rc = SF_OK;

	if (fmt == SF_FORMAT_GEOJSON)
		return sf_error_set(err, SF_ERR_USAGE, "the aid list is text, csv, json or md");
	memset(&l, 0, sizeof l);
	l.fmt = fmt;
	sf__stream_init(&l.s, out, flush, flush_ctx, err);
	if (fmt == SF_FORMAT_CSV)
		rc = sf_buf_adds(out, "date,crossing,trucks,tonnes,category,stage,source\n");
	else if (fmt == SF_FORMAT_JSON)
		rc = sf_buf_adds(out, "[");
	else
		l.t = sf__table_with_columns(list_cols, SF_ARRAY_LEN(list_cols));
	if (rc == SF_OK)
		rc = sf_store_aid_query(st, f, list_cb, &l, err);
	if (rc == SF_OK)
		rc = l.rc;
	if (rc == SF_OK && fmt == SF_FORMAT_JSON)
		rc = sf_buf_adds(out, "\n]\n");
	else if (rc == SF_OK && l.t) {
		rc = sf_table_write(l.t, fmt, out);
		if (rc == SF_OK && fmt == SF_FORMAT_TEXT)
			rc = sf_buf_addf(out, "%ld row%s\n", l.n, l.n == 1 ? "" : "s");
	}
	if (rc == SF_OK)
		rc = sf__stream_end(&l.s);
	sf_table_free(l.t);
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing the list");
}

/* ---------------------------------------------------------------- */
/* report                                                             */

/* What a figure without any datum behind it shows, rather than 0. */
static const char NO_DATA[] = "no data";

static double crossing_mean(const sf_aid_crossing_total *c)
{
	return c->days ? (double)c->trucks / (double)c->days : 0;
}

/* A date, or JSON null for SF_DAY_NONE. */
static void json_day(sf_json_writer *w, const char *key, long day)
{
	char d[16];
	if (day == SF_DAY_NONE)
		sf_json_null(w, key);
	else
		sf_json_str(w, key, sf_date_format(day, d, sizeof d));
}

static sf_status report_json(const sf_aid_report *r, sf_aid_stage stage, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	char d[16];
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "source", r->source);
	sf_json_str(&w, "stage", sf_aid_stage_str(stage));
	sf_json_num(&w, "commitment", r->commitment);
	json_day(&w, "commitment_from", r->commitment_from);
	json_day(&w, "commitment_to", r->commitment_to);
	sf_json_str(&w, "from", r->ndays ? sf_date_format(r->days[0].day, d, sizeof d) : NULL);
	sf_json_str(&w, "to",
	            r->ndays ? sf_date_format(r->days[r->ndays - 1].day, d, sizeof d) : NULL);
	sf_json_int(&w, "days_with_data", r->days_with_data);
	sf_json_int(&w, "trucks", r->total);
	if (r->days_with_data)
		sf_json_num(&w, "mean_per_day", sf__round_to(r->mean, 2));
	else
		sf_json_null(&w, "mean_per_day");
	sf_json_int(&w, "days_compared", r->days_compared);
	/* no day the commitment applies to: no figure, not 0 */
	if (r->days_compared)
		sf_json_int(&w, "days_below", r->days_below);
	else
		sf_json_null(&w, "days_below");
	sf_json_num(&w, "compared_mean_per_day", sf__round_to(r->compared_mean, 2));
	sf_json_object(&w, "units");
	sf_json_str(&w, "trucks", "trucks at the report stage");
	sf_json_str(&w, "mean_per_day", "trucks per day with a figure");
	sf_json_str(&w, "commitment", "trucks per day");
	sf_json_end(&w);
	sf_json_array(&w, "crossings");
	for (size_t i = 0; i < r->ncrossings; i++) {
		sf_json_object(&w, NULL);
		sf_json_str(&w, "crossing", r->crossings[i].crossing);
		sf_json_int(&w, "trucks", r->crossings[i].trucks);
		sf_json_int(&w, "days", r->crossings[i].days);
		sf_json_num(&w, "mean_per_day", sf__round_to(crossing_mean(&r->crossings[i]), 2));
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_array(&w, "days");
	for (size_t i = 0; i < r->ndays; i++) {
		const sf_aid_day *day = &r->days[i];
		sf_json_object(&w, NULL);
		sf_json_str(&w, "date", sf_date_format(day->day, d, sizeof d));
		/* every stage: its trucks, or null where that stage has no figure */
		for (int s = 0; s < 4; s++) {
			const char *k = sf_aid_stage_str((sf_aid_stage)s);
			if (day->reported[s])
				sf_json_int(&w, k, day->trucks[s]);
			else
				sf_json_null(&w, k);
		}
		if (day->compared)
			sf_json_bool(&w, "below", day->below);
		else
			sf_json_null(&w, "below");
		sf_json_num(&w, "rolling7", sf__round_to(day->rolling7, 2));
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

static void fmt_num(char *buf, size_t n, double v)
{
	if (isnan(v))
		sf_snprintf(buf, n, "%s", "");
	else
		sf_snprintf(buf, n, "%.1f", v);
}

const char *sf_aid_commitment_span(const sf_aid_commitment *c, char *buf, size_t n)
{
	char a[16], b[16];
	if (c->from_day == SF_DAY_NONE && c->to_day == SF_DAY_NONE)
		sf_snprintf(buf, n, "every day");
	else if (c->to_day == SF_DAY_NONE)
		sf_snprintf(buf, n, "from %s", sf_date_format(c->from_day, a, sizeof a));
	else if (c->from_day == SF_DAY_NONE)
		sf_snprintf(buf, n, "to %s", sf_date_format(c->to_day, b, sizeof b));
	else
		sf_snprintf(buf, n, "from %s to %s", sf_date_format(c->from_day, a, sizeof a),
		            sf_date_format(c->to_day, b, sizeof b));
	return buf;
}

static const char *applies(const sf_aid_report *r, char *buf, size_t n)
{
	const sf_aid_commitment c = {r->commitment, r->commitment_from, r->commitment_to};
	return sf_aid_commitment_span(&c, buf, n);
}

static sf_table *summary_table(const sf_aid_report *r)
{
	char num[32], ap[48];
	sf_table *t = sf_table_new();
	sf_table_add_column(t, "measure", SF_ALIGN_LEFT);
	sf_table_add_column(t, "value", SF_ALIGN_RIGHT);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "commitment (trucks/day)");
	sf_table_add_cellf(t, "%g", r->commitment);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "commitment applies");
	sf_table_add_cell(t, applies(r, ap, sizeof ap));
	sf_table_begin_row(t);
	sf_table_add_cell(t, "days with figures");
	count_cell(t, r->days_with_data, 0);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "trucks");
	count_cell(t, r->total, 0);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "mean per day (trucks)");
	if (r->days_with_data)
		sf_table_add_cellf(t, "%.1f", r->mean);
	else
		sf_table_add_cell(t, NO_DATA);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "days compared with the commitment");
	count_cell(t, r->days_compared, 0);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "mean of those as % of commitment");
	if (r->days_compared && r->commitment > 0)
		sf_table_add_cellf(t, "%.1f", r->compared_mean / r->commitment * 100);
	else
		sf_table_add_cell(t, NO_DATA);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "days below commitment");
	if (r->days_compared)
		count_cell(t, r->days_below, 0);
	else
		sf_table_add_cell(t, NO_DATA);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "last 7-day mean (trucks/day)");
	fmt_num(num, sizeof num, r->ndays ? r->days[r->ndays - 1].rolling7 : NAN);
	sf_table_add_cell(t, r->days_with_data ? num : NO_DATA);
	return t;
}

static sf_table *crossings_table(const sf_aid_report *r)
{
	static const char *const cols[] = {"crossing", ">trucks", ">days", ">mean_per_day"};
	sf_table *t = sf__table_with_columns(cols, SF_ARRAY_LEN(cols));
	for (size_t i = 0; i < r->ncrossings; i++) {
		sf_table_begin_row(t);
		sf_table_add_cell(t, r->crossings[i].crossing);
		count_cell(t, r->crossings[i].trucks, 0);
		count_cell(t, r->crossings[i].days, 0);
		sf_table_add_cellf(t, "%.1f", crossing_mean(&r->crossings[i]));
	}
	return t;
}

/*
 * The daily table. A stage no figure was given for that day is empty (csv)
 * or "-" (text), never 0; "below" is "n/a" on days the commitment was not
 * made for, "no data" on days without a figure.
 */
static sf_table *daily_table(const sf_aid_report *r, int csv)
{
	char num[32], ds[16];
	sf_table *t = sf_table_new();
	sf_table_add_column(t, "date", SF_ALIGN_LEFT);
	for (int s = 0; s < 4; s++)
		sf_table_add_column(t, sf_aid_stage_str((sf_aid_stage)s), SF_ALIGN_RIGHT);
	sf_table_add_column(t, "rolling7", SF_ALIGN_RIGHT);
	sf_table_add_column(t, "below", SF_ALIGN_LEFT);
	for (size_t i = 0; i < r->ndays; i++) {
		const sf_aid_day *d = &r->days[i];
		sf_table_begin_row(t);
		sf_table_add_cell(t, sf_date_format(d->day, ds, sizeof ds));
		for (int s = 0; s < 4; s++) {
			if (d->reported[s])
				count_cell(t, d->trucks[s], csv);
			else
				sf_table_add_cell(t, csv ? "" : "-");
		}
		fmt_num(num, sizeof num, d->rolling7);
		sf_table_add_cell(t, num);
		sf_table_add_cell(t, !d->has_data   ? NO_DATA
		                     : !d->compared ? "n/a"
		                     : d->below     ? "yes"
		                                    : "no");
	}
	return t;
}

/* Write t (then free it), after "\n## heading\n\n" (md) or "\nheading\n\n" (text). */
static sf_status titled(sf_buf *out, sf_format fmt, const char *heading, sf_table *t)
{
	sf_status rc = SF_OK;
	if (heading)
		rc = sf_buf_addf(out, "\n%s%s\n\n", fmt == SF_FORMAT_MD ? "## " : "", heading);
	if (rc == SF_OK)
		rc = sf_table_write(t, fmt, out);
	sf_table_free(t);
	return rc;
}

static sf_status report_tables(const sf_aid_report *r, sf_aid_stage stage, int daily, sf_format fmt,
                               sf_buf *out)
{
	sf_status rc = SF_OK;
	char d1[16] = "", d2[16] = "";
	if (r->ndays) {
		sf_date_format(r->days[0].day, d1, sizeof d1);
		sf_date_format(r->days[r->ndays - 1].day, d2, sizeof d2);
	}
	if (fmt == SF_FORMAT_CSV)
		return titled(out, fmt, NULL, daily_table(r, 1));
	rc = sf_buf_addf(out, "%said flow, source %s, stage %s, %s to %s\n\n",
	                 fmt == SF_FORMAT_MD ? "## " : "", r->source[0] ? r->source : "-",
	                 sf_aid_stage_str(stage), d1[0] ? d1 : "-", d2[0] ? d2 : "-");
	if (rc == SF_OK)
		rc = titled(out, fmt, NULL, summary_table(r));
	if (rc == SF_OK)
		rc = titled(out, fmt, "per crossing", crossings_table(r));
	if (rc == SF_OK && daily)
		rc = titled(out, fmt, "daily", daily_table(r, 0));
	return rc;
}

sf_status sf_aid_write_report(sf_store *st, const sf_aid_filter *f,
                              const sf_aid_commitment *commitment, sf_aid_stage stage, int daily,
                              sf_format fmt, sf_buf *out, sf_error *err)
{
	sf_aid_report r;
	sf_status rc;

	if (fmt == SF_FORMAT_GEOJSON)
		return sf_error_set(err, SF_ERR_USAGE, "the aid report is text, csv, json or md");
	rc = sf_aid_build_report(st, f, commitment, stage, &r, err);
	if (rc != SF_OK)
		return rc;
	if (fmt == SF_FORMAT_JSON)
		rc = report_json(&r, stage, out, err);
	else if ((rc = report_tables(&r, stage, daily, fmt, out)) != SF_OK)
		sf_error_set(err, rc, "out of memory writing the report");
	sf_aid_report_release(&r);
	return rc;
}

/* ---------------------------------------------------------------- */
/* escorts                                                            */

sf_status sf_aid_write_escorts(sf_store *st, const char *source, long as_of, int window_days,
                               double trucks_per_escort, sf_format fmt, sf_buf *out, sf_error *err)
{
	double tpd, esc;
	sf_status rc;

	if (fmt != SF_FORMAT_TEXT && fmt != SF_FORMAT_JSON)
		return sf_error_set(err, SF_ERR_USAGE, "escorts are text or json");
	rc = sf_aid_escort_requirement(st, source, as_of, window_days, trucks_per_escort, &tpd,
	                               &esc, err);
	if (rc != SF_OK)
		return rc;
	if (fmt == SF_FORMAT_JSON) {
		sf_json_writer w;
		char d[16];
		sf_json_writer_init(&w);
		sf_json_object(&w, NULL);
		sf_json_str(&w, "source", source);
		sf_json_str(&w, "as_of",
		            as_of == SF_DAY_NONE ? NULL : sf_date_format(as_of, d, sizeof d));
		sf_json_int(&w, "window_days", window_days);
		sf_json_num(&w, "trucks_per_day", sf__round_to(tpd, 2));
		sf_json_num(&w, "trucks_per_escort", trucks_per_escort);
		sf_json_num(&w, "escorts", sf__round_to(esc, 4));
		sf_json_end(&w);
		return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
	}
	rc = sf_buf_addf(out,
	                 "trucks per day %.1f (mean of the days with a figure), trucks per escort "
	                 "%g: escorts %.2f (capability units of the escort task, per day)\n",
	                 tpd, trucks_per_escort, esc);
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory");
}

/* ---------------------------------------------------------------- */
/* several sources side by side                                       */

/* "UN2720 collected": a series' name, as its column heading. */
static const char *series_name(const sf_aid_series *s, char *buf, size_t n)
{
	sf_snprintf(buf, n, "%s %s", s->source, sf_aid_stage_str(s->stage));
	return buf;
}

static int has_reference(const sf_aid_sources *r)
{
	return isfinite(r->reference.trucks_per_day) && r->reference.trucks_per_day > 0;
}

/* Does any series have a figure at crossing c on day d? */
static int crossing_reported(const sf_aid_sources *r, size_t d, size_t c)
{
	for (size_t s = 0; s < r->nseries; s++)
		if (sf_aid_sources_cell(r, d, c, s)->reported)
			return 1;
	return 0;
}

static void sources_json_cells(sf_json_writer *w, const sf_aid_sources *r, size_t d, size_t c)
{
	sf_json_array(w, "trucks");
	for (size_t s = 0; s < r->nseries; s++) {
		const sf_aid_cell *x = sf_aid_sources_cell(r, d, c, s);
		if (x->reported)
			sf_json_int(w, NULL, x->trucks);
		else
			sf_json_null(w, NULL);
	}
	sf_json_end(w);
}

static sf_status sources_json(const sf_aid_sources *r, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	char d[16];
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "stage", sf_aid_stage_str(r->stage));
	sf_json_num(&w, "commitment", r->commitment.trucks_per_day);
	json_day(&w, "commitment_from", r->commitment.from_day);
	json_day(&w, "commitment_to", r->commitment.to_day);
	if (has_reference(r)) {
		sf_json_object(&w, "reference");
		sf_json_num(&w, "trucks_per_day", r->reference.trucks_per_day);
		sf_json_str(&w, "what", r->reference.what ? r->reference.what : "");
		sf_json_end(&w);
	} else {
		sf_json_null(&w, "reference");
	}
	json_day(&w, "from", r->ndays ? r->first_day : SF_DAY_NONE);
	json_day(&w, "to", r->ndays ? r->first_day + (long)r->ndays - 1 : SF_DAY_NONE);
	sf_json_array(&w, "series");
	for (size_t s = 0; s < r->nseries; s++) {
		const sf_aid_series *se = &r->series[s];
		sf_json_object(&w, NULL);
		sf_json_str(&w, "source", se->source);
		sf_json_str(&w, "stage", sf_aid_stage_str(se->stage));
		sf_json_int(&w, "days_with_data", se->days);
		sf_json_int(&w, "trucks", se->trucks);
		sf_json_num(&w, "mean_per_day", sf__round_to(se->mean, 2));
		sf_json_num(&w, "pct_of_reference",
		            has_reference(r)
		                    ? sf__round_to(se->mean / r->reference.trucks_per_day * 100, 1)
		                    : NAN);
		sf_json_bool(&w, "held_to_commitment", se->held);
		if (se->held)
			sf_json_int(&w, "days_compared", se->days_compared);
		else
			sf_json_null(&w, "days_compared");
		if (se->days_compared)
			sf_json_int(&w, "days_below", se->days_below);
		else
			sf_json_null(&w, "days_below");
		sf_json_num(&w, "compared_mean_per_day", sf__round_to(se->compared_mean, 2));
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_array(&w, "crossings");
	for (size_t c = 0; c < r->ncrossings; c++)
		sf_json_str(&w, NULL, r->crossings[c]);
	sf_json_end(&w);
	sf_json_object(&w, "units");
	sf_json_str(&w, "trucks", "trucks in the day, as the series' source counts them");
	sf_json_str(&w, "mean_per_day", "trucks per day with a figure");
	sf_json_str(&w, "commitment", "trucks per day");
	sf_json_str(&w, "reference", "trucks per day");
	sf_json_str(&w, "pct_of_reference", "percent");
	sf_json_end(&w);
	sf_json_array(&w, "days");
	for (size_t i = 0; i < r->ndays; i++) {
		sf_json_object(&w, NULL);
		sf_json_str(&w, "date", sf_date_format(r->first_day + (long)i, d, sizeof d));
		sources_json_cells(&w, r, i, r->ncrossings);
		sf_json_array(&w, "crossings");
		for (size_t c = 0; c < r->ncrossings; c++) {
			if (!crossing_reported(r, i, c))
				continue;
			sf_json_object(&w, NULL);
			sf_json_str(&w, "crossing", r->crossings[c]);
			sources_json_cells(&w, r, i, c);
			sf_json_end(&w);
		}
		sf_json_end(&w);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

static void add_count_or(sf_table *t, int have, long v, const char *otherwise)
{
	if (have)
		count_cell(t, v, 0);
	else
		sf_table_add_cell(t, otherwise);
}

static void add_num_or(sf_table *t, double v, const char *otherwise)
{
	if (isfinite(v))
		sf_table_add_cellf(t, "%.1f", v);
	else
		sf_table_add_cell(t, otherwise);
}

/* One row per series: what it counted, never a total over series. */
static sf_table *series_table(const sf_aid_sources *r)
{
	static const char *const cols[] = {"source",
	                                   "stage",
	                                   ">days with figures",
	                                   ">trucks",
	                                   ">mean (trucks/day)",
	                                   ">% of reference",
	                                   ">days compared",
	                                   ">days below commitment",
	                                   ">mean compared as % of commitment"};
	sf_table *t = sf__table_with_columns(cols, SF_ARRAY_LEN(cols));
	for (size_t s = 0; s < r->nseries; s++) {
		const sf_aid_series *se = &r->series[s];
		sf_table_begin_row(t);
		sf_table_add_cell(t, se->source);
		sf_table_add_cell(t, sf_aid_stage_str(se->stage));
		count_cell(t, se->days, 0);
		count_cell(t, se->trucks, 0);
		add_num_or(t, se->mean, NO_DATA);
		add_num_or(t, has_reference(r) ? se->mean / r->reference.trucks_per_day * 100 : NAN,
		           has_reference(r) ? NO_DATA : "n/a");
		add_count_or(t, se->held, se->days_compared, "n/a");
		add_count_or(t, se->days_compared > 0, se->days_below, se->held ? NO_DATA : "n/a");
		add_num_or(t,
		           r->commitment.trucks_per_day > 0
		                   ? se->compared_mean / r->commitment.trucks_per_day * 100
		                   : NAN,
		           se->held ? NO_DATA : "n/a");
	}
	return t;
}

static void sources_row(sf_table *t, const sf_aid_sources *r, size_t d, size_t c, int csv)
{
	char ds[16];
	sf_table_begin_row(t);
	sf_table_add_cell(t, sf_date_format(r->first_day + (long)d, ds, sizeof ds));
	sf_table_add_cell(t, c == r->ncrossings ? "all" : r->crossings[c]);
	for (size_t s = 0; s < r->nseries; s++) {
		const sf_aid_cell *x = sf_aid_sources_cell(r, d, c, s);
		if (x->reported)
			count_cell(t, x->trucks, csv);
		else
			sf_table_add_cell(t, csv ? "" : "-");
	}
}

/*
 * Per day: the "all" row (each series' figure for all crossings), then a
 * row per crossing some series gave a figure for that day. No figure is
 * "-" (text) or empty (csv), never 0.
 */
static sf_table *sources_daily_table(const sf_aid_sources *r, int csv)
{
	char name[96];
	sf_table *t = sf_table_new();
	sf_table_add_column(t, "date", SF_ALIGN_LEFT);
	sf_table_add_column(t, "crossing", SF_ALIGN_LEFT);
	for (size_t s = 0; s < r->nseries; s++)
		sf_table_add_column(t, series_name(&r->series[s], name, sizeof name),
		                    SF_ALIGN_RIGHT);
	for (size_t d = 0; d < r->ndays; d++) {
		sources_row(t, r, d, r->ncrossings, csv);
		for (size_t c = 0; c < r->ncrossings; c++)
			if (crossing_reported(r, d, c))
				sources_row(t, r, d, c, csv);
	}
	return t;
}

static sf_status sources_tables(const sf_aid_sources *r, int daily, sf_format fmt, sf_buf *out)
{
	char d1[16], d2[16], ap[48];
	const char *h = fmt == SF_FORMAT_MD ? "## " : "";
	sf_status rc;
	if (fmt == SF_FORMAT_CSV)
		return titled(out, fmt, NULL, sources_daily_table(r, 1));
	if (r->ndays == 0)
		return sf_buf_addf(out, "%said flow by source: no figure (no data)\n", h);
	sf_date_format(r->first_day, d1, sizeof d1);
	sf_date_format(r->first_day + (long)r->ndays - 1, d2, sizeof d2);
	rc = sf_buf_addf(out,
	                 "%said flow by source, %s to %s: trucks per day as each source counts "
	                 "them, side by side, never added together\n\n",
	                 h, d1, d2);
	/* md: each line a paragraph of its own */
	const char *nl = fmt == SF_FORMAT_MD ? "\n\n" : "\n";
	if (rc == SF_OK)
		rc = sf_buf_addf(out, "commitment: %g trucks/day at stage %s, %s%s",
		                 r->commitment.trucks_per_day, sf_aid_stage_str(r->stage),
		                 sf_aid_commitment_span(&r->commitment, ap, sizeof ap), nl);
	if (rc == SF_OK && has_reference(r))
		rc = sf_buf_addf(out, "reference: %g trucks/day, %s%s", r->reference.trucks_per_day,
		                 r->reference.what && r->reference.what[0] ? r->reference.what
		                                                           : "(no description)",
		                 nl);
	if (rc == SF_OK)
		rc = titled(out, fmt, NULL, series_table(r));
	if (rc == SF_OK && daily)
		rc = titled(out, fmt, "per day and crossing (trucks; '-': no figure)",
		            sources_daily_table(r, 0));
	return rc;
}

sf_status sf_aid_write_sources(sf_store *st, const sf_aid_filter *f,
                               const sf_aid_commitment *commitment, sf_aid_stage stage,
                               const sf_aid_reference *reference, int daily, sf_format fmt,
                               sf_buf *out, sf_error *err)
{
	sf_aid_sources r;
	sf_status rc;

	if (fmt == SF_FORMAT_GEOJSON)
		return sf_error_set(err, SF_ERR_USAGE, "the aid report is text, csv, json or md");
	rc = sf_aid_build_sources(st, f, commitment, stage, reference, &r, err);
	if (rc != SF_OK)
		return rc;
	if (fmt == SF_FORMAT_JSON)
		rc = sources_json(&r, out, err);
	else if ((rc = sources_tables(&r, daily, fmt, out)) != SF_OK)
		sf_error_set(err, rc, "out of memory writing the report");
	sf_aid_sources_release(&r);
	return rc;
}
