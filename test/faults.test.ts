/**
 * Faults, end to end: MCP clients run the bundled connector (out/connector), which talks to the
 * bundled proxy (out/proxy) forked by a real AppCore, against a real HTTP server that misbehaves
 * on request (test/fixtures/misbehaving-server.ts): down, slow, 500/502/503 with and without
 * Retry-After, SSE answers cut mid-response, connections reset, the address going away and coming
 * back; the proxy killed mid-request; the host killed while proxies run; clock jumps.
 *
 * Every test holds the same line: each request gets exactly one answer (a result or a clear
 * JSON-RPC error), with its own id, on its own connection, within a bounded wait (a hang fails).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Conf from 'conf';
import type { AppCore } from '../main/core/app-core';
import { resolvePaths, endpointFor } from '../main/shared/paths';
import { controlEndpoint } from '../main/shared/local-socket';
import type { Clock } from '../main/core/ports';
import { ServerRegistry } from '../main/core/servers/server-registry';
import { HEADLESS_SCRIPT, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';
import { startMisbehavingServer, type MisbehavingServer } from './fixtures/misbehaving-server';
import { RawConnector } from './fixtures/raw-connector';
import { waitFor } from './fixtures/ports';

const REQUEST_TIMEOUT_MS = 2500;

let server: MisbehavingServer;
let home: TempHome;
let core: AppCore;
let id: string;
const open: RawConnector[] = [];

beforeAll(async () => {
  server = await startMisbehavingServer();
  home = makeTempHome();
  // The proxy's per-request time limit (default 5 minutes), short here so a stalled upstream is
  // seen within the test's budget.
  home.env.MCP_SWITCHBOARD_REQUEST_TIMEOUT_MS = String(REQUEST_TIMEOUT_MS);
  core = await startCore(home);
  id = (await core.addServer({ url: server.url, name: 'Misbehaving' })).id;
  await waitForState(core, id, 'ready');
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await core?.dispose();
  await server?.close();
  home?.cleanup();
});

async function client(name: string, env: Record<string, string> = {}, h: TempHome = home, serverId = id): Promise<RawConnector> {
  const c = RawConnector.start(h, serverId, env);
  open.push(c);
  await c.initialize(name);
  return c;
}

/** A tool result's text, or the error, for assertions. */
const textOf = (answer: any): string => answer?.result?.content?.[0]?.text ?? '';

function expectOneAnswerEach(c: RawConnector): void {
  expect(c.duplicateAnswers()).toEqual([]);
}

