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
#include "base/tolerance.h"

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

/* Units of pledge p recorded on the ground (`deployed:`, every since <= a0). */
static int f2_deployed_units(const sf_scenario *sc, size_t p)
{
	int n = 0;

	for (size_t d = 0; d < sc->ndeployed; d++)
		if (sc->deployed[d].pledge == p)
			n += sc->deployed[d].units;
	return n;
}

/*
 * Format 2: 1 when a unit of pledge p can be present in month m (the
 * model's months are a0..M): from a0 on when some are deployed (they need
 * no notice), from the earliest month e_p otherwise; never after `to`.
 */
static int f2_can_be_present(const sf_scenario *sc, size_t p, int m)
{
	if (m < sc->a0 || m > sc->pledges[p].to)
		return 0;
	return m >= sf_pledge_earliest(sc, p) || f2_deployed_units(sc, p) > 0;
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
	if (sc->nconditions > 0 && sf_condition_forbids(sc, p, l, t, m))
		return 0;
	if (sc->format >= 2 && !f2_can_be_present(sc, p, m))
		return 0;
	return 1;
}

double sf__z1_tolerance(double z1)
{
	return sf__tol_rel(SF_TOL_Z1, z1);
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

/* Drop the last row and its coefficients. */
static void drop_last_row(sf__model *md)
{
	if (md->nrows > 0) {
		md->nnz = md->rstart[md->nrows - 1];
		md->nrows--;
	}
}

/* Drop the last row if it got no coefficients (an empty row is trivially true). */
static void drop_empty_row(sf__model *md)
{
	if (md->nrows > 0 && md->rstart[md->nrows - 1] == md->nnz)
		md->nrows--;
}

sf_status sf__model_add_row(sf__model *md, sf__row_kind kind, int month, char sense, double rhs,
                            int n, const int *idx, const double *val, sf_error *err)
{
	if (begin_row(md, kind, month, -1, -1, -1, sense, rhs) != 0)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory building the model");
	for (int k = 0; k < n; k++)
		if (add_nz(md, idx[k], val[k]) != 0)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory building the model");
	drop_empty_row(md);
	return SF_OK;
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
	free(md->ncol);
	free(md->acol);
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
			if (e->v[k] < e->U[k] && used + e->P[k] <= e->cap + SF_TOL_ROUNDING)
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
		if (used + x * e->P[i] > e->cap + SF_TOL_ROUNDING)
			continue;
		e->v[i] = x;
		cap_enum_rec(e, i + 1, used + x * e->P[i]);
	}
}

/*
 * Add contributor c's cap hull for month m, over its pledges mine[0..nmine-1];
 * 0 (also when it is skipped) or -1 out of memory.
 */
