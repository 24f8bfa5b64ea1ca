// The floor part of `npm run bench` (called by bench/run.mjs): what the two local hops cost, with
// no SDK on either side. For each upstream answer framing (SSE and JSON), in the same run and
// against the same upstream, the same JSON-RPC messages (initialize, initialized, then
// `tools/call echo` one at a time) go
//   floor            a minimal keep-alive node:http client → upstream (POST, reads the answer)
//   raw_switchboard  a minimal line writer → stdio → out/connector → Unix socket → proxy → upstream
//   raw_proxy_only   the same line writer → Unix socket (real handshake) → proxy → upstream
// `latency_p50_ratio_vs_floor_<framing>` is raw_switchboard ÷ floor (target ≤ 1.25; p99 ≤ 1.5).
// raw_proxy_only tells the connector's share from the proxy's. CPU time per call of the connector,
// the proxy and the host over the raw_switchboard calls moves much less than latency under load.
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundleForNode, cpuMs, exited, percentile, round, sleep, tail, within } from './lib.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const PROTOCOL_VERSION = '2025-06-18';

export const FLOOR_TARGETS = {
  latency_p50_ratio_vs_floor_sse: 1.25,
  latency_p99_ratio_vs_floor_sse: 1.5,
  latency_p50_ratio_vs_floor_json: 1.25,
  latency_p99_ratio_vs_floor_json: 1.5,
};

const initialize = (id) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'bench-floor', version: '1.0.0' } },
});
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
const echoCall = (id, message) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { message } } });

function checkEcho(name, answer, message) {
  const text = answer?.result?.content?.[0]?.text;
  if (text !== `echo: ${message}`) throw new Error(`${name}: unexpected echo answer ${JSON.stringify(answer).slice(0, 300)}`);
}

// ---- floor: keep-alive HTTP straight to the upstream ------------------------------------------

export class HttpFloorClient {
  name = 'floor';
  constructor(url) {
    this.url = new URL(url);
    this.agent = new http.Agent({ keepAlive: true });
    this.sessionId = undefined;
    this.version = undefined;
    this.seq = 0;
  }

  /** POSTs one message; resolves with the answer to `id` (JSON or the SSE event carrying it), or undefined on 202. */
  post(message, id) {
    const body = JSON.stringify(message);
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'content-length': Buffer.byteLength(body),
    };
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    if (this.version) headers['mcp-protocol-version'] = this.version;
    return new Promise((resolve, reject) => {
      const req = http.request(this.url, { method: 'POST', agent: this.agent, headers }, (res) => {
        const sid = res.headers['mcp-session-id'];
        if (typeof sid === 'string') this.sessionId = sid;
        if (res.statusCode === 202) {
          res.resume();
          return resolve(undefined);
        }
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`floor: HTTP ${res.statusCode}`));
        }
        res.setEncoding('utf8');
        let text = '';
        if (String(res.headers['content-type']).startsWith('application/json')) {
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve(JSON.parse(text)));
          return;
        }
        // SSE: the answer counts as soon as its event is complete (the stream ends right after).
        let done = false;
        res.on('data', (d) => {
          if (done) return;
          text += d;
          for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
            const event = text.slice(0, end);
            text = text.slice(end + 2);
            const data = event
              .split('\n')
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart())
              .join('\n');
            if (!data) continue;
            const msg = JSON.parse(data);
            if (msg.id === id && (msg.result || msg.error)) {
              done = true;
              return resolve(msg);
            }
          }
        });
        res.on('end', () => done || reject(new Error('floor: the event stream ended without the answer')));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async open() {
    const answer = await this.post(initialize(0), 0);
    this.version = answer?.result?.protocolVersion;
    if (!this.version || !this.sessionId) throw new Error(`floor: initialize failed: ${JSON.stringify(answer).slice(0, 300)}`);
    await this.post(INITIALIZED);
  }

  async echo() {
    const id = ++this.seq;
    const message = `floor-${id}`;
    checkEcho(this.name, await within(this.post(echoCall(id, message), id), 10_000, 'floor echo'), message);
  }

  kill() {
    this.agent.destroy();
  }

  async close() {
    await new Promise((resolve) => {
      const req = http.request(
        this.url,
        { method: 'DELETE', agent: this.agent, headers: { 'mcp-session-id': this.sessionId, 'mcp-protocol-version': this.version } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', resolve);
      req.end();
    });
    this.agent.destroy();
  }
}

// ---- raw: newline-delimited JSON-RPC over a byte stream ---------------------------------------

/** Writes one message a line and matches answer lines to requests by id. */
export class LineClient {
  constructor(name, write) {
    this.name = name;
    this.write = write;
    this.waiting = new Map();
    this.buf = '';
    this.seq = 0;
  }

  push(chunk) {
    this.buf += chunk;
    for (let nl = this.buf.indexOf('\n'); nl !== -1; nl = this.buf.indexOf('\n')) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (!line.trim()) continue;
      const msg = JSON.parse(line);
      const w = this.waiting.get(msg.id);
      if (w && msg.method === undefined) {
        this.waiting.delete(msg.id);
        w(msg);
      }
    }
  }

  request(message) {
    const answer = new Promise((resolve) => this.waiting.set(message.id, resolve));
    this.write(JSON.stringify(message) + '\n');
    return within(answer, 10_000, `${this.name} answer to ${message.method}`);
  }

  async open() {
    const answer = await this.request(initialize(0));
    if (!answer?.result?.protocolVersion) throw new Error(`${this.name}: initialize failed: ${JSON.stringify(answer).slice(0, 300)}`);
    this.write(JSON.stringify(INITIALIZED) + '\n');
  }

  async echo() {
    const id = ++this.seq;
    const message = `${this.name}-${id}`;
    checkEcho(this.name, await this.request(echoCall(id, message)), message);
  }
}

