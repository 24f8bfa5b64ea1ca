/**
 * Fuzz of the connector ↔ proxy wire (wire.ts): the line splitter against a reference model for
 * any bytes (invalid UTF-8, CR/LF anywhere, overlong lines) cut at any points, the hello check for
 * any line, and the client side of the handshake against a hostile answer from a real socket.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBudget } from '../../test/fixtures/fuzz';
import { checkHello, connectWithHello, encodeHello, LineSplitter, MAX_HELLO_BYTES, safeEqual, WIRE_VERSION } from './wire';

/** What the splitter must do, written the obvious way on the whole input. */
function reference(input: Buffer, maxBytes: number): { lines: string[]; overflows: number; tail: number } {
  const lines: string[] = [];
  let overflows = 0;
  let start = 0;
  for (;;) {
    const nl = input.indexOf(10, start);
    if (nl === -1) break;
    const seg = input.subarray(start, nl);
    if (seg.length > maxBytes) overflows++;
    else {
      let text = seg.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim().length) lines.push(text);
    }
    start = nl + 1;
  }
  const tail = input.length - start;
  // An unfinished line is reported as soon as it passes the limit (its bytes are not held).
  if (tail > maxBytes) overflows++;
  return { lines, overflows, tail };
}

/** Bytes biased towards the interesting ones: newlines, CR, spaces, UTF-8 lead/continuation bytes, invalid bytes. */
const wireByte = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0x0a, 0x0d, 0x20, 0x7b, 0x7d, 0x22) },
  { weight: 2, arbitrary: fc.constantFrom(0xc3, 0xa9, 0xe6, 0x97, 0xa5, 0xf0, 0x9f, 0x9a, 0x80, 0xff, 0xfe, 0xc0, 0x80) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const wireBytes = (maxLength: number) => fc.array(wireByte, { maxLength }).map((a) => Buffer.from(a));

/** Cuts `input` at the given points (any order, duplicates allowed: empty chunks too). */
function cut(input: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (input.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of at) {
    out.push(input.subarray(prev, p));
    prev = p;
  }
  out.push(input.subarray(prev));
  return out;
}

describe('LineSplitter (fuzz)', () => {
  it('emits exactly the reference lines for any bytes cut at any points, holding at most maxBytes', () => {
    fc.assert(
      fc.property(wireBytes(300), fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 40 }), (input, points, maxBytes) => {
        const lines: string[] = [];
        const overflows: number[] = [];
        const s = new LineSplitter(
          (l) => lines.push(l),
          (n) => overflows.push(n),
          maxBytes,
        );
        for (const chunk of cut(input, points)) {
          s.push(chunk);
          // Bounded memory: never more than one line's worth of bytes held.
          expect(s.pending).toBeLessThanOrEqual(maxBytes);
        }
        const want = reference(input, maxBytes);
        expect(lines).toEqual(want.lines);
        expect(overflows.length).toBe(want.overflows);
        for (const n of overflows) expect(n).toBeGreaterThan(maxBytes);
        for (const l of lines) expect(l.includes('\n')).toBe(false);
        expect(s.pending).toBe(want.tail > maxBytes ? 0 : want.tail);
      }),
      fuzzBudget(1500),
    );
  });

  it('drops a never-ending line without holding it: 8 MB of bytes without a newline keep at most maxBytes', () => {
    const lines: string[] = [];
    let overflows = 0;
    const s = new LineSplitter(
      (l) => lines.push(l),
      () => overflows++,
      64 * 1024,
    );
    const chunk = Buffer.alloc(64 * 1024 + 1, 0x61);
    for (let i = 0; i < 128; i++) {
      s.push(chunk);
      expect(s.pending).toBeLessThanOrEqual(64 * 1024);
    }
    expect(overflows).toBe(1);
    s.push(Buffer.from('tail of the endless line\n{"jsonrpc":"2.0","method":"ok"}\n'));
    expect(lines).toEqual(['{"jsonrpc":"2.0","method":"ok"}']);
  });
});

