/*
 * test_proc.c - the process layer (src/lib/base/proc.c): a call's result
 * comes back whole, its error is carried back, a child that crashes is
 * reported as such, a child past its deadline is killed and reaped, and a
 * child dies with its parent (also a parent that dies right after the
 * fork).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/internal.h"
#include "base/proc.h"

/* What a test call does in the child. */
enum { DO_ECHO, DO_FAIL, DO_CRASH, DO_HANG, DO_BIG };

static sf_status call_fn(void *ctx, sf_buf *out, sf_error *err)
{
	switch (*(int *)ctx) {
	case DO_ECHO:
		return sf_buf_adds(out, "hello from the child");
	case DO_FAIL:
		return sf_error_set(err, SF_ERR_SOLVER, "the child failed on purpose");
	case DO_CRASH:
		abort(); /* SIGABRT: a signal ASan leaves alone, unlike SIGSEGV */
	case DO_HANG:
		for (;;)
			pause();
	case DO_BIG:
		/* more than a socket buffer holds: the parent must read while it writes */
		for (int i = 0; i < 1000000; i++)
			if (sf_buf_addc(out, (char)('a' + i % 26)) != SF_OK)
				return SF_ERR_NOMEM;
		return SF_OK;
	}
	return SF_OK;
}

/* No child of this process is left, running or unreaped. */
static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_call_done(void **state)
{
	(void)state;
	int what = DO_ECHO;
	sf__call_outcome how;
	sf_error err;
	sf_buf out;

	sf_error_clear(&err);
	sf_buf_init(&out, 0);
	assert_int_equal(sf__proc_call(call_fn, &what, HUGE_VAL, &out, &how, &err), SF_OK);
	assert_int_equal(how, SF__CALL_DONE);
	assert_string_equal(out.data, "hello from the child");
	sf_buf_reset(&out);
	what = DO_BIG;
	assert_int_equal(sf__proc_call(call_fn, &what, sf__now() + 60, &out, &how, &err), SF_OK);
	assert_int_equal(how, SF__CALL_DONE);
	assert_int_equal(out.len, 1000000);
	assert_int_equal(out.data[999999], 'a' + 999999 % 26);
	sf_buf_release(&out);
	assert_no_children();
}

static void test_call_failed(void **state)
{
	(void)state;
	int what = DO_FAIL;
	sf__call_outcome how;
	sf_error err;
	sf_buf out;

	sf_error_clear(&err);
	sf_buf_init(&out, 0);
	assert_int_equal(sf__proc_call(call_fn, &what, HUGE_VAL, &out, &how, &err), SF_OK);
	assert_int_equal(how, SF__CALL_FAILED);
	assert_int_equal(err.code, SF_ERR_SOLVER);
	assert_string_equal(err.message, "the child failed on purpose");
	assert_int_equal(out.len, 0);
	sf_buf_release(&out);
	assert_no_children();
}

static void test_call_crash(void **state)
{
	(void)state;
	int what = DO_CRASH;
	sf__call_outcome how;
	sf_error err;
	sf_buf out;

	sf_error_clear(&err);
	sf_buf_init(&out, 0);
	assert_int_equal(sf__proc_call(call_fn, &what, HUGE_VAL, &out, &how, &err), SF_OK);
	assert_int_equal(how, SF__CALL_DIED);
	assert_non_null(strstr(err.message, "killed by signal 6"));
	sf_buf_release(&out);
	assert_no_children();
}

static void test_call_timeout(void **state)
{
	(void)state;
	int what = DO_HANG;
	sf__call_outcome how;
	sf_error err;
	sf_buf out;
	double t0 = sf__now();

	sf_error_clear(&err);
	sf_buf_init(&out, 0);
	assert_int_equal(sf__proc_call(call_fn, &what, t0 + 0.2, &out, &how, &err), SF_OK);
	assert_int_equal(how, SF__CALL_TIMEOUT);
	/* killed and reaped, not waited for: no timing assertion beyond "it came back" */
	sf_buf_release(&out);
	assert_no_children();
}

