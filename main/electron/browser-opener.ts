/**
 * Opens authorization URLs in the user's default browser with shell.openExternal (no shell
 * command line involved), after the same allow-list check as every opener: https, or http to
 * this machine only. MCP_SWITCHBOARD_BROWSER still wins, for scripts and tests.
 */
import { shell } from 'electron';
import { assertSafeBrowserUrl, CommandBrowserOpener } from '../core/auth/browser-opener';
import type { BrowserOpener } from '../core/auth/types';

export class ElectronBrowserOpener implements BrowserOpener {
  async open(url: string): Promise<void> {
    await shell.openExternal(assertSafeBrowserUrl(url).href, { activate: true });
  }
}

export function createBrowserOpener(env: NodeJS.ProcessEnv): BrowserOpener {
  return env.MCP_SWITCHBOARD_BROWSER ? new CommandBrowserOpener(env.MCP_SWITCHBOARD_BROWSER) : new ElectronBrowserOpener();
}
