/*
 * test_file.c - whole-file reads with a cap, and atomic writes (file.h):
 * a symbolic link is replaced, never written through; a full disk (here
 * RLIMIT_FSIZE) or a failed output leaves every destination as it was and
 * no temporary file; several outputs are committed all or none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/internal.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	sf_strlcpy(dir, "/tmp/sf-test-file-XXXXXX", sizeof(dir));
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	sf_snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *in_dir(const char *name, char *buf, size_t n)
{
	sf_snprintf(buf, n, "%s/%s", dir, name);
	return buf;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static char *get(const char *path)
{
	char *data;
	size_t len;
	sf_error err;
	sf_error_clear(&err);
	if (sf_file_read(path, 1 << 20, "a test file", &data, &len, &err) != SF_OK)
		return NULL;
	return data;
}

/* Files in dir whose name contains ".tmp." (a temporary left behind). */
static int temporaries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

static void test_read_cap(void **state)
{
	(void)state;
	char p[300], *data;
	size_t len;
	sf_error err;

	put(in_dir("small", p, sizeof(p)), "abc");
	sf_error_clear(&err);
	assert_int_equal(sf_file_read(p, 3, "a test file", &data, &len, &err), SF_OK);
	assert_int_equal(len, 3);
	assert_string_equal(data, "abc");
	free(data);
	/* one byte over the cap: refused, the message names the file and the cap */
	assert_int_equal(sf_file_read(p, 2, "a test file", &data, &len, &err), SF_ERR_INPUT);
	assert_null(data);
	assert_string_equal(err.file, p);
	assert_non_null(strstr(err.message, "too large: more than 2 bytes"));
	assert_non_null(strstr(err.message, "a test file"));
	/* an endless device stops at the cap */
	sf_error_clear(&err);
	assert_int_equal(
	        sf_file_read("/dev/zero", (size_t)1 << 20, "a sector map", &data, &len, &err),
	        SF_ERR_INPUT);
	assert_non_null(strstr(err.message, "'/dev/zero' is too large: more than 1 MiB"));
	/* missing file, directory: named */
	sf_error_clear(&err);
	assert_int_equal(sf_file_read(in_dir("none", p, sizeof(p)), 10, "x", &data, &len, &err),
	                 SF_ERR_IO);
	assert_non_null(strstr(err.message, "cannot read"));
	assert_non_null(strstr(err.message, p));
	sf_error_clear(&err);
	assert_int_equal(sf_file_read(dir, 10, "x", &data, &len, &err), SF_ERR_IO);
	assert_non_null(strstr(err.message, "is a directory"));
	/* an empty file is an empty, NUL-terminated buffer */
	put(in_dir("empty", p, sizeof(p)), "");
	assert_int_equal(sf_file_read(p, 10, "x", &data, &len, &err), SF_OK);
	assert_int_equal(len, 0);
	assert_string_equal(data, "");
	free(data);
}

static void test_write_replaces_symlink(void **state)
{
	(void)state;
	char target[300], link[300], *s;
	sf_error err;
	struct stat st;

	put(in_dir("target", target, sizeof(target)), "precious");
	in_dir("link", link, sizeof(link));
	assert_int_equal(symlink(target, link), 0);
	sf_error_clear(&err);
	assert_int_equal(sf_file_write_atomic(link, "new", 3, &err), SF_OK);
	s = get(target);
	assert_string_equal(s, "precious"); /* the target is untouched */
	free(s);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode)); /* the link became the new file */
	s = get(link);
	assert_string_equal(s, "new");
	free(s);
	/* a dangling link too */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(in_dir("nowhere", target, sizeof(target)), link), 0);
	assert_int_equal(sf_file_write_atomic(link, "x", 1, &err), SF_OK);
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(temporaries(), 0);
}

static void test_write_keeps_mode(void **state)
{
	(void)state;
	char p[300];
	sf_error err;
	struct stat st;

	put(in_dir("moded", p, sizeof(p)), "old");
	assert_int_equal(chmod(p, 0640), 0);
	sf_error_clear(&err);
	assert_int_equal(sf_file_write_atomic(p, "new", 3, &err), SF_OK);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
}

