/**
 * The recovery stage: no call fails that could have succeeded. It stands next to the transport
 * and sees each request's failed attempts as the transport reports them (an error answer carrying
 * what happened, message-path/delivery.ts). By the policy (retry-policy.ts) it then
 * - retries a request that provably did not reach the server or was not processed by it
 *   (connection refused, DNS or TLS failure, 503/429/408 with their Retry-After), after a backoff;
 * - after a session the server forgot (404/410), has the transport re-initialize once for
 *   everyone and sends again every request that came back so;
 * - resumes a cut answer stream with Last-Event-ID where the server gave event ids;
 * - sends again a request whose outcome is unknown (502, 504, a reset after sending, a cut stream
 *   without ids) only when it is safe: a side-effect-free method, or a tool this server marked
 *   read-only or idempotent (tool-hints.ts, per proxy); never any other tools/call;
 * - otherwise gives the error on, saying what happened to the call.
 * A retried request keeps the client's id and is answered once. Attempts stop at the request's
 * retry budget (time) and wait while the server's retry budget (retry-budget.ts, shared by every
 * client of the proxy) is spent. Each retry, resume and give-up is a log line; calls saved by a
 * retry and calls lost are counted.
 */
import { isNotification, isRequest, isResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import { failureAnswer } from '../upstream-errors';
import type { Clock } from '../../shared/clock';
import { DeliveryFailureError, type DeliveryFailure, type RecoveryControl } from './delivery';
import type { RetryBudget } from './retry-budget';
import { backoffDelay, isRepeatable, plan, seconds, type Plan } from './retry-policy';
import { answer, messagesOf, type Stage, type StageFactory, type StageLink, type ToClient, type ToServer } from './stage';
import type { ToolHints } from './tool-hints';

export interface RecoveryOptions {
  /** How long one request may be retried, from its first attempt (ms). */
  budgetMs: number;
  /** The server's retry budget and the tools' hints: one each per proxy. */
  budget: RetryBudget;
  hints: ToolHints;
  clock: Clock;
  random?: () => number;
  /** A call answered by the server after a retry or resume. */
  onSaved?(method: string): void;
  /** A call that ended without the server's answer (given up, or timed out while recovering). */
  onLost?(method: string): void;
  log?(level: 'debug' | 'info' | 'warn', message: string): void;
}

interface Tracked {
  id: JsonRpcId;
  request: JsonRpcMessage;
  headers?: Record<string, string>;
  size: number;
  attempts: number;
  started: number;
  deadline: number;
  seen: Map<string, number>;
  /** A retry or resume happened: an answer now is a call saved. */
  recovered: boolean;
  /** This attempt holds a slot of the server's retry budget. */
  holdsSlot: boolean;
  timer?: { cancel(): void };
  /** The last failed attempt: its answer (code) and what happened. */
  last?: { m: ToClient; f: DeliveryFailure };
  progressToken?: string | number;
  /** The highest progress the client has seen for the token (progress only grows). */
  progress: number;
}

/** The stage, given the transport's recovery handle (the transport is made after the stages before it). */
export function recovery(opts: RecoveryOptions, control: () => RecoveryControl): StageFactory {
  return (link) => new RetryStage(opts, control, link);
}

export class RetryStage implements Stage {
  private readonly tracked = new Map<JsonRpcId, Tracked>();
  private closed = false;
  private readonly random: () => number;

  constructor(
    private readonly opts: RecoveryOptions,
    private readonly control: () => RecoveryControl,
    private readonly link: StageLink,
  ) {
    this.random = opts.random ?? Math.random;
  }

  fromClient(m: ToServer): Promise<void> {
    for (const x of messagesOf(m)) {
      if (isRequest(x)) this.track(x, m);
      else if (isNotification(x) && x.method === 'notifications/cancelled') {
        // The client gave up on it, or the ledger did (time limit): nothing more to recover.
        const t = this.tracked.get(x.params?.requestId);
        if (t) {
          this.finish(t);
          if (m.synthetic) this.lost(t, 'the time limit passed', false);
        }
      }
    }
    return this.link.toServer(m);
  }

  fromServer(m: ToClient): void {
    const msg = m.message;
    if (isResponse(msg)) {
      const t = this.tracked.get(msg.id);
      if (t && m.failure) return this.failed(t, m, m.failure);
      if (t) this.answered(t, msg);
    } else if (msg.method === 'notifications/progress') {
      for (const t of this.tracked.values()) {
        const p = msg.params?.progress;
        if (t.progressToken !== undefined && t.progressToken === msg.params?.progressToken && typeof p === 'number') t.progress = Math.max(t.progress, p);
      }
    }
    this.link.toClient(m);
  }

  close(): void {
    this.closed = true;
    for (const t of this.tracked.values()) this.finish(t);
  }

  private track(request: JsonRpcMessage, m: ToServer): void {
    const old = this.tracked.get(request.id);
    if (old) this.finish(old);
    const now = this.opts.clock.now();
    const token = request.params?._meta?.progressToken;
    this.tracked.set(request.id, {
      id: request.id,
      request,
      headers: m.headers,
      size: Array.isArray(m.message) ? JSON.stringify(request).length : m.size,
      attempts: 1,
      started: now,
      deadline: now + this.opts.budgetMs,
      seen: new Map(),
      recovered: false,
      holdsSlot: false,
      progressToken: typeof token === 'string' || typeof token === 'number' ? token : undefined,
      progress: 0,
    });
    this.opts.budget.requestStarted();
  }

  /** The request is done with (answered, given up, cancelled): forget it, give back what it held. */
  private finish(t: Tracked): void {
    if (this.tracked.get(t.id) !== t) return;
    this.tracked.delete(t.id);
    t.timer?.cancel();
    t.timer = undefined;
    this.releaseSlot(t);
    this.opts.budget.requestEnded();
  }

  private releaseSlot(t: Tracked): void {
    if (!t.holdsSlot) return;
    t.holdsSlot = false;
    this.opts.budget.release();
  }

  private answered(t: Tracked, msg: JsonRpcMessage): void {
    this.finish(t);
    if (t.request.method === 'tools/list' && Array.isArray(msg.result?.tools)) this.opts.hints.learn(msg.result.tools);
    if (t.recovered) {
      this.opts.onSaved?.(t.request.method);
      this.log('info', `${label(t)}: answered after ${t.attempts} attempts over ${seconds(this.opts.clock.now() - t.started)} s (saved by a retry)`);
    }
  }

  /** The call ends without the server's answer; `why` is logged when the proxy had a say in it (a retry, or a decision not to). */
  private lost(t: Tracked, why: string, decided: boolean): void {
    this.opts.onLost?.(t.request.method);
    if (decided || t.recovered) this.log('warn', `${label(t)}: gave up after ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}: ${why}`);
  }

  /** An attempt failed: retry, renew, resume, or give the error on with what happened to the call. */
  private failed(t: Tracked, m: ToClient, f: DeliveryFailure): void {
    this.releaseSlot(t);
    t.last = { m, f };
    t.seen.set(f.what, (t.seen.get(f.what) ?? 0) + 1);
    const now = this.opts.clock.now();
    const p = plan(t, f, t.request, isRepeatable(t.request, this.opts.hints), now, this.random);
    if (p.kind === 'give-up' || this.closed) {
      this.finish(t);
      const msg = m.message;
      const sentence = p.kind === 'give-up' ? p.sentence : undefined;
      const text = sentence ? `${f.failure.message}; ${sentence}.` : msg.error?.message;
      this.lost(t, text ?? f.what, sentence !== undefined);
      return this.link.toClient(text === msg.error?.message ? m : { message: { ...msg, error: { ...msg.error, message: text } } });
    }
    this.log('info', `${label(t)}: ${f.what}; ${verb(p)} in ${seconds(p.delayMs)} s ${p.why}, attempt ${t.attempts + 1}`);
    if (t.progressToken !== undefined) {
      t.progress += 1;
      this.link.toClient({
        message: {
          jsonrpc: '2.0',
          method: 'notifications/progress',
          params: { progressToken: t.progressToken, progress: t.progress, message: `waiting for the server (attempt ${t.attempts + 1})` },
        },
      });
    }
    this.schedule(t, p, p.delayMs);
  }

  private schedule(t: Tracked, p: Exclude<Plan, { kind: 'give-up' }>, delayMs: number): void {
    t.timer = this.opts.clock.setTimeout(() => this.again(t, p), delayMs);
  }

  private again(t: Tracked, p: Exclude<Plan, { kind: 'give-up' }>): void {
    t.timer = undefined;
    if (this.closed || this.tracked.get(t.id) !== t) return;
    if (!this.opts.budget.tryAcquire()) {
      // Too many of this server's requests are being retried already: wait another backoff.
      const now = this.opts.clock.now();
      const left = t.deadline - now;
      if (left <= 0) {
        // Its budget is spent: it ends as its last attempt did (or, never retried, for the budget).
        const last = plan(t, t.last!.f, t.request, isRepeatable(t.request, this.opts.hints), now, this.random);
        const spent = last.kind === 'give-up' ? last.sentence : undefined;
        return this.giveUp(t, t.attempts > 1 && spent ? spent : 'not retried: too many calls to this server were being retried at once');
      }
      const delay = Math.min(left, backoffDelay(t.attempts, this.random));
      this.log('debug', `${label(t)}: waiting for the server's retry budget (${this.opts.budget.retriesInFlight} retries in flight)`);
      return this.schedule(t, p, delay);
    }
    t.holdsSlot = true;
    t.attempts++;
    t.recovered = true;
    if (p.kind === 'resume') return this.control().resume(t.request, p.from);
    if (p.kind === 'retry') return this.resend(t);
    // The session is gone: a new one (once for everyone), then this request again on it.
    this.control()
      .renewSession(p.generation)
      .then(
        () => this.resend(t),
        (err: unknown) => {
          if (this.closed || this.tracked.get(t.id) !== t) return;
          const f: DeliveryFailure =
            err instanceof DeliveryFailureError
              ? err.failure
              : { delivery: 'not-sent', failure: { kind: 'protocol', message: String(err) }, what: 'a new session could not be made' };
          this.failed(t, answer(t.id, failureAnswer(f.failure, '').code, `${f.failure.message}.`), f);
        },
      );
  }

  /** Ends the request with its last failure and `sentence` (what happened to it). */
  private giveUp(t: Tracked, sentence: string): void {
    this.finish(t);
    const last = t.last!;
    const text = `${last.f.failure.message}; ${sentence}.`;
    this.lost(t, text, true);
    this.link.toClient({ message: { ...last.m.message, error: { ...last.m.message.error, message: text } } });
  }

  private resend(t: Tracked): void {
    if (this.closed || this.tracked.get(t.id) !== t) return;
    void this.link.toServer({ message: t.request, size: t.size, headers: t.headers });
  }

  private log(level: 'debug' | 'info' | 'warn', message: string): void {
    this.opts.log?.(level, message);
  }
}

function label(t: Tracked): string {
  const name = t.request.method === 'tools/call' && typeof t.request.params?.name === 'string' ? ` "${t.request.params.name.slice(0, 80)}"` : '';
  return `${t.request.method}${name} (id ${JSON.stringify(t.id)})`;
}

function verb(p: Plan): string {
  return p.kind === 'resume' ? 'resuming its answer' : p.kind === 'renew' ? 're-initializing and retrying' : 'retrying';
}
