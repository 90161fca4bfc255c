/*
 * worker.c - `stabforce worker`: claim jobs from the store and run them.
 *
 * A worker is a single-threaded process with its own store handle. For
 * each job it claims, it starts the command the job stands for (the same
 * binary: `stabforce plan --format json ...`) with posix_spawn in a process
 * group of its own, its standard output and error on pipes. While the
 * command runs, the worker renews the job's lease every second (reporting
 * how long it has run) and learns from the renewal whether the job was
 * cancelled; then it kills the whole group (the command and the solver
 * workers it forked) at once. When the command ends, the worker records
 * `done` with its JSON, or `failed` with the command's last error line or
 * the signal that ended it.
 *
 * An idle worker waits for the store to say a job was queued
 * (sf_store_job_wait: PostgreSQL's LISTEN/NOTIFY; SQLite polls). A worker
 * started by hand (no --parent: on another machine, say) also expires the
 * leases of jobs whose worker went away, so that they are queued again
 * even when no server runs on a machine that sees it.
 *
 * A worker started by the server dies with it: SIGTERM arrives when the
 * server goes (PR_SET_PDEATHSIG), even after kill -9; the handler kills
 * the running command's group and the main loop records the job as failed
 * ("interrupted"), so no solve runs on for a server that is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_int.h"

enum { POLL_MS = 250, HEARTBEAT_S = 1, STDERR_KEEP = 4096 };

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t runner_pid;

static void on_term(int sig)
{
	(void)sig;
	stop_flag = 1;
	if (runner_pid > 0)
		kill(-(pid_t)runner_pid, SIGKILL);
}

void sf_worker_options_init(sf_worker_options *o)
{
	memset(o, 0, sizeof *o);
	o->db = SF_STORE_DEFAULT;
	o->scenarios = "examples";
	o->lease_s = 30;
	o->time_limit = SF_JOB_TIME_LIMIT_DEFAULT;
}

static int should_stop(const sf_worker_options *o)
{
	return stop_flag || (o->stop && *o->stop) ||
	       (o->parent > 0 && getppid() != (pid_t)o->parent);
}

typedef struct job_copy {
	char kind[SF_JOB_KIND_MAX];
	char *request;
	char key[SF_SHA256_HEX];
} job_copy;

static int copy_job(void *ctx, const sf_job *j)
{
	job_copy *c = ctx;
	sf_strlcpy(c->kind, j->kind, sizeof c->kind);
	sf_strlcpy(c->key, j->key, sizeof c->key);
	c->request = strdup(j->request);
	return 0;
}

/* The last non-empty line of the command's error output. */
static void last_line(const sf_buf *b, char *out, size_t n)
{
	const char *s = b->data ? b->data : "";
	size_t len = b->len;
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	size_t start = len;
	while (start > 0 && s[start - 1] != '\n' && s[start - 1] != '\r')
		start--;
	size_t k = len - start < n - 1 ? len - start : n - 1;
	memcpy(out, s + start, k);
	out[k] = '\0';
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A pipe whose ends are not inherited (the worker has one thread: no race). */
static int pipe_cloexec(int p[2])
{
	if (pipe(p) != 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/*
 * The command's standard error, line by line: progress lines (service.h)
 * set the job's progress; every other line is the command's own words,
 * kept (the latest as the job's message, all for the reason of a failure).
 */
typedef struct err_parse {
	sf_buf *errb;    /* the command's words */
	char line[1024]; /* the line being read */
	size_t n;
	double progress; /* 0..1 */
	char said[300];  /* the latest of its words */
} err_parse;

static void stderr_line(err_parse *e)
{
	double f;
	size_t n = e->n;
	while (n > 0 && (e->line[n - 1] == '\r' || e->line[n - 1] == ' '))
		n--;
	if (sf_progress_parse(e->line, n, &f)) {
		if (f > e->progress)
			e->progress = f;
	} else if (n > 0) {
		if (sf_buf_add(e->errb, e->line, n) != SF_OK ||
		    sf_buf_addc(e->errb, '\n') != SF_OK) {
			sf_buf_reset(e->errb); /* keep the latest words only */
			sf_buf_add(e->errb, e->line, n);
			sf_buf_addc(e->errb, '\n');
		}
		sf_snprintf(e->said, sizeof e->said, "%.*s", (int)n, e->line);
	}
	e->n = 0;
}

static void stderr_take(err_parse *e, const char *buf, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		if (buf[i] == '\n') {
			stderr_line(e);
		} else {
			if (e->n == sizeof e->line - 1) /* a very long line: in pieces */
				stderr_line(e);
			e->line[e->n++] = buf[i];
		}
	}
}

/* Run one claimed job to its end (or cancellation) and record the outcome. */
static void run_job(const sf_worker_options *o, sf_store *st, const char *worker, long long id)
{
	job_copy jc;
	char key[SF_SHA256_HEX], msg[SF_ERROR_MESSAGE_MAX], line[400];
	char **argv = NULL;
	int out_p[2] = {-1, -1}, err_p[2] = {-1, -1};
	sf_buf out, errb;
	err_parse ep;
	sf_error err;
	int found = 0, applied = 0, cancelled = 0, status = 0;
	long pid = 0;
	sf_job_status final = SF_JOB_FAILED;

	memset(&jc, 0, sizeof jc);
	sf_buf_init(&out, SF_BUF_DEFAULT_CAP);
	sf_buf_init(&errb, 1 << 20);
	memset(&ep, 0, sizeof ep);
	ep.errb = &errb;
	sf_error_clear(&err);
	msg[0] = '\0';
	if (sf_store_job_get(st, id, copy_job, &jc, &found, &err) != SF_OK || !found ||
	    !jc.request) {
		sf_snprintf(msg, sizeof msg, "the worker could not read the job: %s",
		            err.message[0] ? err.message : "out of memory");
		goto finish;
	}
	/* The inputs must be the ones the key was made from. */
	if (sf_job_key(o->scenarios, jc.kind, jc.request, key, &err) != SF_OK) {
		sf_snprintf(msg, sizeof msg, "%s", err.message);
		goto finish;
	}
	if (jc.key[0] && strcmp(jc.key, key) != 0) {
		sf_snprintf(
		        msg, sizeof msg,
		        "the scenario's files changed after the job was queued: submit it again");
		goto finish;
	}
	if (sf_job_argv(o->exe, NULL, o->db, jc.kind, jc.request, o->time_limit, &argv, &err) !=
	    SF_OK) {
		sf_snprintf(msg, sizeof msg, "%s", err.message);
		goto finish;
	}
	if (pipe_cloexec(out_p) != 0 || pipe_cloexec(err_p) != 0) {
		sf_snprintf(msg, sizeof msg, "pipe: %s", strerror(errno));
		goto finish;
	}
	sf_spawn_options so;
	sf_spawn_options_init(&so);
	so.fd_out = out_p[1];
	so.fd_err = err_p[1];
	so.new_group = 1;
	if (sf_spawn(o->exe, argv, &so, &pid, &err) != SF_OK) {
		sf_snprintf(msg, sizeof msg, "%s", err.message);
		goto finish;
	}
	runner_pid = (sig_atomic_t)pid;
	close(out_p[1]);
	close(err_p[1]);
	out_p[1] = err_p[1] = -1;

	/* The job's whole limit, enforced here: past it and its grace, the
	 * command's group is killed, whatever the command was doing. */
	double limit = sf_job_time_limit(jc.request, o->time_limit);
	double kill_at = limit > 0 ? limit + sf_job_grace(limit) : 0;
	int timed_out = 0;
	double t0 = mono(), beat = t0;
	int open_fds = 2;
	while (open_fds > 0) {
		struct pollfd pf[2] = {{out_p[0], POLLIN, 0}, {err_p[0], POLLIN, 0}};
		int r = poll(pf, 2, POLL_MS);
		for (int i = 0; r > 0 && i < 2; i++) {
			char buf[65536];
			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t k = read(pf[i].fd, buf, sizeof buf);
			if (k > 0 && i == 0) {
				sf_buf_add(&out, buf, (size_t)k);
			} else if (k > 0) {
				stderr_take(&ep, buf, (size_t)k);
			} else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(i == 0 ? out_p[0] : err_p[0]);
				if (i == 0)
					out_p[0] = -1;
				else
					err_p[0] = -1;
				open_fds--;
			}
		}
		if (mono() - beat >= HEARTBEAT_S && !cancelled) {
			char m[400];
			beat = mono();
			sf_snprintf(m, sizeof m, "running for %.0f s%s%s", beat - t0,
			            ep.said[0] ? ": " : "", ep.said);
			sf_error_clear(&err);
			if (sf_store_job_heartbeat(st, id, worker, ep.progress, m, o->lease_s,
			                           &cancelled, &err) == SF_OK &&
			    cancelled)
				kill(-(pid_t)pid, SIGKILL);
		}
		if (stop_flag)
			kill(-(pid_t)pid, SIGKILL);
		if (kill_at > 0 && !timed_out && !cancelled && mono() - t0 >= kill_at) {
			timed_out = 1;
			kill(-(pid_t)pid, SIGKILL);
		}
	}
	if (ep.n)
		stderr_line(&ep);
	while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR)
		;
	runner_pid = 0;
	if (cancelled)
		goto done; /* the job is cancelled already: nothing to record */
	if (stop_flag) {
		sf_snprintf(msg, sizeof msg,
		            "interrupted: the worker was stopped (the server went away)");
	} else if (timed_out) {
		sf_snprintf(msg, sizeof msg, "time limit of %g s reached", limit);
	} else if (WIFSIGNALED(status)) {
		last_line(&errb, line, sizeof line);
		sf_snprintf(msg, sizeof msg, "the %s command was killed by signal %d (%s)%s%s",
		            jc.kind, WTERMSIG(status), strsignal(WTERMSIG(status)),
		            line[0] ? ": " : "", line);
	} else if (WEXITSTATUS(status) != 0 && out.len == 0) {
		last_line(&errb, line, sizeof line);
		sf_snprintf(msg, sizeof msg, "%s", line[0] ? line : "the command failed");
	} else {
		sf_error_clear(&err);
		if (sf_job_result_check(sf_buf_str(&out), out.len, msg, sizeof msg, &err) != SF_OK)
			sf_snprintf(msg, sizeof msg, "the %s command wrote no valid result: %s",
			            jc.kind, err.message);
		else
			final = SF_JOB_DONE;
	}
finish:
	sf_error_clear(&err);
	if (sf_store_job_finish(st, id, worker, final, msg,
	                        final == SF_JOB_DONE ? sf_buf_str(&out) : "", &applied,
	                        &err) != SF_OK)
		fprintf(stderr, "stabforce worker: job %lld: %s\n", id, err.message);
done:
	if (argv)
		for (char **a = argv; *a; a++)
			free(*a);
	free(argv);
	for (int i = 0; i < 2; i++) {
		if (out_p[i] >= 0)
			close(out_p[i]);
		if (err_p[i] >= 0)
			close(err_p[i]);
	}
	free(jc.request);
	sf_buf_release(&out);
	sf_buf_release(&errb);
}

