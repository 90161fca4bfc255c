/*
 * format.h - the output formats every writer of the library takes.
 *
 * One enum for every output of every command (plans, analyses, check-plan,
 * validate, the registers): the command's --format and the server's
 * ?format= both map onto it. A writer that does not offer a format
 * returns SF_ERR_USAGE with a message naming the formats it has.
 */
#ifndef STABFORCE_FORMAT_H
#define STABFORCE_FORMAT_H

#include "buf.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_format {
	SF_FORMAT_TEXT = 0,   /* aligned tables and sentences, for people */
	SF_FORMAT_JSON = 1,   /* one JSON document (docs/output.md) */
	SF_FORMAT_CSV = 2,    /* RFC 4180, one table with a header row */
	SF_FORMAT_MD = 3,     /* markdown, for reports */
	SF_FORMAT_GEOJSON = 4 /* a FeatureCollection (incident lists) */
} sf_format;

/* "text", "json", "csv", "md", "geojson". */
const char *sf_format_str(sf_format fmt);
/* The format named s (as sf_format_str gives; "markdown" too), or -1. */
int sf_format_parse(const char *s);

/*
 * Streaming: a writer of a list that may be long (a million incidents)
 * calls flush(ctx, out) whenever out holds SF_FLUSH_CHUNK bytes or more,
 * and once at the end; flush takes the bytes away (writes them, then
 * sf_buf_reset(out)) and returns SF_OK, or an error that stops the writer
 * (and is returned by it). A NULL flush keeps the whole output in out.
 */
enum { SF_FLUSH_CHUNK = 64 * 1024 };
typedef sf_status (*sf_flush_fn)(void *ctx, sf_buf *out);

#ifdef __cplusplus
}
#endif
#endif
