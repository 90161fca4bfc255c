/*
 * gen_scenario.c - sf-gen-scenario: a seeded generator of SYNTHETIC
 * planning scenarios for the planner benchmarks (bench/plan.sh and the
 * scenario families of bench/family.sh).
 *
 *   sf-gen-scenario [--seed N] [--contributors N] [--pledges N]
 *                   [--unit-types N] [--sectors N] [--tasks N] [--months N]
 *                   [--share SIGMA] [--ceiling FRACTION]
 *                   [--hard-vetoes N] [--soft-vetoes N] [--penalty P]
 *                   [--caps FRACTION] [--cap-level FRACTION]
 *                   [--caveats FRACTION] [--late FRACTION] [--stagger N]
 *                   [--ramps FRACTION] [--delays FRACTION]
 *                   [--units uniform|mixed] [--skew S] [--deploy F]
 *                   [--format 1|2] [--notice F] [--stays F] [--tours F]
 *                   [--reception F]
 *                   --out DIR
 *
 * Writes DIR/scenario.yaml (format 1 or 2, docs/scenario-format.md) and
 * DIR/sectors.geojson (the sectors as a grid of rectangles). The same
 * arguments always give the same files (fixed 64-bit LCGs, no libc
 * randomness), so benchmark runs on different machines plan the same
 * scenarios.
 *
 * The scenario is shaped like a real force generation, so that the solver
 * has real choices to make: unit types deliver 1-3 tasks each; pledges
 * arrive over the first half of the mandate, some leave early, some carry
 * caveats (a denied task, a list of allowed sectors, or mission only); one
 * stakeholder vetoes a few contributors (hard, everywhere or in some
 * sectors) and dislikes others (soft, at a penalty per person-month); some
 * sectors open late; some tasks ramp up. Requirements are calibrated to
 * 0.8-1.4 times what the pledges could deliver for the task, and the troop
 * ceiling to a fraction of the pledged personnel (--ceiling, default 0.8:
 * rarely binding; 0.6 makes it bind and each month a hard knapsack).
 *
 * The knobs after --ceiling vary one feature each, for the benchmark
 * families (docs/benchmarks.md). Their defaults give exactly the files of
 * the first version of this generator: everything that version drew comes
 * from the first random stream in the same order, and the new features
 * draw from a second stream, so old seeds still plan the same scenarios.
 * The format-2 features (--format 2: notice, minimum stays, tours,
 * reception) draw from a third stream, so the format-2 file of a seed is
 * its format-1 file plus those features.
 *
 * Nothing in the output is real: ids are C001, U01, S01, T01.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The first stream: everything the first version drew, in its order. */
static unsigned long long rng = 88172645463325252ULL;
/* The second stream: the knobs added for the families. */
static unsigned long long rng2 = 0x2545F4914F6CDD1DULL;
/* The third stream: the format-2 features. */
static unsigned long long rng3 = 0x9FB21C651E98DF25ULL;

static double rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static int irnd(int lo, int hi)
{
	int v = lo + (int)(rnd() * (hi - lo + 1));
	return v > hi ? hi : v;
}

static double rnd2(void)
{
	rng2 = rng2 * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng2 >> 11) / 9007199254740992.0;
}

static int irnd2(int lo, int hi)
{
	int v = lo + (int)(rnd2() * (hi - lo + 1));
	return v > hi ? hi : v;
}

static double rnd3(void)
{
	rng3 = rng3 * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng3 >> 11) / 9007199254740992.0;
}

static int irnd3(int lo, int hi)
{
	int v = lo + (int)(rnd3() * (hi - lo + 1));
	return v > hi ? hi : v;
}

enum { UNITS_UNIFORM, UNITS_MIXED };

