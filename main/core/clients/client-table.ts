/**
 * The data table of MCP clients: where each keeps its config (per OS, from an env object only),
 * the format and key, the shape of a stdio entry, naming rules and what it needs to pick up a
 * change. Facts and sources: shared/reference/clients.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INSTALL_ENV } from '../../shared/handshake';
import { homeDir, type Env } from '../../shared/paths';

export type FormatId = 'json' | 'jsonc' | 'toml' | 'yaml';

/** How the app's own executable runs the connector. */
export interface Launcher {
  command: string;
  connectorScript: string;
  /** Set ELECTRON_RUN_AS_NODE=1 (the command is an Electron app, not plain node). */
  electronRunAsNode: boolean;
  /**
   * The data directory, when it is not the default: the entry then names it (MCP_SWITCHBOARD_HOME),
   * because a client started from a desktop launcher does not see a shell's environment.
   */
  dataDir?: string;
  /**
   * Arguments after the server id, from OUR_TRAILING_ARGS only. An AppImage's launcher script puts
   * `--no-sandbox` in front of the arguments unless they already contain it, and in front it would
   * be a Node option the runtime refuses; after the script it is the connector's, and ignored.
   */
  trailingArgs?: readonly string[];
  /**
   * Set when the app runs from a place whose path will not last (a mounted disk image, a
   * translocated download): installing is refused with this sentence, and nothing is repaired.
   */
  unavailable?: string;
}

/**
 * The environment variables an entry of ours may carry. MCP_SWITCHBOARD_CLIENT is the install tag:
 * the id of the client the entry was written into, which the connector hands the proxy so that
 * client's tool rules apply (entries from before it lack it and are repaired at start).
 */
export const OUR_ENTRY_ENV = ['ELECTRON_RUN_AS_NODE', 'MCP_SWITCHBOARD_HOME', INSTALL_ENV] as const;

/** The arguments an entry of ours may carry after the server id. */
export const OUR_TRAILING_ARGS: readonly string[] = ['--no-sandbox'];

