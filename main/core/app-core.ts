/**
 * The app without its windows, behind the contract: the server registry and the proxy supervisor,
 * with the services it delegates to (token broker, client installer, import, diagnostics, logs,
 * settings). Built by createHost (main/core/host.ts) in every host; nothing else constructs one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as net from 'node:net';
import type {
  AddProposal,
  AddServerInput,
  AppInfo,
  AppSettings,
  ClientApp,
  DiagnosticsBundle,
  EnterpriseConfigureInput,
  EnterpriseStatus,
  FindOrAddResult,
  ImportCandidateView,
  InstallResult,
  InstallStatus,
  LogEvent,
  ProbeInput,
  ProbeResult,
  RemoveResult,
  ServerStatus,
  ServerSummary,
  ToolInfo,
} from '../../common/contract';
import type { SwitchboardCore } from './api/core-port';
import { isChoiceVault } from './auth/choice-vault';
import { TokenBroker } from './auth/token-broker';
import type { AuthEngine, SecretVault } from './auth/types';
import { ClientService, type ChangeResult, type Launcher } from './clients';
import { EnterpriseAccess } from './enterprise-access';
import { APP_PROXY, NetworkPlanner } from './network/network-planner';
import { ImportService } from './clients/import-service';
import { serveControlConnection, type Dispatch } from './control';
import { acquireInstanceLock } from './instance-lock';
import { DiagnosticsService } from './logs/diagnostics-service';
import { LogStore } from './logs/log-store';
import type { ChildLauncher, Clock, LoginItems, Notifier, Paths, ProxyResolver } from './ports';
import { probeServer } from './servers/probe';
import { matchServer, sameSecret } from './servers/server-match';
import { resolveHeaders, validateHeaders, validateRetryBudget, validateServerUrl, type ServerRecord } from './servers/server-model';
import { ServerRegistry } from './servers/server-registry';
import { signingAlgorithmFor } from './auth/oauth-provider';
import { listToolsThroughProxy } from './servers/tools';
import { SettingsService } from './settings';
import { openSettingsStore, TrackedSettingsStore, type SettingsStore } from './settings-store';
import { ProxySupervisor, type SupervisorOptions } from './supervisor/proxy-supervisor';
import { initialStatus } from './supervisor/status';
import { defaultDataDir, endpointFor, type Env } from '../shared/paths';
import { loadOrCreateSecret } from '../shared/secret-file';

export interface AppCoreOptions {
  env: Env;
  paths: Paths;
  launcher: ChildLauncher;
  /** Absolute path of the bundled proxy entry (out/proxy/index.js, unpacked from asar). */
  proxyScript: string;
  /** settings.json; defaults to conf in the data directory (not watched). Hosts pass a watching store. */
  settings?: SettingsStore;
  /** The log store (the host creates it, so the sign-in engine can log to it too). */
  logs?: LogStore;
  clock?: Clock;
  /** Supervisor tuning (tests shorten backoffs). */
  supervisor?: Partial<Pick<SupervisorOptions, 'backoffBaseMs' | 'backoffMaxMs' | 'crashLoopCount' | 'crashWindowMs' | 'stopTimeoutMs'>>;
  /** Skip the one-host-per-data-dir lock (tests that run several cores on purpose). */
  skipInstanceLock?: boolean;
  /** The sign-in engine. Without it servers that need sign-in stay `needs-sign-in`. */
  auth?: AuthEngine;
  /** Where pre-registered client secrets live (the same vault the engine uses). */
  vault?: SecretVault;
  /**
   * Open the browser by itself when a proxy's token is refused and cannot be refreshed (the
   * `connect` command). The app instead shows "Sign in" and waits for the user.
   */
  autoSignIn?: boolean;
  /** What client config entries run: the app's own executable and its unpacked connector. */
  clientLauncher?: Launcher;
  /** System notifications, used sparingly: a proxy in a crash loop (sign-in is the engine's). */
  notifier?: Notifier;
  /** Launch at login (the Electron host); without it the setting cannot be turned on. */
  loginItems?: LoginItems;
  /** The app's version, for AppInfo and the diagnostics bundle. */
  version?: string;
  /** Budget of one probe of the add flow (default 10 s). */
  probeTimeoutMs?: number;
  /** Budget of one tools listing (default 15 s). */
  toolsTimeoutMs?: number;
  /** The operating system's proxy settings (the desktop app); without it, the environment only. */
  proxyResolver?: ProxyResolver;
}

