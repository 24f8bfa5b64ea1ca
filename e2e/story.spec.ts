/**
 * The whole story in the real renderer, against the real core (issue 5 "Tests", issue 6 "Secrets",
 * issue 14 "Done when"):
 *
 *   an add abandoned at sign-in leaves nothing behind → add a server that needs sign-in (paste the
 *   URL, the probe says so, "Add and sign in": token storage is asked once, there) → install into
 *   Claude Desktop and Cursor (the real files change) → its page lists the tools without counting
 *   as a client → edit its API key (the server gets the new value) → an MCP client runs the
 *   installed entry and calls a tool through connector and proxy → the call shows in the live log,
 *   one row, opened in the drawer → Claude Desktop's config restored from its backup, then
 *   installed again from the matrix → sign out (confirm) and sign in again from the server's card
 *   → remove the server (confirm): gone from the window and from both config files.
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
  // Real servers, an authorization server and a host start here: give a busy machine time.
  test.setTimeout(120_000);
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

test('abandon an add; add, sign in, install, edit, use, watch, restore, sign out, fix from the card and remove a protected server; no secret leaks', async ({
  page,
  context,
  browser,
}) => {
  test.setTimeout(180_000);
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
  await expect(page.getByTestId('found-clients')).toHaveText('MCP clients on this computer: Claude Desktop, Cursor.');
  // No token-storage banner on every view: it is asked at the first sign-in that needs it.
  await expect(page.getByRole('region', { name: /storage/i })).toHaveCount(0);

  // ---- 0. An add abandoned while the browser is open leaves nothing behind.
  const idle: string[] = [];
  backend.setOpener({ open: async (url) => void idle.push(url) });
  await page.getByRole('button', { name: 'Add your first server' }).click();
  await page.getByLabel('Server URL').fill(as.mcpUrl);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByLabel('Name').fill('Abandoned');
  await page.getByRole('button', { name: /Advanced/ }).click();
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Header 1 name').fill(backend.header.name);
  await page.getByLabel('Header 1 value').fill(backend.header.value);
  await page.getByRole('button', { name: 'Add and sign in' }).click();
  // The headless host keeps tokens in a plain file: asked here, once; the user keeps the file.
  const sheet = page.getByRole('dialog', { name: 'Before you sign in to Abandoned' });
  await expect(sheet).toBeVisible();
  await shot(page, 'storage-question');
  await sheet.getByRole('button', { name: /Keep me signed in/ }).click();
  const waiting = page.getByTestId('sign-in-waiting');
  await expect(waiting.getByTestId('sign-in-time-left')).toBeVisible({ timeout: 20_000 });
  await expect(waiting).toContainText(`in your browser at ${new URL(as.issuer).host}`);
  expect(idle).toHaveLength(1);
  await waiting.getByRole('button', { name: 'Open the sign-in page again' }).click();
  await expect.poll(() => idle.length).toBe(2);
  expect(idle[1]).toBe(idle[0]);
  await shot(page, 'add-sign-in');
  // Nothing is kept while it waits: not listed, not counted.
  expect(((await backend.call('servers:list')).value as unknown[]).length).toBe(0);
  await waiting.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: 'The server answered' })).toBeVisible();
  await page.getByRole('button', { name: 'All servers' }).click();
  await expect(page.getByRole('heading', { name: 'No servers yet' })).toBeVisible();
  expect(((await backend.call('servers:list')).value as unknown[]).length).toBe(0);
  const settingsFile = path.join(backend.dataDir, 'settings.json');
  expect(readJson(settingsFile).servers ?? []).toEqual([]);
  expect(backend.core.tailLogs('abandoned')).toEqual([]);
  const vaultFile = path.join(backend.dataDir, 'secrets.json');
  const vaultKeys = fs.existsSync(vaultFile) ? Object.keys(readJson(vaultFile)) : [];
  expect(vaultKeys.filter((k) => k.includes('abandoned') && !k.startsWith('oauth/port/'))).toEqual([]);
  backend.setOpener(opener);

  // ---- 1. Add: paste the URL, the probe says sign-in is needed, add it with an API-key header.
  await page.getByRole('button', { name: 'Add your first server' }).click();
  await page.getByLabel('Server URL').fill(as.mcpUrl);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const probe = page.getByTestId('probe-result');
  await expect(probe).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The server answered' })).toBeVisible();
  await expect(page.getByTestId('probe-sign-in')).toHaveText(`Needed — you sign in at ${new URL(as.issuer).host}`);
  await page.getByLabel('Name').fill(NAME);
  await page.getByRole('button', { name: /Advanced: API key or custom headers/ }).click();
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Header 1 name').fill(backend.header.name);
  await page.getByLabel('Header 1 value').fill(backend.header.value);
  await shot(page, 'add-probe');
  // ---- 2. "Add and sign in": the engine opens "the browser" (a headless Chromium tab follows the
  // redirects); the storage question was answered before, so it is not asked again.
  await page.getByRole('button', { name: 'Add and sign in' }).click();
  await expect(page.getByRole('heading', { name: `Sign in to ${NAME}` })).toBeVisible();
  try {
    await expect(page.getByRole('heading', { name: `Use ${NAME} in these clients` })).toBeVisible({ timeout: 20_000 });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nSign-in did not finish:\n${explainSignIn()}`, { cause: err });
  }
  await expect(page.getByRole('status').filter({ hasText: 'Signed in.' })).toBeVisible();
  expect(opener.opened).toHaveLength(1);
  await expect(page.getByTestId('storage-sheet')).toHaveCount(0);
  const serverId = ((await backend.call('servers:list')).value as Array<{ id: string; name: string }>).find((s) => s.name === NAME)!.id;
  expect(serverId).toBeTruthy();
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

  // The real files hold entries that run the connector for this server with this runtime; the
  // user's own Claude Desktop entry is still there.
  expect(readJson(backend.claudeConfig).mcpServers.notes).toEqual({ command: 'my-notes-server' });
  const claude = entryFor(backend.claudeConfig, serverId);
  const cursor = entryFor(backend.cursorConfig, serverId);
  expect(claude, fs.readFileSync(backend.claudeConfig, 'utf8')).toBeDefined();
  expect(cursor, fs.readFileSync(backend.cursorConfig, 'utf8')).toBeDefined();
  for (const [, entry] of [claude!, cursor!]) {
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([path.join(repoRoot, 'out', 'connector', 'index.js'), serverId]);
  }

  // ---- The server's page: ready, signed in (renewed by the app: no countdown), its tools listed
  // through its proxy without counting as a client.
  await page.getByRole('button', { name: `Open ${NAME}` }).click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByRole('heading', { name: NAME, level: 2 })).toBeVisible();
  await expect(detail.getByTestId('state')).toHaveText('Ready', { timeout: 20_000 });
  await expect(detail.getByTestId('sign-in-state')).toHaveText('Signed in as alice · renews automatically');
  await expect(detail.locator('[data-testid="install-row"][data-client-id="claude-desktop"] [data-testid="install-state"]')).toContainText(/Installed/);
  await expect(detail.getByTestId('sign-in-section')).toContainText(`Sends ${backend.header.name} with every request`);
  await shot(page, 'server-detail');
  await detail.getByRole('tab', { name: 'Tools' }).click();
  await expect(detail.getByTestId('tool')).toHaveText([/whoami/]);
  await detail.getByRole('tab', { name: 'Overview' }).click();
  // The listing was the app's own: no client connected, no requests (the proxy counted them; the window does not).
  await expect(detail.getByTestId('connections')).toHaveText('0 now · 0 total', { timeout: 10_000 });
  await expect(detail.getByTestId('requests')).toHaveText('0');
  await expect.poll(() => backend.core.tailLogs(serverId).some((e) => e.own && e.client === 'Switchboard' && /list the tools/.test(e.message))).toBe(true);
  expect(backend.core.tailLogs(serverId).some((e) => /Client connected \(mcp-switchboard/.test(e.message))).toBe(false);
  backend.collect(); // tokens are in the vault now
  await snapshot('signed in');

  // ---- Edit: rotate the API key without Remove + Add. The value is write-only: the window never
  // sees the old one; the server gets the new one; the log names the header, not the value.
  const rotated = { name: backend.header.name, value: `hdr-rotated-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}` };
  backend.addSecret('header:value', rotated.value);
  await detail.getByRole('tab', { name: 'Settings' }).click();
  const form = detail.getByTestId('edit-form');
  await expect(form.getByLabel(`New value for ${rotated.name}`)).toHaveValue('');
  await form.getByLabel(`New value for ${rotated.name}`).fill(rotated.value);
  await shot(page, 'server-edit');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved.');
  await expect(detail.getByTestId('state')).toHaveText('Ready', { timeout: 20_000 });
  expect(backend.core.tailLogs(serverId).map((e) => e.message)).toContain(`Edited: header ${rotated.name} (new value)`);
  const keysBefore = as.apiKeys.length;
  await detail.getByRole('tab', { name: 'Tools' }).click();
  await expect(detail.getByTestId('tool')).toHaveText([/whoami/]);
  await expect.poll(() => as.apiKeys.length).toBeGreaterThan(keysBefore);
  expect(new Set(as.apiKeys.slice(keysBefore))).toEqual(new Set([rotated.value]));
  // Still installed: an edit is not Remove + Add.
  expect(entryFor(backend.claudeConfig, serverId)).toBeDefined();
  await detail.getByRole('tab', { name: 'Overview' }).click();

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

  // ---- 5. Watch: the call is in the live log (all servers): one row for the request and its
  // answer, with its method and outcome; a click opens it in the drawer.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Logs' }).click();
  const log = page.getByRole('log', { name: 'Log lines of all servers' });
  const callRow = log.getByRole('listitem').filter({ hasText: 'tools/call' });
  await expect(callRow).toHaveCount(1);
  await expect(callRow.filter({ hasText: NAME })).toContainText('ok');
  // The app's own listing is labelled as such.
  await expect(log.getByRole('listitem').filter({ hasText: 'Switchboard (app)' }).first()).toBeVisible();
  await shot(page, 'logs');
  await callRow.click();
  const drawer = page.getByTestId('log-details');
  await expect(drawer.getByRole('heading')).toHaveText(/^tools\/call #\d+ · ok$/);
  await drawer.locator('summary').click();
  const json = JSON.parse((await drawer.getByTestId('log-details-json').textContent())!);
  expect(json.request).toMatchObject({ method: 'tools/call', direction: 'client-to-server', server: serverId });
  expect(json.answer).toMatchObject({ method: 'tools/call', direction: 'server-to-client', level: 'info' });
  await shot(page, 'log-details');
  await drawer.getByRole('button', { name: 'Close the details' }).click();
  // Export diagnostics from the log view (the bundle is grepped below).
  await page.getByRole('button', { name: 'Export diagnostics' }).click();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: /diagnostics/i })
      .first(),
  ).toBeVisible();

  // ---- Clients: Claude Desktop's config as it was before the install, from its backup; then
  // installed again from the matrix.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Clients' }).click();
  const claudeRow = page.locator('[data-testid="client-row"][data-client-id="claude-desktop"]');
  await expect(claudeRow).toContainText('~/.config/Claude/claude_desktop_config.json');
  await claudeRow.getByRole('button', { name: 'Backups' }).click();
  const backups = claudeRow.getByTestId('backup');
  await expect(backups).toHaveCount(1);
  await shot(page, 'clients');
  await backups
    .first()
    .getByRole('button', { name: /Restore/ })
    .click();
  await page.getByRole('dialog', { name: "Restore Claude Desktop's config?" }).getByRole('button', { name: 'Restore' }).click();
  await expect(claudeRow.getByRole('status')).toContainText("Restored Claude Desktop's config");
  expect(fs.readFileSync(backend.claudeConfig, 'utf8')).toBe(backend.claudeOriginal);
  const claudeCell = page.locator(`[data-testid="matrix-cell"][data-server-id="${serverId}"][data-client-id="claude-desktop"]`);
  await expect(claudeCell).toHaveText('+ Install');
  await claudeCell.getByRole('button').click();
  await expect(claudeCell).toHaveText('✓ Installed');
  expect(entryFor(backend.claudeConfig, serverId)?.[1]).toEqual(claude![1]);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  await shot(page, 'settings');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Servers' }).click();
  await expect(page.getByTestId('server')).toHaveCount(1);
  await expect(page.getByTestId('server').getByTestId('state')).toHaveText('Ready');
  // The client's call counts; the app's own listings do not.
  await expect(page.getByTestId('server').getByTestId('requests')).not.toHaveText('0');
  await shot(page, 'servers');

  // ---- 6. Sign out… (confirmed, in plain words): tokens revoked at the AS, the state changes.
  const refreshTokens = backend.secrets().filter((s) => s.kind === 'as:refresh_token');
  expect(refreshTokens.length).toBeGreaterThan(0);
  expect((await as.introspect(refreshTokens.at(-1)!.value)).active).toBe(true);
  await page.getByRole('button', { name: `Open ${NAME}` }).click();
  await detail.getByTestId('sign-out').click();
  const signOutDialog = page.getByRole('dialog', { name: `Sign out of ${NAME}?` });
  await expect(signOutDialog).toContainText(`Your MCP clients can't use ${NAME} until you sign in again.`);
  await shot(page, 'confirm-sign-out');
  await signOutDialog.getByRole('button', { name: 'Sign out' }).click();
  await expect(signOutDialog).toBeHidden();
  await expect(detail.getByTestId('sign-in-state')).toHaveText('Sign-in needed');
  await expect(detail.getByTestId('state')).toHaveText('Needs sign-in', { timeout: 20_000 });
  expect((await as.introspect(refreshTokens.at(-1)!.value)).active).toBe(false);
  await snapshot('after sign-out');

  // ---- 6b. Fixed from its card: the Servers list puts it first, with Sign in on the card.
  await page.getByRole('button', { name: 'All servers' }).click();
  await expect(page.getByRole('group', { name: 'Summary' })).toContainText('1 needs attention');
  const card = page.getByTestId('server');
  await expect(card.getByTestId('fix')).toHaveText('Sign in');
  await shot(page, 'servers-needs-sign-in');
  const opened = opener.opened.length;
  await card.getByTestId('fix').click();
  await expect(card.getByTestId('state')).toHaveText('Ready', { timeout: 20_000 });
  expect(opener.opened.length).toBe(opened + 1);
  await opener.settled();
  backend.collect();
  await expect(card.getByTestId('sign-in-state')).toHaveText('Signed in as alice · renews automatically');
  await expect(page.getByRole('group', { name: 'Summary' })).not.toContainText('attention');

  // ---- 7. Remove (confirmed): gone from the window and from both config files.
  await page.getByRole('button', { name: `Open ${NAME}` }).click();
  await detail.getByRole('tab', { name: 'Settings' }).click();
  await detail.getByRole('button', { name: 'Remove server' }).click();
  const removeDialog = page.getByRole('dialog', { name: `Remove ${NAME}?` });
  await expect(removeDialog.getByTestId('remove-where')).toHaveText('Installed in: Claude Desktop, Cursor.');
  await shot(page, 'confirm-remove');
  await removeDialog.getByRole('button', { name: 'Remove server' }).click();
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText(`Removed ${NAME}.`);
  // Each client's removal hint: what it does with a removed server, not how to start one.
  await expect(notice).toContainText('Removed from Claude Desktop. Claude Desktop drops it the next time it starts');
  await expect(notice).toContainText('Removed from Cursor. Cursor drops it after a refresh');
  await expect(page.getByRole('heading', { name: 'No servers', exact: true })).toBeVisible();
  await expect(page.getByTestId('server')).toHaveCount(0);
  await shot(page, 'removed');
  expect(entryFor(backend.claudeConfig, serverId)).toBeUndefined();
  expect(entryFor(backend.cursorConfig, serverId)).toBeUndefined();
  expect(readJson(backend.claudeConfig).mcpServers.notes).toEqual({ command: 'my-notes-server' });
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
