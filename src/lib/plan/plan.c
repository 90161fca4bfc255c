/*
 * plan.c - sf_plan_solve: the two-stage plan of docs/model.md.
 *
 * Stage 1 (weighted shortfall) has no constraint linking two months:
 * pledge size, coverage, ceiling, caps and share are all per month, and
 * arrivals belong to stage 2. So Z1* is the sum of M small optima, and
 * stage 1 is solved one month at a time, each to proven optimality. That
 * is the planner's main performance device: M problems of size n are far
 * easier than one of size M n, because branch and bound is worse than
 * linear in the size. (options.monolithic solves the one big MILP instead,
 * as the benchmark's peer.)
 *
 * Stage 2 (cost) links the months through the arrivals and is solved over
 * all months at once, with Z1 <= Z1* + max(1e-6 |Z1*|, 1e-6) and, when the
 * month optima are proven, the valid inequalities Z1_m >= Z1_m* - tol_m
 * that keep each month's shortfall where stage 1 proved it must be. The
 * stage-1 solutions together are feasible for stage 2 and are handed to the
 * solver as its MIP start (options.no_warm_start turns this off), so stage
 * 2 always has a plan to improve on, and stops at the relative gap asked
 * for (default 1%). Month cost rows strengthen its relaxation where the
 * root without them cannot prove the start within that gap (root_proof,
 * month_cost_bounds).
 *
 * The time limit is one wall-clock budget for the whole plan: each month
 * of stage 1 gets a share of what remains (month_budget), stage 2 the
 * rest. Under a limit every solve runs in a child process with a hard
 * deadline (stage.c, sf__solve_limited): CBC can overrun its limit and can
 * crash when the limit stops it. A month whose solve gives no plan (no
 * time, killed, crashed, or "infeasible" from interrupted preprocessing)
 * keeps the plan that sends nobody, feasible in every model; a stage
 * stopped so reports SF_SOLVE_FEASIBLE and its gap, never an error.
 *
 * The helpers both formats' stages use are in stage.c; the derived figures
 * of a plan (sf_plan_from_rows) in result.c.
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/model.h"
#include "plan/plan_f2.h"
#include "plan/solver.h"
#include "plan/stage.h"

/* The full stage-2 column vector of the plan held in units (a MIP start). */
static void start_vector(const sf_scenario *sc, const sf__model *md, const int *units, double *x)
{
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks, M = (size_t)sc->months;

	for (int j = 0; j < md->ncols; j++) {
		const sf__tag *t = &md->col[j];
		double v = 0;
		switch (t->kind) {
		case SF__COL_X:
			v = units[(((size_t)t->a * nl + (size_t)t->b) * nt + (size_t)t->c) * M +
			          (size_t)(t->month - 1)];
			break;
		case SF__COL_G: {
			double prov = 0;
			for (size_t p = 0; p < sc->npledges; p++)
				prov += sc->unit_types[sc->pledges[p].unit].capability[t->c] *
				        units[((p * nl + (size_t)t->b) * nt + (size_t)t->c) * M +
				              (size_t)(t->month - 1)];
			v = sf__requirement(sc, (size_t)t->c, (size_t)t->b, t->month) - prov;
			v = v > 0 ? v : 0;
			break;
		}
		case SF__COL_A: {
			double cur = 0, prev = 0;
			for (size_t tk = 0; tk < nt; tk++) {
				size_t base = (((size_t)t->a * nl + (size_t)t->b) * nt + tk) * M;
				cur += units[base + (size_t)(t->month - 1)];
				if (t->month > 1)
					prev += units[base + (size_t)(t->month - 2)];
			}
			v = cur > prev ? cur - prev : 0;
			break;
		}
		case SF__COL_Z:
			for (size_t p = 0; p < sc->npledges; p++)
				if (sc->pledges[p].unit == (size_t)t->a)
					v += units[((p * nl + (size_t)t->b) * nt + (size_t)t->c) *
					                   M +
					           (size_t)(t->month - 1)];
			break;
		case SF__COL_Y:
			for (size_t p = 0; p < sc->npledges; p++)
				for (size_t l = 0; l < sc->nsectors; l++)
					for (size_t tk = 0; tk < nt; tk++)
						v += (double)sc->unit_types[sc->pledges[p].unit]
						             .personnel *
						     units[((p * nl + l) * nt + tk) * M +
						           (size_t)(t->month - 1)];
			break;
		}
		x[j] = v;
	}
}

typedef struct stage1_out {
	sf_stage_result res;
	double *z1m;       /* [M] month shortfalls of the stage-1 plan */
	int months_proven; /* every month proven optimal (none stopped, none at a gap) */
} stage1_out;

typedef struct solved_month {
	sf__model *md;
	double *x;
	sf__solve_result res;
} solved_month;

/*
 * The plan that sends nobody (x = 0, shortfall = requirement), as a
 * column vector of a stage-1 model: feasible in every stage-1 model,
 * since shortfall is always allowed. It is a time-limited month's plan
 * when its solve gives none.
 */
