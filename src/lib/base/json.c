/*
 * json.c - the Jansson adapter (json.h): the one file that includes
 * <jansson.h>.
 *
 * The writer builds a Jansson tree and dumps it once, so the escaping,
 * the number format and the indentation are Jansson's and the same for
 * every output. Each constructor's result is checked; the first failure
 * is kept in the writer (sticky) and reported by finish, never dropped.
 * Strings are checked for UTF-8 here rather than by Jansson (which would
 * refuse the whole string): an invalid byte becomes U+FFFD and the string
 * goes in with the _nocheck constructors, whose contract (valid UTF-8) the
 * check below establishes with Jansson's own rules (no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 *
 * The direct mode (sf_json_writer_init_direct) writes the same text as
 * the calls come, with no tree: the escaping, the number format and the
 * indentation below copy Jansson's dump (2.14: dump.c, strconv.c) rule
 * for rule, and tests/unit/test_json.c holds the two modes byte-identical
 * on thousands of random documents. A page of 100 incidents is written
 * many times a second; the tree cost it half its time.
 *
 * The reader is Jansson's parser with its positions; the value type
 * sf_json is Jansson's json_t under another name, so the accessors are
 * casts and cost nothing.
 */
#include "base/internal.h"

#include <assert.h>
#include <locale.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "stabforce/json.h"

/* The largest magnitude below which every whole double is an exact integer (2^53). */
#define SF_JSON_EXACT_INT_LIMIT 9007199254740992.0

/* Significant digits of a real: enough for every figure, no float noise past it. */
#define SF_JSON_REAL_DIGITS 15

/* ------------------------------------------------------------------ */
/* UTF-8                                                                */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/*
 * s[0..n) as valid UTF-8: s itself (*copy NULL) when it is, else a copy in
 * *copy with each invalid byte replaced by U+FFFD (NULL when out of memory,
 * *copy too).
 */
static const char *utf8_clean(const char *s, size_t n, size_t *out_n, char **copy)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	char *c;

	*copy = NULL;
	*out_n = n;
	while (i < n && (k = utf8_seq(u + i, n - i)) > 0)
		i += k;
	if (i == n)
		return s;
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	c = malloc(3 * n + 1);
	if (!c)
		return NULL;
	memcpy(c, s, i);
	k = i;
	while (i < n) {
		size_t len = utf8_seq(u + i, n - i);
		if (len) {
			memcpy(c + k, s + i, len);
			k += len;
			i += len;
		} else {
			memcpy(c + k, "\xEF\xBF\xBD", 3);
			k += 3;
			i++;
		}
	}
	c[k] = '\0';
	*copy = c;
	*out_n = k;
	return c;
}

int sf_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	while (i < n && u[i] != 0 && (k = utf8_seq(u + i, n - i)) > 0)
		i += k;
	return i == n;
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */

void sf_json_writer_init(sf_json_writer *w)
{
	memset(w, 0, sizeof *w);
}

void sf_json_writer_init_direct(sf_json_writer *w, sf_json_style style, sf_buf *out)
{
	sf_json_writer_init(w);
	w->direct = out;
	w->style = style;
	w->start = out->len;
}

/* Cut a direct writer's output back to where it began. */
static void direct_cut(sf_json_writer *w)
{
	if (w->direct && w->direct->data) {
		w->direct->len = w->start;
		w->direct->data[w->start] = '\0';
	}
}

void sf_json_writer_release(sf_json_writer *w)
{
	json_decref(w->root);
	direct_cut(w);
	sf_json_writer_init(w);
}

static void fail(sf_json_writer *w)
{
	if (w->status == SF_OK)
		w->status = SF_ERR_NOMEM;
}

void sf_json_writer_fail(sf_json_writer *w, sf_status status)
{
	if (w->status == SF_OK && status != SF_OK)
		w->status = status;
}

/* ---- direct mode: Jansson's dump, rule for rule ---- */

static void d_add(sf_json_writer *w, const char *text, size_t n)
{
	if (w->status == SF_OK && sf_buf_add(w->direct, text, n) != SF_OK)
		fail(w);
}

