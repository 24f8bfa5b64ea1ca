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
  ConfigBackup,
  ClientContextCost,
  ClientTools,
  DefinitionKind,
  DiagnosticsBundle,
  EnterpriseConfigureInput,
  EnterpriseStatus,
  FindOrAddResult,
  ElicitationReply,
  ImportCandidateView,
  InstallResult,
  InstallStatus,
  LogEvent,
  PendingElicitation,
  ProbeInput,
  ProbeResult,
  RemoveResult,
  RestoreResult,
  ServerStatus,
  ServerSummary,
  SignInPage,
  ToolInfo,
  UpdateServerInput,
  UpdateServerResult,
  ViewRequest,
  ToolPolicyMode,
  ToolReview,
} from '../../common/contract';
import type { SwitchboardCore } from './api/core-port';
import { isChoiceVault } from './auth/choice-vault';
import { TokenBroker } from './auth/token-broker';
import type { AuthEngine, BrowserOpener, SecretVault } from './auth/types';
import { type ClientService, type Launcher } from './clients';
import { clientNameForTag } from './clients/client-process';
import { createInstallService, installResult, type InstallService } from './clients/install-service';
import { EnterpriseAccess } from './enterprise-access';
import { APP_PROXY, NetworkPlanner } from './network/network-planner';
import { serveControlConnection, type Dispatch } from './control';
import { acquireInstanceLock } from './instance-lock';
import { ConnectionLabels } from './logs/connection-labels';
import { DiagnosticsService } from './logs/diagnostics-service';
import { LogStore } from './logs/log-store';
import { crashLoop } from './notifications';
import { ElicitationService } from './elicitation/elicitation-service';
import { systemClock, type ChildLauncher, type Clock, type LoginItems, type Notifier, type Paths, type ProxyResolver, type SystemEvents } from './ports';
import { probeServer } from './servers/probe';
import type { ServerRecord } from './servers/server-model';
import { ServerRegistry } from './servers/server-registry';
import { serverSummary } from './servers/server-summary';
import { signingAlgorithmFor } from './auth/oauth-provider';
import { listToolsThroughProxy, toolsUnavailable } from './servers/tools';
import { revealTarget } from './reveal';
import { SettingsService } from './settings';
import { openSettingsStore, TrackedSettingsStore, type SettingsStore } from './settings-store';
import { ServerChanges } from './servers/server-changes';
import { ProxyFleet } from './supervisor/proxy-fleet';
import { ProxySupervisor, type SupervisorOptions } from './supervisor/proxy-supervisor';
import { policyReports, recordReports } from './supervisor/proxy-reports';
import { ToolPolicyService } from './tool-policy/tool-policy-service';
import { initialStatus } from './supervisor/status';
import { WindowRequests } from './window-requests';
import { endpointFor, homeDir, type Env } from '../shared/paths';
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
  /** System notifications, used sparingly: a proxy in a crash loop, a server's question (sign-in is the engine's). */
  notifier?: Notifier;
  /** Opens the system browser: the page a server's URL-mode question names, once the user agreed. */
  opener?: BrowserOpener;
  /** Launch at login (the Electron host); without it the setting cannot be turned on. */
  loginItems?: LoginItems;
  /** The app's version, for AppInfo and the diagnostics bundle. */
  version?: string;
  /** Budget of one probe of the add flow (default 10 s). */
  probeTimeoutMs?: number;
  /** Budget of one tools listing (default 15 s). */
  toolsTimeoutMs?: number;
  /** Shows a file in the system's file manager (the desktop app); without it `app:reveal` is refused. */
  reveal?: (file: string) => void;
  /** The client's name for a connector's hello tag ("pid 4711" → "Claude Desktop"); default: from the process. */
  clientName?: (tag: string) => string | undefined;
  /** The operating system's proxy settings (the desktop app); without it, the environment only. */
  proxyResolver?: ProxyResolver;
  /** Wake from sleep, network changes (the desktop app): servers with no proxy are checked again. */
  systemEvents?: SystemEvents;
}

