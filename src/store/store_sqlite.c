/*
 * store_sqlite.c - the embedded SQLite backend of store.h.
 *
 * SQLite connections must not be used by two threads at once, so each thread
 * that calls the store gets its own connection (found through a pthread key),
 * with its statements prepared once. All connections are listed so that
 * store_close can finalize and close them. WAL mode lets readers run while
 * one writer commits.
 */
#include "store/store.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "core/banned.h"

enum stmt_id {
	S_BEGIN,
	S_BEGIN_DEFERRED,
	S_COMMIT,
	S_ROLLBACK,
	S_META_GET,
	S_META_SET,
	S_INS_PUT,
	S_INS_FIND,
	S_INS_COUNT,
	S_PRO_PUT,
	S_PRO_GET,
	S_PRO_GET_ID,
	S_PRO_AUTH,
	S_PRO_COUNT,
	S_SES_PUT,
	S_SES_GET,
	S_SES_TOUCH,
	S_SES_DEL,
	S_SES_PURGE,
	S_ACC_PUT,
	S_ACC_COUNT,
	S_ACC_LAST,
	S_ACC_PATIENT,
	S_ISES_PUT,
	S_ISES_GET,
	S_ISES_TOUCH,
	S_ISES_DEL,
	S_ISES_PURGE,
	S_ACCT_PUT,
	S_ACCT_NIR,
	S_ACCT_EMAIL,
	S_ACCT_GET,
	S_ACCT_AUTH,
	S_PRO_SUSPEND,
	S_PRO_SECRETS,
	S_PRO_SUSPENDED,
	S_SES_DEL_SUBJ,
	S_ISES_DEL_SUBJ,
	S_CLIENT_SEEN,
	S_NOTICE_PUT,
	S_NOTICE_LIST,
	S_PRO_HOURS,
	S_INS_GET,
	S_INS_BY_PATIENT,
	S_INS_NO_PATIENT,
	S_INS_SET_PATIENT,
	S_ACC_PRO,
	S_INC_PUT,
	S_INC_GET,
	S_INC_LIST,
	S_INC_CLOSE,
	S_SCOPE_NEXT,
	S_SCOPE_PUT,
	S_SCOPES,
	S_MSG_PUT,
	S_MSG_CODE,
	S_MSG_OF,
	S_REP_PUT,
	S_REP_LIST,
	S_CAMP_PUT,
	S_CAMP_GET,
	S_CAMP_DONE,
	S_OUT_ADD,
	S_OUT_NEXT,
	S_OUT_SET,
	S_OUT_COUNTS,
	S_CAMP_FIND,
	S_CAMP_TOTAL,
	S_MSG_GET,
	S_ACCT_UPDATE,
	S_ACCT_ALERTING,
	S_SES_OF,
	S_ISES_OF,
	S_ICLIENT_SEEN,
	S_ICLIENT_KNOWN,
	S_CODE_KILL,
	S_CODE_PUT,
	S_CODE_LIVE,
	S_CODE_SET,
	S_EVENT_PUT,
	S_EVENTS_OF,
	S_EVENTS_OF_ALL,
	S_EVENTS_MAIL,
	S_EVENT_MAILED,
	S_BLOCK_ON,
	S_BLOCK_OFF,
	S_BLOCKS_OF,
	S_BLOCKS_ALL,
	S_CARD_SET,
	S_CARDS_OPPOSED,
	S_MISUSE_PUT,
	S_MISUSE_OF,
	S_MISUSE_ALL,
	S_ACC_GET,
	S_N
};

/* The pro columns in the order pro_row reads them. */
#define PRO_COLS                                                                                   \
	"id, rpps, kind, family, given, dept, city, pwhash, totp, totp_last_step, "                \
	"failed, locked_until, suspended, role, hours, rota_every, rota_phase"

#define ACCT_COLS                                                                                  \
	"id, nir_bidx, email_bidx, patient, pwhash, failed, locked_until, totp, totp_on, "         \
	"totp_last_step, recovery, owner_lock_ms, alerts, pw_short, created_ms, pw_changed_ms, "   \
	"pw_failed"

#define ACC_COLS "idx, t_ms, pro_id, patient, entry, sealed"

static const char *const SQL[S_N] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_BEGIN_DEFERRED] = "BEGIN", /* locks only the files it writes: acc, for access records */
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_META_GET] = "SELECT v FROM meta WHERE k = ?1",
	[S_META_SET] = "INSERT INTO meta(k, v) VALUES (?1, ?2) "
	               "ON CONFLICT(k) DO UPDATE SET v = excluded.v",
	[S_INS_PUT] =
	        "INSERT INTO insured(id, nir_bidx, pid, ident, contact, rights, card_pk, patient) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_INS_GET] =
	        "SELECT id, pid, ident, rights, card_pk, contact, nir_bidx, patient FROM insured "
	        "WHERE id = ?1",
	[S_INS_BY_PATIENT] = "SELECT id FROM insured WHERE patient = ?1 ORDER BY id LIMIT ?2",
	[S_INS_NO_PATIENT] = "SELECT id, ident FROM insured WHERE patient IS NULL AND id > ?1 "
	                     "ORDER BY id LIMIT ?2",
	[S_INS_SET_PATIENT] = "UPDATE insured SET patient = ?2 WHERE id = ?1",
	[S_ACC_PRO] = "SELECT " ACC_COLS " FROM acc.journal WHERE pro_id = ?1 AND t_ms >= ?2 "
	              "AND t_ms < ?3 ORDER BY t_ms, idx",
	[S_INC_PUT] =
	        "INSERT INTO incident(opened_ms, opened_by, title, status, closed_ms, closed_by) "
	        "VALUES (?1, ?2, ?3, 0, 0, 0)",
	[S_INC_GET] = "SELECT id, opened_ms, opened_by, title, status, closed_ms, closed_by "
	              "FROM incident WHERE id = ?1",
	[S_INC_LIST] = "SELECT id, opened_ms, opened_by, title, status, closed_ms, closed_by "
	               "FROM incident ORDER BY id DESC LIMIT ?1",
	[S_INC_CLOSE] = "UPDATE incident SET status = 1, closed_ms = ?2, closed_by = ?3 "
	                "WHERE id = ?1 AND status = 0",
	[S_SCOPE_NEXT] =
	        "SELECT coalesce(max(seq) + 1, 0) FROM incident_scope WHERE incident_id = ?1",
	[S_SCOPE_PUT] = "INSERT INTO incident_scope(incident_id, seq, pro_id, from_ms, to_ms, ip, "
	                "added_ms, added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_SCOPES] = "SELECT incident_id, seq, pro_id, from_ms, to_ms, ip, added_ms, added_by "
	             "FROM incident_scope WHERE incident_id = ?1 ORDER BY seq LIMIT ?2",
	[S_MSG_PUT] = "INSERT INTO message(id, code, person_id, campaign_id, created_ms, channel, "
	              "subject, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_MSG_CODE] =
	        "SELECT id, code, person_id, campaign_id, created_ms, channel, subject, body "
	        "FROM message WHERE code = ?1",
	[S_MSG_OF] = "SELECT id, code, person_id, campaign_id, created_ms, channel, subject, body "
	             "FROM message WHERE person_id = ?1 ORDER BY created_ms DESC, id LIMIT ?2",
	[S_REP_PUT] = "INSERT INTO report(id, t_ms, channel, body) VALUES (?1, ?2, ?3, ?4)",
	[S_REP_LIST] = "SELECT id, t_ms, channel, body FROM report WHERE id < ?1 "
	               "ORDER BY id DESC LIMIT ?2",
	[S_CAMP_PUT] = "INSERT INTO campaign(incident_id, channel, created_ms, created_by, total, "
	               "done_ms) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
	[S_CAMP_GET] = "SELECT id, incident_id, channel, created_ms, created_by, total, done_ms "
	               "FROM campaign WHERE id = ?1",
	[S_CAMP_DONE] = "UPDATE campaign SET done_ms = ?2 WHERE id = ?1",
	[S_OUT_ADD] = "INSERT OR IGNORE INTO outbox(campaign_id, person_id, state, attempts, "
	              "message_id, updated_ms) VALUES (?1, ?2, 0, 0, 0, ?3)",
	[S_OUT_NEXT] = "SELECT campaign_id, person_id, state, attempts, message_id, updated_ms "
	               "FROM outbox WHERE campaign_id = ?1 AND person_id > ?2 AND state < 2 "
	               "ORDER BY person_id LIMIT ?3",
	[S_OUT_SET] =
	        "UPDATE outbox SET state = ?3, attempts = ?4, message_id = ?5, updated_ms = ?6 "
	        "WHERE campaign_id = ?1 AND person_id = ?2",
	[S_CAMP_FIND] = "SELECT id, incident_id, channel, created_ms, created_by, total, done_ms "
	                "FROM campaign WHERE incident_id = ?1 AND channel = ?2",
	[S_CAMP_TOTAL] = "UPDATE campaign SET total = (SELECT count(*) FROM outbox WHERE "
	                 "campaign_id = ?1), done_ms = CASE WHEN ?2 > 0 THEN 0 ELSE done_ms END "
	                 "WHERE id = ?1",
	[S_MSG_GET] = "SELECT id, code, person_id, campaign_id, created_ms, channel, subject, body "
	              "FROM message WHERE id = ?1",
	[S_OUT_COUNTS] = "SELECT state, count(*) FROM outbox WHERE campaign_id = ?1 GROUP BY state",
	[S_INS_FIND] = "SELECT id, pid, ident, rights, card_pk FROM insured "
	               "WHERE nir_bidx = ?1 ORDER BY id LIMIT ?2",
	[S_INS_COUNT] = "SELECT count(*) FROM insured",
	[S_PRO_PUT] =
	        "INSERT INTO pro(" PRO_COLS ") "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	[S_PRO_GET] = "SELECT " PRO_COLS " FROM pro WHERE rpps = ?1",
	[S_PRO_GET_ID] = "SELECT " PRO_COLS " FROM pro WHERE id = ?1",
	[S_PRO_AUTH] = "UPDATE pro SET failed = ?2, locked_until = ?3, "
	               "totp_last_step = max(totp_last_step, ?4) WHERE id = ?1",
	[S_PRO_COUNT] = "SELECT count(*) FROM pro",
	[S_SES_PUT] = "INSERT INTO session(token_hash, pro_id, created, last_used, expires, ip) "
	              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_SES_GET] = "SELECT pro_id, created, last_used, expires, ip FROM session "
	              "WHERE token_hash = ?1",
	[S_SES_TOUCH] = "UPDATE session SET last_used = ?2 WHERE token_hash = ?1",
	[S_SES_DEL] = "DELETE FROM session WHERE token_hash = ?1",
	[S_SES_PURGE] = "DELETE FROM session WHERE expires <= ?1 OR last_used <= ?1 - ?2",
	[S_ACC_PUT] = "INSERT OR IGNORE INTO acc.journal(" ACC_COLS ", pbucket) "
	              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_ACC_COUNT] = "SELECT count(*) FROM acc.journal",
	[S_ISES_PUT] =
	        "INSERT INTO isession(token_hash, account_id, created, last_used, expires, ip) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_ISES_GET] = "SELECT account_id, created, last_used, expires, ip FROM isession "
	               "WHERE token_hash = ?1",
	[S_ISES_TOUCH] = "UPDATE isession SET last_used = ?2 WHERE token_hash = ?1",
	[S_ISES_DEL] = "DELETE FROM isession WHERE token_hash = ?1",
	[S_ISES_PURGE] = "DELETE FROM isession WHERE expires <= ?1 OR last_used <= ?1 - ?2",
	[S_ACCT_PUT] = "INSERT INTO account(" ACCT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	               "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	[S_ACCT_UPDATE] = "UPDATE account SET pwhash = ?5, failed = ?6, locked_until = ?7, "
	                  "totp = ?8, totp_on = ?9, totp_last_step = ?10, recovery = ?11, "
	                  "owner_lock_ms = ?12, alerts = ?13, pw_short = ?14, pw_changed_ms = ?16, "
	                  "pw_failed = ?17, email_bidx = ?3 WHERE id = ?1",
	[S_ACCT_ALERTING] = "SELECT " ACCT_COLS " FROM account WHERE alerts != 0 AND id > ?1 "
	                    "ORDER BY id LIMIT ?2",
	[S_SES_OF] = "SELECT token_hash, pro_id, created, last_used, expires, ip FROM session "
	             "WHERE pro_id = ?1 ORDER BY created DESC LIMIT ?2",
	[S_ISES_OF] =
	        "SELECT token_hash, account_id, created, last_used, expires, ip FROM isession "
	        "WHERE account_id = ?1 ORDER BY created DESC LIMIT ?2",
	[S_ICLIENT_SEEN] = "INSERT OR IGNORE INTO iclient(account_id, client, first_seen) "
	                   "VALUES (?1, ?2, ?3)",
	[S_ICLIENT_KNOWN] = "SELECT 1 FROM iclient WHERE account_id = ?1 AND client = ?2",
	[S_CODE_KILL] = "UPDATE code SET used_ms = -1 WHERE insured_id = ?1 AND purpose = ?2 "
	                "AND used_ms = 0",
	[S_CODE_PUT] =
	        "INSERT INTO code(insured_id, purpose, channel, hash, created_ms, expires_ms, "
	        "used_ms, failures) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0)",
	[S_CODE_LIVE] = "SELECT id, insured_id, purpose, channel, hash, created_ms, expires_ms, "
	                "used_ms, failures FROM code WHERE insured_id = ?1 AND purpose = ?2 "
	                "AND used_ms = 0 AND expires_ms > ?3 ORDER BY id DESC LIMIT 1",
	[S_CODE_SET] = "UPDATE code SET used_ms = ?2, failures = ?3 WHERE id = ?1",
	[S_EVENT_PUT] = "INSERT INTO ievent(account_id, t_ms, kind, detail, mail, attempts, "
	                "message_id) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0)",
	[S_EVENTS_OF] = "SELECT id, account_id, t_ms, kind, detail, mail, attempts, message_id "
	                "FROM ievent WHERE account_id = ?1 AND id < ?2 AND kind != 'access' "
	                "ORDER BY id DESC LIMIT ?3",
	[S_EVENTS_OF_ALL] = "SELECT id, account_id, t_ms, kind, detail, mail, attempts, message_id "
	                    "FROM ievent WHERE account_id = ?1 AND id < ?2 "
	                    "ORDER BY id DESC LIMIT ?3",
	[S_EVENTS_MAIL] = "SELECT id, account_id, t_ms, kind, detail, mail, attempts, message_id "
	                  "FROM ievent WHERE mail = 1 AND id > ?1 ORDER BY id LIMIT ?2",
	[S_EVENT_MAILED] = "UPDATE ievent SET mail = ?2, attempts = ?3, message_id = ?4 "
	                   "WHERE id = ?1",
	[S_BLOCK_ON] = "INSERT OR IGNORE INTO block(insured_id, pro_id, t_ms) VALUES (?1, ?2, ?3)",
	[S_BLOCK_OFF] = "DELETE FROM block WHERE insured_id = ?1 AND pro_id = ?2",
	[S_BLOCKS_OF] =
	        "SELECT pro_id, t_ms FROM block WHERE insured_id = ?1 ORDER BY t_ms, pro_id "
	        "LIMIT ?2",
	[S_BLOCKS_ALL] =
	        "SELECT insured_id, pro_id FROM block WHERE (insured_id, pro_id) > (?1, ?2) "
	        "ORDER BY insured_id, pro_id LIMIT ?3",
	[S_CARD_SET] =
	        "UPDATE insured SET card_pk = ?2, card_opposed_ms = CASE WHEN ?3 > 0 THEN ?3 "
	        "ELSE card_opposed_ms END WHERE id = ?1",
	[S_CARDS_OPPOSED] = "SELECT id, card_opposed_ms FROM insured WHERE card_opposed_ms >= ?1 "
	                    "AND card_opposed_ms > 0 AND id > ?2 ORDER BY id LIMIT ?3",
	[S_MISUSE_PUT] = "INSERT INTO misuse(account_id, t_ms, access_idx, body) "
	                 "VALUES (?1, ?2, ?3, ?4)",
	[S_MISUSE_OF] = "SELECT id, account_id, t_ms, access_idx, body FROM misuse "
	                "WHERE account_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
	[S_MISUSE_ALL] = "SELECT id, account_id, t_ms, access_idx, body FROM misuse "
	                 "WHERE id < ?2 AND ?1 = 0 ORDER BY id DESC LIMIT ?3",
	[S_ACC_GET] = "SELECT " ACC_COLS " FROM acc.journal WHERE idx = ?1",
	[S_ACCT_NIR] = "SELECT " ACCT_COLS " FROM account WHERE nir_bidx = ?1 ORDER BY id LIMIT ?2",
	[S_ACCT_EMAIL] =
	        "SELECT " ACCT_COLS " FROM account WHERE email_bidx = ?1 ORDER BY id LIMIT ?2",
	[S_ACCT_GET] = "SELECT " ACCT_COLS " FROM account WHERE id = ?1",
	[S_ACCT_AUTH] = "UPDATE account SET failed = ?2, locked_until = ?3 WHERE id = ?1",
	[S_PRO_SUSPEND] = "UPDATE pro SET suspended = ?2 WHERE id = ?1",
	[S_PRO_SECRETS] = "UPDATE pro SET pwhash = ?2, totp = ?3, totp_last_step = ?4 "
	                  "WHERE id = ?1",
	[S_PRO_HOURS] = "UPDATE pro SET hours = ?2, rota_every = ?3, rota_phase = ?4 WHERE id = ?1",
	[S_PRO_SUSPENDED] =
	        "SELECT " PRO_COLS " FROM pro WHERE suspended != 0 ORDER BY id LIMIT ?1",
	[S_SES_DEL_SUBJ] = "DELETE FROM session WHERE pro_id = ?1",
	[S_ISES_DEL_SUBJ] = "DELETE FROM isession WHERE account_id = ?1",
	[S_CLIENT_SEEN] = "INSERT OR IGNORE INTO pro_client(pro_id, client, first_seen) "
	                  "VALUES (?1, ?2, ?3)",
	[S_NOTICE_PUT] = "INSERT INTO notice(pro_id, t, kind, detail) VALUES (?1, ?2, ?3, ?4)",
	[S_NOTICE_LIST] = "SELECT id, t, kind, detail FROM notice WHERE pro_id = ?1 AND id < ?2 "
	                  "ORDER BY id DESC LIMIT ?3",
	[S_ACC_LAST] = "SELECT coalesce(max(idx), -1) FROM acc.journal",
	[S_ACC_PATIENT] =
	        "SELECT " ACC_COLS " FROM acc.journal "
	        "WHERE pbucket = ?4 AND patient = ?1 AND idx < ?2 ORDER BY idx DESC LIMIT ?3",
};

