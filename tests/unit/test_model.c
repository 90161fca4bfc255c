/*
 * test_model.c - the model builder (model.c) and the two solver adapters
 * (solver_cbc.c, solver_glpk.c), without the planner on top.
 *
 *   - the data rules: ramp steps, requirement forms, sector opening,
 *     existence of x (availability, capability, scope, caveats, hard
 *     vetoes never covering mission, inactive pledges and contributors);
 *   - the model of the worked example (plan_fixture.h) has exactly the
 *     columns and rows docs/model.md says;
 *   - both adapters solve hand-built models to their hand-computed optima
 *     and report infeasibility and time-limited stops honestly;
 *   - the LP and MPS exports, solved by the `cbc` and `glpsol` programs,
 *     give the same optimum as the adapters (skipped when the programs are
 *     not installed).
 */
#include "base/internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "plan/model.h"
#include "plan_fixture.h"
#include "plan/solver.h"
#include "plan/stage.h"

static void test_ramp(void **state)
{
	(void)state;
	sf_ramp_step steps[] = {{2, 0.5}, {4, 1.0}};
	sf_task t = {0};
	assert_true(sf__ramp(&t, 1) == 1.0); /* no ramp: level 1 */
	t.ramp = steps;
	t.nramp = 2;
	assert_true(sf__ramp(&t, 1) == 0.0); /* before the first step */
	assert_true(sf__ramp(&t, 2) == 0.5);
	assert_true(sf__ramp(&t, 3) == 0.5);
	assert_true(sf__ramp(&t, 4) == 1.0);
	assert_true(sf__ramp(&t, 24) == 1.0);
}

static void test_requirement(void **state)
{
	(void)state;
	sf_scenario *sc = fx_new(3, 2, 1000);
	size_t per = fx_add_task(sc, "per", SF_SCOPE_SECTOR, 1, 0);
	size_t bys = fx_add_task(sc, "bys", SF_SCOPE_SECTOR, 1, 0);
	size_t val = fx_add_task(sc, "val", SF_SCOPE_SECTOR, 1, 3);
	size_t mis = fx_add_task(sc, "mis", SF_SCOPE_MISSION, 1, 2);
	sf_ramp_step steps[] = {{2, 0.5}};

	sc->tasks[per].req_kind = SF_REQ_PER;
	sc->tasks[per].req_per = "population";
	sc->tasks[per].req_every = 100000;
	sc->sectors[0].attrs[0] = (sf_attr){"population", 250000};
	sc->sectors[0].nattrs = 1;
	sc->sectors[1].attrs[0] = (sf_attr){"area_km2", 10};
	sc->sectors[1].nattrs = 1;
	sc->sectors[1].threat = 2;
	sc->sectors[1].opens = 2;
	sc->tasks[bys].req_kind = SF_REQ_BY_SECTOR;
	sc->tasks[bys].req_by_sector = calloc(2, sizeof(double));
	sc->tasks[bys].req_by_sector[1] = 4;
	sc->tasks[mis].ramp = malloc(sizeof(steps));
	memcpy(sc->tasks[mis].ramp, steps, sizeof(steps));
	sc->tasks[mis].nramp = 1;

	assert_true(fabs(sf__requirement(sc, per, 0, 1) - 2.5) < 1e-12);
	assert_true(sf__requirement(sc, per, 1, 2) == 0); /* attribute absent */
	assert_true(sf__requirement(sc, bys, 0, 2) == 0);
	assert_true(sf__requirement(sc, bys, 1, 1) == 0); /* not open yet */
	assert_true(sf__requirement(sc, bys, 1, 2) == 8); /* 4 x threat 2 */
	assert_true(sf__requirement(sc, val, 1, 3) == 6);
	assert_true(sf__requirement(sc, val, SF_MISSION(sc), 3) == 0); /* scope */
	assert_true(sf__requirement(sc, mis, 0, 3) == 0);
	assert_true(sf__requirement(sc, mis, SF_MISSION(sc), 1) == 0); /* ramp level 0 */
	assert_true(sf__requirement(sc, mis, SF_MISSION(sc), 2) == 1);
	fx_free(sc);
}

