/**
 * What every part of the sign-in engine shares: the credential store, the clock, the secret
 * registry, the log, the per-server runtime record and the state each server is in (with its
 * listeners). The parts (discovery, registration, the authorization flow, tokens, revocation)
 * each take this one context instead of reaching into each other.
 *
 * Secrets: every token, code, verifier and client secret the engine sees is added to `secrets`
 * the moment it exists, and every log line, state detail and error message passes `redact`.
 */
import type { FetchLike, OAuthTokens } from '@modelcontextprotocol/client';
import { urlSecrets } from '../../../common/url-secrets';
import { Redactor } from '../logs/redactor';
import { signInNeeded } from '../notifications';
import { systemClock, type Clock, type Notifier } from '../ports';
import { guardedFetch } from './auth-http';
import { SignInError, sanitizeText, type CallbackGate, type CallbackListener } from './callback-listener';
import { CredentialStore, type StoredTokens } from './credential-store';
import type { AuthLogLevel, AuthServerConfig, AuthState, AuthStateChange, SecretVault } from './types';

/** Where secrets are registered and log text is cleaned (the LogStore's redactor fits). */
export type SecretRegistry = Pick<Redactor, 'add' | 'addPassing' | 'redact'>;

export interface AuthContextOptions {
  vault: SecretVault;
  /** Never receives a secret. */
  log: (serverId: string, level: AuthLogLevel, message: string) => void;
  notifier?: Notifier;
  /** Replaces global fetch for every request the engine makes (tests, proxies). */
  fetch?: FetchLike;
  /**
   * The network configuration's fetch for requests made on behalf of a server (its proxy and
   * trusted CAs; main/core/network/network-planner.ts). Without it (and without `fetch`), the
   * runtime's own fetch.
   */
  networkFetch?(server: { id: string; url: string }): FetchLike;
  /** Per-request timeout for authorization-server calls (default 30 s). */
  httpTimeoutMs?: number;
  /** Time and timers (default: the system clock). */
  clock?: Clock;
  /** The app's one redaction registry; without it the engine keeps a private one. */
  secrets?: SecretRegistry;
}

/** Everything the engine remembers about one server while the process runs. */
export interface ServerRuntime {
  // -- state shown to the user
  state: AuthState;
  detail?: string;
  /** The user was told once that this server needs sign-in (cleared by a successful sign-in). */
  notified: boolean;
  // -- the authorization flow
  signIn?: Promise<void>;
  listener?: CallbackListener;
  /** The sign-in waiting for the app-scheme redirect (handed over by `handleRedirect`). */
  gate?: CallbackGate;
  /** The sign-in in progress was stopped before it waited for the browser (it must not open it). */
  abortedWith?: SignInError;
  /** The page the browser was sent to, while the sign-in waits for it (to open again, or copy). */
  page?: { url: string; expiresAt: number };
  /** The authorization server refused the app-scheme redirect; this server signs in through loopback. */
  appSchemeRefused?: string;
  // -- tokens
  refreshing?: Promise<string | undefined>;
  /** The latest tokens this process saved (used if the vault write failed). */
  cache?: StoredTokens;
  /** Fingerprints of refresh tokens the authorization server has already answered for. */
  spent: Set<string>;
  // -- discovery
  /** From the last 401/403 challenge: where the resource metadata is, which scope it wants. */
  challenge?: { scope?: string; resourceMetadataUrl?: string };
  // -- step-up
  /** A 403 insufficient_scope is waiting for a sign-in with this (union) scope. */
  stepUp?: string;
  stepUpAttempts: Map<string, number>;
  /** Set when step-up gave up; the next signIn fails with it instead of opening a tab. */
  stepUpExhausted?: string;
}

export class AuthContext {
  readonly store: CredentialStore;
  readonly secrets: SecretRegistry;
  readonly clock: Clock;
  readonly httpTimeoutMs: number;
  /** Set by dispose: no new sign-in starts, and an aborted one leaves the state alone. */
  disposed = false;
  private readonly runtimes = new Map<string, ServerRuntime>();
  private readonly listeners = new Set<(change: AuthStateChange) => void>();

