/* control.c - see control.h. */
#include "node/control.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "node/access.h"
#include "node/node.h"
#include "sys/log.h"
#include "core/banned.h"

#define LINE_MAX_BYTES 1024

struct control {
	struct vigie *v;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pthread_t thread;
	atomic_int stop;
};

static int sock_path(const char *dir, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", dir, CONTROL_SOCK);

	return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : 0;
}

/* Read one line (without its '\n') into buf: 0, or -1 (too long, timed out, closed early). */
static int read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		ssize_t got = read(fd, buf + n, cap - 1 - n);
		char *nl;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		n += (size_t)got;
		buf[n] = '\0';
		if ((nl = memchr(buf, '\n', n)) != NULL) {
			*nl = '\0';
			return 0;
		}
	}
	return -1;
}

static void write_all(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* "enrol.letter" or "enrol.reset": an insured person's code sent by post or e-mail. */
static int is_enrol(const char *route)
{
	return strcmp(route, "enrol.letter") == 0 || strcmp(route, "enrol.reset") == 0;
}

/* The act a request line asks for, checked: 0, or VG_EINVAL with why. */
static int act_parse(const char *line, struct access_rec *a, const char **why)
{
	json_error_t jerr;
	json_t *root = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	const char *route, *fields, *dot, *patient = NULL;
	json_int_t persons;
	int rc = VG_EINVAL, enrol;

	*why = "the request is {\"route\",\"fields\",\"persons\"[,\"patient\"]}";
	if (!root || json_unpack(root, "{s:s, s:s, s:I, s?:s !}", "route", &route, "fields",
	                         &fields, "persons", &persons, "patient", &patient) != 0)
		goto out;
	dot = strchr(route, '.');
	enrol = is_enrol(route);
	if (!dot || !dot[1] || strlen(route) >= sizeof(a->route) ||
	    strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz") != strlen(dot + 1) ||
	    (strncmp(route, "incident.", 9) != 0 && strncmp(route, "notify.", 7) != 0 && !enrol)) {
		*why = "only operator acts (incident.*, notify.*, enrol.letter|reset) are journaled "
		       "here";
		goto out;
	}
	if (!enrol &&
	    (patient || strncmp(fields, "incident:", 9) != 0 || !fields[9] || strlen(fields) > 28 ||
	     strspn(fields + 9, "0123456789") != strlen(fields + 9))) {
		*why = "fields is incident:<id>, and no patient";
		goto out;
	}
	/* An enrolment act is about one person: their access pseudonym, in hex. */
	if (enrol &&
	    (!patient || strlen(patient) != 2 * ACCESS_PATIENT_LEN ||
	     strspn(patient, "0123456789abcdef") != 2 * ACCESS_PATIENT_LEN ||
	     (strcmp(fields, "letter") != 0 && strcmp(fields, "email") != 0) || persons != 1)) {
		*why = "an enrol act has fields letter or email, persons 1 and a patient (32 hex)";
		goto out;
	}
	if (persons < 0 || persons > 0x7fffffff) {
		*why = "persons is a count";
		goto out;
	}
	memset(a, 0, sizeof(*a));
	if (enrol && sodium_hex2bin(a->patient, sizeof(a->patient), patient, strlen(patient), NULL,
	                            NULL, NULL) != 0)
		goto out;
	snprintf(a->rpps, sizeof(a->rpps), "console");
	snprintf(a->ip, sizeof(a->ip), "local");
	snprintf(a->route, sizeof(a->route), "%s", route);
	snprintf(a->fields, sizeof(a->fields), "%s", fields);
	snprintf(a->decision, sizeof(a->decision), "%s", dot + 1);
	a->status = 200;
	a->n_results = (int)persons;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static void serve_one(struct control *c, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct timeval tv = { 5, 0 };
	char line[LINE_MAX_BYTES], answer[160];
	struct access_rec a;
	const char *why;
	uint64_t index = 0;
	int rc;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    (cred.uid != geteuid() && cred.uid != 0)) {
		write_all(fd, "{\"error\":\"not the server's user\"}\n");
		log_event(LOG_WARN, "control.refused_peer", LI("uid", (int64_t)cred.uid));
		return;
	}
	VG_IGNORE(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	VG_IGNORE(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	if (read_line(fd, line, sizeof(line)) != 0) {
		write_all(fd, "{\"error\":\"one line of at most 1 KiB\"}\n");
		return;
	}
	if (act_parse(line, &a, &why) != 0) {
		snprintf(answer, sizeof(answer), "{\"error\":\"%s\"}\n", why);
		write_all(fd, answer);
		return;
	}
	a.t_ms = vigie_now_ms(c->v);
	rc = access_log_append_wait(c->v->access, &a, &index);
	if (rc != 0) {
		snprintf(answer, sizeof(answer), "{\"error\":\"the journal: %s\"}\n",
		         vg_strerror(rc));
		write_all(fd, answer);
		return;
	}
	log_event(LOG_WARN, "control.act", LS("route", a.route), LS("fields", a.fields),
	          LI("index", (int64_t)index));
	snprintf(answer, sizeof(answer), "{\"index\":%llu}\n", (unsigned long long)index);
	write_all(fd, answer);
}

static void *loop(void *arg)
{
	struct control *c = arg;

	pthread_setname_np(pthread_self(), "vigie-control");
	while (!atomic_load(&c->stop)) {
		struct pollfd p = { c->fd, POLLIN, 0 };
		int fd;

		if (poll(&p, 1, 200) <= 0)
			continue;
		fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve_one(c, fd);
		close(fd);
	}
	return NULL;
}

int control_start(struct vigie *v, const char *dir, struct control **out)
{
	struct control *c = calloc(1, sizeof(*c));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int rc = VG_EIO;

	*out = NULL;
	if (!c)
		return VG_ENOMEM;
	c->v = v;
	c->fd = -1;
	if (sock_path(dir, c->path, sizeof(c->path)) != 0) {
		free(c);
		return VG_ETOOBIG;
	}
	/* Only a socket is replaced (one left by a server that died: we hold the journal's lock). */
	if (lstat(c->path, &st) == 0 && S_ISSOCK(st.st_mode))
		VG_IGNORE(unlink(c->path));
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	old = umask(077);
	if (c->fd >= 0 && bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    chmod(c->path, 0600) == 0 && listen(c->fd, 8) == 0)
		rc = 0;
	umask(old);
	if (rc == 0 && pthread_create(&c->thread, NULL, loop, c) != 0)
		rc = VG_EIO;
	if (rc != 0) {
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void control_stop(struct control *c)
{
	if (!c)
		return;
	atomic_store(&c->stop, 1);
	pthread_join(c->thread, NULL);
	close(c->fd);
	VG_IGNORE(unlink(c->path));
	free(c);
}

int control_journal(const char *dir, const struct access_rec *act, uint64_t *index, char why[128])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { 30, 0 };
	char line[LINE_MAX_BYTES];
	json_t *root = NULL, *jv;
	int fd, rc = VG_EIO;

	why[0] = '\0';
	if (sock_path(dir, sa.sun_path, sizeof(sa.sun_path)) != 0)
		return VG_ETOOBIG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return VG_EIO;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return errno == ENOENT || errno == ECONNREFUSED ? VG_ENOTFOUND : VG_EIO;
	}
	VG_IGNORE(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	if (is_enrol(act->route)) {
		char hex[2 * ACCESS_PATIENT_LEN + 1];

		sodium_bin2hex(hex, sizeof(hex), act->patient, sizeof(act->patient));
		snprintf(line, sizeof(line),
		         "{\"route\":\"%s\",\"fields\":\"%s\",\"persons\":%d,\"patient\":\"%s\"}\n",
		         act->route, act->fields, act->n_results, hex);
	} else {
		snprintf(line, sizeof(line),
		         "{\"route\":\"%s\",\"fields\":\"%s\",\"persons\":%d}\n", act->route,
		         act->fields, act->n_results);
	}
	write_all(fd, line);
	if (read_line(fd, line, sizeof(line)) == 0 && (root = json_loads(line, 0, NULL)) != NULL) {
		if ((jv = json_object_get(root, "index")) && json_is_integer(jv)) {
			*index = (uint64_t)json_integer_value(jv);
			rc = 0;
		} else if ((jv = json_object_get(root, "error")) && json_is_string(jv)) {
			snprintf(why, 128, "%s", json_string_value(jv));
			rc = VG_EDENIED;
		}
	}
	if (rc == VG_EIO && !why[0])
		snprintf(why, 128, "the server did not answer");
	json_decref(root);
	close(fd);
	return rc;
}
