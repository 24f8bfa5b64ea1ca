/**
 * The last stage of the message path: puts client messages on the wire, in the client's order,
 * and hands what the server sends to the stage before it. It owns the upstream session:
 * - the transport: opened on the first message (which doubles as the probe, see upstream-sdk.ts);
 *   messages of an established 2025-era Streamable HTTP session take the keep-alive fast path
 *   (fast-post.ts), everything else the SDK transport;
 * - the session: the negotiated protocol version, and a replay of the client's `initialize` when
 *   the server forgets the session (404/410) or the connection was lost after the handshake;
 * - one retry where the server asks for it (Retry-After ≤ 10 s) or grants more scope (403);
 * - failures as JSON-RPC errors a person can act on, for every request it sent and that is still
 *   unanswered (requests sent upstream are tracked here: `outstanding`).
 */
import { InsufficientScopeError, UnauthorizedError } from '@modelcontextprotocol/client';
import { HEADER_PROTOCOL_VERSION, HEADER_SESSION_ID } from '../../common/protocol-versions';
import { isModernRequest, isNotification, isRequest, isResponse, type JsonRpcId, type JsonRpcMessage } from '../shared/mcp-http';
import type { UpstreamTarget } from '../shared/fork-protocol';
import { fastPost } from './fast-post';
import { answer, messagesOf, type Stage, type StageLink, type ToServer } from './message-path/stage';
import { describeFailure, failureAnswer, httpStatusOf, redactUrlQueries, retryAfterOf, scopeChallenge } from './upstream-errors';
import { SdkTransports, sendOn, StreamableHTTPClientTransport, type Transport } from './upstream-sdk';
import { ERR_UPSTREAM_GONE, MAX_REQUEST_RETRY_AFTER_S, RETRYABLE_STATUSES, displayUrl } from './upstream-shared';
import type { UpstreamEvents, UpstreamOptions } from './upstream-types';

/** Set MCP_SWITCHBOARD_SDK_POST=1 to send every message through the SDK transport (benchmarks). */
const FAST_POST = process.env.MCP_SWITCHBOARD_SDK_POST !== '1';
const REINIT_PREFIX = 'switchboard-reinit-';
/** `ensureTransport`'s answer when the caller's message opened the transport (it is sent already). */
const FIRST_SENT = Symbol('first-sent') as unknown as Transport;

export class UpstreamTransport implements Stage {
  private transport?: Transport;
  /** A candidate transport being tried: its errors concern this session too. */
  private probing?: Transport;
  private target?: UpstreamTarget;
  private opening?: Promise<Transport>;
  private reinitializing?: Promise<void>;
  private initRequest?: JsonRpcMessage;
  private protocolVersion?: string;
  /** Requests sent upstream and not answered yet, with their method. */
  private readonly outstanding = new Map<JsonRpcId, string>();
  /**
   * 2026-07-28 requests in flight: over Streamable HTTP that revision cancels a request by closing
   * its stream, not with `notifications/cancelled` (a stateless server would not know the id).
   */
  private readonly streams = new Map<JsonRpcId, AbortController>();
  private readonly internal = new Map<string, (m: JsonRpcMessage) => void>();
  private reinitCount = 0;
  private order: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private readonly sdk: SdkTransports;
  private closed = false;
  private generation = 0;

  constructor(
    private readonly opts: UpstreamOptions,
    private readonly events: UpstreamEvents,
    private readonly link: StageLink,
  ) {
    this.sdk = new SdkTransports(opts, {
      onMessage: (m, t) => this.fromUpstream(m, t),
      onError: (err, t) => this.onTransportError(err, t),
      onClose: (t) => this.onTransportClose(t),
      log: (level, message) => this.events.log?.(level, message),
    });
  }

  /** The upstream in use, for sentences (no query string). */
  where(): string {
    return displayUrl(this.target?.url ?? this.opts.url);
  }

  fromClient(m: ToServer): Promise<void> {
    if (this.closed) return Promise.resolve();
    const list = messagesOf(m);
    for (const x of list) {
      if (isRequest(x)) {
        this.outstanding.set(x.id, x.method);
        if (x.method === 'initialize') this.initRequest = x;
        if (isModernRequest(x)) this.streams.set(x.id, new AbortController());
      } else if (isNotification(x) && x.method === 'notifications/cancelled') {
        const method = this.outstanding.get(x.params?.requestId);
        this.outstanding.delete(x.params?.requestId);
        const stream = this.streams.get(x.params?.requestId);
        if (stream && list.length === 1) {
          this.streams.delete(x.params?.requestId);
          stream.abort();
          return Promise.resolve();
        }
        // A request the proxy gave up on: the server hears of it only when it has it, on a live
        // session, and never of an initialize.
        if (m.synthetic && (!this.transport || method === undefined || method === 'initialize')) return Promise.resolve();
      }
    }
    // Keep the client's order: a notification or response is sent only after everything before
    // it went out (so `initialized` reaches the server before the first request), and nothing
    // overtakes a notification. Requests don't wait for their answers: many may be in flight.
    const prev = this.order;
    const run = prev.then(() => this.deliver(m, list, true));
    this.order = list.every(isRequest) ? prev.then(() => undefined) : run;
    return run;
  }

