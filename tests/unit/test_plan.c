/*
 * test_plan.c - sf_plan_solve, sf_plan_from_rows and the plan's outputs.
 *
 *   - the worked example of plan_fixture.h (Z1* = 60, Z2* = 43, the share
 *     cap binding, FOC never) with CBC and GLPK, decomposed and
 *     monolithic, warm and cold stage 2;
 *   - a hard veto raises Z1 to the hand-computed 80;
 *   - FOC: no requirement at all (1), short only in month 1 (2), short in
 *     the last month (never);
 *   - arrivals, unit and soft-veto costs and binding flags recomputed from
 *     hand-made rows;
 *   - 30 seeded random scenarios: CBC and GLPK agree on Z1* to 1e-6
 *     relative, the monolithic stage 1 agrees with the month-by-month one,
 *     stage 2 keeps Z1 within its tolerance, the reported Z1 equals the
 *     rows' weighted shortfall, and the independent checker (check-plan)
 *     passes every plan;
 *   - the share cap with unit sizes mixed across one contributor's
 *     pledges (Z1* = 8, worked by hand);
 *   - a hard veto on the last sector (Z1* = 10, worked by hand);
 *   - stage 2 keeps a unit whose loss would raise Z1 by 5 when Z1* is
 *     1e6 (the slack 1e-6 relative allows 1, ten times that would not);
 *   - a scenario read from YAML (sf_scenario_load_mem) plans like the
 *     hand-built one;
 *   - JSON, CSV, text and markdown carry the figures.
 */
#include "base/internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "plan/stage.h"
#include "plan_fixture.h"

static sf_plan *solve(const sf_scenario *sc, sf_solver_kind solver, int monolithic, int cold)
{
	sf_plan_options o;
	sf_plan *p = NULL;
	sf_error err;

	sf_plan_options_init(&o);
	o.solver = solver;
	o.monolithic = monolithic;
	o.no_warm_start = cold;
	o.gap = 0;
	sf_error_clear(&err);
	if (sf_plan_solve(sc, &o, &p, &err) != SF_OK)
		fail_msg("plan failed: %s", err.message);
	return p;
}

/* Fails the test when the independent checker (check-plan) finds anything in p. */
static void check_plan_ok(const sf_scenario *sc, const sf_plan *p, const char *what,
                          unsigned long seed)
{
	sf_buf b;
	sf_error err;
	sf_check_report r;

	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	assert_int_equal(sf_plan_write_json(p, &b, &err), SF_OK);
	sf_check_report_init(&r);
	if (sf_check_plan(sc, b.data, b.len, what, &r, &err) != SF_OK) {
		for (size_t i = 0; i < r.count; i++)
			print_error("%s: %s\n", r.items[i].what, r.items[i].message);
		fail_msg("seed %lu: check-plan rejects the %s plan: %s", seed, what, err.message);
	}
	sf_check_report_release(&r);
	sf_buf_release(&b);
}

