/**
 * Proxies on demand: a running proxy with no connection for the idle time is asked to stop (it
 * decides, with its endpoint closed in the same turn: fork message `stop-if-idle`), and a server
 * with no proxy (parked, state `idle`) is checked by the host on a slow schedule, when it becomes
 * idle, after its sign-in changed and when the computer wakes or its network changes, so its state
 * stays true (`needs-sign-in`, `retrying` for a server that does not answer). Time comes from the
 * Clock port. A client's first connection starts the proxy (ProxyFleet.ensureRunning).
 */
import type { ServerStatus } from '../../../common/contract';
import type { Clock } from '../ports';
import type { StateCheckResult } from '../servers/state-check';

/** A server with no proxy is checked this often (a plain HTTP round trip per server). */
export const CHECK_EVERY_MS = 15 * 60_000;

export interface OnDemandTarget {
  isParked(serverId: string): boolean;
  stopIfIdle(serverId: string): void;
  applyCheck(serverId: string, ev: { type: 'checked'; outcome: StateCheckResult['outcome']; detail?: string; nextCheckAt?: number }): void;
}

export interface OnDemandOptions {
  clock: Clock;
  target: OnDemandTarget;
  /** The idle time now (Settings); 0: proxies run all the time, none is stopped. */
  idleMs(): number;
  /** One check of a server that has no proxy. */
  check(serverId: string): Promise<StateCheckResult>;
  /** The servers to check on the schedule (enabled ones). */
  ids(): string[];
  checkEveryMs?: number;
}

export class OnDemand {
  /** Per running proxy: the pid its idle timer is for, and the timer. */
  private readonly idle = new Map<string, { pid: number; timer: { cancel(): void } }>();
  private readonly wasParked = new Set<string>();
  private readonly checking = new Set<string>();
  private schedule?: { cancel(): void };
  private disposed = false;

  constructor(private readonly opts: OnDemandOptions) {}

  private get checkEveryMs(): number {
    return this.opts.checkEveryMs ?? CHECK_EVERY_MS;
  }

  /** Starts the slow schedule of checks. */
  start(): void {
    this.schedule?.cancel();
    this.schedule = this.opts.clock.setTimeout(() => {
      void this.checkNow();
      this.start();
    }, this.checkEveryMs);
  }

  /**
   * Every status change of the supervisor: a running proxy with no connection gets an idle timer
   * (one per process), a connection or the end of the process cancels it; a server that just
   * became idle is checked at once.
   */
  observe(s: ServerStatus): void {
    if (this.disposed) return;
    const current = this.idle.get(s.serverId);
    const quiet = s.pid !== undefined && s.counters.connections === 0 && this.opts.idleMs() > 0;
    if (!quiet || current?.pid !== s.pid) {
      current?.timer.cancel();
      this.idle.delete(s.serverId);
    }
    if (quiet && !this.idle.has(s.serverId)) this.arm(s.serverId, s.pid!);
    const parked = s.pid === undefined && this.opts.target.isParked(s.serverId);
    if (parked && !this.wasParked.has(s.serverId)) void this.checkNow([s.serverId]);
    if (parked) this.wasParked.add(s.serverId);
    else this.wasParked.delete(s.serverId);
  }

  private arm(serverId: string, pid: number): void {
    const timer = this.opts.clock.setTimeout(() => {
      this.idle.delete(serverId);
      // Asked again after another idle time if the proxy is busy (its answer changes no status).
      this.arm(serverId, pid);
      this.opts.target.stopIfIdle(serverId);
    }, this.opts.idleMs());
    this.idle.set(serverId, { pid, timer });
  }

  /** The idle time changed: timers run again from now with the new time (0 cancels them). */
  resetTimers(): void {
    for (const [id, { pid, timer }] of [...this.idle]) {
      timer.cancel();
      this.idle.delete(id);
      if (this.opts.idleMs() > 0) this.arm(id, pid);
    }
  }

  /** Checks parked servers now (all of them, or those named): at wake, on a network change, after a sign-in. */
  async checkNow(ids: string[] = this.opts.ids()): Promise<void> {
    const due = ids.filter((id) => this.opts.target.isParked(id) && !this.checking.has(id));
    await Promise.all(
      due.map(async (id) => {
        this.checking.add(id);
        try {
          const r = await this.opts.check(id).catch((err: Error) => ({ outcome: 'unreachable' as const, detail: err.message }));
          if (this.disposed) return;
          this.opts.target.applyCheck(id, { type: 'checked', ...r, nextCheckAt: this.opts.clock.now() + this.checkEveryMs });
        } finally {
          this.checking.delete(id);
        }
      }),
    );
  }

  forget(serverId: string): void {
    this.idle.get(serverId)?.timer.cancel();
    this.idle.delete(serverId);
    this.wasParked.delete(serverId);
  }

  dispose(): void {
    this.disposed = true;
    this.schedule?.cancel();
    for (const { timer } of this.idle.values()) timer.cancel();
    this.idle.clear();
  }
}
