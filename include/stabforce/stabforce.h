/*
 * stabforce.h - the public API of libstabforce, in one include.
 *
 * The command (src/cli) and the server use only what this header pulls in.
 */
#ifndef STABFORCE_H
#define STABFORCE_H

#define STABFORCE_VERSION "0.1.0"

#include "analysis.h"
#include "briefing.h"
#include "buf.h"
#include "check.h"
#include "file.h"
#include "error.h"
#include "format.h"
#include "json.h"
#include "plan.h"
#include "process.h"
#include "register.h"
#include "scenario.h"
#include "server.h"
#include "service.h"
#include "table.h"
#include "web.h"

#endif
