/**
 * `tools` on the command line, run as a real process from the bundle against a running host (the
 * host in this process, its control socket): the review with what changed, an approval that
 * reaches the proxy at once, a client's checklist, and turning a tool off for one client.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../main/core/host';
import { SEARCH_POISONED, startChangingToolsServer, type ChangingToolsServer } from './fixtures/changing-tools-server';
import { CLI_SCRIPT, CONNECTOR_SCRIPT, makeTempHome, startHost, waitForState, type TempHome } from './fixtures/harness';
import { RawConnector } from './fixtures/raw-connector';

let server: ChangingToolsServer;
let home: TempHome;
let host: Host;
let id: string;
let client: RawConnector;

/** The CLI as a child process (asynchronous: the host answering it runs in this process). */
function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { env: home.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const names = (answer: any) => (answer.result.tools as Array<{ name: string }>).map((t) => t.name).sort();

beforeAll(async () => {
  server = await startChangingToolsServer();
  home = makeTempHome();
  host = await startHost(home, { clientLauncher: { command: process.execPath, connectorScript: CONNECTOR_SCRIPT, electronRunAsNode: false } });
  id = (await host.core.addServer({ url: server.url, name: 'Fixture' })).id;
  await waitForState(host.core, id, 'ready');
  await host.call('clients:install', { serverId: id, clientId: 'cursor' });
  client = RawConnector.start(home, id, { MCP_SWITCHBOARD_CLIENT: 'cursor' });
  await client.initialize('Cursor');
  expect(names(await client.request('tools/list', {}))).toEqual(['echo', 'search']);
});

afterAll(async () => {
  await client?.close();
  await host?.dispose();
  await server?.close();
  home?.cleanup();
});

describe('cli: tools', () => {
  it('review, approve, a client checklist and --disable through the running host', async () => {
    server.set(SEARCH_POISONED);
    expect(names(await client.request('tools/list', {}))).toEqual(['echo']);

    const review = await cli('tools', id);
    expect(review.code).toBe(0);
    expect(review.out).toContain('Policy: ask; 1 waiting for review');
    expect(review.out).toMatch(
      /REVIEW {4}tool {5}search {2}~\d+ tokens\n {10}changed: description, inputSchema\n {10}- Search the issues of the workspace\.\n {10}\+ Search the issues/,
    );
    expect(review.out).toMatch(/approved {2}tool {5}echo {2}~\d+ tokens \(approved at first use\)/);

    const approved = await cli('tools', id, '--approve', 'search', '--json');
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.out)).toMatchObject({ serverId: id, pending: 0 });
    await client.until(() => client.lines.some((m) => m.method === 'notifications/tools/list_changed'), 'list_changed');
    expect(names(await client.request('tools/list', {}))).toEqual(['echo', 'search']);

    const off = await cli('tools', id, '--client', 'cursor', '--disable', 'echo');
    expect(off.code).toBe(0);
    expect(off.out).toMatch(
      /^echo is off for cursor\.\nCursor: 1 of 2 tools, ~\d+ tokens; connected \d+ s ago \(Cursor 1\.0\.0\)\n {2}\[ \] echo {2}~\d+ tokens {2}\(turned off\)\n {2}\[x\] search/,
    );
    expect((await client.call('echo', {})).error.message).toMatch(/turned off for this client/);

    expect((await cli('tools', id, '--disable', 'echo')).code).toBe(2);
    expect((await cli('tools', id, '--approve', 'nothing-like-it')).code).toBe(1);
    expect((await cli('tools', id, '--policy', 'sometimes')).code).toBe(2);
  });
});
