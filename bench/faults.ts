/**
 * `npm run faults`: the same faults against MCP Switchboard (connector → proxy, run by a real host)
 * and against mcp-remote (the pinned dev dependency), each against its own instance of the same
 * misbehaving server (test/fixtures/misbehaving-server.ts), in one run. Per fault it counts, for
 * calls sent at once by one client: answered ok, failed (a JSON-RPC error or an isError result),
 * duplicated (a tool that is neither read-only nor idempotent run more than once by the server, or
 * a call answered twice), hung (no answer within the wait). Then whether a client that quits gets
 * its session DELETEd and its in-flight call cancelled upstream.
 *
 * Bundled and started by bench/faults.mjs (FAULTS_ROOT names the checkout). Output: two Markdown
 * tables on stdout (as in README.md); progress on stderr.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHost, type Host } from '../main/core/host';
import { headlessPorts } from '../main/headless/headless-host';
import { resolvePaths } from '../main/shared/paths';
import { startMisbehavingServer, type Fault, type MisbehavingServer } from '../test/fixtures/misbehaving-server';
import { RawConnector } from '../test/fixtures/raw-connector';

const ROOT = process.env.FAULTS_ROOT ?? process.cwd();
const PROXY_SCRIPT = path.join(ROOT, 'out/proxy/index.js');
const CONNECTOR_SCRIPT = path.join(ROOT, 'out/connector/index.js');
const MCP_REMOTE = path.join(ROOT, 'node_modules/mcp-remote/dist/proxy.js');
const MCP_REMOTE_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/mcp-remote/package.json'), 'utf8')).version as string;
/** How long a call may take before it counts as hung (past the 15 s retry budget, with room). */
const WAIT_MS = Number(process.env.FAULTS_WAIT_MS) || 45_000;
/** Tools the fixture marks read-only or idempotent: running them again is allowed, not a duplicate. */
const REPEATABLE = new Set(['read', 'set']);