static void test_worked(void **state)
{
	(void)state;
	sf_scenario *sc = fx_worked();

	for (int k = 0; k < 8; k++) {
		sf_plan *p = solve(sc, k & 1 ? SF_SOLVER_GLPK : SF_SOLVER_CBC, (k >> 1) & 1,
		                   (k >> 2) & 1);
		assert_int_equal(p->stage1.status, SF_SOLVE_OPTIMAL);
		assert_int_equal(p->stage2.status, SF_SOLVE_OPTIMAL);
		assert_true(fabs(p->stage1.objective - 60) < 1e-9);
		assert_true(fabs(p->z1 - 60) < 1e-9);
		assert_true(fabs(p->stage2.objective - 43) < 1e-9);
		assert_true(fabs(p->cost_total - 43) < 1e-9);
		assert_true(p->cost_units == 22 && p->cost_deploy == 21 && p->cost_soft == 0);
		assert_int_equal(p->foc_month, 0);
		/* Month 2: X 100 + Y 100 in sectors, X (soft-vetoed in north) in south. */
		assert_true(p->personnel_by_contributor[0 * 2 + 1] == 100);
		assert_true(p->personnel_by_contributor[1 * 2 + 1] == 100);
		assert_true(p->personnel_in_sectors[0] == 0);
		assert_true(p->personnel_at_mission[0] == 10);
		for (size_t i = 0; i < p->nrows; i++)
			if (p->rows[i].pledge == 0)
				assert_int_equal(p->rows[i].location, 1);
		assert_true(p->share_binds[0 * 2 + 1] && p->share_binds[1 * 2 + 1]);
		assert_false(p->share_binds[0 * 2 + 0]); /* X has nobody in month 1 */
		assert_false(p->ceiling_binds[0] || p->ceiling_binds[1]);
		/* Coverage of poc in north, month 2: required 2, provided 1. */
		size_t c = SF_COV(sc, 0, 0, 2);
		assert_true(p->required[c] == 2 && p->provided[c] + p->shortfall[c] == 2);
		sf_plan_free(p);
	}

	/* A hard veto on X everywhere: month 2 Y alone is 100% > 50%: Z1 = 80. */
	fx_add_veto(sc, 0, SF_VETO_HARD, 0, 1);
	for (int k = 0; k < 2; k++) {
		sf_plan *p = solve(sc, k ? SF_SOLVER_GLPK : SF_SOLVER_CBC, 0, 0);
		assert_true(fabs(p->stage1.objective - 80) < 1e-9);
		assert_true(fabs(p->stage2.objective - 3) <
		            1e-9); /* trainer: 2 months + 1 arrival */
		sf_plan_free(p);
	}
	/* Without the share cap, X alone covers what the ceiling allows. */
	sc->vetoes[sc->nvetoes - 1].active = 0;
	sc->has_max_share = 0;
	{
		sf_plan *p = solve(sc, SF_SOLVER_CBC, 0, 0);
		/* ceiling 250: 2 inf a month in sectors; 4 needed: 2 short x 10 x 2 months */
		assert_true(fabs(p->stage1.objective - 40) < 1e-9);
		assert_true(p->ceiling_binds[0] == 0); /* 200 of 250 is not binding */
		sf_plan_free(p);
	}
	sc->troop_ceiling = 200;
	{
		sf_plan *p = solve(sc, SF_SOLVER_CBC, 0, 0);
		assert_true(fabs(p->stage1.objective - 40) < 1e-9);
		assert_true(p->ceiling_binds[0] && p->ceiling_binds[1]);
		sf_plan_free(p);
	}
	fx_free(sc);
}

static void test_foc(void **state)
{
	(void)state;
	/* No requirement at all: FOC is month 1. */
	sf_scenario *sc = fx_new(3, 1, 1000);
	fx_add_task(sc, "poc", SF_SCOPE_SECTOR, 1, 0);
	fx_add_unit(sc, "inf", 10, 1);
	sf_plan *p = solve(sc, SF_SOLVER_CBC, 0, 0);
	assert_int_equal(p->foc_month, 1);
	assert_int_equal(p->nrows, 0);
	assert_true(p->stage1.objective == 0 && p->stage2.objective == 0);
	sf_plan_free(p);
	fx_free(sc);

	/* One unit from month 2 covers the whole requirement: FOC 2. */
	sc = fx_new(3, 1, 1000);
	size_t t = fx_add_task(sc, "poc", SF_SCOPE_SECTOR, 1, 1);
	size_t u = fx_add_unit(sc, "inf", 10, 1);
	fx_cap(sc, u, t, 1);
	size_t c = fx_add_contributor(sc, "A");
	fx_add_pledge(sc, "A-1", c, u, 1, 2, 3);
	p = solve(sc, SF_SOLVER_CBC, 0, 0);
	assert_int_equal(p->foc_month, 2);
	assert_true(fabs(p->z1 - 1) < 1e-12);
	sf_plan_free(p);
	/* Leaves after month 2: short in month 3, the last: never. */
	sc->pledges[0].to = 2;
	p = solve(sc, SF_SOLVER_CBC, 0, 0);
	assert_int_equal(p->foc_month, 0);
	sf_plan_free(p);
	fx_free(sc);
}

