/*
 * compare.c - two plans side by side, and what changed between them.
 *
 * The two plans may come from different scenarios (`compare A.yaml
 * B.yaml`, or a baseline and its what-if), so everything is matched by id:
 * tasks and locations for the shortfall, contributors for the build-up,
 * (pledge, location, task) for the assignments. A row is listed only where
 * the two plans differ (by more than 1e-9), so an unchanged plan compares
 * as an empty list of changes. Figures are summed over each plan's own
 * months: shortfall in capability-unit-months, personnel in person-months,
 * assignments in unit-months (with the first and last month used).
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include "analysis/analysis_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int differs(double a, double b)
{
	return fabs(a - b) > SF_TOL_ROUNDING * (1 + fabs(a) + fabs(b));
}

void sf_comparison_free(sf_comparison *c)
{
	if (!c)
		return;
	sf_outcome_release(&c->oa);
	sf_outcome_release(&c->ob);
	free(c->cov);
	free(c->contrib);
	free(c->assign);
	free(c->moved);
	free(c);
}

/* Shortfall of (task id, location id) in p summed over months; 0 when absent. */
static double task_loc_short(const sf_plan *p, const char *task, const char *loc, int *found)
{
	const sf_scenario *sc = p->scenario;
	long t = sf_scenario_find_task(sc, task), l = sf_scenario_find_location(sc, loc);
	double s = 0;
	*found = t >= 0 && l >= 0;
	if (!*found)
		return 0;
	for (int m = 1; m <= sc->months; m++)
		s += p->shortfall[SF_COV(sc, (size_t)t, (size_t)l, m)];
	return s;
}

static int scope_ok(const sf_scenario *sc, size_t t, size_t l)
{
	return sc->tasks[t].scope == SF_SCOPE_MISSION ? l == SF_MISSION(sc) : l < sc->nsectors;
}

/*
 * Contributor id's person-months in the sectors and at mission, and its
 * reimbursement (money) over plan p; zeros when p's scenario lacks it.
 */
typedef struct contrib_fig {
	double pm, mission, reimb;
} contrib_fig;

static sf_status contrib_figures(const sf_plan *p, const sf_reimbursement *r, const char *id,
                                 contrib_fig *f)
{
	const sf_scenario *sc = p->scenario;
	long c = sf_scenario_find_contributor(sc, id);
	memset(f, 0, sizeof *f);
	if (c < 0)
		return SF_OK;
	for (int m = 1; m <= sc->months; m++)
		f->pm += p->personnel_by_contributor[(size_t)c * (size_t)sc->months +
		                                     (size_t)(m - 1)];
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_assignment *a = &p->rows[i];
		const sf_pledge *pl = &sc->pledges[a->pledge];
		if (a->location == SF_MISSION(sc) && pl->contributor == (size_t)c)
			f->mission += (double)a->units * sc->unit_types[pl->unit].personnel;
	}
	f->reimb = sf_reimbursement_total(r, (size_t)c);
	return SF_OK;
}

typedef struct agg {
	const char *pledge, *contributor, *unit, *location, *task;
	double um;
	int first, last;
} agg;

/* Aggregate p's rows by (pledge, location, task); rows are sorted by month first. */
static agg *aggregate(const sf_plan *p, size_t *n)
{
	const sf_scenario *sc = p->scenario;
	agg *v = calloc(p->nrows + 1, sizeof *v);
	size_t k = 0;
	if (!v)
		return NULL;
	for (size_t r = 0; r < p->nrows; r++) {
		const sf_assignment *a = &p->rows[r];
		const sf_pledge *pl = &sc->pledges[a->pledge];
		const char *loc = sf_scenario_location_id(sc, a->location);
		const char *task = sc->tasks[a->task].id;
		size_t i;
		for (i = 0; i < k; i++)
			if (!strcmp(v[i].pledge, pl->id) && !strcmp(v[i].location, loc) &&
			    !strcmp(v[i].task, task))
				break;
		if (i == k) {
			v[k].pledge = pl->id;
			v[k].contributor = sc->contributors[pl->contributor].id;
			v[k].unit = sc->unit_types[pl->unit].id;
			v[k].location = loc;
			v[k].task = task;
			v[k].first = a->month;
			k++;
		}
		v[i].um += a->units;
		if (a->month < v[i].first || !v[i].first)
			v[i].first = a->month;
		if (a->month > v[i].last)
			v[i].last = a->month;
	}
	*n = k;
	return v;
}

/* ------------------------------------------------------------------ */
/* What moved: per pledge, the units in another state                  */

/* Units of pledge p of plan x in month m at (l, t), into u[l * nt + t]; returns the total. */
static int pledge_cells(const sf_plan *x, size_t p, int m, int *u)
{
	const sf_scenario *sc = x->scenario;
	int total = 0;

	memset(u, 0, SF_NLOC(sc) * sc->ntasks * sizeof(int));
	for (size_t i = 0; i < x->nrows; i++) {
		const sf_assignment *r = &x->rows[i];
		if (r->pledge != p || r->month != m)
			continue;
		u[r->location * sc->ntasks + r->task] += r->units;
		total += r->units;
	}
	return total;
}

