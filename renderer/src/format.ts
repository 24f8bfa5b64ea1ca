import type { LogEvent, ServerState, ServerSummary } from '../../preload/contract';

export const STATE_LABELS: Record<ServerState, string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  connecting: 'Connecting',
  'needs-sign-in': 'Needs sign-in',
  ready: 'Ready',
  retrying: 'Retrying',
  error: 'Error',
};

/** The pill a server shows: its state, or "Disabled" when the user turned it off. */
export function pillFor(server: ServerSummary): { label: string; tone: string } {
  if (!server.enabled) return { label: 'Disabled', tone: 'disabled' };
  return { label: STATE_LABELS[server.status.state] ?? server.status.state, tone: server.status.state };
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** 1284 → "1,284" (in the user's locale). */
export function count(n: number): string {
  return integer.format(n);
}

export function relativeTime(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

export function untilTime(atMs: number, nowMs: number): string {
  const s = Math.max(0, Math.ceil((atMs - nowMs) / 1000));
  return s < 60 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

export function clockTime(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function logKey(e: LogEvent): string {
  return `${e.ts}|${e.connection ?? ''}|${e.level}|${e.method ?? ''}|${e.message}`;
}

/** Extra facts of a traffic event, shown after the message. */
export function logExtras(e: LogEvent): string {
  const parts: string[] = [];
  if (e.direction) parts.push(e.direction === 'client-to-server' ? '→ server' : '← server');
  if (e.method) parts.push(e.method);
  if (e.id !== undefined && e.id !== null) parts.push(`id ${e.id}`);
  if (e.durationMs !== undefined) parts.push(`${Math.round(e.durationMs)} ms`);
  if (e.size !== undefined) parts.push(formatBytes(e.size));
  return parts.join(' · ');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
