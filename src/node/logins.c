/* logins.c - see logins.h. */
#include "node/logins.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "node/throttle.h"
#include "store/store.h"
#include "core/banned.h"

#define STRIPES      64
#define DECOY_SLOTS  4096 /* logins naming no account, remembered at once */
/*
 * Session marks (step-up strikes, fresh second factors) have a table of
 * their own: a flood of logins, which anyone can send, must not evict the
 * strikes of a stolen session (and so give its thief more guesses).
 */
#define MARK_SLOTS   4096
#define DECOY_PROBES 8

/* A login that names no account, failing as an account would (logins_decoy_*). */
struct decoy {
	uint8_t key[16]; /* keyed hash of (kind, login); all zero: empty */
	int32_t failed;
	int64_t until, last;
};

struct logins {
	struct login_policy p;
	struct throttle *ip;
	pthread_mutex_t wlock;
	struct login_watch *watch;
	pthread_mutex_t stripe[STRIPES];
	uint8_t dkey[crypto_generichash_KEYBYTES];
	struct decoy *decoy; /* DECOY_SLOTS, under wlock */
	struct decoy *mark;  /* MARK_SLOTS, under wlock: keyed by session kinds >= 16 */
};

int logins_new(const struct login_policy *p, struct logins **out)
{
	struct logins *l = calloc(1, sizeof(*l));
	uint8_t key[LOGIN_WATCH_KEY_BYTES];
	int rc;

	*out = NULL;
	if (!l)
		return VG_ENOMEM;
	l->p = *p;
	l->watch = malloc(sizeof(*l->watch));
	l->decoy = calloc(DECOY_SLOTS, sizeof(*l->decoy));
	l->mark = calloc(MARK_SLOTS, sizeof(*l->mark));
	rc = l->watch && l->decoy && l->mark
	             ? throttle_new(p->ip_fail_burst, p->ip_fail_period, &l->ip)
	             : VG_ENOMEM;
	if (rc != 0) {
		free(l->mark);
		free(l->decoy);
		free(l->watch);
		free(l);
		return rc;
	}
	randombytes_buf(key, sizeof(key)); /* per process: addresses cannot be chosen to collide */
	login_watch_init(l->watch, key);
	sodium_memzero(key, sizeof(key));
	randombytes_buf(l->dkey, sizeof(l->dkey));
	pthread_mutex_init(&l->wlock, NULL);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&l->stripe[i], NULL);
	*out = l;
	return 0;
}

void logins_free(struct logins *l)
{
	if (!l)
		return;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&l->stripe[i]);
	pthread_mutex_destroy(&l->wlock);
	throttle_free(l->ip);
	free(l->watch);
	free(l->decoy);
	free(l->mark);
	sodium_memzero(l->dkey, sizeof(l->dkey));
	free(l);
}

const struct login_policy *logins_policy(const struct logins *l)
{
	return &l->p;
}

_Static_assert((int)SESSION_PRO == (int)LOGIN_PRO && (int)SESSION_INSURED == (int)LOGIN_INSURED,
               "one kind number");

int64_t logins_watch_wait(struct logins *l, const char *ip, int kind, const void *login, size_t len,
                          int64_t now, const char **why)
{
	int64_t w;

	pthread_mutex_lock(&l->wlock);
	w = login_watch_wait(l->watch, ip, kind, login, len, now, why);
	pthread_mutex_unlock(&l->wlock);
	return w;
}

int64_t logins_address_wait(struct logins *l, const char *ip, int64_t now)
{
	return throttle_ip_wait(l->ip, ip, now);
}

void logins_attempt(struct logins *l, const char *ip, int64_t now)
{
	throttle_ip_fail(l->ip, ip, now);
}

void logins_succeeded(struct logins *l, const char *ip, int64_t now)
{
	throttle_ip_refund(l->ip, ip, now);
}

unsigned logins_failed(struct logins *l, const char *ip, int kind, const void *login, size_t len,
                       int64_t now)
{
	unsigned a;

	pthread_mutex_lock(&l->wlock);
	a = login_watch_failed(l->watch, &l->p, ip, kind, login, len, now);
	pthread_mutex_unlock(&l->wlock);
	return a;
}

int logins_alarm(struct logins *l, int64_t now)
{
	int a;

	pthread_mutex_lock(&l->wlock);
	a = login_watch_alarm(l->watch, &l->p, now);
	pthread_mutex_unlock(&l->wlock);
	return a;
}

