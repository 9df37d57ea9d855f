/* Addresses, networks, and the client behind trusted proxies (X-Forwarded-For). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/netaddr.h"

static struct netaddr addr(const char *s)
{
	struct netaddr a;

	assert_int_equal(netaddr_parse(s, strlen(s), &a), 0);
	return a;
}

static struct netaddr net(const char *s)
{
	struct netaddr n;

	assert_int_equal(netaddr_parse_cidr(s, &n), 0);
	return n;
}

static void text_of(const struct netaddr *a, char *out)
{
	netaddr_format(a, out);
}

static void addresses_as_proxies_write_them(void **state)
{
	char t[NETADDR_TEXT_MAX];
	struct netaddr a;
	static const char *const good[][2] = {
		{ "192.0.2.1", "192.0.2.1" },
		{ " 192.0.2.1\t", "192.0.2.1" },
		{ "192.0.2.1:4711", "192.0.2.1" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "[2001:db8::1]", "2001:db8::1" },
		{ "[2001:db8::1]:443", "2001:db8::1" },
		{ "::ffff:192.0.2.9", "192.0.2.9" },
		{ "::1", "::1" },
		{ "2001:DB8:0:0:0:0:0:1", "2001:db8::1" },
	};
	static const char *const bad[] = {
		"",
		" ",
		"unknown",
		"192.0.2",
		"192.0.2.256",
		"192.0.2.1:",
		"192.0.2.1:65536",
		"192.0.2.1:x",
		"[192.0.2.1]",
		"[2001:db8::1",
		"[2001:db8::1]x",
		"[2001:db8::1]:",
		"2001:db8::1:x:",
		"1.2.3.4 5",
		"_gazonk",
		"192.0.2.1/24",
		"0x7f.1",
		"999999999999999999999999999999999999999999999999",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		a = addr(good[i][0]);
		text_of(&a, t);
		assert_string_equal(t, good[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(netaddr_parse(bad[i], strlen(bad[i]), &a), VG_EINVAL);
	/* len bounds the read: the text need not end there. */
	assert_int_equal(netaddr_parse("10.0.0.1,junk", 8, &a), 0);
	text_of(&a, t);
	assert_string_equal(t, "10.0.0.1");
}

static void networks(void **state)
{
	struct netaddr n, a;

	(void)state;
	n = net("10.0.0.0/8");
	assert_true(netaddr_in(&(struct netaddr){ 0 }, &n) == 0);
	a = addr("10.255.1.2");
	assert_true(netaddr_in(&a, &n));
	a = addr("11.0.0.1");
	assert_false(netaddr_in(&a, &n));
	/* Host bits are dropped: 192.0.2.77/25 is 192.0.2.0/25. */
	n = net("192.0.2.77/25");
	a = addr("192.0.2.127");
	assert_true(netaddr_in(&a, &n));
	a = addr("192.0.2.128");
	assert_false(netaddr_in(&a, &n));
	/* A bare address is a network of one. */
	n = net("127.0.0.1");
	a = addr("127.0.0.1");
	assert_true(netaddr_in(&a, &n));
	a = addr("127.0.0.2");
	assert_false(netaddr_in(&a, &n));
	/* /0 holds every address of its family, and none of the other. */
	n = net("0.0.0.0/0");
	a = addr("203.0.113.9");
	assert_true(netaddr_in(&a, &n));
	a = addr("2001:db8::9");
	assert_false(netaddr_in(&a, &n));
	n = net("2001:db8::/33");
	a = addr("2001:db8:7fff::1");
	assert_true(netaddr_in(&a, &n));
	a = addr("2001:db8:8000::1");
	assert_false(netaddr_in(&a, &n));
	/* An IPv4-mapped address is the IPv4 one. */
	n = net("192.0.2.0/24");
	a = addr("::ffff:192.0.2.3");
	assert_true(netaddr_in(&a, &n));
	for (const char *const *b =
	             (const char *const[]){ "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8x",
	                                    "10.0.0.0/-1", "/8", "[::1]/128", "10.0.0.0/0008",
	                                    "10.0.0.1:80", "10.0.0.0:80/8", NULL };
	     *b; b++)
		assert_int_equal(netaddr_parse_cidr(*b, &n), VG_EINVAL);
}