/** The line writer through the built connector, started as a client entry starts it. */
async function openRawSwitchboard({ connectorScript, connectorEnv, serverId }) {
  const child = spawn(process.execPath, [connectorScript, serverId], { env: connectorEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  const err = tail(child.stderr);
  child.stdout.setEncoding('utf8');
  const c = new LineClient('raw_switchboard', (line) => child.stdin.write(line));
  child.stdout.on('data', (d) => c.push(d));
  c.pid = child.pid;
  c.close = async () => {
    child.stdin.end();
    await Promise.race([exited(child), sleep(5000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  c.kill = () => child.exitCode === null && child.kill('SIGKILL');
  try {
    await within(c.open(), 20_000, 'raw_switchboard to initialize');
  } catch (e) {
    c.kill();
    throw new Error(`${e.message}\nconnector stderr:\n${err()}`, { cause: e });
  }
  return c;
}

/** The line writer straight on the proxy's socket (the real handshake, no connector). */
async function openRawProxy(connectProxy, { connectorEnv, serverId }) {
  const { socket, rest } = await connectProxy(serverId, connectorEnv);
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  const c = new LineClient('raw_proxy_only', (line) => socket.write(line));
  socket.on('data', (d) => c.push(d));
  if (rest.length) c.push(rest.toString('utf8'));
  c.close = async () => {
    const gone = new Promise((r) => socket.once('close', r));
    socket.end();
    await Promise.race([gone, sleep(3000)]);
    socket.destroy();
  };
  c.kill = () => socket.destroy();
  await within(c.open(), 20_000, 'raw_proxy_only to initialize');
  return c;
}

async function bundleSocketHelper(tmp) {
  const outfile = await bundleForNode(ROOT, path.join(BENCH, 'floor-socket.ts'), path.join(tmp, 'floor-socket.cjs'));
  return createRequire(import.meta.url)(outfile).connectProxy;
}

// ---- the run ---------------------------------------------------------------------------------

/**
 * @param {object} o
 * @param {{ tag: 'sse' | 'json', url: string, serverId: string, proxyPid: number }[]} o.upstreams one per framing
 * @param {Set<{ close(): Promise<void>, kill(): void }>} [o.live] the run's bookkeeping: open clients are in it
 * @returns {Promise<Record<string, number | null>>} the figures, in print order
 */
export async function runFloorBench({ log, upstreams, connectorScript, connectorEnv, hostPid, tmp, calls, warmup, rounds, live }) {
  const connectProxy = await bundleSocketHelper(tmp);
  const f = {};
  for (const { tag, url, serverId, proxyPid } of upstreams) {
    log(`floor (${tag.toUpperCase()} answers): ${warmup} warm-up + ${calls} calls per path, no SDK`);
    const ctx = { connectorScript, connectorEnv, serverId };
    const clients = {};
    const opened = (name, c) => {
      live?.add(c);
      clients[name] = c;
    };
    opened('floor', new HttpFloorClient(url));
    opened('raw_switchboard', await openRawSwitchboard(ctx));
    opened('raw_proxy_only', await openRawProxy(connectProxy, ctx));
    await clients.floor.open();
    const kinds = Object.keys(clients);
    for (const k of kinds) for (let i = 0; i < warmup; i++) await clients[k].echo();
    const lat = Object.fromEntries(kinds.map((k) => [k, []]));
    const roles = { connector: clients.raw_switchboard.pid, proxy: proxyPid, host: hostPid };
    const cpu = Object.fromEntries(Object.keys(roles).map((r) => [r, 0]));
    const n = Math.min(rounds, calls);
    for (let r = 0; r < n; r++) {
      const per = Math.floor(calls / n) + (r < calls % n ? 1 : 0);
      for (const k of kinds.map((_, i) => kinds[(i + r) % kinds.length])) {
        const before = k === 'raw_switchboard' ? Object.fromEntries(Object.entries(roles).map(([role, pid]) => [role, cpuMs(pid) ?? NaN])) : undefined;
        for (let i = 0; i < per; i++) {
          const t0 = performance.now();
          await clients[k].echo();
          lat[k].push(performance.now() - t0);
        }
        if (before) for (const [role, pid] of Object.entries(roles)) cpu[role] += (cpuMs(pid) ?? NaN) - before[role];
      }
    }
    for (const c of Object.values(clients)) {
      live?.delete(c);
      await c.close();
    }

    const p = (k, q) => percentile(lat[k], q);
    for (const k of kinds) {
      f[`latency_ms_p50_${k}_${tag}`] = round(p(k, 50), 3);
      f[`latency_ms_p99_${k}_${tag}`] = round(p(k, 99), 3);
    }
    f[`latency_hops_added_ms_p50_${tag}`] = round(p('raw_switchboard', 50) - p('floor', 50), 3);
    f[`latency_proxy_added_ms_p50_${tag}`] = round(p('raw_proxy_only', 50) - p('floor', 50), 3);
    for (const [role, ms] of Object.entries(cpu)) f[`cpu_us_per_call_raw_switchboard_${tag}_${role}`] = round((ms * 1000) / lat.raw_switchboard.length, 0);
    f[`latency_p50_ratio_vs_floor_${tag}`] = round(p('raw_switchboard', 50) / p('floor', 50), 2);
    f[`latency_p99_ratio_vs_floor_${tag}`] = round(p('raw_switchboard', 99) / p('floor', 99), 2);
  }
  return f;
}