typedef struct gen {
	int contributors, pledges, unit_types, sectors, tasks, months;
	double share;                 /* 0 = no share cap */
	double ceiling;               /* troop ceiling as a fraction of the pledged personnel */
	int hard_vetoes, soft_vetoes; /* -1: the first version's C/8+1, alternating */
	double penalty;               /* soft-veto magnitude; each is 1-5 times it */
	double caps, cap_level;       /* share of contributors capped; cap / pledged */
	double caveats;               /* share of pledges with a caveat */
	double late;                  /* share of sectors opening late */
	int stagger;                  /* > 0: sector s opens in month 1 + s * stagger */
	double ramps;                 /* share of tasks with a ramp */
	double delays;                /* share of pledges with delay_months */
	int units;                    /* UNITS_UNIFORM or UNITS_MIXED */
	double skew;                  /* contributor of a pledge ~ 1 / rank^skew */
	double deploy;                /* > 0: deploy_cost = deploy * monthly_cost */
	int format;                   /* 1 or 2 */
	double notice;                /* format 2: share of pledges giving notice */
	double stays;                 /* format 2: share of unit types with a minimum stay */
	double tours;                 /* format 2: share of pledges with tour limits */
	double reception;             /* format 2: monthly reception / troop ceiling, 0 none */
	int seed;
	const char *out;
} gen;

/* Everything drawn, before it is written. */
typedef struct draw {
	int *task_mission;
	double *weight;
	double *cap; /* [u * T + t] capability */
	int *pers;
	double *cost;
	int *p_contrib, *p_unit, *p_count, *p_from, *p_to, *p_delay;
	double *supply; /* [t] capability of every pledge together */
	double *pop, *threat;
	int *opens;
	int *stay; /* [u] format 2: min_stay_months, 1 = none */
	double total_pop, total_pers;
} draw;

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sf-gen-scenario [--seed N] [--contributors N] [--pledges N]\n"
	           "                       [--unit-types N] [--sectors N] [--tasks N]\n"
	           "                       [--months N] [--share SIGMA] [--ceiling FRACTION]\n"
	           "                       [--hard-vetoes N] [--soft-vetoes N] [--penalty P]\n"
	           "                       [--caps FRACTION] [--cap-level FRACTION]\n"
	           "                       [--caveats FRACTION] [--late FRACTION] [--stagger N]\n"
	           "                       [--ramps FRACTION] [--delays FRACTION]\n"
	           "                       [--units uniform|mixed] [--skew S] [--deploy F]\n"
	           "                       [--format 1|2] [--notice F] [--stays F]\n"
	           "                       [--tours F] [--reception F]\n"
	           "                       --out DIR\n"
	           "\n"
	           "Write a synthetic scenario (DIR/scenario.yaml, DIR/sectors.geojson).\n"
	           "Defaults: the Gaza-sized case: 15 contributors, 30 pledges, 7 unit\n"
	           "types, 5 sectors, 7 tasks, 24 months, share cap 0.5 (0: none), troop\n"
	           "ceiling 0.8 of the pledged personnel, seed 1.\n"
	           "\n"
	           "Feature knobs (defaults in brackets):\n"
	           "  --hard-vetoes N    hard vetoes [contributors/8+1 vetoes, alternating\n"
	           "  --soft-vetoes N    soft vetoes  hard and soft, hard first]\n"
	           "  --penalty P        soft-veto penalty per person-month: P times 1..5 [100]\n"
	           "  --caps F           share of contributors with a national cap [0.2]\n"
	           "  --cap-level F      a cap as a share of the contributor's pledges [0.7]\n"
	           "  --caveats F        share of pledges with a caveat [0.25]\n"
	           "  --late F           share of sectors that open late [0.3]\n"
	           "  --stagger N        sector k opens in month 1 + (k-1) N instead [0: off]\n"
	           "  --ramps F          share of tasks that ramp up [0.3]\n"
	           "  --delays F         share of pledges with delay_months 1..6 [0]\n"
	           "  --units KIND       uniform: 50..900 persons in steps of 50; mixed: a\n"
	           "                     catalogue from 10-person teams to 850-person\n"
	           "                     battalions, capabilities in hundredths [uniform]\n"
	           "  --skew S           a pledge's contributor is drawn with weight\n"
	           "                     1/rank^S: a few large contributors [0: uniform]\n"
	           "  --deploy F         deploy_cost = F months of monthly_cost [1]\n"
	           "\n"
	           "Format 2 (--format 2; the other knobs are ignored in format 1):\n"
	           "  --notice F         share of pledges giving notice: half lead_days\n"
	           "                     0..180, half a readiness level [0.5]\n"
	           "  --stays F          share of unit types with min_stay_months 2..6\n"
	           "                     (a pledge may shorten it) [0.5]\n"
	           "  --tours F          share of pledges with tour_months (6..12, at\n"
	           "                     least the stay) and, for half, tours 1..2 [0.3]\n"
	           "  --reception F      reception: F times the troop ceiling a month,\n"
	           "                     1.5 F from a third of the mandate on [0.25; 0: none]\n");
}

