// vigie-verify checks vigie's access journal with code vigie did not write:
// Go's golang.org/x/mod/sumdb/note (signed notes) and sumdb/tlog (RFC 6962
// trees, proofs and tiles), from Debian's golang-golang-x-mod-dev (0.7.0).
//
//	vigie-verify checkpoint  --vkey K FILE
//	vigie-verify receipt     --vkey K (--entry-hex HEX | --record FILE --salt BASE64) FILE
//	vigie-verify consistency --vkey K --old CP1 --new CP2 PROOF
//	vigie-verify tiles       --vkey K --base URL [--old CP]... [--prove N]...
//
// Exit 0 and one "ok ..." line on success; exit 1 and one "FAIL ..." line (on
// stdout) saying what failed otherwise; exit 2 on a usage error (bad flags,
// an unreadable input file).
//
// For testing the verifier itself (see tests/go/selftest.sh):
//
//	vigie-verify selftest-make DIR --name ORIGIN --n N [--old-size M]
//	    builds a C2SP log of N random entries in DIR with Go's primitives.
//	vigie-verify selftest-proofs [--max N]
//	    checks that x/mod's proofs are RFC 9162's, hash for hash.
//
// Formats (c2sp.org): the checkpoint is a signed note (Ed25519) whose text is
// "<origin>\n<size>\n<base64 root>\n", the key name being the origin; an entry
// is a 32-byte commitment SHA-256("vigie-access-v1\n" || salt || record), its
// leaf hash SHA-256(0x00 || entry); tiles are tlog-tiles of height 8; a
// receipt is a tlog-proof@v1 whose inclusion proof is in RFC 6962/9162 order,
// which is also the order of x/mod's tlog.RecordProof (and a consistency proof
// in RFC 9162 order is a tlog.TreeProof as is): selftest-proofs checks that.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const (
	tileHeight  = 8 // C2SP tlog-tiles: always 8
	tileWidth   = 1 << tileHeight
	entrySize   = 32 // a vigie entry is a SHA-256 commitment
	commitLabel = "vigie-access-v1\n"
	proofHeader = "c2sp.org/tlog-proof@v1"
)

// emptyRoot is RFC 6962's root of the empty tree, SHA-256(""). x/mod's
// tlog.TreeHash(0, r) returns the all-zero hash instead, so size 0 is handled apart.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

func fail(format string, a ...interface{}) {
	fmt.Printf("FAIL "+format+"\n", a...)
	os.Exit(1)
}

func usage(msg string) {
	fmt.Fprintln(os.Stderr, "vigie-verify: "+msg)
	os.Exit(2)
}

func readFile(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		usage(err.Error())
	}
	return b
}

// canonicalUint parses a decimal with no sign and no leading zeros ("0" alone is fine).
func canonicalUint(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != s {
		return 0, false
	}
	return n, true
}

func b64Hash(s string) (tlog.Hash, bool) {
	var h tlog.Hash
	raw, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) != tlog.HashSize {
		return h, false
	}
	copy(h[:], raw)
	return h, true
}

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// ---------------------------------------------------------------- checkpoints

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func newVerifier(vkey string) note.Verifier {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		usage("bad verifier key: " + err.Error())
	}
	return v
}

// openCheckpoint verifies a signed checkpoint with vkey and parses its three
// lines (x/mod's tlog.ParseTree wants the Go checksum database's header line,
// so it is not used). what names the checkpoint in failure messages.
func openCheckpoint(what string, msg []byte, vkey string) checkpoint {
	v := newVerifier(vkey)
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unv *note.UnverifiedNoteError
		if errors.As(err, &unv) {
			fail("%s signature: no signature by %s+%08x", what, v.Name(), v.KeyHash())
		}
		fail("%s signature: %v", what, err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		fail("%s: fewer than three lines", what)
	}
	if lines[0] != v.Name() {
		fail("%s: origin %q is not the key name %q", what, lines[0], v.Name())
	}
	size, ok := canonicalUint(lines[1])
	if !ok {
		fail("%s: bad size %q", what, lines[1])
	}
	root, ok := b64Hash(lines[2])
	if !ok {
		fail("%s: bad root %q", what, lines[2])
	}
	if size == 0 && root != emptyRoot {
		fail("%s: size 0 but the root is not SHA-256 of the empty string", what)
	}
	return checkpoint{origin: lines[0], size: size, root: root}
}

func cmdCheckpoint(args []string) {
	fs := flag.NewFlagSet("checkpoint", flag.ExitOnError)
	vkey := fs.String("vkey", "", "verifier key <name>+<hex id>+<base64>")
	fs.Parse(args)
	if *vkey == "" || fs.NArg() != 1 {
		usage("checkpoint --vkey K FILE")
	}
	c := openCheckpoint("checkpoint", readFile(fs.Arg(0)), *vkey)
	fmt.Printf("ok %s %d %s\n", c.origin, c.size, b64(c.root))
}

