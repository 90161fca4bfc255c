/*
 * report.c - incident reports: counts and fatalities per period and key
 * (zero-filled), ACLED's change levels against the 4- and 52-week means,
 * and before/after a date.
 *
 * Every report starts from the store's aggregate (incidents and fatalities
 * per day and key, from the roll-ups in SQLite), so it costs the number of
 * (day, key) pairs, not the number of incidents. Rows are gathered, sorted
 * by (period, key) and merged.
 *
 * "No data" is not 0. The register covers the days from its first to its
 * last incident (any filter, any status): a period inside them with no
 * matching incident is a 0, a period wholly outside them has no figure
 * (no_data). Day and week tables are zero-filled: every key found in the
 * range gets a row for every period of it.
 *
 * Definitions (docs/register.md):
 *   - a week runs Monday to Sunday and is labelled by its Monday;
 *   - change levels compare "this week", the 7 days ending on as_of
 *     (default: the day of the latest matching incident), with the mean of
 *     the 4 and of the 52 7-day windows before it, each over the windows
 *     the register covers entirely; ACLED's levels and low-baseline rule
 *     (sf_change_level in register.h);
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
	o->low_mean = 2;
	o->low_week = 5;
	o->covered_from = SF_DAY_NONE;
	o->covered_to = SF_DAY_NONE;
}

const char *sf_change_level_str(sf_change_level l)
{
	switch (l) {
	case SF_CHANGE_LARGE_DECREASE:
		return "large decrease";
	case SF_CHANGE_LIMITED:
		return "limited change";
	case SF_CHANGE_MODERATE_INCREASE:
		return "moderate increase";
	case SF_CHANGE_LARGE_INCREASE:
		return "large increase";
	default:
		return "no data";
	}
}

/* Most rows a zero-filled table may have: past it, ask for a narrower range. */
#define MAX_FILLED_ROWS 2000000

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
	row->w4.mean = row->w4.pct = row->w52.mean = row->w52.pct = NAN;
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
			r->rows[w].fatalities_unknown += r->rows[i].fatalities_unknown;
			free(r->rows[i].key);
		} else {
			r->rows[++w] = r->rows[i];
		}
	}
	r->nrows = w + 1;
}

/*
 * The days the register covers: o->covered_from and o->covered_to where
 * given, else its first and last incident (any filter or status).
 */
static sf_status coverage(sf_store *st, const sf_report_options *o, long *first, long *last,
                          sf_error *err)
{
	long from = SF_DAY_NONE, to = SF_DAY_NONE;
	sf_status rc = SF_OK;
	/* From the day index: the report's own query is then its only scan. */
	if (o->covered_from == SF_DAY_NONE || o->covered_to == SF_DAY_NONE)
		rc = sf_store_incident_days(st, &from, &to, err);
	*first = o->covered_from != SF_DAY_NONE ? o->covered_from : from;
	*last = o->covered_to != SF_DAY_NONE ? o->covered_to : to;
	if (*first == SF_DAY_NONE || *last == SF_DAY_NONE || *last < *first)
		*first = *last = SF_DAY_NONE; /* nothing covered */
	return rc;
}

/* The first day of the period holding day. */
static long period_start(sf_period p, long day)
{
	return p == SF_PERIOD_WEEK ? day - sf__date_weekday(day) : day;
}

/* Days of [a, b] inside [c, d] (0 when either is empty). */
static long overlap(long a, long b, long c, long d)
{
	long lo = a > c ? a : c, hi = b < d ? b : d;
	return hi >= lo ? hi - lo + 1 : 0;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Zero-fill a sorted, merged day or week table: every key of r for every
 * period from `from` to `to`, each with the days the register covers
 * ([cf, ct]); a period with none is no_data.
 */
static sf_status zero_fill(sf_report *r, sf_period per, long from, long to, long cf, long ct,
                           sf_error *err)
{
	sf_report fill;
	char **keys = NULL;
	size_t nkeys = 0;
	sf_status rc = SF_OK;
	long step = per == SF_PERIOD_WEEK ? 7 : 1;
	long p0 = period_start(per, from), p1 = period_start(per, to);

	memset(&fill, 0, sizeof fill);
	keys = sf__mallocarray(r->nrows ? r->nrows : 1, sizeof *keys);
	if (!keys)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < r->nrows; i++)
		keys[nkeys++] = r->rows[i].key;
	qsort(keys, nkeys, sizeof *keys, key_cmp);
	size_t w = 0;
	for (size_t i = 0; i < nkeys; i++)
		if (w == 0 || strcmp(keys[w - 1], keys[i]) != 0)
			keys[w++] = keys[i];
	nkeys = w;
	if (nkeys == 0) {
		static char empty[] = "";
		keys[nkeys++] = empty; /* nothing matched: one row per period, all 0 */
	}
	double nrows = ((double)(p1 - p0) / (double)step + 1) * (double)nkeys;
	if (nrows > MAX_FILLED_ROWS) {
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "the table would have %.0f rows (every key in every %s): "
		                  "narrow it with --from and --to",
		                  nrows, per == SF_PERIOD_WEEK ? "week" : "day");
		goto out;
	}
	size_t j = 0; /* next row of r, in (period, key) order */
	for (long p = p0; p <= p1; p += step) {
		char label[24];
		sf__date_format(p, label, sizeof label);
		long lo = p > from ? p : from, hi = p + step - 1 < to ? p + step - 1 : to;
		long days = cf == SF_DAY_NONE ? 0 : overlap(lo, hi, cf, ct);
		for (size_t k = 0; k < nkeys; k++) {
			sf_report_row *row = add_row(&fill, label, keys[k]);
			if (!row) {
				rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
				goto out;
			}
			row->days = days;
			row->no_data = days == 0;
			while (j < r->nrows && (strcmp(r->rows[j].period, label) < 0 ||
			                        (strcmp(r->rows[j].period, label) == 0 &&
			                         strcmp(r->rows[j].key, keys[k]) < 0)))
				j++;
			if (j < r->nrows && strcmp(r->rows[j].period, label) == 0 &&
			    strcmp(r->rows[j].key, keys[k]) == 0) {
				row->count = r->rows[j].count;
				row->fatalities = r->rows[j].fatalities;
				row->fatalities_unknown = r->rows[j].fatalities_unknown;
				row->no_data = 0; /* an incident is data */
			}
		}
	}
