/*
 * workers.c - forked worker processes for independent solves.
 *
 * Design (see workers.h for the contract and the wire protocol): the parent
 * forks min(N, njobs) workers, each connected by one socket pair. Jobs are
 * handed out one index at a time to idle workers, so the total time is
 * about the sum of the job times divided by N even when the cases differ a
 * lot in difficulty. Each result record is stored at its job index; the
 * output is therefore identical whatever N is.
 *
 * Failure handling is the point of this file: a worker that dies (a solver
 * crash, an abort, the OOM killer) closes its socket, which poll() reports
 * as readable with a zero-length read. The parent then reaps that worker,
 * sends SIGTERM to the others (its own children, by pid), reaps them too,
 * and returns SF_ERR_WORKER with the job's name and the cause. A worker that
 * sends a record for a job it was not given, or a malformed header, is
 * treated the same way. Every read and write retries on EINTR.
 *
 * The workers are started by the process layer (proc.c), so each dies
 * with the parent: a command killed while its workers run leaves none.
 */
#include "base/internal.h"

#include "base/workers.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/proc.h"

enum { HEADER_LEN = 24, READ_CHUNK = 65536 };

/* Largest record a worker may send: a bound against a corrupt header. */
#define RECORD_MAX ((uint64_t)1 << 32)

typedef struct worker {
	sf__proc proc; /* the process and the parent's end of its socket */
	long job;      /* job being run, -1 when idle */
	sf_buf in;     /* bytes received and not yet parsed */
} worker;

int sf__workers_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	if (n > 1024)
		return 1024;
	return (int)n;
}

void sf__job_results_release(sf__job_result *results, size_t n)
{
	if (!results)
		return;
	for (size_t i = 0; i < n; i++) {
		free(results[i].data);
		results[i].data = NULL;
		results[i].len = 0;
	}
}

/* The worker's loop: read a job index, run it, send the record; until EOF. */
static int worker_main(void *vspec, int fd)
{
	const sf__workers_spec *spec = vspec;
	sf_buf out;
	sf_buf_init(&out, 0);
	for (;;) {
		uint64_t job;
		int r = sf__proc_read_all(fd, &job, sizeof job);
		if (r == 0)
			break;
		if (r < 0 || job >= spec->njobs)
			return 3;
		sf_error err;
		sf_error_clear(&err);
		sf_buf_reset(&out);
		sf_status st = spec->run(spec->ctx, (size_t)job, &out, &err);
		if (st != SF_OK && err.code == SF_OK)
			sf_error_set(&err, st, "%s", sf_status_str(st));
		uint32_t msglen = st == SF_OK ? 0 : (uint32_t)strlen(err.message);
		uint64_t datalen = st == SF_OK ? out.len : 0;
		int32_t status = (int32_t)st;
		unsigned char hdr[HEADER_LEN];
		memcpy(hdr, &job, 8);
		memcpy(hdr + 8, &status, 4);
		memcpy(hdr + 12, &msglen, 4);
		memcpy(hdr + 16, &datalen, 8);
		if (sf__proc_write_all(fd, hdr, sizeof hdr) != 0 ||
		    (msglen && sf__proc_write_all(fd, err.message, msglen) != 0) ||
		    (datalen && sf__proc_write_all(fd, out.data, (size_t)datalen) != 0))
			return 3;
	}
	sf_buf_release(&out);
	return 0;
}

static void job_label(const sf__workers_spec *spec, size_t job, char *buf, size_t n)
{
	char name[256] = "";
	if (spec->name)
		spec->name(spec->ctx, job, name, sizeof name);
	if (name[0])
		sf_snprintf(buf, n, "job %zu ('%s')", job, name);
	else
		sf_snprintf(buf, n, "job %zu", job);
}

/* Close every socket, terminate (if kill_them) and reap every worker. */
static void shutdown_all(worker *ws, int n, int kill_them)
{
	for (int i = 0; i < n; i++) {
		sf__proc_close(&ws[i].proc);
		if (kill_them)
			sf__proc_signal(&ws[i].proc, SIGTERM);
	}
	for (int i = 0; i < n; i++)
		sf__proc_wait(&ws[i].proc);
}

static int send_job(worker *w, size_t job)
{
	uint64_t j = job;
	w->job = (long)job;
	return sf__proc_write_all(w->proc.fd, &j, sizeof j);
}

/*
 * Parse every complete record in w->in. Returns 0, or -1 with err set when
 * the worker broke the protocol. *done counts stored results.
 */
