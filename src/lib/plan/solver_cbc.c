/*
 * solver_cbc.c - the CBC backend of solver.h: the only file that includes
 * <coin/Cbc_C_Interface.h>.
 *
 * What was learned (docs/internals and engineering.md): the time limit is
 * CPU time unless "timeMode" is "elapsed"; one thread is deterministic, two
 * are not; a search stopped on the gap or the time limit can still look
 * "proven optimal" through Cbc_isProvenOptimal, so the status is read from
 * Cbc_status and Cbc_secondaryStatus together:
 *
 *   status 0, secondary 0 or 1, a solution  proven optimal
 *   status 0, secondary 2, a solution       stopped on the gap asked for
 *   status 0, no solution                   infeasible (relaxation infeasible)
 *   status 1 (a limit), a solution          stopped, gap from objective/bound
 *   status 1, no solution                   no solution
 *   anything else                           failed (or stopped, if a solution)
 *
 * CBC is not reentrant; callers run one solve at a time per process.
 */
#include "base/internal.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <coin/Cbc_C_Interface.h>

#include "plan/solver.h"

/* The trivial model with no columns: objective 0, every row must hold at 0. */
static void solve_empty(const sf__model *md, sf__solve_result *res)
{
	res->status = SF__SOLVE_OPTIMAL;
	res->objective = res->bound = res->gap = 0;
	for (int i = 0; i < md->nrows; i++) {
		double r = md->rhs[i];
		if ((md->sense[i] == 'L' && r < 0) || (md->sense[i] == 'G' && r > 0) ||
		    (md->sense[i] == 'E' && r != 0))
			res->status = SF__SOLVE_INFEASIBLE;
	}
}

const char *sf__cbc_version(void)
{
	return Cbc_getVersion();
}