static void test_x_exists(void **state)
{
	(void)state;
	sf_scenario *sc = fx_worked(); /* X-1 inf m1-2, Y-1 inf m2, Z-1 trn m1-2 */
	size_t M = SF_MISSION(sc);

	assert_true(sf__x_exists(sc, 0, 0, 0, 1));
	assert_false(sf__x_exists(sc, 0, 0, 1, 1)); /* no capability for train */
	assert_false(sf__x_exists(sc, 0, M, 0, 1)); /* sector task at mission */
	assert_false(sf__x_exists(sc, 1, 0, 0, 1)); /* Y-1 from month 2 */
	assert_true(sf__x_exists(sc, 1, 0, 0, 2));
	assert_true(sf__x_exists(sc, 2, M, 1, 1));
	assert_false(sf__x_exists(sc, 2, 0, 1, 1)); /* mission task in a sector */

	sc->pledges[0].loc_ok[1] = 0; /* caveat: not south */
	assert_false(sf__x_exists(sc, 0, 1, 0, 1));
	sc->pledges[0].loc_ok[1] = 1;
	sc->pledges[0].task_ok[0] = 0; /* caveat: not poc */
	assert_false(sf__x_exists(sc, 0, 0, 0, 1));
	sc->pledges[0].task_ok[0] = 1;

	/* A hard veto on Y in every sector; never at mission. */
	size_t v = fx_add_veto(sc, 1, SF_VETO_HARD, 0, 1);
	assert_false(sf__x_exists(sc, 1, 0, 0, 2));
	sc->vetoes[v].active = 0; /* lifted */
	assert_true(sf__x_exists(sc, 1, 0, 0, 2));
	sc->vetoes[v].active = 1;
	sc->vetoes[v].contributor = 2; /* Z works only at mission: unaffected */
	assert_true(sf__x_exists(sc, 2, M, 1, 1));

	/* Soft veto penalties add up over vetoes, never at mission. */
	fx_add_veto(sc, 0, SF_VETO_SOFT, 2, 1);
	assert_true(sf__soft_penalty(sc, 0, 0) == 3); /* 1 (north) + 2 (all) */
	assert_true(sf__soft_penalty(sc, 0, 1) == 2);
	assert_true(sf__soft_penalty(sc, 0, M) == 0);

	sc->pledges[1].active = 0;
	assert_false(sf__x_exists(sc, 1, 0, 0, 2));
	sc->pledges[1].active = 1;
	sc->contributors[1].active = 0;
	assert_false(sf__x_exists(sc, 1, 0, 0, 2));
	sc->contributors[1].active = 1;
	sc->sectors[0].opens = 2;
	assert_false(sf__x_exists(sc, 0, 0, 0, 1));
	assert_true(sf__x_exists(sc, 0, 1, 0, 1));
	fx_free(sc);
}

static int count_kind(const sf__model *md, int rows, int kind)
{
	int n = 0;
	for (int i = 0; i < (rows ? md->nrows : md->ncols); i++)
		n += (rows ? md->row[i].kind : md->col[i].kind) == kind;
	return n;
}

