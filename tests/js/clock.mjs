/**
 * The service clock of the servers a test file starts (DEVELOPERS rule 4:
 * time is an input). By default it is the system clock; a file whose
 * assertions depend on the hour pins it with pinClock('2026-12-01T15:00:00+01:00')
 * before it starts a server: every server it starts then runs `vigie serve
 * --clock-offset S` from that instant on, and the TOTP codes and card proofs
 * the helpers make follow the same clock.
 */
let offsetS = 0;

/** Pin the service clock to an instant (an ISO 8601 string with its zone, or unix ms). */
export function pinClock(when) {
  const target = typeof when === 'number' ? when : Date.parse(when);
  if (!Number.isFinite(target)) throw new Error(`pinClock: not an instant: ${when}`);
  offsetS = Math.round((target - Date.now()) / 1000);
  return offsetS;
}

/** Seconds the service clock runs ahead of the system clock (0 unless pinned). */
export const clockOffsetS = () => offsetS;
/** The service clock, unix milliseconds. */
export const serviceNowMs = () => Date.now() + offsetS * 1000;
/** The service clock, unix seconds (integer). */
export const serviceNowS = () => Math.floor(serviceNowMs() / 1000);
