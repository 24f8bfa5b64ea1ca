/**
 * The authorization flow (authorization-flow.ts, with discovery.ts and registration.ts) against a
 * real authorization server (oidc-provider) in front of a real MCP server, with a headless user
 * agent in the browser seam and a real file vault in a temp dir (testing/engine-harness.ts).
 * Nothing here is mocked except the human (see testing/test-browser.ts).
 */
import * as net from 'node:net';
import * as fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignInError } from './callback-listener';
import { CredentialStore } from './credential-store';
import { Redactor } from '../logs/redactor';
import type { AuthServiceOptions } from './auth-service';
import { FakeClock } from '../testing/fake-clock';
import { useEngineBench, type Harness } from './testing/engine-harness';
import { APP_CLIENT, PRE_REGISTERED } from './testing/oidc-fixture';
import { FORGED_TEXT } from './testing/test-browser';

const bench = useEngineBench({ accessTokenTtl: 2 });
const { harness, signInOk, collectSecrets, oauthKeys, connectClient, grantsOf, secrets } = bench;

/** Resolves once the engine has opened the browser `n` times. */
async function opened(h: Harness, n = 1): Promise<void> {
  while (h.browser.opened.length < n) await new Promise((r) => setTimeout(r, 10));
}

describe('sign-in', () => {
  it('asks for the scopes configured for the server on top of the ones the server names', async () => {
    const h = harness({}, { scopes: 'mcp:admin' });
    await signInOk(h);
    const url = new URL(h.browser.opened[0]);
    // `openid`: the fixture is an OpenID Connect server, whose ID token says which account signed in.
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(['mcp:admin', 'mcp:tools', 'offline_access', 'openid']);
  });

  it('registers (DCR, native, refresh_token grant), uses PKCE S256, state and the resource parameter; the token works on the MCP server', async () => {
    const h = harness();
    const registrations = bench.fx.registrations.length;
    await signInOk(h);

    expect(h.browser.opened).toHaveLength(1);
    const url = new URL(h.browser.opened[0]);
    expect(url.origin).toBe(bench.fx.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('resource')).toBe(bench.fx.mcpUrl);
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(['mcp:tools', 'offline_access', 'openid']);
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);

    expect(bench.fx.registrations.length).toBe(registrations + 1);
    const reg = bench.fx.registrations.at(-1)!.metadata();
    expect(reg.application_type).toBe('native');
    expect(reg.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(reg.token_endpoint_auth_method).toBe('none');
    expect(reg.client_name).toBe('MCP Switchboard');
    expect(reg.redirect_uris).toEqual([url.searchParams.get('redirect_uri')]);

    const visit = await h.browser.visit();
    expect(visit.callbackUrl?.searchParams.get('iss')).toBe(bench.fx.issuer);
    expect(visit.page?.status).toBe(200);
    expect(visit.page?.text).toContain('Signed in to Fixture — you can close this tab');

    expect(h.engine.state(h.server.id)).toBe('signed-in');
    expect(h.changes.map((c) => c.state)).toEqual(['signing-in', 'signed-in']);

    const token = await h.engine.accessToken(h.server);
    expect(token).toBeTruthy();
    const info = await bench.fx.introspect(token!);
    expect(info.active).toBe(true);
    expect(info.aud).toBe(bench.fx.mcpUrl);

    const client = await connectClient(h);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(JSON.stringify(result.content)).toContain('mcp:tools');
    await client.close();
  });
});

