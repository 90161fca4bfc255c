/*
 * service.c - what the server says that is not a plan, an analysis or a
 * register report: a job, an error, a scenario's summary (docs/api.md).
 *
 * Through the one JSON writer (sf_jw), so that every document the API
 * answers is valid JSON whatever text the store or a request holds.
 */
#include "base/internal.h"

#include <stdlib.h>
#include <string.h>

#include "stabforce/json.h"
#include "stabforce/service.h"

static void job_body(sf_jw *w, const sf_job *j, int with_result)
{
	sf_jw_kint(w, "id", j->id);
	sf_jw_kstr(w, "kind", j->kind);
	sf_jw_kstr(w, "scenario", j->scenario);
	sf_jw_kstr(w, "status", sf_job_status_str(j->status));
	sf_jw_knum(w, "progress", j->progress);
	sf_jw_kstr(w, "message", j->message);
	sf_jw_key(w, "request");
	if (j->request[0])
		sf_jw_raw(w, j->request, strlen(j->request));
	else
		sf_jw_null(w);
	sf_jw_kstr(w, "submitted_by", j->who);
	sf_jw_kstr(w, "worker", j->worker);
	sf_jw_kint(w, "created", j->created);
	sf_jw_kint(w, "started", j->started);
	sf_jw_kint(w, "finished", j->finished);
	if (with_result) {
		sf_jw_key(w, "result");
		if (j->status == SF_JOB_DONE && j->result[0])
			sf_jw_raw(w, j->result, strlen(j->result));
		else
			sf_jw_null(w);
	}
}

sf_status sf_job_write_json(const sf_job *j, int with_result, sf_buf *out, sf_error *err)
{
	sf_jw w;
	sf_jw_init(&w, out);
	sf_jw_object(&w);
	job_body(&w, j, with_result);
	sf_jw_object_end(&w);
	return sf_jw_finish(&w, err);
}

void sf_job_write_item(sf_jw *w, const sf_job *j)
{
	sf_jw_object(w);
	job_body(w, j, 0);
	sf_jw_object_end(w);
}

sf_status sf_error_write_json(int http_status, const char *code, const sf_error *e, sf_buf *out)
{
	sf_jw w;
	sf_jw_init(&w, out);
	sf_jw_object(&w);
	sf_jw_key(&w, "error");
	sf_jw_object(&w);
	sf_jw_kint(&w, "status", http_status);
	sf_jw_kstr(&w, "code", code);
	sf_jw_kstr(&w, "message", e->message);
	if (e->file[0])
		sf_jw_kstr(&w, "file", e->file);
	if (e->line > 0)
		sf_jw_kint(&w, "line", e->line);
	if (e->column > 0)
		sf_jw_kint(&w, "column", e->column);
	if (e->path[0])
		sf_jw_kstr(&w, "path", e->path);
	sf_jw_object_end(&w);
	sf_jw_object_end(&w);
	if (w.rc == SF_OK)
		w.rc = sf_buf_addc(out, '\n');
	return w.rc;
}

static void id_names(sf_jw *w, const char *key, size_t n, const char *const *ids,
                     const char *const *names)
{
	sf_jw_key(w, key);
	sf_jw_array(w);
	for (size_t i = 0; i < n; i++) {
		sf_jw_object(w);
		sf_jw_kstr(w, "id", ids[i]);
		sf_jw_kstr(w, "name", names[i]);
		sf_jw_object_end(w);
	}
	sf_jw_array_end(w);
}

