/**
 * The patient's card, as the simulation and demo derive it (DESIGN.md,
 * src/crypto/card.h), written independently of the C code: seed =
 * BLAKE2b-256(key = cards.key, message = the NIR), Ed25519 from that seed,
 * and the proof header "v2.<t>.<base64url(nonce)>.<base64url(signature)>"
 * over "vigie-card-proof-v2\n<rpps>\n<nir>\n<t>\n<base64url(nonce)>\n", with a
 * random 16-byte nonce.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { blake2b } from '@noble/hashes/blake2b';
import { serviceNowS } from './clock.mjs';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The demo card master secret of data directory data: beside it, never inside (vigie seed). */
export const cardsKeyPath = (data) => `${data.replace(/\/+$/, '')}-cards.key`;
export const readCardsKey = (data) => fs.readFileSync(cardsKeyPath(data));

/** The card's private key (a node KeyObject) for a NIR. */
export function cardKey(master, nir) {
  const seed = Buffer.from(blake2b(Buffer.from(nir, 'ascii'), { key: master, dkLen: 32 }));
  return crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

/** A Vigie-Card-Proof header value for (rpps, nir) at unix time t (nonce: 16 bytes, random by default). */
export function cardProof(master, rpps, nir, t = serviceNowS(), nonce = crypto.randomBytes(16)) {
  const n = Buffer.from(nonce).toString('base64url');
  const msg = Buffer.from(`vigie-card-proof-v2\n${rpps}\n${nir}\n${t}\n${n}\n`, 'ascii');
  return `v2.${t}.${n}.${crypto.sign(null, msg, cardKey(master, nir)).toString('base64url')}`;
}