describe('one sign-in at a time', () => {
  it('a second signIn while one runs joins it: one browser tab, both resolve', async () => {
    const h = harness();
    h.browser.delayMs = 150;
    const a = h.engine.signIn(h.server);
    const b = h.engine.signIn(h.server);
    expect(b).toBe(a);
    await Promise.all([a, b]);
    expect(h.browser.opened).toHaveLength(1);
    expect(h.engine.state(h.server.id)).toBe('signed-in');
    collectSecrets(h.vaultFile);
  });

  it('a pre-registered client (client_secret_basic) is used instead of registering, and its secret is not copied to the vault', async () => {
    const h = harness({}, { clientId: PRE_REGISTERED.id, clientSecret: PRE_REGISTERED.secret });
    secrets.add(PRE_REGISTERED.secret);
    const registrations = bench.fx.registrations.length;
    const codeGrants = bench.fx.grants.filter((g) => g.grantType === 'authorization_code' && g.ok).length;
    await signInOk(h);
    expect(bench.fx.registrations.length).toBe(registrations);
    expect(new URL(h.browser.opened[0]).searchParams.get('client_id')).toBe(PRE_REGISTERED.id);
    expect(bench.fx.grants.filter((g) => g.grantType === 'authorization_code' && g.ok).length).toBe(codeGrants + 1);
    expect(fs.readFileSync(h.vaultFile, 'utf8')).not.toContain(PRE_REGISTERED.secret);
    // Refresh authenticates with the secret too (the AS requires client_secret_basic).
    const refreshes = grantsOf('refresh_token');
    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeTruthy();
    expect(
      bench.fx.grants
        .filter((g) => g.grantType === 'refresh_token')
        .slice(refreshes)
        .every((g) => g.ok),
    ).toBe(true);
    collectSecrets(h.vaultFile);
  });
});

describe('client credentials (an app, no user)', () => {
  it('gets a token without a browser, uses it on the MCP server, and renews it by asking again', async () => {
    const h = harness({}, { clientId: APP_CLIENT.id, clientSecret: APP_CLIENT.secret, grantType: 'client_credentials' });
    secrets.add(APP_CLIENT.secret);
    const before = grantsOf('client_credentials');
    await signInOk(h);
    expect(h.browser.opened).toHaveLength(0);
    expect(grantsOf('client_credentials')).toBe(before + 1);
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'signed-in', detail: 'Signed in to Fixture as an app' });
    const first = await h.engine.accessToken(h.server);
    expect((await bench.fx.introspect(first!)).aud).toBe(bench.fx.mcpUrl);
    const client = await connectClient(h);
    expect(JSON.stringify((await client.callTool({ name: 'whoami', arguments: {} })).content)).toContain(APP_CLIENT.id);
    await client.close();
    const second = await h.engine.onUnauthorized(h.server, { status: 401 });
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect(grantsOf('client_credentials')).toBe(before + 2);
    expect(fs.readFileSync(h.vaultFile, 'utf8')).not.toContain(APP_CLIENT.secret);
    collectSecrets(h.vaultFile);
  });

  it('a wrong secret ends in an error state that names the settings, not a browser', async () => {
    const h = harness({}, { clientId: APP_CLIENT.id, clientSecret: 'wrong-secret-value', grantType: 'client_credentials' });
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/rejected the client ID and secret entered for it \(invalid_client\)/);
    expect(h.engine.state(h.server.id)).toBe('error');
    expect(h.browser.opened).toHaveLength(0);
  });
});

