/** The client commands of the CLI, run as real processes from the bundle on a temp home. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_SCRIPT as CLI, makeTempHome, ROOT, runCli } from './fixtures/harness';

const cli = runCli;

describe('cli: clients', () => {
  it('clients, install, status, uninstall with --json and exit codes', () => {
    const h = makeTempHome();
    try {
      const file = path.join(h.home, '.cursor', 'mcp.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const original = '{\n  // mine\n  "mcpServers": {\n    "other": { "command": "x" },\n  },\n}\n';
      fs.writeFileSync(file, original);
      expect(cli(h.env, 'add', 'https://mcp.linear.app/mcp', '--name', 'Linear').code).toBe(0);
      const clients = JSON.parse(cli(h.env, 'clients', '--json').out);
      expect(clients.find((c: { id: string }) => c.id === 'cursor')).toMatchObject({ present: true, configPath: file });
      const ins = cli(h.env, 'install', 'linear', '--client', 'cursor', '--json');
      expect(ins.code).toBe(0);
      expect(JSON.parse(ins.out)).toMatchObject({ name: 'linear', changed: true, file });
      const entry = JSON.parse(
        fs
          .readFileSync(file, 'utf8')
          .replace('// mine', '')
          .replace(/,(\s*[}\]])/g, '$1'),
      ).mcpServers.linear;
      // The temp data directory is not the default one: the entry names it, so a client started from
      // a desktop launcher (without this shell's MCP_SWITCHBOARD_HOME) still finds it.
      expect(entry).toEqual({
        command: process.execPath,
        args: [path.join(ROOT, 'out/connector/index.js'), 'linear'],
        // …and its install tag (the client it was written into: the proxy applies that client's tool rules).
        env: { MCP_SWITCHBOARD_HOME: h.dataDir, MCP_SWITCHBOARD_CLIENT: 'cursor' },
      });
      const status = JSON.parse(cli(h.env, 'status', '--json').out);
      expect(status.find((s: { clientId: string }) => s.clientId === 'cursor')).toEqual({
        serverId: 'linear',
        clientId: 'cursor',
        state: 'installed',
        name: 'linear',
      });
      expect(cli(h.env, 'uninstall', 'linear', '--client', 'cursor').code).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe(original);
      expect(cli(h.env, 'install', 'linear', '--client', 'nope').code).toBe(1);
      expect(cli(h.env, 'install', 'ghost', '--client', 'cursor').code).toBe(1);
      expect(cli(h.env, 'install', 'linear').code).toBe(2);
      fs.writeFileSync(file, '{ "mcpServers": { ');
      const bad = cli(h.env, 'install', 'linear', '--client', 'cursor', '--json');
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.out).error).toMatch(/line 1, column \d+/);
      expect(fs.readFileSync(file, 'utf8')).toBe('{ "mcpServers": { ');
    } finally {
      h.cleanup();
    }
  });

  it('import turns mcp-remote entries into managed servers', () => {
    const h = makeTempHome();
    try {
      const file = path.join(h.home, '.codex', 'config.toml');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '# codex\n[mcp_servers.notion]\ncommand = "npx"\nargs = ["-y", "mcp-remote", "https://mcp.notion.com/mcp"]\n');
      const found = JSON.parse(cli(h.env, 'import', '--json').out);
      expect(found).toEqual([expect.objectContaining({ clientId: 'codex', entryName: 'notion', url: 'https://mcp.notion.com/mcp' })]);
      const done = cli(h.env, 'import', '--yes', '--json');
      expect(done.code).toBe(0);
      expect(JSON.parse(cli(h.env, 'list', '--json').out)).toEqual([expect.objectContaining({ url: 'https://mcp.notion.com/mcp' })]);
      expect(fs.readFileSync(file, 'utf8')).toMatch(
        /^# codex\n\[mcp_servers\.notion\]\ncommand = ".*"\nargs = \[".*connector\/index\.js", "notion"\]\nenv = \{ MCP_SWITCHBOARD_HOME = ".*\/data", MCP_SWITCHBOARD_CLIENT = "codex" \}\n$/,
      );
      expect(JSON.parse(cli(h.env, 'status', '--json').out).find((s: { clientId: string }) => s.clientId === 'codex').state).toBe('installed');
    } finally {
      h.cleanup();
    }
  });

  it('remove takes the server out of client configs unless --keep-in-clients', () => {
    const h = makeTempHome();
    try {
      const file = path.join(h.home, '.cursor', 'mcp.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const original = '{\n  "mcpServers": {\n    "other": { "command": "x" }\n  }\n}\n';
      fs.writeFileSync(file, original);
      expect(cli(h.env, 'add', 'https://mcp.linear.app/mcp', '--name', 'Linear').code).toBe(0);
      expect(cli(h.env, 'install', 'linear', '--client', 'cursor').code).toBe(0);
      const removed = cli(h.env, 'remove', 'linear', '--json');
      expect(removed.code).toBe(0);
      expect(JSON.parse(removed.out)).toMatchObject({
        removed: 'linear',
        uninstalled: [{ clientId: 'cursor', serverId: 'linear', file, changed: true }],
        failed: [],
      });
      expect(fs.readFileSync(file, 'utf8')).toBe(original);
      expect(JSON.parse(cli(h.env, 'list', '--json').out)).toEqual([]);

      expect(cli(h.env, 'add', 'https://mcp.linear.app/mcp', '--name', 'Linear').code).toBe(0);
      expect(cli(h.env, 'install', 'linear', '--client', 'cursor').code).toBe(0);
      const kept = cli(h.env, 'remove', 'linear', '--keep-in-clients');
      expect(kept.code).toBe(0);
      expect(kept.out).toBe('Removed linear\n');
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).mcpServers.linear.args[1]).toBe('linear');
      expect(cli(h.env, 'remove', 'linear').code).toBe(1);
    } finally {
      h.cleanup();
    }
  });

  it('parallel CLI processes installing into one file never lose a change', async () => {
    const h = makeTempHome();
    try {
      const ids = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];
      for (const id of ids) expect(cli(h.env, 'add', `https://${id}.example.com/mcp`, '--name', id).code).toBe(0);
      const file = path.join(h.home, '.cline', 'data', 'settings', 'cline_mcp_settings.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '{"mcpServers": {"mine": {"command": "x"}}}');
      const codes = await Promise.all(
        ids.map(
          (id) =>
            new Promise<number | null>((resolve) =>
              spawn(process.execPath, [CLI, 'install', id, '--client', 'cline'], { env: h.env, stdio: 'ignore' }).on('exit', resolve),
            ),
        ),
      );
      expect(codes).toEqual(ids.map(() => 0));
      expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).mcpServers).sort()).toEqual([...ids, 'mine'].sort());
    } finally {
      h.cleanup();
    }
  });
});
