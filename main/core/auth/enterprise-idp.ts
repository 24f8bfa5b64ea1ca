/**
 * Enterprise-managed authorization (the MCP "cross-app access" extension), the identity-provider
 * half. The user signs in once to the company's identity provider (IdP), configured in Settings:
 * a browser sign-in (authorization code + PKCE, `openid`) whose ID token is kept in the vault.
 * For each server set to it, the engine then asks the IdP for an identity assertion grant (ID-JAG)
 * by token exchange (RFC 8693: the ID token as subject, the server's authorization server as
 * audience, the server as resource), which the server's authorization server redeems with the JWT
 * bearer grant (RFC 7523; oauth-provider.ts). No browser tab per server.
 *
 * An ID token can also be handed in from elsewhere (`connect --idp-id-token`, automation). An
 * expired one is renewed with the IdP's refresh token when there is one; otherwise the user is
 * asked to sign in to the IdP again. Every ID token, refresh token and grant is a secret: it is
 * registered with the engine's secret registry the moment it exists.
 */
import { randomBytes } from 'node:crypto';
import {
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  refreshAuthorization,
  requestJwtAuthorizationGrant,
  startAuthorization,
  type AuthorizationServerMetadata,
  type OAuthTokens,
} from '@modelcontextprotocol/client';
import { isSecureOrLoopback } from '../../../common/url-policy';
import { accountFromIdToken } from './account';
import type { AuthContext } from './auth-context';
import { assertSafeBrowserUrl } from './browser-opener';
import { CallbackListener, SignInError, sanitizeText } from './callback-listener';
import type { IdpTokens } from './credential-store';
import type { BrowserOpener, EnterpriseIdpConfig } from './types';

/** Where the engine logs what concerns the IdP rather than one server. */
export const IDP_LOG_ID = '*';
/** An ID token this close to its expiry is renewed (or the user asked) before it is exchanged. */
const EXPIRY_SKEW_MS = 60_000;

export interface EnterpriseIdpStatus {
  /** An ID token is held (it may need renewing before the next exchange). */
  signedIn: boolean;
  /** Who is signed in (the ID token's email, user name or `sub`). */
  account?: string;
  /** Epoch ms when the held ID token expires. */
  expiresAt?: number;
  /** It can be renewed without the user (a refresh token is held). */
  renewable: boolean;
}

