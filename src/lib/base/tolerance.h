/*
 * tolerance.h - the library's numeric tolerances, each with its reason
 * (internal). Every comparison of floating-point figures that needs
 * slack takes it from here, so that one number means one thing
 * everywhere and a change is made once.
 *
 * Two kinds of slack are needed, a thousand times apart:
 *   - the slack of a solver's answer (SF_TOL_FEASIBILITY and what follows
 *     from it): CBC and GLPK accept a row or bound violated by up to 1e-7
 *     by default (CLP's primal tolerance, GLPK's tol_bnd); 1e-6 covers
 *     that with a margin;
 *   - float noise in arithmetic on exact data (SF_TOL_ROUNDING): figures
 *     of the format have a few decimals (SF_MIN_CAPABILITY is 1e-3), and
 *     a few operations on doubles leave errors near 1e-15; 1e-9 lies far
 *     from both.
 * A relative tolerance is taken against max(1, |v|) (sf__tol_rel), so it
 * is absolute near zero.
 */
#ifndef STABFORCE_TOLERANCE_H
#define STABFORCE_TOLERANCE_H

#include <math.h>

/* A row or bound of a solved model, or of a plan checked against the
 * scenario, may be off by this much (relative): the solvers' primal
 * feasibility tolerance (1e-7) with a margin. Also the slack under which a
 * row is reported as binding. */
#define SF_TOL_FEASIBILITY 1e-6

/* A shortfall (weighted personnel) counts only above this: it is
 * recomputed from integer units, so what lies below is float noise, and a
 * millionth of a person is no person. */
#define SF_TOL_SHORTFALL 1e-6

/* Stage 2 keeps Z1 <= Z1* + max(SF_TOL_Z1 |Z1*|, SF_TOL_Z1)
 * (docs/model.md): room for the solver's feasibility tolerance over the
 * shortfall rows, too little to trade any real shortfall for cost. */
#define SF_TOL_Z1 1e-6

/* Float noise in arithmetic on exact data: a quotient within this of an
 * integer is that integer (floor(a / b + SF_TOL_ROUNDING)), a value within
 * it (relative) of another is the same. */
#define SF_TOL_ROUNDING 1e-9

/* The floor of the denominator of a relative gap,
 * |objective - bound| / max(|objective|, SF_GAP_DEN_MIN): a zero objective
 * gives an absolute gap rather than a division by zero. */
#define SF_GAP_DEN_MIN 1e-9

/* tol relative to max(1, |v|). */
static inline double sf__tol_rel(double tol, double v)
{
	return tol * fmax(1, fabs(v));
}

#endif
