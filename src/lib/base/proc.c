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
 */
#include "base/internal.h"

#include "base/proc.h"
#include "stabforce/process.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { HEADER_LEN = 24, READ_CHUNK = 65536 };

/* Largest record a worker may send: a bound against a corrupt header. */
#define RECORD_MAX ((uint64_t)1 << 32)

typedef struct worker {
	pid_t pid;
	int fd;     /* parent's end of the socket pair, -1 when closed */
	long job;   /* job being run, -1 when idle */
	int reaped; /* 1 once waitpid() returned for it */
	sf_buf in;  /* bytes received and not yet parsed */
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

/* Write all n bytes (no SIGPIPE); 0 on success, -1 on error. */
static int write_all(int fd, const void *mem, size_t n)
{
	const char *p = mem;
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read exactly n bytes: 1 on success, 0 on EOF before any byte, -1 on error or short EOF. */
static int read_all(int fd, void *mem, size_t n)
{
	char *p = mem;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return got == 0 ? 0 : -1;
		got += (size_t)r;
	}
	return 1;
}

/* The worker's loop: read a job index, run it, send the record; until EOF. */
static void worker_main(const sf__workers_spec *spec, int fd)
{
	sf_buf out;
	sf_buf_init(&out, 0);
	for (;;) {
		uint64_t job;
		int r = read_all(fd, &job, sizeof job);
		if (r == 0)
			break;
		if (r < 0 || job >= spec->njobs)
			_exit(3);
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
		if (write_all(fd, hdr, sizeof hdr) != 0 ||
		    (msglen && write_all(fd, err.message, msglen) != 0) ||
		    (datalen && write_all(fd, out.data, (size_t)datalen) != 0))
			_exit(3);
	}
	sf_buf_release(&out);
	_exit(0);
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

static void describe_wait(int wstatus, char *buf, size_t n)
{
	if (WIFSIGNALED(wstatus))
		sf_snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(wstatus),
		            strsignal(WTERMSIG(wstatus)));
	else if (WIFEXITED(wstatus))
		sf_snprintf(buf, n, "exited with status %d", WEXITSTATUS(wstatus));
	else
		sf_snprintf(buf, n, "stopped (wait status %d)", wstatus);
}

static int reap(worker *w, int *wstatus)
{
	if (w->reaped || w->pid <= 0)
		return -1;
	for (;;) {
		pid_t r = waitpid(w->pid, wstatus, 0);
		if (r == w->pid) {
			w->reaped = 1;
			return 0;
		}
		if (r < 0 && errno == EINTR)
			continue;
		w->reaped = 1;
		return -1;
	}
}

/* Close every socket, terminate (if kill_them) and reap every worker. */
static void shutdown_all(worker *ws, int n, int kill_them)
{
	for (int i = 0; i < n; i++) {
		if (ws[i].fd >= 0) {
			close(ws[i].fd);
			ws[i].fd = -1;
		}
		if (kill_them && ws[i].pid > 0 && !ws[i].reaped)
			kill(ws[i].pid, SIGTERM);
	}
	for (int i = 0; i < n; i++) {
		int st;
		reap(&ws[i], &st);
	}
}

static int send_job(worker *w, size_t job)
{
	uint64_t j = job;
	w->job = (long)job;
	return write_all(w->fd, &j, sizeof j);
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
			             wi + 1, (long)w->pid, label);
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

sf_status sf__workers_run(const sf__workers_spec *spec, sf__job_result *results, sf_error *err)
{
	sf_status rc = SF_OK;
	worker *ws = NULL;
	struct pollfd *pfd = NULL;
	int *pidx = NULL;
	char *chunk = NULL;
	int n = 0;

	if (spec->njobs == 0)
		return SF_OK;
	for (size_t i = 0; i < spec->njobs; i++) {
		results[i].status = SF_OK;
		results[i].message[0] = 0;
		results[i].data = NULL;
		results[i].len = 0;
	}
	int want = spec->nworkers > 0 ? spec->nworkers : sf__workers_default();
	n = (size_t)want < spec->njobs ? want : (int)spec->njobs;

	ws = calloc((size_t)n, sizeof *ws);
	pfd = calloc((size_t)n, sizeof *pfd);
	pidx = calloc((size_t)n, sizeof *pidx);
	chunk = malloc(READ_CHUNK);
	if (!ws || !pfd || !pidx || !chunk) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory starting workers");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		ws[i].fd = -1;
		ws[i].job = -1;
		sf_buf_init(&ws[i].in, 0);
	}

	fflush(stdout);
	fflush(stderr);
	int started = 0;
	for (int i = 0; i < n; i++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
			rc = sf_error_set(err, SF_ERR_IO, "cannot create a worker socket: %s",
			                  strerror(errno));
			goto fail;
		}
		pid_t pid = fork();
		if (pid < 0) {
			close(sv[0]);
			close(sv[1]);
			rc = sf_error_set(err, SF_ERR_IO, "cannot fork a worker: %s",
			                  strerror(errno));
			goto fail;
		}
		if (pid == 0) {
			close(sv[0]);
			for (int k = 0; k < i; k++)
				close(ws[k].fd);
			worker_main(spec, sv[1]); /* does not return */
		}
		close(sv[1]);
		ws[i].pid = pid;
		ws[i].fd = sv[0];
		started++;
	}

	size_t next = 0, done = 0;
	char label[320], how[128];
	for (int i = 0; i < n && next < spec->njobs; i++) {
		size_t job = spec->order ? spec->order[next] : next;
		if (send_job(&ws[i], job) != 0) {
			job_label(spec, job, label, sizeof label);
			rc = sf_error_set(err, SF_ERR_WORKER,
			                  "worker %d (pid %ld) is gone before %s", i + 1,
			                  (long)ws[i].pid, label);
			goto fail;
		}
		next++;
	}

	while (done < spec->njobs) {
		int np = 0;
		for (int i = 0; i < n; i++) {
			if (ws[i].fd < 0)
				continue;
			pfd[np].fd = ws[i].fd;
			pfd[np].events = POLLIN;
			pfd[np].revents = 0;
			pidx[np] = i;
			np++;
		}
		if (np == 0) {
			rc = sf_error_set(err, SF_ERR_INTERNAL,
			                  "no worker left with %zu jobs to do", spec->njobs - done);
			goto fail;
		}
		int pr = poll(pfd, (nfds_t)np, -1);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			rc = sf_error_set(err, SF_ERR_IO, "poll on workers failed: %s",
			                  strerror(errno));
			goto fail;
		}
		for (int k = 0; k < np; k++) {
			if (!pfd[k].revents)
				continue;
			int i = pidx[k];
			worker *w = &ws[i];
			ssize_t r = read(w->fd, chunk, READ_CHUNK);
			if (r < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				r = 0; /* treat a broken socket like EOF */
			}
			if (r == 0) {
				int wst = 0;
				close(w->fd);
				w->fd = -1;
				if (reap(w, &wst) == 0)
					describe_wait(wst, how, sizeof how);
				else
					sf_strlcpy(how, "vanished", sizeof how);
				if (w->job >= 0) {
					job_label(spec, (size_t)w->job, label, sizeof label);
					rc = sf_error_set(err, SF_ERR_WORKER,
					                  "worker %d (pid %ld) died running %s: %s",
					                  i + 1, (long)w->pid, label, how);
				} else {
					rc = sf_error_set(err, SF_ERR_WORKER,
					                  "worker %d (pid %ld) stopped early: %s",
					                  i + 1, (long)w->pid, how);
				}
				goto fail;
			}
			if (sf_buf_add(&w->in, chunk, (size_t)r) != SF_OK) {
				rc = sf_error_set(err, SF_ERR_NOMEM,
				                  "out of memory reading a result");
				goto fail;
			}
			if (parse_records(spec, w, i, results, &done, err) != 0) {
				rc = err && err->code != SF_OK ? err->code : SF_ERR_WORKER;
				goto fail;
			}
			if (w->job < 0 && next < spec->njobs) {
				size_t job = spec->order ? spec->order[next] : next;
				if (send_job(w, job) != 0) {
					job_label(spec, job, label, sizeof label);
					rc = sf_error_set(err, SF_ERR_WORKER,
					                  "worker %d (pid %ld) is gone before %s",
					                  i + 1, (long)w->pid, label);
					goto fail;
				}
				next++;
			}
		}
	}

	/* Every job done: EOF tells each worker to leave; each must exit 0. */
	for (int i = 0; i < n; i++) {
		if (ws[i].fd >= 0) {
			close(ws[i].fd);
			ws[i].fd = -1;
		}
	}
	for (int i = 0; i < n; i++) {
		int wst = 0;
		if (reap(&ws[i], &wst) == 0 && !(WIFEXITED(wst) && WEXITSTATUS(wst) == 0)) {
			describe_wait(wst, how, sizeof how);
			rc = sf_error_set(err, SF_ERR_WORKER,
			                  "worker %d (pid %ld) failed after its last job: %s",
			                  i + 1, (long)ws[i].pid, how);
		}
	}
	goto out;

