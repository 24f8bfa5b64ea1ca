import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../../common/contract';
import { eventKey, mergeTail, overlapLength } from './log-merge';

function ev(ts: number, message: string, server = 'a', extra: Partial<LogEvent> = {}): LogEvent {
  return { ts, level: 'info', server, message, ...extra };
}
const show = (events: LogEvent[]) => events.map((e) => `${e.server}:${e.message}`);

describe('overlapLength', () => {
  it('finds the longest suffix of the tail that starts the live list', () => {
    expect(overlapLength(['a', 'b', 'c'], ['b', 'c', 'd'])).toBe(2);
    expect(overlapLength(['a', 'b', 'c'], ['d'])).toBe(0);
    expect(overlapLength(['a', 'a', 'a'], ['a', 'a', 'b'])).toBe(2);
    expect(overlapLength([], ['a'])).toBe(0);
    expect(overlapLength(['x', 'a', 'b'], ['a', 'b'])).toBe(2);
    // 'b' appears in the tail but not at its end: not an overlap
    expect(overlapLength(['b', 'c'], ['b', 'd'])).toBe(0);
  });
});

describe('mergeTail', () => {
  it('drops live events already in the tail, keeps the rest in arrival order', () => {
    const tail = [ev(1, 'one'), ev(2, 'two'), ev(3, 'three')];
    // The live stream started while 'two' and 'three' were being appended.
    const live = [ev(2, 'two'), ev(3, 'three'), ev(4, 'four')];
    expect(show(mergeTail(tail, live))).toEqual(['a:one', 'a:two', 'a:three', 'a:four']);
  });

  it('keeps a genuinely repeated line that came after the tail', () => {
    const tail = [ev(5, 'ping'), ev(6, 'pong')];
    const live = [ev(6, 'pong'), ev(6, 'pong')]; // the second pong is new (same ms, same text)
    expect(show(mergeTail(tail, live))).toEqual(['a:ping', 'a:pong', 'a:pong']);
  });

  it('matches the overlap per server when the tail is merged by time', () => {
    // Tail of all servers, sorted by ts; the live stream interleaves differently.
    const tail = [ev(1, 'a1', 'a'), ev(2, 'b1', 'b'), ev(3, 'a2', 'a'), ev(4, 'b2', 'b')];
    const live = [ev(4, 'b2', 'b'), ev(3, 'a2', 'a'), ev(5, 'a3', 'a'), ev(6, 'c1', 'c')];
    expect(show(mergeTail(tail, live))).toEqual(['a:a1', 'b:b1', 'a:a2', 'b:b2', 'a:a3', 'c:c1']);
  });

  it('works with an empty tail or no live events', () => {
    expect(show(mergeTail([], [ev(1, 'x')]))).toEqual(['a:x']);
    expect(show(mergeTail([ev(1, 'x')], []))).toEqual(['a:x']);
  });

  it('tells traffic lines apart by id, direction and duration', () => {
    const base = { method: 'tools/call', direction: 'server-to-client' as const };
    expect(eventKey(ev(1, 'ok', 'a', { ...base, id: 1 }))).not.toBe(eventKey(ev(1, 'ok', 'a', { ...base, id: 2 })));
    expect(eventKey(ev(1, 'ok', 'a', { ...base, durationMs: 3 }))).not.toBe(eventKey(ev(1, 'ok', 'a', { ...base, durationMs: 4 })));
    expect(eventKey(ev(1, 'ok', 'a', { id: 1 }))).toBe(eventKey(ev(1, 'ok', 'a', { id: 1 })));
  });
});
