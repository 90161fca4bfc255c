/*
 * test_check.c - sf_check_plan() on hand-made plans.
 *
 * The scenario is built by hand in static storage (not read from YAML), so
 * these tests exercise the checker alone. It is small enough to work out
 * in one's head:
 *
 *   months 2026-01..2026-02; ceiling 1000; largest share 0.7
 *   sectors north (population 200000), south (population 100000, opens 2)
 *   tasks   poc: sector, weight 10, one per 100000 people
 *                -> R north = 2 (months 1, 2), R south = 0, 1
 *           train: mission, weight 1, value 1 -> R mission = 1, 1
 *   units   inf: 100 persons, cost 10/month, deploy 20, poc 1
 *           trainer: 50 persons, cost 5, deploy 5, train 1
 *   A (cap 150): A-1 2 inf
 *   B: B-1 2 inf, locations deny south
 *   C: C-1 1 trainer from month 2; C-2 1 inf; C-3 1 inf, tasks deny poc
 *   X vetoes C in north (hard) and B in north (soft, 1 per person-month)
 *
 * The good plan: month 1 A-1 1 + B-1 1 at north on poc; month 2 A-1 1 at
 * south, B-1 2 at north, C-1 1 at mission on train. Only month 1's train
 * is short: Z1 = 1, FOC = month 2. Z2 = units (2*10 + 3*10 + 5 = 55) +
 * soft veto (B in north: 100 + 200 person-months = 300) + arrivals
 * (A-1 north m1, A-1 south m2, B-1 north m1 and m2: 4*20, C-1 5 = 85) =
 * 440. Shares: month 1 A 100 / B 100 of 200; month 2 A 100, B 200 of 300
 * (2/3 <= 0.7).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "stabforce/stabforce.h"

/* ---------------------------------------------------------------- */
/* The scenario.                                                      */

static sf_attr north_attrs[] = {{"population", 200000}};
static sf_attr south_attrs[] = {{"population", 100000}};
static sf_sector sectors[] = {
        {.id = "north",
         .name = "North",
         .opens = 1,
         .attrs = north_attrs,
         .nattrs = 1,
         .threat = 1},
        {.id = "south",
         .name = "South",
         .opens = 2,
         .attrs = south_attrs,
         .nattrs = 1,
         .threat = 1},
};
static double cap_inf[] = {1, 0}, cap_trainer[] = {0, 1};
static sf_unit_type units[] = {
        {.id = "inf",
         .personnel = 100,
         .monthly_cost = 10,
         .deploy_cost = 20,
         .capability = cap_inf},
        {.id = "trainer",
         .personnel = 50,
         .monthly_cost = 5,
         .deploy_cost = 5,
         .capability = cap_trainer},
};
static sf_task tasks[] = {
        {.id = "poc",
         .scope = SF_SCOPE_SECTOR,
         .weight = 10,
         .req_kind = SF_REQ_PER,
         .req_per = "population",
         .req_every = 100000},
        {.id = "train",
         .scope = SF_SCOPE_MISSION,
         .weight = 1,
         .req_kind = SF_REQ_VALUE,
         .req_value = 1},
};
static sf_contributor contributors[] = {
        {.id = "A", .has_cap = 1, .cap = 150, .active = 1},
        {.id = "B", .active = 1},
        {.id = "C", .active = 1},
};
static unsigned char all_tasks[] = {1, 1}, no_poc[] = {0, 1};
static unsigned char all_locs[] = {1, 1, 1}, not_south[] = {1, 0, 1};
static sf_pledge pledges[] = {
        {.id = "A-1",
         .contributor = 0,
         .unit = 0,
         .count = 2,
         .from = 1,
         .to = 2,
         .task_ok = all_tasks,
         .loc_ok = all_locs,
         .active = 1},
        {.id = "B-1",
         .contributor = 1,
         .unit = 0,
         .count = 2,
         .from = 1,
         .to = 2,
         .task_ok = all_tasks,
         .loc_ok = not_south,
         .active = 1},
        {.id = "C-1",
         .contributor = 2,
         .unit = 1,
         .count = 1,
         .from = 2,
         .to = 2,
         .task_ok = all_tasks,
         .loc_ok = all_locs,
         .active = 1},
        {.id = "C-2",
         .contributor = 2,
         .unit = 0,
         .count = 1,
         .from = 1,
         .to = 2,
         .task_ok = all_tasks,
         .loc_ok = all_locs,
         .active = 1},
        {.id = "C-3",
         .contributor = 2,
         .unit = 0,
         .count = 1,
         .from = 1,
         .to = 2,
         .task_ok = no_poc,
         .loc_ok = all_locs,
         .active = 1},
};
static sf_stakeholder stakeholders[] = {{.id = "X"}};
static unsigned char only_north[] = {1, 0};
static sf_veto vetoes[] = {
        {.stakeholder = 0,
         .contributor = 2,
         .kind = SF_VETO_HARD,
         .sector_mask = only_north,
         .active = 1},
        {.stakeholder = 0,
         .contributor = 1,
         .kind = SF_VETO_SOFT,
         .penalty = 1,
         .sector_mask = only_north,
         .active = 1},
};
static sf_scenario scen = {
        .format = 1,
        .name = "check test",
        .start_year = 2026,
        .start_month = 1,
        .months = 2,
        .troop_ceiling = 1000,
        .has_max_share = 1,
        .max_share = 0.7,
        .sectors = sectors,
        .nsectors = 2,
        .unit_types = units,
        .nunit_types = 2,
        .tasks = tasks,
        .ntasks = 2,
        .contributors = contributors,
        .ncontributors = 3,
        .pledges = pledges,
        .npledges = 5,
        .stakeholders = stakeholders,
        .nstakeholders = 1,
        .vetoes = vetoes,
        .nvetoes = 2,
};

