/**
 * Issue 17 through the whole app (hosts built by createHost, the bundled proxy children, the
 * connector), inside a company network made on this computer (fixtures/network.ts): a real forward
 * proxy (the `proxy` package), servers that drop every connection not coming from it (the direct
 * path is closed, and each test shows it), a private CA made by openssl, and oidc-provider as the
 * servers' authorization server and as the company's identity provider.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENTERPRISE_CLIENT, APP_CLIENT, IDP_CLIENT, KEYED_CLIENT, startOidcFixture, type OidcFixture } from '../main/core/auth/testing/oidc-fixture';
import { TestBrowser } from '../main/core/auth/testing/test-browser';
import type { AppCore } from '../main/core/app-core';
import { fetchFor } from '../main/shared/net/fetch';
import { resolvePaths } from '../main/shared/paths';
import { connectClient, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';
import {
  CA_NAME,
  INSIDE,
  PROXY_EGRESS,
  makePrivateCa,
  startForwardProxy,
  startInsideMcpServer,
  type ForwardProxy,
  type InsideMcpServer,
  type PrivateCa,
} from './fixtures/network';

const ISSUED_BY = `was issued by '${CA_NAME}', which this computer does not trust: add it in Settings ▸ Network`;

let ca: PrivateCa;
let inside: InsideMcpServer;
const homes: TempHome[] = [];
const cores: AppCore[] = [];

async function host(env: Record<string, string>, ports: Parameters<typeof startCore>[1] = {}): Promise<{ core: AppCore; home: TempHome }> {
  const home = makeTempHome();
  Object.assign(home.env, env);
  homes.push(home);
  const core = await startCore(home, ports);
  cores.push(core);
  return { core, home };
}

async function echoThrough(home: TempHome, serverId: string): Promise<string> {
  const c = await connectClient(home, serverId);
  try {
    const r = await c.client.callTool({ name: 'echo', arguments: { message: 'through the proxy' } });
    return (r.content as Array<{ text: string }>)[0]!.text;
  } finally {
    await c.close();
  }
}

/** A request straight to the inside server (trusting its CA): the server drops it. */
function direct(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca: ca.caPem, headers: { 'content-type': 'application/json' } }, (res) => resolve(res.statusCode ?? 0));
    req.on('error', reject);
    req.end('{}');
  });
}

beforeAll(async () => {
  ca = makePrivateCa();
  inside = await startInsideMcpServer(ca);
});

afterAll(async () => {
  await Promise.all(cores.map((c) => c.dispose()));
  await inside?.close();
  for (const h of homes) h.cleanup();
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});

