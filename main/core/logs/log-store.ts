/**
 * Logs of every server: a ring buffer per server for the live view, and a size-capped rotating
 * JSONL file per server on disk. Everything passes the Redactor first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogEvent } from '../../../common/contract';
import { RingBuffer } from './ring-buffer';
import { RotatingFile } from './rotating-file';
import { Redactor } from './redactor';

export interface LogStoreOptions {
  logsDir: string;
  ringSize?: number;
  maxFileBytes?: number;
  keepFiles?: number;
  /** Minimum level written to disk (the ring keeps everything). */
  fileLevel?: LogEvent['level'];
}

const LEVELS = { debug: 0, info: 1, warn: 2, error: 3 } as const;

export class LogStore {
  readonly redactor = new Redactor();
  private readonly rings = new Map<string, RingBuffer<LogEvent>>();
  private readonly files = new Map<string, RotatingFile>();
  private readonly listeners = new Set<(events: LogEvent[]) => void>();
  private batch: LogEvent[] = [];
  /** File lines per server not written yet: written once per tick, with the listeners' batch. */
  private readonly unwritten = new Map<string, string[]>();
  private flushScheduled = false;

  constructor(private readonly opts: LogStoreOptions) {}

  append(event: LogEvent): void {
    const clean: LogEvent = { ...event, message: this.redactor.redact(event.message) };
    let ring = this.rings.get(clean.server);
    if (!ring) this.rings.set(clean.server, (ring = new RingBuffer(this.opts.ringSize ?? 5000)));
    ring.push(clean);
    if (LEVELS[clean.level] >= LEVELS[this.opts.fileLevel ?? 'info']) {
      // One write per server and tick, not one per event: under traffic the host would otherwise
      // spend a system call on every request.
      let lines = this.unwritten.get(clean.server);
      if (!lines) this.unwritten.set(clean.server, (lines = []));
      lines.push(JSON.stringify(clean) + '\n');
    }
    this.batch.push(clean);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  tail(serverId: string, limit = 500): LogEvent[] {
    return this.rings.get(serverId)?.tail(limit) ?? [];
  }

  /** The last `limit` events of every server, merged by time (oldest first). */
  tailAll(limit = 500): LogEvent[] {
    const all: LogEvent[] = [];
    for (const ring of this.rings.values()) all.push(...ring.tail(limit));
    // Stable: events of one server with the same ts keep their order.
    all.sort((a, b) => a.ts - b.ts);
    return all.slice(Math.max(0, all.length - limit));
  }

  /** Servers that have events in memory. */
  servers(): string[] {
    return [...this.rings.keys()];
  }

  /**
   * Deletes rotated log files (`<name>.log.<n>`) last written more than `days` days ago. The
   * files being written are never touched. Returns the deleted paths.
   */
  pruneRotated(days: number, now = Date.now()): string[] {
    const cutoff = now - days * 24 * 60 * 60 * 1000;
    const deleted: string[] = [];
    let names: string[];
    try {
      names = fs.readdirSync(this.opts.logsDir);
    } catch {
      return deleted;
    }
    for (const name of names) {
      if (!/\.log\.\d+$/.test(name)) continue;
      const file = path.join(this.opts.logsDir, name);
      try {
        const st = fs.statSync(file);
        if (st.isFile() && st.mtimeMs < cutoff) {
          fs.rmSync(file, { force: true });
          deleted.push(file);
        }
      } catch {
        // gone meanwhile
      }
    }
    return deleted;
  }

  filePath(serverId: string): string {
    return path.join(this.opts.logsDir, `${serverId}.log`);
  }

  /** Batched: listeners get all events appended in one tick together. */
  onDidAppend(listener: (events: LogEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  forget(serverId: string): void {
    this.writeFile(serverId);
    this.rings.delete(serverId);
    this.files.get(serverId)?.close();
    this.files.delete(serverId);
  }

  private fileFor(serverId: string): RotatingFile {
    let f = this.files.get(serverId);
    if (!f) {
      f = new RotatingFile(this.filePath(serverId), this.opts.maxFileBytes, this.opts.keepFiles);
      this.files.set(serverId, f);
    }
    return f;
  }

  private writeFile(serverId: string): void {
    const lines = this.unwritten.get(serverId);
    if (!lines) return;
    this.unwritten.delete(serverId);
    try {
      this.fileFor(serverId).append(lines.join(''));
    } catch {
      // a full disk must not stop the app; the ring still has it
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const serverId of [...this.unwritten.keys()]) this.writeFile(serverId);
    const events = this.batch;
    this.batch = [];
    if (events.length) for (const l of this.listeners) l(events);
  }

  dispose(): void {
    this.flush();
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }
}
