/*
 * file.h - reading inputs with a size cap, and writing outputs atomically.
 *
 * Every file stabforce reads whole goes through sf_file_read() with the cap
 * of its kind (below), so that `geojson: /dev/zero` or a 10 GB "scenario"
 * is a clear error naming the file instead of an out-of-memory after a
 * gigabyte. Streamed inputs (the CSV imports) count their bytes against
 * their cap as they read.
 *
 * Every file stabforce writes goes through an sf_outfile: the bytes go to a
 * temporary file in the destination's directory, which is flushed, synced
 * and renamed over the destination only when everything was written. So a
 * reader of the destination sees the old file or the new one, never a
 * part; a full disk or an error leaves the old file as it was and no
 * temporary behind; and a symbolic link at the destination is replaced by
 * the new file, never written through (its target is left alone). Several
 * outputs of one command are committed together (sf_outfile_commit_all):
 * all are written and synced before the first is renamed, so a failure
 * while writing any of them leaves every destination untouched.
 *
 * "-" means standard input or output. A destination that exists and is not
 * a regular file or a link to one (a terminal, a pipe, /dev/null, /dev/full,
 * /dev/stdout) is written directly: it cannot be replaced, and a failure
 * to write it is still reported.
 */
#ifndef STABFORCE_FILE_H
#define STABFORCE_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Size caps of the inputs, bytes (docs/stabforce.1, LIMITS). Each is far
 * above the largest real input of its kind (a UN-sized scenario is about
 * 1 MB, its plan JSON about 30 MB, a detailed sector map a few MB, ACLED's
 * whole global history about 2 GB) and low enough that a runaway input
 * stops before it exhausts memory or time.
 */
#define SF_MAX_SCENARIO_BYTES ((size_t)64 << 20)     /* scenario YAML: 64 MiB */
#define SF_MAX_GEOJSON_BYTES ((size_t)256 << 20)     /* sector GeoJSON: 256 MiB */
#define SF_MAX_PLAN_BYTES ((size_t)512 << 20)        /* plan JSON (check-plan, compare) */
#define SF_MAX_INCIDENT_CSV_BYTES ((size_t)16 << 30) /* incident CSV, streamed: 16 GiB */
#define SF_MAX_AID_CSV_BYTES ((size_t)1 << 30)       /* aid CSV, streamed: 1 GiB */
#define SF_MAX_OVERRIDES_BYTES ((size_t)16 << 20)    /* location overrides CSV: 16 MiB */
#define SF_MAX_CROSSINGS_BYTES ((size_t)16 << 20)    /* crossing names CSV: 16 MiB */
#define SF_MAX_LIST_BYTES ((size_t)64 << 20)         /* a list of ids (--ids FILE) */

/*
 * Read the whole file at path ("-": standard input) into *data (malloc'ed,
 * NUL-terminated after the *len bytes; the caller frees). `what` names the
 * kind of input in messages ("a scenario", "a sector map"). Fails with SF_ERR_IO
 * naming the file when it cannot be opened or read; SF_ERR_INPUT when it
 * holds more than max_bytes (found after reading at most max_bytes + 1
 * bytes, so an endless device costs nothing); SF_ERR_NOMEM when out of
 * memory.
 */
sf_status sf_file_read(const char *path, size_t max_bytes, const char *what, char **data,
                       size_t *len, sf_error *err);

/* "64 MiB" for a byte count, for messages about caps. Returns buf. */
char *sf_file_size_text(size_t bytes, char *buf, size_t n);

/* ------------------------------------------------------------------ */
/* Atomic output                                                        */

typedef struct sf_outfile sf_outfile;

/*
 * Start writing path ("-": standard output): creates the temporary file
 * next to it (mode 0666 less the umask, or the mode of the regular file it
 * will replace). Nothing at path changes until a commit. SF_ERR_IO naming
 * the path when the directory does not exist or is not writable.
 */
sf_status sf_outfile_open(const char *path, sf_outfile **out, sf_error *err);

/* The stream to write to (the temporary file, or the destination itself). */
FILE *sf_outfile_stream(sf_outfile *o);

/* The destination path, as given. */
const char *sf_outfile_path(const sf_outfile *o);

/* Write n bytes (a short write is remembered and reported at the commit). */
sf_status sf_outfile_write(sf_outfile *o, const void *data, size_t n, sf_error *err);

/*
 * Flush, sync and rename into place, then free o (whatever the result). On
 * failure the temporary file is removed and the destination is untouched.
 */
sf_status sf_outfile_commit(sf_outfile *o, sf_error *err);

/*
 * Commit n outfiles together: all are flushed and synced first; only if
 * every one succeeded are they renamed into place (else all are removed and
 * no destination changes). Frees them all, whatever the result. NULL
 * entries are skipped.
 */
sf_status sf_outfile_commit_all(sf_outfile **v, size_t n, sf_error *err);

/* Give up: remove the temporary file, leave the destination, free o. NULL is fine. */
void sf_outfile_abort(sf_outfile *o);

/* Open, write all of b, commit: the whole of one output in one call. */
sf_status sf_file_write_atomic(const char *path, const void *data, size_t n, sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
