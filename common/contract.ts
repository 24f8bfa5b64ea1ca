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
export type ServerState = 'stopped' | 'starting' | 'connecting' | 'needs-sign-in' | 'ready' | 'retrying' | 'error';

export const SERVER_STATES: readonly ServerState[] = ['stopped', 'starting', 'connecting', 'needs-sign-in', 'ready', 'retrying', 'error'];

export type TransportKind = 'streamable-http' | 'sse';

export interface ServerCounters {
  /** Downstream (client) connections open right now. */
  connections: number;
  /** Downstream connections since the proxy started. */
  connectionsTotal: number;
  requests: number;
  errors: number;
  /** Calls the server answered after the proxy retried or resumed them, on `countedOn`. */
  savedToday?: number;
  /** Calls that ended without the server's answer (an upstream fault, given up or timed out), on `countedOn`. */
  lostToday?: number;
  /** The local date (YYYY-MM-DD) the two counts are for; another day's counts are not today's. */
  countedOn?: string;
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
  /** Epoch ms when the held access token expires (absent: no token, or no expiry known). */
  tokenExpiresAt?: number;
  /**
   * Who the server is signed in as ("ada@example.com", a user name, or the account's id), from the
   * authorization server's ID token; absent when it did not say (or nobody is signed in). Tells
   * two entries of the same server (work and personal) apart.
   */
  account?: string;
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
  /**
   * OAuth scopes to ask for at sign-in, space-separated ("repo read:org"), added to what the server
   * itself asks for. Most servers need none: their 401 names the scopes.
   */
  scopes?: string;
  /** How long the proxy may retry one call to this server, in seconds (default 15; 0 turns retries off). */
  retryBudgetSeconds?: number;
  /**
   * How tokens are got: `browser` (default: the user signs in), `client-credentials` (a confidential
   * client with no user: `clientId` plus `clientSecret` or `privateKey`), or `enterprise` (the
   * company's identity provider, set up in Settings, vouches for the user: cross-app access;
   * `clientId`/`clientSecret` are the client the server's authorization server issued).
   */
  signIn?: SignInMode;
  /** client-credentials with `private_key_jwt` (RFC 7523): the client's PEM private key. Kept in the vault, never sent back. */
  privateKey?: string;
  /** The JWS algorithm for `privateKey` (ES256, RS256, …); default: from the key's type. */
  signingAlgorithm?: string;
  /**
   * How to reach the server: absent or `system` (the system's proxy settings, or HTTPS_PROXY and
   * NO_PROXY), `direct`, or a proxy URL (`http://[user[:password]@]host:port`; the password goes to
   * the vault).
   */
  proxy?: string;
  /** A CA certificate file (PEM) to trust for this server, besides the system's and Settings ▸ Network's. */
  caFile?: string;
}

export type SignInMode = 'browser' | 'client-credentials' | 'enterprise';

/** What `servers:find-or-add` did: nothing but the server's id leaves the host. */
export interface FindOrAddResult {
  serverId: string;
  /**
   * `found`: a server with this URL and exactly these header values (a client secret too, when
   * given); `updated`: the server of this URL and this name, whose header values (or client
   * secret) were replaced with these; `added`: a new server (another account, or new).
   */
  outcome: 'found' | 'updated' | 'added';
}

/** What the add flow learns about a URL before the server is added. */
export interface ProbeInput {
  url: string;
  headers?: Record<string, string>;
  /** The Advanced fields that change how the server is reached (see AddServerInput). */
  proxy?: string;
  caFile?: string;
}

export interface ProbeResult {
  /** The URL as it will be stored (validated, normalized). */
  url: string;
  /** An HTTP answer came back (any status). */
  reachable: boolean;
  transport?: TransportKind;
  /** `needed`: the server answered 401 and names an authorization server. */
  signIn: 'not-needed' | 'needed' | 'unknown';
  /** Issuer of the authorization server that signs the user in ("https://github.com"). */
  authorizationServer?: string;
  /** From the server's initialize answer (serverInfo), when it answered without sign-in. */
  serverName?: string;
  serverVersion?: string;
  protocolVersion?: string;
  /** A friendly default name for the form ("Linear", else the host). */
  suggestedName: string;
  /** A sentence when something is wrong ("Nothing answers at mcp.example.com: connection refused"). */
  problem?: string;
}

