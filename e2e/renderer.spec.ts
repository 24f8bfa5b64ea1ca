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

test('servers: the fix next to every problem, those that need the user first, honest sign-in', async ({ page }) => {
  const problems = await open(page);
  const rows = page.getByTestId('server');
  await expect(rows).toHaveCount(6);
  await expect(rows.locator('h3')).toHaveText(['Notion', 'Sentry', 'Internal tools', 'Linear', 'Cloudflare Docs', 'GitHub']);
  await expect(rows.getByTestId('state')).toHaveText(['Needs sign-in', 'Retrying', 'Error', 'Ready', 'Connecting', 'Disabled']);

  const linear = row(page, 'linear');
  await expect(linear.getByText('https://mcp.linear.app/mcp')).toBeVisible();
  await expect(linear.getByTestId('connections')).toHaveText('2');
  await expect(linear.getByTestId('requests')).toHaveText('1,284');
  await expect(linear.getByTestId('errors')).toHaveText('3');
  await expect(linear.getByTestId('sign-in-state')).toHaveText('Signed in as ada@acme.dev · renews automatically');
  await expect(linear.getByTestId('state-detail')).toHaveText('Working. Clients on this computer can use it.');
  await expect(row(page, 'sentry').getByTestId('state-detail')).toHaveText('Upstream answered 502 Bad Gateway. Next attempt in 12 s.');
  // Each card carries the action its state needs.
  await expect(row(page, 'notion').getByTestId('fix')).toHaveText('Sign in');
  await expect(row(page, 'sentry').getByTestId('fix')).toHaveText('Try now');
  await expect(row(page, 'broken').getByTestId('fix')).toHaveText('Restart');
  await expect(row(page, 'broken').getByRole('button', { name: 'Show log' })).toBeVisible();
  await expect(row(page, 'github').getByTestId('fix')).toHaveText('Enable');
  await expect(row(page, 'github').getByTestId('state-detail')).toHaveText('Disabled: clients cannot use it until you enable it.');

  const summary = page.getByRole('group', { name: 'Summary' });
  await expect(summary).toContainText('1 of 5 ready');
  await expect(summary).toContainText('3 need attention');
  await expect(summary).toContainText('3 client connections');
  await expect(nav(page, 'Servers')).toHaveAttribute('aria-current', 'page');
  expect(problems).toEqual([]);
  await page.mouse.move(0, 0);
  await shot(page, 'dashboard.png');

  // The fixes do what they say.
  await row(page, 'sentry').getByTestId('fix').click();
  await row(page, 'github').getByTestId('fix').click();
  await expect(row(page, 'github').getByTestId('state')).toHaveText('Starting');
  expect((await calls(page)).filter((c) => c.name === 'servers:restart' || c.name === 'servers:set-enabled')).toEqual([
    { name: 'servers:restart', arg: { serverId: 'sentry' } },
    { name: 'servers:set-enabled', arg: { serverId: 'github', enabled: true } },
  ]);
  await row(page, 'broken').getByRole('button', { name: 'Show log' }).click();
  await expect(page.getByTestId('server-detail')).toHaveAttribute('data-server-id', 'broken');
  await expect(page.getByRole('tab', { name: 'Log' })).toHaveAttribute('aria-selected', 'true');
});

test('first run starts from the machine: the clients found, the mcp-remote entries with Import all, then Add', async ({ page }) => {
  const problems = await open(page, seed({ servers: [], logs: [] }));
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No servers yet' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Summary' })).toHaveText('No servers yet');
  await expect(page.getByTestId('found-clients')).toHaveText('MCP clients on this computer: Claude Desktop, Cursor, VS Code.');
  await expect(page.getByTestId('first-run-imports')).toContainText('2 servers you already use through npx mcp-remote');
  // One way to add, not two.
  await expect(page.getByRole('button', { name: /\+ Add server/ })).toHaveCount(0);
  await page.mouse.move(0, 0);
  await shot(page, 'empty.png', true);
  await page.getByRole('button', { name: 'Import all' }).click();
  await expect(page.getByTestId('server')).toHaveCount(2);
  expect(await sent(page, 'clients:import')).toEqual([
    { name: 'clients:import', arg: { clientId: 'claude-desktop', entryName: 'atlassian' } },
    { name: 'clients:import', arg: { clientId: 'cursor', entryName: 'stripe' } },
  ]);
  expect(problems).toEqual([]);
});

