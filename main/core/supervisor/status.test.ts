import { describe, expect, it } from 'vitest';
import type { ServerState, ServerStatus } from '../../../common/contract';
import { initialStatus, reduceStatus, worstState, ZERO_COUNTERS, type StatusEvent } from './status';

const counters = { connections: 2, connectionsTotal: 5, requests: 40, errors: 1 };

function run(events: StatusEvent[], start = initialStatus('srv', 0)): ServerStatus[] {
  const out: ServerStatus[] = [];
  let s = start;
  events.forEach((ev, i) => {
    s = reduceStatus(s, ev, (i + 1) * 100);
    out.push(s);
  });
  return out;
}
const last = (events: StatusEvent[], start?: ServerStatus) => run(events, start).at(-1)!;

describe('initialStatus', () => {
  it('is stopped with zero counters', () => {
    expect(initialStatus('notion', 123)).toEqual({
      serverId: 'notion',
      state: 'stopped',
      since: 123,
      restarts: 0,
      counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 },
    });
    // Counters are a copy, not the shared constant.
    expect(initialStatus('x', 0).counters).not.toBe(ZERO_COUNTERS);
  });
});

describe('reduceStatus', () => {
  it('protocol: a connection names both revisions; a health check of the same server revision keeps them', () => {
    const bridged = { server: '2026-07-28', client: '2025-06-18', bridged: true };
    const s = last([
      { type: 'protocol', protocol: bridged },
      { type: 'protocol', protocol: { server: '2026-07-28' } },
    ]);
    expect(s.protocol).toEqual(bridged);
    expect(reduceStatus(s, { type: 'protocol', protocol: { server: '2025-11-25' } }, 999).protocol).toEqual({ server: '2025-11-25' });
  });

  it('spawned → starting with the pid, since updated', () => {
    const s = reduceStatus(initialStatus('srv', 0), { type: 'spawned', pid: 42 }, 100);
    expect(s).toEqual({ serverId: 'srv', state: 'starting', since: 100, pid: 42, detail: 'Starting the proxy', restarts: 0, counters: ZERO_COUNTERS });
  });

  it('spawned resets open connections (they belonged to the old process) but keeps totals', () => {
    const start: ServerStatus = { ...initialStatus('srv', 0), state: 'ready', pid: 1, counters };
    const s = reduceStatus(start, { type: 'spawned', pid: 2 }, 100);
    expect(s.counters).toEqual({ connections: 0, connectionsTotal: 5, requests: 40, errors: 1 });
    expect(s.restarts).toBe(0);
  });

  it('listening → connecting only from starting', () => {
    const [, connecting] = run([{ type: 'spawned', pid: 1 }, { type: 'listening' }]);
    expect(connecting).toMatchObject({ state: 'connecting', detail: 'Checking the server', since: 200, pid: 1 });
    const ready: ServerStatus = { ...initialStatus('srv', 0), state: 'ready', since: 50 };
    expect(reduceStatus(ready, { type: 'listening' }, 999)).toBe(ready);
    const stopped = initialStatus('srv', 0);
    expect(reduceStatus(stopped, { type: 'listening' }, 999)).toBe(stopped);
  });

  it('proxy-state moves to the reported state with its detail', () => {
    const s = last([{ type: 'spawned', pid: 1 }, { type: 'listening' }, { type: 'proxy-state', state: 'ready', detail: 'Connected' }]);
    expect(s).toMatchObject({ state: 'ready', detail: 'Connected', since: 300, pid: 1 });
    expect(s.lastError).toBeUndefined();
    expect('nextRetryAt' in s).toBe(false);
  });

  it('proxy-state retrying records nextRetryAt and the detail as lastError', () => {
    const s = last([
      { type: 'spawned', pid: 1 },
      { type: 'proxy-state', state: 'retrying', detail: 'Upstream answered 502 Bad Gateway', nextRetryAt: 5000 },
    ]);
    expect(s).toMatchObject({
      state: 'retrying',
      detail: 'Upstream answered 502 Bad Gateway',
      lastError: 'Upstream answered 502 Bad Gateway',
      nextRetryAt: 5000,
    });
  });

  it('needs-sign-in records its detail as lastError; without a detail the old lastError stays', () => {
    const s = last([
      { type: 'spawned', pid: 1 },
      { type: 'proxy-state', state: 'needs-sign-in', detail: 'Upstream answered 401 Unauthorized' },
    ]);
    expect(s).toMatchObject({ state: 'needs-sign-in', lastError: 'Upstream answered 401 Unauthorized' });
    const t = reduceStatus(s, { type: 'proxy-state', state: 'retrying', nextRetryAt: 10 }, 1000);
    expect(t.lastError).toBe('Upstream answered 401 Unauthorized');
    expect(t.detail).toBeUndefined();
  });

  it('recovery to ready keeps lastError and drops nextRetryAt', () => {
    const s = last([
      { type: 'spawned', pid: 1 },
      { type: 'proxy-state', state: 'retrying', detail: 'connection refused', nextRetryAt: 5000 },
      { type: 'proxy-state', state: 'ready' },
    ]);
    expect(s.state).toBe('ready');
    expect(s.lastError).toBe('connection refused');
    expect('nextRetryAt' in s).toBe(false);
    expect(s.detail).toBeUndefined();
  });

  it('since changes only when the state changes', () => {
    const [, a, b] = run([
      { type: 'spawned', pid: 1 },
      { type: 'proxy-state', state: 'retrying', detail: 'one', nextRetryAt: 1 },
      { type: 'proxy-state', state: 'retrying', detail: 'two', nextRetryAt: 2 },
    ]);
    expect(a.since).toBe(200);
    expect(b.since).toBe(200);
    expect(b).toMatchObject({ detail: 'two', lastError: 'two', nextRetryAt: 2 });
  });

  it('proxy-state is ignored when stopped or in error (a late message from a dying child)', () => {
    const stopped = initialStatus('srv', 0);
    expect(reduceStatus(stopped, { type: 'proxy-state', state: 'ready' }, 5)).toBe(stopped);
    const error: ServerStatus = { ...stopped, state: 'error', lastError: 'boom' };
    expect(reduceStatus(error, { type: 'proxy-state', state: 'ready' }, 5)).toBe(error);
  });

  it('metrics replace the counters and set lastError only when given', () => {
    const ready: ServerStatus = { ...initialStatus('srv', 0), state: 'ready', since: 7, lastError: 'old' };
    const a = reduceStatus(ready, { type: 'metrics', counters }, 100);
    expect(a).toEqual({ ...ready, counters });
    expect(a.counters).not.toBe(counters);
    const b = reduceStatus(a, { type: 'metrics', counters, lastError: 'new' }, 200);
    expect(b.lastError).toBe('new');
    expect(b.since).toBe(7);
    expect(b.state).toBe('ready');
  });

  it('transport is recorded, and the same transport is no change', () => {
    const s = initialStatus('srv', 0);
    const a = reduceStatus(s, { type: 'transport', transport: 'sse' }, 1);
    expect(a.transport).toBe('sse');
    expect(reduceStatus(a, { type: 'transport', transport: 'sse' }, 2)).toBe(a);
    expect(reduceStatus(a, { type: 'transport', transport: 'streamable-http' }, 2).transport).toBe('streamable-http');
  });

  it('crashed → retrying with the reason, no pid, zero open connections', () => {
    const ready: ServerStatus = { ...initialStatus('srv', 0), state: 'ready', pid: 9, counters };
    const s = reduceStatus(ready, { type: 'crashed', reason: 'the proxy exited with code 3', nextRetryAt: 1500 }, 1000);
    expect(s).toEqual({
      serverId: 'srv',
      state: 'retrying',
      since: 1000,
      pid: undefined,
      detail: 'the proxy exited with code 3; restarting',
      lastError: 'the proxy exited with code 3',
      nextRetryAt: 1500,
      restarts: 0,
      counters: { ...counters, connections: 0 },
    });
  });

  it('counts a restart when a crashed proxy is spawned again, not on the first start or an upstream retry', () => {
    const states = run([
      { type: 'spawned', pid: 1 },
      { type: 'proxy-state', state: 'ready' },
      { type: 'crashed', reason: 'r1', nextRetryAt: 1 },
      { type: 'spawned', pid: 2 },
      { type: 'proxy-state', state: 'retrying', detail: 'upstream down', nextRetryAt: 2 },
      { type: 'proxy-state', state: 'ready' },
      { type: 'crashed', reason: 'r2', nextRetryAt: 3 },
      { type: 'spawned', pid: 3 },
    ]);
    expect(states.map((s) => s.restarts)).toEqual([0, 0, 0, 1, 1, 1, 1, 2]);
    expect(states.map((s) => s.state)).toEqual(['starting', 'ready', 'retrying', 'starting', 'retrying', 'ready', 'retrying', 'starting']);
    expect(states.at(-1)!.pid).toBe(3);
    expect(states.at(-1)!.lastError).toBe('r2');
  });

  it('a spawn while the proxy itself is retrying upstream is not a restart', () => {
    const retrying: ServerStatus = { ...initialStatus('srv', 0), state: 'retrying', pid: 5, restarts: 4 };
    expect(reduceStatus(retrying, { type: 'spawned', pid: 6 }, 1).restarts).toBe(4);
  });

  it('crash-loop → error with the reason', () => {
    const retrying: ServerStatus = { ...initialStatus('srv', 0), state: 'retrying', nextRetryAt: 99, restarts: 2, counters };
    const s = reduceStatus(retrying, { type: 'crash-loop', reason: 'exited with code 3 (3 crashes in 60 s)' }, 500);
    expect(s).toEqual({
      serverId: 'srv',
      state: 'error',
      since: 500,
      pid: undefined,
      detail: 'exited with code 3 (3 crashes in 60 s)',
      lastError: 'exited with code 3 (3 crashes in 60 s)',
      restarts: 2,
      counters: { ...counters, connections: 0 },
    });
    expect('nextRetryAt' in s).toBe(false);
  });

  it('a user restart from error starts again without counting a restart, keeping lastError', () => {
    const error: ServerStatus = { ...initialStatus('srv', 0), state: 'error', lastError: 'boom', restarts: 2 };
    const s = reduceStatus(error, { type: 'spawned', pid: 7 }, 10);
    expect(s).toMatchObject({ state: 'starting', pid: 7, restarts: 2, lastError: 'boom' });
  });

  it('stopped clears pid, detail, nextRetryAt and open connections, keeps lastError', () => {
    const retrying: ServerStatus = {
      ...initialStatus('srv', 0),
      state: 'retrying',
      pid: 3,
      detail: 'x',
      lastError: 'why',
      nextRetryAt: 77,
      counters,
    };
    const s = reduceStatus(retrying, { type: 'stopped' }, 900);
    expect(s).toEqual({
      serverId: 'srv',
      state: 'stopped',
      since: 900,
      pid: undefined,
      detail: undefined,
      lastError: 'why',
      restarts: 0,
      counters: { ...counters, connections: 0 },
    });
    expect('nextRetryAt' in s).toBe(false);
    expect(reduceStatus(s, { type: 'stopped' }, 1000)).toBe(s);
  });

  it('does not mutate its input', () => {
    const s: ServerStatus = { ...initialStatus('srv', 0), state: 'ready', pid: 1, counters: { ...counters } };
    const copy = structuredClone(s);
    for (const ev of [
      { type: 'spawned', pid: 2 },
      { type: 'crashed', reason: 'x', nextRetryAt: 1 },
      { type: 'crash-loop', reason: 'x' },
      { type: 'stopped' },
      { type: 'metrics', counters: ZERO_COUNTERS },
      { type: 'proxy-state', state: 'retrying', nextRetryAt: 5 },
    ] as StatusEvent[]) {
      reduceStatus(s, ev, 5);
    }
    expect(s).toEqual(copy);
  });
});

