/**
 * settings.json through the real conf, in a temp data directory: the one settings-store factory
 * every host uses (openSettingsStore; settingsOptions for the app's electron-store, stood in for
 * here by conf, its base class, since Electron cannot run here), and setting an unreadable file aside.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../shared/paths';
import { openSettingsStore, setAsideUnreadableSettings, settingsFile, settingsOptions } from './settings-store';
import type { Paths } from './ports';

let paths: Paths;
beforeEach(() => {
  paths = resolvePaths({ MCP_SWITCHBOARD_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'sb-settings-store-')) });
});
afterEach(() => fs.rmSync(paths.dataDir, { recursive: true, force: true }));

/** What conf throws for the file as it is, or undefined when it reads. */
function openError(): unknown {
  try {
    openSettingsStore(paths, { watch: false }).get('servers');
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('setAsideUnreadableSettings', () => {
  it('moves a settings.json that is not JSON aside, whole, so the next start opens empty settings', () => {
    const file = settingsFile(paths);
    expect(file).toBe(path.join(paths.dataDir, 'settings.json'));
    fs.writeFileSync(file, '{bad', { mode: 0o600 });
    const err = openError();
    expect(String((err as Error).message)).toContain(file);

    const aside = setAsideUnreadableSettings(paths, err, new Date('2026-12-01T10:20:30.456Z'));
    expect(aside).toBe(path.join(paths.dataDir, 'settings.unreadable-2026-12-01T10-20-30-456Z.json'));
    expect(fs.readFileSync(aside!, 'utf8')).toBe('{bad');
    if (process.platform !== 'win32') expect(fs.statSync(aside!).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(file)).toBe(false);
    expect(openError()).toBeUndefined();
  });

  it('leaves the file where it is for any other error', () => {
    const file = settingsFile(paths);
    fs.writeFileSync(file, '{"servers":[]}');
    expect(setAsideUnreadableSettings(paths, Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' }))).toBeUndefined();
    expect(setAsideUnreadableSettings(paths, new SyntaxError('Unexpected token in some other file'))).toBeUndefined();
    expect(setAsideUnreadableSettings(paths, undefined)).toBeUndefined();
    expect(fs.readFileSync(file, 'utf8')).toBe('{"servers":[]}');
  });
});

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

function freshPaths(): Paths {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-store-'));
  homes.push(home);
  const dataDir = path.join(home, 'data');
  return { dataDir, logsDir: path.join(dataDir, 'logs'), runDir: path.join(dataDir, 'run'), secretFile: path.join(dataDir, 'connector.secret') };
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe.runIf(process.platform !== 'win32')('settings store permissions', () => {
  const opened: Array<[string, (p: Paths) => { set(k: string, v: unknown): void }]> = [
    ['openSettingsStore (every Node host)', (p) => openSettingsStore(p, { watch: false })],
    ['settingsOptions (the app’s electron-store)', (p) => new Conf(settingsOptions(p)) as unknown as { set(k: string, v: unknown): void }],
  ];

  it.each(opened)('%s: a fresh data directory is 0700 and settings.json 0600, under a permissive umask too', (_name, open) => {
    const old = process.umask(0o002);
    try {
      const paths = freshPaths();
      const store = open(paths);
      // Before anything is written, the directory conf made is already private.
      expect(mode(paths.dataDir)).toBe(0o700);
      store.set('servers', [{ id: 'x', headers: { 'X-Api-Key': 'k' } }]);
      expect(mode(paths.dataDir)).toBe(0o700);
      expect(mode(path.join(paths.dataDir, 'settings.json'))).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it.each(opened)('%s: an existing 0755 data directory becomes 0700', (_name, open) => {
    const paths = freshPaths();
    fs.mkdirSync(paths.dataDir, { mode: 0o755 });
    fs.chmodSync(paths.dataDir, 0o755);
    open(paths).set('app', { theme: 'dark' });
    expect(mode(paths.dataDir)).toBe(0o700);
    expect(mode(path.join(paths.dataDir, 'settings.json'))).toBe(0o600);
  });
});
