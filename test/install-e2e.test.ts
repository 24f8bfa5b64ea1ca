/**
 * One-click install, end to end: AppCore installs a server into a temp Claude Desktop and Cursor
 * config (with the user's own entries, which stay byte-identical), then an MCP client starts the
 * entry exactly as the client app would — its command, args and env from the file — and calls a
 * tool. A moved app is repaired on the next start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { AppCore } from '../main/core/app-core';
import { startSdkServer, type SdkServer } from './fixtures/sdk-server';
import { CONNECTOR_SCRIPT, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';
import { waitFor } from './fixtures/ports';

let server: SdkServer;
let home: TempHome;
let core: AppCore;
let id: string;
let claudeFile: string;
let cursorFile: string;

const USER_CLAUDE =
  '{\n  "mcpServers": {\n    "filesystem": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/ada"]\n    }\n  },\n  "globalShortcut": "Ctrl+Space"\n}\n';
const USER_CURSOR = '{\r\n  // my servers\r\n  "mcpServers": {\r\n    "local": { "command": "uvx", "args": ["my-server"], },\r\n  },\r\n}\r\n';

beforeAll(async () => {
  server = await startSdkServer();
  home = makeTempHome();
  claudeFile = path.join(home.home, '.config', 'Claude', 'claude_desktop_config.json');
  cursorFile = path.join(home.home, '.cursor', 'mcp.json');
  fs.mkdirSync(path.dirname(claudeFile), { recursive: true });
  fs.mkdirSync(path.dirname(cursorFile), { recursive: true });
  fs.writeFileSync(claudeFile, USER_CLAUDE);
  fs.writeFileSync(cursorFile, USER_CURSOR);
  core = await startCore(home, { clientLauncher: { command: process.execPath, connectorScript: CONNECTOR_SCRIPT, electronRunAsNode: false } });
  id = (await core.addServer({ url: server.url, name: 'Fixture' })).id;
  await waitForState(core, id, 'ready');
});

afterAll(async () => {
  await core?.dispose();
  await server?.close();
  home?.cleanup();
});

async function runEntry(file: string, key: string, name: string) {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/\/\/.*$/gm, '')
    .replace(/,(\s*[}\]])/g, '$1');
  const entry = JSON.parse(text)[key][name];
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...home.env, ...(entry.env ?? {}) } });
  const client = new Client({ name: 'claude-desktop-stand-in', version: '1' }, { capabilities: {} });
  await client.connect(transport);
  return { client, entry };
}

describe('install into clients', () => {
  it('detects the clients present and reports the pair states', async () => {
    const present = core
      .listClients()
      .filter((c) => c.present)
      .map((c) => c.id);
    expect(present).toEqual(expect.arrayContaining(['claude-desktop', 'cursor']));
    const states = await core.installStatus(id);
    expect(states.find((s) => s.clientId === 'claude-desktop')!.state).toBe('not-installed');
  });

  it('installs into Claude Desktop and Cursor; the entries run the connector and reach the server', async () => {
    const r1 = await core.install(id, 'claude-desktop');
    const r2 = await core.install(id, 'cursor');
    expect(r1.restartHint).toMatch(/Quit Claude Desktop completely/);
    for (const [file, result] of [
      [claudeFile, r1],
      [cursorFile, r2],
    ] as const) {
      const { client, entry } = await runEntry(file, 'mcpServers', result.name);
      expect(entry.command).toBe(process.execPath);
      expect(entry.args).toEqual([CONNECTOR_SCRIPT, id]);
      expect(JSON.stringify(entry)).not.toMatch(/npx|mcp-remote/);
      const r = await client.callTool({ name: 'echo', arguments: { message: `via ${result.clientId}` } });
      expect(JSON.stringify(r.content)).toContain(`echo: via ${result.clientId}`);
      await client.close();
    }
    // The user's own entries, comments, trailing commas and CRLF are untouched.
    const cursorText = fs.readFileSync(cursorFile, 'utf8');
    expect(cursorText).toContain('// my servers\r\n');
    expect(cursorText).toContain('"local": { "command": "uvx", "args": ["my-server"], },\r\n');
    expect((await core.installStatus(id)).find((s) => s.clientId === 'cursor')!.state).toBe('installed');
  });

  it('repairs an entry that points at an old app location on the next start', async () => {
    const moved = fs.readFileSync(claudeFile, 'utf8').split(CONNECTOR_SCRIPT).join('/Applications/Old Switchboard.app/connector/index.js');
    fs.writeFileSync(claudeFile, moved);
    expect((await core.installStatus(id)).find((s) => s.clientId === 'claude-desktop')!.state).toBe('stale');
    await core.dispose();
    core = await startCore(home, { clientLauncher: { command: process.execPath, connectorScript: CONNECTOR_SCRIPT, electronRunAsNode: false } });
    // On demand: the configured server waits, with no proxy, for a client's first connection.
    await waitForState(core, id, 'idle');
    // The repair runs in the background after the start and logs when it is done (or why not).
    await waitFor(() => core.tailLogs(id).some((e) => /(Repaired|Could not repair) the Claude Desktop entry/.test(e.message)), 'the repair on start');
    const state = (await core.installStatus(id)).find((s) => s.clientId === 'claude-desktop')!.state;
    expect(state).toBe('installed');
    expect(core.tailLogs(id).some((e) => /Repaired the Claude Desktop entry/.test(e.message))).toBe(true);
  });

  it("uninstalls only our entry: the user's file comes back byte for byte", async () => {
    await core.uninstall(id, 'claude-desktop');
    await core.uninstall(id, 'cursor');
    expect(fs.readFileSync(claudeFile, 'utf8')).toBe(USER_CLAUDE);
    expect(fs.readFileSync(cursorFile, 'utf8')).toBe(USER_CURSOR);
  });
});
