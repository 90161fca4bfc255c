/*
 * plan_output.c - a plan as JSON, CSV, a text summary and markdown
 * (docs/output.md).
 *
 * JSON and CSV are the machine formats and follow docs/output.md field by
 * field. Reals are written with 15 significant digits (JSON_REAL_PRECISION)
 * so that 2.8 reads 2.8, not 2.7999999999999998; values that are whole
 * numbers are written as JSON integers (personnel 1700, not 1700.0).
 *
 * The text summary is for a planner at a terminal and the markdown variant
 * for a report; both are built from the same sections (build_sections),
 * each a heading and an sf_table, so they cannot drift apart:
 *   plan header and stage results;
 *   inputs from the register (feedback.c), when the scenario took any;
 *   force build-up: months as rows, contributors (those with any
 *     in-sector personnel) as columns, then total, ceiling, mission;
 *   shortfall by task and location: capability-unit-months summed over
 *     the plan, and the months with any shortfall, as ranges;
 *   cost (units, deployments, soft-veto penalties, total);
 *   binding constraints (ceiling months, share cap and national cap by
 *     contributor, with months as ranges).
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

/* "YYYY-MM" of month m (1-based) of the plan. */
static const char *label(const sf_scenario *sc, int m, char *buf, size_t n)
{
	int k = (sc->start_month - 1) + (m - 1);
	int y = sc->start_year + (k >= 0 ? k / 12 : -((-k + 11) / 12));
	int mo = ((k % 12) + 12) % 12 + 1;

	sf_snprintf(buf, n, "%04d-%02d", y, mo);
	return buf;
}

static const char *loc_id(const sf_scenario *sc, size_t l)
{
	return l < sc->nsectors ? sc->sectors[l].id : "mission";
}

static const char *solver_name(sf_solver_kind k)
{
	return k == SF_SOLVER_GLPK ? "glpk" : "cbc";
}

/* ------------------------------------------------------------------ */
/* Inputs from the registers (sf_scenario_apply_register, feedback.c)   */

/*
 * The section "Inputs from the register (STORE)" with one row per input,
 * text or markdown (md = 1); nothing when the scenario took none.
 */
static sf_status register_inputs_text(const sf_scenario *sc, sf_buf *out, int md)
{
	sf_table *t = NULL;
	size_t i;
	int bad = 0, stated = 0;

	if (sc->nregister_inputs == 0)
		return SF_OK;
	static const sf_column_spec cols[] = {
	        {"input", SF_ALIGN_LEFT},
	        {"for", SF_ALIGN_LEFT},
	        {"value", SF_ALIGN_RIGHT},
	        {"window", SF_ALIGN_LEFT},
	        {"from the register", SF_ALIGN_LEFT},
	};
	t = sf_table_new();
	if (!t)
		return SF_ERR_NOMEM;
	bad |= sf_table_add_columns(t, cols, SF_ARRAY_LEN(cols)) != SF_OK;
	for (i = 0; i < sc->nregister_inputs && !bad; i++) {
		const sf_register_input *in = &sc->register_inputs[i];
		char window[40], basis[200];
		if (in->window_from[0])
			sf_snprintf(window, sizeof(window), "%s..%s", in->window_from,
			            in->window_to);
		else
			sf_snprintf(window, sizeof(window), "-");
		stated |= in->stated;
		if (in->kind == SF_INPUT_CONDITION && in->stated)
			sf_snprintf(basis, sizeof(basis),
			            in->window_to[0]
			                    ? "no store given: the scenario's stated values "
			                      "decide (the latest, of %s, shown)"
			                    : "no store given and no stated value%s",
			            in->window_to);
		else if (in->kind == SF_INPUT_CONDITION)
			sf_snprintf(basis, sizeof(basis),
			            "%ld incidents in %s (the condition asks %s %g)", in->incidents,
			            sc->sectors[sc->conditions[in->index].reg_sector].id,
			            sc->conditions[in->index].below ? "below" : "above",
			            sc->conditions[in->index].threshold);
		else if (in->defaulted)
			sf_snprintf(basis, sizeof(basis), "no data: the scenario's default");
		else if (in->kind == SF_INPUT_THREAT)
			sf_snprintf(basis, sizeof(basis),
			            "%ld incidents, %.2f per 100k people (all sectors %.2f)",
			            in->incidents, in->rate_per_100k, in->all_sector_rate);
		else
			sf_snprintf(basis, sizeof(basis),
			            "%.1f trucks/day over %ld days (%s) / %g per escort",
			            in->trucks_per_day, in->days_with_data,
			            in->source[0] ? in->source : "-", in->trucks_per_escort);
		bad |= sf_table_begin_row(t) != SF_OK;
		bad |= sf_table_add_cell(t, in->kind == SF_INPUT_THREAT ? "threat"
		                            : in->kind == SF_INPUT_CONDITION
		                                    ? "condition"
		                                    : "requirement") != SF_OK;
		bad |= sf_table_add_cell(t, in->kind == SF_INPUT_THREAT ? sc->sectors[in->index].id
		                            : in->kind == SF_INPUT_CONDITION
		                                    ? sc->conditions[in->index].id
		                                    : sc->tasks[in->index].id) != SF_OK;
		bad |= (isnan(in->value) ? sf_table_add_cell(t, "-")
		                         : sf_table_add_cellf(t, "%.3f", in->value)) != SF_OK;
		bad |= sf_table_add_cell(t, window) != SF_OK;
		bad |= sf_table_add_cell(t, basis) != SF_OK;
	}
	if (!bad)
		bad |= sf_buf_addf(out, "\n%sInputs from the register (%s)\n\n", md ? "### " : "",
		                   stated && !sc->reg.db ? "no store given"
		                   : sc->reg.db          ? sc->reg.db
		                                         : SF_STORE_DEFAULT) != SF_OK;
	if (!bad)
		bad |= (md ? sf_table_write_markdown(t, out) : sf_table_write_text(t, out)) !=
		       SF_OK;
	sf_table_free(t);
	return bad ? SF_ERR_NOMEM : SF_OK;
}

/* The `register_inputs` array under key ([] when none). */
static void register_inputs_json(sf_json_writer *w, const char *key, const sf_scenario *sc)
{
	sf_json_array(w, key);
	for (size_t i = 0; i < sc->nregister_inputs; i++) {
		const sf_register_input *in = &sc->register_inputs[i];
		sf_json_object(w, NULL);
		if (in->kind == SF_INPUT_CONDITION) {
			const sf_condition *c = &sc->conditions[in->index];
			sf_json_str(w, "kind", "condition");
			sf_json_str(w, "condition", c->id);
			sf_json_str(w, "sector", sc->sectors[c->reg_sector].id);
			sf_json_bool(w, "stated", in->stated);
			if (isnan(in->value))
				sf_json_null(w, "value");
			else
				sf_json_num(w, "value", in->value);
			sf_json_str(w, "window_from", in->window_from[0] ? in->window_from : NULL);
			sf_json_str(w, "date", in->window_to[0] ? in->window_to : NULL);
			sf_json_int(w, "window_days", in->window_days);
			if (in->stated)
				sf_json_null(w, "incidents");
			else
				sf_json_int(w, "incidents", in->incidents);
			sf_json_end(w);
			continue;
		}
		if (in->kind == SF_INPUT_THREAT) {
			sf_json_str(w, "kind", "threat");
			sf_json_str(w, "sector", sc->sectors[in->index].id);
		} else {
			sf_json_str(w, "kind", "aid_escorts");
			sf_json_str(w, "task", sc->tasks[in->index].id);
		}
		sf_json_num(w, "value", in->value);
		sf_json_bool(w, "defaulted", in->defaulted);
		sf_json_str(w, "window_from", in->window_from[0] ? in->window_from : NULL);
		sf_json_str(w, "window_to", in->window_to[0] ? in->window_to : NULL);
		sf_json_int(w, "window_days", in->window_days);
		if (in->kind == SF_INPUT_THREAT) {
			sf_json_int(w, "incidents", in->incidents);
			sf_json_num(w, "population", in->population);
			sf_json_num(w, "rate_per_100k", in->rate_per_100k);
			sf_json_num(w, "all_sector_rate", in->all_sector_rate);
		} else {
			sf_json_str(w, "source", in->source);
			sf_json_num(w, "trucks_per_day", in->trucks_per_day);
			sf_json_int(w, "days_with_data", in->days_with_data);
			sf_json_num(w, "trucks_per_escort", in->trucks_per_escort);
		}
		sf_json_end(w);
	}
	sf_json_end(w);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

static void stage_json(sf_json_writer *w, const char *key, const sf_stage_result *r)
{
	int has = r->status == SF_SOLVE_OPTIMAL || r->status == SF_SOLVE_FEASIBLE;
	sf_json_object(w, key);
	sf_json_str(w, "status", sf_solve_status_str(r->status));
	sf_json_num(w, "objective", has ? r->objective : NAN);
	sf_json_num(w, "bound", has ? r->bound : NAN);
	sf_json_num(w, "gap", has ? r->gap : NAN);
	sf_json_bool(w, "proven", sf_stage_proven(r->status, r->gap));
	sf_json_num(w, "seconds", round(r->seconds * 1000) / 1000);
	sf_json_end(w);
}

/* [{"contributor": id, "months": [..]}] for flags[c * M + m-1], under key. */
static void by_contributor(sf_json_writer *w, const char *key, const sf_scenario *sc,
                           const unsigned char *flags)
{
	sf_json_array(w, key);
	for (size_t c = 0; c < sc->ncontributors; c++) {
		int any = 0;
		for (int m = 1; m <= sc->months; m++) {
			if (!flags[c * (size_t)sc->months + (size_t)(m - 1)])
				continue;
			if (!any) {
				sf_json_object(w, NULL);
				sf_json_str(w, "contributor", sc->contributors[c].id);
				sf_json_array(w, "months");
				any = 1;
			}
			sf_json_int(w, NULL, m);
		}
		if (any) {
			sf_json_end(w);
			sf_json_end(w);
		}
	}
	sf_json_end(w);
}

/*
 * Format 2 (docs/output.md): the first planned month, the unit-months
 * changed from a baseline, and per pledge and month the presence, idle
 * units, arrivals, departures, reliefs, moves and changes of task (rows
 * where something is present, arrives or leaves; `recorded` before a0),
 * and reception use against capacity. A format-1 plan has none of these.
 */
static void json_format2(sf_json_writer *w, const sf_plan *p)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months;
	char lb[16];

	sf_json_int(w, "format", 2);
	sf_json_int(w, "a0", p->a0);
	sf_json_str(w, "a0_label", label(sc, p->a0, lb, sizeof(lb)));
	sf_json_int(w, "changed_units", p->changed_units);
	sf_json_str(w, "moves_status", sf_solve_status_str(p->moves_status));
	sf_json_array(w, "presence");
	for (int m = 1; m <= sc->months; m++)
		for (size_t pi = 0; pi < sc->npledges; pi++) {
			const sf_pledge *pl = &sc->pledges[pi];
			size_t k = pi * M + (size_t)(m - 1);
			if (!p->presence[k] && !p->arrivals[k] && !p->departures[k])
				continue;
			sf_json_object(w, NULL);
			sf_json_int(w, "month", m);
			sf_json_str(w, "label", label(sc, m, lb, sizeof(lb)));
			sf_json_bool(w, "recorded", m < p->a0);
			sf_json_str(w, "pledge", pl->id);
			sf_json_str(w, "contributor", sc->contributors[pl->contributor].id);
			sf_json_str(w, "unit", sc->unit_types[pl->unit].id);
			sf_json_int(w, "present", p->presence[k]);
			sf_json_int(w, "idle", p->presence[k] - p->assigned[k]);
			sf_json_int(w, "arrivals", p->arrivals[k]);
			sf_json_int(w, "departures", p->departures[k]);
			sf_json_int(w, "reliefs", p->reliefs[k]);
			sf_json_int(w, "moves", p->moves[k]);
			sf_json_int(w, "retasks", p->retasks[k]);
			sf_json_end(w);
		}
	sf_json_end(w);
	sf_json_array(w, "reception");
	for (int m = 1; m <= sc->months; m++) {
		sf_json_object(w, NULL);
		sf_json_int(w, "month", m);
		sf_json_str(w, "label", label(sc, m, lb, sizeof(lb)));
		sf_json_bool(w, "recorded", m < p->a0);
		sf_json_num(w, "arriving", p->reception_used[m - 1]);
		sf_json_num(w, "capacity", p->reception_cap[m - 1]); /* not finite: null */
		sf_json_end(w);
	}
	sf_json_end(w);
}

