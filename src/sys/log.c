#include "sys/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/jw.h"
#include "core/banned.h"

static _Atomic int threshold = LOG_INFO; /* process-wide setting, like stderr itself */

static const char *const NAMES[] = { "error", "warn", "info", "debug" };
/* syslog priorities (sd-daemon(3)): err, warning, info, debug. */
static const char PRIORITY[] = { '3', '4', '6', '7' };

/*
 * Where lines go: stderr (fd 2, with the journald priority prefix) or a file
 * opened by log_open (plain JSON lines). The fd is swapped under the lock
 * on reopen; writers take it with the lock too, so a line never goes to a
 * closed descriptor.
 */
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static int sink_fd = STDERR_FILENO;
static char sink_path[4096];

void log_set_level(enum log_level l)
{
	atomic_store(&threshold, (int)l);
}

void log_init_from_env(void)
{
	const char *e = getenv("VIGIE_LOG");

	for (int i = 0; e && i < 4; i++)
		if (strcmp(e, NAMES[i]) == 0)
			log_set_level((enum log_level)i);
}

int log_enabled(enum log_level l)
{
	return (int)l <= atomic_load(&threshold);
}

static int open_sink(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
}

int log_open(const char *path)
{
	int fd;

	if (strlen(path) >= sizeof(sink_path))
		return VG_ETOOBIG;
	fd = open_sink(path);
	if (fd < 0)
		return VG_EIO;
	pthread_mutex_lock(&sink_lock);
	if (sink_fd != STDERR_FILENO)
		close(sink_fd);
	sink_fd = fd;
	memcpy(sink_path, path, strlen(path) + 1);
	pthread_mutex_unlock(&sink_lock);
	return 0;
}

int log_reopen(void)
{
	int fd, rc = 0;

	pthread_mutex_lock(&sink_lock);
	if (sink_fd != STDERR_FILENO) {
		fd = open_sink(sink_path);
		if (fd >= 0) {
			close(sink_fd);
			sink_fd = fd;
		} else {
			rc = VG_EIO; /* keep writing to the old file rather than lose lines */
		}
	}
	pthread_mutex_unlock(&sink_lock);
	return rc;
}

void log_close(void)
{
	pthread_mutex_lock(&sink_lock);
	if (sink_fd != STDERR_FILENO)
		close(sink_fd);
	sink_fd = STDERR_FILENO;
	sink_path[0] = '\0';
	pthread_mutex_unlock(&sink_lock);
}

void log_event_(enum log_level l, const char *event, const struct log_kv *kv, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char when[48];
	struct jw w;
	size_t len;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	/* RFC 3339, UTC, milliseconds: 2026-12-02T06:11:40.123Z */
	len = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + len, sizeof(when) - len, ".%03ldZ", ts.tv_nsec / 1000000);
	jw_init(&w, 256);
	jw_raw(&w, "<0>", 3); /* the priority, kept or skipped below */
	jw_obj(&w);
	jw_kstr(&w, "ts", when);
	jw_kstr(&w, "level", NAMES[l]);
	jw_kstr(&w, "event", event);
	for (size_t i = 0; i < n; i++) {
		if (kv[i].is_int)
			jw_kint(&w, kv[i].k, kv[i].i);
		else
			jw_kstr(&w, kv[i].k, kv[i].s);
	}
	jw_end(&w);
	jw_raw(&w, "\n", 1);
	if (jw_finish(&w) == 0) {
		int to_stderr;
		ssize_t wr;

		w.buf[1] = PRIORITY[l];
		pthread_mutex_lock(&sink_lock);
		to_stderr = sink_fd == STDERR_FILENO;
		wr = to_stderr ? write(sink_fd, w.buf, w.len)
		               : write(sink_fd, w.buf + 3, w.len - 3);
		pthread_mutex_unlock(&sink_lock);
		(void)wr; /* nowhere left to report a failed log write */
	}
	jw_release(&w);
}

/* ---- a budget of lines a second ---------------------------------------------- */

void log_burst_init(struct log_burst *b, unsigned per_s)
{
	pthread_mutex_init(&b->lock, NULL);
	b->per_s = per_s ? per_s : 1;
	b->second = INT64_MIN;
	b->written = 0;
	b->suppressed = 0;
}

int log_burst_take(struct log_burst *b, int64_t now_ms, uint64_t *suppressed, int64_t *second)
{
	/* Floor division: a clock before 1970 (a test's offset) still has whole seconds. */
	int64_t s = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
	int ok;

	pthread_mutex_lock(&b->lock);
	*suppressed = 0;
	*second = b->second;
	/* A clock stepped back counts on in the current second: never a fresh budget. */
	if (s > b->second) {
		*suppressed = b->suppressed;
		b->second = s;
		b->written = 0;
		b->suppressed = 0;
	}
	ok = b->written < b->per_s;
	if (ok)
		b->written++;
	else
		b->suppressed++;
	pthread_mutex_unlock(&b->lock);
	return ok;
}

void log_burst_flush(struct log_burst *b, uint64_t *suppressed, int64_t *second)
{
	pthread_mutex_lock(&b->lock);
	*suppressed = b->suppressed;
	*second = b->second;
	b->suppressed = 0; /* the second and its lines written stay: no fresh budget */
	pthread_mutex_unlock(&b->lock);
}

void log_burst_release(struct log_burst *b)
{
	pthread_mutex_destroy(&b->lock);
}