static void test_from_rows(void **state)
{
	(void)state;
	sf_scenario *sc = fx_new(4, 2, 300);
	size_t t = fx_add_task(sc, "poc", SF_SCOPE_SECTOR, 2, 1);
	size_t u = fx_add_unit(sc, "inf", 100, 10);
	fx_cap(sc, u, t, 1);
	sc->unit_types[u].deploy_cost = 7;
	size_t A = fx_add_contributor(sc, "A");
	sc->contributors[A].has_cap = 1;
	sc->contributors[A].cap = 300;
	fx_add_pledge(sc, "A-1", A, u, 5, 1, 4);
	size_t v = fx_add_veto(sc, A, SF_VETO_SOFT, 0.5, 0);
	sc->vetoes[v].sector_mask[1] = 1;

	/* north: 2, 1, 3, 0 units; south: 0, 0, 0, 1 (merged from two rows). */
	sf_assignment rows[] = {
	        {3, 0, 0, 0, 3}, {1, 0, 0, 0, 2}, {2, 0, 0, 0, 1},
	        {4, 0, 1, 0, 1}, {4, 0, 1, 0, 0}, {1, 0, 1, 0, 0},
	};
	sf_plan *p = NULL;
	assert_int_equal(sf_plan_from_rows(sc, rows, SF_ARRAY_LEN(rows), &p, NULL), SF_OK);
	assert_int_equal(p->nrows, 4); /* zero rows dropped */
	assert_int_equal(p->rows[0].month, 1);
	assert_int_equal(p->rows[3].month, 4);
	/* Arrivals north: 2 (m1) + 0 + 2 (m3) + 0; south: 1 (m4) -> 5 x 7. */
	assert_true(p->cost_deploy == 35);
	assert_true(p->cost_units == 70); /* 7 unit-months x 10 */
	assert_true(p->cost_soft == 50);  /* 100 person-months in south x 0.5 */
	assert_true(p->cost_total == 155);
	/* Shortfall: north m2 0, m4 1; south m1..m3 1 each -> 4 x weight 2. */
	assert_true(p->z1 == 8);
	assert_int_equal(p->foc_month, 0);
	/* Ceiling 300 binds in month 3 (300 in sectors); cap 300 binds too. */
	assert_false(p->ceiling_binds[0]);
	assert_true(p->ceiling_binds[2]);
	assert_true(p->cap_binds[A * 4 + 2]);
	assert_false(p->cap_binds[A * 4 + 0]);
	assert_true(p->stage1.status == SF_SOLVE_NOT_RUN);
	sf_plan_free(p);

	sf_assignment bad[] = {{5, 0, 0, 0, 1}};
	sf_error err;
	sf_error_clear(&err);
	assert_int_equal(sf_plan_from_rows(sc, bad, 1, &p, &err), SF_ERR_INPUT);
	assert_null(p);
	fx_free(sc);
}

/* A seeded random scenario, small enough for GLPK, large enough to branch. */
static unsigned long rng_state;
static double rnd(void)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return (double)((rng_state >> 11) & ((1UL << 53) - 1)) / 9007199254740992.0;
}
static int irnd(int lo, int hi)
{
	return lo + (int)(rnd() * (hi - lo + 1));
}

