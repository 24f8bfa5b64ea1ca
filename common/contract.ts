/**
 * The one typed API between the main process and the renderer.
 *
 * Main registers one handler per entry of `Calls` (main/core/api), the preload exposes the same
 * names on `window.switchboard`, and the renderer uses only this file's types. Nothing here may
 * import Node, DOM or Electron at runtime: it is data and types only.
 *
 * Every call resolves to a `Result`; nothing throws across the boundary.
 */

import type { ProtocolInUse } from './protocol-versions';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Lifecycle of one server's proxy, as the user sees it. */
/**
 * `idle`: no proxy runs (none was needed since the idle time passed, or since the app started); the
 * host checks the server now and then, and a client's first connection starts the proxy. An idle
 * server that is found to need sign-in or not to answer shows `needs-sign-in` or `retrying` (its
 * `pid` absent, `nextRetryAt` the next check).
 */
export type ServerState = 'stopped' | 'idle' | 'starting' | 'connecting' | 'needs-sign-in' | 'ready' | 'retrying' | 'error';

export const SERVER_STATES: readonly ServerState[] = ['stopped', 'idle', 'starting', 'connecting', 'needs-sign-in', 'ready', 'retrying', 'error'];

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
  /** The protocol revisions spoken (server, and the last client's), and whether the proxy bridges them. */
  protocol?: ProtocolInUse;
  counters: ServerCounters;
  /**
   * Grows with every change of this server's status in this host run. A window that gets the same
   * server's status by two paths (an event, a call's answer) keeps the higher one, so an answer
   * that was on its way while the proxy moved on cannot put an old state back.
   */
  rev?: number;
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
  /**
   * The app renews the sign-in by itself (a refresh token is held). False: the sign-in ends at
   * `tokenExpiresAt` and the user signs in again then. Absent: not signed in, or not known.
   */
  renewsAutomatically?: boolean;
  /** The pre-registered OAuth client's ID, when the user gave one (its secret never leaves main). */
  clientId?: string;
  /** Extra scopes asked for at sign-in (space-separated), when the user gave some. */
  scopes?: string;
  /** False: the app does not stand in for what a client lacks (ask a server's questions in the window). Absent: on. */
  standIns?: boolean;
  /** Client installs (client ids) that get no stand-ins while `standIns` is on. */
  standInsOffFor?: string[];
  /** Its own proxy: `direct` or the proxy URL with its user but never the password (kept in the vault). Absent: the system's settings. */
  proxy?: string;
  /** Its own CA file, when it has one. */
  caFile?: string;
}

/**
 * A server's question for the user, asked in the window because the client cannot ask it (it
 * declares no elicitation). Form mode: fields from `requestedSchema`; URL mode: a page to open,
 * after the user agreed to go to `domain`.
 */
export interface PendingElicitation {
  id: string;
  serverId: string;
  serverName: string;
  mode: 'form' | 'url';
  message: string;
  /** Form mode: a flat object schema (string, number, integer, boolean, enum; defaults, required). */
  requestedSchema?: { type?: string; properties?: Record<string, ElicitationField>; required?: string[] };
  /** URL mode: the address, secrets in it masked, for display. */
  url?: string;
  /** URL mode: the host the page is on ("accounts.example.com"). */
  domain?: string;
  /** Epoch ms: unanswered by then, the server gets "cancel". */
  expiresAt: number;
}

