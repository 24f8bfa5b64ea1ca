/**
 * Fuzz of the host's control endpoint (control.ts) over a real Unix socket: nothing reaches the
 * handler table without the right hello as the first line, a refused hello ends the connection
 * (later lines are neither calls nor more guesses), and no input from a client crashes the host.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBudget } from '../../test/fixtures/fuzz';
import { CONTROL_ID, serveControlConnection, type Dispatch } from './control';
import { encodeHello, WIRE_VERSION } from '../shared/wire';

const SECRET = 'f00d'.repeat(16);
const RIGHT = encodeHello({ switchboard: WIRE_VERSION, secret: SECRET, server: CONTROL_ID });

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

describe('control endpoint (fuzz, real socket)', () => {
  it('calls nothing without the right hello first, even when a right hello follows a wrong one in the same write', async () => {
    const wrong = fc.constantFrom(
      encodeHello({ switchboard: WIRE_VERSION, secret: SECRET.replace(/^f/, 'e'), server: CONTROL_ID }),
      encodeHello({ switchboard: WIRE_VERSION, secret: SECRET, server: 'notion' }),
      'null\n',
      '{"id":1,"call":"servers:list"}\n',
      'garbage\n',
    );
    await fc.assert(
      fc.asyncProperty(
        wrong,
        fc.array(fc.constantFrom(RIGHT, '{"id":2,"call":"servers:remove","arg":"x"}\n'), { minLength: 1, maxLength: 4 }),
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

  it('answers or refuses any line after the hello without crashing the host', async () => {
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
        const answers = await exchange(RIGHT + ls.map((l) => l + '\n').join(''));
        expect(JSON.parse(answers[0])).toEqual({ ok: true });
        for (const a of answers.slice(1)) {
          const m = JSON.parse(a);
          expect(typeof m.result.ok).toBe('boolean');
          if (m.id !== null) expect(['number', 'string']).toContain(typeof m.id);
        }
      }),
      fuzzBudget(50, 2500),
    );
    // A handler that throws is an answer, not a crash.
    const thrown = await exchange(RIGHT + '{"id":7,"call":"throw"}\n');
    expect(JSON.parse(thrown[1])).toEqual({ id: 7, result: { ok: false, error: 'Internal error: handler blew up' } });
    expect(uncaught).toEqual([]);
  });
});