static void zero_plan(const sf_scenario *sc, const sf__model *md, double *x)
{
	for (int j = 0; j < md->ncols; j++)
		x[j] = md->col[j].kind == SF__COL_G
		               ? sf__requirement(sc, (size_t)md->col[j].c, (size_t)md->col[j].b,
		                                 md->col[j].month)
		               : 0;
}

/*
 * The time of stage-1 block b of nblocks under a time limit. Stage 1 may
 * use two thirds of the budget (all of it with stage1_only); stage 2 keeps
 * the rest and what stage 1 leaves. Of what remains of stage 1's part, a
 * month may take half (the last month all): most months prove in a second
 * and leave their time to the next, and a hard month gets the time its
 * proof needs while the months after it keep the other half. If stage 1's
 * part is spent, a month gets a fair share of what is left (it stops with
 * its best plan and its gap). <= 0 when no time is left.
 */
static double month_budget(const sf_plan_options *o, double deadline, int b, int nblocks)
{
	double left = sf__remaining(deadline);
	double part = left - (o->stage1_only ? 0 : o->time_limit_s / 3);
	int shares = nblocks - b + (o->stage1_only ? 0 : 1);

	if (left <= 0)
		return 0;
	if (part > 0)
		return nblocks - b == 1 ? part : part / 2;
	return left / shares;
}

/*
 * Solve one stage-1 block without a time limit, in this process: a block
 * with no plan is an error (it cannot happen with a correct solver: the
 * plan that sends nobody is feasible).
 */
static sf_status solve_block(const sf_plan_options *o, const sf__model *md, const char *where,
                             sf__solve_result *res, double *x, sf_error *err)
{
	sf__solve_params prm = {.gap = o->stage1_gap,
	                        .threads = o->threads > 0 ? o->threads : 1,
	                        .log = o->solver_log};
	sf_status rc = sf__solve(o->solver, md, &prm, res, x, err);

	if (rc != SF_OK)
		return rc;
	switch (res->status) {
	case SF__SOLVE_OPTIMAL:
	case SF__SOLVE_STOPPED:
		return SF_OK;
	case SF__SOLVE_NO_SOLUTION:
		return sf_error_set(err, SF_ERR_SOLVER,
		                    "solver '%s' stopped before any plan was found in %s",
		                    sf__solver_name(o->solver), where);
	case SF__SOLVE_INFEASIBLE:
		return sf_error_set(err, SF_ERR_INFEASIBLE, "%s has no feasible plan", where);
	case SF__SOLVE_FAILED:
		break;
	}
	return sf_error_set(err, SF_ERR_SOLVER, "solver '%s' failed in %s",
	                    sf__solver_name(o->solver), where);
}

/*
 * Solve one stage-1 block under the time limit, in a child process with a
 * hard deadline (stage.c). Whatever the child gives short of a plan (no
 * time left, killed at the deadline, a crash, or "infeasible" from CBC's
 * interrupted preprocessing) the block keeps the plan that sends nobody,
 * as a stopped solve whose bound is what the solver proved, or 0: never
 * an error, and never shown as proven.
 *
 * CBC gets no MIP start. Started from the plan that sends nobody, CBC
 * 2.10.8 crashed (CglPreProcess::postProcess) in many months that its
 * limit stopped with a solution, which then cost the month its plan;
 * without a start no month crashed in the same runs, and a month stopped
 * before CBC's own first plan keeps CBC's bound, so the gaps were
 * smaller (docs/benchmarks.md). GLPK, whose primal heuristics are weak
 * and which does not crash so, keeps that start.
 */
