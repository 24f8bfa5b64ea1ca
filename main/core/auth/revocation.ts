/**
 * Revocation: the reset button. Stops a sign-in in progress, revokes the refresh and access tokens
 * at the authorization server where it has a revocation endpoint (RFC 7009), and forgets tokens,
 * registrations, discovery and the session, so the next sign-in starts from nothing. A revocation
 * request is never redirected (auth-http.ts): a 3xx is logged as "not revoked".
 */
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/client';
import { selectClientAuthMethod } from '@modelcontextprotocol/client';
import type { AuthContext } from './auth-context';
import type { AuthorizationFlow } from './authorization-flow';
import { SignInError } from './callback-listener';
import type { ServerSession, StoredTokens } from './credential-store';
import type { Discovery } from './discovery';
import type { Registration } from './registration';
import type { StepUp } from './step-up';
import type { TokenKeeper } from './tokens';
import type { AuthServerConfig } from './types';

/** " to <origin>" of a redirect's Location, when it names one. */
function redirectOrigin(res: Response, from: URL): string {
  try {
    const location = res.headers.get('location');
    return location ? ` to ${new URL(location, from).origin}` : '';
  } catch {
    return '';
  }
}

type RevocationMetadata = AuthorizationServerMetadata & { revocation_endpoint?: string; revocation_endpoint_auth_methods_supported?: string[] };

export class Revocation {
  constructor(
    private readonly ctx: AuthContext,
    private readonly parts: { discovery: Discovery; registration: Registration; flow: AuthorizationFlow; tokens: TokenKeeper; stepUp: StepUp },
  ) {}

  async reset(server: AuthServerConfig): Promise<void> {
    const { discovery, registration, flow, tokens, stepUp } = this.parts;
    const { store } = this.ctx;
    const rt = this.ctx.rt(server.id);
    flow.abort(rt, new SignInError('aborted', `Sign-in to ${server.name} was stopped because its sign-in was reset.`));
    await rt.signIn?.catch(() => {});
    await rt.refreshing?.catch(() => {});
    const session = await store.getSession(server.id);
    if (session) {
      const held = (await tokens.current(server.id, rt))?.tokens;
      if (held) await this.revokeAll(server, session, held);
      await tokens.drop(server.id, session, rt);
    }
    // Only this server's: another entry of the same server (another account) keeps its own.
    await store.deleteAllTokens(server.id);
    await registration.forgetAll(server.id);
    await discovery.forget(server.id);
    await store.deleteSession(server.id);
    rt.challenge = undefined;
    stepUp.clear(rt);
    rt.appSchemeRefused = undefined;
    rt.notified = false;
    this.ctx.setState(server.id, 'needs-sign-in', `Signed out of ${server.name}. Sign in again to use it.`);
    this.ctx.log(server.id, 'info', `Signed out of ${server.name}; tokens and registration forgotten`);
  }

  private async revokeAll(server: AuthServerConfig, session: ServerSession, tokens: StoredTokens): Promise<void> {
    let metadata: RevocationMetadata | undefined;
    try {
      metadata = await this.parts.discovery.metadataFor(server, session);
    } catch {
      metadata = undefined;
    }
    if (!metadata?.revocation_endpoint) {
      this.ctx.log(server.id, 'info', `The authorization server has no revocation endpoint; forgetting the tokens locally`);
      return;
    }
    const client = await this.parts.registration.clientFor(server, session);
    if (!client) return;
    const endpoint = new URL(metadata.revocation_endpoint);
    const methods = metadata.revocation_endpoint_auth_methods_supported ?? metadata.token_endpoint_auth_methods_supported ?? [];
    const method = selectClientAuthMethod(client, methods);
    const fetchFn = this.ctx.fetchFor(server);
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
      const what = hint.replace('_', ' ');
      try {
        // Never redirected: the token and the client's credentials go to the revocation endpoint only.
        const res = await fetchFn(endpoint, { method: 'POST', headers, body, redirect: 'manual' });
        await res.body?.cancel().catch(() => {});
        if (res.status >= 300 && res.status < 400) {
          this.ctx.log(
            server.id,
            'warn',
            `The ${what} was not revoked: ${endpoint.origin} answered HTTP ${res.status} with a redirect${redirectOrigin(res, endpoint)}, which MCP Switchboard does not follow with a token; it stays valid at the authorization server until it expires`,
          );
        } else if (res.ok) this.ctx.log(server.id, 'info', `Revoked the ${what} at ${endpoint.origin}`);
        else this.ctx.log(server.id, 'warn', `The ${what} was not revoked: ${endpoint.origin} answered HTTP ${res.status}`);
      } catch (err) {
        this.ctx.log(server.id, 'warn', `The ${what} was not revoked: could not reach ${endpoint.origin}: ${(err as Error).message}`);
      }
    }
  }
}
