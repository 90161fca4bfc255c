/*
 * test_feedback.c - inputs of the plan from the registers (feedback.c and
 * the scenario keys): the keys as read, the clone, threats and escorts
 * against numbers worked out by hand, the location overrides used by
 * import, missing data (errors, and defaults when the scenario gives one),
 * several aid sources, and a store that does not exist; a condition whose
 * indicator counts incidents takes its input from the register (and keys
 * no server job).
 *
 * The scenario lists the five Gaza sectors (examples/gaza/sectors.geojson)
 * with 100,000 people each. Incidents are placed by location override
 * (their points are far from every polygon), so the counts are exact:
 * window 2025-06-03..2025-06-30 (28 days to register.as_of 2025-06-30):
 *   rafah 4, khan_younis 2, deir_al_balah 0, gaza 1, north_gaza 1 (and one
 *   rafah incident in May, outside the window): 8 in 500,000 people,
 *   rate_all = 1.6 per 100k;
 *   rafah 4.0 / 1.6 = 2.5 -> clamped to 2.0; khan_younis 2.0 / 1.6 = 1.25;
 *   deir_al_balah 0 -> min 0.5; gaza 1.0 / 1.6 = 0.625; north_gaza keeps
 *   its stated threat 1.
 * Aid, source UN, window 2025-06-24..06-30: 100 on 06-25 and 300 on 06-27,
 * mean 200 a day over 2 days / 25 per escort = 8 escorts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "store_fixture.h"

static char tmpdir[256];

static const char *scenario_text(void)
{
	static char text[4096];
	const char *src = getenv("SRCDIR");

	sf_snprintf(text, sizeof text,
	            "format: 1\n"
	            "register:\n"
	            "  db: r.db\n"
	            "  as_of: 2025-06-30\n"
	            "mandate: {start: 2026-01, months: 2, troop_ceiling: 10000}\n"
	            "sectors:\n"
	            "  geojson: %s/examples/gaza/sectors.geojson\n"
	            "  location_overrides: {\"Loc R\": rafah, \"Loc K\": khan_younis, \"Loc G\": "
	            "gaza, \"Loc N\": north_gaza}\n"
	            "  list:\n"
	            "    - {id: rafah, attributes: {population: 100000, threat: from_register}}\n"
	            "    - {id: khan_younis, attributes: {population: 100000, threat: "
	            "from_register}}\n"
	            "    - {id: deir_al_balah, attributes: {population: 100000, threat: "
	            "from_register}}\n"
	            "    - {id: gaza, attributes: {population: 100000, threat: from_register}}\n"
	            "    - {id: north_gaza, attributes: {population: 100000, threat: 1}}\n"
	            "tasks:\n"
	            "  - {id: poc, weight: 1, requirement: {per: population, every: 50000}}\n"
	            "  - id: escort\n"
	            "    scope: mission\n"
	            "    weight: 1\n"
	            "    requirement: {from_aid: {trucks_per_escort: 25, source: UN}}\n"
	            "unit_types:\n"
	            "  - {id: coy, personnel: 100, monthly_cost: 1, capabilities: {poc: 1, "
	            "escort: 1}}\n"
	            "contributors:\n"
	            "  - {id: AAA, pledges: [{unit: coy, count: 5}]}\n",
	            src ? src : "../..");
	return text;
}

static sf_scenario *load(void)
{
	char name[512];
	const char *text = scenario_text();
	sf_scenario *sc = NULL;
	sf_diags d;

	sf_snprintf(name, sizeof name, "%s/s.yaml", tmpdir);
	sf_diags_init(&d);
	if (sf_scenario_load_mem(text, strlen(text), name, NULL, &sc, &d) != SF_OK) {
		char line[1024];
		for (size_t i = 0; i < d.count; i++)
			fprintf(stderr, "%s\n", sf_diag_format(&d.items[i], line, sizeof line));
	}
	sf_diags_release(&d);
	assert_non_null(sc);
	return sc;
}

/* A new store (a SQLite file, or a database under tests/pg/with-pg.sh). */
static sf_store *open_store(const char *name)
{
	sf_store *st = NULL;
	sf_error err;

	sf_error_clear(&err);
	const char *loc = fx_store_location(tmpdir, name);
	assert_non_null(loc);
	assert_int_equal(sf_store_open(loc, &st, &err), SF_OK);
	return st;
}

