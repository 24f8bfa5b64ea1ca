/**
 * Gathers the diagnostics bundle (diagnostics.ts writes it): every server's configuration and state
 * without secrets, clients and their install states, settings, how secrets are stored, recent logs.
 * Every secret the host knows (header values, resolved or not, secrets in server URLs, client
 * secrets, held tokens, the connector secret) is registered with the redactor first, server URLs
 * are written masked (`?api-key=[redacted]`), and the whole text passes the redactor once more.
 */
import type { ClientApp, DiagnosticsBundle, InstallStatus, LogEvent, SecretStorageInfo, ServerSummary, AppSettings } from '../../../common/contract';
import { maskUrlSecrets, urlSecrets } from '../../../common/url-secrets';
import type { Env } from '../../shared/paths';
import type { TokenBroker } from '../auth/token-broker';
import type { AuthEngine } from '../auth/types';
import { resolveHeaders } from '../servers/server-model';
import type { ServerRegistry } from '../servers/server-registry';
import { writeDiagnostics, type DiagnosticsClient } from './diagnostics';
import type { LogStore } from './log-store';
import { REDACTED } from './redactor';

/** Events per server in the bundle. */
const DIAGNOSTIC_EVENTS = 200;

export interface DiagnosticsServiceOptions {
  env: Env;
  dataDir: string;
  version: string;
  registry: ServerRegistry;
  logs: LogStore;
  tokens: TokenBroker;
  auth?: AuthEngine;
  connectorSecret(): string | undefined;
  listServers(): ServerSummary[];
  settings(): AppSettings;
  secretStorage(): SecretStorageInfo | undefined;
  /** Clients and their install states; absent in a host that cannot install. */
  clients?: { list(): ClientApp[]; status(): Promise<InstallStatus[]> };
}

export class DiagnosticsService {
  constructor(private readonly opts: DiagnosticsServiceOptions) {}

  async export(): Promise<DiagnosticsBundle> {
    const { registry, logs, tokens } = this.opts;
    const redactor = logs.redactor;
    const records = registry.list();
    for (const r of records) {
      redactor.add(...Object.values(r.headers), ...Object.values(resolveHeaders(r.headers, this.opts.env).headers), ...urlSecrets(r.url));
      if (r.clientId) await tokens.clientSecret(r.id);
      const held = await this.opts.auth?.heldTokens?.(r.id).catch(() => undefined);
      if (held) redactor.addPassing(held.accessToken, held.refreshToken);
    }
    redactor.add(this.opts.connectorSecret());
    const logsById: Record<string, LogEvent[]> = {};
    for (const id of new Set([...records.map((r) => r.id), ...logs.servers()])) logsById[id] = logs.tail(id, DIAGNOSTIC_EVENTS);
    const summaries = new Map(this.opts.listServers().map((s) => [s.id, s]));
    return writeDiagnostics(
      this.opts.dataDir,
      {
        app: { version: this.opts.version, dataDir: this.opts.dataDir },
        servers: records.map((r) => {
          const s = summaries.get(r.id)!;
          return {
            id: r.id,
            name: r.name,
            url: maskUrlSecrets(r.url, REDACTED),
            enabled: r.enabled,
            headerNames: Object.keys(r.headers),
            ...(r.clientId ? { clientId: r.clientId } : {}),
            status: s.status,
            transport: r.transport && { ...r.transport, url: maskUrlSecrets(r.transport.url, REDACTED) },
            signIn: s.signIn,
            signInDetail: tokens.signInDetail(r.id),
            tokenExpiresAt: s.tokenExpiresAt,
          };
        }),
        settings: this.opts.settings(),
        clients: await this.clients(),
        secretStorage: this.opts.secretStorage(),
        logs: logsById,
      },
      redactor,
    );
  }

  private async clients(): Promise<DiagnosticsClient[] | { error: string } | undefined> {
    const clients = this.opts.clients;
    if (!clients) return undefined;
    try {
      const status = await clients.status();
      return clients.list().map((c) => ({
        id: c.id,
        name: c.name,
        present: c.present,
        configPath: c.configPath,
        installs: status.filter((s) => s.clientId === c.id).map(({ clientId: _c, ...rest }) => rest),
      }));
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
}
