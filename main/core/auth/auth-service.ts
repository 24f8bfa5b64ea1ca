/**
 * The sign-in engine. It runs in the main process (or the headless host), owns every token and
 * serves all proxies:
 *
 * - `signIn`: discovery, registration and the authorization URL through the SDK's `auth()`, the
 *   system browser, the loopback callback (state + RFC 9207 iss checks), the code exchange. One
 *   at a time per server: a second call joins the first (no second tab).
 * - `accessToken`: the stored token, refreshed first when it expires within `refreshSkewMs`.
 * - `onUnauthorized`: one refresh at a time per server (concurrent callers share it); a rotated
 *   refresh token is persisted before anyone gets the new access token, and a refresh token the
 *   authorization server has answered for is never sent again. `invalid_grant` ⇒ needs-sign-in
 *   (the user is notified once); `invalid_client` ⇒ the registration is dropped so the next
 *   sign-in registers afresh; 403 insufficient_scope ⇒ the next sign-in asks for the union of
 *   scopes, a bounded number of times.
 * - `reset`: revoke (RFC 7009) where possible, forget tokens, registration and discovery.
 *
 * Nothing secret ever reaches `log`, a state detail or an error message: every token, code,
 * verifier and client secret the engine sees is redacted from them.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  AuthorizationServerMismatchError,
  InsecureTokenEndpointError,
  IssuerMismatchError,
  LATEST_PROTOCOL_VERSION,
  OAuthError,
  RegistrationRejectedError,
  auth,
  computeScopeUnion,
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  exchangeAuthorization,
  extractWWWAuthenticateParams,
  refreshAuthorization,
  selectClientAuthMethod,
  type AuthorizationServerMetadata,
  type FetchLike,
  type OAuthClientInformationMixed,
  type OAuthTokens,
} from '@modelcontextprotocol/client';
import { isSecureOrLoopback } from '../../../common/url-policy';
import { assertSafeBrowserUrl, UnsafeUrlError } from './browser-opener';
import { APP_SCHEME_REDIRECT, CallbackGate, CallbackListener, SignInError, sanitizeText } from './callback-listener';
import { CredentialStore, type ServerSession, type StoredTokens } from './credential-store';
import { CLIENT_NAME, SwitchboardOAuthProvider, type SignInFlow } from './oauth-provider';
import type { AuthEngine, AuthLogLevel, AuthServerConfig, AuthState, AuthStateChange, BrowserOpener, HeldTokens, SecretVault } from './types';

export interface AuthServiceOptions {
  vault: SecretVault;
  opener: BrowserOpener;
  /** Never receives a secret. */
  log: (serverId: string, level: AuthLogLevel, message: string) => void;
  notifier?: { notify(title: string, body: string): void };
  /** Replaces global fetch for every request the engine makes (tests, proxies). */
  fetch?: FetchLike;
  /** How long a browser sign-in may take (default 5 minutes). */
  callbackTimeoutMs?: number;
  /** Refresh this long before the access token expires (default 60 s). */
  refreshSkewMs?: number;
  /** Our client ID metadata document (https URL with a path), used when a server supports CIMD. */
  clientMetadataUrl?: string;
  /** Step-up sign-ins per server and scope set before giving up (default 2). */
  maxStepUpAttempts?: number;
  /** Per-request timeout for authorization-server calls (default 30 s). */
  httpTimeoutMs?: number;
  now?: () => number;
}

/** A plain-http (non-loopback) or otherwise refused endpoint. */
export class InsecureEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsecureEndpointError';
  }
}

interface Runtime {
  state: AuthState;
  detail?: string;
  signIn?: Promise<void>;
  listener?: CallbackListener;
  /** The sign-in waiting for the app-scheme redirect (handed over by `handleRedirect`). */
  gate?: CallbackGate;
  /** The authorization server refused the app-scheme redirect; this server signs in through loopback. */
  appSchemeRefused?: string;
  refreshing?: Promise<string | undefined>;
  /** The latest tokens this process saved (used if the vault write failed). */
  cache?: StoredTokens;
  /** Fingerprints of refresh tokens the authorization server has already answered for. */
  spent: Set<string>;
  /** The user was told once that this server needs sign-in (cleared by a successful sign-in). */
  notified: boolean;
  /** From the last 401/403 challenge: where the resource metadata is, which scope it wants. */
  challenge?: { scope?: string; resourceMetadataUrl?: string };
  /** A 403 insufficient_scope is waiting for a sign-in with this (union) scope. */
  stepUp?: string;
  stepUpAttempts: Map<string, number>;
  /** Set when step-up gave up; the next signIn fails with it instead of opening a tab. */
  stepUpExhausted?: string;
}

/** The authorization server would not take the app-scheme redirect (found before the browser opens). */
class AppSchemeRefusedError extends Error {}

/** `offline_access` is the SDK's to add (only when the AS offers it), never part of a scope we carry over. */
function withoutOfflineAccess(scope: string | undefined): string | undefined {
  const rest = (scope ?? '').split(/\s+/).filter((s) => s && s !== 'offline_access');
  return rest.length ? rest.join(' ') : undefined;
}

/**
 * A 2025-03-26 server publishes no resource metadata: the SDK then takes the MCP server's origin
 * as the authorization server and fetches `<origin>/.well-known/oauth-authorization-server`, whose
 * `issuer` that revision never required to echo the origin (it may name a path on it, e.g.
 * `<origin>/oauth`). Such metadata is served by, and names, the MCP server's own origin, so it is
 * accepted; a mismatch that involves any other origin is still refused.
 */
function isLegacyOriginIssuer(err: unknown, serverUrl: string): err is IssuerMismatchError {
  if (!(err instanceof IssuerMismatchError) || err.kind !== 'metadata' || !err.received) return false;
  try {
    const origin = new URL(serverUrl).origin;
    return err.expected === `${origin}/` && new URL(err.received).origin === origin;
  } catch {
    return false;
  }
}

const fingerprint = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);
const MAX_SECRETS = 1000;

export class AuthService implements AuthEngine {
  private readonly store: CredentialStore;
  private readonly runtimes = new Map<string, Runtime>();
  private readonly listeners = new Set<(change: AuthStateChange) => void>();
  private readonly secrets = new Set<string>();
  private readonly timeoutMs: number;
  private readonly skewMs: number;
  private readonly maxStepUps: number;
  private readonly httpTimeoutMs: number;
  private readonly now: () => number;
  private disposed = false;

