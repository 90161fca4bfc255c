/*
 * model.c - the planning model of docs/model.md, built from a scenario.
 *
 * The model is kept solver-neutral: plain arrays of columns and a CSR
 * matrix of rows, appended to as the builder walks the scenario. The
 * builder follows docs/model.md line by line; the one reformulation is the
 * share cap. Written literally (row 5) every contributor's share row holds
 * every in-sector x of the month, which is C x |x| non-zeros (2.4 million
 * a month for a UN-sized force). Instead a continuous column y_m carries
 * the in-sector personnel of the month (row INSEC: y_m = sum P x), the
 * ceiling is y_m <= T_max and each share row is sum_{p of c} P x - sigma
 * y_m <= 0. The feasible set in x is the same; the matrix is linear in
 * the size of the force.
 *
 * Coverage rows and shortfall columns exist only where R > 0 (where R = 0
 * the shortfall is 0 in every optimum and the row is slack). The x columns
 * follow the existence rules even where R = 0: such units deliver nothing,
 * but in-sector personnel raise the share cap's denominator, so they can
 * matter in stage 1 (and cost money in stage 2, which removes them).
 *
 * Stage-1 month models (spec->strengthen) also get valid inequalities
 * that remove fractional plans and no integer one: the convex hull of each
 * national cap and the rounding of each coverage row (add_cap_hull and
 * add_round_row below; docs/model.md). The export never has them.
 *
 * Each constraint family of docs/model.md is built by one function
 * (add_pledge_size, add_coverage, add_ceiling, add_national_cap,
 * add_share, add_arrivals, add_month_z1, add_z1, and the aggregation and
 * in-sector definitions); sf__model_build() only calls them in order.
 *
 * The existence rules, requirements, soft-veto penalties and the stage-2
 * tolerance are defined once here and used by plan.c as well.
 */
#include "base/internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/model.h"

/* ------------------------------------------------------------------ */
/* Data rules                                                          */

double sf__ramp(const sf_task *t, int m)
{
	double level = 0;

	if (t->nramp == 0 || t->ramp == NULL)
		return 1.0;
	for (size_t i = 0; i < t->nramp; i++) {
		if (t->ramp[i].from <= m)
			level = t->ramp[i].level;
		else
			break;
	}
	return level;
}

double sf__requirement(const sf_scenario *sc, size_t t, size_t l, int m)
{
	const sf_task *tk = &sc->tasks[t];
	double base = 0;

	if (m < 1 || m > sc->months)
		return 0;
	if (tk->scope == SF_SCOPE_MISSION) {
		if (l != SF_MISSION(sc))
			return 0;
		return tk->req_value * sf__ramp(tk, m);
	}
	if (l >= sc->nsectors)
		return 0;
	const sf_sector *s = &sc->sectors[l];
	if (m < s->opens)
		return 0;
	switch (tk->req_kind) {
	case SF_REQ_PER:
		base = 0;
		if (tk->req_per != NULL && tk->req_every > 0) {
			for (size_t a = 0; a < s->nattrs; a++)
				if (strcmp(s->attrs[a].name, tk->req_per) == 0) {
					base = s->attrs[a].value / tk->req_every;
					break;
				}
		}
		break;
	case SF_REQ_VALUE:
		base = tk->req_value;
		break;
	case SF_REQ_BY_SECTOR:
		base = tk->req_by_sector != NULL ? tk->req_by_sector[l] : 0;
		break;
	}
	return base * s->threat * sf__ramp(tk, m);
}

/* 1 when an active hard veto covers the contributor of p in sector l. */
static int hard_vetoed(const sf_scenario *sc, size_t p, size_t l)
{
	size_t c = sc->pledges[p].contributor;

	if (l >= sc->nsectors)
		return 0; /* a veto never covers mission */
	for (size_t v = 0; v < sc->nvetoes; v++) {
		const sf_veto *vt = &sc->vetoes[v];
		if (!vt->active || vt->kind != SF_VETO_HARD || vt->contributor != c)
			continue;
		if (vt->all_sectors || (vt->sector_mask != NULL && vt->sector_mask[l]))
			return 1;
	}
	return 0;
}

double sf__soft_penalty(const sf_scenario *sc, size_t p, size_t l)
{
	size_t c = sc->pledges[p].contributor;
	double sum = 0;

	if (l >= sc->nsectors)
		return 0;
	for (size_t v = 0; v < sc->nvetoes; v++) {
		const sf_veto *vt = &sc->vetoes[v];
		if (!vt->active || vt->kind != SF_VETO_SOFT || vt->contributor != c)
			continue;
		if (vt->all_sectors || (vt->sector_mask != NULL && vt->sector_mask[l]))
			sum += vt->penalty;
	}
	return sum;
}

int sf__x_exists(const sf_scenario *sc, size_t p, size_t l, size_t t, int m)
{
	const sf_pledge *pl = &sc->pledges[p];
	const sf_task *tk = &sc->tasks[t];

	if (!pl->active || !sc->contributors[pl->contributor].active || pl->count < 1)
		return 0;
	if (m < pl->from || m > pl->to || m < 1 || m > sc->months)
		return 0;
	if (!(sc->unit_types[pl->unit].capability[t] > 0))
		return 0;
	if (tk->scope == SF_SCOPE_MISSION ? l != SF_MISSION(sc) : l >= sc->nsectors)
		return 0;
	if (pl->task_ok != NULL && !pl->task_ok[t])
		return 0;
	if (pl->loc_ok != NULL && !pl->loc_ok[l])
		return 0;
	if (l < sc->nsectors && m < sc->sectors[l].opens)
		return 0;
	if (hard_vetoed(sc, p, l))
		return 0;
	return 1;
}

