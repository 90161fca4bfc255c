/*
 * cli_util.c - what every stabforce command shares: --format parsing,
 * loading a scenario with its diagnostics printed (and, to plan it, its
 * inputs from the registers applied), printing a library
 * error, reading an input file and writing an output file.
 *
 * Output files are written atomically: the text goes to a temporary file
 * in the same directory, which is flushed, synced and renamed over the
 * target, so a reader (or a crash) never sees half a plan. stdout ("-" or
 * no path) is written directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int sf_cli_parse_format(const char *cmd, const char *value, int allow_geojson)
{
	static const struct {
		const char *name;
		int fmt;
	} names[] = {
	        {"text", SF_FORMAT_TEXT},   {"json", SF_FORMAT_JSON},
	        {"csv", SF_FORMAT_CSV},     {"md", SF_FORMAT_MD},
	        {"markdown", SF_FORMAT_MD}, {"geojson", SF_FORMAT_GEOJSON},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(value, names[i].name) != 0)
			continue;
		if (names[i].fmt == SF_FORMAT_GEOJSON && !allow_geojson)
			break;
		return names[i].fmt;
	}
	fprintf(stderr, "stabforce %s: unknown format '%s' (expected text, json, csv, md%s)\n", cmd,
	        value, allow_geojson ? " or geojson" : "");
	return -1;
}

int sf_cli_load_scenario(const char *path, sf_scenario **out)
{
	sf_diags d;
	sf_status rc;
	char line[2048];
	size_t i, shown_errors = 0, shown_warnings = 0;

	*out = NULL;
	sf_diags_init(&d);
	rc = sf_scenario_load(path, NULL, out, &d);
	for (i = 0; i < d.count; i++) {
		fprintf(stderr, "%s\n", sf_diag_format(&d.items[i], line, sizeof(line)));
		if (d.items[i].level == SF_DIAG_ERROR)
			shown_errors++;
		else
			shown_warnings++;
	}
	if (d.nerrors > shown_errors || d.nwarnings > shown_warnings)
		fprintf(stderr, "%s: %zu more errors and %zu more warnings not shown\n", path,
		        d.nerrors - shown_errors, d.nwarnings - shown_warnings);
	if (rc == SF_ERR_NOMEM)
		fprintf(stderr, "stabforce: out of memory reading '%s'\n", path);
	sf_diags_release(&d);
	return sf_status_exit_code(rc);
}

int sf_cli_load_scenario_for_planning(const char *cmd, const char *path, const char *db,
                                      sf_scenario **out)
{
	sf_error err;
	size_t i;
	int rc = sf_cli_load_scenario(path, out);

	if (rc != 0 || !sf_scenario_takes_register(*out))
		return rc;
	sf_error_clear(&err);
	if (sf_scenario_apply_register_db(*out, db, &err) != SF_OK) {
		sf_scenario_free(*out);
		*out = NULL;
		return sf_cli_error(cmd, &err);
	}
	for (i = 0; i < (*out)->nregister_inputs; i++) {
		const sf_register_input *in = &(*out)->register_inputs[i];
		if (!in->defaulted)
			continue;
		if (in->kind == SF_INPUT_THREAT)
			fprintf(stderr,
			        "stabforce %s: warning: no incident in the register from %s to %s: "
			        "sector '%s' takes the default threat %g\n",
			        cmd, in->window_from[0] ? in->window_from : "-",
			        in->window_to[0] ? in->window_to : "-",
			        (*out)->sectors[in->index].id, in->value);
		else
			fprintf(stderr,
			        "stabforce %s: warning: no aid figure in the register from %s to "
			        "%s: "
			        "task '%s' takes the default requirement %g\n",
			        cmd, in->window_from[0] ? in->window_from : "-",
			        in->window_to[0] ? in->window_to : "-", (*out)->tasks[in->index].id,
			        in->value);
	}
	return 0;
}

int sf_cli_error(const char *cmd, const sf_error *err)
{
	char buf[SF_ERROR_MESSAGE_MAX + SF_ERROR_FILE_MAX + SF_ERROR_PATH_MAX + 64];

	fprintf(stderr, "stabforce %s: %s\n", cmd, sf_error_format(err, buf, sizeof(buf)));
	return sf_status_exit_code(err->code == SF_OK ? SF_ERR_INTERNAL : err->code);
}

int sf_cli_write_output(const char *cmd, const char *path, const sf_buf *b)
{
	return sf_cli_write_outputs(cmd, &path, b, 1);
}

sf_status sf_cli_flush_stdout(void *ctx, sf_buf *b)
{
	(void)ctx;
	if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len)
		return SF_ERR_IO;
	sf_buf_reset(b);
	return SF_OK;
}

int sf_cli_finish(const char *cmd, sf_status rc, const sf_buf *b, const sf_error *err)
{
	if (rc != SF_OK) {
		fflush(stdout);
		return sf_cli_error(cmd, err);
	}
	return sf_cli_write_output(cmd, NULL, b);
}

int sf_cli_write_outputs(const char *cmd, const char *const *paths, const sf_buf *bufs, size_t n)
{
	sf_outfile **v = calloc(n ? n : 1, sizeof(*v));
	sf_error err;
	sf_status rc = SF_OK;
	size_t i;

	sf_error_clear(&err);
	if (!v)
		return sf_cli_error(cmd, &err);
	for (i = 0; i < n && rc == SF_OK; i++) {
		rc = sf_outfile_open(paths[i] ? paths[i] : "-", &v[i], &err);
		if (rc == SF_OK)
			rc = sf_outfile_write(v[i], sf_buf_str(&bufs[i]), bufs[i].len, &err);
	}
	if (rc == SF_OK) {
		rc = sf_outfile_commit_all(v, n, &err);
	} else {
		for (i = 0; i < n; i++)
			sf_outfile_abort(v[i]);
	}
	free(v);
	return rc == SF_OK ? 0 : sf_cli_error(cmd, &err);
}

int sf_cli_read_file(const char *cmd, const char *path, size_t max_bytes, const char *what,
                     char **data, size_t *len)
{
	sf_error err;
	size_t n;

	sf_error_clear(&err);
	if (sf_file_read(path, max_bytes, what, data, &n, &err) != SF_OK)
		return sf_cli_error(cmd, &err);
	if (len)
		*len = n;
	return 0;
}

const char *sf_cli_who(const char *who)
{
	const char *u = getenv("USER");
	return who && *who ? who : u && *u ? u : "unknown";
}
