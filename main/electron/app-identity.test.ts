// Who a run of the app is, per OS and packaging: data directory, profile, names, what client
// entries and links run. Pure: the paths are the ones Electron and electron-builder produce.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate } from './app-menu';
import { parseLaunchArgs } from './launch-options';
import { appIdentity, clientLauncherFor, detectPackaging, devDataDir, protocolRegistration, transientReason, type IdentityInput } from './app-identity';

const linuxDeb: IdentityInput = {
  isPackaged: true,
  platform: 'linux',
  execPath: '/opt/MCP Switchboard/mcp-switchboard',
  env: { HOME: '/home/u' },
  appPath: '/opt/MCP Switchboard/resources/app.asar',
};
const checkout: IdentityInput = {
  isPackaged: false,
  platform: 'linux',
  execPath: '/repo/node_modules/electron/dist/electron',
  env: { HOME: '/home/u' },
  appPath: '/repo',
};
const MAC_EXE = 'Contents/MacOS/MCP Switchboard';

describe('detectPackaging', () => {
  it('tells a checkout, an AppImage, a macOS bundle (and whether its path lasts) and an installed app apart', () => {
    expect(detectPackaging(checkout)).toEqual({ kind: 'checkout', appPath: '/repo' });
    expect(detectPackaging(linuxDeb)).toEqual({ kind: 'installed' });
    expect(detectPackaging({ ...linuxDeb, execPath: '/tmp/.mount_abc/mcp-switchboard', env: { APPIMAGE: '/home/u/MCP.AppImage' } })).toEqual({
      kind: 'appimage',
      appImage: '/home/u/MCP.AppImage',
    });
    const mac = { ...linuxDeb, platform: 'darwin' as const };
    expect(detectPackaging({ ...mac, execPath: `/Applications/MCP Switchboard.app/${MAC_EXE}` })).toEqual({
      kind: 'mac-bundle',
      bundle: '/Applications/MCP Switchboard.app',
    });
    expect(detectPackaging({ ...mac, execPath: `/Volumes/MCP Switchboard 0.1.0/MCP Switchboard.app/${MAC_EXE}` })).toMatchObject({ transient: 'disk-image' });
    expect(detectPackaging({ ...mac, execPath: `/private/var/folders/xy/T/AppTranslocation/1F2E-33/d/MCP Switchboard.app/${MAC_EXE}` })).toMatchObject({
      transient: 'translocated',
    });
    expect(
      detectPackaging({ ...linuxDeb, platform: 'win32', execPath: 'C:\\Users\\u\\AppData\\Local\\Programs\\mcp-switchboard\\MCP Switchboard.exe' }),
    ).toEqual({
      kind: 'installed',
    });
  });
});

