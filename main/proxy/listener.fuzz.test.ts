/**
 * Fuzz of the proxy's local endpoint (listener.ts) over a real Unix socket: any bytes, cut at any
 * points, before or instead of a hello. A connection is accepted only when its first line is the
 * right hello, the bytes after it reach the proxy unchanged, everything else is refused with one
 * JSON answer line, and the listener keeps serving.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBudget } from '../../test/fixtures/fuzz';
import { encodeHello, MAX_HELLO_BYTES, WIRE_VERSION } from '../shared/wire';
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
const helloLine = fc.oneof(
  fc.constant(encodeHello({ switchboard: WIRE_VERSION, secret: SECRET, server: SERVER })),
  fc.constant(encodeHello({ switchboard: WIRE_VERSION, secret: SECRET, server: SERVER, client: 'pid 1' }).replace('\n', '\r\n')),
  fc.constant(encodeHello({ switchboard: WIRE_VERSION, secret: SECRET.slice(0, -1) + 'e', server: SERVER })),
  fc.constant(encodeHello({ switchboard: WIRE_VERSION, secret: SECRET, server: 'other' })),
  fc.constant(encodeHello({ switchboard: 2, secret: SECRET, server: SERVER })),
  fc.constant('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
  fc.constant(''),
);
const jsonRpc = fc.constantFrom('{"jsonrpc":"2.0","id":1,"method":"initialize"}\n', '{"jsonrpc":"2.0","method":"nope/unknown"}\n', 'not json\n', '\n\n');

describe('proxy listener (fuzz, real socket)', () => {
  it('keeps its socket dir 0700 and the socket 0600', () => {
    expect(fs.statSync(path.dirname(endpoint)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(endpoint).mode & 0o777).toBe(0o600);
  });

  it('accepts exactly the right hello line, passes the rest through unchanged, refuses anything else with one answer line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(junk(40), { nil: undefined, freq: 2 }),
        helloLine,
        fc.array(
          fc.oneof(
            jsonRpc.map((s) => Buffer.from(s)),
            junk(30),
          ),
          { maxLength: 4 },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (prefix, hello, after, cuts) => {
          const input = Buffer.concat([prefix ?? Buffer.alloc(0), Buffer.from(hello), ...after]);
          // Cut anywhere, including inside the hello and inside multi-byte sequences.
          const at = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const p of [...at, input.length]) {
            chunks.push(input.subarray(prev, p));
            prev = p;
          }
          const before = accepted.length;
          const answer = await exchange(chunks);
          const nl = input.indexOf(10);
          const first = nl === -1 ? undefined : input.subarray(0, nl).toString('utf8');
          let h: any;
          try {
            h = first === undefined ? undefined : JSON.parse(first);
          } catch {
            h = undefined;
          }
          const right = nl !== -1 && nl <= MAX_HELLO_BYTES * 2 && h?.switchboard === WIRE_VERSION && h?.secret === SECRET && h?.server === SERVER;
          const answerLine = answer.subarray(0, answer.indexOf(10)).toString('utf8');
          if (right) {
            expect(JSON.parse(answerLine)).toEqual({ ok: true });
            expect(accepted.length).toBe(before + 1);
            expect((await accepted[before].done).equals(input.subarray(nl + 1))).toBe(true);
          } else {
            expect(accepted.length).toBe(before);
            // An answer line when the listener saw a line (or waited out the timeout), never bytes of ours.
            if (answer.length) {
              const a = JSON.parse(answerLine);
              expect(a.ok).toBe(false);
              expect(typeof a.error).toBe('string');
            }
          }
        },
      ),
      fuzzBudget(120, 4000),
    );
    // The generator reached both sides.
    expect(accepted.length).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);
    // Still serving.
    const answer = await exchange([Buffer.from(encodeHello({ switchboard: WIRE_VERSION, secret: SECRET, server: SERVER }))]);
    expect(answer.toString()).toBe('{"ok":true}\n');
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
