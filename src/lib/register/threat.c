/*
 * threat.c - the threat of each sector from the incident register: the
 * incidents of the last window_days days, weighted by event type (protests
 * and strategic developments count 0 by default), per 100,000 people, as a
 * multiplier of the sector's requirements against the rate of all sectors
 * together, clamped to [min, max] (docs/register.md). It counts incidents,
 * never fatalities: an incident whose fatalities were not reported counts
 * like any other.
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/register.h"

static const sf_threat_weight default_weights[] = {
        {"Battles", 1},
        {"Explosions/Remote violence", 1},
        {"Violence against civilians", 1},
        {"Riots", 1},
};

const sf_threat_weight *sf_threat_default_weights(size_t *n)
{
	*n = SF_ARRAY_LEN(default_weights);
	return default_weights;
}

void sf_threat_options_init(sf_threat_options *o)
{
	memset(o, 0, sizeof *o);
	o->as_of = SF_DAY_NONE;
	o->window_days = 28;
	o->min = 0.5;
	o->max = 2.0;
	o->weight = 1;
	o->population_attr = "population";
}

typedef struct threat_ctx {
	const sf_scenario *sc;
	sf_threat *out;
	long last_day;
	double weight; /* of the event type being counted */
} threat_ctx;

static int last_day_cb(void *ctx, const sf_agg_row *row)
{
	threat_ctx *t = ctx;
	if (row->day > t->last_day)
		t->last_day = row->day;
	return 0;
}

static int threat_cb(void *ctx, const sf_agg_row *row)
{
	threat_ctx *t = ctx;
	long i = sf_scenario_find_sector(t->sc, row->key);
	if (i >= 0) {
		t->out[i].incidents += row->count;
		t->out[i].score += t->weight * (double)row->count;
	}
	return 0;
}

sf_status sf_register_threat(sf_store *st, const sf_scenario *sc, const sf_threat_options *o,
                             sf_threat *out, double *all_rate, sf_error *err)
{
	sf_threat_options dflt;
	sf_incident_filter f;
	threat_ctx t = {sc, out, SF_DAY_NONE, 0};
	sf_status rc;
	double tot_inc = 0, tot_pop = 0;
	const sf_threat_weight *ev;
	size_t nev;

	if (!o) {
		sf_threat_options_init(&dflt);
		o = &dflt;
	}
	if (o->window_days < 1 || !(o->min > 0) || !(o->max >= o->min))
		return sf_error_set(err, SF_ERR_USAGE,
		                    "threat: window_days must be >= 1 and 0 < min <= max");
	if (o->events) {
		ev = o->events;
		nev = o->nevents;
	} else {
		ev = sf_threat_default_weights(&nev);
	}
	for (size_t k = 0; k < nev; k++) {
		if (!ev[k].event_type || !(ev[k].weight >= 0) || !isfinite(ev[k].weight))
			return sf_error_set(err, SF_ERR_USAGE,
			                    "threat: an event weight must be a number >= 0");
	}
	memset(out, 0, sc->nsectors * sizeof *out);
	sf_incident_filter_init(&f);
	long as_of = o->as_of;
	if (as_of == SF_DAY_NONE) {
		rc = sf_store_incident_aggregate(st, &f, SF_DIM_NONE, last_day_cb, &t, err);
		if (rc != SF_OK)
			return rc;
		as_of = t.last_day;
	}
	if (as_of != SF_DAY_NONE) {
		f.from_day = as_of - o->window_days + 1;
		f.to_day = as_of;
		/* One aggregate per counted event type: the same store query on
		   SQLite and PostgreSQL, no type-by-sector grouping needed. */
		for (size_t k = 0; k < nev; k++) {
			if (!(ev[k].weight > 0))
				continue;
			f.event_type = ev[k].event_type;
			t.weight = ev[k].weight;
			rc = sf_store_incident_aggregate(st, &f, SF_DIM_SECTOR, threat_cb, &t, err);
			if (rc != SF_OK)
				return rc;
		}
	}
	for (size_t i = 0; i < sc->nsectors; i++) {
		double pop = 0;
		if (sf_sector_attr(&sc->sectors[i], o->population_attr, &pop) != 0 || !(pop > 0))
			pop = 0;
		out[i].population = pop;
		out[i].rate = NAN;
		if (pop > 0) {
			out[i].rate = out[i].score / pop * 1e5;
			tot_inc += out[i].score;
			tot_pop += pop;
		}
	}
	*all_rate = tot_pop > 0 ? tot_inc / tot_pop * 1e5 : 0;
	for (size_t i = 0; i < sc->nsectors; i++) {
		double m = 1;
		out[i].no_data = !(*all_rate > 0 && out[i].population > 0);
		if (!out[i].no_data) {
			m = out[i].rate > 0 ? pow(out[i].rate / *all_rate, o->weight) : 0;
			m = m < o->min ? o->min : m > o->max ? o->max : m;
		}
		out[i].multiplier = m;
	}
	return SF_OK;
}
