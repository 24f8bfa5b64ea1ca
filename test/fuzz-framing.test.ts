/**
 * Fuzz of the framing against the real bundled proxy child and connector (AppCore on a temp home,
 * a local MCP server): a client's stream of JSON-RPC lines, malformed lines, invalid UTF-8,
 * unknown methods and batches, cut at any points. Every request of a well-formed stream gets
 * exactly one answer with its id; the first malformed line ends only that connection, with a
 * -32700 error; the proxy process survives all of it; through the connector, a client that sent
 * garbage (even a line past the size limit) still gets its next request answered.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { endpointFor, resolvePaths } from '../main/shared/paths';
import { connectToEndpoint } from '../main/shared/handshake';
import { MAX_MESSAGE_BYTES } from '../main/shared/wire';
import { fuzzBudget } from './fixtures/fuzz';
import { CONNECTOR_SCRIPT, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';
import { startHostileServer, type HostileServer } from './fixtures/hostile-server';
import { waitFor } from './fixtures/ports';

let server: HostileServer;
let home: TempHome;
let core: AppCore;
let id: string;
let proxyPid: number;

beforeAll(async () => {
  server = await startHostileServer({ oversize: 1 });
  home = makeTempHome();
  core = await startCore(home);
  id = (await core.addServer({ url: server.url, name: 'Framing' })).id;
  await waitForState(core, id, 'ready');
  proxyPid = core.proxyPid(id)!;
}, 60_000);

afterAll(async () => {
  await core?.dispose();
  await server?.close();
  home?.cleanup();
});

type Piece = { kind: 'request'; id: number; line: string } | { kind: 'note'; line: string } | { kind: 'bad'; bytes: Buffer };

let nextId = 1;
const request = fc.constantFrom('tools/call', 'tools/list', 'no/such-method', 'ping', '').map((method): Piece => {
  const rid = nextId++;
  const params = method === 'tools/call' ? { name: 'ok', arguments: {} } : {};
  return { kind: 'request', id: rid, line: JSON.stringify({ jsonrpc: '2.0', id: rid, method, params }) };
});
const note = fc
  .constantFrom('notifications/initialized', 'notifications/whatever')
  .map((method): Piece => ({ kind: 'note', line: JSON.stringify({ jsonrpc: '2.0', method }) }));
const bad = fc
  .oneof(
    fc.constantFrom('not json', '{"jsonrpc":"2.0",', '42', 'null', '[]', '"str"', '{"id":1,"method":"x"}', '{"jsonrpc":"1.0","id":1,"method":"x"}', '[1,2]'),
    fc.constant(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1')),
  )
  .map((t): Piece => ({ kind: 'bad', bytes: Buffer.from(t, 'latin1') }));

function bytesOf(p: Piece): Buffer {
  return p.kind === 'bad' ? p.bytes : Buffer.from(p.line);
}

/** One raw connection to the proxy (after the real handshake): write the chunks, read until close or quiet. */
async function session(chunks: Buffer[], expectAnswers: number): Promise<string[]> {
  const secret = fs.readFileSync(resolvePaths(home.env).secretFile, 'utf8').trim();
  const { socket: s, rest } = await connectToEndpoint(endpointFor(resolvePaths(home.env), id), { secret, server: id });
  return new Promise((resolve, reject) => {
    let got = rest.toString('utf8');
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      s.destroy();
      resolve(got.split('\n').filter(Boolean));
    };
    s.setEncoding('utf8');
    s.on('data', (d) => {
      got += d;
      if (got.split('\n').filter(Boolean).length >= expectAnswers && expectAnswers > 0) finish();
    });
    s.on('close', finish);
    s.on('error', reject);
    for (const c of chunks) if (c.length) s.write(c);
    // expectAnswers 0 means the input holds a malformed or oversized line: the proxy answers it
    // and closes, so this waits for the close (not for a quiet moment, which a slow machine
    // mistakes for the end when a 64 MB write is still in flight).
    setTimeout(finish, 15_000);
  });
}

