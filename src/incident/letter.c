/* letter.c - see letter.h. */
#include "incident/letter.h"

#include <assert.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "core/msgcode.h"
#include "incident/texts.h"
#include "core/banned.h"

/* Lengths in PDF points (1/72 inch), from the top left corner of the page. */
#define MM(x)       ((x)*72.0 / 25.4)
#define PAGE_W      MM(210.0)
#define PAGE_H      MM(297.0)
#define MARGIN      MM(20.0)
#define TEXT_RIGHT  (PAGE_W - MARGIN)
#define TEXT_BOTTOM (PAGE_H - MM(25.0)) /* no line's descent goes lower */
#define FOOTER_Y    (PAGE_H - MM(13.0)) /* baseline of "Page n" */
#define ADDR_X      MM(110.0)           /* the DL envelope's window */
#define ADDR_Y      MM(45.0)
#define ADDR_W      MM(85.0)
#define DATE_Y      MM(88.0) /* baseline: below the tallest address (6 lines) */
#define SUBJECT_Y   MM(100.0)
#define BULLET_X    (MARGIN + MM(2.0))
#define BULLET_TEXT (MARGIN + MM(6.0))
#define BOX_H       MM(19.0) /* the code's box */
#define BOX_PAD     MM(8.0)

#define BODY_LEAD    14.0 /* 10.5 pt body, baseline to baseline */
#define SUBJECT_LEAD 14.5
#define SENDER_LEAD  12.0
#define ADDR_LEAD    12.5
#define GAP          (BODY_LEAD * 0.6) /* a blank line of the body */

#define CODE_INDENT   "    "         /* message.c's code line */
#define SECRET_INDENT "  "           /* a one-time code's line (enrolment letters) */
#define BULLET        "\xe2\x80\x93" /* U+2013 EN DASH, the French list mark */

/* The fonts of a letter, each a cairo scaled font made once per batch. */
enum font_id { F_BODY, F_SUBJECT, F_SENDER, F_SMALL, F_ADDR, F_CODE, F_COUNT };

static const struct {
	const char *family;
	cairo_font_weight_t weight;
	double size;
} FONTS[F_COUNT] = {
	[F_BODY] = { "DejaVu Sans", CAIRO_FONT_WEIGHT_NORMAL, 10.5 },
	[F_SUBJECT] = { "DejaVu Sans", CAIRO_FONT_WEIGHT_BOLD, 11.0 },
	[F_SENDER] = { "DejaVu Sans", CAIRO_FONT_WEIGHT_BOLD, 10.0 },
	[F_SMALL] = { "DejaVu Sans", CAIRO_FONT_WEIGHT_NORMAL, 8.5 },
	[F_ADDR] = { "DejaVu Sans", CAIRO_FONT_WEIGHT_NORMAL, 10.0 },
	[F_CODE] = { "DejaVu Sans Mono", CAIRO_FONT_WEIGHT_BOLD, 20.0 },
};

enum align { LEFT, CENTRE, RIGHT };

/*
 * The glyphs and clusters of one text, in arrays reused from text to text
 * (cairo may swap in bigger ones).
 */
struct shaped {
	cairo_glyph_t *g;
	cairo_text_cluster_t *c;
	int g_cap, c_cap;
	int ng, nc;
	double width; /* the advance of them all */
};

struct letter_batch {
	FILE *f;
	cairo_surface_t *surface;
	cairo_t *cr;
	cairo_scaled_font_t *font[F_COUNT];
	double ascent[F_COUNT], descent[F_COUNT];
	int cur; /* the font set on cr, or -1 */
	/* Shaped apart: a single line (a page's foot, a bullet) comes amid a paragraph. */
	struct shaped para, line;
	size_t count;
	int spoilt;       /* an I/O or cairo error: every later call fails */
	int write_failed; /* set by write_out */
	int discard;      /* aborted: cairo's last words are not written */
	/* The letter being laid out. */
	int page;   /* from 1 */
	double y;   /* baseline of the next body line */
	int at_top; /* nothing drawn yet below the top margin of this page */
};

/*
 * cairo writes its web address into every file's Info dictionary
 * ("/Producer (cairo 1.16.0 (https://cairographics.org))"), and no call
 * changes that. vigie's letters carry no link, not even where only a
 * printer looks: write_out blanks it with as many spaces, so every offset
 * cairo counted (the xref table) stays true. The dictionary comes in one
 * write; were that to change, the address would go through, harmless.
 */
