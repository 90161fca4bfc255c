/*
 * cmd_plan.c - `stabforce plan SCENARIO.yaml`: plan the force.
 *
 * Loads the scenario (every problem reported with file:line:col), solves
 * the two-stage model with sf_plan_solve() and writes the plan as a text
 * summary (default), JSON, CSV or markdown (docs/output.md), to stdout or
 * atomically to --output. --json, --csv and --md FILE write those formats
 * of the same plan as well (one solve, several files: what the demo and
 * any report script want). Nothing is written when planning fails.
 *
 * Exit status: 0 a plan was produced (its stage statuses say whether it
 * is proven optimal or stopped early), 2 invalid scenario or usage, 3 the
 * solver failed or found no plan, 4 I/O.
 *
 * --monolithic and --cold-stage2 are hidden: they switch to the benchmark
 * peers (stage 1 as one MILP; stage 2 without the MIP start).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"

static const char *const CMD = "plan";

/* The plan in one of the formats (CSV: the table asked for), appended to out. */
static sf_status render(const sf_plan *plan, int fmt, sf_plan_table table, sf_buf *out,
                        sf_error *err)
{
	switch (fmt) {
	case SF_FORMAT_JSON:
		return sf_plan_write_json(plan, out, err);
	case SF_FORMAT_CSV:
		return sf_plan_write_csv_table(plan, table, out, err);
	case SF_FORMAT_MD:
		return sf_plan_write_markdown(plan, out, err);
	default:
		return sf_plan_write_text(plan, out, err);
	}
}

/*
 * --baseline: a saved plan read onto the scenario (least change, format 2
 * only); what it names that the scenario does not have is left out, with
 * a note on stderr. Returns the exit status (0 on success).
 */
static int read_baseline(const sf_scenario *sc, const char *path, sf_plan **out)
{
	sf_error err;
	size_t len = 0, skipped = 0;
	char *text = NULL;
	int rc = 0;

	sf_error_clear(&err);
	if (sc->format < 2) {
		fprintf(stderr,
		        "stabforce %s: --baseline needs a format-2 scenario (least change is "
		        "format 2; stabforce upgrade writes one)\n",
		        CMD);
		return 2;
	}
	rc = sf_cli_read_file(CMD, path, SF_MAX_PLAN_BYTES, "a plan", &text, &len);
	if (rc != 0)
		return rc;
	if (sf_plan_read_json(sc, text, len, path, out, &skipped, &err) != SF_OK)
		rc = sf_cli_error(CMD, &err);
	else if (skipped)
		fprintf(stderr,
		        "stabforce %s: %s: %zu row%s name a pledge, location, task or month "
		        "this scenario does not have: left out of the baseline\n",
		        CMD, path, skipped, skipped == 1 ? "" : "s");
	free(text);
	return rc;
}

static const char ABOUT[] =
        "Compute the optimal force plan: stage 1 minimises the weighted shortfall\n"
        "(month by month, each month proven optimal), stage 2 the cost with the\n"
        "shortfall held at its optimum. Reports both stages' status and gap,\n"
        "the assignments, coverage, build-up, FOC month, cost and binding\n"
        "constraints (docs/model.md, docs/output.md).";

static const char TAIL[] =
        "exit status: 0 plan produced, 2 invalid scenario or usage, 3 solver failure\n"
        "or no plan, 4 I/O error";

/* --table: the CSV's table (sf_plan_table). */
static int opt_table(const sf_opt *o, const char *arg, const char *cmd)
{
	if (sf_plan_table_parse(arg, o->target) != 0) {
		fprintf(stderr,
		        "stabforce %s: unknown table '%s' (assignments, reimbursement, parity, "
		        "idle, presence or reception)\n",
		        cmd, arg);
		return 2;
	}
	return 0;
}

/* The planner's progress: one line on stderr. */
static void progress_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

