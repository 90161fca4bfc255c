#include "base/internal.h"
#include "base/tolerance.h"

/*
 * plan_f2.c - the two stages for a format-2 scenario (docs/model.md,
 * "Format 2").
 *
 * The model covers the months a0..M; the months before a0 are history,
 * fixed to what `deployed:` records, and enter the model only as
 * constants (the presence, units and arrivals of the month before a0, the
 * recorded arrivals inside the stay and tour windows).
 *
 * Stage 1 is the weighted shortfall of the planned months. Stays, tours,
 * reception and caps on presence link the months (sf__f2_months_linked);
 * then stage 1 is one MILP over a0..M, solved to proven optimality (or to
 * its proven gap under a time limit, where a plan built month after month,
 * sequential_start, is its start and the plan kept if the MILP's is
 * worse). Where nothing links them, each month is solved alone, with
 * presence bounded by what that month allows, and Z1* is the sum: the same
 * optimum, since no row of the one MILP then ties two months together in a
 * way the shortfall can feel (tests/unit/
 * test_plan_f2.c checks both ways on seeded random scenarios).
 *
 * Stage 2 minimises the cost of the planned months: presence (idle units
 * cost), deployments, soft-veto penalties, moves and changes of task,
 * and, with a baseline, every unit-month that differs from it; with Z1 at
 * its stage-1 optimum. It starts from the stage-1 plan: the one MILP's
 * solution, or, after a split, the months' units with presence and
 * arrivals built greedily (a unit kept while it must stay or is needed,
 * arrivals when more are needed, none before notice), which satisfies
 * every row of the one MILP when nothing links the months. That plan
 * settled (settle_units: surplus units off their task, units given out
 * again to the pledges that held the place before and cost least) is
 * stage 2's plan when the search ends dearer or with none.
 *
 * The result (sf_plan_from_parts) has the recorded months' rows, presence
 * and arrivals, then the planned ones; its Z2 is recomputed from them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan_f2.h"
#include "plan/stage.h"

/* The share of stage 1's budget that the month-after-month plan may use. */
#define SEQ_SHARE 0.25
/* Without a time limit, with a plan given (o->start): what the month-after-month
 * plan may take, in seconds (docs/benchmarks.md, "Shopping list"). */
#define SEQ_GIVEN_BUDGET 30.0
/* The relative gap each month of it stops at (a start, not the optimum): 0.1 %
 * gave better starts than 0.5 % on the linked Gaza members (docs/benchmarks.md). */
#define SEQ_GAP 0.001

typedef struct f2 {
	const sf_scenario *sc;
	const sf_plan_options *o;
	double t0, deadline;
	sf__history hist;
	size_t np, nl, nt, M;
	int *units;  /* [p][l][t][m] planned units (months >= a0) */
	int *pres;   /* [p * M + m-1] planned presence */
	int *arr;    /* [p * M + m-1] planned arrivals (recorded ones not included) */
	double *z1m; /* [M] month shortfalls of stage 1 */
	int *base_u; /* least change: the baseline's units, mapped; NULL none */
	int *base_n; /* [p * M + m-1] its presence */
	int split;   /* stage 1 was solved month by month */
	sf_solve_status moves_status; /* the no-wandering solve (polish) */
	int s1_proven;                /* every stage-1 solve proven (no limit, no gap) */
	int s1_stopped;               /* a limit stopped a stage-1 solve */
	sf_stage_result s1, s2;
} f2;

static size_t ux(const f2 *s, size_t p, size_t l, size_t t, int m)
{
	return ((p * s->nl + l) * s->nt + t) * s->M + (size_t)(m - 1);
}

/* Recorded arrivals of p in month m (m <= a0). */
static int h_arr(const f2 *s, size_t p, int m)
{
	return m >= 1 && m <= s->sc->a0 ? s->hist.arrivals[p * s->M + (size_t)(m - 1)] : 0;
}

/* Units of (p, l, t) in month m: planned from a0, recorded before. */
static int units_at(const f2 *s, size_t p, size_t l, size_t t, int m)
{
	if (m < 1)
		return 0;
	if (m < s->sc->a0)
		return s->hist.units[ux(s, p, l, t, m)];
	return s->units[ux(s, p, l, t, m)];
}

/* Presence of p in month m: planned from a0, recorded before. */
static int pres_at(const f2 *s, size_t p, int m)
{
	if (m < 1)
		return 0;
	if (m < s->sc->a0)
		return s->hist.presence[p * s->M + (size_t)(m - 1)];
	return s->pres[p * s->M + (size_t)(m - 1)];
}

/* All arrivals of p in month m (planned and recorded). */
static int arr_at(const f2 *s, size_t p, int m)
{
	int a = h_arr(s, p, m);
	if (m >= s->sc->a0 && m >= 1)
		a += s->arr[p * s->M + (size_t)(m - 1)];
	return a;
}

static int assigned_at(const f2 *s, size_t p, int m)
{
	int n = 0;
	for (size_t l = 0; l < s->nl; l++)
		for (size_t t = 0; t < s->nt; t++)
			n += units_at(s, p, l, t, m);
	return n;
}

/* Presence and arrivals of a solution vector (the N and ARR columns). */
static void take_presence(f2 *s, const sf__model *md, const double *x)
{
	for (int j = 0; j < md->ncols; j++) {
		const sf__tag *t = &md->col[j];
		long v = lround(x[j]);
		size_t k = (size_t)t->a * s->M + (size_t)(t->month - 1);
		if (t->kind == SF__COL_N)
			s->pres[k] = v > 0 ? (int)v : 0;
		else if (t->kind == SF__COL_ARR)
			s->arr[k] = v > 0 ? (int)v : 0;
	}
}

/*
 * Presence and arrivals for the units of a split stage 1: every pledge
 * keeps its units while they must stay (the arrivals of the last k months,
 * recorded ones at their since) or are assigned, gets arrivals when it
 * needs more, and keeps everyone before its notice allows an arrival.
 */
static void greedy_presence(f2 *s)
{
	const sf_scenario *sc = s->sc;

	memset(s->pres, 0, s->np * s->M * sizeof(int));
	memset(s->arr, 0, s->np * s->M * sizeof(int));
	for (size_t p = 0; p < s->np; p++) {
		const sf_pledge *pl = &sc->pledges[p];
		int e = sf_pledge_earliest(sc, p), k = sf_pledge_min_stay(sc, p);
		if (!pl->active || !sc->contributors[pl->contributor].active)
			continue;
		for (int m = sc->a0; m <= pl->to; m++) {
			size_t i = p * s->M + (size_t)(m - 1);
			int carry = pres_at(s, p, m - 1) + h_arr(s, p, m), need, stay = 0;
			for (int w = m - k + 1; w <= m; w++)
				stay += w < m ? arr_at(s, p, w) : h_arr(s, p, w);
			need = assigned_at(s, p, m) > stay ? assigned_at(s, p, m) : stay;
			if (m < e) {
				s->pres[i] = carry;
			} else if (need <= carry) {
				s->pres[i] = need;
			} else {
				s->arr[i] = need - carry;
				s->pres[i] = need;
			}
		}
	}
}

/* The weighted shortfall of the planned months (exact, from the units). */
static double planned_z1(f2 *s)
{
	double z = 0;
	for (int m = s->sc->a0; m <= s->sc->months; m++) {
		s->z1m[m - 1] = sf__units_z1_month(s->sc, s->units, m);
		z += s->z1m[m - 1];
	}
	return z;
}

