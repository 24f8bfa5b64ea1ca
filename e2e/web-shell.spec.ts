/**
 * The TEST-ONLY web bridge (support/web-bridge.ts) is a loopback HTTP listener like any other:
 * it must refuse requests without its secret, with a foreign Host (DNS rebinding) or a foreign
 * Origin, with 403 and without running the call. Behind it is the real core and handler table
 * (support/story-backend.ts); the page side runs in the real Chromium.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { ensureRendererBuilt } from './support/build';
import { loadStoryBackend } from './support/bundle';
import { rendererOut, repoRoot } from './support/paths';
import type { StoryBackend } from './support/story-backend';
import { BRIDGE_SECRET_HEADER } from './support/web-bridge';
import { installWebBridge } from './support/web-bridge-page';

let backend: StoryBackend;

test.beforeAll(async () => {
  // Any built renderer will do here (the story needs the current one; this only needs index.html).
  if (!fs.existsSync(path.join(rendererOut, 'index.html'))) ensureRendererBuilt();
  backend = await loadStoryBackend().startStoryBackend({ repoRoot });
});

test.afterAll(async () => {
  await backend?.close();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so Host and Origin can be anything (fetch would not let us set Host). */
function request(opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const url = new URL(backend.bridge.origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: Number(url.port), method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers, setHost: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
          // The event stream never ends: its first bytes are enough.
          if (opts.path === '/events') res.destroy();
        });
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const good = () => ({ host: new URL(backend.bridge.origin).host, [BRIDGE_SECRET_HEADER]: backend.bridge.secret });
const listCall = JSON.stringify({ name: 'servers:list', arg: null });
const addCall = JSON.stringify({ name: 'servers:add', arg: { url: 'https://refused.example.com/mcp' } });
const json = { 'content-type': 'application/json' };

test('admits its own page: right secret, own Host, own Origin', async () => {
  const page = await request({ headers: good() });
  expect(page.status).toBe(200);
  expect(page.body).toContain('<div id="root">');
  // The single CSP relaxation: connect-src 'self' instead of 'none'; the rest unchanged.
  expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
  expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  expect(page.body).not.toContain('connect-src &#39;none&#39;');

  const listed = await request({
    method: 'POST',
    path: '/call',
    headers: { ...good(), ...json, origin: backend.bridge.origin, 'sec-fetch-site': 'same-origin' },
    body: listCall,
  });
  expect(listed.status).toBe(200);
  expect(JSON.parse(listed.body)).toEqual({ ok: true, value: [] });

  const events = await request({ path: '/events', headers: good() });
  expect(events.status).toBe(200);
  expect(events.headers['content-type']).toBe('text/event-stream');
});

test('refuses a missing or wrong secret with 403, on every route', async () => {
  const wrong = backend.bridge.secret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  for (const path of ['/', '/index.html', '/call', '/events']) {
    const method = path === '/call' ? 'POST' : 'GET';
    const body = path === '/call' ? addCall : undefined;
    const host = good().host;
    const missing = await request({ method, path, headers: { host, ...json }, body });
    const wrongSecret = await request({ method, path, headers: { host, ...json, [BRIDGE_SECRET_HEADER]: wrong }, body });
    const shorter = await request({ method, path, headers: { host, ...json, [BRIDGE_SECRET_HEADER]: backend.bridge.secret.slice(1) }, body });
    expect([missing.status, wrongSecret.status, shorter.status], path).toEqual([403, 403, 403]);
    expect(missing.body).toBe('Forbidden\n');
  }
  expect((await backend.call('servers:list')).value).toEqual([]);
});

test('refuses a foreign Host (DNS rebinding) with 403, even with the secret', async () => {
  const port = new URL(backend.bridge.origin).port;
  for (const host of [`evil.example:${port}`, `localhost:${port}`, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', `[::1]:${port}`]) {
    const res = await request({ method: 'POST', path: '/call', headers: { ...good(), host, ...json }, body: addCall });
    expect(res.status, host).toBe(403);
  }
  const before = backend.bridge.refused.length;
  expect((await request({ headers: { ...good(), host: `rebound.attacker.test:${port}` } })).status).toBe(403);
  expect(backend.bridge.refused.slice(before)).toEqual([{ method: 'GET', path: '/', reason: 'host' }]);
  expect((await backend.call('servers:list')).value).toEqual([]);
});

test('refuses a foreign Origin or a cross-site fetch with 403, even with the secret', async () => {
  const port = Number(new URL(backend.bridge.origin).port);
  for (const origin of ['http://evil.example', 'null', `http://localhost:${port}`, `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`]) {
    const res = await request({ method: 'POST', path: '/call', headers: { ...good(), ...json, origin }, body: addCall });
    expect(res.status, origin).toBe(403);
  }
  const crossSite = await request({ method: 'POST', path: '/call', headers: { ...good(), ...json, 'sec-fetch-site': 'cross-site' }, body: addCall });
  expect(crossSite.status).toBe(403);
  expect((await backend.call('servers:list')).value).toEqual([]);
});

test('another page in the browser cannot reach it; our page gets window.switchboard with calls and events', async ({ page, context }) => {
  const bridge = backend.bridge;
  // A page on another loopback origin (no CSP of its own), even knowing the secret, is refused
  // by the Origin check: the request arrives and is answered 403 without running the call.
  const other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(`http://127.0.0.1:${(other.address() as { port: number }).port}/`);
    const before = bridge.refused.length;
    const outcome = await page.evaluate(
      async ({ url, header, secret, body }) => {
        try {
          const res = await fetch(url, { method: 'POST', headers: { [header]: secret, 'content-type': 'text/plain' }, body, mode: 'no-cors' });
          return `status ${res.status}`;
        } catch (err) {
          return String(err);
        }
      },
      { url: `${bridge.origin}/call`, header: BRIDGE_SECRET_HEADER, secret: bridge.secret, body: addCall },
    );
    // no-cors: the page learns nothing (opaque response); the bridge saw and refused it.
    expect(outcome).toBe('status 0');
    await expect.poll(() => bridge.refused.slice(before).map((r) => r.reason)).toEqual(['origin']);
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  expect((await backend.call('servers:list')).value).toEqual([]);

  await context.setExtraHTTPHeaders({ [BRIDGE_SECRET_HEADER]: bridge.secret });
  await page.addInitScript(installWebBridge, { origin: bridge.origin, header: BRIDGE_SECRET_HEADER, secret: bridge.secret });
  await page.goto(bridge.url);
  const result = await page.evaluate(() => window.switchboard.call('servers:list', undefined));
  expect(result).toEqual({ ok: true, value: [] });
  const bad = await page.evaluate(() => window.switchboard.call('no:such' as never, undefined as never));
  expect(bad).toEqual({ ok: false, error: 'Unknown call "no:such"' });
  expect(await page.evaluate(() => Object.isFrozen(window.switchboard))).toBe(true);

  // Events flow: a core event reaches a listener in the page.
  await page.evaluate(() => {
    (window as unknown as { __got: unknown[] }).__got = [];
    window.switchboard.on('logs:did-append', (events) => (window as unknown as { __got: unknown[] }).__got.push(...events));
  });
  await expect.poll(() => page.evaluate(() => window.__webBridgeStreams ?? 0)).toBeGreaterThan(0);
  await expect
    .poll(async () => {
      backend.plant('bridge-test', 'event through the bridge');
      return page.evaluate(() => (window as unknown as { __got: Array<{ message: string }> }).__got.map((e) => e.message));
    })
    .toContain('event through the bridge');
  expect(bridge.sent.some((s) => s.kind === 'event' && s.body.includes('event through the bridge'))).toBe(true);
});
