/*
 * qr.h - a QR code as a small standalone SVG, for the otpauth:// URI that
 * enrols an authenticator app (RFC 6238 TOTP) by scanning.
 *
 * The symbol is libqrencode's (error correction level M, about 15 % of the
 * symbol may be damaged, 8-bit mode where the text needs it). The SVG holds
 * a white <rect>, one <path> with every dark module and nothing else: no
 * script, no external reference, no text, shape-rendering="crispEdges", a
 * viewBox in modules with the 4-module quiet zone the standard asks for, and
 * a default size of QR_SVG_PX pixels a module.
 *
 * The text is usually a secret (the TOTP key is in the URI): the symbol's
 * modules are wiped before they are freed, and out is wiped when it
 * is too small; what out holds on success is as secret as the text.
 * Thread-safe (Debian builds libqrencode with its pthread locks).
 */
#ifndef VIGIE_HTTP_QR_H
#define VIGIE_HTTP_QR_H

#include <stddef.h>
#include "core/err.h"

#define QR_TEXT_MAX 512 /* bytes of text; an otpauth URI is 100 to 250 */
#define QR_QUIET    4   /* modules of light margin on each side */
#define QR_SVG_PX   4   /* pixels a module, the SVG's default width and height */
/*
 * A cap that fits any text of up to QR_TEXT_MAX bytes: version 18 at most
 * (89 modules a side), at most 45 dark runs a row, at most 20 bytes a run.
 * 100 characters of otpauth URI take about 6 KiB.
 */
#define QR_SVG_CAP  (96 * 1024)

/*
 * Render the NUL-terminated text (borrowed) into out (cap bytes, NUL-
 * terminated on success); *len (may be NULL) receives the SVG's length
 * without the NUL. Returns 0, VG_EINVAL (text NULL or empty), VG_ETOOBIG
 * (text over QR_TEXT_MAX bytes, or cap too small: out is then wiped and
 * empty) or VG_ENOMEM.
 */
VG_MUST_USE int qr_svg(const char *text, char *out, size_t cap, size_t *len);

#endif
