// The supervisor with REAL child processes: tiny fake proxy scripts written to a temp dir and run
// by the real NodeChildLauncher on this Node. No mocks. Time is the supervisor's Clock port, a
// FakeClock: backoff, the crash window and the stop timeout move only when a test advances it, so
// nothing here depends on how fast this machine runs the children.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent, ServerStatus } from '../../../common/contract';
import type { ProxyServerConfig, UpstreamTarget } from '../../shared/fork-protocol';
import type { ChildLauncher, LaunchSpec } from '../ports';
import { FakeClock } from '../testing/fake-clock';
import { NodeChildLauncher } from './node-child-launcher';
import { ProxySupervisor, type SupervisorOptions } from './proxy-supervisor';

const SCRIPTS = {
  // Dies at once, saying why on stderr.
  crash: `
    process.stderr.write('fatal: cannot bind port 4242\\n');
    process.exit(3);
  `,
  // Starts, then ignores the shutdown message and SIGTERM.
  stubborn: `
    process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\\n'));
    process.on('message', (m) => {
      if (m.type === 'start') {
        process.send({ type: 'listening', endpoint: m.endpoint });
        process.send({ type: 'state', state: 'ready' }, () => {
          if (process.env.SB_DISCONNECT) process.disconnect();
        });
      }
      if (m.type === 'shutdown') process.stderr.write('ignoring shutdown\\n');
    });
    setInterval(() => {}, 1000);
  `,
  // A proxy that answers stop-if-idle as the real one does: busy while SB_BUSY is set, else it stops.
  idler: `
    process.on('message', (m) => {
      if (m.type === 'start') {
        process.send({ type: 'listening', endpoint: m.endpoint });
        process.send({ type: 'state', state: 'ready' });
      }
      if (m.type === 'stop-if-idle') {
        const busy = !!process.env.SB_BUSY;
        process.send({ type: 'idle', stopping: !busy, connections: busy ? 1 : 0 }, () => { if (!busy) process.exit(0); });
      }
      if (m.type === 'shutdown') process.exit(0);
    });
  `,
  // Says whether its start message asked it to warm up.
  warmth: `
    process.on('message', (m) => {
      if (m.type === 'start') {
        process.send({ type: 'log', event: { ts: 1, level: 'info', server: 'x', message: 'warm ' + (m.warm === true) } });
        process.send({ type: 'listening', endpoint: m.endpoint });
        process.send({ type: 'state', state: 'ready' });
      }
      if (m.type === 'shutdown') process.exit(0);
    });
  `,
  // A well-behaved proxy.
  good: `
    process.on('message', (m) => {
      if (m.type === 'start') {
        process.send({ type: 'log', event: { ts: 1, level: 'info', server: 'spoofed', message: 'configured ' + m.server.id + ' at ' + m.endpoint + ' secret length ' + m.secret.length } });
        process.send({ type: 'listening', endpoint: m.endpoint });
        process.send({ type: 'transport', transport: { kind: 'sse', url: m.server.url + '/sse' } });
        process.send({ type: 'state', state: 'ready', detail: 'Connected to ' + m.server.name });
      }
      if (m.type === 'shutdown') process.exit(0);
    });
  `,
};

let dir: string;
const script = (name: keyof typeof SCRIPTS) => path.join(dir, `${name}.js`);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-supervisor-'));
  for (const [name, code] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(dir, `${name}.js`), code);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The real launcher, choosing the script per server and remembering every child it started. */
