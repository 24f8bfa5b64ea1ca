/**
 * What a proxy tells main: its state, the transport that worked, logs and metrics. Logs go in
 * batches, one batch in flight at a time: a log line leaves at the next tick, the per-message
 * traffic lines (`traffic`) within TRAFFIC_BATCH_MS, so a client calling one tool after another
 * costs main one IPC message per batch instead of two per call; metrics at most every 100 ms.
 */
import type { LogEvent, LogLevel, ServerCounters } from '../../common/contract';
import { isModernVersion, type ProtocolInUse } from '../../common/protocol-versions';
import type { ProxyState, ProxyToParent, UpstreamTarget } from '../shared/fork-protocol';

export type Emit = (msg: ProxyToParent, sent?: () => void) => void;

/** How long traffic lines may wait to share a batch (a log line sends them at once, in order). */
export const TRAFFIC_BATCH_MS = 50;

export class ParentReporter {
  readonly counters: ServerCounters = { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 };
  lastError?: string;
  private lastServerInfo?: string;
  private lastProtocol?: string;
  private metricsTimer?: NodeJS.Timeout;
  private logBatch: LogEvent[] = [];
  /** A log batch was handed to `emit` and has not left the process yet. */
  private logsInFlight = false;
  /** Log events dropped since the last batch because main could not keep up. */
  private droppedLogs = 0;
  /** The next batch leaves at the next tick (a log line), or at the end of the traffic window. */
  private flushTick?: NodeJS.Immediate;
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly serverId: string,
    private readonly emit: Emit,
    /** Log events held while main has not taken the previous batch; beyond it they are counted and dropped. */
    private readonly maxPendingLogs = 20_000,
  ) {}

  state(state: ProxyState, detail?: string, nextRetryAt?: number): void {
    this.emit({ type: 'state', state, detail, nextRetryAt });
  }

  transport(transport: UpstreamTarget): void {
    this.emit({ type: 'transport', transport });
  }

  /** The protocol in use (see the fork message); sent when it changes. */
  protocol(p: ProtocolInUse): void {
    const msg = { type: 'protocol' as const, era: isModernVersion(p.server) ? ('modern' as const) : ('legacy' as const), ...p };
    const key = JSON.stringify(msg);
    if (key === this.lastProtocol) return;
    this.lastProtocol = key;
    this.emit(msg);
  }

  /** serverInfo as the server gave it; sent when it changes. */
  serverInfo(info: { name?: string; title?: string; version?: string }): void {
    const key = JSON.stringify(info);
    if (key === this.lastServerInfo) return;
    this.lastServerInfo = key;
    this.emit({ type: 'server-info', ...info });
  }

  log(level: LogLevel, message: string, connection?: number): void {
    const event: LogEvent = { ts: Date.now(), level, server: this.serverId, message };
    if (connection !== undefined) event.connection = connection;
    this.queueLog(event);
  }

  /** A line per message on the path: it may wait up to TRAFFIC_BATCH_MS for company. */
  traffic(level: LogLevel, connection: number, message: string, extra: Partial<LogEvent>): void {
    this.queueLog({ ts: Date.now(), level, server: this.serverId, connection, message, ...extra }, false);
  }

  /** A call saved by a retry, or lost to an upstream fault: counted per local day. */
  recovered(kind: 'saved' | 'lost'): void {
    const today = localDate(new Date());
    const c = this.counters;
    if (c.countedOn !== today) Object.assign(c, { countedOn: today, savedToday: 0, lostToday: 0 });
    if (kind === 'saved') c.savedToday = (c.savedToday ?? 0) + 1;
    else c.lostToday = (c.lostToday ?? 0) + 1;
    this.bumpMetrics();
  }

  /** An error to count (and to show as the last one). */
  error(message: string): void {
    this.counters.errors++;
    this.lastError = message;
  }

  bumpMetrics(): void {
    if (this.metricsTimer) return;
    this.metricsTimer = setTimeout(() => {
      this.metricsTimer = undefined;
      this.emit({ type: 'metrics', counters: { ...this.counters }, lastError: this.lastError });
    }, 100);
  }

  /** Last words: the logs held (even while a batch is in flight: the channel keeps their order) and the metrics. */
  flushAll(): void {
    this.logsInFlight = false;
    this.flushLogs();
    if (this.metricsTimer) clearTimeout(this.metricsTimer);
    this.emit({ type: 'metrics', counters: { ...this.counters }, lastError: this.lastError });
  }

  /**
   * Node's IPC channel queues without limit when the reader is slower than the writer, so under
   * sustained load a busy main would otherwise grow this process's memory for as long as the load
   * lasts; instead events wait here, bounded, and the overflow is counted and reported in one line.
   */
  private queueLog(event: LogEvent, soon = true): void {
    if (this.logBatch.length >= this.maxPendingLogs) {
      this.droppedLogs++;
      return;
    }
    this.logBatch.push(event);
    if (this.logsInFlight || this.flushTick) return; // the batch in flight, or the next tick, takes it
    if (soon) {
      this.flushTick = setImmediate(() => this.flushLogs());
    } else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flushLogs(), TRAFFIC_BATCH_MS);
      this.flushTimer.unref();
    }
  }

  private flushLogs(): void {
    if (this.flushTick) clearImmediate(this.flushTick);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTick = this.flushTimer = undefined;
    if (this.logsInFlight || (!this.logBatch.length && !this.droppedLogs)) return;
    const events = this.logBatch;
    this.logBatch = [];
    if (this.droppedLogs) {
      events.push({
        ts: Date.now(),
        level: 'warn',
        server: this.serverId,
        message: `${this.droppedLogs} log line${this.droppedLogs === 1 ? ' was' : 's were'} dropped: the app could not keep up with this server's traffic`,
      });
      this.droppedLogs = 0;
    }
    this.logsInFlight = true;
    this.emit({ type: 'logs', events }, () => {
      this.logsInFlight = false;
      if ((this.logBatch.length || this.droppedLogs) && !this.flushTick) this.flushTick = setImmediate(() => this.flushLogs());
    });
  }
}

/** YYYY-MM-DD in local time. */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
