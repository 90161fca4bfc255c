/*
 * bounds.h - the checks across numbers of a scenario (bounds.c), for the
 * schema walk, which reports each at its place in the file (internal).
 * The public side is sf_scenario_check_numbers() in scenario.h.
 */
#ifndef STABFORCE_BOUNDS_H
#define STABFORCE_BOUNDS_H

#include <stddef.h>

#include "stabforce/scenario.h"

/*
 * Call report for each problem with the position and key path of the
 * object at fault and the message; report returns 1 to stop. Returns the
 * number of problems seen.
 */
typedef int (*sf__number_report)(void *ctx, sf_srcpos pos, const char *path, const char *msg);
size_t sf__check_numbers(const sf_scenario *sc, sf__number_report report, void *ctx);

#endif
