/*
 * shopping.c - the shopping list: what to ask contributors for.
 *
 * model.md: add, for every unit type, an unlimited virtual pledge with no
 * caveats at a high cost; the units it uses are the capabilities to ask
 * for. Here that is a clone of the scenario ("the request model") with
 *   - one virtual unit type per real one ("request:<id>"): same personnel
 *     and capabilities, a monthly cost of personnel / (smallest personnel
 *     of any type) + 1, no deploy cost;
 *   - the real unit types, arrivals and soft-veto penalties costing 0.
 *     Stage 2 then minimises the requests alone: real units are free, so
 *     they serve wherever they can before anything is asked for (which is
 *     what "real units are always preferred" means), and among requests
 *     it asks for the fewest personnel-months, the +1 per unit-month
 *     breaking ties towards fewer, larger units. A first version priced
 *     requests above the cost of any real plan (V ~ 1e11 next to real
 *     costs ~ 1e6): the spread of coefficients made CBC's stage 2 take
 *     over a minute on the Gaza example where this form takes seconds;
 *   - k virtual contributors ("request-1".."request-k"), no cap, no veto,
 *     each with one pledge of every virtual unit type, months 1..M, count
 *     large enough to cover the largest requirement of any month alone.
 *     The share cap applies to every contributor in the model; a requested
 *     line will be filled by one or more nations, so it should not be held
 *     to one nation's share: with k = ceil(1 / max_share) contributors the
 *     requests together can reach any share, i.e. they are exempt. They do
 *     count under the troop ceiling, like any unit in a sector.
 * The request model (both stages, the stage-2 gap as asked, default 1%)
 * is solved in one worker while the plan of the scenario as it is is
 * solved in another; in format 2 the plan as it is comes first and starts
 * the request model's stage 1 (sf_plan_options.start). The plan with requests is then re-costed at
 * the real prices (a second clone, identical but for the prices) for the report; since real units
 * were free in it, that cost is not minimised.
 *
 * Lines: for each unit type, let n(m) be the requested units in use in
 * month m. Level k (k = 1..max n) is asked for from the first to the last
 * month with n(m) >= k: a contributor sends a unit for a period, not for
 * scattered months. Levels with the same period are merged into one line
 * with their count. A line's sectors and tasks are those its unit type
 * serves in the line's months. Attribution of the shortfall removed: in
 * each task, location and month, the requested units cover min(their
 * capability, what the real units there leave short), weighted by the
 * task's weight; that is shared among the unit types there in proportion
 * to their capability, and among a type's lines active that month in
 * proportion to their counts. The line figures are then scaled so that
 * they add up to the exact total, Z1(real) - Z1(with requests). The gap a
 * request fills is the smaller of what the real units leave short in the
 * plan with requests and in the plan as it is (real units are free in the
 * request model, so where a request is present anyway they may be away).
 *
 * Format 2 (docs/model.md, docs/shopping.md): requests come with a stated
 * notice (default the scenario's rdl) and stay their unit type's minimum;
 * a requested unit costs its personnel-months plus, once on arrival, a
 * month of the largest type's personnel, so larger units come first; the
 * lines are the requested units' arrivals and departures matched first in,
 * first out, one line per unit type, arrival and departure month.
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include "analysis/analysis_int.h"
#include "plan/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REQ_PREFIX "request:"
/* Format 2: what a requested unit pays to move or change task in the request
 * model, against a personnel-month cost of at least 1: a tie-breaker. */
#define SHOP_MOVE_TOKEN 0.01
/*
 * --time-limit T is the whole command's (docs/shopping.md, "Time limit"):
 * in format 2 the plan as it is, solved first, may take this share of T,
 * and the request model (the larger, harder one) what is left of T; in
 * format 1 the two plans run side by side with T each when there are two
 * workers, and T/2 each in turn with one.
 */
#define SHOP_REAL_SHARE (1.0 / 3)
/* The least limit a plan gets when T is spent: a limit of 0 means none. */
#define SHOP_MIN_LIMIT_S 1e-3

