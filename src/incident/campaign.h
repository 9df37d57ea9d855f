/*
 * campaign.h - telling the affected people of an incident: one campaign per
 * incident and channel, an outbox row per person (store.h), and a runner
 * that sends what is not sent yet, so that a campaign killed mid-way and
 * started again misses nobody and sends nobody a second message.
 *
 * Channels:
 *   "email"   one e-mail per person over SMTP (incident/mail.h), to the
 *             person's address;
 *   "letter"  one letter per person at their postal address, in printer-ready
 *             PDF files of batch letters each (incident/letter.h);
 *   "sms"     the SMS text per person, for an SMS gateway, in JSON-lines
 *             files of batch lines ({"to","text"}).
 * People without an address for the channel are counted (unreachable) and
 * get no row. Every message is a stored message with its code
 * (incident/message.h): it verifies, and its person's account shows it.
 *
 * What is guaranteed (the state machine of one outbox row):
 *   PENDING --(message made and stored; row SENDING with its message id:
 *              one commit)--> SENDING --(handed over)--> SENT | FAILED
 *   A row's message is made once: a row found SENDING after a crash is sent
 *   again with the message it already has, byte for byte (same code, same
 *   Message-ID, same PDF page). So:
 *   - e-mail: at least once. A second copy reaches a person only if the run
 *     died, or lost the server's acknowledgement, between the server taking
 *     the message and the SENT commit: at most the rows in flight (one per
 *     sender, cfg->senders connections) per crash, and that copy is
 *     identical to the first (same Message-ID, which mail clients use to fold
 *     duplicates). A 5xx answer is FAILED for good; a 4xx or no answer is
 *     retried on a new connection, then the run stops with the row SENDING.
 *   - letters and SMS files: exactly once into the output directory. A batch
 *     is written to "<name>.tmp", synced, renamed to its final name (which
 *     names its campaign and first and last person), and only then are its
 *     rows SENT; a batch found SENDING on resume is written again under the
 *     same name, identical, replacing the first. Stray ".tmp" files are
 *     removed.
 *   Commits are SQLite WAL commits: they survive the process being killed;
 *   a power cut may lose the last few, which are then sent again as above.
 *
 * The runner journals its start ("notify.<channel>", incident.h) before any
 * message leaves. The caller passes time in (now_ms) and may stop it
 * (*stop non-zero: it returns after the row in flight). Not thread-safe: one
 * runner per campaign at a time (the caller's lock).
 */
#ifndef VIGIE_INCIDENT_CAMPAIGN_H
#define VIGIE_INCIDENT_CAMPAIGN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bodies.h"
#include "core/err.h"
#include "incident/incident.h"

#define CAMPAIGN_BATCH_DEFAULT   500 /* letters (or SMS lines) per file */
#define CAMPAIGN_BATCH_MAX       5000
#define CAMPAIGN_SENDERS_DEFAULT 4 /* e-mail: SMTP connections at once */
#define CAMPAIGN_SENDERS_MAX     16

struct campaign_progress {
	int64_t campaign_id;
	int64_t total;        /* rows of the campaign */
	int64_t sent, failed; /* so far, in all runs */
	int64_t this_run;     /* handed over by this run */
	int64_t unreachable;  /* affected people with no address for the channel */
	int64_t elapsed_ms;   /* of this run */
	int done;             /* the last call: every row is sent or failed */
};

struct campaign_cfg {
	const char *channel;          /* "email", "letter" or "sms" */
	const char *smtp_url;         /* email: "smtp://127.0.0.1:25" */
	const char *from;             /* email: the sender's address */
	const char *out_dir;          /* letter, sms: where the files go (exists) */
	size_t batch;                 /* letter, sms: per file (0: CAMPAIGN_BATCH_DEFAULT) */
	size_t senders;               /* email: connections at once (0: CAMPAIGN_SENDERS_DEFAULT) */
	double rate;                  /* messages per second at most; 0: no limit */
	int64_t (*now_ms)(void *arg); /* the clock (message dates, pacing) */
	void *now_arg;
	/* Called after each batch (e-mail: each 256) and once at the end; non-zero stops. */
	int (*progress)(void *arg, const struct campaign_progress *p);
	void *progress_arg;
	volatile sig_atomic_t *stop; /* may be NULL */
};

/*
 * Create or extend the campaign of incident id on cfg->channel (everyone in
 * its affected set now, with an address for the channel) and send what is
 * not sent. c journals the start. *out: the counts at the end. Returns 0
 * (every row sent or failed), VG_EBUSY (stopped, or the mail server went
 * away: run again to resume), VG_ENOTFOUND (no such incident), VG_EINVAL
 * (bad cfg: why), or a store, journal or file error (why says which).
 */
VG_MUST_USE int campaign_run(struct incident_ctx *c, int64_t id, const struct campaign_cfg *cfg,
                             struct campaign_progress *out, char why[BODY_WHY_MAX]);

/* The counts of incident id's campaign on channel without running it: VG_ENOTFOUND if none. */
VG_MUST_USE int campaign_status(struct store *st, int64_t id, const char *channel,
                                struct campaign_progress *out);

#endif
