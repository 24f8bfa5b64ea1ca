/** The per-install connector secret: 32 random bytes, hex, in a 0600 file. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export function loadOrCreateSecret(file: string): string {
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(existing)) {
      if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    // create below
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, secret + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  return secret;
}
