/**
 * Everything one proxy child does, independent of how it was started: listen on the local
 * endpoint, give every downstream connection its own upstream session (its message path), watch
 * the upstream's health, and report logs, metrics and state to the parent through `emit`.
 */
import type { ElicitationAnswer, ProxyServerConfig, ProxyToParent } from '../shared/fork-protocol';
import type { PolicySnapshot } from '../shared/tool-policy';
import type { LogLevel } from '../../common/contract';
import { ClientConnection } from './client-connection';
import { UpstreamHealth } from './health-check';
import { startListener, type AcceptedConnection } from './listener';
import { systemClock, type Clock } from '../shared/clock';
import { RetryBudget } from './message-path/retry-budget';
import { DEFAULT_RETRY_BUDGET_MS } from './message-path/retry-policy';
import { ToolHints } from './message-path/tool-hints';
import { ToolPolicy } from './message-path/tool-policy-stage';
import { ParentReporter } from './parent-reporter';
import { TokenRenewal } from './token-renewal';
import { UserQuestions } from './user-questions';
import { displayUrl } from './upstream-shared';
import type { UpstreamSession } from './upstream';
import type * as net from 'node:net';

/** A proxy started for a client checks the server this long after it listens, unless that client's session showed it works. */
const WARM_FIRST_CHECK_MS = 2000;

type UpstreamModule = typeof import('./upstream');

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
  /** Time for retry backoff (tests pass a fake one). */
  clock?: Clock;
  /** The tool policy from the start message; absent: definitions pass unfiltered until a `policy` comes. */
  policy?: PolicySnapshot;
  /** Started on demand for a client about to connect: load the upstream code right after listening. */
  warm?: boolean;
  /** This process runs for this one server (the proxy child): see UpstreamOptions.processWideNetwork. */
  processWideNetwork?: boolean;
}

interface Conn {
  id: number;
  client: ClientConnection;
  upstream: UpstreamSession;
}

export class ProxyRuntime {
  private server?: net.Server;
  private readonly conns = new Map<number, Conn>();
  /** Local sockets open, from accept (before the handshake) to close: an idle stop waits for none. */
  private openSockets = 0;
  private nextConn = 1;
  private disposed = false;
  private readonly reporter: ParentReporter;
  private readonly auth: TokenRenewal;
  private readonly health: UpstreamHealth;
  private readonly questions: UserQuestions;
  private upstreamModule?: Promise<UpstreamModule>;
  /** Connections whose upstream session is ending (DELETE under way): a shutdown waits for them. */
  private readonly closing = new Set<Promise<void>>();
  /** Shared by every client of this server: the retry budget, and what its tools say of themselves. */
  private readonly retryBudget = new RetryBudget();
  private readonly toolHints = new ToolHints();
  /** The host's tool policy, applied on every connection. */
  private readonly policy: ToolPolicy;

  constructor(private readonly opts: ProxyRuntimeOptions) {
    this.reporter = new ParentReporter(opts.server.id, opts.emit, opts.maxPendingLogs);
    this.auth = new TokenRenewal(opts.token, (msg) => opts.emit(msg), opts.renewTimeoutMs);
    this.policy = new ToolPolicy(opts.policy, opts.server.name, (msg) => opts.emit(msg));
    this.questions = new UserQuestions((msg) => opts.emit(msg));
    this.health = new UpstreamHealth({
      server: opts.server,
      auth: this.auth,
      reporter: this.reporter,
      loadUpstream: () => this.loadUpstream(),
      fetch: opts.fetch,
      processWideNetwork: opts.processWideNetwork,
      retryBaseMs: opts.retryBaseMs,
      retryMaxMs: opts.retryMaxMs,
    });
  }

  /** Main sent a token: an answer to `unauthorized`, or a push after sign-in/refresh/reset. */
  onToken(token: string | undefined, requestId?: number): void {
    if (!this.auth.receive(token, requestId)) this.health.onToken(token);
  }

  /** The host changed the tool policy. */
  onPolicy(policy: PolicySnapshot): void {
    this.policy.set(policy);
  }

  /** Main's answer to a question a server put to the user (`elicit`). */
  onElicitAnswer(requestId: number, answer: ElicitationAnswer): void {
    this.questions.receive(requestId, answer);
  }

  async start(): Promise<void> {
    this.server = await startListener({
      endpoint: this.opts.endpoint,
      secret: this.opts.secret,
      serverId: this.opts.server.id,
      onConnection: (c) => this.accept(c),
      onRejected: (reason) => this.log('warn', `Refused a local connection: ${reason}`),
    });
    this.server.on('connection', (socket: net.Socket) => {
      this.openSockets++;
      socket.once('close', () => this.openSockets--);
    });
    this.opts.emit({ type: 'listening', endpoint: this.opts.endpoint });
    this.log('info', `Listening for clients; upstream ${displayUrl(this.opts.server.url)}`);
    // Started for a client: its handshake goes first, the check follows (its state is that handshake's meanwhile).
    this.health.start(this.opts.warm ? WARM_FIRST_CHECK_MS : 0);
    // The client that asked for this proxy connects within milliseconds: its upstream code loads meanwhile.
    if (this.opts.warm) setImmediate(() => void this.loadUpstream().catch(() => undefined));
  }

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

