/*
 * plan_fixture.h - small scenarios built in memory for the planner's tests
 * (test_model.c, test_plan.c), independent of the scenario reader so the
 * model is tested against hand-computed optima and nothing else.
 *
 * fx_new() makes an empty scenario with room for a few of everything;
 * the fx_add_* helpers append; fx_free() frees what they allocated.
 */
#ifndef PLAN_FIXTURE_H
#define PLAN_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/stabforce.h"

enum { FX_MAX = 64 };

static sf_scenario *fx_new(int months, size_t nsectors, double ceiling)
{
	sf_scenario *sc = calloc(1, sizeof(*sc));
	sc->format = 1;
	sc->name = "fixture";
	sc->as_of = "2026-03-20";
	sc->start_year = 2026;
	sc->start_month = 1;
	sc->months = months;
	sc->troop_ceiling = ceiling;
	sc->sectors = calloc(FX_MAX, sizeof(sf_sector));
	sc->unit_types = calloc(FX_MAX, sizeof(sf_unit_type));
	sc->tasks = calloc(FX_MAX, sizeof(sf_task));
	sc->contributors = calloc(FX_MAX, sizeof(sf_contributor));
	sc->pledges = calloc(FX_MAX, sizeof(sf_pledge));
	sc->stakeholders = calloc(FX_MAX, sizeof(sf_stakeholder));
	sc->vetoes = calloc(FX_MAX, sizeof(sf_veto));
	static const char *ids[] = {"north", "south", "east", "west", "centre", "s5", "s6", "s7"};
	for (size_t s = 0; s < nsectors; s++) {
		sf_sector *se = &sc->sectors[s];
		se->id = (char *)ids[s % 8];
		se->name = se->id;
		se->opens = 1;
		se->threat = 1;
		se->attrs = calloc(4, sizeof(sf_attr));
	}
	sc->nsectors = nsectors;
	sc->stakeholders[0].id = "ISR";
	sc->stakeholders[0].name = "Israel";
	sc->nstakeholders = 1;
	return sc;
}

/* A task with requirement `value` in every sector (or once at mission). */
static size_t fx_add_task(sf_scenario *sc, const char *id, sf_scope scope, double weight,
                          double value)
{
	size_t t = sc->ntasks++;
	sf_task *tk = &sc->tasks[t];
	tk->id = (char *)id;
	tk->name = (char *)id;
	tk->scope = scope;
	tk->weight = weight;
	tk->req_kind = SF_REQ_VALUE;
	tk->req_value = value;
	for (size_t u = 0; u < sc->nunit_types; u++)
		sc->unit_types[u].capability =
		        realloc(sc->unit_types[u].capability, sizeof(double) * FX_MAX);
	return t;
}

/* Call after every task is added; capabilities set with fx_cap(). */
static size_t fx_add_unit(sf_scenario *sc, const char *id, int personnel, double cost)
{
	size_t u = sc->nunit_types++;
	sf_unit_type *ut = &sc->unit_types[u];
	ut->id = (char *)id;
	ut->name = (char *)id;
	ut->personnel = personnel;
	ut->monthly_cost = cost;
	ut->deploy_cost = cost;
	ut->capability = calloc(FX_MAX, sizeof(double));
	return u;
}

static void fx_cap(sf_scenario *sc, size_t u, size_t t, double k)
{
	sc->unit_types[u].capability[t] = k;
}

static size_t fx_add_contributor(sf_scenario *sc, const char *id)
{
	size_t c = sc->ncontributors++;
	sc->contributors[c].id = (char *)id;
	sc->contributors[c].name = (char *)id;
	sc->contributors[c].active = 1;
	return c;
}

static size_t fx_add_pledge(sf_scenario *sc, const char *id, size_t c, size_t u, int count,
                            int from, int to)
{
	size_t p = sc->npledges++;
	sf_pledge *pl = &sc->pledges[p];
	pl->id = (char *)id;
	pl->contributor = c;
	pl->unit = u;
	pl->count = count;
	pl->from = from;
	pl->to = to;
	pl->confidence = 1;
	pl->active = 1;
	pl->task_ok = malloc(FX_MAX);
	memset(pl->task_ok, 1, FX_MAX);
	pl->loc_ok = malloc(FX_MAX);
	memset(pl->loc_ok, 1, FX_MAX);
	return p;
}

