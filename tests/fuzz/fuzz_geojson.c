/*
 * fuzz_geojson.c - libFuzzer target for the sector map reader (geo.c):
 * GeoJSON text through Jansson and GEOS.
 *
 * Whatever the input: the reader returns SF_OK with a map, or an error
 * with at least one diagnostic, each naming the file with a line and
 * column >= 1 when it has a position; a map's features have ids that find
 * themselves, finite non-negative areas, and locating a point in or near
 * a polygon neither crashes nor returns an index out of range. Replayed
 * by the test suite over tests/fuzz/corpus/geojson/.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "scenario/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sf__geo *g = NULL;
	sf_diags d;
	sf_status rc;
	char *text;
	size_t i;

	if (size > 1 << 20)
		return 0;
	text = malloc(size + 1); /* as sf_file_read gives it: NUL-terminated */
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	sf_diags_init(&d);
	rc = sf__geo_load_mem(text, size, "fuzz.geojson", "id", &g, &d);
	CHECK((rc == SF_OK) == (g != NULL));
	CHECK(rc == SF_OK || rc == SF_ERR_NOMEM || d.nerrors > 0);
	for (i = 0; i < d.count; i++) {
		CHECK(strcmp(d.items[i].file, "fuzz.geojson") == 0);
		CHECK(d.items[i].line >= 0 && d.items[i].column >= 0);
		CHECK(d.items[i].line == 0 || d.items[i].column >= 1);
	}
	if (g) {
		for (i = 0; i < sf__geo_count(g); i++) {
			double a = sf__geo_area_km2(g, i), km;
			int line, column;
			sf__geo_method m;
			CHECK(sf__geo_find(g, sf__geo_id(g, i)) == (long)i);
			CHECK(isfinite(a) && a >= 0);
			sf__geo_pos(g, i, &line, &column);
			long k = sf__geo_locate(g, 0.5 * i, 0.25 * i, 50, &m, &km);
			CHECK(k >= -1 && k < (long)sf__geo_count(g));
			CHECK((k >= 0) == (m != SF__GEO_NONE));
		}
		sf__geo_free(g);
	}
	sf_diags_release(&d);
	free(text);
	return 0;
}
