// tlog.mjs - an independent, minimal reading of the C2SP formats vigie's
// journal publishes (signed-note, tlog-checkpoint, tlog-tiles, tlog-proof)
// and the RFC 9162 proof checks, on Node's own crypto: the tests use it to
// check vigie's output with code that shares nothing with vigie's C.
import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';

const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const leafHash = (entry) => sha256(Buffer.from([0]), entry);
export const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

/** RFC 6962 Merkle tree hash of an array of leaf hashes. */
export function mth(leaves) {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** The entry an insured person recomputes from their record and salt. */
export const commitment = (saltB64, record) =>
  sha256(Buffer.from('vigie-access-v1\n'), Buffer.from(saltB64, 'base64'), Buffer.from(record, 'utf8'));

/** Parse "<name>+<hex id>+<base64(0x01 || key)>" and check the key id. */
export function parseVkey(vkey) {
  const t = vkey.trim();
  const a = t.indexOf('+');
  const b = t.indexOf('+', a + 1);
  const [name, idHex, b64] = [t.slice(0, a), t.slice(a + 1, b), t.slice(b + 1)];
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== 33 || raw[0] !== 1) throw new Error('not an Ed25519 verifier key');
  const pk = raw.subarray(1);
  const id = sha256(Buffer.from(name), Buffer.from([0x0a, 0x01]), pk).subarray(0, 4);
  if (id.toString('hex') !== idHex) throw new Error('key id does not match');
  const key = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]), format: 'der', type: 'spki',
  });
  return { name, id, key };
}

/** Open a signed note with one verifier key: returns its text, or throws. */
export function openNote(note, v) {
  const s = Buffer.isBuffer(note) ? note.toString('utf8') : note;
  const cut = s.lastIndexOf('\n\n');
  if (cut < 0) throw new Error('no signature block');
  const text = s.slice(0, cut + 1);
  const sigs = s.slice(cut + 2).split('\n').filter((l) => l.length);
  let ok = false;
  for (const line of sigs) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error(`bad signature line: ${line}`);
    const raw = Buffer.from(m[2], 'base64');
    if (m[1] !== v.name || !raw.subarray(0, 4).equals(v.id)) continue;
    if (!edVerify(null, Buffer.from(text, 'utf8'), v.key, raw.subarray(4))) throw new Error('bad signature');
    ok = true;
  }
  if (!ok) throw new Error('no signature by the key');
  return text;
}

/** The three checkpoint lines. */
export function parseCheckpoint(text) {
  const [origin, size, root] = text.split('\n');
  if (!/^(0|[1-9][0-9]*)$/.test(size)) throw new Error('bad size');
  const r = Buffer.from(root, 'base64');
  if (r.length !== 32) throw new Error('bad root');
  return { origin, size: Number(size), root: r };
}

/** A tile's path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]. */
export function tilePath(level, n, width) {
  let s = String(n % 1000).padStart(3, '0');
  for (let x = Math.floor(n / 1000); x > 0; x = Math.floor(x / 1000))
    s = `x${String(x % 1000).padStart(3, '0')}/${s}`;
  return `tile/${level}/${s}${width < 256 ? `.p/${width}` : ''}`;
}

/** Entries of a bundle (uint16 length-prefixed). */
export function bundleEntries(buf) {
  const out = [];
  for (let o = 0; o < buf.length;) {
    const n = buf.readUInt16BE(o);
    out.push(buf.subarray(o + 2, o + 2 + n));
    o += 2 + n;
  }
  return out;
}

/** RFC 9162 2.1.3.2: does proof lead from leaf `index` of a tree of `size` to root? */
export function verifyInclusion(leaf, index, size, proof, root) {
  if (index >= size) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: are root1 (size1) and root2 (size2) one log? */
export function verifyConsistency(size1, size2, root1, root2, proof) {
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (size1 === 0) return proof.length === 0;
  if (size1 > size2 || proof.length === 0) return false;
  let path = proof;
  if ((size1 & (size1 - 1)) === 0) path = [root1, ...proof];
  let fn = size1 - 1, sn = size2 - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

/** Parse a c2sp.org/tlog-proof@v1 receipt: {index, proof: [Buffer], checkpoint (signed note)}. */
export function parseReceipt(text) {
  const lines = text.split('\n');
  if (lines[0] !== 'c2sp.org/tlog-proof@v1') throw new Error('not a tlog-proof');
  let i = 1;
  if (lines[i].startsWith('extra ')) i++;
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i++]);
  if (!m) throw new Error('no index line');
  const proof = [];
  while (lines[i] !== '') proof.push(Buffer.from(lines[i++], 'base64'));
  return { index: Number(m[1]), proof, checkpoint: lines.slice(i + 1).join('\n') };
}
