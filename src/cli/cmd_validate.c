/*
 * cmd_validate.c - `stabforce validate SCENARIO.yaml [--format text|json]`.
 *
 * Reads the scenario and its sector map with the library's reader and
 * reports every error and warning it finds, one per line on stderr, in the
 * form compilers use so that editors can jump to them:
 *
 *   scenario.yaml:12:7: error: contributors[3].pledges[0].unit: unknown ...
 *
 * then one summary line: on stdout when the scenario is valid
 * ("scenario.yaml: valid: 5 sectors, 7 tasks, ..."), on stderr when it is
 * not ("scenario.yaml: 3 errors, 1 warning"). --format json writes one
 * object on stdout instead (docs/output.md). Both are written by the
 * library (sf_validation_write). Exit status 0 valid, 2 invalid, 4 when
 * the file cannot be read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const CMD = "validate";

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce validate [--format text|json] SCENARIO.yaml\n"
	           "\n"
	           "Check a scenario file (format 1 or 2) and the sector GeoJSON it names,\n"
	           "say which format it is, and list every error and warning as\n"
	           "FILE:LINE:COL: error: KEY.PATH: MESSAGE.\n"
	           "\n"
	           "options:\n"
	           "  -f, --format FMT  text (default) or json\n"
	           "  -h, --help        this help\n"
	           "\n"
	           "exit status: 0 valid (warnings allowed), 2 invalid, 4 unreadable\n");
}

int sf_cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"format", required_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int fmt = SF_FORMAT_TEXT, c, rc;
	sf_scenario *sc = NULL;
	sf_diags d;
	sf_status st;
	const char *path;
	sf_buf b, diag;
	sf_error err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
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
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	path = argv[optind];

	sf_buf_init(&b, 0);
	sf_buf_init(&diag, 0);
	sf_diags_init(&d);
	st = sf_scenario_load(path, NULL, &sc, &d);
	if (st == SF_ERR_NOMEM) {
		fprintf(stderr, "stabforce %s: out of memory reading '%s'\n", CMD, path);
		rc = sf_status_exit_code(st);
		goto out;
	}
	sf_error_clear(&err);
	if (sf_validation_write(path, sc, &d, (sf_format)fmt, &b, &diag, &err) != SF_OK) {
		rc = sf_cli_error(CMD, &err);
		goto out;
	}
	if (diag.len && (fwrite(diag.data, 1, diag.len, stderr) != diag.len || fflush(stderr))) {
		rc = 4;
		goto out;
	}
	rc = sf_cli_write_output(CMD, NULL, &b);
	if (rc == 0)
		rc = sf_status_exit_code(st);
out:
	sf_buf_release(&b);
	sf_buf_release(&diag);
	sf_scenario_free(sc);
	sf_diags_release(&d);
	return rc;
}