/* A new line and the indent of depth (pretty only): dump_indent. */
static void d_indent(sf_json_writer *w, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = 2 * (size_t)depth;
	if (w->style != SF_JSON_PRETTY)
		return;
	d_add(w, "\n", 1);
	for (; n > 0; n -= n < sizeof spaces - 1 ? n : sizeof spaces - 1)
		d_add(w, spaces, n < sizeof spaces - 1 ? n : sizeof spaces - 1);
}

/* s[0..n), valid UTF-8, as a JSON string: dump_string without ENSURE_ASCII. */
static void d_string(sf_json_writer *w, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0;
	char seq[8];

	d_add(w, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		const char *text;
		unsigned char c = u[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		d_add(w, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '\\':
			text = "\\\\";
			break;
		case '"':
			text = "\\\"";
			break;
		case '\b':
			text = "\\b";
			break;
		case '\f':
			text = "\\f";
			break;
		case '\n':
			text = "\\n";
			break;
		case '\r':
			text = "\\r";
			break;
		case '\t':
			text = "\\t";
			break;
		default:
			snprintf(seq, sizeof seq, "\\u%04X", (unsigned)c);
			text = seq;
			break;
		}
		d_add(w, text, strlen(text));
	}
	d_add(w, s + run, n - run);
	d_add(w, "\"", 1);
}

/* A real: jsonp_dtostr (%.15g, a '.' or an 'e' always, no '+' or leading 0 in the exponent). */
static void d_real(sf_json_writer *w, double v)
{
	char buf[64];
	const char *point = localeconv()->decimal_point;
	int n = snprintf(buf, sizeof buf - 3, "%.*g", SF_JSON_REAL_DIGITS, v);
	char *e, *from;

	if (n < 0 || (size_t)n >= sizeof buf - 3) {
		fail(w);
		return;
	}
	if (point && *point && *point != '.') {
		char *p = strchr(buf, *point);
		if (p)
			*p = '.';
	}
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + n, ".0", 3);
		n += 2;
	}
	e = strchr(buf, 'e');
	if (e) {
		e++;
		from = e + 1;
		if (*e == '-')
			e++;
		while (*from == '0')
			from++;
		if (from != e) {
			memmove(e, from, (size_t)n - (size_t)(from - buf) + 1);
			n -= (int)(from - e);
		}
	}
	d_add(w, buf, (size_t)n);
}

static void d_integer(sf_json_writer *w, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld", v);
	d_add(w, buf, (size_t)n);
}

/* Before a value under key: the comma, the indent and the key. */
static void d_begin(sf_json_writer *w, const char *key)
{
	if (w->depth == 0) {
		assert(!key && !w->written && "a second top-level value, or a key at the top");
		w->written = 1;
		return;
	}
	if (w->filled[w->depth - 1])
		d_add(w, ",", 1);
	w->filled[w->depth - 1] = 1;
	d_indent(w, w->depth);
	if (key) {
		size_t n;
		char *copy;
		const char *k = utf8_clean(key, strlen(key), &n, &copy);
		if (!k) {
			fail(w);
			return;
		}
		d_string(w, k, n);
		free(copy);
		d_add(w, w->style == SF_JSON_PRETTY ? ": " : ":",
		      w->style == SF_JSON_PRETTY ? 2 : 1);
	}
}

/* A Jansson value (a parsed document, any depth) written at depth. */
static void d_jansson(sf_json_writer *w, const json_t *v, int depth)
{
	size_t i = 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *m;
		d_add(w, "{", 1);
		json_object_foreach((json_t *)v, k, m)
		{
			if (i++)
				d_add(w, ",", 1);
			d_indent(w, depth + 1);
			d_string(w, k, json_object_iter_key_len(json_object_key_to_iter(k)));
			d_add(w, w->style == SF_JSON_PRETTY ? ": " : ":",
			      w->style == SF_JSON_PRETTY ? 2 : 1);
			d_jansson(w, m, depth + 1);
		}
		if (i)
			d_indent(w, depth);
		d_add(w, "}", 1);
		break;
	}
	case JSON_ARRAY:
		d_add(w, "[", 1);
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				d_add(w, ",", 1);
			d_indent(w, depth + 1);
			d_jansson(w, json_array_get(v, i), depth + 1);
		}
		if (i)
			d_indent(w, depth);
		d_add(w, "]", 1);
		break;
	case JSON_STRING:
		d_string(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		d_integer(w, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		d_real(w, json_real_value(v));
		break;
	case JSON_TRUE:
		d_add(w, "true", 4);
		break;
	case JSON_FALSE:
		d_add(w, "false", 5);
		break;
	default:
		d_add(w, "null", 4);
		break;
	}
}

