/** Every client in the table, on real files in a temp home. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENTS, pathContext, type ClientDef, type Launcher } from './client-table';
import { ClientService, FORMATS, chooseEntryName } from './client-service';
import { writeTemp } from './safe-write';
import { FakeClock } from '../testing/fake-clock';

const LAUNCHER: Launcher = {
  command: '/opt/MCP Switchboard/mcp-switchboard',
  connectorScript: '/opt/MCP Switchboard/resources/app.asar.unpacked/out/connector/index.js',
  electronRunAsNode: true,
};
const OLD: Launcher = {
  command: '/old/Switchboard.app/Contents/MacOS/MCP Switchboard',
  connectorScript: '/old/Switchboard.app/Contents/Resources/app.asar.unpacked/out/connector/index.js',
  electronRunAsNode: true,
};

let home: string;
let env: Record<string, string>;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-clients-'));
  env = { HOME: home };
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

function service(launcher = LAUNCHER, clock?: FakeClock) {
  return new ClientService({ env, platform: 'linux', launcher, backupDir: path.join(home, 'data', 'backups'), clock });
}

/** Polls `cond` (file-system steps take real time); the deadline only turns a hang into a failure. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; !cond();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** The lock is still taken: lets the next attempt run and waits until it has scheduled the one after. */
async function nextLockAttempt(clock: FakeClock): Promise<void> {
  const due = clock.pending()[0];
  clock.advanceTo(due);
  await until(() => (clock.pending()[0] ?? 0) > due, 'the next lock attempt');
}
function fileOf(def: ClientDef): string {
  return def.configPath(pathContext(env, 'linux'))!;
}
function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
function data(def: ClientDef, text: string) {
  const r = FORMATS[def.format].parse(text);
  if (!r.ok) throw new Error(`does not parse: ${r.error.message} ${r.error.line}:${r.error.column}`);
  return r.data;
}

/** A config with another server (non-ASCII name), comments and (for JSON) trailing commas. */
function rich(def: ClientDef): string {
  const other = def.toEntry({ command: 'npx', args: ['-y', '@acme/server', 'ünïcödé'], env: { TOKEN: 'x' } });
  if (def.format === 'toml') {
    return `# my codex config\nmodel = "o3"  # trailing comment\n\n[mcp_servers."café ☕"]\ncommand = "npx"\nargs = ["-y", "@acme/server", "ünïcödé"]\nenv = { TOKEN = "x" }\n\n[profiles.fast]\nmodel = "o4-mini"\n`;
  }
  if (def.format === 'yaml') {
    return `# goose config\nGOOSE_PROVIDER: openai   # keep me\nextensions:\n  café:\n    name: 'Café ☕'\n    type: stdio\n    cmd: npx\n    args: [-y, "@acme/server", ünïcödé]\n    envs: {TOKEN: x}\n    enabled: true\n# trailing comment\nGOOSE_MODEL: gpt-4o\n`;
  }
  const o = JSON.stringify(other, null, 2).split('\n').join('\n    ');
  return `{\n  // user settings\n  "theme": "dark", /* block */\n  "${def.key}": {\n    "café ☕": ${o},\n  },\n  "zz": [1, 2,],\n}\n`;
}

const VARIANTS: Array<[string, (d: ClientDef) => string]> = [
  ['rich', rich],
  ['crlf', (d) => rich(d).replace(/\n/g, '\r\n')],
  ['bom', (d) => '\uFEFF' + rich(d)],
  ['no final newline', (d) => rich(d).replace(/\n$/, '')],
  [
    'other servers only',
    (d) =>
      d.format === 'toml'
        ? `[mcp_servers.a]\ncommand = "a"\n`
        : d.format === 'yaml'
          ? `extensions:\n  a:\n    cmd: a\n`
          : `{"${d.key}": {"a": {"command": "a"}}}`,
  ],
];