test('the empty state without entries to import leads to the add flow', async ({ page }) => {
  await open(page, seed({ servers: [], logs: [], imports: [] }));
  await page.getByRole('button', { name: 'Add your first server' }).click();
  await expect(page.getByRole('heading', { name: 'Add a remote server' })).toBeVisible();
});

test('keyboard: Tab reaches a server row, Enter opens it, the sidebar switches views', async ({ page }) => {
  await open(page);
  const openLinear = page.getByRole('button', { name: 'Open Linear' });
  for (let i = 0; i < 30 && !(await openLinear.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(openLinear).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('server-detail')).toHaveAttribute('data-server-id', 'linear');
  await nav(page, 'Clients').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Clients', level: 2 })).toBeVisible();
  await expect(nav(page, 'Clients')).toHaveAttribute('aria-current', 'page');
});

test('"N need attention" goes to the first server that needs the user', async ({ page }) => {
  await open(page);
  await nav(page, 'Settings').click();
  await page.getByTestId('attention-link').click();
  await expect(page.getByRole('button', { name: 'Open Notion' })).toBeFocused();
});

test('server detail: tabs; state, sign-in, installs; tools; the removal hint is not the install hint', async ({ page }) => {
  const problems = await open(page);
  await row(page, 'linear').getByRole('button', { name: 'Open Linear' }).click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByRole('heading', { name: 'Linear', level: 2 })).toBeVisible();
  await expect(detail.getByTestId('state-detail')).toHaveText('Working. Clients on this computer can use it.');
  await expect(detail.getByTestId('connections')).toHaveText('2 now · 5 total');
  await expect(detail.getByTestId('sign-in-state')).toHaveText('Signed in as ada@acme.dev · renews automatically');
  await expect(detail.getByTestId('sign-out')).toHaveText('Sign out…');

  const install = (id: string) => detail.locator(`[data-testid="install-row"][data-client-id="${id}"]`);
  await expect(install('claude-desktop').getByTestId('install-state')).toHaveText('Installed as "linear"');
  await expect(install('vscode').getByTestId('install-state')).toHaveText('Not installed');
  await expect(install('zed')).toHaveCount(0); // not on this machine
  await install('vscode').getByRole('button', { name: 'Install into VS Code' }).click();
  await expect(install('vscode').getByTestId('install-state')).toHaveText('Installed as "linear"');
  await expect(detail.getByRole('status').filter({ hasText: 'Installed into VS Code' })).toHaveText(
    'Installed into VS Code. Run "MCP: List Servers" and start it.',
  );
  await page.locator('main').evaluate((el) => el.scrollTo({ top: 0 }));
  await page.mouse.move(0, 0);
  await shot(page, 'server-detail.png', true);
  await install('vscode').getByRole('button', { name: 'Remove from VS Code' }).click();
  await expect(install('vscode').getByTestId('install-state')).toHaveText('Not installed');
  // Removed: the client's own removal hint, never "start it".
  await expect(detail.getByRole('status').filter({ hasText: 'Removed from VS Code' })).toHaveText(
    'Removed from VS Code. VS Code drops it when it reloads its MCP configuration.',
  );
  expect((await calls(page)).filter((c) => c.name === 'clients:install' || c.name === 'clients:uninstall')).toEqual([
    { name: 'clients:install', arg: { serverId: 'linear', clientId: 'vscode' } },
    { name: 'clients:uninstall', arg: { serverId: 'linear', clientId: 'vscode' } },
  ]);

  await detail.getByRole('tab', { name: 'Tools' }).click();
  await expect(detail.getByTestId('tool')).toHaveCount(4);
  await expect(detail.getByTestId('tool').first()).toContainText('List issues');
  await expect(detail.getByTestId('tool').first()).toContainText('list_issues');
  expect(await sent(page, 'servers:tools')).toEqual([{ name: 'servers:tools', arg: { serverId: 'linear' } }]);
  await detail.getByRole('tab', { name: 'Settings' }).click();
  await expect(detail.getByTestId('transport')).toHaveText('Streamable HTTP');
  // Stand-ins: on for the server, and a check box per client it is installed in.
  const forCursor = detail.getByRole('checkbox', { name: 'For Cursor' });
  await expect(forCursor).toBeChecked();
  await forCursor.uncheck();
  await expect(forCursor).not.toBeChecked();
  expect(await sent(page, 'servers:set-stand-ins')).toEqual([
    { name: 'servers:set-stand-ins', arg: { serverId: 'linear', enabled: false, clientId: 'cursor' } },
  ]);
  await detail.getByText('Connection', { exact: true }).scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await shot(page, 'server-stand-ins.png');
  expect(problems).toEqual([]);
});

