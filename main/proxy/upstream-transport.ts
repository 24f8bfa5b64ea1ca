/**
 * The last stage of the message path: puts client messages on the wire, in the client's order,
 * and hands what the server sends to the stage before it. It owns the upstream session:
 * - the transport: opened on the first message (which doubles as the probe). A 2025-era
 *   `initialize` opens a Streamable HTTP session on the keep-alive fast path (fast-post.ts,
 *   fast-session.ts) without loading the SDK; what that path cannot handle (401, 403, 405 on
 *   the first try, 400 or 404: another transport) goes to the SDK transports (upstream-sdk.ts).
 *   Messages of an established 2025-era session take the fast path, everything else the SDK;
 * - the session: the negotiated protocol version, and a replay of the client's `initialize` when
 *   the server forgot the session or the connection was lost after the handshake (once for
 *   everyone; messages that arrive meanwhile wait for it);
 * - failures as JSON-RPC errors a person can act on, for every request it sent and that is still
 *   unanswered (`outstanding`), each carrying what happened to it (message-path/delivery.ts) so
 *   the recovery stage before it can retry or resume it. It retries nothing itself, except a
 *   token renewal the server asks for (403 insufficient_scope) and a dead kept-alive connection
 *   (fast-post.ts).
 * - the end: `notifications/cancelled` for what is still in flight, then DELETE of the session.
 */
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { HEADER_PROTOCOL_VERSION, HEADER_SESSION_ID } from '../../common/protocol-versions';
import { headerOf, isModernRequest, isNotification, isRequest, isResponse, type JsonRpcId, type JsonRpcMessage } from '../shared/mcp-http';
import type { UpstreamTarget } from '../shared/fork-protocol';
import { FastPostHttpError, FastPostNetworkError, fastPost, fastResume, type FastPostRequest } from './fast-post';
import { FastSession } from './fast-session';
import { DeliveryFailureError, type DeliveryFailure, type RecoveryControl, type ResumePoint } from './message-path/delivery';
import { answer, messagesOf, type Stage, type StageLink, type ToServer } from './message-path/stage';
import { deliveryFailure, failureAnswer, httpStatusOf, redactUrlQueries, scopeChallenge, type AttemptFacts } from './upstream-errors';
import { isInsufficientScope, unauthorized } from './sdk-module';
import { isStreamable, SdkTransports, sendOn, type Transport } from './upstream-sdk';
import { ERR_UPSTREAM_GONE, displayUrl } from './upstream-shared';
import type { UpstreamEvents, UpstreamOptions } from './upstream-types';

/** Set MCP_SWITCHBOARD_SDK_POST=1 to send every message through the SDK transport (benchmarks, tests of the SDK path). */
const FAST_POST = process.env.MCP_SWITCHBOARD_SDK_POST !== '1';
const REINIT_PREFIX = 'switchboard-reinit-';
/** `ensureTransport`'s answer when the caller's message opened the transport (it is sent already). */
const FIRST_SENT = Symbol('first-sent') as unknown as Transport;
/** How long the goodbye waits: cancellations first, then the DELETE. */
const CANCEL_WAIT_MS = 500;
const DELETE_WAIT_MS = 2000;

interface Outstanding {
  method: string;
  /** The SDK transport it went out on (an old one is closed only once its answers are in). */
  via?: Transport;
}

