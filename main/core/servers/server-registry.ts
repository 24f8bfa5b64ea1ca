/**
 * The list of remote servers, persisted through a `conf`-compatible store (conf in the core and
 * tests, electron-store in the app). Validation happens here, so nothing invalid is ever saved.
 *
 * Drafts (the add flow before its sign-in finished) live in this process only: `get` finds them,
 * `list` does not, nothing is saved and no change is announced until `keep`; `discard` forgets one.
 */
import type { AddServerInput } from '../../../common/contract';
import { parseProxyUrl } from '../../shared/net/proxy-route';
import { parseCaFile, type SettingsError } from '../settings';
import type { SettingsStore } from '../settings-store';
import {
  defaultName,
  makeServerId,
  validateHeaders,
  validateRetryBudget,
  validateScopes,
  validateName,
  validateServerUrl,
  type ServerRecord,
} from './server-model';

export type { SettingsStore } from '../settings-store';

export class ServerRegistryError extends Error {}

/**
 * A server's network fields as stored, from what the add flow or the Edit form typed: `proxy`
 * absent (the system's settings: '', 'system' or not given), 'direct', or the proxy URL without its
 * password (the caller keeps that in the vault); `caFile` absent ('' or not given) or an absolute
 * path. One validation and one set of sentences for add and edit.
 */
export function networkFields(input: { proxy?: string; caFile?: string }): Pick<ServerRecord, 'proxy' | 'caFile'> {
  const out: Pick<ServerRecord, 'proxy' | 'caFile'> = {};
  const proxy = input.proxy?.trim();
  if (proxy && proxy !== 'system') {
    if (proxy === 'direct') out.proxy = 'direct';
    else {
      const parsed = parseProxyUrl(proxy);
      if (!parsed.ok) throw new ServerRegistryError(parsed.error);
      const u = new URL(parsed.value.url);
      if (parsed.value.username !== undefined) u.username = encodeURIComponent(parsed.value.username);
      out.proxy = u.href.replace(/\/$/, '');
    }
  }
  if (input.caFile !== undefined) {
    try {
      const file = parseCaFile(input.caFile, 'The CA file');
      if (file) out.caFile = file;
    } catch (err) {
      throw new ServerRegistryError((err as SettingsError).message);
    }
  }
  return out;
}

/**
 * The sign-in mode and network fields of an add, as stored: no secret (the proxy's password and
 * the private key go to the vault, AppCore.addServer), the proxy URL without its password.
 */
export function accessFields(input: AddServerInput): Pick<ServerRecord, 'grantType' | 'signingAlgorithm' | 'proxy' | 'caFile'> {
  const out: Pick<ServerRecord, 'grantType' | 'signingAlgorithm' | 'proxy' | 'caFile'> = {};
  const mode = input.signIn ?? 'browser';
  if (!['browser', 'client-credentials', 'enterprise'].includes(mode))
    throw new ServerRegistryError('signIn must be browser, client-credentials or enterprise.');
  if (mode === 'client-credentials') {
    if (!input.clientId) throw new ServerRegistryError('Signing in as an app (client credentials) needs the client ID.');
    if (!input.clientSecret && !input.privateKey)
      throw new ServerRegistryError('Signing in as an app (client credentials) needs a client secret or a private key.');
    out.grantType = 'client_credentials';
  } else if (mode === 'enterprise') {
    if (!input.clientId)
      throw new ServerRegistryError("Signing in through your company's identity provider needs the client ID the server's authorization server issued.");
    out.grantType = 'enterprise';
  } else if (input.privateKey) {
    throw new ServerRegistryError('A private key is used only to sign in as an app (client credentials).');
  }
  if (input.signingAlgorithm !== undefined) {
    if (!/^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(input.signingAlgorithm))
      throw new ServerRegistryError('The signing algorithm must be RS256, ES256, PS256, EdDSA or the like.');
    out.signingAlgorithm = input.signingAlgorithm;
  }
  Object.assign(out, networkFields(input));
  return out;
}

