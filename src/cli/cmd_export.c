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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const CMD = "export";

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce export [--stage 1|2] (--lp FILE | --mps FILE) SCENARIO.yaml\n"
	           "\n"
	           "Write the planning model for another solver (cbc, glpsol, HiGHS, ...):\n"
	           "stage 1 minimises the weighted shortfall over all months; stage 2\n"
	           "minimises cost with the shortfall held at the stage-1 optimum (which\n"
	           "is computed first). Names: x_P_L_T_M units of pledge P at location L\n"
	           "on task T in month M (indices 0-based in file order, location\n"
	           "nsectors = mission), g_T_L_M shortfall, a_P_L_M arrivals, y_M\n"
	           "in-sector personnel; see docs/model.md.\n"
	           "\n"
	           "options:\n"
	           "      --lp FILE     write CPLEX LP format\n"
	           "      --mps FILE    write MPS format\n"
	           "      --stage N     1 (default) or 2\n"
	           "  -h, --help        this help\n"
	           "\n"
	           "exit status: 0 written, 2 invalid scenario or usage, 3 solver failure,\n"
	           "4 I/O error\n");
}

int sf_cmd_export(int argc, char **argv)
{
	enum { OPT_LP = 256, OPT_MPS = 257, OPT_STAGE = 258 };
	static const struct option longopts[] = {
	        {"lp", required_argument, NULL, OPT_LP},
	        {"mps", required_argument, NULL, OPT_MPS},
	        {"stage", required_argument, NULL, OPT_STAGE},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *lp = NULL, *mps = NULL;
	long stage = 1;
	sf_scenario *sc = NULL;
	sf_error err;
	int c, rc = 0;

	sf_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LP:
			lp = optarg;
			break;
		case OPT_MPS:
			mps = optarg;
			break;
		case OPT_STAGE:
			if (sf_parse_long(optarg, &stage) != 0 || (stage != 1 && stage != 2)) {
				fprintf(stderr, "stabforce %s: stage '%s' is not 1 or 2\n", CMD,
				        optarg);
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
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", CMD);
		usage(stderr);
		return 2;
	}
	if ((lp == NULL) == (mps == NULL)) {
		fprintf(stderr, "stabforce %s: give exactly one of --lp FILE or --mps FILE\n", CMD);
		return 2;
	}
	/* Through the planner's loader, so register inputs are what plan uses. */
	rc = sf_cli_load_scenario_for_planning(CMD, argv[optind], NULL, &sc);
	if (rc != 0)
		goto out;
	if (sf_model_export(sc, (int)stage, lp != NULL ? SF_MODEL_LP : SF_MODEL_MPS,
	                    lp != NULL ? lp : mps, &err) != SF_OK)
		rc = sf_cli_error(CMD, &err);
out:
	sf_scenario_free(sc);
	return rc;
}
