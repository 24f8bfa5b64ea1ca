/**
 * Fuzz of the host's control endpoint (control.ts) over a real Unix socket: nothing reaches the
 * handler table without the whole handshake first (the right hello, then the proof for the
 * host's challenge), a refused hello or proof ends the connection (later lines are neither calls
 * nor more guesses), and no input from a client crashes the host.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBudget } from '../../test/fixtures/fuzz';
import { CONTROL_ID, serveControlConnection, type Dispatch } from './control';
import { connectToEndpoint, handshakeProof, newNonce } from '../shared/handshake';
import { WIRE_VERSION } from '../shared/wire';

const SECRET = 'f00d'.repeat(16);
const NONCE = newNonce();
const hello = (o: object) => JSON.stringify(o) + '\n';
const RIGHT_HELLO = hello({ switchboard: WIRE_VERSION, server: CONTROL_ID, nonce: NONCE });

let dir: string;
let endpoint: string;
let server: net.Server;
const calls: unknown[] = [];
const dispatch: Dispatch = async (call) => {
  calls.push(call);
  if (call === 'throw') throw new Error('handler blew up');
  return { ok: true, value: call };
};
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cf-'));
  endpoint = path.join(dir, 'control.sock');
  server = net.createServer((s) =>
    serveControlConnection(
      s,
      () => SECRET,
      () => dispatch,
    ),
  );
  await new Promise<void>((r) => server.listen(endpoint, r));
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function exchange(text: string | Buffer): Promise<string[]> {
  return new Promise((resolve) => {
    const s = net.connect(endpoint);
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d) => (got += d));
    s.on('error', () => {});
    s.on('close', () => resolve(got.split('\n').filter(Boolean)));
    s.once('connect', () => s.end(text));
  });
}

/** The right hello, then (once the challenge came) `second(challenge)` in one write; all answer lines. */
function afterChallenge(second: (challenge: { nonce: string; proof: string }) => string): Promise<string[]> {
  return new Promise((resolve) => {
    const s = net.connect(endpoint);
    let got = '';
    let sent = false;
    s.setEncoding('utf8');
    s.on('data', (d) => {
      got += d;
      const nl = got.indexOf('\n');
      if (sent || nl === -1) return;
      sent = true;
      s.end(second(JSON.parse(got.slice(0, nl))));
    });
    s.on('error', () => {});
    s.on('close', () => resolve(got.split('\n').filter(Boolean)));
    s.once('connect', () => s.write(RIGHT_HELLO));
  });
}

/** A client that completed the handshake: sends `text`, half-closes, collects the answers. */
async function authed(text: string): Promise<string[]> {
  const { socket, rest } = await connectToEndpoint(endpoint, { secret: SECRET, server: CONTROL_ID });
  return new Promise((resolve) => {
    let got = rest.toString('utf8');
    socket.setEncoding('utf8');
    socket.on('data', (d) => (got += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(got.split('\n').filter(Boolean)));
    socket.end(text);
  });
}

const rightProof = (c: { nonce: string }) => JSON.stringify({ proof: handshakeProof(SECRET, 'client', CONTROL_ID, NONCE, c.nonce) }) + '\n';
const CALLS = ['{"id":2,"call":"servers:remove","arg":"x"}\n', '{"id":1,"call":"servers:list"}\n'];

describe('control endpoint (fuzz, real socket)', () => {
  it('calls nothing without the right hello first, even when right lines follow a wrong one in the same write', async () => {
    const wrong = fc.constantFrom(
      hello({ switchboard: WIRE_VERSION, server: 'notion', nonce: NONCE }),
      hello({ switchboard: WIRE_VERSION, server: CONTROL_ID }),
      // Version 1 carried the secret: refused even with the right one.
      hello({ switchboard: 1, secret: SECRET, server: CONTROL_ID }),
      'null\n',
      '{"id":1,"call":"servers:list"}\n',
      'garbage\n',
    );
    await fc.assert(
      fc.asyncProperty(
        wrong,
        fc.array(fc.constantFrom(RIGHT_HELLO, JSON.stringify({ proof: 'a'.repeat(64) }) + '\n', ...CALLS), { minLength: 1, maxLength: 4 }),
        async (first, more) => {
          const before = calls.length;
          const lines = await exchange(first + more.join(''));
          expect(calls.length).toBe(before);
          expect(lines).toHaveLength(1);
          expect(JSON.parse(lines[0]).ok).toBe(false);
        },
      ),
      fuzzBudget(40, 2000),
    );
  });

  it('calls nothing after a wrong proof, even when the right proof and calls follow it in the same write', async () => {
    const wrongProof = fc.constantFrom<(c: { nonce: string; proof: string }) => string>(
      (c) => JSON.stringify({ proof: handshakeProof(SECRET.replace(/^f/, 'e'), 'client', CONTROL_ID, NONCE, c.nonce) }) + '\n',
      (c) => JSON.stringify({ proof: c.proof }) + '\n',
      (c) => JSON.stringify({ proof: handshakeProof(SECRET, 'client', 'notion', NONCE, c.nonce) }) + '\n',
      () => JSON.stringify({ secret: SECRET }) + '\n',
      () => CALLS[1],
      () => 'garbage\n',
    );
    await fc.assert(
      fc.asyncProperty(
        wrongProof,
        fc.array(
          fc.constantFrom<(c: { nonce: string }) => string>(
            rightProof,
            () => CALLS[0],
            () => CALLS[1],
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (first, more) => {
          const before = calls.length;
          const lines = await afterChallenge((c) => first(c) + more.map((m) => m(c)).join(''));
          expect(calls.length).toBe(before);
          expect(lines).toHaveLength(2);
          expect(JSON.parse(lines[0]).ok).toBe(true);
          expect(JSON.parse(lines[1])).toEqual({ ok: false, error: 'wrong connector secret' });
        },
      ),
      fuzzBudget(40, 2000),
    );
    // The right proof opens it: the calls after it run.
    const before = calls.length;
    const lines = await afterChallenge((c) => rightProof(c) + CALLS[1]);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ ok: true }),
      { ok: true },
      { id: 1, result: { ok: true, value: 'servers:list' } },
    ]);
    expect(calls.length).toBe(before + 1);
  });

  it('answers or refuses any line after the handshake without crashing the host', async () => {
    const line = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc
        .record({
          id: fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null), fc.jsonValue({ maxDepth: 1 })),
          call: fc.constantFrom('servers:list', 'throw', 42, null),
          arg: fc.jsonValue({ maxDepth: 1 }),
        })
        .map((r) => JSON.stringify(r)),
      fc.string({ maxLength: 30, unit: 'binary' }).map((s) => s.replace(/\n/g, ' ')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), async (ls) => {
        const answers = await authed(ls.map((l) => l + '\n').join(''));
        for (const a of answers) {
          const m = JSON.parse(a);
          expect(typeof m.result.ok).toBe('boolean');
          if (m.id !== null) expect(['number', 'string']).toContain(typeof m.id);
        }
      }),
      fuzzBudget(50, 2500),
    );
    // A handler that throws is an answer, not a crash.
    const thrown = await authed('{"id":7,"call":"throw"}\n');
    expect(JSON.parse(thrown[0])).toEqual({ id: 7, result: { ok: false, error: 'Internal error: handler blew up' } });
    expect(uncaught).toEqual([]);
  });
});
