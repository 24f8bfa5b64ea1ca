import { describe, expect, it } from 'vitest';
import type { LogEvent, LogLevel } from '../../../../common/contract';
import { FilteredView, LogModel, LogRing, rowMatcher, type LogRow } from './log-model';

let t = 1_700_000_000_000;
function ev(message: string, level: LogLevel = 'info', server = 'a', extra: Partial<LogEvent> = {}): LogEvent {
  return { ts: t++, level, server, message, ...extra };
}
const msgs = (rows: Iterable<LogRow>) => [...rows].map((r) => r.event.message);
const numbered = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ev(`m${from + i}`));

describe('LogRing', () => {
  it('keeps the newest lines and counts the dropped ones', () => {
    const ring = new LogRing(3);
    ring.push(numbered(2));
    expect(ring.size).toBe(2);
    expect(ring.dropped).toBe(0);
    ring.push(numbered(3, 2));
    expect(msgs(ring)).toEqual(['m2', 'm3', 'm4']);
    expect(ring.dropped).toBe(2);
    expect(ring.firstSeq).toBe(2);
    expect(ring.at(0)?.event.message).toBe('m2');
    expect(ring.at(3)).toBeUndefined();
  });

  it('gives every line a new seq, also across clear()', () => {
    const ring = new LogRing(2);
    const a = ring.push(numbered(2));
    ring.clear();
    const b = ring.push(numbered(1));
    expect(a.map((r) => r.seq)).toEqual([0, 1]);
    expect(b[0].seq).toBe(2);
    expect(ring.dropped).toBe(0);
  });

  it('takes a batch larger than itself: keeps its tail, counts the rest as dropped', () => {
    const ring = new LogRing(3);
    ring.push(numbered(1, 100));
    const added = ring.push(numbered(5));
    expect(added.map((r) => r.event.message)).toEqual(['m2', 'm3', 'm4']);
    expect(msgs(ring)).toEqual(['m2', 'm3', 'm4']);
    expect(ring.dropped).toBe(3); // m100, m0, m1
    expect(ring.firstSeq).toBe(added[0].seq);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LogRing(0)).toThrow(/positive/);
  });
});

describe('rowMatcher', () => {
  const row = (e: LogEvent): LogRow => ({ seq: 0, event: e });
  it('filters by minimum level', () => {
    const m = rowMatcher({ minLevel: 'warn', query: '' });
    expect(m(row(ev('x', 'info')))).toBe(false);
    expect(m(row(ev('x', 'warn')))).toBe(true);
    expect(m(row(ev('x', 'error')))).toBe(true);
  });
  it('filters by server', () => {
    const m = rowMatcher({ minLevel: 'debug', query: '', serverId: 'b' });
    expect(m(row(ev('x', 'info', 'a')))).toBe(false);
    expect(m(row(ev('x', 'info', 'b')))).toBe(true);
  });
  it('searches message and method, ignoring case and surrounding spaces', () => {
    const m = rowMatcher({ minLevel: 'debug', query: '  TOOLS/call ' });
    expect(m(row(ev('tools/call ok')))).toBe(true);
    expect(m(row(ev('ok', 'info', 'a', { method: 'tools/call' })))).toBe(true);
    expect(m(row(ev('resources/list ok')))).toBe(false);
  });
});

describe('FilteredView', () => {
  it('adds only matching rows and drops from the front by seq', () => {
    const ring = new LogRing(10);
    const rows = ring.push([ev('a1', 'error'), ev('a2', 'debug'), ev('a3', 'error')]);
    const view = new FilteredView({ minLevel: 'error', query: '' }, ring);
    expect(msgs(view)).toEqual(['a1', 'a3']);
    expect(view.add(ring.push([ev('a4', 'error'), ev('a5', 'info')]))).toBe(1);
    expect(view.appended).toBe(1);
    expect(view.dropBefore(rows[2].seq)).toBe(1); // a1 gone
    expect(view.removedFront).toBe(1);
    expect(msgs(view)).toEqual(['a3', 'a4']);
    expect(view.at(0)?.event.message).toBe('a3');
    expect(view.slice(-5, 50).map((r) => r.event.message)).toEqual(['a3', 'a4']);
  });

  it('stays correct after compaction of a long dead prefix', () => {
    const ring = new LogRing(100_000);
    const view = new FilteredView({ minLevel: 'debug', query: '' });
    const added = ring.push(numbered(20_000));
    view.add(added);
    view.dropBefore(added[15_000].seq);
    expect(view.length).toBe(5000);
    expect(view.at(0)?.event.message).toBe('m15000');
    expect(view.at(4999)?.event.message).toBe('m19999');
    expect(view.slice(0, 2).map((r) => r.event.message)).toEqual(['m15000', 'm15001']);
  });
});

