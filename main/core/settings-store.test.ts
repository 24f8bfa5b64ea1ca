// settings.json through the real conf, in a temp data directory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../shared/paths';
import { openSettingsStore, setAsideUnreadableSettings, settingsFile } from './settings-store';
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
