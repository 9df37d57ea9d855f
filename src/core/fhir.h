/*
 * fhir.h - the FHIR R4 shapes vigie speaks, as pure functions.
 *
 * Writers append one resource (or a fragment) to a struct jw. Parsers read
 * untrusted request text into fixed-size structs and say what is wrong in a
 * static sentence (*why) that can go into an OperationOutcome. No I/O, no
 * clock (callers pass timestamps), thread-safe.
 */
#ifndef VIGIE_CORE_FHIR_H
#define VIGIE_CORE_FHIR_H

#include <stddef.h>
#include "core/err.h"
#include "core/jw.h"
#include "core/nir.h"
#include "core/record.h"

#define FHIR_NIR_SYSTEM  "urn:oid:1.2.250.1.213.1.4.10" /* INS-NIR TEST: synthetic people */
#define FHIR_RPPS_SYSTEM "https://rpps.esante.gouv.fr"
#define FHIR_VIGIE_CS    "https://vigie.example.org/fhir/CodeSystem/rights"
#define FHIR_VIGIE_SD    "https://vigie.example.org/fhir/StructureDefinition/"
#define FHIR_VERSION     "4.0.1"
#define FHIR_PID_HEX     33 /* 32 hex characters and a NUL */

/* One person as a lookup returns them: public pseudonym, identity and rights. */
struct fhir_person {
	char pid[FHIR_PID_HEX];
	struct insured_ident ident;
	struct insured_rights rights;
	uint8_t minimised; /* a verification answer only (fhir_minimise) */
};

/*
 * Mark p for a verification answer (core/gate.h GATE_VERIFY: no card
 * proof, or the guard minimised): Patient keeps its id and the NIR (what
 * the professional stated; the birth date is not echoed) and says
 * meta.security REDACTED; Coverage keeps status, period, payor, the base right and C2S
 * (what billing needs) but not the relationship, the attending physician,
 * AME (a legal status) or ALD (health data); an eligibility response the
 * same, with a disposition saying so. Name, gender and birth place are
 * never sent. The same words whatever the record holds, so that what is
 * left out says nothing about the person.
 */
void fhir_minimise(struct fhir_person *p);

/* What a verification answer says it left out (a constant, in French and English). */
#define FHIR_VERIFY_NOTE                                                                             \
	"Vérification sans la carte du patient : identité, médecin traitant, AME et ALD (100 %) " \
	"ne sont donnés qu'avec sa carte (Vigie-Card-Proof). / Verified without the patient's "     \
	"card: identity, attending physician, AME and ALD need the card."

/*
 * Parse a token search parameter "system|value", "|value" (no system) or
 * "value" (any system) holding a NIR. Only FHIR_NIR_SYSTEM is served.
 * Returns 0 and fills *nir, or VG_EINVAL with *why set.
 */
VG_MUST_USE int fhir_parse_nir_token(const char *param, struct nir *nir, const char **why);

enum fhir_purpose {
	FHIR_P_AUTH = 1,
	FHIR_P_DISCOVERY = 2,
	FHIR_P_VALIDATION = 4,
	FHIR_P_BENEFITS = 8
};

struct fhir_elig_req {
	struct nir nir;
	char birth_date[11]; /* "" unless a contained Patient gave one */
	int purposes;        /* enum fhir_purpose bits, at least one */
	char id[65];         /* the request's id, "" if none */
};

/*
 * Parse the body of POST CoverageEligibilityRequest/$submit: a
 * CoverageEligibilityRequest whose patient is either
 * {"identifier": {"system": FHIR_NIR_SYSTEM, "value": NIR}} or a reference
 * "#id" to a contained Patient carrying that identifier (and optionally a
 * birthDate, to choose among dependants sharing the number).
 * Returns 0, or VG_EINVAL with *why set.
 */
VG_MUST_USE int fhir_parse_eligibility(const char *body, size_t len, struct fhir_elig_req *out,
                                       const char **why);

/* Write a Patient (identity minimised to what the rights check needs). */
void fhir_patient(struct jw *w, const struct fhir_person *p);
/* Write the Coverage of a person. */
void fhir_coverage(struct jw *w, const struct fhir_person *p);
/* A searchset Bundle of persons; with_coverage adds each Coverage (search mode "include"). */
void fhir_bundle_patients(struct jw *w, const char *base, const char *self_url,
                          const struct fhir_person *p, size_t n, int with_coverage);
/* A searchset Bundle of Coverage resources (all "match"). */
void fhir_bundle_coverages(struct jw *w, const char *base, const char *self_url,
                           const struct fhir_person *p, size_t n);
/* A CoverageEligibilityResponse; created is an instant ("2026-11-22T10:00:00Z"). */
void fhir_eligibility_response(struct jw *w, const char *id, const char *created,
                               const struct fhir_elig_req *rq, const struct fhir_person *p);
/* An OperationOutcome with one issue. diag may be NULL. */
void fhir_outcome(struct jw *w, const char *severity, const char *code, const char *diag);
/* The server's CapabilityStatement; date is "YYYY-MM-DD", version the software's. */
void fhir_capability(struct jw *w, const char *date, const char *version, const char *base);

#endif
