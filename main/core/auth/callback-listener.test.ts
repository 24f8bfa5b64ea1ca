import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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
function request(port: number, pathAndQuery: string, opts: { host?: string; method?: string } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
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
    ['a missing state', '/oauth/callback?code=x&iss=https://as.example.com', 'state'],
    ['a wrong state', '/oauth/callback?code=x&state=other&iss=https://as.example.com', 'state'],
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
