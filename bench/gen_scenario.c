/*
 * gen_scenario.c - sf-gen-scenario: a seeded generator of SYNTHETIC
 * planning scenarios for the planner benchmark (bench/plan.sh).
 *
 *   sf-gen-scenario [--seed N] [--contributors N] [--pledges N]
 *                   [--unit-types N] [--sectors N] [--tasks N] [--months N]
 *                   [--share SIGMA] [--ceiling FRACTION] --out DIR
 *
 * Writes DIR/scenario.yaml (format 1, docs/scenario-format.md) and
 * DIR/sectors.geojson (the sectors as a grid of rectangles). The same
 * arguments always give the same files (a fixed 64-bit LCG, no libc
 * randomness), so benchmark runs on different machines plan the same
 * scenario.
 *
 * The scenario is shaped like a real force generation, so that the solver
 * has real choices to make: unit types deliver 1-3 tasks each; pledges
 * arrive over the first half of the mandate, some leave early, a quarter
 * carry caveats (a denied task, a list of allowed sectors, or mission
 * only); one stakeholder vetoes a few contributors (hard, everywhere or in
 * some sectors) and dislikes others (soft); some sectors open late; some
 * tasks ramp up. Requirements are calibrated to 0.8-1.4 times what the
 * pledges could deliver for the task, and the troop ceiling to a fraction
 * of the pledged personnel (--ceiling, default 0.8: rarely binding; 0.6
 * makes it bind and each month a hard knapsack).
 *
 * Nothing in the output is real: ids are C001, U01, S01, T01.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long long rng = 88172645463325252ULL;

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

typedef struct gen {
	int contributors, pledges, unit_types, sectors, tasks, months;
	double share;   /* 0 = no share cap */
	double ceiling; /* troop ceiling as a fraction of the pledged personnel */
	unsigned long long seed;
	const char *out;
} gen;

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sf-gen-scenario [--seed N] [--contributors N] [--pledges N]\n"
	           "                       [--unit-types N] [--sectors N] [--tasks N]\n"
	           "                       [--months N] [--share SIGMA] [--ceiling FRACTION]\n"
	           "                       --out DIR\n"
	           "\n"
	           "Write a synthetic scenario (DIR/scenario.yaml, DIR/sectors.geojson).\n"
	           "Defaults: the Gaza-sized case: 15 contributors, 30 pledges, 7 unit\n"
	           "types, 5 sectors, 7 tasks, 24 months, share cap 0.5, troop ceiling\n"
	           "0.8 of the pledged personnel, seed 1.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"seed", required_argument, NULL, 'r'},
	        {"contributors", required_argument, NULL, 'c'},
	        {"pledges", required_argument, NULL, 'p'},
	        {"unit-types", required_argument, NULL, 'u'},
	        {"sectors", required_argument, NULL, 's'},
	        {"tasks", required_argument, NULL, 't'},
	        {"months", required_argument, NULL, 'm'},
	        {"share", required_argument, NULL, 'x'},
	        {"ceiling", required_argument, NULL, 'k'},
	        {"out", required_argument, NULL, 'o'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	gen g = {15, 30, 7, 5, 7, 24, 0.5, 0.8, 1, NULL};
	int c, seed = 1;
	char path[4096];
	FILE *f;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case 'r':
			bad = parse_int(optarg, 0, 2000000000, &seed);
			break;
		case 'c':
			bad = parse_int(optarg, 1, 10000, &g.contributors);
			break;
		case 'p':
			bad = parse_int(optarg, 1, 100000, &g.pledges);
			break;
		case 'u':
			bad = parse_int(optarg, 1, 1000, &g.unit_types);
			break;
		case 's':
			bad = parse_int(optarg, 1, 1000, &g.sectors);
			break;
		case 't':
			bad = parse_int(optarg, 1, 100, &g.tasks);
			break;
		case 'm':
			bad = parse_int(optarg, 1, 120, &g.months);
			break;
		case 'x': {
			char *end;
			g.share = strtod(optarg, &end);
			bad = *end != '\0' || g.share < 0 || g.share > 1;
			break;
		}
		case 'k': {
			char *end;
			g.ceiling = strtod(optarg, &end);
			bad = *end != '\0' || !(g.ceiling > 0);
			break;
		}
		case 'o':
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
	g.seed = (unsigned long long)seed;
	rng = 88172645463325252ULL ^ (g.seed * 0x9E3779B97F4A7C15ULL);
	for (int i = 0; i < 10; i++)
		rnd();
	mkdir(g.out, 0777);

	const int S = g.sectors, T = g.tasks, U = g.unit_types, C = g.contributors, P = g.pledges,
	          M = g.months;
	int *task_mission = calloc((size_t)T, sizeof(int));
	double *weight = calloc((size_t)T, sizeof(double));
	double *cap = calloc((size_t)U * (size_t)T, sizeof(double));
	int *pers = calloc((size_t)U, sizeof(int));
	double *cost = calloc((size_t)U, sizeof(double));
	int *p_contrib = calloc((size_t)P, sizeof(int)), *p_unit = calloc((size_t)P, sizeof(int));
	int *p_count = calloc((size_t)P, sizeof(int)), *p_from = calloc((size_t)P, sizeof(int));
	int *p_to = calloc((size_t)P, sizeof(int));
	double *supply = calloc((size_t)T, sizeof(double));
	double *pop = calloc((size_t)S, sizeof(double)),
	       *threat = calloc((size_t)S, sizeof(double));
	int *opens = calloc((size_t)S, sizeof(int));
	if (!task_mission || !weight || !cap || !pers || !cost || !p_contrib || !p_unit ||
	    !p_count || !p_from || !p_to || !supply || !pop || !threat || !opens) {
		fprintf(stderr, "sf-gen-scenario: out of memory\n");
		return 1;
	}

	/* Tasks: every seventh one mission-wide (HQ, training abroad). */
	for (int t = 0; t < T; t++) {
		task_mission[t] = T > 1 && t % 7 == 6;
		weight[t] = irnd(1, 10);
	}
	/* Unit types: 1-3 tasks each; every task served by some type. */
	for (int u = 0; u < U; u++) {
		pers[u] = irnd(1, 18) * 50;
		cost[u] = round(pers[u] * (1000 + 800 * rnd()));
		int k = irnd(1, T < 3 ? T : 3);
		for (int i = 0; i < k; i++)
			cap[u * T + irnd(0, T - 1)] = irnd(1, 4) * 0.5;
	}
	for (int t = 0; t < T; t++) {
		int any = 0;
		for (int u = 0; u < U; u++)
			any |= cap[u * T + t] > 0;
		if (!any)
			cap[(t % U) * T + t] = 1;
	}
	/* Pledges, round-robin over contributors so each has at least one. */
	for (int p = 0; p < P; p++) {
		p_contrib[p] = p < C ? p : irnd(0, C - 1);
		p_unit[p] = irnd(0, U - 1);
		p_count[p] = irnd(1, 6);
		p_from[p] = rnd() < 0.4 ? 1 : irnd(1, (M + 1) / 2);
		p_to[p] = rnd() < 0.8 ? M : irnd(p_from[p], M);
		for (int t = 0; t < T; t++)
			supply[t] += p_count[p] * cap[p_unit[p] * T + t];
	}
	for (int s = 0; s < S; s++) {
		pop[s] = irnd(50, 400) * 1000;
		threat[s] = 0.8 + 0.1 * irnd(0, 7);
		opens[s] = rnd() < 0.3 ? irnd(1, (M + 2) / 3) : 1;
	}
	double total_pop = 0, total_pers = 0;
	for (int s = 0; s < S; s++)
		total_pop += pop[s] * threat[s];
	for (int p = 0; p < P; p++)
		total_pers += (double)p_count[p] * pers[p_unit[p]];

	/* sectors.geojson: a grid of 0.05-degree rectangles near 34.3E 31.3N. */
	snprintf(path, sizeof(path), "%s/sectors.geojson", g.out);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	int cols = (int)ceil(sqrt((double)S));
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
	fclose(f);

	snprintf(path, sizeof(path), "%s/scenario.yaml", g.out);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	fprintf(f,
	        "# SYNTHETIC scenario from sf-gen-scenario --seed %d --contributors %d "
	        "--pledges %d --unit-types %d --sectors %d --tasks %d --months %d --share %g\n",
	        seed, C, P, U, S, T, M, g.share);
	fprintf(f,
	        "format: 1\nname: synthetic %dc-%dp-%du-%ds-%dt-%dm seed %d\nas_of: 2026-01-01\n",
	        C, P, U, S, T, M, seed);
	fprintf(f, "mandate:\n  authority: none (synthetic)\n  start: 2026-01\n  months: %d\n", M);
	fprintf(f, "  troop_ceiling: %.0f\n", ceil(g.ceiling * total_pers / 50) * 50);
	if (g.share > 0)
		fprintf(f, "  max_share: %g\n", g.share);
	fprintf(f, "sectors:\n  geojson: sectors.geojson\n  id_property: id\n  list:\n");
	for (int s = 0; s < S; s++)
		fprintf(f,
		        "    - {id: S%02d, opens: %d, attributes: {population: %.0f, threat: "
		        "%.1f}}\n",
		        s + 1, opens[s], pop[s], threat[s]);
	fprintf(f, "unit_types:\n");
	for (int u = 0; u < U; u++) {
		int first = 1;
		fprintf(f, "  - {id: U%02d, personnel: %d, monthly_cost: %.0f, capabilities: {",
		        u + 1, pers[u], cost[u]);
		for (int t = 0; t < T; t++)
			if (cap[u * T + t] > 0) {
				fprintf(f, "%sT%02d: %g", first ? "" : ", ", t + 1, cap[u * T + t]);
				first = 0;
			}
		fprintf(f, "}}\n");
	}
	fprintf(f, "tasks:\n");
	for (int t = 0; t < T; t++) {
		double factor = 0.8 + 0.6 * rnd(), want = factor * (supply[t] > 0 ? supply[t] : 1);
		fprintf(f, "  - id: T%02d\n    scope: %s\n    weight: %g\n", t + 1,
		        task_mission[t] ? "mission" : "sector", weight[t]);
		if (task_mission[t]) {
			fprintf(f, "    requirement: {value: %.1f}\n", want);
		} else if (t % 3 == 0) {
			fprintf(f, "    requirement: {per: population, every: %.0f}\n",
			        total_pop / want);
		} else if (t % 3 == 1) {
			fprintf(f, "    requirement: {value: %.2f}\n", want / (S * 1.0));
		} else {
			fprintf(f, "    requirement:\n      by_sector: {");
			for (int s = 0; s < S; s++)
				fprintf(f, "%sS%02d: %.2f", s ? ", " : "", s + 1,
				        want / S * (0.5 + rnd()));
			fprintf(f, "}\n");
		}
		if (rnd() < 0.3 && M >= 3)
			fprintf(f, "    ramp: [{from: 1, level: 0.5}, {from: %d, level: 1.0}]\n",
			        irnd(2, (M + 2) / 3 + 1));
	}
	fprintf(f, "contributors:\n");
	for (int ci = 0; ci < C; ci++) {
		fprintf(f, "  - id: C%03d\n", ci + 1);
		if (rnd() < 0.2) {
			double mine = 0;
			for (int p = 0; p < P; p++)
				if (p_contrib[p] == ci)
					mine += (double)p_count[p] * pers[p_unit[p]];
			fprintf(f, "    cap: %.0f\n", ceil(0.7 * mine / 50) * 50);
		}
		fprintf(f, "    pledges:\n");
		for (int p = 0; p < P; p++) {
			if (p_contrib[p] != ci)
				continue;
			fprintf(f, "      - {unit: U%02d, count: %d, from: %d, to: %d",
			        p_unit[p] + 1, p_count[p], p_from[p], p_to[p]);
			double r = rnd();
			if (r < 0.1 && T > 1) {
				fprintf(f, ", tasks: {deny: [T%02d]}", irnd(1, T));
			} else if (r < 0.2 && S > 1) {
				int a = irnd(1, S), b = irnd(1, S);
				if (a == b)
					fprintf(f, ", locations: {allow: [S%02d, mission]}", a);
				else
					fprintf(f, ", locations: {allow: [S%02d, S%02d, mission]}",
					        a, b);
			} else if (r < 0.25) {
				fprintf(f, ", locations: {allow: [mission]}");
			}
			fprintf(f, ", confidence: %.2f}\n", 0.5 + 0.5 * rnd());
		}
	}
	fprintf(f, "stakeholders:\n  - id: H1\n    name: Host party\n    vetoes:\n");
	int nveto = C / 8 + 1;
	for (int v = 0; v < nveto; v++) {
		int who = irnd(1, C);
		if (v % 2 == 0) {
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
			fprintf(f,
			        "      - {contributor: C%03d, kind: soft, penalty: %d, sectors: "
			        "all}\n",
			        who, irnd(1, 5) * 100);
		}
	}
	fclose(f);

	free(task_mission);
	free(weight);
	free(cap);
	free(pers);
	free(cost);
	free(p_contrib);
	free(p_unit);
	free(p_count);
	free(p_from);
	free(p_to);
	free(supply);
	free(pop);
	free(threat);
	free(opens);
	return 0;
}
