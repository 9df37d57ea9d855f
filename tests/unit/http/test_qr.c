/*
 * http/qr.h: the SVG is well-formed, has one path and nothing active, and
 * its path draws exactly libqrencode's modules at a 4-module quiet zone;
 * caps and texts out of bounds are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <qrencode.h>
#include <sodium.h>

#include "http/qr.h"

/* 100 characters, the shape of what enrolment shows. */
static const char URI[] = "otpauth://totp/vigie:jpd%40example.fr?secret="
                          "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=vigie&period=30";

/*
 * Well-formed for the XML this module writes: elements with double-quoted
 * attributes, properly nested and closed, no text, one root. 1 if so.
 */
static int well_formed(const char *s)
{
	const char *stack[8];
	size_t stack_len[8], depth = 0, roots = 0;

	while (*s) {
		const char *name;
		size_t n;

		if (*s != '<')
			return 0; /* no text anywhere */
		s++;
		if (*s == '/') {
			s++;
			name = s;
			n = strcspn(s, ">");
			if (depth == 0 || s[n] != '>' || n != stack_len[depth - 1] ||
			    strncmp(name, stack[depth - 1], n) != 0)
				return 0;
			depth--;
			s += n + 1;
			continue;
		}
		name = s;
		n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
		if (n == 0)
			return 0;
		roots += depth == 0;
		s += n;
		for (;;) { /* attributes */
			size_t an;

			if (s[0] == '/' && s[1] == '>') {
				s += 2;
				break;
			}
			if (s[0] == '>') {
				if (depth == 8)
					return 0;
				stack[depth] = name;
				stack_len[depth++] = n;
				s++;
				break;
			}
			if (*s != ' ')
				return 0;
			s++;
			an = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-:");
			if (an == 0 || s[an] != '=' || s[an + 1] != '"')
				return 0;
			s += an + 2;
			s += strcspn(s, "\"<>&");
			if (*s != '"')
				return 0;
			s++;
		}
	}
	return depth == 0 && roots == 1;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (s = strstr(s, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

/*
 * Paint the path's rectangles ("M x y h n v1 h-n z") on a side x side grid
 * and compare it with libqrencode's own symbol for the text.
 */
static void path_draws_symbol(const char *svg, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int side, vb, x, y, run, run2, used;
	const char *d;
	uint8_t *grid;
	char want[64];

	assert_non_null(qr);
	side = qr->width + 2 * QR_QUIET;
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", side, side);
	assert_non_null(strstr(svg, want));
	snprintf(want, sizeof(want), "width=\"%d\" height=\"%d\"", side * QR_SVG_PX,
	         side * QR_SVG_PX);
	assert_non_null(strstr(svg, want));
	assert_int_equal(sscanf(strstr(svg, "viewBox=") + 9, "0 0 %d", &vb), 1);
	assert_int_equal(vb, side);
	grid = calloc((size_t)side * (size_t)side, 1);
	assert_non_null(grid);
	d = strstr(svg, " d=\"");
	assert_non_null(d);
	d += 4;
	while (*d == 'M') {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &run2, &used), 4);
		assert_int_equal(run, run2);
		assert_true(run >= 1 && x >= QR_QUIET && y >= QR_QUIET);
		assert_true(x + run <= side - QR_QUIET && y < side - QR_QUIET);
		for (; run > 0; run--, x++) {
			assert_int_equal(grid[y * side + x], 0); /* no module drawn twice */
			grid[y * side + x] = 1;
		}
		d += used;
	}
	assert_int_equal(*d, '"');
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++) {
			int in = x >= QR_QUIET && y >= QR_QUIET && x < side - QR_QUIET &&
			         y < side - QR_QUIET;
			int dark =
			        in && (qr->data[(y - QR_QUIET) * qr->width + (x - QR_QUIET)] & 1);

			assert_int_equal(grid[y * side + x], dark);
		}
	free(grid);
	QRcode_free(qr);
}

