/**
 * The sign-in engine against a real authorization server (oidc-provider) in front of a real MCP
 * server (SDK 1.32 with bearer auth), with a headless user agent in the browser seam and a real
 * file vault in a temp dir. Nothing here is mocked except the human (see testing/test-browser.ts).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { AuthService, type AuthServiceOptions } from './auth-service';
import { SignInError } from './callback-listener';
import { CredentialStore } from './credential-store';
import { FileSecretVault } from './file-vault';
import type { AuthServerConfig, AuthStateChange } from './types';
import { APP_CLIENT, PRE_REGISTERED, startOidcFixture, type OidcFixture } from './testing/oidc-fixture';
import { FORGED_TEXT, TestBrowser } from './testing/test-browser';

let fx: OidcFixture;
let dir: string;
let seq = 0;

/** Everything the engine said, to check that no secret ever appears in it. */
const said: string[] = [];
/** Every secret that existed during the tests. */
const secrets = new Set<string>();

beforeAll(async () => {
  fx = await startOidcFixture({ accessTokenTtl: 2 });
});
afterAll(async () => {
  await fx?.close();
});

interface Harness {
  engine: AuthService;
  browser: TestBrowser;
  vault: FileSecretVault;
  server: AuthServerConfig;
  logs: Array<{ level: string; message: string }>;
  changes: AuthStateChange[];
  notes: Array<{ title: string; body: string }>;
  vaultFile: string;
}

const engines: AuthService[] = [];

function harness(over: Partial<AuthServiceOptions> = {}, server: Partial<AuthServerConfig> = {}): Harness {
  const vaultFile = path.join(dir, `vault-${++seq}.json`);
  const vault = new FileSecretVault(vaultFile);
  const browser = new TestBrowser();
  const logs: Harness['logs'] = [];
  const notes: Harness['notes'] = [];
  const changes: AuthStateChange[] = [];
  const engine = new AuthService({
    vault,
    opener: browser,
    log: (_id, level, message) => {
      logs.push({ level, message });
      said.push(message);
    },
    notifier: { notify: (title, body) => (notes.push({ title, body }), said.push(title, body)) },
    refreshSkewMs: 500,
    callbackTimeoutMs: 10_000,
    ...over,
  });
  engine.onDidChangeState((c) => {
    changes.push(c);
    if (c.detail) said.push(c.detail);
  });
  engines.push(engine);
  return { engine, browser, vault, server: { id: `srv-${seq}`, name: 'Fixture', url: fx.mcpUrl, ...server }, logs, changes, notes, vaultFile };
}

/** All secrets in a vault file: tokens, client secrets. */
function collectSecrets(file: string): void {
  if (!fs.existsSync(file)) return;
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  for (const v of Object.values(data)) {
    try {
      const o = JSON.parse(v) as Record<string, unknown> & { info?: Record<string, unknown> };
      for (const k of ['access_token', 'refresh_token', 'id_token', 'client_secret']) if (typeof o[k] === 'string') secrets.add(o[k] as string);
      if (typeof o.info?.client_secret === 'string') secrets.add(o.info.client_secret);
    } catch {
      // not JSON
    }
  }
}

async function signInOk(h: Harness): Promise<void> {
  await h.engine.signIn(h.server);
  collectSecrets(h.vaultFile);
}

function oauthKeys(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')) as object);
}

