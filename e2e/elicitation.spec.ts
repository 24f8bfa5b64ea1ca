/**
 * The elicitation stand-in in the window, end to end: a client that declares no elicitation (as
 * Claude Desktop) runs the bundled connector; the server (support/asking-server.ts) asks the user
 * something through the real proxy; the window (the real renderer behind the browser shell, over
 * the real core: support/story-backend.ts) shows the question; the user answers in Chromium and the
 * tool call completes with what was typed. A page the server wants opened is shown with its domain
 * first and opens only after the user agrees (the browser is a recorder here).
 */
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { startAskingServer, type AskingServer } from './support/asking-server';
import { ensureRendererBuilt } from './support/build';
import { ensureNodeBuilt } from './support/build-node';
import { loadStoryBackend } from './support/bundle';
import { repoRoot } from './support/paths';
import { spawnStdio } from './support/stdio-client';
import type { StoryBackend } from './support/story-backend';

let backend: StoryBackend;
let server: AskingServer;

test.beforeAll(async () => {
  // Real servers, an authorization server and a host start here: give a busy machine time.
  test.setTimeout(120_000);
  ensureRendererBuilt();
  ensureNodeBuilt();
  [backend, server] = await Promise.all([loadStoryBackend().startStoryBackend({ repoRoot }), startAskingServer()]);
});

test.afterAll(async () => {
  await backend?.close();
  await server?.close();
});

test('a server asks through a client without elicitation: the window asks, the call completes with the answer; a page opens only after consent', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const opened: string[] = [];
  backend.setOpener({ open: async (url) => void opened.push(url) });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));

  const added = await backend.call('servers:add', { url: server.url, name: 'Bistro' });
  expect(added.ok, added.error).toBe(true);
  const id = added.value.id as string;
  await page.goto(backend.shell.url);
  await page
    .getByRole('button', { name: /Bistro/ })
    .first()
    .click();
  await expect(page.getByTestId('state')).toHaveText('Ready', { timeout: 20_000 });
  await page.getByTestId('server-detail').getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('stand-ins')).toBeChecked();
  await page.getByTestId('server-detail').getByRole('tab', { name: 'Overview' }).click();

  const connector = path.join(repoRoot, 'out', 'connector', 'index.js');
  const mcp = spawnStdio({ command: process.execPath, args: [connector, id] }, backend.env);
  try {
    // Like Claude Desktop: no elicitation among the client's capabilities.
    const init = await mcp.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'no-elicitation', version: '1' } });
    expect(init.error, mcp.stderr()).toBeUndefined();
    mcp.notify('notifications/initialized');

    // ---- Form mode: the fields come from the server's schema, with its defaults.
    const booking = mcp.request('tools/call', { name: 'book', arguments: {} }, 30_000);
    const form = page.getByRole('dialog', { name: 'Bistro asks' });
    await expect(form).toBeVisible();
    await expect(form).toContainText('Who is the booking for?');
    await expect(form.getByLabel(/Seats/)).toHaveValue('2');
    await form.getByLabel(/^Name/).fill('Ada Lovelace');
    await form.getByLabel(/Area/).selectOption('terrace');
    await form.getByLabel('Vegetarian').check();
    await form.getByRole('button', { name: 'Send' }).click();
    const booked = await booking;
    expect(booked.error, mcp.stderr()).toBeUndefined();
    expect(booked.result.content[0].text).toBe('accept: {"name":"Ada Lovelace","seats":2,"area":"terrace","vegetarian":true}');
    await expect(form).toBeHidden();

    // ---- URL mode: the consent sheet names the domain; nothing opens before the user agrees.
    const connecting = mcp.request('tools/call', { name: 'connect', arguments: {} }, 30_000);
    const consent = page.getByRole('dialog', { name: 'Bistro wants to open a page' });
    await expect(consent).toBeVisible();
    await expect(consent.getByTestId('elicitation-domain')).toHaveText('accounts.example.com');
    expect(opened).toEqual([]);
    await consent.getByRole('button', { name: 'Open accounts.example.com' }).click();
    const connected = await connecting;
    expect(connected.result.content[0].text).toBe('accept');
    expect(opened).toEqual(['https://accounts.example.com/connect?state=e2e']);

    // ---- Declined: the server hears "decline", nothing opens.
    const declining = mcp.request('tools/call', { name: 'connect', arguments: {} }, 30_000);
    await consent.getByRole('button', { name: 'Decline' }).click();
    expect((await declining).result.content[0].text).toBe('decline');
    expect(opened).toHaveLength(1);
  } finally {
    await mcp.close();
  }
  expect(problems).toEqual([]);
});