test('server detail: Edit a header value (write-only), the name; only what changed is sent', async ({ page }) => {
  await open(page);
  await row(page, 'sentry').getByRole('button', { name: 'Open Sentry' }).click();
  const detail = page.getByTestId('server-detail');
  await detail.getByRole('tab', { name: 'Settings' }).click();
  const form = detail.getByTestId('edit-form');
  await expect(form.getByLabel('New value for X-Org')).toHaveValue('');
  await form.getByLabel('New value for X-Org').fill('acme-platform');
  await form.getByLabel('Name', { exact: true }).fill('Sentry (Acme)');
  await page.mouse.move(0, 0);
  await shot(page, 'server-edit.png', true);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved.');
  await expect(detail.getByRole('heading', { name: 'Sentry (Acme)', level: 2 })).toBeVisible();
  expect(await sent(page, 'servers:update')).toEqual([
    { name: 'servers:update', arg: { serverId: 'sentry', name: 'Sentry (Acme)', headers: { 'X-Org': 'acme-platform' } } },
  ]);
});

test('server detail: Edit ▸ Network gives the server its own proxy (the password never shown back) and a CA file; a bad address is refused', async ({
  page,
}) => {
  await open(page);
  await row(page, 'sentry').getByRole('button', { name: 'Open Sentry' }).click();
  const detail = page.getByTestId('server-detail');
  await detail.getByRole('tab', { name: 'Settings' }).click();
  const form = detail.getByTestId('edit-form');
  const network = form.getByRole('group', { name: 'Network' });
  await expect(network.getByTestId('network-now')).toHaveText("Now: the system's proxy settings.");
  await network.getByLabel(/Proxy/).fill('socks5://proxy.corp:1080');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('alert')).toContainText('Only HTTP proxies are supported');
  await network.getByLabel(/Proxy/).fill('http://ann:proxy-pw@proxy.corp:3128');
  await network.getByLabel(/CA certificate file/).fill('/etc/corp/root.pem');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved.');
  await expect(network.getByLabel(/Proxy/)).toHaveValue('http://ann@proxy.corp:3128');
  await expect(network.getByTestId('network-now')).toHaveText(
    'Now: the proxy http://ann@proxy.corp:3128, trusting /etc/corp/root.pem. Leave the password out of the URL to keep the stored one.',
  );
  await expect(page.getByText('proxy-pw')).toHaveCount(0);
  expect(await sent(page, 'servers:update')).toEqual([
    { name: 'servers:update', arg: { serverId: 'sentry', proxy: 'socks5://proxy.corp:1080' } },
    { name: 'servers:update', arg: { serverId: 'sentry', proxy: 'http://ann:proxy-pw@proxy.corp:3128', caFile: '/etc/corp/root.pem' } },
  ]);
});

