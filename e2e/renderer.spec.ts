/**
 * The built renderer (out/renderer) in a real Chromium, served from 127.0.0.1, talking to a FAKE
 * window.switchboard (support/fake-switchboard.ts) with deterministic data. This checks the UI
 * against the contract; the core behind the contract is tested on its own. Screenshots of every
 * main screen go to docs/screenshots/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ensureRendererBuilt } from './support/build';
import { installFakeSwitchboard, type FakeSeed } from './support/fake-switchboard';
import { ACME_URL, NOW, seed } from './support/fixtures';
import { rendererOut, screenshotsDir } from './support/paths';
import { serveStatic, type StaticServer } from './support/static-server';

let server: StaticServer;

test.beforeAll(async () => {
  ensureRendererBuilt();
  server = await serveStatic(rendererOut);
  fs.mkdirSync(screenshotsDir, { recursive: true });
});

test.afterAll(async () => {
  await server?.close();
});

async function open(page: Page, data: FakeSeed = seed()): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await page.clock.setFixedTime(NOW);
  await page.addInitScript(installFakeSwitchboard, data);
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'MCP Switchboard', level: 1 })).toBeVisible();
  return problems;
}

/**
 * A screenshot of the window. `whole`: the window made as tall as the content (the app scrolls
 * inside <main>, so Playwright's fullPage would cut it), then set back.
 */
async function shot(page: Page, name: string, whole = false) {
  await page.evaluate(() => document.fonts.ready);
  const size = page.viewportSize()!;
  if (whole) {
    const extra = await page.locator('main').evaluate((el) => el.scrollHeight - el.clientHeight);
    if (extra > 0) await page.setViewportSize({ width: size.width, height: size.height + extra });
  }
  await page.screenshot({ path: path.join(screenshotsDir, name), animations: 'disabled', caret: 'hide' });
  if (whole) await page.setViewportSize(size);
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name });
const row = (page: Page, id: string) => page.locator(`[data-testid="server"][data-server-id="${id}"]`);
const calls = (page: Page) => page.evaluate(() => window.__fakeSwitchboard.calls);
const sent = async (page: Page, prefix: string) => (await calls(page)).filter((c) => c.name.startsWith(prefix));

test('servers: every server with state in words, clients, requests, errors and token expiry', async ({ page }) => {
  const problems = await open(page);
  const rows = page.getByTestId('server');
  await expect(rows).toHaveCount(6);
  await expect(rows.locator('h3')).toHaveText(['Linear', 'Notion', 'Sentry', 'Internal tools', 'Cloudflare Docs', 'GitHub']);
  await expect(rows.getByTestId('state')).toHaveText(['Ready', 'Needs sign-in', 'Retrying', 'Error', 'Connecting', 'Disabled']);

  const linear = row(page, 'linear');
  await expect(linear.getByText('https://mcp.linear.app/mcp')).toBeVisible();
  await expect(linear.getByTestId('connections')).toHaveText('2');
  await expect(linear.getByTestId('requests')).toHaveText('1,284');
  await expect(linear.getByTestId('errors')).toHaveText('3');
  await expect(linear.getByTestId('sign-in-state')).toHaveText('Expires in 42 min');
  await expect(linear.getByTestId('state-detail')).toHaveText('Working. Clients on this computer can use it.');
  await expect(row(page, 'sentry').getByTestId('state-detail')).toHaveText('Upstream answered 502 Bad Gateway. Next attempt in 12 s.');
  await expect(row(page, 'sentry').getByTestId('sign-in-state')).toHaveText('Expires in 5 h');
  await expect(row(page, 'notion').getByTestId('sign-in-state')).toHaveText('Sign-in needed');
  await expect(row(page, 'docs').getByTestId('sign-in-state')).toHaveText('Not needed');
  await expect(row(page, 'github').getByTestId('state-detail')).toHaveText('Disabled: clients cannot use it until you enable it.');

  const summary = page.getByRole('group', { name: 'Summary' });
  await expect(summary).toContainText('1 of 5 ready');
  await expect(summary).toContainText('3 need attention');
  await expect(summary).toContainText('3 client connections');
  await expect(nav(page, 'Servers')).toHaveAttribute('aria-current', 'page');
  expect(problems).toEqual([]);
  await shot(page, 'dashboard.png');
});

