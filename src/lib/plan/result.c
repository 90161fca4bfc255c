#include "base/internal.h"
#include "base/tolerance.h"

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

int sf_stage_proven(sf_solve_status status, double gap)
{
	return status == SF_SOLVE_OPTIMAL && !(gap > SF_GAP_PROVEN);
}

const char *sf_stage_proof_str(sf_solve_status status, double gap, char *buf, size_t n)
{
	switch (status) {
	case SF_SOLVE_OPTIMAL:
		if (sf_stage_proven(status, gap))
			sf_strlcpy(buf, "proven optimal", n);
		else
			sf_snprintf(buf, n, "within %.3g%% of the optimum", gap * 100);
		break;
	case SF_SOLVE_FEASIBLE:
		sf_snprintf(buf, n, "stopped by a limit at gap %.3g%%", gap * 100);
		break;
	case SF_SOLVE_NOT_RUN:
		sf_strlcpy(buf, "not run", n);
		break;
	default:
		sf_strlcpy(buf, "no plan", n);
		break;
	}
	return buf;
}

void sf_plan_options_init(sf_plan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->solver = SF_SOLVER_CBC;
	o->time_limit_s = 0;
	o->gap = 0.01;
	o->stage1_gap = 0;
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
	free(p->presence);
	free(p->assigned);
	free(p->arrivals);
	free(p->departures);
	free(p->reliefs);
	free(p->moves);
	free(p->retasks);
	free(p->reception_used);
	free(p->reception_cap);
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
	return slack <= sf__tol_rel(SF_TOL_FEASIBILITY, rhs);
}

/* A units array [((p * nloc + l) * ntasks + t) * M + m-1] of the plan's rows. */
static int *rows_units(const sf_scenario *sc, const sf_plan *p)
{
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks, M = (size_t)sc->months;
	int *u = calloc(sc->npledges * nl * nt * M + 1, sizeof(int));

	if (u == NULL)
		return NULL;
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_assignment *r = &p->rows[i];
		u[((r->pledge * nl + r->location) * nt + r->task) * M + (size_t)(r->month - 1)] +=
		        r->units;
	}
	return u;
}

/*
 * Moves and changes of task of pledge pi in month m (m >= 2), as
 * docs/model.md counts them: with inc(c) the increase of cell c from m - 1
 * to m (the reserve, present units without a task, a location of its
 * own) and A the month's arrivals, changes = max(0, sum_cells inc - A),
 * moves = max(0, sum_locations inc - A), retasks = changes - moves.
 */
static void count_moves(const sf_scenario *sc, const int *units, const int *presence,
                        const int *arrivals, size_t pi, int m, int *moves, int *retasks)
{
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks, M = (size_t)sc->months;
	const size_t mi = (size_t)(m - 1);
	long cells = 0, locs = 0, res_now, res_prev, A = arrivals[pi * M + mi];
	long sum_now = 0, sum_prev = 0;

	for (size_t l = 0; l < nl; l++) {
		long y_now = 0, y_prev = 0;
		for (size_t t = 0; t < nt; t++) {
			size_t k = ((pi * nl + l) * nt + t) * M;
			long d = (long)units[k + mi] - units[k + mi - 1];
			cells += d > 0 ? d : 0;
			y_now += units[k + mi];
			y_prev += units[k + mi - 1];
		}
		locs += y_now > y_prev ? y_now - y_prev : 0;
		sum_now += y_now;
		sum_prev += y_prev;
	}
	res_now = presence[pi * M + mi] - sum_now;
	res_prev = presence[pi * M + mi - 1] - sum_prev;
	if (res_now > res_prev) {
		cells += res_now - res_prev;
		locs += res_now - res_prev;
	}
	*moves = locs > A ? (int)(locs - A) : 0;
	*retasks = (cells > A ? (int)(cells - A) : 0) - *moves;
}

/*
 * The format-2 figures of plan p (whose rows, provided capability and
 * personnel are computed): presence, arrivals, departures, reliefs, idle
 * units, moves and changes of task, reception, and the costs of the
 * planned months (history is no part of Z2), which replace the format-1
 * unit and deployment costs. presence/arrivals NULL: the units assigned
 * and their increases.
 */
