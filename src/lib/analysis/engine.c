/*
 * engine.c - planning many scenarios in worker processes: the engine every
 * analysis (pricing, shopping, risk, compare, what-if pairs) runs on.
 *
 * Each case is a scenario (usually a clone with one edit) planned with
 * sf_plan_solve, both stages unless the options say otherwise. Workers
 * (base/proc.c) send back only what a plan is made of (stage results,
 * assignment rows, and in format 2 presence and arrivals); the parent
 * rebuilds each plan with sf_plan_from_parts
 * against the case's own scenario, so every derived figure (coverage, FOC,
 * personnel, cost) comes from the planner's code, not from a second
 * implementation here. Cases are handed out heaviest first when the caller
 * estimates their weight; the results do not depend on the order or on the
 * number of workers.
 *
 * The outcome of a plan (sf_outcome: the figures an analysis compares) is
 * defined here too, once for every analysis.
 */
#include "base/internal.h"

#include "analysis/analysis_int.h"

#include <stdlib.h>
#include <string.h>

void sf_analysis_options_init(sf_analysis_options *o)
{
	memset(o, 0, sizeof *o);
	sf_plan_options_init(&o->plan);
	o->jobs = 0;
	o->request_notice_days = -1;
}

int sf__analysis_jobs(const sf_analysis_options *opts)
{
	return opts && opts->jobs > 0 ? opts->jobs : sf__workers_default();
}

void sf_analysis_time_limit(sf_analysis_options *o, double seconds)
{
	o->deadline = seconds > 0 ? sf__now() + seconds : 0;
	o->limit_s = seconds > 0 ? seconds : 0;
}

static size_t rounds_of(size_t plans, int nworkers)
{
	return nworkers > 0 ? (plans + (size_t)nworkers - 1) / (size_t)nworkers : plans;
}

sf_status sf__case_limit(double deadline, double limit_s, size_t left, size_t after, int nworkers,
                         sf_plan_options *po, sf_error *err)
{
	if (deadline <= 0)
		return SF_OK;
	double remaining = deadline - sf__now();
	size_t rounds = rounds_of(left, nworkers) + rounds_of(after, nworkers);
	if (remaining <= 0)
		return sf_error_set(err, SF_ERR_SOLVER, "time limit of %g s reached", limit_s);
	double share = remaining / (double)(rounds ? rounds : 1);
	if (po->time_limit_s <= 0 || share < po->time_limit_s)
		po->time_limit_s = share;
	return SF_OK;
}

/* ------------------------------------------------------------------ */
/* Planning many scenarios in workers                                  */

typedef struct many_ctx {
	const sf_scenario *const *scs;
	const char *const *names;
	sf_plan_options popts;
	const sf_plan_options *per_case; /* may be NULL */
	/* the analysis' deadline (0 = none) and what each case's share needs */
	double deadline, limit_s;
	size_t n, after; /* cases in this batch; plans after it */
	int nworkers;
	const size_t *pos; /* position of each case in the hand-out order; NULL = its index */
} many_ctx;

/*
 * Wire form of a solved plan: the header, then nrows sf_assignment, then,
 * for a format-2 plan (npres = pledges x months), the presence and the
 * arrivals of every pledge and month (npres ints each): idle units and
 * reliefs are in no row.
 */
typedef struct wire_plan {
	sf_stage_result stage1, stage2;
	int solver;
	double seconds;
	uint64_t nrows;
	uint64_t npres;      /* 0: format 1 */
	int moves_status;    /* sf_solve_status of the no-wandering solve */
	int changed_units;   /* least change: unit-months differing from the baseline */
	double cost_changes; /* and their cost */
} wire_plan;

static sf_status many_job(void *vctx, size_t job, sf_buf *out, sf_error *err)
{
	many_ctx *c = vctx;
	sf_plan *p = NULL;
	sf_plan_options po = c->per_case ? c->per_case[job] : c->popts;
	po.progress = NULL; /* workers must not write progress lines over each other */
	size_t pos = c->pos ? c->pos[job] : job;
	sf_status rc = sf__case_limit(c->deadline, c->limit_s, c->n - pos, c->after, c->nworkers,
	                              &po, err);
	if (rc != SF_OK)
		return rc;
	rc = sf_plan_solve(c->scs[job], &po, &p, err);
	if (rc != SF_OK)
		return rc;
	wire_plan w;
	memset(&w, 0, sizeof w);
	w.stage1 = p->stage1;
	w.stage2 = p->stage2;
	w.solver = (int)p->solver;
	w.seconds = p->seconds;
	w.nrows = p->nrows;
	if (c->scs[job]->format >= 2) {
		w.npres = c->scs[job]->npledges * (uint64_t)c->scs[job]->months;
		w.moves_status = (int)p->moves_status;
		w.changed_units = p->changed_units;
		w.cost_changes = p->cost_changes;
	}
	rc = sf_buf_add(out, &w, sizeof w);
	if (rc == SF_OK && p->nrows)
		rc = sf_buf_add(out, p->rows, p->nrows * sizeof *p->rows);
	if (rc == SF_OK && w.npres)
		rc = sf_buf_add(out, p->presence, (size_t)w.npres * sizeof(int));
	if (rc == SF_OK && w.npres)
		rc = sf_buf_add(out, p->arrivals, (size_t)w.npres * sizeof(int));
	sf_plan_free(p);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory sending a plan");
	return SF_OK;
}