describe('upstream failures answer with clear JSON-RPC errors', () => {
  it('500 and 502 without Retry-After: one clear error, the request is not re-sent, the next one works', async () => {
    const c = await client('http-errors');
    for (const status of [500, 502]) {
      const calls = () => server.stats.postsByMethod.get('tools/call') ?? 0;
      const postsBefore = calls();
      server.fail(1, { status });
      const a = await c.call('echo', { message: `fail-${status}` });
      expect(a.error.code).toBe(-32010);
      expect(a.error.message).toMatch(new RegExp(`^Upstream http://127\\.0\\.0\\.1:\\d+/mcp answered ${status} (Internal Server Error|Bad Gateway)`));
      expect(calls() - postsBefore).toBe(1); // not retried: the server may have acted on it
      const ok = await c.call('echo', { message: `after-${status}` });
      expect(textOf(ok)).toBe(`echo: after-${status}`);
    }
    expectOneAnswerEach(c);
  });

  it('503 with a short Retry-After is retried once after that delay; the tool runs once', async () => {
    const c = await client('retry-after-short');
    server.fail(1, { status: 503, retryAfter: '1' });
    const t0 = Date.now();
    const a = await c.call('echo', { message: 'after-503' });
    expect(textOf(a)).toBe('echo: after-503');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // it waited as asked
    expect(server.stats.calls.get('after-503')).toBe(1);
    await waitFor(() => core.tailLogs(id).some((e) => /answered 503.*retrying in 1 s as it asked/.test(e.message)), 'the retry log line');
    expectOneAnswerEach(c);
  });

  it('503 with a Retry-After beyond the retry budget is a clear error saying so; without Retry-After it is retried', async () => {
    const c = await client('retry-after-long');
    const calls = () => server.stats.postsByMethod.get('tools/call') ?? 0;
    const postsBefore = calls();
    server.fail(1, { status: 503, retryAfter: '120' });
    const a = await c.call('echo', { message: 'too-long' });
    // The proxy did not sit on it for 120 s: it answered with the 503 itself, not with its own
    // 2.5 s time limit (-32014), and it never sent the request again.
    expect(a.error.code).toBe(-32010);
    expect(calls() - postsBefore).toBe(1);
    expect(a.error.message).toMatch(/answered 503 Service Unavailable \(it asks to retry after 120 s\)/);
    expect(a.error.message).toMatch(/not processed: the server asks to retry after 120 s, more than this call's retry budget allows/);
    expect(server.stats.calls.get('too-long')).toBeUndefined();
    // The health check honours it too, capped at its longest backoff (60 s).
    const st = await waitForState(core, id, 'retrying', 5000);
    expect(st.detail).toMatch(/asks to retry after 120 s\); retrying in 60 s/);

    // (Issue 13: a 503 without Retry-After means the server did not process the request: it is
    // now retried after a backoff instead of failing, and the tool runs once.)
    server.fail(1, { status: 503 });
    const b = await c.call('echo', { message: 'no-header' });
    expect(textOf(b)).toBe('echo: no-header');
    expect(server.stats.calls.get('no-header')).toBe(1);
    // The next answer from the server shows it is back: ready without waiting for the check.
    expect(textOf(await c.call('echo', { message: 'back' }))).toBe('echo: back');
    await waitForState(core, id, 'ready', 2000);
    expectOneAnswerEach(c);
  });

  it('a kept-alive connection that died while idle (sleep, network change) is retried once on a new one', async () => {
    const c = await client('stale');
    expect(textOf(await c.call('echo', { message: 'warm the pool' }))).toBe('echo: warm the pool');
    // Let that connection go idle in the pool (it is free only once its answer has been read to the end).
    await new Promise((r) => setTimeout(r, 300));
    const posts = () => server.stats.postsByMethod.get('tools/call') ?? 0;
    const before = posts();
    // The server resets the next request as a host that forgot the connection does.
    server.fail(1, { reset: true });
    const a = await c.call('echo', { message: 'stale-socket' });
    expect(textOf(a)).toBe('echo: stale-socket');
    expect(posts() - before).toBe(2);
    expect(server.stats.calls.get('stale-socket')).toBe(1);
    expectOneAnswerEach(c);
  });

  it('a connection reset on a new connection too is a clear error; the next request works', async () => {
    const c = await client('reset');
    server.fail(2, { reset: true });
    const a = await c.call('echo', { message: 'reset-me' });
    server.fail(0, {});
    expect(a.error.code).toBe(-32011);
    expect(a.error.message).toMatch(/connection reset|socket hang up|closed by the server/);
    expect(server.stats.calls.get('reset-me')).toBeUndefined();
    const ok = await c.call('echo', { message: 'after-reset' });
    expect(textOf(ok)).toBe('echo: after-reset');
    expectOneAnswerEach(c);
  });
});

describe('a server that answers twice', () => {
  it('relays only the first answer to a request', async () => {
    const c = await client('twice');
    server.fail(1, { duplicate: true });
    const a = await c.call('echo', { message: 'twice' }, { id: 'dup-1' });
    expect(textOf(a)).toBe('echo: twice');
    expect(textOf(await c.call('echo', { message: 'next' }))).toBe('echo: next');
    expect(c.answersTo('dup-1')).toHaveLength(1);
    expectOneAnswerEach(c);
  });
});

