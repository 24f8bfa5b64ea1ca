/**
 * The live log viewer: one timeline of traffic and process lines of one server or of all of them,
 * with level / server / text filters and quick chips (Errors, Sign-in, Tool calls), pause and
 * jump-to-latest, Copy and Export diagnostics. A request and its answer are one row (method,
 * duration, size, outcome); a Client column names who made the connection (the app's own tools
 * listing is labelled as such); the message gets the width; a new day starts with its date; a
 * click on a row opens its details (full text, the event as JSON, the error, Copy).
 *
 * Data: it subscribes to `logs:did-append` first, then asks for `logs:tail`, and joins the two
 * without duplicates (log-merge.ts). Lines live in a LogModel outside React (a ring capped at
 * DEFAULT_CAPACITY lines plus an incrementally filtered view, log-model.ts); appends only schedule
 * one render per animation frame. The list is virtualized with a fixed row height
 * (log-window.ts): only the visible rows plus an overscan are in the DOM.
 */
import { useCallback, useDeferredValue, useEffect, useId, useLayoutEffect, useReducer, useRef, useState } from 'react';
import type { KeyboardEvent, UIEvent } from 'react';
import type { LogEvent, LogLevel, ServerSummary } from '../../../../common/contract';
import { call, on } from '../../api';
import { count, formatBytes } from '../../format';
import { lineText, sameDay, statusText } from './log-format';
import { LogDetails } from './LogDetails';
import { LogLine, ROW_HEIGHT } from './LogLine';
import { mergeTail } from './log-merge';
import { DEFAULT_CAPACITY, LEVELS, LogModel, type LogFilter, type LogRow, type LogTopicFilter } from './log-model';
import { computeWindow, isAtBottom, maxScrollTop, scrollTargetForKey } from './log-window';
import './logs.css';

export interface LogViewerProps {
  /** Servers to label lines with and to offer in the server filter. */
  servers: ServerSummary[];
  /** Start filtered to one server; absent: all servers. */
  initialServerId?: string;
  /** Compact height for embedding in the server detail view. */
  compact?: boolean;
  /** Lines kept in memory (default DEFAULT_CAPACITY); older ones are dropped. */
  capacity?: number;
  /** Only the server of `initialServerId` (the server page): no server choice. */
  lockServer?: boolean;
  /** The level shown at first (default: info and above; debug is the protocol traffic). */
  defaultLevel?: LogLevel;
}

export { ROW_HEIGHT };
/** Rows rendered beyond each edge of the viewport: enough for a wheel step, few to rebuild on a jump. */
export const OVERSCAN = 8;
/** Lines asked of `logs:tail` (the handler's maximum). */
export const TAIL_LIMIT = 10_000;
/** Viewport height to assume before layout has measured one (and in jsdom, which has no layout). */
const FALLBACK_HEIGHT = { compact: 264, full: 528 };

const LEVEL_OPTIONS: Record<LogLevel, string> = {
  debug: 'All, with protocol traffic',
  info: 'Info and above',
  warn: 'Warnings and errors',
  error: 'Errors only',
};

const CHIPS: Array<{ id: LogTopicFilter; label: string }> = [
  { id: 'errors', label: 'Errors' },
  { id: 'sign-in', label: 'Sign-in' },
  { id: 'tools', label: 'Tool calls' },
];

type Load = { kind: 'loading' } | { kind: 'ready' } | { kind: 'failed'; error: string };
type Note = { kind: 'ok' | 'error'; text: string } | undefined;

const raf: (cb: () => void) => unknown = typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(cb, 16);

