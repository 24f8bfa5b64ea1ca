/**
 * The era bridge for a client of the 2026-07-28 revision (no `initialize`; every request carries
 * the envelope) in front of a 2025-era server (a session opened with `initialize`, over Streamable
 * HTTP or the old HTTP+SSE transport). Toward the client the proxy is a 2026-07-28 server; toward
 * the server a 2025 client that holds one upstream session for this connection:
 * - the session opens with the first request, with the client's info and capabilities from its
 *   envelope; `server/discover` is answered from the `initialize` result;
 * - requests lose the envelope (the log level it names becomes `logging/setLevel` when it changes;
 *   log messages reach the client only once it asked for a level), results gain `resultType` and,
 *   for lists and reads, cache hints saying "do not cache";
 * - `subscriptions/listen` is answered here: acknowledged with what the server offers, resources
 *   subscribed upstream, and the server's list-changed and updated notifications tagged with the
 *   listen request's id;
 * - a server→client request (elicitation, sampling, roots) while a client request waits becomes an
 *   `input_required` answer to that request; the client's retry, recognised by the proxy's
 *   `requestState`, carries the answers back upstream and waits for the original request's answer.
 *   The server's `ping` is answered here.
 */
import { randomBytes } from 'node:crypto';
import {
  ERR_MISSING_CLIENT_CAPABILITY,
  ERR_UNSUPPORTED_PROTOCOL_VERSION,
  LATEST_LEGACY_VERSION,
  LATEST_MODERN_VERSION,
  META_SERVER_INFO,
  RESULT_COMPLETE,
  RESULT_INPUT_REQUIRED,
  isModernVersion,
} from '../../../common/protocol-versions';
import {
  ERR_INVALID_PARAMS,
  envelopeOf,
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  resultResponse,
  withoutEnvelope,
  type JsonRpcId,
  type JsonRpcMessage,
} from '../../shared/mcp-http';
import type { BridgeOptions } from './era-bridge';
import {
  INPUT_METHODS,
  legacyClientCapabilities,
  missingCapability,
  modernAnswer,
  modernInputParams,
  modernServerCapabilities,
  withSubscriptionId,
} from './era-shapes';
import { OwnRequests } from './own-requests';
import { messagesOf, replaceMessage, type Stage, type StageLink, type ToClient, type ToServer } from './stage';

/** The revisions of the stateless era this bridge speaks to clients. */
const SERVED_VERSIONS = [LATEST_MODERN_VERSION];
const ERR_INTERNAL = -32603;

interface Ask {
  key: string;
  serverId: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

interface Call {
  /** The id upstream: the client's first id for it. */
  upstreamId: JsonRpcId;
  method: string;
  /** The client request now waiting for it; undefined between an input_required answer and the client's retry. */
  clientId?: JsonRpcId;
  /** Server→client requests not yet put to the client. */
  asks: Ask[];
  /** Put to the client: input key → the server's request id. */
  sent: Map<string, JsonRpcId>;
  /** The final answer, when it came while the client had not retried yet. */
  held?: JsonRpcMessage;
  state?: string;
  flushing?: boolean;
}

type Filter = { toolsListChanged?: boolean; promptsListChanged?: boolean; resourcesListChanged?: boolean; resourceSubscriptions?: string[] };

export class ModernClientBridge implements Stage {
  private session?: Promise<void>;
  private init: Record<string, any> = {};
  private clientInfo: unknown;
  private clientCaps: Record<string, any> = {};
  private clientVersion = LATEST_MODERN_VERSION;
  /** The level the client asked for in its envelope (none: it wants no log messages). */
  private logLevel?: string;
  private upstreamLevel?: string;
  private readonly own = new OwnRequests('switchboard-bridge-');
  private readonly calls = new Map<JsonRpcId, Call>();
  private readonly byClientId = new Map<JsonRpcId, Call>();
  private readonly states = new Map<string, Call>();
  private readonly listens = new Map<JsonRpcId, Filter>();
  private readonly subscribed = new Set<string>();
  private order: Promise<void> = Promise.resolve();
  private keys = 0;
  private closed = false;

  constructor(
    private readonly link: StageLink,
    private readonly opts: BridgeOptions,
  ) {}

  fromClient(m: ToServer): Promise<void> {
    // In the client's order: the session opens once, before the first message goes upstream.
    const run = this.order.then(() => this.each(m));
    this.order = run.catch(() => {});
    return run;
  }

  private async each(m: ToServer): Promise<void> {
    const list = messagesOf(m);
    for (const msg of list) await this.one(list.length === 1 ? m : { message: msg, size: m.size }, msg);
  }

