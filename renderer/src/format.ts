import type { LogEvent, ServerState, ServerSummary } from '../../common/contract';
import { maskUrlSecrets } from '../../common/url-secrets';

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

/** A server URL as the window shows it: `?api-key=•••`, key-like path segments masked (common/url-secrets.ts). */
export function shownUrl(url: string): string {
  return maskUrlSecrets(url);
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** "in 42 min", "in 5 h", "in 3 d" — how long until `atMs`. */
export function inTime(atMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((atMs - nowMs) / 1000));
  if (s < 60) return `in ${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `in ${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `in ${h} h`;
  return `in ${Math.round(h / 24)} d`;
}

export const TRANSPORT_LABELS: Record<string, string> = {
  'streamable-http': 'Streamable HTTP',
  sse: 'HTTP+SSE (older transport)',
};

/**
 * What the server's state means, in plain words. The proxy's own sentence (`detail`) wins; the
 * defaults say what the user can expect or do.
 */
export function stateSentence(server: ServerSummary, nowMs: number): string {
  const { status } = server;
  if (!server.enabled) return 'Disabled: clients cannot use it until you enable it.';
  const detail = status.detail ? status.detail.replace(/\.?$/, '.') : undefined;
  switch (status.state) {
    case 'ready':
      return detail ?? 'Working. Clients on this computer can use it.';
    case 'starting':
      return detail ?? 'Starting its local proxy…';
    case 'connecting':
      return detail ?? 'Connecting to the server…';
    case 'needs-sign-in':
      return detail ?? 'Sign in before clients can use it.';
    case 'retrying': {
      const next = status.nextRetryAt ? ` Next attempt ${inTime(status.nextRetryAt, nowMs)}.` : '';
      return `${detail ?? 'The server did not answer.'}${next}`;
    }
    case 'error':
      return detail ?? 'Stopped after repeated failures. Fix the cause, then restart it.';
    case 'stopped':
      return detail ?? 'Stopped.';
    default:
      return detail ?? '';
  }
}

/** Sign-in and token expiry in a few words ("Expires in 42 min", "Not needed"). */
export function signInText(server: ServerSummary, nowMs: number): string {
  switch (server.signIn) {
    case 'signed-in':
      if (server.tokenExpiresAt === undefined) return 'Signed in';
      return server.tokenExpiresAt > nowMs ? `Expires ${inTime(server.tokenExpiresAt, nowMs)}` : expiredText(server.tokenExpiresAt, nowMs);
    case 'signing-in':
      return 'Signing in…';
    case 'needs-sign-in':
      return 'Sign-in needed';
    case 'error':
      return 'Sign-in failed';
    default:
      return server.status.state === 'needs-sign-in' ? 'Sign-in needed' : 'Not needed';
  }
}

function expiredText(atMs: number, nowMs: number): string {
  const ago = relativeTime(atMs, nowMs);
  return ago === 'just now' ? 'Expired just now' : `Expired ${ago} ago`;
}