// ---------------------------------------------------------------- receipts

// commitment is the entry an insured person recomputes from the record and salt.
func commitment(salt, record []byte) []byte {
	h := sha256.New()
	h.Write([]byte(commitLabel))
	h.Write(salt)
	h.Write(record)
	return h.Sum(nil)
}

// hashLines parses one base64 hash a line (empty lines are skipped).
func hashLines(what, text string) []tlog.Hash {
	var out []tlog.Hash
	for i, l := range strings.Split(text, "\n") {
		if l == "" {
			continue
		}
		h, ok := b64Hash(l)
		if !ok {
			fail("%s: line %d is not a base64 SHA-256 hash: %q", what, i+1, l)
		}
		out = append(out, h)
	}
	return out
}

type receipt struct {
	index int64
	proof []tlog.Hash // RFC 6962/9162 order: the leaf's sibling first
	cp    []byte      // the signed checkpoint, verbatim
}

// parseReceipt parses c2sp.org/tlog-proof@v1.
func parseReceipt(text string) receipt {
	head, cp, found := strings.Cut(text, "\n\n")
	if !found {
		fail("receipt: no empty line before the checkpoint")
	}
	lines := strings.Split(head, "\n")
	if lines[0] != proofHeader {
		fail("receipt: header %q is not %q", lines[0], proofHeader)
	}
	i := 1
	if i < len(lines) && strings.HasPrefix(lines[i], "extra ") {
		if _, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(lines[i], "extra ")); err != nil {
			fail("receipt: extra line is not base64")
		}
		i++
	}
	if i >= len(lines) || !strings.HasPrefix(lines[i], "index ") {
		fail("receipt: no index line")
	}
	index, ok := canonicalUint(strings.TrimPrefix(lines[i], "index "))
	if !ok {
		fail("receipt: bad index line %q", lines[i])
	}
	var proof []tlog.Hash
	for k, l := range lines[i+1:] {
		h, ok := b64Hash(l)
		if !ok {
			fail("receipt: proof line %d is not a base64 SHA-256 hash: %q", k+1, l)
		}
		proof = append(proof, h)
	}
	return receipt{index: index, proof: proof, cp: []byte(cp)}
}

func cmdReceipt(args []string) {
	fs := flag.NewFlagSet("receipt", flag.ExitOnError)
	vkey := fs.String("vkey", "", "verifier key")
	entryHex := fs.String("entry-hex", "", "the 32-byte entry, hex")
	recordFile := fs.String("record", "", "file holding the access record, byte for byte")
	salt := fs.String("salt", "", "the record's 32-byte salt, base64")
	fs.Parse(args)
	if *vkey == "" || fs.NArg() != 1 || (*entryHex == "") == (*recordFile == "") ||
		(*recordFile != "") != (*salt != "") {
		usage("receipt --vkey K (--entry-hex HEX | --record FILE --salt B64) FILE")
	}
	var entry []byte
	if *entryHex != "" {
		e, err := hex.DecodeString(*entryHex)
		if err != nil || len(e) != entrySize {
			usage("bad --entry-hex: want 64 hex digits")
		}
		entry = e
	} else {
		s, err := base64.StdEncoding.Strict().DecodeString(*salt)
		if err != nil || len(s) != 32 {
			usage("bad --salt: want 32 bytes in base64")
		}
		entry = commitment(s, readFile(*recordFile))
	}
	r := parseReceipt(string(readFile(fs.Arg(0))))
	c := openCheckpoint("receipt checkpoint", r.cp, *vkey)
	if r.index >= c.size {
		fail("receipt: index %d is not in the tree of size %d", r.index, c.size)
	}
	// tlog.CheckRecord takes the leaf (record) hash, not the entry; the proof is
	// used as is: x/mod's RecordProof order is RFC 6962/9162's.
	if err := tlog.CheckRecord(tlog.RecordProof(r.proof), c.size, c.root, r.index, tlog.RecordHash(entry)); err != nil {
		fail("receipt: inclusion of entry %d in the tree of size %d: %v", r.index, c.size, err)
	}
	fmt.Printf("ok index %d size %d\n", r.index, c.size)
}

// ---------------------------------------------------------------- consistency

// checkConsistency proves that tree o is a prefix of tree n. x/mod's CheckTree
// rejects an old size of 0; RFC 9162 has every tree extend the empty one, with
// an empty proof.
func checkConsistency(proof []tlog.Hash, o, n checkpoint) error {
	switch {
	case o.size > n.size:
		return fmt.Errorf("the old tree (%d) is larger than the new one (%d)", o.size, n.size)
	case o.size == 0:
		if len(proof) != 0 {
			return errors.New("a proof from the empty tree must be empty")
		}
		return nil
	}
	return tlog.CheckTree(tlog.TreeProof(proof), n.size, n.root, o.size, o.root)
}

