/*
 * jobs.c - the workers the server keeps.
 *
 * The server starts `--jobs` worker processes with posix_spawn
 * (`stabforce worker --parent PID`), and one thread reaps and replaces
 * them. A worker that dies while it holds a job (killed, crashed) has that
 * job failed with the reason; leases that ran out (a worker on another
 * machine that went away) are expired every few seconds. What a job is
 * (its request, key and command) is the library's (service.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_int.h"

enum { MAX_WORKERS = 64 };

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
	char parent[32], limit[64];
	char *argv[8];
	char dbarg[PATH_MAX + 8], scarg[PATH_MAX + 16];
	sf_spawn_options so;
	sf_snprintf(parent, sizeof parent, "--parent=%ld", (long)getpid());
	sf_snprintf(dbarg, sizeof dbarg, "--db=%s", p->o.db);
	sf_snprintf(scarg, sizeof scarg, "--scenarios=%s", p->scenarios);
	sf_snprintf(limit, sizeof limit, "--time-limit=%.17g", p->o.job_time_limit);
	argv[0] = (char *)p->o.exe;
	argv[1] = "worker";
	argv[2] = dbarg;
	argv[3] = scarg;
	argv[4] = parent;
	argv[5] = limit;
	argv[6] = NULL;
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
	/* 0: no worker here (remote `stabforce worker`s); the pool still expires leases. */
	p->n = o->jobs < 0 ? 0 : o->jobs > MAX_WORKERS ? MAX_WORKERS : o->jobs;
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