static const char *loc_or_mission(const sf_scenario *sc, size_t l)
{
	return l == SF_MISSION(sc) ? "mission" : sc->sectors[l].id;
}

static void json_assignments(sf_json_writer *w, const sf_plan *p)
{
	const sf_scenario *sc = p->scenario;
	char lb[16];
	sf_json_array(w, "assignments");
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_assignment *r = &p->rows[i];
		const sf_pledge *pl = &sc->pledges[r->pledge];
		sf_json_object(w, NULL);
		sf_json_int(w, "month", r->month);
		sf_json_str(w, "label", label(sc, r->month, lb, sizeof(lb)));
		sf_json_str(w, "pledge", pl->id);
		sf_json_str(w, "contributor", sc->contributors[pl->contributor].id);
		sf_json_str(w, "unit", sc->unit_types[pl->unit].id);
		sf_json_str(w, "location", loc_or_mission(sc, r->location));
		sf_json_str(w, "task", sc->tasks[r->task].id);
		sf_json_int(w, "units", r->units);
		sf_json_end(w);
	}
	sf_json_end(w);
}

static void json_coverage(sf_json_writer *w, const sf_plan *p)
{
	const sf_scenario *sc = p->scenario;
	char lb[16];
	sf_json_array(w, "coverage");
	for (int m = 1; m <= sc->months; m++)
		for (size_t t = 0; t < sc->ntasks; t++)
			for (size_t l = 0; l < SF_NLOC(sc); l++) {
				int mission_task = sc->tasks[t].scope == SF_SCOPE_MISSION;
				if (mission_task != (l == SF_MISSION(sc)))
					continue;
				size_t k = SF_COV(sc, t, l, m);
				sf_json_object(w, NULL);
				sf_json_int(w, "month", m);
				sf_json_str(w, "label", label(sc, m, lb, sizeof(lb)));
				sf_json_str(w, "task", sc->tasks[t].id);
				sf_json_str(w, "location", loc_or_mission(sc, l));
				sf_json_num(w, "required", p->required[k]);
				sf_json_num(w, "provided", p->provided[k]);
				sf_json_num(w, "shortfall", p->shortfall[k]);
				sf_json_end(w);
			}
	sf_json_end(w);
}

/*
 * The most units of each pledge the plan uses in any one month, into
 * max_used[npledges] (calloc'd by the caller). A pledge is idle where this
 * is below its count: units offered that no month needs (issue 14; "Idle
 * pledges" in docs/output.md).
 */
static void pledge_max_used(const sf_plan *p, int *max_used)
{
	const sf_scenario *sc = p->scenario;
	size_t i = 0;
	while (i < p->nrows) {
		size_t pl = p->rows[i].pledge;
		int m = p->rows[i].month, units = 0;
		for (; i < p->nrows && p->rows[i].pledge == pl && p->rows[i].month == m; i++)
			units += p->rows[i].units;
		if (pl < sc->npledges && units > max_used[pl])
			max_used[pl] = units;
	}
}