static const char good_plan[] =
        "{\"scenario\": {\"name\": \"check test\", \"months\": 2},"
        " \"solver\": \"cbc\","
        " \"stage1\": {\"status\": \"optimal\", \"objective\": 1, \"bound\": 1, \"gap\": 0},"
        " \"stage2\": {\"status\": \"optimal\", \"objective\": 440, \"bound\": 436, "
        "\"gap\": 0.009090909091},"
        " \"z1\": 1,"
        " \"binding\": {\"ceiling_months\": [], \"share_cap\": [], \"national_cap\": []},"
        " \"months\": [\"2026-01\", \"2026-02\"],"
        " \"foc_month\": 2, \"foc_label\": \"2026-02\","
        " \"cost\": {\"units\": 55, \"deploy\": 85, \"soft_veto\": 300, \"total\": 440},"
        " \"assignments\": ["
        "  {\"month\": 1, \"label\": \"2026-01\", \"pledge\": \"A-1\", \"contributor\": \"A\","
        "   \"unit\": \"inf\", \"location\": \"north\", \"task\": \"poc\", \"units\": 1},"
        "  {\"month\": 1, \"pledge\": \"B-1\", \"location\": \"north\", \"task\": \"poc\", "
        "\"units\": 1},"
        "  {\"month\": 2, \"pledge\": \"A-1\", \"location\": \"south\", \"task\": \"poc\", "
        "\"units\": 1},"
        "  {\"month\": 2, \"pledge\": \"B-1\", \"location\": \"north\", \"task\": \"poc\", "
        "\"units\": 2},"
        "  {\"month\": 2, \"pledge\": \"C-1\", \"location\": \"mission\", \"task\": \"train\", "
        "\"units\": 1}"
        " ],"
        " \"coverage\": ["
        "  {\"month\": 1, \"task\": \"poc\", \"location\": \"north\", \"required\": 2, "
        "\"provided\": 2, \"shortfall\": 0},"
        "  {\"month\": 1, \"task\": \"poc\", \"location\": \"south\", \"required\": 0, "
        "\"provided\": 0, \"shortfall\": 0},"
        "  {\"month\": 1, \"task\": \"train\", \"location\": \"mission\", \"required\": 1, "
        "\"provided\": 0, \"shortfall\": 1},"
        "  {\"month\": 2, \"task\": \"poc\", \"location\": \"north\", \"required\": 2, "
        "\"provided\": 2, \"shortfall\": 0},"
        "  {\"month\": 2, \"task\": \"poc\", \"location\": \"south\", \"required\": 1, "
        "\"provided\": 1, \"shortfall\": 0},"
        "  {\"month\": 2, \"task\": \"train\", \"location\": \"mission\", \"required\": 1, "
        "\"provided\": 1, \"shortfall\": 0}"
        " ],"
        " \"personnel\": ["
        "  {\"month\": 1, \"contributor\": \"A\", \"in_sectors\": 100, \"at_mission\": 0},"
        "  {\"month\": 1, \"contributor\": \"B\", \"in_sectors\": 100, \"at_mission\": 0},"
        "  {\"month\": 2, \"contributor\": \"A\", \"in_sectors\": 100, \"at_mission\": 0},"
        "  {\"month\": 2, \"contributor\": \"B\", \"in_sectors\": 200, \"at_mission\": 0},"
        "  {\"month\": 2, \"contributor\": \"C\", \"in_sectors\": 0, \"at_mission\": 50}"
        " ],"
        " \"personnel_total\": ["
        "  {\"month\": 1, \"in_sectors\": 200, \"at_mission\": 0, \"ceiling\": 1000},"
        "  {\"month\": 2, \"in_sectors\": 300, \"at_mission\": 50, \"ceiling\": 1000}"
        " ]}";

