/*
 * cli_register.c - what the register commands (`stabforce incidents`,
 * `stabforce aid`) share: dispatching `stabforce VERB SUBCOMMAND ...` to
 * the subcommand's function, opening the store named by --db, parsing a
 * date option, and writing a table in the format chosen with --format.
 *
 * Every message starts "stabforce CMD:", CMD being the verb, so a user sees
 * the same words whichever register they use.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int sf_cli_dispatch(const char *cmd, int argc, char **argv, const sf_cli_subcommand *subs,
                    size_t nsubs, void (*usage)(FILE *))
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--list-options")) { /* tests/cli/options.py: the subcommands */
		for (size_t i = 0; i < nsubs; i++)
			printf("+%s\n", subs[i].name);
		return 0;
	}
	for (size_t i = 0; i < nsubs; i++) {
		if (strcmp(argv[1], subs[i].name) == 0) {
			return subs[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "stabforce %s: unknown subcommand '%s'\n", cmd, argv[1]);
	usage(stderr);
	return 2;
}

int sf_cli_open_store(const char *cmd, const char *db, sf_store_mode mode, sf_store **st)
{
	sf_error err;
	sf_error_clear(&err);
	if (sf_store_open_mode(db, mode, st, &err) != SF_OK)
		return sf_cli_error(cmd, &err);
	return 0;
}

int sf_cli_parse_day(const char *cmd, const char *opt, const char *s, long *day)
{
	if (sf_date_parse(s, day) == 0)
		return 0;
	fprintf(stderr, "stabforce %s: %s: bad date '%s' (expected YYYY-MM-DD)\n", cmd, opt, s);
	return -1;
}

int sf_cli_table_out(const char *cmd, sf_table *t, int fmt)
{
	sf_buf b;
	sf_status rc;
	sf_buf_init(&b, 0);
	if (fmt == SF_FORMAT_CSV)
		rc = sf_table_write_csv(t, &b);
	else if (fmt == SF_FORMAT_MD)
		rc = sf_table_write_markdown(t, &b);
	else
		rc = sf_table_write_text(t, &b);
	int ex = rc == SF_OK ? sf_cli_write_output(cmd, NULL, &b) : 4;
	sf_buf_release(&b);
	return ex;
}
