/**
 * Tokens: the ones held for each server and how they stay valid.
 *
 * - `accessToken`: the stored token, refreshed first when it expires within the skew.
 * - `onUnauthorized`: one refresh at a time per server (concurrent callers share it); a rotated
 *   refresh token is kept before anyone gets the new access token, and a refresh token the
 *   authorization server has answered for is never sent again. `invalid_grant` ⇒ needs-sign-in
 *   (the user is notified once); `invalid_client` ⇒ the registration is dropped so the next
 *   sign-in registers afresh; 403 insufficient_scope ⇒ step-up (step-up.ts); a server that moved
 *   to another authorization server ⇒ needs-sign-in without refreshing the old grant.
 * - Tokens of a grant without a user (client credentials, enterprise-managed) are renewed by asking again.
 * - Every new access token is announced (`onDidRenewToken`), and every change of the stored
 *   tokens is told to `onDidChangeTokens` (the refresh schedule listens).
 */
import { createHash } from 'node:crypto';
import {
  InsecureTokenEndpointError,
  OAuthError,
  refreshAuthorization,
  type AuthorizationServerMetadata,
  type OAuthDiscoveryState,
  type OAuthTokens,
} from '@modelcontextprotocol/client';
import type { AuthContext, ServerRuntime } from './auth-context';
import { InsecureEndpointError } from './auth-http';
import { SignInError, sanitizeText } from './callback-listener';
import type { ServerSession, StoredTokens } from './credential-store';
import type { Discovery } from './discovery';
import type { Registration } from './registration';
import { describeExchangeFailure, describeSignInFailure } from './sign-in-failures';
import type { StepUp } from './step-up';
import type { AuthServerConfig, HeldTokens } from './types';

/** Tokens of a grant without a user (client credentials, enterprise): renewed by asking again. */
const withoutUser = (session: ServerSession) => session.grantType === 'client_credentials' || session.grantType === 'enterprise';

const fingerprint = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);

export type RenewListener = (serverId: string, accessToken: string, expiresAt: number | undefined) => void;

export interface TokenKeeperOptions {
  /** Refresh this long before the access token expires. */
  skewMs: number;
  /** Asks for a new client-credentials token (authorization-flow.ts); resolves with the access token. */
  grantClientCredentials(server: AuthServerConfig, rt: ServerRuntime): Promise<string>;
}

export class TokenKeeper {
  private readonly renewListeners = new Set<RenewListener>();
  private readonly changeListeners = new Set<(serverId: string) => void>();

  constructor(
    private readonly ctx: AuthContext,
    private readonly discovery: Discovery,
    private readonly registration: Registration,
    private readonly stepUp: StepUp,
    private readonly o: TokenKeeperOptions,
  ) {}

  // ---- events ------------------------------------------------------------------------------

  /** A new access token was stored for a server (sign-in, refresh, client-credentials renewal). */
  onDidRenewToken(listener: RenewListener): () => void {
    this.renewListeners.add(listener);
    return () => this.renewListeners.delete(listener);
  }