export class UpstreamTransport implements Stage, RecoveryControl {
  private transport?: Transport;
  /** A candidate transport being tried: its errors concern this session too. */
  private probing?: Transport;
  private target?: UpstreamTarget;
  private opening?: Promise<Transport>;
  private reinitializing?: Promise<void>;
  private initRequest?: JsonRpcMessage;
  private protocolVersion?: string;
  /** Requests sent upstream and not answered yet. */
  private readonly outstanding = new Map<JsonRpcId, Outstanding>();
  /** SDK transports of sessions the server lost, still carrying answers sent on them. */
  private readonly retired = new Set<Transport>();
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
  /** Counts sessions: a failure names the one its request went out on. */
  private generation = 0;
  /** The upstream's URL objects, for the fast path (one per URL: fast-post.ts caches its request options). */
  private readonly fastUrls = new Map<string, URL>();

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
        this.outstanding.set(x.id, { method: x.method });
        if (x.method === 'initialize') this.initRequest = x;
        if (isModernRequest(x)) this.streams.set(x.id, new AbortController());
      } else if (isNotification(x) && x.method === 'notifications/cancelled') {
        const method = this.outstanding.get(x.params?.requestId)?.method;
        const stream = this.streams.get(x.params?.requestId);
        this.settle(x.params?.requestId);
        if (stream && list.length === 1) {
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

  private async deliver(m: ToServer, list: JsonRpcMessage[], mayRenewToken: boolean): Promise<void> {
    const isInit = list.some((x) => x.method === 'initialize');
    if (!isInit) {
      // A new session is being made (the server lost the old one): wait for it. The connection
      // was lost after the handshake (e.g. the HTTP+SSE stream ended): make one first.
      const lost = !this.transport && !this.opening && this.initRequest && this.target;
      try {
        if (this.reinitializing || lost) await this.renew();
      } catch (err) {
        return this.fail(list, err);
      }
    }
    let transport: Transport;
    try {
      transport = await this.ensureTransport(m);
      if (transport === FIRST_SENT) return;
    } catch (err) {
      return this.fail(list, this.sdk.withRetryAfter(err), err instanceof FastPostNetworkError ? { written: err.written } : undefined);
    }
    const facts: AttemptFacts = {};
    if (isStreamable(transport) && transport.sessionId && !isInit) facts.sessionGeneration = this.generation;
    const signal = list.length === 1 && isRequest(list[0]) ? this.streams.get(list[0]!.id)?.signal : undefined;
    try {
      const fast = this.fastPostable(transport, list) ? await this.fastSend(transport, m, list) : 'fallback';
      if (fast === 'done' && transport instanceof FastSession && list.some((x) => x.method === 'notifications/initialized')) transport.listen();
      if (fast === 'fallback') {
        for (const x of list) if (isRequest(x)) this.outstanding.get(x.id)!.via = transport;
        await sendOn(transport, m.message, m.headers, () => this.streamEnded(list, transport), signal);
      }
    } catch (caught) {
      if (this.closed || signal?.aborted) return;
      const err = this.sdk.withRetryAfter(caught);
      if (isInsufficientScope(err) && mayRenewToken && this.opts.auth) {
        this.events.log?.('info', `The server asks for more permissions (${err.requiredScope ?? 'unspecified scope'})`);
        const token = await this.opts.auth.renew(403, scopeChallenge(err)).catch(() => undefined);
        if (token) return this.deliver({ ...m, text: undefined }, list, false);
        return this.fail(list, unauthorized(`${this.opts.serverName} needs more permissions: sign in again`));
      }
      if (caught instanceof FastPostNetworkError) facts.written = caught.written;
      this.fail(list, err, facts);
    }
  }

  /** Opens the transport on first use; the first message doubles as the transport probe. */
  private async ensureTransport(first: ToServer): Promise<Transport> {
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

  /** The fast open when it applies, else (or when the server wants what only the SDK does) the SDK transports in order. */
  private async open(first: ToServer): Promise<Transport> {
    const candidates = this.sdk.candidates();
    const target = candidates[0]!;
    let tried: { target: UpstreamTarget; err: unknown } | undefined;
    if (this.fastOpenable(target, first.message)) {
      const session = this.newFastSession(target);
      this.probing = session;
      try {
        const ids = messagesOf(first)
          .filter(isRequest)
          .map((x) => x.id as JsonRpcId);
        const r = await this.fastInitialize(session, first.text ?? JSON.stringify(first.message), ids, first.headers);
        if (r === 'done') {
          this.opened(session, target, 0);
          return session;
        }
        // 401/403: sent again by the SDK transport, with its sign-in handling; 405: the next transport.
        if (r === 405) tried = { target, err: new FastPostHttpError(405, 'Method Not Allowed') };
      } catch (err) {
        const status = err instanceof FastPostHttpError ? err.status : undefined;
        if (status !== 400 && status !== 404) throw err;
        tried = { target, err };
      } finally {
        this.probing = undefined;
      }
      void session.close();
      if (tried && candidates.length > 1) {
        this.events.log?.('debug', `${target.kind} at ${displayUrl(target.url)} answered ${httpStatusOf(tried.err)}; trying the next transport`);
      }
    }
    return this.sdk.open(
      first.message,
      first.headers,
      (t) => (this.probing = t),
      (t, c, index) => this.opened(t, c, index),
      tried,
    );
  }

  private opened(t: Transport, target: UpstreamTarget, index: number): void {
    this.target = target;
    this.transport = t;
    this.generation++;
    this.events.onTransport?.(target);
    if (index > 0) this.events.log?.('info', `Using ${target.kind === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP'} at ${displayUrl(target.url)}`);
  }

  /** A 2025-era `initialize` to a Streamable HTTP candidate, with the fast path on: no SDK needed. */
  private fastOpenable(target: UpstreamTarget, first: JsonRpcMessage | JsonRpcMessage[]): boolean {
    return (
      FAST_POST &&
      !this.opts.fetch &&
      target.kind === 'streamable-http' &&
      !Array.isArray(first) &&
      isRequest(first) &&
      first.method === 'initialize' &&
      !isModernRequest(first)
    );
  }

  private newFastSession(target: UpstreamTarget): FastSession {
    return new FastSession(target, {
      url: () => this.urlOf(target.url),
      network: this.opts.network,
      headers: (sessionId, version) => this.fastHeaders(sessionId, version),
      onMessage: (m, t) => this.fromUpstream(m, t),
      log: (level, message) => this.events.log?.(level, message),
      delegate: (s) => this.sdk.create(s.target, s) as StreamableHTTPClientTransport,
      renew: this.opts.auth ? () => this.opts.auth!.renew(401, undefined) : undefined,
    });
  }

  /**
   * POSTs an `initialize` on the fast path; the answer's session id becomes the session's. 'done',
   * or why the server did not process it: 'fallback' (401/403) or 405.
   */
  private async fastInitialize(s: FastSession, body: string, ids: JsonRpcId[], headers?: Record<string, string>): Promise<'done' | 'fallback' | 405> {
    let status = 0;
    const r = await fastPost({
      ...this.readers(s, ids, undefined, ''),
      url: this.urlOf(s.target.url),
      body,
      headers: { ...this.fastHeaders(undefined, undefined), ...headers },
      onHeaders: (code, h) => {
        status = code;
        if (code >= 200 && code < 300) s.sessionId = headerOf(h, HEADER_SESSION_ID);
      },
    });
    return r === 'fallback' && status === 405 ? 405 : r;
  }

  /** `notifications/initialized` on a fast session, then its event stream. */
  private async fastInitialized(s: FastSession): Promise<void> {
    const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
    const r = await fastPost({
      ...this.readers(s, [], s.sessionId, s.protocolVersion ?? ''),
      url: this.urlOf(s.target.url),
      body: JSON.stringify(initialized),
      headers: this.fastHeaders(s.sessionId, s.protocolVersion),
    });
    if (r === 'fallback') await sendOn(s, initialized);
    else s.listen();
  }

  /**
   * Messages of an established 2025-era Streamable HTTP session take the fast path (fast-post.ts);
   * the handshake, 2026-07-28 requests and the old HTTP+SSE transport stay with the SDK.
   */
  private fastPostable(t: Transport, list: JsonRpcMessage[]): t is Extract<Transport, { sessionId?: string }> {
    return (
      FAST_POST &&
      !this.opts.fetch &&
      isStreamable(t) &&
      this.protocolVersion !== undefined &&
      // A fast session sends `initialized` itself and then opens its event stream; the SDK's opens it on `initialized`.
      !list.some((x) => x.method === 'initialize' || (x.method === 'notifications/initialized' && !(t instanceof FastSession)) || isModernRequest(x))
    );
  }

  /** The fast path's headers for the session `t` (or the one a resume names; no version before the handshake). */
  private fastHeaders(sessionId: string | undefined, protocolVersion: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { ...this.opts.headers };
    if (protocolVersion) headers[HEADER_PROTOCOL_VERSION] = protocolVersion;
    if (sessionId) headers[HEADER_SESSION_ID] = sessionId;
    const token = this.opts.auth?.token();
    if (token) headers.authorization = `Bearer ${token}`;
    return headers;
  }

  /** The fast path's reader hooks for the answers to `ids` on session `sessionId`. */
  private readers(
    t: Transport | undefined,
    ids: JsonRpcId[],
    sessionId: string | undefined,
    protocolVersion: string,
  ): Omit<FastPostRequest, 'body' | 'headers'> {
    return {
      url: this.upstreamUrl(),
      network: this.opts.network,
      signal: this.abort.signal,
      onMessage: (x) => this.fromUpstream(x, t),
      onResume: (lastEventId, retryMs) =>
        this.failIds(ids, ERR_UPSTREAM_GONE, this.cut('the event stream was cut before the answer', { lastEventId, retryMs, sessionId, protocolVersion })),
      onLost: (reason) => this.failIds(ids, ERR_UPSTREAM_GONE, this.cut(reason)),
    };
  }

  private upstreamUrl(): URL {
    return this.urlOf(this.target?.url ?? this.opts.url);
  }

  private urlOf(href: string): URL {
    let url = this.fastUrls.get(href);
    if (!url) this.fastUrls.set(href, (url = new URL(href)));
    return url;
  }

  private fastSend(t: Extract<Transport, { sessionId?: string }>, m: ToServer, list: JsonRpcMessage[]) {
    const ids = list.filter(isRequest).map((x) => x.id as JsonRpcId);
    const version = this.protocolVersion!;
    return fastPost({
      ...this.readers(t, ids, t.sessionId, version),
      body: m.text ?? JSON.stringify(m.message),
      headers: this.fastHeaders(t.sessionId, version),
    });
  }

  /** An answer stream that ended without the answer: sent, outcome unknown (resumable when `from` is given). */
  private cut(what: string, from?: ResumePoint): DeliveryFailure {
    return { delivery: 'maybe-processed', failure: { kind: 'protocol', message: `Upstream ${this.where()}: ${what}` }, what, resumeFrom: from };
  }

  /** RecoveryControl: picks up a cut answer stream where it broke, on the session it belonged to. */
  resume(request: JsonRpcMessage, from: ResumePoint): void {
    if (this.closed) return;
    this.outstanding.set(request.id, { method: request.method });
    const version = from.protocolVersion ?? this.protocolVersion ?? '';
    const hooks = this.readers(undefined, [request.id], from.sessionId, version);
    fastResume({ ...hooks, headers: this.fastHeaders(from.sessionId, version), lastEventId: from.lastEventId }).then(
      (r) => {
        if (r === 'fallback') this.failIds([request.id], ERR_UPSTREAM_GONE, this.cut('the server refused to resume the event stream'));
      },
      (err) => {
        if (this.closed) return;
        const f = deliveryFailure(err, this.target?.url ?? this.opts.url);
        // Not reached this time: the stream may still be there to resume. Anything else: it is gone.
        const again = f.delivery === 'not-sent' || f.delivery === 'not-processed';
        this.failIds([request.id], ERR_UPSTREAM_GONE, {
          ...this.cut(`${f.what} when asked to resume the event stream`, again ? from : undefined),
          failure: f.failure,
        });
      },
    );
  }

  /** An SDK-sent request's answer stream ended: its requests still unanswered will get no answer. */
  private streamEnded(list: JsonRpcMessage[], t: Transport): void {
    const ids = list.filter((x) => isRequest(x) && this.outstanding.get(x.id)?.via === t).map((x) => x.id as JsonRpcId);
    if (ids.length) this.failIds(ids, ERR_UPSTREAM_GONE, this.cut('the event stream ended before the answer'));
  }

  private fromUpstream(m: JsonRpcMessage, t: Transport | undefined): void {
    if (this.closed) return;
    if (isResponse(m)) {
      if (typeof m.id === 'string' && m.id.startsWith(REINIT_PREFIX)) return this.internal.get(m.id)?.(m);
      const method = this.settle(m.id);
      if (method !== undefined) {
        if (method === 'initialize' && t && typeof m.result?.protocolVersion === 'string') this.useVersion(m.result.protocolVersion, t);
        this.events.onUpstreamOk?.();
      }
    }
    this.link.toClient({ message: m });
  }

  /** Forgets an outstanding request; closes a retired transport once nothing waits on it. */
  private settle(id: JsonRpcId | undefined): string | undefined {
    if (id === undefined) return undefined;
    this.streams.delete(id);
    const o = this.outstanding.get(id);
    if (!o) return undefined;
    this.outstanding.delete(id);
    if (o.via && this.retired.has(o.via) && ![...this.outstanding.values()].some((x) => x.via === o.via)) {
      this.retired.delete(o.via);
      void o.via.close().catch(() => {});
    }
    return o.method;
  }

  private useVersion(version: string, t: Transport): void {
    this.protocolVersion = version;
    if (isStreamable(t)) t.setProtocolVersion(version);
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
  }

  private onTransportClose(t: Transport): void {
    if (this.closed || t !== this.transport) return;
    // The old HTTP+SSE transport closes when its stream ends: pending answers will never come.
    this.transport = undefined;
    const ids = [...this.outstanding.keys()];
    this.failIds(ids, ERR_UPSTREAM_GONE, this.cut(`the server closed the connection`));
  }

  /** RecoveryControl: a new session after the one of `generation` was lost (once for everyone). */
  renewSession(generation: number): Promise<void> {
    if (this.closed || (this.generation !== generation && this.transport && !this.reinitializing)) return Promise.resolve();
    return this.renew();
  }

  private renew(): Promise<void> {
    this.reinitializing ??= this.reinitialize().finally(() => {
      this.reinitializing = undefined;
    });
    return this.reinitializing;
  }

  /** Replays the client's initialize on a fresh transport; the new session is in use only once it answered. */
  private async reinitialize(): Promise<void> {
    const old = this.transport;
    this.transport = undefined;
    this.protocolVersion = undefined;
    if (old) this.retire(old);
    this.events.log?.('info', 'Re-initializing the upstream session (replaying the client’s initialize)');
    const target = this.target ?? { kind: 'streamable-http', url: this.opts.url };
    const id = `${REINIT_PREFIX}${++this.reinitCount}`;
    const init = { ...this.initRequest, id } as JsonRpcMessage;
    let t: Transport | undefined;
    try {
      const reply = new Promise<JsonRpcMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('re-initialize timed out')), 30_000);
        timer.unref();
        this.internal.set(id, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
      if (this.fastOpenable(target, init)) {
        const s = this.newFastSession(target);
        if ((await this.fastInitialize(s, JSON.stringify(init), [])) === 'done') t = s;
        else void s.close();
      }
      if (!t) {
        const sdkTransport = this.sdk.create(target);
        t = sdkTransport;
        await sdkTransport.start();
        await sendOn(sdkTransport, init);
      }
      const res = await reply;
      if (res.error) throw new Error(`re-initialize refused: ${res.error.message}`);
      if (typeof res.result?.protocolVersion === 'string') this.useVersion(res.result.protocolVersion, t);
      if (t instanceof FastSession) await this.fastInitialized(t);
      else await sendOn(t, { jsonrpc: '2.0', method: 'notifications/initialized' });
      if (this.closed) throw new Error('closed');
      this.transport = t;
      this.generation++;
      this.events.log?.('info', 'Upstream session re-established');
    } catch (err) {
      await t?.close().catch(() => {});
      throw new DeliveryFailureError(deliveryFailure(this.sdk.withRetryAfter(err), this.target?.url ?? this.opts.url, { written: false }));
    } finally {
      this.internal.delete(id);
    }
  }

  /** Closes an SDK transport now, or once the answers still streaming on it are in. */
  private retire(t: Transport): void {
    if ([...this.outstanding.values()].some((o) => o.via === t)) this.retired.add(t);
    else void t.close().catch(() => {});
  }

  /** The messages could not be delivered: each request still unanswered gets the failure as its answer. */
  private fail(list: JsonRpcMessage[], err: unknown, facts?: AttemptFacts): void {
    const f = err instanceof DeliveryFailureError ? err.failure : deliveryFailure(err, this.target?.url ?? this.opts.url, facts);
    // A session the server forgot is this connection's business, not the server's health.
    if (f.lostSession === undefined) this.events.onUpstreamFailure?.(f.failure);
    for (const m of list) {
      if (!isRequest(m)) this.events.log?.('warn', `Could not deliver ${m.method ?? 'a response'} upstream: ${f.failure.message}`);
    }
    const { code } = failureAnswer(f.failure, this.opts.serverName);
    this.failIds(
      list.filter(isRequest).map((x) => x.id as JsonRpcId),
      code,
      f,
    );
  }

  /** Answers each request of `ids` still unanswered with the failure (it may have timed out or been cancelled meanwhile). */
  private failIds(ids: JsonRpcId[], code: number, f: DeliveryFailure): void {
    const text = f.failure.kind === 'auth' ? failureAnswer(f.failure, this.opts.serverName).text : `${f.failure.message}.`;
    for (const id of ids) {
      if (this.settle(id) === undefined) continue;
      this.link.toClient({ ...answer(id, code, text), failure: f });
    }
  }

  /** Ends the upstream session: the server hears which requests nobody waits for any more, then DELETE. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const stream of this.streams.values()) stream.abort();
    this.streams.clear();
    const t = this.transport;
    this.transport = undefined;
    const unanswered = [...this.outstanding].filter(([id, o]) => o.method !== 'initialize' && !(typeof id === 'string' && id.startsWith(REINIT_PREFIX)));
    this.outstanding.clear();
    for (const r of this.retired) void r.close().catch(() => {});
    this.retired.clear();
    if (!t) return;
    if (isStreamable(t) && t.sessionId) {
      if (unanswered.length) {
        this.events.log?.('debug', `Client left: cancelling ${unanswered.length} request${unanswered.length === 1 ? '' : 's'} upstream`);
        await withTimeout(Promise.all(unanswered.map(([id]) => this.sendCancel(t, id))), CANCEL_WAIT_MS);
      }
      await withTimeout(t.terminateSession(), DELETE_WAIT_MS).catch(() => {});
    }
    await t.close().catch(() => {});
  }

  /** One `notifications/cancelled` on the way out (the fast path when it can, else the SDK). */
  private async sendCancel(t: Extract<Transport, { sessionId?: string }>, id: JsonRpcId): Promise<void> {
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'The client disconnected' } };
    try {
      if (!this.fastPostable(t, [cancel])) return await sendOn(t, cancel);
      await fastPost({
        url: this.upstreamUrl(),
        network: this.opts.network,
        body: JSON.stringify(cancel),
        headers: this.fastHeaders(t.sessionId, this.protocolVersion!),
        signal: AbortSignal.timeout(CANCEL_WAIT_MS),
        onMessage: () => {},
        onResume: () => {},
        onLost: () => {},
      });
    } catch {
      // best effort: the DELETE that follows ends everything anyway
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}