describe('event streams cut mid-response', () => {
  it('resumes a cut SSE answer with Last-Event-ID and answers once', async () => {
    const c = await client('sse-resume');
    const resumes = server.stats.resumes.length;
    server.fail(1, { drop: 'resumable' });
    const a = await c.call('echo', { message: 'resumed' });
    expect(textOf(a)).toBe('echo: resumed');
    expect(server.stats.resumes.length).toBe(resumes + 1);
    expect(server.stats.calls.get('resumed')).toBe(1);
    expectOneAnswerEach(c);
  });

  it('a cut SSE answer that cannot be resumed is a clear error, never a hang', async () => {
    const c = await client('sse-plain');
    const resumes = server.stats.resumes.length;
    server.fail(1, { drop: 'plain' });
    const a = await c.call('echo', { message: 'lost' });
    expect(a.error.code).toBe(-32013);
    expect(a.error.message).toMatch(/event stream|closed|cut/);
    expect(a.error.message).toMatch(/Retry the request/);
    const ok = await c.call('echo', { message: 'after-cut' });
    expect(textOf(ok)).toBe('echo: after-cut');
    // The server never sends the lost answer (no event id: nothing to resume), and the proxy
    // relays in order on this connection: a second answer to the cut request, from the proxy or
    // the connector, would have reached the client before the answer to the request after it.
    expect(server.stats.resumes.length).toBe(resumes);
    expectOneAnswerEach(c);
  });
});

