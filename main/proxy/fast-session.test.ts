/**
 * A 2025-era Streamable HTTP session opens and runs without the SDK (fast-session.ts): the
 * handshake, calls, the standalone event stream, a re-initialize after the server forgot the
 * session, and the DELETE at the end — against the official SDK's reference server
 * (test/fixtures/sdk-server.ts) and, for what that server cannot be made to do (a notification
 * on the standalone stream, a stream cut and resumed, a 401 on the stream), a small raw one here.
 * The SDK loads only when the fast path hands something back (a 401 at the open, which its
 * transport sends again with the sign-in renewal; an address the fast open cannot serve).
 * The module state `loadedSdk()` reads is this test file's own: nothing else here requires it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSdkServer, type SdkServer } from '../../test/fixtures/sdk-server';
import { systemClock } from '../shared/clock';
import { RetryBudget } from './message-path/retry-budget';
import { ToolHints } from './message-path/tool-hints';
import { loadedSdk } from './sdk-module';
import { UpstreamSession } from './upstream';
import type { JsonRpcMessage } from '../shared/mcp-http';

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

/** A client of an UpstreamSession: what it got, and a wait for the answer to an id or a message that matches. */
function client(opts: { url: string; auth?: ConstructorParameters<typeof UpstreamSession>[0]['auth']; recovery?: boolean }) {
  const got: JsonRpcMessage[] = [];
  const logs: string[] = [];
  const waiters: { test: (m: JsonRpcMessage) => boolean; resolve: (m: JsonRpcMessage) => void }[] = [];
  const session = new UpstreamSession(
    {
      url: opts.url,
      serverName: 'Fixture',
      headers: {},
      auth: opts.auth,
      // The retry stage, as the proxy has it: a lost session's request is sent again at once (no wait on the clock).
      recovery: opts.recovery ? { budgetMs: 10_000, budget: new RetryBudget(), hints: new ToolHints(), clock: systemClock } : undefined,
    },
    {
      toClient: (m: JsonRpcMessage) => {
        got.push(m);
        for (const w of [...waiters]) {
          if (!w.test(m)) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      },
      log: (level: string, message: string) => logs.push(`${level} ${message}`),
    } as ConstructorParameters<typeof UpstreamSession>[1],
  );
  const next = (test: (m: JsonRpcMessage) => boolean) =>
    new Promise<JsonRpcMessage>((resolve) => {
      const seen = got.find(test);
      if (seen) resolve(seen);
      else waiters.push({ test, resolve });
    });
  const call = async (m: JsonRpcMessage) => {
    await session.fromClient(m);
    return next((x) => x.id === m.id && ('result' in x || 'error' in x));
  };
  return { session, got, logs, next, call };
}

async function handshake(c: ReturnType<typeof client>) {
  const init = await c.call(INIT);
  expect(init.result?.protocolVersion).toBe('2025-11-25');
  await c.session.fromClient(INITIALIZED);
}

let server: SdkServer | undefined;
let raw: http.Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (raw) {
    raw.closeAllConnections();
    await new Promise((r) => raw!.close(r));
    raw = undefined;
  }
});

