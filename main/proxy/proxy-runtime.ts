/**
 * Everything one proxy child does, independent of how it was started: listen on the local
 * endpoint, open one upstream session per downstream connection, watch the upstream's health, and
 * report logs, metrics and state to the parent through `emit`.
 */
import type * as net from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import type { LogEvent, LogLevel, ServerCounters } from '../../common/contract';
import { LineSplitter } from '../shared/wire';
import { tokenHash } from '../shared/token-hash';

import { startListener, type AcceptedConnection } from './listener';
import type { ProxyServerConfig, ProxyState, ProxyToParent, UpstreamTarget } from '../shared/fork-protocol';
import type { UpstreamAuth, UpstreamFailure, UpstreamSession } from './upstream';
import { ERR_PARSE, displayUrl } from './upstream-shared';
import { plainProbe } from './plain-probe';

type UpstreamModule = typeof import('./upstream');

export const PROXY_VERSION = '0.1.0';
/** The protocol revisions the health probe speaks: the stateless era first, then the 2025 one. */
const PROBE_MODERN_PROTOCOL = '2026-07-28';
const PROBE_PROTOCOL = '2025-11-25';
const PROBE_ID = 'switchboard-probe';
const PROBE_CLIENT = { name: 'mcp-switchboard-health', version: PROXY_VERSION };

