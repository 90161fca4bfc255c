/*
 * svg.h - the briefing's pictures, drawn as SVG by hand: the force
 * build-up, the coverage heat maps and the sector map (output/svg.c).
 *
 * Each function appends one <svg> element with role="img", an aria-label
 * and a <title> saying what it shows; the same figures are in the tables
 * that follow them in the briefing. Colour: one neutral sequential scale
 * for quantities (sf__seq_colour) and, for the contributors of the
 * build-up, a fixed categorical palette in scenario order that stands for
 * no party (sf__palette). The register's charts (incidents per week by
 * sector, aid per day against the commitment) are in output/svg_register.c
 * and use the neutral scale and greys only.
 */
#ifndef STABFORCE_SVG_H
#define STABFORCE_SVG_H

#include <stddef.h>

#include "scenario/geo.h"
#include "stabforce/buf.h"
#include "stabforce/error.h"
#include "stabforce/plan.h"
#include "stabforce/register.h"

/* Colour i of the categorical palette ("#rrggbb"), cycling. */
const char *sf__palette(size_t i);
/* The sequential scale at t (clamped to [0,1]) as "#rrggbb" in buf[8]. */
void sf__seq_colour(double t, char buf[8]);

/* Share of the requirement not covered, weighted by task weight, for
 * sector s (or every location when s is (size_t)-1) in month m (0: all
 * months) and task t (or every task when t is (size_t)-1). -1 when
 * nothing is required there. */
double sf__short_share(const sf_plan *p, size_t t, size_t s, int m);

/* Personnel in sectors by contributor and month: stacked bars, the
 * ceiling as a dashed line, a legend. */
sf_status sf__svg_buildup(const sf_plan *p, sf_buf *out, sf_error *err);
/* Tasks (rows) by month (columns), shaded by the share not covered; each
 * cell says the percentage covered. */
sf_status sf__svg_heat_tasks(const sf_plan *p, sf_buf *out, sf_error *err);
/* Sectors (rows) by month, the same, over every task weighted. */
sf_status sf__svg_heat_sectors(const sf_plan *p, sf_buf *out, sf_error *err);
/* The sector polygons of g, each shaded by its share not covered over
 * the mandate and labelled (a polygon with no sector of the scenario is
 * drawn white). */
sf_status sf__svg_map(const sf_plan *p, const sf__geo *g, sf_buf *out, sf_error *err);

/* s escaped for XML text and attributes. */
sf_status sf__svg_esc(sf_buf *b, const char *s);
/* A round step for an axis from 0 to max with about n ticks. */
double sf__svg_nice_step(double max, int n);

/* The register's pictures (output/svg_register.c). */

/* Weeks before the first shown that the trailing mean needs. */
#define SF__LEAD_WEEKS 4

/* Incidents per week (Monday to Sunday) for each of nrows rows (sectors):
 * counts[r * (SF__LEAD_WEEKS + nweeks) + k], k = 0 the week
 * SF__LEAD_WEEKS weeks before first_monday. */
typedef struct sf__week_grid {
	size_t nrows;
	const char *const *labels; /* nrows names */
	int nweeks;                /* weeks shown */
	long first_monday;         /* day number of the first week shown */
	const long *counts;
} sf__week_grid;

/* One panel per row on a shared scale: a bar per week, and over it a
 * dash at the mean of the 4 weeks before that one. */
sf_status sf__svg_incident_weeks(const sf__week_grid *g, sf_buf *out, sf_error *err);
/* Trucks per day at r->stage (a bar per day with a figure), the 7-day
 * mean as a line, the commitment as a dashed line. */
sf_status sf__svg_aid_days(const sf_aid_report *r, sf_buf *out, sf_error *err);
/* Aid trucks per day, one line per series (source and stage) over all
 * crossings, broken where a series has no figure, with the reference
 * dotted and the commitment dashed over its days. */
sf_status sf__svg_aid_sources(const sf_aid_sources *r, sf_buf *out, sf_error *err);

#endif
