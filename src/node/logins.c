/* logins.c - see logins.h. */
#include "node/logins.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "node/throttle.h"
#include "core/banned.h"

#define STRIPES 64

struct logins {
	struct login_policy p;
	struct throttle *ip;
	pthread_mutex_t wlock;
	struct login_watch *watch;
	pthread_mutex_t stripe[STRIPES];
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
	rc = l->watch ? throttle_new(p->ip_fail_burst, p->ip_fail_period, &l->ip) : VG_ENOMEM;
	if (rc != 0) {
		free(l->watch);
		free(l);
		return rc;
	}
	randombytes_buf(key, sizeof(key)); /* per process: addresses cannot be chosen to collide */
	login_watch_init(l->watch, key);
	sodium_memzero(key, sizeof(key));
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
	free(l);
}

const struct login_policy *logins_policy(const struct logins *l)
{
	return &l->p;
}

int64_t logins_watch_wait(struct logins *l, const char *ip, int64_t pro_id, int64_t now,
                          const char **why)
{
	int64_t w;

	pthread_mutex_lock(&l->wlock);
	w = login_watch_wait(l->watch, ip, pro_id, now, why);
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

unsigned logins_failed(struct logins *l, const char *ip, const char *rpps, int64_t pro_id,
                       int64_t now)
{
	unsigned a;

	pthread_mutex_lock(&l->wlock);
	a = login_watch_failed(l->watch, &l->p, ip, rpps, pro_id, now);
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
