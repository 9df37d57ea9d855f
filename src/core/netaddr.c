/*
 * netaddr.c - addresses, networks and the forwarded client (netaddr.h).
 */
#include "core/netaddr.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "core/banned.h"

static const uint8_t V4_MAPPED[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A port after an address: 1 to 5 digits, at most 65535. */
static int port_ok(const char *s, size_t len)
{
	unsigned long p = 0;

	if (len == 0 || len > 5)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		p = p * 10 + (unsigned long)(s[i] - '0');
	}
	return p <= 65535;
}

void netaddr_from_bytes(int v6, const uint8_t *bytes, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (!v6 || memcmp(bytes, V4_MAPPED, sizeof(V4_MAPPED)) == 0) {
		out->family = 4;
		out->bits = 32;
		memcpy(out->a, v6 ? bytes + 12 : bytes, 4);
	} else {
		out->family = 6;
		out->bits = 128;
		memcpy(out->a, bytes, 16);
	}
}

/* inet_pton on len bytes: 0 or VG_EINVAL. */
static int pton(int family, const char *s, size_t len, struct netaddr *out)
{
	char buf[NETADDR_TEXT_MAX];
	uint8_t a[16];

	if (len == 0 || len >= sizeof(buf))
		return VG_EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(family, buf, a) != 1)
		return VG_EINVAL;
	netaddr_from_bytes(family == AF_INET6, a, out);
	return 0;
}

int netaddr_parse(const char *s, size_t len, struct netaddr *out)
{
	const char *colon;
	size_t colons = 0;

	while (len && is_space(*s))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	if (len == 0)
		return VG_EINVAL;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		size_t inner, rest;

		if (!close)
			return VG_EINVAL;
		inner = (size_t)(close - s) - 1;
		rest = len - inner - 2;
		if (rest && (close[1] != ':' || !port_ok(close + 2, rest - 1)))
			return VG_EINVAL;
		if (memchr(s + 1, ':', inner) == NULL)
			return VG_EINVAL; /* brackets are for IPv6 only */
		return pton(AF_INET6, s + 1, inner, out);
	}
	for (size_t i = 0; i < len; i++)
		colons += s[i] == ':';
	if (colons == 0)
		return pton(AF_INET, s, len, out);
	if (colons == 1) { /* 192.0.2.1:4711 */
		colon = memchr(s, ':', len);
		if (!port_ok(colon + 1, len - (size_t)(colon - s) - 1))
			return VG_EINVAL;
		return pton(AF_INET, s, (size_t)(colon - s), out);
	}
	return pton(AF_INET6, s, len, out);
}

int netaddr_parse_cidr(const char *s, struct netaddr *out)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	size_t colons = 0;
	unsigned bits = 0;
	int rc;

	for (size_t i = 0; i < len; i++)
		colons += s[i] == ':';
	/* A network has no brackets and no port (192.0.2.1:80 is not one). */
	if (len && (s[0] == '[' || s[len - 1] == ']' || colons == 1))
		return VG_EINVAL;
	rc = netaddr_parse(s, len, out);
	if (rc != 0 || !slash)
		return rc;
	if (!slash[1] || strlen(slash + 1) > 3)
		return VG_EINVAL;
	for (const char *p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return VG_EINVAL;
		bits = bits * 10 + (unsigned)(*p - '0');
	}
	if (bits > out->bits)
		return VG_EINVAL;
	out->bits = (uint8_t)bits;
	/* The network's own bits only: 10.1.2.3/8 is 10.0.0.0/8. */
	for (unsigned i = bits; i < 128; i++)
		out->a[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	return 0;
}

int netaddr_in(const struct netaddr *a, const struct netaddr *net)
{
	unsigned full, rest;

	if (a->family != net->family)
		return 0;
	full = net->bits / 8u;
	rest = net->bits % 8u;
	if (memcmp(a->a, net->a, full) != 0)
		return 0;
	if (rest) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rest));

		if ((a->a[full] & mask) != (net->a[full] & mask))
			return 0;
	}
	return 1;
}

int netaddr_in_any(const struct netaddr *a, const struct netaddr *nets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (netaddr_in(a, &nets[i]))
			return 1;
	return 0;
}

void netaddr_format(const struct netaddr *a, char out[NETADDR_TEXT_MAX])
{
	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->a, out, NETADDR_TEXT_MAX))
		memcpy(out, "unknown", 8);
}

int netaddr_forwarded(const char *const *values, size_t n, const struct netaddr *trusted,
                      size_t ntrusted, const struct netaddr *peer, struct netaddr *client)
{
	size_t hops = 0;

	*client = *peer;
	for (size_t v = n; v-- > 0;) {
		const char *s = values[v] ? values[v] : "";
		size_t end = strlen(s);

		for (;;) {
			size_t start = end;
			struct netaddr x;

			while (start > 0 && s[start - 1] != ',')
				start--;
			if (++hops > NETADDR_HOPS_MAX)
				return VG_ETOOBIG;
			if (netaddr_parse(s + start, end - start, &x) != 0)
				return VG_EINVAL;
			*client = x;
			if (!netaddr_in_any(&x, trusted, ntrusted))
				return 0; /* the nearest untrusted hop */
			if (start == 0)
				break;
			end = start - 1; /* before the comma */
		}
	}
	return 0; /* every hop trusted: the leftmost is the client */
}
