/*
 * aid_sources.c - several aid sources side by side.
 *
 * The bodies that report trucks into Gaza count different things: the UN
 * 2720 mechanism counts trucks collected inside and intercepted on the way,
 * COGAT counts trucks entering at the crossings, with other loads and
 * other days. Their figures are kept as separate series, one per (source,
 * stage), and put next to each other per day and crossing; no figure of
 * one series is ever added to a figure of another.
 *
 * Two passes over the store: the first finds the days, the series and the
 * crossings, the second fills a dense grid of day x crossing x series,
 * where a cell is trucks or no figure. The "all crossings" cell of a
 * series is its own figure for all crossings when it gave one, else the
 * sum of its crossings (within one series, counted one way), else no data.
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/register.h"

/* The grid is dense; past this many cells, ask for a narrower report. */
#define SF_AID_MAX_CELLS (16L * 1024 * 1024)

typedef struct src_ctx {
	sf_aid_sources *r;
	int pass; /* 0: days, series and crossings; 1: fill */
	size_t cap_crossings;
	int too_many_series;
	int failed;
} src_ctx;

static int series_cmp(const sf_aid_series *a, const char *source, sf_aid_stage stage)
{
	int c = strcmp(a->source, source);
	return c ? c : (int)a->stage - (int)stage;
}

/* The index of (source, stage), or -1. */
static int series_find(const sf_aid_sources *r, const char *source, sf_aid_stage stage)
{
	for (size_t i = 0; i < r->nseries; i++)
		if (series_cmp(&r->series[i], source, stage) == 0)
			return (int)i;
	return -1;
}

/* Insert (source, stage) in order; 0, or -1 when there are too many. */
static int series_add(sf_aid_sources *r, const char *source, sf_aid_stage stage)
{
	size_t i = 0;
	if (r->nseries == SF_AID_MAX_SERIES)
		return -1;
	while (i < r->nseries && series_cmp(&r->series[i], source, stage) < 0)
		i++;
	memmove(&r->series[i + 1], &r->series[i], (r->nseries - i) * sizeof r->series[0]);
	memset(&r->series[i], 0, sizeof r->series[i]);
	sf_strlcpy(r->series[i].source, source, sizeof r->series[i].source);
	r->series[i].stage = stage;
	r->nseries++;
	return 0;
}

/* Binary search of the sorted crossings: the index, or where it belongs
 * (*found 0). */
