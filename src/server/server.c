/*
 * server.c - `stabforce serve`: the route table, access control, rate
 * limits, the answer cache, the metrics, and the server's life.
 *
 * A request goes: path checks (valid UTF-8, a route) -> the token (401 when
 * missing or unknown where one is needed, 403 when its role is too low) ->
 * the rate limit of that token, or of the address without one (429) -> the
 * answer cache -> the handler, with a store handle of the pool for its
 * thread. Handlers are thin: they parse the request, call the library, and
 * write the library's JSON.
 *
 * Tokens are read from the store into memory and reloaded every two
 * seconds, so `stabforce token create` and `token revoke` take effect on a
 * running server. A presented token is hashed and compared with every
 * stored hash in constant time.
 *
 * The answer cache keeps successful GET answers of register reads keyed by
 * path and query until the store's data version moves (any import, review,
 * decision or job submitted), and answers of finished jobs for good: the
 * summary endpoints then cost a lookup, not a report over a million
 * incidents. The cache holds at most CACHE_BUDGET bytes of answers. Store
 * handles are SQLite connections opened NOMUTEX: each is
 * used by one thread at a time, taken from and returned to the pool.
 *
 * Memory: each of libmicrohttpd's threads allocates from its own glibc
 * arena, and a freed answer leaves its pages in that arena; resident
 * memory then grows with the traffic's peak, not its need (the 10-minute
 * soak grew 26 % with no leak under ASan). The main thread, which only
 * waits for the stop, hands free pages back every TRIM_EVERY_S seconds
 * (malloc_trim: a process-wide call, so it lives here in the server's
 * front end, never in the library). /metrics shows the heap in use and
 * free, the resident size and the cache beside each other, so a growth
 * can be told apart: cache filling, free pages kept, or memory held.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server_int.h"

enum {
	TOKEN_RELOAD_MS = 2000,
	CACHE_SLOTS = 1024,
	CACHE_MAX_BODY = 8 * 1024 * 1024,
	CACHE_BUDGET = 64 * 1024 * 1024, /* bytes of answers kept, all slots together */
	RATE_SLOTS = 4096,
	NBUCKETS = SF_METRICS_BUCKETS,
	TRIM_EVERY_S = 5, /* seconds between two malloc_trim calls of the main thread */
	/* KiB of page cache per pooled store handle (SQLite's default is 32 MiB
	 * each: 12 handles of 4 threads could hold 384 MiB, and the soak's heap
	 * grew as each filled); the OS's page cache is shared by all of them. */
	STORE_CACHE_KIB = 4096,
};

