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
 * object on stdout instead (docs/output.md). Exit status 0 valid, 2
 * invalid, 4 when the file cannot be read.
 */
#include <getopt.h>
#include <jansson.h>
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

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_text(const char *path, const sf_scenario *sc, const sf_diags *d)
{
	char line[2048];
	size_t i, shown_errors = 0, shown_warnings = 0;

	for (i = 0; i < d->count; i++) {
		fprintf(stderr, "%s\n", sf_diag_format(&d->items[i], line, sizeof(line)));
		if (d->items[i].level == SF_DIAG_ERROR)
			shown_errors++;
		else
			shown_warnings++;
	}
	if (d->nerrors > shown_errors || d->nwarnings > shown_warnings)
		fprintf(stderr, "%s: %zu more %s and %zu more %s not shown\n", path,
		        d->nerrors - shown_errors,
		        plural(d->nerrors - shown_errors, "error", "errors"),
		        d->nwarnings - shown_warnings,
		        plural(d->nwarnings - shown_warnings, "warning", "warnings"));
	if (sc) {
		printf("%s: valid: format %d, %zu %s, %zu %s, %zu %s, %zu %s, %zu %s, %zu %s", path,
		       sc->format, sc->nsectors, plural(sc->nsectors, "sector", "sectors"),
		       sc->ntasks, plural(sc->ntasks, "task", "tasks"), sc->nunit_types,
		       plural(sc->nunit_types, "unit type", "unit types"), sc->ncontributors,
		       plural(sc->ncontributors, "contributor", "contributors"), sc->npledges,
		       plural(sc->npledges, "pledge", "pledges"), sc->nvetoes,
		       plural(sc->nvetoes, "veto", "vetoes"));
		if (d->nwarnings)
			printf(" (%zu %s)", d->nwarnings,
			       plural(d->nwarnings, "warning", "warnings"));
		printf("\n");
	} else if (d->nerrors) {
		fprintf(stderr, "%s: %zu %s", path, d->nerrors,
		        plural(d->nerrors, "error", "errors"));
		if (d->nwarnings)
			fprintf(stderr, ", %zu %s", d->nwarnings,
			        plural(d->nwarnings, "warning", "warnings"));
		fprintf(stderr, "\n");
	}
}

static int print_json(const char *path, const sf_scenario *sc, const sf_diags *d)
{
	json_t *o, *list, *counts = NULL;
	char *text;
	size_t i;
	int rc = 0;

	list = json_array();
	for (i = 0; list && i < d->count; i++) {
		const sf_diag *dg = &d->items[i];
		json_array_append_new(
		        list, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s}", "level",
		                        dg->level == SF_DIAG_ERROR ? "error" : "warning", "file",
		                        dg->file, "line", dg->line, "column", dg->column, "path",
		                        dg->path, "message", dg->message));
	}
	if (sc)
		counts = json_pack(
		        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "sectors", (json_int_t)sc->nsectors,
		        "tasks", (json_int_t)sc->ntasks, "unit_types", (json_int_t)sc->nunit_types,
		        "contributors", (json_int_t)sc->ncontributors, "pledges",
		        (json_int_t)sc->npledges, "stakeholders", (json_int_t)sc->nstakeholders,
		        "vetoes", (json_int_t)sc->nvetoes);
	o = json_pack("{s:s, s:b, s:o, s:I, s:I, s:o, s:o}", "file", path, "valid", sc != NULL,
	              "format", sc ? json_integer(sc->format) : json_null(), "errors",
	              (json_int_t)d->nerrors, "warnings", (json_int_t)d->nwarnings, "counts",
	              counts ? counts : json_null(), "diagnostics", list ? list : json_array());
	text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (!text) {
		fprintf(stderr, "stabforce %s: out of memory\n", CMD);
		rc = 4;
	} else {
		printf("%s\n", text);
		if (fflush(stdout) != 0)
			rc = 4;
	}
	free(text);
	json_decref(o);
	return rc;
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

	sf_diags_init(&d);
	st = sf_scenario_load(path, NULL, &sc, &d);
	if (st == SF_ERR_NOMEM) {
		fprintf(stderr, "stabforce %s: out of memory reading '%s'\n", CMD, path);
		rc = sf_status_exit_code(st);
		goto out;
	}
	rc = 0;
	if (fmt == SF_FORMAT_JSON)
		rc = print_json(path, sc, &d);
	else
		print_text(path, sc, &d);
	if (rc == 0)
		rc = sf_status_exit_code(st);
out:
	sf_scenario_free(sc);
	sf_diags_release(&d);
	return rc;
}
