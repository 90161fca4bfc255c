/*
 * jget.c - a tiny JSON probe for the shell tests (tests/cli/, plan_cases.sh).
 *
 *   jget FILE PATH            print the value at PATH (a.b.0.c; array
 *                             elements by index): strings raw, numbers
 *                             with 17 digits, null/true/false, anything
 *                             else as compact JSON; exit 1 if absent
 *   jget FILE --expect LINE   check one line of a case's expected.txt and
 *                             print why when it fails (exit 1)
 *   jget --close A B          exit 0 when the numbers A and B agree within
 *                             1e-6 relative + 1e-6 absolute
 *
 * expected.txt lines (blank lines and lines starting with # are skipped):
 *   PATH=VALUE                     the value at PATH equals VALUE (numbers
 *                                  within the tolerance above, anything
 *                                  else as printed by `jget FILE PATH`)
 *   units KEY=V ... = N            the sum of `units` over the assignment
 *                                  rows whose fields KEY equal V
 *   sum ARRAY FIELD KEY=V ... = N  the same over any array and field
 *                                  (e.g. sum coverage shortfall month=1)
 *
 * Test tooling only: it links Jansson and nothing of libstabforce, so a
 * bug in the library cannot make its own tests pass.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LINE_MAX_ = 1024, MAX_WORDS = 32 };

static int parse_num(const char *s, double *out)
{
	char *end;

	if (!*s)
		return -1;
	*out = strtod(s, &end);
	return *end ? -1 : 0;
}

static int close_enough(double a, double b)
{
	return fabs(a - b) <= 1e-6 * fmax(fabs(a), fabs(b)) + 1e-6;
}

/* Follow a dotted path; NULL when absent. */
static json_t *lookup(json_t *root, const char *path)
{
	char buf[LINE_MAX_];
	char *seg, *next;
	json_t *cur = root;

	if (strlen(path) >= sizeof(buf))
		return NULL;
	memcpy(buf, path, strlen(path) + 1);
	for (seg = buf; seg && cur; seg = next) {
		next = strchr(seg, '.');
		if (next)
			*next++ = '\0';
		if (json_is_array(cur)) {
			char *end;
			long i = strtol(seg, &end, 10);
			if (*end || i < 0)
				return NULL;
			cur = json_array_get(cur, (size_t)i);
		} else {
			cur = json_object_get(cur, seg);
		}
	}
	return cur;
}

/* The value as text into buf (strings raw). */
static void render(const json_t *v, char *buf, size_t n)
{
	char *s;

	switch (json_typeof(v)) {
	case JSON_STRING:
		snprintf(buf, n, "%s", json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, n, "%.17g", json_real_value(v));
		break;
	case JSON_NULL:
		snprintf(buf, n, "null");
		break;
	case JSON_TRUE:
		snprintf(buf, n, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, n, "false");
		break;
	default:
		s = json_dumps(v, JSON_COMPACT);
		snprintf(buf, n, "%s", s ? s : "?");
		free(s);
		break;
	}
}

/* Does the row's field `key` equal `want` (numbers numerically)? */
static int field_matches(const json_t *row, const char *key, const char *want)
{
	const json_t *v = json_object_get(row, key);
	double a, b;
	char buf[256];

	if (!v)
		return 0;
	if (json_is_number(v) && parse_num(want, &b) == 0) {
		a = json_number_value(v);
		return a == b;
	}
	render(v, buf, sizeof(buf));
	return strcmp(buf, want) == 0;
}

/* Sum FIELD over ARRAY's elements matching every KEY=V in filters. */
static int sum_rows(json_t *root, const char *array, const char *field, char **filters,
                    int nfilters, double *out)
{
	json_t *arr = json_object_get(root, array), *row;
	size_t i;

	if (!json_is_array(arr)) {
		fprintf(stderr, "jget: no array '%s'\n", array);
		return -1;
	}
	*out = 0;
	json_array_foreach(arr, i, row)
	{
		int ok = 1;
		for (int k = 0; k < nfilters && ok; k++) {
			char key[128];
			const char *eq = strchr(filters[k], '=');
			size_t kl;
			if (!eq || (kl = (size_t)(eq - filters[k])) >= sizeof(key)) {
				fprintf(stderr, "jget: bad filter '%s'\n", filters[k]);
				return -1;
			}
			memcpy(key, filters[k], kl);
			key[kl] = '\0';
			ok = field_matches(row, key, eq + 1);
		}
		if (ok) {
			const json_t *v = json_object_get(row, field);
			if (!json_is_number(v)) {
				fprintf(stderr, "jget: %s[%zu] has no number '%s'\n", array, i,
				        field);
				return -1;
			}
			*out += json_number_value(v);
		}
	}
	return 0;
}

