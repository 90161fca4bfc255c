/*
 * solver_glpk.c - the GLPK backend of solver.h: the only file that
 * includes <glpk.h>.
 *
 * GLPK's arrays are 1-based; its cuts are off by default (all four are
 * turned on here: Gomory, MIR, cover, clique); its terminal output is
 * turned off; and a GLPK error calls abort() unless an error hook is
 * installed, so glp_error_hook() gets a hook that longjmps back here,
 * after which glp_free_env() reclaims everything GLPK allocated (the
 * problem object included).
 *
 * The MIP presolver is on, except when a MIP start is given: GLPK's
 * heuristic callback works on the problem the search sees, which after
 * presolve is no longer ours, so with a start the LP relaxation is solved
 * first (glp_simplex) and the start is offered through glp_ios_heur_sol()
 * on the first GLP_IHEUR call. The best bound is tracked in the callback
 * (glp_ios_best_node / glp_ios_node_bound) because glp_intopt does not
 * return it.
 */
#include "base/internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>

#include "plan/solver.h"

typedef struct cb_state {
	const double *start; /* 1-based copy of the MIP start, or NULL */
	int offered;
	int root_only; /* stop when the root needs branching (prm->root_only) */
	double bound;  /* best bound seen, -HUGE_VAL if none */
} cb_state;

static void callback(glp_tree *tree, void *info)
{
	cb_state *cs = info;
	int best;

	switch (glp_ios_reason(tree)) {
	case GLP_IHEUR:
		if (cs->start != NULL && !cs->offered) {
			cs->offered = 1;
			glp_ios_heur_sol(tree, cs->start);
		}
		break;
	default:
		break;
	}
	best = glp_ios_best_node(tree);
	if (best != 0)
		cs->bound = glp_ios_node_bound(tree, best);
	/* The root is done (cuts included) and needs branching: its bound stands. */
	if (cs->root_only && glp_ios_reason(tree) == GLP_IBRANCH)
		glp_ios_terminate(tree);
}

static void error_hook(void *info)
{
	longjmp(*(jmp_buf *)info, 1);
}

typedef struct glpk_job {
	const sf__model *md;
	const sf__solve_params *prm;
	sf__solve_result *res;
	double *x;
	int *ia, *ja;
	double *ar;
	double *start1;  /* 1-based MIP start or NULL */
	int no_presolve; /* retry without the MIP presolver */
} glpk_job;

/* Swallow every line GLPK would print (errors included: we report our own). */
static int term_hook(void *info, const char *s)
{
	(void)info;
	(void)s;
	return 1;
}

/* Everything that calls GLPK; a GLPK error longjmps out of it. */
static void run(glpk_job *jb)
{
	const sf__model *md = jb->md;
	const sf__solve_params *prm = jb->prm;
	sf__solve_result *res = jb->res;
	const int n = md->ncols, r = md->nrows;
	glp_prob *lp;
	glp_iocp parm;
	cb_state cs;
	int has_int = 0, ret, st;

	memset(&cs, 0, sizeof(cs));
	cs.bound = -HUGE_VAL;
	cs.root_only = prm->root_only;
	glp_term_out(GLP_OFF);
	lp = glp_create_prob();
	glp_set_obj_dir(lp, GLP_MIN);
	glp_add_rows(lp, r > 0 ? r : 1);
	if (r == 0)
		glp_set_row_bnds(lp, 1, GLP_FR, 0, 0);
	glp_add_cols(lp, n);
	for (int i = 0; i < r; i++) {
		int type = md->sense[i] == 'L' ? GLP_UP : md->sense[i] == 'G' ? GLP_LO : GLP_FX;
		glp_set_row_bnds(lp, i + 1, type, md->rhs[i], md->rhs[i]);
	}
	for (int j = 0; j < n; j++) {
		int type =
		        isfinite(md->ub[j]) ? (md->ub[j] == md->lb[j] ? GLP_FX : GLP_DB) : GLP_LO;
		glp_set_col_bnds(lp, j + 1, type, md->lb[j], isfinite(md->ub[j]) ? md->ub[j] : 0);
		glp_set_obj_coef(lp, j + 1, md->obj[j]);
		if (md->is_int[j]) {
			glp_set_col_kind(lp, j + 1, GLP_IV);
			has_int = 1;
		}
	}
	for (int i = 0; i < r; i++)
		for (int e = md->rstart[i]; e < md->rstart[i + 1]; e++) {
			jb->ia[e + 1] = i + 1;
			jb->ja[e + 1] = md->rind[e] + 1;
			jb->ar[e + 1] = md->rval[e];
		}
	glp_load_matrix(lp, md->nnz, jb->ia, jb->ja, jb->ar);

	glp_init_iocp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.gmi_cuts = GLP_ON;
	parm.mir_cuts = GLP_ON;
	parm.cov_cuts = GLP_ON;
	parm.clq_cuts = GLP_ON;
	parm.mip_gap = prm->gap > 0 ? prm->gap : 0.0;
	if (prm->time_limit_s > 0) {
		double ms = prm->time_limit_s * 1000.0;
		parm.tm_lim = ms > 2e9 ? 2000000000 : (ms < 1 ? 1 : (int)ms);
	}
	parm.cb_func = callback;
	parm.cb_info = &cs;
	parm.presolve = GLP_ON;
	if ((jb->start1 != NULL || jb->no_presolve) && has_int) {
		glp_smcp sp;
		glp_init_smcp(&sp);
		sp.msg_lev = GLP_MSG_OFF;
		sp.presolve = GLP_ON;
		if (prm->time_limit_s > 0)
			sp.tm_lim = parm.tm_lim;
		ret = glp_simplex(lp, &sp);
		if (ret == 0 && glp_get_status(lp) == GLP_OPT) {
			cs.start = jb->start1;
			parm.presolve = GLP_OFF;
		} else if (ret == 0 && glp_get_status(lp) == GLP_NOFEAS) {
			res->status = SF__SOLVE_INFEASIBLE;
			glp_delete_prob(lp);
			return;
		} else if (jb->no_presolve) {
			res->status = ret == GLP_ETMLIM ? SF__SOLVE_NO_SOLUTION : SF__SOLVE_FAILED;
			glp_delete_prob(lp);
			return;
		}
		/* else: the relaxation did not solve; search with the presolver, cold */
	}

	if (has_int) {
		ret = glp_intopt(lp, &parm);
		st = glp_mip_status(lp);
	} else {
		glp_smcp sp;
		glp_init_smcp(&sp);
		sp.msg_lev = GLP_MSG_OFF;
		sp.presolve = GLP_ON;
		if (prm->time_limit_s > 0)
			sp.tm_lim = parm.tm_lim;
		ret = glp_simplex(lp, &sp);
		st = glp_get_status(lp);
		st = st == GLP_OPT ? GLP_OPT : st == GLP_NOFEAS ? GLP_NOFEAS : GLP_UNDEF;
	}

	if (st == GLP_OPT || st == GLP_FEAS) {
		res->objective = 0;
		for (int j = 0; j < n; j++) {
			jb->x[j] =
			        has_int ? glp_mip_col_val(lp, j + 1) : glp_get_col_prim(lp, j + 1);
			res->objective += md->obj[j] * jb->x[j];
		}
		if (st == GLP_OPT && ret == 0) {
			res->status = SF__SOLVE_OPTIMAL;
			res->bound = res->objective;
			res->gap = 0;
		} else {
			/* GLP_EMIPGAP: within the gap asked for; otherwise a limit stopped it. */
			res->status = ret == GLP_EMIPGAP ? SF__SOLVE_OPTIMAL : SF__SOLVE_STOPPED;
			res->bound = cs.bound > res->objective ? res->objective : cs.bound;
			res->gap = sf__rel_gap(res->objective, res->bound);
		}
	} else if (st == GLP_NOFEAS) {
		res->status = SF__SOLVE_INFEASIBLE;
	} else if (ret == GLP_ETMLIM || ret == GLP_ESTOP) {
		res->status = SF__SOLVE_NO_SOLUTION;
		res->bound = cs.bound;
	} else {
		res->status = SF__SOLVE_FAILED;
	}
	glp_delete_prob(lp);
}