export function LogViewer({
  servers,
  initialServerId,
  compact = false,
  capacity = DEFAULT_CAPACITY,
  lockServer = false,
  defaultLevel = 'info',
}: LogViewerProps) {
  const ids = useId();
  const modelRef = useRef<LogModel | null>(null);
  if (modelRef.current === null || modelRef.current.ring.capacity !== capacity) modelRef.current = new LogModel(capacity);
  const model = modelRef.current;

  // One render per frame however many batches arrive.
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const scheduled = useRef(false);
  const schedule = useCallback(() => {
    if (scheduled.current) return;
    scheduled.current = true;
    raf(() => {
      scheduled.current = false;
      rerender();
    });
  }, []);

  // ---- filters ----
  const [serverFilter, setServerFilter] = useState<string | undefined>(initialServerId);
  /** What was loaded: one server's log, or every server's (undefined). */
  const [scope, setScope] = useState<string | undefined>(initialServerId);
  const [minLevel, setMinLevel] = useState<LogLevel>(defaultLevel);
  const [topic, setTopic] = useState<LogTopicFilter | undefined>();
  const [queryInput, setQueryInput] = useState('');
  const query = useDeferredValue(queryInput);
  const [selected, setSelected] = useState<LogRow | undefined>();

  useEffect(() => {
    setServerFilter(initialServerId);
    setScope(initialServerId);
  }, [initialServerId]);

  const chooseServer = (value: string) => {
    const next = value === '' ? undefined : value;
    setServerFilter(next);
    // Only one server's log was loaded: load what the new choice needs.
    if (scope !== undefined && next !== scope) setScope(next);
  };

  const filter: LogFilter = { serverId: serverFilter, minLevel, query, ...(topic ? { topic } : {}) };
  model.setFilter(filter); // idempotent; rebuilds the view only when the filter changed
  const view = model.view;

  // ---- loading: subscribe, then tail, then join ----
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  useEffect(() => {
    let alive = true;
    model.reset();
    let pending: LogEvent[] | null = [];
    const off = on('logs:did-append', (events) => {
      const mine = scope === undefined ? events : events.filter((e) => e.server === scope);
      if (mine.length === 0) return;
      if (pending) {
        for (const e of mine) pending.push(e);
      } else {
        model.append(mine);
        schedule();
      }
    });
    setLoad({ kind: 'loading' });
    void call('logs:tail', scope === undefined ? { limit: TAIL_LIMIT } : { serverId: scope, limit: TAIL_LIMIT }).then((r) => {
      if (!alive) return;
      const live = pending ?? [];
      pending = null;
      model.append(mergeTail(r.ok ? r.value : [], live));
      setLoad(r.ok ? { kind: 'ready' } : { kind: 'failed', error: r.error });
      schedule();
    });
    return () => {
      alive = false;
      off();
    };
  }, [model, scope, schedule]);

  // ---- scrolling ----
  const scrollerRef = useRef<HTMLDivElement>(null);
  const [viewportHeight, setViewportHeight] = useState(compact ? FALLBACK_HEIGHT.compact : FALLBACK_HEIGHT.full);
  const [scrollTop, setScrollTop] = useState(0);
  const [follow, setFollow] = useState(true);
  /** view.appended when the reader paused (to count what arrived since); per view generation. */
  const pausedAt = useRef({ generation: -1, appended: 0 });
  const seenRemoved = useRef({ generation: -1, removed: 0 });
  /** scrollTop values we set ourselves: their scroll events are not the user's. */
  const ownScroll = useRef<number | null>(null);

  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    const measure = () => {
      if (el.clientHeight > 0) setViewportHeight(el.clientHeight);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const rows = view.length;
  const contentHeight = rows * ROW_HEIGHT;
  const max = maxScrollTop(rows, ROW_HEIGHT, viewportHeight);
  const top = follow ? max : Math.min(scrollTop, max);
  const win = computeWindow({ count: rows, rowHeight: ROW_HEIGHT, viewportHeight, scrollTop: top, overscan: OVERSCAN });

  const setScroll = useCallback((el: HTMLElement, value: number) => {
    const before = el.scrollTop;
    el.scrollTop = value;
    // The browser clamps; remember what it took. No change, no scroll event: nothing to remember.
    if (el.scrollTop !== before) ownScroll.current = el.scrollTop;
    setScrollTop(el.scrollTop);
  }, []);

  // After every render: stick to the bottom when following; when paused, keep the reader's lines
  // in place although older lines left the top of the ring.
  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    const removed = view.removedFront;
    const gen = model.generation;
    const lastRemoved = seenRemoved.current.generation === gen ? seenRemoved.current.removed : removed;
    seenRemoved.current = { generation: gen, removed };
    if (follow) {
      if (el.scrollTop !== max) setScroll(el, max);
    } else if (removed > lastRemoved) {
      setScroll(el, Math.max(0, el.scrollTop - (removed - lastRemoved) * ROW_HEIGHT));
    }
  });

  const pause = useCallback(() => {
    pausedAt.current = { generation: model.generation, appended: model.view.appended };
    setFollow(false);
  }, [model]);

  const resume = useCallback(() => {
    setFollow(true);
    const el = scrollerRef.current;
    if (el) setScroll(el, maxScrollTop(model.view.length, ROW_HEIGHT, viewportHeight));
  }, [model, setScroll, viewportHeight]);

  const onScroll = (ev: UIEvent<HTMLDivElement>) => {
    const el = ev.currentTarget;
    const now = el.scrollTop;
    setScrollTop(now);
    if (ownScroll.current !== null && Math.abs(now - ownScroll.current) < 1) {
      ownScroll.current = null;
      return;
    }
    ownScroll.current = null;
    const atBottom = isAtBottom(now, el.clientHeight || viewportHeight, contentHeight, ROW_HEIGHT);
    if (follow && !atBottom) pause();
    else if (!follow && atBottom) setFollow(true);
  };

  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>) => {
    if (ev.target !== ev.currentTarget || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const el = ev.currentTarget;
    const target = scrollTargetForKey(ev.key, { scrollTop: el.scrollTop, viewportHeight, rowHeight: ROW_HEIGHT, count: rows });
    if (target === undefined) return;
    ev.preventDefault();
    if (ev.key === 'End') {
      resume();
      return;
    }
    if (follow && target < max) pause();
    setScroll(el, target);
  };

  const newWhilePaused = !follow && pausedAt.current.generation === model.generation ? Math.max(0, view.appended - pausedAt.current.appended) : 0;

  // ---- copy and diagnostics ----
  const nameOf = useCallback((id: string) => servers.find((s) => s.id === id)?.name ?? id, [servers]);
  const [copyNote, setCopyNote] = useState<Note>();
  const copy = async () => {
    const names = new Map(servers.map((s) => [s.id, s.name]));
    const lines: string[] = new Array(view.length);
    let i = 0;
    for (const row of view) lines[i++] = lineText(row.event, names.get(row.event.server) ?? row.event.server);
    const text = lines.join('\n') + (lines.length ? '\n' : '');
    try {
      if (!navigator.clipboard?.writeText) throw new Error('the clipboard is not available here');
      await navigator.clipboard.writeText(text);
      setCopyNote({ kind: 'ok', text: `Copied ${count(lines.length)} line${lines.length === 1 ? '' : 's'}.` });
    } catch (err) {
      setCopyNote({ kind: 'error', text: `Could not copy: ${err instanceof Error ? err.message : String(err)}` });
    }
  };

  const [exporting, setExporting] = useState(false);
  const [exportNote, setExportNote] = useState<Note>();
  const exportDiagnostics = async () => {
    setExporting(true);
    setExportNote(undefined);
    const r = await call('logs:export-diagnostics', undefined);
    setExporting(false);
    setExportNote(
      r.ok
        ? { kind: 'ok', text: `Diagnostics written to ${r.value.file} (${formatBytes(r.value.bytes)}).` }
        : { kind: 'error', text: `Could not export diagnostics: ${r.error}` },
    );
  };

  // ---- render ----
  const filtered = (serverFilter !== undefined && !lockServer) || minLevel !== 'debug' || query.trim() !== '' || topic !== undefined;
  const oneServer = serverFilter !== undefined;
  const status = statusText({
    shown: rows,
    held: model.ring.size,
    dropped: model.ring.dropped,
    capacity: model.ring.capacity,
    query,
    filtered,
    following: follow,
    newWhilePaused,
  });
  const knownServer = serverFilter === undefined || servers.some((s) => s.id === serverFilter);
  const nowRef = Date.now();
  const visible = view.slice(win.start, win.end);
  const listId = `${ids}-list`;

  return (
    <section className={`lv${compact ? ' lv-compact' : ''}${oneServer ? ' lv-one-server' : ''}`} aria-label="Logs">
      <div className="lv-toolbar">
        {!lockServer && (
          <label className="lv-field">
            <span className="lv-label">Server</span>
            <select className="lv-select" value={serverFilter ?? ''} onChange={(e) => chooseServer(e.target.value)}>
              <option value="">All servers</option>
              {servers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
              {!knownServer && serverFilter && <option value={serverFilter}>{serverFilter}</option>}
            </select>
          </label>
        )}
        <label className="lv-field">
          <span className="lv-label">Level</span>
          <select className="lv-select" value={minLevel} onChange={(e) => setMinLevel(e.target.value as LogLevel)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {LEVEL_OPTIONS[l]}
              </option>
            ))}
          </select>
        </label>
        <div className="lv-chips" role="group" aria-label="Show only">
          {CHIPS.map((c) => (
            <button
              key={c.id}
              type="button"
              className={`lv-chip${topic === c.id ? ' lv-chip-on' : ''}`}
              aria-pressed={topic === c.id}
              onClick={() => setTopic((t) => (t === c.id ? undefined : c.id))}
            >
              {c.label}
            </button>
          ))}
        </div>
        <label className="lv-field lv-search">
          <span className="lv-sr-only">Search the log</span>
          <input
            type="search"
            className="lv-input"
            placeholder="Search"
            value={queryInput}
            onChange={(e) => setQueryInput(e.target.value)}
            aria-controls={listId}
          />
        </label>
        <div className="lv-actions">
          <button
            type="button"
            className="btn btn-small lv-btn"
            aria-pressed={!follow}
            onClick={() => (follow ? pause() : resume())}
            title={follow ? 'Stop following new lines' : 'Follow new lines again'}
          >
            {follow ? 'Pause' : 'Resume'}
          </button>
          <button type="button" className="btn btn-small lv-btn" onClick={() => void copy()} disabled={rows === 0}>
            Copy
          </button>
          {!compact && (
            <button type="button" className="btn btn-small lv-btn" onClick={() => void exportDiagnostics()} disabled={exporting}>
              {exporting ? 'Exporting…' : 'Export diagnostics'}
            </button>
          )}
        </div>
      </div>

      {load.kind === 'failed' && (
        <div className="lv-note lv-note-error" role="alert">
          Could not load earlier lines: {load.error}. New lines still appear.
        </div>
      )}
      {exportNote && (
        <div className={`lv-note lv-note-${exportNote.kind}`} role={exportNote.kind === 'error' ? 'alert' : 'status'}>
          {exportNote.text}
        </div>
      )}
      {copyNote && (
        <div className={`lv-note lv-note-${copyNote.kind}`} role={copyNote.kind === 'error' ? 'alert' : 'status'}>
          {copyNote.text}
        </div>
      )}

      <div className="lv-frame">
        <div className="lv-row lv-head" aria-hidden="true">
          <span className="lv-c-time">Time</span> <span className="lv-c-level">Level</span> {!oneServer && <span className="lv-c-server">Server</span>}{' '}
          <span className="lv-c-client">Client</span> <span className="lv-c-msg">Message</span>
        </div>
        <div
          ref={scrollerRef}
          className="lv-scroller"
          tabIndex={0}
          role="log"
          aria-live="off"
          aria-label={`Log lines${oneServer ? ` of ${nameOf(serverFilter!)}` : ' of all servers'}`}
          aria-describedby={`${ids}-status`}
          onScroll={onScroll}
          onKeyDown={onKeyDown}
        >
          {/* Rows sit at their own offsets in one tall box: scrolling moves them natively, and a
              row that stays in the window is neither re-rendered nor repainted. */}
          <div id={listId} role="list" className="lv-rows" style={{ height: win.total }}>
            {visible.map((row, i) => {
              const pos = win.start + i + 1;
              const prev = pos > 1 ? view.at(pos - 2) : undefined;
              return (
                <LogLine
                  key={row.seq}
                  row={row}
                  serverName={nameOf(row.event.server)}
                  showServer={!oneServer}
                  query={query}
                  pos={pos}
                  size={rows}
                  newDay={!prev || !sameDay(prev.event.ts, row.event.ts)}
                  now={nowRef}
                  selected={selected?.seq === row.seq}
                  onSelect={setSelected}
                />
              );
            })}
          </div>
          {rows === 0 && (
            <div className="lv-empty">{load.kind === 'loading' ? 'Loading…' : model.ring.size === 0 ? 'No log lines yet.' : 'No lines match the filters.'}</div>
          )}
        </div>
        {!follow && (
          <button type="button" className="lv-jump" onClick={resume}>
            {newWhilePaused > 0 ? `${count(newWhilePaused)} new line${newWhilePaused === 1 ? '' : 's'} — jump to latest` : 'Jump to latest'}
          </button>
        )}
      </div>
      {selected && <LogDetails row={selected} serverName={nameOf(selected.event.server)} onClose={() => setSelected(undefined)} />}
      <p className="lv-status" id={`${ids}-status`} role="status" aria-live="polite">
        {status}
      </p>
    </section>
  );
}
