/*
 * store_reports.c - latency of the register's report and list queries on
 * one store, the work behind the server's report endpoints
 * (bench/pg_reports.sh runs it on SQLite and PostgreSQL holding the same
 * data).
 *
 *   store_reports STORE [RUNS]
 *
 * STORE is any --db location. Each query runs RUNS times (default 100)
 * after one warm-up run, on one open store, as a server's pooled handle
 * would; prints one markdown row per query: p50, p99 and max in ms, and
 * the rows it gave. The dates suit gen_acled's range (2024-01-01 for 700
 * days): the ceasefire split at 2025-01-01, "recent" from 2025-06-01.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stabforce/stabforce.h"

typedef struct query {
	const char *name;
	int kind; /* 0 report, 1 trend, 2 split, 3 list */
	sf_period period;
	sf_dim dim;
	const char *from; /* filter from, or NULL */
	const char *sector;
} query;

static const query queries[] = {
        {"weekly, by sector (all time)", 0, SF_PERIOD_WEEK, SF_DIM_SECTOR, NULL, NULL},
        {"daily, total, since 2025-06-01", 0, SF_PERIOD_DAY, SF_DIM_NONE, "2025-06-01", NULL},
        {"by actor, total (all time)", 0, SF_PERIOD_TOTAL, SF_DIM_ACTOR, NULL, NULL},
        {"by sub-event type, weekly, one sector", 0, SF_PERIOD_WEEK, SF_DIM_SUB_EVENT_TYPE, NULL,
         "rafah"},
        {"trend by sector (this week vs 4)", 1, SF_PERIOD_TOTAL, SF_DIM_SECTOR, NULL, NULL},
        {"before/after 2025-01-01 by type", 2, SF_PERIOD_TOTAL, SF_DIM_EVENT_TYPE, NULL, NULL},
        {"list: first 100, one sector, since 2025-06-01", 3, 0, 0, "2025-06-01", "rafah"},
        {"list: first 100 (all)", 3, 0, 0, NULL, NULL},
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int count_cb(void *ctx, const sf_incident *inc)
{
	(void)inc;
	(*(long *)ctx)++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One run of q; *rows what it gave. */
static sf_status run_one(sf_store *st, const query *q, long *rows, sf_error *err)
{
	sf_incident_filter f;
	sf_report_options o;
	sf_report r;
	sf_status rc;
	sf_incident_filter_init(&f);
	sf_report_options_init(&o);
	if (q->from && sf_date_parse(q->from, &f.from_day) != 0)
		return sf_error_set(err, SF_ERR_USAGE, "bad date %s", q->from);
	f.sector = q->sector;
	o.period = q->period;
	o.dim = q->dim;
	*rows = 0;
	if (q->kind == 3) {
		f.limit = 100;
		return sf_store_incident_query(st, &f, SF_ORDER_DATE, count_cb, rows, err);
	}
	memset(&r, 0, sizeof r);
	if (q->kind == 0) {
		rc = sf_incidents_report(st, &f, &o, &r, err);
	} else if (q->kind == 1) {
		rc = sf_incidents_trend(st, &f, &o, &r, err);
	} else {
		sf_date_parse("2025-01-01", &o.split_day);
		rc = sf_incidents_split(st, &f, &o, &r, err);
	}
	*rows = (long)r.nrows;
	sf_report_release(&r);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: store_reports STORE [RUNS]\n");
		return 2;
	}
	long runs = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
	if (runs < 1)
		runs = 1;
	sf_store *st = NULL;
	sf_error err;
	sf_error_clear(&err);
	if (sf_store_open(argv[1], &st, &err) != SF_OK) {
		fprintf(stderr, "store_reports: %s\n", err.message);
		return 1;
	}
	double *t = calloc((size_t)runs, sizeof *t);
	if (!t) {
		sf_store_close(st);
		return 1;
	}
	int rc = 0;
	for (size_t k = 0; k < sizeof queries / sizeof queries[0] && rc == 0; k++) {
		long rows = 0;
		if (run_one(st, &queries[k], &rows, &err) != SF_OK) { /* warm-up */
			fprintf(stderr, "store_reports: %s: %s\n", queries[k].name, err.message);
			rc = 1;
			break;
		}
		for (long i = 0; i < runs; i++) {
			double t0 = now_ms();
			if (run_one(st, &queries[k], &rows, &err) != SF_OK) {
				fprintf(stderr, "store_reports: %s: %s\n", queries[k].name,
				        err.message);
				rc = 1;
				break;
			}
			t[i] = now_ms() - t0;
		}
		qsort(t, (size_t)runs, sizeof *t, cmp_double);
		long p99 = (long)(0.99 * (double)(runs - 1) + 0.5);
		printf("| %s | %.1f | %.1f | %.1f | %ld |\n", queries[k].name, t[runs / 2], t[p99],
		       t[runs - 1], rows);
	}
	free(t);
	sf_store_close(st);
	return rc;
}
