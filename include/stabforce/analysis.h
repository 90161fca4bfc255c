/*
 * analysis.h - pricing the politics: what each veto, caveat and contributor
 * is worth, what to ask nations for, how likely the force is complete, and
 * what-if editing and plan comparison.
 *
 * Every analysis is a set of independent plans of edited copies of one
 * scenario (sf_scenario_clone + one edit + sf_plan_solve, the planner's own
 * code path). CBC is not reentrant, so the plans are solved in forked worker
 * processes (sf_analysis_options.jobs of them); each result is stored by
 * case index, so every figure and every output is the same whatever the
 * number of workers. A worker that dies is reported as SF_ERR_WORKER naming
 * the case.
 *
 * The definitions (what a "case" is, how impact is sorted, how the shopping
 * list attributes the shortfall it removes, what risk calls "absent") are
 * written down in docs/model.md, "Analyses as implemented"; the JSON and
 * CSV of each result in docs/output.md.
 *
 * Memory: every result owns its memory and holds a pointer to the scenario
 * it was computed from (not owned: keep the scenario alive while the result
 * is used); the matching _free() releases it.
 */
#ifndef STABFORCE_ANALYSIS_H
#define STABFORCE_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "format.h"
#include "plan.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_analysis_options {
	sf_plan_options plan; /* passed to every solve (solver, time limit, gap) */
	int jobs;             /* worker processes; <= 0: the number of online cores */
	/* Shopping, format 2: the notice of requested units in days (their first
	 * month is that of as_of + notice); < 0: the scenario's RDL notice. */
	int request_notice_days;
	/* Called in the calling process after each solve; may be NULL. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* When the whole analysis must end (a monotonic clock's seconds, set by
	 * sf_analysis_time_limit); 0 = no limit. limit_s: the seconds given. */
	double deadline, limit_s;
	/* Internal to the analyses: plans still to solve after the current
	 * batch (a baseline solved before its cases), for the share of each. */
	size_t plans_after;
} sf_analysis_options;

void sf_analysis_options_init(sf_analysis_options *o);

/*
 * A wall-clock limit of seconds for the whole analysis, from now: each plan
 * it solves gets an equal share of what remains when it starts (what
 * remains over the rounds of cases still to start, cases / workers),
 * never more than plan.time_limit_s when that is set. A case that would
 * start after the limit fails the analysis with "time limit of N s
 * reached" (SF_ERR_SOLVER). seconds <= 0: no limit.
 */
void sf_analysis_time_limit(sf_analysis_options *o, double seconds);

/* ------------------------------------------------------------------ */
/* The figures of one plan that the analyses compare.                  */

typedef struct sf_outcome {
	sf_solve_status stage1, stage2;
	double gap1, gap2;      /* the gaps the two stages proved (sf_stage_proven) */
	double z1;              /* weighted shortfall */
	double cost;            /* Z2: units + arrivals + soft-veto penalties, money */
	int foc_month;          /* full operational capability, 1..M; 0 = never */
	double personnel_pm;    /* in-sector personnel summed over the months, person-months */
	double mission_pm;      /* personnel at `mission` (outside the sectors), person-months */
	double reimbursed;      /* what the contributors would be reimbursed, money (troops and
	                           equipment; sf_plan_reimbursement) */
	double *task_shortfall; /* [ntasks] capability-unit-months short, all locations and months
	                         */
} sf_outcome;

/*
 * Whether the outcome's figures rest on proven optima: the weighted
 * shortfall, FOC and task shortfall on stage 1; the cost and personnel on
 * both stages.
 */
int sf_outcome_z1_proven(const sf_outcome *o);
int sf_outcome_cost_proven(const sf_outcome *o);

/* Fill o from a plan (o->task_shortfall malloc'd); sf_outcome_release frees it. */
sf_status sf_outcome_from_plan(const sf_plan *p, sf_outcome *o, sf_error *err);
void sf_outcome_release(sf_outcome *o);

/* ------------------------------------------------------------------ */
/* Price of vetoes, caveats, contributors                               */

typedef enum sf_pricing_kind {
	SF_PRICING_VETOES = 0,      /* each hard veto lifted; each soft veto made hard; each
	                             * condition that forbids something lifted */
	SF_PRICING_CAVEATS = 1,     /* each task or location caveat of each pledge lifted */
	SF_PRICING_CONTRIBUTORS = 2 /* each contributor removed (criticality) */
} sf_pricing_kind;

