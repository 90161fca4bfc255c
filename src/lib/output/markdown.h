/*
 * markdown.h - markdown (with pipe tables) to an HTML fragment, through
 * cmark-gfm (output/markdown.c, its one adapter).
 */
#ifndef STABFORCE_MARKDOWN_H
#define STABFORCE_MARKDOWN_H

#include <stddef.h>

#include "stabforce/buf.h"
#include "stabforce/error.h"

/* Append the HTML of md[0..len) to out. */
sf_status sf__markdown_to_html(const char *md, size_t len, sf_buf *out, sf_error *err);

#endif
