/*
 * util.c - small helpers the modules share: a monotonic clock,
 * overflow-checked array allocation, trimming a field in place, and the
 * edit distance behind every "did you mean" hint.
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double sf__now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *sf__trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

char *sf__strdup_trim(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	char *r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

void *sf__mallocarray(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	size_t n = count * size;
	return malloc(n ? n : 1);
}

void *sf__reallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	size_t n = count * size;
	return realloc(p, n ? n : 1);
}

/* Levenshtein distance with two rows, giving up past cap. */
size_t sf__edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	if (lb > 256 || la > 256)
		return cap + 1;
	size_t row0[257], row1[257];
	size_t *prev = row0, *cur = row1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		size_t best = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = prev[j - 1] + cost;
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] > cap ? cap + 1 : prev[lb];
}

const char *sf__closest(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strlen(word);
	size_t cap = len / 3 > 2 ? len / 3 : 2;
	const char *best = NULL;
	size_t best_d = cap + 1;
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		size_t d = sf__edit_distance(word, candidates[i], cap);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}

const char *sf_closest(const char *word, const char *const *candidates, size_t n)
{
	return sf__closest(word, candidates, n);
}

double sf__round_to(double x, int decimals)
{
	static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
	if (!isfinite(x) || decimals < 0 || decimals > 9 || fabs(x) >= 1e15)
		return x; /* past 1e15 a double has no decimals left to round */
	double r = round(x * scale[decimals]) / scale[decimals];
	return r == 0 ? 0 : r;
}

/* ------------------------------------------------------------------ */
/* Output formats (format.h)                                            */

static const char *const format_names[] = {"text", "json", "csv", "md", "geojson"};

const char *sf_format_str(sf_format fmt)
{
	return (unsigned)fmt < SF_ARRAY_LEN(format_names) ? format_names[fmt] : "unknown";
}

int sf_format_parse(const char *s)
{
	for (size_t i = 0; i < SF_ARRAY_LEN(format_names); i++)
		if (strcmp(s, format_names[i]) == 0)
			return (int)i;
	return strcmp(s, "markdown") == 0 ? SF_FORMAT_MD : -1;
}

void sf__text_position(const char *text, size_t len, size_t offset, int *line, int *column)
{
	size_t i;
	int l = 1, c = 1;

	if (offset > len)
		offset = len;
	for (i = 0; i < offset; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\n' || (ch == '\r' && (i + 1 >= len || text[i + 1] != '\n'))) {
			l++;
			c = 1;
		} else if (ch != '\r' && (ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*column = c;
}

void sf__json_error_position(const char *text, size_t len, int jline, int jcolumn, size_t jposition,
                             int *line, int *column)
{
	if (jline >= 1 && jcolumn >= 1) {
		*line = jline;
		*column = jcolumn;
		return;
	}
	sf__text_position(text, len, jposition, line, column);
}

int sf__blank_text(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			return 0;
	return 1;
}
