/**
 * Discovery: where a server's authorization server is and what it publishes.
 *
 * - The 401/403 challenge (`WWW-Authenticate`): where the protected-resource metadata is (RFC 9728)
 *   and which scope the server asks for, remembered per server for the next sign-in.
 * - Before the first sign-in, a probe asks the server for that challenge.
 * - Authorization-server metadata (RFC 8414 / OIDC) for refresh and revocation, from the discovery
 *   saved at sign-in when it still matches the session.
 * - "The authorization server moved" ([26] SEP-2352): a 401 after the server started trusting
 *   another authorization server.
 * - A 2025-03-26 server with no resource metadata, whose own origin serves the metadata.
 *
 * The first sign-in's discovery itself runs inside the SDK's `auth()` (see authorization-flow.ts).
 */
import {
  IssuerMismatchError,
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
  type AuthorizationServerMetadata,
} from '@modelcontextprotocol/client';
import { HEADER_PROTOCOL_VERSION, LATEST_LEGACY_VERSION } from '../../../common/protocol-versions';
import { MCP_POST_HEADERS } from '../../shared/mcp-http/http-exchange';
import { initializeRequest } from '../../shared/mcp-http/round-trips';
import type { AuthContext, ServerRuntime } from './auth-context';
import type { ServerSession } from './credential-store';
import { CLIENT_NAME } from './oauth-provider';
import type { AuthServerConfig } from './types';

export type ChallengeParams = ReturnType<typeof extractWWWAuthenticateParams>;

/**
 * A 2025-03-26 server publishes no resource metadata: the SDK then takes the MCP server's origin
 * as the authorization server and fetches `<origin>/.well-known/oauth-authorization-server`, whose
 * `issuer` that revision never required to echo the origin (it may name a path on it, e.g.
 * `<origin>/oauth`). Such metadata is served by, and names, the MCP server's own origin, so it is
 * accepted; a mismatch that involves any other origin is still refused.
 */
export function isLegacyOriginIssuer(err: unknown, serverUrl: string): err is IssuerMismatchError {
  if (!(err instanceof IssuerMismatchError) || err.kind !== 'metadata' || !err.received) return false;
  try {
    const origin = new URL(serverUrl).origin;
    return err.expected === `${origin}/` && new URL(err.received).origin === origin;
  } catch {
    return false;
  }
}

export function parseChallenge(header: string | undefined): ChallengeParams {
  if (!header) return {};
  return extractWWWAuthenticateParams(new Response(null, { headers: { 'WWW-Authenticate': header } }));
}

export class Discovery {
  constructor(private readonly ctx: AuthContext) {}

  /** Remembers where the resource metadata is and (from a 401) which scope the server asks for. */
  noteChallenge(rt: ServerRuntime, header: string | undefined, status: number): ChallengeParams {
    const p = parseChallenge(header);
    const scope = status === 401 ? p.scope : undefined;
    if (p.resourceMetadataUrl || scope) {
      rt.challenge = { scope: scope ?? rt.challenge?.scope, resourceMetadataUrl: p.resourceMetadataUrl?.href ?? rt.challenge?.resourceMetadataUrl };
    }
    return p;
  }

  /** Without a challenge yet, ask the server for one (its 401 names the resource metadata and scope). */
  async probe(server: AuthServerConfig, rt: ServerRuntime): Promise<void> {
    try {
      const res = await this.ctx.fetchFor(server)(server.url, {
        method: 'POST',
        headers: { ...MCP_POST_HEADERS, [HEADER_PROTOCOL_VERSION]: LATEST_LEGACY_VERSION },
        body: JSON.stringify(initializeRequest(0, { name: CLIENT_NAME, version: '1' })),
        signal: AbortSignal.timeout(Math.min(this.ctx.httpTimeoutMs, 10_000)),
      });
      if (res.status === 401 || res.status === 403) this.noteChallenge(rt, res.headers.get('www-authenticate') ?? undefined, res.status);
      await res.body?.cancel().catch(() => {});
    } catch {
      // best effort: discovery falls back to the well-known locations
    }
  }

  /** The authorization server's metadata for a session: the saved discovery when it matches, else fetched. */
  async metadataFor(server: AuthServerConfig, session: ServerSession): Promise<AuthorizationServerMetadata | undefined> {
    const discovery = await this.ctx.store.getDiscovery(server.id);
    const md = discovery?.authorizationServerMetadata;
    if (md && (md.issuer === session.issuer || discovery?.authorizationServerUrl === session.authorizationServerUrl)) return md;
    if (discovery && !md && discovery.authorizationServerUrl === session.authorizationServerUrl) return undefined;
    return discoverAuthorizationServerMetadata(session.authorizationServerUrl, { fetchFn: this.ctx.fetchFor(server) });
  }

  /**
   * A 401 can mean the server now trusts another authorization server ([26] SEP-2352). Returns the
   * authorization server it lists now when the session's is no longer among them, else undefined
   * (same one, or the metadata could not be read: then nothing is concluded).
   */
  async movedFrom(server: AuthServerConfig, rt: ServerRuntime, session: ServerSession): Promise<string | undefined> {
    let listed: string[];
    try {
      const prm = await discoverOAuthProtectedResourceMetadata(
        server.url,
        { resourceMetadataUrl: rt.challenge?.resourceMetadataUrl },
        this.ctx.fetchFor(server),
      );
      listed = prm.authorization_servers ?? [];
    } catch {
      return undefined;
    }
    const same = (a: string, b: string) => a === b || a.replace(/\/$/, '') === b.replace(/\/$/, '');
    if (!listed.length || listed.some((a) => same(a, session.authorizationServerUrl) || same(a, session.issuer))) return undefined;
    return listed[0];
  }

  /** Forgets the saved discovery, so the next sign-in discovers afresh. */
  forget(serverId: string): Promise<void> {
    return this.ctx.store.deleteDiscovery(serverId);
  }
}
