/*
 * table.c - aligned text, CSV and markdown tables (table.h).
 *
 * Cells are copied into one growable array of strings, row-major. Width
 * is counted in UTF-8 code points, not bytes, so "Türkiye" aligns like
 * "Turkiye". CSV quotes a field only when it holds a comma, a quote, a
 * newline or leading/trailing space (RFC 4180); markdown escapes '|'.
 *
 * Errors are sticky: the first failure of an add (out of memory, a cell
 * past the last column) is kept and every write returns it, so a caller
 * that builds a whole table checks the write alone and a row is never
 * dropped silently. Every function takes a NULL table (sf_table_new()
 * out of memory) and reports SF_ERR_NOMEM for it.
 */
#include "base/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sf_table {
	size_t ncols;
	char **headers;
	sf_align *align;
	char **cells;  /* row-major, nrows * ncols */
	size_t ncells; /* cells filled */
	size_t cap;    /* cells allocated */
	size_t nrows;
	size_t row_fill;  /* cells added to the current row */
	sf_status status; /* the first failure of an add; SF_OK while all is well */
};

/* Keep the first failure; returns rc. */
static sf_status stick(sf_table *t, sf_status rc)
{
	if (rc != SF_OK && t->status == SF_OK)
		t->status = rc;
	return rc;
}

sf_table *sf_table_new(void)
{
	return calloc(1, sizeof(sf_table));
}

void sf_table_free(sf_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		free(t->headers[i]);
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->headers);
	free(t->align);
	free(t->cells);
	free(t);
}

static sf_status add_column(sf_table *t, const char *header, sf_align align)
{
	if (t->nrows)
		return SF_ERR_USAGE;
	char **h = sf__reallocarray(t->headers, t->ncols + 1, sizeof *h);
	if (!h)
		return SF_ERR_NOMEM;
	t->headers = h;
	sf_align *a = sf__reallocarray(t->align, t->ncols + 1, sizeof *a);
	if (!a)
		return SF_ERR_NOMEM;
	t->align = a;
	char *copy = strdup(header);
	if (!copy)
		return SF_ERR_NOMEM;
	t->headers[t->ncols] = copy;
	t->align[t->ncols] = align;
	t->ncols++;
	return SF_OK;
}

sf_status sf_table_add_column(sf_table *t, const char *header, sf_align align)
{
	if (!t)
		return SF_ERR_NOMEM;
	if (t->status != SF_OK)
		return t->status;
	return stick(t, add_column(t, header, align));
}

sf_status sf_table_add_columns(sf_table *t, const sf_column_spec *cols, size_t n)
{
	sf_status rc = t ? SF_OK : SF_ERR_NOMEM;
	for (size_t i = 0; rc == SF_OK && i < n; i++)
		rc = sf_table_add_column(t, cols[i].header, cols[i].align);
	return rc;
}

sf_status sf_table_begin_row(sf_table *t)
{
	if (!t)
		return SF_ERR_NOMEM;
	if (t->status != SF_OK)
		return t->status;
	/* Pad an incomplete previous row so the grid stays rectangular. */
	while (t->nrows && t->row_fill < t->ncols) {
		sf_status rc = sf_table_add_cell(t, "");
		if (rc)
			return rc;
	}
	t->nrows++;
	t->row_fill = 0;
	return SF_OK;
}

static sf_status add_cell(sf_table *t, const char *text)
{
	if (!t->nrows || t->row_fill >= t->ncols)
		return SF_ERR_USAGE;
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **c = sf__reallocarray(t->cells, cap, sizeof *c);
		if (!c)
			return SF_ERR_NOMEM;
		t->cells = c;
		t->cap = cap;
	}
	char *copy = strdup(text ? text : "");
	if (!copy)
		return SF_ERR_NOMEM;
	t->cells[t->ncells++] = copy;
	t->row_fill++;
	return SF_OK;
}

sf_status sf_table_add_cell(sf_table *t, const char *text)
{
	if (!t)
		return SF_ERR_NOMEM;
	if (t->status != SF_OK)
		return t->status;
	return stick(t, add_cell(t, text));
}

sf_status sf_table_add_cellf(sf_table *t, const char *fmt, ...)
{
	if (!t)
		return SF_ERR_NOMEM;
	if (t->status != SF_OK)
		return t->status;
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return stick(t, SF_ERR_INTERNAL);
	if ((size_t)n < sizeof small)
		return sf_table_add_cell(t, small);
	sf_buf b;
	sf_buf_init(&b, 0);
	va_start(ap, fmt);
	sf_status rc = sf_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (!rc)
		rc = sf_table_add_cell(t, sf_buf_str(&b));
	sf_buf_release(&b);
	return stick(t, rc);
}

size_t sf_table_rows(const sf_table *t)
{
	return t ? t->nrows : 0;
}

static const char *cell(const sf_table *t, size_t r, size_t c)
{
	size_t i = r * t->ncols + c;
	return i < t->ncells ? t->cells[i] : "";
}

