/**
 * Messages on the fork channel between the supervisor (main process) and a proxy child.
 * Secrets (connector secret, header values, later access tokens) travel only here: never in argv,
 * env or files the child reads.
 */
import type { DefinitionKind, LogEvent, ServerCounters, ServerState, TransportKind } from '../../common/contract';
import type { ClientHello, PolicySnapshot } from './tool-policy';

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
}

export type ParentToProxy =
  /** `policy`: the tool policy to apply from the first client on; absent: every definition passes (no policy). */
  | { type: 'start'; server: ProxyServerConfig; endpoint: string; secret: string; token?: string; policy?: PolicySnapshot }
  /** The tool policy changed (an approval, a block, a mode, a client's hidden tools): apply it to every connection. */
  | { type: 'policy'; policy: PolicySnapshot }
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
   * A complete listing of one kind (every page of tools/list, prompts/list or resources/templates/list)
   * as the server sent it, whole definitions: sent when it differs from the last one sent. The host
   * pins, compares and decides (main/core/tool-policy).
   */
  | { type: 'definitions'; kind: DefinitionKind; items: Record<string, unknown>[] }
  /** A client session said who it is (initialize) or got its tools/list answer. */
  | { type: 'client-hello'; hello: ClientHello }
  /**
   * The upstream refused the current token (401, or 403 insufficient_scope). Main refreshes or
   * signs in and answers with `token` carrying the same requestId. `tokenHash` names the refused
   * token (a hash prefix, never the token) so main does not refresh twice for one expiry.
   */
  | { type: 'unauthorized'; requestId: number; status: number; wwwAuthenticate?: string; tokenHash?: string };
