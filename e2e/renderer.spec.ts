/**
 * The built renderer (out/renderer) in a real Chromium, served from 127.0.0.1, talking to a FAKE
 * window.switchboard (support/fake-switchboard.ts) with deterministic data. This checks the UI
 * against the contract; the core behind the contract is tested on its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { LogEvent } from '../preload/contract';
import { ensureRendererBuilt } from './support/build';
import { installFakeSwitchboard, type FakeSeed } from './support/fake-switchboard';
import { NOW, seed } from './support/fixtures';
import { rendererOut, screenshotsDir } from './support/paths';
import { serveStatic, type StaticServer } from './support/static-server';

let server: StaticServer;

test.beforeAll(async () => {
  ensureRendererBuilt();
  server = await serveStatic(rendererOut);
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

const card = (page: Page, id: string) => page.locator(`[data-testid="server"][data-server-id="${id}"]`);
const calls = (page: Page) => page.evaluate(() => window.__fakeSwitchboard.calls);

test('lists every server with its state, counters and last error', async ({ page }) => {
  const problems = await open(page);
  const cards = page.getByTestId('server');
  await expect(cards).toHaveCount(6);
  await expect(cards.locator('h3')).toHaveText(['Linear', 'Notion', 'Sentry', 'Internal tools', 'Cloudflare Docs', 'GitHub']);
  await expect(cards.getByTestId('state')).toHaveText(['Ready', 'Needs sign-in', 'Retrying', 'Error', 'Connecting', 'Disabled']);

  const linear = card(page, 'linear');
  await expect(linear.getByText('https://mcp.linear.app/mcp')).toBeVisible();
  await expect(linear.getByTestId('connections')).toHaveText('2 open · 5 total');
  await expect(linear.getByTestId('requests')).toHaveText('1,284');
  await expect(linear.getByTestId('errors')).toHaveText('3');
  await expect(linear.getByText('42 min')).toBeVisible();

  const sentry = card(page, 'sentry');
  await expect(sentry.getByText('Upstream answered 502 Bad Gateway. Next attempt in 12 s.')).toBeVisible();
  await expect(sentry.getByTestId('last-error')).toHaveText('Last error HTTP 502 Bad Gateway from https://mcp.sentry.dev/mcp');
  await expect(card(page, 'broken').getByTestId('last-error')).toContainText('ECONNREFUSED 10.0.4.12:443');

  // A disabled server offers Enable, and cannot be restarted.
  const github = card(page, 'github');
  await expect(github.getByRole('button', { name: 'Enable' })).toBeVisible();
  await expect(github.getByRole('button', { name: 'Restart' })).toBeDisabled();

  await expect(page.getByLabel('Summary')).toContainText('1 of 5 ready');
  await expect(page.getByLabel('Summary')).toContainText('3 need attention');
  await expect(page.getByText('Version 0.1.0')).toBeVisible();
  expect(problems).toEqual([]);

  // Screenshot with one log panel open, as a user would look at it.
  await linear.getByRole('button', { name: 'Show logs' }).click();
  await expect(linear.getByTestId('log-line')).toHaveCount(8);
  fs.mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotsDir, 'dashboard.png'), fullPage: true, animations: 'disabled' });
});

test('shows the empty state when there are no servers', async ({ page }) => {
  const problems = await open(page, seed({ servers: [], logs: [] }));
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No servers yet' })).toBeVisible();
  await expect(page.getByTestId('empty-state')).toContainText('Paste the URL of a remote MCP server');
  await expect(page.getByTestId('server')).toHaveCount(0);
  await expect(page.getByLabel('Summary')).toHaveCount(0);
  expect(problems).toEqual([]);
  fs.mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotsDir, 'empty.png'), fullPage: true, animations: 'disabled' });
});

test('add-server form calls the api, shows a refusal, then adds', async ({ page }) => {
  await open(page, seed({ servers: [], logs: [] }));
  const form = page.getByRole('form', { name: 'Add remote server' });
  const url = form.getByLabel('Server URL');
  const add = form.getByRole('button', { name: 'Add server' });
  await expect(add).toBeDisabled();

  await url.fill('ftp://files.example.com/mcp');
  await add.click();
  const alert = form.getByRole('alert');
  await expect(alert).toHaveText('Only http:// and https:// servers are supported, not ftp://');
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(url).toHaveValue('ftp://files.example.com/mcp');
  await expect(page.getByTestId('server')).toHaveCount(0);

  await url.fill('https://mcp.example.com/mcp');
  await form.getByLabel('Name').fill('  Example  ');
  await add.click();
  await expect(alert).toHaveCount(0);
  await expect(form.getByRole('status')).toHaveText('Added Example. It starts in a moment.');
  await expect(url).toHaveValue('');
  await expect(page.getByTestId('server')).toHaveCount(1);
  await expect(card(page, 'new-1').getByTestId('state')).toHaveText('Starting');
  await expect(page.getByTestId('empty-state')).toHaveCount(0);

  expect((await calls(page)).filter((c) => c.name === 'servers:add')).toEqual([
    { name: 'servers:add', arg: { url: 'ftp://files.example.com/mcp' } },
    { name: 'servers:add', arg: { url: 'https://mcp.example.com/mcp', name: 'Example' } },
  ]);
});

test('log tail shows the tail, then appended events for its server only', async ({ page }) => {
  await open(page);
  const linear = card(page, 'linear');
  await linear.getByRole('button', { name: 'Show logs' }).click();
  const lines = linear.getByTestId('log-line');
  await expect(lines).toHaveCount(8);
  await expect(lines.first()).toContainText('Proxy started');
  await expect(lines.nth(5)).toContainText('tools/list');
  await expect(lines.nth(5)).toContainText('84 ms');
  await expect(lines.nth(5)).toContainText('21.9 KB');
  expect((await calls(page)).filter((c) => c.name === 'logs:tail')).toEqual([
    { name: 'logs:tail', arg: { serverId: 'linear', limit: 200 } },
  ]);

  const appended: LogEvent[] = [
    { ts: NOW + 1000, level: 'info', server: 'linear', connection: 3, message: 'Client connected (Cursor)' },
    { ts: NOW + 1000, level: 'error', server: 'sentry', message: 'not for the Linear panel' },
    { ts: NOW + 2000, level: 'error', server: 'linear', connection: 3, message: 'Upstream closed the session', method: 'tools/call', durationMs: 12 },
  ];
  await page.evaluate((events) => window.__fakeSwitchboard.emit('logs:did-append', events), appended);
  await expect(lines).toHaveCount(10);
  await expect(lines.nth(8)).toContainText('#3');
  await expect(lines.nth(8)).toContainText('Client connected (Cursor)');
  await expect(lines.nth(9)).toHaveClass(/log-error/);
  await expect(linear.getByText('not for the Linear panel')).toHaveCount(0);

  // The same batch delivered twice is not shown twice.
  await page.evaluate((events) => window.__fakeSwitchboard.emit('logs:did-append', events), appended);
  await expect(lines).toHaveCount(10);

  // Closing the panel unsubscribes.
  const listening = () => page.evaluate(() => window.__fakeSwitchboard.listenerCount('logs:did-append'));
  expect(await listening()).toBe(1);
  await linear.getByRole('button', { name: 'Hide logs' }).click();
  await expect(lines).toHaveCount(0);
  expect(await listening()).toBe(0);
});

test('status and list events update the cards live', async ({ page }) => {
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
  await expect(card(page, 'notion').getByTestId('state')).toHaveText('Ready');
  await expect(card(page, 'notion').getByTestId('requests')).toHaveText('4');
  await page.evaluate(() => window.__fakeSwitchboard.emit('servers:did-change-list', []));
  await expect(page.getByTestId('empty-state')).toBeVisible();
});

test('per-server buttons call the api; remove asks for confirmation; refusals are shown', async ({ page }) => {
  await open(page);
  const github = card(page, 'github');
  await github.getByRole('button', { name: 'Enable' }).click();
  await expect(github.getByTestId('state')).toHaveText('Starting');
  await expect(github.getByRole('button', { name: 'Disable' })).toBeVisible();

  const broken = card(page, 'broken');
  await broken.getByRole('button', { name: 'Restart' }).click();
  await expect(broken.getByRole('alert')).toHaveText('Could not restart: the proxy did not stop within 5 s');

  const docs = card(page, 'docs');
  await docs.getByRole('button', { name: 'Remove Cloudflare Docs' }).click();
  await expect(page.getByTestId('server')).toHaveCount(6);
  await docs.getByRole('button', { name: 'Confirm removing Cloudflare Docs' }).click();
  await expect(page.getByTestId('server')).toHaveCount(5);

  const sent = (await calls(page)).filter((c) => c.name !== 'servers:list' && !c.name.startsWith('app:') && !c.name.startsWith('clients:'));
  expect(sent).toEqual([
    { name: 'servers:set-enabled', arg: { serverId: 'github', enabled: true } },
    { name: 'servers:restart', arg: { serverId: 'broken' } },
    { name: 'servers:remove', arg: { serverId: 'docs' } },
  ]);
});

test('a server that needs sign-in offers "Sign in"; "Reset sign-in" signs out again', async ({ page }) => {
  await open(page);
  const notion = card(page, 'notion');
  await expect(notion.getByTestId('state')).toHaveText('Needs sign-in');
  await notion.getByTestId('sign-in').click();
  await expect(notion.getByTestId('state')).toHaveText('Ready');
  await expect(notion.getByTestId('sign-in')).toHaveCount(0);
  await notion.getByTestId('reset-sign-in').click();
  await expect(notion.getByTestId('state')).toHaveText('Needs sign-in');
  const sent = (await calls(page)).filter((c) => c.name.startsWith('auth:'));
  expect(sent).toEqual([
    { name: 'auth:sign-in', arg: { serverId: 'notion' } },
    { name: 'auth:reset', arg: { serverId: 'notion' } },
  ]);
});

test('"Install into" lists the clients on this machine and installs with one click', async ({ page }) => {
  await open(page);
  const linear = card(page, 'linear');
  const row = (id: string) => linear.locator(`[data-testid="install-row"][data-client-id="${id}"]`);
  await expect(row('claude-desktop').getByTestId('install-state')).toHaveText('Installed as "linear"');
  await expect(row('cursor').getByTestId('install-state')).toHaveText('Not installed');
  await expect(row('zed')).toHaveCount(0); // not on this machine
  await row('cursor').getByRole('button', { name: 'Install' }).click();
  await expect(row('cursor').getByTestId('install-state')).toHaveText('Installed as "linear"');
  await expect(linear.getByRole('status')).toHaveText('Installed into Cursor. Cursor picks up the change by itself.');
  await row('claude-desktop').getByRole('button', { name: 'Remove' }).click();
  await expect(row('claude-desktop').getByTestId('install-state')).toHaveText('Not installed');
  const sent = (await calls(page)).filter((c) => c.name === 'clients:install' || c.name === 'clients:uninstall');
  expect(sent).toEqual([
    { name: 'clients:install', arg: { serverId: 'linear', clientId: 'cursor' } },
    { name: 'clients:uninstall', arg: { serverId: 'linear', clientId: 'claude-desktop' } },
  ]);
});

test('a link\'s proposal pre-fills the form and adds nothing until the user confirms', async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.__fakeSwitchboard.emit('app:did-propose-add', { url: 'https://mcp.example.org/mcp', name: 'Example' }));
  await expect(page.getByTestId('proposal')).toContainText('A link asks to add https://mcp.example.org/mcp');
  await expect(page.getByLabel('Server URL')).toHaveValue('https://mcp.example.org/mcp');
  await expect(page.getByLabel('Name optional')).toHaveValue('Example');
  expect((await calls(page)).filter((c) => c.name === 'servers:add')).toEqual([]);
  await page.getByRole('button', { name: 'Add server' }).click();
  await expect(page.getByTestId('proposal')).toHaveCount(0);
  expect((await calls(page)).filter((c) => c.name === 'servers:add')).toEqual([{ name: 'servers:add', arg: { url: 'https://mcp.example.org/mcp', name: 'Example' } }]);
});

test('without a bridge the page says so instead of failing silently', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('alert').first()).toContainText('only works inside the MCP Switchboard app');
});