static sf_status solve_block_limited(const sf_scenario *sc, const sf_plan_options *o,
                                     double deadline, const sf__model *md, int b, int nblocks,
                                     const char *where, sf__solve_result *res, double *x,
                                     sf_error *err)
{
	sf__solve_params prm = {.gap = o->stage1_gap,
	                        .threads = o->threads > 0 ? o->threads : 1,
	                        .log = o->solver_log};
	double *zero = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	int fell_back;
	sf_status rc;

	if (zero == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
	zero_plan(sc, md, zero);
	if (o->solver == SF_SOLVER_GLPK)
		prm.start = zero;
	rc = sf__solve_limited(o->solver, md, &prm, month_budget(o, deadline, b, nblocks), zero,
	                       res, x, &fell_back, err);
	free(zero);
	if (rc != SF_OK)
		return rc;
	if (fell_back)
		sf__progress(o, "%s: %s; keeping the plan that sends nobody", where, res->note);
	else if (res->status != SF__SOLVE_OPTIMAL && res->status != SF__SOLVE_STOPPED)
		return sf_error_set(err, SF_ERR_INTERNAL,
		                    "%s: the plan that sends nobody does not satisfy the model",
		                    where);
	return SF_OK;
}

static sf_status solve_stage1(const sf_scenario *sc, const sf_plan_options *o, double deadline,
                              int *units, stage1_out *s1, sf_error *err)
{
	sf_status rc = SF_OK;
	sf__model *md = NULL;
	double *x = NULL, t0 = sf__now(), last_print = t0;
	const int M = sc->months;
	int nblocks = o->monolithic ? 1 : M, any_stopped = 0, nsolved = 0, out_of_time = 0;
	double obj = 0, bound = 0;
	solved_month *solved = calloc((size_t)nblocks, sizeof(*solved));

	if (solved == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
	s1->months_proven = 1;
	for (int b = 0; b < nblocks; b++) {
		/* Month models get the valid inequalities; the monolithic peer stays plain. */
		sf__model_spec spec = {.stage = 1,
		                       .m_first = o->monolithic ? 1 : b + 1,
		                       .m_last = o->monolithic ? M : b + 1,
		                       .strengthen = !o->monolithic};
		sf__solve_result res;
		char where[64];
		int hit = -1;

		if (o->monolithic)
			sf_snprintf(where, sizeof(where), "stage 1");
		else
			sf_snprintf(where, sizeof(where), "stage 1, month %d", b + 1);
		if (o->time_limit_s > 0 && month_budget(o, deadline, b, nblocks) <= 0) {
			/* No time left: the plan that sends nobody, without building the model. */
			if (!out_of_time)
				sf__progress(o,
				             "%s: no time left; the months from here send nobody",
				             where);
			out_of_time = 1;
			any_stopped = 1;
			s1->months_proven = 0;
			for (int m = spec.m_first; m <= spec.m_last; m++) {
				s1->z1m[m - 1] = sf__units_z1_month(sc, units, m);
				obj += s1->z1m[m - 1];
			}
			continue;
		}
		rc = sf__model_build(sc, &spec, &md, err);
		if (rc != SF_OK)
			goto out;
		x = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
		if (x == NULL) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
			goto out;
		}
		/* A month identical to one solved before has the same optimum. */
		for (int k = 0; k < nsolved && hit < 0; k++)
			if (sf__same_model(solved[k].md, md))
				hit = k;
		if (hit >= 0) {
			memcpy(x, solved[hit].x, (size_t)md->ncols * sizeof(double));
			res = solved[hit].res;
		} else if (o->time_limit_s > 0) {
			rc = solve_block_limited(sc, o, deadline, md, b, nblocks, where, &res, x,
			                         err);
		} else {
			rc = solve_block(o, md, where, &res, x, err);
		}
		if (rc != SF_OK)
			goto out;
		if (res.status == SF__SOLVE_STOPPED) {
			any_stopped = 1;
			s1->months_proven = 0;
		} else if (res.gap > 0) {
			/* stopped at the stage-1 gap asked for: within it, not proven */
			s1->months_proven = 0;
		}
		sf__take_units(md, x, units);
		/*
		 * The objective is recomputed from the integer plan (x rounded,
		 * shortfall max(0, R - K x)): what a checker recomputes from the
		 * rows, free of the solver's integrality tolerance.
		 */
		for (int m = spec.m_first; m <= spec.m_last; m++) {
			s1->z1m[m - 1] = sf__units_z1_month(sc, units, m);
			obj += s1->z1m[m - 1];
		}
		bound += res.bound;
		double now = sf__now();
		if (o->monolithic)
			sf__progress(o, "stage 1: %s, z1 %g (%.1f s)",
			             res.status == SF__SOLVE_OPTIMAL ? "optimal" : "stopped",
			             res.objective, now - t0);
		else if (now - last_print >= 2 || b + 1 == M) {
			sf__progress(o, "stage 1: month %d/%d %s (%.1f s)", b + 1, M,
			             res.status == SF__SOLVE_OPTIMAL ? "optimal" : "stopped",
			             now - t0);
			last_print = now;
		}
		if (hit < 0) {
			/* Keep what sf__same_model() compares; the dense x index is large. */
			free(md->xcol);
			md->xcol = NULL;
			solved[nsolved].md = md;
			solved[nsolved].x = x;
			solved[nsolved].res = res;
			nsolved++;
		} else {
			sf__model_free(md);
			free(x);
		}
		md = NULL;
		x = NULL;
	}
	s1->res.status = any_stopped ? SF_SOLVE_FEASIBLE : SF_SOLVE_OPTIMAL;
	s1->res.objective = obj;
	s1->res.bound = s1->months_proven ? obj : (bound < obj ? bound : obj);
	s1->res.gap = s1->months_proven ? 0 : sf__rel_gap(obj, s1->res.bound);
out:
	s1->res.seconds = sf__now() - t0;
	sf__model_free(md);
	free(x);
	for (int k = 0; k < nsolved; k++) {
		sf__model_free(solved[k].md);
		free(solved[k].x);
	}
	free(solved);
	return rc;
}

/* The index in a units array [p][l][t][m] of x column j. */
static size_t unit_index(const sf__model *md, int j)
{
	const sf__tag *t = &md->col[j];
	return (((size_t)t->a * md->nloc + (size_t)t->b) * md->ntasks + (size_t)t->c) *
	               (size_t)md->months +
	       (size_t)(t->month - 1);
}

/*
 * The start of stage 2: the months planned for cost one after another.
 * Month m's stage-2 model (unit costs, soft-veto penalties, arrivals
 * counted against month m - 1 as already planned, shortfall held at the
 * month's stage-1 value) is solved to the stage-2 gap, started from the
 * month's stage-1 plan. A month's plan is kept only if its shortfall,
 * recomputed exactly from the units, is not above the stage-1 value, so
 * the result is a stage-1 optimum too and feasible for stage 2. From the
 * plain stage-1 plans CBC sometimes found nothing better for minutes
 * although its bound was within 1e-5 of the optimum; from this start it
 * stops at the gap at once (docs/benchmarks.md).
 *
 * Arrivals and shortfall get finite upper bounds (the pledge's units, the
 * requirement; neither cuts off a plan worth having): with infinite ones
 * CBC 2.10.8 aborted on a test month in OsiPresolve::postsolve. Each month
 * is solved in a forked child all the same (solve_bounded), so that an
 * abort costs that month its improvement, not the plan. Under a time limit
 * a month gets half of a fair share of what remains, and a month with no
 * time left keeps its stage-1 plan.
 */
/* A rolling-start month with less time than this is not solved (it keeps its stage-1 plan). */
#define ROLLING_MIN_S 0.01

static sf_status rolling_start(const sf_scenario *sc, const sf_plan_options *o, double deadline,
                               const double *z1m, int *units, sf_error *err)
{
	sf_status rc = SF_OK;
	const int M = sc->months;
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks;
	for (int m = 1; m <= M; m++) {
		sf__model_spec spec = {
		        .stage = 2, .m_first = m, .m_last = m, .z1_star = z1m[m - 1]};
		sf__solve_params prm = {.gap = o->gap,
		                        .threads = o->threads > 0 ? o->threads : 1,
		                        .no_diving = 1,
		                        .log = o->solver_log};
		sf__solve_result res;
		sf__model *md = NULL;
		double *x = NULL;
		int *old = NULL;
		double month_end = HUGE_VAL;
		if (o->time_limit_s > 0) {
			prm.time_limit_s = sf__remaining(deadline) / (2.0 * (M - m + 2));
			if (prm.time_limit_s <= ROLLING_MIN_S)
				break; /* no time left: the months keep their stage-1 plans */
			month_end = sf__now() + prm.time_limit_s;
		}
		rc = sf__model_build(sc, &spec, &md, err);
		if (rc != SF_OK)
			return rc;
		x = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
		old = sf__mallocarray((size_t)md->ncols + 1, sizeof(int));
		if (!x || !old) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
			goto next;
		}
		for (int i = 0; i < md->nrows; i++) {
			if (md->row[i].kind != SF__ROW_ARRIVE || m == 1)
				continue;
			double prev = 0;
			for (size_t t = 0; t < nt; t++)
				prev += units[(((size_t)md->row[i].a * nl + (size_t)md->row[i].b) *
				                       nt +
				               t) * (size_t)M +
				              (size_t)(m - 2)];
			md->rhs[i] = -prev;
		}
		/* Finite bounds: arrivals at most the pledge, shortfall at most R. */
		for (int j = 0; j < md->ncols; j++) {
			if (md->col[j].kind == SF__COL_A)
				md->ub[j] = sc->pledges[md->col[j].a].count;
			else if (md->col[j].kind == SF__COL_G)
				md->ub[j] = sf__requirement(sc, (size_t)md->col[j].c,
				                            (size_t)md->col[j].b, m);
		}
		start_vector(sc, md, units, x);
		prm.start = x;
		rc = sf__solve_bounded(o->solver, md, &prm, month_end, &res, x, err);
		if (rc != SF_OK)
			goto next;
		if (res.status == SF__SOLVE_OPTIMAL || res.status == SF__SOLVE_STOPPED) {
			for (int j = 0; j < md->ncols; j++)
				if (md->col[j].kind == SF__COL_X)
					old[j] = units[unit_index(md, j)];
			sf__take_units(md, x, units);
			if (sf__units_z1_month(sc, units, m) >
			    z1m[m - 1] + sf__tol_rel(SF_TOL_ROUNDING, z1m[m - 1]))
				for (int j = 0; j < md->ncols; j++)
					if (md->col[j].kind == SF__COL_X)
						units[unit_index(md, j)] = old[j];
		}
next:
		free(x);
		free(old);
		sf__model_free(md);
		if (rc != SF_OK)
			return rc;
	}
	return SF_OK;
}

