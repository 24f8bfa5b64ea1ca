/**
 * The registries the add flow searches (Settings ▸ Registries) and what the app asks them:
 * the official MCP Registry (on unless the user or the company turned it off) and any number of
 * private ones with the same API, each with an optional bearer token kept in the vault (sent to
 * that registry only, never to the window). Requests go the way the app's other requests go
 * (NetworkPlanner: proxy, CAs). Entries come back validated and cleaned (registry-entry.ts), tagged
 * with their registry; the last ones seen are kept so links open only from what a registry said.
 * Servers added from a registry remember where from (settings.json `registryOrigins`), and an
 * update is offered when the registry's latest version moved the address or asks for new headers.
 */
import { randomBytes } from 'node:crypto';
import type {
  RegistryAddInput,
  RegistryEntry,
  RegistryOrigin,
  RegistryPage,
  RegistrySearchInput,
  RegistrySource,
  RegistryUpdate,
  RegistryUpdateInput,
} from '../../../common/contract';
import { isSecureOrLoopback } from '../../../common/url-policy';
import type { BrowserOpener, SecretVault } from '../auth/types';
import { systemClock, type Clock } from '../../shared/clock';
import type { SettingsStore } from '../settings-store';
import { fetchLatest, fetchServerPage, RegistryError, type RegistryHttp } from './registry-client';
import { isLocalOnly, plainText, toEntry } from './registry-entry';
import { checkServerResponse } from './registry-schema';
import { resolveDomain } from './server-card';

export const OFFICIAL_REGISTRY_URL = 'https://registry.modelcontextprotocol.io';
export const OFFICIAL_ID = 'official';
export const REGISTRY_TOKEN_KEY = (id: string) => `registry-token:${id}`;
const MAX_PRIVATE = 20;
const MAX_SEEN = 2000;
/** How long a server's latest version is reused for update checks (the registry asks hosts to cache). */
export const LATEST_TTL_MS = 15 * 60_000;

interface StoredSource {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
}

interface StoredRegistries {
  officialEnabled?: boolean;
  sources?: StoredSource[];
}

export interface RegistryServiceOptions {
  store: SettingsStore;
  vault?: SecretVault;
  /** The fetch for a request to `url` (the network planner's route and trust). */
  fetchFor(url: string): Promise<typeof fetch>;
  opener?: BrowserOpener;
  /** The one redaction registry: tokens are added to it. */
  secrets: { add(...values: Array<string | undefined>): void };
  /** The servers, for updates: their address and header names. */
  servers: { get(id: string): { url: string; headers: Record<string, string> } | undefined };
  /** Tests point the official registry at a local one. */
  officialUrl?: string;
  timeoutMs?: number;
  maxBytes?: number;
  /** Time for the update checks' cache. */
  clock?: Clock;
}

/** A registry's base URL as typed: https (or http on this computer), no credentials, no query. */
export function parseRegistryUrl(input: unknown): string {
  if (typeof input !== 'string' || !input.trim()) throw new RegistryError('Enter the registry URL (https://registry.example.com).');
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw new RegistryError(`"${plainText(input, 80)}" is not a URL; a registry URL starts with https://.`);
  }
  if (!isSecureOrLoopback(u)) throw new RegistryError('A registry must be served over https:// (plain http only on this computer).');
  if (u.username || u.password) throw new RegistryError('Put the registry token in the token field, not in the URL.');
  if (u.search || u.hash) throw new RegistryError('Give the registry base URL without ?query or #fragment.');
  // `…/v0.1/servers` pasted whole: the base is what is before it.
  const base = u.href.replace(/\/v0(\.\d+)?\/servers\/?$/, '').replace(/\/+$/, '');
  return base;
}

export class RegistryService {
  private readonly seen = new Map<string, RegistryEntry>();
  /** Latest versions fetched for update checks, with when. */
  private readonly latest = new Map<string, { entry: RegistryEntry; at: number }>();

  constructor(private readonly o: RegistryServiceOptions) {}

  private stored(): StoredRegistries {
    const raw = this.o.store.get('registries');
    if (!raw || typeof raw !== 'object') return {};
    const r = raw as StoredRegistries;
    const sources = Array.isArray(r.sources)
      ? r.sources.filter((s) => s && typeof s.id === 'string' && typeof s.url === 'string' && typeof s.name === 'string')
      : [];
    return { officialEnabled: r.officialEnabled !== false, sources };
  }

  private save(next: StoredRegistries): void {
    this.o.store.set('registries', next);
  }

  private async hasToken(id: string): Promise<boolean> {
    return !!(await this.o.vault?.get(REGISTRY_TOKEN_KEY(id)).catch(() => undefined));
  }

  async sources(): Promise<RegistrySource[]> {
    const s = this.stored();
    const official: RegistrySource = {
      id: OFFICIAL_ID,
      name: 'MCP Registry',
      url: this.o.officialUrl ?? OFFICIAL_REGISTRY_URL,
      official: true,
      enabled: s.officialEnabled !== false,
      hasToken: false,
    };
    const privates = await Promise.all(
      (s.sources ?? []).map(async (p) => ({
        id: p.id,
        name: p.name,
        url: p.url,
        official: false,
        enabled: p.enabled !== false,
        hasToken: await this.hasToken(p.id),
      })),
    );
    return [official, ...privates];
  }

