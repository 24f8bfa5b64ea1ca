// The connector's "start the app" command per OS and packaging (pure: nothing is started). The
// environments are what MCP clients built on the MCP SDK pass (getDefaultEnvironment): POSIX gets
// HOME, LOGNAME, PATH, SHELL, TERM, USER; Windows a fixed list without proxies or the session.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickSessionEnv, readSessionEnv, SESSION_ENV_FILE, withSessionEnv, writeSessionEnv } from '../shared/session-env';
import { appLaunchPlan, macBundleOf, type AppLaunch, type AppLaunchInput } from './app-launch';

const SDK_POSIX_ENV = { HOME: '/home/u', LOGNAME: 'u', PATH: '/usr/bin:/bin', SHELL: '/bin/bash', TERM: 'xterm', USER: 'u', ELECTRON_RUN_AS_NODE: '1' };
const SDK_WIN_ENV = {
  APPDATA: 'C:\\Users\\u\\AppData\\Roaming',
  HOMEDRIVE: 'C:',
  HOMEPATH: '\\Users\\u',
  LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local',
  PATH: 'C:\\Windows\\system32',
  PROCESSOR_ARCHITECTURE: 'AMD64',
  SYSTEMDRIVE: 'C:',
  SYSTEMROOT: 'C:\\Windows',
  TEMP: 'C:\\Users\\u\\AppData\\Local\\Temp',
  USERNAME: 'u',
  USERPROFILE: 'C:\\Users\\u',
  PROGRAMFILES: 'C:\\Program Files',
  ELECTRON_RUN_AS_NODE: '1',
};

function plan(input: Partial<AppLaunchInput> & Pick<AppLaunchInput, 'platform' | 'execPath' | 'connectorDir'>): AppLaunch {
  const p = appLaunchPlan({ env: SDK_POSIX_ENV, electron: true, sessionEnv: {}, ...input });
  if ('error' in p) throw new Error(p.error);
  return p;
}

