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

/* Report progress: one line (no newline), formatted, to o->progress when set. */
void sf__progress(const sf_plan_options *o, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* What a solver status means, for messages ("stopped before any plan"). */
const char *sf__solve_status_name(sf__solve_status s);

/* The X columns of a solution vector, rounded, into a units array. */
void sf__take_units(const sf__model *md, const double *x, int *units);

/* The non-zero units as assignment rows (malloc'ed, in units order). */
sf_status sf__units_to_rows(const sf_scenario *sc, const int *units, sf_assignment **rows,
                            size_t *nrows, sf_error *err);

/* Weighted shortfall of month m of the plan held in units (exact: max(0, R - K x)). */
double sf__units_z1_month(const sf_scenario *sc, const int *units, int m);

/*
 * A time-limited solve may overrun its limit by this much before it is
 * killed: SF__KILL_GRACE_S plus SF__KILL_GRACE_SHARE of the solve's own
 * limit. CBC checks its limit only between phases and usually stops within
 * a fraction of a second of it; a kill loses the solve's best plan, so the
 * grace is not zero. It is also the most by which a time-limited command
 * can overrun its --time-limit in any one solve (docs/model.md).
 */
#define SF__KILL_GRACE_S 0.2
#define SF__KILL_GRACE_SHARE 0.05

/* When a solve whose limit ends at deadline is killed. */
double sf__kill_time(double deadline, const sf__solve_params *prm);

/*
 * Solve in a child process (base/proc.c) that sends back its result,
 * killed at sf__kill_time(deadline, prm): a killed child gives
 * SF__SOLVE_NO_SOLUTION, one that crashed or failed SF__SOLVE_FAILED, with
 * the cause in res->note (see stage.c). An error only when out of memory.
 */
sf_status sf__solve_bounded(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                            double deadline, sf__solve_result *res, double *x, sf_error *err);

/*
 * 1 when x satisfies every bound, integrality and row of md (within
 * SF_TOL_FEASIBILITY, relative to the row's right-hand side when it is
 * larger than 1): the check that a fallback plan is one.
 */
int sf__model_satisfied(const sf__model *md, const double *x);

/*
 * A time-limited solve that ends with a plan whenever `fallback` is one.
 * md is solved in a child (sf__solve_bounded) for `budget` seconds (none
 * when budget <= 0). If that gives no plan (no budget, killed at the
 * deadline, a crash, or "infeasible" from CBC's interrupted
 * preprocessing) and fallback satisfies md, x becomes fallback and res a
 * stopped solve whose bound is what the solver proved, or 0 (objectives
 * are never negative), and *fell_back is 1; res->note keeps why. If the
 * fallback does not satisfy md, res keeps the solve's status for the
 * caller to report. An error only when out of memory.
 */
sf_status sf__solve_limited(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                            double budget, const double *fallback, sf__solve_result *res, double *x,
                            int *fell_back, sf_error *err);

/* What stage 2's searches did (sf__solve_stage2). */
typedef struct sf__stage2_info {
	int glpk_ran;                 /* the GLPK search from the start ran */
	sf__solve_status glpk_status; /* its status, when it ran */
	double glpk_gap;              /* its gap (1 without a plan) */
	double glpk_seconds;          /* its wall time */
	int from_glpk;                /* the plan returned is GLPK's */
} sf__stage2_info;

/*
 * Stage 2's solve: under a time limit (a finite deadline), CBC and a
 * start, a GLPK search from the same start first (a share of the time
 * left), then, unless it proved the gap, CBC from the better plan; the
 * best plan against the best bound (stage.c). Otherwise one search. With a
 * finite deadline each search runs in a forked child (sf__solve_bounded).
 * o (may be NULL): where the progress line about the GLPK search goes.
 */
sf_status sf__solve_stage2(sf_solver_kind kind, const sf__model *md, const sf__solve_params *prm,
                           double deadline, const sf_plan_options *o, sf__solve_result *res,
                           double *x, sf__stage2_info *info, sf_error *err);

/*
 * The result of two searches of the same model, g (GLPK) and c (CBC): the
 * plan with the lower objective, its bound the higher of the two proven
 * bounds, its gap recomputed, optimal when that gap is within gap; no plan
 * from either: c's status (g's when c failed) with the higher bound.
 * Returns 1 when the plan is g's.
 */
int sf__stage2_combine(const sf__solve_result *g, const sf__solve_result *c, double gap,
                       sf__solve_result *res);

/* Seconds left until deadline (sf__now() clock). */
double sf__remaining(double deadline);

/* 1 when two models are the same MILP (every array and tag but the month). */
int sf__same_model(const sf__model *a, const sf__model *b);

/*
 * An unproven stage 1 (SF_SOLVE_FEASIBLE) takes the Z1 of the plan that
 * stage 2 delivered, and the gap to its bound; a proven one is unchanged.
 */
void sf__stage1_from_plan(sf_stage_result *s1, double plan_z1);

/*
 * The status of a stage whose plan has relative gap `gap` to its proven
 * bound, `stopped` when a limit stopped a solve of it, `asked` the gap
 * asked for (--gap; 0 none): optimal unless stopped outside what was
 * asked (docs/model.md, "Stage 1 to a gap"). Stopped within the gap asked
 * for is what the gap asks, as when the solver stops at it itself.
 */
sf_solve_status sf__stage_status(int stopped, double gap, double asked);

#endif