sf_status sf__shop_virtual(sf_scenario *sc, int real_prices, int notice_days, size_t *first_unit,
                           size_t *first_pledge, sf_error *err)
{
	size_t nu = sc->nunit_types, nc = sc->ncontributors;
	double pmin = 0, pmax = 0;
	int k = 1;
	for (size_t u = 0; u < nu; u++) {
		if (pmin == 0 || sc->unit_types[u].personnel < pmin)
			pmin = sc->unit_types[u].personnel;
		if (sc->unit_types[u].personnel > pmax)
			pmax = sc->unit_types[u].personnel;
	}
	if (pmin <= 0)
		pmin = 1;
	if (!real_prices)
		for (size_t v = 0; v < sc->nvetoes; v++)
			sc->vetoes[v].penalty = 0;
	if (sc->has_max_share && sc->max_share > 0)
		k = (int)ceil(1.0 / sc->max_share - SF_TOL_ROUNDING);
	if (k < 1)
		k = 1;

	sf_unit_type *ut = sf__arena_calloc(sc->arena, 2 * nu + 1, sizeof *ut);
	sf_contributor *ct = sf__arena_calloc(sc->arena, nc + (size_t)k, sizeof *ct);
	if (!ut || !ct)
		goto nomem;
	memcpy(ut, sc->unit_types, nu * sizeof *ut);
	memcpy(ct, sc->contributors, nc * sizeof *ct);
	for (size_t u = 0; u < nu; u++) {
		sf_unit_type *v = &ut[nu + u];
		*v = ut[u];
		char id[256];
		sf_snprintf(id, sizeof id, REQ_PREFIX "%s", ut[u].id);
		v->id = sf__arena_strdup(sc->arena, id);
		if (!v->id)
			goto nomem;
		if (!real_prices && sc->format >= 2) {
			/*
			 * Format 2: a requested unit costs its personnel-months
			 * plus, once on arrival, one month of the largest type's
			 * personnel: each unit asked for is one more unit to
			 * generate, so whole companies and battalions come before
			 * many platoons, and a requested unit is not relieved or
			 * asked for twice without need. Real units and their
			 * arrivals cost nothing; every unit, real or requested,
			 * moves or changes task for a token (SHOP_MOVE_TOKEN), so
			 * that none wanders and the shortfall each line removes
			 * does not depend on an arbitrary choice among equal plans.
			 */
			v->monthly_cost = ut[u].personnel / pmin;
			v->deploy_cost = pmax / pmin;
			v->move_cost = v->retask_cost = v->change_cost = SHOP_MOVE_TOKEN;
			ut[u].monthly_cost = 0;
			ut[u].deploy_cost = 0;
			ut[u].move_cost = ut[u].retask_cost = ut[u].change_cost = SHOP_MOVE_TOKEN;
		} else if (!real_prices) {
			v->monthly_cost = ut[u].personnel / pmin + 1;
			v->deploy_cost = 0;
			ut[u].monthly_cost = 0;
			ut[u].deploy_cost = 0;
		}
		memset(&v->pos, 0, sizeof v->pos);
	}
	for (int j = 0; j < k; j++) {
		sf_contributor *c = &ct[nc + (size_t)j];
		char id[64];
		sf_snprintf(id, sizeof id, "request-%d", j + 1);
		c->id = sf__arena_strdup(sc->arena, id);
		c->name = sf__arena_strdup(sc->arena, "requested from contributors");
		if (!c->id || !c->name)
			goto nomem;
		c->has_cap = 0;
		c->active = 1;
	}
	/*
	 * A requested unit of type u is covered by every condition that covers
	 * u (docs/model.md, "Shopping list"): a request a stakeholder's
	 * condition forbids is never proposed. The requested contributors are
	 * named by no condition, as a contributor added after the file.
	 */
	for (size_t i = 0; i < sc->nconditions; i++) {
		sf_condition *c = &sc->conditions[i];
		unsigned char *mask;
		if (!c->unit_types)
			continue;
		mask = sf__arena_calloc(sc->arena, 2 * nu + 1, 1);
		if (!mask)
			goto nomem;
		for (size_t u = 0; u < nu && u < c->nunit_types_named; u++)
			mask[u] = mask[nu + u] = c->unit_types[u];
		c->unit_types = mask;
		c->nunit_types_named = 2 * nu;
	}
	sc->unit_types = ut;
	sc->nunit_types = 2 * nu;
	sc->contributors = ct;
	sc->ncontributors = nc + (size_t)k;
	*first_unit = nu;
	*first_pledge = sc->npledges;

	for (size_t u = 0; u < nu; u++) {
		/* count: enough for the largest requirement of any month, this type alone */
		double most = 0;
		const double *K = sc->unit_types[u].capability;
		for (int m = 1; m <= sc->months; m++) {
			double need = 0;
			for (size_t t = 0; t < sc->ntasks; t++) {
				if (!(K[t] > 0))
					continue;
				for (size_t l = 0; l < SF_NLOC(sc); l++)
					need += ceil(sf__requirement(sc, t, l, m) / K[t] -
					             SF_TOL_ROUNDING);
			}
			if (need > most)
				most = need;
		}
		if (!(most >= 1))
			continue; /* serves no task that needs anything */
		if (most > 1e6)
			most = 1e6;
		for (int j = 0; j < k; j++) {
			char id[300];
			size_t idx;
			sf_snprintf(id, sizeof id, "request-%d:%s", j + 1, sc->unit_types[u].id);
			sf_status rc = sf_scenario_add_pledge(sc, nc + (size_t)j, nu + u, (int)most,
			                                      1, sc->months, id, &idx, err);
			if (rc != SF_OK)
				return rc;
			/* Format 2: a request comes with the stated notice (and stays
			 * its unit type's minimum, as any unit). */
			sc->pledges[idx].lead_days = notice_days > 0 ? notice_days : 0;
			sc->pledges[idx].has_notice = 1;
		}
	}
	return SF_OK;
nomem:
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory adding requested units");
}

