/**
 * How a connector starts MCP Switchboard when nothing answers: the command per OS and packaging,
 * and the environment. Pure (no process is started here), so every case is tested on any OS
 * (app-launch.test.ts); relay.ts spawns what it returns, detached and with no stdio.
 *
 * The connector runs in the MCP client's stripped environment. Started as its child with that
 * environment, the app would have no display on Linux and lose the user's proxy settings, and it
 * would die with the client's process tree on Windows. So it is started the way the OS would:
 * - macOS: through LaunchServices (`open -n -g -a <bundle> --args …`): the user's launchd
 *   environment, not a child of the client. `-n` starts a new process even while one is coming
 *   up (it then hands over to the running one through the single-instance lock), so a running app
 *   never gets a "reopen" (which would open its window).
 * - Linux: the session variables the running app left (session-env.json) fill in what the client
 *   stripped, unless the display they name is gone (a later login); without a display even then,
 *   `systemd-run --user` starts it in the user's session (the user manager has the graphical
 *   environment on most desktops).
 * - Windows: `cmd /c start`, so the app is not in the client's process tree (`taskkill /T`), and
 *   without `windowsHide` (it would hide the app's first window).
 * The data directory, when the entry names one, is passed as `--data-dir=` (LaunchServices and
 * systemd-run do not pass the environment on).
 */
import * as path from 'node:path';
import { withSessionEnv } from '../shared/session-env';

export interface AppLaunchInput {
  platform: NodeJS.Platform;
  /** The connector's environment (what the MCP client gave it). */
  env: NodeJS.ProcessEnv;
  /** The runtime running the connector (process.execPath). */
  execPath: string;
  /** The connector bundle's folder (__dirname of out/connector/index.js, or of its copy). */
  connectorDir: string;
  /** The connector runs on the app's own runtime (process.versions.electron is set). */
  electron: boolean;
  /** What the running app left in the data directory (readSessionEnv). */
  sessionEnv: Record<string, string>;
  /** Finds a program on PATH (Linux: systemd-run); undefined when it is not there. */
  which?: (program: string) => string | undefined;
  /** Linux: the user's id, for XDG_RUNTIME_DIR when the client stripped it. */
  uid?: number;
  /**
   * Linux: whether a path exists (fs.existsSync), to tell a display the app left from one that is
   * gone (the user logged out and in again since): absent, every recorded display is believed.
   */
  exists?: (file: string) => boolean;
}

export interface AppLaunch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Windows: the command line is built here (cmd's own quoting), not by Node. */
  windowsVerbatimArguments?: boolean;
  /** For the connector's log: how it was started (no environment values). */
  how: string;
}

export type AppLaunchPlan = AppLaunch | { error: string };

/** The app bundle of an executable inside it (…/X.app/Contents/MacOS/X → …/X.app). */
export function macBundleOf(execPath: string): string | undefined {
  const m = /^(.*?\.app)\/Contents\/MacOS\/[^/]+$/.exec(execPath);
  return m ? m[1] : undefined;
}

/** The executable to start and the arguments that make it run this app, before ours. */
function appExecutable(input: AppLaunchInput): { exe: string; appArgs: string[] } {
  const appImage = input.env.APPIMAGE;
  // An AppImage's runtime is a per-run mount: start the AppImage itself.
  if (input.platform === 'linux' && appImage && path.isAbsolute(appImage)) return { exe: appImage, appArgs: [] };
  // Packaged: the connector is unpacked beside app.asar and the runtime is the app.
  if (/[\\/]app\.asar\.unpacked[\\/]/.test(input.connectorDir)) return { exe: input.execPath, appArgs: [] };
  // A checkout: the runtime is bare Electron, which needs the app folder (out/connector → the root).
  const pathOf = input.platform === 'win32' ? path.win32 : path.posix;
  return { exe: input.execPath, appArgs: [pathOf.resolve(input.connectorDir, '..', '..')] };
}

