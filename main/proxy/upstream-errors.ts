/**
 * What went wrong upstream, in words: the HTTP status and Retry-After an SDK or fast-path error
 * carries, and the failure a person reads ("Upstream https://…/mcp answered 503 Service
 * Unavailable (it asks to retry after 5 s)").
 */
import { InsufficientScopeError, UnauthorizedError } from '@modelcontextprotocol/client';
import { ERR_NEEDS_SIGN_IN, ERR_UPSTREAM_HTTP, ERR_UPSTREAM_UNREACHABLE, STATUS_TEXT, displayUrl, networkReason } from './upstream-shared';
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

export function describeFailure(err: unknown, url: string): UpstreamFailure {
  const status = httpStatusOf(err);
  const where = displayUrl(url);
  if (err instanceof InsufficientScopeError) {
    return { kind: 'auth', status: 403, message: `Upstream ${where} needs more permissions (${err.requiredScope ?? 'insufficient scope'})` };
  }
  if (status === 401 || err instanceof UnauthorizedError || /unauthori[sz]ed/i.test(String((err as Error)?.name ?? ''))) {
    return { kind: 'auth', status: 401, message: `Upstream ${where} answered 401 Unauthorized` };
  }
  if (status !== undefined) {
    const text = STATUS_TEXT[status] ?? '';
    const retryAfterS = retryAfterOf(err);
    const asks = retryAfterS !== undefined ? ` (it asks to retry after ${retryAfterS} s)` : '';
    return { kind: 'http', status, message: `Upstream ${where} answered ${status}${text ? ' ' + text : ''}${asks}`, retryAfterS };
  }
  const reason = networkReason(err);
  if (reason) return { kind: 'network', message: `Cannot reach upstream ${where}: ${reason}` };
  const msg = err instanceof Error ? err.message : String(err);
  return { kind: 'protocol', message: `Upstream ${where} failed: ${msg}` };
}

/**
 * The JSON-RPC error a client gets for a failed request: sign in (auth), or the failure with the
 * time of the next health retry when the failure is transient.
 */
export function failureAnswer(failure: UpstreamFailure, serverName: string, retryHint?: () => number | undefined): { code: number; text: string } {
  if (failure.kind === 'auth') return { code: ERR_NEEDS_SIGN_IN, text: `${failure.message}. Sign in to ${serverName} in MCP Switchboard.` };
  let text = failure.message;
  const code = failure.kind === 'network' ? ERR_UPSTREAM_UNREACHABLE : ERR_UPSTREAM_HTTP;
  const retry = retryHint?.();
  const transient = failure.kind === 'network' || (failure.status !== undefined && (failure.status >= 500 || failure.status === 429));
  if (transient && retry !== undefined) text += `; retrying in ${Math.max(1, Math.round(retry))} s`;
  return { code, text: text + '.' };
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
