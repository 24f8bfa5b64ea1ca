/**
 * Messages on the fork channel between the supervisor (main process) and a proxy child.
 * Secrets (connector secret, header values, later access tokens) travel only here: never in argv,
 * env or files the child reads.
 */
import type { DefinitionKind, LogEvent, ServerCounters, ServerState, TransportKind } from '../../common/contract';
import type { ProtocolEra, ProtocolInUse } from '../../common/protocol-versions';
import type { ClientHello, PolicySnapshot } from './tool-policy';
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
  /** The protocol era the server spoke last time: asked first, and known to clients before a check ends. */
  era?: ProtocolEra;
  /** False: the proxy stands in for nothing a client lacks (elicitation goes to clients that declare it only). */
  standIns?: boolean;
  /** Client installs (the connector's install tag) whose connections get no stand-ins. */
  standInsOffFor?: string[];
}

/** A server's question for the user, asked in the app's window for a client that cannot ask it (elicitation). */
export interface ElicitationAsk {
  mode: 'form' | 'url';
  message: string;
  /** Form mode: the flat JSON schema of the answer (strings, numbers, booleans, enums). */
  requestedSchema?: Record<string, unknown>;
  /** URL mode: the page the server wants the user to open. */
  url?: string;
}

/** The user's answer, as MCP's ElicitResult has it. */
export interface ElicitationAnswer {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, string | number | boolean | string[]>;
}

export type ParentToProxy =
  /** `policy`: the tool policy to apply from the first client on; absent: every definition passes (no policy). */
  | {
      type: 'start';
      server: ProxyServerConfig;
      endpoint: string;
      secret: string;
      token?: string;
      policy?: PolicySnapshot;
      /** Started on demand for a client about to connect: load the upstream code now, not at its connection. */
      warm?: boolean;
    }
  /** The tool policy changed (an approval, a block, a mode, a client's hidden tools): apply it to every connection. */
  | { type: 'policy'; policy: PolicySnapshot }
  /** A new access token (after sign-in or refresh), or none (signed out). `requestId` answers an `unauthorized`. */
  | { type: 'token'; token?: string; requestId?: number; reason?: string }
  /** The user's answer to an `elicit` of the same requestId. */
  | { type: 'elicit-answer'; requestId: number; answer: ElicitationAnswer }
  /**
   * The host's idle time passed with no client: stop, unless a connection is open (a client, the
   * app's own listing, a handshake under way) or a leaving client's session is still ending. The
   * proxy decides in one turn of its event loop and closes its endpoint before it answers `idle`,
   * so no connection is cut and none arrives after the decision.
   */
  | { type: 'stop-if-idle' }
  | { type: 'shutdown' };

export type ProxyState = Extract<ServerState, 'connecting' | 'ready' | 'retrying' | 'needs-sign-in'>;

export type ProxyToParent =
  | { type: 'listening'; endpoint: string }
  | { type: 'state'; state: ProxyState; detail?: string; nextRetryAt?: number }
  | { type: 'log'; event: LogEvent }
  | { type: 'logs'; events: LogEvent[] }
  | { type: 'metrics'; counters: ServerCounters; lastError?: string }
  | { type: 'transport'; transport: UpstreamTarget }
  /**
   * The protocol spoken: the server's era and revision (from a health check), and on a client
   * connection also the client's revision and whether the proxy bridges the two.
   */
  | ({ type: 'protocol'; era: ProtocolEra } & ProtocolInUse)
  /** What the server says about itself (serverInfo), from a health check that got an answer. */
  | { type: 'server-info'; name?: string; title?: string; version?: string }
  | { type: 'fatal'; message: string }
  /** The answer to `stop-if-idle`: `stopping` (the endpoint is closed, the process exits) or busy (`connections` open). */
  | { type: 'idle'; stopping: boolean; connections: number }
  /** A server asks the user something its client cannot ask (no elicitation): main shows it and answers with `elicit-answer`. */
  | { type: 'elicit'; requestId: number; ask: ElicitationAsk }
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
