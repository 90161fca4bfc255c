/*
 * gen_acled.c - a generator of SYNTHETIC ACLED-format CSV files, for tests
 * and benchmarks (ACLED's terms forbid passing its data on, so no real
 * ACLED file is in the repository).
 *
 *   gen_acled [--rows N] [--seed S] [--plain] [--bad-every K]
 *             [--bump-every K --ts-delta D] [--dup-every K] [--id-base B]
 *
 * Writes N good rows (plus bad ones) to stdout, seeded and deterministic.
 * Every quirk docs/register.md lists, unless --plain:
 *   - a UTF-8 byte-order mark, and the columns in a shuffled order;
 *   - CRLF line ends on some records;
 *   - notes quoted with commas, doubled quotes and newlines inside (every
 *     note starts "SYNTHETIC" so no one takes a row for a real event);
 *   - event_date as 2025-05-16, 16 May 2025 and 6-Jun-25 in turn;
 *   - inter1/inter2/interaction as text or the old numeric codes;
 *   - civilian_targeting as "Civilian targeting", "yes" or empty;
 *   - places inside the Gaza schematic sectors, offshore points ("Coast of
 *     Rafah", 1-3 km out to sea), points a few km outside (Sderot) and far
 *     away (Netivot, El Arish);
 *   - every --dup-every'th event (default 50) reported a second time by a
 *     different source, the next day or the same, a few hundred metres away
 *     (a possible duplicate);
 *   - every --bad-every'th record (default 97) an extra bad row, cycling
 *     through: too few fields, bad date, latitude out of range, negative
 *     fatalities, unknown inter code, empty event id, text after a quote.
 * --plain: ACLED's column order, no BOM, LF only, no bad rows (the file
 * the sqlite3 shell's .import loads for the benchmark peer); the notes,
 * dates and codes still vary.
 * --bump-every K --ts-delta D: rows i with i % K == 0 get timestamp + D and
 * one more fatality (a later ACLED edit when D > 0, an older copy when D < 0);
 * with the same seed, every other row is identical, so a re-import of the
 * bumped file updates exactly rows/K rows (D > 0) or none (D <= 0).
 *
 * stderr gets one line: "gen_acled: N good rows, B bad rows, P duplicate
 * reports".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

typedef struct place {
	const char *name, *admin2;
	double lon, lat, jitter_km;
} place;

/* Inside the schematic sectors, offshore, just outside, far away. */
static const place places[] = {
        {"Rafah", "Rafah", 34.255, 31.290, 0.8},
        {"Tal as Sultan", "Rafah", 34.240, 31.300, 0.5},
        {"Khan Younis", "Khan Younis", 34.305, 31.345, 0.8},
        {"Bani Suheila", "Khan Younis", 34.325, 31.335, 0.5},
        {"Al Mawasi", "Khan Younis", 34.275, 31.355, 0.5},
        {"Deir al Balah", "Deir El Balah", 34.355, 31.415, 0.8},
        {"Nuseirat", "Deir El Balah", 34.385, 31.440, 0.5},
        {"Bureij", "Deir El Balah", 34.400, 31.430, 0.5},
        {"Gaza City", "Gaza City", 34.450, 31.500, 1.0},
        {"Zeitoun", "Gaza City", 34.450, 31.480, 0.5},
        {"Shujaiyya", "Gaza City", 34.480, 31.500, 0.5},
        {"Jabalia", "North Gaza", 34.500, 31.540, 0.6},
        {"Beit Lahia", "North Gaza", 34.500, 31.560, 0.6},
        {"Beit Hanoun", "North Gaza", 34.535, 31.545, 0.5},
        {"Coast of Rafah", "Rafah", 34.2055, 31.3330, 0.3},
        {"Coast of Khan Younis", "Khan Younis", 34.2590, 31.3880, 0.3},
        {"Coast of Deir al Balah", "Deir El Balah", 34.3130, 31.4400, 0.3},
        {"Coast of Gaza City", "Gaza City", 34.3900, 31.5150, 0.3},
        {"Coast of Beit Lahia", "North Gaza", 34.4530, 31.5800, 0.3},
        {"Sderot", "Sderot", 34.596, 31.525, 0.3},
        {"Netivot", "Netivot", 34.590, 31.420, 0.3},
        {"El Arish", "North Sinai", 33.800, 31.130, 0.3},
};
/* Weights: most events inside, some offshore, a few outside. */
static const unsigned place_weight[] = {8, 4, 8, 4, 4, 6, 4, 4, 10, 5, 5,
                                        6, 5, 4, 3, 2, 2, 2, 2, 1,  1, 1};

