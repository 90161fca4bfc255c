#include "base/internal.h"

/*
 * stage.c - what the planner's stages share, whatever the format: the
 * solution vector to units and rows, a month's weighted shortfall
 * recomputed from integer units, the solve with a hard wall-clock
 * deadline (a forked child), and the test that two month models are the
 * same MILP. plan.c (format 1) and plan_f2.c (format 2) use them.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/proc.h"
#include "base/tolerance.h"
#include "plan/stage.h"

const char *sf__solver_name(sf_solver_kind k)
{
	return k == SF_SOLVER_GLPK ? "glpk" : "cbc";
}

void sf__progress(const sf_plan_options *o, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (o->progress == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	o->progress(o->progress_ctx, line);
}

const char *sf__solve_status_name(sf__solve_status s)
{
	switch (s) {
	case SF__SOLVE_OPTIMAL:
		return "proven optimal";
	case SF__SOLVE_STOPPED:
		return "stopped with a plan";
	case SF__SOLVE_INFEASIBLE:
		return "the solver says infeasible";
	case SF__SOLVE_NO_SOLUTION:
		return "stopped before any plan";
	case SF__SOLVE_FAILED:
		break;
	}
	return "the solver failed";
}

void sf__take_units(const sf__model *md, const double *x, int *units)
{
	for (int j = 0; j < md->ncols; j++) {
		const sf__tag *t = &md->col[j];
		if (t->kind != SF__COL_X)
			continue;
		long v = lround(x[j]);
		size_t k = (((size_t)t->a * md->nloc + (size_t)t->b) * md->ntasks + (size_t)t->c) *
		                   (size_t)md->months +
		           (size_t)(t->month - 1);
		units[k] = v > 0 ? (int)v : 0;
	}
}

sf_status sf__units_to_rows(const sf_scenario *sc, const int *units, sf_assignment **rows,
                            size_t *nrows, sf_error *err)
{
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks, M = (size_t)sc->months;
	size_t n = 0, k = 0;

	for (size_t i = 0; i < sc->npledges * nl * nt * M; i++)
		n += units[i] > 0;
	*rows = sf__mallocarray(n + 1, sizeof(**rows));
	if (*rows == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory building the plan");
	for (size_t p = 0; p < sc->npledges; p++)
		for (size_t l = 0; l < nl; l++)
			for (size_t t = 0; t < nt; t++)
				for (size_t mi = 0; mi < M; mi++) {
					int u = units[((p * nl + l) * nt + t) * M + mi];
					if (u > 0)
						(*rows)[k++] =
						        (sf_assignment){(int)mi + 1, p, l, t, u};
				}
	*nrows = k;
	return SF_OK;
}

/* Weighted shortfall of month m of the plan held in units. */
double sf__units_z1_month(const sf_scenario *sc, const int *units, int m)
{
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks, M = (size_t)sc->months;
	double z = 0;

	for (size_t t = 0; t < nt; t++)
		for (size_t l = 0; l < nl; l++) {
			double R = sf__requirement(sc, t, l, m), prov = 0;
			if (!(R > 0))
				continue;
			for (size_t p = 0; p < sc->npledges; p++)
				prov += sc->unit_types[sc->pledges[p].unit].capability[t] *
				        units[((p * nl + l) * nt + t) * M + (size_t)(m - 1)];
			if (R > prov)
				z += sc->tasks[t].weight * (R - prov);
		}
	return z;
}

/* What a solve in a child needs, and sends back: the result, then x. */
typedef struct bounded_solve {
	sf_solver_kind kind;
	const sf__model *md;
	const sf__solve_params *prm;
} bounded_solve;

