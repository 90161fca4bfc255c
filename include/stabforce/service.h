/*
 * service.h - what `stabforce serve` keeps in the store besides the
 * registers: jobs (solves and analyses run by workers) and access tokens;
 * and the SHA-256 both use.
 *
 * Jobs are a queue with claim and lease semantics, so that any backend
 * whose transactions can take "the oldest queued row nobody holds" (SQLite's
 * single writer; PostgreSQL's FOR UPDATE SKIP LOCKED) runs it unchanged:
 *
 *   submit   a new row `queued` (or the finished or in-flight job with the
 *            same cache key, or nothing when the queue is full);
 *   claim    the oldest `queued` row becomes `running`, held by the worker
 *            until lease_until;
 *   heartbeat  the holder renews the lease and reports progress, and
 *            learns whether the job was cancelled;
 *   finish   the holder records `done` with the result or `failed` with the
 *            reason; a job no longer running under that holder (cancelled,
 *            or failed because its lease ran out) is left as it is;
 *   cancel   `queued` or `running` becomes `cancelled`;
 *   expire   `running` rows whose lease has passed are queued again, for
 *            another worker (the worker, or its machine, went away), or
 *            become `failed` after SF_JOB_ATTEMPTS claims.
 *
 * Every submit and cancel is written to the store's edit log with who asked.
 * Tokens are stored only as the SHA-256 of the secret, in hex.
 *
 * The requests themselves (service/jobs.c): a job's request is checked
 * and normalized, keyed by the hash of its inputs, and turned into the
 * command line a worker runs; scenarios are named by their place in one
 * directory, never by a path a client gives.
 *
 * Memory: jobs and tokens passed to callbacks are borrowed for the call.
 */
#ifndef STABFORCE_SERVICE_H
#define STABFORCE_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "register.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- */
/* SHA-256 (base/sha256.c, the nettle adapter)                       */

enum { SF_SHA256_LEN = 32, SF_SHA256_HEX = 65 };

typedef struct sf_sha256 {
	uint64_t state[16]; /* the adapter's context, opaque */
} sf_sha256;

void sf_sha256_init(sf_sha256 *h);
void sf_sha256_update(sf_sha256 *h, const void *data, size_t n);
/* The digest, as 64 lowercase hex digits and a NUL, into hex. */
void sf_sha256_hex(sf_sha256 *h, char hex[SF_SHA256_HEX]);
/* 1 when the n bytes at a and b are equal, in time independent of where they differ. */
int sf_equal_ct(const void *a, const void *b, size_t n);

/* ---------------------------------------------------------------- */
/* Jobs                                                               */

/* Claims of a job before an expired lease fails it rather than queueing it again. */
enum { SF_JOB_ATTEMPTS = 3 };

typedef enum sf_job_status {
	SF_JOB_QUEUED = 0,
	SF_JOB_RUNNING = 1,
	SF_JOB_DONE = 2,
	SF_JOB_FAILED = 3,
	SF_JOB_CANCELLED = 4
} sf_job_status;

/* "queued", "running", "done", "failed", "cancelled"; and back (-1 unknown). */
const char *sf_job_status_str(sf_job_status s);
int sf_job_status_parse(const char *s);

typedef struct sf_job {
	long long id;
	const char *kind;     /* plan, price, shopping, risk, whatif, compare */
	const char *scenario; /* the scenario name as requested */
	const char *request;  /* the normalized request, JSON */
	const char *key;      /* cache key (hex SHA-256), "" = never reused */
	sf_job_status status;
	double progress;                      /* 0..1 */
	const char *message;                  /* progress text, or why it failed */
	const char *result;                   /* the result document (JSON) when done, else "" */
	const char *who;                      /* who submitted it (a token's name) */
	const char *worker;                   /* who holds or held it, "" when never claimed */
	long long created, started, finished; /* Unix seconds, 0 = not yet */
	long long lease_until;                /* Unix seconds, 0 = not held */
} sf_job;

typedef int (*sf_job_cb)(void *ctx, const sf_job *job);

/*
 * Queue a job (kind, scenario, request, key and who are read from `job`).
 * When job->key is not "" and a job with that key is done, queued or
 * running, *id is that job and *reused 1: nothing is added. Otherwise,
 * when max_queued jobs are already queued, *id is 0 (the queue is full);
 * else a new queued job, logged as "job" in the edit log.
 */
sf_status sf_store_job_submit(sf_store *st, const sf_job *job, long max_queued, long long *id,
                              int *reused, sf_error *err);
/* The job with this id: cb called once, or *found 0. */
sf_status sf_store_job_get(sf_store *st, long long id, sf_job_cb cb, void *ctx, int *found,
                           sf_error *err);
