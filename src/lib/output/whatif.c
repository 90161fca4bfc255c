/*
 * whatif.c (output) - the output of `stabforce whatif`: the plan of the
 * edited scenario, then its comparison with the scenario as written.
 *
 * The JSON is one document built in one writer from the plan's and the
 * comparison's own JSON builders, so it says exactly what `plan --format
 * json` and `compare --format json` say, and nothing is parsed back.
 */
#include "base/internal.h"

#include "analysis/analysis_int.h"
#include "output/output.h"

static const char *const NAME_A = "baseline", *const NAME_B = "what-if";

static sf_status whatif_json(const sf_comparison *cmp, const sf_edit *edits, size_t nedits,
                             sf_buf *out, sf_error *err)
{
	sf_json_writer w;
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_array(&w, "edits");
	for (size_t i = 0; i < nedits; i++) {
		sf_json_object(&w, NULL);
		sf_json_str(&w, "kind", sf_edit_kind_str(edits[i].kind));
		sf_json_str(&w, "arg", edits[i].arg);
		sf_json_end(&w);
	}
	sf_json_end(&w);
	sf__plan_json(&w, "plan", cmp->b);
	sf__comparison_json(&w, "comparison", cmp, NAME_A, NAME_B);
	sf_json_end(&w);
	return sf_json_writer_finish(&w, SF_JSON_PRETTY, out, err);
}

sf_status sf_whatif_write(const sf_comparison *cmp, const sf_edit *edits, size_t nedits,
                          sf_format fmt, sf_buf *out, sf_error *err)
{
	sf_status st;
	switch (fmt) {
	case SF_FORMAT_JSON:
		return whatif_json(cmp, edits, nedits, out, err);
	case SF_FORMAT_CSV:
		return sf_comparison_write(cmp, NAME_A, NAME_B, fmt, out, err);
	case SF_FORMAT_TEXT:
	case SF_FORMAT_MD:
		st = sf_plan_write(cmp->b, fmt, out, err);
		if (st == SF_OK && (st = sf_buf_addc(out, '\n')) != SF_OK)
			sf_error_set(err, st, "out of memory writing the plan");
		if (st == SF_OK)
			st = sf_comparison_write(cmp, NAME_A, NAME_B, fmt, out, err);
		return st;
	default:
		return sf_error_set(err, SF_ERR_USAGE, "whatif is text, json, csv or md");
	}
}
