#include "base/internal.h"

/*
 * feedback.c - inputs of the plan taken from the registers
 * (docs/scenario-format.md, "Inputs from the registers").
 *
 * A scenario may say `threat: from_register` for a sector and
 * `requirement: {from_aid: {...}}` for a task; the reader records that
 * (sf_sector.threat_from_register, sf_task.req_from_aid, sc->reg) and
 * leaves threat 1 and value 0. sf_scenario_apply_register() opens nothing
 * itself: it asks the store for the numbers (sf_register_threat,
 * sf_aid_escort_requirement), writes them into the scenario, and keeps one
 * sf_register_input per value so that the plan can say where each came
 * from. sf_scenario_apply_register_db() opens the store first, refusing a
 * store that does not exist (opening would create an empty one).
 *
 * A plan silently built on default numbers would be wrong without anyone
 * knowing, so missing data is an error (SF_ERR_INPUT, exit 2) telling the
 * user what to import, unless the scenario gives a `default` for that
 * input; a default that was used is marked (`defaulted`) and printed.
 *
 * The windows end on reg.as_of (register.as_of, else the scenario's as_of)
 * or, when neither is given, on the latest datum in the store: the latest
 * incident for the threat, the last aid figure of the source for escorts.
 *
 * What was taken is written into every plan's output by output/plan.c
 * (the "Inputs from the register" section, `register_inputs` in JSON).
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stabforce/register.h"

static int last_incident_cb(void *ctx, const sf_agg_row *row)
{
	long *last = ctx;

	if (row->count > 0 && (*last == SF_DAY_NONE || row->day > *last))
		*last = row->day;
	return 0;
}

/* Distinct aid sources with `entered` figures, and the last day per the filter. */
typedef struct aid_scan {
	char sources[8][64];
	size_t nsources;
	int more; /* more than 8 */
	long last;
	long from, ndays;
	unsigned char *seen; /* [ndays] days with a figure in the window */
} aid_scan;

static int aid_scan_cb(void *ctx, const sf_aid_row *row)
{
	aid_scan *a = ctx;
	size_t i;

	if (a->last == SF_DAY_NONE || row->day > a->last)
		a->last = row->day;
	if (a->seen && row->day >= a->from && row->day < a->from + a->ndays)
		a->seen[row->day - a->from] = 1;
	for (i = 0; i < a->nsources; i++) {
		if (strcmp(a->sources[i], row->source) == 0)
			return 0;
	}
	if (a->nsources < SF_ARRAY_LEN(a->sources))
		sf_strlcpy(a->sources[a->nsources++], row->source, sizeof(a->sources[0]));
	else
		a->more = 1;
	return 0;
}

static sf_status nomem(sf_error *err)
{
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory applying the register");
}

static sf_status apply_threat(sf_scenario *sc, sf_store *st, const char *where, sf_error *err)
{
	const sf_register_spec *r = &sc->reg;
	sf_threat_options o;
	sf_incident_filter f;
	sf_threat *th = NULL;
	double all_rate = 0;
	long as_of = SF_DAY_NONE;
	char from[16], to[16];
	sf_status rc;
	size_t i;
	int none;

	sf_threat_options_init(&o);
	o.window_days = r->threat_window_days;
	o.min = r->threat_min;
	o.max = r->threat_max;
	o.weight = r->threat_weight;
	o.population_attr = r->population_attr;
	if (r->as_of) {
		if (sf_date_parse(r->as_of, &as_of) != 0)
			return sf_error_set(err, SF_ERR_INPUT, "register as_of '%s' is not a date",
			                    r->as_of);
	} else {
		sf_incident_filter_init(&f);
		rc = sf_store_incident_aggregate(st, &f, SF_DIM_NONE, last_incident_cb, &as_of,
		                                 err);
		if (rc != SF_OK)
			return rc;
	}
	th = calloc(sc->nsectors ? sc->nsectors : 1, sizeof(*th));
	if (!th)
		return nomem(err);
	from[0] = to[0] = '\0';
	if (as_of != SF_DAY_NONE) {
		o.as_of = as_of;
		rc = sf_register_threat(st, sc, &o, th, &all_rate, err);
		if (rc != SF_OK)
			goto out;
		sf_date_format(as_of - o.window_days + 1, from, sizeof(from));
		sf_date_format(as_of, to, sizeof(to));
	}
	/* No incident in the window in any sector with a population: the
	 * formula would give every sector 1, which is a default, not data. */
	none = !(all_rate > 0);
	if (none && !r->threat_has_default) {
		if (as_of == SF_DAY_NONE)
			rc = sf_error_set_at(
			        err, SF_ERR_INPUT, sc->path, r->pos.line, r->pos.column, "register",
			        "the register '%s' holds no incident: import incidents "
			        "first (stabforce incidents import FILE --scenario %s "
			        "--db %s), or give register.threat.default",
			        where, sc->path, where);
		else
			rc = sf_error_set_at(
			        err, SF_ERR_INPUT, sc->path, r->pos.line, r->pos.column, "register",
			        "the register '%s' holds no incident in the scenario's "
			        "sectors from %s to %s: import incidents for that window "
			        "(stabforce incidents import FILE --scenario %s --db %s), change "
			        "register.as_of, or give register.threat.default",
			        where, from, to, sc->path, where);
		goto out;
	}
	for (i = 0; i < sc->nsectors; i++) {
		sf_sector *s = &sc->sectors[i];
		sf_register_input *in;
		if (!s->threat_from_register)
			continue;
		in = &sc->register_inputs[sc->nregister_inputs++];
		memset(in, 0, sizeof(*in));
		in->kind = SF_INPUT_THREAT;
		in->index = i;
		in->window_days = o.window_days;
		sf_strlcpy(in->window_from, from, sizeof(in->window_from));
		sf_strlcpy(in->window_to, to, sizeof(in->window_to));
		in->incidents = th[i].incidents;
		in->population = th[i].population;
		in->rate_per_100k = th[i].rate;
		in->all_sector_rate = all_rate;
		in->defaulted = none;
		in->value = none ? r->threat_default : th[i].multiplier;
		s->threat = in->value;
	}
	rc = SF_OK;
out:
	free(th);
	return rc;
}

