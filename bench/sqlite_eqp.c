/*
 * sqlite_eqp.c - an LD_PRELOAD shim for bench/pg_reports.sh (EXPLAIN_DIR):
 * wraps sqlite3_prepare_v2/v3 and, the first time each SELECT or WITH
 * statement is prepared, writes its text and its EXPLAIN QUERY PLAN rows to
 * the file EQP_OUT (stderr without it). Not part of the program: built by
 * the script with cc, so the plans are those of the library's own SQL.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
typedef int (*prep_fn)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
static char *seen[512];
static int nseen, busy;
static void eqp(sqlite3 *db, const char *sql, int n, prep_fn real)
{
	if (busy)
		return;
	size_t len = n < 0 ? strlen(sql) : (size_t)n;
	const char *s = sql;
	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	if (strncasecmp(s, "SELECT", 6) && strncasecmp(s, "WITH", 4))
		return;
	for (int i = 0; i < nseen; i++)
		if (strlen(seen[i]) == len && !memcmp(seen[i], sql, len))
			return;
	if (nseen < 512)
		seen[nseen++] = strndup(sql, len);
	char *q = malloc(len + 32);
	sprintf(q, "EXPLAIN QUERY PLAN %.*s", (int)len, sql);
	sqlite3_stmt *st = NULL;
	busy = 1;
	FILE *f = fopen(getenv("EQP_OUT") ? getenv("EQP_OUT") : "/dev/stderr", "a");
	if (real(db, q, -1, &st, NULL) == SQLITE_OK && f) {
		fprintf(f, "SQL: %.*s\n", (int)len, sql);
		while (sqlite3_step(st) == SQLITE_ROW)
			fprintf(f, "  %d %d %s\n", sqlite3_column_int(st, 0),
			        sqlite3_column_int(st, 1),
			        (const char *)sqlite3_column_text(st, 3));
		fprintf(f, "\n");
	}
	if (f)
		fclose(f);
	sqlite3_finalize(st);
	busy = 0;
	free(q);
}
int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail)
{
	static prep_fn real;
	if (!real)
		real = (prep_fn)dlsym(RTLD_NEXT, "sqlite3_prepare_v2");
	eqp(db, sql, n, real);
	return real(db, sql, n, st, tail);
}
int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned int fl, sqlite3_stmt **st,
                       const char **tail)
{
	static int (*real)(sqlite3 *, const char *, int, unsigned int, sqlite3_stmt **,
	                   const char **);
	static prep_fn real2;
	if (!real)
		real = dlsym(RTLD_NEXT, "sqlite3_prepare_v3");
	if (!real2)
		real2 = (prep_fn)dlsym(RTLD_NEXT, "sqlite3_prepare_v2");
	eqp(db, sql, n, real2);
	return real(db, sql, n, fl, st, tail);
}