/* "rafah/poc x2, reserve x1", or "absent", into buf. */
static void cells_text(const sf_scenario *sc, const int *u, int reserve, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t l = 0; l < SF_NLOC(sc) && len + 1 < n; l++)
		for (size_t t = 0; t < sc->ntasks && len + 1 < n; t++) {
			int k = u[l * sc->ntasks + t];
			if (k > 0)
				len += (size_t)sf_snprintf(
				        buf + len, n - len, "%s%s/%s x%d", len ? ", " : "",
				        sf_scenario_location_id(sc, l), sc->tasks[t].id, k);
		}
	if (reserve > 0 && len + 1 < n)
		len += (size_t)sf_snprintf(buf + len, n - len, "%sreserve x%d", len ? ", " : "",
		                           reserve);
	if (len == 0)
		sf_strlcpy(buf, "absent", n);
}

/* 1 when pledge pa of sa and pb of sb say different things (count, unit, months, caveats...). */
static int pledge_differs(const sf_scenario *sa, size_t pa, const sf_scenario *sb, size_t pb)
{
	const sf_pledge *x = &sa->pledges[pa], *y = &sb->pledges[pb];
	char l1[16], l2[16];

	if (x->count != y->count || x->active != y->active ||
	    sa->contributors[x->contributor].active != sb->contributors[y->contributor].active ||
	    strcmp(sa->unit_types[x->unit].id, sb->unit_types[y->unit].id) != 0 ||
	    x->lead_days != y->lead_days || x->tour_months != y->tour_months ||
	    x->tours != y->tours || sf_pledge_min_stay(sa, pa) != sf_pledge_min_stay(sb, pb) ||
	    strcmp(sf_scenario_month_label(sa, x->from, l1, sizeof l1),
	           sf_scenario_month_label(sb, y->from, l2, sizeof l2)) != 0 ||
	    strcmp(sf_scenario_month_label(sa, x->to, l1, sizeof l1),
	           sf_scenario_month_label(sb, y->to, l2, sizeof l2)) != 0)
		return 1;
	for (size_t t = 0; t < sa->ntasks; t++) {
		long tb = sf_scenario_find_task(sb, sa->tasks[t].id);
		if (tb >= 0 && x->task_ok[t] != y->task_ok[tb])
			return 1;
	}
	for (size_t l = 0; l < SF_NLOC(sa); l++) {
		long lb = sf_scenario_find_location(sb, sf_scenario_location_id(sa, l));
		if (lb >= 0 && x->loc_ok[l] != y->loc_ok[lb])
			return 1;
	}
	return 0;
}

/*
 * The pledges of b (and those only in a) whose units are in another state
 * in some month of b (matched to a's month by calendar): half the sum of
 * the differences over cells (matched by id), reserve and absence.
 */