static void test_build_worked(void **state)
{
	(void)state;
	sf_scenario *sc = fx_worked();
	sf__model *md = NULL;
	sf__model_spec s1 = {.stage = 1};
	char name[64];

	assert_int_equal(sf__model_build(sc, &s1, &md, NULL), SF_OK);
	/* x: month 1 X north/south + Z mission = 3; month 2 X 2 + Y 2 + Z 1 = 5. */
	assert_int_equal(count_kind(md, 0, SF__COL_X), 8);
	assert_int_equal(count_kind(md, 0, SF__COL_G), 6); /* 3 coverage rows a month */
	assert_int_equal(count_kind(md, 0, SF__COL_Y), 2);
	assert_int_equal(count_kind(md, 0, SF__COL_A), 0);
	assert_int_equal(count_kind(md, 1, SF__ROW_COVER), 6);
	assert_int_equal(count_kind(md, 1, SF__ROW_PLEDGE), 5);
	assert_int_equal(count_kind(md, 1, SF__ROW_CEILING), 2);
	assert_int_equal(count_kind(md, 1, SF__ROW_SHARE), 3); /* X m1; X, Y m2 */
	assert_int_equal(count_kind(md, 1, SF__ROW_CAP), 0);
	int j = sf__model_xcol(md, 1, 0, 0, 2);
	assert_true(j >= 0);
	sf__model_col_name(md, j, name, sizeof(name));
	assert_string_equal(name, "x_1_0_0_2");
	assert_int_equal(sf__model_xcol(md, 1, 0, 0, 1), -1);
	for (j = 0; j < md->ncols; j++)
		if (md->col[j].kind == SF__COL_G)
			assert_true(md->obj[j] == sc->tasks[md->col[j].c].weight);
	sf__model_free(md);

	/* Stage 2: arrivals for each (pledge, location) with x, the Z1 row. */
	sf__model_spec s2 = {.stage = 2, .z1_star = 60};
	assert_int_equal(sf__model_build(sc, &s2, &md, NULL), SF_OK);
	assert_int_equal(count_kind(md, 0, SF__COL_A), 8);
	assert_int_equal(count_kind(md, 1, SF__ROW_Z1), 1);
	for (int i = 0; i < md->nrows; i++)
		if (md->row[i].kind == SF__ROW_Z1)
			assert_true(fabs(md->rhs[i] - (60 + 6e-5)) < 1e-12);
	for (j = 0; j < md->ncols; j++) {
		if (md->col[j].kind == SF__COL_X) {
			/* monthly cost + soft penalty x personnel (X in north: 10 + 100) */
			double want = md->col[j].a == 0 && md->col[j].b == 0 ? 110
			              : md->col[j].a == 2                    ? 1
			                                                     : 10;
			assert_true(md->obj[j] == want);
		}
		if (md->col[j].kind == SF__COL_G)
			assert_true(md->obj[j] == 0);
	}
	sf__model_free(md);

	/* One month only. */
	sf__model_spec s1m = {.stage = 1, .m_first = 2, .m_last = 2};
	assert_int_equal(sf__model_build(sc, &s1m, &md, NULL), SF_OK);
	assert_int_equal(count_kind(md, 0, SF__COL_X), 5);
	sf__model_free(md);
	fx_free(sc);
}

/*
 * A hand-built model: max 5a + 4b + 3c (minimise the negative) subject to
 * 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8, a, b, c integer
 * in [0, 10]. The LP optimum is 13 (a=2, b=0, c=1) and it is integral.
 * A second row set makes it need branching: 2a + 2b <= 3 (LP a=1.5).
 */
static sf__model *hand_model(int branching)
{
	sf__model *md = calloc(1, sizeof(*md));
	static const double A[4][3] = {{2, 3, 1}, {4, 1, 2}, {3, 4, 2}, {2, 2, 0}};
	static const double b[4] = {5, 11, 8, 3};
	int nr = branching ? 4 : 3;

	md->stage = 1;
	md->ncols = 3;
	md->obj = malloc(3 * sizeof(double));
	md->lb = calloc(3, sizeof(double));
	md->ub = malloc(3 * sizeof(double));
	md->is_int = malloc(3);
	md->col = calloc(3, sizeof(sf__tag));
	for (int j = 0; j < 3; j++) {
		md->obj[j] = -(5 - j);
		md->ub[j] = 10;
		md->is_int[j] = 1;
		md->col[j].kind = SF__COL_X;
		md->col[j].a = j;
		md->col[j].month = 1;
	}
	md->nrows = nr;
	md->sense = malloc((size_t)nr);
	md->rhs = malloc((size_t)nr * sizeof(double));
	md->row = calloc((size_t)nr, sizeof(sf__tag));
	md->rstart = malloc(((size_t)nr + 1) * sizeof(int));
	md->rind = malloc(12 * sizeof(int));
	md->rval = malloc(12 * sizeof(double));
	for (int i = 0; i < nr; i++) {
		md->sense[i] = 'L';
		md->rhs[i] = b[i];
		md->row[i].kind = SF__ROW_PLEDGE;
		md->row[i].a = i;
		md->rstart[i] = md->nnz;
		for (int j = 0; j < 3; j++)
			if (A[i][j] != 0) {
				md->rind[md->nnz] = j;
				md->rval[md->nnz++] = A[i][j];
			}
	}
	md->rstart[nr] = md->nnz;
	return md;
}

