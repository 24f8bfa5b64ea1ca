/**
 * Sign-in through the whole app path: AppCore with the real OAuth engine, proxies as child
 * processes, an MCP client on the connector, and oidc-provider in front of a bearer-protected SDK
 * server. The browser is the engine's headless TestBrowser (it walks the real redirects).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcFixture, type OidcFixture } from '../main/core/auth/testing/oidc-fixture';
import { TestBrowser } from '../main/core/auth/testing/test-browser';
import type { AppCore } from '../main/core/app-core';
import { resolvePaths } from '../main/shared/paths';
import { connectClient, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';
import { waitFor } from './fixtures/ports';

let as: OidcFixture;
let home: TempHome;
let core: AppCore;
let browser: TestBrowser;
let id: string;
let toolName: string;

beforeAll(async () => {
  as = await startOidcFixture({ accessTokenTtl: 3 });
  home = makeTempHome();
  browser = new TestBrowser();
  core = await startCore(home, { opener: browser, signIn: { refreshSkewMs: 1000 } });
  id = (await core.addServer({ url: as.mcpUrl, name: 'Protected' })).id;
});

afterAll(async () => {
  await core?.dispose();
  await as?.close();
  home?.cleanup();
});

describe('sign-in through the app', () => {
  it('a server that needs sign-in says so, and clients get an actionable error instead of a hang', async () => {
    const s = await waitForState(core, id, 'needs-sign-in');
    expect(s.detail).toMatch(/401/);
    expect(browser.opened).toHaveLength(0); // the app never opens a tab by itself
    await expect(connectClient(home, id)).rejects.toThrow(/Sign in to Protected in MCP Switchboard/);
  });

  it('signs in once, the proxy gets the token over the fork channel, and tools work', async () => {
    await Promise.all([core.signIn(id), core.signIn(id)]); // the second joins the first
    expect(browser.opened).toHaveLength(1);
    await waitForState(core, id, 'ready');
    expect(core.listServers().find((s) => s.id === id)!.signIn).toBe('signed-in');
    const c = await connectClient(home, id);
    const tools = await c.client.listTools();
    toolName = tools.tools[0].name;
    const before = as.toolCalls;
    await c.client.callTool({ name: toolName, arguments: { message: 'hello' } });
    expect(as.toolCalls).toBe(before + 1);
    await c.close();
  });

  it('keeps a client working across short-lived tokens: refreshes happen behind its back', async () => {
    const c = await connectClient(home, id);
    const refreshed = () => as.grants.filter((g) => g.grantType === 'refresh_token' && g.ok).length;
    const refreshesBefore = refreshed();
    // Calls at a steady pace until the token has been replaced twice (3 s tokens) and more than 10
    // calls went through: however slowly this machine runs, the calls span two token lifetimes.
    let calls = 0;
    while (calls <= 10 || refreshed() < refreshesBefore + 2) {
      await c.client.callTool({ name: toolName, arguments: { message: `call ${calls}` } });
      calls++;
      await new Promise((r) => setTimeout(r, 200));
    }
    await c.close();
    expect(calls).toBeGreaterThan(10);
    const refreshes = as.grants.filter((g) => g.grantType === 'refresh_token');
    expect(refreshes.filter((g) => g.ok).length).toBeGreaterThan(refreshesBefore);
    // Rotation-safe: no refresh was ever refused (a replayed refresh token would be).
    expect(refreshes.filter((g) => !g.ok)).toEqual([]);
  });

  it("keeps tokens out of logs, the proxy's argv and env", async () => {
    const paths = resolvePaths(home.env);
    const vaultText = fs.readFileSync(path.join(home.dataDir, 'secrets.json'), 'utf8');
    const secrets = [...vaultText.matchAll(/"(access_token|refresh_token)\\":\\"([^"\\]+)/g)].map((m) => m[2]);
    expect(secrets.length).toBeGreaterThan(0);
    const pid = core.proxyPid(id)!;
    const haystacks = [
      fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
      fs.readFileSync(`/proc/${pid}/environ`, 'utf8'),
      JSON.stringify(core.tailLogs(id, 5000)),
      JSON.stringify(core.listServers()),
      ...fs.readdirSync(paths.logsDir).map((f) => fs.readFileSync(path.join(paths.logsDir, f), 'utf8')),
    ];
    for (const secret of secrets) for (const h of haystacks) expect(h.includes(secret)).toBe(false);
  });

  it('reset revokes the tokens, the proxy drops its token, and clients are told to sign in again', async () => {
    const vaultText = fs.readFileSync(path.join(home.dataDir, 'secrets.json'), 'utf8');
    const refresh = [...vaultText.matchAll(/"refresh_token\\":\\"([^"\\]+)/g)].map((m) => m[1]).pop()!;
    expect((await as.introspect(refresh)).active).toBe(true);
    await core.resetSignIn(id);
    expect((await as.introspect(refresh)).active).toBe(false);
    expect(core.listServers().find((s) => s.id === id)!.signIn).not.toBe('signed-in');
    await expect(connectClient(home, id)).rejects.toThrow(/Sign in to Protected in MCP Switchboard/);
    await waitFor(() => core.listServers().find((s) => s.id === id)!.status.state === 'needs-sign-in', 'needs-sign-in after reset');
  });
});

describe('two entries of one server, two accounts (issue 12 item 9)', () => {
  it('both work side by side, each with its own sign-in, and say which account they use', async () => {
    // The same URL again, under another name: a second account.
    const work = (await core.addServer({ url: as.mcpUrl, name: 'Work' })).id;
    const personal = (await core.addServer({ url: as.mcpUrl, name: 'Personal' })).id;
    as.account = 'alice';
    await core.signIn(work);
    as.account = 'bob';
    await core.signIn(personal);
    as.account = 'alice';
    await waitForState(core, work, 'ready');
    await waitForState(core, personal, 'ready');
    await waitFor(() => core.listServers().every((s) => s.id === id || s.account !== undefined), 'the accounts');
    const summaries = new Map(core.listServers().map((s) => [s.id, s]));
    expect(summaries.get(work)).toMatchObject({ signIn: 'signed-in', account: 'alice' });
    expect(summaries.get(personal)).toMatchObject({ signIn: 'signed-in', account: 'bob' });
    // Signed out above: says no account.
    expect(summaries.get(id)!.account).toBeUndefined();

    // Each proxy sends its own account's token.
    const whoami = async (serverId: string) => {
      const c = await connectClient(home, serverId);
      try {
        return JSON.stringify((await c.client.callTool({ name: toolName, arguments: {} })).content);
      } finally {
        await c.close();
      }
    };
    expect(await whoami(work)).toContain('account alice');
    expect(await whoami(personal)).toContain('account bob');

    // Removing one revokes only its own grant: the other keeps working.
    await core.removeServer(personal, { keepInClients: true });
    expect(await whoami(work)).toContain('account alice');
    expect(core.listServers().find((s) => s.id === work)).toMatchObject({ signIn: 'signed-in', account: 'alice' });
  });
});
