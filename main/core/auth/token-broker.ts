/**
 * Between the sign-in engine and the proxies: which token each proxy holds, what a proxy gets when
 * its token is refused, the sign-in state, account and token expiry the window shows, and the pre-registered
 * client secrets. The engine owns the tokens and keeps them fresh on its own schedule
 * (`keepFresh`); this broker tells it which servers to keep fresh and hands every renewed token to
 * that server's proxy over the fork channel (never argv, env or files).
 */
import type { SignInState } from '../../../common/contract';
import { tokenHash } from '../../shared/token-hash';
import type { ServerRegistry } from '../servers/server-registry';
import { CLIENT_SECRET_PREFIX } from './choice-vault';
import type { AuthEngine, AuthServerConfig, EnterpriseIdpConfig, SecretVault } from './types';

export interface TokenBrokerOptions {
  /** The sign-in engine; without it servers that need sign-in stay `needs-sign-in`. */
  auth?: AuthEngine;
  registry: ServerRegistry;
  /** Where pre-registered client secrets live (the same vault the engine uses). */
  vault?: SecretVault;
  /** The one redaction registry (the log store's): client secrets read here are added to it. */
  secrets: { add(...values: Array<string | undefined>): void };
  /** Open the browser by itself when a refused token cannot be renewed (`connect`). */
  autoSignIn?: boolean;
  /** Hands a token (or none) to the server's running proxy. */
  push(serverId: string, token: string | undefined): void;
  /** The sign-in state or the token expiry of a server changed (the window redraws). */
  onDidChange(): void;
  /** Something for the server's log. */
  log(serverId: string, level: 'info' | 'warn', message: string): void;
  /** The company's identity provider (Settings ▸ Company sign-in), for servers set to `enterprise`. */
  enterprise?(): Promise<EnterpriseIdpConfig | undefined>;
}

const CLIENT_SECRET_KEY = (serverId: string) => `${CLIENT_SECRET_PREFIX}${serverId}`;
/** A client-credentials client's private key (private_key_jwt), PEM. */
const CLIENT_KEY_KEY = (serverId: string) => `client-key:${serverId}`;

export class TokenBroker {
  /** Fingerprint of the token each proxy holds, to push only changes. */
  private readonly pushed = new Map<string, string | undefined>();
  /** Expiry of the access token each server holds (from the engine's stored tokens). */
  private readonly expiry = new Map<string, number>();
  /** Which account each server is signed in with, when the authorization server said. */
  private readonly accounts = new Map<string, string>();
  /** Whether each signed-in server's sign-in renews by itself (a refresh token is held). */
  private readonly renewable = new Map<string, boolean>();
  private readonly unsubscribe: Array<() => void> = [];
  /** Sign-ins asked for and not finished, to cancel one before the engine started it. */
  private readonly starting = new Map<string, { cancelled: boolean }>();
  /** Only the newest keepFresh computation is applied (each reads the vault asynchronously). */
  private freshSeq = 0;

  constructor(private readonly opts: TokenBrokerOptions) {}

  /** Subscribes to the engine and starts keeping the enabled servers' tokens fresh. */
  start(): void {
    const auth = this.opts.auth;
    if (!auth) return;
    this.unsubscribe.push(
      auth.onDidChangeState((change) => {
        this.opts.onDidChange();
        void this.refreshExpiry(change.serverId);
        // The engine logs its own "Signed in to …"; this line would only repeat it.
        if (change.state !== 'signed-in') {
          this.opts.log(change.serverId, change.state === 'error' ? 'warn' : 'info', `Sign-in: ${change.state}${change.detail ? ` (${change.detail})` : ''}`);
        }
      }),
      auth.onDidRenewToken((serverId, token, expiresAt) => {
        if (!this.opts.registry.get(serverId)) return;
        this.pushIfChanged(serverId, token);
        this.setExpiry(serverId, expiresAt);
      }),
    );
    for (const r of this.opts.registry.list()) void this.refreshExpiry(r.id);
    this.keepFresh();
  }

  /** Tells the engine which servers to keep fresh: every enabled one (call after any change). */
  keepFresh(): void {
    const auth = this.opts.auth;
    if (!auth) return;
    const seq = ++this.freshSeq;
    const enabled = this.opts.registry.list().filter((r) => r.enabled);
    void Promise.all(enabled.map((r) => this.authConfig(r.id).catch(() => undefined))).then((configs) => {
      if (seq === this.freshSeq) auth.keepFresh(configs.filter((c): c is AuthServerConfig => c !== undefined));
    });
  }

  signInState(serverId: string): SignInState {
    const s = this.opts.auth?.state(serverId) ?? 'unknown';
    return s === 'unknown' ? 'none' : s;
  }