  /** The stored tokens of a server changed (saved or dropped). */
  onDidChangeTokens(listener: (serverId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  clearListeners(): void {
    this.renewListeners.clear();
    this.changeListeners.clear();
  }

  private changed(serverId: string, renewed?: StoredTokens): void {
    const calls: Array<() => void> = [...this.changeListeners].map((l) => () => l(serverId));
    if (renewed) calls.push(...[...this.renewListeners].map((l) => () => l(serverId, renewed.access_token, renewed.expires_at)));
    for (const call of calls) {
      try {
        call();
      } catch {
        // a listener's failure is not the engine's
      }
    }
  }

  // ---- the stored tokens -------------------------------------------------------------------

  async current(serverId: string, rt: ServerRuntime): Promise<{ session: ServerSession; tokens: StoredTokens } | undefined> {
    const session = await this.ctx.store.getSession(serverId);
    if (!session) return undefined;
    let tokens = await this.ctx.store.getTokens(serverId, session.issuer, session.resource);
    const cached = rt.cache;
    if (cached && cached.issuer === session.issuer && cached.resource === session.resource && (!tokens || cached.obtained_at > tokens.obtained_at))
      tokens = cached;
    if (!tokens) return undefined;
    this.ctx.rememberTokens(tokens);
    return { session, tokens };
  }

  async held(serverId: string): Promise<HeldTokens | undefined> {
    const current = await this.current(serverId, this.ctx.rt(serverId)).catch(() => undefined);
    if (!current) return undefined;
    const { tokens, session } = current;
    return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: tokens.expires_at, account: session.account };
  }

  /**
   * When the held tokens need attention: the skew before expiry when they can be renewed without
   * the user (but not before half their lifetime, so tokens that live shorter than the skew are
   * not renewed back to back), the expiry itself when they cannot; undefined when none are held or
   * they never expire.
   */
  async renewAt(serverId: string): Promise<number | undefined> {
    const current = await this.current(serverId, this.ctx.rt(serverId));
    const expiresAt = current?.tokens.expires_at;
    if (!current || expiresAt === undefined) return undefined;
    const { tokens, session } = current;
    if (!tokens.refresh_token && !withoutUser(session)) return expiresAt;
    const beforeExpiry = expiresAt - this.o.skewMs;
    return Number.isFinite(tokens.obtained_at) ? Math.max(beforeExpiry, tokens.obtained_at + (expiresAt - tokens.obtained_at) / 2) : beforeExpiry;
  }

  /** Saves the tokens of a completed sign-in with its session and discovery. */
  async saveSignIn(server: AuthServerConfig, rt: ServerRuntime, session: ServerSession, discovery: OAuthDiscoveryState, tokens: OAuthTokens): Promise<void> {
    const { store } = this.ctx;
    const old = await store.getSession(server.id);
    const saved = await store.saveTokens(server.id, session.issuer, session.resource, tokens, this.ctx.now());
    rt.cache = saved;
    await store.saveDiscovery(server.id, discovery);
    await store.saveSession(server.id, session);
    if (old && (old.issuer !== session.issuer || old.resource !== session.resource)) {
      await store.deleteTokens(server.id, old.issuer, old.resource).catch(() => {});
    }
    this.changed(server.id, saved);
  }

  async drop(serverId: string, session: ServerSession, rt: ServerRuntime): Promise<void> {
    rt.cache = undefined;
    try {
      await this.ctx.store.deleteTokens(serverId, session.issuer, session.resource);
    } finally {
      this.changed(serverId);
    }
  }

  private expiring(t: StoredTokens): boolean {
    return t.expires_at !== undefined && this.ctx.now() >= t.expires_at - this.o.skewMs;
  }

  // ---- asked by a proxy --------------------------------------------------------------------

  async accessToken(server: AuthServerConfig): Promise<string | undefined> {
    const rt = this.ctx.rt(server.id);
    const current = await this.current(server.id, rt);
    if (!current) return undefined;
    const { tokens } = current;
    if (rt.state === 'unknown') this.ctx.setState(server.id, 'signed-in', `Signed in to ${server.name}`);
    const now = this.ctx.now();
    if (tokens.expires_at === undefined || now < tokens.expires_at - this.o.skewMs) return tokens.access_token;
    if (!tokens.refresh_token && !withoutUser(current.session)) {
      if (now < tokens.expires_at) return tokens.access_token;
      await this.drop(server.id, current.session, rt);
      this.ctx.needsSignIn(server, `Your sign-in to ${server.name} has expired. Sign in again.`, true);
      return undefined;
    }
    try {
      return await this.refresh(server, rt);
    } catch (err) {
      this.ctx.log(server.id, 'warn', `Could not refresh the token for ${server.name} yet: ${(err as Error).message}`);
      return now < tokens.expires_at ? tokens.access_token : undefined;
    }
  }

  async onUnauthorized(server: AuthServerConfig, challenge: { status: number; wwwAuthenticate?: string; token?: string }): Promise<string | undefined> {
    const rt = this.ctx.rt(server.id);
    const params = this.discovery.noteChallenge(rt, challenge.wwwAuthenticate, challenge.status);
    if (challenge.status === 403) {
      if (params.error !== 'insufficient_scope') {
        this.ctx.log(server.id, 'warn', `${server.name} refused access (403) without asking for more permissions`);
        return undefined;
      }
      return this.stepUp.request(server, rt, params.scope);
    }
    if (rt.signIn) return undefined;
    const current = await this.current(server.id, rt);
    if (!current) {
      this.ctx.needsSignIn(server, `${server.name} needs you to sign in.`, true);
      return undefined;
    }
    if (challenge.token && challenge.token !== current.tokens.access_token && !this.expiring(current.tokens)) {
      return current.tokens.access_token;
    }
    if (!current.tokens.refresh_token && !withoutUser(current.session)) {
      await this.drop(server.id, current.session, rt);
      this.ctx.needsSignIn(server, `${server.name} no longer accepts your sign-in. Sign in again.`, true);
      return undefined;
    }
    if (await this.authorizationServerMoved(server, rt, current.session)) return undefined;
    return this.refresh(server, rt);
  }

  /** The old grant is not refreshed: its tokens will never be accepted; the next sign-in discovers afresh. */
  private async authorizationServerMoved(server: AuthServerConfig, rt: ServerRuntime, session: ServerSession): Promise<boolean> {
    const moved = await this.discovery.movedFrom(server, rt, session);
    if (moved === undefined) return false;
    await this.drop(server.id, session, rt);
    await this.discovery.forget(server.id);
    const next = sanitizeText(moved, 200);
    this.ctx.log(server.id, 'info', `${server.name} now uses the authorization server ${next} instead of ${session.issuer}; the old sign-in is not renewed`);
    this.ctx.needsSignIn(server, `${server.name} now signs in through ${next}. Sign in again.`, true);
    return true;
  }

  // ---- refresh -----------------------------------------------------------------------------

  /** One refresh at a time per server: concurrent callers share it. */
  refresh(server: AuthServerConfig, rt: ServerRuntime): Promise<string | undefined> {
    if (!rt.refreshing) {
      rt.refreshing = this.doRefresh(server, rt).finally(() => {
        rt.refreshing = undefined;
      });
    }
    return rt.refreshing;
  }

  private async doRefresh(server: AuthServerConfig, rt: ServerRuntime): Promise<string | undefined> {
    const current = await this.current(server.id, rt);
    if (current && withoutUser(current.session) && !current.tokens.refresh_token) return this.renewClientCredentials(server, rt);
    if (!current?.tokens.refresh_token) return undefined;
    const { session, tokens } = current;
    const used = tokens.refresh_token!;
    if (rt.spent.has(fingerprint(used))) {
      // Sending it again would be a replay, which makes rotating servers revoke the whole grant.
      await this.drop(server.id, session, rt);
      this.ctx.needsSignIn(server, `Your sign-in to ${server.name} could not be renewed. Sign in again.`, true);
      return undefined;
    }
    const client = await this.registration.clientFor(server, session);
    if (!client) {
      await this.drop(server.id, session, rt);
      this.ctx.needsSignIn(server, `Sign in to ${server.name} again.`, true);
      return undefined;
    }
    let metadata: AuthorizationServerMetadata | undefined;
    let fresh: OAuthTokens;
    try {
      metadata = await this.discovery.metadataFor(server, session);
      fresh = await refreshAuthorization(session.authorizationServerUrl, {
        metadata,
        clientInformation: client,
        refreshToken: used,
        resource: session.resource,
        fetchFn: this.ctx.fetchFor(server),
      });
    } catch (err) {
      if (err instanceof OAuthError) {
        rt.spent.add(fingerprint(used));
        return this.refreshRefused(server, rt, session, err);
      }
      if (err instanceof InsecureTokenEndpointError || err instanceof InsecureEndpointError) {
        this.ctx.setState(server.id, 'error', err.message);
        throw this.ctx.safeError(err);
      }
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code;
      throw this.ctx.safeError(
        new Error(`Could not reach the authorization server for ${server.name} to refresh the token (${sanitizeText(cause ?? (err as Error).message)}).`),
      );
    }
    if (fresh.refresh_token && fresh.refresh_token !== used) rt.spent.add(fingerprint(used));
    this.ctx.rememberTokens(fresh);
    const now = this.ctx.now();
    const saved: StoredTokens = {
      access_token: fresh.access_token,
      token_type: fresh.token_type,
      refresh_token: fresh.refresh_token,
      scope: fresh.scope ?? tokens.scope,
      id_token: fresh.id_token,
      expires_at: typeof fresh.expires_in === 'number' ? now + fresh.expires_in * 1000 : undefined,
      obtained_at: now,
      issuer: session.issuer,
      resource: session.resource,
    };
    // The rotated refresh token is kept before anyone gets the new access token.
    rt.cache = saved;
    try {
      await this.ctx.store.saveTokens(server.id, session.issuer, session.resource, { ...fresh, scope: saved.scope }, saved.obtained_at);
    } catch (err) {
      this.ctx.log(server.id, 'error', `Could not save the renewed tokens for ${server.name}: ${(err as Error).message}`);
    }
    this.ctx.log(server.id, 'info', `Renewed the access token for ${server.name}${fresh.expires_in ? ` (valid for ${fresh.expires_in} s)` : ''}`);
    if (rt.state !== 'signed-in' && !rt.signIn) this.ctx.setState(server.id, 'signed-in', `Signed in to ${server.name}`);
    this.changed(server.id, saved);
    return fresh.access_token;
  }

  /** Client-credentials tokens are renewed by asking again; a refused client is a settings problem. */
  private async renewClientCredentials(server: AuthServerConfig, rt: ServerRuntime): Promise<string | undefined> {
    try {
      const token = await this.o.grantClientCredentials(server, rt);
      this.ctx.log(server.id, 'info', `Renewed the app token for ${server.name}`);
      if (rt.state !== 'signed-in') this.ctx.setState(server.id, 'signed-in', `Signed in to ${server.name} as an app`);
      return token;
    } catch (raw) {
      if (raw instanceof OAuthError && raw.code !== 'server_error' && raw.code !== 'temporarily_unavailable') {
        const err = this.ctx.safeError(describeExchangeFailure(server, raw, 'pre-registered'));
        const session = await this.ctx.store.getSession(server.id);
        if (session) await this.drop(server.id, session, rt);
        this.ctx.setState(server.id, 'error', err.message);
        this.ctx.log(server.id, 'warn', err.message);
        return undefined;
      }
      if (raw instanceof SignInError && raw.kind === 'config') {
        // Enterprise: the company's identity provider needs the user again (signed out, expired).
        this.ctx.needsSignIn(server, this.ctx.redact(raw.message), true);
        this.ctx.log(server.id, 'warn', raw.message);
        return undefined;
      }
      throw this.ctx.safeError(describeSignInFailure(server, raw));
    }
  }

  private async refreshRefused(server: AuthServerConfig, rt: ServerRuntime, session: ServerSession, err: OAuthError): Promise<string | undefined> {
    const code = String(err.code);
    if (code === 'server_error' || code === 'temporarily_unavailable') {
      throw this.ctx.safeError(new Error(`The authorization server for ${server.name} could not renew the token right now (${code}).`));
    }
    await this.drop(server.id, session, rt);
    if (code === 'invalid_client' || code === 'unauthorized_client') {
      if (session.clientKind === 'pre-registered') {
        const message = `The authorization server for ${server.name} no longer accepts the client ID entered for it (${code}). Check the client ID and secret in the server's settings.`;
        this.ctx.setState(server.id, 'error', message);
        this.ctx.log(server.id, 'warn', message);
        return undefined;
      }
      await this.registration.forgetRegistrations(server.id);
      this.ctx.log(
        server.id,
        'warn',
        `The authorization server no longer recognises MCP Switchboard's registration (${code}); the next sign-in registers afresh`,
      );
      this.ctx.needsSignIn(server, `${server.name} no longer recognises MCP Switchboard. Sign in again.`, true);
      return undefined;
    }
    this.ctx.log(server.id, 'warn', `The authorization server refused to renew the sign-in (${sanitizeText(code, 64)})`);
    this.ctx.needsSignIn(server, `Your sign-in to ${server.name} has expired or was revoked. Sign in again.`, true);
    return undefined;
  }
}
