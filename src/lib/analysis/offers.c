/*
 * offers.c - what a contributing nation could offer (`stabforce offers`).
 *
 * For one contributor, existing or new, every candidate offer is a pledge
 * added to a clone of the scenario, and the clone is planned (stage 1, the
 * weighted shortfall, proven optimal or with its gap) in the worker pool:
 * the shortfall an offer removes is the exact model's, never an estimate.
 *
 * Candidates (docs/model.md, "Offers"):
 *   - every unit type with some capability, in every count 1..max_count;
 *   - starting at the first month an offer can serve (format 2: the month
 *     of as_of + the notice, default the scenario's RDL notice; format 1:
 *     month 1) and at each later month where the baseline's shortfall in
 *     the tasks the unit type serves starts again after a month without
 *     any (at most max_starts starts), always to the end of the plan;
 *   - without caveats, and with each distinct caveat (the set of tasks and
 *     of locations it may serve) that the contributor's own pledges carry,
 *     or, for a new contributor, that any pledge of the scenario carries:
 *     the caveats a nation would consider are those it already puts on its
 *     troops, and a newcomer's those its peers put on theirs;
 *   - left out when the offer's cost, used in full, exceeds the budget.
 * A new contributor is added with no cap and no veto on it.
 *
 * Each offer's figures: personnel = count x the unit type's personnel;
 * cost = count x (deploy_cost + monthly_cost x months offered), the money
 * the offer costs if the plan uses it in full; z1_removed = baseline z1 -
 * the offer's z1 (>= 0); per_1000_personnel and per_million (money) the
 * shortfall removed per 1,000 personnel and per million of cost. Offers
 * are ranked by one of the two, then by shortfall removed, then by cost,
 * then in candidate order, so the ranking does not depend on the workers.
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include "analysis/analysis_int.h"
#include "plan/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Defaults of sf_offers_options (docs/model.md, "Offers"). */
#define DEFAULT_MAX_COUNT 3
#define DEFAULT_MAX_STARTS 3
/* Scale of the two rankings' figures. */
#define PER_PERSONNEL 1000.0
#define PER_MONEY 1e6

void sf_offers_options_init(sf_offers_options *o)
{
	memset(o, 0, sizeof *o);
	o->max_count = DEFAULT_MAX_COUNT;
	o->max_starts = DEFAULT_MAX_STARTS;
	o->rank = SF_OFFER_RANK_PERSONNEL;
}

const char *sf_offer_rank_str(sf_offer_rank r)
{
	return r == SF_OFFER_RANK_COST        ? "cost"
	       : r == SF_OFFER_RANK_PLAN_COST ? "plan-cost"
	                                      : "personnel";
}

void sf_offers_free(sf_offers *o)
{
	if (!o)
		return;
	sf_outcome_release(&o->baseline);
	for (size_t i = 0; i < o->noffers; i++)
		sf_outcome_release(&o->offers[i].outcome);
	free(o->offers);
	free(o->caveat_pledges);
	sf_scenario_free(o->owned);
	free(o);
}

/* Shortfall of plan p in month m, every location, in the tasks unit type u serves. */
static double month_shortfall(const sf_plan *p, size_t u, int m)
{
	const sf_scenario *sc = p->scenario;
	double s = 0;
	for (size_t t = 0; t < sc->ntasks; t++)
		if (sc->unit_types[u].capability[t] > 0)
			for (size_t l = 0; l < SF_NLOC(sc); l++)
				s += p->shortfall[SF_COV(sc, t, l, m)];
	return s;
}

/*
 * The start months of unit type u: first (the earliest an offer serves),
 * then each later month where the shortfall of the tasks u serves starts
 * again after a month without any, at most max of them. Returns how many.
 */
static int start_months(const sf_plan *base, size_t u, int first, int max, int *starts)
{
	int n = 0;
	const sf_scenario *sc = base->scenario;
	if (first > sc->months || max < 1)
		return 0;
	starts[n++] = first;
	for (int m = first + 1; m <= sc->months && n < max; m++)
		if (month_shortfall(base, u, m) > SF_TOL_SHORTFALL &&
		    month_shortfall(base, u, m - 1) <= SF_TOL_SHORTFALL)
			starts[n++] = m;
	return n;
}

/* 1 when unit type u delivers some capability. */
static int capable(const sf_scenario *sc, size_t u)
{
	for (size_t t = 0; t < sc->ntasks; t++)
		if (sc->unit_types[u].capability[t] > 0)
			return 1;
	return 0;
}