/* The stage-1 start under a time limit: nobody sent but who must stay. */
static void stage1_start(const f2 *s, const sf__model *md, double *x)
{
	for (int j = 0; j < md->ncols; j++) {
		const sf__tag *t = &md->col[j];
		x[j] = 0;
		if (t->kind == SF__COL_G) {
			x[j] = sf__requirement(s->sc, (size_t)t->c, (size_t)t->b, t->month);
		} else if (t->kind == SF__COL_N) {
			int k = sf_pledge_min_stay(s->sc, (size_t)t->a);
			for (int w = t->month - k + 1; w <= t->month; w++)
				x[j] += h_arr(s, (size_t)t->a, w);
		}
	}
}

static sf_status map_plan(const f2 *s, const sf_plan *b, int *units, int *pres, int *arr,
                          sf_error *err);
static void stage2_start(const f2 *s, const sf__model *md, double *x);

/*
 * The cap hulls' pattern weights of the plan in x (its X columns set): for
 * each contributor and month with a hull, weight 1 on the pattern that
 * holds exactly its pledges' units (every integer point under the cap is
 * a pattern, model.c add_cap_hull), read from the CAPHULL rows that
 * follow the hull's CAPCVX row: pledge i's row is sum x - sum_k pat_k,i
 * lambda_k <= 0.
 */
static void start_cap_hulls(const sf__model *md, double *x)
{
	for (int r = 0; r < md->nrows; r++) {
		if (md->row[r].kind != SF__ROW_CAPCVX)
			continue;
		int h_end = r + 1;
		while (h_end < md->nrows && md->row[h_end].kind == SF__ROW_CAPHULL)
			h_end++;
		for (int e = md->rstart[r]; e < md->rstart[r + 1]; e++) {
			int lam = md->rind[e], match = 1;
			for (int h = r + 1; h < h_end && match; h++) {
				double units = 0, pat = 0;
				for (int f = md->rstart[h]; f < md->rstart[h + 1]; f++) {
					if (md->rind[f] == lam)
						pat = -md->rval[f];
					else if (md->col[md->rind[f]].kind == SF__COL_X)
						units += md->rval[f] * x[md->rind[f]];
				}
				match = fabs(units - pat) <= SF_TOL_ROUNDING;
			}
			if (match) {
				x[lam] = 1;
				break;
			}
		}
	}
}

/*
 * The stage-1 start from o->start (docs/model.md, "Format 2"; the shopping
 * list gives the plan of the pledges as they are to the model with
 * requested units): that plan's units, presence and planned arrivals of
 * the months a0..M, every other column derived from them (shortfall, type
 * totals, in-sector personnel, cap-hull weights). 1 with the start in x
 * when it satisfies every row and bound of md, 0 when it does not (a plan
 * of other data), or an error status through rc.
 */
static int stage1_from_plan(f2 *s, const sf__model *md, double *x, sf_status *rc, sf_error *err)
{
	size_t nu = s->np * s->nl * s->nt * s->M, nn = s->np * s->M;
	int ok;

	*rc = map_plan(s, s->o->start, s->units, s->pres, s->arr, err);
	if (*rc != SF_OK)
		return 0;
	for (size_t p = 0; p < s->np; p++) /* planned arrivals: recorded ones are constants */
		for (int m = s->sc->a0; m <= s->sc->months; m++) {
			int *a = &s->arr[p * s->M + (size_t)(m - 1)];
			*a -= h_arr(s, p, m);
			if (*a < 0)
				*a = 0;
		}
	stage2_start(s, md, x);
	start_cap_hulls(md, x);
	ok = sf__model_satisfied(md, x);
	memset(s->units, 0, nu * sizeof(int));
	memset(s->pres, 0, nn * sizeof(int));
	memset(s->arr, 0, nn * sizeof(int));
	return ok;
}

static sf_status no_plan_error(const f2 *s, const char *where, sf_error *err)
{
	if (s->o->time_limit_s > 0)
		return sf_error_set(err, SF_ERR_SOLVER,
		                    "time limit of %g s reached before any plan was found in %s",
		                    s->o->time_limit_s, where);
	return sf_error_set(err, SF_ERR_SOLVER,
	                    "solver '%s' stopped before any plan was found in %s",
	                    sf__solver_name(s->o->solver), where);
}

/*
 * Solve a stage-1 model under the time limit in a child (stage.c): with
 * `budget` seconds, falling back, when that gives no plan, to `given` (the
 * plan given in o->start or the one built month after month) or else the
 * stage-1 start (nobody sent but who must stay), if it satisfies the
 * model. A stage-1 solve never crashes the command (CBC 2.10.8 can, when
 * its limit stops it) and a budget spent is no error. Both solvers start
 * from `given` when there is one (the plan given or the month-after-month
 * plan: a crash then keeps it; CBC's own first plans on the linked Gaza
 * members were far worse, docs/benchmarks.md); from the stage-1 start
 * (nobody new sent) only GLPK does (CBC crashed more often with it).
 */
