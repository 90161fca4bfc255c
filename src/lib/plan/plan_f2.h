/*
 * plan_f2.h - the two stages of a format-2 scenario (internal;
 * plan_f2.c). sf_plan_solve() hands a format-2 scenario here with its
 * options already normalised (threads >= 1, a gap).
 */
#ifndef STABFORCE_PLAN_F2_H
#define STABFORCE_PLAN_F2_H

#include "stabforce/plan.h"

sf_status sf__plan_solve_f2(const sf_scenario *sc, const sf_plan_options *o, sf_plan **out,
                            sf_error *err);

/*
 * The month-after-month stage-1 plan of a format-2 scenario (the start of
 * the one MILP over linked months under a time limit; plan_f2.c), with
 * `budget` seconds: its Z1 in *z1, and *ok 1 when it is a plan of the
 * whole stage-1 model (0: none was built). For the tests.
 */
sf_status sf__f2_stage1_in_turn(const sf_scenario *sc, const sf_plan_options *o, double budget,
                                double *z1, int *ok, sf_error *err);

#endif
