/*
 * test_csv.c - the streaming CSV reader (src/lib/base/csv.c): byte-order
 * mark, quoted commas/quotes/newlines, CRLF, record line numbers, malformed
 * records that are consumed to their end, field caps, reading across the
 * 64 KiB buffer boundary. The dates are test_dates.c.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_basic),     cmocka_unit_test(test_bom_crlf),
	        cmocka_unit_test(test_quotes),    cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_caps),      cmocka_unit_test(test_buffer_boundaries),
	        cmocka_unit_test(test_quote_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
