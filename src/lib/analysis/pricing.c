/*
 * pricing.c - the price of vetoes, caveats and contributors.
 *
 * Each case is a clone of the scenario with one edit (a hard veto lifted, a
 * soft veto made hard, a stakeholder's condition lifted, one caveat of one
 * pledge lifted, one contributor removed) planned with sf_plan_solve, both stages, because the cost
 * delta needs the stage-2 optimum, on the many-plans engine (engine.c). The baseline (the scenario
 * as it is) is case 0 of the same run, so it is solved in parallel with the others instead of
 * before them.
 *
 * A case whose edit leaves the model unchanged (same_model(): a caveat on
 * a task the unit cannot do, a veto on sectors the pledges never reach)
 * takes the baseline's plan without a solve; that is exact, and on the
 * Gaza example it saves 8 of 22 solves.
 *
 * Outputs carry no timings and no worker count, so that `-j 1` and `-j 2`
 * print byte-identical results.
 */
#include "base/internal.h"

#include "analysis/analysis_int.h"
#include "plan/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Pricing: cases                                                       */

const char *sf_case_kind_str(sf_case_kind k)
{
	switch (k) {
	case SF_CASE_LIFT_VETO:
		return "lift_veto";
	case SF_CASE_HARDEN_VETO:
		return "harden_veto";
	case SF_CASE_LIFT_TASK_CAVEAT:
		return "lift_task_caveat";
	case SF_CASE_LIFT_LOC_CAVEAT:
		return "lift_location_caveat";
	case SF_CASE_DROP_CONTRIBUTOR:
		return "drop_contributor";
	case SF_CASE_LIFT_CONDITION:
		return "lift_condition";
	}
	return "?";
}

/* Ids of the covered objects of one filter: "all" or "a,b". */
static void filter_text(sf_buf *b, const char *what, const unsigned char *mask, size_t n,
                        const char *(*id)(const sf_scenario *, size_t), const sf_scenario *sc)
{
	size_t k = 0;
	if (!mask)
		return;
	(void)sf_buf_addf(b, "%s%s ", b->len ? "; " : "", what);
	for (size_t i = 0; i < n; i++)
		if (mask[i])
			(void)sf_buf_addf(b, "%s%s", k++ ? "," : "", id(sc, i));
	if (!k)
		(void)sf_buf_adds(b, "none");
}

static const char *contributor_id(const sf_scenario *sc, size_t i)
{
	return sc->contributors[i].id;
}

static const char *unit_type_id(const sf_scenario *sc, size_t i)
{
	return sc->unit_types[i].id;
}

static const char *task_id(const sf_scenario *sc, size_t i)
{
	return sc->tasks[i].id;
}

static const char *sector_id(const sf_scenario *sc, size_t i)
{
	return sc->sectors[i].id;
}

/*
 * What a condition covers and when it forbids: "consent pending 2026-02..2026-02;
 * contributors B", "not before 2026-02; sectors north", "until incidents a week
 * below 5; tasks disarm".
 */
static void condition_text(const sf_scenario *sc, const sf_condition *c, char *buf, size_t n)
{
	static const char *const consent[] = {"pending", "withheld", "given"};
	char a[16], b[16];
	sf_buf t;
	sf_buf_init(&t, n > 1 ? n - 1 : 1);
	if (c->kind == SF_CONDITION_CONSENT)
		(void)sf_buf_addf(&t, "consent %s %s..%s", consent[c->consent],
		                  sf_scenario_month_label(sc, c->from, a, sizeof a),
		                  sf_scenario_month_label(sc, c->to, b, sizeof b));
	else if (c->not_before > 0)
		(void)sf_buf_addf(&t, "not before %s",
		                  sf_scenario_month_label(sc, c->not_before, a, sizeof a));
	else
		(void)sf_buf_addf(&t, "until %s %s %g", c->indicator ? c->indicator : "?",
		                  c->below ? "below" : "above", c->threshold);
	filter_text(&t, "contributors", c->contributors, c->ncontributors_named, contributor_id,
	            sc);
	filter_text(&t, "unit types", c->unit_types, c->nunit_types_named, unit_type_id, sc);
	filter_text(&t, "tasks", c->tasks, sc->ntasks, task_id, sc);
	filter_text(&t, "sectors", c->sectors, sc->nsectors, sector_id, sc);
	sf_strlcpy(buf, t.len ? sf_buf_str(&t) : "", n);
	sf_buf_release(&t);
}

/* 1 when lifting condition c can change something: a consent not given, or a sequence. */
static int condition_forbids_some_month(const sf_scenario *sc, const sf_condition *c)
{
	for (int m = 1; m <= sc->months; m++)
		if (!sf_condition_allows_month(sc, c, m))
			return 1;
	return 0;
}

/* "all" or the covered sectors, comma-separated. */
static void veto_sectors(const sf_scenario *sc, const sf_veto *v, char *buf, size_t n)
{
	sf_buf b;
	sf_buf_init(&b, n > 1 ? n - 1 : 1);
	if (v->all_sectors) {
		sf_strlcpy(buf, "all", n);
		return;
	}
	for (size_t s = 0; s < sc->nsectors; s++)
		if (v->sector_mask[s])
			(void)sf_buf_addf(&b, "%s%s", b.len ? "," : "", sc->sectors[s].id);
	sf_strlcpy(buf, b.len ? sf_buf_str(&b) : "none", n);
	sf_buf_release(&b);
}

