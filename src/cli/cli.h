/*
 * cli.h - what the stabforce command's files share. main.c dispatches
 * `stabforce VERB ...` to sf_cmd_VERB(argc, argv) with argv[0] == VERB.
 * Each command describes its options in one table (options.h: the parser,
 * --help and the man page all come from it), and returns a process exit
 * status (sf_status_exit_code for library errors).
 *
 * The command uses only the public API (include/stabforce/).
 */
#ifndef STABFORCE_CLI_H
#define STABFORCE_CLI_H

#include <stdio.h>

#include "stabforce/stabforce.h"

int sf_cmd_validate(int argc, char **argv);
int sf_cmd_upgrade(int argc, char **argv);
int sf_cmd_plan(int argc, char **argv);
int sf_cmd_check_plan(int argc, char **argv);
int sf_cmd_export(int argc, char **argv);
int sf_cmd_vetoes(int argc, char **argv);
int sf_cmd_caveats(int argc, char **argv);
int sf_cmd_critical(int argc, char **argv);
int sf_cmd_price(int argc, char **argv);
int sf_cmd_shopping(int argc, char **argv);
int sf_cmd_offers(int argc, char **argv);
int sf_cmd_risk(int argc, char **argv);
int sf_cmd_whatif(int argc, char **argv);
int sf_cmd_compare(int argc, char **argv);
int sf_cmd_incidents(int argc, char **argv);
int sf_cmd_aid(int argc, char **argv);
int sf_cmd_serve(int argc, char **argv);
int sf_cmd_worker(int argc, char **argv);
int sf_cmd_token(int argc, char **argv);
int sf_cmd_report(int argc, char **argv);

/* Parse a --format value; -1 (and a message on stderr) when unknown. */
int sf_cli_parse_format(const char *cmd, const char *value, int allow_geojson);

/*
 * Load a scenario, printing every diagnostic as "file:line:col: error:
 * path: message" on stderr. Returns the exit status to use (0 on success).
 */
int sf_cli_load_scenario(const char *path, sf_scenario **out);

/*
 * Load a scenario to plan it: sf_cli_load_scenario(), then, when the
 * scenario takes inputs from the registers (threat: from_register,
 * requirement: {from_aid}), take them from the store at db (NULL: the
 * scenario's register.db) with sf_scenario_apply_register_db(). A default
 * used for lack of data is warned about on stderr. Every command that
 * plans or checks a plan loads through this, so they all see the same
 * numbers. Returns the exit status to use (0 on success).
 */
int sf_cli_load_scenario_for_planning(const char *cmd, const char *path, const char *db,
                                      sf_scenario **out);

/* Print an error as "stabforce CMD: file:line:col: message" on stderr; returns its exit status. */
int sf_cli_error(const char *cmd, const sf_error *err);

/* Who a change is recorded as: who when given, else $USER, else "unknown"
 * (the library reads no environment variable: the CLI passes this). */
const char *sf_cli_who(const char *who);

/* Write the buffer to stdout (path NULL or "-") or, atomically (temp file + rename), to path. */
int sf_cli_write_output(const char *cmd, const char *path, const sf_buf *b);

/*
 * Write n outputs all or none (sf_outfile_commit_all): bufs[i] to paths[i]
 * (NULL or "-": stdout, written last). On a failure no file changes and
 * stdout gets nothing. Returns the exit status (0 on success).
 */
int sf_cli_write_outputs(const char *cmd, const char *const *paths, const sf_buf *bufs, size_t n);

/*
 * Read a whole file ("-": stdin) of at most max_bytes (SF_MAX_*_BYTES of
 * file.h; `what` names the input in the message) into *data (the caller
 * frees). Returns 0, or the exit status after a message on stderr.
 */
int sf_cli_read_file(const char *cmd, const char *path, size_t max_bytes, const char *what,
                     char **data, size_t *len);

/* An sf_flush_fn (format.h) that writes to standard output; ctx unused. */
sf_status sf_cli_flush_stdout(void *ctx, sf_buf *b);

/*
 * The end of a command that wrote its output into b with a library writer
 * that returned rc: on SF_OK write b to standard output, else print err.
 * Returns the exit status.
 */
int sf_cli_finish(const char *cmd, sf_status rc, const sf_buf *b, const sf_error *err);

/* The register commands (cli_register.c)                            */

/* A subcommand of a register command: `stabforce CMD NAME ...`. */
typedef struct sf_cli_subcommand {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] == name */
} sf_cli_subcommand;

/*
 * Run the subcommand named by argv[1] with argv shifted by one; print usage
 * on stdout for --help, -h or help (status 0), on stderr with status 2 when
 * there is no subcommand or an unknown one. --list-options lists the
 * subcommands, one "+NAME" a line (tests/cli/options.py).
 */
int sf_cli_dispatch(const char *cmd, int argc, char **argv, const sf_cli_subcommand *subs,
                    size_t nsubs, void (*usage)(FILE *));

/*
 * Open the store at db (--db): SF_STORE_READ for a command that only reads
 * (it never creates the store nor takes its write lock). Returns the exit
 * status (0 on success).
 */
int sf_cli_open_store(const char *cmd, const char *db, sf_store_mode mode, sf_store **st);

/* Parse a YYYY-MM-DD value of option opt; -1 with a message on stderr. */
int sf_cli_parse_day(const char *cmd, const char *opt, const char *s, long *day);

/* Write the table to stdout as text, csv or md (fmt); returns the exit status. */
int sf_cli_table_out(const char *cmd, sf_table *t, int fmt);

#endif
