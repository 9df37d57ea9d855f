/* enrol.c - see enrol.h. */
#include "incident/enrol.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "incident/letter.h"
#include "incident/message.h"
#include "incident/texts.h"
#include "core/banned.h"

void enrol_compose(const struct enrol_letter *l, const char code[MSGCODE_TEXT], char subject[128],
                   char *body, size_t cap)
{
	char day[48], at[8];
	size_t n = 0;

	snprintf(subject, 128, "%s", l->reset ? TXT_RESET_S : TXT_ENROL_S);
	if (cap == 0)
		return;
	body[0] = '\0';
	texts_date_long(l->expires_ms, day); /* "Le 30 janvier 2027": the day is after "Le " */
	texts_time(l->expires_ms, at);
	message_addf(body, cap, &n, TXT_MSG_HELLO "\n\n", l->who->given, l->who->family);
	message_addf(body, cap, &n, "%s\n\n  " TXT_SECRET_WITHHELD "\n\n",
	             l->reset ? TXT_RESET : TXT_ENROL);
	message_addf(body, cap, &n, TXT_LETTER_UNTIL "\n\n", day + 3, at);
	message_addf(body, cap, &n, "%s\n\n", l->reset ? TXT_RESET_HOW : TXT_ENROL_HOW);
	message_addf(body, cap, &n, TXT_LETTER_NEVER_ASK "\n\n");
	message_addf(body, cap, &n, "%s\n\n", l->reset ? TXT_RESET_NOT_YOU : TXT_ENROL_NOT_YOU);
	message_closing(body, cap, &n, code);
}

static void compose_cb(void *arg, const char code[MSGCODE_TEXT], char subject[128], char *body,
                       size_t cap)
{
	enrol_compose(arg, code, subject, body, cap);
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd >= 0 && fsync(fd) == 0 ? 0 : VG_EIO;

	if (fd >= 0)
		close(fd);
	return rc;
}

int enrol_letter_write(struct store *st, const struct vault *v, int64_t person,
                       const struct enrol_letter *l, int64_t now_ms, const char *dir, char *path,
                       size_t cap, struct store_message *m)
{
	const struct insured_contact *k = l->where;
	char *text = malloc(MESSAGE_TEXT_MAX + 1), *paper = malloc(MESSAGE_TEXT_MAX + 1);
	char code[MSGCODE_TEXT], date[48], addr[400], tmp[4200];
	struct letter_batch *lb = NULL;
	int rc, n;

	path[0] = '\0';
	if (!text || !paper) {
		rc = VG_ENOMEM;
		goto out;
	}
	if (!k->line[0] || !k->postal[0] || !k->city[0]) {
		rc = VG_EINVAL;
		goto out;
	}
	if ((rc = message_new(st, v, person, 0, "letter", now_ms, compose_cb, (void *)l, m,
	                      code)) != 0 ||
	    (rc = message_text(v, m, text, code)) != 0 ||
	    (rc = message_reveal(text, l->secret, paper, MESSAGE_TEXT_MAX + 1)) != 0)
		goto out;
	n = snprintf(path, cap, "%s/%s-%06lld-%016llx.pdf", dir, l->reset ? "reset" : "enrol",
	             (long long)person, (unsigned long long)m->id);
	if (n < 0 || (size_t)n >= cap ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		rc = VG_ETOOBIG;
		goto out;
	}
	texts_date_long(now_ms, date);
	snprintf(addr, sizeof(addr), "%s %s\n%s\n%s %s", l->who->given, l->who->family, k->line,
	         k->postal, k->city);
	if ((rc = letter_batch_open(tmp, &lb)) != 0)
		goto out;
	rc = letter_add(lb, addr, date, m->subject, paper, code);
	if (rc == 0) {
		rc = letter_batch_close(lb);
	} else {
		letter_batch_abort(lb);
	}
	if (rc == 0 && rename(tmp, path) != 0)
		rc = VG_EIO;
	if (rc == 0)
		rc = sync_dir(dir);
	if (rc != 0)
		VG_IGNORE(unlink(tmp));
out:
	if (rc != 0 && path[0])
		path[0] = '\0';
	if (text)
		sodium_memzero(text, MESSAGE_TEXT_MAX + 1);
	if (paper)
		sodium_memzero(paper, MESSAGE_TEXT_MAX + 1);
	sodium_memzero(addr, sizeof(addr));
	sodium_memzero(code, sizeof(code));
	free(text);
	free(paper);
	return rc;
}
