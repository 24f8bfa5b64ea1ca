/**
 * One running host per data directory (the Electron app or the headless host): a control socket
 * in the run directory. A second host finds it alive and steps aside; a stale one is replaced.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { controlEndpoint, ensurePrivateDir, removeStaleSocket } from '../shared/local-socket';
import type { Paths } from './ports';

export class InstanceLockedError extends Error {
  constructor() {
    super('MCP Switchboard is already running for this data directory');
  }
}

export async function acquireInstanceLock(paths: Paths, onConnection: (socket: net.Socket) => void = (s) => s.end()): Promise<net.Server> {
  const endpoint = controlEndpoint(paths);
  if (process.platform !== 'win32') {
    ensurePrivateDir(paths.runDir);
    if (!(await removeStaleSocket(endpoint))) throw new InstanceLockedError();
  }
  const server = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new InstanceLockedError() : err));
    server.listen(endpoint, () => resolve());
  });
  server.unref();
  if (process.platform !== 'win32') fs.chmodSync(endpoint, 0o600);
  return server;
}