test('servers: the empty state leads to the add flow', async ({ page }) => {
  const problems = await open(page, seed({ servers: [], logs: [] }));
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No servers yet' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Summary' })).toHaveText('No servers yet');
  await shot(page, 'empty.png');
  await page.getByRole('button', { name: 'Add your first server' }).click();
  await expect(page.getByRole('heading', { name: 'Add a remote server' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('keyboard: Tab reaches a server row, Enter opens it, the sidebar switches views', async ({ page }) => {
  await open(page);
  const openLinear = page.getByRole('button', { name: 'Open Linear' });
  for (let i = 0; i < 12 && !(await openLinear.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(openLinear).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('server-detail')).toHaveAttribute('data-server-id', 'linear');
  await nav(page, 'Clients').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Clients', level: 2 })).toBeVisible();
  await expect(nav(page, 'Clients')).toHaveAttribute('aria-current', 'page');
});

test('server detail: state in words, tools, install per client, embedded log', async ({ page }) => {
  const problems = await open(page);
  await row(page, 'linear').click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByRole('heading', { name: 'Linear', level: 2 })).toBeVisible();
  await expect(detail.getByTestId('state-detail')).toHaveText('Working. Clients on this computer can use it.');
  await expect(detail.getByTestId('connections')).toHaveText('2 now · 5 total');
  await expect(detail.getByTestId('sign-in-state')).toHaveText('Expires in 42 min');
  await expect(detail.getByTestId('transport')).toHaveText('Streamable HTTP');
  await expect(detail.getByTestId('tool')).toHaveCount(4);
  await expect(detail.getByTestId('tool').first()).toContainText('List issues');
  await expect(detail.getByTestId('tool').first()).toContainText('list_issues');

  const install = (id: string) => detail.locator(`[data-testid="install-row"][data-client-id="${id}"]`);
  await expect(install('claude-desktop').getByTestId('install-state')).toHaveText('Installed as "linear"');
  await expect(install('vscode').getByTestId('install-state')).toHaveText('Not installed');
  await expect(install('zed')).toHaveCount(0); // not on this machine
  await install('vscode').getByRole('button', { name: 'Install into VS Code' }).click();
  await expect(install('vscode').getByTestId('install-state')).toHaveText('Installed as "linear"');
  await expect(detail.getByRole('status').filter({ hasText: 'Installed into VS Code' })).toHaveText(
    'Installed into VS Code. Run "MCP: List Servers" and start it.',
  );
  await install('vscode').getByRole('button', { name: 'Remove from VS Code' }).click();
  await expect(install('vscode').getByTestId('install-state')).toHaveText('Not installed');
  expect((await calls(page)).filter((c) => c.name === 'clients:install' || c.name === 'clients:uninstall')).toEqual([
    { name: 'clients:install', arg: { serverId: 'linear', clientId: 'vscode' } },
    { name: 'clients:uninstall', arg: { serverId: 'linear', clientId: 'vscode' } },
  ]);
  expect(await sent(page, 'servers:tools')).toEqual([{ name: 'servers:tools', arg: { serverId: 'linear' } }]);
  expect(problems).toEqual([]);
  await detail.getByRole('heading', { name: 'Linear', level: 2 }).scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await shot(page, 'server-detail.png');
});

test('server detail: a failing server explains itself; refusals and tool errors are shown', async ({ page }) => {
  await open(page);
  await row(page, 'broken').click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByTestId('state-detail')).toHaveText('Stopped after 5 crashes in 60 s; fix the cause, then restart.');
  await expect(detail.getByTestId('last-error')).toHaveText('Last error connect ECONNREFUSED 10.0.4.12:443');
  await expect(detail.getByTestId('tools')).toContainText('The tools are listed once the server is ready.');
  await detail.getByRole('button', { name: 'Restart proxy' }).click();
  await expect(detail.getByRole('alert')).toHaveText('Could not restart: the proxy did not stop within 5 s');

  // A ready server whose tools/list fails says so.
  await page.evaluate((now) => {
    window.__fakeSwitchboard.emit('servers:did-change-status', {
      serverId: 'broken',
      state: 'ready',
      since: now,
      restarts: 0,
      counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 },
    });
  }, NOW);
  await expect(detail.getByTestId('tools').getByRole('alert')).toHaveText(
    'Could not list the tools: Internal tools did not answer tools/list: HTTP 502 Bad Gateway',
  );
});

test('server detail: remove asks in a dialog (Escape cancels), then reports where it was uninstalled', async ({ page }) => {
  await open(page);
  await row(page, 'linear').click();
  const removeButton = page.getByRole('button', { name: 'Remove server' });
  await removeButton.click();
  const dialog = page.getByRole('dialog', { name: 'Remove Linear?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('remove-where')).toHaveText('Installed in: Claude Desktop, Cursor.');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(removeButton).toBeFocused();
  expect(await sent(page, 'servers:remove')).toEqual([]);

  await removeButton.click();
  await shot(page, 'remove-dialog.png');
  await dialog.getByRole('button', { name: 'Remove server' }).click();
  await expect(page.getByRole('heading', { name: 'Servers', level: 2 })).toBeVisible();
  await expect(page.getByTestId('server')).toHaveCount(5);
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('Removed Linear.');
  await expect(notice).toContainText('Removed from Claude Desktop. Quit and reopen Claude Desktop.');
  await expect(notice).toContainText('Removed from Cursor. Cursor picks up the change by itself.');
  expect(await sent(page, 'servers:remove')).toEqual([{ name: 'servers:remove', arg: { serverId: 'linear' } }]);
});

test('server detail: sign in, then "Reset sign-in" after confirmation', async ({ page }) => {
  await open(page);
  await row(page, 'notion').click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByTestId('state')).toHaveText('Needs sign-in');
  await detail.getByTestId('sign-in').click();
  await expect(detail.getByTestId('state')).toHaveText('Ready');
  await expect(detail.getByTestId('sign-in-state')).toHaveText('Expires in 55 min');
  await expect(detail.getByTestId('sign-in')).toHaveCount(0);

  await detail.getByTestId('reset-sign-in').click();
  const dialog = page.getByRole('dialog', { name: 'Reset sign-in for Notion?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await sent(page, 'auth:reset')).toEqual([]);
  await detail.getByTestId('reset-sign-in').click();
  await dialog.getByRole('button', { name: 'Reset sign-in' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(detail.getByTestId('state')).toHaveText('Needs sign-in');
  await expect(detail.getByRole('status').filter({ hasText: 'Signed out of Notion' })).toBeVisible();
  expect(await sent(page, 'auth:')).toEqual([
    { name: 'auth:sign-in', arg: { serverId: 'notion' } },
    { name: 'auth:reset', arg: { serverId: 'notion' } },
  ]);
});

test('server detail: enable a disabled server', async ({ page }) => {
  await open(page);
  await row(page, 'github').click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByRole('button', { name: 'Restart proxy' })).toBeDisabled();
  await detail.getByRole('button', { name: 'Enable' }).click();
  await expect(detail.getByTestId('state')).toHaveText('Starting');
  await expect(detail.getByRole('button', { name: 'Disable' })).toBeVisible();
  expect(await sent(page, 'servers:set-enabled')).toEqual([{ name: 'servers:set-enabled', arg: { serverId: 'github', enabled: true } }]);
});

test('add flow: bad URL and unreachable host are explained inline', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Add server' }).click();
  const url = page.getByLabel('Server URL');
  const check = page.getByRole('button', { name: 'Check' });
  await expect(check).toBeDisabled();
  await url.fill('ftp://files.example.com/mcp');
  await check.click();
  await expect(page.getByTestId('url-problem')).toHaveText('Only http:// and https:// servers are supported, not ftp://');
  await expect(url).toHaveAttribute('aria-invalid', 'true');

  await url.fill('https://unreachable.example.com/mcp');
  await expect(url).not.toHaveAttribute('aria-invalid', 'true');
  await check.click();
  await expect(page.getByTestId('url-problem')).toContainText('Nothing answers at unreachable.example.com: connection refused.');
  await expect(page.getByRole('button', { name: 'add it anyway' })).toBeVisible();
  expect(await sent(page, 'servers:add')).toEqual([]);
});

test('add flow: probe → review → add → sign in → install into clients → done', async ({ page }) => {
  const problems = await open(page, seed({ signInDelayMs: 400 }));
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByLabel('Server URL').fill(ACME_URL);
  await page.getByRole('button', { name: 'Check' }).click();

  const facts = page.getByTestId('probe-result');
  await expect(page.getByRole('heading', { name: 'The server answered' })).toBeVisible();
  await expect(facts).toContainText('Streamable HTTP');
  await expect(page.getByTestId('probe-sign-in')).toHaveText('Needed — you sign in at auth.acme.dev');
  await expect(facts).toContainText('Acme Projects 2.3.1');
  await expect(page.getByLabel('Name')).toHaveValue('Acme Projects');
  await page.mouse.move(0, 0);
  await shot(page, 'add-server.png');
  await page.getByRole('button', { name: /Advanced/ }).click();
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Header 1 name').fill('X-Team');
  await page.getByLabel('Header 1 value').fill('platform');
  await page.getByLabel('Client ID').fill('switchboard-desktop');
  await shot(page, 'add-server-advanced.png', true);

  await page.getByRole('button', { name: 'Add server' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Acme Projects' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in to Acme Projects' })).toBeFocused();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Waiting for you to finish in the browser…')).toBeVisible();
  await shot(page, 'add-server-sign-in.png');

  await expect(page.getByRole('heading', { name: 'Use Acme Projects in these clients' })).toBeVisible();
  const choices = page.getByRole('group', { name: 'Install into' }).getByRole('checkbox');
  await expect(choices).toHaveCount(3);
  await page.getByRole('checkbox', { name: /VS Code/ }).uncheck();
  await page.getByRole('button', { name: 'Install into 2 clients' }).click();

  await expect(page.getByRole('heading', { name: 'Acme Projects is added' })).toBeVisible();
  const outcomes = page.getByTestId('install-outcomes');
  await expect(outcomes).toContainText('Installed into Claude Desktop. Quit and reopen Claude Desktop.');
  await expect(outcomes).toContainText('Installed into Cursor. Cursor picks up the change by itself.');
  await page.getByRole('button', { name: 'Open Acme Projects' }).click();
  await expect(page.getByTestId('server-detail').getByTestId('state')).toHaveText('Ready');

  expect(await sent(page, 'servers:probe')).toEqual([{ name: 'servers:probe', arg: { url: ACME_URL } }]);
  expect(await sent(page, 'servers:add')).toEqual([
    { name: 'servers:add', arg: { url: ACME_URL, name: 'Acme Projects', headers: { 'X-Team': 'platform' }, clientId: 'switchboard-desktop' } },
  ]);
  expect(await sent(page, 'clients:install')).toEqual([
    { name: 'clients:install', arg: { serverId: 'new-1', clientId: 'claude-desktop' } },
    { name: 'clients:install', arg: { serverId: 'new-1', clientId: 'cursor' } },
  ]);
  expect(problems).toEqual([]);
});

test('add flow: a sign-in error is shown and can be retried', async ({ page }) => {
  await open(page, seed({ signInError: 'The authorization server refused the code: invalid_grant' }));
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByLabel('Server URL').fill(ACME_URL);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Sign-in did not finish: The authorization server refused the code: invalid_grant');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { name: 'Use Acme Projects in these clients' })).toBeVisible();
});

test("add flow: a link's proposal pre-fills the URL and adds nothing until the user confirms", async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.__fakeSwitchboard.emit('app:did-propose-add', { url: 'https://mcp.example.org/mcp', name: 'Example' }));
  await expect(page.getByTestId('proposal')).toContainText('A link asks to add https://mcp.example.org/mcp');
  await expect(page.getByLabel('Server URL')).toHaveValue('https://mcp.example.org/mcp');
  expect(await sent(page, 'servers:')).toEqual([{ name: 'servers:list', arg: undefined }]);
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByLabel('Name')).toHaveValue('Example');
  expect(await sent(page, 'servers:add')).toEqual([]);
  await page.getByRole('button', { name: 'Add server' }).click();
  await expect(page.getByRole('heading', { name: 'Use Example in these clients' })).toBeVisible();
  expect(await sent(page, 'servers:add')).toEqual([{ name: 'servers:add', arg: { url: 'https://mcp.example.org/mcp', name: 'Example' } }]);
});