describe('appIdentity', () => {
  it('packaged: the platform data directory, Chromium inside it, the app id', () => {
    const id = appIdentity(linuxDeb);
    expect(id).toMatchObject({ dev: false, name: 'MCP Switchboard', dataDir: '/home/u/.config/mcp-switchboard', appUserModelId: 'dev.mcpswitchboard.app' });
    expect(id.userData).toBe(path.join('/home/u/.config/mcp-switchboard', 'chromium'));
    expect(id.dataDirEnv).toBeUndefined();
    expect(id.autostartFileName).toBe('mcp-switchboard.desktop');
  });

  it('a checkout: its own data directory (so its own profile and lock), name, AppUserModelId and autostart file', () => {
    const id = appIdentity(checkout);
    expect(id).toMatchObject({
      dev: true,
      name: 'MCP Switchboard Dev',
      dataDir: '/home/u/.config/mcp-switchboard-dev',
      dataDirEnv: '/home/u/.config/mcp-switchboard-dev',
      appUserModelId: '/repo/node_modules/electron/dist/electron',
      autostartFileName: 'mcp-switchboard-dev.desktop',
    });
    expect(id.userData).not.toBe(appIdentity(linuxDeb).userData);
    expect(devDataDir({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Application Support/MCP Switchboard Dev');
    expect(devDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toBe('C:\\Users\\u\\AppData\\Roaming\\MCP Switchboard Dev');
    // MCP_SWITCHBOARD_HOME still wins (tests, the smoke e2e), and is not set again.
    const tests = appIdentity({ ...checkout, env: { HOME: '/home/u', MCP_SWITCHBOARD_HOME: '/tmp/sb' } });
    expect(tests.dataDir).toBe('/tmp/sb');
    expect(tests.dataDirEnv).toBeUndefined();
  });

  it('a connector named the data directory (--data-dir): it wins, and the process takes it on', () => {
    const id = appIdentity({ ...linuxDeb, dataDirArg: '/srv/sb data' });
    expect(id).toMatchObject({ dataDir: '/srv/sb data', dataDirEnv: '/srv/sb data', userData: path.join('/srv/sb data', 'chromium') });
  });
});

describe('what a start at login needs to reach the same data directory', () => {
  it('nothing for the data directory a plain start picks; --data-dir for one from MCP_SWITCHBOARD_HOME or a connector', () => {
    expect(appIdentity(linuxDeb).loginArgs).toEqual([]);
    expect(appIdentity(checkout).loginArgs).toEqual([]); // a checkout's own folder is where a plain checkout start goes
    const custom = appIdentity({ ...linuxDeb, env: { HOME: '/home/u', MCP_SWITCHBOARD_HOME: '/srv/sb data' } });
    expect(custom.loginArgs).toEqual(['--data-dir=/srv/sb data']);
    expect(appIdentity({ ...checkout, dataDirArg: '/srv/other' }).loginArgs).toEqual(['--data-dir=/srv/other']);
    // What the login start parses back (launch-options.ts) is that same folder.
    const again = appIdentity({ ...linuxDeb, dataDirArg: parseLaunchArgs(['/opt/x', ...custom.loginArgs, '--background']).dataDir });
    expect(again.dataDir).toBe('/srv/sb data');
  });
});

describe('clientLauncherFor (what client entries run)', () => {
  const connector = '/opt/MCP Switchboard/resources/app.asar.unpacked/out/connector/index.js';
  it('installed: the executable and the unpacked connector', () => {
    expect(clientLauncherFor(appIdentity(linuxDeb), linuxDeb.execPath, connector)).toEqual({
      command: linuxDeb.execPath,
      connectorScript: connector,
      electronRunAsNode: true,
    });
  });

  it('AppImage: the AppImage on a copy of the connector in the data directory, --no-sandbox after the server id', () => {
    const id = appIdentity({ ...linuxDeb, execPath: '/tmp/.mount_abc/mcp-switchboard', env: { HOME: '/home/u', APPIMAGE: '/home/u/Apps/MCP.AppImage' } });
    expect(clientLauncherFor(id, '/tmp/.mount_abc/mcp-switchboard', '/tmp/.mount_abc/resources/app.asar.unpacked/out/connector/index.js')).toEqual({
      command: '/home/u/Apps/MCP.AppImage',
      connectorScript: '/home/u/.config/mcp-switchboard/connector/index.js',
      electronRunAsNode: true,
      trailingArgs: ['--no-sandbox'],
      copyConnectorTo: '/home/u/.config/mcp-switchboard/connector/index.js',
    });
  });

  it('macOS from the disk image or translocated: installing is refused with "move the app to Applications first"', () => {
    const exe = `/Volumes/MCP Switchboard/MCP Switchboard.app/${MAC_EXE}`;
    const id = appIdentity({ ...linuxDeb, platform: 'darwin', execPath: exe, env: { HOME: '/Users/u' } });
    const launcher = clientLauncherFor(id, exe, '/Volumes/MCP Switchboard/MCP Switchboard.app/Contents/Resources/app.asar.unpacked/out/connector/index.js');
    expect(launcher.unavailable).toBe(transientReason(id.packaging));
    expect(launcher.unavailable).toMatch(/^Move MCP Switchboard to Applications first: it runs from its disk image/);
    expect(
      transientReason(
        detectPackaging({ ...linuxDeb, platform: 'darwin', execPath: `/private/var/folders/x/AppTranslocation/u/d/MCP Switchboard.app/${MAC_EXE}` }),
      ),
    ).toMatch(/Downloads folder/);
    expect(transientReason(appIdentity(linuxDeb).packaging)).toBeUndefined();
  });
});

describe('protocolRegistration (mcp-switchboard:// links)', () => {
  const base = { execPath: '/opt/MCP Switchboard/mcp-switchboard', env: {} };
  it('packaged: Electron registers the executable with "--" before the link (the check uses the same)', () => {
    expect(protocolRegistration(appIdentity(linuxDeb), { ...base, platform: 'linux' })).toEqual({ kind: 'electron', path: base.execPath, args: ['--'] });
    const win = appIdentity({ ...linuxDeb, platform: 'win32', execPath: 'C:\\p\\MCP Switchboard.exe' });
    expect(protocolRegistration(win, { platform: 'win32', execPath: 'C:\\p\\MCP Switchboard.exe', env: {} })).toEqual({
      kind: 'electron',
      path: 'C:\\p\\MCP Switchboard.exe',
      args: ['--'],
    });
  });

  it('AppImage: its own desktop file that runs the AppImage (only the deb installs one)', () => {
    const id = appIdentity({ ...linuxDeb, env: { APPIMAGE: '/home/u/MCP.AppImage' } });
    expect(protocolRegistration(id, { ...base, platform: 'linux' })).toEqual({
      kind: 'desktop-file',
      fileName: 'mcp-switchboard.desktop',
      exec: ['/home/u/MCP.AppImage'],
    });
  });

  it('a checkout registers nothing unless asked; asked, it registers the app folder, never argv[1]', () => {
    const id = appIdentity(checkout);
    expect(protocolRegistration(id, { platform: 'win32', execPath: 'C:\\r\\electron.exe', env: {} })).toMatchObject({ kind: 'none' });
    const asked = { MCP_SWITCHBOARD_REGISTER_PROTOCOL: '1' };
    expect(protocolRegistration(id, { platform: 'win32', execPath: 'C:\\r\\electron.exe', env: asked })).toEqual({
      kind: 'electron',
      path: 'C:\\r\\electron.exe',
      args: ['/repo', '--'],
    });
    expect(protocolRegistration(id, { platform: 'linux', execPath: checkout.execPath, env: asked })).toEqual({
      kind: 'desktop-file',
      fileName: 'mcp-switchboard-dev.desktop',
      exec: [checkout.execPath, '/repo'],
    });
  });

  it('macOS from a path that will not last: nothing registered', () => {
    const id = appIdentity({ ...linuxDeb, platform: 'darwin', execPath: `/Volumes/X/MCP Switchboard.app/${MAC_EXE}` });
    expect(protocolRegistration(id, { platform: 'darwin', execPath: `/Volumes/X/MCP Switchboard.app/${MAC_EXE}`, env: {} })).toMatchObject({ kind: 'none' });
  });
});

describe('applicationMenuTemplate', () => {
  it('no menu with Reload and DevTools: none on Windows and Linux, app/Edit/Window on macOS', () => {
    expect(applicationMenuTemplate('win32')).toBeNull();
    expect(applicationMenuTemplate('linux')).toBeNull();
    expect(applicationMenuTemplate('darwin')).toEqual([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]);
  });
});