class RecordingLauncher implements ChildLauncher {
  readonly children: { server: string; child: ChildProcess; closed: Promise<void>; signals: string[] }[] = [];
  private readonly real: NodeChildLauncher;
  constructor(
    private readonly scriptFor: (server: string) => string,
    env: NodeJS.ProcessEnv = process.env,
    execPath = process.execPath,
  ) {
    this.real = new NodeChildLauncher(execPath, env);
  }
  launch(spec: LaunchSpec): ChildProcess {
    const server = spec.name.replace(/^proxy:/, '');
    const child = this.real.launch({ ...spec, script: this.scriptFor(server) });
    // 'close' is what the supervisor acts on (restart or not): tests wait for it, not for a while.
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    // The signals the supervisor sends, in order (a killed process lingers until reaped, so its
    // pid says little about when the signal went out).
    const signals: string[] = [];
    const kill = child.kill.bind(child);
    child.kill = (signal?: NodeJS.Signals | number) => {
      signals.push(String(signal ?? 'SIGTERM'));
      return kill(signal);
    };
    this.children.push({ server, child, closed, signals });
    return child;
  }
  signals(child: ChildProcess): string[] {
    return this.children.find((c) => c.child === child)!.signals;
  }
  /** Resolves once the child's 'close' has been handled (the supervisor's listener runs first). */
  closed(child: ChildProcess): Promise<void> {
    return this.children.find((c) => c.child === child)!.closed;
  }
  of(server: string): ChildProcess[] {
    return this.children.filter((c) => c.server === server).map((c) => c.child);
  }
}

interface Rig {
  sup: ProxySupervisor;
  clock: FakeClock;
  launcher: RecordingLauncher;
  logs: LogEvent[];
  history: (ServerStatus & { at: number })[];
  transports: [string, UpstreamTarget][];
  states(server: string): string[];
}

const rigs: Rig[] = [];

function rig(scriptFor: (server: string) => string, opts: Partial<SupervisorOptions> = {}, env?: NodeJS.ProcessEnv, execPath?: string): Rig {
  const launcher = new RecordingLauncher(scriptFor, env, execPath);
  const logs: LogEvent[] = [];
  const history: (ServerStatus & { at: number })[] = [];
  const transports: [string, UpstreamTarget][] = [];
  const clock = new FakeClock();
  const sup = new ProxySupervisor({
    launcher,
    clock,
    proxyScript: '/not/used/proxy.js',
    secret: 'connector-secret-0123456789',
    endpointFor: (id) => `/tmp/sb-run/${id}.sock`,
    onLog: (e) => logs.push(e),
    onTransport: (id, t) => transports.push([id, t]),
    backoffBaseMs: 20,
    crashLoopCount: 3,
    stopTimeoutMs: 300,
    random: () => 0.5, // jitter factor exactly 1
    ...opts,
  });
  sup.onDidChangeStatus((s) => history.push({ ...s, at: clock.now() }));
  const r: Rig = {
    sup,
    clock,
    launcher,
    logs,
    history,
    transports,
    states: (server) => history.filter((s) => s.serverId === server).map((s) => s.state),
  };
  rigs.push(r);
  return r;
}

const config = (id: string, extra: Partial<ProxyServerConfig> = {}): ProxyServerConfig => ({
  id,
  name: id.toUpperCase(),
  url: `https://${id}.example.com/mcp`,
  headers: { 'X-Key': 'value' },
  ...extra,
});

