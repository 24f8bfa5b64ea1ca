/**
 * The sign-in engine's ports and public shape. The engine (AuthService) runs in the main process
 * (or the headless host), owns every token, and serves all proxies over the fork channel.
 */

/** Where secrets live. Electron: safeStorage-encrypted file; headless host: a 0600 file. */
export interface SecretVault {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys that start with `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /** How well the secrets are protected, for the UI ("stored in a plain file"). */
  readonly security: VaultSecurity;
  /**
   * Resolves once `security` is known (the app learns it from the OS keychain after start, which
   * may wait for the user to unlock it). A vault without it knows at once.
   */
  whenReady?(): Promise<void>;
}

export interface VaultSecurity {
  /** True only when an OS facility (Keychain, DPAPI, libsecret/kwallet) encrypts the secrets. */
  secure: boolean;
  /** e.g. "safeStorage (Keychain)", "file (not encrypted)". */
  backend: string;
  /** Shown to the user when `secure` is false. */
  warning?: string;
}

/** Opens an authorization URL in the user's browser. Never through a shell. */
export interface BrowserOpener {
  open(url: string): Promise<void>;
}

/**
 * How a server's tokens are obtained: the browser sign-in (authorization code + PKCE), a
 * confidential client with no user (client credentials), or enterprise-managed authorization
 * (the MCP cross-app access extension: the user's ID token from the company's identity provider is
 * exchanged there for an identity assertion grant, RFC 8693, which the server's authorization
 * server redeems with the JWT bearer grant, RFC 7523).
 */
export type GrantType = 'authorization_code' | 'client_credentials' | 'enterprise';

/** The company's identity provider for enterprise-managed authorization (Settings). */
export interface EnterpriseIdpConfig {
  /** The IdP's issuer (its metadata is discovered from it). */
  issuer: string;
  /** The app's client at the IdP (token exchange and the user's IdP sign-in). */
  clientId: string;
  clientSecret?: string;
}

/** What the engine needs to know about one server. */
export interface AuthServerConfig {
  id: string;
  name: string;
  url: string;
  /** A client the user pre-registered with the authorization server. */
  clientId?: string;
  clientSecret?: string;
  /** Scopes the user asked for (space-separated), added to whatever the server challenges for. */
  scopes?: string;
  /**
   * The spec says to refuse an authorization server whose metadata does not list
   * `code_challenge_methods_supported` (PKCE). Microsoft Entra ID omits the field although S256
   * works; this per-server switch (off by default) lets the user proceed anyway.
   */
  allowUnadvertisedPkce?: boolean;
  /**
   * `client_credentials`: a pre-registered confidential client (clientId + clientSecret, or
   * + privateKey) that gets tokens without a user or browser (machine-to-machine servers);
   * `enterprise`: the company's identity provider vouches for the user (see GrantType). Default:
   * the browser sign-in (authorization code + PKCE).
   */
  grantType?: GrantType;
  /**
   * How a `client_credentials` client proves itself at the token endpoint: its secret (default), or
   * a JWT signed with its private key (`private_key_jwt`, RFC 7523 §2.2) when `privateKey` is set.
   */
  privateKey?: string;
  /** The JWS algorithm for `privateKey` (ES256, RS256, …); default: from the key's type. */
  signingAlgorithm?: string;
  /**
   * `enterprise`: the company's identity provider (set once in Settings) and, from the vault, the
   * secret of the app's client there. The ID token comes from the engine's own IdP sign-in.
   */
  enterprise?: EnterpriseIdpConfig;
  /**
   * Where the browser comes back to. `loopback` (default): `http://127.0.0.1:<port>/oauth/callback`,
   * served by the engine. `app-scheme`: the app's own `mcp-switchboard://oauth/callback` (RFC 8252
   * §7.1), for a pre-registered native client whose authorization server accepts it; the app's
   * protocol handler passes the deep link to `AuthService.handleRedirect`. When the authorization
   * server refuses it, the sign-in falls back to the loopback redirect (and says so in the log).
   */
  redirect?: 'loopback' | 'app-scheme';
}

export type AuthLogLevel = 'debug' | 'info' | 'warn' | 'error';

export type AuthState = 'unknown' | 'signed-in' | 'needs-sign-in' | 'signing-in' | 'error';