/* "only a,b" or "not c" for a 0/1 mask over names. */
static void mask_text(const char *what, const unsigned char *ok, size_t n,
                      const char *(*name)(const sf_scenario *, size_t), const sf_scenario *sc,
                      char *buf, size_t bn)
{
	size_t nok = 0;
	for (size_t i = 0; i < n; i++)
		nok += ok[i] ? 1 : 0;
	int only = nok <= n - nok;
	sf_buf b;
	sf_buf_init(&b, bn > 1 ? bn - 1 : 1);
	(void)sf_buf_addf(&b, "%s: %s ", what, only ? "only" : "not");
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if ((ok[i] != 0) == only)
			(void)sf_buf_addf(&b, "%s%s", k++ ? "," : "", name(sc, i));
	sf_strlcpy(buf, sf_buf_str(&b), bn);
	sf_buf_release(&b);
}

static const char *task_name(const sf_scenario *sc, size_t i)
{
	return sc->tasks[i].id;
}

static const char *loc_name(const sf_scenario *sc, size_t i)
{
	return sf_scenario_location_id(sc, i);
}

/* Person-months the plan places in sectors covered by veto v, of its contributor. */
static double veto_usage(const sf_plan *p, const sf_veto *v)
{
	const sf_scenario *sc = p->scenario;
	double pm = 0;
	for (size_t r = 0; r < p->nrows; r++) {
		const sf_assignment *a = &p->rows[r];
		const sf_pledge *pl = &sc->pledges[a->pledge];
		if (pl->contributor != v->contributor || a->location >= sc->nsectors ||
		    !v->sector_mask[a->location])
			continue;
		pm += (double)a->units * sc->unit_types[pl->unit].personnel;
	}
	return pm;
}

typedef struct case_def {
	sf_case_kind kind;
	size_t index;
} case_def;

/* The cases of an analysis, in file order; *n gets their number. */
static sf_status list_cases(const sf_scenario *sc, sf_pricing_kind kind, case_def **out, size_t *n,
                            sf_error *err)
{
	size_t cap = sc->nvetoes + sc->nconditions + 2 * sc->npledges + sc->ncontributors + 1;
	case_def *cs = calloc(cap, sizeof *cs);
	size_t k = 0;
	if (!cs)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	switch (kind) {
	case SF_PRICING_VETOES:
		for (size_t v = 0; v < sc->nvetoes; v++) {
			const sf_veto *vt = &sc->vetoes[v];
			if (!vt->active || !sc->contributors[vt->contributor].active)
				continue;
			cs[k].kind =
			        vt->kind == SF_VETO_HARD ? SF_CASE_LIFT_VETO : SF_CASE_HARDEN_VETO;
			cs[k++].index = v;
		}
		for (size_t c = 0; c < sc->nconditions; c++) {
			if (!sc->conditions[c].active ||
			    !condition_forbids_some_month(sc, &sc->conditions[c]))
				continue;
			cs[k].kind = SF_CASE_LIFT_CONDITION;
			cs[k++].index = c;
		}
		break;
	case SF_PRICING_CAVEATS:
		for (size_t p = 0; p < sc->npledges; p++) {
			const sf_pledge *pl = &sc->pledges[p];
			if (!pl->active || !sc->contributors[pl->contributor].active)
				continue;
			if (pl->has_task_caveat) {
				cs[k].kind = SF_CASE_LIFT_TASK_CAVEAT;
				cs[k++].index = p;
			}
			if (pl->has_loc_caveat) {
				cs[k].kind = SF_CASE_LIFT_LOC_CAVEAT;
				cs[k++].index = p;
			}
		}
		break;
	case SF_PRICING_CONTRIBUTORS:
		for (size_t c = 0; c < sc->ncontributors; c++) {
			if (!sc->contributors[c].active)
				continue;
			cs[k].kind = SF_CASE_DROP_CONTRIBUTOR;
			cs[k++].index = c;
		}
		break;
	}
	*out = cs;
	*n = k;
	return SF_OK;
}

/* Apply one case's edit to a clone. */
static void apply_case(sf_scenario *sc, const case_def *cd)
{
	switch (cd->kind) {
	case SF_CASE_LIFT_VETO:
		sc->vetoes[cd->index].active = 0;
		break;
	case SF_CASE_HARDEN_VETO:
		sc->vetoes[cd->index].kind = SF_VETO_HARD;
		sc->vetoes[cd->index].penalty = 0;
		break;
	case SF_CASE_LIFT_TASK_CAVEAT:
		memset(sc->pledges[cd->index].task_ok, 1, sc->ntasks);
		sc->pledges[cd->index].has_task_caveat = 0;
		break;
	case SF_CASE_LIFT_LOC_CAVEAT:
		memset(sc->pledges[cd->index].loc_ok, 1, SF_NLOC(sc));
		sc->pledges[cd->index].has_loc_caveat = 0;
		break;
	case SF_CASE_LIFT_CONDITION:
		sc->conditions[cd->index].active = 0;
		break;
	case SF_CASE_DROP_CONTRIBUTOR:
		sc->contributors[cd->index].active = 0;
		for (size_t p = 0; p < sc->npledges; p++)
			if (sc->pledges[p].contributor == cd->index)
				sc->pledges[p].active = 0;
		break;
	}
}