/* Latency buckets of /metrics, seconds. */
static const double bucket_s[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                          0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

typedef struct token_entry {
	char hash[SF_SHA256_HEX];
	char name[64];
	sf_role role;
} token_entry;

typedef struct cache_entry {
	char *key;
	long long version; /* -1: never stale */
	char *body;
	size_t len;
	const char *type;
} cache_entry;

typedef struct rate_entry {
	char key[72];
	long long window; /* the minute this count is for */
	long count;
} rate_entry;

struct sv_app {
	sf_server_options o;
	char scenarios[PATH_MAX];
	sf_aid_crossings *crossings; /* --crossings, read once; NULL = none */
	double started;

	pthread_mutex_t pool_mu;
	sf_store **free_stores;
	size_t nfree, cap_free;
	sf_store **free_read; /* read handles: o.db_read, else o.db (same cap) */
	size_t nfree_read;

	pthread_mutex_t tok_mu;
	token_entry *tokens;
	size_t ntokens;
	double tokens_at;

	pthread_mutex_t rate_mu;
	rate_entry *rate;

	pthread_mutex_t cache_mu;
	cache_entry *cache;
	size_t cache_bytes;   /* the bodies kept, under CACHE_BUDGET */
	size_t cache_entries; /* slots holding an answer */

	sv_pool *pool;
	sf_buf body_413; /* the answer to a body over --max-body, written once */

	atomic_long requests[6]; /* by status class: 1xx..5xx, [0] unused */
	atomic_long buckets[NBUCKETS + 1];
	atomic_llong latency_us;
	atomic_long cache_hits, cache_misses, jobs_submitted, rate_limited, auth_failed;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sf_server_options_init(sf_server_options *o)
{
	memset(o, 0, sizeof *o);
	o->listen = "127.0.0.1:8080";
	o->db = SF_STORE_DEFAULT;
	o->scenarios = "examples";
	o->jobs = 1;
	o->job_time_limit = SF_JOB_TIME_LIMIT_DEFAULT;
	o->threads = 4;
	o->queue = 64;
	o->rate_per_min = 6000;
	o->timeout_s = 30;
	o->max_connections = 512;
	o->max_per_ip = 128;
	o->max_body = 64 * 1024 * 1024;
}

const sf_server_options *sv_options(const sv_app *a)
{
	return &a->o;
}

const char *sv_scenarios_dir(const sv_app *a)
{
	return a->scenarios;
}

const sf_aid_crossings *sv_crossings(const sv_app *a)
{
	return a->crossings;
}

double sv_uptime(const sv_app *a)
{
	return now_s() - a->started;
}

void sv_metrics_job(sv_app *a)
{
	atomic_fetch_add(&a->jobs_submitted, 1);
}

/* ---------------------------------------------------------------- */
/* Errors                                                             */

void sv_fail(sv_ctx *cx, int status, const char *code, const char *fmt, ...)
{
	sf_error e;
	va_list ap;
	sf_error_clear(&e);
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof e.message, fmt, ap);
	va_end(ap);
	sf_buf_reset(&cx->rs->body);
	cx->rs->data = NULL;
	cx->rs->type = NULL;
	cx->rs->status = status;
	cx->cacheable = 0;
	sf_error_write_json(status, code, &e, &cx->rs->body);
}

void sv_fail_err(sv_ctx *cx, const sf_error *err)
{
	int status = sf_status_http(err->code);
	const char *code = err->code == SF_ERR_SCENARIO      ? "invalid_scenario"
	                   : err->code == SF_ERR_INPUT       ? "invalid_input"
	                   : err->code == SF_ERR_USAGE       ? "bad_request"
	                   : err->code == SF_ERR_NOMEM       ? "out_of_memory"
	                   : err->code == SF_ERR_STORE       ? "store_error"
	                   : err->code == SF_ERR_CONFLICT    ? "conflict"
	                   : err->code == SF_ERR_UNAVAILABLE ? "unavailable"
	                                                     : "internal";
	sf_buf_reset(&cx->rs->body);
	cx->rs->data = NULL;
	cx->rs->type = NULL;
	cx->rs->status = status;
	cx->cacheable = 0;
	sf_error_write_json(status, code, err, &cx->rs->body);
	if (status == 503)
		sv_resp_header(cx->rs, "Retry-After", "5");
}

/* ---------------------------------------------------------------- */
/* Store pool                                                         */

/*
 * Two pools: GET (and HEAD) requests read from handles opened for reading
 * (sf_store_open_read), everything else from handles opened for writing.
 * The read handles are on --db-read when it names a hot standby (reads
 * then keep working while the primary is down, and a write while it is
 * down is 503: the store is unavailable), on --db itself otherwise: a read
 * handle never takes the write lock (SQLite opens it read-only; in WAL
 * mode readers and the one writer do not wait for each other; PostgreSQL
 * opens its sessions read-only), and it sees every committed write (a
 * SQLite read transaction starts at the latest commit). Read handles never
 * create or migrate a store. A handle whose connection broke reconnects on
 * its next statement (store_pg.c), so the pools need no health checks.
 */
static const char *read_location(const sv_app *a)
{
	return a->o.db_read ? a->o.db_read : a->o.db;
}

/* A new handle for a pool, its page cache bounded (STORE_CACHE_KIB). */
static sf_status store_open_pooled(sv_app *a, int read, sf_store **st, sf_error *err)
{
	sf_status rc = read ? sf_store_open_read(read_location(a), st, err)
	                    : sf_store_open(a->o.db, st, err);
	if (rc == SF_OK && (rc = sf_store_cache_limit(*st, STORE_CACHE_KIB, err)) != SF_OK) {
		sf_store_close(*st);
		*st = NULL;
	}
	return rc;
}

static sf_store *store_take(sv_app *a, int read, sf_error *err)
{
	sf_store *st = NULL;
	sf_store **v = read ? a->free_read : a->free_stores;
	size_t *n = read ? &a->nfree_read : &a->nfree;
	pthread_mutex_lock(&a->pool_mu);
	if (*n > 0)
		st = v[--*n];
	pthread_mutex_unlock(&a->pool_mu);
	if (!st)
		store_open_pooled(a, read, &st, err);
	return st;
}

static void store_give(sv_app *a, int read, sf_store *st)
{
	if (!st)
		return;
	sf_store **v = read ? a->free_read : a->free_stores;
	size_t *n = read ? &a->nfree_read : &a->nfree;
	pthread_mutex_lock(&a->pool_mu);
	if (*n < a->cap_free) {
		v[(*n)++] = st;
		st = NULL;
	}
	pthread_mutex_unlock(&a->pool_mu);
	sf_store_close(st);
}

/* ---------------------------------------------------------------- */
/* Tokens                                                             */

typedef struct token_list {
	token_entry *v;
	size_t n, cap;
} token_list;

static int collect_token(void *ctx, const sf_token_info *t)
{
	token_list *l = ctx;
	if (t->revoked)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		token_entry *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return 1;
		l->v = v;
		l->cap = cap;
	}
	sf_strlcpy(l->v[l->n].hash, t->hash, sizeof l->v[0].hash);
	sf_strlcpy(l->v[l->n].name, t->name, sizeof l->v[0].name);
	l->v[l->n].role = t->role;
	l->n++;
	return 0;
}

