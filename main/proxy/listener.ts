/**
 * The proxy's local endpoint: a Unix socket inside a 0700 directory (socket itself 0600), or a
 * named pipe on Windows. Every connection must complete the handshake (shared/handshake.ts: the
 * proxy proves it holds the per-install secret, then the client does) before any byte is relayed.
 * On Windows libuv creates the first pipe instance with FILE_FLAG_FIRST_PIPE_INSTANCE: a pipe of
 * that name made first by another program makes listen fail (EADDRINUSE), never joins it.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensurePrivateDir, removeStaleSocket } from '../shared/local-socket';
import { acceptHandshake } from '../shared/handshake';

export interface AcceptedConnection {
  socket: net.Socket;
  /** Bytes that arrived after the handshake (already part of the JSON-RPC stream). */
  rest: Buffer;
  client?: string;
  /** The install tag of the client entry (handshake `install`), when the connector sent one. */
  install?: string;
}

export interface ListenerOptions {
  endpoint: string;
  secret: string;
  serverId: string;
  onConnection(conn: AcceptedConnection): void;
  onRejected(reason: string): void;
  helloTimeoutMs?: number;
}

async function clearStaleSocket(endpoint: string): Promise<void> {
  if (!(await removeStaleSocket(endpoint))) throw new Error(`another process already listens on ${endpoint}`);
}

export async function startListener(opts: ListenerOptions): Promise<net.Server> {
  if (process.platform !== 'win32') {
    ensurePrivateDir(path.dirname(opts.endpoint));
    await clearStaleSocket(opts.endpoint);
  }
  const server = net.createServer({ pauseOnConnect: false }, (socket) => acceptOne(socket, opts));
  await new Promise<void>((resolve, reject) => {
    // Windows: a pipe of this name that another program made first (Unix: the socket is ours, above).
    const onError = (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`another program already listens on ${opts.endpoint}`, { cause: err }) : err);
    server.once('error', onError);
    server.listen(opts.endpoint, () => {
      server.off('error', onError);
      resolve();
    });
  });
  if (process.platform !== 'win32') fs.chmodSync(opts.endpoint, 0o600);
  return server;
}

function acceptOne(socket: net.Socket, opts: ListenerOptions): void {
  void acceptHandshake(socket, {
    secret: () => opts.secret,
    serverId: opts.serverId,
    timeoutMs: opts.helloTimeoutMs,
    onRejected: opts.onRejected,
  }).then((accepted) => {
    if (accepted) opts.onConnection({ socket, rest: accepted.rest, client: accepted.client, install: accepted.install });
  });
}
