/*
 * table.h - the tables every command prints: aligned text for people, CSV
 * for machines (RFC 4180 quoting).
 *
 * Build a table column by column header (or from an array of
 * sf_column_spec), add rows cell by cell (cells are copied), then write it. Numeric columns
 * (SF_ALIGN_RIGHT) are right-aligned in text. The table owns its memory; sf_table_free() frees it.
 *
 * Errors are sticky: the first failed add is kept and every write returns
 * it, so building a table and checking the write's status is enough. A NULL
 * table (sf_table_new() out of memory) is accepted everywhere and reported
 * as SF_ERR_NOMEM by the write.
 */
#ifndef STABFORCE_TABLE_H
#define STABFORCE_TABLE_H

#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "format.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_align { SF_ALIGN_LEFT = 0, SF_ALIGN_RIGHT = 1 } sf_align;

typedef struct sf_table sf_table;

sf_table *sf_table_new(void);
void sf_table_free(sf_table *t);
sf_status sf_table_add_column(sf_table *t, const char *header, sf_align align);
/* One column of a table's header, for sf_table_add_columns. */
typedef struct sf_column_spec {
	const char *header;
	sf_align align;
} sf_column_spec;
/* Add n columns in order, as n sf_table_add_column calls; the first failure
 * stops it (and sticks, as every add does). */
sf_status sf_table_add_columns(sf_table *t, const sf_column_spec *cols, size_t n);
/* Start a new row; then add exactly one cell per column. */
sf_status sf_table_begin_row(sf_table *t);
sf_status sf_table_add_cell(sf_table *t, const char *text);
sf_status sf_table_add_cellf(sf_table *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
size_t sf_table_rows(const sf_table *t);
/* Aligned text: header, a rule, rows; two spaces between columns. */
sf_status sf_table_write_text(const sf_table *t, sf_buf *out);
/* CSV: header row then rows, CRLF-free ("\n"), quoted where needed. */
sf_status sf_table_write_csv(const sf_table *t, sf_buf *out);
/* Markdown pipe table (reports). */
sf_status sf_table_write_markdown(const sf_table *t, sf_buf *out);
/* One of the three by format (text, csv, md); SF_ERR_USAGE for the others. */
sf_status sf_table_write(const sf_table *t, sf_format fmt, sf_buf *out);

#ifdef __cplusplus
}
#endif
#endif
