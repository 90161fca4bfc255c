/*
 * fuzz_plan.c - libFuzzer target for check-plan's reader: any bytes as a
 * plan JSON against a fixed small scenario (the one below).
 *
 * Whatever the input: sf_check_plan returns SF_OK, SF_ERR_CHECK (with at
 * least one violation) or SF_ERR_INPUT (with a message naming the file
 * and, for a JSON syntax error, a line and column >= 1); the recomputed
 * objectives are finite; the report's text writes. Replayed by the test
 * suite over tests/fuzz/corpus/plan/ (which holds real plans of this
 * scenario and their mutations).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stabforce/stabforce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* examples/minimal without its map, with a soft veto and a national cap. */
static const char SCENARIO[] =
        "format: 1\n"
        "mandate: {start: 2026-01, months: 4, troop_ceiling: 1500, max_share: 0.7}\n"
        "sectors:\n"
        "  geojson: none.geojson\n"
        "  list:\n"
        "    - {id: north, attributes: {population: 120000, threat: 1.5}}\n"
        "    - {id: south, opens: 2, attributes: {population: 80000}}\n"
        "tasks:\n"
        "  - {id: poc, weight: 10, requirement: {per: population, every: 40000}}\n"
        "  - {id: checkpoints, weight: 5, requirement: {by_sector: {north: 2, south: 1}},\n"
        "     ramp: [{from: 1, level: 0.5}, {from: 3, level: 1}]}\n"
        "  - {id: training, scope: mission, weight: 2, requirement: {value: 1}}\n"
        "unit_types:\n"
        "  - {id: inf, personnel: 150, monthly_cost: 300000, capabilities: {poc: 1, "
        "checkpoints: 1}}\n"
        "  - {id: mp, personnel: 40, monthly_cost: 90000, deploy_cost: 50000,\n"
        "     capabilities: {checkpoints: 1, training: 0.5}}\n"
        "contributors:\n"
        "  - {id: ALFA, pledges: [{unit: inf, count: 6}]}\n"
        "  - {id: BRAVO, cap: 400, pledges: [{unit: inf, count: 2, from: 2026-02},\n"
        "                                    {unit: mp, count: 2}]}\n"
        "stakeholders:\n"
        "  - {id: HOST, vetoes: [{contributor: BRAVO, kind: hard, sectors: [north]},\n"
        "                        {contributor: ALFA, kind: soft, penalty: 1000, sectors: "
        "[south]}]}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sf_scenario *sc;
	sf_load_options o = {.skip_geometry = 1};
	sf_check_report r;
	sf_error err;
	sf_status rc;
	sf_buf out;

	if (!sc && sf_scenario_load_mem(SCENARIO, sizeof(SCENARIO) - 1, "fuzz.yaml", &o, &sc,
	                                NULL) != SF_OK)
		abort();
	if (size > 1 << 20)
		return 0;
	sf_check_report_init(&r);
	sf_error_clear(&err);
	rc = sf_check_plan(sc, (const char *)data, size, "fuzz.json", &r, &err);
	CHECK(rc == SF_OK || rc == SF_ERR_CHECK || rc == SF_ERR_INPUT || rc == SF_ERR_NOMEM);
	if (rc == SF_ERR_CHECK)
		CHECK(r.count > 0);
	if (rc == SF_OK)
		CHECK(r.count == 0);
	if (rc == SF_ERR_INPUT) {
		CHECK(strcmp(err.file, "fuzz.json") == 0 && err.message[0]);
		if (strstr(err.message, "invalid JSON"))
			CHECK(err.line >= 1 && err.column >= 1);
	}
	if (rc == SF_OK || rc == SF_ERR_CHECK) {
		CHECK(isfinite(r.z1) && r.z1 >= 0);
		CHECK(isfinite(r.z2));
		sf_buf_init(&out, 0);
		CHECK(sf_check_report_write_text(&r, &out, NULL) == SF_OK);
		sf_buf_release(&out);
	}
	sf_check_report_release(&r);
	return 0;
}
