/*
 * fhir.c - see fhir.h. Codes follow FHIR R4 (4.0.1) value sets; the rights
 * that French coverage adds (C2S, AME, ALD 100 %, attending physician) use
 * vigie's own CodeSystem, since FR Core defines no Coverage profile.
 */
#include "core/fhir.h"

#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "core/banned.h"

#define BODY_DEPTH_MAX 16

int fhir_parse_nir_token(const char *param, struct nir *nir, const char **why)
{
	const char *bar = strchr(param, '|');
	const char *value = param;
	enum nir_fault f;

	if (bar) {
		size_t slen = (size_t)(bar - param);

		if (slen != 0 && (slen != strlen(FHIR_NIR_SYSTEM) ||
		                  memcmp(param, FHIR_NIR_SYSTEM, slen) != 0)) {
			*why = "identifier system must be " FHIR_NIR_SYSTEM " (INS-NIR TEST)";
			return VG_EINVAL;
		}
		value = bar + 1;
		if (strchr(value, '|')) {
			*why = "identifier must be system|value";
			return VG_EINVAL;
		}
	}
	if (*value == '\0') {
		*why = "identifier value is empty";
		return VG_EINVAL;
	}
	if (nir_parse(value, strlen(value), nir, &f) != 0) {
		*why = nir_fault_str(f);
		return VG_EINVAL;
	}
	return 0;
}

/* The identifier object {"system","value"} holding a NIR. */
static int parse_identifier(json_t *idf, struct nir *nir, const char **why)
{
	json_t *sys = json_object_get(idf, "system"), *val = json_object_get(idf, "value");
	enum nir_fault f;

	if (!json_is_object(idf) || !json_is_string(val)) {
		*why = "patient.identifier must have a string value";
		return VG_EINVAL;
	}
	if (!json_is_string(sys) || strcmp(json_string_value(sys), FHIR_NIR_SYSTEM) != 0) {
		*why = "patient.identifier.system must be " FHIR_NIR_SYSTEM " (INS-NIR TEST)";
		return VG_EINVAL;
	}
	if (nir_parse(json_string_value(val), json_string_length(val), nir, &f) != 0) {
		*why = nir_fault_str(f);
		return VG_EINVAL;
	}
	return 0;
}

static int is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	return 1;
}

/* Find the contained resource with id ref+1 ("#p1" -> "p1"). */
static json_t *contained(json_t *root, const char *ref)
{
	json_t *arr = json_object_get(root, "contained"), *it;
	size_t i;

	if (!json_is_array(arr) || ref[0] != '#')
		return NULL;
	json_array_foreach(arr, i, it)
	{
		json_t *id = json_object_get(it, "id");

		if (json_is_string(id) && strcmp(json_string_value(id), ref + 1) == 0)
			return it;
	}
	return NULL;
}

static int parse_purposes(json_t *arr, int *out, const char **why)
{
	static const struct {
		const char *code;
		int bit;
	} P[] = {
		{ "auth-requirements", FHIR_P_AUTH },
		{ "discovery", FHIR_P_DISCOVERY },
		{ "validation", FHIR_P_VALIDATION },
		{ "benefits", FHIR_P_BENEFITS },
	};
	json_t *it;
	size_t i;

	*out = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > 4) {
		*why = "purpose must be a non-empty array of codes";
		return VG_EINVAL;
	}
	json_array_foreach(arr, i, it)
	{
		size_t k;

		if (!json_is_string(it))
			goto bad;
		for (k = 0; k < sizeof(P) / sizeof(P[0]); k++)
			if (strcmp(json_string_value(it), P[k].code) == 0)
				break;
		if (k == sizeof(P) / sizeof(P[0]))
			goto bad;
		*out |= P[k].bit;
	}
	return 0;
bad:
	*why = "purpose codes are auth-requirements, benefits, discovery, validation";
	return VG_EINVAL;
}

