import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { LogEvent } from '../../../preload/contract';
import { call, on } from '../api';
import { clockTime, logExtras, logKey } from '../format';

/** Lines kept per open panel; older ones scroll away. */
export const TAIL_LIMIT = 200;

function merge(current: LogEvent[], incoming: LogEvent[], seen: Set<string>): LogEvent[] {
  const fresh = incoming.filter((e) => {
    const k = logKey(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (fresh.length === 0) return current;
  const next = [...current, ...fresh];
  return next.length > TAIL_LIMIT ? next.slice(-TAIL_LIMIT) : next;
}

export function LogTail({ serverId, id, hostLabel }: { serverId: string; id: string; hostLabel: string }) {
  const [lines, setLines] = useState<LogEvent[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [loaded, setLoaded] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);

  useEffect(() => {
    let alive = true;
    const seen = new Set<string>();
    let pending: LogEvent[] = [];
    let tailDone = false;
    // Subscribe first, then tail; events that race the tail are de-duplicated by key.
    const off = on('logs:did-append', (events) => {
      const mine = events.filter((e) => e.server === serverId);
      if (mine.length === 0) return;
      if (!tailDone) pending.push(...mine);
      else setLines((cur) => merge(cur, mine, seen));
    });
    void call('logs:tail', { serverId, limit: TAIL_LIMIT }).then((r) => {
      if (!alive) return;
      tailDone = true;
      setLoaded(true);
      if (!r.ok) setError(r.error);
      setLines(merge(merge([], r.ok ? r.value : [], seen), pending, seen));
      pending = [];
    });
    return () => {
      alive = false;
      off();
    };
  }, [serverId]);

  // Follow the tail unless the user scrolled up to read.
  useLayoutEffect(() => {
    const box = boxRef.current;
    if (box && stickRef.current) box.scrollTop = box.scrollHeight;
  }, [lines]);

  return (
    <div className="logs" id={id}>
      <div className="logs-head">
        <span>Live log · {hostLabel}</span>
        <span className="live-dot" aria-hidden="true" />
      </div>
      <div
        className="logs-body"
        ref={boxRef}
        role="log"
        aria-live="polite"
        aria-label={`Log of ${hostLabel}`}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {error && <div className="log-line log-error">Could not load the log: {error}</div>}
        {loaded && !error && lines.length === 0 && <div className="log-empty">No log lines yet.</div>}
        {lines.map((e) => (
          <div key={logKey(e)} className={`log-line log-${e.level}`} data-testid="log-line">
            <span className="log-ts">{clockTime(e.ts)}</span>
            <span className="log-level">{e.level}</span>
            {e.connection !== undefined && <span className="log-conn">#{e.connection}</span>}
            <span className="log-msg">{e.message}</span>
            {logExtras(e) && <span className="log-extra">{logExtras(e)}</span>}
          </div>
        ))}
      </div>
    </div>
  );
}