static sf_scenario *random_scenario(unsigned long seed)
{
	rng_state = seed;
	int M = irnd(2, 4);
	size_t ns = (size_t)irnd(1, 3);
	sf_scenario *sc = fx_new(M, ns, irnd(3, 12) * 100);
	static const char *tnames[] = {"t0", "t1", "t2", "t3"};
	static const char *unames[] = {"u0", "u1", "u2"};
	static const char *cnames[] = {"c0", "c1", "c2", "c3"};
	static const char *pnames[] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"};
	size_t nt = (size_t)irnd(1, 4), nu = (size_t)irnd(1, 3), nc = (size_t)irnd(2, 4);

	for (size_t t = 0; t < nt; t++) {
		fx_add_task(sc, tnames[t], t == 3 ? SF_SCOPE_MISSION : SF_SCOPE_SECTOR,
		            irnd(1, 10) * 0.7, irnd(1, 8) * 0.5);
		if (rnd() < 0.3) {
			sc->tasks[t].ramp = calloc(1, sizeof(sf_ramp_step));
			sc->tasks[t].ramp[0] = (sf_ramp_step){irnd(1, M), 0.5 + rnd()};
			sc->tasks[t].nramp = 1;
		}
	}
	for (size_t u = 0; u < nu; u++) {
		fx_add_unit(sc, unames[u], irnd(1, 4) * 50, irnd(1, 9));
		for (size_t t = 0; t < nt; t++)
			if (rnd() < 0.6)
				fx_cap(sc, u, t, irnd(1, 3) * 0.5);
	}
	for (size_t c = 0; c < nc; c++) {
		fx_add_contributor(sc, cnames[c]);
		if (rnd() < 0.3) {
			sc->contributors[c].has_cap = 1;
			sc->contributors[c].cap = irnd(1, 6) * 100;
		}
	}
	size_t np = (size_t)irnd(2, 8);
	for (size_t p = 0; p < np; p++) {
		int from = irnd(1, M), to = irnd(from, M);
		fx_add_pledge(sc, pnames[p], (size_t)irnd(0, (int)nc - 1),
		              (size_t)irnd(0, (int)nu - 1), irnd(1, 4), from, to);
		if (rnd() < 0.3)
			sc->pledges[p].loc_ok[irnd(0, (int)ns)] = 0;
		if (rnd() < 0.2)
			sc->pledges[p].task_ok[irnd(0, (int)nt - 1)] = 0;
	}
	if (rnd() < 0.5) {
		sc->has_max_share = 1;
		sc->max_share = 0.4 + 0.5 * rnd();
	}
	if (rnd() < 0.5) {
		size_t v = fx_add_veto(sc, (size_t)irnd(0, (int)nc - 1), SF_VETO_HARD, 0, 0);
		sc->vetoes[v].sector_mask[irnd(0, (int)ns - 1)] = 1;
	}
	if (rnd() < 0.5) {
		size_t v = fx_add_veto(sc, (size_t)irnd(0, (int)nc - 1), SF_VETO_SOFT, rnd(), 1);
		(void)v;
	}
	if (ns > 1 && rnd() < 0.5)
		sc->sectors[ns - 1].opens = irnd(1, M);
	return sc;
}

static void test_random_agree(void **state)
{
	(void)state;
	for (unsigned long seed = 1; seed <= 30; seed++) {
		sf_scenario *sc = random_scenario(seed * 7919);
		sf_plan *c = solve(sc, SF_SOLVER_CBC, 0, 0);
		sf_plan *g = solve(sc, SF_SOLVER_GLPK, 0, 0);
		sf_plan *mono = solve(sc, SF_SOLVER_CBC, 1, 0);
		sf_plan *cold = solve(sc, SF_SOLVER_CBC, 0, 1);
		double z = c->stage1.objective, tol = 1e-6 * (fabs(z) > 1 ? fabs(z) : 1);

		if (fabs(g->stage1.objective - z) > tol || fabs(mono->stage1.objective - z) > tol)
			fail_msg("seed %lu: z1 cbc %.12g glpk %.12g monolithic %.12g", seed, z,
			         g->stage1.objective, mono->stage1.objective);
		/* Stage 2 keeps Z1 and its rows report it. */
		assert_true(fabs(c->z1 - z) <= tol + 1e-6 * (fabs(z) > 1 ? fabs(z) : 1));
		assert_true(fabs(g->z1 - z) <= tol + 1e-6 * (fabs(z) > 1 ? fabs(z) : 1));
		/* Both proven (gap 0 asked): the same minimum cost. */
		double z2 = c->stage2.objective;
		if (fabs(g->stage2.objective - z2) > 1e-4 * (fabs(z2) > 1 ? fabs(z2) : 1))
			fail_msg("seed %lu: z2 cbc %.12g glpk %.12g", seed, z2,
			         g->stage2.objective);
		/*
		 * The month cost rows and the start (docs/model.md, "Stage 2") cut
		 * off no optimum: the same cost as stage 2 cold, without them.
		 */
		if (fabs(cold->stage2.objective - z2) > 1e-4 * (fabs(z2) > 1 ? fabs(z2) : 1))
			fail_msg("seed %lu: z2 %.12g, cold %.12g", seed, z2,
			         cold->stage2.objective);
		/*
		 * The solvers agree on one model; the independent checker tells
		 * whether that model is the scenario's (a share row that takes
		 * the personnel of the wrong pledge passes the agreement above).
		 */
		check_plan_ok(sc, c, "cbc", seed);
		check_plan_ok(sc, g, "glpk", seed);
		check_plan_ok(sc, mono, "monolithic", seed);
		check_plan_ok(sc, cold, "cold", seed);
		sf_plan_free(cold);
		sf_plan_free(c);
		sf_plan_free(g);
		sf_plan_free(mono);
		fx_free(sc);
	}
}