/** The bundled connector for this server, as a client config runs it; its stdout parsed as lines. */
function connector() {
  const child = spawn(process.execPath, [CONNECTOR_SCRIPT, id], { env: home.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => (out += d));
  const answers = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return { child, answers, stdout: () => out };
}

describe('proxy framing (fuzz, bundled proxy child)', () => {
  it('answers every request exactly once; the first malformed line ends the connection with -32700 only', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 4, arbitrary: request }, { weight: 1, arbitrary: note }, { weight: 1, arbitrary: bad }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.boolean(),
        async (pieces, cuts, crlf) => {
          const eol = Buffer.from(crlf ? '\r\n' : '\n');
          const input = Buffer.concat(pieces.flatMap((p) => [bytesOf(p), eol]));
          const at = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const p of [...at, input.length]) {
            chunks.push(input.subarray(prev, p));
            prev = p;
          }
          const firstBad = pieces.findIndex((p) => p.kind === 'bad');
          const requests = pieces.filter((p): p is Extract<Piece, { kind: 'request' }> => p.kind === 'request');
          const lines = await session(chunks, firstBad === -1 ? requests.length : 0);
          const msgs = lines.map((l) => JSON.parse(l));
          const answered = msgs.filter((m) => m.id !== null && m.id !== undefined).map((m) => m.id);
          // Never two answers for one id, never an answer for an id nobody sent.
          expect(new Set(answered).size).toBe(answered.length);
          for (const a of answered) expect(requests.map((r) => r.id)).toContain(a);
          if (firstBad === -1) {
            expect(answered.sort()).toEqual(requests.map((r) => r.id).sort());
            for (const m of msgs) if (m.id !== undefined && m.id !== null) expect('result' in m || 'error' in m).toBe(true);
          } else {
            const parseErrors = msgs.filter((m) => m.id === null && m.error?.code === -32700);
            expect(parseErrors).toHaveLength(1);
            expect(parseErrors[0].error.message).toMatch(/not JSON|not JSON-RPC 2\.0/);
            // Only requests sent before the bad line can have been answered.
            const before = pieces
              .slice(0, firstBad)
              .filter((p) => p.kind === 'request')
              .map((p) => (p as { id: number }).id);
            for (const a of answered) expect(before).toContain(a);
          }
        },
      ),
      fuzzBudget(30, 8000),
    );
    expect(core.proxyPid(id)).toBe(proxyPid);
  });

  it('a line past the size limit closes that connection with a clear error; memory is not kept', async () => {
    const big = Buffer.alloc(MAX_MESSAGE_BYTES + 1024, 0x61);
    const lines = await session([big], 0);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32700, message: expect.stringMatching(/larger than the limit/) }) }),
    ]);
    expect(core.proxyPid(id)).toBe(proxyPid);
  });
});

describe('connector framing (bundled connector child over stdio)', () => {
  it('after garbage, invalid UTF-8, an unknown method and an oversized line, the next request is answered exactly once', async () => {
    const { child, answers, stdout } = connector();
    try {
      child.stdin.write('{"jsonrpc":"2.0","id":"u1","method":"no/such-method","params":{}}\n');
      await waitFor(() => answers().find((m) => m.id === 'u1'), 'the unknown method answer');
      expect(answers().find((m) => m.id === 'u1').error.code).toBe(-32601);
      child.stdin.write(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":"bad",'), Buffer.from([0xff, 0xc3]), Buffer.from('\ngarbage\n')]));
      child.stdin.write(Buffer.alloc(MAX_MESSAGE_BYTES + 10, 0x20));
      child.stdin.write('\n{"jsonrpc":"2.0","id":"after","method":"tools/call","params":{"name":"ok","arguments":{}}}\n');
      const after = await waitFor(() => answers().find((m) => m.id === 'after'), `the answer after the garbage (stdout: ${stdout().slice(0, 500)})`, 20_000);
      expect(after.result.content[0].text).toBe('ok');
      // One more round trip: a second answer to 'after' would have come out before this one's.
      child.stdin.write('{"jsonrpc":"2.0","id":"barrier","method":"tools/call","params":{"name":"ok","arguments":{}}}\n');
      await waitFor(() => answers().find((m) => m.id === 'barrier'), 'the answer after that');
      expect(answers().filter((m) => m.id === 'after')).toHaveLength(1);
      // stdout carried protocol only: every line parsed above; the proxy survived.
      expect(core.proxyPid(id)).toBe(proxyPid);
    } finally {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('an oversized request is answered with an error for its own id (not a nested one), and nothing reaches the server', async () => {
    const { child, answers, stdout } = connector();
    try {
      const head = '{"jsonrpc":"2.0","method":"tools/call","params":{"id":"nested","name":"ok","arguments":{}},"id":"huge","x":"';
      child.stdin.write(Buffer.concat([Buffer.from(head), Buffer.alloc(MAX_MESSAGE_BYTES, 0x61), Buffer.from('"}\n')]));
      const refused = await waitFor(
        () => answers().find((m) => m.id === 'huge'),
        `the error for the oversized request (stdout: ${stdout().slice(0, 500)})`,
        20_000,
      );
      expect(refused.error).toMatchObject({ code: -32600, message: expect.stringContaining('larger than 64 MB') });
      child.stdin.write('{"jsonrpc":"2.0","id":"next","method":"tools/call","params":{"name":"ok","arguments":{}}}\n');
      await waitFor(() => answers().find((m) => m.id === 'next'), 'the next answer');
      expect(answers().map((m) => m.id)).toEqual(['huge', 'next']);
    } finally {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    }
  });
});