function discoverProbe(): Record<string, unknown> {
  return {
    method: 'server/discover',
    params: {
      _meta: {
        'io.modelcontextprotocol/protocolVersion': PROBE_MODERN_PROTOCOL,
        'io.modelcontextprotocol/clientInfo': PROBE_CLIENT,
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  };
}

function initializeProbe(): Record<string, unknown> {
  return { method: 'initialize', params: { protocolVersion: PROBE_PROTOCOL, capabilities: {}, clientInfo: PROBE_CLIENT } };
}

/** A `server/discover` answer only a 2026-era server gives: its versions, or "unsupported version". */
function isModernAnswer(m: any): boolean {
  if (Array.isArray(m?.result?.supportedVersions)) return true;
  return m?.error?.code === -32022;
}

/** How a 2025-era server refuses a request it does not know before `initialize`. */
function isEraRefusal(f: UpstreamFailure): boolean {
  return f.kind === 'http' && (f.status === 400 || f.status === 404 || f.status === 405 || f.status === 406);
}

export interface ProxyRuntimeOptions {
  server: ProxyServerConfig;
  endpoint: string;
  secret: string;
  /**
   * Sends a message to main. `sent` (when given) is called once the message left this process:
   * log batches wait for it, so a busy main slows the log stream instead of growing a queue here.
   */
  emit(msg: ProxyToParent, sent?: () => void): void;
  /** Log events held while main has not taken the previous batch; beyond it they are counted and dropped. */
  maxPendingLogs?: number;
  /** Access token handed over with the start message, if main already has one. */
  token?: string;
  /** How long a request waits for main to renew a refused token (refresh, or a sign-in). */
  renewTimeoutMs?: number;
  /** Health-retry backoff: first delay and cap, ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a client request may wait for its answer (see UpstreamOptions.requestTimeoutMs). */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

interface Conn {
  id: number;
  socket: net.Socket;
  upstream: UpstreamSession;
  /** Malformed input ended this connection: its error line is out, nothing else is read or written. */
  dropped?: boolean;
}

export class ProxyRuntime {
  private server?: net.Server;
  private readonly conns = new Map<number, Conn>();
  private nextConn = 1;
  private state: ProxyState = 'connecting';
  private readonly counters: ServerCounters = { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 };
  private lastError?: string;
  private metricsTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryAttempt = 0;
  private nextRetryAt?: number;
  private transport?: UpstreamTarget;
  private probing = false;
  /** The upstream's protocol era, once a health check found it. */
  private era?: 'modern' | 'legacy';
  private disposed = false;
  private token?: string;
  private renewing?: Promise<string | undefined>;
  private readonly renewals = new Map<number, (token: string | undefined) => void>();
  private nextRenewal = 1;
  private readonly auth: UpstreamAuth;
  private logBatch: LogEvent[] = [];
  /** A log batch was handed to `emit` and has not left the process yet. */
  private logsInFlight = false;
  /** Log events dropped since the last batch because main could not keep up. */
  private droppedLogs = 0;
  private upstreamModule?: Promise<UpstreamModule>;

  constructor(private readonly opts: ProxyRuntimeOptions) {
    this.transport = opts.server.transport;
    this.token = opts.token;
    this.auth = {
      token: () => this.token,
      renew: (status, wwwAuthenticate) => this.renew(status, wwwAuthenticate),
    };
  }

  // ---- tokens (they only ever arrive over the fork channel) ------------------------------

  /** Main sent a token: an answer to `unauthorized`, or a push after sign-in/refresh/reset. */
  onToken(token: string | undefined, requestId?: number): void {
    this.token = token;
    if (requestId !== undefined) {
      this.renewals.get(requestId)?.(token);
      this.renewals.delete(requestId);
      return;
    }
    if (token && (this.state === 'needs-sign-in' || this.state === 'connecting' || this.state === 'retrying')) {
      this.log('info', 'Received a new access token; checking the server again');
      void this.probe();
    } else if (!token && this.state === 'ready') {
      this.setState('needs-sign-in', `Signed out of ${this.opts.server.name}`);
    }
  }

  /** One renewal at a time: concurrent 401s from many sessions share it. */
  private renew(status: number, wwwAuthenticate?: string): Promise<string | undefined> {
    if (this.renewing) return this.renewing;
    const requestId = this.nextRenewal++;
    const refused = this.token;
    this.renewing = new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(
        () => {
          this.renewals.delete(requestId);
          resolve(undefined);
        },
        this.opts.renewTimeoutMs ?? 6 * 60_000,
      );
      this.renewals.set(requestId, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
      this.opts.emit({
        type: 'unauthorized',
        requestId,
        status,
        wwwAuthenticate,
        tokenHash: refused ? tokenHash(refused) : undefined,
      });
    }).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  async start(): Promise<void> {
    this.server = await startListener({
      endpoint: this.opts.endpoint,
      secret: this.opts.secret,
      serverId: this.opts.server.id,
      onConnection: (c) => this.accept(c),
      onRejected: (reason) => this.log('warn', `Refused a local connection: ${reason}`),
    });
    this.opts.emit({ type: 'listening', endpoint: this.opts.endpoint });
    this.log('info', `Listening for clients; upstream ${displayUrl(this.opts.server.url)}`);
    this.setState('connecting', `Checking ${displayUrl(this.opts.server.url)}`);
    void this.probe();
  }

  // ---- downstream connections -------------------------------------------------------------

  /**
   * The SDK (and everything the upstream sessions need) loads on first use: an idle proxy, whose
   * health check is plain HTTP (plain-probe.ts), stays close to a bare Node process in memory.
   */
  private loadUpstream(): Promise<UpstreamModule> {
    this.upstreamModule ??= import('./upstream');
    return this.upstreamModule;
  }

  private accept(conn: AcceptedConnection): void {
    // Hold the client's bytes until the upstream code is loaded (only the first time).
    conn.socket.pause();
    this.loadUpstream().then(
      (mod) => {
        this.acceptLoaded(mod, conn);
        conn.socket.resume();
      },
      (err: Error) => {
        this.log('error', `Cannot load the upstream client: ${err.message}`);
        conn.socket.destroy();
      },
    );
  }

  private acceptLoaded({ UpstreamSession }: UpstreamModule, { socket, rest, client }: AcceptedConnection): void {
    const id = this.nextConn++;
    const upstream = new UpstreamSession(
      {
        url: this.opts.server.url,
        serverName: this.opts.server.name,
        headers: this.opts.server.headers,
        preferred: this.transport,
        retryHint: () => (this.nextRetryAt ? (this.nextRetryAt - Date.now()) / 1000 : undefined),
        fetch: this.opts.fetch,
        auth: this.auth,
        requestTimeoutMs: this.opts.requestTimeoutMs,
      },
      {
        toClient: (m, text) => {
          if (!socket.destroyed && !socket.writableEnded) socket.write((text ?? JSON.stringify(m)) + '\n');
        },
        onRequest: (method, reqId, size) => {
          this.counters.requests++;
          this.traffic('debug', id, `→ ${method}`, { method, id: reqId, direction: 'client-to-server', size });
          this.bumpMetrics();
        },
        onResponse: (method, reqId, durationMs, size, error) => {
          if (error) {
            this.counters.errors++;
            this.lastError = error;
          }
          this.traffic(error ? 'warn' : 'info', id, error ? `${method} failed: ${error}` : `${method} ok`, {
            method,
            id: reqId,
            direction: 'server-to-client',
            durationMs: Math.round(durationMs * 10) / 10,
            size,
          });
          this.bumpMetrics();
        },
        onNotification: (method, direction, size) => this.traffic('debug', id, method, { method, direction, size }),
        onUpstreamOk: () => this.upstreamOk(),
        onUpstreamFailure: (f) => this.upstreamFailed(f),
        onTransport: (t) => this.rememberTransport(t),
        log: (level, message) => this.log(level, message, id),
      },
    );
    const conn: Conn = { id, socket, upstream };
    this.conns.set(id, conn);
    this.counters.connections++;
    this.counters.connectionsTotal++;
    this.bumpMetrics();
    this.log('info', `Client connected${client ? ` (${client})` : ''}`, id);

    const splitter = new LineSplitter(
      (line) => this.fromClient(conn, line),
      (bytes) => this.dropClient(conn, `sent a message larger than the limit (${bytes} bytes)`),
    );
    // A dropped connection is still read (and discarded) until it closes: closing a socket with
    // unread bytes makes the peer's read fail with ECONNRESET, and the error line could be lost.
    socket.on('data', (chunk: Buffer) => {
      if (!conn.dropped) splitter.push(chunk);
    });
    socket.on('error', (err) => this.log('debug', `Client socket error: ${err.message}`, id));
    socket.on('close', () => void this.closeConn(conn));
    if (rest.length) splitter.push(rest);
  }

  private fromClient(conn: Conn, line: string): void {
    if (conn.dropped) return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return this.dropClient(conn, 'sent bytes that are not JSON');
    }
    const valid = (m: any) => m && typeof m === 'object' && !Array.isArray(m) && m.jsonrpc === '2.0';
    if (!(Array.isArray(msg) ? msg.length > 0 && msg.every(valid) : valid(msg))) {
      return this.dropClient(conn, 'sent a message that is not JSON-RPC 2.0');
    }
    void conn.upstream.fromClient(msg as JSONRPCMessage | JSONRPCMessage[], line.length, line);
  }

  /** Malformed input closes only that connection, with a parse error and a log line. */
  private dropClient(conn: Conn, why: string): void {
    if (conn.dropped || conn.socket.destroyed) return;
    conn.dropped = true;
    this.counters.errors++;
    this.lastError = `A client ${why}`;
    this.log('warn', `Closing the connection: the client ${why}`, conn.id);
    const err = { jsonrpc: '2.0', id: null, error: { code: ERR_PARSE, message: `MCP Switchboard: the client ${why}; closing this connection.` } };
    conn.socket.end(JSON.stringify(err) + '\n');
    setTimeout(() => conn.socket.destroy(), 500).unref();
    this.bumpMetrics();
  }

  private async closeConn(conn: Conn): Promise<void> {
    if (!this.conns.delete(conn.id)) return;
    this.counters.connections--;
    this.bumpMetrics();
    this.log('info', 'Client disconnected', conn.id);
    await conn.upstream.close();
  }

  // ---- health --------------------------------------------------------------------------

  /**
   * One round trip tells reachability, auth and transport. Both protocol eras are spoken: first a
   * 2026-07-28 `server/discover` (SEP-2575; a server of that era has no `initialize`), and when
   * the answer is not a modern one, the 2025 `initialize` (then DELETE). The era found is
   * remembered, so later checks take one round trip.
   */
  private async probe(): Promise<void> {
    if (this.disposed || this.probing) return;
    this.probing = true;
    this.clearRetry();
    let outcome: 'ok' | UpstreamFailure | undefined;
    // A server that works over the old HTTP+SSE transport is of the 2025 era.
    if (this.transport?.kind === 'sse') this.era = 'legacy';
    if (this.era !== 'legacy') {
      const r = await this.probeWith(discoverProbe(), true);
      if (r.outcome === 'ok' && isModernAnswer(r.answer)) {
        this.era = 'modern';
        outcome = 'ok';
      } else if (r.outcome !== 'ok' && r.outcome && !isEraRefusal(r.outcome)) {
        outcome = r.outcome; // auth, network, 5xx: the same whatever the era
      } else if (this.era === 'modern') {
        outcome = r.outcome;
      }
    }
    if (!outcome && !this.disposed) {
      const r = await this.probeWith(initializeProbe());
      outcome = r.outcome;
      if (r.outcome === 'ok' && r.answer?.result) this.era = 'legacy';
    }
    this.probing = false;
    if (this.disposed) return;
    if (outcome === 'ok') this.upstreamOk();
    else if (outcome) this.upstreamFailed(outcome);
  }

  /** Sends one probe request on a throw-away upstream session; resolves with what came back. */
  private async probeWith(request: Record<string, unknown>, singleTransport = false): Promise<{ outcome?: 'ok' | UpstreamFailure; answer?: any }> {
    let outcome: 'ok' | UpstreamFailure | undefined;
    let answer: any;
    // Plain HTTP first: it answers for Streamable HTTP servers without loading the SDK.
    if (this.transport?.kind !== 'sse') {
      const plain = await plainProbe({
        url: this.transport?.url ?? this.opts.server.url,
        serverName: this.opts.server.name,
        headers: this.opts.server.headers,
        request: { jsonrpc: '2.0', id: PROBE_ID, ...request },
        auth: this.auth,
        singleTransport,
      });
      if (plain !== 'use-sdk') {
        if (plain.outcome === 'ok') this.rememberTransport({ kind: 'streamable-http', url: this.transport?.url ?? this.opts.server.url });
        return plain;
      }
    }
    const { UpstreamSession } = await this.loadUpstream();
    let finish: (() => void) | undefined;
    const done = new Promise<void>((resolve) => {
      const session = new UpstreamSession(
        {
          url: this.opts.server.url,
          serverName: this.opts.server.name,
          headers: this.opts.server.headers,
          preferred: this.transport,
          fetch: this.opts.fetch,
          auth: this.auth,
          singleTransport,
        },
        {
          toClient: (m: any) => {
            if (m && m.id === PROBE_ID) {
              if (!(m.error && m.error.data?.source === 'mcp-switchboard')) {
                outcome ??= 'ok';
                answer = m;
              }
              resolve();
            }
          },
          onUpstreamFailure: (f) => {
            outcome = f;
          },
          onTransport: (t) => this.rememberTransport(t),
          log: (level, message) => this.log(level === 'info' ? 'debug' : level, `Health check: ${message}`),
        },
      );
      const timer = setTimeout(() => {
        outcome ??= { kind: 'network', message: `Upstream ${displayUrl(this.opts.server.url)} did not answer within 20 s` };
        resolve();
      }, 20_000);
      void session.fromClient({ jsonrpc: '2.0', id: PROBE_ID, ...request } as JSONRPCMessage).finally(() => {
        if (outcome) resolve();
      });
      finish = () => {
        clearTimeout(timer);
        void session.close();
      };
    });
    await done;
    finish?.();
    return { outcome, answer };
  }

  private upstreamOk(): void {
    this.retryAttempt = 0;
    this.clearRetry();
    if (this.state !== 'ready') {
      this.setState('ready', `Connected to ${displayUrl(this.opts.server.url)}`);
      this.log('info', 'Upstream is reachable');
    }
  }

  private upstreamFailed(f: UpstreamFailure): void {
    this.lastError = f.message;
    this.bumpMetrics();
    if (f.kind === 'auth') {
      this.clearRetry();
      if (this.state !== 'needs-sign-in') {
        this.setState('needs-sign-in', `${f.message}: sign in to ${this.opts.server.name}`);
        this.log('warn', f.message);
      }
      return;
    }
    // A 4xx other than auth concerns one request, not the server's health.
    const transient = f.kind === 'network' || f.kind === 'protocol' || (f.status !== undefined && (f.status >= 500 || f.status === 429 || f.status === 404));
    if (!transient) {
      // The server answered (e.g. 400 to an initialize it does not speak): it is reachable.
      if (this.state === 'connecting') this.upstreamOk();
      return;
    }
    if (this.retryTimer) return; // a retry is already scheduled
    const base = this.opts.retryBaseMs ?? 1000;
    const max = this.opts.retryMaxMs ?? 60_000;
    let delay = Math.min(max, base * 2 ** this.retryAttempt) * (0.8 + Math.random() * 0.4);
    // The server said when to come back: not sooner than that, but never later than the cap.
    if (f.retryAfterS !== undefined) delay = Math.min(max, Math.max(delay, f.retryAfterS * 1000));
    this.retryAttempt++;
    this.nextRetryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.probe();
    }, delay);
    this.retryTimer.unref();
    this.setState('retrying', `${f.message}; retrying in ${Math.max(1, Math.round(delay / 1000))} s`, this.nextRetryAt);
    this.log('warn', `${f.message}; next check in ${Math.round(delay / 100) / 10} s`);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.nextRetryAt = undefined;
  }

  private rememberTransport(t: UpstreamTarget): void {
    if (this.transport?.kind === t.kind && this.transport.url === t.url) return;
    this.transport = t;
    this.opts.emit({ type: 'transport', transport: t });
  }

  // ---- reporting -----------------------------------------------------------------------

  private setState(state: ProxyState, detail?: string, nextRetryAt?: number): void {
    this.state = state;
    this.opts.emit({ type: 'state', state, detail, nextRetryAt });
  }

  private log(level: LogLevel, message: string, connection?: number): void {
    const event: LogEvent = { ts: Date.now(), level, server: this.opts.server.id, message };
    if (connection !== undefined) event.connection = connection;
    this.queueLog(event);
  }

  private traffic(level: LogLevel, connection: number, message: string, extra: Partial<LogEvent>): void {
    this.queueLog({ ts: Date.now(), level, server: this.opts.server.id, connection, message, ...extra });
  }

  /**
   * Log events go to main in batches: one IPC message per tick, not one per event, and one batch in
   * flight at a time. Node's IPC channel queues without limit when the reader is slower than the
   * writer, so under sustained load a busy main would otherwise grow this process's memory for as
   * long as the load lasts; instead events wait here, bounded, and the overflow is counted and
   * reported in one line.
   */
  private queueLog(event: LogEvent): void {
    if (this.logBatch.length >= (this.opts.maxPendingLogs ?? 20_000)) {
      this.droppedLogs++;
      return;
    }
    this.logBatch.push(event);
    if (this.logBatch.length === 1 && !this.logsInFlight) setImmediate(() => this.flushLogs());
  }

  private flushLogs(): void {
    if (this.logsInFlight || (!this.logBatch.length && !this.droppedLogs)) return;
    const events = this.logBatch;
    this.logBatch = [];
    if (this.droppedLogs) {
      events.push({
        ts: Date.now(),
        level: 'warn',
        server: this.opts.server.id,
        message: `${this.droppedLogs} log line${this.droppedLogs === 1 ? ' was' : 's were'} dropped: the app could not keep up with this server's traffic`,
      });
      this.droppedLogs = 0;
    }
    this.logsInFlight = true;
    this.opts.emit({ type: 'logs', events }, () => {
      this.logsInFlight = false;
      if (this.logBatch.length || this.droppedLogs) setImmediate(() => this.flushLogs());
    });
  }

  private bumpMetrics(): void {
    if (this.metricsTimer) return;
    this.metricsTimer = setTimeout(() => {
      this.metricsTimer = undefined;
      this.opts.emit({ type: 'metrics', counters: { ...this.counters }, lastError: this.lastError });
    }, 100);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.clearRetry();
    // Last words: sent even while a batch is in flight (the channel keeps their order).
    this.logsInFlight = false;
    this.flushLogs();
    for (const resolve of this.renewals.values()) resolve(undefined);
    this.renewals.clear();
    if (this.metricsTimer) clearTimeout(this.metricsTimer);
    this.opts.emit({ type: 'metrics', counters: { ...this.counters }, lastError: this.lastError });
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    await Promise.all(
      [...this.conns.values()].map(async (c) => {
        await c.upstream.close();
        c.socket.destroy();
      }),
    );
  }
}