/* Jobs newest first; status -1 = any; limit 0 = all. The result is left "" here. */
sf_status sf_store_job_list(sf_store *st, int status, long limit, sf_job_cb cb, void *ctx,
                            sf_error *err);
/* Take the oldest queued job for `worker` until now + lease_s; *id 0 when none. */
sf_status sf_store_job_claim(sf_store *st, const char *worker, long lease_s, long long *id,
                             sf_error *err);
/* Renew the lease and record progress; *cancelled 1 when the job is no longer the worker's. */
sf_status sf_store_job_heartbeat(sf_store *st, long long id, const char *worker, double progress,
                                 const char *message, long lease_s, int *cancelled, sf_error *err);
/* Record the end (SF_JOB_DONE with result, or SF_JOB_FAILED with message); *applied 0 when the
 * job was no longer running under this worker. */
sf_status sf_store_job_finish(sf_store *st, long long id, const char *worker, sf_job_status status,
                              const char *message, const char *result, int *applied, sf_error *err);
/* Cancel a queued or running job; *before its status then (-1 when there is no such job). */
sf_status sf_store_job_cancel(sf_store *st, long long id, const char *who, int *before,
                              sf_error *err);
/*
 * Running jobs whose lease ended before `now` are queued again (the next
 * claim starts them afresh), or fail with `reason` once they were claimed
 * SF_JOB_ATTEMPTS times; *n counts both.
 */
sf_status sf_store_job_expire(sf_store *st, long long now, const char *reason, long *n,
                              sf_error *err);
/* Fail one running job held by `worker` (it is known to be gone); *applied as for finish. */
sf_status sf_store_job_abandon(sf_store *st, long long id, const char *worker, const char *reason,
                               int *applied, sf_error *err);
/* Jobs per status: counts[SF_JOB_QUEUED .. SF_JOB_CANCELLED]. */
sf_status sf_store_job_counts(sf_store *st, long counts[5], sf_error *err);
/*
 * Wait, at most max_ms, for a job to be queued: an idle worker's pause
 * between claims. PostgreSQL returns as soon as a job is queued anywhere
 * (LISTEN/NOTIFY); SQLite, which cannot be told, sleeps 200 ms (or
 * max_ms if less). Either may return early; the caller claims again.
 */
sf_status sf_store_job_wait(sf_store *st, long max_ms, sf_error *err);

/* ---------------------------------------------------------------- */
/* Tokens                                                             */

typedef enum sf_role { SF_ROLE_VIEWER = 0, SF_ROLE_EDITOR = 1, SF_ROLE_ADMIN = 2 } sf_role;

/* "viewer", "editor", "admin"; and back (-1 unknown). */
const char *sf_role_str(sf_role r);
int sf_role_parse(const char *s);

typedef struct sf_token_info {
	const char *name;
	sf_role role;
	const char *hash; /* hex SHA-256 of the secret */
	const char *created;
	int revoked;
} sf_token_info;

typedef int (*sf_token_cb)(void *ctx, const sf_token_info *t);

/*
 * A new secret: 32 random bytes from getrandom(2) as 64 hex digits into
 * secret, and its hash into hash (what the store keeps).
 */
sf_status sf_token_generate(char secret[SF_SHA256_HEX], char hash[SF_SHA256_HEX], sf_error *err);
/* The hash of a presented secret. */
void sf_token_hash(const char *secret, size_t n, char hash[SF_SHA256_HEX]);

/* Store a token; a name in use is SF_ERR_USAGE. */
sf_status sf_store_token_add(sf_store *st, const char *name, sf_role role, const char *hash,
                             sf_error *err);
/* Every token, revoked ones too, by name. */
sf_status sf_store_token_list(sf_store *st, sf_token_cb cb, void *ctx, sf_error *err);
/* Revoke by name; *found 0 when there is none. */
sf_status sf_store_token_revoke(sf_store *st, const char *name, int *found, sf_error *err);

/*
 * A number that changes whenever the registers change (an import, a
 * review, a duplicates decision, a deletion, a job submitted or
 * cancelled): the server keeps answers to register reads until it moves.
 */
sf_status sf_store_data_version(sf_store *st, long long *version, sf_error *err);

/* ---------------------------------------------------------------- */
/* The scenarios directory and job requests (service/jobs.c)          */

/* Names, sorted, each owned by the list. */
typedef struct sf_name_list {
	char **v;
	size_t n;
} sf_name_list;

void sf_name_list_release(sf_name_list *l);

