/**
 * The one typed API between the main process and the renderer.
 *
 * Main registers one handler per entry of `Calls` (main/core/api), the preload exposes the same
 * names on `window.switchboard`, and the renderer uses only this file's types. Nothing here may
 * import Node, DOM or Electron at runtime: it is data and types only.
 *
 * Every call resolves to a `Result`; nothing throws across the boundary.
 */

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Lifecycle of one server's proxy, as the user sees it. */
export type ServerState =
  | 'stopped'
  | 'starting'
  | 'connecting'
  | 'needs-sign-in'
  | 'ready'
  | 'retrying'
  | 'error';

export const SERVER_STATES: readonly ServerState[] = [
  'stopped',
  'starting',
  'connecting',
  'needs-sign-in',
  'ready',
  'retrying',
  'error',
];

export type TransportKind = 'streamable-http' | 'sse';

export interface ServerCounters {
  /** Downstream (client) connections open right now. */
  connections: number;
  /** Downstream connections since the proxy started. */
  connectionsTotal: number;
  requests: number;
  errors: number;
}

export interface ServerStatus {
  serverId: string;
  state: ServerState;
  /** Human sentence explaining the state ("Upstream answered 502 Bad Gateway"). */
  detail?: string;
  lastError?: string;
  /** Epoch ms of the last state change. */
  since: number;
  pid?: number;
  restarts: number;
  /** When in `retrying`: epoch ms of the next attempt. */
  nextRetryAt?: number;
  transport?: TransportKind;
  counters: ServerCounters;
}

/** Sign-in as the user sees it. `none`: no tokens held (the server may not need any). */
export type SignInState = 'none' | 'signing-in' | 'signed-in' | 'needs-sign-in' | 'error';

/** A server as the renderer sees it: no header values, no secrets. */
export interface ServerSummary {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  /** Names of the extra headers only; values never leave main. */
  headerNames: string[];
  status: ServerStatus;
  signIn: SignInState;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEvent {
  /** Epoch ms. */
  ts: number;
  level: LogLevel;
  server: string;
  /** Downstream connection number inside the proxy, when the event belongs to one. */
  connection?: number;
  message: string;
  /** Traffic events only. */
  method?: string;
  id?: string | number | null;
  direction?: 'client-to-server' | 'server-to-client';
  durationMs?: number;
  size?: number;
}

export interface AddServerInput {
  url: string;
  name?: string;
  headers?: Record<string, string>;
  /** A client pre-registered with the server's authorization server (GitHub, Entra, …). */
  clientId?: string;
  /** Its secret, if it is a confidential client. Kept in the vault, never sent back. */
  clientSecret?: string;
}

/** Invoke channels: name `domain:verb` → [argument, value]. */
export interface Calls {
  'servers:list': [void, ServerSummary[]];
  'servers:add': [AddServerInput, ServerSummary];
  'servers:remove': [{ serverId: string }, void];
  'servers:set-enabled': [{ serverId: string; enabled: boolean }, ServerSummary];
  'servers:restart': [{ serverId: string }, void];
  /** Opens the browser to sign in; resolves when signed in. */
  'auth:sign-in': [{ serverId: string }, void];
  /** Revokes and forgets the server's tokens and client registration. */
  'auth:reset': [{ serverId: string }, void];
  'logs:tail': [{ serverId: string; limit?: number }, LogEvent[]];
  'clients:list': [void, ClientApp[]];
  /** Every (server, client) pair's install state; limited to one server when given. */
  'clients:status': [{ serverId?: string }, InstallStatus[]];
  'clients:install': [{ serverId: string; clientId: string }, InstallResult];
  'clients:uninstall': [{ serverId: string; clientId: string }, InstallResult];
  'app:info': [void, AppInfo];
  /** The add proposal that arrived before the window was there (once), or null. */
  'app:take-proposal': [void, AddProposal | null];
}

/** An MCP client app on this machine (Claude Desktop, Cursor, …). */
export interface ClientApp {
  id: string;
  name: string;
  configPath?: string;
  /** The client looks installed (its config file or folder exists). */
  present: boolean;
  /** What the client needs to pick up a change ("Quit and reopen Claude Desktop"). */
  restartHint: string;
}

/** Whether a server is in a client's config. */
export type InstallState =
  | { state: 'not-installed' }
  | { state: 'installed'; name: string }
  | { state: 'stale'; name: string; reason: 'launcher' | 'modified'; detail: string }
  | { state: 'cannot-install'; reason: string };

export type InstallStatus = InstallState & { serverId: string; clientId: string };

export interface InstallResult {
  clientId: string;
  serverId: string;
  /** The entry's name in the client's config. */
  name: string;
  file: string;
  changed: boolean;
  restartHint: string;
}

export interface AppInfo {
  version: string;
  dataDir: string;
  platform: string;
}

/** Events pushed from main: name → payload. */
/** A link (mcp-switchboard://add?url=…) proposes a server; the user confirms in the form. */
export interface AddProposal {
  url: string;
  name?: string;
}

export interface Events {
  'servers:did-change-status': ServerStatus;
  'servers:did-change-list': ServerSummary[];
  'logs:did-append': LogEvent[];
  'app:did-propose-add': AddProposal;
}

export type CallName = keyof Calls;
export type EventName = keyof Events;
export type CallArg<K extends CallName> = Calls[K][0];
export type CallValue<K extends CallName> = Calls[K][1];

export const CALL_NAMES: readonly CallName[] = [
  'servers:list',
  'servers:add',
  'servers:remove',
  'servers:set-enabled',
  'servers:restart',
  'auth:sign-in',
  'auth:reset',
  'logs:tail',
  'clients:list',
  'clients:status',
  'clients:install',
  'clients:uninstall',
  'app:info',
  'app:take-proposal',
];

export const EVENT_NAMES: readonly EventName[] = [
  'servers:did-change-status',
  'servers:did-change-list',
  'logs:did-append',
  'app:did-propose-add',
];

/** What the preload exposes as `window.switchboard` (and what the e2e web bridge mimics). */
export interface SwitchboardApi {
  call<K extends CallName>(name: K, arg: CallArg<K>): Promise<Result<CallValue<K>>>;
  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
}

declare global {
  interface Window {
    switchboard: SwitchboardApi;
  }
}
