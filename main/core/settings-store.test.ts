/**
 * The one settings-store factory every host uses (openSettingsStore; settingsOptions for the app's
 * electron-store, stood in for here by conf, its base class, since Electron cannot run here): on a
 * fresh install the data directory is 0700 and settings.json 0600 whatever the umask, and a data
 * directory an older version left 0755 is made 0700 before anything is written in it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Conf from 'conf';
import { afterEach, describe, expect, it } from 'vitest';
import { openSettingsStore, settingsOptions } from './settings-store';
import type { Paths } from './ports';

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