/** Rotated log files are pruned this often (and at start, and when the retention changes). */
const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;

export class AppCore implements SwitchboardCore {
  readonly registry: ServerRegistry;
  readonly logs: LogStore;
  readonly settings: SettingsService;
  /** settings.json as this process writes it (the registries' settings live there too). */
  readonly settingsStore: TrackedSettingsStore;
  readonly tokens: TokenBroker;
  /** What each client may see of each server's tools (pins, reviews, per-client tools, last connections). */
  readonly toolPolicy: ToolPolicyService;
  /** Servers' questions for the user that their clients cannot ask (elicitation stand-in). */
  readonly questions: ElicitationService;
  /** The route and trust of every outbound request (proxy children, probe, sign-in engine). */
  readonly network: NetworkPlanner;
  private readonly enterprise: EnterpriseAccess;
  /** Client config installer; absent when the host gave no launcher. */
  readonly clients?: ClientService;
  private readonly installs?: InstallService;
  private readonly diagnostics: DiagnosticsService;
  /** The proxies as the registry wants them (supervisor/proxy-fleet.ts). */
  private readonly fleet: ProxyFleet;
  private readonly changes: ServerChanges;
  private lock?: net.Server;
  private secret?: string;
  private readonly serverListeners = new Set<(servers: ServerSummary[]) => void>();
  private readonly statusListeners = new Set<(status: ServerStatus) => void>();
  private readonly lastState = new Map<string, ServerStatus['state']>();
  /** A link's add proposal and the views the tray or a notification ask for, until a window takes them. */
  private readonly requests = new WindowRequests();
  /** Names the client on each proxy connection; keeps the app's own tools listings out of the counters. */
  private readonly labels: ConnectionLabels;
  private control?: Dispatch;
  private pruneTimer?: NodeJS.Timeout;
  private readonly unwatchStore: () => void;

