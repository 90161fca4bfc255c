/*
 * service/edits.c - the bodies of the API's register edits, checked
 * (service.h): a review ({"status", "note", "version"}) and a duplicates
 * decision ({"a", "b", "decision", "note"}).
 *
 * Each body must be one JSON object with only the keys its edit takes
 * (duplicate keys refused), so that a misspelt key is an error, not an
 * edit that silently did less than was asked.
 */
#include "base/internal.h"

#include <string.h>

#include "stabforce/json.h"
#include "stabforce/register.h"
#include "stabforce/service.h"

/* Parse body as one object whose keys are all in `keys` (NULL-terminated). */
static sf_status parse_object(const char *body, size_t len, const char *what,
                              const char *const *keys, sf_json **out, sf_error *err)
{
	sf_json_parse_error pe;
	sf_status rc;
	memset(&pe, 0, sizeof pe);
	*out = NULL;
	rc = sf_json_parse(body, len, SF_JSON_REJECT_DUPLICATES, out, &pe);
	if (rc == SF_ERR_INPUT)
		return sf_error_set_at(err, rc, what, pe.line, pe.column, NULL, "%s", pe.text);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "%s: out of memory", what);
	if (!sf_json_is_object(*out)) {
		rc = sf_error_set(err, SF_ERR_USAGE, "%s: the body must be a JSON object", what);
		goto fail;
	}
	for (size_t i = 0; i < sf_json_size(*out); i++) {
		const sf_json *v;
		const char *k = sf_json_member(*out, i, &v);
		size_t j = 0;
		while (keys[j] && strcmp(keys[j], k) != 0)
			j++;
		if (!keys[j]) {
			rc = sf_error_set(err, SF_ERR_USAGE,
			                  "%s: '%.60s' is not a key it takes (docs/api.md)", what,
			                  k);
			goto fail;
		}
	}
	return SF_OK;
fail:
	sf_json_free(*out);
	*out = NULL;
	return rc;
}

/* The optional text member key into buf (n bytes); too long or not text is SF_ERR_USAGE. */
static sf_status text_member(const sf_json *doc, const char *what, const char *key, int required,
                             char *buf, size_t n, sf_error *err)
{
	const sf_json *v = sf_json_get(doc, key);
	buf[0] = '\0';
	if (!v && !required)
		return SF_OK;
	if (!sf_json_is_string(v) || (required && sf_json_string_length(v) == 0))
		return sf_error_set(err, SF_ERR_USAGE, "%s: \"%s\" must be %stext", what, key,
		                    required ? "non-empty " : "");
	if (sf_json_string_length(v) >= n || strlen(sf_json_string(v)) != sf_json_string_length(v))
		return sf_error_set(err, SF_ERR_USAGE,
		                    "%s: \"%s\" is longer than %zu bytes or holds a NUL", what, key,
		                    n - 1);
	sf_strlcpy(buf, sf_json_string(v), n);
	return SF_OK;
}

sf_status sf_review_request_parse(const char *body, size_t len, sf_review_request *r, sf_error *err)
{
	static const char *const keys[] = {"status", "note", "version", NULL};
	char status[32];
	sf_json *doc = NULL;
	const sf_json *ver;
	sf_status rc;

	memset(r, 0, sizeof *r);
	rc = parse_object(body, len, "review", keys, &doc, err);
	if (rc == SF_OK)
		rc = text_member(doc, "review", "status", 1, status, sizeof status, err);
	if (rc == SF_OK && (r->status = sf_incident_status_parse(status)) < 0)
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "review: status '%s' is not one of reported, corroborated, "
		                  "verified, disputed, retracted",
		                  status);
	if (rc == SF_OK)
		rc = text_member(doc, "review", "note", 0, r->note, sizeof r->note, err);
	ver = sf_json_get(doc, "version");
	if (rc == SF_OK && ver) {
		if (!sf_json_is_integer(ver) || sf_json_integer(ver) < 1)
			rc = sf_error_set(err, SF_ERR_USAGE,
			                  "review: \"version\" must be the incident's version, an "
			                  "integer from 1");
		else
			r->version = (long)sf_json_integer(ver);
	}
	sf_json_free(doc);
	return rc;
}

sf_status sf_dupe_request_parse(const char *body, size_t len, sf_dupe_request *r, sf_error *err)
{
	static const char *const keys[] = {"a", "b", "decision", "note", NULL};
	sf_json *doc = NULL;
	sf_status rc;

	memset(r, 0, sizeof *r);
	rc = parse_object(body, len, "decision", keys, &doc, err);
	if (rc == SF_OK)
		rc = text_member(doc, "decision", "a", 1, r->a, sizeof r->a, err);
	if (rc == SF_OK)
		rc = text_member(doc, "decision", "b", 1, r->b, sizeof r->b, err);
	if (rc == SF_OK)
		rc = text_member(doc, "decision", "decision", 1, r->decision, sizeof r->decision,
		                 err);
	if (rc == SF_OK && strcmp(r->decision, "duplicate") != 0 &&
	    strcmp(r->decision, "distinct") != 0)
		rc = sf_error_set(
		        err, SF_ERR_USAGE,
		        "decision: \"decision\" is \"duplicate\" or \"distinct\", not '%s'",
		        r->decision);
	if (rc == SF_OK && strcmp(r->a, r->b) == 0)
		rc = sf_error_set(err, SF_ERR_USAGE, "decision: a pair is two different incidents");
	if (rc == SF_OK)
		rc = text_member(doc, "decision", "note", 0, r->note, sizeof r->note, err);
	sf_json_free(doc);
	return rc;
}
