/*
 * markdown.c - markdown to HTML: the one adapter over cmark-gfm.
 *
 * The briefing's HTML renders the same markdown the report writes, so the
 * two can never say different things. GitHub's tables extension is the
 * only one used (every table of stabforce is a pipe table). Raw HTML in
 * the input is dropped (cmark's safe default): the markdown comes from
 * stabforce's own writers, but scenario names and sources pass through it.
 *
 * cmark-gfm keeps its extensions in a process-wide registry, filled once
 * by cmark_gfm_core_extensions_ensure_registered(); that is the library's
 * state, not ours, and registering twice is harmless. cmark aborts on out
 * of memory rather than returning: the input here is a few hundred
 * kilobytes at most.
 */
#include "base/internal.h"

#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "output/markdown.h"

sf_status sf__markdown_to_html(const char *md, size_t len, sf_buf *out, sf_error *err)
{
	cmark_parser *parser = NULL;
	cmark_node *doc = NULL;
	cmark_syntax_extension *table;
	char *html = NULL;
	sf_status rc = SF_OK;
	const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;

	cmark_gfm_core_extensions_ensure_registered();
	table = cmark_find_syntax_extension("table");
	parser = cmark_parser_new(opts);
	if (table == NULL || parser == NULL) {
		rc = sf_error_set(err, SF_ERR_INTERNAL, "cmark-gfm has no table extension");
		goto out;
	}
	if (cmark_parser_attach_syntax_extension(parser, table) == 0) {
		rc = sf_error_set(err, SF_ERR_INTERNAL,
		                  "cannot attach cmark-gfm's table extension");
		goto out;
	}
	cmark_parser_feed(parser, md, len);
	doc = cmark_parser_finish(parser);
	if (doc == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory reading markdown");
		goto out;
	}
	html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(parser));
	if (html == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory writing HTML");
		goto out;
	}
	if (sf_buf_adds(out, html) != SF_OK)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory writing HTML");
out:
	free(html);
	if (doc != NULL)
		cmark_node_free(doc);
	if (parser != NULL)
		cmark_parser_free(parser);
	return rc;
}