/* Pledge p carries a task or location caveat. */
static int caveated(const sf_pledge *p)
{
	return p->active && (p->has_task_caveat || p->has_loc_caveat);
}

/* Pledges p and q leave their units the same tasks and locations. */
static int same_caveat(const sf_scenario *sc, const sf_pledge *p, const sf_pledge *q)
{
	return !memcmp(p->task_ok, q->task_ok, sc->ntasks) &&
	       !memcmp(p->loc_ok, q->loc_ok, SF_NLOC(sc));
}

/*
 * The caveat variants: for each distinct caveat of the contributor's
 * pledges (all pledges when any_contributor), the first pledge carrying
 * it, in file order.
 */
static sf_status caveat_variants(sf_offers *r, const sf_scenario *sc, int any_contributor,
                                 sf_error *err)
{
	r->ncaveats = 0;
	r->caveat_pledges = sf__mallocarray(sc->npledges ? sc->npledges : 1, sizeof(size_t));
	if (!r->caveat_pledges)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_pledge *q = &sc->pledges[p];
		size_t k = 0;
		if (!caveated(q) || (!any_contributor && q->contributor != r->contributor))
			continue;
		while (k < r->ncaveats && !same_caveat(sc, &sc->pledges[r->caveat_pledges[k]], q))
			k++;
		if (k == r->ncaveats)
			r->caveat_pledges[r->ncaveats++] = p;
	}
	return SF_OK;
}

/* The clone of base with offer x added (index of the pledge in *pledge). */
static sf_status offer_scenario(const sf_offers *r, const sf_offer *x, int notice,
                                sf_scenario **out, size_t *pledge, sf_error *err)
{
	const sf_scenario *base = r->scenario;
	sf_scenario *sc = NULL;
	sf_status rc = sf_scenario_clone(base, &sc, err);
	if (rc != SF_OK)
		return rc;
	rc = sf_scenario_add_pledge(sc, r->contributor, x->unit, x->count, x->from, x->to, NULL,
	                            pledge, err);
	if (rc != SF_OK) {
		sf_scenario_free(sc);
		return rc;
	}
	sf_pledge *p = &sc->pledges[*pledge];
	if (sc->format >= 2) {
		p->lead_days = notice;
		p->has_notice = 1;
	}
	if (x->caveats) {
		const sf_pledge *q = &sc->pledges[r->caveat_pledges[x->caveats - 1]];
		memcpy(p->task_ok, q->task_ok, sc->ntasks);
		memcpy(p->loc_ok, q->loc_ok, SF_NLOC(sc));
		p->has_task_caveat = q->has_task_caveat;
		p->has_loc_caveat = q->has_loc_caveat;
	}
	*out = sc;
	return SF_OK;
}

/* The first month an offer of unit type u can serve in (M + 1: none). */
static sf_status first_month(const sf_offers *r, size_t u, int notice, int *first, sf_error *err)
{
	const sf_scenario *base = r->scenario;
	sf_offer probe;
	sf_scenario *sc = NULL;
	size_t p;
	memset(&probe, 0, sizeof probe);
	probe.unit = u;
	probe.count = 1;
	probe.from = 1;
	probe.to = base->months;
	sf_status rc = offer_scenario(r, &probe, notice, &sc, &p, err);
	if (rc != SF_OK)
		return rc;
	*first = sf_pledge_earliest(sc, p);
	sf_scenario_free(sc);
	return SF_OK;
}

static sf_status push_offer(sf_offers *r, size_t *cap, const sf_offer *x, sf_error *err)
{
	if (r->noffers == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		sf_offer *a = sf__reallocarray(r->offers, nc, sizeof *a);
		if (!a)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		r->offers = a;
		*cap = nc;
	}
	r->offers[r->noffers++] = *x;
	return SF_OK;
}

/* 1 when pledge p of sc has some x column (sf__x_exists) in its months. */
static int some_column(const sf_scenario *sc, size_t p)
{
	for (int m = sc->pledges[p].from; m <= sc->pledges[p].to; m++)
		for (size_t l = 0; l < SF_NLOC(sc); l++)
			for (size_t t = 0; t < sc->ntasks; t++)
				if (sf__x_exists(sc, p, l, t, m))
					return 1;
	return 0;
}

/*
 * 1 when the stakeholders' conditions forbid offer x everywhere: it has
 * some x column without the conditions and none with them. Such a request
 * is never proposed (docs/model.md, "Offers"). Caveats and vetoes that
 * leave it nothing do not count: those rows stay, removing nothing.
 */