static sf_status bounded_solve_fn(void *vctx, sf_buf *out, sf_error *err)
{
	const bounded_solve *b = vctx;
	sf__solve_result res;
	double *x = sf__mallocarray((size_t)b->md->ncols + 1, sizeof(double));
	sf_status rc;

	if (x == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory solving the model");
	rc = sf__solve(b->kind, b->md, b->prm, &res, x, err);
	if (rc == SF_OK)
		rc = sf_buf_add(out, &res, sizeof res);
	if (rc == SF_OK)
		rc = sf_buf_add(out, x, (size_t)b->md->ncols * sizeof(double));
	free(x);
	return rc;
}

double sf__kill_time(double deadline, const sf__solve_params *prm)
{
	return deadline + SF__KILL_GRACE_S +
	       SF__KILL_GRACE_SHARE * (prm->time_limit_s > 0 ? prm->time_limit_s : 0);
}

/*
 * Solve with a hard wall-clock deadline. CBC checks its time limit only
 * between phases: on a large model its root LP and preprocessing alone can
 * run minutes past it, and CBC 2.10.8 can crash (CglPreProcess::postProcess)
 * when its limit interrupts a search that has a solution. So the solve runs
 * in a child (base/proc.c) that sends back its result and solution; at
 * sf__kill_time(deadline) the child is killed and the caller gets
 * SF__SOLVE_NO_SOLUTION; a child that dies (a crash) or fails gives
 * SF__SOLVE_FAILED, with what happened in res->note. The caller then keeps
 * the plan it had. The solver's own limit is still set, so the child
 * normally ends in time with its best solution.
 */
sf_status sf__solve_bounded(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                            double deadline, sf__solve_result *res, double *x, sf_error *err)
{
	bounded_solve b = {kind, md, prm};
	size_t want = sizeof(*res) + (size_t)md->ncols * sizeof(double);
	sf__call_outcome how;
	sf_error cerr;
	sf_buf out;
	sf_status rc;

	sf_error_clear(&cerr);
	sf_buf_init(&out, 0);
	memset(res, 0, sizeof(*res));
	rc = sf__proc_call(bounded_solve_fn, &b, sf__kill_time(deadline, prm), &out, &how, &cerr);
	if (rc == SF_ERR_IO) /* no child could be started: solve here */
		rc = sf__solve(kind, md, prm, res, x, err);
	else if (rc != SF_OK)
		sf_error_set(err, rc, "%s", cerr.message);
	else if (how == SF__CALL_DONE && out.len == want) {
		memcpy(res, out.data, sizeof(*res));
		memcpy(x, out.data + sizeof(*res), (size_t)md->ncols * sizeof(double));
	} else if (how == SF__CALL_TIMEOUT) {
		res->status = SF__SOLVE_NO_SOLUTION;
		sf_snprintf(res->note, sizeof res->note, "stopped at the deadline");
	} else {
		res->status = SF__SOLVE_FAILED;
		sf_snprintf(res->note, sizeof res->note, "%s",
		            how == SF__CALL_DONE ? "a malformed result" : cerr.message);
	}
	sf_buf_release(&out);
	return rc;
}

int sf__model_satisfied(const sf__model *md, const double *x)
{
	for (int j = 0; j < md->ncols; j++) {
		if (x[j] < md->lb[j] - SF_TOL_FEASIBILITY || x[j] > md->ub[j] + SF_TOL_FEASIBILITY)
			return 0;
		if (md->is_int[j] && fabs(x[j] - round(x[j])) > SF_TOL_FEASIBILITY)
			return 0;
	}
	for (int i = 0; i < md->nrows; i++) {
		double a = 0, r = md->rhs[i], tol = SF_TOL_FEASIBILITY * fmax(1, fabs(r));
		for (int e = md->rstart[i]; e < md->rstart[i + 1]; e++)
			a += md->rval[e] * x[md->rind[e]];
		if ((md->sense[i] == 'L' && a > r + tol) || (md->sense[i] == 'G' && a < r - tol) ||
		    (md->sense[i] == 'E' && fabs(a - r) > tol))
			return 0;
	}
	return 1;
}

sf_status sf__solve_limited(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                            double budget, const double *fallback, sf__solve_result *res, double *x,
                            int *fell_back, sf_error *err)
{
	sf__solve_params p = *prm;
	double obj = 0;

	*fell_back = 0;
	memset(res, 0, sizeof(*res));
	res->status = SF__SOLVE_NO_SOLUTION;
	sf_strlcpy(res->note, "no time left", sizeof res->note);
	if (budget > 0) {
		p.time_limit_s = budget;
		sf_status rc = sf__solve_bounded(kind, md, &p, sf__now() + budget, res, x, err);
		if (rc != SF_OK)
			return rc;
	}
	if (res->status == SF__SOLVE_OPTIMAL || res->status == SF__SOLVE_STOPPED ||
	    !sf__model_satisfied(md, fallback))
		return SF_OK;
	if (res->note[0] == 0)
		sf_strlcpy(res->note, sf__solve_status_name(res->status), sizeof res->note);
	memcpy(x, fallback, (size_t)md->ncols * sizeof(double));
	for (int j = 0; j < md->ncols; j++)
		obj += md->obj[j] * x[j];
	if (!(res->status == SF__SOLVE_NO_SOLUTION && isfinite(res->bound) && res->bound > 0 &&
	      res->bound <= obj))
		res->bound = 0;
	res->status = SF__SOLVE_STOPPED;
	res->objective = obj;
	res->gap = sf__rel_gap(obj, res->bound);
	*fell_back = 1;
	return SF_OK;
}

double sf__remaining(double deadline)
{
	return deadline - sf__now();
}

/*
 * Two month models are the same MILP when every array and every column's
 * and row's meaning (apart from the month) agree. Months after the
 * build-up often are: same pledges present, same requirements.
 */
int sf__same_model(const sf__model *a, const sf__model *b)
{
	if (a->ncols != b->ncols || a->nrows != b->nrows || a->nnz != b->nnz)
		return 0;
	for (int j = 0; j < a->ncols; j++) {
		const sf__tag *x = &a->col[j], *y = &b->col[j];
		if (x->kind != y->kind || x->a != y->a || x->b != y->b || x->c != y->c ||
		    a->obj[j] != b->obj[j] || a->lb[j] != b->lb[j] || a->ub[j] != b->ub[j] ||
		    a->is_int[j] != b->is_int[j])
			return 0;
	}
	for (int i = 0; i < a->nrows; i++) {
		const sf__tag *x = &a->row[i], *y = &b->row[i];
		if (x->kind != y->kind || x->a != y->a || x->b != y->b || x->c != y->c ||
		    a->sense[i] != b->sense[i] || a->rhs[i] != b->rhs[i] ||
		    a->rstart[i + 1] != b->rstart[i + 1])
			return 0;
	}
	if (a->nnz == 0)
		return 1;
	return memcmp(a->rind, b->rind, (size_t)a->nnz * sizeof(int)) == 0 &&
	       memcmp(a->rval, b->rval, (size_t)a->nnz * sizeof(double)) == 0;
}

/*
 * A stage 1 stopped before its proof (a limit, or the stage-1 gap asked
 * for) reports the best Z1 it had; stage 2 may then find a plan with a
 * lower Z1 (its row allows anything up to that value plus the tolerance).
 * The stage-1 objective of the plan is the plan's own Z1 (what check-plan
 * recomputes from its rows), with its gap to stage 1's proven bound. A
 * proven stage 1 is left as it is: stage 2 keeps Z1 within its tolerance
 * of the optimum.
 */
void sf__stage1_from_plan(sf_stage_result *s1, double plan_z1)
{
	if (s1->status != SF_SOLVE_FEASIBLE && !(s1->status == SF_SOLVE_OPTIMAL && s1->gap > 0))
		return;
	s1->objective = plan_z1;
	if (s1->bound > plan_z1)
		s1->bound = plan_z1;
	s1->gap = sf__rel_gap(plan_z1, s1->bound);
}

sf_solve_status sf__stage_status(int stopped, double gap, double asked)
{
	if (!stopped || (asked > 0 && gap <= asked))
		return SF_SOLVE_OPTIMAL;
	return SF_SOLVE_FEASIBLE;
}

/*
 * Stage 2's two searches (docs/model.md, "Two searches"). CBC from a start
 * can stay on it for minutes (issue 11: 4% after 400 s on an unseen
 * Gaza-sized scenario, where GLPK from the same model reached 0.84% in
 * 1.2 s), so under a time limit and CBC a GLPK search from the same start
 * runs first, for STAGE2_GLPK_SHARE of the time left. When it proves the
 * gap asked for, its plan is stage 2's; otherwise CBC starts from the
 * better of the two plans, and the result is the best plan either found,
 * against the higher of the two proven bounds (both bound the same
 * model). Without a time limit one CBC search runs, as before: GLPK's
 * search has no bound then but its node count, and on the format-2 Gaza
 * example it ran for minutes.
 */
#define STAGE2_GLPK_SHARE 0.5

static int has_plan(const sf__solve_result *r)
{
	return r->status == SF__SOLVE_OPTIMAL || r->status == SF__SOLVE_STOPPED;
}

static double finite_bound(const sf__solve_result *r)
{
	if (r->status == SF__SOLVE_INFEASIBLE || r->status == SF__SOLVE_FAILED ||
	    !isfinite(r->bound))
		return -HUGE_VAL;
	return r->bound;
}

/* One search: bounded by deadline in a child when limited, in-process otherwise. */
static sf_status one_search(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                            double deadline, sf__solve_result *res, double *x, sf_error *err)
{
	if (isfinite(deadline))
		return sf__solve_bounded(kind, md, prm, deadline, res, x, err);
	return sf__solve(kind, md, prm, res, x, err);
}

int sf__stage2_combine(const sf__solve_result *g, const sf__solve_result *c, double gap,
                       sf__solve_result *res)
{
	double bound = fmax(finite_bound(g), finite_bound(c));
	int from_glpk = 0;

	if (has_plan(g) && (!has_plan(c) || g->objective < c->objective)) {
		*res = *g;
		from_glpk = 1;
	} else if (has_plan(c)) {
		*res = *c;
	} else {
		*res = c->status == SF__SOLVE_FAILED ? *g : *c;
		if (res->status == SF__SOLVE_NO_SOLUTION)
			res->bound = bound;
		return 0;
	}
	if (res->status == SF__SOLVE_OPTIMAL && res->gap == 0)
		return from_glpk;
	/* The better plan, against the better proven bound. */
	if (bound > res->objective)
		bound = res->objective;
	res->bound = bound;
	res->gap = sf__rel_gap(res->objective, bound);
	if (res->gap <= gap)
		res->status = SF__SOLVE_OPTIMAL;
	return from_glpk;
}

sf_status sf__solve_stage2(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                           double deadline, const sf_plan_options *o, sf__solve_result *res,
                           double *x, sf__stage2_info *info, sf_error *err)
{
	sf__solve_params gp = *prm, cp = *prm;
	sf__solve_result g = {0}, c = {0};
	double *xg = NULL, t0 = sf__now();
	sf_status rc;

	memset(info, 0, sizeof(*info));
	if (kind != SF_SOLVER_CBC || prm->start == NULL || !isfinite(deadline))
		return one_search(kind, md, prm, deadline, res, x, err);
	xg = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
	if (xg == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory solving stage 2");
	gp.threads = 1;
	gp.time_limit_s = STAGE2_GLPK_SHARE * sf__remaining(deadline);
	rc = one_search(SF_SOLVER_GLPK, md, &gp, sf__now() + gp.time_limit_s, &g, xg, err);
	if (rc != SF_OK)
		goto out;
	info->glpk_ran = 1;
	info->glpk_status = g.status;
	info->glpk_gap = has_plan(&g) ? g.gap : 1.0;
	info->glpk_seconds = sf__now() - t0;
	if (o != NULL)
		sf__progress(o, "stage 2: glpk search from the start: %s, gap %.4g (%.1f s)",
		             has_plan(&g) ? "a plan" : "no plan", info->glpk_gap,
		             info->glpk_seconds);
	if (g.status == SF__SOLVE_OPTIMAL) {
		*res = g;
		info->from_glpk = 1;
		memcpy(x, xg, (size_t)md->ncols * sizeof(double));
		goto out;
	}
	if (has_plan(&g))
		cp.start = xg;
	c.status = SF__SOLVE_NO_SOLUTION;
	c.bound = -HUGE_VAL;
	cp.time_limit_s = sf__remaining(deadline);
	if (cp.time_limit_s > 0) {
		rc = one_search(SF_SOLVER_CBC, md, &cp, deadline, &c, x, err);
		if (rc != SF_OK)
			goto out;
	}
	info->from_glpk = sf__stage2_combine(&g, &c, prm->gap, res);
	if (info->from_glpk)
		memcpy(x, xg, (size_t)md->ncols * sizeof(double));
out:
	free(xg);
	return rc;
}
