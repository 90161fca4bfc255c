/*
 * risk.c - Monte Carlo over pledge confidence and delay.
 *
 * Sample i draws, for every pledge in file order, two uniform numbers from
 * its own splitmix64 stream seeded from (seed, i): the first decides
 * whether the pledge materialises (u < confidence), the second its delay
 * (0..delay_months, uniformly). Both are always drawn, so adding a delay to
 * one pledge does not shift the draws of the others. A pledge delayed past
 * its last month is absent. Because each sample's stream depends only on
 * (seed, i), and results are stored by sample index, the figures are the
 * same whatever the number of workers, and summing in index order makes the
 * printed numbers byte-identical too.
 *
 * Each sample is stage 1 only (the weighted shortfall and the FOC month do
 * not depend on cost) of a clone with the draw applied, solved in a worker;
 * the worker sends back Z1, the FOC month, one "short" flag per task and
 * month, and the presence of each pledge. Job 0 is the scenario with every
 * pledge as given, for reference.
 *
 * Definitions (docs/model.md, "Analyses as implemented"): a task is short
 * in a month when its shortfall exceeds 1e-6 capability units at some
 * location; a pledge materialises when its confidence draw succeeds (u <
 * confidence), whatever its delay; a contributor is absent in a sample when
 * none of its pledges materialises, present when at least one does (a
 * delayed pledge, even one delayed past its last month, counts as present);
 * percentiles are nearest-rank. A conditional figure over an empty group
 * (a contributor never absent, or never present) is undefined and printed
 * as "-", JSON null; so is the standard error with fewer than 2 samples in
 * a group.
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include "analysis/analysis_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double uniform01(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) * (1.0 / 9007199254740992.0);
}

void sf_risk_draw(const sf_scenario *sc, uint64_t seed, size_t sample, unsigned char *present,
                  int *from, unsigned char *materialised)
{
	uint64_t s0 = seed;
	uint64_t st = splitmix64(&s0) ^ ((uint64_t)sample * 0xD1B54A32D192ED03ULL);
	(void)splitmix64(&st);
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_pledge *pl = &sc->pledges[p];
		double u = uniform01(&st), v = uniform01(&st);
		int d = 0;
		if (pl->delay_months > 0) {
			d = (int)(v * (pl->delay_months + 1));
			if (d > pl->delay_months)
				d = pl->delay_months;
		}
		int mat = pl->active && sc->contributors[pl->contributor].active &&
		          u < pl->confidence;
		from[p] = pl->from + d;
		present[p] = mat && from[p] <= pl->to;
		if (materialised)
			materialised[p] = (unsigned char)mat;
	}
}

typedef struct risk_ctx {
	const sf_scenario *sc;
	uint64_t seed;
	sf_plan_options popts;
} risk_ctx;

/*
 * Record: double z1, int32 foc, int32 stage-1 status, double stage-1 gap,
 * then ntasks*M short flags and npledges materialised flags.
 */
enum { REC_HEAD = 2 * sizeof(double) + 2 * sizeof(int32_t) };

static size_t record_len(const sf_scenario *sc)
{
	return REC_HEAD + sc->ntasks * (size_t)sc->months + sc->npledges;
}