double sf__z1_tolerance(double z1)
{
	double t = 1e-6 * fabs(z1);
	return t > 1e-6 ? t : 1e-6;
}

/* ------------------------------------------------------------------ */
/* Building                                                            */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	np = sf__reallocarray(*p, ncap, size);
	if (np == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static int add_col(sf__model *md, sf__col_kind kind, int month, int a, int b, int c, double lb,
                   double ub, double obj, int is_int)
{
	size_t n = (size_t)md->ncols + 1, cap;

	if (n > md->col_cap) {
		cap = md->col_cap;
		if (grow((void **)&md->obj, &cap, n, sizeof(double)))
			return -1;
		cap = md->col_cap;
		if (grow((void **)&md->lb, &cap, n, sizeof(double)))
			return -1;
		cap = md->col_cap;
		if (grow((void **)&md->ub, &cap, n, sizeof(double)))
			return -1;
		cap = md->col_cap;
		if (grow((void **)&md->is_int, &cap, n, 1))
			return -1;
		cap = md->col_cap;
		if (grow((void **)&md->col, &cap, n, sizeof(sf__tag)))
			return -1;
		md->col_cap = cap;
	}
	int j = md->ncols++;
	md->obj[j] = obj;
	md->lb[j] = lb;
	md->ub[j] = ub;
	md->is_int[j] = (unsigned char)is_int;
	md->col[j] = (sf__tag){(unsigned char)kind, month, a, b, c};
	return j;
}

/* Start a row; its coefficients follow with add_nz. */
static int begin_row(sf__model *md, sf__row_kind kind, int month, int a, int b, int c, char sense,
                     double rhs)
{
	size_t n = (size_t)md->nrows + 1, cap;

	if (n + 1 > md->row_cap) {
		cap = md->row_cap;
		if (grow((void **)&md->sense, &cap, n + 1, 1))
			return -1;
		cap = md->row_cap;
		if (grow((void **)&md->rhs, &cap, n + 1, sizeof(double)))
			return -1;
		cap = md->row_cap;
		if (grow((void **)&md->row, &cap, n + 1, sizeof(sf__tag)))
			return -1;
		cap = md->row_cap;
		if (grow((void **)&md->rstart, &cap, n + 1, sizeof(int)))
			return -1;
		md->row_cap = cap;
	}
	int i = md->nrows++;
	md->sense[i] = sense;
	md->rhs[i] = rhs;
	md->row[i] = (sf__tag){(unsigned char)kind, month, a, b, c};
	md->rstart[i] = md->nnz;
	md->rstart[i + 1] = md->nnz;
	return 0;
}

static int add_nz(sf__model *md, int j, double v)
{
	size_t n = (size_t)md->nnz + 1, cap;

	if (v == 0)
		return 0;
	if (n > md->nnz_cap) {
		cap = md->nnz_cap;
		if (grow((void **)&md->rind, &cap, n, sizeof(int)))
			return -1;
		cap = md->nnz_cap;
		if (grow((void **)&md->rval, &cap, n, sizeof(double)))
			return -1;
		md->nnz_cap = cap;
	}
	md->rind[md->nnz] = j;
	md->rval[md->nnz] = v;
	md->nnz++;
	md->rstart[md->nrows] = md->nnz;
	return 0;
}

/* Drop the last row if it got no coefficients (an empty row is trivially true). */
static void drop_empty_row(sf__model *md)
{
	if (md->nrows > 0 && md->rstart[md->nrows - 1] == md->nnz)
		md->nrows--;
}

void sf__model_free(sf__model *md)
{
	if (md == NULL)
		return;
	free(md->obj);
	free(md->lb);
	free(md->ub);
	free(md->is_int);
	free(md->col);
	free(md->sense);
	free(md->rhs);
	free(md->row);
	free(md->rstart);
	free(md->rind);
	free(md->rval);
	free(md->xcol);
	free(md);
}

int sf__model_xcol(const sf__model *md, size_t p, size_t l, size_t t, int m)
{
	if (p >= md->npledges || l >= md->nloc || t >= md->ntasks || m < 1 || m > md->months)
		return -1;
	return md->xcol[((p * md->nloc + l) * md->ntasks + t) * (size_t)md->months +
	                (size_t)(m - 1)];
}

/*
 * The convex hull of a national cap (stage 1, valid inequalities).
 *
 * A cap is a knapsack over the contributor's pledges: sum_p P_p n_p <=
 * cap, n_p the integer units of pledge p deployed in the month. Its LP
 * relaxation lets the solver deploy 4.67 units of 450 under a cap of
 * 2100; branch and bound then spends most of its time on such fractions
 * (UN-sized months did not prove in minutes). The set of integer n
 * under the cap is down-closed (fewer units always fit), so its convex
 * hull is {n : n <= sum_k lambda_k v_k, sum_k lambda_k <= 1, lambda >= 0}
 * over its maximal points v_k (no pledge can add one unit). Adding that
 * description (continuous lambda, one row per pledge) cuts off every
 * fraction the cap forbids and nothing else: the integer plans are
 * exactly those of the model. A contributor with more than
 * CAP_HULL_MAX_PATTERNS maximal points (or whose points take more than
 * CAP_HULL_MAX_STEPS steps to enumerate) keeps its cap row alone.
 */
#define CAP_HULL_MAX_PATTERNS 256
#define CAP_HULL_MAX_STEPS 50000

typedef struct cap_enum {
	int n;           /* pledges */
	const double *P; /* [n] personnel per unit */
	const int *U;    /* [n] most units of each */
	double cap;      /* the cap */
	int *v;          /* [n] the point being built */
	int *pat;        /* [CAP_HULL_MAX_PATTERNS][n] maximal points found */
	int npat;
	long steps;
	int overflow;
} cap_enum;

/* Depth-first over v[i..n-1] with `used` personnel taken by v[0..i-1]. */
static void cap_enum_rec(cap_enum *e, int i, double used)
{
	if (e->overflow || ++e->steps > CAP_HULL_MAX_STEPS) {
		e->overflow = 1;
		return;
	}
	if (i == e->n) {
		/* Maximal: no pledge can take one more unit. */
		for (int k = 0; k < e->n; k++)
			if (e->v[k] < e->U[k] && used + e->P[k] <= e->cap + 1e-9)
				return;
		if (e->npat == CAP_HULL_MAX_PATTERNS) {
			e->overflow = 1;
			return;
		}
		memcpy(e->pat + (size_t)e->npat * (size_t)e->n, e->v, (size_t)e->n * sizeof(int));
		e->npat++;
		return;
	}
	for (int x = e->U[i]; x >= 0; x--) {
		if (used + x * e->P[i] > e->cap + 1e-9)
			continue;
		e->v[i] = x;
		cap_enum_rec(e, i + 1, used + x * e->P[i]);
	}
}

/* Add contributor c's cap hull for month m; 0 (also when it is skipped) or -1 out of memory. */
static int add_cap_hull(sf__model *md, const sf_scenario *sc, size_t c, int m)
{
	const size_t np = sc->npledges, nl = SF_NLOC(sc), nt = sc->ntasks;
	size_t *pl = sf__mallocarray(np + 1, sizeof(size_t));
	double *P = sf__mallocarray(np + 1, sizeof(double));
	int *U = sf__mallocarray(np + 1, sizeof(int));
	int *v = sf__mallocarray(np + 1, sizeof(int));
	int *pat = sf__mallocarray((size_t)CAP_HULL_MAX_PATTERNS * (np + 1), sizeof(int));
	int n = 0, rc = -1, lam0 = 0;
	double cap = sc->contributors[c].cap;

	if (!pl || !P || !U || !v || !pat)
		goto out;
	for (size_t p = 0; p < np; p++) {
		int any = 0;
		if (sc->pledges[p].contributor != c)
			continue;
		for (size_t l = 0; l < nl && !any; l++)
			for (size_t t = 0; t < nt && !any; t++)
				any = sf__model_xcol(md, p, l, t, m) >= 0;
		if (!any)
			continue;
		pl[n] = p;
		P[n] = sc->unit_types[sc->pledges[p].unit].personnel;
		U[n] = sc->pledges[p].count;
		if (P[n] > 0 && cap / P[n] < U[n])
			U[n] = cap < 0 ? 0 : (int)floor(cap / P[n] + 1e-9);
		n++;
	}
	cap_enum e = {n, P, U, cap, v, pat, 0, 0, 0};
	if (n > 0)
		cap_enum_rec(&e, 0, 0);
	rc = 0;
	if (n == 0 || e.overflow || e.npat <= 1)
		goto out; /* nothing to add, or too many points: the cap row alone */
	lam0 = md->ncols;
	for (int k = 0; k < e.npat; k++)
		if (add_col(md, SF__COL_LAMBDA, m, (int)c, k, -1, 0, 1, 0, 0) < 0)
			goto fail;
	if (begin_row(md, SF__ROW_CAPCVX, m, (int)c, -1, -1, 'L', 1) < 0)
		goto fail;
	for (int k = 0; k < e.npat; k++)
		if (add_nz(md, lam0 + k, 1.0) < 0)
			goto fail;
	for (int i = 0; i < n; i++) {
		if (begin_row(md, SF__ROW_CAPHULL, m, (int)c, (int)pl[i], -1, 'L', 0) < 0)
			goto fail;
		for (size_t l = 0; l < nl; l++)
			for (size_t t = 0; t < nt; t++) {
				int j = sf__model_xcol(md, pl[i], l, t, m);
				if (j >= 0 && add_nz(md, j, 1.0) < 0)
					goto fail;
			}
		for (int k = 0; k < e.npat; k++)
			if (add_nz(md, lam0 + k, -(double)pat[(size_t)k * (size_t)n + (size_t)i]) <
			    0)
				goto fail;
	}
	goto out;
fail:
	rc = -1;
out:
	free(pl);
	free(P);
	free(U);
	free(v);
	free(pat);
	return rc;
}

/*
 * Coverage rounding (stage 1, valid inequalities).
 *
 * In a cell (task t, location l) the coverage is sum_u K_ut z_u with z
 * integer. When every K_ut is a multiple of a step s (0.5 in most
 * scenarios: capabilities like 0.5, 1, 1.5, 2), coverage moves in steps
 * of s, and with R = (q + phi) s, 0 < phi < 1, the shortfall of an
 * integer plan satisfies g >= phi (s (q + 1) - coverage): it is at least
 * phi s at q steps and reaches 0 only at q + 1 (the mixed-integer
 * rounding of the coverage row, for the one integer "steps of coverage").
 * The LP relaxation otherwise covers fractional requirements exactly with
 * fractional units; with the row it pays for the whole last step. On
 * UN-sized months this, with the caps' hulls, turned proofs that ran for
 * minutes into seconds (docs/benchmarks.md).
 */
#define ROUND_MAX_DEN 1000

/* The smallest D in 1..ROUND_MAX_DEN with K D an integer, or 0. */
static long capability_denominator(double K)
{
	for (long D = 1; D <= ROUND_MAX_DEN; D++) {
		double v = K * (double)D;
		if (fabs(v - round(v)) <= 1e-9 * (fabs(v) > 1 ? fabs(v) : 1))
			return D;
	}
	return 0;
}

static long gcd_l(long a, long b)
{
	while (b) {
		long r = a % b;
		a = b;
		b = r;
	}
	return a < 0 ? -a : a;
}

/*
 * The step s of cell (t, l)'s coverage: the largest s with every
 * capability of a unit type that has a z column there a multiple of s;
 * 0 when there is none (no column, or capabilities that are not
 * fractions with small denominators).
 */
static double cover_step(const sf_scenario *sc, const int *zcol_tl, size_t stride, size_t t)
{
	long D = 1, g = 0;
	size_t nu = sc->nunit_types;
	for (size_t u = 0; u < nu; u++) {
		if (zcol_tl[u * stride] < 0)
			continue;
		long d = capability_denominator(sc->unit_types[u].capability[t]);
		if (d == 0)
			return 0;
		D = D / gcd_l(D, d) * d;
		if (D > 1000000)
			return 0;
	}
	for (size_t u = 0; u < nu; u++)
		if (zcol_tl[u * stride] >= 0)
			g = gcd_l(g, (long)llround(sc->unit_types[u].capability[t] * (double)D));
	return g > 0 ? (double)g / (double)D : 0;
}

/*
 * Add the rounding row of cell (t, l) in month m, whose z columns are in
 * zcol ([u][l][t] of the month) and shortfall column is g:
 * g + phi sum K z >= phi s (q + 1) when R = (q + phi) s is off the steps.
 * 0 (also when there is no row to add) or -1 out of memory.
 */
static int add_round_row(sf__model *md, const sf_scenario *sc, const int *zcol, size_t l, size_t t,
                         int m, double R, int g)
{
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks;
	double st = cover_step(sc, zcol + l * nt + t, nl * nt, t);
	if (!(st > 0))
		return 0;
	double q = floor(R / st + 1e-9), phi = R / st - q;
	if (!(phi > 1e-6 && phi < 1 - 1e-6))
		return 0;
	double rhs = phi * st * (q + 1);
	if (begin_row(md, SF__ROW_ROUND, m, -1, (int)l, (int)t, 'G',
	              rhs - 1e-9 * (rhs > 1 ? rhs : 1)) < 0)
		return -1;
	for (size_t u = 0; u < sc->nunit_types; u++) {
		int j = zcol[(u * nl + l) * nt + t];
		if (j >= 0 && add_nz(md, j, phi * sc->unit_types[u].capability[t]) < 0)
			return -1;
	}
	return add_nz(md, g, 1.0);
}

/*
 * The builder: one function per constraint family of docs/model.md, each
 * appending its columns and rows for one month (or, for the stage-2 Z1
 * row, for the whole horizon). sf__model_build() calls them in a fixed
 * order, which is the order of the rows in the model (and in the export):
 * solvers are sensitive to it, so a change of order is a change of
 * behaviour.
 */

/* The state of one build, shared by the family functions. */
typedef struct builder {
	const sf_scenario *sc;
	const sf__model_spec *spec;
	sf__model *md;
	int m_first, m_last; /* the months built, 1-based inclusive */
	int *zcol;           /* [u][l][t] aggregate column of the current month, -1 */
	int *ycol;           /* [M] in-sector personnel column of each month, -1 */
} builder;

/* Evaluate a step that returns < 0 out of memory; pass the failure up. */
#define TRY(expr)                                                                                  \
	do {                                                                                       \
		if ((expr) < 0)                                                                    \
			return -1;                                                                 \
	} while (0)

/* Add coef times every x column of pledge p in month m at locations 0..nloc-1. */
static int add_pledge_terms(sf__model *md, size_t p, size_t nloc, int m, double coef)
{
	for (size_t l = 0; l < nloc; l++)
		for (size_t t = 0; t < md->ntasks; t++) {
			int j = sf__model_xcol(md, p, l, t, m);
			if (j >= 0)
				TRY(add_nz(md, j, coef));
		}
	return 0;
}

/* The x columns of every month, with their stage-2 cost; filled into md->xcol. */
static int add_x_columns(builder *b)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	const size_t np = sc->npledges, nl = SF_NLOC(sc), nt = sc->ntasks;

	for (int m = b->m_first; m <= b->m_last; m++)
		for (size_t p = 0; p < np; p++) {
			const sf_pledge *pl = &sc->pledges[p];
			const sf_unit_type *u = &sc->unit_types[pl->unit];
			for (size_t l = 0; l < nl; l++) {
				double cost = 0;
				if (b->spec->stage == 2)
					cost = u->monthly_cost +
					       sf__soft_penalty(sc, p, l) * (double)u->personnel;
				for (size_t t = 0; t < nt; t++) {
					int j;
					if (!sf__x_exists(sc, p, l, t, m))
						continue;
					TRY(j = add_col(md, SF__COL_X, m, (int)p, (int)l, (int)t, 0,
					                (double)pl->count, cost, 1));
					md->xcol[((p * nl + l) * nt + t) * (size_t)md->months +
					         (size_t)(m - 1)] = j;
				}
			}
		}
	return 0;
}

