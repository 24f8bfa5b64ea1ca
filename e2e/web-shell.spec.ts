/**
 * The browser shell (main/headless/web-shell.ts), the window `npm start` serves where Electron
 * cannot start, is a loopback HTTP listener like any other: a one-time link is exchanged for an
 * HttpOnly, SameSite=Strict cookie, every other request needs the cookie, and a foreign Host (DNS
 * rebinding), a foreign Origin or a cross-site fetch is refused with 403 and a sentence, without
 * running the call. Behind it is the real core and handler table (support/story-backend.ts); the
 * page side runs in the real Chromium.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { ensureRendererBuilt } from './support/build';
import { loadStoryBackend } from './support/bundle';
import { rendererOut, repoRoot } from './support/paths';
import type { StoryBackend, StoryShell } from './support/story-backend';

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
function request(shell: StoryShell, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string; host?: string }): Promise<Reply> {
  const url = new URL(shell.origin);
  return new Promise((resolve, reject) => {
    const headers = { host: opts.host ?? url.host, ...opts.headers };
    const req = http.request(
      { host: '127.0.0.1', port: Number(url.port), method: opts.method ?? 'GET', path: opts.path ?? '/', headers, setHost: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
          // The event stream never ends: its first bytes are enough.
          if (res.headers['content-type'] === 'text/event-stream') res.destroy();
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

const tokenOf = (shell: StoryShell) => new URL(shell.url).searchParams.get('token')!;

/** Spends the shell's link; returns the Cookie header that then opens every route. */
async function signIn(shell: StoryShell): Promise<string> {
  const res = await request(shell, { path: `/?token=${tokenOf(shell)}` });
  expect(res.status).toBe(302);
  return String(res.headers['set-cookie']![0]).split(';')[0];
}

const listCall = JSON.stringify({ name: 'servers:list', arg: null });
const addCall = JSON.stringify({ name: 'servers:add', arg: { url: 'https://refused.example.com/mcp' } });
const json = { 'content-type': 'application/json' };
const ONCE =
  'This link is not valid or has been used already (each link works once): use the browser tab it opened, or restart MCP Switchboard for a new link.\n';
const NO_SESSION = 'Open MCP Switchboard with the link it printed when it started (each link works once), or restart it for a new link.\n';

test('the link is spent for an HttpOnly, SameSite=Strict cookie and a redirect without the token; then it is refused', async () => {
  const shell = await backend.newShell();
  const port = new URL(shell.origin).port;
  const token = tokenOf(shell);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
  expect(shell.url).toBe(`${shell.origin}/?token=${token}`);

  // A wrong or shorter token is refused and does not spend the real one.
  for (const wrong of [token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), token.slice(1), '']) {
    const res = await request(shell, { path: `/?token=${wrong}` });
    expect(res.status).toBe(403);
    expect(res.body).toBe(ONCE);
    expect(res.headers['set-cookie']).toBeUndefined();
  }

  const first = await request(shell, { path: `/?token=${token}&view=logs` });
  expect(first.status).toBe(302);
  expect(first.headers.location).toBe('/?view=logs');
  const setCookie = first.headers['set-cookie'] ?? [];
  expect(setCookie).toHaveLength(1);
  expect(setCookie[0]).toMatch(new RegExp(`^mcp-switchboard-${port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`));
  const cookie = setCookie[0].split(';')[0];
  expect(cookie).not.toContain(token);
  expect(first.headers['cache-control']).toBe('no-store');
  expect(first.headers['referrer-policy']).toBe('no-referrer');

  // Spent: the same link again, without the cookie, is refused; with the cookie it just drops the token.
  const again = await request(shell, { path: `/?token=${token}` });
  expect(again.status).toBe(403);
  expect(again.body).toBe(ONCE);
  const withCookie = await request(shell, { path: `/?token=${token}`, headers: { cookie } });
  expect(withCookie.status).toBe(302);
  expect(withCookie.headers.location).toBe('/');
  expect(withCookie.headers['set-cookie']).toBeUndefined();

  // The cookie opens the page (the bridge script added, connect-src relaxed to 'self' only), the calls and the events.
  const page = await request(shell, { headers: { cookie } });
  expect(page.status).toBe(200);
  expect(page.body).toContain('<div id="root">');
  expect(page.body).toContain('<script src="/switchboard-bridge.js"></script>');
  expect(page.body).toContain('connect-src &#39;self&#39;');
  expect(page.body).not.toContain('connect-src &#39;none&#39;');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe');
  const script = await request(shell, { path: '/switchboard-bridge.js', headers: { cookie } });
  expect(script.status).toBe(200);
  expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  expect(script.body).toContain(JSON.stringify({ origin: shell.origin }));

  const listed = await request(shell, {
    method: 'POST',
    path: '/call',
    headers: { cookie, ...json, origin: shell.origin, 'sec-fetch-site': 'same-origin' },
    body: listCall,
  });
  expect(listed.status).toBe(200);
  expect(JSON.parse(listed.body)).toEqual({ ok: true, value: [] });
  const plainText = await request(shell, { method: 'POST', path: '/call', headers: { cookie, 'content-type': 'text/plain' }, body: listCall });
  expect(plainText.status).toBe(415);

  const events = await request(shell, { path: '/events', headers: { cookie } });
  expect(events.status).toBe(200);
  expect(events.headers['content-type']).toBe('text/event-stream');

  // The refusals name the reason, never a secret.
  expect(shell.refused.map((r) => r.reason)).toEqual(['token', 'token', 'token', 'token']);
  expect(JSON.stringify(shell.refused)).not.toContain(token.slice(0, 12));
});