describe.each(CLIENTS.map((c) => [c.id, c] as const))('%s', (_id, def) => {
  it('missing directory: install creates the file; detect; uninstall removes only our entry', async () => {
    const s = service();
    expect(s.clients().find((c) => c.id === def.id)!.present).toBe(false);
    expect(await s.state('linear', def.id)).toEqual({ state: 'not-installed' });
    const r = await s.install('linear', def.id);
    expect(r).toMatchObject({ name: 'linear', changed: true, backup: undefined, restartHint: def.restartHint });
    const file = fileOf(def);
    expect(s.clients().find((c) => c.id === def.id)).toMatchObject({ present: true, configExists: true, configPath: file });
    const entry = (data(def, fs.readFileSync(file, 'utf8'))[def.key] as Record<string, unknown>).linear;
    // The entry carries its install tag: the client it was written into (issue 16).
    expect(def.fromEntry(entry)).toEqual({
      command: LAUNCHER.command,
      args: [LAUNCHER.connectorScript, 'linear'],
      env: { ELECTRON_RUN_AS_NODE: '1', MCP_SWITCHBOARD_CLIENT: def.id },
    });
    expect(await s.state('linear', def.id)).toEqual({ state: 'installed', name: 'linear' });
    expect((await s.install('linear', def.id)).changed).toBe(false); // idempotent
    // Removal says what the client does with a removed server, never the install hint ("start it").
    const removed = await s.uninstall('linear', def.id);
    expect(removed.restartHint).toBe(def.removeHint);
    expect(removed.restartHint).not.toBe(def.restartHint);
    expect(removed.restartHint).not.toMatch(/\bstart (the|it)\b|trust prompt/i);
    expect(await s.state('linear', def.id)).toEqual({ state: 'not-installed' });
    expect(data(def, fs.readFileSync(file, 'utf8'))[def.key]).toBeUndefined();
  });

  it.each(VARIANTS)('%s: install keeps everything else; uninstall restores the bytes', async (_v, make) => {
    const file = fileOf(def);
    const original = make(def);
    write(file, original);
    const before = data(def, original);
    const s = service();
    const r = await s.install('linear', def.id);
    expect(r.changed).toBe(true);
    expect(fs.readFileSync(r.backup!, 'utf8')).toBe(original);
    const text = fs.readFileSync(file, 'utf8');
    if (original.startsWith('\uFEFF')) expect(text.startsWith('\uFEFF')).toBe(true);
    if (original.includes('\r\n')) expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const after = data(def, text);
    const { linear, ...others } = after[def.key] as Record<string, unknown>;
    expect(linear).toBeDefined();
    expect(others).toEqual(before[def.key]);
    expect({ ...after, [def.key]: undefined }).toEqual({ ...before, [def.key]: undefined });
    // The install only inserted text: the original is a subsequence of the new file.
    let k = 0;
    for (let i = 0; i < text.length && k < original.length; i++) if (text[i] === original[k]) k++;
    expect(k).toBe(original.length);
    await s.uninstall('linear', def.id);
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
  });

  it('empty file: install works; uninstall leaves no entry', async () => {
    const file = fileOf(def);
    write(file, '');
    const s = service();
    await s.install('linear', def.id);
    expect(await s.state('linear', def.id)).toEqual({ state: 'installed', name: 'linear' });
    await s.uninstall('linear', def.id);
    expect(data(def, fs.readFileSync(file, 'utf8'))[def.key]).toBeUndefined();
  });

  /** Files whose container is empty or absent: what install cannot tell apart by the edit alone. */
  function emptyish(d: ClientDef): string[] {
    if (d.format === 'toml') return ['', ' ', '\n', '\r\n', 'model = "o3"\n\n[mcp_servers]\n', '[mcp_servers]\n# none yet'];
    if (d.format === 'yaml') return ['', ' ', '\n', '\r\n', 'GOOSE_PROVIDER: openai\n', 'GOOSE_PROVIDER: openai', '# comments only\n'];
    const k = d.key;
    return [
      '',
      '  ',
      '\n',
      '\r\n\r\n',
      '\uFEFF',
      '{}',
      '{}\n',
      '{\n}',
      '{\n}\n',
      '{\r\n}\r\n',
      '{ }',
      `{"${k}": {}}`,
      `{"${k}": {}}\n`,
      `{\n  "${k}": {\n  }\n}\n`,
      `{\n  "theme": "dark",\n  "${k}": {\n\n  }\n}`,
      `{"${k}": { /* none */ }}`,
    ];
  }

  it('empty container, empty file, bare root: install then uninstall is byte-identical (a new service each time)', async () => {
    const file = fileOf(def);
    for (const original of emptyish(def)) {
      write(file, original);
      await service().install('linear', def.id);
      expect(data(def, fs.readFileSync(file, 'utf8'))[def.key]).toHaveProperty('linear');
      await service().uninstall('linear', def.id);
      expect(JSON.stringify(fs.readFileSync(file, 'utf8')), JSON.stringify(original)).toBe(JSON.stringify(original));
    }
  });

  it('two servers into an empty container, removed in either order: byte-identical', async () => {
    const file = fileOf(def);
    for (const original of emptyish(def)) {
      for (const order of [
        ['linear', 'github'],
        ['github', 'linear'],
      ]) {
        write(file, original);
        const s = service();
        await s.install('linear', def.id);
        await s.install('github', def.id);
        for (const id of order) await s.uninstall(id, def.id);
        expect(JSON.stringify(fs.readFileSync(file, 'utf8')), JSON.stringify(original)).toBe(JSON.stringify(original));
      }
    }
  });

  it('without the install record, uninstall still works: the emptied container is removed', async () => {
    const file = fileOf(def);
    if (def.format === 'toml' || def.format === 'yaml') return;
    write(file, `{"${def.key}": {}}`);
    const s = service();
    await s.install('linear', def.id);
    // The record is gone (e.g. a new data dir): the old behaviour, a valid file without the key.
    fs.rmSync(path.join(home, 'data', 'backups', def.id, 'empty-shapes.json'));
    await s.uninstall('linear', def.id);
    expect(data(def, fs.readFileSync(file, 'utf8'))).toEqual({});
    expect(await s.backups(def.id)).toHaveLength(2); // the record is not listed as a backup
  });

  it("never takes over the user's entry of the same name", async () => {
    const file = fileOf(def);
    const s = service();
    await s.install('seed', def.id); // creates the file with a valid shape
    await s.uninstall('seed', def.id);
    const mine = def.toEntry({ command: 'my-linear', args: [], env: {} });
    const fmt = FORMATS[def.format];
    write(file, fmt.setEntry(fs.readFileSync(file, 'utf8'), def.key, 'linear', mine));
    const r = await s.install('linear', def.id);
    expect(r.name).toBe('linear-2');
    const c = data(def, fs.readFileSync(file, 'utf8'))[def.key] as Record<string, unknown>;
    expect(c.linear).toEqual(mine);
    expect(await s.state('linear', def.id)).toEqual({ state: 'installed', name: 'linear-2' });
    await s.uninstall('linear', def.id);
    expect(data(def, fs.readFileSync(file, 'utf8'))[def.key]).toEqual({ linear: mine });
  });

  it('an entry names a data directory that is not the default, and is repaired when the data directory moves', async () => {
    const file = fileOf(def);
    write(file, rich(def));
    // The default install's entry, seen from an install with a data directory of its own (a
    // checkout beside the installed app): another install's, left alone at start, taken only when asked.
    await service().install('linear', def.id);
    const s = service({ ...LAUNCHER, dataDir: '/srv/switchboard data' });
    expect(await s.state('linear', def.id)).toMatchObject({ state: 'stale', reason: 'launcher', name: 'linear', otherInstall: true });
    expect(await s.repairAll(['linear'])).toEqual([]);
    expect(await s.install('linear', def.id)).toMatchObject({ changed: true });
    expect(await s.state('linear', def.id)).toEqual({ state: 'installed', name: 'linear' });
    const entry = (data(def, fs.readFileSync(file, 'utf8'))[def.key] as Record<string, unknown>).linear;
    expect(def.fromEntry(entry)?.env).toEqual({ ELECTRON_RUN_AS_NODE: '1', MCP_SWITCHBOARD_HOME: '/srv/switchboard data', MCP_SWITCHBOARD_CLIENT: def.id });
    // Back at the default data directory, the entry loses the variable again.
    expect(await service().repairAll(['linear'])).toEqual([expect.objectContaining({ serverId: 'linear', changed: true })]);
    expect(def.fromEntry((data(def, fs.readFileSync(file, 'utf8'))[def.key] as Record<string, unknown>).linear)?.env).toEqual({
      ELECTRON_RUN_AS_NODE: '1',
      MCP_SWITCHBOARD_CLIENT: def.id,
    });
    await service().uninstall('linear', def.id);
    expect(fs.readFileSync(file, 'utf8')).toBe(rich(def));
  });

  it('repair at start never takes another install’s entry (a checkout beside the app with the same server id); a data directory that is gone was moved', async () => {
    const file = fileOf(def);
    write(file, rich(def));
    const checkoutData = fs.mkdtempSync(path.join(home, 'checkout-data-'));
    const checkout = service({ ...LAUNCHER, connectorScript: '/src/switchboard/out/connector/index.js', dataDir: checkoutData });
    await checkout.install('linear', def.id);
    const app = service();
    expect(await app.state('linear', def.id)).toMatchObject({ state: 'stale', otherInstall: true, detail: expect.stringContaining(checkoutData) });
    const before = fs.readFileSync(file, 'utf8');
    expect(await app.repairAll(['linear'])).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    // The checkout's data directory is gone: the entry is this install's, from before a move.
    fs.rmSync(checkoutData, { recursive: true });
    expect((await app.state('linear', def.id)) as { otherInstall?: boolean }).not.toHaveProperty('otherInstall');
    expect(await app.repairAll(['linear'])).toEqual([expect.objectContaining({ serverId: 'linear', changed: true })]);
    expect(await app.state('linear', def.id)).toEqual({ state: 'installed', name: 'linear' });
    await app.uninstall('linear', def.id);
    expect(fs.readFileSync(file, 'utf8')).toBe(rich(def));
  });

  it('repair: an entry pointing at an old app path is stale and repaired; a user-changed one is reported, not overwritten', async () => {
    const file = fileOf(def);
    write(file, rich(def));
    await service(OLD).install('linear', def.id);
    await service(OLD).install('github', def.id);
    const s = service();
    expect(await s.state('linear', def.id)).toMatchObject({ state: 'stale', reason: 'launcher', name: 'linear' });
    // The user edits our github entry.
    const c = data(def, fs.readFileSync(file, 'utf8'))[def.key] as Record<string, Record<string, unknown>>;
    const changed = { ...c.github, timeout: 99 };
    write(file, FORMATS[def.format].setEntry(fs.readFileSync(file, 'utf8'), def.key, 'github', changed));
    expect(await s.state('github', def.id)).toMatchObject({ state: 'stale', reason: 'modified' });
    const repaired = await s.repairAll(['linear', 'github']);
    expect(repaired).toEqual([expect.objectContaining({ clientId: def.id, serverId: 'linear', changed: true })]);
    expect(await s.state('linear', def.id)).toEqual({ state: 'installed', name: 'linear' });
    expect(await s.state('github', def.id)).toMatchObject({ state: 'stale', reason: 'modified' });
    // An explicit install puts ours back.
    await s.install('github', def.id);
    expect(await s.state('github', def.id)).toEqual({ state: 'installed', name: 'github' });
    await s.uninstall('linear', def.id);
    await s.uninstall('github', def.id);
    expect(fs.readFileSync(file, 'utf8')).toBe(rich(def));
  });

  it('a file that does not parse is never written; the error has line and column', async () => {
    const file = fileOf(def);
    const broken =
      def.format === 'toml'
        ? 'model = "o3"\n[mcp_servers.a\ncommand = "x"\n'
        : def.format === 'yaml'
          ? 'extensions:\n  a: [1, 2\n  b: 3\n'
          : '{\n  "mcpServers": {\n    "a": { "command": "x" }\n  \n';
    write(file, broken);
    const mtime = fs.statSync(file).mtimeMs;
    const s = service();
    const st = await s.state('linear', def.id);
    expect(st.state).toBe('cannot-install');
    expect((st as { reason: string }).reason).toMatch(/line \d+, column \d+/);
    await expect(s.install('linear', def.id)).rejects.toThrow(/does not parse \(line \d+, column \d+/);
    await expect(s.uninstall('linear', def.id)).rejects.toThrow(/does not parse/);
    expect(fs.readFileSync(file, 'utf8')).toBe(broken);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
  });

  it('a read-only file is reported and left alone', async () => {
    const file = fileOf(def);
    write(file, rich(def));
    fs.chmodSync(file, 0o444);
    const s = service();
    expect(await s.state('linear', def.id)).toMatchObject({ state: 'cannot-install', reason: expect.stringMatching(/read-only/) });
    await expect(s.install('linear', def.id)).rejects.toThrow(/read-only/);
    expect(fs.readFileSync(file, 'utf8')).toBe(rich(def));
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
  });

  it('keeps the file mode and writes through a symlink', async () => {
    const file = fileOf(def);
    const real = path.join(home, 'dotfiles', 'real-config');
    write(real, rich(def));
    fs.chmodSync(real, 0o600);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.symlinkSync(real, file);
    await service().install('linear', def.id);
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
    expect(fs.statSync(real).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(real, 'utf8')).toContain('linear');
  });

  it('finds mcp-remote entries and replaces them with ours under the same name', async () => {
    const file = fileOf(def);
    write(file, rich(def));
    const fmt = FORMATS[def.format];
    const remote = def.toEntry({
      command: 'npx',
      args: ['-y', 'mcp-remote@latest', 'https://mcp.linear.app/mcp', '--header', 'Authorization: Bearer ${TOKEN}'],
      env: { TOKEN: 't0k' },
    });
    write(file, fmt.setEntry(fs.readFileSync(file, 'utf8'), def.key, 'linear-remote', remote));
    const s = service();
    const found = await s.findImportable();
    expect(found).toEqual([
      { clientId: def.id, file, entryName: 'linear-remote', url: 'https://mcp.linear.app/mcp', headers: { Authorization: 'Bearer t0k' } },
    ]);
    const r = await s.replaceImported(found[0], 'linear');
    expect(fs.readFileSync(r.backup!, 'utf8')).toContain('mcp-remote');
    expect(await s.state('linear', def.id)).toEqual({ state: 'installed', name: 'linear-remote' });
    expect(await s.findImportable()).toEqual([]);
  });
});

describe('client table', () => {
  it('Claude Desktop on Windows: the MSIX package path when the package exists, else %APPDATA%', () => {
    const local = path.join(home, 'Local');
    const winEnv = { USERPROFILE: 'C:\\Users\\me', APPDATA: 'C:\\Users\\me\\AppData\\Roaming', LOCALAPPDATA: local };
    const cd = CLIENTS.find((c) => c.id === 'claude-desktop')!;
    expect(cd.configPath(pathContext(winEnv, 'win32'))).toBe('C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
    fs.mkdirSync(path.join(local, 'Packages', 'Claude_pzs8sxrjxfjjc'), { recursive: true });
    expect(cd.configPath(pathContext(winEnv, 'win32'))).toBe(
      path.win32.join(local, 'Packages', 'Claude_pzs8sxrjxfjjc', 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json'),
    );
  });

  it('paths per OS', () => {
    const p = (id: string, e: Record<string, string>, os: NodeJS.Platform) => CLIENTS.find((c) => c.id === id)!.configPath(pathContext(e, os));
    expect(p('claude-desktop', { HOME: '/Users/me' }, 'darwin')).toBe('/Users/me/Library/Application Support/Claude/claude_desktop_config.json');
    expect(p('claude-desktop', { HOME: '/home/me', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Claude/claude_desktop_config.json');
    expect(p('vscode', { HOME: '/Users/me' }, 'darwin')).toBe('/Users/me/Library/Application Support/Code/User/mcp.json');
    expect(p('vscode', { USERPROFILE: 'C:\\U', APPDATA: 'C:\\U\\R' }, 'win32')).toBe('C:\\U\\R\\Code\\User\\mcp.json');
    expect(p('zed', { HOME: '/Users/me' }, 'darwin')).toBe('/Users/me/.config/zed/settings.json');
    expect(p('zed', { USERPROFILE: 'C:\\U', APPDATA: 'C:\\U\\R' }, 'win32')).toBe('C:\\U\\R\\Zed\\settings.json');
    expect(p('codex', { HOME: '/h', CODEX_HOME: '/c' }, 'linux')).toBe('/c/config.toml');
    expect(p('gemini', { HOME: '/h', GEMINI_CLI_HOME: '/g' }, 'linux')).toBe('/g/.gemini/settings.json');
    expect(p('cline', { HOME: '/h' }, 'linux')).toBe('/h/.cline/data/settings/cline_mcp_settings.json');
    expect(p('cline', { HOME: '/h', CLINE_DATA_DIR: '/d' }, 'linux')).toBe('/d/settings/cline_mcp_settings.json');
    expect(p('goose', { USERPROFILE: 'C:\\U', APPDATA: 'C:\\U\\R' }, 'win32')).toBe('C:\\U\\R\\Block\\goose\\config\\config.yaml');
    expect(p('claude-code', { HOME: '/h' }, 'linux')).toBe('/h/.claude.json');
    expect(p('kiro', { HOME: '/h' }, 'linux')).toBe('/h/.kiro/settings/mcp.json');
  });

  it('LM Studio honours its home pointer; opencode prefers an existing .jsonc', () => {
    fs.writeFileSync(path.join(home, '.lmstudio-home-pointer'), path.join(home, 'lm') + '\n');
    expect(fileOf(CLIENTS.find((c) => c.id === 'lmstudio')!)).toBe(path.join(home, 'lm', 'mcp.json'));
    const oc = CLIENTS.find((c) => c.id === 'opencode')!;
    expect(fileOf(oc)).toBe(path.join(home, '.config', 'opencode', 'opencode.json'));
    write(path.join(home, '.config', 'opencode', 'opencode.jsonc'), '{}');
    expect(fileOf(oc)).toBe(path.join(home, '.config', 'opencode', 'opencode.jsonc'));
  });

  it('entry names: lowercase letters, digits and -, at most 20, never a taken one', () => {
    expect(chooseEntryName('Linear_App', [])).toBe('linear-app');
    expect(chooseEntryName('a'.repeat(40), [])).toBe('a'.repeat(20));
    expect(chooseEntryName('a'.repeat(40), ['A'.repeat(20)])).toBe('a'.repeat(18) + '-2');
    expect(chooseEntryName('x', ['x', 'x-2'])).toBe('x-3');
    expect(chooseEntryName('___', [])).toBe('server');
  });

  it('plain node launcher: no ELECTRON_RUN_AS_NODE env (only the install tag)', async () => {
    const s = new ClientService({
      env,
      platform: 'linux',
      launcher: { command: process.execPath, connectorScript: '/repo/out/connector/index.js', electronRunAsNode: false },
      backupDir: path.join(home, 'b'),
    });
    await s.install('linear', 'cursor');
    const c = JSON.parse(fs.readFileSync(path.join(home, '.cursor', 'mcp.json'), 'utf8'));
    expect(c.mcpServers.linear).toEqual({
      command: process.execPath,
      args: ['/repo/out/connector/index.js', 'linear'],
      env: { MCP_SWITCHBOARD_CLIENT: 'cursor' },
    });
  });

  it('an entry from before install tags is ours, stale, and repaired with its tag; a tag of another client is repaired too', async () => {
    const s = service();
    const file = path.join(home, '.cursor', 'mcp.json');
    const old = { command: LAUNCHER.command, args: [LAUNCHER.connectorScript, 'linear'], env: { ELECTRON_RUN_AS_NODE: '1' } };
    write(file, JSON.stringify({ mcpServers: { linear: old } }));
    expect(await s.state('linear', 'cursor')).toEqual({
      state: 'stale',
      name: 'linear',
      reason: 'launcher',
      detail: 'has no install tag (made before per-client tools)',
    });
    expect(await s.repairAll(['linear'])).toEqual([expect.objectContaining({ clientId: 'cursor', serverId: 'linear', changed: true })]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).mcpServers.linear.env).toEqual({ ELECTRON_RUN_AS_NODE: '1', MCP_SWITCHBOARD_CLIENT: 'cursor' });
    expect(await s.state('linear', 'cursor')).toEqual({ state: 'installed', name: 'linear' });
    // Copied from another client's config: still ours, repaired to this client's tag.
    write(file, JSON.stringify({ mcpServers: { linear: { ...old, env: { ELECTRON_RUN_AS_NODE: '1', MCP_SWITCHBOARD_CLIENT: 'vscode' } } } }));
    expect(await s.state('linear', 'cursor')).toMatchObject({
      state: 'stale',
      reason: 'launcher',
      detail: 'carries the install tag of another client (vscode)',
    });
  });
});

describe('launchers by packaging', () => {
  it('AppImage launcher: the stable AppImage path and a copied connector, with --no-sandbox after the server id; repaired from the per-run mount', async () => {
    // What an AppImage app wrote before: the per-run mount.
    const mount: Launcher = {
      command: '/tmp/.mount_abc123/mcp-switchboard',
      connectorScript: '/tmp/.mount_abc123/resources/app.asar.unpacked/out/connector/index.js',
      electronRunAsNode: true,
    };
    const appImage: Launcher = {
      command: '/home/u/Apps/MCP-Switchboard.AppImage',
      connectorScript: '/home/u/.config/mcp-switchboard/connector/index.js',
      electronRunAsNode: true,
      trailingArgs: ['--no-sandbox'],
    };
    await service(mount).install('linear', 'cursor');
    const s = service(appImage);
    expect(await s.state('linear', 'cursor')).toMatchObject({ state: 'stale', reason: 'launcher', name: 'linear' });
    expect(await s.repairAll(['linear'])).toEqual([expect.objectContaining({ serverId: 'linear', changed: true })]);
    const file = path.join(home, '.cursor', 'mcp.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).mcpServers.linear).toEqual({
      command: '/home/u/Apps/MCP-Switchboard.AppImage',
      args: ['/home/u/.config/mcp-switchboard/connector/index.js', 'linear', '--no-sandbox'],
      env: { ELECTRON_RUN_AS_NODE: '1', MCP_SWITCHBOARD_CLIENT: 'cursor' },
    });
    expect(await s.state('linear', 'cursor')).toEqual({ state: 'installed', name: 'linear' });
    // Another start of the same AppImage rewrites nothing.
    expect(await service(appImage).repairAll(['linear'])).toEqual([]);
    // Still ours for the deb's launcher (repaired back), and an entry with an argument we never write is not ours.
    expect(await service().state('linear', 'cursor')).toMatchObject({ state: 'stale', reason: 'launcher' });
    const theirs = { command: appImage.command, args: [appImage.connectorScript, 'linear', '--inspect'], env: { ELECTRON_RUN_AS_NODE: '1' } };
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { linear: theirs } }));
    expect(await s.state('linear', 'cursor')).toEqual({ state: 'not-installed' });
  });

  it('a launcher from a path that will not last (a disk image, a translocated app): install refused with its sentence, nothing repaired', async () => {
    await service(OLD).install('linear', 'cursor');
    const file = path.join(home, '.cursor', 'mcp.json');
    const before = fs.readFileSync(file, 'utf8');
    const why = 'Move MCP Switchboard to Applications first: it runs from the disk image, a path that goes away.';
    const s = service({
      command: '/Volumes/MCP Switchboard/MCP Switchboard.app/Contents/MacOS/MCP Switchboard',
      connectorScript: '/Volumes/x/out/connector/index.js',
      electronRunAsNode: true,
      unavailable: why,
    });
    expect(await s.state('github', 'cursor')).toEqual({ state: 'cannot-install', reason: why });
    await expect(s.install('github', 'cursor')).rejects.toThrow(why);
    expect(await s.repairAll(['linear'])).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('safe writes', () => {
  const cursor = CLIENTS.find((c) => c.id === 'cursor')!;

  it('concurrent writers (separate service instances) never lose a change', async () => {
    const file = fileOf(cursor);
    write(file, rich(cursor));
    const ids = Array.from({ length: 12 }, (_, i) => `server-${i}`);
    await Promise.all(ids.map((id) => service().install(id, 'cursor')));
    const c = data(cursor, fs.readFileSync(file, 'utf8'))[cursor.key] as Record<string, unknown>;
    expect(Object.keys(c).sort()).toEqual(['café ☕', ...ids].sort());
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it("waits for Cline's lock directory and takes over a stale one", async () => {
    const cline = CLIENTS.find((c) => c.id === 'cline')!;
    const file = fileOf(cline);
    write(file, '{"mcpServers": {}}');
    fs.mkdirSync(`${file}.lock`);
    const clock = new FakeClock();
    let done = false;
    const p = service(LAUNCHER, clock)
      .install('linear', 'cline')
      .then(() => (done = true));
    // It found the lock taken and waits on the clock for its next try; a few tries later, still.
    await until(() => clock.pending().length === 1, 'the first wait for the lock');
    for (let i = 0; i < 3; i++) await nextLockAttempt(clock);
    expect(done).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"mcpServers": {}}');
    fs.rmdirSync(`${file}.lock`);
    clock.advanceTo(clock.pending()[0]);
    await p;
    expect(done).toBe(true);
    // A lock older than 10 s is stale.
    fs.mkdirSync(`${file}.lock`);
    const old = (Date.now() - 11_000) / 1000;
    fs.utimesSync(`${file}.lock`, old, old);
    await service().install('github', 'cline');
    expect(await service().state('github', 'cline')).toEqual({ state: 'installed', name: 'github' });
  });

  it('gives up on a lock that stays taken after 15 s of its clock, and says which file is locked', async () => {
    const cline = CLIENTS.find((c) => c.id === 'cline')!;
    const file = fileOf(cline);
    write(file, '{"mcpServers": {}}');
    const lock = `${file}.lock`;
    fs.mkdirSync(lock);
    // Its holder keeps it fresh: never stale, however slowly this test runs.
    const future = (Date.now() + 3_600_000) / 1000;
    fs.utimesSync(lock, future, future);
    const clock = new FakeClock();
    const started = clock.now();
    let outcome: unknown;
    void service(LAUNCHER, clock)
      .install('linear', 'cline')
      .then(
        () => 'installed',
        (err: unknown) => err,
      )
      .then((o) => (outcome = o));
    await until(() => clock.pending().length === 1, 'the first wait for the lock');
    while (outcome === undefined) {
      const due = clock.pending()[0];
      clock.advanceTo(due);
      await until(() => outcome !== undefined || (clock.pending()[0] ?? 0) > due, 'the next lock attempt');
    }
    expect((outcome as Error).message).toBe(`${file} is locked by another program (${lock}); try again`);
    expect(clock.now() - started).toBeGreaterThan(15_000);
    expect(clock.now() - started).toBeLessThan(15_000 + 250); // no more than one wait past the limit
    expect(fs.readFileSync(file, 'utf8')).toBe('{"mcpServers": {}}');
    expect(fs.existsSync(lock)).toBe(true); // someone else's lock is left alone
  });

  it('a writer that changes the file between our read and rename is not overwritten', async () => {
    const { replaceIfUnchanged } = await import('./safe-write');
    const file = fileOf(cursor);
    write(file, 'A');
    write(file, 'B'); // someone else wrote after we read "A"
    expect(await replaceIfUnchanged(file, 'A', 'C')).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('B');
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a crash between temp write and rename leaves the old file intact; the temp is cleaned later', async () => {
    const file = fileOf(cursor);
    write(file, rich(cursor));
    const tmp = await writeTemp(file, '{"half": ', 0o644); // crashed before rename
    expect(fs.readFileSync(file, 'utf8')).toBe(rich(cursor));
    const old = (Date.now() - 120_000) / 1000;
    fs.utimesSync(tmp, old, old);
    await service().install('linear', 'cursor');
    expect(fs.existsSync(tmp)).toBe(false);
    expect(await service().state('linear', 'cursor')).toEqual({ state: 'installed', name: 'linear' });
  });

  it('keeps the last 5 backups, each restorable', async () => {
    const file = fileOf(cursor);
    write(file, rich(cursor));
    const s = service();
    for (let i = 0; i < 4; i++) {
      await s.install(`s${i}`, 'cursor');
      await s.uninstall(`s${i}`, 'cursor');
    }
    const list = await s.backups('cursor');
    expect(list).toHaveLength(5);
    await s.install('linear', 'cursor');
    const first = (await s.backups('cursor')).at(-1)!;
    expect(fs.readFileSync(first, 'utf8')).toBe(rich(cursor));
    await s.restore('cursor', first);
    expect(fs.readFileSync(file, 'utf8')).toBe(rich(cursor));
  });
});
