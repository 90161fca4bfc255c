/*
 * cmd_upgrade.c - `stabforce upgrade [-o FILE] SCENARIO.yaml`.
 *
 * Writes the format-2 equivalent of a format-1 scenario (the library's
 * sf_scenario_upgrade: comments and key order kept, `format: 2`, and an
 * explicit `lead_days: 0` on every pledge) on stdout or, atomically, to
 * FILE (which may be the input itself). What format 2 reads differently
 * is warned about on stderr as FILE:LINE:COL: warning: PATH: MESSAGE.
 *
 * Exit status: 0 written, 2 invalid scenario, not format 1, or usage,
 * 4 I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

static const char *const CMD = "upgrade";

int sf_cmd_upgrade(int argc, char **argv)
{
	const char *output = NULL, *path;
	char *data = NULL, line[2048];
	size_t len = 0;
	sf_buf out;
	sf_diags d;
	sf_error err;
	sf_status st;
	int first = 0, rc;
	const sf_opt opts[] = {
	        SF_OPT_FILE_OUT('o', "output", "FILE", &output,
	                        "write to FILE (atomically; may be the input) instead\n"
	                        "of standard output"),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        CMD, "[-o FILE] SCENARIO.yaml",
	        "Write the format-2 equivalent of a format-1 scenario: 'format: 2' and,\n"
	        "on every pledge, 'lead_days: 0' (format 1 gave no notice: set it from\n"
	        "the pledge's source). Comments, key order and layout are kept.\n"
	        "Warnings say what format 2 reads differently (months before as_of\n"
	        "become history). See docs/scenario-format.md.",
	        opts,
	        "exit status: 0 written, 2 invalid scenario, not format 1, or usage,\n"
	        "4 I/O error"};

	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (argc - first != 1) {
		sf_opt_usage(&spec, stderr);
		return 2;
	}
	path = argv[first];
	rc = sf_cli_read_file(CMD, path, SF_MAX_SCENARIO_BYTES, "a scenario", &data, &len);
	if (rc)
		return rc;
	sf_buf_init(&out, 0);
	sf_diags_init(&d);
	sf_error_clear(&err);
	st = sf_scenario_upgrade(data, len, path, &out, &d, &err);
	for (size_t i = 0; i < d.count; i++)
		fprintf(stderr, "%s\n", sf_diag_format(&d.items[i], line, sizeof(line)));
	if (st != SF_OK) {
		rc = sf_cli_error(CMD, &err);
		goto out;
	}
	rc = sf_cli_write_output(CMD, output, &out);
out:
	sf_buf_release(&out);
	sf_diags_release(&d);
	free(data);
	return rc;
}
