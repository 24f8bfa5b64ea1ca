/**
 * The headless host: the app's core without Electron (no tray, no window), under plain Node.
 * A connector started from a checkout launches it when no app is running; `npm run cli -- serve`
 * runs it in the foreground. One host per data directory: a second one exits quietly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InstanceLockedError } from '../core/instance-lock';
import { resolvePaths } from '../shared/paths';
import { createHeadlessHost } from './headless-host';

export async function runHeadless(opts: { foreground?: boolean } = {}): Promise<void> {
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
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.dispose();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', stop);
  // Keep running: the supervisor's children keep the loop alive, but an empty list must too.
  setInterval(() => {}, 1 << 30);
}