void sf_shopping_free(sf_shopping *s)
{
	if (!s)
		return;
	sf_outcome_release(&s->real);
	sf_outcome_release(&s->with_requests);
	for (size_t i = 0; i < s->nlines; i++) {
		free(s->lines[i].locations);
		free(s->lines[i].tasks);
	}
	free(s->lines);
	free(s);
}

/* Append a line; 0 or -1 on OOM. */
static int push_line(sf_shopping *s, size_t *cap, size_t unit, int count, int from, int to,
                     size_t nloc, size_t ntasks)
{
	if (s->nlines == *cap) {
		size_t nc = *cap ? 2 * *cap : 8;
		sf_request *n = sf__reallocarray(s->lines, nc, sizeof *n);
		if (!n)
			return -1;
		s->lines = n;
		*cap = nc;
	}
	sf_request *r = &s->lines[s->nlines];
	memset(r, 0, sizeof *r);
	r->unit = unit;
	r->count = count;
	r->from = from;
	r->to = to;
	r->locations = calloc(nloc, 1);
	r->tasks = calloc(ntasks ? ntasks : 1, 1);
	if (!r->locations || !r->tasks) {
		free(r->locations);
		free(r->tasks);
		return -1;
	}
	s->nlines++;
	return 0;
}

/*
 * Format 1: level k of a type's units in use n(m) is asked for from the
 * first to the last month with n(m) >= k; levels with the same period are
 * one line. 0 or -1 on OOM.
 */
static int lines_f1(sf_shopping *s, size_t *cap, const int *n, size_t nu, size_t M)
{
	size_t nloc = SF_NLOC(s->scenario), nt = s->scenario->ntasks;
	for (size_t u = 0; u < nu; u++) {
		int top = 0;
		for (size_t m = 0; m < M; m++)
			if (n[u * M + m] > top)
				top = n[u * M + m];
		size_t first_line = s->nlines;
		for (int lev = 1; lev <= top; lev++) {
			int from = 0, to = 0;
			for (size_t m = 0; m < M; m++)
				if (n[u * M + m] >= lev) {
					if (!from)
						from = (int)m + 1;
					to = (int)m + 1;
				}
			size_t i;
			for (i = first_line; i < s->nlines; i++)
				if (s->lines[i].from == from && s->lines[i].to == to)
					break;
			if (i < s->nlines)
				s->lines[i].count++;
			else if (push_line(s, cap, u, 1, from, to, nloc, nt) != 0)
				return -1;
		}
	}
	return 0;
}

/* Add count units of type u present from..to to the lines (merged by period). */
static int add_units(sf_shopping *s, size_t *cap, size_t first_line, size_t u, int count, int from,
                     int to)
{
	for (size_t i = first_line; i < s->nlines; i++)
		if (s->lines[i].from == from && s->lines[i].to == to) {
			s->lines[i].count += count;
			return 0;
		}
	return push_line(s, cap, u, count, from, to, SF_NLOC(s->scenario), s->scenario->ntasks);
}

/*
 * Format 2: the plan says when requested units arrive and leave. Per type
 * (all request contributors together), units leave in the order they
 * arrived; each unit is then present from its arrival to the month before
 * its departure (or to the end), and units of one type with the same
 * period are one line. First in, first out never ends a unit's stay
 * before its minimum: if it did, every unit that came before had left,
 * and the units present would be fewer than those arrived within the
 * minimum stay, which the model forbids. 0 or -1 on OOM.
 */
