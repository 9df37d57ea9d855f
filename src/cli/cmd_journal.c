/*
 * cmd_journal.c - `vigie journal verify|proof|checkpoint|key|records`: the
 * journal from its files, without a running server (and safe beside one: it
 * only reads, and judges the tiles against the last published checkpoint).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "core/jw.h"
#include "crypto/note.h"
#include "journal/entry.h"
#include "journal/journal.h"
#include "core/banned.h"

static int usage(void)
{
	return cli_usage("journal");
}

/* Each private record must open under the master key and recompute its entry. */
static int check_record(void *ctx, const struct journal_frame *f)
{
	struct access_rec a;
	int rc = entry_open(ctx, f->entry, f->entry_len, f->priv, f->priv_len, &a);

	sodium_memzero(&a, sizeof(a));
	return rc;
}

struct records {
	struct vault *v;
	uint64_t left; /* records still to print */
	int bad;
};

/*
 * One entry's private record, opened, as a JSON line: what an operator reads
 * after an incident (access.db keeps these sealed, so the log is the source).
 */
static int print_record(void *ctx, const struct journal_frame *f)
{
	struct records *x = ctx;
	struct access_rec a;
	char salt[sodium_base64_ENCODED_LEN(ACCESS_SALT, sodium_base64_VARIANT_ORIGINAL)];
	struct jw w;
	int rc;

	if (x->left == 0)
		return 1;
	if (entry_open(x->v, f->entry, f->entry_len, f->priv, f->priv_len, &a) != 0) {
		fprintf(stderr, "vigie: entry %" PRIu64 ": the record does not open\n", f->index);
		x->bad = 1;
		return 0;
	}
	sodium_bin2base64(salt, sizeof(salt), a.salt, ACCESS_SALT, sodium_base64_VARIANT_ORIGINAL);
	jw_init(&w, 1024);
	jw_obj(&w);
	jw_kint(&w, "index", (int64_t)f->index);
	jw_kstr(&w, "ip", a.ip);
	jw_kstr(&w, "salt", salt);
	jw_key(&w, "record");
	jw_raw_value(&w, a.record, strlen(a.record));
	jw_end(&w);
	rc = jw_finish(&w);
	if (rc == 0)
		printf("%s\n", w.buf);
	jw_release(&w);
	sodium_memzero(&a, sizeof(a));
	x->left--;
	return rc;
}

static int do_records(const char *dir, const struct cli_journal_paths *jp, uint64_t from,
                      uint64_t count)
{
	struct records x = { NULL, count ? count : UINT64_MAX, 0 };
	uint64_t bad = 0;
	int torn = 0, rc;

	if (vault_open(dir, &x.v) != 0)
		return cli_fail("the master key in %s cannot be read: the records are sealed", dir);
	rc = journal_scan(jp->dir, from, print_record, &x, &bad, &torn);
	vault_free(x.v);
	if (rc == 1 || (rc == VG_ECORRUPT && torn)) /* enough printed; an end being written */
		rc = 0;
	if (rc != 0)
		return cli_fail("cannot read %s: %s", jp->dir, vg_strerror(rc));
	return x.bad;
}

static int do_verify(const char *dir, const struct cli_journal_paths *jp, int records)
{
	struct vault *v = NULL;
	uint64_t size = 0, ncp = 0;
	char why[512];
	int rc;

	if (records && vault_open(dir, &v) != 0) {
		fprintf(stderr,
		        "vigie: the master key cannot be read; checking the public part only\n");
		v = NULL;
	}
	rc = journal_verify(jp->dir, v ? check_record : NULL, v, &size, &ncp, why, sizeof(why));
	vault_free(v);
	if (rc == VG_ECORRUPT) {
		printf("FAULT %s\n", why);
		return 1;
	}
	if (rc != 0)
		return cli_fail("cannot verify %s: %s%s%s", jp->dir, vg_strerror(rc),
		                why[0] ? ": " : "", why);
	printf("ok: %" PRIu64 " entries, %" PRIu64 " checkpoints consistent, tiles and bundles "
	       "match the log%s\n",
	       size, ncp, v || !records ? "" : "");
	if (records && v)
		printf("ok: every private record recomputes its entry\n");
	return 0;
}

