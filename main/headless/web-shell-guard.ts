/**
 * Who may talk to the browser shell (web-shell.ts), decided per request:
 *
 * 1. Provenance, as on every loopback listener of the app (DESIGN.md, "Local attack surface"): the
 *    Host must be our own 127.0.0.1:port (a rebound DNS name is refused), an Origin, when sent,
 *    must be our own, and fetch metadata must say same-origin or none (a user-typed or opened URL).
 * 2. The session, as Jupyter does it: the address the host prints and opens carries a one-time
 *    token (256 random bits). The first GET with the right token gets an HttpOnly, SameSite=Strict
 *    cookie holding a separate session secret, and is sent to the same address without the token;
 *    the token is then spent. Every other request needs the cookie. Secrets are compared in
 *    constant time and never logged: a refusal records its reason, the method and the path only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';

export type RefusalReason = 'host' | 'origin' | 'fetch-site' | 'token' | 'session';

/** One refused request: what was wrong, never the values (no token, no cookie, no query). */
export interface Refusal {
  method: string;
  path: string;
  reason: RefusalReason;
}

/** The plain sentence a refused request gets with its 403. */
export function refusalSentence(reason: RefusalReason, host: string): string {
  switch (reason) {
    case 'host':
      return `MCP Switchboard answers only requests addressed to ${host}.`;
    case 'origin':
    case 'fetch-site':
      return 'MCP Switchboard refuses requests from other web pages.';
    case 'token':
      return 'This link is not valid or has been used already (each link works once): use the browser tab it opened, or restart MCP Switchboard for a new link.';
    case 'session':
      return 'Open MCP Switchboard with the link it printed when it started (each link works once), or restart it for a new link.';
  }
}

/**
 * Host, Origin and fetch metadata: undefined when the request may come from our own page (or from
 * the user opening our address), else the reason to refuse it.
 */
export function checkProvenance(headers: http.IncomingHttpHeaders, origin: string): RefusalReason | undefined {
  if (headers.host !== new URL(origin).host) return 'host';
  if (headers.origin !== undefined && headers.origin !== origin) return 'origin';
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'fetch-site';
  return undefined;
}

/** Constant-time equality of a presented secret with ours (the length is not secret). */
export function sameSecret(given: string | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of cookie `name` in a Cookie header (the first one), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const secret = () => randomBytes(32).toString('base64url');

export interface SessionGate {
  /** The one-time token for the printed address (a secret until spent). */
  readonly token: string;
  /** The cookie's name (per port: cookies are shared by every port of a host). */
  readonly cookieName: string;
  /**
   * Spends the token: the Set-Cookie value for the first right token, undefined for a wrong one
   * and for every attempt after the first success.
   */
  exchange(given: string | undefined): string | undefined;
  /** True when the request's Cookie header carries the session. */
  admits(cookieHeader: string | undefined): boolean;
}

export function createSessionGate(port: number): SessionGate {
  const token = secret();
  let unspent: string | undefined = token;
  let session: string | undefined;
  const cookieName = `mcp-switchboard-${port}`;
  return {
    token,
    cookieName,
    exchange(given) {
      if (unspent === undefined || !sameSecret(given, unspent)) return undefined;
      unspent = undefined;
      session = secret();
      return `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`;
    },
    admits(cookieHeader) {
      return session !== undefined && sameSecret(readCookie(cookieHeader, cookieName), session);
    },
  };
}
