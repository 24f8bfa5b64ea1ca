/**
 * Tokens (tokens.ts), step-up (step-up.ts) and reset (revocation.ts) against a real authorization
 * server (oidc-provider) in front of a real MCP server, with a headless user agent in the browser
 * seam and a real file vault in a temp dir (testing/engine-harness.ts). Time comes from a
 * FakeClock where expiry matters; nothing is mocked except the human.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSecretVault } from './file-vault';
import { FakeClock } from '../testing/fake-clock';
import { useEngineBench } from './testing/engine-harness';

const bench = useEngineBench({ accessTokenTtl: 2 });
const { harness, signInOk, collectSecrets, oauthKeys, connectClient, grantsOf } = bench;

describe('tokens', () => {
  it('refreshes before expiry with rotation while a client keeps calling tools; old refresh tokens are dead, none is replayed', async () => {
    // The engine's time moves 400 ms per call (tokens live 2 s, refreshed 500 ms before expiry):
    // 12 calls span 4.8 s of token time, however fast or slow this machine is.
    const clock = new FakeClock();
    const h = harness({ clock });
    await signInOk(h);
    const client = await connectClient(h);
    const refreshTokens = new Set<string>();
    const readRefresh = () => {
      const data = JSON.parse(fs.readFileSync(h.vaultFile, 'utf8')) as Record<string, string>;
      const key = Object.keys(data).find((k) => k.startsWith('oauth/tokens/'))!;
      return (JSON.parse(data[key]) as { refresh_token: string }).refresh_token;
    };
    refreshTokens.add(readRefresh());
    const before = bench.fx.grants.filter((g) => g.grantType === 'refresh_token');
    let calls = 0;
    for (let i = 0; i < 12; i++) {
      const r = await client.callTool({ name: 'whoami', arguments: {} });
      expect(r.isError).toBeFalsy();
      calls++;
      refreshTokens.add(readRefresh());
      clock.advance(400);
    }
    await client.close();
    const refreshes = bench.fx.grants.filter((g) => g.grantType === 'refresh_token').slice(before.length);
    expect(calls).toBe(12);
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    expect(refreshes.every((g) => g.ok)).toBe(true);
    expect(refreshTokens.size).toBe(refreshes.length + 1);
    const all = [...refreshTokens];
    for (const rt of all.slice(0, -1)) expect((await bench.fx.introspect(rt)).active).toBe(false);
    expect((await bench.fx.introspect(all.at(-1)!)).active).toBe(true);
    collectSecrets(h.vaultFile);
  });

  it('accessToken renews the token by itself once it is within the skew of expiry', async () => {
    const clock = new FakeClock();
    const h = harness({ refreshSkewMs: 1500, clock });
    await signInOk(h);
    const first = await h.engine.accessToken(h.server);
    const refreshes = grantsOf('refresh_token');
    expect(await h.engine.accessToken(h.server)).toBe(first);
    expect(grantsOf('refresh_token')).toBe(refreshes);
    clock.advance(700);
    const second = await h.engine.accessToken(h.server);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect(grantsOf('refresh_token')).toBe(refreshes + 1);
    expect((await bench.fx.introspect(second!)).active).toBe(true);
    collectSecrets(h.vaultFile);
  });

  it('when the vault cannot save a rotated refresh token, the old one is still never sent again', async () => {
    let failTokenWrites = false;
    const file = path.join(bench.dir, 'flaky-vault.json');
    const inner = new FileSecretVault(file);
    const vault: FileSecretVault = Object.assign(Object.create(inner) as FileSecretVault, {
      set: (key: string, value: string) =>
        failTokenWrites && key.startsWith('oauth/tokens/') ? Promise.reject(new Error('disk full')) : inner.set(key, value),
    });
    const h = harness({ vault });
    await signInOk({ ...h, vaultFile: file });
    failTokenWrites = true;
    const before = bench.fx.grants.length;
    const a = await h.engine.onUnauthorized(h.server, { status: 401 });
    const b = await h.engine.onUnauthorized(h.server, { status: 401 });
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
    expect(b).not.toBe(a);
    expect(bench.fx.grants.slice(before)).toEqual([
      { grantType: 'refresh_token', ok: true },
      { grantType: 'refresh_token', ok: true },
    ]);
    expect(h.logs.some((l) => l.level === 'error' && l.message.includes('Could not save the renewed tokens'))).toBe(true);
    collectSecrets(file);
  });

  it('two proxies reporting 401 at the same moment cause exactly one refresh request', async () => {
    const h = harness({ refreshSkewMs: 0 });
    await signInOk(h);
    const old = await h.engine.accessToken(h.server);
    const tokenPosts = bench.fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length;
    const [a, b, c] = await Promise.all([
      h.engine.onUnauthorized(h.server, { status: 401, wwwAuthenticate: `Bearer error="invalid_token", resource_metadata="${bench.fx.prmUrl}"` }),
      h.engine.onUnauthorized(h.server, { status: 401 }),
      h.engine.onUnauthorized(h.server, { status: 401, token: old }),
    ]);
    expect(bench.fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length).toBe(tokenPosts + 1);
    expect(a).toBeTruthy();
    expect(a).not.toBe(old);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(await h.engine.accessToken(h.server)).toBe(a);
    // A late report about the old token gets the current one without another refresh.
    expect(await h.engine.onUnauthorized(h.server, { status: 401, token: old })).toBe(a);
    expect(bench.fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length).toBe(tokenPosts + 1);
    collectSecrets(h.vaultFile);
  });

  it('a revoked grant (invalid_grant) turns the server needs-sign-in and notifies the user once', async () => {
    const h = harness();
    await signInOk(h);
    const data = JSON.parse(fs.readFileSync(h.vaultFile, 'utf8')) as Record<string, string>;
    const tokens = JSON.parse(data[Object.keys(data).find((k) => k.startsWith('oauth/tokens/'))!]) as { refresh_token: string };
    const client = JSON.parse(data[Object.keys(data).find((k) => k.startsWith('oauth/client/'))!]) as { info: { client_id: string } };
    expect(await bench.fx.revoke(tokens.refresh_token, client.info.client_id, 'refresh_token')).toBe(200);

    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeUndefined();
    expect(bench.fx.grants.at(-1)).toMatchObject({ grantType: 'refresh_token', ok: false, error: 'invalid_grant' });
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in', detail: expect.stringMatching(/expired or was revoked/) });
    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeUndefined();
    expect(await h.engine.accessToken(h.server)).toBeUndefined();
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0].title).toBe('Sign in to Fixture');
    // Signing in again works and a later failure notifies again.
    await signInOk(h);
    expect(h.engine.state(h.server.id)).toBe('signed-in');
  });

  it('invalid_client after the AS forgot the registration leads to a fresh registration on the next sign-in', async () => {
    const h = harness();
    await signInOk(h);
    const firstClient = bench.fx.registrations.at(-1)!.clientId;
    await bench.fx.deleteClient(firstClient);

    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeUndefined();
    expect(bench.fx.grants.at(-1)).toMatchObject({ grantType: 'refresh_token', ok: false, error: 'invalid_client' });
    expect(h.engine.state(h.server.id)).toBe('needs-sign-in');
    expect(oauthKeys(h.vaultFile).filter((k) => k.startsWith('oauth/client/'))).toEqual([]);
    expect(h.notes).toHaveLength(1);

    const registrations = bench.fx.registrations.length;
    await signInOk(h);
    expect(bench.fx.registrations.length).toBe(registrations + 1);
    expect(bench.fx.registrations.at(-1)!.clientId).not.toBe(firstClient);
    expect(new URL(h.browser.opened[1]).searchParams.get('client_id')).toBe(bench.fx.registrations.at(-1)!.clientId);
    expect(h.engine.state(h.server.id)).toBe('signed-in');
  });

  it('a 401 after the server moved to another authorization server does not refresh the old grant', async () => {
    const h = harness();
    await signInOk(h);
    bench.fx.authorizationServers = ['https://new-as.example.com'];
    const tokenPosts = bench.fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length;
    expect(await h.engine.onUnauthorized(h.server, { status: 401, wwwAuthenticate: `Bearer resource_metadata="${bench.fx.prmUrl}"` })).toBeUndefined();
    expect(bench.fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length).toBe(tokenPosts);
    expect(h.engine.status(h.server.id)).toMatchObject({
      state: 'needs-sign-in',
      detail: 'Fixture now signs in through https://new-as.example.com. Sign in again.',
    });
    expect(await h.engine.accessToken(h.server)).toBeUndefined();
    expect(oauthKeys(h.vaultFile).some((k) => k.startsWith('oauth/discovery/'))).toBe(false);
  });

  it('a server that was never signed in has no token; its first 401 asks for sign-in once', async () => {
    const h = harness();
    expect(await h.engine.accessToken(h.server)).toBeUndefined();
    expect(h.engine.state(h.server.id)).toBe('unknown');
    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeUndefined();
    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeUndefined();
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in', detail: 'Fixture needs you to sign in.' });
    expect(h.notes).toHaveLength(1);
  });
});

describe('reset', () => {
  it('revokes both tokens at the AS, forgets tokens, registration and discovery, and shows needs-sign-in', async () => {
    const h = harness();
    await signInOk(h);
    const at = (await h.engine.accessToken(h.server))!;
    const data = JSON.parse(fs.readFileSync(h.vaultFile, 'utf8')) as Record<string, string>;
    const rt = (JSON.parse(data[Object.keys(data).find((k) => k.startsWith('oauth/tokens/'))!]) as { refresh_token: string }).refresh_token;
    expect((await bench.fx.introspect(at)).active).toBe(true);
    expect((await bench.fx.introspect(rt)).active).toBe(true);
    const revocations = bench.fx.requests.filter((r) => r.path === '/token/revocation').length;

    await h.engine.reset(h.server);

    expect(bench.fx.requests.filter((r) => r.path === '/token/revocation').length).toBe(revocations + 2);
    expect((await bench.fx.introspect(at)).active).toBe(false);
    expect((await bench.fx.introspect(rt)).active).toBe(false);
    expect(oauthKeys(h.vaultFile).filter((k) => !k.startsWith('oauth/port/'))).toEqual([]);
    expect(await h.engine.accessToken(h.server)).toBeUndefined();
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in', detail: expect.stringContaining('Signed out of Fixture') });
    expect(h.notes).toHaveLength(0);
  });

  it('stops a sign-in that is waiting for the browser', async () => {
    const h = harness();
    h.browser.mode = 'close';
    const pending = h.engine.signIn(h.server);
    while (h.browser.opened.length === 0) await new Promise((r) => setTimeout(r, 10));
    await h.engine.reset(h.server);
    await expect(pending).rejects.toThrow(/stopped because its sign-in was reset/);
    expect(h.engine.state(h.server.id)).toBe('needs-sign-in');
  });
});

describe('step-up (403 insufficient_scope)', () => {
  it('asks for the union of scopes in a new browser sign-in, then gives up after the retry limit', async () => {
    const h = harness({ maxStepUpAttempts: 2 });
    await signInOk(h);
    bench.fx.requiredScopes = ['mcp:tools', 'mcp:admin'];
    const challenge = `Bearer error="insufficient_scope", scope="mcp:admin", resource_metadata="${bench.fx.prmUrl}"`;

    expect(await h.engine.onUnauthorized(h.server, { status: 403, wwwAuthenticate: challenge })).toBeUndefined();
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in', detail: expect.stringContaining('needs more permissions') });
    const registrations = bench.fx.registrations.length;
    await signInOk(h);
    const scope = new URL(h.browser.opened[1]).searchParams.get('scope')!.split(' ');
    expect(scope.sort()).toEqual(['mcp:admin', 'mcp:tools', 'offline_access', 'openid']);
    // The first registration was limited to the first scopes, so it was replaced.
    expect(bench.fx.registrations.length).toBe(registrations + 1);
    const client = await connectClient(h);
    expect(JSON.stringify((await client.callTool({ name: 'whoami', arguments: {} })).content)).toContain('mcp:admin');
    await client.close();

    // A server that keeps refusing: one more step-up, then the engine stops opening tabs.
    expect(await h.engine.onUnauthorized(h.server, { status: 403, wwwAuthenticate: challenge })).toBeUndefined();
    await signInOk(h);
    expect(h.browser.opened).toHaveLength(3);
    expect(await h.engine.onUnauthorized(h.server, { status: 403, wwwAuthenticate: challenge })).toBeUndefined();
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'error', detail: expect.stringContaining('giving up') });
    await expect(h.engine.signIn(h.server)).rejects.toThrow(/giving up/);
    expect(h.browser.opened).toHaveLength(3);
  });
});

describe('secrets', () => {
  it('a failure whose text carries a refresh token is redacted before it reaches the log', async () => {
    let leak = false;
    const h = harness({
      fetch: async (url, init) => {
        const body = init?.body instanceof URLSearchParams ? init.body : undefined;
        if (leak && body?.get('grant_type') === 'refresh_token') throw new TypeError(`socket hang up while sending ${body.toString()}`);
        return fetch(url, init);
      },
    });
    await signInOk(h);
    leak = true;
    const data = JSON.parse(fs.readFileSync(h.vaultFile, 'utf8')) as Record<string, string>;
    const rt = (JSON.parse(data[Object.keys(data).find((k) => k.startsWith('oauth/tokens/'))!]) as { refresh_token: string }).refresh_token;
    const err = (await h.engine.onUnauthorized(h.server, { status: 401 }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(rt);
    // Transient failures keep the tokens.
    expect(h.engine.state(h.server.id)).toBe('signed-in');
    leak = false;
    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeTruthy();
  });

  it('no token, code, verifier or client secret ever reached a log line, state detail or notification', () => {
    bench.expectNothingSecretSaid();
  });
});