typedef enum sf_case_kind {
	SF_CASE_LIFT_VETO = 0,        /* index: veto */
	SF_CASE_HARDEN_VETO = 1,      /* index: veto (a soft one) */
	SF_CASE_LIFT_TASK_CAVEAT = 2, /* index: pledge */
	SF_CASE_LIFT_LOC_CAVEAT = 3,  /* index: pledge */
	SF_CASE_DROP_CONTRIBUTOR = 4, /* index: contributor */
	SF_CASE_LIFT_CONDITION = 5    /* index: condition (format 2; in the vetoes analysis) */
} sf_case_kind;

/* "lift_veto", "harden_veto", "lift_task_caveat", "lift_location_caveat", "drop_contributor",
 * "lift_condition". */
const char *sf_case_kind_str(sf_case_kind k);

typedef struct sf_price {
	sf_case_kind kind;
	size_t index;          /* veto, pledge, contributor or condition, per kind */
	char label[160];       /* "ISR:TUR", "IDN-1", "IDN", "ISR:no-north-early" */
	char detail[256];      /* vetoed sectors ("all"), the caveat ("only mission"), a name */
	sf_outcome outcome;    /* the plan with this one change */
	double used_pm;        /* SF_CASE_HARDEN_VETO: person-months the baseline plan places
	                          under the soft veto; 0 otherwise */
	double d_z1;           /* outcome - baseline: weighted shortfall */
	double d_cost;         /* money */
	double d_personnel_pm; /* person-months in sectors */
	double d_mission_pm;   /* person-months at mission */
	int d_foc;             /* FOC month change, never counted as M+1 (+ = later) */
	double *d_task;        /* [ntasks] capability-unit-months */
} sf_price;

typedef struct sf_pricing {
	const sf_scenario *scenario; /* not owned */
	sf_pricing_kind kind;
	sf_outcome baseline; /* the scenario as it is */
	sf_price *rows;      /* by kind (lift/drop before harden), then impact */
	size_t nrows;
	int jobs;       /* workers used */
	double seconds; /* wall time */
} sf_pricing;

/*
 * Plan the baseline and every case (in workers), and sort the cases by
 * impact: |d_z1| descending, then the change of FOC month (never counted
 * as M+1) descending, then |d_cost| descending, then file order.
 */
sf_status sf_pricing_run(const sf_scenario *sc, sf_pricing_kind kind,
                         const sf_analysis_options *opts, sf_pricing **out, sf_error *err);
/*
 * Several analyses in one run (`stabforce price`): one baseline and one
 * pool of workers for all their cases, the longest expected first, so two
 * workers stay busy to the end. out[k] is what sf_pricing_run(kinds[k])
 * gives, exactly; on failure every out[k] is NULL.
 */
sf_status sf_pricing_run_many(const sf_scenario *sc, const sf_pricing_kind *kinds, size_t nkinds,
                              const sf_analysis_options *opts, sf_pricing **out, sf_error *err);
void sf_pricing_free(sf_pricing *p);
sf_status sf_pricing_write(const sf_pricing *p, sf_format fmt, sf_buf *out, sf_error *err);
/*
 * Several analyses of one sf_pricing_run_many: text and Markdown give the
 * baseline once, then each analysis's tables; JSON an object with one
 * member per analysis ("vetoes", "caveats", "critical"), each the document
 * sf_pricing_write gives; CSV one table, the baseline row once, then every
 * analysis's rows (the kind column tells them apart).
 */
sf_status sf_pricing_write_many(const sf_pricing *const *ps, size_t n, sf_format fmt, sf_buf *out,
                                sf_error *err);

/* ------------------------------------------------------------------ */
/* Shopping list                                                        */

typedef struct sf_request {
	size_t unit;              /* unit type index */
	int count;                /* units asked for */
	int from, to;             /* months 1..M, inclusive */
	unsigned char *locations; /* [nsectors+1]: 1 where these units serve */
	unsigned char *tasks;     /* [ntasks]: 1 for the tasks they serve */
	double personnel;         /* count * personnel of the unit type */
	double z1_removed;        /* this line's share of the weighted shortfall removed */
} sf_request;

typedef struct sf_shopping {
	const sf_scenario *scenario; /* not owned */
	sf_outcome real;             /* the plan with the pledges as they are */
	sf_outcome with_requests;    /* the plan with the requested units (costed at real prices) */
	double z1_removed;           /* real.z1 - with_requests.z1 */
	sf_request *lines;           /* by unit type (file order), then from, then count */
	size_t nlines;
	/* Format 2 (0 in format 1): the notice requests were given, in days, and
	 * the first month a requested unit can be there. */
	int notice_days;
	int first_month;
	int jobs;
	double seconds;
} sf_shopping;

