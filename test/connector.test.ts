/**
 * The connector as MCP clients run it: starting the app when nothing listens, failing with a
 * JSON-RPC error that says what to do, printing nothing but protocol on stdout, exiting when
 * stdin closes. The "app" here is the real headless host (out/headless/index.js), started by
 * the connector itself.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Conf from 'conf';
import { resolvePaths } from '../main/shared/paths';
import { ServerRegistry } from '../main/core/servers/server-registry';
import { startSdkServer, type SdkServer } from './fixtures/sdk-server';
import { CONNECTOR_SCRIPT, connectClient, makeTempHome, type TempHome } from './fixtures/harness';
import { waitFor } from './fixtures/ports';

let server: SdkServer;
beforeAll(async () => {
  server = await startSdkServer();
});
afterAll(async () => {
  await server?.close();
});

function seedServer(home: TempHome, url: string): string {
  const conf = new Conf({ cwd: home.dataDir, configName: 'settings', projectName: 'mcp-switchboard', projectSuffix: '' });
  return new ServerRegistry(conf).add({ url, name: 'Seeded' }).id;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // process ended while we looked
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('connector', () => {
  it('starts the app in the background when no proxy listens, then relays; proxies die with the app', async () => {
    const home = makeTempHome();
    try {
      const id = seedServer(home, server.url);
      const c = await connectClient(home, id);
      const r = await c.client.callTool({ name: 'echo', arguments: { message: 'autostarted' } });
      expect(JSON.stringify(r.content)).toContain('echo: autostarted');
      expect(c.stderr()).toMatch(/starting MCP Switchboard in the background/);
      await c.close();

      const hostPid = Number(fs.readFileSync(path.join(resolvePaths(home.env).runDir, 'host.pid'), 'utf8'));
      expect(alive(hostPid)).toBe(true);
      const proxies = childrenOf(hostPid);
      expect(proxies.length).toBe(1);
      // Killing the host outright must not orphan its proxies.
      process.kill(hostPid, 'SIGKILL');
      await waitFor(() => proxies.every((p) => !alive(p)), 'the proxy to exit with its host', 10_000);
    } finally {
      home.cleanup();
    }
  });

  it('answers initialize with an actionable JSON-RPC error when the app cannot start, and prints only protocol on stdout', async () => {
    const home = makeTempHome();
    try {
      const child = spawn(process.execPath, [CONNECTOR_SCRIPT, 'notion'], {
        env: {
          ...home.env,
          MCP_SWITCHBOARD_APP_COMMAND: JSON.stringify([process.execPath, '-e', 'process.exit(1)']),
          MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS: '1500',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.stdin.write(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'initialize',
          params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
        }) + '\n',
      );
      await waitFor(() => stdout.includes('\n'), 'an answer on stdout', 10_000);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const msg = JSON.parse(lines[0]);
      expect(msg.id).toBe(7);
      expect(msg.error.message).toMatch(
        /could not connect this client to "notion".*Open MCP Switchboard, check that "notion" is listed and enabled, then restart this client/,
      );
      expect(stderr).toMatch(/starting MCP Switchboard in the background/);
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.stdin.end();
      expect(await exit).toBe(1);
      expect(fs.readFileSync(path.join(resolvePaths(home.env).logsDir, 'connector.log'), 'utf8')).toMatch(/no proxy is listening|never finished starting/);
    } finally {
      home.cleanup();
    }
  });

  it('exits with code 0 when stdin closes', async () => {
    const home = makeTempHome();
    try {
      const id = seedServer(home, server.url);
      // The connector's only time limit (connecting) is set far beyond this test's own time limit, so
      // nothing timed can be what ends it: only stdin closing can.
      const child = spawn(process.execPath, [CONNECTOR_SCRIPT, id], {
        env: { ...home.env, MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS: String(3_600_000) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stdin.write(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
        }) + '\n',
      );
      await waitFor(() => stdout.includes('\n'), 'the initialize result', 15_000);
      expect(JSON.parse(stdout.split('\n')[0]).result.serverInfo.name).toBe('sdk-fixture');
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      child.stdin.end();
      // On its own, not killed: exit code 0 and no signal, within this test's time limit.
      expect(await exit).toEqual({ code: 0, signal: null });
      const hostPid = Number(fs.readFileSync(path.join(resolvePaths(home.env).runDir, 'host.pid'), 'utf8'));
      process.kill(hostPid, 'SIGTERM');
      await waitFor(() => !alive(hostPid), 'the host to stop', 10_000);
    } finally {
      home.cleanup();
    }
  });
});