  private async one(m: ToServer, msg: JsonRpcMessage): Promise<void> {
    if (this.closed) return;
    if (isRequest(msg)) this.learn(msg);
    if (isNotification(msg)) return this.notification(m, msg);
    if (!isRequest(msg)) return this.upstream(m, msg); // a response: none are expected
    if (msg.method === 'ping') return this.reply(msg.id, {});
    if (msg.method === 'server/discover') return this.discover(msg);
    if (typeof msg.params?.requestState === 'string') return this.resume(msg);
    if (!(await this.open(msg))) return;
    if (msg.method === 'subscriptions/listen') return this.subscribe(msg);
    await this.syncLogLevel();
    const call: Call = { upstreamId: msg.id, method: msg.method, clientId: msg.id, asks: [], sent: new Map() };
    this.calls.set(call.upstreamId, call);
    this.byClientId.set(msg.id, call);
    void this.link.toServer(replaceMessage(m, this.plain(msg)));
  }

  /** What the client says about itself, from each request's envelope. */
  private learn(msg: JsonRpcMessage): void {
    const e = envelopeOf(msg);
    if (!e) return;
    this.clientVersion = e.version;
    if (e.clientInfo !== undefined) this.clientInfo = e.clientInfo;
    this.clientCaps = e.capabilities ?? {};
    if (e.logLevel !== undefined) this.logLevel = e.logLevel;
  }

  /** The request without the envelope, as a 2025 server takes it. */
  private plain(msg: JsonRpcMessage): JsonRpcMessage {
    if (!msg.params || typeof msg.params !== 'object') return msg;
    const params: Record<string, unknown> = { ...msg.params };
    const meta = withoutEnvelope(params._meta as Record<string, unknown> | undefined);
    if (meta) params._meta = meta;
    else delete params._meta;
    return { ...msg, params };
  }

  private async notification(m: ToServer, msg: JsonRpcMessage): Promise<void> {
    if (msg.method !== 'notifications/cancelled') return this.upstream(m, this.plain(msg));
    const id = msg.params?.requestId;
    if (this.listens.has(id)) return this.unsubscribe(id);
    const call = this.byClientId.get(id);
    if (!call) return; // answered already, or answered here
    this.forget(call);
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { ...withoutEnvelope(msg.params), requestId: call.upstreamId } };
    void this.link.toServer(replaceMessage(m, cancel));
  }

  private async upstream(m: ToServer, msg: JsonRpcMessage): Promise<void> {
    if (!this.session) return; // nothing to tell a session that is not open
    if (await this.open(undefined)) void this.link.toServer(replaceMessage(m, msg));
  }

  fromServer(m: ToClient): void {
    const msg = m.message;
    if (isResponse(msg)) {
      if (this.own.take(msg)) return;
      const call = this.calls.get(msg.id);
      if (!call) return this.link.toClient(m);
      this.calls.delete(call.upstreamId);
      call.held = modernAnswer(msg, call.method, call.clientId ?? call.upstreamId);
      call.asks = [];
      return this.flush(call);
    }
    if (isRequest(msg)) return this.serverAsks(msg);
    if (isNotification(msg)) return this.serverNotification(m, msg);
  }

  close(): void {
    this.closed = true;
    this.own.close('The client disconnected');
  }

  // ---- the upstream session -----------------------------------------------------------------

  /** Opens the upstream session once (again after a failure); false when it failed (the request is answered). */
  private async open(msg: JsonRpcMessage | undefined): Promise<boolean> {
    this.session ??= this.initialize();
    try {
      await this.session;
      return true;
    } catch (err) {
      this.session = undefined;
      const e = err as JsonRpcMessage;
      if (msg && isRequest(msg)) this.link.toClient({ message: { ...e, id: msg.id } });
      return false;
    }
  }

  private async initialize(): Promise<void> {
    const clientInfo = this.clientInfo ?? { name: 'mcp-switchboard', version: '0' };
    const params = { protocolVersion: LATEST_LEGACY_VERSION, capabilities: legacyClientCapabilities(this.clientCaps), clientInfo };
    const res = await this.ask('initialize', params, this.opts.timeoutMs);
    if (res.error) {
      this.opts.log?.('warn', `Bridge: the server refused initialize (${res.error.message})`);
      throw res;
    }
    this.init = res.result ?? {};
    void this.link.toServer({ message: { jsonrpc: '2.0', method: 'notifications/initialized' }, size: 50 });
    const server = typeof this.init.protocolVersion === 'string' ? this.init.protocolVersion : LATEST_LEGACY_VERSION;
    this.opts.onProtocol?.({ server, client: this.clientVersion, bridged: true });
    this.opts.log?.('info', `Bridging: the client speaks ${this.clientVersion} (server/discover), the server ${server} (initialize, held for this client)`);
  }

