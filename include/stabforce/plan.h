/*
 * plan.h - the planner: a scenario to an exact, two-stage force plan.
 *
 * sf_plan_solve() builds the model of docs/model.md and solves it:
 *   stage 1 minimises the weighted shortfall Z1; in format 1 no stage-1
 *           constraint links two months, so it is solved month by month,
 *           Z1* being the sum (format 2's tours and notice link the months:
 *           docs/model.md, "Format 2");
 *   stage 2 minimises cost Z2 (units, soft-veto penalties, arrivals) with
 *           Z1 <= Z1* + tolerance, over all months at once, to the relative
 *           gap asked for, started from the rolling start: the months
 *           planned for cost one after another, each keeping its stage-1
 *           shortfall (feasible for stage 2, so stage 2 always has a plan).
 * The result is a sf_plan: both stages' status, objective, gap and time, the
 * assignment rows, and everything derived from them (coverage, FOC,
 * build-up, cost, binding constraints).
 *
 * Status: a stage reports SF_SOLVE_OPTIMAL only when the solver proved
 * optimality (stage 2: within the requested gap, which it reports); a time
 * limit that stops a stage yields SF_SOLVE_FEASIBLE with the proven gap.
 * A time limit never makes the plan fail: a stage-1 month the limit stops
 * before it has a plan keeps the plan that sends nobody (always feasible,
 * since shortfall is allowed), and stage 2 keeps its start. A solver
 * failure without a time limit is SF_ERR_SOLVER; a model with no feasible
 * plan SF_ERR_INFEASIBLE. The library writes nothing to stdout or stderr:
 * progress goes to the options' callback.
 *
 * Memory: a plan holds a pointer to its scenario (not owned: keep the
 * scenario alive while the plan is used) and owns everything else;
 * sf_plan_free() releases it.
 */
#ifndef STABFORCE_PLAN_H
#define STABFORCE_PLAN_H

#include <stdio.h>

#include "buf.h"
#include "error.h"
#include "format.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_solver_kind { SF_SOLVER_CBC = 0, SF_SOLVER_GLPK = 1 } sf_solver_kind;

typedef enum sf_solve_status {
	SF_SOLVE_OPTIMAL = 0,    /* proven optimal (stage 2: within the gap asked for) */
	SF_SOLVE_FEASIBLE = 1,   /* a plan, stopped early (time limit), gap reported */
	SF_SOLVE_INFEASIBLE = 2, /* no plan exists */
	SF_SOLVE_ERROR = 3,      /* solver failure, or a limit hit before any plan */
	SF_SOLVE_NOT_RUN = 4     /* stage not run (stage1_only) */
} sf_solve_status;

/* "optimal", "feasible", "infeasible", "error", "not_run". */
const char *sf_solve_status_str(sf_solve_status s);

/* "CBC" or "GLPK", and the version the linked library reports ("2.10.8";
 * "" if it reports none): what the outputs say found the plan. */
const char *sf_solver_display_name(sf_solver_kind kind);
const char *sf_solver_version(sf_solver_kind kind);

typedef struct sf_plan_options {
	sf_solver_kind solver; /* default CBC */
	double time_limit_s;   /* wall-clock limit for the whole plan, 0 = none */
	double gap;            /* stage-2 relative gap, default 0.01 */
	/*
	 * Stage-1 relative gap, default 0: proven optimum. `--gap G` sets both
	 * gaps: stage 1 then stops once proven within G (status optimal, its
	 * gap > 0: "within G of the optimum", not proven optimal) and stage 2
	 * holds Z1 at that plan's value (docs/model.md, "Stage 1 to a gap").
	 */
	double stage1_gap;
	int threads;       /* solver threads, default 1 (deterministic) */
	int stage1_only;   /* 1: skip stage 2 (risk analysis); rows are stage 1's */
	int monolithic;    /* 1: stage 1 as one MILP over all months (bench peer) */
	int no_warm_start; /* 1: stage 2 started cold (bench peer) */
	/*
	 * Format 2: least change from this plan (`plan --baseline`, what-if,
	 * compare; docs/model.md). Matched to the scenario by pledge, location
	 * and task ids; NULL: none. Not owned.
	 */
	const struct sf_plan *baseline;
	/*
	 * Format 2: a plan whose units, presence and arrivals start stage 1
	 * (a MIP start, CBC and GLPK), matched like the baseline; used when
	 * stage 1 is one MILP and the plan satisfies it, else ignored (a
	 * progress line says which). The shopping list gives the plan of the
	 * pledges as they are to the model with requested units. It changes
	 * how soon a proof comes, never the optimum. NULL: none. Not owned.
	 */
	const struct sf_plan *start;
	/* Progress, may be NULL: called with one line of text (no newline)
	 * after stage-1 months (at most every 2 s) and at each step of stage
	 * 2. The library writes nothing to stdout or stderr itself. */
	void (*progress)(void *ctx, const char *line);
	void *progress_ctx;
	int solver_log; /* 1: the solver's own log on stdout (benchmarking) */
} sf_plan_options;