void sf_scenario_write_summary(sf_jw *w, const sf_scenario *sc, const char *name, int full)
{
	char start[16];
	sf_snprintf(start, sizeof start, "%04d-%02d", sc->start_year, sc->start_month);
	sf_jw_object(w);
	sf_jw_kstr(w, "name", name);
	sf_jw_kstr(w, "title", sc->name);
	sf_jw_kint(w, "format", sc->format);
	sf_jw_kstr(w, "as_of", sc->as_of);
	sf_jw_kstr(w, "authority", sc->authority);
	sf_jw_kstr(w, "start", start);
	sf_jw_kint(w, "months", sc->months);
	sf_jw_knum(w, "troop_ceiling", sc->troop_ceiling);
	sf_jw_kint(w, "sectors_count", (long long)sc->nsectors);
	sf_jw_kint(w, "contributors_count", (long long)sc->ncontributors);
	sf_jw_kint(w, "pledges_count", (long long)sc->npledges);
	sf_jw_kint(w, "vetoes_count", (long long)sc->nvetoes);
	sf_jw_kbool(w, "uses_register", sc->reg.used);
	if (full) {
		sf_jw_key(w, "sectors");
		sf_jw_array(w);
		for (size_t i = 0; i < sc->nsectors; i++) {
			const sf_sector *s = &sc->sectors[i];
			sf_jw_object(w);
			sf_jw_kstr(w, "id", s->id);
			sf_jw_kstr(w, "name", s->name);
			sf_jw_kint(w, "opens", s->opens);
			sf_jw_knum(w, "threat", s->threat);
			sf_jw_key(w, "attributes");
			sf_jw_object(w);
			for (size_t k = 0; k < s->nattrs; k++)
				sf_jw_knum(w, s->attrs[k].name, s->attrs[k].value);
			sf_jw_object_end(w);
			sf_jw_object_end(w);
		}
		sf_jw_array_end(w);
		sf_jw_key(w, "tasks");
		sf_jw_array(w);
		for (size_t i = 0; i < sc->ntasks; i++) {
			sf_jw_object(w);
			sf_jw_kstr(w, "id", sc->tasks[i].id);
			sf_jw_kstr(w, "name", sc->tasks[i].name);
			sf_jw_kstr(w, "scope",
			           sc->tasks[i].scope == SF_SCOPE_MISSION ? "mission" : "sector");
			sf_jw_knum(w, "weight", sc->tasks[i].weight);
			sf_jw_object_end(w);
		}
		sf_jw_array_end(w);
		sf_jw_key(w, "unit_types");
		sf_jw_array(w);
		for (size_t i = 0; i < sc->nunit_types; i++) {
			sf_jw_object(w);
			sf_jw_kstr(w, "id", sc->unit_types[i].id);
			sf_jw_kstr(w, "name", sc->unit_types[i].name);
			sf_jw_kint(w, "personnel", sc->unit_types[i].personnel);
			sf_jw_object_end(w);
		}
		sf_jw_array_end(w);
		sf_jw_key(w, "contributors");
		sf_jw_array(w);
		for (size_t i = 0; i < sc->ncontributors; i++) {
			sf_jw_object(w);
			sf_jw_kstr(w, "id", sc->contributors[i].id);
			sf_jw_kstr(w, "name", sc->contributors[i].name);
			sf_jw_object_end(w);
		}
		sf_jw_array_end(w);
		sf_jw_key(w, "pledges");
		sf_jw_array(w);
		for (size_t i = 0; i < sc->npledges; i++) {
			const sf_pledge *p = &sc->pledges[i];
			sf_jw_object(w);
			sf_jw_kstr(w, "id", p->id);
			sf_jw_kstr(w, "contributor", sc->contributors[p->contributor].id);
			sf_jw_kstr(w, "unit", sc->unit_types[p->unit].id);
			sf_jw_kint(w, "count", p->count);
			sf_jw_kint(w, "from", p->from);
			sf_jw_kint(w, "to", p->to);
			sf_jw_knum(w, "confidence", p->confidence);
			sf_jw_kbool(w, "caveats", p->has_task_caveat || p->has_loc_caveat);
			sf_jw_object_end(w);
		}
		sf_jw_array_end(w);
		const char **ids = sf__mallocarray(sc->nstakeholders + 1, sizeof *ids);
		const char **names = sf__mallocarray(sc->nstakeholders + 1, sizeof *names);
		if (!ids || !names) {
			w->rc = SF_ERR_NOMEM;
		} else {
			for (size_t i = 0; i < sc->nstakeholders; i++) {
				ids[i] = sc->stakeholders[i].id;
				names[i] = sc->stakeholders[i].name;
			}
			id_names(w, "stakeholders", sc->nstakeholders, ids, names);
		}
		free(ids);
		free(names);
		sf_jw_key(w, "vetoes");
		sf_jw_array(w);
		for (size_t i = 0; i < sc->nvetoes; i++) {
			const sf_veto *v = &sc->vetoes[i];
			sf_jw_object(w);
			sf_jw_kstr(w, "stakeholder", sc->stakeholders[v->stakeholder].id);
			sf_jw_kstr(w, "contributor", sc->contributors[v->contributor].id);
			sf_jw_kstr(w, "kind", v->kind == SF_VETO_SOFT ? "soft" : "hard");
			sf_jw_kbool(w, "all_sectors", v->all_sectors);
			sf_jw_kstr(w, "source", v->source);
			sf_jw_object_end(w);
		}
		sf_jw_array_end(w);
	}
	sf_jw_object_end(w);
}

sf_status sf_validation_write_json(const char *file, const sf_scenario *sc, const sf_diags *d,
                                   sf_buf *out, sf_error *err)
{
	sf_jw w;
	sf_jw_init(&w, out);
	sf_jw_object(&w);
	sf_jw_kstr(&w, "file", file);
	sf_jw_kbool(&w, "valid", sc != NULL);
	sf_jw_kint(&w, "errors", (long long)d->nerrors);
	sf_jw_kint(&w, "warnings", (long long)d->nwarnings);
	sf_jw_key(&w, "counts");
	if (sc) {
		sf_jw_object(&w);
		sf_jw_kint(&w, "sectors", (long long)sc->nsectors);
		sf_jw_kint(&w, "tasks", (long long)sc->ntasks);
		sf_jw_kint(&w, "unit_types", (long long)sc->nunit_types);
		sf_jw_kint(&w, "contributors", (long long)sc->ncontributors);
		sf_jw_kint(&w, "pledges", (long long)sc->npledges);
		sf_jw_kint(&w, "stakeholders", (long long)sc->nstakeholders);
		sf_jw_kint(&w, "vetoes", (long long)sc->nvetoes);
		sf_jw_object_end(&w);
	} else {
		sf_jw_null(&w);
	}
	sf_jw_key(&w, "diagnostics");
	sf_jw_array(&w);
	for (size_t i = 0; i < d->count; i++) {
		const sf_diag *dg = &d->items[i];
		sf_jw_object(&w);
		sf_jw_kstr(&w, "level", dg->level == SF_DIAG_ERROR ? "error" : "warning");
		sf_jw_kstr(&w, "file", dg->file);
		sf_jw_kint(&w, "line", dg->line);
		sf_jw_kint(&w, "column", dg->column);
		sf_jw_kstr(&w, "path", dg->path);
		sf_jw_kstr(&w, "message", dg->message);
		sf_jw_object_end(&w);
	}
	sf_jw_array_end(&w);
	sf_jw_object_end(&w);
	return sf_jw_finish(&w, err);
}
