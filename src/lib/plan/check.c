/*
 * check.c - check-plan: verify a plan JSON against its scenario, from the
 * assignment rows alone.
 *
 * The point of this module is independence. It reads the plan as written
 * (docs/output.md) and the scenario as loaded, and recomputes everything
 * else itself: requirements R[tau][l][m] from the task rules, sector
 * attributes, threat, ramps and openings; provided capability from the
 * rows; shortfall, Z1, FOC; personnel per month and contributor; the cost
 * parts of Z2 (units, soft-veto penalties, arrivals). It calls nothing of
 * the planner or the model builder, and not even the scenario reader's
 * lookup functions: ids are resolved through a sorted index built here and
 * month labels are formatted here, so that the only shared code is the
 * loaded sf_scenario itself.
 *
 * What is checked, in order:
 *   1. each assignment row: ids exist, month in 1..M, units a whole number
 *      >= 1, contributor/unit/label (when present) agree with the pledge and
 *      month; a row failing these is reported and left out of every sum;
 *   2. each row is allowed (the existence rules of x in model.md), and no
 *      (month, pledge, location, task) appears twice;
 *   3. per month: pledge size, troop ceiling, national caps, share cap;
 *   4. coverage rows of the plan against the recomputed ones, Z1 against
 *      stage1.objective and z1 whatever the stage's status, each stage's
 *      bound and gap, FOC against foc_month and foc_label, the binding
 *      block against the months the rows leave no slack in;
 *   5. Z2 against stage2.objective (when stage 2 ran), the cost block, the
 *      personnel and personnel_total rows.
 *
 * Tolerances: a constraint lhs <= rhs is violated when lhs > rhs +
 * max(1e-6, 1e-6 |rhs|); a reported figure a matches a recomputed b when
 * |a - b| <= 1e-6 max(|a|, |b|) + 1e-6. A shortfall counts as zero for FOC
 * when it is at most 1e-6 max(1, R).
 *
 * Structural problems that make the file not a plan (bad JSON, the top
 * level not an object, no `assignments` array, no `stage1` object) are
 * SF_ERR_INPUT; everything else is a violation in the report.
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_VIOLATIONS = 1000 };

/* The most units a row may hold: a pledge's count is at most this (schema.c). */
#define SF_CHECK_MAX_UNITS 1e9
/* The gap of a stage proven optimal: 0, written as a double. */
#define SF_CHECK_PROVEN_GAP 1e-12

/* ---------------------------------------------------------------- */
/* Id lookup: a sorted array of (id, index), searched by bsearch.     */

typedef struct id_entry {
	const char *id;
	size_t index;
} id_entry;

typedef struct id_index {
	id_entry *e;
	size_t n;
} id_index;

static int id_entry_cmp(const void *a, const void *b)
{
	const id_entry *x = a, *y = b;
	return strcmp(x->id, y->id);
}

static long id_index_find(const id_index *ix, const char *id)
{
	id_entry key = {id, 0};
	const id_entry *hit;

	if (ix->n == 0)
		return -1;
	hit = bsearch(&key, ix->e, ix->n, sizeof(*ix->e), id_entry_cmp);
	return hit ? (long)hit->index : -1;
}

/* ---------------------------------------------------------------- */
/* The checker's state.                                               */

typedef struct checker {
	const sf_scenario *sc;
	sf_check_report *r;
	const char *name;
	sf_status oom;  /* SF_ERR_NOMEM once an append failed */
	size_t dropped; /* violations past MAX_VIOLATIONS */
	int M;          /* months */
	size_t nloc;    /* sectors + mission */
	size_t ns;      /* sectors */
	id_index pledges, tasks, locs;

	/* Sums over the valid rows. */
	long *first_row;      /* [((p*nloc + l)*nt + t)*M + m-1]: first row, -1 none */
	double *pledge_units; /* [p*M + m-1] */
	double *units_at;     /* [(p*nloc + l)*M + m-1], summed over tasks */
	double *provided;     /* [(t*nloc + l)*M + m-1] */
	double *required;     /* same indexing */
	double *in_sectors;   /* [m-1] personnel inside sectors */
	double *at_mission;   /* [m-1] */
	double *c_in;         /* [c*M + m-1] in-sector personnel of contributor c */
	double *c_all;        /* [c*M + m-1] personnel of c at all locations */
	double *cell;         /* [((p*nloc + l)*nt + t)*M + m-1] units of the valid rows */
	double cost_units, cost_soft, cost_deploy;

	/* Format 2 (a0 = 1 and none of these in format 1). */
	int a0;         /* first planned month */
	double *pres;   /* [p*M + m-1] present, as the plan says */
	double *arr;    /* [p*M + m-1] arrivals, as the plan says */
	double *h_cell; /* recorded units, cell indexing, months < a0 */
	double *h_pres; /* [p*M + m-1] recorded presence, months < a0 */
	double *h_arr;  /* [p*M + m-1] recorded arrivals, months <= a0 */
	double cost_moves, cost_changes;
} checker;

static char *fmt_num(char *buf, size_t n, double x)
{
	if (x == 0)
		x = 0; /* no "-0" */
	sf_snprintf(buf, n, "%.10g", x);
	return buf;
}

/* "month 3 (2026-03)" */
static char *month_text(const checker *ck, int m, char *buf, size_t n)
{
	int y = ck->sc->start_year, mo = ck->sc->start_month;
	int k = (mo - 1) + (m - 1);

	if (m < 1 || m > ck->M) {
		sf_snprintf(buf, n, "month %d", m);
		return buf;
	}
	sf_snprintf(buf, n, "month %d (%04d-%02d)", m, y + k / 12, k % 12 + 1);
	return buf;
}

static void month_label(const checker *ck, int m, char *buf, size_t n)
{
	int k = (ck->sc->start_month - 1) + (m - 1);
	sf_snprintf(buf, n, "%04d-%02d", ck->sc->start_year + k / 12, k % 12 + 1);
}

static const char *loc_id(const checker *ck, size_t l)
{
	return l == ck->ns ? "mission" : ck->sc->sectors[l].id;
}

static int exceeds(double lhs, double rhs)
{
	return lhs > rhs + sf__tol_rel(SF_TOL_FEASIBILITY, rhs);
}

static int close_enough(double a, double b)
{
	return fabs(a - b) <= SF_TOL_FEASIBILITY * fmax(fabs(a), fabs(b)) + SF_TOL_FEASIBILITY;
}

