/**
 * The elicitation stand-in: for a client that declares no elicitation (Claude Desktop, many
 * others), the proxy declares it upstream (form and URL mode, both of which the app can serve) and
 * puts the server's questions to the user in the app's window; the client never sees them. A
 * client that declares elicitation gets the questions itself, unchanged.
 *
 * It stands after the era bridge, so it sees the server's era only:
 * - 2025 session: `initialize` gains the capability; the server's `elicitation/create` requests
 *   are answered with the user's answer (and `notifications/elicitation/complete` stays here);
 * - 2026-07-28: each request's envelope gains the capability; an `input_required` result with
 *   elicitations is answered with the user's answers and retried upstream by the proxy (bounded
 *   rounds). When it also asks for what only the client can give (sampling, roots), the client
 *   gets those alone, and the user's answers join the client's retry (by its requestState).
 */
import { randomBytes } from 'node:crypto';
import { META_CLIENT_CAPABILITIES, RESULT_INPUT_REQUIRED } from '../../../common/protocol-versions';
import type { ElicitationAnswer, ElicitationAsk } from '../../shared/fork-protocol';
import { isModernRequest, isNotification, isRequest, isResponse, resultResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import { failureFor } from './era-shapes';
import { MAX_INPUT_ROUNDS } from './legacy-client-bridge';
import { replaceMessage, type Stage, type StageFactory, type StageLink, type ToClient, type ToServer } from './stage';

/** The elicitation modes the app answers itself. */
export const STAND_IN_ELICITATION = { form: {}, url: {} };
const ERR_INTERNAL = -32603;

export interface StandInOptions {
  /** Puts a question to the user (main shows it in the window); resolves with the answer, or cancel. */
  ask(ask: ElicitationAsk): Promise<ElicitationAnswer>;
  log?(level: 'debug' | 'info' | 'warn', message: string): void;
}

export function elicitationStandIn(opts: StandInOptions): StageFactory {
  return (link) => new ElicitationStandIn(link, opts);
}

interface Pending {
  clientId: JsonRpcId;
  upstreamId: JsonRpcId;
  /** The request as sent upstream (with the capability); retries are built from it. */
  request: JsonRpcMessage;
  round: number;
}

/** An elicitation request's params as a question for the window. */
export function questionOf(params: any): ElicitationAsk {
  const mode = params?.mode === 'url' ? 'url' : 'form';
  const ask: ElicitationAsk = { mode, message: typeof params?.message === 'string' ? params.message : '' };
  if (mode === 'url' && typeof params?.url === 'string') ask.url = params.url;
  if (mode === 'form' && params?.requestedSchema && typeof params.requestedSchema === 'object') ask.requestedSchema = params.requestedSchema;
  return ask;
}

const hasElicitation = (caps: unknown) => !!caps && typeof caps === 'object' && (caps as Record<string, unknown>).elicitation !== undefined;

export class ElicitationStandIn implements Stage {
  /** The 2025 session's client declared no elicitation: the proxy declared it and answers. */
  private session = false;
  private readonly requests = new Map<JsonRpcId, Pending>();
  private readonly byClientId = new Map<JsonRpcId, Pending>();
  /** The user's answers waiting for the client's retry, by requestState. */
  private readonly held = new Map<string, { responses: Record<string, unknown>; ownState: boolean }>();
  private retries = 0;
  private closed = false;

  constructor(
    private readonly link: StageLink,
    private readonly opts: StandInOptions,
  ) {}

  fromClient(m: ToServer): Promise<void> {
    const msg = m.message;
    if (Array.isArray(msg)) return this.link.toServer(m);
    if (isRequest(msg) && msg.method === 'initialize') return this.link.toServer(this.initialize(m, msg));
    if (isRequest(msg) && isModernRequest(msg)) return this.link.toServer(this.modern(m, msg));
    if (isNotification(msg) && msg.method === 'notifications/cancelled') {
      const p = this.byClientId.get(msg.params?.requestId);
      if (p) {
        this.forget(p);
        if (p.upstreamId !== p.clientId) return this.link.toServer(replaceMessage(m, { ...msg, params: { ...msg.params, requestId: p.upstreamId } }));
      }
    }
    return this.link.toServer(m);
  }

  fromServer(m: ToClient): void {
    const msg = m.message;
    if (this.session && isRequest(msg) && msg.method === 'elicitation/create') return void this.answerServer(msg);
    // The client never saw the URL-mode request this completes.
    if (this.session && isNotification(msg) && msg.method === 'notifications/elicitation/complete') return;
    if (isResponse(msg)) {
      const p = this.requests.get(msg.id);
      if (p) {
        if (msg.result?.resultType === RESULT_INPUT_REQUIRED) return void this.inputRequired(p, msg);
        this.forget(p);
        if (p.upstreamId !== p.clientId) return this.link.toClient({ message: { ...msg, id: p.clientId } });
      }
    }
    this.link.toClient(m);
  }

  close(): void {
    this.closed = true;
  }

  private initialize(m: ToServer, msg: JsonRpcMessage): ToServer {
    const caps = msg.params?.capabilities;
    this.session = !hasElicitation(caps);
    if (!this.session) return m;
    this.opts.log?.('info', "The client declares no elicitation: MCP Switchboard declares it and asks the server's questions in its window");
    const capabilities = { ...(caps && typeof caps === 'object' ? caps : {}), elicitation: STAND_IN_ELICITATION };
    return replaceMessage(m, { ...msg, params: { ...msg.params, capabilities } });
  }

  private modern(m: ToServer, msg: JsonRpcMessage): ToServer {
    const meta = msg.params._meta;
    const standIn = !hasElicitation(meta[META_CLIENT_CAPABILITIES]);
    let params: Record<string, any> = msg.params;
    if (standIn)
      params = { ...params, _meta: { ...meta, [META_CLIENT_CAPABILITIES]: { ...meta[META_CLIENT_CAPABILITIES], elicitation: STAND_IN_ELICITATION } } };
    const state = params.requestState;
    const held = typeof state === 'string' ? this.held.get(state) : undefined;
    if (held) {
      // The client's retry of a request the user answered a part of: the user's answers go with it.
      this.held.delete(state);
      params = { ...params, inputResponses: { ...held.responses, ...params.inputResponses } };
      if (held.ownState) delete params.requestState;
    }
    if (params === msg.params) return m;
    const out = { ...msg, params };
    if (standIn) this.track({ clientId: msg.id, upstreamId: msg.id, request: out, round: 0 });
    return replaceMessage(m, out);
  }

  private async answerServer(msg: JsonRpcMessage): Promise<void> {
    this.opts.log?.('info', `The server asks the user something (${msg.params?.mode === 'url' ? 'a page to open' : 'a form'}); asking in the window`);
    const answer = await this.opts.ask(questionOf(msg.params));
    if (this.closed) return;
    this.opts.log?.('info', `The user answered the server's question: ${answer.action}`);
    const reply = resultResponse(msg.id, { ...answer });
    void this.link.toServer({ message: reply, size: JSON.stringify(reply).length });
  }

  private async inputRequired(p: Pending, msg: JsonRpcMessage): Promise<void> {
    this.requests.delete(p.upstreamId);
    const method = String(p.request.method);
    const entries = Object.entries<any>(msg.result.inputRequests ?? {});
    const mine = entries.filter(([, r]) => r?.method === 'elicitation/create');
    if (!mine.length) {
      this.forget(p);
      return this.link.toClient({ message: { ...msg, id: p.clientId } });
    }
    if (++p.round > MAX_INPUT_ROUNDS) {
      this.forget(p);
      return this.link.toClient({
        message: failureFor(method, p.clientId, ERR_INTERNAL, `${method} still needed input after ${MAX_INPUT_ROUNDS} rounds; MCP Switchboard stopped asking`),
      });
    }
    this.opts.log?.(
      'info',
      `${method} asks the user ${mine.length === 1 ? 'a question' : `${mine.length} questions`}; asking in the window (round ${p.round})`,
    );
    const responses: Record<string, unknown> = {};
    await Promise.all(mine.map(async ([key, r]) => (responses[key] = await this.opts.ask(questionOf(r.params)))));
    if (this.closed || this.byClientId.get(p.clientId) !== p) return; // cancelled meanwhile
    const others = entries.filter(([, r]) => r?.method !== 'elicitation/create');
    const state = msg.result.requestState;
    if (others.length) {
      let key = state;
      const ownState = typeof key !== 'string';
      if (ownState) key = `switchboard-held-${randomBytes(12).toString('hex')}`;
      this.held.set(key, { responses, ownState });
      this.forget(p);
      const result = { ...msg.result, inputRequests: Object.fromEntries(others), requestState: key };
      return this.link.toClient({ message: { ...msg, id: p.clientId, result } });
    }
    p.upstreamId = `switchboard-standin-${++this.retries}`;
    this.requests.set(p.upstreamId, p);
    const params: Record<string, unknown> = { ...p.request.params, inputResponses: responses };
    if (typeof state === 'string') params.requestState = state;
    else delete params.requestState;
    const retry = { ...p.request, id: p.upstreamId, params };
    void this.link.toServer({ message: retry, size: JSON.stringify(retry).length });
  }

  private track(p: Pending): void {
    this.requests.set(p.upstreamId, p);
    this.byClientId.set(p.clientId, p);
  }

  private forget(p: Pending): void {
    this.requests.delete(p.upstreamId);
    this.byClientId.delete(p.clientId);
  }
}
