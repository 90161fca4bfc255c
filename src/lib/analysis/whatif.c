/*
 * whatif.c - edits to a scenario in memory: the "what if" of a negotiator.
 *
 * Each edit is a kind and a short text argument, the same text the command
 * line takes (`--lift-veto ISR:TUR`, `--add TUR:inf_bn:2:2026-03`), so the
 * CLI, the tests and later the dashboard all go through one parser. An edit
 * changes only the fields the planner reads (active flags, caveat masks,
 * counts, months, the ceiling) or appends through sf_scenario_add_pledge /
 * sf_scenario_add_veto, so an edited clone plans exactly like a file that
 * says the same.
 *
 * Every edit is validated before anything changes: an unknown id gets a
 * "did you mean" hint, a malformed number or month says which part of the
 * argument is wrong. Edits are applied in the order given; an edit that
 * fails leaves sf_whatif_scenario() without a result.
 */
#include "base/internal.h"

#include "analysis/analysis_int.h"
#include "base/tolerance.h"
#include "stabforce/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *sf_edit_kind_str(sf_edit_kind k)
{
	switch (k) {
	case SF_EDIT_LIFT_VETO:
		return "lift-veto";
	case SF_EDIT_ADD_VETO:
		return "add-veto";
	case SF_EDIT_DROP:
		return "drop";
	case SF_EDIT_ADD_PLEDGE:
		return "add";
	case SF_EDIT_SET_PLEDGE:
		return "set";
	case SF_EDIT_CEILING:
		return "ceiling";
	case SF_EDIT_LIFT_CAVEAT:
		return "lift-caveat";
	case SF_EDIT_NEW_CONTRIBUTOR:
		return "new-contributor";
	case SF_EDIT_LIFT_CONDITION:
		return "lift-condition";
	}
	return "?";
}

enum { MAXPARTS = 6, ARGMAX = 512 };

/* Split a copy of arg at sep into at most MAXPARTS parts; returns the count, -1 if too long. */
static int split(const char *arg, char sep, char *copy, size_t n, char **parts)
{
	if (sf_strlcpy(copy, arg, n) >= n)
		return -1;
	int k = 0;
	char *p = copy;
	parts[k++] = p;
	while ((p = strchr(p, sep)) != NULL) {
		*p++ = 0;
		if (k == MAXPARTS)
			return MAXPARTS + 1;
		parts[k++] = p;
	}
	return k;
}

typedef enum idkind { ID_CONTRIB, ID_STAKE, ID_UNIT, ID_PLEDGE, ID_CONDITION } idkind;

static const char *id_of(const sf_scenario *sc, idkind kind, size_t i)
{
	switch (kind) {
	case ID_CONTRIB:
		return sc->contributors[i].id;
	case ID_STAKE:
		return sc->stakeholders[i].id;
	case ID_UNIT:
		return sc->unit_types[i].id;
	case ID_PLEDGE:
		return sc->pledges[i].id;
	case ID_CONDITION:
		return sc->conditions[i].id;
	}
	return "";
}

/* Look an id up; on failure set err with a "did you mean" hint. */
static sf_status find_id(const sf_scenario *sc, idkind kind, const char *id, const sf_edit *e,
                         size_t *index, sf_error *err)
{
	static const char *const what[] = {"contributor", "stakeholder", "unit type", "pledge",
	                                   "condition"};
	size_t n = kind == ID_CONTRIB  ? sc->ncontributors
	           : kind == ID_STAKE  ? sc->nstakeholders
	           : kind == ID_UNIT   ? sc->nunit_types
	           : kind == ID_PLEDGE ? sc->npledges
	                               : sc->nconditions;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(id_of(sc, kind, i), id)) {
			*index = i;
			return SF_OK;
		}
	const char **cand = n ? sf__mallocarray(n, sizeof *cand) : NULL;
	const char *hint = NULL;
	if (cand) {
		for (size_t i = 0; i < n; i++)
			cand[i] = id_of(sc, kind, i);
		hint = sf__closest(id, cand, n);
	}
	sf_status rc;
	if (hint)
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "--%s '%s': unknown %s '%s' (did you mean '%s'?)",
		                  sf_edit_kind_str(e->kind), e->arg, what[kind], id, hint);
	else
		rc = sf_error_set(err, SF_ERR_USAGE, "--%s '%s': unknown %s '%s'",
		                  sf_edit_kind_str(e->kind), e->arg, what[kind], id);
	if (kind == ID_CONTRIB && e->kind == SF_EDIT_ADD_PLEDGE && err)
		sf_strlcpy(err->message + strlen(err->message),
		           "; a nation not in the scenario: --new-contributor ID[:NAME] before it",
		           sizeof err->message - strlen(err->message));
	free(cand);
	return rc;
}