static void tokens_reload(sv_app *a, sf_store *st)
{
	token_list l = {0};
	sf_error err;
	double t = now_s();
	pthread_mutex_lock(&a->tok_mu);
	int due = (t - a->tokens_at) * 1000 >= TOKEN_RELOAD_MS;
	if (due)
		a->tokens_at = t;
	pthread_mutex_unlock(&a->tok_mu);
	if (!due)
		return;
	sf_error_clear(&err);
	if (sf_store_token_list(st, collect_token, &l, &err) != SF_OK) {
		free(l.v);
		return; /* keep the tokens we have */
	}
	pthread_mutex_lock(&a->tok_mu);
	free(a->tokens);
	a->tokens = l.v;
	a->ntokens = l.n;
	pthread_mutex_unlock(&a->tok_mu);
}

/* 1 and name/role set when the secret matches a token (every hash compared). */
static int token_lookup(sv_app *a, const char *secret, char *name, size_t n, sf_role *role)
{
	char hash[SF_SHA256_HEX];
	int found = 0;
	sf_token_hash(secret, strlen(secret), hash);
	pthread_mutex_lock(&a->tok_mu);
	for (size_t i = 0; i < a->ntokens; i++) {
		if (sf_equal_ct(hash, a->tokens[i].hash, SF_SHA256_HEX - 1) && !found) {
			found = 1;
			sf_strlcpy(name, a->tokens[i].name, n);
			*role = a->tokens[i].role;
		}
	}
	pthread_mutex_unlock(&a->tok_mu);
	return found;
}

/* ---------------------------------------------------------------- */
/* Rate limits: a fixed one-minute window per token (or address)      */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* 0 when allowed; else the seconds until the window ends. */
static long rate_check(sv_app *a, const char *key)
{
	if (a->o.rate_per_min <= 0)
		return 0;
	long long minute = (long long)time(NULL) / 60;
	rate_entry *e = &a->rate[hash_str(key) % RATE_SLOTS];
	long wait = 0;
	pthread_mutex_lock(&a->rate_mu);
	if (strcmp(e->key, key) != 0 || e->window != minute) {
		sf_strlcpy(e->key, key, sizeof e->key);
		e->window = minute;
		e->count = 0;
	}
	if (++e->count > a->o.rate_per_min)
		wait = (long)((minute + 1) * 60 - (long long)time(NULL));
	pthread_mutex_unlock(&a->rate_mu);
	return wait > 0 ? wait : (wait < 0 ? 1 : 0);
}

/* ---------------------------------------------------------------- */
/* Answer cache                                                       */

static int cache_get(sv_app *a, const char *key, long long version, sv_resp *rs)
{
	cache_entry *e = &a->cache[hash_str(key) % CACHE_SLOTS];
	int hit = 0;
	pthread_mutex_lock(&a->cache_mu);
	if (e->key && strcmp(e->key, key) == 0 && (e->version == -1 || e->version == version)) {
		hit = sf_buf_add(&rs->body, e->body, e->len) == SF_OK;
		rs->type = e->type;
	}
	pthread_mutex_unlock(&a->cache_mu);
	return hit;
}

