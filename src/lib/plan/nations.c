/*
 * nations.c - what a plan means for the contributing nations: what each
 * would be reimbursed, and the force's share of women by the categories
 * of the UN Uniformed Gender Parity Strategy (docs/model.md,
 * "Reimbursement" and "Parity"). Both count the units present in each
 * month (format 2: presence, idle units included; format 1: the units
 * assigned), in the sectors and at mission alike.
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sf_reimbursement_release(sf_reimbursement *r)
{
	if (!r)
		return;
	free(r->persons);
	free(r->troops);
	free(r->equipment);
	memset(r, 0, sizeof *r);
}

sf_status sf_plan_reimbursement(const sf_plan *p, sf_reimbursement *r, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months, C = sc->ncontributors;
	size_t n = C * M > 0 ? C * M : 1;

	memset(r, 0, sizeof *r);
	r->ncontributors = C;
	r->months = sc->months;
	r->persons = calloc(n, sizeof(double));
	r->troops = calloc(n, sizeof(double));
	r->equipment = calloc(n, sizeof(double));
	if (!r->persons || !r->troops || !r->equipment) {
		sf_reimbursement_release(r);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	for (size_t pi = 0; pi < sc->npledges; pi++) {
		const sf_pledge *pl = &sc->pledges[pi];
		const sf_unit_type *u = &sc->unit_types[pl->unit];
		for (size_t mi = 0; mi < M; mi++) {
			int units = p->presence[pi * M + mi];
			size_t k = pl->contributor * M + mi;
			if (units <= 0)
				continue;
			r->persons[k] += (double)units * u->personnel;
			r->troops[k] += (double)units * u->personnel * sc->troop_rate;
			r->equipment[k] += (double)units * u->coe_monthly;
		}
	}
	for (size_t k = 0; k < C * M; k++) {
		r->total_troops += r->troops[k];
		r->total_equipment += r->equipment[k];
	}
	return SF_OK;
}

double sf_reimbursement_total(const sf_reimbursement *r, size_t c)
{
	double t = 0;
	for (size_t mi = 0; mi < (size_t)r->months; mi++)
		t += r->troops[c * (size_t)r->months + mi] +
		     r->equipment[c * (size_t)r->months + mi];
	return t;
}

/* ------------------------------------------------------------------ */
/* Parity                                                              */

/*
 * The strategy's targets found in a citable text: only its end targets
 * for 2028. Its yearly targets for 2018-2027 are in the strategy itself,
 * whose stored text (the page below) does not carry the table; they are
 * not invented here.
 */
#define TARGET_YEAR_END 2028
static const double target_2028[SF_NCATEGORIES] = {0.15, 0.25, 0.20, 0.30};

const char sf_parity_targets_source[] =
        "UN Uniformed Gender Parity Strategy 2018-2028 "
        "(https://peacekeeping.un.org/en/uniformed-gender-parity-strategy-2018-2018-full-text): "
        "its 2028 targets (military contingents 15%, military observers and staff officers "
        "25%, formed police units 20%, individual police officers 30%) as the Elsie "
        "Initiative Fund reports them (https://elsiefund.org/un-strategies-eifund/), the two "
        "military ones also in a statement to the Canadian House of Commons defence committee "
        "(https://openparliament.ca/committees/national-defence/43-2/2/james-bezan-1); its "
        "yearly targets before 2028: not found in a citable text, so not sourced here";

double sf_parity_target(sf_category c, int year)
{
	if ((unsigned)c >= SF_NCATEGORIES || year != TARGET_YEAR_END)
		return NAN;
	return target_2028[c];
}

void sf_parity_release(sf_parity *q)
{
	if (!q)
		return;
	free(q->years);
	memset(q, 0, sizeof *q);
}

sf_status sf_plan_parity(const sf_plan *p, sf_parity *q, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	const size_t M = (size_t)sc->months;
	int y0 = sc->start_year, y1 = sc->start_year + (sc->start_month - 1 + sc->months - 1) / 12;

	memset(q, 0, sizeof *q);
	q->nyears = (size_t)(y1 - y0 + 1);
	q->years = calloc(q->nyears, sizeof *q->years);
	if (!q->years)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < q->nyears; i++) {
		q->years[i].year = y0 + (int)i;
		for (int c = 0; c < SF_NCATEGORIES; c++)
			q->years[i].target[c] = sf_parity_target((sf_category)c, y0 + (int)i);
	}
	for (size_t mi = 0; mi < M; mi++)
		q->years[(sc->start_month - 1 + mi) / 12].months++;
	for (size_t pi = 0; pi < sc->npledges; pi++) {
		const sf_pledge *pl = &sc->pledges[pi];
		const sf_unit_type *u = &sc->unit_types[pl->unit];
		double share = pl->women_share >= 0 ? pl->women_share : u->women_share;
		for (size_t mi = 0; mi < M; mi++) {
			int units = p->presence[pi * M + mi];
			sf_parity_year *y = &q->years[(sc->start_month - 1 + mi) / 12];
			double persons = (double)units * u->personnel;
			if (units <= 0)
				continue;
			y->persons[u->category] += persons;
			if (share >= 0) {
				y->known[u->category] += persons;
				y->women[u->category] += persons * share;
			}
		}
	}
	return SF_OK;
}
