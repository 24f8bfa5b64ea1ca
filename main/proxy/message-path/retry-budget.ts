/**
 * A server's retry budget, in the Envoy sense: of the requests in flight to one server (every
 * client of its proxy together), at most a fraction may be retries at any time (and always at
 * least a few), so a server that is down or struggling is not hammered by every client at once. A
 * retry that finds the budget spent waits its next backoff instead (within its own time budget).
 */
export class RetryBudget {
  private active = 0;
  private retrying = 0;

  constructor(
    /** The share of the requests in flight that may be retries. */
    readonly ratio = 0.2,
    /** Retries always allowed at once, however few requests are in flight. */
    readonly minConcurrent = 3,
  ) {}

  /** A client request entered the proxy (it counts until it is answered or given up). */
  requestStarted(): void {
    this.active++;
  }

  requestEnded(): void {
    this.active = Math.max(0, this.active - 1);
  }

  /** Takes a slot for one retry attempt; false when the budget is spent. */
  tryAcquire(): boolean {
    const limit = Math.max(this.minConcurrent, Math.floor(this.ratio * this.active));
    if (this.retrying >= limit) return false;
    this.retrying++;
    return true;
  }

  /** The retry attempt got its outcome (an answer, or another failure). */
  release(): void {
    this.retrying = Math.max(0, this.retrying - 1);
  }

  get retriesInFlight(): number {
    return this.retrying;
  }
}