static void cache_put(sv_app *a, const char *key, long long version, const sv_resp *rs)
{
	if (rs->body.len > CACHE_MAX_BODY)
		return;
	char *k = strdup(key), *b = malloc(rs->body.len + 1);
	if (!k || !b) {
		free(k);
		free(b);
		return;
	}
	memcpy(b, rs->body.data ? rs->body.data : "", rs->body.len);
	b[rs->body.len] = '\0';
	cache_entry *e = &a->cache[hash_str(key) % CACHE_SLOTS];
	pthread_mutex_lock(&a->cache_mu);
	a->cache_bytes -= e->body ? e->len : 0;
	a->cache_entries -= e->body ? 1 : 0;
	free(e->key);
	free(e->body);
	e->key = NULL;
	e->body = NULL;
	if (a->cache_bytes + rs->body.len > CACHE_BUDGET) {
		/* Full: the slot stays empty rather than the memory growing. */
		pthread_mutex_unlock(&a->cache_mu);
		free(k);
		free(b);
		return;
	}
	a->cache_bytes += rs->body.len;
	a->cache_entries++;
	e->key = k;
	e->body = b;
	e->len = rs->body.len;
	e->version = version;
	e->type = rs->type;
	pthread_mutex_unlock(&a->cache_mu);
}

/* ---------------------------------------------------------------- */
/* Routes                                                             */

typedef enum need { NEED_NONE = 0, NEED_READ = 1, NEED_EDIT = 2, NEED_ADMIN = 3 } need;

typedef struct route {
	const char *method;
	const char *pattern; /* segments; "*" matches one segment (a parameter) */
	need need;
	sv_route_fn fn;
} route;

static const route routes[] = {
        {"GET", "/health", NEED_NONE, sv_h_health},
        {"GET", "/metrics", NEED_READ, sv_h_metrics},
        {"GET", "/api/v1/openapi.json", NEED_NONE, sv_h_openapi},
        {"GET", "/api/v1/scenarios", NEED_READ, sv_h_scenarios},
        {"POST", "/api/v1/scenarios/validate", NEED_READ, sv_h_scenario_validate},
        {"GET", "/api/v1/scenarios/*", NEED_READ, sv_h_scenario},
        {"GET", "/api/v1/scenarios/*/sectors", NEED_READ, sv_h_scenario_sectors},
        {"POST", "/api/v1/plans", NEED_EDIT, sv_h_job_submit},
        {"POST", "/api/v1/analyses/*", NEED_EDIT, sv_h_job_submit},
        {"POST", "/api/v1/offers", NEED_EDIT, sv_h_offers_submit},
        {"GET", "/api/v1/jobs", NEED_READ, sv_h_jobs},
        {"GET", "/api/v1/jobs/*", NEED_READ, sv_h_job},
        {"GET", "/api/v1/jobs/*/result", NEED_READ, sv_h_job_result},
        {"DELETE", "/api/v1/jobs/*", NEED_EDIT, sv_h_job_cancel},
        {"GET", "/api/v1/incidents", NEED_READ, sv_h_incidents},
        {"GET", "/api/v1/incidents/report", NEED_READ, sv_h_incidents_report},
        {"GET", "/api/v1/incidents/duplicates", NEED_READ, sv_h_duplicates},
        {"GET", "/api/v1/incidents/alerts", NEED_READ, sv_h_incidents_alerts},
        {"POST", "/api/v1/incidents/duplicates", NEED_EDIT, sv_h_duplicate_decide},
        {"GET", "/api/v1/edits", NEED_READ, sv_h_edits},
        {"POST", "/api/v1/incidents/import", NEED_EDIT, sv_h_incidents_import},
        {"GET", "/api/v1/incidents/*", NEED_READ, sv_h_incident},
        {"POST", "/api/v1/incidents/*/review", NEED_EDIT, sv_h_incident_review},
        {"GET", "/api/v1/aid", NEED_READ, sv_h_aid},
        {"GET", "/api/v1/aid/report", NEED_READ, sv_h_aid_report},
        {"GET", "/api/v1/aid/sources", NEED_READ, sv_h_aid_sources},
        {"POST", "/api/v1/aid/import", NEED_EDIT, sv_h_aid_import},
};

/*
 * Match path against pattern, segment by segment; "*" takes one non-empty
 * segment into params. Exact segments win over "*" because the table lists
 * them first. Returns 1 on a match.
 */
