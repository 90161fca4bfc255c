/*
 * risk.c - Monte Carlo over pledge confidence and delay, with common
 * random numbers and confidence intervals.
 *
 * Sample i draws, for every pledge in file order, two uniform numbers from
 * its own splitmix64 stream seeded from (seed, i): the first decides
 * whether the pledge materialises (u < confidence), the second its delay
 * (0..delay_months, uniformly). Both are always drawn, so adding a delay to
 * one pledge does not shift the draws of the others. A pledge delayed past
 * its last month is absent. Because each sample's stream depends only on
 * (seed, i), and results are stored by sample index, the figures are the
 * same whatever the number of workers or batches, and summing in index
 * order makes the printed numbers byte-identical too.
 *
 * One worker job per sample: stage 1 (the weighted shortfall and the FOC
 * month do not depend on cost) of a clone with the draw applied, then, on
 * the same draw, for every contributor with a pledge in the force, the
 * plan with all its pledges materialising ("present", drawn delays kept)
 * and with none ("absent"): the contributor is the only difference
 * between the two (common random numbers), so its effect is a paired
 * difference whose noise is that of the effect, not of the other pledges.
 * A variant equal to the sample's own draw is not re-solved; nor is
 * "absent" in format 1 when the sample's plan assigns none of its units
 * (removing unused columns leaves that optimum feasible and optimal). Job
 * 0 is the scenario with every pledge as given, for reference.
 *
 * Intervals are 95 %: Student t on means (the expected shortfall, each
 * contributor's shortfall absent, present and their paired difference,
 * and the paired difference of its "short" indicators), Wilson score on
 * proportions. A contributor is ranked only when its difference's
 * interval excludes zero. With a precision the samples come in batches,
 * each sized from the widest interval so far (width shrinks as 1/sqrt(n)),
 * until every targeted interval is narrower or the cap is reached.
 * Definitions and their reasons: docs/model.md, "Risk".
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include "analysis/analysis_int.h"
#include "plan/model.h"

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

/* ------------------------------------------------------------------ */
/* Statistics                                                           */

#define Z975 1.959963984540054 /* the standard normal's 97.5 % quantile */

/* Student t's 97.5 % quantile with df degrees of freedom (df >= 1). */
static double t975(size_t df)
{
	static const double tab[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
	                             2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
	                             2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
	                             2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
	if (df < SF_ARRAY_LEN(tab))
		return tab[df];
	/* Cornish-Fisher expansion: within 1e-4 of the exact quantile from df 30 on */
	double z = Z975, z3 = z * z * z, z5 = z3 * z * z, d = (double)df;
	return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d);
}

static sf_interval iv_nan(void)
{
	sf_interval iv = {NAN, NAN, NAN};
	return iv;
}

/* Mean of v[i * stride] (i < n), and its t interval (NAN bounds with n < 2). */
static sf_interval mean_t(const double *v, size_t n, size_t stride)
{
	sf_interval iv = iv_nan();
	if (n == 0)
		return iv;
	double sum = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i * stride];
	iv.est = sum / (double)n;
	if (n < 2)
		return iv;
	for (size_t i = 0; i < n; i++) {
		double d = v[i * stride] - iv.est;
		ss += d * d;
	}
	double h = t975(n - 1) * sqrt(ss / (double)(n - 1) / (double)n);
	iv.lo = iv.est - h;
	iv.hi = iv.est + h;
	return iv;
}

/* The share k/n and its Wilson score interval. */
static sf_interval wilson(size_t k, size_t n)
{
	sf_interval iv = iv_nan();
	if (n == 0)
		return iv;
	double p = (double)k / (double)n, nn = (double)n, z2 = Z975 * Z975;
	double den = 1 + z2 / nn;
	double c = (p + z2 / (2 * nn)) / den;
	double h = Z975 * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den;
	iv.est = p;
	iv.lo = c - h > 0 ? c - h : 0;
	iv.hi = c + h < 1 ? c + h : 1;
	return iv;
}

static double iv_width(sf_interval iv)
{
	return isnan(iv.lo) || isnan(iv.hi) ? INFINITY : iv.hi - iv.lo;
}

static int iv_excludes_zero(sf_interval iv)
{
	return !isnan(iv.lo) && (iv.lo > 0 || iv.hi < 0);
}

/* a and b the same weighted shortfall (solver noise aside). */
static int z_same(double a, double b)
{
	double m = fmax(fabs(a), fabs(b));
	return fabs(a - b) <= fmax(SF_TOL_Z1 * m, SF_TOL_Z1);
}

/* "Short": a weighted shortfall above the threshold (by default the all-pledges plan's). */
static int z_short(double z, double threshold)
{
	return z > threshold && !z_same(z, threshold);
}

/* ------------------------------------------------------------------ */
/* The draw and the worker job                                          */

typedef struct risk_ctx {
	const sf_scenario *sc;
	uint64_t seed;
	sf_plan_options popts;
	size_t first;       /* sample index of job 1 (job 0: the plain plan, first batch only) */
	int with_plain;     /* 1 in the first batch */
	const size_t *cand; /* contributors with a pledge in the force */
	const unsigned char *unusable; /* [ncand]: never_usable() */
	size_t ncand;
	/* The analysis' deadline (0 = none, sf_analysis_time_limit), its
	 * seconds, the workers and the jobs of this batch: each solve's share. */
	double deadline, limit_s;
	int nworkers;
	size_t njobs;
} risk_ctx;

/*
 * Record: double z1, int32 foc, int32 stage-1 status, double stage-1 gap,
 * then ntasks*M short flags, npledges materialised flags, and per
 * candidate contributor double z_absent, double z_present and a flag byte.
 */
enum { REC_HEAD = 2 * sizeof(double) + 2 * sizeof(int32_t) };
enum { PAIR_LEN = 2 * sizeof(double) + 1 };
enum { PAIR_ABS_SOLVED = 1, PAIR_PRES_SOLVED = 2, PAIR_ABS_UNPROVEN = 4, PAIR_PRES_UNPROVEN = 8 };

static size_t record_len(const risk_ctx *c)
{
	const sf_scenario *sc = c->sc;
	return REC_HEAD + sc->ntasks * (size_t)sc->months + sc->npledges + c->ncand * PAIR_LEN;
}

/* A pledge that can be in the force at all (active, of an active contributor). */
static int pledge_in_force(const sf_scenario *sc, size_t p)
{
	return sc->pledges[p].active && sc->contributors[sc->pledges[p].contributor].active;
}

