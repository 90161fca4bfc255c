/*
 * check.c (output) - the output of `stabforce check-plan`: the report of
 * sf_check_plan() as text (one line per violation, each with the plan's
 * name, as compilers print) or as one JSON object.
 */
#include "base/internal.h"

#include <math.h>

#include "stabforce/check.h"

static sf_status check_json(const sf_check_report *r, const sf_scenario *sc, const char *name,
                            sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	char label[16];
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_str(&w, "plan", name);
	sf_json_bool(&w, "ok", r->count == 0);
	sf_json_int(&w, "rows", (long long)r->nrows);
	sf_json_num(&w, "z1", r->z1);
	sf_json_num(&w, "z1_reported", r->z1_reported); /* NAN (absent) is null */
	sf_json_num(&w, "z2", r->z2);
	sf_json_num(&w, "z2_reported", r->z2_reported);
	if (r->foc_month > 0) {
		sf_json_int(&w, "foc_month", r->foc_month);
		sf_json_str(&w, "foc_label",
		            sf_scenario_month_label(sc, r->foc_month, label, sizeof(label)));
	} else {
		sf_json_null(&w, "foc_month");
		sf_json_null(&w, "foc_label");
	}
	sf_json_array(&w, "violations");
	for (size_t i = 0; i < r->count; i++) {
		const sf_violation *v = &r->items[i];
		sf_json_object(&w, NULL);
		if (v->row >= 0)
			sf_json_int(&w, "row", v->row);
		else
			sf_json_null(&w, "row");
		if (v->month > 0)
			sf_json_int(&w, "month", v->month);
		else
			sf_json_null(&w, "month");
		sf_json_str(&w, "constraint", v->what);
		sf_json_str(&w, "message", v->message);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

static sf_status check_text(const sf_check_report *r, const sf_scenario *sc, const char *name,
                            sf_buf *out)
{
	char label[16];
	sf_status st = SF_OK;
	if (r->count == 0)
		return sf_buf_addf(out, "%s: ok: %zu rows, Z1 = %.10g, Z2 = %.10g, FOC %s\n", name,
		                   r->nrows, r->z1, r->z2,
		                   r->foc_month > 0 ? sf_scenario_month_label(sc, r->foc_month,
		                                                              label, sizeof(label))
		                                    : "never");
	for (size_t i = 0; i < r->count && st == SF_OK; i++) {
		const sf_violation *v = &r->items[i];
		if (v->row >= 0)
			st = sf_buf_addf(out, "%s: %s: row %ld: %s\n", name, v->what, v->row,
			                 v->message);
		else
			st = sf_buf_addf(out, "%s: %s: %s\n", name, v->what, v->message);
	}
	return st;
}

sf_status sf_check_report_write(const sf_check_report *r, const sf_scenario *sc, const char *name,
                                sf_format fmt, sf_buf *out, sf_error *err)
{
	sf_status st;
	if (fmt == SF_FORMAT_JSON)
		return check_json(r, sc, name, out, err);
	if (fmt != SF_FORMAT_TEXT)
		return sf_error_set(err, SF_ERR_USAGE, "the check report is text or json");
	st = check_text(r, sc, name, out);
	return st == SF_OK ? SF_OK : sf_error_set(err, st, "out of memory writing the report");
}