static void solve_both(sf__model *md, double want)
{
	for (int k = 0; k < 2; k++) {
		sf__solve_params prm = {.threads = 1};
		sf__solve_result res;
		double x[3];
		assert_int_equal(
		        sf__solve(k ? SF_SOLVER_GLPK : SF_SOLVER_CBC, md, &prm, &res, x, NULL),
		        SF_OK);
		assert_int_equal(res.status, SF__SOLVE_OPTIMAL);
		assert_true(fabs(res.objective - want) < 1e-9);
		assert_true(res.gap == 0);
	}
}

static void test_adapters(void **state)
{
	(void)state;
	sf__model *md = hand_model(0);
	solve_both(md, -13);
	sf__model_free(md);
	/*
	 * With 2a + 2b <= 3 (a + b <= 1 in integers) the LP optimum a=2 is cut
	 * off: a=1 allows c=2 (11), b=1 c=2 (10), a=b=0 c=4 (12): the optimum.
	 */
	md = hand_model(1);
	solve_both(md, -12);

	/* A MIP start is accepted and the optimum is unchanged. */
	for (int k = 0; k < 2; k++) {
		double start[3] = {0, 0, 1}, x[3];
		sf__solve_params prm = {.threads = 1, .start = start};
		sf__solve_result res;
		assert_int_equal(
		        sf__solve(k ? SF_SOLVER_GLPK : SF_SOLVER_CBC, md, &prm, &res, x, NULL),
		        SF_OK);
		assert_int_equal(res.status, SF__SOLVE_OPTIMAL);
		assert_true(fabs(res.objective + 12) < 1e-9);
		assert_true(fabs(x[0]) < 1e-6 && fabs(x[2] - 4) < 1e-6);
	}

	/* Infeasible: a >= 11 with a <= 10 through a row. */
	md->sense[3] = 'G';
	md->rhs[3] = 30;
	for (int k = 0; k < 2; k++) {
		sf__solve_params prm = {.threads = 1};
		sf__solve_result res;
		double x[3];
		assert_int_equal(
		        sf__solve(k ? SF_SOLVER_GLPK : SF_SOLVER_CBC, md, &prm, &res, x, NULL),
		        SF_OK);
		assert_int_equal(res.status, SF__SOLVE_INFEASIBLE);
	}
	sf__model_free(md);
}

/*
 * Stage 2's two searches: under a time limit, CBC and a start, GLPK runs
 * first from the same start (each search in a forked child); without a
 * start, under GLPK or without a limit, one search. Each gives the optimum
 * of the hand model.
 */
