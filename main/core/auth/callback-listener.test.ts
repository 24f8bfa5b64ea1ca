import * as http from 'node:http';
import * as net from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { fuzzBudget } from '../../../test/fixtures/fuzz';
import { CallbackListener, SignInError, type CallbackExpectation } from './callback-listener';

const open: CallbackListener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

async function listener(preferred?: number): Promise<CallbackListener> {
  const l = await CallbackListener.open(preferred);
  open.push(l);
  return l;
}

/** A raw request, so tests can send any Host header and method. */
function request(
  port: number,
  pathAndQuery: string,
  opts: { host?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathAndQuery, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function expectation(over: Partial<CallbackExpectation> = {}): CallbackExpectation & { codes: Array<{ code: string; iss?: string }> } {
  const codes: Array<{ code: string; iss?: string }> = [];
  return {
    state: 'the-state',
    issuer: 'https://as.example.com',
    issParameterSupported: true,
    serverName: 'Linear <beta>',
    timeoutMs: 10_000,
    exchange: async (code, iss) => {
      codes.push({ code, iss });
    },
    codes,
    ...over,
  };
}

describe('CallbackListener', () => {
  it('listens on 127.0.0.1 and exposes the loopback redirect URL', async () => {
    const l = await listener();
    expect(l.redirectUrl).toBe(`http://127.0.0.1:${l.port}/oauth/callback`);
    expect(l.portChanged).toBe(false);
  });

  it('takes the preferred port when free, another one when busy', async () => {
    const first = await listener();
    const port = first.port;
    await first.close();
    const again = await listener(port);
    expect(again.port).toBe(port);
    const busy = await listener(port);
    expect(busy.port).not.toBe(port);
    expect(busy.portChanged).toBe(true);
  });

  it('redeems a matching response and ends the tab on an escaped success page', async () => {
    const l = await listener();
    const e = expectation();
    const done = l.wait(e);
    const res = await request(l.port, '/oauth/callback?code=abc&state=the-state&iss=https%3A%2F%2Fas.example.com');
    await done;
    expect(e.codes).toEqual([{ code: 'abc', iss: 'https://as.example.com' }]);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Signed in to Linear &lt;beta&gt; — you can close this tab.');
    expect(res.body).not.toContain('<beta>');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // A reload shows the same result and redeems nothing.
    expect((await request(l.port, '/oauth/callback?code=abc&state=the-state')).body).toContain('Signed in to Linear');
    expect(e.codes).toHaveLength(1);
  });

  it('ignores other hosts, paths and methods without ending the sign-in', async () => {
    const l = await listener();
    const e = expectation();
    const done = l.wait(e);
    expect((await request(l.port, '/oauth/callback?code=x&state=the-state', { host: 'evil.example:80' })).status).toBe(400);
    expect((await request(l.port, '/oauth/callback?code=x&state=the-state', { host: `127.0.0.1:${l.port + 1}` })).status).toBe(400);
    expect((await request(l.port, '/favicon.ico')).status).toBe(404);
    const post = await request(l.port, '/oauth/callback?code=x&state=the-state', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(e.codes).toHaveLength(0);
    const ok = await request(l.port, '/oauth/callback?code=real&state=the-state&iss=https://as.example.com', { host: `localhost:${l.port}` });
    expect(ok.status).toBe(200);
    await done;
    expect(e.codes).toEqual([{ code: 'real', iss: 'https://as.example.com' }]);
  });

  it('answers 409 while no sign-in is waiting', async () => {
    const l = await listener();
    expect((await request(l.port, '/oauth/callback?code=x&state=s')).status).toBe(409);
  });

  it.each([
    ['a missing state', '/oauth/callback?code=x&iss=https://as.example.com'],
    ['a wrong state', '/oauth/callback?code=x&state=other&iss=https://as.example.com'],
    ['an error with a wrong state', '/oauth/callback?error=access_denied&state=other'],
  ])('answers %s with 400, redeems nothing and keeps waiting: a page cannot cancel a sign-in', async (_name, url) => {
    const l = await listener();
    const ignored: string[] = [];
    const e = expectation({ onIgnored: (why) => ignored.push(why) });
    let settled = false;
    const done = l.wait(e).finally(() => (settled = true));
    const res = await request(l.port, url);
    expect(res.status).toBe(400);
    expect(res.body).toContain('it was ignored');
    expect(ignored).toHaveLength(1);
    expect(e.codes).toHaveLength(0);
    // The page was answered after the listener decided: had it ended the sign-in, it would be over now.
    expect(l.ended).toBe(false);
    await new Promise((r) => setImmediate(r)); // the promise reactions of that decision have run
    expect(settled).toBe(false);
    // The real response still completes the sign-in.
    expect((await request(l.port, '/oauth/callback?code=real&state=the-state&iss=https://as.example.com')).status).toBe(200);
    await done;
    expect(e.codes).toEqual([{ code: 'real', iss: 'https://as.example.com' }]);
  });

  it.each([
    ['a wrong iss', '/oauth/callback?code=x&state=the-state&iss=https://as.example.com/', 'issuer'],
    ['a missing iss when advertised', '/oauth/callback?code=x&state=the-state', 'issuer'],
  ])('refuses %s without redeeming the code', async (_name, url, kind) => {
    const l = await listener();
    const e = expectation();
    const done = l.wait(e).catch((err: unknown) => err);
    const res = await request(l.port, url);
    const err = (await done) as SignInError;
    expect(err).toBeInstanceOf(SignInError);
    expect(err.kind).toBe(kind);
    expect(res.status).toBe(400);
    expect(e.codes).toHaveLength(0);
    // Afterwards the tab says the sign-in already ended.
    expect((await request(l.port, url)).status).toBe(410);
  });

  it('accepts a missing iss when the server does not advertise it, and ignores iss without a known issuer', async () => {
    const a = await listener();
    const e1 = expectation({ issParameterSupported: false });
    const d1 = a.wait(e1);
    await request(a.port, '/oauth/callback?code=c1&state=the-state');
    await d1;
    expect(e1.codes).toEqual([{ code: 'c1', iss: undefined }]);

    const b = await listener();
    const e2 = expectation({ issuer: undefined });
    const d2 = b.wait(e2);
    await request(b.port, '/oauth/callback?code=c2&state=the-state&iss=https://whatever.example');
    await d2;
    expect(e2.codes).toHaveLength(1);
  });

  it('turns access_denied and other errors into clear messages; network text is sanitised and escaped', async () => {
    const l = await listener();
    const denied = l.wait(expectation()).catch((e: unknown) => e);
    const page = await request(l.port, '/oauth/callback?error=access_denied&error_description=nope&state=the-state&iss=https://as.example.com');
    const err = (await denied) as SignInError;
    expect(err.kind).toBe('denied');
    expect(err.oauthError).toBe('access_denied');
    expect(err.message).toBe('Sign-in to Linear <beta> was cancelled or denied in the browser. Nothing was changed; sign in again when you are ready.');
    expect(page.body).toContain('cancelled or denied');

    const m = await listener();
    const failed = m.wait(expectation()).catch((e: unknown) => e);
    const desc = encodeURIComponent('bad\r\nthing <img src=x>');
    const page2 = await request(m.port, `/oauth/callback?error=invalid_scope&error_description=${desc}&state=the-state&iss=https://as.example.com`);
    const err2 = (await failed) as SignInError;
    expect(err2.kind).toBe('authorization-error');
    expect(err2.oauthError).toBe('invalid_scope');
    expect(err2.message).toBe('The authorization server for Linear <beta> refused the sign-in (invalid_scope: bad thing <img src=x>).');
    expect(page2.body).toContain('bad thing &lt;img src=x&gt;');
    expect(page2.body).not.toContain('<img');
  });

  it('shows a failed code exchange on the page and rejects with it', async () => {
    const l = await listener();
    const done = l.wait(expectation({ exchange: async () => Promise.reject(new Error('token endpoint said no')) })).catch((e: unknown) => e);
    const page = await request(l.port, '/oauth/callback?code=x&state=the-state&iss=https://as.example.com');
    expect(((await done) as Error).message).toBe('token endpoint said no');
    expect(page.body).toContain('token endpoint said no');
  });

  it('times out with "Sign-in timed out" and stops listening when closed', async () => {
    const l = await listener();
    const err = (await l.wait(expectation({ timeoutMs: 150 })).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe('Sign-in timed out: nothing came back from the browser within 1 second (was the tab closed?). Start the sign-in again.');
    const port = l.port;
    await l.close();
    await expect(
      new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s.end()));
        s.on('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('an abort before or during the wait rejects it', async () => {
    const l = await listener();
    l.abort(new SignInError('aborted', 'stopped early'));
    await expect(l.wait(expectation())).rejects.toThrow('stopped early');
    const m = await listener();
    const waiting = m.wait(expectation());
    m.abort(new SignInError('browser', 'no browser'));
    await expect(waiting).rejects.toThrow('no browser');
  });
});

/** What a browser sends when the authorization server redirects the tab here. */
const NAVIGATION = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'cross-site', 'sec-fetch-user': '?1' };
const GOOD = '/oauth/callback?code=real&state=the-state&iss=https%3A%2F%2Fas.example.com';

describe('CallbackListener against hostile requests', () => {
  it('ignores DNS-rebinding hosts, foreign origins and sub-resource requests from web pages, without ending the sign-in', async () => {
    const l = await listener();
    const e = expectation();
    const done = l.wait(e);
    const p = l.port;
    // DNS rebinding: a name that resolves to 127.0.0.1, or none at all.
    for (const host of [`evil.example:${p}`, `127.0.0.1.evil.example:${p}`, `localhost.evil.example:${p}`, `127.0.0.1`, `[::1]:${p}`, `0x7f000001:${p}`]) {
      const r = await request(p, GOOD, { host });
      expect(r.status, host).toBe(400);
    }
    // A page on another origin (fetch, XHR with or without fetch metadata).
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${p + 1}`, `http://127.0.0.1.evil.example:${p}`]) {
      expect((await request(p, GOOD, { headers: { origin } })).status, origin).toBe(403);
      expect((await request(p, GOOD, { headers: { origin, 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    }
    // <img>, <script>, <iframe>, prefetch, fetch(no-cors): the right Host, no Origin, but not a top-level navigation.
    for (const [mode, dest] of [
      ['no-cors', 'image'],
      ['no-cors', 'script'],
      ['navigate', 'iframe'],
      ['no-cors', 'empty'],
      ['same-origin', 'empty'],
    ]) {
      expect(
        (await request(p, GOOD, { headers: { 'sec-fetch-mode': mode, 'sec-fetch-dest': dest, 'sec-fetch-site': 'cross-site' } })).status,
        `${mode}/${dest}`,
      ).toBe(403);
    }
    expect(e.codes).toHaveLength(0);
    expect(l.ended).toBe(false);
    // The browser's redirect still gets through.
    const ok = await request(p, GOOD, { headers: NAVIGATION });
    expect(ok.status).toBe(200);
    await done;
    expect(e.codes).toEqual([{ code: 'real', iss: 'https://as.example.com' }]);
  });

  it('a callback without a code, and repeated callbacks, redeem nothing more', async () => {
    const l = await listener();
    const e = expectation();
    const done = l.wait(e).catch((err: unknown) => err);
    const r = await request(l.port, '/oauth/callback?state=the-state&iss=https%3A%2F%2Fas.example.com', { headers: NAVIGATION });
    expect(r.status).toBe(400);
    expect(((await done) as SignInError).message).toMatch(/carried no authorization code/);
    // Every later callback, even a perfect one, is told the sign-in ended and redeems nothing.
    for (let i = 0; i < 3; i++) expect((await request(l.port, GOOD, { headers: NAVIGATION })).status).toBe(410);
    expect(e.codes).toHaveLength(0);
  });

  it('never redirects anywhere and redeems only the exact state, whatever the request (fuzz)', async () => {
    const l = await listener();
    const e = expectation();
    const done = l.wait(e).catch((err: unknown) => err);
    const part = fc.oneof(
      fc.constantFrom(
        '/oauth/callback',
        '//evil.example/oauth/callback',
        '/oauth/callback/',
        '/OAUTH/CALLBACK',
        '/oauth/callback/../callback',
        '/oauth%2Fcallback',
        '/%2e%2e/oauth/callback',
        'http://evil.example/oauth/callback',
        '/oauth/callback;x',
        '*',
      ),
      fc.webPath(),
    );
    const param = fc.tuple(
      fc.constantFrom('state', 'code', 'iss', 'error', 'error_description', 'redirect_uri', 'next', 'url', 'return_to'),
      fc.oneof(
        fc.constantFrom('the-state', 'THE-STATE', 'the-state ', 'https://evil.example/', '//evil.example', 'javascript:alert(1)', '<script>x</script>'),
        fc.string({ maxLength: 12 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(part, fc.array(param, { maxLength: 4 }), fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'PUT'), async (pathPart, params, method) => {
        const q = new URLSearchParams(params.filter(([k, v]) => !(k === 'state' && v === 'the-state')));
        const target = `${pathPart}${q.size ? `?${q}` : ''}`;
        let r: Awaited<ReturnType<typeof request>>;
        try {
          r = await request(l.port, target, { method });
        } catch {
          return; // Node refused to send it (invalid path characters): nothing reached the listener
        }
        expect(r.status < 300 || r.status >= 400, `${method} ${target} → ${r.status}`).toBe(true);
        expect(r.headers.location).toBeUndefined();
        if (method !== 'HEAD') expect(r.body).not.toMatch(/<script>x|javascript:alert/);
      }),
      fuzzBudget(120, 2500),
    );
    // None of that carried the state, so nothing was redeemed; the first one that reached the gate ended the sign-in.
    expect(e.codes).toHaveLength(0);
    // Every request above was answered after the listener decided, so whether it ended is known now.
    if (l.ended) expect(((await done) as SignInError).kind).toMatch(/state|issuer|authorization-error/);
  });
});