/* What stage 2's progress lines said (test_root_proof). */
typedef struct seen_lines {
	int root_proved, month_bounds;
} seen_lines;

static void note_line(void *ctx, const char *line)
{
	seen_lines *s = ctx;

	if (strstr(line, "the root proves the gap"))
		s->root_proved = 1;
	if (strstr(line, "bounding each month's cost"))
		s->month_bounds = 1;
}

/*
 * The root proof (docs/model.md, "Month cost bounds"): with a gap asked
 * for, stage 2 without the month cost rows is first solved to the end of
 * its root; when that proves the gap, its plan is stage 2's and the month
 * bounds are not computed. The plan is then within the gap of the proven
 * optimum (gap 0 asked) and passes the checker; when the root does not
 * prove it, the month bounds run as before. Gap 0 asked: never a root
 * proof (the month bounds always run).
 */
static void test_root_proof(void **state)
{
	int proved = 0, bounded = 0;

	(void)state;
	for (unsigned long seed = 1; seed <= 12; seed++) {
		sf_scenario *sc = random_scenario(seed * 7919);
		sf_plan *opt = solve(sc, SF_SOLVER_CBC, 0, 0);
		for (int k = 0; k < 2; k++) {
			sf_plan_options o;
			sf_plan *p = NULL;
			sf_error err;
			seen_lines seen = {0, 0};

			sf_plan_options_init(&o);
			o.solver = k ? SF_SOLVER_GLPK : SF_SOLVER_CBC;
			o.gap = 0.01;
			o.progress = note_line;
			o.progress_ctx = &seen;
			sf_error_clear(&err);
			if (sf_plan_solve(sc, &o, &p, &err) != SF_OK)
				fail_msg("seed %lu: plan failed: %s", seed, err.message);
			if (opt->stage1.status == SF_SOLVE_OPTIMAL &&
			    seen.root_proved == seen.month_bounds)
				fail_msg("seed %lu: root proof %d, month bounds %d", seed,
				         seen.root_proved, seen.month_bounds);
			proved += seen.root_proved;
			bounded += seen.month_bounds;
			assert_int_equal(p->stage2.status, SF_SOLVE_OPTIMAL);
			assert_true(p->stage2.gap <= 0.01);
			assert_true(p->stage2.objective <= opt->stage2.objective * 1.01 + 1e-6);
			assert_true(p->stage2.bound <= opt->stage2.objective * (1 + 1e-6) + 1e-6);
			check_plan_ok(sc, p, k ? "glpk, gap 1%" : "cbc, gap 1%", seed);
			sf_plan_free(p);
		}
		sf_plan_free(opt);
		fx_free(sc);
	}
	/* Both ways were taken. */
	if (proved == 0 || bounded == 0)
		fail_msg("root proofs %d, month bounds %d", proved, bounded);
}

/*
 * The share row counts each pledge's own unit size: A pledges 5 units of
 * 10 persons (A-1, first) and 5 of 100, B one unit of 100, all with
 * poc 1, one month, one sector needing 10 poc, share cap 50%. Each of A
 * and B may hold at most half the sector's persons, so with B in, A holds
 * exactly B's 100: one large unit (5 small make 50, and 5 small + 1 large
 * 150); with B out, A alone is 100%. B 1 + A 1 cover 2: Z1* = 8. Counting
 * A-2 at A-1's size (10) would let all 10 of A in (Z1 = 0), above the cap.
 */