/* Pledge p of the clone as in the sample's draw, or forced in or out. */
static void set_pledge(sf_scenario *sc, const sf_scenario *base, size_t p, int on, int from)
{
	sc->pledges[p].active = on;
	sc->pledges[p].from = on ? from : base->pledges[p].from;
}

/*
 * Stage 1 of sc, the (*done)-th solve of job: its weighted shortfall, and
 * whether it is proven. Under the analysis' deadline every solve is a
 * case with its share of what remains (sf__case_limit): the solves still
 * to come in this job (at most the plan and a pair per candidate) and in
 * the jobs after it, over the workers; one that would start after the
 * deadline fails the analysis with "time limit of N s reached".
 */
static sf_status solve_z(const risk_ctx *c, size_t job, size_t *done, const sf_scenario *sc,
                         double *z, int *proven, sf_plan **keep, sf_error *err)
{
	sf_plan *p = NULL;
	sf_plan_options po = c->popts;
	size_t per = 1 + 2 * c->ncand, left = (c->njobs - job - 1) * per;
	sf_status rc;

	left += per > *done ? per - *done : 1;
	(*done)++;
	rc = sf__case_limit(c->deadline, c->limit_s, left, 0, c->nworkers, &po, err);
	if (rc == SF_OK)
		rc = sf_plan_solve(sc, &po, &p, err);
	if (rc != SF_OK)
		return rc;
	*z = p->z1;
	*proven = sf_stage_proven(p->stage1.status, p->stage1.gap);
	if (keep)
		*keep = p;
	else
		sf_plan_free(p);
	return SF_OK;
}

/* 1 when the plan assigns some unit of contributor c. */
static int plan_uses(const sf_plan *p, size_t c)
{
	for (size_t i = 0; i < p->nrows; i++)
		if (p->scenario->pledges[p->rows[i].pledge].contributor == c)
			return 1;
	return 0;
}

/*
 * 1 when no pledge of contributor c can deliver anything: no assignment
 * column exists for it in any location, task and month (caveats, hard
 * vetoes, months; a delay only shifts its months later) and none of its
 * units is recorded on the ground. Its units can then only be idle, held
 * by nothing and bound only by capacity rows, so the plan with it and
 * without it have the same weighted shortfall: its pair needs no solve.
 */
static int never_usable(const sf_scenario *sc, size_t c)
{
	for (size_t p = 0; p < sc->npledges; p++) {
		if (sc->pledges[p].contributor != c || !pledge_in_force(sc, p))
			continue;
		for (size_t d = 0; d < sc->ndeployed; d++)
			if (sc->deployed[d].pledge == p)
				return 0;
		for (size_t l = 0; l < SF_NLOC(sc); l++)
			for (size_t t = 0; t < sc->ntasks; t++)
				for (int m = 1; m <= sc->months; m++)
					if (sf__x_exists(sc, p, l, t, m))
						return 0;
	}
	return 1;
}

/* The pair of contributor c on the sample's draw, into rec (PAIR_LEN bytes). */
static sf_status solve_pair(const risk_ctx *c, size_t job, size_t *done, sf_scenario *sc,
                            const sf_plan *plan, size_t k, const unsigned char *present,
                            const int *from, const unsigned char *mat, unsigned char *rec,
                            sf_error *err)
{
	const sf_scenario *base = c->sc;
	size_t con = c->cand[k];
	double za = plan->z1, zp = plan->z1;
	unsigned char fl = 0;
	int any = 0, all = 1, proven = 0;
	sf_status rc = SF_OK;
	if (c->unusable[k])
		all = 1; /* both variants have the sample's shortfall: nothing to solve */
	else
		for (size_t p = 0; p < base->npledges; p++)
			if (base->pledges[p].contributor == con && pledge_in_force(base, p)) {
				any |= mat[p];
				all &= mat[p];
			}
	/* absent: none of its pledges */
	if (any && !c->unusable[k] && (base->format != 1 || plan_uses(plan, con))) {
		for (size_t p = 0; p < base->npledges; p++)
			if (base->pledges[p].contributor == con)
				set_pledge(sc, base, p, 0, 0);
		rc = solve_z(c, job, done, sc, &za, &proven, NULL, err);
		fl |= PAIR_ABS_SOLVED | (proven ? 0 : PAIR_ABS_UNPROVEN);
		for (size_t p = 0; p < base->npledges; p++)
			if (base->pledges[p].contributor == con)
				set_pledge(sc, base, p, present[p], from[p]);
		if (rc != SF_OK)
			return rc;
	}
	/* present: every one of its pledges materialises, with the drawn delay */
	if (!all) {
		for (size_t p = 0; p < base->npledges; p++)
			if (base->pledges[p].contributor == con && pledge_in_force(base, p))
				set_pledge(sc, base, p, from[p] <= base->pledges[p].to, from[p]);
		rc = solve_z(c, job, done, sc, &zp, &proven, NULL, err);
		fl |= PAIR_PRES_SOLVED | (proven ? 0 : PAIR_PRES_UNPROVEN);
		for (size_t p = 0; p < base->npledges; p++)
			if (base->pledges[p].contributor == con)
				set_pledge(sc, base, p, present[p], from[p]);
		if (rc != SF_OK)
			return rc;
	}
	memcpy(rec, &za, sizeof za);
	memcpy(rec + sizeof za, &zp, sizeof zp);
	rec[2 * sizeof(double)] = fl;
	return SF_OK;
}

