/**
 * Everything the sign-in engine remembers, stored through the SecretVault as JSON values:
 *
 * - client registrations, keyed by (server id, authorization-server issuer): credentials issued
 *   by one authorization server are never offered to another (2026-07-28 §Authorization Server
 *   Binding);
 * - tokens, keyed by (issuer, resource): a token is only ever sent to the resource it was minted
 *   for; `expires_at` is computed when they are saved;
 * - per server: the discovery result (authorization server + metadata), the session pointer
 *   (which issuer/resource/scope the current tokens belong to) and the loopback callback port.
 */
import type { AuthorizationServerMetadata, OAuthDiscoveryState, OAuthTokens, StoredOAuthClientInformation } from '@modelcontextprotocol/client';
import type { SecretVault } from './types';

export type ClientKind = 'dcr' | 'cimd' | 'pre-registered';

export interface StoredClient {
  kind: ClientKind;
  issuer: string;
  /** What the authorization server returned (DCR) or the CIMD URL; never a pre-registered secret. */
  info: StoredOAuthClientInformation;
  /** The redirect URI the registration was made for (DCR binds to it). */
  redirectUri?: string;
  savedAt: number;
}

export interface StoredTokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
  /** Epoch ms when the access token expires (from expires_in), if the server said. */
  expires_at?: number;
  obtained_at: number;
  issuer: string;
  resource?: string;
}

/** Which tokens belong to a server and what it asked for. */
export interface ServerSession {
  issuer: string;
  authorizationServerUrl: string;
  resource?: string;
  /** The scope requested in the last authorization (for the step-up union). */
  requestedScope?: string;
  clientKind: ClientKind;
  /** How the tokens were obtained; client-credentials tokens are renewed by asking again. */
  grantType?: 'authorization_code' | 'client_credentials';
}

const enc = encodeURIComponent;
const PREFIX = 'oauth/';
const clientKey = (serverId: string, issuer: string) => `${PREFIX}client/${enc(serverId)}/${enc(issuer)}`;
const clientPrefix = (serverId: string) => `${PREFIX}client/${enc(serverId)}/`;
const tokensKey = (issuer: string, resource: string | undefined) => `${PREFIX}tokens/${enc(issuer)}/${enc(resource ?? '')}`;
const discoveryKey = (serverId: string) => `${PREFIX}discovery/${enc(serverId)}`;
const sessionKey = (serverId: string) => `${PREFIX}session/${enc(serverId)}`;
const portKey = (serverId: string) => `${PREFIX}port/${enc(serverId)}`;

export class CredentialStore {
  constructor(private readonly vault: SecretVault) {}

  private async getJson<T>(key: string): Promise<T | undefined> {
    const text = await this.vault.get(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      // A damaged entry is treated as absent (the user signs in again) rather than a dead end.
      return undefined;
    }
  }

  private setJson(key: string, value: unknown): Promise<void> {
    return this.vault.set(key, JSON.stringify(value));
  }

  // ---- client registrations ---------------------------------------------------------------

  getClient(serverId: string, issuer: string): Promise<StoredClient | undefined> {
    return this.getJson<StoredClient>(clientKey(serverId, issuer));
  }

  /** All registrations of a server, whatever the issuer. */
  async listClients(serverId: string): Promise<StoredClient[]> {
    const keys = await this.vault.keys(clientPrefix(serverId));
    const out: StoredClient[] = [];
    for (const k of keys) {
      const c = await this.getJson<StoredClient>(k);
      if (c) out.push(c);
    }
    return out;
  }

  saveClient(serverId: string, client: StoredClient): Promise<void> {
    return this.setJson(clientKey(serverId, client.issuer), client);
  }

  deleteClient(serverId: string, issuer: string): Promise<void> {
    return this.vault.delete(clientKey(serverId, issuer));
  }

  async deleteAllClients(serverId: string): Promise<void> {
    for (const k of await this.vault.keys(clientPrefix(serverId))) await this.vault.delete(k);
  }

  // ---- tokens -----------------------------------------------------------------------------

  getTokens(issuer: string, resource: string | undefined): Promise<StoredTokens | undefined> {
    return this.getJson<StoredTokens>(tokensKey(issuer, resource));
  }

  /** Persists a token response (one vault write, so the rotated refresh token lands atomically). */
  async saveTokens(issuer: string, resource: string | undefined, tokens: OAuthTokens, now = Date.now()): Promise<StoredTokens> {
    const stored: StoredTokens = {
      access_token: tokens.access_token,
      token_type: tokens.token_type,
      refresh_token: tokens.refresh_token,
      scope: tokens.scope,
      id_token: tokens.id_token,
      expires_at: typeof tokens.expires_in === 'number' && Number.isFinite(tokens.expires_in) ? now + tokens.expires_in * 1000 : undefined,
      obtained_at: now,
      issuer,
      resource,
    };
    await this.setJson(tokensKey(issuer, resource), stored);
    return stored;
  }

  deleteTokens(issuer: string, resource: string | undefined): Promise<void> {
    return this.vault.delete(tokensKey(issuer, resource));
  }

  // ---- per server -------------------------------------------------------------------------

  getDiscovery(serverId: string): Promise<OAuthDiscoveryState | undefined> {
    return this.getJson<OAuthDiscoveryState>(discoveryKey(serverId));
  }

  saveDiscovery(serverId: string, state: OAuthDiscoveryState): Promise<void> {
    return this.setJson(discoveryKey(serverId), state);
  }

  deleteDiscovery(serverId: string): Promise<void> {
    return this.vault.delete(discoveryKey(serverId));
  }

  async metadata(serverId: string): Promise<AuthorizationServerMetadata | undefined> {
    return (await this.getDiscovery(serverId))?.authorizationServerMetadata;
  }

  getSession(serverId: string): Promise<ServerSession | undefined> {
    return this.getJson<ServerSession>(sessionKey(serverId));
  }

  saveSession(serverId: string, session: ServerSession): Promise<void> {
    return this.setJson(sessionKey(serverId), session);
  }

  deleteSession(serverId: string): Promise<void> {
    return this.vault.delete(sessionKey(serverId));
  }

  async getPort(serverId: string): Promise<number | undefined> {
    const p = await this.getJson<number>(portKey(serverId));
    return typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65536 ? p : undefined;
  }

  savePort(serverId: string, port: number): Promise<void> {
    return this.setJson(portKey(serverId), port);
  }
}
