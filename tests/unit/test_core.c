/*
 * test_core.c - the core helpers: capped buffer, bounded string helpers,
 * number parsing, errors and diagnostics, tables, the edit distance, the
 * arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "base/internal.h"

static void test_buf_cap(void **state)
{
	(void)state;
	sf_buf b;
	sf_buf_init(&b, 8);
	assert_int_equal(sf_buf_adds(&b, "abcd"), SF_OK);
	assert_int_equal(sf_buf_addf(&b, "%d", 123), SF_OK);
	assert_string_equal(sf_buf_str(&b), "abcd123");
	/* 2 more bytes would pass the cap of 8: refused, contents unchanged. */
	assert_int_equal(sf_buf_adds(&b, "xy"), SF_ERR_NOMEM);
	assert_string_equal(sf_buf_str(&b), "abcd123");
	assert_int_equal(sf_buf_addc(&b, 'z'), SF_OK);
	assert_int_equal(b.len, 8);
	sf_buf_release(&b);

	sf_buf_init(&b, 0);
	assert_string_equal(sf_buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(sf_buf_addf(&b, "%04d,", i), SF_OK);
	assert_int_equal(b.len, 5000);
	assert_memory_equal(b.data + 4995, "0999,", 5);
	char *s = sf_buf_detach(&b);
	assert_non_null(s);
	assert_int_equal(strlen(s), 5000);
	free(s);
	assert_int_equal(b.len, 0);
	sf_buf_release(&b);
}

/* Every output's money: whole, grouped by thousands, never "-0". */
static void test_money(void **state)
{
	(void)state;
	char b[48], small[6];
	assert_string_equal(sf_money_str(2100000, b, sizeof b), "2,100,000");
	assert_string_equal(sf_money_str(1428, b, sizeof b), "1,428");
	assert_string_equal(sf_money_str(999.5, b, sizeof b), "1,000");
	assert_string_equal(sf_money_str(100, b, sizeof b), "100");
	assert_string_equal(sf_money_str(0, b, sizeof b), "0");
	assert_string_equal(sf_money_str(-0.4, b, sizeof b), "0");
	assert_string_equal(sf_money_str(-1234567.6, b, sizeof b), "-1,234,568");
	assert_string_equal(sf_money_str(999999999999999999.0, b, sizeof b), "1e+18");
	assert_string_equal(sf_money_str(NAN, b, sizeof b), "-");
	assert_string_equal(sf_money_str(-INFINITY, b, sizeof b), "-");
	assert_string_equal(sf_money_str(1234567, small, sizeof small), "1,234"); /* cut, ended */
}

static void test_strings(void **state)
{
	(void)state;
	char small[4];
	assert_int_equal(sf_strlcpy(small, "abcdef", sizeof small), 6);
	assert_string_equal(small, "abc");
	assert_int_equal(sf_snprintf(small, sizeof small, "%d", 12345), 5);
	assert_string_equal(small, "123");
	long l;
	double d;
	assert_int_equal(sf_parse_long("42", &l), 0);
	assert_int_equal(l, 42);
	assert_int_equal(sf_parse_long("42x", &l), -1);
	assert_int_equal(sf_parse_long("", &l), -1);
	assert_int_equal(sf_parse_long("99999999999999999999999", &l), -1);
	assert_int_equal(sf_parse_double("0.25", &d), 0);
	assert_true(d == 0.25);
	assert_int_equal(sf_parse_double("nan", &d), -1);
	assert_int_equal(sf_parse_double("1e999", &d), -1);
	assert_int_equal(sf_parse_double("1.5 ", &d), -1);
}

static void test_errors(void **state)
{
	(void)state;
	sf_error err;
	sf_error_clear(&err);
	assert_int_equal(sf_error_set_at(&err, SF_ERR_SCENARIO, "s.yaml", 3, 7,
	                                 "contributors[0].pledges[1].unit",
	                                 "unknown unit type '%s'", "inf"),
	                 SF_ERR_SCENARIO);
	/* The first error wins. */
	sf_error_set(&err, SF_ERR_IO, "later");
	char buf[512];
	assert_string_equal(sf_error_format(&err, buf, sizeof buf),
	                    "s.yaml:3:7: contributors[0].pledges[1].unit: unknown unit type 'inf'");
	assert_int_equal(sf_status_exit_code(SF_ERR_SCENARIO), 2);
	assert_int_equal(sf_status_exit_code(SF_ERR_SOLVER), 3);
	assert_int_equal(sf_status_exit_code(SF_ERR_CHECK), 1);
	assert_int_equal(sf_status_exit_code(SF_OK), 0);
	assert_int_equal(sf_status_exit_code(SF_ERR_CONFLICT), 5);
	assert_int_equal(sf_status_exit_code(SF_ERR_UNAVAILABLE), 4);
	assert_string_equal(sf_status_str(SF_ERR_CONFLICT), "version conflict");
	assert_string_equal(sf_status_str(SF_ERR_INFEASIBLE), "no feasible plan");
	assert_string_equal(sf_status_str((sf_status)999), "unknown status");
	sf_error_set(NULL, SF_ERR_IO, "no crash");

	sf_diags d;
	sf_diags_init(&d);
	d.limit = 2;
	sf_diags_add(&d, SF_DIAG_ERROR, "a.yaml", 1, 2, "x", "first");
	sf_diags_add(&d, SF_DIAG_WARNING, "a.yaml", 0, 0, NULL, "second");
	sf_diags_add(&d, SF_DIAG_ERROR, "a.yaml", 5, 1, NULL, "past the limit");
	assert_int_equal(d.count, 2);
	assert_int_equal(d.nerrors, 2);
	assert_int_equal(d.nwarnings, 1);
	assert_string_equal(sf_diag_format(&d.items[0], buf, sizeof buf),
	                    "a.yaml:1:2: error: x: first");
	assert_string_equal(sf_diag_format(&d.items[1], buf, sizeof buf),
	                    "a.yaml: warning: second");
	sf_diags_release(&d);
}

