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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

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

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce plan [OPTIONS] SCENARIO.yaml\n"
	           "\n"
	           "Compute the optimal force plan: stage 1 minimises the weighted shortfall\n"
	           "(month by month, each month proven optimal), stage 2 the cost with the\n"
	           "shortfall held at its optimum. Reports both stages' status and gap,\n"
	           "the assignments, coverage, build-up, FOC month, cost and binding\n"
	           "constraints (docs/model.md, docs/output.md).\n"
	           "\n"
	           "options:\n"
	           "  -f, --format FMT      text (default), json, csv (assignment rows) or md\n"
	           "  -o, --output FILE     write there (atomically) instead of stdout\n"
	           "      --json FILE       also write the plan's JSON to FILE\n"
	           "      --csv FILE        also write the assignment rows (CSV) to FILE\n"
	           "      --table NAME      the CSV's table: assignments (default); format 2\n"
	           "                        also presence (per pledge and month: present,\n"
	           "                        idle, arrivals, departures, reliefs) or reception\n"
	           "                        (per month: personnel arriving, capacity)\n"
	           "      --md FILE         also write the markdown summary to FILE; each\n"
	           "                        from the same solve, atomically\n"
	           "  -s, --solver NAME     cbc (default) or glpk\n"
	           "  -t, --time-limit SEC  wall-clock limit for the whole plan (default none);\n"
	           "                        a stage stopped with a plan reports 'feasible' and\n"
	           "                        its proven gap\n"
	           "  -g, --gap REL         stage-2 relative gap (default 0.01)\n"
	           "  -j, --threads N       solver threads (default 1, deterministic)\n"
	           "      --baseline PLAN   format 2: least change from PLAN (a plan's JSON);\n"
	           "                        a unit-month that differs costs change_cost\n"
	           "  -q, --quiet           no progress lines on stderr\n"
	           "      --db STORE        the register to take inputs from (threat:\n"
	           "                        from_register, from_aid) instead of the\n"
	           "                        scenario's register.db\n"
	           "  -h, --help            this help\n"
	           "\n"
	           "exit status: 0 plan produced, 2 invalid scenario or usage, 3 solver failure\n"
	           "or no plan, 4 I/O error\n");
}

/* The planner's progress: one line on stderr. */
static void progress_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

int sf_cmd_plan(int argc, char **argv)
{
	enum {
		OPT_MONOLITHIC = 256,
		OPT_COLD = 257,
		OPT_DB = 258,
		OPT_JSON,
		OPT_CSV,
		OPT_MD,
		OPT_BASELINE,
		OPT_TABLE
	};
	static const struct option longopts[] = {
	        {"format", required_argument, NULL, 'f'},
	        {"output", required_argument, NULL, 'o'},
	        {"solver", required_argument, NULL, 's'},
	        {"time-limit", required_argument, NULL, 't'},
	        {"gap", required_argument, NULL, 'g'},
	        {"threads", required_argument, NULL, 'j'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {"monolithic", no_argument, NULL, OPT_MONOLITHIC},
	        {"cold-stage2", no_argument, NULL, OPT_COLD},
	        {"db", required_argument, NULL, OPT_DB},
	        {"json", required_argument, NULL, OPT_JSON},
	        {"csv", required_argument, NULL, OPT_CSV},
	        {"md", required_argument, NULL, OPT_MD},
	        {"baseline", required_argument, NULL, OPT_BASELINE},
	        {"table", required_argument, NULL, OPT_TABLE},
	        {NULL, 0, NULL, 0},
	};
	sf_plan_options o;
	int fmt = SF_FORMAT_TEXT, quiet = 0, c, rc = 0;
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
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:s:t:g:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt < 0)
				return 2;
			break;
		case 'o':
			output = optarg;
			break;
		case 's':
			if (strcmp(optarg, "cbc") == 0) {
				o.solver = SF_SOLVER_CBC;
			} else if (strcmp(optarg, "glpk") == 0) {
				o.solver = SF_SOLVER_GLPK;
			} else {
				fprintf(stderr, "stabforce %s: unknown solver '%s' (cbc or glpk)\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case 't':
			if (sf_parse_double(optarg, &o.time_limit_s) != 0 ||
			    !(o.time_limit_s > 0)) {
				fprintf(stderr,
				        "stabforce %s: time limit '%s' is not a positive number of "
				        "seconds\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case 'g':
			if (sf_parse_double(optarg, &o.gap) != 0 || !(o.gap >= 0) || o.gap >= 1) {
				fprintf(stderr,
				        "stabforce %s: gap '%s' is not a number in [0, 1)\n", CMD,
				        optarg);
				return 2;
			}
			break;
		case 'j': {
			long n;
			if (sf_parse_long(optarg, &n) != 0 || n < 1 || n > 64) {
				fprintf(stderr,
				        "stabforce %s: threads '%s' is not a number 1..64\n", CMD,
				        optarg);
				return 2;
			}
			o.threads = (int)n;
			break;
		}
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_MONOLITHIC:
			o.monolithic = 1;
			break;
		case OPT_COLD:
			o.no_warm_start = 1;
			break;
		case OPT_DB:
			db = optarg;
			break;
		case OPT_BASELINE:
			baseline_path = optarg;
			break;
		case OPT_TABLE:
			if (sf_plan_table_parse(optarg, &table) != 0) {
				fprintf(stderr,
				        "stabforce %s: unknown table '%s' (assignments, presence "
				        "or "
				        "reception)\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_JSON:
		case OPT_CSV:
		case OPT_MD:
			if (strcmp(optarg, "-") == 0) {
				fprintf(stderr,
				        "stabforce %s: --json, --csv and --md take a file, not '-' "
				        "(stdout is --format's)\n",
				        CMD);
				return 2;
			}
			extra[c - OPT_JSON] = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", CMD);
		usage(stderr);
		return 2;
	}
	if (fmt == SF_FORMAT_GEOJSON) {
		fprintf(stderr, "stabforce %s: format 'geojson' is not available for a plan\n",
		        CMD);
		return 2;
	}
	if (!quiet && isatty(STDERR_FILENO))
		o.progress = progress_line;
	/* STABFORCE_SOLVER_LOG=1 shows the solver's own log on stdout (benchmarking). */
	o.solver_log =
	        getenv("STABFORCE_SOLVER_LOG") && strcmp(getenv("STABFORCE_SOLVER_LOG"), "1") == 0;

	rc = sf_cli_load_scenario_for_planning(CMD, argv[optind], db, &sc);
	if (rc != 0)
		goto out;
	if (table != SF_PLAN_TABLE_ASSIGNMENTS && sc->format < 2) {
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
