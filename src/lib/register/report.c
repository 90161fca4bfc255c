/*
 * register_report.c - incident reports: counts and fatalities per period
 * and key, the weekly trend, and before/after a date.
 *
 * Every report starts from the store's aggregate (incidents and fatalities
 * per day and key, from the roll-ups in SQLite), so it costs the number of
 * (day, key) pairs, not the number of incidents. Rows are gathered, sorted
 * by (period, key) and merged.
 *
 * Definitions (docs/register.md):
 *   - a week runs Monday to Sunday and is labelled by its Monday;
 *   - the trend compares "this week", the 7 days ending on as_of (default:
 *     the day of the latest matching incident), with the mean of the four
 *     7-day windows before it; change = (this - mean) / mean * 100, shown
 *     as n/a when the mean is 0;
 *   - before/after a split day D: before is every matching day < D, after
 *     is D onwards; per_day divides by the days from the first (or the
 *     filter's from) to D-1, and from D to the last (or the filter's to).
 * Retracted incidents are left out unless the filter asks for them.
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/dates.h"
#include "stabforce/register.h"

void sf_report_options_init(sf_report_options *o)
{
	memset(o, 0, sizeof *o);
	o->period = SF_PERIOD_WEEK;
	o->as_of = SF_DAY_NONE;
	o->split_day = SF_DAY_NONE;
}

void sf_report_release(sf_report *r)
{
	for (size_t i = 0; i < r->nrows; i++)
		free(r->rows[i].key);
	free(r->rows);
	memset(r, 0, sizeof *r);
}

static sf_report_row *add_row(sf_report *r, const char *period, const char *key)
{
	if (r->nrows == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 64;
		sf_report_row *n = sf__reallocarray(r->rows, ncap, sizeof *n);
		if (!n)
			return NULL;
		r->rows = n;
		r->cap = ncap;
	}
	sf_report_row *row = &r->rows[r->nrows];
	memset(row, 0, sizeof *row);
	row->key = malloc(strlen(key) + 1);
	if (!row->key)
		return NULL;
	memcpy(row->key, key, strlen(key) + 1);
	sf_strlcpy(row->period, period, sizeof row->period);
	row->change_pct = NAN;
	r->nrows++;
	return row;
}

static int row_cmp(const void *pa, const void *pb)
{
	const sf_report_row *a = pa, *b = pb;
	int c = strcmp(a->period, b->period);
	return c ? c : strcmp(a->key, b->key);
}

/* Sort and merge rows with the same (period, key). */
static void merge_rows(sf_report *r)
{
	size_t w = 0;
	if (r->nrows == 0)
		return;
	qsort(r->rows, r->nrows, sizeof *r->rows, row_cmp);
	for (size_t i = 1; i < r->nrows; i++) {
		if (row_cmp(&r->rows[w], &r->rows[i]) == 0) {
			r->rows[w].count += r->rows[i].count;
			r->rows[w].fatalities += r->rows[i].fatalities;
			free(r->rows[i].key);
		} else {
			r->rows[++w] = r->rows[i];
		}
	}
	r->nrows = w + 1;
}

typedef struct rep_ctx {
	sf_report *r;
	sf_period period;
	int failed;
	long first, last;
} rep_ctx;

static int period_cb(void *ctx, const sf_agg_row *a)
{
	rep_ctx *c = ctx;
	char label[24];
	if (c->period == SF_PERIOD_TOTAL)
		sf_strlcpy(label, "total", sizeof label);
	else if (c->period == SF_PERIOD_DAY)
		sf__date_format(a->day, label, sizeof label);
	else
		sf__date_format(a->day - sf__date_weekday(a->day), label, sizeof label);
	sf_report_row *row = add_row(c->r, label, a->key);
	if (!row) {
		c->failed = 1;
		return 1;
	}
	row->count = a->count;
	row->fatalities = a->fatalities;
	if (c->first == SF_DAY_NONE || a->day < c->first)
		c->first = a->day;
	if (c->last == SF_DAY_NONE || a->day > c->last)
		c->last = a->day;
	return 0;
}

static sf_incident_filter filter_or_all(const sf_incident_filter *f)
{
	sf_incident_filter all;
	if (f)
		return *f;
	sf_incident_filter_init(&all);
	return all;
}

sf_status sf_incidents_report(sf_store *st, const sf_incident_filter *f, const sf_report_options *o,
                              sf_report *out, sf_error *err)
{
	sf_incident_filter q = filter_or_all(f);
	rep_ctx c = {out, o->period, 0, SF_DAY_NONE, SF_DAY_NONE};
	memset(out, 0, sizeof *out);
	out->kind = 0;
	sf_status rc = sf_store_incident_aggregate(st, &q, o->dim, period_cb, &c, err);
	if (rc == SF_OK && c.failed)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc != SF_OK) {
		sf_report_release(out);
		return rc;
	}
	merge_rows(out);
	out->from_day = c.first;
	out->to_day = c.last;
	out->as_of = c.last;
	return SF_OK;
}

typedef struct trend_ctx {
	sf_report *r;
	long as_of;
	int failed;
} trend_ctx;

static int trend_cb(void *ctx, const sf_agg_row *a)
{
	trend_ctx *c = ctx;
	long age = c->as_of - a->day; /* 0 = as_of */
	if (age < 0 || age >= 35)
		return 0;
	sf_report_row *row = add_row(c->r, "", a->key);
	if (!row) {
		c->failed = 1;
		return 1;
	}
	if (age < 7) {
		row->count = a->count;
		row->fatalities = a->fatalities;
	} else {
		row->prev4_mean = (double)a->count;
	}
	return 0;
}