/* path made absolute against the working directory (into buf), or path itself when it is. */
static const char *absolute(const char *path, const char *prefix, char *buf, size_t n)
{
	char cwd[PATH_MAX];
	if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
		return path;
	sf_snprintf(buf, n, "%s%s/%s", prefix, cwd, path);
	return buf;
}

/*
 * The worker runs each command in the scenarios directory with the
 * scenario's path inside it, so that a result names no path of this
 * machine's; the store and the program are named absolutely for that.
 */
static sf_status settle(const sf_worker_options *o, sf_worker_options *lo, char *dir, char *db,
                        char *exe, size_t n, sf_error *err)
{
	*lo = *o;
	if (!realpath(o->scenarios, dir))
		return sf_error_set(err, SF_ERR_USAGE, "--scenarios '%s': %s", o->scenarios,
		                    strerror(errno));
	lo->scenarios = dir;
	if (strstr(o->db, "://") == NULL && strncmp(o->db, "postgres", 8) != 0)
		lo->db = strncmp(o->db, "sqlite:", 7) == 0 ? absolute(o->db + 7, "sqlite:", db, n)
		                                           : absolute(o->db, "", db, n);
	if (strchr(o->exe, '/'))
		lo->exe = absolute(o->exe, "", exe, n);
	if (chdir(dir) != 0)
		return sf_error_set(err, SF_ERR_IO, "cannot enter '%s': %s", dir, strerror(errno));
	return SF_OK;
}