/* Aggregation: z[u][l][t] - sum of x over the pledges of type u = 0; fills b->zcol. */
static int add_aggregation(builder *b, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	const size_t np = sc->npledges, nl = SF_NLOC(sc), nt = sc->ntasks;

	for (size_t u = 0; u < sc->nunit_types; u++)
		for (size_t l = 0; l < nl; l++)
			for (size_t t = 0; t < nt; t++) {
				double ub = 0;
				int z;
				b->zcol[(u * nl + l) * nt + t] = -1;
				for (size_t p = 0; p < np; p++)
					if (sc->pledges[p].unit == u &&
					    sf__model_xcol(md, p, l, t, m) >= 0)
						ub += sc->pledges[p].count;
				if (ub == 0)
					continue;
				TRY(z = add_col(md, SF__COL_Z, m, (int)u, (int)l, (int)t, 0, ub, 0,
				                1));
				b->zcol[(u * nl + l) * nt + t] = z;
				TRY(begin_row(md, SF__ROW_AGG, m, (int)u, (int)l, (int)t, 'E', 0));
				TRY(add_nz(md, z, 1.0));
				for (size_t p = 0; p < np; p++) {
					int j;
					if (sc->pledges[p].unit == u &&
					    (j = sf__model_xcol(md, p, l, t, m)) >= 0)
						TRY(add_nz(md, j, -1.0));
				}
			}
	return 0;
}

