import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../../common/contract';
import { clockTime } from '../../format';
import { formatDuration, lineText, methodLabel, splitMatches, statusText } from './log-format';

describe('splitMatches', () => {
  it('marks every case-insensitive occurrence', () => {
    expect(splitMatches('Call tools/CALL now', 'call')).toEqual([
      { text: 'Call', match: true },
      { text: ' tools/', match: false },
      { text: 'CALL', match: true },
      { text: ' now', match: false },
    ]);
  });
  it('returns the text whole when there is no query or no match', () => {
    expect(splitMatches('abc', '')).toEqual([{ text: 'abc', match: false }]);
    expect(splitMatches('abc', 'x')).toEqual([{ text: 'abc', match: false }]);
    expect(splitMatches('aaa', 'aa')).toEqual([
      { text: 'aa', match: true },
      { text: 'a', match: false },
    ]);
  });
});

describe('lineText', () => {
  it('writes a traffic line with arrow, method, id, duration and size', () => {
    const e: LogEvent = {
      ts: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
      level: 'info',
      server: 's1',
      message: 'tools/call ok',
      method: 'tools/call',
      id: 7,
      direction: 'server-to-client',
      durationMs: 12.4,
      size: 2048,
      connection: 3,
    };
    expect(lineText(e, 'Linear')).toBe(`${clockTime(e.ts)} INFO  Linear ← tools/call #7 12 ms 2.0 KB conn 3 tools/call ok`);
  });
  it('writes a process line plainly', () => {
    const e: LogEvent = { ts: 0, level: 'error', server: 's1', message: 'Upstream answered 502' };
    expect(lineText(e, 's1')).toBe(`${clockTime(0)} ERROR s1 Upstream answered 502`);
  });
});

describe('small formats', () => {
  it('formats durations', () => {
    expect(formatDuration(undefined)).toBe('');
    expect(formatDuration(1.25)).toBe('1.3 ms');
    expect(formatDuration(431.6)).toBe('432 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
  });
  it('labels methods with their id', () => {
    expect(methodLabel({ ts: 0, level: 'info', server: 'a', message: '', method: 'ping', id: 0 })).toBe('ping #0');
    expect(methodLabel({ ts: 0, level: 'info', server: 'a', message: '', method: 'ping', id: null })).toBe('ping');
    expect(methodLabel({ ts: 0, level: 'info', server: 'a', message: '' })).toBe('');
  });
});

describe('statusText', () => {
  const base = { shown: 10, held: 10, dropped: 0, capacity: 150_000, query: '', filtered: false, following: true, newWhilePaused: 0 };
  it('counts lines, matches, pause and drops', () => {
    expect(statusText(base)).toBe('10 lines');
    expect(statusText({ ...base, held: 1, shown: 1 })).toBe('1 line');
    expect(statusText({ ...base, shown: 3, filtered: true, query: ' boom ' })).toBe('Showing 3 of 10 lines · 3 matches for “boom”');
    expect(statusText({ ...base, following: false, newWhilePaused: 4 })).toBe('10 lines · paused, 4 new');
    expect(statusText({ ...base, dropped: 2500 })).toMatch(/2,500 older dropped \(keeps the latest 150,000\)$/);
  });
});