out:
	if (rc == SF_OK) {
		fill.kind = r->kind;
		sf_report_release(r);
		*r = fill;
	} else {
		sf_report_release(&fill);
	}
	free(keys);
	return rc;
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
	row->fatalities_unknown = a->fatalities_unknown;
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
	long cf, ct;
	memset(out, 0, sizeof *out);
	out->kind = 0;
	sf_status rc = coverage(st, o, &cf, &ct, err);
	if (rc == SF_OK)
		rc = sf_store_incident_aggregate(st, &q, o->dim, period_cb, &c, err);
	if (rc == SF_OK && c.failed)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc != SF_OK) {
		sf_report_release(out);
		return rc;
	}
	merge_rows(out);
	long from = q.from_day != SF_DAY_NONE ? q.from_day : cf;
	long to = q.to_day != SF_DAY_NONE ? q.to_day : ct;
	if (o->period != SF_PERIOD_TOTAL && from != SF_DAY_NONE && to != SF_DAY_NONE &&
	    from <= to) {
		rc = zero_fill(out, o->period, from, to, cf, ct, err);
		if (rc != SF_OK) {
			sf_report_release(out);
			return rc;
		}
	} else if (o->period == SF_PERIOD_TOTAL) {
		long days = from != SF_DAY_NONE && to != SF_DAY_NONE && cf != SF_DAY_NONE
		                    ? overlap(from, to, cf, ct)
		                    : 0;
		for (size_t i = 0; i < out->nrows; i++)
			out->rows[i].days = days;
	}
	out->from_day = from != SF_DAY_NONE ? from : c.first;
	out->to_day = to != SF_DAY_NONE ? to : c.last;
	out->as_of = c.last;
	out->covered_from = cf;
	out->covered_to = ct;
	return SF_OK;
}

typedef struct trend_ctx {
	sf_report *r;
	long as_of;
	long cf, ct; /* the days covered */
	int failed;
} trend_ctx;

/* Weeks of the trend: 0 this week, 1..52 the windows before it. */
enum { TREND_WEEKS = 53 };

/*
 * One row per (key, window); window in row->days for now, merged per key
 * below: count and fatalities this week, w4.mean and w52.mean sums of the
 * windows before.
 */
