/* login_policy.c - see login_policy.h. */
#include "core/login_policy.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include "core/banned.h"

#define PROBE 8

void login_policy_defaults(struct login_policy *p)
{
	memset(p, 0, sizeof(*p));
	/* A person mistypes a few times; a script behind one address tries hundreds. */
	p->ip_fail_burst = 20;
	p->ip_fail_period = 60;
	/* Five tries, then 30 s, 60 s, ... up to an hour; 100 is the lock (NIST SP 800-63B). */
	p->acct_fail_free = 5;
	p->acct_fail_max = 100;
	/*
	 * Nobody honest fails on five different accounts from one address in an
	 * hour (a shared desk logs into at most two or three); a botnet trying one
	 * account from more than ten addresses an hour is not its owner.
	 */
	p->accounts_max = 5;
	p->sources_max = 10;
	p->window_s = 3600;
	p->stuffing_block_s = 3600;
	p->spread_lock_s = 900;
	/*
	 * People mistype: a node serving a region sees tens of failed insured
	 * logins an hour. A list of stolen pairs fails nine times in ten: 200 in
	 * an hour is a list, and for the next hour a new client of an account
	 * without a second factor confirms with a code sent by e-mail.
	 */
	p->spray_max = 200;
	p->spray_s = 3600;
}

int64_t login_policy_account_lock(const struct login_policy *p, int32_t failed)
{
	unsigned max_n = p->acct_fail_max > 100 ? 100 : p->acct_fail_max;
	int64_t secs;
	int32_t over;

	if (failed >= (int32_t)max_n)
		return LOGIN_LOCKED_FOREVER;
	if (failed < (int32_t)p->acct_fail_free)
		return 0;
	over = failed - (int32_t)p->acct_fail_free;
	secs = over >= 7 ? 3600 : (int64_t)30 << over;
	return secs > 3600 ? 3600 : secs;
}

void login_watch_init(struct login_watch *w, const uint8_t hkey[LOGIN_WATCH_KEY_BYTES])
{
	memset(w, 0, sizeof(*w));
	memcpy(w->hkey, hkey, LOGIN_WATCH_KEY_BYTES);
}

static uint64_t hash(const struct login_watch *w, const char *s, size_t n)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t k;

	_Static_assert(crypto_shorthash_KEYBYTES == LOGIN_WATCH_KEY_BYTES, "a SipHash key");
	crypto_shorthash(h, (const unsigned char *)s, n, w->hkey);
	memcpy(&k, h, sizeof(k));
	return k ? k : 1;
}

