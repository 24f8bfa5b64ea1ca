/**
 * Fuzz of the connector ↔ proxy wire (wire.ts, handshake.ts): the line splitter against a reference
 * model for any bytes (invalid UTF-8, CR/LF anywhere, overlong lines) cut at any points, the
 * server's handshake for any first and second line, and the client side of the handshake against a
 * hostile answer from a real socket.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBudget } from '../../test/fixtures/fuzz';
import { ClientHandshake, connectToEndpoint, handshakeProof, newNonce, ServerHandshake } from './handshake';
import { LineSplitter, MAX_HELLO_BYTES, safeEqual, WIRE_VERSION } from './wire';

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

describe('ServerHandshake (fuzz)', () => {
  const secret = 'a'.repeat(64);
  const serverId = 'notion';
  const nonce = 'b'.repeat(64);
  // Hellos that are close to right: the real server id, version and a valid nonce appear often.
  const field = fc.oneof(
    fc.constant(serverId),
    fc.constant(WIRE_VERSION),
    fc.constant(nonce),
    fc.constant(secret),
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ maxLength: 70 }),
  );
  const helloObject = fc.dictionary(fc.constantFrom('switchboard', 'secret', 'server', 'nonce', 'client', '__proto__', 'toString', 'valueOf'), field, {
    maxKeys: 6,
  });
  const anyLine = fc.oneof(
    helloObject.map((o) => JSON.stringify(o)),
    fc.string({ maxLength: 200 }),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
  );
  const parse = (line: string): any => {
    try {
      return JSON.parse(line);
    } catch {
      return undefined;
    }
  };

  it('never throws, and challenges only the exact version, server and a valid nonce, with a proof of the secret', () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        const v = new ServerHandshake(
          () => secret,
          serverId,
          () => 'c'.repeat(64),
        ).step(line);
        const parsed = parse(line);
        const right =
          !!parsed && typeof parsed === 'object' && parsed.switchboard === WIRE_VERSION && parsed.server === serverId && /^[0-9a-f]{64}$/.test(parsed.nonce);
        expect(v.next).toBe(right ? 'proof' : 'refused');
        // The answer is always one line of JSON (it goes back over the wire as is).
        expect(v.answer.indexOf('\n')).toBe(v.answer.length - 1);
        const a = JSON.parse(v.answer);
        if (right) expect(a).toEqual({ ok: true, nonce: 'c'.repeat(64), proof: handshakeProof(secret, 'server', serverId, parsed.nonce, 'c'.repeat(64)) });
        else expect(a).toEqual({ ok: false, error: v.error });
        // Never the secret, whatever was asked (a refusal may echo what the client itself sent).
        if (!line.includes(secret)) expect(v.answer.includes(secret)).toBe(false);
      }),
      fuzzBudget(3000),
    );
  });

  it('accepts as the second line only the client proof for both nonces', () => {
    const client = new ClientHandshake(secret, serverId, 'pid 1', nonce);
    const proofObject = fc.dictionary(
      fc.constantFrom('proof', 'client', 'secret', '__proto__'),
      fc.oneof(
        fc.constant(handshakeProof(secret, 'client', serverId, nonce, 'c'.repeat(64))),
        fc.constant(handshakeProof(secret, 'server', serverId, nonce, 'c'.repeat(64))),
        fc.constant(secret),
        fc.jsonValue({ maxDepth: 1 }),
        fc.string({ maxLength: 70 }),
      ),
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          proofObject.map((o) => JSON.stringify(o)),
          anyLine,
        ),
        (line) => {
          const srv = new ServerHandshake(
            () => secret,
            serverId,
            () => 'c'.repeat(64),
          );
          expect(srv.step(client.hello().trimEnd()).next).toBe('proof');
          const v = srv.step(line);
          const parsed = parse(line);
          const right = !!parsed && typeof parsed === 'object' && parsed.proof === handshakeProof(secret, 'client', serverId, nonce, 'c'.repeat(64));
          expect(v.next).toBe(right ? 'accepted' : 'refused');
          expect(JSON.parse(v.answer)).toEqual(right ? { ok: true } : { ok: false, error: 'wrong connector secret' });
        },
      ),
      fuzzBudget(2000),
    );
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

describe('connectToEndpoint against a hostile answer (real socket)', () => {
  let dir: string;
  let server: net.Server;
  let endpoint: string;
  const secret = 'x'.repeat(64);
  /** What the next connection is answered with: to the hello, then (when a proof comes) to the proof. */
  let answer: (hello: any) => Buffer = () => Buffer.alloc(0);
  let verdict: Buffer = Buffer.alloc(0);
  /** Lines the server got on the last connection. */
  let got: string[] = [];
  /** Hang up after the first answer (a side without the secret has nothing more to say). */
  let closeAfterChallenge = true;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-wire-'));
    endpoint = path.join(dir, 'w.sock');
    server = net.createServer((s) => {
      got = [];
      let buf = '';
      s.on('error', () => {});
      s.on('data', (d) => {
        buf += d.toString('utf8');
        for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          got.push(line);
          let msg: any;
          try {
            msg = JSON.parse(line);
          } catch {
            msg = {};
          }
          s.write(got.length === 1 ? answer(msg) : verdict);
          // A hostile side may also just keep the connection open; the client must decide from the line.
          if (got.length > 1 || closeAfterChallenge) setTimeout(() => s.destroy(), 10);
        }
      });
    });
    await new Promise<void>((r) => server.listen(endpoint, r));
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const opts = { secret, server: 's', timeoutMs: 5000 };
  const hostileLine = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(`${JSON.stringify(v) ?? 'null'}\n`)),
    fc
      .constantFrom('null\n', '42\n', '"ok"\n', '[]\n', '{"ok":"true"}\n', '{"ok":1}\n', '{"ok":false,"error":{"a":1}}\n', '{"ok":true}\n', '\n', '{"ok":true}')
      .map((s) => Buffer.from(s)),
    wireBytes(80).map((b) => Buffer.concat([b, Buffer.from('\n')])),
  );
  const outcome = () =>
    connectToEndpoint(endpoint, opts).then(
      ({ socket }) => {
        socket.destroy();
        return 'ok' as const;
      },
      (err: NodeJS.ErrnoException) => err,
    );

  it('goes past the challenge only with a proof of the secret; sends nothing else to one without it', async () => {
    await fc.assert(
      fc.asyncProperty(hostileLine, async (a) => {
        answer = () => a;
        const out = await outcome();
        // Nothing the hostile side can say without the secret opens the connection.
        expect(out).toBeInstanceOf(Error);
        expect(typeof (out as Error).message).toBe('string');
        expect(['REFUSED', 'IMPOSTOR', 'ECONNRESET', 'ETIMEDOUT', undefined]).toContain((out as NodeJS.ErrnoException).code);
        if (a.indexOf(10) !== -1) expect(['REFUSED', 'IMPOSTOR']).toContain((out as NodeJS.ErrnoException).code);
        // Only the nonce line reached it.
        expect(got).toHaveLength(1);
        expect(got[0].includes(secret)).toBe(false);
      }),
      fuzzBudget(50, 2500),
    );
  });

  it('after a proven challenge, resolves only for a {"ok":true} verdict', async () => {
    closeAfterChallenge = false;
    answer = (hello) => {
      const n = newNonce();
      return Buffer.from(JSON.stringify({ ok: true, nonce: n, proof: handshakeProof(secret, 'server', 's', hello.nonce, n) }) + '\n');
    };
    await fc.assert(
      fc.asyncProperty(hostileLine, async (v) => {
        verdict = v;
        const out = await outcome();
        const nl = v.indexOf(10);
        let parsed: any;
        try {
          parsed = nl === -1 ? undefined : JSON.parse(v.subarray(0, nl).toString('utf8'));
        } catch {
          parsed = undefined;
        }
        if (parsed?.ok === true) expect(out).toBe('ok');
        else {
          expect(out).toBeInstanceOf(Error);
          if (nl !== -1) expect((out as NodeJS.ErrnoException).code).toBe('REFUSED');
        }
        expect(got).toHaveLength(2);
      }),
      fuzzBudget(50, 2500),
    );
  });

  it('gives up on an answer longer than a handshake line without holding it', async () => {
    closeAfterChallenge = true;
    answer = () => Buffer.alloc(MAX_HELLO_BYTES * 4, 0x41);
    const err = (await connectToEndpoint(endpoint, opts).catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/handshake answer too long|ECONNRESET|closed/);
  });

  it('the proof line is one line for any client text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50, unit: 'binary' }), (client) => {
        const c = new ClientHandshake(secret, 's', client);
        const n = newNonce();
        const step = c.onChallenge(JSON.stringify({ ok: true, nonce: n, proof: handshakeProof(secret, 'server', 's', c.nonce, n) }));
        expect(step.ok).toBe(true);
        const line = step.ok ? step.line! : '';
        expect(line.indexOf('\n')).toBe(line.length - 1);
        expect(JSON.parse(line).client).toBe(client);
      }),
      fuzzBudget(200, 1000),
    );
  });
});