  private async deliver(m: ToServer, list: JsonRpcMessage[], mayRetry: boolean): Promise<void> {
    let transport: Transport;
    const isInit = list.some((x) => x.method === 'initialize');
    if (!this.transport && !this.opening && this.initRequest && this.target && !isInit) {
      // The connection was lost after the handshake (e.g. the HTTP+SSE stream ended): a new
      // upstream session needs the client's initialize first.
      try {
        await this.reinitialize(this.generation);
      } catch (err) {
        return this.fail(list, err);
      }
    }
    try {
      transport = await this.ensureTransport(m);
      if (transport === FIRST_SENT) return;
    } catch (err) {
      return this.fail(list, this.sdk.withRetryAfter(err));
    }
    const gen = this.generation;
    const signal = list.length === 1 && isRequest(list[0]) ? this.streams.get(list[0]!.id)?.signal : undefined;
    try {
      const fast = this.fastPostable(transport, list) ? await this.fastSend(transport, m, list) : 'fallback';
      if (fast === 'fallback') await sendOn(transport, m.message, m.headers, signal);
    } catch (caught) {
      if (this.closed || signal?.aborted) return;
      const err = this.sdk.withRetryAfter(caught);
      if (err instanceof InsufficientScopeError && mayRetry && this.opts.auth) {
        this.events.log?.('info', `The server asks for more permissions (${err.requiredScope ?? 'unspecified scope'})`);
        const token = await this.opts.auth.renew(403, scopeChallenge(err)).catch(() => undefined);
        if (token) return this.deliver({ ...m, text: undefined }, list, false);
        return this.fail(list, new UnauthorizedError(`${this.opts.serverName} needs more permissions: sign in again`));
      }
      const status = httpStatusOf(err);
      const retryAfterS = retryAfterOf(err);
      if (mayRetry && status !== undefined && RETRYABLE_STATUSES.has(status) && retryAfterS !== undefined && retryAfterS <= MAX_REQUEST_RETRY_AFTER_S) {
        // The server said when to come back, and it is soon: wait that long and send it once more.
        this.events.log?.('info', `Upstream answered ${status}; retrying in ${retryAfterS} s as it asked (Retry-After)`);
        await this.sleep(retryAfterS * 1000);
        if (this.closed) return;
        const waiting = list.filter(isRequest).filter((x) => this.outstanding.has(x.id));
        if (list.some(isRequest) && !waiting.length) return; // timed out or cancelled meanwhile
        return this.deliver(m, list, false);
      }
      const sessionBound = status === 404 || status === 410;
      if (mayRetry && sessionBound && this.initRequest && !isInit) {
        this.events.log?.('info', `Upstream session expired (${status}); re-initializing and retrying once`);
        try {
          await this.reinitialize(gen);
        } catch (reErr) {
          return this.fail(list, reErr);
        }
        return this.deliver({ ...m, text: undefined }, list, false);
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
  private async ensureTransport(first: ToServer): Promise<Transport> {
    if (this.transport) return this.transport;
    // Messages that arrive while the transport is being chosen wait for it.
    if (this.opening) return this.opening;
    this.opening = this.sdk.open(
      first.message,
      first.headers,
      (t) => (this.probing = t),
      (t, target, index) => {
        this.target = target;
        this.transport = t;
        this.generation++;
        this.events.onTransport?.(target);
        if (index > 0) this.events.log?.('info', `Using ${target.kind === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP'} at ${displayUrl(target.url)}`);
      },
    );
    try {
      await this.opening;
      return FIRST_SENT; // the caller's message was the probe and is already sent
    } finally {
      this.opening = undefined;
    }
  }

  /**
   * Messages of an established 2025-era Streamable HTTP session take the fast path (fast-post.ts);
   * the handshake, 2026-07-28 requests and the old HTTP+SSE transport stay with the SDK.
   */
  private fastPostable(t: Transport, list: JsonRpcMessage[]): t is StreamableHTTPClientTransport {
    return (
      FAST_POST &&
      !this.opts.fetch &&
      t instanceof StreamableHTTPClientTransport &&
      this.protocolVersion !== undefined &&
      !list.some((x) => x.method === 'initialize' || x.method === 'notifications/initialized' || isModernRequest(x))
    );
  }

  private fastSend(t: StreamableHTTPClientTransport, m: ToServer, list: JsonRpcMessage[]) {
    const headers: Record<string, string> = { ...this.opts.headers, [HEADER_PROTOCOL_VERSION]: this.protocolVersion! };
    if (t.sessionId) headers[HEADER_SESSION_ID] = t.sessionId;
    const token = this.opts.auth?.token();
    if (token) headers.authorization = `Bearer ${token}`;
    const ids = list.filter(isRequest).map((x) => x.id as JsonRpcId);
    return fastPost({
      url: new URL(this.target?.url ?? this.opts.url),
      body: m.text ?? JSON.stringify(m.message),
      headers,
      signal: this.abort.signal,
      onMessage: (x) => this.fromUpstream(x, t),
      onResume: (lastEventId, retryMs) => {
        const timer = setTimeout(() => {
          if (!this.closed && this.transport === t) t.resumeStream(lastEventId).catch((err: Error) => this.onTransportError(err, t));
        }, retryMs ?? 1000);
        timer.unref();
      },
      onLost: (reason) => {
        for (const id of ids)
          if (this.outstanding.delete(id)) this.reply(id, ERR_UPSTREAM_GONE, `Upstream ${displayUrl(this.opts.url)}: ${reason}. Retry the request.`);
      },
    });
  }

  private fromUpstream(m: JsonRpcMessage, t: Transport): void {
    if (this.closed) return;
    if (isResponse(m)) {
      if (typeof m.id === 'string' && m.id.startsWith(REINIT_PREFIX)) return this.internal.get(m.id)?.(m);
      const method = this.outstanding.get(m.id);
      this.streams.delete(m.id);
      if (method !== undefined) {
        this.outstanding.delete(m.id);
        if (method === 'initialize' && typeof m.result?.protocolVersion === 'string') this.useVersion(m.result.protocolVersion, t);
        this.events.onUpstreamOk?.();
      }
    }
    this.link.toClient({ message: m });
  }

  private useVersion(version: string, t: Transport): void {
    this.protocolVersion = version;
    if (t instanceof StreamableHTTPClientTransport) t.setProtocolVersion(version);
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
      this.failAllOutstanding(`Lost the event stream from ${displayUrl(this.opts.url)} and could not resume it`);
    }
  }

  private onTransportClose(t: Transport): void {
    if (this.closed || t !== this.transport) return;
    // The old HTTP+SSE transport closes when its stream ends: pending answers will never come.
    this.transport = undefined;
    this.failAllOutstanding(`Upstream ${displayUrl(this.opts.url)} closed the connection`);
  }

  private failAllOutstanding(message: string): void {
    const ids = [...this.outstanding.keys()];
    this.outstanding.clear();
    this.streams.clear();
    for (const id of ids) this.reply(id, ERR_UPSTREAM_GONE, `${message}. Retry the request.`);
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
      const t = this.sdk.create(this.target ?? { kind: 'streamable-http', url: this.opts.url }, this.protocolVersion);
      await t.start();
      const id = `${REINIT_PREFIX}${++this.reinitCount}`;
      const reply = new Promise<JsonRpcMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('re-initialize timed out')), 30_000);
        this.internal.set(id, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
      this.transport = t;
      this.generation++;
      try {
        await sendOn(t, { ...this.initRequest, id });
        const res = await reply;
        if (res.error) throw new Error(`re-initialize refused: ${res.error.message}`);
        if (typeof res.result?.protocolVersion === 'string') this.useVersion(res.result.protocolVersion, t);
        await sendOn(t, { jsonrpc: '2.0', method: 'notifications/initialized' });
        this.events.log?.('info', 'Upstream session re-established');
      } finally {
        this.internal.delete(id);
      }
    })();
    return this.reinitializing.finally(() => {
      this.reinitializing = undefined;
    });
  }

  /** The messages could not be delivered: each request still unanswered gets the failure as its answer. */
  private fail(list: JsonRpcMessage[], err: unknown): void {
    const failure = describeFailure(err, this.target?.url ?? this.opts.url);
    this.events.onUpstreamFailure?.(failure);
    const { code, text } = failureAnswer(failure, this.opts.serverName, this.opts.retryHint);
    for (const m of list) {
      if (!isRequest(m)) {
        this.events.log?.('warn', `Could not deliver ${m.method ?? 'a response'} upstream: ${failure.message}`);
        continue;
      }
      // Only when still unanswered (it may have timed out while this was being sent).
      this.streams.delete(m.id);
      if (this.outstanding.delete(m.id)) this.reply(m.id, code, text);
    }
  }

  private reply(id: JsonRpcId, code: number, message: string): void {
    this.link.toClient(answer(id, code, message));
  }

  /** Ends the upstream session: DELETE when the server gave one, then close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const stream of this.streams.values()) stream.abort();
    this.streams.clear();
    const t = this.transport;
    this.transport = undefined;
    this.outstanding.clear();
    if (!t) return;
    if (t instanceof StreamableHTTPClientTransport && t.sessionId) {
      await withTimeout(t.terminateSession(), 2000).catch(() => {});
    }
    await t.close().catch(() => {});
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}
