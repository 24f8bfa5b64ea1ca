import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { leadingRequestId, LineSplitter, safeEqual } from './wire';

function splitter(maxBytes?: number) {
  const lines: string[] = [];
  const overflows: number[] = [];
  const s = new LineSplitter(
    (l) => lines.push(l),
    (n) => overflows.push(n),
    maxBytes,
  );
  return { s, lines, overflows, push: (x: string | Buffer) => s.push(Buffer.isBuffer(x) ? x : Buffer.from(x)) };
}

describe('LineSplitter', () => {
  it('emits complete lines from one chunk, and several per chunk', () => {
    const t = splitter();
    t.push('{"a":1}\n{"b":2}\n{"c"');
    expect(t.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(t.s.pending).toBe(4);
    t.push(':3}\n');
    expect(t.lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(t.s.pending).toBe(0);
  });

  it('joins a line split across many chunks', () => {
    const t = splitter();
    for (const part of ['{"jsonrpc"', ':"2.0",', '"id":', '7}']) t.push(part);
    expect(t.lines).toEqual([]);
    expect(t.s.pending).toBe('{"jsonrpc":"2.0","id":7}'.length);
    t.push('\n');
    expect(t.lines).toEqual(['{"jsonrpc":"2.0","id":7}']);
  });

  it('keeps multi-byte UTF-8 intact when a character is split between chunks', () => {
    const text = '{"msg":"héllo 日本 🚀"}';
    const bytes = Buffer.from(text + '\n');
    // Every split point, including inside the 2-, 3- and 4-byte sequences.
    for (let cut = 1; cut < bytes.length; cut++) {
      const t = splitter();
      t.push(bytes.subarray(0, cut));
      t.push(bytes.subarray(cut));
      expect(t.lines).toEqual([text]);
    }
    // And one byte at a time.
    const t = splitter();
    for (const b of bytes) t.push(Buffer.from([b]));
    expect(t.lines).toEqual([text]);
  });

  it('strips CR of CRLF line ends, also when CR and LF arrive in different chunks', () => {
    const t = splitter();
    t.push('{"a":1}\r\n{"b":2}\r');
    t.push('\n');
    expect(t.lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('skips empty and blank lines, and a lone CR', () => {
    const t = splitter();
    t.push('\n\n{"a":1}\n\r\n   \n\t\n{"b":2}\n');
    expect(t.lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('keeps a line that is exactly maxBytes', () => {
    const t = splitter(10);
    t.push('0123456789\n');
    t.push('01234');
    t.push('56789\n');
    expect(t.lines).toEqual(['0123456789', '0123456789']);
    expect(t.overflows).toEqual([]);
  });

  it('reports an overlong line that arrives in one chunk and keeps the lines after it', () => {
    const t = splitter(10);
    t.push('ok1\n' + 'x'.repeat(15) + '\nok2\nok3\n');
    expect(t.overflows).toEqual([15]);
    expect(t.lines).toEqual(['ok1', 'ok2', 'ok3']);
  });

  it('reports an overlong line that spans chunks and drops all of it, then recovers', () => {
    const t = splitter(10);
    t.push('yyyyyyyy');
    t.push('yyyyyyyy'); // 16 bytes without a newline: over the limit
    expect(t.overflows).toEqual([16]);
    expect(t.s.pending).toBe(0);
    t.push('yyyy'); // still the same overlong line
    t.push('yy\n{"ok":1}\n');
    expect(t.lines).toEqual(['{"ok":1}']);
    expect(t.overflows).toEqual([16]);
    t.push('{"ok":2}\n');
    expect(t.lines).toEqual(['{"ok":1}', '{"ok":2}']);
  });

  it('reports an overlong line whose end arrives with its newline', () => {
    const t = splitter(10);
    t.push('zzzzzz');
    t.push('zzzzzz\nafter\n');
    expect(t.overflows).toEqual([12]);
    expect(t.lines).toEqual(['after']);
  });

  it('does not hold on to bytes of an unfinished overlong line', () => {
    const t = splitter(8);
    for (let i = 0; i < 10; i++) t.push('abcdefgh');
    expect(t.s.pending).toBeLessThanOrEqual(8);
    expect(t.overflows).toHaveLength(1);
    t.push('\nfine\n');
    expect(t.lines).toEqual(['fine']);
  });
});

describe('safeEqual', () => {
  it('compares strings by content', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('abcd', 'abc')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
    expect(safeEqual('日本', '日本')).toBe(true);
    expect(safeEqual('日本', '日木')).toBe(false);
  });

  it('compares bytes, not UTF-16 length', () => {
    // Same number of UTF-16 units, different byte lengths: must not throw, must be false.
    expect(safeEqual('é', 'e')).toBe(false);
    expect(safeEqual('ab', 'é')).toBe(false);
  });
});

describe('leadingRequestId', () => {
  it('finds the top-level id, string or number, wherever it sits in the first bytes', () => {
    expect(leadingRequestId('{"jsonrpc":"2.0","id":7,"method":"x"')).toBe(7);
    expect(leadingRequestId('{"jsonrpc":"2.0","method":"x","id":"a\\"b","params":')).toBe('a"b');
    expect(leadingRequestId('{ "id" : -3 , "method":"x"}')).toBe(-3);
  });

  it('never takes an id nested in params, a value spelled "id", or a cut-off one', () => {
    expect(leadingRequestId('{"jsonrpc":"2.0","method":"x","params":{"id":"nested","list":[{"id":1}]},"id":9}')).toBe(9);
    expect(leadingRequestId('{"jsonrpc":"2.0","method":"x","params":{"id":"nested","data":"aaaa')).toBeUndefined();
    expect(leadingRequestId('{"method":"id","params":{}}')).toBeUndefined();
    expect(leadingRequestId('{"jsonrpc":"2.0","id":12')).toBeUndefined();
    expect(leadingRequestId('{"jsonrpc":"2.0","id":"unterminated')).toBeUndefined();
    expect(leadingRequestId('not json at all')).toBeUndefined();
  });

  it('agrees with JSON.parse on any request whose head holds the whole id', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string({ maxLength: 20 })),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        fc.boolean(),
        (id, params, idFirst) => {
          const text = idFirst ? JSON.stringify({ jsonrpc: '2.0', id, method: 'm', params }) : JSON.stringify({ jsonrpc: '2.0', method: 'm', params, id });
          expect(leadingRequestId(text)).toEqual(id);
        },
      ),
      { numRuns: 300, seed: 0x5b0a2d },
    );
  });
});