void sf_plan_options_init(sf_plan_options *o);

typedef struct sf_stage_result {
	sf_solve_status status;
	double objective; /* best plan found (Z1 or Z2) */
	double bound;     /* best proven bound */
	double gap;       /* relative gap proven, |obj-bound|/max(1e-9,|obj|); 0 if optimal */
	double seconds;   /* wall time */
} sf_stage_result;

/*
 * A stage's objective is a proven optimum when the solver says optimal and
 * the gap it proved is at most this: CBC's own optimality tolerances leave
 * gaps of 1e-6 on proven optima (a cost of 174 M off by at most a few
 * hundred), far below any figure the outputs show. Stage 2 stopped at the
 * gap asked for (--gap, default 1%) says "optimal" with a larger gap: its
 * cost is then within that gap of the optimum, not the optimum.
 */
#define SF_GAP_PROVEN 1e-4

/* 1 when the stage ran and its objective is a proven optimum (above). */
int sf_stage_proven(sf_solve_status status, double gap);

/*
 * How far a stage's figures can be trusted, in words every output uses:
 * "proven optimal"; "within 0.5% of the optimum" (optimal at the gap
 * asked for); "stopped by a limit at gap 3.1%" (3 significant digits); "no plan"
 * (error or infeasible); "not run". Returns buf.
 */
const char *sf_stage_proof_str(sf_solve_status status, double gap, char *buf, size_t n);

/* One assignment row: `units` units of a pledge at a location on a task in a month. */
typedef struct sf_assignment {
	int month;       /* 1..M */
	size_t pledge;   /* index */
	size_t location; /* sector index, or SF_MISSION(sc) */
	size_t task;     /* index */
	int units;       /* >= 1 */
} sf_assignment;