  /** A sentence about the sign-in, for diagnostics. */
  signInDetail(serverId: string): string | undefined {
    return this.opts.auth?.status(serverId).detail;
  }

  expiresAt(serverId: string): number | undefined {
    return this.expiry.get(serverId);
  }

  /** Who the server is signed in as ("ada@example.com"), when known. */
  account(serverId: string): string | undefined {
    return this.accounts.get(serverId);
  }

  /** The sign-in renews by itself (true), ends at `expiresAt` (false), or is not known (no tokens). */
  renewsAutomatically(serverId: string): boolean | undefined {
    return this.renewable.get(serverId);
  }

  async authConfig(serverId: string): Promise<AuthServerConfig> {
    const r = this.opts.registry.get(serverId);
    if (!r) throw new Error(`No server "${serverId}".`);
    const clientSecret = r.clientId ? await this.clientSecret(serverId) : undefined;
    const cfg: AuthServerConfig = { id: r.id, name: r.name, url: r.url, clientId: r.clientId, clientSecret, scopes: r.scopes };
    if (r.grantType) cfg.grantType = r.grantType;
    if (r.grantType === 'client_credentials') {
      const privateKey = await this.opts.vault?.get(CLIENT_KEY_KEY(serverId)).catch(() => undefined);
      this.opts.secrets.add(privateKey);
      if (privateKey) cfg.privateKey = privateKey;
      if (r.signingAlgorithm) cfg.signingAlgorithm = r.signingAlgorithm;
    }
    if (r.grantType === 'enterprise') cfg.enterprise = await this.opts.enterprise?.();
    return cfg;
  }

  // ---- client secrets ------------------------------------------------------------------------

  async clientSecret(serverId: string): Promise<string | undefined> {
    const secret = await this.opts.vault?.get(CLIENT_SECRET_KEY(serverId)).catch(() => undefined);
    this.opts.secrets.add(secret);
    return secret;
  }

  async storeClientSecret(serverId: string, secret: string): Promise<void> {
    if (!this.opts.vault) throw new Error('This host cannot store a client secret.');
    this.opts.secrets.add(secret);
    await this.opts.vault.set(CLIENT_SECRET_KEY(serverId), secret);
  }

  /** A client-credentials client's private key (private_key_jwt), into the vault. */
  async storePrivateKey(serverId: string, pem: string): Promise<void> {
    if (!this.opts.vault) throw new Error('This host cannot store a private key.');
    this.opts.secrets.add(pem);
    await this.opts.vault.set(CLIENT_KEY_KEY(serverId), pem);
  }

  get canStoreClientSecrets(): boolean {
    return !!this.opts.vault;
  }

  // ---- sign-in -------------------------------------------------------------------------------

  private requireAuth(): AuthEngine {
    if (!this.opts.auth) throw new Error('Sign-in is not available in this host.');
    return this.opts.auth;
  }

  /** Browser sign-in; resolves when the proxy has the new token. A second call joins the first. */
  async signIn(serverId: string): Promise<void> {
    const auth = this.requireAuth();
    const attempt = { cancelled: false };
    this.starting.set(serverId, attempt);
    try {
      const cfg = await this.authConfig(serverId);
      // Cancelled before the engine started it (the vault was still answering).
      if (attempt.cancelled) throw new Error('Sign-in was cancelled.');
      await auth.signIn(cfg);
      this.pushIfChanged(serverId, await auth.accessToken(cfg));
    } finally {
      if (this.starting.get(serverId) === attempt) this.starting.delete(serverId);
    }
    await this.refreshExpiry(serverId);
    this.keepFresh();
  }

  /**
   * The token reset button: revoke, forget tokens and registration, show "Sign in" again. `config`:
   * the server as it was signed in (an edit resets the sign-in made for the old address or client).
   */
  async resetSignIn(serverId: string, config?: AuthServerConfig): Promise<void> {
    const auth = this.requireAuth();
    await auth.reset(config ?? (await this.authConfig(serverId)));
    this.pushed.set(serverId, undefined);
    this.opts.push(serverId, undefined);
    await this.refreshExpiry(serverId);
  }

  private requireServer(serverId: string): void {
    if (!this.opts.registry.get(serverId)) throw new Error(`No server "${serverId}".`);
  }

  /** The page of the browser sign-in waiting for the user, if any. */
  signInPage(serverId: string): { url: string; expiresAt: number } | undefined {
    this.requireServer(serverId);
    return this.opts.auth?.signInPage?.(serverId);
  }

  async openSignInPage(serverId: string): Promise<void> {
    this.requireServer(serverId);
    const auth = this.requireAuth();
    if (!auth.openSignInPage) throw new Error('This host cannot open the sign-in page again.');
    await auth.openSignInPage(serverId);
  }