static sf_status apply_aid(sf_scenario *sc, size_t ti, sf_store *st, const char *where,
                           sf_error *err)
{
	sf_task *t = &sc->tasks[ti];
	sf_register_input *in;
	sf_aid_filter q;
	aid_scan a;
	long as_of = SF_DAY_NONE, days = 0, i;
	double tpd = 0, esc = 0;
	const char *source = t->aid_source;
	char path[64], only[64];
	sf_status rc;

	sf_snprintf(path, sizeof(path), "tasks[%zu].requirement.from_aid", ti);
	memset(&a, 0, sizeof(a));
	a.last = SF_DAY_NONE;
	sf_aid_filter_init(&q);
	q.stage = SF_AID_ENTERED;
	q.source = source;
	/* Which sources are there, and the last figure of the one we count. */
	rc = sf_store_aid_query(st, &q, aid_scan_cb, &a, err);
	if (rc != SF_OK)
		return rc;
	if (!source && a.nsources > 1) {
		sf_buf names;
		sf_buf_init(&names, 256);
		for (size_t k = 0; k < a.nsources; k++)
			sf_buf_addf(&names, "%s'%s'", k ? ", " : "", a.sources[k]);
		rc = sf_error_set_at(err, SF_ERR_INPUT, sc->path, t->pos.line, t->pos.column, path,
		                     "the aid register '%s' holds figures from several sources "
		                     "(%s%s), which count differently: name one with "
		                     "from_aid.source",
		                     where, sf_buf_str(&names), a.more ? ", ..." : "");
		sf_buf_release(&names);
		return rc;
	}
	if (!source && a.nsources == 1) {
		sf_strlcpy(only, a.sources[0], sizeof(only)); /* a is reused below */
		source = only;
	}
	if (sc->reg.as_of) {
		if (sf_date_parse(sc->reg.as_of, &as_of) != 0)
			return sf_error_set(err, SF_ERR_INPUT, "register as_of '%s' is not a date",
			                    sc->reg.as_of);
	} else {
		as_of = a.last;
	}
	in = &sc->register_inputs[sc->nregister_inputs];
	memset(in, 0, sizeof(*in));
	in->kind = SF_INPUT_AID_ESCORTS;
	in->index = ti;
	in->window_days = t->aid_window_days;
	in->trucks_per_escort = t->aid_trucks_per_escort;
	sf_strlcpy(in->source, source ? source : "", sizeof(in->source));
	if (as_of != SF_DAY_NONE) {
		/* Days with a figure in the window (the mean's denominator). */
		memset(&a, 0, sizeof(a));
		a.last = SF_DAY_NONE;
		a.from = as_of - t->aid_window_days + 1;
		a.ndays = t->aid_window_days;
		a.seen = calloc((size_t)a.ndays, 1);
		if (!a.seen)
			return nomem(err);
		q.source = source;
		q.from_day = a.from;
		q.to_day = as_of;
		rc = sf_store_aid_query(st, &q, aid_scan_cb, &a, err);
		for (i = 0; i < a.ndays; i++)
			days += a.seen[i];
		free(a.seen);
		if (rc != SF_OK)
			return rc;
		sf_date_format(as_of - t->aid_window_days + 1, in->window_from,
		               sizeof(in->window_from));
		sf_date_format(as_of, in->window_to, sizeof(in->window_to));
	}
	if (days > 0) {
		rc = sf_aid_escort_requirement(st, source, as_of, t->aid_window_days,
		                               t->aid_trucks_per_escort, &tpd, &esc, err);
		if (rc != SF_OK)
			return rc;
	} else if (!t->aid_has_default) {
		if (as_of == SF_DAY_NONE)
			return sf_error_set_at(
			        err, SF_ERR_INPUT, sc->path, t->pos.line, t->pos.column, path,
			        "the aid register '%s' holds no truck figure%s%s%s: "
			        "import them first (stabforce aid import FILE --db %s), "
			        "or give from_aid.default",
			        where, source ? " from source '" : "", source ? source : "",
			        source ? "'" : "", where);
		return sf_error_set_at(err, SF_ERR_INPUT, sc->path, t->pos.line, t->pos.column,
		                       path,
		                       "the aid register '%s' holds no truck figure%s%s%s from %s "
		                       "to %s: import them (stabforce aid import FILE --db %s), "
		                       "change register.as_of, or give from_aid.default",
		                       where, source ? " from source '" : "", source ? source : "",
		                       source ? "'" : "", in->window_from, in->window_to, where);
	}
	in->days_with_data = days;
	in->trucks_per_day = tpd;
	in->defaulted = days == 0;
	in->value = days > 0 ? esc : t->aid_default;
	t->req_kind = SF_REQ_VALUE;
	t->req_value = in->value;
	sc->nregister_inputs++;
	return SF_OK;
}