sf_status sf_shopping_run(const sf_scenario *sc, const sf_analysis_options *opts, sf_shopping **out,
                          sf_error *err);
void sf_shopping_free(sf_shopping *s);
sf_status sf_shopping_write(const sf_shopping *s, sf_format fmt, sf_buf *out, sf_error *err);

/* ------------------------------------------------------------------ */
/* Risk (Monte Carlo over pledge confidence and delay)                  */

/* An estimate and its 95 % confidence interval (docs/model.md, "Risk"). */
typedef struct sf_interval {
	double est, lo, hi;
} sf_interval;

#define SF_RISK_LEVEL 0.95 /* the confidence level of every interval risk prints */

/* Where a contributor stands in the ranking, and why. */
typedef enum sf_risk_class {
	SF_RISK_RANKED = 0,      /* its effect's interval excludes zero */
	SF_RISK_UNCLEAR = 1,     /* not distinguishable from zero at this many samples */
	SF_RISK_NO_EFFECT = 2,   /* its absence changes no sample's shortfall */
	SF_RISK_UNUSABLE = 3,    /* its units can do no task anywhere (caveats, conditions,
	                            months): never solved */
	SF_RISK_VETOED = 4,      /* no effect, and a hard veto covers it in every sector */
	SF_RISK_NOT_IN_FORCE = 5 /* no active pledge (withdrawn, or none): not sampled */
} sf_risk_class;

const char *sf_risk_class_str(sf_risk_class k);

/*
 * One contributor, by common random numbers: on every sample's draw the
 * force is planned twice more, with the contributor's pledges all
 * materialising ("present"; their drawn delays kept) and with none of them
 * ("absent"), everything else as drawn. "Short" means a weighted shortfall
 * above short_above (by default the all-pledges plan's, plain_z1).
 */
typedef struct sf_risk_contributor {
	size_t contributor;          /* index */
	sf_risk_class klass;         /* ranked, or left out and why */
	int rank;                    /* 1.. among the ranked, 0 otherwise */
	size_t absent;               /* samples in whose draw none of its pledges materialised */
	sf_interval z1_absent;       /* mean weighted shortfall without it (t interval) */
	sf_interval z1_present;      /* ... with its pledges materialising */
	sf_interval d_z1;            /* the paired difference absent - present (paired t) */
	sf_interval p_short_absent;  /* P(short) without it (Wilson) */
	sf_interval p_short_present; /* P(short) with it (Wilson) */
	sf_interval d_p_short;       /* the paired difference (paired t on the indicators) */
	size_t solves;               /* re-solves its pairs took (the others were reused) */
	size_t not_proven;           /* its re-solves not proven optimal */
} sf_risk_contributor;

typedef struct sf_risk {
	const sf_scenario *scenario; /* not owned */
	size_t samples;
	uint64_t seed;
	double level;    /* SF_RISK_LEVEL */
	double plain_z1; /* stage 1 of the scenario with every pledge as given */
	int plain_foc;
	sf_solve_status plain_stage1; /* its status, and the gap it proved */
	double plain_gap1;
	double *z1;              /* [samples] weighted shortfall per sample */
	int *foc;                /* [samples] FOC month per sample, 0 = never */
	sf_solve_status *stage1; /* [samples] each sample's stage-1 status ... */
	double *gap1;            /* [samples] ... and gap */
	size_t not_proven;       /* samples whose stage 1 is not a proven optimum (a limit):
	                            their shortfall is the best found, at least the optimum */
	sf_interval z1_mean;     /* expected weighted shortfall (t interval) */
	double z1_p10, z1_p50, z1_p90, z1_min, z1_max; /* of the samples (no interval) */
	sf_interval p_complete;                        /* P(FOC reached in some month) (Wilson) */
	sf_interval p_short; /* P(short): shortfall above short_above (Wilson) */
	double short_above;  /* the threshold of "short": plain_z1 unless given */
	int short_above_given;
	double *p_foc_by; /* [M]: P(FOC month <= m), index m-1 */
	double p_foc_never;
	double *p_short_tm;     /* [ntasks * M]: P(task t short somewhere in month m), t*M + m-1 */
	double p_any_short;     /* P(some task short in some month) */
	double month_halfwidth; /* the largest 95 % Wilson half-width in the month table */
	sf_risk_contributor *contributors; /* the ranked by d_z1 descending, then the unclear,
	                                      then the left out (every contributor once) */
	size_t ncontributors;
	size_t nranked, nunclear;
	int pairs;          /* 0: --no-pairs, no contributor figures (ncontributors 0) */
	size_t solves;      /* stage-1 solves in all (plain plan, samples, pairs) */
	double precision;   /* the --precision asked for (0: none) ... */
	double precision_p; /* ... and --precision-p */
	size_t max_samples; /* the cap that applied */
	int precision_met;  /* 1: every targeted interval is narrower than asked */
	size_t batches;     /* worker-pool runs it took */
	int jobs;
	double seconds;
} sf_risk;