static int add_cap_hull(sf__model *md, const sf_scenario *sc, size_t c, const size_t *mine,
                        size_t nmine, int m)
{
	const size_t nl = SF_NLOC(sc), nt = sc->ntasks;
	size_t *pl = sf__mallocarray(nmine + 1, sizeof(size_t));
	double *P = sf__mallocarray(nmine + 1, sizeof(double));
	int *U = sf__mallocarray(nmine + 1, sizeof(int));
	int *v = sf__mallocarray(nmine + 1, sizeof(int));
	int *pat = sf__mallocarray((size_t)CAP_HULL_MAX_PATTERNS * (nmine + 1), sizeof(int));
	int n = 0, rc = -1, lam0 = 0;
	double cap = sc->contributors[c].cap;

	if (!pl || !P || !U || !v || !pat)
		goto out;
	for (size_t k = 0; k < nmine; k++) {
		size_t p = mine[k];
		int any = 0;
		for (size_t l = 0; l < nl && !any; l++)
			for (size_t t = 0; t < nt && !any; t++)
				any = sf__model_xcol(md, p, l, t, m) >= 0;
		if (!any)
			continue;
		pl[n] = p;
		P[n] = sc->unit_types[sc->pledges[p].unit].personnel;
		U[n] = sc->pledges[p].count;
		if (P[n] > 0 && cap / P[n] < U[n])
			U[n] = cap < 0 ? 0 : (int)floor(cap / P[n] + SF_TOL_ROUNDING);
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
		if (fabs(v - round(v)) <= sf__tol_rel(SF_TOL_ROUNDING, v))
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
	double q = floor(R / st + SF_TOL_ROUNDING), phi = R / st - q;
	/* A fractional part within the solvers' tolerance of 0 or 1 gives no cut. */
	if (!(phi > SF_TOL_FEASIBILITY && phi < 1 - SF_TOL_FEASIBILITY))
		return 0;
	double rhs = phi * st * (q + 1);
	if (begin_row(md, SF__ROW_ROUND, m, -1, (int)l, (int)t, 'G',
	              rhs - sf__tol_rel(SF_TOL_ROUNDING, rhs)) < 0)
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
	sf__history hist;    /* format 2: what is recorded (zeroed in format 1) */
	int *tmp_inl;        /* format 2, stage 2: [nloc + 1] location increase columns */
	int *tmp_inc;        /* [nloc * ntasks] cell increase columns */
	int *tmp_cells;      /* [nloc] task cells per location */
	/* The pledges of contributor c, in file order: mine[mine_start[c] ..
	 * mine_start[c + 1] - 1] (the cap and share rows would otherwise scan
	 * every pledge for every contributor: 9 million steps a month at 3,000
	 * contributors). */
	size_t *mine_start; /* [ncontributors + 1] */
	size_t *mine;       /* [npledges] */
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
				/* Stage 2: the unit's month (format 2: on presence, not here)
				 * and the soft vetoes covering it. */
				if (b->spec->stage == 2)
					cost = (sc->format >= 2 ? 0 : u->monthly_cost) +
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
	for (size_t k = b->mine_start[c]; k < b->mine_start[c + 1]; k++)
		TRY(add_pledge_terms(md, b->mine[k], md->nloc, m,
		                     sc->unit_types[sc->pledges[b->mine[k]].unit].personnel));
	drop_empty_row(md);
	if (b->spec->stage == 1 && b->spec->strengthen)
		TRY(add_cap_hull(md, sc, c, b->mine + b->mine_start[c],
		                 b->mine_start[c + 1] - b->mine_start[c], m));
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
	for (size_t k = b->mine_start[c]; k < b->mine_start[c + 1]; k++)
		TRY(add_pledge_terms(md, b->mine[k], sc->nsectors, m,
		                     sc->unit_types[sc->pledges[b->mine[k]].unit].personnel));
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

/* ------------------------------------------------------------------ */
/* Format 2 (docs/model.md, "Format 2")                                */

sf_status sf__history_build(const sf_scenario *sc, sf__history *h, sf_error *err)
{
	const size_t np = sc->npledges, nl = SF_NLOC(sc), nt = sc->ntasks, M = (size_t)sc->months;

	memset(h, 0, sizeof(*h));
	h->units = calloc(np * nl * nt * M + 1, sizeof(int));
	h->presence = calloc(np * M + 1, sizeof(int));
	h->arrivals = calloc(np * M + 1, sizeof(int));
	h->n0 = calloc(np + 1, sizeof(int));
	if (!h->units || !h->presence || !h->arrivals || !h->n0) {
		sf__history_release(h);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory reading the deployments");
	}
	for (size_t d = 0; d < sc->ndeployed; d++) {
		const sf_deployment *dp = &sc->deployed[d];
		if (dp->pledge >= np || dp->since < 1 || dp->since > sc->a0)
			continue; /* the reader guarantees it; never index out */
		h->n0[dp->pledge] += dp->units;
		h->arrivals[dp->pledge * M + (size_t)(dp->since - 1)] += dp->units;
		for (int m = dp->since; m < sc->a0; m++) {
			h->presence[dp->pledge * M + (size_t)(m - 1)] += dp->units;
			h->units[((dp->pledge * nl + dp->location) * nt + dp->task) * M +
			         (size_t)(m - 1)] += dp->units;
		}
	}
	return SF_OK;
}

void sf__history_release(sf__history *h)
{
	free(h->units);
	free(h->presence);
	free(h->arrivals);
	free(h->n0);
	memset(h, 0, sizeof(*h));
}

int sf__f2_months_linked(const sf_scenario *sc)
{
	if (sc->format < 2)
		return 0;
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_pledge *pl = &sc->pledges[p];
		if (!pl->active || !sc->contributors[pl->contributor].active)
			continue;
		if (pl->tour_months > 0 || pl->tours > 0)
			return 1;
		if (sc->nreception > 0 && sf_pledge_enters_sectors(sc, p))
			return 1;
		if (sf_pledge_min_stay(sc, p) > 1 && sc->contributors[pl->contributor].has_cap)
			return 1;
	}
	return 0;
}

/* The presence (or arrival) column of pledge p in month m, or -1. */
static int f2_col(const sf__model *md, const int *cols, size_t p, int m)
{
	if (cols == NULL || m < md->m_first || m > md->m_last)
		return -1;
	return cols[p * (size_t)md->months + (size_t)(m - 1)];
}

/* Recorded units of (p, l, t) in month m (history), 0 from a0 on. */
static int hist_units(const builder *b, size_t p, size_t l, size_t t, int m)
{
	const sf_scenario *sc = b->sc;

	if (m < 1 || m >= sc->a0)
		return 0;
	return b->hist.units[((p * SF_NLOC(sc) + l) * sc->ntasks + t) * (size_t)sc->months +
	                     (size_t)(m - 1)];
}

/* Recorded arrivals of pledge p in month m (m <= a0), 0 after. */
static int hist_arrivals(const builder *b, size_t p, int m)
{
	if (m < 1 || m > b->sc->a0)
		return 0;
	return b->hist.arrivals[p * (size_t)b->sc->months + (size_t)(m - 1)];
}

/*
 * Presence n[p][m] (integer 0..N_p) and arrivals a[p][m] (integer, at most
 * N_p: a unit that arrives is present that month) of every pledge: n
 * where a unit can be present, a from the earliest month e_p on (no
 * arrival without notice). Stage 2 costs presence (the unit's monthly
 * cost, idle or not) and arrivals (its deployment cost; the recorded
 * units are on the ground already). A month alone (stage 1 split by
 * month) has no arrival columns and bounds presence by what that month
 * allows: every unit from e_p on, the deployed ones before.
 */
static int add_presence_columns(builder *b)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	const size_t M = (size_t)sc->months;

	md->ncol = sf__mallocarray(sc->npledges * M + 1, sizeof(int));
	md->acol = sf__mallocarray(sc->npledges * M + 1, sizeof(int));
	if (!md->ncol || !md->acol)
		return -1;
	for (size_t i = 0; i < sc->npledges * M; i++)
		md->ncol[i] = md->acol[i] = -1;
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_pledge *pl = &sc->pledges[p];
		const sf_unit_type *u = &sc->unit_types[pl->unit];
		int e = sf_pledge_earliest(sc, p), j;
		if (!pl->active || !sc->contributors[pl->contributor].active)
			continue;
		for (int m = b->m_first; m <= b->m_last; m++) {
			double ub = pl->count;
			if (!f2_can_be_present(sc, p, m))
				continue;
			if (b->spec->month_alone && m < e)
				ub = b->hist.n0[p] < pl->count ? b->hist.n0[p] : pl->count;
			TRY(j = add_col(md, SF__COL_N, m, (int)p, -1, -1, 0, ub,
			                b->spec->stage == 2 ? u->monthly_cost : 0, 1));
			md->ncol[p * M + (size_t)(m - 1)] = j;
			if (b->spec->month_alone || m < e)
				continue;
			TRY(j = add_col(md, SF__COL_ARR, m, (int)p, -1, -1, 0, (double)pl->count,
			                b->spec->stage == 2 ? u->deploy_cost : 0, 1));
			md->acol[p * M + (size_t)(m - 1)] = j;
		}
	}
	return 0;
}