static sf_status compute_moved(sf_comparison *c, sf_error *err)
{
	const sf_plan *a = c->a, *b = c->b;
	const sf_scenario *sa = a->scenario, *sb = b->scenario;
	const size_t nlb = SF_NLOC(sb), ntb = sb->ntasks;
	int *ub = calloc(nlb * ntb + 1, sizeof(int)), *ua = calloc(nlb * ntb + 1, sizeof(int));
	int *amap = calloc(SF_NLOC(sa) * sa->ntasks + 1, sizeof(int));
	int *uraw = calloc(SF_NLOC(sa) * sa->ntasks + 1, sizeof(int));
	sf_status rc = SF_OK;

	c->moved = calloc(sb->npledges + sa->npledges + 1, sizeof *c->moved);
	if (!ub || !ua || !amap || !uraw || !c->moved) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* a's cells in b's indexing, -1 where b has no such location or task. */
	for (size_t l = 0; l < SF_NLOC(sa); l++)
		for (size_t t = 0; t < sa->ntasks; t++) {
			long lb = sf_scenario_find_location(sb, sf_scenario_location_id(sa, l));
			long tb = sf_scenario_find_task(sb, sa->tasks[t].id);
			amap[l * sa->ntasks + t] =
			        lb >= 0 && tb >= 0 ? (int)((size_t)lb * ntb + (size_t)tb) : -1;
		}
	for (int side = 0; side < 2; side++) {
		const sf_scenario *sp = side ? sa : sb;
		for (size_t ip = 0; ip < sp->npledges; ip++) {
			const char *id = sp->pledges[ip].id;
			long pb = side ? sf_scenario_find_pledge(sb, id) : (long)ip;
			long pa = side ? (long)ip : sf_scenario_find_pledge(sa, id);
			sf_compare_moved *mv = &c->moved[c->nmoved];
			int total = 0;
			if (side && pb >= 0)
				continue; /* listed from b */
			for (int m = 1; m <= sb->months; m++) {
				char label[16];
				int ma = 0, na = 0, nb = 0, xa = 0, xb = 0, other = 0;
				long d = 0;
				sf_scenario_month_label(sb, m, label, sizeof label);
				if (sf_scenario_parse_month(sa, label, &ma) != 0)
					ma = 0;
				memset(ua, 0, nlb * ntb * sizeof(int));
				memset(ub, 0, nlb * ntb * sizeof(int));
				if (pb >= 0) {
					xb = pledge_cells(b, (size_t)pb, m, ub);
					nb = b->presence[(size_t)pb * (size_t)sb->months +
					                 (size_t)(m - 1)];
				}
				if (pa >= 0 && ma >= 1) {
					xa = pledge_cells(a, (size_t)pa, ma, uraw);
					na = a->presence[(size_t)pa * (size_t)sa->months +
					                 (size_t)(ma - 1)];
					for (size_t k = 0; k < SF_NLOC(sa) * sa->ntasks; k++) {
						if (!uraw[k])
							continue;
						if (amap[k] >= 0)
							ua[amap[k]] += uraw[k];
						else
							other += uraw[k];
					}
				}
				for (size_t k = 0; k < nlb * ntb; k++)
					d += labs((long)ua[k] - ub[k]);
				d += other + labs((long)(na - xa) - (nb - xb)) +
				     labs((long)na - nb);
				if (d == 0)
					continue;
				total += (int)(d / 2);
				if (!mv->first) {
					mv->first = m;
					cells_text(sb, ua, na - xa, mv->from, sizeof mv->from);
					if (other > 0)
						sf_strlcpy(mv->from + strlen(mv->from),
						           " (and where b has no such cell)",
						           sizeof mv->from - strlen(mv->from));
					cells_text(sb, ub, nb - xb, mv->to, sizeof mv->to);
				}
				mv->last = m;
			}
			if (total == 0) {
				memset(mv, 0, sizeof *mv);
				continue;
			}
			mv->pledge = id;
			mv->contributor = sp->contributors[sp->pledges[ip].contributor].id;
			mv->unit = sp->unit_types[sp->pledges[ip].unit].id;
			mv->unit_months = total;
			mv->charge = total * sp->unit_types[sp->pledges[ip].unit].change_cost;
			/* The default reason; a what-if names its edit instead. */
			if (pa < 0)
				mv->cause = "new in the second plan's scenario";
			else if (pb < 0)
				mv->cause = "not in the second plan's scenario";
			else if (pledge_differs(sa, (size_t)pa, sb, (size_t)pb))
				mv->cause = "its pledge differs between the two scenarios";
			else
				mv->cause = "forced by the other differences";
			c->nmoved++;
		}
	}
out:
	free(ub);
	free(ua);
	free(amap);
	free(uraw);
	return rc;
}

sf_status sf_plan_compare(const sf_plan *a, const sf_plan *b, sf_comparison **out, sf_error *err)
{
	const sf_scenario *sa = a->scenario, *sb = b->scenario;
	sf_comparison *c = calloc(1, sizeof *c);
	agg *ga = NULL, *gb = NULL;
	size_t na = 0, nb = 0;
	sf_reimbursement ra, rb;
	sf_status rc = SF_OK;
	*out = NULL;
	memset(&ra, 0, sizeof ra);
	memset(&rb, 0, sizeof rb);
	if (!c)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	c->a = a;
	c->b = b;
	if ((rc = sf_outcome_from_plan(a, &c->oa, err)) != SF_OK ||
	    (rc = sf_outcome_from_plan(b, &c->ob, err)) != SF_OK ||
	    (rc = sf_plan_reimbursement(a, &ra, err)) != SF_OK ||
	    (rc = sf_plan_reimbursement(b, &rb, err)) != SF_OK)
		goto out;

	/* coverage: pairs of a, then pairs only in b */
	size_t maxcov = sa->ntasks * SF_NLOC(sa) + sb->ntasks * SF_NLOC(sb) + 1;
	size_t maxcon = sa->ncontributors + sb->ncontributors + 1;
	c->cov = calloc(maxcov, sizeof *c->cov);
	c->contrib = calloc(maxcon, sizeof *c->contrib);
	ga = aggregate(a, &na);
	gb = aggregate(b, &nb);
	c->assign = calloc(na + nb + 1, sizeof *c->assign);
	if (!c->cov || !c->contrib || !ga || !gb || !c->assign) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int side = 0; side < 2; side++) {
		const sf_plan *p = side ? b : a, *q = side ? a : b;
		const sf_scenario *sp = p->scenario;
		for (size_t t = 0; t < sp->ntasks; t++)
			for (size_t l = 0; l < SF_NLOC(sp); l++) {
				if (!scope_ok(sp, t, l))
					continue;
				const char *tid = sp->tasks[t].id,
				           *lid = sf_scenario_location_id(sp, l);
				int f1, f2;
				double vp = task_loc_short(p, tid, lid, &f1);
				double vq = task_loc_short(q, tid, lid, &f2);
				if (side && f2)
					continue; /* already listed from a */
				if (!differs(vp, vq))
					continue;
				sf_compare_cov *r = &c->cov[c->ncov++];
				r->task = tid;
				r->location = lid;
				r->short_a = side ? vq : vp;
				r->short_b = side ? vp : vq;
			}
		for (size_t k = 0; k < sp->ncontributors; k++) {
			const char *id = sp->contributors[k].id;
			contrib_fig fp, fq;
			if (side && sf_scenario_find_contributor(sa, id) >= 0)
				continue;
			contrib_figures(p, side ? &rb : &ra, id, &fp);
			contrib_figures(q, side ? &ra : &rb, id, &fq);
			if (!differs(fp.pm, fq.pm) && !differs(fp.mission, fq.mission) &&
			    !differs(fp.reimb, fq.reimb))
				continue;
			sf_compare_contrib *r = &c->contrib[c->ncontrib++];
			const contrib_fig *fa = side ? &fq : &fp, *fb = side ? &fp : &fq;
			r->contributor = id;
			r->pm_a = fa->pm;
			r->pm_b = fb->pm;
			r->mission_a = fa->mission;
			r->mission_b = fb->mission;
			r->reimb_a = fa->reimb;
			r->reimb_b = fb->reimb;
		}
	}
	/* assignments: entries of a (matched in b), then entries only in b */
	for (size_t i = 0; i < na; i++) {
		const agg *x = &ga[i], *y = NULL;
		for (size_t j = 0; j < nb; j++)
			if (!strcmp(gb[j].pledge, x->pledge) &&
			    !strcmp(gb[j].location, x->location) && !strcmp(gb[j].task, x->task)) {
				y = &gb[j];
				break;
			}
		if (y && !differs(x->um, y->um) && x->first == y->first && x->last == y->last)
			continue;
		sf_compare_assign *r = &c->assign[c->nassign++];
		r->pledge = x->pledge;
		r->contributor = x->contributor;
		r->unit = x->unit;
		r->location = x->location;
		r->task = x->task;
		r->um_a = x->um;
		r->first_a = x->first;
		r->last_a = x->last;
		if (y) {
			r->um_b = y->um;
			r->first_b = y->first;
			r->last_b = y->last;
		}
	}
	for (size_t j = 0; j < nb; j++) {
		const agg *y = &gb[j];
		int found = 0;
		for (size_t i = 0; i < na && !found; i++)
			found = !strcmp(ga[i].pledge, y->pledge) &&
			        !strcmp(ga[i].location, y->location) &&
			        !strcmp(ga[i].task, y->task);
		if (found)
			continue;
		sf_compare_assign *r = &c->assign[c->nassign++];
		r->pledge = y->pledge;
		r->contributor = y->contributor;
		r->unit = y->unit;
		r->location = y->location;
		r->task = y->task;
		r->um_b = y->um;
		r->first_b = y->first;
		r->last_b = y->last;
	}
	rc = compute_moved(c, err);
	if (rc != SF_OK)
		goto out;
	*out = c;
	c = NULL;