static void many_name(void *vctx, size_t job, char *buf, size_t n)
{
	many_ctx *c = vctx;
	sf_strlcpy(buf, c->names && c->names[job] ? c->names[job] : "", n);
}

/* Job order for sf__plan_many: the heaviest estimate first, then by index. */
typedef struct weighted_job {
	double w;
	size_t job;
} weighted_job;

static int cmp_weight(const void *va, const void *vb)
{
	const weighted_job *a = va, *b = vb;
	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	return a->job < b->job ? -1 : a->job > b->job;
}

sf_status sf__plan_many(const sf_scenario *const *scs, const char *const *names, size_t n,
                        const sf_analysis_options *opts, const sf_plan_options *per_case,
                        const double *weight, sf_plan **plans, sf_error *err)
{
	sf_status rc = SF_OK;
	sf__job_result *res = NULL;
	size_t *order = NULL, *pos = NULL;
	many_ctx c;
	memset(&c, 0, sizeof c);
	c.scs = scs;
	c.names = names;
	c.popts = opts->plan;
	c.per_case = per_case;
	c.deadline = opts->deadline;
	c.limit_s = opts->limit_s;
	c.n = n;
	c.after = opts->plans_after;
	c.nworkers = sf__analysis_jobs(opts);

	for (size_t i = 0; i < n; i++)
		plans[i] = NULL;
	if (n == 0)
		return SF_OK;
	res = calloc(n, sizeof *res);
	if (!res)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (weight) {
		weighted_job *wj = sf__mallocarray(n, sizeof *wj);
		order = sf__mallocarray(n, sizeof *order);
		if (!wj || !order) {
			free(wj);
			free(order);
			free(res);
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		}
		for (size_t i = 0; i < n; i++)
			wj[i] = (weighted_job){weight[i], i};
		qsort(wj, n, sizeof *wj, cmp_weight);
		for (size_t i = 0; i < n; i++)
			order[i] = wj[i].job;
		free(wj);
		if (!(pos = sf__mallocarray(n, sizeof *pos))) {
			free(order);
			free(res);
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		}
		for (size_t i = 0; i < n; i++)
			pos[order[i]] = i;
		c.pos = pos;
	}

	sf__workers_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.njobs = n;
	spec.nworkers = sf__analysis_jobs(opts);
	spec.run = many_job;
	spec.name = many_name;
	spec.ctx = &c;
	spec.progress = opts->progress;
	spec.progress_ctx = opts->progress_ctx;
	spec.order = order;
	rc = sf__workers_run(&spec, res, err);
	if (rc != SF_OK)
		goto out;

	for (size_t i = 0; i < n; i++) {
		if (res[i].status != SF_OK) {
			const char *nm = names && names[i] ? names[i] : "";
			rc = sf_error_set(err, res[i].status, "case '%s': %s", nm, res[i].message);
			goto out;
		}
		wire_plan w;
		if (res[i].len < sizeof w) {
			rc = sf_error_set(err, SF_ERR_WORKER,
			                  "case %zu: short record from a worker", i);
			goto out;
		}
		memcpy(&w, res[i].data, sizeof w);
		if (w.npres != (scs[i]->format >= 2 ? scs[i]->npledges * (uint64_t)scs[i]->months
		                                    : 0) ||
		    res[i].len != sizeof w + w.nrows * sizeof(sf_assignment) +
		                          2 * w.npres * sizeof(int)) {
			rc = sf_error_set(err, SF_ERR_WORKER,
			                  "case %zu: malformed record from a worker", i);
			goto out;
		}
		sf_assignment *rows = NULL;
		if (w.nrows) {
			rows = sf__mallocarray((size_t)w.nrows, sizeof *rows);
			if (!rows) {
				rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
				goto out;
			}
			memcpy(rows, res[i].data + sizeof w, (size_t)w.nrows * sizeof *rows);
		}
		{
			int *pres = NULL, *arr = NULL;
			if (w.npres) {
				const char *at =
				        res[i].data + sizeof w + w.nrows * sizeof(sf_assignment);
				pres = sf__mallocarray((size_t)w.npres, sizeof(int));
				arr = sf__mallocarray((size_t)w.npres, sizeof(int));
				if (pres && arr) {
					memcpy(pres, at, (size_t)w.npres * sizeof(int));
					memcpy(arr, at + w.npres * sizeof(int),
					       (size_t)w.npres * sizeof(int));
				}
			}
			if (w.npres && (!pres || !arr))
				rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			else
				rc = sf_plan_from_parts(scs[i], rows, (size_t)w.nrows, pres, arr,
				                        &plans[i], err);
			free(pres);
			free(arr);
		}
		free(rows);
		if (rc != SF_OK)
			goto out;
		plans[i]->stage1 = w.stage1;
		plans[i]->stage2 = w.stage2;
		plans[i]->solver = (sf_solver_kind)w.solver;
		plans[i]->seconds = w.seconds;
		plans[i]->moves_status = (sf_solve_status)w.moves_status;
		plans[i]->changed_units = w.changed_units;
		plans[i]->cost_changes = w.cost_changes;
		plans[i]->cost_total += w.cost_changes;
	}
out:
	if (rc != SF_OK)
		for (size_t i = 0; i < n; i++) {
			sf_plan_free(plans[i]);
			plans[i] = NULL;
		}
	sf__job_results_release(res, n);
	free(res);
	free(order);
	free(pos);
	return rc;
}

