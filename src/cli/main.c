/*
 * main.c - `stabforce VERB [options]`: dispatch to the command's file.
 *
 * Each verb lives in its own cmd_*.c with its own options and --help; this
 * file only knows the list, the global --help and --version, and one rule
 * of the job workers: a command started by `stabforce worker` (which sets
 * STABFORCE_DIE_WITH to its pid) dies with that worker, even when the
 * worker is killed with SIGKILL, so no solve runs on for a worker that is
 * gone (the job is queued again for another).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <signal.h>
#include <sys/prctl.h>
#endif

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
        {"validate", sf_cmd_validate, "check a scenario file and list every error"},
        {"upgrade", sf_cmd_upgrade, "rewrite a format-1 scenario as format 2"},
        {"plan", sf_cmd_plan, "plan the force: assignments, shortfall, FOC, cost"},
        {"check-plan", sf_cmd_check_plan, "verify a plan against its scenario, independently"},
        {"export", sf_cmd_export, "write the model as LP or MPS for another solver"},
        {"vetoes", sf_cmd_vetoes, "price of every veto (each lifted alone)"},
        {"caveats", sf_cmd_caveats, "price of every caveat of every pledge"},
        {"critical", sf_cmd_critical, "what losing each contributor costs"},
        {"price", sf_cmd_price, "vetoes, caveats and critical in one run"},
        {"shopping", sf_cmd_shopping, "what to ask contributors for"},
        {"offers", sf_cmd_offers, "what a contributing nation could offer"},
        {"risk", sf_cmd_risk, "how likely the force is complete, pledges uncertain"},
        {"whatif", sf_cmd_whatif, "plan an edited scenario and compare"},
        {"compare", sf_cmd_compare, "two plans side by side"},
        {"incidents", sf_cmd_incidents, "the incident register (ACLED-compatible)"},
        {"aid", sf_cmd_aid, "the aid-flow register"},
        {"serve", sf_cmd_serve, "the JSON API and the dashboard, on 127.0.0.1:8080"},
        {"token", sf_cmd_token, "access tokens of the server: create, list, revoke"},
        {"worker", sf_cmd_worker, "run queued jobs of a store (serve starts these)"},
        {"report", sf_cmd_report, "the briefing: markdown, HTML with charts and map, PDF"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce COMMAND [OPTIONS] [ARGS]\n\n"
	           "Plan a multinational stabilization force, price its politics, and\n"
	           "monitor what it is there for.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
	        "\n'stabforce COMMAND --help' for a command's options; all of them: man stabforce\n"
	        "(installed), or man -l docs/stabforce.1 in the source tree.\n");
}

/* STABFORCE_DIE_WITH=PID: die when the process PID (our parent) dies. */
static void die_with_parent(void)
{
	const char *v = getenv("STABFORCE_DIE_WITH");
	long pid;
	if (!v || sf_parse_long(v, &pid) != 0)
		return;
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	/* The parent may have died before the line above: then we are orphaned already. */
	if ((long)getppid() != pid)
		_exit(1);
	unsetenv("STABFORCE_DIE_WITH");
}

int main(int argc, char **argv)
{
	die_with_parent();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("stabforce %s\n", STABFORCE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "stabforce: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
