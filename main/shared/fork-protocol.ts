/**
 * Messages on the fork channel between the supervisor (main process) and a proxy child.
 * Secrets (connector secret, header values, later access tokens) travel only here: never in argv,
 * env or files the child reads.
 */
import type { LogEvent, ServerCounters, ServerState, TransportKind } from '../../common/contract';
import type { NetworkConfig } from './net/network-config';

export interface UpstreamTarget {
  kind: TransportKind;
  url: string;
}

export interface ProxyServerConfig {
  id: string;
  name: string;
  url: string;
  /** Resolved header values (env substitution done by main). Never logged. */
  headers: Record<string, string>;
  /** The transport that worked last time, tried first. */
  transport?: UpstreamTarget;
  /** How long a request may be retried (the server's retry budget setting); default 15 s. */
  retryBudgetMs?: number;
  /**
   * How this server is reached: direct or through an HTTP proxy (with the proxy's credentials from
   * the vault: this channel only), and which CAs its certificate may chain to. Absent: Node's
   * defaults (direct, bundled CAs).
   */
  network?: NetworkConfig;
}

export type ParentToProxy =
  | { type: 'start'; server: ProxyServerConfig; endpoint: string; secret: string; token?: string }
  /** A new access token (after sign-in or refresh), or none (signed out). `requestId` answers an `unauthorized`. */
  | { type: 'token'; token?: string; requestId?: number; reason?: string }
  | { type: 'shutdown' };

export type ProxyState = Extract<ServerState, 'connecting' | 'ready' | 'retrying' | 'needs-sign-in'>;

export type ProxyToParent =
  | { type: 'listening'; endpoint: string }
  | { type: 'state'; state: ProxyState; detail?: string; nextRetryAt?: number }
  | { type: 'log'; event: LogEvent }
  | { type: 'logs'; events: LogEvent[] }
  | { type: 'metrics'; counters: ServerCounters; lastError?: string }
  | { type: 'transport'; transport: UpstreamTarget }
  /** What the server says about itself (serverInfo), from a health check that got an answer. */
  | { type: 'server-info'; name?: string; title?: string; version?: string }
  | { type: 'fatal'; message: string }
  /**
   * The upstream refused the current token (401, or 403 insufficient_scope). Main refreshes or
   * signs in and answers with `token` carrying the same requestId. `tokenHash` names the refused
   * token (a hash prefix, never the token) so main does not refresh twice for one expiry.
   */
  | { type: 'unauthorized'; requestId: number; status: number; wwwAuthenticate?: string; tokenHash?: string };