static int lines_f2(sf_shopping *s, size_t *cap, const sf_plan *pv, size_t first_unit,
                    size_t first_pledge)
{
	const sf_scenario *vs = pv->scenario;
	size_t M = (size_t)vs->months;
	int *arr = calloc(M + 1, sizeof *arr), *dep = calloc(M + 2, sizeof *dep);
	int *queue = calloc(M + 1, sizeof *queue); /* units still present, by arrival month */
	int rc = -1;
	if (!arr || !dep || !queue)
		goto out;
	for (size_t u = 0; u < first_unit; u++) {
		size_t first_line = s->nlines;
		memset(arr, 0, (M + 1) * sizeof *arr);
		memset(dep, 0, (M + 2) * sizeof *dep);
		memset(queue, 0, (M + 1) * sizeof *queue);
		for (size_t p = first_pledge; p < vs->npledges; p++) {
			if (vs->pledges[p].unit != first_unit + u)
				continue;
			for (size_t m = 0; m < M; m++) {
				arr[m + 1] += pv->arrivals[p * M + m];
				dep[m + 1] += pv->departures[p * M + m];
			}
		}
		for (size_t m = 1; m <= M + 1; m++) {
			/* dep[m] units leave before month m: the oldest first */
			for (size_t a = 1; dep[m] > 0 && a < m; a++) {
				int k = queue[a] < dep[m] ? queue[a] : dep[m];
				if (k > 0 &&
				    add_units(s, cap, first_line, u, k, (int)a, (int)m - 1) != 0)
					goto out;
				queue[a] -= k;
				dep[m] -= k;
			}
			if (m <= M)
				queue[m] += arr[m];
		}
		for (size_t a = 1; a <= M; a++) /* present to the end */
			if (queue[a] > 0 &&
			    add_units(s, cap, first_line, u, queue[a], (int)a, (int)M) != 0)
				goto out;
	}
	rc = 0;
out:
	free(arr);
	free(dep);
	free(queue);
	return rc;
}

/*
 * The raw shortfall each line removes (into raw[], zeroed here), and their
 * sum. In each task, location and month the requested units cover
 * min(their capability, the gap) times the task's weight, the gap being
 * what the real units leave short there in the plan with requests and, if
 * p0 is given, also in the plan of the pledges as they are (the smaller of
 * the two): real units cost nothing in the request model, so where a
 * request is present anyway (its minimum stay) the plan may as well keep a
 * real unit away; what the request then covers was not short in the plan
 * as it is, and is not credited to it.
 */
static double attribute(const sf_shopping *s, const sf_plan *pv, const sf_plan *p0,
                        const double *vcap, const double *vcap_u, size_t nu, double *raw)
{
	const sf_scenario *sc = s->scenario;
	size_t M = (size_t)sc->months, nloc = SF_NLOC(sc), nt = sc->ntasks;
	double total_raw = 0;
	memset(raw, 0, (s->nlines + 1) * sizeof *raw);
	for (size_t t = 0; t < nt; t++)
		for (size_t l = 0; l < nloc; l++)
			for (size_t m = 0; m < M; m++) {
				size_t cell = (t * nloc + l) * M + m;
				double vc = vcap[cell];
				if (!(vc > 0))
					continue;
				size_t ci = SF_COV(sc, t, l, (int)m + 1);
				double R = pv->required[ci], real = pv->provided[ci] - vc;
				if (p0 && p0->provided[ci] > real)
					real = p0->provided[ci];
				double gap = R - real > 0 ? R - real : 0;
				double covered = sc->tasks[t].weight * (vc < gap ? vc : gap);
				if (!(covered > 0))
					continue;
				for (size_t u = 0; u < nu; u++) {
					double share = covered *
					               vcap_u[((u * nt + t) * nloc + l) * M + m] /
					               vc;
					if (!(share > 0))
						continue;
					int active = 0;
					for (size_t i = 0; i < s->nlines; i++)
						if (s->lines[i].unit == u &&
						    s->lines[i].from <= (int)m + 1 &&
						    s->lines[i].to >= (int)m + 1)
							active += s->lines[i].count;
					if (!active)
						continue;
					for (size_t i = 0; i < s->nlines; i++)
						if (s->lines[i].unit == u &&
						    s->lines[i].from <= (int)m + 1 &&
						    s->lines[i].to >= (int)m + 1)
							raw[i] +=
							        share * s->lines[i].count / active;
				}
			}
	for (size_t i = 0; i < s->nlines; i++)
		total_raw += raw[i];
	return total_raw;
}

