/**
 * The interop matrix: clients of every protocol era against servers of every era, through the
 * real bundled connector and proxy (one host, one proxy per server, a new connector per cell).
 * Clients: SDK 1.x offering 2025-03-26 and 2025-06-18, SDK 2.x at 2025-11-25 and pinned to
 * 2026-07-28. Servers: SDK 1.x over HTTP+SSE only, SDK 1.x over Streamable HTTP (sessions),
 * server-everything (a child process), SDK 2.x dual-era, SDK 2.x 2026-07-28 only. Each cell asks
 * the same things (CHECKS); a check a server's era does not have counts as "n/a", not as a pass.
 * The cells are written to test-results/interop.json, which `npm run interop` prints as a table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { startEverything, type RunningServer } from './fixtures/everything';
import { makeTempHome, startCore, waitForState, ROOT, type TempHome } from './fixtures/harness';
import { CLIENT_KINDS, CLIENT_LABELS, answerElicitation, connectInterop, type ClientKind, type InteropClient } from './fixtures/interop-clients';
import { GREETING_URI, startV1Server, startV2Server, type InteropServer } from './fixtures/interop-servers';
import { waitFor } from './fixtures/ports';

const CHECKS = [
  'tools/list',
  'tool call',
  'resources/read',
  'prompts/get',
  'progress',
  'cancellation',
  'list-changed',
  'elicitation',
  'multi-round-trip',
] as const;
type Check = (typeof CHECKS)[number];
type Outcome = 'pass' | 'n/a' | { fail: string };

interface ServerCase {
  key: string;
  label: string;
  era: 'legacy' | 'modern';
  start(): Promise<{ url: string; stats?: InteropServer['stats']; close(): Promise<void> }>;
}

const SERVERS: ServerCase[] = [
  { key: 'sdk1-sse', label: 'SDK 1.x, HTTP+SSE only', era: 'legacy', start: () => startV1Server('sse-only') },
  { key: 'sdk1-http', label: 'SDK 1.x, Streamable HTTP', era: 'legacy', start: () => startV1Server('streamable-http') },
  { key: 'everything', label: 'server-everything', era: 'legacy', start: () => startEverythingCase() },
  { key: 'sdk2-dual', label: 'SDK 2.x, dual-era', era: 'modern', start: () => startV2Server('stateless') },
  { key: 'sdk2-modern', label: "SDK 2.x, legacy: 'reject'", era: 'modern', start: () => startV2Server('reject') },
];

async function startEverythingCase() {
  const s: RunningServer = await startEverything('streamableHttp');
  return { url: s.url, close: () => s.stop() };
}

let home: TempHome;
let core: AppCore;
const running = new Map<string, { id: string; url: string; stats?: InteropServer['stats']; close(): Promise<void> }>();
const matrix: Record<string, Record<string, Record<Check, Outcome>>> = {};

beforeAll(async () => {
  home = makeTempHome();
  core = await startCore(home);
  await Promise.all(
    SERVERS.map(async (s) => {
      const started = await s.start();
      const id = (await core.addServer({ url: started.url, name: s.label.replace(/[^A-Za-z0-9 .-]/g, '') })).id;
      running.set(s.key, { id, ...started });
    }),
  );
  await Promise.all([...running.values()].map((r) => waitForState(core, r.id, 'ready', 30_000)));
}, 60_000);

afterAll(async () => {
  if (process.env.INTEROP_DEBUG)
    for (const r of running.values())
      for (const e of core.tailLogs(r.id, 2000)) if (e.level !== 'debug' || /Bridge/.test(e.message)) console.log(r.id, e.level, e.connection ?? '', e.message);
  await core?.dispose();
  await Promise.all([...running.values()].map((r) => r.close()));
  home?.cleanup();
  const out = path.join(ROOT, 'test-results');
  fs.mkdirSync(out, { recursive: true });
  const table = {
    checks: CHECKS,
    clients: CLIENT_KINDS.map((k) => ({ key: k, label: CLIENT_LABELS[k] })),
    servers: SERVERS.map((s) => ({ key: s.key, label: s.label })),
    cells: matrix,
  };
  fs.writeFileSync(path.join(out, 'interop.json'), JSON.stringify(table, null, 2) + '\n');
});

/** Runs one check; a throw or a wrong answer is a failure with its reason. */
async function attempt(fn: () => Promise<void | 'n/a'>): Promise<Outcome> {
  try {
    return (await fn()) === 'n/a' ? 'n/a' : 'pass';
  } catch (err) {
    return { fail: (err as Error)?.message?.slice(0, 300) ?? String(err) };
  }
}

function must(cond: unknown, what: string): void {
  if (!cond) throw new Error(what);
}