sf_status sf__solve_cbc(const sf__model *md, const sf__solve_params *prm, sf__solve_result *res,
                        double *x, sf_error *err)
{
	sf_status rc = SF_OK;
	Cbc_Model *cm = NULL;
	CoinBigIndex *cstart = NULL;
	int *cfill = NULL, *crow = NULL, *idx = NULL;
	double *cval = NULL, *rlb = NULL, *rub = NULL, *ub = NULL;
	char num[64];
	const int n = md->ncols, r = md->nrows;

	memset(res, 0, sizeof(*res));
	if (n == 0) {
		solve_empty(md, res);
		return SF_OK;
	}
	cstart = calloc((size_t)n + 1, sizeof(*cstart));
	cfill = calloc((size_t)n + 1, sizeof(int));
	crow = sf__mallocarray((size_t)md->nnz + 1, sizeof(int));
	cval = sf__mallocarray((size_t)md->nnz + 1, sizeof(double));
	rlb = sf__mallocarray((size_t)r + 1, sizeof(double));
	rub = sf__mallocarray((size_t)r + 1, sizeof(double));
	ub = sf__mallocarray((size_t)n + 1, sizeof(double));
	idx = sf__mallocarray((size_t)n + 1, sizeof(int));
	if (cstart == NULL || cfill == NULL || crow == NULL || cval == NULL || rlb == NULL ||
	    rub == NULL || ub == NULL || idx == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory loading the model into cbc");
		goto out;
	}
	for (int e = 0; e < md->nnz; e++)
		cstart[md->rind[e] + 1]++;
	for (int j = 0; j < n; j++)
		cstart[j + 1] += cstart[j];
	for (int i = 0; i < r; i++)
		for (int e = md->rstart[i]; e < md->rstart[i + 1]; e++) {
			int j = md->rind[e];
			CoinBigIndex pos = cstart[j] + cfill[j]++;
			crow[pos] = i;
			cval[pos] = md->rval[e];
		}
	for (int i = 0; i < r; i++) {
		rlb[i] = md->sense[i] == 'L' ? -DBL_MAX : md->rhs[i];
		rub[i] = md->sense[i] == 'G' ? DBL_MAX : md->rhs[i];
	}
	for (int j = 0; j < n; j++) {
		ub[j] = isfinite(md->ub[j]) ? md->ub[j] : DBL_MAX;
		idx[j] = j;
	}

	cm = Cbc_newModel();
	if (cm == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory creating a cbc model");
		goto out;
	}
	Cbc_loadProblem(cm, n, r, cstart, crow, cval, md->lb, ub, md->obj, rlb, rub);
	int has_int = 0;
	for (int j = 0; j < n; j++)
		if (md->is_int[j]) {
			Cbc_setInteger(cm, j);
			has_int = 1;
		}
	/*
	 * A model with no integer column (a month where no pledge can serve)
	 * would go down CBC's pure-LP path, which ignores logLevel and prints
	 * on stdout, and reports status -1: one fixed integer column keeps
	 * it on the MIP path.
	 */
	if (!has_int)
		Cbc_addCol(cm, "fixed_dummy", 0, 0, 0, 1, 0, NULL, NULL);
	Cbc_setObjSense(cm, 1);

	Cbc_setParameter(cm, "logLevel", prm->log ? "1" : "0");
	Cbc_setParameter(cm, "timeMode", "elapsed");
	if (prm->time_limit_s > 0) {
		double t = prm->time_limit_s < 0.01 ? 0.01 : prm->time_limit_s;
		sf_snprintf(num, sizeof(num), "%.3f", t);
		Cbc_setParameter(cm, "sec", num);
	}
	if (prm->threads > 1) {
		sf_snprintf(num, sizeof(num), "%d", prm->threads);
		Cbc_setParameter(cm, "threads", num);
	}
	sf_snprintf(num, sizeof(num), "%.12g", prm->gap > 0 ? prm->gap : 0.0);
	Cbc_setParameter(cm, "ratioGap", num);
	Cbc_setParameter(cm, "allowableGap", "1e-9");
	/*
	 * Stage 2: coefficient diving off. On every stage-2 model measured it
	 * ran for seconds after a plan within the gap was found, before CBC
	 * checked the gap; without it stage 2 ended 1.2-4.7 times sooner with
	 * the same plan (docs/benchmarks.md).
	 */
	if (prm->no_diving)
		Cbc_setParameter(cm, "DivingCoefficient", "off");
	/*
	 * Root only: no branching. CBC so stopped can report its incumbent as
	 * its best possible value (docs/model.md, "Month cost bounds"), so only
	 * "stopped on the gap" (optimal) is to be trusted from such a solve.
	 */
	if (prm->root_only)
		Cbc_setParameter(cm, "maxNodes", "0");
	if (prm->start != NULL && has_int)
		Cbc_setMIPStartI(cm, n, idx, prm->start);

	Cbc_solve(cm);

	int st = Cbc_status(cm), sec = Cbc_secondaryStatus(cm);
	const double *best = Cbc_bestSolution(cm);
	if (best != NULL) {
		memcpy(x, best, (size_t)n * sizeof(double));
		res->objective = 0;
		for (int j = 0; j < n; j++)
			res->objective += md->obj[j] * x[j];
		res->bound = Cbc_getBestPossibleObjValue(cm);
		if (st == 0 && (sec == 0 || sec == 1 || sec == -1)) {
			res->status = SF__SOLVE_OPTIMAL;
			res->bound = res->objective;
			res->gap = 0;
		} else {
			if (!isfinite(res->bound) || fabs(res->bound) > 1e40)
				res->bound = -HUGE_VAL;
			if (res->bound > res->objective)
				res->bound = res->objective;
			res->gap = sf__rel_gap(res->objective, res->bound);
			res->status = (st == 0 && sec == 2) ? SF__SOLVE_OPTIMAL : SF__SOLVE_STOPPED;
		}
	} else if (st == 0 && (Cbc_isProvenInfeasible(cm) || sec == 1)) {
		res->status = SF__SOLVE_INFEASIBLE;
	} else if (st == 1) {
		res->status = SF__SOLVE_NO_SOLUTION;
		res->bound = Cbc_getBestPossibleObjValue(cm);
	} else {
		res->status = SF__SOLVE_FAILED;
	}
out:
	if (cm != NULL)
		Cbc_deleteModel(cm);
	free(cstart);
	free(cfill);
	free(crow);
	free(cval);
	free(rlb);
	free(rub);
	free(ub);
	free(idx);
	return rc;
}