sf_status sf_plan_pair(const sf_scenario *a, const sf_scenario *b, const sf_analysis_options *opts,
                       sf_plan **pa, sf_plan **pb, sf_error *err)
{
	const sf_scenario *scs[2] = {a, b};
	const char *names[2] = {"first plan", "second plan"};
	sf_plan *plans[2];
	sf_analysis_options o;
	if (opts)
		o = *opts;
	else
		sf_analysis_options_init(&o);
	*pa = *pb = NULL;
	if (b->format >= 2) {
		/*
		 * Least change (docs/model.md): b is planned from a's plan, so one
		 * after the other; a worker inherits the baseline when it forks.
		 */
		sf_plan_options second = o.plan;
		o.plans_after++; /* the second plan, under a deadline */
		sf_status rc = sf__plan_many(scs, names, 1, &o, NULL, NULL, plans, err);
		o.plans_after--;
		if (rc != SF_OK)
			return rc;
		second.baseline = plans[0];
		rc = sf__plan_many(scs + 1, names + 1, 1, &o, &second, NULL, plans + 1, err);
		if (rc != SF_OK) {
			sf_plan_free(plans[0]);
			return rc;
		}
		*pa = plans[0];
		*pb = plans[1];
		return SF_OK;
	}
	sf_status rc = sf__plan_many(scs, names, 2, &o, NULL, NULL, plans, err);
	if (rc != SF_OK)
		return rc;
	*pa = plans[0];
	*pb = plans[1];
	return SF_OK;
}

/* ------------------------------------------------------------------ */
/* Outcomes                                                             */

int sf_outcome_z1_proven(const sf_outcome *o)
{
	return sf_stage_proven(o->stage1, o->gap1);
}

int sf_outcome_cost_proven(const sf_outcome *o)
{
	return sf_outcome_z1_proven(o) && sf_stage_proven(o->stage2, o->gap2);
}

sf_status sf_outcome_from_plan(const sf_plan *p, sf_outcome *o, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	memset(o, 0, sizeof *o);
	o->task_shortfall = calloc(sc->ntasks ? sc->ntasks : 1, sizeof *o->task_shortfall);
	if (!o->task_shortfall)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	o->stage1 = p->stage1.status;
	o->stage2 = p->stage2.status;
	o->gap1 = p->stage1.gap;
	o->gap2 = p->stage2.gap;
	o->z1 = p->z1;
	o->cost = p->cost_total;
	o->foc_month = p->foc_month;
	for (int m = 1; m <= sc->months; m++) {
		o->personnel_pm += p->personnel_in_sectors[m - 1];
		o->mission_pm += p->personnel_at_mission[m - 1];
	}
	for (size_t t = 0; t < sc->ntasks; t++)
		for (size_t l = 0; l < SF_NLOC(sc); l++)
			for (int m = 1; m <= sc->months; m++)
				o->task_shortfall[t] += p->shortfall[SF_COV(sc, t, l, m)];
	{
		sf_reimbursement r;
		if (sf_plan_reimbursement(p, &r, err) != SF_OK) {
			sf_outcome_release(o);
			return SF_ERR_NOMEM;
		}
		o->reimbursed = r.total_troops + r.total_equipment;
		sf_reimbursement_release(&r);
	}
	return SF_OK;
}

void sf_outcome_release(sf_outcome *o)
{
	if (!o)
		return;
	free(o->task_shortfall);
	o->task_shortfall = NULL;
}
