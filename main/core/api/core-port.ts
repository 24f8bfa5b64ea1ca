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
  ElicitationReply,
  ImportCandidateView,
  InstallResult,
  InstallStatus,
  LogEvent,
  PendingElicitation,
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
  /** What is at a URL (add flow); refuses a URL the registry would refuse, with the reason. */
  probeServer(input: ProbeInput): Promise<ProbeResult>;
  /** Removes the server; unless `keepInClients`, first its entries in every client config. */
  removeServer(serverId: string, opts?: { keepInClients?: boolean }): Promise<RemoveResult>;
  setEnabled(serverId: string, enabled: boolean): Promise<ServerSummary>;
  /** Turns the stand-ins for what clients lack on or off (the proxy restarts to apply it). */
  setStandIns(serverId: string, enabled: boolean): Promise<ServerSummary>;
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
  onDidChangeStatus(listener: (status: ServerStatus) => void): () => void;
  onDidChangeServers(listener: (servers: ServerSummary[]) => void): () => void;
  onDidAppendLogs(listener: (events: LogEvent[]) => void): () => void;
  onDidChangeSettings(listener: (settings: AppSettings) => void): () => void;
  /** A link proposed a server (the window pre-fills the form; the user confirms). */
  onDidProposeAdd(listener: (proposal: AddProposal) => void): () => void;
  takeProposal(): AddProposal | null;
  /** Questions servers wait on the user to answer (elicitation stand-in). */
  listElicitations(): PendingElicitation[];
  answerElicitation(reply: ElicitationReply): Promise<void>;
  onDidChangeElicitations(listener: (pending: PendingElicitation[]) => void): () => void;
}
