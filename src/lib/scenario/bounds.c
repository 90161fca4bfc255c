/*
 * bounds.c - the checks across numbers of a loaded scenario (scenario.h,
 * "Bounds"): the largest requirement of each task in each location, and
 * the cost of a unit-month of each pledge in each location with the soft
 * vetoes that cover it.
 *
 * Each real of the format has its own bound, checked where it is read
 * (schema.c); these two are products of several, so no single bound can
 * hold them: population / every x threat x ramp level, and monthly cost +
 * penalty x personnel summed over vetoes. schema.c reports them at their
 * place in the file; sf_scenario_check_numbers() is for a scenario changed
 * since (what-if edits, figures from the registers), called by the
 * planner before it builds a model, so that nothing the solvers cannot
 * take reaches them.
 */
#include "base/internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/bounds.h"

/* The requirement's base in sector s (docs/model.md), before threat and ramp. */
static double base_in(const sf_scenario *sc, const sf_task *t, size_t s)
{
	switch (t->req_kind) {
	case SF_REQ_VALUE:
		return t->req_value;
	case SF_REQ_BY_SECTOR:
		return t->req_by_sector ? t->req_by_sector[s] : 0;
	case SF_REQ_PER:
		for (size_t a = 0; t->req_per && t->req_every > 0 && a < sc->sectors[s].nattrs; a++)
			if (strcmp(sc->sectors[s].attrs[a].name, t->req_per) == 0)
				return sc->sectors[s].attrs[a].value / t->req_every;
		return 0;
	}
	return 0;
}

/* The largest ramp level (1 without a ramp). */
static double peak_level(const sf_task *t)
{
	double level = t->nramp ? 0 : 1;

	for (size_t i = 0; i < t->nramp; i++)
		if (t->ramp[i].level > level)
			level = t->ramp[i].level;
	return level;
}

double sf_scenario_requirement_peak(const sf_scenario *sc, size_t t, size_t l)
{
	const sf_task *tk = &sc->tasks[t];

	if (tk->scope == SF_SCOPE_MISSION)
		return l == sc->nsectors ? tk->req_value * peak_level(tk) : 0;
	if (l >= sc->nsectors)
		return 0;
	return base_in(sc, tk, l) * sc->sectors[l].threat * peak_level(tk);
}

double sf_scenario_unit_month_cost(const sf_scenario *sc, size_t p, size_t l)
{
	const sf_pledge *pl = &sc->pledges[p];
	const sf_unit_type *u = &sc->unit_types[pl->unit];
	double cost = u->monthly_cost;

	if (l >= sc->nsectors)
		return cost;
	for (size_t v = 0; v < sc->nvetoes; v++) {
		const sf_veto *vt = &sc->vetoes[v];
		if (vt->active && vt->kind == SF_VETO_SOFT && vt->contributor == pl->contributor &&
		    vt->sector_mask && vt->sector_mask[l])
			cost += vt->penalty * u->personnel;
	}
	return cost;
}

size_t sf__check_numbers(const sf_scenario *sc, sf__number_report report, void *ctx)
{
	char msg[SF_ERROR_MESSAGE_MAX], path[SF_ERROR_PATH_MAX];
	size_t n = 0;

	for (size_t t = 0; t < sc->ntasks; t++) {
		const sf_task *tk = &sc->tasks[t];
		for (size_t l = 0; l <= sc->nsectors; l++) {
			double r = sf_scenario_requirement_peak(sc, t, l);
			int sector = l < sc->nsectors;
			if (isfinite(r) && r <= SF_MAX_REQUIREMENT)
				continue;
			sf_snprintf(
			        msg, sizeof(msg),
			        "task '%s' requires %g capability units in %s%s%s: at most %g (a "
			        "unit delivers about 1); check its requirement%s",
			        tk->id, r, sector ? "sector '" : "",
			        sector ? sc->sectors[l].id : "mission", sector ? "'" : "",
			        SF_MAX_REQUIREMENT,
			        sector ? " and the sector's attributes and threat" : "");
			sf_snprintf(path, sizeof(path), "tasks[%zu].requirement", t);
			n++;
			if (report(ctx, tk->pos, path, msg))
				return n;
		}
	}
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_pledge *pl = &sc->pledges[p];
		size_t k = 0;
		if (!pl->active)
			continue;
		for (size_t q = 0; q < p; q++)
			k += sc->pledges[q].contributor == pl->contributor;
		for (size_t l = 0; l < sc->nsectors; l++) {
			double c = sf_scenario_unit_month_cost(sc, p, l);
			if (isfinite(c) && c <= SF_MAX_COST_PER_UNIT)
				continue;
			sf_snprintf(
			        msg, sizeof(msg),
			        "a unit-month of pledge '%s' in sector '%s' costs %g with the "
			        "penalties of its soft vetoes: at most %g; check the penalties on "
			        "contributor '%s'",
			        pl->id, sc->sectors[l].id, c, SF_MAX_COST_PER_UNIT,
			        sc->contributors[pl->contributor].id);
			sf_snprintf(path, sizeof(path), "contributors[%zu].pledges[%zu]",
			            pl->contributor, k);
			n++;
			if (report(ctx, pl->pos, path, msg))
				return n;
			break; /* one message per pledge */
		}
	}
	return n;
}

typedef struct first_report {
	const sf_scenario *sc;
	sf_error *err;
} first_report;

static int keep_first(void *ctx, sf_srcpos pos, const char *path, const char *msg)
{
	first_report *f = ctx;

	sf_error_set_at(f->err, SF_ERR_SCENARIO, f->sc->path, pos.line, pos.column, path, "%s",
	                msg);
	return 1;
}

sf_status sf_scenario_check_numbers(const sf_scenario *sc, sf_error *err)
{
	first_report f = {sc, err};

	return sf__check_numbers(sc, keep_first, &f) ? SF_ERR_SCENARIO : SF_OK;
}
