/*
 * stage.h - helpers the planner's stages share (internal; stage.c).
 *
 * A units array is dense, [((p * nloc + l) * ntasks + t) * M + (m-1)]: the
 * integer units of pledge p at location l on task t in month m.
 */
#ifndef STABFORCE_STAGE_H
#define STABFORCE_STAGE_H

#include "plan/model.h"
#include "plan/solver.h"
#include "stabforce/plan.h"

/* "cbc" or "glpk", for messages. */
const char *sf__solver_name(sf_solver_kind k);

/* The X columns of a solution vector, rounded, into a units array. */
void sf__take_units(const sf__model *md, const double *x, int *units);

/* The non-zero units as assignment rows (malloc'ed, in units order). */
sf_status sf__units_to_rows(const sf_scenario *sc, const int *units, sf_assignment **rows,
                            size_t *nrows, sf_error *err);

/* Weighted shortfall of month m of the plan held in units (exact: max(0, R - K x)). */
double sf__units_z1_month(const sf_scenario *sc, const int *units, int m);

/*
 * Solve in a forked child that sends back its result, killed at deadline +
 * grace; a killed or failed child gives SF__SOLVE_NO_SOLUTION (see stage.c).
 */
sf_status sf__solve_bounded(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                            double deadline, sf__solve_result *res, double *x, sf_error *err);

/* Seconds left until deadline (sf__now() clock). */
double sf__remaining(double deadline);

/* 1 when two models are the same MILP (every array and tag but the month). */
int sf__same_model(const sf__model *a, const sf__model *b);

/*
 * An unproven stage 1 (SF_SOLVE_FEASIBLE) takes the Z1 of the plan that
 * stage 2 delivered, and the gap to its bound; a proven one is unchanged.
 */
void sf__stage1_from_plan(sf_stage_result *s1, double plan_z1);

#endif