static sf_status solve_limited(f2 *s, const sf__model *md, const sf__solve_params *prm,
                               double budget, const char *where, const double *given,
                               sf__solve_result *res, double *x, sf_error *err)
{
	sf__solve_params p = *prm;
	double *start = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	int fell_back;
	sf_status rc;

	if (start == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
	if (given != NULL)
		memcpy(start, given, (size_t)md->ncols * sizeof(double));
	else
		stage1_start(s, md, start);
	/* GLPK always gets the start; CBC only a plan (given or month after month) */
	p.start = s->o->solver == SF_SOLVER_GLPK || prm->start != NULL || given != NULL ? start
	                                                                                : NULL;
	rc = sf__solve_limited(s->o->solver, md, &p, budget, start, res, x, &fell_back, err);
	free(start);
	if (rc == SF_OK && fell_back)
		sf__progress(s->o, "%s: %s; keeping its start (%s)", where, res->note,
		             given == NULL         ? "nobody new sent"
		             : given == prm->start ? "the plan it was given"
		                                   : "the plan built month after month");
	return rc;
}

/*
 * The model of months a0..m cut from the whole stage-1 model md: the rows
 * of months up to m (and the tours rows), the integer columns of earlier
 * months fixed to xs, every column of a later month fixed to 0. No row
 * kept holds a later month's column but the tours rows, where 0 is what
 * the later months have not used yet. NULL out of memory.
 */
static sf__model *months_upto(const sf__model *md, int m, const double *xs)
{
	sf__model *sub = calloc(1, sizeof(*sub));
	size_t nc = (size_t)md->ncols;
	int nr = 0, nnz = 0;

	if (sub == NULL)
		return NULL;
	for (int i = 0; i < md->nrows; i++)
		if (md->row[i].month <= m) {
			nr++;
			nnz += md->rstart[i + 1] - md->rstart[i];
		}
	*sub = *md;
	sub->xcol = sub->ncol = sub->acol = NULL;
	sub->obj = sf__mallocarray(nc + 1, sizeof(double));
	sub->lb = sf__mallocarray(nc + 1, sizeof(double));
	sub->ub = sf__mallocarray(nc + 1, sizeof(double));
	sub->is_int = sf__mallocarray(nc + 1, 1);
	sub->col = sf__mallocarray(nc + 1, sizeof(sf__tag));
	sub->sense = sf__mallocarray((size_t)nr + 1, 1);
	sub->rhs = sf__mallocarray((size_t)nr + 1, sizeof(double));
	sub->row = sf__mallocarray((size_t)nr + 1, sizeof(sf__tag));
	sub->rstart = sf__mallocarray((size_t)nr + 2, sizeof(int));
	sub->rind = sf__mallocarray((size_t)nnz + 1, sizeof(int));
	sub->rval = sf__mallocarray((size_t)nnz + 1, sizeof(double));
	if (!sub->obj || !sub->lb || !sub->ub || !sub->is_int || !sub->col || !sub->sense ||
	    !sub->rhs || !sub->row || !sub->rstart || !sub->rind || !sub->rval) {
		sf__model_free(sub);
		return NULL;
	}
	memcpy(sub->obj, md->obj, nc * sizeof(double));
	memcpy(sub->lb, md->lb, nc * sizeof(double));
	memcpy(sub->ub, md->ub, nc * sizeof(double));
	memcpy(sub->is_int, md->is_int, nc);
	memcpy(sub->col, md->col, nc * sizeof(sf__tag));
	for (size_t j = 0; j < nc; j++) {
		if (md->col[j].month > m) {
			sub->lb[j] = sub->ub[j] = 0;
		} else if (md->col[j].month < m && md->is_int[j]) {
			sub->lb[j] = sub->ub[j] = (double)lround(xs[j]);
		}
	}
	sub->nrows = nr;
	sub->nnz = nnz;
	sub->row_cap = (size_t)nr;
	sub->nnz_cap = (size_t)nnz;
	sub->col_cap = nc;
	nr = nnz = 0;
	for (int i = 0; i < md->nrows; i++) {
		if (md->row[i].month > m)
			continue;
		sub->sense[nr] = md->sense[i];
		sub->rhs[nr] = md->rhs[i];
		sub->row[nr] = md->row[i];
		sub->rstart[nr] = nnz;
		for (int k = md->rstart[i]; k < md->rstart[i + 1]; k++, nnz++) {
			sub->rind[nnz] = md->rind[k];
			sub->rval[nnz] = md->rval[k];
		}
		nr++;
	}
	sub->rstart[nr] = nnz;
	return sub;
}

/*
 * Month m's fallback in the month-after-month plan: xs as planned so far,
 * and in month m nobody new sent and nobody assigned, every shortfall at
 * its requirement, presence what must stay (the arrivals of the last k
 * months, planned or recorded), which the rows of month m allow when the
 * months before satisfy theirs.
 */
static void month_fallback(const f2 *s, const sf__model *md, int m, const double *xs, double *fb)
{
	memcpy(fb, xs, (size_t)md->ncols * sizeof(double));
	for (int j = 0; j < md->ncols; j++) {
		const sf__tag *t = &md->col[j];
		if (t->month != m)
			continue;
		fb[j] = 0;
		if (t->kind == SF__COL_G) {
			fb[j] = sf__requirement(s->sc, (size_t)t->c, (size_t)t->b, t->month);
		} else if (t->kind == SF__COL_N) {
			int k = sf_pledge_min_stay(s->sc, (size_t)t->a);
			for (int w = m - k + 1; w <= m; w++) {
				int a = w >= md->m_first && w < m
				                ? md->acol[(size_t)t->a * s->M + (size_t)(w - 1)]
				                : -1;
				fb[j] += h_arr(s, (size_t)t->a, w) +
				         (a >= 0 ? (double)lround(xs[a]) : 0);
			}
		}
	}
}

static double objective_of(const sf__model *md, const double *x)
{
	double z = 0;
	for (int j = 0; j < md->ncols; j++)
		z += md->obj[j] * x[j];
	return z;
}

/*
 * A stage-1 plan of the linked months built month after month (under a
 * time limit, before the one MILP): month m is solved with the months
 * before it fixed as planned and the months after it not yet there, each
 * with an equal share of what is left of `budget`, to a gap of SEQ_GAP
 * (of the months so far); a month that finds no
 * plan in its share keeps its fallback (month_fallback). The whole model
 * checks the result: *ok is 1 when xs is a plan of md. It is the start
 * the one MILP falls back to, and the plan kept when the MILP's own is
 * worse: on the tour-limited members of the benchmark family CBC found
 * no plan of the one MILP in its whole stage-1 budget (docs/benchmarks.md).
 */
static sf_status sequential_start(f2 *s, const sf__model *md, double budget, double *xs, int *ok,
                                  sf_error *err)
{
	const sf_scenario *sc = s->sc;
	sf__solve_params prm = {.gap = SEQ_GAP, .threads = s->o->threads, .log = s->o->solver_log};
	double until = sf__now() + budget;
	double *fb = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	double *x = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	sf_status rc = SF_OK;

	*ok = 0;
	if (fb == NULL || x == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
		goto out;
	}
	memset(xs, 0, (size_t)md->ncols * sizeof(double));
	for (int m = sc->a0; m <= sc->months; m++) {
		sf__model *sub = months_upto(md, m, xs);
		sf__solve_result res;
		int fell_back;
		if (sub == NULL) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
			goto out;
		}
		month_fallback(s, md, m, xs, fb);
		rc = sf__solve_limited(s->o->solver, sub, &prm,
		                       sf__remaining(until) / (sc->months - m + 1), fb, &res, x,
		                       &fell_back, err);
		sf__model_free(sub);
		if (rc != SF_OK)
			goto out;
		if (res.status != SF__SOLVE_OPTIMAL && res.status != SF__SOLVE_STOPPED)
			goto out; /* neither a plan nor the fallback: keep the old start */
		memcpy(xs, x, (size_t)md->ncols * sizeof(double));
	}
	*ok = sf__model_satisfied(md, xs);
out:
	free(fb);
	free(x);
	return rc;
}

/* Map a solver status of stage 1 to an error (SF_OK for a plan). */
static sf_status stage1_status(f2 *s, const sf__solve_result *res, const char *where, sf_error *err)
{
	switch (res->status) {
	case SF__SOLVE_OPTIMAL:
		if (res->gap > 0) /* within the stage-1 gap asked for, not proven */
			s->s1_proven = 0;
		return SF_OK;
	case SF__SOLVE_STOPPED:
		s->s1_proven = 0;
		s->s1_stopped = 1;
		return SF_OK;
	case SF__SOLVE_NO_SOLUTION:
		return no_plan_error(s, where, err);
	case SF__SOLVE_INFEASIBLE:
		return sf_error_set(err, SF_ERR_INFEASIBLE,
		                    "%s has no feasible plan: the recorded deployments, stays, "
		                    "tours, reception or caps contradict each other",
		                    where);
	case SF__SOLVE_FAILED:
		break;
	}
	return sf_error_set(err, SF_ERR_SOLVER, "solver '%s' failed in %s",
	                    sf__solver_name(s->o->solver), where);
}

