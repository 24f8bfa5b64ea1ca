/**
 * Finding a server without knowing its URL (issue 18), in the real renderer against the real host:
 * the tray's "Add remote server…" lands on the search; typing a name shows each registry's answer
 * as it comes (the official one, at once; a company registry that is slow, with its spinner; one
 * that fails, with its sentence); picking a server fills the address, name and the header it asks
 * for (its description; the secret masked); then the usual check, sign-in and install. A newer
 * version that asks for a new header is offered on the server's page and applied. An install link
 * opens the form with its origin shown; a hostile registry's entries render as plain text and
 * nothing is opened from them.
 *
 * Real parts: the built renderer in Chromium on the product's browser shell, the story's host
 * (support/story-backend.ts: AppCore, proxies, the sign-in engine against oidc-provider in front of
 * an SDK MCP server), and local registries (test/fixtures/registry-server.ts: the MCP Registry's
 * v0.1 API over entries in its format). Screenshots go to docs/screenshots/registry-*.png (README).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startRegistryServer, type RawItem, type RegistryServer } from '../test/fixtures/registry-server';
import { ensureRendererBuilt } from './support/build';
import { ensureNodeBuilt } from './support/build-node';
import { loadStoryBackend } from './support/bundle';
import { repoRoot, screenshotsDir } from './support/paths';
import type { StoryBackend } from './support/story-backend';

let backend: StoryBackend;
let official: RegistryServer;
const others: RegistryServer[] = [];

const meta = { 'io.modelcontextprotocol.registry/official': { status: 'active', isLatest: true } };
const fixtures = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'registry', 'entries.json'), 'utf8')) as { servers: RawItem[] }).servers;

function docsEntry(url: string, version: string, headers: Array<Record<string, unknown>>): RawItem {
  return {
    server: {
      name: 'io.github.acme/docs',
      title: 'Acme Docs',
      description: 'Search and edit the Acme handbook from your assistant.',
      version,
      repository: { url: 'https://github.com/acme/docs-mcp', source: 'github' },
      remotes: [{ type: 'streamable-http', url, headers }],
    },
    _meta: meta,
  };
}

const API_KEY = { name: 'X-Api-Key', description: 'A key from acme.example › Settings › API keys.', isRequired: true, isSecret: true };

test.beforeAll(async () => {
  test.setTimeout(90_000);
  ensureRendererBuilt();
  ensureNodeBuilt();
  official = await startRegistryServer({ entries: [] });
  backend = await loadStoryBackend().startStoryBackend({ repoRoot, registry: { officialUrl: official.url, timeoutMs: 5000 } });
  official.setEntries([
    docsEntry(backend.as.mcpUrl, '1.0.0', [API_KEY]),
    ...fixtures.filter((e) => e.server.name.includes('acme') || e.server.name.includes('search')),
  ]);
  // The headless host keeps tokens in a plain file: the window would ask once; the story answers that.
  await backend.call('settings:set', { weakStorage: 'store' });
});

test.afterAll(async () => {
  await backend?.close();
  for (const r of [official, ...others]) await r?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotsDir, { recursive: true });
  const size = page.viewportSize()!;
  const needed = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? Math.ceil(main.getBoundingClientRect().top + main.scrollHeight) : 0;
  });
  if (needed > size.height) await page.setViewportSize({ width: size.width, height: Math.min(needed, 2400) });
  await page.screenshot({ path: path.join(screenshotsDir, `registry-${name}.png`), animations: 'disabled', caret: 'hide' });
  if (needed > size.height) await page.setViewportSize(size);
}

async function addRegistry(url: string, name: string, token?: string): Promise<string> {
  const r = await backend.call('registry:add-source', { url, name, ...(token ? { token } : {}) });
  expect(r.ok, r.error).toBe(true);
  return r.value.id as string;
}

test('search the registries, pick a server, fill what it asks for, add, sign in; an update is offered and applied', async ({ page }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  // A company registry that takes its time, and one that is down.
  const slow = await startRegistryServer({ mode: 'slow', token: 'corp-token-e2e', entries: fixtures.slice(2, 3) });
  const down = await startRegistryServer({ mode: 'failing' });
  others.push(slow, down);
  await addRegistry(slow.url, 'Acme internal', 'corp-token-e2e');
  await addRegistry(down.url, 'Partner registry');

  await page.goto(backend.shell.url);
  await expect(page.getByRole('heading', { name: 'No servers yet' })).toBeVisible();
  // The tray's "Add remote server…": the add flow opens on the search, focused.
  backend.core.requestView({ view: 'add' });
  await expect(page.getByRole('heading', { name: 'Find a server, or paste its URL' })).toBeVisible();
  const searchBox = page.getByRole('searchbox');
  await expect(searchBox).toBeFocused();
  await expect(page.getByLabel('Search MCP Registry, Acme internal and Partner registry')).toBeVisible();
  await searchBox.fill('acme');
  const fromOfficial = page.getByRole('region', { name: 'Results from MCP Registry' });
  await expect(fromOfficial.getByTestId('registry-item').filter({ hasText: 'Acme Docs' })).toBeVisible();
  await expect(fromOfficial.getByTestId('registry-item').filter({ hasText: 'Acme Issues' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Results from Acme internal' }).getByRole('status')).toHaveText(/Searching…/);
  await expect(page.getByRole('region', { name: 'Results from Partner registry' }).getByRole('alert')).toContainText('answered 500 Internal Server Error');
  await shot(page, 'search');
  // The slow one answers later, with the token it was given (and the official one got none).
  slow.release();
  await expect(page.getByRole('region', { name: 'Results from Acme internal' })).toContainText('no servers with a remote address');
  expect(slow.requests.at(-1)!.bearer).toBe('corp-token-e2e');
  expect(official.requests.every((r) => !r.authorized)).toBe(true);

  // Pick: the address, the name and the header it asks for are filled in.
  await fromOfficial.getByRole('button', { name: 'Use Acme Docs' }).click();
  const picked = page.getByTestId('picked-entry');
  await expect(picked).toContainText('From MCP Registry · io.github.acme/docs');
  await expect(page.getByLabel('Server URL')).toHaveValue(backend.as.mcpUrl);
  const key = page.getByLabel(/^X-Api-Key/);
  await expect(key).toHaveAttribute('type', 'password');
  await expect(picked).toContainText('A key from acme.example › Settings › API keys.');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(page.getByTestId('url-problem')).toContainText('Fill in the X-Api-Key header first');
  await key.fill(backend.header.value);
  await shot(page, 'picked');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'The server answered' })).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue('Acme Docs');

  // The usual sign-in (the story's headless browser walks the redirects) and install.
  await page.getByRole('button', { name: 'Add and sign in' }).click();
  const choose = page.getByRole('group', { name: 'Choose clients' });
  await expect(choose).toBeVisible({ timeout: 30_000 });
  await choose.getByRole('button', { name: 'Install into 2 clients' }).click();
  await expect(page.getByTestId('install-outcomes')).toContainText('Installed into Cursor.');
  const servers = (await backend.call('servers:list')).value as Array<{ id: string; name: string; headerNames: string[]; signIn: string }>;
  expect(servers).toHaveLength(1);
  expect(servers[0]).toMatchObject({ name: 'Acme Docs', headerNames: ['X-Api-Key'], signIn: 'signed-in' });
  const serverId = servers[0]!.id;

  // The registry publishes 1.1.0, which asks for a new required header: the server's page offers it.
  official.setEntries([docsEntry(backend.as.mcpUrl, '1.1.0', [API_KEY, { name: 'X-Team', description: 'Your team in the handbook.', isRequired: true }])]);
  await page.getByRole('button', { name: 'All servers' }).first().click();
  await page.getByRole('button', { name: 'Open Acme Docs' }).click();
  const update = page.getByTestId('registry-update');
  await expect(update).toContainText('Version 1.1.0 is out (you have 1.0.0)');
  await expect(update).toContainText('A new required header X-Team: Your team in the handbook.');
  await update.getByLabel(/^X-Team/).fill('handbook');
  await shot(page, 'update');
  await update.getByRole('button', { name: 'Apply the update' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Updated to version 1.1.0.' })).toBeVisible();
  const after = ((await backend.call('servers:list')).value as Array<{ id: string; headerNames: string[] }>).find((s) => s.id === serverId)!;
  expect(after.headerNames.sort()).toEqual(['X-Api-Key', 'X-Team']);
  expect((await backend.call('registry:check-update', { serverId })).value).toBeNull();

  // Settings ▸ Registries: the three, the company one with its token in the vault (never shown).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByTestId('registry-settings');
  await expect(settings.getByTestId('registry-source')).toHaveCount(3);
  await expect(settings).toContainText('token in the vault');
  await expect(settings).not.toContainText('corp-token-e2e');
  await settings.scrollIntoViewIfNeeded();
  await settings.screenshot({ path: path.join(screenshotsDir, 'registry-settings.png'), animations: 'disabled', caret: 'hide' });
  expect(problems).toEqual([]);
});

test('an install link opens the form with its origin; nothing is added until the user presses', async ({ page }) => {
  // The link arrives before the window is there (the desktop app opens it for the link).
  const link = 'mcp-switchboard://install?name=io.github.acme%2Fdocs';
  await backend.proposeInstall(link);
  await page.goto((await backend.newShell()).url);
  const banner = page.getByTestId('proposal');
  await expect(banner).toContainText(/A link asks to add Acme Docs \(io\.github\.acme\/docs, version 1\.\d\.0\) from MCP Registry/);
  await expect(page.getByTestId('proposal-link')).toContainText(link);
  await expect(page.getByLabel('Server URL')).toHaveValue(backend.as.mcpUrl);
  await expect(page.getByLabel(/^X-Api-Key/)).toHaveValue('');
  await shot(page, 'install-link');
  // The same in the dark theme (every screen has both).
  await backend.call('settings:set', { theme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, 'install-link-dark');
  await backend.call('settings:set', { theme: 'light' });
  const before = ((await backend.call('servers:list')).value as unknown[]).length;
  // A link naming a registry the user never added: the window says so, that registry is not asked.
  const stranger = await startRegistryServer();
  others.push(stranger);
  await backend.proposeInstall(`mcp-switchboard://install?registry=${encodeURIComponent(stranger.url)}&name=io.github.acme%2Fdocs`);
  await page.reload();
  await expect(page.getByTestId('proposal')).toContainText('names a registry that is not in Settings ▸ Registries');
  expect(stranger.requests).toEqual([]);
  expect(((await backend.call('servers:list')).value as unknown[]).length).toBe(before);
});

test('a hostile registry: plain text, bounded, nothing opened but http(s) links it listed', async ({ page }) => {
  const hostile = await startRegistryServer({ mode: 'hostile' });
  others.push(hostile);
  const id = await addRegistry(hostile.url, 'Hostile');
  const opened: string[] = [];
  backend.setOpener({ open: async (url) => void opened.push(url) });
  await page.goto((await backend.newShell()).url);
  backend.core.requestView({ view: 'add' });
  await page.getByRole('searchbox').fill('example');
  const region = page.getByRole('region', { name: 'Results from Hostile' });
  const huge = region.getByTestId('registry-item').filter({ hasText: 'evil.example/huge' });
  await expect(huge).toBeVisible();
  expect((await huge.locator('.registry-item-desc').innerText()).length).toBeLessThanOrEqual(300);
  await expect(region.locator('img, script, a[href]')).toHaveCount(0);
  await expect(huge.getByRole('button', { name: 'Source' })).toHaveCount(0);
  await expect(region).toContainText('left out: their entries do not match the registry schema');
  expect(await page.evaluate(() => (window as unknown as { hacked?: unknown }).hacked)).toBeUndefined();
  await region.getByTestId('registry-item').filter({ hasText: 'good.example/fine' }).getByRole('button', { name: 'Source' }).click();
  await expect.poll(() => opened).toEqual(['https://github.com/good/fine']);
  // The window stays responsive: the search still answers from the other registries.
  await page.getByRole('searchbox').fill('acme');
  await expect(page.getByRole('region', { name: 'Results from MCP Registry' }).getByText('Acme Docs')).toBeVisible();
  await backend.call('registry:remove-source', { registryId: id });
});
