/**
 * Issue 14's calls on the real core (issue 12 items 11 and 12 included): the add flow's drafts
 * (kept only once signed in; abandoned, nothing is left), the sign-in page (open again, copy,
 * cancel), the Edit form (a rotated header value reaches the server; the log names the header, not
 * the value), the app's own tools listing kept out of the client counters, config backups
 * restored, and reveal limited to known files. Real parts: the bundled proxy, an SDK MCP server,
 * oidc-provider with the engine's headless TestBrowser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import type { AuthService } from '../main/core/auth/auth-service';
import { startOidcFixture, type OidcFixture } from '../main/core/auth/testing/oidc-fixture';
import { TestBrowser } from '../main/core/auth/testing/test-browser';
import type { BrowserOpener } from '../main/core/auth/types';
import { CONNECTOR_SCRIPT, makeTempHome, startHost, waitForState, type TempHome } from './fixtures/harness';
import { startSdkServer, type SdkServer } from './fixtures/sdk-server';

const clientLauncher = { command: process.execPath, connectorScript: CONNECTOR_SCRIPT, electronRunAsNode: false };

/** A browser that the user never finishes in: it only records where it was sent (the sign-in waits). */
class IdleBrowser implements BrowserOpener {
  readonly opened: string[] = [];
  async open(url: string): Promise<void> {
    this.opened.push(url);
  }
}

/** Sends to the test browser, or only records (a user who has not finished yet). */
class SwitchableBrowser implements BrowserOpener {
  idle = new IdleBrowser();
  real = new TestBrowser();
  finish = true;
  open(url: string): Promise<void> {
    return this.finish ? this.real.open(url) : this.idle.open(url);
  }
}