/* Assignment: sum_{l,t} x[p][l][t][m] - n[p][m] <= 0 (a present unit may be idle). */
static int add_assignment(builder *b, int m)
{
	sf__model *md = b->md;

	for (size_t p = 0; p < b->sc->npledges; p++) {
		int n = f2_col(md, md->ncol, p, m);
		if (n < 0)
			continue;
		TRY(begin_row(md, SF__ROW_ASSIGN, m, (int)p, -1, -1, 'L', 0));
		TRY(add_pledge_terms(md, p, md->nloc, m, 1.0));
		if (md->rstart[md->nrows - 1] == md->nnz) {
			drop_empty_row(md);
			continue;
		}
		TRY(add_nz(md, n, -1.0));
	}
	return 0;
}

/* National cap on presence: sum_{p of c} P_u(p) n[p][m] <= cap_c (idle units count). */
static int add_presence_cap(builder *b, size_t c, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;

	if (!sc->contributors[c].has_cap)
		return 0;
	TRY(begin_row(md, SF__ROW_PCAP, m, (int)c, -1, -1, 'L', sc->contributors[c].cap));
	for (size_t p = 0; p < sc->npledges; p++) {
		int n = f2_col(md, md->ncol, p, m);
		if (sc->pledges[p].contributor == c && n >= 0)
			TRY(add_nz(md, n, sc->unit_types[sc->pledges[p].unit].personnel));
	}
	drop_empty_row(md);
	return 0;
}