func cmdConsistency(args []string) {
	fs := flag.NewFlagSet("consistency", flag.ExitOnError)
	vkey := fs.String("vkey", "", "verifier key")
	oldf := fs.String("old", "", "older signed checkpoint")
	newf := fs.String("new", "", "newer signed checkpoint")
	fs.Parse(args)
	if *vkey == "" || *oldf == "" || *newf == "" || fs.NArg() != 1 {
		usage("consistency --vkey K --old CP1 --new CP2 PROOF")
	}
	o := openCheckpoint("old checkpoint", readFile(*oldf), *vkey)
	n := openCheckpoint("new checkpoint", readFile(*newf), *vkey)
	proof := hashLines("consistency proof", string(readFile(fs.Arg(0))))
	if err := checkConsistency(proof, o, n); err != nil {
		fail("consistency %d -> %d: %v", o.size, n.size, err)
	}
	fmt.Printf("ok %d -> %d\n", o.size, n.size)
}

// ---------------------------------------------------------------- tiles

// c2spPath maps x/mod's tile path "tile/8/L/N[.p/W]" to C2SP's "tile/L/N[.p/W]".
func c2spPath(t tlog.Tile) string {
	return strings.Replace(t.Path(), fmt.Sprintf("tile/%d/", tileHeight), "tile/", 1)
}

// bundlePath is the C2SP entry bundle holding level-0 tile t's entries.
func bundlePath(t tlog.Tile) string {
	return strings.Replace(c2spPath(t), "tile/0/", "tile/entries/", 1)
}

// httpTiles fetches vigie's journal files over HTTP.
type httpTiles struct {
	base   string
	client *http.Client
}

// get fetches base/path, reading at most limit bytes (more is an error).
func (t *httpTiles) get(path string, limit int64) ([]byte, int, error) {
	resp, err := t.client.Get(t.base + "/" + path)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("%s: more than %d bytes", path, limit)
	}
	return b, resp.StatusCode, err
}

// fetchTile fetches one hash tile, of exactly tile.W hashes, unverified.
func (t *httpTiles) fetchTile(tile tlog.Tile) ([]byte, error) {
	p := c2spPath(tile)
	b, code, err := t.get(p, tileWidth*tlog.HashSize)
	if err == nil && code == http.StatusNotFound && tile.W < tileWidth {
		// tlog-tiles: a partial tile may be gone once the full one exists; use its prefix.
		full := tile
		full.W = tileWidth
		var fb []byte
		fb, code, err = t.get(c2spPath(full), tileWidth*tlog.HashSize)
		if err == nil && code == http.StatusOK {
			if len(fb) != tileWidth*tlog.HashSize {
				return nil, fmt.Errorf("%s: %d bytes, not %d", c2spPath(full), len(fb), tileWidth*tlog.HashSize)
			}
			b = fb[:tile.W*tlog.HashSize]
		}
	}
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", p, code)
	}
	if len(b) != tile.W*tlog.HashSize {
		return nil, fmt.Errorf("%s: %d bytes, not %d", p, len(b), tile.W*tlog.HashSize)
	}
	return b, nil
}

// authTiles is the tlog.TileReader given to tlog.TileHashReader. It returns
// only tiles it has authenticated itself against the signed tree, because
// x/mod's tileHashReader.ReadHashes (0.7.0, and upstream still) skips some: it
// checks full tiles against their parents from index len(stx) of its tile list,
// len(stx) being the number of subtree hashes making up the root, not the number
// of distinct tiles holding them, so when two of those hashes share a tile (size
// 300: 256+32+8+4, in two tiles) the first full tiles after them go unchecked
// and a forged tile/0/000 (with a matching forged bundle) would pass.
//
// Authentication here: the rightmost, partial tile of each level (W < 256)
// holds the hashes the root is made of, and all its hashes enter those, so
// tlog.TreeHash over them equal to the signed root authenticates them all (init).
// A full tile is authentic when the hash of its 256 hashes is the entry for it in
// its parent tile, itself authenticated (full, or partial); the top tile is
// always partial. Memory: the partial tiles (one a level) and at most maxCached
// full tiles of 8 KiB.
type authTiles struct {
	src     *httpTiles
	size    int64
	root    tlog.Hash
	partial map[[2]int64][]byte // (level, N) -> data of the partial tile
	full    map[tlog.Tile][]byte
}

const maxCached = 256

func (a *authTiles) Height() int { return tileHeight }

func (a *authTiles) fetch(t tlog.Tile) ([]byte, error) { return a.src.fetchTile(t) }

