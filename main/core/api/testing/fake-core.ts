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
  ClientContextCost,
  ClientTools,
  DefinitionKind,
  ElicitationReply,
  ImportCandidateView,
  LogEvent,
  PendingElicitation,
  ProbeInput,
  ProbeResult,
  RemoveResult,
  RestoreResult,
  ServerState,
  ServerStatus,
  ServerSummary,
  SignInPage,
  ToolInfo,
  UpdateServerInput,
  UpdateServerResult,
  ViewRequest,
  ToolPolicyMode,
  ToolReview,
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
  readonly toolsChanged = new Emitter<{ serverId: string; pending: number }>();
  toolPolicyMode: ToolPolicyMode = 'ask';
  settings: AppSettings = { launchAtLogin: false, logRetentionDays: 14, proxyIdleMinutes: 5, theme: 'system', weakStorage: 'ask', newServerTools: 'review' };
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
    const summary = fakeServer(id, input.draft ? 'stopped' : 'starting', {
      name: input.name ?? new URL(input.url).hostname,
      url: input.url,
      headerNames: Object.keys(input.headers ?? {}),
    });
    if (input.draft) {
      this.drafts.push(summary);
      return summary;
    }
    this.servers.push(summary);
    this.list.fire(this.servers);
    return summary;
  }

  /** The fake keeps no header values, so it finds nothing: it adds (AppCore's matching is tested in main/core). */
  async findOrAddServer(input: AddServerInput): Promise<FindOrAddResult> {
    this.record('findOrAddServer', input);
    return { serverId: (await this.addServer(input)).id, outcome: 'added' };
  }

  /** Drafts of the add flow: not listed until kept. */
  drafts: ServerSummary[] = [];

  async keepServer(serverId: string): Promise<ServerSummary> {
    this.record('keepServer', serverId);
    const d = this.drafts.find((x) => x.id === serverId);
    if (!d) throw new Error(`No draft "${serverId}"`);
    this.drafts = this.drafts.filter((x) => x !== d);
    this.servers.push(d);
    this.list.fire(this.servers);
    return { ...d };
  }

  async discardServer(serverId: string): Promise<void> {
    this.record('discardServer', serverId);
    if (!this.drafts.some((x) => x.id === serverId)) throw new Error(`"${serverId}" is not a server being added`);
    this.drafts = this.drafts.filter((x) => x.id !== serverId);
  }

  async updateServer(input: UpdateServerInput): Promise<UpdateServerResult> {
    this.record('updateServer', input);
    const s = this.find(input.serverId);
    if (input.name !== undefined) s.name = input.name;
    if (input.url !== undefined) s.url = input.url;
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      s.headerNames = s.headerNames.filter((h) => h !== name);
      if (value !== null) s.headerNames.push(name);
    }
    return { server: { ...s }, signedOut: input.url !== undefined };
  }

  signInPages: Record<string, SignInPage> = {};

  signInPage(serverId: string): SignInPage | null {
    this.record('signInPage', serverId);
    this.find(serverId);
    return this.signInPages[serverId] ?? null;
  }

  async openSignInPage(serverId: string): Promise<void> {
    this.record('openSignInPage', serverId);
    if (!this.signInPages[serverId]) throw new Error('No sign-in is waiting for the browser');
  }

  async cancelSignIn(serverId: string): Promise<void> {
    this.record('cancelSignIn', serverId);
    delete this.signInPages[serverId];
  }

  async configBackups(clientId: string) {
    this.record('configBackups', clientId);
    return [{ id: 'claude_desktop_config.json.2026-03-03T14-30-00-000Z.bak', createdAt: 1_700_000_000_000, bytes: 120 }];
  }

  async restoreBackup(clientId: string, backupId: string): Promise<RestoreResult> {
    this.record('restoreBackup', clientId, backupId);
    if (!backupId.endsWith('.bak')) throw new Error(`There is no backup "${backupId}"`);
    return { clientId, file: '/fake/claude_desktop_config.json', restartHint: 'Quit and reopen Claude Desktop' };
  }

  async reveal(file: string): Promise<void> {
    this.record('reveal', file);
    if (!file.startsWith('/fake/')) throw new Error('Switchboard only shows its own files');
  }

  viewRequest: ViewRequest | null = null;
  private readonly views = new Set<(v: ViewRequest) => void>();

  requestView(v: ViewRequest): void {
    this.viewRequest = v;
    for (const l of this.views) l(v);
  }

  takeViewRequest(): ViewRequest | null {
    this.record('takeViewRequest');
    const v = this.viewRequest;
    this.viewRequest = null;
    return v;
  }

  onDidRequestView(listener: (v: ViewRequest) => void): () => void {
    this.views.add(listener);
    return () => this.views.delete(listener);
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

  async setStandIns(serverId: string, enabled: boolean, clientId?: string): Promise<ServerSummary> {
    this.record('setStandIns', serverId, enabled, clientId);
    const s = this.find(serverId);
    if (clientId === undefined) s.standIns = enabled;
    else {
      const off = new Set(s.standInsOffFor ?? []);
      if (enabled) off.delete(clientId);
      else off.add(clientId);
      s.standInsOffFor = off.size ? [...off].sort() : undefined;
    }
    return { ...s };
  }

  /** Questions waiting on the user; `elicitationsChanged` announces them. */
  elicitations: PendingElicitation[] = [];
  readonly elicitationsChanged = new Emitter<PendingElicitation[]>();

  listElicitations(): PendingElicitation[] {
    this.record('listElicitations');
    return this.elicitations.map((e) => ({ ...e }));
  }

  async answerElicitation(reply: ElicitationReply): Promise<void> {
    this.record('answerElicitation', reply);
    this.elicitations = this.elicitations.filter((e) => e.id !== reply.id);
    this.elicitationsChanged.fire(this.elicitations);
  }

  onDidChangeElicitations(listener: (pending: PendingElicitation[]) => void): () => void {
    return this.elicitationsChanged.on(listener);
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
    return [
      {
        id: 'claude-desktop',
        name: 'Claude Desktop',
        present: true,
        restartHint: 'Quit and reopen Claude Desktop',
        removeHint: 'Claude Desktop drops it the next time it starts',
      },
    ];
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

  private review(serverId: string): ToolReview {
    this.find(serverId);
    return { serverId, mode: this.toolPolicyMode, items: [], pending: 0 };
  }

  async toolReview(serverId: string): Promise<ToolReview> {
    this.record('toolReview', serverId);
    return this.review(serverId);
  }

  async approveDefinitions(serverId: string, kind: DefinitionKind, names: string[] | 'all'): Promise<ToolReview> {
    this.record('approveDefinitions', serverId, kind, names);
    return this.review(serverId);
  }

  async blockDefinition(serverId: string, kind: DefinitionKind, name: string): Promise<ToolReview> {
    this.record('blockDefinition', serverId, kind, name);
    return this.review(serverId);
  }

  async setToolPolicy(serverId: string, mode: ToolPolicyMode): Promise<ToolReview> {
    this.record('setToolPolicy', serverId, mode);
    this.toolPolicyMode = mode;
    return this.review(serverId);
  }

  async clientTools(serverId: string): Promise<ClientTools[]> {
    this.record('clientTools', serverId);
    this.find(serverId);
    return [];
  }

  async setToolHidden(serverId: string, clientId: string, tool: string, hidden: boolean): Promise<ClientTools> {
    this.record('setToolHidden', serverId, clientId, tool, hidden);
    this.find(serverId);
    return {
      serverId,
      clientId,
      clientName: clientId,
      installed: true,
      tools: [{ name: tool, hidden, tokens: 10 }],
      visible: hidden ? 0 : 1,
      tokens: hidden ? 0 : 10,
    };
  }

  async contextCost(): Promise<ClientContextCost[]> {
    this.record('contextCost');
    return [];
  }

  onDidChangeTools(listener: (e: { serverId: string; pending: number }) => void): () => void {
    return this.toolsChanged.on(listener);
  }

  /** Per server: waiting reviews and installs seen (tests set it). */
  toolStates: Record<string, { pending: number; seen: string[] }> = {};

  toolSummary(): Record<string, { pending: number; seen: string[] }> {
    return this.toolStates;
  }

  /** Number of live subscriptions across all events (for dispose tests). */
  get listenerCount(): number {
    return (
      this.status.size +
      this.list.size +
      this.appended.size +
      this.proposals.size +
      this.settingsChanged.size +
      this.views.size +
      this.toolsChanged.size +
      this.elicitationsChanged.size
    );
  }
}
