/**
 * The whole story in the real renderer, against the real core (issue 5 "Tests", issue 6 "Secrets"):
 *
 *   add a server that needs sign-in (paste the URL, the probe says so, add) → sign in → install into
 *   Claude Desktop and Cursor (the real files change) → an MCP client runs the installed entry and
 *   calls a tool through connector and proxy → the call shows in the live log → reset sign-in
 *   (confirm) → remove the server (confirm): gone from the window and from both config files.
 *   Then no secret the story used may be found in logs, ring buffers, the diagnostics bundle, the
 *   proxies' and the connector's argv/env, the client configs, or anything sent to the renderer.
 *
 * Real parts: the built renderer in Debian's Chromium; the core (AppCore, ProxySupervisor with
 * child proxies, AuthService with the file vault, ClientService) in temp dirs behind the product's
 * browser shell (main/headless/web-shell.ts: one-time link, session cookie, the page's bridge
 * script), as `npm start` serves the window where Electron cannot start; oidc-provider in front of
 * an SDK MCP server; the "system browser" for sign-in is a second, separate headless Chromium
 * context (support/chromium-opener.ts) following the real redirects to the engine's loopback
 * callback. The one stand-in: the test authorization server approves its login and consent screens
 * without a human.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ensureRendererBuilt } from './support/build';
import { ensureNodeBuilt } from './support/build-node';
import { loadStoryBackend } from './support/bundle';
import { repoRoot, screenshotsDir } from './support/paths';
import { filesUnder, findLeaks, processHaystacks, type Haystack } from './support/secrets-grep';
import { spawnStdio, type StdioEntry } from './support/stdio-client';
import type { StoryBackend } from './support/story-backend';
import { ChromiumOpener } from './support/chromium-opener';

const NAME = 'Acme Docs';

let backend: StoryBackend;

test.beforeAll(async () => {
  ensureRendererBuilt();
  ensureNodeBuilt();
  backend = await loadStoryBackend().startStoryBackend({ repoRoot });
});

test.afterAll(async () => {
  await backend?.close();
});

/**
 * A screenshot of what the user sees. The window scrolls inside <main>, so a "full page" shot is a
 * taller window: the viewport grows to fit main's content for the shot, then shrinks back.
 */
async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotsDir, { recursive: true });
  const size = page.viewportSize()!;
  const needed = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? Math.ceil(main.getBoundingClientRect().top + main.scrollHeight) : 0;
  });
  if (needed > size.height) await page.setViewportSize({ width: size.width, height: Math.min(needed, 2400) });
  await page.screenshot({ path: path.join(screenshotsDir, `story-${name}.png`), animations: 'disabled', caret: 'hide' });
  if (needed > size.height) await page.setViewportSize(size);
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Our entry in a client config: the one whose args name the server id. */
function entryFor(file: string, serverId: string): [string, StdioEntry] | undefined {
  if (!fs.existsSync(file)) return undefined;
  const servers = (readJson(file).mcpServers ?? {}) as Record<string, StdioEntry>;
  return Object.entries(servers).find(([, e]) => Array.isArray(e.args) && e.args.includes(serverId));
}