static sf_status risk_job(void *vctx, size_t job, sf_buf *out, sf_error *err)
{
	risk_ctx *c = vctx;
	const sf_scenario *base = c->sc;
	sf_scenario *sc = NULL;
	sf_plan *p = NULL;
	unsigned char *rec = NULL, *present = NULL, *mat = NULL;
	int *from = NULL;
	sf_status rc = sf_scenario_clone(base, &sc, err);
	if (rc != SF_OK)
		return rc;
	size_t np = sc->npledges ? sc->npledges : 1;
	present = calloc(np, 1);
	mat = calloc(np, 1);
	from = calloc(np, sizeof *from);
	rec = calloc(record_len(sc), 1);
	if (!present || !mat || !from || !rec) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (job == 0) {
		for (size_t i = 0; i < sc->npledges; i++)
			mat[i] = present[i] = sc->pledges[i].active &&
			                      sc->contributors[sc->pledges[i].contributor].active;
	} else {
		sf_risk_draw(base, c->seed, job - 1, present, from, mat);
		for (size_t i = 0; i < sc->npledges; i++) {
			if (present[i])
				sc->pledges[i].from = from[i];
			else
				sc->pledges[i].active = 0;
		}
	}
	rc = sf_plan_solve(sc, &c->popts, &p, err);
	if (rc != SF_OK)
		goto out;
	double z1 = p->z1, gap = p->stage1.gap;
	int32_t foc = p->foc_month, st = (int32_t)p->stage1.status;
	memcpy(rec, &z1, sizeof z1);
	memcpy(rec + sizeof z1, &foc, sizeof foc);
	memcpy(rec + sizeof z1 + sizeof foc, &st, sizeof st);
	memcpy(rec + sizeof z1 + sizeof foc + sizeof st, &gap, sizeof gap);
	unsigned char *flags = rec + REC_HEAD;
	for (size_t t = 0; t < sc->ntasks; t++)
		for (size_t l = 0; l < SF_NLOC(sc); l++)
			for (int m = 1; m <= sc->months; m++)
				if (p->shortfall[SF_COV(sc, t, l, m)] > SF_TOL_SHORTFALL)
					flags[t * (size_t)sc->months + (size_t)(m - 1)] = 1;
	memcpy(flags + sc->ntasks * (size_t)sc->months, mat, sc->npledges);
	rc = sf_buf_add(out, rec, record_len(sc));
	if (rc != SF_OK)
		sf_error_set(err, rc, "out of memory sending a sample");
out:
	sf_plan_free(p);
	sf_scenario_free(sc);
	free(present);
	free(mat);
	free(from);
	free(rec);
	return rc;
}

static void risk_name(void *vctx, size_t job, char *buf, size_t n)
{
	(void)vctx;
	if (job == 0)
		sf_strlcpy(buf, "plan with every pledge", n);
	else
		sf_snprintf(buf, n, "sample %zu", job - 1);
}