test('server detail: a failing server explains itself and carries Restart · Show log; refusals and tool errors are shown', async ({ page }) => {
  await open(page);
  await row(page, 'broken').getByRole('button', { name: 'Open Internal tools' }).click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByTestId('state-detail')).toHaveText('Stopped after 5 crashes in 60 s; fix the cause, then restart.');
  await expect(detail.getByTestId('last-error')).toHaveText('Last error connect ECONNREFUSED 10.0.4.12:443');
  await detail.getByRole('button', { name: 'Restart', exact: true }).click();
  await expect(detail.getByRole('alert')).toHaveText('Could not restart: the proxy did not stop within 5 s');
  await detail.getByRole('tab', { name: 'Tools' }).click();
  await expect(detail.getByTestId('tools')).toContainText('The tools are listed once the server is ready.');

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
  await row(page, 'linear').getByRole('button', { name: 'Open Linear' }).click();
  await page.getByRole('tab', { name: 'Settings' }).click();
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
  await expect(notice).toContainText('Removed from Claude Desktop. Claude Desktop drops it the next time it starts.');
  await expect(notice).toContainText('Removed from Cursor. Cursor drops it by itself.');
  expect(await sent(page, 'servers:remove')).toEqual([{ name: 'servers:remove', arg: { serverId: 'linear' } }]);
});

test('server detail: sign in from the page, then "Sign out…" after a plain-words confirmation', async ({ page }) => {
  await open(page, seed({ signInDelayMs: 600_000 }));
  await row(page, 'notion').getByRole('button', { name: 'Open Notion' }).click();
  const detail = page.getByTestId('server-detail');
  await expect(detail.getByTestId('state')).toHaveText('Needs sign-in');
  await detail.getByTestId('sign-in').click();
  const waiting = detail.getByTestId('sign-in-waiting');
  await expect(waiting.getByTestId('sign-in-time-left')).toHaveText(/This page works for 5:00 more\./);
  await expect(waiting.getByRole('button', { name: 'Copy link' })).toBeEnabled();
  await page.evaluate(() => window.__fakeSwitchboard.finishSignIns());
  await expect(detail.getByTestId('state')).toHaveText('Ready');
  await expect(detail.getByTestId('sign-in-state')).toHaveText('Signed in · renews automatically');
  await expect(detail.getByTestId('sign-in')).toHaveCount(0);

  await detail.getByTestId('sign-out').click();
  const dialog = page.getByRole('dialog', { name: 'Sign out of Notion?' });
  await expect(dialog).toContainText("Switchboard signs you out at Notion and forgets this computer's sign-in.");
  await shot(page, 'sign-out-dialog.png');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await sent(page, 'auth:reset')).toEqual([]);
  await detail.getByTestId('sign-out').click();
  await dialog.getByRole('button', { name: 'Sign out' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(detail.getByTestId('state')).toHaveText('Needs sign-in');
  expect(await sent(page, 'auth:')).toEqual(
    expect.arrayContaining([
      { name: 'auth:sign-in', arg: { serverId: 'notion' } },
      { name: 'auth:reset', arg: { serverId: 'notion' } },
    ]),
  );
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
  await page.mouse.move(0, 0);
  await shot(page, 'add-server-url.png');
  expect(await sent(page, 'servers:add')).toEqual([]);
});

test('add flow: probe → "Add and sign in" (kept once signed in) → install into clients → done', async ({ page }) => {
  const problems = await open(page, seed({ signInDelayMs: 600_000 }));
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByLabel('Server URL').fill(ACME_URL);
  await page.getByRole('button', { name: 'Check' }).click();

  const facts = page.getByTestId('probe-result');
  await expect(page.getByRole('heading', { name: 'The server answered' })).toBeVisible();
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

  await page.getByRole('button', { name: 'Add and sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Acme Projects' })).toBeFocused();
  const waiting = page.getByTestId('sign-in-waiting');
  await expect(waiting).toContainText('Finish signing in to Acme Projects in your browser at auth.acme.dev.');
  for (const name of ['Open the sign-in page again', 'Copy link', 'Keep without signing in', 'Cancel'])
    await expect(waiting.getByRole('button', { name })).toBeEnabled();
  // Nothing is kept yet: the list and the summary do not count it.
  await expect(page.getByRole('group', { name: 'Summary' })).toContainText('1 of 5 ready');
  await page.mouse.move(0, 0);
  await shot(page, 'add-server-sign-in.png');
  await page.evaluate(() => window.__fakeSwitchboard.finishSignIns());

  await expect(page.getByRole('heading', { name: 'Use Acme Projects in these clients' })).toBeVisible();
  const choices = page.getByRole('group', { name: 'Install into' }).getByRole('checkbox');
  await expect(choices).toHaveCount(3);
  await page.getByRole('checkbox', { name: /VS Code/ }).uncheck();
  await page.getByRole('button', { name: 'Install into 2 clients' }).click();

  await expect(page.getByRole('heading', { name: 'Acme Projects is added' })).toBeVisible();
  const outcomes = page.getByTestId('install-outcomes');
  await expect(outcomes).toContainText('Installed into Claude Desktop. Quit and reopen Claude Desktop.');
  await expect(outcomes).toContainText('Installed into Cursor. Cursor picks up the change by itself.');
  await expect(page.getByTestId('tools-to-review')).toContainText('Its 4 tools wait for your review: clients see them once you approve.');
  await page.mouse.move(0, 0);
  await shot(page, 'add-server-done.png');
  await page.getByRole('button', { name: 'Review tools' }).click();
  await expect(page.getByTestId('server-detail').getByRole('tab', { name: 'Tools', selected: true })).toBeVisible();
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(page.getByTestId('server-detail').getByTestId('state')).toHaveText('Ready');

  expect(await sent(page, 'servers:probe')).toEqual([{ name: 'servers:probe', arg: { url: ACME_URL } }]);
  expect(await sent(page, 'servers:add')).toEqual([
    { name: 'servers:add', arg: { url: ACME_URL, name: 'Acme Projects', headers: { 'X-Team': 'platform' }, clientId: 'switchboard-desktop', draft: true } },
  ]);
  expect(await sent(page, 'servers:keep')).toEqual([{ name: 'servers:keep', arg: { serverId: 'new-1' } }]);
  expect(await sent(page, 'clients:install')).toEqual([
    { name: 'clients:install', arg: { serverId: 'new-1', clientId: 'claude-desktop' } },
    { name: 'clients:install', arg: { serverId: 'new-1', clientId: 'cursor' } },
  ]);
  expect(problems).toEqual([]);
});

