/*
 * dupes.c - possible duplicate incidents (docs/register.md).
 *
 * A sweep over incidents ordered by event type and date with a window of
 * the previous max_days days of the same type; each new incident is
 * compared with the window (great-circle distance, source system and
 * reporter). Possible duplicates are only listed, never merged.
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/register.h"

void sf_dupe_options_init(sf_dupe_options *o)
{
	memset(o, 0, sizeof *o);
	o->max_days = 1;
	o->max_km = 2;
}

/* What the sweep keeps of each incident in the window. */
typedef struct wrow {
	char *strs; /* all strings below, one allocation */
	const char *col[SF_ACLED_NCOLS];
	sf_incident inc;
} wrow;

typedef struct sweep {
	sf_store *st;
	const sf_dupe_options *o;
	sf_dupe_cb cb;
	void *ctx;
	wrow *win;
	size_t nwin, cap;
	char type[256];
	long pairs;
	int stop;
	sf_status rc;
	sf_error *err;
} sweep;

static void wrow_free(wrow *w)
{
	free(w->strs);
}

static int wrow_copy(wrow *w, const sf_incident *inc)
{
	static const int keep[] = {SF_COL_EVENT_ID_CNTY,  SF_COL_EVENT_DATE, SF_COL_EVENT_TYPE,
	                           SF_COL_SUB_EVENT_TYPE, SF_COL_ACTOR1,     SF_COL_LOCATION,
	                           SF_COL_SOURCE};
	size_t n = strlen(inc->sector) + strlen(inc->source_system) + 2;
	for (size_t k = 0; k < SF_ARRAY_LEN(keep); k++)
		n += strlen(inc->col[keep[k]]) + 1;
	memset(w, 0, sizeof *w);
	w->strs = malloc(n);
	if (!w->strs)
		return -1;
	char *p = w->strs;
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		w->col[i] = "";
	for (size_t k = 0; k < SF_ARRAY_LEN(keep); k++) {
		size_t l = strlen(inc->col[keep[k]]) + 1;
		memcpy(p, inc->col[keep[k]], l);
		w->col[keep[k]] = p;
		p += l;
	}
	w->inc = *inc;
	memcpy(w->inc.col, w->col, sizeof w->col);
	size_t l = strlen(inc->sector) + 1;
	memcpy(p, inc->sector, l);
	w->inc.sector = p;
	p += l;
	memcpy(p, inc->source_system, strlen(inc->source_system) + 1);
	w->inc.source_system = p;
	return 0;
}

static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0088, rad = M_PI / 180;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	           cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

static int sweep_cb(void *ctx, const sf_incident *inc)
{
	sweep *s = ctx;
	size_t keep = 0;

	if (strcmp(s->type, inc->col[SF_COL_EVENT_TYPE]) != 0) {
		for (size_t i = 0; i < s->nwin; i++)
			wrow_free(&s->win[i]);
		s->nwin = 0;
		sf_strlcpy(s->type, inc->col[SF_COL_EVENT_TYPE], sizeof s->type);
	}
	/* Drop rows too old to pair with this one or any later one. */
	while (keep < s->nwin && inc->day - s->win[keep].inc.day > s->o->max_days)
		keep++;
	if (keep) {
		for (size_t i = 0; i < keep; i++)
			wrow_free(&s->win[i]);
		memmove(s->win, s->win + keep, (s->nwin - keep) * sizeof *s->win);
		s->nwin -= keep;
	}
	for (size_t i = 0; i < s->nwin; i++) {
		const sf_incident *a = &s->win[i].inc;
		int diff_system = strcmp(a->source_system, inc->source_system) != 0;
		int diff_source = strcmp(a->col[SF_COL_SOURCE], inc->col[SF_COL_SOURCE]) != 0;
		if (!diff_system && !diff_source)
			continue;
		double km = haversine_km(a->latitude, a->longitude, inc->latitude, inc->longitude);
		if (km > s->o->max_km)
			continue;
		sf_dupe_pair p;
		memset(&p, 0, sizeof p);
		p.a = a;
		p.b = inc;
		p.km = km;
		p.days = inc->day - a->day;
		s->rc = sf_store_dupe_decision(s->st, a->col[SF_COL_EVENT_ID_CNTY],
		                               inc->col[SF_COL_EVENT_ID_CNTY], p.decision,
		                               sizeof p.decision, s->err);
		if (s->rc != SF_OK)
			return 1;
		if (p.decision[0] && !s->o->include_decided)
			continue;
		sf_snprintf(p.reason, sizeof p.reason,
		            "same event type, %ld day%s apart, %.2f km, %s", p.days,
		            p.days == 1 ? "" : "s", km,
		            diff_system ? "different source system" : "different source");
		s->pairs++;
		if (s->cb(s->ctx, &p) || (s->o->limit > 0 && s->pairs >= s->o->limit)) {
			s->stop = 1;
			return 1;
		}
	}
	if (s->nwin == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		wrow *n = sf__reallocarray(s->win, ncap, sizeof *n);
		if (!n) {
			s->rc = sf_error_set(s->err, SF_ERR_NOMEM, "out of memory");
			return 1;
		}
		s->win = n;
		s->cap = ncap;
	}
	if (wrow_copy(&s->win[s->nwin], inc) < 0) {
		s->rc = sf_error_set(s->err, SF_ERR_NOMEM, "out of memory");
		return 1;
	}
	s->nwin++;
	return 0;
}

sf_status sf_incidents_dupes(sf_store *st, const sf_incident_filter *f, const sf_dupe_options *o,
                             sf_dupe_cb cb, void *ctx, sf_error *err)
{
	sf_incident_filter all;
	sf_incident_filter q;
	sf_dupe_options dflt;
	sweep s;

	if (!f) {
		sf_incident_filter_init(&all);
		f = &all;
	}
	if (!o) {
		sf_dupe_options_init(&dflt);
		o = &dflt;
	}
	q = *f;
	q.limit = 0;
	q.include_retracted = 0;
	memset(&s, 0, sizeof s);
	s.st = st;
	s.o = o;
	s.cb = cb;
	s.ctx = ctx;
	s.err = err;
	sf_status rc = sf_store_incident_query(st, &q, SF_ORDER_TYPE_DATE, sweep_cb, &s, err);
	for (size_t i = 0; i < s.nwin; i++)
		wrow_free(&s.win[i]);
	free(s.win);
	return rc != SF_OK ? rc : s.rc;
}
