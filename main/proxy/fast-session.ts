/**
 * A 2025-era Streamable HTTP session opened and run without the SDK (upstream-transport.ts opens
 * it with the client's `initialize` over fast-post.ts): it keeps the session id and protocol
 * version, reads the session's standalone event stream (GET) and ends the session (DELETE).
 * Whatever the fast path hands back ('fallback': 401, 403, 405) goes out through an SDK transport
 * bound to this same session, made on first need (`send`), so sign-in renewal and the SDK's own
 * handling of those answers stay as they were. A cold start so never waits for the SDK to load.
 */
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { JsonRpcMessage } from '../shared/mcp-http';
import type { UpstreamTarget } from '../shared/fork-protocol';
import type { NetworkConfig } from '../shared/net/network-config';
import { FastPostHttpError, fastDelete, fastListen } from './fast-post';

type SendOptions = Parameters<StreamableHTTPClientTransport['send']>[1];

/** Consecutive failures to (re)open the event stream before the session goes on without it. */
const LISTEN_RETRIES = 3;
const LISTEN_DELAY_MS = 1000;
const LISTEN_MAX_DELAY_MS = 30_000;

export interface FastSessionEnv {
  url(): URL;
  network?: NetworkConfig;
  /** Headers of every request on the session: the server's own, the bearer token, session id, version. */
  headers(sessionId: string | undefined, protocolVersion: string | undefined): Record<string, string>;
  onMessage(m: JsonRpcMessage, t: FastSession): void;
  log(level: 'debug' | 'info' | 'warn', message: string): void;
  /** An SDK transport on this session (loads the SDK); what it hears is this session's. */
  delegate(session: FastSession): StreamableHTTPClientTransport;
  /** A new token after the event stream was refused with 401; undefined: none to be had. */
  renew?(): Promise<string | undefined>;
}

export class FastSession {
  sessionId?: string;
  protocolVersion?: string;
  private sdk?: Promise<StreamableHTTPClientTransport>;
  private readonly stop = new AbortController();
  private listening = false;
  private lastEventId?: string;
  private closed = false;

  constructor(
    readonly target: UpstreamTarget,
    private readonly env: FastSessionEnv,
  ) {}

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    void this.sdk?.then((t) => t.setProtocolVersion(version));
  }

  /** Sends through the SDK transport of this session (what the fast path handed back). */
  async send(message: Parameters<StreamableHTTPClientTransport['send']>[0], options?: SendOptions): Promise<void> {
    // The SDK transport opens the event stream itself after sending `initialized`.
    if (!Array.isArray(message) && 'method' in message && message.method === 'notifications/initialized') this.listening = true;
    this.sdk ??= (async () => {
      const t = this.env.delegate(this);
      await t.start();
      return t;
    })();
    const t = await this.sdk;
    try {
      return await t.send(message, options);
    } finally {
      // An answer through the SDK may have set the session (an initialize the fast open handed over).
      if (t.sessionId && t.sessionId !== this.sessionId) this.sessionId = t.sessionId;
    }
  }

  /** Opens the standalone event stream, once, after the client's `notifications/initialized` went out. */
  listen(): void {
    if (this.listening || this.closed) return;
    this.listening = true;
    this.connect(0, false);
  }

  private connect(failures: number, renewed: boolean): void {
    if (this.closed) return;
    let heard = false;
    fastListen({
      url: this.env.url(),
      network: this.env.network,
      signal: this.stop.signal,
      lastEventId: this.lastEventId,
      headers: this.env.headers(this.sessionId, this.protocolVersion),
      onMessage: (m) => {
        heard = true;
        this.env.onMessage(m, this);
      },
      onResume: (id, retryMs) => {
        this.lastEventId = id;
        this.again(heard ? 0 : failures + 1, retryMs, 'the event stream ended');
      },
      onLost: (reason) => this.again(heard ? 0 : failures + 1, undefined, reason),
    }).then(
      async (r) => {
        if (r !== 'fallback') return;
        const token = renewed || !this.env.renew ? undefined : await this.env.renew().catch(() => undefined);
        if (token) return this.connect(failures, true);
        this.env.log('warn', 'The server refused its event stream (sign-in): notifications outside a call will not arrive');
      },
      (err: unknown) => {
        if (this.closed) return;
        const status = err instanceof FastPostHttpError ? err.status : undefined;
        if (status === 404 || status === 405 || status === 406) {
          this.env.log('debug', `Upstream offers no standalone event stream (${status})`);
          return;
        }
        const retryS = err instanceof FastPostHttpError ? err.retryAfterS : undefined;
        this.again(failures + 1, retryS === undefined ? undefined : retryS * 1000, (err as Error)?.message ?? String(err));
      },
    );
  }

  private again(failures: number, delayMs: number | undefined, reason: string): void {
    if (this.closed) return;
    if (failures > LISTEN_RETRIES) {
      this.env.log('warn', `Upstream event stream: ${reason}; not reopened after ${LISTEN_RETRIES} tries`);
      return;
    }
    const wait = Math.min(delayMs ?? LISTEN_DELAY_MS * 1.5 ** Math.max(0, failures - 1), LISTEN_MAX_DELAY_MS);
    setTimeout(() => this.connect(failures, false), wait).unref();
  }

  /** DELETE of the session (the server forgets it); refused or failed, it ends anyway. */
  async terminateSession(): Promise<void> {
    if (!this.sessionId) return;
    const headers = this.env.headers(this.sessionId, this.protocolVersion);
    const r = await fastDelete({ url: this.env.url(), network: this.env.network, headers, onMessage: () => {}, onResume: () => {}, onLost: () => {} });
    if (r === 'fallback' && this.sdk) await (await this.sdk).terminateSession();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop.abort();
    if (this.sdk) await (await this.sdk).close();
  }
}
