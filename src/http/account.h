/*
 * account.h - what the two halves of the insured person's account share
 * (http-internal): api_account.c (enrolment, reset, password, second factor,
 * the login hooks) defines these; api_account_me.c (activity and sessions,
 * my record and its export, opposition, lock, blocks, alerts, misuse
 * reports, the operators' side) uses them. Every function runs on a login
 * worker unless it says otherwise.
 */
#ifndef VIGIE_HTTP_ACCOUNT_H
#define VIGIE_HTTP_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

#include "core/bodies.h"
#include "core/nir.h"
#include "core/record.h"
#include "crypto/vault.h"
#include "node/access.h"
#include "store/store.h"

struct req;
struct vigie;

#define ACCT_BUSY         "the service is busy; try again"
#define ACCT_SESSIONS_MAX 32
#define ACCT_PERSONS_MAX  STORE_MATCH_MAX

/* Prepare the 503 "busy". */
void acct_busy(struct req *r);
/* A body read on a worker against spec: 0, or -1 with the 400 prepared. */
int acct_parse(struct req *r, const struct body_spec *spec, char *const *out);
/* Wipe the request body (it held a password or a code). */
void acct_wipe_body(struct req *r);
/* The access record of an act on the account whose pseudonym is patient. */
void acct_act_record(struct req *r, const uint8_t patient[VAULT_BIDX], const char *route,
                     int64_t by, const char *rpps, struct access_rec *a);
/* On a worker: journal the act and wait until it is durable. 0, or -1 with the 503 prepared. */
int acct_journal_act(struct req *r, const uint8_t patient[VAULT_BIDX], const char *route,
                     int64_t by, const char *rpps);
/* 415 unless JSON, then work on the insured login workers (the account's own lock is taken there). */
enum MHD_Result acct_on_worker(struct req *r, void (*work)(struct req *r));
/* The token's account, re-read. 0, or -1 with the 503 prepared. */
int acct_mine(struct req *r, struct store_account *a);
/* The person of the account (id = the insured row), unsealed (each part may be NULL). 0 or an error. */
int acct_person_of(struct vigie *v, int64_t id, struct insured_ident *ident,
                   struct insured_contact *contact, struct insured_rights *rights,
                   struct store_insured *row);
/* Every person under a typed NIR (ids, at most ACCT_PERSONS_MAX), and its canonical form. 0 or an error. */
int acct_persons_of_nir(struct vigie *v, const char *typed, int64_t *ids, size_t *n,
                        char canon[NIR_LEN + 1]);
/*
 * The token's account read under its lock, and the check of the current
 * password and/or second factor: 0 (lock held, *a read), or -1 with the
 * reply prepared and the lock released. A wrong one counts (the fifth in a
 * row ends every session).
 */
int acct_sensitive_begin(struct req *r, struct store_account *a, const char *password,
                         const char *second, int need_second, int *recovery);
/* The current session's token hash (to keep it when the others end). 0 or -1. */
int acct_current_hash(struct req *r, uint8_t h[VAULT_BIDX]);

/* The bodies of api_account_me.c, for account_body_parse (the fuzzer). */
extern const struct body_spec ACCT_REVOKE_BODY;
extern const struct body_spec ACCT_EXPORT_BODY;
extern const struct body_spec ACCT_BLOCK_BODY;
extern const struct body_spec ACCT_ALERTS_BODY;
extern const struct body_spec ACCT_MISUSE_BODY;
extern const struct body_spec ACCT_PERSON_BODY;

#endif