/* Build the lines and their attribution from the plan with requests (on the virtual clone). */
static sf_status build_lines(sf_shopping *s, const sf_plan *pv, const sf_plan *p0,
                             size_t first_unit, size_t first_pledge, sf_error *err)
{
	const sf_scenario *sc = s->scenario;  /* the real scenario: ids, weights */
	const sf_scenario *vs = pv->scenario; /* the clone: pledges, units */
	size_t M = (size_t)sc->months, nu = first_unit, nloc = SF_NLOC(sc), nt = sc->ntasks;
	sf_status rc = SF_OK;
	size_t cap = 0;
	int *n = calloc(nu * M + 1, sizeof *n);
	double *vcap = calloc(nt * nloc * M + 1, sizeof *vcap); /* virtual capability per cell */
	double *vcap_u = calloc(nu * nt * nloc * M + 1, sizeof *vcap_u); /* ... per unit type */
	double *raw = NULL;
	if (!n || !vcap || !vcap_u) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t r = 0; r < pv->nrows; r++) {
		const sf_assignment *a = &pv->rows[r];
		if (a->pledge < first_pledge)
			continue;
		size_t u = vs->pledges[a->pledge].unit - first_unit;
		size_t m = (size_t)(a->month - 1);
		double c = vs->unit_types[first_unit + u].capability[a->task] * a->units;
		n[u * M + m] += a->units;
		vcap[(a->task * nloc + a->location) * M + m] += c;
		vcap_u[((u * nt + a->task) * nloc + a->location) * M + m] += c;
	}
	if (vs->format >= 2) {
		if (lines_f2(s, &cap, pv, first_unit, first_pledge) != 0) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			goto out;
		}
	} else if (lines_f1(s, &cap, n, nu, M) != 0) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* sectors and tasks of each line: where its type serves in its months */
	for (size_t i = 0; i < s->nlines; i++) {
		sf_request *q = &s->lines[i];
		q->personnel = (double)q->count * sc->unit_types[q->unit].personnel;
		for (size_t r = 0; r < pv->nrows; r++) {
			const sf_assignment *a = &pv->rows[r];
			if (a->pledge < first_pledge || a->month < q->from || a->month > q->to ||
			    vs->pledges[a->pledge].unit - first_unit != q->unit)
				continue;
			q->locations[a->location] = 1;
			q->tasks[a->task] = 1;
		}
	}
	/* attribution */
	raw = calloc(s->nlines + 1, sizeof *raw);
	if (!raw) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	double total_raw = attribute(s, pv, p0, vcap, vcap_u, nu, raw);
	if (!(total_raw > 0))
		total_raw = attribute(s, pv, NULL, vcap, vcap_u, nu, raw);
	for (size_t i = 0; i < s->nlines; i++)
		s->lines[i].z1_removed = total_raw > 0 ? raw[i] * s->z1_removed / total_raw : 0;
out:
	free(n);
	free(vcap);
	free(vcap_u);
	free(raw);
	return rc;
}

static int cmp_line(const void *va, const void *vb)
{
	const sf_request *a = va, *b = vb;
	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	if (a->from != b->from)
		return a->from - b->from;
	if (a->to != b->to)
		return b->to - a->to;
	return b->count - a->count;
}

