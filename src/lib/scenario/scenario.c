/*
 * scenario.c - the scenario's lifecycle once it is built: free, clone,
 * lookups by id, months and their labels, sector attributes, and the
 * appends the what-if edits use.
 *
 * Nothing here reads a file: load.c reads, schema.c checks and fills in.
 */
#include "base/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sf_scenario_free(sf_scenario *sc)
{
	if (sc)
		sf__arena_free(sc->arena); /* sc itself lives in its arena */
}

/* ------------------------------------------------------------------ */
/* Clone: a deep copy into a new arena.                                 */

#define DUP_ARRAY(a, dst, src, n)                                                                  \
	do {                                                                                       \
		(dst) = NULL;                                                                      \
		if ((src) && (n)) {                                                                \
			(dst) = sf__arena_calloc((a), (n), sizeof(*(src)));                        \
			if (!(dst))                                                                \
				goto nomem;                                                        \
			memcpy((dst), (src), (n) * sizeof(*(src)));                                \
		}                                                                                  \
	} while (0)

#define DUP_STR(a, field)                                                                          \
	do {                                                                                       \
		if (field) {                                                                       \
			(field) = sf__arena_strdup((a), (field));                                  \
			if (!(field))                                                              \
				goto nomem;                                                        \
		}                                                                                  \
	} while (0)

sf_status sf_scenario_clone(const sf_scenario *src, sf_scenario **out, sf_error *err)
{
	sf_arena *a;
	sf_scenario *sc;
	size_t i, j, nloc = src->nsectors + 1;

	*out = NULL;
	a = sf__arena_new();
	if (!a)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory cloning the scenario");
	sc = sf__arena_alloc(a, sizeof(*sc));
	if (!sc)
		goto nomem;
	*sc = *src;
	sc->arena = a;
	DUP_STR(a, sc->name);
	DUP_STR(a, sc->as_of);
	DUP_STR(a, sc->path);
	DUP_STR(a, sc->authority);
	DUP_STR(a, sc->troop_rate_source);
	DUP_STR(a, sc->geojson_path);
	DUP_STR(a, sc->id_property);

	DUP_ARRAY(a, sc->sectors, src->sectors, src->nsectors);
	for (i = 0; i < sc->nsectors; i++) {
		sf_sector *s = &sc->sectors[i];
		DUP_STR(a, s->id);
		DUP_STR(a, s->name);
		DUP_ARRAY(a, s->attrs, src->sectors[i].attrs, s->nattrs);
		for (j = 0; j < s->nattrs; j++)
			DUP_STR(a, s->attrs[j].name);
	}
	DUP_ARRAY(a, sc->unit_types, src->unit_types, src->nunit_types);
	for (i = 0; i < sc->nunit_types; i++) {
		sf_unit_type *u = &sc->unit_types[i];
		DUP_STR(a, u->id);
		DUP_STR(a, u->name);
		DUP_ARRAY(a, u->capability, src->unit_types[i].capability, src->ntasks);
		DUP_STR(a, u->coe_source);
		DUP_STR(a, u->women_source);
	}
	DUP_ARRAY(a, sc->tasks, src->tasks, src->ntasks);
	for (i = 0; i < sc->ntasks; i++) {
		sf_task *t = &sc->tasks[i];
		DUP_STR(a, t->id);
		DUP_STR(a, t->name);
		DUP_STR(a, t->req_per);
		DUP_ARRAY(a, t->req_by_sector, src->tasks[i].req_by_sector, src->nsectors);
		DUP_ARRAY(a, t->ramp, src->tasks[i].ramp, t->nramp);
		DUP_STR(a, t->aid_source);
	}
	DUP_ARRAY(a, sc->contributors, src->contributors, src->ncontributors);
	for (i = 0; i < sc->ncontributors; i++) {
		DUP_STR(a, sc->contributors[i].id);
		DUP_STR(a, sc->contributors[i].name);
	}
	DUP_ARRAY(a, sc->pledges, src->pledges, src->npledges);
	for (i = 0; i < sc->npledges; i++) {
		sf_pledge *p = &sc->pledges[i];
		DUP_STR(a, p->id);
		DUP_STR(a, p->source);
		DUP_STR(a, p->women_source);
		DUP_ARRAY(a, p->task_ok, src->pledges[i].task_ok, src->ntasks);
		DUP_ARRAY(a, p->loc_ok, src->pledges[i].loc_ok, nloc);
	}
	DUP_ARRAY(a, sc->stakeholders, src->stakeholders, src->nstakeholders);
	for (i = 0; i < sc->nstakeholders; i++) {
		DUP_STR(a, sc->stakeholders[i].id);
		DUP_STR(a, sc->stakeholders[i].name);
	}
	DUP_ARRAY(a, sc->vetoes, src->vetoes, src->nvetoes);
	for (i = 0; i < sc->nvetoes; i++) {
		sf_veto *v = &sc->vetoes[i];
		DUP_STR(a, v->source);
		DUP_ARRAY(a, v->sector_mask, src->vetoes[i].sector_mask, src->nsectors);
	}
	DUP_ARRAY(a, sc->conditions, src->conditions, src->nconditions);
	for (i = 0; i < sc->nconditions; i++) {
		sf_condition *c = &sc->conditions[i];
		const sf_condition *o = &src->conditions[i];
		DUP_STR(a, c->id);
		DUP_STR(a, c->indicator);
		DUP_STR(a, c->source);
		DUP_ARRAY(a, c->contributors, o->contributors, o->ncontributors_named);
		DUP_ARRAY(a, c->unit_types, o->unit_types, o->nunit_types_named);
		DUP_ARRAY(a, c->tasks, o->tasks, src->ntasks);
		DUP_ARRAY(a, c->sectors, o->sectors, src->nsectors);
		DUP_ARRAY(a, c->values, o->values, o->nvalues);
		for (size_t k = 0; k < c->nvalues; k++)
			DUP_STR(a, c->values[k].source);
	}
	/* Inputs from the registers. reg.as_of may point at sc->as_of: copy it
	 * once and keep the two the same pointer when they were. */
	DUP_STR(a, sc->reg.db);
	if (src->reg.as_of && src->reg.as_of == src->as_of)
		sc->reg.as_of = sc->as_of;
	else
		DUP_STR(a, sc->reg.as_of);
	DUP_STR(a, sc->reg.population_attr);
	DUP_ARRAY(a, sc->location_overrides, src->location_overrides, src->nlocation_overrides);
	for (i = 0; i < sc->nlocation_overrides; i++)
		DUP_STR(a, sc->location_overrides[i].location);
	DUP_ARRAY(a, sc->register_inputs, src->register_inputs, src->nregister_inputs);
	DUP_ARRAY(a, sc->reception, src->reception, src->nreception);
	DUP_ARRAY(a, sc->deployed, src->deployed, src->ndeployed);
	*out = sc;
	return SF_OK;
nomem:
	sf__arena_free(a);
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory cloning the scenario");
}

