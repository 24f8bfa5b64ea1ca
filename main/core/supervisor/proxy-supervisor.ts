/**
 * Runs one proxy child per enabled server: spawn through the ChildLauncher port, hand it its
 * config over the fork channel, restart it after a crash with exponential backoff and jitter,
 * give up after a crash loop (status `error` with the last reason), stop it gracefully (then
 * SIGKILL after a timeout). One server's failure never touches another's handle.
 */
import type { ChildProcess } from 'node:child_process';
import type { LogEvent, ServerStatus } from '../../../common/contract';
import type { ProtocolEra } from '../../../common/protocol-versions';
import type { ElicitationAnswer, ElicitationAsk, ProxyServerConfig, ProxyToParent, UpstreamTarget } from '../../shared/fork-protocol';
import type { ClientHello, DefinitionKind, PolicySnapshot } from '../../shared/tool-policy';
import type { ChildLauncher, Clock } from '../ports';
import { systemClock } from '../ports';
import { initialStatus, reduceStatus, type StatusEvent } from './status';

export interface SupervisorOptions {
  launcher: ChildLauncher;
  proxyScript: string;
  /**
   * Where proxies keep V8's compiled code between starts (a folder of the private data directory,
   * never a shared temporary one; the proxy turns it on itself, after making what it creates
   * private): an on-demand start compiles the upstream code once, not at every first client.
   */
  codeCacheDir?: string;
  secret: string;
  endpointFor(serverId: string): string;
  onLog(event: LogEvent): void;
  onTransport?(serverId: string, transport: UpstreamTarget): void;
  /** The protocol era the server speaks, to remember for next time (like the transport). */
  onProtocolEra?(serverId: string, era: ProtocolEra): void;
  /** A server asks the user something its client cannot ask: resolves with the user's answer. */
  onElicit?(serverId: string, ask: ElicitationAsk): Promise<ElicitationAnswer>;
  /** What the server says about itself (serverInfo), after a health check got an answer. */
  onServerInfo?(serverId: string, info: { name?: string; title?: string; version?: string }): void;
  /** The access token to hand a starting proxy (over the fork channel), if any. */
  tokenFor?(serverId: string): Promise<string | undefined>;
  /** A proxy's token was refused: renew it (refresh, or sign in) and return the new one. */
  onUnauthorized?(serverId: string, info: { status: number; wwwAuthenticate?: string; tokenHash?: string }): Promise<string | undefined>;
  /** The tool policy a starting proxy gets with its config (main/core/tool-policy). */
  policyFor?(serverId: string): PolicySnapshot | undefined;
  /** A proxy reported a complete listing of one kind (whole definitions). */
  onDefinitions?(serverId: string, kind: DefinitionKind, items: Record<string, unknown>[]): void;
  /** A proxy's client said who it is, or got its tools/list answer. */
  onClientHello?(serverId: string, hello: ClientHello): void;
  clock?: Clock;
  /** Backoff after a crash: base * 2^n, capped, ±20 % jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** This many crashes within `crashWindowMs` stop the restarts. */
  crashLoopCount?: number;
  crashWindowMs?: number;
  /** Graceful stop before SIGKILL. */
  stopTimeoutMs?: number;
  random?: () => number;
}

interface Handle {
  config: ProxyServerConfig;
  child?: ChildProcess;
  status: ServerStatus;
  crashes: number[];
  restartTimer?: { cancel(): void };
  stopping?: Promise<void>;
  wanted: boolean;
  /** No proxy runs on purpose until a client connects (on demand: never started, or stopped for idle). */
  parked?: boolean;
  /** Started for a client about to connect (the next spawn warms up; restarts do not). */
  forClient?: boolean;
  stderrTail: string[];
  fatal?: string;
}

export class ProxySupervisor {
  private readonly handles = new Map<string, Handle>();
  private readonly listeners = new Set<(status: ServerStatus) => void>();
  private readonly clock: Clock;
  private disposed = false;
  /** The statuses' revision: one count for every server, so a server removed and added again never goes back. */
  private rev = 0;

