/**
 * The LoginItems port (main/core/ports.ts) for the Electron app. macOS and Windows use Electron's
 * login item API; Linux has none, so an XDG autostart entry is written (autostart-linux.ts).
 *
 * Started at login, the app runs in the background (tray and proxies, no window): Windows and Linux
 * pass `--background` (launch-options.ts reads it); macOS cannot pass arguments to a login item, so
 * it asks `wasOpenedAtLogin` instead. Electron is only a type here: the composition root passes
 * `app`, and login-items.test.ts passes a stand-in.
 */
import type { App } from 'electron';
import type { LoginItems } from '../core/ports';
import { LinuxAutostart } from './autostart-linux';

export type LoginItemApp = Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;

export interface ElectronLoginItemsOptions {
  app: LoginItemApp;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** process.execPath */
  execPath: string;
  /** Arguments before `--background` that make the executable run this app: the app folder when unpackaged, none when packaged. */
  appArgs: readonly string[];
  /** Called when a stale Linux entry (the AppImage moved) was rewritten, or could not be. */
  onRepair?: (message: string) => void;
  /** Linux: the autostart file's name (a checkout has its own). */
  autostartFileName?: string;
  /**
   * Set when the app runs from a path that will not last (macOS: a disk image, a translocated
   * download): turning launch at login on is refused with this sentence.
   */
  unavailable?: string;
}

export const BACKGROUND_ARG = '--background';

export interface ElectronLoginItems extends LoginItems {
  /** macOS: this run was started by the login item (Windows and Linux see --background instead). */
  wasOpenedAtLogin(): boolean;
}

export function createLoginItems(opts: ElectronLoginItemsOptions): ElectronLoginItems {
  const items = createPlatformLoginItems(opts);
  if (!opts.unavailable) return items;
  const why = opts.unavailable;
  return {
    ...items,
    setEnabled(enabled) {
      if (enabled) throw new Error(why);
      items.setEnabled(false);
    },
  };
}

function createPlatformLoginItems(opts: ElectronLoginItemsOptions): ElectronLoginItems {
  const { app, platform } = opts;
  if (platform === 'linux') {
    const autostart = new LinuxAutostart({ env: opts.env, execPath: opts.execPath, appArgs: opts.appArgs, fileName: opts.autostartFileName });
    try {
      if (autostart.repair()) opts.onRepair?.(`Launch at login now starts ${opts.env.APPIMAGE || opts.execPath} (${autostart.file})`);
    } catch (err) {
      opts.onRepair?.(`Could not update ${autostart.file}: ${(err as Error).message}`);
    }
    return {
      isEnabled: () => autostart.isEnabled(),
      setEnabled: (enabled) => autostart.setEnabled(enabled),
      wasOpenedAtLogin: () => false,
    };
  }
  if (platform === 'win32') {
    // The Run key holds one command line built from path + args (Electron quotes the path, not the
    // args); getLoginItemSettings only reports it as ours when both match.
    const args = [...opts.appArgs.map((a) => (/\s/.test(a) ? `"${a}"` : a)), BACKGROUND_ARG];
    const query = { path: opts.execPath, args };
    return {
      isEnabled() {
        const s = app.getLoginItemSettings(query);
        // executableWillLaunchAtLogin is false when the user turned it off in Task Manager.
        return s.openAtLogin && s.executableWillLaunchAtLogin !== false;
      },
      setEnabled(enabled) {
        // enabled: true also re-approves an entry the user turned off in Task Manager.
        app.setLoginItemSettings({ openAtLogin: enabled, ...query, enabled });
      },
      wasOpenedAtLogin: () => false,
    };
  }
  // macOS (13+: SMAppService main app): no arguments; the app asks wasOpenedAtLogin on start.
  return {
    isEnabled: () => app.getLoginItemSettings().openAtLogin,
    setEnabled: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    wasOpenedAtLogin() {
      try {
        return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
      } catch {
        return false;
      }
    },
  };
}
