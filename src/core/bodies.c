/* bodies.c - see bodies.h. */
#include "core/bodies.h"

#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "core/banned.h"

static int fail(const struct body_spec *spec, char *const *out, char why[BODY_WHY_MAX],
                const char *what, const char *member)
{
	for (size_t i = 0; i < spec->n; i++)
		out[i][0] = '\0';
	if (member)
		snprintf(why, BODY_WHY_MAX, "member \"%s\" %s: the body must be %s", member, what,
		         spec->shape);
	else
		snprintf(why, BODY_WHY_MAX, "%s: the body must be %s", what, spec->shape);
	return VG_EINVAL;
}

static int known(const struct body_spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->n; i++)
		if (strcmp(spec->m[i].name, key) == 0)
			return 1;
	return 0;
}

int body_parse(const char *body, size_t len, const struct body_spec *spec, char *const *out,
               char why[BODY_WHY_MAX])
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr), *v;
	const char *key;
	int rc = 0;

	why[0] = '\0';
	if (!root)
		return fail(spec, out, why, "not valid JSON (or a member is repeated)", NULL);
	if (!json_is_object(root)) {
		rc = fail(spec, out, why, "not a JSON object", NULL);
		goto out;
	}
	json_object_foreach(root, key, v)
	{
		if (!known(spec, key)) {
			rc = fail(spec, out, why, "an unknown member", NULL);
			goto out;
		}
	}
	for (size_t i = 0; i < spec->n; i++) {
		const struct body_member *m = &spec->m[i];
		const char *s;
		size_t n;

		v = json_object_get(root, m->name);
		if (!v && (m->flags & BODY_OPTIONAL)) {
			out[i][0] = '\0';
			continue;
		}
		if (!v) {
			rc = fail(spec, out, why, "is missing", m->name);
			goto out;
		}
		if (m->flags & BODY_BOOL) {
			if (!json_is_boolean(v) || m->max < 5) {
				rc = fail(spec, out, why, "must be true or false", m->name);
				goto out;
			}
			memcpy(out[i], json_is_true(v) ? "true" : "false", json_is_true(v) ? 5 : 6);
			continue;
		}
		if (!json_is_string(v)) {
			rc = fail(spec, out, why, "must be a string", m->name);
			goto out;
		}
		s = json_string_value(v);
		n = json_string_length(v);
		if (memchr(s, '\0', n)) {
			rc = fail(spec, out, why, "holds a NUL character", m->name);
			goto out;
		}
		if (n < m->min || n > m->max) {
			rc = fail(spec, out, why, n < m->min ? "is too short" : "is too long",
			          m->name);
			goto out;
		}
		if ((m->flags & BODY_DIGITS) && strspn(s, "0123456789") != n) {
			rc = fail(spec, out, why, "must be digits only", m->name);
			goto out;
		}
		memcpy(out[i], s, n + 1);
	}
out:
	json_decref(root);
	return rc;
}
