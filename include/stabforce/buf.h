/*
 * buf.h - a capped, growable text buffer (after curl's dynbuf).
 *
 * All text and JSON that libstabforce builds goes through sf_buf instead of
 * sprintf/strcat. A buffer never grows past its cap: an append that would
 * exceed it fails with SF_ERR_NOMEM and leaves the contents unchanged, so a
 * runaway output cannot eat the machine. The contents are always
 * NUL-terminated once anything has been appended.
 *
 * Lifecycle: sf_buf_init() on a stack or embedded struct, sf_buf_release()
 * to free the memory (the struct may then be reused after another init).
 */
#ifndef STABFORCE_BUF_H
#define STABFORCE_BUF_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_buf {
	char *data;  /* NUL-terminated contents, NULL until the first append */
	size_t len;  /* bytes used, not counting the NUL */
	size_t size; /* bytes allocated */
	size_t cap;  /* largest len allowed */
} sf_buf;

enum { SF_BUF_DEFAULT_CAP = 256 * 1024 * 1024 };

/* cap 0 means SF_BUF_DEFAULT_CAP. */
void sf_buf_init(sf_buf *b, size_t cap);
void sf_buf_release(sf_buf *b);
/* Empty the buffer, keeping its memory. */
void sf_buf_reset(sf_buf *b);
sf_status sf_buf_add(sf_buf *b, const void *mem, size_t n);
sf_status sf_buf_adds(sf_buf *b, const char *s);
sf_status sf_buf_addc(sf_buf *b, char c);
sf_status sf_buf_addf(sf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
sf_status sf_buf_vaddf(sf_buf *b, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));
/* The contents, "" when empty (never NULL). */
const char *sf_buf_str(const sf_buf *b);
/* Detach the contents (caller frees with free()); the buffer is left empty. */
char *sf_buf_detach(sf_buf *b);

/*
 * Bounded copy/format into a fixed array; always NUL-terminates, returns
 * the length that would have been written (like snprintf). These replace
 * strcpy, strncpy and sprintf everywhere.
 */
size_t sf_strlcpy(char *dst, const char *src, size_t n);
int sf_snprintf(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * An amount of money as every text and markdown output shows it: rounded
 * to a whole number, with thousands separators ("2,100,000", "-1,428");
 * "-" when v is not finite, in exponent form ("1.2e+21") from 1e18 on.
 * CSV and JSON keep plain numbers. It lives in base because the analysis
 * writers (below output in the layers) use it too. Returns buf.
 */
const char *sf_money_str(double v, char *buf, size_t n);

/*
 * The candidate closest to word by edit distance (at most max(2, len/3)
 * edits), or NULL: the "did you mean" of every message that refuses a
 * name (scenario keys, options, crossings). NULL candidates are skipped.
 */
const char *sf_closest(const char *word, const char *const *candidates, size_t n);

/*
 * Strict number parsing: the whole string, decimal only (optional sign,
 * digits, for a double an optional '.' and exponent); no blanks, no hex
 * ("0x1p4"), no "inf" or "nan", nothing out of range. 0 on success.
 */
int sf_parse_long(const char *s, long *out);
int sf_parse_double(const char *s, double *out);

#ifdef __cplusplus
}
#endif
#endif
