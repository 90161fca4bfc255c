/*
 * dates.c - the register's dates (see dates.h): days since 1970-01-01 in
 * the proleptic Gregorian calendar, read from the forms ACLED and aid
 * exports use and written as ISO dates.
 *
 * The conversions are Howard Hinnant's days-from-civil algorithms: integer
 * arithmetic, no time zone, no locale (strptime's month names depend on
 * the locale; ACLED's are English).
 */
#include "base/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/dates.h"

/* Howard Hinnant's days_from_civil. */
long sf__days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

char *sf__date_format(long day, char *buf, size_t n)
{
	long y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999 || n < 11) {
		sf_snprintf(buf, n, "%04ld-%02u-%02u", y, m, d);
		return buf;
	}
	/* Without printf for the usual years: imports format a date per row. */
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return buf;
}

int sf__date_weekday(long day)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	long w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_ymd(long y, long m, long d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* Read 1..maxd digits at *p; -1 when there are none. */
static long digits(const char **p, int maxd, int *count)
{
	long v = 0;
	int n = 0;
	while (n < maxd && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*count = n;
	return n ? v : -1;
}

static int month_name(const char **p)
{
	static const char *const names[] = {"january",   "february", "march",    "april",
	                                    "may",       "june",     "july",     "august",
	                                    "september", "october",  "november", "december"};
	char w[16];
	size_t n = 0;
	while (n < sizeof w - 1 && (((**p | 0x20) >= 'a' && (**p | 0x20) <= 'z'))) {
		w[n++] = (char)(**p | 0x20);
		(*p)++;
	}
	w[n] = '\0';
	if (n < 3)
		return -1;
	for (int i = 0; i < 12; i++) {
		if (strcmp(w, names[i]) == 0 || (n == 3 && strncmp(w, names[i], 3) == 0) ||
		    (i == 8 && strcmp(w, "sept") == 0))
			return i + 1;
	}
	return -1;
}

int sf__date_parse(const char *s, long *day)
{
	const char *p = s;
	long y, m, d;
	int nd;

	while (*p == ' ' || *p == '\t')
		p++;
	long first = digits(&p, 4, &nd);
	if (first < 0)
		return -1;
	if (nd == 4 && *p == '-') {
		/* 2025-05-16 */
		p++;
		y = first;
		m = digits(&p, 2, &nd);
		if (m < 0 || *p != '-')
			return -1;
		p++;
		d = digits(&p, 2, &nd);
		if (d < 0)
			return -1;
	} else if (nd <= 2 && (*p == ' ' || *p == '-')) {
		char sep = *p++;
		d = first;
		while (sep == ' ' && *p == ' ')
			p++;
		m = month_name(&p);
		if (m < 0 || *p != sep)
			return -1;
		while (*p == sep && sep == ' ')
			p++;
		if (sep == '-')
			p++;
		y = digits(&p, 4, &nd);
		if (y < 0)
			return -1;
		if (sep == '-' && nd == 2)
			y += y < 70 ? 2000 : 1900;
		else if (nd != 4)
			return -1;
	} else {
		return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0' || !valid_ymd(y, m, d))
		return -1;
	*day = sf__days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int sf__timestamp_parse(const char *s, long long *t)
{
	const char *p = s;
	while (*p == ' ')
		p++;
	if (*p >= '0' && *p <= '9') {
		const char *q = p;
		long long v = 0;
		while (*q >= '0' && *q <= '9' && v < 100000000000LL)
			v = v * 10 + (*q++ - '0');
		const char *r = q;
		while (*r == ' ')
			r++;
		if (*r == '\0' && (q - p) <= 11) {
			*t = v;
			return 0;
		}
		/* A date, optionally followed by a time. */
		if (q - p == 4 && *q == '-') {
			char date[11];
			long day;
			/* Exactly YYYY-MM-DD, then optionally a time. */
			for (int i = 0; i < 10; i++) {
				int want_dash = i == 4 || i == 7;
				if (want_dash ? p[i] != '-' : (p[i] < '0' || p[i] > '9'))
					return -1;
			}
			memcpy(date, p, 10);
			date[10] = '\0';
			if (sf__date_parse(date, &day) < 0)
				return -1;
			r = p + 10;
			long hh = 0, mm = 0, ss = 0;
			if (*r == ' ' || *r == 'T') {
				int nd;
				r++;
				hh = digits(&r, 2, &nd);
				if (hh < 0 || nd != 2 || *r++ != ':')
					return -1;
				mm = digits(&r, 2, &nd);
				if (mm < 0 || nd != 2)
					return -1;
				if (*r == ':') {
					r++;
					ss = digits(&r, 2, &nd);
					if (ss < 0 || nd != 2)
						return -1;
				}
				if (*r == 'Z')
					r++;
				if (hh > 23 || mm > 59 || ss > 60)
					return -1;
			}
			while (*r == ' ')
				r++;
			if (*r != '\0')
				return -1;
			*t = (long long)day * 86400 + hh * 3600 + mm * 60 + ss;
			return 0;
		}
	}
	return -1;
}

int sf_date_parse(const char *s, long *day)
{
	return sf__date_parse(s, day);
}

char *sf_date_format(long day, char *buf, size_t n)
{
	return sf__date_format(day, buf, n);
}