static void d_open(sf_json_writer *w, const char *key, const char *open, const char *close)
{
	assert(w->depth < SF_JSON_MAX_DEPTH && "JSON nested too deep");
	d_begin(w, key);
	d_add(w, open, 1);
	w->filled[w->depth] = 0;
	w->stack[w->depth++] = (void *)close;
}

/* Attach v (a new reference, may be NULL on a failed constructor) under key. */
static void attach(sf_json_writer *w, const char *key, json_t *v)
{
	if (w->status != SF_OK) {
		json_decref(v);
		return;
	}
	if (!v) {
		fail(w);
		return;
	}
	if (w->depth == 0) {
		assert(!key && !w->root && "a second top-level value, or a key at the top");
		w->root = v;
		return;
	}
	json_t *parent = w->stack[w->depth - 1];
	if (json_is_array(parent)) {
		assert(!key && "a key inside an array");
		if (json_array_append_new(parent, v) != 0)
			fail(w);
		return;
	}
	assert(key && "a value without a key inside an object");
	size_t n;
	char *copy;
	const char *k = utf8_clean(key, strlen(key), &n, &copy);
	if (!k || json_object_setn_new_nocheck(parent, k, n, v) != 0)
		fail(w);
	if (!k)
		json_decref(v);
	free(copy);
}

static void open_container(sf_json_writer *w, const char *key, json_t *c)
{
	assert(w->depth < SF_JSON_MAX_DEPTH && "JSON nested too deep");
	assert((w->depth > 0 || !w->root) && "a second top-level value");
	/* Borrowed: the parent (or root) owns c once attached; NULL once failed. */
	json_t *held = w->status == SF_OK && c ? c : NULL;
	attach(w, key, c);
	w->stack[w->depth++] = w->status == SF_OK ? held : NULL;
}

void sf_json_object(sf_json_writer *w, const char *key)
{
	if (w->direct) {
		d_open(w, key, "{", "}");
		return;
	}
	open_container(w, key, w->status == SF_OK ? json_object() : NULL);
}

void sf_json_array(sf_json_writer *w, const char *key)
{
	if (w->direct) {
		d_open(w, key, "[", "]");
		return;
	}
	open_container(w, key, w->status == SF_OK ? json_array() : NULL);
}

void sf_json_end(sf_json_writer *w)
{
	assert(w->depth > 0 && "sf_json_end without an open object or array");
	w->depth--;
	if (w->direct) {
		if (w->filled[w->depth])
			d_indent(w, w->depth);
		d_add(w, w->stack[w->depth], 1);
	}
}

void sf_json_strn(sf_json_writer *w, const char *key, const char *s, size_t n)
{
	if (w->status != SF_OK)
		return;
	if (!s) {
		sf_json_null(w, key);
		return;
	}
	size_t cn;
	char *copy;
	const char *c = utf8_clean(s, n, &cn, &copy);
	if (w->direct) {
		d_begin(w, key);
		if (c)
			d_string(w, c, cn);
		else
			fail(w);
	} else {
		attach(w, key, c ? json_stringn_nocheck(c, cn) : NULL);
	}
	free(copy);
}

void sf_json_str(sf_json_writer *w, const char *key, const char *s)
{
	sf_json_strn(w, key, s, s ? strlen(s) : 0);
}

void sf_json_num(sf_json_writer *w, const char *key, double v)
{
	if (w->status != SF_OK)
		return;
	if (w->direct) {
		if (!isfinite(v))
			sf_json_null(w, key);
		else if (v == floor(v) && fabs(v) < SF_JSON_EXACT_INT_LIMIT)
			sf_json_int(w, key, (long long)v);
		else {
			d_begin(w, key);
			d_real(w, v);
		}
		return;
	}
	if (!isfinite(v))
		attach(w, key, json_null());
	else if (v == floor(v) && fabs(v) < SF_JSON_EXACT_INT_LIMIT)
		attach(w, key, json_integer((json_int_t)v)); /* -0.0 too */
	else
		attach(w, key, json_real(v));
}