  constructor(private readonly opts: AuthServiceOptions) {
    this.store = new CredentialStore(opts.vault);
    this.timeoutMs = opts.callbackTimeoutMs ?? 5 * 60_000;
    this.skewMs = opts.refreshSkewMs ?? 60_000;
    this.maxStepUps = opts.maxStepUpAttempts ?? 2;
    this.httpTimeoutMs = opts.httpTimeoutMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  // ---- state -----------------------------------------------------------------------------

  private rt(serverId: string): Runtime {
    let r = this.runtimes.get(serverId);
    if (!r) {
      r = { state: 'unknown', spent: new Set(), notified: false, stepUpAttempts: new Map() };
      this.runtimes.set(serverId, r);
    }
    return r;
  }

  state(serverId: string): AuthState {
    return this.runtimes.get(serverId)?.state ?? 'unknown';
  }

  status(serverId: string): AuthStateChange {
    const r = this.runtimes.get(serverId);
    return { serverId, state: r?.state ?? 'unknown', detail: r?.detail };
  }

  onDidChangeState(listener: (change: AuthStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(serverId: string, state: AuthState, detail?: string): void {
    const r = this.rt(serverId);
    const clean = detail === undefined ? undefined : this.redact(detail);
    if (r.state === state && r.detail === clean) return;
    r.state = state;
    r.detail = clean;
    const change: AuthStateChange = { serverId, state, detail: clean };
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // a listener's failure is not the engine's
      }
    }
  }

  private needsSignIn(server: AuthServerConfig, detail: string, notify: boolean): void {
    const r = this.rt(server.id);
    this.setState(server.id, 'needs-sign-in', detail);
    if (notify && !r.notified && this.opts.notifier) {
      r.notified = true;
      try {
        this.opts.notifier.notify(`Sign in to ${server.name}`, this.redact(detail));
      } catch {
        // notifications are best effort
      }
    }
  }

  // ---- secrets and logging ------------------------------------------------------------------

  private remember(...values: Array<string | undefined>): void {
    for (const v of values) {
      if (!v || v.length < 6) continue;
      this.secrets.delete(v);
      this.secrets.add(v);
    }
    while (this.secrets.size > MAX_SECRETS) this.secrets.delete(this.secrets.values().next().value as string);
  }

  private rememberTokens(t: OAuthTokens | StoredTokens | undefined): void {
    if (t) this.remember(t.access_token, t.refresh_token, t.id_token);
  }

  private redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  }

  private log(serverId: string, level: AuthLogLevel, message: string): void {
    try {
      this.opts.log(serverId, level, this.redact(sanitizeText(message, 2000)));
    } catch {
      // logging never breaks sign-in
    }
  }

  /** An Error whose message is safe to show and log. */
  private safeError(err: Error): Error {
    const message = this.redact(err.message);
    if (message === err.message) return err;
    if (err instanceof SignInError) return new SignInError(err.kind, message, err.oauthError);
    return new Error(message);
  }

  // ---- HTTP --------------------------------------------------------------------------------

