/*
 * server_int.h - what the server's files share (src/server only).
 *
 * server.c: the application state, the route table, access control, rate
 * limits, the answer cache and the metrics; handlers.c: one thin function
 * per endpoint, registers.c those of the registers; jobs.c: the workers
 * the server keeps; worker.c: `stabforce
 * worker`. Every document the server sends is written by the library.
 */
#ifndef STABFORCE_SERVER_INT_H
#define STABFORCE_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "stabforce/stabforce.h"

#include "http.h"

#define SV_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct sv_app sv_app;

/* One request on its way through a handler. */
typedef struct sv_ctx {
	sv_app *app;
	const sv_req *rq;
	sv_resp *rs;
	sf_store *st;         /* a store handle from the pool, for this request */
	const char *param[2]; /* the route's {parameters} */
	char who[72];         /* the token's name, or "anonymous" */
	sf_role role;         /* what the token may do */
	int cacheable;        /* the handler's answer may be kept until the data changes */
} sv_ctx;

typedef void (*sv_route_fn)(sv_ctx *cx);

/* ---- server.c ---- */

/* Answer with a JSON error: status, a short code, and the message. */
void sv_fail(sv_ctx *cx, int status, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Answer with a library error (its HTTP status from the one table). */
void sv_fail_err(sv_ctx *cx, const sf_error *err);
/* The options the server runs with. */
const sf_server_options *sv_options(const sv_app *a);
/* The scenarios directory, resolved. */
const char *sv_scenarios_dir(const sv_app *a);
/* The crossing names of --crossings (read-only once serving), NULL = none. */
const sf_aid_crossings *sv_crossings(const sv_app *a);
/* Count a job submitted, for /metrics. */
void sv_metrics_job(sv_app *a);
/* Write the Prometheus text of the server's counters into out. */
sf_status sv_metrics_write(sv_app *a, sf_store *st, sf_buf *out, sf_error *err);
/* Seconds since the server started. */
double sv_uptime(const sv_app *a);

/* ---- handlers.c ---- */

void sv_h_health(sv_ctx *cx);
void sv_h_metrics(sv_ctx *cx);
void sv_h_openapi(sv_ctx *cx);
void sv_h_scenarios(sv_ctx *cx);
void sv_h_scenario(sv_ctx *cx);
void sv_h_scenario_sectors(sv_ctx *cx);
void sv_h_scenario_validate(sv_ctx *cx);
void sv_h_offers_submit(sv_ctx *cx);
void sv_h_job_submit(sv_ctx *cx);
void sv_h_jobs(sv_ctx *cx);
void sv_h_job(sv_ctx *cx);
void sv_h_job_result(sv_ctx *cx);
void sv_h_job_cancel(sv_ctx *cx);
/* ---- registers.c ---- */

void sv_h_incidents(sv_ctx *cx);
void sv_h_incident(sv_ctx *cx);
void sv_h_incidents_report(sv_ctx *cx);
void sv_h_incidents_import(sv_ctx *cx);
void sv_h_incident_review(sv_ctx *cx);
void sv_h_incidents_alerts(sv_ctx *cx);
void sv_h_duplicates(sv_ctx *cx);
void sv_h_duplicate_decide(sv_ctx *cx);
void sv_h_edits(sv_ctx *cx);
void sv_h_aid(sv_ctx *cx);
void sv_h_aid_report(sv_ctx *cx);
void sv_h_aid_sources(sv_ctx *cx);
void sv_h_aid_import(sv_ctx *cx);

/* ---- jobs.c ---- */

/* The workers the server keeps running (a thread watches and replaces them). */
typedef struct sv_pool sv_pool;
sf_status sv_pool_start(const sf_server_options *o, const char *scenarios, sv_pool **out,
                        sf_error *err);
/* Jobs left running by workers that are gone (a previous server): failed with the reason. */
sf_status sv_pool_recover(sf_store *st, long *n, sf_error *err);
void sv_pool_stop(sv_pool *p);
int sv_pool_alive(const sv_pool *p);

#endif