/** One field of a form-mode question (MCP's restricted JSON schema). */
export interface ElicitationField {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array';
  title?: string;
  description?: string;
  default?: string | number | boolean | string[];
  enum?: string[];
  enumNames?: string[];
  oneOf?: { const: string; title?: string }[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: { type?: string; enum?: string[]; anyOf?: { const: string; title?: string }[] };
}

export type ElicitationAction = 'accept' | 'decline' | 'cancel';

export interface ElicitationReply {
  id: string;
  action: ElicitationAction;
  /** Accept in form mode: the values, by field name. */
  content?: Record<string, string | number | boolean | string[]>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What a log line is about, where it is not traffic: the sign-in engine's lines are `sign-in`. */
export type LogTopic = 'sign-in';

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
  /** The client that made the connection ("Claude Desktop", "Cursor"), when the host could tell. */
  client?: string;
  /** The app's own connection (listing a server's tools), not a client's: never counted as client traffic. */
  own?: boolean;
  topic?: LogTopic;
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
   * A draft (the add flow, before sign-in): kept in memory only, not listed, not counted, no proxy
   * and no client entries, until `servers:keep`; `servers:discard` (or quitting) forgets it and its
   * sign-in. An abandoned add leaves nothing behind.
   */
  draft?: boolean;
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
  /** The registry entry it was picked from (the core checks it against the registry's latest version). */
  origin?: RegistryOrigin;
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

/** Changes to a server (the server page's Edit form); fields left out keep their values. */
export interface UpdateServerInput {
  serverId: string;
  name?: string;
  url?: string;
  /**
   * Header changes, write-only: a string sets that header's value, null removes the header; headers
   * not named keep their stored values (which the window never sees).
   */
  headers?: Record<string, string | null>;
  /** Extra scopes; '' clears them. */
  scopes?: string;
  /** The pre-registered client's ID; '' removes the client (and its secret). */
  clientId?: string;
  /** A new client secret (write-only); null removes the stored one; absent keeps it. */
  clientSecret?: string | null;
  /**
   * How to reach the server, as at add: `system` (or ''), `direct`, or a proxy URL. A password in
   * the URL goes to the vault; the same URL and user without one keeps the stored password; any
   * other choice removes it.
   */
  proxy?: string;
  /** The server's own CA file (an absolute path); '' removes it. */
  caFile?: string;
}

export interface UpdateServerResult {
  server: ServerSummary;
  /** The address or the OAuth client changed: the old sign-in was for another one, so it was reset. */
  signedOut: boolean;
}

/** The sign-in page of a browser sign-in in progress: open it again, or copy it into another browser. */
export interface SignInPage {
  url: string;
  /** Epoch ms when the sign-in stops waiting for the browser. */
  expiresAt: number;
}

/** A copy of a client's config file, kept before each change Switchboard made to it. */
export interface ConfigBackup {
  /** The backup's file name (what `clients:restore-backup` takes). */
  id: string;
  /** Epoch ms when it was taken (the time of the change that replaced it). */
  createdAt: number;
  bytes: number;
}

export interface RestoreResult {
  clientId: string;
  file: string;
  /** The copy of the file as it was before the restore (a restore can be undone the same way). */
  backup?: string;
  restartHint: string;
}

/** The server page's tabs. */
export type ServerTab = 'overview' | 'tools' | 'log' | 'settings';

/** Something outside the window (the tray, a notification) asks it to show a view. */
export type ViewRequest =
  | { view: 'add' }
  /** `signIn`: start the sign-in there (the window asks about token storage first, where it must). */
  | { view: 'server'; serverId: string; tab?: ServerTab; signIn?: boolean };

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

/**
 * A registry of MCP servers the add flow searches (Settings ▸ Registries): the official MCP
 * Registry (on by default; a company may turn it off) and any number of private ones speaking the
 * same API (`GET /v0.1/servers`). A private registry's bearer token stays in the vault.
 */
export interface RegistrySource {
  /** `official`, or the id given to a private registry when it was added. */
  id: string;
  name: string;
  /** The base URL the API paths are appended to (https://registry.modelcontextprotocol.io). */
  url: string;
  official: boolean;
  enabled: boolean;
  /** A bearer token is kept in the vault for this registry (the token itself never leaves main). */
  hasToken: boolean;
}

export interface RegistryAddInput {
  url: string;
  name?: string;
  /** Sent as `Authorization: Bearer …` to this registry only; kept in the vault. */
  token?: string;
}

export interface RegistryUpdateInput {
  registryId: string;
  enabled?: boolean;
  name?: string;
  /** A new token (write-only); null removes the stored one; absent keeps it. */
  token?: string | null;
}

/** A header or URL variable a registry entry asks for, as the add form shows it. */
export interface RegistryField {
  name: string;
  /** The publisher's words, cleaned (plain text, one paragraph, at most 300 characters). */
  description?: string;
  required: boolean;
  /** A secret (an API key): the form masks it and it is stored like every header value. */
  secret: boolean;
  /** A fixed value or a default the entry gives (never for a secret). */
  value?: string;
  choices?: string[];
}

/** One remote endpoint of a registry entry. */
export interface RegistryRemote {
  transport: TransportKind;
  /** The URL; `{name}` parts are variables the user fills in (see `variables`). */
  url: string;
  headers: RegistryField[];
  variables: RegistryField[];
}

/** A server as a registry lists it, cleaned: plain text, bounded, links only http(s). */
export interface RegistryEntry {
  registryId: string;
  registryName: string;
  /** The registry's name for it, reverse-DNS (`io.github.acme/issues`). */
  name: string;
  title?: string;
  description: string;
  version: string;
  /** Who published it: the namespace of `name` (`io.github.acme`). */
  publisher: string;
  /** Only http(s) links; open them with `registry:open-link`. */
  repositoryUrl?: string;
  websiteUrl?: string;
  status: 'active' | 'deprecated';
  /** Remote endpoints (streamable-http first); entries without one are not listed. */
  remotes: RegistryRemote[];
}

export interface RegistrySearchInput {
  registryId: string;
  /** Matched by the registry against names (and descriptions); '' lists from the start. */
  query: string;
  /** The page after the one that returned this cursor. */
  cursor?: string;
}

/** One page of one registry's answer. */
export interface RegistryPage {
  registryId: string;
  entries: RegistryEntry[];
  nextCursor?: string;
  /** Entries that did not match the registry schema, each with the reason (they are left out). */
  skipped: string[];
  /** Entries left out because they have no remote endpoint (packages to run locally only). */
  localOnly: number;
}

/** Where a server added from a registry came from, kept on the server to look for updates. */
export interface RegistryOrigin {
  registryId: string;
  name: string;
  version: string;
}

/** What changed in a registry's newer version of a server added from it. */
export interface RegistryUpdate {
  serverId: string;
  current: string;
  latest: string;
  /** Sentences: "The address changed to https://…", "A new header X-Region is required". */
  changes: string[];
  /** The new address (when it changed). */
  url?: string;
  /** Headers the new version asks for that the server does not have yet. */
  newHeaders: RegistryField[];
}

/** A tool the server offers (from tools/list through the server's own proxy). */
export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
}

/** What the tool policy covers: a server's tools, prompts and resource templates. */
export type DefinitionKind = 'tools' | 'prompts' | 'resourceTemplates';

/**
 * Per server: `ask` — new and changed definitions wait for the user's review (default);
 * `allow-new` — new ones reach clients at once, changed ones wait; `allow-all` — everything reaches
 * clients (and is pinned), as before the policy.
 */
export type ToolPolicyMode = 'ask' | 'allow-new' | 'allow-all';

export const TOOL_POLICY_MODES: readonly ToolPolicyMode[] = ['ask', 'allow-new', 'allow-all'];

/** One definition (a tool, prompt or resource template) as the review shows it. */
export interface DefinitionView {
  kind: DefinitionKind;
  name: string;
  /**
   * `approved`: clients may see it; `pending`: new or changed since approved, withheld from
   * clients until reviewed; `blocked`: the user keeps this version from clients.
   */
  state: 'approved' | 'pending' | 'blocked';
  /** The definition as the server lists it now (whole: description, schemas, annotations). */
  current: Record<string, unknown>;
  /** For a changed definition: the approved one it replaces (absent for a new one). */
  previous?: Record<string, unknown>;
  /** For a changed definition: the top-level fields that differ ("description", "inputSchema"). */
  changed?: string[];
  /** When it was approved, and how: at first use (the baseline), by the user, or by the server's policy. */
  approvedAt?: number;
  approvedHow?: 'first-use' | 'user' | 'policy';
  /** Pending or blocked since (epoch ms). */
  since?: number;
  /** Estimated context cost of the definition, in tokens (see TOKEN_ESTIMATE). */
  tokens: number;
}

/** A server's definitions under review, with its policy. */
export interface ToolReview {
  serverId: string;
  mode: ToolPolicyMode;
  /** When a listing was last seen (epoch ms); absent: no client nor the window has listed yet. */
  listedAt?: number;
  /** What the server lists now: approved, pending and blocked, by kind then name. */
  items: DefinitionView[];
  pending: number;
}

/** When a client install last connected to a server, as its proxy saw it. */
export interface LastSeen {
  at: number;
  /** The client's own clientInfo from its initialize ("Cursor", "1.9.0"). */
  clientName?: string;
  clientVersion?: string;
  /** Its last session got a tools/list answer. */
  listedTools: boolean;
}

/** One server × client install: the tools it sees, the ones turned off, the context cost, the last connection. */
export interface ClientTools {
  serverId: string;
  clientId: string;
  /** The client's name (the table's, else what the client announced). */
  clientName: string;
  /** The server is in the client's config (installed, or ours but stale). */
  installed: boolean;
  /** The server's approved tools, each with whether this client has it turned off. */
  tools: Array<{ name: string; hidden: boolean; tokens: number }>;
  /** Tools this client sees, and their estimated cost in tokens. */
  visible: number;
  tokens: number;
  lastSeen?: LastSeen;
}

/** Per client install, across servers: how many tool definitions it carries and their estimated cost. */
export interface ClientContextCost {
  clientId: string;
  clientName: string;
  servers: Array<{ serverId: string; visible: number; tokens: number }>;
  visible: number;
  tokens: number;
}

/**
 * How tokens are estimated (no tokenizer ships with the app): the definition's JSON length in
 * characters divided by this, rounded up. English prose and JSON average 3.5–4 characters per token
 * in the common tokenizers; 4 keeps the estimate simple and close.
 */
export const TOKEN_ESTIMATE = { charsPerToken: 4 } as const;

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

export type NewServerTools = 'review' | 'trust';
export const NEW_SERVER_TOOLS: readonly NewServerTools[] = ['review', 'trust'];

export interface AppSettings {
  launchAtLogin: boolean;
  /** Days of rotated log files kept on disk (1–90). */
  logRetentionDays: number;
  /**
   * Minutes a server's proxy keeps running with no client before it stops (0–1440); it starts again
   * on a client's first connection. 0: every enabled server's proxy runs all the time.
   */
  proxyIdleMinutes: number;
  theme: ThemeSetting;
  weakStorage: WeakStorageChoice;
  /**
   * A newly added server's tools: `review` (default) withholds its first listing from every client
   * until the user approves it; `trust` takes the first listing as approved (shown "approved at
   * first use"). Later changes follow the server's policy either way.
   */
  newServerTools: NewServerTools;
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
  /** Keeps a draft of the add flow: saved, listed, its proxy started. */
  'servers:keep': [{ serverId: string }, ServerSummary];
  /** Forgets a draft of the add flow (its sign-in, client secret and log too); only drafts. */
  'servers:discard': [{ serverId: string }, void];
  /** Edits a server (the Edit form): name, URL, header values (write-only), scopes, pre-registered client. */
  'servers:update': [UpdateServerInput, UpdateServerResult];
  /** Probes a URL for the add flow: reachable, transport, sign-in needed and by whom, name. */
  'servers:probe': [ProbeInput, ProbeResult];
  /** Removes the server and, unless `keepInClients`, its entries in every client config. */
  'servers:remove': [{ serverId: string; keepInClients?: boolean }, RemoveResult];
  'servers:set-enabled': [{ serverId: string; enabled: boolean }, ServerSummary];
  /**
   * Turns the stand-ins (the window asking what a client cannot) on or off for one server, or, with
   * `clientId`, for that client's install of it only.
   */
  'servers:set-stand-ins': [{ serverId: string; enabled: boolean; clientId?: string }, ServerSummary];
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
  /** The sign-in page of the browser sign-in in progress for the server, or null. */
  'auth:sign-in-page': [{ serverId: string }, SignInPage | null];
  /** Opens the sign-in page in progress in the browser again (the tab was closed). */
  'auth:open-sign-in-page': [{ serverId: string }, void];
  /** Ends the browser sign-in in progress (the pending `auth:sign-in` fails with "cancelled"). */
  'auth:cancel-sign-in': [{ serverId: string }, void];
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
  /** The copies of a client's config file kept before Switchboard's changes, newest first. */
  'clients:backups': [{ clientId: string }, ConfigBackup[]];
  /** Puts a backup back as the client's config file (the current file is backed up first). */
  'clients:restore-backup': [{ clientId: string; backupId: string }, RestoreResult];
  /** The server's definitions under review (approved, pending with their diff, blocked) and its policy. */
  'tools:review': [{ serverId: string }, ToolReview];
  /** Approves pending definitions at their current version: the named ones (of `kind`, default tools), or every one with `all`. */
  'tools:approve': [{ serverId: string; kind?: DefinitionKind; names?: string[]; all?: boolean }, ToolReview];
  /** Keeps the current version of a definition from clients (until it changes again and is reviewed). */
  'tools:block': [{ serverId: string; kind?: DefinitionKind; name: string }, ToolReview];
  'tools:set-policy': [{ serverId: string; mode: ToolPolicyMode }, ToolReview];
  /** Per client install of the server: its tools (with the ones turned off), context cost, last connection. */
  'tools:clients': [{ serverId: string }, ClientTools[]];
  /** Turns one tool off (`hidden: true`) or on for one client install of the server. */
  'tools:set-hidden': [{ serverId: string; clientId: string; tool: string; hidden: boolean }, ClientTools];
  /** Per client, across servers: the tool definitions it carries and their estimated tokens. */
  'tools:context-cost': [void, ClientContextCost[]];
  /** The registries the add flow searches (Settings ▸ Registries). */
  'registry:sources': [void, RegistrySource[]];
  'registry:add-source': [RegistryAddInput, RegistrySource];
  /** Turns a registry on or off, renames it, or sets (null: removes) its token. */
  'registry:update-source': [RegistryUpdateInput, RegistrySource];
  /** Removes a private registry and its token (the official one can only be turned off). */
  'registry:remove-source': [{ registryId: string }, void];
  /** One page of one registry's servers with remote endpoints, matching `query` (latest versions). */
  'registry:search': [RegistrySearchInput, RegistryPage];
  /** The latest version of one server of a registry. */
  'registry:entry': [{ registryId: string; name: string }, RegistryEntry];
  /** Opens an entry's repository or website in the browser (only an http(s) link the core has seen in that entry). */
  'registry:open-link': [{ registryId: string; name: string; which: 'repository' | 'website' }, void];
  /**
   * Resolves a domain or page (`example.com`) to an MCP server through its published metadata (a
   * server card, an AI catalog); null when it publishes none.
   */
  'registry:resolve-domain': [{ input: string }, RegistryEntry | null];
  /** For a server added from a registry: the latest version, when its address or headers changed; else null. */
  'registry:check-update': [{ serverId: string }, RegistryUpdate | null];
  /** Applies a registry update: the new address and version (new header values as given). */
  'registry:apply-update': [{ serverId: string; headers?: Record<string, string> }, ServerSummary];
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
  /** Questions servers are waiting on the user to answer, oldest first. */
  'elicitation:list': [void, PendingElicitation[]];
  /** The user's answer; refused with a sentence when the values do not fit the form. */
  'elicitation:answer': [ElicitationReply, void];
  /** The add proposal that arrived before the window was there (once), or null. */
  'app:take-proposal': [void, AddProposal | null];
  /** The view the tray or a notification asked for before the window was there (once), or null. */
  'app:take-view-request': [void, ViewRequest | null];
  /** Shows a file the app knows (a client's config, a backup, the data folder) in the file manager. */
  'app:reveal': [{ path: string }, void];
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
  /** What the client does after a server is removed from it ("VS Code drops it when it reloads"). */
  removeHint?: string;
}

/** Whether a server is in a client's config. */
export type InstallState =
  | { state: 'not-installed' }
  | { state: 'installed'; name: string }
  | {
      state: 'stale';
      name: string;
      reason: 'launcher' | 'modified';
      detail: string;
      /** Another install of the app (another data directory) wrote it: never repaired at start, only when asked. */
      otherInstall?: boolean;
    }
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
  /** The host can show a file in the system's file manager (`app:reveal`; the desktop app). */
  canReveal?: boolean;
  /** The user's home folder, for showing paths as "~/…". */
  homeDir?: string;
}