static sf_status risk_job(void *vctx, size_t job, sf_buf *out, sf_error *err)
{
	risk_ctx *c = vctx;
	const sf_scenario *base = c->sc;
	sf_scenario *sc = NULL;
	sf_plan *p = NULL;
	unsigned char *rec = NULL, *present = NULL, *mat = NULL;
	int *from = NULL;
	int plain = c->with_plain && job == 0;
	size_t sample = c->first + job - (size_t)c->with_plain;
	sf_status rc = sf_scenario_clone(base, &sc, err);
	if (rc != SF_OK)
		return rc;
	size_t np = sc->npledges ? sc->npledges : 1, rl = record_len(c);
	present = calloc(np, 1);
	mat = calloc(np, 1);
	from = calloc(np, sizeof *from);
	rec = calloc(rl, 1);
	if (!present || !mat || !from || !rec) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (plain) {
		for (size_t i = 0; i < sc->npledges; i++) {
			mat[i] = present[i] = (unsigned char)pledge_in_force(sc, i);
			from[i] = sc->pledges[i].from;
		}
	} else {
		sf_risk_draw(base, c->seed, sample, present, from, mat);
		for (size_t i = 0; i < sc->npledges; i++)
			set_pledge(sc, base, i, present[i], from[i]);
	}
	double z1 = 0;
	int proven = 0;
	size_t done = 0;
	rc = solve_z(c, job, &done, sc, &z1, &proven, &p, err);
	if (rc != SF_OK)
		goto out;
	double gap = p->stage1.gap;
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
	unsigned char *pairs = flags + sc->ntasks * (size_t)sc->months;
	memcpy(pairs, mat, sc->npledges);
	pairs += sc->npledges;
	for (size_t k = 0; !plain && k < c->ncand; k++) {
		rc = solve_pair(c, job, &done, sc, p, k, present, from, mat, pairs + k * PAIR_LEN,
		                err);
		if (rc != SF_OK)
			goto out;
	}
	rc = sf_buf_add(out, rec, rl);
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
	const risk_ctx *c = vctx;
	if (c->with_plain && job == 0)
		sf_strlcpy(buf, "plan with every pledge", n);
	else
		sf_snprintf(buf, n, "sample %zu", c->first + job - (size_t)c->with_plain);
}

const char *sf_risk_class_str(sf_risk_class k)
{
	switch (k) {
	case SF_RISK_RANKED:
		return "ranked";
	case SF_RISK_UNCLEAR:
		return "not_distinguishable";
	case SF_RISK_NO_EFFECT:
		return "no_effect";
	case SF_RISK_UNUSABLE:
		return "unusable";
	case SF_RISK_VETOED:
		return "vetoed_everywhere";
	case SF_RISK_NOT_IN_FORCE:
		return "not_in_force";
	}
	return "?";
}

/* Why a contributor is left out of the ranking, in words. */
static const char *class_reason(sf_risk_class k)
{
	switch (k) {
	case SF_RISK_NO_EFFECT:
		return "never needed: its absence changes no sample's shortfall";
	case SF_RISK_UNUSABLE:
		return "its units can do no task anywhere (caveats, conditions or months)";
	case SF_RISK_VETOED:
		return "under a hard veto in every sector: its absence changes no sample's "
		       "shortfall";
	case SF_RISK_NOT_IN_FORCE:
		return "no pledge in the force (withdrawn, or none)";
	default:
		return "";
	}
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
	free(r->p_short_tm);
	free(r->contributors);
	free(r);
}

void sf_risk_options_init(sf_risk_options *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->short_above = -1;
	o->max_samples = SF_RISK_MAX_SAMPLES;
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

/* Table order: ranked, unclear, left out (by class); then d_z1 descending; then index. */
static int cmp_contrib(const sf_risk_contributor *a, const sf_risk_contributor *b)
{
	if (a->klass != b->klass)
		return a->klass < b->klass ? -1 : 1;
	if (a->klass <= SF_RISK_UNCLEAR) {
		double ia = sf__r6(a->d_z1.est), ib = sf__r6(b->d_z1.est);
		if (ia != ib)
			return ia > ib ? -1 : 1;
	}
	return a->contributor < b->contributor ? -1 : a->contributor > b->contributor;
}

/* Insertion sort (qsort has no context argument; the list is short). */
static void sort_contribs(sf_risk_contributor *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		sf_risk_contributor x = v[i];
		size_t k = i;
		while (k > 0 && cmp_contrib(&x, &v[k - 1]) < 0) {
			v[k] = v[k - 1];
			k--;
		}
		v[k] = x;
	}
}

/* 1 when active hard vetoes on contributor c cover every sector. */
static int vetoed_everywhere(const sf_scenario *sc, size_t c)
{
	for (size_t l = 0; l < sc->nsectors; l++) {
		int cov = 0;
		for (size_t v = 0; v < sc->nvetoes && !cov; v++) {
			const sf_veto *vt = &sc->vetoes[v];
			cov = vt->active && vt->kind == SF_VETO_HARD && vt->contributor == c &&
			      (vt->all_sectors || (vt->sector_mask && vt->sector_mask[l]));
		}
		if (!cov)
			return 0;
	}
	return sc->nsectors > 0;
}

/* What the parent keeps of the samples while batches come in. */
typedef struct risk_acc {
	size_t n, cap;
	size_t ncand;
	const size_t *cand;
	const unsigned char *unusable; /* [ncand]: never_usable() */
	double *zabs, *zpres;          /* [i * ncand + k] */
	unsigned char *pairflags;      /* [i * ncand + k] */
	unsigned char *matc;           /* [i * ncand + k]: 1 when some pledge of k materialised */
	unsigned char *tmshort;        /* [i * ntasks*M + ...] */
	double *ind;                   /* scratch: [n] */
} risk_acc;

static void acc_free(risk_acc *a)
{
	free(a->zabs);
	free(a->zpres);
	free(a->pairflags);
	free(a->matc);
	free(a->tmshort);
	free(a->ind);
}

static int grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n > 0 && size > 0 ? n * size : 1);
	if (!q)
		return -1;
	*p = q;
	return 0;
}

static sf_status acc_reserve(sf_risk *r, risk_acc *a, size_t n)
{
	const sf_scenario *sc = r->scenario;
	size_t tm = sc->ntasks * (size_t)sc->months, k = a->ncand ? a->ncand : 1;
	if (n <= a->cap)
		return SF_OK;
	if (grow((void **)&r->z1, n, sizeof *r->z1) || grow((void **)&r->foc, n, sizeof *r->foc) ||
	    grow((void **)&r->stage1, n, sizeof *r->stage1) ||
	    grow((void **)&r->gap1, n, sizeof *r->gap1) ||
	    grow((void **)&a->zabs, n * k, sizeof *a->zabs) ||
	    grow((void **)&a->zpres, n * k, sizeof *a->zpres) ||
	    grow((void **)&a->pairflags, n * k, 1) || grow((void **)&a->matc, n * k, 1) ||
	    grow((void **)&a->tmshort, n * (tm ? tm : 1), 1) ||
	    grow((void **)&a->ind, n, sizeof *a->ind))
		return SF_ERR_NOMEM;
	a->cap = n;
	return SF_OK;
}

