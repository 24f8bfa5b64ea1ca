/**
 * One running host per data directory (the Electron app or the headless host): a control socket
 * in the run directory (a named pipe on Windows). A second host finds it alive and steps aside; a
 * stale one is replaced. "Alive" means it proves it holds this installation's secret: on Windows
 * a pipe name is machine-wide, and a pipe another program made first is an attack to report, not
 * a host that is already running.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { CONTROL_ID, isForeignEndpoint } from '../shared/control-client';
import { connectToEndpoint } from '../shared/handshake';
import { controlEndpoint, ensurePrivateDir, removeStaleSocket } from '../shared/local-socket';
import { loadOrCreateSecret } from '../shared/secret-file';
import type { Paths } from './ports';

export class InstanceLockedError extends Error {
  constructor() {
    super('MCP Switchboard is already running for this data directory');
  }
}

/** The control endpoint is held by something that is not MCP Switchboard for this data directory. */
export class EndpointTakenError extends Error {
  constructor(endpoint: string, detail: string) {
    super(
      `Another program holds MCP Switchboard's control endpoint ${endpoint} (${detail}). ` +
        'If an older version of MCP Switchboard runs, quit it; otherwise another user or program is posing as MCP Switchboard (see docs/SECURITY.md).',
    );
  }
}

export async function acquireInstanceLock(paths: Paths, onConnection: (socket: net.Socket) => void = (s) => s.end()): Promise<net.Server> {
  const endpoint = controlEndpoint(paths);
  if (process.platform !== 'win32') {
    ensurePrivateDir(paths.runDir);
    if (!(await removeStaleSocket(endpoint))) throw await whoHolds(paths, endpoint);
  }
  const server = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') whoHolds(paths, endpoint).then(reject, reject);
      else reject(err);
    });
    server.listen(endpoint, () => resolve());
  });
  server.unref();
  if (process.platform !== 'win32') fs.chmodSync(endpoint, 0o600);
  return server;
}

/**
 * Something listens on the control endpoint: another host of ours when it completes the handshake
 * (it proves it holds the secret), else an EndpointTakenError. One that went away meanwhile counts
 * as running (the caller steps aside, as before); one that is still starting ("not ready") is
 * asked again for a while.
 */
export async function whoHolds(paths: Paths, endpoint: string, attempts = 20): Promise<Error> {
  const secret = loadOrCreateSecret(paths.secretFile);
  for (let i = 1; ; i++) {
    try {
      const { socket } = await connectToEndpoint(endpoint, { secret, server: CONTROL_ID, client: 'instance check' });
      socket.destroy();
      return new InstanceLockedError();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const message = (err as Error).message;
      if (code === 'REFUSED' && message === 'not ready' && i < attempts) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (isForeignEndpoint(err) || code === 'REFUSED' || code === 'ETIMEDOUT') return new EndpointTakenError(endpoint, message);
      return new InstanceLockedError();
    }
  }
}