// init fetches the partial tiles of the tree and checks them against the root.
func (a *authTiles) init() error {
	a.partial = make(map[[2]int64][]byte)
	a.full = make(map[tlog.Tile][]byte)
	if a.size == 0 {
		return nil
	}
	for l := 0; a.size>>(tileHeight*l) > 0; l++ {
		nl := a.size >> (tileHeight * l)
		if w := nl % tileWidth; w > 0 {
			t := tlog.Tile{H: tileHeight, L: l, N: nl / tileWidth, W: int(w)}
			b, err := a.fetch(t)
			if err != nil {
				return err
			}
			a.partial[[2]int64{int64(l), t.N}] = b
		}
	}
	fromPartial := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			t := tlog.TileForIndex(tileHeight, x)
			b, ok := a.partial[[2]int64{int64(t.L), t.N}]
			if !ok {
				return nil, fmt.Errorf("stored hash %d is not in a partial tile", x)
			}
			t.W = len(b) / tlog.HashSize
			h, err := tlog.HashFromTile(t, b, x)
			if err != nil {
				return nil, err
			}
			out[i] = h
		}
		return out, nil
	})
	th, err := tlog.TreeHash(a.size, fromPartial)
	if err != nil {
		return err
	}
	if th != a.root {
		return fmt.Errorf("the partial tiles make the root %s, not the checkpoint's", b64(th))
	}
	return nil
}

// subtreeHash is the root of the 2^k hashes in data (k > 0), as RFC 6962 makes it.
func subtreeHash(data []byte) tlog.Hash {
	hs := make([]tlog.Hash, len(data)/tlog.HashSize)
	for i := range hs {
		copy(hs[i][:], data[i*tlog.HashSize:])
	}
	for len(hs) > 1 {
		for i := 0; i < len(hs)/2; i++ {
			hs[i] = tlog.NodeHash(hs[2*i], hs[2*i+1])
		}
		hs = hs[:len(hs)/2]
	}
	return hs[0]
}

// read returns tile t of the tree, authenticated.
func (a *authTiles) read(t tlog.Tile) ([]byte, error) {
	if t.H != tileHeight || t.L < 0 || t.N < 0 {
		return nil, fmt.Errorf("tile %s is not a tile of this tree", t.Path())
	}
	nl := a.size >> (tileHeight * t.L)
	if t.W < tileWidth {
		b, ok := a.partial[[2]int64{int64(t.L), t.N}]
		if !ok || len(b) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s is not a tile of the tree of size %d", c2spPath(t), a.size)
		}
		return b, nil
	}
	if (t.N+1)*tileWidth > nl {
		return nil, fmt.Errorf("%s is not a tile of the tree of size %d", c2spPath(t), a.size)
	}
	if b, ok := a.full[t]; ok {
		return b, nil
	}
	b, err := a.fetch(t)
	if err != nil {
		return nil, err
	}
	p := tlog.Tile{H: tileHeight, L: t.L + 1, N: t.N / tileWidth, W: tileWidth}
	if max := nl / tileWidth; p.N*tileWidth+tileWidth > max {
		p.W = int(max - p.N*tileWidth)
	}
	pb, err := a.read(p)
	if err != nil {
		return nil, err
	}
	want, err := tlog.HashFromTile(p, pb, tlog.StoredHashIndex(tileHeight*p.L, t.N))
	if err != nil {
		return nil, err
	}
	if subtreeHash(b) != want {
		return nil, fmt.Errorf("%s does not hash to its entry in %s", c2spPath(t), c2spPath(p))
	}
	if len(a.full) >= maxCached {
		a.full = make(map[tlog.Tile][]byte)
	}
	a.full[t] = b
	return b, nil
}