static void case_label(const sf_scenario *sc, const case_def *cd, sf_price *pr)
{
	switch (cd->kind) {
	case SF_CASE_LIFT_VETO:
	case SF_CASE_HARDEN_VETO: {
		const sf_veto *v = &sc->vetoes[cd->index];
		sf_snprintf(pr->label, sizeof pr->label, "%s:%s",
		            sc->stakeholders[v->stakeholder].id,
		            sc->contributors[v->contributor].id);
		veto_sectors(sc, v, pr->detail, sizeof pr->detail);
		break;
	}
	case SF_CASE_LIFT_TASK_CAVEAT:
		sf_strlcpy(pr->label, sc->pledges[cd->index].id, sizeof pr->label);
		mask_text("tasks", sc->pledges[cd->index].task_ok, sc->ntasks, task_name, sc,
		          pr->detail, sizeof pr->detail);
		break;
	case SF_CASE_LIFT_LOC_CAVEAT:
		sf_strlcpy(pr->label, sc->pledges[cd->index].id, sizeof pr->label);
		mask_text("locations", sc->pledges[cd->index].loc_ok, SF_NLOC(sc), loc_name, sc,
		          pr->detail, sizeof pr->detail);
		break;
	case SF_CASE_DROP_CONTRIBUTOR:
		sf_strlcpy(pr->label, sc->contributors[cd->index].id, sizeof pr->label);
		sf_strlcpy(pr->detail, sc->contributors[cd->index].name, sizeof pr->detail);
		break;
	case SF_CASE_LIFT_CONDITION: {
		const sf_condition *c = &sc->conditions[cd->index];
		sf_snprintf(pr->label, sizeof pr->label, "%s:%s",
		            sc->stakeholders[c->stakeholder].id, c->id);
		condition_text(sc, c, pr->detail, sizeof pr->detail);
		break;
	}
	}
}

/* 1 when the case's edit may change where pledge p has columns. */
static int touches(const sf_scenario *sc, const case_def *cd, size_t p)
{
	switch (cd->kind) {
	case SF_CASE_LIFT_TASK_CAVEAT:
	case SF_CASE_LIFT_LOC_CAVEAT:
		return p == cd->index;
	case SF_CASE_LIFT_VETO:
	case SF_CASE_HARDEN_VETO:
		return sc->pledges[p].contributor == sc->vetoes[cd->index].contributor;
	case SF_CASE_DROP_CONTRIBUTOR:
		return sc->pledges[p].contributor == cd->index;
	case SF_CASE_LIFT_CONDITION: {
		const sf_condition *c = &sc->conditions[cd->index];
		return (!c->contributors || (sc->pledges[p].contributor < c->ncontributors_named &&
		                             c->contributors[sc->pledges[p].contributor])) &&
		       (!c->unit_types || (sc->pledges[p].unit < c->nunit_types_named &&
		                           c->unit_types[sc->pledges[p].unit]));
	}
	}
	return 0;
}

/*
 * 1 when the case's edit leaves the model unchanged: every x column of the
 * pledges it touches exists in the clone exactly where it exists in the
 * scenario (a caveat on a task the unit cannot do, a veto on sectors the
 * pledges never reach, a contributor whose pledges have no column at all).
 * Then the case's plan is the baseline's, and it is not solved again.
 */
static int same_model(const sf_scenario *a, const sf_scenario *b, const case_def *cd)
{
	for (size_t p = 0; p < a->npledges; p++) {
		if (!touches(a, cd, p))
			continue;
		for (size_t l = 0; l < SF_NLOC(a); l++)
			for (size_t t = 0; t < a->ntasks; t++)
				for (int m = 1; m <= a->months; m++)
					if (sf__x_exists(a, p, l, t, m) !=
					    sf__x_exists(b, p, l, t, m))
						return 0;
	}
	return 1;
}

static sf_status outcome_copy(const sf_scenario *sc, const sf_outcome *from, sf_outcome *to,
                              sf_error *err)
{
	*to = *from;
	to->task_shortfall = calloc(sc->ntasks ? sc->ntasks : 1, sizeof *to->task_shortfall);
	if (!to->task_shortfall)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	memcpy(to->task_shortfall, from->task_shortfall, sc->ntasks * sizeof *to->task_shortfall);
	return SF_OK;
}

static int foc_key(const sf_scenario *sc, int foc)
{
	return foc > 0 ? foc : sc->months + 1;
}

/* Lift/drop cases before soft vetoes made hard; then |d_z1|, |d_foc|, |d_cost|; then file order. */
static int cmp_price(const void *va, const void *vb)
{
	const sf_price *a = va, *b = vb;
	int ga = a->kind == SF_CASE_HARDEN_VETO, gb = b->kind == SF_CASE_HARDEN_VETO;
	if (ga != gb)
		return ga - gb;
	double za = fabs(sf__r6(a->d_z1)), zb = fabs(sf__r6(b->d_z1));
	if (za != zb)
		return za > zb ? -1 : 1;
	int fa = abs(a->d_foc), fb = abs(b->d_foc);
	if (fa != fb)
		return fa > fb ? -1 : 1;
	double ca = fabs(sf__r6(a->d_cost)), cb = fabs(sf__r6(b->d_cost));
	if (ca != cb)
		return ca > cb ? -1 : 1;
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	return a->index < b->index ? -1 : a->index > b->index;
}

static const char *case_verb(sf_case_kind k)
{
	switch (k) {
	case SF_CASE_LIFT_VETO:
		return "lift veto";
	case SF_CASE_HARDEN_VETO:
		return "make veto hard";
	case SF_CASE_LIFT_TASK_CAVEAT:
		return "lift task caveat of";
	case SF_CASE_LIFT_LOC_CAVEAT:
		return "lift location caveat of";
	case SF_CASE_DROP_CONTRIBUTOR:
		return "drop";
	case SF_CASE_LIFT_CONDITION:
		return "lift condition";
	}
	return "?";
}

void sf_pricing_free(sf_pricing *p)
{
	if (!p)
		return;
	sf_outcome_release(&p->baseline);
	for (size_t i = 0; i < p->nrows; i++) {
		sf_outcome_release(&p->rows[i].outcome);
		free(p->rows[i].d_task);
	}
	free(p->rows);
	free(p);
}

/* x columns of pledge p over all months (the model builder's existence rule). */
static double pledge_columns(const sf_scenario *sc, size_t p)
{
	double n = 0;
	for (size_t l = 0; l < SF_NLOC(sc); l++)
		for (size_t t = 0; t < sc->ntasks; t++)
			for (int m = 1; m <= sc->months; m++)
				n += sf__x_exists(sc, p, l, t, m);
	return n;
}

