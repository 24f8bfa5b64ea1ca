/**
 * A Clock whose time only moves when the test says (test-only). `advance(ms)` runs, in order,
 * every timer that falls due on the way, each at its own due time; nothing runs by itself. This
 * is the Clock port the core's services take (the sign-in engine, the proxy supervisor, the client
 * file lock), not a mock of them: tests move time instead of waiting for it.
 */
import type { Clock } from '../ports';

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.now()) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** Moves time forward by `ms`, running each timer that falls due at its due time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }

  /** Moves time to `at` (never backwards), running what falls due on the way. */
  advanceTo(at: number): void {
    this.advance(Math.max(0, at - this.t));
  }

  /** Due times of the timers not yet run or cancelled, earliest first. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at).sort((a, b) => a - b);
  }
}
