/**
 * The era bridge for a 2025-era client (it opens a session with `initialize`) in front of a server
 * of the 2026-07-28 revision (no `initialize`, no sessions; every request carries the envelope).
 * Toward the client the proxy is a 2025 server; toward the server a 2026-07-28 client:
 * - `initialize` is answered from the server's `server/discover` (version, capabilities,
 *   instructions, serverInfo); `notifications/initialized` stays here;
 * - every request gets the envelope (protocol version, the client's info and capabilities, and the
 *   log level `logging/setLevel` chose, which the proxy answers itself, as it answers `ping`);
 * - list-changed notifications and `resources/subscribe` become one `subscriptions/listen` stream,
 *   reopened when it ends; its notifications reach the client without the subscription id;
 * - cancellation goes on as `notifications/cancelled`, which the transport turns into closing the
 *   request's stream (the 2026-07-28 cancellation over HTTP);
 * - an `input_required` result (SEP-2322) becomes the server→client requests the client knows
 *   (elicitation, sampling, roots); their answers go back with the retried request as
 *   `inputResponses`, with the server's `requestState`, for at most MAX_INPUT_ROUNDS rounds;
 * - `resultType` is dropped from final results.
 */
import { randomUUID } from 'node:crypto';
import {
  ERR_MISSING_CLIENT_CAPABILITY,
  LATEST_LEGACY_VERSION,
  LATEST_MODERN_VERSION,
  META_SERVER_INFO,
  RESULT_INPUT_REQUIRED,
  eraOf,
} from '../../../common/protocol-versions';
import { envelope, isNotification, isRequest, isResponse, resultResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import type { BridgeOptions } from './era-bridge';
import { INPUT_METHODS, failureFor, legacyAnswer, legacyInputParams, missingCapability, modernClientCapabilities, withoutSubscriptionId } from './era-shapes';
import { OwnRequests } from './own-requests';
import { messagesOf, replaceMessage, type Stage, type StageLink, type ToClient, type ToServer } from './stage';

/** Rounds of input one request may need before the proxy stops asking (the SDK's own shim allows 8). */
export const MAX_INPUT_ROUNDS = 8;
/** A retry that carries only requestState (the server sheds load) waits this long first, as the SDK does. */
const STATE_ONLY_PACING_MS = 250;
const LISTEN_RETRY_BASE_MS = 500;
const LISTEN_MAX_FAILURES = 6;
const ERR_INTERNAL = -32603;

interface Call {
  /** The id the client sent and waits on. */
  clientId: JsonRpcId;
  /** The request as the client sent it (retries are built from it). */
  request: JsonRpcMessage;
  /** The id it has upstream: the client's on the first round, one of ours on retries. */
  upstreamId: JsonRpcId;
  round: number;
  /** Questions put to the client for it, still unanswered. */
  asks: Set<JsonRpcId>;
}

export class LegacyClientBridge implements Stage {
  private readonly version = LATEST_MODERN_VERSION;
  private clientInfo: unknown;
  private clientCaps: Record<string, any> = {};
  private serverCaps: Record<string, any> = {};
  private logLevel?: string;
  private readonly subscriptions = new Set<string>();
  private listen?: { id: JsonRpcId };
  private listenFailures = 0;
  private listenTimer?: NodeJS.Timeout;
  private initialized = false;
  private readonly calls = new Map<JsonRpcId, Call>();
  private readonly byClientId = new Map<JsonRpcId, Call>();
  private readonly toServerOwn = new OwnRequests('switchboard-bridge-');
  private readonly toClientOwn = new OwnRequests('switchboard-ask-');
  private retries = 0;
  private closed = false;

  constructor(
    private readonly link: StageLink,
    private readonly opts: BridgeOptions,
  ) {}

  fromClient(m: ToServer): Promise<void> | void {
    const list = messagesOf(m);
    if (list.length === 1) return this.one(m, list[0]!);
    // A batch (2025-03-26 allowed them): each message on its own, in order.
    return list.reduce<Promise<void>>((p, msg) => p.then(() => this.one({ message: msg, size: m.size }, msg)), Promise.resolve());
  }

  private one(m: ToServer, msg: JsonRpcMessage): Promise<void> | void {
    if (isResponse(msg)) {
      // The client's answer to a question the proxy put to it (an input request).
      if (!this.toClientOwn.take(msg)) this.opts.log?.('debug', `Bridge: dropped a client answer to ${JSON.stringify(msg.id)}, which no server asked`);
      return;
    }
    if (isNotification(msg)) return this.notification(m, msg);
    if (!isRequest(msg)) return;
    switch (msg.method) {
      case 'initialize':
        return this.initialize(msg);
      case 'ping':
        return this.reply(msg.id, {});
      case 'logging/setLevel':
        // 2026-07-28 has no setLevel: the level goes with every request from now on.
        this.logLevel = typeof msg.params?.level === 'string' ? msg.params.level : undefined;
        this.opts.log?.('debug', `Bridge: logging/setLevel ${this.logLevel} answered here; requests now carry it`);
        return this.reply(msg.id, {});
      case 'resources/subscribe':
      case 'resources/unsubscribe': {
        const uri = msg.params?.uri;
        if (typeof uri === 'string') {
          if (msg.method === 'resources/subscribe') this.subscriptions.add(uri);
          else this.subscriptions.delete(uri);
        }
        this.reply(msg.id, {});
        if (this.initialized) this.openListen();
        return;
      }
    }
    const call: Call = { clientId: msg.id, request: msg, upstreamId: msg.id, round: 0, asks: new Set() };
    this.track(call);
    return this.link.toServer(replaceMessage(m, this.enveloped(msg, msg.id)));
  }

  private notification(m: ToServer, msg: JsonRpcMessage): Promise<void> | void {
    switch (msg.method) {
      case 'notifications/initialized':
        // No session upstream: nothing to tell the server. Change notifications start now.
        this.initialized = true;
        this.openListen();
        return;
      case 'notifications/cancelled': {
        const call = this.byClientId.get(msg.params?.requestId);
        if (!call) return; // answered here, or already over
        this.untrack(call);
        for (const ask of call.asks) this.cancelAsk(ask, 'The request was cancelled');
        const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { ...msg.params, requestId: call.upstreamId } };
        return this.link.toServer({ ...replaceMessage(m, cancel) });
      }
      default:
        // roots/list_changed and the rest have no meaning to a 2026-07-28 server.
        this.opts.log?.('debug', `Bridge: ${msg.method} has no 2026-07-28 counterpart; not sent`);
    }
  }

  fromServer(m: ToClient): void {
    const msg = m.message;
    if (isResponse(msg)) {
      if (this.toServerOwn.take(msg)) return;
      const call = this.calls.get(msg.id);
      if (!call) return this.link.toClient(m);
      if (msg.result?.resultType === RESULT_INPUT_REQUIRED) return void this.inputRequired(call, msg.result);
      this.untrack(call);
      return this.link.toClient({ message: legacyAnswer(msg, call.clientId) });
    }
    if (isNotification(msg)) {
      if (msg.method === 'notifications/subscriptions/acknowledged') {
        this.listenFailures = 0;
        this.opts.log?.('debug', 'Bridge: the server acknowledged the change subscription');
        return;
      }
      return this.link.toClient({ message: withoutSubscriptionId(msg) });
    }
    this.link.toClient(m);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.listenTimer);
    this.toServerOwn.close('The client disconnected');
    this.toClientOwn.close('The client disconnected');
  }

  // ---- initialize ---------------------------------------------------------------------------

  private async initialize(msg: JsonRpcMessage): Promise<void> {
    const p = msg.params ?? {};
    const asked = typeof p.protocolVersion === 'string' ? p.protocolVersion : undefined;
    this.clientInfo = p.clientInfo;
    this.clientCaps = modernClientCapabilities(p.capabilities);
    const answer = await this.askServer('server/discover', {}, this.opts.timeoutMs);
    if (this.closed) return;
    if (answer.error) {
      this.opts.log?.('warn', `Bridge: server/discover failed (${answer.error.message}); the client's initialize fails with it`);
      return this.link.toClient({ message: { ...answer, id: msg.id } });
    }
    const r = answer.result ?? {};
    this.serverCaps = r.capabilities && typeof r.capabilities === 'object' ? r.capabilities : {};
    const version = asked && eraOf(asked) === 'legacy' ? asked : LATEST_LEGACY_VERSION;
    const serverInfo = r._meta?.[META_SERVER_INFO] ?? { name: this.opts.serverName, version: '0' };
    const result: Record<string, unknown> = { protocolVersion: version, capabilities: { ...this.serverCaps }, serverInfo };
    if (typeof r.instructions === 'string') result.instructions = r.instructions;
    this.opts.onProtocol?.({ server: this.version, client: version, bridged: true });
    this.opts.log?.('info', `Bridging: the client speaks ${version} (initialize), the server ${this.version} (server/discover answered its initialize)`);
    this.reply(msg.id, result);
  }

  // ---- requests upstream --------------------------------------------------------------------

  /** The client's request as a 2026-07-28 request: the envelope on top of its own _meta (progress token …). */
  private enveloped(msg: JsonRpcMessage, id: JsonRpcId, extra?: Record<string, unknown>): JsonRpcMessage {
    const meta = envelope(msg.params?._meta, { version: this.version, clientInfo: this.clientInfo, capabilities: this.clientCaps, logLevel: this.logLevel });
    return { jsonrpc: '2.0', id, method: msg.method, params: { ...msg.params, ...extra, _meta: meta } };
  }

  private askServer(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<JsonRpcMessage> {
    const { id, answer } = this.toServerOwn.expect(timeoutMs, method);
    const request = this.enveloped({ method, params }, id);
    void this.link.toServer({ message: request, size: JSON.stringify(request).length });
    return answer;
  }

  private track(call: Call): void {
    this.calls.set(call.upstreamId, call);
    this.byClientId.set(call.clientId, call);
  }

  private untrack(call: Call): void {
    this.calls.delete(call.upstreamId);
    this.byClientId.delete(call.clientId);
  }

  private reply(id: JsonRpcId, result: Record<string, unknown>): void {
    this.link.toClient({ message: resultResponse(id, result) });
  }

  // ---- input required (SEP-2322) --------------------------------------------------------------

  private async inputRequired(call: Call, result: Record<string, any>): Promise<void> {
    this.calls.delete(call.upstreamId);
    const method = call.request.method as string;
    if (++call.round > MAX_INPUT_ROUNDS) {
      return this.fail(call, ERR_INTERNAL, `${method} still needed input after ${MAX_INPUT_ROUNDS} rounds; MCP Switchboard stopped asking`);
    }
    const requests = result.inputRequests && typeof result.inputRequests === 'object' ? Object.entries<any>(result.inputRequests) : [];
    for (const [key, r] of requests) {
      const missing = INPUT_METHODS.has(r?.method) ? missingCapability(this.clientCaps, r.method, r.params) : `an unknown kind of input (${String(r?.method)})`;
      if (missing) {
        this.opts.log?.('warn', `Bridge: ${method} needs ${r?.method} ("${key}"), which this client does not support (${missing})`);
        return this.fail(
          call,
          ERR_MISSING_CLIENT_CAPABILITY,
          `The server needs ${missing} from the client for this ${method}, and this client does not declare it`,
        );
      }
    }
    if (requests.length) {
      const kinds = requests.map(([, r]) => r.method as string).join(', ');
      this.opts.log?.('info', `Bridge: ${method} needs input (round ${call.round}): asking the client (${kinds})`);
    }
    const responses: Record<string, unknown> = {};
    const answers = await Promise.all(
      requests.map(async ([key, r]) => {
        const { id, answer } = this.toClientOwn.expect(0, r.method);
        call.asks.add(id);
        const params = legacyInputParams(r.method, r.params, randomUUID);
        this.link.toClient({ message: { jsonrpc: '2.0', id, method: r.method, ...(params ? { params } : {}) } });
        const res = await answer;
        call.asks.delete(id);
        if (!res.error) responses[key] = res.result;
        return res;
      }),
    );
    if (this.closed || this.byClientId.get(call.clientId) !== call) return; // cancelled meanwhile
    const refused = answers.find((a) => a.error);
    if (refused) return this.fail(call, refused.error.code ?? ERR_INTERNAL, `The client could not answer the server's question: ${refused.error.message}`);
    if (!requests.length) await new Promise((r) => setTimeout(r, STATE_ONLY_PACING_MS));
    if (this.closed || this.byClientId.get(call.clientId) !== call) return;
    call.upstreamId = `switchboard-retry-${++this.retries}`;
    this.track(call);
    const extra: Record<string, unknown> = {};
    if (requests.length) extra.inputResponses = responses;
    if (typeof result.requestState === 'string') extra.requestState = result.requestState;
    const retry = this.enveloped(call.request, call.upstreamId, extra);
    this.opts.log?.('debug', `Bridge: ${method} retried upstream with the client's answers (round ${call.round})`);
    void this.link.toServer({ message: retry, size: JSON.stringify(retry).length });
  }

  private fail(call: Call, code: number, message: string): void {
    this.untrack(call);
    this.link.toClient({ message: failureFor(call.request.method, call.clientId, code, message) });
  }

  private cancelAsk(id: JsonRpcId, reason: string): void {
    this.toClientOwn.giveUp(id, reason);
    this.link.toClient({ message: { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason } } });
  }

  // ---- change notifications: one subscriptions/listen stream ---------------------------------

  /** (Re)opens the listen stream for what the server offers and the client subscribed to. */
  private openListen(): void {
    if (this.closed) return;
    clearTimeout(this.listenTimer);
    const caps = this.serverCaps;
    const filter: Record<string, unknown> = {};
    if (caps.tools?.listChanged) filter.toolsListChanged = true;
    if (caps.prompts?.listChanged) filter.promptsListChanged = true;
    if (caps.resources?.listChanged) filter.resourcesListChanged = true;
    if (caps.resources?.subscribe && this.subscriptions.size) filter.resourceSubscriptions = [...this.subscriptions];
    this.closeListen();
    if (!Object.keys(filter).length) return;
    const { id, answer } = this.toServerOwn.expect(0, 'subscriptions/listen');
    this.listen = { id };
    const request = this.enveloped({ method: 'subscriptions/listen', params: { notifications: filter } }, id);
    this.opts.log?.('debug', `Bridge: change notifications through subscriptions/listen (${Object.keys(filter).join(', ')})`);
    void this.link.toServer({ message: request, size: JSON.stringify(request).length });
    void answer.then((res) => {
      if (this.closed || this.listen?.id !== id) return;
      this.listen = undefined;
      if (++this.listenFailures > LISTEN_MAX_FAILURES) {
        this.opts.log?.(
          'warn',
          `Bridge: the change subscription keeps ending (${res.error?.message ?? 'closed'}); no more list-changed notifications on this connection`,
        );
        return;
      }
      const delay = Math.min(30_000, LISTEN_RETRY_BASE_MS * 2 ** (this.listenFailures - 1));
      this.listenTimer = setTimeout(() => this.openListen(), delay);
      this.listenTimer.unref();
    });
  }

  private closeListen(): void {
    const current = this.listen;
    if (!current) return;
    this.listen = undefined;
    this.toServerOwn.giveUp(current.id, 'replaced');
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: current.id } };
    void this.link.toServer({ message: cancel, size: JSON.stringify(cancel).length, synthetic: true });
  }
}