static sf_status bad_form(const sf_edit *e, const char *form, sf_error *err)
{
	return sf_error_set(err, SF_ERR_USAGE, "--%s '%s': expected %s", sf_edit_kind_str(e->kind),
	                    e->arg, form);
}

static sf_status parse_month(const sf_scenario *sc, const sf_edit *e, const char *text, int *month,
                             sf_error *err)
{
	if (sf_scenario_parse_month(sc, text, month) != 0)
		return sf_error_set(
		        err, SF_ERR_USAGE,
		        "--%s '%s': month '%s' is not 1..%d or a YYYY-MM inside the plan",
		        sf_edit_kind_str(e->kind), e->arg, text, sc->months);
	return SF_OK;
}

static sf_status parse_count(const sf_edit *e, const char *text, int *count, sf_error *err)
{
	long v;
	if (sf_parse_long(text, &v) != 0 || v < 1 || v > SF_MAX_UNITS)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "--%s '%s': count '%s' is not a whole number in 1..%d",
		                    sf_edit_kind_str(e->kind), e->arg, text, SF_MAX_UNITS);
	*count = (int)v;
	return SF_OK;
}

static sf_status lift_veto(sf_scenario *sc, const sf_edit *e, int add, sf_error *err)
{
	char copy[ARGMAX], *parts[MAXPARTS];
	int k = split(e->arg, ':', copy, sizeof copy, parts);
	sf_status rc;
	if (add ? (k < 2 || k > 4) : k != 2)
		return bad_form(e,
		                add ? "STAKEHOLDER:CONTRIBUTOR[:hard|soft[:PENALTY]]"
		                    : "STAKEHOLDER:CONTRIBUTOR",
		                err);
	size_t s, c;
	if ((rc = find_id(sc, ID_STAKE, parts[0], e, &s, err)) != SF_OK ||
	    (rc = find_id(sc, ID_CONTRIB, parts[1], e, &c, err)) != SF_OK)
		return rc;
	if (add) {
		sf_veto_kind kind = SF_VETO_HARD;
		double penalty = 0;
		if (k >= 3) {
			if (!strcmp(parts[2], "soft"))
				kind = SF_VETO_SOFT;
			else if (strcmp(parts[2], "hard") != 0)
				return bad_form(
				        e, "kind 'hard' or 'soft' after STAKEHOLDER:CONTRIBUTOR",
				        err);
		}
		if (k == 4) {
			if (kind != SF_VETO_SOFT)
				return bad_form(e, "a penalty only for a soft veto", err);
			if (sf_parse_double(parts[3], &penalty) != 0 || !(penalty >= 0) ||
			    penalty > SF_MAX_PENALTY)
				return sf_error_set(
				        err, SF_ERR_USAGE,
				        "--%s '%s': penalty '%s' is not a number in 0..%g "
				        "(money per person-month)",
				        sf_edit_kind_str(e->kind), e->arg, parts[3],
				        SF_MAX_PENALTY);
		}
		size_t index;
		return sf_scenario_add_veto(sc, s, c, kind, penalty, &index, err);
	}
	size_t lifted = 0;
	for (size_t v = 0; v < sc->nvetoes; v++) {
		sf_veto *vt = &sc->vetoes[v];
		if (vt->active && vt->stakeholder == s && vt->contributor == c) {
			vt->active = 0;
			lifted++;
		}
	}
	if (!lifted)
		return sf_error_set(err, SF_ERR_USAGE, "--%s '%s': '%s' has no veto on '%s'",
		                    sf_edit_kind_str(e->kind), e->arg, parts[0], parts[1]);
	return SF_OK;
}

