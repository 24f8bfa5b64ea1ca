/**
 * The request ledger: every request the client sends gets exactly one answer, within a time limit.
 * It stands first in the chain (nearest the client), so it sees each request as the client sent it
 * and each answer as the client will get it, whichever stage made the answer. It
 * - reports traffic (requests, answers with their duration, notifications) for logs and metrics;
 * - drops a second answer to the same id (a server that answers twice, an answer after a time-out
 *   or after the client cancelled);
 * - answers a request the server leaves unanswered past the limit with an error, and sends the
 *   server `notifications/cancelled` down the chain (stages forget the request; the transport
 *   decides whether it goes on the wire). Progress notifications restart the limit; a
 *   `subscriptions/listen` (2026-07-28) has none: it lasts as long as the client listens.
 */
import { isNotification, isRequest, isResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import { ERR_UPSTREAM_TIMEOUT } from '../upstream-shared';
import { answer, isProxyError, messagesOf, textOf, type Stage, type StageFactory, type StageLink, type ToClient, type ToServer } from './stage';

export interface LedgerEvents {
  onRequest?(method: string, id: JsonRpcId, size: number): void;
  onResponse?(method: string, id: JsonRpcId, durationMs: number, size: number, error?: string): void;
  onNotification?(method: string, direction: 'client-to-server' | 'server-to-client', size: number): void;
  log?(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

export interface LedgerOptions {
  /** How long a request may wait for its answer. */
  timeoutMs: number;
  /** The upstream, for sentences ("Upstream https://…/mcp did not answer"). */
  where(): string;
  events: LedgerEvents;
}

interface Pending {
  method: string;
  started: number;
  /** The request's progress token: its progress notifications restart the time limit. */
  progressToken?: string | number;
  timer?: NodeJS.Timeout;
}

export function requestLedger(opts: LedgerOptions): StageFactory {
  return (link) => new RequestLedger(opts, link);
}

export class RequestLedger implements Stage {
  private readonly pending = new Map<JsonRpcId, Pending>();
  private closed = false;

  constructor(
    private readonly opts: LedgerOptions,
    private readonly link: StageLink,
  ) {}

  get inFlight(): number {
    return this.pending.size;
  }

  fromClient(m: ToServer): Promise<void> {
    const events = this.opts.events;
    for (const msg of messagesOf(m)) {
      if (isRequest(msg)) {
        this.track(msg);
        events.onRequest?.(msg.method, msg.id, m.size);
      } else if (isNotification(msg)) {
        events.onNotification?.(msg.method, 'client-to-server', m.size);
        // The client gave up on a request: an answer that still comes is not for it any more.
        if (msg.method === 'notifications/cancelled') this.settle(msg.params?.requestId);
      }
    }
    return this.link.toServer(m);
  }

  fromServer(m: ToClient): void {
    const msg = m.message;
    const events = this.opts.events;
    if (isResponse(msg)) {
      const p = this.settle(msg.id);
      if (!p) {
        // Answered already (time-out, lost stream), cancelled by the client, or sent twice by the
        // server: a client must never get two answers to one request.
        if (!isProxyError(msg)) events.log?.('debug', `Dropped an answer to request ${JSON.stringify(msg.id)} that was already answered or cancelled`);
        return;
      }
      // The answer goes out first: reporting it is not on the client's clock.
      const durationMs = performance.now() - p.started;
      this.link.toClient(m);
      events.onResponse?.(p.method, msg.id, durationMs, textOf(m).length, msg.error?.message);
      return;
    } else if (isNotification(msg)) {
      if (msg.method === 'notifications/progress') this.progressed(msg.params?.progressToken);
      events.onNotification?.(msg.method, 'server-to-client', textOf(m).length);
    } else if (isRequest(msg)) {
      events.onNotification?.(msg.method, 'server-to-client', textOf(m).length);
    }
    this.link.toClient(m);
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private track(m: JsonRpcMessage): void {
    const old = this.pending.get(m.id);
    if (old) clearTimeout(old.timer);
    const token = m.params?._meta?.progressToken;
    const p: Pending = {
      method: m.method,
      started: performance.now(),
      progressToken: typeof token === 'string' || typeof token === 'number' ? token : undefined,
    };
    this.pending.set(m.id, p);
    // A 2026-07-28 subscription stays open as long as the client listens: it has no time limit.
    if (m.method !== 'subscriptions/listen') this.arm(m.id, p);
  }

  private arm(id: JsonRpcId, p: Pending): void {
    clearTimeout(p.timer);
    p.timer = setTimeout(() => this.timedOut(id, p), this.opts.timeoutMs);
    p.timer.unref();
  }

  /** The request is answered (or given up): forget it and its timer. */
  private settle(id: JsonRpcId | undefined | null): Pending | undefined {
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

  private timedOut(id: JsonRpcId, p: Pending): void {
    if (this.closed || this.pending.get(id) !== p) return;
    const seconds = Math.round(this.opts.timeoutMs / 100) / 10;
    const where = this.opts.where();
    this.opts.events.log?.('warn', `Upstream ${where} did not answer ${p.method} (id ${JSON.stringify(id)}) within ${seconds} s; cancelled it`);
    this.fromServer(
      answer(
        id,
        ERR_UPSTREAM_TIMEOUT,
        `Upstream ${where} did not answer ${p.method} within ${seconds} s; MCP Switchboard cancelled the request. Retry it later, or check the server.`,
      ),
    );
    // Tell the server, so it can stop working on it (fire and forget, in the client's order).
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: `No answer within ${seconds} s` } };
    const size = JSON.stringify(cancel).length;
    // (An initialize is never cancelled on the wire; the stages still hear that it was given up.)
    if (p.method !== 'initialize') this.opts.events.onNotification?.(cancel.method, 'client-to-server', size);
    void this.link.toServer({ message: cancel, size, synthetic: true });
  }
}
