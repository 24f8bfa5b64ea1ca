/**
 * Local sockets of one data directory, shared by every process (host, proxies, connector, CLI):
 * the private run directory, stale-socket cleanup and the control endpoint's name.
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