/* The client for a peer and a list of header values, as text ("" on error). */
static int client_of(const char *peer, const char *const *values, size_t n, char *out)
{
	struct netaddr trusted[2], p = addr(peer), c;
	int rc;

	trusted[0] = net("127.0.0.1/32");
	trusted[1] = net("10.0.0.0/8");
	rc = netaddr_forwarded(values, n, trusted, 2, &p, &c);
	if (rc == 0)
		netaddr_format(&c, out);
	else
		out[0] = '\0';
	return rc;
}

static void forwarded_client(void **state)
{
	char t[NETADDR_TEXT_MAX];

	(void)state;
	/* The proxy appended the client's address. */
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "203.0.113.7" }, 1, t), 0);
	assert_string_equal(t, "203.0.113.7");
	/* The client forged a header: it lands to the left of what our proxy appended. */
	assert_int_equal(
	        client_of("127.0.0.1", (const char *[]){ "198.51.100.1, 203.0.113.7" }, 1, t), 0);
	assert_string_equal(t, "203.0.113.7");
	/* Garbage glued to our hop is an error; a forged element or header line before it is never read. */
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "<script>,,;203.0.113.7" }, 1, t),
	                 VG_EINVAL);
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "x<script>, 203.0.113.7" }, 1, t),
	                 0);
	assert_string_equal(t, "203.0.113.7");
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "garbage", "203.0.113.7" }, 2, t),
	                 0);
	assert_string_equal(t, "203.0.113.7");
	/* Two trusted hops (an inner proxy at 10.1.2.3): skipped. */
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "203.0.113.7, 10.1.2.3" }, 1, t),
	                 0);
	assert_string_equal(t, "203.0.113.7");
	assert_int_equal(
	        client_of("127.0.0.1", (const char *[]){ "203.0.113.7", "10.1.2.3:9000" }, 2, t),
	        0);
	assert_string_equal(t, "203.0.113.7");
	/* Every hop trusted: the leftmost. No header: the peer itself. */
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "10.9.9.9, 10.1.2.3" }, 1, t), 0);
	assert_string_equal(t, "10.9.9.9");
	assert_int_equal(client_of("127.0.0.1", NULL, 0, t), 0);
	assert_string_equal(t, "127.0.0.1");
	/* Where the walk stops, nonsense is an error (a proxy that did not append). */
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "unknown" }, 1, t), VG_EINVAL);
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "" }, 1, t), VG_EINVAL);
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "203.0.113.7," }, 1, t),
	                 VG_EINVAL);
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "x, 10.1.2.3" }, 1, t),
	                 VG_EINVAL);
	/* IPv6 clients, bracketed with a port or not. */
	assert_int_equal(client_of("127.0.0.1", (const char *[]){ "[2001:db8::5]:1234" }, 1, t), 0);
	assert_string_equal(t, "2001:db8::5");
}

static void bounded_walk(void **state)
{
	char list[NETADDR_HOPS_MAX * 12 + 32], t[NETADDR_TEXT_MAX];
	const char *v[1] = { list };
	size_t o = 0;

	(void)state;
	/* More trusted hops than the walk reads: refused, not walked for ever. */
	for (int i = 0; i <= NETADDR_HOPS_MAX; i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s10.0.0.%d", i ? "," : "",
		                      i % 250);
	assert_int_equal(client_of("127.0.0.1", v, 1, t), VG_ETOOBIG);
	/* A long forged prefix is never read: the walk stops at the client. */
	{
		static char big[64 * 1024];

		memset(big, 'x', sizeof(big) - 32);
		memcpy(big + sizeof(big) - 32, ",203.0.113.7", 13);
		v[0] = big;
		assert_int_equal(client_of("127.0.0.1", v, 1, t), 0);
		assert_string_equal(t, "203.0.113.7");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addresses_as_proxies_write_them),
		cmocka_unit_test(networks),
		cmocka_unit_test(forwarded_client),
		cmocka_unit_test(bounded_walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