/* Stage 1 as one MILP over a0..M. */
static sf_status stage1_whole(f2 *s, sf_error *err)
{
	const sf_scenario *sc = s->sc;
	sf__model_spec spec = {.stage = 1,
	                       .m_first = sc->a0,
	                       .m_last = sc->months,
	                       .strengthen = !s->o->monolithic};
	sf__solve_params prm = {
	        .gap = s->o->stage1_gap, .threads = s->o->threads, .log = s->o->solver_log};
	sf__solve_result res;
	sf__model *md = NULL;
	double *x = NULL, *seq = NULL, *x0 = NULL;
	sf_status rc;

	rc = sf__model_build(sc, &spec, &md, err);
	if (rc != SF_OK)
		return rc;
	x = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	if (x == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
		goto out;
	}
	sf__progress(s->o, "stage 1: all months at once (%d columns, %d rows)", md->ncols,
	             md->nrows);
	if (s->o->start) {
		x0 = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
		if (x0 == NULL) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
			goto out;
		}
		if (stage1_from_plan(s, md, x0, &rc, err)) {
			double z = 0;
			for (int j = 0; j < md->ncols; j++)
				z += md->obj[j] * x0[j];
			prm.start = x0;
			sf__progress(s->o, "stage 1: started from the plan given, z1 %g", z);
		} else if (rc != SF_OK) {
			goto out;
		} else {
			sf__progress(s->o, "stage 1: the plan given as a start does not fit this "
			                   "model; solving without it");
		}
	}
	if (s->o->time_limit_s > 0) {
		double left = sf__remaining(s->deadline);
		double budget = left <= 0 ? 0 : s->o->stage1_only ? left : left * 2 / 3;
		double t = sf__now(), zseq = 0;
		int seq_ok = 0;
		if (!s->o->monolithic && budget > 0) {
			seq = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
			if (seq == NULL) {
				rc = sf_error_set(err, SF_ERR_NOMEM,
				                  "out of memory solving the model");
				goto out;
			}
			rc = sequential_start(s, md, budget * SEQ_SHARE, seq, &seq_ok, err);
			if (rc != SF_OK)
				goto out;
			if (seq_ok) {
				zseq = objective_of(md, seq);
				sf__progress(s->o, "stage 1: month after month, z1 %g (%.1f s)",
				             zseq, sf__now() - t);
			}
			budget -= sf__now() - t;
		}
		const double *given = seq_ok ? seq : NULL;
		if (prm.start != NULL && (!seq_ok || objective_of(md, prm.start) <= zseq))
			given = prm.start; /* the plan given (o->start), when no worse */
		rc = solve_limited(s, md, &prm, budget > 0 ? budget : 0, "stage 1", given, &res, x,
		                   err);
		/* stopped by the limit or at the stage-1 gap: the better plan stands */
		if (rc == SF_OK && seq_ok &&
		    (res.status == SF__SOLVE_STOPPED || res.status == SF__SOLVE_OPTIMAL) &&
		    objective_of(md, x) > zseq) {
			memcpy(x, seq, (size_t)md->ncols * sizeof(double));
			res.objective = zseq;
		}
	} else {
		/*
		 * No time limit, a plan given (the shopping list's request model):
		 * the month-after-month plan too, in at most SEQ_GIVEN_BUDGET
		 * seconds, and CBC starts from the better of the two. The proof
		 * is the MILP's as without it.
		 */
		int seq_ok = 0;
		if (prm.start != NULL && !s->o->monolithic) {
			double t = sf__now();
			seq = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
			if (seq == NULL) {
				rc = sf_error_set(err, SF_ERR_NOMEM,
				                  "out of memory solving the model");
				goto out;
			}
			rc = sequential_start(s, md, SEQ_GIVEN_BUDGET, seq, &seq_ok, err);
			if (rc != SF_OK)
				goto out;
			if (seq_ok && objective_of(md, seq) < objective_of(md, prm.start)) {
				sf__progress(s->o, "stage 1: month after month, z1 %g (%.1f s)",
				             objective_of(md, seq), sf__now() - t);
				prm.start = seq;
			}
		}
		rc = sf__solve(s->o->solver, md, &prm, &res, x, err);
	}
	if (rc != SF_OK)
		goto out;
	rc = stage1_status(s, &res, "stage 1", err);
	if (rc != SF_OK)
		goto out;
	sf__take_units(md, x, s->units);
	take_presence(s, md, x);
	s->s1.objective = planned_z1(s);
	s->s1.bound = res.status == SF__SOLVE_OPTIMAL && res.gap == 0 ? s->s1.objective : res.bound;
out:
	free(x);
	free(seq);
	free(x0);
	sf__model_free(md);
	return rc;
}

/* Stage 1 month by month (nothing links the months). */
static sf_status stage1_split(f2 *s, sf_error *err)
{
	const sf_scenario *sc = s->sc;
	sf_status rc = SF_OK;
	int nmonths = sc->months - sc->a0 + 1, nsolved = 0;
	sf__model **models = calloc((size_t)nmonths + 1, sizeof(*models));
	double **xs = calloc((size_t)nmonths + 1, sizeof(*xs)), bound = 0;
	sf__solve_result *results = calloc((size_t)nmonths + 1, sizeof(*results));

	if (!models || !xs || !results) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
		goto out;
	}
	for (int m = sc->a0; m <= sc->months; m++) {
		sf__model_spec spec = {
		        .stage = 1, .m_first = m, .m_last = m, .strengthen = 1, .month_alone = 1};
		sf__solve_params prm = {
		        .gap = s->o->stage1_gap, .threads = s->o->threads, .log = s->o->solver_log};
		sf__solve_result res;
		sf__model *md = NULL;
		double *x;
		char where[64];
		int hit = -1;

		sf_snprintf(where, sizeof(where), "stage 1, month %d", m);
		rc = sf__model_build(sc, &spec, &md, err);
		if (rc != SF_OK)
			goto out;
		x = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
		if (x == NULL) {
			sf__model_free(md);
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
			goto out;
		}
		for (int k = 0; k < nsolved && hit < 0; k++)
			if (sf__same_model(models[k], md))
				hit = k;
		if (hit >= 0) {
			memcpy(x, xs[hit], (size_t)md->ncols * sizeof(double));
			res = results[hit];
		} else {
			if (s->o->time_limit_s > 0) {
				double left = sf__remaining(s->deadline);
				double part =
				        left - (s->o->stage1_only ? 0 : s->o->time_limit_s / 3);
				int shares = sc->months - m + 1;
				double budget = left <= 0  ? 0
				                : part > 0 ? (shares == 1 ? part : part / 2)
				                           : left / (shares + 1);
				rc = solve_limited(s, md, &prm, budget, where, NULL, &res, x, err);
			} else {
				rc = sf__solve(s->o->solver, md, &prm, &res, x, err);
			}
			if (rc == SF_OK)
				rc = stage1_status(s, &res, where, err);
			if (rc != SF_OK) {
				sf__model_free(md);
				free(x);
				goto out;
			}
		}
		sf__take_units(md, x, s->units);
		bound += res.status == SF__SOLVE_OPTIMAL && res.gap == 0
		                 ? sf__units_z1_month(sc, s->units, m)
		                 : res.bound;
		if (hit < 0) {
			free(md->xcol);
			md->xcol = NULL;
			models[nsolved] = md;
			xs[nsolved] = x;
			results[nsolved] = res;
			nsolved++;
		} else {
			sf__model_free(md);
			free(x);
		}
	}
	greedy_presence(s);
	s->s1.objective = planned_z1(s);
	s->s1.bound = bound < s->s1.objective ? bound : s->s1.objective;
out:
	for (int k = 0; k < nsolved; k++) {
		sf__model_free(models[k]);
		free(xs[k]);
	}
	free(models);
	free(xs);
	free(results);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Least change: the baseline mapped onto this scenario                */

/*
 * Map plan b (of sc or of a scenario sharing its ids: pledges, locations
 * and tasks match by id, months by calendar month) into units [p][l][t][m]
 * and presence [p * M + (m-1)], and, if arr is not NULL, its arrivals
 * (recorded ones included) into arr [p * M + (m-1)]. What b does not know
 * stays 0.
 */
