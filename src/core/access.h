/*
 * access.h - who looks, and the record of each look: the professions and
 * roles of accounts, and the access record that the journal commits to and
 * the store indexes (journal/entry.h, store/store.h).
 *
 * Professions have one numeric value everywhere (store rows, the guard's
 * peers, replay lines, the simulator) and one spelling each here:
 * access_profession_name is the token of files and replay lines
 * ("pharmacist"), access_profession_label the words shown to people
 * ("general practitioner"). Pure; thread-safe.
 */
#ifndef VIGIE_CORE_ACCESS_H
#define VIGIE_CORE_ACCESS_H

#include <stddef.h>
#include <stdint.h>

enum pro_kind {
	PRO_UNKNOWN = 0, /* the guard judges it as a pharmacist, the most common caller */
	PRO_PHARMACIST = 1,
	PRO_GP = 2,
	PRO_SPECIALIST = 3,
	PRO_LAB = 4,
	PRO_HOSPITAL = 5,
};
#define PRO_KINDS 6

/*
 * An operator is an account of the security team: it logs in like a
 * professional (RPPS-shaped id, password, TOTP) but may not look anyone up;
 * it reads the guard's alerts and reinstates suspended accounts.
 */
enum pro_role { ROLE_PRO = 0, ROLE_OPERATOR = 1 };

/* "pharmacist", "gp", "specialist", "lab", "hospital"; "unknown" for anything else. */
const char *access_profession_name(int kind);
/* "pharmacist", "general practitioner", "specialist", "laboratory", "hospital", "unknown". */
const char *access_profession_label(int kind);
/* The kind named by len bytes at s (access_profession_name's words), or -1. */
int access_profession_parse(const char *s, size_t len);

/*
 * The purpose an access record states: "incident-response" for an operator's
 * act on an incident or a campaign (routes "incident.*", "notify.*") or on
 * an account (routes "admin.*"),
 * "account" for an insured person's own account and what is done to it
 * (routes "me", "me.*", "account.*", "enrol.*"), else "rights-check" (a
 * lookup, or a refused attempt at one).
 */
const char *access_purpose(const char *route);

#define ACCESS_SALT        32
#define ACCESS_PATIENT_LEN 16 /* a keyed pseudonym (crypto/vault.h: VAULT_BIDX) */
#define ACCESS_RECORD_MAX  512

/*
 * One access to personal data (or a refused attempt): who, whom, when, what.
 * Journaled (journal/entry.h): `record` is the canonical text its journal
 * entry commits to with `salt`, and `idx` the entry's index.
 */
struct access_rec {
	int64_t t_ms;                        /* unix milliseconds */
	int64_t pro_id;                      /* 0 when unauthenticated */
	char rpps[12];                       /* the professional's RPPS, "" when none */
	uint8_t patient[ACCESS_PATIENT_LEN]; /* VAULT_D_ACCESS pseudonym of the NIR asked for */
	char ip[46];
	char route[32];    /* "Patient", "Coverage", "$submit" */
	int status;        /* HTTP status returned */
	int n_results;     /* persons returned */
	char fields[64];   /* fields disclosed, e.g. "name,birthDate,gender,rights" */
	char decision[16]; /* "allow", "deny", ... */
	int64_t idx;       /* journal index */
	uint8_t salt[ACCESS_SALT];
	char record[ACCESS_RECORD_MAX]; /* canonical JSON, NUL-terminated */
};

#define ACCESS_ENTRY_LEN  32
#define ACCESS_SEALED_MAX 1064 /* journal/entry.h ENTRY_PRIV_MAX */

/*
 * An access as the store keeps it (store/store.h): in clear only what its
 * queries need, the journal entry, and the record sealed exactly as in the
 * journal's log (journal/entry.h: entry_open_sealed opens it). A copy of the
 * store therefore opens no public commitment and shows no address.
 */
struct access_sealed {
	int64_t idx;
	int64_t t_ms;
	int64_t pro_id;
	uint8_t patient[ACCESS_PATIENT_LEN];
	uint8_t entry[ACCESS_ENTRY_LEN];
	size_t sealed_len;
	uint8_t sealed[ACCESS_SEALED_MAX];
};

#endif
