/*
 * proc.c - the process layer (see proc.h for the rules every child keeps).
 *
 * sf__proc_start() is the library's one fork(). The child's first acts
 * tie its life to the parent's: PR_SET_PDEATHSIG(SIGKILL), then a check of
 * getppid() against the pid the parent had before forking, since a parent
 * that died between fork() and prctl() would otherwise leave the child to
 * init for good. Then it closes what it must not hold (its siblings'
 * sockets, the parent's end of its own), runs its function and _exit()s.
 *
 * sf_spawn() (include/stabforce/process.h) starts another program with
 * posix_spawn, for callers with threads (the server), where fork() is
 * unsafe.
 *
 * sf__proc_call() runs one function under a hard deadline. Its record on
 * the socket is a fixed header {int32 status, uint32 message length,
 * uint64 data length}, the message, the data; the parent poll()s until
 * the record and EOF arrive or the deadline passes, then reaps the child
 * (after SIGKILL at the deadline). A child that ends without a whole
 * record, or with a signal, is DIED with the cause; nothing waits forever.
 */
#include "base/internal.h"

#include "base/proc.h"
#include "stabforce/process.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

extern char **environ;

enum { CALL_HEADER_LEN = 16, CALL_READ_CHUNK = 65536 };

/* Exit statuses of a child that could not do its part. */
enum { EXIT_ORPHAN = 125, EXIT_PROTOCOL = 126 };

/* In the child: die with the parent that forked us (pid `parent`). */
static void die_with_parent(pid_t parent)
{
#ifdef __linux__
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		_exit(EXIT_ORPHAN);
#endif
	if (getppid() != parent)
		_exit(EXIT_ORPHAN);
}

sf_status sf__proc_start(sf__proc *p, sf__proc_main_fn main, void *ctx, const int *close_fds,
                         size_t nclose, sf_error *err)
{
	int sv[2];
	pid_t parent = getpid(), pid;

	p->pid = -1;
	p->fd = -1;
	p->reaped = 0;
	p->wstatus = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return sf_error_set(err, SF_ERR_IO,
		                    "cannot create a socket for a child process: %s",
		                    strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return sf_error_set(err, SF_ERR_IO, "cannot start a child process: %s",
		                    strerror(e));
	}
	if (pid == 0) {
		die_with_parent(parent);
		close(sv[0]);
		for (size_t i = 0; i < nclose; i++)
			if (close_fds[i] >= 0)
				close(close_fds[i]);
		_exit(main(ctx, sv[1]));
	}
	close(sv[1]);
	p->pid = pid;
	p->fd = sv[0];
	return SF_OK;
}

void sf__proc_close(sf__proc *p)
{
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
}

void sf__proc_signal(sf__proc *p, int sig)
{
	if (p->pid > 0 && !p->reaped)
		kill(p->pid, sig);
}

int sf__proc_wait(sf__proc *p)
{
	if (p->pid <= 0)
		return -1;
	while (!p->reaped) {
		pid_t r = waitpid(p->pid, &p->wstatus, 0);
		if (r == p->pid)
			p->reaped = 1;
		else if (!(r < 0 && errno == EINTR))
			return -1;
	}
	return 0;
}

void sf__proc_describe(const sf__proc *p, char *buf, size_t n)
{
	int ws = p->wstatus;

	if (!p->reaped)
		sf_strlcpy(buf, "vanished", n);
	else if (WIFSIGNALED(ws))
		sf_snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(ws),
		            strsignal(WTERMSIG(ws)));
	else if (WIFEXITED(ws) && WEXITSTATUS(ws) == EXIT_ORPHAN)
		sf_strlcpy(buf, "found its parent gone at start", n);
	else if (WIFEXITED(ws))
		sf_snprintf(buf, n, "exited with status %d", WEXITSTATUS(ws));
	else
		sf_snprintf(buf, n, "stopped (wait status %d)", ws);
}

int sf__proc_write_all(int fd, const void *mem, size_t n)
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

int sf__proc_read_all(int fd, void *mem, size_t n)
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

/* ------------------------------------------------------------------ */
/* One call under a hard deadline                                      */

typedef struct call_ctx {
	sf__call_fn fn;
	void *ctx;
} call_ctx;