static const char CAIRO_URL[] = "https://cairographics.org";

static int put(struct letter_batch *b, const void *data, size_t len)
{
	if (fwrite(data, 1, len, b->f) != len) {
		b->write_failed = 1;
		return -1;
	}
	return 0;
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	static const char blank[] = "                         ";
	struct letter_batch *b = closure;
	const unsigned char *url;
	size_t at;

	if (b->discard || b->write_failed)
		return CAIRO_STATUS_WRITE_ERROR;
	url = memmem(data, len, CAIRO_URL, sizeof(CAIRO_URL) - 1);
	at = url ? (size_t)(url - data) : len;
	_Static_assert(sizeof(blank) == sizeof(CAIRO_URL), "one space a character");
	if (put(b, data, at) != 0 ||
	    (url && (put(b, blank, sizeof(blank) - 1) != 0 ||
	             put(b, url + sizeof(blank) - 1, len - at - (sizeof(blank) - 1)) != 0)))
		return CAIRO_STATUS_WRITE_ERROR;
	return CAIRO_STATUS_SUCCESS;
}

static int cairo_failed(const struct letter_batch *b)
{
	return b->write_failed || cairo_surface_status(b->surface) != CAIRO_STATUS_SUCCESS ||
	       cairo_status(b->cr) != CAIRO_STATUS_SUCCESS;
}

static int make_fonts(struct letter_batch *b)
{
	cairo_font_options_t *opt = cairo_font_options_create();
	cairo_matrix_t ctm;
	int rc = 0;

	/* The PDF surface's own options (no hinting), so measures match what is drawn. */
	cairo_surface_get_font_options(b->surface, opt);
	cairo_matrix_init_identity(&ctm);
	for (int i = 0; i < F_COUNT && rc == 0; i++) {
		cairo_font_face_t *face = cairo_toy_font_face_create(
		        FONTS[i].family, CAIRO_FONT_SLANT_NORMAL, FONTS[i].weight);
		cairo_font_extents_t fe;
		cairo_matrix_t m;

		cairo_matrix_init_scale(&m, FONTS[i].size, FONTS[i].size);
		b->font[i] = cairo_scaled_font_create(face, &m, &ctm, opt);
		cairo_font_face_destroy(face); /* the scaled font holds its own reference */
		if (cairo_scaled_font_status(b->font[i]) != CAIRO_STATUS_SUCCESS) {
			rc = VG_EIO;
			break;
		}
		cairo_scaled_font_extents(b->font[i], &fe);
		b->ascent[i] = fe.ascent;
		b->descent[i] = fe.descent;
	}
	if (cairo_font_options_status(opt) != CAIRO_STATUS_SUCCESS)
		rc = VG_ENOMEM;
	cairo_font_options_destroy(opt);
	return rc;
}

int letter_batch_open(const char *path, struct letter_batch **out)
{
	struct letter_batch *b = calloc(1, sizeof(*b));
	int fd = -1, rc = 0;

	*out = NULL;
	if (!b)
		return VG_ENOMEM;
	b->cur = -1;
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = VG_EIO;
		goto out;
	}
	b->f = fdopen(fd, "wb");
	if (!b->f) {
		close(fd);
		rc = VG_EIO;
		goto out;
	}
	b->surface = cairo_pdf_surface_create_for_stream(write_out, b, PAGE_W, PAGE_H);
	b->cr = cairo_create(b->surface);
	if (cairo_failed(b)) {
		rc = VG_EIO;
		goto out;
	}
	cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_TITLE, "Courriers");
	cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_CREATOR, "vigie");
	rc = make_fonts(b);
out:
	if (rc != 0) {
		letter_batch_abort(b);
		return rc;
	}
	*out = b;
	return 0;
}

size_t letter_batch_count(const struct letter_batch *b)
{
	return b ? b->count : 0;
}

/*
 * Whether s[0..n) is text we print: well-formed UTF-8 (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF) without a control
 * character (C0, DEL, C1), '\n' excepted when newlines is set. cairo
 * refuses malformed UTF-8 by failing the whole surface for good, and draws
 * a control character as an empty box.
 */