  constructor(private readonly opts: SupervisorOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  status(serverId: string): ServerStatus | undefined {
    return this.handles.get(serverId)?.status;
  }

  /** The servers this supervisor has a handle for (running, restarting, stopped or failed). */
  ids(): string[] {
    return [...this.handles.keys()];
  }

  /** Whether the server waits, with no proxy, for a client's first connection (state `idle`). */
  isParked(serverId: string): boolean {
    return this.handles.get(serverId)?.parked === true;
  }

  /** Whether the server's proxy is meant to run (started and not stopped since). */
  isWanted(serverId: string): boolean {
    return this.handles.get(serverId)?.wanted === true;
  }

  statuses(): ServerStatus[] {
    return [...this.handles.values()].map((h) => h.status);
  }

  onDidChangeStatus(listener: (status: ServerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts (or, with a changed config, restarts) the proxy of one server. `forClient`: a client is
   * about to connect (on demand), so the proxy loads its upstream code at once instead of at that
   * connection.
   */
  async start(config: ProxyServerConfig, opts: { forClient?: boolean } = {}): Promise<void> {
    if (this.disposed) return;
    const existing = this.handles.get(config.id);
    if (existing?.child && existing.wanted && JSON.stringify(existing.config) === JSON.stringify(config)) return;
    if (existing) await this.stopHandle(existing);
    const h: Handle = existing ?? {
      config,
      status: initialStatus(config.id, this.clock.now()),
      crashes: [],
      wanted: true,
      stderrTail: [],
    };
    h.config = config;
    h.wanted = true;
    h.parked = false;
    h.forClient = opts.forClient;
    h.crashes = [];
    this.handles.set(config.id, h);
    this.spawn(h);
  }

  /**
   * Keeps the server ready to start on demand, with no proxy running (state `idle`): a running
   * proxy is stopped gracefully first. `start` (a client's first connection) runs it.
   */
  async park(config: ProxyServerConfig): Promise<void> {
    if (this.disposed) return;
    const existing = this.handles.get(config.id);
    if (existing) await this.stopHandle(existing);
    const h: Handle = existing ?? { config, status: initialStatus(config.id, this.clock.now()), crashes: [], wanted: false, stderrTail: [] };
    h.config = config;
    h.wanted = false;
    h.parked = true;
    h.crashes = [];
    this.handles.set(config.id, h);
    this.apply(h, { type: 'parked' });
  }

  /** The idle time passed with no client: ask the proxy to stop unless a connection is open (it decides). */
  stopIfIdle(serverId: string): void {
    const h = this.handles.get(serverId);
    const child = h?.child;
    if (h?.wanted && child?.connected) child.send({ type: 'stop-if-idle' }, () => {});
  }

  /** What the host found checking a server that has no proxy (only a parked one takes it). */
  applyCheck(serverId: string, ev: Extract<StatusEvent, { type: 'checked' }>): void {
    const h = this.handles.get(serverId);
    if (h?.parked && !h.child) this.apply(h, ev);
  }

  async stop(serverId: string): Promise<void> {
    const h = this.handles.get(serverId);
    if (!h) return;
    await this.stopHandle(h);
    h.parked = false;
    this.apply(h, { type: 'stopped' });
  }

  /** Stops and forgets a server (removed by the user). */
  async remove(serverId: string): Promise<void> {
    await this.stop(serverId);
    this.handles.delete(serverId);
  }

  async restart(serverId: string): Promise<void> {
    const h = this.handles.get(serverId);
    if (!h) throw new Error(`No proxy for "${serverId}"`);
    await this.stopHandle(h);
    h.wanted = true;
    h.parked = false;
    h.crashes = [];
    this.spawn(h);
  }

  /** Pid of the running child, for tests and diagnostics. */
  pid(serverId: string): number | undefined {
    return this.handles.get(serverId)?.child?.pid;
  }

  private spawn(h: Handle): void {
    if (this.disposed || !h.wanted) return;
    h.restartTimer?.cancel();
    h.restartTimer = undefined;
    h.stderrTail = [];
    h.fatal = undefined;
    let child: ChildProcess;
    try {
      const env = this.opts.codeCacheDir ? { MCP_SWITCHBOARD_CODE_CACHE: this.opts.codeCacheDir } : undefined;
      child = this.opts.launcher.launch({ script: this.opts.proxyScript, name: `proxy:${h.config.id}`, ...(env ? { env } : {}) });
    } catch (err) {
      this.onExit(h, undefined, null, null, `could not start the proxy: ${(err as Error).message}`);
      return;
    }
    h.child = child;
    this.apply(h, { type: 'spawned', pid: child.pid });
    child.on('message', (m: unknown) => this.onMessage(h, child, m as ProxyToParent));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        h.stderrTail.push(line);
        if (h.stderrTail.length > 20) h.stderrTail.shift();
        this.opts.onLog({ ts: this.clock.now(), level: 'error', server: h.config.id, message: `proxy stderr: ${line}` });
      }
    });
    child.stdout?.resume();
    child.on('error', (err) => {
      // A failed spawn (runtime missing, EACCES) emits only 'error' and 'close', never 'exit'.
      if (child.pid === undefined) h.fatal ??= `could not start the proxy: ${err.message}`;
      this.opts.onLog({ ts: this.clock.now(), level: 'error', server: h.config.id, message: `proxy process error: ${err.message}` });
    });
    // 'close', not 'exit': only then has all of stderr been read, so the reason has its last line.
    child.once('close', (code, signal) => this.onExit(h, child, code, signal));
    const configure = (token: string | undefined) => {
      if (h.child !== child || !child.connected) return;
      const policy = this.opts.policyFor?.(h.config.id);
      const start = {
        type: 'start' as const,
        server: h.config,
        endpoint: this.opts.endpointFor(h.config.id),
        secret: this.opts.secret,
        token,
        ...(policy ? { policy } : {}),
        ...(h.forClient ? { warm: true } : {}),
      };
      h.forClient = undefined;
      child.send(start, (err) => {
        if (err) this.opts.onLog({ ts: this.clock.now(), level: 'warn', server: h.config.id, message: `could not configure the proxy: ${err.message}` });
      });
    };
    if (!this.opts.tokenFor) configure(undefined);
    else
      this.opts.tokenFor(h.config.id).then(configure, (err: Error) => {
        this.opts.onLog({ ts: this.clock.now(), level: 'warn', server: h.config.id, message: `No access token for the proxy: ${err.message}` });
        configure(undefined);
      });
  }

