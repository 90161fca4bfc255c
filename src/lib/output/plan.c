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

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "register/feedback.h"

#define SHORT_EPS 1e-6

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
/* JSON                                                                */

static json_t *num(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == 0)
		return json_integer(0);
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *stage_json(const sf_stage_result *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "status", json_string(sf_solve_status_str(r->status)));
	if (r->status == SF_SOLVE_OPTIMAL || r->status == SF_SOLVE_FEASIBLE) {
		json_object_set_new(o, "objective", num(r->objective));
		json_object_set_new(o, "bound", num(r->bound));
		json_object_set_new(o, "gap", num(r->gap));
	} else {
		json_object_set_new(o, "objective", json_null());
		json_object_set_new(o, "bound", json_null());
		json_object_set_new(o, "gap", json_null());
	}
	json_object_set_new(o, "seconds", num(round(r->seconds * 1000) / 1000));
	return o;
}

/* [{"contributor": id, "months": [..]}] for flags[c * M + m-1]. */
static json_t *by_contributor(const sf_scenario *sc, const unsigned char *flags)
{
	json_t *a = json_array();

	for (size_t c = 0; c < sc->ncontributors; c++) {
		json_t *months = NULL;
		for (int m = 1; m <= sc->months; m++) {
			if (!flags[c * (size_t)sc->months + (size_t)(m - 1)])
				continue;
			if (months == NULL)
				months = json_array();
			json_array_append_new(months, json_integer(m));
		}
		if (months != NULL) {
			json_t *o = json_object();
			json_object_set_new(o, "contributor", json_string(sc->contributors[c].id));
			json_object_set_new(o, "months", months);
			json_array_append_new(a, o);
		}
	}
	return a;
}