static sf_status map_plan(const f2 *s, const sf_plan *b, int *units, int *pres, int *arr,
                          sf_error *err)
{
	const sf_scenario *sc = s->sc, *bs = b->scenario;
	char label[16];
	int *month_map = calloc((size_t)bs->months + 1, sizeof(int));

	if (!month_map)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory reading a plan");
	for (int m = 1; m <= bs->months; m++) {
		int k;
		sf_scenario_month_label(bs, m, label, sizeof(label));
		month_map[m] = sf_scenario_parse_month(sc, label, &k) == 0 ? k : 0;
	}
	for (size_t i = 0; i < b->nrows; i++) {
		const sf_assignment *r = &b->rows[i];
		long p = sf_scenario_find_pledge(sc, bs->pledges[r->pledge].id);
		long l = sf_scenario_find_location(sc, sf_scenario_location_id(bs, r->location));
		long t = sf_scenario_find_task(sc, bs->tasks[r->task].id);
		int m = month_map[r->month];
		if (p < 0 || l < 0 || t < 0 || m < 1)
			continue;
		units[ux(s, (size_t)p, (size_t)l, (size_t)t, m)] += r->units;
	}
	for (size_t bp = 0; bp < bs->npledges; bp++) {
		long p = sf_scenario_find_pledge(sc, bs->pledges[bp].id);
		if (p < 0)
			continue;
		for (int m = 1; m <= bs->months; m++) {
			size_t k = bp * (size_t)bs->months + (size_t)(m - 1);
			size_t to = (size_t)p * s->M + (size_t)(month_map[m] - 1);
			if (month_map[m] < 1)
				continue;
			pres[to] = b->presence ? b->presence[k] : 0;
			if (arr)
				arr[to] = b->arrivals ? b->arrivals[k] : 0;
		}
	}
	if (!b->presence) /* a plan without presence: the units assigned are present */
		for (size_t p = 0; p < s->np; p++)
			for (int m = 1; m <= sc->months; m++) {
				int n = 0;
				for (size_t l = 0; l < s->nl; l++)
					for (size_t t = 0; t < s->nt; t++)
						n += units[ux(s, p, l, t, m)];
				pres[p * s->M + (size_t)(m - 1)] = n;
			}
	free(month_map);
	return SF_OK;
}

static sf_status map_baseline(f2 *s, const sf_plan *b, sf_error *err)
{
	s->base_u = calloc(s->np * s->nl * s->nt * s->M + 1, sizeof(int));
	s->base_n = calloc(s->np * s->M + 1, sizeof(int));
	if (!s->base_u || !s->base_n)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory reading the baseline");
	return map_plan(s, b, s->base_u, s->base_n, NULL, err);
}

/*
 * The unit-months of the planned months that differ from the baseline:
 * per pledge and month, half the sum of |difference| over the cells, the
 * reserve and the presence (docs/model.md). Also their change_cost.
 */
static int changed_units(const f2 *s, double *cost)
{
	long total = 0;
	*cost = 0;
	for (size_t p = 0; p < s->np; p++)
		for (int m = s->sc->a0; m <= s->sc->months; m++) {
			long d = 0, x = 0, xb = 0;
			int n = pres_at(s, p, m), nb = s->base_n[p * s->M + (size_t)(m - 1)];
			for (size_t l = 0; l < s->nl; l++)
				for (size_t t = 0; t < s->nt; t++) {
					int a = s->units[ux(s, p, l, t, m)],
					    b = s->base_u[ux(s, p, l, t, m)];
					d += labs((long)a - b);
					x += a;
					xb += b;
				}
			d += labs((n - x) - (nb - xb)) + labs((long)n - nb);
			total += d / 2;
			*cost += s->sc->unit_types[s->sc->pledges[p].unit].change_cost *
			         (double)(d / 2);
		}
	return (int)total;
}

/* ------------------------------------------------------------------ */
/* Stage 2                                                             */

/* Increase of the units at location l (all its tasks; l = nloc: reserve) from m - 1 to m. */
static long loc_increase(const f2 *s, size_t p, size_t l, int m)
{
	long now = 0, prev = 0;
	if (l == s->nl) {
		now = pres_at(s, p, m) - assigned_at(s, p, m);
		prev = pres_at(s, p, m - 1) - assigned_at(s, p, m - 1);
	} else {
		for (size_t t = 0; t < s->nt; t++) {
			now += units_at(s, p, l, t, m);
			prev += units_at(s, p, l, t, m - 1);
		}
	}
	return now > prev ? now - prev : 0;
}

/* The stage-2 column vector of the plan held in s (a MIP start). */
static void stage2_start(const f2 *s, const sf__model *md, double *x)
{
	const sf_scenario *sc = s->sc;

	for (int j = 0; j < md->ncols; j++) {
		const sf__tag *t = &md->col[j];
		size_t p = t->a >= 0 ? (size_t)t->a : 0, l = t->b >= 0 ? (size_t)t->b : 0;
		int m = t->month;
		double v = 0;
		switch (t->kind) {
		case SF__COL_X:
			v = units_at(s, p, l, (size_t)t->c, m);
			break;
		case SF__COL_N:
			v = pres_at(s, p, m);
			break;
		case SF__COL_ARR:
			v = s->arr[p * s->M + (size_t)(m - 1)];
			break;
		case SF__COL_G: {
			double prov = 0;
			for (size_t q = 0; q < s->np; q++)
				prov += sc->unit_types[sc->pledges[q].unit].capability[t->c] *
				        units_at(s, q, l, (size_t)t->c, m);
			v = sf__requirement(sc, (size_t)t->c, l, m) - prov;
			v = v > 0 ? v : 0;
			break;
		}
		case SF__COL_Z:
			for (size_t q = 0; q < s->np; q++)
				if (sc->pledges[q].unit == (size_t)t->a)
					v += units_at(s, q, l, (size_t)t->c, m);
			break;
		case SF__COL_Y:
			for (size_t q = 0; q < s->np; q++)
				for (size_t ls = 0; ls < sc->nsectors; ls++)
					for (size_t tk = 0; tk < s->nt; tk++)
						v += (double)sc->unit_types[sc->pledges[q].unit]
						             .personnel *
						     units_at(s, q, ls, tk, m);
			break;
		case SF__COL_INL:
			v = (double)loc_increase(s, p, l, m);
			break;
		case SF__COL_INC: {
			long d = (long)units_at(s, p, l, (size_t)t->c, m) -
			         units_at(s, p, l, (size_t)t->c, m - 1);
			v = d > 0 ? (double)d : 0;
			break;
		}
		case SF__COL_MOVE:
		case SF__COL_CHG: {
			long inc = loc_increase(s, p, s->nl, m);
			for (size_t ll = 0; ll < s->nl; ll++) {
				if (t->kind == SF__COL_MOVE) {
					inc += loc_increase(s, p, ll, m);
					continue;
				}
				for (size_t tk = 0; tk < s->nt; tk++) {
					long d = (long)units_at(s, p, ll, tk, m) -
					         units_at(s, p, ll, tk, m - 1);
					inc += d > 0 ? d : 0;
				}
			}
			inc -= arr_at(s, p, m);
			v = inc > 0 ? (double)inc : 0;
			break;
		}
		case SF__COL_DEV: {
			size_t k = p * s->M + (size_t)(m - 1);
			long val, base;
			if (l < s->nl) {
				val = units_at(s, p, l, (size_t)t->c, m);
				base = s->base_u[ux(s, p, l, (size_t)t->c, m)];
			} else if (l == s->nl) {
				long xb = 0;
				for (size_t ll = 0; ll < s->nl; ll++)
					for (size_t tk = 0; tk < s->nt; tk++)
						xb += s->base_u[ux(s, p, ll, tk, m)];
				val = pres_at(s, p, m) - assigned_at(s, p, m);
				base = s->base_n[k] - xb;
			} else {
				val = pres_at(s, p, m);
				base = s->base_n[k];
			}
			v = (double)labs(val - base);
			break;
		}
		default:
			break;
		}
		x[j] = v;
	}
}

/*
 * No wandering (docs/model.md, "Stage 2"): with every pledge's presence and
 * arrivals held where stage 2 put them, the assignment is solved again to
 * proven optimality for the rest of the cost (moves, changes of task,
 * soft vetoes, least change) at the same Z1, started from the stage-2
 * plan x. Held presence makes this much smaller than stage 2, and its
 * proof means that no unit of the plan moves or changes task unless every
 * way of keeping it in place with the same units present costs more or
 * leaves more shortfall. The result replaces s's plan when it is no
 * dearer; s->moves_status says whether it was proven.
 */
