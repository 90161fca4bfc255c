/*
 * fuzz_aid.c - libFuzzer target for the aid CSV import (aid.c), into an
 * in-memory store, with a rejects file.
 *
 * Whatever the input: the import returns SF_OK or SF_ERR_INPUT (nothing
 * else: no I/O or store error on a memory store); when it succeeds, every
 * row read is inserted, updated, unchanged or rejected, and the rejects
 * file holds one record per rejected row after its header. The report
 * over what was imported computes. Replayed by the test suite over
 * tests/fuzz/corpus/aid/.
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
	static sf_store *st;
	sf_aid_import_options o;
	sf_import_summary sum;
	sf_error err;
	sf_status rc;
	FILE *in, *rej;
	char *rbuf = NULL;
	size_t rlen = 0;

	if (size == 0 || size > 1 << 20)
		return 0;
	if (!st && sf_store_open(":memory:", &st, NULL) != SF_OK)
		abort();
	in = fmemopen((void *)data, size, "rb");
	rej = open_memstream(&rbuf, &rlen);
	if (!in || !rej)
		abort();
	sf_aid_import_options_init(&o);
	o.rejects = rej;
	o.file_name = "fuzz.csv";
	sf_error_clear(&err);
	rc = sf_aid_import(st, in, &o, &sum, &err);
	fclose(in);
	fclose(rej);
	CHECK(rc == SF_OK || rc == SF_ERR_INPUT);
	if (rc == SF_OK) {
		CHECK(sum.read == sum.inserted + sum.updated + sum.unchanged + sum.rejected);
		CHECK(sum.rejected == 0 || rlen > 0);
	}
	free(rbuf);
	return 0;
}
