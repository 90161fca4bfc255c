/*
 * format.c - how every analysis output prints numbers, months, JSON and
 * tables, so that pricing, shopping, risk and compare say the same thing
 * the same way: reals rounded to 1e-6 (no float noise), month 0 as
 * "never" or null, the JSON pieces every analysis shares (written
 * through the one JSON writer, base/json.c).
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

void sf__json_r6(sf_json_writer *w, const char *key, double x)
{
	sf_json_num(w, key, sf__r6(x));
}

void sf__json_month(sf_json_writer *w, const char *key, int m)
{
	if (m > 0)
		sf_json_int(w, key, m);
	else
		sf_json_null(w, key);
}

void sf__json_month_label(sf_json_writer *w, const char *key, const sf_scenario *sc, int m)
{
	char buf[16];
	sf_json_str(w, key, m > 0 ? sf_scenario_month_label(sc, m, buf, sizeof buf) : NULL);
}

void sf__json_scenario(sf_json_writer *w, const char *key, const sf_scenario *sc)
{
	char start[16];
	sf_json_object(w, key);
	sf_json_str(w, "name", sc->name);
	sf_json_str(w, "path", sc->path);
	sf_json_str(w, "as_of", sc->as_of);
	sf_json_str(w, "start", sf_scenario_month_label(sc, 1, start, sizeof start));
	sf_json_int(w, "months", sc->months);
	sf_json_end(w);
}

void sf__json_outcome_members(sf_json_writer *w, const sf_scenario *sc, const sf_outcome *o)
{
	sf_json_str(w, "stage1", sf_solve_status_str(o->stage1));
	sf_json_str(w, "stage2", sf_solve_status_str(o->stage2));
	sf_json_num(w, "stage1_gap", o->gap1);
	sf_json_num(w, "stage2_gap", o->gap2);
	sf_json_bool(w, "proven", sf_outcome_cost_proven(o));
	sf__json_r6(w, "z1", o->z1);
	sf__json_r6(w, "cost", o->cost);
	sf__json_month(w, "foc_month", o->foc_month);
	sf__json_month_label(w, "foc_label", sc, o->foc_month);
	sf__json_r6(w, "personnel_pm", o->personnel_pm);
	sf__json_r6(w, "mission_pm", o->mission_pm);
	sf__json_r6(w, "reimbursed", o->reimbursed);
	sf_json_object(w, "task_shortfall");
	for (size_t t = 0; t < sc->ntasks; t++)
		sf__json_r6(w, sc->tasks[t].id, o->task_shortfall[t]);
	sf_json_end(w);
}

void sf__json_outcome(sf_json_writer *w, const char *key, const sf_scenario *sc,
                      const sf_outcome *o)
{
	sf_json_object(w, key);
	sf__json_outcome_members(w, sc, o);
	sf_json_end(w);
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

const char *sf__outcome_proof(const sf_outcome *o, char *buf, size_t n)
{
	char a[96], b[96];
	if (sf_outcome_cost_proven(o)) {
		sf_strlcpy(buf, "proven optimal", n);
		return buf;
	}
	if (!sf_outcome_z1_proven(o))
		sf_snprintf(buf, n, "NOT PROVEN: stage 1 %s, stage 2 %s",
		            sf_stage_proof_str(o->stage1, o->gap1, a, sizeof a),
		            sf_stage_proof_str(o->stage2, o->gap2, b, sizeof b));
	else
		sf_snprintf(buf, n, "shortfall proven optimal; cost NOT PROVEN: %s",
		            sf_stage_proof_str(o->stage2, o->gap2, b, sizeof b));
	return buf;
}

const char *sf__outcome_proof_short(const sf_outcome *o)
{
	if (sf_outcome_cost_proven(o))
		return "proven";
	if (!sf_outcome_z1_proven(o))
		return o->stage1 == SF_SOLVE_FEASIBLE  ? "limit"
		       : o->stage1 == SF_SOLVE_OPTIMAL ? "shortfall within gap"
		                                       : "no plan";
	return o->stage2 == SF_SOLVE_OPTIMAL    ? "cost within gap"
	       : o->stage2 == SF_SOLVE_FEASIBLE ? "cost: limit"
	                                        : "cost: no plan";
}

sf_status sf__unproven_legend(int any, sf_format fmt, sf_buf *out)
{
	if (!any)
		return SF_OK;
	return sf_buf_adds(out, fmt == SF_FORMAT_MD
	                                ? "\\* not a proven optimum: a solve (of the case or of "
	                                  "the baseline) stopped at a limit or at the gap asked "
	                                  "for; see the status.\n\n"
	                                : "* not a proven optimum: a solve (of the case or of the "
	                                  "baseline) stopped at a limit or at the gap asked for; "
	                                  "see the status.\n\n");
}

void sf__json_pledge_status(sf_json_writer *w, const char *key, unsigned flags)
{
	sf_json_array(w, key);
	for (int i = 0; i < SF_PLEDGE_NSTATUS; i++) {
		if (flags & (1u << i))
			sf_json_str(w, NULL, sf_pledge_status_word(i));
	}
	sf_json_end(w);
}