/*
 * An estimate of a case's solve time for the job order: the x columns of
 * its model, the baseline's plus those its edit adds or removes (only the
 * pledges the edit touches are counted again). Lifting a veto that opens
 * every sector to a large contributor makes the longest solve; it is
 * handed out first.
 */
static double case_weight(const sf_scenario *a, const sf_scenario *b, const case_def *cd,
                          double base)
{
	double w = base;
	for (size_t p = 0; p < a->npledges; p++)
		if (touches(a, cd, p))
			w += pledge_columns(b, p) - pledge_columns(a, p);
	return w;
}

sf_status sf_pricing_run_many(const sf_scenario *sc, const sf_pricing_kind *kinds, size_t nkinds,
                              const sf_analysis_options *opts, sf_pricing **out, sf_error *err)
{
	sf_status rc = SF_OK;
	case_def *cases = NULL;
	size_t ncases = 0, n = 0, *first = NULL;
	const sf_scenario **scs = NULL;
	sf_scenario **clones = NULL;
	char(*names)[200] = NULL;
	const char **namep = NULL;
	sf_plan **plans = NULL;
	size_t *slot = NULL, nsolve = 1;
	double *weight = NULL, base = 0;
	sf_pricing **prs = NULL;
	sf_analysis_options o;
	double t0 = sf__now();

	for (size_t k = 0; k < nkinds; k++)
		out[k] = NULL;
	if (opts)
		o = *opts;
	else
		sf_analysis_options_init(&o);
	o.plan.stage1_only = 0;

	/* Every kind's cases, one after the other; first[k] is where kind k's begin. */
	first = calloc(nkinds + 1, sizeof *first);
	prs = calloc(nkinds ? nkinds : 1, sizeof *prs);
	if (!first || !prs) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < nkinds; k++) {
		case_def *kc = NULL;
		size_t nk = 0;
		rc = list_cases(sc, kinds[k], &kc, &nk, err);
		if (rc != SF_OK)
			goto out;
		case_def *grown = realloc(cases, (ncases + nk + 1) * sizeof *cases);
		if (!grown) {
			free(kc);
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			goto out;
		}
		cases = grown;
		if (nk)
			memcpy(cases + ncases, kc, nk * sizeof *kc);
		free(kc);
		first[k] = ncases;
		ncases += nk;
	}
	first[nkinds] = ncases;

	n = ncases + 1;
	slot = calloc(n, sizeof *slot);
	scs = calloc(n, sizeof *scs);
	clones = calloc(n, sizeof *clones);
	names = calloc(n, sizeof *names);
	namep = calloc(n, sizeof *namep);
	plans = calloc(n, sizeof *plans);
	weight = calloc(n, sizeof *weight);
	if (!slot || !scs || !clones || !names || !namep || !plans || !weight) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < nkinds; k++) {
		sf_pricing *pr = prs[k] = calloc(1, sizeof *pr);
		size_t nk = first[k + 1] - first[k];
		if (!pr || !(pr->rows = calloc(nk ? nk : 1, sizeof *pr->rows))) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			goto out;
		}
		pr->scenario = sc;
		pr->kind = kinds[k];
		pr->jobs = sf__analysis_jobs(&o);
		pr->nrows = nk;
	}
	for (size_t p = 0; p < sc->npledges; p++)
		base += pledge_columns(sc, p);
	scs[0] = sc;
	weight[0] = base;
	sf_strlcpy(names[0], "baseline", sizeof names[0]);
	namep[0] = names[0];
	for (size_t k = 0; k < nkinds; k++) {
		for (size_t i = first[k]; i < first[k + 1]; i++) {
			sf_price *row = &prs[k]->rows[i - first[k]];
			row->kind = cases[i].kind;
			row->index = cases[i].index;
			case_label(sc, &cases[i], row);
			row->d_task = calloc(sc->ntasks ? sc->ntasks : 1, sizeof *row->d_task);
			if (!row->d_task) {
				rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
				goto out;
			}
			rc = sf_scenario_clone(sc, &clones[i + 1], err);
			if (rc != SF_OK)
				goto out;
			apply_case(clones[i + 1], &cases[i]);
			if (same_model(sc, clones[i + 1], &cases[i])) {
				slot[i] = (size_t)-1; /* the baseline's plan */
				continue;
			}
			slot[i] = nsolve;
			scs[nsolve] = clones[i + 1];
			weight[nsolve] = case_weight(sc, clones[i + 1], &cases[i], base);
			sf_snprintf(names[nsolve], sizeof names[nsolve], "%s %s",
			            case_verb(cases[i].kind), row->label);
			namep[nsolve] = names[nsolve];
			nsolve++;
		}
	}

	rc = sf__plan_many(scs, namep, nsolve, &o, NULL, weight, plans, err);
	if (rc != SF_OK)
		goto out;

	for (size_t k = 0; k < nkinds; k++) {
		sf_pricing *pr = prs[k];
		rc = sf_outcome_from_plan(plans[0], &pr->baseline, err);
		if (rc != SF_OK)
			goto out;
		for (size_t i = first[k]; i < first[k + 1]; i++) {
			sf_price *row = &pr->rows[i - first[k]];
			if (slot[i] == (size_t)-1)
				rc = outcome_copy(sc, &pr->baseline, &row->outcome, err);
			else
				rc = sf_outcome_from_plan(plans[slot[i]], &row->outcome, err);
			if (rc != SF_OK)
				goto out;
			row->d_z1 = row->outcome.z1 - pr->baseline.z1;
			row->d_cost = row->outcome.cost - pr->baseline.cost;
			row->d_personnel_pm = row->outcome.personnel_pm - pr->baseline.personnel_pm;
			row->d_mission_pm = row->outcome.mission_pm - pr->baseline.mission_pm;
			row->d_foc = foc_key(sc, row->outcome.foc_month) -
			             foc_key(sc, pr->baseline.foc_month);
			for (size_t t = 0; t < sc->ntasks; t++)
				row->d_task[t] = row->outcome.task_shortfall[t] -
				                 pr->baseline.task_shortfall[t];
			if (row->kind == SF_CASE_HARDEN_VETO)
				row->used_pm = veto_usage(plans[0], &sc->vetoes[row->index]);
		}
		qsort(pr->rows, pr->nrows, sizeof *pr->rows, cmp_price);
	}
	for (size_t k = 0; k < nkinds; k++) {
		prs[k]->seconds = sf__now() - t0;
		out[k] = prs[k];
		prs[k] = NULL;
	}
