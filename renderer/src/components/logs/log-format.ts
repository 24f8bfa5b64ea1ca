/**
 * How a log line reads: the columns of a row, its plain-text form for Copy, search highlights,
 * and the status sentence. Pure; unit-tested.
 */
import type { LogEvent } from '../../../../common/contract';
import { clockTime, count, formatBytes } from '../../format';

export function directionArrow(d: LogEvent['direction']): string {
  if (d === 'client-to-server') return '→';
  if (d === 'server-to-client') return '←';
  return '';
}

export function directionLabel(d: LogEvent['direction']): string {
  if (d === 'client-to-server') return 'client to server';
  if (d === 'server-to-client') return 'server to client';
  return '';
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Method with the JSON-RPC id when there is one: "tools/call #7". */
export function methodLabel(e: LogEvent): string {
  if (!e.method) return e.id !== undefined && e.id !== null ? `#${e.id}` : '';
  return e.id !== undefined && e.id !== null ? `${e.method} #${e.id}` : e.method;
}

/** One line as plain text (Copy): time, level, server, arrow, method, duration, size, message. */
export function lineText(e: LogEvent, serverName: string): string {
  const parts = [clockTime(e.ts), e.level.toUpperCase().padEnd(5), serverName];
  const arrow = directionArrow(e.direction);
  if (arrow) parts.push(arrow);
  const method = methodLabel(e);
  if (method) parts.push(method);
  const dur = formatDuration(e.durationMs);
  if (dur) parts.push(dur);
  if (e.size !== undefined) parts.push(formatBytes(e.size));
  if (e.connection !== undefined) parts.push(`conn ${e.connection}`);
  parts.push(e.message);
  return parts.join(' ');
}

export interface Piece {
  text: string;
  match: boolean;
}

/** Splits `text` around case-insensitive occurrences of `query` (for <mark>). */
export function splitMatches(text: string, query: string): Piece[] {
  const q = query.trim().toLowerCase();
  if (!q || !text) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const out: Piece[] = [];
  let from = 0;
  for (;;) {
    const at = lower.indexOf(q, from);
    if (at < 0) break;
    if (at > from) out.push({ text: text.slice(from, at), match: false });
    out.push({ text: text.slice(at, at + q.length), match: true });
    from = at + q.length;
  }
  if (from < text.length) out.push({ text: text.slice(from), match: false });
  return out.length ? out : [{ text, match: false }];
}

export interface StatusInput {
  shown: number;
  held: number;
  dropped: number;
  capacity: number;
  query: string;
  filtered: boolean;
  following: boolean;
  newWhilePaused: number;
}

/** The status line under the list: counts, matches, paused, dropped lines. */
export function statusText(s: StatusInput): string {
  const parts: string[] = [];
  if (s.filtered) parts.push(`Showing ${count(s.shown)} of ${count(s.held)} lines`);
  else parts.push(`${count(s.held)} line${s.held === 1 ? '' : 's'}`);
  if (s.query.trim()) parts.push(`${count(s.shown)} match${s.shown === 1 ? '' : 'es'} for “${s.query.trim()}”`);
  if (!s.following) parts.push(s.newWhilePaused > 0 ? `paused, ${count(s.newWhilePaused)} new` : 'paused');
  if (s.dropped > 0) parts.push(`${count(s.dropped)} older dropped (keeps the latest ${count(s.capacity)})`);
  return parts.join(' · ');
}

/** What an answer says beyond its method: "ok", "failed: …" (the proxy writes "tools/call ok"). */
export function outcomeOf(e: LogEvent): string {
  if (e.method && e.message.startsWith(`${e.method} `)) return e.message.slice(e.method.length + 1);
  return e.message;
}

/** A line is traffic (a request or an answer) rather than a sentence about the server. */
export function isTraffic(e: LogEvent): boolean {
  return e.direction !== undefined && !!e.method;
}

/** Who made the line's connection, as the Client column shows it. */
export function clientLabel(e: LogEvent): string {
  if (e.own) return 'Switchboard (app)';
  return e.client ?? '';
}

/** "Today", "Yesterday", "Tue 3 Mar 2026": the label of a date separator. */
export function dayLabel(ts: number, now: number): string {
  const d = new Date(ts);
  const start = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((start(new Date(now)) - start(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

/** Same calendar day (local time). */
export function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/** The full date and time of a line, with milliseconds (the detail drawer). */
export function fullTime(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