void sf_json_int(sf_json_writer *w, const char *key, long long v)
{
	if (w->status == SF_OK && w->direct) {
		d_begin(w, key);
		d_integer(w, v);
	} else if (w->status == SF_OK)
		attach(w, key, json_integer((json_int_t)v));
}

void sf_json_bool(sf_json_writer *w, const char *key, int v)
{
	if (w->status == SF_OK && w->direct) {
		d_begin(w, key);
		d_add(w, v ? "true" : "false", v ? 4 : 5);
	} else if (w->status == SF_OK)
		attach(w, key, json_boolean(v));
}

void sf_json_null(sf_json_writer *w, const char *key)
{
	if (w->status == SF_OK && w->direct) {
		d_begin(w, key);
		d_add(w, "null", 4);
	} else if (w->status == SF_OK)
		attach(w, key, json_null());
}

void sf_json_value(sf_json_writer *w, const char *key, const sf_json *v)
{
	if (w->status == SF_OK && w->direct) {
		d_begin(w, key);
		d_jansson(w, v ? (const json_t *)v : json_null(), w->depth);
	} else if (w->status == SF_OK)
		attach(w, key, v ? json_deep_copy((const json_t *)v) : json_null());
}

void sf_json_embed(sf_json_writer *w, const char *key, const char *text, size_t n)
{
	json_error_t je;
	json_t *v;
	if (w->status != SF_OK)
		return;
	v = json_loadb(text, n, JSON_DECODE_ANY, &je);
	if (!v) {
		w->status = json_error_code(&je) == json_error_out_of_memory ? SF_ERR_NOMEM
		                                                             : SF_ERR_INPUT;
		return;
	}
	if (w->direct) {
		d_begin(w, key);
		d_jansson(w, v, w->depth);
		json_decref(v);
		return;
	}
	attach(w, key, v);
}

typedef struct dump_ctx {
	sf_buf *out;
	sf_status rc;
} dump_ctx;

static int dump_cb(const char *buffer, size_t size, void *data)
{
	dump_ctx *d = data;
	d->rc = sf_buf_add(d->out, buffer, size);
	return d->rc == SF_OK ? 0 : -1;
}