/* The child of sf__proc_call: run fn, send the record. */
static int call_main(void *vctx, int fd)
{
	call_ctx *c = vctx;
	sf_buf out;
	sf_error err;
	unsigned char hdr[CALL_HEADER_LEN];

	sf_buf_init(&out, 0);
	sf_error_clear(&err);
	sf_status st = c->fn(c->ctx, &out, &err);
	if (st != SF_OK && err.code == SF_OK)
		sf_error_set(&err, st, "%s", sf_status_str(st));
	int32_t status = (int32_t)st;
	uint32_t msglen = st == SF_OK ? 0 : (uint32_t)strlen(err.message);
	uint64_t datalen = st == SF_OK ? out.len : 0;
	memcpy(hdr, &status, 4);
	memcpy(hdr + 4, &msglen, 4);
	memcpy(hdr + 8, &datalen, 8);
	if (sf__proc_write_all(fd, hdr, sizeof hdr) != 0 ||
	    (msglen && sf__proc_write_all(fd, err.message, msglen) != 0) ||
	    (datalen && sf__proc_write_all(fd, out.data, (size_t)datalen) != 0))
		return EXIT_PROTOCOL;
	sf_buf_release(&out);
	return 0;
}

/*
 * Read from the child until EOF or the deadline; 1 at EOF, 0 at the
 * deadline, -1 out of memory.
 */
static int read_until(int fd, double deadline, sf_buf *in)
{
	char chunk[CALL_READ_CHUNK];

	for (;;) {
		int timeout = -1;
		if (isfinite(deadline)) {
			double left = deadline - sf__now();
			if (left <= 0)
				return 0;
			timeout = left > 1000 ? 1000000 : (int)(left * 1000) + 1;
		}
		struct pollfd pfd = {fd, POLLIN, 0};
		int pr = poll(&pfd, 1, timeout);
		if (pr < 0 && errno != EINTR)
			return 1; /* treat a broken poll like EOF: the record decides */
		if (pr <= 0)
			continue;
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return 1;
		if (sf_buf_add(in, chunk, (size_t)r) != SF_OK)
			return -1;
	}
}

sf_status sf__proc_call(sf__call_fn fn, void *ctx, double deadline, sf_buf *out,
                        sf__call_outcome *how, sf_error *err)
{
	call_ctx c = {fn, ctx};
	sf__proc p;
	sf_buf in;
	sf_status rc;
	char why[128];

	*how = SF__CALL_DIED;
	rc = sf__proc_start(&p, call_main, &c, NULL, 0, err);
	if (rc != SF_OK)
		return rc;
	sf_buf_init(&in, 0);
	int r = read_until(p.fd, deadline, &in);
	sf__proc_close(&p);
	if (r <= 0)
		sf__proc_signal(&p, SIGKILL);
	sf__proc_wait(&p);
	if (r < 0) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory reading a child's result");
		goto out;
	}
	if (r == 0) {
		*how = SF__CALL_TIMEOUT;
		goto out;
	}

	int32_t status;
	uint32_t msglen;
	uint64_t datalen;
	if (in.len >= CALL_HEADER_LEN) {
		memcpy(&status, in.data, 4);
		memcpy(&msglen, in.data + 4, 4);
		memcpy(&datalen, in.data + 8, 8);
	}
	if (in.len < CALL_HEADER_LEN || msglen >= SF_ERROR_MESSAGE_MAX ||
	    in.len - CALL_HEADER_LEN < msglen || datalen != in.len - CALL_HEADER_LEN - msglen ||
	    !(WIFEXITED(p.wstatus) && WEXITSTATUS(p.wstatus) == 0)) {
		sf__proc_describe(&p, why, sizeof why);
		sf_error_set(err, SF_ERR_WORKER, "child process %ld %s", (long)p.pid, why);
		goto out;
	}
	if (status != SF_OK) {
		*how = SF__CALL_FAILED;
		sf_error_set(err, (sf_status)status, "%.*s", (int)msglen,
		             in.data + CALL_HEADER_LEN);
		goto out;
	}
	if (sf_buf_add(out, in.data + CALL_HEADER_LEN + msglen, (size_t)datalen) != SF_OK) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory reading a child's result");
		goto out;
	}
	*how = SF__CALL_DONE;
out:
	sf_buf_release(&in);
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