/*
 * A proven lower bound of one month's unit and penalty cost is written
 * into stage 2 as the row cost_m >= bound * (1 - COSTM_SAFETY): the
 * margin covers the solver's LP tolerances in the bound, and is far below
 * any gap asked for.
 */
#define COSTM_SAFETY 1e-6

/*
 * Month cost bounds (docs/model.md, "Stage 2"). In stage 2 every month's
 * shortfall is held where stage 1 proved it must be (the z1 and z1m rows
 * together leave month m at most cap[m], its optimum plus the tolerances),
 * so no stage-2 plan can pay less in month m's units and soft-veto
 * penalties than the cheapest plan of month m alone with its shortfall at
 * most cap[m]. That month problem is solved by GLPK to the end of its root
 * node (cuts included) for a proven bound, lb[m], whichever solver plans;
 * months with the same model are solved once. (CBC stopped by maxNodes 0
 * reported its incumbent as the best possible value: on a random test
 * scenario a bound of 18 where the month's optimum is 14.) The relaxation of stage 2 is weak
 * exactly there: it meets a month's shortfall with fractional units at a fraction of the cost (on
 * the unseen-like cases of the benchmark family its bound was 8% below the
 * integer months), and the bounds let it start from the integer months'
 * costs (docs/benchmarks.md). A month without a bound (time ran out, the
 * solver failed) gets lb 0: no row.
 */