static int expect_line(json_t *root, const char *line)
{
	char buf[LINE_MAX_], got[512];
	char *words[MAX_WORDS];
	int n = 0;
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#' || *p == '\n')
		return 0;
	if (strlen(p) >= sizeof(buf)) {
		fprintf(stderr, "jget: line too long\n");
		return 1;
	}
	memcpy(buf, p, strlen(p) + 1);
	buf[strcspn(buf, "\r\n")] = '\0';

	if (strncmp(buf, "units ", 6) == 0 || strncmp(buf, "sum ", 4) == 0) {
		double want, sum;
		/* split on blanks by hand (strtok is banned in the project) */
		char *s = buf;
		while (*s && n < MAX_WORDS) {
			while (*s == ' ' || *s == '\t')
				*s++ = '\0';
			if (!*s)
				break;
			words[n++] = s;
			while (*s && *s != ' ' && *s != '\t')
				s++;
		}
		if (n < 3 || strcmp(words[n - 2], "=") != 0 || parse_num(words[n - 1], &want)) {
			fprintf(stderr, "jget: bad expectation '%s'\n", line);
			return 1;
		}
		int rc = strcmp(words[0], "units") == 0
		                 ? sum_rows(root, "assignments", "units", words + 1, n - 3, &sum)
		                 : (n < 5 ? -1
		                          : sum_rows(root, words[1], words[2], words + 3, n - 5,
		                                     &sum));
		if (rc) {
			fprintf(stderr, "jget: cannot evaluate '%s'\n", line);
			return 1;
		}
		if (!close_enough(sum, want)) {
			fprintf(stderr, "%s: got %.10g\n", line, sum);
			return 1;
		}
		return 0;
	}

	char *eq = strchr(buf, '=');
	if (!eq) {
		fprintf(stderr, "jget: bad expectation '%s'\n", line);
		return 1;
	}
	*eq = '\0';
	const char *path = buf, *want = eq + 1;
	json_t *v = lookup(root, path);
	double a, b;
	if (!v) {
		fprintf(stderr, "%s: %s is absent\n", line, path);
		return 1;
	}
	if (json_is_number(v) && parse_num(want, &b) == 0) {
		a = json_number_value(v);
		if (!close_enough(a, b)) {
			fprintf(stderr, "%s=%s: got %.10g\n", path, want, a);
			return 1;
		}
		return 0;
	}
	render(v, got, sizeof(got));
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "%s=%s: got %s\n", path, want, got);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	json_error_t je;
	json_t *root;
	int rc;

	if (argc == 4 && strcmp(argv[1], "--close") == 0) {
		double a, b;
		if (parse_num(argv[2], &a) || parse_num(argv[3], &b))
			return 2;
		return close_enough(a, b) ? 0 : 1;
	}
	if (argc != 3 && !(argc == 4 && strcmp(argv[2], "--expect") == 0)) {
		fprintf(stderr,
		        "usage: jget FILE PATH | jget FILE --expect LINE | jget --close A B\n");
		return 2;
	}
	root = json_load_file(argv[1], 0, &je);
	if (!root) {
		fprintf(stderr, "jget: %s:%d:%d: %s\n", argv[1], je.line, je.column, je.text);
		return 2;
	}
	if (argc == 4) {
		rc = expect_line(root, argv[3]);
	} else {
		json_t *v = lookup(root, argv[2]);
		char buf[4096];
		if (v) {
			render(v, buf, sizeof(buf));
			printf("%s\n", buf);
			rc = 0;
		} else {
			fprintf(stderr, "jget: %s: no %s\n", argv[1], argv[2]);
			rc = 1;
		}
	}
	json_decref(root);
	return rc;
}