static int parse_records(const sf__workers_spec *spec, worker *w, int wi, sf__job_result *results,
                         size_t *done, sf_error *err)
{
	size_t off = 0;
	char label[320];
	while (w->in.len - off >= HEADER_LEN) {
		const unsigned char *h = (const unsigned char *)w->in.data + off;
		uint64_t job, datalen;
		int32_t status;
		uint32_t msglen;
		memcpy(&job, h, 8);
		memcpy(&status, h + 8, 4);
		memcpy(&msglen, h + 12, 4);
		memcpy(&datalen, h + 16, 8);
		if (w->job < 0 || job != (uint64_t)w->job || datalen > RECORD_MAX ||
		    msglen >= SF_ERROR_MESSAGE_MAX) {
			job_label(spec, w->job < 0 ? 0 : (size_t)w->job, label, sizeof label);
			sf_error_set(err, SF_ERR_WORKER,
			             "worker %d (pid %ld) sent a malformed record while running %s",
			             wi + 1, (long)w->proc.pid, label);
			return -1;
		}
		size_t need = HEADER_LEN + (size_t)msglen + (size_t)datalen;
		if (w->in.len - off < need)
			break;
		sf__job_result *res = &results[job];
		res->status = (sf_status)status;
		res->message[0] = 0;
		if (msglen) {
			size_t k =
			        msglen < sizeof res->message - 1 ? msglen : sizeof res->message - 1;
			memcpy(res->message, h + HEADER_LEN, k);
			res->message[k] = 0;
		}
		free(res->data);
		res->data = NULL;
		res->len = 0;
		if (datalen) {
			res->data = malloc((size_t)datalen);
			if (!res->data) {
				sf_error_set(err, SF_ERR_NOMEM, "out of memory storing a result");
				return -1;
			}
			memcpy(res->data, h + HEADER_LEN + msglen, (size_t)datalen);
			res->len = (size_t)datalen;
		}
		off += need;
		w->job = -1;
		(*done)++;
		if (spec->progress)
			spec->progress(spec->progress_ctx, *done, spec->njobs);
	}
	if (off > 0) {
		size_t rest = w->in.len - off;
		memmove(w->in.data, w->in.data + off, rest);
		w->in.len = rest;
		w->in.data[rest] = 0;
	}
	return 0;
}

/* The state of one run of the pool. */
typedef struct pool {
	const sf__workers_spec *spec;
	sf__job_result *results;
	worker *ws;
	int n;       /* workers */
	int started; /* workers forked so far */
	size_t next; /* position in the hand-out order of the next job */
	size_t done; /* results stored */
	struct pollfd *pfd;
	int *pidx;   /* [n] worker of each pfd entry */
	char *chunk; /* [READ_CHUNK] */
} pool;