static int do_proof(const struct cli_journal_paths *jp, int have_index, uint64_t index,
                    int have_from, uint64_t from)
{
	static struct merkle_proof proof;
	char note[JOURNAL_NOTE_MAX], out[16384];
	uint8_t root[MERKLE_HASH_LEN];
	uint64_t size;
	size_t len, ol;
	int rc = journal_read_checkpoint(jp->dir, note, sizeof(note), &len, &size, root);
	struct journal_tiles t = { jp->dir, size };

	if (rc != 0)
		return cli_fail("cannot read a verified checkpoint in %s: %s", jp->dir,
		                vg_strerror(rc));
	if (have_index) {
		if (index >= size)
			return cli_fail("entry %" PRIu64
			                " is not in the latest checkpoint (size %" PRIu64
			                "); try again in a second",
			                index, size);
		if ((rc = merkle_prove_inclusion(journal_tiles_hash, &t, index, size, &proof)) !=
		            0 ||
		    (rc = tlog_proof_format(index, &proof, note, len, out, sizeof(out), &ol)) != 0)
			return cli_fail("cannot build the proof: %s", vg_strerror(rc));
		fwrite(out, 1, ol, stdout);
		return 0;
	}
	if (have_from) {
		char b64[64];

		if (from > size)
			return cli_fail("--from %" PRIu64
			                " is beyond the latest checkpoint (size %" PRIu64 ")",
			                from, size);
		if ((rc = merkle_prove_consistency(journal_tiles_hash, &t, from, size, &proof)) !=
		    0)
			return cli_fail("cannot build the proof: %s", vg_strerror(rc));
		/* The proof's hashes, then the checkpoint they lead to. */
		for (size_t i = 0; i < proof.len; i++) {
			sodium_bin2base64(b64, sizeof(b64), proof.hash[i], MERKLE_HASH_LEN,
			                  sodium_base64_VARIANT_ORIGINAL);
			printf("%s\n", b64);
		}
		return 0;
	}
	return usage();
}

int cmd_journal(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { "index", required_argument, NULL, 'i' },
		                              { "from", required_argument, NULL, 'f' },
		                              { "no-records", no_argument, NULL, 'n' },
		                              { "count", required_argument, NULL, 'c' },
		                              { NULL, 0, NULL, 0 } };
	const char *dir = NULL, *what;
	struct cli_journal_paths jp;
	uint64_t index = 0, from = 0, count = 0;
	int c, have_index = 0, have_from = 0, records = 1;

	if (argc < 2)
		return usage();
	what = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'i':
			if (cli_u64(optarg, "--index", &index))
				return 1;
			have_index = 1;
			break;
		case 'f':
			if (cli_u64(optarg, "--from", &from))
				return 1;
			have_from = 1;
			break;
		case 'n': records = 0; break;
		case 'c':
			if (cli_u64(optarg, "--count", &count))
				return 1;
			break;
		default: return usage();
		}
	}
	dir = cli_data_dir(dir);
	cli_journal_paths(dir, &jp);
	if (strcmp(what, "verify") == 0)
		return do_verify(dir, &jp, records);
	if (strcmp(what, "records") == 0)
		return do_records(dir, &jp, from, count);
	if (strcmp(what, "rebuild") == 0) {
		/* Read the whole log again and rewrite every missing or stale tile (what verify flags). */
		struct journal_cfg jc = { .dir = jp.dir,
			                  .key_path = jp.key,
			                  .origin = JOURNAL_ORIGIN_DEFAULT,
			                  .full = 1 };
		struct journal *j = NULL;
		int rc = journal_open(&jc, &j);

		if (rc != 0)
			return cli_fail("cannot rebuild %s: %s (is a server running on it?)",
			                jp.dir, vg_strerror(rc));
		printf("rebuilt %s: %llu entries; tiles rewritten from the log where they differed\n",
		       jp.dir, (unsigned long long)journal_size(j));
		journal_free(j);
		return 0;
	}
	if (strcmp(what, "proof") == 0)
		return have_index == have_from ? usage()
		                               : do_proof(&jp, have_index, index, have_from, from);
	if (strcmp(what, "checkpoint") == 0 || strcmp(what, "key") == 0) {
		char note[JOURNAL_NOTE_MAX], path[4200];
		uint8_t root[MERKLE_HASH_LEN];
		uint64_t size;
		size_t len;
		int rc = journal_read_checkpoint(jp.dir, note, sizeof(note), &len, &size, root);

		if (rc != 0)
			return cli_fail("cannot read a verified checkpoint in %s: %s", jp.dir,
			                vg_strerror(rc));
		if (what[0] == 'c') {
			fwrite(note, 1, len, stdout);
			return 0;
		}
		cli_path(path, sizeof(path), jp.dir, "vkey");
		{
			FILE *f = fopen(path, "re");
			char line[512];

			if (!f || !fgets(line, sizeof(line), f)) {
				if (f)
					fclose(f);
				return cli_fail("cannot read %s", path);
			}
			fclose(f);
			fputs(line, stdout);
		}
		return 0;
	}
	return usage();
}