out:
	for (size_t i = 0; plans && i < n; i++)
		sf_plan_free(plans[i]);
	for (size_t i = 0; clones && i < n; i++)
		sf_scenario_free(clones[i]);
	for (size_t k = 0; prs && k < nkinds; k++)
		sf_pricing_free(prs[k]);
	free(prs);
	free(first);
	free(cases);
	free(slot);
	free(scs);
	free(clones);
	free(names);
	free(namep);
	free(plans);
	free(weight);
	return rc;
}

sf_status sf_pricing_run(const sf_scenario *sc, sf_pricing_kind kind,
                         const sf_analysis_options *opts, sf_pricing **out, sf_error *err)
{
	return sf_pricing_run_many(sc, &kind, 1, opts, out, err);
}

/* ------------------------------------------------------------------ */
/* Pricing: output                                                      */

/*
 * A signed delta with `dec` decimals; "0" when it rounds to zero; a "*"
 * after it when it does not rest on proven optima (unproven).
 */
static sf_status cell_delta(sf_table *t, double x, int dec, int unproven)
{
	double lim = 0.5 * pow(10, -dec);
	const char *mark = unproven ? "*" : "";
	if (fabs(x) < lim)
		return sf_table_add_cellf(t, "0%s", mark);
	return sf_table_add_cellf(t, "%+.*f%s", dec, x, mark);
}

static const char *pricing_name(sf_pricing_kind k)
{
	switch (k) {
	case SF_PRICING_VETOES:
		return "vetoes";
	case SF_PRICING_CAVEATS:
		return "caveats";
	case SF_PRICING_CONTRIBUTORS:
		return "critical";
	}
	return "?";
}

/* The baseline's figures, each with "*" when not proven, and the status of its solve. */
static sf_status baseline_line(const sf_scenario *sc, const sf_outcome *b, sf_format fmt,
                               sf_buf *out)
{
	char foc[16], proof[256], mb[48];
	const char *m1 = sf_outcome_z1_proven(b) ? "" : "*";
	const char *m2 = sf_outcome_cost_proven(b) ? "" : "*";
	return sf_buf_addf(out,
	                   "%sBaseline%s: weighted shortfall %.2f%s, FOC %s%s, in-sector "
	                   "personnel %.0f%s person-months, at mission %.0f%s person-months, "
	                   "cost %s%s; status: %s\n\n",
	                   fmt == SF_FORMAT_MD ? "**" : "", fmt == SF_FORMAT_MD ? "**" : "", b->z1,
	                   m1, sf__month_or_never(sc, b->foc_month, foc, sizeof foc), m1,
	                   b->personnel_pm, m2, b->mission_pm, m2,
	                   sf_money_str(b->cost, mb, sizeof mb), m2,
	                   sf__outcome_proof(b, proof, sizeof proof));
}

/*
 * What a row rests on (SF_PLEDGE_* flags): the vetoed or removed
 * contributor's pledges, or the pledge whose caveat is lifted.
 */
static unsigned row_status(const sf_scenario *sc, const sf_price *r)
{
	switch (r->kind) {
	case SF_CASE_LIFT_VETO:
	case SF_CASE_HARDEN_VETO:
		return sf_contributor_status(sc, sc->vetoes[r->index].contributor);
	case SF_CASE_DROP_CONTRIBUTOR:
		return sf_contributor_status(sc, r->index);
	case SF_CASE_LIFT_CONDITION:
		return 0; /* a party's condition, not a pledge */
	default:
		return sc->pledges[r->index].status;
	}
}

/* The table a row is in: 0 the lifts and drops, 1 the soft vetoes made hard, 2 the conditions. */
static int row_group(const sf_price *r)
{
	return r->kind == SF_CASE_HARDEN_VETO ? 1 : r->kind == SF_CASE_LIFT_CONDITION ? 2 : 0;
}

/*
 * One table: the rows of one group (row_group). *any_unproven is set
 * when a figure got the "*" of a value that does not rest on proven optima.
 */
