// gen_events.mjs N OUT - N replay events (DESIGN.md's format) for `vigie replay`:
// 500 professionals seeing their patients, most with a card, in opening hours,
// plus a few stolen accounts: sequential NIRs, random NIRs, a leaked list.
import fs from 'node:fs';

const n = Number(process.argv[2] ?? 2_000_000);
const out = fs.createWriteStream(process.argv[3] ?? 'events.jsonl');
let seed = 1;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const key = (s13) => String(97n - (BigInt(s13) % 97n)).padStart(2, '0');
const nir = (k) => { const s = `1${String(50 + (k % 40)).padStart(2, '0')}${String(1 + (k % 12)).padStart(2, '0')}75${String(100 + (k % 900)).padStart(3, '0')}${String(1 + (k % 999)).padStart(3, '0')}`; return s + key(s); };
const pros = Array.from({ length: 520 }, (_, i) => String(10000000000 + i * 7));
let t = 1763971200; // a Monday, 09:00 in Paris
const lines = [];
for (let i = 0; i < n; i++) {
  t += rnd() < 0.5 ? 0 : 1;
  const p = Math.floor(rnd() * pros.length);
  const stolen = p >= 500;
  const seq = stolen && p < 505;
  const k = seq ? i : Math.floor(rnd() * (stolen ? 1e6 : 5000)) + p * 5000;
  lines.push(JSON.stringify({ t, rpps: pros[p], nir: nir(k), card: !stolen && rnd() < 0.85, ip: `10.0.${p % 256}.${1 + (p >> 8)}`, ua: 'vigie-bench' }));
  if (lines.length === 10000) { out.write(lines.join('\n') + '\n'); lines.length = 0; }
}
out.write(lines.join('\n') + (lines.length ? '\n' : ''));
out.end();