async function until<T>(fn: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the add flow with sign-in: drafts, the sign-in page, cancel', () => {
  let oidc: OidcFixture;
  let home: TempHome;
  let core: AppCore;
  let auth: AuthService;
  const browser = new SwitchableBrowser();

  beforeAll(async () => {
    oidc = await startOidcFixture();
    home = makeTempHome();
    const host = await startHost(home, { opener: browser, clientLauncher });
    core = host.core;
    auth = host.auth;
  });

  afterAll(async () => {
    await core?.dispose();
    await oidc?.close();
    home?.cleanup();
  });

  const settingsServers = () => {
    const file = path.join(home.dataDir, 'settings.json');
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')).servers ?? []) : [];
  };

  it('a draft is not listed, saved or started; signed in and kept, it is listed and ready', async () => {
    browser.finish = true;
    const draft = await core.addServer({ url: oidc.mcpUrl, name: 'Kept', draft: true });
    expect(core.listServers()).toEqual([]);
    expect(settingsServers()).toEqual([]);
    expect(core.proxyPid(draft.id)).toBeUndefined();
    await core.signIn(draft.id);
    expect(core.listServers()).toEqual([]);
    const kept = await core.keepServer(draft.id);
    expect(kept).toMatchObject({ id: draft.id, name: 'Kept', signIn: 'signed-in' });
    expect(settingsServers().map((s: { id: string }) => s.id)).toEqual([draft.id]);
    await waitForState(core, draft.id, 'ready');
    expect(core.listServers().find((s) => s.id === draft.id)).toMatchObject({ renewsAutomatically: true });
    await expect(core.discardServer(draft.id)).rejects.toThrow(/not a server being added/);
    await core.removeServer(draft.id);
  });

  it('an abandoned add leaves nothing behind: no server, no tokens, no client secret, no log', async () => {
    browser.finish = false;
    const draft = await core.addServer({ url: oidc.mcpUrl, name: 'Abandoned', clientId: 'pre-registered', clientSecret: 'typed-secret-123', draft: true });
    const signingIn = core.signIn(draft.id).then(
      () => 'signed in',
      (err: Error) => err.message,
    );
    // The sign-in page is known once the browser was sent there: open it again, copy it, see the time limit.
    const page = await until(() => core.signInPage(draft.id) ?? undefined, 'the sign-in page');
    expect(new URL(page.url).origin).toBe(oidc.issuer);
    expect(page.url).toBe(browser.idle.opened.at(-1));
    expect(page.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    await core.openSignInPage(draft.id);
    expect(browser.idle.opened.filter((u) => u === page.url)).toHaveLength(2);

    await core.discardServer(draft.id);
    expect(await signingIn).toMatch(/stopped|cancelled/);
    expect(core.listServers()).toEqual([]);
    expect(settingsServers()).toEqual([]);
    expect(core.registry.get(draft.id)).toBeUndefined();
    expect(core.tailLogs(draft.id)).toEqual([]);
    const vault = path.join(home.dataDir, 'secrets.json');
    const held = fs.existsSync(vault) ? Object.keys(JSON.parse(fs.readFileSync(vault, 'utf8'))) : [];
    // (The loopback port a sign-in used is remembered per server id by the credential store: not a secret.)
    expect(held.filter((k) => k.includes(draft.id) && !k.startsWith('oauth/port/'))).toEqual([]);
    expect(fs.existsSync(vault) ? fs.readFileSync(vault, 'utf8') : '').not.toContain('typed-secret-123');
    expect(await auth.heldTokens(draft.id)).toBeUndefined();
  });

  it('Cancel ends the sign-in waiting for the browser; the server is back to "needs sign-in"', async () => {
    browser.finish = false;
    const s = await core.addServer({ url: oidc.mcpUrl, name: 'Later' });
    await waitForState(core, s.id, 'needs-sign-in');
    const signingIn = core.signIn(s.id).then(
      () => 'signed in',
      (err: Error) => err.message,
    );
    await until(() => core.signInPage(s.id) ?? undefined, 'the sign-in page');
    await core.cancelSignIn(s.id);
    expect(await signingIn).toMatch(/cancelled/);
    expect(core.signInPage(s.id)).toBeNull();
    expect(core.listServers().find((x) => x.id === s.id)!.signIn).toBe('needs-sign-in');
    await expect(core.openSignInPage(s.id)).rejects.toThrow(/No sign-in is waiting/);
    // Cancelling before the browser was even sent there works too (it stops before it opens it).
    const opened = browser.idle.opened.length;
    const early = core.signIn(s.id).then(
      () => 'signed in',
      (err: Error) => err.message,
    );
    await core.cancelSignIn(s.id);
    expect(await early).toMatch(/cancelled/);
    expect(browser.idle.opened.length).toBe(opened);
    await core.removeServer(s.id);
  });
});

