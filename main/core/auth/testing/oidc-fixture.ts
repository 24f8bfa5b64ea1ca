/**
 * Test fixture: a real authorization server (oidc-provider 9, certified OpenID provider) in front
 * of a real MCP server (SDK 1.32 McpServer + StreamableHTTPServerTransport behind the SDK's
 * `requireBearerAuth`, tokens checked through the provider's introspection endpoint), both on
 * 127.0.0.1. The login and consent "screens" are an interaction route that approves (or denies)
 * programmatically, so a headless user agent can walk the real redirects.
 *
 * AS behaviour that matters (mcp-auth.md §8): DCR with `application_type: native` (loopback port
 * ignored), resource indicators (exact match, opaque tokens bound to the MCP URL), refresh tokens
 * only with `offline_access`, always-rotating refresh tokens for public clients, revocation,
 * `iss` on every authorization response.
 */
import * as http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import express from 'express';
import Provider, { errors, type ClientModel } from 'oidc-provider';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';

export const RS_CLIENT = { id: 'mcp-resource-server', secret: 'rs-introspection-secret-0123456789' };
export const PRE_REGISTERED = { id: 'switchboard-preregistered', secret: 'pre-registered-secret-abcdefghijkl' };
export const APP_CLIENT = { id: 'switchboard-machine', secret: 'machine-client-secret-mnopqrstuvwx' };
/** A client-credentials client that authenticates with a signed JWT (private_key_jwt, ES256). */
export const KEYED_CLIENT = { id: 'switchboard-keyed' };
/**
 * Enterprise-managed authorization: the app's public client at the company's identity provider
 * (the user's sign-in there, then RFC 8693 token exchange), and its client at the MCP server's
 * authorization server (the JWT bearer grant). This one provider plays both parts.
 */
export const IDP_CLIENT = { id: 'switchboard-idp' };
export const ENTERPRISE_CLIENT = { id: 'switchboard-enterprise', secret: 'enterprise-client-secret-0123456789ab' };
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The accounts that can log in (OidcFixture.account), with their e-mail addresses. */
export const ACCOUNTS: Record<string, string> = { alice: 'alice@example.test', bob: 'bob@example.test' };

export interface AsRequest {
  method: string;
  path: string;
  at: number;
}

export interface Introspection {
  active: boolean;
  aud?: string | string[];
  scope?: string;
  client_id?: string;
  exp?: number;
  token_type?: string;
  /** The account the token was issued for (absent for client credentials). */
  sub?: string;
}

export interface OidcFixture {
  issuer: string;
  mcpUrl: string;
  prmUrl: string;
  provider: Provider;
  /** Every HTTP request the authorization server received. */
  requests: AsRequest[];
  /** Token-endpoint grants that succeeded or failed, by grant type. */
  grants: Array<{ grantType: string; ok: boolean; error?: string }>;
  /** Clients created by dynamic registration, in order. */
  registrations: ClientModel[];
  /** What the interaction route answers: approve (login + consent) or deny (access_denied). */
  decision: 'approve' | 'deny';
  /**
   * Who logs in at the next sign-in (each sign-in is a fresh browser, so there is no session to
   * reuse): `alice` by default; ACCOUNTS lists the known ones with their e-mail addresses.
   */
  account: string;
  /** Scopes the MCP server requires for tools/call (403 insufficient_scope otherwise). */
  requiredScopes: string[];
  /** Serve an HTML page (200) at /.well-known/oauth-authorization-server; the OIDC document stays valid. */
  htmlAtOAuthMetadata: boolean;
  /** What the protected resource metadata lists (default: this fixture's issuer). */
  authorizationServers: string[];
  /** Tool calls the MCP server served. */
  toolCalls: number;
  /** The value of each request's `x-api-key` header at the MCP endpoint, in order (undefined: none sent). */
  apiKeys: Array<string | undefined>;
  introspect(token: string): Promise<Introspection>;
  /** Add a client at the AS at run time (e.g. a pre-registered native client with a custom-scheme redirect). */
  addClient(metadata: Record<string, unknown>): Promise<void>;
  /** Forget a registered client at the AS (as when a provider wipes its client store). */
  deleteClient(clientId: string): Promise<void>;
  /** Revoke a token at the AS as its client would (RFC 7009). */
  revoke(token: string, clientId: string, hint?: string): Promise<number>;
  /** KEYED_CLIENT's private key (PKCS #8 PEM). */
  keyedClientKey: string;
  /** Token exchanges (ID token → ID-JAG) and JWT bearer grants this provider served. */
  enterprise: { exchanges: Array<{ audience: string; resource: string; sub: string }>; jwtBearer: number };
  close(): Promise<void>;
}

