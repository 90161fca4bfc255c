/*
 * cmd_export.c - `stabforce export SCENARIO.yaml --lp FILE | --mps FILE`.
 *
 * Writes the model of docs/model.md so another solver can check our
 * optimum: stage 1 over all months by default (the weighted-shortfall
 * MILP), or stage 2 (--stage 2: cost, with Z1 <= Z1* + tolerance; Z1* is
 * computed first). Column and row names are documented in docs/model.md
 * (x_<pledge>_<location>_<task>_<month>, 0-based indices, months 1-based).
 *
 * Exit status: 0 written, 2 invalid scenario or usage, 3 solver failure
 * (stage 2 only), 4 I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

static const char *const CMD = "export";

int sf_cmd_export(int argc, char **argv)
{
	const char *lp = NULL, *mps = NULL;
	long stage = 1;
	sf_scenario *sc = NULL;
	sf_error err;
	int first = 0, rc = 0;
	const sf_opt opts[] = {
	        SF_OPT_FILE_OUT(0, "lp", "FILE", &lp, "write CPLEX LP format"),
	        SF_OPT_FILE_OUT(0, "mps", "FILE", &mps, "write MPS format"),
	        {.long_name = "stage",
	         .kind = SF_OPTK_LONG,
	         .argname = "N",
	         .target = &stage,
	         .help = "1 (default) or 2",
	         .min = 1,
	         .max = 2,
	         .what = "stage",
	         .expect = "is not 1 or 2"},
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        CMD, "[--stage 1|2] (--lp FILE | --mps FILE) SCENARIO.yaml",
	        "Write the planning model for another solver (cbc, glpsol, HiGHS, ...):\n"
	        "stage 1 minimises the weighted shortfall over all months; stage 2\n"
	        "minimises cost with the shortfall held at the stage-1 optimum (which\n"
	        "is computed first). Names: x_P_L_T_M units of pledge P at location L\n"
	        "on task T in month M (indices 0-based in file order, location\n"
	        "nsectors = mission), g_T_L_M shortfall, a_P_L_M arrivals, y_M\n"
	        "in-sector personnel; see docs/model.md.",
	        opts,
	        "exit status: 0 written, 2 invalid scenario or usage, 3 solver failure,\n"
	        "4 I/O error"};

	sf_error_clear(&err);
	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	rc = 0;
	if (first + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", CMD);
		sf_opt_usage(&spec, stderr);
		return 2;
	}
	if ((lp == NULL) == (mps == NULL)) {
		fprintf(stderr, "stabforce %s: give exactly one of --lp FILE or --mps FILE\n", CMD);
		return 2;
	}
	/* Through the planner's loader, so register inputs are what plan uses. */
	rc = sf_cli_load_scenario_for_planning(CMD, argv[first], NULL, &sc);
	if (rc != 0)
		goto out;
	if (sf_model_export(sc, (int)stage, lp != NULL ? SF_MODEL_LP : SF_MODEL_MPS,
	                    lp != NULL ? lp : mps, &err) != SF_OK)
		rc = sf_cli_error(CMD, &err);
out:
	sf_scenario_free(sc);
	return rc;
}