test('add flow: Cancel while the browser is open leaves nothing behind', async ({ page }) => {
  await open(page, seed({ signInDelayMs: 60_000 }));
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByLabel('Server URL').fill(ACME_URL);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByRole('button', { name: 'Add and sign in' }).click();
  await page.getByTestId('sign-in-waiting').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: 'The server answered' })).toBeVisible();
  expect(await sent(page, 'servers:discard')).toEqual([{ name: 'servers:discard', arg: { serverId: 'new-1' } }]);
  await nav(page, 'Servers').click();
  await expect(page.getByTestId('server')).toHaveCount(6);
  expect(await sent(page, 'servers:keep')).toEqual([]);
});

test('add flow: a sign-in error is shown and can be retried', async ({ page }) => {
  await open(page, seed({ signInError: 'The authorization server refused the code: invalid_grant' }));
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByLabel('Server URL').fill(ACME_URL);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByRole('button', { name: 'Add and sign in' }).click();
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

test('add flow: a link arriving while the user types starts a fresh form and says so', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByLabel('Server URL').fill(ACME_URL);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByRole('button', { name: /Advanced/ }).click();
  await page.getByLabel(/Client secret/).fill('typed-for-acme');
  await page.evaluate(() => window.__fakeSwitchboard.emit('app:did-propose-add', { url: 'https://mcp.example.org/mcp' }));
  await expect(page.getByTestId('form-replaced')).toContainText('was cleared');
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByRole('button', { name: /Advanced/ }).click();
  await expect(page.getByLabel(/Client secret/)).toHaveValue('');
});

test('the tray opens the add flow and a server on its log (view requests)', async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.__fakeSwitchboard.emit('app:did-request-view', { view: 'server', serverId: 'broken', tab: 'log' }));
  await expect(page.getByTestId('server-detail')).toHaveAttribute('data-server-id', 'broken');
  await expect(page.getByRole('tab', { name: 'Log' })).toHaveAttribute('aria-selected', 'true');
  await page.evaluate(() => window.__fakeSwitchboard.emit('app:did-request-view', { view: 'add' }));
  await expect(page.getByRole('heading', { name: 'Add a remote server' })).toBeVisible();
});