static int max_day_cb(void *ctx, const sf_agg_row *a)
{
	long *d = ctx;
	if (*d == SF_DAY_NONE || a->day > *d)
		*d = a->day;
	return 0;
}

sf_status sf_incidents_trend(sf_store *st, const sf_incident_filter *f, const sf_report_options *o,
                             sf_report *out, sf_error *err)
{
	sf_incident_filter q = filter_or_all(f);
	sf_status rc;
	long as_of = o->as_of;

	memset(out, 0, sizeof *out);
	out->kind = 1;
	if (as_of == SF_DAY_NONE) {
		rc = sf_store_incident_aggregate(st, &q, SF_DIM_NONE, max_day_cb, &as_of, err);
		if (rc != SF_OK)
			return rc;
		if (as_of == SF_DAY_NONE)
			return SF_OK; /* no incidents */
	}
	if (q.from_day == SF_DAY_NONE || q.from_day < as_of - 34)
		q.from_day = as_of - 34;
	if (q.to_day == SF_DAY_NONE || q.to_day > as_of)
		q.to_day = as_of;
	trend_ctx c = {out, as_of, 0};
	rc = sf_store_incident_aggregate(st, &q, o->dim, trend_cb, &c, err);
	if (rc == SF_OK && c.failed)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc != SF_OK) {
		sf_report_release(out);
		return rc;
	}
	/* Merge per key: count/fatalities are this week, prev4_mean the sum before. */
	if (out->nrows) {
		qsort(out->rows, out->nrows, sizeof *out->rows, row_cmp);
		size_t w = 0;
		for (size_t i = 1; i < out->nrows; i++) {
			if (strcmp(out->rows[w].key, out->rows[i].key) == 0) {
				out->rows[w].count += out->rows[i].count;
				out->rows[w].fatalities += out->rows[i].fatalities;
				out->rows[w].prev4_mean += out->rows[i].prev4_mean;
				free(out->rows[i].key);
			} else {
				out->rows[++w] = out->rows[i];
			}
		}
		out->nrows = w + 1;
	}
	char label[24];
	sf__date_format(as_of - 6, label, sizeof label);
	for (size_t i = 0; i < out->nrows; i++) {
		sf_report_row *row = &out->rows[i];
		sf_strlcpy(row->period, label, sizeof row->period);
		row->prev4_mean /= 4;
		row->per_day = (double)row->count / 7;
		row->change_pct = row->prev4_mean > 0 ? ((double)row->count - row->prev4_mean) /
		                                                row->prev4_mean * 100
		                                      : NAN;
	}
	out->as_of = as_of;
	out->from_day = as_of - 6;
	out->to_day = as_of;
	return SF_OK;
}

typedef struct split_ctx {
	sf_report *r;
	long split;
	long first, last;
	int failed;
} split_ctx;

static int split_cb(void *ctx, const sf_agg_row *a)
{
	split_ctx *c = ctx;
	sf_report_row *row = add_row(c->r, a->day < c->split ? "after" : "before", a->key);
	if (!row) {
		c->failed = 1;
		return 1;
	}
	/* Labels chosen so that sorting puts "before" first: fixed below. */
	sf_strlcpy(row->period, a->day < c->split ? "1before" : "2after", sizeof row->period);
	row->count = a->count;
	row->fatalities = a->fatalities;
	if (c->first == SF_DAY_NONE || a->day < c->first)
		c->first = a->day;
	if (c->last == SF_DAY_NONE || a->day > c->last)
		c->last = a->day;
	return 0;
}

sf_status sf_incidents_split(sf_store *st, const sf_incident_filter *f, const sf_report_options *o,
                             sf_report *out, sf_error *err)
{
	sf_incident_filter q = filter_or_all(f);
	split_ctx c = {out, o->split_day, SF_DAY_NONE, SF_DAY_NONE, 0};
	memset(out, 0, sizeof *out);
	out->kind = 2;
	if (o->split_day == SF_DAY_NONE)
		return sf_error_set(err, SF_ERR_USAGE, "before/after report needs a split date");
	sf_status rc = sf_store_incident_aggregate(st, &q, o->dim, split_cb, &c, err);
	if (rc == SF_OK && c.failed)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc != SF_OK) {
		sf_report_release(out);
		return rc;
	}
	merge_rows(out);
	long first = q.from_day != SF_DAY_NONE ? q.from_day : c.first;
	long last = q.to_day != SF_DAY_NONE ? q.to_day : c.last;
	out->days_before = first != SF_DAY_NONE && first < o->split_day ? o->split_day - first : 0;
	out->days_after = last != SF_DAY_NONE && last >= o->split_day ? last - o->split_day + 1 : 0;
	for (size_t i = 0; i < out->nrows; i++) {
		sf_report_row *row = &out->rows[i];
		int before = row->period[0] == '1';
		sf_strlcpy(row->period, before ? "before" : "after", sizeof row->period);
		long days = before ? out->days_before : out->days_after;
		row->per_day = days > 0 ? (double)row->count / (double)days : 0;
	}
	out->from_day = first;
	out->to_day = last;
	out->as_of = o->split_day;
	return SF_OK;
}