static sf_status drop(sf_scenario *sc, const sf_edit *e, sf_error *err)
{
	size_t c;
	sf_status rc = find_id(sc, ID_CONTRIB, e->arg, e, &c, err);
	if (rc != SF_OK)
		return rc;
	if (!sc->contributors[c].active)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "--%s '%s': contributor '%s' is already dropped (given twice?)",
		                    sf_edit_kind_str(e->kind), e->arg, e->arg);
	sc->contributors[c].active = 0;
	for (size_t p = 0; p < sc->npledges; p++)
		if (sc->pledges[p].contributor == c)
			sc->pledges[p].active = 0;
	return SF_OK;
}

static sf_status add_pledge(sf_scenario *sc, const sf_edit *e, sf_error *err)
{
	char copy[ARGMAX], *parts[MAXPARTS];
	int k = split(e->arg, ':', copy, sizeof copy, parts);
	sf_status rc;
	if (k < 4 || k > 5)
		return bad_form(e, "CONTRIBUTOR:UNIT:COUNT:FROM[:TO]", err);
	size_t c, u;
	int count, from, to = sc->months;
	if ((rc = find_id(sc, ID_CONTRIB, parts[0], e, &c, err)) != SF_OK ||
	    (rc = find_id(sc, ID_UNIT, parts[1], e, &u, err)) != SF_OK ||
	    (rc = parse_count(e, parts[2], &count, err)) != SF_OK ||
	    (rc = parse_month(sc, e, parts[3], &from, err)) != SF_OK ||
	    (k == 5 && (rc = parse_month(sc, e, parts[4], &to, err)) != SF_OK))
		return rc;
	if (from > to)
		return sf_error_set(err, SF_ERR_USAGE, "--%s '%s': from '%s' is after to '%s'",
		                    sf_edit_kind_str(e->kind), e->arg, parts[3], parts[4]);
	if (!sc->contributors[c].active)
		return sf_error_set(err, SF_ERR_USAGE, "--%s '%s': contributor '%s' was dropped",
		                    sf_edit_kind_str(e->kind), e->arg, parts[0]);
	size_t index;
	return sf_scenario_add_pledge(sc, c, u, count, from, to, NULL, &index, err);
}