/** Rotated log files are pruned this often (and at start, and when the retention changes). */
const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;

function installResult(r: ChangeResult): InstallResult {
  return {
    clientId: r.clientId,
    serverId: r.serverId,
    name: r.name,
    file: r.file,
    changed: r.changed,
    restartHint: r.restartHint,
    ...(r.backup ? { backup: r.backup } : {}),
  };
}

/** The part of a record (and of Settings ▸ Network) that its running proxy depends on. */
function proxyKey(r: ServerRecord, s: AppSettings): string {
  return JSON.stringify([r.url, r.headers, retryBudgetMs(r), r.proxy, r.caFile, s.caFile, s.proxyUsername]);
}

/** The record's retry budget for its proxy; a value damaged in settings.json means the default. */
function retryBudgetMs(r: ServerRecord): number | undefined {
  const budget = validateRetryBudget(r.retryBudgetSeconds);
  return budget.ok && budget.value !== undefined ? budget.value * 1000 : undefined;
}

export class AppCore implements SwitchboardCore {
  readonly registry: ServerRegistry;
  readonly logs: LogStore;
  readonly settings: SettingsService;
  readonly tokens: TokenBroker;
  /** The route and trust of every outbound request (proxy children, probe, sign-in engine). */
  readonly network: NetworkPlanner;
  private readonly enterprise: EnterpriseAccess;
  /** Client config installer; absent when the host gave no launcher. */
  readonly clients?: ClientService;
  private readonly imports?: ImportService;
  private readonly diagnostics: DiagnosticsService;
  private supervisor?: ProxySupervisor;
  private lock?: net.Server;
  private secret?: string;
  private readonly serverListeners = new Set<(servers: ServerSummary[]) => void>();
  private readonly statusListeners = new Set<(status: ServerStatus) => void>();
  private readonly lastState = new Map<string, ServerStatus['state']>();
  private proposal: AddProposal | null = null;
  private readonly proposalListeners = new Set<(p: AddProposal) => void>();
  private control?: Dispatch;
  private pruneTimer?: NodeJS.Timeout;
  /** What each proxy was started with (URL and headers), to see when a change needs a restart. */
  private readonly startedWith = new Map<string, string>();
  private readonly unwatchStore: () => void;

  constructor(private readonly opts: AppCoreOptions) {
    fs.mkdirSync(opts.paths.dataDir, { recursive: true, mode: 0o700 });
    // An existing data dir keeps its mode on mkdir: make it ours only (settings hold header values).
    if (process.platform !== 'win32') fs.chmodSync(opts.paths.dataDir, 0o700);
    const store = new TrackedSettingsStore(opts.settings ?? openSettingsStore(opts.paths, { watch: false }));
    this.registry = new ServerRegistry(store);
    this.settings = new SettingsService(store, opts.loginItems);
    this.logs = opts.logs ?? new LogStore({ logsDir: opts.paths.logsDir });
    this.network = new NetworkPlanner({
      env: opts.env,
      settings: () => this.settings.get(),
      registry: this.registry,
      vault: opts.vault,
      resolver: opts.proxyResolver,
      secrets: this.logs.redactor,
      log: (server, level, message) => this.log(server, level, message),
    });
    this.enterprise = new EnterpriseAccess({
      settings: this.settings,
      vault: opts.vault,
      auth: opts.auth,
      secrets: this.logs.redactor,
      onDidChange: () => this.tokens.keepFresh(),
    });
    this.tokens = new TokenBroker({
      auth: opts.auth,
      registry: this.registry,
      vault: opts.vault,
      secrets: this.logs.redactor,
      autoSignIn: opts.autoSignIn,
      push: (id, token) => this.supervisor?.sendToken(id, token),
      onDidChange: () => this.emitServers(),
      log: (server, level, message) => this.log(server, level, message),
      enterprise: () => this.enterprise.config(),
    });
    if (opts.clientLauncher) {
      // Entries name the data directory when a client started from a desktop launcher would not find it.
      const launcher = opts.paths.dataDir === defaultDataDir(opts.env) ? opts.clientLauncher : { ...opts.clientLauncher, dataDir: opts.paths.dataDir };
      this.clients = new ClientService({ env: opts.env, launcher, backupDir: path.join(opts.paths.dataDir, 'backups') });
      this.imports = new ImportService({
        clients: this.clients,
        registry: this.registry,
        addServer: (input) => this.addServer(input),
        removeServer: (id) => this.removeServer(id, { keepInClients: true }),
        log: (server, message) => this.log(server, 'info', message),
      });
    }
    this.diagnostics = new DiagnosticsService({
      env: opts.env,
      dataDir: opts.paths.dataDir,
      version: opts.version ?? '0.1.0',
      registry: this.registry,
      logs: this.logs,
      tokens: this.tokens,
      auth: opts.auth,
      connectorSecret: () => this.secret,
      // Who is signed in (an e-mail address) is for the window, not for a bundle sent to someone.
      listServers: () => this.listServers().map(({ account: _account, ...s }) => s),
      settings: () => this.settings.get(),
      secretStorage: () => this.appInfo().secretStorage,
      clients: this.clients ? { list: () => this.listClients(), status: () => this.installStatus() } : undefined,
    });
    this.registry.onDidChange(() => {
      this.emitServers();
      this.tokens.keepFresh();
    });
    // Another process changed settings.json (a command line of another version, a hand edit):
    // bring the proxies and the window in line with it. Our own writes are applied where they are
    // made, so only changes reported outside them are reconciled.
    this.unwatchStore = store.onDidChangeElsewhere(() => {
      this.emitServers();
      this.settings.announce();
      this.tokens.keepFresh();
      void this.reconcile();
    });
  }