describe('edit, own traffic, backups, reveal', () => {
  let sdk: SdkServer;
  let home: TempHome;
  let core: AppCore;
  const revealed: string[] = [];

  beforeAll(async () => {
    sdk = await startSdkServer();
    home = makeTempHome();
    fs.mkdirSync(path.join(home.home, '.cursor'), { recursive: true });
    core = (await startHost(home, { clientLauncher, reveal: (f) => revealed.push(f), toolsTimeoutMs: 10_000 })).core;
  });

  afterAll(async () => {
    await core?.dispose();
    await sdk?.close();
    home?.cleanup();
  });

  it("opening a server's tools is the app's own traffic: not counted as a client, labelled in the log", async () => {
    const s = await core.addServer({ url: sdk.url, name: 'Fresh' });
    await waitForState(core, s.id, 'ready');
    expect((await core.listTools(s.id)).map((t) => t.name)).toContain('echo');
    const own = await until(
      () => (core.tailLogs(s.id).some((e) => e.own && /finished listing the tools/.test(e.message)) ? true : undefined),
      'the listing to finish',
    );
    expect(own).toBe(true);
    const lines = core.tailLogs(s.id).filter((e) => e.own);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((e) => e.client === 'Switchboard')).toBe(true);
    expect(core.tailLogs(s.id).some((e) => /Client connected \(mcp-switchboard/.test(e.message))).toBe(false);
    // The proxy counted the listing; the window is not told about it.
    await until(() => {
      const c = core.listServers().find((x) => x.id === s.id)!.status.counters;
      return c.connections === 0 && c.connectionsTotal === 0 && c.requests === 0 ? c : undefined;
    }, 'counters without the listing');
    await core.removeServer(s.id);
  });

  it('Edit rotates a header value without Remove + Add: the server gets the new value; the log names the header only', async () => {
    const s = await core.addServer({ url: sdk.url, name: 'Keyed', headers: { 'X-Api-Key': 'old-key-1' } });
    await waitForState(core, s.id, 'ready');
    await core.install(s.id, 'cursor');
    const r = await core.updateServer({ serverId: s.id, headers: { 'X-Api-Key': 'new-key-2' }, name: 'Keyed Docs' });
    expect(r).toMatchObject({ signedOut: false, server: { id: s.id, name: 'Keyed Docs', headerNames: ['X-Api-Key'] } });
    expect(JSON.stringify(r)).not.toContain('new-key-2');
    await waitForState(core, s.id, 'ready');
    const seen = sdk.headers.length;
    await core.listTools(s.id);
    expect(sdk.headers.slice(seen).every((h) => h['x-api-key'] === 'new-key-2')).toBe(true);
    expect(sdk.headers.slice(seen).length).toBeGreaterThan(0);
    const edited = core.tailLogs(s.id).find((e) => e.message.startsWith('Edited:'))!;
    expect(edited.message).toBe('Edited: name, header X-Api-Key (new value)');
    expect(JSON.stringify(core.tailLogs(s.id))).not.toContain('new-key-2');
    // Still installed: editing is not Remove + Add.
    expect((await core.installStatus(s.id)).find((x) => x.clientId === 'cursor')).toMatchObject({ state: 'installed' });
    await expect(core.updateServer({ serverId: s.id, clientSecret: 'x' })).rejects.toThrow(/needs its client ID/);
    await expect(core.updateServer({ serverId: 'ghost', name: 'x' })).rejects.toThrow(/No server "ghost"/);
    await core.removeServer(s.id);
  });

  it("a client's config backups are listed and one is restored; reveal shows only known files", async () => {
    const file = path.join(home.home, '.cursor', 'mcp.json');
    fs.writeFileSync(file, '{ "mcpServers": { "mine": { "command": "x" } } }\n');
    const s = await core.addServer({ url: `${sdk.url}?b=1`, name: 'Backed' });
    await core.install(s.id, 'cursor');
    const backups = await core.configBackups('cursor');
    expect(backups.length).toBeGreaterThan(0);
    const first = backups.find(
      (b) =>
        fs.readFileSync(path.join(home.dataDir, 'backups', 'cursor', b.id), 'utf8').includes('"mine"') &&
        !fs.readFileSync(path.join(home.dataDir, 'backups', 'cursor', b.id), 'utf8').includes(s.id),
    )!;
    const r = await core.restoreBackup('cursor', first.id);
    expect(r).toMatchObject({ clientId: 'cursor', file });
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "mcpServers": { "mine": { "command": "x" } } }\n');
    expect(core.tailLogs('*').some((e) => /^Restored Cursor's ~\/\.cursor\/mcp\.json from a backup/.test(e.message))).toBe(true);

    await core.reveal(file);
    await core.reveal(path.join(home.dataDir, 'backups', 'cursor', first.id));
    expect(revealed).toEqual([file, path.join(home.dataDir, 'backups', 'cursor', first.id)]);
    await expect(core.reveal('/etc/passwd')).rejects.toThrow(/only shows its own files/);
    await expect(core.reveal(path.join(home.dataDir, '..', 'elsewhere'))).rejects.toThrow(/only shows its own files/);
    expect(core.appInfo().canReveal).toBe(true);
    await core.removeServer(s.id);
  });
});