int sf_scenario_takes_register(const sf_scenario *sc)
{
	if (sc->reg.used)
		return 1;
	for (size_t i = 0; i < sc->nconditions; i++)
		if (sc->conditions[i].from_register)
			return 1;
	return 0;
}

static sf_status inputs_alloc(sf_scenario *sc)
{
	size_t n = sc->nsectors + sc->ntasks + sc->nconditions;

	sc->nregister_inputs = 0;
	if (!sc->register_inputs)
		sc->register_inputs =
		        sf__arena_calloc(sc->arena, n ? n : 1, sizeof(*sc->register_inputs));
	return sc->register_inputs ? SF_OK : SF_ERR_NOMEM;
}

static int count_cb(void *ctx, const sf_agg_row *row)
{
	*(long *)ctx += row->count;
	return 0;
}

/*
 * Each condition whose indicator is a register count (after.register):
 * the non-retracted incidents the register placed in its sector over its
 * trailing window, ending on the register's as-of day (register.as_of,
 * else the scenario's as_of, else the latest incident), added as one more
 * dated value on the window's last day: the latest of that day, so it
 * decides from the first month starting on or after it (docs/model.md,
 * "Conditions"). The stated values stay: they decide the months before.
 */
static sf_status apply_conditions(sf_scenario *sc, sf_store *st, const char *where, sf_error *err)
{
	long as_of = SF_DAY_NONE;
	sf_incident_filter f;
	sf_status rc;

	for (size_t i = 0; i < sc->nconditions; i++) {
		sf_condition *c = &sc->conditions[i];
		sf_register_input *in;
		sf_indicator_value *vals, *iv;
		char from[16], to[16], src[256];
		long count = 0;

		if (!c->from_register)
			continue;
		if (as_of == SF_DAY_NONE) {
			if (sc->reg.as_of) {
				if (sf_date_parse(sc->reg.as_of, &as_of) != 0)
					return sf_error_set(err, SF_ERR_INPUT,
					                    "register as_of '%s' is not a date",
					                    sc->reg.as_of);
			} else {
				sf_incident_filter_init(&f);
				rc = sf_store_incident_aggregate(st, &f, SF_DIM_NONE,
				                                 last_incident_cb, &as_of, err);
				if (rc != SF_OK)
					return rc;
				if (as_of == SF_DAY_NONE)
					return sf_error_set_at(
					        err, SF_ERR_INPUT, sc->path, c->pos.line,
					        c->pos.column, "after.register",
					        "condition '%s' counts incidents in the register "
					        "'%s', which holds none and no as_of ends its "
					        "window: "
					        "import incidents first (stabforce incidents "
					        "import "
					        "FILE --scenario %s --db %s)",
					        c->id, where, sc->path ? sc->path : "S.yaml",
					        where);
			}
		}
		sf_incident_filter_init(&f);
		f.from_day = as_of - c->reg_window_days + 1;
		f.to_day = as_of;
		f.sector = sc->sectors[c->reg_sector].id;
		rc = sf_store_incident_aggregate(st, &f, SF_DIM_NONE, count_cb, &count, err);
		if (rc != SF_OK)
			return rc;
		sf_date_format(f.from_day, from, sizeof(from));
		sf_date_format(as_of, to, sizeof(to));
		sf_snprintf(src, sizeof(src), "register %s: %ld incidents in %s, %s..%s", where,
		            count, f.sector, from, to);
		vals = sf__arena_calloc(sc->arena, c->nvalues + 1, sizeof(*vals));
		if (!vals)
			return nomem(err);
		/* In date order; the register's figure last among its day's. */
		size_t k = 0;
		for (; k < c->nvalues && strcmp(c->values[k].date, to) <= 0; k++)
			vals[k] = c->values[k];
		iv = &vals[k];
		memset(iv, 0, sizeof(*iv));
		sf_strlcpy(iv->date, to, sizeof(iv->date));
		iv->month = sf__scenario_date_month(sc, to);
		iv->value = (double)count;
		iv->source = sf__arena_strdup(sc->arena, src);
		if (!iv->source)
			return nomem(err);
		for (; k < c->nvalues; k++)
			vals[k + 1] = c->values[k];
		c->values = vals;
		c->nvalues++;
		in = &sc->register_inputs[sc->nregister_inputs++];
		memset(in, 0, sizeof(*in));
		in->kind = SF_INPUT_CONDITION;
		in->index = i;
		in->window_days = c->reg_window_days;
		sf_strlcpy(in->window_from, from, sizeof(in->window_from));
		sf_strlcpy(in->window_to, to, sizeof(in->window_to));
		in->incidents = count;
		in->value = (double)count;
	}
	return SF_OK;
}