/* ------------------------------------------------------------------ */
/* Lookups                                                              */

#define FIND_BY_ID(arr, n, id)                                                                     \
	do {                                                                                       \
		size_t i_;                                                                         \
		if (!(id))                                                                         \
			return -1;                                                                 \
		for (i_ = 0; i_ < (n); i_++) {                                                     \
			if ((arr)[i_].id && strcmp((arr)[i_].id, (id)) == 0)                       \
				return (long)i_;                                                   \
		}                                                                                  \
		return -1;                                                                         \
	} while (0)

long sf_scenario_find_sector(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->sectors, sc->nsectors, id);
}

long sf_scenario_find_task(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->tasks, sc->ntasks, id);
}

long sf_scenario_find_unit(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->unit_types, sc->nunit_types, id);
}

long sf_scenario_find_contributor(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->contributors, sc->ncontributors, id);
}

long sf_scenario_find_pledge(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->pledges, sc->npledges, id);
}

long sf_scenario_find_stakeholder(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->stakeholders, sc->nstakeholders, id);
}

const char *sf_pledge_status_word(int i)
{
	static const char *const words[SF_PLEDGE_NSTATUS] = {"assumed", "single_source",
	                                                     "contested", "on_hold"};
	return i >= 0 && i < SF_PLEDGE_NSTATUS ? words[i] : "";
}

const char *sf_pledge_status_str(unsigned flags, char *buf, size_t n)
{
	static const char *const text[SF_PLEDGE_NSTATUS] = {"assumed", "single source", "contested",
	                                                    "on hold"};
	size_t used = 0;
	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < SF_PLEDGE_NSTATUS; i++) {
		if (!(flags & (1u << i)))
			continue;
		int w = sf_snprintf(buf + used, n - used, "%s%s", used ? ", " : "", text[i]);
		if (w < 0 || (size_t)w >= n - used)
			break; /* truncated: what fits is kept */
		used += (size_t)w;
	}
	return buf;
}

