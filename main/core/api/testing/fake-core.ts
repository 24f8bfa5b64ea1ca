/**
 * FAKE SwitchboardCore: an in-memory stand-in used only by the unit tests of the handler table and
 * the Electron adapters. It has no supervisor, no proxies and no files; the real AppCore is tested
 * in main/core. Calls are recorded so tests can assert what reached the core.
 */
import type {
  EnterpriseConfigureInput,
  EnterpriseStatus,
  AddProposal,
  AddServerInput,
  AppSettings,
  FindOrAddResult,
  ImportCandidateView,
  LogEvent,
  ProbeInput,
  ProbeResult,
  RemoveResult,
  ServerState,
  ServerStatus,
  ServerSummary,
  ToolInfo,
} from '../../../../common/contract';
import type { SwitchboardCore } from '../core-port';

type Listener<T> = (value: T) => void;

class Emitter<T> {
  private listeners = new Set<Listener<T>>();
  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  get size(): number {
    return this.listeners.size;
  }
}

export function fakeStatus(serverId: string, state: ServerState = 'ready', extra: Partial<ServerStatus> = {}): ServerStatus {
  return {
    serverId,
    state,
    since: 1_700_000_000_000,
    restarts: 0,
    counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 },
    ...extra,
  };
}

export function fakeServer(id: string, state: ServerState = 'ready', extra: Partial<ServerSummary> = {}): ServerSummary {
  return {
    id,
    name: id,
    url: `https://${id}.example.com/mcp`,
    signIn: 'none',
    enabled: true,
    headerNames: [],
    status: fakeStatus(id, state),
    ...extra,
  };
}

export class FakeSwitchboardCore implements SwitchboardCore {
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  servers: ServerSummary[] = [];
  logs: LogEvent[] = [];
  /** When set, the next core method call throws this (synchronously for sync methods). */
  failNext: unknown = undefined;
  readonly status = new Emitter<ServerStatus>();
  readonly list = new Emitter<ServerSummary[]>();
  readonly appended = new Emitter<LogEvent[]>();
  readonly settingsChanged = new Emitter<AppSettings>();
  settings: AppSettings = { launchAtLogin: false, logRetentionDays: 14, theme: 'system', weakStorage: 'ask' };
  tools: Record<string, ToolInfo[]> = {};
  imports: ImportCandidateView[] = [];
  private nextId = 1;