  /**
   * Every request the engine makes: https only (http only to loopback hosts), a timeout, and
   * well-known metadata that is not a JSON object (an HTML page, a bot challenge) treated as absent.
   */
  private fetchFor(serverId: string): FetchLike {
    const base: FetchLike = this.opts.fetch ?? ((url, init) => fetch(url, init));
    return async (input, init) => {
      const url = new URL(String(input));
      if (!isSecureOrLoopback(url)) {
        throw new InsecureEndpointError(`Refusing to contact ${url.host} over plain http; sign-in only uses https (http only on this computer).`);
      }
      const res = await base(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(this.httpTimeoutMs) });
      const method = (init?.method ?? 'GET').toUpperCase();
      if (method !== 'GET' || !url.pathname.includes('/.well-known/') || !res.ok) return res;
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const type = res.headers.get('content-type') ?? '';
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || /text\/html/i.test(type)) {
        this.log(serverId, 'debug', `Ignoring ${url.origin}${url.pathname}: it is not a JSON metadata document`);
        return new Response(null, { status: 404, statusText: 'Not a metadata document' });
      }
      const headers = new Headers(res.headers);
      headers.delete('content-encoding');
      headers.delete('content-length');
      return new Response(text, { status: res.status, statusText: res.statusText, headers });
    };
  }

  private checkServerUrl(server: AuthServerConfig): URL {
    let url: URL;
    try {
      url = new URL(server.url);
    } catch {
      throw new SignInError('config', `The address of ${server.name} is not a valid URL.`);
    }
    if (!isSecureOrLoopback(url)) throw new SignInError('config', `${server.name} is not served over https, so MCP Switchboard will not sign in to it.`);
    return url;
  }

  /** Without a challenge yet, ask the server for one (its 401 names the resource metadata and scope). */
  private async probe(server: AuthServerConfig, rt: Runtime): Promise<void> {
    try {
      const res = await this.fetchFor(server.id)(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': LATEST_PROTOCOL_VERSION },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: CLIENT_NAME, version: '1' } },
        }),
        signal: AbortSignal.timeout(Math.min(this.httpTimeoutMs, 10_000)),
      });
      if (res.status === 401 || res.status === 403) this.noteChallenge(rt, res.headers.get('www-authenticate') ?? undefined, res.status);
      await res.body?.cancel().catch(() => {});
    } catch {
      // best effort: discovery falls back to the well-known locations
    }
  }

  private parseChallenge(header: string | undefined): ReturnType<typeof extractWWWAuthenticateParams> {
    if (!header) return {};
    return extractWWWAuthenticateParams(new Response(null, { headers: { 'WWW-Authenticate': header } }));
  }

  /** Remembers where the resource metadata is and (from a 401) which scope the server asks for. */
  private noteChallenge(rt: Runtime, header: string | undefined, status: number): ReturnType<typeof extractWWWAuthenticateParams> {
    const p = this.parseChallenge(header);
    const scope = status === 401 ? p.scope : undefined;
    if (p.resourceMetadataUrl || scope) {
      rt.challenge = { scope: scope ?? rt.challenge?.scope, resourceMetadataUrl: p.resourceMetadataUrl?.href ?? rt.challenge?.resourceMetadataUrl };
    }
    return p;
  }

  // ---- sign-in -----------------------------------------------------------------------------

  signIn(server: AuthServerConfig): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('MCP Switchboard is shutting down.'));
    const rt = this.rt(server.id);
    if (!rt.signIn) {
      rt.signIn = this.runSignIn(server, rt).finally(() => {
        rt.signIn = undefined;
      });
    }
    return rt.signIn;
  }

  private async runSignIn(server: AuthServerConfig, rt: Runtime): Promise<void> {
    if (rt.stepUpExhausted) {
      const message = rt.stepUpExhausted;
      rt.stepUpExhausted = undefined;
      throw new SignInError('config', message);
    }
    if (server.grantType === 'client_credentials') return this.runClientCredentials(server, rt);
    const previous = { state: rt.state, detail: rt.detail };
    const attempt: { flow?: SignInFlow } = {};
    try {
      this.checkServerUrl(server);
      this.setState(server.id, 'signing-in', `Waiting for you to sign in to ${server.name} in the browser`);
      if (!rt.challenge) await this.probe(server, rt);
      let mode: 'loopback' | 'app-scheme' = server.redirect === 'app-scheme' && !rt.appSchemeRefused ? 'app-scheme' : 'loopback';
      if (server.redirect === 'app-scheme' && rt.appSchemeRefused) {
        this.log(
          server.id,
          'info',
          `Signing in to ${server.name} through the loopback redirect: its authorization server refused ${APP_SCHEME_REDIRECT} before (${rt.appSchemeRefused})`,
        );
      }
      for (;;) {
        try {
          await this.authorizeInBrowser(server, rt, mode, (f) => (attempt.flow = f));
          break;
        } catch (err) {
          const refused = mode === 'app-scheme' ? this.appSchemeRefusal(err) : undefined;
          if (refused === undefined) throw err;
          // Once only: the loopback attempt never falls back again.
          rt.appSchemeRefused = refused;
          this.log(
            server.id,
            'warn',
            `The authorization server for ${server.name} does not accept the app's redirect ${APP_SCHEME_REDIRECT} (${refused}); falling back to the loopback redirect on 127.0.0.1`,
          );
          mode = 'loopback';
        }
      }
      rt.notified = false;
      rt.stepUp = undefined;
      rt.stepUpExhausted = undefined;
      this.setState(server.id, 'signed-in', `Signed in to ${server.name}`);
      this.log(server.id, 'info', `Signed in to ${server.name}`);
    } catch (raw) {
      const err = this.safeError(this.describeSignInFailure(server, raw));
      const kind = err instanceof SignInError ? err.kind : 'exchange';
      const flow = attempt.flow;
      if (
        flow?.client?.kind === 'dcr' &&
        (kind === 'timeout' || (err instanceof SignInError && ['invalid_client', 'unauthorized_client', 'invalid_scope'].includes(err.oauthError ?? '')))
      ) {
        // The authorization server may have shown "unknown client" in the browser (quirk Q9/G20),
        // or the registration cannot cover the scope: register afresh next time.
        const issuer = flow.discovery?.authorizationServerMetadata?.issuer ?? flow.discovery?.authorizationServerUrl;
        if (issuer) await this.store.deleteClient(server.id, issuer).catch(() => {});
      }
      if (kind === 'aborted' && this.disposed) {
        // shutting down: leave the state alone
      } else if (kind === 'config') {
        this.setState(server.id, 'error', err.message);
      } else if (kind === 'aborted') {
        this.setState(server.id, previous.state === 'signing-in' ? 'needs-sign-in' : previous.state, previous.detail);
      } else {
        this.needsSignIn(server, err.message, false);
      }
      this.log(server.id, kind === 'config' ? 'error' : 'warn', `Sign-in to ${server.name} failed: ${err.message}`);
      throw err;
    }
  }

  /**
   * One browser authorization with one redirect: the loopback listener, or the app's own scheme
   * whose deep link `handleRedirect` hands over. Resolves once the code was redeemed.
   */
  private async authorizeInBrowser(server: AuthServerConfig, rt: Runtime, mode: 'loopback' | 'app-scheme', onFlow: (flow: SignInFlow) => void): Promise<void> {
    let listener: CallbackListener | undefined;
    let gate: CallbackGate;
    let redirectUrl: string;
    if (mode === 'loopback') {
      const preferred = await this.store.getPort(server.id);
      listener = await CallbackListener.open(preferred);
      rt.listener = listener;
      if (listener.portChanged) this.log(server.id, 'info', `Port ${preferred} is in use; signing in through port ${listener.port} instead`);
      if (listener.port !== preferred) await this.store.savePort(server.id, listener.port);
      redirectUrl = listener.redirectUrl;
      gate = listener.gate;
    } else {
      gate = new CallbackGate();
      redirectUrl = APP_SCHEME_REDIRECT;
    }
    try {
      const flow: SignInFlow = { state: randomBytes(32).toString('base64url'), redirectUrl };
      onFlow(flow);
      // Scope: a pending step-up union; else the challenged scope (with what was granted before,
      // [26]); else none, and the SDK takes the resource metadata's scopes_supported. Scopes the
      // user configured for the server are always added.
      const session = await this.store.getSession(server.id);
      const derived = rt.stepUp ?? (rt.challenge?.scope ? withoutOfflineAccess(computeScopeUnion(session?.requestedScope, rt.challenge.scope)) : undefined);
      const scope = server.scopes ? computeScopeUnion(derived, server.scopes) : derived;
      const provider = new SwitchboardOAuthProvider({
        server,
        store: this.store,
        flow,
        clientMetadataUrl: server.clientId ? undefined : this.opts.clientMetadataUrl,
        requestedScope: scope,
        onSecret: (s) => this.remember(s),
        log: (level, message) => this.log(server.id, level, message),
      });
      const fetchFn = this.fetchFor(server.id);
      const authorize = (skipIssuerMetadataValidation?: boolean) =>
        auth(provider, {
          serverUrl: server.url,
          scope,
          resourceMetadataUrl: rt.challenge?.resourceMetadataUrl ? new URL(rt.challenge.resourceMetadataUrl) : undefined,
          fetchFn,
          forceReauthorization: true,
          skipIssuerMetadataValidation,
        });
      let result: Awaited<ReturnType<typeof auth>>;
      try {
        result = await authorize();
      } catch (err) {
        if (!isLegacyOriginIssuer(err, server.url)) throw err;
        this.log(
          server.id,
          'info',
          `${server.name} has no resource metadata (a 2025-03-26 server): using the authorization metadata its own origin serves for issuer ${sanitizeText(String(err.received), 120)}`,
        );
        result = await authorize(true);
      }
      if (result !== 'REDIRECT' || !flow.authorizationUrl || !flow.discovery || !flow.client) {
        throw new SignInError('config', `The authorization server for ${server.name} did not start a browser sign-in.`);
      }
      const authorizationUrl = assertSafeBrowserUrl(flow.authorizationUrl.href);
      if (authorizationUrl.searchParams.get('state') !== flow.state) throw new Error('The authorization URL does not carry the expected state.');
      const discovery = flow.discovery;
      const metadata = discovery.authorizationServerMetadata;
      const issuer = metadata?.issuer ?? discovery.authorizationServerUrl;
      const requestedScope = authorizationUrl.searchParams.get('scope') ?? undefined;
      const resource = authorizationUrl.searchParams.get('resource') ?? flow.resource;
      const f = flow;
      const client = flow.client;

      if (mode === 'app-scheme') {
        const refusal = await this.probeAuthorization(server.id, authorizationUrl);
        if (refusal) throw new AppSchemeRefusedError(refusal);
        rt.gate = gate;
      }
      const waiting = gate.wait({
        state: flow.state,
        issuer: metadata?.issuer,
        issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
        serverName: server.name,
        timeoutMs: this.timeoutMs,
        onIgnored: (reason) => this.log(server.id, 'warn', `Sign-in: ${reason}`),
        exchange: async (code, iss) => {
          this.remember(code);
          let tokens: OAuthTokens;
          try {
            tokens = await exchangeAuthorization(discovery.authorizationServerUrl, {
              metadata,
              clientInformation: client.info,
              authorizationCode: code,
              iss,
              codeVerifier: f.codeVerifier ?? '',
              redirectUri: f.redirectUrl,
              resource,
              fetchFn,
            });
          } catch (err) {
            throw await this.exchangeFailure(server, err, client.kind);
          }
          this.rememberTokens(tokens);
          const session: ServerSession = {
            issuer,
            authorizationServerUrl: discovery.authorizationServerUrl,
            resource,
            requestedScope,
            clientKind: client.kind,
          };
          await this.persistSignIn(server, rt, session, discovery, tokens);
        },
      });
      if (!gate.ended) {
        this.log(
          server.id,
          'info',
          `Opening the browser to sign in at ${authorizationUrl.origin}${mode === 'app-scheme' ? ` (the app's ${APP_SCHEME_REDIRECT} redirect)` : ''}`,
        );
        this.opts.opener.open(authorizationUrl.href).catch((err: Error) => {
          gate.abort(new SignInError('browser', `Could not open the browser to sign in to ${server.name}: ${err.message}`));
        });
      }
      await waiting;
    } finally {
      if (rt.gate === gate) rt.gate = undefined;
      if (rt.listener === listener) rt.listener = undefined;
      await listener?.close();
    }
  }

  /**
   * The app's protocol handler calls this with an `mcp-switchboard://oauth/callback?…` deep link.
   * It goes through exactly the checks of the loopback listener (state, RFC 9207 iss, errors,
   * the code exchange) of the sign-in waiting for it. Resolves true when a pending app-scheme
   * sign-in took it (whatever the outcome; the sign-in's own promise says how it ended), false
   * when nothing was waiting for it (not our redirect, no pending sign-in).
   */
  async handleRedirect(url: string): Promise<boolean> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    const expected = new URL(APP_SCHEME_REDIRECT);
    if (u.protocol !== expected.protocol || u.host !== expected.host || (u.pathname || '/') !== expected.pathname) return false;
    const pending = [...this.runtimes.entries()].filter(([, r]) => r.gate?.pendingState !== undefined);
    if (!pending.length) return false;
    const state = u.searchParams.get('state');
    // By state; a single pending sign-in gets any response, and ignores a wrong state as the
    // loopback listener does. With several and no match there is no telling whose it was.
    const target = pending.find(([, r]) => r.gate!.pendingState === state) ?? (pending.length === 1 ? pending[0] : undefined);
    if (!target) {
      for (const [id] of pending) this.log(id, 'warn', `Ignored a sign-in response that matches none of the sign-ins in progress (wrong or missing state)`);
      return false;
    }
    const [serverId, r] = target;
    await r.gate!.deliver(u.searchParams, (o) => {
      if (!o.ok && o.status !== 200) this.log(serverId, 'warn', `Refused the app-scheme sign-in response: ${o.body}`);
    });
    return true;
  }

  /** Why the authorization server would not use the app-scheme redirect; undefined for any other failure. */
  private appSchemeRefusal(err: unknown): string | undefined {
    if (err instanceof AppSchemeRefusedError) return err.message;
    if (err instanceof RegistrationRejectedError) {
      let reason = `registration refused with HTTP ${err.status}`;
      try {
        const body = JSON.parse(err.body) as { error?: string; error_description?: string };
        if (body.error) reason = `registration refused: ${body.error_description ? `${body.error}: ${body.error_description}` : body.error}`;
      } catch {
        // not JSON
      }
      return sanitizeText(reason, 200);
    }
    if (
      err instanceof OAuthError &&
      /redirect/i.test(`${err.code} ${err.message}`) &&
      /invalid_redirect_uri|invalid_client_metadata|invalid_request/.test(String(err.code))
    ) {
      return sanitizeText(`registration refused: ${err.code}: ${err.message}`, 200);
    }
    if (err instanceof SignInError && err.kind === 'authorization-error' && ['invalid_request', 'invalid_redirect_uri'].includes(err.oauthError ?? '')) {
      return sanitizeText(`the authorization request was refused with ${err.oauthError}`, 200);
    }
    return undefined;
  }

  /**
   * Before the browser opens with an app-scheme redirect, asks the authorization endpoint itself
   * (no cookies, redirects not followed): an authorization server that refuses the redirect URI
   * answers with an error page, or with an error sent to that redirect, instead of its login
   * page. Returns the refusal, or undefined (accepted, or the probe says nothing either way).
   */
  private async probeAuthorization(serverId: string, authorizationUrl: URL): Promise<string | undefined> {
    let res: Response;
    try {
      res = await this.fetchFor(serverId)(authorizationUrl, { method: 'GET', redirect: 'manual', headers: { accept: 'text/html, application/json;q=0.9' } });
    } catch (err) {
      this.log(serverId, 'debug', `Could not check the authorization request beforehand: ${(err as Error).message}`);
      return undefined;
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel().catch(() => {});
      try {
        const to = new URL(location, authorizationUrl);
        const error = to.protocol === new URL(APP_SCHEME_REDIRECT).protocol ? to.searchParams.get('error') : null;
        if (error && ['invalid_request', 'invalid_redirect_uri', 'unauthorized_client'].includes(error)) {
          const desc = to.searchParams.get('error_description');
          return sanitizeText(`the authorization request was refused with ${desc ? `${error}: ${desc}` : error}`, 200);
        }
      } catch {
        // an unreadable Location says nothing about the redirect URI
      }
      return undefined;
    }
    if (res.status !== 400) {
      await res.body?.cancel().catch(() => {});
      return undefined;
    }
    const text = (await res.text().catch(() => '')).slice(0, 20_000);
    const code = /invalid_redirect_uri|invalid_request/.exec(text)?.[0];
    if (!code && !/redirect_uri/i.test(text)) return undefined;
    return `the authorization request was refused with HTTP 400${code ? ` (${code})` : ''}`;
  }

  /** A confidential client with no user: one token request, no browser. */
  private async runClientCredentials(server: AuthServerConfig, rt: Runtime): Promise<void> {
    try {
      this.checkServerUrl(server);
      if (!server.clientId || !server.clientSecret) {
        throw new SignInError('config', `${server.name} is set to sign in as an app (client credentials), which needs a client ID and a client secret.`);
      }
      this.setState(server.id, 'signing-in', `Getting a token for ${server.name}`);
      if (!rt.challenge) await this.probe(server, rt);
      await this.clientCredentialsGrant(server, rt);
      rt.notified = false;
      rt.stepUp = undefined;
      this.setState(server.id, 'signed-in', `Signed in to ${server.name} as an app`);
      this.log(server.id, 'info', `Signed in to ${server.name} with client credentials`);
    } catch (raw) {
      const err = this.safeError(
        raw instanceof OAuthError ? await this.exchangeFailure(server, raw, 'pre-registered') : this.describeSignInFailure(server, raw),
      );
      this.setState(server.id, 'error', err.message);
      this.log(server.id, 'error', `Sign-in to ${server.name} failed: ${err.message}`);
      throw err;
    }
  }

  private async clientCredentialsGrant(server: AuthServerConfig, rt: Runtime): Promise<string> {
    const flow: SignInFlow = { state: '', redirectUrl: '' };
    const provider = new SwitchboardOAuthProvider({
      server,
      store: this.store,
      flow,
      requestedScope: rt.stepUp ?? rt.challenge?.scope,
      onSecret: (secret) => this.remember(secret),
      log: (level, message) => this.log(server.id, level, message),
    });
    const result = await auth(provider, {
      serverUrl: server.url,
      scope: rt.stepUp ?? rt.challenge?.scope,
      resourceMetadataUrl: rt.challenge?.resourceMetadataUrl ? new URL(rt.challenge.resourceMetadataUrl) : undefined,
      fetchFn: this.fetchFor(server.id),
    });
    if (result !== 'AUTHORIZED' || !flow.tokens || !flow.discovery)
      throw new SignInError('config', `The authorization server for ${server.name} did not issue a token.`);
    this.rememberTokens(flow.tokens);
    const discovery = flow.discovery;
    const issuer = discovery.authorizationServerMetadata?.issuer ?? discovery.authorizationServerUrl;
    const session: ServerSession = {
      issuer,
      authorizationServerUrl: discovery.authorizationServerUrl,
      resource: flow.resource,
      requestedScope: rt.stepUp ?? rt.challenge?.scope,
      clientKind: 'pre-registered',
      grantType: 'client_credentials',
    };
    await this.persistSignIn(server, rt, session, discovery, flow.tokens);
    return flow.tokens.access_token;
  }

  private async persistSignIn(
    server: AuthServerConfig,
    rt: Runtime,
    session: ServerSession,
    discovery: NonNullable<SignInFlow['discovery']>,
    tokens: OAuthTokens,
  ): Promise<void> {
    const old = await this.store.getSession(server.id);
    const saved = await this.store.saveTokens(session.issuer, session.resource, tokens, this.now());
    rt.cache = saved;
    await this.store.saveDiscovery(server.id, discovery);
    await this.store.saveSession(server.id, session);
    if (old && (old.issuer !== session.issuer || old.resource !== session.resource)) {
      await this.store.deleteTokens(old.issuer, old.resource).catch(() => {});
    }
  }

  /** A failed code exchange, as a sentence; `invalid_client` drops our registration. */
  private async exchangeFailure(server: AuthServerConfig, err: unknown, kind: string): Promise<Error> {
    if (err instanceof OAuthError) {
      if ((err.code === 'invalid_client' || err.code === 'unauthorized_client') && kind !== 'pre-registered') {
        for (const c of await this.store.listClients(server.id)) if (c.kind !== 'pre-registered') await this.store.deleteClient(server.id, c.issuer);
        return new SignInError(
          'exchange',
          `The authorization server for ${server.name} no longer recognises MCP Switchboard's registration (${err.code}). Sign in again to register afresh.`,
          err.code,
        );
      }
      if (err.code === 'invalid_client' || err.code === 'unauthorized_client') {
        return new SignInError(
          'config',
          `The authorization server for ${server.name} rejected the client ID and secret entered for it (${err.code}). Check them in the server's settings.`,
          err.code,
        );
      }
      return new SignInError(
        'exchange',
        `The authorization server for ${server.name} did not accept the sign-in (${sanitizeText(`${err.code}: ${err.message}`)}).`,
        err.code,
      );
    }
    return this.describeSignInFailure(server, err);
  }

  /** Any sign-in failure as a SignInError with a sentence for the user. */
  private describeSignInFailure(server: AuthServerConfig, err: unknown): Error {
    if (err instanceof SignInError) return err;
    const name = server.name;
    if (err instanceof IssuerMismatchError) {
      if (err.kind === 'authorization_response') {
        return new SignInError(
          'issuer',
          `The sign-in response for ${name} came from a different authorization server than expected (issuer mismatch), so it was ignored. Start the sign-in again.`,
        );
      }
      return new SignInError(
        'config',
        `The authorization server for ${name} published metadata for a different issuer (expected ${sanitizeText(String(err.expected), 120)}, got ${sanitizeText(String(err.received), 120)}), so MCP Switchboard will not use it.`,
      );
    }
    if (err instanceof AuthorizationServerMismatchError) {
      return new SignInError('config', `The authorization server for ${name} changed during sign-in; start the sign-in again.`);
    }
    if (err instanceof RegistrationRejectedError) {
      let reason = `HTTP ${err.status}`;
      try {
        const body = JSON.parse(err.body) as { error?: string; error_description?: string };
        if (body.error) reason = body.error_description ? `${body.error}: ${body.error_description}` : body.error;
      } catch {
        // not JSON: the status says enough
      }
      return new SignInError(
        'config',
        `The authorization server for ${name} refused to register MCP Switchboard (${sanitizeText(reason)}). If it needs a pre-registered app, enter the client ID (and secret) in the server's settings.`,
      );
    }
    if (err instanceof InsecureTokenEndpointError || err instanceof InsecureEndpointError || err instanceof UnsafeUrlError) {
      return new SignInError('config', `${err.message}`);
    }
    const message = err instanceof Error ? err.message : String(err);
    if (/does not support dynamic client registration/i.test(message)) {
      return new SignInError(
        'config',
        `The authorization server for ${name} does not let apps register themselves. Enter a client ID (and secret) registered for MCP Switchboard in the server's settings.`,
      );
    }
    if (/Protected resource .* does not match/i.test(message)) {
      return new SignInError(
        'config',
        `${name}'s resource metadata names a different server (${sanitizeText(message)}), so MCP Switchboard will not sign in with it.`,
      );
    }
    if (/Incompatible auth server/i.test(message))
      return new SignInError('config', `The authorization server for ${name} is not compatible: ${sanitizeText(message)}`);
    if (err instanceof OAuthError)
      return new SignInError(
        'exchange',
        `The authorization server for ${name} refused the sign-in (${sanitizeText(`${err.code}: ${err.message}`)}).`,
        err.code,
      );
    if (err instanceof TypeError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      return new SignInError('exchange', `Could not reach the sign-in server for ${name} (${sanitizeText(cause?.code ?? cause?.message ?? message)}).`);
    }
    return new SignInError('exchange', `Sign-in to ${name} failed: ${sanitizeText(message)}`);
  }

  // ---- tokens ------------------------------------------------------------------------------

  private async currentTokens(serverId: string, rt: Runtime): Promise<{ session: ServerSession; tokens: StoredTokens } | undefined> {
    const session = await this.store.getSession(serverId);
    if (!session) return undefined;
    let tokens = await this.store.getTokens(session.issuer, session.resource);
    const cached = rt.cache;
    if (cached && cached.issuer === session.issuer && cached.resource === session.resource && (!tokens || cached.obtained_at > tokens.obtained_at))
      tokens = cached;
    if (!tokens) return undefined;
    this.rememberTokens(tokens);
    return { session, tokens };
  }

  async heldTokens(serverId: string): Promise<HeldTokens | undefined> {
    const current = await this.currentTokens(serverId, this.rt(serverId)).catch(() => undefined);
    if (!current) return undefined;
    const { tokens } = current;
    return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: tokens.expires_at };
  }

  async accessToken(server: AuthServerConfig): Promise<string | undefined> {
    const rt = this.rt(server.id);
    const current = await this.currentTokens(server.id, rt);
    if (!current) return undefined;
    const { tokens } = current;
    if (rt.state === 'unknown') this.setState(server.id, 'signed-in', `Signed in to ${server.name}`);
    const now = this.now();
    if (tokens.expires_at === undefined || now < tokens.expires_at - this.skewMs) return tokens.access_token;
    if (!tokens.refresh_token && current.session.grantType !== 'client_credentials') {
      if (now < tokens.expires_at) return tokens.access_token;
      await this.dropTokens(current.session, rt);
      this.needsSignIn(server, `Your sign-in to ${server.name} has expired. Sign in again.`, true);
      return undefined;
    }
    try {
      return await this.refresh(server, rt);
    } catch (err) {
      this.log(server.id, 'warn', `Could not refresh the token for ${server.name} yet: ${(err as Error).message}`);
      return now < tokens.expires_at ? tokens.access_token : undefined;
    }
  }

  async onUnauthorized(server: AuthServerConfig, challenge: { status: number; wwwAuthenticate?: string; token?: string }): Promise<string | undefined> {
    const rt = this.rt(server.id);
    const params = this.noteChallenge(rt, challenge.wwwAuthenticate, challenge.status);
    if (challenge.status === 403) {
      if (params.error !== 'insufficient_scope') {
        this.log(server.id, 'warn', `${server.name} refused access (403) without asking for more permissions`);
        return undefined;
      }
      return this.stepUp(server, rt, params.scope);
    }
    if (rt.signIn) return undefined;
    const current = await this.currentTokens(server.id, rt);
    if (!current) {
      this.needsSignIn(server, `${server.name} needs you to sign in.`, true);
      return undefined;
    }
    if (challenge.token && challenge.token !== current.tokens.access_token && !this.expiring(current.tokens)) {
      return current.tokens.access_token;
    }
    if (!current.tokens.refresh_token && current.session.grantType !== 'client_credentials') {
      await this.dropTokens(current.session, rt);
      this.needsSignIn(server, `${server.name} no longer accepts your sign-in. Sign in again.`, true);
      return undefined;
    }
    if (await this.authorizationServerMoved(server, rt, current.session)) return undefined;
    return this.refresh(server, rt);
  }

  /**
   * A 401 can mean the server now trusts another authorization server ([26] SEP-2352): then the
   * old grant must not be refreshed (its tokens will never be accepted) and the next sign-in
   * discovers and registers afresh.
   */
  private async authorizationServerMoved(server: AuthServerConfig, rt: Runtime, session: ServerSession): Promise<boolean> {
    let listed: string[];
    try {
      const prm = await discoverOAuthProtectedResourceMetadata(
        server.url,
        { resourceMetadataUrl: rt.challenge?.resourceMetadataUrl },
        this.fetchFor(server.id),
      );
      listed = prm.authorization_servers ?? [];
    } catch {
      return false;
    }
    const same = (a: string, b: string) => a === b || a.replace(/\/$/, '') === b.replace(/\/$/, '');
    if (!listed.length || listed.some((a) => same(a, session.authorizationServerUrl) || same(a, session.issuer))) return false;
    await this.dropTokens(session, rt);
    await this.store.deleteDiscovery(server.id);
    const next = sanitizeText(listed[0], 200);
    this.log(server.id, 'info', `${server.name} now uses the authorization server ${next} instead of ${session.issuer}; the old sign-in is not renewed`);
    this.needsSignIn(server, `${server.name} now signs in through ${next}. Sign in again.`, true);
    return true;
  }

  private expiring(t: StoredTokens): boolean {
    return t.expires_at !== undefined && this.now() >= t.expires_at - this.skewMs;
  }

  private stepUp(server: AuthServerConfig, rt: Runtime, challenged: string | undefined): Promise<string | undefined> {
    return (async () => {
      const session = await this.store.getSession(server.id);
      // [26] step 2: the union of what was asked before and what is asked now.
      const union = withoutOfflineAccess(computeScopeUnion(session?.requestedScope, rt.stepUp, challenged));
      if (!union) {
        this.log(server.id, 'warn', `${server.name} asked for more permissions without naming them`);
        this.needsSignIn(server, `${server.name} needs more permissions; sign in again.`, true);
        return undefined;
      }
      if (rt.stepUp !== union) {
        const attempts = rt.stepUpAttempts.get(union) ?? 0;
        if (attempts >= this.maxStepUps) {
          const message = `${server.name} still refuses access after signing in again with more permissions (${sanitizeText(union, 200)}); giving up. Check your account's permissions, then reset the sign-in.`;
          rt.stepUpExhausted = message;
          this.setState(server.id, 'error', message);
          this.log(server.id, 'warn', message);
          return undefined;
        }
        rt.stepUpAttempts.set(union, attempts + 1);
        rt.stepUp = union;
      }
      this.log(server.id, 'info', `${server.name} asks for more permissions (${sanitizeText(union, 200)})`);
      this.needsSignIn(server, `${server.name} needs more permissions (${sanitizeText(union, 200)}); sign in again to grant them.`, true);
      return undefined;
    })();
  }

  private refresh(server: AuthServerConfig, rt: Runtime): Promise<string | undefined> {
    if (!rt.refreshing) {
      rt.refreshing = this.doRefresh(server, rt).finally(() => {
        rt.refreshing = undefined;
      });
    }
    return rt.refreshing;
  }

  private async clientFor(server: AuthServerConfig, session: ServerSession): Promise<OAuthClientInformationMixed | undefined> {
    if (session.clientKind === 'pre-registered') {
      if (!server.clientId) return undefined;
      this.remember(server.clientSecret);
      return { client_id: server.clientId, ...(server.clientSecret ? { client_secret: server.clientSecret } : {}) };
    }
    const stored = await this.store.getClient(server.id, session.issuer);
    if (!stored || stored.kind === 'pre-registered') return undefined;
    this.remember(stored.info.client_secret);
    return stored.info;
  }

  private async metadataFor(server: AuthServerConfig, session: ServerSession): Promise<AuthorizationServerMetadata | undefined> {
    const discovery = await this.store.getDiscovery(server.id);
    const md = discovery?.authorizationServerMetadata;
    if (md && (md.issuer === session.issuer || discovery?.authorizationServerUrl === session.authorizationServerUrl)) return md;
    if (discovery && !md && discovery.authorizationServerUrl === session.authorizationServerUrl) return undefined;
    return discoverAuthorizationServerMetadata(session.authorizationServerUrl, { fetchFn: this.fetchFor(server.id) });
  }

  private async dropTokens(session: ServerSession, rt: Runtime): Promise<void> {
    rt.cache = undefined;
    await this.store.deleteTokens(session.issuer, session.resource);
  }

  private async doRefresh(server: AuthServerConfig, rt: Runtime): Promise<string | undefined> {
    const current = await this.currentTokens(server.id, rt);
    if (current?.session.grantType === 'client_credentials' && !current.tokens.refresh_token) return this.renewClientCredentials(server, rt);
    if (!current?.tokens.refresh_token) return undefined;
    const { session, tokens } = current;
    const used = tokens.refresh_token!;
    if (rt.spent.has(fingerprint(used))) {
      // Sending it again would be a replay, which makes rotating servers revoke the whole grant.
      await this.dropTokens(session, rt);
      this.needsSignIn(server, `Your sign-in to ${server.name} could not be renewed. Sign in again.`, true);
      return undefined;
    }
    const client = await this.clientFor(server, session);
    if (!client) {
      await this.dropTokens(session, rt);
      this.needsSignIn(server, `Sign in to ${server.name} again.`, true);
      return undefined;
    }
    const fetchFn = this.fetchFor(server.id);
    let metadata: AuthorizationServerMetadata | undefined;
    let fresh: OAuthTokens;
    try {
      metadata = await this.metadataFor(server, session);
      fresh = await refreshAuthorization(session.authorizationServerUrl, {
        metadata,
        clientInformation: client,
        refreshToken: used,
        resource: session.resource,
        fetchFn,
      });
    } catch (err) {
      if (err instanceof OAuthError) {
        rt.spent.add(fingerprint(used));
        return this.refreshRefused(server, rt, session, err);
      }
      if (err instanceof InsecureTokenEndpointError || err instanceof InsecureEndpointError) {
        this.setState(server.id, 'error', err.message);
        throw this.safeError(err);
      }
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code;
      throw this.safeError(
        new Error(`Could not reach the authorization server for ${server.name} to refresh the token (${sanitizeText(cause ?? (err as Error).message)}).`),
      );
    }
    if (fresh.refresh_token && fresh.refresh_token !== used) rt.spent.add(fingerprint(used));
    this.rememberTokens(fresh);
    const saved: StoredTokens = {
      access_token: fresh.access_token,
      token_type: fresh.token_type,
      refresh_token: fresh.refresh_token,
      scope: fresh.scope ?? tokens.scope,
      id_token: fresh.id_token,
      expires_at: typeof fresh.expires_in === 'number' ? this.now() + fresh.expires_in * 1000 : undefined,
      obtained_at: this.now(),
      issuer: session.issuer,
      resource: session.resource,
    };
    // The rotated refresh token is kept before anyone gets the new access token.
    rt.cache = saved;
    try {
      await this.store.saveTokens(session.issuer, session.resource, { ...fresh, scope: saved.scope }, saved.obtained_at);
    } catch (err) {
      this.log(server.id, 'error', `Could not save the renewed tokens for ${server.name}: ${(err as Error).message}`);
    }
    this.log(server.id, 'info', `Renewed the access token for ${server.name}${fresh.expires_in ? ` (valid for ${fresh.expires_in} s)` : ''}`);
    if (rt.state !== 'signed-in' && !rt.signIn) this.setState(server.id, 'signed-in', `Signed in to ${server.name}`);
    return fresh.access_token;
  }

  /** Client-credentials tokens are renewed by asking again; a refused client is a settings problem. */
  private async renewClientCredentials(server: AuthServerConfig, rt: Runtime): Promise<string | undefined> {
    try {
      const token = await this.clientCredentialsGrant(server, rt);
      this.log(server.id, 'info', `Renewed the app token for ${server.name}`);
      if (rt.state !== 'signed-in') this.setState(server.id, 'signed-in', `Signed in to ${server.name} as an app`);
      return token;
    } catch (raw) {
      if (raw instanceof OAuthError && raw.code !== 'server_error' && raw.code !== 'temporarily_unavailable') {
        const err = this.safeError(await this.exchangeFailure(server, raw, 'pre-registered'));
        const session = await this.store.getSession(server.id);
        if (session) await this.dropTokens(session, rt);
        this.setState(server.id, 'error', err.message);
        this.log(server.id, 'warn', err.message);
        return undefined;
      }
      throw this.safeError(this.describeSignInFailure(server, raw));
    }
  }

  private async refreshRefused(server: AuthServerConfig, rt: Runtime, session: ServerSession, err: OAuthError): Promise<string | undefined> {
    const code = String(err.code);
    if (code === 'server_error' || code === 'temporarily_unavailable') {
      throw this.safeError(new Error(`The authorization server for ${server.name} could not renew the token right now (${code}).`));
    }
    await this.dropTokens(session, rt);
    if (code === 'invalid_client' || code === 'unauthorized_client') {
      if (session.clientKind === 'pre-registered') {
        const message = `The authorization server for ${server.name} no longer accepts the client ID entered for it (${code}). Check the client ID and secret in the server's settings.`;
        this.setState(server.id, 'error', message);
        this.log(server.id, 'warn', message);
        return undefined;
      }
      for (const c of await this.store.listClients(server.id)) if (c.kind !== 'pre-registered') await this.store.deleteClient(server.id, c.issuer);
      this.log(server.id, 'warn', `The authorization server no longer recognises MCP Switchboard's registration (${code}); the next sign-in registers afresh`);
      this.needsSignIn(server, `${server.name} no longer recognises MCP Switchboard. Sign in again.`, true);
      return undefined;
    }
    this.log(server.id, 'warn', `The authorization server refused to renew the sign-in (${sanitizeText(code, 64)})`);
    this.needsSignIn(server, `Your sign-in to ${server.name} has expired or was revoked. Sign in again.`, true);
    return undefined;
  }

  // ---- reset -------------------------------------------------------------------------------

  async reset(server: AuthServerConfig): Promise<void> {
    const rt = this.rt(server.id);
    const stopped = new SignInError('aborted', `Sign-in to ${server.name} was stopped because its sign-in was reset.`);
    rt.listener?.abort(stopped);
    rt.gate?.abort(stopped);
    await rt.signIn?.catch(() => {});
    await rt.refreshing?.catch(() => {});
    const session = await this.store.getSession(server.id);
    if (session) {
      const tokens = (await this.currentTokens(server.id, rt))?.tokens;
      if (tokens) await this.revokeAll(server, session, tokens);
      await this.dropTokens(session, rt);
    }
    await this.store.deleteAllClients(server.id);
    await this.store.deleteDiscovery(server.id);
    await this.store.deleteSession(server.id);
    rt.challenge = undefined;
    rt.stepUp = undefined;
    rt.stepUpAttempts.clear();
    rt.stepUpExhausted = undefined;
    rt.appSchemeRefused = undefined;
    rt.notified = false;
    this.setState(server.id, 'needs-sign-in', `Signed out of ${server.name}. Sign in again to use it.`);
    this.log(server.id, 'info', `Signed out of ${server.name}; tokens and registration forgotten`);
  }

  private async revokeAll(server: AuthServerConfig, session: ServerSession, tokens: StoredTokens): Promise<void> {
    let metadata: AuthorizationServerMetadata | undefined;
    try {
      metadata = await this.metadataFor(server, session);
    } catch {
      metadata = undefined;
    }
    const revocation = metadata as
      (AuthorizationServerMetadata & { revocation_endpoint?: string; revocation_endpoint_auth_methods_supported?: string[] }) | undefined;
    if (!revocation?.revocation_endpoint) {
      this.log(server.id, 'info', `The authorization server has no revocation endpoint; forgetting the tokens locally`);
      return;
    }
    const client = await this.clientFor(server, session);
    if (!client) return;
    const endpoint = new URL(revocation.revocation_endpoint);
    const methods = revocation.revocation_endpoint_auth_methods_supported ?? revocation.token_endpoint_auth_methods_supported ?? [];
    const method = selectClientAuthMethod(client, methods);
    const fetchFn = this.fetchFor(server.id);
    const pairs: Array<[string | undefined, string]> = [
      [tokens.refresh_token, 'refresh_token'],
      [tokens.access_token, 'access_token'],
    ];
    for (const [token, hint] of pairs) {
      if (!token) continue;
      const body = new URLSearchParams({ token, token_type_hint: hint });
      const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
      if (method === 'client_secret_basic' && client.client_secret) {
        headers.set(
          'authorization',
          `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`,
        );
      } else {
        body.set('client_id', client.client_id);
        if (method === 'client_secret_post' && client.client_secret) body.set('client_secret', client.client_secret);
      }
      try {
        const res = await fetchFn(endpoint, { method: 'POST', headers, body });
        await res.body?.cancel().catch(() => {});
        if (res.ok) this.log(server.id, 'info', `Revoked the ${hint.replace('_', ' ')} at ${endpoint.origin}`);
        else this.log(server.id, 'warn', `Revoking the ${hint.replace('_', ' ')} at ${endpoint.origin} answered HTTP ${res.status}`);
      } catch (err) {
        this.log(server.id, 'warn', `Could not revoke the ${hint.replace('_', ' ')} at ${endpoint.origin}: ${(err as Error).message}`);
      }
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const pending: Array<Promise<unknown>> = [];
    for (const rt of this.runtimes.values()) {
      rt.listener?.abort(new SignInError('aborted', 'MCP Switchboard is shutting down.'));
      rt.gate?.abort(new SignInError('aborted', 'MCP Switchboard is shutting down.'));
      if (rt.signIn) pending.push(rt.signIn.catch(() => {}));
      if (rt.refreshing) pending.push(rt.refreshing.catch(() => {}));
    }
    await Promise.all(pending);
    this.listeners.clear();
  }
}
