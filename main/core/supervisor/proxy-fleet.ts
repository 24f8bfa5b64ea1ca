/**
 * The proxies as the registry wants them: which server runs with which configuration. It starts a
 * server's proxy with its resolved headers, network and settings, remembers what each was started
 * with (so a change of URL, headers, retry budget, stand-ins or network restarts it, and nothing
 * else does), brings the running set in line with the registry after another process changed
 * settings.json, and starts a proxy a connector asks for. The ProxySupervisor under it spawns,
 * restarts and stops the children.
 *
 * On demand (Settings: `proxyIdleMinutes` > 0, the default): at start an enabled server is parked
 * (state `idle`, no process), a connector's `servers:ensure-running` starts its proxy and answers
 * once it listens, and OnDemand (on-demand.ts) stops a proxy that had no connection for the idle
 * time and checks parked servers over plain HTTP. A server added or turned on starts its proxy once
 * (its first check names it), then idles like the others.
 */
import type { AppSettings, LogLevel, ServerStatus } from '../../../common/contract';
import type { ProxyServerConfig } from '../../shared/fork-protocol';
import type { NetworkConfig } from '../../shared/net/network-config';
import type { Env } from '../../shared/paths';
import { systemClock, type Clock } from '../ports';
import { resolveHeaders, validateRetryBudget, type ServerRecord } from '../servers/server-model';
import type { ServerRegistry } from '../servers/server-registry';
import { checkServerState } from '../servers/state-check';
import { OnDemand } from './on-demand';
import type { ProxySupervisor } from './proxy-supervisor';
import { initialStatus } from './status';

export interface ProxyFleetOptions {
  registry: ServerRegistry;
  env: Env;
  /** The one redaction registry: resolved header values are added before a proxy gets them. */
  secrets: { add(...values: Array<string | undefined>): void };
  settings(): AppSettings;
  /** How the server is reached (route and trust), resolved in main for its proxy. */
  networkFor(record: ServerRecord): Promise<NetworkConfig | undefined>;
  log(server: string, level: LogLevel, message: string): void;
  /** The held access token of a server (refreshed when due), for checks of a server with no proxy. */
  tokenFor?(serverId: string): Promise<string | undefined>;
  clock?: Clock;
  /** How often a server with no proxy is checked (default on-demand.ts CHECK_EVERY_MS). */
  checkEveryMs?: number;
  /** How long `ensureRunning` waits for a starting proxy to listen (default 20 s). */
  listenTimeoutMs?: number;
}

/** The record's retry budget for its proxy; a value damaged in settings.json means the default. */
export function retryBudgetMs(r: ServerRecord): number | undefined {
  const budget = validateRetryBudget(r.retryBudgetSeconds);
  return budget.ok && budget.value !== undefined ? budget.value * 1000 : undefined;
}

/** The part of a record (and of Settings ▸ Network) that its running proxy depends on. */
export function proxyKey(r: ServerRecord, s: AppSettings): string {
  return JSON.stringify([r.url, r.headers, retryBudgetMs(r), r.standIns !== false, r.standInsOffFor ?? [], r.proxy, r.caFile, s.caFile, s.proxyUsername]);
}

export class ProxyFleet {
  private supervisor?: ProxySupervisor;
  /** What each proxy was started with, to see when a change needs a restart. */
  private readonly startedWith = new Map<string, string>();

  constructor(private readonly opts: ProxyFleetOptions) {}

  private onDemand?: OnDemand;

  /** The host started: from now on proxies run (before, the host only edits settings). */
  attach(supervisor: ProxySupervisor): void {
    this.supervisor = supervisor;
    const onDemand = new OnDemand({
      clock: this.clock,
      target: supervisor,
      idleMs: () => this.opts.settings().proxyIdleMinutes * 60_000,
      check: (id) => this.check(id),
      ids: () => supervisor.ids(),
      checkEveryMs: this.opts.checkEveryMs,
    });
    this.onDemand = onDemand;
    this.idleMinutes = this.opts.settings().proxyIdleMinutes;
    supervisor.onDidChangeStatus((s) => onDemand.observe(s));
    onDemand.start();
  }

  private get clock(): Clock {
    return this.opts.clock ?? systemClock;
  }

  /** Proxies start when a client connects and stop after the idle time (else they run all the time). */
  get onDemandMode(): boolean {
    return this.opts.settings().proxyIdleMinutes > 0;
  }

  /** At start and for a server enabled elsewhere: parked on demand, else started. */
  async bring(record: ServerRecord): Promise<void> {
    if (!this.onDemandMode) return this.start(record);
    this.startedWith.set(record.id, proxyKey(record, this.opts.settings()));
    await this.require().park(await this.configFor(record));
  }

