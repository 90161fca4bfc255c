/*
 * scenario.c (output) - the output of `stabforce validate`: a scenario's
 * diagnostics and its summary, as text (compiler-style lines an editor
 * jumps to) or as one JSON object.
 */
#include "base/internal.h"

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static sf_status validation_json(const char *path, const sf_scenario *sc, const sf_diags *d,
                                 sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "file", path);
	sf_json_bool(&w, "valid", sc != NULL);
	if (sc)
		sf_json_int(&w, "format", sc->format);
	else
		sf_json_null(&w, "format");
	sf_json_int(&w, "errors", (long long)d->nerrors);
	sf_json_int(&w, "warnings", (long long)d->nwarnings);
	if (sc) {
		sf_json_object(&w, "counts");
		sf_json_int(&w, "sectors", (long long)sc->nsectors);
		sf_json_int(&w, "tasks", (long long)sc->ntasks);
		sf_json_int(&w, "unit_types", (long long)sc->nunit_types);
		sf_json_int(&w, "contributors", (long long)sc->ncontributors);
		sf_json_int(&w, "pledges", (long long)sc->npledges);
		sf_json_int(&w, "stakeholders", (long long)sc->nstakeholders);
		sf_json_int(&w, "vetoes", (long long)sc->nvetoes);
		sf_json_int(&w, "conditions", (long long)sc->nconditions);
		sf_json_end(&w);
	} else {
		sf_json_null(&w, "counts");
	}
	sf_json_array(&w, "diagnostics");
	for (size_t i = 0; i < d->count; i++) {
		const sf_diag *dg = &d->items[i];
		sf_json_object(&w, NULL);
		sf_json_str(&w, "level", dg->level == SF_DIAG_ERROR ? "error" : "warning");
		sf_json_str(&w, "file", dg->file);
		sf_json_int(&w, "line", dg->line);
		sf_json_int(&w, "column", dg->column);
		sf_json_str(&w, "path", dg->path);
		sf_json_str(&w, "message", dg->message);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

static sf_status validation_text(const char *path, const sf_scenario *sc, const sf_diags *d,
                                 sf_buf *out, sf_buf *diag)
{
	char line[2048];
	size_t shown_errors = 0, shown_warnings = 0;
	sf_status st = SF_OK;

	for (size_t i = 0; i < d->count && st == SF_OK; i++) {
		st = sf_buf_addf(diag, "%s\n", sf_diag_format(&d->items[i], line, sizeof(line)));
		if (d->items[i].level == SF_DIAG_ERROR)
			shown_errors++;
		else
			shown_warnings++;
	}
	if (st == SF_OK && (d->nerrors > shown_errors || d->nwarnings > shown_warnings))
		st = sf_buf_addf(diag, "%s: %zu more %s and %zu more %s not shown\n", path,
		                 d->nerrors - shown_errors,
		                 plural(d->nerrors - shown_errors, "error", "errors"),
		                 d->nwarnings - shown_warnings,
		                 plural(d->nwarnings - shown_warnings, "warning", "warnings"));
	if (st == SF_OK && sc) {
		st = sf_buf_addf(
		        out, "%s: valid: format %d, %zu %s, %zu %s, %zu %s, %zu %s, %zu %s, %zu %s",
		        path, sc->format, sc->nsectors, plural(sc->nsectors, "sector", "sectors"),
		        sc->ntasks, plural(sc->ntasks, "task", "tasks"), sc->nunit_types,
		        plural(sc->nunit_types, "unit type", "unit types"), sc->ncontributors,
		        plural(sc->ncontributors, "contributor", "contributors"), sc->npledges,
		        plural(sc->npledges, "pledge", "pledges"), sc->nvetoes,
		        plural(sc->nvetoes, "veto", "vetoes"));
		if (st == SF_OK && sc->nconditions)
			st = sf_buf_addf(out, ", %zu %s", sc->nconditions,
			                 plural(sc->nconditions, "condition", "conditions"));
		if (st == SF_OK && d->nwarnings)
			st = sf_buf_addf(out, " (%zu %s)", d->nwarnings,
			                 plural(d->nwarnings, "warning", "warnings"));
		if (st == SF_OK)
			st = sf_buf_addc(out, '\n');
	} else if (st == SF_OK && d->nerrors) {
		st = sf_buf_addf(diag, "%s: %zu %s", path, d->nerrors,
		                 plural(d->nerrors, "error", "errors"));
		if (st == SF_OK && d->nwarnings)
			st = sf_buf_addf(diag, ", %zu %s", d->nwarnings,
			                 plural(d->nwarnings, "warning", "warnings"));
		if (st == SF_OK)
			st = sf_buf_addc(diag, '\n');
	}
	return st;
}

sf_status sf_validation_write(const char *path, const sf_scenario *sc, const sf_diags *d,
                              sf_format fmt, sf_buf *out, sf_buf *diag, sf_error *err)
{
	sf_status st;
	if (fmt == SF_FORMAT_JSON)
		return validation_json(path, sc, d, out, err);
	if (fmt != SF_FORMAT_TEXT)
		return sf_error_set(err, SF_ERR_USAGE, "validate writes text or json");
	st = validation_text(path, sc, d, out, diag ? diag : out);
	return st == SF_OK ? SF_OK : sf_error_set(err, st, "out of memory writing the report");
}