static sf_status price_table(const sf_pricing *p, int group, sf_table **out, int *any_unproven)
{
	int soft = group == 1;
	const sf_scenario *sc = p->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	char foc[16];
	if (!t)
		return SF_ERR_NOMEM;
	switch (p->kind) {
	case SF_PRICING_VETOES:
		rc = sf_table_add_column(t, group == 2 ? "condition" : "veto", SF_ALIGN_LEFT);
		if (rc == SF_OK)
			rc = sf_table_add_column(t, group == 2 ? "forbids" : "sectors",
			                         SF_ALIGN_LEFT);
		if (rc == SF_OK && soft)
			rc = sf_table_add_column(t, "used (pm)", SF_ALIGN_RIGHT);
		break;
	case SF_PRICING_CAVEATS:
		rc = sf_table_add_column(t, "pledge", SF_ALIGN_LEFT);
		if (rc == SF_OK)
			rc = sf_table_add_column(t, "caveat lifted", SF_ALIGN_LEFT);
		break;
	case SF_PRICING_CONTRIBUTORS:
		rc = sf_table_add_column(t, "contributor", SF_ALIGN_LEFT);
		if (rc == SF_OK)
			rc = sf_table_add_column(t, "name", SF_ALIGN_LEFT);
		break;
	}
	if (rc == SF_OK)
		rc = sf_table_add_column(t, "rests on", SF_ALIGN_LEFT);
	static const char *const cols[] = {"d shortfall",    "FOC",   "d FOC", "d personnel (pm)",
	                                   "d mission (pm)", "d cost"};
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(cols); i++)
		rc = sf_table_add_column(t, cols[i], i == 1 ? SF_ALIGN_LEFT : SF_ALIGN_RIGHT);
	for (size_t k = 0; rc == SF_OK && k < sc->ntasks; k++) {
		char h[128];
		sf_snprintf(h, sizeof h, "d %s", sc->tasks[k].id);
		rc = sf_table_add_column(t, h, SF_ALIGN_RIGHT);
	}
	if (rc == SF_OK)
		rc = sf_table_add_column(t, "status", SF_ALIGN_LEFT);
	int base_z1 = sf_outcome_z1_proven(&p->baseline);
	int base_cost = sf_outcome_cost_proven(&p->baseline);
	for (size_t i = 0; rc == SF_OK && i < p->nrows; i++) {
		const sf_price *r = &p->rows[i];
		if (row_group(r) != group)
			continue;
		int u1 = !(base_z1 && sf_outcome_z1_proven(&r->outcome));
		int u2 = !(base_cost && sf_outcome_cost_proven(&r->outcome));
		if (u1 || u2 || (soft && !base_cost))
			*any_unproven = 1;
		rc = sf_table_begin_row(t);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, r->label);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, r->detail);
		if (rc == SF_OK && soft)
			rc = sf_table_add_cellf(t, "%.0f%s", r->used_pm, base_cost ? "" : "*");
		if (rc == SF_OK) {
			char st[64];
			rc = sf_table_add_cell(
			        t, sf_pledge_status_str(row_status(sc, r), st, sizeof st));
		}
		if (rc == SF_OK)
			rc = cell_delta(t, r->d_z1, 2, u1);
		if (rc == SF_OK)
			rc = sf_table_add_cellf(
			        t, "%s%s",
			        sf__month_or_never(sc, r->outcome.foc_month, foc, sizeof foc),
			        sf_outcome_z1_proven(&r->outcome) ? "" : "*");
		if (rc == SF_OK)
			rc = r->d_foc ? sf_table_add_cellf(t, "%+d%s", r->d_foc, u1 ? "*" : "")
			              : sf_table_add_cellf(t, "0%s", u1 ? "*" : "");
		if (rc == SF_OK)
			rc = cell_delta(t, r->d_personnel_pm, 0, u2);
		if (rc == SF_OK)
			rc = cell_delta(t, r->d_mission_pm, 0, u2);
		if (rc == SF_OK)
			rc = cell_delta(t, r->d_cost, 0, u2);
		for (size_t k = 0; rc == SF_OK && k < sc->ntasks; k++)
			rc = cell_delta(t, r->d_task[k], 2, u1);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, sf__outcome_proof_short(&r->outcome));
	}
	if (rc != SF_OK) {
		sf_table_free(t);
		return rc;
	}
	*out = t;
	return SF_OK;
}

/* One CSV row: a case (r) or, with r NULL, the baseline (o). */
static sf_status csv_row(sf_table *t, const sf_scenario *sc, const sf_price *r, const sf_outcome *o)
{
	char foc[16];
	sf_status rc = sf_table_begin_row(t);
	if (rc == SF_OK)
		rc = sf_table_add_cell(t, r ? sf_case_kind_str(r->kind) : "baseline");
	if (rc == SF_OK)
		rc = sf_table_add_cell(t, r ? r->label : "");
	if (rc == SF_OK)
		rc = sf_table_add_cell(t, r ? r->detail : "");
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", sf__r6(o->z1));
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", r ? sf__r6(r->d_z1) : 0.0);
	if (rc == SF_OK)
		rc = o->foc_month ? sf_table_add_cellf(t, "%d", o->foc_month)
		                  : sf_table_add_cell(t, "");
	if (rc == SF_OK)
		rc = sf_table_add_cell(
		        t, o->foc_month ? sf_scenario_month_label(sc, o->foc_month, foc, sizeof foc)
		                        : "");
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%d", r ? r->d_foc : 0);
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", sf__r6(o->personnel_pm));
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", r ? sf__r6(r->d_personnel_pm) : 0.0);
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", sf__r6(o->cost));
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", r ? sf__r6(r->d_cost) : 0.0);
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", r ? sf__r6(r->used_pm) : 0.0);
	for (size_t k = 0; rc == SF_OK && k < sc->ntasks; k++)
		rc = sf_table_add_cellf(t, "%.15g", r ? sf__r6(r->d_task[k]) : 0.0);
	if (rc == SF_OK) {
		/* the words of the file, ';'-separated: "single_source;on_hold" */
		unsigned flags = r ? row_status(sc, r) : 0;
		char st[64];
		size_t used = 0;
		st[0] = '\0';
		for (int i = 0; i < SF_PLEDGE_NSTATUS; i++) {
			if (flags & (1u << i))
				used += (size_t)sf_snprintf(st + used, sizeof st - used, "%s%s",
				                            used ? ";" : "",
				                            sf_pledge_status_word(i));
		}
		rc = sf_table_add_cell(t, st);
	}
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", sf__r6(o->mission_pm));
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.15g", r ? sf__r6(r->d_mission_pm) : 0.0);
	if (rc == SF_OK)
		rc = sf_table_add_cell(t, sf_solve_status_str(o->stage1));
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.6g", o->gap1);
	if (rc == SF_OK)
		rc = sf_table_add_cell(t, sf_solve_status_str(o->stage2));
	if (rc == SF_OK)
		rc = sf_table_add_cellf(t, "%.6g", o->gap2);
	if (rc == SF_OK)
		rc = sf_table_add_cell(t, sf_outcome_cost_proven(o) ? "true" : "false");
	return rc;
}

