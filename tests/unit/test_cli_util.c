/*
 * test_cli_util.c - the command's shared helpers (src/cli/cli_util.c):
 * --format parsing, reading files, and the atomic output write (the
 * target is replaced whole, no temporary file is left behind, a failure
 * leaves the old file as it was).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sf-test-cli-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_parse_format(void **state)
{
	(void)state;
	assert_int_equal(sf_cli_parse_format("x", "text", 0), SF_FORMAT_TEXT);
	assert_int_equal(sf_cli_parse_format("x", "json", 0), SF_FORMAT_JSON);
	assert_int_equal(sf_cli_parse_format("x", "csv", 0), SF_FORMAT_CSV);
	assert_int_equal(sf_cli_parse_format("x", "md", 0), SF_FORMAT_MD);
	assert_int_equal(sf_cli_parse_format("x", "markdown", 0), SF_FORMAT_MD);
	assert_int_equal(sf_cli_parse_format("x", "geojson", 1), SF_FORMAT_GEOJSON);
	assert_int_equal(sf_cli_parse_format("x", "geojson", 0), -1);
	assert_int_equal(sf_cli_parse_format("x", "xml", 1), -1);
}

static void test_write_and_read(void **state)
{
	char path[512];
	sf_buf b;
	size_t len = 0;
	char *text;
	struct stat st;
	(void)state;

	snprintf(path, sizeof(path), "%s/out.txt", dir);
	sf_buf_init(&b, 0);
	sf_buf_adds(&b, "first version\n");
	assert_int_equal(sf_cli_write_output("t", path, &b), 0);
	sf_buf_reset(&b);
	sf_buf_adds(&b, "second\n");
	assert_int_equal(sf_cli_write_output("t", path, &b), 0);
	assert_int_equal(sf_cli_read_file("t", path, 1 << 20, "a test", &text, &len), 0);
	assert_non_null(text);
	assert_int_equal(len, 7);
	assert_string_equal(text, "second\n");
	free(text);
	assert_int_equal(count_files(), 1); /* no temporary file left */
	assert_int_equal(stat(path, &st), 0);
	mode_t mask = umask(0);
	umask(mask);
	assert_int_equal(st.st_mode & 0777, 0666 & ~mask); /* not mkstemp's 0600 */

	/* A directory that does not exist: an I/O error, nothing written. */
	snprintf(path, sizeof(path), "%s/missing/out.txt", dir);
	assert_int_equal(sf_cli_write_output("t", path, &b), 4);
	assert_int_equal(count_files(), 1);
	/* The target is a directory: rename fails, the temporary is removed. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	char inner[600];
	snprintf(inner, sizeof(inner), "%s/x", path);
	FILE *fp = fopen(inner, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(sf_cli_write_output("t", path, &b), 4);
	assert_int_equal(count_files(), 2); /* out.txt and sub */

	assert_int_equal(sf_cli_read_file("t", "/nonexistent/file", 1 << 20, "a test", &text, &len),
	                 4);
	assert_null(text);
	sf_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_format),
	        cmocka_unit_test(test_write_and_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
