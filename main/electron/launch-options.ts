/**
 * Pure helpers for the composition root: command-line flags and packaged-app paths. No Electron
 * import (tested in launch-options.test.ts).
 */
import * as path from 'node:path';

export interface LaunchOptions {
  /** An mcp-switchboard:// link the app was started with. */
  url?: string;
  /** Started by a connector or at login: run the tray and proxies, open no window. */
  background: boolean;
  /**
   * `--data-dir=<dir>`: the data directory a connector's entry names (connectors start the app
   * through LaunchServices or systemd-run, which do not pass the environment on). Only before a
   * "--", where nothing from a link can be.
   */
  dataDir?: string;
}

export const DATA_DIR_ARG = '--data-dir';

/** Chromium may append its own switches, so look for ours anywhere in argv. */
export const APP_SCHEME = 'mcp-switchboard:';

export function parseLaunchArgs(argv: readonly string[]): LaunchOptions {
  // Windows and Linux deliver a protocol link as an argument (after "--" when we registered it).
  const url = argv.find((a) => a.toLowerCase().startsWith(`${APP_SCHEME}//`));
  const end = argv.indexOf('--');
  const switches = end === -1 ? argv : argv.slice(0, end);
  const dataDir = switches
    .filter((a) => a.startsWith(`${DATA_DIR_ARG}=`))
    .map((a) => a.slice(DATA_DIR_ARG.length + 1))
    .find((d) => path.isAbsolute(d));
  return { background: argv.includes('--background'), url, ...(dataDir ? { dataDir } : {}) };
}

/**
 * Whether to open the window once the app is ready. Not when started in the background: by a
 * connector or a Windows/Linux login item (`--background`), or by the macOS login item (which
 * cannot pass arguments, so the app reports `wasOpenedAtLogin`). A link or a second launch that
 * asked for the window before the app was ready (`requested`) still opens it.
 */
export function opensWindowOnStart(launch: LaunchOptions, ctx: { wasOpenedAtLogin: boolean; requested?: boolean }): boolean {
  if (ctx.requested) return true;
  return !launch.background && !ctx.wasOpenedAtLogin;
}

/**
 * Files listed in electron-builder's `asarUnpack` live beside the archive, in `app.asar.unpacked`.
 * A child process started with ELECTRON_RUN_AS_NODE, or a client config entry, needs that real path.
 */
export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/**
 * The app's build folder (its siblings: preload, renderer, proxy, connector, assets) from the folder
 * of the running root: the bundle runs from out/main (also inside app.asar); the root's own test
 * runs it from the source folder main/, whose build is the checkout's out/.
 */
export function outDirOf(entryDir: string): string {
  const parent = path.dirname(entryDir);
  return path.basename(parent) === 'out' ? parent : path.join(parent, 'out');
}
