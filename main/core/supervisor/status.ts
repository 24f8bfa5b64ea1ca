/**
 * The status model of one server, reduced from supervisor and proxy events. Pure: tested without
 * processes or timers.
 */
import type { ServerCounters, ServerState, ServerStatus, TransportKind } from '../../../common/contract';
import type { ProtocolInUse } from '../../../common/protocol-versions';

export type StatusEvent =
  | { type: 'spawned'; pid?: number }
  | { type: 'listening' }
  | { type: 'proxy-state'; state: Extract<ServerState, 'connecting' | 'ready' | 'retrying' | 'needs-sign-in'>; detail?: string; nextRetryAt?: number }
  | { type: 'metrics'; counters: ServerCounters; lastError?: string }
  | { type: 'transport'; transport: TransportKind }
  | { type: 'protocol'; protocol: ProtocolInUse }
  | { type: 'crashed'; reason: string; nextRetryAt: number }
  | { type: 'crash-loop'; reason: string }
  | { type: 'stopped' }
  /** No proxy runs until a client connects (stopped for idle, or never started on demand). */
  | { type: 'parked' }
  /**
   * The host checked a server that has no proxy (core/servers/state-check.ts): it works (idle), it
   * needs sign-in, or it does not answer (retrying, with the next check as `nextRetryAt`).
   */
  | { type: 'checked'; outcome: 'ok' | 'needs-sign-in' | 'unreachable'; detail?: string; nextCheckAt?: number };

export const ZERO_COUNTERS: ServerCounters = { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 };

export function initialStatus(serverId: string, now: number): ServerStatus {
  return { serverId, state: 'stopped', since: now, restarts: 0, counters: { ...ZERO_COUNTERS } };
}

function withState(s: ServerStatus, state: ServerState, now: number, patch: Partial<ServerStatus>): ServerStatus {
  const next: ServerStatus = { ...s, ...patch, state, since: state === s.state ? s.since : now };
  if (state !== 'retrying') delete next.nextRetryAt;
  return next;
}

export function reduceStatus(s: ServerStatus, ev: StatusEvent, now: number): ServerStatus {
  switch (ev.type) {
    case 'spawned':
      return withState(s, 'starting', now, {
        pid: ev.pid,
        detail: 'Starting the proxy',
        restarts: s.state === 'retrying' && s.pid === undefined ? s.restarts + 1 : s.restarts,
        // Connections belong to the process that held them.
        counters: { ...s.counters, connections: 0 },
      });
    case 'listening':
      return s.state === 'starting' ? withState(s, 'connecting', now, { detail: 'Checking the server' }) : s;
    case 'proxy-state':
      if (s.state === 'stopped' || s.state === 'error') return s;
      return withState(s, ev.state, now, {
        detail: ev.detail,
        nextRetryAt: ev.state === 'retrying' ? ev.nextRetryAt : undefined,
        lastError: ev.state === 'retrying' || ev.state === 'needs-sign-in' ? (ev.detail ?? s.lastError) : s.lastError,
      });
    case 'metrics':
      return { ...s, counters: { ...ev.counters }, lastError: ev.lastError ?? s.lastError };
    case 'transport':
      return s.transport === ev.transport ? s : { ...s, transport: ev.transport };
    case 'protocol': {
      // A health check names the server's revision only: the last client's stays while it is the same.
      const p = ev.protocol;
      const keep = p.client === undefined && s.protocol?.server === p.server ? s.protocol : undefined;
      return { ...s, protocol: keep ?? { ...p } };
    }
    case 'crashed':
      return withState(s, 'retrying', now, {
        pid: undefined,
        detail: `${ev.reason}; restarting`,
        lastError: ev.reason,
        nextRetryAt: ev.nextRetryAt,
        counters: { ...s.counters, connections: 0 },
      });
    case 'crash-loop':
      return withState(s, 'error', now, { pid: undefined, detail: ev.reason, lastError: ev.reason, counters: { ...s.counters, connections: 0 } });
    case 'parked':
      if (s.state === 'idle' && s.pid === undefined) return s;
      return withState(s, 'idle', now, { pid: undefined, detail: undefined, counters: { ...s.counters, connections: 0 } });
    case 'checked': {
      if (s.pid !== undefined || !['idle', 'needs-sign-in', 'retrying'].includes(s.state)) return s;
      if (ev.outcome === 'ok') return s.state === 'idle' && s.detail === undefined ? s : withState(s, 'idle', now, { detail: undefined });
      if (ev.outcome === 'needs-sign-in') return withState(s, 'needs-sign-in', now, { detail: ev.detail, lastError: ev.detail ?? s.lastError });
      return withState(s, 'retrying', now, { detail: ev.detail, lastError: ev.detail ?? s.lastError, nextRetryAt: ev.nextCheckAt });
    }
    case 'stopped':
      if (s.state === 'stopped') return s;
      return withState(s, 'stopped', now, { pid: undefined, detail: undefined, counters: { ...s.counters, connections: 0 } });
  }
}

/** Order of badness, for the tray icon and sorting: the worst state wins. */
const SEVERITY: Record<ServerState, number> = {
  stopped: 0,
  idle: 1,
  ready: 1,
  starting: 2,
  connecting: 2,
  retrying: 3,
  'needs-sign-in': 4,
  error: 5,
};

export function worstState(states: ServerState[]): ServerState | undefined {
  return states.reduce<ServerState | undefined>((w, s) => (w === undefined || SEVERITY[s] > SEVERITY[w] ? s : w), undefined);
}
