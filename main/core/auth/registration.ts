/**
 * Registration: which client MCP Switchboard is at an authorization server.
 *
 * - A pre-registered client the user entered (client ID, maybe a secret kept in the vault by the
 *   app, never copied into the engine's store), bound to the first authorization server it is used with.
 * - Our client ID metadata document (CIMD), when the authorization server supports it.
 * - Dynamic client registration (RFC 7591) otherwise, redone when the callback address or the
 *   scopes change, and dropped when the authorization server no longer recognises it.
 * - The app-scheme redirect (`mcp-switchboard://oauth/callback`): found refused (by registration,
 *   by a probe of the authorization endpoint, or by the authorization response) so the sign-in
 *   falls back to the loopback redirect.
 *
 * The choice among the three happens in the SDK's `auth()`, through SwitchboardOAuthProvider
 * (oauth-provider.ts); this module builds that provider and keeps the registrations afterwards.
 */
import { OAuthError, RegistrationRejectedError, type OAuthClientInformationMixed } from '@modelcontextprotocol/client';
import type { AuthContext } from './auth-context';
import { APP_SCHEME_REDIRECT, SignInError, sanitizeText } from './callback-listener';
import type { ServerSession } from './credential-store';
import { SwitchboardOAuthProvider, type SignInFlow } from './oauth-provider';
import type { AuthServerConfig } from './types';

/** The authorization server would not take the app-scheme redirect (found before the browser opens). */
export class AppSchemeRefusedError extends Error {}

export interface RegistrationOptions {
  /** Our client ID metadata document (https URL with a path), used when a server supports CIMD. */
  clientMetadataUrl?: string;
  /** Enterprise-managed authorization: the identity assertion for a server (enterprise-idp.ts). */
  assertion?(server: AuthServerConfig, target: { authorizationServer: string; resource: string; scope?: string }): Promise<string>;
}

/** `invalid_client`/`unauthorized_client` for a client we registered: the registration is gone. */
export function registrationGone(err: unknown, kind: string): boolean {
  return err instanceof OAuthError && (err.code === 'invalid_client' || err.code === 'unauthorized_client') && kind !== 'pre-registered';
}

export class Registration {
  constructor(
    private readonly ctx: AuthContext,
    private readonly o: RegistrationOptions = {},
  ) {}

  /** The SDK provider for one sign-in: it registers (or reuses a client) and records the flow. */
  provider(server: AuthServerConfig, flow: SignInFlow, requestedScope: string | undefined, browser: boolean): SwitchboardOAuthProvider {
    return new SwitchboardOAuthProvider({
      server,
      store: this.ctx.store,
      flow,
      clientMetadataUrl: browser && !server.clientId ? this.o.clientMetadataUrl : undefined,
      requestedScope,
      onSecret: (secret) => this.ctx.remember(secret),
      log: (level, message) => this.ctx.log(server.id, level, message),
      assertion: server.grantType === 'enterprise' && this.o.assertion ? (target) => this.o.assertion!(server, target) : undefined,
    });
  }

  /** The client a session's tokens were issued to (for refresh and revocation); undefined when gone. */
  async clientFor(server: AuthServerConfig, session: ServerSession): Promise<OAuthClientInformationMixed | undefined> {
    if (session.clientKind === 'pre-registered') {
      if (!server.clientId) return undefined;
      this.ctx.remember(server.clientSecret);
      return { client_id: server.clientId, ...(server.clientSecret ? { client_secret: server.clientSecret } : {}) };
    }
    const stored = await this.ctx.store.getClient(server.id, session.issuer);
    if (!stored || stored.kind === 'pre-registered') return undefined;
    this.ctx.remember(stored.info.client_secret, (stored.info as { registration_access_token?: string }).registration_access_token);
    return stored.info;
  }

  /** Drops what we registered (never the user's pre-registered binding): the next sign-in registers afresh. */
  async forgetRegistrations(serverId: string): Promise<void> {
    const { store } = this.ctx;
    for (const c of await store.listClients(serverId)) if (c.kind !== 'pre-registered') await store.deleteClient(serverId, c.issuer);
  }

  /** Drops the registration with one authorization server. */
  forgetClient(serverId: string, issuer: string): Promise<void> {
    return this.ctx.store.deleteClient(serverId, issuer);
  }

  /** Drops every registration and binding of a server (reset). */
  forgetAll(serverId: string): Promise<void> {
    return this.ctx.store.deleteAllClients(serverId);
  }

  /** Why the authorization server would not use the app-scheme redirect; undefined for any other failure. */
  appSchemeRefusal(err: unknown): string | undefined {
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
  async probeAppScheme(server: AuthServerConfig, authorizationUrl: URL): Promise<string | undefined> {
    const serverId = server.id;
    let res: Response;
    try {
      res = await this.ctx.fetchFor(server)(authorizationUrl, {
        method: 'GET',
        redirect: 'manual',
        headers: { accept: 'text/html, application/json;q=0.9' },
      });
    } catch (err) {
      this.ctx.log(serverId, 'debug', `Could not check the authorization request beforehand: ${(err as Error).message}`);
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
}