static void otpauth_uri(void **state)
{
	static char out[QR_SVG_CAP];
	size_t len = 0;

	(void)state;
	assert_int_equal(strlen(URI), 100);
	assert_int_equal(qr_svg(URI, out, sizeof(out), &len), 0);
	assert_int_equal(len, strlen(out));
	assert_int_equal(strncmp(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
	assert_string_equal(out + len - 6, "</svg>");
	assert_true(well_formed(out));
	assert_int_equal(count(out, "<path"), 1);
	assert_int_equal(count(out, "<rect"), 1);
	assert_int_equal(count(out, "<"), 4); /* svg, rect, path, /svg: nothing else */
	assert_non_null(strstr(out, "shape-rendering=\"crispEdges\""));
	assert_null(strstr(out, "script"));
	assert_null(strstr(out, "href"));
	assert_null(strstr(out, "JBSWY3DP")); /* the secret is drawn, never written */
	path_draws_symbol(out, URI);
	assert_true(len < 8192); /* compact: runs, not modules */
	/* *len may be NULL. */
	assert_int_equal(qr_svg(URI, out, sizeof(out), NULL), 0);
	assert_true(well_formed(out));
}

static void small_texts(void **state)
{
	static char out[QR_SVG_CAP];
	size_t len;

	(void)state;
	assert_int_equal(qr_svg("A", out, sizeof(out), &len), 0);
	assert_true(well_formed(out));
	path_draws_symbol(out, "A");
	assert_non_null(strstr(out, "viewBox=\"0 0 29 29\"")); /* version 1: 21 + 2 x 4 */
	assert_int_equal(qr_svg("\xc3\xa9t\xc3\xa9 <&> \"quoted\"", out, sizeof(out), &len), 0);
	assert_true(well_formed(out)); /* the text never reaches the markup */
	path_draws_symbol(out, "\xc3\xa9t\xc3\xa9 <&> \"quoted\"");
}

static void bounds(void **state)
{
	static char out[QR_SVG_CAP], text[QR_TEXT_MAX + 2];
	size_t len = 77, need, i;

	(void)state;
	assert_int_equal(qr_svg("", out, sizeof(out), &len), VG_EINVAL);
	assert_int_equal(len, 0);
	assert_int_equal(qr_svg(NULL, out, sizeof(out), &len), VG_EINVAL);
	/* Too small a cap, by one byte (the NUL) or by much: refused, and out wiped. */
	assert_int_equal(qr_svg(URI, out, sizeof(out), &need), 0);
	assert_int_equal(qr_svg(URI, out, need + 1, &len), 0);
	assert_int_equal(len, need);
	memset(out, 'z', sizeof(out));
	assert_int_equal(qr_svg(URI, out, need, &len), VG_ETOOBIG);
	assert_int_equal(len, 0);
	for (i = 0; i < need; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(out[need], 'z'); /* nothing past cap */
	assert_int_equal(qr_svg(URI, out, 10, &len), VG_ETOOBIG);
	assert_int_equal(qr_svg(URI, out, 0, &len), VG_ETOOBIG);
	/* QR_SVG_CAP fits the worst text of QR_TEXT_MAX bytes; one byte more is refused. */
	for (i = 0; i < QR_TEXT_MAX; i++)
		text[i] = (char)(0x21 + randombytes_uniform(94));
	text[QR_TEXT_MAX] = '\0';
	assert_int_equal(qr_svg(text, out, sizeof(out), &len), 0);
	assert_true(well_formed(out));
	path_draws_symbol(out, text);
	text[QR_TEXT_MAX] = 'x';
	text[QR_TEXT_MAX + 1] = '\0';
	assert_int_equal(qr_svg(text, out, sizeof(out), &len), VG_ETOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(otpauth_uri),
		cmocka_unit_test(small_texts),
		cmocka_unit_test(bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