test('add, sign in, install, use, watch, reset and remove a protected server; no secret leaks', async ({ page, context, browser }) => {
  test.setTimeout(90_000);
  const { shell, as } = backend;
  const opener = new ChromiumOpener(browser);
  backend.setOpener(opener);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  /** Haystacks gathered along the way (processes and ring buffers do not outlive the story). */
  const haystacks: Haystack[] = [];
  const snapshot = async (label: string) => {
    const servers = (await backend.call('servers:list')).value as Array<{ id: string; status: { pid?: number } }>;
    for (const s of servers) if (s.status.pid) haystacks.push(...processHaystacks(s.status.pid, `${label}: proxy`));
    const tail = await backend.call('logs:tail', { limit: 10_000 });
    expect(tail.ok, tail.error).toBe(true);
    haystacks.push({ name: `${label}: ring buffers (logs:tail, all servers)`, text: JSON.stringify(tail.value) });
    for (const f of filesUnder(backend.logsDir)) haystacks.push({ ...f, name: `${label}: logs/${f.name}` });
    for (const file of [backend.claudeConfig, backend.cursorConfig]) {
      if (fs.existsSync(file)) haystacks.push({ name: `${label}: ${path.basename(file)}`, text: fs.readFileSync(file, 'utf8') });
    }
  };

  /** What the opener and the engine did, for a failed sign-in step (no secrets: no URLs with codes). */
  const explainSignIn = () =>
    JSON.stringify(
      {
        visits: opener.visits.map((v) => ({ page: v.page, error: v.error })),
        opened: opener.opened.length,
        asRequests: as.requests.map((r) => `${r.method} ${r.path}`),
        log: backend.core.tailLogs(undefined, 40).map((e) => `${e.level} ${e.message}`),
      },
      null,
      1,
    );

  // The one-time link, as the headless host opens it: spent for the session cookie, then dropped.
  await page.goto(shell.url);
  expect(page.url()).toBe(`${shell.origin}/`);
  const session = (await context.cookies(shell.origin)).find((c) => c.name.startsWith('mcp-switchboard-'));
  expect(session?.httpOnly).toBe(true);
  backend.addSecret('shell:cookie', session?.value);
  await expect(page.getByRole('heading', { name: 'MCP Switchboard', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No servers yet' })).toBeVisible();

  // The headless host keeps tokens in a plain file: the window asks first; the user keeps the file.
  const storage = page.getByRole('region', { name: 'Token storage warning' });
  await expect(storage).toBeVisible();
  await storage.getByRole('button', { name: 'Store anyway' }).click();
  await expect(storage).toBeHidden();

  // ---- 1. Add: paste the URL, the probe says sign-in is needed, add it with an API-key header.
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByLabel('Server URL').fill(as.mcpUrl);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const probe = page.getByTestId('probe-result');
  await expect(probe).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The server answered' })).toBeVisible();
  await expect(page.getByTestId('probe-sign-in')).toHaveText(`Needed — you sign in at ${new URL(as.issuer).host}`);
  await page.getByLabel('Name').fill(NAME);
  await page.getByRole('button', { name: /Advanced: headers/ }).click();
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Header 1 name').fill(backend.header.name);
  await page.getByLabel('Header 1 value').fill(backend.header.value);
  await shot(page, 'add-probe');
  await page.getByRole('button', { name: 'Add server' }).click();

  // ---- 2. Sign in: the engine opens "the browser" (a headless Chromium tab follows the redirects).
  await expect(page.getByRole('heading', { name: `Sign in to ${NAME}` })).toBeVisible();
  const serverId = ((await backend.call('servers:list')).value as Array<{ id: string; name: string }>).find((s) => s.name === NAME)!.id;
  expect(serverId).toBeTruthy();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  try {
    await expect(page.getByRole('heading', { name: `Use ${NAME} in these clients` })).toBeVisible({ timeout: 20_000 });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nSign-in did not finish:\n${explainSignIn()}`, { cause: err });
  }
  await expect(page.getByRole('status').filter({ hasText: 'Signed in.' })).toBeVisible();
  expect(opener.opened).toHaveLength(1);
  await opener.settled();
  expect(opener.visits[0].page?.status, explainSignIn()).toBe(200);
  expect(opener.visits[0].code).toBeTruthy();
  backend.addSecret('opener:authorization_code', opener.visits[0].code);

  // ---- 3. Install into both clients (both detected; both chosen by default).
  const choose = page.getByRole('group', { name: 'Choose clients' });
  await expect(choose.getByRole('checkbox', { name: /Claude Desktop/ })).toBeChecked();
  await expect(choose.getByRole('checkbox', { name: /Cursor/ })).toBeChecked();
  for (const box of await choose.getByRole('checkbox').all()) {
    const label = (await box.locator('xpath=..').innerText()).split('\n')[0];
    if (!/Claude Desktop|Cursor/.test(label)) await box.uncheck();
  }
  await choose.getByRole('button', { name: 'Install into 2 clients' }).click();
  const outcomes = page.getByTestId('install-outcomes');
  await expect(outcomes).toContainText('Installed into Claude Desktop.');
  await expect(outcomes).toContainText('Installed into Cursor.');
  await shot(page, 'add-done');

  // The real files hold entries that run the connector for this server with this runtime.
  const claude = entryFor(backend.claudeConfig, serverId);
  const cursor = entryFor(backend.cursorConfig, serverId);
  expect(claude, fs.readFileSync(backend.claudeConfig, 'utf8')).toBeDefined();
  expect(cursor, fs.readFileSync(backend.cursorConfig, 'utf8')).toBeDefined();
  for (const [, entry] of [claude!, cursor!]) {
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([path.join(repoRoot, 'out', 'connector', 'index.js'), serverId]);
  }

  // ---- The server's page: ready, signed in, its tools listed through its proxy.
  await page.getByRole('button', { name: `Open ${NAME}` }).click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByRole('heading', { name: NAME, level: 2 })).toBeVisible();
  await expect(detail.getByTestId('state')).toHaveText('Ready', { timeout: 20_000 });
  await expect(detail.getByTestId('sign-in-state')).toHaveText(/^(Signed in|Expires in .+)$/);
  await expect(detail.getByTestId('tool')).toHaveText([/whoami/]);
  await expect(detail.locator('[data-testid="install-row"][data-client-id="claude-desktop"] [data-testid="install-state"]')).toContainText(/Installed/);
  await expect(detail.getByText(`Sends extra headers: ${backend.header.name}`)).toBeVisible();
  await shot(page, 'server-detail');
  backend.collect(); // tokens are in the vault now
  await snapshot('signed in');

  // ---- 4. Use: run the Claude Desktop entry exactly as written, speak MCP over its stdio.
  const clientEnv = { HOME: backend.env.HOME, XDG_CONFIG_HOME: backend.env.XDG_CONFIG_HOME, PATH: backend.env.PATH };
  const mcp = spawnStdio(claude![1], clientEnv);
  try {
    const init = await mcp.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'story-client', version: '1.0.0' } });
    expect(init.error, mcp.stderr()).toBeUndefined();
    expect(init.result.serverInfo.name).toBe('protected-fixture');
    mcp.notify('notifications/initialized');
    const before = as.toolCalls;
    const called = await mcp.request('tools/call', { name: 'whoami', arguments: {} });
    expect(called.error, mcp.stderr()).toBeUndefined();
    expect(called.result.content[0].text).toMatch(/^client \S+ scopes .*mcp:tools/);
    expect(as.toolCalls).toBe(before + 1);
    haystacks.push(...processHaystacks(mcp.pid, 'connector'));
    await snapshot('after the tool call');
  } finally {
    await mcp.close();
  }
  haystacks.push({ name: 'connector stderr', text: mcp.stderr() });

  // ---- 5. Watch: the call is in the live log (all servers), with its method and direction.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Logs' }).click();
  const log = page.getByRole('log', { name: 'Log lines of all servers' });
  await expect(log.getByRole('listitem').filter({ hasText: 'tools/call' }).first()).toBeVisible();
  await expect(log.getByRole('listitem').filter({ hasText: 'tools/call' }).filter({ hasText: NAME }).first()).toBeVisible();
  await shot(page, 'logs');
  // Export diagnostics from the log view (the bundle is grepped below).
  await page.getByRole('button', { name: 'Export diagnostics' }).click();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: /diagnostics/i })
      .first(),
  ).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Clients' }).click();
  await expect(page.getByText('Claude Desktop').first()).toBeVisible();
  await shot(page, 'clients');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  await shot(page, 'settings');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Servers' }).click();
  await expect(page.getByTestId('server')).toHaveCount(1);
  await expect(page.getByTestId('server').getByTestId('state')).toHaveText('Ready');
  await shot(page, 'servers');

  // ---- 6. Reset sign-in (confirmed): tokens revoked at the AS, the state changes.
  const refreshTokens = backend.secrets().filter((s) => s.kind === 'as:refresh_token');
  expect(refreshTokens.length).toBeGreaterThan(0);
  expect((await as.introspect(refreshTokens.at(-1)!.value)).active).toBe(true);
  await page.getByRole('button', { name: `Open ${NAME}` }).click();
  await detail.getByRole('button', { name: 'Reset sign-in' }).click();
  const resetDialog = page.getByRole('dialog', { name: `Reset sign-in for ${NAME}?` });
  await expect(resetDialog).toBeVisible();
  await shot(page, 'confirm-reset');
  await resetDialog.getByRole('button', { name: 'Reset sign-in' }).click();
  await expect(resetDialog).toBeHidden();
  await expect(detail.getByTestId('sign-in-state')).toHaveText('Sign-in needed');
  await expect(detail.getByTestId('state')).toHaveText('Needs sign-in', { timeout: 20_000 });
  await expect(detail.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  expect((await as.introspect(refreshTokens.at(-1)!.value)).active).toBe(false);
  await snapshot('after reset');

  // ---- 7. Remove (confirmed): gone from the window and from both config files.
  await detail.getByRole('button', { name: 'Remove server' }).click();
  const removeDialog = page.getByRole('dialog', { name: `Remove ${NAME}?` });
  await expect(removeDialog.getByTestId('remove-where')).toHaveText('Installed in: Claude Desktop, Cursor.');
  await shot(page, 'confirm-remove');
  await removeDialog.getByRole('button', { name: 'Remove server' }).click();
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText(`Removed ${NAME}.`);
  await expect(notice).toContainText('Removed from Claude Desktop.');
  await expect(notice).toContainText('Removed from Cursor.');
  await expect(page.getByTestId('server')).toHaveCount(0);
  await shot(page, 'removed');
  expect(entryFor(backend.claudeConfig, serverId)).toBeUndefined();
  expect(entryFor(backend.cursorConfig, serverId)).toBeUndefined();
  expect(((await backend.call('servers:list')).value as unknown[]).length).toBe(0);
  expect(problems).toEqual([]);

  // ---- 8. Secrets (issue 6): none of them anywhere.
  const marker = `GREP-MARKER-${Date.now()}`;
  backend.plant(serverId, `planted ${marker}`);
  backend.plant('story-control', `planted ${marker}`);
  await expect.poll(() => shell.sent.some((s) => s.body.includes(marker))).toBe(true);
  await snapshot('after removal');
  const bundle = await backend.call('logs:export-diagnostics');
  expect(bundle.ok, bundle.error).toBe(true);
  for (const f of filesUnder(path.join(backend.dataDir, 'diagnostics'))) haystacks.push({ ...f, name: `diagnostics/${f.name}` });
  expect(haystacks.some((h) => h.name === `diagnostics/${path.basename(bundle.value.file)}`)).toBe(true);
  haystacks.push(...shell.sent.map((s) => ({ name: `shell ${s.kind} ${s.name}`, text: s.body })));

  backend.collect();
  const secrets = backend.secrets();
  const kinds = new Set(secrets.flatMap((s) => s.seenAs));
  // The story used every kind of secret it means to look for.
  for (const kind of [
    'as:access_token',
    'as:refresh_token',
    'as:authorization_code',
    'opener:authorization_code',
    'pkce:code_verifier',
    'connector:secret',
    'header:value',
    'vault:access_token',
    'vault:refresh_token',
  ]) {
    expect([...kinds], kind).toContain(kind);
  }

  // The grep works: the planted marker and known-present text are found in every kind of haystack.
  const found = new Set(findLeaks(haystacks, [{ kind: 'marker', value: marker }]).map((l) => l.haystack));
  expect([...found].some((n) => n.endsWith('ring buffers (logs:tail, all servers)'))).toBe(true);
  expect([...found].some((n) => /logs\/.*\.log$/.test(n))).toBe(true);
  expect([...found].some((n) => n.startsWith('diagnostics/'))).toBe(true);
  expect([...found].some((n) => n.startsWith('shell event'))).toBe(true);
  const procs = haystacks.filter((h) => / (cmdline|environ)$/.test(h.name));
  expect(procs.filter((h) => h.name.includes('proxy')).length).toBeGreaterThanOrEqual(4);
  expect(procs.filter((h) => h.name.startsWith('connector')).length).toBe(2);
  for (const h of procs) {
    const canary = h.name.endsWith('cmdline') ? 'index.js' : `HOME=${backend.env.HOME}`;
    expect(findLeaks([h], [{ kind: 'canary', value: canary }]).length, h.name).toBeGreaterThan(0);
  }
  expect(findLeaks(haystacks, [{ kind: 'server id', value: serverId }]).length).toBeGreaterThan(10);

  test.info().annotations.push({
    type: 'secrets grep',
    description: `${secrets.length} secrets (${[...kinds].sort().join(', ')}) in ${haystacks.length} haystacks (${haystacks.reduce((n, h) => n + h.text.length, 0)} chars)`,
  });
  const leaks = findLeaks(haystacks, secrets);
  expect(leaks, `${secrets.length} secrets × ${haystacks.length} haystacks`).toEqual([]);
});
