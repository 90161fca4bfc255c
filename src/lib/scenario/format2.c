#include "base/internal.h"

/*
 * format2.c - the data rules of scenario format 2 that both the planner
 * and check-plan read (docs/model.md, "Format 2"): the earliest month a
 * pledge can serve, its minimum stay, the reception limit of a month, and
 * whether a pledge's arrivals pass through reception, and which
 * deployments a stakeholder's condition forbids in which month.
 *
 * They are here, beside the reader, because they are what the file means:
 * check-plan shares the scenario reader with the planner and nothing else,
 * so a rule written once here is the same for both, and a rule of the
 * model proper (rows, columns) stays in plan/.
 *
 * The decision month a0 and the readiness table are filled in by the
 * schema walk (schema.c); a format-1 scenario has a0 = 1, no reception
 * limit, no deployment, and every pledge serves from its `from` month.
 */

#include <math.h>
#include <string.h>

#include "base/dates.h"

const char *sf_readiness_str(sf_readiness r)
{
	switch (r) {
	case SF_READINESS_RDL:
		return "rdl";
	case SF_READINESS_LEVEL3:
		return "level3";
	case SF_READINESS_LEVEL2:
		return "level2";
	case SF_READINESS_LEVEL1:
		return "level1";
	case SF_READINESS_NONE:
		break;
	}
	return "";
}

/*
 * The month index of a day (days since 1970-01-01) in the plan's
 * calendar: 1 for mandate.start's month, below 1 before it.
 */
static long month_of_day(const sf_scenario *sc, long day)
{
	char buf[16];
	long y, mo;

	if (sf__date_format(day, buf, sizeof(buf)) == NULL)
		return 1;
	/* buf is YYYY-MM-DD */
	y = (buf[0] - '0') * 1000L + (buf[1] - '0') * 100L + (buf[2] - '0') * 10L + (buf[3] - '0');
	mo = (buf[5] - '0') * 10L + (buf[6] - '0');
	return (y - sc->start_year) * 12L + (mo - sc->start_month) + 1;
}

int sf_pledge_earliest(const sf_scenario *sc, size_t p)
{
	const sf_pledge *pl = &sc->pledges[p];
	long e = pl->from, day, ready;

	if (sc->format < 2)
		return pl->from;
	if (sc->a0 > e)
		e = sc->a0;
	if (sc->as_of == NULL || sf__date_parse(sc->as_of, &day) != 0)
		return (int)e;
	ready = month_of_day(sc, day + pl->lead_days);
	if (ready > sc->months)
		return sc->months + 1;
	if (ready > e)
		e = ready;
	return (int)e;
}

int sf_pledge_min_stay(const sf_scenario *sc, size_t p)
{
	const sf_pledge *pl = &sc->pledges[p];

	if (sc->format < 2)
		return 1;
	if (pl->min_stay_months > 0)
		return pl->min_stay_months;
	return sc->unit_types[pl->unit].min_stay_months > 0
	               ? sc->unit_types[pl->unit].min_stay_months
	               : 1;
}

double sf_scenario_reception(const sf_scenario *sc, int m)
{
	double level = 0;

	if (sc->format < 2 || sc->nreception == 0 || sc->reception == NULL)
		return HUGE_VAL;
	for (size_t i = 0; i < sc->nreception; i++) {
		if (sc->reception[i].from <= m)
			level = sc->reception[i].personnel;
		else
			break;
	}
	return level;
}

/* 1 when an active hard veto covers contributor c in sector s. */
static int hard_veto_covers(const sf_scenario *sc, size_t c, size_t s)
{
	for (size_t v = 0; v < sc->nvetoes; v++) {
		const sf_veto *vt = &sc->vetoes[v];
		if (!vt->active || vt->kind != SF_VETO_HARD || vt->contributor != c)
			continue;
		if (vt->all_sectors || (vt->sector_mask != NULL && vt->sector_mask[s]))
			return 1;
	}
	return 0;
}

const char *sf_condition_kind_str(sf_condition_kind k)
{
	return k == SF_CONDITION_CONSENT ? "consent" : "sequence";
}

static int indicator_met(const sf_condition *c, double v)
{
	return c->below ? v < c->threshold : v > c->threshold;
}

int sf_condition_allows_month(const sf_scenario *sc, const sf_condition *c, int m)
{
	(void)sc;
	if (c->kind == SF_CONDITION_CONSENT)
		return c->consent == SF_CONSENT_GIVEN || m < c->from || m > c->to;
	if (c->not_before > 0)
		return m >= c->not_before;
	/* From the first month whose latest value (dated on or before its first
	 * day) meets the threshold; values are in date order. */
	for (size_t i = 0; i < c->nvalues; i++) {
		if (c->values[i].month > m)
			break;
		size_t j = i;
		while (j + 1 < c->nvalues && c->values[j + 1].month == c->values[i].month)
			j++; /* the latest of the values that apply from the same month */
		if (indicator_met(c, c->values[j].value))
			return 1;
		i = j;
	}
	return 0;
}

int sf_condition_covers(const sf_scenario *sc, const sf_condition *c, size_t p, size_t l, size_t t)
{
	const sf_pledge *pl = &sc->pledges[p];

	if (l >= sc->nsectors)
		return 0; /* a condition never covers mission */
	if (c->contributors &&
	    (pl->contributor >= c->ncontributors_named || !c->contributors[pl->contributor]))
		return 0; /* a contributor added after the file is not named */
	if (c->unit_types && (pl->unit >= c->nunit_types_named || !c->unit_types[pl->unit]))
		return 0;
	return (!c->tasks || c->tasks[t]) && (!c->sectors || c->sectors[l]);
}

int sf_condition_forbids(const sf_scenario *sc, size_t p, size_t l, size_t t, int m)
{
	for (size_t i = 0; i < sc->nconditions; i++) {
		const sf_condition *c = &sc->conditions[i];
		if (c->active && sf_condition_covers(sc, c, p, l, t) &&
		    !sf_condition_allows_month(sc, c, m))
			return 1;
	}
	return 0;
}

/* 1 when some month of the plan lets pledge p serve task t in sector s under the conditions. */
static int conditions_leave_a_month(const sf_scenario *sc, size_t p, size_t s, size_t t)
{
	for (int m = 1; m <= sc->months; m++)
		if (!sf_condition_forbids(sc, p, s, t, m))
			return 1;
	return 0;
}

int sf_pledge_enters_sectors(const sf_scenario *sc, size_t p)
{
	const sf_pledge *pl = &sc->pledges[p];
	const sf_unit_type *u = &sc->unit_types[pl->unit];
	int task = 0;

	for (size_t t = 0; t < sc->ntasks && !task; t++)
		task = sc->tasks[t].scope == SF_SCOPE_SECTOR && pl->task_ok[t] &&
		       u->capability[t] > 0;
	if (!task)
		return 0;
	for (size_t s = 0; s < sc->nsectors; s++) {
		if (!pl->loc_ok[s] || hard_veto_covers(sc, pl->contributor, s))
			continue;
		for (size_t t = 0; t < sc->ntasks; t++)
			if (sc->tasks[t].scope == SF_SCOPE_SECTOR && pl->task_ok[t] &&
			    u->capability[t] > 0 && conditions_leave_a_month(sc, p, s, t))
				return 1;
	}
	return 0;
}
