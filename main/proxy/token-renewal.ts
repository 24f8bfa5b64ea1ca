/**
 * The proxy's bearer token. It only ever arrives over the fork channel (with `start`, or in a
 * `token` message); when the server refuses it, main is asked once (`unauthorized`) and every
 * session waiting on a renewal shares the answer.
 */
import type { ProxyToParent } from '../shared/fork-protocol';
import { tokenHash } from '../shared/token-hash';
import type { UpstreamAuth } from './upstream-types';

export class TokenRenewal implements UpstreamAuth {
  private renewing?: Promise<string | undefined>;
  private readonly renewals = new Map<number, (token: string | undefined) => void>();
  private nextRenewal = 1;

  constructor(
    private current: string | undefined,
    private readonly emit: (msg: ProxyToParent) => void,
    /** How long a request waits for main to renew a refused token (refresh, or a sign-in). */
    private readonly timeoutMs = 6 * 60_000,
  ) {}

  token(): string | undefined {
    return this.current;
  }

  /** Main sent a token. True when it answered a renewal (else it is a push: sign-in, refresh, reset). */
  receive(token: string | undefined, requestId?: number): boolean {
    this.current = token;
    if (requestId === undefined) return false;
    this.renewals.get(requestId)?.(token);
    this.renewals.delete(requestId);
    return true;
  }

  /** One renewal at a time: concurrent 401s from many sessions share it. */
  renew(status: number, wwwAuthenticate?: string): Promise<string | undefined> {
    if (this.renewing) return this.renewing;
    const requestId = this.nextRenewal++;
    const refused = this.current;
    this.renewing = new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.renewals.delete(requestId);
        resolve(undefined);
      }, this.timeoutMs);
      this.renewals.set(requestId, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
      this.emit({ type: 'unauthorized', requestId, status, wwwAuthenticate, tokenHash: refused ? tokenHash(refused) : undefined });
    }).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  /** Renewals still waiting get no token. */
  dispose(): void {
    for (const resolve of this.renewals.values()) resolve(undefined);
    this.renewals.clear();
  }
}
