/*
 * jobs.c - job requests and the workers the server keeps.
 *
 * A request (`POST /api/v1/plans {"scenario": "gaza"}` and the analyses)
 * is checked here against the options its kind takes, then stored
 * normalized: the keys in one order, nothing else. The same normalized
 * text is what the worker turns into the command it runs: the very
 * `stabforce plan|price|shopping|risk|whatif|compare --format json` of the
 * command line, so a job's result is byte for byte the CLI's document.
 *
 * The cache key is the SHA-256 of the kind, the normalized request, and
 * the bytes of every file the result depends on (each scenario file and
 * its GeoJSON). A scenario that takes inputs from the registers gets no
 * key: its result depends on the store too, and is computed every time.
 * The worker computes the key again before it runs a job and fails the job
 * when a file changed in between, so a result is never kept under the key
 * of inputs it was not computed from.
 *
 * The pool: the server starts `--jobs` worker processes with posix_spawn
 * (`stabforce worker --parent PID`), and one thread reaps and replaces
 * them. A worker that dies while it holds a job (killed, crashed) has that
 * job failed with the reason; leases that ran out (a worker on another
 * machine that went away) are expired every few seconds.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_int.h"

enum { MAX_EDITS = 64, MAX_WORKERS = 64 };

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

sf_status sv_scenario_path(const char *dir, const char *name, char *path, size_t n, sf_error *err)
{
	struct stat sb;
	if (!name_ok(name))
		return sf_error_set(
		        err, SF_ERR_USAGE,
		        "scenario name '%.100s' is not valid: letters, digits, '.', '_' "
		        "and '-', not starting with '.' or '-'",
		        name);
	sf_snprintf(path, n, "%s/%s/scenario.yaml", dir, name);
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
		return SF_OK;
	sf_snprintf(path, n, "%s/%s.yaml", dir, name);
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
		return SF_OK;
	return sf_error_set(err, SF_ERR_IO, "no scenario '%s': GET /api/v1/scenarios lists them",
	                    name);
}

/* ---------------------------------------------------------------- */
/* Requests                                                           */