static sf_status month_cost_bounds(const sf_scenario *sc, const sf_plan_options *o, double deadline,
                                   const double *cap, double *lb, sf_error *err)
{
	sf_status rc = SF_OK;
	const int M = sc->months;
	sf__model **seen = calloc((size_t)M + 1, sizeof(*seen));
	double *seen_lb = calloc((size_t)M + 1, sizeof(double));
	int nseen = 0;

	if (seen == NULL || seen_lb == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
		goto out;
	}
	for (int m = 1; m <= M; m++) {
		sf__model_spec spec = {
		        .stage = 2, .m_first = m, .m_last = m, .z1_star = cap[m - 1]};
		sf__solve_params prm = {
		        .threads = o->threads > 0 ? o->threads : 1, .no_diving = 1, .root_only = 1};
		sf__solve_result res;
		sf__model *md = NULL;
		double *x = NULL;
		int hit = -1;

		lb[m - 1] = 0;
		rc = sf__model_build(sc, &spec, &md, err);
		if (rc != SF_OK)
			goto out;
		/* The month alone: arrivals free; finite bounds as in rolling_start. */
		for (int j = 0; j < md->ncols; j++) {
			if (md->col[j].kind == SF__COL_A) {
				md->obj[j] = 0;
				md->ub[j] = sc->pledges[md->col[j].a].count;
			} else if (md->col[j].kind == SF__COL_G) {
				md->ub[j] = sf__requirement(sc, (size_t)md->col[j].c,
				                            (size_t)md->col[j].b, m);
			}
		}
		for (int k = 0; k < nseen && hit < 0; k++)
			if (sf__same_model(seen[k], md))
				hit = k;
		if (hit >= 0) {
			lb[m - 1] = seen_lb[hit];
			sf__model_free(md);
			continue;
		}
		if (o->time_limit_s > 0) {
			prm.time_limit_s = sf__remaining(deadline) / (2.0 * (M - m + 2));
			if (prm.time_limit_s <= 0.01) {
				sf__model_free(md);
				continue;
			}
		}
		x = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
		if (x == NULL) {
			sf__model_free(md);
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
			goto out;
		}
		rc = sf__solve_bounded(SF_SOLVER_GLPK, md, &prm, deadline, &res, x, err);
		free(x);
		if (rc != SF_OK) {
			sf__model_free(md);
			goto out;
		}
		if ((res.status == SF__SOLVE_OPTIMAL || res.status == SF__SOLVE_STOPPED ||
		     res.status == SF__SOLVE_NO_SOLUTION) &&
		    isfinite(res.bound) && res.bound > 0)
			lb[m - 1] = res.bound * (1 - COSTM_SAFETY);
		/* Keep what sf__same_model() compares; the dense x index is large. */
		free(md->xcol);
		md->xcol = NULL;
		seen[nseen] = md;
		seen_lb[nseen] = lb[m - 1];
		nseen++;
	}
out:
	for (int k = 0; k < nseen; k++)
		sf__model_free(seen[k]);
	free(seen);
	free(seen_lb);
	return rc;
}