/*
 * Coverage (design row 2): sum_u K z + g >= R where R > 0, with the
 * shortfall column g (weighted in stage 1's objective). A strengthened
 * stage-1 month adds each cell's rounding row right after its coverage row.
 */
static int add_coverage(builder *b, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks;

	for (size_t t = 0; t < nt; t++)
		for (size_t l = 0; l < nl; l++) {
			double R = sf__requirement(sc, t, l, m);
			int g;
			if (!(R > 0))
				continue;
			TRY(g = add_col(md, SF__COL_G, m, -1, (int)l, (int)t, 0, HUGE_VAL,
			                b->spec->stage == 1 ? sc->tasks[t].weight : 0, 0));
			TRY(begin_row(md, SF__ROW_COVER, m, -1, (int)l, (int)t, 'G', R));
			for (size_t u = 0; u < sc->nunit_types; u++) {
				int j = b->zcol[(u * nl + l) * nt + t];
				if (j >= 0)
					TRY(add_nz(md, j, sc->unit_types[u].capability[t]));
			}
			TRY(add_nz(md, g, 1.0));
			if (b->spec->stage == 1 && b->spec->strengthen)
				TRY(add_round_row(md, sc, b->zcol, l, t, m, R, g));
		}
	return 0;
}

/* Pledge size (design row 1): sum_{l,t} x <= N_p. */
static int add_pledge_size(builder *b, int m)
{
	sf__model *md = b->md;

	for (size_t p = 0; p < b->sc->npledges; p++) {
		TRY(begin_row(md, SF__ROW_PLEDGE, m, (int)p, -1, -1, 'L',
		              (double)b->sc->pledges[p].count));
		TRY(add_pledge_terms(md, p, md->nloc, m, 1.0));
		drop_empty_row(md);
	}
	return 0;
}