static pthread_mutex_t *stripe(struct logins *l, int kind, int64_t id)
{
	uint64_t x = ((uint64_t)id * 2 + (uint64_t)(kind & 1)) * 0x9e3779b97f4a7c15ULL;

	return &l->stripe[x >> 58];
}

void logins_lock(struct logins *l, int kind, int64_t id)
{
	pthread_mutex_lock(stripe(l, kind, id));
}

void logins_unlock(struct logins *l, int kind, int64_t id)
{
	pthread_mutex_unlock(stripe(l, kind, id));
}

/*
 * The decoy of (kind, login), under wlock: its slot, or with make the
 * emptiest or oldest of its probe window (a flood evicts the oldest). NULL
 * when not found and !make.
 */
static struct decoy *decoy_of(struct logins *l, int kind, const void *login, size_t len, int make)
{
	uint8_t k[16], tag = (uint8_t)kind;
	struct decoy *oldest = NULL;
	crypto_generichash_state st;
	uint32_t h;

	crypto_generichash_init(&st, l->dkey, sizeof(l->dkey), sizeof(k));
	crypto_generichash_update(&st, &tag, 1);
	crypto_generichash_update(&st, login, len);
	crypto_generichash_final(&st, k, sizeof(k));
	k[0] |= 1; /* never all zero */
	memcpy(&h, k, sizeof(h));
	for (unsigned i = 0; i < DECOY_PROBES; i++) {
		struct decoy *d = kind >= LOGINS_STRIKE_STEP_UP ? &l->mark[(h + i) % MARK_SLOTS]
		                                                : &l->decoy[(h + i) % DECOY_SLOTS];

		if (memcmp(d->key, k, sizeof(k)) == 0)
			return d;
		if (!oldest || d->last < oldest->last)
			oldest = d;
	}
	if (!make)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	memcpy(oldest->key, k, sizeof(k));
	return oldest;
}

/* One more failure of (kind, login), its entry made if need be; under wlock. */
static struct decoy *decoy_bump(struct logins *l, int kind, const void *login, size_t len)
{
	struct decoy *d = decoy_of(l, kind, login, len, 1);

	if (d->failed < INT32_MAX)
		d->failed++;
	return d;
}

int64_t logins_decoy_lock(struct logins *l, int kind, const void *login, size_t len, int64_t now)
{
	struct decoy *d;
	int64_t until = 0;

	pthread_mutex_lock(&l->wlock);
	d = decoy_of(l, kind, login, len, 0);
	if (d && d->until > now)
		until = d->until;
	pthread_mutex_unlock(&l->wlock);
	return until;
}

void logins_decoy_failed(struct logins *l, int kind, const void *login, size_t len, int64_t now)
{
	struct decoy *d;
	int64_t lock;

	pthread_mutex_lock(&l->wlock);
	d = decoy_bump(l, kind, login, len);
	lock = login_policy_account_lock(&l->p, d->failed);
	d->until = lock == LOGIN_LOCKED_FOREVER ? INT64_MAX : lock ? now + lock : 0;
	d->last = d->until > now ? d->until : now; /* a locked decoy is the last evicted */
	pthread_mutex_unlock(&l->wlock);
}

unsigned logins_strike(struct logins *l, int kind, const void *key, size_t len, int64_t now)
{
	struct decoy *d;
	unsigned n;

	pthread_mutex_lock(&l->wlock);
	d = decoy_bump(l, kind, key, len);
	if (d->last < now)
		d->last = now;
	n = (unsigned)d->failed;
	pthread_mutex_unlock(&l->wlock);
	return n;
}

void logins_fresh_set(struct logins *l, const void *token, size_t len, int64_t now)
{
	struct decoy *d;

	pthread_mutex_lock(&l->wlock);
	d = decoy_of(l, LOGINS_FRESH, token, len, 1);
	d->until = now;
	d->last = now;
	pthread_mutex_unlock(&l->wlock);
}

int64_t logins_fresh_at(struct logins *l, const void *token, size_t len)
{
	struct decoy *d;
	int64_t t = 0;

	pthread_mutex_lock(&l->wlock);
	d = decoy_of(l, LOGINS_FRESH, token, len, 0);
	if (d)
		t = d->until;
	pthread_mutex_unlock(&l->wlock);
	return t;
}