test('refuses a missing or wrong cookie with 403 and a sentence, on every route', async () => {
  const shell = await backend.newShell();
  const cookie = await signIn(shell);
  const [name, value] = cookie.split('=');
  const other = await backend.newShell();
  const otherCookie = await signIn(other);
  for (const p of ['/', '/index.html', '/switchboard-bridge.js', '/assets/', '/call', '/events']) {
    const method = p === '/call' ? 'POST' : 'GET';
    const body = p === '/call' ? addCall : undefined;
    const tries: Record<string, string>[] = [
      {},
      { cookie: `${name}=${value.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}` },
      { cookie: `${name}=${value.slice(1)}` },
      { cookie: `${name}=` },
      // Another shell's session (cookies are shared by every port of 127.0.0.1): not ours.
      { cookie: otherCookie },
      { cookie: `${otherCookie.split('=')[0]}=${value}` },
    ];
    for (const headers of tries) {
      const res = await request(shell, { method, path: p, headers: { ...json, ...headers }, body });
      expect(res.status, `${p} ${JSON.stringify(headers)}`).toBe(403);
      expect(res.body).toBe(NO_SESSION);
    }
  }
  expect(new Set(shell.refused.map((r) => r.reason))).toEqual(new Set(['session']));
  expect((await backend.call('servers:list')).value).toEqual([]);
});