static void test_share_mixed_sizes(void **state)
{
	(void)state;
	sf_scenario *sc = fx_new(1, 1, 100000);
	size_t poc = fx_add_task(sc, "poc", SF_SCOPE_SECTOR, 1, 10);
	size_t sml = fx_add_unit(sc, "sml", 10, 1);
	size_t big = fx_add_unit(sc, "big", 100, 1);
	fx_cap(sc, sml, poc, 1);
	fx_cap(sc, big, poc, 1);
	size_t A = fx_add_contributor(sc, "A");
	size_t B = fx_add_contributor(sc, "B");
	fx_add_pledge(sc, "A-1", A, sml, 5, 1, 1);
	fx_add_pledge(sc, "A-2", A, big, 5, 1, 1);
	fx_add_pledge(sc, "B-1", B, big, 1, 1, 1);
	sc->has_max_share = 1;
	sc->max_share = 0.5;
	for (int k = 0; k < 4; k++) {
		sf_plan *p = solve(sc, k & 1 ? SF_SOLVER_GLPK : SF_SOLVER_CBC, (k >> 1) & 1, 0);
		if (fabs(p->stage1.objective - 8) > 1e-9 || fabs(p->z1 - 8) > 1e-9)
			fail_msg("%s%s: Z1 %.9g, expected 8", k & 1 ? "glpk" : "cbc",
			         k & 2 ? " monolithic" : "", p->stage1.objective);
		/* A 100 in the sector (its large unit), B 100. */
		assert_true(fabs(p->personnel_by_contributor[A] - 100) < 1e-9);
		assert_true(fabs(p->personnel_by_contributor[B] - 100) < 1e-9);
		check_plan_ok(sc, p, k & 1 ? "glpk" : "cbc", 0);
		sf_plan_free(p);
	}
	fx_free(sc);
}

/*
 * A hard veto on the last sector (south) keeps the contributor out of it:
 * A's 2 companies may serve north only, where poc needs 1 (weight 10);
 * south's 1 stays short: Z1* = 10. Ignoring the veto would give 0.
 */
static void test_hard_veto_last_sector(void **state)
{
	(void)state;
	sf_scenario *sc = fx_new(1, 2, 100000);
	size_t poc = fx_add_task(sc, "poc", SF_SCOPE_SECTOR, 10, 1);
	size_t inf = fx_add_unit(sc, "inf", 100, 1);
	fx_cap(sc, inf, poc, 1);
	size_t A = fx_add_contributor(sc, "A");
	fx_add_pledge(sc, "A-1", A, inf, 2, 1, 1);
	size_t v = fx_add_veto(sc, A, SF_VETO_HARD, 0, 0);
	sc->vetoes[v].sector_mask[1] = 1; /* south, the last sector */
	for (int k = 0; k < 4; k++) {
		sf_plan *p = solve(sc, k & 1 ? SF_SOLVER_GLPK : SF_SOLVER_CBC, (k >> 1) & 1, 0);
		if (fabs(p->stage1.objective - 10) > 1e-9 || fabs(p->z1 - 10) > 1e-9)
			fail_msg("%s%s: Z1 %.9g, expected 10", k & 1 ? "glpk" : "cbc",
			         k & 2 ? " monolithic" : "", p->stage1.objective);
		for (size_t i = 0; i < p->nrows; i++)
			assert_int_not_equal(p->rows[i].location, 1);
		assert_true(p->shortfall[SF_COV(sc, poc, 1, 1)] == 1);
		check_plan_ok(sc, p, k & 1 ? "glpk" : "cbc", 0);
		sf_plan_free(p);
	}
	fx_free(sc);
}

/*
 * Stage 2 keeps Z1 within SF_TOL_Z1 (1e-6) relative of Z1*, by behaviour:
 * a task nobody can serve holds Z1* at 1e6 (weight 1, 1e6 short), so the
 * slack is 1; one unit (cost 1000 a month and to deploy) covers 5 of poc
 * (weight 1). Dropping it would save 2000 for 5 more shortfall: within a
 * slack ten times looser (10), never within 1. Stage 2 keeps it.
 */
static void test_stage2_keeps_z1(void **state)
{
	(void)state;
	sf_scenario *sc = fx_new(1, 1, 100000);
	fx_add_task(sc, "none", SF_SCOPE_SECTOR, 1, 1e6);
	size_t poc = fx_add_task(sc, "poc", SF_SCOPE_SECTOR, 1, 5);
	size_t u = fx_add_unit(sc, "u", 10, 1000);
	fx_cap(sc, u, poc, 5);
	fx_add_pledge(sc, "A-1", fx_add_contributor(sc, "A"), u, 1, 1, 1);
	for (int k = 0; k < 4; k++) {
		sf_plan *p = solve(sc, k & 1 ? SF_SOLVER_GLPK : SF_SOLVER_CBC, (k >> 1) & 1, 0);
		if (fabs(p->stage1.objective - 1e6) > 1e-6 || fabs(p->z1 - 1e6) > 1e-6 ||
		    fabs(p->stage2.objective - 2000) > 1e-6)
			fail_msg("%s%s: Z1* %.9g, Z1 %.9g, Z2 %.9g; expected 1e6, 1e6, 2000",
			         k & 1 ? "glpk" : "cbc", k & 2 ? " monolithic" : "",
			         p->stage1.objective, p->z1, p->stage2.objective);
		assert_true(p->personnel_in_sectors[0] == 10);
		sf_plan_free(p);
	}
	fx_free(sc);
}