static sf_status set_pledge(sf_scenario *sc, const sf_edit *e, sf_error *err)
{
	const char *colon = strchr(e->arg, ':');
	char id[ARGMAX], copy[ARGMAX], *parts[MAXPARTS];
	sf_status rc;
	if (!colon || colon == e->arg || (size_t)(colon - e->arg) >= sizeof id)
		return bad_form(e, "PLEDGE:count=N,from=MONTH,to=MONTH", err);
	memcpy(id, e->arg, (size_t)(colon - e->arg));
	id[colon - e->arg] = 0;
	size_t p;
	if ((rc = find_id(sc, ID_PLEDGE, id, e, &p, err)) != SF_OK)
		return rc;
	int k = split(colon + 1, ',', copy, sizeof copy, parts);
	if (k < 1 || k > 3)
		return bad_form(e, "PLEDGE:count=N,from=MONTH,to=MONTH", err);
	sf_pledge *pl = &sc->pledges[p];
	int count = pl->count, from = pl->from, to = pl->to;
	for (int i = 0; i < k; i++) {
		char *eq = strchr(parts[i], '=');
		if (!eq)
			return bad_form(e, "KEY=VALUE with KEY count, from or to", err);
		*eq = 0;
		const char *val = eq + 1;
		for (int j = 0; j < i; j++)
			if (!strcmp(parts[i], parts[j]))
				return sf_error_set(err, SF_ERR_USAGE,
				                    "--%s '%s': '%s' is given twice",
				                    sf_edit_kind_str(e->kind), e->arg, parts[i]);
		if (!strcmp(parts[i], "count"))
			rc = parse_count(e, val, &count, err);
		else if (!strcmp(parts[i], "from"))
			rc = parse_month(sc, e, val, &from, err);
		else if (!strcmp(parts[i], "to"))
			rc = parse_month(sc, e, val, &to, err);
		else
			return sf_error_set(
			        err, SF_ERR_USAGE,
			        "--%s '%s': unknown key '%s' (expected count, from or to)",
			        sf_edit_kind_str(e->kind), e->arg, parts[i]);
		if (rc != SF_OK)
			return rc;
	}
	if (from > to)
		return sf_error_set(
		        err, SF_ERR_USAGE,
		        "--%s '%s': the pledge would start (month %d) after it ends (month %d)",
		        sf_edit_kind_str(e->kind), e->arg, from, to);
	pl->count = count;
	pl->from = from;
	pl->to = to;
	return SF_OK;
}

static sf_status ceiling(sf_scenario *sc, const sf_edit *e, sf_error *err)
{
	double v;
	if (sf_parse_double(e->arg, &v) != 0 || !(v >= 0) || v > SF_MAX_AMOUNT)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "--%s '%s': expected a number of personnel in 0..%g",
		                    sf_edit_kind_str(e->kind), e->arg, SF_MAX_AMOUNT);
	sc->troop_ceiling = v;
	return SF_OK;
}

static sf_status lift_caveat(sf_scenario *sc, const sf_edit *e, sf_error *err)
{
	char copy[ARGMAX], *parts[MAXPARTS];
	int k = split(e->arg, ':', copy, sizeof copy, parts);
	sf_status rc;
	if (k < 1 || k > 2)
		return bad_form(e, "PLEDGE[:tasks|locations]", err);
	size_t p;
	if ((rc = find_id(sc, ID_PLEDGE, parts[0], e, &p, err)) != SF_OK)
		return rc;
	int tasks = 1, locs = 1;
	if (k == 2) {
		if (!strcmp(parts[1], "tasks"))
			locs = 0;
		else if (!strcmp(parts[1], "locations"))
			tasks = 0;
		else
			return bad_form(e, "PLEDGE[:tasks|locations]", err);
	}
	sf_pledge *pl = &sc->pledges[p];
	if (!(tasks && pl->has_task_caveat) && !(locs && pl->has_loc_caveat))
		return sf_error_set(err, SF_ERR_USAGE, "--%s '%s': pledge '%s' has no such caveat",
		                    sf_edit_kind_str(e->kind), e->arg, parts[0]);
	if (tasks && pl->has_task_caveat) {
		memset(pl->task_ok, 1, sc->ntasks);
		pl->has_task_caveat = 0;
	}
	if (locs && pl->has_loc_caveat) {
		memset(pl->loc_ok, 1, SF_NLOC(sc));
		pl->has_loc_caveat = 0;
	}
	return SF_OK;
}

/* "ID[:NAME]": a contributor not in the file (name: the id when not given). */
static sf_status new_contributor(sf_scenario *sc, const sf_edit *e, sf_error *err)
{
	char copy[ARGMAX];
	const char *colon = strchr(e->arg, ':');
	if (sf_strlcpy(copy, e->arg, sizeof copy) >= sizeof copy || copy[0] == ':' || !copy[0])
		return bad_form(e, "ID[:NAME]", err);
	if (colon)
		copy[colon - e->arg] = '\0';
	const char *name = colon && colon[1] ? colon + 1 : copy;
	sf_status rc = sf_scenario_add_contributor(sc, copy, name, NULL, err);
	if (rc == SF_ERR_USAGE && err) {
		char msg[sizeof err->message];
		sf_strlcpy(msg, err->message, sizeof msg);
		sf_error_set(err, SF_ERR_USAGE, "--%s '%s': %s", sf_edit_kind_str(e->kind), e->arg,
		             msg);
	}
	return rc;
}

