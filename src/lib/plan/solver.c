/*
 * solver.c - the choice of solver backend (solver.h).
 *
 * The dispatch calls the backends (solver_cbc.c, solver_glpk.c); they
 * depend on nothing here and never on each other, and each is the only
 * file that includes its solver's header.
 */
#include "base/internal.h"

#include "plan/solver.h"

const char *sf_solver_version(sf_solver_kind kind)
{
	const char *v = kind == SF_SOLVER_GLPK ? sf__glpk_version() : sf__cbc_version();
	return v ? v : "";
}

const char *sf_solver_display_name(sf_solver_kind kind)
{
	return kind == SF_SOLVER_GLPK ? "GLPK" : "CBC";
}

sf_status sf__solve(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                    sf__solve_result *res, double *x, sf_error *err)
{
	if (kind == SF_SOLVER_GLPK)
		return sf__solve_glpk(md, prm, res, x, err);
	return sf__solve_cbc(md, prm, res, x, err);
}