/* The plan's `reimbursement` (docs/output.md). */
static void json_reimbursement(sf_json_writer *w, const sf_plan *p)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months;
	sf_reimbursement r;
	sf_error e;
	if (sf_plan_reimbursement(p, &r, &e) != SF_OK) {
		sf_json_null(w, "reimbursement");
		return;
	}
	sf_json_object(w, "reimbursement");
	sf_json_num(w, "troop_rate", sc->troop_rate);
	sf_json_str(w, "troop_rate_source", sc->troop_rate_source);
	sf_json_bool(w, "troop_rate_given", sc->troop_rate_given);
	sf_json_num(w, "total", r.total_troops + r.total_equipment);
	sf_json_num(w, "troops", r.total_troops);
	sf_json_num(w, "equipment", r.total_equipment);
	sf_json_array(w, "equipment_rates");
	for (size_t u = 0; u < sc->nunit_types; u++) {
		const sf_unit_type *ut = &sc->unit_types[u];
		if (ut->coe_lease == SF_LEASE_NONE)
			continue;
		sf_json_object(w, NULL);
		sf_json_str(w, "unit", ut->id);
		sf_json_str(w, "lease", sf_lease_str(ut->coe_lease));
		sf_json_num(w, "monthly", ut->coe_monthly);
		sf_json_str(w, "source", ut->coe_source);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_array(w, "contributors");
	for (size_t c = 0; c < sc->ncontributors; c++) {
		sf_json_object(w, NULL);
		sf_json_str(w, "contributor", sc->contributors[c].id);
		sf_json_num(w, "total", sf_reimbursement_total(&r, c));
		sf_json_array(w, "months");
		for (size_t mi = 0; mi < M; mi++) {
			size_t k = c * M + mi;
			sf_json_object(w, NULL);
			sf_json_int(w, "month", (long long)mi + 1);
			sf_json_num(w, "persons", r.persons[k]);
			sf_json_num(w, "troops", r.troops[k]);
			sf_json_num(w, "equipment", r.equipment[k]);
			sf_json_end(w);
		}
		sf_json_end(w);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_end(w);
	sf_reimbursement_release(&r);
}

/* The plan's `parity` (docs/output.md); null for a share or target not known. */
static void json_parity(sf_json_writer *w, const sf_plan *p)
{
	sf_parity q;
	sf_error e;
	if (sf_plan_parity(p, &q, &e) != SF_OK) {
		sf_json_null(w, "parity");
		return;
	}
	sf_json_object(w, "parity");
	sf_json_str(w, "targets_source", sf_parity_targets_source);
	sf_json_array(w, "years");
	for (size_t i = 0; i < q.nyears; i++) {
		const sf_parity_year *y = &q.years[i];
		sf_json_object(w, NULL);
		sf_json_int(w, "year", y->year);
		sf_json_int(w, "months", y->months);
		sf_json_array(w, "categories");
		for (int c = 0; c < SF_NCATEGORIES; c++) {
			sf_json_object(w, NULL);
			sf_json_str(w, "category", sf_category_str((sf_category)c));
			sf_json_num(w, "person_months", y->persons[c]);
			sf_json_num(w, "known_person_months", y->known[c]);
			sf_json_num(w, "women_person_months", y->women[c]);
			if (y->known[c] > 0)
				sf_json_num(w, "share", y->women[c] / y->known[c]);
			else
				sf_json_null(w, "share");
			if (isnan(y->target[c]))
				sf_json_null(w, "target");
			else
				sf_json_num(w, "target", y->target[c]);
			sf_json_end(w);
		}
		sf_json_end(w);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_end(w);
	sf_parity_release(&q);
}

static void json_idle_pledges(sf_json_writer *w, const sf_plan *p)
{
	const sf_scenario *sc = p->scenario;
	int *max_used = calloc(sc->npledges ? sc->npledges : 1, sizeof *max_used);
	sf_json_array(w, "idle_pledges");
	if (max_used) {
		pledge_max_used(p, max_used);
		for (size_t i = 0; i < sc->npledges; i++) {
			const sf_pledge *pl = &sc->pledges[i];
			if (!pl->active || max_used[i] >= pl->count)
				continue;
			sf_json_object(w, NULL);
			sf_json_str(w, "pledge", pl->id);
			sf_json_str(w, "contributor", sc->contributors[pl->contributor].id);
			sf_json_str(w, "unit", sc->unit_types[pl->unit].id);
			sf_json_int(w, "offered", pl->count);
			sf_json_int(w, "max_used", max_used[i]);
			sf_json_int(w, "unused", pl->count - max_used[i]);
			sf_json_int(w, "unused_personnel",
			            (long long)(pl->count - max_used[i]) *
			                    sc->unit_types[pl->unit].personnel);
			sf_json_end(w);
		}
	}
	sf_json_end(w);
	free(max_used);
}

static void json_personnel(sf_json_writer *w, const sf_plan *p, const double *mission_by_c)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months;
	char lb[16];
	sf_json_array(w, "personnel");
	for (int m = 1; m <= sc->months; m++)
		for (size_t c = 0; c < sc->ncontributors; c++) {
			size_t k = c * M + (size_t)(m - 1);
			if (p->personnel_by_contributor[k] <= 0 && mission_by_c[k] <= 0)
				continue;
			sf_json_object(w, NULL);
			sf_json_int(w, "month", m);
			sf_json_str(w, "label", label(sc, m, lb, sizeof(lb)));
			sf_json_str(w, "contributor", sc->contributors[c].id);
			sf_json_num(w, "in_sectors", p->personnel_by_contributor[k]);
			sf_json_num(w, "at_mission", mission_by_c[k]);
			sf_json_end(w);
		}
	sf_json_end(w);
	sf_json_array(w, "personnel_total");
	for (int m = 1; m <= sc->months; m++) {
		sf_json_object(w, NULL);
		sf_json_int(w, "month", m);
		sf_json_str(w, "label", label(sc, m, lb, sizeof(lb)));
		sf_json_num(w, "in_sectors", p->personnel_in_sectors[m - 1]);
		sf_json_num(w, "at_mission", p->personnel_at_mission[m - 1]);
		sf_json_num(w, "ceiling", sc->troop_ceiling);
		sf_json_end(w);
	}
	sf_json_end(w);
}

void sf__plan_json(sf_json_writer *w, const char *key, const sf_plan *p)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months;
	char lb[16];
	double *mission_by_c = calloc(sc->ncontributors * M + 1, sizeof(double));

	if (mission_by_c == NULL) {
		sf_json_writer_fail(w, SF_ERR_NOMEM);
		return;
	}
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_assignment *r = &p->rows[i];
		if (r->location == SF_MISSION(sc)) {
			const sf_pledge *pl = &sc->pledges[r->pledge];
			mission_by_c[pl->contributor * M + (size_t)(r->month - 1)] +=
			        (double)sc->unit_types[pl->unit].personnel * r->units;
		}
	}
	sf_json_object(w, key);
	sf_json_str(w, "stabforce_version", STABFORCE_VERSION);
	sf_json_object(w, "scenario");
	sf_json_str(w, "name", sc->name);
	sf_json_str(w, "path", sc->path);
	sf_json_str(w, "as_of", sc->as_of);
	sf_json_str(w, "start", label(sc, 1, lb, sizeof(lb)));
	sf_json_int(w, "months", sc->months);
	sf_json_end(w);
	sf_json_str(w, "solver", solver_name(p->solver));
	sf_json_str(w, "solver_version", sf_solver_version(p->solver));
	stage_json(w, "stage1", &p->stage1);
	stage_json(w, "stage2", &p->stage2);
	sf_json_num(w, "seconds", round(p->seconds * 1000) / 1000);
	sf_json_array(w, "months");
	for (int m = 1; m <= sc->months; m++)
		sf_json_str(w, NULL, label(sc, m, lb, sizeof(lb)));
	sf_json_end(w);
	if (p->foc_month)
		sf_json_int(w, "foc_month", p->foc_month);
	else
		sf_json_null(w, "foc_month");
	sf_json_str(w, "foc_label", p->foc_month ? label(sc, p->foc_month, lb, sizeof(lb)) : NULL);
	sf_json_num(w, "z1", p->z1);
	sf_json_object(w, "cost");
	sf_json_num(w, "units", p->cost_units);
	sf_json_num(w, "deploy", p->cost_deploy);
	sf_json_num(w, "soft_veto", p->cost_soft);
	if (sc->format >= 2) {
		sf_json_num(w, "moves", p->cost_moves);
		sf_json_num(w, "changes", p->cost_changes);
	}
	sf_json_num(w, "total", p->cost_total);
	sf_json_end(w);
	json_assignments(w, p);
	json_coverage(w, p);
	json_personnel(w, p, mission_by_c);
	json_idle_pledges(w, p);
	json_reimbursement(w, p);
	json_parity(w, p);
	sf_json_object(w, "binding");
	sf_json_array(w, "ceiling_months");
	for (int m = 1; m <= sc->months; m++)
		if (p->ceiling_binds[m - 1])
			sf_json_int(w, NULL, m);
	sf_json_end(w);
	by_contributor(w, "share_cap", sc, p->share_binds);
	by_contributor(w, "national_cap", sc, p->cap_binds);
	sf_json_end(w);
	/* the inputs taken from the registers (feedback.c), [] when none */
	register_inputs_json(w, "register_inputs", sc);
	if (sc->format >= 2)
		json_format2(w, p);
	sf_json_end(w);
	free(mission_by_c);
}

sf_status sf_plan_write_json(const sf_plan *p, sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf__plan_json(&w, NULL, p);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */

sf_status sf_plan_write_csv(const sf_plan *p, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	char lb[16];
	/* Each row says which solves it rests on (docs/output.md): stage statuses and gaps. */
	static const char *cols[] = {"month",  "label",      "pledge", "contributor",
	                             "unit",   "location",   "task",   "units",
	                             "stage1", "stage1_gap", "stage2", "stage2_gap"};
	char g1[32], g2[32];

	if (t == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
	for (size_t i = 0; i < SF_ARRAY_LEN(cols); i++)
		if (sf_table_add_column(t, cols[i], SF_ALIGN_LEFT) != SF_OK)
			goto nomem;
	sf_snprintf(g1, sizeof g1, "%.6g", p->stage1.gap);
	sf_snprintf(g2, sizeof g2, "%.6g", p->stage2.gap);
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_assignment *r = &p->rows[i];
		const sf_pledge *pl = &sc->pledges[r->pledge];
		if (sf_table_begin_row(t) != SF_OK || sf_table_add_cellf(t, "%d", r->month) ||
		    sf_table_add_cell(t, label(sc, r->month, lb, sizeof(lb))) ||
		    sf_table_add_cell(t, pl->id) ||
		    sf_table_add_cell(t, sc->contributors[pl->contributor].id) ||
		    sf_table_add_cell(t, sc->unit_types[pl->unit].id) ||
		    sf_table_add_cell(t, loc_id(sc, r->location)) ||
		    sf_table_add_cell(t, sc->tasks[r->task].id) ||
		    sf_table_add_cellf(t, "%d", r->units) ||
		    sf_table_add_cell(t, sf_solve_status_str(p->stage1.status)) ||
		    sf_table_add_cell(t, g1) ||
		    sf_table_add_cell(t, sf_solve_status_str(p->stage2.status)) ||
		    sf_table_add_cell(t, g2))
			goto nomem;
	}
	if (sf_table_write_csv(t, out) != SF_OK)
		goto nomem;
	sf_table_free(t);
	return rc;
nomem:
	sf_table_free(t);
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
}

int sf_plan_table_parse(const char *name, sf_plan_table *out)
{
	static const char *const names[] = {"assignments",   "presence", "reception",
	                                    "reimbursement", "parity",   "idle"};
	for (size_t i = 0; i < SF_ARRAY_LEN(names); i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (sf_plan_table)i;
			return 0;
		}
	return -1;
}

/*
 * Format 2's machine tables, the JSON's `presence` and `reception` as CSV
 * (docs/output.md): the same rows (presence: a pledge and month where
 * something is present, arrives or leaves), the same numbers; an
 * unlimited reception capacity is an empty field.
 */
/* The four status columns every plan CSV row ends with (see sf_plan_write_csv). */
static const char *const STATUS_COLS[] = {"stage1", "stage1_gap", "stage2", "stage2_gap"};

static sf_status status_columns(sf_table *t)
{
	for (size_t i = 0; i < SF_ARRAY_LEN(STATUS_COLS); i++)
		if (sf_table_add_column(t, STATUS_COLS[i], SF_ALIGN_LEFT) != SF_OK)
			return SF_ERR_NOMEM;
	return SF_OK;
}

static sf_status status_cells(const sf_plan *p, sf_table *t)
{
	if (sf_table_add_cell(t, sf_solve_status_str(p->stage1.status)) ||
	    sf_table_add_cellf(t, "%.6g", p->stage1.gap) ||
	    sf_table_add_cell(t, sf_solve_status_str(p->stage2.status)) ||
	    sf_table_add_cellf(t, "%.6g", p->stage2.gap))
		return SF_ERR_NOMEM;
	return SF_OK;
}

static sf_status csv_presence(const sf_plan *p, sf_table *t)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months;
	char lb[16];
	static const char *const cols[] = {
	        "month", "label",    "recorded",   "pledge",  "contributor", "unit",   "present",
	        "idle",  "arrivals", "departures", "reliefs", "moves",       "retasks"};
	for (size_t i = 0; i < SF_ARRAY_LEN(cols); i++)
		if (sf_table_add_column(t, cols[i], SF_ALIGN_LEFT) != SF_OK)
			return SF_ERR_NOMEM;
	if (status_columns(t) != SF_OK)
		return SF_ERR_NOMEM;
	for (int m = 1; m <= sc->months; m++)
		for (size_t pi = 0; pi < sc->npledges; pi++) {
			const sf_pledge *pl = &sc->pledges[pi];
			size_t k = pi * M + (size_t)(m - 1);
			if (!p->presence[k] && !p->arrivals[k] && !p->departures[k])
				continue;
			if (sf_table_begin_row(t) || sf_table_add_cellf(t, "%d", m) ||
			    sf_table_add_cell(t, label(sc, m, lb, sizeof(lb))) ||
			    sf_table_add_cell(t, m < p->a0 ? "true" : "false") ||
			    sf_table_add_cell(t, pl->id) ||
			    sf_table_add_cell(t, sc->contributors[pl->contributor].id) ||
			    sf_table_add_cell(t, sc->unit_types[pl->unit].id) ||
			    sf_table_add_cellf(t, "%d", p->presence[k]) ||
			    sf_table_add_cellf(t, "%d", p->presence[k] - p->assigned[k]) ||
			    sf_table_add_cellf(t, "%d", p->arrivals[k]) ||
			    sf_table_add_cellf(t, "%d", p->departures[k]) ||
			    sf_table_add_cellf(t, "%d", p->reliefs[k]) ||
			    sf_table_add_cellf(t, "%d", p->moves[k]) ||
			    sf_table_add_cellf(t, "%d", p->retasks[k]) || status_cells(p, t))
				return SF_ERR_NOMEM;
		}
	return SF_OK;
}

