/*
 * test_csv.c - the streaming CSV reader and the date parser (src/lib/csv.c):
 * byte-order mark, quoted commas/quotes/newlines, CRLF, record line numbers,
 * malformed records that are consumed to their end, field caps, reading
 * across the 64 KiB buffer boundary, and the three ACLED date forms.
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
#include "base/csv.h"

/* Read all records of text; returns the count and fills a summary string. */
static int read_all(const char *text, size_t len, sf_buf *dump)
{
	FILE *f = fmemopen((void *)text, len, "rb");
	sf__csv c;
	int n = 0, r;
	assert_non_null(f);
	assert_int_equal(sf__csv_init(&c, f), 0);
	while ((r = sf__csv_next(&c)) == 1) {
		sf_buf_addf(dump, "[%ld", c.rec_line);
		if (c.error[0])
			sf_buf_addf(dump, " ERR %s", c.error);
		for (size_t i = 0; i < c.nfields; i++)
			sf_buf_addf(dump, "|%s", sf__csv_field(&c, i));
		sf_buf_adds(dump, "]");
		n++;
	}
	assert_int_equal(r, 0);
	sf__csv_release(&c);
	fclose(f);
	return n;
}

static void check(const char *text, const char *want)
{
	sf_buf b;
	sf_buf_init(&b, 0);
	read_all(text, strlen(text), &b);
	assert_string_equal(sf_buf_str(&b), want);
	sf_buf_release(&b);
}

static void test_basic(void **state)
{
	(void)state;
	check("a,b,c\n1,2,3\n", "[1|a|b|c][2|1|2|3]");
	check("a,b\n1,2", "[1|a|b][2|1|2]"); /* no final newline */
	check("a,,\n", "[1|a||]");           /* empty fields */
	check("\n", "[1|]");                 /* a blank line is one empty field */
	check("", "");
}

static void test_bom_crlf(void **state)
{
	(void)state;
	check("\xEF\xBB\xBFid,x\r\n1,2\r\n", "[1|id|x][2|1|2]");
	/* A BOM only counts at the very start. */
	check("a\n\xEF\xBB\xBF"
	      "b\n",
	      "[1|a][2|\xEF\xBB\xBF"
	      "b]");
	/* A lone CR is data. */
	check("a\rb,c\n", "[1|a\rb|c]");
}

static void test_quotes(void **state)
{
	(void)state;
	check("\"a,b\",\"say \"\"hi\"\"\",c\n", "[1|a,b|say \"hi\"|c]");
	/* Newlines inside quotes: the next record's line number counts them. */
	check("id,notes\n1,\"line one\nline two\r\nline three\"\n2,x\n",
	      "[1|id|notes][2|1|line one\nline two\r\nline three][5|2|x]");
	/* A quote inside an unquoted field is kept. */
	check("ab\"c,d\n", "[1|ab\"c|d]");
	/* An empty quoted field. */
	check("\"\",x\n", "[1||x]");
}

static void test_malformed(void **state)
{
	(void)state;
	/* Text after a closing quote: an error, and the next record is clean. */
	check("\"Gaza\" City,1\n2,3\n", "[1 ERR text after a closing quote|Gaza|1][2|2|3]");
	/* Unterminated quote at end of file. */
	check("a,\"open\nstill open",
	      "[1 ERR unterminated quoted field at end of file|a|open\nstill open]");
	/* A NUL byte. */
	{
		static const char t[] = {'a', '\0', 'b', ',', 'c', '\n', 'd', '\n'};
		sf_buf b;
		sf_buf_init(&b, 0);
		assert_int_equal(read_all(t, sizeof t, &b), 2);
		assert_string_equal(sf_buf_str(&b), "[1 ERR NUL byte in record|ab|c][2|d]");
		sf_buf_release(&b);
	}
}

static void test_caps(void **state)
{
	(void)state;
	static char text[3000];
	memset(text, 'x', 2000);
	sf_strlcpy(text + 2000, ",y\nz\n", sizeof text - 2000);
	FILE *f = fmemopen(text, strlen(text), "rb");
	sf__csv c;
	assert_int_equal(sf__csv_init(&c, f), 0);
	c.max_field = 100;
	assert_int_equal(sf__csv_next(&c), 1);
	assert_string_equal(c.error, "field longer than the limit");
	assert_int_equal(c.nfields, 2);
	assert_int_equal(sf__csv_field_len(&c, 0), 100);
	assert_int_equal(sf__csv_next(&c), 1);
	assert_string_equal(c.error, "");
	assert_string_equal(sf__csv_field(&c, 0), "z");
	assert_int_equal(c.rec_line, 2);
	sf__csv_release(&c);
	fclose(f);

	/* Too many fields. */
	f = fmemopen((void *)"a,b,c,d,e\nf\n", 12, "rb");
	assert_int_equal(sf__csv_init(&c, f), 0);
	c.max_fields = 3;
	assert_int_equal(sf__csv_next(&c), 1);
	assert_string_equal(c.error, "too many fields");
	assert_int_equal(sf__csv_next(&c), 1);
	assert_string_equal(sf__csv_field(&c, 0), "f");
	sf__csv_release(&c);
	fclose(f);
}

/* Records spanning the 64 KiB read buffer, and many of them. */
static void test_buffer_boundaries(void **state)
{
	(void)state;
	sf_buf in;
	sf_buf_init(&in, 0);
	for (int i = 0; i < 20000; i++)
		sf_buf_addf(&in, "%d,\"note %d, with \"\"q\"\"\nand a newline\",%s\r\n", i, i,
		            i % 7 == 0 ? "" : "z");
	FILE *f = fmemopen(in.data, in.len, "rb");
	sf__csv c;
	assert_int_equal(sf__csv_init(&c, f), 0);
	int n = 0;
	char want[64];
	while (sf__csv_next(&c) == 1) {
		assert_string_equal(c.error, "");
		assert_int_equal(c.nfields, 3);
		sf_snprintf(want, sizeof want, "%d", n);
		assert_string_equal(sf__csv_field(&c, 0), want);
		sf_snprintf(want, sizeof want, "note %d, with \"q\"\nand a newline", n);
		assert_string_equal(sf__csv_field(&c, 1), want);
		assert_int_equal(c.rec_line, 1 + 2 * n);
		n++;
	}
	assert_int_equal(n, 20000);
	assert_int_equal(c.bytes, in.len);
	sf__csv_release(&c);
	fclose(f);
	sf_buf_release(&in);
}

static void test_quote_out(void **state)
{
	(void)state;
	sf_buf b;
	sf_buf_init(&b, 0);
	sf__csv_quote(&b, "plain");
	sf_buf_addc(&b, '|');
	sf__csv_quote(&b, "a,b");
	sf_buf_addc(&b, '|');
	sf__csv_quote(&b, "say \"x\"\nnext");
	sf_buf_addc(&b, '|');
	sf__csv_quote(&b, "");
	assert_string_equal(sf_buf_str(&b), "plain|\"a,b\"|\"say \"\"x\"\"\nnext\"|");
	sf_buf_release(&b);
}

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
	        cmocka_unit_test(test_basic),      cmocka_unit_test(test_bom_crlf),
	        cmocka_unit_test(test_quotes),     cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_caps),       cmocka_unit_test(test_buffer_boundaries),
	        cmocka_unit_test(test_quote_out),  cmocka_unit_test(test_dates),
	        cmocka_unit_test(test_timestamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
