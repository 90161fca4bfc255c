/*
 * test_dates.c - the register's dates (src/lib/base/dates.c): the three
 * ACLED date forms, impossible dates, and timestamps as Unix seconds or
 * ISO date/times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/dates.h"

static long day_of(const char *s)
{
	long d = -99999;
	assert_int_equal(sf__date_parse(s, &d), 0);
	return d;
}

static void test_dates(void **state)
{
	(void)state;
	char buf[16];
	assert_int_equal(day_of("1970-01-01"), 0);
	assert_int_equal(day_of("2025-05-16"), 20224);
	assert_int_equal(day_of("16 May 2025"), 20224);
	assert_int_equal(day_of("16 may 2025"), 20224);
	assert_int_equal(day_of("16 MAY 2025"), 20224);
	assert_int_equal(day_of("6-Jun-25"), day_of("2025-06-06"));
	assert_int_equal(day_of("06-Jun-2025"), day_of("2025-06-06"));
	assert_int_equal(day_of("6-Jun-97"), day_of("1997-06-06"));
	assert_int_equal(day_of("1 September 2024"), day_of("2024-09-01"));
	assert_int_equal(day_of("1 Sept 2024"), day_of("2024-09-01"));
	assert_int_equal(day_of(" 2024-02-29 "), day_of("2024-02-29"));
	assert_string_equal(sf__date_format(20224, buf, sizeof buf), "2025-05-16");
	assert_string_equal(sf__date_format(day_of("2000-02-29"), buf, sizeof buf), "2000-02-29");

	static const char *const bad[] = {"",           "2025-02-29",  "2025-13-01", "2025-00-10",
	                                  "2025-5-16x", "16 Mai 2025", "16 May 25",  "32 May 2025",
	                                  "6/6/2025",   "6-Jun-2025-", "2025-05",    "May 16 2025",
	                                  "16-05-2025", "1899-12-31",  "16 Ma 2025"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		long d;
		if (sf__date_parse(bad[i], &d) == 0)
			fail_msg("'%s' parsed as a date", bad[i]);
	}
	/* Every day of several years round-trips. */
	for (long d = day_of("1997-01-01"); d < day_of("2031-01-01"); d++) {
		long back;
		sf__date_format(d, buf, sizeof buf);
		assert_int_equal(sf__date_parse(buf, &back), 0);
		assert_int_equal(back, d);
	}
	assert_int_equal(sf__date_weekday(day_of("2025-10-13")), 0); /* a Monday */
	assert_int_equal(sf__date_weekday(day_of("2025-10-10")), 4); /* a Friday */
}

static void test_timestamps(void **state)
{
	(void)state;
	long long t;
	assert_int_equal(sf__timestamp_parse("1747699200", &t), 0);
	assert_true(t == 1747699200LL);
	assert_int_equal(sf__timestamp_parse("2025-05-20", &t), 0);
	assert_true(t == 1747699200LL);
	assert_int_equal(sf__timestamp_parse("2025-05-20 01:02:03", &t), 0);
	assert_true(t == 1747699200LL + 3723);
	assert_int_equal(sf__timestamp_parse("2025-05-20T01:02Z", &t), 0);
	assert_true(t == 1747699200LL + 3720);
	assert_int_equal(sf__timestamp_parse("abc", &t), -1);
	assert_int_equal(sf__timestamp_parse("12.5", &t), -1);
	assert_int_equal(sf__timestamp_parse("2025-05-20 25:00", &t), -1);
	assert_int_equal(sf__timestamp_parse("99999999999999999999", &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dates),
	        cmocka_unit_test(test_timestamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