const char *sf__glpk_version(void)
{
	return glp_version();
}

sf_status sf__solve_glpk(const sf__model *md, const sf__solve_params *prm, sf__solve_result *res,
                         double *x, sf_error *err)
{
	sf_status rc = SF_OK;
	glpk_job job;
	jmp_buf env;

	memset(res, 0, sizeof(*res));
	memset(&job, 0, sizeof(job));
	if (md->ncols == 0) {
		int infeasible = 0;
		for (int i = 0; i < md->nrows; i++) {
			double v = md->rhs[i];
			if ((md->sense[i] == 'L' && v < 0) || (md->sense[i] == 'G' && v > 0) ||
			    (md->sense[i] == 'E' && v != 0))
				infeasible = 1;
		}
		res->status = infeasible ? SF__SOLVE_INFEASIBLE : SF__SOLVE_OPTIMAL;
		return SF_OK;
	}
	job.md = md;
	job.prm = prm;
	job.res = res;
	job.x = x;
	job.ia = sf__mallocarray((size_t)md->nnz + 1, sizeof(int));
	job.ja = sf__mallocarray((size_t)md->nnz + 1, sizeof(int));
	job.ar = sf__mallocarray((size_t)md->nnz + 1, sizeof(double));
	if (prm->start != NULL) {
		job.start1 = sf__mallocarray((size_t)md->ncols + 1, sizeof(double));
		if (job.start1 != NULL) {
			job.start1[0] = 0;
			memcpy(job.start1 + 1, prm->start, (size_t)md->ncols * sizeof(double));
		}
	}
	if (job.ia == NULL || job.ja == NULL || job.ar == NULL ||
	    (prm->start != NULL && job.start1 == NULL)) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory loading the model into glpk");
		goto out;
	}
	/*
	 * GLPK 5.0's MIP presolver can fail on a problem it reduces to nothing
	 * ("glp_add_cols: ncs = 0"): a failure with the presolver on is
	 * retried once without it.
	 */
	for (int attempt = 0; attempt < 2; attempt++) {
		job.no_presolve = attempt;
		if (setjmp(env) == 0) {
			glp_error_hook(error_hook, &env);
			glp_term_hook(term_hook, NULL);
			run(&job);
			glp_error_hook(NULL, NULL);
			glp_term_hook(NULL, NULL);
		} else {
			/* GLPK failed: everything it allocated goes with its environment. */
			glp_error_hook(NULL, NULL);
			glp_free_env();
			res->status = SF__SOLVE_FAILED;
		}
		if (res->status != SF__SOLVE_FAILED || job.start1 != NULL)
			break;
		memset(res, 0, sizeof(*res));
	}
out:
	free(job.ia);
	free(job.ja);
	free(job.ar);
	free(job.start1);
	return rc;
}
