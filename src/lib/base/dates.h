/*
 * dates.h - the register's dates (internal): a day is a long, the days
 * since 1970-01-01; parsing accepts the forms ACLED and aid exports write,
 * formatting writes YYYY-MM-DD. The public sf_date_parse and
 * sf_date_format (stabforce/register.h) are these.
 */
#ifndef STABFORCE_DATES_H
#define STABFORCE_DATES_H

#include <stddef.h>

/*
 * Parse a date as ACLED exports write it: "2025-05-16", "16 May 2025"
 * (month name full or abbreviated, any case) or "6-Jun-25" (two-digit year:
 * 00-69 is 2000-2069, 70-99 is 1970-1999). Surrounding blanks are allowed.
 * On success returns 0 and sets *day to days since 1970-01-01; -1 when the
 * text is not a real date in one of these forms.
 */
int sf__date_parse(const char *s, long *day);

/* Days since 1970-01-01 to "YYYY-MM-DD" in buf (n >= 11). Returns buf. */
char *sf__date_format(long day, char *buf, size_t n);

/* Days since 1970-01-01 for a civil date (no checking). */
long sf__days_from_civil(long y, unsigned m, unsigned d);

/*
 * An ACLED timestamp: Unix seconds as an integer, or a date/"date time"
 * ("2025-05-16", "2025-05-16 12:30:00", "2025-05-16T12:30:00Z", UTC).
 * Returns 0 and sets *t, -1 when malformed.
 */
int sf__timestamp_parse(const char *s, long long *t);

/* The weekday of a day number, 0 = Monday .. 6 = Sunday. */
int sf__date_weekday(long day);

#endif
