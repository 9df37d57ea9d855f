/* campaign.c - see campaign.h. */
#include "incident/campaign.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/record.h"
#include "incident/letter.h"
#include "incident/mail.h"
#include "incident/message.h"
#include "incident/texts.h"
#include "core/banned.h"

#define ROWS         256 /* outbox rows read at a time */
#define MAIL_RETRIES 5   /* a 4xx or no answer: tries before the run stops */

enum channel { CH_EMAIL, CH_LETTER, CH_SMS };

struct run {
	struct incident_ctx *c;
	const struct campaign_cfg *cfg;
	enum channel ch;
	struct incident_view *x;
	struct store_campaign camp;
	struct campaign_progress p;
	int64_t t0_ms, paced;
	char *why;
	pthread_mutex_t lock; /* why, paced, this_run, and the senders' queue below */
	/* e-mail: the rows of the batch being sent, shared by the senders */
	pthread_cond_t more, done;
	struct store_outbox *rows;
	size_t n, next, finished;
	int error, quit;
};

/* One person as a message needs them (unsealed: wiped after use). */
struct person {
	struct insured_ident ident;
	struct insured_contact contact;
	struct message_facts facts;
};

static int fail(struct run *r, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct run *r, int rc, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->lock);
	if (!r->why[0]) { /* the first error is the one to tell (senders run in parallel) */
		va_start(ap, fmt);
		vsnprintf(r->why, BODY_WHY_MAX, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* Commit when rc is 0, else roll back; the first error is the one returned. */
static int end_txn(struct store *st, int rc)
{
	if (rc == 0)
		return store_commit(st);
	VG_IGNORE(store_rollback(st));
	return rc;
}

static int reachable(enum channel ch, const struct insured_contact *k)
{
	switch (ch) {
	case CH_EMAIL: return mail_address_ok(k->email);
	case CH_LETTER: return k->line[0] && k->postal[0] && k->city[0];
	case CH_SMS: return k->phone[0] == '+' && strlen(k->phone) >= 8;
	}
	return 0;
}

/* Unseal person id's identity and contact; its facts from the affected set. */
static int person_load(struct run *r, int64_t id, struct person *out)
{
	struct store_insured *s = malloc(sizeof(*s));
	uint8_t pt[STORE_SEALED_MAX];
	const int64_t *ids = affected_ids(r->x->set);
	size_t lo = 0, hi = affected_size(r->x->set);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return VG_ENOMEM;
	rc = store_insured_get(r->c->st, id, s);
	if (rc == 0 && (s->ident_len < VAULT_OVERHEAD || s->contact_len < VAULT_OVERHEAD))
		rc = VG_ECORRUPT;
	if (rc == 0)
		rc = vault_unseal(r->c->v, "insured", "ident", id, s->ident, s->ident_len, pt)
		             ? VG_ECRYPTO
		             : record_unpack_ident(pt, s->ident_len - VAULT_OVERHEAD, &out->ident);
	if (rc == 0)
		rc = vault_unseal(r->c->v, "insured", "contact", id, s->contact, s->contact_len, pt)
		             ? VG_ECRYPTO
		             : record_unpack_contact(pt, s->contact_len - VAULT_OVERHEAD,
		                                     &out->contact);
	sodium_memzero(pt, sizeof(pt));
	free(s);
	while (lo < hi) { /* the person's place in the set (ids are sorted) */
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (rc == 0 && lo < affected_size(r->x->set) && ids[lo] == id) {
		struct affected_person ap;

		affected_person_at(r->x->set, lo, &ap, NULL, 0);
		out->facts = (struct message_facts){ ap.fields, ap.first_ms, ap.last_ms };
	} else if (rc == 0) {
		/* In the outbox from an earlier run, no longer in the set (cannot shrink): say little. */
		out->facts = (struct message_facts){ 1u << AFF_IDENTIFIER, r->x->inc.opened_ms,
			                             r->x->inc.opened_ms };
	}
	return rc;
}

static int64_t now_ms(struct run *r)
{
	return r->cfg->now_ms(r->cfg->now_arg);
}

/* Sleep as the rate asks, before handing over n more messages. */
static void pace(struct run *r, int64_t n)
{
	int64_t due, now;

	if (r->cfg->rate <= 0)
		return;
	pthread_mutex_lock(&r->lock);
	r->paced += n;
	due = r->t0_ms + (int64_t)((double)r->paced * 1000.0 / r->cfg->rate);
	pthread_mutex_unlock(&r->lock);
	now = now_ms(r);
	if (due > now) {
		struct timespec ts = { (due - now) / 1000, ((due - now) % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			if (r->cfg->stop && *r->cfg->stop)
				break;
	}
}

static int stopped(struct run *r)
{
	return r->cfg->stop && *r->cfg->stop;
}

static int report(struct run *r)
{
	int64_t counts[4];

	if (store_outbox_counts(r->c->st, r->camp.id, counts) == 0) {
		r->p.sent = counts[OUTBOX_SENT];
		r->p.failed = counts[OUTBOX_FAILED];
		r->p.total = counts[0] + counts[1] + counts[2] + counts[3];
	}
	r->p.elapsed_ms = now_ms(r) - r->t0_ms;
	return r->cfg->progress ? r->cfg->progress(r->cfg->progress_arg, &r->p) : 0;
}

/* Give row o its message, once: a new one (row SENDING, in the caller's transaction) or its own. */
static int row_message(struct run *r, struct store_outbox *o, const struct person *who,
                       struct store_message *m)
{
	static const char *const NAMES[] = { "email", "letter", "sms" };
	char code[MSGCODE_TEXT];
	int rc;

	if (o->message_id != 0)
		return store_message_get(r->c->st, o->message_id, m);
	rc = message_create(r->c->st, r->c->v, o->person_id, r->camp.id, NAMES[r->ch], &who->ident,
	                    &who->facts, now_ms(r), m, code);
	sodium_memzero(code, sizeof(code));
	if (rc != 0)
		return rc;
	o->state = OUTBOX_SENDING;
	o->message_id = m->id;
	o->updated_ms = m->created_ms;
	return store_outbox_set(r->c->st, o);
}

static int row_finish(struct run *r, struct store_outbox *o, int state)
{
	o->state = state;
	o->updated_ms = now_ms(r);
	return store_outbox_set(r->c->st, o);
}

/* Free a run's buffers, the message and its text wiped first. */
static void release(struct store_outbox *rows, struct store_message *m, char *text)
{
	if (m)
		sodium_memzero(m, sizeof(*m));
	if (text)
		sodium_memzero(text, MESSAGE_TEXT_MAX + 1);
	free(rows);
	free(m);
	free(text);
}

/* ---- e-mail: one row at a time ---- */

static int send_email(struct run *r, struct mailer *mailer, struct store_outbox *o,
                      struct store_message *m, char *text)
{
	struct person who;
	struct jw w;
	char mid[40], err[128];
	int rc;

	if ((rc = person_load(r, o->person_id, &who)) != 0)
		return fail(r, rc, "a person's record cannot be read (%s)", vg_strerror(rc));
	if (o->message_id == 0) {
		if ((rc = store_begin(r->c->st)) != 0) {
			fail(r, rc, "the outbox cannot be updated (%s)", vg_strerror(rc));
			goto out;
		}
		rc = row_message(r, o, &who, m);
		rc = end_txn(r->c->st, rc);
	} else {
		rc = row_message(r, o, &who, m);
	}
	if (rc != 0 || (rc = message_text(r->c->v, m, text, NULL)) != 0) {
		fail(r, rc, "the message cannot be stored or read (%s)", vg_strerror(rc));
		goto out;
	}
	snprintf(mid, sizeof(mid), "m%016llx", (unsigned long long)m->id);
	jw_init(&w, 8192);
	rc = mail_format(r->cfg->from, who.contact.email, m->subject, text, mid, m->created_ms, &w);
	for (int tries = 0; rc == 0; tries++) {
		o->attempts++;
		rc = mailer_send(mailer, who.contact.email, w.buf, w.len, err);
		if (rc == 0) {
			rc = row_finish(r, o, OUTBOX_SENT);
			pthread_mutex_lock(&r->lock);
			r->p.this_run++;
			pthread_mutex_unlock(&r->lock);
			break;
		}
		if (rc == VG_EINVAL) { /* refused for good: this address will not take it */
			rc = row_finish(r, o, OUTBOX_FAILED);
			break;
		}
		if (tries + 1 >= MAIL_RETRIES || stopped(r)) {
			VG_IGNORE(store_outbox_set(r->c->st,
			                           o)); /* keep the attempts; still SENDING */
			rc = fail(
			        r, VG_EBUSY,
			        "the mail server does not take messages (%s): run the same command "
			        "again to resume",
			        err);
			break;
		}
		/* At once on a new connection, then waiting 1, 2, 4... seconds. */
		if (tries > 0)
			sleep(1u << (tries - 1));
		rc = 0;
	}
	if (rc == VG_EINVAL)
		fail(r, rc, "an address cannot be written in a message (%s)", vg_strerror(rc));
	jw_release(&w);
out:
	sodium_memzero(&who, sizeof(who));
	return rc;
}

struct sender {
	struct run *r;
	struct mailer *mailer;
	pthread_t thread;
	int started;
};

/* One sender: rows of the current batch, one at a time, on its own SMTP connection. */
static void *sender(void *arg)
{
	struct sender *sd = arg;
	struct run *r = sd->r;
	struct store_message *m = malloc(sizeof(*m));
	char *text = malloc(MESSAGE_TEXT_MAX + 1);
	int rc;

	pthread_mutex_lock(&r->lock);
	if (!m || !text)
		r->error = VG_ENOMEM;
	for (;;) {
		while (!r->quit && (r->next >= r->n || r->error))
			pthread_cond_wait(&r->more, &r->lock);
		if (r->quit)
			break;
		struct store_outbox *o = &r->rows[r->next++];

		pthread_mutex_unlock(&r->lock);
		pace(r, 1);
		rc = stopped(r) ? 0 : send_email(r, sd->mailer, o, m, text);
		pthread_mutex_lock(&r->lock);
		if (rc != 0 && !r->error)
			r->error = rc;
		if (++r->finished == r->n || r->error || stopped(r))
			pthread_cond_signal(&r->done);
	}
	pthread_mutex_unlock(&r->lock);
	release(NULL, m, text);
	return NULL;
}

static int run_email(struct run *r)
{
	struct sender sd[CAMPAIGN_SENDERS_MAX] = { { 0 } };
	size_t k = r->cfg->senders ? r->cfg->senders : CAMPAIGN_SENDERS_DEFAULT;
	int64_t after = 0;
	size_t n;
	int rc = 0;

	r->rows = calloc(ROWS, sizeof(*r->rows));
	if (!r->rows)
		return fail(r, VG_ENOMEM, "out of memory (%s)", vg_strerror(VG_ENOMEM));
	for (size_t i = 0; i < k && rc == 0; i++) {
		sd[i].r = r;
		if ((rc = mailer_new(r->cfg->smtp_url, r->cfg->from, &sd[i].mailer)) != 0)
			fail(r, rc, "the mail server or sender address is not usable (%s)",
			     vg_strerror(rc));
		else if (pthread_create(&sd[i].thread, NULL, sender, &sd[i]) != 0)
			rc = fail(r, VG_ENOMEM, "%s", "cannot start the senders");
		else
			sd[i].started = 1;
	}
	while (rc == 0 && !stopped(r)) {
		if ((rc = store_outbox_next(r->c->st, r->camp.id, after, r->rows, ROWS, &n)) != 0) {
			fail(r, rc, "the outbox cannot be read (%s)", vg_strerror(rc));
			break;
		}
		if (n == 0)
			break;
		pthread_mutex_lock(&r->lock);
		r->n = n;
		r->next = r->finished = 0;
		pthread_cond_broadcast(&r->more);
		/* The batch is done when every row taken is finished (all of them, unless stopped). */
		while (!(r->finished == r->n ||
		         ((r->error || stopped(r)) && r->finished == r->next)))
			pthread_cond_wait(&r->done, &r->lock);
		rc = r->error;
		r->n = r->next = 0;
		pthread_mutex_unlock(&r->lock);
		after = r->rows[n - 1].person_id;
		if (rc == 0 && report(r) != 0 && r->cfg->stop)
			*r->cfg->stop = 1;
	}
	pthread_mutex_lock(&r->lock);
	r->quit = 1;
	pthread_cond_broadcast(&r->more);
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < k; i++) {
		if (sd[i].started)
			pthread_join(sd[i].thread, NULL);
		mailer_free(sd[i].mailer);
	}
	if (rc != 0 && !r->why[0])
		fail(r, rc, "a message cannot be sent (%s)", vg_strerror(rc));
	free(r->rows);
	r->rows = NULL;
	return rc;
}

/* ---- letters and SMS: files of a batch each ---- */

struct sms_file {
	FILE *f;
	size_t n;
};

static void batch_name(const struct run *r, int64_t first, int64_t last, size_t n, int tmp,
                       char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s-c%lld-%012lld-%012lld-%zu.%s%s", r->cfg->out_dir,
	         r->ch == CH_LETTER ? "letters" : "sms", (long long)r->camp.id, (long long)first,
	         (long long)last, n, r->ch == CH_LETTER ? "pdf" : "jsonl", tmp ? ".tmp" : "");
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd >= 0 && fsync(fd) == 0 ? 0 : VG_EIO;

	if (fd >= 0)
		close(fd);
	return rc;
}

/* Remove "<kind>-c<campaign>-*.tmp" left by a run that died before renaming. */
static void remove_strays(const struct run *r)
{
	char prefix[64], path[4096];
	DIR *d = opendir(r->cfg->out_dir);
	struct dirent *e;

	if (!d)
		return;
	snprintf(prefix, sizeof(prefix), "%s-c%lld-", r->ch == CH_LETTER ? "letters" : "sms",
	         (long long)r->camp.id);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && len > 4 &&
		    strcmp(e->d_name + len - 4, ".tmp") == 0) {
			snprintf(path, sizeof(path), "%s/%s", r->cfg->out_dir, e->d_name);
			VG_IGNORE(unlink(path));
		}
	}
	closedir(d);
}

static int sms_line(struct sms_file *s, const struct person *who, const char *text)
{
	struct jw w;
	int rc;

	jw_init(&w, 1024);
	jw_obj(&w);
	jw_kstr(&w, "to", who->contact.phone);
	jw_kstr(&w, "text", text);
	jw_end(&w);
	rc = jw_finish(&w);
	if (rc == 0 && (fwrite(w.buf, 1, w.len, s->f) != w.len || fputc('\n', s->f) == EOF))
		rc = VG_EIO;
	jw_release(&w);
	s->n++;
	return rc;
}

static int sms_close(struct sms_file *s)
{
	int rc = fflush(s->f) == 0 && fsync(fileno(s->f)) == 0 ? 0 : VG_EIO;

	if (fclose(s->f) != 0)
		rc = VG_EIO;
	return rc;
}

/* Write rows[0..n) (all with their message) into one file, then mark them SENT. */
static int write_batch(struct run *r, struct store_outbox *rows, size_t n, struct store_message *m,
                       char *text)
{
	char tmp[4096], final[4096], code[MSGCODE_TEXT], date[48], addr[400];
	struct letter_batch *lb = NULL;
	struct sms_file sf = { NULL, 0 };
	struct person who;
	int rc = 0, fd;

	batch_name(r, rows[0].person_id, rows[n - 1].person_id, n, 1, tmp, sizeof(tmp));
	batch_name(r, rows[0].person_id, rows[n - 1].person_id, n, 0, final, sizeof(final));
	if (r->ch == CH_LETTER) {
		rc = letter_batch_open(tmp, &lb);
	} else {
		fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
		sf.f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!sf.f && fd >= 0)
			close(fd);
		rc = sf.f ? 0 : VG_EIO;
	}
	if (rc != 0)
		return fail(r, rc, "the output file cannot be created (%s)", vg_strerror(rc));
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = person_load(r, rows[i].person_id, &who)) != 0 ||
		    (rc = store_message_get(r->c->st, rows[i].message_id, m)) != 0 ||
		    (rc = message_text(r->c->v, m, text, code)) != 0) {
			sodium_memzero(&who, sizeof(who));
			fail(r, rc, "a person's message cannot be read (%s)", vg_strerror(rc));
			break;
		}
		if (r->ch == CH_LETTER) {
			texts_date_long(m->created_ms, date);
			snprintf(addr, sizeof(addr), "%s %s\n%s\n%s %s", who.ident.given,
			         who.ident.family, who.contact.line, who.contact.postal,
			         who.contact.city);
			rc = letter_add(lb, addr, date, m->subject, text, code);
			if (rc ==
			    VG_EINVAL) { /* this person's address cannot be printed: the others go on */
				rows[i].state = OUTBOX_FAILED;
				rc = 0;
			}
		} else {
			rc = sms_line(&sf, &who, text);
		}
		sodium_memzero(&who, sizeof(who));
		if (rc != 0)
			fail(r, rc, "a letter cannot be written (%s)", vg_strerror(rc));
	}
	if (r->ch == CH_LETTER) {
		if (rc == 0)
			rc = letter_batch_close(lb);
		else
			letter_batch_abort(lb);
	} else {
		int rc2 = sms_close(&sf);

		rc = rc ? rc : rc2;
	}
	if (rc == 0 && rename(tmp, final) != 0)
		rc = VG_EIO;
	if (rc == 0)
		rc = sync_dir(r->cfg->out_dir);
	if (rc != 0) {
		VG_IGNORE(unlink(tmp));
		return r->why[0] ? rc
		                 : fail(r, rc, "the output file cannot be written (%s)",
		                        vg_strerror(rc));
	}
	/* In the directory for good: now the rows are SENT. */
	if ((rc = store_begin(r->c->st)) != 0)
		return fail(r, rc, "the outbox cannot be updated (%s)", vg_strerror(rc));
	for (size_t i = 0; i < n && rc == 0; i++) {
		int failed = rows[i].state == OUTBOX_FAILED;

		rc = row_finish(r, &rows[i], failed ? OUTBOX_FAILED : OUTBOX_SENT);
		r->p.this_run += !failed;
	}
	rc = end_txn(r->c->st, rc);
	if (rc != 0)
		return fail(r, rc, "the outbox cannot be updated (%s)", vg_strerror(rc));
	return 0;
}

