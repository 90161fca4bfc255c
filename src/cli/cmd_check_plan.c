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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

static const char *const CMD = "check-plan";

int sf_cmd_check_plan(int argc, char **argv)
{
	int fmt = SF_FORMAT_TEXT, first = 0, rc;
	const char *db = NULL;
	sf_scenario *sc = NULL;
	char *text = NULL;
	size_t len = 0;
	sf_check_report r;
	sf_error err;
	sf_status st;
	sf_buf b;
	const sf_opt opts[] = {
	        SF_OPT_FORMAT(&fmt, "text (default) or json", SF_OPT_FMT_TEXT_JSON),
	        SF_OPT_DB(&db, "the register the scenario's inputs come from\n"
	                       "(threat: from_register, from_aid), as for plan"),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        CMD, "[OPTIONS] SCENARIO.yaml PLAN.json",
	        "Verify a plan against its scenario independently of the planner: every\n"
	        "assignment row is allowed (availability, capability, scope, caveats,\n"
	        "hard vetoes, sector opening), pledge sizes, the troop ceiling, national\n"
	        "caps and the share cap hold in every month, and the coverage rows, Z1,\n"
	        "Z2, the cost, personnel and FOC month the plan reports are recomputed\n"
	        "from the rows and compared (tolerance 1e-6 relative + 1e-6).\n"
	        "A scenario that takes inputs from the register is checked with them\n"
	        "taken from the store again: it must hold the same data as at plan time.",
	        opts, "exit status: 0 the plan is sound, 1 violations found, 2 invalid input"};

	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (argc - first != 2) {
		sf_opt_usage(&spec, stderr);
		return 2;
	}
	sf_buf_init(&b, 0);
	sf_check_report_init(&r);
	sf_error_clear(&err);
	const char *scenario_path = argv[first], *plan_path = argv[first + 1];

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
