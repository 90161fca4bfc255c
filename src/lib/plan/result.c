#include "base/internal.h"

/*
 * result.c - a plan as the library hands it out: the status names, the
 * options' defaults, and sf_plan_from_rows(), which derives every figure
 * of a plan (coverage, FOC, build-up, costs, binding constraints) from the
 * assignment rows alone, so a plan read back from JSON reports exactly
 * what the solver's plan did.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/model.h"

#define SHORT_EPS 1e-6 /* a shortfall above this counts (FOC) */

const char *sf_solve_status_str(sf_solve_status s)
{
	switch (s) {
	case SF_SOLVE_OPTIMAL:
		return "optimal";
	case SF_SOLVE_FEASIBLE:
		return "feasible";
	case SF_SOLVE_INFEASIBLE:
		return "infeasible";
	case SF_SOLVE_ERROR:
		return "error";
	case SF_SOLVE_NOT_RUN:
		return "not_run";
	}
	return "error";
}

void sf_plan_options_init(sf_plan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->solver = SF_SOLVER_CBC;
	o->time_limit_s = 0;
	o->gap = 0.01;
	o->threads = 1;
}

void sf_plan_free(sf_plan *p)
{
	if (p == NULL)
		return;
	free(p->rows);
	free(p->required);
	free(p->provided);
	free(p->shortfall);
	free(p->personnel_by_contributor);
	free(p->personnel_in_sectors);
	free(p->personnel_at_mission);
	free(p->ceiling_binds);
	free(p->share_binds);
	free(p->cap_binds);
	free(p);
}

/* ------------------------------------------------------------------ */
/* Derived figures                                                     */

static int cmp_rows(const void *a, const void *b)
{
	const sf_assignment *x = a, *y = b;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	if (x->pledge != y->pledge)
		return x->pledge < y->pledge ? -1 : 1;
	if (x->location != y->location)
		return x->location < y->location ? -1 : 1;
	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return 0;
}

/* Slack small enough to call a constraint binding. */
static int binds(double slack, double rhs)
{
	return slack <= 1e-6 * (fabs(rhs) > 1 ? fabs(rhs) : 1);
}

