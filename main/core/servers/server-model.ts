/**
 * The server model and its validation: pure functions, no I/O.
 */
import type { TransportKind } from '../../../common/contract';
import type { ProtocolEra } from '../../../common/protocol-versions';
import { TRANSPORT_HEADERS } from '../../../common/protocol-versions';
import { isLoopbackHost } from '../../../common/url-policy';

export interface ServerRecord {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  /** Extra headers sent upstream. Values may contain ${env:NAME}; stored as typed. */
  headers: Record<string, string>;
  /** A client the user pre-registered with the server's authorization server (secret in the vault). */
  clientId?: string;
  /** Scopes the user asked for at sign-in, space-separated (added to the server's own). */
  scopes?: string;
  /** The transport that worked last time. */
  transport?: { kind: TransportKind; url: string };
  /** How long the proxy may retry one call, in seconds (absent: the default, 15 s; 0: no retries). */
  retryBudgetSeconds?: number;
  /** The protocol era the server spoke last time (2025 sessions, or 2026-07-28 stateless). */
  protocolEra?: ProtocolEra;
  /** False: the app stands in for nothing a client lacks (no questions asked in the window). */
  standIns?: false;
  /** Client installs (client ids) whose connections get no stand-ins while the server has them on. */
  standInsOffFor?: string[];
  /**
   * How tokens are got without a browser: `client_credentials` (clientId + the vault's client
   * secret or private key) or `enterprise` (the company's identity provider). Absent: the browser.
   */
  grantType?: 'client_credentials' | 'enterprise';
  /** The JWS algorithm for the vault's private key (private_key_jwt); absent: from the key's type. */
  signingAlgorithm?: string;
  /**
   * How the server is reached: `direct`, or a proxy URL (`http://user@proxy:3128`, the password in
   * the vault). Absent: the system's proxy settings.
   */
  proxy?: string;
  /** A CA certificate file (PEM) trusted for this server. */
  caFile?: string;
  createdAt: number;
  /**
   * The name was made from the URL's host because the server did not say (it needed sign-in, or
   * did not answer): the server's own name replaces it once a health check gets one.
   */
  autoNamed?: boolean;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * OAuth scopes as typed: space-separated scope tokens (RFC 6749 §3.3: printable ASCII without
 * space, '"' or '\\'); blank means none. Normalized to single spaces, duplicates dropped.
 */
export function validateScopes(input: unknown): Checked<string | undefined> {
  if (input === undefined || input === null) return { ok: true, value: undefined };
  if (typeof input !== 'string') return { ok: false, error: 'Scopes must be text: scope names separated by spaces.' };
  const tokens = input.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return { ok: true, value: undefined };
  if (input.length > 1000 || tokens.length > 50) return { ok: false, error: 'Too many scopes: at most 50, 1000 characters in all.' };
  const bad = tokens.find((t) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(t));
  if (bad !== undefined)
    return {
      ok: false,
      error: `"${bad.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}" is not a scope name: use letters, digits and punctuation, separated by spaces (no quotes or backslashes).`,
    };
  return { ok: true, value: [...new Set(tokens)].join(' ') };
}

export const MAX_RETRY_BUDGET_SECONDS = 600;

/** A per-server retry budget: whole seconds from 0 (no retries) to 600; absent means the default. */
export function validateRetryBudget(input: unknown): Checked<number | undefined> {
  if (input === undefined || input === null) return { ok: true, value: undefined };
  if (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input > MAX_RETRY_BUDGET_SECONDS) {
    return { ok: false, error: `The retry budget must be a whole number of seconds from 0 to ${MAX_RETRY_BUDGET_SECONDS}.` };
  }
  return { ok: true, value: input };
}

/** Accepts https URLs, and http only to this machine; says why otherwise. */
export function validateServerUrl(input: unknown): Checked<string> {
  if (typeof input !== 'string' || !input.trim()) return { ok: false, error: 'Enter the server URL (https://…).' };
  const text = input.trim();
  if (text.length > 2048) return { ok: false, error: 'That URL is longer than 2048 characters.' };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, error: `"${text.slice(0, 80)}" is not a URL. Paste the server's full address, starting with https://.` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return { ok: false, error: `Only https:// URLs are supported (got ${u.protocol}//). Remote MCP servers speak HTTPS.` };
  }
  if (!u.hostname) return { ok: false, error: 'The URL has no host name.' };
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return {
      ok: false,
      error: `Plain http:// is allowed only for servers on this computer; ${u.hostname} would receive your requests and tokens unencrypted. Use https://.`,
    };
  }
  if (u.username || u.password) {
    return { ok: false, error: 'The URL contains a user name or password. Remove it and add the credential as a header instead.' };
  }
  // An empty fragment ("…/mcp#") leaves u.hash empty but stays in href.
  if (u.hash || u.href.endsWith('#')) return { ok: false, error: 'The URL contains a #fragment, which MCP server URLs must not have.' };
  return { ok: true, value: u.href };
}

/** Headers the proxy or the transport own; a user value would break the protocol. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'accept', 'connection', 'transfer-encoding', ...TRANSPORT_HEADERS]);

export function validateHeaders(input: unknown): Checked<Record<string, string>> {
  if (input === undefined || input === null) return { ok: true, value: {} };
  if (typeof input !== 'object' || Array.isArray(input)) return { ok: false, error: 'Headers must be name → value pairs.' };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return { ok: false, error: `"${name}" is not a valid header name.` };
    if (RESERVED_HEADERS.has(name.toLowerCase())) return { ok: false, error: `The ${name} header is managed by MCP Switchboard and cannot be set.` };
    if (typeof value !== 'string') return { ok: false, error: `The value of ${name} must be text.` };
    if (/[\r\n\0]/.test(value)) return { ok: false, error: `The value of ${name} contains a line break.` };
    out[name] = value;
  }
  return { ok: true, value: out };
}

/**
 * Substitutes ${env:NAME} in header values from the app's environment. Missing variables are
 * reported (by name only) and substituted with an empty string.
 */
export function resolveHeaders(
  headers: Record<string, string>,
  env: Record<string, string | undefined>,
): { headers: Record<string, string>; missing: string[] } {
  const missing: string[] = [];
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = v.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const val = env[name];
      if (val === undefined) {
        if (!missing.includes(name)) missing.push(name);
        return '';
      }
      return val;
    });
  }
  return { headers: out, missing };
}

/** A short, stable, file- and client-safe id derived from the name ("notion", "linear-2"). */
export function makeServerId(name: string, taken: (id: string) => boolean): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      // Drop the combining marks NFKD split off ("é" → "e"), so accents don't become dashes.
      .replace(/\p{M}/gu, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24)
      .replace(/-+$/, '') || 'server';
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!taken(id)) return id;
  }
}

/** Default display name: the host without the usual "www."/"mcp."/"api." prefix. */
export function defaultName(url: string): string {
  const host = new URL(url).hostname.replace(/^(www|mcp|api)\./, '');
  return host || 'server';
}

export function validateName(input: unknown): Checked<string | undefined> {
  if (input === undefined || input === null || input === '') return { ok: true, value: undefined };
  if (typeof input !== 'string') return { ok: false, error: 'The name must be text.' };
  const name = input.trim();
  if (!name) return { ok: true, value: undefined };
  if (name.length > 64) return { ok: false, error: 'Keep the name under 64 characters.' };
  if (/[\u0000-\u001f]/.test(name)) return { ok: false, error: 'The name contains control characters.' };
  return { ok: true, value: name };
}