static const char SCHEMA[] =
        "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS insured("
        " id INTEGER PRIMARY KEY, nir_bidx BLOB NOT NULL, pid BLOB NOT NULL UNIQUE,"
        " ident BLOB NOT NULL, contact BLOB NOT NULL, rights BLOB NOT NULL, card_pk BLOB NOT NULL);"
        "CREATE INDEX IF NOT EXISTS insured_nir ON insured(nir_bidx);"
        "CREATE TABLE IF NOT EXISTS pro("
        " id INTEGER PRIMARY KEY, rpps TEXT NOT NULL UNIQUE, kind INTEGER NOT NULL,"
        " family TEXT NOT NULL, given TEXT NOT NULL, dept TEXT NOT NULL, city TEXT NOT NULL,"
        " pwhash TEXT NOT NULL, totp BLOB NOT NULL, totp_last_step INTEGER NOT NULL DEFAULT 0,"
        " failed INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,"
        " suspended INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE IF NOT EXISTS session("
        " token_hash BLOB PRIMARY KEY, pro_id INTEGER NOT NULL REFERENCES pro(id),"
        " created INTEGER NOT NULL, last_used INTEGER NOT NULL, expires INTEGER NOT NULL,"
        " ip TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS account("
        " id INTEGER PRIMARY KEY REFERENCES insured(id), nir_bidx BLOB NOT NULL,"
        " email_bidx BLOB NOT NULL UNIQUE, patient BLOB NOT NULL, pwhash TEXT NOT NULL,"
        " failed INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX IF NOT EXISTS account_nir ON account(nir_bidx);"
        "CREATE TABLE IF NOT EXISTS isession("
        " token_hash BLOB PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES account(id),"
        " created INTEGER NOT NULL, last_used INTEGER NOT NULL, expires INTEGER NOT NULL,"
        " ip TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS session_subject ON session(pro_id);"
        "CREATE INDEX IF NOT EXISTS isession_subject ON isession(account_id);"
        /* Clients (keyed hash of address and user agent) a professional logged in from. */
        "CREATE TABLE IF NOT EXISTS pro_client("
        " pro_id INTEGER NOT NULL REFERENCES pro(id), client BLOB NOT NULL,"
        " first_seen INTEGER NOT NULL, PRIMARY KEY(pro_id, client)) WITHOUT ROWID;"
        /* Notifications owed to a professional (new-client logins...); detail is sealed. */
        "CREATE TABLE IF NOT EXISTS notice("
        " id INTEGER PRIMARY KEY, pro_id INTEGER NOT NULL REFERENCES pro(id),"
        " t INTEGER NOT NULL, kind TEXT NOT NULL, detail BLOB NOT NULL);"
        "CREATE INDEX IF NOT EXISTS notice_pro ON notice(pro_id, id);"
        /* Incidents, their scopes, messages people can check, reports, campaigns. */
        "CREATE TABLE IF NOT EXISTS incident("
        " id INTEGER PRIMARY KEY, opened_ms INTEGER NOT NULL, opened_by INTEGER NOT NULL,"
        " title TEXT NOT NULL, status INTEGER NOT NULL, closed_ms INTEGER NOT NULL,"
        " closed_by INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS incident_scope("
        " incident_id INTEGER NOT NULL REFERENCES incident(id), seq INTEGER NOT NULL,"
        " pro_id INTEGER NOT NULL, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL,"
        " ip TEXT NOT NULL, added_ms INTEGER NOT NULL, added_by INTEGER NOT NULL,"
        " PRIMARY KEY(incident_id, seq)) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS message("
        " id INTEGER PRIMARY KEY, code BLOB NOT NULL UNIQUE, person_id INTEGER NOT NULL,"
        " campaign_id INTEGER NOT NULL, created_ms INTEGER NOT NULL, channel TEXT NOT NULL,"
        " subject TEXT NOT NULL, body BLOB NOT NULL);"
        "CREATE INDEX IF NOT EXISTS message_person ON message(person_id, created_ms);"
        "CREATE TABLE IF NOT EXISTS report("
        " id INTEGER PRIMARY KEY, t_ms INTEGER NOT NULL, channel TEXT NOT NULL,"
        " body BLOB NOT NULL);"
        "CREATE INDEX IF NOT EXISTS report_t ON report(t_ms);"
        "CREATE TABLE IF NOT EXISTS campaign("
        " id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL REFERENCES incident(id),"
        " channel TEXT NOT NULL, created_ms INTEGER NOT NULL, created_by INTEGER NOT NULL,"
        " total INTEGER NOT NULL, done_ms INTEGER NOT NULL, UNIQUE(incident_id, channel));"
        "CREATE TABLE IF NOT EXISTS outbox("
        " campaign_id INTEGER NOT NULL REFERENCES campaign(id), person_id INTEGER NOT NULL,"
        " state INTEGER NOT NULL, attempts INTEGER NOT NULL, message_id INTEGER NOT NULL,"
        " updated_ms INTEGER NOT NULL, PRIMARY KEY(campaign_id, person_id)) WITHOUT ROWID;"
        /* The insured person's own account: codes by post or e-mail, events, clients, blocks. */
        "CREATE TABLE IF NOT EXISTS code("
        " id INTEGER PRIMARY KEY, insured_id INTEGER NOT NULL, purpose INTEGER NOT NULL,"
        " channel INTEGER NOT NULL, hash BLOB NOT NULL, created_ms INTEGER NOT NULL,"
        " expires_ms INTEGER NOT NULL, used_ms INTEGER NOT NULL, failures INTEGER NOT NULL);"
        "CREATE INDEX IF NOT EXISTS code_person ON code(insured_id, purpose, id);"
        "CREATE TABLE IF NOT EXISTS ievent("
        " id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
        " kind TEXT NOT NULL, detail BLOB NOT NULL, mail INTEGER NOT NULL,"
        " attempts INTEGER NOT NULL, message_id INTEGER NOT NULL);"
        "CREATE INDEX IF NOT EXISTS ievent_account ON ievent(account_id, id);"
        "CREATE INDEX IF NOT EXISTS ievent_mail ON ievent(mail, id) WHERE mail = 1;"
        "CREATE TABLE IF NOT EXISTS iclient("
        " account_id INTEGER NOT NULL, client BLOB NOT NULL, first_seen INTEGER NOT NULL,"
        " PRIMARY KEY(account_id, client)) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS block("
        " insured_id INTEGER NOT NULL, pro_id INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
        " PRIMARY KEY(insured_id, pro_id)) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS misuse("
        " id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
        " access_idx INTEGER NOT NULL, body BLOB NOT NULL);"
        "CREATE INDEX IF NOT EXISTS misuse_account ON misuse(account_id, id);";