describe('appLaunchPlan', () => {
  it('macOS, installed: through LaunchServices, a new process in the background, never the client child environment', () => {
    const p = plan({
      platform: 'darwin',
      execPath: '/Applications/MCP Switchboard.app/Contents/MacOS/MCP Switchboard',
      connectorDir: '/Applications/MCP Switchboard.app/Contents/Resources/app.asar.unpacked/out/connector',
    });
    expect([p.command, ...p.args]).toEqual(['/usr/bin/open', '-n', '-g', '-a', '/Applications/MCP Switchboard.app', '--args', '--background']);
    expect(p.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(macBundleOf('/Applications/MCP Switchboard.app/Contents/MacOS/MCP Switchboard')).toBe('/Applications/MCP Switchboard.app');
    expect(macBundleOf('/usr/local/bin/node')).toBeUndefined();
  });

  it('a data directory the entry names is passed as --data-dir (LaunchServices and systemd-run drop the environment)', () => {
    const env = { ...SDK_POSIX_ENV, MCP_SWITCHBOARD_HOME: '/Users/u/sb data' };
    const p = plan({
      platform: 'darwin',
      env,
      execPath: '/Applications/MCP Switchboard.app/Contents/MacOS/MCP Switchboard',
      connectorDir: '/Applications/MCP Switchboard.app/Contents/Resources/app.asar.unpacked/out/connector',
    });
    expect(p.args.slice(-2)).toEqual(['--background', '--data-dir=/Users/u/sb data']);
  });

  it('a checkout on Electron: the app folder before --background, so Electron runs the Switchboard and not its default app', () => {
    const mac = plan({
      platform: 'darwin',
      execPath: '/repo/node_modules/electron/dist/Electron.app/Contents/MacOS/Electron',
      connectorDir: '/repo/out/connector',
    });
    expect([mac.command, ...mac.args]).toEqual([
      '/usr/bin/open',
      '-n',
      '-g',
      '-a',
      '/repo/node_modules/electron/dist/Electron.app',
      '--args',
      '/repo',
      '--background',
    ]);
    const linux = plan({
      platform: 'linux',
      env: { ...SDK_POSIX_ENV, DISPLAY: ':0' },
      execPath: '/repo/node_modules/electron/dist/electron',
      connectorDir: '/repo/out/connector',
    });
    expect([linux.command, ...linux.args]).toEqual(['/repo/node_modules/electron/dist/electron', '/repo', '--background']);
  });

  it('a checkout on Node: the headless host beside the connector', () => {
    const p = plan({ platform: 'linux', electron: false, execPath: '/usr/bin/node', connectorDir: '/repo/out/connector' });
    expect([p.command, ...p.args]).toEqual(['/usr/bin/node', path.join('/repo/out/connector', '..', 'headless', 'index.js')]);
  });

  it('Linux: the session the running app left fills in what the client stripped, the client environment wins', () => {
    const sessionEnv = { DISPLAY: ':1', XDG_RUNTIME_DIR: '/run/user/1000', HTTPS_PROXY: 'http://proxy:3128', LANG: 'de_DE.UTF-8' };
    const p = plan({
      platform: 'linux',
      env: { ...SDK_POSIX_ENV, LANG: 'C.UTF-8' },
      sessionEnv,
      execPath: '/opt/MCP Switchboard/mcp-switchboard',
      connectorDir: '/opt/MCP Switchboard/resources/app.asar.unpacked/out/connector',
    });
    expect([p.command, ...p.args]).toEqual(['/opt/MCP Switchboard/mcp-switchboard', '--background']);
    expect(p.env).toMatchObject({ DISPLAY: ':1', XDG_RUNTIME_DIR: '/run/user/1000', HTTPS_PROXY: 'http://proxy:3128', LANG: 'C.UTF-8', HOME: '/home/u' });
    expect(p.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
  });

  it('Linux without any display: systemd-run --user starts it in the user session; without systemd-run, directly', () => {
    const base = {
      platform: 'linux' as const,
      execPath: '/opt/MCP Switchboard/mcp-switchboard',
      connectorDir: '/opt/MCP Switchboard/resources/app.asar.unpacked/out/connector',
    };
    const p = plan({ ...base, which: (name) => (name === 'systemd-run' ? '/usr/bin/systemd-run' : undefined), uid: 1000 });
    expect([p.command, ...p.args]).toEqual([
      '/usr/bin/systemd-run',
      '--user',
      '--collect',
      '--quiet',
      '--',
      '/opt/MCP Switchboard/mcp-switchboard',
      '--background',
    ]);
    expect(p.env.XDG_RUNTIME_DIR).toBe('/run/user/1000');
    expect(p.how).toMatch(/no display/);
    const direct = plan({ ...base, which: () => undefined });
    expect([direct.command, ...direct.args]).toEqual(['/opt/MCP Switchboard/mcp-switchboard', '--background']);
  });

  it('Linux: a display the app left that is gone (a later login) is not used: systemd-run starts it in the session there is now', () => {
    const base = {
      platform: 'linux' as const,
      execPath: '/opt/MCP Switchboard/mcp-switchboard',
      connectorDir: '/opt/MCP Switchboard/resources/app.asar.unpacked/out/connector',
      which: (name: string) => (name === 'systemd-run' ? '/usr/bin/systemd-run' : undefined),
      uid: 1000,
    };
    const x11 = { DISPLAY: ':1', XAUTHORITY: '/run/user/1000/.mutter-Xwaylandauth.ABC', XDG_RUNTIME_DIR: '/run/user/1000', LANG: 'de_DE.UTF-8' };
    const wayland = { WAYLAND_DISPLAY: 'wayland-0', XDG_RUNTIME_DIR: '/run/user/1000', XDG_SESSION_TYPE: 'wayland', LANG: 'de_DE.UTF-8' };
    const files =
      (...present: string[]) =>
      (file: string) =>
        present.includes(file);

    // Still there: used as before.
    const liveX = plan({ ...base, sessionEnv: x11, exists: files('/tmp/.X11-unix/X1', x11.XAUTHORITY) });
    expect(liveX.env.DISPLAY).toBe(':1');
    expect(liveX.command).toBe('/opt/MCP Switchboard/mcp-switchboard');
    const liveWayland = plan({ ...base, sessionEnv: wayland, exists: files('/run/user/1000/wayland-0') });
    expect(liveWayland.env.WAYLAND_DISPLAY).toBe('wayland-0');

    // Gone: the X socket, or only the X authority file of the old login; the Wayland socket.
    for (const [session, exists] of [
      [x11, files()],
      [x11, files('/tmp/.X11-unix/X1')],
      [wayland, files('/tmp/.X11-unix/X0')],
    ] as const) {
      const p = plan({ ...base, sessionEnv: session, exists });
      expect(p.command).toBe('/usr/bin/systemd-run');
      expect(p.env.DISPLAY).toBeUndefined();
      expect(p.env.WAYLAND_DISPLAY).toBeUndefined();
      expect(p.env.XAUTHORITY).toBeUndefined();
      expect(p.env.LANG).toBe('de_DE.UTF-8'); // the rest of the session still fills in
    }

    // A remote X display cannot be checked and is believed; the client's own display always wins.
    expect(plan({ ...base, sessionEnv: { DISPLAY: 'host:10.0' }, exists: files() }).env.DISPLAY).toBe('host:10.0');
    expect(plan({ ...base, env: { ...SDK_POSIX_ENV, DISPLAY: ':0' }, sessionEnv: x11, exists: files() }).env.DISPLAY).toBe(':0');
  });

  it('Linux AppImage: the AppImage itself, never the per-run mount the connector runs from', () => {
    const p = plan({
      platform: 'linux',
      env: { ...SDK_POSIX_ENV, DISPLAY: ':0', APPIMAGE: '/home/u/Apps/MCP-Switchboard.AppImage' },
      execPath: '/tmp/.mount_abc123/mcp-switchboard',
      connectorDir: '/home/u/.config/mcp-switchboard/connector',
    });
    expect([p.command, ...p.args]).toEqual(['/home/u/Apps/MCP-Switchboard.AppImage', '--background']);
  });

  it('Windows: cmd start, so the app leaves the client process tree; quoted for cmd; a path cmd would change starts directly', () => {
    const exe = 'C:\\Users\\u\\AppData\\Local\\Programs\\mcp-switchboard\\MCP Switchboard.exe';
    const p = plan({
      platform: 'win32',
      env: SDK_WIN_ENV,
      execPath: exe,
      connectorDir: 'C:\\Users\\u\\AppData\\Local\\Programs\\mcp-switchboard\\resources\\app.asar.unpacked\\out\\connector',
    });
    expect(p.command).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(p.args).toEqual(['/d', '/s', '/c', `"start "" "${exe}" "--background""`]);
    expect(p.windowsVerbatimArguments).toBe(true);
    const dev = plan({
      platform: 'win32',
      env: SDK_WIN_ENV,
      execPath: 'c:\\repo\\node_modules\\electron\\dist\\electron.exe',
      connectorDir: 'c:\\repo\\out\\connector',
    });
    expect(dev.args[3]).toBe('"start "" "c:\\repo\\node_modules\\electron\\dist\\electron.exe" "c:\\repo" "--background""');
    const percent = plan({
      platform: 'win32',
      env: SDK_WIN_ENV,
      execPath: 'C:\\100%\\MCP Switchboard.exe',
      connectorDir: 'C:\\100%\\resources\\app.asar.unpacked\\out\\connector',
    });
    expect([percent.command, ...percent.args]).toEqual(['C:\\100%\\MCP Switchboard.exe', '--background']);
    expect(percent.windowsVerbatimArguments).toBeUndefined();
  });

  it('MCP_SWITCHBOARD_APP_COMMAND wins; a malformed one starts nothing and says why', () => {
    const p = plan({ platform: 'linux', env: { ...SDK_POSIX_ENV, MCP_SWITCHBOARD_APP_COMMAND: '["/x/app","--flag"]' }, execPath: '/e', connectorDir: '/c' });
    expect([p.command, ...p.args]).toEqual(['/x/app', '--flag']);
    expect(
      appLaunchPlan({
        platform: 'linux',
        env: { MCP_SWITCHBOARD_APP_COMMAND: '"/x/app"' },
        execPath: '/e',
        connectorDir: '/c',
        electron: true,
        sessionEnv: {},
      }),
    ).toEqual({
      error: expect.stringContaining('not a JSON array'),
    });
  });
});

describe('session-env.json', () => {
  it('keeps only the session variables, 0600, and reads back what it wrote', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-session-env-'));
    try {
      const env = { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0', HTTPS_PROXY: 'http://user:pw@proxy:3128', SECRET_TOKEN: 'x', PATH: '/bin', EMPTY: '' };
      writeSessionEnv(dir, env, 'linux');
      const file = path.join(dir, SESSION_ENV_FILE);
      if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(readSessionEnv(dir, 'linux')).toEqual({ DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0', HTTPS_PROXY: 'http://user:pw@proxy:3128' });
      // The display variables are Linux's only.
      expect(pickSessionEnv(env, 'darwin')).toEqual({ HTTPS_PROXY: 'http://user:pw@proxy:3128' });
      fs.writeFileSync(file, '{not json');
      expect(readSessionEnv(dir, 'linux')).toEqual({});
      expect(readSessionEnv(path.join(dir, 'missing'), 'linux')).toEqual({});
      expect(withSessionEnv({ DISPLAY: '', LANG: 'C' }, { DISPLAY: ':0', LANG: 'de' })).toEqual({ DISPLAY: ':0', LANG: 'C' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