typedef struct sf_risk_options {
	size_t samples;     /* a fixed number; with a precision, the first batch (default 200,
	                       100 with a precision) */
	uint64_t seed;      /* default 1 */
	double precision;   /* > 0: sample in batches until every interval in shortfall units
	                       (expected shortfall, each contributor's) is narrower */
	double precision_p; /* > 0: ... and every probability's interval */
	size_t max_samples; /* the cap with a precision (default SF_RISK_MAX_SAMPLES) */
	int no_pairs;       /* 1: the samples only, no contributor planned with and without
	                       (cost: 1 solve a sample instead of about 1 + contributors) */
	double short_above; /* "short": a weighted shortfall above this; < 0 (default): the
	                       plan's with every pledge as given */
} sf_risk_options;

#define SF_RISK_MAX_SAMPLES 10000

void sf_risk_options_init(sf_risk_options *o);

/*
 * Solve stage 1 for each sample's draw, and the contributors' pairs on
 * it. Sample i draws from its own stream, seeded from (seed, i) with
 * splitmix64, so the result is the same whatever the number of workers,
 * and a run that stops at n samples under a precision gives the figures
 * of a run with n samples.
 */
sf_status sf_risk_run_opts(const sf_scenario *sc, const sf_risk_options *ro,
                           const sf_analysis_options *opts, sf_risk **out, sf_error *err);
sf_status sf_risk_run(const sf_scenario *sc, size_t samples, uint64_t seed,
                      const sf_analysis_options *opts, sf_risk **out, sf_error *err);
void sf_risk_free(sf_risk *r);
sf_status sf_risk_write(const sf_risk *r, sf_format fmt, sf_buf *out, sf_error *err);

/*
 * The draw of sample i (exposed for tests and the dashboard): present[p] = 1
 * when pledge p is in the sample's force (it materialises and its delayed
 * first month is not past its last), from[p] its (possibly delayed) first
 * month, materialised[p] (when not NULL) = 1 when its confidence draw
 * succeeds, whatever the delay. Each array has npledges elements.
 */
void sf_risk_draw(const sf_scenario *sc, uint64_t seed, size_t sample, unsigned char *present,
                  int *from, unsigned char *materialised);

/* ------------------------------------------------------------------ */
/* Offers: what a contributing nation could offer                       */

typedef enum sf_offer_rank {
	SF_OFFER_RANK_PERSONNEL = 0, /* weighted shortfall removed per 1,000 personnel */
	SF_OFFER_RANK_COST = 1,      /* ... per million of cost */
	/* The change in the plan's cost (stage 2) per weighted shortfall
	 * removed, least first: both stages planned for every candidate. */
	SF_OFFER_RANK_PLAN_COST = 2
} sf_offer_rank;

/* "personnel", "cost" or "plan-cost". */
const char *sf_offer_rank_str(sf_offer_rank r);

typedef struct sf_offers_options {
	const char *contributor; /* id: an existing contributor, or the new one's */
	const char *new_name;    /* not NULL: a new contributor (id contributor) with this name */
	double budget;           /* > 0: offers costing more (used in full) are left out */
	int max_count;           /* counts 1..max_count of each unit type (default 3) */
	int max_starts;          /* start months per unit type (default 3) */
	sf_offer_rank rank;      /* default SF_OFFER_RANK_PERSONNEL */
} sf_offers_options;

void sf_offers_options_init(sf_offers_options *o);

