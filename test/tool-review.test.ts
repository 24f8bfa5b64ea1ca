/**
 * A new server's tools wait for the user (issue 16, Settings "review new servers' tools", the
 * app's default): a real host lists them through the proxy as soon as the server is ready, so the
 * review is there before any client asks; a real connector started from the entry written into
 * Cursor's config sees none of them and is refused a call, until the user approves through the
 * contract; then it is told its list changed and sees and calls them. Under "trust" a new server's
 * first listing is approved at first use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../main/core/host';
import type { Result, ToolReview } from '../common/contract';
import { ECHO, POISON, SEARCH_POISONED, startChangingToolsServer, type ChangingToolsServer } from './fixtures/changing-tools-server';
import { CONNECTOR_SCRIPT, makeTempHome, startHost, waitForState, type TempHome } from './fixtures/harness';
import { waitFor } from './fixtures/ports';
import { RawConnector } from './fixtures/raw-connector';

let server: ChangingToolsServer;
let home: TempHome;
let host: Host;
const notes: Array<{ title: string; body: string; serverId?: string }> = [];
const open: RawConnector[] = [];

async function call<T>(name: string, arg?: unknown): Promise<T> {
  const r = (await host.call(name, arg)) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${r.error}`);
  return r.value;
}

const names = (answer: any) => (answer.result.tools as Array<{ name: string }>).map((t) => t.name).sort();

beforeAll(async () => {
  // The first listing itself is hostile: nothing of it may reach a client before the user saw it.
  server = await startChangingToolsServer([SEARCH_POISONED, ECHO]);
  home = makeTempHome(undefined, { newServerTools: 'review' });
  host = await startHost(home, {
    clientLauncher: { command: process.execPath, connectorScript: CONNECTOR_SCRIPT, electronRunAsNode: false },
    notifier: { notify: (title, body, options) => void notes.push({ title, body, ...(options?.serverId ? { serverId: options.serverId } : {}) }) },
  });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await host?.dispose();
  await server?.close();
  home?.cleanup();
});

describe('a new server under "review new servers\' tools"', () => {
  it('is listed at once for review and announced; its client sees nothing and is refused until approval, then is told and sees it all', async () => {
    expect((await call<{ newServerTools: string }>('settings:get')).newServerTools).toBe('review');
    const id = (await host.core.addServer({ url: server.url, name: 'Fixture' })).id;
    await waitForState(host.core, id, 'ready');
    // The host listed the tools itself when the server became ready: the review is waiting.
    const review = await waitFor(async () => {
      const r = await call<ToolReview>('tools:review', { serverId: id });
      return r.pending === 2 ? r : undefined;
    }, 'the first listing to wait for review');
    expect(review.items.map((i) => [i.name, i.state])).toEqual([
      ['echo', 'pending'],
      ['search', 'pending'],
    ]);
    expect(review.items.find((i) => i.name === 'search')).toMatchObject({ current: SEARCH_POISONED });
    expect(review.items.every((i) => i.previous === undefined)).toBe(true);
    expect(notes).toEqual([
      {
        title: "Review Fixture's tools",
        body: 'Fixture offers 2 tools: search, echo. Clients see them once you approve in MCP Switchboard (Fixture › Tools).',
        serverId: id,
      },
    ]);

    await call('clients:install', { serverId: id, clientId: 'cursor' });
    const entry = JSON.parse(fs.readFileSync(path.join(home.home, '.cursor', 'mcp.json'), 'utf8')).mcpServers.fixture;
    const cursor = RawConnector.start(home, id, entry.env);
    open.push(cursor);
    await cursor.initialize('Cursor');
    expect(names(await cursor.request('tools/list', {}))).toEqual([]);
    const refused = await cursor.call('echo', { message: 'hi' });
    expect(refused.error.message).toMatch(
      /Tool "echo" of Fixture is new or its definition changed since it was approved.*Approve it in MCP Switchboard: Fixture › Tools/,
    );
    expect(server.calls).not.toContain('echo');
    expect(JSON.stringify(cursor.lines)).not.toContain(POISON);
    // Listing again announces nothing twice.
    expect(names(await cursor.request('tools/list', {}))).toEqual([]);
    expect(notes).toHaveLength(1);

    const approved = await call<ToolReview>('tools:approve', { serverId: id, kind: 'tools', all: true });
    expect(approved.pending).toBe(0);
    expect(approved.items.map((i) => [i.name, i.state, i.approvedHow])).toEqual([
      ['echo', 'approved', 'user'],
      ['search', 'approved', 'user'],
    ]);
    await cursor.until(() => cursor.lines.some((m) => m.method === 'notifications/tools/list_changed'), 'notifications/tools/list_changed');
    expect(names(await cursor.request('tools/list', {}))).toEqual(['echo', 'search']);
    expect((await cursor.call('echo', { message: 'hi' })).result.content[0].text).toContain('hi');
  });

  it('under "trust", a server added next takes its first listing as approved at first use', async () => {
    await call('settings:set', { newServerTools: 'trust' });
    const id = (await host.core.addServer({ url: server.url, name: 'Fixture trusted' })).id;
    await waitForState(host.core, id, 'ready');
    const cursor = RawConnector.start(home, id, {});
    open.push(cursor);
    await cursor.initialize('Cursor');
    expect(names(await cursor.request('tools/list', {}))).toEqual(['echo', 'search']);
    const review = await call<ToolReview>('tools:review', { serverId: id });
    expect(review.items.map((i) => [i.name, i.state, i.approvedHow])).toEqual([
      ['echo', 'approved', 'first-use'],
      ['search', 'approved', 'first-use'],
    ]);
    expect(notes).toHaveLength(1);
  });
});
