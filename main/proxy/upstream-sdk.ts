/**
 * The SDK's client transports (Streamable HTTP and the old HTTP+SSE) for one upstream session:
 * which to try in which order, how each is made (headers, the bearer-token seam, bounded bodies,
 * the Retry-After the SDK's errors drop), and opening the first that works. The SDK itself loads
 * only when one of these is made (sdk-module.ts); a session opened on the fast path is a
 * FastSession, which makes one only when the fast path hands a message back.
 */
import type { JSONRPCMessage, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { JsonRpcMessage } from '../shared/mcp-http';
import type { UpstreamTarget } from '../shared/fork-protocol';
import { fetchFor, processFetchFor } from '../shared/net/fetch';
import { boundResponse } from './bounded-body';
import { FastSession } from './fast-session';
import { loadedSdk, sdkModule, unauthorized } from './sdk-module';
import { describeFailure, httpStatusOf, retryAfterOf } from './upstream-errors';
import { RETRYABLE_STATUSES, displayUrl, parseRetryAfter } from './upstream-shared';
import type { UpstreamOptions } from './upstream-types';

export type Transport = StreamableHTTPClientTransport | SSEClientTransport | FastSession;

/** A Streamable HTTP session (the SDK's transport or a FastSession), as opposed to the old HTTP+SSE one. */
export function isStreamable(t: Transport | undefined): t is StreamableHTTPClientTransport | FastSession {
  if (t instanceof FastSession) return true;
  const sdk = loadedSdk();
  return sdk !== undefined && t instanceof sdk.StreamableHTTPClientTransport;
}

/** Candidate transports in the order the issue prescribes. */
export function transportCandidates(url: string, preferred?: UpstreamTarget): UpstreamTarget[] {
  const list: UpstreamTarget[] = [{ kind: 'streamable-http', url }];
  const u = new URL(url);
  if (/\/sse\/?$/.test(u.pathname)) {
    const sibling = new URL(url);
    sibling.pathname = u.pathname.replace(/\/sse\/?$/, '/mcp');
    list.push({ kind: 'streamable-http', url: sibling.href });
  }
  list.push({ kind: 'sse', url });
  if (preferred) {
    const i = list.findIndex((c) => c.kind === preferred.kind && c.url === preferred.url);
    if (i > 0) list.unshift(...list.splice(i, 1));
  }
  return list;
}

/**
 * Sends on an SDK transport. The old HTTP+SSE transport takes one message per POST; batches go
 * out one by one. `onStreamEnd`: the Streamable HTTP answer stream of this POST ended (answered or
 * not; the SDK resumes a stream with event ids itself before it gives up). `signal` closes the
 * request's stream (a 2026-07-28 request's cancellation over Streamable HTTP).
 */
export async function sendOn(
  t: Transport,
  message: JsonRpcMessage | JsonRpcMessage[],
  headers?: Record<string, string>,
  onStreamEnd?: () => void,
  signal?: AbortSignal,
): Promise<void> {
  if (isStreamable(t)) {
    const options =
      headers || onStreamEnd || signal
        ? { ...(headers ? { headers } : {}), ...(onStreamEnd ? { onRequestStreamEnd: onStreamEnd } : {}), ...(signal ? { requestSignal: signal } : {}) }
        : undefined;
    return t.send(message as JSONRPCMessage | JSONRPCMessage[], options);
  }
  for (const m of Array.isArray(message) ? message : [message]) await (t as SSEClientTransport).send(m as JSONRPCMessage);
}

export interface TransportHooks {
  onMessage(m: JsonRpcMessage, t: Transport): void;
  onError(err: Error, t: Transport): void;
  onClose(t: Transport): void;
  log?(level: 'debug' | 'info' | 'warn', message: string): void;
}

/** Makes and opens the SDK transports of one session. */
export class SdkTransports {
  /** Retry-After of the last error answer the SDK transport saw, by status (the SDK's errors drop headers). */
  private readonly retryAfters = new Map<number, { seconds: number; at: number }>();
  /** The fetch of the server's network configuration (proxy, CAs); the runtime's own without one. Made on first use. */
  private networkFetch?: typeof fetch;

  constructor(
    private readonly opts: UpstreamOptions,
    private readonly hooks: TransportHooks,
  ) {}

  /**
   * An SDK transport for `target`. `session`: one on an existing session (its id and version), the
   * FastSession its events are reported as.
   */
  create(target: UpstreamTarget, session?: FastSession): StreamableHTTPClientTransport | SSEClientTransport {
    const sdk = sdkModule();
    const url = new URL(target.url);
    const requestInit: RequestInit = { headers: { ...this.opts.headers } };
    const authProvider = this.authProvider();
    const fetch = this.noteRetryAfter;
    const t =
      target.kind === 'sse'
        ? new sdk.SSEClientTransport(url, { requestInit, fetch, authProvider })
        : new sdk.StreamableHTTPClientTransport(url, {
            requestInit,
            fetch,
            protocolVersion: session?.protocolVersion,
            sessionId: session?.sessionId,
            authProvider,
            onInsufficientScope: 'throw',
          });
    const as: Transport = session ?? t;
    t.onmessage = (m) => this.hooks.onMessage(m as JsonRpcMessage, as);
    t.onerror = (err) => this.hooks.onError(err, as);
    t.onclose = () => this.hooks.onClose(as);
    return t;
  }

  /**
   * Tries the candidates in order with the session's first message (which doubles as the probe),
   * falling back only on 400/404/405: 401/403 are auth problems, not transport signals.
   * `trying` names the candidate in flight (its errors concern the session), then undefined;
   * `opened` is told of the one that worked before it stops being the one in flight.
   */
  async open(
    first: JsonRpcMessage | JsonRpcMessage[],
    headers: Record<string, string> | undefined,
    trying: (t: Transport | undefined) => void,
    opened: (t: Transport, target: UpstreamTarget, index: number) => void,
    tried?: { target: UpstreamTarget; err: unknown },
  ): Promise<Transport> {
    const errors: string[] = [];
    const candidates = this.candidates();
    let firstErr: unknown = tried?.err;
    if (tried) errors.push(`${tried.target.kind} ${displayUrl(tried.target.url)}: ${describeFailure(tried.err, tried.target.url).message}`);
    for (let i = tried ? 1 : 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      const t = this.create(c);
      try {
        await t.start();
        trying(t);
        await sendOn(t, first, headers);
        opened(t, c, i);
        return t;
      } catch (err) {
        firstErr ??= err;
        const status = httpStatusOf(err);
        await t.close().catch(() => {});
        const fallback = status === 400 || status === 404 || status === 405;
        errors.push(`${c.kind} ${displayUrl(c.url)}: ${describeFailure(err, c.url).message}`);
        if (!fallback) throw err;
        if (i === candidates.length - 1) break;
        this.hooks.log?.('debug', `${c.kind} at ${displayUrl(c.url)} answered ${status}; trying the next transport`);
      } finally {
        trying(undefined);
      }
    }
    if (!this.opts.singleTransport) this.hooks.log?.('warn', `No transport worked: ${errors.join('; ')}`);
    // Every fallback failed too: the first candidate's failure is the one to report.
    throw firstErr;
  }

  /** The transports to try, in order (the first is the one a fast open tries). */
  candidates(): UpstreamTarget[] {
    const candidates = transportCandidates(this.opts.url, this.opts.preferred);
    return this.opts.singleTransport ? candidates.filter((c) => c.kind === 'streamable-http').slice(0, 1) : candidates;
  }

  /** Gives an SDK HTTP error the Retry-After its answer carried (fast-path errors have it already). */
  withRetryAfter(err: unknown): unknown {
    const status = httpStatusOf(err);
    if (status === undefined || retryAfterOf(err) !== undefined || !err || typeof err !== 'object') return err;
    const noted = this.retryAfters.get(status);
    if (noted && Date.now() - noted.at < 5000) {
      this.retryAfters.delete(status);
      (err as { retryAfterS?: number }).retryAfterS = noted.seconds;
    }
    return err;
  }

  private readonly noteRetryAfter: typeof fetch = async (input, init) => {
    this.networkFetch ??= this.opts.processWideNetwork ? processFetchFor(this.opts.network) : fetchFor(this.opts.network);
    const res = await (this.opts.fetch ?? this.networkFetch)(input, init);
    if (!res.ok && RETRYABLE_STATUSES.has(res.status)) {
      const seconds = parseRetryAfter(res.headers.get('retry-after'));
      if (seconds === undefined) this.retryAfters.delete(res.status);
      else this.retryAfters.set(res.status, { seconds, at: Date.now() });
    }
    return boundResponse(res); // a hostile server's giant answer or endless event errors, bounded
  };

  /** The SDK's minimal auth seam: bearer token on every request, one renewal on 401. */
  private authProvider() {
    const auth = this.opts.auth;
    if (!auth) return undefined;
    return {
      token: async () => auth.token(),
      onUnauthorized: async (ctx: { response: Response }) => {
        const token = await auth.renew(401, ctx.response.headers.get('www-authenticate') ?? undefined);
        if (!token) throw unauthorized(`${this.opts.serverName} needs sign-in`);
      },
    };
  }
}