describe('slow upstream', () => {
  it("a 30 s answer becomes a clear time-out error at the proxy's limit; the server is told to cancel", async () => {
    const c = await client('slow-30');
    server.setDelay(30_000);
    try {
      const t0 = Date.now();
      const a = await c.call('echo', { message: 'thirty' }, { id: 'slow-1', timeoutMs: 10_000 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(a.error.code).toBe(-32014);
      expect(a.error.message).toMatch(/did not answer tools\/call within 2\.5 s/);
      await waitFor(() => server.stats.cancelled.includes('slow-1'), 'notifications/cancelled upstream', 5000);
    } finally {
      server.setDelay(0);
    }
    const ok = await c.call('echo', { message: 'fast again' });
    expect(textOf(ok)).toBe('echo: fast again');
    expectOneAnswerEach(c);
  });

  it('an answer that arrives after the time-out is not delivered a second time', async () => {
    const c = await client('slow-late');
    const a = await c.call('slow', { ms: REQUEST_TIMEOUT_MS + 1200, message: 'late' }, { id: 'late-1' });
    expect(a.error.code).toBe(-32014);
    await waitFor(() => server.stats.answered.get('late-1') === 1, 'the server to answer late', 5000);
    // The proxy got that late answer and dropped it (its log says so), unless it relayed it.
    await waitFor(
      () =>
        c.answersTo('late-1').length > 1 ||
        core.tailLogs(id).some((e) => e.message === 'Dropped an answer to request "late-1" that was already answered or cancelled'),
      'the proxy to drop the late answer',
    );
    expect(c.answersTo('late-1')).toHaveLength(1);
    expectOneAnswerEach(c);
  });
});

describe('the address stops answering and comes back (down, network change)', () => {
  it('errors clearly while down, goes to retrying, recovers to ready, and the same client carries on', async () => {
    const c = await client('network-change');
    expect(textOf(await c.call('echo', { message: 'before' }))).toBe('echo: before');
    await server.down();
    try {
      const a = await c.call('echo', { message: 'while-down' });
      expect(a.error.code).toBe(-32011);
      expect(a.error.message).toMatch(/Cannot reach upstream http:\/\/127\.0\.0\.1:\d+\/mcp: connection refused \(ECONNREFUSED\)/);
      const st = await waitForState(core, id, 'retrying', 10_000);
      expect(st.detail).toMatch(/connection refused/);
    } finally {
      // Back on the same address, as a fresh server that forgot every session.
      await server.up({ forgetSessions: true });
    }
    await waitForState(core, id, 'ready', 20_000);
    const inits = server.stats.initializes;
    const ok = await c.call('echo', { message: 'after' });
    expect(textOf(ok)).toBe('echo: after');
    expect(server.stats.initializes).toBe(inits + 1); // the proxy re-initialized the lost session
    expect(server.stats.clientNames.at(-1)).toBe('network-change');
    expectOneAnswerEach(c);
  });
});

describe('the proxy killed mid-request', () => {
  it('the connector answers the in-flight requests with an error once, reconnects and replays initialize', async () => {
    const a = await client('victim-a');
    const b = await client('victim-b');
    const pid = core.proxyPid(id)!;
    const initsBefore = server.stats.initializes;
    const namesBefore = server.stats.clientNames.length;
    const inflightA = a.call('slow', { ms: 5000, message: 'in-flight-a' }, { id: 'ka' });
    const inflightB = b.call('slow', { ms: 5000, message: 'in-flight-b' }, { id: 'kb' });
    await waitFor(() => server.stats.inFlight >= 2, 'both calls to reach the server', 5000);
    process.kill(pid, 'SIGKILL');
    const [ea, eb] = await Promise.all([inflightA, inflightB]);
    for (const e of [ea, eb]) {
      expect(e.error.code).toBe(-32031);
      expect(e.error.message).toMatch(/restarted while tools\/call was in flight; retry the request/);
    }
    await waitFor(() => core.proxyPid(id) && core.proxyPid(id) !== pid, 'a new proxy', 10_000);
    await waitForState(core, id, 'ready');
    // Each connector reconnected and replayed its client's own initialize (silently).
    const ra = await a.call('whoami', {}, { timeoutMs: 15_000 });
    const rb = await b.call('whoami', {}, { timeoutMs: 15_000 });
    expect(JSON.parse(textOf(ra)).client).toBe('victim-a');
    expect(JSON.parse(textOf(rb)).client).toBe('victim-b');
    expect(server.stats.initializes - initsBefore).toBeGreaterThanOrEqual(2);
    expect(server.stats.clientNames.slice(namesBefore)).toEqual(expect.arrayContaining(['victim-a', 'victim-b']));
    // Nothing of the replay reached the clients: only the answers to their own ids.
    for (const [c, own] of [
      [a, 'init-victim-a'],
      [b, 'init-victim-b'],
    ] as const) {
      expect(c.lines.map((m) => m.id)).not.toContain('switchboard-connector-replay');
      expect(c.answersTo(own)).toHaveLength(1);
      expectOneAnswerEach(c);
    }
    // The killed requests' late answers (the server finishes them) never arrive: once the server
    // has answered both, one more round trip on each connector brings anything sent before it.
    await waitFor(() => server.stats.answered.get('ka') === 1 && server.stats.answered.get('kb') === 1, 'the server to finish the killed calls', 15_000);
    for (const c of [a, b]) expect(textOf(await c.call('echo', { message: `after ${c.pid}` }))).toBe(`echo: after ${c.pid}`);
    expect(a.answersTo('ka')).toHaveLength(1);
    expect(b.answersTo('kb')).toHaveLength(1);
  });
});

// ---- the host ---------------------------------------------------------------------------------

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

/** Processes whose command line runs the bundled proxy with this data directory's environment. */
function proxiesOf(h: TempHome): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('out/proxy/index.js')) continue;
      if (fs.readFileSync(`/proc/${d}/environ`, 'utf8').includes(`MCP_SWITCHBOARD_HOME=${h.dataDir}`)) out.push(Number(d));
    } catch {
      // not ours, or gone
    }
  }
  return out;
}