  /** One plain-HTTP check of a server with no proxy (state-check.ts), with its headers, network and token. */
  private async check(serverId: string) {
    const record = this.opts.registry.get(serverId);
    if (!record?.enabled) return { outcome: 'ok' as const };
    const config = await this.configFor(record, { quiet: true });
    const token = await this.opts.tokenFor?.(serverId).catch(() => undefined);
    return checkServerState({ url: config.url, headers: config.headers, token, era: config.era, net: config.network });
  }

  /** Checks servers with no proxy now: the computer woke up or its network changed. */
  checkIdleNow(ids?: string[]): Promise<void> {
    return this.onDemand?.checkNow(ids) ?? Promise.resolve();
  }

  /** A new token (sign-in, refresh, sign-out) for the server's proxy; a parked server is checked again. */
  pushToken(serverId: string, token: string | undefined): void {
    const supervisor = this.supervisor;
    if (!supervisor) return;
    if (supervisor.isParked(serverId)) void this.checkIdleNow([serverId]);
    else supervisor.sendToken(serverId, token);
  }

  /** Settings changed: always-on starts the parked proxies; a new idle time applies from now. */
  async settingsChanged(): Promise<void> {
    const supervisor = this.supervisor;
    if (!supervisor) return;
    if (!this.onDemandMode) {
      const parked = this.opts.registry.list().filter((r) => r.enabled && supervisor.isParked(r.id));
      await Promise.all(parked.map((r) => this.start(r).catch(() => undefined)));
    }
    const minutes = this.opts.settings().proxyIdleMinutes;
    if (minutes === this.idleMinutes) return;
    this.idleMinutes = minutes;
    this.onDemand?.resetTimers();
    for (const s of supervisor.statuses()) this.onDemand?.observe(s);
  }

  /** The idle time the timers run with (settingsChanged restarts them only when it changes). */
  private idleMinutes?: number;

  /** What a proxy gets in its `start` message: resolved headers (added to the redaction registry), network, settings. */
  private async configFor(record: ServerRecord, opts: { quiet?: boolean } = {}): Promise<ProxyServerConfig> {
    const { headers, missing } = resolveHeaders(record.headers, this.opts.env);
    this.opts.secrets.add(...Object.values(headers));
    if (missing.length && !opts.quiet) {
      this.opts.log(record.id, 'warn', `Environment variable(s) ${missing.join(', ')} used in headers are not set; sending them empty`);
    }
    const { id, name, url, transport, protocolEra: era } = record;
    return {
      id,
      name,
      url,
      headers,
      transport,
      era,
      retryBudgetMs: retryBudgetMs(record),
      ...(record.standIns === false ? { standIns: false } : {}),
      ...(record.standInsOffFor?.length ? { standInsOffFor: record.standInsOffFor } : {}),
      network: await this.opts.networkFor(record),
    };
  }

  get running(): ProxySupervisor | undefined {
    return this.supervisor;
  }

  private require(): ProxySupervisor {
    if (!this.supervisor) throw new Error('MCP Switchboard core is not started');
    return this.supervisor;
  }

  /** Starts (or, with a changed configuration, restarts) the server's proxy. */
  async start(record: ServerRecord, opts: { forClient?: boolean } = {}): Promise<void> {
    this.startedWith.set(record.id, proxyKey(record, this.opts.settings()));
    return this.require().start(await this.configFor(record), opts);
  }

  /** Starts the proxy when the host runs (an unstarted host, e.g. the command line's, runs none). */
  async startIfHosting(record: ServerRecord): Promise<void> {
    if (this.supervisor) await this.start(record);
  }

  /**
   * Starts an enabled server's proxy again when its configuration is not the one it runs with, or
   * (`restart`) when something it was started with changed outside the record (a vault password).
   */
  async applyChanges(record: ServerRecord, opts: { onlyIfRunning?: boolean; restart?: boolean } = {}): Promise<void> {
    if (!record.enabled || !this.supervisor) return;
    if (this.supervisor.isParked(record.id)) {
      // No proxy to restart: the next one starts with the new configuration; check it as it is now.
      this.startedWith.set(record.id, proxyKey(record, this.opts.settings()));
      void this.checkIdleNow([record.id]);
      return;
    }
    if (opts.onlyIfRunning && !this.supervisor.isWanted(record.id)) return;
    if (opts.restart || this.startedWith.get(record.id) !== proxyKey(record, this.opts.settings())) await this.start(record);
  }

  /** Starts every running proxy again (a credential they were started with changed). */
  async restartRunning(): Promise<void> {
    for (const r of this.opts.registry.list()) if (r.enabled && this.supervisor?.isWanted(r.id)) await this.start(r);
  }

