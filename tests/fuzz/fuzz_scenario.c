/*
 * fuzz_scenario.c - libFuzzer target for the scenario reader.
 *
 * Feeds arbitrary bytes to sf_scenario_load_mem() (without the GeoJSON,
 * which the input cannot name safely) and, when a scenario comes back,
 * checks the invariants the planner relies on (every index in range,
 * months inside the plan) and exercises clone, lookups and the what-if
 * edits. Any violation aborts, which the fuzzer reports as a crash.
 *
 * Built two ways (tests/fuzz/meson.build): with clang and
 * -fsanitize=fuzzer as a real fuzzer (-Dfuzzers=true), and always with
 * replay.c as fuzz_scenario_replay, which the test suite runs over the
 * corpus in tests/fuzz/corpus/scenario/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/stabforce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static void check_invariants(const sf_scenario *sc)
{
	size_t i, t;
	char label[16];

	CHECK((sc->format == 1 || sc->format == 2) && sc->months >= 1 && sc->troop_ceiling > 0);
	CHECK(sc->a0 >= 1 && sc->a0 <= sc->months && (sc->format == 2 || sc->a0 == 1));
	CHECK(sc->nsectors >= 1 && sc->ntasks >= 1 && sc->nunit_types >= 1);
	for (i = 0; i < sc->nsectors; i++) {
		const sf_sector *s = &sc->sectors[i];
		CHECK(s->id && s->name && s->opens >= 1 && s->opens <= sc->months);
		CHECK(s->threat > 0);
		CHECK(sf_scenario_find_sector(sc, s->id) == (long)i);
	}
	for (t = 0; t < sc->ntasks; t++) {
		const sf_task *tk = &sc->tasks[t];
		CHECK(tk->id && tk->weight > 0);
		CHECK(tk->scope == SF_SCOPE_MISSION ? tk->req_kind == SF_REQ_VALUE : 1);
		CHECK(tk->req_kind != SF_REQ_PER || (tk->req_per && tk->req_every > 0));
		CHECK(tk->req_kind != SF_REQ_BY_SECTOR || tk->req_by_sector);
		for (i = 0; i < tk->nramp; i++) {
			CHECK(tk->ramp[i].from >= 1 && tk->ramp[i].from <= sc->months);
			CHECK(i == 0 || tk->ramp[i].from > tk->ramp[i - 1].from);
		}
		if (tk->req_kind == SF_REQ_PER) {
			for (i = 0; i < sc->nsectors; i++)
				CHECK(sf_sector_attr(&sc->sectors[i], tk->req_per, NULL) == 0);
		}
	}
	for (i = 0; i < sc->nunit_types; i++)
		CHECK(sc->unit_types[i].personnel > 0 && sc->unit_types[i].capability);
	for (i = 0; i < sc->npledges; i++) {
		const sf_pledge *p = &sc->pledges[i];
		CHECK(p->id && p->contributor < sc->ncontributors && p->unit < sc->nunit_types);
		CHECK(p->count >= 1 && p->from >= 1 && p->from <= p->to && p->to <= sc->months);
		CHECK(p->confidence >= 0 && p->confidence <= 1 && p->delay_months >= 0);
		CHECK(p->task_ok && p->loc_ok && p->active == 1);
		CHECK(sf_scenario_find_pledge(sc, p->id) == (long)i);
		/* Format 2: notice, stays, tours. */
		CHECK(p->lead_days >= 0 && p->tour_months >= 0 && p->tours >= 0);
		CHECK(sf_pledge_min_stay(sc, i) >= 1);
		CHECK(p->tour_months == 0 || sf_pledge_min_stay(sc, i) <= p->tour_months);
		CHECK(sf_pledge_earliest(sc, i) >= p->from && sf_pledge_earliest(sc, i) >= sc->a0);
		CHECK(sf_pledge_earliest(sc, i) <= sc->months + 1);
	}
	for (i = 0; i < sc->nunit_types; i++) {
		const sf_unit_type *u = &sc->unit_types[i];
		CHECK(u->min_stay_months >= 1);
		CHECK(sc->format == 1 || (u->move_cost > 0 && u->retask_cost > 0 &&
		                          u->retask_cost <= u->move_cost && u->change_cost > 0));
	}
	for (i = 0; i < sc->nreception; i++) {
		CHECK(sc->reception[i].from >= 1 && sc->reception[i].from <= sc->months);
		CHECK(i == 0 || sc->reception[i].from > sc->reception[i - 1].from);
		CHECK(sc->reception[i].personnel >= 0);
	}
	for (i = 0; i < sc->ndeployed; i++) {
		const sf_deployment *d = &sc->deployed[i];
		CHECK(d->pledge < sc->npledges && d->location <= SF_MISSION(sc) &&
		      d->task < sc->ntasks);
		CHECK(d->units >= 1 && d->units <= sc->pledges[d->pledge].count);
		CHECK(d->since >= sc->pledges[d->pledge].from && d->since <= sc->a0);
	}
	for (i = 0; i < sc->nvetoes; i++) {
		const sf_veto *v = &sc->vetoes[i];
		CHECK(v->stakeholder < sc->nstakeholders && v->contributor < sc->ncontributors);
		CHECK(v->sector_mask && v->penalty >= 0);
	}
	CHECK(sf_scenario_month_label(sc, sc->months, label, sizeof(label)) == label);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sf_load_options opts = {.skip_geometry = 1};
	sf_scenario *sc = NULL, *copy = NULL;
	sf_diags diags;
	sf_error err;
	sf_status rc;

	sf_diags_init(&diags);
	sf_error_clear(&err);
	rc = sf_scenario_load_mem((const char *)data, size, "fuzz.yaml", &opts, &sc, &diags);
	CHECK((rc == SF_OK) == (sc != NULL));
	CHECK(rc != SF_OK || diags.nerrors == 0);
	CHECK(rc == SF_OK || rc == SF_ERR_NOMEM || diags.nerrors > 0);
	if (sc) {
		check_invariants(sc);
		if (sf_scenario_clone(sc, &copy, &err) == SF_OK) {
			size_t k;
			check_invariants(copy);
			if (copy->ncontributors > 0)
				sf_scenario_add_pledge(copy, 0, 0, 1, 1, copy->months, NULL, &k,
				                       &err);
			sf_error_clear(&err);
			if (copy->nstakeholders > 0 && copy->ncontributors > 0)
				sf_scenario_add_veto(copy, 0, 0, SF_VETO_SOFT, 1, &k, &err);
			check_invariants(copy);
			sf_scenario_free(copy);
		}
	}
	sf_scenario_free(sc);
	sf_diags_release(&diags);
	return 0;
}