/*
 * Access records live in their own file, attached as "acc": their steady
 * stream of writes then never invalidates the lookup connections' page cache
 * of the personal data, and the audit trail is kept apart from the data.
 */
static const char ACC_SCHEMA[] =
        "CREATE TABLE IF NOT EXISTS acc.journal("
        " idx INTEGER PRIMARY KEY, t_ms INTEGER NOT NULL, pro_id INTEGER NOT NULL,"
        " patient BLOB NOT NULL, entry BLOB NOT NULL, sealed BLOB NOT NULL,"
        " pbucket INTEGER NOT NULL);"
        "CREATE INDEX IF NOT EXISTS acc.journal_pro ON journal(pro_id, t_ms);"
        "CREATE INDEX IF NOT EXISTS acc.journal_person ON journal(pbucket, idx, patient);";
/*
 * A row keeps in clear what its queries need (index, time, professional,
 * the person's keyed pseudonym) and the journal entry; the record, its salt,
 * the address and the rest stay sealed exactly as in the journal's log
 * (core/access.h struct access_sealed): a copy of access.db opens no public
 * commitment.
 *
 * The rows are an index of the journal (journal/), keyed by entry index, and
 * written after the entries are durable, off the requests' path; the
 * journal's log is the truth and refills them after a crash. The
 * professional index serves incidents.
 *
 * "Who accessed my record" would want an index on the patient pseudonym, but
 * its keys are random: every row would dirty its own page of that B-tree
 * (measured: 17,000 rows/s at 1.5M rows). Instead rows are indexed by one of
 * ACC_BUCKETS buckets of pseudonyms, then by index: each bucket only grows
 * at its end, so a transaction touches at most ACC_BUCKETS pages of it, and
 * a person's accesses are a walk down their bucket filtered on the
 * pseudonym, which the index covers.
 */
#define ACC_BUCKETS 256

/*
 * Lookups get a read-only connection of their own that keeps one read
 * transaction (a WAL snapshot) open for up to SNAPSHOT_MS: starting a read
 * transaction costs system calls (fcntl locks, a stat), which are most of a
 * point lookup. Insured rows only change when a population is seeded, so a
 * snapshot that old is never staler than a seed in progress.
 */
#define SNAPSHOT_MS 100

struct lookup_conn {
	sqlite3 *db;
	sqlite3_stmt *find, *begin, *commit;
	int64_t snap_ms; /* when the open snapshot began; 0: none open */
};

struct conn {
	sqlite3 *db;
	sqlite3_stmt *st[S_N];
	struct lookup_conn lk;
	struct conn *next;
};

struct sq {
	struct store base; /* first: a struct store * is a struct sq * */
	char *path;
	char *acc_path; /* access records: "access.db" beside the main file */
	pthread_key_t key;
	pthread_mutex_t lock; /* guards conns */
	struct conn *conns;
};

static void lookup_close(struct lookup_conn *l)
{
	if (l->snap_ms)
		sqlite3_step(l->commit);
	sqlite3_finalize(l->find);
	sqlite3_finalize(l->begin);
	sqlite3_finalize(l->commit);
	sqlite3_close(l->db);
	memset(l, 0, sizeof(*l));
}

static void conn_free(struct conn *c)
{
	for (int i = 0; i < S_N; i++)
		sqlite3_finalize(c->st[i]);
	lookup_close(&c->lk);
	sqlite3_close(c->db);
	free(c);
}