static sf_status csv_reception(const sf_plan *p, sf_table *t)
{
	const sf_scenario *sc = p->scenario;
	char lb[16];
	static const char *const cols[] = {"month", "label", "recorded", "arriving", "capacity"};
	for (size_t i = 0; i < SF_ARRAY_LEN(cols); i++)
		if (sf_table_add_column(t, cols[i], SF_ALIGN_LEFT) != SF_OK)
			return SF_ERR_NOMEM;
	if (status_columns(t) != SF_OK)
		return SF_ERR_NOMEM;
	for (int m = 1; m <= sc->months; m++) {
		double cap = p->reception_cap[m - 1];
		if (sf_table_begin_row(t) || sf_table_add_cellf(t, "%d", m) ||
		    sf_table_add_cell(t, label(sc, m, lb, sizeof(lb))) ||
		    sf_table_add_cell(t, m < p->a0 ? "true" : "false") ||
		    sf_table_add_cellf(t, "%.15g", p->reception_used[m - 1]) ||
		    (isfinite(cap) ? sf_table_add_cellf(t, "%.15g", cap)
		                   : sf_table_add_cell(t, "")) ||
		    status_cells(p, t))
			return SF_ERR_NOMEM;
	}
	return SF_OK;
}

/* `--table reimbursement`: per contributor and month present. */
static sf_status csv_reimbursement(const sf_plan *p, sf_table *t)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months;
	static const char *const cols[] = {"month",  "label",     "contributor", "persons",
	                                   "troops", "equipment", "total"};
	char lb[16];
	sf_reimbursement r;
	sf_error e;
	sf_status rc = sf_plan_reimbursement(p, &r, &e);
	if (rc != SF_OK)
		return rc;
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(cols); i++)
		rc = sf_table_add_column(t, cols[i], SF_ALIGN_LEFT);
	if (rc == SF_OK)
		rc = status_columns(t);
	for (size_t mi = 0; rc == SF_OK && mi < M; mi++)
		for (size_t c = 0; rc == SF_OK && c < sc->ncontributors; c++) {
			size_t k = c * M + mi;
			if (!(r.persons[k] > 0))
				continue;
			if (sf_table_begin_row(t) || sf_table_add_cellf(t, "%zu", mi + 1) ||
			    sf_table_add_cell(t, label(sc, (int)mi + 1, lb, sizeof(lb))) ||
			    sf_table_add_cell(t, sc->contributors[c].id) ||
			    sf_table_add_cellf(t, "%.15g", r.persons[k]) ||
			    sf_table_add_cellf(t, "%.15g", r.troops[k]) ||
			    sf_table_add_cellf(t, "%.15g", r.equipment[k]) ||
			    sf_table_add_cellf(t, "%.15g", r.troops[k] + r.equipment[k]) ||
			    status_cells(p, t))
				rc = SF_ERR_NOMEM;
		}
	sf_reimbursement_release(&r);
	return rc;
}

/* `--table parity`: per year and category present; empty share or target: unknown. */
static sf_status csv_parity(const sf_plan *p, sf_table *t)
{
	static const char *const cols[] = {"year",
	                                   "category",
	                                   "months",
	                                   "person_months",
	                                   "known_person_months",
	                                   "women_person_months",
	                                   "share",
	                                   "target"};
	sf_parity q;
	sf_error e;
	sf_status rc = sf_plan_parity(p, &q, &e);
	if (rc != SF_OK)
		return rc;
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(cols); i++)
		rc = sf_table_add_column(t, cols[i], SF_ALIGN_LEFT);
	if (rc == SF_OK)
		rc = status_columns(t);
	for (size_t i = 0; rc == SF_OK && i < q.nyears; i++) {
		const sf_parity_year *y = &q.years[i];
		for (int c = 0; rc == SF_OK && c < SF_NCATEGORIES; c++) {
			if (!(y->persons[c] > 0))
				continue;
			if (sf_table_begin_row(t) || sf_table_add_cellf(t, "%d", y->year) ||
			    sf_table_add_cell(t, sf_category_str((sf_category)c)) ||
			    sf_table_add_cellf(t, "%d", y->months) ||
			    sf_table_add_cellf(t, "%.15g", y->persons[c]) ||
			    sf_table_add_cellf(t, "%.15g", y->known[c]) ||
			    sf_table_add_cellf(t, "%.15g", y->women[c]) ||
			    (y->known[c] > 0
			             ? sf_table_add_cellf(t, "%.6g", y->women[c] / y->known[c])
			             : sf_table_add_cell(t, "")) ||
			    (isnan(y->target[c]) ? sf_table_add_cell(t, "")
			                         : sf_table_add_cellf(t, "%.6g", y->target[c])) ||
			    status_cells(p, t))
				rc = SF_ERR_NOMEM;
		}
	}
	sf_parity_release(&q);
	return rc;
}

/* `--table idle`: the idle pledges of the text's "Idle pledges". */
static sf_status csv_idle(const sf_plan *p, sf_table *t)
{
	const sf_scenario *sc = p->scenario;
	static const char *const cols[] = {"pledge",          "contributor", "unit",
	                                   "offered",         "max_used",    "unused",
	                                   "unused_personnel"};
	int *max_used = calloc(sc->npledges ? sc->npledges : 1, sizeof *max_used);
	sf_status rc = max_used ? SF_OK : SF_ERR_NOMEM;
	for (size_t i = 0; rc == SF_OK && i < SF_ARRAY_LEN(cols); i++)
		rc = sf_table_add_column(t, cols[i], SF_ALIGN_LEFT);
	if (rc == SF_OK)
		rc = status_columns(t);
	if (rc == SF_OK)
		pledge_max_used(p, max_used);
	for (size_t i = 0; rc == SF_OK && i < sc->npledges; i++) {
		const sf_pledge *pl = &sc->pledges[i];
		if (!pl->active || max_used[i] >= pl->count)
			continue;
		if (sf_table_begin_row(t) || sf_table_add_cell(t, pl->id) ||
		    sf_table_add_cell(t, sc->contributors[pl->contributor].id) ||
		    sf_table_add_cell(t, sc->unit_types[pl->unit].id) ||
		    sf_table_add_cellf(t, "%d", pl->count) ||
		    sf_table_add_cellf(t, "%d", max_used[i]) ||
		    sf_table_add_cellf(t, "%d", pl->count - max_used[i]) ||
		    sf_table_add_cellf(t, "%lld",
		                       (long long)(pl->count - max_used[i]) *
		                               sc->unit_types[pl->unit].personnel) ||
		    status_cells(p, t))
			rc = SF_ERR_NOMEM;
	}
	free(max_used);
	return rc;
}