test('refuses a foreign Host (DNS rebinding) with 403, even with the cookie or the link', async () => {
  const shell = await backend.newShell();
  const port = new URL(shell.origin).port;
  const foreign = [`evil.example:${port}`, `localhost:${port}`, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', `[::1]:${port}`];
  // The link through a rebound name is refused and not spent.
  for (const host of foreign) {
    const res = await request(shell, { host, path: `/?token=${tokenOf(shell)}` });
    expect(res.status, host).toBe(403);
    expect(res.body).toBe(`MCP Switchboard answers only requests addressed to 127.0.0.1:${port}.\n`);
  }
  const cookie = await signIn(shell);
  for (const host of foreign) {
    const res = await request(shell, { host, method: 'POST', path: '/call', headers: { cookie, ...json }, body: addCall });
    expect(res.status, host).toBe(403);
  }
  const before = shell.refused.length;
  expect((await request(shell, { host: `rebound.attacker.test:${port}`, headers: { cookie } })).status).toBe(403);
  expect(shell.refused.slice(before)).toEqual([{ method: 'GET', path: '/', reason: 'host' }]);
  expect((await backend.call('servers:list')).value).toEqual([]);
});

test('refuses a foreign Origin or a cross-site or same-site fetch with 403, even with the cookie', async () => {
  const shell = await backend.newShell();
  const cookie = await signIn(shell);
  const port = Number(new URL(shell.origin).port);
  for (const origin of ['http://evil.example', 'null', `http://localhost:${port}`, `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`]) {
    const res = await request(shell, { method: 'POST', path: '/call', headers: { cookie, ...json, origin }, body: addCall });
    expect(res.status, origin).toBe(403);
    expect(res.body).toBe('MCP Switchboard refuses requests from other web pages.\n');
  }
  for (const site of ['cross-site', 'same-site']) {
    const res = await request(shell, { method: 'POST', path: '/call', headers: { cookie, ...json, 'sec-fetch-site': site }, body: addCall });
    expect(res.status, site).toBe(403);
    const link = await backend.newShell();
    const viaLink = await request(link, { path: `/?token=${tokenOf(link)}`, headers: { 'sec-fetch-site': site } });
    expect(viaLink.status, `link ${site}`).toBe(403);
  }
  expect((await backend.call('servers:list')).value).toEqual([]);
});

test('another page in the browser cannot reach it; our page gets window.switchboard with calls and events', async ({ page, context, browser }) => {
  const shell = await backend.newShell();
  // Our page: the link is spent for the cookie and the address loses the token.
  await page.goto(shell.url);
  expect(page.url()).toBe(`${shell.origin}/`);
  const cookies = await context.cookies(shell.origin);
  expect(cookies).toHaveLength(1);
  expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
  expect(await page.evaluate(() => document.cookie)).toBe('');

  // Pages on other origins, in the same browser (which holds the cookie): a same-site page on
  // another port of 127.0.0.1 (the cookie rides along) and a cross-site one on localhost. Their
  // requests arrive and are answered 403 without running the call.
  const other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherPage = await context.newPage();
  try {
    const otherPort = (other.address() as { port: number }).port;
    for (const [where, reasons] of [
      [`http://127.0.0.1:${otherPort}/`, ['origin', 'fetch-site']],
      [`http://localhost:${otherPort}/`, ['origin', 'fetch-site']],
    ] as const) {
      await otherPage.goto(where);
      const before = shell.refused.length;
      const outcome = await otherPage.evaluate(
        async ({ origin, body }) => {
          const fetched = await fetch(`${origin}/call`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body, mode: 'no-cors' }).then(
            (res) => `status ${res.status}`,
            () => 'failed',
          );
          const loaded = await new Promise<string>((resolve) => {
            const s = document.createElement('script');
            s.src = `${origin}/switchboard-bridge.js`;
            s.onload = () => resolve('loaded');
            s.onerror = () => resolve('error');
            document.head.append(s);
          });
          return `fetch ${fetched}, script ${loaded}`;
        },
        { origin: shell.origin, body: addCall },
      );
      // no-cors: the page learns nothing (the 403 is not even handed over as an opaque answer:
      // Cross-Origin-Resource-Policy same-origin); the script is not served.
      expect(outcome, where).toBe('fetch failed, script error');
      await expect.poll(() => shell.refused.slice(before).map((r) => r.reason)).toEqual(reasons);
    }
  } finally {
    await otherPage.close();
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  expect((await backend.call('servers:list')).value).toEqual([]);

  // The spent link in another browser profile: refused, with the sentence.
  const stranger = await browser.newContext();
  try {
    const strangerPage = await stranger.newPage();
    const res = await strangerPage.goto(shell.url);
    expect(res?.status()).toBe(403);
    await expect(strangerPage.locator('body')).toHaveText(ONCE.trim());
    expect(await stranger.cookies(shell.origin)).toEqual([]);
  } finally {
    await stranger.close();
  }

  // Our page has the API.
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
  await expect
    .poll(async () => {
      backend.plant('shell-test', 'event through the shell');
      return page.evaluate(() => (window as unknown as { __got: Array<{ message: string }> }).__got.map((e) => e.message));
    })
    .toContain('event through the shell');
  expect(shell.sent.some((s) => s.kind === 'event' && s.body.includes('event through the shell'))).toBe(true);
});
