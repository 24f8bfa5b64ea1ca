/**
 * The window's view of the MCP clients (behind the contract): which are on this computer, where
 * each server is installed, install and remove, imports of mcp-remote entries, and the backups of
 * each client's config with Restore. Log lines name clients and files the way the window does
 * ("Claude Desktop", "~/.cursor/mcp.json"), never by id or full home path.
 */
import * as path from 'node:path';
import type {
  AddServerInput,
  ClientApp,
  ConfigBackup,
  ImportCandidateView,
  InstallResult,
  InstallStatus,
  RestoreResult,
  ServerSummary,
} from '../../../common/contract';
import { defaultDataDir, homeDir, type Env } from '../../shared/paths';
import type { ServerRegistry } from '../servers/server-registry';
import { ClientService, type ChangeResult } from './client-service';
import type { Launcher } from './client-table';
import { ImportService } from './import-service';

export interface InstallServiceOptions {
  clients: ClientService;
  imports: ImportService;
  registry: ServerRegistry;
  /** The user's home, shortened to "~" in log lines. */
  home: string;
  log(serverId: string, level: 'info' | 'warn', message: string): void;
}

/** The client services of a host whose entries run `launcher` (backups under `<dataDir>/backups`). */
export function createInstallService(o: {
  env: Env;
  dataDir: string;
  launcher: Launcher;
  registry: ServerRegistry;
  addServer(input: AddServerInput): Promise<ServerSummary>;
  removeServer(serverId: string): Promise<unknown>;
  log(serverId: string, level: 'info' | 'warn', message: string): void;
}): InstallService {
  // Entries name the data directory when a client started from a desktop launcher would not find it.
  const launcher = o.dataDir === defaultDataDir(o.env) ? o.launcher : { ...o.launcher, dataDir: o.dataDir };
  const clients = new ClientService({ env: o.env, launcher, backupDir: path.join(o.dataDir, 'backups') });
  const log = (server: string, message: string) => o.log(server, 'info', message);
  const imports = new ImportService({ clients, registry: o.registry, addServer: o.addServer, removeServer: o.removeServer, log });
  return new InstallService({ clients, imports, registry: o.registry, home: homeDir(o.env), log: o.log });
}

export function installResult(r: ChangeResult): InstallResult {
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

export class InstallService {
  constructor(private readonly opts: InstallServiceOptions) {}

  get clients(): ClientService {
    return this.opts.clients;
  }

  /** On start: entries of ours that run an old app location are rewritten; user-edited ones are left. */
  async repairAll(): Promise<void> {
    const results = await this.opts.clients
      .repairAll(this.opts.registry.list().map((s) => s.id))
      .catch((err: Error) => [{ clientId: '*', serverId: '*', error: err.message }]);
    for (const r of results) {
      const client = this.nameOf(r.clientId);
      if ('error' in r) this.opts.log(r.serverId, 'warn', `Could not repair the ${client} entry: ${r.error}`);
      else if (r.changed) this.opts.log(r.serverId, 'info', `Repaired the ${client} entry "${r.name}" in ${this.shortPath(r.file)}; ${r.restartHint}`);
    }
  }

  /** "~/.cursor/mcp.json" for a file in the home folder. */
  private shortPath(file: string): string {
    const home = this.opts.home;
    return home && (file === home || file.startsWith(home + path.sep)) ? `~${file.slice(home.length)}` : file;
  }

  private nameOf(clientId: string): string {
    return this.opts.clients.clients().find((c) => c.id === clientId)?.name ?? clientId;
  }

  list(): ClientApp[] {
    return this.opts.clients
      .clients()
      .map(({ id, name, configPath, present, restartHint, removeHint }) => ({ id, name, configPath, present, restartHint, removeHint }));
  }

  status(serverId?: string): Promise<InstallStatus[]> {
    const ids = serverId ? [serverId] : this.opts.registry.list().map((s) => s.id);
    return this.opts.clients.status(ids) as Promise<InstallStatus[]>;
  }

  async install(serverId: string, clientId: string): Promise<InstallResult> {
    if (!this.opts.registry.get(serverId) || this.opts.registry.isDraft(serverId)) throw new Error(`No server "${serverId}".`);
    const r = await this.opts.clients.install(serverId, clientId);
    this.opts.log(serverId, 'info', `Installed into ${this.nameOf(clientId)} as "${r.name}" (${this.shortPath(r.file)}); ${r.restartHint}`);
    return installResult(r);
  }

  async uninstall(serverId: string, clientId: string): Promise<InstallResult> {
    const r = await this.opts.clients.uninstall(serverId, clientId);
    this.opts.log(serverId, 'info', `Removed from ${this.nameOf(clientId)} (${this.shortPath(r.file)}); ${r.restartHint}`);
    return installResult(r);
  }

  findImports(): Promise<ImportCandidateView[]> {
    return this.opts.imports.find();
  }

  /** Adds the server of a client's mcp-remote entry and points the entry at Switchboard; its id. */
  importEntry(clientId: string, entryName: string): Promise<string> {
    return this.opts.imports.importEntry(clientId, entryName);
  }

  async backups(clientId: string): Promise<ConfigBackup[]> {
    return (await this.opts.clients.backupEntries(clientId)).map(({ id, createdAt, bytes }) => ({ id, createdAt, bytes }));
  }

  async restore(clientId: string, backupId: string): Promise<RestoreResult> {
    const r = await this.opts.clients.restoreBackup(clientId, backupId);
    this.opts.log(
      '*',
      'info',
      `Restored ${this.nameOf(clientId)}'s ${this.shortPath(r.file)} from a backup${r.changed ? '' : ' (it was the same already)'}; ${r.restartHint}`,
    );
    return { clientId: r.clientId, file: r.file, restartHint: r.restartHint, ...(r.backup ? { backup: r.backup } : {}) };
  }

  /** A client's config file, as the window shows it (what `app:reveal` may show). */
  isConfigFile(file: string): boolean {
    const target = path.resolve(file);
    return this.opts.clients.clients().some((c) => c.configPath !== undefined && path.resolve(c.configPath) === target);
  }
}