  private async source(id: string): Promise<RegistrySource> {
    const found = (await this.sources()).find((s) => s.id === id);
    if (!found) throw new RegistryError('That registry is not in Settings ▸ Registries any more.');
    return found;
  }

  async addSource(input: RegistryAddInput): Promise<RegistrySource> {
    const url = parseRegistryUrl(input.url);
    const s = this.stored();
    const list = s.sources ?? [];
    if (list.length >= MAX_PRIVATE) throw new RegistryError(`At most ${MAX_PRIVATE} private registries.`);
    if (url === (this.o.officialUrl ?? OFFICIAL_REGISTRY_URL) || list.some((p) => p.url === url))
      throw new RegistryError(`${new URL(url).host} is already in the list.`);
    if (input.token && !this.o.vault) throw new RegistryError('This host cannot store a registry token.');
    const id = `r-${randomBytes(6).toString('hex')}`;
    const name = plainText(input.name, 80) || new URL(url).host;
    if (input.token) await this.setToken(id, input.token);
    this.save({ ...s, sources: [...list, { id, name, url, enabled: true }] });
    return this.source(id);
  }

  async updateSource(input: RegistryUpdateInput): Promise<RegistrySource> {
    const s = this.stored();
    if (input.registryId === OFFICIAL_ID) {
      if (input.name !== undefined || input.token !== undefined) throw new RegistryError('The official registry takes no name or token; it can be turned off.');
      if (input.enabled !== undefined) this.save({ ...s, officialEnabled: input.enabled });
      return this.source(OFFICIAL_ID);
    }
    const list = s.sources ?? [];
    const i = list.findIndex((p) => p.id === input.registryId);
    if (i < 0) throw new RegistryError('That registry is not in Settings ▸ Registries any more.');
    const next = { ...list[i]! };
    if (input.enabled !== undefined) next.enabled = input.enabled;
    if (input.name !== undefined) next.name = plainText(input.name, 80) || new URL(next.url).host;
    if (input.token !== undefined) await this.setToken(next.id, input.token);
    this.save({ ...s, sources: list.map((p, j) => (j === i ? next : p)) });
    return this.source(next.id);
  }

  async removeSource(registryId: string): Promise<void> {
    if (registryId === OFFICIAL_ID) throw new RegistryError('The official registry cannot be removed; turn it off instead.');
    const s = this.stored();
    await this.o.vault?.delete(REGISTRY_TOKEN_KEY(registryId)).catch(() => {});
    this.save({ ...s, sources: (s.sources ?? []).filter((p) => p.id !== registryId) });
  }

  private async setToken(id: string, token: string | null): Promise<void> {
    if (!this.o.vault) throw new RegistryError('This host cannot store a registry token.');
    if (token) {
      this.o.secrets.add(token);
      await this.o.vault.set(REGISTRY_TOKEN_KEY(id), token);
    } else await this.o.vault.delete(REGISTRY_TOKEN_KEY(id));
  }

  private async http(source: RegistrySource): Promise<RegistryHttp> {
    const token = source.official ? undefined : await this.o.vault?.get(REGISTRY_TOKEN_KEY(source.id)).catch(() => undefined);
    this.o.secrets.add(token);
    return {
      fetch: await this.o.fetchFor(source.url),
      ...(token ? { token } : {}),
      timeoutMs: this.o.timeoutMs ?? 10_000,
      maxBytes: this.o.maxBytes ?? 4 * 1024 * 1024,
    };
  }