int fhir_parse_eligibility(const char *body, size_t len, struct fhir_elig_req *out,
                           const char **why)
{
	json_error_t jerr;
	json_t *root, *rt, *pat, *idf, *ref, *id;
	int rc = VG_EINVAL;

	memset(out, 0, sizeof(*out));
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		*why = "body is not valid JSON";
		return VG_EINVAL;
	}
	rt = json_object_get(root, "resourceType");
	if (!json_is_object(root) || !json_is_string(rt) ||
	    strcmp(json_string_value(rt), "CoverageEligibilityRequest") != 0) {
		*why = "body must be a CoverageEligibilityRequest resource";
		goto out;
	}
	id = json_object_get(root, "id");
	if (id) {
		if (!json_is_string(id) || json_string_length(id) == 0 ||
		    json_string_length(id) >= sizeof(out->id) ||
		    strspn(json_string_value(id),
		           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		           "0123456789-.") != json_string_length(id)) {
			*why = "id must be 1-64 characters of A-Z a-z 0-9 - .";
			goto out;
		}
		memcpy(out->id, json_string_value(id), json_string_length(id) + 1);
	}
	if (parse_purposes(json_object_get(root, "purpose"), &out->purposes, why) != 0)
		goto out;
	pat = json_object_get(root, "patient");
	if (!json_is_object(pat)) {
		*why = "patient is required";
		goto out;
	}
	idf = json_object_get(pat, "identifier");
	ref = json_object_get(pat, "reference");
	if (idf) {
		rc = parse_identifier(idf, &out->nir, why);
		goto out;
	}
	if (json_is_string(ref)) {
		json_t *p = contained(root, json_string_value(ref)), *ids, *bd, *prt;

		prt = json_object_get(p, "resourceType");
		if (!p || !json_is_string(prt) || strcmp(json_string_value(prt), "Patient") != 0) {
			*why = "patient.reference must point to a contained Patient (\"#id\")";
			goto out;
		}
		ids = json_object_get(p, "identifier");
		if (!json_is_array(ids) || json_array_size(ids) != 1) {
			*why = "the contained Patient must carry exactly one identifier";
			goto out;
		}
		if (parse_identifier(json_array_get(ids, 0), &out->nir, why) != 0)
			goto out;
		bd = json_object_get(p, "birthDate");
		if (bd) {
			if (!json_is_string(bd) || !is_date(json_string_value(bd))) {
				*why = "birthDate must be YYYY-MM-DD";
				goto out;
			}
			memcpy(out->birth_date, json_string_value(bd), 11);
		}
		rc = 0;
		goto out;
	}
	*why = "patient must have an identifier or a reference to a contained Patient";
out:
	json_decref(root);
	return rc;
}

static void coding(struct jw *w, const char *system, const char *code, const char *display)
{
	jw_obj(w);
	jw_kstr(w, "system", system);
	jw_kstr(w, "code", code);
	if (display)
		jw_kstr(w, "display", display);
	jw_end(w);
}

static void concept(struct jw *w, const char *key, const char *system, const char *code,
                    const char *display)
{
	jw_kobj(w, key);
	jw_karr(w, "coding");
	coding(w, system, code, display);
	jw_end(w);
	jw_end(w);
}

static void ref_patient(struct jw *w, const char *key, const char *pid)
{
	char ref[8 + FHIR_PID_HEX] = "Patient/";

	memcpy(ref + 8, pid, FHIR_PID_HEX);
	jw_kobj(w, key);
	jw_kstr(w, "reference", ref);
	jw_end(w);
}

/* The paying fund: the CPAM of the department of residence. */
static void insurer(struct jw *w, const char *key, const struct insured_rights *r, int array)
{
	char name[32] = "CPAM ";

	memcpy(name + 5, r->dept, strnlen(r->dept, 3) + 1);
	if (array) {
		jw_karr(w, key);
		jw_obj(w);
	} else {
		jw_kobj(w, key);
	}
	jw_kobj(w, "identifier");
	jw_kstr(w, "system", FHIR_VIGIE_CS "/fund");
	jw_kstr(w, "value", r->dept);
	jw_end(w);
	jw_kstr(w, "display", name);
	jw_end(w);
	if (array)
		jw_end(w);
}