  private acceptLoaded({ UpstreamSession }: UpstreamModule, { socket, rest, client: name, install }: AcceptedConnection): void {
    const id = this.nextConn++;
    const { reporter, health } = this;
    const upstream = new UpstreamSession(
      {
        url: this.opts.server.url,
        serverName: this.opts.server.name,
        headers: this.opts.server.headers,
        preferred: health.transport,
        fetch: this.opts.fetch,
        network: this.opts.server.network,
        processWideNetwork: this.opts.processWideNetwork,
        auth: this.auth,
        requestTimeoutMs: this.opts.requestTimeoutMs,
        recovery: {
          budgetMs: this.opts.server.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS,
          budget: this.retryBudget,
          hints: this.toolHints,
          clock: this.opts.clock ?? systemClock,
          onSaved: () => reporter.recovered('saved'),
          onLost: () => reporter.recovered('lost'),
        },
        policy: { shared: this.policy, install },
        upstreamEra: () => health.knownEra(),
        askUser: this.standInsFor(install) ? (ask) => this.questions.ask(ask) : undefined,
      },
      {
        // (Nothing comes back before the client sent something: `client` exists by then.)
        toClient: (m, text) => client.write(text ?? JSON.stringify(m)),
        onRequest: (method, reqId, size) => {
          reporter.counters.requests++;
          reporter.traffic('debug', id, `→ ${method}`, { method, id: reqId, direction: 'client-to-server', size });
          reporter.bumpMetrics();
        },
        onResponse: (method, reqId, durationMs, size, error) => {
          if (error) reporter.error(error);
          reporter.traffic(error ? 'warn' : 'info', id, error ? `${method} failed: ${error}` : `${method} ok`, {
            method,
            id: reqId,
            direction: 'server-to-client',
            durationMs: Math.round(durationMs * 10) / 10,
            size,
          });
          reporter.bumpMetrics();
        },
        onNotification: (method, direction, size) => reporter.traffic('debug', id, method, { method, direction, size }),
        onUpstreamOk: () => health.ok(),
        onUpstreamFailure: (f) => health.failed(f),
        onTransport: (t) => health.rememberTransport(t),
        onProtocol: (p) => reporter.protocol(p),
        log: (level, message) => this.log(level, message, id),
      },
    );
    reporter.counters.connections++;
    reporter.counters.connectionsTotal++;
    reporter.bumpMetrics();
    this.log('info', `Client connected${name ? ` (${name}${install ? `, ${install} entry` : ''})` : ''}`, id);
    const client = new ClientConnection(socket, rest, {
      onMessage: (message, line) => void upstream.fromClient(message, line.length, line),
      onDropped: (why) => {
        reporter.error(`A client ${why}`);
        this.log('warn', `Closing the connection: the client ${why}`, id);
        reporter.bumpMetrics();
      },
      onSocketError: (err) => this.log('debug', `Client socket error: ${err.message}`, id),
      onClose: () => void this.closeConn(id),
    });
    this.conns.set(id, { id, client, upstream });
  }

  /** Whether this connection's client gets the stand-ins: on for the server and not turned off for its install. */
  private standInsFor(install: string | undefined): boolean {
    const { standIns, standInsOffFor } = this.opts.server;
    return standIns !== false && !(install && standInsOffFor?.includes(install));
  }

  private closeConn(id: number): Promise<void> {
    const conn = this.conns.get(id);
    if (!conn || !this.conns.delete(id)) return Promise.resolve();
    this.reporter.counters.connections--;
    this.reporter.bumpMetrics();
    this.log('info', 'Client disconnected', id);
    // The client left: the upstream session ends now (cancellations, DELETE), and a shutdown that
    // comes meanwhile (`connect` exits as soon as its client does) waits for it.
    const done = conn.upstream.close().finally(() => this.closing.delete(done));
    this.closing.add(done);
    return done;
  }

  /**
   * The host's idle time passed: when no socket is open (client, handshake, or a leaving client's
   * session still ending), close the endpoint now, in this same turn, so that no connection can
   * arrive after the decision, and say so (the caller then shuts down). Otherwise keep running.
   */
  stopIfIdle(): { stopping: boolean; connections: number } {
    const connections = Math.max(this.openSockets, this.conns.size) + this.closing.size;
    if (this.disposed || connections > 0 || !this.server) return { stopping: false, connections };
    this.server.close();
    this.log('info', 'No client for the idle time: stopping until a client connects');
    return { stopping: true, connections: 0 };
  }

  private log(level: LogLevel, message: string, connection?: number): void {
    this.reporter.log(level, message, connection);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.health.dispose();
    this.reporter.flushAll();
    this.auth.dispose();
    this.questions.dispose();
    await new Promise<void>((r) => (this.server?.listening ? this.server.close(() => r()) : r()));
    await Promise.all([
      ...[...this.conns.values()].map(async (c) => {
        await c.upstream.close();
        c.client.socket.destroy();
      }),
      ...this.closing,
    ]);
  }
}
