/**
 * Local sockets of one data directory, shared by every process (host, proxies, connector, CLI):
 * the private data and run directories, the client's check of an endpoint before it connects,
 * stale-socket cleanup and the control endpoint's name.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Paths } from './paths';

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
 * Creates the data directory with 0700, or makes an existing one 0700 (an older version, or a
 * process that wrote into it first, may have left 0755): settings.json holds header values. Every
 * process that may be the first to write there calls this before it does (the settings store,
 * the connector's log). A data directory of another user is refused.
 */
export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = fs.statSync(dir);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error(`the data directory ${dir} belongs to another user`);
  if ((st.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}

/** An endpoint a client must not talk to: the error's code is 'UNSAFE'. */
export class UnsafeEndpointError extends Error {
  readonly code = 'UNSAFE';
  constructor(reason: string) {
    super(`refusing to connect: ${reason}; another program may be posing as MCP Switchboard (see docs/SECURITY.md)`);
  }
}

/**
 * What a client checks before it sends a byte to a Unix socket: its directory is a real directory
 * (not a link), owned by this user, that no one else can enter, and the socket is a socket owned
 * by this user. Only this user can then have put it there (nobody else can write in the directory,
 * or replace it: its parent is the user's too, see paths.runDir). Throws the file system's own
 * error (code ENOENT) when there is no directory or socket yet ("not running"), an
 * UnsafeEndpointError when there is one that is not ours. Named pipes (Windows) have no such check
 * in Node: there the handshake's proof is the check (handshake.ts).
 */
export function checkEndpointOwner(endpoint: string, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') return;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = path.dirname(endpoint);
  const d = fs.lstatSync(dir);
  if (d.isSymbolicLink() || !d.isDirectory()) throw new UnsafeEndpointError(`the socket directory ${dir} is not a plain directory`);
  if (uid !== undefined && d.uid !== uid) throw new UnsafeEndpointError(`the socket directory ${dir} belongs to another user (uid ${d.uid})`);
  if ((d.mode & 0o077) !== 0) throw new UnsafeEndpointError(`other users can enter the socket directory ${dir} (mode ${(d.mode & 0o777).toString(8)})`);
  const s = fs.lstatSync(endpoint);
  if (!s.isSocket()) throw new UnsafeEndpointError(`${endpoint} is not a socket`);
  if (uid !== undefined && s.uid !== uid) throw new UnsafeEndpointError(`the socket ${endpoint} belongs to another user (uid ${s.uid})`);
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

export function controlEndpoint(paths: Paths): string {
  if (process.platform === 'win32') {
    const tag = createHash('sha256').update(paths.dataDir.toLowerCase()).digest('hex').slice(0, 12);
    return `\\\\.\\pipe\\mcp-switchboard-${tag}-control`;
  }
  return path.join(paths.runDir, 'control.sock');
}
