/*
 * fuzz_date.c - libFuzzer target for the register's date and timestamp
 * parsers (the three ACLED date forms, Unix or ISO timestamps).
 *
 * Whatever the input, a date that parses must be a real calendar day that
 * formats back as YYYY-MM-DD and re-parses to the same day number; the
 * weekday must be in 0..6. Replayed by the test suite over
 * tests/fuzz/corpus/date/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/dates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], buf[16];
	long day, back;
	long long t;
	if (size >= sizeof s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (sf__date_parse(s, &day) == 0) {
		sf__date_format(day, buf, sizeof buf);
		CHECK(strlen(buf) == 10 && buf[4] == '-' && buf[7] == '-');
		CHECK(sf__date_parse(buf, &back) == 0 && back == day);
		int w = sf__date_weekday(day);
		CHECK(w >= 0 && w <= 6);
		CHECK(sf_date_parse(s, &back) == 0 && back == day);
	}
	/* A timestamp is whole seconds from a real date at most: no later than
	 * the year 5000, and (dates from 1900) no earlier than 1900. */
	if (sf__timestamp_parse(s, &t) == 0)
		CHECK(t >= -2208988800LL && t < 100000000000LL);
	return 0;
}
