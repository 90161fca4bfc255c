/*
 * process.h - starting other programs (base/proc.c, the one process layer).
 *
 * A threaded program (the server) must not fork: the child would inherit
 * locks held by other threads. sf_spawn() uses posix_spawn(3), which
 * execs at once, with the child's standard descriptors set from the
 * caller's, its signal mask cleared and SIGPIPE, SIGINT and SIGTERM back to
 * their defaults, optionally in a process group of its own (so that it and
 * every process it forks can be stopped together with killpg).
 */
#ifndef STABFORCE_PROCESS_H
#define STABFORCE_PROCESS_H

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_spawn_options {
	int fd_in, fd_out, fd_err; /* descriptors for the child's 0, 1, 2; -1 = inherit */
	int new_group;             /* 1: the child leads a new process group */
} sf_spawn_options;

void sf_spawn_options_init(sf_spawn_options *o);

/* Start exe with argv (NULL-terminated, argv[0] first); *pid gets the child. */
sf_status sf_spawn(const char *exe, char *const argv[], const sf_spawn_options *o, long *pid,
                   sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