/* ---------------------------------------------------------------- */
/* Helpers.                                                           */

static json_t *good(void)
{
	json_error_t je;
	json_t *j = json_loads(good_plan, 0, &je);
	if (!j)
		fail_msg("good plan: %d:%d: %s", je.line, je.column, je.text);
	return j;
}

static json_t *row(json_t *plan, size_t i)
{
	return json_array_get(json_object_get(plan, "assignments"), i);
}

static void append_row(json_t *plan, int month, const char *pledge, const char *loc,
                       const char *task, int n)
{
	json_t *r = json_pack("{s:i, s:s, s:s, s:s, s:i}", "month", month, "pledge", pledge,
	                      "location", loc, "task", task, "units", n);
	assert_non_null(r);
	assert_int_equal(json_array_append_new(json_object_get(plan, "assignments"), r), 0);
}

/* Check plan (consumed); returns the status, fills r. */
static sf_status run(json_t *plan, sf_check_report *r)
{
	char *text = json_dumps(plan, JSON_COMPACT);
	sf_error err;
	sf_status st;

	assert_non_null(text);
	sf_error_clear(&err);
	st = sf_check_plan(&scen, text, strlen(text), "plan.json", r, &err);
	if (st == SF_ERR_CHECK)
		assert_int_equal(err.code, SF_ERR_CHECK);
	free(text);
	json_decref(plan);
	return st;
}

/*
 * Assert that a violation of kind `what` on `row` (-2: any row) in
 * `month` (-1: any) exists whose message contains `needle`.
 */
static void expect(const sf_check_report *r, const char *what, long rw, int month,
                   const char *needle)
{
	for (size_t i = 0; i < r->count; i++) {
		const sf_violation *v = &r->items[i];
		if (strcmp(v->what, what) == 0 && (rw == -2 || v->row == rw) &&
		    (month < 0 || v->month == month) && strstr(v->message, needle))
			return;
	}
	for (size_t i = 0; i < r->count; i++)
		print_message("  got: %s row %ld month %d: %s\n", r->items[i].what, r->items[i].row,
		              r->items[i].month, r->items[i].message);
	fail_msg("no %s violation (row %ld, month %d) mentioning \"%s\"", what, rw, month, needle);
}

static void expect_only(const sf_check_report *r, const char *what)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->items[i].what, what) != 0)
			fail_msg("unexpected %s violation: %s", r->items[i].what,
			         r->items[i].message);
}

/* ---------------------------------------------------------------- */
/* Tests.                                                             */

static void test_good_plan_passes(void **state)
{
	sf_check_report r;
	sf_buf b;
	sf_error err;
	(void)state;

	sf_check_report_init(&r);
	assert_int_equal(run(good(), &r), SF_OK);
	assert_int_equal(r.count, 0);
	assert_int_equal(r.nrows, 5);
	assert_true(fabs(r.z1 - 1) < 1e-9);
	assert_true(fabs(r.z2 - 440) < 1e-9);
	assert_true(fabs(r.z1_reported - 1) < 1e-9);
	assert_true(fabs(r.z2_reported - 440) < 1e-9);
	assert_int_equal(r.foc_month, 2);

	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	assert_int_equal(sf_check_report_write_text(&r, &b, &err), SF_OK);
	assert_string_equal(sf_buf_str(&b), "ok: 5 rows, Z1 = 1, Z2 = 440, FOC month 2\n");
	sf_buf_release(&b);
	sf_check_report_release(&r);
}

