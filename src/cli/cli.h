/* cli.h - the subcommands of the `vigie` binary (one file each) and shared helpers. */
#ifndef VIGIE_CLI_CLI_H
#define VIGIE_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DB_FILE "vigie.db"

int cmd_init(int argc, char **argv);
int cmd_seed(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_totp(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_journal(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_operator(int argc, char **argv);
int cmd_card_proof(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_hours(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_notify(int argc, char **argv);
int cmd_enrol(int argc, char **argv);

/* usage.c: "usage: ..." of cmd on stderr; returns 2 (an exit status). */
int cli_usage(const char *cmd);
/* usage.c: cmd's --help on stdout: 0, or -1 for an unknown command. */
int cli_help(const char *cmd);
/* usage.c: one line per command (the top-level help). */
void cli_commands(FILE *f);

/* The data directory: --data, else $VIGIE_DATA, else "./data". */
const char *cli_data_dir(const char *opt);
/* dir/name into buf; exits with a message if it does not fit. */
void cli_path(char *buf, size_t cap, const char *dir, const char *name);
/* Parse a non-negative decimal; 0 on success, -1 with a message naming what. */
int cli_u64(const char *s, const char *what, uint64_t *out);
/* Parse a signed decimal; 0 on success, -1 with a message naming what. */
int cli_i64(const char *s, const char *what, int64_t *out);
/* Print "vigie: <msg>" to stderr and return 1 (an exit status). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