describe('the host killed while proxies run', () => {
  it('proxies exit with it (nothing orphaned); the next host start serves the same sockets again', async () => {
    const h = makeTempHome();
    const hosts: number[] = [];
    const startHost = async () => {
      const child = spawn(process.execPath, [HEADLESS_SCRIPT], { env: h.env, stdio: 'ignore', detached: true });
      child.unref();
      hosts.push(child.pid!);
      return child.pid!;
    };
    try {
      const conf = new Conf({ cwd: h.dataDir, configName: 'settings', projectName: 'mcp-switchboard', projectSuffix: '' });
      const registry = new ServerRegistry(conf);
      const one = registry.add({ url: `${server.url}?host=1`, name: 'One' }).id;
      const two = registry.add({ url: `${server.url}?host=2`, name: 'Two' }).id;
      const hostPid = await startHost();
      const paths = resolvePaths(h.env);
      // Proxies run on demand: each starts with its first client (the second one's client leaves, its proxy stays for the idle time).
      await waitFor(() => fs.existsSync(controlEndpoint(paths)), 'the host to listen', 15_000);
      const c = await client('survivor', { MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS: '20000' }, h, one);
      expect(textOf(await c.call('echo', { message: 'host-1' }))).toBe('echo: host-1');
      const warm = await client('warm', {}, h, two);
      expect(textOf(await warm.call('echo', { message: 'warm' }))).toBe('echo: warm');
      await warm.close();
      expect(fs.existsSync(endpointFor(paths, one)) && fs.existsSync(endpointFor(paths, two))).toBe(true);
      const proxies = childrenOf(hostPid);
      expect(proxies).toHaveLength(2);
      expect(proxiesOf(h).sort()).toEqual([...proxies].sort());

      const inflight = c.call('slow', { ms: 4000, message: 'orphan-check' }, { id: 'host-kill' });
      await waitFor(() => server.stats.calls.get('orphan-check'), 'the call to reach the server', 5000);
      process.kill(hostPid, 'SIGKILL');
      await waitFor(() => proxies.every((p) => !alive(p)), 'every proxy to exit with its host', 10_000);
      expect(proxiesOf(h)).toEqual([]);
      const e = await inflight;
      expect(e.error.code).toBe(-32031);

      // The next start: the waiting connector asks the new host, which starts its proxy (stale
      // socket files are replaced), and gets back in; a fresh client starts the other one.
      const second = await startHost();
      const again = await c.call('whoami', {}, { timeoutMs: 20_000 });
      expect(JSON.parse(textOf(again)).client).toBe('survivor');
      const fresh = await client('fresh', {}, h, two);
      expect(textOf(await fresh.call('echo', { message: 'host-2' }))).toBe('echo: host-2');
      expect(childrenOf(second)).toHaveLength(2);
      expectOneAnswerEach(c);
      process.kill(second, 'SIGTERM');
      await waitFor(() => !alive(second) && proxiesOf(h).length === 0, 'the second host and its proxies to stop', 10_000);
    } finally {
      for (const pid of hosts) if (alive(pid)) process.kill(pid, 'SIGKILL');
      h.cleanup();
    }
  });
});

// ---- clock jumps (laptop sleep/wake) -----------------------------------------------------------

/**
 * The system clock with an offset the test moves: a laptop's wall clock jumps forward across a
 * sleep, and backward when NTP corrects it. Timers still run in real time (so real restarts
 * happen); only `now()` jumps. This is the Clock port the supervisor takes, not a mock of it.
 */
function jumpingClock(): Clock & { jump(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimeout(fn, ms) {
      const t = setTimeout(fn, ms);
      t.unref?.();
      return { cancel: () => clearTimeout(t) };
    },
    jump(ms) {
      offset += ms;
    },
  };
}

describe('clock jumps (sleep/wake)', () => {
  async function crash(c: AppCore, serverId: string): Promise<void> {
    const pid = c.proxyPid(serverId)!;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => c.listServers()[0].status.state !== 'ready' || c.proxyPid(serverId) !== pid, 'the crash to be seen', 5000);
  }

  for (const [name, jumpMs] of [
    ['forward (the laptop slept two hours)', 2 * 3600_000],
    ['backward (the clock was corrected by an hour)', -3600_000],
  ] as const) {
    it(`crash-loop counting and restarts behave after a jump ${name}`, async () => {
      const h = makeTempHome();
      const clock = jumpingClock();
      const c = await startCore(h, {
        clock,
        supervisor: { backoffBaseMs: 50, backoffMaxMs: 200, crashLoopCount: 3, crashWindowMs: 60_000, stopTimeoutMs: 2000 },
      });
      try {
        const sid = (await c.addServer({ url: server.url, name: 'Sleeper' })).id;
        await waitForState(c, sid, 'ready');
        await crash(c, sid);
        await waitForState(c, sid, 'ready');
        await crash(c, sid);
        await waitForState(c, sid, 'ready');
        clock.jump(jumpMs);
        // Two crashes before the jump are not "recent" any more: a third one restarts the proxy.
        await crash(c, sid);
        const st = await waitForState(c, sid, 'ready');
        expect(st.restarts).toBe(3);
        // And the window still works after the jump: two more quick crashes make a crash loop.
        await crash(c, sid);
        await waitForState(c, sid, 'ready');
        await crash(c, sid);
        const err = await waitForState(c, sid, 'error');
        expect(err.detail).toMatch(/3 crashes in 60 s/);
      } finally {
        await c.dispose();
        h.cleanup();
      }
    });
  }
});

