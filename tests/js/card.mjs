/**
 * The patient's card, as the simulation and demo derive it (DESIGN.md,
 * src/crypto/card.h), written independently of the C code: seed =
 * BLAKE2b-256(key = cards.key, message = the NIR), Ed25519 from that seed,
 * and the proof header "v1.<t>.<base64url(signature)>" over
 * "vigie-card-proof-v1\n<rpps>\n<nir>\n<t>\n".
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { blake2b } from '@noble/hashes/blake2b';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export const readCardsKey = (data) => fs.readFileSync(path.join(data, 'cards.key'));

/** The card's private key (a node KeyObject) for a NIR. */
export function cardKey(master, nir) {
  const seed = Buffer.from(blake2b(Buffer.from(nir, 'ascii'), { key: master, dkLen: 32 }));
  return crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

/** A Vigie-Card-Proof header value for (rpps, nir) at unix time t. */
export function cardProof(master, rpps, nir, t = Math.floor(Date.now() / 1000)) {
  const msg = Buffer.from(`vigie-card-proof-v1\n${rpps}\n${nir}\n${t}\n`, 'ascii');
  return `v1.${t}.${crypto.sign(null, msg, cardKey(master, nir)).toString('base64url')}`;
}