/* meta.security REDACTED (HL7 v3 ObservationValue): this resource leaves fields out. */
static void redacted(struct jw *w)
{
	jw_kobj(w, "meta");
	jw_karr(w, "security");
	jw_obj(w);
	jw_kstr(w, "system", "http://terminology.hl7.org/CodeSystem/v3-ObservationValue");
	jw_kstr(w, "code", "REDACTED");
	jw_kstr(w, "display", "redacted");
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

void fhir_patient(struct jw *w, const struct fhir_person *p)
{
	const struct insured_ident *id = &p->ident;
	const char *g = id->given;

	jw_obj(w);
	jw_kstr(w, "resourceType", "Patient");
	jw_kstr(w, "id", p->pid);
	if (p->minimised)
		redacted(w);
	jw_karr(w, "identifier");
	jw_obj(w);
	jw_kstr(w, "use", "official");
	jw_kstr(w, "system", FHIR_NIR_SYSTEM);
	jw_kstr(w, "value", id->nir);
	jw_end(w);
	jw_end(w);
	if (p->minimised) {
		jw_end(w); /* what the professional stated, nothing more */
		return;
	}
	jw_karr(w, "name");
	jw_obj(w);
	jw_kstr(w, "use", "official");
	jw_kstr(w, "family", id->family);
	jw_karr(w, "given");
	while (*g) {
		size_t n = strcspn(g, " ");

		if (n)
			jw_strn(w, g, n);
		g += n;
		while (*g == ' ')
			g++;
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_kstr(w, "gender", id->sex == 'F' ? "female" : id->sex == 'M' ? "male" : "unknown");
	if (id->birth_date[0])
		jw_kstr(w, "birthDate", id->birth_date);
	jw_end(w);
}

/* A Coverage.class entry: one right, with its end date as an extension. */
static void right_class(struct jw *w, const char *code, const char *name, const char *end)
{
	jw_obj(w);
	if (end && end[0]) {
		jw_karr(w, "extension");
		jw_obj(w);
		jw_kstr(w, "url", FHIR_VIGIE_SD "right-end");
		jw_kstr(w, "valueDate", end);
		jw_end(w);
		jw_end(w);
	}
	concept(w, "type", "http://terminology.hl7.org/CodeSystem/coverage-class", "plan", NULL);
	jw_kstr(w, "value", code);
	jw_kstr(w, "name", name);
	jw_end(w);
}

void fhir_minimise(struct fhir_person *p)
{
	p->minimised = 1;
}

void fhir_coverage(struct jw *w, const struct fhir_person *p)
{
	const struct insured_rights *r = &p->rights;
	char id[4 + FHIR_PID_HEX] = "cov-";

	memcpy(id + 4, p->pid, FHIR_PID_HEX);
	jw_obj(w);
	jw_kstr(w, "resourceType", "Coverage");
	jw_kstr(w, "id", id);
	if (p->minimised)
		redacted(w);
	if (r->gp_rpps[0] && !p->minimised) {
		jw_karr(w, "extension");
		jw_obj(w);
		jw_kstr(w, "url", FHIR_VIGIE_SD "attending-physician");
		jw_kobj(w, "valueReference");
		jw_kobj(w, "identifier");
		jw_kstr(w, "system", FHIR_RPPS_SYSTEM);
		jw_kstr(w, "value", r->gp_rpps);
		jw_end(w);
		jw_kstr(w, "display", r->gp_name);
		jw_end(w);
		jw_end(w);
		jw_end(w);
	}
	jw_kstr(w, "status", r->active ? "active" : "cancelled");
	concept(w, "type", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "PUBLICPOL",
	        "public healthcare");
	jw_kstr(w, "subscriberId", p->ident.nir);
	ref_patient(w, "beneficiary", p->pid);
	if (!p->minimised)
	concept(w, "relationship", "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
	        p->ident.rank ? "child" : "self", NULL);
	jw_kobj(w, "period");
	if (r->start[0])
		jw_kstr(w, "start", r->start);
	if (r->end[0])
		jw_kstr(w, "end", r->end);
	jw_end(w);
	insurer(w, "payor", r, 1);
	jw_karr(w, "class");
	right_class(w, "base", "Assurance maladie obligatoire", NULL);
	if (r->c2s == C2S_FREE)
		right_class(w, "c2s", "Complémentaire santé solidaire (sans participation)",
		            r->c2s_end);
	else if (r->c2s == C2S_CONTRIB)
		right_class(w, "c2s-contrib", "Complémentaire santé solidaire (avec participation)",
		            r->c2s_end);
	if (r->ame && !p->minimised)
		right_class(w, "ame", "Aide médicale de l'État", r->ame_end);
	if (r->ald && !p->minimised)
		right_class(w, "ald-100", "Prise en charge à 100 % (ALD)", r->ald_end);
	jw_end(w);
	jw_end(w);
}

static void entry(struct jw *w, const char *base, const char *type, const char *id)
{
	char url[512];
	int n = snprintf(url, sizeof(url), "%s/%s/%s", base, type, id);

	jw_kstr(w, "fullUrl", n > 0 && (size_t)n < sizeof(url) ? url : "urn:vigie:url-too-long");
}

static void search_mode(struct jw *w, const char *mode)
{
	jw_kobj(w, "search");
	jw_kstr(w, "mode", mode);
	jw_end(w);
}

static void bundle_head(struct jw *w, const char *self_url, size_t total)
{
	jw_obj(w);
	jw_kstr(w, "resourceType", "Bundle");
	jw_kstr(w, "type", "searchset");
	jw_kint(w, "total", (int64_t)total);
	jw_karr(w, "link");
	jw_obj(w);
	jw_kstr(w, "relation", "self");
	jw_kstr(w, "url", self_url);
	jw_end(w);
	jw_end(w);
}

/* A searchset's outcome entry: what a verification answer left out (FHIR_VERIFY_NOTE). */
static void verify_note(struct jw *w, const struct fhir_person *p, size_t n)
{
	size_t i = 0;

	while (i < n && !p[i].minimised)
		i++;
	if (i == n)
		return;
	jw_obj(w);
	jw_key(w, "resource");
	fhir_outcome(w, "information", "informational", FHIR_VERIFY_NOTE);
	search_mode(w, "outcome");
	jw_end(w);
}

static void coverage_entry(struct jw *w, const char *base, const struct fhir_person *p,
                           const char *mode)
{
	char id[4 + FHIR_PID_HEX] = "cov-";

	memcpy(id + 4, p->pid, FHIR_PID_HEX);
	jw_obj(w);
	entry(w, base, "Coverage", id);
	jw_key(w, "resource");
	fhir_coverage(w, p);
	search_mode(w, mode);
	jw_end(w);
}

void fhir_bundle_patients(struct jw *w, const char *base, const char *self_url,
                          const struct fhir_person *p, size_t n, int with_coverage)
{
	bundle_head(w, self_url, n);
	if (n) {
		jw_karr(w, "entry");
		for (size_t i = 0; i < n; i++) {
			jw_obj(w);
			entry(w, base, "Patient", p[i].pid);
			jw_key(w, "resource");
			fhir_patient(w, &p[i]);
			search_mode(w, "match");
			jw_end(w);
		}
		for (size_t i = 0; with_coverage && i < n; i++)
			coverage_entry(w, base, &p[i], "include");
		verify_note(w, p, n);
		jw_end(w);
	}
	jw_end(w);
}

void fhir_bundle_coverages(struct jw *w, const char *base, const char *self_url,
                           const struct fhir_person *p, size_t n)
{
	bundle_head(w, self_url, n);
	if (n) {
		jw_karr(w, "entry");
		for (size_t i = 0; i < n; i++)
			coverage_entry(w, base, &p[i], "match");
		verify_note(w, p, n);
		jw_end(w);
	}
	jw_end(w);
}

static void benefit_item(struct jw *w, const char *code, const char *display, const char *allowed)
{
	jw_obj(w);
	concept(w, "category", FHIR_VIGIE_CS, code, display);
	jw_karr(w, "benefit");
	jw_obj(w);
	concept(w, "type", "http://terminology.hl7.org/CodeSystem/benefit-type", "benefit",
	        "Benefit");
	jw_kstr(w, "allowedString", allowed);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

void fhir_eligibility_response(struct jw *w, const char *id, const char *created,
                               const struct fhir_elig_req *rq, const struct fhir_person *p)
{
	static const struct {
		int bit;
		const char *code;
	} P[] = {
		{ FHIR_P_AUTH, "auth-requirements" },
		{ FHIR_P_BENEFITS, "benefits" },
		{ FHIR_P_DISCOVERY, "discovery" },
		{ FHIR_P_VALIDATION, "validation" },
	};
	const struct insured_rights *r = &p->rights;
	char cov[13 + 4 + FHIR_PID_HEX] = "Coverage/cov-";

	memcpy(cov + 13, p->pid, FHIR_PID_HEX);
	jw_obj(w);
	jw_kstr(w, "resourceType", "CoverageEligibilityResponse");
	jw_kstr(w, "id", id);
	jw_kstr(w, "status", "active");
	jw_karr(w, "purpose");
	for (size_t i = 0; i < sizeof(P) / sizeof(P[0]); i++)
		if (rq->purposes & P[i].bit)
			jw_str(w, P[i].code);
	jw_end(w);
	ref_patient(w, "patient", p->pid);
	jw_kstr(w, "created", created);
	jw_kobj(w, "request");
	if (rq->id[0]) {
		jw_kobj(w, "identifier");
		jw_kstr(w, "value", rq->id);
		jw_end(w);
	} else {
		jw_kstr(w, "display", "CoverageEligibilityRequest submitted without an id");
	}
	jw_end(w);
	jw_kstr(w, "outcome", "complete");
	if (p->minimised)
		jw_kstr(w, "disposition", FHIR_VERIFY_NOTE);
	insurer(w, "insurer", r, 0);
	jw_karr(w, "insurance");
	jw_obj(w);
	jw_kobj(w, "coverage");
	jw_kstr(w, "reference", cov);
	jw_end(w);
	jw_kbool(w, "inforce", r->active);
	jw_kobj(w, "benefitPeriod");
	if (r->start[0])
		jw_kstr(w, "start", r->start);
	if (r->end[0])
		jw_kstr(w, "end", r->end);
	jw_end(w);
	if (rq->purposes & (FHIR_P_BENEFITS | FHIR_P_VALIDATION)) {
		jw_karr(w, "item");
		benefit_item(w, "base", "Assurance maladie obligatoire",
		             r->active ? "open" : "closed");
		if (r->c2s)
			benefit_item(w, r->c2s == C2S_FREE ? "c2s" : "c2s-contrib",
			             "Complémentaire santé solidaire",
			             r->c2s_end[0] ? r->c2s_end : "open");
		if (r->ame && !p->minimised)
			benefit_item(w, "ame", "Aide médicale de l'État",
			             r->ame_end[0] ? r->ame_end : "open");
		if (r->ald && !p->minimised)
			benefit_item(w, "ald-100", "Prise en charge à 100 % (ALD)",
			             r->ald_end[0] ? r->ald_end : "open");
		if (r->gp_rpps[0] && !p->minimised)
			benefit_item(w, "attending-physician", "Médecin traitant déclaré",
			             r->gp_name);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

void fhir_outcome(struct jw *w, const char *severity, const char *code, const char *diag)
{
	jw_obj(w);
	jw_kstr(w, "resourceType", "OperationOutcome");
	jw_karr(w, "issue");
	jw_obj(w);
	jw_kstr(w, "severity", severity);
	jw_kstr(w, "code", code);
	if (diag)
		jw_kstr(w, "diagnostics", diag);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

static void search_param(struct jw *w, const char *name, const char *type, const char *doc)
{
	jw_obj(w);
	jw_kstr(w, "name", name);
	jw_kstr(w, "type", type);
	jw_kstr(w, "documentation", doc);
	jw_end(w);
}

static void interaction_search(struct jw *w)
{
	jw_karr(w, "interaction");
	jw_obj(w);
	jw_kstr(w, "code", "search-type");
	jw_end(w);
	jw_end(w);
}

void fhir_capability(struct jw *w, const char *date, const char *version, const char *base)
{
	jw_obj(w);
	jw_kstr(w, "resourceType", "CapabilityStatement");
	jw_kstr(w, "status", "active");
	jw_kstr(w, "date", date);
	jw_kstr(w, "publisher", "vigie");
	jw_kstr(w, "kind", "instance");
	jw_kobj(w, "software");
	jw_kstr(w, "name", "vigie");
	jw_kstr(w, "version", version);
	jw_end(w);
	jw_kobj(w, "implementation");
	jw_kstr(w, "description", "vigie beneficiary-rights service");
	jw_kstr(w, "url", base);
	jw_end(w);
	jw_kstr(w, "fhirVersion", FHIR_VERSION);
	jw_karr(w, "format");
	jw_str(w, "json");
	jw_end(w);
	jw_karr(w, "rest");
	jw_obj(w);
	jw_kstr(w, "mode", "server");
	jw_kobj(w, "security");
	jw_kbool(w, "cors", 0);
	jw_kstr(w, "description", "Bearer token from POST /auth/pro/login (password + TOTP)");
	jw_end(w);
	jw_karr(w, "resource");

	jw_obj(w);
	jw_kstr(w, "type", "Patient");
	interaction_search(w);
	jw_karr(w, "searchRevInclude");
	jw_str(w, "Coverage:beneficiary");
	jw_end(w);
	jw_karr(w, "searchParam");
	search_param(w, "identifier", "token", "INS-NIR TEST: " FHIR_NIR_SYSTEM "|<NIR>");
	search_param(w, "birthdate", "date",
	             "YYYY-MM-DD, required without the patient's card (Vigie-Card-Proof): the "
	             "answer then verifies that person and gives the billing rights only");
	jw_end(w);
	jw_end(w);

	jw_obj(w);
	jw_kstr(w, "type", "Coverage");
	interaction_search(w);
	jw_karr(w, "searchParam");
	search_param(w, "beneficiary:identifier", "token",
	             "the beneficiary's NIR: " FHIR_NIR_SYSTEM "|<NIR>");
	search_param(w, "beneficiary.birthdate", "date",
	             "YYYY-MM-DD, required without the patient's card, as for Patient");
	jw_end(w);
	jw_end(w);

	jw_obj(w);
	jw_kstr(w, "type", "CoverageEligibilityRequest");
	jw_karr(w, "operation");
	jw_obj(w);
	jw_kstr(w, "name", "submit");
	jw_kstr(w, "definition",
	        "https://vigie.example.org/fhir/OperationDefinition/CoverageEligibilityRequest-submit");
	jw_end(w);
	jw_end(w);
	jw_end(w);

	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}