static int match(const char *pattern, const char *path, const char **params, char *store, size_t n)
{
	size_t used = 0;
	int np = 0;
	while (*pattern && *path) {
		if (*pattern != '/' || *path != '/')
			return 0;
		pattern++;
		path++;
		const char *pe = strchr(pattern, '/'), *se = strchr(path, '/');
		size_t pl = pe ? (size_t)(pe - pattern) : strlen(pattern);
		size_t sl = se ? (size_t)(se - path) : strlen(path);
		if (pl == 1 && pattern[0] == '*') {
			if (sl == 0 || used + sl + 1 > n || np >= 2)
				return 0;
			memcpy(store + used, path, sl);
			store[used + sl] = '\0';
			params[np++] = store + used;
			used += sl + 1;
		} else if (pl != sl || memcmp(pattern, path, pl) != 0) {
			return 0;
		}
		pattern += pl;
		path += sl;
	}
	return *pattern == '\0' && *path == '\0';
}

static void count_request(sv_app *a, int status, double t0)
{
	double dt = now_s() - t0;
	int cls = status / 100;
	if (cls >= 1 && cls <= 5)
		atomic_fetch_add(&a->requests[cls], 1);
	int b = 0;
	while (b < NBUCKETS && dt > bucket_s[b])
		b++;
	atomic_fetch_add(&a->buckets[b], 1);
	atomic_fetch_add(&a->latency_us, (long long)(dt * 1e6));
}

static void security_headers(sv_app *a, const sv_req *rq, sv_resp *rs, int api)
{
	sv_resp_header(rs, "X-Content-Type-Options", "nosniff");
	if (api)
		sv_resp_header(rs, "Cache-Control", "no-store");
	if (a->o.cors) {
		const char *origin = sv_req_header(rq, "Origin");
		if (origin && strcmp(origin, a->o.cors) == 0) {
			sv_resp_header(rs, "Access-Control-Allow-Origin", "%s", a->o.cors);
			sv_resp_header(rs, "Vary", "Origin");
		}
	}
}

/* The dashboard: files built into the binary. */
static int serve_asset(sv_app *a, const sv_req *rq, sv_resp *rs)
{
	const sf_web_asset *as;
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0)
		return 0;
	if (!(as = sf_web_asset_find(rq->path)))
		return 0;
	const char *inm = sv_req_header(rq, "If-None-Match");
	security_headers(a, rq, rs, 0);
	sv_resp_header(rs, "Content-Security-Policy", "%s", sf_web_csp());
	sv_resp_header(rs, "ETag", "%s", as->etag);
	sv_resp_header(rs, "Cache-Control", "no-cache");
	sv_resp_header(rs, "Referrer-Policy", "no-referrer");
	sv_resp_header(rs, "X-Frame-Options", "DENY");
	if (inm && strcmp(inm, as->etag) == 0) {
		rs->status = 304;
		return 1;
	}
	rs->type = as->content_type;
	rs->data = as->data;
	rs->data_len = as->size;
	return 1;
}

