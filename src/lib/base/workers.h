/*
 * workers.h - independent jobs run in forked worker processes.
 *
 * CBC is not reentrant, so the analyses (vetoes, caveats, criticality,
 * shopping, risk) solve their independent cases in worker processes, not
 * threads. sf__workers_run() forks N workers, hands out job indices one at a
 * time (in index order, or in the order the caller gives, longest first)
 * to whichever worker is idle (so a slow case does not hold up the
 * others), and collects each job's result record, stored by job index: the
 * results, and therefore every output built from them, do not depend on the
 * number of workers or on which worker ran which job.
 *
 * Wire protocol, over one AF_UNIX socket pair per worker (a bidirectional
 * pipe; MSG_NOSIGNAL so a dead peer gives EPIPE, never SIGPIPE):
 *   parent -> worker: a uint64 job index; the parent closes its end (EOF)
 *                     when no jobs are left;
 *   worker -> parent: a fixed header {uint64 job, int32 status, uint32
 *                     message length, uint64 data length} followed by the
 *                     error message (if any) and the data bytes.
 * The parent poll()s every worker socket. A worker whose socket reaches EOF
 * while it holds a job has died: the parent reaps it with waitpid(),
 * terminates the other workers, and returns SF_ERR_WORKER naming the job and
 * the signal or exit status. Nothing waits forever on a dead worker.
 *
 * Workers are started by the process layer (proc.h): each dies with its
 * parent, and leaves with _exit(), so it never flushes the parent's stdio
 * buffers or runs its atexit handlers (the parent need not flush before
 * forking). A job must not write to stdout or stderr.
 */
#ifndef STABFORCE_WORKERS_H
#define STABFORCE_WORKERS_H

#include <stddef.h>

#include "stabforce/buf.h"
#include "stabforce/error.h"

/*
 * One job, run in a worker: append the job's result record to out. A
 * non-SF_OK return (with err set) is carried back to the parent as that
 * job's status and message; it does not stop the other jobs.
 */
typedef sf_status (*sf__job_fn)(void *ctx, size_t job, sf_buf *out, sf_error *err);

/* A name for job `job` in messages ("lift veto ISR:TUR"), written to buf. */
typedef void (*sf__job_name_fn)(void *ctx, size_t job, char *buf, size_t n);

/* Called in the parent after each job completes (done of total). */
typedef void (*sf__progress_fn)(void *ctx, size_t done, size_t total);

typedef struct sf__job_result {
	sf_status status;                   /* the job's return */
	char message[SF_ERROR_MESSAGE_MAX]; /* its error message when status != SF_OK */
	char *data;                         /* the record (malloc'd, may be NULL when len 0) */
	size_t len;                         /* bytes in data */
} sf__job_result;

typedef struct sf__workers_spec {
	size_t njobs;
	int nworkers; /* <= 0: the number of online cores */
	sf__job_fn run;
	sf__job_name_fn name;     /* may be NULL: jobs are then named by index */
	sf__progress_fn progress; /* may be NULL */
	void *ctx;                /* passed to run, name (in either process) and progress */
	void *progress_ctx;
	/* may be NULL: jobs are handed out in index order. Otherwise a
	 * permutation of 0..njobs-1, the order to hand them out in (longest
	 * first keeps the last worker from finishing alone on a long job). */
	const size_t *order;
} sf__workers_spec;

/* The default worker count: sysconf(_SC_NPROCESSORS_ONLN), at least 1. */
int sf__workers_default(void);

/*
 * Run spec->njobs jobs in min(nworkers, njobs) forked workers. results is
 * an array of njobs elements that this fills (the caller releases it with
 * sf__job_results_release). Returns SF_OK when every job ran to completion
 * (each job's own status is in its result), SF_ERR_WORKER when a worker
 * died or broke the protocol, SF_ERR_NOMEM / SF_ERR_IO when forking or the
 * sockets failed.
 */
sf_status sf__workers_run(const sf__workers_spec *spec, sf__job_result *results, sf_error *err);

void sf__job_results_release(sf__job_result *results, size_t n);

#endif
