/*
 * service/jobs.c - what a job is before a worker runs it: the scenarios
 * directory's names, a request checked and normalized, its cache key, and
 * the command that runs it (service.h).
 *
 * A request (`POST /api/v1/plans {"scenario": "gaza"}` and the analyses)
 * is checked against the options its kind takes, then stored normalized:
 * the keys in one order, nothing else. The same normalized text is what
 * the worker turns into the command it runs: the very
 * `stabforce plan|price|shopping|risk|whatif|compare --format json` of the
 * command line, so a job's result is byte for byte the CLI's document.
 *
 * The cache key is the SHA-256 of the kind, the normalized request, and
 * the bytes of every file the result depends on (each scenario file and
 * its GeoJSON, named by their paths inside the scenarios directory, so a
 * server and a worker that reach the directory by different paths agree).
 * A scenario that takes inputs from the registers gets no key: its result
 * depends on the store too, and is computed every time. The worker
 * computes the key again before it runs a job and fails the job when a
 * file changed in between, so a result is never kept under the key of
 * inputs it was not computed from.
 */
#include "base/internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stabforce/json.h"
#include "stabforce/register.h"
#include "stabforce/scenario.h"
#include "stabforce/service.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum { MAX_EDITS = 64 };

/* ---------------------------------------------------------------- */
/* Scenario names                                                     */

static int name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 100 || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return strstr(s, "..") == NULL;
}

sf_status sf_scenario_dir_path(const char *dir, const char *name, char *path, size_t n,
                               sf_error *err)
{
	struct stat sb;
	if (!name_ok(name))
		return sf_error_set(
		        err, SF_ERR_USAGE,
		        "scenario name '%.100s' is not valid: letters, digits, '.', '_' "
		        "and '-', not starting with '.' or '-'",
		        name);
	sf_snprintf(path, n, "%s%s%s/scenario.yaml", dir ? dir : "", dir ? "/" : "", name);
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
		return SF_OK;
	sf_snprintf(path, n, "%s%s%s.yaml", dir ? dir : "", dir ? "/" : "", name);
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
		return SF_OK;
	return sf_error_set(err, SF_ERR_IO, "no scenario '%s': GET /api/v1/scenarios lists them",
	                    name);
}

