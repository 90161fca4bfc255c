/*
 * test_scenario.c - the scenario reader: a valid file read into the
 * expected resolved structure (defaults, masks, months, positions), the
 * lifecycle functions (clone, lookups, months, what-if edits), and one
 * case per error class with its message, line, column and key path.
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

#include "base/internal.h"

/* A small valid scenario; the error cases below edit one line of it. */
static const char BASE[] = "format: 1\n"                                                    /* 1 */
                           "name: Test\n"                                                   /* 2 */
                           "as_of: 2026-03-20\n"                                            /* 3 */
                           "mandate:\n"                                                     /* 4 */
                           "  start: 2026-01\n"                                             /* 5 */
                           "  months: 12\n"                                                 /* 6 */
                           "  troop_ceiling: 5_000\n"                                       /* 7 */
                           "sectors:\n"                                                     /* 8 */
                           "  geojson: none.geojson\n"                                      /* 9 */
                           "  list:\n"                                                      /* 10 */
                           "    - id: north\n"                                              /* 11 */
                           "      attributes: {population: 200000, threat: 2}\n"            /* 12 */
                           "    - id: south\n"                                              /* 13 */
                           "      opens: 2026-03\n"                                         /* 14 */
                           "      attributes: {population: 100000}\n"                       /* 15 */
                           "tasks:\n"                                                       /* 16 */
                           "  - id: poc\n"                                                  /* 17 */
                           "    weight: 10\n"                                               /* 18 */
                           "    requirement: {per: population, every: 100000}\n"            /* 19 */
                           "    ramp: [{from: 1, level: 0.5}, {from: 2026-04, level: 1}]\n" /* 20 */
                           "  - id: hq\n"                                                   /* 21 */
                           "    scope: mission\n"                                           /* 22 */
                           "    weight: 1\n"                                                /* 23 */
                           "    requirement: {value: 1}\n"                                  /* 24 */
                           "unit_types:\n"                                                  /* 25 */
                           "  - id: inf\n"                                                  /* 26 */
                           "    personnel: 150\n"                                           /* 27 */
                           "    monthly_cost: 1000\n"                                       /* 28 */
                           "    capabilities: &caps {poc: 1, hq: 0.5}\n"                    /* 29 */
                           "  - id: staff\n"                                                /* 30 */
                           "    personnel: 20\n"                                            /* 31 */
                           "    monthly_cost: 500\n"                                        /* 32 */
                           "    deploy_cost: 0\n"                                           /* 33 */
                           "    capabilities: {hq: 1}\n"                                    /* 34 */
                           "contributors:\n"                                                /* 35 */
                           "  - id: AAA\n"                                                  /* 36 */
                           "    cap: 1000\n"                                                /* 37 */
                           "    pledges:\n"                                                 /* 38 */
                           "      - unit: inf\n"                                            /* 39 */
                           "        count: 4\n"                                             /* 40 */
                           "        from: 2\n"                                              /* 41 */
                           "        to: 2026-10\n"                                          /* 42 */
                           "        confidence: 0.5\n"                                      /* 43 */
                           "        delay_months: 2\n"                                      /* 44 */
                           "        tasks: {deny: [hq]}\n"                                  /* 45 */
                           "        locations: {allow: [south]}\n"                          /* 46 */
                           "      - id: AAA-staff\n"                                        /* 47 */
                           "        unit: staff\n"                                          /* 48 */
                           "        count: 1\n"                                             /* 49 */
                           "        locations: [mission]\n"                                 /* 50 */
                           "        source: \"a statement\"\n"                              /* 51 */
                           "  - id: BBB\n"                                                  /* 52 */
                           "    pledges:\n"                                                 /* 53 */
                           "      - {unit: inf, count: 2}\n"                                /* 54 */
                           "stakeholders:\n"                                                /* 55 */
                           "  - id: HOST\n"                                                 /* 56 */
                           "    vetoes:\n"                                                  /* 57 */
                           "      - {contributor: BBB, kind: hard, sectors: [north]}\n"     /* 58 */
                           "      - {contributor: AAA, kind: soft, penalty: 3}\n";          /* 59 */

static sf_status load_text(const char *text, sf_scenario **sc, sf_diags *d)
{
	sf_load_options o = {.skip_geometry = 1};
	return sf_scenario_load_mem(text, strlen(text), "t.yaml", &o, sc, d);
}

