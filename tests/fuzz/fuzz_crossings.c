/*
 * fuzz_crossings.c - libFuzzer target for the aid crossings file (aid.c:
 * sf_aid_crossings_read, the table `--crossings FILE` loads).
 *
 * Whatever the input: the read returns SF_OK or SF_ERR_INPUT, and an
 * error names the file. A table read resolves any name (the input's
 * first line, "all", a Gaza crossing) to NULL (unknown) or a non-empty id.
 * Replayed by the test suite over tests/fuzz/corpus/crossings/.
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

/* A name resolves to NULL (unknown) or a non-empty id. */
static void resolve(const sf_aid_crossings *t, const char *name)
{
	char buf[64];
	const char *id = sf_aid_crossing_id(t, name, buf, sizeof buf);
	CHECK(!id || *id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sf_aid_crossings *t = NULL;
	sf_error err;
	sf_status rc;
	char name[128];
	size_t n = 0;
	FILE *in;

	if (size == 0 || size > 1 << 20)
		return 0;
	in = fmemopen((void *)data, size, "rb");
	if (!in)
		abort();
	sf_error_clear(&err);
	rc = sf_aid_crossings_read(in, "fuzz.csv", &t, &err);
	fclose(in);
	CHECK(rc == SF_OK || rc == SF_ERR_INPUT);
	CHECK(rc == SF_OK ? t != NULL : t == NULL && strcmp(err.file, "fuzz.csv") == 0);
	if (t) {
		while (n < size && n + 1 < sizeof name && data[n] != '\n' && data[n])
			name[n] = (char)data[n], n++;
		name[n] = '\0';
		resolve(t, name);
		resolve(t, "all");
		resolve(t, "Kerem Shalom");
		sf_aid_crossings_free(t);
	}
	return 0;
}