static size_t fx_add_veto(sf_scenario *sc, size_t c, sf_veto_kind kind, double penalty,
                          int all_sectors)
{
	size_t v = sc->nvetoes++;
	sf_veto *vt = &sc->vetoes[v];
	vt->stakeholder = 0;
	vt->contributor = c;
	vt->kind = kind;
	vt->penalty = penalty;
	vt->all_sectors = all_sectors;
	vt->sector_mask = malloc(FX_MAX);
	memset(vt->sector_mask, all_sectors ? 1 : 0, FX_MAX);
	vt->active = 1;
	return v;
}

static void fx_free(sf_scenario *sc)
{
	for (size_t s = 0; s < sc->nsectors; s++)
		free(sc->sectors[s].attrs);
	for (size_t u = 0; u < sc->nunit_types; u++)
		free(sc->unit_types[u].capability);
	for (size_t t = 0; t < sc->ntasks; t++) {
		free(sc->tasks[t].ramp);
		free(sc->tasks[t].req_by_sector);
	}
	for (size_t p = 0; p < sc->npledges; p++) {
		free(sc->pledges[p].task_ok);
		free(sc->pledges[p].loc_ok);
	}
	for (size_t v = 0; v < sc->nvetoes; v++)
		free(sc->vetoes[v].sector_mask);
	free(sc->sectors);
	free(sc->unit_types);
	free(sc->tasks);
	free(sc->contributors);
	free(sc->pledges);
	free(sc->stakeholders);
	free(sc->vetoes);
	free(sc);
}

/*
 * The worked example of docs/model.md (tests): 2 months, sectors north and
 * south, ceiling 250, share cap 0.5.
 *   unit inf: 100 persons, cost 10, poc 1;  unit trn: 10 persons, cost 1, train 1
 *   task poc: sector, weight 10, value 2;   task train: mission, weight 1, value 1
 *   X: 3 inf months 1-2;  Y: 1 inf month 2;  Z: 1 trn months 1-2
 *   soft veto on X in north, penalty 1 per person-month
 * Month 1: X alone in the sectors would hold 100% > 50%, so nobody goes in:
 * shortfall 4 poc -> 40. Month 2: X 1 + Y 1 (share 50%): shortfall 2 -> 20.
 * Z1* = 60. Stage 2: trn 2 months (2) + X 1 + Y 1 in month 2 (20), arrivals
 * trn 1 + X 10 + Y 10 (21), X in south so no penalty: Z2* = 43.
 */
static sf_scenario *fx_worked(void)
{
	sf_scenario *sc = fx_new(2, 2, 250);
	size_t poc = fx_add_task(sc, "poc", SF_SCOPE_SECTOR, 10, 2);
	size_t train = fx_add_task(sc, "train", SF_SCOPE_MISSION, 1, 1);
	size_t inf = fx_add_unit(sc, "inf", 100, 10);
	size_t trn = fx_add_unit(sc, "trn", 10, 1);
	fx_cap(sc, inf, poc, 1);
	fx_cap(sc, trn, train, 1);
	size_t X = fx_add_contributor(sc, "X");
	size_t Y = fx_add_contributor(sc, "Y");
	size_t Z = fx_add_contributor(sc, "Z");
	fx_add_pledge(sc, "X-1", X, inf, 3, 1, 2);
	fx_add_pledge(sc, "Y-1", Y, inf, 1, 2, 2);
	fx_add_pledge(sc, "Z-1", Z, trn, 1, 1, 2);
	sc->has_max_share = 1;
	sc->max_share = 0.5;
	size_t v = fx_add_veto(sc, X, SF_VETO_SOFT, 1, 0);
	sc->vetoes[v].sector_mask[0] = 1; /* north */
	return sc;
}

#endif
