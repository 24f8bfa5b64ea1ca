import type { LogEvent, ServerState, ServerSummary } from '../../common/contract';
import { maskUrlSecrets } from '../../common/url-secrets';
import { IDLE_STATE } from '../../common/wording';

export const STATE_LABELS: Record<ServerState, string> = {
  stopped: 'Stopped',
  idle: IDLE_STATE.label,
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
    case 'idle':
      return detail ?? IDLE_STATE.sentence;
    case 'stopped':
      return detail ?? 'Stopped.';
    default:
      return detail ?? '';
  }
}

/** A sign-in that ends by itself within this long is worth a warning (Tailscale warns under 8 h). */
export const SIGN_IN_WARN_MS = 8 * 3600_000;

/**
 * Sign-in in a few words, and whether it needs the user. The app renews the access token by
 * itself, so its expiry is not shown: "Signed in as ada@acme.dev · renews automatically". A
 * warning only when the sign-in will end (no renewal possible) within 8 h, has ended, or failed.
 */
export function signInStatus(server: ServerSummary, nowMs: number): { text: string; warn: boolean } {
  const as = server.account ? ` as ${server.account}` : '';
  switch (server.signIn) {
    case 'signed-in': {
      if (server.renewsAutomatically !== false || server.tokenExpiresAt === undefined) return { text: `Signed in${as} · renews automatically`, warn: false };
      if (server.tokenExpiresAt <= nowMs) return { text: `Sign-in ${expiredText(server.tokenExpiresAt, nowMs)}`, warn: true };
      const warn = server.tokenExpiresAt - nowMs < SIGN_IN_WARN_MS;
      return { text: `Signed in${as} · ends ${inTime(server.tokenExpiresAt, nowMs)}${warn ? ', then sign in again' : ''}`, warn };
    }
    case 'signing-in':
      return { text: 'Signing in…', warn: false };
    case 'needs-sign-in':
      return { text: 'Sign-in needed', warn: true };
    case 'error':
      return { text: 'Renewing the sign-in failed: sign in again', warn: true };
    default:
      return server.status.state === 'needs-sign-in' ? { text: 'Sign-in needed', warn: true } : { text: 'Not needed', warn: false };
  }
}

/** The sign-in in a few words (signInStatus's text). */
export function signInText(server: ServerSummary, nowMs: number): string {
  return signInStatus(server, nowMs).text;
}

function expiredText(atMs: number, nowMs: number): string {
  const ago = relativeTime(atMs, nowMs);
  return ago === 'just now' ? 'ended just now' : `ended ${ago} ago`;
}

/** The server needs the user: it is on, and waits for a sign-in, retries, or stopped after crashes. */
export function needsAttention(server: ServerSummary): boolean {
  return server.enabled && ['error', 'needs-sign-in', 'retrying'].includes(server.status.state);
}

/** Servers that need the user first, the rest in their order. */
export function attentionFirst(servers: readonly ServerSummary[]): ServerSummary[] {
  return [...servers.filter(needsAttention), ...servers.filter((s) => !needsAttention(s))];
}

export type FixKind = 'sign-in' | 'try-now' | 'restart' | 'enable';

/** The action a server's state needs, next to the state (the tray carries the same). */
export function fixFor(server: ServerSummary): { kind: FixKind; label: string } | undefined {
  if (!server.enabled) return { kind: 'enable', label: 'Enable' };
  switch (server.status.state) {
    case 'needs-sign-in':
      return { kind: 'sign-in', label: 'Sign in' };
    case 'retrying':
      return { kind: 'try-now', label: 'Try now' };
    case 'error':
      return { kind: 'restart', label: 'Restart' };
    default:
      return server.signIn === 'error' || server.signIn === 'needs-sign-in' ? { kind: 'sign-in', label: 'Sign in' } : undefined;
  }
}

/** "~/.cursor/mcp.json" for a path in the home folder. */
export function tildePath(p: string, home: string | undefined): string {
  if (!home) return p;
  const h = home.replace(/[\\/]+$/, '');
  if (p === h) return '~';
  return p.startsWith(`${h}/`) || p.startsWith(`${h}\\`) ? `~${p.slice(h.length)}` : p;
}

const PLATFORMS: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

export function platformLabel(platform: string): string {
  return PLATFORMS[platform] ?? platform;
}

/** Where tokens are kept, in words ("GNOME Keyring", not "safeStorage (gnome_libsecret)"). */
export function storageLabel(backend: string): string {
  const b = backend.toLowerCase();
  if (b.startsWith('memory only')) return 'Memory only (nothing written to disk)';
  if (b.includes('gnome_libsecret') || b.includes('libsecret')) return 'GNOME Keyring';
  if (b.includes('kwallet')) return 'KWallet';
  if (b.includes('keychain')) return 'macOS Keychain';
  if (b.includes('dpapi')) return 'Windows (DPAPI)';
  if (b.includes('basic_text') || b.includes('not encrypted') || b.includes('unencrypted')) return 'A file only your user account can read (no keyring)';
  return backend;
}