out:
	free(ga);
	free(gb);
	sf_reimbursement_release(&ra);
	sf_reimbursement_release(&rb);
	sf_comparison_free(c);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */

static const char *months_text(const sf_scenario *sc, int first, int last, char *buf, size_t n)
{
	char f[16], l[16];
	if (!first) {
		sf_strlcpy(buf, "-", n);
		return buf;
	}
	sf_snprintf(buf, n, "%s..%s", sf_scenario_month_label(sc, first, f, sizeof f),
	            sf_scenario_month_label(sc, last, l, sizeof l));
	return buf;
}

/* a, b and the change; "*" after a value (ua, ub) that is not a proven optimum. */
static sf_status add_pair(sf_table *t, double a, double b, int dec, int ua, int ub)
{
	const char *ma = ua ? "*" : "", *mb = ub ? "*" : "", *md = ua || ub ? "*" : "";
	sf_status rc = sf_table_add_cellf(t, "%.*f%s", dec, sf__r6(a), ma);
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.*f%s", dec, sf__r6(b), mb);
	if (rc == SF_OK) {
		double d = sf__r6(b - a);
		rc = fabs(d) < 0.5 * pow(10, -dec) ? sf_table_add_cellf(t, "0%s", md)
		                                   : sf_table_add_cellf(t, "%+.*f%s", dec, d, md);
	}
	return rc;
}

