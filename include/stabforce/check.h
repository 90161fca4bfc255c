/*
 * check.h - independent verification of a plan (stabforce check-plan).
 *
 * sf_check_plan() reads a plan in the JSON of docs/output.md and checks it
 * against its scenario: every constraint of the model (pledge size, the
 * existence rules of x — availability, capability, scope, caveats, hard
 * vetoes, sector opening — coverage, ceiling, national caps, share cap),
 * and it recomputes both objectives (Z1 from the rows' shortfall, Z2 from
 * costs, soft-veto penalties and arrivals) and compares them with what the
 * plan reports. It uses the scenario reader and nothing of the model
 * builder: requirements, coverage and costs are recomputed here from the
 * rows alone, so a bug in the builder cannot hide itself.
 */
#ifndef STABFORCE_CHECK_H
#define STABFORCE_CHECK_H

#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "format.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_violation {
	long row;      /* 0-based index into `assignments`, -1 when not one row */
	int month;     /* 1..M, 0 when not one month */
	char what[64]; /* constraint name: "pledge_size", "ceiling", ... */
	char message[SF_ERROR_MESSAGE_MAX];
} sf_violation;

typedef struct sf_check_report {
	sf_violation *items; /* owned */
	size_t count, cap;
	size_t nrows;       /* assignment rows read */
	double z1;          /* recomputed weighted shortfall */
	double z2;          /* recomputed cost */
	double z1_reported; /* as the plan says (stage1.objective) */
	double z2_reported; /* as the plan says (stage2.objective), NAN if absent */
	int foc_month;      /* recomputed, 0 = never */
} sf_check_report;

void sf_check_report_init(sf_check_report *r);
void sf_check_report_release(sf_check_report *r);

/*
 * Check the plan JSON in text (len bytes; name is used in messages).
 * Returns SF_OK when the plan satisfies everything, SF_ERR_CHECK when it
 * read the plan and found violations (listed in r), SF_ERR_INPUT when the
 * JSON is not a plan.
 */
sf_status sf_check_plan(const sf_scenario *sc, const char *text, size_t len, const char *name,
                        sf_check_report *r, sf_error *err);

/* A readable report, one line per violation. */
sf_status sf_check_report_write_text(const sf_check_report *r, sf_buf *out, sf_error *err);

/*
 * The output of `check-plan` for the plan called name (docs/output.md):
 * text, one line "NAME: ok: ..." or one "NAME: constraint: ..." per
 * violation; json, one object with the recomputed figures and the
 * violations. Other formats are SF_ERR_USAGE.
 */
sf_status sf_check_report_write(const sf_check_report *r, const sf_scenario *sc, const char *name,
                                sf_format fmt, sf_buf *out, sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