describe('checkHello (fuzz)', () => {
  const secret = 'a'.repeat(64);
  const serverId = 'notion';
  // Hellos that are close to right: the real secret and server id appear often.
  const field = fc.oneof(fc.constant(secret), fc.constant(serverId), fc.constant(WIRE_VERSION), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 70 }));
  const helloObject = fc.dictionary(fc.constantFrom('switchboard', 'secret', 'server', 'client', '__proto__', 'toString', 'valueOf'), field, { maxKeys: 6 });

  it('never throws, and accepts only the exact version, secret and server', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          helloObject.map((o) => JSON.stringify(o)),
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
        ),
        (line) => {
          const v = checkHello(line, secret, serverId);
          let parsed: any;
          try {
            parsed = JSON.parse(line);
          } catch {
            parsed = undefined;
          }
          const right = !!parsed && typeof parsed === 'object' && parsed.switchboard === WIRE_VERSION && parsed.secret === secret && parsed.server === serverId;
          expect(v.ok).toBe(right);
          if (!v.ok) expect(typeof v.error).toBe('string');
          // The answer is always one line of JSON (it goes back over the wire as is).
          expect(JSON.stringify({ ok: v.ok, error: v.error }).includes('\n')).toBe(false);
        },
      ),
      fuzzBudget(3000),
    );
  });

  it('names a wrong server without calling into the hello (an object with a hostile toString)', () => {
    for (const server of [{ toString: 1 }, { valueOf: 1, toString: 1 }, ['a', 'b'], null, 12]) {
      const v = checkHello(JSON.stringify({ switchboard: 1, secret, server }), secret, serverId);
      expect(v.ok).toBe(false);
      expect(v.error).toMatch(/^this endpoint serves "notion", not /);
    }
  });

  it('safeEqual agrees with === for any pair of strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20, unit: 'grapheme' }), fc.string({ maxLength: 20, unit: 'grapheme' }), (a, b) => {
        expect(safeEqual(a, b)).toBe(a === b);
        expect(safeEqual(a, a)).toBe(true);
      }),
      fuzzBudget(2000),
    );
  });
});

describe('connectWithHello against a hostile answer (real socket)', () => {
  let dir: string;
  let server: net.Server;
  let endpoint: string;
  /** What the next connection is answered with. */
  let answer: Buffer = Buffer.alloc(0);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-wire-'));
    endpoint = path.join(dir, 'w.sock');
    server = net.createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => {
        s.write(answer);
        // A hostile side may also just keep the connection open; the client must decide from the line.
        setTimeout(() => s.destroy(), 10);
      });
    });
    await new Promise<void>((r) => server.listen(endpoint, r));
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const hello = { switchboard: WIRE_VERSION, secret: 'x'.repeat(64), server: 's' };

  it('resolves only for {"ok":true}; anything else is a REFUSED error or a socket error, never a crash', async () => {
    const answers = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(`${JSON.stringify(v) ?? 'null'}\n`)),
      fc
        .constantFrom(
          'null\n',
          '42\n',
          '"ok"\n',
          '[]\n',
          '{"ok":"true"}\n',
          '{"ok":1}\n',
          '{"ok":false,"error":{"a":1}}\n',
          '{"ok":true}\n',
          '\n',
          '{"ok":true}',
        )
        .map((s) => Buffer.from(s)),
      wireBytes(80).map((b) => Buffer.concat([b, Buffer.from('\n')])),
    );
    await fc.assert(
      fc.asyncProperty(answers, async (a) => {
        answer = a;
        const outcome = await connectWithHello(endpoint, hello).then(
          ({ socket }) => {
            socket.destroy();
            return 'ok' as const;
          },
          (err: NodeJS.ErrnoException) => err,
        );
        const nl = a.indexOf(10);
        let parsed: any;
        try {
          parsed = nl === -1 ? undefined : JSON.parse(a.subarray(0, nl).toString('utf8'));
        } catch {
          parsed = undefined;
        }
        if (parsed?.ok === true) expect(outcome).toBe('ok');
        else {
          expect(outcome).toBeInstanceOf(Error);
          expect(typeof (outcome as Error).message).toBe('string');
          if (nl !== -1) expect((outcome as NodeJS.ErrnoException).code).toBe('REFUSED');
        }
      }),
      fuzzBudget(50, 2500),
    );
  });

  it('gives up on an answer longer than a hello line without holding it', async () => {
    answer = Buffer.alloc(MAX_HELLO_BYTES * 4, 0x41);
    const err = (await connectWithHello(endpoint, hello).catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/handshake answer too long|ECONNRESET|closed/);
  });

  it('encodeHello is one line for any client text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50, unit: 'binary' }), (client) => {
        const line = encodeHello({ ...hello, client });
        expect(line.indexOf('\n')).toBe(line.length - 1);
        expect(JSON.parse(line).client).toBe(client);
      }),
      fuzzBudget(200, 1000),
    );
  });
});
