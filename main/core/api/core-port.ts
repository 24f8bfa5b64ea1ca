/**
 * What the handler table needs from the core. AppCore (main/core/app-core.ts) implements it; tests
 * of the handler table and the e2e web bridge may use the real AppCore with temp paths.
 */
import type { AddProposal, AddServerInput, ClientApp, InstallResult, InstallStatus, LogEvent, ServerStatus, ServerSummary } from '../../../preload/contract';

export interface SwitchboardCore {
  listServers(): ServerSummary[];
  addServer(input: AddServerInput): Promise<ServerSummary>;
  removeServer(serverId: string): Promise<void>;
  setEnabled(serverId: string, enabled: boolean): Promise<ServerSummary>;
  restartServer(serverId: string): Promise<void>;
  signIn(serverId: string): Promise<void>;
  resetSignIn(serverId: string): Promise<void>;
  tailLogs(serverId: string, limit?: number): LogEvent[];
  listClients(): ClientApp[];
  installStatus(serverId?: string): Promise<InstallStatus[]>;
  install(serverId: string, clientId: string): Promise<InstallResult>;
  uninstall(serverId: string, clientId: string): Promise<InstallResult>;
  onDidChangeStatus(listener: (status: ServerStatus) => void): () => void;
  onDidChangeServers(listener: (servers: ServerSummary[]) => void): () => void;
  onDidAppendLogs(listener: (events: LogEvent[]) => void): () => void;
  /** A link proposed a server (the window pre-fills the form; the user confirms). */
  onDidProposeAdd(listener: (proposal: AddProposal) => void): () => void;
  takeProposal(): AddProposal | null;
}