/* Stage 2's rows cost_m >= lb[m]: the X columns of month m at their costs. */
static sf_status add_cost_rows(sf__model *md, const double *lb, sf_error *err)
{
	sf_status rc = SF_OK;
	int *idx = sf__mallocarray((size_t)md->ncols + 1, sizeof(int));
	double *val = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	int *start = calloc((size_t)md->months + 2, sizeof(int));
	int *fill = calloc((size_t)md->months + 2, sizeof(int));

	if (idx == NULL || val == NULL || start == NULL || fill == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
		goto out;
	}
	/* The X columns bucketed by month, in one pass. */
	for (int j = 0; j < md->ncols; j++)
		if (md->col[j].kind == SF__COL_X && md->obj[j] != 0)
			start[md->col[j].month]++;
	for (int m = 1; m <= md->months + 1; m++)
		start[m] += start[m - 1];
	for (int j = 0; j < md->ncols; j++)
		if (md->col[j].kind == SF__COL_X && md->obj[j] != 0) {
			int m = md->col[j].month, k = start[m - 1] + fill[m]++;
			idx[k] = j;
			val[k] = md->obj[j];
		}
	for (int m = md->m_first; m <= md->m_last && rc == SF_OK; m++)
		if (lb[m - 1] > 0)
			rc = sf__model_add_row(md, SF__ROW_COSTM, m, 'G', lb[m - 1],
			                       start[m] - start[m - 1], idx + start[m - 1],
			                       val + start[m - 1], err);
out:
	free(idx);
	free(val);
	free(start);
	free(fill);
	return rc;
}

/*
 * The most shortfall stage 2 allows in each month: the z1 row holds the
 * total within tol(Z1*) of Z1*, and the z1m rows every other month k at
 * least its optimum minus tol(Z1_k*), so month m has at most its optimum
 * plus all those tolerances.
 */
static void month_z1_caps(const sf_scenario *sc, const stage1_out *s1, double *cap)
{
	double slack = sf__z1_tolerance(s1->res.objective);

	for (int m = 0; m < sc->months; m++)
		if (s1->z1m[m] > 0)
			slack += sf__z1_tolerance(s1->z1m[m]);
	for (int m = 0; m < sc->months; m++)
		cap[m] = s1->z1m[m] + slack;
}

/*
 * The share of the time left that the root proof may take under a limit:
 * where the root cannot prove the start (the relaxation is weak, which is
 * what the month cost rows are for) its time is lost to the search. A
 * root normally ends long before (about a second on the Gaza-sized
 * scenario); with a tenth, on a machine loaded 15 times over, the root
 * that would have proved the start was cut, and the search after it found
 * no plan in the time left.
 */
#define ROOT_PROOF_SHARE 0.5

/*
 * The root proof (docs/model.md, "Month cost bounds"). The month cost
 * rows are for a relaxation too weak to bound the start; where the root
 * of stage 2 without them already proves the start within the gap asked
 * for they cannot help, and they cost: on the generated Gaza-sized
 * scenario M GLPK roots for the bounds, and the rows made the LP of stage
 * 2 five times slower in CBC and the GLPK search three times (docs/
 * benchmarks.md, "The refactor, before and after"). So stage 2 without
 * them is first solved by the solver asked for, from the start, to the
 * end of its root node (cuts included, no branching), in a child (CBC can
 * crash when a limit stops it). If that proves the gap asked for, its plan
 * is stage 2's, exactly what the one search on that model gave before the
 * rows existed (*proven = 1, res and x set), and neither the month bounds
 * nor a search run. Otherwise the month bounds and the search follow as
 * before. Under a time limit it gets ROOT_PROOF_SHARE of the time left.
 */
static sf_status root_proof(const sf_plan_options *o, double deadline, const sf__model *md,
                            const double *start, sf__solve_result *res, double *x, int *proven,
                            sf_error *err)
{
	sf__solve_params prm = {.gap = o->gap,
	                        .threads = o->threads > 0 ? o->threads : 1,
	                        .start = start,
	                        .no_diving = 1,
	                        .root_only = 1,
	                        .log = o->solver_log};
	double until = HUGE_VAL;
	sf__solve_result r;
	sf_status rc;

	*proven = 0;
	if (o->time_limit_s > 0) {
		prm.time_limit_s = ROOT_PROOF_SHARE * sf__remaining(deadline);
		if (prm.time_limit_s <= ROLLING_MIN_S)
			return SF_OK;
		until = sf__now() + prm.time_limit_s;
	}
	rc = sf__solve_bounded(o->solver, md, &prm, until, &r, x, err);
	if (rc != SF_OK)
		return rc;
	if (r.status == SF__SOLVE_OPTIMAL && r.gap <= o->gap) {
		*res = r;
		*proven = 1;
		sf__progress(o, "stage 2: the root proves the gap; no month cost bounds needed");
	}
	return SF_OK;
}

/*
 * What stage 2 does without a solution of its own: the plan in `units`
 * (the stage-1 plan, improved by the rolling start) stands, as a feasible
 * stage 2 whose bound is what the solver proved (costs are never
 * negative, so at least 0). Without a warm start there is no such plan
 * and it is an error.
 */