/*
 * "CONDITION" (a condition's id) or "STAKEHOLDER" (every condition that
 * stakeholder sets): lifted, as the price of a condition lifts it; the
 * model then builds the cells it forbade.
 */
static sf_status lift_condition(sf_scenario *sc, const sf_edit *e, sf_error *err)
{
	size_t i, lifted = 0;
	if (sc->nconditions == 0)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "--%s '%s': the scenario has no conditions (a format-2 "
		                    "stakeholder's 'conditions:')",
		                    sf_edit_kind_str(e->kind), e->arg);
	for (i = 0; i < sc->nstakeholders; i++)
		if (!strcmp(sc->stakeholders[i].id, e->arg))
			break;
	if (i < sc->nstakeholders) {
		for (size_t c = 0; c < sc->nconditions; c++)
			if (sc->conditions[c].stakeholder == i && sc->conditions[c].active) {
				sc->conditions[c].active = 0;
				lifted++;
			}
		if (lifted == 0)
			return sf_error_set(err, SF_ERR_USAGE,
			                    "--%s '%s': stakeholder '%s' sets no condition",
			                    sf_edit_kind_str(e->kind), e->arg, e->arg);
		return SF_OK;
	}
	sf_status rc = find_id(sc, ID_CONDITION, e->arg, e, &i, err);
	if (rc == SF_OK)
		sc->conditions[i].active = 0;
	return rc;
}

sf_status sf_scenario_edit(sf_scenario *sc, const sf_edit *e, sf_error *err)
{
	if (!sc || !e || !e->arg)
		return sf_error_set(err, SF_ERR_USAGE, "an edit needs a scenario and an argument");
	switch (e->kind) {
	case SF_EDIT_LIFT_VETO:
		return lift_veto(sc, e, 0, err);
	case SF_EDIT_ADD_VETO:
		return lift_veto(sc, e, 1, err);
	case SF_EDIT_DROP:
		return drop(sc, e, err);
	case SF_EDIT_ADD_PLEDGE:
		return add_pledge(sc, e, err);
	case SF_EDIT_SET_PLEDGE:
		return set_pledge(sc, e, err);
	case SF_EDIT_CEILING:
		return ceiling(sc, e, err);
	case SF_EDIT_LIFT_CAVEAT:
		return lift_caveat(sc, e, err);
	case SF_EDIT_NEW_CONTRIBUTOR:
		return new_contributor(sc, e, err);
	case SF_EDIT_LIFT_CONDITION:
		return lift_condition(sc, e, err);
	}
	return sf_error_set(err, SF_ERR_USAGE, "unknown edit kind %d", (int)e->kind);
}

sf_status sf_whatif_scenario(const sf_scenario *base, const sf_edit *edits, size_t nedits,
                             sf_scenario **out, sf_error *err)
{
	sf_scenario *sc = NULL;
	*out = NULL;
	sf_status rc = sf_scenario_clone(base, &sc, err);
	if (rc != SF_OK)
		return rc;
	for (size_t i = 0; i < nedits; i++) {
		rc = sf_scenario_edit(sc, &edits[i], err);
		if (rc != SF_OK) {
			sf_scenario_free(sc);
			return rc;
		}
	}
	/* the edits' numbers within the format's bounds, as a file's must be */
	rc = sf_scenario_check_numbers(sc, err);
	if (rc != SF_OK) {
		if (err)
			sf_strlcpy(err->message + strlen(err->message), " (after the edits)",
			           sizeof err->message - strlen(err->message));
		sf_scenario_free(sc);
		return rc;
	}
	*out = sc;
	return SF_OK;
}

