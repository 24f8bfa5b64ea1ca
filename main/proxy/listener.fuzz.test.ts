/**
 * Fuzz of the proxy's local endpoint (listener.ts) over a real Unix socket: any bytes, cut at any
 * points, before or instead of a hello, and in place of the proof. A connection is accepted only
 * when its first line is the right hello and its second the client's proof for both nonces (the
 * proxy's challenge proving the secret in between), the bytes after it reach the proxy unchanged,
 * everything else is refused with one JSON answer line, and the listener keeps serving.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBudget } from '../../test/fixtures/fuzz';
import { connectToEndpoint, handshakeProof, newNonce } from '../shared/handshake';
import { MAX_HELLO_BYTES, WIRE_VERSION } from '../shared/wire';
import { ensurePrivateDir } from '../shared/local-socket';
import { startListener } from './listener';

const SECRET = 'c0ffee'.repeat(10) + 'abcd';
const SERVER = 'fuzz';

let dir: string;
let endpoint: string;
let server: net.Server;
const accepted: Array<{ bytes: Buffer[]; done: Promise<Buffer> }> = [];
const rejected: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-lf-'));
  endpoint = path.join(dir, 'run', 'fuzz.sock');
  server = await startListener({
    endpoint,
    secret: SECRET,
    serverId: SERVER,
    helloTimeoutMs: 300,
    onConnection: ({ socket, rest }) => {
      const bytes = [rest];
      const done = new Promise<Buffer>((resolve) => {
        socket.on('data', (c: Buffer) => bytes.push(c));
        socket.on('end', () => {
          socket.end();
          resolve(Buffer.concat(bytes));
        });
        socket.on('error', () => resolve(Buffer.concat(bytes)));
      });
      accepted.push({ bytes, done });
    },
    onRejected: (reason) => rejected.push(reason),
  });
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Sends the chunks, half-closes, and collects what the listener answered until it closes. */
function exchange(chunks: Buffer[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = net.connect(endpoint);
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('error', () => {});
    s.on('close', () => resolve(Buffer.concat(got)));
    s.once('connect', () => {
      for (const c of chunks) if (c.length) s.write(c);
      s.end();
    });
  });
}

const junkByte = fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x7b, 0x22, 0xff, 0xc3), fc.integer({ min: 0, max: 255 }));
const junk = (max: number) => fc.array(junkByte, { maxLength: max }).map((a) => Buffer.from(a));
const hello = (o: object) => JSON.stringify(o) + '\n';
const NONCE = newNonce();
const helloLine = fc.oneof(
  fc.constant(hello({ switchboard: WIRE_VERSION, server: SERVER, nonce: NONCE })),
  fc.constant(hello({ switchboard: WIRE_VERSION, server: SERVER, nonce: NONCE }).replace('\n', '\r\n')),
  fc.constant(hello({ switchboard: WIRE_VERSION, server: 'other', nonce: NONCE })),
  fc.constant(hello({ switchboard: WIRE_VERSION, server: SERVER, nonce: NONCE.slice(1) })),
  fc.constant(hello({ switchboard: WIRE_VERSION, server: SERVER })),
  // Version 1 carried the secret itself: refused, whatever it holds.
  fc.constant(hello({ switchboard: 1, secret: SECRET, server: SERVER })),
  fc.constant(hello({ switchboard: 3, server: SERVER, nonce: NONCE })),
  fc.constant('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
  fc.constant(''),
);
/** The second line, made from the proxy's challenge: the right proof, or one of many wrong ones. */
type ProofMaker = (clientNonce: string, serverNonce: string, serverProof: string) => string;
const proofLine = fc.oneof(
  fc.constant<ProofMaker>((c, s) => JSON.stringify({ proof: handshakeProof(SECRET, 'client', SERVER, c, s) }) + '\n'),
  fc.constant<ProofMaker>((c, s) => JSON.stringify({ proof: handshakeProof(SECRET, 'client', SERVER, c, s), client: 'pid 1' }) + '\r\n'),
  fc.constant<ProofMaker>((c, s) => JSON.stringify({ proof: handshakeProof(SECRET.slice(0, -1) + 'e', 'client', SERVER, c, s) }) + '\n'),
  fc.constant<ProofMaker>((c, s) => JSON.stringify({ proof: handshakeProof(SECRET, 'client', 'other', c, s) }) + '\n'),
  fc.constant<ProofMaker>((c) => JSON.stringify({ proof: handshakeProof(SECRET, 'client', SERVER, c, NONCE) }) + '\n'),
  fc.constant<ProofMaker>((_c, _s, serverProof) => JSON.stringify({ proof: serverProof }) + '\n'),
  fc.constant<ProofMaker>(() => JSON.stringify({ secret: SECRET }) + '\n'),
  fc.constant<ProofMaker>(() => ''),
);
const jsonRpc = fc.constantFrom('{"jsonrpc":"2.0","id":1,"method":"initialize"}\n', '{"jsonrpc":"2.0","method":"nope/unknown"}\n', 'not json\n', '\n\n');

function cutAt(input: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of [...at, input.length]) {
    chunks.push(input.subarray(prev, p));
    prev = p;
  }
  return chunks;
}

const parseLine = (b: Buffer): any => {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
};

/**
 * Sends the first stage's chunks; when the first answer line is a challenge, the second stage's
 * (made from it); then half-closes and collects what the listener answered until it closes.
 */