  private remember(entry: RegistryEntry): RegistryEntry {
    const key = `${entry.registryId}\n${entry.name}`;
    this.seen.delete(key);
    this.seen.set(key, entry);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.keys().next().value!);
    return entry;
  }

  /** One page of one registry's servers that have remote endpoints (latest versions). */
  async search(input: RegistrySearchInput): Promise<RegistryPage> {
    const source = await this.source(input.registryId);
    if (!source.enabled) throw new RegistryError(`${source.name} is turned off in Settings ▸ Registries.`);
    const page = await fetchServerPage(source.url, { search: input.query, cursor: input.cursor }, await this.http(source));
    const out: RegistryPage = { registryId: source.id, entries: [], skipped: [], localOnly: 0 };
    page.items.forEach((raw, i) => {
      const checked = checkServerResponse(raw, i);
      if (!checked.ok) return void out.skipped.push(checked.error);
      const entry = toEntry(checked.value, source);
      if (entry) out.entries.push(this.remember(entry));
      else if (isLocalOnly(checked.value)) out.localOnly++;
      else if (checked.value.server.remotes?.length)
        out.skipped.push(`${checked.value.server.name}: no remote endpoint this app can use (https, streamable-http or sse)`);
    });
    if (page.nextCursor) out.nextCursor = page.nextCursor;
    return out;
  }

  /** The latest version of one server. */
  async entry(registryId: string, name: string): Promise<RegistryEntry> {
    const source = await this.source(registryId);
    if (!source.enabled) throw new RegistryError(`${source.name} is turned off in Settings ▸ Registries.`);
    const raw = await fetchLatest(source.url, name, await this.http(source));
    if (raw.server.name !== name) throw new RegistryError(`${source.name} answered with another server (${plainText(raw.server.name, 100)}).`);
    const entry = toEntry(raw, source);
    if (!entry)
      throw new RegistryError(
        `${plainText(name, 100)} in ${source.name} has no remote endpoint: it is a package to run on this computer, which this app does not do.`,
      );
    return this.remember(entry);
  }

  /** Opens a link of an entry a registry sent (only http(s), only one the core has seen). */
  async openLink(registryId: string, name: string, which: 'repository' | 'website'): Promise<void> {
    const entry = this.seen.get(`${registryId}\n${name}`);
    const link = which === 'repository' ? entry?.repositoryUrl : entry?.websiteUrl;
    if (!link) throw new RegistryError(`That server has no ${which} link.`);
    if (!this.o.opener) throw new RegistryError('This host cannot open a browser.');
    await this.o.opener.open(link);
  }

  /** `example.com` → the server its published metadata describes, or null. */
  async resolveDomain(input: string): Promise<RegistryEntry | null> {
    const entry = await resolveDomain(input, {
      fetchFor: this.o.fetchFor,
      timeoutMs: Math.min(this.o.timeoutMs ?? 10_000, 8000),
      maxBytes: 256 * 1024,
    });
    return entry ? this.remember(entry) : null;
  }

  // ---- servers added from a registry --------------------------------------------------------

  private origins(): Record<string, RegistryOrigin> {
    const raw = this.o.store.get('registryOrigins');
    return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, RegistryOrigin>) : {};
  }

  /** Remembers where a server came from (called after `servers:add` with an origin). */
  rememberOrigin(serverId: string, origin: RegistryOrigin): void {
    const all = this.origins();
    // Servers removed since are forgotten here too.
    for (const id of Object.keys(all)) if (!this.o.servers.get(id) && id !== serverId) delete all[id];
    this.o.store.set('registryOrigins', { ...all, [serverId]: { registryId: origin.registryId, name: origin.name, version: origin.version } });
  }

  /** Forgets where a server came from: it was removed, or its add was abandoned (a draft). */
  forgetOrigin(serverId: string): void {
    const all = this.origins();
    if (!(serverId in all)) return;
    delete all[serverId];
    this.o.store.set('registryOrigins', all);
  }

  origin(serverId: string): RegistryOrigin | undefined {
    return this.origins()[serverId];
  }

  /** The registry's latest version of a server added from it, when it moved the address or asks for new headers. */
  async checkUpdate(serverId: string, fresh = false): Promise<RegistryUpdate | null> {
    const origin = this.origin(serverId);
    const server = this.o.servers.get(serverId);
    if (!origin || !server) return null;
    const latest = await this.cachedEntry(origin.registryId, origin.name, fresh);
    if (latest.version === origin.version) return null;
    return describeUpdate(serverId, origin, server, latest);
  }

  /** The latest version, asked again only after LATEST_TTL_MS (or when `fresh`: before applying it). */
  private async cachedEntry(registryId: string, name: string, fresh: boolean): Promise<RegistryEntry> {
    const key = `${registryId}\n${name}`;
    const now = (this.o.clock ?? systemClock).now();
    const hit = this.latest.get(key);
    if (hit && !fresh && now - hit.at < LATEST_TTL_MS) return hit.entry;
    const entry = await this.entry(registryId, name);
    this.latest.set(key, { entry, at: now });
    return entry;
  }

  /** After an update was applied: the server is at `version` now. */
  markUpdated(serverId: string, version: string): void {
    const o = this.origin(serverId);
    if (o) this.rememberOrigin(serverId, { ...o, version });
  }
}

/** What a newer version changes for a server (pure): a new address, headers it asks for that the server lacks. */
export function describeUpdate(
  serverId: string,
  origin: RegistryOrigin,
  server: { url: string; headers: Record<string, string> },
  latest: RegistryEntry,
): RegistryUpdate | null {
  const remote = latest.remotes.find((r) => r.url === server.url) ?? latest.remotes[0]!;
  const changes: string[] = [];
  const update: RegistryUpdate = { serverId, current: origin.version, latest: latest.version, changes, newHeaders: [] };
  if (remote.url !== server.url && !/\{[^}]+\}/.test(remote.url)) {
    changes.push(`The address changed to ${remote.url}.`);
    update.url = remote.url;
  }
  const have = new Set(Object.keys(server.headers).map((h) => h.toLowerCase()));
  for (const h of remote.headers) {
    if (have.has(h.name.toLowerCase())) continue;
    if (!h.required && h.value === undefined) continue;
    update.newHeaders.push(h);
    changes.push(`${h.required ? 'A new required' : 'A new'} header ${h.name}${h.description ? `: ${h.description.replace(/[.\s]+$/, '')}` : ''}.`);
  }
  return changes.length ? update : null;
}
