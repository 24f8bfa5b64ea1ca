/**
 * The sign-in engine. It runs in the main process (or the headless host), owns every token and
 * serves all proxies. This class is its façade (the AuthEngine the host uses); the work lives in
 * one module per concern, each taking the shared AuthContext (auth-context.ts):
 *
 * - discovery.ts: resource and authorization-server metadata, the 401 challenge, "the
 *   authorization server moved";
 * - registration.ts (+ oauth-provider.ts): pre-registered client, client ID metadata document,
 *   dynamic registration, the app-scheme redirect refused;
 * - authorization-flow.ts: browser + PKCE + state, the loopback or app-scheme redirect, the code
 *   exchange, the grants without a user: client credentials (a secret or `private_key_jwt`) and
 *   enterprise-managed authorization (sign-in-failures.ts words every failure);
 * - enterprise-idp.ts: the user's sign-in to the company's identity provider and the token
 *   exchange (RFC 8693) that turns its ID token into an identity assertion for one server;
 * - tokens.ts: the stored tokens, single-flight rotation-safe refresh; step-up.ts: scopes and
 *   step-up; refresh-schedule.ts: the proactive refresh on the Clock;
 * - revocation.ts: reset.
 *
 * Nothing secret ever reaches `log`, a state detail or an error message: every token, code,
 * verifier and client secret is added to the secret registry (`secrets`) the moment the engine
 * has it, and everything the engine says passes it.
 */
import type { FetchLike } from '@modelcontextprotocol/client';
import type { Clock, Notifier } from '../ports';
import { AuthContext, type SecretRegistry } from './auth-context';
import { AuthorizationFlow } from './authorization-flow';
import { SignInError } from './callback-listener';
import { Discovery } from './discovery';
import { EnterpriseIdp, type EnterpriseIdpStatus } from './enterprise-idp';
import { RefreshSchedule } from './refresh-schedule';
import { Registration } from './registration';
import { Revocation } from './revocation';
import { StepUp } from './step-up';
import { TokenKeeper, type RenewListener } from './tokens';
import type {
  AuthEngine,
  AuthLogLevel,
  AuthServerConfig,
  AuthState,
  AuthStateChange,
  BrowserOpener,
  EnterpriseIdpConfig,
  HeldTokens,
  SecretVault,
  SignInPage,
} from './types';

export { InsecureEndpointError } from './auth-http';
export type { SecretRegistry } from './auth-context';

export interface AuthServiceOptions {
  vault: SecretVault;
  opener: BrowserOpener;
  /** Never receives a secret. */
  log: (serverId: string, level: AuthLogLevel, message: string) => void;
  notifier?: Notifier;
  /** Replaces global fetch for every request the engine makes (tests, proxies). */
  fetch?: FetchLike;
  /** The fetch of the network configuration for a server's requests (proxy, CAs). */
  networkFetch?(server: { id: string; url: string }): FetchLike;
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
  /** Time and timers: token expiry, the refresh schedule, the sign-in time limit (default: the system clock). */
  clock?: Clock;
  /**
   * The app's one redaction registry (the LogStore's redactor): the engine adds every token, code,
   * verifier, client secret and registration access token to it as soon as it has one, and
   * redacts its own log lines, state details and errors with it. Default: a private registry.
   */
  secrets?: SecretRegistry;
}

export class AuthService implements AuthEngine {
  private readonly ctx: AuthContext;
  private readonly flow: AuthorizationFlow;
  private readonly tokens: TokenKeeper;
  private readonly schedule: RefreshSchedule;
  private readonly revocation: Revocation;
  private readonly idp: EnterpriseIdp;