static sf_status keep_start(const sf_plan_options *o, const sf__solve_result *res, double z2,
                            sf_stage_result *s2, sf_error *err)
{
	if (o->no_warm_start && res->status == SF__SOLVE_FAILED)
		return sf_error_set(err, SF_ERR_SOLVER, "solver '%s' failed in stage 2",
		                    sf__solver_name(o->solver));
	if (o->no_warm_start && o->time_limit_s > 0)
		return sf_error_set(
		        err, SF_ERR_SOLVER,
		        "time limit of %g s reached before any plan was found in stage 2",
		        o->time_limit_s);
	if (o->no_warm_start)
		return sf_error_set(err, SF_ERR_SOLVER,
		                    "solver '%s' stopped before any plan was found in stage 2",
		                    sf__solver_name(o->solver));
	s2->status = SF_SOLVE_FEASIBLE;
	s2->objective = z2;
	s2->bound = (res->status == SF__SOLVE_NO_SOLUTION && isfinite(res->bound) &&
	             res->bound > 0 && res->bound <= z2)
	                    ? res->bound
	                    : 0;
	s2->gap = z2 > 0 ? sf__rel_gap(z2, s2->bound) : 1;
	sf__progress(o, "stage 2: %s; keeping the stage-1 plan",
	             res->note[0] ? res->note : sf__solve_status_name(res->status));
	return SF_OK;
}

/*
 * Stage 2 over all months, started (unless o->no_warm_start) from the
 * stage-1 plan improved month by month (rolling_start). On return units
 * holds the plan, stage 2's or the start kept, and s2 its result (the
 * objective is recomputed from the rows by the caller).
 */
static sf_status solve_stage2(const sf_scenario *sc, const sf_plan_options *o, double deadline,
                              const stage1_out *s1, int *units, sf_stage_result *s2, sf_error *err)
{
	sf_status rc = SF_OK;
	double t2 = sf__now(), z2 = 0;
	const size_t nunits = sc->npledges * SF_NLOC(sc) * sc->ntasks * (size_t)sc->months;
	sf__model_spec spec = {.stage = 2,
	                       .z1_star = s1->res.objective,
	                       .z1_month = s1->months_proven ? s1->z1m : NULL};
	sf__solve_params prm = {
	        .gap = o->gap, .threads = o->threads, .no_diving = 1, .log = o->solver_log};
	sf__solve_result res = {.status = SF__SOLVE_NO_SOLUTION, .note = "no time left"};
	sf__model *md = NULL;
	double *x = NULL, *start = NULL, *cost_lb = NULL, *z1cap = NULL;
	sf__stage2_info info;

	if (!o->no_warm_start && !(o->time_limit_s > 0 && sf__remaining(deadline) <= 0)) {
		sf__progress(
		        o, "stage 2: planning the months for cost, one after another, for a start");
		rc = rolling_start(sc, o, deadline, s1->z1m, units, err);
		if (rc != SF_OK)
			return rc;
	}
	if (o->time_limit_s > 0 && sf__remaining(deadline) <= 0) {
		/* No time left to build the model: the start stands (its cost comes from the rows).
		 */
		rc = keep_start(o, &res, 0, s2, err);
		s2->seconds = sf__now() - t2;
		goto out;
	}
	rc = sf__model_build(sc, &spec, &md, err);
	if (rc != SF_OK)
		goto out;
	x = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	start = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	if (x == NULL || start == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
		goto out;
	}
	start_vector(sc, md, units, start);
	for (int j = 0; j < md->ncols; j++)
		z2 += md->obj[j] * start[j];
	if (!o->no_warm_start)
		prm.start = start;
	/* The month cost rows only where the root without them cannot prove the start. */
	if (!o->no_warm_start && spec.z1_month != NULL && o->gap > 0) {
		int proven = 0;
		rc = root_proof(o, deadline, md, start, &res, x, &proven, err);
		if (rc != SF_OK)
			goto out;
		if (proven)
			goto solved;
	}
	if (!o->no_warm_start && spec.z1_month != NULL &&
	    !(o->time_limit_s > 0 && sf__remaining(deadline) <= 0)) {
		cost_lb = calloc((size_t)sc->months + 1, sizeof(double));
		z1cap = calloc((size_t)sc->months + 1, sizeof(double));
		if (cost_lb == NULL || z1cap == NULL) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
			goto out;
		}
		sf__progress(o, "stage 2: bounding each month's cost");
		month_z1_caps(sc, s1, z1cap);
		rc = month_cost_bounds(sc, o, deadline, z1cap, cost_lb, err);
		if (rc != SF_OK)
			goto out;
	}
	if (cost_lb != NULL) {
		rc = add_cost_rows(md, cost_lb, err);
		if (rc != SF_OK)
			goto out;
	}
	if (o->time_limit_s > 0 && sf__remaining(deadline) <= 0) {
		rc = keep_start(o, &res, z2, s2, err);
		s2->seconds = sf__now() - t2;
		goto out;
	}
	sf__progress(o, "stage 2: started (%d columns, %d rows, %d non-zeros)", md->ncols,
	             md->nrows, md->nnz);
	if (o->time_limit_s > 0)
		prm.time_limit_s = sf__remaining(deadline);
	if (o->time_limit_s <= 0 || prm.time_limit_s > 0)
		rc = sf__solve_stage2(o->solver, md, &prm, deadline, o, &res, x, &info, err);
	if (rc != SF_OK)
		goto out;