static void test_valid(void **state)
{
	sf_scenario *sc = NULL;
	sf_diags d;
	(void)state;

	sf_diags_init(&d);
	assert_int_equal(load_text(BASE, &sc, &d), SF_OK);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.nwarnings, 0);
	assert_non_null(sc);
	assert_string_equal(sc->name, "Test");
	assert_string_equal(sc->as_of, "2026-03-20");
	assert_string_equal(sc->path, "t.yaml");
	assert_int_equal(sc->start_year, 2026);
	assert_int_equal(sc->start_month, 1);
	assert_int_equal(sc->months, 12);
	assert_true(sc->troop_ceiling == 5000);
	assert_int_equal(sc->has_max_share, 0);
	assert_string_equal(sc->id_property, "id");

	assert_int_equal(sc->nsectors, 2);
	assert_string_equal(sc->sectors[0].name, "north"); /* name defaults to id */
	assert_true(sc->sectors[0].threat == 2);
	assert_true(sc->sectors[1].threat == 1);
	assert_int_equal(sc->sectors[0].opens, 1);
	assert_int_equal(sc->sectors[1].opens, 3);
	assert_int_equal(sc->sectors[1].pos.line, 13);
	assert_int_equal(sc->sectors[1].pos.column, 7);
	double pop = 0;
	assert_int_equal(sf_sector_attr(&sc->sectors[0], "population", &pop), 0);
	assert_true(pop == 200000);
	assert_int_equal(sf_sector_attr(&sc->sectors[0], "border_km", &pop), -1);

	assert_int_equal(sc->ntasks, 2);
	assert_int_equal(sc->tasks[0].scope, SF_SCOPE_SECTOR);
	assert_int_equal(sc->tasks[0].req_kind, SF_REQ_PER);
	assert_string_equal(sc->tasks[0].req_per, "population");
	assert_true(sc->tasks[0].req_every == 100000);
	assert_int_equal(sc->tasks[0].nramp, 2);
	assert_int_equal(sc->tasks[0].ramp[1].from, 4);
	assert_true(sc->tasks[0].ramp[0].level == 0.5);
	assert_int_equal(sc->tasks[1].scope, SF_SCOPE_MISSION);
	assert_int_equal(sc->tasks[1].req_kind, SF_REQ_VALUE);
	assert_int_equal(sc->tasks[1].nramp, 0);

	assert_int_equal(sc->nunit_types, 2);
	assert_true(sc->unit_types[0].deploy_cost == 1000); /* defaults to monthly_cost */
	assert_true(sc->unit_types[1].deploy_cost == 0);
	assert_true(sc->unit_types[0].capability[0] == 1);
	assert_true(sc->unit_types[0].capability[1] == 0.5);
	assert_true(sc->unit_types[1].capability[0] == 0);

	assert_int_equal(sc->ncontributors, 2);
	assert_int_equal(sc->contributors[0].has_cap, 1);
	assert_true(sc->contributors[0].cap == 1000);
	assert_int_equal(sc->contributors[1].has_cap, 0);
	assert_int_equal(sc->contributors[1].active, 1);

	assert_int_equal(sc->npledges, 3);
	const sf_pledge *p = &sc->pledges[0];
	assert_string_equal(p->id, "AAA-1");
	assert_int_equal(p->contributor, 0);
	assert_int_equal(p->unit, 0);
	assert_int_equal(p->count, 4);
	assert_int_equal(p->from, 2);
	assert_int_equal(p->to, 10);
	assert_true(p->confidence == 0.5);
	assert_int_equal(p->delay_months, 2);
	assert_int_equal(p->has_task_caveat, 1);
	assert_int_equal(p->has_loc_caveat, 1);
	assert_int_equal(p->task_ok[0], 1);
	assert_int_equal(p->task_ok[1], 0);
	assert_int_equal(p->loc_ok[0], 0);
	assert_int_equal(p->loc_ok[1], 1);
	assert_int_equal(p->loc_ok[2], 0);
	assert_int_equal(p->active, 1);
	assert_int_equal(p->pos.line, 39);
	assert_null(p->source);
	p = &sc->pledges[1];
	assert_string_equal(p->id, "AAA-staff");
	assert_int_equal(p->loc_ok[0], 0);
	assert_int_equal(p->loc_ok[1], 0);
	assert_int_equal(p->loc_ok[SF_MISSION(sc)], 1);
	assert_string_equal(p->source, "a statement");
	p = &sc->pledges[2];
	assert_string_equal(p->id, "BBB-1");
	assert_int_equal(p->from, 1);
	assert_int_equal(p->to, 12);
	assert_true(p->confidence == 1);
	assert_int_equal(p->has_task_caveat, 0);
	assert_int_equal(p->has_loc_caveat, 0);
	assert_int_equal(p->task_ok[0] && p->task_ok[1], 1);
	assert_int_equal(p->loc_ok[0] && p->loc_ok[1] && p->loc_ok[2], 1);

	assert_int_equal(sc->nstakeholders, 1);
	assert_int_equal(sc->nvetoes, 2);
	assert_int_equal(sc->vetoes[0].contributor, 1);
	assert_int_equal(sc->vetoes[0].kind, SF_VETO_HARD);
	assert_int_equal(sc->vetoes[0].all_sectors, 0);
	assert_int_equal(sc->vetoes[0].sector_mask[0], 1);
	assert_int_equal(sc->vetoes[0].sector_mask[1], 0);
	assert_int_equal(sc->vetoes[1].kind, SF_VETO_SOFT);
	assert_true(sc->vetoes[1].penalty == 3);
	assert_int_equal(sc->vetoes[1].all_sectors, 1);
	assert_int_equal(sc->vetoes[1].sector_mask[0] && sc->vetoes[1].sector_mask[1], 1);
	assert_int_equal(sc->vetoes[1].active, 1);

	sf_scenario_free(sc);
	sf_diags_release(&d);
}

static void test_lookups_months(void **state)
{
	sf_scenario *sc = NULL;
	sf_diags d;
	char buf[16];
	int m = 0;
	(void)state;

	sf_diags_init(&d);
	assert_int_equal(load_text(BASE, &sc, &d), SF_OK);
	assert_int_equal(sf_scenario_find_sector(sc, "south"), 1);
	assert_int_equal(sf_scenario_find_sector(sc, "mission"), -1);
	assert_int_equal(sf_scenario_find_location(sc, "mission"), 2);
	assert_int_equal(sf_scenario_find_location(sc, "north"), 0);
	assert_string_equal(sf_scenario_location_id(sc, 2), "mission");
	assert_string_equal(sf_scenario_location_id(sc, 1), "south");
	assert_int_equal(sf_scenario_find_task(sc, "hq"), 1);
	assert_int_equal(sf_scenario_find_unit(sc, "staff"), 1);
	assert_int_equal(sf_scenario_find_contributor(sc, "BBB"), 1);
	assert_int_equal(sf_scenario_find_pledge(sc, "BBB-1"), 2);
	assert_int_equal(sf_scenario_find_stakeholder(sc, "HOST"), 0);
	assert_int_equal(sf_scenario_find_task(sc, "nope"), -1);

	assert_int_equal(sf_scenario_parse_month(sc, "2026-01", &m), 0);
	assert_int_equal(m, 1);
	assert_int_equal(sf_scenario_parse_month(sc, "2026-12", &m), 0);
	assert_int_equal(m, 12);
	assert_int_equal(sf_scenario_parse_month(sc, "7", &m), 0);
	assert_int_equal(m, 7);
	assert_int_equal(sf_scenario_parse_month(sc, "2027-01", &m), -1);
	assert_int_equal(sf_scenario_parse_month(sc, "2025-12", &m), -1);
	assert_int_equal(sf_scenario_parse_month(sc, "0", &m), -1);
	assert_int_equal(sf_scenario_parse_month(sc, "13", &m), -1);
	assert_int_equal(sf_scenario_parse_month(sc, "2026-1", &m), -1);
	assert_int_equal(sf_scenario_parse_month(sc, "x", &m), -1);
	assert_string_equal(sf_scenario_month_label(sc, 1, buf, sizeof(buf)), "2026-01");
	assert_string_equal(sf_scenario_month_label(sc, 12, buf, sizeof(buf)), "2026-12");
	assert_string_equal(sf_scenario_month_label(sc, 13, buf, sizeof(buf)), "2027-01");
	sf_scenario_free(sc);
	sf_diags_release(&d);
}

