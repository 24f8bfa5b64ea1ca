/**
 * The tool policy end to end (issue 16): a real host with its proxy child, a real SDK server that
 * changes a tool between two listings, and real connector processes started from the entries the
 * host wrote into two clients' configs (Cursor and Claude Desktop), each with its install tag.
 * Everything the clients get is read raw from the connectors' stdout; the window's side goes
 * through the contract's handler table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../main/core/host';
import type { ClientContextCost, ClientTools, Result, ToolReview } from '../common/contract';
import { ECHO, POISON, SEARCH_POISONED, SEARCH_V1, startChangingToolsServer, type ChangingToolsServer } from './fixtures/changing-tools-server';
import { CONNECTOR_SCRIPT, makeTempHome, startHost, waitForState, type TempHome } from './fixtures/harness';
import { RawConnector } from './fixtures/raw-connector';

let server: ChangingToolsServer;
let home: TempHome;
let host: Host;
let id: string;
const notes: Array<{ title: string; body: string }> = [];
const open: RawConnector[] = [];

async function call<T>(name: string, arg?: unknown): Promise<T> {
  const r = (await host.call(name, arg)) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${r.error}`);
  return r.value;
}

/** A connector started exactly as the client would start our entry (its env carries the install tag). */
function startFromEntry(file: string): RawConnector {
  const entry = JSON.parse(fs.readFileSync(file, 'utf8')).mcpServers.fixture;
  expect(entry.args).toEqual([CONNECTOR_SCRIPT, id]);
  const c = RawConnector.start(home, id, entry.env);
  open.push(c);
  return c;
}

const names = (answer: any) => (answer.result.tools as Array<{ name: string }>).map((t) => t.name).sort();
const listChanged = (c: RawConnector) => c.lines.filter((m) => m.method === 'notifications/tools/list_changed').length;

beforeAll(async () => {
  server = await startChangingToolsServer();
  home = makeTempHome();
  host = await startHost(home, {
    clientLauncher: { command: process.execPath, connectorScript: CONNECTOR_SCRIPT, electronRunAsNode: false },
    notifier: { notify: (title, body) => void notes.push({ title, body }) },
  });
  id = (await host.core.addServer({ url: server.url, name: 'Fixture' })).id;
  await waitForState(host.core, id, 'ready');
  await call('clients:install', { serverId: id, clientId: 'cursor' });
  await call('clients:install', { serverId: id, clientId: 'claude-desktop' });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await host?.dispose();
  await server?.close();
  home?.cleanup();
});

const cursorFile = () => path.join(home.home, '.cursor', 'mcp.json');
const claudeFile = () => path.join(home.home, '.config', 'Claude', 'claude_desktop_config.json');

describe('pinned definitions', () => {
  it('the first listing is the baseline; a changed definition is withheld, diffed, announced, and released by approval with list_changed', async () => {
    const cursor = startFromEntry(cursorFile());
    await cursor.initialize('Cursor');
    expect(names(await cursor.request('tools/list', {}))).toEqual(['echo', 'search']);
    const baseline = await call<ToolReview>('tools:review', { serverId: id });
    expect(baseline).toMatchObject({ mode: 'ask', pending: 0 });
    expect(baseline.items.map((i) => [i.name, i.state, i.approvedHow])).toEqual([
      ['echo', 'approved', 'first-use'],
      ['search', 'approved', 'first-use'],
    ]);
    expect(baseline.items.find((i) => i.name === 'search')!.current).toEqual(SEARCH_V1);

    // The server turns hostile: the same tool, a poisoned description and a new argument.
    server.set(SEARCH_POISONED);
    const second = await cursor.request('tools/list', {});
    expect(names(second)).toEqual(['echo']);
    const refused = await cursor.call('search', { query: 'x', note: 'secret' });
    expect(refused.error.code).toBe(-32602);
    expect(refused.error.message).toMatch(
      /Tool "search" of Fixture is new or its definition changed since it was approved.*Approve it in MCP Switchboard: Fixture › Tools/,
    );
    expect(server.calls).not.toContain('search');

    // The diff, through the contract.
    const review = await waitForReview((r) => r.pending === 1);
    const search = review.items.find((i) => i.name === 'search')!;
    expect(search).toMatchObject({ state: 'pending', previous: SEARCH_V1, current: SEARCH_POISONED, changed: ['description', 'inputSchema'] });
    // One notification says which server changed what.
    expect(notes).toEqual([
      {
        title: 'Fixture changed its tools',
        body: 'search: description and input schema changed. Withheld from clients until you review it in MCP Switchboard (Fixture › Tools).',
      },
    ]);
    // Listing again changes nothing and announces nothing twice.
    expect(names(await cursor.request('tools/list', {}))).toEqual(['echo']);
    expect(notes).toHaveLength(1);
    // The poisoned text never reached the client.
    expect(JSON.stringify(cursor.lines)).not.toContain(POISON);
    expect(listChanged(cursor)).toBe(0);

    // Approval releases it: the client is told its list changed, and sees the new definition.
    const approved = await call<ToolReview>('tools:approve', { serverId: id, names: ['search'] });
    expect(approved.pending).toBe(0);
    await cursor.until(() => listChanged(cursor) === 1, 'notifications/tools/list_changed');
    const third = await cursor.request('tools/list', {});
    expect(names(third)).toEqual(['echo', 'search']);
    expect(third.result.tools.find((t: any) => t.name === 'search').description).toBe(SEARCH_POISONED.description);
    expect((await cursor.call('search', { query: 'x' })).result.content[0].text).toMatch(/^search ran/);
  });

  it('a block keeps the version from clients; the policy "allow everything" releases new versions at once', async () => {
    server.set({ ...ECHO, description: 'Echo a message, louder.' });
    const claude = startFromEntry(claudeFile());
    await claude.initialize('Claude');
    expect(names(await claude.request('tools/list', {}))).toEqual(['search']);
    await waitForReview((r) => r.pending === 1);
    const blocked = await call<ToolReview>('tools:block', { serverId: id, name: 'echo' });
    expect(blocked.items.find((i) => i.name === 'echo')).toMatchObject({ state: 'blocked', changed: ['description'] });
    expect((await claude.call('echo', {})).error.message).toMatch(/is blocked in MCP Switchboard: its current definition was not approved/);
    // Blocked stays blocked under any policy; a newer version under "allow everything" passes.
    await call('tools:set-policy', { serverId: id, mode: 'allow-all' });
    expect(names(await claude.request('tools/list', {}))).toEqual(['search']);
    server.set({ ...ECHO, description: 'Echo, version three.' });
    expect(names(await claude.request('tools/list', {}))).toEqual(['echo', 'search']);
    const review = await waitForReview((r) => r.items.find((i) => i.name === 'echo')?.state === 'approved');
    expect(review.items.find((i) => i.name === 'echo')).toMatchObject({ approvedHow: 'policy', current: { description: 'Echo, version three.' } });
    await call('tools:set-policy', { serverId: id, mode: 'ask' });
  });
});