/** A tool the server offers (from tools/list through the server's own proxy). */
export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
}

export interface RemoveResult {
  /** Clients the server was removed from. */
  uninstalled: InstallResult[];
  /** Clients that could not be edited, with the reason (the server is removed anyway). */
  failed: Array<{ clientId: string; error: string }>;
}

/** An `npx mcp-remote <url>` entry found in a client config, offered for import. */
export interface ImportCandidateView {
  clientId: string;
  clientName: string;
  file: string;
  entryName: string;
  url: string;
  /** Header names only; values stay in main. */
  headerNames: string[];
}

export type ThemeSetting = 'system' | 'light' | 'dark';

/**
 * Without a system keyring (Linux `basic_text`) tokens can only be stored under a fixed key.
 * `ask`: not decided yet (the window asks); `store`: store them anyway; `memory`: keep them only
 * while the app runs (sign in again after every start).
 */
export type WeakStorageChoice = 'ask' | 'store' | 'memory';

export interface AppSettings {
  launchAtLogin: boolean;
  /** Days of rotated log files kept on disk (1–90). */
  logRetentionDays: number;
  theme: ThemeSetting;
  weakStorage: WeakStorageChoice;
  /** Settings ▸ Network: a CA certificate file (PEM) trusted for every server, besides the system's store. */
  caFile?: string;
  /**
   * Settings ▸ Network: the user name for the system's (or HTTPS_PROXY's) proxy when it asks for
   * one; its password is set with `network:set-proxy-password` and kept in the vault.
   */
  proxyUsername?: string;
  /** Settings ▸ Company sign-in: the identity provider for enterprise-managed authorization. */
  enterpriseIdp?: EnterpriseIdpSettings;
}

export interface EnterpriseIdpSettings {
  /** The identity provider's issuer URL (https). */
  issuer: string;
  /** The app's client at the identity provider. */
  clientId: string;
}

/** The company's identity provider as the window shows it. */
export interface EnterpriseStatus {
  configured: boolean;
  issuer?: string;
  clientId?: string;
  /** A client secret for the identity provider is kept in the vault. */
  hasClientSecret: boolean;
  signedIn: boolean;
  /** Who is signed in there. */
  account?: string;
  /** Epoch ms when the held ID token expires. */
  expiresAt?: number;
}

/** `enterprise:configure`: the identity provider, its client secret and (automation) an ID token from elsewhere. */
export interface EnterpriseConfigureInput {
  issuer: string;
  clientId: string;
  /** Kept in the vault; absent leaves the stored one, '' removes it. */
  clientSecret?: string;
  /** An ID token of this identity provider obtained elsewhere (automation); kept in the vault. */
  idToken?: string;
}

export interface SecretStorageInfo {
  /** Tokens are encrypted with a key only this user's keyring holds. */
  secure: boolean;
  backend: string;
  /** What the user should know when not secure. */
  warning?: string;
}

export interface DiagnosticsBundle {
  /** Absolute path of the written bundle (JSON, redacted). */
  file: string;
  bytes: number;
}