/* Fork the workers; each closes the parent's ends of the sockets before its own. */
static sf_status start_workers(pool *pl, sf_error *err)
{
	int *fds = sf__mallocarray((size_t)pl->n + 1, sizeof(int));

	if (fds == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory starting workers");
	for (int i = 0; i < pl->n; i++) {
		sf_status rc = sf__proc_start(&pl->ws[i].proc, worker_main, (void *)pl->spec, fds,
		                              (size_t)i, err);
		if (rc != SF_OK) {
			free(fds);
			return rc;
		}
		fds[i] = pl->ws[i].proc.fd;
		pl->started++;
	}
	free(fds);
	return SF_OK;
}

/* Give worker i the next job in the hand-out order, if one is left. */
static sf_status hand_out(pool *pl, int i, sf_error *err)
{
	char label[320];
	worker *w = &pl->ws[i];

	if (pl->next >= pl->spec->njobs)
		return SF_OK;
	size_t job = pl->spec->order ? pl->spec->order[pl->next] : pl->next;
	if (send_job(w, job) != 0) {
		job_label(pl->spec, job, label, sizeof label);
		return sf_error_set(err, SF_ERR_WORKER, "worker %d (pid %ld) is gone before %s",
		                    i + 1, (long)w->proc.pid, label);
	}
	pl->next++;
	return SF_OK;
}

/* Worker i's socket reached EOF: it died (or left early). Always an error. */
static sf_status worker_gone(pool *pl, int i, sf_error *err)
{
	char label[320], how[128];
	worker *w = &pl->ws[i];

	sf__proc_close(&w->proc);
	sf__proc_wait(&w->proc);
	sf__proc_describe(&w->proc, how, sizeof how);
	if (w->job < 0)
		return sf_error_set(err, SF_ERR_WORKER, "worker %d (pid %ld) stopped early: %s",
		                    i + 1, (long)w->proc.pid, how);
	job_label(pl->spec, (size_t)w->job, label, sizeof label);
	return sf_error_set(err, SF_ERR_WORKER, "worker %d (pid %ld) died running %s: %s", i + 1,
	                    (long)w->proc.pid, label, how);
}

/* Read what worker i sent, store its complete records, give it its next job. */
static sf_status serve_worker(pool *pl, int i, sf_error *err)
{
	worker *w = &pl->ws[i];
	ssize_t r = read(w->proc.fd, pl->chunk, READ_CHUNK);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return SF_OK;
	if (r <= 0) /* EOF, or a broken socket: the same */
		return worker_gone(pl, i, err);
	if (sf_buf_add(&w->in, pl->chunk, (size_t)r) != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory reading a result");
	if (parse_records(pl->spec, w, i, pl->results, &pl->done, err) != 0)
		return err && err->code != SF_OK ? err->code : SF_ERR_WORKER;
	if (w->job < 0)
		return hand_out(pl, i, err);
	return SF_OK;
}

/* Poll the workers until every job's record is in. */
static sf_status collect(pool *pl, sf_error *err)
{
	while (pl->done < pl->spec->njobs) {
		int np = 0;
		for (int i = 0; i < pl->n; i++) {
			if (pl->ws[i].proc.fd < 0)
				continue;
			pl->pfd[np] = (struct pollfd){pl->ws[i].proc.fd, POLLIN, 0};
			pl->pidx[np++] = i;
		}
		if (np == 0)
			return sf_error_set(err, SF_ERR_INTERNAL,
			                    "no worker left with %zu jobs to do",
			                    pl->spec->njobs - pl->done);
		if (poll(pl->pfd, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			return sf_error_set(err, SF_ERR_IO, "poll on workers failed: %s",
			                    strerror(errno));
		}
		for (int k = 0; k < np; k++) {
			if (!pl->pfd[k].revents)
				continue;
			sf_status rc = serve_worker(pl, pl->pidx[k], err);
			if (rc != SF_OK)
				return rc;
		}
	}
	return SF_OK;
}

/* Every job done: EOF tells each worker to leave; each must exit 0. */
static sf_status finish(pool *pl, sf_error *err)
{
	sf_status rc = SF_OK;
	char how[128];

	for (int i = 0; i < pl->n; i++)
		sf__proc_close(&pl->ws[i].proc);
	for (int i = 0; i < pl->n; i++) {
		sf__proc *p = &pl->ws[i].proc;
		if (sf__proc_wait(p) == 0 &&
		    !(WIFEXITED(p->wstatus) && WEXITSTATUS(p->wstatus) == 0)) {
			sf__proc_describe(p, how, sizeof how);
			rc = sf_error_set(err, SF_ERR_WORKER,
			                  "worker %d (pid %ld) failed after its last job: %s",
			                  i + 1, (long)p->pid, how);
		}
	}
	return rc;
}

sf_status sf__workers_run(const sf__workers_spec *spec, sf__job_result *results, sf_error *err)
{
	sf_status rc = SF_OK;
	pool pl = {spec, results, NULL, 0, 0, 0, 0, NULL, NULL, NULL};

	if (spec->njobs == 0)
		return SF_OK;
	for (size_t i = 0; i < spec->njobs; i++)
		results[i] = (sf__job_result){SF_OK, "", NULL, 0};
	int want = spec->nworkers > 0 ? spec->nworkers : sf__workers_default();
	pl.n = (size_t)want < spec->njobs ? want : (int)spec->njobs;

	pl.ws = calloc((size_t)pl.n, sizeof *pl.ws);
	pl.pfd = calloc((size_t)pl.n, sizeof *pl.pfd);
	pl.pidx = calloc((size_t)pl.n, sizeof *pl.pidx);
	pl.chunk = malloc(READ_CHUNK);
	if (!pl.ws || !pl.pfd || !pl.pidx || !pl.chunk) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory starting workers");
		goto out;
	}
	for (int i = 0; i < pl.n; i++) {
		pl.ws[i].proc = (sf__proc){-1, -1, 0, 0};
		pl.ws[i].job = -1;
		sf_buf_init(&pl.ws[i].in, 0);
	}
	rc = start_workers(&pl, err);
	for (int i = 0; rc == SF_OK && i < pl.n; i++)
		rc = hand_out(&pl, i, err);
	if (rc == SF_OK)
		rc = collect(&pl, err);
	if (rc == SF_OK) {
		rc = finish(&pl, err);
		goto out;
	}
	shutdown_all(pl.ws, pl.started, 1);
	sf__job_results_release(results, spec->njobs);
out:
	if (pl.ws)
		for (int i = 0; i < pl.n; i++)
			sf_buf_release(&pl.ws[i].in);
	free(pl.ws);
	free(pl.pfd);
	free(pl.pidx);
	free(pl.chunk);
	return rc;
}