test('logs: one row per call, a Client column, chips, info and above by default, a day separator, details on click', async ({ page }) => {
  const problems = await open(page);
  await nav(page, 'Logs').click();
  await expect(page.getByRole('heading', { name: 'Logs', level: 2 })).toBeVisible();
  await expect(nav(page, 'Logs')).toHaveAttribute('aria-current', 'page');
  const log = page.getByRole('log', { name: 'Log lines of all servers' });
  const items = log.getByRole('listitem');
  await expect(page.getByLabel('Level')).toHaveValue('info');
  // initialize: the request and its answer are one row.
  await expect(items.filter({ hasText: 'initialize #0' })).toHaveCount(1);
  await expect(items.filter({ hasText: 'initialize #0' })).toContainText('Claude Desktop');
  await expect(items.filter({ hasText: 'tools/call #7' })).toContainText('failed: Upstream answered 504 Gateway Timeout');
  await expect(items.filter({ hasText: 'Switchboard (app)' })).toHaveCount(1);
  await expect(items.first()).toHaveAttribute('data-day', 'Yesterday');
  await page.mouse.move(0, 0);
  await shot(page, 'logs.png');

  await items.filter({ hasText: 'tools/call #7' }).click();
  const details = page.getByTestId('log-details');
  await expect(details.getByTestId('log-details-error')).toHaveText('failed: Upstream answered 504 Gateway Timeout');
  await expect(details).toContainText('Cursor');
  await details.locator('summary').click();
  await expect(details.getByTestId('log-details-json')).toContainText('"request"');
  await shot(page, 'logs-details.png');
  await details.getByRole('button', { name: 'Close the details' }).click();

  await page.getByRole('group', { name: 'Show only' }).getByRole('button', { name: 'Tool calls' }).click();
  await expect(items).toHaveCount(2);
  await page.getByRole('group', { name: 'Show only' }).getByRole('button', { name: 'Sign-in' }).click();
  await expect(items).toHaveText([/Signed in to Linear/]);
  expect(problems).toEqual([]);
});