export class ServerRegistry {
  private readonly listeners = new Set<(servers: ServerRecord[]) => void>();
  private readonly drafts = new Map<string, ServerRecord>();

  constructor(private readonly store: SettingsStore) {}

  list(): ServerRecord[] {
    const raw = this.store.get('servers');
    return Array.isArray(raw) ? (raw as ServerRecord[]).map((s) => ({ ...s, headers: { ...(s.headers ?? {}) } })) : [];
  }

  get(id: string): ServerRecord | undefined {
    const draft = this.drafts.get(id);
    return this.list().find((s) => s.id === id) ?? (draft ? { ...draft, headers: { ...draft.headers } } : undefined);
  }

  isDraft(id: string): boolean {
    return this.drafts.has(id) && !this.list().some((s) => s.id === id);
  }

  /** Saves a draft: from now on it is listed (and announced). */
  keep(id: string): ServerRecord {
    const draft = this.drafts.get(id);
    if (!draft) throw new ServerRegistryError(`No draft "${id}" (it was kept or discarded already).`);
    const servers = this.list();
    if (servers.some((s) => s.id === id)) throw new ServerRegistryError(`A server "${id}" was added meanwhile; add this one again.`);
    const dup = servers.find((s) => s.url === draft.url && JSON.stringify(s.headers) === JSON.stringify(draft.headers));
    if (dup) throw new ServerRegistryError(`${draft.url} was added meanwhile as "${dup.name}".`);
    this.drafts.delete(id);
    this.save([...servers, draft]);
    return draft;
  }

  /** Forgets a draft; false when there was none. */
  discard(id: string): boolean {
    return this.drafts.delete(id);
  }

  add(input: AddServerInput, opts: { draft?: boolean } = {}): ServerRecord {
    if (!input || typeof input !== 'object') throw new ServerRegistryError('Nothing to add.');
    const url = validateServerUrl(input.url);
    if (!url.ok) throw new ServerRegistryError(url.error);
    const name = validateName(input.name);
    if (!name.ok) throw new ServerRegistryError(name.error);
    const headers = validateHeaders(input.headers);
    if (!headers.ok) throw new ServerRegistryError(headers.error);
    const servers = this.list();
    // The same server again is a mistake, unless it gets a name of its own: a second account
    // (work and personal), whose sign-in is its own (tokens are kept per server entry).
    const dup = servers.find(
      (s) =>
        s.url === url.value &&
        JSON.stringify(s.headers) === JSON.stringify(headers.value) &&
        (name.value === undefined || s.name.toLowerCase() === name.value.toLowerCase()),
    );
    if (dup) throw new ServerRegistryError(`${url.value} is already added as "${dup.name}".`);
    if (input.clientId !== undefined && (typeof input.clientId !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(input.clientId))) {
      throw new ServerRegistryError('The client ID must be 1–256 visible ASCII characters.');
    }
    const scopes = validateScopes(input.scopes);
    if (!scopes.ok) throw new ServerRegistryError(scopes.error);
    const retryBudget = validateRetryBudget(input.retryBudgetSeconds);
    if (!retryBudget.ok) throw new ServerRegistryError(retryBudget.error);
    const access = accessFields(input);
    const displayName = name.value ?? defaultName(url.value);
    const record: ServerRecord = {
      id: makeServerId(displayName, (id) => servers.some((s) => s.id === id) || this.drafts.has(id)),
      name: displayName,
      url: url.value,
      enabled: true,
      headers: headers.value,
      createdAt: Date.now(),
    };
    if (name.value === undefined) record.autoNamed = true;
    if (input.clientId) record.clientId = input.clientId;
    if (scopes.value) record.scopes = scopes.value;
    if (retryBudget.value !== undefined) record.retryBudgetSeconds = retryBudget.value;
    Object.assign(record, access);
    if (opts.draft) this.drafts.set(record.id, record);
    else this.save([...servers, record]);
    return { ...record, headers: { ...record.headers } };
  }

  remove(id: string): void {
    const servers = this.list();
    if (!servers.some((s) => s.id === id)) throw new ServerRegistryError(`No server "${id}".`);
    this.save(servers.filter((s) => s.id !== id));
  }