static void test_bad_rows(void **state)
{
	sf_check_report r;
	json_t *p = good();
	(void)state;

	json_object_set_new(row(p, 0), "pledge", json_string("Z-9"));
	json_object_set_new(row(p, 1), "month", json_integer(3));
	json_object_set_new(row(p, 2), "units", json_real(1.5));
	json_object_set_new(row(p, 3), "location", json_string("east"));
	json_object_set_new(row(p, 4), "contributor", json_string("A"));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "row", 0, -1, "unknown pledge 'Z-9'");
	expect(&r, "row", 1, -1, "month is not a whole number in 1..2");
	expect(&r, "row", 2, -1, "units is 1.5, not a whole number in 1..1000000000");
	expect(&r, "row", 3, -1, "unknown location 'east'");
	expect(&r, "row", 4, -1, "pledge C-1 belongs to contributor C, not A");
	sf_check_report_release(&r);

	p = good();
	json_object_set_new(row(p, 0), "units", json_integer(0));
	json_object_set_new(row(p, 1), "label", json_string("2026-02"));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "row", 0, -1, "units is 0, not a whole number in 1..1000000000");
	expect(&r, "row", 1, -1, "label 2026-02 does not match month 1 (2026-01)");
	sf_check_report_release(&r);
}

static void test_duplicate(void **state)
{
	sf_check_report r;
	json_t *p = good();
	(void)state;

	/* Same cell as row 1; B-1 then has 2 units in month 1 (its size), so only duplicate,
	   coverage and the derived figures complain. */
	append_row(p, 1, "B-1", "north", "poc", 1);
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "duplicate", 5, 1, "pledge B-1 at north on task poc already assigned in row 1");
	sf_check_report_release(&r);
}

static void test_existence_rules(void **state)
{
	sf_check_report r;
	json_t *p = good();
	(void)state;

	append_row(p, 1, "C-1", "mission", "train", 1); /* row 5: before from */
	append_row(p, 1, "C-2", "mission", "train", 1); /* row 6: inf cannot train */
	append_row(p, 1, "C-2", "mission", "poc", 1);   /* row 7: sector task at mission */
	append_row(p, 2, "B-1", "south", "poc", 1);     /* row 8: location caveat */
	append_row(p, 2, "C-3", "south", "poc", 1);     /* row 9: task caveat */
	append_row(p, 2, "C-2", "north", "poc", 1);     /* row 10: hard veto */
	append_row(p, 1, "C-3", "south", "poc", 1);     /* row 11: south opens in month 2 */
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "availability", 5, 1,
	       "month 1 (2026-01): pledge C-1 is available only in months 2..2");
	expect(&r, "capability", 6, 1, "unit type inf has no capability for task train");
	expect(&r, "scope", 7, 1, "task poc has scope sector, not done at mission");
	expect(&r, "caveat_location", 8, 2, "pledge B-1 may not be at south (caveat)");
	expect(&r, "caveat_task", 9, 2, "pledge C-3 may not do task poc (caveat)");
	expect(&r, "hard_veto", 10, 2, "X has a hard veto on C there");
	expect(&r, "sector_closed", 11, 1, "pledge C-3 at south: the sector opens in month 2");
	sf_check_report_release(&r);

	/* Inactive pledge, inactive contributor; a lifted veto is no violation. */
	p = good();
	pledges[0].active = 0;
	contributors[1].active = 0;
	append_row(p, 1, "C-2", "north", "poc", 1);
	vetoes[0].active = 0;
	sf_check_report_init(&r);
	sf_status st = run(p, &r);
	pledges[0].active = 1;
	contributors[1].active = 1;
	vetoes[0].active = 1;
	assert_int_equal(st, SF_ERR_CHECK);
	expect(&r, "pledge_inactive", 0, 1, "pledge A-1 is not active");
	expect(&r, "contributor_inactive", 1, 1, "contributor B is not active");
	for (size_t i = 0; i < r.count; i++)
		assert_string_not_equal(r.items[i].what, "hard_veto");
	sf_check_report_release(&r);
}