static sf_status polish(f2 *s, sf__model *md, double *x, sf_error *err)
{
	sf__solve_params prm = {.threads = s->o->threads, .no_diving = 1, .log = s->o->solver_log};
	sf__solve_result res;
	double *y = sf__mallocarray((size_t)md->ncols + 1, sizeof(double)), before = 0,
	       t0 = sf__now();
	sf_status rc = SF_OK;

	if (y == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
	for (int j = 0; j < md->ncols; j++) {
		sf__col_kind k = (sf__col_kind)md->col[j].kind;
		if (k == SF__COL_N || k == SF__COL_ARR) {
			md->lb[j] = md->ub[j] = (double)lround(x[j]);
			md->obj[j] = 0; /* a constant now */
		}
		before += md->obj[j] * x[j];
	}
	prm.start = x;
	res.status = SF__SOLVE_NO_SOLUTION;
	if (s->o->time_limit_s > 0) {
		prm.time_limit_s = sf__remaining(s->deadline);
		if (prm.time_limit_s > 0)
			rc = sf__solve_bounded(s->o->solver, md, &prm, s->deadline, &res, y, err);
	} else {
		rc = sf__solve(s->o->solver, md, &prm, &res, y, err);
	}
	if (rc != SF_OK)
		goto out;
	s->moves_status = SF_SOLVE_FEASIBLE;
	if ((res.status == SF__SOLVE_OPTIMAL || res.status == SF__SOLVE_STOPPED) &&
	    res.objective <= before + sf__tol_rel(SF_TOL_ROUNDING, before)) {
		memset(s->units, 0, s->np * s->nl * s->nt * s->M * sizeof(int));
		sf__take_units(md, y, s->units);
		if (res.status == SF__SOLVE_OPTIMAL)
			s->moves_status = SF_SOLVE_OPTIMAL;
	}
	sf__progress(s->o, "no wandering: %s, moves and the rest %.6g -> %.6g (%.1f s)",
	             sf_solve_status_str(s->moves_status), before,
	             res.status == SF__SOLVE_OPTIMAL || res.status == SF__SOLVE_STOPPED
	                     ? res.objective
	                     : before,
	             sf__now() - t0);
out:
	free(y);
	return rc;
}

/* Whether pledge p may hold k units at (l, t) in month m of md. */
static int may_hold(const sf__model *md, size_t p, size_t l, size_t t, int m, int k)
{
	int j = sf__model_xcol(md, p, l, t, m);
	return j >= 0 && md->lb[j] <= 0 && md->ub[j] >= k;
}

/* An offer of settle_type: pledge p to cell c (l * nt + t) at a cost per unit. */
typedef struct settle_offer {
	double cost;
	size_t p, c;
	int kind; /* 0: where it was last month; 1: same place, other task; 2: anywhere */
} settle_offer;

static int offer_cmp(const void *a, const void *b)
{
	const settle_offer *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	if (x->c != y->c)
		return x->c < y->c ? -1 : 1;
	return x->kind - y->kind;
}

/*
 * One unit type's cells of month m given out again (settle_units), by the
 * least-cost rule of the transportation problem: each pledge's units to
 * place (left), each cell's units (want), offers cheapest first, a unit's
 * cost its x cost (soft vetoes) plus, unless it holds the same place (and
 * task) the month before, what moving (and changing task) costs. 0 when
 * some cell could not be filled (units then left as they were).
 */
static int settle_type(f2 *s, const sf__model *md, size_t u, int m, const double *mv,
                       const double *ch, int *want, int *left, int *keep, settle_offer *of)
{
	const sf_scenario *sc = s->sc;
	size_t nc = s->nl * s->nt, no = 0;

	memset(want, 0, nc * sizeof(int));
	for (size_t p = 0; p < s->np; p++) {
		left[p] = 0;
		if (sc->pledges[p].unit != u)
			continue;
		for (size_t c = 0; c < nc; c++) {
			size_t l = c / s->nt, t = c % s->nt;
			int k = s->units[ux(s, p, l, t, m)], j = sf__model_xcol(md, p, l, t, m);
			keep[p * nc + c] = k;
			want[c] += k;
			left[p] += k;
			s->units[ux(s, p, l, t, m)] = 0;
			if (j < 0 || md->ub[j] <= 0)
				continue;
			double xc = md->obj[j], pm = mv[p * s->M + (size_t)(m - 1)],
			       pc = ch[p * s->M + (size_t)(m - 1)];
			of[no++] = (settle_offer){xc, p, c, 0};
			of[no++] = (settle_offer){xc + pc, p, c, 1};
			of[no++] = (settle_offer){xc + pm + pc, p, c, 2};
		}
	}
	qsort(of, no, sizeof(*of), offer_cmp);
	for (size_t i = 0; i < no; i++) {
		size_t p = of[i].p, c = of[i].c, l = c / s->nt, t = c % s->nt;
		int have = s->units[ux(s, p, l, t, m)], cap = left[p];
		if (want[c] == 0 || left[p] == 0)
			continue;
		if (of[i].kind == 0) {
			cap = units_at(s, p, l, t, m - 1) - have;
		} else if (of[i].kind == 1) {
			cap = 0;
			for (size_t tt = 0; tt < s->nt; tt++)
				cap += units_at(s, p, l, tt, m - 1) - s->units[ux(s, p, l, tt, m)];
		}
		int k = cap < want[c] ? cap : want[c];
		k = k < left[p] ? k : left[p];
		if (k <= 0 || !may_hold(md, p, l, t, m, have + k))
			continue;
		s->units[ux(s, p, l, t, m)] = have + k;
		want[c] -= k;
		left[p] -= k;
	}
	for (size_t c = 0; c < nc; c++)
		if (want[c] != 0)
			goto undo;
	return 1;
undo:
	for (size_t p = 0; p < s->np; p++)
		if (sc->pledges[p].unit == u)
			for (size_t c = 0; c < nc; c++)
				s->units[ux(s, p, c / s->nt, c % s->nt, m)] = keep[p * nc + c];
	return 0;
}

/*
 * Units no cell needs taken off (settle_units): in month m, from each
 * sector and task covered beyond its requirement, units whose capability
 * fits in the surplus, dearest x first, leave their task (they stay
 * present, idle: presence is solved again after). The shortfall of every
 * cell is unchanged (0 before and after). Returns how many were taken off.
 */
static int trim_month(f2 *s, const sf__model *md, int m)
{
	const sf_scenario *sc = s->sc;
	int n = 0;

	for (size_t l = 0; l < sc->nsectors; l++)
		for (size_t t = 0; t < s->nt; t++) {
			double prov = 0, req = sf__requirement(sc, t, l, m);
			for (size_t p = 0; p < s->np; p++)
				prov += sc->unit_types[sc->pledges[p].unit].capability[t] *
				        s->units[ux(s, p, l, t, m)];
			for (;;) {
				double surplus = prov - req, worst = -HUGE_VAL;
				size_t best = s->np;
				for (size_t p = 0; p < s->np; p++) {
					double cap =
					        sc->unit_types[sc->pledges[p].unit].capability[t];
					int j = sf__model_xcol(md, p, l, t, m);
					if (s->units[ux(s, p, l, t, m)] <= 0 || j < 0 ||
					    cap > surplus - sf__tol_rel(SF_TOL_SHORTFALL, req) ||
					    md->lb[j] > s->units[ux(s, p, l, t, m)] - 1)
						continue;
					if (md->obj[j] > worst) {
						worst = md->obj[j];
						best = p;
					}
				}
				if (best == s->np)
					break;
				s->units[ux(s, best, l, t, m)]--;
				prov -= sc->unit_types[sc->pledges[best].unit].capability[t];
				n++;
			}
		}
	return n;
}

/*
 * The stage-1 plan settled (docs/model.md, "The settled start"): month
 * after month, surplus units off their task (trim_month), then each unit
 * type's units per sector and task (what the shortfall sees) given out
 * again with each pledge's units assigned (what its presence holds) kept
 * (settle_type); a month whose result breaks a row is tried without the
 * trim, then kept as it was. Z1, presence and arrivals do not change.
 * start becomes the result, *ok 1, when it satisfies md and costs less;
 * s->units is left as it was. No solver: a plan, not a proof.
 */
static sf_status settle_units(f2 *s, const sf__model *md, double *start, int *ok, sf_error *err)
{
	const sf_scenario *sc = s->sc;
	size_t nu = s->np * s->nl * s->nt * s->M, nc = s->nl * s->nt;
	int *old = sf__mallocarray(nu + 1, sizeof(int));
	int *mo = sf__mallocarray(nu + 1, sizeof(int));
	int *want = sf__mallocarray(nc + 1, sizeof(int));
	int *left = sf__mallocarray(s->np + 1, sizeof(int));
	int *keep = sf__mallocarray(s->np * nc + 1, sizeof(int));
	double *y = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	double *mv = calloc(s->np * s->M + 1, sizeof(double));
	double *ch = calloc(s->np * s->M + 1, sizeof(double));
	settle_offer *of = sf__mallocarray(3 * s->np * nc + 1, sizeof(*of));
	double before = objective_of(md, start), after;
	sf_status rc = SF_OK;

	if (!old || !mo || !want || !left || !keep || !y || !mv || !ch || !of) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
		goto out;
	}
	for (int j = 0; j < md->ncols; j++) {
		const sf__tag *t = &md->col[j];
		if ((t->kind == SF__COL_MOVE || t->kind == SF__COL_CHG) && t->a >= 0 &&
		    t->month >= 1)
			(t->kind == SF__COL_MOVE
			         ? mv
			         : ch)[(size_t)t->a * s->M + (size_t)(t->month - 1)] = md->obj[j];
	}
	memcpy(old, s->units, nu * sizeof(int));
	/* Month after month: trimmed and settled, else settled, else as it was
	 * (a share cap can refuse either), the months before as they became. */
	for (int m = sc->a0; m <= sc->months; m++) {
		memcpy(mo, s->units, nu * sizeof(int));
		for (int trim = 1; trim >= -1; trim--) {
			if (trim >= 0) {
				if (trim)
					trim_month(s, md, m);
				for (size_t u = 0; u < sc->nunit_types; u++)
					settle_type(s, md, u, m, mv, ch, want, left, keep, of);
			}
			stage2_start(s, md, y);
			if (trim < 0 || sf__model_satisfied(md, y))
				break;
			memcpy(s->units, mo, nu * sizeof(int));
		}
	}
	after = objective_of(md, y);
	if (after < before - sf__tol_rel(SF_TOL_ROUNDING, before) && sf__model_satisfied(md, y)) {
		memcpy(start, y, (size_t)md->ncols * sizeof(double));
		*ok = 1;
		sf__progress(s->o, "stage 2: the start settled, z2 %.6g -> %.6g", before, after);
	}
	memcpy(s->units, old, nu * sizeof(int));
out:
	free(old);
	free(mo);
	free(want);
	free(left);
	free(keep);
	free(y);
	free(mv);
	free(ch);
	free(of);
	return rc;
}