sf_status sf_worker_run(const sf_worker_options *opts, sf_error *err)
{
	sf_store *st = NULL;
	char host[128], worker[160];
	char dir[PATH_MAX], db[PATH_MAX + 16], exe[PATH_MAX];
	sf_worker_options lo;
	const sf_worker_options *o = &lo;
	struct sigaction sa;
	sf_status rc;

	if ((rc = settle(opts, &lo, dir, db, exe, sizeof db, err)) != SF_OK)
		return rc;
	/* The commands it runs report their progress as lines (service.h). */
	if (setenv(SF_PROGRESS_ENV, "lines", 1) != 0)
		return sf_error_set(err, SF_ERR_NOMEM, "setenv: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (o->parent > 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != (pid_t)o->parent)
			return SF_OK; /* the server is gone already */
	}
	if (gethostname(host, sizeof host) != 0 || !host[0])
		sf_strlcpy(host, "localhost", sizeof host);
	host[sizeof host - 1] = '\0';
	sf_snprintf(worker, sizeof worker, "%s:%ld", host, (long)getpid());
	/* The commands this worker starts die with it (src/cli/main.c). */
	char self[24];
	sf_snprintf(self, sizeof self, "%ld", (long)getpid());
	setenv("STABFORCE_DIE_WITH", self, 1);
	if ((rc = sf_store_open(o->db, &st, err)) != SF_OK)
		return rc;
	double last_expire = 0;
	while (!should_stop(o)) {
		long long id = 0;
		sf_error e;
		sf_error_clear(&e);
		if (o->parent == 0 && mono() - last_expire >= 2) {
			long n = 0;
			sf_store_job_expire(
			        st, (long long)time(NULL),
			        "its worker stopped renewing its lease (the worker or its "
			        "machine went away)",
			        &n, &e);
			sf_error_clear(&e);
			last_expire = mono();
		}
		if (sf_store_job_claim(st, worker, o->lease_s, &id, &e) != SF_OK) {
			fprintf(stderr, "stabforce worker: %s\n", e.message);
			id = 0;
		}
		if (id > 0) {
			run_job(o, st, worker, id);
			continue;
		}
		if (o->once)
			break;
		sf_error_clear(&e);
		if (sf_store_job_wait(st, 1000, &e) != SF_OK) {
			/* The store is away: say so, and try again in a second. */
			fprintf(stderr, "stabforce worker: %s\n", e.message);
			struct timespec ts = {1, 0};
			nanosleep(&ts, NULL);
		}
	}
	sf_store_close(st);
	return SF_OK;
}