  constructor(servers: ServerSummary[] = []) {
    this.servers = servers;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failNext !== undefined) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
  }

  private find(serverId: string): ServerSummary {
    const s = this.servers.find((x) => x.id === serverId);
    if (!s) throw new Error(`No server "${serverId}"`);
    return s;
  }

  listServers(): ServerSummary[] {
    this.record('listServers');
    return this.servers.map((s) => ({ ...s }));
  }

  async addServer(input: AddServerInput): Promise<ServerSummary> {
    this.record('addServer', input);
    if (!/^https?:\/\//.test(input.url)) throw new Error(`Not an http(s) URL: ${input.url}`);
    const id = `s${this.nextId++}`;
    const summary = fakeServer(id, 'starting', {
      name: input.name ?? new URL(input.url).hostname,
      url: input.url,
      headerNames: Object.keys(input.headers ?? {}),
    });
    this.servers.push(summary);
    this.list.fire(this.servers);
    return summary;
  }

  /** The fake keeps no header values, so it finds nothing: it adds (AppCore's matching is tested in main/core). */
  async findOrAddServer(input: AddServerInput): Promise<FindOrAddResult> {
    this.record('findOrAddServer', input);
    return { serverId: (await this.addServer(input)).id, outcome: 'added' };
  }

  async removeServer(serverId: string, opts?: { keepInClients?: boolean }): Promise<RemoveResult> {
    this.record('removeServer', serverId, opts);
    this.find(serverId);
    this.servers = this.servers.filter((s) => s.id !== serverId);
    this.list.fire(this.servers);
    return {
      uninstalled: opts?.keepInClients
        ? []
        : [
            {
              serverId,
              clientId: 'claude-desktop',
              name: serverId,
              file: '/fake/claude_desktop_config.json',
              changed: true,
              restartHint: 'Quit and reopen Claude Desktop',
            },
          ],
      failed: [],
    };
  }

  async probeServer(input: ProbeInput): Promise<ProbeResult> {
    this.record('probeServer', input);
    if (!/^https?:\/\//.test(input.url)) throw new Error(`Not an http(s) URL: ${input.url}`);
    const host = new URL(input.url).hostname;
    return { url: input.url, reachable: true, transport: 'streamable-http', signIn: 'not-needed', serverName: host, suggestedName: host };
  }

  async listTools(serverId: string): Promise<ToolInfo[]> {
    this.record('listTools', serverId);
    this.find(serverId);
    return this.tools[serverId] ?? [];
  }

  async exportDiagnostics() {
    this.record('exportDiagnostics');
    return { file: '/fake/diagnostics/diagnostics.json', bytes: 42 };
  }

  async findImports(): Promise<ImportCandidateView[]> {
    this.record('findImports');
    return this.imports.map((c) => ({ ...c }));
  }

  async importEntry(clientId: string, entryName: string): Promise<ServerSummary> {
    this.record('importEntry', clientId, entryName);
    const c = this.imports.find((x) => x.clientId === clientId && x.entryName === entryName);
    if (!c) throw new Error(`No "npx mcp-remote" entry named "${entryName}"`);
    this.imports = this.imports.filter((x) => x !== c);
    return this.addServer({ url: c.url, name: c.entryName });
  }

  getSettings(): AppSettings {
    this.record('getSettings');
    return { ...this.settings };
  }

  async setProxyPassword(password: string | null): Promise<void> {
    this.record('setProxyPassword', password === null ? null : '(set)');
  }

  enterprise: EnterpriseStatus = { configured: false, hasClientSecret: false, signedIn: false };

  async enterpriseStatus(): Promise<EnterpriseStatus> {
    this.record('enterpriseStatus');
    return { ...this.enterprise };
  }

  async configureEnterprise(input: EnterpriseConfigureInput): Promise<EnterpriseStatus> {
    this.record('configureEnterprise', input.issuer, input.clientId);
    this.enterprise = { ...this.enterprise, configured: true, issuer: input.issuer, clientId: input.clientId, hasClientSecret: !!input.clientSecret };
    return { ...this.enterprise };
  }

  async signInToEnterprise(): Promise<EnterpriseStatus> {
    this.record('signInToEnterprise');
    this.enterprise = { ...this.enterprise, signedIn: true };
    return { ...this.enterprise };
  }

  async signOutOfEnterprise(): Promise<EnterpriseStatus> {
    this.record('signOutOfEnterprise');
    this.enterprise = { ...this.enterprise, signedIn: false };
    return { ...this.enterprise };
  }

  async setSettings(patch: Partial<AppSettings>): Promise<AppSettings> {
    this.record('setSettings', patch);
    this.settings = { ...this.settings, ...patch };
    this.settingsChanged.fire({ ...this.settings });
    return { ...this.settings };
  }

  onDidChangeSettings(listener: (settings: AppSettings) => void): () => void {
    return this.settingsChanged.on(listener);
  }

  async setEnabled(serverId: string, enabled: boolean): Promise<ServerSummary> {
    this.record('setEnabled', serverId, enabled);
    const s = this.find(serverId);
    s.enabled = enabled;
    s.status = fakeStatus(serverId, enabled ? 'starting' : 'stopped');
    this.status.fire(s.status);
    return { ...s };
  }

  async restartServer(serverId: string): Promise<void> {
    this.record('restartServer', serverId);
    this.find(serverId).status.restarts += 1;
  }

  async ensureRunning(serverId: string): Promise<ServerStatus> {
    this.record('ensureRunning', serverId);
    return this.find(serverId).status;
  }

  async signIn(serverId: string): Promise<void> {
    this.record('signIn', serverId);
    const s = this.find(serverId);
    s.status = fakeStatus(serverId, 'ready');
    this.status.fire(s.status);
  }

  async resetSignIn(serverId: string): Promise<void> {
    this.record('resetSignIn', serverId);
    const s = this.find(serverId);
    s.status = fakeStatus(serverId, 'needs-sign-in');
    this.status.fire(s.status);
  }

  proposal: AddProposal | null = null;
  private readonly proposals = new Set<(p: AddProposal) => void>();

  /** What a link would do: keep the proposal for takeProposal and announce it. */
  propose(p: AddProposal): void {
    this.proposal = p;
    for (const l of this.proposals) l(p);
  }

  takeProposal(): AddProposal | null {
    this.record('takeProposal');
    const p = this.proposal;
    this.proposal = null;
    return p;
  }

  onDidProposeAdd(listener: (p: AddProposal) => void): () => void {
    this.proposals.add(listener);
    return () => this.proposals.delete(listener);
  }

  listClients() {
    this.record('listClients');
    return [{ id: 'claude-desktop', name: 'Claude Desktop', present: true, restartHint: 'Quit and reopen Claude Desktop' }];
  }

  async installStatus(serverId?: string) {
    this.record('installStatus', serverId);
    return this.servers
      .filter((s) => !serverId || s.id === serverId)
      .map((s) => ({ serverId: s.id, clientId: 'claude-desktop', state: 'not-installed' as const }));
  }

  async install(serverId: string, clientId: string) {
    this.record('install', serverId, clientId);
    return { serverId, clientId, name: serverId, file: '/fake/claude_desktop_config.json', changed: true, restartHint: 'Quit and reopen Claude Desktop' };
  }

  async uninstall(serverId: string, clientId: string) {
    this.record('uninstall', serverId, clientId);
    return { serverId, clientId, name: serverId, file: '/fake/claude_desktop_config.json', changed: true, restartHint: 'Quit and reopen Claude Desktop' };
  }

  tailLogs(serverId: string | undefined, limit?: number): LogEvent[] {
    this.record('tailLogs', serverId, limit);
    const mine = this.logs.filter((e) => serverId === undefined || e.server === serverId).sort((a, b) => a.ts - b.ts);
    return limit === undefined ? mine : mine.slice(-limit);
  }

  onDidChangeStatus(listener: (status: ServerStatus) => void): () => void {
    return this.status.on(listener);
  }

  onDidChangeServers(listener: (servers: ServerSummary[]) => void): () => void {
    return this.list.on(listener);
  }

  onDidAppendLogs(listener: (events: LogEvent[]) => void): () => void {
    return this.appended.on(listener);
  }

  /** Number of live subscriptions across all events (for dispose tests). */
  get listenerCount(): number {
    return this.status.size + this.list.size + this.appended.size + this.proposals.size + this.settingsChanged.size;
  }
}
