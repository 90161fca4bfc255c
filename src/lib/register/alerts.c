/*
 * alerts.c - `incidents alerts`: what changed in the register, as rules a
 * monitor sets (docs/register.md, "Alerts"), so that a monitor sees it
 * without reading the tables:
 *
 *   - change: a sector whose ACLED change level (this week against the 4
 *     weeks before, sf_incidents_trend) is at least the rule's level; an
 *     alert is "new" when the level the day before was lower;
 *   - event type: every incident of a listed event type in the last
 *     `days` days to as_of;
 *   - fatalities: every incident in those days with at least `fatalities`
 *     reported fatalities. An incident that gave no figure (empty
 *     fatalities, no data) cannot be judged: it raises no alert and is
 *     counted in fatalities_unjudged, which the outputs print.
 *
 * Retracted incidents are left out, as everywhere. The same store queries
 * on SQLite and PostgreSQL.
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/register.h"

void sf_alert_rules_init(sf_alert_rules *r)
{
	memset(r, 0, sizeof *r);
	r->as_of = SF_DAY_NONE;
	r->days = 1;
	r->change_level = SF_CHANGE_LARGE_INCREASE;
	r->fatalities = 10;
}

void sf_alerts_release(sf_alerts *a)
{
	if (!a)
		return;
	free(a->items);
	memset(a, 0, sizeof *a);
}

static sf_alert *push(sf_alerts *a)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		sf_alert *n = sf__reallocarray(a->items, cap, sizeof *n);
		if (!n)
			return NULL;
		a->items = n;
		a->cap = cap;
	}
	sf_alert *x = &a->items[a->n++];
	memset(x, 0, sizeof *x);
	x->pct = NAN;
	x->mean = NAN;
	return x;
}

static int last_day_cb(void *ctx, const sf_agg_row *row)
{
	long *last = ctx;
	if (*last == SF_DAY_NONE || row->day > *last)
		*last = row->day;
	return 0;
}

typedef struct inc_ctx {
	const sf_alert_rules *r;
	sf_alerts *out;
	int failed;
} inc_ctx;

static int type_listed(const sf_alert_rules *r, const char *type)
{
	for (size_t k = 0; k < r->nevent_types; k++)
		if (strcmp(r->event_types[k], type) == 0)
			return 1;
	return 0;
}

static void fill_incident(sf_alert *x, sf_alert_kind kind, const sf_incident *inc)
{
	x->kind = kind;
	x->day = inc->day;
	x->count = 1;
	x->fatalities = inc->fatalities;
	sf_strlcpy(x->sector, inc->sector, sizeof x->sector);
	sf_strlcpy(x->event_id, inc->col[SF_COL_EVENT_ID_CNTY], sizeof x->event_id);
	sf_strlcpy(x->event_type, inc->col[SF_COL_EVENT_TYPE], sizeof x->event_type);
	sf_strlcpy(x->location, inc->col[SF_COL_LOCATION], sizeof x->location);
}

static int incident_cb(void *vctx, const sf_incident *inc)
{
	inc_ctx *c = vctx;
	if (type_listed(c->r, inc->col[SF_COL_EVENT_TYPE])) {
		sf_alert *x = push(c->out);
		if (!x) {
			c->failed = 1;
			return 1;
		}
		fill_incident(x, SF_ALERT_EVENT_TYPE, inc);
	}
	if (c->r->fatalities > 0 && inc->fatalities == SF_FATALITIES_NONE)
		c->out->fatalities_unjudged++;
	if (c->r->fatalities > 0 && inc->fatalities >= c->r->fatalities) {
		sf_alert *x = push(c->out);
		if (!x) {
			c->failed = 1;
			return 1;
		}
		fill_incident(x, SF_ALERT_FATALITIES, inc);
	}
	return 0;
}

/* The 4-week change level of every sector as of day; *out owned by the caller. */
static sf_status levels_on(sf_store *st, long day, sf_report *out, sf_error *err)
{
	sf_incident_filter f;
	sf_report_options o;
	sf_incident_filter_init(&f);
	sf_report_options_init(&o);
	o.dim = SF_DIM_SECTOR;
	o.as_of = day;
	return sf_incidents_trend(st, &f, &o, out, err);
}

static sf_status change_alerts(sf_store *st, const sf_alert_rules *r, long as_of, sf_alerts *out,
                               sf_error *err)
{
	sf_report now, before;
	memset(&now, 0, sizeof now);
	memset(&before, 0, sizeof before);
	sf_status rc = levels_on(st, as_of, &now, err);
	if (rc == SF_OK)
		rc = levels_on(st, as_of - 1, &before, err);
	for (size_t i = 0; rc == SF_OK && i < now.nrows; i++) {
		const sf_report_row *row = &now.rows[i];
		if (!row->key || !row->key[0] || row->no_data || row->w4.level < r->change_level)
			continue;
		sf_change_level prev = SF_CHANGE_NO_DATA;
		for (size_t k = 0; k < before.nrows; k++)
			if (before.rows[k].key && strcmp(before.rows[k].key, row->key) == 0)
				prev = before.rows[k].w4.level;
		sf_alert *x = push(out);
		if (!x) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			break;
		}
		x->kind = SF_ALERT_CHANGE;
		x->day = as_of;
		x->count = row->count;
		x->fatalities = row->fatalities_unknown >= row->count && row->count > 0
		                        ? SF_FATALITIES_NONE
		                        : row->fatalities;
		x->level = row->w4.level;
		x->mean = row->w4.mean;
		x->pct = row->w4.pct;
		x->is_new = prev < r->change_level;
		sf_strlcpy(x->sector, row->key, sizeof x->sector);
	}
	sf_report_release(&now);
	sf_report_release(&before);
	return rc;
}

sf_status sf_incidents_alerts(sf_store *st, const sf_alert_rules *rules, sf_alerts *out,
                              sf_error *err)
{
	sf_alert_rules dflt;
	sf_incident_filter f;
	sf_status rc;

	memset(out, 0, sizeof *out);
	if (!rules) {
		sf_alert_rules_init(&dflt);
		rules = &dflt;
	}
	if (rules->days < 1 || rules->fatalities < 0)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "alerts: days must be >= 1 and fatalities >= 0");
	long as_of = rules->as_of;
	if (as_of == SF_DAY_NONE) {
		sf_incident_filter_init(&f);
		rc = sf_store_incident_aggregate(st, &f, SF_DIM_NONE, last_day_cb, &as_of, err);
		if (rc != SF_OK)
			return rc;
	}
	out->as_of = as_of;
	out->days = rules->days;
	if (as_of == SF_DAY_NONE)
		return SF_OK; /* an empty register: nothing to say */
	if (rules->change_level != SF_CHANGE_NO_DATA) {
		rc = change_alerts(st, rules, as_of, out, err);
		if (rc != SF_OK)
			goto fail;
	}
	if (rules->nevent_types || rules->fatalities > 0) {
		inc_ctx c = {rules, out, 0};
		sf_incident_filter_init(&f);
		f.from_day = as_of - rules->days + 1;
		f.to_day = as_of;
		rc = sf_store_incident_query(st, &f, SF_ORDER_DATE, incident_cb, &c, err);
		if (rc == SF_OK && c.failed)
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		if (rc != SF_OK)
			goto fail;
	}
	return SF_OK;
fail:
	sf_alerts_release(out);
	return rc;
}
