/*
 * proc.h - the process layer (internal): every process the library starts
 * is forked by sf__proc_start().
 *
 * Why processes at all: CBC is not reentrant (parallel solves need
 * processes, not threads), it can crash (a signal must cost one solve,
 * not the command), and it checks its time limit only between phases (a
 * hard deadline needs a process that can be killed). Two users build on
 * this layer: the worker pool (workers.h: many independent jobs) and
 * sf__proc_call() (one function under a hard deadline: the planner's
 * time-limited solves).
 *
 * Every child, whoever starts it:
 *   - dies with its parent: on Linux the kernel sends it SIGKILL when the
 *     parent dies (PR_SET_PDEATHSIG), and right after setting that the
 *     child checks that its parent is still the process that forked it
 *     (the parent may have died in between). Killing any stabforce process
 *     by any signal therefore leaves no child behind, and a grandchild
 *     (a worker's time-limited solve) dies with the worker the same way;
 *   - talks to its parent over one AF_UNIX socket pair; writes use
 *     MSG_NOSIGNAL, so a dead peer is EPIPE, never SIGPIPE;
 *   - leaves with _exit(), never exit(): no atexit handlers, and no flush
 *     of stdio buffers copied from the parent, so the parent need not
 *     flush anything (process-wide state) before forking;
 *   - closes the parent's ends of its siblings' sockets (close_fds), so
 *     that a sibling sees EOF when the parent closes its end.
 * The library installs no signal handler and changes no signal
 * disposition: what a signal does to the command is the command's choice.
 */
#ifndef STABFORCE_PROC_H
#define STABFORCE_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "stabforce/buf.h"
#include "stabforce/error.h"

/* A child process and the parent's end of its socket pair. */
typedef struct sf__proc {
	pid_t pid;   /* -1 when none was started */
	int fd;      /* the parent's end of the socket pair, -1 once closed */
	int reaped;  /* 1 once waited for */
	int wstatus; /* its wait status, once reaped */
} sf__proc;

/* What a child runs, with its end of the socket pair; returns its exit status. */
typedef int (*sf__proc_main_fn)(void *ctx, int fd);

/*
 * Fork a child that runs main(ctx, fd) and _exit()s with its return. In
 * the child, close_fds[0..nclose-1] are closed first (the parent's ends of
 * other children's sockets; may be NULL). SF_ERR_IO when the socket pair
 * or the fork failed (p->pid is then -1).
 */
sf_status sf__proc_start(sf__proc *p, sf__proc_main_fn main, void *ctx, const int *close_fds,
                         size_t nclose, sf_error *err);

/* Close the parent's end of the socket (the child then reads EOF). */
void sf__proc_close(sf__proc *p);

/* Send sig to the child unless it has been waited for. */
void sf__proc_signal(sf__proc *p, int sig);

/* Wait for the child (retrying on EINTR); 0 once reaped, -1 when there is no child. */
int sf__proc_wait(sf__proc *p);

/* How the reaped child ended: "exited with status 3", "killed by signal 11 (...)". */
void sf__proc_describe(const sf__proc *p, char *buf, size_t n);

/* Write all n bytes to a socket (no SIGPIPE): 0, or -1 on error. */
int sf__proc_write_all(int fd, const void *mem, size_t n);

/* Read exactly n bytes: 1, 0 on EOF before any byte, -1 on error or a short read. */
int sf__proc_read_all(int fd, void *mem, size_t n);

/* ---- one call under a hard deadline ---- */

/* What sf__proc_call runs in the child: append its result to out. */
typedef sf_status (*sf__call_fn)(void *ctx, sf_buf *out, sf_error *err);

typedef enum sf__call_outcome {
	SF__CALL_DONE = 0,    /* fn returned SF_OK; out holds what it appended */
	SF__CALL_FAILED = 1,  /* fn returned an error: the status and message are in err */
	SF__CALL_TIMEOUT = 2, /* the deadline passed: the child was killed */
	SF__CALL_DIED = 3     /* the child died (a signal, an abort): err says how */
} sf__call_outcome;

/*
 * Run fn(ctx, ...) in a child and collect what it appends, waiting until
 * `deadline` (an sf__now() time; HUGE_VAL: no deadline). At the deadline
 * the child is killed (SIGKILL) and reaped. *how says what happened; err
 * carries fn's error (FAILED) or a description of the death (DIED).
 * Returns SF_OK whenever the child could be started and was reaped (read
 * *how), an error only when no child could be started (SF_ERR_IO) or out
 * of memory.
 */
sf_status sf__proc_call(sf__call_fn fn, void *ctx, double deadline, sf_buf *out,
                        sf__call_outcome *how, sf_error *err);

#endif