/* Read sample i's record. */
static void acc_take(sf_risk *r, risk_acc *a, size_t i, const unsigned char *rec)
{
	const sf_scenario *sc = r->scenario;
	size_t tm = sc->ntasks * (size_t)sc->months;
	int32_t foc, st;
	memcpy(&r->z1[i], rec, sizeof(double));
	memcpy(&foc, rec + sizeof(double), sizeof foc);
	memcpy(&st, rec + sizeof(double) + sizeof foc, sizeof st);
	memcpy(&r->gap1[i], rec + sizeof(double) + 2 * sizeof foc, sizeof(double));
	r->foc[i] = foc;
	r->stage1[i] = (sf_solve_status)st;
	memcpy(a->tmshort + i * tm, rec + REC_HEAD, tm);
	const unsigned char *mat = rec + REC_HEAD + tm;
	const unsigned char *pairs = mat + sc->npledges;
	for (size_t k = 0; k < a->ncand; k++) {
		size_t j = i * a->ncand + k;
		memcpy(&a->zabs[j], pairs + k * PAIR_LEN, sizeof(double));
		memcpy(&a->zpres[j], pairs + k * PAIR_LEN + sizeof(double), sizeof(double));
		a->pairflags[j] = pairs[k * PAIR_LEN + 2 * sizeof(double)];
		a->matc[j] = 0;
		for (size_t p = 0; p < sc->npledges; p++)
			if (sc->pledges[p].contributor == a->cand[k] && pledge_in_force(sc, p) &&
			    mat[p])
				a->matc[j] = 1;
	}
}

/* Every figure of r from the a->n samples so far (index order: deterministic). */
static sf_status risk_stats(sf_risk *r, risk_acc *a)
{
	const sf_scenario *sc = r->scenario;
	size_t n = a->n, M = (size_t)sc->months, tm = sc->ntasks * M;
	double *sorted = malloc((n ? n : 1) * sizeof *sorted);
	if (!sorted)
		return SF_ERR_NOMEM;
	r->samples = n;
	r->not_proven = 0;
	size_t ncomplete = 0, nshort = 0, nany = 0;
	memset(r->p_foc_by, 0, M * sizeof *r->p_foc_by);
	memset(r->p_short_tm, 0, (tm + 1) * sizeof *r->p_short_tm);
	for (size_t i = 0; i < n; i++) {
		r->not_proven += !sf_stage_proven(r->stage1[i], r->gap1[i]);
		if (r->foc[i] > 0) {
			ncomplete++;
			for (size_t m = (size_t)r->foc[i]; m <= M; m++)
				r->p_foc_by[m - 1] += 1;
		}
		nshort += z_short(r->z1[i], r->short_above);
		int any = 0;
		for (size_t k = 0; k < tm; k++)
			if (a->tmshort[i * tm + k]) {
				r->p_short_tm[k] += 1;
				any = 1;
			}
		nany += any;
	}
	r->z1_mean = mean_t(r->z1, n, 1);
	memcpy(sorted, r->z1, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_double);
	r->z1_min = sorted[0];
	r->z1_max = sorted[n - 1];
	r->z1_p10 = percentile(sorted, n, 0.10);
	r->z1_p50 = percentile(sorted, n, 0.50);
	r->z1_p90 = percentile(sorted, n, 0.90);
	free(sorted);
	r->p_complete = wilson(ncomplete, n);
	r->p_short = wilson(nshort, n);
	r->month_halfwidth = 0;
	for (size_t m = 0; m < M; m++) {
		sf_interval w = wilson((size_t)r->p_foc_by[m], n);
		r->month_halfwidth = fmax(r->month_halfwidth, fmax(w.hi - w.est, w.est - w.lo));
		r->p_foc_by[m] /= (double)n;
	}
	for (size_t k = 0; k < tm; k++) {
		sf_interval w = wilson((size_t)r->p_short_tm[k], n);
		r->month_halfwidth = fmax(r->month_halfwidth, fmax(w.hi - w.est, w.est - w.lo));
		r->p_short_tm[k] /= (double)n;
	}
	r->p_foc_never = (double)(n - ncomplete) / (double)n;
	r->p_any_short = (double)nany / (double)n;

	r->nranked = r->nunclear = 0;
	for (size_t ci = 0; ci < r->ncontributors; ci++) {
		sf_risk_contributor *c = &r->contributors[ci];
		size_t k = 0;
		while (k < a->ncand && a->cand[k] != c->contributor)
			k++;
		if (k == a->ncand) {
			c->klass = SF_RISK_NOT_IN_FORCE;
			continue;
		}
		size_t K = a->ncand, nsa = 0, nsp = 0;
		int effect = 0;
		c->absent = c->solves = c->not_proven = 0;
		for (size_t i = 0; i < n; i++) {
			size_t j = i * K + k;
			unsigned char f = a->pairflags[j];
			c->absent += !a->matc[j];
			c->solves += !!(f & PAIR_ABS_SOLVED) + !!(f & PAIR_PRES_SOLVED);
			c->not_proven += !!(f & PAIR_ABS_UNPROVEN) + !!(f & PAIR_PRES_UNPROVEN);
			int sa = z_short(a->zabs[j], r->short_above),
			    sp = z_short(a->zpres[j], r->short_above);
			nsa += sa;
			nsp += sp;
			a->ind[i] = sa - sp;
			effect |= !z_same(a->zabs[j], a->zpres[j]);
		}
		c->z1_absent = mean_t(a->zabs + k, n, K);
		c->z1_present = mean_t(a->zpres + k, n, K);
		c->p_short_absent = wilson(nsa, n);
		c->p_short_present = wilson(nsp, n);
		c->d_p_short = mean_t(a->ind, n, 1);
		for (size_t i = 0; i < n; i++)
			a->ind[i] = a->zabs[i * K + k] - a->zpres[i * K + k];
		c->d_z1 = mean_t(a->ind, n, 1);
		if (!effect && vetoed_everywhere(sc, c->contributor))
			c->klass = SF_RISK_VETOED;
		else if (!effect)
			c->klass = a->unusable[k] ? SF_RISK_UNUSABLE : SF_RISK_NO_EFFECT;
		else if (iv_excludes_zero(c->d_z1))
			c->klass = SF_RISK_RANKED;
		else
			c->klass = SF_RISK_UNCLEAR;
		r->nranked += c->klass == SF_RISK_RANKED;
		r->nunclear += c->klass == SF_RISK_UNCLEAR;
	}
	sort_contribs(r->contributors, r->ncontributors);
	for (size_t ci = 0, rank = 0; ci < r->ncontributors; ci++)
		r->contributors[ci].rank =
		        r->contributors[ci].klass == SF_RISK_RANKED ? (int)++rank : 0;
	return SF_OK;
}

/*
 * The widest targeted interval over its target (> 1: more samples needed);
 * 0 without a target.
 */