/** An MCP client whose transport takes tokens from the engine, as the proxy does. */
async function connectClient(h: Harness): Promise<Client> {
  const client = new Client({ name: 'test', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(fx.mcpUrl), {
    authProvider: {
      token: async () => h.engine.accessToken(h.server),
      onUnauthorized: async (ctx) => {
        const t = await h.engine.onUnauthorized(h.server, {
          status: ctx.response.status,
          wwwAuthenticate: ctx.response.headers.get('www-authenticate') ?? undefined,
        });
        if (!t) throw new UnauthorizedError('needs sign-in');
      },
    },
  });
  await client.connect(transport);
  return client;
}

function grantsOf(type: string): number {
  return fx.grants.filter((g) => g.grantType === type).length;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-auth-'));
  fx.decision = 'approve';
  fx.requiredScopes = ['mcp:tools'];
  fx.htmlAtOAuthMetadata = false;
  fx.authorizationServers = [fx.issuer];
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('sign-in', () => {
  it('asks for the scopes configured for the server on top of the ones the server names', async () => {
    const h = harness({}, { scopes: 'mcp:admin' });
    await signInOk(h);
    const url = new URL(h.browser.opened[0]);
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(['mcp:admin', 'mcp:tools', 'offline_access']);
  });

  it('registers (DCR, native, refresh_token grant), uses PKCE S256, state and the resource parameter; the token works on the MCP server', async () => {
    const h = harness();
    const registrations = fx.registrations.length;
    await signInOk(h);

    expect(h.browser.opened).toHaveLength(1);
    const url = new URL(h.browser.opened[0]);
    expect(url.origin).toBe(fx.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('resource')).toBe(fx.mcpUrl);
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(['mcp:tools', 'offline_access']);
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);

    expect(fx.registrations.length).toBe(registrations + 1);
    const reg = fx.registrations.at(-1)!.metadata();
    expect(reg.application_type).toBe('native');
    expect(reg.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(reg.token_endpoint_auth_method).toBe('none');
    expect(reg.client_name).toBe('MCP Switchboard');
    expect(reg.redirect_uris).toEqual([url.searchParams.get('redirect_uri')]);

    const visit = await h.browser.visit();
    expect(visit.callbackUrl?.searchParams.get('iss')).toBe(fx.issuer);
    expect(visit.page?.status).toBe(200);
    expect(visit.page?.text).toContain('Signed in to Fixture — you can close this tab');

    expect(h.engine.state(h.server.id)).toBe('signed-in');
    expect(h.changes.map((c) => c.state)).toEqual(['signing-in', 'signed-in']);

    const token = await h.engine.accessToken(h.server);
    expect(token).toBeTruthy();
    const info = await fx.introspect(token!);
    expect(info.active).toBe(true);
    expect(info.aud).toBe(fx.mcpUrl);

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
    const registrations = fx.registrations.length;
    const codeGrants = fx.grants.filter((g) => g.grantType === 'authorization_code' && g.ok).length;
    await signInOk(h);
    expect(fx.registrations.length).toBe(registrations);
    expect(new URL(h.browser.opened[0]).searchParams.get('client_id')).toBe(PRE_REGISTERED.id);
    expect(fx.grants.filter((g) => g.grantType === 'authorization_code' && g.ok).length).toBe(codeGrants + 1);
    expect(fs.readFileSync(h.vaultFile, 'utf8')).not.toContain(PRE_REGISTERED.secret);
    // Refresh authenticates with the secret too (the AS requires client_secret_basic).
    const refreshes = grantsOf('refresh_token');
    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeTruthy();
    expect(
      fx.grants
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
    expect((await fx.introspect(first!)).aud).toBe(fx.mcpUrl);
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

describe('tokens', () => {
  it('refreshes before expiry with rotation while a client keeps calling tools; old refresh tokens are dead, none is replayed', async () => {
    const h = harness();
    await signInOk(h);
    const client = await connectClient(h);
    const refreshTokens = new Set<string>();
    const readRefresh = () => {
      const data = JSON.parse(fs.readFileSync(h.vaultFile, 'utf8')) as Record<string, string>;
      const key = Object.keys(data).find((k) => k.startsWith('oauth/tokens/'))!;
      return (JSON.parse(data[key]) as { refresh_token: string }).refresh_token;
    };
    refreshTokens.add(readRefresh());
    const before = fx.grants.filter((g) => g.grantType === 'refresh_token');
    const started = Date.now();
    let calls = 0;
    while (Date.now() - started < 4500) {
      const r = await client.callTool({ name: 'whoami', arguments: {} });
      expect(r.isError).toBeFalsy();
      calls++;
      refreshTokens.add(readRefresh());
      await new Promise((r) => setTimeout(r, 250));
    }
    await client.close();
    const refreshes = fx.grants.filter((g) => g.grantType === 'refresh_token').slice(before.length);
    expect(calls).toBeGreaterThan(10);
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    expect(refreshes.every((g) => g.ok)).toBe(true);
    expect(refreshTokens.size).toBe(refreshes.length + 1);
    const all = [...refreshTokens];
    for (const rt of all.slice(0, -1)) expect((await fx.introspect(rt)).active).toBe(false);
    expect((await fx.introspect(all.at(-1)!)).active).toBe(true);
    collectSecrets(h.vaultFile);
  });

  it('accessToken renews the token by itself once it is within the skew of expiry', async () => {
    const h = harness({ refreshSkewMs: 1500 });
    await signInOk(h);
    const first = await h.engine.accessToken(h.server);
    const refreshes = grantsOf('refresh_token');
    expect(await h.engine.accessToken(h.server)).toBe(first);
    expect(grantsOf('refresh_token')).toBe(refreshes);
    await new Promise((r) => setTimeout(r, 700));
    const second = await h.engine.accessToken(h.server);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect(grantsOf('refresh_token')).toBe(refreshes + 1);
    expect((await fx.introspect(second!)).active).toBe(true);
    collectSecrets(h.vaultFile);
  });

  it('when the vault cannot save a rotated refresh token, the old one is still never sent again', async () => {
    let failTokenWrites = false;
    const file = path.join(dir, 'flaky-vault.json');
    const inner = new FileSecretVault(file);
    const vault: FileSecretVault = Object.assign(Object.create(inner) as FileSecretVault, {
      set: (key: string, value: string) =>
        failTokenWrites && key.startsWith('oauth/tokens/') ? Promise.reject(new Error('disk full')) : inner.set(key, value),
    });
    const h = harness({ vault });
    await signInOk({ ...h, vaultFile: file });
    failTokenWrites = true;
    const before = fx.grants.length;
    const a = await h.engine.onUnauthorized(h.server, { status: 401 });
    const b = await h.engine.onUnauthorized(h.server, { status: 401 });
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
    expect(b).not.toBe(a);
    expect(fx.grants.slice(before)).toEqual([
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
    const tokenPosts = fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length;
    const [a, b, c] = await Promise.all([
      h.engine.onUnauthorized(h.server, { status: 401, wwwAuthenticate: `Bearer error="invalid_token", resource_metadata="${fx.prmUrl}"` }),
      h.engine.onUnauthorized(h.server, { status: 401 }),
      h.engine.onUnauthorized(h.server, { status: 401, token: old }),
    ]);
    expect(fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length).toBe(tokenPosts + 1);
    expect(a).toBeTruthy();
    expect(a).not.toBe(old);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(await h.engine.accessToken(h.server)).toBe(a);
    // A late report about the old token gets the current one without another refresh.
    expect(await h.engine.onUnauthorized(h.server, { status: 401, token: old })).toBe(a);
    expect(fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length).toBe(tokenPosts + 1);
    collectSecrets(h.vaultFile);
  });

  it('a revoked grant (invalid_grant) turns the server needs-sign-in and notifies the user once', async () => {
    const h = harness();
    await signInOk(h);
    const data = JSON.parse(fs.readFileSync(h.vaultFile, 'utf8')) as Record<string, string>;
    const tokens = JSON.parse(data[Object.keys(data).find((k) => k.startsWith('oauth/tokens/'))!]) as { refresh_token: string };
    const client = JSON.parse(data[Object.keys(data).find((k) => k.startsWith('oauth/client/'))!]) as { info: { client_id: string } };
    expect(await fx.revoke(tokens.refresh_token, client.info.client_id, 'refresh_token')).toBe(200);

    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeUndefined();
    expect(fx.grants.at(-1)).toMatchObject({ grantType: 'refresh_token', ok: false, error: 'invalid_grant' });
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
    const firstClient = fx.registrations.at(-1)!.clientId;
    await fx.deleteClient(firstClient);

    expect(await h.engine.onUnauthorized(h.server, { status: 401 })).toBeUndefined();
    expect(fx.grants.at(-1)).toMatchObject({ grantType: 'refresh_token', ok: false, error: 'invalid_client' });
    expect(h.engine.state(h.server.id)).toBe('needs-sign-in');
    expect(oauthKeys(h.vaultFile).filter((k) => k.startsWith('oauth/client/'))).toEqual([]);
    expect(h.notes).toHaveLength(1);

    const registrations = fx.registrations.length;
    await signInOk(h);
    expect(fx.registrations.length).toBe(registrations + 1);
    expect(fx.registrations.at(-1)!.clientId).not.toBe(firstClient);
    expect(new URL(h.browser.opened[1]).searchParams.get('client_id')).toBe(fx.registrations.at(-1)!.clientId);
    expect(h.engine.state(h.server.id)).toBe('signed-in');
  });

  it('a 401 after the server moved to another authorization server does not refresh the old grant', async () => {
    const h = harness();
    await signInOk(h);
    fx.authorizationServers = ['https://new-as.example.com'];
    const tokenPosts = fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length;
    expect(await h.engine.onUnauthorized(h.server, { status: 401, wwwAuthenticate: `Bearer resource_metadata="${fx.prmUrl}"` })).toBeUndefined();
    expect(fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length).toBe(tokenPosts);
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
    expect((await fx.introspect(at)).active).toBe(true);
    expect((await fx.introspect(rt)).active).toBe(true);
    const revocations = fx.requests.filter((r) => r.path === '/token/revocation').length;

    await h.engine.reset(h.server);

    expect(fx.requests.filter((r) => r.path === '/token/revocation').length).toBe(revocations + 2);
    expect((await fx.introspect(at)).active).toBe(false);
    expect((await fx.introspect(rt)).active).toBe(false);
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

describe('the loopback callback', () => {
  it('when the remembered port is busy, another port is used and the client registers again for it', async () => {
    const h = harness();
    await signInOk(h);
    const firstRedirect = new URL(h.browser.opened[0]).searchParams.get('redirect_uri')!;
    const port = Number(new URL(firstRedirect).port);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const registrations = fx.registrations.length;
      await signInOk(h);
      const second = new URL(h.browser.opened[1]).searchParams.get('redirect_uri')!;
      expect(second).not.toBe(firstRedirect);
      expect(fx.registrations.length).toBe(registrations + 1);
      expect(fx.registrations.at(-1)!.metadata().redirect_uris).toEqual([second]);
      expect(h.logs.some((l) => l.message.includes(`Port ${port} is in use`))).toBe(true);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    // The new port is remembered; the next sign-in uses it and keeps the registration.
    const registrations = fx.registrations.length;
    await signInOk(h);
    expect(new URL(h.browser.opened[2]).searchParams.get('redirect_uri')).toBe(new URL(h.browser.opened[1]).searchParams.get('redirect_uri'));
    expect(fx.registrations.length).toBe(registrations);
  });

  it('a wrong state is answered and ignored (its code never redeemed); the sign-in keeps waiting for the real response', async () => {
    const h = harness({ callbackTimeoutMs: 1500 });
    h.browser.mode = 'tamper-state';
    const codeGrants = grantsOf('authorization_code');
    const err = await h.engine.signIn(h.server).catch((e: unknown) => e);
    const visit = await h.browser.visit();
    expect(visit.page?.status).toBe(400);
    expect(visit.page?.text).toContain('wrong or missing state');
    expect(visit.page?.text).toContain('it was ignored');
    expect(h.logs.some((l) => l.level === 'warn' && l.message.includes('wrong or missing state was ignored'))).toBe(true);
    // Nothing came that belonged to the sign-in: it ends by its time limit, not by the stray response.
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
    fx.decision = 'deny';
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(err.kind).toBe('denied');
    expect(err.message).toBe('Sign-in to Fixture was cancelled or denied in the browser. Nothing was changed; sign in again when you are ready.');
    const visit = await h.browser.visit();
    expect(visit.callbackUrl?.searchParams.get('error')).toBe('access_denied');
    expect(visit.page?.text).toContain('cancelled or denied');
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in', detail: err.message });
  });

  it('a closed tab ends in "Sign-in timed out", frees the port, and the next sign-in registers afresh', async () => {
    const h = harness({ callbackTimeoutMs: 400 });
    h.browser.mode = 'close';
    const started = Date.now();
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(Date.now() - started).toBeLessThan(5000);
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
    const h = harness();
    h.browser.mode = 'fail';
    const started = Date.now();
    const err = (await h.engine.signIn(h.server).catch((e: unknown) => e)) as SignInError;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err.message).toBe('Could not open the browser to sign in to Fixture: no browser available (test)');
    expect(h.engine.state(h.server.id)).toBe('needs-sign-in');
  });
});

describe('the app-scheme redirect (mcp-switchboard://oauth/callback)', () => {
  const NATIVE = { id: 'switchboard-native-scheme', secret: 'native-scheme-secret-0123456789abcd' };
  const WEB = { id: 'switchboard-web-client', secret: 'web-client-secret-0123456789abcdefgh' };

  beforeAll(async () => {
    await fx.addClient({
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
    const info = await fx.introspect((await h.engine.accessToken(h.server))!);
    expect(info).toMatchObject({ active: true, client_id: NATIVE.id, aud: fx.mcpUrl });
    // The sign-in is over: the same link again matches nothing.
    expect(await h.engine.handleRedirect(visit.callbackUrl!.href)).toBe(false);
  });

  it('a wrong state through handleRedirect is ignored (its code never redeemed); the sign-in waits until its time limit', async () => {
    const h = appHarness(NATIVE.id, NATIVE.secret, { callbackTimeoutMs: 1500 });
    h.browser.mode = 'tamper-state';
    const before = grantsOf('authorization_code');
    const err = await h.engine.signIn(h.server).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInError);
    expect((err as SignInError).kind).toBe('timeout');
    expect((await h.browser.visit()).handled).toBe(true);
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
    await fx.addClient({
      client_id: WEB.id,
      client_secret: WEB.secret,
      application_type: 'web',
      redirect_uris: [`http://127.0.0.1:${port}/oauth/callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    await expect(
      fx.addClient({ client_id: 'web-with-scheme', client_secret: WEB.secret, application_type: 'web', redirect_uris: ['mcp-switchboard://oauth/callback'] }),
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
    expect((await fx.introspect((await h.engine.accessToken(h.server))!)).active).toBe(true);
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
    fx.htmlAtOAuthMetadata = true;
    const oidcDocs = fx.requests.filter((r) => r.path === '/.well-known/openid-configuration').length;
    await signInOk(h);
    expect(fx.requests.filter((r) => r.path === '/.well-known/openid-configuration').length).toBe(oidcDocs + 1);
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
    if (url.origin === fx.issuer && url.pathname.startsWith('/.well-known/') && res.ok) {
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
    const registrations = fx.registrations.length;
    await h.engine.signIn(h.server).catch(() => {});
    expect(new URL(h.browser.opened[0]).searchParams.get('client_id')).toBe(cimd);
    expect(fx.registrations.length).toBe(registrations);
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

describe('step-up (403 insufficient_scope)', () => {
  it('asks for the union of scopes in a new browser sign-in, then gives up after the retry limit', async () => {
    const h = harness({ maxStepUpAttempts: 2 });
    await signInOk(h);
    fx.requiredScopes = ['mcp:tools', 'mcp:admin'];
    const challenge = `Bearer error="insufficient_scope", scope="mcp:admin", resource_metadata="${fx.prmUrl}"`;

    expect(await h.engine.onUnauthorized(h.server, { status: 403, wwwAuthenticate: challenge })).toBeUndefined();
    expect(h.engine.status(h.server.id)).toMatchObject({ state: 'needs-sign-in', detail: expect.stringContaining('needs more permissions') });
    const registrations = fx.registrations.length;
    await signInOk(h);
    const scope = new URL(h.browser.opened[1]).searchParams.get('scope')!.split(' ');
    expect(scope.sort()).toEqual(['mcp:admin', 'mcp:tools', 'offline_access']);
    // The first registration was limited to the first scopes, so it was replaced.
    expect(fx.registrations.length).toBe(registrations + 1);
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
    for (const v of fx.registrations) {
      const s = v.metadata().client_secret;
      if (typeof s === 'string') secrets.add(s);
    }
    expect(secrets.size).toBeGreaterThan(10);
    expect(said.length).toBeGreaterThan(20);
    const text = said.join('\n');
    for (const s of secrets) expect(text.includes(s), `a secret reached the log: ${s.slice(0, 4)}…`).toBe(false);
  });
});