sf_status sf_plan_write_json(const sf_plan *p, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months, nl = SF_NLOC(sc);
	json_t *root = json_object(), *o, *a;
	char lb[16];
	double *mission_by_c = NULL;
	char *text = NULL;
	sf_status rc = SF_OK;

	mission_by_c = calloc(sc->ncontributors * M + 1, sizeof(double));
	if (root == NULL || mission_by_c == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
		goto out;
	}
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_assignment *r = &p->rows[i];
		if (r->location == SF_MISSION(sc)) {
			const sf_pledge *pl = &sc->pledges[r->pledge];
			mission_by_c[pl->contributor * M + (size_t)(r->month - 1)] +=
			        (double)sc->unit_types[pl->unit].personnel * r->units;
		}
	}

	json_object_set_new(root, "stabforce_version", json_string(STABFORCE_VERSION));
	o = json_object();
	json_object_set_new(o, "name", sc->name ? json_string(sc->name) : json_null());
	json_object_set_new(o, "path", sc->path ? json_string(sc->path) : json_null());
	json_object_set_new(o, "as_of", sc->as_of ? json_string(sc->as_of) : json_null());
	json_object_set_new(o, "start", json_string(label(sc, 1, lb, sizeof(lb))));
	json_object_set_new(o, "months", json_integer(sc->months));
	json_object_set_new(root, "scenario", o);
	json_object_set_new(root, "solver", json_string(solver_name(p->solver)));
	json_object_set_new(root, "stage1", stage_json(&p->stage1));
	json_object_set_new(root, "stage2", stage_json(&p->stage2));
	json_object_set_new(root, "seconds", num(round(p->seconds * 1000) / 1000));
	a = json_array();
	for (int m = 1; m <= sc->months; m++)
		json_array_append_new(a, json_string(label(sc, m, lb, sizeof(lb))));
	json_object_set_new(root, "months", a);
	json_object_set_new(root, "foc_month",
	                    p->foc_month ? json_integer(p->foc_month) : json_null());
	json_object_set_new(root, "foc_label",
	                    p->foc_month ? json_string(label(sc, p->foc_month, lb, sizeof(lb)))
	                                 : json_null());
	json_object_set_new(root, "z1", num(p->z1));
	o = json_object();
	json_object_set_new(o, "units", num(p->cost_units));
	json_object_set_new(o, "deploy", num(p->cost_deploy));
	json_object_set_new(o, "soft_veto", num(p->cost_soft));
	json_object_set_new(o, "total", num(p->cost_total));
	json_object_set_new(root, "cost", o);

	a = json_array();
	for (size_t i = 0; i < p->nrows; i++) {
		const sf_assignment *r = &p->rows[i];
		const sf_pledge *pl = &sc->pledges[r->pledge];
		o = json_object();
		json_object_set_new(o, "month", json_integer(r->month));
		json_object_set_new(o, "label", json_string(label(sc, r->month, lb, sizeof(lb))));
		json_object_set_new(o, "pledge", json_string(pl->id));
		json_object_set_new(o, "contributor",
		                    json_string(sc->contributors[pl->contributor].id));
		json_object_set_new(o, "unit", json_string(sc->unit_types[pl->unit].id));
		json_object_set_new(o, "location",
		                    json_string(r->location == SF_MISSION(sc)
		                                        ? "mission"
		                                        : sc->sectors[r->location].id));
		json_object_set_new(o, "task", json_string(sc->tasks[r->task].id));
		json_object_set_new(o, "units", json_integer(r->units));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "assignments", a);

	a = json_array();
	for (int m = 1; m <= sc->months; m++)
		for (size_t t = 0; t < sc->ntasks; t++)
			for (size_t l = 0; l < nl; l++) {
				int mission_task = sc->tasks[t].scope == SF_SCOPE_MISSION;
				if (mission_task != (l == SF_MISSION(sc)))
					continue;
				size_t k = SF_COV(sc, t, l, m);
				o = json_object();
				json_object_set_new(o, "month", json_integer(m));
				json_object_set_new(o, "label",
				                    json_string(label(sc, m, lb, sizeof(lb))));
				json_object_set_new(o, "task", json_string(sc->tasks[t].id));
				json_object_set_new(o, "location",
				                    json_string(l == SF_MISSION(sc)
				                                        ? "mission"
				                                        : sc->sectors[l].id));
				json_object_set_new(o, "required", num(p->required[k]));
				json_object_set_new(o, "provided", num(p->provided[k]));
				json_object_set_new(o, "shortfall", num(p->shortfall[k]));
				json_array_append_new(a, o);
			}
	json_object_set_new(root, "coverage", a);

	a = json_array();
	for (int m = 1; m <= sc->months; m++)
		for (size_t c = 0; c < sc->ncontributors; c++) {
			size_t k = c * M + (size_t)(m - 1);
			if (p->personnel_by_contributor[k] <= 0 && mission_by_c[k] <= 0)
				continue;
			o = json_object();
			json_object_set_new(o, "month", json_integer(m));
			json_object_set_new(o, "label", json_string(label(sc, m, lb, sizeof(lb))));
			json_object_set_new(o, "contributor", json_string(sc->contributors[c].id));
			json_object_set_new(o, "in_sectors", num(p->personnel_by_contributor[k]));
			json_object_set_new(o, "at_mission", num(mission_by_c[k]));
			json_array_append_new(a, o);
		}
	json_object_set_new(root, "personnel", a);

	a = json_array();
	for (int m = 1; m <= sc->months; m++) {
		o = json_object();
		json_object_set_new(o, "month", json_integer(m));
		json_object_set_new(o, "label", json_string(label(sc, m, lb, sizeof(lb))));
		json_object_set_new(o, "in_sectors", num(p->personnel_in_sectors[m - 1]));
		json_object_set_new(o, "at_mission", num(p->personnel_at_mission[m - 1]));
		json_object_set_new(o, "ceiling", num(sc->troop_ceiling));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "personnel_total", a);

	o = json_object();
	a = json_array();
	for (int m = 1; m <= sc->months; m++)
		if (p->ceiling_binds[m - 1])
			json_array_append_new(a, json_integer(m));
	json_object_set_new(o, "ceiling_months", a);
	json_object_set_new(o, "share_cap", by_contributor(sc, p->share_binds));
	json_object_set_new(o, "national_cap", by_contributor(sc, p->cap_binds));
	json_object_set_new(root, "binding", o);
	/* the inputs taken from the registers (feedback.c), [] when none */
	json_object_set_new(root, "register_inputs", sf__register_inputs_json(sc));

	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	if (text == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
		goto out;
	}
	if (sf_buf_adds(out, text) != SF_OK || sf_buf_addc(out, '\n') != SF_OK)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