  private ask(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<JsonRpcMessage> {
    const { id, answer } = this.own.expect(timeoutMs, method);
    const request = { jsonrpc: '2.0', id, method, params };
    void this.link.toServer({ message: request, size: JSON.stringify(request).length });
    return answer;
  }

  private async discover(msg: JsonRpcMessage): Promise<void> {
    const asked = envelopeOf(msg)?.version;
    if (asked !== undefined && isModernVersion(asked) && !SERVED_VERSIONS.includes(asked)) {
      const data = { supported: SERVED_VERSIONS, requested: asked };
      return void this.link.toClient({ message: errorResponse(msg.id, ERR_UNSUPPORTED_PROTOCOL_VERSION, `Unsupported protocol version ${asked}`, data) });
    }
    if (!(await this.open(msg))) return;
    const result: Record<string, unknown> = {
      resultType: RESULT_COMPLETE,
      supportedVersions: SERVED_VERSIONS,
      capabilities: modernServerCapabilities(this.init.capabilities),
      ttlMs: 0,
      cacheScope: 'private',
    };
    if (typeof this.init.instructions === 'string') result.instructions = this.init.instructions;
    if (this.init.serverInfo) result._meta = { [META_SERVER_INFO]: this.init.serverInfo };
    this.reply(msg.id, result);
  }

  /** The log level of the client's envelope, set upstream when it changes (and the server logs at all). */
  private async syncLogLevel(): Promise<void> {
    const level = this.logLevel;
    if (level === undefined || level === this.upstreamLevel || !this.init.capabilities?.logging) return;
    this.upstreamLevel = level;
    const res = await this.ask('logging/setLevel', { level }, this.opts.timeoutMs);
    this.opts.log?.(
      'debug',
      `Bridge: the client's log level ${level} set upstream with logging/setLevel${res.error ? ` (refused: ${res.error.message})` : ''}`,
    );
  }

  private reply(id: JsonRpcId, result: Record<string, unknown>): void {
    this.link.toClient({ message: resultResponse(id, { resultType: RESULT_COMPLETE, ...result }) });
  }

  // ---- server→client requests as input_required ----------------------------------------------

  private serverAsks(msg: JsonRpcMessage): void {
    const answerServer = (message: JsonRpcMessage) => void this.link.toServer({ message, size: JSON.stringify(message).length });
    if (msg.method === 'ping') return answerServer(resultResponse(msg.id, {}));
    const call = this.callFor();
    const missing = INPUT_METHODS.has(msg.method) ? missingCapability(this.clientCaps, msg.method, msg.params) : msg.method;
    if (!call || missing) {
      const why = !call
        ? `no request of this client is waiting, and a ${this.clientVersion} client takes ${msg.method} only as input to a request`
        : `the client does not support ${missing}`;
      this.opts.log?.('warn', `Bridge: the server asked ${msg.method}; ${why}`);
      return answerServer(errorResponse(msg.id, call ? ERR_MISSING_CLIENT_CAPABILITY : ERR_INTERNAL, `MCP Switchboard cannot pass this on: ${why}`));
    }
    call.asks.push({ key: `input-${++this.keys}`, serverId: msg.id, method: msg.method, params: modernInputParams(msg.method, msg.params) });
    this.opts.log?.('info', `Bridge: the server asks ${msg.method} during ${call.method}; the client gets it as input_required`);
    // Requests the server sends together go to the client in one round.
    if (!call.flushing) {
      call.flushing = true;
      setImmediate(() => {
        call.flushing = false;
        this.flush(call);
      });
    }
  }

  /**
   * The request a server→client request belongs to. The upstream does not say (all arrive on one
   * stream over HTTP+SSE), so: the oldest tool call in flight, else the oldest request in flight.
   */
  private callFor(): Call | undefined {
    const calls = [...this.calls.values()];
    return calls.find((c) => c.method === 'tools/call') ?? calls[0];
  }

  /** Gives the waiting client request what there is: the final answer, else the questions. */
  private flush(call: Call): void {
    const clientId = call.clientId;
    if (clientId === undefined || this.closed) return; // the client's retry will take it
    if (call.held) {
      this.forget(call);
      return this.link.toClient({ message: { ...call.held, id: clientId } });
    }
    if (!call.asks.length) return;
    const inputRequests: Record<string, unknown> = {};
    for (const a of call.asks) {
      inputRequests[a.key] = a.params ? { method: a.method, params: a.params } : { method: a.method };
      call.sent.set(a.key, a.serverId);
    }
    call.asks = [];
    const state = `switchboard-state-${randomBytes(12).toString('hex')}`;
    call.state = state;
    this.states.set(state, call);
    this.byClientId.delete(clientId);
    call.clientId = undefined;
    this.link.toClient({ message: resultResponse(clientId, { resultType: RESULT_INPUT_REQUIRED, inputRequests, requestState: state }) });
  }

  /** The client's retry of a request that got input_required: its answers go upstream, it waits for the rest. */
  private resume(msg: JsonRpcMessage): void {
    const call = this.states.get(msg.params.requestState);
    if (!call) {
      return void this.link.toClient({
        message: errorResponse(msg.id, ERR_INVALID_PARAMS, 'Invalid or expired requestState', { reason: 'invalid_request_state' }),
      });
    }
    this.states.delete(msg.params.requestState);
    call.state = undefined;
    call.clientId = msg.id;
    this.byClientId.set(msg.id, call);
    const responses = msg.params.inputResponses ?? {};
    for (const [key, serverId] of call.sent) {
      const r = responses[key];
      const answer = r && typeof r === 'object' ? resultResponse(serverId, r) : errorResponse(serverId, ERR_INTERNAL, 'The client gave no answer');
      void this.link.toServer({ message: answer, size: JSON.stringify(answer).length });
    }
    this.opts.log?.('debug', `Bridge: ${call.method} resumed with the client's answers (${call.sent.size})`);
    call.sent.clear();
    if (call.held) call.held = { ...call.held, id: msg.id };
    this.flush(call);
  }

  private forget(call: Call): void {
    this.calls.delete(call.upstreamId);
    if (call.clientId !== undefined) this.byClientId.delete(call.clientId);
    if (call.state) this.states.delete(call.state);
  }

  // ---- change notifications: subscriptions/listen answered here ------------------------------

  private async subscribe(msg: JsonRpcMessage): Promise<void> {
    const want: Filter = msg.params?.notifications ?? {};
    const caps = this.init.capabilities ?? {};
    const honored: Filter = {};
    if (want.toolsListChanged && caps.tools?.listChanged) honored.toolsListChanged = true;
    if (want.promptsListChanged && caps.prompts?.listChanged) honored.promptsListChanged = true;
    if (want.resourcesListChanged && caps.resources?.listChanged) honored.resourcesListChanged = true;
    if (Array.isArray(want.resourceSubscriptions) && caps.resources?.subscribe) {
      honored.resourceSubscriptions = want.resourceSubscriptions.filter((u) => typeof u === 'string');
    }
    this.listens.set(msg.id, honored);
    const fresh = (honored.resourceSubscriptions ?? []).filter((uri) => !this.subscribed.has(uri));
    for (const uri of fresh) this.subscribed.add(uri);
    await Promise.all(fresh.map((uri) => this.ask('resources/subscribe', { uri }, this.opts.timeoutMs)));
    this.opts.log?.('debug', `Bridge: subscriptions/listen answered here (${Object.keys(honored).join(', ') || 'nothing the server offers'})`);
    const ack = { jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { notifications: honored } };
    this.link.toClient({ message: withSubscriptionId(ack, msg.id) });
  }

  private unsubscribe(listenId: JsonRpcId): void {
    this.listens.delete(listenId);
    const still = new Set([...this.listens.values()].flatMap((f) => f.resourceSubscriptions ?? []));
    for (const uri of [...this.subscribed]) {
      if (still.has(uri)) continue;
      this.subscribed.delete(uri);
      void this.ask('resources/unsubscribe', { uri }, this.opts.timeoutMs);
    }
  }

  private serverNotification(m: ToClient, msg: JsonRpcMessage): void {
    const flag = LIST_CHANGED[msg.method];
    if (flag || msg.method === 'notifications/resources/updated') {
      for (const [id, f] of this.listens) {
        const wanted = flag ? f[flag] === true : (f.resourceSubscriptions ?? []).includes(msg.params?.uri);
        if (wanted) this.link.toClient({ message: withSubscriptionId(msg, id) });
      }
      return;
    }
    if (msg.method === 'notifications/message' && this.logLevel === undefined) return; // the client did not opt in
    if (msg.method === 'notifications/elicitation/complete') return; // no such notification in 2026-07-28
    if (msg.method === 'notifications/cancelled') {
      // The server gave up on a question not yet put to the client.
      for (const call of this.calls.values()) call.asks = call.asks.filter((a) => a.serverId !== msg.params?.requestId);
      return;
    }
    this.link.toClient(m);
  }
}

const LIST_CHANGED: Record<string, keyof Filter> = {
  'notifications/tools/list_changed': 'toolsListChanged',
  'notifications/prompts/list_changed': 'promptsListChanged',
  'notifications/resources/list_changed': 'resourcesListChanged',
};