test('clients: found first, ~ paths with Reveal and Copy, a clickable matrix, backups with Restore, imports first', async ({ page }) => {
  const problems = await open(
    page,
    seed({
      backups: {
        'claude-desktop': [
          { id: 'claude_desktop_config.json.2026-03-03T14-10-00-000Z.bak', createdAt: NOW - 20 * 60_000, bytes: 812 },
          { id: 'claude_desktop_config.json.2026-03-02T09-00-00-000Z.bak', createdAt: NOW - 29 * 3600_000, bytes: 640 },
        ],
      },
    }),
  );
  await nav(page, 'Clients').click();
  const clientRows = page.getByTestId('client-row');
  await expect(clientRows).toHaveCount(3);
  await expect(clientRows.first()).toContainText('Claude Desktop');
  await expect(clientRows.first()).toContainText('~/.config/Claude/claude_desktop_config.json');
  await expect(clientRows.first().getByRole('button', { name: /^Reveal / })).toBeVisible();
  await expect(page.getByTestId('other-clients')).toHaveText('Also supported, not found here: Windsurf, Zed.');

  const cell = (s: string, c: string) => page.locator(`[data-testid="matrix-cell"][data-server-id="${s}"][data-client-id="${c}"]`);
  await expect(cell('linear', 'claude-desktop')).toHaveText('✓ Installed');
  await expect(cell('linear', 'vscode')).toHaveText('+ Install');
  await expect(cell('notion', 'vscode')).toHaveText('✓ Installed');

  const imports = page.getByTestId('import-row');
  await expect(imports).toHaveCount(2);
  await expect(imports.first()).toContainText('atlassian');
  await clientRows.first().getByRole('button', { name: 'Backups' }).click();
  await expect(clientRows.first().getByTestId('backup')).toHaveCount(2);
  await page.mouse.move(0, 0);
  await shot(page, 'clients.png', true);

  await cell('linear', 'vscode').getByRole('button').click();
  await expect(cell('linear', 'vscode')).toHaveText('✓ Installed');
  await clientRows
    .first()
    .getByTestId('backup')
    .first()
    .getByRole('button', { name: /Restore/ })
    .click();
  await page.getByRole('dialog', { name: "Restore Claude Desktop's config?" }).getByRole('button', { name: 'Restore' }).click();
  await expect(clientRows.first().getByRole('status')).toContainText("Restored Claude Desktop's config");

  await page.getByRole('button', { name: 'Import atlassian from Claude Desktop' }).click();
  await expect(imports.first().getByRole('status')).toHaveText('Imported as atlassian. Claude Desktop now reaches it through Switchboard.');
  await expect(page.getByTestId('matrix').locator('tbody tr')).toHaveCount(7);
  await expect(cell('imported-1', 'claude-desktop')).toHaveText('✓ Installed');
  expect(await sent(page, 'clients:import')).toEqual([{ name: 'clients:import', arg: { clientId: 'claude-desktop', entryName: 'atlassian' } }]);
  expect(await sent(page, 'clients:restore-backup')).toEqual([
    { name: 'clients:restore-backup', arg: { clientId: 'claude-desktop', backupId: 'claude_desktop_config.json.2026-03-03T14-10-00-000Z.bak' } },
  ]);
  expect(problems).toEqual([]);
});

test('settings: theme, retention, launch at login; the dark theme applies at once', async ({ page }) => {
  const problems = await open(page);
  await nav(page, 'Settings').click();
  await expect(page.getByTestId('version')).toHaveText('0.1.0');
  await expect(page.getByText('~/.config/mcp-switchboard')).toBeVisible();
  await expect(page.getByTestId('secret-storage')).toContainText('Protected. Sign-ins are encrypted with a key only your keyring holds: GNOME Keyring.');
  await expect(page.getByText('Linux', { exact: true })).toBeVisible();

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
  await row(page, 'linear').getByRole('button', { name: 'Open Linear' }).click();
  await page.mouse.move(0, 0);
  await shot(page, 'dark-server-detail.png');
  await nav(page, 'Logs').click();
  await page.getByRole('log').getByRole('listitem').filter({ hasText: 'tools/call #7' }).click();
  await page.mouse.move(0, 0);
  await shot(page, 'dark-logs.png');
  await nav(page, 'Clients').click();
  await page.mouse.move(0, 0);
  await shot(page, 'dark-clients.png', true);
  expect(problems).toEqual([]);
});

