/*
 * store_fixture.h - where the register's unit tests (test_register.c,
 * test_feedback.c) keep their stores: SQLite files in the test's scratch
 * directory, or, when the test runs under tests/pg/with-pg.sh (SF_PG_HOST
 * set), new databases on that throwaway PostgreSQL cluster. The same
 * tests then check both backends.
 */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "stabforce/stabforce.h"

/*
 * The location of a new, empty store called name (letters, digits and
 * underscores): dir/name.db, or a new database `name`. Returns a static
 * buffer, overwritten by the next call; NULL when createdb fails.
 */
static const char *fx_store_location(const char *dir, const char *name)
{
	static char loc[1024];
	char cmd[1024];
	const char *host = getenv("SF_PG_HOST");
	if (!host) {
		sf_snprintf(loc, sizeof loc, "%s/%s.db", dir, name);
		return loc;
	}
	sf_snprintf(cmd, sizeof cmd, "createdb -h '%s' -U postgres '%s'", host, name);
	if (system(cmd) != 0)
		return NULL;
	sf_snprintf(loc, sizeof loc, "postgresql:///%s?host=%s&user=postgres", name, host);
	return loc;
}

#endif