/** Invoke channels: name `domain:verb` → [argument, value]. */
export interface Calls {
  'servers:list': [void, ServerSummary[]];
  'servers:add': [AddServerInput, ServerSummary];
  /**
   * The server `connect` means, found or added (and turned on): header values and a client secret
   * are compared in the host, never sent back. A server of the same URL with other values is
   * another account: a new server is added, unless `name` names an existing server of this URL,
   * which is then updated (a rotated key).
   */
  'servers:find-or-add': [AddServerInput, FindOrAddResult];
  /** Probes a URL for the add flow: reachable, transport, sign-in needed and by whom, name. */
  'servers:probe': [ProbeInput, ProbeResult];
  /** Removes the server and, unless `keepInClients`, its entries in every client config. */
  'servers:remove': [{ serverId: string; keepInClients?: boolean }, RemoveResult];
  'servers:set-enabled': [{ serverId: string; enabled: boolean }, ServerSummary];
  'servers:restart': [{ serverId: string }, void];
  /**
   * Starts the server's proxy if it is not running (a connector found none while the host runs);
   * refuses with a sentence when the server is unknown or turned off.
   */
  'servers:ensure-running': [{ serverId: string }, ServerStatus];
  /** The tools the server offers, listed through its own proxy. */
  'servers:tools': [{ serverId: string }, ToolInfo[]];
  /** Opens the browser to sign in; resolves when signed in. */
  'auth:sign-in': [{ serverId: string }, void];
  /** Revokes and forgets the server's tokens and client registration. */
  'auth:reset': [{ serverId: string }, void];
  /** Recent events of one server, or of every server merged by time when `serverId` is absent. */
  'logs:tail': [{ serverId?: string; limit?: number }, LogEvent[]];
  /** Writes a redacted bundle (versions, server configs without secrets, recent logs). */
  'logs:export-diagnostics': [void, DiagnosticsBundle];
  'clients:list': [void, ClientApp[]];
  /** Every (server, client) pair's install state; limited to one server when given. */
  'clients:status': [{ serverId?: string }, InstallStatus[]];
  'clients:install': [{ serverId: string; clientId: string }, InstallResult];
  'clients:uninstall': [{ serverId: string; clientId: string }, InstallResult];
  /** `npx mcp-remote <url>` entries in client configs that Switchboard could manage. */
  'clients:find-imports': [void, ImportCandidateView[]];
  /** Adds the entry's server and points the client's entry at Switchboard. */
  'clients:import': [{ clientId: string; entryName: string }, ServerSummary];
  'settings:get': [void, AppSettings];
  'settings:set': [Partial<AppSettings>, AppSettings];
  /** The password for the proxy of Settings ▸ Network (`proxyUsername`), kept in the vault; null removes it. */
  'network:set-proxy-password': [{ password: string | null }, void];
  /** The company's identity provider (enterprise-managed authorization): configured, signed in, as whom. */
  'enterprise:status': [void, EnterpriseStatus];
  /** Sets the identity provider (and its client secret, or an ID token from elsewhere). */
  'enterprise:configure': [EnterpriseConfigureInput, EnterpriseStatus];
  /** Opens the browser to sign in to the identity provider; resolves when signed in. */
  'enterprise:sign-in': [void, EnterpriseStatus];
  'enterprise:sign-out': [void, EnterpriseStatus];
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
  /** The copy of the file as it was before this change (when there was a file to keep). */
  backup?: string;
}

export interface AppInfo {
  version: string;
  dataDir: string;
  platform: string;
  /** How tokens are stored; absent when this host does no sign-in. */
  secretStorage?: SecretStorageInfo;
  /** The host can register itself to launch at login (the Electron app; not the headless host). */
  loginItemSupported: boolean;
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
  'settings:did-change': AppSettings;
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
  'servers:find-or-add',
  'servers:probe',
  'servers:remove',
  'servers:set-enabled',
  'servers:restart',
  'servers:ensure-running',
  'servers:tools',
  'auth:sign-in',
  'auth:reset',
  'logs:tail',
  'logs:export-diagnostics',
  'clients:list',
  'clients:status',
  'clients:install',
  'clients:uninstall',
  'clients:find-imports',
  'clients:import',
  'settings:get',
  'settings:set',
  'network:set-proxy-password',
  'enterprise:status',
  'enterprise:configure',
  'enterprise:sign-in',
  'enterprise:sign-out',
  'app:info',
  'app:take-proposal',
];

export const EVENT_NAMES: readonly EventName[] = [
  'servers:did-change-status',
  'servers:did-change-list',
  'settings:did-change',
  'logs:did-append',
  'app:did-propose-add',
];

/** What the preload exposes as `window.switchboard` (and the browser shell's page script too). */
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