test('theme "system" follows prefers-color-scheme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await open(
    page,
    seed({ settings: { launchAtLogin: false, logRetentionDays: 14, proxyIdleMinutes: 5, theme: 'system', weakStorage: 'ask', newServerTools: 'review' } }),
  );
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('no keyring: asked once, at the first sign-in, in a sheet (no banner on every view); Settings says the same', async ({ page }) => {
  await open(
    page,
    seed({
      info: {
        version: '0.1.0',
        dataDir: '/home/ada/.config/mcp-switchboard',
        platform: 'linux',
        loginItemSupported: false,
        homeDir: '/home/ada',
        secretStorage: {
          secure: false,
          backend: 'safeStorage (basic_text)',
          warning: 'No keyring (GNOME Keyring or KWallet) was found, so tokens would be encrypted with a fixed key.',
        },
      },
    }),
  );
  await expect(page.getByTestId('server')).toHaveCount(6);
  await expect(page.getByTestId('storage-sheet')).toHaveCount(0);
  await row(page, 'notion').getByTestId('fix').click();
  const sheet = page.getByRole('dialog', { name: 'Before you sign in to Notion' });
  await expect(sheet).toContainText('This computer has no keyring to protect your sign-ins.');
  await page.mouse.move(0, 0);
  await shot(page, 'storage-question.png');
  await sheet.getByRole('button', { name: /Sign in again after each start/ }).click();
  await expect(sheet).toHaveCount(0);
  await expect(row(page, 'notion').getByTestId('state')).toHaveText('Ready');
  expect(await sent(page, 'settings:set')).toEqual([{ name: 'settings:set', arg: { weakStorage: 'memory' } }]);

  await nav(page, 'Settings').click();
  await expect(page.getByLabel('Launch at login')).toBeDisabled();
  await expect(page.getByText('Only the desktop app can start at login')).toBeVisible();
  await expect(page.getByTestId('storage-status')).toContainText('This computer has no keyring to protect your sign-ins.');
  await expect(page.getByRole('radio', { name: /Sign in again after each start/ })).toBeChecked();
  await page.mouse.move(0, 0);
  await shot(page, 'settings-weak-storage.png', true);
});

test('the window at its 640 px minimum width: nothing clipped, every control reachable', async ({ page }) => {
  await page.setViewportSize({ width: 640, height: 720 });
  const problems = await open(page);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await page.mouse.move(0, 0);
  await shot(page, 'narrow.png');
  // No control sticks out of its card.
  const clipped = await page.evaluate(() =>
    [...document.querySelectorAll('main button, main input, main select')]
      .map((el) => el as HTMLElement)
      .filter((el) => el.offsetParent !== null)
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.right > window.innerWidth + 0.5 || r.left < -0.5;
      })
      .map((el) => el.textContent || el.getAttribute('aria-label') || el.tagName),
  );
  expect(clipped).toEqual([]);
  for (const view of ['Logs', 'Clients', 'Settings']) {
    await nav(page, view).click();
    expect(await overflow(), view).toBeLessThanOrEqual(0);
  }
  await nav(page, 'Servers').click();
  await row(page, 'linear').getByRole('button', { name: 'Open Linear' }).click();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await page.getByRole('tab', { name: 'Settings' }).click();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await nav(page, 'Logs').click();
  await page.mouse.move(0, 0);
  await shot(page, 'narrow-logs.png');
  expect(problems).toEqual([]);
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

test('on demand: an idle server reads as working, and Settings says how long an unused proxy runs', async ({ page }) => {
  const base = seed();
  const servers = base.servers.map((s) =>
    s.id === 'linear'
      ? { ...s, status: { ...s.status, state: 'idle' as const, pid: undefined, detail: undefined, counters: { ...s.status.counters, connections: 0 } } }
      : s,
  );
  const problems = await open(page, seed({ servers }));
  const linear = row(page, 'linear');
  await expect(linear.getByTestId('state')).toHaveText('Idle');
  await expect(linear.getByTestId('state-detail')).toHaveText('Idle — starts when a client connects.');
  await expect(linear).not.toHaveAttribute('data-attention', 'true');
  await shot(page, 'idle-server.png');
  await nav(page, 'Settings').click();
  const field = page.getByLabel('Stop unused servers after');
  await expect(field).toHaveValue('5');
  await field.fill('15');
  await field.press('Enter');
  await expect(page.getByRole('status')).toContainText('A server’s proxy stops after 15 minutes without a client.');
  expect((await sent(page, 'settings:set')).map((c) => c.arg)).toContainEqual({ proxyIdleMinutes: 15 });
  expect(problems).toEqual([]);
});