  /**
   * Makes the running proxies match the registry: starts enabled servers that have none (or whose
   * configuration changed), stops disabled ones, and forgets removed ones.
   */
  async reconcile(): Promise<void> {
    const supervisor = this.supervisor;
    if (!supervisor) return;
    const records = this.opts.registry.list();
    const known = new Set(records.map((r) => r.id));
    const work: Array<Promise<unknown>> = [];
    for (const id of supervisor.ids()) {
      if (known.has(id)) continue;
      this.opts.log(id, 'info', 'Removed outside this window; stopping its proxy');
      work.push(supervisor.remove(id));
      this.startedWith.delete(id);
    }
    for (const r of records) {
      const running = supervisor.isWanted(r.id);
      const parked = supervisor.isParked(r.id);
      if (r.enabled && !running && !parked) {
        this.opts.log(r.id, 'info', 'Added or enabled outside this window; starting its proxy');
        work.push(this.start(r));
      } else if (r.enabled && running && this.startedWith.get(r.id) !== proxyKey(r, this.opts.settings())) {
        work.push(this.start(r));
      } else if (r.enabled && parked) {
        this.startedWith.set(r.id, proxyKey(r, this.opts.settings()));
      } else if (!r.enabled && (running || parked)) {
        work.push(supervisor.stop(r.id));
      }
    }
    await Promise.all(work.map((p) => p.catch((err: Error) => this.opts.log('*', 'warn', `Could not apply a change to settings.json: ${err.message}`))));
    await this.settingsChanged();
  }

  /**
   * A connector found no proxy for this server while this host runs: start it (as at startup), or
   * say in a sentence why not. Returns the state the proxy is in now.
   */
  async ensureRunning(serverId: string): Promise<ServerStatus> {
    const record = this.opts.registry.get(serverId);
    if (!record) {
      throw new Error(
        `MCP Switchboard has no server "${serverId}" (it was removed, or this entry was made with another data directory). ` +
          `Add the server again in MCP Switchboard and install it into this client, or remove this entry.`,
      );
    }
    if (!record.enabled) throw new Error(`"${record.name}" is turned off in MCP Switchboard. Turn it on in the window (or the tray), then retry.`);
    const supervisor = this.require();
    if (!supervisor.isWanted(serverId) || supervisor.status(serverId)?.state === 'error') {
      const parked = supervisor.isParked(serverId);
      this.opts.log(
        serverId,
        'info',
        parked ? 'A client connected; starting its proxy' : 'A client asked for this server and its proxy was not running; starting it',
      );
      if (supervisor.status(serverId)?.state === 'error') await supervisor.restart(serverId);
      else await this.start(record, { forClient: true });
    }
    // Answer once the proxy listens, so the connector's next attempt connects.
    await this.untilState(serverId, (s) => s.state !== 'starting', this.opts.listenTimeoutMs ?? 20_000);
    return supervisor.status(serverId) ?? initialStatus(serverId, record.createdAt);
  }

  /**
   * A parked server whose tools the window wants: its proxy starts, and this waits (at most
   * `timeoutMs`) for its first health check to end.
   */
  async startForUse(serverId: string, timeoutMs: number): Promise<void> {
    if (!this.supervisor?.isParked(serverId)) return;
    await this.ensureRunning(serverId);
    await this.untilState(serverId, (s) => s.state !== 'starting' && s.state !== 'connecting', timeoutMs);
  }

  /** Resolves when the server's status satisfies `done`, or after `timeoutMs`. */
  private untilState(serverId: string, done: (s: ServerStatus) => boolean, timeoutMs: number): Promise<void> {
    const supervisor = this.require();
    const now = supervisor.status(serverId);
    if (!now || done(now)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        off();
        timer.cancel();
        resolve();
      };
      const off = supervisor.onDidChangeStatus((s) => {
        if (s.serverId === serverId && done(s)) finish();
      });
      const timer = this.clock.setTimeout(finish, timeoutMs);
    });
  }

  /** Restarts the server's proxy (the Restart button); a server without one (or parked) gets it started. */
  async restart(record: ServerRecord): Promise<void> {
    if (this.supervisor?.status(record.id) && !this.supervisor.isParked(record.id)) await this.supervisor.restart(record.id);
    else await this.start(record);
  }

  async stop(serverId: string): Promise<void> {
    await this.supervisor?.stop(serverId);
  }

  /** Stops and forgets a removed server's proxy. */
  async remove(serverId: string): Promise<void> {
    this.onDemand?.forget(serverId);
    await this.supervisor?.remove(serverId);
    this.startedWith.delete(serverId);
  }

  status(serverId: string): ServerStatus | undefined {
    return this.supervisor?.status(serverId);
  }

  pid(serverId: string): number | undefined {
    return this.supervisor?.pid(serverId);
  }

  async dispose(): Promise<void> {
    this.onDemand?.dispose();
    await this.supervisor?.dispose();
  }
}