fail:
	shutdown_all(ws, started, 1);
	sf__job_results_release(results, spec->njobs);
out:
	if (ws)
		for (int i = 0; i < n; i++)
			sf_buf_release(&ws[i].in);
	free(ws);
	free(pfd);
	free(pidx);
	free(chunk);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Starting other programs (include/stabforce/process.h)              */

void sf_spawn_options_init(sf_spawn_options *o)
{
	o->fd_in = o->fd_out = o->fd_err = -1;
	o->new_group = 0;
}

sf_status sf_spawn(const char *exe, char *const argv[], const sf_spawn_options *o, long *pid,
                   sf_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dflt;
	pid_t child = 0;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	int r;

	*pid = 0;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	if (o->fd_in >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->fd_in, 0);
	if (o->fd_out >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->fd_out, 1);
	if (o->fd_err >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->fd_err, 2);
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	sigaddset(&dflt, SIGCHLD);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dflt);
	if (o->new_group) {
		flags |= POSIX_SPAWN_SETPGROUP;
		posix_spawnattr_setpgroup(&at, 0);
	}
	posix_spawnattr_setflags(&at, flags);
	r = posix_spawn(&child, exe, &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return sf_error_set(err, SF_ERR_IO, "cannot start %s: %s", exe, strerror(r));
	*pid = (long)child;
	return SF_OK;
}