static void test_table(void **state)
{
	static const sf_column_spec cols[] = {{"contributor", SF_ALIGN_LEFT},
	                                      {"personnel", SF_ALIGN_RIGHT}};
	(void)state;
	sf_table *t = sf_table_new();
	assert_non_null(t);
	/* the header from an array: each column in order, with its alignment */
	assert_int_equal(sf_table_add_columns(t, cols, SF_ARRAY_LEN(cols)), SF_OK);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "Türkiye");
	sf_table_add_cellf(t, "%d", 850);
	sf_table_begin_row(t);
	sf_table_add_cell(t, "A, \"B\"");
	sf_table_add_cell(t, "12000");
	sf_buf b;
	sf_buf_init(&b, 0);
	assert_int_equal(sf_table_write_text(t, &b), SF_OK);
	assert_string_equal(sf_buf_str(&b), "contributor  personnel\n"
	                                    "-----------  ---------\n"
	                                    "Türkiye            850\n"
	                                    "A, \"B\"           12000\n");
	sf_buf_reset(&b);
	assert_int_equal(sf_table_write_csv(t, &b), SF_OK);
	assert_string_equal(sf_buf_str(&b), "contributor,personnel\n"
	                                    "Türkiye,850\n"
	                                    "\"A, \"\"B\"\"\",12000\n");
	sf_buf_reset(&b);
	assert_int_equal(sf_table_write_markdown(t, &b), SF_OK);
	assert_string_equal(sf_buf_str(&b), "| contributor | personnel |\n"
	                                    "| --- | ---: |\n"
	                                    "| Türkiye | 850 |\n"
	                                    "| A, \"B\" | 12000 |\n");
	/* errors are sticky: a cell past the last column fails every write after it */
	assert_int_equal(sf_table_add_cell(t, "too many"), SF_ERR_USAGE);
	assert_int_equal(sf_table_begin_row(t), SF_ERR_USAGE);
	sf_buf_reset(&b);
	assert_int_equal(sf_table_write_text(t, &b), SF_ERR_USAGE);
	assert_int_equal(sf_table_write(t, SF_FORMAT_CSV, &b), SF_ERR_USAGE);
	assert_int_equal(b.len, 0);
	sf_buf_release(&b);
	sf_table_free(t);
	/* a table that could not be made: every call takes it, the write reports it */
	assert_int_equal(sf_table_add_column(NULL, "x", SF_ALIGN_LEFT), SF_ERR_NOMEM);
	assert_int_equal(sf_table_add_columns(NULL, cols, SF_ARRAY_LEN(cols)), SF_ERR_NOMEM);
	assert_int_equal(sf_table_add_columns(NULL, cols, 0), SF_ERR_NOMEM);
	assert_int_equal(sf_table_add_cellf(NULL, "%d", 1), SF_ERR_NOMEM);
	sf_buf_init(&b, 0);
	assert_int_equal(sf_table_write(NULL, SF_FORMAT_MD, &b), SF_ERR_NOMEM);
	sf_buf_release(&b);
	sf_table_free(NULL);
}

static void test_closest(void **state)
{
	(void)state;
	const char *keys[] = {"personnel", "monthly_cost", "deploy_cost", "capabilities"};
	assert_string_equal(sf__closest("personel", keys, 4), "personnel");
	assert_string_equal(sf__closest("capabilties", keys, 4), "capabilities");
	assert_null(sf__closest("zzz", keys, 4));
	assert_int_equal(sf__edit_distance("kitten", "sitting", 10), 3);
	assert_int_equal(sf__edit_distance("a", "abcdefgh", 2), 3);
}

static void test_arena(void **state)
{
	(void)state;
	sf_arena *a = sf__arena_new();
	assert_non_null(a);
	char *s = sf__arena_strdup(a, "rafah");
	assert_string_equal(s, "rafah");
	double *big = sf__arena_calloc(a, 100000, sizeof(double));
	assert_non_null(big);
	assert_true(big[99999] == 0.0);
	for (int i = 0; i < 10000; i++) {
		int *p = sf__arena_alloc(a, sizeof(int) * 3);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		p[2] = i;
	}
	assert_null(sf__arena_calloc(a, SIZE_MAX / 2, 4));
	assert_string_equal(s, "rafah");
	sf__arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_buf_cap), cmocka_unit_test(test_strings),
	        cmocka_unit_test(test_money),   cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_table),   cmocka_unit_test(test_closest),
	        cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