/*
 * The presence of pledge p before month m as (column, constant): the
 * column n[p][m-1] when the model has it, else the recorded presence of
 * m - 1 (history, m = a0) or 0 (the pledge was not there).
 */
static int prev_presence(const builder *b, size_t p, int m, int *col)
{
	*col = f2_col(b->md, b->md->ncol, p, m - 1);
	if (*col >= 0 || m != b->sc->a0 || m < 2)
		return 0;
	return b->hist.presence[p * (size_t)b->sc->months + (size_t)(m - 2)];
}

/*
 * Flow: n[m] = n[m-1] + a[m] - d[m] with departures d >= 0 free, written
 * n[m] - n[m-1] - a[m] <= (recorded presence and arrivals): the slack is
 * d. A pledge is gone after its last month (`to`), so no row there.
 */
static int add_flow(builder *b, int m)
{
	sf__model *md = b->md;

	if (b->spec->month_alone)
		return 0;
	for (size_t p = 0; p < b->sc->npledges; p++) {
		int n = f2_col(md, md->ncol, p, m), a = f2_col(md, md->acol, p, m), prev;
		double rhs;
		if (n < 0)
			continue;
		rhs = prev_presence(b, p, m, &prev) + hist_arrivals(b, p, m);
		TRY(begin_row(md, SF__ROW_FLOW, m, (int)p, -1, -1, 'L', rhs));
		TRY(add_nz(md, n, 1.0));
		if (prev >= 0)
			TRY(add_nz(md, prev, -1.0));
		if (a >= 0)
			TRY(add_nz(md, a, -1.0));
	}
	return 0;
}

/*
 * Add -sum a[p][m'] over the window m - k + 1..m to the row begun last;
 * returns the recorded arrivals of the window (for the right-hand side).
 */
static int add_window_arrivals(builder *b, size_t p, int m, int k, double *recorded)
{
	*recorded = 0;
	for (int w = m - k + 1; w <= m; w++) {
		int a = f2_col(b->md, b->md->acol, p, w);
		*recorded += hist_arrivals(b, p, w);
		if (a >= 0)
			TRY(add_nz(b->md, a, -1.0));
	}
	return 0;
}

/*
 * Minimum stay: n[p][m] >= arrivals of the last k months (recorded ones
 * counted at their `since`), k the pledge's minimum stay; rows only up to
 * `to`, so a stay is clipped there. With k = 1 it says an arriving unit
 * is present in its month, without which a paper arrival could renew a
 * tour.
 */
static int add_min_stay(builder *b, int m)
{
	sf__model *md = b->md;

	if (b->spec->month_alone)
		return 0;
	for (size_t p = 0; p < b->sc->npledges; p++) {
		int n = f2_col(md, md->ncol, p, m), k = sf_pledge_min_stay(b->sc, p);
		double recorded;
		if (n < 0)
			continue;
		TRY(begin_row(md, SF__ROW_STAY, m, (int)p, -1, -1, 'G', 0));
		TRY(add_nz(md, n, 1.0));
		TRY(add_window_arrivals(b, p, m, k, &recorded));
		md->rhs[md->nrows - 1] = recorded;
		if (md->rstart[md->nrows - 1] + 1 == md->nnz && recorded == 0)
			drop_last_row(md); /* n >= 0 alone: a bound */
	}
	return 0;
}