typedef struct sf_offer {
	size_t unit;               /* unit type index */
	int count, from, to;       /* units, months 1..M */
	int caveats;               /* 0: none; k > 0: those of sf_offers.caveat_pledges[k - 1] */
	size_t order;              /* candidate order (the last tie-break) */
	double personnel;          /* count * the unit type's personnel */
	double cost;               /* count * (deploy_cost + monthly_cost * months): money */
	sf_outcome outcome;        /* stage 1 of the scenario with the offer (and stage 2
	                              with SF_OFFER_RANK_PLAN_COST) */
	double z1_removed;         /* baseline.z1 - outcome.z1, >= 0 */
	double per_1000_personnel; /* z1_removed per 1,000 personnel */
	double per_million;        /* z1_removed per 1e6 of cost; NAN when cost is 0 */
	/* SF_OFFER_RANK_PLAN_COST only, else NAN: outcome.cost - baseline.cost
	 * (the plan's stage-2 cost with the offer minus without), and that per
	 * weighted shortfall removed (NAN when nothing is removed). */
	double d_plan_cost;
	double plan_cost_per_removed;
} sf_offer;

typedef struct sf_offers {
	const sf_scenario *scenario; /* offered to: the caller's, or `owned` for a new one */
	sf_scenario *owned;          /* the clone with the new contributor, else NULL */
	size_t contributor;          /* index in scenario */
	int is_new;
	/*
	 * The caveat variants besides none: for each distinct caveat (task and
	 * location sets) the first pledge carrying it; of the contributor's own
	 * pledges, or of every pledge in the scenario for a new contributor.
	 */
	size_t *caveat_pledges;
	size_t ncaveats;
	sf_offers_options opts;
	sf_outcome baseline; /* stage 1 without an offer */
	sf_offer *offers;    /* ranked, best first */
	size_t noffers;
	size_t over_budget; /* candidates left out by the budget */
	size_t after_plan;  /* unit types left out: the notice ends after the plan */
	/* candidates left out: the stakeholders' conditions forbid every
	 * location, task and month they could otherwise serve */
	size_t forbidden;
	int notice_days; /* format 2: the offers' notice (0 in format 1) */
	int jobs;
	double seconds;
} sf_offers;

/*
 * Plan the scenario without an offer and with each candidate offer of
 * oo->contributor (docs/model.md, "Offers"), stage 1 in workers, and rank
 * them. The notice of format 2 is opts->request_notice_days (< 0: the
 * scenario's RDL notice).
 */
sf_status sf_offers_run(const sf_scenario *sc, const sf_offers_options *oo,
                        const sf_analysis_options *opts, sf_offers **out, sf_error *err);
void sf_offers_free(sf_offers *o);
sf_status sf_offers_write(const sf_offers *o, sf_format fmt, sf_buf *out, sf_error *err);

/* ------------------------------------------------------------------ */
/* What-if editing                                                      */

typedef enum sf_edit_kind {
	SF_EDIT_LIFT_VETO = 0,   /* "STAKEHOLDER:CONTRIBUTOR": every such veto lifted */
	SF_EDIT_ADD_VETO = 1,    /* "STAKEHOLDER:CONTRIBUTOR[:hard|soft[:PENALTY]]", all sectors */
	SF_EDIT_DROP = 2,        /* "CONTRIBUTOR": removed with its pledges */
	SF_EDIT_ADD_PLEDGE = 3,  /* "CONTRIBUTOR:UNIT:COUNT:FROM[:TO]" (months 1..M or YYYY-MM) */
	SF_EDIT_SET_PLEDGE = 4,  /* "PLEDGE:count=N,from=M,to=M" (any of the three) */
	SF_EDIT_CEILING = 5,     /* "PERSONNEL": the troop ceiling */
	SF_EDIT_LIFT_CAVEAT = 6, /* "PLEDGE[:tasks|locations]": caveats lifted (both by default) */
	SF_EDIT_NEW_CONTRIBUTOR = 7, /* "ID[:NAME]": a contributor not in the file, no pledge */
	SF_EDIT_LIFT_CONDITION = 8   /* "CONDITION" or "STAKEHOLDER" (all its conditions):
	                                lifted (format 2's stakeholder conditions) */
} sf_edit_kind;

typedef struct sf_edit {
	sf_edit_kind kind;
	const char *arg;
} sf_edit;

/* The option name of an edit kind ("lift-veto", "add-veto", "drop", ...). */
const char *sf_edit_kind_str(sf_edit_kind k);

/* Apply one edit to sc in place; SF_ERR_USAGE with a clear message when it does not apply. */
sf_status sf_scenario_edit(sf_scenario *sc, const sf_edit *e, sf_error *err);

/* A clone of base with the edits applied in order. */
sf_status sf_whatif_scenario(const sf_scenario *base, const sf_edit *edits, size_t nedits,
                             sf_scenario **out, sf_error *err);