/*
 * An unproven stage 1 reports the Z1 of the plan stage 2 delivered (found
 * by the family benchmark: g24's stage 2 lowered Z1 below where stage 1
 * stopped, and check-plan refused the plan); a proven one is unchanged.
 */
static void test_stage1_from_plan(void **state)
{
	(void)state;
	sf_stage_result s1 = {SF_SOLVE_FEASIBLE, 2973.746778, 2973.238357, 0, 1.0};

	s1.gap = (s1.objective - s1.bound) / s1.objective;
	sf__stage1_from_plan(&s1, 2973.726778);
	assert_true(s1.status == SF_SOLVE_FEASIBLE);
	assert_true(s1.objective == 2973.726778);
	assert_true(s1.bound == 2973.238357);
	assert_true(fabs(s1.gap - (2973.726778 - 2973.238357) / 2973.726778) < 1e-15);
	/* A plan below the bound: the bound is the plan's Z1, gap 0. */
	sf__stage1_from_plan(&s1, 2973.0);
	assert_true(s1.objective == 2973.0 && s1.bound == 2973.0 && s1.gap == 0);

	sf_stage_result opt = {SF_SOLVE_OPTIMAL, 60, 60, 0, 1.0};
	sf__stage1_from_plan(&opt, 60.00001);
	assert_true(opt.objective == 60 && opt.bound == 60 && opt.gap == 0);
}

static const char yaml_scenario[] =
        "format: 1\n"
        "name: worked example\n"
        "as_of: 2026-03-20\n"
        "mandate: {start: 2026-01, months: 2, troop_ceiling: 250, max_share: 0.5}\n"
        "sectors:\n"
        "  geojson: none.geojson\n"
        "  id_property: id\n"
        "  list:\n"
        "    - {id: north}\n"
        "    - {id: south}\n"
        "unit_types:\n"
        "  - {id: inf, personnel: 100, monthly_cost: 10, capabilities: {poc: 1}}\n"
        "  - {id: trn, personnel: 10, monthly_cost: 1, capabilities: {train: 1}}\n"
        "tasks:\n"
        "  - {id: poc, scope: sector, weight: 10, requirement: {value: 2}}\n"
        "  - {id: train, scope: mission, weight: 1, requirement: {value: 1}}\n"
        "contributors:\n"
        "  - id: X\n"
        "    pledges: [{unit: inf, count: 3}]\n"
        "  - id: Y\n"
        "    pledges: [{unit: inf, count: 1, from: 2}]\n"
        "  - id: Z\n"
        "    pledges: [{unit: trn, count: 1}]\n"
        "stakeholders:\n"
        "  - id: ISR\n"
        "    vetoes: [{contributor: X, kind: soft, penalty: 1, sectors: [north]}]\n";

