// haproxy.mjs - a real HAProxy (Debian's) in front of a vigie server for the
// integration tests: HTTP mode on a free loopback port, `option forwardfor`
// (it appends the address it received each request from to
// X-Forwarded-For, as deployments do), one backend: the server.
//
//   const px = await startHaproxy(server.port);
//   const r = await viaProxy(px, '127.0.0.10', 'POST', '/auth/pro/login', { body });
//   await px.stop();
//
// Clients come from distinct loopback addresses (all of 127.0.0.0/8 is
// loopback on Linux): the proxy sees each as its own client, and talks to
// vigie from 127.0.0.1. Stopped by PID; killed if the test process exits.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export const HAPROXY = process.env.VIGIE_HAPROXY ?? '/usr/sbin/haproxy';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

export async function startHaproxy(backendPort, dir) {
  const port = await freePort();
  const cfg = path.join(dir, `haproxy-${port}.cfg`);
  fs.writeFileSync(cfg, [
    'global',
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend fe',
    `  bind 127.0.0.1:${port}`,
    '  option forwardfor',
    '  default_backend be',
    'backend be',
    `  server vigie 127.0.0.1:${backendPort}`,
    '',
  ].join('\n'));
  const proc = spawn(HAPROXY, ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  const err = [];
  proc.stderr.on('data', (b) => err.push(b));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const killer = () => { try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ } };
  process.on('exit', killer);
  let dead = false;
  exited.then(() => { dead = true; });
  const t0 = Date.now();
  while (!(await canConnect(port))) {
    if (dead || Date.now() - t0 > 10_000) {
      killer();
      throw new Error(`haproxy did not start\n${Buffer.concat(err)}`);
    }
    await sleep(50);
  }
  return {
    port, pid: proc.pid,
    async stop() {
      try { process.kill(proc.pid, 'SIGTERM'); } catch { /* gone */ }
      const t = setTimeout(killer, 5000);
      const r = await exited;
      clearTimeout(t);
      process.off('exit', killer);
      return r;
    },
  };
}

/**
 * One request through the proxy (or straight to a server: {port}) from the
 * loopback address `from`; resolves {status, headers, text, json}.
 */
export function viaProxy(px, from, method, p, { body, headers = {}, token } = {}) {
  const h = { ...headers };
  let b;
  if (body !== undefined) {
    b = typeof body === 'string' ? body : JSON.stringify(body);
    h['content-type'] ??= 'application/json';
    h['content-length'] = Buffer.byteLength(b);
  }
  if (token) h.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: px.port, localAddress: from, method, path: p, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        const hs = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const x of [].concat(v)) hs.append(k, x);
        resolve({ status: res.statusCode, headers: hs, text, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    if (b !== undefined) req.write(b);
    req.end();
  });
}
