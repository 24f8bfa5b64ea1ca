/**
 * The app without its windows: server registry, proxy supervisor and log store wired together.
 * The Electron composition root (main/index.ts) and the headless host (main/headless) both build
 * one of these with their own ports.
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
  ImportCandidateView,
  InstallResult,
  InstallStatus,
  LogEvent,
  ProbeInput,
  ProbeResult,
  RemoveResult,
  ServerStatus,
  ServerSummary,
  SignInState,
  ToolInfo,
} from '../../common/contract';
import type { SwitchboardCore } from './api/core-port';
import { isChoiceVault } from './auth/choice-vault';
import type { AuthEngine, AuthServerConfig, SecretVault } from './auth/types';
import { writeDiagnostics, type DiagnosticsClient } from './logs/diagnostics';
import { SettingsService } from './settings';
import { openSettingsStore, TrackedSettingsStore, type SettingsStore } from './settings-store';
import { probeServer } from './servers/probe';
import { listToolsThroughProxy } from './servers/tools';
import { tokenHash } from '../shared/token-hash';
import { acquireInstanceLock } from './instance-lock';
import { serveControlConnection, type Dispatch } from './control';
import { LogStore } from './logs/log-store';
import { defaultDataDir, endpointFor, type Env } from '../shared/paths';
import type { ChildLauncher, Clock, LoginItems, Notifier, Paths } from './ports';
import { loadOrCreateSecret } from '../shared/secret-file';
import { resolveHeaders, validateName, validateServerUrl, type ServerRecord } from './servers/server-model';
import { ServerRegistry } from './servers/server-registry';
import { ProxySupervisor, type SupervisorOptions } from './supervisor/proxy-supervisor';
import { initialStatus } from './supervisor/status';
import { ClientService, type ChangeResult, type Launcher } from './clients';

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
  /** How often tokens are checked for proactive refresh. */
  tokenCheckMs?: number;
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
}

/** Rotated log files are pruned this often (and at start, and when the retention changes). */
const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;
/** Events per server in the diagnostics bundle. */
const DIAGNOSTIC_EVENTS = 200;

/** The part of a record that its running proxy depends on. */
function proxyKey(r: ServerRecord): string {
  return JSON.stringify([r.url, r.headers]);
}

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

const CLIENT_SECRET_KEY = (serverId: string) => `client-secret:${serverId}`;

