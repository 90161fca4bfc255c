/*
 * json.h - the one way stabforce writes and reads JSON (Jansson underneath,
 * in src/lib/base/json.c, the only file that includes <jansson.h>).
 *
 * Writing: an sf_json_writer builds one document, value by value, and
 * sf_json_writer_finish() appends it to an sf_buf. Errors are sticky: the
 * first failure (out of memory) is kept, every later call does nothing,
 * and finish reports it, so a caller checks one return value and a key is
 * never dropped silently. Every writer of the library (plans, analyses,
 * registers, check-plan, validate, the server's answers) goes through it,
 * so they share one number policy and one escaping:
 *
 *   - numbers: not finite -> null; whole and below 2^53 in magnitude ->
 *     an integer ("12", never "12.0"; -0 -> 0); otherwise a real with 15
 *     significant digits;
 *   - strings: UTF-8; control characters, quotes and backslashes escaped;
 *     a byte sequence that is not valid UTF-8 is written as U+FFFD (the
 *     replacement character), one per invalid byte, so that any bytes in
 *     a name give valid JSON; NULL is written as null;
 *   - layout: SF_JSON_PRETTY indents by two spaces and ends with a newline
 *     (documents); SF_JSON_COMPACT is one line without a final newline
 *     (records of a streamed list). Object keys keep their insertion order.
 *
 *     sf_json_writer w;
 *     sf_json_writer_init(&w);
 *     sf_json_object(&w, NULL);
 *     sf_json_str(&w, "name", sc->name);
 *     sf_json_array(&w, "months");
 *     for (m = 1; m <= M; m++)
 *             sf_json_int(&w, NULL, m);
 *     sf_json_end(&w);
 *     sf_json_end(&w);
 *     return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
 *
 * A value inside an object takes its key; inside an array (or as the
 * document itself) the key is NULL. Nesting errors (a key where none
 * belongs, end without open, finish with containers open) are bugs and
 * assert.
 *
 * Reading: sf_json_parse() turns a buffer into a read-only value tree; a
 * syntax error gives line, column and byte position. The accessors take
 * NULL and return "absent" for it (NULL, 0, SF_JSON_ABSENT), so a reader
 * may chain sf_json_get(sf_json_get(root, "a"), "b") and test once.
 */
#ifndef STABFORCE_JSON_H
#define STABFORCE_JSON_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Writing                                                              */

struct sf_json;

enum { SF_JSON_MAX_DEPTH = 32 };

typedef enum sf_json_style {
	SF_JSON_PRETTY = 0, /* two-space indent, final newline */
	SF_JSON_COMPACT = 1 /* one line, no final newline */
} sf_json_style;

typedef struct sf_json_writer {
	sf_status status;               /* the first failure; SF_OK while all is well */
	int depth;                      /* containers open */
	void *root;                     /* the document (a Jansson value), NULL before the first */
	void *stack[SF_JSON_MAX_DEPTH]; /* the open containers, outermost first */
	/* Direct mode (sf_json_writer_init_direct): the text goes straight to out. */
	sf_buf *direct;                          /* NULL: tree mode */
	sf_json_style style;                     /* direct: the layout written */
	size_t start;                            /* direct: out's length at init */
	int written;                             /* direct: a top-level value was begun */
	unsigned char filled[SF_JSON_MAX_DEPTH]; /* direct: the open container has a member */
} sf_json_writer;

void sf_json_writer_init(sf_json_writer *w);
/*
 * Direct mode: the same calls write the document's text straight into out
 * as they come, in the given style, byte for byte what the tree mode would
 * write (tests/unit/test_json.c compares the two on random documents),
 * without building a tree first: for documents written many times a
 * second (a page of incidents). Keys in one object must differ (the tree
 * mode keeps the last of equal keys; the direct mode cannot). finish takes
 * the same style and out; on failure out is cut back to its length at
 * init, as in the tree mode nothing is appended.
 */
void sf_json_writer_init_direct(sf_json_writer *w, sf_json_style style, sf_buf *out);
/* Drop what was built (when giving up before finish); w may be reused after init. */
void sf_json_writer_release(sf_json_writer *w);
/*
 * Make the writer fail with status (an allocation of the caller's own, for
 * the document, failed): sticky like any other failure, reported by finish.
 */
void sf_json_writer_fail(sf_json_writer *w, sf_status status);

