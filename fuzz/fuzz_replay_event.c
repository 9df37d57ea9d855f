/*
 * libFuzzer: one replay event line (untrusted text from FILE.jsonl), then
 * the guard on what was parsed: neither may crash, read out of bounds or
 * break the invariants below.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/event.h"
#include "core/guard.h"

static int terminated(const char *s, size_t cap)
{
	return memchr(s, 0, cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t KEY[GUARD_KEY_BYTES] = { 1 };
	struct replay_event e;
	const char *why = NULL;

	if (event_parse((const char *)data, size, &e, &why) != 0) {
		if (!why || !*why)
			abort();
		return 0;
	}
	if (!terminated(e.rpps, sizeof(e.rpps)) || !terminated(e.nir, sizeof(e.nir)) ||
	    !terminated(e.ip, sizeof(e.ip)) || !terminated(e.ua, sizeof(e.ua)) ||
	    !terminated(e.dept, sizeof(e.dept)) || !terminated(e.patient_dept, sizeof(e.patient_dept)))
		abort();
	if (!e.rpps[0] || e.t_ms < 0 || e.t_ms > EVENT_T_MAX_S * 1000 + 999)
		abort();
	if (e.profession < 0 || e.profession > 5 || e.found < -1 || e.found > 1 ||
	    e.honeytoken < -1 || e.honeytoken > 1 || e.near < -1 || e.near > 1 ||
	    e.token_moved < -1 || e.token_moved > 1 || e.open < -1 || e.open > 1)
		abort();
	if ((e.dept[0] && strlen(e.dept) < 2) || (e.patient_dept[0] && strlen(e.patient_dept) < 2))
		abort();
	{
		struct guard_cfg c;
		struct guard_account a;
		struct guard_event ge = {
			.t_ms = e.t_ms, .utc_offset_min = civil_paris_offset_min(e.t_ms / 1000),
			.profession = e.profession, .nir = e.nir, .nir_len = strlen(e.nir),
			.key_valid = e.found != 0, .found = e.found == 1, .honeytoken = e.honeytoken == 1,
			.card = e.card, .token_moved = e.token_moved == 1,
			.geo = e.near < 0 ? GUARD_GEO_UNKNOWN : e.near ? GUARD_GEO_NEAR : GUARD_GEO_FAR,
			.ip = e.ip, .ua = e.ua,
		};
		struct guard_result r;

		guard_cfg_init(&c, KEY);
		guard_account_init(&a);
		for (int i = 0; i < 3; i++) {
			r = guard_decide(&c, &a, &ge);
			if ((unsigned)r.decision >= GUARD_DECISIONS || r.reasons >> GUARD_REASONS)
				abort();
			if (ge.honeytoken && r.decision != GUARD_SUSPEND)
				abort();
			ge.t_ms += 1000;
		}
	}
	return 0;
}
