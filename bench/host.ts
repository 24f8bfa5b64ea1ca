/**
 * The benchmark's app host: the real host (createHost: registry, supervisor, log store) on the data
 * directory in MCP_SWITCHBOARD_HOME, with proxies forked from the bundled out/proxy/index.js under
 * this same Node. bench/run.mjs bundles this file with esbuild into a temp dir and forks it, so
 * the proxy's per-message log and metrics traffic lands on a process of its own, as in the app
 * (where main is not the MCP client's process).
 *
 * IPC protocol with run.mjs (fork channel, JSON):
 *   run → host  { type: 'add', url }      host → run  { type: 'ready', id, proxyPid } | { type: 'error', message }
 *   run → host  { type: 'pid', id }       host → run  { type: 'pid', id, proxyPid, state }
 *   run → host  { type: 'servers' }       host → run  { type: 'servers', servers: [{ id, state, proxyPid }] }  (bench/on-demand.mjs)
 *   run → host  { type: 'stop' }          host disposes the core (stopping the proxies) and exits
 * The host also stops when the channel closes (run.mjs exited or was killed).
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { createHost } from '../main/core/host';
import { headlessPorts } from '../main/headless/headless-host';
import { resolvePaths } from '../main/shared/paths';
import type { ChildLauncher } from '../main/core/ports';
import { NodeChildLauncher, scrubEnv } from '../main/core/supervisor/node-child-launcher';

type FromRun = { type: 'add'; url: string } | { type: 'pid'; id: string } | { type: 'servers' } | { type: 'stop' };

const proxyScript = process.env.BENCH_PROXY_SCRIPT;
if (!process.send || !proxyScript || !process.env.MCP_SWITCHBOARD_HOME) {
  process.stderr.write('bench host: start it from bench/run.mjs (needs IPC, BENCH_PROXY_SCRIPT, MCP_SWITCHBOARD_HOME)\n');
  process.exit(2);
}

const send = (msg: unknown) => {
  if (process.connected) process.send!(msg);
};

/**
 * BENCH_PROXY_EXEC_ARGV (a JSON array, e.g. ["--cpu-prof","--cpu-prof-dir=/tmp/p"]) starts the
 * proxy with those Node flags, for profiling; otherwise the product's own launcher is used.
 */
function launcher(): ChildLauncher {
  const raw = process.env.BENCH_PROXY_EXEC_ARGV;
  if (!raw) return new NodeChildLauncher(process.execPath, process.env);
  const execArgv = JSON.parse(raw) as string[];
  return {
    launch: (spec) =>
      fork(spec.script, [], {
        execPath: process.execPath,
        execArgv,
        env: { ...scrubEnv(process.env), ...spec.env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      }),
  };
}

// The same factory as the app and the headless host, with the bench's launcher and proxy bundle.
const host = createHost({
  ...headlessPorts({ env: process.env, paths: resolvePaths(process.env), autoSignIn: false }),
  launcher: launcher(),
  proxyScript: path.resolve(proxyScript),
});
const core = host.core;

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const hard = setTimeout(() => process.exit(code), 5000);
  hard.unref();
  try {
    await host.dispose();
  } finally {
    process.exit(code);
  }
}

async function waitReady(id: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = core.listServers().find((x) => x.id === id)?.status;
    const pid = core.proxyPid(id);
    if (s?.state === 'ready' && pid) return pid;
    if (Date.now() > deadline) {
      const log = core
        .tailLogs(id, 20)
        .map((e) => `${e.level} ${e.message}`)
        .join('\n');
      throw new Error(`proxy for ${id} not ready after ${timeoutMs} ms (state ${s?.state ?? '?'}: ${s?.detail ?? ''})\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

process.on('message', (raw: unknown) => {
  const msg = raw as FromRun;
  if (msg?.type === 'add') {
    core
      .addServer({ url: msg.url, name: 'Bench upstream' })
      .then(async (summary) => send({ type: 'ready', id: summary.id, proxyPid: await waitReady(summary.id, 20_000) }))
      .catch((err: Error) => send({ type: 'error', message: err.message }));
  } else if (msg?.type === 'pid') {
    const s = core.listServers().find((x) => x.id === msg.id)?.status;
    send({ type: 'pid', id: msg.id, proxyPid: core.proxyPid(msg.id), state: s?.state });
  } else if (msg?.type === 'servers') {
    send({ type: 'servers', servers: core.listServers().map((x) => ({ id: x.id, state: x.status.state, proxyPid: core.proxyPid(x.id) })) });
  } else if (msg?.type === 'stop') {
    void stop(0);
  }
});
process.on('disconnect', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

host
  .start()
  // Measured: the path's speed, not the review of a new server's tools.
  .then(() => host.call('settings:set', { newServerTools: 'trust' }))
  .then(
    () => send({ type: 'started' }),
    (err: Error) => {
      send({ type: 'error', message: `core did not start: ${err.message}` });
      void stop(1);
    },
  );