static void handle(void *appv, const sv_req *rq, sv_resp *rs)
{
	sv_app *a = appv;
	double t0 = now_s();
	sv_ctx cx;
	sf_error err;
	char params[512];
	const route *r = NULL;
	int path_known = 0, read_pool = 0;
	sf_buf key;

	memset(&cx, 0, sizeof cx);
	cx.app = a;
	cx.rq = rq;
	cx.rs = rs;
	sf_error_clear(&err);
	sf_buf_init(&key, 4096);

	if (!sf_utf8_valid(rq->path, strlen(rq->path))) {
		security_headers(a, rq, rs, 1);
		sv_fail(&cx, 400, "bad_path", "the path is not valid UTF-8");
		goto out;
	}
	if (strncmp(rq->path, "/api/", 5) != 0 && strcmp(rq->path, "/health") != 0 &&
	    strcmp(rq->path, "/metrics") != 0) {
		if (serve_asset(a, rq, rs))
			goto out;
		security_headers(a, rq, rs, 1);
		sv_fail(&cx, 404, "not_found", "no page or endpoint at this path");
		goto out;
	}
	security_headers(a, rq, rs, 1);
	if (a->o.cors && strcmp(rq->method, "OPTIONS") == 0) {
		sv_resp_header(rs, "Access-Control-Allow-Methods", "GET, POST, DELETE");
		sv_resp_header(rs, "Access-Control-Allow-Headers", "Authorization, Content-Type");
		rs->status = 204;
		goto out;
	}
	for (size_t i = 0; i < SV_ARRAY_LEN(routes); i++) {
		if (!match(routes[i].pattern, rq->path, cx.param, params, sizeof params))
			continue;
		path_known = 1;
		if (strcmp(routes[i].method, rq->method) == 0) {
			r = &routes[i];
			break;
		}
	}
	if (!r) {
		if (path_known)
			sv_fail(&cx, 405, "method_not_allowed", "%s is not allowed here",
			        rq->method);
		else
			sv_fail(&cx, 404, "not_found", "no endpoint at this path");
		goto out;
	}

	read_pool = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
	cx.st = store_take(a, read_pool, &err);
	if (!cx.st) {
		sv_fail_err(&cx, &err);
		goto out;
	}
	tokens_reload(a, cx.st);

	/* Who is asking. */
	sf_strlcpy(cx.who, "anonymous", sizeof cx.who);
	cx.role = SF_ROLE_VIEWER;
	const char *auth = sv_req_header(rq, "Authorization");
	int known = 0;
	if (auth) {
		if (strncmp(auth, "Bearer ", 7) != 0 ||
		    !token_lookup(a, auth + 7, cx.who, sizeof cx.who, &cx.role)) {
			atomic_fetch_add(&a->auth_failed, 1);
			sv_resp_header(rs, "WWW-Authenticate", "Bearer");
			sv_fail(&cx, 401, "unauthorized",
			        "the token is not valid: ask an administrator for one "
			        "(stabforce token create)");
			goto out;
		}
		known = 1;
	}
	if (r->need != NEED_NONE && !known && !(r->need == NEED_READ && a->o.public_read)) {
		atomic_fetch_add(&a->auth_failed, 1);
		sv_resp_header(rs, "WWW-Authenticate", "Bearer");
		sv_fail(&cx, 401, "unauthorized",
		        "this needs a token: send 'Authorization: Bearer TOKEN'");
		goto out;
	}
	if ((r->need == NEED_EDIT && cx.role < SF_ROLE_EDITOR) ||
	    (r->need == NEED_ADMIN && cx.role < SF_ROLE_ADMIN)) {
		sv_fail(&cx, 403, "forbidden", "token '%s' is a %s: this needs an %s token", cx.who,
		        sf_role_str(cx.role), r->need == NEED_ADMIN ? "admin" : "editor");
		goto out;
	}
	if (r->need != NEED_NONE) {
		char rkey[96];
		sf_snprintf(rkey, sizeof rkey, "%s%s",
		            known ? "t:" : "ip:", known ? cx.who : rq->ip);
		long wait = rate_check(a, rkey);
		if (wait > 0) {
			atomic_fetch_add(&a->rate_limited, 1);
			sv_fail(&cx, 429, "rate_limited",
			        "more than %ld requests in a minute: wait %ld s", a->o.rate_per_min,
			        wait);
			sv_resp_header(rs, "Retry-After", "%ld", wait);
			goto out;
		}
	}

	/* The answer cache (GET only). */
	long long version = 0;
	int use_cache = strcmp(rq->method, "GET") == 0 &&
	                sf_store_data_version(cx.st, &version, &err) == SF_OK &&
	                sf_buf_adds(&key, rq->path) == SF_OK && sf_buf_addc(&key, '?') == SF_OK &&
	                sv_req_args(rq, &key) == SF_OK;
	sf_error_clear(&err);
	if (use_cache && cache_get(a, sf_buf_str(&key), version, rs)) {
		atomic_fetch_add(&a->cache_hits, 1);
		goto out;
	}
	r->fn(&cx);
	if (use_cache && cx.cacheable && rs->status == 200 && !rs->data) {
		atomic_fetch_add(&a->cache_misses, 1);
		cache_put(a, sf_buf_str(&key), cx.cacheable == 2 ? -1 : version, rs);
	}
out:
	if (cx.st)
		store_give(a, read_pool, cx.st);
	sf_buf_release(&key);
	count_request(a, rs->status, t0);
}

/* ---------------------------------------------------------------- */
/* Metrics                                                            */

/*
 * The heap (glibc's own count, all arenas) and the resident size
 * (/proc/self/statm), or -1 where unknown: under AddressSanitizer
 * mallinfo2 counts nothing (every field 0), and a heap of 0 bytes in
 * use would be a false figure.
 */
