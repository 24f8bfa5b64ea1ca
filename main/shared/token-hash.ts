import { createHash } from 'node:crypto';

/** A short fingerprint of a token, so main can tell which token was refused without seeing it. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}