static sf_status compare_text(const sf_comparison *c, const char *na, const char *nb, sf_format fmt,
                              sf_buf *out, sf_error *err)
{
	const sf_scenario *sa = c->a->scenario, *sb = c->b->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	char f1[16], f2[16], m1[40], m2[40];
	/* which figures rest on proven optima, in a and in b */
	int za = !sf_outcome_z1_proven(&c->oa), zb = !sf_outcome_z1_proven(&c->ob);
	int ca = !sf_outcome_cost_proven(&c->oa), cb = !sf_outcome_cost_proven(&c->ob);
	const char *zmark = za || zb ? " (*)" : "";
	char head[256];
	if (!t)
		goto oom;
	const sf_column_spec figure_cols[] = {
	        {"figure", SF_ALIGN_LEFT},
	        {na, SF_ALIGN_RIGHT},
	        {nb, SF_ALIGN_RIGHT},
	        {"change", SF_ALIGN_RIGHT},
	};
	if ((rc = sf_table_add_columns(t, figure_cols, SF_ARRAY_LEN(figure_cols))) != SF_OK)
		goto oom;
	struct {
		const char *name;
		double a, b;
	} nums[] = {{"weighted shortfall", c->oa.z1, c->ob.z1},
	            {"cost", c->oa.cost, c->ob.cost},
	            {"in-sector personnel (person-months)", c->oa.personnel_pm, c->ob.personnel_pm},
	            {"personnel at mission (person-months)", c->oa.mission_pm, c->ob.mission_pm},
	            {"reimbursement (troops and equipment)", c->oa.reimbursed, c->ob.reimbursed}};
	for (size_t i = 0; i < SF_ARRAY_LEN(nums); i++) {
		if (sf_table_begin_row(t) != SF_OK || sf_table_add_cell(t, nums[i].name) != SF_OK ||
		    add_pair(t, nums[i].a, nums[i].b, i == 0 ? 2 : 0, i == 0 ? za : ca,
		             i == 0 ? zb : cb) != SF_OK)
			goto oom;
	}
	int fa = c->oa.foc_month ? c->oa.foc_month : sa->months + 1;
	int fb = c->ob.foc_month ? c->ob.foc_month : sb->months + 1;
	if (sf_table_begin_row(t) != SF_OK || sf_table_add_cell(t, "FOC") != SF_OK ||
	    sf_table_add_cellf(t, "%s%s", sf__month_or_never(sa, c->oa.foc_month, f1, sizeof f1),
	                       za ? "*" : "") != SF_OK ||
	    sf_table_add_cellf(t, "%s%s", sf__month_or_never(sb, c->ob.foc_month, f2, sizeof f2),
	                       zb ? "*" : "") != SF_OK ||
	    (fb != fa ? sf_table_add_cellf(t, "%+d months%s", fb - fa, za || zb ? "*" : "")
	              : sf_table_add_cellf(t, "0%s", za || zb ? "*" : "")) != SF_OK)
		goto oom;
	if (sf_table_begin_row(t) != SF_OK || sf_table_add_cell(t, "status (stage 1/2)") != SF_OK ||
	    sf_table_add_cellf(t, "%s/%s (%s)", sf_solve_status_str(c->oa.stage1),
	                       sf_solve_status_str(c->oa.stage2),
	                       sf__outcome_proof_short(&c->oa)) != SF_OK ||
	    sf_table_add_cellf(t, "%s/%s (%s)", sf_solve_status_str(c->ob.stage1),
	                       sf_solve_status_str(c->ob.stage2),
	                       sf__outcome_proof_short(&c->ob)) != SF_OK ||
	    sf_table_add_cell(t, "") != SF_OK)
		goto oom;
	rc = sf__table_section(t, "Comparison", fmt, out, err);
	sf_table_free(t);
	t = NULL;
	if (rc == SF_OK)
		rc = sf__unproven_legend(za || zb || ca || cb, fmt, out);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory writing the comparison");

	/* shortfall */
	if (!c->ncov) {
		rc = sf_buf_adds(out, "Shortfall: the same in every task and location.\n\n");
	} else {
		const sf_column_spec shortfall_cols[] = {
		        {"task", SF_ALIGN_LEFT}, {"location", SF_ALIGN_LEFT}, {na, SF_ALIGN_RIGHT},
		        {nb, SF_ALIGN_RIGHT},    {"change", SF_ALIGN_RIGHT},
		};
		if (!(t = sf_table_new()) ||
		    sf_table_add_columns(t, shortfall_cols, SF_ARRAY_LEN(shortfall_cols)))
			goto oom;
		for (size_t i = 0; i < c->ncov; i++)
			if (sf_table_begin_row(t) || sf_table_add_cell(t, c->cov[i].task) ||
			    sf_table_add_cell(t, c->cov[i].location) ||
			    add_pair(t, c->cov[i].short_a, c->cov[i].short_b, 2, za, zb))
				goto oom;
		sf_snprintf(head, sizeof head,
		            "Shortfall by task and location where it differs "
		            "(capability-unit-months)%s",
		            zmark);
		rc = sf__table_section(t, head, fmt, out, err);
		sf_table_free(t);
		t = NULL;
	}
	if (rc != SF_OK)
		return rc;

	/* contributors */
	if (!c->ncontrib) {
		rc = sf_buf_adds(out,
		                 "Personnel (in the sectors and at mission) and reimbursement: "
		                 "the same for every contributor.\n\n");
	} else {
		char ha[96];
		const sf_column_spec contributor_cols[] = {
		        {"contributor", SF_ALIGN_LEFT},
		        {na, SF_ALIGN_RIGHT},
		        {nb, SF_ALIGN_RIGHT},
		        {"change", SF_ALIGN_RIGHT},
		        {"at mission, change", SF_ALIGN_RIGHT},
		        {"reimbursed, change", SF_ALIGN_RIGHT},
		};
		if (!(t = sf_table_new()) ||
		    sf_table_add_columns(t, contributor_cols, SF_ARRAY_LEN(contributor_cols)))
			goto oom;
		for (size_t i = 0; i < c->ncontrib; i++) {
			const sf_compare_contrib *r = &c->contrib[i];
			if (sf_table_begin_row(t) || sf_table_add_cell(t, r->contributor) ||
			    add_pair(t, r->pm_a, r->pm_b, 0, ca, cb) ||
			    sf_table_add_cellf(t, "%+.0f%s", r->mission_b - r->mission_a,
			                       ca || cb ? "*" : "") ||
			    sf_table_add_cellf(t, "%s%s%s", r->reimb_b >= r->reimb_a ? "+" : "",
			                       sf_money_str(r->reimb_b - r->reimb_a, ha, sizeof ha),
			                       ca || cb ? "*" : ""))
				goto oom;
		}
		sf_snprintf(head, sizeof head,
		            "Person-months by contributor (in the sectors; at mission) and what it "
		            "would be reimbursed, where they differ%s",
		            ca || cb ? " (*)" : "");
		rc = sf__table_section(t, head, fmt, out, err);
		sf_table_free(t);
		t = NULL;
	}
	if (rc != SF_OK)
		return rc;

	/* assignments */
	if (!c->nassign) {
		rc = sf_buf_adds(out, "Assignments: unchanged.\n");
	} else {
		const sf_column_spec assignment_cols[] = {
		        {"pledge", SF_ALIGN_LEFT},   {"unit", SF_ALIGN_LEFT},
		        {"location", SF_ALIGN_LEFT}, {"task", SF_ALIGN_LEFT},
		        {na, SF_ALIGN_RIGHT},        {"months", SF_ALIGN_LEFT},
		        {nb, SF_ALIGN_RIGHT},        {"months ", SF_ALIGN_LEFT},
		        {"change", SF_ALIGN_RIGHT},
		};
		if (!(t = sf_table_new()) ||
		    sf_table_add_columns(t, assignment_cols, SF_ARRAY_LEN(assignment_cols)))
			goto oom;
		for (size_t i = 0; i < c->nassign; i++) {
			const sf_compare_assign *r = &c->assign[i];
			double d = r->um_b - r->um_a;
			if (sf_table_begin_row(t) || sf_table_add_cell(t, r->pledge) ||
			    sf_table_add_cell(t, r->unit) || sf_table_add_cell(t, r->location) ||
			    sf_table_add_cell(t, r->task) ||
			    sf_table_add_cellf(t, "%.0f", r->um_a) ||
			    sf_table_add_cell(
			            t, months_text(sa, r->first_a, r->last_a, m1, sizeof m1)) ||
			    sf_table_add_cellf(t, "%.0f", r->um_b) ||
			    sf_table_add_cell(
			            t, months_text(sb, r->first_b, r->last_b, m2, sizeof m2)) ||
			    (d != 0 ? sf_table_add_cellf(t, "%+.0f", d)
			            : sf_table_add_cell(t, "0")))
				goto oom;
		}
		sf_snprintf(
		        head, sizeof head,
		        "Assignments that changed (unit-months per pledge, location and task)%s",
		        ca || cb ? " (*)" : "");
		rc = sf__table_section(t, head, fmt, out, err);
		sf_table_free(t);
		t = NULL;
	}
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory");

	/* what moved, and why */
	if (!c->nmoved) {
		rc = sf_buf_adds(out, "\nMoved: no unit is in another place, task or state.\n");
	} else {
		static const sf_column_spec change_cols[] = {
		        {"pledge", SF_ALIGN_LEFT},       {"unit", SF_ALIGN_LEFT},
		        {"unit-months", SF_ALIGN_RIGHT}, {"months", SF_ALIGN_LEFT},
		        {"from", SF_ALIGN_LEFT},         {"to", SF_ALIGN_LEFT},
		        {"why", SF_ALIGN_LEFT},
		};
		if (!(t = sf_table_new()) ||
		    sf_table_add_columns(t, change_cols, SF_ARRAY_LEN(change_cols)))
			goto oom;
		for (size_t i = 0; i < c->nmoved; i++) {
			const sf_compare_moved *r = &c->moved[i];
			if (sf_table_begin_row(t) || sf_table_add_cell(t, r->pledge) ||
			    sf_table_add_cell(t, r->unit) ||
			    sf_table_add_cellf(t, "%d", r->unit_months) ||
			    sf_table_add_cell(t,
			                      months_text(sb, r->first, r->last, m1, sizeof m1)) ||
			    sf_table_add_cell(t, r->from) || sf_table_add_cell(t, r->to) ||
			    sf_table_add_cell(t, r->cause ? r->cause : ""))
				goto oom;
		}
		if (sf_buf_addc(out, '\n') != SF_OK)
			goto oom;
		rc = sf__table_section(
		        t,
		        "What moved, and why (per pledge: units in another location, "
		        "task or state; from and to in the first such month)",
		        fmt, out, err);
		sf_table_free(t);
		t = NULL;
	}
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory");
oom:
	sf_table_free(t);
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the comparison");
}