void sf_risk_free(sf_risk *r)
{
	if (!r)
		return;
	free(r->z1);
	free(r->foc);
	free(r->stage1);
	free(r->gap1);
	free(r->p_foc_by);
	free(r->p_short);
	free(r->contributors);
	free(r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[n], q in (0,1]. */
static double percentile(const double *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

/* Both groups non-empty: the difference of the conditional means is defined. */
static int contrib_defined(const sf_risk_contributor *c, size_t samples)
{
	return c->absent > 0 && c->absent < samples;
}

static double contrib_impact(const sf_risk_contributor *c, size_t samples)
{
	return contrib_defined(c, samples) ? c->z1_absent - c->z1_present : 0;
}

/* The Welch standard error needs at least 2 samples in each group. */
static int contrib_se_defined(const sf_risk_contributor *c, size_t samples)
{
	return c->absent >= 2 && samples - c->absent >= 2;
}

/* Sort order of the contributor table: defined impact first, descending. */
static int cmp_contrib(const sf_risk_contributor *a, const sf_risk_contributor *b, size_t samples)
{
	int da = contrib_defined(a, samples), db = contrib_defined(b, samples);
	if (da != db)
		return da ? -1 : 1; /* undefined impact last */
	double ia = sf__r6(contrib_impact(a, samples)), ib = sf__r6(contrib_impact(b, samples));
	if (ia != ib)
		return ia > ib ? -1 : 1;
	double pa = sf__r6(a->p_short_absent - a->p_short_present);
	double pb = sf__r6(b->p_short_absent - b->p_short_present);
	if (pa != pb)
		return pa > pb ? -1 : 1;
	return a->contributor < b->contributor ? -1 : a->contributor > b->contributor;
}

/* Insertion sort (qsort has no context argument; the list is short). */
static void sort_contribs(sf_risk_contributor *v, size_t n, size_t samples)
{
	for (size_t i = 1; i < n; i++) {
		sf_risk_contributor x = v[i];
		size_t k = i;
		while (k > 0 && cmp_contrib(&x, &v[k - 1], samples) < 0) {
			v[k] = v[k - 1];
			k--;
		}
		v[k] = x;
	}
}

sf_status sf_risk_run(const sf_scenario *sc, size_t samples, uint64_t seed,
                      const sf_analysis_options *opts, sf_risk **out, sf_error *err)
{
	sf_status rc = SF_OK;
	sf__job_result *res = NULL;
	sf_risk *r = NULL;
	double *sorted = NULL;
	unsigned char *anyshort = NULL;
	size_t M = (size_t)sc->months, n = samples + 1;
	double t0 = sf__now();
	risk_ctx ctx;
	sf_analysis_options o;

	*out = NULL;
	if (samples < 1)
		return sf_error_set(err, SF_ERR_USAGE, "risk needs at least 1 sample");
	if (opts)
		o = *opts;
	else
		sf_analysis_options_init(&o);
	ctx.sc = sc;
	ctx.seed = seed;
	ctx.popts = o.plan;
	ctx.popts.stage1_only = 1;
	ctx.popts.progress = NULL;

	r = calloc(1, sizeof *r);
	res = calloc(n, sizeof *res);
	if (!r || !res) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	r->scenario = sc;
	r->samples = samples;
	r->seed = seed;
	r->jobs = sf__analysis_jobs(&o);
	r->z1 = calloc(samples, sizeof *r->z1);
	r->foc = calloc(samples, sizeof *r->foc);
	r->stage1 = calloc(samples, sizeof *r->stage1);
	r->gap1 = calloc(samples, sizeof *r->gap1);
	r->p_foc_by = calloc(M, sizeof *r->p_foc_by);
	r->p_short = calloc(sc->ntasks * M + 1, sizeof *r->p_short);
	r->contributors = calloc(sc->ncontributors + 1, sizeof *r->contributors);
	sorted = calloc(samples, sizeof *sorted);
	anyshort = calloc(samples, 1);
	if (!r->z1 || !r->foc || !r->stage1 || !r->gap1 || !r->p_foc_by || !r->p_short ||
	    !r->contributors || !sorted || !anyshort) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}

	sf__workers_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.njobs = n;
	spec.nworkers = r->jobs;
	spec.run = risk_job;
	spec.name = risk_name;
	spec.ctx = &ctx;
	spec.progress = o.progress;
	spec.progress_ctx = o.progress_ctx;
	rc = sf__workers_run(&spec, res, err);
	if (rc != SF_OK)
		goto out;

	size_t rl = record_len(sc);
	for (size_t j = 0; j < n; j++) {
		char nm[64];
		risk_name(NULL, j, nm, sizeof nm);
		if (res[j].status != SF_OK) {
			rc = sf_error_set(err, res[j].status, "%s: %s", nm, res[j].message);
			goto out;
		}
		if (res[j].len != rl) {
			rc = sf_error_set(err, SF_ERR_WORKER, "%s: malformed record from a worker",
			                  nm);
			goto out;
		}
	}
	/* job 0: the plain plan */
	{
		int32_t foc, st;
		memcpy(&r->plain_z1, res[0].data, sizeof(double));
		memcpy(&foc, res[0].data + sizeof(double), sizeof foc);
		memcpy(&st, res[0].data + sizeof(double) + sizeof foc, sizeof st);
		memcpy(&r->plain_gap1, res[0].data + sizeof(double) + 2 * sizeof foc,
		       sizeof(double));
		r->plain_foc = foc;
		r->plain_stage1 = (sf_solve_status)st;
	}
	size_t nfocnever = 0, nany = 0;
	double zsum = 0;
	for (size_t i = 0; i < samples; i++) {
		const unsigned char *rec = (const unsigned char *)res[i + 1].data;
		int32_t foc, st;
		memcpy(&r->z1[i], rec, sizeof(double));
		memcpy(&foc, rec + sizeof(double), sizeof foc);
		memcpy(&st, rec + sizeof(double) + sizeof foc, sizeof st);
		memcpy(&r->gap1[i], rec + sizeof(double) + 2 * sizeof foc, sizeof(double));
		r->foc[i] = foc;
		r->stage1[i] = (sf_solve_status)st;
		r->not_proven += !sf_stage_proven(r->stage1[i], r->gap1[i]);
		zsum += r->z1[i];
		if (foc == 0)
			nfocnever++;
		else
			for (size_t m = (size_t)foc; m <= M; m++)
				r->p_foc_by[m - 1] += 1;
		const unsigned char *flags = rec + REC_HEAD;
		for (size_t k = 0; k < sc->ntasks * M; k++)
			if (flags[k]) {
				r->p_short[k] += 1;
				anyshort[i] = 1;
			}
		nany += anyshort[i];
	}
	r->z1_mean = zsum / (double)samples;
	memcpy(sorted, r->z1, samples * sizeof *sorted);
	qsort(sorted, samples, sizeof *sorted, cmp_double);
	r->z1_min = sorted[0];
	r->z1_max = sorted[samples - 1];
	r->z1_p10 = percentile(sorted, samples, 0.10);
	r->z1_p50 = percentile(sorted, samples, 0.50);
	r->z1_p90 = percentile(sorted, samples, 0.90);
	for (size_t m = 0; m < M; m++)
		r->p_foc_by[m] /= (double)samples;
	for (size_t k = 0; k < sc->ntasks * M; k++)
		r->p_short[k] /= (double)samples;
	r->p_foc_never = (double)nfocnever / (double)samples;
	r->p_any_short = (double)nany / (double)samples;

	/* contributors with at least one pledge in the force */
	for (size_t c = 0; c < sc->ncontributors; c++) {
		int has = 0;
		for (size_t p = 0; p < sc->npledges; p++)
			if (sc->pledges[p].contributor == c && sc->pledges[p].active)
				has = 1;
		if (!has || !sc->contributors[c].active)
			continue;
		sf_risk_contributor *rc_ = &r->contributors[r->ncontributors++];
		size_t nabs = 0, sabs = 0, spres = 0;
		double zabs = 0, zpres = 0, qabs = 0, qpres = 0;
		rc_->contributor = c;
		for (size_t i = 0; i < samples; i++) {
			const unsigned char *mat =
			        (const unsigned char *)res[i + 1].data + REC_HEAD + sc->ntasks * M;
			int absent = 1; /* until one of its pledges materialises */
			for (size_t p = 0; p < sc->npledges; p++)
				if (sc->pledges[p].contributor == c && sc->pledges[p].active &&
				    mat[p])
					absent = 0;
			if (absent) {
				nabs++;
				sabs += anyshort[i];
				zabs += r->z1[i];
				qabs += r->z1[i] * r->z1[i];
			} else {
				spres += anyshort[i];
				zpres += r->z1[i];
				qpres += r->z1[i] * r->z1[i];
			}
		}
		size_t npres = samples - nabs;
		if (nabs >= 2 && npres >= 2) {
			double va = (qabs - zabs * zabs / (double)nabs) / (double)(nabs - 1);
			double vp = (qpres - zpres * zpres / (double)npres) / (double)(npres - 1);
			double v = (va > 0 ? va : 0) / (double)nabs +
			           (vp > 0 ? vp : 0) / (double)npres;
			rc_->d_z1_se = sqrt(v);
		}
		rc_->absent = nabs;
		if (nabs) {
			rc_->p_short_absent = (double)sabs / (double)nabs;
			rc_->z1_absent = zabs / (double)nabs;
		}
		if (samples > nabs) {
			rc_->p_short_present = (double)spres / (double)(samples - nabs);
			rc_->z1_present = zpres / (double)(samples - nabs);
		}
	}
	sort_contribs(r->contributors, r->ncontributors, samples);
	r->seconds = sf__now() - t0;
	*out = r;
	r = NULL;
out:
	if (res)
		sf__job_results_release(res, n);
	free(res);
	free(sorted);
	free(anyshort);
	sf_risk_free(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */

static sf_status risk_month_table(const sf_risk *r, int csv, sf_table **out)
{
	const sf_scenario *sc = r->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	char lab[16], h[160];
	if (!t)
		return SF_ERR_NOMEM;
	if (csv) {
		rc = sf_table_add_column(t, "month", SF_ALIGN_RIGHT);
		if (rc == SF_OK)
			rc = sf_table_add_column(t, "label", SF_ALIGN_LEFT);
		if (rc == SF_OK)
			rc = sf_table_add_column(t, "p_foc_by", SF_ALIGN_RIGHT);
	} else {
		rc = sf_table_add_column(t, "month", SF_ALIGN_LEFT);
		if (rc == SF_OK)
			rc = sf_table_add_column(t, "P(FOC by)", SF_ALIGN_RIGHT);
	}
	for (size_t k = 0; rc == SF_OK && k < sc->ntasks; k++) {
		sf_snprintf(h, sizeof h, csv ? "p_short_%s" : "P(%s short)", sc->tasks[k].id);
		rc = sf_table_add_column(t, h, SF_ALIGN_RIGHT);
	}
	/* csv: how many samples the row rests on, and how many of them are not proven */
	if (rc == SF_OK && csv)
		rc = sf_table_add_column(t, "samples", SF_ALIGN_RIGHT);
	if (rc == SF_OK && csv)
		rc = sf_table_add_column(t, "samples_not_proven", SF_ALIGN_RIGHT);
	for (int m = 1; rc == SF_OK && m <= sc->months; m++) {
		rc = sf_table_begin_row(t);
		if (rc == SF_OK && csv)
			rc = sf_table_add_cellf(t, "%d", m);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, sf_scenario_month_label(sc, m, lab, sizeof lab));
		if (rc == SF_OK)
			rc = sf_table_add_cellf(t, csv ? "%.15g" : "%.3f",
			                        sf__r6(r->p_foc_by[m - 1]));
		for (size_t k = 0; rc == SF_OK && k < sc->ntasks; k++)
			rc = sf_table_add_cellf(
			        t, csv ? "%.15g" : "%.3f",
			        sf__r6(r->p_short[k * (size_t)sc->months + (size_t)(m - 1)]));
		if (rc == SF_OK && csv)
			rc = sf_table_add_cellf(t, "%zu", r->samples);
		if (rc == SF_OK && csv)
			rc = sf_table_add_cellf(t, "%zu", r->not_proven);
	}
	if (rc != SF_OK) {
		sf_table_free(t);
		return rc;
	}
	*out = t;
	return SF_OK;
}

static sf_status risk_contrib_table(const sf_risk *r, sf_table **out)
{
	const sf_scenario *sc = r->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	if (!t)
		return SF_ERR_NOMEM;
	static const char *const cols[] = {
	        "contributor",        "absent (samples)",   "P(short | absent)",
	        "P(short | present)", "shortfall | absent", "shortfall | present",
	        "d shortfall",        "+/- (1 s.e.)",       "rests on"};
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(cols); i++)
		rc = sf_table_add_column(t, cols[i],
		                         i && i + 1 < SF_ARRAY_LEN(cols) ? SF_ALIGN_RIGHT
		                                                         : SF_ALIGN_LEFT);
	for (size_t i = 0; rc == SF_OK && i < r->ncontributors; i++) {
		const sf_risk_contributor *c = &r->contributors[i];
		rc = sf_table_begin_row(t);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, sc->contributors[c->contributor].id);
		if (rc == SF_OK)
			rc = sf_table_add_cellf(t, "%zu", c->absent);
		if (c->absent) {
			if (rc == SF_OK)
				rc = sf_table_add_cellf(t, "%.3f", c->p_short_absent);
		} else if (rc == SF_OK) {
			rc = sf_table_add_cell(t, "-");
		}
		if (rc == SF_OK)
			rc = c->absent < r->samples
			             ? sf_table_add_cellf(t, "%.3f", c->p_short_present)
			             : sf_table_add_cell(t, "-");
		if (rc == SF_OK)
			rc = c->absent ? sf_table_add_cellf(t, "%.2f", c->z1_absent)
			               : sf_table_add_cell(t, "-");
		if (rc == SF_OK)
			rc = c->absent < r->samples ? sf_table_add_cellf(t, "%.2f", c->z1_present)
			                            : sf_table_add_cell(t, "-");
		if (rc == SF_OK)
			rc = contrib_defined(c, r->samples)
			             ? sf_table_add_cellf(t, "%+.2f",
			                                  sf__r6(contrib_impact(c, r->samples)))
			             : sf_table_add_cell(t, "-");
		if (rc == SF_OK)
			rc = contrib_se_defined(c, r->samples)
			             ? sf_table_add_cellf(t, "%.2f", sf__r6(c->d_z1_se))
			             : sf_table_add_cell(t, "-");
		if (rc == SF_OK) {
			char st[64];
			rc = sf_table_add_cell(
			        t, sf_pledge_status_str(sf_contributor_status(sc, c->contributor),
			                                st, sizeof st));
		}
	}
	if (rc != SF_OK) {
		sf_table_free(t);
		return rc;
	}
	*out = t;
	return SF_OK;
}

static sf_status risk_json(const sf_risk *r, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = r->scenario;
	sf_json_writer w;
	char lab[16];
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "stabforce_version", STABFORCE_VERSION);
	sf_json_str(&w, "analysis", "risk");
	sf__json_scenario(&w, "scenario", sc);
	sf_json_int(&w, "samples", (long long)r->samples);
	sf_json_int(&w, "seed", (long long)r->seed);
	sf_json_object(&w, "plain");
	sf__json_r6(&w, "z1", r->plain_z1);
	sf__json_month(&w, "foc_month", r->plain_foc);
	sf_json_str(&w, "stage1", sf_solve_status_str(r->plain_stage1));
	sf_json_num(&w, "stage1_gap", r->plain_gap1);
	sf_json_bool(&w, "proven", sf_stage_proven(r->plain_stage1, r->plain_gap1));
	sf_json_end(&w);
	sf_json_int(&w, "samples_not_proven", (long long)r->not_proven);
	sf_json_object(&w, "z1");
	sf__json_r6(&w, "mean", r->z1_mean);
	sf__json_r6(&w, "p10", r->z1_p10);
	sf__json_r6(&w, "p50", r->z1_p50);
	sf__json_r6(&w, "p90", r->z1_p90);
	sf__json_r6(&w, "min", r->z1_min);
	sf__json_r6(&w, "max", r->z1_max);
	sf_json_end(&w);
	sf__json_r6(&w, "p_foc_never", r->p_foc_never);
	sf__json_r6(&w, "p_any_short", r->p_any_short);
	sf_json_array(&w, "months");
	for (int m = 1; m <= sc->months; m++) {
		sf_json_object(&w, NULL);
		sf_json_int(&w, "month", m);
		sf_json_str(&w, "label", sf_scenario_month_label(sc, m, lab, sizeof lab));
		sf__json_r6(&w, "p_foc_by", r->p_foc_by[m - 1]);
		sf_json_object(&w, "p_short");
		for (size_t k = 0; k < sc->ntasks; k++)
			sf__json_r6(&w, sc->tasks[k].id,
			            r->p_short[k * (size_t)sc->months + (size_t)(m - 1)]);
		sf_json_end(&w);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_array(&w, "contributors");
	for (size_t i = 0; i < r->ncontributors; i++) {
		const sf_risk_contributor *c = &r->contributors[i];
		int pres = c->absent < r->samples;
		sf_json_object(&w, NULL);
		sf_json_str(&w, "contributor", sc->contributors[c->contributor].id);
		sf__json_pledge_status(&w, "rests_on", sf_contributor_status(sc, c->contributor));
		sf_json_int(&w, "absent", (long long)c->absent);
		sf__json_r6(&w, "p_short_absent", c->absent ? c->p_short_absent : NAN);
		sf__json_r6(&w, "p_short_present", pres ? c->p_short_present : NAN);
		sf__json_r6(&w, "z1_absent", c->absent ? c->z1_absent : NAN);
		sf__json_r6(&w, "z1_present", pres ? c->z1_present : NAN);
		sf__json_r6(&w, "d_z1",
		            contrib_defined(c, r->samples) ? contrib_impact(c, r->samples) : NAN);
		sf__json_r6(&w, "d_z1_se", contrib_se_defined(c, r->samples) ? c->d_z1_se : NAN);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_object(&w, "per_sample");
	sf_json_array(&w, "z1");
	for (size_t i = 0; i < r->samples; i++)
		sf__json_r6(&w, NULL, r->z1[i]);
	sf_json_end(&w);
	sf_json_array(&w, "foc_month");
	for (size_t i = 0; i < r->samples; i++)
		sf__json_month(&w, NULL, r->foc[i]);
	sf_json_end(&w);
	sf_json_array(&w, "stage1");
	for (size_t i = 0; i < r->samples; i++)
		sf_json_str(&w, NULL, sf_solve_status_str(r->stage1[i]));
	sf_json_end(&w);
	sf_json_array(&w, "stage1_gap");
	for (size_t i = 0; i < r->samples; i++)
		sf_json_num(&w, NULL, r->gap1[i]);
	sf_json_end(&w);
	sf_json_end(&w);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

sf_status sf_risk_write(const sf_risk *r, sf_format fmt, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = r->scenario;
	sf_table *t = NULL;
	sf_status rc;
	char foc[16];
	if (fmt == SF_FORMAT_JSON)
		return risk_json(r, out, err);
	if (fmt == SF_FORMAT_CSV) {
		rc = risk_month_table(r, 1, &t);
		if (rc == SF_OK)
			rc = sf_table_write_csv(t, out);
		sf_table_free(t);
		return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing CSV");
	}
	const char *b = fmt == SF_FORMAT_MD ? "**" : "";
	rc = sf_buf_adds(out, fmt == SF_FORMAT_MD ? "## Risk: how likely the force is complete\n\n"
	                                          : "");
	const char *pm = sf_stage_proven(r->plain_stage1, r->plain_gap1) ? "" : "*";
	const char *sm = r->not_proven ? " (*)" : "";
	char why[96];
	if (rc == SF_OK)
		rc = sf_buf_addf(
		        out,
		        "%sRisk%s: %zu samples, seed %llu. With every pledge as given: weighted "
		        "shortfall %.2f%s, FOC %s%s (%s).\n",
		        b, b, r->samples, (unsigned long long)r->seed, r->plain_z1, pm,
		        sf__month_or_never(sc, r->plain_foc, foc, sizeof foc), pm,
		        sf_stage_proof_str(r->plain_stage1, r->plain_gap1, why, sizeof why));
	if (rc == SF_OK && r->not_proven)
		rc = sf_buf_addf(
		        out,
		        "Status: %zu of %zu samples NOT PROVEN optimal (stage 1 stopped by "
		        "a limit): their shortfall is the best found, which may be more "
		        "than the optimum, so every figure below may overstate the risk "
		        "(*).\n",
		        r->not_proven, r->samples);
	else if (rc == SF_OK)
		rc = sf_buf_addf(out, "Status: every sample proven optimal.\n");
	if (rc == SF_OK)
		rc = sf_buf_addc(out, '\n');
	if (rc != SF_OK)
		goto oom;
	t = sf_table_new();
	if (!t)
		goto oom;
	static const char *const cols[] = {"mean", "p10", "p50",          "p90",
	                                   "min",  "max", "P(FOC never)", "P(some task short)"};
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(cols); i++)
		rc = sf_table_add_column(t, cols[i], SF_ALIGN_RIGHT);
	if (rc == SF_OK)
		rc = sf_table_begin_row(t);
	double v[] = {r->z1_mean, r->z1_p10, r->z1_p50, r->z1_p90, r->z1_min, r->z1_max};
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(v); i++)
		rc = sf_table_add_cellf(t, "%.2f", sf__r6(v[i]));
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.3f", r->p_foc_never);
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.3f", r->p_any_short);
	if (rc != SF_OK)
		goto oom;
	char head[256];
	sf_snprintf(head, sizeof head, "Weighted shortfall over the samples%s", sm);
	rc = sf__table_section(t, head, fmt, out, err);
	sf_table_free(t);
	t = NULL;
	if (rc != SF_OK)
		return rc;
	if (risk_month_table(r, 0, &t) != SF_OK)
		goto oom;
	sf_snprintf(head, sizeof head,
	            "Probability of full operational capability by each month, and of each task "
	            "being short in it%s",
	            sm);
	rc = sf__table_section(t, head, fmt, out, err);
	sf_table_free(t);
	t = NULL;
	if (rc != SF_OK)
		return rc;
	if (risk_contrib_table(r, &t) != SF_OK)
		goto oom;
	sf_snprintf(head, sizeof head,
	            "Contributors whose absence (none of their pledges materialising) leaves the "
	            "force short most%s",
	            sm);
	rc = sf__table_section(t, head, fmt, out, err);
	sf_table_free(t);
	if (rc == SF_OK && (rc = sf__unproven_legend(*pm || r->not_proven, fmt, out)) != SF_OK)
		return sf_error_set(err, rc, "out of memory writing the risk report");
	return rc;
oom:
	sf_table_free(t);
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the risk report");
}