test('logs: the full-size log viewer for all servers', async ({ page }) => {
  const problems = await open(page);
  await nav(page, 'Logs').click();
  await expect(page.getByRole('heading', { name: 'Logs', level: 2 })).toBeVisible();
  await expect(nav(page, 'Logs')).toHaveAttribute('aria-current', 'page');
  // The viewer renders its lines (or its placeholder) without errors.
  await page.waitForTimeout(300);
  expect(problems).toEqual([]);
  await page.mouse.move(0, 0);
  await shot(page, 'logs.png');
});

test('clients: detected clients, what is installed where, and import of mcp-remote entries', async ({ page }) => {
  const problems = await open(page);
  await nav(page, 'Clients').click();
  const clientRows = page.getByTestId('client-row');
  await expect(clientRows).toHaveCount(5);
  await expect(clientRows.first()).toContainText('Claude Desktop');
  await expect(clientRows.first()).toContainText('/home/ada/.config/Claude/claude_desktop_config.json');
  await expect(page.locator('[data-testid="client-row"][data-client-id="zed"]')).toContainText('Not found');

  const cell = (s: string, c: string) => page.locator(`[data-testid="matrix-cell"][data-server-id="${s}"][data-client-id="${c}"]`);
  await expect(cell('linear', 'claude-desktop')).toHaveText('✓ Installed');
  await expect(cell('linear', 'vscode')).toHaveText('—Not installed');
  await expect(cell('notion', 'vscode')).toHaveText('✓ Installed');

  const imports = page.getByTestId('import-row');
  await expect(imports).toHaveCount(2);
  await expect(imports.first()).toContainText('atlassian');
  await expect(imports.first()).toContainText('https://mcp.atlassian.com/v1/sse');
  await page.mouse.move(0, 0);
  await shot(page, 'clients.png', true);

  await page.getByRole('button', { name: 'Import atlassian from Claude Desktop' }).click();
  await expect(imports.first().getByRole('status')).toHaveText('Imported as atlassian. Claude Desktop now reaches it through Switchboard.');
  await expect(page.getByTestId('matrix').locator('tbody tr')).toHaveCount(7);
  await expect(cell('imported-1', 'claude-desktop')).toHaveText('✓ Installed');
  expect(await sent(page, 'clients:import')).toEqual([{ name: 'clients:import', arg: { clientId: 'claude-desktop', entryName: 'atlassian' } }]);
  expect(problems).toEqual([]);
});