static int lookup_open(const char *path, struct lookup_conn *l)
{
	if (sqlite3_open_v2(path, &l->db,
	                    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
	                    NULL) != SQLITE_OK ||
	    sqlite3_exec(l->db, "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;", NULL,
	                 NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(l->db, SQL[S_INS_FIND], -1, SQLITE_PREPARE_PERSISTENT, &l->find,
	                       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db, "BEGIN", -1, &l->begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db, "COMMIT", -1, &l->commit, NULL) != SQLITE_OK) {
		lookup_close(l);
		return VG_EIO;
	}
	sqlite3_busy_timeout(l->db, 10000);
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1; /* never 0 */
}

/* The thread's lookup statement inside a snapshot at most SNAPSHOT_MS old; NULL on error. */
static sqlite3_stmt *lookup_stmt(struct sq *q, struct conn *c)
{
	struct lookup_conn *l = &c->lk;
	int64_t now = mono_ms();

	if (!l->db && lookup_open(q->path, l) != 0)
		return NULL;
	if (l->snap_ms && now - l->snap_ms < SNAPSHOT_MS) {
		sqlite3_reset(l->find);
		return l->find;
	}
	if (l->snap_ms) {
		sqlite3_reset(l->find);
		sqlite3_reset(l->commit);
		if (sqlite3_step(l->commit) != SQLITE_DONE)
			return NULL;
		l->snap_ms = 0;
	}
	sqlite3_reset(l->begin);
	if (sqlite3_step(l->begin) != SQLITE_DONE)
		return NULL;
	l->snap_ms = now;
	return l->find;
}

/*
 * An access-row table from before the bucketed index, or from before the
 * records were sealed, is dropped: its rows are derived data, and the
 * indexer writes them again from the journal's log. The file is then
 * rewritten (VACUUM) and its WAL emptied, so that no clear record, salt or
 * address survives in a free page.
 */
static int acc_migrate(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	int cols = 0, has_bucket = 0, has_record = 0, rc;

	if (sqlite3_prepare_v2(db, "PRAGMA acc.table_info(journal)", -1, &q, NULL) != SQLITE_OK)
		return VG_EIO;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(q, 1);

		cols++;
		if (name && strcmp((const char *)name, "pbucket") == 0)
			has_bucket = 1;
		if (name && strcmp((const char *)name, "record") == 0)
			has_record = 1;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return VG_EIO;
	if (cols == 0 || (has_bucket && !has_record))
		return 0;
	if (sqlite3_exec(db,
	                 "PRAGMA acc.secure_delete=ON; DROP TABLE acc.journal; VACUUM acc;"
	                 "PRAGMA acc.wal_checkpoint(TRUNCATE);",
	                 NULL, NULL, NULL) != SQLITE_OK)
		return VG_EIO;
	return 0;
}

/* 1 if table has column, 0 if not, VG_EIO. */
static int has_column(sqlite3 *db, const char *pragma, const char *col)
{
	sqlite3_stmt *q = NULL;
	int found = 0, rc;

	if (sqlite3_prepare_v2(db, pragma, -1, &q, NULL) != SQLITE_OK)
		return VG_EIO;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(q, 1);

		if (name && strcmp((const char *)name, col) == 0)
			found = 1;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? found : VG_EIO;
}

/* Add a column the first data directories did not have (see pro_migrate). */
static int add_column_to(sqlite3 *db, const char *pragma, const char *col, const char *alter)
{
	int has = has_column(db, pragma, col);

	if (has != 0)
		return has < 0 ? has : 0;
	if (sqlite3_exec(db, alter, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	return has_column(db, pragma, col) == 1 ? 0 : VG_EIO;
}

static int add_column(sqlite3 *db, const char *col, const char *alter)
{
	return add_column_to(db, "PRAGMA main.table_info(pro)", col, alter);
}

/* The account's columns that came with the insured person's own account. */
static const char *const ACCT_ADDED[][2] = {
	{ "totp", "ALTER TABLE account ADD COLUMN totp BLOB" },
	{ "totp_on", "ALTER TABLE account ADD COLUMN totp_on INTEGER NOT NULL DEFAULT 0" },
	{ "totp_last_step",
	  "ALTER TABLE account ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0" },
	{ "recovery", "ALTER TABLE account ADD COLUMN recovery BLOB" },
	{ "owner_lock_ms",
	  "ALTER TABLE account ADD COLUMN owner_lock_ms INTEGER NOT NULL DEFAULT 0" },
	{ "alerts", "ALTER TABLE account ADD COLUMN alerts INTEGER NOT NULL DEFAULT 0" },
	{ "pw_short", "ALTER TABLE account ADD COLUMN pw_short INTEGER NOT NULL DEFAULT 0" },
	{ "created_ms", "ALTER TABLE account ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0" },
	{ "pw_changed_ms",
	  "ALTER TABLE account ADD COLUMN pw_changed_ms INTEGER NOT NULL DEFAULT 0" },
	{ "pw_failed", "ALTER TABLE account ADD COLUMN pw_failed INTEGER NOT NULL DEFAULT 0" },
};

/*
 * pro.role (operators) and the opening hours came after the first data
 * directories: add them ('' hours: the profession's usual ones). Two
 * connections may race here; the loser's ALTER fails and the column is there.
 */
static int pro_migrate(sqlite3 *db)
{
	int rc = add_column(db, "role",
	                    "ALTER TABLE pro ADD COLUMN role INTEGER NOT NULL DEFAULT 0");

	if (rc == 0)
		rc = add_column(db, "hours",
		                "ALTER TABLE pro ADD COLUMN hours TEXT NOT NULL DEFAULT ''");
	if (rc == 0)
		rc = add_column(db, "rota_every",
		                "ALTER TABLE pro ADD COLUMN rota_every INTEGER NOT NULL DEFAULT 0");
	if (rc == 0)
		rc = add_column(db, "rota_phase",
		                "ALTER TABLE pro ADD COLUMN rota_phase INTEGER NOT NULL DEFAULT 0");
	/* The access pseudonym of each person (incidents): NULL in rows written before it. */
	if (rc == 0)
		rc = add_column_to(db, "PRAGMA main.table_info(insured)", "patient",
		                   "ALTER TABLE insured ADD COLUMN patient BLOB");
	if (rc == 0 && sqlite3_exec(db,
	                            "CREATE INDEX IF NOT EXISTS insured_patient ON "
	                            "insured(patient)",
	                            NULL, NULL, NULL) != SQLITE_OK)
		rc = VG_EIO;
	if (rc == 0)
		rc = add_column_to(
		        db, "PRAGMA main.table_info(insured)", "card_opposed_ms",
		        "ALTER TABLE insured ADD COLUMN card_opposed_ms INTEGER NOT NULL "
		        "DEFAULT 0");
	for (size_t i = 0; rc == 0 && i < sizeof(ACCT_ADDED) / sizeof(ACCT_ADDED[0]); i++)
		rc = add_column_to(db, "PRAGMA main.table_info(account)", ACCT_ADDED[i][0],
		                   ACCT_ADDED[i][1]);
	return rc;
}

static int conn_open(const char *path, const char *acc_path, struct conn **out)
{
	struct conn *c = calloc(1, sizeof(*c));
	sqlite3_stmt *att = NULL;
	int rc = VG_EIO;

	*out = NULL;
	if (!c)
		return VG_ENOMEM;
	if (sqlite3_open_v2(path, &c->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	                            SQLITE_OPEN_NOFOLLOW,
	                    NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(c->db, 10000);
	if (sqlite3_exec(c->db,
	                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	                 "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
	                 "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;",
	                 NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_exec(c->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK || pro_migrate(c->db) != 0)
		goto out;
	if (sqlite3_prepare_v2(c->db, "ATTACH DATABASE ?1 AS acc", -1, &att, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(att, 1, acc_path, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(att) != SQLITE_DONE)
		goto out;
	if (acc_migrate(c->db) != 0)
		goto out;
	if (sqlite3_exec(c->db,
	                 "PRAGMA acc.journal_mode=WAL; PRAGMA acc.synchronous=NORMAL;"
	                 "PRAGMA acc.cache_size=-65536; PRAGMA acc.mmap_size=1073741824;",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, ACC_SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	for (int i = 0; i < S_N; i++)
		if (sqlite3_prepare_v3(c->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &c->st[i],
		                       NULL) != SQLITE_OK)
			goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	sqlite3_finalize(att);
	if (c)
		conn_free(c);
	return rc;
}

/* This thread's connection, opened on first use. */
static struct conn *conn_get(struct store *s)
{
	struct sq *q = (struct sq *)s;
	struct conn *c = pthread_getspecific(q->key);

	if (c)
		return c;
	if (conn_open(q->path, q->acc_path, &c) != 0)
		return NULL;
	pthread_mutex_lock(&q->lock);
	c->next = q->conns;
	q->conns = c;
	pthread_mutex_unlock(&q->lock);
	pthread_setspecific(q->key, c);
	return c;
}

/* Borrow statement i of this thread's connection, reset and unbound. */
static sqlite3_stmt *stmt(struct store *s, enum stmt_id i)
{
	struct conn *c = conn_get(s);

	if (!c)
		return NULL;
	sqlite3_reset(c->st[i]);
	sqlite3_clear_bindings(c->st[i]);
	return c->st[i];
}

static int map_rc(int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return 0;
	case SQLITE_CONSTRAINT: return VG_EEXIST;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return VG_EBUSY;
	case SQLITE_NOMEM: return VG_ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: return VG_ECORRUPT;
	default: return VG_EIO;
	}
}

/* Step a statement that returns no row. */
static int run(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int exec_simple(struct store *s, enum stmt_id i)
{
	sqlite3_stmt *q = stmt(s, i);

	return q ? run(q) : VG_EIO;
}

static int sq_begin(struct store *s)
{
	return exec_simple(s, S_BEGIN);
}
static int sq_commit(struct store *s)
{
	return exec_simple(s, S_COMMIT);
}
static int sq_rollback(struct store *s)
{
	return exec_simple(s, S_ROLLBACK);
}

static int count(struct store *s, enum stmt_id i, int64_t *n)
{
	sqlite3_stmt *q = stmt(s, i);
	int rc;

	if (!q)
		return VG_EIO;
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		return map_rc(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	}
	*n = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return 0;
}

static int sq_meta_get(struct store *s, const char *k, char *v, size_t cap)
{
	sqlite3_stmt *q = stmt(s, S_META_GET);
	int rc, len;

	if (!q)
		return VG_EIO;
	sqlite3_bind_text(q, 1, k, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		return rc == SQLITE_DONE ? VG_ENOTFOUND : map_rc(rc);
	}
	len = sqlite3_column_bytes(q, 0);
	if ((size_t)len >= cap) {
		sqlite3_reset(q);
		return VG_ETOOBIG;
	}
	memcpy(v, sqlite3_column_text(q, 0), (size_t)len);
	v[len] = '\0';
	sqlite3_reset(q);
	return 0;
}

static int sq_meta_set(struct store *s, const char *k, const char *v)
{
	sqlite3_stmt *q = stmt(s, S_META_SET);

	if (!q)
		return VG_EIO;
	sqlite3_bind_text(q, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, v, -1, SQLITE_STATIC);
	return run(q);
}

static int sq_insured_put(struct store *s, const struct store_insured *r)
{
	sqlite3_stmt *q = stmt(s, S_INS_PUT);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, r->id);
	sqlite3_bind_blob(q, 2, r->nir_bidx, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, r->pid, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, r->ident, (int)r->ident_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, r->contact, (int)r->contact_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 6, r->rights, (int)r->rights_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 7, r->card_pk, 32, SQLITE_STATIC);
	if (r->has_patient)
		sqlite3_bind_blob(q, 8, r->patient, VAULT_BIDX, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 8);
	return run(q);
}

/* Copy a blob column of exactly want bytes (want > 0) or at most cap bytes (want == 0). */
static int col_blob(sqlite3_stmt *q, int col, uint8_t *dst, size_t cap, size_t want, size_t *len)
{
	int n = sqlite3_column_bytes(q, col);
	const void *p = sqlite3_column_blob(q, col);

	if (n < 0 || (want && (size_t)n != want) || (size_t)n > cap || (n > 0 && !p))
		return VG_ECORRUPT;
	if (n > 0)
		memcpy(dst, p, (size_t)n);
	if (len)
		*len = (size_t)n;
	return 0;
}

static int col_text(sqlite3_stmt *q, int col, char *dst, size_t cap)
{
	int n = sqlite3_column_bytes(q, col);
	const unsigned char *p = sqlite3_column_text(q, col);

	if (n < 0 || (size_t)n >= cap)
		return VG_ECORRUPT;
	if (n > 0)
		memcpy(dst, p, (size_t)n);
	dst[n] = '\0';
	return 0;
}

static int sq_insured_find(struct store *s, const uint8_t b[VAULT_BIDX], struct store_insured *out,
                           size_t cap, size_t *n)
{
	struct conn *c = conn_get(s);
	sqlite3_stmt *q = c ? lookup_stmt((struct sq *)s, c) : NULL;
	int rc = 0, step;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, b, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)cap);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_insured *r = &out[*n];

		r->id = sqlite3_column_int64(q, 0);
		memcpy(r->nir_bidx, b, VAULT_BIDX);
		r->contact_len = 0; /* never read on the lookup path */
		if ((rc = col_blob(q, 1, r->pid, VAULT_BIDX, VAULT_BIDX, NULL)) != 0 ||
		    (rc = col_blob(q, 2, r->ident, sizeof(r->ident), 0, &r->ident_len)) != 0 ||
		    (rc = col_blob(q, 3, r->rights, sizeof(r->rights), 0, &r->rights_len)) != 0 ||
		    (rc = col_blob(q, 4, r->card_pk, 32, 32, NULL)) != 0)
			break;
		(*n)++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = map_rc(step);
	sqlite3_reset(q);
	return rc;
}

static int sq_insured_count(struct store *s, int64_t *n)
{
	return count(s, S_INS_COUNT, n);
}
static int sq_pro_count(struct store *s, int64_t *n)
{
	return count(s, S_PRO_COUNT, n);
}
static int sq_access_count(struct store *s, int64_t *n)
{
	return count(s, S_ACC_COUNT, n);
}
static int sq_access_last(struct store *s, int64_t *idx)
{
	return count(s, S_ACC_LAST, idx);
}

/* The bucket of a pseudonym (its bytes are a keyed hash: uniform). */
static int acc_bucket(const uint8_t patient[VAULT_BIDX])
{
	return (patient[0] << 8 | patient[1]) % ACC_BUCKETS;
}

/* One access row (ACC_COLS from column 0), as stored: sealed. */
static int sealed_row(sqlite3_stmt *q, struct access_sealed *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->idx = sqlite3_column_int64(q, 0);
	a->t_ms = sqlite3_column_int64(q, 1);
	a->pro_id = sqlite3_column_int64(q, 2);
	rc = col_blob(q, 3, a->patient, ACCESS_PATIENT_LEN, ACCESS_PATIENT_LEN, NULL);
	if (rc == 0)
		rc = col_blob(q, 4, a->entry, ACCESS_ENTRY_LEN, ACCESS_ENTRY_LEN, NULL);
	if (rc == 0)
		rc = col_blob(q, 5, a->sealed, ACCESS_SEALED_MAX, 0, &a->sealed_len);
	return rc;
}

static int sq_access_by_patient(struct store *s, const uint8_t patient[VAULT_BIDX], int64_t before,
                                struct access_sealed *out, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_ACC_PATIENT);
	size_t k = 0;
	int step = SQLITE_DONE, rc = 0;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, patient, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, before);
	sqlite3_bind_int64(q, 3, (int64_t)cap);
	sqlite3_bind_int(q, 4, acc_bucket(patient));
	while (rc == 0 && k < cap && (step = sqlite3_step(q)) == SQLITE_ROW)
		rc = sealed_row(q, &out[k++]);
	sqlite3_reset(q);
	if (rc != 0)
		return rc;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return map_rc(step);
	*n = k;
	return 0;
}

static int sq_pro_put(struct store *s, struct store_pro *p)
{
	sqlite3_stmt *q = stmt(s, S_PRO_PUT);
	int rc;

	if (!q)
		return VG_EIO;
	if (p->id > 0)
		sqlite3_bind_int64(q, 1, p->id);
	else
		sqlite3_bind_null(q, 1);
	sqlite3_bind_text(q, 2, p->rpps, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, p->kind);
	sqlite3_bind_text(q, 4, p->family, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, p->given, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, p->dept, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, p->city, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 8, p->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 9, p->totp_sealed, (int)p->totp_sealed_len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 10, p->totp_last_step);
	sqlite3_bind_int(q, 11, p->failed);
	sqlite3_bind_int64(q, 12, p->locked_until);
	sqlite3_bind_int(q, 13, p->suspended);
	sqlite3_bind_int(q, 14, p->role);
	if (p->hours_set) {
		char text[HOURS_TEXT_MAX];

		if (hours_format(&p->hours, text, sizeof(text)) != 0)
			return VG_EINVAL;
		sqlite3_bind_text(q, 15, text, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_text(q, 15, "", 0, SQLITE_STATIC);
	}
	sqlite3_bind_int(q, 16, p->hours.rota_every);
	sqlite3_bind_int(q, 17, p->hours.rota_phase);
	rc = run(q);
	if (rc == 0 && p->id <= 0)
		p->id = sqlite3_last_insert_rowid(conn_get(s)->db);
	return rc;
}

/* The hours columns from col on: '' is "not set" (the profession's usual hours). */
static int pro_hours_row(sqlite3_stmt *q, int col, struct store_pro *p)
{
	const char *text = (const char *)sqlite3_column_text(q, col), *why;
	int every = sqlite3_column_int(q, col + 1), phase = sqlite3_column_int(q, col + 2);

	if (every < 0 || every > HOURS_ROTA_MAX || phase < 0 || (every && phase >= every))
		return VG_ECORRUPT;
	p->hours.rota_every = (uint16_t)every;
	p->hours.rota_phase = (uint16_t)phase;
	if (!text || !*text)
		return 0;
	if (hours_parse(text, strlen(text), &p->hours, &why) != 0)
		return VG_ECORRUPT;
	p->hours_set = 1;
	return 0;
}

static int pro_row(sqlite3_stmt *q, struct store_pro *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(q, 0);
	p->kind = sqlite3_column_int(q, 2);
	if ((rc = col_text(q, 1, p->rpps, sizeof(p->rpps))) != 0 ||
	    (rc = col_text(q, 3, p->family, sizeof(p->family))) != 0 ||
	    (rc = col_text(q, 4, p->given, sizeof(p->given))) != 0 ||
	    (rc = col_text(q, 5, p->dept, sizeof(p->dept))) != 0 ||
	    (rc = col_text(q, 6, p->city, sizeof(p->city))) != 0 ||
	    (rc = col_text(q, 7, p->pwhash, sizeof(p->pwhash))) != 0 ||
	    (rc = col_blob(q, 8, p->totp_sealed, sizeof(p->totp_sealed), 0, &p->totp_sealed_len)) !=
	            0)
		return rc;
	p->totp_last_step = sqlite3_column_int64(q, 9);
	p->failed = sqlite3_column_int(q, 10);
	p->locked_until = sqlite3_column_int64(q, 11);
	p->suspended = sqlite3_column_int(q, 12);
	p->role = sqlite3_column_int(q, 13);
	return pro_hours_row(q, 14, p);
}

static int pro_fetch(sqlite3_stmt *q, struct store_pro *out)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW)
		rc = pro_row(q, out);
	else
		rc = rc == SQLITE_DONE ? VG_ENOTFOUND : map_rc(rc);
	sqlite3_reset(q);
	return rc;
}

static int sq_pro_get(struct store *s, const char *rpps, struct store_pro *out)
{
	sqlite3_stmt *q = stmt(s, S_PRO_GET);

	if (!q)
		return VG_EIO;
	sqlite3_bind_text(q, 1, rpps, -1, SQLITE_STATIC);
	return pro_fetch(q, out);
}

static int sq_pro_get_id(struct store *s, int64_t id, struct store_pro *out)
{
	sqlite3_stmt *q = stmt(s, S_PRO_GET_ID);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	return pro_fetch(q, out);
}

static int sq_pro_set_auth(struct store *s, int64_t id, int32_t failed, int64_t locked_until,
                           int64_t totp_last_step)
{
	sqlite3_stmt *q = stmt(s, S_PRO_AUTH);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int(q, 2, failed);
	sqlite3_bind_int64(q, 3, locked_until);
	sqlite3_bind_int64(q, 4, totp_last_step);
	return run(q);
}

static int sq_pro_set_suspended(struct store *s, int64_t id, int32_t suspended)
{
	sqlite3_stmt *q = stmt(s, S_PRO_SUSPEND);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int(q, 2, suspended);
	return run(q);
}

static int sq_pro_set_secrets(struct store *s, const struct store_pro *p)
{
	sqlite3_stmt *q = stmt(s, S_PRO_SECRETS);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, p->id);
	sqlite3_bind_text(q, 2, p->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, p->totp_sealed, (int)p->totp_sealed_len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, p->totp_last_step);
	return run(q);
}

static int sq_pro_set_hours(struct store *s, int64_t id, int hours_set, const struct hours *h)
{
	sqlite3_stmt *q = stmt(s, S_PRO_HOURS);
	char text[HOURS_TEXT_MAX] = "";
	int rc;

	if (!q)
		return VG_EIO;
	if (h->rota_every > HOURS_ROTA_MAX || (h->rota_every && h->rota_phase >= h->rota_every) ||
	    (hours_set && hours_format(h, text, sizeof(text)) != 0))
		return VG_EINVAL;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 3, h->rota_every);
	sqlite3_bind_int(q, 4, h->rota_phase);
	rc = run(q);
	if (rc == 0 && sqlite3_changes(conn_get(s)->db) == 0)
		return VG_ENOTFOUND;
	return rc;
}

static int sq_pro_suspended(struct store *s, struct store_pro *out, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_PRO_SUSPENDED);
	size_t k = 0;
	int step, rc = 0;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, (int64_t)cap);
	while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW && k < cap)
		rc = pro_row(q, &out[k++]);
	sqlite3_reset(q);
	if (rc != 0)
		return rc;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return map_rc(step);
	*n = k;
	return 0;
}