sf_status sv_json_parse(const char *text, size_t len, const char *name, sf_json **out,
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

typedef enum opt_type { T_STRING, T_NUMBER, T_INT } opt_type;

typedef struct opt_spec {
	const char *key;
	opt_type type;
	double min, max;   /* numbers: the range, inclusive (gap: max exclusive via 0.999999) */
	const char *cli;   /* the command's option, with its "=" */
	const char *kinds; /* space-separated kinds that take it, NULL = all */
} opt_spec;

static const opt_spec opts[] = {
        {"time_limit", T_NUMBER, 1, 86400, "--time-limit=", NULL},
        {"gap", T_NUMBER, 0, 0.999999, "--gap=", NULL},
        {"solver", T_STRING, 0, 0, "--solver=", NULL},
        {"samples", T_INT, 1, 100000, "--samples=", "risk"},
        {"seed", T_INT, 0, 4294967295.0, "--seed=", "risk"},
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
        {"ceiling", "--ceiling=", 1},
};

static const char *const kinds[] = {"plan", "price", "shopping", "risk", "whatif", "compare"};

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

static sf_status hash_file(sf_sha256 *h, const char *path, sf_error *err)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	if (!f)
		return sf_error_set(err, SF_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	sf_sha256_update(h, path, strlen(path) + 1);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sf_sha256_update(h, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return sf_error_set(err, SF_ERR_IO, "cannot read '%s'", path);
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
	sf_status rc = sv_scenario_path(dir, name, path, sizeof path, err);
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
	rc = hash_file(h, path, err);
	if (rc == SF_OK && sc->geojson_path)
		rc = hash_file(h, sc->geojson_path, err);
	*uses_register |= sc->reg.used;
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

sf_status sv_job_request_parse(const char *dir, const char *kind, const char *body, size_t len,
                               sv_job_request *r, sf_error *err)
{
	sf_json *doc = NULL;
	sf_jw w;
	sf_status rc;
	int known = 0;

	memset(r, 0, sizeof *r);
	sf_buf_init(&r->normalized, 64 * 1024);
	for (size_t i = 0; i < SV_ARRAY_LEN(kinds); i++)
		known |= strcmp(kind, kinds[i]) == 0;
	if (!known)
		return bad(err, "no analysis '%s': plan, price, shopping, risk, whatif or compare",
		           kind);
	sf_strlcpy(r->kind, kind, sizeof r->kind);
	if ((rc = sv_json_parse(body, len, "request", &doc, err)) != SF_OK)
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
		for (size_t j = 0; !ok && j < SV_ARRAY_LEN(opts); j++)
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

	sf_jw_init(&w, &r->normalized);
	sf_jw_object(&w);
	sf_jw_kstr(&w, "scenario", r->scenario);
	if (r->other[0])
		sf_jw_kstr(&w, "other", r->other);
	for (size_t j = 0; j < SV_ARRAY_LEN(opts); j++) {
		const sf_json *v = sf_json_get(doc, opts[j].key);
		double x;
		long long i;
		if (!v)
			continue;
		if (opts[j].type == T_STRING) {
			const char *s = sf_json_string(v);
			if (!s || (strcmp(s, "cbc") != 0 && strcmp(s, "glpk") != 0)) {
				rc = bad(err, "'%s' must be \"cbc\" or \"glpk\"", opts[j].key);
				goto out;
			}
			sf_jw_kstr(&w, opts[j].key, s);
		} else if (opts[j].type == T_INT) {
			if (json_int(v, &i) != 0 || i < opts[j].min || i > opts[j].max) {
				char range[64];
				sf_snprintf(range, sizeof range, "%.0f..%.0f", opts[j].min,
				            opts[j].max);
				rc = bad(err, "'%s' must be an integer %s", opts[j].key, range);
				goto out;
			}
			sf_jw_kint(&w, opts[j].key, i);
		} else {
			if (json_num(v, &x) != 0 || !(x >= opts[j].min) || x > opts[j].max) {
				char range[64];
				sf_snprintf(range, sizeof range, "%g..%g", opts[j].min,
				            opts[j].max);
				rc = bad(err, "'%s' must be a number %s", opts[j].key, range);
				goto out;
			}
			sf_jw_knum(&w, opts[j].key, x);
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
		sf_jw_key(&w, "edits");
		sf_jw_array(&w);
		for (size_t i = 0; i < n; i++) {
			const sf_json *e = sf_json_at(edits, i), *v;
			const char *k = sf_json_typeof(e) == SF_JSON_OBJECT && sf_json_size(e) == 1
			                        ? sf_json_member(e, 0, &v)
			                        : NULL;
			size_t j = 0;
			while (k && j < SV_ARRAY_LEN(edit_opts) && strcmp(k, edit_opts[j].key) != 0)
				j++;
			if (!k || j == SV_ARRAY_LEN(edit_opts)) {
				rc = bad(err,
				         "each edit is one of lift_veto, add_veto, drop, add, set, "
				         "lift_caveat, ceiling%s%s",
				         "", "");
				goto out;
			}
			sf_jw_object(&w);
			if (edit_opts[j].numeric) {
				double x;
				if (json_num(v, &x) != 0 || !(x >= 0) || x > 1e7) {
					rc = bad(err, "'%s' must be a number of personnel", k);
					goto out;
				}
				sf_jw_knum(&w, k, x);
			} else {
				const char *s = sf_json_string(v);
				if (!s || !edit_value_ok(s)) {
					rc = bad(err,
					         "'%s' must be text of letters, digits and _-.:,= "
					         "(such as \"ISR:TUR\")%s",
					         k, "");
					goto out;
				}
				sf_jw_kstr(&w, k, s);
			}
			sf_jw_object_end(&w);
		}
		sf_jw_array_end(&w);
	}
	sf_jw_object_end(&w);
	if ((rc = sf_jw_finish(&w, err)) != SF_OK)
		goto out;
	rc = compute_key(dir, kind, sf_buf_str(&r->normalized), r->scenario, r->other, r->key, err);
out:
	sf_json_free(doc);
	if (rc != SF_OK)
		sv_job_request_release(r);
	return rc;
}

void sv_job_request_release(sv_job_request *r)
{
	sf_buf_release(&r->normalized);
}

sf_status sv_job_key(const char *dir, const char *kind, const char *request, char *key,
                     sf_error *err)
{
	sf_json *doc = NULL;
	sf_status rc = sv_json_parse(request, strlen(request), "stored request", &doc, err);
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

sf_status sv_job_argv(const char *exe, const char *dir, const char *db, const char *kind,
                      const char *request, char ***argv, sf_error *err)
{
	argv_b a = {0};
	sf_json *doc = NULL;
	char path[PATH_MAX], num[64];
	int oom = 0;
	sf_status rc = sv_json_parse(request, strlen(request), "stored request", &doc, err);

	*argv = NULL;
	if (rc != SF_OK)
		return rc;
	oom |= argv_add(&a, exe, NULL);
	oom |= argv_add(&a, kind, NULL);
	oom |= argv_add(&a, "--format=json", NULL);
	oom |= argv_add(&a, "--db=", db);
	for (size_t j = 0; j < SV_ARRAY_LEN(opts); j++) {
		const sf_json *v = sf_json_get(doc, opts[j].key);
		double x;
		if (!v)
			continue;
		if (opts[j].type == T_STRING)
			oom |= argv_add(&a, opts[j].cli, sf_json_string(v));
		else if (json_num(v, &x) == 0) {
			sf_snprintf(num, sizeof num, "%.17g", x);
			oom |= argv_add(&a, opts[j].cli, num);
		}
	}
	const sf_json *edits = sf_json_get(doc, "edits");
	for (size_t i = 0; i < sf_json_size(edits); i++) {
		const sf_json *v;
		const char *k = sf_json_member(sf_json_at(edits, i), 0, &v);
		for (size_t j = 0; k && j < SV_ARRAY_LEN(edit_opts); j++) {
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
		rc = sv_scenario_path(dir, names[i], path, sizeof path, err);
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

/* ---------------------------------------------------------------- */
/* The pool of workers                                                */

typedef struct slot {
	long pid;       /* 0 = not running */
	double started; /* when it was (re)started */
	int failures;   /* quick deaths in a row (back-off) */
} slot;

struct sv_pool {
	sf_server_options o;
	char scenarios[PATH_MAX];
	char host[128];
	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;
	volatile int stopping;
	slot slots[MAX_WORKERS];
	int n;
	atomic_int alive;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sf_status spawn_worker(sv_pool *p, slot *s, sf_error *err)
{
	char parent[32];
	char *argv[8];
	char dbarg[PATH_MAX + 8], scarg[PATH_MAX + 16];
	sf_spawn_options so;
	sf_snprintf(parent, sizeof parent, "--parent=%ld", (long)getpid());
	sf_snprintf(dbarg, sizeof dbarg, "--db=%s", p->o.db);
	sf_snprintf(scarg, sizeof scarg, "--scenarios=%s", p->scenarios);
	argv[0] = (char *)p->o.exe;
	argv[1] = "worker";
	argv[2] = dbarg;
	argv[3] = scarg;
	argv[4] = parent;
	argv[5] = NULL;
	sf_spawn_options_init(&so);
	sf_status rc = sf_spawn(p->o.exe, argv, &so, &s->pid, err);
	s->started = mono();
	return rc;
}

typedef struct held {
	char worker[160];
	long long id[8];
	int n;
} held;

static int find_held(void *ctx, const sf_job *j)
{
	held *h = ctx;
	if (strcmp(j->worker, h->worker) == 0 && h->n < 8)
		h->id[h->n++] = j->id;
	return 0;
}

/* The jobs a worker that is gone still held become failed with the reason. */
static void abandon_jobs(sf_store *st, const char *worker, const char *reason)
{
	held h;
	sf_error err;
	int applied;
	memset(&h, 0, sizeof h);
	sf_strlcpy(h.worker, worker, sizeof h.worker);
	sf_error_clear(&err);
	if (sf_store_job_list(st, SF_JOB_RUNNING, 0, find_held, &h, &err) != SF_OK)
		return;
	for (int i = 0; i < h.n; i++)
		sf_store_job_abandon(st, h.id[i], worker, reason, &applied, &err);
}

static void describe_exit(int status, char *buf, size_t n)
{
	if (WIFSIGNALED(status))
		sf_snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(status),
		            strsignal(WTERMSIG(status)));
	else
		sf_snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
}

static void *pool_main(void *arg)
{
	sv_pool *p = arg;
	sf_store *st = NULL;
	sf_error err;
	double last_expire = 0;

	sf_error_clear(&err);
	if (sf_store_open(p->o.db, &st, &err) != SF_OK) {
		fprintf(stderr, "stabforce serve: jobs: %s\n", err.message);
		return NULL;
	}
	while (!p->stopping) {
		int alive = 0;
		for (int i = 0; i < p->n; i++) {
			slot *s = &p->slots[i];
			int status;
			if (s->pid > 0 &&
			    waitpid((pid_t)s->pid, &status, WNOHANG) == (pid_t)s->pid) {
				char worker[160], why[96], reason[320];
				sf_snprintf(worker, sizeof worker, "%s:%ld", p->host, s->pid);
				describe_exit(status, why, sizeof why);
				sf_snprintf(reason, sizeof reason, "the worker running it (%s) %s",
				            worker, why);
				abandon_jobs(st, worker, reason);
				s->failures = mono() - s->started < 5 ? s->failures + 1 : 0;
				s->pid = 0;
			}
			/* Restart, slower after quick deaths (at most one try a second... 30 s). */
			double wait = s->failures > 0 ? (s->failures > 5 ? 30 : s->failures) : 0;
			if (s->pid == 0 && mono() - s->started >= wait) {
				sf_error_clear(&err);
				if (spawn_worker(p, s, &err) != SF_OK)
					fprintf(stderr, "stabforce serve: %s\n", err.message);
			}
			alive += s->pid > 0;
		}
		atomic_store(&p->alive, alive);
		if (mono() - last_expire >= 2) {
			long n;
			sf_error_clear(&err);
			sf_store_job_expire(
			        st, (long long)time(NULL),
			        "its worker stopped renewing its lease (the worker or its "
			        "machine went away)",
			        &n, &err);
			last_expire = mono();
		}
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	/* Stop: ask every worker to end (each fails the job it holds), then wait. */
	for (int i = 0; i < p->n; i++)
		if (p->slots[i].pid > 0)
			kill((pid_t)p->slots[i].pid, SIGTERM);
	for (int i = 0; i < p->n; i++) {
		int status;
		if (p->slots[i].pid <= 0)
			continue;
		char worker[160];
		waitpid((pid_t)p->slots[i].pid, &status, 0);
		sf_snprintf(worker, sizeof worker, "%s:%ld", p->host, p->slots[i].pid);
		abandon_jobs(st, worker, "interrupted: the server was stopped while the job ran");
	}
	atomic_store(&p->alive, 0);
	sf_store_close(st);
	return NULL;
}

static void host_name(char *buf, size_t n)
{
	if (gethostname(buf, n) != 0 || !buf[0])
		sf_strlcpy(buf, "localhost", n);
	buf[n - 1] = '\0';
}

sf_status sv_pool_start(const sf_server_options *o, const char *scenarios, sv_pool **out,
                        sf_error *err)
{
	sv_pool *p = calloc(1, sizeof *p);
	*out = NULL;
	if (!p)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	p->o = *o;
	sf_strlcpy(p->scenarios, scenarios, sizeof p->scenarios);
	host_name(p->host, sizeof p->host);
	p->n = o->jobs < 1 ? 1 : o->jobs > MAX_WORKERS ? MAX_WORKERS : o->jobs;
	for (int i = 0; i < p->n; i++)
		p->slots[i].started = -1e9;
	if (pthread_create(&p->thread, NULL, pool_main, p) != 0) {
		free(p);
		return sf_error_set(err, SF_ERR_IO, "cannot start the jobs thread");
	}
	p->thread_started = 1;
	*out = p;
	return SF_OK;
}

int sv_pool_alive(const sv_pool *p)
{
	return atomic_load(&((sv_pool *)p)->alive);
}

void sv_pool_stop(sv_pool *p)
{
	if (!p)
		return;
	p->stopping = 1;
	if (p->thread_started)
		pthread_join(p->thread, NULL);
	free(p);
}

typedef struct stale {
	char host[128];
	long long id[256];
	char worker[256][96];
	int n;
} stale;

static int find_stale(void *ctx, const sf_job *j)
{
	stale *s = ctx;
	size_t hl = strlen(s->host);
	long pid;
	if (s->n >= 256 || strncmp(j->worker, s->host, hl) != 0 || j->worker[hl] != ':' ||
	    sf_parse_long(j->worker + hl + 1, &pid) != 0 || pid <= 0)
		return 0;
	if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0; /* still there: its lease decides */
	s->id[s->n] = j->id;
	sf_strlcpy(s->worker[s->n], j->worker, sizeof s->worker[0]);
	s->n++;
	return 0;
}

sf_status sv_pool_recover(sf_store *st, long *n, sf_error *err)
{
	stale *s = calloc(1, sizeof *s);
	sf_status rc;
	*n = 0;
	if (!s)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	host_name(s->host, sizeof s->host);
	rc = sf_store_job_list(st, SF_JOB_RUNNING, 0, find_stale, s, err);
	for (int i = 0; rc == SF_OK && i < s->n; i++) {
		int applied = 0;
		char reason[256];
		sf_snprintf(
		        reason, sizeof reason,
		        "interrupted: its worker (%s) is gone; the server stopped while the job "
		        "ran",
		        s->worker[i]);
		rc = sf_store_job_abandon(st, s->id[i], s->worker[i], reason, &applied, err);
		*n += applied;
	}
	free(s);
	return rc;
}
