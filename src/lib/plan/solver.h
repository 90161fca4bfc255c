/*
 * solver.h - the one interface the planner uses to solve a model
 * (internal). Two backends implement it: solver_cbc.c (COIN-OR CBC, the
 * default) and solver_glpk.c (GLPK). Each is the only file that includes
 * its solver's header.
 *
 * One call loads a model, applies the limits (wall-clock seconds, relative
 * gap, threads), gives the solver an optional MIP start (a full column
 * vector, feasible), solves, and reads back the status, the objective of
 * the best solution, the best proven bound and the solution. The status is
 * honest: SF__SOLVE_OPTIMAL only when the solver proved it (to the gap
 * asked for); a stop on a limit with a solution is SF__SOLVE_STOPPED.
 */
#ifndef STABFORCE_SOLVER_H
#define STABFORCE_SOLVER_H

#include <math.h>

#include "base/tolerance.h"
#include "plan/model.h"
#include "stabforce/plan.h"

typedef enum sf__solve_status {
	SF__SOLVE_OPTIMAL = 0,     /* proven optimal, or within the requested gap */
	SF__SOLVE_STOPPED = 1,     /* a limit stopped the search; a solution exists */
	SF__SOLVE_INFEASIBLE = 2,  /* proven infeasible */
	SF__SOLVE_NO_SOLUTION = 3, /* a limit stopped the search before any solution */
	SF__SOLVE_FAILED = 4       /* the solver failed (numerics, internal error) */
} sf__solve_status;

typedef struct sf__solve_params {
	double time_limit_s; /* wall-clock seconds, <= 0 = none */
	double gap;          /* relative gap to stop at; 0 = prove optimality */
	int threads;         /* >= 1 */
	const double *start; /* optional [ncols] MIP start, NULL = none */
	int no_diving;       /* CBC: coefficient diving off (stage 2, docs/model.md) */
	int log;             /* 1: the solver's own log on stdout */
	int root_only;       /* stop after the root node (cuts included): GLPK for its
	                        bound; CBC (maxNodes 0) only to learn whether the root
	                        proves the gap, since its bound when stopped is not one */
} sf__solve_params;

typedef struct sf__solve_result {
	sf__solve_status status;
	double objective; /* of the best solution (when one exists) */
	double bound;     /* best proven lower bound */
	double gap;     /* |objective - bound| / max(|objective|, SF_GAP_DEN_MIN); 0 when proven */
	char note[160]; /* why there is no solution, when a child process says (stage.c) */
} sf__solve_result;

/* The solver library's own version string ("2.10.8", "5.0"), from the library itself. */
const char *sf__cbc_version(void);
const char *sf__glpk_version(void);

/*
 * Solve md. x (length md->ncols) receives the best solution when one
 * exists. Returns SF_OK whenever the solver ran (read res->status), an
 * error only when it could not be run at all.
 */
sf_status sf__solve_cbc(const sf__model *md, const sf__solve_params *prm, sf__solve_result *res,
                        double *x, sf_error *err);
sf_status sf__solve_glpk(const sf__model *md, const sf__solve_params *prm, sf__solve_result *res,
                         double *x, sf_error *err);

/* Dispatch on kind. */
sf_status sf__solve(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                    sf__solve_result *res, double *x, sf_error *err);

/*
 * The relative gap as reported everywhere: |objective - bound| over
 * max(|objective|, SF_GAP_DEN_MIN), 1 when either is not finite. Inline, so that the
 * backends depend on the dispatch (solver.c) and never the other way.
 */
static inline double sf__rel_gap(double objective, double bound)
{
	double d = fabs(objective - bound), den = fabs(objective);

	if (!isfinite(d))
		return 1.0;
	return d / (den > SF_GAP_DEN_MIN ? den : SF_GAP_DEN_MIN);
}

#endif