static int sq_client_seen(struct store *s, int64_t pro_id, const uint8_t client[VAULT_BIDX],
                          int64_t t, int *is_new)
{
	sqlite3_stmt *q = stmt(s, S_CLIENT_SEEN);
	int rc;

	*is_new = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, pro_id);
	sqlite3_bind_blob(q, 2, client, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, t);
	rc = run(q);
	if (rc == 0)
		*is_new = sqlite3_changes(conn_get(s)->db) > 0;
	return rc;
}

static int sq_notice_put(struct store *s, const struct store_notice *x)
{
	sqlite3_stmt *q = stmt(s, S_NOTICE_PUT);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, x->pro_id);
	sqlite3_bind_int64(q, 2, x->t);
	sqlite3_bind_text(q, 3, x->kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, x->detail, (int)x->detail_len, SQLITE_STATIC);
	return run(q);
}

static int sq_notice_list(struct store *s, int64_t pro_id, int64_t before, struct store_notice *out,
                          size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_NOTICE_LIST);
	size_t k = 0;
	int step, rc = 0;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, pro_id);
	sqlite3_bind_int64(q, 2, before);
	sqlite3_bind_int64(q, 3, (int64_t)cap);
	while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW && k < cap) {
		struct store_notice *x = &out[k++];

		memset(x, 0, sizeof(*x));
		x->id = sqlite3_column_int64(q, 0);
		x->pro_id = pro_id;
		x->t = sqlite3_column_int64(q, 1);
		if ((rc = col_text(q, 2, x->kind, sizeof(x->kind))) == 0)
			rc = col_blob(q, 3, x->detail, sizeof(x->detail), 0, &x->detail_len);
	}
	sqlite3_reset(q);
	if (rc != 0)
		return rc;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return map_rc(step);
	*n = k;
	return 0;
}

static int sq_session_put(struct store *s, const struct store_session *x)
{
	sqlite3_stmt *q = stmt(s, x->kind == SESSION_INSURED ? S_ISES_PUT : S_SES_PUT);

	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, x->token_hash, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, x->pro_id);
	sqlite3_bind_int64(q, 3, x->created);
	sqlite3_bind_int64(q, 4, x->last_used);
	sqlite3_bind_int64(q, 5, x->expires);
	sqlite3_bind_text(q, 6, x->ip, -1, SQLITE_STATIC);
	return run(q);
}

static int sq_session_get(struct store *s, int kind, const uint8_t h[VAULT_BIDX],
                          struct store_session *o)
{
	sqlite3_stmt *q = stmt(s, kind == SESSION_INSURED ? S_ISES_GET : S_SES_GET);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, h, VAULT_BIDX, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		memcpy(o->token_hash, h, VAULT_BIDX);
		o->kind = kind;
		o->pro_id = sqlite3_column_int64(q, 0);
		o->created = sqlite3_column_int64(q, 1);
		o->last_used = sqlite3_column_int64(q, 2);
		o->expires = sqlite3_column_int64(q, 3);
		rc = col_text(q, 4, o->ip, sizeof(o->ip));
	} else {
		rc = rc == SQLITE_DONE ? VG_ENOTFOUND : map_rc(rc);
	}
	sqlite3_reset(q);
	return rc;
}

static int sq_session_touch(struct store *s, int kind, const uint8_t h[VAULT_BIDX], int64_t t)
{
	sqlite3_stmt *q = stmt(s, kind == SESSION_INSURED ? S_ISES_TOUCH : S_SES_TOUCH);

	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, h, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, t);
	return run(q);
}

static int sq_session_delete(struct store *s, int kind, const uint8_t h[VAULT_BIDX])
{
	sqlite3_stmt *q = stmt(s, kind == SESSION_INSURED ? S_ISES_DEL : S_SES_DEL);

	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, h, VAULT_BIDX, SQLITE_STATIC);
	return run(q);
}

static int sq_session_delete_subject(struct store *s, int kind, int64_t subject)
{
	sqlite3_stmt *q = stmt(s, kind == SESSION_INSURED ? S_ISES_DEL_SUBJ : S_SES_DEL_SUBJ);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, subject);
	return run(q);
}

static int sq_session_purge(struct store *s, int64_t now, int64_t idle)
{
	const enum stmt_id which[2] = { S_SES_PURGE, S_ISES_PURGE };
	int rc = 0;

	for (int k = 0; k < 2 && rc == 0; k++) {
		sqlite3_stmt *q = stmt(s, which[k]);

		if (!q)
			return VG_EIO;
		sqlite3_bind_int64(q, 1, now);
		sqlite3_bind_int64(q, 2, idle);
		rc = run(q);
	}
	return rc;
}

/* ---- insured accounts ---- */

static int acct_row(sqlite3_stmt *q, struct store_account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(q, 0);
	if (sqlite3_column_bytes(q, 1) != VAULT_BIDX || sqlite3_column_bytes(q, 2) != VAULT_BIDX ||
	    sqlite3_column_bytes(q, 3) != VAULT_BIDX)
		return VG_ECORRUPT;
	memcpy(a->nir_bidx, sqlite3_column_blob(q, 1), VAULT_BIDX);
	memcpy(a->email_bidx, sqlite3_column_blob(q, 2), VAULT_BIDX);
	memcpy(a->patient, sqlite3_column_blob(q, 3), VAULT_BIDX);
	a->failed = sqlite3_column_int(q, 5);
	a->locked_until = sqlite3_column_int64(q, 6);
	a->totp_on = sqlite3_column_int(q, 8);
	a->totp_last_step = sqlite3_column_int64(q, 9);
	a->owner_lock_ms = sqlite3_column_int64(q, 11);
	a->alerts = sqlite3_column_int(q, 12);
	a->pw_short = sqlite3_column_int(q, 13);
	a->created_ms = sqlite3_column_int64(q, 14);
	a->pw_changed_ms = sqlite3_column_int64(q, 15);
	a->pw_failed = sqlite3_column_int(q, 16);
	if (col_blob(q, 7, a->totp_sealed, sizeof(a->totp_sealed), 0, &a->totp_sealed_len) != 0 ||
	    col_blob(q, 10, a->recovery_sealed, sizeof(a->recovery_sealed), 0,
	             &a->recovery_sealed_len) != 0)
		return VG_ECORRUPT;
	return col_text(q, 4, a->pwhash, sizeof(a->pwhash));
}

/* The bindings of ACCT_COLS (S_ACCT_PUT, S_ACCT_UPDATE). */
static void acct_bind(sqlite3_stmt *q, const struct store_account *a)
{
	sqlite3_bind_int64(q, 1, a->id);
	sqlite3_bind_blob(q, 2, a->nir_bidx, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, a->email_bidx, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, a->patient, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, a->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 6, a->failed);
	sqlite3_bind_int64(q, 7, a->locked_until);
	if (a->totp_sealed_len)
		sqlite3_bind_blob(q, 8, a->totp_sealed, (int)a->totp_sealed_len, SQLITE_STATIC);
	sqlite3_bind_int(q, 9, a->totp_on);
	sqlite3_bind_int64(q, 10, a->totp_last_step);
	if (a->recovery_sealed_len)
		sqlite3_bind_blob(q, 11, a->recovery_sealed, (int)a->recovery_sealed_len,
		                  SQLITE_STATIC);
	sqlite3_bind_int64(q, 12, a->owner_lock_ms);
	sqlite3_bind_int(q, 13, a->alerts);
	sqlite3_bind_int(q, 14, a->pw_short);
	sqlite3_bind_int64(q, 15, a->created_ms);
	sqlite3_bind_int64(q, 16, a->pw_changed_ms);
	sqlite3_bind_int(q, 17, a->pw_failed);
}

static int sq_account_put(struct store *s, const struct store_account *a)
{
	sqlite3_stmt *q = stmt(s, S_ACCT_PUT);

	if (!q)
		return VG_EIO;
	acct_bind(q, a);
	return run(q);
}

static int sq_account_find(struct store *s, int by_email, const uint8_t b[VAULT_BIDX],
                           struct store_account *out, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, by_email ? S_ACCT_EMAIL : S_ACCT_NIR);
	size_t k = 0;
	int step = SQLITE_DONE, rc = 0;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, b, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	while (rc == 0 && k < cap && (step = sqlite3_step(q)) == SQLITE_ROW)
		rc = acct_row(q, &out[k++]);
	sqlite3_reset(q);
	if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = map_rc(step);
	if (rc == 0)
		*n = k;
	return rc;
}

static int sq_account_get(struct store *s, int64_t id, struct store_account *out)
{
	sqlite3_stmt *q = stmt(s, S_ACCT_GET);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	rc = rc == SQLITE_ROW ? acct_row(q, out) : rc == SQLITE_DONE ? VG_ENOTFOUND : map_rc(rc);
	sqlite3_reset(q);
	return rc;
}

static int sq_account_set_auth(struct store *s, int64_t id, int32_t failed, int64_t locked_until)
{
	sqlite3_stmt *q = stmt(s, S_ACCT_AUTH);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int(q, 2, failed);
	sqlite3_bind_int64(q, 3, locked_until);
	return run(q);
}

