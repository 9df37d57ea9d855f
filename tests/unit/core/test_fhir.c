/* FHIR shapes and request parsers (pure). Full StructureDefinition validation is in tests/js. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/fhir.h"

static void token_parameter(void **state)
{
	struct nir n;
	const char *why = NULL;

	(void)state;
	assert_int_equal(fhir_parse_nir_token("urn:oid:1.2.250.1.213.1.4.10|255081416802538", &n,
	                                      &why), 0);
	assert_string_equal(n.canon, "255081416802538");
	assert_int_equal(fhir_parse_nir_token("|253072b07300470", &n, &why), 0);
	assert_string_equal(n.canon, "253072B07300470");
	assert_int_equal(fhir_parse_nir_token("295109912611193", &n, &why), 0);
	/* The real INS-NIR system is refused: this service holds synthetic people only. */
	assert_int_equal(fhir_parse_nir_token("urn:oid:1.2.250.1.213.1.4.8|255081416802538", &n,
	                                      &why), VG_EINVAL);
	assert_non_null(strstr(why, "system"));
	assert_int_equal(fhir_parse_nir_token("urn:oid:1.2.250.1.213.1.4.10|", &n, &why), VG_EINVAL);
	assert_int_equal(fhir_parse_nir_token("a|b|c", &n, &why), VG_EINVAL);
	assert_int_equal(fhir_parse_nir_token("|255081416802539", &n, &why), VG_EINVAL); /* key */
	assert_non_null(why);
	assert_int_equal(fhir_parse_nir_token("", &n, &why), VG_EINVAL);
}

static const char *REQ_ID =
	"{\"resourceType\":\"CoverageEligibilityRequest\",\"id\":\"req-1\",\"status\":\"active\","
	"\"purpose\":[\"validation\",\"benefits\"],\"patient\":{\"identifier\":{\"system\":"
	"\"urn:oid:1.2.250.1.213.1.4.10\",\"value\":\"255081416802538\"}}}";
static const char *REQ_CONTAINED =
	"{\"resourceType\":\"CoverageEligibilityRequest\",\"contained\":[{\"resourceType\":"
	"\"Patient\",\"id\":\"p\",\"identifier\":[{\"system\":\"urn:oid:1.2.250.1.213.1.4.10\","
	"\"value\":\"253072B07300470\"}],\"birthDate\":\"2015-03-02\"}],\"purpose\":[\"benefits\"],"
	"\"patient\":{\"reference\":\"#p\"}}";

static void eligibility_request(void **state)
{
	struct fhir_elig_req rq;
	const char *why = NULL;
	static const char *const BAD[] = {
		"", "[]", "{}", "not json", "{\"resourceType\":\"Patient\"}",
		"{\"resourceType\":\"CoverageEligibilityRequest\",\"purpose\":[],\"patient\":{}}",
		"{\"resourceType\":\"CoverageEligibilityRequest\",\"purpose\":[\"x\"],\"patient\":{}}",
		"{\"resourceType\":\"CoverageEligibilityRequest\",\"purpose\":[\"benefits\"]}",
		"{\"resourceType\":\"CoverageEligibilityRequest\",\"purpose\":[\"benefits\"],"
		"\"patient\":{\"reference\":\"#nope\"}}",
		"{\"resourceType\":\"CoverageEligibilityRequest\",\"purpose\":[\"benefits\"],"
		"\"patient\":{\"identifier\":{\"system\":\"urn:oid:1.2.250.1.213.1.4.8\","
		"\"value\":\"255081416802538\"}}}",
		"{\"resourceType\":\"CoverageEligibilityRequest\",\"id\":\"bad id!\","
		"\"purpose\":[\"benefits\"],\"patient\":{\"identifier\":{\"system\":"
		"\"urn:oid:1.2.250.1.213.1.4.10\",\"value\":\"255081416802538\"}}}",
		"{\"resourceType\":\"CoverageEligibilityRequest\",\"resourceType\":\"x\"}",
	};

	(void)state;
	assert_int_equal(fhir_parse_eligibility(REQ_ID, strlen(REQ_ID), &rq, &why), 0);
	assert_string_equal(rq.nir.canon, "255081416802538");
	assert_int_equal(rq.purposes, FHIR_P_VALIDATION | FHIR_P_BENEFITS);
	assert_string_equal(rq.id, "req-1");
	assert_string_equal(rq.birth_date, "");
	assert_int_equal(fhir_parse_eligibility(REQ_CONTAINED, strlen(REQ_CONTAINED), &rq, &why), 0);
	assert_string_equal(rq.nir.canon, "253072B07300470");
	assert_string_equal(rq.birth_date, "2015-03-02");
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		why = NULL;
		assert_int_equal(fhir_parse_eligibility(BAD[i], strlen(BAD[i]), &rq, &why), VG_EINVAL);
		assert_non_null(why);
	}
}