  constructor(private readonly o: AuthContextOptions) {
    this.store = new CredentialStore(o.vault, {
      onMigrated: ({ kept, dropped }) => {
        for (const id of dropped) {
          this.log(id, 'warn', `This server shared its sign-in with "${kept}", which keeps it; sign in again here (each server entry now has its own)`);
        }
      },
    });
    this.secrets = o.secrets ?? new Redactor();
    this.clock = o.clock ?? systemClock;
    this.httpTimeoutMs = o.httpTimeoutMs ?? 30_000;
  }

  now(): number {
    return this.clock.now();
  }

  // ---- per-server runtime and state ---------------------------------------------------------

  rt(serverId: string): ServerRuntime {
    let r = this.runtimes.get(serverId);
    if (!r) {
      r = { state: 'unknown', spent: new Set(), notified: false, stepUpAttempts: new Map() };
      this.runtimes.set(serverId, r);
    }
    return r;
  }

  /** The server's runtime if the engine has one (without creating it). */
  peek(serverId: string): ServerRuntime | undefined {
    return this.runtimes.get(serverId);
  }

  /** Every server the engine has seen, with its runtime. */
  runtimeEntries(): Array<[string, ServerRuntime]> {
    return [...this.runtimes.entries()];
  }

  status(serverId: string): AuthStateChange {
    const r = this.runtimes.get(serverId);
    return { serverId, state: r?.state ?? 'unknown', detail: r?.detail };
  }

  onDidChangeState(listener: (change: AuthStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearListeners(): void {
    this.listeners.clear();
  }

  setState(serverId: string, state: AuthState, detail?: string): void {
    const r = this.rt(serverId);
    const clean = detail === undefined ? undefined : this.redact(detail);
    if (r.state === state && r.detail === clean) return;
    r.state = state;
    r.detail = clean;
    const change: AuthStateChange = { serverId, state, detail: clean };
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // a listener's failure is not the engine's
      }
    }
  }

  /** needs-sign-in, and (once until the next successful sign-in) a notification when `notify`. */
  needsSignIn(server: AuthServerConfig, detail: string, notify: boolean): void {
    const r = this.rt(server.id);
    this.setState(server.id, 'needs-sign-in', detail);
    if (notify && !r.notified && this.o.notifier) {
      r.notified = true;
      try {
        const n = signInNeeded(server, this.redact(detail));
        this.o.notifier.notify(n.title, n.body, n.options);
      } catch {
        // notifications are best effort
      }
    }
  }

  // ---- secrets and logging ------------------------------------------------------------------

  /** Registers secrets the moment the engine has them. */
  remember(...values: Array<string | undefined>): void {
    this.secrets.add(...values);
  }

  rememberTokens(t: OAuthTokens | StoredTokens | undefined): void {
    if (t) this.secrets.addPassing(t.access_token, t.refresh_token, t.id_token);
  }

  redact(text: string): string {
    return this.secrets.redact(text);
  }

  log(serverId: string, level: AuthLogLevel, message: string): void {
    try {
      this.o.log(serverId, level, this.redact(sanitizeText(message, 2000)));
    } catch {
      // logging never breaks sign-in
    }
  }

  /** An Error whose message is safe to show and log. */
  safeError(err: Error): Error {
    const message = this.redact(err.message);
    if (message === err.message) return err;
    if (err instanceof SignInError) return new SignInError(err.kind, message, err.oauthError);
    return new Error(message);
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  /**
   * The fetch for every request made on behalf of a server (see auth-http.ts): where it may go
   * depends on where the server is. Secrets in the server's own URL (`?api-key=`…) are registered.
   */
  fetchFor(server: Pick<AuthServerConfig, 'id' | 'url'>): FetchLike {
    this.remember(...urlSecrets(server.url));
    return guardedFetch({
      base: this.o.fetch ?? this.o.networkFetch?.(server),
      serverUrl: server.url,
      timeoutMs: this.httpTimeoutMs,
      debug: (m) => this.log(server.id, 'debug', m),
    });
  }
}
