/**
 * The calls added for the full app, end to end on the real core: tools listed through a real
 * proxy (server-everything), remove with uninstall from temp client configs, importing an
 * `npx mcp-remote` entry, settings and log retention, and the diagnostics bundle and the
 * memory-only token choice with a real sign-in (oidc-provider, the engine's headless TestBrowser).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, dispatch } from '../main/core/api/handlers';
import type { AppCore } from '../main/core/app-core';
import { type AuthService } from '../main/core/auth/auth-service';
import { startOidcFixture, type OidcFixture } from '../main/core/auth/testing/oidc-fixture';
import { TestBrowser } from '../main/core/auth/testing/test-browser';
import type { AppSettings } from '../common/contract';
import { startEverything, type RunningServer } from './fixtures/everything';
import { CLI_SCRIPT, CONNECTOR_SCRIPT, makeTempHome, startCore, startHost, waitForState, type TempHome } from './fixtures/harness';
import { freePort } from './fixtures/ports';
import { startSdkServer, type SdkServer } from './fixtures/sdk-server';

const clientLauncher = { command: process.execPath, connectorScript: CONNECTOR_SCRIPT, electronRunAsNode: false };

describe('tools, remove, import, settings', () => {
  let everything: RunningServer;
  let sdk: SdkServer;
  let home: TempHome;
  let core: AppCore;
  let claudeFile: string;
  let cursorFile: string;

  beforeAll(async () => {
    [everything, sdk] = await Promise.all([startEverything('streamableHttp'), startSdkServer()]);
    home = makeTempHome();
    claudeFile = path.join(home.home, '.config', 'Claude', 'claude_desktop_config.json');
    cursorFile = path.join(home.home, '.cursor', 'mcp.json');
    fs.mkdirSync(path.dirname(claudeFile), { recursive: true });
    fs.mkdirSync(path.dirname(cursorFile), { recursive: true });
    core = await startCore(home, { clientLauncher, toolsTimeoutMs: 10_000 });
  });

  afterAll(async () => {
    await core?.dispose();
    await Promise.all([everything?.stop(), sdk?.close()]);
    home?.cleanup();
  });

  it('lists the tools of server-everything through its own proxy', async () => {
    const { id } = await core.addServer({ url: everything.url, name: 'Everything' });
    await waitForState(core, id, 'ready');
    const tools = await core.listTools(id);
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo']));
    expect(tools.length).toBeGreaterThan(3);
    expect(tools.find((t) => t.name === 'echo')!.description).toBeTruthy();
    for (const t of tools) expect(Object.keys(t).every((k) => ['name', 'title', 'description'].includes(k))).toBe(true);
    // The listing's own connection shows up in the proxy's log and is closed again.
    expect(core.tailLogs(id).some((e) => /connect/i.test(e.message))).toBe(true);
    await core.setEnabled(id, false);
    await expect(core.listTools(id)).rejects.toThrow(/"Everything" is disabled; enable it to see its tools/);
    await core.setEnabled(id, true);
    await waitForState(core, id, 'ready');
    expect((await core.listTools(id)).length).toBe(tools.length);
    await core.removeServer(id);
  });

  it('refuses to list tools of a server that is not ready, with its state', async () => {
    const { id } = await core.addServer({ url: `http://127.0.0.1:${await freePort()}/mcp`, name: 'Nowhere' });
    await waitForState(core, id, ['retrying', 'error']);
    await expect(core.listTools(id)).rejects.toThrow(/"Nowhere" is not ready \((retrying|error)/);
    await expect(core.listTools('ghost')).rejects.toThrow(/No server "ghost"/);
    await core.removeServer(id);
  });

  it('remove takes the server out of every client config, lists what it could not edit, and removes it anyway', async () => {
    const claudeBefore = '{\n  "mcpServers": {\n    "mine": { "command": "x" }\n  }\n}\n';
    fs.writeFileSync(claudeFile, claudeBefore);
    fs.writeFileSync(cursorFile, '{ "mcpServers": {} }\n');
    const { id } = await core.addServer({ url: sdk.url, name: 'Removable' });
    await core.install(id, 'claude-desktop');
    await core.install(id, 'cursor');
    const windsurf = (await core.install(id, 'windsurf')).file;
    // Claude Desktop's entry is ours but stale (the app moved): it is removed too.
    fs.writeFileSync(claudeFile, fs.readFileSync(claudeFile, 'utf8').split(CONNECTOR_SCRIPT).join('/Old/App/connector/index.js'));
    expect((await core.installStatus(id)).find((s) => s.clientId === 'claude-desktop')!.state).toBe('stale');
    // Cursor's file cannot be written.
    fs.chmodSync(cursorFile, 0o444);
    try {
      const r = await core.removeServer(id);
      expect(r.uninstalled.map((u) => u.clientId).sort()).toEqual(['claude-desktop', 'windsurf']);
      expect(r.uninstalled.every((u) => u.serverId === id && u.changed)).toBe(true);
      expect(r.failed).toEqual([{ clientId: 'cursor', error: expect.stringMatching(/read-only/) }]);
      expect(core.listServers().find((s) => s.id === id)).toBeUndefined();
      expect(fs.readFileSync(claudeFile, 'utf8')).toBe(claudeBefore);
      expect(fs.readFileSync(windsurf, 'utf8')).not.toContain(id);
      expect(fs.readFileSync(cursorFile, 'utf8')).toContain(CONNECTOR_SCRIPT);
    } finally {
      fs.chmodSync(cursorFile, 0o644);
    }
    // keepInClients leaves the entries alone.
    fs.writeFileSync(cursorFile, '{ "mcpServers": {} }\n');
    const kept = await core.addServer({ url: sdk.url, name: 'Kept' });
    await core.install(kept.id, 'cursor');
    expect(await core.removeServer(kept.id, { keepInClients: true })).toEqual({ uninstalled: [], failed: [] });
    expect(JSON.parse(fs.readFileSync(cursorFile, 'utf8')).mcpServers[kept.id].args).toEqual([CONNECTOR_SCRIPT, kept.id]);
  });

  it('imports an npx mcp-remote entry from Claude Desktop: header values stay in main and reach the server', async () => {
    const headerValue = 'Bearer import-header-secret-0123456789';
    const config = {
      mcpServers: {
        fixture: { command: 'npx', args: ['-y', 'mcp-remote', sdk.url, '--header', 'Authorization:${AUTH}'], env: { AUTH: headerValue } },
        other: { command: 'uvx', args: ['something'] },
      },
    };
    fs.writeFileSync(claudeFile, JSON.stringify(config, null, 2));
    const found = await core.findImports();
    expect(found).toEqual([
      { clientId: 'claude-desktop', clientName: 'Claude Desktop', file: claudeFile, entryName: 'fixture', url: sdk.url, headerNames: ['Authorization'] },
    ]);
    expect(JSON.stringify(found)).not.toContain('import-header-secret');
    const summary = await core.importEntry('claude-desktop', 'fixture');
    expect(summary).toMatchObject({ name: 'fixture', url: sdk.url, headerNames: ['Authorization'] });
    const written = JSON.parse(fs.readFileSync(claudeFile, 'utf8'));
    expect(written.mcpServers.fixture).toEqual({
      command: process.execPath,
      args: [CONNECTOR_SCRIPT, summary.id],
      env: { MCP_SWITCHBOARD_CLIENT: 'claude-desktop', MCP_SWITCHBOARD_HOME: home.dataDir },
    });
    expect(written.mcpServers.other).toEqual(config.mcpServers.other);
    await waitForState(core, summary.id, 'ready');
    expect(sdk.headers.some((h) => h.authorization === headerValue)).toBe(true);
    expect((await core.installStatus(summary.id)).find((s) => s.clientId === 'claude-desktop')!.state).toBe('installed');
    expect(await core.findImports()).toEqual([]);
    await expect(core.importEntry('claude-desktop', 'fixture')).rejects.toThrow(/No "npx mcp-remote" entry named "fixture"/);
    await core.removeServer(summary.id);
  });

  it('tails every server merged by time', async () => {
    const a = await core.addServer({ url: `${sdk.url}?a`, name: 'Tail A' });
    const b = await core.addServer({ url: `${sdk.url}?b`, name: 'Tail B' });
    core.logs.append({ ts: Date.now() + 1000, level: 'info', server: b.id, message: 'b-late' });
    core.logs.append({ ts: Date.now() + 500, level: 'info', server: a.id, message: 'a-earlier' });
    expect(core.tailLogs(undefined, 2).map((e) => e.message)).toEqual(['a-earlier', 'b-late']);
    const all = core.tailLogs(undefined);
    expect(all.map((e) => e.ts)).toEqual([...all.map((e) => e.ts)].sort((x, y) => x - y));
    expect(all.some((e) => e.server === a.id) && all.some((e) => e.server === b.id)).toBe(true);
    await core.removeServer(a.id);
    await core.removeServer(b.id);
  });

  it('settings: saved, announced, retention prunes rotated logs; no login item in this host', async () => {
    const seen: AppSettings[] = [];
    const off = core.onDidChangeSettings((s) => seen.push(s));
    const logsDir = path.join(home.dataDir, 'logs');
    fs.mkdirSync(logsDir, { recursive: true });
    const old = path.join(logsDir, 'gone.log.1');
    const recent = path.join(logsDir, 'kept.log.1');
    fs.writeFileSync(old, 'x');
    fs.writeFileSync(recent, 'x');
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    fs.utimesSync(old, threeDaysAgo, threeDaysAgo);
    const after = await core.setSettings({ logRetentionDays: 2, proxyIdleMinutes: 5, theme: 'dark' });
    expect(after).toEqual({ launchAtLogin: false, logRetentionDays: 2, proxyIdleMinutes: 5, theme: 'dark', weakStorage: 'ask', newServerTools: 'trust' });
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    expect(seen).toEqual([after]);
    await expect(core.setSettings({ launchAtLogin: true })).rejects.toThrow(/cannot start at login/);
    expect(core.appInfo().loginItemSupported).toBe(false);
    expect(core.getSettings()).toEqual(after);
    off();
  });
});

describe('diagnostics and the memory-only token choice, with a real sign-in', () => {
  let oidc: OidcFixture;
  let sdk: SdkServer;
  let home: TempHome;
  let core: AppCore;
  let auth: AuthService;
  const headerValue = 'diag-header-secret-value-42';
  const clientSecret = 'diag-client-secret-value-77';

  beforeAll(async () => {
    [oidc, sdk] = await Promise.all([startOidcFixture(), startSdkServer()]);
    home = makeTempHome();
    const host = await startHost(home, { opener: new TestBrowser(), clientLauncher, version: '7.7.7' });
    core = host.core;
    auth = host.auth;
  });

  afterAll(async () => {
    await core?.dispose();
    await Promise.all([oidc?.close(), sdk?.close()]);
    home?.cleanup();
  });

  it('shows the token expiry, and the bundle holds no header value, client secret or token', async () => {
    const p = await core.addServer({ url: oidc.mcpUrl, name: 'Protected', headers: { 'X-Diag-Key': headerValue } });
    const s = await core.addServer({ url: sdk.url, name: 'Preregistered', clientId: 'diag-client', clientSecret });
    await waitForState(core, p.id, 'needs-sign-in');
    const before = Date.now();
    await core.signIn(p.id);
    await waitForState(core, p.id, 'ready');
    const summary = core.listServers().find((x) => x.id === p.id)!;
    expect(summary.signIn).toBe('signed-in');
    expect(summary.tokenExpiresAt).toBeGreaterThan(before);
    expect(summary.tokenExpiresAt).toBeLessThanOrEqual(Date.now() + 3600 * 1000);
    expect(core.listServers().find((x) => x.id === s.id)!.tokenExpiresAt).toBeUndefined();
    const token = (await auth.heldTokens(p.id))!.accessToken;
    // What a chatty upstream might echo into the log.
    core.logs.append({ ts: Date.now(), level: 'warn', server: p.id, message: `upstream said: ${token} / ${headerValue} / ${clientSecret}` });

    const bundle = await core.exportDiagnostics();
    expect(path.dirname(bundle.file)).toBe(path.join(home.dataDir, 'diagnostics'));
    expect(fs.statSync(bundle.file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(bundle.file, 'utf8');
    expect(bundle.bytes).toBe(Buffer.byteLength(text));
    for (const secret of [token, headerValue, clientSecret]) expect(text).not.toContain(secret);
    const json = JSON.parse(text);
    expect(json.app).toMatchObject({ version: '7.7.7', node: process.versions.node, platform: process.platform, arch: process.arch });
    expect(json.secretStorage).toMatchObject({ secure: false });
    expect(json.settings).toMatchObject({ weakStorage: 'ask', newServerTools: 'trust' });
    expect(json.servers.find((x: { id: string }) => x.id === p.id)).toMatchObject({
      url: oidc.mcpUrl,
      headerNames: ['X-Diag-Key'],
      signIn: 'signed-in',
      status: { state: 'ready' },
    });
    expect(json.servers.find((x: { id: string }) => x.id === s.id)).toMatchObject({ clientId: 'diag-client' });
    expect(json.clients.find((c: { id: string }) => c.id === 'claude-desktop')).toMatchObject({
      present: false,
      installs: expect.arrayContaining([{ serverId: p.id, state: 'not-installed' }]),
    });
    expect(json.logs[p.id].some((e: { message: string }) => e.message === 'upstream said: [redacted] / [redacted] / [redacted]')).toBe(true);
  });

  it('memory: tokens leave the disk but keep working; the client secret the user typed stays; store puts the tokens back', async () => {
    const file = path.join(home.dataDir, 'secrets.json');
    const p = core.listServers().find((x) => x.name === 'Protected')!;
    const token = (await auth.heldTokens(p.id))!.accessToken;
    expect(fs.readFileSync(file, 'utf8')).toContain(token);
    expect(fs.readFileSync(file, 'utf8')).toContain(clientSecret);

    await core.setSettings({ weakStorage: 'memory' });
    const disk = fs.readFileSync(file, 'utf8');
    // Issue 12 item 11: "memory only" is about tokens; what the user typed is never destroyed.
    const pre = core.listServers().find((x) => x.name === 'Preregistered')!;
    expect(Object.keys(JSON.parse(disk))).toEqual([`client-secret:${pre.id}`]);
    expect(disk).not.toContain(token);
    expect(disk).toContain(clientSecret);
    expect(core.appInfo().secretStorage).toMatchObject({ secure: false, backend: expect.stringMatching(/memory only/) });
    // The proxy still works with the token held in memory.
    expect((await core.listTools(p.id)).map((t) => t.name)).toEqual(['whoami']);
    expect((await auth.heldTokens(p.id))!.accessToken).toBe(token);

    await core.setSettings({ weakStorage: 'store' });
    expect(fs.readFileSync(file, 'utf8')).toContain(token);
    expect(fs.readFileSync(file, 'utf8')).toContain(clientSecret);
  });
});

describe('the command line drives a running host', () => {
  let sdk: SdkServer;
  let home: TempHome;
  let core: AppCore;

  beforeAll(async () => {
    sdk = await startSdkServer();
    home = makeTempHome();
    core = await startCore(home, { clientLauncher });
    const handlers = createHandlers(core, () => core.appInfo());
    core.serveControl((name, arg) => dispatch(handlers, name, arg));
  });

  afterAll(async () => {
    await core?.dispose();
    await sdk?.close();
    home?.cleanup();
  });

  // Asynchronous: the host answering the command line runs in this process.
  const cliAsync = (...args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [CLI_SCRIPT, ...args], { env: home.env }, (err, out, errText) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: errText }),
      );
    });

  it('remove and import go through the running host, which stops the proxy and starts the imported one', async () => {
    const { id } = await core.addServer({ url: sdk.url, name: 'Running' });
    await waitForState(core, id, 'ready');
    const removed = await cliAsync('remove', id, '--json');
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.out)).toMatchObject({ removed: id, uninstalled: [], failed: [] });
    expect(core.listServers().find((s) => s.id === id)).toBeUndefined();
    expect(core.proxyPid(id)).toBeUndefined();

    const claudeFile = path.join(home.home, '.config', 'Claude', 'claude_desktop_config.json');
    fs.mkdirSync(path.dirname(claudeFile), { recursive: true });
    fs.writeFileSync(claudeFile, JSON.stringify({ mcpServers: { legacy: { command: 'npx', args: ['mcp-remote', sdk.url] } } }));
    const imported = await cliAsync('import', '--yes', '--json');
    expect(imported.code).toBe(0);
    const [row] = JSON.parse(imported.out);
    expect(row).toMatchObject({ clientId: 'claude-desktop', name: 'legacy', url: sdk.url });
    await waitForState(core, row.serverId, 'ready');
  });
});