static size_t crossing_pos(const sf_aid_sources *r, const char *name, int *found)
{
	size_t lo = 0, hi = r->ncrossings;
	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->crossings[mid], name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int crossing_add(src_ctx *c, const char *name)
{
	sf_aid_sources *r = c->r;
	int found;
	size_t i = crossing_pos(r, name, &found);
	if (found)
		return 0;
	if (r->ncrossings == c->cap_crossings) {
		size_t ncap = c->cap_crossings ? 2 * c->cap_crossings : 8;
		char(*n)[64] = sf__reallocarray(r->crossings, ncap, sizeof *n);
		if (!n)
			return -1;
		r->crossings = n;
		c->cap_crossings = ncap;
	}
	memmove(&r->crossings[i + 1], &r->crossings[i],
	        (r->ncrossings - i) * sizeof r->crossings[0]);
	sf_strlcpy(r->crossings[i], name, sizeof r->crossings[i]);
	r->ncrossings++;
	return 0;
}

static sf_aid_cell *cell_at(sf_aid_sources *r, size_t d, size_t c, size_t s)
{
	return &r->cells[(d * (r->ncrossings + 1) + c) * r->nseries + s];
}

const sf_aid_cell *sf_aid_sources_cell(const sf_aid_sources *r, size_t d, size_t c, size_t s)
{
	return &r->cells[(d * (r->ncrossings + 1) + c) * r->nseries + s];
}

static int src_cb(void *ctx, const sf_aid_row *row)
{
	src_ctx *c = ctx;
	sf_aid_sources *r = c->r;
	int all = strcmp(row->crossing, "all") == 0;
	if (c->pass == 0) {
		if (r->ndays == 0 || row->day < r->first_day) {
			long last = r->ndays ? r->first_day + (long)r->ndays - 1 : row->day;
			r->first_day = row->day;
			r->ndays = (size_t)(last - row->day + 1);
		} else if (row->day >= r->first_day + (long)r->ndays) {
			r->ndays = (size_t)(row->day - r->first_day + 1);
		}
		if (series_find(r, row->source, row->stage) < 0 &&
		    series_add(r, row->source, row->stage) < 0) {
			c->too_many_series = 1;
			return 1;
		}
		if (!all && crossing_add(c, row->crossing) < 0) {
			c->failed = 1;
			return 1;
		}
		return 0;
	}
	int s = series_find(r, row->source, row->stage), found = 1;
	size_t x = all ? r->ncrossings : crossing_pos(r, row->crossing, &found);
	long d = row->day - r->first_day;
	/* rows added between the passes are not in the grid: left out */
	if (s < 0 || !found || d < 0 || d >= (long)r->ndays)
		return 0;
	sf_aid_cell *cl = cell_at(r, (size_t)d, x, (size_t)s);
	cl->trucks += row->trucks; /* categories of one series add up */
	cl->reported = 1;
	return 0;
}

void sf_aid_sources_release(sf_aid_sources *r)
{
	free(r->crossings);
	free(r->cells);
	memset(r, 0, sizeof *r);
}

/* The "all crossings" cells where a series gave no figure for all, and
 * the series' totals and comparison with the commitment. */
static void sources_finish(sf_aid_sources *r)
{
	const sf_aid_commitment *cm = &r->commitment;
	double compared_sum[SF_AID_MAX_SERIES] = {0};
	for (size_t d = 0; d < r->ndays; d++) {
		long day = r->first_day + (long)d;
		int applies = (cm->from_day == SF_DAY_NONE || day >= cm->from_day) &&
		              (cm->to_day == SF_DAY_NONE || day <= cm->to_day);
		for (size_t s = 0; s < r->nseries; s++) {
			sf_aid_cell *all = cell_at(r, d, r->ncrossings, s);
			sf_aid_series *se = &r->series[s];
			if (!all->reported)
				for (size_t c = 0; c < r->ncrossings; c++) {
					const sf_aid_cell *x = cell_at(r, d, c, s);
					if (x->reported) {
						all->trucks += x->trucks;
						all->reported = 1;
					}
				}
			if (!all->reported)
				continue;
			se->days++;
			se->trucks += all->trucks;
			if (se->held && applies) {
				se->days_compared++;
				se->days_below += (double)all->trucks < cm->trucks_per_day;
				compared_sum[s] += (double)all->trucks;
			}
		}
	}
	for (size_t s = 0; s < r->nseries; s++) {
		sf_aid_series *se = &r->series[s];
		se->mean = se->days ? (double)se->trucks / (double)se->days : NAN;
		se->compared_mean =
		        se->days_compared ? compared_sum[s] / (double)se->days_compared : NAN;
	}
}

sf_status sf_aid_build_sources(sf_store *st, const sf_aid_filter *f,
                               const sf_aid_commitment *commitment, sf_aid_stage stage,
                               const sf_aid_reference *reference, sf_aid_sources *out,
                               sf_error *err)
{
	sf_aid_filter q;
	src_ctx c;
	sf_status rc;

	memset(out, 0, sizeof *out);
	out->stage = stage;
	if (commitment)
		out->commitment = *commitment;
	else
		out->commitment = (sf_aid_commitment){0, SF_DAY_NONE, SF_DAY_NONE};
	out->reference.trucks_per_day = NAN;
	if (reference)
		out->reference = *reference;
	if (f)
		q = *f;
	else
		sf_aid_filter_init(&q);
	memset(&c, 0, sizeof c);
	c.r = out;
	rc = sf_store_aid_query(st, &q, src_cb, &c, err);
	if (rc == SF_OK && c.too_many_series)
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "more than %d series (source and stage) of aid figures: choose "
		                  "fewer with --source or --stage",
		                  SF_AID_MAX_SERIES);
	else if (rc == SF_OK && c.failed)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc != SF_OK || out->ndays == 0)
		goto out;
	for (size_t s = 0; s < out->nseries; s++)
		out->series[s].held = out->series[s].stage == stage;
	size_t per_day = (out->ncrossings + 1) * out->nseries;
	if (out->ndays > (size_t)SF_AID_MAX_CELLS / per_day) {
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "%zu days x %zu crossings x %zu series is too large a table: "
		                  "narrow it with --from and --to, --crossing or --source",
		                  out->ndays, out->ncrossings + 1, out->nseries);
		goto out;
	}
	out->cells = calloc(out->ndays * per_day, sizeof *out->cells);
	if (!out->cells) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	c.pass = 1;
	rc = sf_store_aid_query(st, &q, src_cb, &c, err);
	if (rc == SF_OK)
		sources_finish(out);
out:
	if (rc != SF_OK)
		sf_aid_sources_release(out);
	return rc;
}
