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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

static const char *const CMD = "validate";

int sf_cmd_validate(int argc, char **argv)
{
	int fmt = SF_FORMAT_TEXT, first = 0, rc;
	sf_scenario *sc = NULL;
	sf_diags d;
	sf_status st;
	const char *path;
	sf_buf b, diag;
	sf_error err;
	const sf_opt opts[] = {
	        SF_OPT_FORMAT(&fmt, "text (default) or json", SF_OPT_FMT_TEXT_JSON),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        CMD, "[OPTIONS] SCENARIO.yaml",
	        "Check a scenario file (format 1 or 2) and the sector GeoJSON it names,\n"
	        "say which format it is, and list every error and warning as\n"
	        "FILE:LINE:COL: error: KEY.PATH: MESSAGE.",
	        opts, "exit status: 0 valid (warnings allowed), 2 invalid, 4 unreadable"};

	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (argc - first != 1) {
		sf_opt_usage(&spec, stderr);
		return 2;
	}
	path = argv[first];

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