describe('the loopback callback', () => {
  it('when the remembered port is busy, another port is used and the client registers again for it', async () => {
    const h = harness();
    await signInOk(h);
    const firstRedirect = new URL(h.browser.opened[0]).searchParams.get('redirect_uri')!;
    const port = Number(new URL(firstRedirect).port);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const registrations = bench.fx.registrations.length;
      await signInOk(h);
      const second = new URL(h.browser.opened[1]).searchParams.get('redirect_uri')!;
      expect(second).not.toBe(firstRedirect);
      expect(bench.fx.registrations.length).toBe(registrations + 1);
      expect(bench.fx.registrations.at(-1)!.metadata().redirect_uris).toEqual([second]);
      expect(h.logs.some((l) => l.message.includes(`Port ${port} is in use`))).toBe(true);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    // The new port is remembered; the next sign-in uses it and keeps the registration.
    const registrations = bench.fx.registrations.length;
    await signInOk(h);
    expect(new URL(h.browser.opened[2]).searchParams.get('redirect_uri')).toBe(new URL(h.browser.opened[1]).searchParams.get('redirect_uri'));
    expect(bench.fx.registrations.length).toBe(registrations);
  });

  it('a wrong state is answered and ignored (its code never redeemed); the sign-in keeps waiting for the real response', async () => {
    const clock = new FakeClock();
    const h = harness({ callbackTimeoutMs: 1500, clock });
    h.browser.mode = 'tamper-state';
    const codeGrants = grantsOf('authorization_code');
    let ended = false;
    const pending = h.engine.signIn(h.server).finally(() => (ended = true));
    await opened(h);
    const visit = await h.browser.visit();
    expect(visit.page?.status).toBe(400);
    expect(visit.page?.text).toContain('wrong or missing state');
    expect(visit.page?.text).toContain('it was ignored');
    expect(h.logs.some((l) => l.level === 'warn' && l.message.includes('wrong or missing state was ignored'))).toBe(true);
    // Nothing came that belonged to the sign-in: it is still waiting, and ends by its time limit.
    expect(ended).toBe(false);
    clock.advance(1500);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInError);
    expect((err as SignInError).kind).toBe('timeout');
    expect(grantsOf('authorization_code')).toBe(codeGrants);
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in' });
  });

  it('a wrong iss is refused before the code is used', async () => {
    const h = harness();
    h.browser.mode = 'tamper-iss';
    const codeGrants = grantsOf('authorization_code');
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('issuer');
    expect(err.message).toMatch(/issuer mismatch/);
    expect(grantsOf('authorization_code')).toBe(codeGrants);
    expect(h.engine.state(h.server.id)).toBe('needs-sign-in');
  });

  it('a missing iss is refused because the AS advertises it', async () => {
    const h = harness();
    h.browser.mode = 'drop-iss';
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('issuer');
    expect(err.message).toMatch(/missing iss/);
  });

  it('an error response with a wrong iss is refused without showing its text anywhere', async () => {
    const h = harness();
    h.browser.mode = 'forged-error';
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('issuer');
    const visit = await h.browser.visit();
    expect(visit.page?.text).not.toContain(FORGED_TEXT);
    expect(err.message).not.toContain(FORGED_TEXT);
    expect(JSON.stringify(h.logs) + JSON.stringify(h.changes)).not.toContain(FORGED_TEXT);
  });

  it('a user who denies consent gets a clear state and page', async () => {
    const h = harness();
    bench.fx.decision = 'deny';
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('denied');
    expect(err.message).toBe('Sign-in to Fixture was cancelled or denied in the browser. Nothing was changed; sign in again when you are ready.');
    const visit = await h.browser.visit();
    expect(visit.callbackUrl?.searchParams.get('error')).toBe('access_denied');
    expect(visit.page?.text).toContain('cancelled or denied');
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in', detail: err.message });
  });

  it('a closed tab ends in "Sign-in timed out", frees the port, and the next sign-in registers afresh', async () => {
    const clock = new FakeClock();
    const h = harness({ callbackTimeoutMs: 400, clock });
    h.browser.mode = 'close';
    const pending = h.engine.signIn(h.server).catch((e: unknown) => e);
    await opened(h);
    clock.advance(400);
    const err = (await pending) as SignInError;
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/^Sign-in timed out/);
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in', detail: err.message });
    const port = Number(new URL(new URL(h.browser.opened[0]).searchParams.get('redirect_uri')!).port);
    await expect(fetch(`http://127.0.0.1:${port}/oauth/callback`)).rejects.toThrow();
    expect(oauthKeys(h.vaultFile).filter((k) => k.startsWith('oauth/client/'))).toEqual([]);
    h.browser.mode = 'approve';
    await signInOk(h);
    expect(h.engine.state(h.server.id)).toBe('signed-in');
  });

  it('a browser that cannot be opened fails at once with the reason', async () => {
    // The sign-in's time limit runs on a clock that never moves: only the failed opener can end it.
    const h = harness({ clock: new FakeClock() });
    h.browser.mode = 'fail';
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.message).toBe('Could not open the browser to sign in to Fixture: no browser available (test)');
    expect(h.engine.state(h.server.id)).toBe('needs-sign-in');
  });
});