  /** Stops a sign-in in progress; false when none was running. */
  cancelSignIn(serverId: string): boolean {
    this.requireServer(serverId);
    const attempt = this.starting.get(serverId);
    if (attempt) attempt.cancelled = true;
    return (this.opts.auth?.cancelSignIn?.(serverId) ?? false) || !!attempt;
  }

  /** Replaces (a string) or removes (undefined) the server's pre-registered client secret. */
  async setClientSecret(serverId: string, secret: string | undefined): Promise<void> {
    if (secret === undefined) await this.opts.vault?.delete(CLIENT_SECRET_KEY(serverId));
    else await this.storeClientSecret(serverId, secret);
  }

  // ---- what the supervisor asks --------------------------------------------------------------

  /** The token a starting proxy gets (over the fork channel). */
  async tokenFor(serverId: string): Promise<string | undefined> {
    if (!this.opts.auth) return undefined;
    const token = await this.opts.auth.accessToken(await this.authConfig(serverId)).catch(() => undefined);
    this.pushed.set(serverId, token ? tokenHash(token) : undefined);
    return token;
  }

  /** The held token (refreshed when due) for the host's own check of a server that has no proxy. */
  async heldToken(serverId: string): Promise<string | undefined> {
    if (!this.opts.auth) return undefined;
    return this.opts.auth.accessToken(await this.authConfig(serverId)).catch(() => undefined);
  }

  /** A proxy's token was refused: someone may have refreshed already; else refresh; else sign in. */
  async renewToken(serverId: string, info: { status: number; wwwAuthenticate?: string; tokenHash?: string }): Promise<string | undefined> {
    const auth = this.opts.auth;
    if (!auth) return undefined;
    const cfg = await this.authConfig(serverId);
    if (info.status === 401) {
      const current = await auth.accessToken(cfg).catch(() => undefined);
      if (current && tokenHash(current) !== info.tokenHash) return this.handedOut(serverId, current);
    }
    let token: string | undefined;
    try {
      token = await auth.onUnauthorized(cfg, { status: info.status, wwwAuthenticate: info.wwwAuthenticate });
    } catch {
      // A temporary failure (authorization server unreachable): keep the tokens, no browser tab.
      return undefined;
    }
    if (!token && this.opts.autoSignIn) {
      await auth.signIn(cfg);
      token = await auth.accessToken(cfg);
    }
    return this.handedOut(serverId, token);
  }

  /** Forgets a removed server: its sign-in (revoked where supported), client secret and state. */
  async forget(serverId: string): Promise<void> {
    if (this.opts.auth) await this.opts.auth.reset(await this.authConfig(serverId)).catch(() => {});
    await this.opts.vault?.delete(CLIENT_SECRET_KEY(serverId));
    await this.opts.vault?.delete(CLIENT_KEY_KEY(serverId));
    this.expiry.delete(serverId);
    this.accounts.delete(serverId);
    this.renewable.delete(serverId);
    this.pushed.delete(serverId);
    this.keepFresh();
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The proxy answers its own `unauthorized` with this token: remember what it now holds. */
  private handedOut(serverId: string, token: string | undefined): string | undefined {
    this.pushed.set(serverId, token ? tokenHash(token) : undefined);
    void this.refreshExpiry(serverId);
    return token;
  }

  private pushIfChanged(serverId: string, token: string | undefined): void {
    const hash = token ? tokenHash(token) : undefined;
    if (this.pushed.get(serverId) === hash) return;
    this.pushed.set(serverId, hash);
    this.opts.push(serverId, token);
  }

  private setExpiry(serverId: string, expiresAt: number | undefined): void {
    const before = this.expiry.get(serverId);
    if (expiresAt !== undefined && this.opts.registry.get(serverId)) this.expiry.set(serverId, expiresAt);
    else this.expiry.delete(serverId);
    if (before !== this.expiry.get(serverId)) this.opts.onDidChange();
  }

  /** Reads the expiry of the held token, and whose it is, from the engine. */
  private async refreshExpiry(serverId: string): Promise<void> {
    const held = await this.opts.auth?.heldTokens?.(serverId).catch(() => undefined);
    this.setAccount(serverId, held?.account);
    const renews = held ? !!held.refreshToken : undefined;
    if (renews !== this.renewable.get(serverId)) {
      if (renews === undefined || !this.opts.registry.get(serverId)) this.renewable.delete(serverId);
      else this.renewable.set(serverId, renews);
      this.opts.onDidChange();
    }
    this.setExpiry(serverId, held?.expiresAt);
  }

  private setAccount(serverId: string, account: string | undefined): void {
    const before = this.accounts.get(serverId);
    if (account !== undefined && this.opts.registry.get(serverId)) this.accounts.set(serverId, account);
    else this.accounts.delete(serverId);
    if (before !== this.accounts.get(serverId)) this.opts.onDidChange();
  }
}
