#include "core/log.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/jw.h"

static _Atomic int threshold = LOG_INFO; /* process-wide setting, like stderr itself */

static const char *const NAMES[] = { "error", "warn", "info", "debug" };

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

void log_event_(enum log_level l, const char *event, const struct log_kv *kv, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char when[40];
	struct jw w;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	jw_init(&w, 256);
	jw_obj(&w);
	jw_kstr(&w, "ts", when);
	jw_kint(&w, "ms", ts.tv_nsec / 1000000);
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
	if (jw_finish(&w) == 0 && write(STDERR_FILENO, w.buf, w.len) < 0) {
		/* nowhere left to report a failed log write */
	}
	jw_release(&w);
}