/*
 * The CSV of one or more analyses of the same run (same baseline): the
 * baseline row once, then each analysis's rows; the kind column tells
 * them apart.
 */
static sf_status pricing_csv(const sf_pricing *const *ps, size_t np, sf_buf *out)
{
	const sf_scenario *sc = ps[0]->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	if (!t)
		return SF_ERR_NOMEM;
	static const char *const cols[] = {
	        "kind",      "case",      "detail",       "z1",           "d_z1",
	        "foc_month", "foc_label", "d_foc_months", "personnel_pm", "d_personnel_pm",
	        "cost",      "d_cost",    "used_pm"};
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(cols); i++)
		rc = sf_table_add_column(t, cols[i], SF_ALIGN_LEFT);
	for (size_t k = 0; rc == SF_OK && k < sc->ntasks; k++) {
		char h[128];
		sf_snprintf(h, sizeof h, "d_%s", sc->tasks[k].id);
		rc = sf_table_add_column(t, h, SF_ALIGN_LEFT);
	}
	if (rc == SF_OK)
		rc = sf_table_add_column(t, "rests_on", SF_ALIGN_LEFT);
	if (rc == SF_OK)
		rc = sf_table_add_column(t, "mission_pm", SF_ALIGN_LEFT);
	if (rc == SF_OK)
		rc = sf_table_add_column(t, "d_mission_pm", SF_ALIGN_LEFT);
	static const char *const status_cols[] = {"stage1", "stage1_gap", "stage2", "stage2_gap",
	                                          "proven"};
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(status_cols); i++)
		rc = sf_table_add_column(t, status_cols[i], SF_ALIGN_LEFT);
	if (rc == SF_OK)
		rc = csv_row(t, sc, NULL, &ps[0]->baseline);
	for (size_t k = 0; k < np; k++)
		for (size_t i = 0; rc == SF_OK && i < ps[k]->nrows; i++)
			rc = csv_row(t, sc, &ps[k]->rows[i], &ps[k]->rows[i].outcome);
	if (rc == SF_OK)
		rc = sf_table_write_csv(t, out);
	sf_table_free(t);
	return rc;
}

/* One analysis as a JSON object under key (docs/output.md). */
static void pricing_json(sf_json_writer *w, const char *key, const sf_pricing *p)
{
	const sf_scenario *sc = p->scenario;
	sf_json_object(w, key);
	sf_json_str(w, "stabforce_version", STABFORCE_VERSION);
	sf_json_str(w, "analysis", pricing_name(p->kind));
	sf__json_scenario(w, "scenario", sc);
	sf__json_outcome(w, "baseline", sc, &p->baseline);
	sf_json_array(w, "cases");
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_price *r = &p->rows[i];
		sf_json_object(w, NULL);
		sf_json_str(w, "kind", sf_case_kind_str(r->kind));
		sf_json_str(w, "case", r->label);
		sf_json_str(w, "detail", r->detail);
		if (r->kind == SF_CASE_LIFT_VETO || r->kind == SF_CASE_HARDEN_VETO) {
			const sf_veto *v = &sc->vetoes[r->index];
			sf_json_str(w, "stakeholder", sc->stakeholders[v->stakeholder].id);
			sf_json_str(w, "contributor", sc->contributors[v->contributor].id);
			sf_json_str(w, "veto_kind", v->kind == SF_VETO_HARD ? "hard" : "soft");
		} else if (r->kind == SF_CASE_LIFT_CONDITION) {
			const sf_condition *c = &sc->conditions[r->index];
			sf_json_str(w, "stakeholder", sc->stakeholders[c->stakeholder].id);
			sf_json_str(w, "condition", c->id);
			sf_json_str(w, "condition_kind", sf_condition_kind_str(c->kind));
			sf_json_str(w, "source", c->source);
		} else if (r->kind == SF_CASE_DROP_CONTRIBUTOR) {
			sf_json_str(w, "contributor", sc->contributors[r->index].id);
		} else {
			const sf_pledge *pl = &sc->pledges[r->index];
			sf_json_str(w, "pledge", pl->id);
			sf_json_str(w, "contributor", sc->contributors[pl->contributor].id);
		}
		if (r->kind == SF_CASE_HARDEN_VETO)
			sf__json_r6(w, "used_pm", r->used_pm);
		sf__json_pledge_status(w, "rests_on", row_status(sc, r));
		sf__json_outcome(w, "outcome", sc, &r->outcome);
		sf_json_object(w, "delta");
		sf__json_r6(w, "z1", r->d_z1);
		sf_json_int(w, "foc_months", r->d_foc);
		sf__json_r6(w, "personnel_pm", r->d_personnel_pm);
		sf__json_r6(w, "mission_pm", r->d_mission_pm);
		sf__json_r6(w, "cost", r->d_cost);
		sf_json_object(w, "task_shortfall");
		for (size_t k = 0; k < sc->ntasks; k++)
			sf__json_r6(w, sc->tasks[k].id, r->d_task[k]);
		sf_json_end(w);
		sf_json_end(w);
		sf_json_end(w);
	}
	sf_json_end(w);
	if (p->kind == SF_PRICING_VETOES) {
		/* The conditions that forbid nothing: recorded, not priced. */
		sf_json_array(w, "recorded");
		for (size_t c = 0; c < sc->nconditions; c++) {
			const sf_condition *k = &sc->conditions[c];
			char detail[256];
			if (!k->active || condition_forbids_some_month(sc, k))
				continue;
			condition_text(sc, k, detail, sizeof detail);
			sf_json_object(w, NULL);
			sf_json_str(w, "stakeholder", sc->stakeholders[k->stakeholder].id);
			sf_json_str(w, "condition", k->id);
			sf_json_str(w, "condition_kind", sf_condition_kind_str(k->kind));
			sf_json_str(w, "detail", detail);
			sf_json_str(w, "source", k->source);
			sf_json_end(w);
		}
		sf_json_end(w);
	}
	sf_json_end(w);
}