/* Display width: UTF-8 code points. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static sf_status pad(sf_buf *out, size_t n)
{
	sf_status rc = SF_OK;
	while (n-- && !rc)
		rc = sf_buf_addc(out, ' ');
	return rc;
}

sf_status sf_table_write_text(const sf_table *t, sf_buf *out)
{
	if (!t)
		return SF_ERR_NOMEM;
	if (t->status != SF_OK)
		return t->status;
	size_t *w = calloc(t->ncols ? t->ncols : 1, sizeof *w);
	if (!w)
		return SF_ERR_NOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = width(t->headers[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t k = width(cell(t, r, c));
			if (k > w[c])
				w[c] = k;
		}
	}
	sf_status rc = SF_OK;
	/* Row -1 is the header, row nrows the rule under it (written after the header). */
	for (long r = -1; r < (long)t->nrows && !rc; r++) {
		for (size_t c = 0; c < t->ncols && !rc; c++) {
			const char *s = r < 0 ? t->headers[c] : cell(t, (size_t)r, c);
			size_t k = width(s);
			int last = c + 1 == t->ncols;
			if (c)
				rc = sf_buf_adds(out, "  ");
			if (!rc && t->align[c] == SF_ALIGN_RIGHT)
				rc = pad(out, w[c] - k);
			if (!rc)
				rc = sf_buf_adds(out, s);
			if (!rc && t->align[c] == SF_ALIGN_LEFT && !last)
				rc = pad(out, w[c] - k);
		}
		if (!rc)
			rc = sf_buf_addc(out, '\n');
		if (r < 0) {
			for (size_t c = 0; c < t->ncols && !rc; c++) {
				if (c)
					rc = sf_buf_adds(out, "  ");
				for (size_t i = 0; i < w[c] && !rc; i++)
					rc = sf_buf_addc(out, '-');
			}
			if (!rc)
				rc = sf_buf_addc(out, '\n');
		}
	}
	free(w);
	return rc;
}

static sf_status csv_field(sf_buf *out, const char *s)
{
	size_t n = strlen(s);
	int quote = n && (s[0] == ' ' || s[n - 1] == ' ');
	for (const char *p = s; *p && !quote; p++)
		if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
			quote = 1;
	if (!quote)
		return sf_buf_add(out, s, n);
	sf_status rc = sf_buf_addc(out, '"');
	for (const char *p = s; *p && !rc; p++) {
		if (*p == '"')
			rc = sf_buf_addc(out, '"');
		if (!rc)
			rc = sf_buf_addc(out, *p);
	}
	if (!rc)
		rc = sf_buf_addc(out, '"');
	return rc;
}

sf_status sf_table_write_csv(const sf_table *t, sf_buf *out)
{
	if (!t)
		return SF_ERR_NOMEM;
	if (t->status != SF_OK)
		return t->status;
	sf_status rc = SF_OK;
	for (long r = -1; r < (long)t->nrows && !rc; r++) {
		for (size_t c = 0; c < t->ncols && !rc; c++) {
			if (c)
				rc = sf_buf_addc(out, ',');
			if (!rc)
				rc = csv_field(out, r < 0 ? t->headers[c] : cell(t, (size_t)r, c));
		}
		if (!rc)
			rc = sf_buf_addc(out, '\n');
	}
	return rc;
}

static sf_status md_field(sf_buf *out, const char *s)
{
	sf_status rc = SF_OK;
	for (const char *p = s; *p && !rc; p++) {
		if (*p == '|')
			rc = sf_buf_adds(out, "\\|");
		else if (*p == '\n')
			rc = sf_buf_adds(out, "<br>");
		else
			rc = sf_buf_addc(out, *p);
	}
	return rc;
}

sf_status sf_table_write_markdown(const sf_table *t, sf_buf *out)
{
	if (!t)
		return SF_ERR_NOMEM;
	if (t->status != SF_OK)
		return t->status;
	sf_status rc = SF_OK;
	for (long r = -1; r < (long)t->nrows && !rc; r++) {
		rc = sf_buf_addc(out, '|');
		for (size_t c = 0; c < t->ncols && !rc; c++) {
			rc = sf_buf_addc(out, ' ');
			if (!rc)
				rc = md_field(out, r < 0 ? t->headers[c] : cell(t, (size_t)r, c));
			if (!rc)
				rc = sf_buf_adds(out, " |");
		}
		if (!rc)
			rc = sf_buf_addc(out, '\n');
		if (r < 0) {
			rc = rc ? rc : sf_buf_addc(out, '|');
			for (size_t c = 0; c < t->ncols && !rc; c++)
				rc = sf_buf_adds(out, t->align[c] == SF_ALIGN_RIGHT ? " ---: |"
				                                                    : " --- |");
			if (!rc)
				rc = sf_buf_addc(out, '\n');
		}
	}
	return rc;
}

sf_status sf_table_write(const sf_table *t, sf_format fmt, sf_buf *out)
{
	switch (fmt) {
	case SF_FORMAT_TEXT:
		return sf_table_write_text(t, out);
	case SF_FORMAT_CSV:
		return sf_table_write_csv(t, out);
	case SF_FORMAT_MD:
		return sf_table_write_markdown(t, out);
	default:
		return SF_ERR_USAGE;
	}
}