/* Tour length: n[p][m] <= arrivals of the last K months, K = tour_months. */
static int add_tour_length(builder *b, int m)
{
	sf__model *md = b->md;

	if (b->spec->month_alone)
		return 0;
	for (size_t p = 0; p < b->sc->npledges; p++) {
		int n = f2_col(md, md->ncol, p, m), K = b->sc->pledges[p].tour_months;
		double recorded;
		if (n < 0 || K <= 0)
			continue;
		TRY(begin_row(md, SF__ROW_TOUR, m, (int)p, -1, -1, 'L', 0));
		TRY(add_nz(md, n, 1.0));
		TRY(add_window_arrivals(b, p, m, K, &recorded));
		md->rhs[md->nrows - 1] = recorded;
	}
	return 0;
}

/* Tours: sum_m a[p][m] <= tours_p N_p - recorded arrivals (at least 0). */
static int add_tours(builder *b)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;

	if (b->spec->month_alone)
		return 0;
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_pledge *pl = &sc->pledges[p];
		double rhs;
		if (pl->tours <= 0)
			continue;
		rhs = (double)pl->tours * pl->count;
		for (int m = 1; m <= sc->a0; m++)
			rhs -= hist_arrivals(b, p, m);
		TRY(begin_row(md, SF__ROW_TOURS, 0, (int)p, -1, -1, 'L', rhs > 0 ? rhs : 0));
		for (int m = b->m_first; m <= b->m_last; m++) {
			int a = f2_col(md, md->acol, p, m);
			if (a >= 0)
				TRY(add_nz(md, a, 1.0));
		}
		drop_empty_row(md);
	}
	return 0;
}

/*
 * Reception: sum P_u(p) a[p][m] <= Rcap(m) over the pledges that can enter
 * a sector; in a0 the recorded arrivals of the month use their share
 * first (a capacity they exceed leaves no room, never a negative one).
 */
static int add_reception(builder *b, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	double cap = sf_scenario_reception(sc, m);

	if (b->spec->month_alone || sc->nreception == 0)
		return 0;
	for (size_t p = 0; p < sc->npledges; p++)
		if (sf_pledge_enters_sectors(sc, p))
			cap -= (double)sc->unit_types[sc->pledges[p].unit].personnel *
			       hist_arrivals(b, p, m);
	TRY(begin_row(md, SF__ROW_RECEPT, m, -1, -1, -1, 'L', cap > 0 ? cap : 0));
	for (size_t p = 0; p < sc->npledges; p++) {
		int a = f2_col(md, md->acol, p, m);
		if (a >= 0 && sf_pledge_enters_sectors(sc, p))
			TRY(add_nz(md, a, sc->unit_types[sc->pledges[p].unit].personnel));
	}
	drop_empty_row(md);
	return 0;
}

/*
 * The units of (p, l, t) before month m as (column, constant): x[m-1]
 * when the model has it, the recorded units of m - 1 in a0.
 */
static int prev_units(const builder *b, size_t p, size_t l, size_t t, int m, int *col)
{
	*col = m - 1 >= b->m_first ? sf__model_xcol(b->md, p, l, t, m - 1) : -1;
	return m == b->sc->a0 ? hist_units(b, p, l, t, m - 1) : 0;
}

/*
 * Increase rows: col >= (units of the cells in month m) - (the same in
 * m - 1), over the tasks t0..t1-1 at location l (one task: a cell; all:
 * the location). Returns the column, 0 when the cells are empty both
 * months (no row), -1 out of memory.
 */
static int add_increase(builder *b, size_t p, size_t l, size_t t0, size_t t1, int m,
                        sf__col_kind kind, int *col)
{
	sf__model *md = b->md;
	double prev_const = 0;
	int any = 0;

	*col = -1;
	for (size_t t = t0; t < t1; t++) {
		int pc, c = sf__model_xcol(md, p, l, t, m);
		int k = prev_units(b, p, l, t, m, &pc);
		any |= c >= 0 || pc >= 0 || k > 0;
	}
	if (!any)
		return 0;
	TRY(*col = add_col(md, kind, m, (int)p, (int)l, kind == SF__COL_INC ? (int)t0 : -1, 0,
	                   HUGE_VAL, 0, 0));
	TRY(begin_row(md, kind == SF__COL_INC ? SF__ROW_INC : SF__ROW_INL, m, (int)p, (int)l,
	              kind == SF__COL_INC ? (int)t0 : -1, 'G', 0));
	TRY(add_nz(md, *col, 1.0));
	for (size_t t = t0; t < t1; t++) {
		int pc, c = sf__model_xcol(md, p, l, t, m);
		prev_const += prev_units(b, p, l, t, m, &pc);
		if (c >= 0)
			TRY(add_nz(md, c, -1.0));
		if (pc >= 0)
			TRY(add_nz(md, pc, 1.0));
	}
	md->rhs[md->nrows - 1] = -prev_const;
	return 0;
}