static sf_status forbidden_by_conditions(const sf_offers *r, const sf_offer *x, int notice,
                                         int *out, sf_error *err)
{
	sf_scenario *sc = NULL;
	size_t p, nc;
	sf_status rc;

	*out = 0;
	if (r->scenario->nconditions == 0)
		return SF_OK;
	rc = offer_scenario(r, x, notice, &sc, &p, err);
	if (rc != SF_OK)
		return rc;
	if (!some_column(sc, p)) {
		nc = sc->nconditions;
		sc->nconditions = 0;
		*out = some_column(sc, p);
		sc->nconditions = nc;
	}
	sf_scenario_free(sc);
	return SF_OK;
}

/* Every candidate of docs/model.md, "Offers", in candidate order. */
static sf_status candidates(sf_offers *r, const sf_plan *base, int notice, sf_error *err)
{
	const sf_scenario *sc = r->scenario;
	size_t cap = 0;
	int *starts = sf__mallocarray((size_t)(r->opts.max_starts > 0 ? r->opts.max_starts : 1),
	                              sizeof *starts);
	sf_status rc = SF_OK;
	if (!starts)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	for (size_t u = 0; rc == SF_OK && u < sc->nunit_types; u++) {
		const sf_unit_type *ut = &sc->unit_types[u];
		int first, ns;
		if (!capable(sc, u))
			continue;
		if ((rc = first_month(r, u, notice, &first, err)) != SF_OK)
			break;
		if (first > sc->months)
			r->after_plan++;
		ns = start_months(base, u, first, r->opts.max_starts, starts);
		for (int k = 0; rc == SF_OK && k < ns; k++)
			for (int cv = 0; rc == SF_OK && (size_t)cv <= r->ncaveats; cv++)
				for (int n = 1; rc == SF_OK && n <= r->opts.max_count; n++) {
					sf_offer x;
					memset(&x, 0, sizeof x);
					x.unit = u;
					x.count = n;
					x.from = starts[k];
					x.to = sc->months;
					x.caveats = cv;
					x.personnel = (double)n * ut->personnel;
					x.cost = (double)n *
					         (ut->deploy_cost +
					          ut->monthly_cost * (x.to - x.from + 1));
					if (r->opts.budget > 0 && x.cost > r->opts.budget) {
						r->over_budget++;
						continue;
					}
					int forbidden = 0;
					rc = forbidden_by_conditions(r, &x, notice, &forbidden,
					                             err);
					if (rc != SF_OK)
						break;
					if (forbidden) {
						r->forbidden++;
						continue;
					}
					x.order = r->noffers;
					rc = push_offer(r, &cap, &x, err);
				}
	}
	free(starts);
	return rc;
}

/* The figure an offer is ranked by; an offer that costs nothing ranks first. */
static double rank_value(const sf_offers *r, const sf_offer *x)
{
	if (r->opts.rank == SF_OFFER_RANK_COST)
		return x->cost > 0 ? x->per_million : (x->z1_removed > 0 ? HUGE_VAL : 0);
	if (r->opts.rank == SF_OFFER_RANK_PLAN_COST)
		/* less plan cost per shortfall removed first; removing nothing, last */
		return x->z1_removed > 0 ? -x->plan_cost_per_removed : -HUGE_VAL;
	return x->per_1000_personnel;
}

