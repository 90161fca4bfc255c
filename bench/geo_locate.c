/*
 * geo_locate.c - point-in-sector throughput of the incident register's
 * sector assignment (sf_sector_map_locate: prepared GEOS polygons, then the
 * nearest polygon within 5 km).
 *
 *   geo_locate SECTORS.geojson [N]
 *
 * Locates N (default 1,000,000) seeded points spread over the Gaza Strip's
 * bounding box plus a 0.05 degree margin (so inside, offshore-nearest and
 * outside all occur) and prints points per second and the split by method;
 * then locates again only the points found inside a sector (the common case
 * of real incidents) and prints that throughput.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "stabforce/stabforce.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: geo_locate SECTORS.geojson [N]\n");
		return 2;
	}
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
	sf_sector_map *m = NULL;
	sf_error err;
	sf_error_clear(&err);
	if (sf_sector_map_open(argv[1], "id", &m, &err) != SF_OK) {
		fprintf(stderr, "geo_locate: %s\n", err.message);
		return 1;
	}
	uint64_t x = 42;
	long by[4] = {0, 0, 0, 0};
	double *in = malloc(2 * (size_t)n * sizeof *in);
	long nin = 0;
	if (!in)
		return 1;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		double u = (double)(x >> 11) / 9007199254740992.0;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		double v = (double)(x >> 11) / 9007199254740992.0;
		double lon = 34.17 + u * (34.62 - 34.17), lat = 31.17 + v * (31.65 - 31.17);
		sf_sector_method meth;
		double km;
		sf_sector_map_locate(m, NULL, lon, lat, 5, &meth, &km);
		by[meth]++;
		if (meth == SF_SECTOR_INSIDE) {
			in[2 * nin] = lon;
			in[2 * nin + 1] = lat;
			nin++;
		}
	}
	double dt = now() - t0;
	printf("box: %ld points in %.3f s: %.0f points/s (inside %ld, nearest %ld, none %ld)\n", n,
	       dt, (double)n / dt, by[SF_SECTOR_INSIDE], by[SF_SECTOR_NEAREST], by[SF_SECTOR_NONE]);
	t0 = now();
	for (long i = 0; i < nin; i++) {
		sf_sector_method meth;
		double km;
		sf_sector_map_locate(m, NULL, in[2 * i], in[2 * i + 1], 5, &meth, &km);
	}
	dt = now() - t0;
	printf("inside: %ld points in %.3f s: %.0f points/s\n", nin, dt, (double)nin / dt);
	free(in);
	sf_sector_map_free(m);
	return 0;
}