static void test_clone_and_edit(void **state)
{
	sf_scenario *sc = NULL, *c = NULL;
	sf_diags d;
	sf_error err;
	size_t k;
	(void)state;

	sf_diags_init(&d);
	sf_error_clear(&err);
	assert_int_equal(load_text(BASE, &sc, &d), SF_OK);
	assert_int_equal(sf_scenario_clone(sc, &c, &err), SF_OK);
	assert_ptr_not_equal(c->pledges, sc->pledges);
	assert_ptr_not_equal(c->pledges[0].task_ok, sc->pledges[0].task_ok);
	assert_string_equal(c->pledges[1].id, "AAA-staff");
	assert_ptr_not_equal(c->pledges[1].id, sc->pledges[1].id);
	c->pledges[0].loc_ok[0] = 1;
	c->vetoes[0].active = 0;
	c->tasks[0].ramp[0].level = 9;
	assert_int_equal(sc->pledges[0].loc_ok[0], 0);
	assert_int_equal(sc->vetoes[0].active, 1);
	assert_true(sc->tasks[0].ramp[0].level == 0.5);

	assert_int_equal(sf_scenario_add_pledge(c, 1, 0, 3, 2, 12, NULL, &k, &err), SF_OK);
	assert_int_equal(k, 3);
	assert_int_equal(c->npledges, 4);
	assert_string_equal(c->pledges[3].id, "BBB-w1");
	assert_int_equal(c->pledges[3].count, 3);
	assert_int_equal(c->pledges[3].loc_ok[SF_MISSION(c)], 1);
	assert_int_equal(c->pledges[3].active, 1);
	assert_int_equal(sf_scenario_add_pledge(c, 1, 0, 1, 1, 1, NULL, &k, &err), SF_OK);
	assert_string_equal(c->pledges[4].id, "BBB-w2");
	assert_int_equal(sf_scenario_add_pledge(c, 0, 0, 1, 1, 1, "AAA-staff", &k, &err),
	                 SF_ERR_USAGE);
	sf_error_clear(&err);
	assert_int_equal(sf_scenario_add_pledge(c, 0, 0, 1, 5, 2, "x", &k, &err), SF_ERR_USAGE);
	sf_error_clear(&err);
	assert_int_equal(sf_scenario_add_veto(c, 0, 0, SF_VETO_HARD, 0, &k, &err), SF_OK);
	assert_int_equal(k, 2);
	assert_int_equal(c->vetoes[2].all_sectors, 1);
	assert_int_equal(c->vetoes[2].sector_mask[1], 1);
	assert_int_equal(sc->npledges, 3);
	assert_int_equal(sc->nvetoes, 2);
	/* A clone of a clone, freed in the other order. */
	sf_scenario *c2 = NULL;
	assert_int_equal(sf_scenario_clone(c, &c2, &err), SF_OK);
	sf_scenario_free(c);
	assert_string_equal(c2->pledges[4].id, "BBB-w2");
	sf_scenario_free(c2);
	sf_scenario_free(sc);
	sf_diags_release(&d);
}

/* Replace the first occurrence of `from` in base by `to`. */
static char *edit_in(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	sf_buf b;
	assert_non_null(at);
	sf_buf_init(&b, 0);
	sf_buf_add(&b, base, (size_t)(at - base));
	sf_buf_adds(&b, to);
	sf_buf_adds(&b, at + strlen(from));
	return sf_buf_detach(&b);
}

static char *edit(const char *from, const char *to)
{
	return edit_in(BASE, from, to);
}

typedef struct err_case {
	const char *from, *to; /* the edit of BASE */
	int line, column;      /* of the first error */
	const char *path;      /* its key path */
	const char *message;   /* a part of its message */
} err_case;