static int text_ok(const char *s, size_t n, int newlines)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		uint32_t c = *p;
		size_t len;

		if (c < 0x80) {
			if ((c < 0x20 && !(c == '\n' && newlines)) || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, c &= 0x07;
		else
			return 0;
		if ((size_t)(end - p) < len)
			return 0;
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i] & 0x3f);
		}
		if (c <= 0x9f || (len == 3 && c < 0x800) || (c >= 0xd800 && c <= 0xdfff) ||
		    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
			return 0;
		p += len;
	}
	return 1;
}

/* Whether address has 1 to LETTER_ADDRESS_LINES lines of at most LETTER_LINE_MAX bytes. */
static int address_ok(const char *s)
{
	size_t lines = 0;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n > LETTER_LINE_MAX || ++lines > LETTER_ADDRESS_LINES)
			return 0;
		s += n + (nl ? 1 : 0);
	}
	return lines > 0;
}

/* Whether s is a canonical code "XXXX-XXXX-XXXX" (the letters people type back). */
static int code_ok(const char *s)
{
	if (strnlen(s, MSGCODE_TEXT) != MSGCODE_TEXT - 1)
		return 0;
	for (int i = 0; i < MSGCODE_TEXT - 1; i++) {
		int dash = i == 4 || i == 9;

		if (dash ? s[i] != '-'
		         : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	}
	return 1;
}

static void set_font(struct letter_batch *b, enum font_id fi)
{
	if (b->cur != (int)fi) {
		cairo_set_scaled_font(b->cr, b->font[fi]);
		b->cur = (int)fi;
	}
}

/*
 * s[0..n) as glyphs set from the origin, into sh. One call per line or
 * paragraph: the glyphs' positions measure every prefix of the text.
 */
static int shape(struct letter_batch *b, struct shaped *sh, enum font_id fi, const char *s,
                 size_t n)
{
	cairo_glyph_t *g = sh->g;
	cairo_text_cluster_t *c = sh->c;
	cairo_text_cluster_flags_t flags = 0;
	cairo_text_extents_t e;
	cairo_status_t st;

	sh->ng = sh->g_cap;
	sh->nc = sh->c_cap;
	st = cairo_scaled_font_text_to_glyphs(b->font[fi], 0, 0, s, (int)n, &g, &sh->ng, &c,
	                                      &sh->nc, &flags);
	if (g != sh->g) { /* cairo's bigger array replaces ours */
		cairo_glyph_free(sh->g);
		sh->g = g;
		sh->g_cap = sh->ng;
	}
	if (c != sh->c) {
		cairo_text_cluster_free(sh->c);
		sh->c = c;
		sh->c_cap = sh->nc;
	}
	if (st != CAIRO_STATUS_SUCCESS)
		return st == CAIRO_STATUS_NO_MEMORY ? VG_ENOMEM : VG_EIO;
	/* The toy fonts map each character to one glyph, left to right. */
	assert(!(flags & CAIRO_TEXT_CLUSTER_FLAG_BACKWARD));
	sh->width = 0;
	if (sh->ng > 0) {
		cairo_scaled_font_glyph_extents(b->font[fi], &g[sh->ng - 1], 1, &e);
		sh->width = g[sh->ng - 1].x + e.x_advance;
	}
	return 0;
}

/* A place in a shaped text: a cluster (a character), its first byte and its first glyph. */
struct pos {
	int k, b, g;
};

/* Draw the clusters [from, to) of sh, the text s, moved by (dx, dy). */
static void draw(struct letter_batch *b, struct shaped *sh, enum font_id fi, const char *s,
                 struct pos from, struct pos to, double dx, double dy)
{
	if (to.g <= from.g)
		return;
	for (int i = from.g; i < to.g; i++) {
		sh->g[i].x += dx;
		sh->g[i].y += dy;
	}
	set_font(b, fi);
	/* With the text, so that it can be searched and copied from the PDF (the code above all). */
	cairo_show_text_glyphs(b->cr, s + from.b, to.b - from.b, sh->g + from.g, to.g - from.g,
	                       sh->c + from.k, to.k - from.k, 0);
}

/*
 * One line s[0..n), not wrapped, its baseline at y and x its left edge,
 * centre or right edge (align). Wider than max_w, it is set smaller to fit.
 */
static int line_at(struct letter_batch *b, enum font_id fi, const char *s, size_t n, double x,
                   double y, enum align align, double max_w)
{
	struct shaped *sh = &b->line;
	struct pos start = { 0, 0, 0 }, stop;
	double w, k = 1.0;
	int rc;

	rc = shape(b, sh, fi, s, n);
	if (rc != 0)
		return rc;
	stop = (struct pos){ sh->nc, (int)n, sh->ng };
	w = sh->width;
	if (w > max_w) {
		k = max_w / w;
		w = max_w;
	}
	x -= align == CENTRE ? w / 2 : align == RIGHT ? w : 0;
	if (k == 1.0) {
		draw(b, sh, fi, s, start, stop, x, y);
		return 0;
	}
	set_font(b, fi);
	cairo_save(b->cr);
	cairo_translate(b->cr, x, y);
	cairo_scale(b->cr, k, k); /* the font too */
	draw(b, sh, fi, s, start, stop, 0, 0);
	cairo_restore(b->cr); /* back to the font set before the scale */
	return 0;
}

static int footer(struct letter_batch *b)
{
	char p[32];
	int n = snprintf(p, sizeof(p), TXT_LETTER_PAGE, b->page);

	return line_at(b, F_SMALL, p, (size_t)n, PAGE_W / 2, FOOTER_Y, CENTRE, PAGE_W);
}

/* The foot of this page, and the next page of the same letter. */
static int next_page(struct letter_batch *b)
{
	int rc = footer(b);

	cairo_show_page(b->cr);
	b->page++;
	b->y = MARGIN + b->ascent[F_BODY];
	b->at_top = 1;
	return rc;
}

/* Room below b->y for a line that goes below by below points, or a new page. */
static int need(struct letter_batch *b, double below)
{
	return b->y + below > TEXT_BOTTOM ? next_page(b) : 0;
}

/*
 * Lay out s[0..n) (one line of the input, without its '\n') in font fi,
 * wrapped to the right margin: the first line from x, the next ones from
 * x_next (a bullet's hang), lead points apart, with page breaks. A line
 * breaks at a run of spaces (not drawn), or, in a word longer than a line,
 * before the cluster that does not fit: a cluster is a whole character,
 * so never inside a UTF-8 sequence. marker, when not NULL, is drawn at
 * marker_x on the first line.
 */
static int paragraph(struct letter_batch *b, enum font_id fi, const char *s, size_t n, double x,
                     double x_next, double lead, const char *marker, double marker_x)
{
	struct shaped *sh = &b->para;
	const cairo_text_cluster_t *c;
	const cairo_glyph_t *g;
	struct pos at = { 0, 0, 0 };      /* the cluster looked at */
	struct pos line = at;             /* the line's first cluster */
	struct pos spaces = { -1, 0, 0 }; /* the last run of spaces in the line, if any */
	struct pos word = at;             /* the word after it */
	double x0 = 0, lx = x; /* where the line starts in the shaped text, on the page */
	int rc, first = 1, prev_space = 0;

	rc = shape(b, sh, fi, s, n);
	if (rc != 0)
		return rc;
	g = sh->g;
	c = sh->c;
	for (;;) {
		struct pos end = { sh->nc, (int)n, sh->ng };
		int at_end = at.k == sh->nc;

		if (!at_end) {
			int next_g = at.g + c[at.k].num_glyphs;
			double right = next_g < sh->ng ? g[next_g].x : sh->width;
			int space = c[at.k].num_bytes == 1 && s[at.b] == ' ';

			if (space && !prev_space)
				spaces = at;
			if (!space && prev_space)
				word = at;
			prev_space = space;
			if (space || at.k == line.k || right - x0 <= TEXT_RIGHT - lx) {
				at.b += c[at.k].num_bytes;
				at.g = next_g;
				at.k++;
				continue;
			}
			/* Cluster at overflows: end the line at the last spaces, or hard before it. */
			end = spaces.k > line.k ? spaces : at;
		}
		/* Spaces at the end of a line are not drawn (a space: one byte, one glyph). */
		while (end.k > line.k && c[end.k - 1].num_bytes == 1 && s[end.b - 1] == ' ') {
			assert(c[end.k - 1].num_glyphs == 1);
			end.k--;
			end.b--;
			end.g--;
		}
		rc = need(b, b->descent[fi]);
		if (rc != 0)
			return rc;
		draw(b, sh, fi, s, line, end, lx - x0, b->y);
		if (first && marker) {
			rc = line_at(b, fi, marker, strlen(marker), marker_x, b->y, LEFT, PAGE_W);
			if (rc != 0)
				return rc;
		}
		b->y += lead;
		b->at_top = 0;
		if (at_end)
			return 0;
		/* The next line: the word after the spaces, or the cluster that did not fit. */
		line = spaces.k > line.k ? word : at;
		at = line;
		x0 = g[line.g].x; /* not moved: only the lines drawn were */
		lx = x_next;
		spaces.k = -1;
		prev_space = 0;
		first = 0;
	}
}

/* The message code, large, in a box labelled TXT_LETTER_CODE, centred on the text column. */
static int code_box(struct letter_batch *b, const char *code)
{
	double top, w, label_w, mid = (MARGIN + TEXT_RIGHT) / 2;
	int rc;

	rc = shape(b, &b->line, F_SMALL, TXT_LETTER_CODE, strlen(TXT_LETTER_CODE));
	label_w = b->line.width;
	if (rc == 0)
		rc = shape(b, &b->line, F_CODE, code, strlen(code));
	if (rc != 0)
		return rc;
	w = (label_w > b->line.width ? label_w : b->line.width) + 2 * BOX_PAD;
	/* The box's top is where the next line's ascent would be; it is never split. */
	rc = need(b, BOX_H - b->ascent[F_BODY]);
	if (rc != 0)
		return rc;
	top = b->y - b->ascent[F_BODY];
	cairo_set_line_width(b->cr, 1.0);
	cairo_rectangle(b->cr, mid - w / 2, top, w, BOX_H);
	cairo_stroke(b->cr);
	rc = line_at(b, F_SMALL, TXT_LETTER_CODE, strlen(TXT_LETTER_CODE), mid, top + MM(5.5),
	             CENTRE, w);
	if (rc == 0)
		rc = line_at(b, F_CODE, code, strlen(code), mid, top + MM(14.5), CENTRE, w);
	b->y = top + BOX_H + MM(3.0) + b->ascent[F_BODY];
	b->at_top = 0;
	return rc;
}

/*
 * A one-time code the reader types (a body line of two spaces, then the
 * code): large, in the code's font, centred on the text column, unboxed (the
 * box is the message code's). Never split across pages.
 */
static int secret_line(struct letter_batch *b, const char *s, size_t n)
{
	double mid = (MARGIN + TEXT_RIGHT) / 2, top, y;
	double h = MM(2.0) + b->ascent[F_CODE] + b->descent[F_CODE] + MM(2.0);
	int rc = need(b, h - b->ascent[F_BODY]);

	if (rc != 0)
		return rc;
	top = b->y - b->ascent[F_BODY];
	y = top + MM(2.0) + b->ascent[F_CODE];
	rc = line_at(b, F_CODE, s, n, mid, y, CENTRE, TEXT_RIGHT - MARGIN);
	b->y = top + h + b->ascent[F_BODY];
	b->at_top = 0;
	return rc;
}

/* The letter's first page, above the body: sender, address, date, subject. */
static int head(struct letter_batch *b, const char *address, const char *date_text,
                const char *subject)
{
	const char *s;
	double y;
	int rc = 0, line = 0;

	b->y = MARGIN + b->ascent[F_SENDER];
	for (s = TXT_LETTER_SENDER; *s && rc == 0; line++) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		rc = paragraph(b, line == 0 ? F_SENDER : F_SMALL, s, n, MARGIN, MARGIN, SENDER_LEAD,
		               NULL, 0);
		s += n + (nl ? 1 : 0);
	}
	y = ADDR_Y + b->ascent[F_ADDR];
	for (s = address; *s && rc == 0; y += ADDR_LEAD) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		rc = line_at(b, F_ADDR, s, n, ADDR_X, y, LEFT, ADDR_W);
		s += n + (nl ? 1 : 0);
	}
	if (rc == 0)
		rc = line_at(b, F_BODY, date_text, strlen(date_text), TEXT_RIGHT, DATE_Y, RIGHT,
		             TEXT_RIGHT - MARGIN);
	b->y = SUBJECT_Y;
	if (rc == 0)
		rc = paragraph(b, F_SUBJECT, subject, strlen(subject), MARGIN, MARGIN, SUBJECT_LEAD,
		               NULL, 0);
	b->y += MM(3.0);
	return rc;
}