static int sq_access_put(struct store *s, const struct access_sealed *r, size_t n)
{
	sqlite3_stmt *q;
	int rc = exec_simple(s, S_BEGIN_DEFERRED);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!(q = stmt(s, S_ACC_PUT))) {
			rc = VG_EIO;
			break;
		}
		sqlite3_bind_int64(q, 1, r[i].idx);
		sqlite3_bind_int64(q, 2, r[i].t_ms);
		sqlite3_bind_int64(q, 3, r[i].pro_id);
		sqlite3_bind_blob(q, 4, r[i].patient, VAULT_BIDX, SQLITE_STATIC);
		sqlite3_bind_blob(q, 5, r[i].entry, ACCESS_ENTRY_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(q, 6, r[i].sealed, (int)r[i].sealed_len, SQLITE_STATIC);
		sqlite3_bind_int(q, 7, acc_bucket(r[i].patient));
		rc = run(q);
	}
	if (rc == 0)
		return sq_commit(s);
	(void)sq_rollback(s);
	return rc;
}

static int backup_one(sqlite3 *src, const char *schema, const char *path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc = VG_EIO;

	if (sqlite3_open_v2(path, &dst,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
	                    NULL) != SQLITE_OK)
		goto out;
	b = sqlite3_backup_init(dst, "main", src, schema);
	if (!b)
		goto out;
	if (sqlite3_backup_step(b, -1) == SQLITE_DONE)
		rc = 0;
	if (sqlite3_backup_finish(b) != SQLITE_OK)
		rc = VG_EIO;
out:
	sqlite3_close(dst);
	return rc;
}

/* path gets the data; path + "-access" the access records. */
static int sq_backup(struct store *s, const char *path)
{
	struct conn *c = conn_get(s);
	size_t n = strlen(path);
	char *acc = malloc(n + sizeof("-access"));
	int rc;

	if (!c || !acc) {
		free(acc);
		return c ? VG_ENOMEM : VG_EIO;
	}
	memcpy(acc, path, n);
	memcpy(acc + n, "-access", sizeof("-access"));
	rc = backup_one(c->db, "main", path);
	if (rc == 0)
		rc = backup_one(c->db, "acc", acc);
	free(acc);
	return rc;
}

/* ---- incidents, messages, reports, campaigns (store.h) ---------------------------- */

/* A whole insured row (S_INS_GET's column order). */
static int insured_row(sqlite3_stmt *q, struct store_insured *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(q, 0);
	if ((rc = col_blob(q, 1, r->pid, VAULT_BIDX, VAULT_BIDX, NULL)) != 0 ||
	    (rc = col_blob(q, 2, r->ident, sizeof(r->ident), 0, &r->ident_len)) != 0 ||
	    (rc = col_blob(q, 3, r->rights, sizeof(r->rights), 0, &r->rights_len)) != 0 ||
	    (rc = col_blob(q, 4, r->card_pk, 32, 32, NULL)) != 0 ||
	    (rc = col_blob(q, 5, r->contact, sizeof(r->contact), 0, &r->contact_len)) != 0 ||
	    (rc = col_blob(q, 6, r->nir_bidx, VAULT_BIDX, VAULT_BIDX, NULL)) != 0)
		return rc;
	if (sqlite3_column_type(q, 7) != SQLITE_NULL) {
		if ((rc = col_blob(q, 7, r->patient, VAULT_BIDX, VAULT_BIDX, NULL)) != 0)
			return rc;
		r->has_patient = 1;
	}
	return 0;
}

/* Step q, reading up to cap rows with row(q, &out[k]); *n rows read. */
#define ROWS(q, out, cap, n, row)                                                                  \
	do {                                                                                       \
		size_t k_ = 0;                                                                     \
		int step_ = SQLITE_DONE, rc_ = 0;                                                  \
		while (k_ < (cap) && (step_ = sqlite3_step(q)) == SQLITE_ROW) {                    \
			if ((rc_ = row(q, &(out)[k_])) != 0)                                       \
				break;                                                             \
			k_++;                                                                      \
		}                                                                                  \
		sqlite3_reset(q);                                                                  \
		if (rc_ != 0)                                                                      \
			return rc_;                                                                \
		if (step_ != SQLITE_ROW && step_ != SQLITE_DONE)                                   \
			return map_rc(step_);                                                      \
		*(n) = k_;                                                                         \
		return 0;                                                                          \
	} while (0)

/* Step q for one row read by row(q, out): VG_ENOTFOUND when there is none. */
#define ONE(q, out, row)                                                                           \
	do {                                                                                       \
		int step_ = sqlite3_step(q), rc_;                                                  \
		if (step_ != SQLITE_ROW) {                                                         \
			sqlite3_reset(q);                                                          \
			return step_ == SQLITE_DONE ? VG_ENOTFOUND : map_rc(step_);                \
		}                                                                                  \
		rc_ = row(q, out);                                                                 \
		sqlite3_reset(q);                                                                  \
		return rc_;                                                                        \
	} while (0)

static int sq_insured_get(struct store *s, int64_t id, struct store_insured *out)
{
	sqlite3_stmt *q = stmt(s, S_INS_GET);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	ONE(q, out, insured_row);
}

static int id_row(sqlite3_stmt *q, int64_t *id)
{
	*id = sqlite3_column_int64(q, 0);
	return 0;
}

static int sq_insured_ids_by_patient(struct store *s, const uint8_t patient[VAULT_BIDX],
                                     int64_t *ids, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_INS_BY_PATIENT);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, patient, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	ROWS(q, ids, cap, n, id_row);
}

static int ident_row(sqlite3_stmt *q, struct store_insured *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(q, 0);
	return col_blob(q, 1, r->ident, sizeof(r->ident), 0, &r->ident_len);
}

static int sq_insured_without_patient(struct store *s, int64_t after, struct store_insured *out,
                                      size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_INS_NO_PATIENT);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	ROWS(q, out, cap, n, ident_row);
}

static int sq_insured_set_patient(struct store *s, int64_t id, const uint8_t patient[VAULT_BIDX])
{
	sqlite3_stmt *q = stmt(s, S_INS_SET_PATIENT);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_blob(q, 2, patient, VAULT_BIDX, SQLITE_STATIC);
	return run(q);
}

static int sq_access_of_pro(struct store *s, int64_t pro_id, int64_t from_ms, int64_t to_ms,
                            store_access_fn fn, void *ctx)
{
	sqlite3_stmt *q = stmt(s, S_ACC_PRO);
	struct access_sealed *a = malloc(sizeof(*a));
	int step = SQLITE_DONE, stop = 0, rc = 0;

	if (!q || !a) {
		free(a);
		return q ? VG_ENOMEM : VG_EIO;
	}
	sqlite3_bind_int64(q, 1, pro_id);
	sqlite3_bind_int64(q, 2, from_ms);
	sqlite3_bind_int64(q, 3, to_ms);
	while (!stop && rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW)
		if ((rc = sealed_row(q, a)) == 0)
			stop = fn(ctx, a);
	sqlite3_reset(q);
	free(a);
	if (rc != 0)
		return rc;
	if (!stop && step != SQLITE_DONE)
		return map_rc(step);
	return 0;
}

static int incident_row(sqlite3_stmt *q, struct store_incident *x)
{
	memset(x, 0, sizeof(*x));
	x->id = sqlite3_column_int64(q, 0);
	x->opened_ms = sqlite3_column_int64(q, 1);
	x->opened_by = sqlite3_column_int64(q, 2);
	x->status = sqlite3_column_int(q, 4);
	x->closed_ms = sqlite3_column_int64(q, 5);
	x->closed_by = sqlite3_column_int64(q, 6);
	return col_text(q, 3, x->title, sizeof(x->title));
}

static int sq_incident_put(struct store *s, struct store_incident *x)
{
	sqlite3_stmt *q = stmt(s, S_INC_PUT);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, x->opened_ms);
	sqlite3_bind_int64(q, 2, x->opened_by);
	sqlite3_bind_text(q, 3, x->title, -1, SQLITE_STATIC);
	rc = run(q);
	if (rc == 0) {
		x->id = sqlite3_last_insert_rowid(conn_get(s)->db);
		x->status = INCIDENT_OPEN;
	}
	return rc;
}

static int sq_incident_get(struct store *s, int64_t id, struct store_incident *out)
{
	sqlite3_stmt *q = stmt(s, S_INC_GET);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	ONE(q, out, incident_row);
}

static int sq_incident_list(struct store *s, struct store_incident *out, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_INC_LIST);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, (int64_t)cap);
	ROWS(q, out, cap, n, incident_row);
}

static int sq_incident_close(struct store *s, int64_t id, int64_t t_ms, int64_t by)
{
	sqlite3_stmt *q = stmt(s, S_INC_CLOSE);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, t_ms);
	sqlite3_bind_int64(q, 3, by);
	rc = run(q);
	if (rc == 0 && sqlite3_changes(conn_get(s)->db) == 0)
		rc = VG_ENOTFOUND;
	return rc;
}

static int sq_scope_put(struct store *s, struct store_scope *x)
{
	sqlite3_stmt *q = stmt(s, S_SCOPE_NEXT);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, x->incident_id);
	if ((rc = sqlite3_step(q)) != SQLITE_ROW) {
		sqlite3_reset(q);
		return map_rc(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	}
	x->seq = sqlite3_column_int(q, 0);
	sqlite3_reset(q);
	if (!(q = stmt(s, S_SCOPE_PUT)))
		return VG_EIO;
	sqlite3_bind_int64(q, 1, x->incident_id);
	sqlite3_bind_int(q, 2, x->seq);
	sqlite3_bind_int64(q, 3, x->pro_id);
	sqlite3_bind_int64(q, 4, x->from_ms);
	sqlite3_bind_int64(q, 5, x->to_ms);
	sqlite3_bind_text(q, 6, x->ip, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, x->added_ms);
	sqlite3_bind_int64(q, 8, x->added_by);
	return run(q);
}

static int scope_row(sqlite3_stmt *q, struct store_scope *x)
{
	memset(x, 0, sizeof(*x));
	x->incident_id = sqlite3_column_int64(q, 0);
	x->seq = sqlite3_column_int(q, 1);
	x->pro_id = sqlite3_column_int64(q, 2);
	x->from_ms = sqlite3_column_int64(q, 3);
	x->to_ms = sqlite3_column_int64(q, 4);
	x->added_ms = sqlite3_column_int64(q, 6);
	x->added_by = sqlite3_column_int64(q, 7);
	return col_text(q, 5, x->ip, sizeof(x->ip));
}

static int sq_scopes(struct store *s, int64_t incident_id, struct store_scope *out, size_t cap,
                     size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_SCOPES);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, incident_id);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	ROWS(q, out, cap, n, scope_row);
}

static int sq_message_put(struct store *s, const struct store_message *m)
{
	sqlite3_stmt *q = stmt(s, S_MSG_PUT);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, m->id);
	sqlite3_bind_blob(q, 2, m->code, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, m->person_id);
	sqlite3_bind_int64(q, 4, m->campaign_id);
	sqlite3_bind_int64(q, 5, m->created_ms);
	sqlite3_bind_text(q, 6, m->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, m->subject, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 8, m->body, (int)m->body_len, SQLITE_STATIC);
	return run(q);
}

static int message_row(sqlite3_stmt *q, struct store_message *m)
{
	int rc;

	m->id = sqlite3_column_int64(q, 0);
	m->person_id = sqlite3_column_int64(q, 2);
	m->campaign_id = sqlite3_column_int64(q, 3);
	m->created_ms = sqlite3_column_int64(q, 4);
	if ((rc = col_blob(q, 1, m->code, VAULT_BIDX, VAULT_BIDX, NULL)) != 0 ||
	    (rc = col_text(q, 5, m->channel, sizeof(m->channel))) != 0 ||
	    (rc = col_text(q, 6, m->subject, sizeof(m->subject))) != 0)
		return rc;
	return col_blob(q, 7, m->body, sizeof(m->body), 0, &m->body_len);
}

static int sq_message_by_code(struct store *s, const uint8_t code[VAULT_BIDX],
                              struct store_message *out)
{
	sqlite3_stmt *q = stmt(s, S_MSG_CODE);