/* The reserve increase of pledge p in m: col >= (n - sum x)[m] - (n - sum x)[m-1]. */
static int add_reserve_increase(builder *b, size_t p, int m, int *col)
{
	sf__model *md = b->md;
	const size_t nl = md->nloc, nt = md->ntasks;
	int n = f2_col(md, md->ncol, p, m), pn;
	double k = prev_presence(b, p, m, &pn);

	TRY(*col = add_col(md, SF__COL_INL, m, (int)p, (int)nl, -1, 0, HUGE_VAL, 0, 0));
	TRY(begin_row(md, SF__ROW_INL, m, (int)p, (int)nl, -1, 'G', 0));
	TRY(add_nz(md, *col, 1.0));
	TRY(add_nz(md, n, -1.0));
	TRY(add_pledge_terms(md, p, nl, m, 1.0));
	if (pn >= 0)
		TRY(add_nz(md, pn, 1.0));
	for (size_t l = 0; l < nl; l++)
		for (size_t t = 0; t < nt; t++) {
			int pc;
			k -= prev_units(b, p, l, t, m, &pc);
			if (pc >= 0)
				TRY(add_nz(md, pc, -1.0));
		}
	md->rhs[md->nrows - 1] = -k;
	return 0;
}

/*
 * Moves and changes of task (stage 2). For pledge p in month m, with
 * `inc(c)` the increase of cell c from m - 1 to m (reserve, the present
 * units without a task, counting as a location of its own) and A its
 * arrivals (recorded ones included): the units that changed location are
 * at least sum_l inc(l) - A, those that changed cell at least sum_cells
 * inc(cell) - A (arrivals go where the increases are, departures leave
 * from the decreases). Cost: move_cost per location change, retask_cost
 * per change of task in place, written as retask_cost * changes +
 * (move_cost - retask_cost) * moves (retask_cost <= move_cost, the
 * reader's rule). A location with one task has its cell increase equal
 * to its location increase, so it needs no cell rows.
 */
static int add_moves(builder *b, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	const size_t nl = md->nloc, nt = md->ntasks;
	int *inl = b->tmp_inl, *inc = b->tmp_inc;

	if (b->spec->stage != 2)
		return 0;
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_unit_type *u = &sc->unit_types[sc->pledges[p].unit];
		int n = f2_col(md, md->ncol, p, m), a = f2_col(md, md->acol, p, m);
		int res, mv, chg, multi = 0;
		double arrived = hist_arrivals(b, p, m);
		if (n < 0)
			continue;
		/* Cells per location, this month or the last. */
		for (size_t l = 0; l < nl; l++) {
			b->tmp_cells[l] = 0;
			for (size_t t = 0; t < nt; t++) {
				int pc, c = sf__model_xcol(md, p, l, t, m);
				int k = prev_units(b, p, l, t, m, &pc);
				b->tmp_cells[l] += c >= 0 || pc >= 0 || k > 0;
			}
			multi |= b->tmp_cells[l] > 1;
		}
		TRY(add_reserve_increase(b, p, m, &res));
		for (size_t l = 0; l < nl; l++) {
			TRY(add_increase(b, p, l, 0, nt, m, SF__COL_INL, &inl[l]));
			for (size_t t = 0; t < nt; t++) {
				inc[l * nt + t] = -1;
				if (multi && b->tmp_cells[l] > 1)
					TRY(add_increase(b, p, l, t, t + 1, m, SF__COL_INC,
					                 &inc[l * nt + t]));
			}
		}
		TRY(mv = add_col(md, SF__COL_MOVE, m, (int)p, -1, -1, 0, HUGE_VAL,
		                 multi ? u->move_cost - u->retask_cost : u->move_cost, 0));
		TRY(begin_row(md, SF__ROW_MOVE, m, (int)p, -1, -1, 'G', -arrived));
		TRY(add_nz(md, mv, 1.0));
		TRY(add_nz(md, res, -1.0));
		for (size_t l = 0; l < nl; l++)
			if (inl[l] >= 0)
				TRY(add_nz(md, inl[l], -1.0));
		if (a >= 0)
			TRY(add_nz(md, a, 1.0));
		if (!multi)
			continue;
		TRY(chg = add_col(md, SF__COL_CHG, m, (int)p, -1, -1, 0, HUGE_VAL, u->retask_cost,
		                  0));
		TRY(begin_row(md, SF__ROW_CHG, m, (int)p, -1, -1, 'G', -arrived));
		TRY(add_nz(md, chg, 1.0));
		TRY(add_nz(md, res, -1.0));
		for (size_t l = 0; l < nl; l++) {
			if (b->tmp_cells[l] <= 1) {
				if (inl[l] >= 0)
					TRY(add_nz(md, inl[l], -1.0));
				continue;
			}
			for (size_t t = 0; t < nt; t++)
				if (inc[l * nt + t] >= 0)
					TRY(add_nz(md, inc[l * nt + t], -1.0));
		}
		if (a >= 0)
			TRY(add_nz(md, a, 1.0));
	}
	return 0;
}

