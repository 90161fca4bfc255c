/*
 * cmd_check_plan.c - `stabforce check-plan SCENARIO PLAN.json`.
 *
 * Verifies a plan written by `stabforce plan --format json` (or by anyone
 * else) against its scenario with sf_check_plan(), which recomputes every
 * constraint and figure from the assignment rows alone. Prints one line
 * when the plan is sound, every violation one per line when it is not.
 * Exit status: 0 sound, 1 violations, 2 invalid input (usage, scenario,
 * plan JSON), 4 I/O.
 *
 * --format json writes the report as one object (docs/output.md); the
 * JSON is built with Jansson.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const CMD = "check-plan";

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce check-plan [--format text|json] [--db STORE] SCENARIO.yaml "
	           "PLAN.json\n"
	           "\n"
	           "Verify a plan against its scenario independently of the planner: every\n"
	           "assignment row is allowed (availability, capability, scope, caveats,\n"
	           "hard vetoes, sector opening), pledge sizes, the troop ceiling, national\n"
	           "caps and the share cap hold in every month, and the coverage rows, Z1,\n"
	           "Z2, the cost, personnel and FOC month the plan reports are recomputed\n"
	           "from the rows and compared (tolerance 1e-6 relative + 1e-6).\n"
	           "A scenario that takes inputs from the register is checked with them\n"
	           "taken from the store again: it must hold the same data as at plan time.\n"
	           "\n"
	           "options:\n"
	           "  -f, --format FMT  text (default) or json\n"
	           "      --db STORE    the register the scenario's inputs come from\n"
	           "                    (threat: from_register, from_aid), as for plan\n"
	           "  -h, --help        this help\n"
	           "\n"
	           "exit status: 0 the plan is sound, 1 violations found, 2 invalid input\n");
}

static json_t *num_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

static int write_json(const char *name, const sf_scenario *sc, const sf_check_report *r)
{
	json_t *o = json_object(), *vs = json_array();
	char label[16];
	char *text;
	int rc = 0;

	if (!o || !vs) {
		json_decref(o);
		json_decref(vs);
		fprintf(stderr, "stabforce %s: out of memory\n", CMD);
		return 4;
	}
	json_object_set_new(o, "plan", json_string(name));
	json_object_set_new(o, "ok", json_boolean(r->count == 0));
	json_object_set_new(o, "rows", json_integer((json_int_t)r->nrows));
	json_object_set_new(o, "z1", json_real(r->z1));
	json_object_set_new(o, "z1_reported", num_or_null(r->z1_reported));
	json_object_set_new(o, "z2", json_real(r->z2));
	json_object_set_new(o, "z2_reported", num_or_null(r->z2_reported));
	if (r->foc_month > 0) {
		json_object_set_new(o, "foc_month", json_integer(r->foc_month));
		json_object_set_new(o, "foc_label",
		                    json_string(sf_scenario_month_label(sc, r->foc_month, label,
		                                                        sizeof(label))));
	} else {
		json_object_set_new(o, "foc_month", json_null());
		json_object_set_new(o, "foc_label", json_null());
	}
	for (size_t i = 0; i < r->count; i++) {
		const sf_violation *v = &r->items[i];
		json_t *jv = json_object();
		if (!jv)
			continue;
		json_object_set_new(jv, "row", v->row >= 0 ? json_integer(v->row) : json_null());
		json_object_set_new(jv, "month",
		                    v->month > 0 ? json_integer(v->month) : json_null());
		json_object_set_new(jv, "constraint", json_string(v->what));
		json_object_set_new(jv, "message", json_string(v->message));
		json_array_append_new(vs, jv);
	}
	json_object_set_new(o, "violations", vs);
	text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	if (!text) {
		fprintf(stderr, "stabforce %s: out of memory\n", CMD);
		rc = 4;
	} else {
		fputs(text, stdout);
		fputc('\n', stdout);
		free(text);
	}
	json_decref(o);
	return rc;
}

static int write_text(const char *name, const sf_scenario *sc, const sf_check_report *r)
{
	char label[16], z1[32], z2[32];
	sf_buf b;
	sf_error err;
	const char *s, *nl;

	sf_snprintf(z1, sizeof(z1), "%.10g", r->z1);
	sf_snprintf(z2, sizeof(z2), "%.10g", r->z2);
	if (r->count == 0) {
		printf("%s: ok: %zu rows, Z1 = %s, Z2 = %s, FOC %s\n", name, r->nrows, z1, z2,
		       r->foc_month > 0
		               ? sf_scenario_month_label(sc, r->foc_month, label, sizeof(label))
		               : "never");
		return 0;
	}
	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	if (sf_check_report_write_text(r, &b, &err)) {
		sf_buf_release(&b);
		return sf_cli_error(CMD, &err);
	}
	/* One violation per line, each prefixed with the plan's name. */
	for (s = sf_buf_str(&b); *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl) {
			printf("%s: %s\n", name, s);
			break;
		}
		printf("%s: %.*s\n", name, (int)(nl - s), s);
	}
	sf_buf_release(&b);
	fprintf(stderr, "stabforce %s: %s: %zu violation%s\n", CMD, name, r->count,
	        r->count == 1 ? "" : "s");
	return 0;
}

int sf_cmd_check_plan(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"format", required_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {"db", required_argument, NULL, 'd'},
	        {NULL, 0, NULL, 0},
	};
	int fmt = SF_FORMAT_TEXT, c, rc;
	const char *db = NULL;
	sf_scenario *sc = NULL;
	char *text = NULL;
	size_t len = 0;
	sf_check_report r;
	sf_error err;
	sf_status st;

	sf_check_report_init(&r);
	sf_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt != SF_FORMAT_TEXT && fmt != SF_FORMAT_JSON) {
				if (fmt >= 0)
					fprintf(stderr,
					        "stabforce %s: --format must be text or json\n",
					        CMD);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	const char *scenario_path = argv[optind], *plan_path = argv[optind + 1];

	/* The scenario's inputs from the registers are applied as for plan, so
	 * the requirements are recomputed from the same numbers. */
	rc = sf_cli_load_scenario_for_planning(CMD, scenario_path, db, &sc);
	if (rc)
		goto out;
	rc = sf_cli_read_file(CMD, plan_path, SF_MAX_PLAN_BYTES, "a plan", &text, &len);
	if (rc)
		goto out;
	st = sf_check_plan(sc, text, len, plan_path, &r, &err);
	if (st != SF_OK && st != SF_ERR_CHECK) {
		rc = sf_cli_error(CMD, &err);
		goto out;
	}
	rc = fmt == SF_FORMAT_JSON ? write_json(plan_path, sc, &r) : write_text(plan_path, sc, &r);
	if (rc == 0 && st == SF_ERR_CHECK)
		rc = sf_status_exit_code(SF_ERR_CHECK);
out:
	free(text);
	sf_check_report_release(&r);
	sf_scenario_free(sc);
	return rc;
}