/* A contributor for pledge p >= C: uniform (one draw), or skewed by rank. */
static int pick_contributor(const gen *g)
{
	if (g->skew <= 0)
		return irnd(0, g->contributors - 1);
	double total = 0, u = rnd(), acc = 0;
	for (int c = 0; c < g->contributors; c++)
		total += pow(c + 1, -g->skew);
	for (int c = 0; c < g->contributors; c++) {
		acc += pow(c + 1, -g->skew) / total;
		if (u < acc)
			return c;
	}
	return g->contributors - 1;
}

/*
 * The mixed catalogue: sizes of real unit kinds (observer team, training
 * team, platoon, level-2 hospital, police unit, company, two battalion
 * sizes); capability per task about one company-equivalent per 200
 * persons, varied by half either way, in hundredths. Capabilities drawn
 * by the first version are kept where they are zero or not, so a type
 * serves the same tasks in both catalogues.
 */
static void mixed_unit(const gen *g, draw *d, int u)
{
	static const int sizes[] = {10, 25, 40, 57, 140, 150, 600, 850};
	const int T = g->tasks;
	int size = sizes[irnd2(0, (int)(sizeof(sizes) / sizeof(sizes[0])) - 1)];

	d->pers[u] = size;
	d->cost[u] = round(size * (1000 + 800 * rnd2()));
	for (int t = 0; t < T; t++)
		if (d->cap[u * T + t] > 0) {
			double c = round(100 * size / 200.0 * (0.5 + rnd2())) / 100;
			d->cap[u * T + t] = c < 0.01 ? 0.01 : c;
		}
}

