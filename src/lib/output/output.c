/*
 * output.c - helpers of the writers (output.h): streaming a long list
 * through the caller's flush, and tables from a column list.
 */
#include "base/internal.h"

#include "output/output.h"

void sf__stream_init(sf_stream *s, sf_buf *out, sf_flush_fn flush, void *ctx, sf_error *err)
{
	s->out = out;
	s->flush = flush;
	s->ctx = ctx;
	s->err = err;
}

static sf_status flush(sf_stream *s)
{
	sf_status rc = s->flush(s->ctx, s->out);
	if (rc != SF_OK)
		sf_error_set(s->err, rc, "cannot write the output");
	return rc;
}

sf_status sf__stream_maybe_flush(sf_stream *s)
{
	if (!s->flush || s->out->len < SF_FLUSH_CHUNK)
		return SF_OK;
	return flush(s);
}

sf_status sf__stream_end(sf_stream *s)
{
	if (!s->flush || s->out->len == 0)
		return SF_OK;
	return flush(s);
}

sf_table *sf__table_with_columns(const char *const *cols, size_t n)
{
	sf_table *t = sf_table_new();
	for (size_t i = 0; i < n; i++) {
		int right = cols[i][0] == '>';
		sf_table_add_column(t, cols[i] + right, right ? SF_ALIGN_RIGHT : SF_ALIGN_LEFT);
	}
	return t;
}