func (a *authTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, tile := range tiles {
		b, err := a.read(tile)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (a *authTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// maxBundle bounds an entry bundle: 256 entries of at most 65,535 bytes.
const maxBundle = tileWidth * (2 + 65535)

func cmdTiles(args []string) {
	fs := flag.NewFlagSet("tiles", flag.ExitOnError)
	vkey := fs.String("vkey", "", "verifier key")
	base := fs.String("base", "", "the journal's URL prefix, e.g. http://127.0.0.1:8080/journal")
	var olds, proves multiFlag
	fs.Var(&olds, "old", "an earlier signed checkpoint (repeatable)")
	fs.Var(&proves, "prove", "an entry index to prove with Go's own proof (repeatable)")
	fs.Parse(args)
	if *vkey == "" || *base == "" || fs.NArg() != 0 {
		usage("tiles --vkey K --base URL [--old CP]... [--prove N]...")
	}
	oldCps := make([]checkpoint, len(olds))
	for i, f := range olds {
		oldCps[i] = openCheckpoint("old checkpoint "+f, readFile(f), *vkey)
	}
	var proveIdx []int64
	for _, s := range proves {
		n, ok := canonicalUint(s)
		if !ok {
			usage("bad --prove " + s)
		}
		proveIdx = append(proveIdx, n)
	}

	t := &httpTiles{
		base:   strings.TrimSuffix(*base, "/"),
		client: &http.Client{Timeout: 10 * time.Second},
	}
	cpBytes, code, err := t.get("checkpoint", 1<<20)
	if err != nil {
		fail("checkpoint: cannot fetch %s/checkpoint: %v", t.base, err)
	}
	if code != http.StatusOK {
		fail("checkpoint: cannot fetch %s/checkpoint: HTTP %d", t.base, code)
	}
	c := openCheckpoint("checkpoint", cpBytes, *vkey)

	// The tiles are read through our authenticating TileReader (see authTiles)
	// and tlog.TileHashReader, which checks them against the signed tree too.
	// TreeHash(0) would be all zeros, so size 0 is apart.
	at := &authTiles{src: t, size: c.size, root: c.root}
	if err := at.init(); err != nil {
		fail("tiles: %v", err)
	}
	r := tlog.TileHashReader(tlog.Tree{N: c.size, Hash: c.root}, at)
	if c.size > 0 {
		th, err := tlog.TreeHash(c.size, r)
		if err != nil {
			fail("tiles: tree hash of size %d: %v", c.size, err)
		}
		if th != c.root {
			fail("tiles: tree hash %s is not the checkpoint's root", b64(th))
		}
	}

	// Every entry bundle: each entry is 32 bytes and its leaf hash is the level-0
	// stored hash, read (and authenticated) through the tiles, one bundle at a time.
	var entries int64
	for n := int64(0); n*tileWidth < c.size; n++ {
		w := c.size - n*tileWidth
		if w > tileWidth {
			w = tileWidth
		}
		tile := tlog.Tile{H: tileHeight, L: 0, N: n, W: int(w)}
		p := bundlePath(tile)
		b, code, err := t.get(p, maxBundle)
		exact := true
		if err == nil && code == http.StatusNotFound && w < tileWidth {
			// As for tiles, a partial bundle may be gone once the full one exists.
			full := tile
			full.W = tileWidth
			b, code, err = t.get(bundlePath(full), maxBundle)
			exact = false
		}
		if err != nil {
			fail("%s: cannot fetch: %v", p, err)
		}
		if code != http.StatusOK {
			fail("%s: cannot fetch: HTTP %d", p, code)
		}
		indexes := make([]int64, w)
		for k := range indexes {
			indexes[k] = tlog.StoredHashIndex(0, n*tileWidth+int64(k))
		}
		want, err := r.ReadHashes(indexes)
		if err != nil {
			fail("tiles: level-0 hashes of %s: %v", c2spPath(tile), err)
		}
		for k := int64(0); k < w; k++ {
			if len(b) < 2 {
				fail("%s: entry %d (index %d) missing", p, k, n*tileWidth+k)
			}
			l := int(binary.BigEndian.Uint16(b))
			if len(b) < 2+l {
				fail("%s: entry %d (index %d) cut short", p, k, n*tileWidth+k)
			}
			if l != entrySize {
				fail("%s: entry %d (index %d) is %d bytes, not %d", p, k, n*tileWidth+k, l, entrySize)
			}
			if tlog.RecordHash(b[2:2+l]) != want[k] {
				fail("%s: entry %d (index %d) does not hash to its tile hash", p, k, n*tileWidth+k)
			}
			b = b[2+l:]
			entries++
		}
		if exact && len(b) != 0 {
			fail("%s: %d bytes after the last entry", p, len(b))
		}
	}

	// Earlier checkpoints: Go proves consistency from the tiles, then checks it.
	for i, o := range oldCps {
		if o.size > c.size {
			fail("consistency %d -> %d: the old checkpoint %s is larger", o.size, c.size, olds[i])
		}
		var proof tlog.TreeProof
		if o.size > 0 {
			proof, err = tlog.ProveTree(c.size, o.size, r)
			if err != nil {
				fail("consistency %d -> %d: cannot prove from the tiles: %v", o.size, c.size, err)
			}
		}
		if err := checkConsistency(proof, o, c); err != nil {
			fail("consistency %d -> %d (%s): %v", o.size, c.size, olds[i], err)
		}
	}

	// Inclusion of chosen entries, proved by Go from the tiles.
	for _, n := range proveIdx {
		if n >= c.size {
			fail("record %d: not in the tree of size %d", n, c.size)
		}
		proof, err := tlog.ProveRecord(c.size, n, r)
		if err != nil {
			fail("record %d: cannot prove: %v", n, err)
		}
		leaf, err := r.ReadHashes([]int64{tlog.StoredHashIndex(0, n)})
		if err != nil {
			fail("record %d: %v", n, err)
		}
		if err := tlog.CheckRecord(proof, c.size, c.root, n, leaf[0]); err != nil {
			fail("record %d: %v", n, err)
		}
	}
	fmt.Printf("ok size %d entries %d old %d\n", c.size, entries, len(olds))
}

// ---------------------------------------------------------------- selftest-make

// memHashes is a tlog.HashReader over all stored hashes, in memory.
type memHashes []tlog.Hash

func (m *memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(*m)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = (*m)[x]
	}
	return out, nil
}

func writeFile(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fail("selftest-make: %v", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		fail("selftest-make: %v", err)
	}
}

func signCheckpoint(signer note.Signer, origin string, size int64, root tlog.Hash) []byte {
	msg, err := note.Sign(&note.Note{Text: fmt.Sprintf("%s\n%d\n%s\n", origin, size, b64(root))}, signer)
	if err != nil {
		fail("selftest-make: sign: %v", err)
	}
	return msg
}

func hashFile(hs []tlog.Hash) []byte {
	var buf bytes.Buffer
	for _, h := range hs {
		buf.WriteString(b64(h) + "\n")
	}
	return buf.Bytes()
}

// cmdSelftestMake writes a C2SP log of n entries to dir: checkpoint, vkey, tile/...
// (the tiles of size n only), tile/entries/..., receipt-<i>, entry-<i>.hex,
// record-<i> and salt-<i> for a few i, checkpoint.old (size m) with the
// consistency proof consistency.old, checkpoint.fork (size m, another root,
// signed by the same key) and checkpoint.first (size 1).
func cmdSelftestMake(args []string) {
	if len(args) < 1 || strings.HasPrefix(args[0], "-") {
		usage("selftest-make DIR --name ORIGIN --n N [--old-size M]")
	}
	dir := args[0]
	fs := flag.NewFlagSet("selftest-make", flag.ExitOnError)
	name := fs.String("name", "vigie.example/journal", "origin and key name")
	nFlag := fs.Int64("n", 1000, "number of entries")
	mFlag := fs.Int64("old-size", -1, "size of checkpoint.old (default about 2n/5)")
	fs.Parse(args[1:])
	n := *nFlag
	if fs.NArg() != 0 || n < 0 || n > 1<<24 {
		usage("selftest-make DIR --name ORIGIN --n N [--old-size M]")
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, *name)
	if err != nil {
		usage("bad --name: " + err.Error())
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		fail("selftest-make: %v", err)
	}
	writeFile(filepath.Join(dir, "vkey"), []byte(vkey+"\n"))

	// A few entries are commitments to records whose salt is kept, for receipts.
	receiptAt := map[int64]bool{}
	for _, i := range []int64{0, 1, 255, 256, 257, n / 2, n - 2, n - 1} {
		if i >= 0 && i < n {
			receiptAt[i] = true
		}
	}
	hashes := memHashes{}
	entries := make([][]byte, 0, n)
	for i := int64(0); i < n; i++ {
		e := make([]byte, entrySize)
		if receiptAt[i] {
			salt := make([]byte, 32)
			rand.Read(salt)
			record := []byte(fmt.Sprintf(`{"at":"2026-01-01T00:00:%02dZ","decision":"allow","i":%d,"who":"Dr Éloïse"}`, i%60, i))
			e = commitment(salt, record)
			writeFile(filepath.Join(dir, fmt.Sprintf("record-%d", i)), record)
			writeFile(filepath.Join(dir, fmt.Sprintf("salt-%d", i)), []byte(base64.StdEncoding.EncodeToString(salt)+"\n"))
		} else {
			rand.Read(e)
		}
		entries = append(entries, e)
		hs, err := tlog.StoredHashes(i, e, &hashes)
		if err != nil {
			fail("selftest-make: %v", err)
		}
		hashes = append(hashes, hs...)
	}
	root := emptyRoot
	if n > 0 {
		root, err = tlog.TreeHash(n, &hashes)
		if err != nil {
			fail("selftest-make: %v", err)
		}
	}
	cp := signCheckpoint(signer, *name, n, root)
	writeFile(filepath.Join(dir, "checkpoint"), cp)

	// Tiles of the tree of size n: the full ones and, per level, the last partial one.
	for _, tile := range tlog.NewTiles(tileHeight, 0, n) {
		if tile.W < tileWidth && int64(tile.W) != (n>>(tileHeight*tile.L))%tileWidth {
			continue // a partial tile of an earlier size
		}
		data, err := tlog.ReadTileData(tile, &hashes)
		if err != nil {
			fail("selftest-make: %v", err)
		}
		writeFile(filepath.Join(dir, filepath.FromSlash(c2spPath(tile))), data)
		if tile.L == 0 {
			var buf bytes.Buffer
			for k := int64(0); k < int64(tile.W); k++ {
				e := entries[tile.N*tileWidth+k]
				buf.Write([]byte{byte(len(e) >> 8), byte(len(e))})
				buf.Write(e)
			}
			writeFile(filepath.Join(dir, filepath.FromSlash(bundlePath(tile))), buf.Bytes())
		}
	}

	// Receipts, proved by x/mod and checked here against RFC 9162's algorithm.
	for i := range receiptAt {
		proof, err := tlog.ProveRecord(n, i, &hashes)
		if err != nil {
			fail("selftest-make: %v", err)
		}
		if !rfc9162VerifyInclusion(i, n, tlog.RecordHash(entries[i]), proof, root) {
			fail("selftest-make: x/mod's proof of %d in %d fails RFC 9162's check", i, n)
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "%s\n", proofHeader)
		if i%2 == 1 {
			fmt.Fprintf(&buf, "extra %s\n", base64.StdEncoding.EncodeToString([]byte("selftest")))
		}
		fmt.Fprintf(&buf, "index %d\n", i)
		buf.Write(hashFile(proof))
		buf.WriteString("\n")
		buf.Write(cp)
		writeFile(filepath.Join(dir, fmt.Sprintf("receipt-%d", i)), buf.Bytes())
		writeFile(filepath.Join(dir, fmt.Sprintf("entry-%d.hex", i)), []byte(hex.EncodeToString(entries[i])+"\n"))
	}

	// An older checkpoint and the consistency proof from it; and the first one.
	m := *mFlag
	if m < 0 {
		m = n * 2 / 5
		if m == 0 {
			m = n
		}
	}
	if m > n {
		usage("--old-size larger than --n")
	}
	oldRoot := emptyRoot
	var proof tlog.TreeProof
	if m > 0 {
		if oldRoot, err = tlog.TreeHash(m, &hashes); err != nil {
			fail("selftest-make: %v", err)
		}
		if proof, err = tlog.ProveTree(n, m, &hashes); err != nil {
			fail("selftest-make: %v", err)
		}
		if !rfc9162VerifyConsistency(m, n, oldRoot, root, proof) {
			fail("selftest-make: x/mod's consistency proof %d -> %d fails RFC 9162's check", m, n)
		}
	}
	writeFile(filepath.Join(dir, "checkpoint.old"), signCheckpoint(signer, *name, m, oldRoot))
	writeFile(filepath.Join(dir, "consistency.old"), hashFile(proof))
	// A fork: the same key signs another tree of size m (a log must never do this).
	var fork tlog.Hash
	rand.Read(fork[:])
	writeFile(filepath.Join(dir, "checkpoint.fork"), signCheckpoint(signer, *name, m, fork))
	if n > 0 {
		writeFile(filepath.Join(dir, "checkpoint.first"), signCheckpoint(signer, *name, 1, hashes[0]))
	}
	fmt.Printf("ok made %s size %d old %d receipts %d\n", dir, n, m, len(receiptAt))
}

// ---------------------------------------------------------------- RFC 9162, independently

func nodeHash(l, r tlog.Hash) tlog.Hash { return tlog.NodeHash(l, r) }

// rfc9162VerifyInclusion is RFC 9162 section 2.1.3.2, as written there.
func rfc9162VerifyInclusion(index, size int64, leaf tlog.Hash, path []tlog.Hash, root tlog.Hash) bool {
	if index >= size {
		return false
	}
	fn, sn, r := index, size-1, leaf
	for _, p := range path {
		if sn == 0 {
			return false
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	return sn == 0 && r == root
}

// rfc9162VerifyConsistency is RFC 9162 section 2.1.4.2, as written there.
func rfc9162VerifyConsistency(first, second int64, firstHash, secondHash tlog.Hash, proof []tlog.Hash) bool {
	if first > second || first < 1 {
		return false
	}
	if first == second {
		return len(proof) == 0 && firstHash == secondHash
	}
	if len(proof) == 0 {
		return false
	}
	if first&(first-1) == 0 {
		proof = append([]tlog.Hash{firstHash}, proof...)
	}
	fn, sn := first-1, second-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := proof[0], proof[0]
	for _, c := range proof[1:] {
		if sn == 0 {
			return false
		}
		if fn&1 == 1 || fn == sn {
			fr = nodeHash(c, fr)
			sr = nodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = nodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	return fr == firstHash && sr == secondHash && sn == 0
}

// RFC 6962 section 2.1's recursive definitions over leaf hashes.
func mth(d []tlog.Hash) tlog.Hash {
	if len(d) == 0 {
		return emptyRoot
	}
	if len(d) == 1 {
		return d[0]
	}
	k := largestPow2Below(len(d))
	return nodeHash(mth(d[:k]), mth(d[k:]))
}

func largestPow2Below(n int) int { // largest power of two < n, for n > 1
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

func rfcPath(m int, d []tlog.Hash) []tlog.Hash {
	if len(d) <= 1 {
		return nil
	}
	k := largestPow2Below(len(d))
	if m < k {
		return append(rfcPath(m, d[:k]), mth(d[k:]))
	}
	return append(rfcPath(m-k, d[k:]), mth(d[:k]))
}

func rfcSubproof(m int, d []tlog.Hash, b bool) []tlog.Hash {
	if m == len(d) {
		if b {
			return nil
		}
		return []tlog.Hash{mth(d)}
	}
	k := largestPow2Below(len(d))
	if m <= k {
		return append(rfcSubproof(m, d[:k], b), mth(d[k:]))
	}
	return append(rfcSubproof(m-k, d[k:], false), mth(d[:k]))
}

func sameHashes(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// cmdSelftestProofs checks, for every tree size up to max and every index (and
// old size), that x/mod's ProveRecord/ProveTree give exactly RFC 6962's
// PATH/PROOF, that RFC 9162's verifiers accept them and x/mod's checkers too,
// and that a reversed proof fails (so the order matters and is the same).
func cmdSelftestProofs(args []string) {
	fs := flag.NewFlagSet("selftest-proofs", flag.ExitOnError)
	max := fs.Int("max", 130, "largest tree size checked exhaustively")
	fs.Parse(args)
	rng := mrand.New(mrand.NewSource(1))
	var leaves []tlog.Hash
	hashes := memHashes{}
	checked := 0
	for n := 1; n <= *max; n++ {
		var e [entrySize]byte
		rng.Read(e[:])
		hs, err := tlog.StoredHashes(int64(n-1), e[:], &hashes)
		if err != nil {
			fail("selftest-proofs: %v", err)
		}
		hashes = append(hashes, hs...)
		leaves = append(leaves, tlog.RecordHash(e[:]))
		root, err := tlog.TreeHash(int64(n), &hashes)
		if err != nil || root != mth(leaves) {
			fail("selftest-proofs: tlog.TreeHash(%d) is not RFC 6962's MTH", n)
		}
		for i := 0; i < n; i++ {
			p, err := tlog.ProveRecord(int64(n), int64(i), &hashes)
			if err != nil {
				fail("selftest-proofs: %v", err)
			}
			if !sameHashes(p, rfcPath(i, leaves)) {
				fail("selftest-proofs: ProveRecord(%d, %d) is not RFC 6962's PATH", n, i)
			}
			if !rfc9162VerifyInclusion(int64(i), int64(n), leaves[i], p, root) {
				fail("selftest-proofs: RFC 9162 rejects x/mod's inclusion proof %d in %d", i, n)
			}
			if tlog.CheckRecord(p, int64(n), root, int64(i), leaves[i]) != nil {
				fail("selftest-proofs: CheckRecord rejects %d in %d", i, n)
			}
			if len(p) > 1 {
				rev := append(tlog.RecordProof(nil), p...)
				for a, b := 0, len(rev)-1; a < b; a, b = a+1, b-1 {
					rev[a], rev[b] = rev[b], rev[a]
				}
				if !sameHashes(rev, p) && tlog.CheckRecord(rev, int64(n), root, int64(i), leaves[i]) == nil {
					fail("selftest-proofs: CheckRecord accepts a reversed proof %d in %d", i, n)
				}
			}
			checked++
		}
		for m := 1; m <= n; m++ {
			p, err := tlog.ProveTree(int64(n), int64(m), &hashes)
			if err != nil {
				fail("selftest-proofs: %v", err)
			}
			var want []tlog.Hash
			if m < n {
				want = rfcSubproof(m, leaves, true)
			}
			if !sameHashes(p, want) {
				fail("selftest-proofs: ProveTree(%d, %d) is not RFC 6962's PROOF", n, m)
			}
			old := mth(leaves[:m])
			if !rfc9162VerifyConsistency(int64(m), int64(n), old, root, p) {
				fail("selftest-proofs: RFC 9162 rejects x/mod's consistency proof %d -> %d", m, n)
			}
			if tlog.CheckTree(p, int64(n), root, int64(m), old) != nil {
				fail("selftest-proofs: CheckTree rejects %d -> %d", m, n)
			}
			checked++
		}
	}
	fmt.Printf("ok proofs %d sizes 1..%d\n", checked, *max)
}

func main() {
	if len(os.Args) < 2 {
		usage("checkpoint | receipt | consistency | tiles (see the source's header)")
	}
	switch os.Args[1] {
	case "checkpoint":
		cmdCheckpoint(os.Args[2:])
	case "receipt":
		cmdReceipt(os.Args[2:])
	case "consistency":
		cmdConsistency(os.Args[2:])
	case "tiles":
		cmdTiles(os.Args[2:])
	case "selftest-make":
		cmdSelftestMake(os.Args[2:])
	case "selftest-proofs":
		cmdSelftestProofs(os.Args[2:])
	default:
		usage("unknown command " + os.Args[1])
	}
}
