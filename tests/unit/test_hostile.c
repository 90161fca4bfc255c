/*
 * test_hostile.c - hostile inputs to the readers, through the library:
 * every error at its real file, line and column (invalid UTF-8 and NUL
 * bytes deep in a scenario, empty or broken JSON at its end), the YAML
 * node cap reporting the errors before it, and the size caps naming the
 * right file. The scenario is examples/minimal ($SRCDIR), edited in
 * memory and written to a temporary directory with its map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/internal.h"

static char dir[256];
static char *minimal; /* examples/minimal/scenario.yaml */
static size_t minimal_len;
static char *geojson; /* examples/minimal/sectors.geojson */
static size_t geojson_len;

static char *slurp(const char *path, size_t *len)
{
	char *data;
	sf_error err;
	sf_error_clear(&err);
	if (sf_file_read(path, (size_t)64 << 20, "a test input", &data, len, &err) != SF_OK)
		return NULL;
	return data;
}

static const char *put(const char *name, const char *data, size_t len)
{
	static char path[512];
	FILE *f;
	sf_snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int setup(void **state)
{
	char p[512];
	const char *src = getenv("SRCDIR");
	(void)state;
	if (!src)
		src = ".";
	sf_strlcpy(dir, "/tmp/sf-test-hostile-XXXXXX", sizeof(dir));
	if (!mkdtemp(dir))
		return -1;
	sf_snprintf(p, sizeof(p), "%s/examples/minimal/scenario.yaml", src);
	minimal = slurp(p, &minimal_len);
	sf_snprintf(p, sizeof(p), "%s/examples/minimal/sectors.geojson", src);
	geojson = slurp(p, &geojson_len);
	if (!minimal || !geojson)
		return -1;
	put("sectors.geojson", geojson, geojson_len);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	free(minimal);
	free(geojson);
	sf_snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The minimal scenario with `from` replaced by `to` (once), as a file. */
static const char *edited(const char *name, const char *from, const char *to, size_t tolen)
{
	const char *at = strstr(minimal, from);
	sf_buf b;
	const char *path;
	assert_non_null(at);
	sf_buf_init(&b, 0);
	sf_buf_add(&b, minimal, (size_t)(at - minimal));
	sf_buf_add(&b, to, tolen);
	sf_buf_adds(&b, at + strlen(from));
	path = put(name, b.data, b.len);
	sf_buf_release(&b);
	return path;
}

/* The line (1-based) of the first occurrence of s in the minimal scenario. */
static int line_of(const char *s)
{
	const char *at = strstr(minimal, s), *p;
	int line = 1;
	assert_non_null(at);
	for (p = minimal; p < at; p++)
		line += *p == '\n';
	return line;
}

/* The one error of the load, which must be at file:line:column and say what. */
static void expect_error(const char *path, const char *file, int line, int column, const char *what)
{
	sf_scenario *sc = NULL;
	sf_diags d;
	size_t i;
	int found = 0;

	sf_diags_init(&d);
	assert_int_equal(sf_scenario_load(path, NULL, &sc, &d), SF_ERR_SCENARIO);
	assert_null(sc);
	for (i = 0; i < d.count; i++) {
		const sf_diag *dg = &d.items[i];
		if (dg->level == SF_DIAG_ERROR && strstr(dg->file, file) && dg->line == line &&
		    dg->column == column && strstr(dg->message, what))
			found = 1;
	}
	if (!found) {
		for (i = 0; i < d.count; i++)
			print_message("got %s:%d:%d: %s\n", d.items[i].file, d.items[i].line,
			              d.items[i].column, d.items[i].message);
		fail_msg("no error at %s:%d:%d saying '%s'", file, line, column, what);
	}
	sf_diags_release(&d);
}

static void test_encoding_positions(void **state)
{
	(void)state;
	int line = line_of("Alfaland");
	/* "    name: Alfa" is 14 characters: the bad byte is column 15 */
	expect_error(edited("utf8.yaml", "Alfaland", "Alfa\xffland", 9), "utf8.yaml", line, 15,
	             "invalid UTF-8");
	expect_error(edited("nul.yaml", "Alfaland", "Alfa\0land", 9), "nul.yaml", line, 15,
	             "NUL byte");
	expect_error(edited("ctl.yaml", "Alfaland", "Alfa\x01land", 9), "ctl.yaml", line, 15,
	             "control character 0x01");
	/* a multi-byte character before the bad byte is one column */
	expect_error(edited("utf8b.yaml", "Alfaland", "Alf\xc3\xa4\xfeland", 10), "utf8b.yaml",
	             line, 15, "invalid UTF-8");
	/* CR LF line ends count once */
	{
		sf_buf b;
		size_t i;
		sf_buf_init(&b, 0);
		for (i = 0; i < minimal_len; i++) {
			if (minimal[i] == '\n')
				sf_buf_addc(&b, '\r');
			sf_buf_addc(&b, minimal[i]);
		}
		const char *at = strstr(b.data, "Alfaland");
		b.data[at - b.data + 4] = '\x80';
		expect_error(put("crlf.yaml", b.data, b.len), "crlf.yaml", line, 15,
		             "invalid UTF-8");
		sf_buf_release(&b);
	}
}

/* Past the node cap, the errors before it are still reported; none after. */
static void test_node_cap_keeps_errors(void **state)
{
	(void)state;
	sf_buf b, list;
	sf_scenario *sc = NULL;
	sf_diags d;
	size_t i;
	int months = 0, cap = 0;
	int mline = line_of("months: 6");

	sf_buf_init(&list, 0);
	sf_buf_adds(&list, "months: x\n");
	sf_buf_init(&b, 0);
	sf_buf_adds(&b, "stakeholders_extra: [");
	for (i = 0; i < 1100000; i++)
		sf_buf_adds(&b, "1,");
	sf_buf_adds(&b, "1]\nstakeholders:");
	/* months: x on its line, a million-node list, then a bad value after it */
	{
		const char *at = strstr(minimal, "months: 6");
		const char *st = strstr(minimal, "stakeholders:");
		sf_buf all;
		sf_buf_init(&all, 0);
		sf_buf_add(&all, minimal, (size_t)(at - minimal));
		sf_buf_adds(&all, "months: x");
		sf_buf_add(&all, at + 9, (size_t)(st - at - 9));
		sf_buf_add(&all, b.data, b.len);
		sf_buf_adds(&all, strstr(st, "stakeholders:") + 13);
		/* an error after the cut that must not be reported */
		char *k = strstr(all.data + all.len / 2, "kind: hard");
		assert_non_null(k);
		memcpy(k, "kind: hxrd", 10);
		put("many.yaml", all.data, all.len);
		sf_buf_release(&all);
	}
	sf_diags_init(&d);
	char path[512];
	sf_snprintf(path, sizeof(path), "%s/many.yaml", dir);
	assert_int_equal(sf_scenario_load(path, NULL, &sc, &d), SF_ERR_SCENARIO);
	for (i = 0; i < d.count; i++) {
		const sf_diag *dg = &d.items[i];
		if (dg->line == mline && strstr(dg->message, "expected an integer"))
			months = 1;
		else if (strstr(dg->message, "too many YAML nodes"))
			cap = 1;
		else if (!strstr(dg->message, "unknown key 'stakeholders_extra'"))
			fail_msg("unexpected diagnostic %d:%d: %s", dg->line, dg->column,
			         dg->message);
	}
	assert_true(months);
	assert_true(cap);
	sf_diags_release(&d);
	sf_buf_release(&b);
	sf_buf_release(&list);
}

/* JSON errors with a column; empty maps and plans said to be empty. */
static void test_json_positions(void **state)
{
	(void)state;
	sf_scenario *sc = NULL;
	sf_check_report r;
	sf_error err;
	char path[512];

	put("empty.geojson", "", 0);
	expect_error(edited("s-empty.yaml", "sectors.geojson", "empty.geojson", 13),
	             "empty.geojson", 1, 1, "the sector map is empty");
	put("blank.geojson", "\n  \n", 4);
	expect_error(edited("s-blank.yaml", "sectors.geojson", "blank.geojson", 13),
	             "blank.geojson", 1, 1, "the sector map is empty");
	/* cut off after a newline: Jansson says column 0; we say where */
	put("cut.geojson", geojson, 40);
	{
		int line = 1;
		for (int i = 0; i < 40; i++)
			line += geojson[i] == '\n';
		sf_scenario *s2 = NULL;
		sf_diags d;
		sf_diags_init(&d);
		assert_int_equal(
		        sf_scenario_load(edited("s-cut.yaml", "sectors.geojson", "cut.geojson", 11),
		                         NULL, &s2, &d),
		        SF_ERR_SCENARIO);
		assert_true(d.count >= 1);
		assert_true(strstr(d.items[0].file, "cut.geojson") != NULL);
		assert_true(d.items[0].line >= 1 && d.items[0].column >= 1);
		sf_diags_release(&d);
	}
	/* the map too large, at the scenario's key, naming the map */
	expect_error(edited("s-zero.yaml", "sectors.geojson", "/dev/zero", 9), "s-zero.yaml",
	             line_of("geojson:"), 12, "'/dev/zero' is too large");

	/* plan JSON */
	sf_snprintf(path, sizeof(path), "%s/scenario.yaml", dir);
	put("scenario.yaml", minimal, minimal_len);
	assert_int_equal(sf_scenario_load(path, NULL, &sc, NULL), SF_OK);
	sf_check_report_init(&r);
	sf_error_clear(&err);
	assert_int_equal(sf_check_plan(sc, "", 0, "p.json", &r, &err), SF_ERR_INPUT);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 1);
	assert_non_null(strstr(err.message, "empty"));
	sf_error_clear(&err);
	assert_int_equal(sf_check_plan(sc, "{\"stage1\": {},\n \"assignments\": [\n", 34, "p.json",
	                               &r, &err),
	                 SF_ERR_INPUT);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 1);
	sf_error_clear(&err);
	assert_int_equal(sf_check_plan(sc, "[1, 2]", 6, "p.json", &r, &err), SF_ERR_INPUT);
	assert_true(err.line == 1 && err.column == 1);
	sf_check_report_release(&r);
	sf_scenario_free(sc);
}

/* A scenario over its cap is refused from its size, naming it. */
static void test_size_caps(void **state)
{
	(void)state;
	char path[512];
	FILE *f;
	sf_scenario *sc = NULL;
	sf_diags d;

	sf_snprintf(path, sizeof(path), "%s/huge.yaml", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)SF_MAX_SCENARIO_BYTES + 1), 0);
	fclose(f);
	sf_diags_init(&d);
	assert_int_equal(sf_scenario_load(path, NULL, &sc, &d), SF_ERR_SCENARIO);
	assert_int_equal(d.count, 1);
	assert_string_equal(d.items[0].file, path);
	assert_non_null(strstr(d.items[0].message, "too large: more than 64 MiB"));
	assert_non_null(strstr(d.items[0].message, "a scenario"));
	sf_diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_encoding_positions),
	        cmocka_unit_test(test_node_cap_keeps_errors),
	        cmocka_unit_test(test_json_positions),
	        cmocka_unit_test(test_size_caps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