static void test_stage2_searches(void **state)
{
	(void)state;
	sf__model *md = hand_model(1);
	double start[3] = {0, 0, 1};

	for (int k = 0; k < 8; k++) {
		sf_solver_kind kind = k & 1 ? SF_SOLVER_GLPK : SF_SOLVER_CBC;
		double deadline = k & 4 ? HUGE_VAL : sf__now() + 60;
		sf__solve_params prm = {.threads = 1, .gap = 0, .start = k & 2 ? NULL : start};
		sf__solve_result res;
		sf__stage2_info info;
		double x[3];

		if (k < 4)
			prm.time_limit_s = 60;
		assert_int_equal(
		        sf__solve_stage2(kind, md, &prm, deadline, NULL, &res, x, &info, NULL),
		        SF_OK);
		assert_int_equal(res.status, SF__SOLVE_OPTIMAL);
		assert_true(fabs(res.objective + 12) < 1e-9);
		assert_true(fabs(x[2] - 4) < 1e-6);
		assert_int_equal(info.glpk_ran, k == 0);
		/* GLPK proves this one: its plan is stage 2's, CBC does not run. */
		assert_int_equal(info.from_glpk, k == 0);
	}
	sf__model_free(md);
}

/* Two searches of one model: the better plan against the better bound. */
static void test_stage2_combine(void **state)
{
	(void)state;
	sf__solve_result
	        g = {.status = SF__SOLVE_STOPPED, .objective = 100, .bound = 90, .gap = 0.1},
	        c = {.status = SF__SOLVE_STOPPED, .objective = 103, .bound = 99.5, .gap = 0.03}, r;

	/* GLPK's plan is better, CBC's bound is: gap 0.5%, within 1%. */
	assert_int_equal(sf__stage2_combine(&g, &c, 0.01, &r), 1);
	assert_int_equal(r.status, SF__SOLVE_OPTIMAL);
	assert_true(r.objective == 100 && r.bound == 99.5);
	assert_true(fabs(r.gap - 0.005) < 1e-12);
	/* Not within 0.1%: stopped, with that gap. */
	assert_int_equal(sf__stage2_combine(&g, &c, 0.001, &r), 1);
	assert_int_equal(r.status, SF__SOLVE_STOPPED);
	assert_true(fabs(r.gap - 0.005) < 1e-12);
	/* CBC's plan better: CBC's, against GLPK's bound when that is higher. */
	c.objective = 95;
	c.bound = 80;
	assert_int_equal(sf__stage2_combine(&g, &c, 0.01, &r), 0);
	assert_true(r.objective == 95 && r.bound == 90);
	assert_int_equal(r.status, SF__SOLVE_STOPPED);
	/* A bound above the plan (tolerances) is clipped to it: gap 0. */
	c.bound = 96;
	g.bound = 97;
	assert_int_equal(sf__stage2_combine(&g, &c, 0.01, &r), 0);
	assert_true(r.bound == 95 && r.gap == 0 && r.status == SF__SOLVE_OPTIMAL);
	/* CBC found nothing in its time: GLPK's plan, GLPK's bound. */
	c.status = SF__SOLVE_NO_SOLUTION;
	c.bound = -HUGE_VAL;
	g.bound = 90;
	assert_int_equal(sf__stage2_combine(&g, &c, 0.01, &r), 1);
	assert_true(r.objective == 100 && r.bound == 90 && r.status == SF__SOLVE_STOPPED);
	/* Neither has a plan: no solution, with the better bound. */
	g.status = SF__SOLVE_NO_SOLUTION;
	c.bound = 70;
	assert_int_equal(sf__stage2_combine(&g, &c, 0.01, &r), 0);
	assert_true(r.status == SF__SOLVE_NO_SOLUTION && r.bound == 90);
	/* CBC failed, GLPK found nothing: GLPK's status stands. */
	c.status = SF__SOLVE_FAILED;
	assert_int_equal(sf__stage2_combine(&g, &c, 0.01, &r), 0);
	assert_true(r.status == SF__SOLVE_NO_SOLUTION && r.bound == 90);
}

/* Run a command and read the first number after `key` in its output. */
static int run_and_read(const char *cmd, const char *key, double *value)
{
	FILE *f = popen(cmd, "r");
	char line[512];
	int found = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = strstr(line, key);
		if (p != NULL && !found) {
			p += strlen(key);
			while (*p && (*p == ' ' || *p == ':' || *p == '='))
				p++;
			*value = strtod(p, NULL);
			found = 1;
		}
	}
	pclose(f);
	return found ? 0 : -1;
}