static double worst_ratio(const sf_risk *r)
{
	double w = 0;
	if (r->precision > 0) {
		w = fmax(w, iv_width(r->z1_mean) / r->precision);
		for (size_t i = 0; i < r->ncontributors; i++) {
			const sf_risk_contributor *c = &r->contributors[i];
			if (c->klass == SF_RISK_NOT_IN_FORCE)
				continue;
			w = fmax(w, iv_width(c->d_z1) / r->precision);
			w = fmax(w, iv_width(c->z1_absent) / r->precision);
			w = fmax(w, iv_width(c->z1_present) / r->precision);
		}
	}
	if (r->precision_p > 0) {
		w = fmax(w, iv_width(r->p_complete) / r->precision_p);
		w = fmax(w, iv_width(r->p_short) / r->precision_p);
		for (size_t i = 0; i < r->ncontributors; i++) {
			const sf_risk_contributor *c = &r->contributors[i];
			if (c->klass == SF_RISK_NOT_IN_FORCE)
				continue;
			w = fmax(w, iv_width(c->p_short_absent) / r->precision_p);
			w = fmax(w, iv_width(c->p_short_present) / r->precision_p);
			w = fmax(w, iv_width(c->d_p_short) / r->precision_p);
		}
	}
	return w;
}

/* The total after the next batch: width ~ 1/sqrt(n), with a 10 % margin. */
static size_t next_total(size_t n, double ratio, size_t cap)
{
	double want = isfinite(ratio) ? ceil((double)n * ratio * ratio * 1.1) : 2.0 * (double)n;
	size_t step = n / 4 > 10 ? n / 4 : 10;
	size_t t = want > (double)(n + step) ? (want < (double)cap ? (size_t)want : cap) : n + step;
	return t < cap ? t : cap;
}