unsigned sf_contributor_status(const sf_scenario *sc, size_t c)
{
	unsigned flags = 0;
	for (size_t i = 0; i < sc->npledges; i++) {
		if (sc->pledges[i].contributor == c)
			flags |= sc->pledges[i].status;
	}
	return flags;
}

long sf_scenario_find_location(const sf_scenario *sc, const char *id)
{
	if (id && strcmp(id, "mission") == 0)
		return (long)SF_MISSION(sc);
	return sf_scenario_find_sector(sc, id);
}

const char *sf_scenario_location_id(const sf_scenario *sc, size_t loc)
{
	if (loc < sc->nsectors)
		return sc->sectors[loc].id;
	return loc == SF_MISSION(sc) ? "mission" : NULL;
}

int sf_sector_attr(const sf_sector *s, const char *name, double *value)
{
	size_t i;

	for (i = 0; i < s->nattrs; i++) {
		if (strcmp(s->attrs[i].name, name) == 0) {
			if (value)
				*value = s->attrs[i].value;
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Months                                                               */

int sf_scenario_parse_month(const sf_scenario *sc, const char *text, int *month)
{
	long v, y, m;
	size_t i, len;

	if (!text)
		return -1;
	len = strlen(text);
	if (len == 7 && text[4] == '-') {
		for (i = 0; i < 7; i++) {
			if (i != 4 && (text[i] < '0' || text[i] > '9'))
				return -1;
		}
		y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 +
		    (text[3] - '0');
		m = (text[5] - '0') * 10 + (text[6] - '0');
		if (m < 1 || m > 12)
			return -1;
		v = (y - sc->start_year) * 12 + (m - sc->start_month) + 1;
	} else {
		if (len == 0 || len > 9)
			return -1;
		for (i = 0; i < len; i++) {
			if (text[i] < '0' || text[i] > '9')
				return -1;
		}
		if (sf_parse_long(text, &v) != 0)
			return -1;
	}
	if (v < 1 || v > sc->months)
		return -1;
	*month = (int)v;
	return 0;
}

char *sf_scenario_month_label(const sf_scenario *sc, int month, char *buf, size_t n)
{
	long k = (long)sc->start_year * 12 + (sc->start_month - 1) + (month - 1);
	long y = k / 12, m = k % 12 + 1;

	if (k < 0 || y > 9999)
		sf_snprintf(buf, n, "month %d", month);
	else
		sf_snprintf(buf, n, "%04ld-%02ld", y, m);
	return buf;
}

/* ------------------------------------------------------------------ */
/* What-if edits                                                        */

sf_status sf_scenario_add_pledge(sf_scenario *sc, size_t contributor, size_t unit, int count,
                                 int from, int to, const char *id, size_t *index, sf_error *err)
{
	sf_pledge *arr, *p;
	char gen[64];
	size_t n = 0;

	if (contributor >= sc->ncontributors || unit >= sc->nunit_types || count < 1 || from < 1 ||
	    to > sc->months || from > to)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "invalid pledge: contributor %zu, unit %zu, count %d, "
		                    "months %d..%d",
		                    contributor, unit, count, from, to);
	if (!id) {
		do {
			n++;
			sf_snprintf(gen, sizeof(gen), "%s-w%zu", sc->contributors[contributor].id,
			            n);
		} while (sf_scenario_find_pledge(sc, gen) >= 0);
		id = gen;
	} else if (sf_scenario_find_pledge(sc, id) >= 0) {
		return sf_error_set(err, SF_ERR_USAGE, "duplicate pledge id '%s'", id);
	}
	arr = sf__arena_calloc(sc->arena, sc->npledges + 1, sizeof(*arr));
	if (!arr)
		goto nomem;
	if (sc->npledges)
		memcpy(arr, sc->pledges, sc->npledges * sizeof(*arr));
	p = &arr[sc->npledges];
	p->id = sf__arena_strdup(sc->arena, id);
	p->task_ok = sf__arena_alloc(sc->arena, sc->ntasks ? sc->ntasks : 1);
	p->loc_ok = sf__arena_alloc(sc->arena, SF_NLOC(sc));
	if (!p->id || !p->task_ok || !p->loc_ok)
		goto nomem;
	memset(p->task_ok, 1, sc->ntasks);
	memset(p->loc_ok, 1, SF_NLOC(sc));
	p->contributor = contributor;
	p->unit = unit;
	p->count = count;
	p->from = from;
	p->to = to;
	p->confidence = 1;
	p->active = 1;
	p->women_share = SF_NO_SHARE; /* the unit type's */
	sc->pledges = arr;
	if (index)
		*index = sc->npledges;
	sc->npledges++;
	return SF_OK;
nomem:
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory adding a pledge");
}

/* The longest id of a contributor added by an edit (labels hold ids and more). */
#define ADDED_ID_MAX 64

sf_status sf_scenario_add_contributor(sf_scenario *sc, const char *id, const char *name,
                                      size_t *index, sf_error *err)
{
	sf_contributor *arr, *c;

	if (!id || !*id || !name)
		return sf_error_set(err, SF_ERR_USAGE, "a new contributor needs an id and a name");
	if (strlen(id) > ADDED_ID_MAX || strchr(id, ':'))
		return sf_error_set(err, SF_ERR_USAGE,
		                    "contributor id '%.40s' is longer than %d characters or has a "
		                    "':'",
		                    id, ADDED_ID_MAX);
	if (sf_scenario_find_contributor(sc, id) >= 0)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "contributor '%s' is already in the scenario (a new one needs "
		                    "a new id)",
		                    id);
	arr = sf__arena_calloc(sc->arena, sc->ncontributors + 1, sizeof(*arr));
	if (!arr)
		goto nomem;
	if (sc->ncontributors)
		memcpy(arr, sc->contributors, sc->ncontributors * sizeof(*arr));
	c = &arr[sc->ncontributors];
	c->id = sf__arena_strdup(sc->arena, id);
	c->name = sf__arena_strdup(sc->arena, name);
	if (!c->id || !c->name)
		goto nomem;
	c->active = 1;
	sc->contributors = arr;
	if (index)
		*index = sc->ncontributors;
	sc->ncontributors++;
	return SF_OK;
nomem:
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory adding a contributor");
}

sf_status sf_scenario_add_veto(sf_scenario *sc, size_t stakeholder, size_t contributor,
                               sf_veto_kind kind, double penalty, size_t *index, sf_error *err)
{
	sf_veto *arr, *v;

	if (stakeholder >= sc->nstakeholders || contributor >= sc->ncontributors ||
	    (kind != SF_VETO_HARD && kind != SF_VETO_SOFT) || !(penalty >= 0))
		return sf_error_set(err, SF_ERR_USAGE,
		                    "invalid veto: stakeholder %zu, contributor %zu", stakeholder,
		                    contributor);
	arr = sf__arena_calloc(sc->arena, sc->nvetoes + 1, sizeof(*arr));
	if (!arr)
		goto nomem;
	if (sc->nvetoes)
		memcpy(arr, sc->vetoes, sc->nvetoes * sizeof(*arr));
	v = &arr[sc->nvetoes];
	v->sector_mask = sf__arena_alloc(sc->arena, sc->nsectors ? sc->nsectors : 1);
	if (!v->sector_mask)
		goto nomem;
	memset(v->sector_mask, 1, sc->nsectors);
	v->stakeholder = stakeholder;
	v->contributor = contributor;
	v->kind = kind;
	v->penalty = kind == SF_VETO_SOFT ? penalty : 0;
	v->all_sectors = 1;
	v->active = 1;
	sc->vetoes = arr;
	if (index)
		*index = sc->nvetoes;
	sc->nvetoes++;
	return SF_OK;
nomem:
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory adding a veto");
}

const char *sf_category_str(sf_category c)
{
	static const char *const s[SF_NCATEGORIES] = {"military_contingent", "staff_officer",
	                                              "formed_police", "individual_police"};
	return (unsigned)c < SF_NCATEGORIES ? s[c] : "?";
}

const char *sf_category_label(sf_category c)
{
	static const char *const s[SF_NCATEGORIES] = {
	        "military contingents", "military observers and staff officers",
	        "formed police units", "individual police officers"};
	return (unsigned)c < SF_NCATEGORIES ? s[c] : "?";
}

const char *sf_lease_str(sf_lease l)
{
	return l == SF_LEASE_WET ? "wet" : l == SF_LEASE_DRY ? "dry" : "none";
}
