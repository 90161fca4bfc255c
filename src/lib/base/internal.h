/*
 * internal.h - what the library's modules share and the public API does not
 * show. Included first in every file of src/lib.
 *
 * Naming: sf_ public (include/stabforce/), sf__ internal across files,
 * plain static within one file.
 */
#ifndef STABFORCE_INTERNAL_H
#define STABFORCE_INTERNAL_H

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <stddef.h>
#include <stdint.h>

#include "stabforce/stabforce.h"

/* ---------------------------------------------------------------- */
/* Arena: many small allocations freed at once (one per scenario).    */

typedef struct sf_arena sf_arena;

sf_arena *sf__arena_new(void);
void sf__arena_free(sf_arena *a);
/* Zeroed memory, aligned for any type; NULL when out of memory. */
void *sf__arena_alloc(sf_arena *a, size_t n);
/* n elements of size each, overflow-checked, zeroed. */
void *sf__arena_calloc(sf_arena *a, size_t count, size_t size);
/* The first plan month whose first day is on or after date (YYYY-MM-DD):
 * 1..M + 1, where a dated indicator value starts to apply (schema.c). */
struct sf_scenario;
int sf__scenario_date_month(const struct sf_scenario *sc, const char *date);
char *sf__arena_strdup(sf_arena *a, const char *s);
char *sf__arena_strndup(sf_arena *a, const char *s, size_t n);

/* ---------------------------------------------------------------- */
/* Misc                                                               */

/* Wall-clock seconds from a monotonic clock. */
double sf__now(void);

/* Overflow-checked malloc of count * size (NULL on overflow or OOM). */
void *sf__mallocarray(size_t count, size_t size);
void *sf__reallocarray(void *p, size_t count, size_t size);

/* Levenshtein distance, capped: returns cap+1 when larger. For "did you mean". */
size_t sf__edit_distance(const char *a, const char *b, size_t cap);
/* The candidate closest to word (distance <= max(2, len/3)), or NULL. */
const char *sf__closest(const char *word, const char *const *candidates, size_t n);

/*
 * x rounded to `decimals` places (0..9), -0 made 0, not-finite kept: the
 * figure an output shows, so that its text, csv and json agree.
 */
double sf__round_to(double x, int decimals);

/*
 * The 1-based line and column of byte `offset` of a text of len bytes:
 * lines end at LF, CR LF or a lone CR; a column counts characters (a UTF-8
 * sequence is one, a byte that starts none counts as one). An offset past
 * the end is the end. For errors that libraries locate by byte offset.
 */
void sf__text_position(const char *text, size_t len, size_t offset, int *line, int *column);

/*
 * A JSON parse error's position: Jansson's line and column when it gives
 * both, else computed from its byte position (it gives column 0 at the end
 * of the input). jline, jcolumn, jposition as in json_error_t.
 */
void sf__json_error_position(const char *text, size_t len, int jline, int jcolumn, size_t jposition,
                             int *line, int *column);

/* 1 when the len bytes of text are all spaces, tabs and line ends (or none). */
int sf__blank_text(const char *text, size_t len);

/* Strip blanks and tabs at both ends of s, in place; returns the start. */
char *sf__trim(char *s);
/* A malloc'd copy of s without blanks and tabs at both ends (nor a final
 * carriage return); NULL out of memory. */
char *sf__strdup_trim(const char *s);

#define SF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