/** The checks of one cell, with the server's own tool names (server-everything has its own). */
async function runCell(server: ServerCase, c: InteropClient): Promise<Record<Check, Outcome>> {
  const everything = server.key === 'everything';
  const stats = running.get(server.key)!.stats;
  const r = {} as Record<Check, Outcome>;
  let tools: string[] = [];
  r['tools/list'] = await attempt(async () => {
    tools = await c.listTools();
    must(tools.includes('echo'), `echo not listed (${tools.join(', ')})`);
  });
  r['tool call'] = await attempt(async () => {
    const text = await c.callTool('echo', everything ? { message: 'hi ünïcode' } : { text: 'hi ünïcode' });
    must(text.includes('hi ünïcode'), `echo said ${text}`);
  });
  r['resources/read'] = await attempt(async () => {
    const uri = everything ? (await c.listResources())[0]! : GREETING_URI;
    const text = await c.readResource(uri);
    must(everything ? text.length > 2 : text.includes('hello from interop'), `read ${uri}: ${text.slice(0, 80)}`);
  });
  r['prompts/get'] = await attempt(async () => {
    const prompts = await c.listPrompts();
    const name = everything ? prompts.find((p) => !p.required.length)!.name : 'review';
    const text = await c.getPrompt(name, everything ? {} : { topic: 'the bridge' });
    must(everything ? text.length > 2 : text.includes('Please review the bridge'), `prompt ${name}: ${text.slice(0, 80)}`);
  });
  r.progress = await attempt(async () => {
    const seen: number[] = [];
    const text = everything
      ? await c.callTool('trigger-long-running-operation', { duration: 0.3, steps: 3 }, { onprogress: (p) => void seen.push(p.progress) })
      : await c.callTool('slow', { steps: 3, ms: 20 }, { onprogress: (p) => void seen.push(p.progress) });
    // server-everything answers right after its last progress, which an SDK client may drop itself
    // (it handles notifications a microtask after a response read in the same chunk).
    const ok = everything ? seen.length >= 2 && seen[0] === 1 && seen[1] === 2 : JSON.stringify(seen) === '[1,2,3]';
    must(ok, `progress seen: ${JSON.stringify(seen)} (${text})`);
  });
  r.cancellation = await attempt(async () => {
    const abort = new AbortController();
    const before = stats?.cancelled ?? 0;
    const call = everything
      ? c.callTool('trigger-long-running-operation', { duration: 20, steps: 200 }, { signal: abort.signal, onprogress: () => abort.abort() })
      : c.callTool('slow', { steps: 200, ms: 50 }, { signal: abort.signal, onprogress: () => abort.abort() });
    const outcome = await call.then(
      (t) => `completed: ${t}`,
      (err: Error) => (abort.signal.aborted ? 'aborted' : `failed: ${err.message}`),
    );
    must(outcome === 'aborted', outcome);
    // The server heard of it (its tool stopped early); server-everything does not say, so: it still answers.
    if (stats) await waitFor(() => stats.cancelled > before, 'the server to see the cancellation', 10_000);
    else must((await c.callTool('echo', { message: 'after' })).includes('after'), 'no answer after the cancellation');
  });
  r['list-changed'] = await attempt(async () => {
    if (everything) {
      // server-everything changes no list on demand; its change notification is a subscribed resource's update.
      const uri = (await c.listResources())[0]!;
      await c.subscribe(uri);
      await c.callTool('toggle-subscriber-updates', {});
      await waitFor(() => c.seen.resourceUpdates > 0, 'a resources/updated notification', 10_000);
      return;
    }
    const before = c.seen.toolsChanged;
    await c.callTool('add-tool', {});
    await waitFor(() => c.seen.toolsChanged > before, 'a tools/list_changed notification', 10_000);
  });
  r.elicitation = await attempt(async () => {
    const before = c.seen.elicitations;
    const text = everything ? await c.callTool('trigger-elicitation-request', {}) : await c.callTool('ask-user', {});
    must(c.seen.elicitations === before + 1, `the client was asked ${c.seen.elicitations - before} times`);
    must(everything ? /accept/i.test(text) : text === 'accept: Ada', `the tool said ${text.slice(0, 120)}`);
  });
  r['multi-round-trip'] = await attempt(async () => {
    if (server.era !== 'modern') return 'n/a';
    const before = c.seen.elicitations;
    const text = await c.callTool('two-rounds', {});
    must(text === 'Ada confirmed', `the tool said ${text}`);
    must(c.seen.elicitations === before + 2, `the client was asked ${c.seen.elicitations - before} times, not twice`);
  });
  return r;
}

for (const server of SERVERS) {
  describe(`interop: ${server.label}`, () => {
    for (const kind of CLIENT_KINDS) {
      it(`${CLIENT_LABELS[kind]} → ${server.label}`, async () => {
        const c = await connectInterop(kind, home, running.get(server.key)!.id);
        let cell: Record<Check, Outcome>;
        try {
          cell = await runCell(server, c);
        } finally {
          await c.close();
        }
        (matrix[server.key] ??= {})[kind] = cell;
        const failures = Object.entries(cell).filter(([, o]) => typeof o === 'object');
        expect(failures).toEqual([]);
      }, 90_000);
    }
  });
}

