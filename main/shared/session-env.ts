/**
 * What an app started by a connector needs from the user's session. MCP clients start stdio
 * servers with a stripped environment (the MCP SDK passes only HOME, LOGNAME, PATH, SHELL, TERM,
 * USER on POSIX), so a connector that starts the app would start it without a display on Linux and
 * without the user's proxy settings everywhere. The running app leaves those variables in
 * `<data dir>/session-env.json` (0600: a proxy URL can hold a password); a connector fills in the
 * ones its own environment lacks. Node built-ins only: the connector bundles it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Env } from './paths';

export const SESSION_ENV_FILE = 'session-env.json';

/** Proxy settings and language: what a proxy child and its HTTPS requests depend on. */
const EVERYWHERE = [
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'all_proxy',
  'LANG',
  'LC_ALL',
  'LC_MESSAGES',
] as const;

/** The graphical session on Linux: without DISPLAY or WAYLAND_DISPLAY, Electron cannot start. */
const LINUX = [
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XAUTHORITY',
  'XDG_RUNTIME_DIR',
  'DBUS_SESSION_BUS_ADDRESS',
  'XDG_CURRENT_DESKTOP',
  'XDG_SESSION_TYPE',
  'XDG_SESSION_DESKTOP',
  'DESKTOP_SESSION',
  'XDG_DATA_DIRS',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
] as const;

export function sessionEnvKeys(platform: NodeJS.Platform): readonly string[] {
  return platform === 'linux' ? [...EVERYWHERE, ...LINUX] : EVERYWHERE;
}

/** The session variables set in `env`. */
export function pickSessionEnv(env: Env, platform: NodeJS.Platform): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of sessionEnvKeys(platform)) {
    const value = env[key];
    if (typeof value === 'string' && value !== '' && !value.includes('\0')) out[key] = value;
  }
  return out;
}

/** Writes the session variables of `env` to the data directory (atomically, 0600). */
export function writeSessionEnv(dataDir: string, env: Env, platform: NodeJS.Platform = process.platform): void {
  const file = path.join(dataDir, SESSION_ENV_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(pickSessionEnv(env, platform)), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** What the app left (only the known keys, only strings); empty when there is nothing readable. */
export function readSessionEnv(dataDir: string, platform: NodeJS.Platform = process.platform): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dataDir, SESSION_ENV_FILE), 'utf8'));
    if (!parsed || typeof parsed !== 'object') return {};
    return pickSessionEnv(parsed as Env, platform);
  } catch {
    return {};
  }
}

/** `env` with the session variables it lacks filled in from `session` (what is set stays). */
export function withSessionEnv(env: Env, session: Record<string, string>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const [key, value] of Object.entries(session)) {
    if (out[key] === undefined || out[key] === '') out[key] = value;
  }
  return out;
}
