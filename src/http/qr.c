/*
 * qr.c - see qr.h. Each row's dark modules become runs, each run one
 * rectangle of the path ("M x y h n v1 h-n z"), so the SVG grows with the
 * runs, not with the modules.
 */
#include "http/qr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <qrencode.h>
#include <sodium.h>
#include "core/banned.h"

/* Appends to a fixed buffer; over is set, and nothing more written, once it is full. */
struct svgw {
	char *p;
	size_t cap, len;
	int over;
};

__attribute__((format(printf, 2, 3))) static void put(struct svgw *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->p + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len) {
		w->over = 1;
		return;
	}
	w->len += (size_t)n;
}

static int is_dark(const QRcode *qr, int x, int y)
{
	return qr->data[(size_t)y * (size_t)qr->width + (size_t)x] & 1;
}

int qr_svg(const char *text, char *out, size_t cap, size_t *len)
{
	struct svgw w = { out, cap, 0, 0 };
	QRcode *qr;
	int x, y, side, rc = 0;

	if (len)
		*len = 0;
	if (text == NULL || text[0] == '\0')
		return VG_EINVAL;
	if (strnlen(text, QR_TEXT_MAX + 1) > QR_TEXT_MAX)
		return VG_ETOOBIG;
	if (cap == 0)
		return VG_ETOOBIG;
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		return errno == ERANGE ? VG_ETOOBIG : errno == ENOMEM ? VG_ENOMEM : VG_EINVAL;
	side = qr->width + 2 * QR_QUIET;
	put(&w,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	    "height=\"%d\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"",
	    side, side, side * QR_SVG_PX, side * QR_SVG_PX, side, side);
	for (y = 0; y < qr->width && !w.over; y++) {
		for (x = 0; x < qr->width; x++) {
			int run;

			if (!is_dark(qr, x, y))
				continue;
			for (run = 1; x + run < qr->width && is_dark(qr, x + run, y); run++)
				;
			put(&w, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	put(&w, "\"/></svg>");
	/* The modules spell the text, often a TOTP key. */
	sodium_memzero(qr->data, (size_t)qr->width * (size_t)qr->width);
	QRcode_free(qr);
	if (w.over) {
		sodium_memzero(out, cap);
		rc = VG_ETOOBIG;
	} else if (len) {
		*len = w.len;
	}
	return rc;
}
