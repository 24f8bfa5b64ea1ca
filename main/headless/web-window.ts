/**
 * The headless host's window: the browser shell (web-shell.ts) over the host's handler table and
 * the core's events, its one-time address printed to the foreground process's stderr and opened
 * in the system browser through the same opener the sign-in uses (MCP_SWITCHBOARD_BROWSER
 * overrides it). The address is printed and opened, nowhere else: it is a secret until used.
 */
import * as path from 'node:path';
import type { SwitchboardCore } from '../core/api/core-port';
import type { BrowserOpener } from '../core/auth/types';
import { startWebShell, type WebShell, type WebShellDispatch, type WebShellEvents } from './web-shell';

export interface HeadlessWebOptions {
  /** Open the address in the system browser (else it is only printed). */
  open: boolean;
  /** Port on 127.0.0.1; 0 or absent: a free one. */
  port?: number;
}

/** The core's onDid… events as the shell's event source. */
export function coreEvents(core: SwitchboardCore): WebShellEvents {
  return {
    'servers:did-change-status': (l) => core.onDidChangeStatus(l),
    'servers:did-change-list': (l) => core.onDidChangeServers(l),
    'settings:did-change': (l) => core.onDidChangeSettings(l),
    'logs:did-append': (l) => core.onDidAppendLogs(l),
    'app:did-propose-add': (l) => core.onDidProposeAdd(l),
    'app:did-request-view': (l) => core.onDidRequestView(l),
    'tools:did-change': (l) => core.onDidChangeTools(l),
    'elicitation:did-change': (l) => core.onDidChangeElicitations(l),
  };
}

export async function startWebWindow(opts: {
  web: HeadlessWebOptions;
  dispatch: WebShellDispatch;
  events: WebShellEvents;
  opener: BrowserOpener;
  /** Where the foreground process talks to its user (stderr). */
  print: (line: string) => void;
  /** The built renderer; by default out/renderer beside this bundle's folder (out/cli, out/headless). */
  rendererRoot?: string;
}): Promise<WebShell> {
  const shell = await startWebShell({
    rendererRoot: opts.rendererRoot ?? path.join(__dirname, '..', 'renderer'),
    dispatch: opts.dispatch,
    events: opts.events,
    port: opts.web.port,
  });
  opts.print(`The MCP Switchboard window is at ${shell.url} (the link works once${opts.web.open ? '; opening it in your browser' : ''}).`);
  if (opts.web.open) {
    opts.opener.open(shell.url).catch((err: Error) => opts.print(`Could not open the browser (${err.message}); open the link above yourself.`));
  }
  return shell;
}
