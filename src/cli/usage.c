/*
 * usage.c - what every subcommand says to --help, and to a bad argument:
 * one text per command, here only (cli.h: cli_usage, cli_help).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

struct usage {
	const char *cmd, *text;
};

static const struct usage USAGE[] = {
	{ "init",
	  "vigie init [--data DIR] [--origin NAME]\n"
	  "  Create the data directory (mode 0700), the master key and the journal's signing\n"
	  "  key (0600), the database, the empty journal and the password blocklist\n"
	  "  (pwlist.bin, from Debian's word lists).\n"
	  "  --origin NAME   the journal's origin line in its checkpoints (default vigie.example/journal)\n" },
	{ "seed",
	  "vigie seed [--data DIR] --insured N --pros M [--seed S] [--sample K] [--accounts A] [--quiet]\n"
	  "  A deterministic synthetic population (TEST NIRs only), with opening hours and\n"
	  "  on-call rotas, and the demo files pros.tsv, insured-sample.tsv,\n"
	  "  insured-accounts.tsv, operators.tsv, honeytokens.tsv, and beside DIR the card\n"
	  "  master secret DIR-cards.key (never inside: vigie serve refuses it there).\n"
	  "  --sample K      rows of insured-sample.tsv (default 500)\n"
	  "  --accounts A    demo online accounts of insured people (default 10, at most 100)\n" },
	{ "serve",
	  "vigie serve [--data DIR] [--listen HOST:PORT] [--threads N] [--base-url URL]\n"
	  "            [--port-file FILE] [--log FILE] [--conn-timeout S] [--login-burst N]\n"
	  "            [--origin NAME] [--checkpoint-ms MS] [--guard enforce|observe]\n"
	  "            [--login-accounts-max N] [--login-sources-max N] [--clock-offset S]\n"
	  "            [--smtp URL --from-address ADDR] [--trusted-proxy CIDR]...\n"
	  "            [--login-spray-max N] [--operator-max-age S] [--deadline S]\n"
	  "            [--lookup-malformed-burst N]\n"
	  "  Serve the FHIR rights service until SIGTERM or SIGINT (a clean stop: requests in\n"
	  "  flight answered, the journal flushed, keys wiped). SIGHUP reopens the log file.\n"
	  "  --listen        address to bind (default 127.0.0.1:8080; port 0: a free one)\n"
	  "  --base-url      the public FHIR base written in answers (behind a proxy)\n"
	  "  --trusted-proxy CIDR  a proxy (10.0.0.5, 10.0.0.0/24; repeatable, at most 16)\n"
	  "                  whose X-Forwarded-For is believed: from it, the client is the\n"
	  "                  nearest address of the header that is not a trusted proxy, and\n"
	  "                  every per-address defence keys on that client\n"
	  "  --port-file     write the bound port there once listening\n"
	  "  --log FILE      JSON log lines to FILE instead of stderr (reopened on SIGHUP)\n"
	  "  --login-spray-max N  failed insured logins in an hour, over all addresses, that\n"
	  "                  raise the alarm: for an hour, a client an account never used\n"
	  "                  confirms with a code e-mailed to it (default 200; 0: always)\n"
	  "  --deadline S    a request's headers must arrive within S seconds of the\n"
	  "                  connection or the previous answer, its body within S of its\n"
	  "                  headers, however slowly they trickle (default 20)\n"
	  "  --lookup-malformed-burst N  malformed lookups an account may send at once, each\n"
	  "                  journaled; then one every 6 s, and past that 429s, journaled\n"
	  "                  once a minute and counted (default 20)\n"
	  "  --operator-max-age S  how long an operator's second factor (login or step-up)\n"
	  "                  stays fresh for an act on an account (default 300)\n"
	  "  --guard observe the guard decides, counts and journals but does not act\n"
	  "  --clock-offset S  the service clock runs S seconds ahead of the system clock\n"
	  "                  (negative: behind); for tests and demos that need a given hour\n"
	  "  --smtp URL      send insured people's account e-mails (smtp://host:port), from\n"
	  "                  --from-address, every 2 s; without it they wait for `vigie notify\n"
	  "                  --account-events`\n"
	  "  --journal-nowait-for-benchmarks  answers do not wait for their journal entries\n"
	  "                  (benchmarks only: breaks the write-ahead rule)\n"
	  "  --guard observe, --journal-nowait-for-benchmarks, --clock-offset and login\n"
	  "  budgets above their defaults (--login-burst 20, --login-accounts-max 5,\n"
	  "  --login-sources-max 10, --lookup-malformed-burst 20) weaken the defences:\n"
	  "  refused unless --listen is a loopback address (127.0.0.0/8, ::1)\n" },
	{ "totp",
	  "vigie totp SECRET [--at UNIX] | vigie totp --rpps RPPS [--data DIR] [--at UNIX]\n"
	  "  The TOTP code of a base32 secret, or of a demo account (pros.tsv, operators.tsv),\n"
	  "  now or at unix time UNIX.\n" },
	{ "backup",
	  "vigie backup [--data DIR] --out FILE\n"
	  "  A consistent online copy of the database to FILE and of the access rows to\n"
	  "  FILE-access (the keys are not copied: keep master.key apart from backups).\n" },
	{ "status",
	  "vigie status [--data DIR]\n"
	  "  What the data directory holds: people, professionals, access records, journal.\n" },
	{ "operator",
	  "vigie operator add [--data DIR] [--name FAMILY]\n"
	  "  An operator account (the security team: alerts, reinstatement; looks no one up);\n"
	  "  its credentials are appended to DIR/operators.tsv (0600).\n" },
	{ "hours",
	  "vigie hours [--data DIR] --rpps RPPS [--set HOURS | --usual]\n"
	  "            [--on-call-every N --on-call-night YYYY-MM-DD | --no-on-call]\n"
	  "  Show or set a professional's opening hours and on-call rota, which the guard\n"
	  "  judges \"off hours\" against. HOURS is like \"Mo-Fr 08:30-12:30,14:00-19:30; Sa\n"
	  "  09:00-12:00\" (half hours; \"24/7\"; \"closed\"); --usual goes back to the\n"
	  "  profession's usual hours. The rota: on call the night of YYYY-MM-DD (19:00 to\n"
	  "  09:00) and every N nights from it. A running server sees a change within a minute.\n" },
	{ "incident",
	  "vigie incident open  [--data DIR] --rpps RPPS[,RPPS...] --from WHEN --to WHEN\n"
	  "                     [--ip ADDRESS] [--title TEXT]\n"
	  "       vigie incident widen [--data DIR] --incident ID --rpps ... --from WHEN --to WHEN [--ip A]\n"
	  "       vigie incident close [--data DIR] --incident ID\n"
	  "       vigie incident show  [--data DIR] --incident ID [--json]\n"
	  "       vigie incident export [--data DIR] --incident ID [--format csv|json] [--out FILE]\n"
	  "       vigie incident draft [--data DIR] --incident ID [--contact TEXT]\n"
	  "       vigie incident list  [--data DIR]\n"
	  "  An incident after stolen accounts: its scope (accounts, window [from, to), maybe one\n"
	  "  client address), the exact affected set from the journal's access rows (people,\n"
	  "  fields, decisions, entries), the list (CSV or JSON: names and birth dates, no NIR),\n"
	  "  and the regulator's draft (GDPR art. 33, French; 72 hours from opening).\n"
	  "  Opening, widening, closing and exporting are journaled (as \"console\") before they\n"
	  "  take effect: through a running server's control socket, else in the journal.\n"
	  "  WHEN: 2026-11-24, 2026-11-24T14:30 (Paris time), or with Z / +01:00.\n"
	  "  --clock-offset S  as for serve: the clock of a server started with it\n" },
	{ "notify",
	  "vigie notify [--data DIR] --incident ID --channel email,letter[,sms]\n"
	  "             [--smtp URL --from-address ADDR] [--parallel N] [--out DIR] [--rate N]\n"
	  "             [--batch N] [--quiet]\n"
	  "  Tell every affected person, once per channel: e-mails over SMTP (--smtp\n"
	  "  smtp://127.0.0.1:25, sent as --from-address, on --parallel connections, default\n"
	  "  4), letters as printer-ready PDF files\n"
	  "  of --batch letters (default 500) in --out DIR, SMS texts as JSON lines for a\n"
	  "  gateway in --out DIR. Each message has no link and a code that POST /verify and\n"
	  "  the person's account confirm. --rate: messages per second at most. Interrupted\n"
	  "  (Ctrl-C, a crash, the mail server gone: exit status 3), the same command resumes:\n"
	  "  nobody is missed, nobody gets a second message (README: the outbox's guarantee).\n"
	  "       vigie notify [--data DIR] --account-events --smtp URL --from-address ADDR\n"
	  "  Send once what insured people's accounts have to tell them (a new login, a new\n"
	  "  password, an access to their record, a reset code...), then exit: for a server\n"
	  "  started without --smtp, whose account e-mails wait. Exit status 3 if the mail\n"
	  "  server did not take one (run it again).\n" },
	{ "enrol",
	  "vigie enrol [--data DIR] --nir NIR [--birthdate YYYY-MM-DD] [--reset [--email]]\n"
	  "            [--out DIR] [--print-code] [--clock-offset S]\n"
	  "       vigie enrol [--data DIR] --sample N --out DIR [--print-code]\n"
	  "  The letter that lets an insured person open their own account: a one-time\n"
	  "  activation code (valid 60 days), as a PDF to print and post, with its own message\n"
	  "  code that POST /verify confirms. --reset: a password-reset code for a person who\n"
	  "  has an account (an activation letter is refused to them); --email sends it by\n"
	  "  e-mail instead (valid one hour), through the account's outbox: a server started\n"
	  "  with --smtp, or `vigie notify --account-events`, sends it. A new code kills the\n"
	  "  person's earlier one. Journaled before the code is issued (route enrol.letter or\n"
	  "  enrol.reset, in the person's own view of accesses).\n"
	  "  --birthdate     which person, when several share the NIR (dependants)\n"
	  "  --sample N      letters for the first N insured people with no account (demos)\n"
	  "  --out DIR       where the PDF letters go (one file each, printed on stdout)\n"
	  "  --print-code    also print \"code: XXXX-XXXX-XXXX\" (tests and demos only: the code\n"
	  "                  is otherwise only on paper or in the e-mail)\n" },
	{ "card-proof",
	  "vigie card-proof [--data DIR] --rpps RPPS --nir NIR [--at UNIX]\n"
	  "  A Vigie-Card-Proof header value made with the demo card key (DIR-cards.key), as the\n"
	  "  patient's card would sign it, now or at unix time UNIX. For demos and tests.\n" },
	{ "journal",
	  "vigie journal verify [--data DIR] [--no-records]\n"
	  "       vigie journal proof --index N [--data DIR]\n"
	  "       vigie journal proof --from SIZE [--data DIR]\n"
	  "       vigie journal rebuild [--data DIR]     (server stopped)\n"
	  "       vigie journal checkpoint [--data DIR]\n"
	  "       vigie journal key [--data DIR]\n"
	  "       vigie journal records [--from N] [--count N] [--data DIR]\n"
	  "  verify recomputes every tile, root and checkpoint and names the first damaged file;\n"
	  "  proof prints a tlog-proof receipt (--index) or a consistency proof (--from);\n"
	  "  checkpoint and key print the latest signed checkpoint and the verifier key;\n"
	  "  records opens the sealed access records of the log (master key needed), one JSON\n"
	  "  line each from entry N on (--count: at most that many; 0 or none: all):\n"
	  "  {\"index\", \"ip\", \"salt\" (base64), \"record\"}.\n" },
	{ "replay",
	  "vigie replay --events FILE.jsonl|- [--quiet] [--skip-bad] [--utc-offset MIN]\n"
	  "             [--max-accounts N] [--data DIR]\n"
	  "  The guard over an event stream (one JSON object a line, DESIGN.md's format),\n"
	  "  through the server's own gate: one decision a line, then a summary.\n"
	  "  --utc-offset    local time is UTC + MIN (default: Europe/Paris at each event)\n"
	  "  --skip-bad      name the first bad lines, count them all and go on\n"
	  "  --data DIR      judge as DIR's server did: its guard key, and each professional's\n"
	  "                  profession, department and hours from its directory\n" },
	{ "sim",
	  "vigie sim [--insured N] [--pros N] [--seed S] [--days D] [--out DIR] [--quiet]\n"
	  "  The guard against 30 days of legitimate traffic and attacks on stolen accounts,\n"
	  "  in simulated time -> DIR/report.html and DIR/report.json (default sim-report).\n" },
};

static const struct usage *find(const char *cmd)
{
	for (size_t i = 0; i < sizeof(USAGE) / sizeof(USAGE[0]); i++)
		if (strcmp(USAGE[i].cmd, cmd) == 0)
			return &USAGE[i];
	return NULL;
}

int cli_usage(const char *cmd)
{
	const struct usage *u = find(cmd);

	fprintf(stderr, "usage: %s", u ? u->text : "vigie <command> [options]\n");
	fputs("(vigie <command> --help shows this; DIR defaults to $VIGIE_DATA, else ./data)\n",
	      stderr);
	return 2;
}

int cli_help(const char *cmd)
{
	const struct usage *u = find(cmd);

	if (!u)
		return -1;
	printf("usage: %sDIR defaults to $VIGIE_DATA, else ./data. Logs: JSON lines on stderr,\n"
	       "level from $VIGIE_LOG (error, warn, info, debug).\n",
	       u->text);
	return 0;
}

void cli_commands(FILE *f)
{
	for (size_t i = 0; i < sizeof(USAGE) / sizeof(USAGE[0]); i++) {
		const char *t = USAGE[i].text, *nl = strchr(t, '\n');

		fprintf(f, "  %.*s\n", (int)(nl ? nl - t : (long)strlen(t)), t);
	}
}
