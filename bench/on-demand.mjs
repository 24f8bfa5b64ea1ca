// Proxies on demand (issue 19, first half): the cold start when no proxy runs, and the footprint a
// user sees with several servers configured. Called from bench/run.mjs with its pieces (the bundled
// bench host, the upstream, openSession / coldStart); runs hosts of its own on data directories of
// its own, so the main run's host and proxy are untouched. See bench/README.md.
//
//   coldstart_ms_p50_no_proxy        client spawns the connector → first tools/list answer; the host
//                                    runs, the server's proxy does not (it starts on that connection)
//   coldstart_ratio_no_proxy_vs_mcp_remote   that ÷ mcp-remote's cold start, measured alternately here
//   host_rss_mb_1_server_idle        bench host (createHost, headless ports) + every descendant, 1
//                                    configured server, no client (on demand: no proxy runs)
//   host_rss_mb_10_servers_idle      the same with 10 configured servers
//   host_rss_mb_10_servers_2_active  the same while clients use 2 of them (host + 2 proxies)
//   mcp_remote_rss_mb_10_servers     ten mcp-remote processes, one per server, one session each
//   switchboard_rss_mb_10_servers_10_active  host + 10 proxies + 10 connectors (a client that opens all ten)
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exited, percentile, round, rssMb, sleep, tail, within } from './lib.mjs';

const SERVERS = 10;

