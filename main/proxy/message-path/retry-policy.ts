/**
 * The retry policy, as pure functions: which requests may run twice, how long to wait before the
 * next attempt (exponential backoff with jitter, or the server's Retry-After, or its event
 * stream's `retry`), when to stop (the request's retry budget), and the sentence a client reads
 * when the proxy gives up ("not sent: the server refused the connection 4 times over 15 s").
 */
import type { JsonRpcMessage } from '../../shared/mcp-http';
import type { DeliveryFailure, ResumePoint } from './delivery';
import type { ToolHints } from './tool-hints';

/**
 * Methods that change nothing on the server by the specification: safe to send again when the
 * outcome of the first attempt is unknown. (`server/discover` is the 2026-07-28 era's discovery.)
 */
export const SIDE_EFFECT_FREE_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'tools/list',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'completion/complete',
  'server/discover',
]);

/** True when running the request twice is safe: a side-effect-free method, or a tool the server marked read-only or idempotent. */
export function isRepeatable(request: JsonRpcMessage, hints: ToolHints): boolean {
  if (SIDE_EFFECT_FREE_METHODS.has(request.method)) return true;
  return request.method === 'tools/call' && hints.isRepeatable(request.params?.name);
}

export interface Backoff {
  /** The first retry waits about this long; each next one twice as long, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 200, maxMs: 3000 };
/** A request's retry budget when the server has no setting of its own. */
export const DEFAULT_RETRY_BUDGET_MS = 15_000;

/**
 * The wait before retry number `retry` (1 for the first): exponential, with "equal jitter" (half
 * fixed, half random) so that many clients failing at once do not come back at once.
 */
export function backoffDelay(retry: number, random: () => number, b: Backoff = DEFAULT_BACKOFF): number {
  const d = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, retry - 1));
  return d / 2 + random() * (d / 2);
}

/** One request's history, as far as the policy needs it. */
export interface AttemptHistory {
  /** Attempts made so far (1 after the first send). */
  attempts: number;
  /** When the first attempt was sent, and when the request's retry budget ends (clock ms). */
  started: number;
  deadline: number;
  /** How often each kind of failure happened (by `DeliveryFailure.what`). */
  seen: ReadonlyMap<string, number>;
}

export type Plan =
  | { kind: 'retry'; delayMs: number; why: string }
  /** A new session first: the one of `generation` was lost. */
  | { kind: 'renew'; delayMs: number; why: string; generation: number }
  | { kind: 'resume'; delayMs: number; why: string; from: ResumePoint }
  /** `sentence`: what happened to the call, for its error; undefined: the transport's error stands. */
  | { kind: 'give-up'; sentence?: string };

/** What to do about a failed attempt (see message-path/delivery.ts for the kinds of failure). */
export function plan(h: AttemptHistory, f: DeliveryFailure, request: JsonRpcMessage, repeatable: boolean, now: number, random: () => number): Plan {
  if (f.failure.kind === 'auth' || f.delivery === 'processed') return { kind: 'give-up' };
  const left = h.deadline - now;
  const elapsed = seconds(now - h.started);
  const times = h.seen.get(f.what) ?? 1;
  if (!f.resumeFrom && f.delivery === 'maybe-processed' && !repeatable) {
    return { kind: 'give-up', sentence: `sent, outcome unknown: ${notRepeatable(request)}. Retry the request only if running it twice is safe` };
  }
  const retryAfterS = f.failure.retryAfterS;
  if (retryAfterS !== undefined && retryAfterS * 1000 > left) {
    return { kind: 'give-up', sentence: `not processed: the server asks to retry after ${retryAfterS} s, more than this call's retry budget allows` };
  }
  const kind = f.resumeFrom ? 'resume' : f.lostSession !== undefined ? 'renew' : 'retry';
  let delayMs: number;
  let why: string;
  if (retryAfterS !== undefined) {
    delayMs = retryAfterS * 1000;
    why = 'as it asked (Retry-After)';
  } else if (kind === 'resume' && f.resumeFrom?.retryMs !== undefined) {
    delayMs = f.resumeFrom.retryMs;
    why = "after the event stream's retry interval";
  } else if (kind === 'renew' && times === 1) {
    delayMs = 0; // the session is renewed once for everyone, then every request goes again at once
    why = 'on a new session';
  } else {
    delayMs = backoffDelay(h.attempts, random);
    why = kind === 'renew' ? 'on a new session' : 'after a backoff';
  }
  // The last attempt goes out when the budget ends: a call fails only once its budget is spent.
  if (left <= 0) {
    if (kind === 'resume') return { kind: 'give-up', sentence: `sent, outcome unknown: the answer's event stream could not be resumed within ${elapsed} s` };
    if (f.delivery === 'maybe-processed') return { kind: 'give-up', sentence: `sent, outcome unknown: tried ${h.attempts} times over ${elapsed} s` };
    const lead = f.delivery === 'not-sent' ? 'not sent' : 'not processed';
    return { kind: 'give-up', sentence: `${lead}: ${f.what} ${timesText(times)} over ${elapsed} s` };
  }
  delayMs = Math.min(delayMs, left);
  if (f.resumeFrom) return { kind: 'resume', delayMs, why, from: f.resumeFrom };
  if (f.lostSession !== undefined) return { kind: 'renew', delayMs, why, generation: f.lostSession };
  return { kind: 'retry', delayMs, why };
}

function notRepeatable(request: JsonRpcMessage): string {
  if (request.method === 'tools/call') {
    const name = typeof request.params?.name === 'string' ? `"${request.params.name.slice(0, 80)}"` : 'the tool';
    return `${name} is not marked read-only or idempotent by the server, so MCP Switchboard did not run it again`;
  }
  return `${String(request.method).slice(0, 80)} may change something on the server, so MCP Switchboard did not send it again`;
}

function timesText(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

/** Seconds for a sentence: whole seconds from 10 s on, tenths below. */
export function seconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return String(s >= 10 ? Math.round(s) : Math.round(s * 10) / 10);
}
