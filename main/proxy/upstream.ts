/**
 * One upstream MCP session per downstream connection, built on the official SDK's client
 * transports (@modelcontextprotocol/client 2.x). The proxy is a pass-through: JSON-RPC messages
 * go both ways unchanged; this module only chooses the transport, captures the negotiated
 * protocol version, replays `initialize` when the server forgets the session, and turns failures
 * into JSON-RPC errors a person can act on. The one edit is SEP-2243 on the 2026-07-28 era: the
 * proxy is the HTTP client, so it mirrors `x-mcp-header` parameters into `Mcp-Param-*` headers and
 * leaves tools with invalid declarations out of `tools/list` (mcp-param-headers.ts).
 *
 * All SDK calls of the proxy live in this file.
 */
import {
  InsufficientScopeError,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type JSONRPCMessage,
} from '@modelcontextprotocol/client';
import type { UpstreamTarget } from '../shared/fork-protocol';
import { buildParamHeaders, scanParamHeaders, type ParamHeaderDeclaration } from './mcp-param-headers';
import { boundResponse } from './bounded-body';
import { fastPost } from './fast-post';

/** Set MCP_SWITCHBOARD_SDK_POST=1 to send every message through the SDK transport (benchmarks). */
const FAST_POST = process.env.MCP_SWITCHBOARD_SDK_POST !== '1';

type Transport = StreamableHTTPClientTransport | SSEClientTransport;
type Id = string | number;
type Json = Record<string, any>;

/** JSON-RPC error codes the proxy itself produces (the server-defined range). */
import {
  ERR_NEEDS_SIGN_IN,
  ERR_UPSTREAM_GONE,
  ERR_UPSTREAM_HTTP,
  ERR_UPSTREAM_TIMEOUT,
  ERR_UPSTREAM_UNREACHABLE,
  MAX_REQUEST_RETRY_AFTER_S,
  RETRYABLE_STATUSES,
  STATUS_TEXT,
  displayUrl,
  networkReason,
  parseRetryAfter,
} from './upstream-shared';
export {
  ERR_NEEDS_SIGN_IN,
  ERR_PARSE,
  ERR_UPSTREAM_GONE,
  ERR_UPSTREAM_HTTP,
  ERR_UPSTREAM_TIMEOUT,
  ERR_UPSTREAM_UNREACHABLE,
  displayUrl,
  networkReason,
} from './upstream-shared';