describe('what was bridged', () => {
  it('the server page names both revisions and the bridge; the server record keeps the era', async () => {
    const id = running.get('sdk2-modern')!.id;
    const c = await connectInterop('sdk1-2025-06-18', home, id);
    try {
      expect(c.protocolVersion()).toBe('2025-06-18');
      await waitFor(() => core.listServers().find((s) => s.id === id)?.status.protocol?.client === '2025-06-18', 'the status to name the client');
      expect(core.listServers().find((s) => s.id === id)!.status.protocol).toEqual({ server: '2026-07-28', client: '2025-06-18', bridged: true });
      expect(core.registry.get(id)!.protocolEra).toBe('modern');
      expect(core.registry.get(running.get('sdk1-sse')!.id)!.protocolEra).toBe('legacy');
      // Every client, whatever its era, reached the dual-era server in the 2026-07-28 era (no 2025 POST).
      const dual = running.get('sdk2-dual')!.stats!.methods;
      expect(dual).toContain('subscriptions/listen');
      expect(dual).not.toContain('POST');
      const log = core.tailLogs(id, 500).map((e) => e.message);
      expect(log.some((m) => /Bridging: the client speaks 2025-06-18/.test(m))).toBe(true);
    } finally {
      await c.close();
    }
  });
});

describe('elicitation stand-in: clients that declare no elicitation', () => {
  /** Plays the user at the window: every question the app shows is answered from its form. */
  function user() {
    const asked: string[] = [];
    const off = core.onDidChangeElicitations((pending) => {
      for (const q of pending) {
        asked.push(`${q.serverName}: ${q.message}`);
        void core.answerElicitation({ id: q.id, action: 'accept', content: answerElicitation({ requestedSchema: q.requestedSchema }).content as never });
      }
    });
    return { asked, off };
  }

  const cases: [ClientKind, string, string][] = [
    ['sdk1-2025-06-18', 'sdk1-http', 'a 2025 client, a 2025 server'],
    ['sdk1-2025-06-18', 'sdk2-modern', 'a 2025 client, a 2026-07-28 server (bridged)'],
    ['sdk2-2026-07-28', 'sdk1-sse', 'a 2026-07-28 client, an HTTP+SSE server (bridged)'],
    ['sdk2-2026-07-28', 'sdk2-modern', 'a 2026-07-28 client, a 2026-07-28 server'],
  ];
  for (const [kind, server, what] of cases) {
    it(`asks in the window for ${what}`, async () => {
      const u = user();
      const c = await connectInterop(kind, home, running.get(server)!.id, { elicitation: false });
      try {
        expect(await c.callTool('ask-user', {})).toBe('accept: Ada');
        expect(u.asked).toHaveLength(1);
        expect(u.asked[0]).toMatch(/: Your name\?$/);
        if (server === 'sdk2-modern') {
          expect(await c.callTool('two-rounds', {})).toBe('Ada confirmed');
          expect(u.asked).toHaveLength(3);
        }
        expect(c.seen.elicitations).toBe(0);
      } finally {
        u.off();
        await c.close();
      }
    });
  }

  it("asks nothing when the server's stand-ins are off: the server hears the client cannot answer", async () => {
    const id = running.get('sdk1-http')!.id;
    await core.setStandIns(id, false);
    try {
      await waitForState(core, id, 'ready');
      const u = user();
      const c = await connectInterop('sdk1-2025-06-18', home, id, { elicitation: false });
      try {
        await expect(c.callTool('ask-user', {})).rejects.toThrow(/elicitation/i);
        expect(u.asked).toEqual([]);
      } finally {
        u.off();
        await c.close();
      }
    } finally {
      await core.setStandIns(id, true);
      await waitForState(core, id, 'ready');
    }
  });

  it('asks nothing for a client install whose stand-ins are off, and still asks for another client', async () => {
    const id = running.get('sdk1-http')!.id;
    await core.setStandIns(id, false, 'cursor');
    try {
      expect(core.registry.get(id)!.standInsOffFor).toEqual(['cursor']);
      expect(core.listServers().find((s) => s.id === id)).toMatchObject({ standIns: true, standInsOffFor: ['cursor'] });
      await waitForState(core, id, 'ready');
      const u = user();
      const cursor = await connectInterop('sdk1-2025-06-18', home, id, { elicitation: false, install: 'cursor' });
      const claude = await connectInterop('sdk1-2025-06-18', home, id, { elicitation: false, install: 'claude-desktop' });
      try {
        await expect(cursor.callTool('ask-user', {})).rejects.toThrow(/elicitation/i);
        expect(u.asked).toEqual([]);
        expect(await claude.callTool('ask-user', {})).toBe('accept: Ada');
        expect(u.asked).toHaveLength(1);
      } finally {
        u.off();
        await Promise.all([cursor.close(), claude.close()]);
      }
    } finally {
      await core.setStandIns(id, true, 'cursor');
      expect(core.registry.get(id)!.standInsOffFor).toBeUndefined();
      await waitForState(core, id, 'ready');
    }
  });
});
