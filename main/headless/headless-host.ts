/**
 * The ports of the hosts without Electron (the background headless host, `connect`, the command
 * line): plain-Node children, tokens in a 0600 file (reported as unencrypted; kept in memory only
 * when the user chose so in the weak-storage setting), and a browser opener that is the command in
 * MCP_SWITCHBOARD_BROWSER when set (scripts, tests) or the system's. createHost does the rest.
 */
import * as path from 'node:path';
import { CommandBrowserOpener, SystemBrowserOpener } from '../core/auth/browser-opener';
import { FileSecretVault } from '../core/auth/file-vault';
import type { BrowserOpener } from '../core/auth/types';
import { bundledScripts, createHost, type Host, type HostPorts } from '../core/host';
import type { Paths } from '../core/ports';
import { NodeChildLauncher } from '../core/supervisor/node-child-launcher';
import type { Env } from '../shared/paths';

export interface HeadlessOptions {
  env: Env;
  paths: Paths;
  /** Sign in through the browser by itself when a token is refused (connect). */
  autoSignIn: boolean;
}

/** The command in MCP_SWITCHBOARD_BROWSER when set (scripts, tests), else the system's opener. */
export function headlessBrowserOpener(env: Env): BrowserOpener {
  const browser = env.MCP_SWITCHBOARD_BROWSER;
  return browser ? new CommandBrowserOpener(browser) : new SystemBrowserOpener();
}

export function headlessPorts(opts: HeadlessOptions): HostPorts {
  // This file is bundled into out/headless/index.js and out/cli/index.js: the proxy and connector
  // bundles are their siblings.
  const scripts = bundledScripts(__dirname);
  return {
    env: opts.env,
    paths: opts.paths,
    vault: new FileSecretVault(path.join(opts.paths.dataDir, 'secrets.json')),
    opener: headlessBrowserOpener(opts.env),
    launcher: new NodeChildLauncher(process.execPath, opts.env as NodeJS.ProcessEnv),
    proxyScript: scripts.proxyScript,
    autoSignIn: opts.autoSignIn,
    clientLauncher: { command: process.execPath, connectorScript: scripts.connectorScript, electronRunAsNode: false },
  };
}

export function createHeadlessHost(opts: HeadlessOptions): Host {
  return createHost(headlessPorts(opts));
}