/* ---- dying with the parent ---- */

static int sleeper_main(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	for (;;)
		pause();
	return 0;
}

/* 1 while pid exists and is not a zombie (a zombie is dead, awaiting its reaper). */
static int alive(pid_t pid)
{
	char path[64], stat[256];
	FILE *f;
	int zombie = 0;

	if (kill(pid, 0) != 0)
		return 0;
	sf_snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fgets(stat, sizeof stat, f) != NULL) {
		const char *rp = strrchr(stat, ')');
		zombie = rp != NULL && (rp[2] == 'Z' || rp[2] == 'X');
	}
	fclose(f);
	return !zombie;
}

/* Wait up to 5 s for pid to be gone; 1 when it is. */
static int gone_soon(pid_t pid)
{
	for (int i = 0; i < 500; i++) {
		if (!alive(pid))
			return 1;
		usleep(10000);
	}
	return 0;
}

/*
 * A middle process starts a sleeping child through the process layer,
 * reports the child's pid on `report`, then dies as `how` says: 0 by
 * _exit, else by that signal. The child must not outlive it.
 */
static pid_t middle(int report, int how)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		sf__proc child;
		sf_error err;
		sf_error_clear(&err);
		if (sf__proc_start(&child, sleeper_main, NULL, NULL, 0, &err) != SF_OK)
			_exit(2);
		long cpid = (long)child.pid;
		if (write(report, &cpid, sizeof cpid) != (ssize_t)sizeof cpid)
			_exit(3);
		if (how)
			raise(how);
		_exit(0);
	}
	return pid;
}

static void test_child_dies_with_parent(void **state)
{
	(void)state;
	const int sigs[] = {0, SIGTERM, SIGKILL, SIGINT};

	for (size_t k = 0; k < SF_ARRAY_LEN(sigs); k++) {
		int fds[2];
		long cpid = 0;
		int st;

		assert_int_equal(pipe(fds), 0);
		pid_t mid = middle(fds[1], sigs[k]);
		close(fds[1]);
		assert_int_equal(read(fds[0], &cpid, sizeof cpid), (ssize_t)sizeof cpid);
		close(fds[0]);
		assert_int_equal(waitpid(mid, &st, 0), mid);
		if (sigs[k])
			assert_true(WIFSIGNALED(st) && WTERMSIG(st) == sigs[k]);
		assert_true(cpid > 0);
		if (!gone_soon((pid_t)cpid)) {
			kill((pid_t)cpid, SIGKILL); /* do not leave it to hold the test's output */
			fail_msg("child %ld outlived its parent (%s)", cpid,
			         sigs[k] ? strsignal(sigs[k]) : "exit");
		}
	}
	assert_no_children();
}

static void test_start_and_describe(void **state)
{
	(void)state;
	sf__proc p;
	sf_error err;
	char how[128];

	sf_error_clear(&err);
	assert_int_equal(sf__proc_start(&p, sleeper_main, NULL, NULL, 0, &err), SF_OK);
	assert_true(p.pid > 0 && p.fd >= 0);
	sf__proc_signal(&p, SIGTERM);
	assert_int_equal(sf__proc_wait(&p), 0);
	sf__proc_describe(&p, how, sizeof how);
	assert_non_null(strstr(how, "killed by signal 15"));
	sf__proc_signal(&p, SIGTERM); /* reaped: a no-op, never another process */
	sf__proc_close(&p);
	assert_int_equal(p.fd, -1);
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_call_done),
	        cmocka_unit_test(test_call_failed),
	        cmocka_unit_test(test_call_crash),
	        cmocka_unit_test(test_call_timeout),
	        cmocka_unit_test(test_child_dies_with_parent),
	        cmocka_unit_test(test_start_and_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
