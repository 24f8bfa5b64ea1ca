/**
 * The per-install connector secret: 32 random bytes, hex, in a 0600 file. Made once: two processes
 * that start together agree on one secret (the file is linked into place only if it is not there,
 * so the loser reads the winner's), since the handshake and the instance check depend on it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

function readValid(file: string): string | undefined {
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(existing) ? existing : undefined;
  } catch {
    return undefined;
  }
}

export function loadOrCreateSecret(file: string): string {
  const existing = readValid(file);
  if (existing) {
    if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
    return existing;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, secret + '\n', { mode: 0o600 });
  try {
    if (fs.existsSync(file)) {
      // There but not a secret (cut short, edited): replace it.
      fs.renameSync(tmp, file);
      return secret;
    }
    try {
      fs.linkSync(tmp, file);
      return secret;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        // A file system without hard links: the plain replace.
        fs.renameSync(tmp, file);
        return secret;
      }
      const theirs = readValid(file);
      if (theirs) return theirs;
      fs.renameSync(tmp, file);
      return secret;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
