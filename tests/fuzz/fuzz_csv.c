/*
 * fuzz_csv.c - libFuzzer target for the streaming CSV reader and the
 * incident import above it.
 *
 * The input is read twice: record by record with sf__csv_next(), checking
 * the reader's invariants (field offsets inside the record, NUL-terminated
 * fields, line numbers that never go back, bytes consumed == input size at
 * the end), and then imported into an in-memory SQLite store, which must
 * either import it (read == inserted + updated + unchanged + rejected) or
 * refuse the header; never crash, never leak.
 *
 * Built two ways (tests/fuzz/meson.build): the libFuzzer binary with
 * -Dfuzzers=true and clang, and fuzz_csv_replay, which the test suite runs
 * over tests/fuzz/corpus/csv/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 1 << 20)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	sf__csv c;
	if (sf__csv_init(&c, f) < 0) {
		fclose(f);
		return 0;
	}
	c.max_field = 256; /* reach the cap paths with small inputs */
	c.max_fields = 64;
	long last = 0;
	int r;
	while ((r = sf__csv_next(&c)) == 1) {
		CHECK(c.nfields >= 1 && c.nfields <= c.max_fields);
		CHECK(c.rec_line >= last && c.rec_line <= c.line);
		last = c.rec_line;
		for (size_t i = 0; i < c.nfields; i++) {
			CHECK(c.offs[i] < c.flen);
			size_t n = sf__csv_field_len(&c, i);
			CHECK(n <= c.max_field);
			CHECK(strlen(sf__csv_field(&c, i)) == n || c.error[0]);
		}
	}
	CHECK(r == 0);
	CHECK(c.bytes == size);
	sf__csv_release(&c);
	fclose(f);

	static sf_store *st;
	if (!st && sf_store_open(":memory:", &st, NULL) != SF_OK)
		abort();
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	sf_import_summary sum;
	sf_status rc = sf_incidents_import(st, f, NULL, &sum, NULL);
	fclose(f);
	CHECK(rc == SF_OK || rc == SF_ERR_INPUT);
	if (rc == SF_OK)
		CHECK(sum.read == sum.inserted + sum.updated + sum.unchanged + sum.rejected);
	return 0;
}
