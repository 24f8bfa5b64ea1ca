/**
 * What the handler table needs from the core. AppCore (main/core/app-core.ts) implements it; tests
 * of the handler table and the e2e web bridge may use the real AppCore with temp paths.
 */
import type {
  AddProposal,
  AddServerInput,
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
} from '../../../common/contract';

export interface SwitchboardCore {
  listServers(): ServerSummary[];
  /** Adds a server; a draft (the add flow before sign-in) only once `keepServer` says so. */
  addServer(input: AddServerInput): Promise<ServerSummary>;
  /** `connect`'s server: found (same URL and header values), updated (same URL and name) or added; turned on. */
  findOrAddServer(input: AddServerInput): Promise<FindOrAddResult>;
  keepServer(serverId: string): Promise<ServerSummary>;
  /** Forgets a draft and its sign-in; refuses a server that is not a draft. */
  discardServer(serverId: string): Promise<void>;
  /** The Edit form; header values and the client secret are write-only. */
  updateServer(input: UpdateServerInput): Promise<UpdateServerResult>;
  /** What is at a URL (add flow); refuses a URL the registry would refuse, with the reason. */
  probeServer(input: ProbeInput): Promise<ProbeResult>;
  /** Removes the server; unless `keepInClients`, first its entries in every client config. */
  removeServer(serverId: string, opts?: { keepInClients?: boolean }): Promise<RemoveResult>;
  setEnabled(serverId: string, enabled: boolean): Promise<ServerSummary>;
  /** Turns the stand-ins for what clients lack on or off (the proxy restarts to apply it). */
  setStandIns(serverId: string, enabled: boolean, clientId?: string): Promise<ServerSummary>;
  restartServer(serverId: string): Promise<void>;
  /** Starts the proxy if it is not running (a connector found none); refuses an unknown or disabled server. */
  ensureRunning(serverId: string): Promise<ServerStatus>;
  /** tools/list through the server's own proxy. */
  listTools(serverId: string): Promise<ToolInfo[]>;
  signIn(serverId: string): Promise<void>;
  resetSignIn(serverId: string): Promise<void>;
  signInPage(serverId: string): SignInPage | null;
  openSignInPage(serverId: string): Promise<void>;
  cancelSignIn(serverId: string): Promise<void>;
  /** One server's recent events, or every server's merged by time when `serverId` is undefined. */
  tailLogs(serverId: string | undefined, limit?: number): LogEvent[];
  exportDiagnostics(): Promise<DiagnosticsBundle>;
  listClients(): ClientApp[];
  installStatus(serverId?: string): Promise<InstallStatus[]>;
  install(serverId: string, clientId: string): Promise<InstallResult>;
  uninstall(serverId: string, clientId: string): Promise<InstallResult>;
  findImports(): Promise<ImportCandidateView[]>;
  importEntry(clientId: string, entryName: string): Promise<ServerSummary>;
  configBackups(clientId: string): Promise<ConfigBackup[]>;
  restoreBackup(clientId: string, backupId: string): Promise<RestoreResult>;
  /** Shows a file the app knows in the file manager; refuses any other. */
  reveal(file: string): Promise<void>;
  /** The tool policy (main/core/tool-policy): review, approve, block, policy, per-client tools, context cost. */
  toolReview(serverId: string): Promise<ToolReview>;
  approveDefinitions(serverId: string, kind: DefinitionKind, names: string[] | 'all'): Promise<ToolReview>;
  blockDefinition(serverId: string, kind: DefinitionKind, name: string): Promise<ToolReview>;
  setToolPolicy(serverId: string, mode: ToolPolicyMode): Promise<ToolReview>;
  clientTools(serverId: string): Promise<ClientTools[]>;
  setToolHidden(serverId: string, clientId: string, tool: string, hidden: boolean): Promise<ClientTools>;
  contextCost(): Promise<ClientContextCost[]>;
  onDidChangeTools(listener: (e: { serverId: string; pending: number }) => void): () => void;
  /** Per server: definitions waiting for review, and the client installs that connected (cheap: no client files read). */
  toolSummary(): Record<string, { pending: number; seen: string[] }>;
  getSettings(): AppSettings;
  setSettings(patch: Partial<AppSettings>): Promise<AppSettings>;
  /** The password of Settings ▸ Network's proxy user, into the vault (null removes it). */
  setProxyPassword(password: string | null): Promise<void>;
  enterpriseStatus(): Promise<EnterpriseStatus>;
  configureEnterprise(input: EnterpriseConfigureInput): Promise<EnterpriseStatus>;
  signInToEnterprise(): Promise<EnterpriseStatus>;
  signOutOfEnterprise(): Promise<EnterpriseStatus>;
  onDidChangeStatus(listener: (status: ServerStatus) => void): () => void;
  onDidChangeServers(listener: (servers: ServerSummary[]) => void): () => void;
  onDidAppendLogs(listener: (events: LogEvent[]) => void): () => void;
  onDidChangeSettings(listener: (settings: AppSettings) => void): () => void;
  /** A link proposed a server (the window pre-fills the form; the user confirms). */
  onDidProposeAdd(listener: (proposal: AddProposal) => void): () => void;
  takeProposal(): AddProposal | null;
  /** The tray or a notification asks the window for a view. */
  onDidRequestView(listener: (request: ViewRequest) => void): () => void;
  takeViewRequest(): ViewRequest | null;
  /** Questions servers wait on the user to answer (elicitation stand-in). */
  listElicitations(): PendingElicitation[];
  answerElicitation(reply: ElicitationReply): Promise<void>;
  onDidChangeElicitations(listener: (pending: PendingElicitation[]) => void): () => void;
}