/* ------------------------------------------------------------------ */
/* Why each unit moved                                                  */

/*
 * The pledge or contributor an edit names ("" for none): the part of its
 * argument before the first ':' (after it for a veto, which names the
 * stakeholder first).
 */
static void edit_subject(const sf_edit *e, char *buf, size_t n)
{
	const char *a = e->arg ? e->arg : "", *colon;

	buf[0] = '\0';
	switch (e->kind) {
	case SF_EDIT_LIFT_VETO:
	case SF_EDIT_ADD_VETO:
		colon = strchr(a, ':');
		if (colon)
			sf_strlcpy(buf, colon + 1, n);
		break;
	case SF_EDIT_DROP:
	case SF_EDIT_ADD_PLEDGE:
	case SF_EDIT_SET_PLEDGE:
	case SF_EDIT_LIFT_CAVEAT:
		sf_strlcpy(buf, a, n);
		colon = strchr(buf, ':');
		if (colon)
			buf[colon - buf] = '\0';
		break;
	case SF_EDIT_CEILING:
	case SF_EDIT_NEW_CONTRIBUTOR: /* moves nothing itself: the --add that follows does */
	case SF_EDIT_LIFT_CONDITION:  /* names no pledge: explained by the edit sequence */
		break;
	}
}

static void set_cause(sf_compare_moved *mv, const sf_edit *e)
{
	sf_snprintf(mv->cause_buf, sizeof mv->cause_buf, "--%s %s", sf_edit_kind_str(e->kind),
	            e->arg ? e->arg : "");
	mv->cause = mv->cause_buf;
}

/* 1 when pledge id has units in another state in cmp's moved list. */
static int moved_in(const sf_comparison *cmp, const char *id)
{
	for (size_t i = 0; i < cmp->nmoved; i++)
		if (strcmp(cmp->moved[i].pledge, id) == 0)
			return 1;
	return 0;
}

/*
 * The stage-2 cost a plan leaves unproven: 0 when proven, else its gap
 * times its objective (the gap every output prints, as money), and 0 when
 * the stage gave no finite gap (no plan, or no bound): such a plan claims
 * nothing to tolerate a move by.
 */
static double stage2_slack(const sf_plan *x)
{
	const sf_stage_result *s = &x->stage2;

	if (sf_stage_proven(s->status, s->gap) ||
	    (s->status != SF_SOLVE_OPTIMAL && s->status != SF_SOLVE_FEASIBLE) ||
	    !isfinite(s->gap) || !isfinite(s->objective) || s->gap < 0)
		return 0;
	return s->gap * fmax(fabs(s->objective), SF_GAP_DEN_MIN);
}

/*
 * The moves no edit names (ind[i] = 1) whose least-change charges, taken
 * from the smallest, add up to at most the stage-2 cost the two plans
 * left unproven: those can be an improvement the base plan missed (it
 * costs at most its gap more than its optimum, so nothing it missed saves
 * more) or the what-if's own slack, and are not shown to be the edit's
 * (docs/model.md, "Least change in what-if and compare").
 */
static void mark_within_gaps(sf_comparison *cmp, const unsigned char *ind)
{
	const double slack_a = stage2_slack(cmp->a), slack_b = stage2_slack(cmp->b);
	double left = slack_a + slack_b;

	for (;;) {
		size_t best = cmp->nmoved;
		for (size_t i = 0; i < cmp->nmoved; i++)
			if (ind[i] && !cmp->moved[i].within_gaps &&
			    (best == cmp->nmoved || cmp->moved[i].charge < cmp->moved[best].charge))
				best = i;
		if (best == cmp->nmoved || cmp->moved[best].charge > left * (1 + SF_TOL_ROUNDING) ||
		    left <= 0)
			return;
		sf_compare_moved *mv = &cmp->moved[best];
		left -= mv->charge;
		mv->within_gaps = 1;
		sf_snprintf(mv->cause_buf, sizeof mv->cause_buf,
		            "not shown to be the edit's: its change charge %.0f fits in the "
		            "stage-2 costs left unproven (base %.0f, what-if %.0f), so it may be "
		            "an improvement the base plan missed",
		            mv->charge, slack_a, slack_b);
		mv->cause = mv->cause_buf;
	}
}