describe('the app-scheme redirect (mcp-switchboard://oauth/callback)', () => {
  const NATIVE = { id: 'switchboard-native-scheme', secret: 'native-scheme-secret-0123456789abcd' };
  const WEB = { id: 'switchboard-web-client', secret: 'web-client-secret-0123456789abcdefgh' };

  beforeAll(async () => {
    await bench.fx.addClient({
      client_id: NATIVE.id,
      client_secret: NATIVE.secret,
      application_type: 'native',
      redirect_uris: ['mcp-switchboard://oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
  });

  function appHarness(clientId: string, secret: string, over: Partial<AuthServiceOptions> = {}): Harness {
    const h = harness(over, { clientId, clientSecret: secret, redirect: 'app-scheme' });
    h.browser.appSchemeHandler = (url) => h.engine.handleRedirect(url);
    return h;
  }

  it('a pre-registered native client signs in when the deep link is handed to handleRedirect; no loopback listener is used', async () => {
    const h = appHarness(NATIVE.id, NATIVE.secret);
    await signInOk(h);
    const url = new URL(h.browser.opened[0]);
    expect(url.searchParams.get('redirect_uri')).toBe('mcp-switchboard://oauth/callback');
    expect(url.searchParams.get('client_id')).toBe(NATIVE.id);
    const visit = await h.browser.visit();
    expect(visit.callbackUrl?.protocol).toBe('mcp-switchboard:');
    expect(visit.handled).toBe(true);
    expect(h.engine.state(h.server.id)).toBe('signed-in');
    expect(h.logs.some((l) => /loopback/i.test(l.message))).toBe(false);
    const info = await bench.fx.introspect((await h.engine.accessToken(h.server))!);
    expect(info).toMatchObject({ active: true, client_id: NATIVE.id, aud: bench.fx.mcpUrl });
    // The sign-in is over: the same link again matches nothing.
    expect(await h.engine.handleRedirect(visit.callbackUrl!.href)).toBe(false);
  });

  it('a wrong state through handleRedirect is ignored (its code never redeemed); the sign-in waits until its time limit', async () => {
    const clock = new FakeClock();
    const h = appHarness(NATIVE.id, NATIVE.secret, { callbackTimeoutMs: 1500, clock });
    h.browser.mode = 'tamper-state';
    const before = grantsOf('authorization_code');
    let ended = false;
    const pending = h.engine.signIn(h.server).finally(() => (ended = true));
    await opened(h);
    expect((await h.browser.visit()).handled).toBe(true);
    expect(ended).toBe(false);
    clock.advance(1500);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInError);
    expect((err as SignInError).kind).toBe('timeout');
    expect(h.logs.some((l) => l.message.includes('wrong or missing state was ignored'))).toBe(true);
    expect(grantsOf('authorization_code')).toBe(before);
    expect(h.engine.state(h.server.id)).toBe('needs-sign-in');
  });

  it('a wrong iss through handleRedirect is refused before the code is used', async () => {
    const h = appHarness(NATIVE.id, NATIVE.secret);
    h.browser.mode = 'tamper-iss';
    const before = grantsOf('authorization_code');
    const err = await h.engine.signIn(h.server).catch((e: unknown) => e);
    expect((err as SignInError).kind).toBe('issuer');
    expect((err as Error).message).toMatch(/issuer mismatch/);
    expect(grantsOf('authorization_code')).toBe(before);
  });

  it('a web-type client (custom schemes refused by the AS) falls back to the loopback redirect, says so, and signs in', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await bench.fx.addClient({
      client_id: WEB.id,
      client_secret: WEB.secret,
      application_type: 'web',
      redirect_uris: [`http://127.0.0.1:${port}/oauth/callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    await expect(
      bench.fx.addClient({
        client_id: 'web-with-scheme',
        client_secret: WEB.secret,
        application_type: 'web',
        redirect_uris: ['mcp-switchboard://oauth/callback'],
      }),
    ).rejects.toMatchObject({ error: 'invalid_redirect_uri' });
    const h = appHarness(WEB.id, WEB.secret);
    await new CredentialStore(h.vault).savePort(h.server.id, port);
    await signInOk(h);
    expect(h.browser.opened).toHaveLength(1);
    expect(new URL(h.browser.opened[0]).searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/oauth/callback`);
    expect(
      h.logs.some(
        (l) =>
          l.level === 'warn' &&
          /does not accept the app's redirect mcp-switchboard:\/\/oauth\/callback .*falling back to the loopback redirect/.test(l.message),
      ),
    ).toBe(true);
    expect(h.engine.state(h.server.id)).toBe('signed-in');
    expect((await bench.fx.introspect((await h.engine.accessToken(h.server))!)).active).toBe(true);
  });

  it('handleRedirect with no pending sign-in (or not our redirect) returns false', async () => {
    const h = harness();
    expect(await h.engine.handleRedirect('mcp-switchboard://oauth/callback?code=x&state=y')).toBe(false);
    expect(await h.engine.handleRedirect('https://example.com/oauth/callback?code=x&state=y')).toBe(false);
    expect(await h.engine.handleRedirect('not a url')).toBe(false);
  });
});

describe('discovery', () => {
  it('treats an HTML page at a metadata URL as absent and falls back to the next location', async () => {
    const h = harness();
    bench.fx.htmlAtOAuthMetadata = true;
    const oidcDocs = bench.fx.requests.filter((r) => r.path === '/.well-known/openid-configuration').length;
    await signInOk(h);
    expect(bench.fx.requests.filter((r) => r.path === '/.well-known/openid-configuration').length).toBe(oidcDocs + 1);
    expect(h.engine.state(h.server.id)).toBe('signed-in');
    expect(h.logs.some((l) => l.message.includes('not a JSON metadata document'))).toBe(true);
  });

  it('refuses a server that is not https (and not on this computer) without contacting it', async () => {
    const h = harness({}, { url: 'http://mcp.example.com/mcp' });
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/not served over https/);
    expect(h.browser.opened).toHaveLength(0);
    expect(h.engine.state(h.server.id)).toBe('error');
  });
});

/** A fetch that rewrites the authorization server's metadata, for quirks oidc-provider does not have (mcp-auth.md §7). */
function rewritingFetch(rewrite: (md: Record<string, unknown>) => Record<string, unknown>, intercept?: (url: URL, init?: RequestInit) => Response | undefined) {
  return async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const replaced = intercept?.(url, init);
    if (replaced) return replaced;
    const res = await fetch(input, init);
    if (url.origin === bench.fx.issuer && url.pathname.startsWith('/.well-known/') && res.ok) {
      return Response.json(rewrite((await res.json()) as Record<string, unknown>));
    }
    return res;
  };
}

describe('authorization-server quirks', () => {
  it('refuses metadata without code_challenge_methods_supported unless the server is allowed to omit it', async () => {
    const drop = rewritingFetch(({ code_challenge_methods_supported: _dropped, ...rest }) => rest);
    const h = harness({ fetch: drop });
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/does not say that it supports PKCE/);
    expect(h.browser.opened).toHaveLength(0);
    expect(h.engine.state(h.server.id)).toBe('error');

    const allowed = harness({ fetch: drop }, { allowUnadvertisedPkce: true });
    await signInOk(allowed);
    expect(new URL(allowed.browser.opened[0]).searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('refuses metadata whose issuer is not the one it was fetched for', async () => {
    const h = harness({ fetch: rewritingFetch((md) => ({ ...md, issuer: 'https://impostor.example.com' })) });
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/published metadata for a different issuer \(expected http:\/\/127\.0\.0\.1:\d+, got https:\/\/impostor\.example\.com\)/);
    expect(h.browser.opened).toHaveLength(0);
  });

  it.each([
    ['authorization_endpoint', 'http://evil.example/authorize', /plain http for its authorization endpoint/],
    ['token_endpoint', 'http://evil.example/token', /plain http for its token endpoint/],
    ['registration_endpoint', 'http://evil.example/register', /plain http for its registration endpoint/],
    // The SDK's metadata schema refuses these schemes before our check (its message is raw, kind 'exchange').
    ['authorization_endpoint', 'javascript:alert(document.cookie)', /javascript/],
    ['authorization_endpoint', 'file:///etc/passwd', /plain http for its authorization endpoint/],
  ])('refuses metadata whose %s is %s, before any browser or code', async (field, value, reason) => {
    const h = harness({ fetch: rewritingFetch((md) => ({ ...md, [field]: value })) });
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err).toBeInstanceOf(SignInError);
    expect(['config', 'exchange']).toContain(err.kind);
    expect(err.message).toMatch(reason);
    expect(h.browser.opened).toHaveLength(0);
  });

  it('explains a refused dynamic registration', async () => {
    const h = harness({
      fetch: rewritingFetch(
        (md) => md,
        (url, init) =>
          url.pathname === '/reg' && init?.method === 'POST'
            ? Response.json({ error: 'invalid_redirect_uri', error_description: 'loopback not allowed' }, { status: 400 })
            : undefined,
      ),
    });
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('config');
    expect(err.message).toBe(
      "The authorization server for Fixture refused to register MCP Switchboard (invalid_redirect_uri: loopback not allowed). If it needs a pre-registered app, enter the client ID (and secret) in the server's settings.",
    );
  });

  it('uses the client ID metadata document instead of registering when the server supports it', async () => {
    const cimd = 'https://switchboard.example.com/oauth/client-metadata.json';
    const h = harness({
      clientMetadataUrl: cimd,
      callbackTimeoutMs: 300,
      fetch: rewritingFetch((md) => ({ ...md, client_id_metadata_document_supported: true })),
    });
    h.browser.mode = 'close';
    const registrations = bench.fx.registrations.length;
    await h.engine.signIn(h.server).catch(() => {});
    expect(new URL(h.browser.opened[0]).searchParams.get('client_id')).toBe(cimd);
    expect(bench.fx.registrations.length).toBe(registrations);
  });

  it('a pre-registered client bound to another authorization server is an error, not a silent retry', async () => {
    const h = harness({}, { clientId: PRE_REGISTERED.id, clientSecret: PRE_REGISTERED.secret });
    const key = `oauth/client/${encodeURIComponent(h.server.id)}/${encodeURIComponent('https://old-as.example.com')}`;
    await h.vault.set(
      key,
      JSON.stringify({ kind: 'pre-registered', issuer: 'https://old-as.example.com', info: { client_id: PRE_REGISTERED.id }, savedAt: 0 }),
    );
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/was issued by https:\/\/old-as\.example\.com, but Fixture now uses the authorization server http:\/\/127/);
    expect(h.browser.opened).toHaveLength(0);
  });
});