static const err_case cases[] = {
        /* YAML syntax */
        {"name: Test\n", "name: [Test\n", 3, 6, "", "invalid YAML: did not find expected"},
        /* unknown key, with a hint */
        {"  months: 12\n", "  month: 12\n", 6, 3, "mandate.month",
         "unknown key 'month' in the mandate (did you mean 'months'?)"},
        {"  months: 12\n", "", 5, 3, "mandate", "missing key 'months'"},
        {"    weight: 10\n", "    wieght: 10\n", 18, 5, "tasks[0].wieght",
         "unknown key 'wieght' in a task (did you mean 'weight'?)"},
        /* duplicate key */
        {"    weight: 10\n", "    weight: 10\n    weight: 11\n", 19, 5, "tasks[0].weight",
         "duplicate key 'weight' (first at line 18)"},
        /* wrong types */
        {"  troop_ceiling: 5_000\n", "  troop_ceiling: lots\n", 7, 18, "mandate.troop_ceiling",
         "expected a number, found 'lots'"},
        {"    personnel: 150\n", "    personnel: \"150\"\n", 27, 16, "unit_types[0].personnel",
         "expected an integer, found the string '150' (remove the quotes)"},
        {"    count: 4\n", "    count: 2.5\n", 40, 16, "contributors[0].pledges[0].count",
         "expected an integer, found '2.5'"},
        {"tasks:\n", "tasks: {a: 1}\nx:\n", 16, 8, "tasks", "expected a list of tasks"},
        {"      attributes: {population: 100000}\n", "      attributes: [1]\n", 15, 19,
         "sectors.list[1].attributes", "expected the sector's attributes"},
        /* ranges */
        {"format: 1\n", "format: 3\n", 1, 9, "format", "unsupported format 3"},
        {"  months: 12\n", "  months: 0\n", 6, 11, "mandate.months", "'months' must be between 1"},
        {"  start: 2026-01\n", "  start: January\n", 5, 10, "mandate.start",
         "expected a month YYYY-MM"},
        {"as_of: 2026-03-20\n", "as_of: 2026-02-29\n", 3, 8, "as_of", "expected a date"},
        {"  troop_ceiling: 5_000\n", "  troop_ceiling: 5000\n  max_share: 1.5\n", 8, 14,
         "mandate.max_share", "'max_share' must be at most 1"},
        {"population: 200000, threat: 2}", "population: 200000, threat: 0}", 12, 48,
         "sectors.list[0].attributes.threat", "'threat' must be greater than 0"},
        {"    weight: 10\n", "    weight: -1\n", 18, 13, "tasks[0].weight",
         "'weight' must be at least 0.001"},
        {"        confidence: 0.5\n", "        confidence: 1.5\n", 43, 21,
         "contributors[0].pledges[0].confidence", "'confidence' must be at most 1"},
        {"        count: 4\n", "        count: 0\n", 40, 16, "contributors[0].pledges[0].count",
         "'count' must be between 1 and 1000000"},
        {"    monthly_cost: 1000\n", "    monthly_cost: -1\n", 28, 19, "unit_types[0].monthly_cost",
         "'monthly_cost' must be at least 0"},
        {"        delay_months: 2\n", "        delay_months: -2\n", 44, 23,
         "contributors[0].pledges[0].delay_months", "'delay_months' must be between 0"},
        {"  troop_ceiling: 5_000\n", "  troop_ceiling: .inf\n", 7, 18, "mandate.troop_ceiling",
         "expected a finite number"},
        /* months */
        {"        from: 2\n", "        from: 13\n", 41, 15, "contributors[0].pledges[0].from",
         "expected a month of the plan (1..12 or 2026-01..2026-12), found '13'"},
        {"        to: 2026-10\n", "        to: 2027-01\n", 42, 13, "contributors[0].pledges[0].to",
         "month 2027-01 is outside the plan: expected 1..12 or 2026-01..2026-12"},
        {"        from: 2\n", "        from: 11\n", 42, 13, "contributors[0].pledges[0].to",
         "'to' (month 10) comes before 'from' (month 11)"},
        {"{from: 2026-04, level: 1}", "{from: 1, level: 1}", 20, 42, "tasks[0].ramp[1].from",
         "ramp steps must be in increasing order"},
        /* ids */
        {"    - id: south\n", "    - id: north\n", 13, 11, "sectors.list[1].id",
         "duplicate sector id 'north' (first at line 11)"},
        {"    - id: south\n", "    - id: mission\n", 13, 11, "sectors.list[1].id",
         "'mission' is reserved"},
        {"  - id: hq\n", "  - id: h q\n", 21, 9, "tasks[1].id", "invalid id 'h q'"},
        {"      - id: AAA-staff\n", "      - id: AAA-1\n", 47, 13, "contributors[0].pledges[1].id",
         "duplicate pledge id 'AAA-1' (first at line 39)"},
        {"  - id: BBB\n", "  - id: AAA\n", 52, 9, "contributors[1].id",
         "duplicate contributor id 'AAA' (first at line 36)"},
        /* references */
        {"      - unit: inf\n", "      - unit: inff\n", 39, 15, "contributors[0].pledges[0].unit",
         "unknown unit type 'inff' (did you mean 'inf'?)"},
        {"{poc: 1, hq: 0.5}", "{poc: 1, hqq: 0.5}", 29, 34, "unit_types[0].capabilities.hqq",
         "unknown task 'hqq' (did you mean 'hq'?)"},
        {"        tasks: {deny: [hq]}\n", "        tasks: {deny: [qrf]}\n", 45, 24,
         "contributors[0].pledges[0].tasks.deny[0]",
         "unknown task 'qrf' (expected one of: poc, hq)"},
        {"        locations: {allow: [south]}\n", "        locations: {allow: [sout]}\n", 46, 29,
         "contributors[0].pledges[0].locations.allow[0]",
         "unknown sector 'sout' (did you mean 'south'?)"},
        {"{contributor: BBB, kind: hard", "{contributor: CCC, kind: hard", 58, 23,
         "stakeholders[0].vetoes[0].contributor", "unknown contributor 'CCC'"},
        {"sectors: [north]}", "sectors: [nord]}", 58, 50, "stakeholders[0].vetoes[0].sectors[0]",
         "unknown sector 'nord' (did you mean 'north'?)"},
        /* requirements */
        {"{per: population, every: 100000}", "{per: people, every: 100000}", 12, 19,
         "sectors.list[0].attributes",
         "sector 'north' has no attribute 'people' that task 'poc' needs"},
        {"{per: population, every: 100000}", "{per: population}", 19, 18, "tasks[0].requirement",
         "missing key 'every'"},
        {"{per: population, every: 100000}", "{value: 1, by_sector: {north: 1}}", 19, 18,
         "tasks[0].requirement", "give only one form"},
        {"    requirement: {value: 1}\n", "    requirement: {by_sector: {north: 1}}\n", 24, 18,
         "tasks[1].requirement", "a mission task takes {value: number} only"},
        {"    requirement: {value: 1}\n", "    requirement: {}\n", 24, 18, "tasks[1].requirement",
         "expected one of"},
        {"    scope: mission\n", "    scope: global\n", 22, 12, "tasks[1].scope",
         "expected 'sector' or 'mission'"},
        /* caveats and vetoes */
        {"        tasks: {deny: [hq]}\n", "        tasks: {deny: [hq], allow: [poc]}\n", 45, 16,
         "contributors[0].pledges[0].tasks", "give either 'allow' or 'deny', not both"},
        {"kind: hard, sectors", "kind: hard, penalty: 5, sectors", 58, 49,
         "stakeholders[0].vetoes[0].penalty", "a hard veto takes no penalty"},
        {"kind: soft", "kind: medium", 59, 34, "stakeholders[0].vetoes[1].kind",
         "expected 'hard' or 'soft'"},
        {"sectors: [north]}", "sectors: some}", 58, 49, "stakeholders[0].vetoes[0].sectors",
         "expected 'all' or a list of sector ids"},
        /* YAML features */
        {"format: 1\n", "format: 1\n---\nformat: 1\n", 2, 1, "", "expected one YAML document"},
        {"name: Test\n", "name: *nothing\n", 2, 7, "", "unknown alias '*nothing'"},
        {"name: Test\n", "name: !custom Test\n", 2, 7, "", "unsupported YAML tag '!custom'"},
        /* a pledge's status */
        {"        source: \"a statement\"\n",
         "        source: \"a statement\"\n        status: [single_source, rumoured]\n", 52, 33,
         "contributors[0].pledges[1].status[1]",
         "expected 'assumed', 'single_source', 'contested' or 'on_hold', found 'rumoured'"},
        {"        source: \"a statement\"\n",
         "        source: \"a statement\"\n        status: {on_hold: yes}\n", 52, 17,
         "contributors[0].pledges[1].status", "expected 'assumed', 'single_source'"},
};

/* Each case's edit of base must fail with its first error as the case says. */
static void run_error_cases(const char *base, const err_case *cases_, size_t n)
{
	size_t failures = 0;
	for (size_t i = 0; i < n; i++) {
		const err_case *c = &cases_[i];
		char *text = edit_in(base, c->from, c->to);
		sf_scenario *sc = (sf_scenario *)1;
		sf_diags d;
		sf_diags_init(&d);
		sf_status rc = load_text(text, &sc, &d);
		const sf_diag *first = NULL;
		for (size_t k = 0; k < d.count; k++) {
			if (d.items[k].level == SF_DIAG_ERROR) {
				first = &d.items[k];
				break;
			}
		}
		if (rc != SF_ERR_SCENARIO || sc || !first || first->line != c->line ||
		    first->column != c->column || strcmp(first->path, c->path) != 0 ||
		    !strstr(first->message, c->message)) {
			char buf[1200];
			print_error("case %zu (%s): rc %d, %zu errors\n", i, c->to, rc, d.nerrors);
			for (size_t k = 0; k < d.count; k++)
				print_error("  %s\n",
				            sf_diag_format(&d.items[k], buf, sizeof(buf)));
			print_error("want t.yaml:%d:%d: error: %s: ...%s...\n", c->line, c->column,
			            c->path, c->message);
			free(text);
			sf_diags_release(&d);
			failures++;
			continue;
		}
		assert_string_equal(first->file, "t.yaml");
		free(text);
		sf_diags_release(&d);
	}
	assert_int_equal(failures, 0);
}

/*
 * A pledge's status: one word or a list, kept as flags, written in words,
 * or'ed per contributor, and copied by a clone.
 */