test('settings: theme, retention, launch at login; the dark theme applies at once', async ({ page }) => {
  const problems = await open(page);
  await nav(page, 'Settings').click();
  await expect(page.getByTestId('version')).toHaveText('0.1.0');
  await expect(page.getByText('/home/ada/.config/mcp-switchboard')).toBeVisible();
  await expect(page.getByTestId('secret-storage')).toContainText('Secure.');

  const retention = page.getByLabel('Keep log files for');
  await retention.fill('400');
  await retention.press('Enter');
  await expect(page.getByText('Enter a whole number of days from 1 to 90.')).toBeVisible();
  await retention.fill('30');
  await retention.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Saved. Log files are kept for 30 days.');

  await page.getByLabel('Launch at login').check();
  await expect(page.getByRole('status')).toHaveText('Saved. Switchboard starts when you log in.');
  await page.mouse.move(0, 0);
  await shot(page, 'settings.png', true);

  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await sent(page, 'settings:set')).toEqual([
    { name: 'settings:set', arg: { logRetentionDays: 30 } },
    { name: 'settings:set', arg: { launchAtLogin: true } },
    { name: 'settings:set', arg: { theme: 'dark' } },
  ]);
  await nav(page, 'Servers').click();
  await page.mouse.move(0, 0);
  await shot(page, 'dark.png');
  await row(page, 'linear').click();
  await expect(page.getByTestId('tool')).toHaveCount(4);
  await page.mouse.move(0, 0);
  await shot(page, 'dark-server-detail.png');
  expect(problems).toEqual([]);
});