// ---- transparent recovery ----------------------------------------------------------------------

/**
 * No call fails that could have succeeded: a host of its own (the proxy's default time limit, so
 * only the retry budget bounds a retry) against a server of its own. Each test counts what the
 * client got (ok, failed, answered twice) and what the server ran (executions per call).
 */
describe('transparent recovery', () => {
  let srv: MisbehavingServer;
  let h: TempHome;
  let rcore: AppCore;
  let rid: string;

  beforeAll(async () => {
    srv = await startMisbehavingServer();
    h = makeTempHome();
    rcore = await startCore(h);
    rid = (await rcore.addServer({ url: srv.url, name: 'Recovering' })).id;
    await waitForState(rcore, rid, 'ready');
  });

  const mine: RawConnector[] = [];
  afterAll(async () => {
    await Promise.all(mine.map((c) => c.close()));
    await rcore?.dispose();
    await srv?.close();
    h?.cleanup();
  });

  /** A client that listed the tools (the proxy learns which are safe to repeat from that list). */
  async function rclient(name: string, serverId = rid): Promise<RawConnector> {
    const c = await client(name, {}, h, serverId);
    mine.push(c);
    await c.request('tools/list');
    return c;
  }

  /** Sends `n` calls at once; resolves with their answers. */
  function burst(c: RawConnector, n: number, tool: string, prefix: string, args: Record<string, unknown> = {}) {
    return Promise.all(Array.from({ length: n }, (_, i) => c.call(tool, { ...args, message: `${prefix}-${i}` }, { timeoutMs: 60_000 })));
  }

  function executions(prefix: string, n: number): number[] {
    return Array.from({ length: n }, (_, i) => srv.stats.calls.get(`${prefix}-${i}`) ?? 0);
  }

  for (const n of [10, 100]) {
    it(`${n} concurrent calls across a session expiry: none fails, none runs twice, one re-initialize for all`, async () => {
      const c = await rclient(`expiry-${n}`);
      const inits = srv.stats.initializes;
      // Half the calls reach the old session (and are answered on it); then the server forgets
      // every session, and every later POST of the burst gets 404.
      srv.fail(1, { expire: true, after: n / 2 });
      const answers = await burst(c, n, 'slow', `expiry-${n}`, { ms: 200 });
      expect(answers.filter((a) => a.error)).toEqual([]);
      expect(answers.map(textOf)).toEqual(Array.from({ length: n }, (_, i) => `slow: expiry-${n}-${i}`));
      expect(executions(`expiry-${n}`, n).every((x) => x === 1)).toBe(true);
      expect(srv.stats.initializes - inits).toBe(1);
      expectOneAnswerEach(c);
    });
  }

  it('a server restart of 1.5 s: calls sent while it was down are answered once it is back', async () => {
    const c = await rclient('restart');
    expect(textOf(await c.call('echo', { message: 'before-restart' }))).toBe('echo: before-restart');
    await srv.down();
    const calls = burst(c, 10, 'echo', 'restart');
    await waitFor(() => rcore.tailLogs(rid).some((e) => /refused the connection; retrying/.test(e.message)), 'a retry after a refused connection');
    await new Promise((r) => setTimeout(r, 1500)); // the length of the outage, not a bound
    await srv.up({ forgetSessions: true }); // a restarted server knows no session
    const answers = await calls;
    expect(answers.filter((a) => a.error)).toEqual([]);
    expect(executions('restart', 10)).toEqual(Array(10).fill(1));
    expectOneAnswerEach(c);
  });

  it('a server down longer than the retry budget: each call fails once its budget is spent, never before', async () => {
    // The case is 30 s down against the default 15 s budget; here a 3 s budget (the
    // per-server setting) stands in for it, so the test does not wait 15 s.
    const short = (await rcore.addServer({ url: `${srv.url}?budget=3`, name: 'Short budget', retryBudgetSeconds: 3 })).id;
    await waitForState(rcore, short, 'ready');
    const c = await rclient('down-long', short);
    await srv.down();
    try {
      const sent = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          c.call('echo', { message: `down-long-${i}` }, { timeoutMs: 60_000 }).then((a) => ({ a, after: Date.now() - sent })),
        ),
      );
      for (const { a, after } of answers) {
        expect(a.error.code).toBe(-32011);
        expect(a.error.message).toMatch(/connection refused \(ECONNREFUSED\); not sent: the server refused the connection \d+ times over 3(\.\d)? s\.$/);
        expect(a.error.message).not.toMatch(/retrying in/);
        expect(after).toBeGreaterThanOrEqual(3000 - 50); // none before the budget is spent
      }
      expect(executions('down-long', 5)).toEqual(Array(5).fill(0));
    } finally {
      await srv.up({ forgetSessions: true });
    }
    expect(textOf(await c.call('echo', { message: 'down-long-after' }))).toBe('echo: down-long-after');
    await rcore.removeServer(short);
  });

  for (const status of [503, 429]) {
    for (const retryAfter of ['1', undefined]) {
      it(`${status} ${retryAfter ? 'with' : 'without'} Retry-After: retried, and the tool runs once`, async () => {
        const c = await rclient(`status-${status}-${retryAfter ?? 'none'}`);
        const key = `s${status}-${retryAfter ?? 'none'}`;
        srv.fail(1, { status, retryAfter });
        const t0 = Date.now();
        const a = await c.call('echo', { message: key });
        expect(textOf(a)).toBe(`echo: ${key}`);
        if (retryAfter) expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // it waited as asked
        expect(srv.stats.calls.get(key)).toBe(1);
        expectOneAnswerEach(c);
      });
    }
  }

  it('502 after the work: a read-only and an idempotent tool are retried, a plain tool fails cleanly', async () => {
    const c = await rclient('gateway');
    const before = rcore.listServers().find((s) => s.id === rid)!.status.counters;
    for (const tool of ['read', 'set']) {
      srv.fail(1, { status: 502, afterRun: true });
      const a = await c.call(tool, { message: `gw-${tool}` });
      expect(textOf(a)).toBe(`${tool}: gw-${tool}`);
      expect(srv.stats.calls.get(`gw-${tool}`)).toBe(2); // ran twice: the server said that is harmless
    }
    srv.fail(1, { status: 502, afterRun: true });
    const plain = await c.call('echo', { message: 'gw-echo' });
    expect(plain.error.code).toBe(-32010);
    expect(plain.error.message).toMatch(
      /^Upstream http:\/\/127\.0\.0\.1:\d+\/mcp answered 502 Bad Gateway; sent, outcome unknown: "echo" is not marked read-only or idempotent by the server, so MCP Switchboard did not run it again\. Retry the request only if running it twice is safe\.$/,
    );
    expect(srv.stats.calls.get('gw-echo')).toBe(1); // never run twice
    expectOneAnswerEach(c);
    // The timeline says what happened, with the reason and the attempt; the server page counts it.
    const logged = (re: RegExp) => waitFor(() => rcore.tailLogs(rid, 300).some((e) => re.test(e.message)), `a log line ${re}`);
    await logged(/tools\/call "read" \(id \d+\): the server answered 502 Bad Gateway; retrying in [\d.]+ s after a backoff, attempt 2/);
    await logged(/tools\/call "read" \(id \d+\): answered after 2 attempts/);
    await logged(/tools\/call "echo" \(id \d+\): gave up after 1 attempt: Upstream .* sent, outcome unknown/);
    const after = await waitFor(() => {
      const k = rcore.listServers().find((s) => s.id === rid)!.status.counters;
      return (k.savedToday ?? 0) >= (before.savedToday ?? 0) + 2 && (k.lostToday ?? 0) >= (before.lostToday ?? 0) + 1 ? k : undefined;
    }, 'the saved and lost counts');
    const d = new Date();
    expect(after.countedOn).toBe(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`);
  });

  it('a cut stream with event ids is resumed; without ids a read-only tool is sent again and a plain one fails cleanly', async () => {
    const c = await rclient('cut');
    const resumes = srv.stats.resumes.length;
    srv.fail(1, { drop: 'resumable' });
    expect(textOf(await c.call('echo', { message: 'cut-resumed' }))).toBe('echo: cut-resumed');
    expect(srv.stats.resumes.length).toBe(resumes + 1);
    expect(srv.stats.calls.get('cut-resumed')).toBe(1);

    srv.fail(1, { drop: 'plain' });
    expect(textOf(await c.call('read', { message: 'cut-read' }))).toBe('read: cut-read');
    expect(srv.stats.calls.get('cut-read')).toBe(2);

    srv.fail(1, { drop: 'plain' });
    const lost = await c.call('echo', { message: 'cut-echo' });
    expect(lost.error.code).toBe(-32013);
    expect(lost.error.message).toMatch(/event stream|cut/);
    expect(lost.error.message).toMatch(/; sent, outcome unknown: "echo" is not marked read-only or idempotent/);
    expect(srv.stats.calls.get('cut-echo')).toBe(1);
    expectOneAnswerEach(c);
  });

  it("a client's progress token hears that the proxy is waiting for the server", async () => {
    const c = await rclient('progress');
    srv.fail(1, { status: 503 });
    const a = await c.request('tools/call', { name: 'echo', arguments: { message: 'with-progress' }, _meta: { progressToken: 'p-1' } });
    expect(textOf(a)).toBe('echo: with-progress');
    const progress = c.lines.filter((m) => m.method === 'notifications/progress' && m.params?.progressToken === 'p-1');
    expect(progress.map((m) => m.params.message)).toEqual(['waiting for the server (attempt 2)']);
  });

  it('a client that quits: its in-flight calls are cancelled upstream and the session DELETEd, on stdin close', async () => {
    const c = await rclient('quitter');
    const sessions = srv.stats.deleted.length;
    void c.call('slow', { ms: 20_000, message: 'quit-in-flight' }, { id: 'quit-1', timeoutMs: 60_000 }).catch(() => {});
    await waitFor(() => srv.stats.calls.get('quit-in-flight'), 'the call to reach the server');
    expect(srv.stats.deleted.length).toBe(sessions); // nothing ends before the client leaves
    c.child.stdin.end();
    await waitFor(() => srv.stats.deleted.length > sessions, 'the DELETE', 10_000);
    expect(srv.stats.cancelled).toContain('quit-1');
  });

  it('`connect` mode: the client quits, the DELETE and the cancellation still go out before it exits', async () => {
    const ch = makeTempHome();
    try {
      const c = RawConnector.connect(ch, `${srv.url}?connect=1`);
      open.push(c);
      await c.initialize('connect-quitter');
      await c.request('tools/list', undefined, { timeoutMs: 30_000 });
      const sessions = srv.stats.deleted.length;
      void c.call('slow', { ms: 20_000, message: 'connect-in-flight' }, { id: 'cq-1', timeoutMs: 60_000 }).catch(() => {});
      await waitFor(() => srv.stats.calls.get('connect-in-flight'), 'the call to reach the server');
      const exited = new Promise<void>((r) => c.child.once('exit', () => r()));
      c.child.stdin.end();
      await exited;
      // `connect` ran the host (and the proxy) in its own process: both are gone, and the
      // goodbye reached the server before they went.
      expect(srv.stats.deleted.length).toBeGreaterThan(sessions);
      expect(srv.stats.cancelled).toContain('cq-1');
    } finally {
      ch.cleanup();
    }
  });
});
