#!/usr/bin/env node
// What two bare Node hops cost on this machine: the bound under `latency_p50_ratio_vs_floor_*`.
// The same echo calls as bench/floor.mjs, against a bench/server.mjs upstream of each framing, go
//   floor             the keep-alive node:http client of bench/floor.mjs → upstream
//   bare_proxy        a line writer → Unix socket → a bare proxy → upstream
//   bare_relay_proxy  a line writer → stdio → a bare relay → Unix socket → the bare proxy → upstream
// The bare proxy does only what any proxy must (split lines, JSON.parse, one keep-alive POST per
// message, read the JSON or SSE answer, JSON.stringify, write a line): no handshake, no stages, no
// logs. The bare relay copies bytes both ways. `bare_relay_proxy` ÷ `floor` is what the connector +
// proxy pair could reach at best in Node; the Switchboard's own figure is judged against it.
//
//   node bench/hop-floor.mjs          (BENCH_CALLS, BENCH_WARMUP as for bench/run.mjs)
import { fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HttpFloorClient, LineClient } from './floor.mjs';
import { percentile, round, within } from './lib.mjs';

const SELF = fileURLToPath(import.meta.url);
const BENCH = path.dirname(SELF);
const int = (v, d) => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : d);

/** The bare proxy: one upstream session per connection, as the Switchboard's proxy has. */
function bareProxy(url, socketPath) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true });
  const answer = (sock, session, text) => {
    const m = JSON.parse(text);
    if (typeof m.result?.protocolVersion === 'string') session.version = m.result.protocolVersion;
    sock.write(JSON.stringify(m) + '\n');
  };
  const post = (sock, session, line) => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(line) };
    if (session.id) headers['mcp-session-id'] = session.id;
    if (session.version) headers['mcp-protocol-version'] = session.version;
    const req = http.request({ hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (res) => {
      if (typeof res.headers['mcp-session-id'] === 'string') session.id = res.headers['mcp-session-id'];
      if (res.statusCode === 202) return res.resume();
      res.setEncoding('utf8');
      let text = '';
      if (String(res.headers['content-type']).startsWith('application/json')) {
        res.on('data', (d) => (text += d));
        res.on('end', () => answer(sock, session, text));
        return;
      }
      res.on('data', (d) => {
        text += d;
        for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
          const data = text
            .slice(0, end)
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          text = text.slice(end + 2);
          if (data) answer(sock, session, data);
        }
      });
    });
    req.end(line);
  };
  net
    .createServer((sock) => {
      const session = {};
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('data', (d) => {
        buf += d;
        for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          JSON.parse(line); // as any proxy that looks at messages
          post(sock, session, line);
        }
      });
    })
    .listen(socketPath, () => process.send('listening'));
  process.on('disconnect', () => process.exit(0));
}

/** The bare relay: stdin to the socket, the socket to stdout. */
function bareRelay(socketPath) {
  const sock = net.connect(socketPath);
  process.stdin.on('data', (d) => sock.write(d));
  process.stdin.on('end', () => sock.end());
  sock.on('data', (d) => process.stdout.write(d));
  sock.on('close', () => process.exit(0));
}

async function measure(json, { calls, warmup, rounds }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-hop-'));
  const socketPath = path.join(dir, 'proxy.sock');
  const server = fork(path.join(BENCH, 'server.mjs'), json ? ['--json'] : [], { execArgv: [], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  const port = await within(
    new Promise((resolve) => server.stdout.on('data', (d) => ((out += d), /"port":(\d+)/.test(out) && resolve(/"port":(\d+)/.exec(out)[1])))),
    15_000,
    'upstream to listen',
  );
  const url = `http://127.0.0.1:${port}/mcp`;
  const proxy = fork(SELF, ['proxy', url, socketPath], { execArgv: [], stdio: 'inherit' });
  await within(new Promise((r) => proxy.once('message', r)), 15_000, 'bare proxy to listen');
  const relay = spawn(process.execPath, [SELF, 'relay', socketPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  const clients = { floor: new HttpFloorClient(url) };
  const sock = net.connect(socketPath);
  sock.setNoDelay(true);
  sock.setEncoding('utf8');
  clients.bare_proxy = new LineClient('bare_proxy', (line) => sock.write(line));
  sock.on('data', (d) => clients.bare_proxy.push(d));
  relay.stdout.setEncoding('utf8');
  clients.bare_relay_proxy = new LineClient('bare_relay_proxy', (line) => relay.stdin.write(line));
  relay.stdout.on('data', (d) => clients.bare_relay_proxy.push(d));
  try {
    for (const c of Object.values(clients)) await c.open();
    const kinds = Object.keys(clients);
    for (const k of kinds) for (let i = 0; i < warmup; i++) await clients[k].echo();
    const lat = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      const per = Math.floor(calls / rounds) + (r < calls % rounds ? 1 : 0);
      for (const k of kinds.map((_, i) => kinds[(i + r) % kinds.length])) {
        for (let i = 0; i < per; i++) {
          const t0 = performance.now();
          await clients[k].echo();
          lat[k].push(performance.now() - t0);
        }
      }
    }
    const tag = json ? 'json' : 'sse';
    const f = {};
    for (const k of kinds) f[`latency_ms_p50_${k}_${tag}`] = round(percentile(lat[k], 50), 3);
    f[`latency_p50_ratio_bare_proxy_vs_floor_${tag}`] = round(percentile(lat.bare_proxy, 50) / percentile(lat.floor, 50), 2);
    f[`latency_p50_ratio_bare_relay_proxy_vs_floor_${tag}`] = round(percentile(lat.bare_relay_proxy, 50) / percentile(lat.floor, 50), 2);
    return f;
  } finally {
    clients.floor.kill();
    sock.destroy();
    relay.stdin.end();
    proxy.disconnect();
    server.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const [role, ...args] = process.argv.slice(2);
if (role === 'proxy') bareProxy(args[0], args[1]);
else if (role === 'relay') bareRelay(args[0]);
else {
  const o = { calls: int(process.env.BENCH_CALLS, 300), warmup: int(process.env.BENCH_WARMUP, 30), rounds: 10 };
  for (const json of [false, true]) for (const [name, value] of Object.entries(await measure(json, o))) console.log(`${name} ${value}`);
}
