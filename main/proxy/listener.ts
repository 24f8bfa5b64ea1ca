/**
 * The proxy's local endpoint: a Unix socket inside a 0700 directory (socket itself 0600), or a
 * named pipe on Windows. Every connection must open with the hello line carrying the per-install
 * secret before any byte is relayed.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { checkHello, MAX_HELLO_BYTES } from '../core/wire';

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

/**
 * Creates the socket directory with 0700 and refuses one that others can enter. A symlink is
 * refused too: under a shared temp dir another user could plant one pointing anywhere.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const link = fs.lstatSync(dir);
  if (link.isSymbolicLink() || !link.isDirectory()) throw new Error(`socket directory ${dir} is not a plain directory; remove it`);
  if (typeof process.getuid === 'function' && link.uid !== process.getuid()) {
    throw new Error(`socket directory ${dir} belongs to another user`);
  }
  fs.chmodSync(dir, 0o700);
}

/**
 * Removes a Unix socket file left by a dead process. Resolves false (and leaves the file) when a
 * live process still listens on it.
 */
export async function removeStaleSocket(endpoint: string): Promise<boolean> {
  if (process.platform === 'win32' || !fs.existsSync(endpoint)) return true;
  const alive = await new Promise<boolean>((resolve) => {
    const s = net.connect(endpoint);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (alive) return false;
  fs.rmSync(endpoint, { force: true });
  return true;
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