/* No store given: the conditions' stated values decide, and the plan says so. */
static sf_status stated_conditions(sf_scenario *sc)
{
	if (inputs_alloc(sc) != SF_OK)
		return SF_ERR_NOMEM;
	for (size_t i = 0; i < sc->nconditions; i++) {
		const sf_condition *c = &sc->conditions[i];
		sf_register_input *in;
		if (!c->from_register)
			continue;
		in = &sc->register_inputs[sc->nregister_inputs++];
		memset(in, 0, sizeof(*in));
		in->kind = SF_INPUT_CONDITION;
		in->index = i;
		in->stated = 1;
		in->window_days = c->reg_window_days;
		in->value = c->nvalues ? c->values[c->nvalues - 1].value : NAN;
		if (c->nvalues)
			sf_strlcpy(in->window_to, c->values[c->nvalues - 1].date,
			           sizeof(in->window_to));
	}
	return SF_OK;
}

sf_status sf_scenario_apply_register(sf_scenario *sc, sf_store *st, const char *where,
                                     sf_error *err)
{
	size_t i;
	int any_threat = 0;
	sf_status rc;

	sc->nregister_inputs = 0;
	if (!sf_scenario_takes_register(sc))
		return SF_OK;
	if (!where)
		where = sc->reg.db ? sc->reg.db : SF_STORE_DEFAULT;
	if (!sc->reg.db || strcmp(sc->reg.db, where) != 0) {
		/* Record the store actually read (--db overrides the file). */
		sc->reg.db = sf__arena_strdup(sc->arena, where);
		if (!sc->reg.db)
			return nomem(err);
	}
	if (inputs_alloc(sc) != SF_OK)
		return nomem(err);
	for (i = 0; i < sc->nsectors; i++)
		any_threat |= sc->sectors[i].threat_from_register;
	if (any_threat) {
		rc = apply_threat(sc, st, where, err);
		if (rc != SF_OK)
			return rc;
	}
	for (i = 0; i < sc->ntasks; i++) {
		if (!sc->tasks[i].req_from_aid)
			continue;
		rc = apply_aid(sc, i, st, where, err);
		if (rc != SF_OK)
			return rc;
	}
	return apply_conditions(sc, st, where, err);
}

sf_status sf_scenario_apply_register_db(sf_scenario *sc, const char *db, sf_error *err)
{
	const char *file;
	sf_store *st = NULL;
	struct stat sb;
	sf_status rc;

	if (!sf_scenario_takes_register(sc))
		return SF_OK;
	if (!sc->reg.used && !db && !sc->reg.db)
		return stated_conditions(sc) == SF_OK ? SF_OK : nomem(err);
	if (!db)
		db = sc->reg.db ? sc->reg.db : SF_STORE_DEFAULT;
	/* Opening a SQLite store creates it: a store that is not there is the
	 * user's mistake (a wrong path, or nothing imported yet), not an empty
	 * register. */
	file = strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
	if (!strstr(db, "://") && stat(file, &sb) != 0)
		return sf_error_set(
		        err, SF_ERR_INPUT,
		        "the register '%s' does not exist: scenario '%s' takes inputs "
		        "from it; import incidents first (stabforce incidents import "
		        "FILE --scenario %s --db %s) or name the store with register.db "
		        "or --db",
		        db, sc->path ? sc->path : "", sc->path ? sc->path : "S.yaml", db);
	rc = sf_store_open_read(db, &st, err);
	if (rc != SF_OK)
		return rc;
	rc = sf_scenario_apply_register(sc, st, db, err);
	sf_store_close(st);
	return rc;
}