test('theme "system" follows prefers-color-scheme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await open(page, seed({ settings: { launchAtLogin: false, logRetentionDays: 14, theme: 'system', weakStorage: 'ask' } }));
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('insecure token storage: a banner asks once; the choice is saved; login item unsupported is explained', async ({ page }) => {
  await open(
    page,
    seed({
      info: {
        version: '0.1.0',
        dataDir: '/home/ada/.config/mcp-switchboard',
        platform: 'linux',
        loginItemSupported: false,
        secretStorage: {
          secure: false,
          backend: 'basic_text',
          warning: 'No keyring (GNOME Keyring or KWallet) was found, so tokens would be encrypted with a fixed key.',
        },
      },
    }),
  );
  const banner = page.getByTestId('weak-storage-banner');
  await expect(banner).toContainText('Sign-in tokens cannot be stored securely here.');
  await shot(page, 'weak-storage-banner.png');
  await banner.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 2 })).toBeVisible();
  await expect(page.getByLabel('Launch at login')).toBeDisabled();
  await expect(page.getByText('Not available here')).toBeVisible();
  await page.mouse.move(0, 0);
  await shot(page, 'settings-weak-storage.png', true);
  await page.getByRole('radio', { name: /Keep tokens only in memory/ }).check();
  await expect(banner).toHaveCount(0);
  expect(await sent(page, 'settings:set')).toEqual([{ name: 'settings:set', arg: { weakStorage: 'memory' } }]);
});

test('status and list events update the views live', async ({ page }) => {
  await open(page);
  await page.evaluate(
    (now) =>
      window.__fakeSwitchboard.emit('servers:did-change-status', {
        serverId: 'notion',
        state: 'ready',
        since: now,
        restarts: 0,
        counters: { connections: 1, connectionsTotal: 1, requests: 4, errors: 0 },
      }),
    NOW,
  );
  await expect(row(page, 'notion').getByTestId('state')).toHaveText('Ready');
  await expect(row(page, 'notion').getByTestId('requests')).toHaveText('4');
  await page.evaluate(() => window.__fakeSwitchboard.emit('servers:did-change-list', []));
  await expect(page.getByTestId('empty-state')).toBeVisible();
});

test('without a bridge the page says so instead of failing silently', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('alert').first()).toContainText('only works inside the MCP Switchboard app');
});
