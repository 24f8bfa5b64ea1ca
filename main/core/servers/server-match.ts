/**
 * Which existing server a `connect <url> [--header …] [--name …]` means (issue 12 item 10). Pure:
 * compares in the host, so header values never travel back to the command line.
 *
 * - The same URL with exactly the same header values is the same server (the same account).
 * - The same URL with other values is another account (a work and a personal key): a new server,
 *   never the old one with the old key.
 * - Unless `name` names a server of this URL: that is the user's own handle on one entry, whose
 *   values are then replaced (a rotated key).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerRecord } from './server-model';

export type ServerMatch = { kind: 'same'; record: ServerRecord } | { kind: 'named'; record: ServerRecord } | { kind: 'none' };

/** Header names are case-insensitive (RFC 9110); values are compared exactly. */
function canonical(headers: Record<string, string>): string {
  const entries = Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/** Equal in constant time (digests of equal length), so timing says nothing about a stored value. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  return sameSecret(canonical(a), canonical(b));
}

/** `url` is the normalized URL (validateServerUrl) and `headers` the validated ones. */
export function matchServer(records: readonly ServerRecord[], wanted: { url: string; name?: string; headers: Record<string, string> }): ServerMatch {
  const sameUrl = records.filter((r) => r.url === wanted.url);
  const name = wanted.name?.trim().toLowerCase();
  const named = name ? sameUrl.find((r) => r.name.toLowerCase() === name) : undefined;
  if (named) return sameHeaders(named.headers, wanted.headers) ? { kind: 'same', record: named } : { kind: 'named', record: named };
  const same = sameUrl.find((r) => sameHeaders(r.headers, wanted.headers));
  return same ? { kind: 'same', record: same } : { kind: 'none' };
}