static void memory_now(sf_server_metrics *m)
{
	struct mallinfo2 mi = mallinfo2();
	long pages = 0, resident = 0, page = sysconf(_SC_PAGESIZE);
	FILE *f = fopen("/proc/self/statm", "r");

	m->heap_in_use = m->heap_free = m->resident = -1;
	if (mi.uordblks > 0 || mi.fordblks > 0) {
		m->heap_in_use = (long long)(mi.uordblks + mi.hblkhd);
		m->heap_free = (long long)mi.fordblks;
	}
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) == 2 && page > 0)
			m->resident = (long long)resident * page;
		fclose(f);
	}
}

sf_status sv_metrics_write(sv_app *a, sf_store *st, sf_buf *out, sf_error *err)
{
	sf_server_metrics m;
	memset(&m, 0, sizeof m);
	for (int c = 1; c <= 5; c++)
		m.requests[c] = atomic_load(&a->requests[c]);
	m.bucket_s = bucket_s;
	for (int b = 0; b <= NBUCKETS; b++)
		m.buckets[b] = atomic_load(&a->buckets[b]);
	m.latency_s = (double)atomic_load(&a->latency_us) / 1e6;
	m.cache_hits = atomic_load(&a->cache_hits);
	m.cache_misses = atomic_load(&a->cache_misses);
	m.rate_limited = atomic_load(&a->rate_limited);
	m.auth_failed = atomic_load(&a->auth_failed);
	m.jobs_submitted = atomic_load(&a->jobs_submitted);
	m.workers_alive = a->pool ? sv_pool_alive(a->pool) : 0;
	m.uptime_s = sv_uptime(a);
	pthread_mutex_lock(&a->cache_mu);
	m.cache_bytes = (long long)a->cache_bytes;
	m.cache_entries = (long long)a->cache_entries;
	pthread_mutex_unlock(&a->cache_mu);
	memory_now(&m);
	return sf_metrics_write(&m, st, out, err);
}

/* ---------------------------------------------------------------- */
/* Life                                                               */

static sf_status split_listen(const char *listen, char *host, size_t n, int *port, sf_error *err)
{
	const char *colon = strrchr(listen, ':');
	long p;
	if (!colon)
		return sf_error_set(err, SF_ERR_USAGE, "--listen '%s': expected HOST:PORT", listen);
	size_t hl = (size_t)(colon - listen);
	if (listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']') {
		listen++;
		hl -= 2;
	}
	if (hl == 0 || hl >= n)
		return sf_error_set(err, SF_ERR_USAGE, "--listen '%s': expected HOST:PORT", listen);
	memcpy(host, listen, hl);
	host[hl] = '\0';
	if (sf_parse_long(colon + 1, &p) != 0 || p < 0 || p > 65535)
		return sf_error_set(err, SF_ERR_USAGE, "--listen: port '%s' is not 0..65535",
		                    colon + 1);
	*port = (int)p;
	return SF_OK;
}