static void test_pledge_size_and_cap(void **state)
{
	sf_check_report r;
	json_t *p = good();
	(void)state;

	json_object_set_new(row(p, 3), "units", json_integer(3)); /* B-1 has 2 */
	json_object_set_new(row(p, 0), "units", json_integer(2)); /* A: 200 > cap 150 */
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "pledge_size", -1, 2,
	       "month 2 (2026-02): pledge B-1 has 3 units assigned, more than the 2 pledged");
	expect(&r, "national_cap", -1, 1,
	       "month 1 (2026-01): contributor A has 200 personnel deployed, above its cap 150");
	sf_check_report_release(&r);
}

/*
 * A national cap counts people at mission too: A-1 keeps its 100 in north
 * in month 1 and sends its second unit to mission, 200 in all against
 * A's cap of 150 with only 100 in the sectors.
 */
static void test_cap_counts_mission(void **state)
{
	sf_check_report r;
	json_t *p = good();
	(void)state;

	append_row(p, 1, "A-1", "mission", "train", 1);
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "national_cap", -1, 1,
	       "month 1 (2026-01): contributor A has 200 personnel deployed, above its cap 150");
	sf_check_report_release(&r);
}

static void test_ceiling_and_share(void **state)
{
	sf_check_report r;
	sf_status st;
	(void)state;

	scen.troop_ceiling = 250;
	sf_check_report_init(&r);
	st = run(good(), &r);
	scen.troop_ceiling = 1000;
	assert_int_equal(st, SF_ERR_CHECK);
	expect(&r, "ceiling", -1, 2,
	       "month 2 (2026-02): in-sector personnel 300 exceeds the troop ceiling 250");
	expect_only(&r, "ceiling");
	assert_int_equal(r.count, 1);
	sf_check_report_release(&r);

	scen.max_share = 0.6;
	sf_check_report_init(&r);
	st = run(good(), &r);
	scen.max_share = 0.7;
	assert_int_equal(st, SF_ERR_CHECK);
	expect(&r, "share_cap", -1, 2,
	       "contributor B has 200 of 300 in-sector personnel, above the largest share 0.6");
	expect_only(&r, "share_cap");
	sf_check_report_release(&r);
}

static void test_reported_figures(void **state)
{
	sf_check_report r;
	json_t *p = good(), *cov;
	(void)state;

	cov = json_object_get(p, "coverage");
	json_object_set_new(json_array_get(cov, 4), "provided", json_real(0.5));
	json_array_remove(cov, 5);
	json_object_set_new(json_object_get(p, "stage1"), "objective", json_real(1.5));
	json_object_set_new(json_object_get(p, "stage2"), "objective", json_integer(441));
	json_object_set_new(json_object_get(p, "cost"), "deploy", json_integer(80));
	json_object_set_new(p, "foc_month", json_integer(1));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "coverage", -1, 2,
	       "month 2 (2026-02): coverage of task poc at south: the plan says provided 0.5, "
	       "recomputed 1");
	expect(&r, "coverage", -1, 2, "no coverage row for task train at mission");
	expect(&r, "z1", -1, 0,
	       "stage1.objective is 1.5 but the rows give a weighted shortfall Z1 = 1");
	expect(&r, "z2", -1, 0, "stage2.objective is 441 but the rows cost Z2 = 440");
	expect(&r, "cost", -1, 0, "the plan says deploy 80, recomputed 85");
	expect(&r, "foc", -1, 2, "foc_month is 1 but the rows reach FOC in month 2 (2026-02)");
	sf_check_report_release(&r);

	/* A stage 2 that did not run is not compared; FOC never. */
	p = good();
	json_object_set_new(json_object_get(p, "stage2"), "status", json_string("not_run"));
	json_object_set_new(json_object_get(p, "stage2"), "objective", json_integer(0));
	json_object_set_new(p, "foc_month", json_null());
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "foc", -1, 2, "foc_month is null (never) but every shortfall is 0 from month 2");
	assert_int_equal(r.count, 1);
	assert_true(isnan(r.z2_reported));
	sf_check_report_release(&r);
}

/* Set key of the object at path ("" the plan, "stage1", "binding") to v. */
static json_t *with(json_t *p, const char *obj, const char *key, json_t *v)
{
	json_object_set_new(obj[0] ? json_object_get(p, obj) : p, key, v);
	return p;
}

