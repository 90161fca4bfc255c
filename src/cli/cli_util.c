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
	        {"text", SF_FMT_TEXT}, {"json", SF_FMT_JSON},   {"csv", SF_FMT_CSV},
	        {"md", SF_FMT_MD},     {"markdown", SF_FMT_MD}, {"geojson", SF_FMT_GEOJSON},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(value, names[i].name) != 0)
			continue;
		if (names[i].fmt == SF_FMT_GEOJSON && !allow_geojson)
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

	if (rc != 0 || !(*out)->reg.used)
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

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int sf_cli_write_output(const char *cmd, const char *path, const sf_buf *b)
{
	const char *data = sf_buf_str(b);
	size_t len = b->len;
	sf_buf tmp;
	int fd = -1, rc = 0, saved;
	mode_t mask;

	if (!path || strcmp(path, "-") == 0) {
		if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0) {
			fprintf(stderr, "stabforce %s: cannot write to standard output: %s\n", cmd,
			        strerror(errno));
			return sf_status_exit_code(SF_ERR_IO);
		}
		return 0;
	}
	sf_buf_init(&tmp, 0);
	if (sf_buf_addf(&tmp, "%s.tmp.XXXXXX", path) != SF_OK) {
		fprintf(stderr, "stabforce %s: out of memory\n", cmd);
		return sf_status_exit_code(SF_ERR_NOMEM);
	}
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		saved = errno;
		fprintf(stderr, "stabforce %s: cannot write '%s': %s\n", cmd, path,
		        strerror(saved));
		sf_buf_release(&tmp);
		return sf_status_exit_code(SF_ERR_IO);
	}
	/* mkstemp makes the file 0600; give it the usual mode. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		saved = errno;
		goto fail;
	}
	if (rename(tmp.data, path) != 0) {
		saved = errno;
		goto fail;
	}
	sf_buf_release(&tmp);
	return rc;
fail:
	unlink(tmp.data);
	fprintf(stderr, "stabforce %s: cannot write '%s': %s\n", cmd, path, strerror(saved));
	sf_buf_release(&tmp);
	return sf_status_exit_code(SF_ERR_IO);
}

char *sf_cli_read_file(const char *cmd, const char *path, size_t *len)
{
	FILE *fp;
	int is_stdin = strcmp(path, "-") == 0;
	char *data = NULL, *grown;
	size_t size = 0, used = 0, got;

	fp = is_stdin ? stdin : fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "stabforce %s: cannot open '%s': %s\n", cmd, path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (size - used < 2) {
			size = size ? size * 2 : 65536;
			grown = realloc(data, size);
			if (!grown) {
				fprintf(stderr, "stabforce %s: out of memory reading '%s'\n", cmd,
				        path);
				free(data);
				data = NULL;
				goto out;
			}
			data = grown;
		}
		got = fread(data + used, 1, size - used - 1, fp);
		used += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		fprintf(stderr, "stabforce %s: cannot read '%s': %s\n", cmd, path,
		        strerror(errno ? errno : EIO));
		free(data);
		data = NULL;
		goto out;
	}
	data[used] = '\0';
	if (len)
		*len = used;
out:
	if (!is_stdin)
		fclose(fp);
	return data;
}