static void test_pledge_status(void **state)
{
	sf_scenario *sc = NULL, *c = NULL;
	sf_diags d;
	sf_error err;
	char buf[64];
	(void)state;

	char *text = edit_in(BASE, "        source: \"a statement\"\n",
	                     "        source: \"a statement\"\n"
	                     "        status: [on_hold, single_source]\n");
	char *text2 = edit_in(text, "      - {unit: inf, count: 2}\n",
	                      "      - {unit: inf, count: 2, status: assumed}\n");
	sf_diags_init(&d);
	sf_error_clear(&err);
	assert_int_equal(load_text(text2, &sc, &d), SF_OK);
	assert_int_equal(sc->pledges[0].status, 0);
	assert_int_equal(sc->pledges[1].status, SF_PLEDGE_ON_HOLD | SF_PLEDGE_SINGLE_SOURCE);
	assert_int_equal(sc->pledges[2].status, SF_PLEDGE_ASSUMED);
	assert_string_equal(sf_pledge_status_str(sc->pledges[1].status, buf, sizeof buf),
	                    "single source, on hold");
	assert_string_equal(sf_pledge_status_str(0, buf, sizeof buf), "");
	assert_string_equal(sf_pledge_status_str(0xf, buf, sizeof buf),
	                    "assumed, single source, contested, on hold");
	assert_int_equal(sf_contributor_status(sc, 0), SF_PLEDGE_ON_HOLD | SF_PLEDGE_SINGLE_SOURCE);
	assert_int_equal(sf_contributor_status(sc, 1), SF_PLEDGE_ASSUMED);
	assert_string_equal(sf_pledge_status_word(1), "single_source");
	assert_string_equal(sf_pledge_status_word(SF_PLEDGE_NSTATUS), "");
	assert_int_equal(sf_scenario_clone(sc, &c, &err), SF_OK);
	assert_int_equal(c->pledges[1].status, sc->pledges[1].status);
	sf_scenario_free(c);
	sf_scenario_free(sc);
	sf_diags_release(&d);
	free(text);
	free(text2);
}

static void test_errors(void **state)
{
	(void)state;
	run_error_cases(BASE, cases, SF_ARRAY_LEN(cases));
}

/* Every error is reported, not only the first. */
static void test_all_errors(void **state)
{
	static const char text[] = "format: 1\n"
	                           "mandate: {start: 2026-01, months: 0, troop_ceiling: -1}\n"
	                           "sectors: {geojson: x, list: [{id: a, opens: 99}]}\n"
	                           "tasks: [{id: t, weight: 0, requirement: {value: -1}}]\n"
	                           "unit_types: [{id: u, personnel: 0, monthly_cost: 1, "
	                           "capabilities: {tt: 1}}]\n"
	                           "contributors: [{id: c, pledges: [{unit: v, count: 0}]}]\n"
	                           "stakeholders: [{id: s, vetoes: [{contributor: d, kind: x}]}]\n"
	                           "extra: 1\n";
	sf_scenario *sc = NULL;
	sf_diags d;
	(void)state;

	sf_diags_init(&d);
	assert_int_equal(load_text(text, &sc, &d), SF_ERR_SCENARIO);
	assert_null(sc);
	/* months, troop_ceiling, weight, value, personnel, tt, v, count, d, x, extra */
	assert_int_equal(d.nerrors, 11);
	/* Sorted by position. */
	for (size_t k = 1; k < d.count; k++)
		assert_true(d.items[k - 1].line < d.items[k].line ||
		            (d.items[k - 1].line == d.items[k].line &&
		             d.items[k - 1].column <= d.items[k].column));
	sf_diags_release(&d);

	/* The limit keeps the first ones and still counts the rest. */
	sf_diags_init(&d);
	d.limit = 3;
	assert_int_equal(load_text(text, &sc, &d), SF_ERR_SCENARIO);
	assert_int_equal(d.count, 3);
	assert_int_equal(d.nerrors, 11);
	sf_diags_release(&d);
}

static void test_warnings(void **state)
{
	sf_scenario *sc = NULL;
	sf_diags d;
	(void)state;

	/* A pledge whose caveats leave it nothing to do: valid, with a warning. */
	char *text = edit("        locations: [mission]\n", "        tasks: {allow: [poc]}\n"
	                                                    "        locations: [mission]\n");
	sf_diags_init(&d);
	assert_int_equal(load_text(text, &sc, &d), SF_OK);
	assert_non_null(sc);
	assert_int_equal(d.nwarnings, 1);
	assert_int_equal(d.items[0].level, SF_DIAG_WARNING);
	assert_int_equal(d.items[0].line, 47);
	assert_non_null(strstr(d.items[0].message, "pledge 'AAA-staff' can never be used"));
	sf_scenario_free(sc);
	sf_diags_release(&d);
	free(text);
}

static void test_empty_and_odd(void **state)
{
	static const char *const bad[] = {
	        "",
	        "---\n",
	        "just a string\n",
	        "- a\n- b\n",
	        "format: 1\n",
	        "{format: 1, mandate: [], sectors: 1, tasks: {}, unit_types: ~, contributors: x}\n",
	        "&a [*a]\n",
	        "a: &x {b: *x}\n",
	        "format: 1\n\0garbage\n",
	};
	(void)state;
	for (size_t i = 0; i < SF_ARRAY_LEN(bad); i++) {
		sf_scenario *sc = (sf_scenario *)1;
		sf_diags d;
		sf_load_options o = {.skip_geometry = 1};
		sf_diags_init(&d);
		size_t len = i == 8 ? 20 : strlen(bad[i]);
		assert_int_equal(sf_scenario_load_mem(bad[i], len, "odd.yaml", &o, &sc, &d),
		                 SF_ERR_SCENARIO);
		assert_null(sc);
		assert_true(d.nerrors >= 1);
		assert_true(d.items[0].line >= 1);
		sf_diags_release(&d);
	}
}

/* Aliases, underscores in numbers, flow style and comments all read. */
static void test_yaml_features(void **state)
{
	sf_scenario *sc = NULL;
	sf_diags d;
	(void)state;
	char *text = edit("    capabilities: {hq: 1}\n", "    capabilities: *caps # shared\n");
	sf_diags_init(&d);
	assert_int_equal(load_text(text, &sc, &d), SF_OK);
	assert_true(sc->unit_types[1].capability[0] == 1);
	assert_true(sc->unit_types[1].capability[1] == 0.5);
	sf_scenario_free(sc);
	sf_diags_release(&d);
	free(text);
}

