/*
 * spawn.c - run a program to completion, with a time limit (spawn.h).
 *
 * The program is started by the process layer's sf_spawn() (base/proc.c,
 * posix_spawn) as the leader of a new process group, so a timeout can
 * signal the group and reach every process the program started (Chromium
 * starts several).
 *
 * Output comes through one pipe read with poll(): the read end is
 * non-blocking and close-on-exec, so no other program spawned at the same
 * time inherits it, and the loop ends when the write end is closed by the
 * program and all its children (EOF) and the program has been reaped. A
 * program that closes its output but keeps running is caught by waitpid
 * polling inside the same loop.
 */
#include "base/internal.h"

#include "base/spawn.h"
#include "stabforce/process.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long a group gets between SIGTERM and SIGKILL, and the poll slice. */
#define SPAWN_TERM_GRACE_S 2.0
#define SPAWN_POLL_MS 100

static int is_exec(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

const char *sf__spawn_which(const char *const *names, size_t n, char *buf, size_t bufsize)
{
	const char *path = getenv("PATH");
	for (size_t i = 0; i < n; i++) {
		const char *p;
		if (names[i] == NULL || names[i][0] == '\0')
			continue;
		if (strchr(names[i], '/') != NULL) {
			if (is_exec(names[i]) && sf_strlcpy(buf, names[i], bufsize) < bufsize)
				return buf;
			continue;
		}
		for (p = path ? path : "/usr/bin:/bin"; *p;) {
			size_t len = strcspn(p, ":");
			if (len > 0 && (int)bufsize > 0 &&
			    sf_snprintf(buf, bufsize, "%.*s/%s", (int)len, p, names[i]) <
			            (int)bufsize &&
			    is_exec(buf))
				return buf;
			p += len;
			if (*p == ':')
				p++;
		}
	}
	return NULL;
}

/* Reap pid without blocking; 1 when it has ended (res filled). */
static int try_reap(pid_t pid, sf__spawn_result *res)
{
	int ws;
	pid_t r;
	do
		r = waitpid(pid, &ws, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		return r < 0; /* ECHILD: nothing to wait for any more */
	if (WIFEXITED(ws)) {
		res->exited = 1;
		res->exit_code = WEXITSTATUS(ws);
	} else if (WIFSIGNALED(ws)) {
		res->signal = WTERMSIG(ws);
	}
	return 1;
}

/* End the group: SIGTERM, a grace period, SIGKILL; then reap the leader. */
static void kill_group(pid_t pid, sf__spawn_result *res)
{
	double until = sf__now() + SPAWN_TERM_GRACE_S;
	int ws;
	kill(-pid, SIGTERM);
	while (sf__now() < until) {
		if (try_reap(pid, res)) {
			kill(-pid, SIGKILL); /* children the leader left behind */
			return;
		}
		usleep(SPAWN_POLL_MS * 1000);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	res->signal = SIGKILL;
}

sf_status sf__spawn_run(const char *const *argv, double timeout_s, sf_buf *output,
                        sf__spawn_result *res, sf_error *err)
{
	sf_spawn_options so;
	int fds[2] = {-1, -1}, devnull = -1, reaped = 0, open_out = 1;
	pid_t pid = -1;
	long lpid = 0;
	double deadline = sf__now() + timeout_s;
	sf_status rc = SF_OK;
	char chunk[4096], exe[4096];

	memset(res, 0, sizeof(*res));
	if (sf__spawn_which(argv, 1, exe, sizeof(exe)) == NULL) {
		rc = sf_error_set(err, SF_ERR_IO, "cannot start '%s': not found", argv[0]);
		goto out;
	}
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
		rc = sf_error_set(err, SF_ERR_IO, "cannot make a pipe for '%s': %s", argv[0],
		                  strerror(errno));
		goto out;
	}
	sf_spawn_options_init(&so);
	so.fd_in = devnull;
	so.fd_out = fds[1];
	so.fd_err = fds[1];
	so.new_group = 1;
	rc = sf_spawn(exe, (char *const *)argv, &so, &lpid, err);
	if (rc != SF_OK)
		goto out;
	pid = (pid_t)lpid;
	close(fds[1]);
	fds[1] = -1;

	while (!reaped || open_out) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		double left = deadline - sf__now();
		int ms;
		if (left <= 0) {
			if (!reaped) {
				res->timed_out = 1;
				kill_group(pid, res);
			} else {
				kill(-pid, SIGKILL); /* children that outlived it */
			}
			break;
		}
		ms = left * 1000 < SPAWN_POLL_MS ? (int)ceil(left * 1000) : SPAWN_POLL_MS;
		if (open_out && poll(&pfd, 1, ms) > 0) {
			ssize_t n = read(fds[0], chunk, sizeof(chunk));
			if (n == 0)
				open_out = 0;
			else if (n > 0 && output != NULL && output->len < SF_SPAWN_OUTPUT_MAX)
				sf_buf_add(output, chunk,
				           (size_t)n < SF_SPAWN_OUTPUT_MAX - output->len
				                   ? (size_t)n
				                   : SF_SPAWN_OUTPUT_MAX - output->len);
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				open_out = 0;
		} else if (!open_out) {
			usleep(SPAWN_POLL_MS * 1000);
		}
		if (!reaped && try_reap(pid, res)) {
			/* Children still holding the pipe open get a grace period,
			 * then the group is killed above. */
			reaped = 1;
			if (deadline > sf__now() + SPAWN_TERM_GRACE_S)
				deadline = sf__now() + SPAWN_TERM_GRACE_S;
		}
	}
out:
	if (devnull >= 0)
		close(devnull);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return rc;
}