static int have_program(const char *name)
{
	char cmd[256];
	sf_snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* Export stage 1 and stage 2 of the worked example; solve with the programs. */
static void test_export_roundtrip(void **state)
{
	(void)state;
	sf_scenario *sc = fx_worked();
	char dir[] = "/tmp/sf-test-model.XXXXXX", path[256], cmd[600];
	double v;

	assert_non_null(mkdtemp(dir));
	for (int stage = 1; stage <= 2; stage++) {
		double want = stage == 1 ? 60 : 43;
		/*
		 * Stage 2 lets Z1 exceed Z1* by 6e-5, which a solver's integrality
		 * tolerance (1e-5 in glpsol) turns into a cost a few 1e-5 lower.
		 */
		double tol = stage == 1 ? 1e-6 : 1e-5;
		sf_snprintf(path, sizeof(path), "%s/s%d.lp", dir, stage);
		assert_int_equal(sf_model_export(sc, stage, SF_MODEL_LP, path, NULL), SF_OK);
		if (have_program("cbc")) {
			sf_snprintf(cmd, sizeof(cmd), "cbc %s solve quit 2>&1", path);
			assert_int_equal(run_and_read(cmd, "Objective value", &v), 0);
			assert_true(fabs(v - want) < tol * want);
		}
		if (have_program("glpsol")) {
			sf_snprintf(cmd, sizeof(cmd), "glpsol --lp %s -o /dev/stdout 2>&1", path);
			assert_int_equal(run_and_read(cmd, "Objective:  obj", &v), 0);
			assert_true(fabs(v - want) < tol * want);
		}
		sf_snprintf(path, sizeof(path), "%s/s%d.mps", dir, stage);
		assert_int_equal(sf_model_export(sc, stage, SF_MODEL_MPS, path, NULL), SF_OK);
		if (have_program("glpsol")) {
			sf_snprintf(cmd, sizeof(cmd), "glpsol --freemps %s -o /dev/stdout 2>&1",
			            path);
			assert_int_equal(run_and_read(cmd, "Objective:  obj", &v), 0);
			assert_true(fabs(v - want) < tol * want);
		}
		if (have_program("cbc")) {
			sf_snprintf(cmd, sizeof(cmd), "cbc %s solve quit 2>&1", path);
			assert_int_equal(run_and_read(cmd, "Objective value", &v), 0);
			assert_true(fabs(v - want) < tol * want);
		}
	}
	sf_snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);

	sf_error err;
	sf_error_clear(&err);
	assert_int_equal(sf_model_export(sc, 1, SF_MODEL_LP, "/nonexistent-dir/x.lp", &err),
	                 SF_ERR_IO);
	assert_non_null(strstr(err.message, "/nonexistent-dir/x.lp"));
	fx_free(sc);
}

/*
 * The valid inequalities of the stage-1 month models (model.c: the caps'
 * convex hulls and the coverage rounding rows) cut off no integer plan.
 * For small random months every integer x allowed by the plain rows is
 * enumerated, with z, y and the least shortfall g = max(0, R - coverage)
 * it implies; each rounding row must hold, and the units each capped
 * contributor deploys must lie under one of its hull's patterns (a
 * missing or wrong pattern fails). The optimum is checked elsewhere
 * (test_plan.c: month by month = monolithic = GLPK); this checks the
 * rows themselves, so a cut that happens not to move the optimum of a
 * test scenario still cannot be wrong.
 */
static unsigned long vrng;
static int virnd(int lo, int hi)
{
	vrng = vrng * 6364136223846793005UL + 1442695040888963407UL;
	return lo + (int)((vrng >> 33) % (unsigned long)(hi - lo + 1));
}