  /** Hands a running proxy a new access token (after sign-in or refresh), or takes it away. */
  sendToken(serverId: string, token: string | undefined): void {
    const child = this.handles.get(serverId)?.child;
    if (child?.connected) child.send({ type: 'token', token }, () => {});
  }

  /** Hands a running proxy the server's new tool policy. */
  sendPolicy(serverId: string, policy: PolicySnapshot): void {
    const child = this.handles.get(serverId)?.child;
    if (child?.connected) child.send({ type: 'policy', policy }, () => {});
  }

  private onMessage(h: Handle, child: ChildProcess, m: ProxyToParent): void {
    if (h.child !== child || !m || typeof m !== 'object') return;
    switch (m.type) {
      case 'log':
        this.opts.onLog({ ...m.event, server: h.config.id });
        break;
      case 'logs':
        if (Array.isArray(m.events)) for (const e of m.events) this.opts.onLog({ ...e, server: h.config.id });
        break;
      case 'listening':
        this.apply(h, { type: 'listening' });
        break;
      case 'state':
        this.apply(h, { type: 'proxy-state', state: m.state, detail: m.detail, nextRetryAt: m.nextRetryAt });
        break;
      case 'metrics':
        this.apply(h, { type: 'metrics', counters: m.counters, lastError: m.lastError });
        break;
      case 'transport':
        h.config = { ...h.config, transport: m.transport };
        this.apply(h, { type: 'transport', transport: m.transport.kind });
        this.opts.onTransport?.(h.config.id, m.transport);
        break;
      case 'protocol': {
        const protocol = { server: m.server, ...(m.client !== undefined ? { client: m.client, bridged: m.bridged === true } : {}) };
        h.config = { ...h.config, era: m.era };
        this.apply(h, { type: 'protocol', protocol });
        this.opts.onProtocolEra?.(h.config.id, m.era);
        break;
      }
      case 'elicit': {
        const reply = (answer: ElicitationAnswer) => {
          if (h.child === child && child.connected) child.send({ type: 'elicit-answer', requestId: m.requestId, answer }, () => {});
        };
        if (!this.opts.onElicit) reply({ action: 'cancel' });
        else this.opts.onElicit(h.config.id, m.ask).then(reply, () => reply({ action: 'cancel' }));
        break;
      }
      case 'server-info':
        this.opts.onServerInfo?.(h.config.id, { name: m.name, title: m.title, version: m.version });
        break;
      case 'definitions':
        if (Array.isArray(m.items)) this.opts.onDefinitions?.(h.config.id, m.kind, m.items);
        break;
      case 'client-hello':
        if (m.hello && typeof m.hello === 'object') this.opts.onClientHello?.(h.config.id, m.hello);
        break;
      case 'unauthorized': {
        const reply = (token: string | undefined) => {
          if (h.child === child && child.connected) child.send({ type: 'token', token, requestId: m.requestId }, () => {});
        };
        if (!this.opts.onUnauthorized) reply(undefined);
        else
          this.opts.onUnauthorized(h.config.id, { status: m.status, wwwAuthenticate: m.wwwAuthenticate, tokenHash: m.tokenHash }).then(reply, (err: Error) => {
            this.opts.onLog({ ts: this.clock.now(), level: 'warn', server: h.config.id, message: `Could not renew the access token: ${err.message}` });
            reply(undefined);
          });
        break;
      }
      case 'idle':
        // The proxy closed its endpoint and exits: an intended stop, after which it waits for a client.
        if (m.stopping && h.wanted) {
          h.wanted = false;
          h.parked = true;
        }
        break;
      case 'fatal':
        h.fatal = m.message;
        this.opts.onLog({ ts: this.clock.now(), level: 'error', server: h.config.id, message: m.message });
        break;
    }
  }