static void test_geometry(void **state)
{
	char path[1024];
	const char *src = getenv("SRCDIR");
	sf_scenario *sc = NULL;
	sf_diags d;
	(void)state;

	sf_snprintf(path, sizeof(path), "%s/examples/minimal/scenario.yaml", src ? src : "../..");
	sf_diags_init(&d);
	assert_int_equal(sf_scenario_load(path, NULL, &sc, &d), SF_OK);
	assert_int_equal(d.count, 0);
	assert_int_equal(sc->nsectors, 2);
	assert_true(fabs(sc->sectors[0].area_km2_geom - 61.8) < 0.5);
	assert_non_null(strstr(sc->geojson_path, "examples/minimal/sectors.geojson"));
	sf_scenario_free(sc);
	sf_diags_release(&d);

	/* The map does not exist: an error at sectors.geojson. */
	sf_diags_init(&d);
	assert_int_equal(sf_scenario_load_mem(BASE, strlen(BASE), "/tmp/t.yaml", NULL, &sc, &d),
	                 SF_ERR_SCENARIO);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.items[0].path, "sectors.geojson");
	assert_int_equal(d.items[0].line, 9);
	assert_non_null(strstr(d.items[0].message, "cannot read '/tmp/none.geojson'"));
	sf_diags_release(&d);

	sf_diags_init(&d);
	assert_int_equal(sf_scenario_load("/nonexistent/s.yaml", NULL, &sc, &d), SF_ERR_IO);
	assert_null(sc);
	sf_diags_release(&d);

	/* No diagnostics list wanted. */
	sf_load_options o = {.skip_geometry = 1};
	assert_int_equal(sf_scenario_load_mem(BASE, strlen(BASE), "t.yaml", &o, &sc, NULL), SF_OK);
	sf_scenario_free(sc);
	assert_int_equal(sf_scenario_load_mem("format: [", 9, "t.yaml", &o, &sc, NULL),
	                 SF_ERR_SCENARIO);
	assert_null(sc);
	assert_int_equal(sf_scenario_load(path, NULL, &sc, NULL), SF_OK);
	sf_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Format 2                                                             */

static const char BASE2[] =
        "format: 2\n"                           /* 1 */
        "name: Test2\n"                         /* 2 */
        "as_of: 2026-03-20\n"                   /* 3 */
        "readiness: {rdl: 45, level1: 200}\n"   /* 4 */
        "reception:\n"                          /* 5 */
        "  - {from: 1, personnel: 300}\n"       /* 6 */
        "  - {from: 2026-06, personnel: 600}\n" /* 7 */
        "mandate:\n"                            /* 8 */
        "  start: 2026-01\n"                    /* 9 */
        "  months: 12\n"                        /* 10 */
        "  troop_ceiling: 5000\n"               /* 11 */
        "sectors:\n"                            /* 12 */
        "  geojson: none.geojson\n"             /* 13 */
        "  list:\n"                             /* 14 */
        "    - id: north\n"                     /* 15 */
        "    - id: south\n"                     /* 16 */
        "tasks:\n"                              /* 17 */
        "  - id: poc\n"                         /* 18 */
        "    weight: 10\n"                      /* 19 */
        "    requirement: {value: 1}\n"         /* 20 */
        "  - id: hq\n"                          /* 21 */
        "    scope: mission\n"                  /* 22 */
        "    weight: 1\n"                       /* 23 */
        "    requirement: {value: 1}\n"         /* 24 */
        "unit_types:\n"                         /* 25 */
        "  - id: inf\n"                         /* 26 */
        "    personnel: 150\n"                  /* 27 */
        "    monthly_cost: 1000\n"              /* 28 */
        "    min_stay_months: 3\n"              /* 29 */
        "    move_cost: 400\n"                  /* 30 */
        "    capabilities: {poc: 1, hq: 0.5}\n" /* 31 */
        "  - id: staff\n"                       /* 32 */
        "    personnel: 20\n"                   /* 33 */
        "    monthly_cost: 500\n"               /* 34 */
        "    capabilities: {hq: 1}\n"           /* 35 */
        "contributors:\n"                       /* 36 */
        "  - id: AAA\n"                         /* 37 */
        "    pledges:\n"                        /* 38 */
        "      - unit: inf\n"                   /* 39 */
        "        count: 4\n"                    /* 40 */
        "        lead_days: 75\n"               /* 41 */
        "        tour_months: 6\n"              /* 42 */
        "        tours: 2\n"                    /* 43 */
        "      - id: AAA-staff\n"               /* 44 */
        "        unit: staff\n"                 /* 45 */
        "        count: 1\n"                    /* 46 */
        "        readiness: rdl\n"              /* 47 */
        "        locations: [mission]\n"        /* 48 */
        "  - id: BBB\n"                         /* 49 */
        "    pledges:\n"                        /* 50 */
        "      - {unit: inf, count: 2, readiness: level1, min_stay_months: 2, tour_months: 12}\n"
        "deployed:\n"                                                                 /* 52 */
        "  - {pledge: AAA-1, location: north, task: poc, units: 1, since: 2026-02}\n" /* 53 */
        "  - {pledge: AAA-staff, location: mission, task: hq, units: 1}\n";           /* 54 */

/*
 * The months each condition of case 22 allows (docs/model.md,
 * "Conditions"), and what it covers: a consent pending in month 2 only, a
 * sequence from month 2, an indicator met in month 3 (the latest of the
 * two values that apply from month 3 is 4, below 5) that stays met in
 * month 4 although its value there is 7, a consent given that allows all.
 */
static void test_conditions(void **state)
{
	char path[1024];
	const char *src = getenv("SRCDIR");
	sf_scenario *sc = NULL, *cl = NULL;
	sf_diags d;
	sf_error e;
	static const int allows[4][4] = {{0, 1, 1, 1}, {1, 1, 1, 1}, {1, 0, 1, 1}, {0, 0, 1, 1}};
	(void)state;

	sf_snprintf(path, sizeof(path), "%s/tests/cases/plan/22-f2-conditions/scenario.yaml",
	            src ? src : "../..");
	sf_diags_init(&d);
	assert_int_equal(sf_scenario_load(path, NULL, &sc, &d), SF_OK);
	assert_int_equal(sc->nconditions, 4);
	assert_string_equal(sc->conditions[3].id, "disarm-after");
	assert_int_equal(sc->conditions[3].nvalues, 4);
	assert_int_equal(sc->conditions[3].values[0].month, 1); /* 2026-01-01 */
	assert_int_equal(sc->conditions[3].values[2].month, 3); /* 2026-02-20 */
	for (size_t k = 0; k < 4; k++)
		for (int m = 1; m <= 4; m++)
			assert_int_equal(sf_condition_allows_month(sc, &sc->conditions[k], m),
			                 allows[k][m - 1]);
	/* b-consent covers B (pledge 1) anywhere, not A; disarm-after only disarm. */
	assert_true(sf_condition_forbids(sc, 1, 0, 0, 2));
	assert_false(sf_condition_forbids(sc, 0, 1, 0, 2));
	assert_true(sf_condition_forbids(sc, 1, 1, 1, 1));
	assert_false(sf_condition_forbids(sc, 0, 2, 0, 1)); /* mission: never */
	/* A clone keeps them; lifted, a condition forbids nothing. */
	assert_int_equal(sf_scenario_clone(sc, &cl, &e), SF_OK);
	assert_string_equal(cl->conditions[1].id, "a-consent");
	cl->conditions[0].active = 0;
	assert_false(sf_condition_forbids(cl, 1, 0, 0, 1));
	assert_true(sf_condition_forbids(sc, 1, 0, 0, 1));
	sf_scenario_free(cl);
	sf_scenario_free(sc);
	sf_diags_release(&d);
}