/* "ip:<address>" and "login:<kind><bytes>": the two kinds of key, never equal. */
static uint64_t ip_key(const struct login_watch *w, const char *ip)
{
	char b[64];
	int n = snprintf(b, sizeof(b), "ip:%s", ip);

	return hash(w, b, n > 0 && (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

/*
 * The login as typed (or its blind index), not the account it names: a
 * login without an account is watched exactly like one with, so a spread
 * lock tells nothing about which logins exist.
 */
static uint64_t login_key(const struct login_watch *w, int kind, const void *login, size_t len)
{
	char b[sizeof("login:") + 1 + LOGIN_WATCH_LOGIN_MAX];

	if (len > LOGIN_WATCH_LOGIN_MAX)
		len = LOGIN_WATCH_LOGIN_MAX;
	memcpy(b, "login:", 6);
	b[6] = (char)('0' + (kind & 7));
	memcpy(b + 7, login, len);
	return hash(w, b, len + 7);
}

static const struct login_watch_cell *find(const struct login_watch *w, uint64_t key)
{
	size_t base = (size_t)(key % LOGIN_WATCH_SLOTS);

	for (size_t i = 0; i < PROBE; i++) {
		const struct login_watch_cell *c = &w->cell[(base + i) % LOGIN_WATCH_SLOTS];

		if (c->key == key)
			return c;
	}
	return NULL;
}

/* key's cell, taking the oldest of its probe window if absent. */
static struct login_watch_cell *get(struct login_watch *w, uint64_t key)
{
	size_t base = (size_t)(key % LOGIN_WATCH_SLOTS);
	struct login_watch_cell *victim = NULL;

	for (size_t i = 0; i < PROBE; i++) {
		struct login_watch_cell *c = &w->cell[(base + i) % LOGIN_WATCH_SLOTS];

		if (c->key == key)
			return c;
		if (!victim || c->key == 0 || (victim->key != 0 && c->last < victim->last))
			victim = c;
	}
	memset(victim, 0, sizeof(*victim));
	victim->key = key;
	return victim;
}

static int64_t blocked(const struct login_watch *w, uint64_t key, int64_t now)
{
	const struct login_watch_cell *c = find(w, key);

	return c && c->blocked_until > now ? c->blocked_until - now : 0;
}

int64_t login_watch_wait(const struct login_watch *w, const char *ip, int kind, const void *login,
                         size_t len, int64_t now, const char **why)
{
	int64_t s = blocked(w, ip_key(w, ip), now);

	if (s > 0) {
		*why = "too many accounts tried from this address";
		return s;
	}
	if (login && (s = blocked(w, login_key(w, kind, login, len), now)) > 0)
		*why = "too many failed logins on this account";
	return s;
}

/* Count item against key's window; returns the distinct items now in it. */
static unsigned count(struct login_watch *w, const struct login_policy *p, uint64_t key,
                      uint64_t item, int64_t now)
{
	struct login_watch_cell *c = get(w, key);

	if (now - c->start >= p->window_s) {
		/* A new window; a block outlives it. */
		c->start = now;
		c->n = 0;
	}
	if (c->last < now)
		c->last = now;
	for (uint32_t i = 0; i < c->n && i < LOGIN_WATCH_ITEMS; i++)
		if (c->item[i] == item)
			return c->n;
	if (c->n < LOGIN_WATCH_ITEMS)
		c->item[c->n] = item;
	if (c->n < 255)
		c->n++;
	return c->n;
}

static void block(struct login_watch *w, uint64_t key, int64_t until)
{
	struct login_watch_cell *c = get(w, key);

	if (until > c->blocked_until)
		c->blocked_until = until;
	if (c->last < until)
		c->last = until; /* a blocked key is the last to be evicted */
}

/* One more failed insured login on the node: raises the alarm at spray_max in a window. */
static unsigned spray(struct login_watch *w, const struct login_policy *p, int64_t now)
{
	if (p->spray_max == 0)
		return 0;
	if (now - w->spray_start >= p->window_s) {
		w->spray_start = now;
		w->spray_n = 0;
	}
	if (w->spray_n < UINT32_MAX)
		w->spray_n++;
	if (w->spray_n < p->spray_max)
		return 0;
	/* Each failure past the mark keeps it raised; only the first one tells. */
	if (w->spray_until <= now) {
		w->spray_until = now + p->spray_s;
		return LOGIN_SPRAY_ALARM;
	}
	w->spray_until = now + p->spray_s;
	return 0;
}

int login_watch_alarm(const struct login_watch *w, const struct login_policy *p, int64_t now)
{
	return p->spray_max == 0 || w->spray_until > now;
}

unsigned login_watch_failed(struct login_watch *w, const struct login_policy *p, const char *ip,
                            int kind, const void *login, size_t len, int64_t now)
{
	uint64_t k = ip_key(w, ip);
	unsigned n, actions = 0;
	char b[LOGIN_WATCH_LOGIN_MAX + 1];

	/* The login's item: kind and bytes, so that an RPPS and a NIR never meet. */
	if (len > LOGIN_WATCH_LOGIN_MAX)
		len = LOGIN_WATCH_LOGIN_MAX;
	b[0] = (char)('0' + (kind & 7));
	memcpy(b + 1, login, len);
	if (kind == LOGIN_INSURED)
		actions |= spray(w, p, now);
	n = count(w, p, k, hash(w, b, len + 1), now);
	if (n == p->accounts_max) {
		block(w, k, now + p->stuffing_block_s);
		actions |= LOGIN_STUFFING_BLOCKED;
	}
	k = login_key(w, kind, login, len);
	n = count(w, p, k, hash(w, ip, strlen(ip)), now);
	if (n > p->sources_max) {
		block(w, k, now + p->spread_lock_s);
		if (n == p->sources_max + 1)
			actions |= LOGIN_SPREAD_LOCKED;
	}
	return actions;
}
