// The XDG autostart entry, with real files in temp dirs. The Exec quoting is checked against GLib's
// Desktop Entry parser: `gio launch` runs the entry we wrote and a recording script reports the argv
// it received (skipped, with the reason, where gio is not installed).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTOSTART_FILE_NAME, autostartCommand, autostartDir, autostartEntry, entryIsActive, LinuxAutostart, quoteExecArg } from './autostart-linux';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-autostart-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('autostartDir', () => {
  it('uses an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/me')).toBe('/x/cfg/autostart');
    expect(autostartDir({}, '/home/me')).toBe('/home/me/.config/autostart');
    expect(autostartDir({ XDG_CONFIG_HOME: '' }, '/home/me')).toBe('/home/me/.config/autostart');
    // The spec: a relative path in an XDG variable is invalid and must be ignored.
    expect(autostartDir({ XDG_CONFIG_HOME: 'cfg' }, '/home/me')).toBe('/home/me/.config/autostart');
  });
});

describe('autostartCommand', () => {
  it('runs the AppImage when there is one, else the executable (with the app folder when unpackaged)', () => {
    expect(autostartCommand({ env: {}, execPath: '/opt/MCP Switchboard/mcp-switchboard' })).toEqual(['/opt/MCP Switchboard/mcp-switchboard', '--background']);
    expect(autostartCommand({ env: { APPIMAGE: '/home/me/Apps/MCP-Switchboard.AppImage' }, execPath: '/tmp/.mount_MCPabc/mcp-switchboard' })).toEqual([
      '/home/me/Apps/MCP-Switchboard.AppImage',
      '--background',
    ]);
    expect(autostartCommand({ env: {}, execPath: '/repo/node_modules/electron/dist/electron', appArgs: ['/repo'] })).toEqual([
      '/repo/node_modules/electron/dist/electron',
      '/repo',
      '--background',
    ]);
    // A relative APPIMAGE is not trusted.
    expect(autostartCommand({ env: { APPIMAGE: 'x.AppImage' }, execPath: '/opt/a/app' })[0]).toBe('/opt/a/app');
  });
});

describe('quoteExecArg', () => {
  it('leaves plain arguments alone and quotes reserved characters in two layers', () => {
    expect(quoteExecArg('--background')).toBe('--background');
    expect(quoteExecArg('/opt/app/mcp-switchboard')).toBe('/opt/app/mcp-switchboard');
    expect(quoteExecArg('/opt/MCP Switchboard/mcp-switchboard')).toBe('"/opt/MCP Switchboard/mcp-switchboard"');
    expect(quoteExecArg('100%')).toBe('100%%');
    expect(quoteExecArg('a$b')).toBe('"a\\\\$b"');
    expect(quoteExecArg('a\\b')).toBe('"a\\\\\\\\b"');
    expect(quoteExecArg('say "hi"')).toBe('"say \\\\"hi\\\\""');
    expect(quoteExecArg('')).toBe('""');
  });

  it('refuses control characters instead of writing a broken line', () => {
    expect(() => quoteExecArg('a\nb')).toThrow(/control character/);
  });
});

