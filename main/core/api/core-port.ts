/**
 * What the handler table needs from the core. AppCore (main/core/app-core.ts) implements it; tests
 * of the handler table and the e2e web bridge may use the real AppCore with temp paths.
 */
import type {
  AddProposal,
  AddServerInput,
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
} from '../../../common/contract';

export interface SwitchboardCore {
  listServers(): ServerSummary[];
  addServer(input: AddServerInput): Promise<ServerSummary>;
  /** `connect`'s server: found (same URL and header values), updated (same URL and name) or added; turned on. */
  findOrAddServer(input: AddServerInput): Promise<FindOrAddResult>;
  /** What is at a URL (add flow); refuses a URL the registry would refuse, with the reason. */
  probeServer(input: ProbeInput): Promise<ProbeResult>;
  /** Removes the server; unless `keepInClients`, first its entries in every client config. */
  removeServer(serverId: string, opts?: { keepInClients?: boolean }): Promise<RemoveResult>;
  setEnabled(serverId: string, enabled: boolean): Promise<ServerSummary>;
  restartServer(serverId: string): Promise<void>;
  /** Starts the proxy if it is not running (a connector found none); refuses an unknown or disabled server. */
  ensureRunning(serverId: string): Promise<ServerStatus>;
  /** tools/list through the server's own proxy. */
  listTools(serverId: string): Promise<ToolInfo[]>;
  signIn(serverId: string): Promise<void>;
  resetSignIn(serverId: string): Promise<void>;
  /** One server's recent events, or every server's merged by time when `serverId` is undefined. */
  tailLogs(serverId: string | undefined, limit?: number): LogEvent[];
  exportDiagnostics(): Promise<DiagnosticsBundle>;
  listClients(): ClientApp[];
  installStatus(serverId?: string): Promise<InstallStatus[]>;
  install(serverId: string, clientId: string): Promise<InstallResult>;
  uninstall(serverId: string, clientId: string): Promise<InstallResult>;
  findImports(): Promise<ImportCandidateView[]>;
  importEntry(clientId: string, entryName: string): Promise<ServerSummary>;
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
}
