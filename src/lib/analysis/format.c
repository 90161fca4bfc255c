/*
 * format.c - how every analysis output prints numbers, months, JSON and
 * tables, so that pricing, shopping, risk and compare say the same thing
 * the same way: reals rounded to 1e-6 (no float noise), month 0 as
 * "never" or null, JSON dumped with one set of flags.
 */
#include "base/internal.h"

#include "analysis/analysis_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double sf__r6(double x)
{
	if (!isfinite(x))
		return x;
	double r = round(x * 1e6) / 1e6;
	if (fabs(x) >= 1e9)
		r = round(x * 1e3) / 1e3;
	return r == 0 ? 0 : r;
}

const char *sf__month_or_never(const sf_scenario *sc, int m, char *buf, size_t n)
{
	if (m <= 0) {
		sf_strlcpy(buf, "never", n);
		return buf;
	}
	return sf_scenario_month_label(sc, m, buf, n);
}

/* ------------------------------------------------------------------ */
/* JSON and table helpers                                               */

json_t *sf__json_num(double x)
{
	if (!isfinite(x))
		return json_null();
	double r = sf__r6(x);
	if (r == floor(r) && fabs(r) < 9e15)
		return json_integer((json_int_t)r);
	return json_real(r);
}

json_t *sf__json_month(int m)
{
	return m > 0 ? json_integer(m) : json_null();
}

json_t *sf__json_month_label(const sf_scenario *sc, int m)
{
	char buf[16];
	return m > 0 ? json_string(sf_scenario_month_label(sc, m, buf, sizeof buf)) : json_null();
}

json_t *sf__json_scenario(const sf_scenario *sc)
{
	char start[16];
	return json_pack("{s:s?, s:s?, s:s?, s:s, s:i}", "name", sc->name, "path", sc->path,
	                 "as_of", sc->as_of, "start",
	                 sf_scenario_month_label(sc, 1, start, sizeof start), "months", sc->months);
}

json_t *sf__json_outcome(const sf_scenario *sc, const sf_outcome *o)
{
	json_t *tasks = json_object();
	for (size_t t = 0; t < sc->ntasks; t++)
		json_object_set_new(tasks, sc->tasks[t].id, sf__json_num(o->task_shortfall[t]));
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "stage1",
	                 sf_solve_status_str(o->stage1), "stage2", sf_solve_status_str(o->stage2),
	                 "z1", sf__json_num(o->z1), "cost", sf__json_num(o->cost), "foc_month",
	                 sf__json_month(o->foc_month), "foc_label",
	                 sf__json_month_label(sc, o->foc_month), "personnel_pm",
	                 sf__json_num(o->personnel_pm), "task_shortfall", tasks);
}

sf_status sf__json_write(json_t *root, sf_buf *out, sf_error *err)
{
	if (!root)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory building JSON");
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(root);
	if (!s)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing JSON");
	sf_status rc = sf_buf_adds(out, s);
	if (rc == SF_OK)
		rc = sf_buf_addc(out, '\n');
	free(s);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "output too large");
	return SF_OK;
}

sf_status sf__table_section(const sf_table *t, const char *heading, sf_format fmt, sf_buf *out,
                            sf_error *err)
{
	sf_status rc = SF_OK;
	if (fmt == SF_FORMAT_MD) {
		if (heading)
			rc = sf_buf_addf(out, "### %s\n\n", heading);
		if (rc == SF_OK)
			rc = sf_table_write_markdown(t, out);
	} else {
		if (heading)
			rc = sf_buf_addf(out, "%s\n", heading);
		if (rc == SF_OK)
			rc = sf_table_write_text(t, out);
	}
	if (rc == SF_OK)
		rc = sf_buf_addc(out, '\n');
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory writing a table");
	return SF_OK;
}