/*
 * Least change from a baseline (stage 2, spec->base_units): for pledge p
 * in month m, the units whose state differs from the baseline's, a state
 * being a cell (l, t), the reserve or absence, are half the sum of
 * |x - xb| over the cells, |r - rb| (reserve r = n - sum x) and |n - nb|:
 * each DEV column is one absolute value, charged change_cost / 2. A cell
 * with no x column contributes a constant and is left out.
 */
static int add_dev(builder *b, size_t p, int m, size_t l, size_t t, double base, int sign_n,
                   int with_x, double cost)
{
	sf__model *md = b->md;
	int d, n = f2_col(md, md->ncol, p, m), j = -1;

	if (with_x) {
		j = sf__model_xcol(md, p, l, t, m);
		if (j < 0)
			return 0;
	} else if (n < 0) {
		return 0;
	}
	TRY(d = add_col(md, SF__COL_DEV, m, (int)p, (int)l, (int)t, 0, HUGE_VAL, cost / 2, 0));
	for (int side = 0; side < 2; side++) {
		double s = side == 0 ? 1.0 : -1.0; /* d - s (value) >= -s base */
		TRY(begin_row(md, side == 0 ? SF__ROW_DEVP : SF__ROW_DEVN, m, (int)p, (int)l,
		              (int)t, 'G', -s * base));
		TRY(add_nz(md, d, 1.0));
		if (with_x) {
			TRY(add_nz(md, j, -s));
		} else {
			TRY(add_nz(md, n, -s));
			if (sign_n) /* reserve: n - sum x */
				TRY(add_pledge_terms(md, p, md->nloc, m, s));
		}
	}
	return 0;
}

static int add_change(builder *b, int m)
{
	const sf_scenario *sc = b->sc;
	sf__model *md = b->md;
	const size_t nl = md->nloc, nt = md->ntasks, M = (size_t)sc->months;

	if (b->spec->stage != 2 || b->spec->base_units == NULL)
		return 0;
	for (size_t p = 0; p < sc->npledges; p++) {
		double cost = sc->unit_types[sc->pledges[p].unit].change_cost, assigned = 0, nb;
		nb = b->spec->base_presence ? b->spec->base_presence[p * M + (size_t)(m - 1)] : 0;
		for (size_t l = 0; l < nl; l++)
			for (size_t t = 0; t < nt; t++) {
				double xb = b->spec->base_units[((p * nl + l) * nt + t) * M +
				                                (size_t)(m - 1)];
				assigned += xb;
				TRY(add_dev(b, p, m, l, t, xb, 0, 1, cost));
			}
		TRY(add_dev(b, p, m, nl, 0, nb - assigned, 1, 0, cost));
		TRY(add_dev(b, p, m, nl + 1, 0, nb, 0, 0, cost));
	}
	return 0;
}

