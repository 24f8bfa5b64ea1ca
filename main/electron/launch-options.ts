/**
 * Pure helpers for the composition root: command-line flags and packaged-app paths. No Electron
 * import (tested in launch-options.test.ts).
 */

export interface LaunchOptions {
  /** An mcp-switchboard:// link the app was started with. */
  url?: string;
  /** Started by a connector or at login: run the tray and proxies, open no window. */
  background: boolean;
}

/** Chromium may append its own switches, so look for ours anywhere in argv. */
export const APP_SCHEME = 'mcp-switchboard:';

export function parseLaunchArgs(argv: readonly string[]): LaunchOptions {
  // Windows and Linux deliver a protocol link as an argument (after "--" when we registered it).
  const url = argv.find((a) => a.toLowerCase().startsWith(`${APP_SCHEME}//`));
  return { background: argv.includes('--background'), url };
}

/**
 * Files listed in electron-builder's `asarUnpack` live beside the archive, in `app.asar.unpacked`.
 * A child process started with ELECTRON_RUN_AS_NODE, or a client config entry, needs that real path.
 */
export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
