/**
 * The log viewer's data, kept outside React: a capped ring of lines (oldest dropped first) and a
 * filtered view over it that is updated incrementally as lines arrive and drop. A request and its
 * answer are one row: the answer's row carries the request, and the request's own row leaves the
 * view once answered (the way a browser's network panel shows a request). Pure TypeScript, no DOM:
 * unit-tested in log-model.test.ts.
 */
import type { LogEvent, LogLevel } from '../../../../common/contract';

/** Lines kept in memory by the viewer; older ones are dropped (and the UI says so). */
export const DEFAULT_CAPACITY = 150_000;

export const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
export const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** One line in the viewer: the event and its arrival number (stable key, never reused). */
export interface LogRow {
  seq: number;
  event: LogEvent;
  /** Lower-cased search text, computed on first search. */
  lower?: string;
  /** On an answer: the request it answers (the two are shown as this one row). */
  request?: LogEvent;
  /** On a request: its answer arrived, so the answer's row shows both. */
  answered?: boolean;
}

/** Quick filters beside the level: errors (and failed calls), the sign-in engine's lines, tool calls. */
export type LogTopicFilter = 'errors' | 'sign-in' | 'tools';

export interface LogFilter {
  /** Only this server's lines; absent: every server. */
  serverId?: string;
  /** Lines at this level or above. */
  minLevel: LogLevel;
  /** Case-insensitive substring of the message or method; empty: no text filter. */
  query: string;
  topic?: LogTopicFilter;
}

export const NO_FILTER: LogFilter = { minLevel: 'debug', query: '' };

/** Requests remembered while they wait for an answer (one that never comes is forgotten eventually). */
const MAX_WAITING = 10_000;

export function sameFilter(a: LogFilter, b: LogFilter): boolean {
  return a.serverId === b.serverId && a.minLevel === b.minLevel && a.query === b.query && a.topic === b.topic;
}

/** The text a search looks in: method and message (what the line shows). */
export function searchText(row: LogRow): string {
  if (row.lower === undefined) {
    const e = row.event;
    row.lower = `${e.method ? `${e.method} ` : ''}${e.message}${e.client ? ` ${e.client}` : ''}`.toLowerCase();
  }
  return row.lower;
}

/** A predicate for `filter`, with the query lower-cased once. */
export function rowMatcher(filter: LogFilter): (row: LogRow) => boolean {
  const min = LEVEL_RANK[filter.minLevel] ?? 0;
  const q = filter.query.trim().toLowerCase();
  const server = filter.serverId;
  const topic = filter.topic;
  return (row) => {
    const e = row.event;
    if (row.answered) return false;
    if (server !== undefined && e.server !== server) return false;
    if ((LEVEL_RANK[e.level] ?? 0) < min) return false;
    if (topic === 'errors' && LEVEL_RANK[e.level] < LEVEL_RANK.warn) return false;
    if (topic === 'sign-in' && e.topic !== 'sign-in') return false;
    if (topic === 'tools' && e.method !== 'tools/call') return false;
    return q === '' || searchText(row).includes(q);
  };
}

/** Fixed-capacity FIFO of rows with O(1) push and index access (0 = oldest kept). */
export class LogRing {
  private readonly items: (LogRow | undefined)[] = [];
  private start = 0;
  private count = 0;
  private nextSeq = 0;
  /** Lines dropped because the ring was full, since the last reset. */
  dropped = 0;

  constructor(readonly capacity: number = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
  }

  get size(): number {
    return this.count;
  }

  /** Seq of the oldest row kept (equals `endSeq` when empty). */
  get firstSeq(): number {
    return this.nextSeq - this.count;
  }

  /** Seq the next row will get. */
  get endSeq(): number {
    return this.nextSeq;
  }

  at(i: number): LogRow | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  /** Appends events in order; returns the new rows that are still kept (all, unless the batch overflowed). */
  push(events: readonly LogEvent[]): LogRow[] {
    const added: LogRow[] = [];
    const skip = Math.max(0, events.length - this.capacity);
    // A batch larger than the ring: its first `skip` events would drop at once; count them only.
    this.nextSeq += skip;
    this.dropped += skip;
    for (let i = skip; i < events.length; i++) {
      const row: LogRow = { seq: this.nextSeq++, event: events[i] };
      if (this.count < this.capacity) {
        this.items[(this.start + this.count) % this.capacity] = row;
        this.count++;
      } else {
        this.items[this.start] = row;
        this.start = (this.start + 1) % this.capacity;
        this.dropped++;
      }
      added.push(row);
    }
    return added;
  }