static int draw_scenario(const gen *g, draw *d)
{
	const int S = g->sectors, T = g->tasks, U = g->unit_types, C = g->contributors,
	          P = g->pledges, M = g->months;

	d->task_mission = calloc((size_t)T, sizeof(int));
	d->weight = calloc((size_t)T, sizeof(double));
	d->cap = calloc((size_t)U * (size_t)T, sizeof(double));
	d->pers = calloc((size_t)U, sizeof(int));
	d->cost = calloc((size_t)U, sizeof(double));
	d->p_contrib = calloc((size_t)P, sizeof(int));
	d->p_unit = calloc((size_t)P, sizeof(int));
	d->p_count = calloc((size_t)P, sizeof(int));
	d->p_from = calloc((size_t)P, sizeof(int));
	d->p_to = calloc((size_t)P, sizeof(int));
	d->p_delay = calloc((size_t)P, sizeof(int));
	d->supply = calloc((size_t)T, sizeof(double));
	d->pop = calloc((size_t)S, sizeof(double));
	d->threat = calloc((size_t)S, sizeof(double));
	d->opens = calloc((size_t)S, sizeof(int));
	d->stay = calloc((size_t)U, sizeof(int));
	if (!d->stay || !d->task_mission || !d->weight || !d->cap || !d->pers || !d->cost ||
	    !d->p_contrib || !d->p_unit || !d->p_count || !d->p_from || !d->p_to || !d->p_delay ||
	    !d->supply || !d->pop || !d->threat || !d->opens)
		return -1;

	/* Tasks: every seventh one mission-wide (HQ, training abroad). */
	for (int t = 0; t < T; t++) {
		d->task_mission[t] = T > 1 && t % 7 == 6;
		d->weight[t] = irnd(1, 10);
	}
	/* Unit types: 1-3 tasks each; every task served by some type. */
	for (int u = 0; u < U; u++) {
		d->pers[u] = irnd(1, 18) * 50;
		d->cost[u] = round(d->pers[u] * (1000 + 800 * rnd()));
		int k = irnd(1, T < 3 ? T : 3);
		for (int i = 0; i < k; i++) {
			/* The value first: the order in which gcc drew them before. */
			double v = irnd(1, 4) * 0.5;
			d->cap[u * T + irnd(0, T - 1)] = v;
		}
	}
	for (int t = 0; t < T; t++) {
		int any = 0;
		for (int u = 0; u < U; u++)
			any |= d->cap[u * T + t] > 0;
		if (!any)
			d->cap[(t % U) * T + t] = 1;
	}
	if (g->units == UNITS_MIXED)
		for (int u = 0; u < U; u++)
			mixed_unit(g, d, u);
	/* Pledges, round-robin over contributors so each has at least one. */
	for (int p = 0; p < P; p++) {
		d->p_contrib[p] = p < C ? p : pick_contributor(g);
		d->p_unit[p] = irnd(0, U - 1);
		d->p_count[p] = irnd(1, 6);
		d->p_from[p] = rnd() < 0.4 ? 1 : irnd(1, (M + 1) / 2);
		d->p_to[p] = rnd() < 0.8 ? M : irnd(d->p_from[p], M);
		for (int t = 0; t < T; t++)
			d->supply[t] += d->p_count[p] * d->cap[d->p_unit[p] * T + t];
		if (g->delays > 0 && rnd2() < g->delays)
			d->p_delay[p] = irnd2(1, 6);
	}
	for (int s = 0; s < S; s++) {
		d->pop[s] = irnd(50, 400) * 1000;
		d->threat[s] = 0.8 + 0.1 * irnd(0, 7);
		d->opens[s] = rnd() < g->late ? irnd(1, (M + 2) / 3) : 1;
		if (g->stagger > 0) {
			int o = 1 + s * g->stagger;
			d->opens[s] = o <= M ? o : M;
		}
	}
	d->total_pop = d->total_pers = 0;
	for (int s = 0; s < S; s++)
		d->total_pop += d->pop[s] * d->threat[s];
	for (int p = 0; p < P; p++)
		d->total_pers += (double)d->p_count[p] * d->pers[d->p_unit[p]];
	for (int u = 0; u < U; u++)
		d->stay[u] = g->format == 2 && rnd3() < g->stays ? irnd3(2, 6) : 1;
	return 0;
}

static void free_draw(draw *d)
{
	free(d->task_mission);
	free(d->weight);
	free(d->cap);
	free(d->pers);
	free(d->cost);
	free(d->p_contrib);
	free(d->p_unit);
	free(d->p_count);
	free(d->p_from);
	free(d->p_to);
	free(d->p_delay);
	free(d->supply);
	free(d->pop);
	free(d->threat);
	free(d->opens);
	free(d->stay);
}