/*
 * The path of scenario NAME in dir: dir/NAME/scenario.yaml, else
 * dir/NAME.yaml (dir NULL: relative to the working directory). A name
 * holds only letters, digits, '.', '_' and '-', starts with neither '.'
 * nor '-' and has no "..": anything else is SF_ERR_USAGE; no such file is
 * SF_ERR_IO.
 */
sf_status sf_scenario_dir_path(const char *dir, const char *name, char *path, size_t n,
                               sf_error *err);
/*
 * Load scenario NAME of dir (geometry 0: without reading its GeoJSON);
 * a scenario that does not load gives its first diagnostic in err, with
 * NAME as the file.
 */
sf_status sf_scenario_dir_load(const char *dir, const char *name, int geometry, sf_scenario **sc,
                               sf_error *err);
/* The scenarios in dir: folders holding scenario.yaml and NAME.yaml files, by name. */
sf_status sf_scenario_dir_list(const char *dir, sf_name_list *out, sf_error *err);

enum { SF_JOB_KIND_MAX = 16 };
/*
 * The wall-clock limit, in seconds, of a whole job when its request names
 * none (`stabforce serve --job-time-limit`, `stabforce worker
 * --time-limit`). A plan job's plan has it; an analysis shares it among
 * the plans it solves (--total-time-limit): every job ends, proven or with
 * the gap it reached. The worker that runs the job's command kills the
 * command's whole process group when it runs on sf_job_grace(limit)
 * seconds past the limit, and fails the job with "time limit of N s
 * reached".
 */
#define SF_JOB_TIME_LIMIT_DEFAULT 300.0
/* The grace: GRACE_MIN_S + GRACE_SHARE of the limit, at most GRACE_MAX_S. */
#define SF_JOB_GRACE_MIN_S 2.0
#define SF_JOB_GRACE_SHARE 0.1
#define SF_JOB_GRACE_MAX_S 60.0
double sf_job_grace(double limit_s);
/* The "time_limit" of a stored request, or fallback_s when it names none. */
double sf_job_time_limit(const char *request, double fallback_s);

/* A checked job request: what the worker will run. */
typedef struct sf_job_request {
	char kind[SF_JOB_KIND_MAX]; /* plan, price, shopping, risk, whatif, compare */
	char scenario[128];         /* name in the scenarios directory */
	char other[128];            /* compare: the second scenario */
	sf_buf normalized;          /* the request as stored (JSON, fixed key order) */
	char key[SF_SHA256_HEX];    /* cache key, "" when the result depends on the registers */
} sf_job_request;

/*
 * Check the JSON body of a request for `kind` against the scenarios in dir
 * and fill r (release with sf_job_request_release). An unknown kind or
 * option, a value out of range: SF_ERR_USAGE; body not JSON: SF_ERR_INPUT
 * with line and column; no such scenario: SF_ERR_IO; a scenario that does
 * not load: SF_ERR_SCENARIO with its first diagnostic. A request with no
 * "time_limit" is stored with time_limit_s (when > 0), so that the stored
 * request, its cache key and the command all carry the limit it ran under.
 */
sf_status sf_job_request_parse(const char *dir, const char *kind, const char *body, size_t len,
                               double time_limit_s, sf_job_request *r, sf_error *err);
void sf_job_request_release(sf_job_request *r);
/* The cache key of a stored request, computed again from the files now. */
sf_status sf_job_key(const char *dir, const char *kind, const char *request, char *key,
                     sf_error *err);
/*
 * The command that runs a stored request: *argv (exe first, then the
 * command, --format=json, --db=db, the options, the scenario paths;
 * NULL-terminated; each string and the array freed by the caller with
 * free()). dir NULL gives scenario paths relative to the working
 * directory, so that the result names no path of the server's. A stored
 * request with no "time_limit" (one queued before limits were given) runs
 * with time_limit_s when that is > 0. The limit is the whole job's: a plan
 * runs with --time-limit, an analysis with --total-time-limit.
 */
sf_status sf_job_argv(const char *exe, const char *dir, const char *db, const char *kind,
                      const char *request, double time_limit_s, char ***argv, sf_error *err);
/*
 * Progress from a command to the worker that runs it: with
 * STABFORCE_PROGRESS=lines in its environment (the worker sets it), a
 * command writes one line "stabforce-progress DONE TOTAL" on stderr each
 * time it finishes a step of a known number (the analyses: one per plan
 * of the many they solve). sf_progress_line appends such a line;
 * sf_progress_parse reads one (n bytes, no newline) into *fraction
 * (0..1) and returns 1, or returns 0 for any other line (the command's
 * own words, kept as the job's message).
 */
