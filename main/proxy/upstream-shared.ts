/**
 * The few upstream facts the proxy runtime needs before any client connects. Kept apart from
 * upstream.ts so that an idle proxy does not load the SDK (see ProxyRuntime.loadUpstream).
 */
import { maskUrlSecrets } from '../../common/url-secrets';
import { describeTlsFailure, tlsCodeOf } from '../shared/net/tls-words';

/** JSON-RPC error codes the proxy itself produces (the server-defined range). */
export const ERR_UPSTREAM_HTTP = -32010;
export const ERR_UPSTREAM_UNREACHABLE = -32011;
export const ERR_NEEDS_SIGN_IN = -32012;
export const ERR_UPSTREAM_GONE = -32013;
export const ERR_UPSTREAM_TIMEOUT = -32014;
export { ERR_PARSE } from '../shared/mcp-http/jsonrpc';

/** URL without query or credentials (query strings sometimes carry keys), key-like path segments masked. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${maskUrlSecrets(u.pathname, '[redacted]')}`;
  } catch {
    return '(invalid URL)';
  }
}

export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * A network error's cause in words ("connection refused (ECONNREFUSED)"). With the `host` it
 * concerns, a TLS failure is a sentence about that host's certificate and what to do
 * (shared/net/tls-words.ts); `issuer` names who issued it, when a look found out.
 */
export function networkReason(err: unknown, host?: string, issuer?: string): string | undefined {
  if (host !== undefined) {
    const tls = describeTlsFailure(tlsCodeOf(err), host, issuer);
    if (tls) return tls;
  }
  let e: any = err;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code) {
      const words: Record<string, string> = {
        ECONNREFUSED: 'connection refused',
        ECONNRESET: 'connection reset',
        ENOTFOUND: 'host not found',
        EAI_AGAIN: 'DNS lookup failed',
        ETIMEDOUT: 'connection timed out',
        UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
        UND_ERR_SOCKET: 'connection closed by the server',
        EHOSTUNREACH: 'host unreachable',
        ENETUNREACH: 'network unreachable',
        CERT_HAS_EXPIRED: 'TLS certificate expired',
        DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
        SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain (VPN or corporate proxy?)',
        UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate could not be verified',
      };
      return words[code] ? `${words[code]} (${code})` : code;
    }
  }
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return cause ? `network error (${cause})` : 'network error';
  }
  return undefined;
}

/**
 * A Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) as seconds from `now`;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (!Number.isFinite(at) || !/[a-z]/i.test(v)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** 407 from the forward proxy: what to do, in words (the proxy is not the server). */
export function proxyAuthFailure(): string {
  return 'the proxy asks for a user name and password (407 Proxy Authentication Required): set them in Settings ▸ Network, or in the proxy URL of this server';
}

/** Statuses whose Retry-After the SDK path keeps for the failure (the SDK's errors drop it). */
export const RETRYABLE_STATUSES = new Set([429, 502, 503]);