/** Every descendant of `pid` (Linux /proc), children first. */
function descendants(pid) {
  const parentOf = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parentOf.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone while we looked
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** RSS of a process and all its descendants, MB; and how many processes that was. */
function treeRss(pid) {
  const pids = [pid, ...descendants(pid)];
  return { mb: pids.reduce((sum, p) => sum + (rssMb(p) ?? 0), 0), processes: pids.length };
}

/** A bench host (bench/host.ts, bundled by run.mjs) on its own data directory. */
async function startBenchHost(hostJs, env, proxyScript) {
  const child = fork(hostJs, [], {
    execArgv: [],
    env: {
      ...env,
      BENCH_PROXY_SCRIPT: proxyScript,
      ...(process.env.BENCH_PROXY_EXEC_ARGV ? { BENCH_PROXY_EXEC_ARGV: process.env.BENCH_PROXY_EXEC_ARGV } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const err = tail(child.stderr);
  child.stdout.resume();
  const answer = (type, ms) =>
    within(
      new Promise((resolve, reject) => {
        const onExit = (code) => reject(new Error(`on-demand host exited (${code}): ${err()}`));
        const onMsg = (m) => {
          if (m?.type === type || m?.type === 'error') {
            child.off('message', onMsg);
            child.off('exit', onExit);
            if (m.type === 'error') reject(new Error(`on-demand host: ${m.message}`));
            else resolve(m);
          }
        };
        child.on('message', onMsg);
        child.once('exit', onExit);
      }),
      ms,
      `on-demand host to answer ${type}`,
    );
  await answer('started', 20_000);
  return {
    pid: child.pid,
    async add(url) {
      child.send({ type: 'add', url });
      return (await answer('ready', 30_000)).id;
    },
    async servers() {
      child.send({ type: 'servers' });
      return (await answer('servers', 5000)).servers;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const done = exited(child);
      if (child.connected) child.send({ type: 'stop' });
      await Promise.race([done, sleep(8000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * @param {{ log(msg: string): void, hostJs: string, url: string, tmp: string, proxyScript: string, coldRuns: number, settleMs: number,
 *   openSession(kind: string, ctx: object): Promise<{ pid?: number, client: any, close(): Promise<void> }>,
 *   coldStart(kind: string, ctx: object): Promise<number>, connectorEnv(home: string, dataDir: string): object, remoteEnv: object }} o
 */
export async function runOnDemandBench(o) {
  const f = {};
  const hosts = new Set();
  const envFor = (name) => {
    const home = path.join(o.tmp, `on-demand-${name}`);
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(home, { recursive: true });
    return { home, dataDir, env: { HOME: home, MCP_SWITCHBOARD_HOME: dataDir, PATH: process.env.PATH ?? '' } };
  };
  const host = async (where) => {
    const h = await startBenchHost(o.hostJs, where.env, o.proxyScript);
    hosts.add(h);
    return h;
  };
  const stop = async (h) => {
    await h.stop();
    hosts.delete(h);
  };
  /** Waits until every configured server is parked (idle, no proxy) and its first check is done. */
  const settledIdle = async (h, count) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const list = await h.servers();
      if (list.length === count && list.every((s) => s.state === 'idle' && !s.proxyPid)) break;
      if (Date.now() > deadline) throw new Error(`servers not idle: ${JSON.stringify(list)}`);
      await sleep(100);
    }
    await sleep(o.settleMs);
  };
  const urls = Array.from({ length: SERVERS }, (_, i) => `${o.url}?server=${i + 1}`);

  try {
    // Configure 1 and 10 servers (each add starts its proxy for a first check), then start fresh
    // hosts on those data directories: on demand, no proxy runs until a client connects.
    const one = envFor('1');
    const ten = envFor('10');
    let h = await host(one);
    await h.add(urls[0]);
    await stop(h);
    h = await host(ten);
    const ids = [];
    for (const u of urls) ids.push(await h.add(u));
    await stop(h);

    log(o, 'footprint: 1 and 10 configured servers, no client');
    h = await host(one);
    await settledIdle(h, 1);
    const idle1 = treeRss(h.pid);
    await stop(h);
    h = await host(ten);
    await settledIdle(h, SERVERS);
    const idle10 = treeRss(h.pid);

    // Two of the ten in use: their proxies run (host + 2 proxies; the connectors are the client's).
    const ctxOf = (id) => ({ serverId: id, connectorEnv: o.connectorEnv(ten.home, ten.dataDir) });
    const active = [];
    for (const id of ids.slice(0, 2)) {
      const s = await o.openSession('switchboard', ctxOf(id));
      await s.client.listTools();
      active.push(s);
    }
    await sleep(o.settleMs);
    const active2 = treeRss(h.pid);
    for (const s of active) await s.close();
    await stop(h);

    // Cold start with no proxy running: each run takes a server whose proxy has not started yet
    // (a fresh host when all ten have been used), alternating with mcp-remote's cold start.
    log(o, `cold start with no proxy: ${o.coldRuns} runs each, alternating with mcp-remote`);
    const cold = { switchboard: [], 'mcp-remote': [] };
    const remoteCtx = { url: o.url, remoteEnv: o.remoteEnv };
    let fresh = [];
    const nextParked = async () => {
      if (!fresh.length) {
        if (h) await stop(h);
        h = await host(ten);
        await settledIdle(h, SERVERS);
        fresh = [...ids];
      }
      return fresh.shift();
    };
    // One discarded warm-up each (disk cache).
    await o.coldStart('switchboard', ctxOf(await nextParked()));
    await o.coldStart('mcp-remote', remoteCtx);
    for (let i = 0; i < o.coldRuns; i++) {
      const order = i % 2 ? ['mcp-remote', 'switchboard'] : ['switchboard', 'mcp-remote'];
      for (const kind of order) {
        if (kind === 'switchboard') {
          const id = await nextParked();
          const before = (await h.servers()).find((s) => s.id === id);
          if (before.proxyPid) throw new Error(`the proxy of ${id} runs before its cold start`);
          cold.switchboard.push(await o.coldStart('switchboard', ctxOf(id)));
        } else cold['mcp-remote'].push(await o.coldStart('mcp-remote', remoteCtx));
        await sleep(50);
      }
    }
    await stop(h);
    h = undefined;

    // Ten servers as users run them today: one mcp-remote process per server, one session each.
    log(o, `memory: ${SERVERS} servers through mcp-remote, and through Switchboard with all ${SERVERS} in use`);
    const remotes = [];
    for (const u of urls) {
      const s = await o.openSession('mcp-remote', { url: u, remoteEnv: o.remoteEnv });
      await s.client.listTools();
      remotes.push(s);
    }
    await sleep(o.settleMs);
    const remote10 = remotes.reduce((sum, s) => sum + (rssMb(s.pid) ?? 0), 0);
    for (const s of remotes) await s.close();

    // And a client that opens all ten at once through Switchboard: host + 10 proxies + 10 connectors.
    h = await host(ten);
    await settledIdle(h, SERVERS);
    const all = [];
    for (const id of ids) {
      const s = await o.openSession('switchboard', ctxOf(id));
      await s.client.listTools();
      all.push(s);
    }
    await sleep(o.settleMs);
    const all10 = treeRss(h.pid).mb + all.reduce((sum, s) => sum + (rssMb(s.pid) ?? 0), 0);
    for (const s of all) await s.close();
    await stop(h);

    f.host_processes_10_servers_idle = idle10.processes;
    f.host_processes_10_servers_2_active = active2.processes;
    f.coldstart_ms_p50_mcp_remote_on_demand_run = round(percentile(cold['mcp-remote'], 50), 1);
    f.coldstart_ms_p90_no_proxy = round(percentile(cold.switchboard, 90), 1);
    f.switchboard_rss_mb_10_servers_10_active = round(all10, 1);
    f.host_rss_mb_10_minus_1_servers_idle = round(idle10.mb - idle1.mb, 1);
    f.host_rss_ratio_10_servers_idle_vs_mcp_remote = round(idle10.mb / remote10, 2);
    f.host_rss_ratio_10_servers_2_active_vs_mcp_remote = round(active2.mb / remote10, 2);
    f.coldstart_ms_p50_no_proxy = round(percentile(cold.switchboard, 50), 1);
    f.coldstart_ratio_no_proxy_vs_mcp_remote = round(percentile(cold.switchboard, 50) / percentile(cold['mcp-remote'], 50), 2);
    f.host_rss_mb_1_server_idle = round(idle1.mb, 1);
    f.host_rss_mb_10_servers_idle = round(idle10.mb, 1);
    f.host_rss_mb_10_servers_2_active = round(active2.mb, 1);
    f.mcp_remote_rss_mb_10_servers = round(remote10, 1);
    return { figures: f, samples: { coldstart_ms_no_proxy: cold } };
  } finally {
    for (const x of hosts) x.kill();
  }
}

function log(o, msg) {
  o.log(`on-demand: ${msg}`);
}

/** The targets of issue 19 for these figures. */
export const ON_DEMAND_TARGETS = {
  host_rss_mb_10_minus_1_servers_idle: 10,
  coldstart_ratio_no_proxy_vs_mcp_remote: 0.3,
};
