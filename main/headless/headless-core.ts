/**
 * Builds an AppCore for hosts without Electron (the background headless host and `connect`):
 * plain-Node children, tokens in a 0600 file (reported as unencrypted; kept in memory only when
 * the user chose so in the weak-storage setting), and a browser opener that
 * is the command in MCP_SWITCHBOARD_BROWSER when set (scripts, tests) or the system's.
 */
import * as path from 'node:path';
import { AppCore } from '../core/app-core';
import { AuthService } from '../core/auth/auth-service';
import { CommandBrowserOpener, SystemBrowserOpener } from '../core/auth/browser-opener';
import { ChoiceVault } from '../core/auth/choice-vault';
import { FileSecretVault } from '../core/auth/file-vault';
import type { BrowserOpener } from '../core/auth/types';
import type { Env } from '../shared/paths';
import type { Paths } from '../core/ports';
import { NodeChildLauncher } from '../core/supervisor/node-child-launcher';

export interface HeadlessCoreOptions {
  env: Env;
  paths: Paths;
  /** Sign in through the browser by itself when a token is refused (connect). */
  autoSignIn: boolean;
  log?: (message: string) => void;
}

/** The command in MCP_SWITCHBOARD_BROWSER when set (scripts, tests), else the system's opener. */
export function headlessBrowserOpener(env: Env): BrowserOpener {
  const browser = env.MCP_SWITCHBOARD_BROWSER;
  return browser ? new CommandBrowserOpener(browser) : new SystemBrowserOpener();
}

export function createHeadlessCore(opts: HeadlessCoreOptions): AppCore {
  // A plain file is never secure: the weak-storage setting decides whether tokens reach it
  // (AppCore.start applies the stored choice before any token is read).
  const vault = new ChoiceVault(new FileSecretVault(path.join(opts.paths.dataDir, 'secrets.json')));
  const opener = headlessBrowserOpener(opts.env);
  // eslint-disable-next-line prefer-const -- assigned after the engine that logs through it
  let core: AppCore | undefined;
  const auth = new AuthService({
    vault,
    opener,
    clientMetadataUrl: opts.env.MCP_SWITCHBOARD_CLIENT_METADATA_URL,
    log: (serverId, level, message) => core?.logs.append({ ts: Date.now(), level, server: serverId, message }),
  });
  core = new AppCore({
    env: opts.env,
    paths: opts.paths,
    launcher: new NodeChildLauncher(process.execPath, opts.env as NodeJS.ProcessEnv),
    proxyScript: path.join(__dirname, '..', 'proxy', 'index.js'),
    auth,
    vault,
    autoSignIn: opts.autoSignIn,
    clientLauncher: {
      command: process.execPath,
      connectorScript: path.join(__dirname, '..', 'connector', 'index.js'),
      electronRunAsNode: false,
    },
  });
  return core;
}