sf_status sf_scenario_dir_load(const char *dir, const char *name, int geometry, sf_scenario **sc,
                               sf_error *err)
{
	char path[PATH_MAX];
	sf_diags d;
	sf_load_options lo = {!geometry};
	sf_status rc = sf_scenario_dir_path(dir, name, path, sizeof path, err);
	*sc = NULL;
	if (rc != SF_OK)
		return rc;
	sf_diags_init(&d);
	rc = sf_scenario_load(path, &lo, sc, &d);
	if (rc != SF_OK) {
		if (d.count)
			sf_error_set_at(err, rc, name, d.items[0].line, d.items[0].column,
			                d.items[0].path, "%s", d.items[0].message);
		else
			sf_error_set(err, rc, "scenario '%s' cannot be read", name);
	}
	sf_diags_release(&d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sf_name_list_release(sf_name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static sf_status name_add(sf_name_list *l, size_t *cap, const char *name, sf_error *err)
{
	if (l->n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		char **v = realloc(l->v, c * sizeof *v);
		if (!v)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		l->v = v;
		*cap = c;
	}
	if (!(l->v[l->n] = strdup(name)))
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	l->n++;
	return SF_OK;
}

sf_status sf_scenario_dir_list(const char *dir, sf_name_list *out, sf_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;
	sf_status rc = SF_OK;
	memset(out, 0, sizeof *out);
	if (!d)
		return sf_error_set(err, SF_ERR_IO, "cannot list the scenarios directory '%s': %s",
		                    dir, strerror(errno));
	while (rc == SF_OK && (e = readdir(d))) {
		char name[256], path[PATH_MAX];
		struct stat sb;
		size_t len = strlen(e->d_name);
		if (len >= sizeof name)
			continue;
		sf_strlcpy(name, e->d_name, sizeof name);
		if (len > 5 && strcmp(name + len - 5, ".yaml") == 0)
			name[len - 5] = '\0';
		if (!name_ok(name))
			continue;
		if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0)
			sf_snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		else
			sf_snprintf(path, sizeof path, "%s/%s/scenario.yaml", dir, e->d_name);
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		rc = name_add(out, &cap, name, err);
	}
	closedir(d);
	if (rc != SF_OK) {
		sf_name_list_release(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
	return SF_OK;
}

/* ---------------------------------------------------------------- */
/* Requests                                                           */

/* Parse JSON (duplicate keys refused); errors name `name` with line and column. */
static sf_status parse_named(const char *text, size_t len, const char *name, sf_json **out,
                             sf_error *err)
{
	sf_json_parse_error pe;
	memset(&pe, 0, sizeof pe);
	sf_status rc = sf_json_parse(text, len, SF_JSON_REJECT_DUPLICATES, out, &pe);
	if (rc == SF_ERR_INPUT)
		return sf_error_set_at(err, rc, name, pe.line, pe.column, NULL, "%s", pe.text);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "%s: out of memory", name);
	return SF_OK;
}

static int json_int(const sf_json *v, long long *out)
{
	if (!sf_json_is_integer(v))
		return -1;
	*out = sf_json_integer(v);
	return 0;
}

static int json_num(const sf_json *v, double *out)
{
	if (!sf_json_is_number(v))
		return -1;
	*out = sf_json_number(v);
	return 0;
}

/*
 * T_CHOICE: one of the words of `choices`; T_ID: an id (letters, digits
 * and _-.:,=, as edit values); T_NAME: a nation's name (1 to 100 bytes,
 * no control character): each becomes one argument, never an option.
 */
typedef enum opt_type { T_CHOICE, T_ID, T_NAME, T_NUMBER, T_INT } opt_type;

typedef struct opt_spec {
	const char *key;
	opt_type type;
	double min, max;     /* numbers: the range, inclusive (gap: max exclusive via 0.999999) */
	const char *cli;     /* the command's option, with its "=" */
	const char *kinds;   /* space-separated kinds that take it, NULL = all */
	const char *choices; /* T_CHOICE: the space-separated words it takes */
	int required;        /* the kinds that take it need it */
} opt_spec;

static const opt_spec opts[] = {
        {"time_limit", T_NUMBER, 1, 86400, "--time-limit=", NULL, NULL, 0},
        {"gap", T_NUMBER, 0, 0.999999, "--gap=", NULL, NULL, 0},
        {"solver", T_CHOICE, 0, 0, "--solver=", NULL, "cbc glpk", 0},
        {"samples", T_INT, 1, 100000, "--samples=", "risk", NULL, 0},
        {"seed", T_INT, 0, 4294967295.0, "--seed=", "risk", NULL, 0},
        {"precision", T_NUMBER, 1e-9, 1e15, "--precision=", "risk", NULL, 0},
        {"precision_p", T_NUMBER, 1e-9, 1, "--precision-p=", "risk", NULL, 0},
        {"max_samples", T_INT, 1, 100000, "--max-samples=", "risk", NULL, 0},
        {"short_above", T_NUMBER, 0, 1e15, "--short-above=", "risk", NULL, 0},
        {"contributor", T_ID, 0, 0, "--contributor=", "offers", NULL, 1},
        {"new", T_NAME, 0, 0, "--new=", "offers", NULL, 0},
        {"budget", T_NUMBER, 1e-9, 1e15, "--budget=", "offers", NULL, 0},
        {"max_count", T_INT, 1, 1000, "--max-count=", "offers", NULL, 0},
        {"starts", T_INT, 1, 600, "--starts=", "offers", NULL, 0},
        {"rank", T_CHOICE, 0, 0, "--rank=", "offers", "personnel cost plan-cost", 0},
        {"notice", T_INT, 0, 3650, "--notice=", "offers", NULL, 0},
};

/* what-if edits: request key -> the command's option */
static const struct {
	const char *key;
	const char *cli;
	int numeric;
} edit_opts[] = {
        {"lift_veto", "--lift-veto=", 0},
        {"add_veto", "--add-veto=", 0},
        {"drop", "--drop=", 0},
        {"add", "--add=", 0},
        {"set", "--set=", 0},
        {"lift_caveat", "--lift-caveat=", 0},
        {"lift_condition", "--lift-condition=", 0},
        {"ceiling", "--ceiling=", 1},
};

static const char *const kinds[] = {"plan",   "price",   "shopping", "risk",
                                    "whatif", "compare", "offers"};

static int kind_takes(const char *list, const char *kind)
{
	size_t n = strlen(kind);
	if (!list)
		return 1;
	for (const char *p = list; (p = strstr(p, kind)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Edit values become command arguments: a safe alphabet, never an option. */
static int edit_value_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 200 || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("_-.:,=", c)))
			return 0;
	}
	return 1;
}

/* A nation's name: 1 to 100 bytes, no control character (UTF-8 is checked by the parser). */
static int name_text_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 100)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* Add a file to the hash: its path inside dir, then its bytes. */
static sf_status hash_file(sf_sha256 *h, const char *dir, const char *path, sf_error *err)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n, dl = strlen(dir);
	const char *rel = strncmp(path, dir, dl) == 0 && path[dl] == '/' ? path + dl + 1 : path;
	if (!f)
		return sf_error_set(err, SF_ERR_IO, "cannot read '%s': %s", rel, strerror(errno));
	sf_sha256_update(h, rel, strlen(rel) + 1);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sf_sha256_update(h, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return sf_error_set(err, SF_ERR_IO, "cannot read '%s'", rel);
	return SF_OK;
}

/*
 * Load scenario `name` (checking it) and add its files to the hash; *uses_register
 * is set when its result depends on the store.
 */
static sf_status hash_scenario(const char *dir, const char *name, sf_sha256 *h, int *uses_register,
                               sf_error *err)
{
	char path[PATH_MAX];
	sf_scenario *sc = NULL;
	sf_diags d;
	sf_status rc = sf_scenario_dir_path(dir, name, path, sizeof path, err);
	if (rc != SF_OK)
		return rc;
	sf_diags_init(&d);
	rc = sf_scenario_load(path, NULL, &sc, &d);
	if (rc != SF_OK) {
		const sf_diag *dg = d.count ? &d.items[0] : NULL;
		if (dg)
			sf_error_set_at(
			        err, SF_ERR_SCENARIO, name, dg->line, dg->column, dg->path,
			        "%s (%zu error%s: POST /api/v1/scenarios/validate lists them)",
			        dg->message, d.nerrors, d.nerrors == 1 ? "" : "s");
		else
			sf_error_set(err, rc, "scenario '%s' cannot be read", name);
		sf_diags_release(&d);
		return rc;
	}
	sf_diags_release(&d);
	rc = hash_file(h, dir, path, err);
	if (rc == SF_OK && sc->geojson_path)
		rc = hash_file(h, dir, sc->geojson_path, err);
	*uses_register |= sf_scenario_takes_register(sc);
	sf_scenario_free(sc);
	return rc;
}

static sf_status compute_key(const char *dir, const char *kind, const char *normalized,
                             const char *scenario, const char *other, char *key, sf_error *err)
{
	sf_sha256 h;
	int uses_register = 0;
	sf_status rc;
	sf_sha256_init(&h);
	sf_sha256_update(&h, "stabforce-job-1", 16);
	sf_sha256_update(&h, kind, strlen(kind) + 1);
	sf_sha256_update(&h, normalized, strlen(normalized) + 1);
	rc = hash_scenario(dir, scenario, &h, &uses_register, err);
	if (rc == SF_OK && other && other[0])
		rc = hash_scenario(dir, other, &h, &uses_register, err);
	if (rc != SF_OK)
		return rc;
	if (uses_register)
		key[0] = '\0';
	else
		sf_sha256_hex(&h, key);
	return SF_OK;
}

__attribute__((format(printf, 2, 3))) static sf_status bad(sf_error *err, const char *fmt, ...)
{
	char msg[SF_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return sf_error_set(err, SF_ERR_USAGE, "%s", msg);
}

sf_status sf_job_request_parse(const char *dir, const char *kind, const char *body, size_t len,
                               double time_limit_s, sf_job_request *r, sf_error *err)
{
	sf_json *doc = NULL;
	sf_json_writer w;
	sf_status rc;
	int known = 0;

	memset(r, 0, sizeof *r);
	sf_json_writer_init(&w);
	sf_buf_init(&r->normalized, 64 * 1024);
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		known |= strcmp(kind, kinds[i]) == 0;
	if (!known)
		return bad(err,
		           "no analysis '%s': plan, price, shopping, risk, whatif, compare or "
		           "offers",
		           kind);
	sf_strlcpy(r->kind, kind, sizeof r->kind);
	if ((rc = parse_named(body, len, "request", &doc, err)) != SF_OK)
		return rc;
	if (sf_json_typeof(doc) != SF_JSON_OBJECT) {
		rc = bad(err, "the request must be a JSON object such as {\"scenario\": \"gaza\"}");
		goto out;
	}
	/* Every key must be one this kind takes. */
	for (size_t i = 0; i < sf_json_size(doc); i++) {
		const sf_json *v;
		const char *k = sf_json_member(doc, i, &v);
		int ok = strcmp(k, "scenario") == 0 ||
		         (strcmp(k, "other") == 0 && !strcmp(kind, "compare")) ||
		         (strcmp(k, "edits") == 0 && !strcmp(kind, "whatif"));
		for (size_t j = 0; !ok && j < ARRAY_LEN(opts); j++)
			ok = strcmp(k, opts[j].key) == 0 && kind_takes(opts[j].kinds, kind);
		if (!ok) {
			rc = bad(err, "'%s' is not an option of %s (docs/api.md lists them)", k,
			         kind);
			goto out;
		}
	}
	const char *sc = sf_json_string(sf_json_get(doc, "scenario"));
	if (!sc) {
		rc = bad(err,
		         "the request needs \"scenario\": a name from GET /api/v1/scenarios%s%s",
		         "", "");
		goto out;
	}
	sf_strlcpy(r->scenario, sc, sizeof r->scenario);
	if (!strcmp(kind, "compare")) {
		const char *o = sf_json_string(sf_json_get(doc, "other"));
		if (!o) {
			rc = bad(err, "compare needs \"other\": the second scenario's name");
			goto out;
		}
		sf_strlcpy(r->other, o, sizeof r->other);
	}

	sf_json_object(&w, NULL);
	sf_json_str(&w, "scenario", r->scenario);
	if (r->other[0])
		sf_json_str(&w, "other", r->other);
	for (size_t j = 0; j < ARRAY_LEN(opts); j++) {
		const sf_json *v = sf_json_get(doc, opts[j].key);
		double x;
		long long i;
		if (!v && !strcmp(opts[j].key, "time_limit") && time_limit_s > 0)
			sf_json_num(&w, opts[j].key, time_limit_s);
		if (!v && opts[j].required && kind_takes(opts[j].kinds, kind)) {
			rc = bad(err, "%s needs \"%s\"%s", kind, opts[j].key,
			         !strcmp(opts[j].key, "contributor")
			                 ? ": the nation's id (a contributor of the scenario, or a "
			                   "new one's with \"new\": its name)"
			                 : "");
			goto out;
		}
		if (!v)
			continue;
		if (opts[j].type == T_CHOICE) {
			const char *s = sf_json_string(v);
			if (!s || !*s || strchr(s, ' ') || !kind_takes(opts[j].choices, s)) {
				rc = bad(err, "'%s' must be one of: %s", opts[j].key,
				         opts[j].choices);
				goto out;
			}
			sf_json_str(&w, opts[j].key, s);
		} else if (opts[j].type == T_ID || opts[j].type == T_NAME) {
			const char *s = sf_json_string(v);
			if (!s || !(opts[j].type == T_ID ? edit_value_ok(s) : name_text_ok(s))) {
				rc = bad(
				        err,
				        opts[j].type == T_ID
				                ? "'%s' must be an id of letters, digits and _-.:,="
				                : "'%s' must be a name of 1 to 100 characters",
				        opts[j].key);
				goto out;
			}
			sf_json_str(&w, opts[j].key, s);
		} else if (opts[j].type == T_INT) {
			if (json_int(v, &i) != 0 || i < opts[j].min || i > opts[j].max) {
				char range[64];
				sf_snprintf(range, sizeof range, "%.0f..%.0f", opts[j].min,
				            opts[j].max);
				rc = bad(err, "'%s' must be an integer %s", opts[j].key, range);
				goto out;
			}
			sf_json_int(&w, opts[j].key, i);
		} else {
			if (json_num(v, &x) != 0 || !(x >= opts[j].min) || x > opts[j].max) {
				char range[64];
				sf_snprintf(range, sizeof range, "%g..%g", opts[j].min,
				            opts[j].max);
				rc = bad(err, "'%s' must be a number %s", opts[j].key, range);
				goto out;
			}
			sf_json_num(&w, opts[j].key, x);
		}
	}
	if (!strcmp(kind, "whatif")) {
		const sf_json *edits = sf_json_get(doc, "edits");
		size_t n = sf_json_size(edits);
		if (!edits || sf_json_typeof(edits) != SF_JSON_ARRAY || n == 0 || n > MAX_EDITS) {
			rc = bad(err, "whatif needs \"edits\": 1 to 64 objects such as "
			              "{\"lift_veto\": \"ISR:TUR\"} or {\"drop\": \"IDN\"}");
			goto out;
		}
		sf_json_array(&w, "edits");
		for (size_t i = 0; i < n; i++) {
			const sf_json *e = sf_json_at(edits, i), *v;
			const char *k = sf_json_typeof(e) == SF_JSON_OBJECT && sf_json_size(e) == 1
			                        ? sf_json_member(e, 0, &v)
			                        : NULL;
			size_t j = 0;
			while (k && j < ARRAY_LEN(edit_opts) && strcmp(k, edit_opts[j].key) != 0)
				j++;
			if (!k || j == ARRAY_LEN(edit_opts)) {
				rc = bad(err,
				         "each edit is one of lift_veto, add_veto, drop, add, set, "
				         "lift_caveat, lift_condition, ceiling%s%s",
				         "", "");
				goto out;
			}
			sf_json_object(&w, NULL);
			if (edit_opts[j].numeric) {
				double x;
				if (json_num(v, &x) != 0 || !(x >= 0) || x > 1e7) {
					rc = bad(err, "'%s' must be a number of personnel", k);
					goto out;
				}
				sf_json_num(&w, k, x);
			} else {
				const char *s = sf_json_string(v);
				if (!s || !edit_value_ok(s)) {
					rc = bad(err,
					         "'%s' must be text of letters, digits and _-.:,= "
					         "(such as \"ISR:TUR\")%s",
					         k, "");
					goto out;
				}
				sf_json_str(&w, k, s);
			}
			sf_json_end(&w);
		}
		sf_json_end(&w);
	}
	sf_json_end(&w);
	if ((rc = sf_json_writer_finish(&w, SF_JSON_COMPACT, &r->normalized, err)) != SF_OK)
		goto out;
	rc = compute_key(dir, kind, sf_buf_str(&r->normalized), r->scenario, r->other, r->key, err);
out:
	sf_json_writer_release(&w);
	sf_json_free(doc);
	if (rc != SF_OK)
		sf_job_request_release(r);
	return rc;
}

void sf_job_request_release(sf_job_request *r)
{
	sf_buf_release(&r->normalized);
}

sf_status sf_job_key(const char *dir, const char *kind, const char *request, char *key,
                     sf_error *err)
{
	sf_json *doc = NULL;
	sf_status rc = parse_named(request, strlen(request), "stored request", &doc, err);
	if (rc != SF_OK)
		return rc;
	const char *sc = sf_json_string(sf_json_get(doc, "scenario"));
	const char *other = sf_json_string(sf_json_get(doc, "other"));
	if (!sc)
		rc = sf_error_set(err, SF_ERR_INPUT, "stored request has no scenario");
	else
		rc = compute_key(dir, kind, request, sc, other, key, err);
	sf_json_free(doc);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The command a job runs                                             */

typedef struct argv_b {
	char **v;
	size_t n, cap;
} argv_b;

/* Append the argument x followed by y (NULL: nothing). */
static int argv_add(argv_b *a, const char *x, const char *y)
{
	char tmp[PATH_MAX + 64];
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 32;
		char **v = realloc(a->v, cap * sizeof *v);
		if (!v)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	sf_snprintf(tmp, sizeof tmp, "%s%s", x, y ? y : "");
	if (!(a->v[a->n] = strdup(tmp)))
		return -1;
	a->v[++a->n] = NULL;
	return 0;
}

sf_status sf_job_argv(const char *exe, const char *dir, const char *db, const char *kind,
                      const char *request, double time_limit_s, char ***argv, sf_error *err)
{
	argv_b a = {0};
	sf_json *doc = NULL;
	char path[PATH_MAX], num[64];
	int oom = 0;
	sf_status rc = parse_named(request, strlen(request), "stored request", &doc, err);

	*argv = NULL;
	if (rc != SF_OK)
		return rc;
	oom |= argv_add(&a, exe, NULL);
	oom |= argv_add(&a, kind, NULL);
	oom |= argv_add(&a, "--format=json", NULL);
	oom |= argv_add(&a, "--db=", db);
	for (size_t j = 0; j < ARRAY_LEN(opts); j++) {
		const sf_json *v = sf_json_get(doc, opts[j].key);
		const char *cli = opts[j].cli;
		double x;
		/* The job's time limit is the whole job's: a plan's own; an
		 * analysis shares it among its plans (--total-time-limit). */
		if (!strcmp(opts[j].key, "time_limit") && strcmp(kind, "plan") != 0)
			cli = "--total-time-limit=";
		if (!v && !strcmp(opts[j].key, "time_limit") && time_limit_s > 0) {
			sf_snprintf(num, sizeof num, "%.17g", time_limit_s);
			oom |= argv_add(&a, cli, num);
		}
		if (!v)
			continue;
		if (sf_json_string(v))
			oom |= argv_add(&a, cli, sf_json_string(v));
		else if (json_num(v, &x) == 0) {
			sf_snprintf(num, sizeof num, "%.17g", x);
			oom |= argv_add(&a, cli, num);
		}
	}
	const sf_json *edits = sf_json_get(doc, "edits");
	for (size_t i = 0; i < sf_json_size(edits); i++) {
		const sf_json *v;
		const char *k = sf_json_member(sf_json_at(edits, i), 0, &v);
		for (size_t j = 0; k && j < ARRAY_LEN(edit_opts); j++) {
			double x;
			if (strcmp(k, edit_opts[j].key) != 0)
				continue;
			if (edit_opts[j].numeric && json_num(v, &x) == 0) {
				sf_snprintf(num, sizeof num, "%.17g", x);
				oom |= argv_add(&a, edit_opts[j].cli, num);
			} else if (sf_json_string(v)) {
				oom |= argv_add(&a, edit_opts[j].cli, sf_json_string(v));
			}
		}
	}
	oom |= argv_add(&a, "--", NULL);
	const char *names[2] = {sf_json_string(sf_json_get(doc, "scenario")),
	                        sf_json_string(sf_json_get(doc, "other"))};
	for (int i = 0; i < 2 && rc == SF_OK; i++) {
		if (!names[i])
			continue;
		rc = sf_scenario_dir_path(dir, names[i], path, sizeof path, err);
		if (rc == SF_OK)
			oom |= argv_add(&a, path, NULL);
	}
	sf_json_free(doc);
	if (rc == SF_OK && oom)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc != SF_OK) {
		for (size_t i = 0; i < a.n; i++)
			free(a.v[i]);
		free(a.v);
		return rc;
	}
	*argv = a.v;
	return SF_OK;
}
double sf_job_time_limit(const char *request, double fallback_s)
{
	sf_json *doc = NULL;
	sf_error err;
	double t = fallback_s;
	sf_error_clear(&err);
	if (parse_named(request, strlen(request), "stored request", &doc, &err) == SF_OK)
		json_num(sf_json_get(doc, "time_limit"), &t);
	sf_json_free(doc);
	return t;
}

double sf_job_grace(double limit_s)
{
	double g = SF_JOB_GRACE_MIN_S + SF_JOB_GRACE_SHARE * limit_s;
	return g < SF_JOB_GRACE_MAX_S ? g : SF_JOB_GRACE_MAX_S;
}

typedef struct proof_count {
	size_t proven, within, stopped; /* proven; optimal within the gap asked; not optimal */
	double gap;                     /* the largest beside a false "proven", -1 = none */
} proof_count;

static void count_proof(const sf_json *v, proof_count *c, int depth)
{
	static const char *const gaps[] = {"gap", "stage1_gap", "stage2_gap"};
	static const char *const stages[] = {"status", "stage1", "stage2"};
	if (depth > 64)
		return;
	if (sf_json_typeof(v) == SF_JSON_ARRAY) {
		for (size_t i = 0; i < sf_json_size(v); i++)
			count_proof(sf_json_at(v, i), c, depth + 1);
		return;
	}
	if (sf_json_typeof(v) != SF_JSON_OBJECT)
		return;
	sf_json_type p = sf_json_typeof(sf_json_get(v, "proven"));
	if (p == SF_JSON_TRUE) {
		c->proven++;
	} else if (p == SF_JSON_FALSE) {
		/* Its solver status ("status" of a plan's stage, "stage1" and
		 * "stage2" of an analysis' plan): all "optimal" means it stopped
		 * at the gap asked for, anything else at a limit (or no plan). */
		int optimal = 1;
		for (size_t i = 0; i < ARRAY_LEN(stages); i++) {
			const char *st = sf_json_string(sf_json_get(v, stages[i]));
			/* a stage the analysis does not run ("not_run") proves nothing either way
			 */
			if (st && strcmp(st, "optimal") != 0 && strcmp(st, "not_run") != 0)
				optimal = 0;
		}
		if (optimal)
			c->within++;
		else
			c->stopped++;
		for (size_t i = 0; i < ARRAY_LEN(gaps); i++) {
			double g;
			if (json_num(sf_json_get(v, gaps[i]), &g) == 0 && g > c->gap)
				c->gap = g;
		}
	}
	for (size_t i = 0; i < sf_json_size(v); i++) {
		const sf_json *m;
		sf_json_member(v, i, &m);
		count_proof(m, c, depth + 1);
	}
}

sf_status sf_job_result_check(const char *text, size_t len, char *summary, size_t n, sf_error *err)
{
	sf_json *doc = NULL;
	proof_count c = {0, 0, 0, -1};
	char gap[64] = "";
	sf_status rc = parse_named(text, len, "result", &doc, err);
	if (rc == SF_OK && !sf_json_is_object(doc))
		rc = sf_error_set(err, SF_ERR_INPUT, "result: not a JSON object");
	if (rc == SF_OK && summary && n) {
		size_t all;
		count_proof(doc, &c, 0);
		all = c.proven + c.within + c.stopped;
		if (c.gap >= 0)
			sf_snprintf(gap, sizeof gap, " (largest gap %.3g %%)", 100 * c.gap);
		if (c.stopped)
			sf_snprintf(summary, n,
			            "not proven: %zu of %zu proofs stopped at the time limit%s",
			            c.stopped, all, gap);
		else if (c.within)
			sf_snprintf(summary, n, "proven within the gap asked for%s", gap);
		else
			sf_snprintf(summary, n, "proven");
	}
	sf_json_free(doc);
	return rc;
}

#define PROGRESS_TAG "stabforce-progress "

sf_status sf_progress_line(size_t done, size_t total, sf_buf *out)
{
	return sf_buf_addf(out, PROGRESS_TAG "%zu %zu\n", done, total);
}

int sf_progress_parse(const char *line, size_t n, double *fraction)
{
	char text[64], *sp;
	long done, total;
	size_t tag = strlen(PROGRESS_TAG);
	if (n <= tag || n - tag >= sizeof text || memcmp(line, PROGRESS_TAG, tag) != 0)
		return 0;
	memcpy(text, line + tag, n - tag);
	text[n - tag] = '\0';
	if (!(sp = strchr(text, ' ')))
		return 0;
	*sp = '\0';
	if (sf_parse_long(text, &done) != 0 || sf_parse_long(sp + 1, &total) != 0 || done < 0 ||
	    total <= 0 || done > total)
		return 0;
	*fraction = (double)done / (double)total;
	return 1;
}