describe('autostartEntry / entryIsActive', () => {
  it('writes a valid entry that runs the command with --background', () => {
    const text = autostartEntry({ command: ['/opt/MCP Switchboard/mcp-switchboard', '--background'] });
    expect(text).toContain('[Desktop Entry]\nType=Application\n');
    expect(text).toContain('\nExec="/opt/MCP Switchboard/mcp-switchboard" --background\n');
    expect(text).toContain('\nX-GNOME-Autostart-enabled=true\n');
    expect(entryIsActive(text)).toBe(true);
    expect(() => autostartEntry({ command: ['relative/app'] })).toThrow(/absolute path/);
    // GLib looks for the program before expanding %%, so such a path could never start.
    expect(() => autostartEntry({ command: ['/opt/100%/app', '--background'] })).toThrow(/contains "%"/);
  });

  it('sees an entry a desktop turned off in place', () => {
    const text = autostartEntry({ command: ['/opt/a/app', '--background'] });
    expect(entryIsActive(`${text}Hidden=true\n`)).toBe(false);
    expect(entryIsActive(text.replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'))).toBe(false);
    expect(entryIsActive('[Other Group]\nExec=/x\n')).toBe(false);
    expect(entryIsActive('')).toBe(false);
  });
});

describe('LinuxAutostart', () => {
  const opts = (extra: Partial<ConstructorParameters<typeof LinuxAutostart>[0]> = {}) => ({
    env: { XDG_CONFIG_HOME: path.join(tmp, 'cfg') },
    execPath: '/opt/MCP Switchboard/mcp-switchboard',
    ...extra,
  });

  it('creates the autostart folder and entry, reports it, and removes it', () => {
    const auto = new LinuxAutostart(opts());
    expect(auto.file).toBe(path.join(tmp, 'cfg', 'autostart', AUTOSTART_FILE_NAME));
    expect(auto.isEnabled()).toBe(false);
    auto.setEnabled(true);
    expect(auto.isEnabled()).toBe(true);
    expect(fs.statSync(auto.file).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(auto.file, 'utf8')).toContain('Exec="/opt/MCP Switchboard/mcp-switchboard" --background\n');
    expect(fs.readdirSync(path.dirname(auto.file))).toEqual([AUTOSTART_FILE_NAME]);
    auto.setEnabled(false);
    expect(auto.isEnabled()).toBe(false);
    expect(fs.existsSync(auto.file)).toBe(false);
    auto.setEnabled(false); // already gone: no error
  });

  it('leaves other autostart entries alone', () => {
    const dir = path.join(tmp, 'cfg', 'autostart');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'other.desktop'), '[Desktop Entry]\nExec=/usr/bin/other\n');
    const auto = new LinuxAutostart(opts());
    auto.setEnabled(true);
    auto.setEnabled(false);
    expect(fs.readdirSync(dir)).toEqual(['other.desktop']);
  });

  it('reports an entry that the desktop disabled as off, and turning it on rewrites it', () => {
    const auto = new LinuxAutostart(opts());
    auto.setEnabled(true);
    fs.appendFileSync(auto.file, 'Hidden=true\n');
    expect(auto.isEnabled()).toBe(false);
    auto.setEnabled(true);
    expect(auto.isEnabled()).toBe(true);
  });

  it('repairs an active entry that runs another path (an AppImage that moved)', () => {
    new LinuxAutostart(opts({ env: { XDG_CONFIG_HOME: path.join(tmp, 'cfg'), APPIMAGE: '/home/me/Downloads/MCP.AppImage' } })).setEnabled(true);
    const moved = new LinuxAutostart(opts({ env: { XDG_CONFIG_HOME: path.join(tmp, 'cfg'), APPIMAGE: '/home/me/Apps/MCP.AppImage' } }));
    expect(moved.repair()).toBe(true);
    expect(fs.readFileSync(moved.file, 'utf8')).toContain('Exec=/home/me/Apps/MCP.AppImage --background\n');
    expect(moved.repair()).toBe(false);
    moved.setEnabled(false);
    expect(moved.repair()).toBe(false);
    expect(fs.existsSync(moved.file)).toBe(false);
  });

  it('fails loudly when the folder cannot be written', () => {
    const blocker = path.join(tmp, 'cfg');
    fs.writeFileSync(blocker, 'not a folder');
    const auto = new LinuxAutostart(opts());
    expect(() => auto.setEnabled(true)).toThrow(/ENOTDIR|EEXIST/);
  });
});

const gio = spawnSync('gio', ['--version'], { encoding: 'utf8' });
const gioMissing = gio.error || gio.status !== 0 ? 'gio (GLib) is not installed: the Exec line is not checked against a real Desktop Entry parser' : undefined;

describe.skipIf(process.platform !== 'linux' || gioMissing)('Exec line read by GLib (gio launch)', () => {
  it('passes every argument through unchanged, reserved characters included', async () => {
    // A directory and arguments full of what the spec reserves, plus % (field codes) and '='.
    const dir = path.join(tmp, `app dir $HOME & "q" 'x' #(1) \`id\` \\back; <a>|b~ *?=`);
    fs.mkdirSync(dir, { recursive: true });
    const out = path.join(tmp, 'argv.json');
    const script = path.join(dir, 'record argv');
    fs.writeFileSync(script, `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`, {
      mode: 0o755,
    });
    const args = ['plain', 'two words', '100% $PATH `x` \\ "q" \'s\'', '%f', 'a=b', '--background'];
    const entry = path.join(tmp, AUTOSTART_FILE_NAME);
    fs.writeFileSync(entry, autostartEntry({ command: [script, ...args] }));
    execFileSync('gio', ['launch', entry], { env: { ...process.env, HOME: tmp }, timeout: 15_000 });
    // gio spawns the command and returns; wait for the recording.
    for (let i = 0; i < 200 && !fs.existsSync(out); i++) await new Promise((r) => setTimeout(r, 50));
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(args);
  });
});
