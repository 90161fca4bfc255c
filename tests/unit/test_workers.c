/*
 * test_workers.c - the forked worker pool: records come back by job index,
 * a job's own error is carried back, a worker that dies is reported (not
 * hung on), and the results do not depend on the number of workers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/workers.h"

typedef struct ctx {
	long crash_job; /* this job aborts, -1 for none */
	long fail_job;  /* this job returns an error, -1 for none */
	size_t progress_calls;
} ctx;

static sf_status job_square(void *vctx, size_t job, sf_buf *out, sf_error *err)
{
	ctx *c = vctx;
	if ((long)job == c->crash_job)
		abort();
	if ((long)job == c->fail_job)
		return sf_error_set(err, SF_ERR_SOLVER, "job %zu failed on purpose", job);
	if (job == 7) {
		/* a record larger than the socket buffer */
		for (int i = 0; i < 300000; i++)
			if (sf_buf_addc(out, (char)('a' + i % 26)) != SF_OK)
				return SF_ERR_NOMEM;
		return SF_OK;
	}
	return sf_buf_addf(out, "%zu", job * job);
}

static void job_name(void *vctx, size_t job, char *buf, size_t n)
{
	(void)vctx;
	sf_snprintf(buf, n, "square %zu", job);
}

static void progress(void *vctx, size_t done, size_t total)
{
	ctx *c = vctx;
	assert_true(done <= total);
	c->progress_calls++;
}

static void run(int nworkers, size_t njobs, ctx *c, sf__job_result *res, sf_status want,
                sf_error *err)
{
	sf__workers_spec spec = {0};
	spec.njobs = njobs;
	spec.nworkers = nworkers;
	spec.run = job_square;
	spec.name = job_name;
	spec.progress = progress;
	spec.ctx = c;
	spec.progress_ctx = c;
	sf_error_clear(err);
	assert_int_equal(sf__workers_run(&spec, res, err), want);
}

static void check_results(sf__job_result *res, size_t njobs, long fail_job)
{
	for (size_t i = 0; i < njobs; i++) {
		if ((long)i == fail_job) {
			assert_int_equal(res[i].status, SF_ERR_SOLVER);
			assert_non_null(strstr(res[i].message, "failed on purpose"));
			assert_int_equal(res[i].len, 0);
			continue;
		}
		assert_int_equal(res[i].status, SF_OK);
		if (i == 7) {
			assert_int_equal(res[i].len, 300000);
			assert_int_equal(res[i].data[299999], 'a' + 299999 % 26);
			continue;
		}
		char want[32];
		sf_snprintf(want, sizeof want, "%zu", i * i);
		assert_int_equal(res[i].len, strlen(want));
		assert_memory_equal(res[i].data, want, res[i].len);
	}
}

static void test_records_by_index(void **state)
{
	(void)state;
	enum { N = 40 };
	for (int nw = 1; nw <= 3; nw++) {
		sf__job_result res[N];
		sf_error err;
		ctx c = {-1, 5, 0};
		run(nw, N, &c, res, SF_OK, &err);
		check_results(res, N, 5);
		assert_int_equal(c.progress_calls, N);
		sf__job_results_release(res, N);
	}
}

static void test_more_workers_than_jobs(void **state)
{
	(void)state;
	sf__job_result res[2];
	sf_error err;
	ctx c = {-1, -1, 0};
	run(8, 2, &c, res, SF_OK, &err);
	check_results(res, 2, -1);
	sf__job_results_release(res, 2);
	/* no jobs at all */
	run(2, 0, &c, res, SF_OK, &err);
}

static void test_crash_reported(void **state)
{
	(void)state;
	enum { N = 12 };
	for (int nw = 1; nw <= 2; nw++) {
		sf__job_result res[N];
		sf_error err;
		ctx c = {4, -1, 0};
		run(nw, N, &c, res, SF_ERR_WORKER, &err);
		assert_non_null(strstr(err.message, "died running job 4 ('square 4')"));
		assert_non_null(strstr(err.message, "signal 6"));
		for (size_t i = 0; i < N; i++)
			assert_null(res[i].data);
	}
}

static void test_default_count(void **state)
{
	(void)state;
	assert_true(sf__workers_default() >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_records_by_index),
	        cmocka_unit_test(test_more_workers_than_jobs),
	        cmocka_unit_test(test_crash_reported),
	        cmocka_unit_test(test_default_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