  update(
    id: string,
    patch: Partial<Pick<ServerRecord, 'enabled' | 'name' | 'transport' | 'headers' | 'retryBudgetSeconds' | 'protocolEra' | 'standInsOffFor'>> & {
      standIns?: boolean;
    },
  ): ServerRecord {
    const { enabled, name, transport, headers, protocolEra, standIns, standInsOffFor } = patch;
    return this.change(id, {
      enabled,
      name,
      transport,
      headers,
      protocolEra,
      standIns,
      standInsOffFor,
      ...('retryBudgetSeconds' in patch ? { retryBudgetSeconds: patch.retryBudgetSeconds } : {}),
    });
  }

  /**
   * The Edit form's change of a saved server. `url`: a new address (the transport that worked is
   * forgotten); `scopes` and `clientId`: '' removes them; `proxy`: '' is the system's settings,
   * `caFile`: '' none (networkFields).
   */
  edit(id: string, patch: Partial<Pick<ServerRecord, 'name' | 'url' | 'headers' | 'scopes' | 'clientId' | 'proxy' | 'caFile'>>): ServerRecord {
    const { name, url, headers, scopes, clientId, proxy, caFile } = patch;
    return this.change(id, { name, url, headers, scopes, clientId, proxy, caFile });
  }

  private change(
    id: string,
    patch: Partial<
      Pick<
        ServerRecord,
        | 'enabled'
        | 'name'
        | 'transport'
        | 'headers'
        | 'url'
        | 'scopes'
        | 'clientId'
        | 'retryBudgetSeconds'
        | 'protocolEra'
        | 'standInsOffFor'
        | 'proxy'
        | 'caFile'
      >
    > & {
      standIns?: boolean;
    },
  ): ServerRecord {
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
    if ('retryBudgetSeconds' in patch) {
      const budget = validateRetryBudget(patch.retryBudgetSeconds);
      if (!budget.ok) throw new ServerRegistryError(budget.error);
      if (budget.value === undefined) delete next.retryBudgetSeconds;
      else next.retryBudgetSeconds = budget.value;
    }
    if (patch.url !== undefined) {
      const url = validateServerUrl(patch.url);
      if (!url.ok) throw new ServerRegistryError(url.error);
      if (url.value !== next.url) {
        next.url = url.value;
        delete next.transport;
      }
    }
    if (patch.url !== undefined || patch.headers !== undefined) {
      const dup = servers.find((s, j) => j !== i && s.url === next.url && JSON.stringify(s.headers) === JSON.stringify(next.headers));
      if (dup) throw new ServerRegistryError(`${next.url} is already added as "${dup.name}".`);
    }
    if (patch.scopes !== undefined) {
      const scopes = validateScopes(patch.scopes);
      if (!scopes.ok) throw new ServerRegistryError(scopes.error);
      if (scopes.value) next.scopes = scopes.value;
      else delete next.scopes;
    }
    if (patch.clientId !== undefined) {
      if (typeof patch.clientId !== 'string' || (patch.clientId !== '' && !/^[\x21-\x7e]{1,256}$/.test(patch.clientId))) {
        throw new ServerRegistryError('The client ID must be 1–256 visible ASCII characters.');
      }
      if (patch.clientId) next.clientId = patch.clientId;
      else delete next.clientId;
    }
    for (const field of ['proxy', 'caFile'] as const) {
      if (patch[field] === undefined) continue;
      const value = networkFields({ [field]: patch[field] })[field];
      if (value) next[field] = value;
      else delete next[field];
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
    if (patch.standInsOffFor !== undefined) {
      const ids = patch.standInsOffFor;
      if (!Array.isArray(ids) || ids.length > 64 || !ids.every((c) => typeof c === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(c))) {
        throw new ServerRegistryError('standInsOffFor must be a list of client ids.');
      }
      const unique = [...new Set(ids)].sort();
      if (unique.length) next.standInsOffFor = unique;
      else delete next.standInsOffFor;
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