export interface AuthStateChange {
  serverId: string;
  state: AuthState;
  /** A sentence for the user ("Signed in to Linear", "Sign-in was cancelled in the browser"). */
  detail?: string;
}

export interface HeldTokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms when the access token expires, when the authorization server said. */
  expiresAt?: number;
  /** Who signed in, when the authorization server said (an ID token's email, user name or `sub`). */
  account?: string;
}

/** The page of a browser sign-in in progress, and when the sign-in stops waiting for it. */
export interface SignInPage {
  url: string;
  expiresAt: number;
}

/** The engine's public surface, used by AppCore and the handler table. */
export interface AuthEngine {
  /**
   * Runs the browser sign-in for a server and resolves when it is signed in (rejects with a clear
   * message otherwise). A second call while one is running joins it: no second browser tab.
   */
  signIn(server: AuthServerConfig): Promise<void>;
  /** The page of the browser sign-in waiting for the user, if one is (to open again, or copy). */
  signInPage?(serverId: string): SignInPage | undefined;
  /** Opens that page in the browser again (the user closed the tab). */
  openSignInPage?(serverId: string): Promise<void>;
  /** Ends the browser sign-in waiting for the user: its `signIn` rejects as cancelled. False: none was waiting. */
  cancelSignIn?(serverId: string): boolean;
  /** A currently valid access token, refreshed first when it is about to expire; undefined if none. */
  accessToken(server: AuthServerConfig): Promise<string | undefined>;
  /**
   * The server answered 401 (or 403 insufficient_scope) to `token`: refresh once (single flight,
   * rotation-safe) and return the new access token, or undefined when the user must sign in again
   * (state `needs-sign-in`; for 403 insufficient_scope the next `signIn` asks for the union of the
   * scopes). Rejects only for transient failures (authorization server unreachable, 5xx): the
   * tokens are kept and a browser sign-in would not help.
   */
  onUnauthorized(server: AuthServerConfig, challenge: { status: number; wwwAuthenticate?: string; token?: string }): Promise<string | undefined>;
  /** Revoke at the authorization server when possible, forget tokens and the client registration. */
  reset(server: AuthServerConfig): Promise<void>;
  state(serverId: string): AuthState;
  /**
   * The tokens held for a server as stored, without refreshing or changing any state (for the
   * expiry shown to the user and for redaction); undefined when none are held.
   */
  heldTokens?(serverId: string): Promise<HeldTokens | undefined>;
  /** The state with its sentence for the user ("Sign-in timed out", "needs more permissions"). */
  status(serverId: string): AuthStateChange;
  onDidChangeState(listener: (change: AuthStateChange) => void): () => void;
  /**
   * The servers whose tokens the engine keeps fresh by itself: for each, a refresh is scheduled
   * (on the engine's Clock) at the skew before the access token expires, re-armed after every
   * refresh, sign-in and reset. Each call replaces the previous set: pass every enabled server
   * (with its current settings) whenever one is added, enabled, changed, disabled or removed; a
   * server left out is no longer refreshed ahead of time (its tokens are kept).
   */
  keepFresh(servers: readonly AuthServerConfig[]): void;
  /**
   * A new access token was stored for a server, by a sign-in or by any renewal (the schedule, a
   * proxy's 401, `accessToken` near expiry, a client-credentials renewal). `expiresAt`: epoch ms,
   * when the authorization server said.
   */
  onDidRenewToken(listener: (serverId: string, accessToken: string, expiresAt: number | undefined) => void): () => void;
  /** Stops the schedule, ends sign-ins in progress, waits for refreshes in flight. */
  dispose(): Promise<void>;
  // ---- the company's identity provider (enterprise-managed authorization; enterprise-idp.ts)
  signInToIdp?(idp: EnterpriseIdpConfig | undefined): Promise<void>;
  useIdpIdToken?(idp: EnterpriseIdpConfig, idToken: string): Promise<void>;
  signOutOfIdp?(idp: EnterpriseIdpConfig | undefined): Promise<void>;
  idpStatus?(idp: EnterpriseIdpConfig | undefined): Promise<{ signedIn: boolean; account?: string; expiresAt?: number }>;
}
