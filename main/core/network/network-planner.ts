/**
 * One network configuration for every outbound request of the app (issue 17), decided in the
 * main process:
 *
 * - the route: a server's own override ("direct", or a proxy URL whose password is in the vault);
 *   else the environment's `HTTPS_PROXY`/`HTTP_PROXY` with `NO_PROXY` when it sets one for the
 *   scheme; else the operating system's settings, PAC included (the `ProxyResolver` port: Electron's
 *   `session.resolveProxy` in the desktop app; none elsewhere, so direct). A proxy that comes
 *   without credentials gets Settings ▸ Network's user name and the vault's password.
 * - the trust: the system store, `NODE_EXTRA_CA_CERTS` (read here: Electron ignores it once
 *   packaged), Settings ▸ Network's CA file and the server's own CA file.
 *
 * Each proxy child gets its server's configuration over the fork channel; the sign-in engine, the
 * revocation and the add-flow probe use `fetchFor` / `forRequest` here.
 */
import type { FetchLike } from '@modelcontextprotocol/client';
import type { AppSettings } from '../../../common/contract';
import { fetchFor } from '../../shared/net/fetch';
import type { NetworkConfig } from '../../shared/net/network-config';
import { DIRECT, parseProxyUrl, routeFromEnv, routeFromPac, type ProxyRoute } from '../../shared/net/proxy-route';
import { readCaFile } from '../../shared/net/trust';
import type { Env } from '../../shared/paths';
import type { SecretVault } from '../auth/types';
import type { ProxyResolver } from '../ports';
import type { ServerRecord } from '../servers/server-model';
import { accessFields } from '../servers/server-registry';

/** Vault key of a proxy password: one per server (its own proxy URL), `*` for Settings ▸ Network's. */
export const PROXY_PASSWORD_KEY = (serverId: string) => `proxy-password:${serverId}`;
export const APP_PROXY = '*';
/** How long an answer of the system's proxy settings is reused for an origin. */
const RESOLVE_TTL_MS = 60_000;

export interface NetworkPlannerOptions {
  env: Env;
  settings(): AppSettings;
  registry: { get(id: string): ServerRecord | undefined };
  vault?: SecretVault;
  /** The operating system's proxy settings (the desktop app); without it, the environment only. */
  resolver?: ProxyResolver;
  /** The one redaction registry: proxy passwords are added to it. */
  secrets: { add(...values: Array<string | undefined>): void };
  log(serverId: string, level: 'info' | 'warn', message: string): void;
}

export class NetworkPlanner {
  private readonly resolved = new Map<string, { route: ProxyRoute; at: number }>();
  /** Problems already reported (an unreadable CA file is said once, not at every request). */
  private readonly reported = new Set<string>();

  constructor(private readonly o: NetworkPlannerOptions) {}

  private once(serverId: string, message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.o.log(serverId, 'warn', message);
  }

  /** The configuration of a server's proxy child: its override or the system's route for its URL, and its trust. */
  async forServer(record: ServerRecord): Promise<NetworkConfig> {
    return this.forRequest(record.id, record.url, record);
  }

  /**
   * The configuration of one request made for a server (or for the app, without one) to `url`:
   * the server's override when it has one, else the system's route for that URL; the server's trust.
   */
  async forRequest(serverId: string | undefined, url: string, record = serverId ? this.o.registry.get(serverId) : undefined): Promise<NetworkConfig> {
    return { route: await this.route(url, record), ...this.trust(record) };
  }

  /** A fetch for the sign-in engine's requests on behalf of a server: each request gets the route of its own URL. */
  fetchFor(server: { id: string; url: string }): FetchLike {
    return async (input, init) => {
      return fetchFor(await this.forRequest(server.id, String(input)))(input, init);
    };
  }

  /** The configuration the add flow's probe uses: the Advanced fields as typed (a proxy's password in memory only). */
  async forProbe(input: { url?: unknown; proxy?: unknown; caFile?: unknown }): Promise<NetworkConfig | undefined> {
    try {
      const url = String(input?.url ?? '');
      const fields = accessFields({
        url,
        proxy: typeof input?.proxy === 'string' ? input.proxy : undefined,
        caFile: typeof input?.caFile === 'string' ? input.caFile : undefined,
      });
      const draft: ServerRecord = { id: '', name: '', url, enabled: true, headers: {}, createdAt: 0, ...fields };
      if (fields.proxy && fields.proxy !== 'direct') {
        const typed = parseProxyUrl(input.proxy);
        if (typed.ok) return { route: { kind: 'proxy', ...typed.value }, ...this.trust(draft) };
      }
      return await this.forRequest(undefined, url, draft);
    } catch {
      return undefined; // the probe itself says what is wrong with the URL
    }
  }