/* 1 when some pledge has an x column inside a sector in month m. */
static int any_in_sector(const builder *b, int m)
{
	for (size_t p = 0; p < b->sc->npledges; p++)
		for (size_t l = 0; l < b->sc->nsectors; l++)
			for (size_t t = 0; t < b->sc->ntasks; t++)
				if (sf__model_xcol(b->md, p, l, t, m) >= 0)
					return 1;
	return 0;
}

/*
 * In-sector personnel: y_m - sum P z over sectors = 0, the total that the
 * ceiling and the share rows bound; only when one of them exists and some
 * unit can be in a sector. Sets b->ycol[m - 1] (or -1).
 */
static int add_in_sector(builder *b, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks;
	int y;

	b->ycol[m - 1] = -1;
	if (!(isfinite(sc->troop_ceiling) || sc->has_max_share) || !any_in_sector(b, m))
		return 0;
	TRY(y = add_col(md, SF__COL_Y, m, -1, -1, -1, 0, HUGE_VAL, 0, 0));
	b->ycol[m - 1] = y;
	TRY(begin_row(md, SF__ROW_INSEC, m, -1, -1, -1, 'E', 0));
	TRY(add_nz(md, y, 1.0));
	for (size_t u = 0; u < sc->nunit_types; u++) {
		double P = sc->unit_types[u].personnel;
		for (size_t l = 0; l < sc->nsectors; l++)
			for (size_t t = 0; t < nt; t++) {
				int j = b->zcol[(u * nl + l) * nt + t];
				if (j >= 0)
					TRY(add_nz(md, j, -P));
			}
	}
	return 0;
}

/* Ceiling (design row 3): y_m <= T_max. */
static int add_ceiling(builder *b, int m)
{
	int y = b->ycol[m - 1];

	if (y < 0 || !isfinite(b->sc->troop_ceiling))
		return 0;
	TRY(begin_row(b->md, SF__ROW_CEILING, m, -1, -1, -1, 'L', b->sc->troop_ceiling));
	return add_nz(b->md, y, 1.0);
}

/*
 * National cap (design row 4): sum_{p of c, every location, t} P x <=
 * cap_c, mission included. A strengthened stage-1 month adds the cap's
 * convex hull after it.
 */
static int add_national_cap(builder *b, size_t c, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;

	if (!sc->contributors[c].has_cap)
		return 0;
	TRY(begin_row(md, SF__ROW_CAP, m, (int)c, -1, -1, 'L', sc->contributors[c].cap));
	for (size_t p = 0; p < sc->npledges; p++)
		if (sc->pledges[p].contributor == c)
			TRY(add_pledge_terms(md, p, md->nloc, m,
			                     sc->unit_types[sc->pledges[p].unit].personnel));
	drop_empty_row(md);
	if (b->spec->stage == 1 && b->spec->strengthen)
		TRY(add_cap_hull(md, sc, c, m));
	return 0;
}