static void import_incidents(sf_store *st, const sf_scenario *sc)
{
	static const char csv[] =
	        "event_id_cnty,event_date,event_type,latitude,longitude,location\n"
	        "E1,2025-06-03,Battles,0,0,Loc R\n"
	        "E2,2025-06-10,Battles,0,0,loc r\n"
	        "E3,2025-06-20,Riots,0,0,Loc R\n"
	        "E4,2025-06-30,Riots,0,0,LOC R\n"
	        "E5,2025-05-01,Riots,0,0,Loc R\n"
	        "E6,2025-06-15,Riots,0,0,Loc K\n"
	        "E7,2025-06-16,Riots,0,0,Loc K\n"
	        "E8,2025-06-16,Riots,0,0,Loc G\n"
	        "E9,2025-06-17,Riots,0,0,Loc N\n"
	        "E10,2025-07-01,Riots,0,0,Loc G\n";
	sf_sector_map *map = NULL;
	sf_import_options o;
	sf_import_summary sum;
	sf_error err;
	FILE *in = fmemopen((void *)csv, strlen(csv), "rb");

	assert_non_null(in);
	sf_error_clear(&err);
	assert_int_equal(sf_sector_map_from_scenario(sc, &map, &err), SF_OK);
	sf_import_options_init(&o);
	o.sectors = map;
	o.who = "tester";
	assert_int_equal(sf_incidents_import(st, in, &o, &sum, &err), SF_OK);
	assert_int_equal(sum.inserted, 10);
	assert_int_equal(sum.by_method[SF_SECTOR_OVERRIDE], 10); /* scenario overrides */
	fclose(in);
	sf_sector_map_free(map);
}

static void import_aid(sf_store *st)
{
	static const char csv[] = "date,trucks,source\n"
	                          "2025-06-20,999,UN\n"
	                          "2025-06-25,100,UN\n"
	                          "2025-06-27,300,UN\n"
	                          "2025-06-27,50,COGAT\n";
	sf_aid_import_options o;
	sf_import_summary sum;
	sf_error err;
	FILE *in = fmemopen((void *)csv, strlen(csv), "rb");

	assert_non_null(in);
	sf_error_clear(&err);
	sf_aid_import_options_init(&o);
	assert_int_equal(sf_aid_import(st, in, &o, &sum, &err), SF_OK);
	fclose(in);
}

static void test_keys_and_clone(void **state)
{
	sf_scenario *sc = load(), *cl = NULL;
	sf_error err;
	char want[512];
	(void)state;

	sf_error_clear(&err);
	assert_true(sc->reg.used);
	assert_true(sc->reg.given);
	sf_snprintf(want, sizeof want, "%s/r.db", tmpdir);
	assert_string_equal(sc->reg.db, want);
	assert_string_equal(sc->reg.as_of, "2025-06-30");
	assert_int_equal(sc->reg.threat_window_days, 28);
	assert_true(sc->reg.threat_min == 0.5 && sc->reg.threat_max == 2.0);
	assert_true(sc->sectors[0].threat_from_register);
	assert_false(sc->sectors[4].threat_from_register);
	assert_true(sc->sectors[0].threat == 1);
	assert_int_equal(sf_sector_attr(&sc->sectors[0], "threat", NULL), -1);
	assert_true(sc->tasks[1].req_from_aid);
	assert_int_equal(sc->tasks[1].req_kind, SF_REQ_VALUE);
	assert_true(sc->tasks[1].aid_trucks_per_escort == 25);
	assert_int_equal(sc->tasks[1].aid_window_days, 7);
	assert_string_equal(sc->tasks[1].aid_source, "UN");
	assert_int_equal(sc->nlocation_overrides, 4);
	assert_string_equal(sc->location_overrides[2].location, "Loc G");
	assert_int_equal(sc->location_overrides[2].sector, 3);

	assert_int_equal(sf_scenario_clone(sc, &cl, &err), SF_OK);
	assert_true(cl->reg.db != sc->reg.db);
	assert_string_equal(cl->reg.db, sc->reg.db);
	assert_string_equal(cl->reg.population_attr, "population");
	assert_string_equal(cl->tasks[1].aid_source, "UN");
	assert_true(cl->location_overrides != sc->location_overrides);
	assert_string_equal(cl->location_overrides[3].location, "Loc N");
	sf_scenario_free(sc); /* the clone owns its copies */
	assert_true(cl->sectors[2].threat_from_register);
	assert_string_equal(cl->reg.as_of, "2025-06-30");
	sf_scenario_free(cl);
}

