/*
 * spawn.h - running another program to completion (base/spawn.c), on
 * the process layer's sf_spawn() (include/stabforce/process.h).
 *
 * The program is started with posix_spawn (never fork() + exec in the
 * library: the server that may call this is threaded), in a process group
 * of its own, with standard input from /dev/null and standard output and
 * error captured together. It is waited for with a time limit; past the
 * limit the whole group (the program and every child it started) gets
 * SIGTERM, then SIGKILL, and is reaped: nothing outlives the call.
 */
#ifndef STABFORCE_SPAWN_H
#define STABFORCE_SPAWN_H

#include <stddef.h>

#include "stabforce/buf.h"
#include "stabforce/error.h"

/* Captured output kept (bytes); the rest is read and dropped. */
#define SF_SPAWN_OUTPUT_MAX (64 * 1024)

typedef struct sf__spawn_result {
	int exited;    /* 1: exited, with exit_code */
	int exit_code; /* when exited */
	int signal;    /* the signal that ended it, 0 when it exited */
	int timed_out; /* 1: killed at the time limit */
} sf__spawn_result;

/*
 * Run argv[0] (looked up in PATH when it has no '/') with argv, NULL
 * terminated, for at most timeout_s seconds. Its output (stdout and stderr
 * interleaved, at most SF_SPAWN_OUTPUT_MAX bytes) is appended to output
 * when output is not NULL. SF_OK when the program ran and was reaped, with
 * *res saying how it ended; SF_ERR_IO with err set when it could not be
 * started (not found: the message names it).
 */
sf_status sf__spawn_run(const char *const *argv, double timeout_s, sf_buf *output,
                        sf__spawn_result *res, sf_error *err);

/* The first of names that is an executable file in PATH (or, with a '/',
 * as given), copied to buf; NULL when none is. */
const char *sf__spawn_which(const char *const *names, size_t n, char *buf, size_t bufsize);

#endif
