/* directory.c - see directory.h: a direct-mapped cache, 64 shards of 64 entries. */
#include "node/directory.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include "core/banned.h"

#define SHARDS 64
#define WAYS   64

struct entry {
	struct pro_info info; /* info.id 0: empty */
	int64_t read_at;
};

struct shard {
	pthread_mutex_t lock;
	uint64_t forgets; /* directory_forget calls: a read that raced one is not cached */
	struct entry e[WAYS];
};

struct directory {
	struct store *st;
	struct shard shard[SHARDS];
};

int directory_new(struct store *st, struct directory **out)
{
	struct directory *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return VG_ENOMEM;
	d->st = st;
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&d->shard[i].lock, NULL);
	*out = d;
	return 0;
}

void directory_free(struct directory *d)
{
	if (!d)
		return;
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_destroy(&d->shard[i].lock);
	free(d);
}

static struct entry *entry_of(struct directory *d, int64_t pro_id, struct shard **s)
{
	uint64_t h = (uint64_t)pro_id * 0x9e3779b97f4a7c15ULL;

	*s = &d->shard[h >> 58];
	return &(*s)->e[(h >> 52) % WAYS];
}

void directory_forget(struct directory *d, int64_t pro_id)
{
	struct shard *s;
	struct entry *e = entry_of(d, pro_id, &s);

	pthread_mutex_lock(&s->lock);
	if (e->info.id == pro_id)
		memset(e, 0, sizeof(*e));
	s->forgets++;
	pthread_mutex_unlock(&s->lock);
}

int directory_get(struct directory *d, int64_t pro_id, int64_t now, struct pro_info *out)
{
	struct shard *s;
	struct entry *e = entry_of(d, pro_id, &s);
	struct store_pro p;
	uint64_t forgets;
	int rc, hit;

	if (pro_id <= 0)
		return VG_ENOTFOUND;
	pthread_mutex_lock(&s->lock);
	hit = e->info.id == pro_id && now - e->read_at < DIRECTORY_TTL_S && now >= e->read_at;
	if (hit)
		*out = e->info;
	forgets = s->forgets;
	pthread_mutex_unlock(&s->lock);
	if (hit)
		return 0;
	/* Read outside the lock: a slow store read holds up no other professional. */
	rc = store_pro_get_id(d->st, pro_id, &p);
	if (rc != 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = pro_id;
	memcpy(out->rpps, p.rpps, sizeof(out->rpps));
	memcpy(out->dept, p.dept, sizeof(out->dept));
	out->kind = p.kind;
	out->role = p.role;
	out->hours_set = p.hours_set;
	out->suspended = p.suspended != 0;
	out->hours = p.hours;
	sodium_memzero(&p, sizeof(p)); /* the password hash and sealed TOTP secret */
	/*
	 * A suspension written and forgotten while this read was under way may
	 * be missing from it: answer with it once, but do not cache it.
	 */
	pthread_mutex_lock(&s->lock);
	if (s->forgets == forgets) {
		e->info = *out;
		e->read_at = now;
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}
