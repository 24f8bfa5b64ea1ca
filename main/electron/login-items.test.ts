// The LoginItems adapter. Electron's `app` is replaced by a FAKE that records the login item
// settings the way Electron stores them (no Electron binary here); on Linux the adapter writes a
// real autostart entry in a temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoginItemSettings, LoginItemSettingsOptions, Settings } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoginItems, type LoginItemApp } from './login-items';

/** FAKE of app.get/setLoginItemSettings: one Run-key-like entry, matched by path + args like Windows does. */
class FakeLoginItemApp implements LoginItemApp {
  entry: Settings | undefined;
  sets: Settings[] = [];
  queries: Array<LoginItemSettingsOptions | undefined> = [];
  openedAtLogin = false;
  taskManagerDisabled = false;
  setLoginItemSettings(settings: Settings): void {
    this.sets.push(settings);
    this.entry = settings.openAtLogin ? settings : undefined;
    if (settings.enabled) this.taskManagerDisabled = false;
  }
  getLoginItemSettings(options?: LoginItemSettingsOptions): LoginItemSettings {
    this.queries.push(options);
    const e = this.entry;
    const same = !!e && (e.path ?? '') === (options?.path ?? '') && JSON.stringify(e.args ?? []) === JSON.stringify(options?.args ?? []);
    return {
      openAtLogin: same,
      wasOpenedAtLogin: this.openedAtLogin,
      status: same ? 'enabled' : 'not-registered',
      executableWillLaunchAtLogin: same && !this.taskManagerDisabled,
      launchItems: [],
    };
  }
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-login-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('createLoginItems on Windows', () => {
  const exe = 'C:\\Users\\me\\AppData\\Local\\Programs\\mcp-switchboard\\MCP Switchboard.exe';

  it('registers the executable with --background and reads it back with the same path and args', () => {
    const app = new FakeLoginItemApp();
    const items = createLoginItems({ app, platform: 'win32', env: {}, execPath: exe, appArgs: [] });
    expect(items.isEnabled()).toBe(false);
    items.setEnabled(true);
    expect(app.sets).toEqual([{ openAtLogin: true, path: exe, args: ['--background'], enabled: true }]);
    expect(items.isEnabled()).toBe(true);
    expect(app.queries.at(-1)).toEqual({ path: exe, args: ['--background'] });
    items.setEnabled(false);
    expect(items.isEnabled()).toBe(false);
    expect(items.wasOpenedAtLogin()).toBe(false);
  });

  it('reports off when the user disabled it in Task Manager, and turning it on approves it again', () => {
    const app = new FakeLoginItemApp();
    const items = createLoginItems({ app, platform: 'win32', env: {}, execPath: exe, appArgs: [] });
    items.setEnabled(true);
    app.taskManagerDisabled = true;
    expect(items.isEnabled()).toBe(false);
    items.setEnabled(true);
    expect(items.isEnabled()).toBe(true);
  });

  it('quotes an unpackaged app folder with spaces (Electron joins args into one command line)', () => {
    const app = new FakeLoginItemApp();
    const items = createLoginItems({ app, platform: 'win32', env: {}, execPath: 'C:\\r\\electron.exe', appArgs: ['C:\\My Code\\switchboard'] });
    items.setEnabled(true);
    expect(app.sets[0]!.args).toEqual(['"C:\\My Code\\switchboard"', '--background']);
    expect(items.isEnabled()).toBe(true);
  });
});

describe('createLoginItems on macOS', () => {
  it('uses openAtLogin without arguments and knows when the login item started it', () => {
    const app = new FakeLoginItemApp();
    const items = createLoginItems({
      app,
      platform: 'darwin',
      env: {},
      execPath: '/Applications/MCP Switchboard.app/Contents/MacOS/MCP Switchboard',
      appArgs: [],
    });
    items.setEnabled(true);
    expect(app.sets).toEqual([{ openAtLogin: true }]);
    expect(items.isEnabled()).toBe(true);
    expect(items.wasOpenedAtLogin()).toBe(false);
    app.openedAtLogin = true;
    expect(items.wasOpenedAtLogin()).toBe(true);
    items.setEnabled(false);
    expect(items.isEnabled()).toBe(false);
  });
});

describe('createLoginItems on Linux', () => {
  const env = () => ({ XDG_CONFIG_HOME: path.join(tmp, 'cfg') });
  const file = () => path.join(tmp, 'cfg', 'autostart', 'mcp-switchboard.desktop');

  it('writes and removes the XDG autostart entry without touching Electron', () => {
    const app = new FakeLoginItemApp();
    const items = createLoginItems({ app, platform: 'linux', env: env(), execPath: '/opt/MCP Switchboard/mcp-switchboard', appArgs: [] });
    items.setEnabled(true);
    expect(fs.readFileSync(file(), 'utf8')).toContain('Exec="/opt/MCP Switchboard/mcp-switchboard" --background\n');
    expect(items.isEnabled()).toBe(true);
    items.setEnabled(false);
    expect(fs.existsSync(file())).toBe(false);
    expect(items.isEnabled()).toBe(false);
    expect(app.sets).toEqual([]);
    expect(app.queries).toEqual([]);
  });

  it('runs the AppImage, and on start rewrites an entry left by an AppImage that moved', () => {
    const app = new FakeLoginItemApp();
    createLoginItems({
      app,
      platform: 'linux',
      env: { ...env(), APPIMAGE: '/home/me/Downloads/MCP.AppImage' },
      execPath: '/tmp/.mount_x/mcp-switchboard',
      appArgs: [],
    }).setEnabled(true);
    expect(fs.readFileSync(file(), 'utf8')).toContain('Exec=/home/me/Downloads/MCP.AppImage --background\n');
    const notes: string[] = [];
    const moved = createLoginItems({
      app,
      platform: 'linux',
      env: { ...env(), APPIMAGE: '/home/me/Apps/MCP.AppImage' },
      execPath: '/tmp/.mount_y/mcp-switchboard',
      appArgs: [],
      onRepair: (m) => notes.push(m),
    });
    expect(fs.readFileSync(file(), 'utf8')).toContain('Exec=/home/me/Apps/MCP.AppImage --background\n');
    expect(notes).toEqual([`Launch at login now starts /home/me/Apps/MCP.AppImage (${file()})`]);
    expect(moved.isEnabled()).toBe(true);
  });

  it("a checkout's entry has its own file: it never replaces or repairs the installed app's", () => {
    const app = new FakeLoginItemApp();
    createLoginItems({ app, platform: 'linux', env: env(), execPath: '/opt/MCP Switchboard/mcp-switchboard', appArgs: [] }).setEnabled(true);
    const installed = fs.readFileSync(file(), 'utf8');
    const dev = createLoginItems({
      app,
      platform: 'linux',
      env: env(),
      execPath: '/repo/node_modules/electron/dist/electron',
      appArgs: ['/repo'],
      autostartFileName: 'mcp-switchboard-dev.desktop',
    });
    expect(dev.isEnabled()).toBe(false);
    dev.setEnabled(true);
    expect(fs.readFileSync(path.join(tmp, 'cfg', 'autostart', 'mcp-switchboard-dev.desktop'), 'utf8')).toContain(
      'Exec=/repo/node_modules/electron/dist/electron /repo --background\n',
    );
    expect(fs.readFileSync(file(), 'utf8')).toBe(installed);
  });
});

describe('createLoginItems from a path that will not last', () => {
  it('refuses to turn launch at login on, with the sentence; turning it off still works', () => {
    const app = new FakeLoginItemApp();
    const why = 'Move MCP Switchboard to Applications first: it runs from its disk image.';
    const items = createLoginItems({
      app,
      platform: 'darwin',
      env: {},
      execPath: '/Volumes/MCP Switchboard/MCP Switchboard.app/Contents/MacOS/MCP Switchboard',
      appArgs: [],
      unavailable: why,
    });
    expect(() => items.setEnabled(true)).toThrow(why);
    expect(app.sets).toEqual([]);
    items.setEnabled(false);
    expect(app.sets).toEqual([{ openAtLogin: false }]);
  });
});
