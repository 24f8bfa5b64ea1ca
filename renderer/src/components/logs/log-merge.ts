/**
 * Joining the initial tail with the live events that arrived while it was loading.
 *
 * The viewer subscribes to `logs:did-append` before it asks for `logs:tail`, so nothing is lost;
 * the price is an overlap: events appended just before the tail was read can be in both. Per
 * server, main's tail keeps append order and the live stream is in append order too, so the
 * overlap is exactly a suffix of that server's tail that equals a prefix of its live events.
 * Matching that (rather than dropping every live event whose key appears in the tail) keeps two
 * genuinely identical lines that happened to come in both before and after.
 */
import type { LogEvent } from '../../../../common/contract';

/** Identity of an event for de-duplication: every field the line shows. */
export function eventKey(e: LogEvent): string {
  return [
    e.ts,
    e.server,
    e.level,
    e.connection ?? '',
    e.method ?? '',
    e.id === undefined ? '' : String(e.id),
    e.direction ?? '',
    e.durationMs ?? '',
    e.size ?? '',
    e.message,
  ].join('\u0000');
}

function byServer(events: readonly LogEvent[]): Map<string, LogEvent[]> {
  const out = new Map<string, LogEvent[]>();
  for (const e of events) {
    let list = out.get(e.server);
    if (!list) out.set(e.server, (list = []));
    list.push(e);
  }
  return out;
}

/** Length of the longest suffix of `tail` that equals a prefix of `live` (by key). */
export function overlapLength(tail: readonly string[], live: readonly string[]): number {
  const max = Math.min(tail.length, live.length);
  // Try the longest overlap first; the first that fits is the answer.
  for (let k = max; k > 0; k--) {
    const from = tail.length - k;
    if (tail[from] !== live[0]) continue;
    let ok = true;
    for (let i = 1; i < k; i++) {
      if (tail[from + i] !== live[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return k;
  }
  return 0;
}

/**
 * The tail followed by the live events that are not already in it (live order kept).
 * `tail` is oldest first, as `logs:tail` returns it.
 */
export function mergeTail(tail: readonly LogEvent[], live: readonly LogEvent[]): LogEvent[] {
  if (live.length === 0) return [...tail];
  if (tail.length === 0) return [...live];
  const tailByServer = byServer(tail);
  const liveByServer = byServer(live);
  const skip = new Set<LogEvent>();
  for (const [server, liveEvents] of liveByServer) {
    const tailEvents = tailByServer.get(server);
    if (!tailEvents) continue;
    const k = overlapLength(tailEvents.map(eventKey), liveEvents.map(eventKey));
    for (let i = 0; i < k; i++) skip.add(liveEvents[i]);
  }
  const out = [...tail];
  for (const e of live) if (!skip.has(e)) out.push(e);
  return out;
}