  /** Keeps the password of a server's own proxy URL (`http://user:password@host:port`) in the vault. */
  async storeProxyPasswordOf(serverId: string, proxy: string | undefined): Promise<void> {
    if (!proxy || proxy === 'direct' || proxy === 'system') return;
    const parsed = parseProxyUrl(proxy);
    if (parsed.ok && parsed.value.password) await this.storeProxyPassword(serverId, parsed.value.password);
  }

  /** This host has a vault to keep a proxy password in. */
  get canStoreProxyPasswords(): boolean {
    return this.o.vault !== undefined;
  }

  /** Stores (or removes) a proxy password: a server's own, or Settings ▸ Network's (`*`). */
  async storeProxyPassword(serverId: string, password: string | null): Promise<void> {
    if (!this.o.vault) throw new Error('This host cannot store a proxy password.');
    if (password) {
      this.o.secrets.add(password);
      await this.o.vault.set(PROXY_PASSWORD_KEY(serverId), password);
    } else await this.o.vault.delete(PROXY_PASSWORD_KEY(serverId));
  }

  private async password(serverId: string): Promise<string | undefined> {
    const p = await this.o.vault?.get(PROXY_PASSWORD_KEY(serverId)).catch(() => undefined);
    this.o.secrets.add(p);
    return p;
  }

  private async route(url: string, record: ServerRecord | undefined): Promise<ProxyRoute> {
    const own = record?.proxy;
    if (own === 'direct') return DIRECT;
    if (own && own !== 'system') {
      const parsed = parseProxyUrl(own);
      if (!parsed.ok) {
        this.once(record!.id, `The proxy set for this server is ignored: ${parsed.error}`);
        return DIRECT;
      }
      const password = parsed.value.username !== undefined ? await this.password(record!.id) : undefined;
      return { kind: 'proxy', ...parsed.value, ...(password !== undefined ? { password } : {}) };
    }
    const system = await this.systemRoute(url, record?.id ?? APP_PROXY);
    if (system.kind === 'proxy' && system.username === undefined) {
      const username = this.o.settings().proxyUsername;
      if (username) {
        const password = await this.password(APP_PROXY);
        return { ...system, username, ...(password !== undefined ? { password } : {}) };
      }
    }
    if (system.kind === 'proxy') this.o.secrets.add(system.password);
    return system;
  }

  /** The environment's proxy when it names one for the URL's scheme, else the operating system's settings. */
  private async systemRoute(url: string, serverId: string): Promise<ProxyRoute> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return DIRECT;
    }
    const env = this.o.env;
    const named = target.protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY) : (env.http_proxy ?? env.HTTP_PROXY);
    if (named?.trim() || !this.o.resolver) return routeFromEnv(target, env, (m) => this.once(serverId, m));
    const key = target.origin;
    const cached = this.resolved.get(key);
    if (cached && Date.now() - cached.at < RESOLVE_TTL_MS) return cached.route;
    let route: ProxyRoute;
    try {
      route = routeFromPac(await this.o.resolver.resolve(target.href), (m) => this.once(serverId, m));
    } catch (err) {
      this.once(serverId, `Could not read the system's proxy settings (${(err as Error).message}); connecting directly`);
      route = DIRECT;
    }
    this.resolved.set(key, { route, at: Date.now() });
    return route;
  }

  /** The extra CAs: NODE_EXTRA_CA_CERTS, Settings ▸ Network's file, the server's own file. */
  private trust(record: ServerRecord | undefined): { extraCa?: string[] } {
    const extra: string[] = [];
    const files: Array<[string | undefined, string, string]> = [
      [this.o.env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS names', APP_PROXY],
      [this.o.settings().caFile, 'The CA file of Settings ▸ Network', APP_PROXY],
      [record?.caFile, "This server's CA file", record?.id ?? APP_PROXY],
    ];
    for (const [file, what, serverId] of files) {
      if (!file) continue;
      const r = readCaFile(file, what);
      if (r.ok) extra.push(...r.pem);
      else this.once(serverId, `${r.error}; it is not trusted`);
    }
    return extra.length ? { extraCa: extra } : {};
  }
}