#define SF_PROGRESS_ENV "STABFORCE_PROGRESS"
sf_status sf_progress_line(size_t done, size_t total, sf_buf *out);
int sf_progress_parse(const char *line, size_t n, double *fraction);
/*
 * SF_OK when the command's output is one JSON object (what a job's result
 * must be). summary (n bytes, may be NULL) then says in words how far it
 * is proven, from every "proven" member of the document (each stage of a
 * plan, each plan an analysis solved): all true gives "proven"; all true
 * but some optimal within the gap asked for gives "proven within the gap
 * asked for (largest gap G %)"; any whose solver status is not "optimal"
 * gives "not proven: K of N proofs stopped at the time limit
 * (largest gap G %)", G the largest "gap", "stage1_gap" or "stage2_gap"
 * beside a false "proven".
 */
sf_status sf_job_result_check(const char *text, size_t len, char *summary, size_t n, sf_error *err);

/* ---------------------------------------------------------------- */
/* Register edits through the API (service/edits.c)                   */

/* {"status": "verified", "note": "...", "version": 3}: note and version optional. */
typedef struct sf_review_request {
	int status;     /* sf_incident_status */
	char note[512]; /* "" when none */
	long version;   /* the version the reviewer read; 0 = not given */
} sf_review_request;

/* Check a review body: SF_ERR_INPUT (not JSON, with line and column) or SF_ERR_USAGE. */
sf_status sf_review_request_parse(const char *body, size_t len, sf_review_request *r,
                                  sf_error *err);

/* {"a": ID, "b": ID, "decision": "duplicate"|"distinct", "note": "..."}: note optional. */
typedef struct sf_dupe_request {
	char a[128], b[128];
	char decision[16];
	char note[512];
} sf_dupe_request;

sf_status sf_dupe_request_parse(const char *body, size_t len, sf_dupe_request *r, sf_error *err);

/* ---------------------------------------------------------------- */
/* Output (output/service.c)                                          */

/* A job as the API shows it; with_result: include "result" (null until done). */
sf_status sf_job_write_json(const sf_job *j, int with_result, sf_buf *out, sf_error *err);
/* {"jobs": [...]}: sf_store_job_list() as the API lists it (no results). */
sf_status sf_jobs_write_list(sf_store *st, int status, long limit, sf_buf *out, sf_error *err);
/* {"error": {"status", "code", "message", "file", "line", "column", "path"}} and a newline. */
sf_status sf_error_write_json(int http_status, const char *code, const sf_error *e, sf_buf *out);
/* {"status": "ok", "version", "store", "uptime_s"}: what /health says. */
sf_status sf_health_write_json(const char *store_backend, double uptime_s, sf_buf *out,
                               sf_error *err);
/*
 * {"scenarios": [...]}: each scenario of dir as sf_scenario_write_json
 * gives it without `full`, or {name, valid: false, error} for one that
 * does not load.
 */
sf_status sf_scenarios_write_list(const char *dir, sf_buf *out, sf_error *err);
/*
 * A scenario as the API shows it (name: its name in the scenarios
 * directory): title, mandate and counts; full adds sectors, tasks, unit
 * types, contributors, pledges, stakeholders and vetoes.
 */
sf_status sf_scenario_write_json(const sf_scenario *sc, const char *name, int full, sf_buf *out,
                                 sf_error *err);
/* The scenario's sector map, its GeoJSON file as it is; SF_ERR_IO when it has none. */
sf_status sf_scenario_write_sectors(const sf_scenario *sc, const char *name, sf_buf *out,
                                    sf_error *err);
/* What the server counts, for /metrics. */
enum { SF_METRICS_BUCKETS = 12 };

typedef struct sf_server_metrics {
	long requests[6];                          /* by status class 1xx..5xx; [0] unused */
	const double *bucket_s;                    /* SF_METRICS_BUCKETS upper bounds, seconds */
	long long buckets[SF_METRICS_BUCKETS + 1]; /* answers per latency bucket, the last +Inf */
	double latency_s;                          /* the sum of every answer's time */
	long cache_hits, cache_misses, rate_limited, auth_failed, jobs_submitted;
	int workers_alive;
	double uptime_s;
	long long cache_bytes, cache_entries; /* the answer cache now */
	/* Bytes; -1 where unknown (the heap under a sanitizer, no /proc). */
	long long heap_in_use, heap_free, resident;
} sf_server_metrics;

/*
 * The Prometheus text exposition (version 0.0.4) of m, with the jobs per
 * status and the incidents from st (left out when st cannot say).
 */
sf_status sf_metrics_write(const sf_server_metrics *m, sf_store *st, sf_buf *out, sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