describe('behind a forward proxy (HTTPS_PROXY), with a private CA', () => {
  let proxy: ForwardProxy;
  let core: AppCore;
  let home: TempHome;

  beforeAll(async () => {
    proxy = await startForwardProxy();
    ({ core, home } = await host({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' }));
  });
  afterAll(() => proxy?.close());

  it('the direct path is closed: the inside server drops a connection that does not come from the proxy', async () => {
    await expect(direct(inside.url)).rejects.toThrow(/socket hang up|ECONNRESET|socket disconnected/);
  });

  it("the add flow's probe goes through the proxy and says whose certificate is not trusted, before anything is added", async () => {
    const r = await core.probeServer({ url: inside.url });
    expect(r.reachable).toBe(false);
    expect(r.problem).toContain(`The TLS certificate of ${INSIDE}`);
    expect(r.problem).toContain(ISSUED_BY);
    expect(proxy.seen.some((s) => s.startsWith(`CONNECT ${INSIDE}:`))).toBe(true);
    // With the CA file in Advanced, the same probe gets the server's name.
    const ok = await core.probeServer({ url: inside.url, caFile: ca.caFile });
    expect(ok).toMatchObject({ reachable: true, transport: 'streamable-http', signIn: 'not-needed', serverName: 'inside-fixture' });
  });

  it('a server whose certificate chains to an untrusted CA says so; trusted once the CA is added in Settings ▸ Network', async () => {
    const id = (await core.addServer({ url: inside.url, name: 'Inside' })).id;
    const s = await waitForState(core, id, 'retrying');
    expect(s.detail).toContain(ISSUED_BY);
    await core.setSettings({ caFile: ca.caFile });
    await waitForState(core, id, 'ready');
    const before = inside.calls;
    expect(await echoThrough(home, id)).toBe('echo: through the proxy');
    expect(inside.calls).toBe(before + 1);
    await core.setSettings({ caFile: '' });
  });

  it('a per-server override: "direct" skips the proxy (and this server drops it); a CA file of its own', async () => {
    const id = (await core.addServer({ url: inside.url, name: 'Inside direct', proxy: 'direct', caFile: ca.caFile })).id;
    const s = await waitForState(core, id, 'retrying');
    expect(s.detail).toMatch(/connection reset|socket hang up|closed/i);
    const viaProxy = (await core.addServer({ url: inside.url, name: 'Inside own CA', caFile: ca.caFile })).id;
    await waitForState(core, viaProxy, 'ready');
    expect(await echoThrough(home, viaProxy)).toBe('echo: through the proxy');
  });
});

describe('straight to a server with a private CA (no proxy)', () => {
  it('untrusted says whose certificate; with a CA file of its own the session opens (the runtime fetch under the process-wide trust) and calls go through', async () => {
    const open = await startInsideMcpServer(ca, { direct: true });
    try {
      const { core, home } = await host({});
      const untrusted = (await core.addServer({ url: open.url, name: 'Open untrusted' })).id;
      expect((await waitForState(core, untrusted, 'retrying')).detail).toContain(ISSUED_BY);
      const trusted = (await core.addServer({ url: open.url, name: 'Open own CA', caFile: ca.caFile })).id;
      await waitForState(core, trusted, 'ready');
      expect(await echoThrough(home, trusted)).toBe('echo: through the proxy');
      expect(await echoThrough(home, trusted)).toBe('echo: through the proxy');
      expect(open.calls).toBe(2);
    } finally {
      await open.close();
    }
  });
});

describe('NO_PROXY', () => {
  it('a server it names goes direct (the inside server drops it), the proxy never sees it', async () => {
    const proxy = await startForwardProxy();
    try {
      const { core } = await host({ https_proxy: proxy.url, no_proxy: `example.com, ${INSIDE}` });
      const id = (await core.addServer({ url: inside.url, name: 'Bypassed', caFile: ca.caFile })).id;
      await waitForState(core, id, 'retrying');
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('a proxy that wants a password', () => {
  const PASSWORD = 'proxy-pa55word-kept-in-the-vault';
  let proxy: ForwardProxy;

  beforeAll(async () => {
    proxy = await startForwardProxy({ credentials: { user: 'ann', password: PASSWORD } });
  });
  afterAll(() => proxy?.close());

  it("a server's own proxy URL with credentials: the password goes to the vault, never to settings.json, the child's argv or env", async () => {
    const { core, home } = await host({});
    const id = (await core.addServer({ url: inside.url, name: 'Authenticated', proxy: `${proxy.url.replace('//', `//ann:${PASSWORD}@`)}`, caFile: ca.caFile }))
      .id;
    await waitForState(core, id, 'ready');
    expect(await echoThrough(home, id)).toBe('echo: through the proxy');
    const paths = resolvePaths(home.env);
    expect(fs.readFileSync(path.join(paths.dataDir, 'settings.json'), 'utf8')).not.toContain(PASSWORD);
    expect(fs.readFileSync(path.join(paths.dataDir, 'secrets.json'), 'utf8')).toContain(PASSWORD);
    const pid = core.proxyPid(id)!;
    expect(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(PASSWORD);
    expect(fs.readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toContain(PASSWORD);
    expect(
      core
        .tailLogs(id, 500)
        .map((e) => e.message)
        .join('\n'),
    ).not.toContain(PASSWORD);
  });

  it('the Edit form moves a server added "direct" onto its own proxy: refused, then through once the password is right; back to direct forgets the password', async () => {
    const { core, home } = await host({});
    const id = (await core.addServer({ url: inside.url, name: 'Edited network', proxy: 'direct', caFile: ca.caFile })).id;
    expect((await waitForState(core, id, 'retrying')).detail).toMatch(/connection reset|socket hang up|closed/i);
    const settingsJson = () => fs.readFileSync(path.join(resolvePaths(home.env).dataDir, 'settings.json'), 'utf8');
    const secretsJson = () => fs.readFileSync(path.join(resolvePaths(home.env).dataDir, 'secrets.json'), 'utf8');
    const summary = () => core.listServers().find((s) => s.id === id)!;

    // A bad address is refused with the add flow's sentence; nothing changes.
    await expect(core.updateServer({ serverId: id, proxy: proxy.url.replace('http://', `socks5://ann:${PASSWORD}@`) })).rejects.toThrow(
      'Only HTTP proxies are supported (http:// or https://), not socks5://.',
    );
    expect(summary().proxy).toBe('direct');

    // Its proxy with a wrong password: the proxy restarts on the new route and is refused.
    const edited = await core.updateServer({ serverId: id, proxy: proxy.url.replace('//', '//ann:wrong-one@') });
    expect(edited.server.proxy).toBe(proxy.url.replace('//', '//ann@'));
    await vi.waitFor(() => expect(summary().status.detail).toContain('407 Proxy Authentication Required'), { timeout: 20_000, interval: 50 });

    // The same URL and user with the right password changes only the vault: the proxy restarts with it.
    const pid = core.proxyPid(id);
    await core.updateServer({ serverId: id, proxy: proxy.url.replace('//', `//ann:${PASSWORD}@`) });
    expect(core.proxyPid(id)).not.toBe(pid);
    await waitForState(core, id, 'ready');
    expect(await echoThrough(home, id)).toBe('echo: through the proxy');
    expect(settingsJson()).not.toContain(PASSWORD);
    expect(secretsJson()).toContain(PASSWORD);
    expect(JSON.stringify(core.listServers())).not.toContain(PASSWORD);
    const log = core.tailLogs(id, 500).map((e) => e.message);
    expect(log).toEqual(expect.arrayContaining(['Edited: network: proxy', 'Edited: network: proxy password (new value)']));
    expect(log.join('\n')).not.toContain(PASSWORD);
    expect(log.join('\n')).not.toContain('wrong-one');

    // Direct again (and no CA file of its own): the password leaves the vault, the server drops the direct path again.
    await core.updateServer({ serverId: id, proxy: 'direct', caFile: '' });
    expect(secretsJson()).not.toContain(PASSWORD);
    expect(summary()).not.toHaveProperty('caFile');
    await waitForState(core, id, 'retrying');
    expect(core.tailLogs(id, 50).map((e) => e.message)).toContain('Edited: network: proxy, CA file (removed)');
  });

  it("Settings ▸ Network's user and password serve the environment's proxy; without them the proxy refuses", async () => {
    const { core, home } = await host({ HTTPS_PROXY: proxy.url });
    const id = (await core.addServer({ url: inside.url, name: 'Env proxy', caFile: ca.caFile })).id;
    const refused = await waitForState(core, id, 'retrying');
    expect(refused.detail).toContain('the proxy asks for a user name and password (407 Proxy Authentication Required): set them in Settings ▸ Network');
    await core.setSettings({ proxyUsername: 'ann' });
    await core.setProxyPassword(PASSWORD);
    await waitForState(core, id, 'ready');
    expect(await echoThrough(home, id)).toBe('echo: through the proxy');
  });
});

describe('sign-in without a user, through the proxy (oidc-provider inside)', () => {
  let fx: OidcFixture;
  let proxy: ForwardProxy;
  let core: AppCore;
  let home: TempHome;
  let browser: TestBrowser;

  beforeAll(async () => {
    // On 127.0.0.1 (the SDK allows plain-http token endpoints only there), serving only the proxy.
    fx = await startOidcFixture({ onlyFrom: PROXY_EGRESS });
    proxy = await startForwardProxy();
    browser = new TestBrowser();
    // The user's browser goes through the company proxy too.
    browser.fetchPages = fetchFor({ route: { kind: 'proxy', url: proxy.url } });
    ({ core, home } = await host({ HTTP_PROXY: proxy.url }, { opener: browser }));
  });
  afterAll(async () => {
    await proxy?.close();
    await fx?.close();
  });

  async function callWhoami(id: string): Promise<string> {
    const c = await connectClient(home, id);
    try {
      const r = await c.client.callTool({ name: 'whoami', arguments: {} });
      return (r.content as Array<{ text: string }>)[0]!.text;
    } finally {
      await c.close();
    }
  }

  it('the direct path to the authorization server and the MCP server is closed', async () => {
    await expect(fetch(`${fx.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
    await expect(fetch(fx.mcpUrl, { method: 'POST' })).rejects.toThrow();
  });

  it('client credentials with a client secret', async () => {
    const id = (
      await core.addServer({ url: fx.mcpUrl, name: 'Machine', signIn: 'client-credentials', clientId: APP_CLIENT.id, clientSecret: APP_CLIENT.secret })
    ).id;
    await waitForState(core, id, 'needs-sign-in');
    await core.signIn(id);
    await waitForState(core, id, 'ready');
    expect(await callWhoami(id)).toMatch(`client ${APP_CLIENT.id}`);
    // The engine's requests (undici tunnels even to http servers) and the proxy child's went through the proxy.
    expect(proxy.seen).toContain(`CONNECT ${new URL(fx.issuer).host}`);
    expect(proxy.seen.some((s) => s.startsWith(`POST ${fx.mcpUrl}`))).toBe(true);
  });

  it('client credentials with a private key (private_key_jwt)', async () => {
    const id = (await core.addServer({ url: fx.mcpUrl, name: 'Keyed', signIn: 'client-credentials', clientId: KEYED_CLIENT.id, privateKey: fx.keyedClientKey }))
      .id;
    await waitForState(core, id, 'needs-sign-in');
    await core.signIn(id);
    await waitForState(core, id, 'ready');
    expect(await callWhoami(id)).toMatch(`client ${KEYED_CLIENT.id}`);
    expect(fs.readFileSync(path.join(resolvePaths(home.env).dataDir, 'settings.json'), 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('enterprise-managed: one sign-in at the company IdP, then the server connects without a tab of its own', async () => {
    expect((await core.configureEnterprise({ issuer: fx.issuer, clientId: IDP_CLIENT.id })).signedIn).toBe(false);
    const status = await core.signInToEnterprise();
    expect(status).toMatchObject({ configured: true, signedIn: true, account: 'alice@example.test' });
    expect(browser.opened).toHaveLength(1);
    const id = (
      await core.addServer({ url: fx.mcpUrl, name: 'Enterprise', signIn: 'enterprise', clientId: ENTERPRISE_CLIENT.id, clientSecret: ENTERPRISE_CLIENT.secret })
    ).id;
    await waitForState(core, id, 'needs-sign-in');
    await core.signIn(id);
    await waitForState(core, id, 'ready');
    expect(browser.opened).toHaveLength(1);
    expect(fx.enterprise.exchanges.at(-1)).toEqual({ audience: fx.issuer, resource: fx.mcpUrl, sub: 'alice' });
    expect(await callWhoami(id)).toMatch(`client ${ENTERPRISE_CLIENT.id}`);
  });
});