static int cmp_by(const sf_offers *r, const sf_offer *a, const sf_offer *b)
{
	double va = rank_value(r, a), vb = rank_value(r, b);
	if (va != vb)
		return va > vb ? -1 : 1;
	if (a->z1_removed != b->z1_removed)
		return a->z1_removed > b->z1_removed ? -1 : 1;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Insertion sort by cmp_by (qsort has no context; the lists are short). */
static void sort_offers(sf_offers *r)
{
	for (size_t i = 1; i < r->noffers; i++) {
		sf_offer x = r->offers[i];
		size_t j = i;
		while (j > 0 && cmp_by(r, &x, &r->offers[j - 1]) < 0) {
			r->offers[j] = r->offers[j - 1];
			j--;
		}
		r->offers[j] = x;
	}
}

/* Solve every candidate (stage 1, in workers) and fill its figures. */
static sf_status solve_offers(sf_offers *r, const sf_analysis_options *o, int notice, sf_error *err)
{
	size_t n = r->noffers;
	sf_scenario **scs = n ? calloc(n, sizeof *scs) : NULL;
	sf_plan **plans = n ? calloc(n, sizeof *plans) : NULL;
	size_t *pledge = n ? calloc(n, sizeof *pledge) : NULL;
	sf_status rc = SF_OK;
	if (n && (!scs || !plans || !pledge)) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; rc == SF_OK && i < n; i++)
		rc = offer_scenario(r, &r->offers[i], notice, &scs[i], &pledge[i], err);
	if (rc == SF_OK && n)
		rc = sf__plan_many((const sf_scenario *const *)scs, NULL, n, o, NULL, NULL, plans,
		                   err);
	for (size_t i = 0; rc == SF_OK && i < n; i++) {
		sf_offer *x = &r->offers[i];
		rc = sf_outcome_from_plan(plans[i], &x->outcome, err);
		if (rc != SF_OK)
			break;
		/* the plan is of a clone: its outcome must not point into it */
		x->z1_removed = sf__r6(r->baseline.z1 - x->outcome.z1);
		if (x->z1_removed < 0)
			x->z1_removed = 0;
		x->per_1000_personnel = x->z1_removed * PER_PERSONNEL / x->personnel;
		x->per_million = x->cost > 0 ? x->z1_removed * PER_MONEY / x->cost : NAN;
		x->d_plan_cost = x->plan_cost_per_removed = NAN;
		if (r->opts.rank == SF_OFFER_RANK_PLAN_COST) {
			x->d_plan_cost = sf__r6(x->outcome.cost - r->baseline.cost);
			if (x->z1_removed > 0)
				x->plan_cost_per_removed = sf__r6(x->d_plan_cost / x->z1_removed);
		}
	}
out:
	for (size_t i = 0; i < n; i++) {
		if (plans)
			sf_plan_free(plans[i]);
		if (scs)
			sf_scenario_free(scs[i]);
	}
	free(plans);
	free(scs);
	free(pledge);
	return rc;
}

sf_status sf_offers_run(const sf_scenario *sc, const sf_offers_options *oo,
                        const sf_analysis_options *opts, sf_offers **out, sf_error *err)
{
	sf_analysis_options o;
	sf_offers *r = NULL;
	sf_plan *base = NULL;
	double t0 = sf__now();
	sf_status rc;
	long c;

	*out = NULL;
	if (!oo || !oo->contributor || !*oo->contributor)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "offers: which contributor? (--contributor)");
	if (oo->max_count < 1 || oo->max_count > SF_MAX_UNITS || oo->max_starts < 1 ||
	    !(oo->budget >= 0))
		return sf_error_set(err, SF_ERR_USAGE,
		                    "offers: max count and starts must be >= 1, the budget >= 0");
	if (opts)
		o = *opts;
	else
		sf_analysis_options_init(&o);
	/* Stage 2 only when the plan's cost ranks the offers (docs/model.md, "Offers"). */
	o.plan.stage1_only = oo->rank != SF_OFFER_RANK_PLAN_COST;
	r = calloc(1, sizeof *r);
	if (!r)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	r->opts = *oo;
	r->scenario = sc;
	c = sf_scenario_find_contributor(sc, oo->contributor);
	if (oo->new_name) {
		if (c >= 0) {
			rc = sf_error_set(err, SF_ERR_USAGE,
			                  "offers: '%s' is already a contributor of the scenario "
			                  "(leave out --new to ask for it)",
			                  oo->contributor);
			goto fail;
		}
		size_t idx;
		if ((rc = sf_scenario_clone(sc, &r->owned, err)) != SF_OK ||
		    (rc = sf_scenario_add_contributor(r->owned, oo->contributor, oo->new_name, &idx,
		                                      err)) != SF_OK)
			goto fail;
		r->scenario = r->owned;
		r->contributor = idx;
		r->is_new = 1;
	} else if (c < 0) {
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "offers: unknown contributor '%s' (a nation not in the scenario: "
		                  "--new \"NAME\")",
		                  oo->contributor);
		goto fail;
	} else if (!sc->contributors[c].active) {
		rc = sf_error_set(err, SF_ERR_USAGE, "offers: contributor '%s' is left out",
		                  oo->contributor);
		goto fail;
	} else {
		r->contributor = (size_t)c;
	}
	if ((rc = caveat_variants(r, r->scenario, r->is_new, err)) != SF_OK)
		goto fail;
	r->jobs = sf__analysis_jobs(&o);
	if (sc->format >= 2) {
		r->notice_days = o.request_notice_days >= 0 ? o.request_notice_days
		                                            : sc->readiness_days[SF_READINESS_RDL];
		if (r->notice_days < 0)
			r->notice_days = 0;
	}
	{
		const sf_scenario *one[1] = {r->scenario};
		const char *names[1] = {"the scenario as it is"};
		/* Under a deadline the candidates follow: at most one per unit
		 * type, count and start (and caveats), not known before the base. */
		o.plans_after = sc->nunit_types * (size_t)oo->max_count * (size_t)oo->max_starts;
		rc = sf__plan_many(one, names, 1, &o, NULL, NULL, &base, err);
		o.plans_after = 0;
	}
	if (rc != SF_OK || (rc = sf_outcome_from_plan(base, &r->baseline, err)) != SF_OK ||
	    (rc = candidates(r, base, r->notice_days, err)) != SF_OK ||
	    (rc = solve_offers(r, &o, r->notice_days, err)) != SF_OK)
		goto fail;
	sort_offers(r);
	sf_plan_free(base);
	r->seconds = sf__now() - t0;
	*out = r;
	return SF_OK;
