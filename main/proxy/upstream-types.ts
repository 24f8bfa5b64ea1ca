/**
 * The shapes an upstream session is made with and reports through (types only: importing this
 * file loads nothing, so the proxy runtime can name them without loading the SDK).
 */
import type { ProtocolEra, ProtocolInUse } from '../../common/protocol-versions';
import type { ElicitationAnswer, ElicitationAsk, UpstreamTarget } from '../shared/fork-protocol';
import type { NetworkConfig } from '../shared/net/network-config';
import type { JsonRpcMessage } from '../shared/mcp-http';
import type { RecoveryOptions } from './message-path/retry-stage';
import type { ToolPolicy } from './message-path/tool-policy-stage';

export type Id = string | number;

export interface UpstreamEvents {
  /** A message for the downstream client; `text` is its serialization when already made. */
  toClient(message: JsonRpcMessage, text?: string): void;
  /** A request from the client was sent upstream. */
  onRequest?(method: string, id: Id, size: number): void;
  /** A response to a client request arrived (or was synthesized as an error). */
  onResponse?(method: string, id: Id, durationMs: number, size: number, error?: string): void;
  onNotification?(method: string, direction: 'client-to-server' | 'server-to-client', size: number): void;
  /** The upstream worked (a request got a response from the server). */
  onUpstreamOk?(): void;
  /** The upstream failed in a way that concerns the whole server (not one request). */
  onUpstreamFailure?(failure: UpstreamFailure): void;
  /** The transport that worked, to remember for next time. */
  onTransport?(target: UpstreamTarget): void;
  /** What this connection speaks: the server's revision, the client's, and whether the proxy bridges them. */
  onProtocol?(p: ProtocolInUse): void;
  log?(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

export interface UpstreamFailure {
  kind: 'http' | 'network' | 'auth' | 'protocol';
  status?: number;
  message: string;
  /** The server's Retry-After, in seconds, when it sent one with an error status. */
  retryAfterS?: number;
}

export interface UpstreamOptions {
  url: string;
  serverName: string;
  headers: Record<string, string>;
  /** Transport that worked before, tried first. */
  preferred?: UpstreamTarget;
  fetch?: typeof fetch;
  /** How the server is reached (proxy, trusted CAs): the SDK transports' fetch and the fast path's agents. */
  network?: NetworkConfig;
  /**
   * This process speaks under `network` only (the proxy child's entry says so): a direct route
   * may use the runtime's own fetch with the trusted CAs as the process's default (no undici to
   * load at a cold start). Tests that run several configurations in one process leave it unset.
   */
  processWideNetwork?: boolean;
  /** Access tokens from the main process. Absent: the server needs no sign-in (or none yet). */
  auth?: UpstreamAuth;
  /**
   * Try only the first Streamable HTTP candidate and never fall back to another transport: for
   * the health check's protocol-era probe, where a 400 means "not this era", not "not this
   * transport".
   */
  singleTransport?: boolean;
  /**
   * The server's protocol era, as the health checks found it (waiting for a check under way). Given:
   * the connection has the era bridge (a client of one era, a server of the other). The health
   * check's own sessions have none.
   */
  upstreamEra?: () => Promise<ProtocolEra | undefined>;
  /**
   * Puts a server's question to the user in the app's window. Given: the connection has the
   * elicitation stand-in (for clients that declare no elicitation); absent when the server's
   * stand-ins are turned off.
   */
  askUser?: (ask: ElicitationAsk) => Promise<ElicitationAnswer>;
  /**
   * How long a request may wait for its answer (progress notifications restart the wait). Past
   * it the client gets an error and the server a cancellation. Default 5 minutes.
   */
  requestTimeoutMs?: number;
  /**
   * Retry and resume (message-path/retry-stage.ts), with the proxy's shared retry budget and tool
   * hints. Absent: one attempt per request (the health check's own sessions).
   */
  recovery?: Omit<RecoveryOptions, 'log'>;
  /**
   * The tool policy (message-path/tool-policy-stage.ts), shared by the proxy's connections, and the
   * install tag of this connection's client entry. Absent: definitions pass unfiltered (the health
   * check's own sessions).
   */
  policy?: { shared: ToolPolicy; install?: string };
}

/** How a session gets and renews its bearer token; implemented by the proxy runtime over IPC. */
export interface UpstreamAuth {
  token(): string | undefined;
  /**
   * The server refused the token (401, or 403 insufficient_scope with its challenge). Resolves to
   * a new token, or undefined when the user has to sign in (again).
   */
  renew(status: number, wwwAuthenticate?: string): Promise<string | undefined>;
}
