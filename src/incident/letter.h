/*
 * letter.h - paper letters as PDF (cairo), for a printer: one file holds a
 * batch of letters, A4 portrait, each letter starting on a new page and
 * laid out for a DL window envelope (a French business letter):
 *   - the sender (TXT_LETTER_SENDER, one line per '\n') top left, 20 mm
 *     from the top and left edges;
 *   - the recipient's address in the envelope's window: 110 mm from the
 *     left, 45 mm from the top, 85 mm wide (a line too wide is set smaller,
 *     never cut nor wrapped: a postal line stays one line);
 *   - the date right-aligned below it, the subject in bold, then the body
 *     in 10.5 pt DejaVu Sans, wrapped to the 20 mm margins, "- " lines as
 *     bullets with their continuation lines hung, a blank line as a
 *     paragraph gap, page breaks 25 mm from the bottom;
 *   - the body's code line (the one that starts with four spaces, as
 *     message_compose writes it) replaced by the message code, large, in
 *     DejaVu Sans Mono, in a box labelled TXT_LETTER_CODE;
 *   - a body line of two spaces then text (a one-time code the reader
 *     types: an activation code) set large in DejaVu Sans Mono, centred,
 *     unboxed;
 *   - "Page n" (TXT_LETTER_PAGE) centred at the foot of every page, n
 *     counted from 1 in each letter.
 * Nothing but the given text is printed: no link, no address of a site
 * (cairo's own web address, in the file's Producer entry, is blanked).
 * No blank page is added after a letter of an odd number of pages: the
 * file is for simplex printing, where a new page is a new sheet.
 *
 * Invariants:
 *   (a) only well-formed UTF-8 without control characters reaches cairo
 *       (cairo fails a whole surface for good on a malformed string), so
 *       a bad letter is refused before anything of it is drawn;
 *   (b) lines break at spaces, or between two characters when one word is
 *       longer than a line, never inside a UTF-8 sequence;
 *   (c) every letter carries its code: a body without a code line gets the
 *       box after its last line.
 *
 * Life cycle: letter_batch_open, letter_add for each letter, then
 * letter_batch_close (the file is complete and on disk) or, on an error
 * path, letter_batch_abort (the file is incomplete: the caller deletes
 * it). cairo writes each page out as it ends but keeps the page tree and
 * the font subsets until the file is closed (about 8 MB resident for a
 * thousand letters, 2 KB of file a letter): batches of up to about a
 * thousand letters.
 *
 * Fonts: cairo's toy API, "DejaVu Sans" and "DejaVu Sans Mono" through
 * fontconfig (Debian fonts-dejavu-core), each face set up once per batch.
 * A batch is for one thread; distinct batches may run in parallel threads.
 * The letters hold personal data (names, addresses): the file is created
 * 0600 and nothing here logs.
 */
#ifndef VIGIE_INCIDENT_LETTER_H
#define VIGIE_INCIDENT_LETTER_H

#include <stddef.h>

#include "core/err.h"

#define LETTER_ADDRESS_LINES 6     /* lines of an address, at most (postal norm NF Z10-011) */
#define LETTER_LINE_MAX      200   /* bytes of an address line, the date, the subject */
#define LETTER_BODY_MAX      65536 /* bytes of a body */

struct letter_batch;

/*
 * Open path for writing (created 0600, truncated) and a new batch into *out,
 * owned by the caller until letter_batch_close or letter_batch_abort.
 * Returns 0, VG_EIO (the file cannot be created, or cairo fails: *out is
 * NULL, the file may exist, empty), VG_ENOMEM.
 */
VG_MUST_USE int letter_batch_open(const char *path, struct letter_batch **out)
        __attribute__((nonnull));

/*
 * Add one letter, starting on a new page; it may take several. All strings
 * are borrowed, UTF-8:
 *   address    the recipient, lines separated by '\n' (name, street line,
 *              "75002 PARIS"): 1 to LETTER_ADDRESS_LINES lines of at most
 *              LETTER_LINE_MAX bytes (a final '\n' starts no line);
 *   date_text  printed as given ("Le 2 décembre 2026", texts_date_long);
 *   subject    one line, in bold (wrapped when long);
 *   body       the text, '\n' between lines (message_compose's letter);
 *   code       the message code, "XXXX-XXXX-XXXX" (MSGCODE_TEXT bytes with
 *              its NUL, canonical: digits, capitals and the two dashes).
 * Returns 0; VG_EINVAL (an address of no line, or of more than
 * LETTER_ADDRESS_LINES, a line, date or subject over LETTER_LINE_MAX bytes
 * or with a line break, a body over LETTER_BODY_MAX, a code not in that
 * form, malformed UTF-8 or a control character anywhere): nothing was
 * drawn and the batch goes on, so the caller may skip that letter; VG_EIO
 * (cairo or the file failed) or VG_ENOMEM: the batch is spoilt, every later
 * call fails too, abort it.
 */
VG_MUST_USE int letter_add(struct letter_batch *b, const char *address, const char *date_text,
                           const char *subject, const char *body, const char *code)
        __attribute__((nonnull));

/* Letters added so far (0 for NULL). */
size_t letter_batch_count(const struct letter_batch *b);

/*
 * Finish the file, flush and fsync it, and free b. Returns 0 (the file is
 * complete; the caller renames it into place and syncs the directory) or
 * VG_EIO (the file must be thrown away). Accepts NULL (returns 0).
 */
VG_MUST_USE int letter_batch_close(struct letter_batch *b);

/* Free b without finishing the file (an error path): the caller deletes it. Accepts NULL. */
void letter_batch_abort(struct letter_batch *b);

/*
 * Once no batch is open, at the end of a process that wrote letters: give
 * back cairo's and fontconfig's font caches (so that leak checkers see none).
 */
void letter_fonts_release(void);

#endif
