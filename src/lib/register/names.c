/*
 * names.c - the names of the registers: ACLED's export columns in ACLED's
 * order, the sector methods, the review statuses, the report dimensions and
 * the aid stages, each with its text form (docs/register.md).
 *
 * Every layer uses these (the importer finds columns by header name, the
 * store writes statuses as text, the reports parse dimensions), so they
 * live in a file of their own that depends on nothing but the public
 * header.
 */
#include "base/internal.h"

#include <string.h>
#include <strings.h>

#include "stabforce/register.h"
#include "stabforce/service.h"

static const char *const acled_names[SF_ACLED_NCOLS] = {
        "event_id_cnty", "event_date",     "year",     "time_precision", "disorder_type",
        "event_type",    "sub_event_type", "actor1",   "assoc_actor_1",  "inter1",
        "actor2",        "assoc_actor_2",  "inter2",   "interaction",    "civilian_targeting",
        "iso",           "region",         "country",  "admin1",         "admin2",
        "admin3",        "location",       "latitude", "longitude",      "geo_precision",
        "source",        "source_scale",   "notes",    "fatalities",     "tags",
        "timestamp"};

const char *sf_acled_column_name(int col)
{
	return col >= 0 && col < SF_ACLED_NCOLS ? acled_names[col] : "";
}

int sf_acled_column_find(const char *name)
{
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		if (strcmp(name, acled_names[i]) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- */
/* Names                                                              */

const char *sf_sector_method_str(sf_sector_method m)
{
	static const char *const names[] = {"none", "inside", "nearest", "override"};
	return (unsigned)m < SF_ARRAY_LEN(names) ? names[m] : "none";
}

static const char *const status_names[] = {"reported", "corroborated", "verified", "disputed",
                                           "retracted"};

const char *sf_incident_status_str(sf_incident_status s)
{
	return (unsigned)s < SF_ARRAY_LEN(status_names) ? status_names[s] : "reported";
}

int sf_incident_status_parse(const char *s)
{
	for (size_t i = 0; i < SF_ARRAY_LEN(status_names); i++)
		if (strcmp(s, status_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *sf_dim_str(sf_dim d)
{
	static const char *const names[] = {"none", "sector", "event_type", "sub_event_type",
	                                    "actor"};
	return (unsigned)d < SF_ARRAY_LEN(names) ? names[d] : "none";
}

int sf_dim_parse(const char *s)
{
	if (strcmp(s, "sector") == 0)
		return SF_DIM_SECTOR;
	if (strcmp(s, "type") == 0 || strcmp(s, "event_type") == 0 || strcmp(s, "event-type") == 0)
		return SF_DIM_EVENT_TYPE;
	if (strcmp(s, "sub-type") == 0 || strcmp(s, "sub_event_type") == 0 ||
	    strcmp(s, "sub-event-type") == 0 || strcmp(s, "subtype") == 0)
		return SF_DIM_SUB_EVENT_TYPE;
	if (strcmp(s, "actor") == 0)
		return SF_DIM_ACTOR;
	if (strcmp(s, "none") == 0)
		return SF_DIM_NONE;
	return -1;
}

static const char *const stage_names[] = {"entered", "offloaded", "collected", "intercepted"};

const char *sf_aid_stage_str(sf_aid_stage s)
{
	return (unsigned)s < SF_ARRAY_LEN(stage_names) ? stage_names[s] : "entered";
}

int sf_aid_stage_parse(const char *s)
{
	for (size_t i = 0; i < SF_ARRAY_LEN(stage_names); i++)
		if (strcasecmp(s, stage_names[i]) == 0)
			return (int)i;
	return -1;
}

static const char *const job_status_names[] = {"queued", "running", "done", "failed", "cancelled"};

const char *sf_job_status_str(sf_job_status s)
{
	return (size_t)s < SF_ARRAY_LEN(job_status_names) ? job_status_names[s] : "failed";
}

int sf_job_status_parse(const char *s)
{
	for (size_t i = 0; i < SF_ARRAY_LEN(job_status_names); i++)
		if (strcmp(s, job_status_names[i]) == 0)
			return (int)i;
	return -1;
}

static const char *const role_names[] = {"viewer", "editor", "admin"};

const char *sf_role_str(sf_role r)
{
	return (size_t)r < SF_ARRAY_LEN(role_names) ? role_names[r] : "viewer";
}

int sf_role_parse(const char *s)
{
	for (size_t i = 0; i < SF_ARRAY_LEN(role_names); i++)
		if (strcmp(s, role_names[i]) == 0)
			return (int)i;
	return -1;
}
