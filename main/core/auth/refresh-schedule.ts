/**
 * The proactive refresh schedule, on the Clock port. For every server the host asks to keep fresh
 * (`keepFresh`), one timer at the moment its held tokens need attention (the skew before expiry,
 * or the expiry itself for tokens that cannot be renewed without the user), re-armed whenever the
 * stored tokens change (sign-in, refresh, reset) and cancelled when the server leaves the set or
 * the engine is disposed. When the timer fires the tokens are renewed the way a proxy asking for
 * one would renew them (TokenKeeper.accessToken), and the new token is announced by the keeper.
 *
 * No hot loop: a renewal that changes nothing (authorization server unreachable) is retried after
 * a back-off that doubles up to a ceiling, and so is a server caught mid sign-in or waiting for the
 * user. A timer never waits longer than `maxWaitMs` before looking again, so a computer that slept
 * through the due time (timers do not count sleep) catches up soon after it wakes.
 */
import type { AuthContext } from './auth-context';
import type { TokenKeeper } from './tokens';
import type { AuthServerConfig } from './types';

export interface RefreshScheduleOptions {
  /** The first retry after a renewal that changed nothing (default 30 s), doubled each time. */
  retryMs?: number;
  /** The longest retry back-off (default 5 minutes). */
  maxRetryMs?: number;
  /** The longest a timer waits before looking again (default 5 minutes). */
  maxWaitMs?: number;
}

interface Watch {
  server: AuthServerConfig;
  timer?: { cancel(): void };
  /** Bumped by every (re)arm; a timer or a lookup of an older generation does nothing. */
  generation: number;
  failures: number;
}

export class RefreshSchedule {
  private readonly watched = new Map<string, Watch>();
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly maxWaitMs: number;
  private disposed = false;

  constructor(
    private readonly ctx: AuthContext,
    private readonly tokens: TokenKeeper,
    o: RefreshScheduleOptions = {},
  ) {
    this.retryMs = o.retryMs ?? 30_000;
    this.maxRetryMs = o.maxRetryMs ?? 5 * 60_000;
    this.maxWaitMs = o.maxWaitMs ?? 5 * 60_000;
    tokens.onDidChangeTokens((serverId) => void this.reschedule(serverId, true));
  }

  /** The servers to keep fresh; replaces the previous set (a server left out is no longer watched). */
  keepFresh(servers: readonly AuthServerConfig[]): void {
    if (this.disposed) return;
    const ids = new Set(servers.map((s) => s.id));
    for (const [id, w] of this.watched) {
      if (ids.has(id)) continue;
      w.timer?.cancel();
      w.generation++;
      this.watched.delete(id);
    }
    for (const server of servers) {
      const w = this.watched.get(server.id);
      if (w) {
        w.server = server;
        continue;
      }
      this.watched.set(server.id, { server, generation: 0, failures: 0 });
      void this.reschedule(server.id, true);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.watched.values()) {
      w.timer?.cancel();
      w.generation++;
    }
    this.watched.clear();
  }

  /** Arms the timer for the held tokens (none held: no timer). `fresh`: the tokens changed, so the back-off starts over. */
  private async reschedule(serverId: string, fresh: boolean): Promise<void> {
    const w = this.watched.get(serverId);
    if (!w || this.disposed) return;
    const generation = this.disarm(w);
    if (fresh) w.failures = 0;
    const at = await this.tokens.renewAt(serverId).catch(() => undefined);
    if (at === undefined || !this.current(w, generation)) return;
    this.arm(w, generation, at);
  }

  private disarm(w: Watch): number {
    w.timer?.cancel();
    w.timer = undefined;
    return ++w.generation;
  }

  private current(w: Watch, generation: number): boolean {
    return !this.disposed && this.watched.get(w.server.id) === w && w.generation === generation;
  }

  private arm(w: Watch, generation: number, at: number): void {
    const delay = Math.min(Math.max(0, at - this.ctx.now()), this.maxWaitMs);
    w.timer = this.ctx.clock.setTimeout(() => void this.fire(w, generation), delay);
  }

  private retry(w: Watch, generation: number): void {
    const backoff = Math.min(this.retryMs * 2 ** w.failures, this.maxRetryMs);
    w.failures++;
    this.arm(w, generation, this.ctx.now() + backoff);
  }

  private async fire(w: Watch, generation: number): Promise<void> {
    if (!this.current(w, generation)) return;
    w.timer = undefined;
    const id = w.server.id;
    try {
      const at = await this.tokens.renewAt(id);
      if (!this.current(w, generation) || at === undefined) return;
      if (this.ctx.now() < at) return this.arm(w, generation, at);
      const state = this.ctx.status(id).state;
      // Mid sign-in, or waiting for the user: the sign-in re-arms the timer when it saves tokens.
      if (state !== 'signed-in' && state !== 'unknown') return this.retry(w, generation);
      await this.tokens.accessToken(w.server);
    } catch (err) {
      this.ctx.log(id, 'debug', `The scheduled token renewal failed: ${(err as Error).message}`);
    }
    // Tokens that changed re-armed the timer (a newer generation); otherwise nothing changed: back off.
    if (this.current(w, generation)) this.retry(w, generation);
  }
}
