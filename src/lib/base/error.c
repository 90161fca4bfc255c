/*
 * error.c - statuses, the first-error-wins sf_error, and the diagnostics
 * list the scenario reader fills.
 *
 * The table here (status -> text, exit code, HTTP status) is the only
 * place those mappings live; the CLI and the server use it.
 */
#include "base/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *text;
	int exit_code;
	int http; /* the server's answer when a request fails with this status */
} status_table[] = {
        [SF_OK] = {"ok", 0, 200},
        [SF_ERR_NOMEM] = {"out of memory", 4, 503},
        [SF_ERR_IO] = {"input/output error", 4, 500},
        [SF_ERR_USAGE] = {"usage error", 2, 400},
        [SF_ERR_SCENARIO] = {"scenario invalid", 2, 422},
        [SF_ERR_INPUT] = {"input invalid", 2, 422},
        [SF_ERR_SOLVER] = {"solver failed", 3, 500},
        [SF_ERR_INFEASIBLE] = {"no feasible plan", 3, 422},
        [SF_ERR_CHECK] = {"plan violates the model", 1, 422},
        [SF_ERR_STORE] = {"store error", 4, 500},
        [SF_ERR_WORKER] = {"worker process failed", 4, 500},
        [SF_ERR_INTERNAL] = {"internal error", 4, 500},
        [SF_ERR_CONFLICT] = {"version conflict", 5, 409},
        [SF_ERR_UNAVAILABLE] = {"store unavailable", 4, 503},
};

const char *sf_status_str(sf_status status)
{
	if ((size_t)status >= SF_ARRAY_LEN(status_table) || !status_table[status].text)
		return "unknown status";
	return status_table[status].text;
}

int sf_status_exit_code(sf_status status)
{
	if ((size_t)status >= SF_ARRAY_LEN(status_table) || !status_table[status].text)
		return 4;
	return status_table[status].exit_code;
}

int sf_status_http(sf_status status)
{
	if ((size_t)status >= SF_ARRAY_LEN(status_table) || !status_table[status].text)
		return 500;
	return status_table[status].http;
}

void sf_error_clear(sf_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

__attribute__((format(printf, 7, 0))) static sf_status vset(sf_error *err, sf_status code,
                                                            const char *file, int line, int column,
                                                            const char *path, const char *fmt,
                                                            va_list ap)
{
	if (!err || err->code != SF_OK)
		return code;
	err->code = code;
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	sf_strlcpy(err->file, file ? file : "", sizeof err->file);
	sf_strlcpy(err->path, path ? path : "", sizeof err->path);
	err->line = line;
	err->column = column;
	return code;
}

sf_status sf_error_set(sf_error *err, sf_status code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, code, NULL, 0, 0, NULL, fmt, ap);
	va_end(ap);
	return code;
}

sf_status sf_error_set_at(sf_error *err, sf_status code, const char *file, int line, int column,
                          const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, code, file, line, column, path, fmt, ap);
	va_end(ap);
	return code;
}

/* "file:line:col: " with unknown parts left out. */
static size_t format_where(char *buf, size_t n, const char *file, int line, int column)
{
	int r = 0;
	if (file && *file) {
		if (line > 0 && column > 0)
			r = snprintf(buf, n, "%s:%d:%d: ", file, line, column);
		else if (line > 0)
			r = snprintf(buf, n, "%s:%d: ", file, line);
		else
			r = snprintf(buf, n, "%s: ", file);
	} else if (n) {
		buf[0] = '\0';
	}
	if (r < 0)
		return 0;
	return (size_t)r < n ? (size_t)r : (n ? n - 1 : 0);
}

char *sf_error_format(const sf_error *err, char *buf, size_t n)
{
	if (!n)
		return buf;
	size_t k = format_where(buf, n, err->file, err->line, err->column);
	if (err->path[0])
		snprintf(buf + k, n - k, "%s: %s", err->path, err->message);
	else
		snprintf(buf + k, n - k, "%s", err->message);
	return buf;
}

void sf_diags_init(sf_diags *d)
{
	memset(d, 0, sizeof *d);
}

void sf_diags_release(sf_diags *d)
{
	free(d->items);
	sf_diags_init(d);
}

sf_status sf_diags_add(sf_diags *d, sf_diag_level level, const char *file, int line, int column,
                       const char *path, const char *fmt, ...)
{
	if (level == SF_DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	size_t limit = d->limit ? d->limit : 100;
	if (d->count >= limit)
		return SF_OK;
	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		sf_diag *p = sf__reallocarray(d->items, cap, sizeof *p);
		if (!p)
			return SF_ERR_NOMEM;
		d->items = p;
		d->cap = cap;
	}
	sf_diag *dg = &d->items[d->count++];
	memset(dg, 0, sizeof *dg);
	dg->level = level;
	sf_strlcpy(dg->file, file ? file : "", sizeof dg->file);
	sf_strlcpy(dg->path, path ? path : "", sizeof dg->path);
	dg->line = line;
	dg->column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dg->message, sizeof dg->message, fmt, ap);
	va_end(ap);
	return SF_OK;
}

char *sf_diag_format(const sf_diag *dg, char *buf, size_t n)
{
	if (!n)
		return buf;
	size_t k = format_where(buf, n, dg->file, dg->line, dg->column);
	const char *lvl = dg->level == SF_DIAG_ERROR ? "error" : "warning";
	if (dg->path[0])
		snprintf(buf + k, n - k, "%s: %s: %s", lvl, dg->path, dg->message);
	else
		snprintf(buf + k, n - k, "%s: %s", lvl, dg->message);
	return buf;
}