sf_status sf_plan_write_csv_table(const sf_plan *p, sf_plan_table table, sf_buf *out, sf_error *err)
{
	sf_table *t;
	sf_status rc;
	if (table == SF_PLAN_TABLE_ASSIGNMENTS)
		return sf_plan_write_csv(p, out, err);
	if (table >= SF_PLAN_TABLE_REIMBURSEMENT) {
		t = sf_table_new();
		rc = !t                                     ? SF_ERR_NOMEM
		     : table == SF_PLAN_TABLE_REIMBURSEMENT ? csv_reimbursement(p, t)
		     : table == SF_PLAN_TABLE_PARITY        ? csv_parity(p, t)
		                                            : csv_idle(p, t);
		if (rc == SF_OK)
			rc = sf_table_write_csv(t, out);
		sf_table_free(t);
		return rc == SF_OK ? SF_OK
		                   : sf_error_set(err, rc, "out of memory writing the plan");
	}
	if (p->scenario->format < 2 || p->presence == NULL)
		return sf_error_set(
		        err, SF_ERR_USAGE,
		        "the %s table is format 2's (presence, arrivals and reception); "
		        "this scenario is format 1 (stabforce upgrade writes format 2)",
		        table == SF_PLAN_TABLE_PRESENCE ? "presence" : "reception");
	t = sf_table_new();
	if (t == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
	rc = table == SF_PLAN_TABLE_PRESENCE ? csv_presence(p, t) : csv_reception(p, t);
	if (rc == SF_OK)
		rc = sf_table_write_csv(t, out);
	sf_table_free(t);
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory writing the plan");
}

/* ------------------------------------------------------------------ */
/* Text and markdown                                                   */

/* A quantity of capability units: up to 3 decimals, trailing zeros dropped. */
static const char *qty(double v, char *buf, size_t n)
{
	if (fabs(v) < 5e-4)
		v = 0;
	sf_snprintf(buf, n, "%.3f", v);
	char *dot = strchr(buf, '.');
	if (dot != NULL) {
		char *e = buf + strlen(buf) - 1;
		while (e > dot && *e == '0')
			*e-- = '\0';
		if (e == dot)
			*e = '\0';
	}
	return buf;
}

/* Months flagged in flags[0..M-1] as "2026-03..2026-05, 2026-09" into b. */
static sf_status month_ranges(const sf_scenario *sc, const unsigned char *flags, sf_buf *b)
{
	char l1[16], l2[16];
	int first = 1;

	for (int m = 1; m <= sc->months; m++) {
		if (!flags[m - 1])
			continue;
		int e = m;
		while (e + 1 <= sc->months && flags[e])
			e++;
		if (sf_buf_adds(b, first ? "" : ", ") != SF_OK)
			return SF_ERR_NOMEM;
		first = 0;
		if (e == m) {
			if (sf_buf_adds(b, label(sc, m, l1, sizeof(l1))) != SF_OK)
				return SF_ERR_NOMEM;
		} else if (sf_buf_addf(b, "%s..%s", label(sc, m, l1, sizeof(l1)),
		                       label(sc, e, l2, sizeof(l2))) != SF_OK) {
			return SF_ERR_NOMEM;
		}
		m = e;
	}
	return SF_OK;
}

static sf_status section(sf_buf *out, int md, const char *heading, const sf_table *t)
{
	sf_status rc;

	if (md)
		rc = sf_buf_addf(out, "\n### %s\n\n", heading);
	else
		rc = sf_buf_addf(out, "\n%s\n\n", heading);
	if (rc != SF_OK)
		return rc;
	if (sf_table_rows(t) == 0)
		return sf_buf_adds(out, md ? "None.\n" : "  (none)\n");
	return md ? sf_table_write_markdown(t, out) : sf_table_write_text(t, out);
}

/* "NOT PROVEN optimal (...)" for a stage whose figures are not a proven optimum. */
static const char *not_proven(const sf_stage_result *r, char *buf, size_t n)
{
	char why[96];
	sf_snprintf(buf, n, "NOT PROVEN optimal: %s",
	            sf_stage_proof_str(r->status, r->gap, why, sizeof(why)));
	return buf;
}

static const char *stage_line(const sf_stage_result *r, const char *what, char *buf, size_t n,
                              int money_obj)
{
	char ob[64], pr[160];

	if (r->status == SF_SOLVE_NOT_RUN) {
		sf_snprintf(buf, n, "not run");
		return buf;
	}
	if (r->status != SF_SOLVE_OPTIMAL && r->status != SF_SOLVE_FEASIBLE) {
		sf_snprintf(buf, n, "%s", sf_solve_status_str(r->status));
		return buf;
	}
	if (money_obj)
		sf_money_str(r->objective, ob, sizeof(ob));
	else
		sf_snprintf(ob, sizeof(ob), "%.10g", r->objective);
	/* A proven optimum says "optimal"; a plan that is not never does
	 * (the JSON keeps the solver's status and proven: false): it is the
	 * best found, within the gap asked for or stopped by a limit, and its
	 * distance to the proven bound follows. The time stays last. */
	if (sf_stage_proven(r->status, r->gap)) {
		sf_snprintf(buf, n, "optimal, %s %s, gap %.2f%%, %.2f s", what, ob, r->gap * 100,
		            r->seconds);
		return buf;
	}
	sf_snprintf(pr, sizeof(pr), "%s",
	            r->status == SF_SOLVE_OPTIMAL
	                    ? "NOT PROVEN optimal: stopped at the gap asked for"
	                    : "NOT PROVEN optimal: stopped by a limit");
	sf_snprintf(buf, n, "best found, %s %s, %.2f%% from the proven bound (%s), %.2f s", what,
	            ob, r->gap * 100, pr, r->seconds);
	return buf;
}

/* "2026-06 x2, 2027-06" into b: the months where v[m] > 0, with counts above 1. */
static sf_status month_counts(const sf_scenario *sc, const int *v, sf_buf *b)
{
	char lb[16];
	sf_status rc = SF_OK;

	for (int m = 1; m <= sc->months && rc == SF_OK; m++) {
		if (v[m - 1] <= 0)
			continue;
		rc = sf_buf_addf(b, "%s%s", b->len ? ", " : "", label(sc, m, lb, sizeof(lb)));
		if (rc == SF_OK && v[m - 1] > 1)
			rc = sf_buf_addf(b, " x%d", v[m - 1]);
	}
	if (rc == SF_OK && b->len == 0)
		rc = sf_buf_adds(b, "-");
	return rc;
}

/* Months with v > 0, runs of one count merged: "2026-06..2026-09 x2, 2027-01". */
static sf_status count_ranges(const sf_scenario *sc, const int *v, sf_buf *b)
{
	char l1[16], l2[16];
	sf_status rc = SF_OK;

	for (int m = 1; m <= sc->months && rc == SF_OK; m++) {
		int e = m;
		if (v[m - 1] <= 0)
			continue;
		while (e < sc->months && v[e] == v[m - 1])
			e++;
		rc = sf_buf_addf(b, "%s%s", b->len ? ", " : "", label(sc, m, l1, sizeof(l1)));
		if (rc == SF_OK && e > m)
			rc = sf_buf_addf(b, "..%s", label(sc, e, l2, sizeof(l2)));
		if (rc == SF_OK && v[m - 1] > 1)
			rc = sf_buf_addf(b, " x%d", v[m - 1]);
		m = e;
	}
	if (rc == SF_OK && b->len == 0)
		rc = sf_buf_adds(b, "-");
	return rc;
}

/*
 * Format 2 (docs/output.md): presence, arrivals, departures, reliefs, idle
 * units, moves and reception by month, recorded months marked; then, per
 * pledge, the months it is present and when its units arrive and leave.
 */
static sf_status write_format2(const sf_plan *p, sf_buf *out, int md, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months, np = sc->npledges;
	sf_table *t = sf_table_new();
	unsigned char *flags = calloc(M + 1, 1);
	int *idle = calloc(M + 1, sizeof(*idle));
	sf_buf tmp;
	char lb[16], b1[64], b2[64];

	sf_buf_init(&tmp, 0);
	if (t == NULL || flags == NULL || idle == NULL)
		goto nomem;
	{
		static const char *const cols[] = {
		        "month",   "",     "present", "arriving", "leaving",
		        "reliefs", "idle", "moves",   "retasks",  "reception used / capacity"};
		for (size_t i = 0; i < SF_ARRAY_LEN(cols); i++)
			if (sf_table_add_column(t, cols[i], i < 2 ? SF_ALIGN_LEFT : SF_ALIGN_RIGHT))
				goto nomem;
	}
	for (int m = 1; m <= sc->months; m++) {
		long sum[7] = {0};
		for (size_t pi = 0; pi < np; pi++) {
			size_t k = pi * M + (size_t)(m - 1);
			sum[0] += p->presence[k];
			sum[1] += p->arrivals[k];
			sum[2] += p->departures[k];
			sum[3] += p->reliefs[k];
			sum[4] += p->presence[k] - p->assigned[k];
			sum[5] += p->moves[k];
			sum[6] += p->retasks[k];
		}
		if (sf_table_begin_row(t) || sf_table_add_cell(t, label(sc, m, lb, sizeof(lb))) ||
		    sf_table_add_cell(t, m < p->a0 ? "recorded" : "planned"))
			goto nomem;
		for (int i = 0; i < 7; i++)
			if (sf_table_add_cellf(t, "%ld", sum[i]))
				goto nomem;
		if (isfinite(p->reception_cap[m - 1])
		            ? sf_table_add_cellf(
		                      t, "%s / %s",
		                      sf_money_str(p->reception_used[m - 1], b1, sizeof(b1)),
		                      sf_money_str(p->reception_cap[m - 1], b2, sizeof(b2)))
		            : sf_table_add_cellf(
		                      t, "%s / -",
		                      sf_money_str(p->reception_used[m - 1], b1, sizeof(b1))))
			goto nomem;
	}
	if (section(out, md,
	            "Presence, arrivals and departures by month (units; reception in personnel)",
	            t))
		goto nomem;
	sf_table_free(t);

	static const sf_column_spec pledge_cols[] = {
	        {"pledge", SF_ALIGN_LEFT},   {"contributor", SF_ALIGN_LEFT},
	        {"unit", SF_ALIGN_LEFT},     {"present", SF_ALIGN_LEFT},
	        {"arrivals", SF_ALIGN_LEFT}, {"departures", SF_ALIGN_LEFT},
	        {"reliefs", SF_ALIGN_LEFT},  {"idle", SF_ALIGN_LEFT},
	};
	t = sf_table_new();
	if (t == NULL || sf_table_add_columns(t, pledge_cols, SF_ARRAY_LEN(pledge_cols)))
		goto nomem;
	for (size_t pi = 0; pi < np; pi++) {
		const sf_pledge *pl = &sc->pledges[pi];
		const int *pres = &p->presence[pi * M];
		int any = 0;
		for (size_t mi = 0; mi < M; mi++)
			any |= flags[mi] = pres[mi] > 0;
		if (!any)
			continue;
		if (sf_table_begin_row(t) || sf_table_add_cell(t, pl->id) ||
		    sf_table_add_cell(t, sc->contributors[pl->contributor].id) ||
		    sf_table_add_cell(t, sc->unit_types[pl->unit].id))
			goto nomem;
		sf_buf_reset(&tmp);
		if (month_ranges(sc, flags, &tmp) || sf_table_add_cell(t, sf_buf_str(&tmp)))
			goto nomem;
		for (size_t mi = 0; mi < M; mi++)
			idle[mi] = pres[mi] - p->assigned[pi * M + mi];
		for (int which = 0; which < 4; which++) {
			const int *v = which == 0   ? &p->arrivals[pi * M]
			               : which == 1 ? &p->departures[pi * M]
			               : which == 2 ? &p->reliefs[pi * M]
			                            : idle;
			sf_buf_reset(&tmp);
			if ((which == 3 ? count_ranges(sc, v, &tmp) : month_counts(sc, v, &tmp)) ||
			    sf_table_add_cell(t, sf_buf_str(&tmp)))
				goto nomem;
		}
	}
	if (section(out, md,
	            "Presence by pledge (units leave at the start of a departure month; idle: "
	            "present without a task)",
	            t))
		goto nomem;
	sf_table_free(t);
	free(flags);
	free(idle);
	sf_buf_release(&tmp);
	return SF_OK;
nomem:
	sf_table_free(t);
	free(flags);
	free(idle);
	sf_buf_release(&tmp);
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
}

/* ------------------------------------------------------------------ */
/* Reimbursement and parity (docs/output.md, "Reimbursement", "Parity")  */

/* The share a of b as "12.5%", "-" when b is 0. */
static const char *pct(double a, double b, char *buf, size_t n)
{
	if (!(b > 0))
		sf_strlcpy(buf, "-", n);
	else
		sf_snprintf(buf, n, "%.1f%%", 100.0 * a / b);
	return buf;
}

/* The unit types that give an equipment rate, and their rates. */
static sf_status equipment_lines(const sf_scenario *sc, int md, sf_buf *out)
{
	char b1[48];
	int any = 0;
	sf_status rc = SF_OK;
	for (size_t u = 0; rc == SF_OK && u < sc->nunit_types; u++) {
		const sf_unit_type *ut = &sc->unit_types[u];
		if (ut->coe_lease == SF_LEASE_NONE)
			continue;
		any = 1;
		rc = sf_buf_addf(out, "%s%s: %s per unit-month, %s lease (%s)\n", md ? "- " : "  ",
		                 ut->id, sf_money_str(ut->coe_monthly, b1, sizeof b1),
		                 sf_lease_str(ut->coe_lease), ut->coe_source ? ut->coe_source : "");
	}
	if (rc == SF_OK && !any)
		rc = sf_buf_addf(out,
		                 "%sno unit type gives an equipment rate (key `coe`): "
		                 "equipment is not counted\n",
		                 md ? "- " : "  ");
	return rc;
}

static sf_status reimbursement_section(const sf_plan *p, int md, sf_buf *out)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months;
	sf_reimbursement r;
	sf_table *t = NULL;
	char b1[48], lab[16];
	sf_error e;
	sf_status rc = sf_plan_reimbursement(p, &r, &e);
	if (rc != SF_OK)
		return rc;
	static const sf_column_spec reimb_cols[] = {
	        {"contributor", SF_ALIGN_LEFT}, {"person-months", SF_ALIGN_RIGHT},
	        {"troops", SF_ALIGN_RIGHT},     {"equipment", SF_ALIGN_RIGHT},
	        {"total", SF_ALIGN_RIGHT},      {"per month present", SF_ALIGN_RIGHT},
	        {"peak month", SF_ALIGN_RIGHT},
	};
	t = sf_table_new();
	if (!t || sf_table_add_columns(t, reimb_cols, SF_ARRAY_LEN(reimb_cols))) {
		rc = SF_ERR_NOMEM;
		goto out;
	}
	for (size_t c = 0; rc == SF_OK && c < sc->ncontributors; c++) {
		double pm = 0, tr = 0, eq = 0, peak = 0;
		int present = 0, peak_m = 0;
		for (size_t mi = 0; mi < M; mi++) {
			size_t k = c * M + mi;
			double month = r.troops[k] + r.equipment[k];
			pm += r.persons[k];
			tr += r.troops[k];
			eq += r.equipment[k];
			present += r.persons[k] > 0;
			if (month > peak) {
				peak = month;
				peak_m = (int)mi + 1;
			}
		}
		if (!present)
			continue;
		if (sf_table_begin_row(t) || sf_table_add_cell(t, sc->contributors[c].id) ||
		    sf_table_add_cell(t, sf_money_str(pm, b1, sizeof b1)) ||
		    sf_table_add_cell(t, sf_money_str(tr, b1, sizeof b1)) ||
		    sf_table_add_cell(t, sf_money_str(eq, b1, sizeof b1)) ||
		    sf_table_add_cell(t, sf_money_str(tr + eq, b1, sizeof b1)) ||
		    sf_table_add_cell(t, sf_money_str((tr + eq) / present, b1, sizeof b1)) ||
		    sf_table_add_cellf(t, "%s (%s)", sf_money_str(peak, b1, sizeof b1),
		                       label(sc, peak_m, lab, sizeof lab)))
			rc = SF_ERR_NOMEM;
	}
	if (rc == SF_OK)
		rc = section(out, md,
		             "Reimbursement (what each contributor would be reimbursed for the "
		             "units it has present, idle ones and those at mission included; the "
		             "scenario's money)",
		             t);
	if (rc == SF_OK) {
		char b2[48], b3[48], b4[48];
		rc = sf_buf_addf(
		        out,
		        "\nTotal %s (troops %s, equipment %s). Troop rate %s per person-month "
		        "(%s): %s.\nEquipment (contingent-owned), per unit type:\n",
		        sf_money_str(r.total_troops + r.total_equipment, b1, sizeof b1),
		        sf_money_str(r.total_troops, b2, sizeof b2),
		        sf_money_str(r.total_equipment, b3, sizeof b3),
		        sf_money_str(sc->troop_rate, b4, sizeof b4),
		        sc->troop_rate_given ? "the scenario's" : "the default",
		        sc->troop_rate_source ? sc->troop_rate_source : "");
	}
	if (rc == SF_OK)
		rc = equipment_lines(sc, md, out);
out:
	sf_table_free(t);
	sf_reimbursement_release(&r);
	return rc;
}