static sf_status f2_figures(const sf_scenario *sc, sf_plan *p, const int *presence,
                            const int *arrivals, sf_error *err)
{
	const size_t np = sc->npledges, M = (size_t)sc->months;
	sf_status rc = SF_OK;
	int *units = rows_units(sc, p);
	sf__history h = {0};

	p->presence = calloc(np * M + 1, sizeof(int));
	p->assigned = calloc(np * M + 1, sizeof(int));
	p->arrivals = calloc(np * M + 1, sizeof(int));
	p->departures = calloc(np * M + 1, sizeof(int));
	p->reliefs = calloc(np * M + 1, sizeof(int));
	p->moves = calloc(np * M + 1, sizeof(int));
	p->retasks = calloc(np * M + 1, sizeof(int));
	p->reception_used = calloc(M + 1, sizeof(double));
	p->reception_cap = calloc(M + 1, sizeof(double));
	if (!units || !p->presence || !p->assigned || !p->arrivals || !p->departures ||
	    !p->reliefs || !p->moves || !p->retasks || !p->reception_used || !p->reception_cap) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory building the plan");
		goto out;
	}
	if (sc->format >= 2 && (rc = sf__history_build(sc, &h, err)) != SF_OK)
		goto out;
	p->a0 = sc->format >= 2 ? sc->a0 : 1;
	for (size_t i = 0; i < p->nrows; i++)
		p->assigned[p->rows[i].pledge * M + (size_t)(p->rows[i].month - 1)] +=
		        p->rows[i].units;
	for (size_t pi = 0; pi < np; pi++)
		for (size_t mi = 0; mi < M; mi++) {
			size_t k = pi * M + mi;
			int prev = mi > 0 ? p->presence[k - 1] : 0;
			p->presence[k] = presence ? presence[k] : p->assigned[k];
			if (arrivals)
				p->arrivals[k] = arrivals[k];
			else
				p->arrivals[k] = p->presence[k] > prev ? p->presence[k] - prev : 0;
			p->departures[k] = prev + p->arrivals[k] - p->presence[k];
			p->reliefs[k] = p->arrivals[k] < p->departures[k] ? p->arrivals[k]
			                                                  : p->departures[k];
		}
	for (size_t mi = 0; mi < M; mi++) {
		p->reception_cap[mi] = sf_scenario_reception(sc, (int)mi + 1);
		for (size_t pi = 0; pi < np; pi++)
			if (sf_pledge_enters_sectors(sc, pi))
				p->reception_used[mi] +=
				        (double)sc->unit_types[sc->pledges[pi].unit].personnel *
				        p->arrivals[pi * M + mi];
	}
	if (sc->format < 2)
		goto out;
	/* Costs of the planned months: presence, planned arrivals, moves. */
	p->cost_units = p->cost_deploy = 0;
	for (size_t pi = 0; pi < np; pi++) {
		const sf_unit_type *u = &sc->unit_types[sc->pledges[pi].unit];
		for (int m = p->a0; m <= sc->months; m++) {
			size_t k = pi * M + (size_t)(m - 1);
			int recorded = m == p->a0 ? h.arrivals[k] : 0;
			p->cost_units += u->monthly_cost * p->presence[k];
			p->cost_deploy += u->deploy_cost * (p->arrivals[k] - recorded);
			if (m >= 2)
				count_moves(sc, units, p->presence, p->arrivals, pi, m,
				            &p->moves[k], &p->retasks[k]);
			p->cost_moves +=
			        u->move_cost * p->moves[k] + u->retask_cost * p->retasks[k];
		}
	}
out:
	sf__history_release(&h);
	free(units);
	return rc;
}

sf_status sf_plan_from_rows(const sf_scenario *sc, const sf_assignment *rows, size_t nrows,
                            sf_plan **out, sf_error *err)
{
	return sf_plan_from_parts(sc, rows, nrows, NULL, NULL, out, err);
}

sf_status sf_plan_from_parts(const sf_scenario *sc, const sf_assignment *rows, size_t nrows,
                             const int *presence, const int *arrivals, sf_plan **out, sf_error *err)
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
	p->moves_status = SF_SOLVE_NOT_RUN;
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
			if (sc->format < 2 || r->month >= sc->a0)
				p->cost_soft +=
				        sf__soft_penalty(sc, r->pledge, r->location) * persons;
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
	rc = f2_figures(sc, p, presence, arrivals, err);
	if (rc != SF_OK)
		goto out;
	p->cost_total = p->cost_units + p->cost_deploy + p->cost_soft + p->cost_moves;

	/* Shortfall, Z1 (format 2: planned months), FOC. */
	{
		int last_short = 0;
		p->z1 = 0;
		for (size_t t = 0; t < nt; t++)
			for (size_t l = 0; l < nl; l++)
				for (int m = 1; m <= sc->months; m++) {
					size_t k = SF_COV(sc, t, l, m);
					double s = p->required[k] - p->provided[k];
					p->shortfall[k] = s > 0 ? s : 0;
					if (m >= p->a0)
						p->z1 += sc->tasks[t].weight * p->shortfall[k];
					if (p->shortfall[k] > SF_TOL_SHORTFALL && m > last_short)
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
	/* Format 2: a cap counts presence, idle units included. */
	if (sc->format >= 2) {
		memset(p->cap_binds, 0, nc * M);
		memset(pers_all, 0, nc * M * sizeof(double));
		for (size_t pi = 0; pi < sc->npledges; pi++)
			for (size_t mi = 0; mi < M; mi++)
				pers_all[sc->pledges[pi].contributor * M + mi] +=
				        (double)sc->unit_types[sc->pledges[pi].unit].personnel *
				        p->presence[pi * M + mi];
		for (size_t c = 0; c < nc; c++) {
			const sf_contributor *ct = &sc->contributors[c];
			for (size_t mi = 0; mi < M; mi++)
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
