#!/usr/bin/env node
// MCP Switchboard benchmark: latency, cold start and memory of the connector + proxy path against
// a direct SDK client and against mcp-remote, all measured in one run against the same local
// upstream (bench/server.mjs), then the floor: the same messages with no SDK (bench/floor.mjs).
// See bench/README.md for what each figure means.
//
//   npm run bench                     (builds, then runs this file)
//   node bench/run.mjs                (uses the existing out/; builds the cli entries if missing)
//
// Environment knobs: BENCH_CALLS (300), BENCH_WARMUP (30), BENCH_FLOOR_WARMUP (300), BENCH_COLD_RUNS (10), BENCH_SESSIONS (10),
// BENCH_SOAK_SECONDS (120; 600 is the 10-minute soak), BENCH_SOAK_MAX_REQUESTS, BENCH_SOAK_CONCURRENCY (8),
// BENCH_THROUGHPUT_SECONDS (10), see bench/soak.mjs;
// BENCH_JSON_UPSTREAM=1 (upstream answers with application/json instead of SSE), BENCH_FLOOR=only
// (just the floor section, saved as bench/results/floor-<timestamp>.json),
// BENCH_PROXY_SCRIPT / BENCH_CONNECTOR_SCRIPT (variant builds), BENCH_PROXY_EXEC_ARGV (JSON array of
// Node flags for the proxy), BENCH_CPU_PROF=<dir> (CPU profiles of proxy, connector, mcp-remote).
// Progress goes to stderr; figures go to stdout as `name value`, one a line, and to
// bench/results/<timestamp>.json and bench/results/latest.json.
import { fork, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { bundleForNode, cpuMs, exited, mean, percentile, round, rssAnonMb, rssMb, sleep, tail, within } from './lib.mjs';
import { runSoak, SOAK_CONFIG } from './soak.mjs';
import { LOGVIEW_BUDGET_MS, runLogviewBench } from './logview.mjs';
import { FLOOR_TARGETS, runFloorBench } from './floor.mjs';
import { ON_DEMAND_TARGETS, runOnDemandBench } from './on-demand.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
// Overridable to A/B a variant build of either entry against the same baselines.
const PROXY_SCRIPT = path.resolve(process.env.BENCH_PROXY_SCRIPT || path.join(ROOT, 'out/proxy/index.js'));
const CONNECTOR_SCRIPT = path.resolve(process.env.BENCH_CONNECTOR_SCRIPT || path.join(ROOT, 'out/connector/index.js'));
/** BENCH_CPU_PROF=<dir>: the proxy and the long-lived connector and mcp-remote write .cpuprofile files there. */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const profArgs = (tag) => (CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(CPU_PROF_DIR, tag)}`] : []);
/** BENCH_PROXY_EXEC_ARGV='["--max-semi-space-size=1"]': Node flags for the proxy child (experiments). */
const PROXY_EXEC_ARGV = [...JSON.parse(process.env.BENCH_PROXY_EXEC_ARGV || '[]'), ...profArgs('proxy')];
const require = createRequire(import.meta.url);
const MCP_REMOTE_BIN = (() => {
  const pkgPath = require.resolve('mcp-remote/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['mcp-remote'];
  return { path: path.join(path.dirname(pkgPath), bin), version: pkg.version };
})();

const int = (v, d) => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : d);
const CONFIG = {
  calls: int(process.env.BENCH_CALLS, 300),
  warmup: int(process.env.BENCH_WARMUP, 30),
  floorWarmup: int(process.env.BENCH_FLOOR_WARMUP, 300),
  rounds: 10,
  coldRuns: int(process.env.BENCH_COLD_RUNS, 10),
  sessions: int(process.env.BENCH_SESSIONS, 10),
  settleMs: 1500,
  jsonUpstream: process.env.BENCH_JSON_UPSTREAM === '1',
  ...SOAK_CONFIG,
};
const DEADLINE_MS = 5 * 60_000 + (SOAK_CONFIG.soakSeconds + 2 * SOAK_CONFIG.throughputSeconds) * 1000 + LOGVIEW_BUDGET_MS;
const TARGETS = {
  latency_p50_ratio_vs_direct: 1.2,
  latency_p99_ratio_vs_direct: 1.5,
  coldstart_ratio_vs_mcp_remote: 0.25,
  proxy_rss_ratio_idle_vs_mcp_remote: 0.4,
  ...FLOOR_TARGETS,
};

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// ---- bookkeeping: everything started here is stopped here ---------------------------------

/** @type {Set<{ name: string, close(): Promise<void>, kill(): void }>} */
const live = new Set();
let tmp;
let hostChild;
let serverChild;
/** The second upstream of the floor bench (the other answer framing). */
let floorServerChild;

function killChild(child) {
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Last resort (error, deadline, Ctrl+C): kill what we started, by pid, and remove temp files. */
function emergencyCleanup() {
  for (const s of live) s.kill();
  live.clear();
  if (hostChild?.connected) hostChild.disconnect(); // the host stops its proxies when the channel closes
  setTimeout(() => killChild(hostChild), 3000).unref();
  killChild(serverChild);
  killChild(floorServerChild);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

// ---- the pieces ------------------------------------------------------------------------

function ensureBuilt() {
  if (fs.existsSync(PROXY_SCRIPT) && fs.existsSync(CONNECTOR_SCRIPT)) return;
  log('out/ has no proxy or connector; building the node entries (node scripts/build.mjs --only=cli)');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--only=cli'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

function bundleHost(outDir) {
  return bundleForNode(ROOT, path.join(BENCH, 'host.ts'), path.join(outDir, 'host.js'));
}

async function startServer() {
  serverChild = forkServer(CONFIG.jsonUpstream);
  return serverUrl(serverChild);
}

function forkServer(json) {
  return fork(path.join(BENCH, 'server.mjs'), json ? ['--json'] : [], { cwd: ROOT, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
}

async function serverUrl(child) {
  const err = tail(child.stderr);
  let out = '';
  const port = await within(
    new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /\{"port":(\d+)\}/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`upstream server exited (${code}): ${err()}`)));
    }),
    15_000,
    'upstream server to listen',
  );
  return `http://127.0.0.1:${port}/mcp`;
}

