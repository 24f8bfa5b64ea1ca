/**
 * Everything the sign-in engine remembers, stored through the SecretVault as JSON values:
 *
 * - client registrations, keyed by (server id, authorization-server issuer): credentials issued
 *   by one authorization server are never offered to another (2026-07-28 §Authorization Server
 *   Binding);
 * - tokens, keyed by (server id, issuer, resource): a token is only ever sent to the resource it
 *   was minted for, and belongs to one server entry, so two entries of the same server signed in
 *   with two accounts (work and personal) never share, overwrite or revoke each other's grant;
 *   `expires_at` is computed when they are saved;
 * - per server: the discovery result (authorization server + metadata), the session pointer
 *   (which issuer/resource/scope the current tokens belong to, which account) and the loopback
 *   callback port.
 *
 * Before tokens were keyed by server id they were keyed by (issuer, resource) alone. Such an entry
 * is moved once, before the first token is read or written, to the server whose session points at
 * it; when several did (the bug this key fixes), to the first of them by id, and the others sign in
 * again (`onMigrated` says so).
 */
import type { AuthorizationServerMetadata, OAuthDiscoveryState, OAuthTokens, StoredOAuthClientInformation } from '@modelcontextprotocol/client';
import type { GrantType, SecretVault } from './types';

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
  grantType?: GrantType;
  /** Who signed in (the ID token's email, user name or `sub`; account.ts), for the window. */
  account?: string;
}

/** Tokens that two or more servers shared before the key included the server id. */
export interface SharedTokensMigrated {
  /** The server that keeps them. */
  kept: string;
  /** The servers that must sign in again. */
  dropped: string[];
}

const enc = encodeURIComponent;
const PREFIX = 'oauth/';
const clientKey = (serverId: string, issuer: string) => `${PREFIX}client/${enc(serverId)}/${enc(issuer)}`;
const clientPrefix = (serverId: string) => `${PREFIX}client/${enc(serverId)}/`;
const TOKENS_PREFIX = `${PREFIX}tokens/`;
const tokensKey = (serverId: string, issuer: string, resource: string | undefined) => `${TOKENS_PREFIX}${enc(serverId)}/${enc(issuer)}/${enc(resource ?? '')}`;
const tokensPrefix = (serverId: string) => `${TOKENS_PREFIX}${enc(serverId)}/`;
/** `oauth/tokens/<issuer>/<resource>`: the key before tokens belonged to a server (two segments, not three). */
const isLegacyTokensKey = (key: string) => key.startsWith(TOKENS_PREFIX) && key.slice(TOKENS_PREFIX.length).split('/').length === 2;
const SESSION_PREFIX = `${PREFIX}session/`;
const discoveryKey = (serverId: string) => `${PREFIX}discovery/${enc(serverId)}`;
const sessionKey = (serverId: string) => `${SESSION_PREFIX}${enc(serverId)}`;
const portKey = (serverId: string) => `${PREFIX}port/${enc(serverId)}`;
const idpKey = (issuer: string) => `${PREFIX}idp/${enc(issuer)}`;

/** The user's sign-in to the company's identity provider (enterprise-managed authorization). */
export interface IdpTokens {
  id_token: string;
  refresh_token?: string;
  /** Epoch ms when the ID token expires (its `exp`), when it says. */
  expires_at?: number;
  obtained_at: number;
  /** The client the ID token was issued to. */
  client_id: string;
}

export interface CredentialStoreOptions {
  /** Tokens that several servers shared were given to one of them (see the file comment). */
  onMigrated?(result: SharedTokensMigrated): void;
}

function parses(text: string): boolean {
  try {
    return typeof (JSON.parse(text) as StoredTokens).access_token === 'string';
  } catch {
    return false;
  }
}

export class CredentialStore {
  /** The one-time move of tokens stored under the old key; every token access waits for it. */
  private migration?: Promise<void>;

  constructor(
    private readonly vault: SecretVault,
    private readonly o: CredentialStoreOptions = {},
  ) {}

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

  async getTokens(serverId: string, issuer: string, resource: string | undefined): Promise<StoredTokens | undefined> {
    await this.migrated();
    return this.getJson<StoredTokens>(tokensKey(serverId, issuer, resource));
  }

  /** Persists a token response (one vault write, so the rotated refresh token lands atomically). */
  async saveTokens(serverId: string, issuer: string, resource: string | undefined, tokens: OAuthTokens, now = Date.now()): Promise<StoredTokens> {
    await this.migrated();
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
    await this.setJson(tokensKey(serverId, issuer, resource), stored);
    return stored;
  }

  async deleteTokens(serverId: string, issuer: string, resource: string | undefined): Promise<void> {
    await this.migrated();
    await this.vault.delete(tokensKey(serverId, issuer, resource));
  }

  /** Every token a server holds, whatever the issuer (reset, removal). */
  async deleteAllTokens(serverId: string): Promise<void> {
    await this.migrated();
    for (const k of await this.vault.keys(tokensPrefix(serverId))) await this.vault.delete(k);
  }

  private migrated(): Promise<void> {
    this.migration ??= this.moveLegacyTokens().catch((err: unknown) => {
      // The vault failed: this access fails as any vault failure would, and the next one tries again.
      this.migration = undefined;
      throw err;
    });
    return this.migration;
  }

  /**
   * Moves tokens stored under `oauth/tokens/<issuer>/<resource>` to the server whose session
   * points at them. Idempotent: an entry already moved (a crash between the write and the delete)
   * is not overwritten, and the old one is deleted.
   */
  private async moveLegacyTokens(): Promise<void> {
    const legacy = (await this.vault.keys(TOKENS_PREFIX)).filter(isLegacyTokensKey);
    if (!legacy.length) return;
    const sessions: Array<{ serverId: string; session: ServerSession }> = [];
    for (const k of await this.vault.keys(SESSION_PREFIX)) {
      const session = await this.getJson<ServerSession>(k);
      if (session) sessions.push({ serverId: decodeURIComponent(k.slice(SESSION_PREFIX.length)), session });
    }
    for (const key of legacy) {
      const text = await this.vault.get(key);
      const usable = text !== undefined && parses(text);
      const [issuer, resource] = key
        .slice(TOKENS_PREFIX.length)
        .split('/')
        .map((p) => decodeURIComponent(p));
      const owners = sessions
        .filter(({ session }) => session.issuer === issuer && (session.resource ?? '') === resource)
        .map((s) => s.serverId)
        .sort();
      if (usable && owners.length) {
        const target = tokensKey(owners[0]!, issuer!, resource || undefined);
        if ((await this.vault.get(target)) === undefined) await this.vault.set(target, text!);
        if (owners.length > 1) this.o.onMigrated?.({ kept: owners[0]!, dropped: owners.slice(1) });
      }
      // Tokens no session points at can never be used (nor revoked): they go too.
      await this.vault.delete(key);
    }
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

  getIdpTokens(issuer: string): Promise<IdpTokens | undefined> {
    return this.getJson<IdpTokens>(idpKey(issuer));
  }

  saveIdpTokens(issuer: string, tokens: IdpTokens): Promise<void> {
    return this.setJson(idpKey(issuer), tokens);
  }

  deleteIdpTokens(issuer: string): Promise<void> {
    return this.vault.delete(idpKey(issuer));
  }
}
