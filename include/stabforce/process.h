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

#include <pthread.h>
#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Loading a shared library when it is first needed (base/dl.c). The
 * adapters of libraries that only some commands use (libpq for a
 * PostgreSQL store, libmicrohttpd for serve) resolve their functions
 * through it instead of linking them, so every other command starts
 * without loading them and the libraries they pull in (about twenty: TLS,
 * Kerberos, LDAP). An adapter describes its library once, statically
 * (SF_DL_LIB), and calls sf_dl_load before its first use; the library is
 * loaded once and kept for the process's life, as the dynamic linker
 * would, and so is a failure.
 */
typedef struct sf_dl_sym {
	const char *name; /* the symbol */
	void *slot;       /* where its address goes: a function pointer's storage */
} sf_dl_sym;

typedef struct sf_dl_lib {
	const char *what;           /* "libpq": how messages name it */
	const char *package;        /* the Debian package that installs it */
	const char *const *sonames; /* tried in order, NULL-terminated */
	const sf_dl_sym *syms;      /* every symbol the adapter calls */
	size_t nsyms;
	/* sf_dl_load's own: set once, under the mutex */
	pthread_mutex_t mu;
	int tried;
	sf_error error; /* code SF_OK when it loaded */
} sf_dl_lib;

/* A static sf_dl_lib's initialiser; syms is an array. */
#define SF_DL_LIB(what, package, sonames, syms)                                                    \
	{                                                                                          \
		(what), (package), (sonames), (syms), sizeof(syms) / sizeof((syms)[0]),            \
		        PTHREAD_MUTEX_INITIALIZER, 0,                                              \
		{                                                                                  \
			0                                                                          \
		}                                                                                  \
	}

/*
 * Load lib (the first call; later calls return the first call's result)
 * and store each symbol's address in its slot. On failure (the slots are
 * then not to be used) err says which library is missing or lacks a
 * symbol and the Debian package that installs it ("apt-get install
 * libpq5"; scripts/bootstrap does); an I/O error, exit status 4.
 */
sf_status sf_dl_load(sf_dl_lib *lib, sf_error *err);

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