/*
 * The sub-event types generated and the actor types each allows, after the
 * ACLED Codebook's definitions (docs/register.md, "Synthetic incidents",
 * has the table, its reasons and its source; tests/cli/gen_acled_codebook.py
 * checks every generated row against that table). inter codes: 1 state
 * forces, 2 rebel group, 3 political militia, 4 identity militia, 5
 * rioters, 6 protesters, 7 civilians, 8 external/other forces. actor1 is
 * one of a1; actor2 is one of a2 (0 = no second actor), never absent when
 * a2 has no 0. Masks are bit (1 << inter).
 */
#define ARMED ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 8))
#define NONE (1u << 0)
#define CIV (1u << 7)

static const struct {
	const char *disorder, *type, *sub;
	unsigned a1, a2;
} types[] = {
        {"Political violence", "Explosions/Remote violence", "Air/drone strike", ARMED,
         NONE | ARMED | CIV},
        {"Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack",
         ARMED, NONE | ARMED | CIV},
        {"Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED", ARMED,
         NONE | ARMED | CIV},
        {"Political violence", "Battles", "Armed clash", ARMED, ARMED},
        {"Political violence", "Violence against civilians", "Attack", ARMED, CIV},
        {"Political violence", "Violence against civilians", "Abduction/forced disappearance",
         ARMED, CIV},
        {"Demonstrations", "Protests", "Peaceful protest", 1u << 6, NONE},
        {"Demonstrations", "Riots", "Mob violence", 1u << 5, NONE | (1u << 5) | CIV},
        {"Strategic developments", "Strategic developments", "Looting/property destruction",
         ARMED | (1u << 5), NONE | CIV},
        {"Strategic developments", "Strategic developments", "Disrupted weapons use", ARMED,
         NONE | ARMED},
};

static const struct {
	const char *name;
	int inter;
} actors[] = {
        /* Invented names: a generated event is never attributed to a real
         * party or a real news outlet. The inter codes are ACLED's. */
        {"Synthetic State Forces A", 1},
        {"Synthetic Political Militia D", 3},
        {"Synthetic Rebel Group C", 2},
        {"Synthetic Rebel Group G", 2},
        {"Synthetic Unidentified Armed Group", 3},
        {"Synthetic State Forces B", 1},
        {"Synthetic Identity Militia E", 4},
        {"Synthetic Civilians", 7},
        {"Synthetic Protesters", 6},
        {"Synthetic Rioters", 5},
};

/* The k-th actor (cyclically) whose inter code is in mask (never "no actor"). */
static unsigned actor_of(unsigned mask, unsigned k)
{
	unsigned n = 0, i;
	for (i = 0; i < sizeof actors / sizeof actors[0]; i++)
		n += (mask >> actors[i].inter) & 1u;
	if (n == 0)
		return 0;
	k %= n;
	for (i = 0; i < sizeof actors / sizeof actors[0]; i++)
		if ((mask >> actors[i].inter) & 1u && k-- == 0)
			return i;
	return 0;
}

static const char *const inter_text[] = {
        "",        "State forces", "Rebel group", "Political militia",    "Identity militia",
        "Rioters", "Protesters",   "Civilians",   "External/Other forces"};

static const char *const sources[] = {"Synthetic Outlet 1",
                                      "Synthetic Outlet 2",
                                      "Synthetic Outlet 3",
                                      "Synthetic Outlet 4",
                                      "Synthetic Agency 5; Synthetic Outlet 6",
                                      "Synthetic Social Media 7",
                                      "Synthetic Social Media 7; Synthetic Outlet 1"};
static const char *const scales[] = {"National", "Regional", "New media", "Other-National"};
static const char *const months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

