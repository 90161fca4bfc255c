/*
 * jsonw.c - the streaming JSON writer (include/stabforce/jsonw.h).
 *
 * Writing streams straight into an sf_buf rather than building a Jansson
 * tree: the server answers the same documents thousands of times a second
 * and embeds stored documents (job results) as they are, which a tree
 * would parse and print again. The writer keeps one "first element" flag
 * per nesting level and places the commas itself, so a caller cannot
 * produce invalid JSON by forgetting one.
 *
 * Strings are validated as UTF-8 while they are escaped: a byte sequence
 * that is not well-formed UTF-8 (overlong forms, surrogates, code points
 * past U+10FFFF, truncated sequences) becomes U+FFFD, so text read from a
 * CSV file or a request can never make the output unparsable.
 */
#include "base/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/jsonw.h"

/* ---------------------------------------------------------------- */
/* UTF-8                                                              */

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
		return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		                       (s[3] & 0xC0) == 0x80
		               ? 4
		               : 0;
	}
	return 0;
}

int sf_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t k = p[i] ? utf8_seq(p + i, n - i) : 0;
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

sf_status sf_json_add_string(sf_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	sf_status rc = sf_buf_addc(out, '"');
	size_t i = 0, run = 0; /* bytes [i - run, i) are copied as they are */

	while (rc == SF_OK && i < n) {
		unsigned char c = p[i];
		size_t k = c >= 0x20 && c != '"' && c != '\\' ? utf8_seq(p + i, n - i) : 0;
		if (k > 0) {
			i += k;
			run += k;
			continue;
		}
		rc = sf_buf_add(out, p + i - run, run);
		run = 0;
		if (rc != SF_OK)
			break;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			rc = sf_buf_add(out, e, 2);
		} else if (c < 0x20) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			if (c == '\n' || c == '\t' || c == '\r')
				rc = sf_buf_add(out,
				                c == '\n'   ? "\\n"
				                : c == '\t' ? "\\t"
				                            : "\\r",
				                2);
			else
				rc = sf_buf_add(out, e, 6);
		} else {
			rc = sf_buf_adds(out, "\xEF\xBF\xBD"); /* U+FFFD for a bad byte */
		}
		i++;
	}
	if (rc == SF_OK)
		rc = sf_buf_add(out, p + i - run, run);
	if (rc == SF_OK)
		rc = sf_buf_addc(out, '"');
	return rc;
}

/* ---------------------------------------------------------------- */
/* Writer                                                             */

void sf_jw_init(sf_jw *w, sf_buf *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
}

/* Before a value: the comma, unless first at its level or after a key. */
static int value_start(sf_jw *w)
{
	if (w->rc != SF_OK)
		return 0;
	if (w->depth > 0 && w->is_obj[w->depth - 1] && !w->after_key) {
		w->rc = SF_ERR_INTERNAL; /* a value in an object needs a key */
		return 0;
	}
	if (!w->after_key && w->depth > 0 && !w->first[w->depth - 1])
		w->rc = sf_buf_addc(w->out, ',');
	if (w->depth > 0)
		w->first[w->depth - 1] = 0;
	w->after_key = 0;
	return w->rc == SF_OK;
}

static void open_level(sf_jw *w, char c, int is_obj)
{
	if (!value_start(w))
		return;
	if (w->depth >= SF_JW_MAX_DEPTH) {
		w->rc = SF_ERR_INTERNAL;
		return;
	}
	w->first[w->depth] = 1;
	w->is_obj[w->depth] = (unsigned char)is_obj;
	w->depth++;
	w->rc = sf_buf_addc(w->out, c);
}

static void close_level(sf_jw *w, char c, int is_obj)
{
	if (w->rc != SF_OK)
		return;
	if (w->depth == 0 || w->is_obj[w->depth - 1] != is_obj || w->after_key) {
		w->rc = SF_ERR_INTERNAL;
		return;
	}
	w->depth--;
	w->rc = sf_buf_addc(w->out, c);
}

void sf_jw_object(sf_jw *w)
{
	open_level(w, '{', 1);
}

void sf_jw_object_end(sf_jw *w)
{
	close_level(w, '}', 1);
}

void sf_jw_array(sf_jw *w)
{
	open_level(w, '[', 0);
}

void sf_jw_array_end(sf_jw *w)
{
	close_level(w, ']', 0);
}

void sf_jw_key(sf_jw *w, const char *key)
{
	if (w->rc != SF_OK)
		return;
	if (w->depth == 0 || !w->is_obj[w->depth - 1] || w->after_key) {
		w->rc = SF_ERR_INTERNAL;
		return;
	}
	if (!w->first[w->depth - 1])
		w->rc = sf_buf_addc(w->out, ',');
	w->first[w->depth - 1] = 0;
	if (w->rc == SF_OK)
		w->rc = sf_json_add_string(w->out, key, strlen(key));
	if (w->rc == SF_OK)
		w->rc = sf_buf_addc(w->out, ':');
	w->after_key = 1;
}

void sf_jw_strn(sf_jw *w, const char *s, size_t n)
{
	if (value_start(w))
		w->rc = sf_json_add_string(w->out, s, n);
}

void sf_jw_str(sf_jw *w, const char *s)
{
	if (!s)
		sf_jw_null(w);
	else
		sf_jw_strn(w, s, strlen(s));
}

void sf_jw_int(sf_jw *w, long long v)
{
	if (value_start(w))
		w->rc = sf_buf_addf(w->out, "%lld", v);
}

void sf_jw_num(sf_jw *w, double v)
{
	char tmp[32];
	if (!isfinite(v)) {
		sf_jw_null(w);
		return;
	}
	if (!value_start(w))
		return;
	/* The shortest of %.15g .. %.17g that reads back exactly. */
	for (int prec = 15; prec <= 17; prec++) {
		sf_snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	w->rc = sf_buf_adds(w->out, tmp);
}

void sf_jw_bool(sf_jw *w, int v)
{
	if (value_start(w))
		w->rc = sf_buf_adds(w->out, v ? "true" : "false");
}

void sf_jw_null(sf_jw *w)
{
	if (value_start(w))
		w->rc = sf_buf_adds(w->out, "null");
}

void sf_jw_raw(sf_jw *w, const char *json, size_t n)
{
	if (value_start(w))
		w->rc = sf_buf_add(w->out, json, n);
}

void sf_jw_kstr(sf_jw *w, const char *key, const char *s)
{
	sf_jw_key(w, key);
	sf_jw_str(w, s);
}

void sf_jw_kint(sf_jw *w, const char *key, long long v)
{
	sf_jw_key(w, key);
	sf_jw_int(w, v);
}

void sf_jw_knum(sf_jw *w, const char *key, double v)
{
	sf_jw_key(w, key);
	sf_jw_num(w, v);
}

void sf_jw_kbool(sf_jw *w, const char *key, int v)
{
	sf_jw_key(w, key);
	sf_jw_bool(w, v);
}

sf_status sf_jw_finish(sf_jw *w, sf_error *err)
{
	if (w->rc == SF_OK && (w->depth != 0 || w->after_key))
		w->rc = SF_ERR_INTERNAL;
	if (w->rc == SF_ERR_INTERNAL)
		return sf_error_set(err, SF_ERR_INTERNAL, "json writer: unbalanced document");
	if (w->rc != SF_OK)
		return sf_error_set(err, w->rc, "json writer: %s", sf_status_str(w->rc));
	return SF_OK;
}