typedef struct sf_plan {
	const sf_scenario *scenario; /* not owned */
	sf_stage_result stage1, stage2;
	sf_solver_kind solver;

	sf_assignment *rows; /* sorted by month, pledge, location, task */
	size_t nrows;

	/* Coverage, indexed SF_COV(sc, task, loc, month): capability units. */
	double *required;
	double *provided;
	double *shortfall; /* max(0, required - provided) */
	double z1;         /* weighted shortfall of the rows (== stage1 objective) */

	int foc_month; /* first month from which every shortfall stays 0; 0 = never */

	/* Personnel inside sectors, [contributor * M + (month-1)]. */
	double *personnel_by_contributor;
	/* Personnel inside sectors per month, [month-1]. */
	double *personnel_in_sectors;
	/* Personnel at mission, per month, [month-1]. */
	double *personnel_at_mission;

	/* Cost of the rows (Z2 parts), money; format 2: planned months only. */
	double cost_units;  /* sum monthly_cost * units (format 2: * presence) */
	double cost_deploy; /* sum deploy_cost * arrivals (format 2: planned arrivals) */
	double cost_soft;   /* sum soft-veto penalty * person-months */
	double cost_total;  /* Z2: these three, plus cost_moves and cost_changes */

	/* Binding constraints (slack <= 1e-6 * max(1, rhs)). */
	unsigned char *ceiling_binds; /* [month-1] */
	unsigned char *share_binds;   /* [contributor * M + month-1] */
	unsigned char *cap_binds;     /* [contributor * M + month-1]; format 2: on presence */

	/*
	 * Time as force generation lives it (docs/model.md, "Format 2"), per
	 * pledge and month, [pledge * M + month-1]. Months before a0 are
	 * recorded (`deployed:`), the others planned. In a format-1 plan a0 is
	 * 1, presence is the units assigned, and arrivals and departures are
	 * its increases and decreases.
	 */
	int a0;          /* first planned month */
	int *presence;   /* units present, idle ones included */
	int *assigned;   /* units on some task (presence - assigned: idle) */
	int *arrivals;   /* units arriving (recorded ones included) */
	int *departures; /* units leaving: presence[m-1] + arrivals - presence[m] */
	int *reliefs;    /* min(arrivals, departures): reliefs in place */
	int *moves;      /* units changing location (the reserve counts as one), m >= a0 */
	int *retasks;    /* units changing task inside their location, m >= a0 */
	/* Reception, per month [month-1]: personnel arriving in the sectors
	 * (pledges that can enter one) and the scenario's capacity (HUGE_VAL:
	 * no limit). */
	double *reception_used;
	double *reception_cap;
	double cost_moves;   /* format 2: move_cost and retask_cost of the moves, m >= a0 */
	double cost_changes; /* least change: change_cost of the units differing from the baseline
	                      */
	int changed_units;   /* least change: unit-months differing from the baseline */
	/* Format 2, no wandering: the moves and changes of task proven minimal
	 * for the plan's presence (SF_SOLVE_OPTIMAL), or not proven (FEASIBLE),
	 * or not run (NOT_RUN: format 1, or stage 1 only). */
	sf_solve_status moves_status;

	double seconds; /* total wall time */
} sf_plan;

#define SF_COV(sc, t, l, m) ((((t)*SF_NLOC(sc)) + (l)) * (size_t)(sc)->months + (size_t)((m)-1))

/*
 * Plan a scenario. On SF_OK *out holds a plan whose stage statuses say how
 * exact it is. Any other return leaves *out NULL with err set.
 */
sf_status sf_plan_solve(const sf_scenario *sc, const sf_plan_options *opts, sf_plan **out,
                        sf_error *err);

/*
 * Build a plan from given assignment rows (copied), computing every derived
 * figure. Used by sf_plan_solve and by readers of saved plans; stage results
 * are left SF_SOLVE_NOT_RUN for the caller to fill.
 */
sf_status sf_plan_from_rows(const sf_scenario *sc, const sf_assignment *rows, size_t nrows,
                            sf_plan **out, sf_error *err);

/*
 * The same with the presence and arrivals of every pledge and month
 * ([pledge * M + month-1], recorded months included), which a format-2
 * plan needs: idle units are in no row. NULL presence (format 1, or a
 * format-2 plan saved without it) takes the units assigned as present and
 * their increases as arrivals.
 */
sf_status sf_plan_from_parts(const sf_scenario *sc, const sf_assignment *rows, size_t nrows,
                             const int *presence, const int *arrivals, sf_plan **out,
                             sf_error *err);

/*
 * A saved plan (the JSON of `plan --format json`) read back onto sc, the
 * baseline of least change (`plan --baseline`): rows and presence matched
 * by pledge, location and task id and by calendar month; rows naming what
 * sc does not have are left out, and *skipped (may be NULL) counts them.
 * Every figure is recomputed from the rows against sc. SF_ERR_INPUT (with
 * a position) when the text is not JSON or not a plan.
 */
sf_status sf_plan_read_json(const sf_scenario *sc, const char *text, size_t len, const char *name,
                            sf_plan **out, size_t *skipped, sf_error *err);

void sf_plan_free(sf_plan *p);

/*
 * What each contributor would be reimbursed under plan p, per month
 * (docs/model.md, "Reimbursement"): the scenario's troop rate times the
 * persons it has present (in the sectors and at mission, idle units
 * included: a deployed contingent is reimbursed whether tasked or not),
 * and each unit type's contingent-owned equipment rate times its units
 * present. Indexed [contributor * M + month-1], money.
 */
