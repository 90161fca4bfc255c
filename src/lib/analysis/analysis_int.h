/*
 * analysis_int.h - what the analysis modules (pricing.c, shopping.c,
 * risk.c, compare.c) share: planning many scenarios in workers
 * (engine.c), and small output helpers so that every analysis prints
 * numbers the same way (format.c).
 */
#ifndef STABFORCE_ANALYSIS_INT_H
#define STABFORCE_ANALYSIS_INT_H

#include "stabforce/analysis.h"
#include "stabforce/json.h"
#include "base/workers.h"

/*
 * Plan n scenarios (both stages unless opts->plan.stage1_only) in worker
 * processes: each worker runs sf_plan_solve and sends back the stage
 * results and the assignment rows; the plan is rebuilt here with
 * sf_plan_from_rows on the same scenario, so plans[i] is the plan
 * sf_plan_solve(scs[i]) gives in-process. names[i] (may be NULL) names
 * case i in messages. per_case, when not NULL, gives each case its own plan
 * options instead of opts->plan. weight, when not NULL, estimates each
 * case's solve time (any unit): the cases are handed to the workers
 * heaviest first, so that no worker is left alone on a long case at the
 * end; the results do not depend on it. On failure every plans[i] is NULL.
 */
sf_status sf__plan_many(const sf_scenario *const *scs, const char *const *names, size_t n,
                        const sf_analysis_options *opts, const sf_plan_options *per_case,
                        const double *weight, sf_plan **plans, sf_error *err);

/* Workers to use for opts (jobs, or the number of cores). */
int sf__analysis_jobs(const sf_analysis_options *opts);

/*
 * Under an analysis' deadline (sf_analysis_time_limit), cap po's time
 * limit at the case's share of what remains: the time left over the rounds
 * of `left` plans of this batch still to start (this one included) on
 * nworkers workers, plus the rounds of the `after` plans that start only
 * once the batch is done (plans_after: shopping's plan with requests, the
 * candidates of offers). Those never share a round with the batch: counted
 * in it, the first plan of shopping under a job's limit took all of the
 * time on two workers and the second failed with nothing left.
 * SF_ERR_SOLVER "time limit of N s reached" when nothing remains. No
 * deadline (0): po is left alone.
 */
sf_status sf__case_limit(double deadline, double limit_s, size_t left, size_t after, int nworkers,
                         sf_plan_options *po, sf_error *err);

/* x rounded to 1e-6 (and -0 made 0), so outputs do not show float noise. */
double sf__r6(double x);

/* "YYYY-MM" of month m, or "never" for 0. */
const char *sf__month_or_never(const sf_scenario *sc, int m, char *buf, size_t n);

/*
 * JSON pieces, written into w under key (NULL in an array): a number
 * rounded by sf__r6; a month (index, or null for 0); its label (or null);
 * the scenario {"name", "path", "as_of", "start", "months"}; an outcome
 * (stage statuses, figures, task shortfall keyed by task id).
 */
void sf__json_r6(sf_json_writer *w, const char *key, double x);
void sf__json_month(sf_json_writer *w, const char *key, int m);
void sf__json_month_label(sf_json_writer *w, const char *key, const sf_scenario *sc, int m);
/* An array under key of the words (sf_pledge_status_word) of SF_PLEDGE_* flags. */
void sf__json_pledge_status(sf_json_writer *w, const char *key, unsigned flags);
void sf__json_scenario(sf_json_writer *w, const char *key, const sf_scenario *sc);
void sf__json_outcome(sf_json_writer *w, const char *key, const sf_scenario *sc,
                      const sf_outcome *o);
/* The outcome's members into the object open in w. */
void sf__json_outcome_members(sf_json_writer *w, const sf_scenario *sc, const sf_outcome *o);

/* The comparison's JSON document (sf_comparison_write) as the value of key in w. */
void sf__comparison_json(sf_json_writer *w, const char *key, const sf_comparison *c, const char *na,
                         const char *nb);

/*
 * The outcome's proof in words, for a baseline line or a heading: "proven
 * optimal", or which stage is not proven and why. Returns buf.
 */
const char *sf__outcome_proof(const sf_outcome *o, char *buf, size_t n);
/* The same in a table cell: "proven", "limit", "cost within gap", ... */
const char *sf__outcome_proof_short(const sf_outcome *o);
/*
 * The legend of the "*" that text and markdown put next to a figure that
 * does not rest on a proven optimum; nothing when no figure has one.
 */
sf_status sf__unproven_legend(int any, sf_format fmt, sf_buf *out);

/* Write a table as text (heading line, then the table) or markdown (### heading). */
/*
 * The shopping list's request model (shopping.c): sc with virtual unit
 * types, contributors and pledges added (requests with notice_days of
 * notice); real_prices: cost them as the real types, else the request
 * prices of docs/shopping.md. The first virtual type and pledge go to
 * *first_unit and *first_pledge.
 */
sf_status sf__shop_virtual(sf_scenario *sc, int real_prices, int notice_days, size_t *first_unit,
                           size_t *first_pledge, sf_error *err);

sf_status sf__table_section(const sf_table *t, const char *heading, sf_format fmt, sf_buf *out,
                            sf_error *err);

#endif
