/*
 * people.h - what insured people said about their own record, held by the
 * node so that every lookup can obey it without a query: the professionals
 * each person blocked (the lookup answers as if they had no record), the
 * cards they opposed (a proof made with an opposed key is refused at once,
 * and card-less lookups of them get extra care for PEOPLE_CARE_DAYS), and the
 * accounts that asked to be told of every access (by access pseudonym, for
 * the indexer).
 *
 * The store is the truth (store_block_set, store_card_set, account.alerts);
 * people_new loads it, and the people_* setters write the store first, then
 * memory. Thread-safe (a read-write lock; lookups only read).
 */
#ifndef VIGIE_NODE_PEOPLE_H
#define VIGIE_NODE_PEOPLE_H

#include <stdint.h>

#include "core/err.h"
#include "crypto/vault.h"
#include "store/store.h"

#define PEOPLE_CARE_DAYS 30 /* card-less lookups of a person after an opposition */

struct people;

/* Load from st what people said (oppositions since now_ms - the care window). */
VG_MUST_USE int people_new(struct store *st, int64_t now_ms, struct people **out);
void people_free(struct people *p);

/* 1 if insured person insured_id blocked professional pro_id. */
int people_blocked(struct people *p, int64_t insured_id, int64_t pro_id);
/* Block (on) or unblock: the store, then memory. */
VG_MUST_USE int people_block(struct people *p, int64_t insured_id, int64_t pro_id, int on,
                             int64_t t_ms);

/*
 * When insured_id's card was last opposed (0: never, or before the care
 * window as loaded), and the key it revoked (all zeros after a restart:
 * the store holds none then).
 */
int64_t people_opposed(struct people *p, int64_t insured_id, uint8_t revoked_pk[32]);
/* Oppose the card whose key is pk: the store's key is cleared, then memory. */
VG_MUST_USE int people_oppose(struct people *p, int64_t insured_id, const uint8_t pk[32],
                              int64_t t_ms);
/* A new card key for insured_id (an operator issued one): the store, then memory. */
VG_MUST_USE int people_new_card(struct people *p, int64_t insured_id, const uint8_t pk[32]);

/* The account to tell of accesses under patient pseudonym (0: none). */
int64_t people_alerting(struct people *p, const uint8_t patient[VAULT_BIDX]);
/* Record in memory that account_id (pseudonym patient) wants (on) every access told. */
VG_MUST_USE int people_set_alerting(struct people *p, const uint8_t patient[VAULT_BIDX],
                                    int64_t account_id, int on);

#endif