static sf_status write_port_file(const char *path, int port, sf_error *err)
{
	char tmp[PATH_MAX];
	sf_snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return sf_error_set(err, SF_ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return sf_error_set(err, SF_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
	return SF_OK;
}

static void app_release(sv_app *a)
{
	for (size_t i = 0; i < a->nfree; i++)
		sf_store_close(a->free_stores[i]);
	free(a->free_stores);
	for (size_t i = 0; i < a->nfree_read; i++)
		sf_store_close(a->free_read[i]);
	free(a->free_read);
	free(a->tokens);
	if (a->cache)
		for (size_t i = 0; i < CACHE_SLOTS; i++) {
			free(a->cache[i].key);
			free(a->cache[i].body);
		}
	free(a->cache);
	free(a->rate);
	sf_aid_crossings_free(a->crossings);
	sf_buf_release(&a->body_413);
	pthread_mutex_destroy(&a->pool_mu);
	pthread_mutex_destroy(&a->tok_mu);
	pthread_mutex_destroy(&a->rate_mu);
	pthread_mutex_destroy(&a->cache_mu);
}

sf_status sf_server_run(const sf_server_options *o, sf_error *err)
{
	sv_app *a = calloc(1, sizeof *a);
	sv_http *http = NULL;
	sf_store *st = NULL;
	sv_http_options ho;
	char host[128];
	int port = 0;
	long recovered = 0;
	sf_status rc;

	if (!a)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	a->o = *o;
	a->started = now_s();
	pthread_mutex_init(&a->pool_mu, NULL);
	pthread_mutex_init(&a->tok_mu, NULL);
	pthread_mutex_init(&a->rate_mu, NULL);
	pthread_mutex_init(&a->cache_mu, NULL);
	a->tokens_at = -1e9;
	sf_buf_init(&a->body_413, 4096);
	a->cap_free = (size_t)(o->threads > 0 ? o->threads : 1) + 2;
	a->free_stores = calloc(a->cap_free, sizeof *a->free_stores);
	a->free_read = calloc(a->cap_free, sizeof *a->free_read);
	a->cache = calloc(CACHE_SLOTS, sizeof *a->cache);
	a->rate = calloc(RATE_SLOTS, sizeof *a->rate);
	if (!a->free_stores || !a->free_read || !a->cache || !a->rate) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (!realpath(o->scenarios, a->scenarios)) {
		rc = sf_error_set(err, SF_ERR_USAGE, "--scenarios '%s': %s", o->scenarios,
		                  strerror(errno));
		goto out;
	}
	if (o->crossings && (rc = sf_aid_crossings_load(o->crossings, &a->crossings, err)) != SF_OK)
		goto out;
	if ((rc = split_listen(o->listen, host, sizeof host, &port, err)) != SF_OK)
		goto out;
	/* Open (and create or migrate) the store once before serving. */
	if ((rc = sf_store_open(o->db, &st, err)) != SF_OK)
		goto out;
	if ((rc = sv_pool_recover(st, &recovered, err)) != SF_OK)
		goto out;
	store_give(a, 0, st);
	st = NULL;
	/* The whole pool now, not as requests first need it: the server's
	 * descriptors are then steady from the start (bench/soak.sh compares
	 * them), and no early request pays for an open. */
	while (a->nfree < a->cap_free) {
		if ((rc = store_open_pooled(a, 0, &st, err)) != SF_OK)
			goto out;
		store_give(a, 0, st);
		st = NULL;
	}
	/* The read pool too (a standby at another schema version is refused now). */
	while (a->nfree_read < a->cap_free) {
		if ((rc = store_open_pooled(a, 1, &st, err)) != SF_OK)
			goto out;
		store_give(a, 1, st);
		st = NULL;
	}

	if ((rc = sv_pool_start(o, a->scenarios, &a->pool, err)) != SF_OK)
		goto out;
	memset(&ho, 0, sizeof ho);
	ho.host = host;
	ho.port = port;
	ho.threads = o->threads;
	ho.timeout_s = o->timeout_s;
	ho.max_connections = o->max_connections;
	ho.max_per_ip = o->max_per_ip;
	ho.max_body = o->max_body;
	{
		sf_error e413;
		sf_error_clear(&e413);
		sf_snprintf(e413.message, sizeof e413.message,
		            "the request body is larger than %zu bytes", o->max_body);
		if (sf_error_write_json(413, "too_large", &e413, &a->body_413) != SF_OK) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			goto out;
		}
		ho.body_413 = sf_buf_str(&a->body_413);
	}
	ho.max_header = 64 * 1024;
	if ((rc = sv_http_start(&ho, handle, a, &http, err)) != SF_OK)
		goto out;
	port = sv_http_port(http);
	if (o->port_file && (rc = write_port_file(o->port_file, port, err)) != SF_OK)
		goto out;
	if (!o->quiet) {
		char db_safe[256], read_safe[256];
		sf_store_location_safe(o->db, db_safe, sizeof db_safe);
		sf_store_location_safe(o->db_read ? o->db_read : "", read_safe, sizeof read_safe);
		fprintf(stderr,
		        "stabforce serve: the dashboard is at http://%s%s%s:%d/ and the API at "
		        "/api/v1 (store %s%s%s, %d worker%s%s); Ctrl-C stops\n",
		        strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port,
		        db_safe, o->db_read ? ", reads from " : "", o->db_read ? read_safe : "",
		        o->jobs, o->jobs == 1 ? "" : "s", o->public_read ? ", public reads" : "");
		if (recovered > 0)
			fprintf(stderr,
			        "stabforce serve: %ld job%s left running by a stopped server "
			        "marked "
			        "failed\n",
			        recovered, recovered == 1 ? "" : "s");
	}
	for (double trimmed = now_s(); !*o->stop;) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (now_s() - trimmed >= TRIM_EVERY_S) {
			malloc_trim(0); /* free pages of every arena back to the system */
			trimmed = now_s();
		}
	}
	rc = SF_OK;
out:
	sv_http_stop(http);
	sv_pool_stop(a->pool);
	sf_store_close(st);
	app_release(a);
	free(a);
	return rc;
}