export class AppCore implements SwitchboardCore {
  readonly registry: ServerRegistry;
  readonly logs: LogStore;
  readonly settings: SettingsService;
  /** Client config installer; absent when the host gave no launcher. */
  readonly clients?: ClientService;
  private supervisor?: ProxySupervisor;
  private lock?: net.Server;
  private secret?: string;
  private readonly serverListeners = new Set<(servers: ServerSummary[]) => void>();
  private readonly statusListeners = new Set<(status: ServerStatus) => void>();
  /** Fingerprint of the token each proxy holds, to push only changes. */
  private readonly pushed = new Map<string, string | undefined>();
  private tokenTimer?: NodeJS.Timeout;
  private readonly lastState = new Map<string, ServerStatus['state']>();
  private proposal: AddProposal | null = null;
  private readonly proposalListeners = new Set<(p: AddProposal) => void>();
  private control?: Dispatch;
  private pruneTimer?: NodeJS.Timeout;
  /** Expiry of the access token each server holds (from the engine's stored tokens). */
  private readonly tokenExpiry = new Map<string, number>();
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
    if (opts.clientLauncher) {
      // Entries name the data directory when a client started from a desktop launcher would not find it.
      const launcher = opts.paths.dataDir === defaultDataDir(opts.env) ? opts.clientLauncher : { ...opts.clientLauncher, dataDir: opts.paths.dataDir };
      this.clients = new ClientService({ env: opts.env, launcher, backupDir: path.join(opts.paths.dataDir, 'backups') });
    }
    this.registry.onDidChange(() => this.emitServers());
    // Another process changed settings.json (a command line of another version, a hand edit):
    // bring the proxies and the window in line with it. Our own writes are applied where they are
    // made, so only changes reported outside them are reconciled.
    this.unwatchStore = store.onDidChangeElsewhere(() => {
      this.emitServers();
      this.settings.announce();
      void this.reconcile();
    });
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
      this.logs.append({ ts: Date.now(), level: 'info', server: id, message: 'Removed outside this window; stopping its proxy' });
      work.push(supervisor.remove(id));
      this.startedWith.delete(id);
    }
    for (const r of records) {
      const running = supervisor.isWanted(r.id);
      if (r.enabled && (!running || this.startedWith.get(r.id) !== proxyKey(r))) {
        if (!running) this.logs.append({ ts: Date.now(), level: 'info', server: r.id, message: 'Added or enabled outside this window; starting its proxy' });
        work.push(this.startProxy(r));
      } else if (!r.enabled && running) {
        work.push(supervisor.stop(r.id));
      }
    }
    await Promise.all(
      work.map((p) =>
        p.catch((err: Error) =>
          this.logs.append({ ts: Date.now(), level: 'warn', server: '*', message: `Could not apply a change to settings.json: ${err.message}` }),
        ),
      ),
    );
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
    // The weak-storage choice applies before any token is read.
    if (isChoiceVault(this.opts.vault)) {
      await this.opts.vault.setChoice(settings.weakStorage).catch((err: Error) =>
        this.logs.append({
          ts: Date.now(),
          level: 'warn',
          server: '*',
          message: `Could not apply the token storage choice "${settings.weakStorage}": ${err.message}`,
        }),
      );
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
      clock: this.opts.clock,
      tokenFor: (id) => this.tokenFor(id),
      onUnauthorized: (id, info) => this.renewToken(id, info),
      ...this.opts.supervisor,
    });
    if (this.opts.auth) {
      this.opts.auth.onDidChangeState((change) => {
        this.emitServers();
        void this.refreshTokenInfo(change.serverId);
        this.logs.append({
          ts: Date.now(),
          level: change.state === 'error' ? 'warn' : 'info',
          server: change.serverId,
          message: `Sign-in: ${change.state}${change.detail ? ` (${change.detail})` : ''}`,
        });
      });
      this.tokenTimer = setInterval(() => void this.refreshTokens(), this.opts.tokenCheckMs ?? 30_000);
      this.tokenTimer.unref();
    }
    this.supervisor.onDidChangeStatus((s) => {
      if (s.state === 'error' && this.lastState.get(s.serverId) !== 'error') {
        const name = this.registry.get(s.serverId)?.name ?? s.serverId;
        this.opts.notifier?.notify(`${name} stopped`, `Its proxy kept crashing: ${s.lastError ?? 'see the log'}. Fix the cause, then press Restart.`);
      }
      this.lastState.set(s.serverId, s.state);
      for (const l of this.statusListeners) l(s);
    });
    await Promise.all(
      this.registry
        .list()
        .filter((s) => s.enabled)
        .map((s) => this.startProxy(s)),
    );
    for (const r of this.registry.list()) void this.refreshTokenInfo(r.id);
    void this.repairClientEntries();
  }

  /** Entries of ours that point at an old app location are rewritten; user-edited ones are left. */
  private async repairClientEntries(): Promise<void> {
    if (!this.clients) return;
    const results = await this.clients
      .repairAll(this.registry.list().map((s) => s.id))
      .catch((err: Error) => [{ clientId: '*', serverId: '*', error: err.message }]);
    for (const r of results) {
      if ('error' in r)
        this.logs.append({ ts: Date.now(), level: 'warn', server: r.serverId, message: `Could not repair the ${r.clientId} entry: ${r.error}` });
      else if (r.changed)
        this.logs.append({
          ts: Date.now(),
          level: 'info',
          server: r.serverId,
          message: `Repaired the ${r.clientId} entry "${r.name}" in ${r.file}; ${r.restartHint}`,
        });
    }
  }

  // ---- clients ----------------------------------------------------------------------------

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
    this.logs.append({ ts: Date.now(), level: 'info', server: serverId, message: `Installed into ${clientId} as "${r.name}" (${r.file}); ${r.restartHint}` });
    return installResult(r);
  }

  async uninstall(serverId: string, clientId: string): Promise<InstallResult> {
    const r = await this.requireClients().uninstall(serverId, clientId);
    this.logs.append({ ts: Date.now(), level: 'info', server: serverId, message: `Removed from ${clientId} (${r.file}); ${r.restartHint}` });
    return installResult(r);
  }

  /** `npx mcp-remote <url>` entries in client configs; header values stay here. */
  async findImports(): Promise<ImportCandidateView[]> {
    const svc = this.requireClients();
    const names = new Map(svc.clients().map((c) => [c.id, c.name]));
    return (await svc.findImportable()).map((c) => ({
      clientId: c.clientId,
      clientName: names.get(c.clientId) ?? c.clientId,
      file: c.file,
      entryName: c.entryName,
      url: c.url,
      headerNames: Object.keys(c.headers),
    }));
  }

  /**
   * Adds the server of a client's mcp-remote entry (or reuses the one with the same URL and
   * headers) and points the entry at Switchboard (after a backup). A server added here is removed
   * again when the client's file cannot be changed.
   */
  async importEntry(clientId: string, entryName: string): Promise<ServerSummary> {
    const svc = this.requireClients();
    const candidate = (await svc.findImportable()).find((c) => c.clientId === clientId && c.entryName === entryName);
    if (!candidate) throw new Error(`No "npx mcp-remote" entry named "${entryName}" in the ${clientId} config (it may have changed; look again).`);
    const url = validateServerUrl(candidate.url);
    if (!url.ok) throw new Error(`"${entryName}" cannot be imported: ${url.error}`);
    const same = (r: ServerRecord) => r.url === url.value && JSON.stringify(r.headers) === JSON.stringify(candidate.headers);
    let record = this.registry.list().find(same);
    let added = false;
    if (!record) {
      const name = validateName(entryName);
      await this.addServer({ url: url.value, name: name.ok ? name.value : undefined, headers: candidate.headers });
      record = this.registry.list().find(same)!;
      added = true;
    }
    try {
      const r = await svc.replaceImported(candidate, record.id);
      this.logs.append({ ts: Date.now(), level: 'info', server: record.id, message: `Imported "${entryName}" from ${clientId} (${r.file}); ${r.restartHint}` });
    } catch (err) {
      if (added) await this.removeServer(record.id, { keepInClients: true }).catch(() => undefined);
      throw err;
    }
    return this.summary(this.registry.get(record.id)!);
  }

  private startProxy(record: ServerRecord): Promise<void> {
    this.startedWith.set(record.id, proxyKey(record));
    const { headers, missing } = resolveHeaders(record.headers, this.opts.env);
    this.logs.redactor.add(...Object.values(headers));
    if (missing.length) {
      this.logs.append({
        ts: Date.now(),
        level: 'warn',
        server: record.id,
        message: `Environment variable(s) ${missing.join(', ')} used in headers are not set; sending them empty`,
      });
    }
    return this.requireSupervisor().start({ id: record.id, name: record.name, url: record.url, headers, transport: record.transport });
  }

  private requireSupervisor(): ProxySupervisor {
    if (!this.supervisor) throw new Error('MCP Switchboard core is not started');
    return this.supervisor;
  }

  listServers(): ServerSummary[] {
    return this.registry.list().map((r) => this.summary(r));
  }

  private summary(r: ServerRecord): ServerSummary {
    return {
      id: r.id,
      name: r.name,
      url: r.url,
      enabled: r.enabled,
      headerNames: Object.keys(r.headers),
      status: this.supervisor?.status(r.id) ?? initialStatus(r.id, r.createdAt),
      signIn: this.signInState(r.id),
      ...(this.tokenExpiry.has(r.id) ? { tokenExpiresAt: this.tokenExpiry.get(r.id) } : {}),
    };
  }

  /** Reads the expiry of the held token (and registers the tokens with the redactor). */
  private async refreshTokenInfo(serverId: string): Promise<void> {
    const held = await this.opts.auth?.heldTokens?.(serverId).catch(() => undefined);
    if (held) this.logs.redactor.add(held.accessToken, held.refreshToken);
    const before = this.tokenExpiry.get(serverId);
    if (held?.expiresAt !== undefined && this.registry.get(serverId)) this.tokenExpiry.set(serverId, held.expiresAt);
    else this.tokenExpiry.delete(serverId);
    if (before !== this.tokenExpiry.get(serverId)) this.emitServers();
  }

  private signInState(serverId: string): SignInState {
    const s = this.opts.auth?.state(serverId) ?? 'unknown';
    return s === 'unknown' ? 'none' : s;
  }

  async addServer(input: AddServerInput): Promise<ServerSummary> {
    if (input?.clientSecret && !input.clientId) throw new Error('A client secret needs its client ID.');
    if (input?.clientSecret && !this.opts.vault) throw new Error('This host cannot store a client secret.');
    const record = this.registry.add(input);
    if (input.clientSecret) {
      await this.opts.vault!.set(CLIENT_SECRET_KEY(record.id), input.clientSecret);
      this.logs.redactor.add(input.clientSecret);
    }
    this.logs.append({ ts: Date.now(), level: 'info', server: record.id, message: `Added ${record.url}` });
    if (this.supervisor) await this.startProxy(record);
    return this.summary(record);
  }

  /** What the add flow learns about a URL before adding it. */
  probeServer(input: ProbeInput): Promise<ProbeResult> {
    return probeServer(input, { env: this.opts.env, timeoutMs: this.opts.probeTimeoutMs });
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
    if (this.opts.auth) await this.opts.auth.reset(await this.authConfig(serverId)).catch(() => {});
    await this.opts.vault?.delete(CLIENT_SECRET_KEY(serverId));
    this.registry.remove(serverId);
    this.logs.forget(serverId);
    this.tokenExpiry.delete(serverId);
    this.pushed.delete(serverId);
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

  // ---- sign-in ---------------------------------------------------------------------------

  private async authConfig(serverId: string): Promise<AuthServerConfig> {
    const r = this.registry.get(serverId);
    if (!r) throw new Error(`No server "${serverId}".`);
    const clientSecret = r.clientId ? await this.opts.vault?.get(CLIENT_SECRET_KEY(serverId)) : undefined;
    this.logs.redactor.add(clientSecret);
    return { id: r.id, name: r.name, url: r.url, clientId: r.clientId, clientSecret, scopes: r.scopes };
  }

  private requireAuth(): AuthEngine {
    if (!this.opts.auth) throw new Error('Sign-in is not available in this host.');
    return this.opts.auth;
  }

  /** Browser sign-in; resolves when the proxy has the new token. A second call joins the first. */
  async signIn(serverId: string): Promise<void> {
    const auth = this.requireAuth();
    const cfg = await this.authConfig(serverId);
    await auth.signIn(cfg);
    this.pushToken(serverId, await auth.accessToken(cfg));
    await this.refreshTokenInfo(serverId);
  }

  /** The token reset button: revoke, forget tokens and registration, show "Sign in" again. */
  async resetSignIn(serverId: string): Promise<void> {
    const auth = this.requireAuth();
    await auth.reset(await this.authConfig(serverId));
    this.pushToken(serverId, undefined, true);
    await this.refreshTokenInfo(serverId);
  }

  private async tokenFor(serverId: string): Promise<string | undefined> {
    if (!this.opts.auth) return undefined;
    const token = await this.opts.auth.accessToken(await this.authConfig(serverId)).catch(() => undefined);
    this.pushed.set(serverId, token ? tokenHash(token) : undefined);
    return token;
  }

  private pushToken(serverId: string, token: string | undefined, force = false): void {
    const hash = token ? tokenHash(token) : undefined;
    if (!force && this.pushed.get(serverId) === hash) return;
    this.pushed.set(serverId, hash);
    this.supervisor?.sendToken(serverId, token);
  }

  /** A proxy's token was refused: someone may have refreshed already; else refresh; else sign in. */
  private async renewToken(serverId: string, info: { status: number; wwwAuthenticate?: string; tokenHash?: string }): Promise<string | undefined> {
    const auth = this.opts.auth;
    if (!auth) return undefined;
    const cfg = await this.authConfig(serverId);
    if (info.status === 401) {
      const current = await auth.accessToken(cfg).catch(() => undefined);
      if (current && tokenHash(current) !== info.tokenHash) return this.remember(serverId, current);
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
    return this.remember(serverId, token);
  }

  private remember(serverId: string, token: string | undefined): string | undefined {
    this.pushed.set(serverId, token ? tokenHash(token) : undefined);
    this.logs.redactor.add(token);
    void this.refreshTokenInfo(serverId);
    return token;
  }

  /** Proactive refresh: the engine renews tokens close to expiry; proxies get the new ones. */
  private async refreshTokens(): Promise<void> {
    const auth = this.opts.auth;
    if (!auth) return;
    for (const r of this.registry.list()) {
      if (!r.enabled || auth.state(r.id) !== 'signed-in') continue;
      const token = await auth.accessToken(await this.authConfig(r.id)).catch(() => undefined);
      if (token) this.pushToken(r.id, token);
      await this.refreshTokenInfo(r.id);
    }
  }

  tailLogs(serverId: string | undefined, limit?: number): LogEvent[] {
    return serverId === undefined ? this.logs.tailAll(limit) : this.logs.tail(serverId, limit);
  }

  // ---- settings, app info, diagnostics ------------------------------------------------------

  getSettings(): AppSettings {
    return this.settings.get();
  }

  /** Validates and saves; then applies what changed (vault storage mode, log retention). */
  async setSettings(patch: Partial<AppSettings>): Promise<AppSettings> {
    const before = this.settings.get();
    const after = this.settings.set(patch);
    if (after.weakStorage !== before.weakStorage && isChoiceVault(this.opts.vault)) await this.opts.vault.setChoice(after.weakStorage);
    if (after.logRetentionDays !== before.logRetentionDays) this.pruneLogs(after.logRetentionDays);
    return after;
  }

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

  /**
   * Writes the diagnostics bundle (0600, <dataDir>/diagnostics/). Every secret the core knows
   * (header values, client secrets, held tokens, the connector secret) is registered with the
   * redactor first, and the whole text passes it once more.
   */
  async exportDiagnostics(): Promise<DiagnosticsBundle> {
    const redactor = this.logs.redactor;
    const records = this.registry.list();
    for (const r of records) {
      redactor.add(...Object.values(r.headers), ...Object.values(resolveHeaders(r.headers, this.opts.env).headers));
      if (r.clientId) redactor.add(await this.opts.vault?.get(CLIENT_SECRET_KEY(r.id)).catch(() => undefined));
      const held = await this.opts.auth?.heldTokens?.(r.id).catch(() => undefined);
      if (held) redactor.add(held.accessToken, held.refreshToken);
    }
    redactor.add(this.secret);
    let clients: DiagnosticsClient[] | { error: string } | undefined;
    if (this.clients) {
      try {
        const status = await this.installStatus();
        clients = this.listClients().map((c) => ({
          id: c.id,
          name: c.name,
          present: c.present,
          configPath: c.configPath,
          installs: status.filter((s) => s.clientId === c.id).map(({ clientId: _c, ...rest }) => rest),
        }));
      } catch (err) {
        clients = { error: (err as Error).message };
      }
    }
    const logs: Record<string, LogEvent[]> = {};
    for (const id of new Set([...records.map((r) => r.id), ...this.logs.servers()])) logs[id] = this.logs.tail(id, DIAGNOSTIC_EVENTS);
    const summaries = new Map(this.listServers().map((s) => [s.id, s]));
    return writeDiagnostics(
      this.opts.paths.dataDir,
      {
        app: { version: this.opts.version ?? '0.1.0', dataDir: this.opts.paths.dataDir },
        servers: records.map((r) => {
          const s = summaries.get(r.id)!;
          return {
            id: r.id,
            name: r.name,
            url: r.url,
            enabled: r.enabled,
            headerNames: Object.keys(r.headers),
            ...(r.clientId ? { clientId: r.clientId } : {}),
            status: s.status,
            transport: r.transport,
            signIn: s.signIn,
            signInDetail: this.opts.auth?.status(r.id).detail,
            tokenExpiresAt: s.tokenExpiresAt,
          };
        }),
        settings: this.settings.get(),
        clients,
        secretStorage: this.appInfo().secretStorage,
        logs,
      },
      redactor,
    );
  }

  /** The running proxy's pid (diagnostics and tests). */
  proxyPid(serverId: string): number | undefined {
    return this.supervisor?.pid(serverId);
  }

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
    this.unwatchStore?.();
    if (this.tokenTimer) clearInterval(this.tokenTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.supervisor?.dispose();
    await this.opts.auth?.dispose();
    this.logs.dispose();
    await new Promise<void>((r) => (this.lock ? this.lock.close(() => r()) : r()));
  }
}