static sf_status parity_section(const sf_plan *p, int md, sf_buf *out)
{
	sf_parity q;
	sf_table *t = NULL;
	char b1[48], b2[32];
	sf_error e;
	int any_known = 0;
	sf_status rc = sf_plan_parity(p, &q, &e);
	if (rc != SF_OK)
		return rc;
	static const sf_column_spec parity_cols[] = {
	        {"year", SF_ALIGN_LEFT},
	        {"category", SF_ALIGN_LEFT},
	        {"persons (monthly mean)", SF_ALIGN_RIGHT},
	        {"share of women given for", SF_ALIGN_RIGHT},
	        {"women (monthly mean)", SF_ALIGN_RIGHT},
	        {"share of women", SF_ALIGN_RIGHT},
	        {"target", SF_ALIGN_RIGHT},
	};
	t = sf_table_new();
	if (!t || sf_table_add_columns(t, parity_cols, SF_ARRAY_LEN(parity_cols))) {
		rc = SF_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; rc == SF_OK && i < q.nyears; i++) {
		const sf_parity_year *y = &q.years[i];
		for (int c = 0; rc == SF_OK && c < SF_NCATEGORIES; c++) {
			if (!(y->persons[c] > 0))
				continue;
			any_known |= y->known[c] > 0;
			if (sf_table_begin_row(t) || sf_table_add_cellf(t, "%d", y->year) ||
			    sf_table_add_cell(t, sf_category_label((sf_category)c)) ||
			    sf_table_add_cell(
			            t, sf_money_str(y->persons[c] / y->months, b1, sizeof b1)) ||
			    sf_table_add_cell(t, pct(y->known[c], y->persons[c], b2, sizeof b2)) ||
			    sf_table_add_cell(t, y->known[c] > 0
			                                 ? sf_money_str(y->women[c] / y->months, b1,
			                                                sizeof b1)
			                                 : "-") ||
			    sf_table_add_cell(t, pct(y->women[c], y->known[c], b2, sizeof b2)) ||
			    (isnan(y->target[c])
			             ? sf_table_add_cell(t, "target not sourced")
			             : sf_table_add_cellf(t, "%.0f%%", 100 * y->target[c])))
				rc = SF_ERR_NOMEM;
		}
	}
	if (rc == SF_OK)
		rc = section(out, md,
		             "Women in the force, by the categories of the UN Uniformed Gender "
		             "Parity Strategy 2018-2028",
		             t);
	if (rc == SF_OK && !any_known)
		rc = sf_buf_adds(out, "\nNo pledge or unit type gives its share of women (key "
		                      "`women`): the shares are unknown.\n");
	if (rc == SF_OK)
		rc = sf_buf_addf(out,
		                 "\nShare of women: among the persons whose share is given (the "
		                 "pledge's, else its unit type's). Targets: %s.\n",
		                 sf_parity_targets_source);
out:
	sf_table_free(t);
	sf_parity_release(&q);
	return rc;
}