/* Every format-2 family of month m, in the model's row order. */
static int add_month_f2(builder *b, int m)
{
	TRY(add_aggregation(b, m));
	TRY(add_coverage(b, m));
	TRY(add_assignment(b, m));
	TRY(add_in_sector(b, m));
	TRY(add_ceiling(b, m));
	for (size_t c = 0; c < b->sc->ncontributors; c++) {
		TRY(add_presence_cap(b, c, m));
		TRY(add_share(b, c, m));
	}
	TRY(add_flow(b, m));
	TRY(add_min_stay(b, m));
	TRY(add_tour_length(b, m));
	TRY(add_reception(b, m));
	TRY(add_moves(b, m));
	TRY(add_change(b, m));
	return add_month_z1(b, m);
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

/* Fill b->mine_start and b->mine: each contributor's pledges in file order. */
static int index_pledges(builder *b)
{
	const sf_scenario *sc = b->sc;
	size_t nc = sc->ncontributors;

	b->mine_start = calloc(nc + 2, sizeof(size_t));
	b->mine = sf__mallocarray(sc->npledges + 1, sizeof(size_t));
	if (b->mine_start == NULL || b->mine == NULL)
		return -1;
	for (size_t p = 0; p < sc->npledges; p++)
		b->mine_start[sc->pledges[p].contributor + 2]++;
	for (size_t c = 0; c < nc; c++)
		b->mine_start[c + 2] += b->mine_start[c + 1];
	for (size_t p = 0; p < sc->npledges; p++)
		b->mine[b->mine_start[sc->pledges[p].contributor + 1]++] = p;
	return 0;
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
	builder b = {.sc = sc, .spec = spec, .m_first = spec->m_first, .m_last = spec->m_last};

	*out = NULL;
	if (b.m_first == 0 && b.m_last == 0) {
		b.m_first = 1;
		b.m_last = sc->months;
	}
	if (sc->months < 1 || b.m_first < 1 || b.m_last > sc->months || b.m_first > b.m_last ||
	    (spec->stage != 1 && spec->stage != 2))
		return sf_error_set(err, SF_ERR_INTERNAL, "bad model spec (months %d..%d of %d)",
		                    b.m_first, b.m_last, sc->months);

	if (sc->format >= 2 && b.m_first < sc->a0)
		return sf_error_set(err, SF_ERR_INTERNAL,
		                    "bad model spec: month %d is history (a0 = %d)", b.m_first,
		                    sc->a0);

	b.md = model_new(sc, spec->stage, b.m_first, b.m_last);
	b.ycol = sf__mallocarray((size_t)sc->months + 1, sizeof(int));
	b.zcol = sf__mallocarray(sc->nunit_types * SF_NLOC(sc) * sc->ntasks + 1, sizeof(int));
	if (index_pledges(&b) < 0)
		goto nomem;
	if (b.md == NULL || b.ycol == NULL || b.zcol == NULL || add_x_columns(&b) < 0)
		goto nomem;
	if (sc->format >= 2) {
		rc = sf__history_build(sc, &b.hist, err);
		if (rc != SF_OK)
			goto out;
		b.tmp_inl = sf__mallocarray(SF_NLOC(sc) + 1, sizeof(int));
		b.tmp_inc = sf__mallocarray(SF_NLOC(sc) * sc->ntasks + 1, sizeof(int));
		b.tmp_cells = sf__mallocarray(SF_NLOC(sc) + 1, sizeof(int));
		if (!b.tmp_inl || !b.tmp_inc || !b.tmp_cells || add_presence_columns(&b) < 0)
			goto nomem;
		for (int m = b.m_first; m <= b.m_last; m++)
			if (add_month_f2(&b, m) < 0)
				goto nomem;
		if (add_tours(&b) < 0)
			goto nomem;
	} else {
		for (int m = b.m_first; m <= b.m_last; m++)
			if (add_month(&b, m) < 0)
				goto nomem;
	}
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
	free(b.tmp_inl);
	free(b.tmp_inc);
	free(b.tmp_cells);
	sf__history_release(&b.hist);
	free(b.mine_start);
	free(b.mine);
	sf__model_free(b.md);
	return rc;
}