static int body_text(struct letter_batch *b, const char *body, const char *code)
{
	const char *s = body;
	int rc = 0, boxed = 0;

	while (*s && rc == 0) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n == 0) {
			if (!b->at_top) /* no gap at the top of a page */
				b->y += GAP;
		} else if (n >= 4 && memcmp(s, CODE_INDENT, 4) == 0) {
			rc = code_box(b, code);
			boxed = 1;
		} else if (n >= 3 && memcmp(s, SECRET_INDENT, 2) == 0 && s[2] != ' ') {
			rc = secret_line(b, s + 2, n - 2);
		} else if (n >= 2 && memcmp(s, "- ", 2) == 0) {
			rc = paragraph(b, F_BODY, s + 2, n - 2, BULLET_TEXT, BULLET_TEXT, BODY_LEAD,
			               BULLET, BULLET_X);
		} else {
			rc = paragraph(b, F_BODY, s, n, MARGIN, MARGIN, BODY_LEAD, NULL, 0);
		}
		s += n + (nl ? 1 : 0);
	}
	if (rc == 0 && !boxed) /* invariant (c) */
		rc = code_box(b, code);
	return rc;
}

int letter_add(struct letter_batch *b, const char *address, const char *date_text,
               const char *subject, const char *body, const char *code)
{
	size_t body_len = strnlen(body, LETTER_BODY_MAX + 1);
	size_t date_len = strnlen(date_text, LETTER_LINE_MAX + 1);
	size_t subject_len = strnlen(subject, LETTER_LINE_MAX + 1);
	int rc;

	if (b->spoilt)
		return VG_EIO;
	/* Everything checked before anything is drawn (invariant (a)). */
	if (!address_ok(address) || !text_ok(address, strlen(address), 1) ||
	    date_len > LETTER_LINE_MAX || !text_ok(date_text, date_len, 0) ||
	    subject_len > LETTER_LINE_MAX || !text_ok(subject, subject_len, 0) ||
	    body_len > LETTER_BODY_MAX || !text_ok(body, body_len, 1) || !code_ok(code))
		return VG_EINVAL;
	b->page = 1;
	b->at_top = 1;
	rc = head(b, address, date_text, subject);
	if (rc == 0)
		rc = body_text(b, body, code);
	if (rc == 0)
		rc = footer(b);
	cairo_show_page(b->cr);
	if (rc == 0 && cairo_failed(b))
		rc = VG_EIO;
	if (rc != 0) {
		b->spoilt = 1;
		return rc;
	}
	b->count++;
	return 0;
}