  private log(server: string, level: LogEvent['level'], message: string): void {
    this.logs.append({ ts: Date.now(), level, server, message });
  }

  /** Takes the instance lock, creates the connector secret, starts every enabled server. */
  async start(): Promise<void> {
    if (!this.opts.skipInstanceLock) {
      this.lock = await acquireInstanceLock(this.opts.paths, (socket) =>
        serveControlConnection(
          socket,
          () => this.secret,
          () => this.control,
        ),
      );
    }
    this.secret = loadOrCreateSecret(this.opts.paths.secretFile);
    this.logs.redactor.add(this.secret);
    const settings = this.settings.get();
    // The weak-storage choice applies before any token is read: every vault call queues behind it.
    // Not awaited: it waits for the vault to know its security (the app's keychain may be asking the
    // user), and the proxies that need no token must not wait for that.
    if (isChoiceVault(this.opts.vault)) {
      void this.opts.vault
        .setChoice(settings.weakStorage)
        .catch((err: Error) => this.log('*', 'warn', `Could not apply the token storage choice "${settings.weakStorage}": ${err.message}`));
    }
    this.pruneLogs(settings.logRetentionDays);
    this.pruneTimer = setInterval(() => this.pruneLogs(this.settings.get().logRetentionDays), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.supervisor = new ProxySupervisor({
      launcher: this.opts.launcher,
      proxyScript: this.opts.proxyScript,
      secret: this.secret,
      endpointFor: (id) => endpointFor(this.opts.paths, id),
      onLog: (e) => this.logs.append(e),
      onTransport: (id, transport) => {
        if (this.registry.get(id)) this.registry.update(id, { transport });
      },
      onServerInfo: (id, info) => {
        // A server named after its host (it needed sign-in first) takes its own name once known.
        const name = (info.title ?? info.name)?.slice(0, 64);
        if (name && this.registry.get(id)?.autoNamed) {
          this.registry.update(id, { name });
          this.log(id, 'info', `Named "${name}", as the server calls itself`);
        }
      },
      clock: this.opts.clock,
      tokenFor: (id) => this.tokens.tokenFor(id),
      onUnauthorized: (id, info) => this.tokens.renewToken(id, info),
      ...this.opts.supervisor,
    });
    this.supervisor.onDidChangeStatus((s) => {
      if (s.state === 'error' && this.lastState.get(s.serverId) !== 'error') {
        const name = this.registry.get(s.serverId)?.name ?? s.serverId;
        this.opts.notifier?.notify(`${name} stopped`, `Its proxy kept crashing: ${s.lastError ?? 'see the log'}. Fix the cause, then press Restart.`);
      }
      this.lastState.set(s.serverId, s.state);
      for (const l of this.statusListeners) l(s);
    });
    this.tokens.start();
    await Promise.all(
      this.registry
        .list()
        .filter((s) => s.enabled)
        .map((s) => this.startProxy(s)),
    );
    void this.repairClientEntries();
  }

  /** Entries of ours that point at an old app location are rewritten; user-edited ones are left. */
  private async repairClientEntries(): Promise<void> {
    if (!this.clients) return;
    const results = await this.clients
      .repairAll(this.registry.list().map((s) => s.id))
      .catch((err: Error) => [{ clientId: '*', serverId: '*', error: err.message }]);
    for (const r of results) {
      if ('error' in r) this.log(r.serverId, 'warn', `Could not repair the ${r.clientId} entry: ${r.error}`);
      else if (r.changed) this.log(r.serverId, 'info', `Repaired the ${r.clientId} entry "${r.name}" in ${r.file}; ${r.restartHint}`);
    }
  }

  // ---- proxies -----------------------------------------------------------------------------

  private async startProxy(record: ServerRecord): Promise<void> {
    this.startedWith.set(record.id, proxyKey(record, this.settings.get()));
    const { headers, missing } = resolveHeaders(record.headers, this.opts.env);
    this.logs.redactor.add(...Object.values(headers));
    if (missing.length) {
      this.log(record.id, 'warn', `Environment variable(s) ${missing.join(', ')} used in headers are not set; sending them empty`);
    }
    return this.requireSupervisor().start({
      id: record.id,
      name: record.name,
      url: record.url,
      headers,
      transport: record.transport,
      retryBudgetMs: retryBudgetMs(record),
      network: await this.network.forServer(record),
    });
  }

  private requireSupervisor(): ProxySupervisor {
    if (!this.supervisor) throw new Error('MCP Switchboard core is not started');
    return this.supervisor;
  }

  /**
   * Makes the running proxies match the registry: starts enabled servers that have none (or whose
   * URL or headers changed), stops disabled ones, and forgets removed ones.
   */
  async reconcile(): Promise<void> {
    const supervisor = this.supervisor;
    if (!supervisor) return;
    const records = this.registry.list();
    const known = new Set(records.map((r) => r.id));
    const work: Array<Promise<unknown>> = [];
    for (const id of supervisor.ids()) {
      if (known.has(id)) continue;
      this.log(id, 'info', 'Removed outside this window; stopping its proxy');
      work.push(supervisor.remove(id));
      this.startedWith.delete(id);
    }
    for (const r of records) {
      const running = supervisor.isWanted(r.id);
      if (r.enabled && (!running || this.startedWith.get(r.id) !== proxyKey(r, this.settings.get()))) {
        if (!running) this.log(r.id, 'info', 'Added or enabled outside this window; starting its proxy');
        work.push(this.startProxy(r));
      } else if (!r.enabled && running) {
        work.push(supervisor.stop(r.id));
      }
    }
    await Promise.all(work.map((p) => p.catch((err: Error) => this.log('*', 'warn', `Could not apply a change to settings.json: ${err.message}`))));
  }

  /**
   * A connector found no proxy for this server while this host runs: start it (as at startup), or
   * say in a sentence why not. Returns the state the proxy is in now.
   */
  async ensureRunning(serverId: string): Promise<ServerStatus> {
    const record = this.registry.get(serverId);
    if (!record) {
      throw new Error(
        `MCP Switchboard has no server "${serverId}" (it was removed, or this entry was made with another data directory). ` +
          `Add the server again in MCP Switchboard and install it into this client, or remove this entry.`,
      );
    }
    if (!record.enabled) throw new Error(`"${record.name}" is turned off in MCP Switchboard. Turn it on in the window (or the tray), then retry.`);
    const supervisor = this.requireSupervisor();
    if (!supervisor.isWanted(serverId) || supervisor.status(serverId)?.state === 'error') {
      this.log(serverId, 'info', 'A client asked for this server and its proxy was not running; starting it');
      if (supervisor.status(serverId)?.state === 'error') await supervisor.restart(serverId);
      else await this.startProxy(record);
    }
    return supervisor.status(serverId) ?? initialStatus(serverId, record.createdAt);
  }

  // ---- servers -----------------------------------------------------------------------------

  listServers(): ServerSummary[] {
    return this.registry.list().map((r) => this.summary(r));
  }

  private summary(r: ServerRecord): ServerSummary {
    const expiresAt = this.tokens.expiresAt(r.id);
    const account = this.tokens.account(r.id);
    return {
      id: r.id,
      name: r.name,
      url: r.url,
      enabled: r.enabled,
      headerNames: Object.keys(r.headers),
      status: this.supervisor?.status(r.id) ?? initialStatus(r.id, r.createdAt),
      signIn: this.tokens.signInState(r.id),
      ...(expiresAt !== undefined ? { tokenExpiresAt: expiresAt } : {}),
      ...(account !== undefined ? { account } : {}),
    };
  }

  async addServer(input: AddServerInput): Promise<ServerSummary> {
    if (input?.clientSecret && !input.clientId) throw new Error('A client secret needs its client ID.');
    if (input?.clientSecret && !this.tokens.canStoreClientSecrets) throw new Error('This host cannot store a client secret.');
    // Without a name it is named after its host for now (autoNamed), and takes the name the server
    // gives itself as soon as its proxy's health check hears it (onServerInfo below).
    if (input?.privateKey) signingAlgorithmFor(input.privateKey); // a key that cannot sign is refused before anything is saved
    const record = this.registry.add(input);
    if (input.clientSecret) await this.tokens.storeClientSecret(record.id, input.clientSecret);
    if (input.privateKey) await this.tokens.storePrivateKey(record.id, input.privateKey);
    await this.network.storeProxyPasswordOf(record.id, input.proxy);
    this.log(record.id, 'info', `Added ${record.url}`);
    if (this.supervisor) await this.startProxy(record);
    return this.summary(record);
  }

  /**
   * The server `connect` means (servers:find-or-add, servers/server-match.ts): found, updated (the
   * same name, other header values or client secret) or added; then turned on. Header values and
   * the client secret are compared here and never sent back.
   */
  async findOrAddServer(input: AddServerInput): Promise<FindOrAddResult> {
    const url = validateServerUrl(input?.url);
    if (!url.ok) throw new Error(url.error);
    const headers = validateHeaders(input.headers);
    if (!headers.ok) throw new Error(headers.error);
    const match = matchServer(this.registry.list(), { url: url.value, name: input.name, headers: headers.value });
    if (match.kind === 'none') return { serverId: (await this.addServer(input)).id, outcome: 'added' };
    let record = match.record;
    let outcome: FindOrAddResult['outcome'] = 'found';
    if (match.kind === 'named') {
      record = this.registry.update(record.id, { headers: headers.value });
      outcome = 'updated';
      this.log(record.id, 'info', `Header values replaced: \`connect\` named this server with other values`);
    }
    if (input.clientSecret && record.clientId) {
      const stored = await this.tokens.clientSecret(record.id);
      if (stored === undefined || !sameSecret(stored, input.clientSecret)) {
        await this.tokens.storeClientSecret(record.id, input.clientSecret);
        outcome = 'updated';
        this.log(record.id, 'info', `Client secret replaced: \`connect\` gave another one`);
      }
    }
    if (!record.enabled) await this.setEnabled(record.id, true);
    else if (match.kind === 'named' && this.supervisor) await this.startProxy(record);
    return { serverId: record.id, outcome };
  }

  /** What the add flow learns about a URL before adding it. */
  async probeServer(input: ProbeInput): Promise<ProbeResult> {
    return probeServer(input, { env: this.opts.env, timeoutMs: this.opts.probeTimeoutMs, net: await this.network.forProbe(input) });
  }

  /**
   * Removes the server: first (unless `keepInClients`) our entries in every client config, then
   * its proxy, sign-in, client secret and logs. A client file that cannot be edited is reported
   * in `failed` and does not stop the removal.
   */
  async removeServer(serverId: string, opts: { keepInClients?: boolean } = {}): Promise<RemoveResult> {
    if (!this.registry.get(serverId)) throw new Error(`No server "${serverId}".`);
    const result: RemoveResult = { uninstalled: [], failed: [] };
    if (!opts.keepInClients && this.clients) {
      const r = await this.clients.uninstallEverywhere(serverId);
      result.uninstalled = r.uninstalled.map(installResult);
      result.failed = r.failed;
    }
    await this.supervisor?.remove(serverId);
    await this.tokens.forget(serverId);
    this.registry.remove(serverId);
    this.logs.forget(serverId);
    this.lastState.delete(serverId);
    this.startedWith.delete(serverId);
    return result;
  }

  /** The tools the server offers, listed through its own proxy (it must be ready). */
  async listTools(serverId: string): Promise<ToolInfo[]> {
    const record = this.registry.get(serverId);
    if (!record) throw new Error(`No server "${serverId}".`);
    if (!record.enabled) throw new Error(`"${record.name}" is disabled; enable it to see its tools.`);
    const status = this.supervisor?.status(serverId);
    if (!status || status.state !== 'ready' || !this.secret) {
      if (status?.state === 'needs-sign-in') throw new Error(`Sign in to "${record.name}" to see its tools.`);
      const state = status?.state ?? 'stopped';
      throw new Error(`"${record.name}" is not ready (${state}${status?.detail ? `: ${status.detail}` : ''}); its tools can be listed once it is ready.`);
    }
    return listToolsThroughProxy({
      endpoint: endpointFor(this.opts.paths, serverId),
      secret: this.secret,
      serverId,
      serverName: record.name,
      timeoutMs: this.opts.toolsTimeoutMs,
    });
  }

  async setEnabled(serverId: string, enabled: boolean): Promise<ServerSummary> {
    const record = this.registry.update(serverId, { enabled });
    if (enabled) await this.startProxy(record);
    else await this.supervisor?.stop(serverId);
    return this.summary(record);
  }

  async restartServer(serverId: string): Promise<void> {
    const record = this.registry.get(serverId);
    if (!record) throw new Error(`No server "${serverId}".`);
    if (!record.enabled) throw new Error(`"${record.name}" is disabled; enable it first.`);
    if (this.supervisor?.status(serverId)) await this.supervisor.restart(serverId);
    else await this.startProxy(record);
  }

  /** Serve the handler table on the control endpoint (for `connect` and support scripts). */
  serveControl(dispatch: Dispatch): void {
    this.control = dispatch;
  }

  /** How tokens are stored, for the user (undefined: no sign-in in this host). */
  get vaultSecurity() {
    return this.opts.vault?.security;
  }

  /** The running proxy's pid (diagnostics and tests). */
  proxyPid(serverId: string): number | undefined {
    return this.supervisor?.pid(serverId);
  }

  // ---- sign-in -----------------------------------------------------------------------------

  signIn(serverId: string): Promise<void> {
    return this.tokens.signIn(serverId);
  }

  resetSignIn(serverId: string): Promise<void> {
    return this.tokens.resetSignIn(serverId);
  }

  // ---- clients -----------------------------------------------------------------------------

  private requireClients(): ClientService {
    if (!this.clients) throw new Error('Installing into clients is not available in this host.');
    return this.clients;
  }

  listClients(): ClientApp[] {
    return this.requireClients()
      .clients()
      .map(({ id, name, configPath, present, restartHint }) => ({ id, name, configPath, present, restartHint }));
  }

  installStatus(serverId?: string): Promise<InstallStatus[]> {
    const ids = serverId ? [serverId] : this.registry.list().map((s) => s.id);
    return this.requireClients().status(ids) as Promise<InstallStatus[]>;
  }

  async install(serverId: string, clientId: string): Promise<InstallResult> {
    if (!this.registry.get(serverId)) throw new Error(`No server "${serverId}".`);
    const r = await this.requireClients().install(serverId, clientId);
    this.log(serverId, 'info', `Installed into ${clientId} as "${r.name}" (${r.file}); ${r.restartHint}`);
    return installResult(r);
  }

  async uninstall(serverId: string, clientId: string): Promise<InstallResult> {
    const r = await this.requireClients().uninstall(serverId, clientId);
    this.log(serverId, 'info', `Removed from ${clientId} (${r.file}); ${r.restartHint}`);
    return installResult(r);
  }

  /** `npx mcp-remote <url>` entries in client configs; header values stay here. */
  findImports(): Promise<ImportCandidateView[]> {
    this.requireClients();
    return this.imports!.find();
  }

  /** Adds the server of a client's mcp-remote entry and points the entry at Switchboard. */
  async importEntry(clientId: string, entryName: string): Promise<ServerSummary> {
    this.requireClients();
    const id = await this.imports!.importEntry(clientId, entryName);
    return this.summary(this.registry.get(id)!);
  }

  // ---- logs, settings, app info, diagnostics -----------------------------------------------

  tailLogs(serverId: string | undefined, limit?: number): LogEvent[] {
    return serverId === undefined ? this.logs.tailAll(limit) : this.logs.tail(serverId, limit);
  }

  getSettings(): AppSettings {
    return this.settings.get();
  }

  /** Validates and saves; then applies what changed (vault storage mode, log retention). */
  async setSettings(patch: Partial<AppSettings>): Promise<AppSettings> {
    const before = this.settings.get();
    const after = this.settings.set(patch);
    if (after.weakStorage !== before.weakStorage && isChoiceVault(this.opts.vault)) await this.opts.vault.setChoice(after.weakStorage);
    if (after.logRetentionDays !== before.logRetentionDays) this.pruneLogs(after.logRetentionDays);
    if (after.caFile !== before.caFile || after.proxyUsername !== before.proxyUsername) await this.reconcile();
    return after;
  }

  /** Settings ▸ Network's proxy password (for `proxyUsername`), into the vault; proxies restart with it. */
  async setProxyPassword(password: string | null): Promise<void> {
    await this.network.storeProxyPassword(APP_PROXY, password);
    for (const r of this.registry.list()) if (r.enabled && this.supervisor?.isWanted(r.id)) await this.startProxy(r);
  }

  // Settings ▸ Company sign-in (enterprise-managed authorization): enterprise-access.ts.
  enterpriseStatus = (): Promise<EnterpriseStatus> => this.enterprise.status();
  configureEnterprise = (input: EnterpriseConfigureInput): Promise<EnterpriseStatus> => this.enterprise.configure(input);
  signInToEnterprise = (): Promise<EnterpriseStatus> => this.enterprise.signIn();
  signOutOfEnterprise = (): Promise<EnterpriseStatus> => this.enterprise.signOut();

  onDidChangeSettings(listener: (settings: AppSettings) => void): () => void {
    return this.settings.onDidChange(listener);
  }

  private pruneLogs(days: number): void {
    try {
      this.logs.pruneRotated(days);
    } catch {
      // best effort: an unreadable logs folder must not stop the app
    }
  }

  get loginItemSupported(): boolean {
    return this.settings.loginItemSupported;
  }

  /** What `app:info` answers in every host. */
  appInfo(version = this.opts.version ?? '0.1.0'): AppInfo {
    const security = this.opts.vault?.security;
    return {
      version,
      dataDir: this.opts.paths.dataDir,
      platform: process.platform,
      ...(security
        ? { secretStorage: { secure: security.secure, backend: security.backend, ...(security.warning ? { warning: security.warning } : {}) } }
        : {}),
      loginItemSupported: this.loginItemSupported,
    };
  }

  /** Writes the diagnostics bundle (0600, <dataDir>/diagnostics/), redacted. */
  exportDiagnostics(): Promise<DiagnosticsBundle> {
    return this.diagnostics.export();
  }

  // ---- events and proposals ----------------------------------------------------------------

  onDidChangeStatus(listener: (status: ServerStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onDidChangeServers(listener: (servers: ServerSummary[]) => void): () => void {
    this.serverListeners.add(listener);
    return () => this.serverListeners.delete(listener);
  }

  /** A link proposes a server: kept until the window takes it, and announced to open windows. */
  proposeAdd(proposal: AddProposal): void {
    this.proposal = proposal;
    for (const l of this.proposalListeners) l(proposal);
  }

  takeProposal(): AddProposal | null {
    const p = this.proposal;
    this.proposal = null;
    return p;
  }

  onDidProposeAdd(listener: (proposal: AddProposal) => void): () => void {
    this.proposalListeners.add(listener);
    return () => this.proposalListeners.delete(listener);
  }

  onDidAppendLogs(listener: (events: LogEvent[]) => void): () => void {
    return this.logs.onDidAppend(listener);
  }

  private emitServers(): void {
    const list = this.listServers();
    for (const l of this.serverListeners) l(list);
  }

  async dispose(): Promise<void> {
    this.unwatchStore();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.tokens.dispose();
    await this.supervisor?.dispose();
    await this.opts.auth?.dispose();
    this.logs.dispose();
    await new Promise<void>((r) => (this.lock ? this.lock.close(() => r()) : r()));
  }
}