int sf_cmd_plan(int argc, char **argv)
{
	sf_plan_options o;
	int fmt = SF_FORMAT_TEXT, quiet = 0, first = 0, rc = 0;
	double gap = -1; /* --gap: both stages'; < 0 when not given */
	const char *output = NULL, *db = NULL, *baseline_path = NULL;
	sf_plan *baseline = NULL;
	sf_plan_table table = SF_PLAN_TABLE_ASSIGNMENTS;
	/* --json, --csv, --md: extra[i] is the file for extra_fmt[i]. */
	static const int extra_fmt[3] = {SF_FORMAT_JSON, SF_FORMAT_CSV, SF_FORMAT_MD};
	const char *extra[3] = {NULL, NULL, NULL};
	sf_scenario *sc = NULL;
	sf_plan *plan = NULL;
	sf_error err;
	sf_buf bufs[4]; /* the output in --format, then --json, --csv, --md */
	const char *paths[4];
	size_t nout = 0;
	sf_status st;

	sf_plan_options_init(&o);
	sf_error_clear(&err);
	for (size_t i = 0; i < 4; i++)
		sf_buf_init(&bufs[i], 0);

	const sf_opt opts[] = {
	        SF_OPT_FORMAT(&fmt, "text (default), json, csv (assignment rows) or md",
	                      SF_OPT_FMT_TABLE),
	        SF_OPT_OUTPUT_FILE(&output),
	        SF_OPT_ALSO("json", &extra[0], "also write the plan's JSON to FILE"),
	        SF_OPT_ALSO("csv", &extra[1], "also write the assignment rows (CSV) to FILE"),
	        SF_OPT_CB(0, "table", "NAME", &table,
	                  "the CSV's table: assignments (default),\n"
	                  "reimbursement (per contributor and month),\n"
	                  "parity (women per year and category), idle\n"
	                  "(the idle pledges); format 2 also presence (per\n"
	                  "pledge and month: present, idle, arrivals,\n"
	                  "departures, reliefs) or reception (per month:\n"
	                  "personnel arriving, capacity)",
	                  opt_table, NULL, 0),
	        SF_OPT_ALSO("md", &extra[2],
	                    "also write the markdown summary to FILE; each\n"
	                    "from the same solve, atomically"),
	        SF_OPT_SOLVER(&o.solver),
	        SF_OPT_TIME_LIMIT(&o.time_limit_s,
	                          "wall-clock limit for the whole plan (default none);\n"
	                          "a stage stopped with a plan reports 'feasible' and\n"
	                          "its proven gap"),
	        SF_OPT_GAP(&gap, "relative gap of both stages: stage 1 stops once\n"
	                         "proven within it, stage 2 holds that Z1 (default:\n"
	                         "stage 1 proven optimal, stage 2 0.01)"),
	        SF_OPT_NUM('j', "threads", "N", &o.threads,
	                   "solver threads (default 1, deterministic)", 1, 64, "threads"),
	        SF_OPT_STR(0, "baseline", "PLAN", &baseline_path,
	                   "format 2: least change from PLAN (a plan's JSON);\n"
	                   "a unit-month that differs costs change_cost"),
	        SF_OPT_QUIET(&quiet, "no progress lines on stderr"),
	        SF_OPT_DB(&db, "the register to take inputs from (threat:\n"
	                       "from_register, from_aid) instead of the\n"
	                       "scenario's register.db"),
	        /* the benchmark peers: stage 1 as one MILP; stage 2 without the MIP start */
	        {.long_name = "monolithic",
	         .kind = SF_OPTK_FLAG,
	         .target = &o.monolithic,
	         .flags = SF_OPT_HIDDEN},
	        {.long_name = "cold-stage2",
	         .kind = SF_OPTK_FLAG,
	         .target = &o.no_warm_start,
	         .flags = SF_OPT_HIDDEN},
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {"plan", "[OPTIONS] SCENARIO.yaml", ABOUT, opts, TAIL};

	rc = sf_opt_parse(&spec, argc, argv, &first);
	if (rc >= 0)
		return rc;
	if (gap >= 0)
		o.gap = o.stage1_gap = gap;
	if (first + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", CMD);
		sf_opt_usage(&spec, stderr);
		return 2;
	}
	rc = 0;
	if (!quiet && isatty(STDERR_FILENO))
		o.progress = progress_line;
	/* STABFORCE_SOLVER_LOG=1 shows the solver's own log on stdout (benchmarking). */
	o.solver_log =
	        getenv("STABFORCE_SOLVER_LOG") && strcmp(getenv("STABFORCE_SOLVER_LOG"), "1") == 0;

	rc = sf_cli_load_scenario_for_planning(CMD, argv[first], db, &sc);
	if (rc != 0)
		goto out;
	if ((table == SF_PLAN_TABLE_PRESENCE || table == SF_PLAN_TABLE_RECEPTION) &&
	    sc->format < 2) {
		fprintf(stderr,
		        "stabforce %s: --table presence and reception need a format-2 scenario "
		        "(stabforce upgrade writes one)\n",
		        CMD);
		rc = 2;
		goto out;
	}
	if (baseline_path) {
		rc = read_baseline(sc, baseline_path, &baseline);
		if (rc != 0)
			goto out;
		o.baseline = baseline;
	}
	st = sf_plan_solve(sc, &o, &plan, &err);
	if (st != SF_OK) {
		rc = sf_cli_error(CMD, &err);
		goto out;
	}
	/* Every output is rendered first, then all are written or none. */
	st = render(plan, fmt, table, &bufs[0], &err);
	paths[0] = output;
	nout = 1;
	for (size_t i = 0; i < 3 && st == SF_OK; i++) {
		if (!extra[i])
			continue;
		st = render(plan, extra_fmt[i], table, &bufs[nout], &err);
		paths[nout++] = extra[i];
	}
	if (st != SF_OK) {
		rc = sf_cli_error(CMD, &err);
		goto out;
	}
	rc = sf_cli_write_outputs(CMD, paths, bufs, nout);
out:
	for (size_t i = 0; i < 4; i++)
		sf_buf_release(&bufs[i]);
	sf_plan_free(plan);
	sf_plan_free(baseline);
	sf_scenario_free(sc);
	return rc;
}