/*
 * Plan a and b (both stages), in two workers when opts->jobs allows.
 * *pa and *pb refer to a and b. When b is format 2, b is planned after a,
 * with least change from a's plan (docs/model.md): a what-if or the second
 * file of a comparison moves only what the difference requires.
 */
sf_status sf_plan_pair(const sf_scenario *a, const sf_scenario *b, const sf_analysis_options *opts,
                       sf_plan **pa, sf_plan **pb, sf_error *err);

/* ------------------------------------------------------------------ */
/* Comparison of two plans                                              */

typedef struct sf_compare_cov {
	const char *task;        /* id (points into a scenario) */
	const char *location;    /* sector id or "mission" */
	double short_a, short_b; /* capability-unit-months short over the months */
} sf_compare_cov;

typedef struct sf_compare_contrib {
	const char *contributor;
	double pm_a, pm_b;           /* in-sector person-months */
	double mission_a, mission_b; /* person-months at `mission` */
	double reimb_a, reimb_b;     /* reimbursement over the plan, money */
} sf_compare_contrib;

typedef struct sf_compare_assign {
	const char *pledge, *contributor, *unit, *location, *task;
	double um_a, um_b;   /* unit-months */
	int first_a, last_a; /* months used in a, 0 when none */
	int first_b, last_b;
} sf_compare_assign;

/*
 * A pledge whose units differ between the two plans (per month, the units
 * in another state: another location or task, the reserve, or absent; the
 * least-change count of docs/model.md), and why.
 */
typedef struct sf_compare_moved {
	const char *pledge, *contributor, *unit;
	int unit_months;     /* unit-months in another state */
	int first, last;     /* first and last month that differ (b's months) */
	char from[160];      /* the pledge's units in a in the first such month */
	char to[160];        /* and in b */
	const char *cause;   /* why: an edit, or a difference of the files */
	char cause_buf[320]; /* storage for cause when it is made up */
	double charge;       /* least-change charge: unit_months x its unit type's change_cost */
	/*
	 * What-if only (sf_whatif_explain): 1 when no edit names the pledge or
	 * its contributor and the charge fits in the stage-2 costs the two
	 * plans left unproven (docs/model.md, "Least change in what-if and
	 * compare"): the move may be an improvement the unproven base plan
	 * missed, or the what-if's own slack, and is not shown to be the edit's.
	 */
	int within_gaps;
} sf_compare_moved;

typedef struct sf_comparison {
	const sf_plan *a, *b; /* not owned */
	sf_outcome oa, ob;
	sf_compare_cov *cov; /* every task/location of either, only where shortfall differs */
	size_t ncov;
	sf_compare_contrib *contrib; /* every contributor whose person-months differ */
	size_t ncontrib;
	sf_compare_assign *assign; /* every (pledge, location, task) whose unit-months differ */
	size_t nassign;
	sf_compare_moved *moved; /* every pledge whose units differ, in b's pledge order */
	size_t nmoved;
} sf_comparison;

/* Compare two plans; tasks, locations, contributors and pledges are matched by id. */
sf_status sf_plan_compare(const sf_plan *a, const sf_plan *b, sf_comparison **out, sf_error *err);
void sf_comparison_free(sf_comparison *c);
/* names: how a and b are called in the output ("baseline", "what-if"; file names). */
sf_status sf_comparison_write(const sf_comparison *c, const char *name_a, const char *name_b,
                              sf_format fmt, sf_buf *out, sf_error *err);

/*
 * `whatif`: the edited scenario's plan and its comparison with the
 * baseline (cmp->a the baseline, cmp->b the what-if plan). text and md:
 * the plan (as `plan` prints it) then the comparison; json: {"edits",
 * "plan", "comparison"}; csv: the comparison.
 */
/*
 * Why each pledge of cmp->moved moved, for a what-if of base with edits:
 * the edit that names the pledge or its contributor; otherwise, with one
 * edit, that edit; with several, the first edit after which the pledge
 * differs from the baseline when the edits are applied one by one (each
 * prefix planned with least change from the baseline, in workers).
 */
sf_status sf_whatif_explain(sf_comparison *cmp, const sf_scenario *base, const sf_edit *edits,
                            size_t nedits, const sf_analysis_options *opts, sf_error *err);

sf_status sf_whatif_write(const sf_comparison *cmp, const sf_edit *edits, size_t nedits,
                          sf_format fmt, sf_buf *out, sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
