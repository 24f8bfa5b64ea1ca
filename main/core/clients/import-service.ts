/**
 * Import of hand-written `npx mcp-remote <url>` entries: finds them in every client's config, adds
 * the server (or reuses the one with the same URL and headers) and points the entry at Switchboard
 * after a backup. Header values stay in the host; the window only sees their names.
 */
import type { AddServerInput, ImportCandidateView, ServerSummary } from '../../../common/contract';
import { validateName, validateServerUrl, type ServerRecord } from '../servers/server-model';
import type { ServerRegistry } from '../servers/server-registry';
import type { ClientService } from './client-service';

export interface ImportServiceOptions {
  clients: ClientService;
  registry: ServerRegistry;
  addServer(input: AddServerInput): Promise<ServerSummary>;
  /** Undoes an add when the client's file could not be changed. */
  removeServer(serverId: string): Promise<unknown>;
  log(serverId: string, message: string): void;
}

export class ImportService {
  constructor(private readonly opts: ImportServiceOptions) {}

  async find(): Promise<ImportCandidateView[]> {
    const svc = this.opts.clients;
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

  /** Adds the entry's server (or reuses it) and rewrites the entry; returns the server's id. */
  async importEntry(clientId: string, entryName: string): Promise<string> {
    const svc = this.opts.clients;
    const candidate = (await svc.findImportable()).find((c) => c.clientId === clientId && c.entryName === entryName);
    if (!candidate) throw new Error(`No "npx mcp-remote" entry named "${entryName}" in the ${clientId} config (it may have changed; look again).`);
    const url = validateServerUrl(candidate.url);
    if (!url.ok) throw new Error(`"${entryName}" cannot be imported: ${url.error}`);
    const same = (r: ServerRecord) => r.url === url.value && JSON.stringify(r.headers) === JSON.stringify(candidate.headers);
    let record = this.opts.registry.list().find(same);
    let added = false;
    if (!record) {
      const name = validateName(entryName);
      await this.opts.addServer({ url: url.value, name: name.ok ? name.value : undefined, headers: candidate.headers });
      record = this.opts.registry.list().find(same)!;
      added = true;
    }
    try {
      const r = await svc.replaceImported(candidate, record.id);
      this.opts.log(record.id, `Imported "${entryName}" from ${clientId} (${r.file}); ${r.restartHint}`);
    } catch (err) {
      if (added) await this.opts.removeServer(record.id).catch(() => undefined);
      throw err;
    }
    return record.id;
  }
}