static void test_apply(void **state)
{
	sf_scenario *sc = load(), *cl = NULL;
	sf_store *st = open_store("apply");
	sf_error err;
	(void)state;

	sf_error_clear(&err);
	import_incidents(st, sc);
	import_aid(st);
	assert_int_equal(sf_scenario_apply_register(sc, st, "the store", &err), SF_OK);
	assert_string_equal(sc->reg.db, "the store");
	assert_int_equal(sc->nregister_inputs, 5);
	assert_true(fabs(sc->sectors[0].threat - 2.0) < 1e-12);
	assert_true(fabs(sc->sectors[1].threat - 1.25) < 1e-12);
	assert_true(fabs(sc->sectors[2].threat - 0.5) < 1e-12);
	assert_true(fabs(sc->sectors[3].threat - 0.625) < 1e-12);
	assert_true(sc->sectors[4].threat == 1);
	const sf_register_input *in = &sc->register_inputs[0];
	assert_int_equal(in->kind, SF_INPUT_THREAT);
	assert_int_equal(in->index, 0);
	assert_int_equal(in->incidents, 4);
	assert_false(in->defaulted);
	assert_string_equal(in->window_from, "2025-06-03");
	assert_string_equal(in->window_to, "2025-06-30");
	assert_true(fabs(in->rate_per_100k - 4.0) < 1e-12);
	assert_true(fabs(in->all_sector_rate - 1.6) < 1e-12);
	assert_int_equal(sc->register_inputs[3].index, 3);
	in = &sc->register_inputs[4];
	assert_int_equal(in->kind, SF_INPUT_AID_ESCORTS);
	assert_int_equal(in->index, 1);
	assert_string_equal(in->source, "UN");
	assert_int_equal(in->days_with_data, 2);
	assert_true(fabs(in->trucks_per_day - 200) < 1e-12);
	assert_true(fabs(in->value - 8) < 1e-12);
	assert_true(fabs(sc->tasks[1].req_value - 8) < 1e-12);
	assert_string_equal(in->window_from, "2025-06-24");

	/* the clone keeps what was taken */
	assert_int_equal(sf_scenario_clone(sc, &cl, &err), SF_OK);
	assert_int_equal(cl->nregister_inputs, 5);
	assert_true(cl->register_inputs != sc->register_inputs);
	assert_true(fabs(cl->register_inputs[1].value - 1.25) < 1e-12);
	assert_string_equal(cl->reg.db, "the store");
	sf_scenario_free(cl);

	/* without a source, two sources in the register: name one */
	sc->tasks[1].aid_source = NULL;
	assert_int_equal(sf_scenario_apply_register(sc, st, NULL, &err), SF_ERR_INPUT);
	assert_non_null(strstr(err.message, "several sources"));
	assert_non_null(strstr(err.message, "'COGAT'"));
	assert_string_equal(err.path, "tasks[1].requirement.from_aid");
	sf_store_close(st);
	sf_scenario_free(sc);
}

