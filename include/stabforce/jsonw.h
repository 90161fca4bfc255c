/*
 * jsonw.h - a streaming JSON writer into an sf_buf, for documents written
 * often or that embed stored JSON as it is (the server's answers); json.h
 * builds a tree through Jansson for everything else.
 *
 * The writer (sf_jw) emits valid JSON whatever it is given: strings are
 * escaped per RFC 8259 and invalid UTF-8 becomes U+FFFD, non-finite
 * numbers become null, and commas are placed by the writer. Nesting is
 * tracked to SF_JW_MAX_DEPTH levels; the first failure (out of memory, the
 * buffer's cap, nesting too deep, a key outside an object) is kept in
 * jw->rc and every later call does nothing, so callers check once at the
 * end with sf_jw_finish().
 */
#ifndef STABFORCE_JSONW_H
#define STABFORCE_JSONW_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SF_JW_MAX_DEPTH = 64 };

typedef struct sf_jw {
	sf_buf *out;
	sf_status rc;                         /* first failure, SF_OK until then */
	int depth;                            /* open containers */
	unsigned char first[SF_JW_MAX_DEPTH]; /* 1: nothing written yet at this level */
	unsigned char is_obj[SF_JW_MAX_DEPTH];
	int after_key; /* a key was written: the next value needs no comma */
} sf_jw;

void sf_jw_init(sf_jw *w, sf_buf *out);
void sf_jw_object(sf_jw *w);
void sf_jw_object_end(sf_jw *w);
void sf_jw_array(sf_jw *w);
void sf_jw_array_end(sf_jw *w);
/* A key in the current object (the next call writes its value). */
void sf_jw_key(sf_jw *w, const char *key);
void sf_jw_str(sf_jw *w, const char *s); /* NULL writes null */
void sf_jw_strn(sf_jw *w, const char *s, size_t n);
void sf_jw_int(sf_jw *w, long long v);
void sf_jw_num(sf_jw *w, double v); /* shortest form that reads back the same */
void sf_jw_bool(sf_jw *w, int v);
void sf_jw_null(sf_jw *w);
/* Text that is already one JSON value (a stored document), written as is. */
void sf_jw_raw(sf_jw *w, const char *json, size_t n);
/* key + value in one call. */
void sf_jw_kstr(sf_jw *w, const char *key, const char *s);
void sf_jw_kint(sf_jw *w, const char *key, long long v);
void sf_jw_knum(sf_jw *w, const char *key, double v);
void sf_jw_kbool(sf_jw *w, const char *key, int v);
/* SF_OK when everything was written and every container closed. */
sf_status sf_jw_finish(sf_jw *w, sf_error *err);

/* Append s as a JSON string (quoted, escaped, invalid UTF-8 replaced). */
sf_status sf_json_add_string(sf_buf *out, const char *s, size_t n);
/* 1 when s[0..n) is valid UTF-8 with no NUL byte. */
int sf_utf8_valid(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
