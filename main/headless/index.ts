/**
 * The headless host: the app's core without Electron (no tray, no window), under plain Node.
 * A connector started from a checkout launches it when no app is running; `npm run cli -- serve`
 * runs it in the foreground. One host per data directory: a second one exits quietly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InstanceLockedError } from '../core/instance-lock';
import { resolvePaths } from '../shared/paths';
import { createHeadlessHost, headlessBrowserOpener } from './headless-host';
import type { WebShell } from './web-shell';
import { coreEvents, startWebWindow, type HeadlessWebOptions } from './web-window';

export interface HeadlessOptions {
  foreground?: boolean;
  /** Serve the window to the system browser on loopback (web-window.ts); stderr gets its link. */
  web?: HeadlessWebOptions;
}

export async function runHeadless(opts: HeadlessOptions = {}): Promise<void> {
  const paths = resolvePaths(process.env);
  const host = createHeadlessHost({ env: process.env, paths, autoSignIn: false });
  const core = host.core;
  try {
    await host.start();
  } catch (err) {
    if (err instanceof InstanceLockedError) {
      if (opts.foreground) console.error(err.message);
      process.exit(0);
    }
    throw err;
  }
  // For support and scripts: which process hosts this data directory.
  fs.writeFileSync(path.join(paths.runDir, 'host.pid'), `${process.pid}\n`, { mode: 0o600 });
  if (opts.foreground) {
    console.error(`MCP Switchboard (headless) is running with data in ${paths.dataDir}; Ctrl+C stops it.`);
    const security = core.vaultSecurity;
    if (security && !security.secure) console.error(security.warning ?? `Tokens are stored without encryption (${security.backend}).`);
    core.onDidChangeStatus((s) => console.error(`${s.serverId}: ${s.state}${s.detail ? ` (${s.detail})` : ''}`));
  }
  let shell: WebShell | undefined;
  if (opts.web) {
    shell = await startWebWindow({
      web: opts.web,
      dispatch: host.call,
      events: coreEvents(core),
      opener: headlessBrowserOpener(process.env),
      print: (line) => console.error(line),
    }).catch(async (err: Error) => {
      await host.dispose();
      throw err;
    });
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await shell?.close();
    await host.dispose();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', stop);
  // Keep running: the supervisor's children keep the loop alive, but an empty list must too.
  setInterval(() => {}, 1 << 30);
}