out:
	free(text);
	free(mission_by_c);
	json_decref(root);
	return rc;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */

sf_status sf_plan_write_csv(const sf_plan *p, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	sf_table *t = sf_table_new();
	sf_status rc = SF_OK;
	char lb[16];
	static const char *cols[] = {"month", "label",    "pledge", "contributor",
	                             "unit",  "location", "task",   "units"};

	if (t == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the plan");
	for (size_t i = 0; i < SF_ARRAY_LEN(cols); i++)
		if (sf_table_add_column(t, cols[i], SF_ALIGN_LEFT) != SF_OK)
			goto nomem;
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
		    sf_table_add_cellf(t, "%d", r->units))
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

/* ------------------------------------------------------------------ */
/* Text and markdown                                                   */

/* A whole number with thousands separators ("1,213,800"). */
static const char *money(double v, char *buf, size_t n)
{
	char digits[64], tmp[96];
	size_t len, k = 0;
	int neg = v < 0;

	sf_snprintf(digits, sizeof(digits), "%.0f", fabs(v));
	len = strlen(digits);
	if (neg)
		tmp[k++] = '-';
	for (size_t i = 0; i < len && k + 2 < sizeof(tmp); i++) {
		if (i > 0 && (len - i) % 3 == 0)
			tmp[k++] = ',';
		tmp[k++] = digits[i];
	}
	tmp[k] = '\0';
	sf_strlcpy(buf, tmp, n);
	return buf;
}

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

static const char *stage_line(const sf_stage_result *r, const char *what, char *buf, size_t n,
                              int money_obj)
{
	char ob[64];

	if (r->status == SF_SOLVE_NOT_RUN) {
		sf_snprintf(buf, n, "not run");
		return buf;
	}
	if (r->status != SF_SOLVE_OPTIMAL && r->status != SF_SOLVE_FEASIBLE) {
		sf_snprintf(buf, n, "%s", sf_solve_status_str(r->status));
		return buf;
	}
	if (money_obj)
		money(r->objective, ob, sizeof(ob));
	else
		sf_snprintf(ob, sizeof(ob), "%.10g", r->objective);
	sf_snprintf(buf, n, "%s, %s %s, gap %.2f%%, %.2f s", sf_solve_status_str(r->status), what,
	            ob, r->gap * 100, r->seconds);
	return buf;
}

static sf_status write_summary(const sf_plan *p, sf_buf *out, int md, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months, nl = SF_NLOC(sc), nc = sc->ncontributors;
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
		const char *kv[8][2];
		char mandate[96], s1[160], s2[160], foc[64];
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
		kv[n][0] = "Scenario";
		kv[n++][1] = sc->name ? sc->name : "";
		kv[n][0] = "Facts as of";
		kv[n++][1] = sc->as_of ? sc->as_of : "-";
		kv[n][0] = "Mandate";
		kv[n++][1] = mandate;
		kv[n][0] = "Solver";
		kv[n++][1] = solver_name(p->solver);
		kv[n][0] = "Stage 1 (weighted shortfall)";
		kv[n++][1] = s1;
		kv[n][0] = "Stage 2 (cost)";
		kv[n++][1] = s2;
		kv[n][0] = "Full operational capability";
		kv[n++][1] = foc;
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
	if (sf__register_inputs_text(sc, out, md) != SF_OK)
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
	if (sf_table_add_column(t, "in sectors", SF_ALIGN_RIGHT) ||
	    sf_table_add_column(t, "ceiling", SF_ALIGN_RIGHT) ||
	    sf_table_add_column(t, "mission", SF_ALIGN_RIGHT))
		goto nomem;
	for (int m = 1; m <= sc->months; m++) {
		if (sf_table_begin_row(t) || sf_table_add_cell(t, label(sc, m, l1, sizeof(l1))))
			goto nomem;
		for (size_t c = 0; c < nc; c++)
			if (used[c] &&
			    sf_table_add_cell(
			            t, money(p->personnel_by_contributor[c * M + (size_t)(m - 1)],
			                     b2, sizeof(b2))))
				goto nomem;
		if (sf_table_add_cell(t, money(p->personnel_in_sectors[m - 1], b2, sizeof(b2))) ||
		    sf_table_add_cell(t, isfinite(sc->troop_ceiling)
		                                 ? money(sc->troop_ceiling, b1, sizeof(b1))
		                                 : "-") ||
		    sf_table_add_cell(t, money(p->personnel_at_mission[m - 1], b2, sizeof(b2))))
			goto nomem;
	}
	if (section(out, md, "Force build-up (personnel inside sectors, by contributor)", t))
		goto nomem;
	sf_table_free(t);

	/* Shortfall by task and location. */
	t = sf_table_new();
	if (t == NULL || sf_table_add_column(t, "task", SF_ALIGN_LEFT) ||
	    sf_table_add_column(t, "location", SF_ALIGN_LEFT) ||
	    sf_table_add_column(t, "shortfall", SF_ALIGN_RIGHT) ||
	    sf_table_add_column(t, "required", SF_ALIGN_RIGHT) ||
	    sf_table_add_column(t, "weighted", SF_ALIGN_RIGHT) ||
	    sf_table_add_column(t, "months short", SF_ALIGN_LEFT))
		goto nomem;
	for (size_t tk = 0; tk < sc->ntasks; tk++)
		for (size_t l = 0; l < nl; l++) {
			double sum = 0, req = 0;
			int any = 0;
			for (int m = 1; m <= sc->months; m++) {
				size_t k = SF_COV(sc, tk, l, m);
				sum += p->shortfall[k];
				req += p->required[k];
				flags[m - 1] = p->shortfall[k] > SHORT_EPS;
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
	if (section(out, md, "Coverage: shortfall by task and location (capability-unit-months)",
	            t))
		goto nomem;
	sf_table_free(t);

	/* Full operational capability: the statement, then shortfall by month. */
	t = sf_table_new();
	if (t == NULL || sf_table_add_column(t, "month", SF_ALIGN_LEFT) ||
	    sf_table_add_column(t, "weighted shortfall", SF_ALIGN_RIGHT) ||
	    sf_table_add_column(t, "task-locations short", SF_ALIGN_RIGHT))
		goto nomem;
	for (int m = 1; m <= sc->months; m++) {
		double z = 0;
		int nshort = 0;
		for (size_t tk = 0; tk < sc->ntasks; tk++)
			for (size_t l = 0; l < nl; l++) {
				double sh = p->shortfall[SF_COV(sc, tk, l, m)];
				z += sc->tasks[tk].weight * sh;
				nshort += sh > SHORT_EPS;
			}
		if (sf_table_begin_row(t) || sf_table_add_cell(t, label(sc, m, l1, sizeof(l1))) ||
		    sf_table_add_cell(t, qty(z, b1, sizeof(b1))) ||
		    sf_table_add_cellf(t, "%d", nshort))
			goto nomem;
	}
	if (md ? sf_buf_adds(out, "\n### Full operational capability\n\n")
	       : sf_buf_adds(out, "\nFull operational capability\n\n"))
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
	t = sf_table_new();
	if (t == NULL || sf_table_add_column(t, "cost", SF_ALIGN_LEFT) ||
	    sf_table_add_column(t, "money", SF_ALIGN_RIGHT))
		goto nomem;
	{
		const char *names[] = {"units (monthly cost)", "deployments (arrivals)",
		                       "soft-veto penalties", "total"};
		double vals[] = {p->cost_units, p->cost_deploy, p->cost_soft, p->cost_total};
		for (size_t i = 0; i < 4; i++)
			if (sf_table_begin_row(t) || sf_table_add_cell(t, names[i]) ||
			    sf_table_add_cell(t, money(vals[i], b1, sizeof(b1))))
				goto nomem;
	}
	if (section(out, md, "Cost", t))
		goto nomem;
	sf_table_free(t);

	/* Binding constraints. */
	t = sf_table_new();
	if (t == NULL || sf_table_add_column(t, "constraint", SF_ALIGN_LEFT) ||
	    sf_table_add_column(t, "contributor", SF_ALIGN_LEFT) ||
	    sf_table_add_column(t, "months", SF_ALIGN_LEFT))
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