/* sectors.geojson: a grid of 0.05-degree rectangles near 34.3E 31.3N. */
static int write_geojson(const gen *g)
{
	char path[4096];
	const int S = g->sectors;
	int cols = (int)ceil(sqrt((double)S));
	FILE *f;

	snprintf(path, sizeof(path), "%s/sectors.geojson", g->out);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\"type\": \"FeatureCollection\", \"features\": [\n");
	for (int s = 0; s < S; s++) {
		double x0 = 34.3 + 0.05 * (s % cols), y0 = 31.3 + 0.05 * (s / cols);
		fprintf(f,
		        "  {\"type\": \"Feature\", \"properties\": {\"id\": \"S%02d\"}, "
		        "\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.2f, %.2f], "
		        "[%.2f, %.2f], [%.2f, %.2f], [%.2f, %.2f], [%.2f, %.2f]]]}}%s\n",
		        s + 1, x0, y0, x0 + 0.05, y0, x0 + 0.05, y0 + 0.05, x0, y0 + 0.05, x0, y0,
		        s + 1 < S ? "," : "");
	}
	fprintf(f, "]}\n");
	if (fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

static void write_tasks(const gen *g, const draw *d, FILE *f)
{
	const int S = g->sectors, T = g->tasks, M = g->months;

	fprintf(f, "tasks:\n");
	for (int t = 0; t < T; t++) {
		double factor = 0.8 + 0.6 * rnd(),
		       want = factor * (d->supply[t] > 0 ? d->supply[t] : 1);
		fprintf(f, "  - id: T%02d\n    scope: %s\n    weight: %g\n", t + 1,
		        d->task_mission[t] ? "mission" : "sector", d->weight[t]);
		if (d->task_mission[t]) {
			fprintf(f, "    requirement: {value: %.1f}\n", want);
		} else if (t % 3 == 0) {
			fprintf(f, "    requirement: {per: population, every: %.0f}\n",
			        d->total_pop / want);
		} else if (t % 3 == 1) {
			fprintf(f, "    requirement: {value: %.2f}\n", want / (S * 1.0));
		} else {
			fprintf(f, "    requirement:\n      by_sector: {");
			for (int s = 0; s < S; s++)
				fprintf(f, "%sS%02d: %.2f", s ? ", " : "", s + 1,
				        want / S * (0.5 + rnd()));
			fprintf(f, "}\n");
		}
		if (rnd() < g->ramps && M >= 3)
			fprintf(f, "    ramp: [{from: 1, level: 0.5}, {from: %d, level: 1.0}]\n",
			        irnd(2, (M + 2) / 3 + 1));
	}
}

/* Caveat thresholds scale with --caveats: deny 40%, sectors 40%, mission 20%. */
static void write_caveat(const gen *g, FILE *f)
{
	const int S = g->sectors, T = g->tasks;
	double r = rnd(), c = g->caveats;

	if (r < 0.4 * c && T > 1) {
		fprintf(f, ", tasks: {deny: [T%02d]}", irnd(1, T));
	} else if (r < 0.8 * c && S > 1) {
		int a = irnd(1, S), b = irnd(1, S);
		if (a == b)
			fprintf(f, ", locations: {allow: [S%02d, mission]}", a);
		else
			fprintf(f, ", locations: {allow: [S%02d, S%02d, mission]}", a, b);
	} else if (r < c) {
		fprintf(f, ", locations: {allow: [mission]}");
	}
}

/*
 * A pledge's format-2 keys: notice (lead_days or a readiness level), a
 * shorter stay than its unit type's, a tour limit (never below the stay)
 * and, for half of those, a number of tours.
 */
static void write_f2_pledge(const gen *g, const draw *d, int p, FILE *f)
{
	static const char *const level[] = {"rdl", "level3", "level2", "level1"};
	int stay = d->stay[d->p_unit[p]];

	if (rnd3() < g->notice) {
		if (rnd3() < 0.5)
			fprintf(f, ", lead_days: %d", irnd3(0, 180));
		else
			fprintf(f, ", readiness: %s", level[irnd3(0, 3)]);
	}
	if (stay > 1 && rnd3() < 0.2) {
		stay = irnd3(1, stay - 1);
		fprintf(f, ", min_stay_months: %d", stay);
	}
	if (rnd3() < g->tours) {
		fprintf(f, ", tour_months: %d", irnd3(stay > 6 ? stay : 6, 12));
		if (rnd3() < 0.5)
			fprintf(f, ", tours: %d", irnd3(1, 2));
	}
}

static void write_contributors(const gen *g, const draw *d, FILE *f)
{
	const int C = g->contributors, P = g->pledges;

	fprintf(f, "contributors:\n");
	for (int ci = 0; ci < C; ci++) {
		fprintf(f, "  - id: C%03d\n", ci + 1);
		if (rnd() < g->caps) {
			double mine = 0;
			for (int p = 0; p < P; p++)
				if (d->p_contrib[p] == ci)
					mine += (double)d->p_count[p] * d->pers[d->p_unit[p]];
			double cap = ceil(g->cap_level * mine / 50) * 50;
			fprintf(f, "    cap: %.0f\n", cap > 0 ? cap : 50);
		}
		fprintf(f, "    pledges:\n");
		for (int p = 0; p < P; p++) {
			if (d->p_contrib[p] != ci)
				continue;
			fprintf(f, "      - {unit: U%02d, count: %d, from: %d, to: %d",
			        d->p_unit[p] + 1, d->p_count[p], d->p_from[p], d->p_to[p]);
			write_caveat(g, f);
			fprintf(f, ", confidence: %.2f", 0.5 + 0.5 * rnd());
			if (d->p_delay[p] > 0)
				fprintf(f, ", delay_months: %d", d->p_delay[p]);
			if (g->format == 2)
				write_f2_pledge(g, d, p, f);
			fprintf(f, "}\n");
		}
	}
}

static void write_vetoes(const gen *g, FILE *f)
{
	const int S = g->sectors, C = g->contributors;
	int nveto = C / 8 + 1;
	int hard = g->hard_vetoes >= 0 ? g->hard_vetoes : (nveto + 1) / 2;
	int soft = g->soft_vetoes >= 0 ? g->soft_vetoes : nveto / 2;

	if (hard + soft == 0)
		return;
	fprintf(f, "stakeholders:\n  - id: H1\n    name: Host party\n    vetoes:\n");
	for (int v = 0; hard + soft > 0; v++) {
		int who = irnd(1, C);
		/* Alternate, hard first, while both kinds are left. */
		if (hard > 0 && (v % 2 == 0 || soft == 0)) {
			hard--;
			if (rnd() < 0.5 || S < 2)
				fprintf(f,
				        "      - {contributor: C%03d, kind: hard, sectors: all}\n",
				        who);
			else
				fprintf(f,
				        "      - {contributor: C%03d, kind: hard, sectors: "
				        "[S%02d]}\n",
				        who, irnd(1, S));
		} else {
			soft--;
			fprintf(f,
			        "      - {contributor: C%03d, kind: soft, penalty: %g, sectors: "
			        "all}\n",
			        who, irnd(1, 5) * g->penalty);
		}
	}
}

static int write_scenario(const gen *g, const draw *d, int argc, char **argv)
{
	const int S = g->sectors, U = g->unit_types, T = g->tasks, C = g->contributors,
	          P = g->pledges, M = g->months;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/scenario.yaml", g->out);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	/* The first version's header line, then the knobs as given. */
	fprintf(f,
	        "# SYNTHETIC scenario from sf-gen-scenario --seed %d --contributors %d "
	        "--pledges %d --unit-types %d --sectors %d --tasks %d --months %d --share %g\n",
	        g->seed, C, P, U, S, T, M, g->share);
	{
		int any = 0;
		for (int i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--out") == 0) {
				i++;
				continue;
			}
			if (strncmp(argv[i], "--out=", 6) == 0)
				continue;
			if (!any)
				fprintf(f, "# arguments:");
			fprintf(f, " %s", argv[i]);
			any = 1;
		}
		if (any)
			fprintf(f, "\n");
	}
	fprintf(f,
	        "format: %d\nname: synthetic %dc-%dp-%du-%ds-%dt-%dm seed %d\nas_of: 2026-01-01\n",
	        g->format, C, P, U, S, T, M, g->seed);
	fprintf(f, "mandate:\n  authority: none (synthetic)\n  start: 2026-01\n  months: %d\n", M);
	fprintf(f, "  troop_ceiling: %.0f\n", ceil(g->ceiling * d->total_pers / 50) * 50);
	if (g->share > 0)
		fprintf(f, "  max_share: %g\n", g->share);
	if (g->format == 2 && g->reception > 0) {
		double ceiling = ceil(g->ceiling * d->total_pers / 50) * 50;
		fprintf(f, "reception:\n  - {from: 1, personnel: %.0f}\n",
		        ceil(g->reception * ceiling / 50) * 50);
		if (M >= 3)
			fprintf(f, "  - {from: %d, personnel: %.0f}\n", 1 + M / 3,
			        ceil(1.5 * g->reception * ceiling / 50) * 50);
	}
	fprintf(f, "sectors:\n  geojson: sectors.geojson\n  id_property: id\n  list:\n");
	for (int s = 0; s < S; s++)
		fprintf(f,
		        "    - {id: S%02d, opens: %d, attributes: {population: %.0f, threat: "
		        "%.1f}}\n",
		        s + 1, d->opens[s], d->pop[s], d->threat[s]);
	fprintf(f, "unit_types:\n");
	for (int u = 0; u < U; u++) {
		int first = 1;
		fprintf(f, "  - {id: U%02d, personnel: %d, monthly_cost: %.0f, ", u + 1, d->pers[u],
		        d->cost[u]);
		if (g->deploy > 0)
			fprintf(f, "deploy_cost: %.0f, ", round(g->deploy * d->cost[u]));
		if (d->stay[u] > 1)
			fprintf(f, "min_stay_months: %d, ", d->stay[u]);
		fprintf(f, "capabilities: {");
		for (int t = 0; t < T; t++)
			if (d->cap[u * T + t] > 0) {
				fprintf(f, "%sT%02d: %g", first ? "" : ", ", t + 1,
				        d->cap[u * T + t]);
				first = 0;
			}
		fprintf(f, "}}\n");
	}
	write_tasks(g, d, f);
	write_contributors(g, d, f);
	write_vetoes(g, f);
	if (fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum {
		O_SEED = 256,
		O_CONTRIB,
		O_PLEDGES,
		O_UTYPES,
		O_SECTORS,
		O_TASKS,
		O_MONTHS,
		O_SHARE,
		O_CEILING,
		O_HARD,
		O_SOFT,
		O_PENALTY,
		O_CAPS,
		O_CAPLEVEL,
		O_CAVEATS,
		O_LATE,
		O_STAGGER,
		O_RAMPS,
		O_DELAYS,
		O_UNITS,
		O_SKEW,
		O_DEPLOY,
		O_FORMAT,
		O_NOTICE,
		O_STAYS,
		O_TOURS,
		O_RECEPTION,
		O_OUT
	};
	static const struct option longopts[] = {
	        {"seed", required_argument, NULL, O_SEED},
	        {"contributors", required_argument, NULL, O_CONTRIB},
	        {"pledges", required_argument, NULL, O_PLEDGES},
	        {"unit-types", required_argument, NULL, O_UTYPES},
	        {"sectors", required_argument, NULL, O_SECTORS},
	        {"tasks", required_argument, NULL, O_TASKS},
	        {"months", required_argument, NULL, O_MONTHS},
	        {"share", required_argument, NULL, O_SHARE},
	        {"ceiling", required_argument, NULL, O_CEILING},
	        {"hard-vetoes", required_argument, NULL, O_HARD},
	        {"soft-vetoes", required_argument, NULL, O_SOFT},
	        {"penalty", required_argument, NULL, O_PENALTY},
	        {"caps", required_argument, NULL, O_CAPS},
	        {"cap-level", required_argument, NULL, O_CAPLEVEL},
	        {"caveats", required_argument, NULL, O_CAVEATS},
	        {"late", required_argument, NULL, O_LATE},
	        {"stagger", required_argument, NULL, O_STAGGER},
	        {"ramps", required_argument, NULL, O_RAMPS},
	        {"delays", required_argument, NULL, O_DELAYS},
	        {"units", required_argument, NULL, O_UNITS},
	        {"skew", required_argument, NULL, O_SKEW},
	        {"deploy", required_argument, NULL, O_DEPLOY},
	        {"format", required_argument, NULL, O_FORMAT},
	        {"notice", required_argument, NULL, O_NOTICE},
	        {"stays", required_argument, NULL, O_STAYS},
	        {"tours", required_argument, NULL, O_TOURS},
	        {"reception", required_argument, NULL, O_RECEPTION},
	        {"out", required_argument, NULL, O_OUT},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	gen g = {.contributors = 15,
	         .pledges = 30,
	         .unit_types = 7,
	         .sectors = 5,
	         .tasks = 7,
	         .months = 24,
	         .share = 0.5,
	         .ceiling = 0.8,
	         .hard_vetoes = -1,
	         .soft_vetoes = -1,
	         .penalty = 100,
	         .caps = 0.2,
	         .cap_level = 0.7,
	         .caveats = 0.25,
	         .late = 0.3,
	         .stagger = 0,
	         .ramps = 0.3,
	         .delays = 0,
	         .units = UNITS_UNIFORM,
	         .skew = 0,
	         .deploy = 0,
	         .format = 1,
	         .notice = 0.5,
	         .stays = 0.5,
	         .tours = 0.3,
	         .reception = 0.25,
	         .seed = 1,
	         .out = NULL};
	draw d;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case O_SEED:
			bad = parse_int(optarg, 0, 2000000000, &g.seed);
			break;
		case O_CONTRIB:
			bad = parse_int(optarg, 1, 10000, &g.contributors);
			break;
		case O_PLEDGES:
			bad = parse_int(optarg, 1, 100000, &g.pledges);
			break;
		case O_UTYPES:
			bad = parse_int(optarg, 1, 1000, &g.unit_types);
			break;
		case O_SECTORS:
			bad = parse_int(optarg, 1, 1000, &g.sectors);
			break;
		case O_TASKS:
			bad = parse_int(optarg, 1, 100, &g.tasks);
			break;
		case O_MONTHS:
			bad = parse_int(optarg, 1, 120, &g.months);
			break;
		case O_SHARE:
			bad = parse_num(optarg, 0, 1, &g.share);
			break;
		case O_CEILING:
			bad = parse_num(optarg, 1e-6, 100, &g.ceiling);
			break;
		case O_HARD:
			bad = parse_int(optarg, 0, 10000, &g.hard_vetoes);
			break;
		case O_SOFT:
			bad = parse_int(optarg, 0, 10000, &g.soft_vetoes);
			break;
		case O_PENALTY:
			bad = parse_num(optarg, 0, 1e9, &g.penalty);
			break;
		case O_CAPS:
			bad = parse_num(optarg, 0, 1, &g.caps);
			break;
		case O_CAPLEVEL:
			bad = parse_num(optarg, 0.01, 10, &g.cap_level);
			break;
		case O_CAVEATS:
			bad = parse_num(optarg, 0, 1, &g.caveats);
			break;
		case O_LATE:
			bad = parse_num(optarg, 0, 1, &g.late);
			break;
		case O_STAGGER:
			bad = parse_int(optarg, 0, 120, &g.stagger);
			break;
		case O_RAMPS:
			bad = parse_num(optarg, 0, 1, &g.ramps);
			break;
		case O_DELAYS:
			bad = parse_num(optarg, 0, 1, &g.delays);
			break;
		case O_UNITS:
			if (strcmp(optarg, "uniform") == 0)
				g.units = UNITS_UNIFORM;
			else if (strcmp(optarg, "mixed") == 0)
				g.units = UNITS_MIXED;
			else
				bad = 1;
			break;
		case O_SKEW:
			bad = parse_num(optarg, 0, 10, &g.skew);
			break;
		case O_DEPLOY:
			bad = parse_num(optarg, 0, 100, &g.deploy);
			break;
		case O_FORMAT:
			bad = parse_int(optarg, 1, 2, &g.format);
			break;
		case O_NOTICE:
			bad = parse_num(optarg, 0, 1, &g.notice);
			break;
		case O_STAYS:
			bad = parse_num(optarg, 0, 1, &g.stays);
			break;
		case O_TOURS:
			bad = parse_num(optarg, 0, 1, &g.tours);
			break;
		case O_RECEPTION:
			bad = parse_num(optarg, 0, 100, &g.reception);
			break;
		case O_OUT:
			g.out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (bad) {
			fprintf(stderr, "sf-gen-scenario: bad value '%s'\n", optarg);
			return 2;
		}
	}
	if (g.out == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	rng = 88172645463325252ULL ^ ((unsigned long long)g.seed * 0x9E3779B97F4A7C15ULL);
	rng2 ^= (unsigned long long)g.seed * 0xD1B54A32D192ED03ULL;
	rng3 ^= (unsigned long long)g.seed * 0xC2B2AE3D27D4EB4FULL;
	for (int i = 0; i < 10; i++) {
		rnd();
		rnd2();
	}
	if (mkdir(g.out, 0777) != 0 && errno != EEXIST) {
		perror(g.out);
		return 1;
	}
	memset(&d, 0, sizeof(d));
	if (draw_scenario(&g, &d) != 0) {
		fprintf(stderr, "sf-gen-scenario: out of memory\n");
		goto out;
	}
	if (write_geojson(&g) != 0 || write_scenario(&g, &d, argc, argv) != 0)
		goto out;
	rc = 0;
out:
	free_draw(&d);
	return rc;
}