/* Open an object or array as the value of key (NULL in an array or at the top). */
void sf_json_object(sf_json_writer *w, const char *key);
void sf_json_array(sf_json_writer *w, const char *key);
/* Close the innermost open object or array. */
void sf_json_end(sf_json_writer *w);

/* One value. s NULL gives null. */
void sf_json_str(sf_json_writer *w, const char *key, const char *s);
/* The first n bytes of s (may hold NUL bytes, written as \u0000). */
void sf_json_strn(sf_json_writer *w, const char *key, const char *s, size_t n);
/* A number under the policy above. */
void sf_json_num(sf_json_writer *w, const char *key, double v);
void sf_json_int(sf_json_writer *w, const char *key, long long v);
void sf_json_bool(sf_json_writer *w, const char *key, int v);
void sf_json_null(sf_json_writer *w, const char *key);
/* A copy of a parsed value (sf_json_parse); v NULL gives null. */
void sf_json_value(sf_json_writer *w, const char *key, const struct sf_json *v);
/*
 * n bytes of text holding one JSON value (a document kept in the store),
 * parsed and written as a value of this document: the one writer decides
 * its layout too. Text that is not JSON makes the writer fail with
 * SF_ERR_INPUT (sticky, as out of memory is).
 */
void sf_json_embed(sf_json_writer *w, const char *key, const char *text, size_t n);

/*
 * Append the document to out in the given style and release it. Returns
 * the sticky status (with a message in err) or, when the document was
 * built, the status of writing it out (SF_ERR_NOMEM when out is full).
 * On failure nothing is appended.
 */
sf_status sf_json_writer_finish(sf_json_writer *w, sf_json_style style, sf_buf *out, sf_error *err);

/* ------------------------------------------------------------------ */
/* Reading                                                              */

typedef struct sf_json sf_json; /* a parsed value, read-only */

typedef enum sf_json_type {
	SF_JSON_ABSENT = 0, /* a NULL value: a missing key, an index out of range */
	SF_JSON_OBJECT,
	SF_JSON_ARRAY,
	SF_JSON_STRING,
	SF_JSON_INTEGER,
	SF_JSON_REAL,
	SF_JSON_TRUE,
	SF_JSON_FALSE,
	SF_JSON_NULL
} sf_json_type;

/* Where a parse failed; line and column 1-based (column in characters). */
typedef struct sf_json_parse_error {
	int line;
	int column;
	size_t position; /* bytes from the start */
	char text[160];  /* what is wrong, lowercase */
} sf_json_parse_error;

enum {
	SF_JSON_REJECT_DUPLICATES = 1 /* a key twice in one object is an error */
};

/*
 * Parse len bytes of text (need not be NUL-terminated) into *out (caller
 * frees with sf_json_free). Returns SF_OK; SF_ERR_INPUT with *pe filled for
 * text that is not one JSON value (or not UTF-8); SF_ERR_NOMEM.
 */
sf_status sf_json_parse(const char *text, size_t len, unsigned flags, sf_json **out,
                        sf_json_parse_error *pe);
void sf_json_free(sf_json *v);

sf_json_type sf_json_typeof(const sf_json *v);
int sf_json_is_object(const sf_json *v);
int sf_json_is_array(const sf_json *v);
int sf_json_is_string(const sf_json *v);
int sf_json_is_number(const sf_json *v); /* integer or real */
int sf_json_is_integer(const sf_json *v);
int sf_json_is_null(const sf_json *v);

/* The member key of an object; NULL when v is not an object or has no such key. */
const sf_json *sf_json_get(const sf_json *v, const char *key);
/* Element i of an array; NULL when v is not an array or i is out of range. */
const sf_json *sf_json_at(const sf_json *v, size_t i);
/* Elements of an array or members of an object; 0 otherwise. */
size_t sf_json_size(const sf_json *v);
/* The i-th member of an object in document order: its key (NULL past the end), and *val. */
const char *sf_json_member(const sf_json *obj, size_t i, const sf_json **val);
/* A string's bytes (NUL-terminated) and length; NULL / 0 when v is not a string. */
const char *sf_json_string(const sf_json *v);
size_t sf_json_string_length(const sf_json *v);
/* A number as a double; 0 when v is not a number. */
double sf_json_number(const sf_json *v);
/* An integer's exact value; 0 when v is not an integer. */
long long sf_json_integer(const sf_json *v);

/* 1 when s[0..n) is valid UTF-8 (the writer's own rule) with no NUL byte. */
int sf_utf8_valid(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
