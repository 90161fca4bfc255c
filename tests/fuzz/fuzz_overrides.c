/*
 * fuzz_overrides.c - libFuzzer target for the location overrides CSV
 * (sectormap.c): location,sector rows into a sector map with no polygons.
 *
 * Whatever the input: SF_OK or SF_ERR_INPUT with the file named; after
 * SF_OK, locating any name neither crashes nor answers for an empty one.
 * Replayed by the test suite over tests/fuzz/corpus/overrides/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/stabforce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sf_sector_map *m = NULL;
	sf_error err;
	sf_status rc;
	FILE *in;

	if (size > 1 << 20)
		return 0;
	sf_error_clear(&err);
	if (sf_sector_map_new(&m, &err) != SF_OK)
		abort();
	in = fmemopen((void *)data, size ? size : 1, "rb");
	if (!in)
		abort();
	if (size == 0)
		fgetc(in); /* fmemopen cannot open 0 bytes: read the one and be at the end */
	rc = sf_sector_map_read_overrides(m, in, "fuzz.csv", &err);
	fclose(in);
	CHECK(rc == SF_OK || rc == SF_ERR_INPUT || rc == SF_ERR_NOMEM);
	if (rc == SF_ERR_INPUT)
		CHECK(strcmp(err.file, "fuzz.csv") == 0);
	if (rc == SF_OK) {
		sf_sector_method how;
		double km;
		const char *s = sf_sector_map_locate(m, "", 0, 0, 5, &how, &km);
		CHECK(s == NULL || how != SF_SECTOR_OVERRIDE);
		if (size > 0) {
			char name[32];
			size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
			memcpy(name, data, n);
			name[n] = '\0';
			(void)sf_sector_map_locate(m, name, 0, 0, 5, &how, &km);
		}
	}
	sf_sector_map_free(m);
	return 0;
}
