// vigie-verify checks vigie's access journal with code vigie did not write:
// Go's golang.org/x/mod/sumdb/note (signed notes) and sumdb/tlog (RFC 6962
// trees, proofs and tiles), from Debian's golang-golang-x-mod-dev.
//
//	vigie-verify checkpoint  --vkey K FILE
//	vigie-verify receipt     --vkey K (--entry-hex HEX | --record FILE --salt BASE64) FILE
//	vigie-verify consistency --vkey K --old CP1 --new CP2 PROOF
//	vigie-verify tiles       --vkey K --base URL [--old CP]... [--prove N]...
//
// Exit 0 and one "ok ..." line on success; exit 1 and one line saying what
// failed otherwise; exit 2 on a usage error.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, a ...interface{}) {
	fmt.Printf("FAIL "+format+"\n", a...)
	os.Exit(1)
}

func usage(msg string) {
	fmt.Fprintln(os.Stderr, "vigie-verify: "+msg)
	os.Exit(2)
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies a signed checkpoint with vkey and parses its three lines.
func openCheckpoint(msg []byte, vkey string) checkpoint {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		usage("bad verifier key: " + err.Error())
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		fail("checkpoint: fewer than three lines")
	}
	if lines[0] != v.Name() {
		fail("checkpoint: origin %q is not the key name %q", lines[0], v.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		fail("checkpoint: bad size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("checkpoint: bad root %q", lines[2])
	}
	var c checkpoint
	c.origin, c.size = lines[0], size
	copy(c.root[:], raw)
	return c
}

func readFile(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		usage(err.Error())
	}
	return b
}

func hashLines(text string) []tlog.Hash {
	var out []tlog.Hash
	for _, l := range strings.Split(text, "\n") {
		if l == "" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(raw) != tlog.HashSize {
			fail("proof: bad hash line %q", l)
		}
		var h tlog.Hash
		copy(h[:], raw)
		out = append(out, h)
	}
	return out
}

// The entry an insured person recomputes: SHA-256("vigie-access-v1\n" || salt || record).
func commitment(salt, record []byte) []byte {
	h := sha256.New()
	h.Write([]byte("vigie-access-v1\n"))
	h.Write(salt)
	h.Write(record)
	return h.Sum(nil)
}

func cmdCheckpoint(args []string) {
	fs := flag.NewFlagSet("checkpoint", flag.ExitOnError)
	vkey := fs.String("vkey", "", "verifier key")
	fs.Parse(args)
	if *vkey == "" || fs.NArg() != 1 {
		usage("checkpoint --vkey K FILE")
	}
	c := openCheckpoint(readFile(fs.Arg(0)), *vkey)
	fmt.Printf("ok %s %d %s\n", c.origin, c.size, base64.StdEncoding.EncodeToString(c.root[:]))
}

func cmdReceipt(args []string) {
	fs := flag.NewFlagSet("receipt", flag.ExitOnError)
	vkey := fs.String("vkey", "", "verifier key")
	entryHex := fs.String("entry-hex", "", "the entry, hex")
	recordFile := fs.String("record", "", "file holding the access record")
	salt := fs.String("salt", "", "the record's salt, base64")
	fs.Parse(args)
	if *vkey == "" || fs.NArg() != 1 || (*entryHex == "") == (*recordFile == "") {
		usage("receipt --vkey K (--entry-hex HEX | --record FILE --salt B64) FILE")
	}
	var entry []byte
	if *entryHex != "" {
		e, err := hex.DecodeString(*entryHex)
		if err != nil {
			usage("bad --entry-hex")
		}
		entry = e
	} else {
		s, err := base64.StdEncoding.DecodeString(*salt)
		if err != nil || len(s) != 32 {
			usage("bad --salt")
		}
		entry = commitment(s, readFile(*recordFile))
	}
	// c2sp.org/tlog-proof@v1, [extra], index N, hashes, empty line, signed checkpoint.
	text := string(readFile(fs.Arg(0)))
	head, cp, found := strings.Cut(text, "\n\n")
	if !found {
		fail("receipt: no empty line before the checkpoint")
	}
	lines := strings.Split(head, "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		fail("receipt: header %q", lines[0])
	}
	i := 1
	if i < len(lines) && strings.HasPrefix(lines[i], "extra ") {
		i++
	}
	if i >= len(lines) || !strings.HasPrefix(lines[i], "index ") {
		fail("receipt: no index line")
	}
	index, err := strconv.ParseInt(strings.TrimPrefix(lines[i], "index "), 10, 64)
	if err != nil || index < 0 {
		fail("receipt: bad index")
	}
	proof := hashLines(strings.Join(lines[i+1:], "\n"))
	c := openCheckpoint([]byte(cp), *vkey)
	if err := tlog.CheckRecord(tlog.RecordProof(proof), c.size, c.root, index, tlog.RecordHash(entry)); err != nil {
		fail("receipt: inclusion of entry %d in the tree of %d: %v", index, c.size, err)
	}
	fmt.Printf("ok index %d size %d\n", index, c.size)
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
	o := openCheckpoint(readFile(*oldf), *vkey)
	n := openCheckpoint(readFile(*newf), *vkey)
	proof := hashLines(string(readFile(fs.Arg(0))))
	if err := tlog.CheckTree(tlog.TreeProof(proof), n.size, n.root, o.size, o.root); err != nil {
		fail("consistency %d -> %d: %v", o.size, n.size, err)
	}
	fmt.Printf("ok %d -> %d\n", o.size, n.size)
}

// tiles: vigie's C2SP tile paths are Go's without the height segment ("tile/8/0/..." -> "tile/0/...").
type httpTiles struct {
	base   string
	client *http.Client
}

func (t *httpTiles) Height() int { return 8 }

func (t *httpTiles) get(path string) ([]byte, int, error) {
	resp, err := t.client.Get(t.base + "/" + path)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return b, resp.StatusCode, err
}

func c2spPath(tile tlog.Tile) string {
	return strings.Replace(tile.Path(), "tile/8/", "tile/", 1)
}

func (t *httpTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, tile := range tiles {
		b, code, err := t.get(c2spPath(tile))
		if err == nil && code == http.StatusNotFound && tile.W < 1<<tile.H {
			// The partial tile may be gone once the full one exists: use its prefix.
			full := tile
			full.W = 1 << tile.H
			b, code, err = t.get(c2spPath(full))
			if err == nil && code == http.StatusOK && len(b) >= tile.W*tlog.HashSize {
				b = b[:tile.W*tlog.HashSize]
			}
		}
		if err != nil {
			return nil, err
		}
		if code != http.StatusOK {
			return nil, fmt.Errorf("%s: HTTP %d", c2spPath(tile), code)
		}
		out[i] = b
	}
	return out, nil
}

func (t *httpTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

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
	t := &httpTiles{base: strings.TrimSuffix(*base, "/"), client: &http.Client{Timeout: 10 * time.Second}}
	cpBytes, code, err := t.get("checkpoint")
	if err != nil || code != http.StatusOK {
		fail("checkpoint: cannot fetch (%v, HTTP %d)", err, code)
	}
	c := openCheckpoint(cpBytes, *vkey)
	// TileHashReader checks every tile it reads against the signed tree hash.
	r := tlog.TileHashReader(tlog.Tree{N: c.size, Hash: c.root}, t)
	th, err := tlog.TreeHash(c.size, r)
	if err != nil {
		fail("tiles: tree hash: %v", err)
	}
	if th != c.root {
		fail("tiles: tree hash %x is not the checkpoint's root", th)
	}
	// Every entry bundle: each entry's record hash is the stored level-0 hash.
	var entries int64
	for n := int64(0); n*256 < c.size; n++ {
		w := c.size - n*256
		if w > 256 {
			w = 256
		}
		p := strings.Replace(c2spPath(tlog.Tile{H: 8, L: 0, N: n, W: int(w)}), "tile/0/", "tile/entries/", 1)
		b, code, err := t.get(p)
		if err == nil && code == http.StatusNotFound && w < 256 {
			b, code, err = t.get(strings.Replace(c2spPath(tlog.Tile{H: 8, L: 0, N: n, W: 256}), "tile/0/", "tile/entries/", 1))
		}
		if err != nil || code != http.StatusOK {
			fail("%s: cannot fetch (%v, HTTP %d)", p, err, code)
		}
		for k := int64(0); k < w; k++ {
			if len(b) < 2 {
				fail("%s: entry %d missing", p, k)
			}
			l := int(b[0])<<8 | int(b[1])
			if len(b) < 2+l {
				fail("%s: entry %d cut short", p, k)
			}
			want, err := r.ReadHashes([]int64{tlog.StoredHashIndex(0, n*256+k)})
			if err != nil {
				fail("tiles: level-0 hash %d: %v", n*256+k, err)
			}
			if tlog.RecordHash(b[2:2+l]) != want[0] {
				fail("%s: entry %d (index %d) does not hash to its tile hash", p, k, n*256+k)
			}
			b = b[2+l:]
			entries++
		}
	}
	for _, f := range olds {
		o := openCheckpoint(readFile(f), *vkey)
		proof, err := tlog.ProveTree(c.size, o.size, r)
		if err != nil {
			fail("consistency %d -> %d: cannot prove from the tiles: %v", o.size, c.size, err)
		}
		if err := tlog.CheckTree(proof, c.size, c.root, o.size, o.root); err != nil {
			fail("consistency %d -> %d: %v", o.size, c.size, err)
		}
	}
	for _, s := range proves {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || n >= c.size {
			usage("bad --prove " + s)
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

func main() {
	if len(os.Args) < 2 {
		usage("checkpoint | receipt | consistency | tiles")
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
	default:
		usage("unknown command " + os.Args[1])
	}
}