describe('a fast session (no SDK)', () => {
  it('runs the handshake, listings and calls, opens the event stream and ends with DELETE, without loading the SDK', async () => {
    server = await startSdkServer();
    const c = client({ url: server.url });
    await handshake(c);
    const list = await c.call({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((list.result?.tools as { name: string }[]).map((t) => t.name)).toContain('echo');
    const echo = await c.call({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hi' } } });
    expect(echo.result?.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
    // Every request after the handshake carried the session and the negotiated version.
    const after = server.headers.slice(1);
    expect(after.length).toBeGreaterThanOrEqual(3);
    for (const h of after) {
      expect(h['mcp-session-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(h['mcp-protocol-version']).toBe('2025-11-25');
    }
    await expect.poll(() => server!.stats.gets).toBe(1);
    await c.session.close();
    expect(server.stats.deletes).toBe(1);
    expect(loadedSdk()).toBeUndefined();
  });

  it('replays the initialize on a new fast session when the server forgot the session', async () => {
    server = await startSdkServer();
    const c = client({ url: server.url, recovery: true });
    await handshake(c);
    server.expireSessions();
    const echo = await c.call({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'again' } } });
    expect(echo.result?.content).toEqual([{ type: 'text', text: 'echo: again' }]);
    expect(server.stats.initializes).toBe(2);
    expect(c.logs.some((l) => l.includes('Upstream session re-established'))).toBe(true);
    await c.session.close();
    expect(loadedSdk()).toBeUndefined();
  });

  it('goes on without an event stream when the server offers none', async () => {
    server = await startSdkServer();
    server.refuseGet(405);
    const c = client({ url: server.url });
    await handshake(c);
    await expect.poll(() => c.logs.some((l) => l === 'debug Upstream offers no standalone event stream (405)')).toBe(true);
    const list = await c.call({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(list.result?.tools).toBeDefined();
    expect(server.stats.gets).toBe(1); // not asked again
    await c.session.close();
  });
});

/**
 * A raw Streamable HTTP server: one session; its standalone stream sends one notification with an
 * event id and ends, the next GET (which must carry Last-Event-ID) sends another. `getAuth`: the
 * first GET is refused with 401 unless it carries `Bearer fresh`.
 */
async function startRawServer(getAuth = false, postAuth = false) {
  const seen = { gets: [] as (string | undefined)[], auths: [] as (string | undefined)[], posts: [] as (string | undefined)[], deletes: 0 };
  raw = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'DELETE') {
        seen.deletes++;
        return void res.writeHead(200).end();
      }
      if (req.method === 'GET') {
        seen.gets.push(req.headers['last-event-id'] as string | undefined);
        seen.auths.push(req.headers.authorization);
        if (getAuth && req.headers.authorization !== 'Bearer fresh') return void res.writeHead(401).end();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const n = seen.gets.length;
        const note = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: `note ${n}` } };
        res.write(`retry: 10\nid: e${n}\ndata: ${JSON.stringify(note)}\n\n`);
        if (n === 1) res.end(); // cut: the proxy comes back with Last-Event-ID
        return;
      }
      seen.posts.push(req.headers.authorization);
      if (postAuth && req.headers.authorization !== 'Bearer fresh') {
        return void res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
      }
      const m = JSON.parse(body) as JsonRpcMessage;
      if (m.method === 'initialize') {
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'raw-1' });
        return void res.end(
          JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'raw', version: '1' } } }),
        );
      }
      if (m.id === undefined) return void res.writeHead(202).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { tools: [] } }));
    });
  });
  await new Promise<void>((r) => raw!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/mcp`, seen };
}

describe('the standalone event stream of a fast session', () => {
  it('hands its notifications to the client and, cut, comes back with Last-Event-ID', async () => {
    const { url, seen } = await startRawServer();
    const c = client({ url });
    await handshake(c);
    await c.next((m) => m.method === 'notifications/message' && (m.params as { data?: string }).data === 'note 1');
    await c.next((m) => m.method === 'notifications/message' && (m.params as { data?: string }).data === 'note 2');
    expect(seen.gets).toEqual([undefined, 'e1']);
    await c.session.close();
    expect(seen.deletes).toBe(1);
  });

  it('refused with 401, asks for a new token once and opens with it', async () => {
    const { url, seen } = await startRawServer(true);
    let token = 'stale';
    let renewals = 0;
    const c = client({
      url,
      auth: {
        token: () => token,
        renew: async (status) => {
          expect(status).toBe(401);
          renewals++;
          token = 'fresh';
          return token;
        },
      },
    });
    await handshake(c);
    await c.next((m) => m.method === 'notifications/message');
    expect(renewals).toBe(1);
    expect(seen.auths.slice(0, 2)).toEqual(['Bearer stale', 'Bearer fresh']);
    await c.session.close();
  });
});

describe('what the fast path hands to the SDK', () => {
  it('an initialize refused with 401: the SDK transport sends it again with its sign-in renewal, and the session goes on', async () => {
    const { url, seen } = await startRawServer(false, true);
    let token = 'stale';
    const renewals: (string | undefined)[] = [];
    const c = client({
      url,
      auth: {
        token: () => token,
        renew: async (_status, challenge) => {
          renewals.push(challenge);
          token = 'fresh';
          return token;
        },
      },
    });
    await handshake(c);
    const list = await c.call({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(list.result?.tools).toEqual([]);
    expect(renewals).toEqual(['Bearer error="invalid_token"']);
    // The fast open, the SDK's first try, then everything with the new token.
    expect(seen.posts.slice(0, 3)).toEqual(['Bearer stale', 'Bearer stale', 'Bearer fresh']);
    expect(seen.posts.slice(3).every((a) => a === 'Bearer fresh')).toBe(true);
    expect(loadedSdk()).toBeDefined();
    await c.session.close();
  });

  it('a /sse address the fast open cannot serve (404): the SDK tries the next transports and finds /mcp', async () => {
    server = await startSdkServer();
    const c = client({ url: server.sseUrl });
    await handshake(c);
    const echo = await c.call({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'sse' } } });
    expect(echo.result?.content).toEqual([{ type: 'text', text: 'echo: sse' }]);
    expect(c.logs).toContain(`info Using Streamable HTTP at ${server.url}`);
    expect(loadedSdk()).toBeDefined();
    await c.session.close();
  });
});
