/*
 * output.h - what the writers of src/lib/output share: the streaming
 * helper for long lists and a table built from a column list.
 */
#ifndef STABFORCE_OUTPUT_H
#define STABFORCE_OUTPUT_H

#include "stabforce/stabforce.h"

/* A list being written: out, flushed through flush (format.h) as it grows. */
typedef struct sf_stream {
	sf_buf *out;
	sf_flush_fn flush; /* NULL: keep everything in out */
	void *ctx;
	sf_error *err;
} sf_stream;

void sf__stream_init(sf_stream *s, sf_buf *out, sf_flush_fn flush, void *ctx, sf_error *err);
/* Flush when out holds SF_FLUSH_CHUNK bytes or more. */
sf_status sf__stream_maybe_flush(sf_stream *s);
/* The final flush (of whatever is left). */
sf_status sf__stream_end(sf_stream *s);

/*
 * A table with the given column headers; a header starting with '>' is
 * right-aligned (numbers) and shown without the '>'. NULL when out of
 * memory (the table functions take NULL and the write reports it).
 */
sf_table *sf__table_with_columns(const char *const *cols, size_t n);

/* The plan's JSON document (sf_plan_write_json) as the value of key in w. */
void sf__plan_json(sf_json_writer *w, const char *key, const sf_plan *p);

#endif
