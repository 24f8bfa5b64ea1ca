/**
 * Requests a stage makes on its own, in either direction (the era bridge asks the server for
 * `server/discover`, `initialize` or `subscriptions/listen`, and asks the client for an
 * elicitation): ids of its own with a prefix no client uses, and their answers taken off the path
 * before they reach anyone else. The stage sends the request itself; this keeps the promises.
 */
import { errorResponse, isResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import { PROXY_ERROR_SOURCE } from './stage';

/** The error an own request gets when it is given up (time-out, connection closed). */
export const ERR_GIVEN_UP = -32603;

interface Waiting {
  resolve(m: JsonRpcMessage): void;
  timer?: NodeJS.Timeout;
}

export class OwnRequests {
  private next = 0;
  private readonly waiting = new Map<JsonRpcId, Waiting>();

  constructor(private readonly prefix: string) {}

  /**
   * A fresh id and the promise of its answer (a response: result or error; never rejects).
   * `timeoutMs` 0 waits until the answer or `close`.
   */
  expect(timeoutMs: number, what: string): { id: string; answer: Promise<JsonRpcMessage> } {
    const id = `${this.prefix}${++this.next}`;
    const answer = new Promise<JsonRpcMessage>((resolve) => {
      const w: Waiting = { resolve };
      if (timeoutMs > 0) {
        w.timer = setTimeout(() => this.giveUp(id, `${what} got no answer within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
        w.timer.unref();
      }
      this.waiting.set(id, w);
    });
    return { id, answer };
  }

  /** True for an id this made and still waits on. */
  owns(id: unknown): boolean {
    return (typeof id === 'string' || typeof id === 'number') && this.waiting.has(id);
  }

  /** Takes a response to one of these requests (true), or leaves the message alone (false). */
  take(m: JsonRpcMessage): boolean {
    if (!isResponse(m) || !this.owns(m.id)) return false;
    const w = this.waiting.get(m.id)!;
    this.waiting.delete(m.id);
    clearTimeout(w.timer);
    w.resolve(m);
    return true;
  }

  /** Stops waiting on one request: its promise resolves with an error. */
  giveUp(id: JsonRpcId, why: string): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.resolve(errorResponse(id, ERR_GIVEN_UP, why, { source: PROXY_ERROR_SOURCE }));
  }

  /** Every request still waiting gets an error (the connection ended). */
  close(why: string): void {
    for (const id of [...this.waiting.keys()]) this.giveUp(id, why);
  }
}