static struct fhir_person person(void)
{
	struct fhir_person p;

	memset(&p, 0, sizeof(p));
	memcpy(p.pid, "0123456789abcdef0123456789abcdef", FHIR_PID_HEX);
	memcpy(p.ident.nir, "255081416802538", 16);
	memcpy(p.ident.family, "DURAND", 7);
	memcpy(p.ident.given, "Marie  Claire", 14);
	memcpy(p.ident.birth_date, "1955-08-12", 11);
	p.ident.sex = 'F';
	memcpy(p.rights.dept, "14", 3);
	memcpy(p.rights.start, "2020-01-01", 11);
	p.rights.active = 1;
	p.rights.c2s = C2S_FREE;
	memcpy(p.rights.c2s_end, "2027-03-31", 11);
	p.rights.ald = 1;
	memcpy(p.rights.gp_rpps, "10000000016", 12);
	memcpy(p.rights.gp_name, "Dr Paul \"Le\" MARTIN", 20);
	return p;
}

/* Parse what a writer produced; every resource must be well-formed JSON. */
static json_t *parse(struct jw *w)
{
	json_error_t e;
	json_t *j;

	assert_int_equal(jw_finish(w), 0);
	j = json_loadb(w->buf, w->len, 0, &e);
	assert_non_null(j);
	return j;
}

static void bundle_with_coverage(void **state)
{
	struct fhir_person p[2] = { person(), person() };
	struct jw w;
	json_t *b, *e;

	(void)state;
	p[1].ident.rank = 1;
	p[1].pid[0] = 'f';
	jw_init(&w, 0);
	fhir_bundle_patients(&w, "http://127.0.0.1:8080/fhir", "http://x/self", p, 2, 1);
	b = parse(&w);
	assert_string_equal(json_string_value(json_object_get(b, "type")), "searchset");
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 2);
	e = json_object_get(b, "entry");
	assert_int_equal(json_array_size(e), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(e, 0), "fullUrl")),
	                    "http://127.0.0.1:8080/fhir/Patient/0123456789abcdef0123456789abcdef");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(json_array_get(e, 2), "search"), "mode")), "include");
	/* given names split on runs of spaces */
	json_t *pat = json_object_get(json_array_get(e, 0), "resource");
	json_t *given = json_object_get(json_array_get(json_object_get(pat, "name"), 0), "given");
	assert_int_equal(json_array_size(given), 2);
	assert_string_equal(json_string_value(json_array_get(given, 1)), "Claire");
	/* the dependant's Coverage says "child" */
	json_t *cov = json_object_get(json_array_get(e, 3), "resource");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
	                        json_object_get(cov, "relationship"), "coding"), 0), "code")), "child");
	json_decref(b);
	jw_release(&w);

	jw_init(&w, 0);
	fhir_bundle_patients(&w, "http://h/fhir", "http://x/self", p, 0, 1);
	b = parse(&w);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 0);
	assert_null(json_object_get(b, "entry"));
	json_decref(b);
	jw_release(&w);
}

