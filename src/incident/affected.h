/*
 * affected.h - the affected set of an incident: every person whose record
 * was returned to one of the scope's accounts inside its window (and from
 * its address, when one is given), computed from the access rows the
 * journal's indexer keeps (store_access_of_pro), with the fields seen, how
 * many times, by which decision (a full answer, "allow", or a verification, "verify" or
 * "minimise") and the journal entries that prove each access.
 *
 * What counts: an access answered 200 with at least one person and at least
 * one field. Refusals, empty answers and operator acts disclose nothing. A
 * lookup returns everyone billed under the NIR (the insured and dependants),
 * except a $submit that selects one by birth date: such a NIR's persons are
 * all listed (no one missed), and counted in `uncertain`.
 *
 * The set is built once (affected_compute) and read many times; it holds no
 * personal data in clear (ids, pseudonyms and counts only): names are
 * unsealed by whoever lists them (report.c). Not thread-safe to build;
 * read-only after, so readers may share it.
 */
#ifndef VIGIE_INCIDENT_AFFECTED_H
#define VIGIE_INCIDENT_AFFECTED_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "crypto/vault.h"
#include "store/store.h"

/* The fields access records name (api_fhir.c's vocabulary), and "other" for any new word. */
enum affected_field {
	AFF_IDENTIFIER = 0,
	AFF_NAME,
	AFF_GENDER,
	AFF_BIRTH_DATE,
	AFF_BIRTH_YEAR,
	AFF_COVERAGE,
	AFF_BENEFITS,
	AFF_OTHER,
	AFF_FIELDS
};
/* "identifier", "name", ..., "other" (the access records' words). */
const char *affected_field_name(int f);

enum affected_decision { AFF_ALLOW = 0, AFF_MINIMISE = 1, AFF_DECISIONS = 2 };

/* One part of a scope, its account resolved. */
struct affected_part {
	int64_t pro_id;
	int64_t from_ms, to_ms;
	const char *ip; /* "" or NULL: any */
};

struct affected_counts {
	int64_t persons;   /* people */
	int64_t patients;  /* distinct NIRs looked up with an answer */
	int64_t records;   /* accesses that returned data */
	int64_t uncertain; /* persons listed because their NIR was answered, maybe without them */
	int64_t first_ms, last_ms; /* 0 when empty */
	int64_t field_persons[AFF_FIELDS], field_records[AFF_FIELDS];
	int64_t decision_persons[AFF_DECISIONS], decision_records[AFF_DECISIONS];
};

/* One affected person (affected_person_at). */
struct affected_person {
	int64_t id;      /* the insured row */
	uint32_t fields; /* bits of enum affected_field */
	uint32_t times;  /* accesses that returned their NIR's record */
	uint32_t decisions[AFF_DECISIONS];
	int64_t first_ms, last_ms;
	int uncertain;
	size_t n_entries; /* journal entries (the accesses), first ones in `entries` */
};

struct affected;

/*
 * Compute the set for parts[0..n) from st. Persons are found by their
 * access pseudonym; rows stored before the pseudonym was (older data
 * directories) get it first, once (v unseals their identity for that).
 * Returns 0, VG_ENOMEM, or the store's error; *out is NULL on error.
 */
VG_MUST_USE int affected_compute(struct store *st, const struct vault *v,
                                 const struct affected_part *parts, size_t n,
                                 struct affected **out);
/* Accepts NULL. */
void affected_free(struct affected *a);

void affected_counts(const struct affected *a, struct affected_counts *out);
/* Persons, in id order. */
size_t affected_size(const struct affected *a);
/*
 * Person i (< affected_size) into *out, and up to cap of its journal
 * entries' indexes into entries (NULL when cap is 0), in time order.
 */
void affected_person_at(const struct affected *a, size_t i, struct affected_person *out,
                        int64_t *entries, size_t cap);
/* The persons' ids, in id order (borrowed, affected_size of them). */
const int64_t *affected_ids(const struct affected *a);
/* Fill rows stored without the access pseudonym (see affected_compute); *done: how many. */
VG_MUST_USE int affected_backfill(struct store *st, const struct vault *v, int64_t *done);

#endif