  private onExit(h: Handle, child: ChildProcess | undefined, code: number | null, signal: NodeJS.Signals | null, why?: string): void {
    if (child && h.child !== child) return;
    h.child = undefined;
    if (!h.wanted || this.disposed) {
      // An intended stop; after an idle stop the server waits for its next client.
      if (h.parked && !this.disposed) this.apply(h, { type: 'parked' });
      return;
    }
    const reason =
      why ??
      h.fatal ??
      (signal ? `the proxy was killed by ${signal}` : `the proxy exited with code ${code}`) +
        (h.stderrTail.length ? `: ${h.stderrTail[h.stderrTail.length - 1]}` : '');
    const now = this.clock.now();
    const window = this.opts.crashWindowMs ?? 60_000;
    // Crashes "in the future" mean the wall clock went back (NTP, a wake from sleep): they are
    // not recent, whatever the subtraction says.
    h.crashes = [...h.crashes.filter((t) => t <= now && now - t < window), now];
    this.opts.onLog({ ts: now, level: 'error', server: h.config.id, message: `Proxy stopped unexpectedly: ${reason}` });
    if (h.crashes.length >= (this.opts.crashLoopCount ?? 5)) {
      h.wanted = false;
      this.apply(h, { type: 'crash-loop', reason: `${reason} (${h.crashes.length} crashes in ${Math.round(window / 1000)} s; restart it when fixed)` });
      return;
    }
    const n = h.crashes.length - 1;
    const base = this.opts.backoffBaseMs ?? 500;
    const max = this.opts.backoffMaxMs ?? 30_000;
    const jitter = 0.8 + (this.opts.random ?? Math.random)() * 0.4;
    const delay = Math.round(Math.min(max, base * 2 ** n) * jitter);
    this.apply(h, { type: 'crashed', reason, nextRetryAt: now + delay });
    h.restartTimer = this.clock.setTimeout(() => this.spawn(h), delay);
  }

  private stopHandle(h: Handle): Promise<void> {
    h.wanted = false;
    h.restartTimer?.cancel();
    h.restartTimer = undefined;
    const child = h.child;
    if (!child) return Promise.resolve();
    if (h.stopping) return h.stopping;
    h.stopping = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = this.clock.setTimeout(() => child.kill('SIGKILL'), this.opts.stopTimeoutMs ?? 3000);
      const done = () => {
        kill.cancel();
        resolve();
      };
      child.once('exit', done);
      child.once('close', done); // a child that never spawned has no 'exit'
      if (child.connected) child.send({ type: 'shutdown' }, () => {});
      else child.kill('SIGTERM');
    }).finally(() => {
      h.stopping = undefined;
      if (h.child === child) h.child = undefined;
    });
    return h.stopping;
  }

  private apply(h: Handle, ev: StatusEvent): void {
    const next = reduceStatus(h.status, ev, this.clock.now());
    if (next === h.status) return;
    next.rev = ++this.rev;
    h.status = next;
    for (const l of this.listeners) {
      try {
        l(next);
      } catch {
        // a listener's bug must not break supervision
      }
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.handles.values()].map((h) => this.stopHandle(h)));
    for (const h of this.handles.values()) this.apply(h, { type: 'stopped' });
  }
}
