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

#endif