typedef struct valid_ctx {
	const sf__model *md;
	const sf_scenario *sc;
	double *val;
	int *xs; /* x columns */
	int nx;
	int *left; /* [np] units of each pledge not yet placed */
	long points, round_checked, hull_checked;
} valid_ctx;

static double row_lhs(const sf__model *md, int i, const double *val)
{
	double v = 0;
	for (int k = md->rstart[i]; k < md->rstart[i + 1]; k++)
		v += md->rval[k] * val[md->rind[k]];
	return v;
}

static double coef_in_row(const sf__model *md, int i, int j)
{
	for (int k = md->rstart[i]; k < md->rstart[i + 1]; k++)
		if (md->rind[k] == j)
			return md->rval[k];
	return 0;
}

static void valid_check_point(valid_ctx *c)
{
	const sf__model *md = c->md;
	double *val = c->val;
	/* z from the aggregation rows, then g and y. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < md->nrows; i++) {
			int kind = md->row[i].kind, own = -1;
			double rest = 0;
			if (!(pass == 0 && kind == SF__ROW_AGG) &&
			    !(pass == 1 && (kind == SF__ROW_COVER || kind == SF__ROW_INSEC)))
				continue;
			for (int k = md->rstart[i]; k < md->rstart[i + 1]; k++) {
				int j = md->rind[k], ck = md->col[j].kind;
				if ((kind == SF__ROW_AGG && ck == SF__COL_Z) ||
				    (kind == SF__ROW_COVER && ck == SF__COL_G) ||
				    (kind == SF__ROW_INSEC && ck == SF__COL_Y))
					own = j;
				else
					rest += md->rval[k] * val[j];
			}
			assert_true(own >= 0);
			if (kind == SF__ROW_COVER)
				val[own] = md->rhs[i] - rest > 0 ? md->rhs[i] - rest : 0;
			else
				val[own] = -rest;
		}
	/* The plain rows: skip the plans they forbid. */
	for (int i = 0; i < md->nrows; i++) {
		int kind = md->row[i].kind;
		if (kind != SF__ROW_PLEDGE && kind != SF__ROW_CAP && kind != SF__ROW_CEILING &&
		    kind != SF__ROW_SHARE)
			continue;
		if (row_lhs(md, i, val) > md->rhs[i] + 1e-9)
			return;
	}
	c->points++;
	for (int i = 0; i < md->nrows; i++) {
		if (md->row[i].kind == SF__ROW_ROUND) {
			double lhs = row_lhs(md, i, val);
			if (lhs < md->rhs[i] - 1e-9)
				fail_msg("rounding row %d cuts off a plan: %.12g < %.12g", i, lhs,
				         md->rhs[i]);
			c->round_checked++;
		}
		if (md->row[i].kind != SF__ROW_CAPCVX)
			continue;
		/* Some pattern k of this contributor covers every pledge's units. */
		int found = 0;
		for (int k = md->rstart[i]; k < md->rstart[i + 1] && !found; k++) {
			int lam = md->rind[k], ok = 1;
			for (int r = 0; r < md->nrows && ok; r++)
				if (md->row[r].kind == SF__ROW_CAPHULL &&
				    md->row[r].a == md->row[i].a)
					ok = row_lhs(md, r, val) -
					             coef_in_row(md, r, lam) * val[lam] <=
					     -coef_in_row(md, r, lam) + 1e-9;
			found = ok;
		}
		if (!found)
			fail_msg("contributor %d: the cap allows a plan no hull pattern covers",
			         md->row[i].a);
		c->hull_checked++;
	}
}

static void valid_enum(valid_ctx *c, int k)
{
	if (k == c->nx) {
		valid_check_point(c);
		return;
	}
	int j = c->xs[k], p = c->md->col[j].a;
	for (int v = 0; v <= c->left[p]; v++) {
		c->val[j] = v;
		c->left[p] -= v;
		valid_enum(c, k + 1);
		c->left[p] += v;
	}
	c->val[j] = 0;
}