static void test_missing_data(void **state)
{
	sf_scenario *sc = load();
	sf_store *st = open_store("empty");
	sf_error err;
	char path[512];
	struct stat sb;
	(void)state;

	/* an empty register: an error naming what to import */
	sf_error_clear(&err);
	assert_int_equal(sf_scenario_apply_register(sc, st, "empty.db", &err), SF_ERR_INPUT);
	assert_non_null(strstr(err.message, "holds no incident in the scenario's sectors from "
	                                    "2025-06-03 to 2025-06-30"));
	assert_string_equal(err.path, "register");

	/* with a threat default: the threats default, the aid is still missing */
	sc->reg.threat_has_default = 1;
	sc->reg.threat_default = 1.5;
	sf_error_clear(&err);
	assert_int_equal(sf_scenario_apply_register(sc, st, "empty.db", &err), SF_ERR_INPUT);
	assert_non_null(strstr(err.message, "holds no truck figure from source 'UN'"));
	assert_non_null(strstr(err.message, "stabforce aid import"));

	sc->tasks[1].aid_has_default = 1;
	sc->tasks[1].aid_default = 3;
	sf_error_clear(&err);
	assert_int_equal(sf_scenario_apply_register(sc, st, "empty.db", &err), SF_OK);
	assert_int_equal(sc->nregister_inputs, 5);
	assert_true(sc->register_inputs[0].defaulted);
	assert_true(sc->sectors[0].threat == 1.5);
	assert_true(sc->sectors[2].threat == 1.5);
	assert_true(sc->register_inputs[4].defaulted);
	assert_true(sc->tasks[1].req_value == 3);
	sf_store_close(st);

	/* a store that does not exist is refused, not created */
	sf_snprintf(path, sizeof path, "%s/none.db", tmpdir);
	sf_error_clear(&err);
	assert_int_equal(sf_scenario_apply_register_db(sc, path, &err), SF_ERR_INPUT);
	assert_non_null(strstr(err.message, "does not exist"));
	assert_non_null(strstr(err.message, "stabforce incidents import"));
	assert_int_not_equal(stat(path, &sb), 0);
	sf_scenario_free(sc);
}

/*
 * A condition whose indicator counts incidents (after.register) takes its
 * input from the register even without a register: block, so the server
 * keys no job on such a scenario (its result depends on the store), and a
 * scenario without one gets a key.
 */
static void test_condition_takes_register(void **state)
{
	static const char *const conds[] = {
	        "", "    after: {indicator: incidents, below: 5, values: [{date: 2026-01-01, "
	            "value: 9, source: s}], register: {sector: rafah}}\n"};
	const char *src = getenv("SRCDIR");
	char path[512], key[65];
	sf_error err;
	(void)state;

	for (int with = 0; with < 2; with++) {
		FILE *f;
		sf_diags d;
		sf_scenario *sc = NULL;
		sf_snprintf(path, sizeof path, "%s/c%d.yaml", tmpdir, with);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f,
		        "format: 2\nas_of: 2026-01-01\n"
		        "mandate: {start: 2026-01, months: 2, troop_ceiling: 10000}\n"
		        "sectors:\n  geojson: %s/examples/gaza/sectors.geojson\n"
		        "  list: [{id: rafah}, {id: khan_younis}, {id: deir_al_balah}, {id: gaza}, "
		        "{id: north_gaza}]\n"
		        "tasks: [{id: poc, weight: 1, requirement: {value: 1}}]\n"
		        "unit_types: [{id: coy, personnel: 100, monthly_cost: 1, capabilities: "
		        "{poc: "
		        "1}}]\n"
		        "contributors: [{id: AAA, pledges: [{id: A-1, unit: coy, count: 1, "
		        "lead_days: 0}]}]\n"
		        "stakeholders:\n  - id: P\n    conditions:\n"
		        "      - id: seq\n        kind: sequence\n        tasks: [poc]\n"
		        "        source: s\n    %s",
		        src ? src : "../..", with ? conds[1] : "    not_before: 2\n");
		assert_int_equal(fclose(f), 0);
		sf_diags_init(&d);
		assert_int_equal(sf_scenario_load(path, NULL, &sc, &d), SF_OK);
		sf_diags_release(&d);
		assert_int_equal(sf_scenario_takes_register(sc), with);
		sf_scenario_free(sc);
		sf_snprintf(path, sizeof path, "{\"scenario\": \"c%d\"}", with);
		sf_error_clear(&err);
		assert_int_equal(sf_job_key(tmpdir, "plan", path, key, &err), SF_OK);
		assert_int_equal(key[0] == '\0', with);
	}
}

static int setup(void **state)
{
	(void)state;
	sf_snprintf(tmpdir, sizeof tmpdir, "/tmp/sf-test-feedback-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	sf_snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_keys_and_clone),
	        cmocka_unit_test(test_apply),
	        cmocka_unit_test(test_missing_data),
	        cmocka_unit_test(test_condition_takes_register),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