	if (!q)
		return VG_EIO;
	sqlite3_bind_blob(q, 1, code, VAULT_BIDX, SQLITE_STATIC);
	ONE(q, out, message_row);
}

static int sq_message_get(struct store *s, int64_t id, struct store_message *out)
{
	sqlite3_stmt *q = stmt(s, S_MSG_GET);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	ONE(q, out, message_row);
}

static int sq_messages_of(struct store *s, int64_t person_id, struct store_message *out, size_t cap,
                          size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_MSG_OF);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, person_id);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	ROWS(q, out, cap, n, message_row);
}

static int sq_report_put(struct store *s, const struct store_report *x)
{
	sqlite3_stmt *q = stmt(s, S_REP_PUT);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, x->id);
	sqlite3_bind_int64(q, 2, x->t_ms);
	sqlite3_bind_text(q, 3, x->channel, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, x->body, (int)x->body_len, SQLITE_STATIC);
	return run(q);
}

static int report_row(sqlite3_stmt *q, struct store_report *x)
{
	int rc;

	x->id = sqlite3_column_int64(q, 0);
	x->t_ms = sqlite3_column_int64(q, 1);
	if ((rc = col_text(q, 2, x->channel, sizeof(x->channel))) != 0)
		return rc;
	return col_blob(q, 3, x->body, sizeof(x->body), 0, &x->body_len);
}

static int sq_reports(struct store *s, int64_t before, struct store_report *out, size_t cap,
                      size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_REP_LIST);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, before);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	ROWS(q, out, cap, n, report_row);
}

static int campaign_row(sqlite3_stmt *q, struct store_campaign *c);

static int sq_campaign_find(struct store *s, int64_t incident_id, const char *channel,
                            struct store_campaign *out)
{
	sqlite3_stmt *q = stmt(s, S_CAMP_FIND);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, incident_id);
	sqlite3_bind_text(q, 2, channel, -1, SQLITE_STATIC);
	ONE(q, out, campaign_row);
}

static int sq_campaign_put(struct store *s, struct store_campaign *c, const int64_t *persons,
                           size_t n, int64_t *added)
{
	struct store_campaign found;
	sqlite3_stmt *q;
	int rc = sq_begin(s);

	*added = 0;
	if (rc != 0)
		return rc;
	rc = sq_campaign_find(s, c->incident_id, c->channel, &found);
	if (rc == VG_ENOTFOUND) {
		if (!(q = stmt(s, S_CAMP_PUT))) {
			rc = VG_EIO;
			goto out;
		}
		sqlite3_bind_int64(q, 1, c->incident_id);
		sqlite3_bind_text(q, 2, c->channel, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, c->created_ms);
		sqlite3_bind_int64(q, 4, c->created_by);
		sqlite3_bind_int64(q, 5, 0);
		if ((rc = run(q)) != 0)
			goto out;
		found.id = sqlite3_last_insert_rowid(conn_get(s)->db);
	} else if (rc != 0) {
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!(q = stmt(s, S_OUT_ADD))) {
			rc = VG_EIO;
			break;
		}
		sqlite3_bind_int64(q, 1, found.id);
		sqlite3_bind_int64(q, 2, persons[i]);
		sqlite3_bind_int64(q, 3, c->created_ms);
		rc = run(q);
		if (rc == 0)
			*added += sqlite3_changes(conn_get(s)->db);
	}
	if (rc == 0 && (q = stmt(s, S_CAMP_TOTAL)) != NULL) {
		sqlite3_bind_int64(q, 1, found.id);
		sqlite3_bind_int64(q, 2, *added);
		rc = run(q);
	} else if (rc == 0) {
		rc = VG_EIO;
	}
	if (rc == 0)
		rc = sq_campaign_find(s, c->incident_id, c->channel, c);
out:
	if (rc == 0)
		return sq_commit(s);
	VG_IGNORE(sq_rollback(s)); /* the error that made us roll back is the one to report */
	*added = 0;
	return rc;
}

static int campaign_row(sqlite3_stmt *q, struct store_campaign *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(q, 0);
	c->incident_id = sqlite3_column_int64(q, 1);
	c->created_ms = sqlite3_column_int64(q, 3);
	c->created_by = sqlite3_column_int64(q, 4);
	c->total = sqlite3_column_int64(q, 5);
	c->done_ms = sqlite3_column_int64(q, 6);
	return col_text(q, 2, c->channel, sizeof(c->channel));
}

static int sq_campaign_get(struct store *s, int64_t id, struct store_campaign *out)
{
	sqlite3_stmt *q = stmt(s, S_CAMP_GET);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	ONE(q, out, campaign_row);
}

static int sq_campaign_done(struct store *s, int64_t id, int64_t t_ms)
{
	sqlite3_stmt *q = stmt(s, S_CAMP_DONE);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, t_ms);
	return run(q);
}

static int outbox_row(sqlite3_stmt *q, struct store_outbox *o)
{
	o->campaign_id = sqlite3_column_int64(q, 0);
	o->person_id = sqlite3_column_int64(q, 1);
	o->state = sqlite3_column_int(q, 2);
	o->attempts = sqlite3_column_int(q, 3);
	o->message_id = sqlite3_column_int64(q, 4);
	o->updated_ms = sqlite3_column_int64(q, 5);
	return 0;
}

static int sq_outbox_next(struct store *s, int64_t campaign_id, int64_t after_person,
                          struct store_outbox *out, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_OUT_NEXT);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, campaign_id);
	sqlite3_bind_int64(q, 2, after_person);
	sqlite3_bind_int64(q, 3, (int64_t)cap);
	ROWS(q, out, cap, n, outbox_row);
}

static int sq_outbox_set(struct store *s, const struct store_outbox *o)
{
	sqlite3_stmt *q = stmt(s, S_OUT_SET);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, o->campaign_id);
	sqlite3_bind_int64(q, 2, o->person_id);
	sqlite3_bind_int(q, 3, o->state);
	sqlite3_bind_int(q, 4, o->attempts);
	sqlite3_bind_int64(q, 5, o->message_id);
	sqlite3_bind_int64(q, 6, o->updated_ms);
	rc = run(q);
	if (rc == 0 && sqlite3_changes(conn_get(s)->db) == 0)
		rc = VG_ENOTFOUND;
	return rc;
}

static int sq_outbox_counts(struct store *s, int64_t campaign_id, int64_t counts[4])
{
	sqlite3_stmt *q = stmt(s, S_OUT_COUNTS);
	int step;

	memset(counts, 0, 4 * sizeof(counts[0]));
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, campaign_id);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int st = sqlite3_column_int(q, 0);

		if (st >= 0 && st < 4)
			counts[st] = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	return step == SQLITE_DONE ? 0 : map_rc(step);
}

static void sq_close(struct store *s)
{
	struct sq *q = (struct sq *)s;
	struct conn *c = q->conns, *next;

	for (; c; c = next) {
		next = c->next;
		conn_free(c);
	}
	pthread_key_delete(q->key);
	pthread_mutex_destroy(&q->lock);
	free(q->path);
	free(q->acc_path);
	free(q);
}

/* ---- the insured person's own account ---- */

static int sq_account_update(struct store *s, const struct store_account *a)
{
	sqlite3_stmt *q = stmt(s, S_ACCT_UPDATE);
	int rc;

	if (!q)
		return VG_EIO;
	acct_bind(q, a);
	rc = run(q);
	if (rc == 0 && sqlite3_changes(conn_get(s)->db) == 0)
		rc = VG_ENOTFOUND;
	return rc;
}

static int sq_account_alerting(struct store *s, int64_t after, struct store_account *out,
                               size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_ACCT_ALERTING);
	size_t k = 0;
	int step = SQLITE_DONE, rc = 0;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	while (rc == 0 && k < cap && (step = sqlite3_step(q)) == SQLITE_ROW)
		rc = acct_row(q, &out[k++]);
	sqlite3_reset(q);
	if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = map_rc(step);
	if (rc == 0)
		*n = k;
	return rc;
}

static int sq_sessions_of(struct store *s, int kind, int64_t subject, struct store_session *out,
                          size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, kind == SESSION_INSURED ? S_ISES_OF : S_SES_OF);
	size_t k = 0;
	int step = SQLITE_DONE, rc = 0;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, subject);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	while (rc == 0 && k < cap && (step = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_session *o = &out[k++];

		memset(o, 0, sizeof(*o));
		o->kind = kind;
		rc = col_blob(q, 0, o->token_hash, VAULT_BIDX, VAULT_BIDX, NULL);
		o->pro_id = sqlite3_column_int64(q, 1);
		o->created = sqlite3_column_int64(q, 2);
		o->last_used = sqlite3_column_int64(q, 3);
		o->expires = sqlite3_column_int64(q, 4);
		if (rc == 0)
			rc = col_text(q, 5, o->ip, sizeof(o->ip));
	}
	sqlite3_reset(q);
	if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = map_rc(step);
	if (rc == 0)
		*n = k;
	return rc;
}

static int sq_iclient_seen(struct store *s, int64_t account_id, const uint8_t client[VAULT_BIDX],
                           int64_t t, int *is_new)
{
	sqlite3_stmt *q = stmt(s, S_ICLIENT_SEEN);
	int rc;

	*is_new = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_blob(q, 2, client, VAULT_BIDX, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, t);
	rc = run(q);
	if (rc == 0)
		*is_new = sqlite3_changes(conn_get(s)->db) > 0;
	return rc;
}

static int sq_iclient_known(struct store *s, int64_t account_id, const uint8_t client[VAULT_BIDX],
                            int *known)
{
	sqlite3_stmt *q = stmt(s, S_ICLIENT_KNOWN);
	int rc;

	*known = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_blob(q, 2, client, VAULT_BIDX, SQLITE_STATIC);
	rc = sqlite3_step(q);
	*known = rc == SQLITE_ROW;
	sqlite3_reset(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : map_rc(rc);
}

/* A new code kills the person's earlier ones of the same purpose, in one transaction. */
static int sq_code_put(struct store *s, struct store_code *c)
{
	sqlite3_stmt *q;
	int rc = exec_simple(s, S_BEGIN);

	if (rc != 0)
		return rc;
	q = stmt(s, S_CODE_KILL);
	if (!q) {
		rc = VG_EIO;
		goto out;
	}
	sqlite3_bind_int64(q, 1, c->insured_id);
	sqlite3_bind_int(q, 2, c->purpose);
	rc = run(q);
	q = rc == 0 ? stmt(s, S_CODE_PUT) : NULL;
	if (rc == 0 && !q)
		rc = VG_EIO;
	if (rc == 0) {
		sqlite3_bind_int64(q, 1, c->insured_id);
		sqlite3_bind_int(q, 2, c->purpose);
		sqlite3_bind_int(q, 3, c->channel);
		sqlite3_bind_blob(q, 4, c->hash, VAULT_BIDX, SQLITE_STATIC);
		sqlite3_bind_int64(q, 5, c->created_ms);
		sqlite3_bind_int64(q, 6, c->expires_ms);
		rc = run(q);
	}
	if (rc == 0)
		c->id = sqlite3_last_insert_rowid(conn_get(s)->db);
out:
	if (rc == 0)
		return exec_simple(s, S_COMMIT);
	VG_IGNORE(exec_simple(s, S_ROLLBACK));
	return rc;
}

static int sq_code_live(struct store *s, int64_t insured_id, int purpose, int64_t now_ms,
                        struct store_code *out)
{
	sqlite3_stmt *q = stmt(s, S_CODE_LIVE);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, insured_id);
	sqlite3_bind_int(q, 2, purpose);
	sqlite3_bind_int64(q, 3, now_ms);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(q, 0);
		out->insured_id = sqlite3_column_int64(q, 1);
		out->purpose = sqlite3_column_int(q, 2);
		out->channel = sqlite3_column_int(q, 3);
		rc = col_blob(q, 4, out->hash, VAULT_BIDX, VAULT_BIDX, NULL);
		out->created_ms = sqlite3_column_int64(q, 5);
		out->expires_ms = sqlite3_column_int64(q, 6);
		out->used_ms = sqlite3_column_int64(q, 7);
		out->failures = sqlite3_column_int(q, 8);
	} else {
		rc = rc == SQLITE_DONE ? VG_ENOTFOUND : map_rc(rc);
	}
	sqlite3_reset(q);
	return rc;
}

