import { describe, expect, it } from 'vitest';
import { SseEventMeter, SseParser, type SseEvent } from './sse';

function parse(chunks: string[], maxEventBytes?: number): { events: SseEvent[]; parser: SseParser; accepted: boolean[] } {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e), maxEventBytes);
  const accepted = chunks.map((c) => parser.push(c));
  return { events, parser, accepted };
}

const STREAM =
  ': keep-alive\r\n' +
  'id: 1\r\n' +
  'data: {"a":1}\r\n' +
  '\r\n' +
  'event: endpoint\n' +
  'data: /messages?s=1\n' +
  '\n' +
  'retry: 2500\n' +
  'id: 2\n' +
  'data: line one\n' +
  'data:line two\n' +
  'data\n' +
  '\n' +
  'id: 3\n' +
  '\n' +
  'event: message\n' +
  'data: last\n' +
  '\n';

describe('SseParser', () => {
  it('splits a stream into events: data lines joined, event names, ids, retry, comments skipped', () => {
    const { events, parser } = parse([STREAM]);
    expect(events).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'endpoint', data: '/messages?s=1' },
      { event: 'message', data: 'line one\nline two\n' },
      { event: 'message', data: 'last' },
    ]);
    expect(parser.lastEventId).toBe('3'); // an event without data still moves the id
    expect(parser.retryMs).toBe(2500);
  });

  it('gives the same events wherever the chunks are cut', () => {
    const whole = parse([STREAM]).events;
    for (let i = 0; i <= STREAM.length; i++) {
      for (const j of [i, Math.min(STREAM.length, i + 1), Math.min(STREAM.length, i + 7)]) {
        expect(parse([STREAM.slice(0, i), STREAM.slice(i, j), STREAM.slice(j)]).events).toEqual(whole);
      }
    }
  });

  it('does not dispatch an event that has not ended', () => {
    expect(parse(['data: half']).events).toEqual([]);
    expect(parse(['data: half\n']).events).toEqual([]);
    expect(parse(['data: half\n', '\n']).events).toEqual([{ event: 'message', data: 'half' }]);
  });

  it('refuses an event past the bound (and only then), even one that never ends', () => {
    const small = `data: ${'x'.repeat(90)}\n\n`;
    const run = parse([small, small, small], 100);
    expect(run.accepted).toEqual([true, true, true]);
    expect(run.events).toHaveLength(3);
    expect(parse([`data: ${'x'.repeat(60)}`, 'x'.repeat(60)], 100).accepted).toEqual([true, false]);
  });
});

describe('SseEventMeter', () => {
  it('resets at each blank line, whatever the line ending', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const meter = new SseEventMeter(10);
      expect(meter.push(`data: 123${nl}${nl}`)).toBe(true);
      expect(meter.push(`data: 123${nl}${nl}`)).toBe(true);
      expect(meter.push(`data: 12${nl}data: 3${nl}`)).toBe(false);
    }
    expect(new SseEventMeter(4).push(new TextEncoder().encode('abcde'))).toBe(false);
  });
});