/** Polls `cond`; the deadline only turns a hang into a clear failure (children start slowly on a busy machine). */
async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets a crashing server restart as often as it takes, moving the clock to each retry, until it is in error. */
async function crashLoop(r: Rig, server: string): Promise<void> {
  for (;;) {
    await waitFor(`${server} to crash`, () => ['retrying', 'error'].includes(r.sup.status(server)?.state ?? ''));
    const s = r.sup.status(server)!;
    if (s.state === 'error') return;
    r.clock.advanceTo(s.nextRetryAt!);
    expect(r.sup.status(server)?.state).toBe('starting'); // the retry ran, at its time
  }
}
const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    const disposed = r.sup.dispose();
    r.clock.advance(3_600_000); // past every stop timeout: a child that ignores the shutdown is killed
    await disposed;
    for (const { child } of r.launcher.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

describe('ProxySupervisor with real child processes', () => {
  it('a well-behaved proxy: configured over the fork channel, ready, stopped gracefully without a restart', async () => {
    const r = rig(() => script('good'));
    await r.sup.start(config('alpha'));
    await waitFor('ready', () => r.sup.status('alpha')?.state === 'ready');
    const [child] = r.launcher.of('alpha');
    const ready = r.sup.status('alpha')!;
    // The transport report changes the status without changing the state.
    expect(r.states('alpha')).toEqual(['starting', 'connecting', 'connecting', 'ready']);
    expect(r.history.map((s) => s.transport)).toEqual([undefined, undefined, 'sse', 'sse']);
    // Every change has a higher revision, so a window can tell an old status from a new one.
    expect(r.history.map((s) => s.rev)).toEqual([1, 2, 3, 4]);
    expect(ready).toMatchObject({ serverId: 'alpha', state: 'ready', pid: child.pid, restarts: 0, detail: 'Connected to ALPHA', transport: 'sse' });
    expect(r.sup.pid('alpha')).toBe(child.pid);
    // The child's log event is attributed to the server it runs for, whatever it claims.
    expect(r.logs).toContainEqual({
      ts: 1,
      level: 'info',
      server: 'alpha',
      message: 'configured alpha at /tmp/sb-run/alpha.sock secret length 27',
    });
    expect(r.transports).toEqual([['alpha', { kind: 'sse', url: 'https://alpha.example.com/mcp/sse' }]]);

    await r.sup.stop('alpha');
    // Graceful: it exited by itself on the shutdown message, no SIGKILL.
    expect(child.exitCode).toBe(0);
    expect(child.signalCode).toBeNull();
    expect(r.sup.status('alpha')).toMatchObject({ state: 'stopped', pid: undefined, restarts: 0 });
    expect(r.sup.pid('alpha')).toBeUndefined();
    // The exit has been handled, and no restart is due, however long we wait.
    await r.launcher.closed(child);
    expect(r.clock.pending()).toEqual([]);
    r.clock.advance(3_600_000);
    expect(r.launcher.children).toHaveLength(1);
    expect(r.sup.status('alpha')?.state).toBe('stopped');
    expect(r.logs.some((l) => /stopped unexpectedly/.test(l.message))).toBe(false);
  });

  it('a crashing proxy is restarted with backoff, then marked error with the stderr line after crashLoopCount crashes', async () => {
    const r = rig(() => script('crash'));
    await r.sup.start(config('bad'));

    // Backoff: base * 2^n with jitter factor 1 → 20 ms, then 40 ms; each retry runs at its time, not before.
    for (const [n, wait] of [
      [1, 20],
      [2, 40],
    ]) {
      await waitFor(`crash ${n}`, () => r.sup.status('bad')?.state === 'retrying');
      const crashedAt = r.clock.now();
      expect(r.clock.pending()).toEqual([crashedAt + wait]);
      r.clock.advance(wait - 1);
      expect(r.launcher.of('bad')).toHaveLength(n);
      expect(r.sup.status('bad')?.state).toBe('retrying');
      r.clock.advance(1);
      expect(r.launcher.of('bad')).toHaveLength(n + 1);
      expect(r.sup.status('bad')?.state).toBe('starting');
    }
    await waitFor('error', () => r.sup.status('bad')?.state === 'error');

    expect(r.launcher.of('bad')).toHaveLength(3);
    for (const c of r.launcher.of('bad')) expect(c.exitCode).toBe(3);
    expect(r.states('bad')).toEqual(['starting', 'retrying', 'starting', 'retrying', 'starting', 'error']);

    const status = r.sup.status('bad')!;
    expect(status.state).toBe('error');
    expect(status.restarts).toBe(2);
    expect(status.pid).toBeUndefined();
    expect(status.lastError).toBe('the proxy exited with code 3: fatal: cannot bind port 4242 (3 crashes in 60 s; restart it when fixed)');
    expect(status.detail).toBe(status.lastError);

    const bad = r.history.filter((s) => s.serverId === 'bad');
    const retrying = bad.filter((s) => s.state === 'retrying');
    expect(retrying.map((s) => s.lastError)).toEqual([
      'the proxy exited with code 3: fatal: cannot bind port 4242',
      'the proxy exited with code 3: fatal: cannot bind port 4242',
    ]);
    const delays = retrying.map((s) => s.nextRetryAt! - s.since);
    expect(delays).toEqual([20, 40]);
    // And the restarts really waited that long.
    const i1 = bad.indexOf(retrying[0]);
    const i2 = bad.indexOf(retrying[1]);
    expect(bad[i1 + 1].at - retrying[0].at).toBe(20);
    expect(bad[i2 + 1].at - retrying[1].at).toBe(40);

    // The stderr line reached the log too, and the crash-loop stops the restarts: none is due, ever.
    expect(r.logs.filter((l) => l.message === 'proxy stderr: fatal: cannot bind port 4242')).toHaveLength(3);
    expect(r.logs.filter((l) => l.server === 'bad' && /^Proxy stopped unexpectedly: /.test(l.message))).toHaveLength(3);
    expect(r.clock.pending()).toEqual([]);
    r.clock.advance(3_600_000);
    expect(r.launcher.of('bad')).toHaveLength(3);
    expect(r.sup.status('bad')?.state).toBe('error');
  });

  it('crashes further apart than crashWindowMs are not a crash loop, and the backoff starts over', async () => {
    const r = rig(() => script('crash'), { crashWindowMs: 1000 });
    await r.sup.start(config('bad'));
    for (let n = 1; n <= 4; n++) {
      await waitFor(`crash ${n}`, () => r.sup.status('bad')?.state === 'retrying' && r.launcher.of('bad').length === n);
      const s = r.sup.status('bad')!;
      // Only this crash is recent: the first backoff step again, not 20 * 2^(n-1).
      expect(s.nextRetryAt! - s.since).toBe(20);
      expect(s.restarts).toBe(n - 1);
      // The retry runs, and the next crash comes more than a window later.
      r.clock.advance(1500);
      expect(r.launcher.of('bad')).toHaveLength(n + 1);
    }
    expect(r.history.some((s) => s.serverId === 'bad' && s.state === 'error')).toBe(false);
    // Three crashes within the window make a loop, whatever came before.
    await crashLoop(r, 'bad');
    expect(r.launcher.of('bad')).toHaveLength(7);
    expect(r.sup.status('bad')?.lastError).toMatch(/\(3 crashes in 1 s; restart it when fixed\)$/);
  });

  it('restart() after a crash loop tries again from scratch', async () => {
    const r = rig(() => script('crash'), { crashLoopCount: 2 });
    await r.sup.start(config('bad'));
    await crashLoop(r, 'bad');
    expect(r.launcher.of('bad')).toHaveLength(2);
    await r.sup.restart('bad');
    expect(r.sup.status('bad')?.state).toBe('starting');
    await crashLoop(r, 'bad');
    expect(r.launcher.of('bad')).toHaveLength(4);
    expect(r.sup.status('bad')?.lastError).toMatch(/^the proxy exited with code 3: fatal: cannot bind port 4242 \(2 crashes/);
  });

  it('a proxy that cannot be spawned at all counts as a crash and ends in error with the reason', async () => {
    const r = rig(() => script('good'), {}, undefined, path.join(dir, 'no-such-runtime'));
    await r.sup.start(config('ghost'));
    await crashLoop(r, 'ghost');
    expect(r.launcher.of('ghost')).toHaveLength(3);
    expect(r.sup.status('ghost')?.lastError).toMatch(/^could not start the proxy: spawn \S*no-such-runtime ENOENT \(3 crashes/);
    expect(r.sup.pid('ghost')).toBeUndefined();
  });

  it('one crashing server does not touch another server', async () => {
    const r = rig((server) => script(server === 'good' ? 'good' : 'crash'));
    await r.sup.start(config('good'));
    await waitFor('good ready', () => r.sup.status('good')?.state === 'ready');
    const goodPid = r.sup.pid('good')!;
    const goodEventsBefore = r.history.filter((s) => s.serverId === 'good').length;

    await r.sup.start(config('bad'));
    await crashLoop(r, 'bad');

    expect(r.history.filter((s) => s.serverId === 'good')).toHaveLength(goodEventsBefore);
    expect(r.sup.status('good')).toMatchObject({ state: 'ready', pid: goodPid, restarts: 0 });
    expect(r.sup.status('good')?.lastError).toBeUndefined();
    expect(alive(goodPid)).toBe(true);
    expect(r.launcher.of('good')).toHaveLength(1);
    expect(r.logs.filter((l) => l.server === 'good' && l.level === 'error')).toEqual([]);
    expect(
      r.sup
        .statuses()
        .map((s) => `${s.serverId}:${s.state}`)
        .sort(),
    ).toEqual(['bad:error', 'good:ready']);
  });

  it('stop() kills a proxy that ignores the shutdown message with SIGKILL after stopTimeoutMs', async () => {
    const r = rig(() => script('stubborn'), { stopTimeoutMs: 300 });
    await r.sup.start(config('mule'));
    await waitFor('ready', () => r.sup.status('mule')?.state === 'ready');
    const [child] = r.launcher.of('mule');
    const pid = child.pid!;

    let stopped = false;
    const stopping = r.sup.stop('mule').then(() => (stopped = true));
    // It was asked politely first, and said no.
    await waitFor('the shutdown to be ignored', () => r.logs.some((l) => l.message === 'proxy stderr: ignoring shutdown'));
    expect(r.clock.pending()).toEqual([r.clock.now() + 300]);
    r.clock.advance(299);
    expect(r.launcher.signals(child)).toEqual([]);
    expect(stopped).toBe(false);
    r.clock.advance(1);
    expect(r.launcher.signals(child)).toEqual(['SIGKILL']);
    await stopping;
    expect(child.signalCode).toBe('SIGKILL');
    expect(alive(pid)).toBe(false);
    expect(r.logs.map((l) => l.message)).toContain('proxy stderr: ignoring shutdown');
    expect(r.sup.status('mule')).toMatchObject({ state: 'stopped', pid: undefined });
    await r.launcher.closed(child);
    r.clock.advance(3_600_000);
    expect(r.launcher.children).toHaveLength(1); // killed on purpose: no restart
  });

  it('stop() sends SIGTERM to a proxy without a fork channel, then SIGKILL when it ignores that too', async () => {
    const r = rig(() => script('stubborn'), { stopTimeoutMs: 300 }, { ...process.env, SB_DISCONNECT: '1' });
    await r.sup.start(config('mule'));
    await waitFor('ready', () => r.sup.status('mule')?.state === 'ready');
    const [child] = r.launcher.of('mule');
    await waitFor('disconnect', () => !child.connected);

    const stopping = r.sup.stop('mule');
    await waitFor('SIGTERM to be ignored', () => r.logs.some((l) => l.message === 'proxy stderr: ignoring SIGTERM'));
    r.clock.advance(299);
    expect(r.launcher.signals(child)).toEqual(['SIGTERM']);
    r.clock.advance(1);
    expect(r.launcher.signals(child)).toEqual(['SIGTERM', 'SIGKILL']);
    await stopping;
    expect(r.logs.map((l) => l.message)).toContain('proxy stderr: ignoring SIGTERM');
    expect(child.signalCode).toBe('SIGKILL');
    expect(r.sup.status('mule')?.state).toBe('stopped');
  });

  it('start() with the same config keeps the child; a changed config replaces it', async () => {
    const r = rig(() => script('good'));
    // As the app does: the transport the proxy reported is remembered and passed back in.
    const same = config('alpha', { transport: { kind: 'sse', url: 'https://alpha.example.com/mcp/sse' } });
    await r.sup.start(same);
    await waitFor('ready', () => r.sup.status('alpha')?.state === 'ready');
    const first = r.sup.pid('alpha');
    await r.sup.start({ ...same });
    expect(r.launcher.children).toHaveLength(1);
    expect(r.sup.pid('alpha')).toBe(first);

    await r.sup.start(config('alpha', { headers: { 'X-Key': 'changed' } }));
    await waitFor('ready again', () => r.sup.status('alpha')?.state === 'ready' && r.sup.pid('alpha') !== first);
    expect(r.launcher.children).toHaveLength(2);
    expect(r.launcher.children[0].child.exitCode).toBe(0);
    expect(r.sup.status('alpha')?.restarts).toBe(0);
  });

  it('dispose() stops every proxy and reports them stopped', async () => {
    const r = rig((server) => script(server === 'b' ? 'crash' : 'good'), { backoffBaseMs: 10_000 });
    await r.sup.start(config('a'));
    await r.sup.start(config('b'));
    await waitFor('a ready, b waiting to retry', () => r.sup.status('a')?.state === 'ready' && r.sup.status('b')?.state === 'retrying');
    const a = r.launcher.of('a')[0];
    await r.sup.dispose();
    await exited(a);
    expect(a.exitCode).toBe(0);
    expect(r.sup.statuses().map((s) => s.state)).toEqual(['stopped', 'stopped']);
    await r.sup.start(config('c')); // ignored after dispose
    expect(r.launcher.of('c')).toHaveLength(0);
  });

  it('park() keeps a server idle with no process; start() runs it from there', async () => {
    const r = rig(() => script('idler'));
    await r.sup.park(config('a'));
    expect(r.sup.status('a')?.state).toBe('idle');
    expect(r.sup.isParked('a')).toBe(true);
    expect(r.sup.isWanted('a')).toBe(false);
    expect(r.launcher.children).toHaveLength(0);
    await r.sup.start(config('a'));
    expect(r.sup.isParked('a')).toBe(false);
    await waitFor('ready', () => r.sup.status('a')?.state === 'ready');
    expect(r.states('a')).toEqual(['idle', 'starting', 'connecting', 'ready']);
  });

  it('an idle stop ends the process as intended: state idle, no restart, no crash counted', async () => {
    const r = rig(() => script('idler'));
    await r.sup.start(config('a'));
    await waitFor('ready', () => r.sup.status('a')?.state === 'ready');
    const child = r.launcher.of('a')[0]!;
    r.sup.stopIfIdle('a');
    await r.launcher.closed(child);
    expect(r.sup.status('a')?.state).toBe('idle');
    expect(r.sup.status('a')?.pid).toBeUndefined();
    expect(r.sup.isParked('a')).toBe(true);
    r.clock.advance(60_000); // no backoff restart is pending
    expect(r.launcher.children).toHaveLength(1);
    expect(r.sup.status('a')?.restarts).toBe(0);
    expect(r.logs.some((l) => /stopped unexpectedly/.test(l.message))).toBe(false);
  });

  it('a busy proxy keeps running when asked to stop for idle', async () => {
    const r = rig(() => script('idler'), {}, { ...process.env, SB_BUSY: '1' });
    await r.sup.start(config('a'));
    await waitFor('ready', () => r.sup.status('a')?.state === 'ready');
    const child = r.launcher.of('a')[0]!;
    const answered = new Promise<unknown>((resolve) => child.on('message', (m: any) => m?.type === 'idle' && resolve(m)));
    r.sup.stopIfIdle('a');
    expect(await answered).toEqual({ type: 'idle', stopping: false, connections: 1 });
    expect(child.exitCode).toBeNull();
    expect(r.sup.isWanted('a')).toBe(true);
    expect(r.sup.status('a')?.state).toBe('ready');
  });

  it('a check of a parked server sets its state; a running or stopped server ignores checks', async () => {
    const r = rig(() => script('idler'));
    await r.sup.park(config('a'));
    r.sup.applyCheck('a', { type: 'checked', outcome: 'needs-sign-in', detail: 'Sign in to a.example.com' });
    expect(r.sup.status('a')).toMatchObject({ state: 'needs-sign-in', detail: 'Sign in to a.example.com' });
    r.sup.applyCheck('a', { type: 'checked', outcome: 'unreachable', detail: 'Nothing answers', nextCheckAt: 42 });
    expect(r.sup.status('a')).toMatchObject({ state: 'retrying', nextRetryAt: 42 });
    r.sup.applyCheck('a', { type: 'checked', outcome: 'ok' });
    expect(r.sup.status('a')).toMatchObject({ state: 'idle', detail: undefined });
    await r.sup.stop('a');
    r.sup.applyCheck('a', { type: 'checked', outcome: 'needs-sign-in' });
    expect(r.sup.status('a')?.state).toBe('stopped');
    await r.sup.start(config('b'));
    await waitFor('b ready', () => r.sup.status('b')?.state === 'ready');
    r.sup.applyCheck('b', { type: 'checked', outcome: 'unreachable' });
    expect(r.sup.status('b')?.state).toBe('ready');
  });

  it('a proxy started for a client is told to warm up; its restarts are not', async () => {
    const r = rig(() => script('warmth'));
    await r.sup.start(config('a'), { forClient: true });
    await waitFor('ready', () => r.sup.status('a')?.state === 'ready');
    await r.sup.restart('a');
    await waitFor('second start', () => r.logs.filter((l) => /^warm /.test(l.message)).length === 2);
    expect(r.logs.filter((l) => /^warm /.test(l.message)).map((l) => l.message)).toEqual(['warm true', 'warm false']);
  });
});