fail:
	sf_plan_free(base);
	sf_offers_free(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */

/* A row's shortfall removed rests on the baseline's and its own stage 1. */
static int offer_proven(const sf_offers *r, const sf_offer *x)
{
	return sf_outcome_z1_proven(&r->baseline) && sf_outcome_z1_proven(&x->outcome);
}

/* A row's change in the plan's cost rests on the baseline's and its own two stages. */
static int plan_cost_proven(const sf_offers *r, const sf_offer *x)
{
	return sf_outcome_cost_proven(&r->baseline) && sf_outcome_cost_proven(&x->outcome);
}

static const char *caveat_label(const sf_offers *r, const sf_offer *x)
{
	return x->caveats ? r->scenario->pledges[r->caveat_pledges[x->caveats - 1]].id : "none";
}

/* A table with these columns; a leading '>' aligns a column right. */
static sf_table *new_table(const char *const *cols, size_t n)
{
	sf_table *t = sf_table_new();
	for (size_t i = 0; t && i < n; i++) {
		int right = cols[i][0] == '>';
		if (sf_table_add_column(t, cols[i] + right,
		                        right ? SF_ALIGN_RIGHT : SF_ALIGN_LEFT) != SF_OK) {
			sf_table_free(t);
			return NULL;
		}
	}
	return t;
}

static sf_status offers_table(const sf_offers *r, int csv, int *any_unproven, sf_table **out)
{
	const sf_scenario *sc = r->scenario;
	static const char *const text_cols[] = {">rank",
	                                        "unit type",
	                                        ">count",
	                                        ">personnel",
	                                        "from",
	                                        "to",
	                                        "caveats",
	                                        ">shortfall removed",
	                                        ">per 1,000 personnel",
	                                        ">cost",
	                                        ">per million"};
	static const char *const csv_cols[] = {"rank",
	                                       "unit",
	                                       "count",
	                                       "personnel",
	                                       "from",
	                                       "from_label",
	                                       "to",
	                                       "to_label",
	                                       "caveats",
	                                       "z1_removed",
	                                       "per_1000_personnel",
	                                       "cost",
	                                       "per_million",
	                                       "proven"};
	static const char *const text_plan_cols[] = {">d plan cost", ">plan cost per removed"};
	static const char *const csv_plan_cols[] = {"d_plan_cost", "plan_cost_per_removed",
	                                            "plan_cost_proven"};
	sf_table *t = csv ? new_table(csv_cols, SF_ARRAY_LEN(csv_cols))
	                  : new_table(text_cols, SF_ARRAY_LEN(text_cols));
	sf_status rc = SF_OK;
	char lab[16], mb[48];
	if (!t)
		return SF_ERR_NOMEM;
	/* The plan's cost only when it ranks (stage 2 ran). */
	for (size_t k = 0; r->opts.rank == SF_OFFER_RANK_PLAN_COST &&
	                   k < (csv ? SF_ARRAY_LEN(csv_plan_cols) : SF_ARRAY_LEN(text_plan_cols));
	     k++) {
		const char *col = csv ? csv_plan_cols[k] : text_plan_cols[k];
		int right = col[0] == '>';
		if (sf_table_add_column(t, col + right, right ? SF_ALIGN_RIGHT : SF_ALIGN_LEFT) !=
		    SF_OK) {
			sf_table_free(t);
			return SF_ERR_NOMEM;
		}
	}
	*any_unproven = 0;
	for (size_t i = 0; rc == SF_OK && i < r->noffers; i++) {
		const sf_offer *x = &r->offers[i];
		int pv = offer_proven(r, x);
		const char *star = pv || csv ? "" : "*";
		*any_unproven |= !pv;
		rc = sf_table_begin_row(t);
		if (rc == SF_OK)
			rc = sf_table_add_cellf(t, "%zu", i + 1);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, sc->unit_types[x->unit].id);
		if (rc == SF_OK)
			rc = sf_table_add_cellf(t, "%d", x->count);
		if (rc == SF_OK)
			rc = csv ? sf_table_add_cellf(t, "%.0f", x->personnel)
			         : sf_table_add_cell(t, sf_money_str(x->personnel, mb, sizeof mb));
		if (rc == SF_OK && csv)
			rc = sf_table_add_cellf(t, "%d", x->from);
		if (rc == SF_OK)
			rc = sf_table_add_cell(
			        t, sf_scenario_month_label(sc, x->from, lab, sizeof lab));
		if (rc == SF_OK && csv)
			rc = sf_table_add_cellf(t, "%d", x->to);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t,
			                       sf_scenario_month_label(sc, x->to, lab, sizeof lab));
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, caveat_label(r, x));
		if (rc == SF_OK)
			rc = csv ? sf_table_add_cellf(t, "%.15g", x->z1_removed)
			         : sf_table_add_cellf(t, "%.2f%s", x->z1_removed, star);
		if (rc == SF_OK)
			rc = csv ? sf_table_add_cellf(t, "%.15g", sf__r6(x->per_1000_personnel))
			         : sf_table_add_cellf(t, "%.2f%s", x->per_1000_personnel, star);
		if (rc == SF_OK)
			rc = csv ? sf_table_add_cellf(t, "%.15g", sf__r6(x->cost))
			         : sf_table_add_cell(t, sf_money_str(x->cost, mb, sizeof mb));
		if (rc == SF_OK) {
			if (isnan(x->per_million))
				rc = sf_table_add_cell(t, csv ? "" : "-");
			else
				rc = csv ? sf_table_add_cellf(t, "%.15g", sf__r6(x->per_million))
				         : sf_table_add_cellf(t, "%.2f%s", x->per_million, star);
		}
		if (rc == SF_OK && csv)
			rc = sf_table_add_cell(t, pv ? "true" : "false");
		if (r->opts.rank == SF_OFFER_RANK_PLAN_COST) {
			const char *cstar = plan_cost_proven(r, x) || csv ? "" : "*";
			*any_unproven |= !plan_cost_proven(r, x);
			if (rc == SF_OK)
				rc = csv ? sf_table_add_cellf(t, "%.15g", x->d_plan_cost)
				         : sf_table_add_cellf(
				                   t, "%s%s%s", x->d_plan_cost > 0 ? "+" : "",
				                   sf_money_str(x->d_plan_cost, mb, sizeof mb),
				                   cstar);
			if (rc == SF_OK && isnan(x->plan_cost_per_removed))
				rc = sf_table_add_cell(t, csv ? "" : "-");
			else if (rc == SF_OK)
				rc = csv ? sf_table_add_cellf(t, "%.15g", x->plan_cost_per_removed)
				         : sf_table_add_cellf(t, "%.2f%s", x->plan_cost_per_removed,
				                              cstar);
			if (rc == SF_OK && csv)
				rc = sf_table_add_cell(t,
				                       plan_cost_proven(r, x) ? "true" : "false");
		}
	}
	if (rc != SF_OK) {
		sf_table_free(t);
		return rc;
	}
	*out = t;
	return SF_OK;
}