describe('secrets', () => {
  it("feeds the app's redaction registry with every token, code, verifier and client secret as it is born, and logs through it", async () => {
    const registry = new Redactor();
    const appSecret = 'app-known-header-value-42';
    registry.add(appSecret);
    const tokenRequests: URLSearchParams[] = [];
    const registrationTokens: string[] = [];
    const recording: AuthServiceOptions['fetch'] = async (url, init) => {
      if (init?.body instanceof URLSearchParams) tokenRequests.push(new URLSearchParams(init.body));
      const res = await fetch(url, init);
      if (new URL(String(url)).pathname === '/reg' && res.ok) {
        const token = ((await res.clone().json()) as { registration_access_token?: string }).registration_access_token;
        if (token) registrationTokens.push(token);
      }
      return res;
    };
    const redacted = (value: string) => registry.redact(`<${value}>`) === '<[redacted]>';

    const h = harness({ secrets: registry, fetch: recording }, { name: `Fixture ${appSecret}` });
    await signInOk(h);
    const exchange = tokenRequests.find((p) => p.get('grant_type') === 'authorization_code')!;
    const stored = bench.storedTokens(h.vaultFile);
    for (const value of [exchange.get('code')!, exchange.get('code_verifier')!, stored.access_token, stored.refresh_token]) {
      expect(redacted(value), `not registered: ${value.slice(0, 4)}…`).toBe(true);
    }
    // The registration access token (RFC 7592) is dropped by the SDK before the engine sees it, so
    // it is never stored (the provider registers it, should it ever come through).
    expect(registrationTokens).toHaveLength(1);
    expect(fs.readFileSync(h.vaultFile, 'utf8')).not.toContain(registrationTokens[0]);
    secrets.add(registrationTokens[0]);
    const renewed = await h.engine.onUnauthorized(h.server, { status: 401 });
    expect(redacted(renewed!)).toBe(true);
    expect(redacted(bench.storedTokens(h.vaultFile).refresh_token)).toBe(true);
    // The engine's own lines pass the same registry: a secret the app registered never shows.
    expect(h.logs.some((l) => l.message.includes('Signed in to Fixture [redacted]'))).toBe(true);
    expect(JSON.stringify(h.logs) + JSON.stringify(h.changes)).not.toContain(appSecret);

    const pre = harness({ secrets: registry }, { clientId: PRE_REGISTERED.id, clientSecret: PRE_REGISTERED.secret });
    await signInOk(pre);
    expect(redacted(PRE_REGISTERED.secret)).toBe(true);
    collectSecrets(h.vaultFile);
  });

  it('no token, code, verifier or client secret ever reached a log line, state detail or notification', () => {
    bench.expectNothingSecretSaid();
  });
});