solved:
	if (res.status == SF__SOLVE_OPTIMAL || res.status == SF__SOLVE_STOPPED) {
		memset(units, 0, nunits * sizeof(int));
		sf__take_units(md, x, units);
		s2->status = res.status == SF__SOLVE_OPTIMAL ? SF_SOLVE_OPTIMAL : SF_SOLVE_FEASIBLE;
		s2->objective = res.objective;
		s2->bound = res.bound;
		s2->gap = res.gap;
	} else {
		rc = keep_start(o, &res, z2, s2, err);
		if (rc != SF_OK)
			goto out;
	}
	s2->seconds = sf__now() - t2;
	sf__progress(o, "stage 2: %s, z2 %.6g, gap %.4g (%.1f s)", sf_solve_status_str(s2->status),
	             s2->objective, s2->gap, s2->seconds);
out:
	sf__model_free(md);
	free(x);
	free(start);
	free(cost_lb);
	free(z1cap);
	return rc;
}

sf_status sf_plan_solve(const sf_scenario *sc, const sf_plan_options *opts, sf_plan **out,
                        sf_error *err)
{
	sf_status rc = SF_OK;
	sf_plan_options o;
	sf_plan *plan = NULL;
	int *units = NULL;
	sf_assignment *rows = NULL;
	size_t nrows = 0;
	stage1_out s1;
	sf_stage_result s2 = {SF_SOLVE_NOT_RUN, 0, 0, 0, 0};
	const size_t nunits = sc->npledges * SF_NLOC(sc) * sc->ntasks * (size_t)sc->months;
	double t0 = sf__now(), deadline;

	*out = NULL;
	memset(&s1, 0, sizeof(s1));
	if (opts != NULL)
		o = *opts;
	else
		sf_plan_options_init(&o);
	if (o.threads < 1)
		o.threads = 1;
	if (!(o.gap >= 0))
		o.gap = 0.01;
	deadline = o.time_limit_s > 0 ? t0 + o.time_limit_s : HUGE_VAL;
	if (sc->months < 1)
		return sf_error_set(err, SF_ERR_SCENARIO, "the scenario has no months");
	/* Nothing the solvers cannot take (a register figure or an edit may
	 * have moved a number since validate saw the file). */
	rc = sf_scenario_check_numbers(sc, err);
	if (rc != SF_OK)
		return rc;
	if (sc->format >= 2)
		return sf__plan_solve_f2(sc, &o, out, err);

	units = calloc(nunits + 1, sizeof(int));
	s1.z1m = calloc((size_t)sc->months + 1, sizeof(double));
	if (units == NULL || s1.z1m == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
		goto out;
	}

	rc = solve_stage1(sc, &o, deadline, units, &s1, err);
	if (rc != SF_OK)
		goto out;

	if (!o.stage1_only) {
		rc = solve_stage2(sc, &o, deadline, &s1, units, &s2, err);
		if (rc != SF_OK)
			goto out;
	}

	rc = sf__units_to_rows(sc, units, &rows, &nrows, err);
	if (rc != SF_OK)
		goto out;
	rc = sf_plan_from_rows(sc, rows, nrows, &plan, err);
	if (rc != SF_OK)
		goto out;
	plan->solver = o.solver;
	plan->stage1 = s1.res;
	sf__stage1_from_plan(&plan->stage1, plan->z1);
	if (s2.status == SF_SOLVE_OPTIMAL || s2.status == SF_SOLVE_FEASIBLE) {
		/* Z2 of the integer plan, as recomputed from the rows. */
		double proven_gap = s2.gap;
		s2.objective = plan->cost_total;
		if (s2.bound > s2.objective || proven_gap == 0)
			s2.bound = s2.objective;
		s2.gap = sf__rel_gap(s2.objective, s2.bound);
	}
	plan->stage2 = s2;
	plan->seconds = sf__now() - t0;
	*out = plan;
	plan = NULL;
out:
	sf_plan_free(plan);
	free(units);
	free(rows);
	free(s1.z1m);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Export                                                              */

sf_status sf_model_export(const sf_scenario *sc, int stage, sf_model_format fmt, const char *path,
                          sf_error *err)
{
	sf_status rc;
	sf__model *md = NULL;
	sf__model_spec spec = {.stage = 1};

	if (stage != 1 && stage != 2)
		return sf_error_set(err, SF_ERR_USAGE, "stage must be 1 or 2, not %d", stage);
	if (stage == 2) {
		sf_plan_options o;
		sf_plan *p = NULL;
		sf_plan_options_init(&o);
		o.stage1_only = 1;
		rc = sf_plan_solve(sc, &o, &p, err);
		if (rc != SF_OK)
			return rc;
		spec.stage = 2;
		spec.z1_star = p->stage1.objective;
		sf_plan_free(p);
	}
	rc = sf__model_build(sc, &spec, &md, err);
	if (rc == SF_OK)
		rc = sf__model_write(md, fmt == SF_MODEL_MPS, path, err);
	sf__model_free(md);
	return rc;
}