static const char *const acled_cols[31] = {
        "event_id_cnty", "event_date",     "year",     "time_precision", "disorder_type",
        "event_type",    "sub_event_type", "actor1",   "assoc_actor_1",  "inter1",
        "actor2",        "assoc_actor_2",  "inter2",   "interaction",    "civilian_targeting",
        "iso",           "region",         "country",  "admin1",         "admin2",
        "admin3",        "location",       "latitude", "longitude",      "geo_precision",
        "source",        "source_scale",   "notes",    "fatalities",     "tags",
        "timestamp"};

/* One record: 31 field strings. */
typedef struct rec {
	char f[31][700];
} rec;

static void civil(long day, int *y, int *m, int *d)
{
	long z = day + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static void put_field(FILE *out, const char *s, int quote_always)
{
	if (!quote_always && !strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static int order[31];

static void write_rec(FILE *out, const rec *r, int nfields, int crlf)
{
	for (int i = 0; i < nfields; i++) {
		if (i)
			fputc(',', out);
		put_field(out, r->f[order[i]], order[i] == 27);
	}
	fputs(crlf ? "\r\n" : "\n", out);
}

static const long DAY0 = 19723; /* 2024-01-01 */
static const int NDAYS = 700;

/* Fill r with event number i (deterministic from the global RNG). */
static void make_event(rec *r, long id, long day, int datefmt, int quirks, long long ts,
                       int place_i, int src_i, double djitter_lon, double djitter_lat, long fat)
{
	int y, m, d;
	civil(day, &y, &m, &d);
	unsigned t = pick(sizeof types / sizeof types[0]);
	/* One draw each, as before the codebook table, so that every other
	 * column of a seed's file stays the same. */
	unsigned a1 = actor_of(types[t].a1, pick(sizeof actors / sizeof actors[0]));
	unsigned a2 = actor_of(types[t].a2, pick(sizeof actors / sizeof actors[0]));
	int has_a2 = pick(3) != 0;
	if (!(types[t].a2 & NONE))
		has_a2 = 1; /* the type needs a second actor */
	else if (types[t].a2 == NONE)
		has_a2 = 0; /* the type has none */
	const place *p = &places[place_i];
	double lon = p->lon + djitter_lon, lat = p->lat + djitter_lat;
	int numeric = quirks && pick(3) == 0;
	int i1 = actors[a1].inter, i2 = has_a2 ? actors[a2].inter : 0;

	snprintf(r->f[0], sizeof r->f[0], "PSE%ld", id);
	if (datefmt == 0)
		snprintf(r->f[1], sizeof r->f[1], "%04d-%02d-%02d", y, m, d);
	else if (datefmt == 1)
		snprintf(r->f[1], sizeof r->f[1], "%d %s %04d", d, months[m - 1], y);
	else
		snprintf(r->f[1], sizeof r->f[1], "%d-%.3s-%02d", d, months[m - 1], y % 100);
	snprintf(r->f[2], sizeof r->f[2], "%d", y);
	snprintf(r->f[3], sizeof r->f[3], "%u", 1 + pick(3));
	snprintf(r->f[4], sizeof r->f[4], "%s", types[t].disorder);
	snprintf(r->f[5], sizeof r->f[5], "%s", types[t].type);
	snprintf(r->f[6], sizeof r->f[6], "%s", types[t].sub);
	snprintf(r->f[7], sizeof r->f[7], "%s", actors[a1].name);
	snprintf(r->f[8], sizeof r->f[8], "%s", pick(4) == 0 ? "Women (Palestine)" : "");
	if (numeric)
		snprintf(r->f[9], sizeof r->f[9], "%d", i1);
	else
		snprintf(r->f[9], sizeof r->f[9], "%s", inter_text[i1]);
	snprintf(r->f[10], sizeof r->f[10], "%s", has_a2 ? actors[a2].name : "");
	snprintf(r->f[11], sizeof r->f[11], "%s", "");
	if (numeric)
		snprintf(r->f[12], sizeof r->f[12], "%d", i2);
	else
		snprintf(r->f[12], sizeof r->f[12], "%s", inter_text[i2]);
	if (numeric) {
		int lo = i1 < i2 || i2 == 0 ? i1 : i2, hi = i1 < i2 || i2 == 0 ? i2 : i1;
		snprintf(r->f[13], sizeof r->f[13], "%d%d", lo, hi);
	} else if (i2 == 0) {
		snprintf(r->f[13], sizeof r->f[13], "%s only", inter_text[i1]);
	} else {
		int lo = i1 < i2 ? i1 : i2, hi = i1 < i2 ? i2 : i1;
		snprintf(r->f[13], sizeof r->f[13], "%s-%s", inter_text[lo], inter_text[hi]);
	}
	/* civilian_targeting marks events whose main target is civilians. */
	unsigned ct = pick(5);
	int civ = i1 == 7 || i2 == 7;
	snprintf(r->f[14], sizeof r->f[14], "%s",
	         !civ                ? ""
	         : ct == 1 && quirks ? "yes"
	                             : "Civilian targeting");
	snprintf(r->f[15], sizeof r->f[15], "275");
	snprintf(r->f[16], sizeof r->f[16], "Middle East");
	snprintf(r->f[17], sizeof r->f[17], "Palestine");
	snprintf(r->f[18], sizeof r->f[18], "Gaza Strip");
	snprintf(r->f[19], sizeof r->f[19], "%s", p->admin2);
	snprintf(r->f[20], sizeof r->f[20], "%s", "");
	snprintf(r->f[21], sizeof r->f[21], "%s", p->name);
	snprintf(r->f[22], sizeof r->f[22], "%.4f", lat);
	snprintf(r->f[23], sizeof r->f[23], "%.4f", lon);
	snprintf(r->f[24], sizeof r->f[24], "%u", 1 + pick(2));
	snprintf(r->f[25], sizeof r->f[25], "%s", sources[src_i]);
	snprintf(r->f[26], sizeof r->f[26], "%s", scales[pick(4)]);
	switch (pick(4)) {
	case 0:
		snprintf(r->f[27], sizeof r->f[27],
		         "SYNTHETIC: On %d %s %d, an event of type %s was reported near %s.", d,
		         months[m - 1], y, types[t].sub, p->name);
		break;
	case 1:
		snprintf(r->f[27], sizeof r->f[27],
		         "SYNTHETIC: Around %d %s %d, residents said \"it happened at night, "
		         "near the houses\", according to %s. [size=no report]",
		         d, months[m - 1], y, sources[src_i]);
		break;
	case 2:
		snprintf(r->f[27], sizeof r->f[27],
		         "SYNTHETIC: first line, with a comma\nsecond line: %s\r\nthird line, "
		         "\"quoted\"",
		         p->name);
		break;
	default:
		snprintf(r->f[27], sizeof r->f[27], "SYNTHETIC: generated event %ld.", id);
		break;
	}
	snprintf(r->f[28], sizeof r->f[28], "%ld", fat);
	snprintf(r->f[29], sizeof r->f[29], "%s", pick(10) == 0 ? "crowd size=no report" : "");
	snprintf(r->f[30], sizeof r->f[30], "%lld", ts);
}

int main(int argc, char **argv)
{
	long rows = 1000, bad_every = 97, bump_every = 0, dup_every = 50, id_base = 100000;
	long long ts_delta = 0;
	unsigned long long seed = 1;
	int plain = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--plain")) {
			plain = 1;
			continue;
		}
		if (!v) {
			fprintf(stderr, "gen_acled: %s needs a value\n", a);
			return 2;
		}
		i++;
		if (!strcmp(a, "--rows"))
			rows = strtol(v, NULL, 10);
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--bad-every"))
			bad_every = strtol(v, NULL, 10);
		else if (!strcmp(a, "--bump-every"))
			bump_every = strtol(v, NULL, 10);
		else if (!strcmp(a, "--ts-delta"))
			ts_delta = strtoll(v, NULL, 10);
		else if (!strcmp(a, "--dup-every"))
			dup_every = strtol(v, NULL, 10);
		else if (!strcmp(a, "--id-base"))
			id_base = strtol(v, NULL, 10);
		else {
			fprintf(stderr, "gen_acled: unknown option %s\n", a);
			return 2;
		}
	}
	if (plain)
		bad_every = 0;
	rng_state = seed;
	for (int i = 0; i < 31; i++)
		order[i] = i;
	if (!plain) {
		for (int i = 30; i > 0; i--) {
			int j = (int)pick((unsigned)i + 1);
			int t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		fputs("\xEF\xBB\xBF", stdout);
	}
	rec *r = malloc(sizeof *r);
	if (!r)
		return 1;
	for (int i = 0; i < 31; i++)
		snprintf(r->f[i], sizeof r->f[i], "%s", acled_cols[i]);
	for (int i = 0; i < 31; i++) {
		fputs(i ? "," : "", stdout);
		fputs(r->f[order[i]], stdout);
	}
	fputs("\n", stdout);

	unsigned wsum = 0;
	for (size_t k = 0; k < sizeof place_weight / sizeof place_weight[0]; k++)
		wsum += place_weight[k];
	long nbad = 0, ndup = 0, good = 0;
	long id = id_base;
	for (long i = 0; good < rows; i++) {
		/* Each event uses its own RNG stream so --bump-every changes nothing else. */
		rng_state = seed * 1000003ULL + (uint64_t)i * 7919ULL;
		long day = DAY0 + (long)((double)i / (double)(rows > 0 ? rows : 1) * NDAYS);
		unsigned w = pick(wsum), pi = 0;
		while (w >= place_weight[pi]) {
			w -= place_weight[pi];
			pi++;
		}
		const place *p = &places[pi];
		double jlon = (unif() * 2 - 1) * p->jitter_km / 94.9;
		double jlat = (unif() * 2 - 1) * p->jitter_km / 111.0;
		int src = (int)pick(sizeof sources / sizeof sources[0]);
		long fat = pick(3) == 0 ? (long)pick(12) : 0;
		long long ts = 1704067200LL + i * 60;
		int datefmt = plain ? (int)(i % 3) : (int)pick(3);
		if (bump_every > 0 && i % bump_every == 0) {
			ts += ts_delta;
			fat += 1;
		}
		uint64_t pre = rng_state;
		make_event(r, id++, day, datefmt, !plain, ts, (int)pi, src, jlon, jlat, fat);
		write_rec(stdout, r, 31, !plain && pick(5) == 0);
		good++;
		if (dup_every > 0 && i % dup_every == dup_every - 1 && good < rows) {
			/* The same event, reported again by another source. */
			int src2 = (src + 1 + (int)pick(3)) %
			           (int)(sizeof sources / sizeof sources[0]);
			long day2 = day + (long)pick(2);
			uint64_t keep = rng_state;
			/* The original's stream again: same type, actors and notes. */
			rng_state = pre;
			make_event(r, id++, day2, datefmt, !plain, ts + 30, (int)pi, src2,
			           jlon + 0.003, jlat - 0.002, fat);
			rng_state = keep;
			write_rec(stdout, r, 31, 0);
			good++;
			ndup++;
		}
		if (bad_every > 0 && i % bad_every == bad_every - 1) {
			rec *b = r;
			int kind = (int)((i / bad_every) % 7);
			long bid = id++;
			make_event(b, bid, day, 0, 1, ts, (int)pi, src, jlon, jlat, fat);
			switch (kind) {
			case 0:
				write_rec(stdout, b, 29, 0);
				break;
			case 1:
				snprintf(b->f[1], sizeof b->f[1], "2025-02-30");
				write_rec(stdout, b, 31, 0);
				break;
			case 2:
				snprintf(b->f[22], sizeof b->f[22], "131.5");
				write_rec(stdout, b, 31, 0);
				break;
			case 3:
				snprintf(b->f[28], sizeof b->f[28], "-3");
				write_rec(stdout, b, 31, 0);
				break;
			case 4:
				snprintf(b->f[9], sizeof b->f[9], "9");
				write_rec(stdout, b, 31, 0);
				break;
			case 5:
				b->f[0][0] = '\0';
				write_rec(stdout, b, 31, 0);
				break;
			default:
				/* A closing quote followed by text: broken quoting. */
				for (int k = 0; k < 31; k++) {
					if (k)
						fputc(',', stdout);
					if (order[k] == 21)
						fputs("\"Gaza\" City", stdout);
					else
						put_field(stdout, b->f[order[k]], 0);
				}
				fputs("\n", stdout);
				break;
			}
			nbad++;
		}
	}
	free(r);
	if (fflush(stdout) != 0)
		return 1;
	fprintf(stderr, "gen_acled: %ld good rows, %ld bad rows, %ld duplicate reports\n", good,
	        nbad, ndup);
	return 0;
}
