/**
 * Every path the app uses derives from the environment passed in (HOME, APPDATA, LOCALAPPDATA,
 * XDG_CONFIG_HOME, MCP_SWITCHBOARD_HOME), never from the real user profile directly, so tests and
 * scripts run against a temp home (runDir alone also looks at /run/user/<uid>). This module has no
 * dependencies: the connector bundles it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { createHash } from 'node:crypto';

/** Where everything lives. Defaults below. */
export interface Paths {
  /** The app data directory (settings, secrets, logs). */
  dataDir: string;
  /** Per-server rotating logs. */
  logsDir: string;
  /** 0700 directory that holds the proxies' Unix sockets (unused on Windows). */
  runDir: string;
  /** 0600 file holding the per-install connector secret. */
  secretFile: string;
}

export type Env = Record<string, string | undefined>;

export const APP_DIR_NAME = 'MCP Switchboard';
export const APP_SLUG = 'mcp-switchboard';

export function homeDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return env.USERPROFILE || env.HOME || os.homedir();
  return env.HOME || os.homedir();
}

/** The app data directory: MCP_SWITCHBOARD_HOME, else the platform's per-user config location. */
export function dataDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (env.MCP_SWITCHBOARD_HOME) return path.resolve(env.MCP_SWITCHBOARD_HOME);
  const home = homeDir(env, platform);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') {
    const appData = env.APPDATA || path.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_DIR_NAME);
  }
  const xdg = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return path.join(xdg, APP_SLUG);
}

/**
 * The data directory a process finds with only the user's home in its environment (an MCP client
 * started from a desktop launcher). Where the app uses another, client entries name it.
 */
export function defaultDataDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  return dataDir({ HOME: env.HOME, USERPROFILE: env.USERPROFILE, APPDATA: env.APPDATA }, platform);
}

/** macOS limits sun_path to 104 bytes, Linux to 108; stay well below both. */
export const MAX_SOCKET_PATH = 100;

/** The longest socket name endpointFor gives: "@" + 12 hex + ".sock" (longer ids are hashed). */
export const SHORT_SOCKET_NAME_BYTES = 18;

/** What runDir asks of the file system (injectable for tests). */
export interface RunDirProbe {
  /** This process's uid (undefined on Windows). */
  uid: number | undefined;
  /** Whether `dir` is a real directory owned by `uid` that others cannot enter. */
  isPrivateDir(dir: string): boolean;
}

const ownUid = typeof process.getuid === 'function' ? process.getuid() : undefined;

export const systemProbe: RunDirProbe = {
  uid: ownUid,
  isPrivateDir(dir) {
    try {
      const st = fs.lstatSync(dir);
      return st.isDirectory() && st.uid === ownUid && (st.mode & 0o077) === 0;
    } catch {
      return false;
    }
  },
};

/**
 * Directory for the proxies' Unix sockets, never a shared one (a predictable name in /tmp is
 * anyone's to create first):
 *   1. <dataDir>/run when a socket path there fits (names are hashed when an id is long);
 *   2. else, on Linux, a directory in the user's runtime dir /run/user/<uid> (what systemd-logind
 *      sets XDG_RUNTIME_DIR to; the path, not the variable, because MCP clients start the connector
 *      with a trimmed environment and every process must find the same place) when it exists and
 *      is private;
 *   3. else <home>/.mcp-switchboard/run-<tag> (macOS, or Linux without a runtime dir).
 * The tag is a hash of the data dir, so two data dirs never share sockets.
 */
export function runDir(env: Env, platform: NodeJS.Platform = process.platform, probe: RunDirProbe = systemProbe): string {
  const data = dataDir(env, platform);
  const inData = path.join(data, 'run');
  if (Buffer.byteLength(inData) + 1 + SHORT_SOCKET_NAME_BYTES <= MAX_SOCKET_PATH) return inData;
  const tag = createHash('sha256').update(data).digest('hex').slice(0, 10);
  if (platform !== 'darwin' && platform !== 'win32' && probe.uid !== undefined) {
    const runtime = `/run/user/${probe.uid}`;
    if (probe.isPrivateDir(runtime)) return path.join(runtime, `${APP_SLUG}-${tag}`);
  }
  return path.join(homeDir(env, platform), `.${APP_SLUG}`, `run-${tag}`);
}

export function resolvePaths(env: Env, platform: NodeJS.Platform = process.platform): Paths {
  const data = dataDir(env, platform);
  return {
    dataDir: data,
    logsDir: path.join(data, 'logs'),
    runDir: runDir(env, platform),
    secretFile: path.join(data, 'connector.secret'),
  };
}

/**
 * The local endpoint of one server's proxy: a Unix socket, or a per-user named pipe on Windows.
 * A socket is named after the server id when the path fits, else after a hash of the id ("@…",
 * a character ids never have).
 */
export function endpointFor(paths: Paths, serverId: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    const user = createHash('sha256').update(paths.dataDir.toLowerCase()).digest('hex').slice(0, 12);
    return `\\\\.\\pipe\\${APP_SLUG}-${user}-${serverId}`;
  }
  const named = path.join(paths.runDir, `${serverId}.sock`);
  if (Buffer.byteLength(named) <= MAX_SOCKET_PATH) return named;
  return path.join(paths.runDir, `@${createHash('sha256').update(serverId).digest('hex').slice(0, 12)}.sock`);
}