static void test_format2_valid(void **state)
{
	sf_scenario *sc = NULL, *c = NULL;
	sf_diags d;
	sf_error err;
	char buf[1200];
	(void)state;

	sf_diags_init(&d);
	sf_error_clear(&err);
	assert_int_equal(load_text(BASE2, &sc, &d), SF_OK);
	for (size_t k = 0; k < d.count; k++)
		print_error("%s\n", sf_diag_format(&d.items[k], buf, sizeof(buf)));
	assert_int_equal(d.count, 0);
	assert_int_equal(sc->format, 2);
	assert_int_equal(sc->a0, 3); /* the month of as_of, 2026-03 */
	assert_int_equal(sc->readiness_days[SF_READINESS_RDL], 45);
	assert_int_equal(sc->readiness_days[SF_READINESS_LEVEL3], 90); /* defaults */
	assert_int_equal(sc->readiness_days[SF_READINESS_LEVEL2], 120);
	assert_int_equal(sc->readiness_days[SF_READINESS_LEVEL1], 200);
	assert_int_equal(sc->nreception, 2);
	assert_int_equal(sc->reception[1].from, 6);
	assert_true(sf_scenario_reception(sc, 5) == 300);
	assert_true(sf_scenario_reception(sc, 6) == 600);
	/* Unit types: given, and the defaults of docs/scenario-format.md. */
	assert_int_equal(sc->unit_types[0].min_stay_months, 3);
	assert_true(sc->unit_types[0].move_cost == 400);
	assert_true(sc->unit_types[0].retask_cost == 20); /* 1000 / 50 */
	assert_true(sc->unit_types[0].change_cost == 400);
	assert_int_equal(sc->unit_types[1].min_stay_months, 1);
	assert_true(sc->unit_types[1].move_cost == 50); /* 500 / 10 */
	assert_true(sc->unit_types[1].retask_cost == 10);
	/* Pledges: notice, tours, stays. */
	const sf_pledge *p = &sc->pledges[0];
	assert_int_equal(p->lead_days, 75);
	assert_int_equal(p->readiness, SF_READINESS_NONE);
	assert_int_equal(p->has_notice, 1);
	assert_int_equal(p->tour_months, 6);
	assert_int_equal(p->tours, 2);
	assert_int_equal(sf_pledge_min_stay(sc, 0), 3);
	/* 2026-03-20 + 75 days = 2026-06-03: month 6. */
	assert_int_equal(sf_pledge_earliest(sc, 0), 6);
	p = &sc->pledges[1];
	assert_int_equal(p->readiness, SF_READINESS_RDL);
	assert_int_equal(p->lead_days, 45);
	assert_int_equal(sf_pledge_earliest(sc, 1), 5); /* 2026-05-04 */
	assert_int_equal(sf_pledge_enters_sectors(sc, 1), 0);
	assert_int_equal(sf_pledge_enters_sectors(sc, 0), 1);
	p = &sc->pledges[2];
	assert_int_equal(p->lead_days, 200);
	assert_int_equal(sf_pledge_min_stay(sc, 2), 2);
	assert_int_equal(sf_pledge_earliest(sc, 2), 10); /* 2026-10-06 */
	assert_int_equal(p->tours, 0);
	/* Deployed. */
	assert_int_equal(sc->ndeployed, 2);
	assert_int_equal(sc->deployed[0].pledge, 0);
	assert_int_equal(sc->deployed[0].location, 0);
	assert_int_equal(sc->deployed[0].task, 0);
	assert_int_equal(sc->deployed[0].since, 2);
	assert_int_equal(sc->deployed[1].location, SF_MISSION(sc));
	assert_int_equal(sc->deployed[1].since, 1);
	assert_int_equal(sc->deployed[1].pos.line, 54);
	/* A clone carries all of it. */
	assert_int_equal(sf_scenario_clone(sc, &c, &err), SF_OK);
	assert_ptr_not_equal(c->deployed, sc->deployed);
	assert_ptr_not_equal(c->reception, sc->reception);
	assert_int_equal(c->deployed[0].since, 2);
	assert_true(sf_scenario_reception(c, 7) == 600);
	sf_scenario_free(c);
	sf_scenario_free(sc);
	sf_diags_release(&d);

	/* Format 1 knows none of it: a0 1, no limit, from_p. */
	sf_diags_init(&d);
	assert_int_equal(load_text(BASE, &sc, &d), SF_OK);
	assert_int_equal(sc->format, 1);
	assert_int_equal(sc->a0, 1);
	assert_true(isinf(sf_scenario_reception(sc, 1)));
	assert_int_equal(sf_pledge_earliest(sc, 0), 2);
	assert_int_equal(sf_pledge_min_stay(sc, 0), 1);
	sf_scenario_free(sc);
	sf_diags_release(&d);
}