/** One argument for cmd.exe's `start`, in double quotes; undefined when cmd would change it. */
function cmdQuote(arg: string): string | undefined {
  return /["%^!\r\n]/.test(arg) ? undefined : `"${arg}"`;
}

/** The graphical session's variables: they belong together, and go together when it is gone. */
const GRAPHICAL = [
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XAUTHORITY',
  'DBUS_SESSION_BUS_ADDRESS',
  'XDG_SESSION_TYPE',
  'XDG_SESSION_DESKTOP',
  'XDG_CURRENT_DESKTOP',
  'DESKTOP_SESSION',
];

/**
 * Whether the display a session names is still there: a Wayland socket in the runtime directory,
 * or a local X server's socket (`:n` → /tmp/.X11-unix/Xn). A remote X display cannot be checked
 * from here and is believed.
 */
function displayAlive(session: Record<string, string>, exists: (file: string) => boolean): boolean {
  const wayland = session.WAYLAND_DISPLAY;
  if (wayland) {
    const socket = wayland.startsWith('/') ? wayland : session.XDG_RUNTIME_DIR ? `${session.XDG_RUNTIME_DIR}/${wayland}` : undefined;
    if (socket && exists(socket)) return true;
  }
  const x = session.DISPLAY;
  if (x) {
    const local = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(x);
    if (!local) return true;
    if (exists(`/tmp/.X11-unix/X${local[1]}`) && (!session.XAUTHORITY || exists(session.XAUTHORITY))) return true;
  }
  return false;
}

/** On Linux, the recorded session without its graphical part when that display is gone. */
function liveSession(input: AppLaunchInput): Record<string, string> {
  const session = input.sessionEnv;
  if (input.platform !== 'linux' || !input.exists || (!session.DISPLAY && !session.WAYLAND_DISPLAY)) return session;
  if (displayAlive(session, input.exists)) return session;
  return Object.fromEntries(Object.entries(session).filter(([key]) => !GRAPHICAL.includes(key)));
}

export function appLaunchPlan(input: AppLaunchInput): AppLaunchPlan {
  const env: NodeJS.ProcessEnv = withSessionEnv(input.env, liveSession(input));
  // Inherited from the connector's own start: the app must run as a GUI this time.
  delete env.ELECTRON_RUN_AS_NODE;

  if (input.env.MCP_SWITCHBOARD_APP_COMMAND) {
    let argv: unknown;
    try {
      argv = JSON.parse(input.env.MCP_SWITCHBOARD_APP_COMMAND);
    } catch {
      argv = undefined;
    }
    if (!Array.isArray(argv) || !argv.length || !argv.every((a) => typeof a === 'string')) {
      return { error: 'MCP_SWITCHBOARD_APP_COMMAND is not a JSON array of strings; not starting the app' };
    }
    const [command, ...args] = argv as string[];
    return { command: command!, args, env, how: `${path.basename(command!)} (MCP_SWITCHBOARD_APP_COMMAND)` };
  }

  if (!input.electron) {
    // A checkout under Node: the headless host built next to this script.
    return { command: input.execPath, args: [path.join(input.connectorDir, '..', 'headless', 'index.js')], env, how: 'the headless host' };
  }

  const { exe, appArgs } = appExecutable(input);
  const dataDir = input.env.MCP_SWITCHBOARD_HOME;
  const ours = ['--background', ...(dataDir ? [`--data-dir=${dataDir}`] : [])];

  if (input.platform === 'darwin') {
    const bundle = macBundleOf(exe);
    if (bundle)
      return { command: '/usr/bin/open', args: ['-n', '-g', '-a', bundle, '--args', ...appArgs, ...ours], env, how: `open -a ${path.basename(bundle)}` };
    return { command: exe, args: [...appArgs, ...ours], env, how: path.basename(exe) };
  }

  if (input.platform === 'win32') {
    const quoted = [exe, ...appArgs, ...ours].map(cmdQuote);
    if (quoted.every((q) => q !== undefined)) {
      const comspec = input.env.ComSpec || input.env.COMSPEC || `${input.env.SystemRoot || input.env.SYSTEMROOT || 'C:\\Windows'}\\System32\\cmd.exe`;
      // /s: cmd takes everything between the outer quotes as the command line, as written.
      return {
        command: comspec,
        args: ['/d', '/s', '/c', `"start "" ${quoted.join(' ')}"`],
        env,
        windowsVerbatimArguments: true,
        how: `start ${path.win32.basename(exe)}`,
      };
    }
    return { command: exe, args: [...appArgs, ...ours], env, how: path.win32.basename(exe) };
  }

  if (input.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    const systemdRun = input.which?.('systemd-run');
    if (systemdRun) {
      if (!env.XDG_RUNTIME_DIR && input.uid !== undefined) env.XDG_RUNTIME_DIR = `/run/user/${input.uid}`;
      return {
        command: systemdRun,
        args: ['--user', '--collect', '--quiet', '--', exe, ...appArgs, ...ours],
        env,
        how: `systemd-run --user ${path.basename(exe)} (no display in this environment)`,
      };
    }
  }
  return { command: exe, args: [...appArgs, ...ours], env, how: path.basename(exe) };
}