/** What an entry runs for `launcher` and a server id, in the client `install` (its install tag). */
export function launchOf(launcher: Launcher, serverId: string, install?: string): Launch {
  const env: Record<string, string> = {};
  if (launcher.electronRunAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  if (launcher.dataDir) env.MCP_SWITCHBOARD_HOME = launcher.dataDir;
  if (install) env[INSTALL_ENV] = install;
  return { command: launcher.command, args: [launcher.connectorScript, serverId, ...(launcher.trailingArgs ?? [])], env };
}

/** An entry reduced to what it runs. */
export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface PathContext {
  env: Env;
  platform: NodeJS.Platform;
  home: string;
}

export interface ClientDef {
  id: string;
  name: string;
  format: FormatId;
  /** The top-level key holding the servers map. */
  key: string;
  /** The config file, or undefined when this client has none on this OS. */
  configPath(ctx: PathContext): string | undefined;
  /** Paths whose existence means the client is installed (besides the config file). */
  detectPaths(ctx: PathContext): string[];
  /** The entry that runs `launch`. */
  toEntry(launch: Launch): Record<string, unknown>;
  /** Reads an entry back to what it runs; undefined if it is not a stdio entry. */
  fromEntry(entry: unknown): Launch | undefined;
  /** Extra characters forbidden in entry names (beyond our own a-z, 0-9, '-'). */
  maxNameLength: number;
  restartHint: string;
  /**
   * What the client needs to drop a removed server (never the install hint: "start the server"
   * reads wrong for a server that was just removed).
   */
  removeHint: string;
  /** Honour the client's own lock directory `<file>.lock`. */
  lockDir?: boolean;
  note?: string;
}

const j = (...p: string[]) => path.join(...p);
const w = (...p: string[]) => path.win32.join(...p);

function appData(ctx: PathContext): string {
  return ctx.env.APPDATA || w(ctx.home, 'AppData', 'Roaming');
}
function localAppData(ctx: PathContext): string {
  return ctx.env.LOCALAPPDATA || w(ctx.home, 'AppData', 'Local');
}
function xdgConfig(ctx: PathContext): string {
  return ctx.env.XDG_CONFIG_HOME || j(ctx.home, '.config');
}
/** Joins with the separator of the target OS (tests run win32 tables on Linux). */
function pj(ctx: PathContext, ...p: string[]): string {
  return ctx.platform === 'win32' ? w(...p) : j(...p);
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}
function stringMap(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return {};
  const r = asRecord(v);
  if (!r || !Object.values(r).every((x) => typeof x === 'string')) return undefined;
  return r as Record<string, string>;
}

/** The common `{ command, args, env }` shape, with optional extra fixed fields (e.g. type). */
function standard(extra: Record<string, unknown> = {}): Pick<ClientDef, 'toEntry' | 'fromEntry'> {
  return {
    toEntry: (l) => ({ ...extra, command: l.command, args: l.args, ...(Object.keys(l.env).length ? { env: l.env } : {}) }),
    fromEntry: (e) => {
      const r = asRecord(e);
      if (!r || typeof r.command !== 'string') return undefined;
      const args = r.args === undefined ? [] : strings(r.args);
      const env = stringMap(r.env);
      return args && env ? { command: r.command, args, env } : undefined;
    },
  };
}

/** Claude Desktop on Windows: the MSIX build (default since Feb 2026) reads inside its package. */
function claudeDesktopWindows(ctx: PathContext): string {
  const packages = w(localAppData(ctx), 'Packages');
  let msix: string | undefined;
  try {
    // On POSIX (tests emulating Windows) the win32-joined path is mapped back to '/'.
    msix = fs
      .readdirSync(path.sep === '/' ? packages.replace(/\\/g, '/') : packages)
      .filter((d) => /^Claude_/i.test(d))
      .sort()[0];
  } catch {
    /* no Packages dir */
  }
  if (msix) return w(packages, msix, 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json');
  return w(appData(ctx), 'Claude', 'claude_desktop_config.json');
}

function lmStudioHome(ctx: PathContext): string {
  try {
    const pointer = fs.readFileSync(pj(ctx, ctx.home, '.lmstudio-home-pointer'), 'utf8').trim();
    if (pointer) return pointer;
  } catch {
    /* no pointer */
  }
  return pj(ctx, ctx.home, '.lmstudio');
}

function clineFile(ctx: PathContext): string {
  const e = ctx.env;
  if (e.CLINE_MCP_SETTINGS_PATH) return e.CLINE_MCP_SETTINGS_PATH;
  if (e.CLINE_DATA_DIR) return pj(ctx, e.CLINE_DATA_DIR, 'settings', 'cline_mcp_settings.json');
  const dir = e.CLINE_DIR || pj(ctx, ctx.home, '.cline');
  return pj(ctx, dir, 'data', 'settings', 'cline_mcp_settings.json');
}

function vscodeUser(ctx: PathContext): string {
  if (ctx.platform === 'darwin') return j(ctx.home, 'Library', 'Application Support', 'Code', 'User');
  if (ctx.platform === 'win32') return w(appData(ctx), 'Code', 'User');
  return j(xdgConfig(ctx), 'Code', 'User');
}

function opencodeFile(ctx: PathContext): string {
  const dir = ctx.platform === 'win32' ? w(ctx.home, '.config', 'opencode') : j(xdgConfig(ctx), 'opencode');
  const jsonc = pj(ctx, dir, 'opencode.jsonc');
  return fs.existsSync(jsonc) ? jsonc : pj(ctx, dir, 'opencode.json');
}

const dirOf = (ctx: PathContext, file: string | undefined) => (file ? [ctx.platform === 'win32' ? path.win32.dirname(file) : path.dirname(file)] : []);

export const CLIENTS: readonly ClientDef[] = [
  {
    id: 'claude-desktop',
    name: 'Claude Desktop',
    format: 'json',
    key: 'mcpServers',
    configPath: (ctx) =>
      ctx.platform === 'darwin'
        ? j(ctx.home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json')
        : ctx.platform === 'win32'
          ? claudeDesktopWindows(ctx)
          : j(xdgConfig(ctx), 'Claude', 'claude_desktop_config.json'),
    detectPaths: (ctx) => dirOf(ctx, CLIENTS[0].configPath(ctx)),
    ...standard(),
    maxNameLength: 20,
    restartHint: 'Quit Claude Desktop completely (menu bar or tray ▸ Quit; closing the window is not enough) and open it again.',
    removeHint: 'Claude Desktop drops it the next time it starts: quit it completely (menu bar or tray ▸ Quit) and open it again.',
    note: 'Linux: community builds only.',
  },
  {
    id: 'cursor',
    name: 'Cursor',
    format: 'json',
    key: 'mcpServers',
    configPath: (ctx) => pj(ctx, ctx.home, '.cursor', 'mcp.json'),
    detectPaths: (ctx) => [pj(ctx, ctx.home, '.cursor')],
    ...standard(),
    maxNameLength: 20,
    restartHint: 'In Cursor, open Settings ▸ MCP and press refresh (or reload the window).',
    removeHint: 'Cursor drops it after a refresh in Settings ▸ MCP (or a reload of the window).',
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    format: 'json',
    key: 'mcpServers',
    configPath: (ctx) => pj(ctx, ctx.home, '.codeium', 'windsurf', 'mcp_config.json'),
    detectPaths: (ctx) => [pj(ctx, ctx.home, '.codeium', 'windsurf')],
    ...standard(),
    maxNameLength: 20,
    restartHint: 'In Windsurf, press Refresh in the MCP panel.',
    removeHint: 'Windsurf drops it after Refresh in the MCP panel.',
  },
  {
    id: 'vscode',
    name: 'VS Code',
    format: 'jsonc',
    key: 'servers',
    configPath: (ctx) => pj(ctx, vscodeUser(ctx), 'mcp.json'),
    detectPaths: (ctx) => [vscodeUser(ctx)],
    ...standard({ type: 'stdio' }),
    maxNameLength: 20,
    restartHint: 'VS Code picks up the change; start the server from "MCP: List Servers" and confirm the trust prompt.',
    removeHint: 'VS Code drops it when it reloads its MCP configuration (at once, or at the next window reload).',
  },
  {
    id: 'claude-code',
    name: 'Claude Code',
    format: 'json',
    key: 'mcpServers',
    configPath: (ctx) => pj(ctx, ctx.home, '.claude.json'),
    detectPaths: (ctx) => [pj(ctx, ctx.home, '.claude.json'), pj(ctx, ctx.home, '.claude')],
    ...standard({ type: 'stdio' }),
    maxNameLength: 20,
    restartHint: 'Start a new Claude Code session (restart `claude`).',
    removeHint: 'Claude Code drops it in its next session (restart `claude`).',
  },
  {
    id: 'zed',
    name: 'Zed',
    format: 'jsonc',
    key: 'context_servers',
    configPath: (ctx) =>
      ctx.platform === 'win32'
        ? w(appData(ctx), 'Zed', 'settings.json')
        : ctx.platform === 'darwin'
          ? j(ctx.home, '.config', 'zed', 'settings.json')
          : j(xdgConfig(ctx), 'zed', 'settings.json'),
    detectPaths: (ctx) => dirOf(ctx, CLIENTS[5].configPath(ctx)),
    ...standard(),
    maxNameLength: 20,
    restartHint: 'Zed applies settings live; if the server does not appear, restart it from the Agent panel settings.',
    removeHint: 'Zed applies settings live: it drops the server at once.',
  },
  {
    id: 'codex',
    name: 'Codex CLI',
    format: 'toml',
    key: 'mcp_servers',
    configPath: (ctx) => pj(ctx, ctx.env.CODEX_HOME || pj(ctx, ctx.home, '.codex'), 'config.toml'),
    detectPaths: (ctx) => dirOf(ctx, CLIENTS[6].configPath(ctx)),
    ...standard(),
    maxNameLength: 20,
    restartHint: 'Restart Codex (the CLI reads its config at start; the app has a Restart button).',
    removeHint: 'Codex drops it the next time it starts.',
  },
  {
    id: 'gemini',
    name: 'Gemini CLI',
    format: 'jsonc',
    key: 'mcpServers',
    configPath: (ctx) => pj(ctx, ctx.env.GEMINI_CLI_HOME || ctx.home, '.gemini', 'settings.json'),
    detectPaths: (ctx) => dirOf(ctx, CLIENTS[7].configPath(ctx)),
    ...standard(),
    maxNameLength: 20,
    restartHint: 'Restart Gemini CLI (`/mcp reload` does not re-read the file).',
    removeHint: 'Gemini CLI drops it the next time it starts.',
  },
  {
    id: 'cline',
    name: 'Cline',
    format: 'json',
    key: 'mcpServers',
    configPath: clineFile,
    detectPaths: (ctx) => [ctx.env.CLINE_DIR || pj(ctx, ctx.home, '.cline')],
    ...standard({ type: 'stdio' }),
    maxNameLength: 20,
    restartHint: 'Cline reloads its MCP settings by itself.',
    removeHint: 'Cline drops it by itself when it reloads its MCP settings.',
    lockDir: true,
  },
  {
    id: 'lmstudio',
    name: 'LM Studio',
    format: 'json',
    key: 'mcpServers',
    configPath: (ctx) => pj(ctx, lmStudioHome(ctx), 'mcp.json'),
    detectPaths: (ctx) => [lmStudioHome(ctx)],
    ...standard(),
    maxNameLength: 20,
    restartHint: 'In LM Studio, open the Program tab ▸ Install ▸ Edit mcp.json to reload, or restart LM Studio.',
    removeHint: 'LM Studio drops it when it reloads mcp.json (Program tab ▸ Install ▸ Edit mcp.json) or restarts.',
  },
  {
    id: 'goose',
    name: 'Goose',
    format: 'yaml',
    key: 'extensions',
    configPath: (ctx) => (ctx.platform === 'win32' ? w(appData(ctx), 'Block', 'goose', 'config', 'config.yaml') : j(xdgConfig(ctx), 'goose', 'config.yaml')),
    detectPaths: (ctx) => dirOf(ctx, CLIENTS[10].configPath(ctx)),
    toEntry: (l) => ({ name: '', type: 'stdio', cmd: l.command, args: l.args, envs: l.env, enabled: true, timeout: 300 }),
    fromEntry: (e) => {
      const r = asRecord(e);
      if (!r || typeof r.cmd !== 'string') return undefined;
      const args = r.args === undefined ? [] : strings(r.args);
      const env = stringMap(r.envs ?? undefined);
      return args && env ? { command: r.cmd, args, env } : undefined;
    },
    maxNameLength: 20,
    restartHint: 'Restart Goose.',
    removeHint: 'Goose drops it the next time it starts.',
  },
  {
    id: 'opencode',
    name: 'opencode',
    format: 'jsonc',
    key: 'mcp',
    configPath: opencodeFile,
    detectPaths: (ctx) => dirOf(ctx, opencodeFile(ctx)),
    toEntry: (l) => ({ type: 'local', command: [l.command, ...l.args], ...(Object.keys(l.env).length ? { environment: l.env } : {}), enabled: true }),
    fromEntry: (e) => {
      const r = asRecord(e);
      const cmd = r && r.type === 'local' ? strings(r.command) : undefined;
      const env = r ? stringMap(r.environment) : undefined;
      return cmd && cmd.length && env ? { command: cmd[0], args: cmd.slice(1), env } : undefined;
    },
    maxNameLength: 20,
    restartHint: 'Restart opencode.',
    removeHint: 'opencode drops it the next time it starts.',
  },
  {
    id: 'kiro',
    name: 'Kiro',
    format: 'json',
    key: 'mcpServers',
    configPath: (ctx) => pj(ctx, ctx.home, '.kiro', 'settings', 'mcp.json'),
    detectPaths: (ctx) => [pj(ctx, ctx.home, '.kiro')],
    ...standard(),
    maxNameLength: 20,
    restartHint: 'Kiro reloads MCP settings on save; if not, reconnect the server from the MCP panel.',
    removeHint: 'Kiro drops it when it reloads its MCP settings (on save).',
  },
];

export function pathContext(env: Env, platform: NodeJS.Platform): PathContext {
  return { env, platform, home: homeDir(env, platform) };
}

export function clientById(id: string): ClientDef | undefined {
  return CLIENTS.find((c) => c.id === id);
}

/** Goose keeps the display name inside the entry. */
export function entryFor(def: ClientDef, name: string, launch: Launch): Record<string, unknown> {
  const e = def.toEntry(launch);
  if ('name' in e && e.name === '') e.name = name;
  return e;
}