sf_status sf_json_writer_finish(sf_json_writer *w, sf_json_style style, sf_buf *out, sf_error *err)
{
	size_t flags = JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
	               JSON_REAL_PRECISION(SF_JSON_REAL_DIGITS) |
	               (style == SF_JSON_COMPACT ? JSON_COMPACT : JSON_INDENT(2));
	size_t start = out->len;
	dump_ctx d = {out, SF_OK};
	sf_status rc = w->status;

	assert((w->status != SF_OK || w->depth == 0) && "finish with an object or array open");
	if (w->direct) {
		assert(out == w->direct && style == w->style &&
		       "finish of a direct writer elsewhere");
		assert((rc != SF_OK || w->written) && "finish of an empty document");
		if (rc == SF_OK && style == SF_JSON_PRETTY)
			d_add(w, "\n", 1);
		rc = w->status;
		if (rc == SF_OK)
			w->direct = NULL; /* kept: release cuts back only a failed one */
		else
			sf_error_set(err, rc, "%s",
			             rc == SF_ERR_INPUT
			                     ? "a stored JSON document is not valid JSON"
			                     : "out of memory writing JSON (output too large?)");
		goto out;
	}
	if (rc != SF_OK) {
		sf_error_set(err, rc, "%s",
		             rc == SF_ERR_NOMEM   ? "out of memory building JSON"
		             : rc == SF_ERR_INPUT ? "a stored JSON document is not valid JSON"
		                                  : sf_status_str(rc));
		goto out;
	}
	assert(w->root && "finish of an empty document");
	if (json_dump_callback(w->root, dump_cb, &d, flags) != 0 ||
	    (style == SF_JSON_PRETTY && (d.rc = sf_buf_addc(out, '\n')) != SF_OK)) {
		rc = d.rc != SF_OK ? d.rc : SF_ERR_NOMEM;
		sf_error_set(err, rc, "out of memory writing JSON (output too large?)");
		if (out->data) {
			out->len = start;
			out->data[start] = '\0';
		}
	}
out:
	sf_json_writer_release(w);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */

#define J(v) ((const json_t *)(v))

sf_status sf_json_parse(const char *text, size_t len, unsigned flags, sf_json **out,
                        sf_json_parse_error *pe)
{
	json_error_t je;
	size_t jflags = (flags & SF_JSON_REJECT_DUPLICATES) ? JSON_REJECT_DUPLICATES : 0;
	const char *nul = memchr(text, '\0', len);
	json_t *root;

	/* A raw NUL byte is never JSON (a string writes it \u0000), but Jansson
	 * skips one between tokens: refuse it here, where it is. */
	if (nul) {
		*out = NULL;
		if (pe) {
			pe->position = (size_t)(nul - text);
			sf__text_position(text, len, pe->position, &pe->line, &pe->column);
			sf_strlcpy(pe->text, "a NUL byte (JSON text has none)", sizeof pe->text);
		}
		return SF_ERR_INPUT;
	}
	root = json_loadb(text, len, jflags, &je);
	*out = (sf_json *)root;
	if (root)
		return SF_OK;
	if (pe) {
		/* Jansson gives column 0 (or -1) at the end of the input: then the
		 * position is computed from its byte offset. */
		sf__json_error_position(text, len, je.line, je.column,
		                        (size_t)(je.position > 0 ? je.position : 0), &pe->line,
		                        &pe->column);
		pe->position = (size_t)(je.position > 0 ? je.position : 0);
		sf_strlcpy(pe->text, je.text, sizeof pe->text);
	}
	return json_error_code(&je) == json_error_out_of_memory ? SF_ERR_NOMEM : SF_ERR_INPUT;
}

void sf_json_free(sf_json *v)
{
	json_decref((json_t *)v);
}

sf_json_type sf_json_typeof(const sf_json *v)
{
	if (!v)
		return SF_JSON_ABSENT;
	switch (json_typeof(J(v))) {
	case JSON_OBJECT:
		return SF_JSON_OBJECT;
	case JSON_ARRAY:
		return SF_JSON_ARRAY;
	case JSON_STRING:
		return SF_JSON_STRING;
	case JSON_INTEGER:
		return SF_JSON_INTEGER;
	case JSON_REAL:
		return SF_JSON_REAL;
	case JSON_TRUE:
		return SF_JSON_TRUE;
	case JSON_FALSE:
		return SF_JSON_FALSE;
	default:
		return SF_JSON_NULL;
	}
}

int sf_json_is_object(const sf_json *v)
{
	return json_is_object(J(v));
}

int sf_json_is_array(const sf_json *v)
{
	return json_is_array(J(v));
}

int sf_json_is_string(const sf_json *v)
{
	return json_is_string(J(v));
}

int sf_json_is_number(const sf_json *v)
{
	return json_is_number(J(v));
}

int sf_json_is_integer(const sf_json *v)
{
	return json_is_integer(J(v));
}

int sf_json_is_null(const sf_json *v)
{
	return json_is_null(J(v));
}

const sf_json *sf_json_get(const sf_json *v, const char *key)
{
	return (const sf_json *)json_object_get(J(v), key);
}

const sf_json *sf_json_at(const sf_json *v, size_t i)
{
	return (const sf_json *)json_array_get(J(v), i);
}

size_t sf_json_size(const sf_json *v)
{
	if (json_is_array(J(v)))
		return json_array_size(J(v));
	if (json_is_object(J(v)))
		return json_object_size(J(v));
	return 0;
}

const char *sf_json_string(const sf_json *v)
{
	return json_string_value(J(v));
}

size_t sf_json_string_length(const sf_json *v)
{
	return json_is_string(J(v)) ? json_string_length(J(v)) : 0;
}

double sf_json_number(const sf_json *v)
{
	return json_number_value(J(v));
}

long long sf_json_integer(const sf_json *v)
{
	return (long long)json_integer_value(J(v));
}

const char *sf_json_member(const sf_json *obj, size_t i, const sf_json **val)
{
	json_t *o = (json_t *)(uintptr_t)obj;
	void *it = o && json_is_object(o) ? json_object_iter(o) : NULL;
	for (size_t k = 0; it && k < i; k++)
		it = json_object_iter_next(o, it);
	*val = it ? (const sf_json *)json_object_iter_value(it) : NULL;
	return it ? json_object_iter_key(it) : NULL;
}