static void add_violation(checker *ck, long row, int month, const char *what, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

/*
 * Append a violation. Past MAX_VIOLATIONS they are only counted; the
 * last slot then says how many were left out (written at the end).
 */
static void add_violation(checker *ck, long row, int month, const char *what, const char *fmt, ...)
{
	sf_check_report *r = ck->r;
	sf_violation *v;
	va_list ap;

	if (r->count >= MAX_VIOLATIONS) {
		ck->dropped++;
		return;
	}
	if (r->count == r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 16;
		sf_violation *ni = sf__reallocarray(r->items, ncap, sizeof(*ni));
		if (!ni) {
			ck->oom = SF_ERR_NOMEM;
			ck->dropped++;
			return;
		}
		r->items = ni;
		r->cap = ncap;
	}
	v = &r->items[r->count++];
	memset(v, 0, sizeof(*v));
	v->row = row;
	v->month = month;
	sf_strlcpy(v->what, what, sizeof(v->what));
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- */
/* Reading JSON values.                                               */

/* An integer, or a real with an integral value. 0 on success. */
static int json_whole(const sf_json *v, double *out)
{
	if (sf_json_is_integer(v)) {
		*out = (double)sf_json_integer(v);
		return 0;
	}
	if (sf_json_typeof(v) == SF_JSON_REAL) {
		double d = sf_json_number(v);
		if (isfinite(d) && d == floor(d)) {
			*out = d;
			return 0;
		}
	}
	return -1;
}

/* What a JSON value is, for messages: "missing", "the string \"4\"", "2.5". */
static const char *json_describe(const sf_json *v, char *buf, size_t n)
{
	char num[32];

	switch (sf_json_typeof(v)) {
	case SF_JSON_ABSENT:
		sf_snprintf(buf, n, "missing");
		break;
	case SF_JSON_STRING:
		sf_snprintf(buf, n, "the string \"%.24s\"%s", sf_json_string(v),
		            sf_json_string_length(v) > 24 ? "..." : "");
		break;
	case SF_JSON_INTEGER:
	case SF_JSON_REAL:
		sf_snprintf(buf, n, "%s", fmt_num(num, sizeof(num), sf_json_number(v)));
		break;
	case SF_JSON_TRUE:
	case SF_JSON_FALSE:
		sf_snprintf(buf, n, "%s", sf_json_typeof(v) == SF_JSON_TRUE ? "true" : "false");
		break;
	case SF_JSON_NULL:
		sf_snprintf(buf, n, "null");
		break;
	default:
		sf_snprintf(buf, n, "%s", sf_json_is_array(v) ? "an array" : "an object");
	}
	return buf;
}

static int json_num(const sf_json *v, double *out)
{
	if (!sf_json_is_number(v))
		return -1;
	*out = sf_json_number(v);
	return 0;
}

static const char *json_str(const sf_json *obj, const char *key)
{
	return sf_json_string(sf_json_get(obj, key));
}

/* ---------------------------------------------------------------- */
/* Requirements, recomputed from the scenario as model.md defines.    */

static double ramp_level(const sf_task *t, int m)
{
	double level = 0;

	if (t->nramp == 0 || !t->ramp)
		return 1;
	for (size_t i = 0; i < t->nramp; i++)
		if (t->ramp[i].from <= m)
			level = t->ramp[i].level;
	return level;
}

static double sector_attr(const sf_sector *s, const char *name)
{
	for (size_t i = 0; i < s->nattrs; i++)
		if (strcmp(s->attrs[i].name, name) == 0)
			return s->attrs[i].value;
	return 0;
}

/* R[t][l][m]; 0 where the task's scope does not match the location. */
static double requirement(const checker *ck, size_t t, size_t l, int m)
{
	const sf_task *task = &ck->sc->tasks[t];
	double base;

	if (task->scope == SF_SCOPE_MISSION) {
		if (l != ck->ns)
			return 0;
		return task->req_value * ramp_level(task, m);
	}
	if (l == ck->ns)
		return 0;
	const sf_sector *s = &ck->sc->sectors[l];
	if (m < s->opens)
		return 0;
	switch (task->req_kind) {
	case SF_REQ_PER:
		base = task->req_every > 0 ? sector_attr(s, task->req_per) / task->req_every : 0;
		break;
	case SF_REQ_VALUE:
		base = task->req_value;
		break;
	case SF_REQ_BY_SECTOR:
		base = task->req_by_sector ? task->req_by_sector[l] : 0;
		break;
	default:
		base = 0;
		break;
	}
	return base * s->threat * ramp_level(task, m);
}

static int scope_ok(const checker *ck, size_t t, size_t l)
{
	int mission_task = ck->sc->tasks[t].scope == SF_SCOPE_MISSION;
	return mission_task == (l == ck->ns);
}

static int veto_covers(const checker *ck, const sf_veto *v, size_t c, size_t l)
{
	if (!v->active || v->contributor != c || l >= ck->ns)
		return 0;
	return v->all_sectors || (v->sector_mask && v->sector_mask[l]);
}

/*
 * A stakeholder's condition, read again from its fields (docs/model.md,
 * "Conditions"), without the library's sf_condition_forbids(): 1 when it
 * covers pledge p at l on task t and does not allow month m.
 */
static int condition_forbids(const checker *ck, const sf_condition *c, size_t p, size_t l, size_t t,
                             int m)
{
	const sf_pledge *pl = &ck->sc->pledges[p];
	int met = 0;

	if (!c->active || l >= ck->ns)
		return 0;
	if ((c->contributors &&
	     (pl->contributor >= c->ncontributors_named || !c->contributors[pl->contributor])) ||
	    (c->unit_types && (pl->unit >= c->nunit_types_named || !c->unit_types[pl->unit])) ||
	    (c->tasks && !c->tasks[t]) || (c->sectors && !c->sectors[l]))
		return 0;
	if (c->kind == SF_CONDITION_CONSENT)
		return c->consent != SF_CONSENT_GIVEN && m >= c->from && m <= c->to;
	if (c->not_before > 0)
		return m < c->not_before;
	/* Walk the months up to m: the latest value on or before each month's
	 * first day; once one meets the threshold, every later month is allowed. */
	for (int k = 1; k <= m && !met; k++) {
		const sf_indicator_value *latest = NULL;
		for (size_t i = 0; i < c->nvalues; i++)
			if (c->values[i].month <= k)
				latest = &c->values[i];
		if (latest)
			met = c->below ? latest->value < c->threshold
			               : latest->value > c->threshold;
	}
	return !met;
}

/* ---------------------------------------------------------------- */
/* Setup.                                                             */

static sf_status build_index(id_index *ix, size_t n, const char *(*get)(const checker *, size_t),
                             const checker *ck)
{
	ix->n = 0;
	ix->e = sf__mallocarray(n ? n : 1, sizeof(*ix->e));
	if (!ix->e)
		return SF_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		ix->e[i].id = get(ck, i);
		ix->e[i].index = i;
	}
	ix->n = n;
	qsort(ix->e, n, sizeof(*ix->e), id_entry_cmp);
	return SF_OK;
}

static const char *get_pledge_id(const checker *ck, size_t i)
{
	return ck->sc->pledges[i].id;
}

static const char *get_task_id(const checker *ck, size_t i)
{
	return ck->sc->tasks[i].id;
}

static const char *get_loc_id(const checker *ck, size_t i)
{
	return loc_id(ck, i);
}

static void checker_release(checker *ck)
{
	free(ck->pledges.e);
	free(ck->tasks.e);
	free(ck->locs.e);
	free(ck->first_row);
	free(ck->pledge_units);
	free(ck->units_at);
	free(ck->provided);
	free(ck->required);
	free(ck->in_sectors);
	free(ck->at_mission);
	free(ck->c_in);
	free(ck->c_all);
	free(ck->cell);
	free(ck->pres);
	free(ck->arr);
	free(ck->h_cell);
	free(ck->h_pres);
	free(ck->h_arr);
}

static double *zeros(size_t a, size_t b, size_t c)
{
	size_t n;

	if (b && a > SIZE_MAX / b)
		return NULL;
	n = a * b;
	if (c && n > SIZE_MAX / c)
		return NULL;
	n *= c;
	return calloc(n ? n : 1, sizeof(double));
}

static sf_status checker_init(checker *ck, const sf_scenario *sc, sf_check_report *r,
                              const char *name)
{
	size_t M, np = sc->npledges, nt = sc->ntasks, nc = sc->ncontributors, ncell;

	memset(ck, 0, sizeof(*ck));
	ck->sc = sc;
	ck->r = r;
	ck->name = name;
	ck->M = sc->months;
	ck->ns = sc->nsectors;
	ck->nloc = sc->nsectors + 1;
	M = (size_t)sc->months;

	if (build_index(&ck->pledges, np, get_pledge_id, ck) ||
	    build_index(&ck->tasks, nt, get_task_id, ck) ||
	    build_index(&ck->locs, ck->nloc, get_loc_id, ck))
		return SF_ERR_NOMEM;

	ck->pledge_units = zeros(np, M, 1);
	ck->units_at = zeros(np, ck->nloc, M);
	ck->provided = zeros(nt, ck->nloc, M);
	ck->required = zeros(nt, ck->nloc, M);
	ck->in_sectors = zeros(M, 1, 1);
	ck->at_mission = zeros(M, 1, 1);
	ck->c_in = zeros(nc, M, 1);
	ck->c_all = zeros(nc, M, 1);
	if (!ck->pledge_units || !ck->units_at || !ck->provided || !ck->required ||
	    !ck->in_sectors || !ck->at_mission || !ck->c_in || !ck->c_all)
		return SF_ERR_NOMEM;

	ncell = np * ck->nloc; /* nloc >= 1 and small: no overflow here */
	if (nt && ncell > SIZE_MAX / nt)
		return SF_ERR_NOMEM;
	ncell *= nt;
	if (M && ncell > SIZE_MAX / M)
		return SF_ERR_NOMEM;
	ncell *= M;
	ck->first_row = sf__mallocarray(ncell ? ncell : 1, sizeof(long));
	ck->cell = calloc(ncell ? ncell : 1, sizeof(double));
	if (!ck->first_row || !ck->cell)
		return SF_ERR_NOMEM;
	ck->a0 = 1;
	if (sc->format >= 2) {
		ck->a0 = sc->a0;
		ck->pres = zeros(np, M, 1);
		ck->arr = zeros(np, M, 1);
		ck->h_pres = zeros(np, M, 1);
		ck->h_arr = zeros(np, M, 1);
		ck->h_cell = calloc(ncell ? ncell : 1, sizeof(double));
		if (!ck->pres || !ck->arr || !ck->h_pres || !ck->h_arr || !ck->h_cell)
			return SF_ERR_NOMEM;
	}
	for (size_t i = 0; i < ncell; i++)
		ck->first_row[i] = -1;
	return SF_OK;
}

/* ---------------------------------------------------------------- */
/* Assignment rows.                                                   */

/*
 * Read row i's fields. Returns 0 and fills the indices when the row is
 * well formed, -1 (after reporting why) when it must be left out.
 */
static int read_row(checker *ck, long i, const sf_json *row, int *month, size_t *p, size_t *l,
                    size_t *t, double *units)
{
	const sf_scenario *sc = ck->sc;
	const char *ps, *ls, *ts, *s;
	double d;
	int ok = 1;
	long k;
	char mt[48];

	if (!sf_json_is_object(row)) {
		add_violation(ck, i, 0, "row", "assignment row %ld is not an object", i);
		return -1;
	}
	*month = 0;
	if (json_whole(sf_json_get(row, "month"), &d) || d < 1 || d > ck->M) {
		add_violation(ck, i, 0, "row",
		              "assignment row %ld: month is not a whole number in 1..%d", i, ck->M);
		ok = 0;
	} else {
		*month = (int)d;
	}
	month_text(ck, *month, mt, sizeof(mt));

	ps = json_str(row, "pledge");
	if (!ps) {
		add_violation(ck, i, *month, "row", "assignment row %ld: no pledge id", i);
		ok = 0;
	} else if ((k = id_index_find(&ck->pledges, ps)) < 0) {
		add_violation(ck, i, *month, "row", "assignment row %ld: unknown pledge '%s'", i,
		              ps);
		ok = 0;
	} else {
		*p = (size_t)k;
	}
	ls = json_str(row, "location");
	if (!ls) {
		add_violation(ck, i, *month, "row", "assignment row %ld: no location id", i);
		ok = 0;
	} else if ((k = id_index_find(&ck->locs, ls)) < 0) {
		add_violation(ck, i, *month, "row", "assignment row %ld: unknown location '%s'", i,
		              ls);
		ok = 0;
	} else {
		*l = (size_t)k;
	}
	ts = json_str(row, "task");
	if (!ts) {
		add_violation(ck, i, *month, "row", "assignment row %ld: no task id", i);
		ok = 0;
	} else if ((k = id_index_find(&ck->tasks, ts)) < 0) {
		add_violation(ck, i, *month, "row", "assignment row %ld: unknown task '%s'", i, ts);
		ok = 0;
	} else {
		*t = (size_t)k;
	}
	const sf_json *u = sf_json_get(row, "units");
	if (json_whole(u, &d) || d < 1 || d > SF_CHECK_MAX_UNITS) {
		char nb[64];
		add_violation(ck, i, *month, "row",
		              "assignment row %ld: units is %s, not a whole number in 1..%.0f", i,
		              json_describe(u, nb, sizeof(nb)), SF_CHECK_MAX_UNITS);
		ok = 0;
	} else {
		*units = d;
	}
	if (!ok)
		return -1;

	const sf_pledge *pl = &sc->pledges[*p];
	s = json_str(row, "contributor");
	if (s && strcmp(s, sc->contributors[pl->contributor].id) != 0) {
		add_violation(ck, i, *month, "row",
		              "assignment row %ld: pledge %s belongs to contributor %s, not %s", i,
		              pl->id, sc->contributors[pl->contributor].id, s);
		ok = 0;
	}
	s = json_str(row, "unit");
	if (s && strcmp(s, sc->unit_types[pl->unit].id) != 0) {
		add_violation(ck, i, *month, "row",
		              "assignment row %ld: pledge %s offers unit type %s, not %s", i,
		              pl->id, sc->unit_types[pl->unit].id, s);
		ok = 0;
	}
	s = json_str(row, "label");
	if (s) {
		char lab[16];
		month_label(ck, *month, lab, sizeof(lab));
		if (strcmp(s, lab) != 0) {
			add_violation(ck, i, *month, "row",
			              "assignment row %ld: label %s does not match %s", i, s, mt);
			ok = 0;
		}
	}
	return ok ? 0 : -1;
}

/* The existence rules of x[p][l][t][m] (model.md, Variables). */
static void check_allowed(checker *ck, long i, int m, size_t p, size_t l, size_t t)
{
	const sf_scenario *sc = ck->sc;
	const sf_pledge *pl = &sc->pledges[p];
	const sf_contributor *c = &sc->contributors[pl->contributor];
	const sf_unit_type *u = &sc->unit_types[pl->unit];
	const char *tid = sc->tasks[t].id, *lid = loc_id(ck, l);
	char mt[48];

	month_text(ck, m, mt, sizeof(mt));
	if (!pl->active)
		add_violation(ck, i, m, "pledge_inactive", "%s: pledge %s is not active", mt,
		              pl->id);
	if (!c->active)
		add_violation(ck, i, m, "contributor_inactive",
		              "%s: pledge %s: contributor %s is not active", mt, pl->id, c->id);
	if (m < pl->from || m > pl->to)
		add_violation(ck, i, m, "availability",
		              "%s: pledge %s is available only in months %d..%d", mt, pl->id,
		              pl->from, pl->to);
	if (!(u->capability[t] > 0))
		add_violation(ck, i, m, "capability",
		              "%s: pledge %s: unit type %s has no capability for task %s", mt,
		              pl->id, u->id, tid);
	if (!scope_ok(ck, t, l))
		add_violation(ck, i, m, "scope",
		              "%s: pledge %s: task %s has scope %s, not done at %s", mt, pl->id,
		              tid, sc->tasks[t].scope == SF_SCOPE_MISSION ? "mission" : "sector",
		              lid);
	if (pl->task_ok && !pl->task_ok[t])
		add_violation(ck, i, m, "caveat_task", "%s: pledge %s may not do task %s (caveat)",
		              mt, pl->id, tid);
	if (pl->loc_ok && !pl->loc_ok[l])
		add_violation(ck, i, m, "caveat_location",
		              "%s: pledge %s may not be at %s (caveat)", mt, pl->id, lid);
	for (size_t v = 0; v < sc->nvetoes; v++) {
		const sf_veto *ve = &sc->vetoes[v];
		if (ve->kind == SF_VETO_HARD && veto_covers(ck, ve, pl->contributor, l))
			add_violation(ck, i, m, "hard_veto",
			              "%s: pledge %s of %s at %s: %s has a hard veto on %s there",
			              mt, pl->id, c->id, lid, sc->stakeholders[ve->stakeholder].id,
			              c->id);
	}
	for (size_t k = 0; k < sc->nconditions; k++) {
		const sf_condition *cd = &sc->conditions[k];
		if (condition_forbids(ck, cd, p, l, t, m))
			add_violation(ck, i, m, "condition",
			              "%s: pledge %s of %s on %s at %s: %s's %s condition %s does "
			              "not allow it that month",
			              mt, pl->id, c->id, tid, lid,
			              sc->stakeholders[cd->stakeholder].id,
			              sf_condition_kind_str(cd->kind), cd->id);
	}
	if (l < ck->ns && m < sc->sectors[l].opens)
		add_violation(ck, i, m, "sector_closed",
		              "%s: pledge %s at %s: the sector opens in month %d", mt, pl->id, lid,
		              sc->sectors[l].opens);
}

static void add_row(checker *ck, long i, int m, size_t p, size_t l, size_t t, double units)
{
	const sf_scenario *sc = ck->sc;
	const sf_pledge *pl = &sc->pledges[p];
	const sf_unit_type *u = &sc->unit_types[pl->unit];
	size_t M = (size_t)ck->M, mi = (size_t)(m - 1), c = pl->contributor;
	double persons = units * u->personnel;
	size_t cell = ((p * ck->nloc + l) * sc->ntasks + t) * M + mi;

	if (ck->first_row[cell] >= 0) {
		char mt[48];
		month_text(ck, m, mt, sizeof(mt));
		add_violation(ck, i, m, "duplicate",
		              "%s: pledge %s at %s on task %s already assigned in row %ld", mt,
		              pl->id, loc_id(ck, l), sc->tasks[t].id, ck->first_row[cell]);
	} else {
		ck->first_row[cell] = i;
	}
	ck->cell[cell] += units;
	ck->pledge_units[p * M + mi] += units;
	ck->units_at[(p * ck->nloc + l) * M + mi] += units;
	ck->provided[(t * ck->nloc + l) * M + mi] += u->capability[t] * units;
	ck->c_all[c * M + mi] += persons;
	if (sc->format < 2)
		ck->cost_units += u->monthly_cost * units;
	if (l < ck->ns) {
		ck->in_sectors[mi] += persons;
		ck->c_in[c * M + mi] += persons;
		for (size_t v = 0; v < sc->nvetoes && m >= ck->a0; v++) {
			const sf_veto *ve = &sc->vetoes[v];
			if (ve->kind == SF_VETO_SOFT && veto_covers(ck, ve, c, l))
				ck->cost_soft += ve->penalty * persons;
		}
	} else {
		ck->at_mission[mi] += persons;
	}
}

/* ---------------------------------------------------------------- */
/* Monthly constraints.                                               */

static void check_monthly(checker *ck)
{
	const sf_scenario *sc = ck->sc;
	size_t M = (size_t)ck->M;
	char mt[48], a[32], b[32], c2[32], d[32];

	for (int m = ck->a0; m <= ck->M; m++) {
		size_t mi = (size_t)(m - 1);
		month_text(ck, m, mt, sizeof(mt));
		for (size_t p = 0; p < sc->npledges; p++) {
			double used = ck->pledge_units[p * M + mi];
			if (exceeds(used, sc->pledges[p].count))
				add_violation(
				        ck, -1, m, "pledge_size",
				        "%s: pledge %s has %s units assigned, more than the %d "
				        "pledged",
				        mt, sc->pledges[p].id, fmt_num(a, sizeof(a), used),
				        sc->pledges[p].count);
		}
		if (exceeds(ck->in_sectors[mi], sc->troop_ceiling))
			add_violation(ck, -1, m, "ceiling",
			              "%s: in-sector personnel %s exceeds the troop ceiling %s", mt,
			              fmt_num(a, sizeof(a), ck->in_sectors[mi]),
			              fmt_num(b, sizeof(b), sc->troop_ceiling));
		for (size_t c = 0; c < sc->ncontributors; c++) {
			const sf_contributor *co = &sc->contributors[c];
			double all = ck->c_all[c * M + mi], in = ck->c_in[c * M + mi];
			if (sc->format < 2 && co->has_cap && exceeds(all, co->cap))
				add_violation(ck, -1, m, "national_cap",
				              "%s: contributor %s has %s personnel deployed, above "
				              "its cap %s",
				              mt, co->id, fmt_num(a, sizeof(a), all),
				              fmt_num(b, sizeof(b), co->cap));
			if (sc->has_max_share && in > 0 &&
			    exceeds(in, sc->max_share * ck->in_sectors[mi]))
				add_violation(
				        ck, -1, m, "share_cap",
				        "%s: contributor %s has %s of %s in-sector personnel, "
				        "above the largest share %s (at most %s)",
				        mt, co->id, fmt_num(a, sizeof(a), in),
				        fmt_num(b, sizeof(b), ck->in_sectors[mi]),
				        fmt_num(c2, sizeof(c2), sc->max_share),
				        fmt_num(d, sizeof(d), sc->max_share * ck->in_sectors[mi]));
		}
	}
}

/* ---------------------------------------------------------------- */
/* Coverage, Z1, FOC, Z2.                                             */

static size_t cov_index(const checker *ck, size_t t, size_t l, int m)
{
	return (t * ck->nloc + l) * (size_t)ck->M + (size_t)(m - 1);
}

static double shortfall_at(const checker *ck, size_t k)
{
	return fmax(0, ck->required[k] - ck->provided[k]);
}

/* Fill required[], return Z1 and set *foc (0 = never). */
static double compute_coverage(checker *ck, int *foc)
{
	const sf_scenario *sc = ck->sc;
	double z1 = 0;
	int last_short = 0;

	for (size_t t = 0; t < sc->ntasks; t++)
		for (size_t l = 0; l < ck->nloc; l++) {
			if (!scope_ok(ck, t, l))
				continue;
			for (int m = 1; m <= ck->M; m++) {
				size_t k = cov_index(ck, t, l, m);
				double g;
				ck->required[k] = requirement(ck, t, l, m);
				g = shortfall_at(ck, k);
				if (m >= ck->a0)
					z1 += sc->tasks[t].weight * g;
				if (g > sf__tol_rel(SF_TOL_SHORTFALL, ck->required[k]) &&
				    m > last_short)
					last_short = m;
			}
		}
	*foc = last_short >= ck->M ? 0 : last_short + 1;
	return z1;
}

static double compute_deploy(const checker *ck)
{
	const sf_scenario *sc = ck->sc;
	size_t M = (size_t)ck->M;
	double cost = 0;

	for (size_t p = 0; p < sc->npledges; p++) {
		double d = sc->unit_types[sc->pledges[p].unit].deploy_cost;
		for (size_t l = 0; l < ck->nloc; l++) {
			const double *x = &ck->units_at[(p * ck->nloc + l) * M];
			for (size_t mi = 0; mi < M; mi++) {
				double prev = mi ? x[mi - 1] : 0;
				if (x[mi] > prev)
					cost += d * (x[mi] - prev);
			}
		}
	}
	return cost;
}

/* Compare one reported number with its recomputed value. */
static void compare_field(checker *ck, int m, const char *what, const sf_json *obj, const char *key,
                          double want, const char *subject)
{
	double got;
	char a[32], b[32];

	if (json_num(sf_json_get(obj, key), &got)) {
		add_violation(ck, -1, m, what, "%s: no number %s", subject, key);
		return;
	}
	if (!close_enough(got, want))
		add_violation(ck, -1, m, what, "%s: the plan says %s %s, recomputed %s", subject,
		              key, fmt_num(a, sizeof(a), got), fmt_num(b, sizeof(b), want));
}

static void check_coverage_rows(checker *ck, const sf_json *cov)
{
	const sf_scenario *sc = ck->sc;
	size_t ncell = sc->ntasks * ck->nloc * (size_t)ck->M, i;
	unsigned char *seen;
	const sf_json *row;
	char mt[48], subject[SF_ERROR_MESSAGE_MAX / 2];

	if (!sf_json_is_array(cov)) {
		add_violation(ck, -1, 0, "coverage", "the plan has no coverage array");
		return;
	}
	seen = calloc(ncell ? ncell : 1, 1);
	if (!seen) {
		ck->oom = SF_ERR_NOMEM;
		return;
	}
	for (i = 0; (row = sf_json_at(cov, i)) != NULL; i++) {
		double d;
		long t, l;
		const char *ts = json_str(row, "task"), *ls = json_str(row, "location");
		int m;

		if (json_whole(sf_json_get(row, "month"), &d) || d < 1 || d > ck->M || !ts || !ls) {
			add_violation(
			        ck, -1, 0, "coverage",
			        "coverage row %zu: needs a month in 1..%d, a task and a location",
			        i, ck->M);
			continue;
		}
		m = (int)d;
		month_text(ck, m, mt, sizeof(mt));
		t = id_index_find(&ck->tasks, ts);
		l = id_index_find(&ck->locs, ls);
		if (t < 0 || l < 0) {
			add_violation(ck, -1, m, "coverage", "coverage row %zu: unknown %s '%s'", i,
			              t < 0 ? "task" : "location", t < 0 ? ts : ls);
			continue;
		}
		if (!scope_ok(ck, (size_t)t, (size_t)l)) {
			add_violation(ck, -1, m, "coverage",
			              "coverage row %zu: task %s is not done at %s", i, ts, ls);
			continue;
		}
		size_t k = cov_index(ck, (size_t)t, (size_t)l, m);
		if (seen[k]) {
			add_violation(ck, -1, m, "coverage",
			              "%s: coverage of task %s at %s is listed twice (row %zu)", mt,
			              ts, ls, i);
			continue;
		}
		seen[k] = 1;
		sf_snprintf(subject, sizeof(subject), "%s: coverage of task %s at %s", mt, ts, ls);
		compare_field(ck, m, "coverage", row, "required", ck->required[k], subject);
		compare_field(ck, m, "coverage", row, "provided", ck->provided[k], subject);
		compare_field(ck, m, "coverage", row, "shortfall", shortfall_at(ck, k), subject);
	}
	for (size_t t = 0; t < sc->ntasks; t++)
		for (size_t l = 0; l < ck->nloc; l++) {
			if (!scope_ok(ck, t, l))
				continue;
			for (int m = 1; m <= ck->M; m++)
				if (!seen[cov_index(ck, t, l, m)])
					add_violation(ck, -1, m, "coverage",
					              "%s: no coverage row for task %s at %s",
					              month_text(ck, m, mt, sizeof(mt)),
					              sc->tasks[t].id, loc_id(ck, l));
		}
	free(seen);
}

/* personnel and personnel_total against the recomputed sums. */
static void check_personnel(checker *ck, const sf_json *root)
{
	const sf_scenario *sc = ck->sc;
	const sf_json *arr, *row;
	size_t M = (size_t)ck->M, i;
	unsigned char *seen;
	char mt[48], subject[SF_ERROR_MESSAGE_MAX / 2];

	arr = sf_json_get(root, "personnel_total");
	if (sf_json_is_array(arr)) {
		for (i = 0; (row = sf_json_at(arr, i)) != NULL; i++) {
			double d;
			if (json_whole(sf_json_get(row, "month"), &d) || d < 1 || d > ck->M) {
				add_violation(ck, -1, 0, "personnel",
				              "personnel_total row %zu: no month in 1..%d", i,
				              ck->M);
				continue;
			}
			int m = (int)d;
			size_t mi = (size_t)(m - 1);
			sf_snprintf(subject, sizeof(subject), "%s: personnel_total",
			            month_text(ck, m, mt, sizeof(mt)));
			compare_field(ck, m, "personnel", row, "in_sectors", ck->in_sectors[mi],
			              subject);
			compare_field(ck, m, "personnel", row, "at_mission", ck->at_mission[mi],
			              subject);
		}
	}

	arr = sf_json_get(root, "personnel");
	if (!sf_json_is_array(arr))
		return;
	seen = calloc(sc->ncontributors * M + 1, 1);
	if (!seen) {
		ck->oom = SF_ERR_NOMEM;
		return;
	}
	for (i = 0; (row = sf_json_at(arr, i)) != NULL; i++) {
		double d;
		const char *cs = json_str(row, "contributor");
		long c = -1;

		for (size_t k = 0; cs && k < sc->ncontributors; k++)
			if (strcmp(sc->contributors[k].id, cs) == 0)
				c = (long)k;
		if (json_whole(sf_json_get(row, "month"), &d) || d < 1 || d > ck->M || c < 0) {
			add_violation(ck, -1, 0, "personnel",
			              "personnel row %zu: needs a month in 1..%d and a known "
			              "contributor",
			              i, ck->M);
			continue;
		}
		int m = (int)d;
		size_t k = (size_t)c * M + (size_t)(m - 1);
		seen[k] = 1;
		sf_snprintf(subject, sizeof(subject), "%s: personnel of %s",
		            month_text(ck, m, mt, sizeof(mt)), cs);
		compare_field(ck, m, "personnel", row, "in_sectors", ck->c_in[k], subject);
		compare_field(ck, m, "personnel", row, "at_mission", ck->c_all[k] - ck->c_in[k],
		              subject);
	}
	for (size_t c = 0; c < sc->ncontributors; c++)
		for (int m = 1; m <= ck->M; m++) {
			size_t k = c * M + (size_t)(m - 1);
			if (!seen[k] && ck->c_all[k] > 0)
				add_violation(ck, -1, m, "personnel",
				              "%s: no personnel row for contributor %s",
				              month_text(ck, m, mt, sizeof(mt)),
				              sc->contributors[c].id);
		}
	free(seen);
}

static int stage_has_plan(const sf_json *stage)
{
	const char *s = json_str(stage, "status");
	return s && (strcmp(s, "optimal") == 0 || strcmp(s, "feasible") == 0);
}

/*
 * Whether a constraint with this slack binds (slack small enough, as
 * docs/output.md says), 2 when it is violated (reported elsewhere: its
 * month is not compared).
 */
static int binds(double slack, double rhs)
{
	double tol = sf__tol_rel(SF_TOL_FEASIBILITY, rhs);
	return slack < -tol ? 2 : slack <= tol;
}

/* months[m-1] = 1 for each month listed in the array v; 0 when v is a list of months. */
static int read_months(const checker *ck, const sf_json *v, unsigned char *months)
{
	double d;

	memset(months, 0, (size_t)ck->M);
	if (!sf_json_is_array(v))
		return -1;
	for (size_t i = 0; i < sf_json_size(v); i++) {
		if (json_whole(sf_json_at(v, i), &d) || d < 1 || d > ck->M)
			return -1;
		months[(size_t)d - 1] = 1;
	}
	return 0;
}

/* Compare a reported list of binding months with the recomputed one. */
static void compare_months(checker *ck, const char *what, const char *who,
                           const unsigned char *said, const unsigned char *is)
{
	char mt[48];

	for (int m = ck->a0; m <= ck->M; m++) {
		if (said[m - 1] == is[m - 1] || is[m - 1] == 2)
			continue;
		month_text(ck, m, mt, sizeof(mt));
		add_violation(ck, -1, m, "binding", "binding.%s%s%s %s %s, but the rows %s", what,
		              who ? " of " : "", who ? who : "",
		              said[m - 1] ? "lists" : "leaves out", mt,
		              is[m - 1] ? "make it bind" : "leave slack");
	}
}

/*
 * The binding block: the months where the troop ceiling, each
 * contributor's share cap and national cap bind, recomputed from the
 * personnel of the rows (format 2: a national cap counts presence).
 */
static void check_binding(checker *ck, const sf_json *bd)
{
	const sf_scenario *sc = ck->sc;
	const size_t M = (size_t)ck->M;
	static const char *const keys[] = {"share_cap", "national_cap"};
	unsigned char *said = calloc(M + 1, 1), *is = calloc(M + 1, 1);
	char a[32];

	if (!said || !is) {
		ck->oom = SF_ERR_NOMEM;
		goto out;
	}
	if (!sf_json_is_object(bd)) {
		add_violation(ck, -1, 0, "binding", "binding is %s, not an object",
		              json_describe(bd, a, sizeof(a)));
		goto out;
	}
	if (read_months(ck, sf_json_get(bd, "ceiling_months"), said) != 0) {
		add_violation(ck, -1, 0, "binding",
		              "binding.ceiling_months is not a list of months");
	} else {
		for (size_t mi = 0; mi < M; mi++)
			is[mi] = isfinite(sc->troop_ceiling)
			                 ? (unsigned char)binds(sc->troop_ceiling -
			                                                ck->in_sectors[mi],
			                                        sc->troop_ceiling)
			                 : 0;
		compare_months(ck, "ceiling_months", NULL, said, is);
	}
	for (size_t k = 0; k < 2; k++) {
		const sf_json *list = sf_json_get(bd, keys[k]);
		size_t c;
		if (!sf_json_is_array(list)) {
			add_violation(ck, -1, 0, "binding", "binding.%s is not a list", keys[k]);
			continue;
		}
		for (c = 0; c < sc->ncontributors; c++) {
			const sf_contributor *co = &sc->contributors[c];
			memset(said, 0, M);
			for (size_t i = 0; i < sf_json_size(list); i++) {
				const sf_json *e = sf_json_at(list, i);
				const char *id = json_str(e, "contributor");
				if (id && strcmp(id, co->id) == 0 &&
				    read_months(ck, sf_json_get(e, "months"), said) != 0)
					add_violation(
					        ck, -1, 0, "binding",
					        "binding.%s of %s: months is not a list of months",
					        keys[k], co->id);
			}
			for (size_t mi = 0; mi < M; mi++) {
				double in = ck->c_in[c * M + mi], all = ck->c_all[c * M + mi];
				if (k == 0) {
					double tot = ck->in_sectors[mi];
					is[mi] = sc->has_max_share && in > 0
					                 ? (unsigned char)binds(
					                           sc->max_share * tot - in,
					                           sc->max_share * tot)
					                 : 0;
				} else {
					if (sc->format >= 2 && ck->pres) {
						all = 0;
						for (size_t p = 0; p < sc->npledges; p++)
							if (sc->pledges[p].contributor == c)
								all += ck->pres[p * M + mi] *
								       sc->unit_types[sc->pledges[p]
								                              .unit]
								               .personnel;
					}
					is[mi] = co->has_cap && co->active
					                 ? (unsigned char)binds(co->cap - all,
					                                        co->cap)
					                 : 0;
				}
			}
			compare_months(ck, keys[k], co->id, said, is);
		}
	}
out:
	free(said);
	free(is);
}

/* |objective - bound| / max(|objective|, SF_GAP_DEN_MIN): docs/model.md, written here again. */
static double own_gap(double objective, double bound)
{
	double den = fmax(fabs(objective), SF_GAP_DEN_MIN);
	return isfinite(objective - bound) ? fabs(objective - bound) / den : 1;
}

/*
 * A stage's bound and gap: numbers; the bound is a proven lower bound, so
 * neither the reported objective nor the rows' own value may be below it;
 * the gap is what objective and bound give; a stage 1 said optimal is
 * proven (gap 0, bound = objective) unless its `proven` says otherwise
 * (below). `value` is the recomputed objective.
 */
static void check_bound(checker *ck, const char *name, const sf_json *st, double value,
                        int proven_when_optimal)
{
	const sf_json *bv = sf_json_get(st, "bound"), *gv = sf_json_get(st, "gap");
	const char *status = json_str(st, "status");
	double obj, bound, gap;
	char a[32], b[32], c[32], e[32];

	if (json_num(sf_json_get(st, "objective"), &obj) || (!bv && !gv))
		return; /* reported by the caller; a plan without them claims nothing */
	if (json_num(bv, &bound)) {
		add_violation(ck, -1, 0, "bound", "%s.bound is %s, not a number", name,
		              json_describe(bv, a, sizeof(a)));
		return;
	}
	if (json_num(gv, &gap) || !(gap >= 0)) {
		add_violation(ck, -1, 0, "gap", "%s.gap is %s, not a number >= 0", name,
		              json_describe(gv, a, sizeof(a)));
		return;
	}
	if (exceeds(bound, obj))
		add_violation(ck, -1, 0, "bound",
		              "%s.bound %s is above its objective %s: a lower bound cannot be",
		              name, fmt_num(a, sizeof(a), bound), fmt_num(b, sizeof(b), obj));
	if (exceeds(bound, value))
		add_violation(ck, -1, 0, "bound",
		              "%s.bound %s is above what the rows give (%s): the plan would beat a "
		              "proven bound",
		              name, fmt_num(a, sizeof(a), bound), fmt_num(b, sizeof(b), value));
	if (!close_enough(gap, own_gap(obj, bound)))
		add_violation(
		        ck, -1, 0, "gap", "%s.gap is %s but objective %s and bound %s give %s",
		        name, fmt_num(a, sizeof(a), gap), fmt_num(b, sizeof(b), obj),
		        fmt_num(c, sizeof(c), bound), fmt_num(e, sizeof(e), own_gap(obj, bound)));
	/*
	 * A stage 1 stopped at the gap asked for (`--gap`) is optimal with its
	 * gap and says whether that gap counts as proven (`proven`, at most
	 * SF_GAP_PROVEN; docs/model.md, "Stage 1 to a gap"). A plan without
	 * `proven` claims a proven optimum: gap 0.
	 */
	const sf_json *pv = sf_json_get(st, "proven");
	double most = !pv                                   ? SF_CHECK_PROVEN_GAP
	              : sf_json_typeof(pv) == SF_JSON_FALSE ? HUGE_VAL
	                                                    : SF_GAP_PROVEN;
	if (proven_when_optimal && status && strcmp(status, "optimal") == 0 && !(gap <= most))
		add_violation(ck, -1, 0, "gap", "%s is optimal (proven) but its gap is %s, not 0",
		              name, fmt_num(a, sizeof(a), gap));
}

static void check_objectives(checker *ck, const sf_json *root, int foc)
{
	sf_check_report *r = ck->r;
	const sf_json *st1 = sf_json_get(root, "stage1"), *st2 = sf_json_get(root, "stage2");
	const sf_json *cost = sf_json_get(root, "cost"), *fv;
	char a[32], b[32], c[32], e[32], f[32];
	double d;

	/* Z1 is checked whatever the status says: a plan file holds a plan. */
	if (!stage_has_plan(st1))
		add_violation(ck, -1, 0, "stage1",
		              "stage1.status is %s: a plan file holds a stage-1 plan, optimal or "
		              "feasible",
		              json_describe(sf_json_get(st1, "status"), a, sizeof(a)));
	if (json_num(sf_json_get(st1, "objective"), &r->z1_reported))
		add_violation(ck, -1, 0, "z1", "stage1 has no objective");
	else if (!close_enough(r->z1_reported, r->z1))
		add_violation(ck, -1, 0, "z1",
		              "stage1.objective is %s but the rows give a weighted shortfall Z1 = "
		              "%s",
		              fmt_num(a, sizeof(a), r->z1_reported), fmt_num(b, sizeof(b), r->z1));
	fv = sf_json_get(root, "z1");
	if (!fv)
		; /* an older plan: stage1.objective says it */
	else if (json_num(fv, &d))
		add_violation(ck, -1, 0, "z1", "z1 is %s, not a number",
		              json_describe(fv, a, sizeof(a)));
	else if (!close_enough(d, r->z1))
		add_violation(ck, -1, 0, "z1",
		              "z1 is %s but the rows give a weighted shortfall Z1 = %s",
		              fmt_num(a, sizeof(a), d), fmt_num(b, sizeof(b), r->z1));
	check_bound(ck, "stage1", st1, r->z1, 1);
	if (stage_has_plan(st2)) {
		check_bound(ck, "stage2", st2, r->z2, 0);
		if (json_num(sf_json_get(st2, "objective"), &r->z2_reported))
			add_violation(ck, -1, 0, "z2", "stage2 has a plan but no objective");
		else if (!close_enough(r->z2_reported, r->z2))
			add_violation(ck, -1, 0, "z2",
			              "stage2.objective is %s but the rows cost Z2 = %s (units %s, "
			              "soft vetoes %s, arrivals %s)",
			              fmt_num(a, sizeof(a), r->z2_reported),
			              fmt_num(b, sizeof(b), r->z2),
			              fmt_num(c, sizeof(c), ck->cost_units),
			              fmt_num(e, sizeof(e), ck->cost_soft),
			              fmt_num(f, sizeof(f), ck->cost_deploy));
	}
	if (sf_json_is_object(cost)) {
		static const char *const keys[] = {"units", "soft_veto", "deploy", "moves",
		                                   "total"};
		double want[5] = {ck->cost_units, ck->cost_soft, ck->cost_deploy, ck->cost_moves,
		                  r->z2};
		for (size_t k = 0; k < SF_ARRAY_LEN(keys); k++)
			if (sf_json_get(cost, keys[k]))
				compare_field(ck, 0, "cost", cost, keys[k], want[k], "cost");
	}

	fv = sf_json_get(root, "foc_month");
	if (!fv) {
		add_violation(ck, -1, 0, "foc", "the plan has no foc_month");
	} else if (sf_json_is_null(fv)) {
		if (foc != 0)
			add_violation(
			        ck, -1, foc, "foc",
			        "foc_month is null (never) but every shortfall is 0 from %s on",
			        month_text(ck, foc, a, sizeof(a)));
	} else if (json_whole(fv, &d)) {
		add_violation(ck, -1, 0, "foc", "foc_month is neither a month nor null");
	} else if (d != (double)foc) {
		if (foc == 0)
			add_violation(
			        ck, -1, 0, "foc",
			        "foc_month is %s but some shortfall remains in the last month "
			        "(FOC never)",
			        fmt_num(a, sizeof(a), d));
		else
			add_violation(ck, -1, foc, "foc",
			              "foc_month is %s but the rows reach FOC in %s",
			              fmt_num(a, sizeof(a), d), month_text(ck, foc, b, sizeof(b)));
	}
	fv = sf_json_get(root, "foc_label");
	if (!fv)
		; /* not written: nothing to compare */
	else if (foc == 0 && !sf_json_is_null(fv))
		add_violation(ck, -1, 0, "foc", "foc_label is %s but FOC is never reached (null)",
		              json_describe(fv, a, sizeof(a)));
	else if (foc != 0) {
		month_label(ck, foc, b, sizeof(b));
		if (!sf_json_is_string(fv) || strcmp(sf_json_string(fv), b) != 0)
			add_violation(ck, -1, foc, "foc",
			              "foc_label is %s but the rows reach FOC in %s",
			              json_describe(fv, a, sizeof(a)), b);
	}
	if (sf_json_get(root, "binding"))
		check_binding(ck, sf_json_get(root, "binding"));
}

/* ---------------------------------------------------------------- */
/* Format 2: presence, arrivals, departures, stays, tours, reception, */
/* history, caps on presence, and the costs of the planned months.    */
/* Every rule is recomputed here from the scenario (docs/model.md,    */
/* "Format 2"), none taken from the reader's helpers or the planner.  */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long civil_days(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The month index (1 = mandate.start) of a day number. */
static long day_month(const checker *ck, long z)
{
	long era, doe, yoe, y, doy, mp, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	return (y - ck->sc->start_year) * 12 + (m - ck->sc->start_month) + 1;
}

/* e_p = max(from, a0, month(as_of + lead_days)); M + 1 when after the plan. */
static int earliest(const checker *ck, size_t p)
{
	const sf_pledge *pl = &ck->sc->pledges[p];
	const char *a = ck->sc->as_of;
	long e = pl->from > ck->a0 ? pl->from : ck->a0, y, mo, d, r;

	if (a && sscanf(a, "%4ld-%2ld-%2ld", &y, &mo, &d) == 3) {
		r = day_month(ck, civil_days(y, mo, d) + pl->lead_days);
		if (r > ck->M)
			return ck->M + 1;
		if (r > e)
			e = r;
	}
	return (int)e;
}

static int min_stay(const checker *ck, size_t p)
{
	const sf_pledge *pl = &ck->sc->pledges[p];
	int k = pl->min_stay_months > 0 ? pl->min_stay_months
	                                : ck->sc->unit_types[pl->unit].min_stay_months;
	return k > 0 ? k : 1;
}

/* Capacity of month m: the last reception step from <= m, 0 before the first. */
static double reception_cap(const checker *ck, int m)
{
	double cap = 0;
	for (size_t i = 0; i < ck->sc->nreception; i++)
		if (ck->sc->reception[i].from <= m)
			cap = ck->sc->reception[i].personnel;
	return cap;
}

/* 1 when pledge p may serve a sector task in some sector (its arrivals use reception). */
static int enters_sectors(const checker *ck, size_t p)
{
	const sf_scenario *sc = ck->sc;
	const sf_pledge *pl = &sc->pledges[p];
	int task = 0;

	for (size_t t = 0; t < sc->ntasks; t++)
		if (sc->tasks[t].scope == SF_SCOPE_SECTOR && (!pl->task_ok || pl->task_ok[t]) &&
		    sc->unit_types[pl->unit].capability[t] > 0)
			task = 1;
	if (!task)
		return 0;
	for (size_t l = 0; l < ck->ns; l++) {
		int vetoed = 0;
		if (pl->loc_ok && !pl->loc_ok[l])
			continue;
		for (size_t v = 0; v < sc->nvetoes; v++)
			if (sc->vetoes[v].kind == SF_VETO_HARD &&
			    veto_covers(ck, &sc->vetoes[v], pl->contributor, l))
				vetoed = 1;
		if (vetoed)
			continue;
		/* ...and some sector task in some month no condition forbids. */
		for (size_t t = 0; t < sc->ntasks; t++) {
			if (sc->tasks[t].scope != SF_SCOPE_SECTOR ||
			    (pl->task_ok && !pl->task_ok[t]) ||
			    !(sc->unit_types[pl->unit].capability[t] > 0))
				continue;
			for (int m = 1; m <= sc->months; m++) {
				int forbidden = 0;
				for (size_t k = 0; k < sc->nconditions && !forbidden; k++)
					forbidden = condition_forbids(ck, &sc->conditions[k], p, l,
					                              t, m);
				if (!forbidden)
					return 1;
			}
		}
	}
	return 0;
}

static size_t cell_index(const checker *ck, size_t p, size_t l, size_t t, int m)
{
	return ((p * ck->nloc + l) * ck->sc->ntasks + t) * (size_t)ck->M + (size_t)(m - 1);
}

/* What `deployed:` records, months < a0 (arrivals up to a0). */
static void build_recorded(checker *ck)
{
	const sf_scenario *sc = ck->sc;
	size_t M = (size_t)ck->M;

	for (size_t d = 0; d < sc->ndeployed; d++) {
		const sf_deployment *dp = &sc->deployed[d];
		if (dp->since < 1 || dp->since > ck->a0)
			continue;
		ck->h_arr[dp->pledge * M + (size_t)(dp->since - 1)] += dp->units;
		for (int m = dp->since; m < ck->a0; m++) {
			ck->h_pres[dp->pledge * M + (size_t)(m - 1)] += dp->units;
			ck->h_cell[cell_index(ck, dp->pledge, dp->location, dp->task, m)] +=
			        dp->units;
		}
	}
}

/* Read the plan's `presence` rows into pres[] and arr[]; departures are checked against them. */
static void read_presence(checker *ck, const sf_json *root, double *dep)
{
	const sf_json *arr = sf_json_get(root, "presence"), *row;
	size_t M = (size_t)ck->M, i;
	char mt[48];

	if (!sf_json_is_array(arr)) {
		add_violation(ck, -1, 0, "presence",
		              "a format-2 plan needs a `presence` array (units present, arrivals, "
		              "departures per pledge and month)");
		return;
	}
	for (i = 0; (row = sf_json_at(arr, i)) != NULL; i++) {
		double d, n, a, de;
		const char *ps = json_str(row, "pledge");
		long p = ps ? id_index_find(&ck->pledges, ps) : -1;
		if (json_whole(sf_json_get(row, "month"), &d) || d < 1 || d > ck->M || p < 0 ||
		    json_whole(sf_json_get(row, "present"), &n) ||
		    json_whole(sf_json_get(row, "arrivals"), &a) ||
		    json_whole(sf_json_get(row, "departures"), &de) || n < 0 || a < 0 || de < 0) {
			add_violation(
			        ck, -1, 0, "presence",
			        "presence row %zu: needs a month in 1..%d, a known pledge and "
			        "whole numbers present, arrivals, departures >= 0",
			        i, ck->M);
			continue;
		}
		size_t k = (size_t)p * M + (size_t)(d - 1);
		if (ck->pres[k] != 0 || ck->arr[k] != 0 || dep[k] != 0) {
			add_violation(ck, -1, (int)d, "presence",
			              "%s: pledge %s is listed twice in presence",
			              month_text(ck, (int)d, mt, sizeof(mt)), ps);
			continue;
		}
		ck->pres[k] = n;
		ck->arr[k] = a;
		dep[k] = de;
	}
}

/* The recorded months equal what `deployed:` records. */
static void check_history(checker *ck, size_t p, int m)
{
	const sf_scenario *sc = ck->sc;
	size_t M = (size_t)ck->M, k = p * M + (size_t)(m - 1);
	char mt[48], a[32], b[32];

	month_text(ck, m, mt, sizeof(mt));
	for (size_t l = 0; l < ck->nloc; l++)
		for (size_t t = 0; t < sc->ntasks; t++) {
			size_t c = cell_index(ck, p, l, t, m);
			if (ck->cell[c] != ck->h_cell[c])
				add_violation(
				        ck, -1, m, "history",
				        "%s is recorded: pledge %s has %s units at %s on task %s, "
				        "the deployments say %s",
				        mt, sc->pledges[p].id, fmt_num(a, sizeof(a), ck->cell[c]),
				        loc_id(ck, l), sc->tasks[t].id,
				        fmt_num(b, sizeof(b), ck->h_cell[c]));
		}
	if (ck->pres[k] != ck->h_pres[k] || ck->arr[k] != ck->h_arr[k])
		add_violation(ck, -1, m, "history",
		              "%s is recorded: pledge %s has %s present and %s arriving, the "
		              "deployments say %s and %s",
		              mt, sc->pledges[p].id, fmt_num(a, sizeof(a), ck->pres[k]),
		              fmt_num(b, sizeof(b), ck->arr[k]),
		              fmt_num(a, sizeof(a), ck->h_pres[k]),
		              fmt_num(b, sizeof(b), ck->h_arr[k]));
}

/* Arrivals of p in the months m - k + 1..m (all of them, recorded ones included). */
static double window_arrivals(const checker *ck, size_t p, int m, int k)
{
	double sum = 0;
	for (int w = m - k + 1; w <= m; w++)
		if (w >= 1)
			sum += ck->arr[p * (size_t)ck->M + (size_t)(w - 1)];
	return sum;
}

/* Flow, presence bounds, notice, stay and tour of pledge p in month m. */
static void check_pledge_month(checker *ck, size_t p, int m, const double *dep, int e)
{
	const sf_scenario *sc = ck->sc;
	const sf_pledge *pl = &sc->pledges[p];
	size_t M = (size_t)ck->M, k = p * M + (size_t)(m - 1);
	double prev = m > 1 ? ck->pres[k - 1] : 0, n = ck->pres[k];
	double planned_arr = ck->arr[k] - (m == ck->a0 ? ck->h_arr[k] : 0);
	int alive = pl->active && sc->contributors[pl->contributor].active;
	char mt[48], a[32], b[32], c[32];

	month_text(ck, m, mt, sizeof(mt));
	if (n != prev + ck->arr[k] - dep[k])
		add_violation(
		        ck, -1, m, "flow",
		        "%s: pledge %s: %s present is not %s (the month before) + %s arriving "
		        "- %s leaving",
		        mt, pl->id, fmt_num(a, sizeof(a), n), fmt_num(b, sizeof(b), prev),
		        fmt_num(c, sizeof(c), ck->arr[k]), fmt_num(a, sizeof(a), dep[k]));
	if (ck->pledge_units[k] > n)
		add_violation(ck, -1, m, "presence",
		              "%s: pledge %s has %s units on tasks but only %s present", mt, pl->id,
		              fmt_num(a, sizeof(a), ck->pledge_units[k]), fmt_num(b, sizeof(b), n));
	if (m < ck->a0)
		return;
	if (n > pl->count || (n > 0 && (m > pl->to || !alive)))
		add_violation(ck, -1, m, "presence",
		              "%s: pledge %s has %s units present; it offers %d in months %d..%d%s",
		              mt, pl->id, fmt_num(a, sizeof(a), n), pl->count, pl->from, pl->to,
		              alive ? "" : " and is not active");
	if (planned_arr < 0)
		add_violation(ck, -1, m, "history",
		              "%s: pledge %s: %s arriving, fewer than the %s recorded", mt, pl->id,
		              fmt_num(a, sizeof(a), ck->arr[k]),
		              fmt_num(b, sizeof(b), ck->h_arr[k]));
	if (planned_arr > 0 && m < e)
		add_violation(
		        ck, -1, m, "notice",
		        "%s: pledge %s: %s units arrive before month %d, the first its notice "
		        "of %d days from as_of allows",
		        mt, pl->id, fmt_num(a, sizeof(a), planned_arr), e, pl->lead_days);
	if (m <= pl->to) {
		int ks = min_stay(ck, p);
		double must = window_arrivals(ck, p, m, ks);
		if (exceeds(must, n))
			add_violation(
			        ck, -1, m, "stay",
			        "%s: pledge %s: %s units arrived in the last %d months (minimum "
			        "stay) but only %s are present",
			        mt, pl->id, fmt_num(a, sizeof(a), must), ks,
			        fmt_num(b, sizeof(b), n));
	}
	if (pl->tour_months > 0) {
		double within = window_arrivals(ck, p, m, pl->tour_months);
		if (exceeds(n, within))
			add_violation(
			        ck, -1, m, "tour",
			        "%s: pledge %s: %s present but only %s arrived in the last %d "
			        "months (tour length)",
			        mt, pl->id, fmt_num(a, sizeof(a), n), fmt_num(b, sizeof(b), within),
			        pl->tour_months);
	}
}

/*
 * Moves and changes of task of pledge p in month m (m >= 2), as docs/model.md
 * counts them: changes = max(0, cell increases + reserve increase - A),
 * moves = max(0, location increases + reserve increase - A).
 */
static void count_moves(const checker *ck, size_t p, int m, double *moves, double *retasks)
{
	const sf_scenario *sc = ck->sc;
	size_t M = (size_t)ck->M, k = p * M + (size_t)(m - 1);
	double cells = 0, locs = 0, now = 0, before = 0, A = ck->arr[k], res;

	for (size_t l = 0; l < ck->nloc; l++) {
		double yn = 0, yp = 0;
		for (size_t t = 0; t < sc->ntasks; t++) {
			double xn = ck->cell[cell_index(ck, p, l, t, m)];
			double xp = ck->cell[cell_index(ck, p, l, t, m - 1)];
			cells += fmax(0, xn - xp);
			yn += xn;
			yp += xp;
		}
		locs += fmax(0, yn - yp);
		now += yn;
		before += yp;
	}
	res = fmax(0, (ck->pres[k] - now) - (ck->pres[k - 1] - before));
	*moves = fmax(0, locs + res - A);
	*retasks = fmax(0, cells + res - A) - *moves;
}

/* Soft-veto penalty per person at location l for contributor c. */
static double soft_penalty(const checker *ck, size_t c, size_t l)
{
	double sum = 0;
	for (size_t v = 0; v < ck->sc->nvetoes; v++) {
		const sf_veto *ve = &ck->sc->vetoes[v];
		if (ve->kind == SF_VETO_SOFT && veto_covers(ck, ve, c, l))
			sum += ve->penalty;
	}
	return sum;
}

/* The moves' cost of pledge p in month m (m >= 2), 0 outside the plan. */
static double move_cost_at(const checker *ck, size_t p, int m)
{
	const sf_unit_type *u = &ck->sc->unit_types[ck->sc->pledges[p].unit];
	double mv, rt;

	if (m < 2 || m > ck->M || m < ck->a0)
		return 0;
	count_moves(ck, p, m, &mv, &rt);
	return u->move_cost * mv + u->retask_cost * rt;
}

/*
 * No wandering (docs/model.md): a pledge whose units change location or
 * task in month m, with the same units present and none arriving or
 * leaving, could keep them where they were in m - 1. When that keeps
 * every limit, does not raise the weighted shortfall and costs less
 * (moves in m and m + 1, soft vetoes in m), the move was for nothing:
 * a `wandering` violation. One pledge and one month at a time: a check of
 * the plan as it stands, not a search for a better one.
 */
static void check_wandering(checker *ck)
{
	const sf_scenario *sc = ck->sc;
	const size_t M = (size_t)ck->M, nl = ck->nloc, nt = sc->ntasks;
	double *saved = malloc(nl * nt * sizeof(double) + 1);
	char mt[48], a[32];

	if (saved == NULL) {
		ck->oom = SF_ERR_NOMEM;
		return;
	}
	for (size_t p = 0; p < sc->npledges; p++) {
		const sf_pledge *pl = &sc->pledges[p];
		const sf_unit_type *u = &sc->unit_types[pl->unit];
		size_t c = pl->contributor;
		for (int m = ck->a0 > 2 ? ck->a0 : 2; m <= ck->M; m++) {
			size_t k = p * M + (size_t)(m - 1);
			double before, after, dz1 = 0, din = 0, dmine = 0, mv, rt;
			count_moves(ck, p, m, &mv, &rt);
			if (mv + rt <= 0 || ck->arr[k] != 0 || ck->pres[k] != ck->pres[k - 1] ||
			    ck->pledge_units[k] != ck->pledge_units[k - 1])
				continue;
			before = move_cost_at(ck, p, m) + move_cost_at(ck, p, m + 1);
			/* Keep month m - 1's cells in m: the changes of coverage,
			 * shortfall, in-sector personnel and penalties. */
			for (size_t l = 0; l < nl; l++)
				for (size_t t = 0; t < nt; t++) {
					size_t cm = cell_index(ck, p, l, t, m);
					double d = ck->cell[cm - 1] - ck->cell[cm];
					saved[l * nt + t] = ck->cell[cm];
					if (d == 0)
						continue;
					size_t kc = cov_index(ck, t, l, m);
					double prov = ck->provided[kc] + u->capability[t] * d;
					dz1 += sc->tasks[t].weight *
					       (fmax(0, ck->required[kc] - prov) -
					        shortfall_at(ck, kc));
					if (l < ck->ns) {
						din += d * u->personnel;
						dmine += d * u->personnel;
					}
				}
			after = 0;
			for (size_t l = 0; l < nl; l++)
				for (size_t t = 0; t < nt; t++) {
					size_t cm = cell_index(ck, p, l, t, m);
					double d = ck->cell[cm - 1] - ck->cell[cm];
					after += d * u->personnel * soft_penalty(ck, c, l);
					ck->cell[cm] = ck->cell[cm - 1];
				}
			after += move_cost_at(ck, p, m) + move_cost_at(ck, p, m + 1);
			for (size_t l = 0; l < nl; l++)
				for (size_t t = 0; t < nt; t++)
					ck->cell[cell_index(ck, p, l, t, m)] = saved[l * nt + t];
			/* The alternative must keep the ceiling and the share cap. */
			{
				size_t mi = (size_t)(m - 1);
				double total = ck->in_sectors[mi] + din,
				       mine = ck->c_in[c * M + mi] + dmine;
				if (exceeds(total, sc->troop_ceiling))
					continue;
				if (sc->has_max_share) {
					int breaks =
					        mine > 0 && exceeds(mine, sc->max_share * total);
					for (size_t o = 0; o < sc->ncontributors && !breaks; o++)
						if (o != c && ck->c_in[o * M + mi] > 0 &&
						    exceeds(ck->c_in[o * M + mi],
						            sc->max_share * total))
							breaks = 1;
					if (breaks)
						continue;
				}
			}
			if (dz1 <= SF_TOL_SHORTFALL &&
			    after < before - fmax(SF_TOL_FEASIBILITY, SF_TOL_ROUNDING * before))
				add_violation(
				        ck, -1, m, "wandering",
				        "%s: pledge %s changes location or task without lowering "
				        "the weighted shortfall: kept where it was in the month "
				        "before it would cost %s less",
				        month_text(ck, m, mt, sizeof(mt)), pl->id,
				        fmt_num(a, sizeof(a), before - after));
		}
	}
	free(saved);
}

/* Every format-2 rule, and the costs of the planned months. */
static void check_f2(checker *ck, const sf_json *root)
{
	const sf_scenario *sc = ck->sc;
	size_t M = (size_t)ck->M, np = sc->npledges;
	double *dep = zeros(np, M, 1), *c_pres = zeros(sc->ncontributors, M, 1);
	const sf_json *cost = sf_json_get(root, "cost"), *row;
	char mt[48], a[32], b[32];
	size_t i;

	if (!dep || !c_pres) {
		ck->oom = SF_ERR_NOMEM;
		goto out;
	}
	build_recorded(ck);
	read_presence(ck, root, dep);
	for (size_t p = 0; p < np; p++) {
		const sf_pledge *pl = &sc->pledges[p];
		const sf_unit_type *u = &sc->unit_types[pl->unit];
		int e = earliest(ck, p);
		double planned = 0, recorded = 0;
		for (int m = 1; m <= ck->M; m++) {
			size_t k = p * M + (size_t)(m - 1);
			if (m < ck->a0)
				check_history(ck, p, m);
			check_pledge_month(ck, p, m, dep, e);
			c_pres[pl->contributor * M + (size_t)(m - 1)] += u->personnel * ck->pres[k];
			recorded += m <= ck->a0 ? ck->h_arr[k] : 0;
			if (m < ck->a0)
				continue;
			planned += ck->arr[k] - (m == ck->a0 ? ck->h_arr[k] : 0);
			ck->cost_units += u->monthly_cost * ck->pres[k];
			ck->cost_deploy +=
			        u->deploy_cost * (ck->arr[k] - (m == ck->a0 ? ck->h_arr[k] : 0));
			if (m >= 2) {
				double mv, rt;
				count_moves(ck, p, m, &mv, &rt);
				ck->cost_moves += u->move_cost * mv + u->retask_cost * rt;
			}
		}
		if (pl->tours > 0 &&
		    exceeds(planned, fmax(0, (double)pl->tours * pl->count - recorded)))
			add_violation(
			        ck, -1, 0, "tours",
			        "pledge %s: %s arrivals planned and %s recorded, more than %d "
			        "tours of its %d units",
			        pl->id, fmt_num(a, sizeof(a), planned),
			        fmt_num(b, sizeof(b), recorded), pl->tours, pl->count);
	}
	for (int m = ck->a0; m <= ck->M; m++) {
		size_t mi = (size_t)(m - 1);
		month_text(ck, m, mt, sizeof(mt));
		if (sc->nreception > 0) {
			double in = 0, rec = 0, cap = reception_cap(ck, m);
			for (size_t p = 0; p < np; p++)
				if (enters_sectors(ck, p)) {
					double P = sc->unit_types[sc->pledges[p].unit].personnel;
					in += P * ck->arr[p * M + mi];
					rec += m == ck->a0 ? P * ck->h_arr[p * M + mi] : 0;
				}
			if (exceeds(in, fmax(cap, rec)))
				add_violation(ck, -1, m, "reception",
				              "%s: %s personnel arrive in the sectors, above the "
				              "reception capacity %s",
				              mt, fmt_num(a, sizeof(a), in),
				              fmt_num(b, sizeof(b), cap));
		}
		for (size_t c = 0; c < sc->ncontributors; c++) {
			const sf_contributor *co = &sc->contributors[c];
			if (co->has_cap && exceeds(c_pres[c * M + mi], co->cap))
				add_violation(
				        ck, -1, m, "national_cap",
				        "%s: contributor %s has %s personnel present, above its "
				        "cap %s",
				        mt, co->id, fmt_num(a, sizeof(a), c_pres[c * M + mi]),
				        fmt_num(b, sizeof(b), co->cap));
		}
	}
	/* The reported moves and changes of task per pledge and month. */
	for (i = 0; (row = sf_json_at(sf_json_get(root, "presence"), i)) != NULL; i++) {
		double d, mv, rt;
		const char *ps = json_str(row, "pledge");
		long p = ps ? id_index_find(&ck->pledges, ps) : -1;
		if (json_whole(sf_json_get(row, "month"), &d) || d < 2 || d > ck->M || p < 0 ||
		    d < ck->a0 || !sf_json_get(row, "moves"))
			continue;
		count_moves(ck, (size_t)p, (int)d, &mv, &rt);
		sf_snprintf(mt, sizeof(mt), "%s of %s", "moves", ps);
		compare_field(ck, (int)d, "moves", row, "moves", mv, mt);
		compare_field(ck, (int)d, "moves", row, "retasks", rt, mt);
	}
	/*
	 * Wandering is a violation of what the plan claims: moves proven
	 * minimal (`moves_status: optimal`, or no claim at all). A plan whose
	 * polish a time limit stopped says `feasible` ("a unit may move for
	 * nothing", docs/output.md), and is not refused for doing what it says.
	 */
	{
		const char *ms = json_str(root, "moves_status");
		if (ms == NULL || strcmp(ms, "feasible") != 0)
			check_wandering(ck);
	}
	/* Least change is charged against a baseline this check does not see. */
	if (sf_json_is_object(cost) && json_num(sf_json_get(cost, "changes"), &ck->cost_changes))
		ck->cost_changes = 0;
out:
	free(dep);
	free(c_pres);
}

/* ---------------------------------------------------------------- */
/* Entry points.                                                      */

void sf_check_report_init(sf_check_report *r)
{
	memset(r, 0, sizeof(*r));
	r->z1_reported = NAN;
	r->z2_reported = NAN;
}

void sf_check_report_release(sf_check_report *r)
{
	if (!r)
		return;
	free(r->items);
	sf_check_report_init(r);
}

sf_status sf_check_plan(const sf_scenario *sc, const char *text, size_t len, const char *name,
                        sf_check_report *r, sf_error *err)
{
	checker ck;
	sf_json *root = NULL;
	const sf_json *rows, *row, *scen, *months;
	sf_json_parse_error je;
	sf_status st;
	size_t i;
	int foc = 0;
	char nb[32];

	if (!name)
		name = "plan";
	sf_check_report_release(r);
	st = checker_init(&ck, sc, r, name);
	if (st) {
		sf_error_set(err, st, "out of memory checking '%s'", name);
		goto out;
	}
	if (sf__blank_text(text, len)) {
		st = sf_error_set_at(err, SF_ERR_INPUT, name, 1, 1, NULL,
		                     "the plan is empty: expected the JSON of `stabforce plan "
		                     "--format json`");
		goto out;
	}
	st = sf_json_parse(text, len, SF_JSON_REJECT_DUPLICATES, &root, &je);
	if (st == SF_ERR_NOMEM) {
		sf_error_set(err, st, "out of memory reading '%s'", name);
		goto out;
	}
	if (st != SF_OK) {
		st = sf_error_set_at(err, SF_ERR_INPUT, name, je.line, je.column, NULL,
		                     "invalid JSON: %s", je.text);
		goto out;
	}
	rows = sf_json_get(root, "assignments");
	if (!sf_json_is_object(root) || !sf_json_is_array(rows) ||
	    !sf_json_is_object(sf_json_get(root, "stage1"))) {
		st = sf_error_set_at(err, SF_ERR_INPUT, name, 1, 1, NULL,
		                     "'%s' is not a plan: it needs an object with `stage1` and "
		                     "`assignments`",
		                     name);
		goto out;
	}

	scen = sf_json_get(root, "scenario");
	if (sf_json_is_object(scen) && sf_json_is_number(sf_json_get(scen, "months")) &&
	    sf_json_number(sf_json_get(scen, "months")) != sc->months)
		add_violation(&ck, -1, 0, "scenario",
		              "the plan has %s months, the scenario %d: not a plan of this "
		              "scenario",
		              fmt_num(nb, sizeof(nb), sf_json_number(sf_json_get(scen, "months"))),
		              sc->months);
	months = sf_json_get(root, "months");
	if (sf_json_is_array(months) && sf_json_size(months) != (size_t)sc->months)
		add_violation(&ck, -1, 0, "scenario",
		              "the plan lists %zu months, the scenario has %d",
		              sf_json_size(months), sc->months);

	for (i = 0; (row = sf_json_at(rows, i)) != NULL; i++) {
		int m;
		size_t p = 0, l = 0, t = 0;
		double units = 0;
		if (read_row(&ck, (long)i, row, &m, &p, &l, &t, &units))
			continue;
		if (m >= ck.a0) /* recorded months: check_history */
			check_allowed(&ck, (long)i, m, p, l, t);
		add_row(&ck, (long)i, m, p, l, t, units);
	}
	r->nrows = sf_json_size(rows);

	check_monthly(&ck);
	r->z1 = compute_coverage(&ck, &foc);
	r->foc_month = foc;
	if (sc->format >= 2)
		check_f2(&ck, root);
	else
		ck.cost_deploy = compute_deploy(&ck);
	r->z2 = ck.cost_units + ck.cost_soft + ck.cost_deploy + ck.cost_moves + ck.cost_changes;
	check_coverage_rows(&ck, sf_json_get(root, "coverage"));
	check_objectives(&ck, root, foc);
	check_personnel(&ck, root);

	if (ck.dropped && r->count > 0) {
		sf_violation *v = &r->items[r->count - 1];
		v->row = -1;
		v->month = 0;
		sf_strlcpy(v->what, "truncated", sizeof(v->what));
		sf_snprintf(v->message, sizeof(v->message), "%zu more violations not listed",
		            ck.dropped + 1);
	}
	if (ck.oom) {
		st = sf_error_set(err, SF_ERR_NOMEM, "out of memory checking '%s'", name);
		goto out;
	}
	if (r->count > 0) {
		st = sf_error_set(err, SF_ERR_CHECK, "'%s': %zu violation%s", name,
		                  r->count + (ck.dropped ? ck.dropped : 0),
		                  r->count == 1 ? "" : "s");
		goto out;
	}
	st = SF_OK;
out:
	sf_json_free(root);
	checker_release(&ck);
	return st;
}

sf_status sf_check_report_write_text(const sf_check_report *r, sf_buf *out, sf_error *err)
{
	sf_status st = SF_OK;
	char a[32], b[32];

	for (size_t i = 0; i < r->count && !st; i++) {
		const sf_violation *v = &r->items[i];
		if (v->row >= 0)
			st = sf_buf_addf(out, "%s: row %ld: %s\n", v->what, v->row, v->message);
		else
			st = sf_buf_addf(out, "%s: %s\n", v->what, v->message);
	}
	if (!st && r->count == 0) {
		if (r->foc_month > 0)
			st = sf_buf_addf(out, "ok: %zu rows, Z1 = %s, Z2 = %s, FOC month %d\n",
			                 r->nrows, fmt_num(a, sizeof(a), r->z1),
			                 fmt_num(b, sizeof(b), r->z2), r->foc_month);
		else
			st = sf_buf_addf(out, "ok: %zu rows, Z1 = %s, Z2 = %s, FOC never\n",
			                 r->nrows, fmt_num(a, sizeof(a), r->z1),
			                 fmt_num(b, sizeof(b), r->z2));
	}
	if (st)
		return sf_error_set(err, st, "out of memory writing the check report");
	return SF_OK;
}