static int run_files(struct run *r)
{
	size_t batch = r->cfg->batch ? r->cfg->batch : CAMPAIGN_BATCH_DEFAULT;
	struct store_outbox *rows = calloc(batch, sizeof(*rows));
	struct store_message *m = malloc(sizeof(*m));
	char *text = malloc(MESSAGE_TEXT_MAX + 1);
	struct person who;
	int64_t after = 0;
	size_t n;
	int rc = 0;

	if (!rows || !m || !text) {
		rc = fail(r, VG_ENOMEM, "out of memory (%s)", vg_strerror(VG_ENOMEM));
		goto out;
	}
	remove_strays(r);
	while (rc == 0 && !stopped(r)) {
		if ((rc = store_outbox_next(r->c->st, r->camp.id, after, rows, batch, &n)) != 0) {
			fail(r, rc, "the outbox cannot be read (%s)", vg_strerror(rc));
			break;
		}
		if (n == 0)
			break;
		pace(r, (int64_t)n);
		/* Each row gets its message once, in one commit for the batch. */
		if ((rc = store_begin(r->c->st)) != 0) {
			fail(r, rc, "the outbox cannot be updated (%s)", vg_strerror(rc));
			break;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (rows[i].message_id != 0)
				continue;
			if ((rc = person_load(r, rows[i].person_id, &who)) == 0)
				rc = row_message(r, &rows[i], &who, m);
			sodium_memzero(&who, sizeof(who));
		}
		rc = end_txn(r->c->st, rc);
		if (rc != 0) {
			fail(r, rc, "the messages cannot be stored (%s)", vg_strerror(rc));
			break;
		}
		rc = write_batch(r, rows, n, m, text);
		after = rows[n - 1].person_id;
		if (rc == 0 && report(r) != 0 && r->cfg->stop)
			*r->cfg->stop = 1;
	}
out:
	release(rows, m, text);
	return rc;
}