/* Share (design row 5): sum_{p of c, sectors, t} P x - sigma y_m <= 0. */
static int add_share(builder *b, size_t c, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;

	if (!sc->has_max_share || b->ycol[m - 1] < 0)
		return 0;
	TRY(begin_row(md, SF__ROW_SHARE, m, (int)c, -1, -1, 'L', 0));
	for (size_t p = 0; p < sc->npledges; p++)
		if (sc->pledges[p].contributor == c)
			TRY(add_pledge_terms(md, p, sc->nsectors, m,
			                     sc->unit_types[sc->pledges[p].unit].personnel));
	if (md->rstart[md->nrows - 1] == md->nnz) {
		drop_empty_row(md);
		return 0;
	}
	return add_nz(md, b->ycol[m - 1], -sc->max_share);
}

/*
 * Arrivals (design row 6, stage 2): a[p][l][m] - sum_t x[m] + sum_t
 * x[m-1] >= 0, with x before the first month built taken as 0.
 */
static int add_arrivals(builder *b, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks;

	if (b->spec->stage != 2)
		return 0;
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_unit_type *u = &sc->unit_types[sc->pledges[p].unit];
		for (size_t l = 0; l < nl; l++) {
			int any = 0, a;
			for (size_t t = 0; t < nt; t++)
				if (sf__model_xcol(md, p, l, t, m) >= 0)
					any = 1;
			if (!any)
				continue;
			TRY(a = add_col(md, SF__COL_A, m, (int)p, (int)l, -1, 0, HUGE_VAL,
			                u->deploy_cost, 0));
			TRY(begin_row(md, SF__ROW_ARRIVE, m, (int)p, (int)l, -1, 'G', 0));
			TRY(add_nz(md, a, 1.0));
			for (size_t t = 0; t < nt; t++) {
				int j = sf__model_xcol(md, p, l, t, m);
				if (j >= 0)
					TRY(add_nz(md, j, -1.0));
				if (m > b->m_first && (j = sf__model_xcol(md, p, l, t, m - 1)) >= 0)
					TRY(add_nz(md, j, 1.0));
			}
		}
	}
	return 0;
}

/*
 * Add the weighted shortfall sum_T W_T g over the G columns of month m
 * (every month when m is 0) to the row begun last.
 */
static int add_weighted_shortfall(builder *b, int m)
{
	sf__model *md = b->md;

	for (int j = 0; j < md->ncols; j++)
		if (md->col[j].kind == SF__COL_G && (m == 0 || md->col[j].month == m))
			TRY(add_nz(md, j, b->sc->tasks[md->col[j].c].weight));
	return 0;
}

/* Stage 2, valid inequality: Z1_m >= Z1_m* - tolerance, where Z1_m* > 0 is given. */
static int add_month_z1(builder *b, int m)
{
	double z;

	if (b->spec->stage != 2 || b->spec->z1_month == NULL ||
	    !((z = b->spec->z1_month[m - 1]) > 0))
		return 0;
	TRY(begin_row(b->md, SF__ROW_Z1M, m, -1, -1, -1, 'G', z - sf__z1_tolerance(z)));
	TRY(add_weighted_shortfall(b, m));
	drop_empty_row(b->md);
	return 0;
}

/* Stage 2: Z1 <= Z1* + tolerance, over every month built. */
static int add_z1(builder *b)
{
	double z = b->spec->z1_star;

	TRY(begin_row(b->md, SF__ROW_Z1, 0, -1, -1, -1, 'L', z + sf__z1_tolerance(z)));
	TRY(add_weighted_shortfall(b, 0));
	drop_empty_row(b->md);
	return 0;
}

/* Every family's columns and rows of month m, in the model's row order. */
static int add_month(builder *b, int m)
{
	TRY(add_aggregation(b, m));
	TRY(add_coverage(b, m));
	TRY(add_pledge_size(b, m));
	TRY(add_in_sector(b, m));
	TRY(add_ceiling(b, m));
	for (size_t c = 0; c < b->sc->ncontributors; c++) {
		TRY(add_national_cap(b, c, m));
		TRY(add_share(b, c, m));
	}
	TRY(add_arrivals(b, m));
	return add_month_z1(b, m);
}

/* A new empty model for months m0..m1 of sc, with its x lookup all -1; NULL out of memory. */
static sf__model *model_new(const sf_scenario *sc, int stage, int m0, int m1)
{
	sf__model *md = calloc(1, sizeof(*md));
	size_t nx = sc->npledges * SF_NLOC(sc) * sc->ntasks * (size_t)sc->months;

	if (md == NULL)
		return NULL;
	md->stage = stage;
	md->m_first = m0;
	md->m_last = m1;
	md->npledges = sc->npledges;
	md->nloc = SF_NLOC(sc);
	md->ntasks = sc->ntasks;
	md->months = sc->months;
	md->xcol = sf__mallocarray(nx + 1, sizeof(int));
	if (md->xcol == NULL) {
		free(md);
		return NULL;
	}
	for (size_t i = 0; i < nx; i++)
		md->xcol[i] = -1;
	return md;
}