describe('LogModel', () => {
  it('drops the oldest lines from ring and view when full', () => {
    const model = new LogModel(4);
    model.append(numbered(6));
    expect(model.ring.size).toBe(4);
    expect(model.ring.dropped).toBe(2);
    expect(msgs(model.view)).toEqual(['m2', 'm3', 'm4', 'm5']);
    expect(model.view.removedFront).toBe(0); // those two never reached the view
    model.append(numbered(1, 6));
    expect(msgs(model.view)).toEqual(['m3', 'm4', 'm5', 'm6']);
    expect(model.view.removedFront).toBe(1);
  });

  it('rebuilds the view when the filter changes, and only then', () => {
    const model = new LogModel(10);
    model.append([ev('hello', 'info'), ev('boom', 'error'), ev('hello again', 'debug')]);
    expect(model.setFilter({ minLevel: 'debug', query: '' })).toBe(false);
    const gen = model.generation;
    expect(model.setFilter({ minLevel: 'debug', query: 'hello' })).toBe(true);
    expect(model.generation).toBe(gen + 1);
    expect(msgs(model.view)).toEqual(['hello', 'hello again']);
    model.append([ev('say hello', 'warn'), ev('nothing', 'warn')]);
    expect(msgs(model.view)).toEqual(['hello', 'hello again', 'say hello']);
    expect(model.setFilter({ minLevel: 'warn', query: 'hello' })).toBe(true);
    expect(msgs(model.view)).toEqual(['say hello']);
  });

  it('keeps 100,000 lines and filters them', () => {
    const model = new LogModel(150_000);
    const events: LogEvent[] = [];
    for (let i = 0; i < 100_000; i++) events.push(ev(`line ${i}`, i % 100 === 0 ? 'error' : 'debug'));
    for (let i = 0; i < events.length; i += 1000) model.append(events.slice(i, i + 1000));
    expect(model.view.length).toBe(100_000);
    model.setFilter({ minLevel: 'error', query: '' });
    expect(model.view.length).toBe(1000);
    model.setFilter({ minLevel: 'debug', query: 'line 9999' });
    expect(msgs(model.view)).toEqual([
      'line 9999',
      'line 99990',
      'line 99991',
      'line 99992',
      'line 99993',
      'line 99994',
      'line 99995',
      'line 99996',
      'line 99997',
      'line 99998',
      'line 99999',
    ]);
  });

  it('reset() empties ring and view but keeps the filter', () => {
    const model = new LogModel(10, { minLevel: 'warn', query: '' });
    model.append([ev('x', 'error')]);
    model.reset();
    expect(model.view.length).toBe(0);
    expect(model.ring.size).toBe(0);
    expect(model.filter.minLevel).toBe('warn');
  });
});

describe('LogModel: a request and its answer are one row', () => {
  const req = (id: number, connection = 1, server = 'a'): LogEvent => ({
    ts: id,
    level: 'debug',
    server,
    connection,
    message: '→ tools/call',
    method: 'tools/call',
    id,
    direction: 'client-to-server',
  });
  const ans = (id: number, connection = 1, server = 'a'): LogEvent => ({
    ts: id + 1,
    level: 'info',
    server,
    connection,
    message: 'tools/call ok',
    method: 'tools/call',
    id,
    direction: 'server-to-client',
    durationMs: 3,
  });

  it('the answer carries its request; the request leaves the view, in one batch or two', () => {
    const m = new LogModel(100);
    m.append([req(1), ans(1)]);
    expect([...m.view].map((r) => r.event.direction)).toEqual(['server-to-client']);
    expect([...m.view][0]!.request).toMatchObject({ id: 1, direction: 'client-to-server' });
    m.append([req(2)]);
    expect(m.view.length).toBe(2);
    m.append([ans(2)]);
    expect([...m.view].map((r) => `${r.event.id}${r.request ? '+' : ''}`)).toEqual(['1+', '2+']);
    // Rebuilt for another filter: still one row per call.
    m.setFilter({ minLevel: 'debug', query: 'tools' });
    expect(m.view.length).toBe(2);
  });

  it('matches by server, connection and id only', () => {
    const m = new LogModel(100);
    m.append([req(1, 1), req(1, 2), req(1, 1, 'b'), ans(1, 2)]);
    expect([...m.view].map((r) => `${r.event.server}${r.event.connection}${r.event.direction === 'server-to-client' ? '<' : '>'}`)).toEqual([
      'a1>',
      'b1>',
      'a2<',
    ]);
  });
});