/** The part of a JWT's payload the engine reads (never trusted for anything but display and expiry). */
function claimsOf(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const c = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function expiryOf(idToken: string): number | undefined {
  const exp = claimsOf(idToken)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

export class EnterpriseIdp {
  private signingIn?: Promise<void>;
  private renewing?: Promise<string | undefined>;
  private readonly metadata = new Map<string, AuthorizationServerMetadata>();

  constructor(
    private readonly ctx: AuthContext,
    private readonly o: { opener: BrowserOpener; callbackTimeoutMs: number },
  ) {}

  private host(cfg: EnterpriseIdpConfig): string {
    try {
      return new URL(cfg.issuer).host;
    } catch {
      return cfg.issuer;
    }
  }

  private checked(cfg: EnterpriseIdpConfig | undefined): EnterpriseIdpConfig {
    if (!cfg?.issuer || !cfg.clientId) {
      throw new SignInError('config', "Your company's identity provider is not set up: enter its issuer and client ID in Settings ▸ Company sign-in.");
    }
    let url: URL;
    try {
      url = new URL(cfg.issuer);
    } catch {
      throw new SignInError('config', `The identity provider's issuer "${sanitizeText(cfg.issuer, 80)}" is not a URL.`);
    }
    if (!isSecureOrLoopback(url))
      throw new SignInError('config', `The identity provider ${url.host} is not served over https, so MCP Switchboard will not sign in to it.`);
    this.ctx.remember(cfg.clientSecret);
    return cfg;
  }

  private fetchFor(cfg: EnterpriseIdpConfig) {
    return this.ctx.fetchFor({ id: IDP_LOG_ID, url: cfg.issuer });
  }

  private async metadataFor(cfg: EnterpriseIdpConfig): Promise<AuthorizationServerMetadata> {
    const known = this.metadata.get(cfg.issuer);
    if (known) return known;
    let md: AuthorizationServerMetadata | undefined;
    try {
      md = await discoverAuthorizationServerMetadata(cfg.issuer, { fetchFn: this.fetchFor(cfg) });
    } catch (err) {
      // An IdP used only for token exchange may publish a document that is not complete OpenID
      // Connect metadata (no response_types_supported): its issuer and token endpoint are enough.
      md = await this.lenientMetadata(cfg);
      if (!md)
        throw new SignInError('exchange', `Could not reach your company's identity provider ${this.host(cfg)}: ${sanitizeText((err as Error).message, 200)}`);
    }
    if (!md?.token_endpoint) throw new SignInError('config', `${this.host(cfg)} publishes no OAuth or OpenID Connect metadata with a token endpoint.`);
    this.metadata.set(cfg.issuer, md);
    return md;
  }

  /** The IdP's metadata document read as plain JSON: its issuer must be the configured one, and it must name a token endpoint. */
  private async lenientMetadata(cfg: EnterpriseIdpConfig): Promise<AuthorizationServerMetadata | undefined> {
    const base = cfg.issuer.replace(/\/+$/, '');
    const u = new URL(cfg.issuer);
    const path = u.pathname.replace(/\/+$/, '');
    const candidates = [`${u.origin}/.well-known/oauth-authorization-server${path}`, `${base}/.well-known/openid-configuration`];
    for (const url of candidates) {
      try {
        const res = await this.fetchFor(cfg)(url, { headers: { accept: 'application/json' } });
        if (!res.ok) continue;
        const md = (await res.json()) as Record<string, unknown>;
        if (typeof md.token_endpoint !== 'string' || (md.issuer !== undefined && String(md.issuer).replace(/\/+$/, '') !== base)) continue;
        return md as unknown as AuthorizationServerMetadata;
      } catch {
        // the next location
      }
    }
    return undefined;
  }

  async status(cfg: EnterpriseIdpConfig | undefined): Promise<EnterpriseIdpStatus> {
    if (!cfg?.issuer) return { signedIn: false, renewable: false };
    const held = await this.ctx.store.getIdpTokens(cfg.issuer);
    if (!held || held.client_id !== cfg.clientId) return { signedIn: false, renewable: false };
    this.ctx.secrets.addPassing(held.id_token, held.refresh_token);
    const account = accountFromIdToken(held.id_token, { issuer: cfg.issuer, clientId: cfg.clientId });
    return { signedIn: true, renewable: !!held.refresh_token, ...(account ? { account } : {}), ...(held.expires_at ? { expiresAt: held.expires_at } : {}) };
  }

  /** Keeps an ID token obtained elsewhere (automation); it must be a JWT. */
  async useIdToken(config: EnterpriseIdpConfig, idToken: string): Promise<void> {
    const cfg = this.checked(config);
    this.ctx.secrets.addPassing(idToken);
    if (!claimsOf(idToken)) throw new SignInError('config', 'The ID token given for the identity provider is not a JWT.');
    await this.save(cfg, { id_token: idToken });
    this.ctx.log(IDP_LOG_ID, 'info', `Using an ID token from ${this.host(cfg)} given from outside the app`);
  }

  async signOut(cfg: EnterpriseIdpConfig | undefined): Promise<void> {
    if (!cfg?.issuer) return;
    await this.ctx.store.deleteIdpTokens(cfg.issuer);
    this.ctx.log(IDP_LOG_ID, 'info', `Signed out of ${this.host(cfg)}`);
  }

  private async save(cfg: EnterpriseIdpConfig, tokens: Pick<OAuthTokens, 'id_token' | 'refresh_token'>, previous?: IdpTokens): Promise<string> {
    const idToken = tokens.id_token;
    if (!idToken)
      throw new SignInError('config', `${this.host(cfg)} issued no ID token (is it an OpenID Connect provider, and does its client allow the openid scope?).`);
    this.ctx.remember(idToken, tokens.refresh_token);
    const expires = expiryOf(idToken);
    await this.ctx.store.saveIdpTokens(cfg.issuer, {
      id_token: idToken,
      refresh_token: tokens.refresh_token ?? previous?.refresh_token,
      ...(expires ? { expires_at: expires } : {}),
      obtained_at: this.ctx.now(),
      client_id: cfg.clientId,
    });
    return idToken;
  }

  /** The browser sign-in to the IdP (one at a time; a second call joins the first). */
  signIn(config: EnterpriseIdpConfig | undefined): Promise<void> {
    this.signingIn ??= this.runSignIn(this.checked(config)).finally(() => {
      this.signingIn = undefined;
    });
    return this.signingIn;
  }

  private async runSignIn(cfg: EnterpriseIdpConfig): Promise<void> {
    const metadata = await this.metadataFor(cfg);
    const fetchFn = this.fetchFor(cfg);
    const listener = await CallbackListener.open();
    try {
      const state = randomBytes(32).toString('base64url');
      const supported = metadata.scopes_supported ?? [];
      const scope = ['openid', ...['email', 'profile', 'offline_access'].filter((s) => supported.includes(s))].join(' ');
      const clientInformation = { client_id: cfg.clientId, ...(cfg.clientSecret ? { client_secret: cfg.clientSecret } : {}) };
      const { authorizationUrl, codeVerifier } = await startAuthorization(cfg.issuer, {
        metadata,
        clientInformation,
        redirectUrl: listener.redirectUrl,
        scope,
        state,
      });
      this.ctx.remember(codeVerifier);
      const url = assertSafeBrowserUrl(authorizationUrl.href);
      const waiting = listener.wait({
        state,
        issuer: metadata.issuer,
        issParameterSupported: metadata.authorization_response_iss_parameter_supported === true,
        serverName: this.host(cfg),
        timeoutMs: this.o.callbackTimeoutMs,
        clock: this.ctx.clock,
        onIgnored: (reason) => this.ctx.log(IDP_LOG_ID, 'warn', `Company sign-in: ${reason}`),
        exchange: async (code, iss) => {
          this.ctx.remember(code);
          const tokens = await exchangeAuthorization(cfg.issuer, {
            metadata,
            clientInformation,
            authorizationCode: code,
            iss,
            codeVerifier,
            redirectUri: listener.redirectUrl,
            fetchFn,
          });
          this.ctx.rememberTokens(tokens);
          await this.save(cfg, tokens);
        },
      });
      this.ctx.log(IDP_LOG_ID, 'info', `Opening the browser to sign in to your company's identity provider at ${url.origin}`);
      this.o.opener.open(url.href).catch((err: Error) => {
        listener.gate.abort(new SignInError('browser', `Could not open the browser to sign in to ${this.host(cfg)}: ${err.message}`));
      });
      await waiting;
      this.ctx.log(IDP_LOG_ID, 'info', `Signed in to your company's identity provider ${this.host(cfg)}`);
    } finally {
      await listener.close();
    }
  }

  /** A valid ID token: the held one, renewed with the refresh token when it is about to expire. */
  async idToken(config: EnterpriseIdpConfig | undefined): Promise<string> {
    const cfg = this.checked(config);
    const held = await this.ctx.store.getIdpTokens(cfg.issuer);
    const signIn = `Sign in to your company's identity provider (${this.host(cfg)}) in Settings ▸ Company sign-in.`;
    if (!held || held.client_id !== cfg.clientId) throw new SignInError('config', `Not signed in to your company's identity provider. ${signIn}`);
    this.ctx.secrets.addPassing(held.id_token, held.refresh_token);
    if (held.expires_at === undefined || this.ctx.now() < held.expires_at - EXPIRY_SKEW_MS) return held.id_token;
    if (!held.refresh_token) throw new SignInError('config', `Your sign-in to your company's identity provider has expired. ${signIn}`);
    this.renewing ??= this.renew(cfg, held).finally(() => {
      this.renewing = undefined;
    });
    const renewed = await this.renewing;
    if (!renewed) throw new SignInError('config', `Your sign-in to your company's identity provider could not be renewed. ${signIn}`);
    return renewed;
  }

  private async renew(cfg: EnterpriseIdpConfig, held: IdpTokens): Promise<string | undefined> {
    try {
      const metadata = await this.metadataFor(cfg);
      const tokens = await refreshAuthorization(cfg.issuer, {
        metadata,
        clientInformation: { client_id: cfg.clientId, ...(cfg.clientSecret ? { client_secret: cfg.clientSecret } : {}) },
        refreshToken: held.refresh_token!,
        fetchFn: this.fetchFor(cfg),
      });
      this.ctx.rememberTokens(tokens);
      const idToken = await this.save(cfg, tokens, held);
      this.ctx.log(IDP_LOG_ID, 'info', `Renewed the sign-in to ${this.host(cfg)}`);
      return idToken;
    } catch (err) {
      this.ctx.log(IDP_LOG_ID, 'warn', `Could not renew the sign-in to ${this.host(cfg)}: ${sanitizeText((err as Error).message, 200)}`);
      return undefined;
    }
  }

  /**
   * The identity assertion grant for one server: token exchange at the IdP with the user's ID
   * token, for the server's authorization server (audience) and the server itself (resource).
   */
  async assertion(
    serverName: string,
    config: EnterpriseIdpConfig | undefined,
    target: { authorizationServer: string; resource: string; scope?: string },
  ): Promise<string> {
    const cfg = this.checked(config);
    const idToken = await this.idToken(cfg);
    const md = await this.metadataFor(cfg);
    try {
      const r = await requestJwtAuthorizationGrant({
        tokenEndpoint: md.token_endpoint,
        audience: target.authorizationServer,
        resource: target.resource,
        idToken,
        clientId: cfg.clientId,
        clientSecret: cfg.clientSecret,
        scope: target.scope,
        fetchFn: this.fetchFor(cfg),
      });
      this.ctx.remember(r.jwtAuthGrant);
      return r.jwtAuthGrant;
    } catch (err) {
      throw new SignInError(
        'config',
        `Your company's identity provider ${this.host(cfg)} did not grant access to ${serverName}: ${sanitizeText(this.ctx.redact((err as Error).message), 300)}`,
      );
    }
  }
}