/* ---- the campaign ---- */

/* Everyone in the set with an address for the channel into *ids (malloc'd). */
static int recipients(struct run *r, int64_t **ids, size_t *n)
{
	size_t all = affected_size(r->x->set);
	const int64_t *set = affected_ids(r->x->set);
	struct person who;
	int rc = 0;

	*n = 0;
	*ids = malloc((all ? all : 1) * sizeof(**ids));
	if (!*ids)
		return VG_ENOMEM;
	for (size_t i = 0; i < all && rc == 0; i++) {
		rc = person_load(r, set[i], &who);
		if (rc == 0 && reachable(r->ch, &who.contact))
			(*ids)[(*n)++] = set[i];
		else if (rc == 0)
			r->p.unreachable++;
		sodium_memzero(&who, sizeof(who));
	}
	return rc;
}

static int check_cfg(struct run *r)
{
	const struct campaign_cfg *g = r->cfg;

	if (!g->channel || !g->now_ms)
		return fail(r, VG_EINVAL, "%s", "a channel and a clock are needed");
	if (strcmp(g->channel, "email") == 0)
		r->ch = CH_EMAIL;
	else if (strcmp(g->channel, "letter") == 0)
		r->ch = CH_LETTER;
	else if (strcmp(g->channel, "sms") == 0)
		r->ch = CH_SMS;
	else
		return fail(r, VG_EINVAL, "unknown channel \"%s\": email, letter or sms",
		            strlen(g->channel) < 16 ? g->channel : "?");
	if (r->ch == CH_EMAIL && (!g->smtp_url || !g->from || !mail_address_ok(g->from)))
		return fail(r, VG_EINVAL, "%s",
		            "e-mail needs a mail server (--smtp smtp://host:port) and a sender "
		            "address (--from)");
	if (r->ch != CH_EMAIL && (!g->out_dir || access(g->out_dir, W_OK) != 0))
		return fail(r, VG_EINVAL, "%s",
		            "letters and SMS need an output directory that exists (--out DIR)");
	if (g->senders > CAMPAIGN_SENDERS_MAX)
		return fail(r, VG_EINVAL, "%s",
		            "at most 16 connections to the mail server at once");
	if (g->batch > CAMPAIGN_BATCH_MAX)
		return fail(r, VG_EINVAL, "%s", "at most 5000 letters per file");
	if (g->rate < 0)
		return fail(r, VG_EINVAL, "%s", "the rate is a number of messages per second");
	return 0;
}