/*
 * The conditions that forbid nothing (a consent given): recorded, not
 * priced, and listed after the priced ones so that every party's
 * conditions appear in the same form ("PAL:pa-consent (consent given;
 * every deployment)"). Nothing when there is none.
 */
static sf_status recorded_text(const sf_scenario *sc, sf_buf *out)
{
	sf_status rc = SF_OK;
	int n = 0;
	char detail[256];

	for (size_t c = 0; rc == SF_OK && c < sc->nconditions; c++) {
		const sf_condition *k = &sc->conditions[c];
		if (!k->active || condition_forbids_some_month(sc, k))
			continue;
		condition_text(sc, k, detail, sizeof detail);
		rc = sf_buf_addf(out, "%s%s:%s (%s)", n++ ? "; " : "Recorded, forbidding nothing: ",
		                 sc->stakeholders[k->stakeholder].id, k->id, detail);
	}
	if (rc == SF_OK && n)
		rc = sf_buf_adds(out, ".\n\n");
	return rc;
}

/* Text or Markdown of one analysis; the baseline line only when with_baseline. */
static sf_status pricing_text(const sf_pricing *p, sf_format fmt, int with_baseline, sf_buf *out,
                              sf_error *err)
{
	sf_status rc = SF_OK;
	sf_table *t = NULL;
	if (fmt == SF_FORMAT_MD) {
		static const char *const title[] = {"Price of each veto", "Price of each caveat",
		                                    "Critical contributors"};
		rc = sf_buf_addf(out, "## %s\n\n", title[p->kind]);
	}
	if (rc == SF_OK && with_baseline)
		rc = baseline_line(p->scenario, &p->baseline, fmt, out);
	/* Conditions (format 2) get their own table, only when the scenario has some. */
	int ngroups = p->kind != SF_PRICING_VETOES ? 1 : p->scenario->nconditions ? 3 : 2;
	for (int group = 0; rc == SF_OK && group < ngroups; group++) {
		const char *heading;
		const char *none;
		switch (p->kind) {
		case SF_PRICING_VETOES:
			heading =
			        group == 1 ? "Soft vetoes: person-months the baseline places under "
			                     "each, and the price of making it hard"
			        : group == 2
			                ? "Conditions of the stakeholders, each lifted alone (d = "
			                  "change from the baseline)"
			                : "Hard vetoes, each lifted alone (d = change from the "
			                  "baseline)";
			none = group == 1   ? "No soft vetoes.\n\n"
			       : group == 2 ? "No condition forbids anything (every consent is "
			                      "given).\n\n"
			                    : "No hard vetoes.\n\n";
			break;
		case SF_PRICING_CAVEATS:
			heading = "Caveats, each lifted alone (d = change from the baseline)";
			none = "No caveats.\n\n";
			break;
		default:
			heading = "Contributors, each removed (d = change from the baseline)";
			none = "No contributors.\n\n";
			break;
		}
		size_t count = 0;
		for (size_t i = 0; i < p->nrows; i++)
			count += row_group(&p->rows[i]) == group;
		if (!count) {
			rc = sf_buf_addf(out, "%s%s%s", fmt == SF_FORMAT_MD ? "### " : "", heading,
			                 fmt == SF_FORMAT_MD ? "\n\n" : "\n");
			if (rc == SF_OK)
				rc = sf_buf_adds(out, none);
			if (rc == SF_OK && group == 2)
				rc = recorded_text(p->scenario, out);
			continue;
		}
		int any = 0;
		rc = price_table(p, group, &t, &any);
		if (rc != SF_OK)
			break;
		rc = sf__table_section(t, heading, fmt, out, err);
		sf_table_free(t);
		t = NULL;
		if (rc == SF_OK)
			rc = sf__unproven_legend(any, fmt, out);
		if (rc == SF_OK && group == 2)
			rc = recorded_text(p->scenario, out);
	}
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory writing a table");
	return SF_OK;
}

sf_status sf_pricing_write(const sf_pricing *p, sf_format fmt, sf_buf *out, sf_error *err)
{
	return sf_pricing_write_many(&p, 1, fmt, out, err);
}

sf_status sf_pricing_write_many(const sf_pricing *const *ps, size_t n, sf_format fmt, sf_buf *out,
                                sf_error *err)
{
	sf_status rc = SF_OK;
	if (n == 0)
		return sf_error_set(err, SF_ERR_USAGE, "no analysis to write");
	if (fmt == SF_FORMAT_JSON) {
		sf_json_writer w;
		sf_json_writer_init(&w);
		if (n == 1) {
			pricing_json(&w, NULL, ps[0]);
		} else {
			sf_json_object(&w, NULL);
			for (size_t k = 0; k < n; k++)
				pricing_json(&w, pricing_name(ps[k]->kind), ps[k]);
			sf_json_end(&w);
		}
		return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
	}
	if (fmt == SF_FORMAT_CSV) {
		rc = pricing_csv(ps, n, out);
		return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing CSV");
	}
	/* One analysis: the baseline under its title; several: it once, first. */
	if (n > 1) {
		rc = baseline_line(ps[0]->scenario, &ps[0]->baseline, fmt, out);
		if (rc != SF_OK)
			return sf_error_set(err, rc, "out of memory writing a table");
	}
	for (size_t k = 0; k < n; k++) {
		rc = pricing_text(ps[k], fmt, n == 1, out, err);
		if (rc != SF_OK)
			return rc;
	}
	return SF_OK;
}