typedef struct sf_reimbursement {
	size_t ncontributors;
	int months;
	double *persons;   /* persons present */
	double *troops;    /* troop_rate x persons */
	double *equipment; /* sum of coe_monthly x units present */
	double total_troops, total_equipment;
} sf_reimbursement;
sf_status sf_plan_reimbursement(const sf_plan *p, sf_reimbursement *r, sf_error *err);
void sf_reimbursement_release(sf_reimbursement *r);
/* Contributor c's reimbursement over the whole plan (troops + equipment). */
double sf_reimbursement_total(const sf_reimbursement *r, size_t c);

/*
 * The force by parity category and calendar year (docs/model.md,
 * "Parity"): person-months present, those whose share of women is given
 * (the pledge's, else its unit type's), and the women among them; the
 * share of women is women / known. target: the Uniformed Gender Parity
 * Strategy's target share for that category and year, NAN where no
 * citable source gives it.
 */
typedef struct sf_parity_year {
	int year;
	int months; /* months of the plan in this year */
	double persons[SF_NCATEGORIES];
	double known[SF_NCATEGORIES];
	double women[SF_NCATEGORIES];
	double target[SF_NCATEGORIES];
} sf_parity_year;
typedef struct sf_parity {
	sf_parity_year *years;
	size_t nyears;
} sf_parity;
sf_status sf_plan_parity(const sf_plan *p, sf_parity *out, sf_error *err);
void sf_parity_release(sf_parity *q);
/* The strategy's target for category c in year y (0..1), NAN when not sourced. */
double sf_parity_target(sf_category c, int year);
/* Where the targets come from, and which were not found. */
extern const char sf_parity_targets_source[];

/* Output, documented in docs/output.md. */
sf_status sf_plan_write_text(const sf_plan *p, sf_buf *out, sf_error *err);
sf_status sf_plan_write_json(const sf_plan *p, sf_buf *out, sf_error *err);
sf_status sf_plan_write_csv(const sf_plan *p, sf_buf *out, sf_error *err);
/*
 * The plan's CSV tables (`plan --format csv --table NAME`): the assignment
 * rows (the default, what sf_plan_write_csv writes); format 2 also has
 * presence (per pledge and month: present, idle, arrivals, departures,
 * reliefs, moves, changes of task) and reception (per month: personnel
 * arriving in the sectors against the capacity). SF_ERR_USAGE for
 * presence or reception of a format-1 plan.
 */
typedef enum sf_plan_table {
	SF_PLAN_TABLE_ASSIGNMENTS = 0,
	SF_PLAN_TABLE_PRESENCE = 1,
	SF_PLAN_TABLE_RECEPTION = 2,
	SF_PLAN_TABLE_REIMBURSEMENT = 3, /* per contributor and month, both formats */
	SF_PLAN_TABLE_PARITY = 4,        /* per year and category, both formats */
	SF_PLAN_TABLE_IDLE = 5           /* the idle pledges, both formats */
} sf_plan_table;
/* "assignments", "presence", "reception", "reimbursement", "parity", "idle"
 * to the table; -1 for anything else. */
int sf_plan_table_parse(const char *name, sf_plan_table *out);
sf_status sf_plan_write_csv_table(const sf_plan *p, sf_plan_table table, sf_buf *out,
                                  sf_error *err);
/* The text summary's sections as markdown tables (reports; `plan --format md`). */
sf_status sf_plan_write_markdown(const sf_plan *p, sf_buf *out, sf_error *err);
/* One of the four by format (text, json, csv, md); SF_ERR_USAGE for geojson. */
sf_status sf_plan_write(const sf_plan *p, sf_format fmt, sf_buf *out, sf_error *err);

typedef enum sf_model_format { SF_MODEL_LP = 0, SF_MODEL_MPS = 1 } sf_model_format;

/*
 * Write the model (stage 1 over all months, the form any other solver can
 * take) to path. stage 2 when stage == 2 (needs Z1*, so it plans stage 1
 * first).
 */
sf_status sf_model_export(const sf_scenario *sc, int stage, sf_model_format fmt, const char *path,
                          sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
