/*
 * web_assets.h - the table scripts/embed-web generates from web/ (the
 * build's web_assets.c), sorted by path for a binary search. Only
 * output/web.c reads it.
 */
#ifndef STABFORCE_WEB_ASSETS_H
#define STABFORCE_WEB_ASSETS_H

#include <stddef.h>

#include "stabforce/web.h"

extern const sf_web_asset sf__web_assets[];
extern const size_t sf__web_asset_count;

#endif
