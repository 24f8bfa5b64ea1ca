/**
 * The only way the sign-in engine talks to the network. Every request it makes for a server:
 *
 * - goes only where that server may send it (common/url-policy.ts `endpointRefusal`): https, plain
 *   http only when the server and the target are both this computer, and never nearer than the
 *   server (a server on the internet cannot point the engine at this computer, 169.254.169.254 or
 *   a private network);
 * - never follows a redirect: a 3xx comes back to the caller as it is (the SDK follows redirects
 *   of metadata, token and registration requests within their origin only, each hop through here
 *   again; revocation reports a 3xx as "not revoked");
 * - has a time limit, and an answer of at most 1 MB: a larger Content-Length is refused before
 *   the body is read, and a body that grows past the bound is cut off with an error;
 * - treats well-known metadata that is not a JSON object (an HTML page, a bot challenge) as
 *   absent, so discovery falls back to the next location.
 */
import type { FetchLike } from '@modelcontextprotocol/client';
import { endpointRefusal, isSecureOrLoopback } from '../../../common/url-policy';
import { SignInError } from './callback-listener';
import type { AuthServerConfig } from './types';

/** The most the engine reads of one answer: metadata, registration and token answers are a few KB. */
export const MAX_AUTH_RESPONSE_BYTES = 1024 * 1024;

/** A plain-http, non-https or otherwise refused endpoint (common/url-policy.ts). */
export class InsecureEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsecureEndpointError';
  }
}

/** An answer larger than the engine reads. */
export class OversizedResponseError extends Error {
  constructor(host: string, limit: number) {
    super(`${host} sent an answer larger than ${Math.round(limit / (1024 * 1024))} MB to a sign-in request; it was not read.`);
    this.name = 'OversizedResponseError';
  }
}

export interface GuardedFetchOptions {
  /** Replaces global fetch (tests, proxies). */
  base?: FetchLike;
  /** The server the requests are made for: it decides where they may go. */
  serverUrl: string;
  timeoutMs: number;
  /** Default MAX_AUTH_RESPONSE_BYTES. */
  maxBytes?: number;
  /** Told when a metadata document was ignored (never receives a secret). */
  debug(message: string): void;
}

/** Statuses whose answer has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The answer with its body cut off past `limit` bytes (Content-Length checked first). */
export async function boundedResponse(res: Response, host: string, limit: number, onOversize?: (err: OversizedResponseError) => void): Promise<Response> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => {});
    const err = new OversizedResponseError(host, limit);
    onOversize?.(err);
    throw err;
  }
  if (!res.body || NULL_BODY.has(res.status)) return res;
  const reader = res.body.getReader();
  let seen = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > limit) {
        const err = new OversizedResponseError(host, limit);
        onOversize?.(err);
        controller.error(err);
        await reader.cancel().catch(() => {});
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const headers = new Headers(res.headers);
  // The body is handed on as received (decoded): its old length and encoding no longer apply.
  headers.delete('content-encoding');
  headers.delete('content-length');
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

/** A fetch that applies the engine's rules to every request (see the file comment). */
export function guardedFetch(o: GuardedFetchOptions): FetchLike {
  const base: FetchLike = o.base ?? ((url, init) => fetch(url, init));
  const limit = o.maxBytes ?? MAX_AUTH_RESPONSE_BYTES;
  return async (input, init) => {
    const url = new URL(String(input));
    let server: URL;
    try {
      server = new URL(o.serverUrl);
    } catch {
      throw new InsecureEndpointError('The server address is not a valid URL.');
    }
    const refusal = endpointRefusal(server, url);
    if (refusal) throw new InsecureEndpointError(refusal);
    const raw = await base(input, { ...init, redirect: 'manual', signal: init?.signal ?? AbortSignal.timeout(o.timeoutMs) });
    // Said in the log too: discovery in the SDK may swallow the error and try the next location.
    const res = await boundedResponse(raw, url.host, limit, () =>
      o.debug(`${url.origin}${url.pathname} answered with more than ${limit} bytes; it was not read`),
    );
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
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
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
