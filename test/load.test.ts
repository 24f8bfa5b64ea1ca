/**
 * Load, end to end: the bundled connector and proxy (real child processes, forked by a real
 * AppCore) against a real HTTP server (test/fixtures/misbehaving-server.ts, behaving here).
 * 100 requests in flight at once through one proxy; 10 clients on one server at once, reusing
 * the same request ids; a 10 MB tool result passed intact over both answer framings (SSE and
 * JSON). Every request gets exactly one answer, its own, within a bounded wait. Speed is not
 * asserted here (see `npm run bench`).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';
import { bigText, startMisbehavingServer, type MisbehavingServer } from './fixtures/misbehaving-server';
import { RawConnector } from './fixtures/raw-connector';
import { waitFor } from './fixtures/ports';

let sse: MisbehavingServer;
let json: MisbehavingServer;
let home: TempHome;
let core: AppCore;
let sseId: string;
let jsonId: string;
const open: RawConnector[] = [];

beforeAll(async () => {
  sse = await startMisbehavingServer();
  json = await startMisbehavingServer({ json: true });
  home = makeTempHome();
  core = await startCore(home);
  sseId = (await core.addServer({ url: sse.url, name: 'Loaded' })).id;
  jsonId = (await core.addServer({ url: json.url, name: 'Loaded JSON' })).id;
  await Promise.all([waitForState(core, sseId, 'ready'), waitForState(core, jsonId, 'ready')]);
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await core?.dispose();
  await sse?.close();
  await json?.close();
  home?.cleanup();
});

async function client(serverId: string, name: string): Promise<RawConnector> {
  const c = RawConnector.start(home, serverId);
  open.push(c);
  await c.initialize(name);
  return c;
}

const textOf = (answer: any): string => answer?.result?.content?.[0]?.text ?? '';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('load through one proxy', () => {
  it('carries 100 concurrent in-flight requests on one connection; each gets its own answer once', async () => {
    const c = await client(sseId, 'hundred');
    sse.stats.maxInFlight = 0;
    const n = 100;
    // Each call holds its answer for 1.5 s, so all 100 must be at the server at the same time.
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => c.call('slow', { ms: 1500, message: `c-${i}` }, { id: i + 1, timeoutMs: 30_000 })));
    expect(sse.stats.maxInFlight).toBe(n);
    answers.forEach((a, i) => {
      expect(a.id).toBe(i + 1);
      expect(textOf(a)).toBe(`slow: c-${i}`);
    });
    for (let i = 0; i < n; i++) expect(sse.stats.calls.get(`c-${i}`)).toBe(1);
    expect(c.duplicateAnswers()).toEqual([]);
    expect(c.lines.filter((m) => m.id !== 'init-hundred')).toHaveLength(n);
  });

  it('serves 10 clients at once on one server, with the same request ids, each on its own session', async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, (_, k) => client(sseId, `client-${k}`)));
    await waitFor(() => core.listServers().find((s) => s.id === sseId)!.status.counters.connections >= 10, '10 connections', 5000);
    const results = await Promise.all(
      clients.map(async (c, k) => {
        // Every client uses ids 1..10: the proxy must route each answer back to its own connection.
        const echoes = await Promise.all(Array.from({ length: 10 }, (_, j) => c.call('echo', { message: `${k}-${j}` }, { id: j + 1, timeoutMs: 20_000 })));
        const who = JSON.parse(textOf(await c.call('whoami', {}, { id: 'who', timeoutMs: 20_000 })));
        return { echoes, who };
      }),
    );
    const sessions = new Set<string>();
    results.forEach(({ echoes, who }, k) => {
      echoes.forEach((a, j) => expect(textOf(a)).toBe(`echo: ${k}-${j}`));
      expect(who.client).toBe(`client-${k}`);
      sessions.add(who.sessionId);
    });
    expect(sessions.size).toBe(10);
    for (const c of clients) {
      expect(c.duplicateAnswers()).toEqual([]);
      expect(c.lines).toHaveLength(1 + 10 + 1); // initialize, ten echoes, whoami: nothing else
    }
  });
});

describe('large results', () => {
  for (const [framing, serverId] of [
    ['an SSE answer', () => sseId],
    ['a JSON answer', () => jsonId],
  ] as const) {
    it(`passes a 10 MB tool result intact in ${framing}`, async () => {
      const c = await client(serverId(), `big-${framing.split(' ')[1]}`);
      const bytes = 10 * 1024 * 1024;
      const seed = `seed-${framing}`;
      const a = await c.call('big', { bytes, seed }, { timeoutMs: 30_000 });
      const text = textOf(a);
      expect(text.length).toBe(bytes);
      expect(sha256(text)).toBe(sha256(bigText(bytes, seed)));
      // And the connection still carries ordinary traffic afterwards.
      expect(textOf(await c.call('echo', { message: 'after big' }))).toBe('echo: after big');
      expect(c.duplicateAnswers()).toEqual([]);
    });
  }
});
