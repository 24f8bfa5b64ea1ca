/**
 * What went wrong upstream, in words: the HTTP status and Retry-After an SDK or fast-path error
 * carries, and the failure a person reads ("Upstream https://…/mcp answered 503 Service
 * Unavailable (it asks to retry after 5 s)").
 */
import type { InsufficientScopeError } from '@modelcontextprotocol/client';
import { isInsufficientScope, isUnauthorizedError } from './sdk-module';
import { ERR_NEEDS_SIGN_IN, ERR_UPSTREAM_HTTP, ERR_UPSTREAM_UNREACHABLE, STATUS_TEXT, displayUrl, networkReason, proxyAuthFailure } from './upstream-shared';
import type { DeliveryFailure } from './message-path/delivery';
import type { UpstreamFailure } from './upstream-types';

/** HTTP status carried by an SDK error, if any. */
export function httpStatusOf(err: unknown): number | undefined {
  const e = err as { status?: unknown; code?: unknown; data?: { status?: unknown } };
  if (e && typeof e === 'object') {
    if (typeof e.data?.status === 'number') return e.data.status;
    if (typeof e.status === 'number') return e.status;
    // SseError carries the HTTP status as `code`.
    if (typeof e.code === 'number' && e.code >= 100 && e.code < 600) return e.code;
  }
  return undefined;
}

/** Retry-After (seconds) that came with an SDK or fast-path HTTP error, if any. */
export function retryAfterOf(err: unknown): number | undefined {
  const v = (err as { retryAfterS?: unknown })?.retryAfterS;
  return typeof v === 'number' ? v : undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

export function describeFailure(err: unknown, url: string): UpstreamFailure {
  const status = httpStatusOf(err);
  const where = displayUrl(url);
  if (isInsufficientScope(err)) {
    return { kind: 'auth', status: 403, message: `Upstream ${where} needs more permissions (${err.requiredScope ?? 'insufficient scope'})` };
  }
  if (status === 401 || isUnauthorizedError(err) || /unauthori[sz]ed/i.test(String((err as Error)?.name ?? ''))) {
    return { kind: 'auth', status: 401, message: `Upstream ${where} answered 401 Unauthorized` };
  }
  if (status === 407) return { kind: 'network', status, message: `Cannot reach upstream ${where}: ${proxyAuthFailure()}` };
  if (status !== undefined) {
    const text = STATUS_TEXT[status] ?? '';
    const retryAfterS = retryAfterOf(err);
    const asks = retryAfterS !== undefined ? ` (it asks to retry after ${retryAfterS} s)` : '';
    return { kind: 'http', status, message: `Upstream ${where} answered ${status}${text ? ' ' + text : ''}${asks}`, retryAfterS };
  }
  const reason = networkReason(err, hostOf(url));
  if (reason) return { kind: 'network', message: `Cannot reach upstream ${where}: ${reason}` };
  const msg = err instanceof Error ? err.message : String(err);
  return { kind: 'protocol', message: `Upstream ${where} failed: ${msg}` };
}

/**
 * The JSON-RPC error a client gets for a failed request: sign in (auth), or the failure in words.
 * It says what happened to the request, never the health check's schedule.
 */
export function failureAnswer(failure: UpstreamFailure, serverName: string): { code: number; text: string } {
  if (failure.kind === 'auth') return { code: ERR_NEEDS_SIGN_IN, text: `${failure.message}. Sign in to ${serverName} in MCP Switchboard.` };
  const code = failure.kind === 'network' ? ERR_UPSTREAM_UNREACHABLE : ERR_UPSTREAM_HTTP;
  return { code, text: failure.message + '.' };
}

/** Network error codes that occur before a request's bytes leave: the server cannot have seen it. */
const BEFORE_SENDING = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/** The first string `code` on an error or its causes. */
export function errorCodeOf(err: unknown): string | undefined {
  let e: any = err;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause) if (typeof e.code === 'string') return e.code;
  return undefined;
}

/** What an attempt did to the server, in words, by network error code. */
function networkWhat(code: string | undefined, written: boolean | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the server refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return "the server's name did not resolve";
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the server could not be reached';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'the connection timed out';
  }
  if (code && BEFORE_SENDING.has(code)) return 'the secure connection failed';
  return written === false ? 'the connection broke before the request was sent' : 'the connection broke after the request was sent';
}

export interface AttemptFacts {
  /** The fast path knows whether the request's bytes were handed to the connection (undefined: not known). */
  written?: boolean;
  /** The session generation the attempt went out on, when it went out with a session id. */
  sessionGeneration?: number;
}

/**
 * What a failed attempt means for the request: sent or not, processed or not (see
 * message-path/delivery.ts), with the failure in words.
 */
export function deliveryFailure(err: unknown, url: string, facts: AttemptFacts = {}): DeliveryFailure {
  const failure = describeFailure(err, url);
  const status = failure.status;
  if (failure.kind === 'auth') return { delivery: 'processed', failure, what: 'the server refused the credentials' };
  if (failure.kind === 'http' && status !== undefined) {
    const answered = `the server answered ${status}${STATUS_TEXT[status] ? ' ' + STATUS_TEXT[status] : ''}`;
    if ((status === 404 || status === 410) && facts.sessionGeneration !== undefined) {
      return { delivery: 'not-processed', failure, what: 'the server no longer knew the session', lostSession: facts.sessionGeneration };
    }
    if (status === 503 || status === 429 || status === 408) return { delivery: 'not-processed', failure, what: answered };
    if (status === 502 || status === 504 || (status > 505 && status < 600)) return { delivery: 'maybe-processed', failure, what: answered };
    return { delivery: 'processed', failure, what: answered };
  }
  if (failure.kind === 'network') {
    const code = errorCodeOf(err);
    const before = facts.written === false || (code !== undefined && BEFORE_SENDING.has(code));
    return { delivery: before ? 'not-sent' : 'maybe-processed', failure, what: networkWhat(code, before ? false : facts.written) };
  }
  // An answer that could not be read (too large, not JSON-RPC, another content type): the server
  // answered, and would answer the same again.
  return { delivery: 'processed', failure, what: 'the answer could not be read' };
}

/** The challenge a 403 insufficient_scope carried, rebuilt for the token renewal. */
export function scopeChallenge(err: InsufficientScopeError): string {
  return [
    'Bearer error="insufficient_scope"',
    err.requiredScope ? `scope="${err.requiredScope}"` : '',
    err.resourceMetadataUrl ? `resource_metadata="${err.resourceMetadataUrl.href}"` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export function redactUrlQueries(text: string): string {
  return text.replace(/(https?:\/\/[^\s?#]+)\?[^\s#]*/g, '$1?…');
}