export interface OidcFixtureOptions {
  accessTokenTtl?: number;
  /** Where both servers listen (default 127.0.0.1). */
  host?: string;
  /**
   * Serve only connections from this address (a forward proxy's outgoing address): anything else
   * has its connection dropped, except the resource server's own introspection calls.
   */
  onlyFrom?: string;
}

async function listen(server: http.Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

export async function startOidcFixture(opts: OidcFixtureOptions = {}): Promise<OidcFixture> {
  const host = opts.host ?? '127.0.0.1';
  const asServer = http.createServer();
  const rsServer = http.createServer();
  const asPort = await listen(asServer, host);
  const rsPort = await listen(rsServer, host);
  const issuer = `http://${host}:${asPort}`;
  const mcpUrl = `http://${host}:${rsPort}/mcp`;
  const prmUrl = `http://${host}:${rsPort}/.well-known/oauth-protected-resource/mcp`;
  const ttl = opts.accessTokenTtl ?? 3600;
  const keyed = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyedJwk = { ...keyed.publicKey.export({ format: 'jwk' }), kid: 'keyed-1', alg: 'ES256', use: 'sig' };
  const jag = await jose.generateKeyPair('ES256');

  const provider = new Provider(issuer, {
    clients: [
      { client_id: RS_CLIENT.id, client_secret: RS_CLIENT.secret, redirect_uris: [], response_types: [], grant_types: [] },
      {
        client_id: PRE_REGISTERED.id,
        client_secret: PRE_REGISTERED.secret,
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/oauth/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: APP_CLIENT.id,
        client_secret: APP_CLIENT.secret,
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'mcp:tools',
      },
      {
        client_id: KEYED_CLIENT.id,
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [keyedJwk] },
        scope: 'mcp:tools',
      },
      {
        client_id: IDP_CLIENT.id,
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/oauth/callback'],
        grant_types: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      {
        client_id: ENTERPRISE_CLIENT.id,
        client_secret: ENTERPRISE_CLIENT.secret,
        redirect_uris: [],
        response_types: [],
        grant_types: [JWT_BEARER_GRANT],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'mcp:tools',
      },
    ],
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id, email: ACCOUNTS[id] }) }),
    claims: { openid: ['sub'], email: ['email'] },
    // The ID token carries the claims its scopes grant (email with `email`), as many providers do.
    conformIdTokenClaims: false,
    scopes: ['openid', 'offline_access', 'email', 'mcp:tools', 'mcp:admin'],
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['switchboard-test-cookie-key'] },
    ttl: { AccessToken: ttl, AuthorizationCode: 60, Grant: 3600, Interaction: 600, Session: 3600, RefreshToken: 3600, IdToken: 3600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: { enabled: true },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) =>
          client.clientId === RS_CLIENT.id || client.clientId === token.clientId,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf ?? mcpUrl,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
          if (indicator !== mcpUrl) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return { scope: 'mcp:tools mcp:admin', audience: mcpUrl, accessTokenTTL: ttl, accessTokenFormat: 'opaque' };
        },
      },
    },
  });

  const fixture = {
    keyedClientKey: keyed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    enterprise: { exchanges: [] as OidcFixture['enterprise']['exchanges'], jwtBearer: 0 },
    issuer,
    mcpUrl,
    prmUrl,
    provider,
    requests: [] as AsRequest[],
    grants: [] as OidcFixture['grants'],
    registrations: [] as ClientModel[],
    decision: 'approve' as 'approve' | 'deny',
    account: 'alice',
    requiredScopes: ['mcp:tools'],
    htmlAtOAuthMetadata: false,
    authorizationServers: [issuer],
    toolCalls: 0,
    apiKeys: [] as Array<string | undefined>,
  } as OidcFixture;

  provider.on('grant.success', (ctx) => fixture.grants.push({ grantType: String(ctx.oidc?.params?.grant_type), ok: true }));
  provider.on('grant.error', (ctx, err: { error?: string }) =>
    fixture.grants.push({ grantType: String(ctx.oidc?.params?.grant_type), ok: false, error: err?.error }),
  );
  provider.on('registration_create.success', (_ctx, client: ClientModel) => fixture.registrations.push(client));

  // ---- enterprise-managed authorization: token exchange (the IdP) and the JWT bearer grant (the AS) ----
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    async (ctx: any) => {
      const p = ctx.oidc.params as Record<string, string | undefined>;
      if (p.requested_token_type !== 'urn:ietf:params:oauth:token-type:id-jag' || p.subject_token_type !== 'urn:ietf:params:oauth:token-type:id_token') {
        throw new errors.InvalidRequest('only ID token → ID-JAG exchanges are served');
      }
      if (!p.subject_token || !p.audience) throw new errors.InvalidRequest('subject_token and audience are required');
      let sub: string;
      try {
        const { payload } = await provider.IdToken.validate(p.subject_token, ctx.oidc.client);
        sub = String(payload.sub);
      } catch {
        throw new errors.InvalidGrant('the subject token is not a valid ID token of this client');
      }
      const resource = String(p.resource ?? '');
      fixture.enterprise.exchanges.push({ audience: p.audience, resource, sub });
      const grant = await new jose.SignJWT({ sub, resource, client_id: ENTERPRISE_CLIENT.id, scope: 'mcp:tools' })
        .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt' })
        .setIssuer(issuer)
        .setAudience(p.audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti(randomUUID())
        .sign(jag.privateKey);
      ctx.body = { access_token: grant, issued_token_type: 'urn:ietf:params:oauth:token-type:id-jag', token_type: 'N_A', expires_in: 300 };
    },
    ['subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'scope', 'resource'],
  );
  provider.registerGrantType(
    JWT_BEARER_GRANT,
    async (ctx: any) => {
      const p = ctx.oidc.params as Record<string, string | undefined>;
      let claims: jose.JWTPayload;
      try {
        if (jose.decodeProtectedHeader(String(p.assertion)).typ !== 'oauth-id-jag+jwt') throw new Error('typ');
        ({ payload: claims } = await jose.jwtVerify(String(p.assertion), jag.publicKey, { issuer, audience: issuer }));
      } catch {
        throw new errors.InvalidGrant('the assertion is not an identity assertion grant of this IdP for this server');
      }
      if (claims.client_id !== ctx.oidc.client.clientId || claims.resource !== mcpUrl)
        throw new errors.InvalidGrant('the assertion is for another client or resource');
      fixture.enterprise.jwtBearer++;
      const token = new provider.ClientCredentials({ client: ctx.oidc.client, scope: 'mcp:tools' });
      token.resourceServer = new provider.ResourceServer(mcpUrl, {
        audience: mcpUrl,
        scope: 'mcp:tools mcp:admin',
        accessTokenTTL: ttl,
        accessTokenFormat: 'opaque',
      });
      const value = await token.save();
      ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: 'mcp:tools' };
    },
    ['assertion', 'scope', 'resource'],
  );

  // ---- authorization server ----
  const as = express();
  as.get('/.well-known/oauth-authorization-server', (_req, res, next) => {
    if (fixture.htmlAtOAuthMetadata) res.type('html').send('<!doctype html><html><body>Welcome to our single-page app</body></html>');
    else next();
  });
  as.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (fixture.decision === 'deny') {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user declined' }, { mergeWithLastSubmission: false });
        return;
      }
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: fixture.account } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
      const g = grant ?? new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id });
      const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (d.missingOIDCScope) g.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) g.addOIDCClaims(d.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) g.addResourceScope(indicator, scopes.join(' '));
      const grantId = await g.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (err) {
      next(err);
    }
  });
  const callback = provider.callback();
  as.use((req, res) => callback(req, res));
  // Only the forward proxy may connect (and the resource server's introspection, from this process).
  const refused = (req: http.IncomingMessage) => opts.onlyFrom !== undefined && req.socket.remoteAddress !== opts.onlyFrom;
  asServer.on('request', (req, res) => {
    if (refused(req) && !(req.url ?? '').startsWith('/token/introspection')) return void req.socket.destroy();
    fixture.requests.push({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], at: Date.now() });
    as(req, res);
  });

  fixture.introspect = async (token: string) => {
    const res = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${RS_CLIENT.id}:${RS_CLIENT.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }),
    });
    return (await res.json()) as Introspection;
  };
  fixture.addClient = async (metadata: Record<string, unknown>) => {
    // Validated like a static client, so oidc-provider's redirect URI rules apply.
    await provider.Client.validate(metadata);
    await provider.Client.adapter.upsert(String(metadata.client_id), metadata);
  };
  fixture.deleteClient = async (clientId: string) => {
    await provider.Client.adapter.destroy(clientId);
  };
  fixture.revoke = async (token: string, clientId: string, hint?: string) => {
    const res = await fetch(`${issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: clientId, ...(hint ? { token_type_hint: hint } : {}) }),
    });
    return res.status;
  };

  // ---- MCP resource server ----
  const verifier = {
    async verifyAccessToken(token: string) {
      const info = await fixture.introspect(token);
      const aud = Array.isArray(info.aud) ? info.aud : info.aud ? [info.aud] : [];
      if (!info.active || info.token_type === undefined) throw new InvalidTokenError('The access token is not active');
      if (!aud.includes(mcpUrl)) throw new InvalidTokenError('The access token was not issued for this server');
      return {
        token,
        clientId: info.client_id ?? '',
        scopes: (info.scope ?? '').split(' ').filter(Boolean),
        expiresAt: info.exp,
        resource: new URL(mcpUrl),
        extra: { account: info.sub },
      };
    },
  };
  const prm = () => ({
    resource: mcpUrl,
    authorization_servers: fixture.authorizationServers,
    scopes_supported: ['mcp:tools'],
    bearer_methods_supported: ['header'],
  });
  const rs = express();
  rs.get('/.well-known/oauth-protected-resource/mcp', (_req, res) => res.json(prm()));
  rs.get('/.well-known/oauth-protected-resource', (_req, res) => res.json(prm()));
  rs.post(
    '/mcp',
    (req, _res, next) => {
      const key = req.headers['x-api-key'];
      fixture.apiKeys.push(Array.isArray(key) ? key[0] : key);
      next();
    },
    express.json(),
    (req, res, next) => requireBearerAuth({ verifier, requiredScopes: fixture.requiredScopes, resourceMetadataUrl: prmUrl })(req, res, next),
    async (req, res) => {
      const server = new McpServer({ name: 'protected-fixture', version: '1.0.0' });
      server.registerTool('whoami', { description: 'Who the token belongs to' }, async (extra) => {
        fixture.toolCalls++;
        const auth = extra.authInfo;
        return { content: [{ type: 'text', text: `client ${auth?.clientId} scopes ${auth?.scopes.join(',')} account ${String(auth?.extra?.account)}` }] };
      });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    },
  );
  rs.all('/mcp', (_req, res) => res.status(405).set('Allow', 'POST').end());
  rsServer.on('request', (req, res) => (refused(req) ? req.socket.destroy() : rs(req, res)));

  const close = (s: http.Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  fixture.close = async () => {
    await Promise.all([close(asServer), close(rsServer)]);
  };
  return fixture;
}