  constructor(private readonly opts: AppCoreOptions) {
    fs.mkdirSync(opts.paths.dataDir, { recursive: true, mode: 0o700 });
    // An existing data dir keeps its mode on mkdir: make it ours only (settings hold header values).
    if (process.platform !== 'win32') fs.chmodSync(opts.paths.dataDir, 0o700);
    const store = (this.settingsStore = new TrackedSettingsStore(opts.settings ?? openSettingsStore(opts.paths, { watch: false })));
    this.registry = new ServerRegistry(store);
    this.settings = new SettingsService(store, opts.loginItems);
    this.logs = opts.logs ?? new LogStore({ logsDir: opts.paths.logsDir });
    this.labels = new ConnectionLabels({ clientName: opts.clientName ?? ((tag) => clientNameForTag(tag)) });
    this.network = new NetworkPlanner({
      env: opts.env,
      settings: () => this.settings.get(),
      registry: this.registry,
      vault: opts.vault,
      resolver: opts.proxyResolver,
      secrets: this.logs.redactor,
      log: (server, level, message) => this.log(server, level, message),
    });
    this.fleet = new ProxyFleet({
      registry: this.registry,
      env: opts.env,
      secrets: this.logs.redactor,
      settings: () => this.settings.get(),
      networkFor: (record) => this.network.forServer(record),
      log: (server, level, message) => this.log(server, level, message),
      tokenFor: (id) => this.tokens.heldToken(id),
      clock: opts.clock,
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
      push: (id, token) => this.fleet.pushToken(id, token),
      onDidChange: () => this.emitServers(),
      log: (server, level, message) => this.log(server, level, message, 'sign-in'),
      enterprise: () => this.enterprise.config(),
    });
    if (opts.clientLauncher) {
      this.installs = createInstallService({
        env: opts.env,
        dataDir: opts.paths.dataDir,
        launcher: opts.clientLauncher,
        registry: this.registry,
        addServer: (input) => this.addServer(input),
        removeServer: (id) => this.removeServer(id, { keepInClients: true }),
        log: (server, level, message) => this.log(server, level, message),
      });
      this.clients = this.installs.clients;
    }
    this.toolPolicy = new ToolPolicyService({
      store,
      clock: opts.clock ?? systemClock,
      push: (id, policy) => this.fleet.running?.sendPolicy(id, policy),
      serverName: (id) => this.registry.get(id)?.name,
      serverIds: () => this.registry.list().map((s) => s.id),
      installs: this.clients
        ? async (ids) => (await this.clients!.status(ids)).map((r) => ({ ...r, installed: r.state === 'installed' || r.state === 'stale' }))
        : undefined,
      clientName: (id) => this.clients?.clients().find((c) => c.id === id)?.name,
      notifier: opts.notifier,
      log: (server, level, message) => this.log(server, level, message),
    });
    this.questions = new ElicitationService({
      clock: opts.clock ?? systemClock,
      notifier: opts.notifier,
      opener: opts.opener,
      log: (server, level, message) => this.log(server, level, message),
    });
    this.changes = new ServerChanges({
      registry: this.registry,
      tokens: this.tokens,
      fleet: this.fleet,
      network: this.network,
      log: (server, level, message) => this.log(server, level, message),
      summary: (record) => this.summary(record),
      addServer: (input) => this.addServer(input),
      setEnabled: (id, enabled) => this.setEnabled(id, enabled),
      forgetLog: (id) => {
        this.logs.forget(id);
        this.labels.forget(id);
      },
    });
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
      this.toolPolicy.resync();
      void this.reconcile();
    });
  }

  private log(server: string, level: LogEvent['level'], message: string, topic?: LogEvent['topic']): void {
    this.logs.append({ ts: Date.now(), level, server, message, ...(topic ? { topic } : {}) });
  }

  /** Takes the instance lock, creates the connector secret, starts (or, on demand, parks) every enabled server. */
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
    const supervisor = new ProxySupervisor({
      launcher: this.opts.launcher,
      proxyScript: this.opts.proxyScript,
      codeCacheDir: path.join(this.opts.paths.dataDir, 'cache', 'code'),
      secret: this.secret,
      endpointFor: (id) => endpointFor(this.opts.paths, id),
      onLog: (e) => this.logs.append(this.labels.label(e)),
      ...recordReports(this.registry, (id, level, message) => this.log(id, level, message)),
      onElicit: (id, ask) => this.questions.ask(id, this.registry.get(id)?.name ?? id, ask),
      clock: this.opts.clock,
      tokenFor: (id) => this.tokens.tokenFor(id),
      ...policyReports(this.toolPolicy),
      onUnauthorized: (id, info) => this.tokens.renewToken(id, info),
      ...this.opts.supervisor,
    });
    this.fleet.attach(supervisor);
    supervisor.onDidChangeStatus((s) => {
      this.labels.observePid(s.serverId, s.pid);
      if (s.state === 'error' && this.lastState.get(s.serverId) !== 'error') {
        const n = crashLoop({ id: s.serverId, name: this.registry.get(s.serverId)?.name ?? s.serverId }, s.lastError);
        this.opts.notifier?.notify(n.title, n.body, n.options);
      }
      // A new server's tools are listed once it is ready, so its review is there before a client asks.
      if (s.state === 'ready' && this.lastState.get(s.serverId) !== 'ready' && this.toolPolicy.awaitsFirstListing(s.serverId))
        void this.listTools(s.serverId).catch((err: Error) => this.log(s.serverId, 'warn', `Could not list its tools for review: ${err.message}`));
      this.lastState.set(s.serverId, s.state);
      const shown = this.clientStatus(s);
      for (const l of this.statusListeners) l(shown);
    });
    this.tokens.start();
    await Promise.all(
      this.registry
        .list()
        .filter((s) => s.enabled)
        .map((s) => this.fleet.bring(s)),
    );
    this.opts.systemEvents?.onDidWake(() => void this.checkIdleServers());
    void this.installs?.repairAll();
  }

  // ---- proxies -----------------------------------------------------------------------------

  /** Makes the running proxies match the registry (after another process changed settings.json). */
  reconcile = (): Promise<void> => this.fleet.reconcile();

  /** Checks the servers that have no proxy now (wake from sleep, a network change). */
  checkIdleServers = (): Promise<void> => this.fleet.checkIdleNow();

  /** A connector found no proxy for this server: start it, or say why not. */
  ensureRunning = (serverId: string): Promise<ServerStatus> => this.fleet.ensureRunning(serverId);

  /** A status as the window shows it: the counters without the app's own connections and requests. */
  private clientStatus(s: ServerStatus): ServerStatus {
    return { ...s, counters: this.labels.clientCounters(s.serverId, s.counters) };
  }

  // ---- servers -----------------------------------------------------------------------------

  listServers(): ServerSummary[] {
    return this.registry.list().map((r) => this.summary(r));
  }

  private summary(r: ServerRecord): ServerSummary {
    const status = this.fleet.status(r.id);
    return serverSummary(r, status ? this.clientStatus(status) : initialStatus(r.id, r.createdAt), this.tokens);
  }

  /**
   * Adds a server and starts its proxy. A draft (the add flow, until its sign-in finished) is only
   * remembered: not saved, listed or started until `keepServer`.
   */
  async addServer(input: AddServerInput): Promise<ServerSummary> {
    if (input?.clientSecret && !input.clientId) throw new Error('A client secret needs its client ID.');
    if (input?.clientSecret && !this.tokens.canStoreClientSecrets) throw new Error('This host cannot store a client secret.');
    // Without a name it is named after its host for now (autoNamed), and takes the name the server
    // gives itself as soon as its proxy's health check hears it (onServerInfo below).
    if (input?.privateKey) signingAlgorithmFor(input.privateKey); // a key that cannot sign is refused before anything is saved
    const record = this.registry.add(input, { draft: input.draft === true });
    if (input.clientSecret) await this.tokens.storeClientSecret(record.id, input.clientSecret);
    if (input.privateKey) await this.tokens.storePrivateKey(record.id, input.privateKey);
    await this.network.storeProxyPasswordOf(record.id, input.proxy);
    if (input.draft) {
      this.log(record.id, 'info', `Checking ${record.url} before it is added: sign-in first`);
      return this.summary(record);
    }
    this.log(record.id, 'info', `Added ${record.url}`);
    this.welcomeTools(record.id);
    await this.fleet.startIfHosting(record);
    return this.summary(record);
  }

  /** `connect`'s server: found (same URL and header values), updated (same URL and name) or added. */
  findOrAddServer = (input: AddServerInput): Promise<FindOrAddResult> => this.changes.findOrAdd(input);

  /** The add flow is done: the draft is saved and started. */
  keepServer(serverId: string): Promise<ServerSummary> {
    this.welcomeTools(serverId);
    return this.changes.keep(serverId).catch((err: Error) => {
      this.toolPolicy.forget(serverId);
      throw err;
    });
  }

  /** Settings ▸ Tools says "review new servers' tools": its first listing waits for the user. */
  private welcomeTools(serverId: string): void {
    if (this.settings.get().newServerTools === 'review') this.toolPolicy.welcome(serverId);
  }

  /** The add flow was abandoned: the draft and all it left are forgotten. */
  discardServer = (serverId: string): Promise<void> => this.changes.discard(serverId);

  /** The Edit form (server-changes.ts). */
  updateServer = (input: UpdateServerInput): Promise<UpdateServerResult> => this.changes.update(input);

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
    await this.fleet.remove(serverId);
    await this.tokens.forget(serverId);
    this.registry.remove(serverId);
    this.logs.forget(serverId);
    this.labels.forget(serverId);
    this.toolPolicy.forget(serverId);
    this.lastState.delete(serverId);
    return result;
  }

  /** The tools the server offers, listed through its own proxy (it must be ready). */
  async listTools(serverId: string): Promise<ToolInfo[]> {
    const record = this.registry.get(serverId);
    if (!record) throw new Error(`No server "${serverId}".`);
    if (record.enabled && this.secret) await this.fleet.startForUse(serverId, this.opts.toolsTimeoutMs ?? 15_000);
    const why = toolsUnavailable(record, this.secret ? this.fleet.status(serverId) : undefined);
    if (why || !this.secret) throw new Error(why);
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
    if (enabled) await this.fleet.start(record);
    else await this.fleet.stop(serverId);
    return this.summary(record);
  }

  /** Stand-ins on or off for the server, or with `clientId` for that client's install only. */
  async setStandIns(serverId: string, enabled: boolean, clientId?: string): Promise<ServerSummary> {
    const off = new Set(this.registry.get(serverId)?.standInsOffFor);
    if (clientId !== undefined) off[enabled ? 'delete' : 'add'](clientId);
    const record = this.registry.update(serverId, clientId === undefined ? { standIns: enabled } : { standInsOffFor: [...off] });
    // The proxy is started with the setting: a running one restarts to apply it.
    await this.fleet.applyChanges(record, { onlyIfRunning: true });
    const client = clientId && (this.clients?.clients().find((c) => c.id === clientId)?.name ?? clientId);
    const words = enabled ? 'questions a client cannot ask are asked in this window' : 'only clients that can ask questions get them';
    this.log(serverId, 'info', `Stand-ins ${enabled ? 'on' : 'off'}${client ? ` for ${client}` : ''}: ${words}`);
    return this.summary(record);
  }

  listElicitations = (): PendingElicitation[] => this.questions.list();
  answerElicitation = (reply: ElicitationReply): Promise<void> => this.questions.answer(reply);
  onDidChangeElicitations = (listener: (pending: PendingElicitation[]) => void): (() => void) => this.questions.onDidChange(listener);

  async restartServer(serverId: string): Promise<void> {
    const record = this.registry.get(serverId);
    if (!record) throw new Error(`No server "${serverId}".`);
    if (!record.enabled) throw new Error(`"${record.name}" is disabled; enable it first.`);
    await this.fleet.restart(record);
  }

  /** Serve the handler table on the control endpoint (for `connect` and support scripts). */
  serveControl = (dispatch: Dispatch): void => void (this.control = dispatch);

  /** How tokens are stored, for the user (undefined: no sign-in in this host). */
  get vaultSecurity() {
    return this.opts.vault?.security;
  }

  /** The running proxy's pid (diagnostics and tests). */
  proxyPid = (serverId: string): number | undefined => this.fleet.pid(serverId);

  // ---- tool policy (tool-policy/tool-policy-service.ts) ------------------------------------

  toolReview = async (serverId: string): Promise<ToolReview> => this.toolPolicy.review(serverId);
  approveDefinitions = async (serverId: string, kind: DefinitionKind, names: string[] | 'all'): Promise<ToolReview> =>
    this.toolPolicy.approve(serverId, kind, names);
  blockDefinition = async (serverId: string, kind: DefinitionKind, name: string): Promise<ToolReview> => this.toolPolicy.block(serverId, kind, name);
  setToolPolicy = async (serverId: string, mode: ToolPolicyMode): Promise<ToolReview> => this.toolPolicy.setMode(serverId, mode);
  clientTools = (serverId: string): Promise<ClientTools[]> => this.toolPolicy.clients(serverId);
  setToolHidden = (serverId: string, clientId: string, tool: string, hidden: boolean): Promise<ClientTools> =>
    this.toolPolicy.setHidden(serverId, clientId, tool, hidden);
  contextCost = (): Promise<ClientContextCost[]> => this.toolPolicy.contextCost();
  onDidChangeTools = (listener: (e: { serverId: string; pending: number }) => void): (() => void) => this.toolPolicy.onDidChange(listener);

  toolSummary(): Record<string, { pending: number; seen: string[] }> {
    const ids = this.registry.list().map((s) => s.id);
    return Object.fromEntries(ids.map((id) => [id, { pending: this.toolPolicy.pendingCount(id), seen: Object.keys(this.toolPolicy.seenInstalls(id)) }]));
  }

  // ---- sign-in -----------------------------------------------------------------------------

  signIn = (serverId: string): Promise<void> => this.tokens.signIn(serverId);
  resetSignIn = (serverId: string): Promise<void> => this.tokens.resetSignIn(serverId);
  /** The page of the browser sign-in waiting for the user (to open again, or copy), or null. */
  signInPage = (serverId: string): SignInPage | null => this.tokens.signInPage(serverId) ?? null;
  openSignInPage = (serverId: string): Promise<void> => this.tokens.openSignInPage(serverId);

  async cancelSignIn(serverId: string): Promise<void> {
    if (this.tokens.cancelSignIn(serverId)) this.log(serverId, 'info', 'Sign-in cancelled', 'sign-in');
  }

  // ---- clients -----------------------------------------------------------------------------

  private requireClients(): InstallService {
    if (!this.installs) throw new Error('Installing into clients is not available in this host.');
    return this.installs;
  }

  listClients = (): ClientApp[] => this.requireClients().list();
  installStatus = (serverId?: string): Promise<InstallStatus[]> => this.requireClients().status(serverId);
  install = (serverId: string, clientId: string): Promise<InstallResult> => this.requireClients().install(serverId, clientId);
  uninstall = (serverId: string, clientId: string): Promise<InstallResult> => this.requireClients().uninstall(serverId, clientId);
  /** `npx mcp-remote <url>` entries in client configs; header values stay here. */
  findImports = (): Promise<ImportCandidateView[]> => this.requireClients().findImports();

  /** Adds the server of a client's mcp-remote entry and points the entry at Switchboard. */
  async importEntry(clientId: string, entryName: string): Promise<ServerSummary> {
    const id = await this.requireClients().importEntry(clientId, entryName);
    return this.summary(this.registry.get(id)!);
  }

  /** The copies of a client's config kept before Switchboard's changes, newest first. */
  configBackups = (clientId: string): Promise<ConfigBackup[]> => this.requireClients().backups(clientId);
  /** Puts a kept copy back as the client's config (what it replaced is kept as a backup too). */
  restoreBackup = (clientId: string, backupId: string): Promise<RestoreResult> => this.requireClients().restore(clientId, backupId);

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
    if (after.proxyIdleMinutes !== before.proxyIdleMinutes) await this.fleet.settingsChanged();
    return after;
  }

  /** Settings ▸ Network's proxy password (for `proxyUsername`), into the vault; proxies restart with it. */
  async setProxyPassword(password: string | null): Promise<void> {
    await this.network.storeProxyPassword(APP_PROXY, password);
    await this.fleet.restartRunning();
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
      canReveal: !!this.opts.reveal,
      homeDir: homeDir(this.opts.env),
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
  proposeAdd = (proposal: AddProposal): void => this.requests.proposals.put(proposal);
  takeProposal = (): AddProposal | null => this.requests.proposals.take();
  onDidProposeAdd = (listener: (proposal: AddProposal) => void): (() => void) => this.requests.proposals.on(listener);
  /** The tray or a notification asks the window for a view (the add flow, a server's log or sign-in). */
  requestView = (request: ViewRequest): void => this.requests.views.put(request);
  takeViewRequest = (): ViewRequest | null => this.requests.views.take();
  onDidRequestView = (listener: (request: ViewRequest) => void): (() => void) => this.requests.views.on(listener);

  /** Shows a file in the file manager: a client's config or something in the data folder (reveal.ts). */
  async reveal(file: string): Promise<void> {
    if (!this.opts.reveal) throw new Error('This host cannot show files in a file manager.');
    const isConfigFile = (f: string) => this.installs?.isConfigFile(f) ?? false;
    this.opts.reveal(revealTarget(file, { dataDir: this.opts.paths.dataDir, isConfigFile }));
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
    this.questions.dispose();
    await this.fleet.dispose();
    await this.opts.auth?.dispose();
    this.logs.dispose();
    await new Promise<void>((r) => (this.lock ? this.lock.close(() => r()) : r()));
  }
}