static void side_json(sf_json_writer *w, const char *key, const sf_plan *p, const sf_outcome *o,
                      const char *name)
{
	sf_json_object(w, key);
	sf__json_outcome_members(w, p->scenario, o);
	sf_json_str(w, "name", name);
	sf__json_scenario(w, "scenario", p->scenario);
	sf_json_end(w);
}

static void use_json(sf_json_writer *w, const char *key, double um, int first, int last)
{
	sf_json_object(w, key);
	sf__json_r6(w, "unit_months", um);
	sf__json_month(w, "first_month", first);
	sf__json_month(w, "last_month", last);
	sf_json_end(w);
}

void sf__comparison_json(sf_json_writer *w, const char *key, const sf_comparison *c, const char *na,
                         const char *nb)
{
	int fa = c->oa.foc_month ? c->oa.foc_month : c->a->scenario->months + 1;
	int fb = c->ob.foc_month ? c->ob.foc_month : c->b->scenario->months + 1;
	sf_json_object(w, key);
	sf_json_str(w, "stabforce_version", STABFORCE_VERSION);
	sf_json_str(w, "analysis", "compare");
	side_json(w, "a", c->a, &c->oa, na);
	side_json(w, "b", c->b, &c->ob, nb);
	sf_json_object(w, "change");
	sf__json_r6(w, "z1", c->ob.z1 - c->oa.z1);
	sf__json_r6(w, "cost", c->ob.cost - c->oa.cost);
	sf__json_r6(w, "personnel_pm", c->ob.personnel_pm - c->oa.personnel_pm);
	sf__json_r6(w, "mission_pm", c->ob.mission_pm - c->oa.mission_pm);
	sf__json_r6(w, "reimbursed", c->ob.reimbursed - c->oa.reimbursed);
	sf_json_int(w, "foc_months", fb - fa);
	sf_json_end(w);
	sf_json_array(w, "coverage");
	for (size_t i = 0; i < c->ncov; i++) {
		sf_json_object(w, NULL);
		sf_json_str(w, "task", c->cov[i].task);
		sf_json_str(w, "location", c->cov[i].location);
		sf__json_r6(w, "a", c->cov[i].short_a);
		sf__json_r6(w, "b", c->cov[i].short_b);
		sf__json_r6(w, "change", c->cov[i].short_b - c->cov[i].short_a);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "contributors");
	for (size_t i = 0; i < c->ncontrib; i++) {
		sf_json_object(w, NULL);
		sf_json_str(w, "contributor", c->contrib[i].contributor);
		sf__json_r6(w, "a", c->contrib[i].pm_a);
		sf__json_r6(w, "b", c->contrib[i].pm_b);
		sf__json_r6(w, "change", c->contrib[i].pm_b - c->contrib[i].pm_a);
		sf__json_r6(w, "mission_a", c->contrib[i].mission_a);
		sf__json_r6(w, "mission_b", c->contrib[i].mission_b);
		sf__json_r6(w, "mission_change", c->contrib[i].mission_b - c->contrib[i].mission_a);
		sf__json_r6(w, "reimbursed_a", c->contrib[i].reimb_a);
		sf__json_r6(w, "reimbursed_b", c->contrib[i].reimb_b);
		sf__json_r6(w, "reimbursed_change", c->contrib[i].reimb_b - c->contrib[i].reimb_a);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "assignments");
	for (size_t i = 0; i < c->nassign; i++) {
		const sf_compare_assign *r = &c->assign[i];
		sf_json_object(w, NULL);
		sf_json_str(w, "pledge", r->pledge);
		sf_json_str(w, "contributor", r->contributor);
		sf_json_str(w, "unit", r->unit);
		sf_json_str(w, "location", r->location);
		sf_json_str(w, "task", r->task);
		use_json(w, "a", r->um_a, r->first_a, r->last_a);
		use_json(w, "b", r->um_b, r->first_b, r->last_b);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "moved");
	for (size_t i = 0; i < c->nmoved; i++) {
		const sf_compare_moved *r = &c->moved[i];
		sf_json_object(w, NULL);
		sf_json_str(w, "pledge", r->pledge);
		sf_json_str(w, "contributor", r->contributor);
		sf_json_str(w, "unit", r->unit);
		sf_json_int(w, "unit_months", r->unit_months);
		sf__json_month(w, "first_month", r->first);
		sf__json_month(w, "last_month", r->last);
		sf_json_str(w, "from", r->from);
		sf_json_str(w, "to", r->to);
		sf_json_str(w, "why", r->cause);
		sf__json_r6(w, "change_charge", r->charge);
		sf_json_bool(w, "within_gaps", r->within_gaps);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_end(w);
}

static sf_status compare_json(const sf_comparison *c, const char *na, const char *nb, sf_buf *out,
                              sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf__comparison_json(&w, NULL, c, na, nb);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

static sf_status compare_csv(const sf_comparison *c, sf_buf *out, sf_error *err)
{
	sf_table *t = sf_table_new();
	char key[512];
	static const sf_column_spec csv_cols[] = {
	        {"section", SF_ALIGN_LEFT}, {"item", SF_ALIGN_LEFT},   {"a", SF_ALIGN_LEFT},
	        {"b", SF_ALIGN_LEFT},       {"change", SF_ALIGN_LEFT},
	};
	if (!t || sf_table_add_columns(t, csv_cols, SF_ARRAY_LEN(csv_cols)))
		goto oom;
	struct {
		const char *name;
		double a, b;
	} nums[] = {{"z1", c->oa.z1, c->ob.z1},
	            {"cost", c->oa.cost, c->ob.cost},
	            {"personnel_pm", c->oa.personnel_pm, c->ob.personnel_pm},
	            {"mission_pm", c->oa.mission_pm, c->ob.mission_pm},
	            {"reimbursed", c->oa.reimbursed, c->ob.reimbursed},
	            {"foc_month", c->oa.foc_month, c->ob.foc_month}};
	for (size_t i = 0; i < SF_ARRAY_LEN(nums); i++)
		if (sf_table_begin_row(t) || sf_table_add_cell(t, "summary") ||
		    sf_table_add_cell(t, nums[i].name) ||
		    sf_table_add_cellf(t, "%.15g", sf__r6(nums[i].a)) ||
		    sf_table_add_cellf(t, "%.15g", sf__r6(nums[i].b)) ||
		    sf_table_add_cellf(t, "%.15g", sf__r6(nums[i].b - nums[i].a)))
			goto oom;
	/* what the figures rest on: each side's stage statuses and gaps */
	struct {
		const char *name, *a, *b;
	} st[] = {{"stage1", sf_solve_status_str(c->oa.stage1), sf_solve_status_str(c->ob.stage1)},
	          {"stage2", sf_solve_status_str(c->oa.stage2), sf_solve_status_str(c->ob.stage2)},
	          {"proven", sf_outcome_cost_proven(&c->oa) ? "true" : "false",
	           sf_outcome_cost_proven(&c->ob) ? "true" : "false"}};
	for (size_t i = 0; i < SF_ARRAY_LEN(st); i++) {
		if (sf_table_begin_row(t) || sf_table_add_cell(t, "status") ||
		    sf_table_add_cell(t, st[i].name) || sf_table_add_cell(t, st[i].a) ||
		    sf_table_add_cell(t, st[i].b) || sf_table_add_cell(t, ""))
			goto oom;
		if (i < 2 && (sf_table_begin_row(t) || sf_table_add_cell(t, "status") ||
		              sf_table_add_cellf(t, "%s_gap", st[i].name) ||
		              sf_table_add_cellf(t, "%.6g", i ? c->oa.gap2 : c->oa.gap1) ||
		              sf_table_add_cellf(t, "%.6g", i ? c->ob.gap2 : c->ob.gap1) ||
		              sf_table_add_cell(t, "")))
			goto oom;
	}
	for (size_t i = 0; i < c->ncov; i++) {
		sf_snprintf(key, sizeof key, "%s/%s", c->cov[i].task, c->cov[i].location);
		if (sf_table_begin_row(t) || sf_table_add_cell(t, "shortfall") ||
		    sf_table_add_cell(t, key) ||
		    sf_table_add_cellf(t, "%.15g", sf__r6(c->cov[i].short_a)) ||
		    sf_table_add_cellf(t, "%.15g", sf__r6(c->cov[i].short_b)) ||
		    sf_table_add_cellf(t, "%.15g", sf__r6(c->cov[i].short_b - c->cov[i].short_a)))
			goto oom;
	}
	for (size_t i = 0; i < c->ncontrib; i++) {
		const sf_compare_contrib *r = &c->contrib[i];
		const char *kinds[] = {"personnel_pm", "mission_pm", "reimbursed"};
		double va[] = {r->pm_a, r->mission_a, r->reimb_a},
		       vb[] = {r->pm_b, r->mission_b, r->reimb_b};
		for (size_t k = 0; k < 3; k++)
			if (sf_table_begin_row(t) || sf_table_add_cell(t, kinds[k]) ||
			    sf_table_add_cell(t, r->contributor) ||
			    sf_table_add_cellf(t, "%.15g", sf__r6(va[k])) ||
			    sf_table_add_cellf(t, "%.15g", sf__r6(vb[k])) ||
			    sf_table_add_cellf(t, "%.15g", sf__r6(vb[k] - va[k])))
				goto oom;
	}
	for (size_t i = 0; i < c->nassign; i++) {
		const sf_compare_assign *r = &c->assign[i];
		sf_snprintf(key, sizeof key, "%s/%s/%s", r->pledge, r->location, r->task);
		if (sf_table_begin_row(t) || sf_table_add_cell(t, "unit_months") ||
		    sf_table_add_cell(t, key) || sf_table_add_cellf(t, "%.15g", r->um_a) ||
		    sf_table_add_cellf(t, "%.15g", r->um_b) ||
		    sf_table_add_cellf(t, "%.15g", r->um_b - r->um_a))
			goto oom;
	}
	if (sf_table_write_csv(t, out) != SF_OK)
		goto oom;
	sf_table_free(t);
	return SF_OK;
oom:
	sf_table_free(t);
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing CSV");
}

sf_status sf_comparison_write(const sf_comparison *c, const char *name_a, const char *name_b,
                              sf_format fmt, sf_buf *out, sf_error *err)
{
	const char *na = name_a ? name_a : "a", *nb = name_b ? name_b : "b";
	switch (fmt) {
	case SF_FORMAT_JSON:
		return compare_json(c, na, nb, out, err);
	case SF_FORMAT_CSV:
		return compare_csv(c, out, err);
	default:
		return compare_text(c, na, nb, fmt, out, err);
	}
}