static int trend_cb(void *ctx, const sf_agg_row *a)
{
	trend_ctx *c = ctx;
	long age = c->as_of - a->day; /* 0 = as_of */
	if (age < 0 || age >= 7L * TREND_WEEKS)
		return 0;
	long week = age / 7;
	if (week > 0 && (c->cf == SF_DAY_NONE || c->as_of - 7 * week - 6 < c->cf ||
	                 c->as_of - 7 * week > c->ct))
		return 0; /* a window the register does not cover in full is no baseline */
	sf_report_row *row = add_row(c->r, "", a->key);
	if (!row) {
		c->failed = 1;
		return 1;
	}
	row->w4.mean = row->w52.mean = 0;
	if (week == 0) {
		row->count = a->count;
		row->fatalities = a->fatalities;
		row->fatalities_unknown = a->fatalities_unknown;
	} else {
		if (week <= 4)
			row->w4.mean = (double)a->count;
		row->w52.mean = (double)a->count;
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

/* Windows 1..n before as_of (window k: days as_of-7k-6 .. as_of-7k) inside [cf, ct]. */
static int covered_weeks(long as_of, int n, long cf, long ct)
{
	int k = 0;
	if (cf == SF_DAY_NONE)
		return 0;
	for (int w = 1; w <= n; w++)
		if (as_of - 7L * w - 6 >= cf && as_of - 7L * w <= ct)
			k++;
	return k;
}

/* ACLED's level of a change of pct percent. */
static sf_change_level level_of(double pct)
{
	if (pct > 25)
		return SF_CHANGE_LARGE_INCREASE;
	if (pct > 10)
		return SF_CHANGE_MODERATE_INCREASE;
	if (pct >= -25)
		return SF_CHANGE_LIMITED;
	return SF_CHANGE_LARGE_DECREASE;
}

/*
 * The change of this week's count against the sum of `weeks` covered
 * windows; this_covered 0 when this week is not covered in full.
 */
static void set_change(sf_change *ch, long count, double sum, int weeks, int this_covered,
                       const sf_report_options *o)
{
	ch->weeks = weeks;
	ch->pct = NAN;
	ch->low_baseline = 0;
	if (weeks == 0 || !this_covered) {
		ch->mean = weeks ? sum / weeks : NAN;
		ch->level = SF_CHANGE_NO_DATA;
		return;
	}
	ch->mean = sum / weeks;
	if (ch->mean <= o->low_mean && count <= o->low_week) {
		ch->low_baseline = 1;
		ch->level = SF_CHANGE_LIMITED;
		return;
	}
	if (ch->mean > 0) {
		ch->pct = ((double)count - ch->mean) / ch->mean * 100;
		ch->level = level_of(ch->pct);
	} else {
		ch->level = SF_CHANGE_LARGE_INCREASE; /* from nothing to more than low_week */
	}
}

sf_status sf_incidents_trend(sf_store *st, const sf_incident_filter *f, const sf_report_options *o,
                             sf_report *out, sf_error *err)
{
	sf_incident_filter q = filter_or_all(f);
	sf_status rc;
	long as_of = o->as_of, cf, ct;

	memset(out, 0, sizeof *out);
	out->kind = 1;
	rc = coverage(st, o, &cf, &ct, err);
	if (rc != SF_OK)
		return rc;
	out->covered_from = cf;
	out->covered_to = ct;
	if (as_of == SF_DAY_NONE) {
		rc = sf_store_incident_aggregate(st, &q, SF_DIM_NONE, max_day_cb, &as_of, err);
		if (rc != SF_OK)
			return rc;
		if (as_of == SF_DAY_NONE)
			return SF_OK; /* no incidents */
	}
	if (q.from_day == SF_DAY_NONE || q.from_day < as_of - 7L * TREND_WEEKS + 1)
		q.from_day = as_of - 7L * TREND_WEEKS + 1;
	if (q.to_day == SF_DAY_NONE || q.to_day > as_of)
		q.to_day = as_of;
	trend_ctx c = {out, as_of, cf, ct, 0};
	rc = sf_store_incident_aggregate(st, &q, o->dim, trend_cb, &c, err);
	if (rc == SF_OK && c.failed)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc != SF_OK) {
		sf_report_release(out);
		return rc;
	}
	/* Merge per key: count/fatalities are this week, the means sums for now. */
	if (out->nrows) {
		qsort(out->rows, out->nrows, sizeof *out->rows, row_cmp);
		size_t w = 0;
		for (size_t i = 1; i < out->nrows; i++) {
			sf_report_row *a = &out->rows[w], *b = &out->rows[i];
			if (strcmp(a->key, b->key) == 0) {
				a->count += b->count;
				a->fatalities += b->fatalities;
				a->fatalities_unknown += b->fatalities_unknown;
				a->w4.mean += b->w4.mean;
				a->w52.mean += b->w52.mean;
				free(b->key);
			} else {
				out->rows[++w] = *b;
			}
		}
		out->nrows = w + 1;
	}
	char label[24];
	sf__date_format(as_of - 6, label, sizeof label);
	int this_covered = cf != SF_DAY_NONE && as_of - 6 >= cf && as_of <= ct;
	int n4 = covered_weeks(as_of, 4, cf, ct), n52 = covered_weeks(as_of, 52, cf, ct);
	for (size_t i = 0; i < out->nrows; i++) {
		sf_report_row *row = &out->rows[i];
		sf_strlcpy(row->period, label, sizeof row->period);
		row->days = 7;
		row->no_data = !this_covered;
		row->per_day = (double)row->count / 7;
		set_change(&row->w4, row->count, row->w4.mean, n4, this_covered, o);
		set_change(&row->w52, row->count, row->w52.mean, n52, this_covered, o);
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
	row->fatalities_unknown = a->fatalities_unknown;
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
	/* The days covered, as the other tables say them (not left at 1970-01-01). */
	if (rc == SF_OK)
		rc = coverage(st, o, &out->covered_from, &out->covered_to, err);
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