describe('per-client tools', () => {
  it('two connector processes as two clients: each sees its own list and is refused the other’s hidden tool', async () => {
    const cursor = startFromEntry(cursorFile());
    const claude = startFromEntry(claudeFile());
    await cursor.initialize('Cursor');
    await claude.initialize('Claude');
    expect(names(await cursor.request('tools/list', {}))).toEqual(['echo', 'search']);
    expect(names(await claude.request('tools/list', {}))).toEqual(['echo', 'search']);

    const row = await call<ClientTools>('tools:set-hidden', { serverId: id, clientId: 'cursor', tool: 'echo', hidden: true });
    expect(row).toMatchObject({ clientId: 'cursor', clientName: 'Cursor', installed: true, visible: 1 });
    await call('tools:set-hidden', { serverId: id, clientId: 'claude-desktop', tool: 'search', hidden: true });
    // Each client whose visible set changed is told; then each sees its own list.
    await cursor.until(() => listChanged(cursor) === 1, 'list_changed for Cursor');
    await claude.until(() => listChanged(claude) === 1, 'list_changed for Claude');
    expect(names(await cursor.request('tools/list', {}))).toEqual(['search']);
    expect(names(await claude.request('tools/list', {}))).toEqual(['echo']);
    const before = server.calls.length;
    expect((await cursor.call('echo', { message: 'hi' })).error.message).toMatch(/Tool "echo" of Fixture is turned off for this client/);
    expect((await claude.call('search', { query: 'x' })).error.message).toMatch(/Tool "search" of Fixture is turned off for this client/);
    expect((await cursor.call('search', { query: 'x' })).result).toBeDefined();
    expect((await claude.call('echo', { message: 'hi' })).result).toBeDefined();
    expect(server.calls.slice(before)).toEqual(['search', 'echo']);

    // The checklist rows, the last connection and the context cost.
    const rows = await call<ClientTools[]>('tools:clients', { serverId: id });
    const cursorRow = rows.find((r) => r.clientId === 'cursor')!;
    expect(cursorRow.tools.map((t) => [t.name, t.hidden])).toEqual([
      ['echo', true],
      ['search', false],
    ]);
    expect(cursorRow.lastSeen).toMatchObject({ clientName: 'Cursor', clientVersion: '1.0.0', listedTools: true });
    expect(cursorRow.tokens).toBe(cursorRow.tools.find((t) => t.name === 'search')!.tokens);
    expect(cursorRow.tokens).toBeGreaterThan(10);
    const cost = await call<ClientContextCost[]>('tools:context-cost');
    expect(cost.find((c) => c.clientId === 'cursor')).toMatchObject({ visible: 1, tokens: cursorRow.tokens, servers: [{ serverId: id, visible: 1 }] });

    // Turned back on: the client is told and sees it again; the rules are in settings.json.
    await call('tools:set-hidden', { serverId: id, clientId: 'cursor', tool: 'echo', hidden: false });
    await cursor.until(() => listChanged(cursor) === 2, 'the second list_changed for Cursor');
    expect(names(await cursor.request('tools/list', {}))).toEqual(['echo', 'search']);
    const settings = JSON.parse(fs.readFileSync(path.join(home.dataDir, 'settings.json'), 'utf8'));
    expect(settings.toolPolicy[id].hidden).toEqual({ 'claude-desktop': ['search'] });
  });
});

async function waitForReview(ok: (r: ToolReview) => boolean): Promise<ToolReview> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await call<ToolReview>('tools:review', { serverId: id });
    if (ok(r) || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}