/** Events pushed from main: name → payload. */
/** A link (mcp-switchboard://add?url=…) proposes a server; the user confirms in the form. */
export interface AddProposal {
  url: string;
  name?: string;
  /**
   * An install link (mcp-switchboard://install?registry=…&name=…): the registry's entry it names,
   * as the core fetched it. The form shows where it came from and what will be added.
   */
  entry?: RegistryEntry;
  /** The link itself (what the consent step shows as its origin). */
  link?: string;
  /** The link could not be followed (an unknown registry, a server it does not list): why. */
  problem?: string;
}

export interface Events {
  'servers:did-change-status': ServerStatus;
  'servers:did-change-list': ServerSummary[];
  'settings:did-change': AppSettings;
  'logs:did-append': LogEvent[];
  'app:did-propose-add': AddProposal;
  /** The tray or a notification asks the window to show a view. */
  'app:did-request-view': ViewRequest;
  /** A server's definitions or tool rules changed (a new listing, an approval, a client's tools): `pending` awaiting review. */
  'tools:did-change': { serverId: string; pending: number };
  /** The questions waiting on the user changed (one was asked, answered or timed out). */
  'elicitation:did-change': PendingElicitation[];
}

export type CallName = keyof Calls;
export type EventName = keyof Events;
export type CallArg<K extends CallName> = Calls[K][0];
export type CallValue<K extends CallName> = Calls[K][1];