sf_status sf_whatif_explain(sf_comparison *cmp, const sf_scenario *base, const sf_edit *edits,
                            size_t nedits, const sf_analysis_options *opts, sf_error *err)
{
	sf_status rc = SF_OK;
	size_t nindirect = 0, nprefix = nedits > 1 ? nedits - 1 : 0;
	sf_scenario **scs = NULL;
	sf_plan **plans = NULL;
	sf_plan_options *po = NULL;
	sf_analysis_options o;
	char subject[ARGMAX];
	unsigned char *ind = NULL;

	if (nedits == 0)
		return SF_OK;
	ind = calloc(cmp->nmoved + 1, 1);
	if (!ind)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	/* The edit that names the pledge or its contributor. */
	for (size_t i = 0; i < cmp->nmoved; i++) {
		sf_compare_moved *mv = &cmp->moved[i];
		mv->cause = NULL;
		mv->within_gaps = 0;
		for (size_t e = 0; e < nedits && !mv->cause; e++) {
			edit_subject(&edits[e], subject, sizeof subject);
			if (subject[0] && (strcmp(subject, mv->pledge) == 0 ||
			                   strcmp(subject, mv->contributor) == 0))
				set_cause(mv, &edits[e]);
		}
		ind[i] = mv->cause == NULL;
	}
	/* The others the unproven stage-2 costs allow; one edit explains the rest. */
	mark_within_gaps(cmp, ind);
	for (size_t i = 0; i < cmp->nmoved; i++) {
		if (cmp->moved[i].cause)
			continue;
		if (nedits == 1)
			set_cause(&cmp->moved[i], &edits[0]);
		nindirect += cmp->moved[i].cause == NULL;
	}
	if (nindirect == 0)
		goto out;
	/* Several edits: plan the edits one by one (each prefix with least change). */
	if (opts)
		o = *opts;
	else
		sf_analysis_options_init(&o);
	scs = calloc(nprefix, sizeof *scs);
	plans = calloc(nprefix, sizeof *plans);
	po = calloc(nprefix, sizeof *po);
	if (!scs || !plans || !po) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nprefix && rc == SF_OK; i++) {
		rc = sf_whatif_scenario(base, edits, i + 1, &scs[i], err);
		po[i] = o.plan;
		po[i].baseline = cmp->a;
	}
	if (rc == SF_OK)
		rc = sf__plan_many((const sf_scenario *const *)scs, NULL, nprefix, &o, po, NULL,
		                   plans, err);
	for (size_t i = 0; i < nprefix && rc == SF_OK; i++) {
		sf_comparison *step = NULL;
		rc = sf_plan_compare(cmp->a, plans[i], &step, err);
		for (size_t k = 0; rc == SF_OK && k < cmp->nmoved; k++)
			if (!cmp->moved[k].cause && moved_in(step, cmp->moved[k].pledge))
				set_cause(&cmp->moved[k], &edits[i]);
		sf_comparison_free(step);
	}
	for (size_t k = 0; rc == SF_OK && k < cmp->nmoved; k++)
		if (!cmp->moved[k].cause)
			set_cause(&cmp->moved[k], &edits[nedits - 1]);
out:
	for (size_t i = 0; scs && i < nprefix; i++) {
		if (plans)
			sf_plan_free(plans[i]);
		sf_scenario_free(scs[i]);
	}
	free(scs);
	free(plans);
	free(po);
	free(ind);
	return rc;
}