export interface UpstreamEvents {
  /** A message for the downstream client; `text` is its serialization when already made. */
  toClient(message: JSONRPCMessage | JSONRPCMessage[], text?: string): void;
  /** A request from the client was sent upstream. */
  onRequest?(method: string, id: Id, size: number): void;
  /** A response to a client request arrived (or was synthesized as an error). */
  onResponse?(method: string, id: Id, durationMs: number, size: number, error?: string): void;
  onNotification?(method: string, direction: 'client-to-server' | 'server-to-client', size: number): void;
  /** The upstream worked (a request got a response from the server). */
  onUpstreamOk?(): void;
  /** The upstream failed in a way that concerns the whole server (not one request). */
  onUpstreamFailure?(failure: UpstreamFailure): void;
  /** The transport that worked, to remember for next time. */
  onTransport?(target: UpstreamTarget): void;
  log?(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

export interface UpstreamFailure {
  kind: 'http' | 'network' | 'auth' | 'protocol';
  status?: number;
  message: string;
  /** The server's Retry-After, in seconds, when it sent one with an error status. */
  retryAfterS?: number;
}

export interface UpstreamOptions {
  url: string;
  serverName: string;
  headers: Record<string, string>;
  /** Transport that worked before, tried first. */
  preferred?: UpstreamTarget;
  /** Seconds until the proxy's next health retry, for error messages ("retrying in 4 s"). */
  retryHint?: () => number | undefined;
  fetch?: typeof fetch;
  /** Access tokens from the main process. Absent: the server needs no sign-in (or none yet). */
  auth?: UpstreamAuth;
  /**
   * Try only the first Streamable HTTP candidate and never fall back to another transport: for
   * the health check's protocol-era probe, where a 400 means "not this era", not "not this
   * transport".
   */
  singleTransport?: boolean;
  /**
   * How long a request may wait for its answer (progress notifications restart the wait). Past
   * it the client gets an error and the server a cancellation. Default 5 minutes.
   */
  requestTimeoutMs?: number;
}

/** How a session gets and renews its bearer token; implemented by the proxy runtime over IPC. */
export interface UpstreamAuth {
  token(): string | undefined;
  /**
   * The server refused the token (401, or 403 insufficient_scope with its challenge). Resolves to
   * a new token, or undefined when the user has to sign in (again).
   */
  renew(status: number, wwwAuthenticate?: string): Promise<string | undefined>;
}

const REINIT_PREFIX = 'switchboard-reinit-';

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

/** URL without query or credentials: query strings sometimes carry keys. */

function isRequest(m: Json): boolean {
  return typeof m.method === 'string' && m.id !== undefined && m.id !== null;
}
function isNotification(m: Json): boolean {
  return typeof m.method === 'string' && (m.id === undefined || m.id === null);
}
function isResponse(m: Json): boolean {
  return m.method === undefined && ('result' in m || 'error' in m);
}

interface Pending {
  method: string;
  started: number;
  /** The request carried a 2026-07-28 (stateless era) `_meta` envelope. */
  modern?: boolean;
  /** The request's progress token: its progress notifications restart the time limit. */
  progressToken?: string | number;
  timer?: NodeJS.Timeout;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 5 * 60_000;

const LEGACY_VERSIONS = new Set(['2024-10-07', '2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);

/** True for a request that claims a stateless-era revision (2026-07-28 or later) in its `_meta`. */
function isModernRequest(m: Json): boolean {
  const v = m.params?._meta?.['io.modelcontextprotocol/protocolVersion'];
  return typeof v === 'string' && !LEGACY_VERSIONS.has(v);
}

export class UpstreamSession {
  private transport?: Transport;
  private probing?: Transport;
  private target?: UpstreamTarget;
  private opening?: Promise<Transport>;
  private reinitializing?: Promise<void>;
  private initRequest?: Json;
  private protocolVersion?: string;
  private readonly pending = new Map<Id, Pending>();
  private readonly internal = new Map<string, (m: Json) => void>();
  private reinitCount = 0;
  /** SEP-2243: `x-mcp-header` declarations of the tools listed on this connection (modern era). */
  private readonly toolHeaders = new Map<string, ParamHeaderDeclaration[]>();
  /** Tools left out of `tools/list` because their `x-mcp-header` declarations are invalid. */
  private readonly excludedTools = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private closed = false;
  private generation = 0;

  constructor(
    private readonly opts: UpstreamOptions,
    private readonly events: UpstreamEvents,
  ) {}

  get negotiatedVersion(): string | undefined {
    return this.protocolVersion;
  }

  get sessionId(): string | undefined {
    return this.transport instanceof StreamableHTTPClientTransport ? this.transport.sessionId : undefined;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  // ---- requests in flight: each gets exactly one answer, within the time limit ---------------

  private track(m: Json): void {
    const old = this.pending.get(m.id);
    if (old) clearTimeout(old.timer);
    const token = m.params?._meta?.progressToken;
    const p: Pending = {
      method: m.method,
      started: performance.now(),
      modern: isModernRequest(m) || undefined,
      progressToken: typeof token === 'string' || typeof token === 'number' ? token : undefined,
    };
    this.pending.set(m.id, p);
    this.arm(m.id, p);
  }

  private arm(id: Id, p: Pending): void {
    clearTimeout(p.timer);
    const ms = this.opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    p.timer = setTimeout(() => this.timedOut(id, p, ms), ms);
    p.timer.unref();
  }

  /** The request is answered (or given up): forget it and its timer. */
  private settle(id: Id | undefined): Pending | undefined {
    if (id === undefined || id === null) return undefined;
    const p = this.pending.get(id);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(id);
    return p;
  }

  /** Progress shows the server is working on the request: its time limit starts again. */
  private progressed(token: unknown): void {
    if (token === undefined) return;
    for (const [id, p] of this.pending) if (p.progressToken === token) this.arm(id, p);
  }

  private timedOut(id: Id, p: Pending, ms: number): void {
    if (this.closed || this.pending.get(id) !== p) return;
    this.settle(id);
    const seconds = Math.round(ms / 100) / 10;
    const where = displayUrl(this.target?.url ?? this.opts.url);
    this.events.log?.('warn', `Upstream ${where} did not answer ${p.method} (id ${JSON.stringify(id)}) within ${seconds} s; cancelled it`);
    this.reply(
      id,
      ERR_UPSTREAM_TIMEOUT,
      `Upstream ${where} did not answer ${p.method} within ${seconds} s; MCP Switchboard cancelled the request. Retry it later, or check the server.`,
      p,
    );
    // Tell the server, so it can stop working on it (fire and forget, in the client's order).
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: `No answer within ${seconds} s` } };
    if (this.transport && p.method !== 'initialize') void this.fromClient(cancel as JSONRPCMessage);
  }

  /** Send one message (or a batch) from the client upstream. Never throws. */
  async fromClient(message: JSONRPCMessage | JSONRPCMessage[], size?: number, text?: string): Promise<void> {
    if (this.closed) return;
    const list = (Array.isArray(message) ? message : [message]) as Json[];
    size ??= JSON.stringify(message).length;
    for (const m of list) {
      if (isRequest(m)) {
        this.track(m);
        this.events.onRequest?.(m.method, m.id, size);
        if (m.method === 'initialize') this.initRequest = m;
      } else if (isNotification(m)) {
        this.events.onNotification?.(m.method, 'client-to-server', size);
        // The client gave up on a request: an answer that still comes is not for it any more.
        if (m.method === 'notifications/cancelled') this.settle(m.params?.requestId);
      }
    }
    // A tool the proxy left out of tools/list (invalid x-mcp-header) is not called upstream.
    const excluded =
      !Array.isArray(message) && isRequest(message as Json) && (message as Json).method === 'tools/call'
        ? this.excludedTools.get((message as Json).params?.name)
        : undefined;
    if (excluded !== undefined) {
      const m = message as Json;
      this.reply(m.id, -32602, `Tool "${m.params.name}" is not available: ${excluded}`, this.settle(m.id));
      return;
    }
    // Keep the client's order: a notification or response is sent only after everything before
    // it went out (so `initialized` reaches the server before the first request), and nothing
    // overtakes a notification. Requests don't wait for their answers: many may be in flight.
    const prev = this.chain;
    const run = prev.then(() => this.deliver(message, list, true, text));
    this.chain = list.every(isRequest) ? prev.then(() => undefined) : run;
    await run;
  }

  private async deliver(message: JSONRPCMessage | JSONRPCMessage[], list: Json[], mayRetry: boolean, text?: string): Promise<void> {
    let transport: Transport;
    const isInit = list.some((m) => m.method === 'initialize');
    if (!this.transport && !this.opening && this.initRequest && this.target && !isInit) {
      // The connection was lost after the handshake (e.g. the HTTP+SSE stream ended): a new
      // upstream session needs the client's initialize first.
      try {
        await this.reinitialize(this.generation);
      } catch (err) {
        this.fail(list, err);
        return;
      }
    }
    try {
      transport = await this.ensureTransport(message);
      if (transport === FIRST_SENT) return;
    } catch (err) {
      this.fail(list, this.withRetryAfter(err));
      return;
    }
    const gen = this.generation;
    try {
      const fast = this.fastPostable(transport, list) ? await this.fastSend(transport, message, list, text) : 'fallback';
      if (fast === 'fallback') await sendOn(transport, message, this.paramHeaders(message));
    } catch (caught) {
      if (this.closed) return;
      const err = this.withRetryAfter(caught);
      if (err instanceof InsufficientScopeError && mayRetry && this.opts.auth) {
        const challenge = [
          'Bearer error="insufficient_scope"',
          err.requiredScope ? `scope="${err.requiredScope}"` : '',
          err.resourceMetadataUrl ? `resource_metadata="${err.resourceMetadataUrl.href}"` : '',
        ]
          .filter(Boolean)
          .join(', ');
        this.events.log?.('info', `The server asks for more permissions (${err.requiredScope ?? 'unspecified scope'})`);
        const token = await this.opts.auth.renew(403, challenge).catch(() => undefined);
        if (token) return this.deliver(message, list, false);
        this.fail(list, new UnauthorizedError(`${this.opts.serverName} needs more permissions: sign in again`));
        return;
      }
      const status = httpStatusOf(err);
      const retryAfterS = retryAfterOf(err);
      if (mayRetry && status !== undefined && RETRYABLE_STATUSES.has(status) && retryAfterS !== undefined && retryAfterS <= MAX_REQUEST_RETRY_AFTER_S) {
        // The server said when to come back, and it is soon: wait that long and send it once more.
        this.events.log?.('info', `Upstream answered ${status}; retrying in ${retryAfterS} s as it asked (Retry-After)`);
        await this.sleep(retryAfterS * 1000);
        if (this.closed) return;
        const waiting = list.filter(isRequest).filter((m) => this.pending.has(m.id));
        if (list.some(isRequest) && !waiting.length) return; // timed out or cancelled meanwhile
        return this.deliver(message, list, false, text);
      }
      const sessionBound = status === 404 || status === 410;
      if (mayRetry && sessionBound && this.initRequest && !isInit) {
        this.events.log?.('info', `Upstream session expired (${status}); re-initializing and retrying once`);
        try {
          await this.reinitialize(gen);
        } catch (reErr) {
          this.fail(list, reErr);
          return;
        }
        return this.deliver(message, list, false);
      }
      this.fail(list, err);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Opens the transport on first use; the first message doubles as the transport probe. */
  private async ensureTransport(first: JSONRPCMessage | JSONRPCMessage[]): Promise<Transport> {
    if (this.transport) return this.transport;
    // Messages that arrive while the transport is being chosen wait for it.
    if (this.opening) return this.opening;
    this.opening = this.open(first);
    try {
      await this.opening;
      return FIRST_SENT; // the caller's message was the probe and is already sent
    } finally {
      this.opening = undefined;
    }
  }

  private async open(first: JSONRPCMessage | JSONRPCMessage[]): Promise<Transport> {
    const errors: string[] = [];
    let candidates = transportCandidates(this.opts.url, this.opts.preferred);
    if (this.opts.singleTransport) candidates = candidates.filter((c) => c.kind === 'streamable-http').slice(0, 1);
    let firstErr: unknown;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      const t = this.createTransport(c);
      // Route messages of a candidate to us while it is being tried.
      this.transport = undefined;
      try {
        await t.start();
        this.probing = t;
        await sendOn(t, first, this.paramHeaders(first));
        this.target = c;
        this.transport = t;
        this.generation++;
        this.events.onTransport?.(c);
        if (i > 0) this.events.log?.('info', `Using ${c.kind === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP'} at ${displayUrl(c.url)}`);
        return t;
      } catch (err) {
        firstErr ??= err;
        const status = httpStatusOf(err);
        await t.close().catch(() => {});
        // Fall back only on 400/404/405: 401/403 are auth problems, not transport signals.
        const fallback = status === 400 || status === 404 || status === 405;
        errors.push(`${c.kind} ${displayUrl(c.url)}: ${describeFailure(err, c.url).message}`);
        if (!fallback) throw err;
        if (i === candidates.length - 1) break;
        this.events.log?.('debug', `${c.kind} at ${displayUrl(c.url)} answered ${status}; trying the next transport`);
      } finally {
        this.probing = undefined;
      }
    }
    if (!this.opts.singleTransport) this.events.log?.('warn', `No transport worked: ${errors.join('; ')}`);
    // Every fallback failed too: the first candidate's failure is the one to report.
    throw firstErr;
  }

  private createTransport(target: UpstreamTarget): Transport {
    const url = new URL(target.url);
    const requestInit: RequestInit = { headers: { ...this.opts.headers } };
    const authProvider = this.authProvider();
    const fetch = this.noteRetryAfter;
    const t =
      target.kind === 'sse'
        ? new SSEClientTransport(url, { requestInit, fetch, authProvider })
        : new StreamableHTTPClientTransport(url, {
            requestInit,
            fetch,
            protocolVersion: this.protocolVersion,
            authProvider,
            onInsufficientScope: 'throw',
          });
    t.onmessage = (m) => this.fromServer(m as Json, t);
    t.onerror = (err) => this.onTransportError(err, t);
    t.onclose = () => this.onTransportClose(t);
    return t;
  }

  /** Retry-After of the last error answer the SDK transport saw, by status (the SDK's errors drop headers). */
  private readonly retryAfters = new Map<number, { seconds: number; at: number }>();

  private readonly noteRetryAfter: typeof fetch = async (input, init) => {
    const res = await (this.opts.fetch ?? globalThis.fetch)(input, init);
    if (!res.ok && RETRYABLE_STATUSES.has(res.status)) {
      const seconds = parseRetryAfter(res.headers.get('retry-after'));
      if (seconds === undefined) this.retryAfters.delete(res.status);
      else this.retryAfters.set(res.status, { seconds, at: Date.now() });
    }
    return boundResponse(res); // a hostile server's giant answer or endless event errors, bounded
  };

  /** Gives an SDK HTTP error the Retry-After its answer carried (fast-path errors have it already). */
  private withRetryAfter(err: unknown): unknown {
    const status = httpStatusOf(err);
    if (status === undefined || retryAfterOf(err) !== undefined || !err || typeof err !== 'object') return err;
    const noted = this.retryAfters.get(status);
    if (noted && Date.now() - noted.at < 5000) {
      this.retryAfters.delete(status);
      (err as { retryAfterS?: number }).retryAfterS = noted.seconds;
    }
    return err;
  }

  /**
   * Messages of an established 2025-era Streamable HTTP session take the fast path (fast-post.ts);
   * the handshake, 2026-07-28 requests and the old HTTP+SSE transport stay with the SDK.
   */
  private fastPostable(t: Transport, list: Json[]): t is StreamableHTTPClientTransport {
    return (
      FAST_POST &&
      !this.opts.fetch &&
      t instanceof StreamableHTTPClientTransport &&
      this.protocolVersion !== undefined &&
      !list.some((m) => m.method === 'initialize' || m.method === 'notifications/initialized' || isModernRequest(m))
    );
  }

  private fastSend(t: StreamableHTTPClientTransport, message: JSONRPCMessage | JSONRPCMessage[], list: Json[], text?: string) {
    const headers: Record<string, string> = { ...this.opts.headers, 'mcp-protocol-version': this.protocolVersion! };
    if (t.sessionId) headers['mcp-session-id'] = t.sessionId;
    const token = this.opts.auth?.token();
    if (token) headers.authorization = `Bearer ${token}`;
    const ids = list.filter(isRequest).map((m) => m.id as Id);
    return fastPost({
      url: new URL(this.target?.url ?? this.opts.url),
      body: text ?? JSON.stringify(message),
      headers,
      signal: this.abort.signal,
      onMessage: (m) => this.fromServer(m as Json, t),
      onResume: (lastEventId, retryMs) => {
        const timer = setTimeout(() => {
          if (!this.closed && this.transport === t) t.resumeStream(lastEventId).catch((err: Error) => this.onTransportError(err, t));
        }, retryMs ?? 1000);
        timer.unref();
      },
      onLost: (reason) => {
        for (const id of ids) {
          const p = this.settle(id);
          if (!p) continue;
          this.reply(id, ERR_UPSTREAM_GONE, `Upstream ${displayUrl(this.opts.url)}: ${reason}. Retry the request.`, p);
        }
      },
    });
  }

  /** The SDK's minimal auth seam: bearer token on every request, one renewal on 401. */
  private authProvider() {
    const auth = this.opts.auth;
    if (!auth) return undefined;
    return {
      token: async () => auth.token(),
      onUnauthorized: async (ctx: { response: Response }) => {
        const token = await auth.renew(401, ctx.response.headers.get('www-authenticate') ?? undefined);
        if (!token) throw new UnauthorizedError(`${this.opts.serverName} needs sign-in`);
      },
    };
  }

  private fromServer(m: Json, t: Transport): void {
    if (this.closed) return;
    if (isResponse(m) && typeof m.id === 'string' && m.id.startsWith(REINIT_PREFIX)) {
      this.internal.get(m.id)?.(m);
      return;
    }
    if (isResponse(m) && !this.pending.has(m.id)) {
      // Answered already (time-out, lost stream), cancelled by the client, or sent twice by the
      // server: a client must never get two answers to one request.
      this.events.log?.('debug', `Dropped an answer to request ${JSON.stringify(m.id)} that was already answered or cancelled`);
      return;
    }
    if (isNotification(m) && m.method === 'notifications/progress') this.progressed(m.params?.progressToken);
    if (isResponse(m) && Array.isArray(m.result?.tools)) {
      const p = this.pending.get(m.id);
      if (p?.method === 'tools/list' && p.modern) m = this.screenTools(m);
    }
    // Responses go out with "jsonrpc" and "id" first, so the connector can find the id without
    // parsing a (possibly huge) result. Nothing else changes.
    const text = JSON.stringify(isResponse(m) ? { jsonrpc: m.jsonrpc, id: m.id, ...m } : m);
    const size = text.length;
    if (isResponse(m)) {
      const p = this.settle(m.id);
      if (p) {
        if (p.method === 'initialize' && m.result && typeof m.result.protocolVersion === 'string') {
          this.protocolVersion = m.result.protocolVersion;
          if (t instanceof StreamableHTTPClientTransport) t.setProtocolVersion(m.result.protocolVersion);
        }
        this.events.onResponse?.(p.method, m.id, performance.now() - p.started, size, m.error?.message);
      }
      this.events.onUpstreamOk?.();
    } else if (isNotification(m)) {
      this.events.onNotification?.(m.method, 'server-to-client', size);
    } else if (isRequest(m)) {
      this.events.onNotification?.(m.method, 'server-to-client', size);
    }
    this.events.toClient(m as JSONRPCMessage, text);
  }

  /**
   * SEP-2243, for the client behind the proxy: remembers each listed tool's `x-mcp-header`
   * declarations (mirrored into `Mcp-Param-*` headers on its calls) and leaves out tools whose
   * declarations are invalid, as an HTTP client must.
   */
  private screenTools(m: Json): Json {
    const tools = (m.result.tools as Json[]).filter((tool) => {
      if (!tool || typeof tool.name !== 'string') return true;
      const scan = scanParamHeaders(tool.inputSchema);
      if (scan.valid) {
        this.excludedTools.delete(tool.name);
        if (scan.declarations.length) this.toolHeaders.set(tool.name, scan.declarations);
        else this.toolHeaders.delete(tool.name);
        return true;
      }
      if (!this.excludedTools.has(tool.name)) this.events.log?.('warn', `Leaving out tool "${tool.name}": invalid x-mcp-header declaration (${scan.reason})`);
      this.excludedTools.set(tool.name, `its x-mcp-header declaration is invalid (${scan.reason})`);
      this.toolHeaders.delete(tool.name);
      return false;
    });
    return tools.length === m.result.tools.length ? m : { ...m, result: { ...m.result, tools } };
  }

  /** `Mcp-Param-*` headers for a modern-era `tools/call` of a tool with declarations. */
  private paramHeaders(message: JSONRPCMessage | JSONRPCMessage[]): Record<string, string> | undefined {
    const m = message as Json;
    if (Array.isArray(message) || m.method !== 'tools/call' || !isModernRequest(m)) return undefined;
    const declarations = this.toolHeaders.get(m.params?.name);
    if (!declarations) return undefined;
    const headers = buildParamHeaders(declarations, m.params?.arguments);
    return Object.keys(headers).length ? headers : undefined;
  }

  private onTransportError(err: Error, t: Transport): void {
    if (this.closed || (t !== this.transport && t !== this.probing)) return;
    const status = httpStatusOf(err);
    const msg = err?.message ?? String(err);
    // A GET stream refused with 404/405/406 just means "this server has no standalone stream".
    if (/SSE stream/i.test(msg) && (status === 404 || status === 405 || status === 406)) {
      this.events.log?.('debug', `Upstream offers no standalone event stream (${status})`);
      return;
    }
    if (/Error POSTing|Unexpected content type/.test(msg)) return; // reported through send()
    this.events.log?.('warn', `Upstream transport: ${redactUrlQueries(msg)}`);
    if (/Maximum reconnection attempts|Failed to reconnect/i.test(msg)) {
      this.failAllPending(`Lost the event stream from ${displayUrl(this.opts.url)} and could not resume it`);
    }
  }

  private onTransportClose(t: Transport): void {
    if (this.closed || t !== this.transport) return;
    // The old HTTP+SSE transport closes when its stream ends: pending answers will never come.
    this.transport = undefined;
    this.failAllPending(`Upstream ${displayUrl(this.opts.url)} closed the connection`);
  }

  private failAllPending(message: string): void {
    for (const id of [...this.pending.keys()]) {
      const p = this.settle(id);
      this.reply(id, ERR_UPSTREAM_GONE, `${message}. Retry the request.`, p);
    }
  }

  /** Replays the client's initialize on a fresh transport after the server lost the session. */
  private reinitialize(gen: number): Promise<void> {
    if (this.generation !== gen) return Promise.resolve(); // someone else already did it
    if (this.reinitializing) return this.reinitializing;
    this.reinitializing = (async () => {
      const old = this.transport;
      this.transport = undefined;
      this.protocolVersion = undefined;
      if (old) await old.close().catch(() => {});
      const target = this.target ?? { kind: 'streamable-http' as const, url: this.opts.url };
      const t = this.createTransport(target);
      await t.start();
      const id = `${REINIT_PREFIX}${++this.reinitCount}`;
      const answer = new Promise<Json>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('re-initialize timed out')), 30_000);
        this.internal.set(id, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
      this.transport = t;
      this.generation++;
      try {
        await t.send({ ...this.initRequest, id } as JSONRPCMessage);
        const res = await answer;
        if (res.error) throw new Error(`re-initialize refused: ${res.error.message}`);
        const version = res.result?.protocolVersion;
        if (typeof version === 'string') {
          this.protocolVersion = version;
          if (t instanceof StreamableHTTPClientTransport) t.setProtocolVersion(version);
        }
        await t.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
        this.events.log?.('info', 'Upstream session re-established');
      } finally {
        this.internal.delete(id);
      }
    })();
    return this.reinitializing.finally(() => {
      this.reinitializing = undefined;
    });
  }

  private fail(list: Json[], err: unknown): void {
    const failure = describeFailure(err, this.target?.url ?? this.opts.url);
    this.events.onUpstreamFailure?.(failure);
    let text = failure.message;
    let code = ERR_UPSTREAM_HTTP;
    if (failure.kind === 'auth') {
      code = ERR_NEEDS_SIGN_IN;
      text = `${failure.message}. Sign in to ${this.opts.serverName} in MCP Switchboard.`;
    } else {
      if (failure.kind === 'network') code = ERR_UPSTREAM_UNREACHABLE;
      const retry = this.opts.retryHint?.();
      const transient = failure.kind === 'network' || (failure.status !== undefined && (failure.status >= 500 || failure.status === 429));
      if (transient && retry !== undefined) text += `; retrying in ${Math.max(1, Math.round(retry))} s`;
      text += '.';
    }
    for (const m of list) {
      if (!isRequest(m)) {
        this.events.log?.('warn', `Could not deliver ${m.method ?? 'a response'} upstream: ${failure.message}`);
        continue;
      }
      const p = this.settle(m.id);
      if (!p) continue; // already answered (e.g. timed out while this was being sent)
      this.reply(m.id, code, text, p);
    }
  }

  private reply(id: Id, code: number, message: string, p?: Pending): void {
    const data = { source: 'mcp-switchboard' };
    const msg = { jsonrpc: '2.0' as const, id, error: { code, message, data } };
    const text = JSON.stringify(msg);
    if (p) this.events.onResponse?.(p.method, id, performance.now() - p.started, text.length, message);
    this.events.toClient(msg as JSONRPCMessage, text);
  }

  /** Ends the upstream session: DELETE when the server gave one, then close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    const t = this.transport;
    this.transport = undefined;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    if (!t) return;
    if (t instanceof StreamableHTTPClientTransport && t.sessionId) {
      await withTimeout(t.terminateSession(), 2000).catch(() => {});
    }
    await t.close().catch(() => {});
  }
}

/** The old HTTP+SSE transport takes one message per POST; batches go out one by one. */
async function sendOn(t: Transport, message: JSONRPCMessage | JSONRPCMessage[], headers?: Record<string, string>): Promise<void> {
  if (t instanceof StreamableHTTPClientTransport) return t.send(message, headers ? { headers } : undefined);
  for (const m of Array.isArray(message) ? message : [message]) await t.send(m);
}

const FIRST_SENT = Symbol('first-sent') as unknown as Transport;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}

function redactUrlQueries(text: string): string {
  return text.replace(/(https?:\/\/[^\s?#]+)\?[^\s#]*/g, '$1?…');
}