/* One batch: samples [a->n, total), plus the plain plan in the first. */
static sf_status risk_batch(sf_risk *r, risk_acc *a, risk_ctx *ctx, size_t total,
                            const sf_analysis_options *o, sf_error *err)
{
	ctx->first = a->n;
	ctx->with_plain = a->n == 0;
	size_t nj = total - a->n + (size_t)ctx->with_plain, rl = record_len(ctx);
	ctx->njobs = nj;
	sf__job_result *res = calloc(nj, sizeof *res);
	sf_status rc = SF_OK;
	if (!res || acc_reserve(r, a, total) != SF_OK) {
		free(res);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	sf__workers_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.njobs = nj;
	spec.nworkers = r->jobs;
	spec.run = risk_job;
	spec.name = risk_name;
	spec.ctx = ctx;
	spec.progress = o->progress;
	spec.progress_ctx = o->progress_ctx;
	rc = sf__workers_run(&spec, res, err);
	if (rc != SF_OK)
		goto out;
	for (size_t j = 0; j < nj; j++) {
		char nm[64];
		risk_name(ctx, j, nm, sizeof nm);
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
	for (size_t j = 0; j < nj; j++) {
		const unsigned char *rec = (const unsigned char *)res[j].data;
		if (ctx->with_plain && j == 0) {
			int32_t foc, st;
			memcpy(&r->plain_z1, rec, sizeof(double));
			memcpy(&foc, rec + sizeof(double), sizeof foc);
			memcpy(&st, rec + sizeof(double) + sizeof foc, sizeof st);
			memcpy(&r->plain_gap1, rec + sizeof(double) + 2 * sizeof foc,
			       sizeof(double));
			r->plain_foc = foc;
			r->plain_stage1 = (sf_solve_status)st;
			r->solves++;
			continue;
		}
		size_t i = ctx->first + j - (size_t)ctx->with_plain;
		acc_take(r, a, i, rec);
		r->solves++;
		for (size_t k = 0; k < a->ncand; k++) {
			unsigned char f = a->pairflags[i * a->ncand + k];
			r->solves += !!(f & PAIR_ABS_SOLVED) + !!(f & PAIR_PRES_SOLVED);
		}
	}
	a->n = total;
	r->batches++;
out:
	sf__job_results_release(res, nj);
	free(res);
	return rc;
}

sf_status sf_risk_run_opts(const sf_scenario *sc, const sf_risk_options *ro,
                           const sf_analysis_options *opts, sf_risk **out, sf_error *err)
{
	sf_status rc = SF_OK;
	sf_risk *r = NULL;
	size_t *cand = NULL, M = (size_t)sc->months;
	unsigned char *unusable = NULL;
	risk_acc acc;
	risk_ctx ctx;
	sf_analysis_options o;
	double t0 = sf__now();
	int precise = ro->precision > 0 || ro->precision_p > 0;
	size_t cap = ro->max_samples ? ro->max_samples : SF_RISK_MAX_SAMPLES;
	size_t first = ro->samples ? ro->samples : precise ? 100 : 200;

	*out = NULL;
	memset(&acc, 0, sizeof acc);
	if (!(ro->precision >= 0) || !(ro->precision_p >= 0) || !isfinite(ro->precision) ||
	    !isfinite(ro->precision_p))
		return sf_error_set(err, SF_ERR_USAGE, "a precision must be a finite number > 0");
	if (!precise)
		cap = first;
	if (first > cap)
		first = cap;
	if (first < 1)
		return sf_error_set(err, SF_ERR_USAGE, "risk needs at least 1 sample");
	if (opts)
		o = *opts;
	else
		sf_analysis_options_init(&o);
	memset(&ctx, 0, sizeof ctx);
	ctx.sc = sc;
	ctx.seed = ro->seed;
	ctx.popts = o.plan;
	ctx.popts.stage1_only = 1;
	ctx.popts.progress = NULL;
	ctx.deadline = o.deadline;
	ctx.limit_s = o.limit_s;

	r = calloc(1, sizeof *r);
	cand = calloc(sc->ncontributors + 1, sizeof *cand);
	unusable = calloc(sc->ncontributors + 1, 1);
	if (!r || !cand || !unusable) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	r->scenario = sc;
	r->seed = ro->seed;
	r->level = SF_RISK_LEVEL;
	r->precision = ro->precision;
	r->precision_p = ro->precision_p;
	r->max_samples = cap;
	r->short_above_given = ro->short_above >= 0;
	r->jobs = sf__analysis_jobs(&o);
	ctx.nworkers = r->jobs;
	r->p_foc_by = calloc(M + 1, sizeof *r->p_foc_by);
	r->p_short_tm = calloc(sc->ntasks * M + 1, sizeof *r->p_short_tm);
	r->contributors = calloc(sc->ncontributors + 1, sizeof *r->contributors);
	if (!r->p_foc_by || !r->p_short_tm || !r->contributors) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* every contributor once; those with a pledge in the force are paired */
	r->pairs = !ro->no_pairs;
	for (size_t c = 0; r->pairs && c < sc->ncontributors; c++) {
		int has = 0;
		for (size_t p = 0; p < sc->npledges; p++)
			has |= sc->pledges[p].contributor == c && pledge_in_force(sc, p);
		if (has) {
			unusable[ctx.ncand] = (unsigned char)never_usable(sc, c);
			cand[ctx.ncand++] = c;
		}
		r->contributors[r->ncontributors].contributor = c;
		r->contributors[r->ncontributors++].klass = SF_RISK_NOT_IN_FORCE;
	}
	ctx.cand = cand;
	ctx.unusable = unusable;
	acc.unusable = unusable;
	acc.cand = cand;
	acc.ncand = ctx.ncand;

	size_t total = first;
	for (;;) {
		rc = risk_batch(r, &acc, &ctx, total, &o, err);
		if (rc != SF_OK)
			goto out;
		r->short_above = r->short_above_given ? ro->short_above : r->plain_z1;
		if (risk_stats(r, &acc) != SF_OK) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (!precise)
			break;
		double ratio = worst_ratio(r);
		r->precision_met = ratio < 1;
		/* a deadline passed: the precision stays unmet, no batch is begun */
		if (r->precision_met || acc.n >= cap || (o.deadline > 0 && sf__now() >= o.deadline))
			break;
		total = next_total(acc.n, ratio, cap);
	}
	r->seconds = sf__now() - t0;
	*out = r;
	r = NULL;
out:
	acc_free(&acc);
	free(cand);
	free(unusable);
	sf_risk_free(r);
	return rc;
}

sf_status sf_risk_run(const sf_scenario *sc, size_t samples, uint64_t seed,
                      const sf_analysis_options *opts, sf_risk **out, sf_error *err)
{
	sf_risk_options ro;
	sf_risk_options_init(&ro);
	if (samples < 1) {
		*out = NULL;
		return sf_error_set(err, SF_ERR_USAGE, "risk needs at least 1 sample");
	}
	ro.samples = samples;
	ro.seed = seed;
	return sf_risk_run_opts(sc, &ro, opts, out, err);
}

/* ------------------------------------------------------------------ */
/* Output                                                               */

/* "12.34 [10.10, 14.58]"; "-" parts where undefined. */
static const char *iv_str(sf_interval iv, int prob, char *buf, size_t n)
{
	int d = prob ? 3 : 2;
	if (isnan(iv.est)) {
		sf_strlcpy(buf, "-", n);
		return buf;
	}
	if (isnan(iv.lo))
		sf_snprintf(buf, n, "%.*f [-]", d, sf__r6(iv.est));
	else
		sf_snprintf(buf, n, "%.*f [%.*f, %.*f]", d, sf__r6(iv.est), d, sf__r6(iv.lo), d,
		            sf__r6(iv.hi));
	return buf;
}

static void json_iv(sf_json_writer *w, const char *key, sf_interval iv)
{
	sf_json_object(w, key);
	sf__json_r6(w, "est", iv.est);
	sf__json_r6(w, "lo", iv.lo);
	sf__json_r6(w, "hi", iv.hi);
	sf_json_end(w);
}

static sf_status risk_month_table(const sf_risk *r, int csv, sf_table **out)
{
	const sf_scenario *sc = r->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	char lab[16], h[160];
	static const char *const sfx[] = {"", "_lo", "_hi"};
	size_t nv = csv ? 3 : 1;
	if (!t)
		return SF_ERR_NOMEM;
	if (csv) {
		rc = sf_table_add_column(t, "month", SF_ALIGN_RIGHT);
		if (rc == SF_OK)
			rc = sf_table_add_column(t, "label", SF_ALIGN_LEFT);
	} else {
		rc = sf_table_add_column(t, "month", SF_ALIGN_LEFT);
	}
	for (size_t v = 0; rc == SF_OK && v < nv; v++) {
		sf_snprintf(h, sizeof h, csv ? "p_foc_by%s" : "P(FOC by)", sfx[v]);
		rc = sf_table_add_column(t, h, SF_ALIGN_RIGHT);
	}
	for (size_t k = 0; rc == SF_OK && k < sc->ntasks; k++)
		for (size_t v = 0; rc == SF_OK && v < nv; v++) {
			sf_snprintf(h, sizeof h, csv ? "p_short_%s%s" : "P(%s short)",
			            sc->tasks[k].id, sfx[v]);
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
		for (size_t k = 0; rc == SF_OK && k <= sc->ntasks; k++) {
			double p = k == 0 ? r->p_foc_by[m - 1]
			                  : r->p_short_tm[(k - 1) * (size_t)sc->months +
			                                  (size_t)(m - 1)];
			size_t cnt = (size_t)llround(p * (double)r->samples);
			sf_interval iv = wilson(cnt, r->samples);
			double v3[] = {p, iv.lo, iv.hi};
			for (size_t v = 0; rc == SF_OK && v < nv; v++)
				rc = sf_table_add_cellf(t, csv ? "%.15g" : "%.3f", sf__r6(v3[v]));
		}
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

/* The contributors of classes [k0, k1]: ranked, unclear, or left out. */
static sf_status risk_contrib_table(const sf_risk *r, sf_risk_class k0, sf_risk_class k1,
                                    sf_table **out)
{
	const sf_scenario *sc = r->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	int left = k0 >= SF_RISK_NO_EFFECT;
	char b[96];
	if (!t)
		return SF_ERR_NOMEM;
	static const char *const cols[] = {"rank",
	                                   "contributor",
	                                   "d shortfall [95 % CI]",
	                                   "shortfall | absent",
	                                   "shortfall | present",
	                                   "P(short | absent)",
	                                   "P(short | present)",
	                                   "rests on"};
	if (left) {
		rc = sf_table_add_column(t, "contributor", SF_ALIGN_LEFT);
		if (rc == SF_OK)
			rc = sf_table_add_column(t, "why it is not ranked", SF_ALIGN_LEFT);
	}
	for (size_t i = k0 == SF_RISK_RANKED ? 0 : 1;
	     !left && rc == SF_OK && i < SF_ARRAY_LEN(cols); i++)
		rc = sf_table_add_column(t, cols[i],
		                         i == 1 || i + 1 == SF_ARRAY_LEN(cols) ? SF_ALIGN_LEFT
		                                                               : SF_ALIGN_RIGHT);
	for (size_t i = 0; rc == SF_OK && i < r->ncontributors; i++) {
		const sf_risk_contributor *c = &r->contributors[i];
		if (c->klass < k0 || c->klass > k1)
			continue;
		rc = sf_table_begin_row(t);
		if (rc == SF_OK && k0 == SF_RISK_RANKED)
			rc = sf_table_add_cellf(t, "%d", c->rank);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, sc->contributors[c->contributor].id);
		if (left) {
			if (rc == SF_OK)
				rc = sf_table_add_cell(t, class_reason(c->klass));
			continue;
		}
		sf_interval v[] = {c->d_z1, c->z1_absent, c->z1_present, c->p_short_absent,
		                   c->p_short_present};
		for (size_t j = 0; rc == SF_OK && j < SF_ARRAY_LEN(v); j++)
			rc = sf_table_add_cell(t, iv_str(v[j], j >= 3, b, sizeof b));
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

static void json_precision(sf_json_writer *w, const sf_risk *r)
{
	sf_json_object(w, "precision");
	if (r->precision > 0)
		sf_json_num(w, "shortfall", r->precision);
	else
		sf_json_null(w, "shortfall");
	if (r->precision_p > 0)
		sf_json_num(w, "probability", r->precision_p);
	else
		sf_json_null(w, "probability");
	sf_json_int(w, "max_samples", (long long)r->max_samples);
	if (r->precision > 0 || r->precision_p > 0)
		sf_json_bool(w, "met", r->precision_met);
	else
		sf_json_null(w, "met");
	sf_json_int(w, "batches", (long long)r->batches);
	sf_json_end(w);
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
	sf_json_num(&w, "level", r->level);
	sf_json_int(&w, "solves", (long long)r->solves);
	json_precision(&w, r);
	sf_json_bool(&w, "pairs", r->pairs);
	sf__json_r6(&w, "short_above", r->short_above);
	sf_json_object(&w, "plain");
	sf__json_r6(&w, "z1", r->plain_z1);
	sf__json_month(&w, "foc_month", r->plain_foc);
	sf_json_str(&w, "stage1", sf_solve_status_str(r->plain_stage1));
	sf_json_num(&w, "stage1_gap", r->plain_gap1);
	sf_json_bool(&w, "proven", sf_stage_proven(r->plain_stage1, r->plain_gap1));
	sf_json_end(&w);
	sf_json_int(&w, "samples_not_proven", (long long)r->not_proven);
	sf_json_object(&w, "z1");
	json_iv(&w, "mean", r->z1_mean);
	sf__json_r6(&w, "p10", r->z1_p10);
	sf__json_r6(&w, "p50", r->z1_p50);
	sf__json_r6(&w, "p90", r->z1_p90);
	sf__json_r6(&w, "min", r->z1_min);
	sf__json_r6(&w, "max", r->z1_max);
	sf_json_end(&w);
	json_iv(&w, "p_complete", r->p_complete);
	json_iv(&w, "p_short", r->p_short);
	sf__json_r6(&w, "p_foc_never", r->p_foc_never);
	sf__json_r6(&w, "p_any_short", r->p_any_short);
	sf__json_r6(&w, "month_halfwidth", r->month_halfwidth);
	sf_json_array(&w, "months");
	for (int m = 1; m <= sc->months; m++) {
		sf_json_object(&w, NULL);
		sf_json_int(&w, "month", m);
		sf_json_str(&w, "label", sf_scenario_month_label(sc, m, lab, sizeof lab));
		sf__json_r6(&w, "p_foc_by", r->p_foc_by[m - 1]);
		sf_json_object(&w, "p_short");
		for (size_t k = 0; k < sc->ntasks; k++)
			sf__json_r6(&w, sc->tasks[k].id,
			            r->p_short_tm[k * (size_t)sc->months + (size_t)(m - 1)]);
		sf_json_end(&w);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_array(&w, "contributors");
	for (size_t i = 0; i < r->ncontributors; i++) {
		const sf_risk_contributor *c = &r->contributors[i];
		sf_json_object(&w, NULL);
		sf_json_str(&w, "contributor", sc->contributors[c->contributor].id);
		sf_json_str(&w, "class", sf_risk_class_str(c->klass));
		if (c->rank > 0)
			sf_json_int(&w, "rank", c->rank);
		else
			sf_json_null(&w, "rank");
		sf_json_str(&w, "reason",
		            c->klass >= SF_RISK_NO_EFFECT ? class_reason(c->klass) : NULL);
		sf__json_pledge_status(&w, "rests_on", sf_contributor_status(sc, c->contributor));
		if (c->klass == SF_RISK_NOT_IN_FORCE) {
			sf_json_end(&w);
			continue;
		}
		sf_json_int(&w, "absent", (long long)c->absent);
		json_iv(&w, "d_z1", c->d_z1);
		json_iv(&w, "z1_absent", c->z1_absent);
		json_iv(&w, "z1_present", c->z1_present);
		json_iv(&w, "p_short_absent", c->p_short_absent);
		json_iv(&w, "p_short_present", c->p_short_present);
		json_iv(&w, "d_p_short", c->d_p_short);
		sf_json_int(&w, "solves", (long long)c->solves);
		sf_json_int(&w, "not_proven", (long long)c->not_proven);
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

/* The opening lines: samples, precision, intervals, the plain plan, proof. */
static sf_status risk_intro(const sf_risk *r, sf_format fmt, sf_buf *out)
{
	const sf_scenario *sc = r->scenario;
	const char *b = fmt == SF_FORMAT_MD ? "**" : "";
	const char *pm = sf_stage_proven(r->plain_stage1, r->plain_gap1) ? "" : "*";
	char foc[16], why[96], prec[256] = "";
	sf_status rc = sf_buf_adds(
	        out, fmt == SF_FORMAT_MD ? "## Risk: how likely the force is complete\n\n" : "");
	if (r->precision > 0 || r->precision_p > 0) {
		char a[64] = "", p[64] = "";
		if (r->precision > 0)
			sf_snprintf(a, sizeof a, "in shortfall units narrower than %g",
			            r->precision);
		if (r->precision_p > 0)
			sf_snprintf(p, sizeof p, "%sof probabilities narrower than %g",
			            *a ? ", " : "", r->precision_p);
		sf_snprintf(prec, sizeof prec,
		            " chosen for a precision (every interval %s%s): %s after %zu batch%s "
		            "(cap %zu)",
		            a, p, r->precision_met ? "met" : "NOT MET at the cap", r->batches,
		            r->batches == 1 ? "" : "es", r->max_samples);
	}
	if (rc == SF_OK)
		rc = sf_buf_addf(
		        out,
		        "%sRisk%s: %zu samples%s, seed %llu; %zu stage-1 solves (%s). With "
		        "every pledge as given: weighted shortfall %.2f%s, FOC %s%s (%s).\n",
		        b, b, r->samples, prec, (unsigned long long)r->seed, r->solves,
		        r->pairs ? "each sample, and each contributor with and without it on the "
		                   "same draw"
		                 : "the plan as given and each sample; no contributor pairs",
		        r->plain_z1, pm, sf__month_or_never(sc, r->plain_foc, foc, sizeof foc), pm,
		        sf_stage_proof_str(r->plain_stage1, r->plain_gap1, why, sizeof why));
	if (rc == SF_OK)
		rc = sf_buf_addf(
		        out,
		        "Intervals: %.0f %% confidence; Student t on means (paired on the "
		        "same draws for a contributor's difference), Wilson score on "
		        "probabilities. \"Short\" means a weighted shortfall above %.2f%s.\n",
		        100 * r->level, r->short_above,
		        r->short_above_given ? " (--short-above)"
		                             : ", the plan's with every pledge as given");
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
	return rc;
}

static sf_status risk_summary_table(const sf_risk *r, sf_table **out)
{
	sf_table *t = sf_table_new();
	sf_status rc;
	char b[96];
	if (!t)
		return SF_ERR_NOMEM;
	rc = sf_table_add_column(t, "estimate", SF_ALIGN_LEFT);
	if (rc == SF_OK)
		rc = sf_table_add_column(t, "value [95 % CI]", SF_ALIGN_RIGHT);
	const char *name[] = {"expected weighted shortfall", "P(complete: FOC in some month)",
	                      "P(short)"};
	sf_interval v[] = {r->z1_mean, r->p_complete, r->p_short};
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(v); i++) {
		rc = sf_table_begin_row(t);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, name[i]);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, iv_str(v[i], i > 0, b, sizeof b));
	}
	if (rc != SF_OK) {
		sf_table_free(t);
		return rc;
	}
	*out = t;
	return SF_OK;
}

/* One table under its heading; nothing when it has no row. */
static sf_status risk_section(sf_table *t, size_t rows, const char *head, sf_format fmt,
                              sf_buf *out, sf_error *err)
{
	sf_status rc = rows ? sf__table_section(t, head, fmt, out, err) : SF_OK;
	sf_table_free(t);
	return rc;
}

sf_status sf_risk_write(const sf_risk *r, sf_format fmt, sf_buf *out, sf_error *err)
{
	sf_table *t = NULL;
	sf_status rc;
	if (fmt == SF_FORMAT_JSON)
		return risk_json(r, out, err);
	if (fmt == SF_FORMAT_CSV) {
		rc = risk_month_table(r, 1, &t);
		if (rc == SF_OK)
			rc = sf_table_write_csv(t, out);
		sf_table_free(t);
		return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing CSV");
	}
	const char *pm = sf_stage_proven(r->plain_stage1, r->plain_gap1) ? "" : "*";
	const char *sm = r->not_proven ? " (*)" : "";
	char head[320];
	size_t nleft = r->ncontributors - r->nranked - r->nunclear;
	rc = risk_intro(r, fmt, out);
	if (rc != SF_OK || (rc = risk_summary_table(r, &t)) != SF_OK)
		goto oom;
	sf_snprintf(head, sizeof head, "Over the samples%s", sm);
	if ((rc = risk_section(t, 1, head, fmt, out, err)) != SF_OK)
		return rc;
	rc = sf_buf_addf(out,
	                 "Spread of the samples' weighted shortfall (a description, not an "
	                 "estimate): min %.2f, p10 %.2f, p50 %.2f, p90 %.2f, max %.2f. P(some "
	                 "task short in some month) %.3f.\n\n",
	                 sf__r6(r->z1_min), sf__r6(r->z1_p10), sf__r6(r->z1_p50), sf__r6(r->z1_p90),
	                 sf__r6(r->z1_max), sf__r6(r->p_any_short));
	if (rc != SF_OK || (rc = risk_month_table(r, 0, &t)) != SF_OK)
		goto oom;
	sf_snprintf(head, sizeof head,
	            "Probability of full operational capability by each month, and of each task "
	            "being short in it (every cell within +/- %.3f, 95 %% Wilson)%s",
	            r->month_halfwidth, sm);
	if ((rc = risk_section(t, 1, head, fmt, out, err)) != SF_OK)
		return rc;
	if ((rc = risk_contrib_table(r, SF_RISK_RANKED, SF_RISK_RANKED, &t)) != SF_OK)
		goto oom;
	sf_snprintf(head, sizeof head,
	            "Contributors ranked by the shortfall their absence adds (absent minus present "
	            "on the same draws; only those whose interval excludes zero)%s",
	            sm);
	if ((rc = risk_section(t, r->nranked, head, fmt, out, err)) != SF_OK)
		return rc;
	if (!r->pairs) {
		rc = sf_buf_adds(out, "Contributors: not planned with and without each (no pairs "
		                      "asked for), so not ranked.\n\n");
		if (rc != SF_OK)
			goto oom;
	} else if (!r->nranked &&
	           (rc = sf_buf_addf(out,
	                             "No contributor's effect is distinguishable from zero at %zu "
	                             "samples.\n\n",
	                             r->samples)) != SF_OK)
		goto oom;
	if ((rc = risk_contrib_table(r, SF_RISK_UNCLEAR, SF_RISK_UNCLEAR, &t)) != SF_OK)
		goto oom;
	sf_snprintf(head, sizeof head,
	            "Not distinguishable from zero at %zu samples (not ranked)%s", r->samples, sm);
	if ((rc = risk_section(t, r->nunclear, head, fmt, out, err)) != SF_OK)
		return rc;
	if ((rc = risk_contrib_table(r, SF_RISK_NO_EFFECT, SF_RISK_NOT_IN_FORCE, &t)) != SF_OK)
		goto oom;
	if ((rc = risk_section(t, nleft, "Left out of the ranking", fmt, out, err)) != SF_OK)
		return rc;
	if ((rc = sf__unproven_legend(*pm || r->not_proven, fmt, out)) != SF_OK)
		return sf_error_set(err, rc, "out of memory writing the risk report");
	return SF_OK;
oom:
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the risk report");
}