  *[Symbol.iterator](): IterableIterator<LogRow> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.start + i) % this.capacity] as LogRow;
  }

  clear(): void {
    this.items.length = 0;
    this.start = 0;
    this.count = 0;
    this.dropped = 0;
  }
}

/**
 * The rows of a ring that pass a filter, oldest first. Appends are filtered one by one; rows the
 * ring dropped leave from the front. `removedFront` and `appended` only grow, so the UI can keep
 * a paused reader's place and count the lines that arrived since it paused.
 */
export class FilteredView {
  private rows: LogRow[] = [];
  private head = 0;
  private readonly test: (row: LogRow) => boolean;
  /** Rows removed from the front (dropped by the ring) since this view was built. */
  removedFront = 0;
  /** Rows added at the end since this view was built (not counting the initial ones). */
  appended = 0;

  constructor(
    readonly filter: LogFilter,
    source: Iterable<LogRow> = [],
  ) {
    this.test = rowMatcher(filter);
    for (const row of source) if (this.test(row)) this.rows.push(row);
  }

  get length(): number {
    return this.rows.length - this.head;
  }

  at(i: number): LogRow | undefined {
    return i >= 0 && i < this.length ? this.rows[this.head + i] : undefined;
  }

  /** Rows [from, to) (clamped). */
  slice(from: number, to: number): LogRow[] {
    const a = Math.max(0, from);
    const b = Math.min(this.length, to);
    return b > a ? this.rows.slice(this.head + a, this.head + b) : [];
  }

  add(rows: readonly LogRow[]): number {
    let n = 0;
    for (const row of rows) {
      if (this.test(row)) {
        this.rows.push(row);
        n++;
      }
    }
    this.appended += n;
    return n;
  }

  /** Takes out one row (a request whose answer arrived): searched from the end, where it usually is. */
  remove(row: LogRow): boolean {
    for (let i = this.rows.length - 1; i >= this.head; i--) {
      if (this.rows[i] !== row) continue;
      this.rows.splice(i, 1);
      return true;
    }
    return false;
  }

  /** Removes front rows whose seq is below `seq` (the ring's oldest kept row). */
  dropBefore(seq: number): number {
    let n = 0;
    while (this.head < this.rows.length && this.rows[this.head].seq < seq) {
      this.head++;
      n++;
    }
    // Compact now and then so the dead prefix does not grow without bound.
    if (this.head > 4096 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
    this.removedFront += n;
    return n;
  }

  *[Symbol.iterator](): IterableIterator<LogRow> {
    for (let i = this.head; i < this.rows.length; i++) yield this.rows[i];
  }
}

/** Ring + filtered view: what the viewer holds. */
export class LogModel {
  readonly ring: LogRing;
  private current: FilteredView;
  /** Bumped whenever the view is rebuilt (filter change or reset). */
  generation = 0;

  constructor(capacity = DEFAULT_CAPACITY, filter: LogFilter = NO_FILTER) {
    this.ring = new LogRing(capacity);
    this.current = new FilteredView(filter);
  }

  get view(): FilteredView {
    return this.current;
  }

  get filter(): LogFilter {
    return this.current.filter;
  }

  /** Requests waiting for their answer, by server, connection and id (bounded). */
  private readonly waiting = new Map<string, LogRow>();

  append(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    const added = this.ring.push(events);
    for (const row of added) this.pair(row);
    this.current.dropBefore(this.ring.firstSeq);
    this.current.add(added);
    // A batch larger than the ring may have dropped rows it just added.
    this.current.dropBefore(this.ring.firstSeq);
  }

  /** Rebuilds the view for a new filter (no-op if equal). Returns whether it changed. */
  setFilter(filter: LogFilter): boolean {
    if (sameFilter(filter, this.current.filter)) return false;
    this.current = new FilteredView(filter, this.ring);
    this.generation++;
    return true;
  }

  /** A request waits for its answer; an answer takes its request into its row. */
  private pair(row: LogRow): void {
    const e = row.event;
    if (e.id === undefined || e.id === null || !e.method || !e.direction) return;
    const key = `${e.server}\u0000${e.connection ?? ''}\u0000${String(e.id)}`;
    if (e.direction === 'client-to-server') {
      if (this.waiting.size >= MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
      this.waiting.set(key, row);
      return;
    }
    const request = this.waiting.get(key);
    if (!request || request.event.method !== e.method) return;
    this.waiting.delete(key);
    row.request = request.event;
    row.lower = undefined;
    request.answered = true;
    this.current.remove(request);
  }

  reset(): void {
    this.waiting.clear();
    this.ring.clear();
    this.current = new FilteredView(this.current.filter);
    this.generation++;
  }
}
