/**
 * The list of remote servers, persisted through a `conf`-compatible store (conf in the core and
 * tests, electron-store in the app). Validation happens here, so nothing invalid is ever saved.
 */
import type { AddServerInput } from '../../../common/contract';
import type { SettingsStore } from '../settings-store';
import { defaultName, makeServerId, validateHeaders, validateScopes, validateName, validateServerUrl, type ServerRecord } from './server-model';

export type { SettingsStore } from '../settings-store';

export class ServerRegistryError extends Error {}

export class ServerRegistry {
  private readonly listeners = new Set<(servers: ServerRecord[]) => void>();

  constructor(private readonly store: SettingsStore) {}

  list(): ServerRecord[] {
    const raw = this.store.get('servers');
    return Array.isArray(raw) ? (raw as ServerRecord[]).map((s) => ({ ...s, headers: { ...(s.headers ?? {}) } })) : [];
  }

  get(id: string): ServerRecord | undefined {
    return this.list().find((s) => s.id === id);
  }

  add(input: AddServerInput): ServerRecord {
    if (!input || typeof input !== 'object') throw new ServerRegistryError('Nothing to add.');
    const url = validateServerUrl(input.url);
    if (!url.ok) throw new ServerRegistryError(url.error);
    const name = validateName(input.name);
    if (!name.ok) throw new ServerRegistryError(name.error);
    const headers = validateHeaders(input.headers);
    if (!headers.ok) throw new ServerRegistryError(headers.error);
    const servers = this.list();
    const dup = servers.find((s) => s.url === url.value && JSON.stringify(s.headers) === JSON.stringify(headers.value));
    if (dup) throw new ServerRegistryError(`${url.value} is already added as "${dup.name}".`);
    if (input.clientId !== undefined && (typeof input.clientId !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(input.clientId))) {
      throw new ServerRegistryError('The client ID must be 1–256 visible ASCII characters.');
    }
    const scopes = validateScopes(input.scopes);
    if (!scopes.ok) throw new ServerRegistryError(scopes.error);
    const displayName = name.value ?? defaultName(url.value);
    const record: ServerRecord = {
      id: makeServerId(displayName, (id) => servers.some((s) => s.id === id)),
      name: displayName,
      url: url.value,
      enabled: true,
      headers: headers.value,
      createdAt: Date.now(),
    };
    if (name.value === undefined) record.autoNamed = true;
    if (input.clientId) record.clientId = input.clientId;
    if (scopes.value) record.scopes = scopes.value;
    this.save([...servers, record]);
    return record;
  }

  remove(id: string): void {
    const servers = this.list();
    if (!servers.some((s) => s.id === id)) throw new ServerRegistryError(`No server "${id}".`);
    this.save(servers.filter((s) => s.id !== id));
  }

  update(id: string, patch: Partial<Pick<ServerRecord, 'enabled' | 'name' | 'transport' | 'headers' | 'protocolEra'>> & { standIns?: boolean }): ServerRecord {
    const servers = this.list();
    const i = servers.findIndex((s) => s.id === id);
    if (i === -1) throw new ServerRegistryError(`No server "${id}".`);
    // Validated like add(), and only the patchable fields are taken: nothing invalid is saved.
    const next: ServerRecord = { ...servers[i] };
    if (patch.enabled !== undefined) {
      if (typeof patch.enabled !== 'boolean') throw new ServerRegistryError('enabled must be true or false.');
      next.enabled = patch.enabled;
    }
    if (patch.name !== undefined) {
      const name = validateName(patch.name);
      if (!name.ok) throw new ServerRegistryError(name.error);
      next.name = name.value ?? defaultName(next.url);
      // A name given on purpose (or the server's own) is no longer one to replace.
      if (name.value !== undefined) delete next.autoNamed;
    }
    if (patch.headers !== undefined) {
      const headers = validateHeaders(patch.headers);
      if (!headers.ok) throw new ServerRegistryError(headers.error);
      next.headers = headers.value;
    }
    if (patch.transport !== undefined) {
      const t = patch.transport;
      const url = validateServerUrl(t?.url);
      if (!t || (t.kind !== 'streamable-http' && t.kind !== 'sse') || !url.ok) {
        throw new ServerRegistryError('The transport must be streamable-http or sse with a valid URL.');
      }
      next.transport = { kind: t.kind, url: url.value };
    }
    if (patch.protocolEra !== undefined) {
      if (patch.protocolEra !== 'legacy' && patch.protocolEra !== 'modern') throw new ServerRegistryError('The protocol era must be legacy or modern.');
      next.protocolEra = patch.protocolEra;
    }
    if (patch.standIns !== undefined) {
      if (typeof patch.standIns !== 'boolean') throw new ServerRegistryError('standIns must be true or false.');
      if (patch.standIns) delete next.standIns;
      else next.standIns = false;
    }
    servers[i] = next;
    this.save(servers);
    return next;
  }

  onDidChange(listener: (servers: ServerRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private save(servers: ServerRecord[]): void {
    this.store.set('servers', servers);
    for (const l of this.listeners) l(servers);
  }
}
