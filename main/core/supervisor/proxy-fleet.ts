/**
 * The proxies as the registry wants them: which server runs with which configuration. It starts a
 * server's proxy with its resolved headers, network and settings, remembers what each was started
 * with (so a change of URL, headers, retry budget, stand-ins or network restarts it, and nothing
 * else does), brings the running set in line with the registry after another process changed
 * settings.json, and starts a proxy a connector asks for. The ProxySupervisor under it spawns,
 * restarts and stops the children.
 */
import type { AppSettings, LogLevel, ServerStatus } from '../../../common/contract';
import type { NetworkConfig } from '../../shared/net/network-config';
import type { Env } from '../../shared/paths';
import { resolveHeaders, validateRetryBudget, type ServerRecord } from '../servers/server-model';
import type { ServerRegistry } from '../servers/server-registry';
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

  /** The host started: from now on proxies run (before, the host only edits settings). */
  attach(supervisor: ProxySupervisor): void {
    this.supervisor = supervisor;
  }

  get running(): ProxySupervisor | undefined {
    return this.supervisor;
  }

  private require(): ProxySupervisor {
    if (!this.supervisor) throw new Error('MCP Switchboard core is not started');
    return this.supervisor;
  }

  /** Starts (or, with a changed configuration, restarts) the server's proxy. */
  async start(record: ServerRecord): Promise<void> {
    this.startedWith.set(record.id, proxyKey(record, this.opts.settings()));
    const { headers, missing } = resolveHeaders(record.headers, this.opts.env);
    this.opts.secrets.add(...Object.values(headers));
    if (missing.length) {
      this.opts.log(record.id, 'warn', `Environment variable(s) ${missing.join(', ')} used in headers are not set; sending them empty`);
    }
    const { id, name, url, transport, protocolEra: era } = record;
    return this.require().start({
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
    });
  }

  /** Starts the proxy when the host runs (an unstarted host, e.g. the command line's, runs none). */
  async startIfHosting(record: ServerRecord): Promise<void> {
    if (this.supervisor) await this.start(record);
  }

  /** Starts an enabled server's proxy again when its configuration is not the one it runs with. */
  async applyChanges(record: ServerRecord, opts: { onlyIfRunning?: boolean } = {}): Promise<void> {
    if (!record.enabled || !this.supervisor) return;
    if (opts.onlyIfRunning && !this.supervisor.isWanted(record.id)) return;
    if (this.startedWith.get(record.id) !== proxyKey(record, this.opts.settings())) await this.start(record);
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
      if (r.enabled && (!running || this.startedWith.get(r.id) !== proxyKey(r, this.opts.settings()))) {
        if (!running) this.opts.log(r.id, 'info', 'Added or enabled outside this window; starting its proxy');
        work.push(this.start(r));
      } else if (!r.enabled && running) {
        work.push(supervisor.stop(r.id));
      }
    }
    await Promise.all(work.map((p) => p.catch((err: Error) => this.opts.log('*', 'warn', `Could not apply a change to settings.json: ${err.message}`))));
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
      this.opts.log(serverId, 'info', 'A client asked for this server and its proxy was not running; starting it');
      if (supervisor.status(serverId)?.state === 'error') await supervisor.restart(serverId);
      else await this.start(record);
    }
    return supervisor.status(serverId) ?? initialStatus(serverId, record.createdAt);
  }

  /** Restarts the server's proxy (the Restart button); a server without one gets it started. */
  async restart(record: ServerRecord): Promise<void> {
    if (this.supervisor?.status(record.id)) await this.supervisor.restart(record.id);
    else await this.start(record);
  }

  async stop(serverId: string): Promise<void> {
    await this.supervisor?.stop(serverId);
  }

  /** Stops and forgets a removed server's proxy. */
  async remove(serverId: string): Promise<void> {
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
    await this.supervisor?.dispose();
  }
}