static void test_valid_inequalities(void **state)
{
	(void)state;
	static const double caps[] = {0.5, 1, 1.5, 2, 1.0 / 3, 2.0 / 3, 0.25};
	static const char *tn[] = {"t0", "t1"}, *un[] = {"u0", "u1", "u2"}, *cn[] = {"c0", "c1"},
	                  *pn[] = {"p0", "p1", "p2"};
	long points = 0, rounds = 0, hulls = 0;

	for (unsigned long seed = 1; seed <= 1000; seed++) {
		vrng = seed * 2654435761UL;
		sf_scenario *sc = fx_new(1, 1, virnd(2, 12) * 50);
		size_t nt = (size_t)virnd(1, 2), nu = (size_t)virnd(1, 3), nc = (size_t)virnd(1, 2);
		for (size_t t = 0; t < nt; t++)
			fx_add_task(sc, tn[t],
			            t == 1 && virnd(0, 2) == 0 ? SF_SCOPE_MISSION : SF_SCOPE_SECTOR,
			            virnd(1, 9), virnd(1, 30) * 0.17);
		for (size_t u = 0; u < nu; u++) {
			fx_add_unit(sc, un[u], virnd(1, 4) * 50, 1);
			for (size_t t = 0; t < nt; t++)
				if (virnd(0, 9) < 7)
					fx_cap(sc, u, t, caps[virnd(0, 6)]);
		}
		for (size_t c = 0; c < nc; c++) {
			fx_add_contributor(sc, cn[c]);
			if (virnd(0, 9) < 7) {
				sc->contributors[c].has_cap = 1;
				sc->contributors[c].cap = virnd(1, 8) * 50;
			}
		}
		size_t np = (size_t)virnd(1, 3);
		for (size_t p = 0; p < np; p++)
			fx_add_pledge(sc, pn[p], (size_t)virnd(0, (int)nc - 1),
			              (size_t)virnd(0, (int)nu - 1), virnd(1, 3), 1, 1);
		if (virnd(0, 1)) {
			sc->has_max_share = 1;
			sc->max_share = 0.5 + 0.1 * virnd(0, 4);
		}

		sf__model_spec spec = {.stage = 1, .m_first = 1, .m_last = 1, .strengthen = 1};
		sf__model *md = NULL;
		sf_error err;
		sf_error_clear(&err);
		assert_int_equal(sf__model_build(sc, &spec, &md, &err), SF_OK);
		valid_ctx c = {md,
		               sc,
		               calloc((size_t)md->ncols + 1, sizeof(double)),
		               calloc((size_t)md->ncols + 1, sizeof(int)),
		               0,
		               calloc(np + 1, sizeof(int)),
		               0,
		               0,
		               0};
		assert_non_null(c.val);
		for (int j = 0; j < md->ncols; j++)
			if (md->col[j].kind == SF__COL_X)
				c.xs[c.nx++] = j;
		for (size_t p = 0; p < np; p++)
			c.left[p] = sc->pledges[p].count;
		valid_enum(&c, 0);
		points += c.points;
		rounds += c.round_checked;
		hulls += c.hull_checked;
		free(c.val);
		free(c.xs);
		free(c.left);
		sf__model_free(md);
		fx_free(sc);
	}
	print_message("valid inequalities: %ld plans, %ld rounding and %ld hull checks\n", points,
	              rounds, hulls);
	/* The check is not vacuous: both kinds of rows were met many times. */
	assert_true(points > 1000);
	assert_true(rounds > 1000);
	assert_true(hulls > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ramp),
	        cmocka_unit_test(test_requirement),
	        cmocka_unit_test(test_x_exists),
	        cmocka_unit_test(test_build_worked),
	        cmocka_unit_test(test_adapters),
	        cmocka_unit_test(test_stage2_searches),
	        cmocka_unit_test(test_stage2_combine),
	        cmocka_unit_test(test_export_roundtrip),
	        cmocka_unit_test(test_valid_inequalities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
