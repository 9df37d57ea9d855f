// mta-run.mjs - a local OpenSMTPD for bench/incident.sh (tests/js/mta.mjs starts it): prints
// {"url","maildir","pid"} on one line, then serves until SIGTERM or SIGINT, and stops it.
import { startMta } from '../tests/js/mta.mjs';

const m = await startMta();
process.stdout.write(`${JSON.stringify({ url: m.url, maildir: m.maildir, pid: m.pid })}\n`);
const keep = setInterval(() => {}, 1 << 30);
const stop = async () => { clearInterval(keep); await m.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