/* The guard's MINIMISE: the NIR, birth year and rights; no name, date, gender or physician. */
static void minimised_answers(void **state)
{
	struct fhir_person p = person();
	struct jw w;
	json_t *b, *pat, *cov;
	const char *sec;

	(void)state;
	fhir_minimise(&p);
	jw_init(&w, 0);
	fhir_bundle_patients(&w, "http://h/fhir", "http://x/self", &p, 1, 1);
	b = parse(&w);
	pat = json_object_get(json_array_get(json_object_get(b, "entry"), 0), "resource");
	cov = json_object_get(json_array_get(json_object_get(b, "entry"), 1), "resource");
	assert_null(json_object_get(pat, "name"));
	assert_null(json_object_get(pat, "gender"));
	assert_null(json_object_get(pat, "birthDate")); /* stated, not echoed */
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
	                        pat, "identifier"), 0), "value")), "255081416802538");
	sec = json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(
	                        pat, "meta"), "security"), 0), "code"));
	assert_string_equal(sec, "REDACTED");
	assert_string_equal(json_string_value(json_object_get(cov, "status")), "active");
	assert_non_null(json_object_get(cov, "class")); /* the rights: what the check needs */
	assert_null(json_object_get(cov, "extension")); /* not the attending physician */
	assert_null(json_object_get(cov, "relationship"));
	{
		json_t *cl = json_object_get(cov, "class"), *o;
		const char *v;

		/* Billing's rights (base, C2S); not ALD (health data), nor AME. */
		assert_int_equal(json_array_size(cl), 2);
		assert_string_equal(json_string_value(json_object_get(json_array_get(cl, 0), "value")),
		                    "base");
		assert_string_equal(json_string_value(json_object_get(json_array_get(cl, 1), "value")),
		                    "c2s");
		/* The bundle says what it left out, in the same words for everyone. */
		o = json_array_get(json_object_get(b, "entry"), 2);
		assert_string_equal(json_string_value(json_object_get(json_object_get(o, "search"),
		                                                      "mode")),
		                    "outcome");
		v = json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(
		                                                             o, "resource"),
		                                                     "issue"),
		                                                     0),
		                                      "diagnostics"));
		assert_string_equal(v, FHIR_VERIFY_NOTE);
	}
	assert_null(strstr(w.buf, "DURAND"));
	assert_null(strstr(w.buf, "1955"));
	assert_null(strstr(w.buf, "MARTIN"));
	assert_null(strstr(w.buf, "ald"));
	json_decref(b);
	jw_release(&w);

	/* AME, a legal status, is left out too, and so is it from an eligibility response. */
	p.rights.ame = 1;
	jw_init(&w, 0);
	fhir_bundle_coverages(&w, "http://h/fhir", "http://x/self", &p, 1);
	b = parse(&w);
	assert_null(strstr(w.buf, "\"ame\""));
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 1);
	json_decref(b);
	jw_release(&w);
}

static void verified_eligibility(void **state)
{
	struct fhir_person p = person();
	struct fhir_elig_req rq;
	const char *why;
	struct jw w;
	json_t *r, *items;

	(void)state;
	p.rights.ame = 1;
	fhir_minimise(&p);
	assert_int_equal(fhir_parse_eligibility(REQ_ID, strlen(REQ_ID), &rq, &why), 0);
	jw_init(&w, 0);
	fhir_eligibility_response(&w, "abc", "2026-11-22T10:00:00Z", &rq, &p);
	r = parse(&w);
	items = json_object_get(json_array_get(json_object_get(r, "insurance"), 0), "item");
	/* base and C2S; not AME, ALD or the attending physician */
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(r, "disposition")), FHIR_VERIFY_NOTE);
	assert_null(strstr(w.buf, "MARTIN"));
	json_decref(r);
	jw_release(&w);
}

static void eligibility_response(void **state)
{
	struct fhir_person p = person();
	struct fhir_elig_req rq;
	const char *why;
	struct jw w;
	json_t *r, *items;

	(void)state;
	assert_int_equal(fhir_parse_eligibility(REQ_ID, strlen(REQ_ID), &rq, &why), 0);
	jw_init(&w, 0);
	fhir_eligibility_response(&w, "abc", "2026-11-22T10:00:00Z", &rq, &p);
	r = parse(&w);
	assert_string_equal(json_string_value(json_object_get(r, "outcome")), "complete");
	assert_int_equal(json_array_size(json_object_get(r, "purpose")), 2);
	items = json_object_get(json_array_get(json_object_get(r, "insurance"), 0), "item");
	/* base, C2S, ALD, attending physician */
	assert_int_equal(json_array_size(items), 4);
	json_decref(r);
	jw_release(&w);
}

static void outcome_and_capability(void **state)
{
	struct jw w;
	json_t *o;

	(void)state;
	jw_init(&w, 0);
	fhir_outcome(&w, "error", "invalid", "bad \"quote\" and \x01 control");
	o = parse(&w);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "issue"), 0), "code")), "invalid");
	json_decref(o);
	jw_release(&w);
	jw_init(&w, 0);
	fhir_capability(&w, "2026-11-22", "0.1.0", "http://h/fhir");
	o = parse(&w);
	assert_string_equal(json_string_value(json_object_get(o, "fhirVersion")), "4.0.1");
	assert_int_equal(json_array_size(json_object_get(
	                     json_array_get(json_object_get(o, "rest"), 0), "resource")), 3);
	json_decref(o);
	jw_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_parameter),
		cmocka_unit_test(eligibility_request),
		cmocka_unit_test(bundle_with_coverage),
		cmocka_unit_test(minimised_answers),
		cmocka_unit_test(eligibility_response),
		cmocka_unit_test(verified_eligibility),
		cmocka_unit_test(outcome_and_capability),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
