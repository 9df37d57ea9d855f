/*
 * netaddr.h - client addresses behind trusted proxies: IPv4 and IPv6
 * addresses and networks (CIDR), and the client of a request read from
 * X-Forwarded-For when (and only when) the TCP peer is a trusted proxy.
 *
 * How the client is found: every proxy appends the address it received the
 * request from, so the list reads left to right from the farthest hop to the
 * nearest. Walking it from the right, each address that is itself a trusted
 * proxy is skipped; the first one that is not is the client. Everything to
 * its left was written by the client or by proxies we do not trust, and is
 * never read (it may be garbage: that changes nothing). If every address is
 * trusted, the leftmost is the client. This is the only reading a client
 * cannot forge: a forged header lands to the left of what our proxy appends.
 *
 * Pure, thread-safe.
 */
#ifndef VIGIE_CORE_NETADDR_H
#define VIGIE_CORE_NETADDR_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define NETADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */
#define NETADDR_HOPS_MAX 32 /* addresses read from a forwarded list, at most */

struct netaddr {
	uint8_t family; /* 4 or 6 */
	uint8_t bits;   /* the prefix length of a network; 32 or 128 for an address */
	uint8_t a[16];  /* IPv4 in the first 4 bytes; an IPv4-mapped IPv6 address is IPv4 */
};

/*
 * One address at s (len bytes, borrowed, not NUL-terminated), as a proxy
 * writes it: 192.0.2.1, 192.0.2.1:4711, 2001:db8::1, [2001:db8::1] or
 * [2001:db8::1]:4711, spaces around it ignored. 0, or VG_EINVAL.
 */
VG_MUST_USE int netaddr_parse(const char *s, size_t len, struct netaddr *out);

/* An address from its bytes: 4 of IPv4 (v6 = 0) or 16 of IPv6 (v6 = 1; IPv4-mapped is IPv4). */
void netaddr_from_bytes(int v6, const uint8_t *bytes, struct netaddr *out);

/* A network: an address and an optional /bits (10.0.0.0/8, ::1/128, 192.0.2.7). 0 or VG_EINVAL. */
VG_MUST_USE int netaddr_parse_cidr(const char *s, struct netaddr *out);

/* 1 if address a lies in network net, else 0. */
int netaddr_in(const struct netaddr *a, const struct netaddr *net);

/* 1 if a lies in one of the n networks, else 0. */
int netaddr_in_any(const struct netaddr *a, const struct netaddr *nets, size_t n);

/* The text form of an address (inet_ntop's), NUL-terminated. */
void netaddr_format(const struct netaddr *a, char out[NETADDR_TEXT_MAX]);

/*
 * The client of a request whose TCP peer is a trusted proxy: values are the
 * n X-Forwarded-For header values in the order they came (several headers
 * are one list), trusted the ntrusted networks of trusted proxies. With no
 * value, the client is the peer itself (a proxy's own health check).
 * Returns 0 and *client; VG_EINVAL if the address where the walk stops is
 * malformed (a trusted proxy wrote nonsense, or did not append at all and
 * the client's own text reached us), or VG_ETOOBIG past NETADDR_HOPS_MAX
 * trusted hops.
 */
VG_MUST_USE int netaddr_forwarded(const char *const *values, size_t n,
                                  const struct netaddr *trusted, size_t ntrusted,
                                  const struct netaddr *peer, struct netaddr *client);

#endif