function handshakeExchange(first: Buffer[], second: (challenge: any) => Buffer[]): Promise<{ answer: Buffer; challenge?: any }> {
  return new Promise((resolve) => {
    const s = net.connect(endpoint);
    const got: Buffer[] = [];
    let challenge: any;
    let answered = false;
    s.on('data', (d: Buffer) => {
      got.push(d);
      const all = Buffer.concat(got);
      const nl = all.indexOf(10);
      if (answered || nl === -1) return;
      answered = true;
      const a = parseLine(all.subarray(0, nl));
      if (a?.ok === true) {
        challenge = a;
        for (const c of second(a)) if (c.length) s.write(c);
      }
      s.end();
    });
    s.on('error', () => {});
    s.on('close', () => resolve({ answer: Buffer.concat(got), challenge }));
    s.once('connect', () => {
      for (const c of first) if (c.length) s.write(c);
    });
  });
}

describe('proxy listener (fuzz, real socket)', () => {
  it('keeps its socket dir 0700 and the socket 0600', () => {
    expect(fs.statSync(path.dirname(endpoint)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(endpoint).mode & 0o777).toBe(0o600);
  });

  it('accepts exactly the right hello and proof, passes the rest through unchanged, refuses anything else with one answer line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(junk(40), { nil: undefined, freq: 2 }),
        helloLine,
        proofLine,
        fc.array(
          fc.oneof(
            jsonRpc.map((s) => Buffer.from(s)),
            junk(30),
          ),
          { maxLength: 4 },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (prefix, helloText, makeProof, after, cuts) => {
          const input = Buffer.concat([prefix ?? Buffer.alloc(0), Buffer.from(helloText)]);
          const nl = input.indexOf(10);
          const h = nl === -1 ? undefined : parseLine(input.subarray(0, nl));
          const rightHello = nl !== -1 && nl <= MAX_HELLO_BYTES && h?.switchboard === WIRE_VERSION && h?.server === SERVER && /^[0-9a-f]{64}$/.test(h?.nonce);
          let stage2 = Buffer.alloc(0);
          const before = accepted.length;
          // Cut anywhere, including inside the hello, the proof and multi-byte sequences.
          const { answer, challenge } = await handshakeExchange(cutAt(input, cuts), (c) => {
            stage2 = Buffer.concat([Buffer.from(makeProof(h.nonce, c.nonce, c.proof)), ...after]);
            return cutAt(stage2, cuts);
          });
          const lines = answer.toString('utf8').split('\n').filter(Boolean);
          if (!rightHello) {
            expect(challenge).toBeUndefined();
            expect(accepted.length).toBe(before);
            // An answer line when the listener saw a line (or waited out the timeout), never bytes of ours.
            expect(lines.length).toBeLessThanOrEqual(1);
            if (lines.length) expect(JSON.parse(lines[0])).toEqual({ ok: false, error: expect.any(String) });
            return;
          }
          // The challenge proves the secret, for this client's nonce.
          expect(challenge.proof).toBe(handshakeProof(SECRET, 'server', SERVER, h.nonce, challenge.nonce));
          const nl2 = stage2.indexOf(10);
          const p = nl2 === -1 ? undefined : parseLine(stage2.subarray(0, nl2));
          const rightProof = p?.proof === handshakeProof(SECRET, 'client', SERVER, h.nonce, challenge.nonce);
          if (rightProof) {
            expect(JSON.parse(lines[1])).toEqual({ ok: true });
            expect(lines).toHaveLength(2);
            expect(accepted.length).toBe(before + 1);
            expect((await accepted[before].done).equals(stage2.subarray(nl2 + 1))).toBe(true);
          } else {
            expect(accepted.length).toBe(before);
            expect(lines.length).toBeLessThanOrEqual(2);
            if (lines.length === 2) expect(JSON.parse(lines[1])).toEqual({ ok: false, error: expect.any(String) });
          }
        },
      ),
      fuzzBudget(120, 4000),
    );
    // The generator reached both sides.
    expect(accepted.length).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);
    // Still serving.
    const { socket } = await connectToEndpoint(endpoint, { secret: SECRET, server: SERVER });
    socket.destroy();
  });

  it('refuses a hello line that never ends and one that never comes', async () => {
    const long = await exchange([Buffer.alloc(MAX_HELLO_BYTES + 10, 0x7b)]);
    expect(JSON.parse(long.toString()).error).toBe('hello line too long');
    const silent = await new Promise<string>((resolve) => {
      const s = net.connect(endpoint);
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got));
    });
    expect(JSON.parse(silent).error).toBe('no hello within the time limit');
  });

  it('refuses a socket directory that is a symlink or belongs to someone else', () => {
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-lf-target-'));
    const link = path.join(dir, 'planted');
    fs.symlinkSync(target, link);
    try {
      fs.chmodSync(target, 0o755);
      expect(() => ensurePrivateDir(link)).toThrow(/not a plain directory/);
      // Nothing was done to the target.
      expect(fs.statSync(target).mode & 0o777).toBe(0o755);
    } finally {
      fs.rmSync(target, { recursive: true, force: true });
    }
    // A directory of another user (as root: one made and given away; else /tmp, owned by root).
    let foreign = '/tmp';
    if (process.getuid?.() === 0) {
      foreign = fs.mkdtempSync(path.join(dir, 'foreign-'));
      fs.chownSync(foreign, 4242, 4242);
      fs.chmodSync(foreign, 0o777);
    }
    expect(() => ensurePrivateDir(foreign)).toThrow(/belongs to another user/);
    if (foreign !== '/tmp') expect(fs.statSync(foreign).mode & 0o777).toBe(0o777);
  });
});
