/**
 * The proxy's local endpoint: a Unix socket inside a 0700 directory (socket itself 0600), or a
 * named pipe on Windows. Every connection must open with the hello line carrying the per-install
 * secret before any byte is relayed.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensurePrivateDir, removeStaleSocket } from '../shared/local-socket';
import { checkHello, MAX_HELLO_BYTES } from '../shared/wire';

export interface AcceptedConnection {
  socket: net.Socket;
  /** Bytes that arrived after the hello line (already part of the JSON-RPC stream). */
  rest: Buffer;
  client?: string;
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
    server.once('error', reject);
    server.listen(opts.endpoint, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') fs.chmodSync(opts.endpoint, 0o600);
  return server;
}

function acceptOne(socket: net.Socket, opts: ListenerOptions): void {
  let buf: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => reject('no hello within the time limit'), opts.helloTimeoutMs ?? 5000);
  const reject = (reason: string) => {
    clearTimeout(timer);
    socket.off('data', onData);
    opts.onRejected(reason);
    socket.end(JSON.stringify({ ok: false, error: reason }) + '\n');
    socket.destroySoon?.();
    setTimeout(() => socket.destroy(), 200).unref();
  };
  const onData = (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    const nl = buf.indexOf(10);
    if (nl === -1) {
      if (buf.length > MAX_HELLO_BYTES) reject('hello line too long');
      return;
    }
    clearTimeout(timer);
    socket.off('data', onData);
    const verdict = checkHello(buf.subarray(0, nl).toString('utf8'), opts.secret, opts.serverId);
    if (!verdict.ok) return reject(verdict.error ?? 'refused');
    socket.write(JSON.stringify({ ok: true }) + '\n');
    opts.onConnection({ socket, rest: buf.subarray(nl + 1), client: verdict.hello?.client });
  };
  socket.on('data', onData);
  socket.on('error', () => clearTimeout(timer));
}
