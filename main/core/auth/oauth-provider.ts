/**
 * The SDK's OAuthClientProvider for one browser sign-in to one server. The SDK's `auth()` drives
 * it through discovery, registration (pre-registered client, CIMD, or DCR) and the authorization
 * URL; everything it must remember for the redirect leg lives in the SignInFlow record. It never
 * hands tokens to the SDK: refresh and storage are the engine's (tokens.ts), so the SDK cannot start a
 * browser flow on its own or refresh behind the engine's back.
 */
import {
  createPrivateKeyJwtAuth,
  validateClientMetadataUrl,
  type AddClientAuthentication,
  type OAuthClientInformationContext,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  type StoredOAuthClientInformation,
} from '@modelcontextprotocol/client';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { endpointRefusal, isSecureOrLoopback } from '../../../common/url-policy';
import { SignInError } from './callback-listener';
import type { ClientKind, CredentialStore } from './credential-store';
import type { AuthServerConfig } from './types';

export const CLIENT_NAME = 'MCP Switchboard';
/** RFC 7523 §2.1: the JWT bearer grant (enterprise-managed authorization redeems its assertion with it). */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The JWS algorithm for a private key: ES256/384/512 for the P-curves, RS256 for RSA, EdDSA for
 * Ed25519. Throws a sentence for anything else (or a key that does not parse).
 */
export function signingAlgorithmFor(pem: string): string {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new SignInError('config', 'The private key is not a PEM private key (PKCS #8, "-----BEGIN PRIVATE KEY-----").');
  }
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const alg = curve === 'prime256v1' ? 'ES256' : curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : undefined;
    if (alg) return alg;
  }
  throw new SignInError('config', `MCP Switchboard cannot sign with a ${type ?? 'unknown'} key; use an RSA, P-256, P-384, P-521 or Ed25519 key.`);
}

/** What one sign-in remembers between building the authorization URL and redeeming the code. */
export interface SignInFlow {
  state: string;
  redirectUrl: string;
  codeVerifier?: string;
  authorizationUrl?: URL;
  discovery?: OAuthDiscoveryState;
  resource?: string;
  /** The client used for this sign-in (with a pre-registered secret, in memory only). */
  client?: { info: StoredOAuthClientInformation; kind: ClientKind };
  /** The tokens of a non-interactive grant (client credentials, enterprise). */
  tokens?: OAuthTokens;
  /** The authorization server's issuer, as the SDK found it (the audience of an identity assertion). */
  issuer?: string;
  /** The discovered authorization server was checked for `openid` (once per sign-in). */
  openIdChecked?: boolean;
}

/**
 * Thrown by `saveDiscoveryState` when the sign-in should ask for `scope` instead (the same scope
 * with `openid`): `auth()` is then called again with it, on the discovery already made.
 */
export class AskForScope extends Error {
  constructor(readonly scope: string) {
    super('ask for another scope');
  }
}

/**
 * An OpenID Connect authorization server (its metadata lists `openid`) is also asked for `openid`,
 * so the token response carries an ID token that says which account signed in (account.ts). Only
 * on top of a scope already asked for (the one given, else the resource's scopes_supported, as the
 * SDK picks it): a request without any scope keeps the server's defaults, as the SDK's
 * `offline_access` rule does. Undefined when nothing is to change.
 */
export function scopeWithOpenId(requested: string | undefined, discovery: OAuthDiscoveryState): string | undefined {
  if (!discovery.authorizationServerMetadata?.scopes_supported?.includes('openid')) return undefined;
  const scope = requested || discovery.resourceMetadata?.scopes_supported?.join(' ');
  if (!scope || scopeTokens(scope).includes('openid')) return undefined;
  return `${scope} openid`;
}