static const err_case cases2[] = {
        {"        lead_days: 75\n", "        lead_days: 75\n        readiness: rdl\n", 42, 20,
         "contributors[0].pledges[0].readiness", "either 'lead_days' or 'readiness'"},
        {"        readiness: rdl\n", "        readiness: rdll\n", 47, 20,
         "contributors[0].pledges[1].readiness",
         "expected rdl, level3, level2 or level1, found 'rdll' (did you mean 'rdl'?)"},
        {"        lead_days: 75\n", "        lead_day: 75\n", 41, 9,
         "contributors[0].pledges[0].lead_day",
         "unknown key 'lead_day' in a pledge (did you mean 'lead_days'?)"},
        {"        lead_days: 75\n", "        lead_days: -1\n", 41, 20,
         "contributors[0].pledges[0].lead_days", "'lead_days' must be between 0 and 3650"},
        {"readiness: {rdl: 45, level1: 200}\n", "readiness: {rdl: 45, levl1: 200}\n", 4, 22,
         "readiness.levl1", "unknown key 'levl1' in the readiness table"},
        {"        tour_months: 6\n", "        tour_months: 2\n", 42, 22,
         "contributors[0].pledges[0].tour_months",
         "a tour of 2 months is shorter than the minimum stay of 3 months"},
        {"    move_cost: 400\n", "    move_cost: 400\n    retask_cost: 500\n", 31, 18,
         "unit_types[0].retask_cost", "'retask_cost' (500) must not exceed 'move_cost' (400)"},
        {"    move_cost: 400\n", "    move_cost: 0\n", 30, 16, "unit_types[0].move_cost",
         "'move_cost' must be greater than 0"},
        {"  - {from: 2026-06, personnel: 600}\n", "  - {from: 1, personnel: 600}\n", 7, 12,
         "reception[1].from", "increasing order of 'from'"},
        {"  - {from: 1, personnel: 300}\n", "  - {from: 1, persons: 300}\n", 6, 5, "reception[0]",
         "missing key 'personnel'"},
        {"as_of: 2026-03-20\n", "as_of: 2027-03-20\n", 3, 8, "as_of",
         "as_of 2027-03-20 is after the last month of the plan (2026-12)"},
        {"{pledge: AAA-1, location: north", "{pledge: AAA-2, location: north", 53, 14,
         "deployed[0].pledge", "unknown pledge 'AAA-2' (did you mean 'AAA-1'?)"},
        {"units: 1, since: 2026-02}", "units: 1, since: 2026-04}", 53, 66, "deployed[0].since",
         "'since' (2026-04) is after the month of as_of (2026-03)"},
        {"since: 2026-02}\n",
         "since: 2026-02}\n  - {pledge: AAA-1, location: south, task: "
         "poc, units: 4}\n",
         54, 56, "deployed[1].units", "pledge 'AAA-1' has 4 units, but 5 are recorded"},
        {"{pledge: AAA-1, location: north", "{pledge: AAA-1, location: mission", 53, 31,
         "deployed[0].location", "task 'poc' is done in sectors, not at 'mission'"},
        {"{pledge: AAA-staff, location: mission, task: hq",
         "{pledge: AAA-staff, location: north, task: poc", 54, 48, "deployed[1].task",
         "unit type 'staff' of pledge 'AAA-staff' has no capability for task 'poc'"},
        {"{pledge: AAA-staff, location: mission, task: hq, units: 1}",
         "{pledge: AAA-staff, location: mission, task: hq}", 54, 5, "deployed[1]",
         "missing key 'units'"},
};

static void test_format2_errors(void **state)
{
	(void)state;
	run_error_cases(BASE2, cases2, SF_ARRAY_LEN(cases2));
}

/* Format-2 keys in a format-1 file say which format they need. */
static const err_case cases_f2_in_f1[] = {
        {"        confidence: 0.5\n", "        lead_days: 30\n", 43, 9,
         "contributors[0].pledges[0].lead_days",
         "'lead_days' is a format-2 key: write 'format: 2' at the top of the file"},
        {"    deploy_cost: 0\n", "    move_cost: 0\n", 33, 5, "unit_types[1].move_cost",
         "'move_cost' is a format-2 key"},
        {"name: Test\n", "name: Test\nreception: []\n", 3, 1, "reception",
         "'reception' is a format-2 key"},
};

static void test_format2_keys_in_format1(void **state)
{
	(void)state;
	run_error_cases(BASE, cases_f2_in_f1, SF_ARRAY_LEN(cases_f2_in_f1));
}

static void test_format2_warnings(void **state)
{
	sf_scenario *sc = NULL;
	sf_diags d;
	(void)state;

	/* No notice on two pledges: one warning naming the first. */
	char *text = edit_in(BASE2, "        lead_days: 75\n", "");
	char *t2 = edit_in(text, "readiness: level1, ", "");
	sf_diags_init(&d);
	assert_int_equal(load_text(t2, &sc, &d), SF_OK);
	assert_int_equal(d.nwarnings, 1);
	assert_int_equal(d.items[0].line, 39);
	assert_non_null(strstr(d.items[0].message, "2 pledges give no notice"));
	assert_non_null(strstr(d.items[0].message, "the first 'AAA-1'"));
	sf_scenario_free(sc);
	sf_diags_release(&d);
	free(text);
	free(t2);

	/* Reception from a later month; a pledge that can never arrive. */
	text = edit_in(BASE2, "  - {from: 1, personnel: 300}\n", "  - {from: 4, personnel: 300}\n");
	t2 = edit_in(text, "readiness: level1,", "lead_days: 400,");
	sf_diags_init(&d);
	assert_int_equal(load_text(t2, &sc, &d), SF_OK);
	assert_int_equal(d.nwarnings, 2);
	assert_int_equal(d.items[0].line, 6);
	assert_non_null(strstr(d.items[0].message, "until 2026-04"));
	assert_int_equal(d.items[1].line, 51);
	assert_non_null(strstr(d.items[1].message, "pledge 'BBB-1' can never serve"));
	sf_scenario_free(sc);
	sf_diags_release(&d);
	free(text);
	free(t2);

	/* A deployment outside the pledge's caveats is recorded, with a warning. */
	text = edit_in(BASE2, "        readiness: rdl\n        locations: [mission]\n",
	               "        readiness: rdl\n");
	t2 = edit_in(text, "        tours: 2\n",
	             "        tours: 2\n        tasks: {deny: [poc]}\n");
	sf_diags_init(&d);
	assert_int_equal(load_text(t2, &sc, &d), SF_OK);
	assert_int_equal(d.nwarnings, 1);
	assert_non_null(strstr(d.items[0].message, "which its caveats exclude"));
	sf_scenario_free(sc);
	sf_diags_release(&d);
	free(text);
	free(t2);

	/* as_of before the plan: every month is decided. */
	text = edit_in(BASE2, "as_of: 2026-03-20\n", "as_of: 2025-11-02\n");
	t2 = edit_in(text, "since: 2026-02", "since: 1");
	sf_diags_init(&d);
	assert_int_equal(load_text(t2, &sc, &d), SF_OK);
	assert_int_equal(sc->a0, 1);
	/* 2025-11-02 + 75 days = 2026-01-16: month 1. */
	assert_int_equal(sf_pledge_earliest(sc, 0), 1);
	sf_scenario_free(sc);
	sf_diags_release(&d);
	free(text);
	free(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_valid),
	        cmocka_unit_test(test_lookups_months),
	        cmocka_unit_test(test_clone_and_edit),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_all_errors),
	        cmocka_unit_test(test_warnings),
	        cmocka_unit_test(test_empty_and_odd),
	        cmocka_unit_test(test_yaml_features),
	        cmocka_unit_test(test_geometry),
	        cmocka_unit_test(test_format2_valid),
	        cmocka_unit_test(test_conditions),
	        cmocka_unit_test(test_format2_errors),
	        cmocka_unit_test(test_format2_keys_in_format1),
	        cmocka_unit_test(test_format2_warnings),
	        cmocka_unit_test(test_pledge_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
