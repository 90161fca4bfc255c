#include "base/internal.h"

/*
 * read.c - a saved plan (the JSON of docs/output.md) read back onto a
 * scenario: the baseline of least change (`plan --baseline PLAN.json`).
 *
 * The plan may come from an earlier version of the scenario, so it is
 * matched, not trusted: assignment rows by pledge, location and task id
 * and by calendar month (`label`, else `month` against the plan's own
 * `scenario.start`), presence rows the same way. Rows naming what the
 * scenario no longer has, or months outside it, are left out and counted
 * (the caller says so). A plan without presence rows (format 1) takes the
 * units assigned as present. Everything else of the plan (coverage,
 * costs, statuses) is recomputed by sf_plan_from_parts from these rows, so
 * the baseline is what the rows say, against the current scenario.
 */
#include <stdlib.h>
#include <string.h>

#include "stabforce/json.h"

/* The month of row r in sc: its label, else its index read in the plan's calendar. */
static int row_month(const sf_scenario *sc, const sf_json *row, int plan_y, int plan_m)
{
	const char *label = sf_json_string(sf_json_get(row, "label"));
	const sf_json *mv = sf_json_get(row, "month");
	char buf[16];
	int m;

	if (label && sf_scenario_parse_month(sc, label, &m) == 0)
		return m;
	if (!sf_json_is_integer(mv) || plan_y <= 0)
		return 0;
	{
		long long k = sf_json_integer(mv) - 1 + (plan_m - 1);
		if (k < 0 || k > 12 * 2000)
			return 0;
		sf_snprintf(buf, sizeof(buf), "%04lld-%02lld", plan_y + k / 12, k % 12 + 1);
	}
	return sf_scenario_parse_month(sc, buf, &m) == 0 ? m : 0;
}

sf_status sf_plan_read_json(const sf_scenario *sc, const char *text, size_t len, const char *name,
                            sf_plan **out, size_t *skipped, sf_error *err)
{
	sf_json *root = NULL;
	sf_json_parse_error pe;
	const sf_json *rows, *pres, *start;
	sf_assignment *as = NULL;
	int *presence = NULL, *arrivals = NULL, plan_y = 0, plan_m = 0;
	size_t n = 0, left_out = 0, np = sc->npledges, M = (size_t)sc->months;
	sf_status rc;

	*out = NULL;
	if (!name)
		name = "plan";
	rc = sf_json_parse(text, len, 0, &root, &pe);
	if (rc == SF_ERR_NOMEM)
		return sf_error_set(err, rc, "out of memory reading '%s'", name);
	if (rc != SF_OK)
		return sf_error_set_at(err, SF_ERR_INPUT, name, pe.line, pe.column, NULL,
		                       "invalid json: %s", pe.text);
	rows = sf_json_get(root, "assignments");
	if (!sf_json_is_object(root) || !sf_json_is_array(rows)) {
		rc = sf_error_set_at(err, SF_ERR_INPUT, name, 0, 0, NULL,
		                     "'%s' is not a plan: it needs an object with `assignments`",
		                     name);
		goto out;
	}
	start = sf_json_get(sf_json_get(root, "scenario"), "start");
	if (sf_json_string(start) && strlen(sf_json_string(start)) == 7) {
		const char *s0 = sf_json_string(start);
		plan_y = (s0[0] - '0') * 1000 + (s0[1] - '0') * 100 + (s0[2] - '0') * 10 +
		         (s0[3] - '0');
		plan_m = (s0[5] - '0') * 10 + (s0[6] - '0');
		if (plan_m < 1 || plan_m > 12)
			plan_y = 0;
	}
	as = sf__mallocarray(sf_json_size(rows) + 1, sizeof(*as));
	if (!as) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory reading '%s'", name);
		goto out;
	}
	for (size_t i = 0; i < sf_json_size(rows); i++) {
		const sf_json *r = sf_json_at(rows, i);
		const char *ps = sf_json_string(sf_json_get(r, "pledge"));
		const char *ls = sf_json_string(sf_json_get(r, "location"));
		const char *ts = sf_json_string(sf_json_get(r, "task"));
		const sf_json *u = sf_json_get(r, "units");
		long p = ps ? sf_scenario_find_pledge(sc, ps) : -1;
		long l = ls ? sf_scenario_find_location(sc, ls) : -1;
		long t = ts ? sf_scenario_find_task(sc, ts) : -1;
		int m = row_month(sc, r, plan_y, plan_m);
		if (p < 0 || l < 0 || t < 0 || m < 1 || !sf_json_is_integer(u) ||
		    sf_json_integer(u) < 1 || sf_json_integer(u) > 1000000000LL) {
			left_out++;
			continue;
		}
		as[n++] = (sf_assignment){m, (size_t)p, (size_t)l, (size_t)t,
		                          (int)sf_json_integer(u)};
	}
	pres = sf_json_get(root, "presence");
	if (sf_json_is_array(pres)) {
		presence = calloc(np * M + 1, sizeof(int));
		arrivals = calloc(np * M + 1, sizeof(int));
		if (!presence || !arrivals) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory reading '%s'", name);
			goto out;
		}
		for (size_t i = 0; i < sf_json_size(pres); i++) {
			const sf_json *r = sf_json_at(pres, i);
			const char *ps = sf_json_string(sf_json_get(r, "pledge"));
			const sf_json *nv = sf_json_get(r, "present"),
			              *av = sf_json_get(r, "arrivals");
			long p = ps ? sf_scenario_find_pledge(sc, ps) : -1;
			int m = row_month(sc, r, plan_y, plan_m);
			if (p < 0 || m < 1 || !sf_json_is_integer(nv) || sf_json_integer(nv) < 0 ||
			    sf_json_integer(nv) > 1000000000LL) {
				left_out++;
				continue;
			}
			presence[(size_t)p * M + (size_t)(m - 1)] = (int)sf_json_integer(nv);
			if (sf_json_is_integer(av) && sf_json_integer(av) >= 0 &&
			    sf_json_integer(av) <= 1000000000LL)
				arrivals[(size_t)p * M + (size_t)(m - 1)] =
				        (int)sf_json_integer(av);
		}
		/* Presence covers every unit assigned, whatever the file says. */
		{
			long long *assigned = calloc(np * M + 1, sizeof(long long));
			if (!assigned) {
				rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory reading '%s'",
				                  name);
				goto out;
			}
			for (size_t i = 0; i < n; i++)
				assigned[as[i].pledge * M + (size_t)(as[i].month - 1)] +=
				        as[i].units;
			for (size_t k = 0; k < np * M; k++)
				if (presence[k] < assigned[k])
					presence[k] = assigned[k] > 1000000000LL ? 1000000000
					                                         : (int)assigned[k];
			free(assigned);
		}
	}
	rc = sf_plan_from_parts(sc, as, n, presence, presence ? arrivals : NULL, out, err);
	if (skipped)
		*skipped = left_out;
out:
	free(as);
	free(presence);
	free(arrivals);
	sf_json_free(root);
	return rc;
}