sf_status sf_shopping_run(const sf_scenario *sc, const sf_analysis_options *opts, sf_shopping **out,
                          sf_error *err)
{
	sf_status rc;
	sf_scenario *virt = NULL, *priced = NULL;
	sf_plan *plans[2] = {NULL, NULL}, *pv = NULL;
	sf_shopping *s = NULL;
	size_t fu = 0, fp = 0, fu2 = 0, fp2 = 0;
	sf_analysis_options o;
	double t0 = sf__now();
	int notice;

	*out = NULL;
	if (opts)
		o = *opts;
	else
		sf_analysis_options_init(&o);
	o.plan.stage1_only = 0;

	notice = o.request_notice_days >= 0 ? o.request_notice_days
	                                    : sc->readiness_days[SF_READINESS_RDL];
	if ((rc = sf_scenario_clone(sc, &virt, err)) != SF_OK ||
	    (rc = sf__shop_virtual(virt, 0, notice, &fu, &fp, err)) != SF_OK ||
	    (rc = sf_scenario_clone(sc, &priced, err)) != SF_OK ||
	    (rc = sf__shop_virtual(priced, 1, notice, &fu2, &fp2, err)) != SF_OK)
		goto out;
	const sf_scenario *scs[2] = {sc, virt};
	const char *names[2] = {"pledges as they are", "pledges and requested units"};
	if (sc->format >= 2) {
		/*
		 * The plan as it is first: it is a plan of the request model too
		 * (no unit requested), and starts its stage 1 (docs/shopping.md).
		 */
		sf_plan_options first = o.plan, second = o.plan;
		const double limit = o.plan.time_limit_s;
		if (limit > 0)
			first.time_limit_s = limit * SHOP_REAL_SHARE;
		o.plans_after++; /* the second plan, under a deadline */
		rc = sf__plan_many(scs, names, 1, &o, &first, NULL, plans, err);
		o.plans_after--;
		if (rc != SF_OK)
			goto out;
		second.start = plans[0];
		if (limit > 0)
			second.time_limit_s = fmax(limit - (sf__now() - t0), SHOP_MIN_LIMIT_S);
		rc = sf__plan_many(scs + 1, names + 1, 1, &o, &second, NULL, plans + 1, err);
	} else {
		sf_plan_options each[2] = {o.plan, o.plan};
		if (o.plan.time_limit_s > 0 && sf__analysis_jobs(&o) < 2)
			each[0].time_limit_s = each[1].time_limit_s = o.plan.time_limit_s / 2;
		rc = sf__plan_many(scs, names, 2, &o, each, NULL, plans, err);
	}
	if (rc != SF_OK)
		goto out;
	/* the plan with requests, costed at real prices */
	rc = sf_plan_from_parts(priced, plans[1]->rows, plans[1]->nrows,
	                        sc->format >= 2 ? plans[1]->presence : NULL,
	                        sc->format >= 2 ? plans[1]->arrivals : NULL, &pv, err);
	if (rc != SF_OK)
		goto out;
	pv->stage1 = plans[1]->stage1;
	pv->stage2 = plans[1]->stage2;
	pv->solver = plans[1]->solver;

	s = calloc(1, sizeof *s);
	if (!s) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	s->scenario = sc;
	s->jobs = sf__analysis_jobs(&o);
	if (sc->format >= 2) {
		s->notice_days = notice;
		s->first_month = fp < virt->npledges ? sf_pledge_earliest(virt, fp) : sc->a0;
	}
	if ((rc = sf_outcome_from_plan(plans[0], &s->real, err)) != SF_OK ||
	    (rc = sf_outcome_from_plan(pv, &s->with_requests, err)) != SF_OK)
		goto out;
	s->z1_removed = s->real.z1 - s->with_requests.z1;
	if (s->z1_removed < 0)
		s->z1_removed = 0;
	rc = build_lines(s, pv, plans[0], fu, fp, err);
	if (rc != SF_OK)
		goto out;
	if (s->nlines > 1) /* no lines: s->lines is NULL, which qsort must not get */
		qsort(s->lines, s->nlines, sizeof *s->lines, cmp_line);
	s->seconds = sf__now() - t0;
	*out = s;
	s = NULL;
out:
	sf_shopping_free(s);
	sf_plan_free(pv);
	sf_plan_free(plans[0]);
	sf_plan_free(plans[1]);
	sf_scenario_free(virt);
	sf_scenario_free(priced);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */

static void mask_list(const sf_scenario *sc, const unsigned char *mask, int locs, const char *sep,
                      sf_buf *b)
{
	size_t n = locs ? SF_NLOC(sc) : sc->ntasks, k = 0;
	for (size_t i = 0; i < n; i++)
		if (mask[i])
			(void)sf_buf_addf(b, "%s%s", k++ ? sep : "",
			                  locs ? sf_scenario_location_id(sc, i) : sc->tasks[i].id);
}

static sf_status lines_table(const sf_shopping *s, int csv, sf_table **out)
{
	/* a line's shortfall removed rests on both solves' stage 1 */
	int unproven = !(sf_outcome_z1_proven(&s->real) && sf_outcome_z1_proven(&s->with_requests));
	const sf_scenario *sc = s->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	char lab[16];
	sf_buf b;
	sf_buf_init(&b, 0);
	if (!t)
		return SF_ERR_NOMEM;
	static const char *const text_cols[] = {"unit type", "name",  "count",
	                                        "personnel", "from",  "to",
	                                        "sectors",   "tasks", "shortfall removed"};
	static const char *const csv_cols[] = {"unit",      "name",       "count",      "personnel",
	                                       "from",      "from_label", "to",         "to_label",
	                                       "locations", "tasks",      "z1_removed", "proven"};
	const char *const *cols = csv ? csv_cols : text_cols;
	size_t ncols = csv ? SF_ARRAY_LEN(csv_cols) : SF_ARRAY_LEN(text_cols);
	for (size_t i = 0; rc == SF_OK && i < ncols; i++) {
		int right = !strcmp(cols[i], "count") || !strcmp(cols[i], "personnel") ||
		            !strcmp(cols[i], "shortfall removed");
		rc = sf_table_add_column(t, cols[i], right ? SF_ALIGN_RIGHT : SF_ALIGN_LEFT);
	}
	for (size_t i = 0; rc == SF_OK && i < s->nlines; i++) {
		const sf_request *q = &s->lines[i];
		const sf_unit_type *u = &sc->unit_types[q->unit];
		rc = sf_table_begin_row(t);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, u->id);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, u->name);
		if (rc == SF_OK)
			rc = sf_table_add_cellf(t, "%d", q->count);
		if (rc == SF_OK)
			rc = sf_table_add_cellf(t, "%.0f", q->personnel);
		if (rc == SF_OK && csv)
			rc = sf_table_add_cellf(t, "%d", q->from);
		if (rc == SF_OK)
			rc = sf_table_add_cell(
			        t, sf_scenario_month_label(sc, q->from, lab, sizeof lab));
		if (rc == SF_OK && csv)
			rc = sf_table_add_cellf(t, "%d", q->to);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t,
			                       sf_scenario_month_label(sc, q->to, lab, sizeof lab));
		sf_buf_reset(&b);
		mask_list(sc, q->locations, 1, csv ? ";" : ",", &b);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, sf_buf_str(&b));
		sf_buf_reset(&b);
		mask_list(sc, q->tasks, 0, csv ? ";" : ",", &b);
		if (rc == SF_OK)
			rc = sf_table_add_cell(t, sf_buf_str(&b));
		if (rc == SF_OK && csv)
			rc = sf_table_add_cellf(t, "%.15g", sf__r6(q->z1_removed));
		else if (rc == SF_OK)
			rc = sf_table_add_cellf(t, "%.2f%s", sf__r6(q->z1_removed),
			                        unproven ? "*" : "");
		if (rc == SF_OK && csv)
			rc = sf_table_add_cell(t, unproven ? "false" : "true");
	}
	sf_buf_release(&b);
	if (rc != SF_OK) {
		sf_table_free(t);
		return rc;
	}
	*out = t;
	return SF_OK;
}