int campaign_run(struct incident_ctx *c, int64_t id, const struct campaign_cfg *cfg,
                 struct campaign_progress *out, char why[BODY_WHY_MAX])
{
	struct run r = { .c = c, .cfg = cfg, .why = why };
	int64_t *ids = NULL, added = 0;
	size_t n = 0;
	char route[32];
	int rc;

	why[0] = '\0';
	memset(out, 0, sizeof(*out));
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.more, NULL);
	pthread_cond_init(&r.done, NULL);
	if ((rc = check_cfg(&r)) != 0)
		goto out;
	if (!(r.x = calloc(1, sizeof(*r.x))))
		return fail(&r, VG_ENOMEM, "out of memory (%s)", vg_strerror(VG_ENOMEM));
	r.t0_ms = now_ms(&r);
	if ((rc = incident_load(c->st, c->v, id, r.x)) != 0) {
		if (rc == VG_ENOTFOUND)
			fail(&r, rc, "no such incident");
		else
			fail(&r, rc, "the incident cannot be read (%s)", vg_strerror(rc));
		goto out;
	}
	if ((rc = recipients(&r, &ids, &n)) != 0) {
		fail(&r, rc, "the affected people cannot be read (%s)", vg_strerror(rc));
		goto out;
	}
	r.camp = (struct store_campaign){ .incident_id = id,
		                          .created_ms = r.t0_ms,
		                          .created_by = c->by };
	snprintf(r.camp.channel, sizeof(r.camp.channel), "%s", cfg->channel);
	if ((rc = store_campaign_put(c->st, &r.camp, ids, n, &added)) != 0) {
		fail(&r, rc, "the campaign cannot be stored (%s)", vg_strerror(rc));
		goto out;
	}
	r.p.campaign_id = r.camp.id;
	/* Accountable before anything leaves: who sends what to how many. */
	snprintf(route, sizeof(route), "notify.%s", cfg->channel);
	c->now_ms = r.t0_ms;
	if ((rc = incident_record(c, id, route, (int64_t)n)) != 0) {
		fail(&r, rc, "the journal cannot record the campaign (%s): nothing was sent",
		     vg_strerror(rc));
		goto out;
	}
	rc = r.ch == CH_EMAIL ? run_email(&r) : run_files(&r);
	if (report(&r) != 0 && rc == 0 && cfg->stop)
		*cfg->stop = 1;
	if (rc == 0 && r.p.sent + r.p.failed >= r.p.total) {
		r.p.done = 1;
		VG_IGNORE(store_campaign_done(c->st, r.camp.id, now_ms(&r)));
		if (cfg->progress)
			VG_IGNORE(cfg->progress(cfg->progress_arg, &r.p));
	} else if (rc == 0) {
		rc = fail(&r, VG_EBUSY, "%s", "stopped: run the same command again to resume");
	}
out:
	*out = r.p;
	free(ids);
	if (r.x)
		incident_view_release(r.x);
	free(r.x);
	pthread_cond_destroy(&r.done);
	pthread_cond_destroy(&r.more);
	pthread_mutex_destroy(&r.lock);
	return rc;
}

int campaign_status(struct store *st, int64_t id, const char *channel,
                    struct campaign_progress *out)
{
	struct store_campaign camp;
	int64_t counts[4];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_campaign_find(st, id, channel, &camp)) != 0)
		return rc;
	if ((rc = store_outbox_counts(st, camp.id, counts)) != 0)
		return rc;
	out->campaign_id = camp.id;
	out->sent = counts[OUTBOX_SENT];
	out->failed = counts[OUTBOX_FAILED];
	out->total = counts[0] + counts[1] + counts[2] + counts[3];
	out->done = camp.done_ms != 0;
	return 0;
}