static sf_status write_summary(const sf_plan *p, sf_buf *out, int md, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months, nl = SF_NLOC(sc), nc = sc->ncontributors;
	const int stage1_ok = sf_stage_proven(p->stage1.status, p->stage1.gap);
	sf_table *t = NULL;
	sf_buf tmp;
	unsigned char *flags = NULL, *used = NULL;
	char l1[16], l2[16], b1[160], b2[64];
	sf_status rc = SF_OK;

	sf_buf_init(&tmp, 0);
	flags = calloc(M + 1, 1);
	used = calloc(nc + 1, 1);
	if (flags == NULL || used == NULL)
		goto nomem;

	/* Header. */
	{
		const char *kv[10][2];
		char mandate[96], s1[256], s2[256], foc[192], planned[192], solver[64];
		size_t n = 0;
		sf_snprintf(mandate, sizeof(mandate), "%s .. %s (%d months)",
		            label(sc, 1, l1, sizeof(l1)), label(sc, sc->months, l2, sizeof(l2)),
		            sc->months);
		stage_line(&p->stage1, "Z1", s1, sizeof(s1), 0);
		stage_line(&p->stage2, "Z2", s2, sizeof(s2), 1);
		if (p->foc_month)
			sf_snprintf(foc, sizeof(foc), "%s (month %d)",
			            label(sc, p->foc_month, l1, sizeof(l1)), p->foc_month);
		else
			sf_snprintf(foc, sizeof(foc), "never");
		if (!sf_stage_proven(p->stage1.status, p->stage1.gap)) {
			char pr[128];
			size_t k = strlen(foc);
			sf_snprintf(foc + k, sizeof(foc) - k, " (%s)",
			            not_proven(&p->stage1, pr, sizeof(pr)));
		}
		kv[n][0] = "Scenario";
		kv[n++][1] = sc->name ? sc->name : "";
		kv[n][0] = "Facts as of";
		kv[n++][1] = sc->as_of ? sc->as_of : "-";
		kv[n][0] = "Mandate";
		kv[n++][1] = mandate;
		/* which solver found the plan, next to the stages' status */
		sf_snprintf(solver, sizeof(solver), "%s %s", sf_solver_display_name(p->solver),
		            sf_solver_version(p->solver));
		kv[n][0] = "Solver";
		kv[n++][1] = solver;
		kv[n][0] = "Stage 1 (weighted shortfall)";
		kv[n++][1] = s1;
		kv[n][0] = "Stage 2 (cost)";
		kv[n++][1] = s2;
		kv[n][0] = "Full operational capability";
		kv[n++][1] = foc;
		if (sc->format >= 2) {
			if (p->a0 > 1)
				sf_snprintf(planned, sizeof(planned),
				            "%s .. %s (%s .. %s recorded, from deployed:)",
				            label(sc, p->a0, l1, sizeof(l1)),
				            label(sc, sc->months, l2, sizeof(l2)),
				            label(sc, 1, b1, sizeof(b1)),
				            label(sc, p->a0 - 1, b2, sizeof(b2)));
			else
				sf_snprintf(planned, sizeof(planned), "%s .. %s (nothing recorded)",
				            label(sc, 1, l1, sizeof(l1)),
				            label(sc, sc->months, l2, sizeof(l2)));
			kv[n][0] = "Planned months";
			kv[n++][1] = planned;
			kv[n][0] = "Moves";
			kv[n++][1] = p->moves_status == SF_SOLVE_OPTIMAL
			                     ? "proven minimal for the units present (no wandering)"
			             : p->moves_status == SF_SOLVE_FEASIBLE
			                     ? "not proven minimal (time ran out): a unit may move "
			                       "for nothing"
			                     : "not planned";
		}
		if (md) {
			if (sf_buf_adds(out, "## Force plan\n\n") != SF_OK)
				goto nomem;
			for (size_t i = 0; i < n; i++)
				if (sf_buf_addf(out, "- **%s**: %s\n", kv[i][0], kv[i][1]) != SF_OK)
					goto nomem;
		} else {
			for (size_t i = 0; i < n; i++)
				if (sf_buf_addf(out, "%-29s %s\n", kv[i][0], kv[i][1]) != SF_OK)
					goto nomem;
		}
	}

	/* The inputs taken from the registers, when any (feedback.c). */
	if (register_inputs_text(sc, out, md) != SF_OK)
		goto nomem;

	/* Force build-up: months as rows, contributors as columns. */
	for (size_t c = 0; c < nc; c++)
		for (size_t mi = 0; mi < M; mi++)
			if (p->personnel_by_contributor[c * M + mi] > 0)
				used[c] = 1;
	t = sf_table_new();
	if (t == NULL || sf_table_add_column(t, "month", SF_ALIGN_LEFT))
		goto nomem;
	for (size_t c = 0; c < nc; c++)
		if (used[c] && sf_table_add_column(t, sc->contributors[c].id, SF_ALIGN_RIGHT))
			goto nomem;
	static const sf_column_spec tail_cols[] = {
	        {"in sectors", SF_ALIGN_RIGHT},
	        {"ceiling", SF_ALIGN_RIGHT},
	        {"mission", SF_ALIGN_RIGHT},
	};
	if (sf_table_add_columns(t, tail_cols, SF_ARRAY_LEN(tail_cols)))
		goto nomem;
	for (int m = 1; m <= sc->months; m++) {
		if (sf_table_begin_row(t) || sf_table_add_cell(t, label(sc, m, l1, sizeof(l1))))
			goto nomem;
		for (size_t c = 0; c < nc; c++)
			if (used[c] &&
			    sf_table_add_cell(
			            t, sf_money_str(
			                       p->personnel_by_contributor[c * M + (size_t)(m - 1)],
			                       b2, sizeof(b2))))
				goto nomem;
		if (sf_table_add_cell(
		            t, sf_money_str(p->personnel_in_sectors[m - 1], b2, sizeof(b2))) ||
		    sf_table_add_cell(t, isfinite(sc->troop_ceiling)
		                                 ? sf_money_str(sc->troop_ceiling, b1, sizeof(b1))
		                                 : "-") ||
		    sf_table_add_cell(t,
		                      sf_money_str(p->personnel_at_mission[m - 1], b2, sizeof(b2))))
			goto nomem;
	}
	if (section(out, md, "Force build-up (personnel inside sectors, by contributor)", t))
		goto nomem;
	sf_table_free(t);

	/* Shortfall by task and location. */
	static const sf_column_spec shortfall_cols[] = {
	        {"task", SF_ALIGN_LEFT},       {"location", SF_ALIGN_LEFT},
	        {"shortfall", SF_ALIGN_RIGHT}, {"required", SF_ALIGN_RIGHT},
	        {"weighted", SF_ALIGN_RIGHT},  {"months short", SF_ALIGN_LEFT},
	};
	t = sf_table_new();
	if (t == NULL || sf_table_add_columns(t, shortfall_cols, SF_ARRAY_LEN(shortfall_cols)))
		goto nomem;
	for (size_t tk = 0; tk < sc->ntasks; tk++)
		for (size_t l = 0; l < nl; l++) {
			double sum = 0, req = 0;
			int any = 0;
			for (int m = 1; m <= sc->months; m++) {
				size_t k = SF_COV(sc, tk, l, m);
				sum += p->shortfall[k];
				req += p->required[k];
				flags[m - 1] = p->shortfall[k] > SF_TOL_SHORTFALL;
				any |= flags[m - 1];
			}
			if (!any)
				continue;
			sf_buf_reset(&tmp);
			if (month_ranges(sc, flags, &tmp) != SF_OK)
				goto nomem;
			if (sf_table_begin_row(t) || sf_table_add_cell(t, sc->tasks[tk].id) ||
			    sf_table_add_cell(t, loc_id(sc, l)) ||
			    sf_table_add_cell(t, qty(sum, b1, sizeof(b1))) ||
			    sf_table_add_cell(t, qty(req, b2, sizeof(b2))) ||
			    sf_table_add_cell(t, qty(sum * sc->tasks[tk].weight, l1, sizeof(l1))) ||
			    sf_table_add_cell(t, sf_buf_str(&tmp)))
				goto nomem;
		}
	if (section(out, md,
	            stage1_ok ? "Coverage: shortfall by task and location (capability-unit-months)"
	                      : "Coverage: shortfall by task and location (capability-unit-months; "
	                        "NOT PROVEN optimal, see stage 1)",
	            t))
		goto nomem;
	sf_table_free(t);

	/* Full operational capability: the statement, then shortfall by month. */
	static const sf_column_spec foc_cols[] = {
	        {"month", SF_ALIGN_LEFT},
	        {"weighted shortfall", SF_ALIGN_RIGHT},
	        {"task-locations short", SF_ALIGN_RIGHT},
	};
	t = sf_table_new();
	if (t == NULL || sf_table_add_columns(t, foc_cols, SF_ARRAY_LEN(foc_cols)))
		goto nomem;
	for (int m = 1; m <= sc->months; m++) {
		double z = 0;
		int nshort = 0;
		for (size_t tk = 0; tk < sc->ntasks; tk++)
			for (size_t l = 0; l < nl; l++) {
				double sh = p->shortfall[SF_COV(sc, tk, l, m)];
				z += sc->tasks[tk].weight * sh;
				nshort += sh > SF_TOL_SHORTFALL;
			}
		if (sf_table_begin_row(t) || sf_table_add_cell(t, label(sc, m, l1, sizeof(l1))) ||
		    sf_table_add_cell(t, qty(z, b1, sizeof(b1))) ||
		    sf_table_add_cellf(t, "%d", nshort))
			goto nomem;
	}
	if (sf_buf_addf(out,
	                md ? "\n### Full operational capability%s\n\n"
	                   : "\nFull operational capability%s\n\n",
	                stage1_ok ? "" : " (NOT PROVEN optimal, see stage 1)"))
		goto nomem;
	if (p->foc_month == 1)
		rc = sf_buf_addf(out, "%sReached from the first month, %s.\n", md ? "" : "  ",
		                 label(sc, 1, l1, sizeof(l1)));
	else if (p->foc_month > 1)
		rc = sf_buf_addf(out,
		                 "%sReached in %s (month %d): every requirement is met from then "
		                 "to the end of the mandate.\n",
		                 md ? "" : "  ", label(sc, p->foc_month, l1, sizeof(l1)),
		                 p->foc_month);
	else
		rc = sf_buf_addf(out,
		                 "%sNever: some requirement is still short in the last month, "
		                 "%s.\n",
		                 md ? "" : "  ", label(sc, sc->months, l1, sizeof(l1)));
	if (rc != SF_OK)
		goto nomem;
	if (sf_buf_addc(out, '\n') ||
	    (md ? sf_table_write_markdown(t, out) : sf_table_write_text(t, out)))
		goto nomem;
	sf_table_free(t);

	/* Cost. */
	static const sf_column_spec cost_cols[] = {
	        {"cost", SF_ALIGN_LEFT},
	        {"money", SF_ALIGN_RIGHT},
	};
	t = sf_table_new();
	if (t == NULL || sf_table_add_columns(t, cost_cols, SF_ARRAY_LEN(cost_cols)))
		goto nomem;
	{
		const char *names[] = {"units (monthly cost)",
		                       "deployments (arrivals)",
		                       "soft-veto penalties",
		                       "moves and changes of task",
		                       "least change from the baseline",
		                       "total"};
		double vals[] = {p->cost_units, p->cost_deploy,  p->cost_soft,
		                 p->cost_moves, p->cost_changes, p->cost_total};
		for (size_t i = 0; i < 6; i++) {
			if (sc->format < 2 && (i == 3 || i == 4))
				continue; /* format 1 has neither */
			if (sf_table_begin_row(t) || sf_table_add_cell(t, names[i]) ||
			    sf_table_add_cell(t, sf_money_str(vals[i], b1, sizeof(b1))))
				goto nomem;
		}
	}
	if (section(out, md,
	            sf_stage_proven(p->stage2.status, p->stage2.gap) && stage1_ok
	                    ? "Cost"
	                    : "Cost (NOT PROVEN optimal, see stages 1 and 2)",
	            t))
		goto nomem;
	sf_table_free(t);
	t = NULL;
	if (sc->format >= 2 && (rc = write_format2(p, out, md, err)) != SF_OK)
		goto out;

	/* Idle pledges: units offered that no month uses. */
	static const sf_column_spec idle_cols[] = {
	        {"pledge", SF_ALIGN_LEFT},
	        {"contributor", SF_ALIGN_LEFT},
	        {"unit", SF_ALIGN_LEFT},
	        {"offered", SF_ALIGN_RIGHT},
	        {"most used in a month", SF_ALIGN_RIGHT},
	        {"never used (units)", SF_ALIGN_RIGHT},
	        {"(personnel)", SF_ALIGN_RIGHT},
	};
	t = sf_table_new();
	int *max_used = calloc(sc->npledges ? sc->npledges : 1, sizeof *max_used);
	if (t == NULL || max_used == NULL ||
	    sf_table_add_columns(t, idle_cols, SF_ARRAY_LEN(idle_cols))) {
		free(max_used);
		goto nomem;
	}
	pledge_max_used(p, max_used);
	size_t nidle = 0;
	for (size_t i = 0; i < sc->npledges; i++) {
		const sf_pledge *pl = &sc->pledges[i];
		if (!pl->active || max_used[i] >= pl->count)
			continue;
		nidle++;
		if (sf_table_begin_row(t) || sf_table_add_cell(t, pl->id) ||
		    sf_table_add_cell(t, sc->contributors[pl->contributor].id) ||
		    sf_table_add_cell(t, sc->unit_types[pl->unit].id) ||
		    sf_table_add_cellf(t, "%d", pl->count) ||
		    sf_table_add_cellf(t, "%d", max_used[i]) ||
		    sf_table_add_cellf(t, "%d", pl->count - max_used[i]) ||
		    sf_table_add_cellf(t, "%lld",
		                       (long long)(pl->count - max_used[i]) *
		                               sc->unit_types[pl->unit].personnel)) {
			free(max_used);
			goto nomem;
		}
	}
	free(max_used);
	if (nidle) {
		if (section(out, md,
		            "Idle pledges (units offered that no month of the plan uses; "
		            "vetoed pledges included)",
		            t))
			goto nomem;
	} else if (sf_buf_addf(out, md ? "\n### Idle pledges\n\nNone: every unit offered is used "
	                                 "in some month.\n"
	                               : "\nIdle pledges: none, every unit offered is used in some "
	                                 "month.\n")) {
		goto nomem;
	}
	sf_table_free(t);
	t = NULL;
	if (reimbursement_section(p, md, out) != SF_OK || parity_section(p, md, out) != SF_OK)
		goto nomem;

	/* Binding constraints. */
	static const sf_column_spec binding_cols[] = {
	        {"constraint", SF_ALIGN_LEFT},
	        {"contributor", SF_ALIGN_LEFT},
	        {"months", SF_ALIGN_LEFT},
	};
	t = sf_table_new();
	if (t == NULL || sf_table_add_columns(t, binding_cols, SF_ARRAY_LEN(binding_cols)))
		goto nomem;
	{
		int any = 0;
		for (size_t mi = 0; mi < M; mi++)
			any |= flags[mi] = p->ceiling_binds[mi];
		if (any) {
			sf_buf_reset(&tmp);
			if (month_ranges(sc, flags, &tmp) || sf_table_begin_row(t) ||
			    sf_table_add_cell(t, "troop ceiling") || sf_table_add_cell(t, "-") ||
			    sf_table_add_cell(t, sf_buf_str(&tmp)))
				goto nomem;
		}
	}
	for (int which = 0; which < 2; which++)
		for (size_t c = 0; c < nc; c++) {
			const unsigned char *src = which == 0 ? p->share_binds : p->cap_binds;
			int any = 0;
			for (size_t mi = 0; mi < M; mi++)
				any |= flags[mi] = src[c * M + mi];
			if (!any)
				continue;
			sf_buf_reset(&tmp);
			if (month_ranges(sc, flags, &tmp) || sf_table_begin_row(t) ||
			    sf_table_add_cell(t, which == 0 ? "share cap" : "national cap") ||
			    sf_table_add_cell(t, sc->contributors[c].id) ||
			    sf_table_add_cell(t, sf_buf_str(&tmp)))
				goto nomem;
		}
	if (section(out, md, "Binding constraints", t))
		goto nomem;
	goto out;
nomem:
	rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
out:
	sf_table_free(t);
	sf_buf_release(&tmp);
	free(flags);
	free(used);
	return rc;
}

sf_status sf_plan_write_text(const sf_plan *p, sf_buf *out, sf_error *err)
{
	return write_summary(p, out, 0, err);
}

sf_status sf_plan_write_markdown(const sf_plan *p, sf_buf *out, sf_error *err)
{
	return write_summary(p, out, 1, err);
}

sf_status sf_plan_write(const sf_plan *p, sf_format fmt, sf_buf *out, sf_error *err)
{
	switch (fmt) {
	case SF_FORMAT_TEXT:
		return sf_plan_write_text(p, out, err);
	case SF_FORMAT_JSON:
		return sf_plan_write_json(p, out, err);
	case SF_FORMAT_CSV:
		return sf_plan_write_csv(p, out, err);
	case SF_FORMAT_MD:
		return sf_plan_write_markdown(p, out, err);
	default:
		return sf_error_set(err, SF_ERR_USAGE, "a plan is text, json, csv or md");
	}
}
