/*
 * buf.c - the capped growable buffer of buf.h, and the bounded string
 * helpers that replace the C library's unsafe ones.
 *
 * Growth doubles the allocation (amortised O(1) appends) but never lets
 * len pass cap. A failed append leaves the buffer exactly as it was.
 */
#include "base/internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sf_buf_init(sf_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	b->cap = cap ? cap : SF_BUF_DEFAULT_CAP;
}

void sf_buf_release(sf_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->size = 0;
}

void sf_buf_reset(sf_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the NUL. */
static sf_status grow(sf_buf *b, size_t n)
{
	if (n > b->cap - b->len)
		return SF_ERR_NOMEM;
	size_t need = b->len + n + 1;
	if (need <= b->size)
		return SF_OK;
	size_t size = b->size ? b->size : 64;
	while (size < need)
		size = size > SIZE_MAX / 2 ? need : size * 2;
	if (size > b->cap + 1)
		size = b->cap + 1;
	char *p = realloc(b->data, size);
	if (!p)
		return SF_ERR_NOMEM;
	b->data = p;
	b->size = size;
	return SF_OK;
}

sf_status sf_buf_add(sf_buf *b, const void *mem, size_t n)
{
	sf_status rc = grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, mem, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SF_OK;
}

sf_status sf_buf_adds(sf_buf *b, const char *s)
{
	return sf_buf_add(b, s, strlen(s));
}

sf_status sf_buf_addc(sf_buf *b, char c)
{
	if (b->len < b->cap && b->len + 2 <= b->size) { /* room: no grow (imports add millions) */
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return SF_OK;
	}
	return sf_buf_add(b, &c, 1);
}

sf_status sf_buf_vaddf(sf_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return SF_ERR_INTERNAL;
	if ((size_t)n < sizeof small)
		return sf_buf_add(b, small, (size_t)n);
	sf_status rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return SF_OK;
}

sf_status sf_buf_addf(sf_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sf_status rc = sf_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *sf_buf_str(const sf_buf *b)
{
	return b->data ? b->data : "";
}

char *sf_buf_detach(sf_buf *b)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	return p;
}

size_t sf_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);
	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return len;
}

int sf_snprintf(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	if (r < 0 && n)
		dst[0] = '\0';
	return r;
}

/* Beyond this a whole number in %.0f has too many digits to group. */
#define MONEY_PLAIN_MAX 1e18

const char *sf_money_str(double v, char *buf, size_t n)
{
	char digits[32], tmp[48];
	size_t len, k = 0;
	double r;

	if (!n)
		return buf;
	if (!isfinite(v)) {
		sf_strlcpy(buf, "-", n);
		return buf;
	}
	r = round(v);
	if (fabs(r) >= MONEY_PLAIN_MAX) {
		sf_snprintf(buf, n, "%.2g", v);
		return buf;
	}
	sf_snprintf(digits, sizeof digits, "%.0f", fabs(r));
	len = strlen(digits);
	if (r < 0)
		tmp[k++] = '-';
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			tmp[k++] = ',';
		tmp[k++] = digits[i];
	}
	tmp[k] = '\0';
	sf_strlcpy(buf, tmp, n);
	return buf;
}

/*
 * Whether s is a decimal number as people write it: an optional sign,
 * digits with at most one '.', an optional exponent (e or E, optional
 * sign, digits); integers only when !real. strtod/strtol alone also take
 * leading blanks, hex ("0x1p4" is 16), "inf" and "nan".
 */
static int decimal_syntax(const char *s, int real)
{
	int digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (real && *s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (!digits)
		return 0;
	if (real && (*s == 'e' || *s == 'E')) {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

int sf_parse_long(const char *s, long *out)
{
	if (!s || !decimal_syntax(s, 0))
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

int sf_parse_double(const char *s, double *out)
{
	if (!s || !decimal_syntax(s, 1))
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	/* ERANGE: overflow (inf), or underflow to 0 or a denormal: not what was written */
	if (errno || end == s || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}
