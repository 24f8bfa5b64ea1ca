/**
 * TEST-ONLY backend of the tool policy's browser spec (e2e/tools.spec.ts): the real host (the
 * headless host's factory and ports) on temp dirs behind the product's browser shell, a real SDK
 * server whose tools the spec changes (test/fixtures/changing-tools-server.ts), and two real
 * connector processes started from the entries the host wrote into Cursor's and Claude Desktop's
 * configs (each with its install tag), driven with raw JSON-RPC. Loaded through esbuild like the
 * story's backend (some core dependencies ship ESM only a bundler resolves).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHost, type Host } from '../../main/core/host';
import { headlessPorts } from '../../main/headless/headless-host';
import { startWebShell, type WebShell } from '../../main/headless/web-shell';
import { coreEvents } from '../../main/headless/web-window';
import { resolvePaths } from '../../main/shared/paths';
import { SEARCH_POISONED, startChangingToolsServer, type ChangingToolsServer } from '../../test/fixtures/changing-tools-server';
import { RawConnector } from '../../test/fixtures/raw-connector';

export interface ToolsBackend {
  host: Host;
  shell: WebShell;
  serverId: string;
  server: ChangingToolsServer;
  /** The two clients: connector processes started from their config entries. */
  clients: { cursor: RawConnector; claude: RawConnector };
  /** tools/list from one client: the names it sees. */
  list(client: RawConnector): Promise<string[]>;
  /** The server turns hostile: `search` gets a poisoned description and a new argument. */
  poison(): void;
  close(): Promise<void>;
}

export async function startToolsBackend(opts: { repoRoot: string; name: string }): Promise<ToolsBackend> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-tools-'));
  const home = path.join(root, 'home');
  const env: Record<string, string> = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), PATH: process.env.PATH ?? '' };
  const paths = resolvePaths(env);
  const claudeConfig = path.join(env.XDG_CONFIG_HOME, 'Claude', 'claude_desktop_config.json');
  const cursorConfig = path.join(home, '.cursor', 'mcp.json');
  fs.mkdirSync(path.dirname(claudeConfig), { recursive: true });
  fs.mkdirSync(path.dirname(cursorConfig), { recursive: true });
  const connectorScript = path.join(opts.repoRoot, 'out', 'connector', 'index.js');
  const host = createHost({
    ...headlessPorts({ env, paths, autoSignIn: false }),
    proxyScript: path.join(opts.repoRoot, 'out', 'proxy', 'index.js'),
    supervisor: { backoffBaseMs: 200, backoffMaxMs: 2000, stopTimeoutMs: 3000 },
    clientLauncher: { command: process.execPath, connectorScript, electronRunAsNode: false },
  });
  await host.start();
  // The window would ask how to keep tokens (the headless host's plain file); this server needs none.
  // This story starts after the first listing was approved at first use (Settings: "trust"); the
  // review of a new server's first listing ("review", the default) is test/tool-review.test.ts.
  await host.call('settings:set', { weakStorage: 'store', newServerTools: 'trust' });
  const server = await startChangingToolsServer();
  const serverId = (await host.core.addServer({ url: server.url, name: opts.name })).id;
  for (let i = 0; host.core.listServers().find((s) => s.id === serverId)?.status.state !== 'ready'; i++) {
    if (i > 600) throw new Error(`the server never became ready: ${JSON.stringify(host.core.listServers()[0]?.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const clientId of ['cursor', 'claude-desktop']) {
    const r = await host.call('clients:install', { serverId, clientId });
    if (!r.ok) throw new Error(r.error);
  }
  const fromEntry = (file: string) => {
    const entry = Object.values(JSON.parse(fs.readFileSync(file, 'utf8')).mcpServers as Record<string, { args: string[]; env?: Record<string, string> }>)[0]!;
    return RawConnector.start({ home, dataDir: paths.dataDir, env, cleanup: () => {} }, entry.args[1]!, entry.env ?? {});
  };
  const clients = { cursor: fromEntry(cursorConfig), claude: fromEntry(claudeConfig) };
  await clients.cursor.initialize('Cursor');
  await clients.claude.initialize('Claude');
  const list = async (c: RawConnector) => ((await c.request('tools/list', {})).result.tools as Array<{ name: string }>).map((t) => t.name).sort();
  // The first listing: the baseline, approved at first use.
  await list(clients.cursor);
  await list(clients.claude);
  const shell = await startWebShell({ rendererRoot: path.join(opts.repoRoot, 'out', 'renderer'), dispatch: host.call, events: coreEvents(host.core) });
  return {
    host,
    shell,
    serverId,
    server,
    clients,
    list,
    poison: () => server.set(SEARCH_POISONED),
    close: async () => {
      await Promise.all([clients.cursor.close(), clients.claude.close()]);
      await shell.close();
      await host.dispose();
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
