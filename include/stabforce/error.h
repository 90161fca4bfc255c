/*
 * error.h - status codes, the error struct, and scenario diagnostics.
 *
 * Every fallible function in libstabforce returns an sf_status and takes a
 * caller-owned sf_error * as its last argument (which may be NULL). The first
 * error set wins: later sf_error_set() calls on an error that already holds
 * one are ignored, so the innermost, most precise message survives.
 *
 * The status enum is append-only: values are never renumbered, because they
 * reach users as exit statuses (sf_status_exit_code) and, later, as HTTP
 * statuses through one table each.
 *
 * Readers that can find many problems in one input (the scenario reader)
 * collect them in an sf_diags list instead, each with its own location.
 */
#ifndef STABFORCE_ERROR_H
#define STABFORCE_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_status {
	SF_OK = 0,
	SF_ERR_NOMEM = 1,       /* out of memory */
	SF_ERR_IO = 2,          /* a file could not be read or written */
	SF_ERR_USAGE = 3,       /* bad command-line arguments or API use */
	SF_ERR_SCENARIO = 4,    /* the scenario file is invalid */
	SF_ERR_INPUT = 5,       /* another input file (plan, CSV) is invalid */
	SF_ERR_SOLVER = 6,      /* the solver failed, or a limit hit before any plan */
	SF_ERR_INFEASIBLE = 7,  /* the model has no feasible plan */
	SF_ERR_CHECK = 8,       /* check-plan found violations */
	SF_ERR_STORE = 9,       /* the register's store failed */
	SF_ERR_WORKER = 10,     /* a worker process died or misbehaved */
	SF_ERR_INTERNAL = 11,   /* a bug: please report it */
	SF_ERR_CONFLICT = 12,   /* the record changed since it was read (a stale version) */
	SF_ERR_UNAVAILABLE = 13 /* the store cannot be reached or is read-only: try again later */
} sf_status;

/* A short lowercase description of a status ("scenario invalid"). */
const char *sf_status_str(sf_status status);

/*
 * The process exit status for a status, the one table the CLI uses:
 * 0 ok; 1 check-plan found violations; 2 invalid input (scenario, plan,
 * CSV, usage); 3 solver failure or no plan; 4 I/O, store (also
 * unreachable), worker or internal error; 5 a version conflict (the record
 * changed since it was read). Documented in docs/stabforce.1 (EXIT STATUS).
 */
int sf_status_exit_code(sf_status status);

/*
 * The HTTP status the server answers when a request fails with `status`
 * (docs/api.md): 400 usage, 422 invalid scenario or input, 503 out of
 * memory, 500 for the rest. The one status-to-HTTP table.
 */
int sf_status_http(sf_status status);

enum { SF_ERROR_MESSAGE_MAX = 512, SF_ERROR_FILE_MAX = 256, SF_ERROR_PATH_MAX = 256 };

typedef struct sf_error {
	sf_status code;                     /* SF_OK when no error is set */
	char message[SF_ERROR_MESSAGE_MAX]; /* lowercase, no final period */
	char file[SF_ERROR_FILE_MAX];       /* input file, "" when none */
	int line;                           /* 1-based, 0 when unknown */
	int column;                         /* 1-based, 0 when unknown */
	char path[SF_ERROR_PATH_MAX];       /* key path, e.g. contributors[3].pledges[0].unit */
} sf_error;

void sf_error_clear(sf_error *err);

/* Set err (if non-NULL and still clear); returns code. */
sf_status sf_error_set(sf_error *err, sf_status code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Same, with a location. file and path may be NULL. */
sf_status sf_error_set_at(sf_error *err, sf_status code, const char *file, int line, int column,
                          const char *path, const char *fmt, ...)
        __attribute__((format(printf, 7, 8)));

/*
 * Format as "file:line:col: path: message" (parts that are unknown are
 * left out) into buf of size n, always NUL-terminated. Returns buf.
 */
char *sf_error_format(const sf_error *err, char *buf, size_t n);

/* ------------------------------------------------------------------ */
/* Diagnostics: many located errors and warnings from one input.       */

typedef enum sf_diag_level { SF_DIAG_ERROR = 0, SF_DIAG_WARNING = 1 } sf_diag_level;

typedef struct sf_diag {
	sf_diag_level level;
	char file[SF_ERROR_FILE_MAX];
	int line, column;             /* 1-based, 0 when unknown */
	char path[SF_ERROR_PATH_MAX]; /* key path, "" when none */
	char message[SF_ERROR_MESSAGE_MAX];
} sf_diag;

typedef struct sf_diags {
	sf_diag *items;   /* owned; the first `limit` diagnostics */
	size_t count;     /* diagnostics kept in items */
	size_t cap;       /* allocated length of items */
	size_t limit;     /* most kept; 0 means the default, 100 */
	size_t nerrors;   /* errors seen, including those past the limit */
	size_t nwarnings; /* warnings seen, including those past the limit */
} sf_diags;

void sf_diags_init(sf_diags *d);
void sf_diags_release(sf_diags *d);
/* Append one; returns SF_ERR_NOMEM only if the list cannot grow. */
sf_status sf_diags_add(sf_diags *d, sf_diag_level level, const char *file, int line, int column,
                       const char *path, const char *fmt, ...)
        __attribute__((format(printf, 7, 8)));
/* Format one diagnostic as "file:line:col: error: path: message". */
char *sf_diag_format(const sf_diag *dg, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