/* A write that fails (file size limit, as a full disk): nothing changes. */
static void test_write_full_disk(void **state)
{
	(void)state;
	char p[300], q[300], *s, big[65536];
	sf_error err;
	struct rlimit old, lim;
	sf_outfile *v[2];
	void (*oldh)(int);

	put(in_dir("kept", p, sizeof(p)), "old contents");
	put(in_dir("kept2", q, sizeof(q)), "old two");
	memset(big, 'x', sizeof(big));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	oldh = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);

	sf_error_clear(&err);
	assert_int_equal(sf_file_write_atomic(p, big, sizeof(big), &err), SF_ERR_IO);
	assert_non_null(strstr(err.message, p));
	/* two outputs, the second too big: neither is replaced */
	sf_error_clear(&err);
	assert_int_equal(sf_outfile_open(p, &v[0], &err), SF_OK);
	assert_int_equal(sf_outfile_open(q, &v[1], &err), SF_OK);
	assert_int_equal(sf_outfile_write(v[0], "small", 5, &err), SF_OK);
	(void)sf_outfile_write(v[1], big, sizeof(big), &err);
	sf_error_clear(&err);
	assert_int_equal(sf_outfile_commit_all(v, 2, &err), SF_ERR_IO);
	assert_non_null(strstr(err.message, q));

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldh);
	s = get(p);
	assert_string_equal(s, "old contents");
	free(s);
	s = get(q);
	assert_string_equal(s, "old two");
	free(s);
	assert_int_equal(temporaries(), 0);

	/* and both together when all is well */
	sf_error_clear(&err);
	assert_int_equal(sf_outfile_open(p, &v[0], &err), SF_OK);
	assert_int_equal(sf_outfile_open(q, &v[1], &err), SF_OK);
	fputs("one", sf_outfile_stream(v[0]));
	fputs("two", sf_outfile_stream(v[1]));
	assert_int_equal(sf_outfile_commit_all(v, 2, &err), SF_OK);
	s = get(p);
	assert_string_equal(s, "one");
	free(s);
	s = get(q);
	assert_string_equal(s, "two");
	free(s);
}

static void test_write_devices_and_errors(void **state)
{
	(void)state;
	char p[300];
	sf_error err;
	sf_outfile *o;
	struct stat st;

	/* a device is written directly, not replaced, and its failure is
	 * reported; on the test's own nodes (a broken writer must not replace
	 * the machine's /dev/null), where they can be made */
	char nul[300], full[300];
	in_dir("null", nul, sizeof(nul));
	in_dir("full", full, sizeof(full));
	if (mknod(nul, S_IFCHR | 0666, makedev(1, 3)) == 0 &&
	    mknod(full, S_IFCHR | 0666, makedev(1, 7)) == 0) {
		sf_error_clear(&err);
		assert_int_equal(sf_file_write_atomic(nul, "x", 1, &err), SF_OK);
		assert_int_equal(stat(nul, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(sf_file_write_atomic(full, "x", 1, &err), SF_ERR_IO);
		assert_non_null(strstr(err.message, full));
		assert_int_equal(stat(full, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
	}
	/* a directory that does not exist, a directory as the destination */
	sf_error_clear(&err);
	assert_int_equal(sf_outfile_open(in_dir("no/such", p, sizeof(p)), &o, &err), SF_ERR_IO);
	assert_non_null(strstr(err.message, p));
	sf_error_clear(&err);
	assert_int_equal(sf_outfile_open(dir, &o, &err), SF_ERR_IO);
	assert_non_null(strstr(err.message, "is a directory"));
	/* an abort leaves nothing */
	assert_int_equal(sf_outfile_open(in_dir("aborted", p, sizeof(p)), &o, &err), SF_OK);
	fputs("half", sf_outfile_stream(o));
	sf_outfile_abort(o);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(temporaries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_read_cap),
	        cmocka_unit_test(test_write_replaces_symlink),
	        cmocka_unit_test(test_write_keeps_mode),
	        cmocka_unit_test(test_write_full_disk),
	        cmocka_unit_test(test_write_devices_and_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
