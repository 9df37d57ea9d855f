/*
 * log.h - structured logs: one JSON object a line.
 *
 *     log_event(LOG_INFO, "login.ok", LI("pro", id), LS("ip", ip));
 *
 * gives  <6>{"ts":"2026-12-02T06:11:40.123Z","level":"info","event":"login.ok","pro":3,...}
 *
 * "ts" is RFC 3339 in UTC with milliseconds. On stderr each line starts with
 * its syslog priority in angle brackets (<3> error, <4> warn, <6> info, <7>
 * debug), which journald reads as the line's priority and strips
 * (sd-daemon(3)); in a log file (log_open) lines are plain JSON.
 *
 * Never pass personal data (NIR, names, addresses, tokens, passwords): log
 * pseudonymous ids. Thread-safe (one write(2) per line).
 */
#ifndef VIGIE_SYS_LOG_H
#define VIGIE_SYS_LOG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

struct log_kv {
	const char *k;
	int is_int;
	int64_t i;
	const char *s;
};

#define LI(key, v) ((struct log_kv){ (key), 1, (int64_t)(v), NULL })
#define LS(key, v) ((struct log_kv){ (key), 0, 0, (v) })

/* Set the threshold (default LOG_INFO, or $VIGIE_LOG: error|warn|info|debug). */
void log_set_level(enum log_level l);
void log_init_from_env(void);
int log_enabled(enum log_level l);
/* Write to path (appended, created 0600) instead of stderr. 0, VG_EIO, VG_ETOOBIG. */
VG_MUST_USE int log_open(const char *path);
/* Open the file again (after logrotate moved it; SIGHUP): 0, or VG_EIO (the old one is kept). */
VG_MUST_USE int log_reopen(void);
/* Back to stderr. */
void log_close(void);
void log_event_(enum log_level l, const char *event, const struct log_kv *kv, size_t n);

#define log_event(lvl, ev, ...)                                                                    \
	do {                                                                                       \
		if (log_enabled(lvl)) {                                                            \
			const struct log_kv kv_[] = { __VA_ARGS__ };                               \
			log_event_((lvl), (ev), kv_, sizeof(kv_) / sizeof(kv_[0]));                \
		}                                                                                  \
	} while (0)

/*
 * A budget of lines a second, for lines that anyone can cause at will (one
 * per malformed request): the first per_s of each second are written, the
 * rest only counted, and the count is told once, in one summary line, when
 * a later second takes its first line (or at log_burst_flush). The time is
 * the caller's (now_ms, unix milliseconds): the budget reads no clock.
 *
 * Life cycle: log_burst_init, log_burst_take for each line, log_burst_flush,
 * log_burst_release. Thread-safe between init and release.
 */
struct log_burst {
	pthread_mutex_t lock;
	unsigned per_s;      /* lines written a second */
	int64_t second;      /* the second counted (now_ms / 1000); INT64_MIN: none yet */
	unsigned written;    /* lines written in it */
	uint64_t suppressed; /* lines of it not written */
};

/* Set up caller-owned b: per_s lines a second (at least 1). */
void log_burst_init(struct log_burst *b, unsigned per_s);
/*
 * May a line be written at now_ms? 1 or 0. When an earlier second had lines
 * suppressed, *suppressed is their number and *second that second (to be
 * written first, as one summary line), else *suppressed is 0.
 */
int log_burst_take(struct log_burst *b, int64_t now_ms, uint64_t *suppressed, int64_t *second);
/* The count not told yet (*suppressed, 0 if none) and its second, now told. */
void log_burst_flush(struct log_burst *b, uint64_t *suppressed, int64_t *second);
/* Free b's contents. */
void log_burst_release(struct log_burst *b);

#endif