export const CALL_NAMES: readonly CallName[] = [
  'servers:list',
  'servers:add',
  'servers:find-or-add',
  'servers:keep',
  'servers:discard',
  'servers:update',
  'servers:probe',
  'servers:remove',
  'servers:set-enabled',
  'servers:set-stand-ins',
  'servers:restart',
  'servers:ensure-running',
  'servers:tools',
  'auth:sign-in',
  'auth:reset',
  'auth:sign-in-page',
  'auth:open-sign-in-page',
  'auth:cancel-sign-in',
  'logs:tail',
  'logs:export-diagnostics',
  'clients:list',
  'clients:status',
  'clients:install',
  'clients:uninstall',
  'clients:find-imports',
  'clients:import',
  'clients:backups',
  'clients:restore-backup',
  'tools:review',
  'tools:approve',
  'tools:block',
  'tools:set-policy',
  'tools:clients',
  'tools:set-hidden',
  'tools:context-cost',
  'registry:sources',
  'registry:add-source',
  'registry:update-source',
  'registry:remove-source',
  'registry:search',
  'registry:entry',
  'registry:open-link',
  'registry:resolve-domain',
  'registry:check-update',
  'registry:apply-update',
  'settings:get',
  'settings:set',
  'network:set-proxy-password',
  'enterprise:status',
  'enterprise:configure',
  'enterprise:sign-in',
  'enterprise:sign-out',
  'app:info',
  'app:take-proposal',
  'app:take-view-request',
  'app:reveal',
  'elicitation:list',
  'elicitation:answer',
];

export const EVENT_NAMES: readonly EventName[] = [
  'servers:did-change-status',
  'servers:did-change-list',
  'settings:did-change',
  'logs:did-append',
  'app:did-propose-add',
  'app:did-request-view',
  'tools:did-change',
  'elicitation:did-change',
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