  constructor(opts: AuthServiceOptions) {
    const ctx = (this.ctx = new AuthContext(opts));
    const discovery = new Discovery(ctx);
    const callbackTimeoutMs = opts.callbackTimeoutMs ?? 5 * 60_000;
    this.idp = new EnterpriseIdp(ctx, { opener: opts.opener, callbackTimeoutMs });
    const registration = new Registration(ctx, {
      clientMetadataUrl: opts.clientMetadataUrl,
      assertion: (server, target) => this.idp.assertion(server.name, server.enterprise, target),
    });
    const stepUp = new StepUp(ctx, opts.maxStepUpAttempts ?? 2);
    this.tokens = new TokenKeeper(ctx, discovery, registration, stepUp, {
      skewMs: opts.refreshSkewMs ?? 60_000,
      grantClientCredentials: (server, rt) => this.flow.clientCredentialsGrant(server, rt),
    });
    this.flow = new AuthorizationFlow(ctx, discovery, registration, this.tokens, {
      opener: opts.opener,
      callbackTimeoutMs,
    });
    this.schedule = new RefreshSchedule(ctx, this.tokens);
    this.revocation = new Revocation(ctx, { discovery, registration, flow: this.flow, tokens: this.tokens, stepUp });
  }

  signIn(server: AuthServerConfig): Promise<void> {
    return this.flow.signIn(server);
  }

  /**
   * The app's protocol handler calls this with an `mcp-switchboard://oauth/callback?…` deep link.
   * Resolves true when a pending app-scheme sign-in took it (its own promise says how it ended),
   * false when nothing was waiting for it.
   */
  handleRedirect(url: string): Promise<boolean> {
    return this.flow.handleRedirect(url);
  }

  accessToken(server: AuthServerConfig): Promise<string | undefined> {
    return this.tokens.accessToken(server);
  }

  signInPage(serverId: string): SignInPage | undefined {
    return this.flow.page(serverId);
  }

  openSignInPage(serverId: string): Promise<void> {
    return this.flow.openPageAgain(serverId);
  }

  cancelSignIn(serverId: string): boolean {
    return this.flow.cancel(serverId);
  }

  onUnauthorized(server: AuthServerConfig, challenge: { status: number; wwwAuthenticate?: string; token?: string }): Promise<string | undefined> {
    return this.tokens.onUnauthorized(server, challenge);
  }

  heldTokens(serverId: string): Promise<HeldTokens | undefined> {
    return this.tokens.held(serverId);
  }

  keepFresh(servers: readonly AuthServerConfig[]): void {
    this.schedule.keepFresh(servers);
  }

  onDidRenewToken(listener: RenewListener): () => void {
    return this.tokens.onDidRenewToken(listener);
  }

  reset(server: AuthServerConfig): Promise<void> {
    return this.revocation.reset(server);
  }

  // ---- the company's identity provider (enterprise-managed authorization) -------------------

  /** The browser sign-in to the company's identity provider; its ID token serves every enterprise server. */
  signInToIdp(idp: EnterpriseIdpConfig | undefined): Promise<void> {
    return this.idp.signIn(idp);
  }

  /** Keeps an ID token of the identity provider obtained elsewhere (automation, `connect --idp-id-token`). */
  useIdpIdToken(idp: EnterpriseIdpConfig, idToken: string): Promise<void> {
    return this.idp.useIdToken(idp, idToken);
  }

  signOutOfIdp(idp: EnterpriseIdpConfig | undefined): Promise<void> {
    return this.idp.signOut(idp);
  }

  idpStatus(idp: EnterpriseIdpConfig | undefined): Promise<EnterpriseIdpStatus> {
    return this.idp.status(idp);
  }

  state(serverId: string): AuthState {
    return this.ctx.status(serverId).state;
  }

  status(serverId: string): AuthStateChange {
    return this.ctx.status(serverId);
  }

  onDidChangeState(listener: (change: AuthStateChange) => void): () => void {
    return this.ctx.onDidChangeState(listener);
  }

  async dispose(): Promise<void> {
    this.ctx.disposed = true;
    this.schedule.dispose();
    const pending: Array<Promise<unknown>> = [];
    for (const [, rt] of this.ctx.runtimeEntries()) {
      this.flow.abort(rt, new SignInError('aborted', 'MCP Switchboard is shutting down.'));
      if (rt.signIn) pending.push(rt.signIn.catch(() => {}));
      if (rt.refreshing) pending.push(rt.refreshing.catch(() => {}));
    }
    await Promise.all(pending);
    this.ctx.clearListeners();
    this.tokens.clearListeners();
  }
}