export interface SwitchboardProviderOptions {
  server: AuthServerConfig;
  store: CredentialStore;
  flow: SignInFlow;
  /** An https URL of our client ID metadata document (CIMD), used when the server supports it. */
  clientMetadataUrl?: string;
  /** The scope this sign-in asks for; a DCR registration limited to fewer scopes is replaced. */
  requestedScope?: string;
  /** Every secret seen passes through here so the engine can keep it out of logs. */
  onSecret(secret: string): void;
  /**
   * Enterprise-managed authorization: the identity assertion grant (ID-JAG) for this server's
   * authorization server and resource, from the company's identity provider (enterprise-idp.ts).
   */
  assertion?(target: { authorizationServer: string; resource: string; scope?: string }): Promise<string>;
  log(level: 'debug' | 'info' | 'warn', message: string): void;
}

/** The canonical resource URI of an MCP server: absolute, no fragment, lower-case scheme and host. */
export function canonicalResource(serverUrl: string | URL): URL {
  const url = new URL(String(serverUrl));
  url.hash = '';
  return url;
}

function scopeTokens(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

export class SwitchboardOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl?: string;

  constructor(private readonly o: SwitchboardProviderOptions) {
    if (o.clientMetadataUrl) {
      validateClientMetadataUrl(o.clientMetadataUrl);
      this.clientMetadataUrl = o.clientMetadataUrl;
    }
  }

  /** A grant without a user at a browser: client credentials, or enterprise-managed authorization. */
  private get clientCredentials(): boolean {
    return this.o.server.grantType === 'client_credentials' || this.o.server.grantType === 'enterprise';
  }

  /** `private_key_jwt` (RFC 7523 §2.2): a client-credentials client that signs its assertions. */
  private get signsAssertions(): boolean {
    return this.o.server.grantType === 'client_credentials' && !!this.o.server.privateKey;
  }

  /** Undefined for the client-credentials grant: the SDK then runs a non-interactive token request. */
  get redirectUrl(): string | undefined {
    return this.clientCredentials ? undefined : this.o.flow.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    if (this.o.server.grantType === 'enterprise') {
      return { client_name: CLIENT_NAME, redirect_uris: [], grant_types: [JWT_BEARER_GRANT], token_endpoint_auth_method: 'client_secret_basic' };
    }
    if (this.clientCredentials) {
      return {
        client_name: CLIENT_NAME,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: this.signsAssertions ? 'private_key_jwt' : 'client_secret_basic',
      };
    }
    return {
      client_name: CLIENT_NAME,
      redirect_uris: [this.o.flow.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    };
  }

  state(): string {
    return this.o.flow.state;
  }

  /** A registration's client secret and registration access token (RFC 7592) never reach a log. */
  private rememberSecrets(info: StoredOAuthClientInformation & { registration_access_token?: unknown }): void {
    if (info.client_secret) this.o.onSecret(info.client_secret);
    if (typeof info.registration_access_token === 'string') this.o.onSecret(info.registration_access_token);
  }

  async clientInformation(ctx?: OAuthClientInformationContext): Promise<StoredOAuthClientInformation | undefined> {
    const { server, store, flow } = this.o;
    const issuer = ctx?.issuer;
    if (server.clientId) {
      // Pre-registered: bound to the first authorization server it is used with ([26] §Authorization
      // Server Binding); another one later is an error for the user, never a silent retry.
      const bindings = (await store.listClients(server.id)).filter((c) => c.kind === 'pre-registered' && c.info.client_id === server.clientId);
      const same = bindings.find((b) => b.issuer === issuer);
      const other = bindings.find((b) => b.issuer !== issuer);
      if (!same && other && issuer) {
        throw new SignInError(
          'config',
          `The client ID entered for ${server.name} was issued by ${other.issuer}, but ${server.name} now uses the authorization server ${issuer}. Enter a client ID issued by ${issuer}, or reset the sign-in to use it there anyway.`,
        );
      }
      if (server.clientSecret) this.o.onSecret(server.clientSecret);
      const info: StoredOAuthClientInformation = { client_id: server.clientId, ...(server.clientSecret ? { client_secret: server.clientSecret } : {}), issuer };
      if (!same && issuer)
        await store.saveClient(server.id, { kind: 'pre-registered', issuer, info: { client_id: server.clientId, issuer }, savedAt: Date.now() });
      flow.client = { info, kind: 'pre-registered' };
      return info;
    }
    if (!issuer) return undefined;
    const stored = await store.getClient(server.id, issuer);
    if (!stored || stored.kind === 'pre-registered') return undefined;
    if (stored.kind === 'dcr') {
      const full = stored.info as StoredOAuthClientInformation & { redirect_uris?: string[]; scope?: string };
      const uris = full.redirect_uris ?? (stored.redirectUri ? [stored.redirectUri] : []);
      if (!uris.includes(flow.redirectUrl)) {
        this.o.log('info', `The registration with ${issuer} was made for another callback address; registering again for ${flow.redirectUrl}`);
        return undefined;
      }
      const registered = scopeTokens(full.scope);
      if (registered.length && scopeTokens(this.o.requestedScope).some((s) => !registered.includes(s))) {
        this.o.log('info', `The registration with ${issuer} does not cover the scopes now needed; registering again`);
        return undefined;
      }
    }
    if (stored.kind === 'cimd' && stored.info.client_id !== this.clientMetadataUrl) return undefined;
    this.rememberSecrets(stored.info);
    flow.client = { info: stored.info, kind: stored.kind };
    return stored.info;
  }

  async saveClientInformation(info: StoredOAuthClientInformation, ctx?: OAuthClientInformationContext): Promise<void> {
    const { server, store, flow } = this.o;
    const issuer = info.issuer ?? ctx?.issuer;
    const kind: ClientKind =
      server.clientId && info.client_id === server.clientId
        ? 'pre-registered'
        : this.clientMetadataUrl && info.client_id === this.clientMetadataUrl
          ? 'cimd'
          : 'dcr';
    this.rememberSecrets(info);
    flow.client = { info, kind };
    if (!issuer) return;
    // A pre-registered secret stays where the user put it; only the binding is stored here.
    const stored = kind === 'pre-registered' ? { client_id: info.client_id, issuer } : { ...info, issuer };
    await store.saveClient(server.id, { kind, issuer, info: stored, redirectUri: flow.redirectUrl, savedAt: Date.now() });
    if (kind === 'dcr') this.o.log('info', `Registered MCP Switchboard with ${issuer}`);
    if (kind === 'cimd') this.o.log('info', `Using the client ID metadata document with ${issuer}`);
  }

  /**
   * The token request of a grant without a user (the SDK adds client authentication and
   * `resource`): client credentials, or the JWT bearer grant with the identity assertion the
   * company's identity provider issued for this server (enterprise-managed authorization).
   */
  async prepareTokenRequest(scope?: string): Promise<URLSearchParams | undefined> {
    if (!this.clientCredentials) return undefined;
    let params: URLSearchParams;
    if (this.o.server.grantType === 'enterprise') {
      const { flow } = this.o;
      const authorizationServer = flow.issuer ?? flow.discovery?.authorizationServerMetadata?.issuer ?? flow.discovery?.authorizationServerUrl;
      const resource = flow.resource ?? canonicalResource(this.o.server.url).href;
      if (!authorizationServer || !this.o.assertion)
        throw new SignInError('config', `${this.o.server.name} has no authorization server to exchange an identity assertion with.`);
      const assertion = await this.o.assertion({ authorizationServer, resource, scope });
      this.o.onSecret(assertion);
      params = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
    } else {
      params = new URLSearchParams({ grant_type: 'client_credentials' });
    }
    if (scope) params.set('scope', scope);
    return params;
  }

  /**
   * `private_key_jwt`: each token request carries a fresh JWT signed with the client's key (iss
   * and sub the client ID, aud the authorization server's issuer, five minutes, a unique jti).
   */
  get addClientAuthentication(): AddClientAuthentication | undefined {
    const { server } = this.o;
    if (!this.signsAssertions || !server.clientId || !server.privateKey) return undefined;
    return createPrivateKeyJwtAuth({
      issuer: server.clientId,
      subject: server.clientId,
      privateKey: server.privateKey,
      alg: server.signingAlgorithm ?? signingAlgorithmFor(server.privateKey),
    });
  }

  saveAuthorizationServerUrl(issuer: string): void {
    this.o.flow.issuer = issuer;
  }

  /** Tokens stay with the engine: the SDK never refreshes on its own. */
  tokens(): undefined {
    return undefined;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.o.flow.tokens = tokens;
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.o.flow.authorizationUrl = authorizationUrl;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.o.onSecret(codeVerifier);
    this.o.flow.codeVerifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.o.flow.codeVerifier) throw new Error('No PKCE code verifier was recorded for this sign-in.');
    return this.o.flow.codeVerifier;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    const { server, store, flow } = this.o;
    if (scope === 'all' || scope === 'client') {
      // Never the pre-registered client the user entered (quirk Q9): only what we registered.
      for (const c of await store.listClients(server.id)) if (c.kind !== 'pre-registered') await store.deleteClient(server.id, c.issuer);
      if (flow.client?.kind !== 'pre-registered') flow.client = undefined;
    }
    if (scope === 'all' || scope === 'verifier') flow.codeVerifier = undefined;
    if (scope === 'all' || scope === 'discovery') flow.discovery = undefined;
  }

  /**
   * Checks the discovered authorization server before anything is sent to it: PKCE, and every
   * endpoint where this server may send the engine (common/url-policy.ts `endpointRefusal`).
   */
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    const md = state.authorizationServerMetadata;
    const { server } = this.o;
    if (md) {
      const methods = md.code_challenge_methods_supported;
      if (!methods && !server.allowUnadvertisedPkce && !this.clientCredentials) {
        throw new SignInError(
          'config',
          `The authorization server ${md.issuer} does not say that it supports PKCE (its metadata has no code_challenge_methods_supported), so MCP Switchboard will not sign in to ${server.name}. If you trust this server, allow it in the server's settings.`,
        );
      }
      if (methods && !methods.includes('S256') && !this.clientCredentials) {
        throw new SignInError(
          'config',
          `The authorization server ${md.issuer} does not support PKCE with S256, so MCP Switchboard will not sign in to ${server.name}.`,
        );
      }
      const endpoints: Array<[string, string | undefined]> = [
        ['authorization', md.authorization_endpoint],
        ['token', md.token_endpoint],
        ['registration', md.registration_endpoint],
        ['revocation', (md as { revocation_endpoint?: string }).revocation_endpoint],
      ];
      for (const [name, value] of endpoints) {
        if (!value) continue;
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new SignInError('config', `The authorization server ${md.issuer} published an invalid ${name} endpoint.`);
        }
        const refusal = endpointRefusal(new URL(server.url), url);
        if (refusal) {
          throw new SignInError(
            'config',
            !isSecureOrLoopback(url)
              ? `The authorization server ${md.issuer} uses plain http for its ${name} endpoint (${url.host}); MCP Switchboard only signs in over https.`
              : `The authorization server ${md.issuer} names a ${name} endpoint MCP Switchboard will not use. ${refusal}`,
          );
        }
      }
    }
    this.o.flow.discovery = state;
    if (!this.clientCredentials && !this.o.flow.openIdChecked) {
      // Before registration and the authorization URL, which the SDK builds from the scope.
      this.o.flow.openIdChecked = true;
      const scope = scopeWithOpenId(this.o.requestedScope, state);
      if (scope) throw new AskForScope(scope);
    }
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.o.flow.discovery;
  }

  /**
   * Without protected resource metadata the SDK would send no `resource` at all; the spec says to
   * always send it, so then the canonical server URI is used. With metadata the SDK's own check
   * (same origin, path prefix) runs and the metadata's `resource` is sent verbatim.
   */
  get validateResourceURL(): ((serverUrl: string | URL, resource?: string) => Promise<URL | undefined>) | undefined {
    if (this.o.flow.discovery?.resourceMetadata) return undefined;
    return async () => canonicalResource(this.o.server.url);
  }

  saveResourceUrl(resourceUrl: string): void {
    this.o.flow.resource = resourceUrl;
  }
}