static sf_status shopping_json(const sf_shopping *s, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = s->scenario;
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "stabforce_version", STABFORCE_VERSION);
	sf_json_str(&w, "analysis", "shopping");
	sf__json_scenario(&w, "scenario", sc);
	sf__json_outcome(&w, "real", sc, &s->real);
	sf__json_outcome(&w, "with_requests", sc, &s->with_requests);
	sf__json_r6(&w, "z1_removed", s->z1_removed);
	if (sc->format >= 2) {
		sf_json_int(&w, "notice_days", s->notice_days);
		sf_json_int(&w, "first_month", s->first_month);
		sf__json_month_label(&w, "first_label", sc, s->first_month);
	}
	sf_json_array(&w, "lines");
	for (size_t i = 0; i < s->nlines; i++) {
		const sf_request *q = &s->lines[i];
		sf_json_object(&w, NULL);
		sf_json_str(&w, "unit", sc->unit_types[q->unit].id);
		sf_json_str(&w, "name", sc->unit_types[q->unit].name);
		sf_json_int(&w, "count", q->count);
		sf__json_r6(&w, "personnel", q->personnel);
		sf_json_int(&w, "from", q->from);
		sf__json_month_label(&w, "from_label", sc, q->from);
		sf_json_int(&w, "to", q->to);
		sf__json_month_label(&w, "to_label", sc, q->to);
		sf_json_array(&w, "locations");
		for (size_t l = 0; l < SF_NLOC(sc); l++)
			if (q->locations[l])
				sf_json_str(&w, NULL, sf_scenario_location_id(sc, l));
		sf_json_end(&w);
		sf_json_array(&w, "tasks");
		for (size_t t = 0; t < sc->ntasks; t++)
			if (q->tasks[t])
				sf_json_str(&w, NULL, sc->tasks[t].id);
		sf_json_end(&w);
		sf__json_r6(&w, "z1_removed", q->z1_removed);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

sf_status sf_shopping_write(const sf_shopping *s, sf_format fmt, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = s->scenario;
	sf_table *t = NULL;
	sf_status rc;
	char f1[16], f2[16];
	if (fmt == SF_FORMAT_JSON)
		return shopping_json(s, out, err);
	rc = lines_table(s, fmt == SF_FORMAT_CSV, &t);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory writing the shopping list");
	if (fmt == SF_FORMAT_CSV) {
		rc = sf_table_write_csv(t, out);
		sf_table_free(t);
		return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing CSV");
	}
	const char *b = fmt == SF_FORMAT_MD ? "**" : "";
	const char *m1 = sf_outcome_z1_proven(&s->real) ? "" : "*";
	const char *m2 = sf_outcome_z1_proven(&s->with_requests) ? "" : "*";
	const char *m3 = *m1 || *m2 ? "*" : "";
	char p1[256], p2[256];
	rc = sf_buf_adds(out, fmt == SF_FORMAT_MD ? "## Shopping list\n\n" : "");
	if (rc == SF_OK)
		rc = sf_buf_addf(out,
		                 "%sShopping list%s: with the pledges as they are, weighted "
		                 "shortfall %.2f%s "
		                 "and FOC %s%s; with the units below, %.2f%s and FOC %s%s (%.2f%s "
		                 "removed).\n"
		                 "Status: as they are, %s; with the units below, %s.\n",
		                 b, b, s->real.z1, m1,
		                 sf__month_or_never(sc, s->real.foc_month, f1, sizeof f1), m1,
		                 s->with_requests.z1, m2,
		                 sf__month_or_never(sc, s->with_requests.foc_month, f2, sizeof f2),
		                 m2, s->z1_removed, m3, sf__outcome_proof(&s->real, p1, sizeof p1),
		                 sf__outcome_proof(&s->with_requests, p2, sizeof p2));
	if (rc == SF_OK && sc->format >= 2)
		rc = sf_buf_addf(
		        out,
		        "Requested units come with %d days of notice from as_of (%s), so from %s "
		        "at the earliest; each stays at least its unit type's minimum stay; larger "
		        "units are asked for before many small ones.\n",
		        s->notice_days, sc->as_of ? sc->as_of : "not given",
		        sf_scenario_month_label(sc, s->first_month > 0 ? s->first_month : 1, f1,
		                                sizeof f1));
	if (rc == SF_OK && s->with_requests.z1 > SF_TOL_SHORTFALL &&
	    sf_outcome_z1_proven(&s->with_requests))
		rc = sf_buf_adds(out,
		                 sc->format >= 2
		                         ? "What remains short cannot be met by any unit: the "
		                           "troop ceiling, a sector's opening month, the notice "
		                           "of a request or reception limits it.\n"
		                         : "What remains short cannot be met by any unit: the "
		                           "troop ceiling or a sector's opening month limits "
		                           "it.\n");
	if (rc == SF_OK)
		rc = sf_buf_addc(out, '\n');
	if (rc != SF_OK) {
		sf_table_free(t);
		return sf_error_set(err, rc, "out of memory");
	}
	if (s->nlines == 0) {
		sf_table_free(t);
		rc = sf_buf_adds(out,
		                 sf_outcome_z1_proven(&s->with_requests)
		                         ? "Nothing to ask for: the pledges cover every "
		                           "requirement they can.\n"
		                         : "No list: the plan with requested units stopped at "
		                           "a limit before it found a plan using any of them, so "
		                           "this says nothing about what to ask for. Run it "
		                           "without --time-limit, or with a longer one.\n");
		if (rc == SF_OK && *m3)
			rc = sf_buf_addc(out, '\n');
		if (rc == SF_OK)
			rc = sf__unproven_legend(*m3 != 0, fmt, out);
		return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory");
	}
	rc = sf__table_section(t, "Units to request (one line per unit type and period)", fmt, out,
	                       err);
	sf_table_free(t);
	if (rc == SF_OK && (rc = sf__unproven_legend(*m3 != 0, fmt, out)) != SF_OK)
		sf_error_set(err, rc, "out of memory");
	return rc;
}
