/**
 * The health check over plain node:http(s): one POST (initialize, or server/discover for the
 * 2026-07-28 era), read the first answer (JSON or SSE), DELETE the session it created. It answers
 * for Streamable HTTP servers without loading the SDK, so an idle proxy stays small. Anything it
 * cannot judge (a server that may speak only the old HTTP+SSE transport) is left to the SDK path:
 * it returns 'use-sdk'.
 */
import { HEADER_SESSION_ID } from '../../common/protocol-versions';
import { endSession, envelopeHeaders, envelopeVersion, headerOf, postRequest, type ExchangeAnswer, type JsonRpcMessage } from '../shared/mcp-http';
import { certificateIssuer, isUntrustedCertificate, tlsCodeOf } from '../shared/net/tls-words';
import type { NetworkConfig } from '../shared/net/network-config';
import { STATUS_TEXT, displayUrl, networkReason, parseRetryAfter, proxyAuthFailure } from './upstream-shared';
import type { UpstreamAuth, UpstreamFailure } from './upstream';

/** The most a health check reads of one answer's event (an initialize result is a few KB). */
const PROBE_MAX_BYTES = 4 * 1024 * 1024;

export interface PlainProbeOptions {
  url: string;
  serverName: string;
  headers: Record<string, string>;
  request: JsonRpcMessage;
  auth?: UpstreamAuth;
  /** Era detection: a 400/404/405/406 answer is the result, not a reason to try other transports. */
  singleTransport?: boolean;
  timeoutMs?: number;
  /** The route and trust (proxy, CAs) of this server. */
  net?: NetworkConfig;
}

export interface ProbeResult {
  outcome?: 'ok' | UpstreamFailure;
  answer?: any;
}

export async function plainProbe(opts: PlainProbeOptions): Promise<ProbeResult | 'use-sdk'> {
  const where = displayUrl(opts.url);
  const envelope = envelopeVersion(opts.request);
  const post = (token: string | undefined) =>
    postRequest({
      url: opts.url,
      headers: opts.headers,
      request: opts.request,
      token,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
      net: opts.net,
      maxBytes: PROBE_MAX_BYTES,
      bound: 'event',
    });
  let answer: ExchangeAnswer;
  try {
    answer = await post(opts.auth?.token());
    if (answer.status === 401 && opts.auth) {
      const token = await opts.auth.renew(401, headerOf(answer.headers, 'www-authenticate'));
      if (token) answer = await post(token);
    }
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return { outcome: { kind: 'network', message: `Upstream ${where} did not answer within 20 s` } };
    const url = new URL(opts.url);
    // An untrusted certificate: who issued it (a TLS-inspecting proxy's root?) makes the sentence.
    const issuer = isUntrustedCertificate(tlsCodeOf(err)) ? await certificateIssuer(url, opts.net) : undefined;
    const reason = networkReason(err, url.host, issuer) ?? (err as Error).message;
    return { outcome: { kind: 'network', message: `Cannot reach upstream ${where}: ${reason}` } };
  }
  const { status } = answer;
  // A 2026-07-28 server answers an unsupported request with 400 and a JSON-RPC error (its
  // supported versions): that is an answer from a reachable server, as the SDK also treats it.
  if (status === 400 && envelope !== undefined && answer.message?.id === opts.request.id && answer.message?.error) {
    return { outcome: 'ok', answer: answer.message };
  }
  if (status === 401) return { outcome: { kind: 'auth', status, message: `Upstream ${where} answered 401 Unauthorized` } };
  if (status === 407) return { outcome: { kind: 'network', status, message: `Cannot reach upstream ${where}: ${proxyAuthFailure()}` } };
  if ([400, 404, 405, 406].includes(status) && !opts.singleTransport) return 'use-sdk';
  if (status < 200 || status >= 300) {
    const text = STATUS_TEXT[status] ?? answer.statusText;
    const retryAfterS = parseRetryAfter(headerOf(answer.headers, 'retry-after'));
    const asks = retryAfterS !== undefined ? ` (it asks to retry after ${retryAfterS} s)` : '';
    return { outcome: { kind: 'http', status, message: `Upstream ${where} answered ${status}${text ? ' ' + text : ''}${asks}`, retryAfterS } };
  }
  const sessionId = headerOf(answer.headers, HEADER_SESSION_ID);
  if (sessionId) {
    void endSession({
      url: opts.url,
      headers: { ...opts.headers, ...envelopeHeaders(opts.request) },
      sessionId,
      protocolVersion: answer.message?.result?.protocolVersion,
      token: opts.auth?.token(),
      signal: AbortSignal.timeout(2000),
      net: opts.net,
    });
  }
  return { outcome: 'ok', answer: answer.message };
}
