/*
 * cmd_check_plan.c - `stabforce check-plan SCENARIO PLAN.json`.
 *
 * Verifies a plan written by `stabforce plan --format json` (or by anyone
 * else) against its scenario with sf_check_plan(), which recomputes every
 * constraint and figure from the assignment rows alone. Prints one line
 * when the plan is sound, every violation one per line when it is not.
 * Exit status: 0 sound, 1 violations, 2 invalid input (usage, scenario,
 * plan JSON), 4 I/O.
 *
 * --format json writes the report as one object (docs/output.md). Both
 * are written by the library (sf_check_report_write).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const CMD = "check-plan";

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce check-plan [--format text|json] [--db STORE] SCENARIO.yaml "
	           "PLAN.json\n"
	           "\n"
	           "Verify a plan against its scenario independently of the planner: every\n"
	           "assignment row is allowed (availability, capability, scope, caveats,\n"
	           "hard vetoes, sector opening), pledge sizes, the troop ceiling, national\n"
	           "caps and the share cap hold in every month, and the coverage rows, Z1,\n"
	           "Z2, the cost, personnel and FOC month the plan reports are recomputed\n"
	           "from the rows and compared (tolerance 1e-6 relative + 1e-6).\n"
	           "A scenario that takes inputs from the register is checked with them\n"
	           "taken from the store again: it must hold the same data as at plan time.\n"
	           "\n"
	           "options:\n"
	           "  -f, --format FMT  text (default) or json\n"
	           "      --db STORE    the register the scenario's inputs come from\n"
	           "                    (threat: from_register, from_aid), as for plan\n"
	           "  -h, --help        this help\n"
	           "\n"
	           "exit status: 0 the plan is sound, 1 violations found, 2 invalid input\n");
}

int sf_cmd_check_plan(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"format", required_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {"db", required_argument, NULL, 'd'},
	        {NULL, 0, NULL, 0},
	};
	int fmt = SF_FORMAT_TEXT, c, rc;
	const char *db = NULL;
	sf_scenario *sc = NULL;
	char *text = NULL;
	size_t len = 0;
	sf_check_report r;
	sf_error err;
	sf_status st;
	sf_buf b;

	sf_buf_init(&b, 0);
	sf_check_report_init(&r);
	sf_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt != SF_FORMAT_TEXT && fmt != SF_FORMAT_JSON) {
				if (fmt >= 0)
					fprintf(stderr,
					        "stabforce %s: --format must be text or json\n",
					        CMD);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	const char *scenario_path = argv[optind], *plan_path = argv[optind + 1];

	/* The scenario's inputs from the registers are applied as for plan, so
	 * the requirements are recomputed from the same numbers. */
	rc = sf_cli_load_scenario_for_planning(CMD, scenario_path, db, &sc);
	if (rc)
		goto out;
	rc = sf_cli_read_file(CMD, plan_path, SF_MAX_PLAN_BYTES, "a plan", &text, &len);
	if (rc)
		goto out;
	st = sf_check_plan(sc, text, len, plan_path, &r, &err);
	if (st != SF_OK && st != SF_ERR_CHECK) {
		rc = sf_cli_error(CMD, &err);
		goto out;
	}
	if (sf_check_report_write(&r, sc, plan_path, (sf_format)fmt, &b, &err) != SF_OK) {
		rc = sf_cli_error(CMD, &err);
		goto out;
	}
	rc = sf_cli_write_output(CMD, NULL, &b);
	if (rc == 0 && st == SF_ERR_CHECK) {
		if (fmt == SF_FORMAT_TEXT)
			fprintf(stderr, "stabforce %s: %s: %zu violation%s\n", CMD, plan_path,
			        r.count, r.count == 1 ? "" : "s");
		rc = sf_status_exit_code(SF_ERR_CHECK);
	}
out:
	sf_buf_release(&b);
	free(text);
	sf_check_report_release(&r);
	sf_scenario_free(sc);
	return rc;
}
