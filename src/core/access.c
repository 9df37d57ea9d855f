/* access.c - see access.h. */
#include "core/access.h"

#include <string.h>
#include "core/banned.h"

static const char *const NAMES[PRO_KINDS] = { "unknown",    "pharmacist", "gp",
	                                      "specialist", "lab",        "hospital" };
static const char *const LABELS[PRO_KINDS] = { "unknown",    "pharmacist", "general practitioner",
	                                       "specialist", "laboratory", "hospital" };

const char *access_profession_name(int kind)
{
	return kind > 0 && kind < PRO_KINDS ? NAMES[kind] : NAMES[0];
}

const char *access_profession_label(int kind)
{
	return kind > 0 && kind < PRO_KINDS ? LABELS[kind] : LABELS[0];
}

int access_profession_parse(const char *s, size_t len)
{
	for (int k = 1; k < PRO_KINDS; k++)
		if (strlen(NAMES[k]) == len && memcmp(NAMES[k], s, len) == 0)
			return k;
	return -1;
}

const char *access_purpose(const char *route)
{
	if (strncmp(route, "incident.", 9) == 0 || strncmp(route, "notify.", 7) == 0 ||
	    strncmp(route, "admin.", 6) == 0)
		return "incident-response";
	if (strncmp(route, "account.", 8) == 0 || strncmp(route, "enrol.", 6) == 0 ||
	    strcmp(route, "me") == 0 || strncmp(route, "me.", 3) == 0)
		return "account";
	return "rights-check";
}
