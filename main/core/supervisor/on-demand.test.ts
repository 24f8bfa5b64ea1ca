import { describe, expect, it } from 'vitest';
import type { ServerStatus } from '../../../common/contract';
import { FakeClock } from '../testing/fake-clock';
import { OnDemand, type OnDemandTarget } from './on-demand';
import type { StateCheckResult } from '../servers/state-check';

function status(serverId: string, pid: number | undefined, connections: number, state: ServerStatus['state'] = 'ready'): ServerStatus {
  return { serverId, state, since: 0, restarts: 0, pid, counters: { connections, connectionsTotal: connections, requests: 0, errors: 0 } };
}

function setup(opts: { idleMs?: number; checks?: StateCheckResult[] } = {}) {
  const clock = new FakeClock(1_000_000);
  const asked: string[] = [];
  const applied: Array<{ id: string; outcome: string; detail?: string; nextCheckAt?: number }> = [];
  const parked = new Set<string>();
  const checks = [...(opts.checks ?? [])];
  const checked: string[] = [];
  let idleMs = opts.idleMs ?? 5 * 60_000;
  const target: OnDemandTarget = {
    isParked: (id) => parked.has(id),
    stopIfIdle: (id) => asked.push(id),
    applyCheck: (id, ev) => applied.push({ id, outcome: ev.outcome, detail: ev.detail, nextCheckAt: ev.nextCheckAt }),
  };
  const od = new OnDemand({
    clock,
    target,
    idleMs: () => idleMs,
    check: async (id) => {
      checked.push(id);
      return checks.shift() ?? { outcome: 'ok' };
    },
    ids: () => ['a', 'b'],
    checkEveryMs: 10 * 60_000,
  });
  return { clock, od, asked, applied, parked, checked, setIdle: (ms: number) => (idleMs = ms) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('OnDemand: idle stop', () => {
  it('asks a proxy with no connection to stop once the idle time has passed, not before', () => {
    const { clock, od, asked } = setup();
    od.observe(status('a', 100, 0, 'starting'));
    clock.advance(5 * 60_000 - 1);
    expect(asked).toEqual([]);
    clock.advance(1);
    expect(asked).toEqual(['a']);
  });

  it('a connection cancels the timer; the idle time counts again from the moment the last client left', () => {
    const { clock, od, asked } = setup();
    od.observe(status('a', 100, 0));
    clock.advance(4 * 60_000);
    od.observe(status('a', 100, 1)); // a client connected
    clock.advance(60 * 60_000); // an hour-long session
    expect(asked).toEqual([]);
    od.observe(status('a', 100, 0)); // it left
    clock.advance(5 * 60_000 - 1);
    expect(asked).toEqual([]);
    clock.advance(1);
    expect(asked).toEqual(['a']);
  });

  it('asks again after another idle time when the proxy said it was busy (its status did not change)', () => {
    const { clock, od, asked } = setup();
    od.observe(status('a', 100, 0));
    clock.advance(5 * 60_000);
    clock.advance(5 * 60_000);
    expect(asked).toEqual(['a', 'a']);
  });

  it('a new process gets a new timer; a process that ended has none', () => {
    const { clock, od, asked } = setup();
    od.observe(status('a', 100, 0));
    clock.advance(3 * 60_000);
    od.observe(status('a', 200, 0, 'starting')); // restarted: counts from now
    clock.advance(3 * 60_000);
    expect(asked).toEqual([]);
    od.observe(status('a', undefined, 0, 'retrying')); // crashed
    clock.advance(60 * 60_000);
    expect(asked).toEqual([]);
  });

  it('idle time 0 keeps proxies running; a changed idle time applies from the change', () => {
    const { clock, od, asked, setIdle } = setup({ idleMs: 0 });
    od.observe(status('a', 100, 0));
    clock.advance(24 * 3600_000);
    expect(asked).toEqual([]);
    setIdle(60_000);
    od.observe(status('a', 100, 0));
    clock.advance(60_000);
    expect(asked).toEqual(['a']);
    setIdle(10 * 60_000);
    od.resetTimers();
    clock.advance(9 * 60_000);
    expect(asked).toEqual(['a']);
    clock.advance(60_000);
    expect(asked).toEqual(['a', 'a']);
  });

  it('servers have their own timers', () => {
    const { clock, od, asked } = setup();
    od.observe(status('a', 100, 0));
    clock.advance(2 * 60_000);
    od.observe(status('b', 101, 0));
    clock.advance(3 * 60_000);
    expect(asked).toEqual(['a']);
    clock.advance(2 * 60_000);
    expect(asked).toEqual(['a', 'b']);
  });
});

describe('OnDemand: checks of servers with no proxy', () => {
  it('checks a server as soon as it becomes idle, and reports what it found with the next check time', async () => {
    const { clock, od, parked, checked, applied } = setup({ checks: [{ outcome: 'needs-sign-in', detail: 'Sign in to x' }] });
    parked.add('a');
    od.observe(status('a', undefined, 0, 'idle'));
    await flush();
    expect(checked).toEqual(['a']);
    expect(applied).toEqual([{ id: 'a', outcome: 'needs-sign-in', detail: 'Sign in to x', nextCheckAt: clock.now() + 10 * 60_000 }]);
    od.observe(status('a', undefined, 0, 'needs-sign-in')); // still parked: no second check
    await flush();
    expect(checked).toEqual(['a']);
  });

  it('checks parked servers on the slow schedule, and only parked ones', async () => {
    const { clock, od, parked, checked } = setup();
    parked.add('b');
    od.start();
    clock.advance(10 * 60_000 - 1);
    await flush();
    expect(checked).toEqual([]);
    clock.advance(1);
    await flush();
    expect(checked).toEqual(['b']);
    clock.advance(10 * 60_000);
    await flush();
    expect(checked).toEqual(['b', 'b']);
  });

  it('checks now when asked (wake, network change, sign-in), and a failing check reads as unreachable', async () => {
    const { od, parked, applied } = setup();
    parked.add('a');
    const failing = new OnDemand({
      clock: new FakeClock(0),
      target: { isParked: () => true, stopIfIdle: () => {}, applyCheck: (id, ev) => applied.push({ id, outcome: ev.outcome, detail: ev.detail }) },
      idleMs: () => 1,
      check: async () => {
        throw new Error('vault locked');
      },
      ids: () => ['z'],
    });
    await od.checkNow();
    await failing.checkNow();
    expect(applied.map((a) => [a.id, a.outcome])).toEqual([
      ['a', 'ok'],
      ['z', 'unreachable'],
    ]);
    expect(applied[1]!.detail).toBe('vault locked');
  });

  it('after dispose nothing is asked or applied', async () => {
    const { clock, od, parked, asked, applied } = setup();
    od.observe(status('a', 100, 0));
    parked.add('b');
    od.start();
    od.dispose();
    clock.advance(60 * 60_000);
    await flush();
    expect(asked).toEqual([]);
    expect(applied).toEqual([]);
  });
});