/*
 * Every figure the plan reports at the top level is checked against the
 * rows, whatever the stage statuses say (issue 10 item 6): z1, foc_label,
 * the binding block, each stage's bound and gap.
 */
static void test_top_level_fields(void **state)
{
	sf_check_report r;
	json_t *p;
	(void)state;

	/* z1 0 and a stage 1 "not run": never skipped */
	p = with(good(), "", "z1", json_integer(0));
	json_object_set_new(p, "stage1",
	                    json_pack("{s:s, s:i}", "status", "not_run", "objective", 0));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "stage1", -1, 0, "stage1.status is the string \"not_run\"");
	expect(&r, "z1", -1, 0,
	       "stage1.objective is 0 but the rows give a weighted shortfall Z1 = 1");
	expect(&r, "z1", -1, 0, "z1 is 0 but the rows give a weighted shortfall Z1 = 1");
	sf_check_report_release(&r);

	/* the top-level z1 alone wrong */
	sf_check_report_init(&r);
	assert_int_equal(run(with(good(), "", "z1", json_real(0.5)), &r), SF_ERR_CHECK);
	expect(&r, "z1", -1, 0, "z1 is 0.5 but the rows give a weighted shortfall Z1 = 1");
	assert_int_equal(r.count, 1);
	sf_check_report_release(&r);

	/* foc_label */
	sf_check_report_init(&r);
	assert_int_equal(run(with(good(), "", "foc_label", json_string("2026-01")), &r),
	                 SF_ERR_CHECK);
	expect(&r, "foc", -1, 2,
	       "foc_label is the string \"2026-01\" but the rows reach FOC in 2026-02");
	assert_int_equal(r.count, 1);
	sf_check_report_release(&r);

	/* binding: a month listed that has slack, a binding month left out */
	p = with(good(), "binding", "ceiling_months", json_pack("[i]", 1));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "binding", -1, 1,
	       "binding.ceiling_months lists month 1 (2026-01), but the rows leave slack");
	assert_int_equal(r.count, 1);
	sf_check_report_release(&r);
	scen.troop_ceiling = 300; /* month 2 has 300 in sectors: binding */
	sf_check_report_init(&r);
	assert_int_equal(run(good(), &r), SF_ERR_CHECK);
	scen.troop_ceiling = 1000;
	expect(&r, "binding", -1, 2,
	       "binding.ceiling_months leaves out month 2 (2026-02), but the rows make it bind");
	assert_int_equal(r.count, 1);
	sf_check_report_release(&r);
	contributors[0].cap = 100; /* A has 100 in both months: its cap binds */
	p = with(good(), "binding", "national_cap",
	         json_pack("[{s:s, s:[i]}]", "contributor", "A", "months", 1));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	contributors[0].cap = 150;
	expect(&r, "binding", -1, 2,
	       "binding.national_cap of A leaves out month 2 (2026-02), but the rows make it bind");
	assert_int_equal(r.count, 1);
	sf_check_report_release(&r);
	scen.max_share = 2.0 / 3; /* B has 200 of 300 in month 2 */
	p = with(good(), "binding", "share_cap",
	         json_pack("[{s:s, s:[i]}]", "contributor", "B", "months", 2));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_OK);
	scen.max_share = 0.7;
	sf_check_report_release(&r);

	/* gap and bound */
	p = with(good(), "stage1", "gap", json_real(0.5));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "gap", -1, 0, "stage1.gap is 0.5 but objective 1 and bound 1 give 0");
	expect(&r, "gap", -1, 0, "stage1 is optimal (proven) but its gap is 0.5, not 0");
	sf_check_report_release(&r);
	p = with(good(), "stage2", "bound", json_integer(441));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "bound", -1, 0, "stage2.bound 441 is above its objective 440");
	expect(&r, "bound", -1, 0, "stage2.bound 441 is above what the rows give (440)");
	sf_check_report_release(&r);
	/* a stage 1 stopped by a limit: a gap, but the rows may not beat the bound */
	p = good();
	json_object_set_new(p, "stage1",
	                    json_pack("{s:s, s:f, s:f, s:f}", "status", "feasible", "objective",
	                              1.0, "bound", 1.5, "gap", 0.5));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "bound", -1, 0, "stage1.bound 1.5 is above what the rows give (1)");
	sf_check_report_release(&r);
	/* a stage 1 within the gap asked for (--gap): optimal, its gap, proven false */
	p = good();
	json_object_set_new(p, "stage1",
	                    json_pack("{s:s, s:f, s:f, s:f, s:b}", "status", "optimal", "objective",
	                              1.0, "bound", 0.995, "gap", 0.005, "proven", 0));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_OK);
	sf_check_report_release(&r);
	p = good();
	json_object_set_new(p, "stage1",
	                    json_pack("{s:s, s:f, s:f, s:f, s:b}", "status", "optimal", "objective",
	                              1.0, "bound", 0.995, "gap", 0.005, "proven", 1));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "gap", -1, 0, "stage1 is optimal (proven) but its gap is 0.005, not 0");
	assert_int_equal(r.count, 1);
	sf_check_report_release(&r);
	/* ... and one within SF_GAP_PROVEN counts as proven */
	p = good();
	json_object_set_new(p, "stage1",
	                    json_pack("{s:s, s:f, s:f, s:f, s:b}", "status", "optimal", "objective",
	                              1.0, "bound", 0.99995, "gap", 0.00005, "proven", 1));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_OK);
	sf_check_report_release(&r);
	p = with(good(), "stage2", "gap", json_string("small"));
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "gap", -1, 0, "stage2.gap is the string \"small\", not a number >= 0");
	sf_check_report_release(&r);
}