sf_status sf_plan_from_rows(const sf_scenario *sc, const sf_assignment *rows, size_t nrows,
                            sf_plan **out, sf_error *err)
{
	sf_status rc = SF_OK;
	sf_plan *p = NULL;
	double *pers_all = NULL; /* [c * M + m-1] personnel at every location */
	double *n_plm = NULL;    /* [(p * nloc + l) * M + m-1] units of p at l */
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks, nc = sc->ncontributors;
	const size_t M = (size_t)sc->months, ncov = nt * nl * M;

	*out = NULL;
	for (size_t i = 0; i < nrows; i++) {
		const sf_assignment *r = &rows[i];
		if (r->month < 1 || r->month > sc->months || r->pledge >= sc->npledges ||
		    r->location >= nl || r->task >= nt || r->units < 0)
			return sf_error_set(err, SF_ERR_INPUT,
			                    "assignment row %zu is out of the scenario's range", i);
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory building the plan");
	p->scenario = sc;
	p->solver = SF_SOLVER_CBC;
	p->stage1.status = p->stage2.status = SF_SOLVE_NOT_RUN;
	p->rows = sf__mallocarray(nrows + 1, sizeof(*p->rows));
	p->required = calloc(ncov + 1, sizeof(double));
	p->provided = calloc(ncov + 1, sizeof(double));
	p->shortfall = calloc(ncov + 1, sizeof(double));
	p->personnel_by_contributor = calloc(nc * M + 1, sizeof(double));
	p->personnel_in_sectors = calloc(M + 1, sizeof(double));
	p->personnel_at_mission = calloc(M + 1, sizeof(double));
	p->ceiling_binds = calloc(M + 1, 1);
	p->share_binds = calloc(nc * M + 1, 1);
	p->cap_binds = calloc(nc * M + 1, 1);
	pers_all = calloc(nc * M + 1, sizeof(double));
	n_plm = calloc(sc->npledges * nl * M + 1, sizeof(double));
	if (p->rows == NULL || p->required == NULL || p->provided == NULL || p->shortfall == NULL ||
	    p->personnel_by_contributor == NULL || p->personnel_in_sectors == NULL ||
	    p->personnel_at_mission == NULL || p->ceiling_binds == NULL || p->share_binds == NULL ||
	    p->cap_binds == NULL || pers_all == NULL || n_plm == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory building the plan");
		goto out;
	}

	/* Rows: sorted, duplicates merged, zero rows dropped. */
	if (nrows > 0)
		memcpy(p->rows, rows, nrows * sizeof(*rows));
	qsort(p->rows, nrows, sizeof(*p->rows), cmp_rows);
	p->nrows = 0;
	for (size_t i = 0; i < nrows; i++) {
		if (p->nrows > 0 && cmp_rows(&p->rows[p->nrows - 1], &p->rows[i]) == 0)
			p->rows[p->nrows - 1].units += p->rows[i].units;
		else
			p->rows[p->nrows++] = p->rows[i];
	}
	{
		size_t k = 0;
		for (size_t i = 0; i < p->nrows; i++)
			if (p->rows[i].units > 0)
				p->rows[k++] = p->rows[i];
		p->nrows = k;
	}

	/* Requirements. */
	for (size_t t = 0; t < nt; t++)
		for (size_t l = 0; l < nl; l++)
			for (int m = 1; m <= sc->months; m++)
				p->required[SF_COV(sc, t, l, m)] = sf__requirement(sc, t, l, m);

	/* Provided capability, personnel, unit costs, soft-veto penalties. */
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_assignment *r = &p->rows[i];
		const sf_pledge *pl = &sc->pledges[r->pledge];
		const sf_unit_type *u = &sc->unit_types[pl->unit];
		size_t c = pl->contributor, mi = (size_t)(r->month - 1);
		double persons = (double)u->personnel * r->units;

		p->provided[SF_COV(sc, r->task, r->location, r->month)] +=
		        u->capability[r->task] * r->units;
		if (r->location < sc->nsectors) {
			p->personnel_by_contributor[c * M + mi] += persons;
			p->personnel_in_sectors[mi] += persons;
			p->cost_soft += sf__soft_penalty(sc, r->pledge, r->location) * persons;
		} else {
			p->personnel_at_mission[mi] += persons;
		}
		pers_all[c * M + mi] += persons;
		p->cost_units += u->monthly_cost * r->units;
		n_plm[(r->pledge * nl + r->location) * M + mi] += r->units;
	}

	/* Arrivals: units of p at l in month m minus those in m-1, positive part. */
	for (size_t pi = 0; pi < sc->npledges; pi++) {
		const sf_unit_type *u = &sc->unit_types[sc->pledges[pi].unit];
		for (size_t l = 0; l < nl; l++) {
			double prev = 0;
			for (size_t mi = 0; mi < M; mi++) {
				double cur = n_plm[(pi * nl + l) * M + mi];
				if (cur > prev)
					p->cost_deploy += u->deploy_cost * (cur - prev);
				prev = cur;
			}
		}
	}
	p->cost_total = p->cost_units + p->cost_deploy + p->cost_soft;

	/* Shortfall, Z1, FOC. */
	{
		int last_short = 0;
		p->z1 = 0;
		for (size_t t = 0; t < nt; t++)
			for (size_t l = 0; l < nl; l++)
				for (int m = 1; m <= sc->months; m++) {
					size_t k = SF_COV(sc, t, l, m);
					double s = p->required[k] - p->provided[k];
					p->shortfall[k] = s > 0 ? s : 0;
					p->z1 += sc->tasks[t].weight * p->shortfall[k];
					if (p->shortfall[k] > SHORT_EPS && m > last_short)
						last_short = m;
				}
		p->foc_month = last_short < sc->months ? last_short + 1 : 0;
	}

	/* Binding constraints. */
	for (size_t mi = 0; mi < M; mi++) {
		double total = p->personnel_in_sectors[mi];
		if (isfinite(sc->troop_ceiling))
			p->ceiling_binds[mi] =
			        (unsigned char)binds(sc->troop_ceiling - total, sc->troop_ceiling);
		for (size_t c = 0; c < nc; c++) {
			const sf_contributor *ct = &sc->contributors[c];
			double mine = p->personnel_by_contributor[c * M + mi];
			if (sc->has_max_share && mine > 0)
				p->share_binds[c * M + mi] = (unsigned char)binds(
				        sc->max_share * total - mine, sc->max_share * total);
			if (ct->has_cap && ct->active)
				p->cap_binds[c * M + mi] = (unsigned char)binds(
				        ct->cap - pers_all[c * M + mi], ct->cap);
		}
	}

	*out = p;
	p = NULL;
out:
	free(pers_all);
	free(n_plm);
	sf_plan_free(p);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Solving                                                             */
