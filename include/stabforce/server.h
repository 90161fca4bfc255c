/*
 * server.h - `stabforce serve` and `stabforce worker` (src/server/).
 *
 * The server answers the JSON API of docs/api.md and the dashboard on one
 * address; solves and analyses are jobs in the store, run by worker
 * processes that the server starts with posix_spawn (the same binary, as
 * `stabforce worker`). Everything the server and the workers say comes from
 * the library's writers.
 */
#ifndef STABFORCE_SERVER_H
#define STABFORCE_SERVER_H

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_server_options {
	const char *listen;    /* "HOST:PORT", "[::1]:PORT"; port 0 = any free port */
	const char *db;        /* the store's location */
	const char *db_read;   /* reads (GET) from here, a hot standby of db; NULL = db */
	const char *scenarios; /* the scenarios directory */
	const char *crossings; /* crossing names for the aid register (CSV), NULL = none */
	const char *exe;       /* this program, to start workers with */
	int jobs;              /* workers at once (>= 1) */
	double job_time_limit; /* seconds for a whole job, when its request names none */
	int threads;           /* HTTP threads */
	long queue;            /* most queued jobs before 503 */
	int public_read;       /* reads need no token */
	const char *cors;      /* an origin allowed cross-origin, NULL = none */
	long rate_per_min;     /* requests per minute per token (or per address) */
	unsigned timeout_s;    /* idle connection timeout */
	unsigned max_connections, max_per_ip;
	size_t max_body;       /* bytes */
	const char *port_file; /* write the port here once listening (tests), may be NULL */
	int quiet;             /* no start-up line on stderr */
	volatile int *stop;    /* the server returns once *stop is nonzero */
} sf_server_options;

void sf_server_options_init(sf_server_options *o);

/* Serve until *o->stop; SF_OK on a clean stop. */
sf_status sf_server_run(const sf_server_options *o, sf_error *err);

typedef struct sf_worker_options {
	const char *db;
	const char *scenarios;
	const char *exe;
	int once;           /* 1: return when the queue is empty */
	long parent;        /* the server's pid: exit when it is gone, 0 = none */
	long lease_s;       /* lease per heartbeat */
	double time_limit;  /* seconds for a whole job whose stored request names none */
	volatile int *stop; /* return between jobs once nonzero */
} sf_worker_options;

void sf_worker_options_init(sf_worker_options *o);

/* Claim and run jobs until stopped (or, with once, until none is queued). */
sf_status sf_worker_run(const sf_worker_options *o, sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