/*
 * Under a time limit the stage-2 search leaves this share of what remains
 * to the polish: a plan whose polish found no time keeps its wandering
 * units, which check-plan refuses (seen on the format-2 family under a
 * 20 s limit on a loaded machine).
 */
#define POLISH_SHARE 0.2

static sf_status stage2(f2 *s, sf_error *err)
{
	const sf_scenario *sc = s->sc;
	sf__model_spec spec = {.stage = 2,
	                       .m_first = sc->a0,
	                       .m_last = sc->months,
	                       .z1_star = s->s1.objective,
	                       .z1_month = s->split && s->s1_proven ? s->z1m : NULL,
	                       .base_units = s->base_u,
	                       .base_presence = s->base_n};
	sf__solve_params prm = {.gap = s->o->gap,
	                        .threads = s->o->threads,
	                        .no_diving = 1,
	                        .log = s->o->solver_log};
	sf__solve_result res;
	sf__model *md = NULL;
	double *x = NULL, *start = NULL, *settled = NULL, t2 = sf__now(), d2 = s->deadline;
	int have_settled = 0;
	sf_status rc;

	rc = sf__model_build(sc, &spec, &md, err);
	if (rc != SF_OK)
		return rc;
	x = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	start = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	settled = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	if (!x || !start || !settled) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
		goto out;
	}
	stage2_start(s, md, start);
	sf__progress(s->o, "stage 2: started (%d columns, %d rows, %d non-zeros)", md->ncols,
	             md->nrows, md->nnz);
	if (!s->o->no_warm_start) {
		prm.start = start;
		memcpy(settled, start, (size_t)md->ncols * sizeof(double));
		rc = settle_units(s, md, settled, &have_settled, err);
		if (rc != SF_OK)
			goto out;
	}
	res.status = SF__SOLVE_NO_SOLUTION;
	res.bound = 0;
	/* The search leaves POLISH_SHARE of the time to the polish (below). */
	if (s->o->time_limit_s > 0) {
		d2 = sf__now() + (1 - POLISH_SHARE) * sf__remaining(s->deadline);
		prm.time_limit_s = sf__remaining(d2);
	}
	if (s->o->time_limit_s <= 0 || prm.time_limit_s > 0) {
		sf__stage2_info info;
		rc = sf__solve_stage2(s->o->solver, md, &prm, d2, s->o, &res, x, &info, err);
	}
	if (rc != SF_OK)
		goto out;
	if (have_settled) {
		/* The settled start when the search ends dearer or with no plan. */
		double z = objective_of(md, settled);
		int plan = res.status == SF__SOLVE_OPTIMAL || res.status == SF__SOLVE_STOPPED;
		if (!plan || objective_of(md, x) > z + sf__tol_rel(SF_TOL_ROUNDING, z)) {
			memcpy(x, settled, (size_t)md->ncols * sizeof(double));
			if (!plan) {
				res.status = SF__SOLVE_STOPPED;
				res.bound = isfinite(res.bound) && res.bound > 0 && res.bound <= z
				                    ? res.bound
				                    : 0;
			}
			res.objective = z;
			res.gap = sf__rel_gap(z, res.bound < z ? res.bound : z);
			sf__progress(s->o, "stage 2: the settled start is the better plan");
		}
	}
	if (res.status == SF__SOLVE_OPTIMAL || res.status == SF__SOLVE_STOPPED) {
		memset(s->units, 0, s->np * s->nl * s->nt * s->M * sizeof(int));
		memset(s->pres, 0, s->np * s->M * sizeof(int));
		memset(s->arr, 0, s->np * s->M * sizeof(int));
		sf__take_units(md, x, s->units);
		take_presence(s, md, x);
		s->s2.status =
		        res.status == SF__SOLVE_OPTIMAL ? SF_SOLVE_OPTIMAL : SF_SOLVE_FEASIBLE;
		s->s2.bound = res.bound;
		s->s2.gap = res.gap;
	} else if (s->o->no_warm_start && res.status == SF__SOLVE_FAILED) {
		rc = sf_error_set(err, SF_ERR_SOLVER, "solver '%s' failed in stage 2",
		                  sf__solver_name(s->o->solver));
		goto out;
	} else if (s->o->no_warm_start) {
		rc = no_plan_error(s, "stage 2", err);
		goto out;
	} else {
		/* No plan of its own: the start stands, with what the solver proved. */
		double z2 = 0;
		for (int j = 0; j < md->ncols; j++)
			z2 += md->obj[j] * start[j];
		s->s2.status = SF_SOLVE_FEASIBLE;
		s->s2.bound =
		        isfinite(res.bound) && res.bound > 0 && res.bound <= z2 ? res.bound : 0;
		s->s2.gap = 1;
		sf__progress(s->o, "stage 2: no solution of its own; keeping the stage-1 plan");
		memcpy(x, start, (size_t)md->ncols * sizeof(double));
	}
	rc = polish(s, md, x, err);