describe('worstState', () => {
  it('is undefined for no servers', () => {
    expect(worstState([])).toBeUndefined();
  });

  it('picks the worst state', () => {
    expect(worstState(['ready', 'stopped'])).toBe('ready');
    expect(worstState(['ready', 'starting', 'stopped'])).toBe('starting');
    expect(worstState(['ready', 'connecting'])).toBe('connecting');
    expect(worstState(['connecting', 'retrying', 'ready'])).toBe('retrying');
    expect(worstState(['retrying', 'needs-sign-in'])).toBe('needs-sign-in');
    expect(worstState(['needs-sign-in', 'error', 'ready'])).toBe('error');
    expect(worstState(['stopped'])).toBe('stopped');
  });

  it('orders every state', () => {
    const order: ServerState[] = ['stopped', 'ready', 'starting', 'retrying', 'needs-sign-in', 'error'];
    for (let i = 1; i < order.length; i++) {
      expect(worstState([order[i - 1], order[i]])).toBe(order[i]);
      expect(worstState([order[i], order[i - 1]])).toBe(order[i]);
    }
  });
});

describe('on demand: parked and checked', () => {
  it('a stopped-for-idle proxy leaves the server idle, with no pid and no open connections; a start runs it again', () => {
    const states = run([
      { type: 'spawned', pid: 7 },
      { type: 'listening' },
      { type: 'proxy-state', state: 'ready' },
      { type: 'metrics', counters },
      { type: 'parked' },
    ]);
    const idle = states.at(-1)!;
    expect(idle).toMatchObject({ state: 'idle', pid: undefined, detail: undefined, restarts: 0 });
    expect(idle.counters).toEqual({ ...counters, connections: 0 });
    expect(reduceStatus(idle, { type: 'spawned', pid: 8 }, 900)).toMatchObject({ state: 'starting', pid: 8, restarts: 0 });
  });

  it('a check of an idle server shows needs-sign-in or retrying (next check as nextRetryAt), and idle again when it answers', () => {
    const idle = last([{ type: 'parked' }]);
    const signIn = reduceStatus(idle, { type: 'checked', outcome: 'needs-sign-in', detail: 'Sign in to x' }, 1000);
    expect(signIn).toMatchObject({ state: 'needs-sign-in', detail: 'Sign in to x', lastError: 'Sign in to x', since: 1000 });
    const down = reduceStatus(signIn, { type: 'checked', outcome: 'unreachable', detail: 'Nothing answers', nextCheckAt: 5000 }, 2000);
    expect(down).toMatchObject({ state: 'retrying', nextRetryAt: 5000, detail: 'Nothing answers' });
    const back = reduceStatus(down, { type: 'checked', outcome: 'ok' }, 3000);
    expect(back).toMatchObject({ state: 'idle', detail: undefined });
    expect(back.nextRetryAt).toBeUndefined();
    expect(reduceStatus(back, { type: 'checked', outcome: 'ok' }, 4000)).toBe(back);
  });

  it('a check never touches a running proxy, or a stopped or failed server', () => {
    const running = last([{ type: 'spawned', pid: 7 }, { type: 'listening' }, { type: 'proxy-state', state: 'ready' }]);
    expect(reduceStatus(running, { type: 'checked', outcome: 'unreachable' }, 1)).toBe(running);
    const stopped = initialStatus('srv', 0);
    expect(reduceStatus(stopped, { type: 'checked', outcome: 'needs-sign-in' }, 1)).toBe(stopped);
    const failed = last([{ type: 'crash-loop', reason: 'boom' }]);
    expect(reduceStatus(failed, { type: 'checked', outcome: 'ok' }, 1)).toBe(failed);
  });

  it('an idle server counts as fine, like a ready one', () => {
    expect(worstState(['idle', 'ready'])).not.toBe('stopped');
    expect(worstState(['idle', 'retrying'])).toBe('retrying');
    expect(worstState(['stopped', 'idle'])).toBe('idle');
  });
});