static void release(struct letter_batch *b)
{
	for (int i = 0; i < F_COUNT; i++)
		cairo_scaled_font_destroy(b->font[i]); /* NULL is fine */
	cairo_glyph_free(b->para.g);
	cairo_text_cluster_free(b->para.c);
	cairo_glyph_free(b->line.g);
	cairo_text_cluster_free(b->line.c);
	if (b->cr)
		cairo_destroy(b->cr);
}

int letter_batch_close(struct letter_batch *b)
{
	int rc = 0;

	if (!b)
		return 0;
	if (b->spoilt)
		rc = VG_EIO;
	release(b);
	cairo_surface_finish(b->surface); /* writes the fonts, the page tree, the trailer */
	if (cairo_surface_status(b->surface) != CAIRO_STATUS_SUCCESS || b->write_failed)
		rc = VG_EIO;
	cairo_surface_destroy(b->surface);
	if (fflush(b->f) != 0 || fsync(fileno(b->f)) != 0)
		rc = VG_EIO;
	if (fclose(b->f) != 0)
		rc = VG_EIO;
	free(b);
	return rc;
}

void letter_batch_abort(struct letter_batch *b)
{
	if (!b)
		return;
	release(b);
	if (b->surface) {
		/* Destroying a PDF surface finishes it: write nothing more. */
		b->discard = 1;
		cairo_surface_destroy(b->surface);
	}
	if (b->f)
		fclose(b->f);
	free(b);
}

void letter_fonts_release(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}