static void test_yaml(void **state)
{
	(void)state;
	sf_load_options lo = {1};
	sf_scenario *sc = NULL;
	sf_diags d;

	sf_diags_init(&d);
	if (sf_scenario_load_mem(yaml_scenario, strlen(yaml_scenario), "mem.yaml", &lo, &sc, &d) !=
	    SF_OK) {
		char buf[1024];
		for (size_t i = 0; i < d.count; i++)
			print_error("%s\n", sf_diag_format(&d.items[i], buf, sizeof(buf)));
		sf_diags_release(&d);
		fail_msg("the YAML scenario did not load");
	}
	sf_diags_release(&d);
	sf_plan *p = solve(sc, SF_SOLVER_CBC, 0, 0);
	assert_true(fabs(p->stage1.objective - 60) < 1e-9);
	assert_true(fabs(p->stage2.objective - 43) < 1e-9);

	/* Outputs. */
	sf_buf b;
	json_error_t je;
	sf_buf_init(&b, 0);
	assert_int_equal(sf_plan_write_json(p, &b, NULL), SF_OK);
	json_t *root = json_loads(sf_buf_str(&b), 0, &je);
	assert_non_null(root);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(root, "stage1"), "status")),
	        "optimal");
	assert_true(json_number_value(
	                    json_object_get(json_object_get(root, "stage1"), "objective")) == 60);
	assert_true(json_is_null(json_object_get(root, "foc_month")));
	/* which solver found the plan, with the version the library reports */
	assert_string_equal(json_string_value(json_object_get(root, "solver")), "cbc");
	const char *ver = json_string_value(json_object_get(root, "solver_version"));
	assert_non_null(ver);
	assert_true(ver[0] >= '0' && ver[0] <= '9' && strchr(ver, '.') != NULL);
	assert_string_equal(ver, sf_solver_version(SF_SOLVER_CBC));
	assert_int_equal(json_array_size(json_object_get(root, "assignments")), p->nrows);
	/* coverage: 2 months x (poc in 2 sectors + train at mission) */
	assert_int_equal(json_array_size(json_object_get(root, "coverage")), 6);
	json_t *share = json_object_get(json_object_get(root, "binding"), "share_cap");
	assert_int_equal(json_array_size(share), 2);
	assert_true(json_number_value(json_object_get(json_object_get(root, "cost"), "total")) ==
	            43);
	json_decref(root);

	sf_buf_reset(&b);
	assert_int_equal(sf_plan_write_csv(p, &b, NULL), SF_OK);
	assert_true(strncmp(sf_buf_str(&b),
	                    "month,label,pledge,contributor,unit,location,task,units,stage1,"
	                    "stage1_gap,stage2,stage2_gap\n",
	                    91) == 0);
	assert_non_null(
	        strstr(sf_buf_str(&b), "2,2026-02,X-1,X,inf,south,poc,1,optimal,0,optimal,0\n"));

	sf_buf_reset(&b);
	assert_int_equal(sf_plan_write_text(p, &b, NULL), SF_OK);
	assert_non_null(strstr(sf_buf_str(&b), "worked example"));
	assert_non_null(strstr(sf_buf_str(&b), "Full operational capability"));
	assert_non_null(strstr(sf_buf_str(&b), "share cap"));
	{
		char line[96];
		sf_snprintf(line, sizeof line, "Solver                        CBC %s\n",
		            sf_solver_version(SF_SOLVER_CBC));
		assert_non_null(strstr(sf_buf_str(&b), line));
	}
	sf_buf_reset(&b);
	assert_int_equal(sf_plan_write_markdown(p, &b, NULL), SF_OK);
	assert_non_null(strstr(sf_buf_str(&b), "### Force build-up"));
	assert_non_null(strstr(sf_buf_str(&b), "| 2026-02 | 100 | 100 | 200 | 250 | 10 |"));
	sf_plan_free(p);

	/* GLPK: named as such, with its own version, in both outputs */
	p = solve(sc, SF_SOLVER_GLPK, 0, 0);
	sf_buf_reset(&b);
	assert_int_equal(sf_plan_write_json(p, &b, NULL), SF_OK);
	root = json_loads(sf_buf_str(&b), 0, &je);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "solver")), "glpk");
	assert_string_equal(json_string_value(json_object_get(root, "solver_version")),
	                    sf_solver_version(SF_SOLVER_GLPK));
	assert_true(sf_solver_version(SF_SOLVER_GLPK)[0] >= '0' &&
	            sf_solver_version(SF_SOLVER_GLPK)[0] <= '9');
	json_decref(root);
	sf_buf_reset(&b);
	assert_int_equal(sf_plan_write_text(p, &b, NULL), SF_OK);
	{
		char line[96];
		sf_snprintf(line, sizeof line, "Solver                        GLPK %s\n",
		            sf_solver_version(SF_SOLVER_GLPK));
		assert_non_null(strstr(sf_buf_str(&b), line));
	}
	sf_buf_release(&b);
	sf_plan_free(p);
	sf_scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_worked),
	        cmocka_unit_test(test_foc),
	        cmocka_unit_test(test_from_rows),
	        cmocka_unit_test(test_random_agree),
	        cmocka_unit_test(test_root_proof),
	        cmocka_unit_test(test_share_mixed_sizes),
	        cmocka_unit_test(test_stage2_keeps_z1),
	        cmocka_unit_test(test_hard_veto_last_sector),
	        cmocka_unit_test(test_yaml),
	        cmocka_unit_test(test_stage1_from_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
