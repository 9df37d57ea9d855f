/*
 * log.h - structured logs: one JSON object a line on stderr.
 *
 *     log_event(LOG_INFO, "login.ok", LI("pro", id), LS("ip", ip));
 *
 * Never pass personal data (NIR, names, addresses, tokens, passwords): log
 * pseudonymous ids. Thread-safe (one write(2) per line).
 */
#ifndef VIGIE_CORE_LOG_H
#define VIGIE_CORE_LOG_H

#include <stddef.h>
#include <stdint.h>

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
void log_event_(enum log_level l, const char *event, const struct log_kv *kv, size_t n);

#define log_event(lvl, ev, ...)                                                    \
	do {                                                                       \
		if (log_enabled(lvl)) {                                            \
			const struct log_kv kv_[] = { __VA_ARGS__ };               \
			log_event_((lvl), (ev), kv_, sizeof(kv_) / sizeof(kv_[0])); \
		}                                                                  \
	} while (0)

#endif