async function startHost(hostJs, home, dataDir) {
  hostChild = fork(hostJs, [], {
    cwd: ROOT,
    execArgv: [],
    env: {
      HOME: home,
      MCP_SWITCHBOARD_HOME: dataDir,
      BENCH_PROXY_SCRIPT: PROXY_SCRIPT,
      PATH: process.env.PATH ?? '',
      ...(PROXY_EXEC_ARGV.length ? { BENCH_PROXY_EXEC_ARGV: JSON.stringify(PROXY_EXEC_ARGV) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const err = tail(hostChild.stderr);
  hostChild.stdout.resume();
  hostChild.once('exit', (code, signal) => {
    if (!stopping) log(`host exited unexpectedly (${code ?? signal}): ${err()}`);
  });
  await hostAnswer('started', 20_000);
}

let stopping = false;

/** The next message of `type` from the host (or its error). */
function hostAnswer(type, ms) {
  return within(
    new Promise((resolve, reject) => {
      const onMsg = (m) => {
        if (m?.type === type) {
          hostChild.off('message', onMsg);
          resolve(m);
        } else if (m?.type === 'error') {
          hostChild.off('message', onMsg);
          reject(new Error(`host: ${m.message}`));
        }
      };
      hostChild.on('message', onMsg);
    }),
    ms,
    `host to answer ${type}`,
  );
}

async function stopHost() {
  stopping = true;
  if (!hostChild || hostChild.exitCode !== null) return;
  const done = exited(hostChild);
  if (hostChild.connected) hostChild.send({ type: 'stop' });
  await Promise.race([done, sleep(8000)]);
  killChild(hostChild);
}

async function stopServer(child = serverChild) {
  if (!child || child.exitCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  await Promise.race([done, sleep(3000)]);
  killChild(child);
}

// ---- the floor (bench/floor.mjs) -----------------------------------------------------------

/**
 * The hops without any SDK, for SSE and for JSON answers: the run's own upstream and proxy, and a
 * second bench/server.mjs with the other framing, added to the host as a server of its own.
 */
async function measureFloor(ctx, proxyPid) {
  const own = { tag: CONFIG.jsonUpstream ? 'json' : 'sse', url: ctx.url, serverId: ctx.serverId, proxyPid };
  floorServerChild = forkServer(!CONFIG.jsonUpstream);
  const url = await serverUrl(floorServerChild);
  hostChild.send({ type: 'add', url });
  const added = await hostAnswer('ready', 30_000);
  const other = { tag: CONFIG.jsonUpstream ? 'sse' : 'json', url, serverId: added.id, proxyPid: added.proxyPid };
  const figures = await runFloorBench({
    log,
    upstreams: CONFIG.jsonUpstream ? [other, own] : [own, other],
    connectorScript: CONNECTOR_SCRIPT,
    connectorEnv: ctx.connectorEnv,
    hostPid: hostChild.pid,
    tmp,
    calls: CONFIG.calls,
    // The floor's second framing runs on a proxy and an upstream started for it: a longer warm-up
    // brings both framings' paths to the same JIT state as the main run's long-lived proxy.
    warmup: CONFIG.floorWarmup,
    rounds: CONFIG.rounds,
    live,
  });
  await stopServer(floorServerChild);
  return figures;
}

// ---- MCP sessions ------------------------------------------------------------------------

/**
 * One MCP client session over one of the three paths:
 *   direct       SDK client → StreamableHTTPClientTransport → upstream
 *   switchboard  SDK client → stdio → connector → Unix socket → proxy → upstream
 *   mcp-remote   SDK client → stdio → mcp-remote → upstream
 */
async function openSession(kind, ctx, { profile = false } = {}) {
  const prof = profile ? profArgs(kind) : [];
  const client = new Client({ name: 'bench-client', version: '1.0.0' }, { capabilities: {} });
  let transport;
  let stderr = () => '';
  if (kind === 'direct') {
    transport = new StreamableHTTPClientTransport(new URL(ctx.url));
  } else if (kind === 'switchboard') {
    transport = new StdioClientTransport({ command: process.execPath, args: [...prof, CONNECTOR_SCRIPT, ctx.serverId], env: ctx.connectorEnv, stderr: 'pipe' });
  } else {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [...prof, MCP_REMOTE_BIN.path, ctx.url, '--allow-http'],
      env: ctx.remoteEnv,
      stderr: 'pipe',
    });
  }
  if (kind !== 'direct') stderr = tail(transport.stderr);
  const session = {
    name: kind,
    client,
    transport,
    get pid() {
      return kind === 'direct' ? undefined : transport.pid;
    },
    async close() {
      live.delete(session);
      if (kind === 'direct')
        await within(
          transport.terminateSession().catch(() => {}),
          3000,
          'DELETE',
        ).catch(() => {});
      await within(client.close(), 8000, `${kind} close`).catch((e) => log(e.message));
    },
    kill() {
      if (kind !== 'direct' && transport.pid) {
        try {
          process.kill(transport.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    },
  };
  live.add(session);
  try {
    await within(client.connect(transport), 20_000, `${kind} to connect`);
  } catch (err) {
    session.kill();
    live.delete(session);
    throw new Error(`${err.message}${stderr() ? `\n${kind} stderr:\n${stderr()}` : ''}`, { cause: err });
  }
  return session;
}

let echoSeq = 0;
async function echo(session) {
  const message = `ping-${++echoSeq}`;
  const res = await within(session.client.callTool({ name: 'echo', arguments: { message } }), 10_000, `${session.name} echo`);
  const text = res?.content?.[0]?.text;
  if (text !== `echo: ${message}`) throw new Error(`${session.name}: unexpected echo answer ${JSON.stringify(res).slice(0, 300)}`);
}

/** Client spawn → first tools/list answer (initialize + initialized + tools/list), then close. */
async function coldStart(kind, ctx) {
  const t0 = performance.now();
  const s = await openSession(kind, ctx);
  const tools = await within(s.client.listTools(), 10_000, `${kind} tools/list`);
  const ms = performance.now() - t0;
  if (!tools.tools.some((t) => t.name === 'echo')) throw new Error(`${kind}: tools/list has no echo tool`);
  await s.close();
  return ms;
}

/** durationMs of the proxy's `<method> ok` log events (JSONL written by the app's log store). */
function readProxyDurations(file, method) {
  const out = [];
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.includes(`"${method} ok"`)) continue;
    try {
      const e = JSON.parse(line);
      if (typeof e.durationMs === 'number') out.push(e.durationMs);
    } catch {
      // a torn last line
    }
  }
  return out;
}

/** Bare `node -e ''` spawn → exit: the floor under any cold start of a Node-based relay. */
async function bareNodeStart() {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await within(exited(child), 10_000, 'node -e ""');
  return performance.now() - t0;
}

/**
 * The floor under any Node process's RSS: a bare Node forked with an IPC channel, as the supervisor
 * forks a proxy, that loads nothing. Most of it is the Node binary's own pages (RssFile).
 */
async function bareNodeRss() {
  const code = "process.on('message', () => {}); setInterval(() => {}, 60_000);";
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  try {
    await sleep(300);
    return { rss: await settledRss(child.pid), anon: rssAnonMb(child.pid) };
  } finally {
    killChild(child);
  }
}

/** RSS read a few times after a pause, median (RSS of an idle process barely moves). */
async function settledRss(pid) {
  await sleep(CONFIG.settleMs);
  const reads = [];
  for (let i = 0; i < 3; i++) {
    const v = rssMb(pid);
    if (v !== undefined) reads.push(v);
    await sleep(100);
  }
  return reads.length ? percentile(reads, 50) : NaN;
}

// ---- the run -----------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const loadStart = os.loadavg()[0];
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  const home = path.join(tmp, 'home');
  const dataDir = path.join(home, 'data');
  fs.mkdirSync(home, { recursive: true });

  log(`node ${process.version}, ${os.cpus().length} CPUs, mcp-remote ${MCP_REMOTE_BIN.version}; ${CONFIG.calls} calls after ${CONFIG.warmup} warm-up per path`);
  if (CPU_PROF_DIR) fs.mkdirSync(CPU_PROF_DIR, { recursive: true });
  const hostJs = await bundleHost(tmp);
  const url = await startServer();
  log(`upstream at ${url}${CONFIG.jsonUpstream ? ' (JSON answers)' : ' (SSE answers)'}`);

  // ---- issue 19: proxies on demand (bench/on-demand.mjs), on hosts and data directories of its own ----
  const onDemand = ON_DEMAND === 'skip' || FLOOR === 'only' ? undefined : await runOnDemandSection(hostJs, url, home);
  if (ON_DEMAND === 'only') return writeSectionOnly('on-demand', onDemand.figures, ON_DEMAND_TARGETS, started, onDemand.samples);
  // ---- end of issue 19's section ----

  await startHost(hostJs, home, dataDir);
  hostChild.send({ type: 'add', url });
  const { id: serverId, proxyPid } = await hostAnswer('ready', 30_000);
  log(`proxy for ${serverId} ready, pid ${proxyPid}`);

  const ctx = {
    url,
    serverId,
    connectorEnv: {
      HOME: home,
      MCP_SWITCHBOARD_HOME: dataDir,
      PATH: process.env.PATH ?? '',
      MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS: '10000',
      // Never start a second app host from the bench: the proxy is already running.
      MCP_SWITCHBOARD_APP_COMMAND: JSON.stringify([process.execPath, '-e', '']),
    },
    remoteEnv: { HOME: home, MCP_REMOTE_CONFIG_DIR: path.join(tmp, 'mcp-auth'), PATH: process.env.PATH ?? '' },
  };
  if (FLOOR === 'only') return writeSectionOnly('floor', await measureFloor(ctx, proxyPid), FLOOR_TARGETS, started);
  const f = {}; // figures, in print order

  // 1. Idle proxy memory: listening, health probe done, no client yet.
  const proxyIdle = await settledRss(proxyPid);
  const proxyIdleAnon = rssAnonMb(proxyPid);
  const bareRss = await bareNodeRss();

  // 2. Cold start. One discarded warm-up each (disk cache), then alternating runs.
  log(`cold start: ${CONFIG.coldRuns} runs each`);
  const bare = [];
  const cold = { switchboard: [], 'mcp-remote': [] };
  await bareNodeStart();
  await coldStart('switchboard', ctx);
  await coldStart('mcp-remote', ctx);
  for (let i = 0; i < CONFIG.coldRuns; i++) {
    bare.push(await bareNodeStart());
    const order = i % 2 ? ['mcp-remote', 'switchboard'] : ['switchboard', 'mcp-remote'];
    for (const kind of order) {
      cold[kind].push(await coldStart(kind, ctx));
      await sleep(50); // let the proxy finish closing the previous upstream session
    }
  }

  // 3. One long-lived session per path; memory with one session each.
  const sessions = {};
  for (const kind of ['direct', 'switchboard', 'mcp-remote']) {
    sessions[kind] = await openSession(kind, ctx, { profile: true });
    await sessions[kind].client.listTools();
    for (let i = 0; i < 3; i++) await echo(sessions[kind]);
  }
  const remoteRss = await settledRss(sessions['mcp-remote'].pid);
  const remoteAnon = rssAnonMb(sessions['mcp-remote'].pid);
  const connectorRss = rssMb(sessions.switchboard.pid);
  const proxyOneSession = rssMb(proxyPid);

  // 4. Latency: warm-up, then rounds that rotate the order of the paths so drift hits all three.
  log(`latency: ${CONFIG.warmup} warm-up + ${CONFIG.calls} calls per path`);
  const kinds = ['direct', 'switchboard', 'mcp-remote'];
  for (const kind of kinds) for (let i = 0; i < CONFIG.warmup; i++) await echo(sessions[kind]);
  const lat = { direct: [], switchboard: [], 'mcp-remote': [] };
  // CPU time each process of a path spends on its calls: unlike latency, barely moved by other
  // load on the machine. 'self' is this process (the MCP client).
  const roles = {
    direct: { client: 'self', server: serverChild.pid },
    switchboard: { client: 'self', connector: sessions.switchboard.pid, proxy: proxyPid, host: hostChild.pid, server: serverChild.pid },
    'mcp-remote': { client: 'self', 'mcp-remote': sessions['mcp-remote'].pid, server: serverChild.pid },
  };
  const cpuNow = (kind) =>
    Object.fromEntries(
      Object.entries(roles[kind]).map(([role, pid]) => {
        if (pid !== 'self') return [role, cpuMs(pid) ?? NaN];
        const u = process.cpuUsage();
        return [role, (u.user + u.system) / 1000];
      }),
    );
  const cpu = Object.fromEntries(kinds.map((k) => [k, Object.fromEntries(Object.keys(roles[k]).map((r) => [r, 0]))]));
  const rounds = Math.min(CONFIG.rounds, CONFIG.calls);
  for (let r = 0; r < rounds; r++) {
    const per = Math.floor(CONFIG.calls / rounds) + (r < CONFIG.calls % rounds ? 1 : 0);
    const order = kinds.map((_, i) => kinds[(i + r) % kinds.length]);
    for (const kind of order) {
      const before = cpuNow(kind);
      for (let i = 0; i < per; i++) {
        const t0 = performance.now();
        await echo(sessions[kind]);
        lat[kind].push(performance.now() - t0);
      }
      const after = cpuNow(kind);
      for (const role of Object.keys(after)) cpu[kind][role] += after[role] - before[role];
    }
  }
  for (const s of Object.values(sessions)) await s.close();

  // 5. Memory with N concurrent connector sessions on the one proxy; the same N through mcp-remote.
  log(`memory: ${CONFIG.sessions} concurrent sessions per path`);
  const many = await Promise.all(Array.from({ length: CONFIG.sessions }, () => openSession('switchboard', ctx)));
  await Promise.all(many.map(async (s) => (await s.client.listTools(), await echo(s))));
  const proxyManySessions = await settledRss(proxyPid);
  const connectorsTotal = many.reduce((sum, s) => sum + (rssMb(s.pid) ?? 0), 0);
  await Promise.all(many.map((s) => s.close()));
  const remotes = await Promise.all(Array.from({ length: CONFIG.sessions }, () => openSession('mcp-remote', ctx)));
  await Promise.all(remotes.map(async (s) => (await s.client.listTools(), await echo(s))));
  await sleep(CONFIG.settleMs);
  const remotesTotal = remotes.reduce((sum, s) => sum + (rssMb(s.pid) ?? 0), 0);
  await Promise.all(remotes.map((s) => s.close()));

  // 6. Soak (stable memory over a long bounded run) and throughput vs direct: bench/soak.mjs.
  Object.assign(f, await runSoak({ openSession: (kind) => openSession(kind, ctx), echo, proxyPid, log }));

  // 7. Log viewer: 100,000 lines appended to the built renderer in Chromium, then scrolled: bench/logview.mjs.
  Object.assign(f, await runLogviewBench({ log, rendererRoot: path.join(ROOT, 'out'), optional: true }));

  // 8. The floor: the same messages with no SDK, straight to the upstream and through the hops: bench/floor.mjs.
  Object.assign(f, await measureFloor(ctx, proxyPid));

  // The proxy must have served the whole run without a restart, or the memory figures lie.
  hostChild.send({ type: 'pid', id: serverId });
  const after = await hostAnswer('pid', 5000);
  if (after.proxyPid !== proxyPid) throw new Error(`the proxy restarted during the run (pid ${proxyPid} → ${after.proxyPid}, state ${after.state})`);
  const proxyAfter = rssMb(proxyPid);
  // The proxy's own view of each tools/call (request in → answer from upstream), from its log.
  const upstreamMs = readProxyDurations(path.join(dataDir, 'logs', `${serverId}.log`), 'tools/call');

  if (onDemand) Object.assign(f, onDemand.figures);

  // ---- figures ----
  const p = (kind, q) => percentile(lat[kind], q);
  f.latency_ms_p50_direct = round(p('direct', 50), 3);
  f.latency_ms_p99_direct = round(p('direct', 99), 3);
  f.latency_ms_p50_switchboard = round(p('switchboard', 50), 3);
  f.latency_ms_p99_switchboard = round(p('switchboard', 99), 3);
  f.latency_ms_p50_mcp_remote = round(p('mcp-remote', 50), 3);
  f.latency_ms_p99_mcp_remote = round(p('mcp-remote', 99), 3);
  f.latency_ms_mean_direct = round(mean(lat.direct), 3);
  f.latency_ms_mean_switchboard = round(mean(lat.switchboard), 3);
  f.latency_ms_mean_mcp_remote = round(mean(lat['mcp-remote']), 3);
  f.latency_added_ms_p50 = round(p('switchboard', 50) - p('direct', 50), 3);
  f.proxy_upstream_ms_p50 = round(percentile(upstreamMs, 50), 2);
  f.latency_mcp_remote_p50_ratio_vs_direct = round(p('mcp-remote', 50) / p('direct', 50), 2);
  for (const kind of kinds) {
    const tag = kind.replace('-', '_');
    const perCall = (ms) => round((ms * 1000) / lat[kind].length, 0);
    f[`cpu_us_per_call_${tag}`] = perCall(Object.values(cpu[kind]).reduce((a, b) => a + b, 0));
    for (const [role, ms] of Object.entries(cpu[kind])) f[`cpu_us_per_call_${tag}_${role.replace('-', '_')}`] = perCall(ms);
  }
  f.node_bare_start_ms_p50 = round(percentile(bare, 50), 1);
  f.coldstart_ms_p50_mcp_remote = round(percentile(cold['mcp-remote'], 50), 1);
  f.coldstart_ms_p90 = round(percentile(cold.switchboard, 90), 1);
  f.connector_rss_mb = round(connectorRss, 1);
  f.proxy_rss_mb_1_session = round(proxyOneSession, 1);
  f.proxy_rss_mb_after_run = round(proxyAfter, 1);
  f.switchboard_rss_mb_total_10_sessions = round(proxyManySessions + connectorsTotal, 1);
  f.mcp_remote_rss_mb_total_10_sessions = round(remotesTotal, 1);
  f.proxy_rss_ratio_idle_vs_mcp_remote = round(proxyIdle / remoteRss, 2);
  f.node_bare_rss_mb = round(bareRss.rss, 1);
  f.node_bare_rss_ratio_vs_mcp_remote = round(bareRss.rss / remoteRss, 2);
  f.proxy_rss_anon_mb_idle = round(proxyIdleAnon, 1);
  f.node_bare_rss_anon_mb = round(bareRss.anon, 1);
  f.mcp_remote_rss_anon_mb = round(remoteAnon, 1);
  f.proxy_rss_anon_ratio_idle_vs_mcp_remote = round(proxyIdleAnon / remoteAnon, 2);
  // The figures the issue names, last and in this order.
  f.latency_p50_ratio_vs_direct = round(p('switchboard', 50) / p('direct', 50), 2);
  f.latency_p99_ratio_vs_direct = round(p('switchboard', 99) / p('direct', 99), 2);
  f.latency_p50_ratio_vs_mcp_remote = round(p('switchboard', 50) / p('mcp-remote', 50), 2);
  f.coldstart_ms_p50 = round(percentile(cold.switchboard, 50), 1);
  f.coldstart_ratio_vs_mcp_remote = round(percentile(cold.switchboard, 50) / percentile(cold['mcp-remote'], 50), 2);
  f.proxy_rss_mb_idle = round(proxyIdle, 1);
  f.proxy_rss_mb_10_sessions = round(proxyManySessions, 1);
  f.mcp_remote_rss_mb = round(remoteRss, 1);

  const verdicts = Object.entries({ ...TARGETS, ...(onDemand ? ON_DEMAND_TARGETS : {}) }).map(([name, max]) => ({
    name,
    value: f[name],
    max,
    ok: f[name] !== null && f[name] <= max,
  }));
  const seconds = round((performance.now() - started) / 1000, 1);
  const load = { start: round(loadStart, 2), end: round(os.loadavg()[0], 2) };
  log(`done in ${seconds} s; 1-minute load average ${load.start} at start, ${load.end} at end (more than the CPU count means other work skewed the latencies)`);

  // ---- output ----
  const finalNames = [
    'latency_p50_ratio_vs_direct',
    'latency_p99_ratio_vs_direct',
    'latency_p50_ratio_vs_mcp_remote',
    'coldstart_ms_p50',
    'coldstart_ratio_vs_mcp_remote',
    'proxy_rss_mb_idle',
    'proxy_rss_mb_10_sessions',
    'mcp_remote_rss_mb',
  ];
  for (const [name, value] of Object.entries(f)) if (!finalNames.includes(name)) console.log(`${name} ${value}`);
  console.log(`targets ${verdicts.map((v) => `${v.name}=${v.value}<=${v.max}:${v.ok ? 'met' : 'MISSED'}`).join(' ')}`);
  for (const name of finalNames) console.log(`${name} ${f[name]}`);

  const stamp = new Date().toISOString();
  const result = {
    timestamp: stamp,
    seconds,
    environment: {
      node: process.version,
      platform: `${process.platform} ${os.release()}`,
      arch: process.arch,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      mcpRemote: MCP_REMOTE_BIN.version,
      loadavg1: load,
    },
    config: CONFIG,
    figures: f,
    targets: verdicts,
    samples: { coldstart_ms: cold, node_bare_start_ms: bare, ...onDemand?.samples },
  };
  const dir = path.join(BENCH, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const write = (name) => {
    const file = path.join(dir, name);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2) + '\n');
    fs.renameSync(`${file}.tmp`, file);
  };
  write(`${stamp.replace(/:/g, '-')}.json`);
  write('latest.json');
}

// ---- issue 19: proxies on demand --------------------------------------------------------------

/** BENCH_ON_DEMAND=only runs just this section (with its own mcp-remote baseline); =skip leaves it out. */
const ON_DEMAND = process.env.BENCH_ON_DEMAND ?? 'run';

function runOnDemandSection(hostJs, url, home) {
  return runOnDemandBench({
    log,
    hostJs,
    url,
    tmp,
    proxyScript: PROXY_SCRIPT,
    coldRuns: CONFIG.coldRuns,
    settleMs: CONFIG.settleMs,
    openSession,
    coldStart,
    connectorEnv: (h, d) => ({
      HOME: h,
      MCP_SWITCHBOARD_HOME: d,
      PATH: process.env.PATH ?? '',
      MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS: '10000',
      // The host runs: never start another from the bench.
      MCP_SWITCHBOARD_APP_COMMAND: JSON.stringify([process.execPath, '-e', '']),
    }),
    remoteEnv: { HOME: home, MCP_REMOTE_CONFIG_DIR: path.join(tmp, 'mcp-auth'), PATH: process.env.PATH ?? '' },
  });
}

/**
 * BENCH_ON_DEMAND=only or BENCH_FLOOR=only: print one section's figures and targets, and save them
 * as bench/results/<prefix>-<timestamp>.json.
 */
function writeSectionOnly(prefix, figures, targets, started, samples) {
  for (const [name, value] of Object.entries(figures)) console.log(`${name} ${value}`);
  const verdicts = Object.entries(targets).map(([name, max]) => ({ name, value: figures[name], max, ok: figures[name] !== null && figures[name] <= max }));
  console.log(`targets ${verdicts.map((v) => `${v.name}=${v.value}<=${v.max}:${v.ok ? 'met' : 'MISSED'}`).join(' ')}`);
  const stamp = new Date().toISOString();
  const result = {
    timestamp: stamp,
    seconds: round((performance.now() - started) / 1000, 1),
    environment: {
      node: process.version,
      platform: `${process.platform} ${os.release()}`,
      cpus: os.cpus().length,
      mcpRemote: MCP_REMOTE_BIN.version,
      loadavg1: os.loadavg()[0],
    },
    config: { ...CONFIG, only: prefix },
    figures,
    targets: verdicts,
    ...(samples ? { samples } : {}),
  };
  const dir = path.join(BENCH, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${prefix}-${stamp.replace(/:/g, '-')}.json`), JSON.stringify(result, null, 2) + '\n');
}

// ---- the floor alone -------------------------------------------------------------------------

/** BENCH_FLOOR=only: just the floor (upstream, host, proxy, bench/floor.mjs), to iterate on the hot path. */
const FLOOR = process.env.BENCH_FLOOR ?? 'run';

const deadline = setTimeout(() => {
  log(`the bench ran longer than ${DEADLINE_MS / 1000} s; stopping`);
  emergencyCleanup();
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    emergencyCleanup();
    process.exit(130);
  });
}

try {
  await main();
  for (const s of [...live]) await s.close();
  await stopHost();
  await stopServer();
  fs.rmSync(tmp, { recursive: true, force: true });
  clearTimeout(deadline);
} catch (err) {
  log(`failed: ${err?.stack ?? err}`);
  emergencyCleanup();
  process.exitCode = 1;
  // Give the host a moment to stop its proxies after the channel closed, then leave.
  setTimeout(() => process.exit(1), 3500).unref();
}