static sf_status offers_json(const sf_offers *r, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = r->scenario;
	const sf_contributor *c = &sc->contributors[r->contributor];
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "stabforce_version", STABFORCE_VERSION);
	sf_json_str(&w, "analysis", "offers");
	sf__json_scenario(&w, "scenario", sc);
	sf_json_object(&w, "contributor");
	sf_json_str(&w, "id", c->id);
	sf_json_str(&w, "name", c->name ? c->name : c->id);
	sf_json_bool(&w, "new", r->is_new);
	sf_json_end(&w);
	sf_json_array(&w, "caveat_variants");
	for (size_t k = 0; k < r->ncaveats; k++)
		sf_json_str(&w, NULL, sc->pledges[r->caveat_pledges[k]].id);
	sf_json_end(&w);
	sf_json_str(&w, "rank", sf_offer_rank_str(r->opts.rank));
	sf_json_int(&w, "max_count", r->opts.max_count);
	sf_json_int(&w, "max_starts", r->opts.max_starts);
	if (r->opts.budget > 0)
		sf__json_r6(&w, "budget", r->opts.budget);
	else
		sf_json_null(&w, "budget");
	if (sc->format >= 2)
		sf_json_int(&w, "notice_days", r->notice_days);
	sf_json_int(&w, "over_budget", (long)r->over_budget);
	sf_json_int(&w, "after_plan", (long)r->after_plan);
	sf_json_int(&w, "forbidden", (long)r->forbidden);
	sf_json_object(&w, "units");
	sf_json_str(&w, "z1_removed", "weighted capability-unit-months");
	sf_json_str(&w, "personnel", "persons");
	sf_json_str(&w, "cost", "the scenario's money, the offer used in full");
	sf_json_str(&w, "per_1000_personnel", "z1_removed per 1,000 persons");
	sf_json_str(&w, "per_million", "z1_removed per 1,000,000 of cost");
	sf_json_str(&w, "d_plan_cost",
	            "the scenario's money: the plan's stage-2 cost with the "
	            "offer minus without (rank plan-cost only)");
	sf_json_str(&w, "plan_cost_per_removed", "d_plan_cost per z1_removed");
	sf_json_end(&w);
	sf__json_outcome(&w, "baseline", sc, &r->baseline);
	sf_json_array(&w, "offers");
	for (size_t i = 0; i < r->noffers; i++) {
		const sf_offer *x = &r->offers[i];
		sf_json_object(&w, NULL);
		sf_json_int(&w, "rank", (long)(i + 1));
		sf_json_str(&w, "unit", sc->unit_types[x->unit].id);
		sf_json_str(&w, "name", sc->unit_types[x->unit].name);
		sf_json_int(&w, "count", x->count);
		sf__json_r6(&w, "personnel", x->personnel);
		sf_json_int(&w, "from", x->from);
		sf__json_month_label(&w, "from_label", sc, x->from);
		sf_json_int(&w, "to", x->to);
		sf__json_month_label(&w, "to_label", sc, x->to);
		sf_json_str(&w, "caveats_of", x->caveats ? caveat_label(r, x) : NULL);
		sf__json_r6(&w, "z1_removed", x->z1_removed);
		sf__json_r6(&w, "per_1000_personnel", x->per_1000_personnel);
		sf__json_r6(&w, "cost", x->cost);
		if (isnan(x->per_million))
			sf_json_null(&w, "per_million");
		else
			sf__json_r6(&w, "per_million", x->per_million);
		sf_json_bool(&w, "proven", offer_proven(r, x));
		if (isnan(x->d_plan_cost)) {
			sf_json_null(&w, "d_plan_cost");
			sf_json_null(&w, "plan_cost_per_removed");
			sf_json_null(&w, "plan_cost_proven");
		} else {
			sf__json_r6(&w, "d_plan_cost", x->d_plan_cost);
			if (isnan(x->plan_cost_per_removed))
				sf_json_null(&w, "plan_cost_per_removed");
			else
				sf__json_r6(&w, "plan_cost_per_removed", x->plan_cost_per_removed);
			sf_json_bool(&w, "plan_cost_proven", plan_cost_proven(r, x));
		}
		sf__json_outcome(&w, "outcome", sc, &x->outcome);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

/* The lines before the table (text and markdown). */
static sf_status offers_intro(const sf_offers *r, sf_format fmt, sf_buf *out)
{
	const sf_scenario *sc = r->scenario;
	const sf_contributor *c = &sc->contributors[r->contributor];
	const char *b = fmt == SF_FORMAT_MD ? "**" : "";
	char proof[256], foc[16], lab[16], mb[48];
	sf_status rc = sf_buf_adds(out, fmt == SF_FORMAT_MD ? "## Offers\n\n" : "");
	if (rc == SF_OK)
		rc = sf_buf_addf(
		        out, "%sOffers for %s%s (%s%s)", b, c->id, b, c->name ? c->name : c->id,
		        r->is_new ? "; new: not in the scenario, no cap, no veto on it" : "");
	if (rc == SF_OK && r->opts.rank == SF_OFFER_RANK_PLAN_COST)
		rc = sf_buf_adds(out, ", ranked by the change in the plan's cost (stage 2, both "
		                      "stages planned with each offer) per weighted shortfall "
		                      "removed, least first; offers removing nothing last.\n");
	else if (rc == SF_OK)
		rc = sf_buf_addf(out, ", ranked by the weighted shortfall removed per %s.\n",
		                 r->opts.rank == SF_OFFER_RANK_COST ? "million of cost"
		                                                    : "1,000 personnel");
	if (rc == SF_OK)
		rc = sf_buf_addf(out, "Without an offer: weighted shortfall %.2f%s, FOC %s (%s).\n",
		                 r->baseline.z1, sf_outcome_z1_proven(&r->baseline) ? "" : "*",
		                 sf__month_or_never(sc, r->baseline.foc_month, foc, sizeof foc),
		                 sf_stage_proof_str(r->baseline.stage1, r->baseline.gap1, proof,
		                                    sizeof proof));
	if (rc == SF_OK && r->opts.rank == SF_OFFER_RANK_PLAN_COST)
		rc = sf_buf_addf(out, "Plan's cost without an offer: %s%s (%s).\n",
		                 sf_money_str(r->baseline.cost, mb, sizeof mb),
		                 sf_outcome_cost_proven(&r->baseline) ? "" : "*",
		                 sf_stage_proof_str(r->baseline.stage2, r->baseline.gap2, proof,
		                                    sizeof proof));
	if (rc == SF_OK)
		rc = sf_buf_addf(out,
		                 "Candidates: every unit type with a capability, 1 to %d units, "
		                 "from the first month an offer can serve and each month the "
		                 "shortfall starts again (at most %d starts), to %s",
		                 r->opts.max_count, r->opts.max_starts,
		                 sf_scenario_month_label(sc, sc->months, lab, sizeof lab));
	if (rc == SF_OK && r->ncaveats) {
		rc = sf_buf_adds(out, "; without caveats and with those of ");
		for (size_t k = 0; rc == SF_OK && k < r->ncaveats; k++)
			rc = sf_buf_addf(out, "%s%s", k ? ", " : "",
			                 sc->pledges[r->caveat_pledges[k]].id);
		if (rc == SF_OK && r->is_new)
			rc = sf_buf_adds(out, " (each caveat the scenario's pledges carry)");
	}
	if (rc == SF_OK && sc->format >= 2)
		rc = sf_buf_addf(out, "; %d days of notice from as_of (%s)", r->notice_days,
		                 sc->as_of ? sc->as_of : "not given");
	if (rc == SF_OK)
		rc = sf_buf_addf(out, ". Each is planned exactly (%s): %zu solved",
		                 r->opts.rank == SF_OFFER_RANK_PLAN_COST ? "both stages"
		                                                         : "stage 1",
		                 r->noffers);
	if (rc == SF_OK && r->opts.budget > 0)
		rc = sf_buf_addf(out, ", %zu over the budget of %s left out", r->over_budget,
		                 sf_money_str(r->opts.budget, mb, sizeof mb));
	if (rc == SF_OK && r->after_plan)
		rc = sf_buf_addf(out, ", %zu unit types left out: their notice ends after the plan",
		                 r->after_plan);
	if (rc == SF_OK && r->forbidden)
		rc = sf_buf_addf(out,
		                 ", %zu left out: a stakeholder's condition forbids them wherever "
		                 "and whenever they could serve",
		                 r->forbidden);
	if (rc == SF_OK)
		rc = sf_buf_adds(
		        out, ".\nShortfall removed: weighted capability-unit-months, without the "
		             "offer minus with it. Cost: count x (deploy cost + monthly cost x "
		             "months offered), the scenario's money, the offer used in full.\n\n");
	return rc;
}

sf_status sf_offers_write(const sf_offers *r, sf_format fmt, sf_buf *out, sf_error *err)
{
	sf_table *t = NULL;
	int unproven = 0;
	sf_status rc;
	if (fmt == SF_FORMAT_JSON)
		return offers_json(r, out, err);
	rc = offers_table(r, fmt == SF_FORMAT_CSV, &unproven, &t);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory writing the offers");
	if (fmt == SF_FORMAT_CSV) {
		rc = sf_table_write_csv(t, out);
		sf_table_free(t);
		return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing CSV");
	}
	unproven |= !sf_outcome_z1_proven(&r->baseline);
	rc = offers_intro(r, fmt, out);
	if (rc == SF_OK && r->noffers == 0)
		rc = sf_buf_adds(out, "No candidate: no unit type can serve within the plan and "
		                      "the budget.\n");
	if (rc != SF_OK) {
		sf_table_free(t);
		return sf_error_set(err, rc, "out of memory");
	}
	if (r->noffers)
		rc = sf__table_section(t, "Offers, best first", fmt, out, err);
	sf_table_free(t);
	if (rc == SF_OK && (rc = sf__unproven_legend(unproven, fmt, out)) != SF_OK)
		sf_error_set(err, rc, "out of memory");
	return rc;
}
