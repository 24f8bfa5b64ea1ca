/**
 * The only way the sign-in engine talks to the network: https only (plain http only to this
 * computer), a timeout on every request, and well-known metadata that is not a JSON object (an
 * HTML page, a bot challenge) treated as absent so discovery falls back to the next location.
 */
import type { FetchLike } from '@modelcontextprotocol/client';
import { isSecureOrLoopback } from '../../../common/url-policy';
import { SignInError } from './callback-listener';
import type { AuthServerConfig } from './types';

/** A plain-http (non-loopback) or otherwise refused endpoint. */
export class InsecureEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsecureEndpointError';
  }
}

export interface GuardedFetchOptions {
  /** Replaces global fetch (tests, proxies). */
  base?: FetchLike;
  timeoutMs: number;
  /** Told when a metadata document was ignored (never receives a secret). */
  debug(message: string): void;
}

/** A fetch that applies the engine's rules to every request (see the file comment). */
export function guardedFetch(o: GuardedFetchOptions): FetchLike {
  const base: FetchLike = o.base ?? ((url, init) => fetch(url, init));
  return async (input, init) => {
    const url = new URL(String(input));
    if (!isSecureOrLoopback(url)) {
      throw new InsecureEndpointError(`Refusing to contact ${url.host} over plain http; sign-in only uses https (http only on this computer).`);
    }
    const res = await base(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(o.timeoutMs) });
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' || !url.pathname.includes('/.well-known/') || !res.ok) return res;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const type = res.headers.get('content-type') ?? '';
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || /text\/html/i.test(type)) {
      o.debug(`Ignoring ${url.origin}${url.pathname}: it is not a JSON metadata document`);
      return new Response(null, { status: 404, statusText: 'Not a metadata document' });
    }
    const headers = new Headers(res.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return new Response(text, { status: res.status, statusText: res.statusText, headers });
  };
}

/** The server's address, refused before anything is sent when it is not https (or loopback). */
export function checkServerUrl(server: AuthServerConfig): URL {
  let url: URL;
  try {
    url = new URL(server.url);
  } catch {
    throw new SignInError('config', `The address of ${server.name} is not a valid URL.`);
  }
  if (!isSecureOrLoopback(url)) throw new SignInError('config', `${server.name} is not served over https, so MCP Switchboard will not sign in to it.`);
  return url;
}