out:
	s->s2.seconds = sf__now() - t2;
	free(x);
	free(start);
	free(settled);
	sf__model_free(md);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The plan                                                            */

/* Rows, presence and arrivals of every month (recorded, then planned) into a plan. */
static sf_status assemble(f2 *s, sf_plan **out, sf_error *err)
{
	const sf_scenario *sc = s->sc;
	int *all = calloc(s->np * s->nl * s->nt * s->M + 1, sizeof(int));
	int *pres = calloc(s->np * s->M + 1, sizeof(int));
	int *arr = calloc(s->np * s->M + 1, sizeof(int));
	sf_assignment *rows = NULL;
	size_t nrows = 0;
	sf_status rc;

	if (!all || !pres || !arr) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory building the plan");
		goto out;
	}
	for (size_t p = 0; p < s->np; p++)
		for (int m = 1; m <= sc->months; m++) {
			pres[p * s->M + (size_t)(m - 1)] = pres_at(s, p, m);
			arr[p * s->M + (size_t)(m - 1)] = arr_at(s, p, m);
			for (size_t l = 0; l < s->nl; l++)
				for (size_t t = 0; t < s->nt; t++)
					all[ux(s, p, l, t, m)] = units_at(s, p, l, t, m);
		}
	rc = sf__units_to_rows(sc, all, &rows, &nrows, err);
	if (rc == SF_OK)
		rc = sf_plan_from_parts(sc, rows, nrows, pres, arr, out, err);
out:
	free(all);
	free(pres);
	free(arr);
	free(rows);
	return rc;
}

sf_status sf__f2_stage1_in_turn(const sf_scenario *sc, const sf_plan_options *o, double budget,
                                double *z1, int *ok, sf_error *err)
{
	sf__model_spec spec = {
	        .stage = 1, .m_first = sc->a0, .m_last = sc->months, .strengthen = 1};
	sf__model *md = NULL;
	double *xs = NULL;
	sf_status rc;
	f2 s;

	*z1 = 0;
	*ok = 0;
	memset(&s, 0, sizeof(s));
	s.sc = sc;
	s.o = o;
	s.np = sc->npledges;
	s.nl = SF_NLOC(sc);
	s.nt = sc->ntasks;
	s.M = (size_t)sc->months;
	rc = sf__history_build(sc, &s.hist, err);
	if (rc != SF_OK)
		return rc;
	rc = sf__model_build(sc, &spec, &md, err);
	if (rc != SF_OK)
		goto out;
	xs = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	if (xs == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
		goto out;
	}
	rc = sequential_start(&s, md, budget, xs, ok, err);
	if (rc == SF_OK && *ok)
		*z1 = objective_of(md, xs);
out:
	free(xs);
	sf__model_free(md);
	sf__history_release(&s.hist);
	return rc;
}

sf_status sf__plan_solve_f2(const sf_scenario *sc, const sf_plan_options *o, sf_plan **out,
                            sf_error *err)
{
	sf_status rc;
	sf_plan *plan = NULL;
	f2 s;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.sc = sc;
	s.o = o;
	s.t0 = sf__now();
	s.deadline = o->time_limit_s > 0 ? s.t0 + o->time_limit_s : HUGE_VAL;
	s.np = sc->npledges;
	s.nl = SF_NLOC(sc);
	s.nt = sc->ntasks;
	s.M = (size_t)sc->months;
	s.s1_proven = 1;
	s.s2.status = SF_SOLVE_NOT_RUN;
	s.moves_status = SF_SOLVE_NOT_RUN;
	rc = sf__history_build(sc, &s.hist, err);
	if (rc != SF_OK)
		return rc;
	s.units = calloc(s.np * s.nl * s.nt * s.M + 1, sizeof(int));
	s.pres = calloc(s.np * s.M + 1, sizeof(int));
	s.arr = calloc(s.np * s.M + 1, sizeof(int));
	s.z1m = calloc(s.M + 1, sizeof(double));
	if (!s.units || !s.pres || !s.arr || !s.z1m) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory planning");
		goto out;
	}
	if (o->baseline && (rc = map_baseline(&s, o->baseline, err)) != SF_OK)
		goto out;

	/* Stage 1. */
	s.split = !o->monolithic && !sf__f2_months_linked(sc);
	rc = s.split ? stage1_split(&s, err) : stage1_whole(&s, err);
	if (rc != SF_OK)
		goto out;
	if (s.s1_proven || s.s1.bound > s.s1.objective)
		s.s1.bound = s.s1.objective;
	s.s1.gap = s.s1_proven ? 0 : sf__rel_gap(s.s1.objective, s.s1.bound);
	/* stopped by the limit within the gap asked for: "optimal", not proven */
	s.s1.status = sf__stage_status(s.s1_stopped, s.s1.gap, o->stage1_gap);
	s.s1.seconds = sf__now() - s.t0;
	sf__progress(o, "stage 1: %s, z1 %g (%.1f s, %s)", sf_solve_status_str(s.s1.status),
	             s.s1.objective, s.s1.seconds,
	             s.split ? "month by month" : "all months at once");

	/* Stage 2. */
	if (!o->stage1_only) {
		rc = stage2(&s, err);
		if (rc != SF_OK)
			goto out;
	}

	rc = assemble(&s, &plan, err);
	if (rc != SF_OK)
		goto out;
	if (s.base_u) {
		plan->changed_units = changed_units(&s, &plan->cost_changes);
		plan->cost_total += plan->cost_changes;
	}
	plan->solver = o->solver;
	plan->stage1 = s.s1;
	sf__stage1_from_plan(&plan->stage1, plan->z1);
	if (s.s2.status == SF_SOLVE_OPTIMAL || s.s2.status == SF_SOLVE_FEASIBLE) {
		/* Z2 of the integer plan, as recomputed from the rows. */
		int proven = s.s2.status == SF_SOLVE_OPTIMAL && s.s2.gap == 0;
		s.s2.objective = plan->cost_total;
		if (s.s2.bound > s.s2.objective || proven)
			s.s2.bound = s.s2.objective;
		s.s2.gap = sf__rel_gap(s.s2.objective, s.s2.bound);
		if (s.s2.status == SF_SOLVE_FEASIBLE) /* a limit stopped it */
			s.s2.status = sf__stage_status(1, s.s2.gap, o->gap);
	}
	plan->stage2 = s.s2;
	plan->moves_status = s.moves_status;
	plan->seconds = sf__now() - s.t0;
	if (!o->stage1_only)
		sf__progress(o, "stage 2: %s, z2 %.6g, gap %.4g (%.1f s)",
		             sf_solve_status_str(s.s2.status), s.s2.objective, s.s2.gap,
		             s.s2.seconds);
	*out = plan;
	plan = NULL;
out:
	sf_plan_free(plan);
	sf__history_release(&s.hist);
	free(s.units);
	free(s.pres);
	free(s.arr);
	free(s.z1m);
	free(s.base_u);
	free(s.base_n);
	return rc;
}