const log = (m: string) => process.stderr.write(`[faults] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Scenario {
  name: string;
  calls: number;
  tool: string;
  args?: Record<string, unknown>;
  /** Sets the fault up before the calls are sent. */
  arm(s: MisbehavingServer): Promise<void> | void;
  /** Runs while the calls are out (an outage that ends). */
  during?(s: MisbehavingServer): Promise<void>;
}

const fault =
  (f: Fault, count = 10) =>
  (s: MisbehavingServer) =>
    s.fail(count, f);
const outage = (ms: number) => async (s: MisbehavingServer) => {
  await sleep(ms);
  await s.up({ forgetSessions: true }); // a restarted server knows no session
};

const SCENARIOS: Scenario[] = [
  { name: 'session expiry, 10 calls in flight', calls: 10, tool: 'slow', args: { ms: 200 }, arm: fault({ expire: true, after: 5 }, 1) },
  { name: 'session expiry, 100 calls in flight', calls: 100, tool: 'slow', args: { ms: 200 }, arm: fault({ expire: true, after: 50 }, 1) },
  { name: 'server restart of 1.5 s', calls: 10, tool: 'echo', arm: (s) => s.down(), during: outage(1500) },
  { name: 'server down 30 s', calls: 5, tool: 'echo', arm: (s) => s.down(), during: outage(30_000) },
  { name: '503 without Retry-After', calls: 10, tool: 'echo', arm: fault({ status: 503 }) },
  { name: '503 with Retry-After: 1', calls: 10, tool: 'echo', arm: fault({ status: 503, retryAfter: '1' }) },
  { name: '429 without Retry-After', calls: 10, tool: 'echo', arm: fault({ status: 429 }) },
  { name: '502 after the work, read-only tool', calls: 10, tool: 'read', arm: fault({ status: 502, afterRun: true }) },
  { name: '502 after the work, idempotent tool', calls: 10, tool: 'set', arm: fault({ status: 502, afterRun: true }) },
  { name: '502 after the work, plain tool', calls: 10, tool: 'echo', arm: fault({ status: 502, afterRun: true }) },
  { name: 'connection reset after sending, plain tool', calls: 10, tool: 'echo', arm: fault({ reset: true }, 20) },
  { name: 'stream cut, with event ids', calls: 10, tool: 'echo', arm: fault({ drop: 'resumable' }) },
  { name: 'stream cut, no event ids, read-only tool', calls: 10, tool: 'read', arm: fault({ drop: 'plain' }) },
  { name: 'stream cut, no event ids, plain tool', calls: 10, tool: 'echo', arm: fault({ drop: 'plain' }) },
];

interface Row {
  calls: number;
  ok: number;
  failed: number;
  duplicated: number;
  hung: number;
}

interface Subject {
  name: string;
  server: MisbehavingServer;
  /** A fresh client session (a new connector or mcp-remote process). */
  open(): RawConnector;
  close(): Promise<void>;
}

async function switchboard(tmp: string): Promise<Subject> {
  const server = await startMisbehavingServer();
  const home = path.join(tmp, 'sb-home');
  const env: Record<string, string> = { HOME: home, MCP_SWITCHBOARD_HOME: path.join(home, 'data'), PATH: process.env.PATH ?? '' };
  const host: Host = createHost({
    ...headlessPorts({ env, paths: resolvePaths(env), autoSignIn: false }),
    proxyScript: PROXY_SCRIPT,
    clientLauncher: undefined,
  });
  await host.start();
  // Measured: what happens to calls under faults, not the review of a new server's tools.
  await host.call('settings:set', { newServerTools: 'trust' });
  const id = (await host.core.addServer({ url: server.url, name: 'Misbehaving' })).id;
  for (let i = 0; i < 200 && host.core.listServers()[0]?.status.state !== 'ready'; i++) await sleep(100);
  return {
    name: 'MCP Switchboard',
    server,
    open: () => RawConnector.spawn(process.execPath, [CONNECTOR_SCRIPT, id], env),
    close: async () => {
      await host.dispose();
      await server.close();
    },
  };
}

async function mcpRemote(tmp: string): Promise<Subject> {
  const server = await startMisbehavingServer();
  const env = { HOME: path.join(tmp, 'remote-home'), MCP_REMOTE_CONFIG_DIR: path.join(tmp, 'mcp-auth'), PATH: process.env.PATH ?? '' };
  fs.mkdirSync(env.HOME, { recursive: true });
  return {
    name: `mcp-remote ${MCP_REMOTE_VERSION}`,
    server,
    open: () => RawConnector.spawn(process.execPath, [MCP_REMOTE, server.url, '--allow-http'], env),
    close: () => server.close(),
  };
}

/** One client session through the subject: initialize, list the tools (the annotations), then the fault. */
async function runScenario(subject: Subject, sc: Scenario, index: number): Promise<Row> {
  const s = subject.server;
  const c = subject.open();
  const row: Row = { calls: sc.calls, ok: 0, failed: 0, duplicated: 0, hung: 0 };
  try {
    await c.initialize(`faults-${index}`);
    await c.request('tools/list', undefined, { timeoutMs: 20_000 });
    await sc.arm(s);
    const keys = Array.from({ length: sc.calls }, (_, i) => `f${index}-${i}`);
    const answers = keys.map((key) =>
      c.call(sc.tool, { ...sc.args, message: key }, { id: key, timeoutMs: WAIT_MS }).then(
        (a) => (a.error || a.result?.isError ? 'failed' : 'ok') as 'ok' | 'failed',
        () => 'hung' as const,
      ),
    );
    const [outcomes] = await Promise.all([Promise.all(answers), sc.during?.(s)]);
    for (const o of outcomes) row[o]++;
    await sleep(300); // a late second answer or execution would show now
    const twice = new Set(c.duplicateAnswers().map(String));
    for (const key of keys) if (twice.has(key) || (!REPEATABLE.has(sc.tool) && (s.stats.calls.get(key) ?? 0) > 1)) row.duplicated++;
  } finally {
    s.fail(0, {});
    await s.up();
    await c.close();
  }
  return row;
}

/** A client that quits with a call in flight: is the session DELETEd, is the call cancelled upstream? */
async function quit(subject: Subject): Promise<{ deleted: boolean; cancelled: boolean }> {
  const s = subject.server;
  const c = subject.open();
  try {
    await c.initialize('faults-quit');
    const before = s.stats.deleted.length;
    void c.call('slow', { ms: 20_000, message: 'quit-in-flight' }, { id: 'quit-1', timeoutMs: 30_000 }).catch(() => {});
    for (let i = 0; i < 100 && !s.stats.calls.get('quit-in-flight'); i++) await sleep(50);
    c.child.stdin.end();
    for (let i = 0; i < 20 && s.stats.deleted.length === before; i++) await sleep(50); // one second
    return { deleted: s.stats.deleted.length > before, cancelled: s.stats.cancelled.includes('quit-1') };
  } finally {
    c.child.kill('SIGKILL');
  }
}

function table(title: string, rows: Array<[string, Row]>): string {
  const lines = [`${title}`, '', '| fault | calls | ok | failed | duplicated | hung |', '|---|--:|--:|--:|--:|--:|'];
  for (const [name, r] of rows) lines.push(`| ${name} | ${r.calls} | ${r.ok} | ${r.failed} | ${r.duplicated} | ${r.hung} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  for (const f of [PROXY_SCRIPT, CONNECTOR_SCRIPT, MCP_REMOTE]) if (!fs.existsSync(f)) throw new Error(`missing ${f} (build first: npm run faults builds)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-faults-'));
  const out: string[] = [];
  try {
    for (const make of [switchboard, mcpRemote]) {
      const subject = await make(tmp);
      const rows: Array<[string, Row]> = [];
      try {
        for (const [i, sc] of SCENARIOS.entries()) {
          log(`${subject.name}: ${sc.name}`);
          rows.push([sc.name, await runScenario(subject, sc, i)]);
        }
        const q = await quit(subject);
        out.push(table(`**${subject.name}**`, rows));
        out.push(
          `\nClient quits with a call in flight: session DELETEd within 1 s: ${q.deleted ? 'yes' : 'no'}; the call cancelled upstream: ${q.cancelled ? 'yes' : 'no'}.\n`,
        );
      } finally {
        await subject.close();
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(out.join('\n') + '\n');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`faults: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
