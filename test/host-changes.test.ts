/**
 * A running host and changes it did not make (issue: `add` from a command line that wrote
 * settings.json directly left the host without a proxy, and the installed entry's connector timed
 * out after 30 s while the host ran):
 * - the host notices settings.json changing under it (conf's file watch) and starts, restarts or
 *   stops proxies to match;
 * - a connector that finds no proxy while the host runs asks the host to start it (and never
 *   starts a second host), or fails at once with a sentence that says what to do.
 * Real parts: the bundled proxy and connector as child processes, the SDK's reference server, a
 * second conf instance on the same file standing in for another process's write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Conf from 'conf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSettingsStore } from '../main/core/settings-store';
import { ServerRegistry } from '../main/core/servers/server-registry';
import { resolvePaths } from '../main/shared/paths';
import { connectClient, makeTempHome, startHost, waitForState, type TempHome } from './fixtures/harness';
import { waitFor } from './fixtures/ports';
import { startSdkServer, type SdkServer } from './fixtures/sdk-server';

let server: SdkServer;
beforeAll(async () => {
  server = await startSdkServer();
});
afterAll(async () => {
  await server?.close();
});

/** settings.json as another process sees it (an older command line, a hand edit). */
function otherProcess(home: TempHome): ServerRegistry {
  return new ServerRegistry(new Conf({ cwd: home.dataDir, configName: 'settings', projectName: 'mcp-switchboard', projectSuffix: '' }));
}

// A connector that waited for its timeout instead of failing at once would outlast the test.
const LONG_CONNECT = { MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS: '600000' };

describe('a running host and changes it did not make', () => {
  it('starts a proxy for a server another process added, restarts it when its URL changes, stops it when removed', async () => {
    const home = makeTempHome();
    const host = await startHost(home);
    try {
      const other = otherProcess(home);
      const id = other.add({ url: server.url, name: 'Added elsewhere' }).id;
      await waitForState(host.core, id, 'ready');
      expect(host.core.tailLogs(id).map((e) => e.message)).toContain('Added or enabled outside this window; starting its proxy');
      const firstPid = host.core.proxyPid(id);

      const c = await connectClient(home, id);
      expect((await c.client.callTool({ name: 'echo', arguments: { message: 'hi' } })).content).toEqual([{ type: 'text', text: 'echo: hi' }]);
      await c.close();

      other.update(id, { headers: { 'X-Changed': 'yes' } });
      await waitFor(() => host.core.proxyPid(id) !== firstPid && host.core.listServers()[0]?.status.state === 'ready', 'a restarted proxy');

      other.remove(id);
      await waitFor(() => host.core.proxyPid(id) === undefined && host.core.listServers().length === 0, 'the proxy to stop');
    } finally {
      await host.dispose();
      home.cleanup();
    }
  });

  it('a connector whose server has no proxy asks the running host to start it, and relays', async () => {
    const home = makeTempHome();
    // Without the file watch, only the connector's request can start the proxy.
    const host = await startHost(home, { settings: openSettingsStore(resolvePaths(home.env), { watch: false }) });
    try {
      const id = otherProcess(home).add({ url: server.url, name: 'Not started' }).id;
      expect(host.core.proxyPid(id)).toBeUndefined();
      const c = await connectClient(home, id, { env: LONG_CONNECT });
      expect((await c.client.callTool({ name: 'echo', arguments: { message: 'via the host' } })).content).toEqual([
        { type: 'text', text: 'echo: via the host' },
      ]);
      await c.close();
      expect(c.stderr()).toMatch(/MCP Switchboard is running; asked it to start "not-started"/);
      expect(c.stderr()).not.toMatch(/starting MCP Switchboard in the background/);
      expect(host.core.tailLogs(id).map((e) => e.message)).toContain('A client asked for this server and its proxy was not running; starting it');
    } finally {
      await host.dispose();
      home.cleanup();
    }
  });

  it('a connector for a server the running host does not know, or has turned off, fails at once with what to do', async () => {
    const home = makeTempHome();
    const host = await startHost(home, { settings: openSettingsStore(resolvePaths(home.env), { watch: false }) });
    try {
      await expect(connectClient(home, 'ghost', { env: LONG_CONNECT })).rejects.toThrow(
        /MCP Switchboard has no server "ghost" .*Add the server again in MCP Switchboard and install it into this client, or remove this entry/,
      );
      const s = await host.core.addServer({ url: server.url, name: 'Paused' });
      await host.core.setEnabled(s.id, false);
      await expect(connectClient(home, s.id, { env: LONG_CONNECT })).rejects.toThrow(/"Paused" is turned off in MCP Switchboard\. Turn it on/);
      // Both asked the running host; neither tried to start another one.
      const connectorLog = fs.readFileSync(path.join(resolvePaths(home.env).logsDir, 'connector.log'), 'utf8');
      expect(connectorLog).toMatch(/has no server "ghost"/);
      expect(connectorLog).toMatch(/"Paused" is turned off/);
      expect(connectorLog).not.toMatch(/starting MCP Switchboard in the background/);
      expect(host.core.listServers().map((x) => x.enabled)).toEqual([false]);
    } finally {
      await host.dispose();
      home.cleanup();
    }
  });
});

describe('naming', () => {
  it('names a server added without a name after the server itself, not its host', async () => {
    const home = makeTempHome();
    const host = await startHost(home);
    try {
      // Added without a name: named after its host until its proxy hears the server's own name
      // (the SDK fixture's serverInfo.name is "sdk-fixture"); the id, which entries use, stays.
      const added = await host.core.addServer({ url: server.url });
      expect(added).toMatchObject({ id: '127-0-0-1', name: '127.0.0.1' });
      await waitFor(() => host.core.listServers().find((s) => s.id === added.id)?.name === 'sdk-fixture', 'the server to be named after itself');
      expect(host.core.tailLogs(added.id).map((e) => e.message)).toContain('Named "sdk-fixture", as the server calls itself');
      // A name the user gives is kept, and a server that does not answer keeps its host's name.
      const mine = await host.core.addServer({ url: `${server.url}?x=1`, name: 'Mine' });
      const silent = await host.core.addServer({ url: 'http://127.0.0.1:9/mcp' });
      await waitForState(host.core, mine.id, 'ready');
      await waitForState(host.core, silent.id, 'retrying');
      expect(host.core.listServers().map((s) => [s.id, s.name])).toEqual([
        ['127-0-0-1', 'sdk-fixture'],
        ['mine', 'Mine'],
        ['127-0-0-1-2', '127.0.0.1'],
      ]);
    } finally {
      await host.dispose();
      home.cleanup();
    }
  });
});