sf_status sf__model_build(const sf_scenario *sc, const sf__model_spec *spec, sf__model **out,
                          sf_error *err)
{
	sf_status rc = SF_OK;
	builder b = {sc, spec, NULL, spec->m_first, spec->m_last, NULL, NULL};

	*out = NULL;
	if (b.m_first == 0 && b.m_last == 0) {
		b.m_first = 1;
		b.m_last = sc->months;
	}
	if (sc->months < 1 || b.m_first < 1 || b.m_last > sc->months || b.m_first > b.m_last ||
	    (spec->stage != 1 && spec->stage != 2))
		return sf_error_set(err, SF_ERR_INTERNAL, "bad model spec (months %d..%d of %d)",
		                    b.m_first, b.m_last, sc->months);

	b.md = model_new(sc, spec->stage, b.m_first, b.m_last);
	b.ycol = sf__mallocarray((size_t)sc->months + 1, sizeof(int));
	b.zcol = sf__mallocarray(sc->nunit_types * SF_NLOC(sc) * sc->ntasks + 1, sizeof(int));
	if (b.md == NULL || b.ycol == NULL || b.zcol == NULL || add_x_columns(&b) < 0)
		goto nomem;
	for (int m = b.m_first; m <= b.m_last; m++)
		if (add_month(&b, m) < 0)
			goto nomem;
	if (spec->stage == 2 && add_z1(&b) < 0)
		goto nomem;
	*out = b.md;
	b.md = NULL;
	goto out;
nomem:
	rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory building the model");
out:
	free(b.ycol);
	free(b.zcol);
	sf__model_free(b.md);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Names and export                                                    */

void sf__model_col_name(const sf__model *md, int j, char *buf, size_t n)
{
	const sf__tag *t = &md->col[j];

	switch (t->kind) {
	case SF__COL_X:
		sf_snprintf(buf, n, "x_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__COL_G:
		sf_snprintf(buf, n, "g_%d_%d_%d", t->c, t->b, t->month);
		break;
	case SF__COL_A:
		sf_snprintf(buf, n, "a_%d_%d_%d", t->a, t->b, t->month);
		break;
	case SF__COL_Z:
		sf_snprintf(buf, n, "z_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__COL_LAMBDA:
		sf_snprintf(buf, n, "lambda_%d_%d_%d", t->a, t->b, t->month);
		break;
	default:
		sf_snprintf(buf, n, "y_%d", t->month);
		break;
	}
}

void sf__model_row_name(const sf__model *md, int i, char *buf, size_t n)
{
	const sf__tag *t = &md->row[i];

	switch (t->kind) {
	case SF__ROW_PLEDGE:
		sf_snprintf(buf, n, "pledge_%d_%d", t->a, t->month);
		break;
	case SF__ROW_COVER:
		sf_snprintf(buf, n, "cover_%d_%d_%d", t->c, t->b, t->month);
		break;
	case SF__ROW_INSEC:
		sf_snprintf(buf, n, "insec_%d", t->month);
		break;
	case SF__ROW_CEILING:
		sf_snprintf(buf, n, "ceiling_%d", t->month);
		break;
	case SF__ROW_CAP:
		sf_snprintf(buf, n, "cap_%d_%d", t->a, t->month);
		break;
	case SF__ROW_SHARE:
		sf_snprintf(buf, n, "share_%d_%d", t->a, t->month);
		break;
	case SF__ROW_ARRIVE:
		sf_snprintf(buf, n, "arrive_%d_%d_%d", t->a, t->b, t->month);
		break;
	case SF__ROW_Z1:
		sf_snprintf(buf, n, "z1");
		break;
	case SF__ROW_AGG:
		sf_snprintf(buf, n, "agg_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__ROW_CAPCVX:
		sf_snprintf(buf, n, "capcvx_%d_%d", t->a, t->month);
		break;
	case SF__ROW_CAPHULL:
		sf_snprintf(buf, n, "caphull_%d_%d_%d", t->a, t->b, t->month);
		break;
	case SF__ROW_ROUND:
		sf_snprintf(buf, n, "round_%d_%d_%d", t->c, t->b, t->month);
		break;
	default:
		sf_snprintf(buf, n, "z1m_%d", t->month);
		break;
	}
}

/* A number as LP/MPS text: shortest exact round trip. */
static void fmt_num(char *buf, size_t n, double v)
{
	sf_snprintf(buf, n, "%.17g", v);
	/* Prefer the short form when it reads back exactly. */
	char s[64];
	sf_snprintf(s, sizeof(s), "%.15g", v);
	if (strtod(s, NULL) == v)
		sf_strlcpy(buf, s, n);
}

static sf_status write_lp(const sf__model *md, FILE *f)
{
	char name[64], num[64];
	int k;

	fprintf(f, "\\ stabforce model, stage %d, months %d..%d\n", md->stage, md->m_first,
	        md->m_last);
	fprintf(f, "Minimize\n obj:");
	k = 0;
	for (int j = 0; j < md->ncols; j++) {
		if (md->obj[j] == 0)
			continue;
		sf__model_col_name(md, j, name, sizeof(name));
		fmt_num(num, sizeof(num), fabs(md->obj[j]));
		fprintf(f, " %s %s %s", md->obj[j] < 0 ? "-" : "+", num, name);
		if (++k % 4 == 0)
			fprintf(f, "\n  ");
	}
	if (k == 0 && md->ncols > 0) {
		sf__model_col_name(md, 0, name, sizeof(name));
		fprintf(f, " 0 %s", name);
	}
	fprintf(f, "\nSubject To\n");
	for (int i = 0; i < md->nrows; i++) {
		sf__model_row_name(md, i, name, sizeof(name));
		fprintf(f, " %s:", name);
		k = 0;
		for (int e = md->rstart[i]; e < md->rstart[i + 1]; e++) {
			char cn[64];
			sf__model_col_name(md, md->rind[e], cn, sizeof(cn));
			fmt_num(num, sizeof(num), fabs(md->rval[e]));
			fprintf(f, " %s %s %s", md->rval[e] < 0 ? "-" : "+", num, cn);
			if (++k % 4 == 0)
				fprintf(f, "\n  ");
		}
		fmt_num(num, sizeof(num), md->rhs[i]);
		fprintf(f, " %s %s\n",
		        md->sense[i] == 'L'   ? "<="
		        : md->sense[i] == 'G' ? ">="
		                              : "=",
		        num);
	}
	fprintf(f, "Bounds\n");
	for (int j = 0; j < md->ncols; j++) {
		sf__model_col_name(md, j, name, sizeof(name));
		fmt_num(num, sizeof(num), md->lb[j]);
		if (isfinite(md->ub[j])) {
			char ub[64];
			fmt_num(ub, sizeof(ub), md->ub[j]);
			fprintf(f, " %s <= %s <= %s\n", num, name, ub);
		} else {
			fprintf(f, " %s >= %s\n", name, num);
		}
	}
	k = 0;
	for (int j = 0; j < md->ncols; j++) {
		if (!md->is_int[j])
			continue;
		if (k == 0)
			fprintf(f, "General\n");
		sf__model_col_name(md, j, name, sizeof(name));
		fprintf(f, " %s", name);
		if (++k % 8 == 0)
			fprintf(f, "\n");
	}
	if (k > 0)
		fprintf(f, "\n");
	fprintf(f, "End\n");
	return SF_OK;
}

static sf_status write_mps(const sf__model *md, FILE *f, sf_error *err)
{
	char name[64], rn[64], num[64];
	int *cstart = NULL, *cfill = NULL, *crow = NULL;
	double *cval = NULL;
	sf_status rc = SF_OK;
	int inint = 0;

	/* Column-major copy of the matrix. */
	cstart = calloc((size_t)md->ncols + 1, sizeof(int));
	cfill = calloc((size_t)md->ncols + 1, sizeof(int));
	crow = sf__mallocarray((size_t)md->nnz + 1, sizeof(int));
	cval = sf__mallocarray((size_t)md->nnz + 1, sizeof(double));
	if (cstart == NULL || cfill == NULL || crow == NULL || cval == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the model");
		goto out;
	}
	for (int e = 0; e < md->nnz; e++)
		cstart[md->rind[e] + 1]++;
	for (int j = 0; j < md->ncols; j++)
		cstart[j + 1] += cstart[j];
	for (int i = 0; i < md->nrows; i++)
		for (int e = md->rstart[i]; e < md->rstart[i + 1]; e++) {
			int j = md->rind[e], pos = cstart[j] + cfill[j]++;
			crow[pos] = i;
			cval[pos] = md->rval[e];
		}

	fprintf(f, "NAME          STABFORCE\nROWS\n N  obj\n");
	for (int i = 0; i < md->nrows; i++) {
		sf__model_row_name(md, i, name, sizeof(name));
		fprintf(f, " %c  %s\n", md->sense[i], name);
	}
	fprintf(f, "COLUMNS\n");
	for (int j = 0; j < md->ncols; j++) {
		if (md->is_int[j] && !inint) {
			fprintf(f,
			        "    MARKER                 'MARKER'                 'INTORG'\n");
			inint = 1;
		} else if (!md->is_int[j] && inint) {
			fprintf(f,
			        "    MARKER                 'MARKER'                 'INTEND'\n");
			inint = 0;
		}
		sf__model_col_name(md, j, name, sizeof(name));
		if (md->obj[j] != 0) {
			fmt_num(num, sizeof(num), md->obj[j]);
			fprintf(f, "    %-22s %-22s %s\n", name, "obj", num);
		} else if (cstart[j] == cstart[j + 1]) {
			fprintf(f, "    %-22s %-22s 0\n", name, "obj");
		}
		for (int e = cstart[j]; e < cstart[j + 1]; e++) {
			sf__model_row_name(md, crow[e], rn, sizeof(rn));
			fmt_num(num, sizeof(num), cval[e]);
			fprintf(f, "    %-22s %-22s %s\n", name, rn, num);
		}
	}
	if (inint)
		fprintf(f, "    MARKER                 'MARKER'                 'INTEND'\n");
	fprintf(f, "RHS\n");
	for (int i = 0; i < md->nrows; i++) {
		if (md->rhs[i] == 0)
			continue;
		sf__model_row_name(md, i, name, sizeof(name));
		fmt_num(num, sizeof(num), md->rhs[i]);
		fprintf(f, "    %-22s %-22s %s\n", "rhs", name, num);
	}
	fprintf(f, "BOUNDS\n");
	for (int j = 0; j < md->ncols; j++) {
		sf__model_col_name(md, j, name, sizeof(name));
		if (md->lb[j] != 0) {
			fmt_num(num, sizeof(num), md->lb[j]);
			fprintf(f, " LO bnd       %-22s %s\n", name, num);
		}
		if (isfinite(md->ub[j])) {
			fmt_num(num, sizeof(num), md->ub[j]);
			fprintf(f, " UP bnd       %-22s %s\n", name, num);
		} else if (md->is_int[j]) {
			/* MPS readers give integer columns without bounds an upper bound of 1. */
			fprintf(f, " PL bnd       %s\n", name);
		}
	}
	fprintf(f, "ENDATA\n");
out:
	free(cstart);
	free(cfill);
	free(crow);
	free(cval);
	return rc;
}

sf_status sf__model_write(const sf__model *md, int mps, const char *path, sf_error *err)
{
	sf_outfile *o;
	FILE *f;
	sf_status rc = sf_outfile_open(path, &o, err);

	if (rc != SF_OK)
		return rc;
	f = sf_outfile_stream(o);
	rc = mps ? write_mps(md, f, err) : write_lp(md, f);
	if (rc != SF_OK) {
		sf_outfile_abort(o);
		return rc;
	}
	return sf_outfile_commit(o, err); /* a short write is found here */
}
