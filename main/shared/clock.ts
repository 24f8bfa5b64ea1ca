/**
 * The Clock port: time for whatever waits (the supervisor's backoff, the refresh schedule, the
 * proxy's retry stages), so tests drive it with fake time and never wait for real.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};