static int sq_code_set(struct store *s, const struct store_code *c)
{
	sqlite3_stmt *q = stmt(s, S_CODE_SET);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, c->id);
	sqlite3_bind_int64(q, 2, c->used_ms);
	sqlite3_bind_int(q, 3, c->failures);
	return run(q);
}

static int sq_event_put(struct store *s, struct store_event *e)
{
	sqlite3_stmt *q = stmt(s, S_EVENT_PUT);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, e->account_id);
	sqlite3_bind_int64(q, 2, e->t_ms);
	sqlite3_bind_text(q, 3, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, e->detail, (int)e->detail_len, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, e->mail);
	rc = run(q);
	if (rc == 0)
		e->id = sqlite3_last_insert_rowid(conn_get(s)->db);
	return rc;
}

static int event_rows(sqlite3_stmt *q, struct store_event *out, size_t cap, size_t *n)
{
	size_t k = 0;
	int step = SQLITE_DONE, rc = 0;

	while (rc == 0 && k < cap && (step = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_event *e = &out[k++];

		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(q, 0);
		e->account_id = sqlite3_column_int64(q, 1);
		e->t_ms = sqlite3_column_int64(q, 2);
		rc = col_text(q, 3, e->kind, sizeof(e->kind));
		if (rc == 0)
			rc = col_blob(q, 4, e->detail, sizeof(e->detail), 0, &e->detail_len);
		e->mail = sqlite3_column_int(q, 5);
		e->attempts = sqlite3_column_int(q, 6);
		e->message_id = sqlite3_column_int64(q, 7);
	}
	sqlite3_reset(q);
	if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = map_rc(step);
	*n = rc == 0 ? k : 0;
	return rc;
}

static int sq_events_of(struct store *s, int64_t account_id, int with_access, int64_t before,
                        struct store_event *out, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, with_access ? S_EVENTS_OF_ALL : S_EVENTS_OF);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_int64(q, 2, before);
	sqlite3_bind_int64(q, 3, (int64_t)cap);
	return event_rows(q, out, cap, n);
}

static int sq_events_to_mail(struct store *s, int64_t after, struct store_event *out, size_t cap,
                             size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_EVENTS_MAIL);

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	return event_rows(q, out, cap, n);
}

static int sq_event_mailed(struct store *s, const struct store_event *e)
{
	sqlite3_stmt *q = stmt(s, S_EVENT_MAILED);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, e->id);
	sqlite3_bind_int(q, 2, e->mail);
	sqlite3_bind_int(q, 3, e->attempts);
	sqlite3_bind_int64(q, 4, e->message_id);
	return run(q);
}

static int sq_block_set(struct store *s, int64_t insured_id, int64_t pro_id, int on, int64_t t_ms)
{
	sqlite3_stmt *q = stmt(s, on ? S_BLOCK_ON : S_BLOCK_OFF);

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, insured_id);
	sqlite3_bind_int64(q, 2, pro_id);
	if (on)
		sqlite3_bind_int64(q, 3, t_ms);
	return run(q);
}

static int sq_blocks_of(struct store *s, int64_t insured_id, int64_t *pro_ids, int64_t *t_ms,
                        size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_BLOCKS_OF);
	size_t k = 0;
	int step = SQLITE_DONE;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, insured_id);
	sqlite3_bind_int64(q, 2, (int64_t)cap);
	while (k < cap && (step = sqlite3_step(q)) == SQLITE_ROW) {
		pro_ids[k] = sqlite3_column_int64(q, 0);
		t_ms[k++] = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return map_rc(step);
	*n = k;
	return 0;
}

static int sq_blocks_all(struct store *s, int64_t after_insured, int64_t after_pro,
                         int64_t *insured_ids, int64_t *pro_ids, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_BLOCKS_ALL);
	size_t k = 0;
	int step = SQLITE_DONE;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, after_insured);
	sqlite3_bind_int64(q, 2, after_pro);
	sqlite3_bind_int64(q, 3, (int64_t)cap);
	while (k < cap && (step = sqlite3_step(q)) == SQLITE_ROW) {
		insured_ids[k] = sqlite3_column_int64(q, 0);
		pro_ids[k++] = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return map_rc(step);
	*n = k;
	return 0;
}

static int sq_card_set(struct store *s, int64_t insured_id, const uint8_t pk[32],
                       int64_t opposed_ms)
{
	sqlite3_stmt *q = stmt(s, S_CARD_SET);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, insured_id);
	sqlite3_bind_blob(q, 2, pk, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, opposed_ms);
	rc = run(q);
	if (rc == 0 && sqlite3_changes(conn_get(s)->db) == 0)
		rc = VG_ENOTFOUND;
	return rc;
}

static int sq_cards_opposed(struct store *s, int64_t since_ms, int64_t after, int64_t *ids,
                            int64_t *opposed_ms, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, S_CARDS_OPPOSED);
	size_t k = 0;
	int step = SQLITE_DONE;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, since_ms);
	sqlite3_bind_int64(q, 2, after);
	sqlite3_bind_int64(q, 3, (int64_t)cap);
	while (k < cap && (step = sqlite3_step(q)) == SQLITE_ROW) {
		ids[k] = sqlite3_column_int64(q, 0);
		opposed_ms[k++] = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return map_rc(step);
	*n = k;
	return 0;
}

static int sq_misuse_put(struct store *s, struct store_misuse *m)
{
	sqlite3_stmt *q = stmt(s, S_MISUSE_PUT);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, m->account_id);
	sqlite3_bind_int64(q, 2, m->t_ms);
	sqlite3_bind_int64(q, 3, m->access_idx);
	sqlite3_bind_blob(q, 4, m->body, (int)m->body_len, SQLITE_STATIC);
	rc = run(q);
	if (rc == 0)
		m->id = sqlite3_last_insert_rowid(conn_get(s)->db);
	return rc;
}

static int sq_misuse_list(struct store *s, int64_t account_id, int64_t before,
                          struct store_misuse *out, size_t cap, size_t *n)
{
	sqlite3_stmt *q = stmt(s, account_id > 0 ? S_MISUSE_OF : S_MISUSE_ALL);
	size_t k = 0;
	int step = SQLITE_DONE, rc = 0;

	*n = 0;
	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, account_id > 0 ? account_id : 0);
	sqlite3_bind_int64(q, 2, before);
	sqlite3_bind_int64(q, 3, (int64_t)cap);
	while (rc == 0 && k < cap && (step = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_misuse *m = &out[k++];

		memset(m, 0, sizeof(*m));
		m->id = sqlite3_column_int64(q, 0);
		m->account_id = sqlite3_column_int64(q, 1);
		m->t_ms = sqlite3_column_int64(q, 2);
		m->access_idx = sqlite3_column_int64(q, 3);
		rc = col_blob(q, 4, m->body, sizeof(m->body), 0, &m->body_len);
	}
	sqlite3_reset(q);
	if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = map_rc(step);
	if (rc == 0)
		*n = k;
	return rc;
}

static int sq_access_get(struct store *s, int64_t idx, struct access_sealed *a)
{
	sqlite3_stmt *q = stmt(s, S_ACC_GET);
	int rc;

	if (!q)
		return VG_EIO;
	sqlite3_bind_int64(q, 1, idx);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		rc = sealed_row(q, a);
	else
		rc = rc == SQLITE_DONE ? VG_ENOTFOUND : map_rc(rc);
	sqlite3_reset(q);
	return rc;
}

static const struct store_ops SQLITE_OPS = {
	.name = "sqlite",
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.insured_put = sq_insured_put,
	.insured_find = sq_insured_find,
	.insured_count = sq_insured_count,
	.pro_put = sq_pro_put,
	.pro_get = sq_pro_get,
	.pro_get_id = sq_pro_get_id,
	.pro_set_auth = sq_pro_set_auth,
	.pro_count = sq_pro_count,
	.pro_set_suspended = sq_pro_set_suspended,
	.pro_set_secrets = sq_pro_set_secrets,
	.pro_set_hours = sq_pro_set_hours,
	.pro_suspended = sq_pro_suspended,
	.client_seen = sq_client_seen,
	.notice_put = sq_notice_put,
	.notice_list = sq_notice_list,
	.session_delete_subject = sq_session_delete_subject,
	.session_put = sq_session_put,
	.session_get = sq_session_get,
	.session_touch = sq_session_touch,
	.session_delete = sq_session_delete,
	.session_purge = sq_session_purge,
	.account_put = sq_account_put,
	.account_find = sq_account_find,
	.account_get = sq_account_get,
	.account_set_auth = sq_account_set_auth,
	.access_put = sq_access_put,
	.access_count = sq_access_count,
	.access_last = sq_access_last,
	.access_by_patient = sq_access_by_patient,
	.backup = sq_backup,
	.insured_get = sq_insured_get,
	.insured_ids_by_patient = sq_insured_ids_by_patient,
	.insured_without_patient = sq_insured_without_patient,
	.insured_set_patient = sq_insured_set_patient,
	.access_of_pro = sq_access_of_pro,
	.incident_put = sq_incident_put,
	.incident_get = sq_incident_get,
	.incident_list = sq_incident_list,
	.incident_close = sq_incident_close,
	.scope_put = sq_scope_put,
	.scopes = sq_scopes,
	.message_put = sq_message_put,
	.message_by_code = sq_message_by_code,
	.messages_of = sq_messages_of,
	.report_put = sq_report_put,
	.reports = sq_reports,
	.campaign_put = sq_campaign_put,
	.campaign_find = sq_campaign_find,
	.message_get = sq_message_get,
	.campaign_get = sq_campaign_get,
	.campaign_done = sq_campaign_done,
	.outbox_next = sq_outbox_next,
	.outbox_set = sq_outbox_set,
	.outbox_counts = sq_outbox_counts,
	.account_update = sq_account_update,
	.account_alerting = sq_account_alerting,
	.sessions_of = sq_sessions_of,
	.iclient_seen = sq_iclient_seen,
	.iclient_known = sq_iclient_known,
	.code_put = sq_code_put,
	.code_live = sq_code_live,
	.code_set = sq_code_set,
	.event_put = sq_event_put,
	.events_of = sq_events_of,
	.events_to_mail = sq_events_to_mail,
	.event_mailed = sq_event_mailed,
	.block_set = sq_block_set,
	.blocks_of = sq_blocks_of,
	.blocks_all = sq_blocks_all,
	.card_set = sq_card_set,
	.cards_opposed = sq_cards_opposed,
	.misuse_put = sq_misuse_put,
	.misuse_list = sq_misuse_list,
	.access_get = sq_access_get,
};

/* dir/access.db for dir/anything.db (or access.db for a bare name). */
static char *acc_path_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path + 1) : 0;
	char *p = malloc(dl + sizeof("access.db"));

	if (!p)
		return NULL;
	memcpy(p, path, dl);
	memcpy(p + dl, "access.db", sizeof("access.db"));
	return p;
}

int store_sqlite_open(const char *path, struct store **out)
{
	struct sq *q;

	/*
	 * No global memory statistics: they take a process-wide mutex on every
	 * SQLite allocation. Only possible before SQLite initialises; later calls
	 * return SQLITE_MISUSE, which is harmless.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	q = calloc(1, sizeof(*q));

	*out = NULL;
	if (!q)
		return VG_ENOMEM;
	q->base.ops = &SQLITE_OPS;
	q->path = strdup(path);
	q->acc_path = acc_path_of(path);
	if (!q->path || !q->acc_path || pthread_key_create(&q->key, NULL) != 0) {
		free(q->path);
		free(q->acc_path);
		free(q);
		return VG_ENOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	/* Open this thread's connection now: creates the file and schema, reports errors early. */
	if (!conn_get(&q->base)) {
		sq_close(&q->base);
		return VG_EIO;
	}
	*out = &q->base;
	return 0;
}