static void test_personnel(void **state)
{
	sf_check_report r;
	json_t *p = good();
	(void)state;

	json_object_set_new(json_array_get(json_object_get(p, "personnel_total"), 1), "in_sectors",
	                    json_integer(350));
	json_array_remove(json_object_get(p, "personnel"), 4);
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	expect(&r, "personnel", -1, 2,
	       "personnel_total: the plan says in_sectors 350, recomputed 300");
	expect(&r, "personnel", -1, 2, "no personnel row for contributor C");
	expect_only(&r, "personnel");
	sf_check_report_release(&r);
}

static void test_text_report(void **state)
{
	sf_check_report r;
	sf_buf b;
	sf_error err;
	json_t *p = good();
	(void)state;

	append_row(p, 2, "C-2", "north", "poc", 1); /* row 5: hard veto, and more */
	sf_check_report_init(&r);
	assert_int_equal(run(p, &r), SF_ERR_CHECK);
	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	assert_int_equal(sf_check_report_write_text(&r, &b, &err), SF_OK);
	assert_non_null(strstr(sf_buf_str(&b),
	                       "hard_veto: row 5: month 2 (2026-02): pledge C-2 of C at "
	                       "north: X has a hard veto on C there\n"));
	assert_non_null(strstr(sf_buf_str(&b), "z2: stage2.objective is 440 but"));
	sf_buf_release(&b);
	sf_check_report_release(&r);
}

static void test_not_a_plan(void **state)
{
	sf_check_report r;
	sf_error err;
	static const char *const bad[] = {
	        "{\"stage1\": ",
	        "[1, 2]",
	        "{\"stage1\": {\"status\": \"optimal\"}}",
	        "{\"assignments\": []}",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sf_check_report_init(&r);
		sf_error_clear(&err);
		assert_int_equal(sf_check_plan(&scen, bad[i], strlen(bad[i]), "p.json", &r, &err),
		                 SF_ERR_INPUT);
		assert_int_equal(err.code, SF_ERR_INPUT);
		sf_check_report_release(&r);
	}
	sf_check_report_init(&r);
	sf_error_clear(&err);
	assert_int_equal(sf_check_plan(&scen, bad[0], strlen(bad[0]), "p.json", &r, &err),
	                 SF_ERR_INPUT);
	assert_string_equal(err.file, "p.json");
	assert_true(err.line >= 1);
	sf_check_report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good_plan_passes),
	        cmocka_unit_test(test_bad_rows),
	        cmocka_unit_test(test_duplicate),
	        cmocka_unit_test(test_existence_rules),
	        cmocka_unit_test(test_pledge_size_and_cap),
	        cmocka_unit_test(test_cap_counts_mission),
	        cmocka_unit_test(test_ceiling_and_share),
	        cmocka_unit_test(test_reported_figures),
	        cmocka_unit_test(test_top_level_fields),
	        cmocka_unit_test(test_personnel),
	        cmocka_unit_test(test_text_report),
	        cmocka_unit_test(test_not_a_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
