/**
 * FAKE window.switchboard for the renderer browser tests: a deterministic, in-page stand-in for the
 * preload bridge, installed with page.addInitScript before any page script runs. It is not the
 * real core (that is exercised by the core's own tests and the bridged e2e); it mimics the
 * contract's semantics: Promise-returning calls that resolve to Results, structured-clone payloads,
 * unsubscribe functions for events. Tests drive it through window.__fakeSwitchboard.
 *
 * `installFakeSwitchboard` is serialised into the page by Playwright: it must not reference
 * anything outside its own body, and the seed must be plain JSON.
 */
import type {
  AppInfo,
  AppSettings,
  ClientApp,
  ImportCandidateView,
  InstallResult,
  LogEvent,
  ProbeResult,
  ServerSummary,
  ToolInfo,
  UpdateServerInput,
} from '../../common/contract';

export interface FakeSeed {
  servers: ServerSummary[];
  logs: LogEvent[];
  /** Epoch ms the page's clock is fixed to (page.clock.setFixedTime). */
  now: number;
  clients?: ClientApp[];
  /** "serverId/clientId" pairs installed at the start. */
  installs?: string[];
  /** Tools per server id; a server without an entry answers servers:tools with an error. */
  tools?: Record<string, ToolInfo[]>;
  /** Probe answers by URL (merged over a reachable, no-sign-in default). */
  probes?: Record<string, Partial<ProbeResult>>;
  imports?: ImportCandidateView[];
  settings?: AppSettings;
  info?: AppInfo;
  /** auth:sign-in answers with this error (once) instead of signing in. */
  signInError?: string;
  /** auth:sign-in waits this long before it resolves (the waiting state is visible). */
  signInDelayMs?: number;
  /** Config backups per client id (clients:backups). */
  backups?: Record<string, Array<{ id: string; createdAt: number; bytes: number }>>;
}

export interface FakeControl {
  calls: Array<{ name: string; arg: unknown }>;
  emit(name: string, payload: unknown): void;
  /** Ends the sign-ins waiting for "the browser" (signInDelayMs) as if the user finished. */
  finishSignIns(): void;
  listenerCount(name: string): number;
}

declare global {
  interface Window {
    __fakeSwitchboard: FakeControl;
  }
}

export function installFakeSwitchboard(seed: FakeSeed): void {
  const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
  const servers: ServerSummary[] = clone(seed.servers);
  const logs: LogEvent[] = clone(seed.logs);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: Array<{ name: string; arg: unknown }> = [];
  const installs = new Set<string>(seed.installs ?? ['linear/claude-desktop']);
  const clients: ClientApp[] = clone(
    seed.clients ?? [
      {
        id: 'claude-desktop',
        name: 'Claude Desktop',
        present: true,
        restartHint: 'Quit and reopen Claude Desktop.',
        configPath: '/home/ada/.config/Claude/claude_desktop_config.json',
      },
      { id: 'cursor', name: 'Cursor', present: true, restartHint: 'Cursor picks up the change by itself.', configPath: '/home/ada/.cursor/mcp.json' },
      { id: 'zed', name: 'Zed', present: false, restartHint: 'Zed picks up the change by itself.' },
    ],
  );
  const imports: ImportCandidateView[] = clone(seed.imports ?? []);
  let settings: AppSettings = clone(
    seed.settings ?? { launchAtLogin: false, logRetentionDays: 14, proxyIdleMinutes: 5, theme: 'light', weakStorage: 'ask', newServerTools: 'review' },
  );
  const info: AppInfo = clone(
    seed.info ?? {
      version: '0.1.0',
      dataDir: '/home/ada/.config/mcp-switchboard',
      platform: 'linux',
      loginItemSupported: true,
      canReveal: true,
      homeDir: '/home/ada',
      secretStorage: { secure: true, backend: 'safeStorage (gnome_libsecret)' },
    },
  );
  let signInError = seed.signInError;
  let nextId = 1;
  const drafts: ServerSummary[] = [];
  const signingIn = new Map<string, (r: unknown) => void>();

  const emit = (name: string, payload: unknown) => {
    for (const l of [...(listeners.get(name) ?? [])]) l(clone(payload));
  };
  const find = (id: unknown) => servers.find((s) => s.id === id);
  const ok = (value?: unknown) => ({ ok: true as const, value: clone(value) });
  const fail = (error: string) => ({ ok: false as const, error });
  const later = (fn: () => void) => setTimeout(fn, 0);
  const status = (serverId: string, state: ServerSummary['status']['state']): ServerSummary['status'] => ({
    serverId,
    state,
    since: seed.now,
    restarts: 0,
    counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 },
  });
  const clientOf = (id: string) => clients.find((c) => c.id === id);
  const installResult = (serverId: string, clientId: string, removed = false): InstallResult => ({
    serverId,
    clientId,
    name: serverId,
    file: clientOf(clientId)?.configPath ?? `/home/ada/.config/${clientId}.json`,
    changed: true,
    restartHint: (removed ? clientOf(clientId)?.removeHint : undefined) ?? clientOf(clientId)?.restartHint ?? 'Restart the client.',
  });
  const checkUrl = (raw: string): URL | string => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return `"${raw}" is not a URL. Paste the full address, starting with https://`;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `Only http:// and https:// servers are supported, not ${url.protocol}//`;
    return url;
  };
  const probeOf = (raw: string): ProbeResult | string => {
    const url = checkUrl(raw.trim());
    if (typeof url === 'string') return url;
    const host = url.hostname;
    const base: ProbeResult = {
      url: url.href,
      reachable: true,
      transport: 'streamable-http',
      signIn: 'not-needed',
      suggestedName: host
        .replace(/^mcp\./, '')
        .split('.')[0]!
        .replace(/^./, (c) => c.toUpperCase()),
    };
    if (/unreachable|down\./.test(host)) {
      return {
        ...base,
        reachable: false,
        transport: undefined,
        signIn: 'unknown',
        problem: `Nothing answers at ${url.host}: connection refused. Is the server running, and is the port right?`,
      };
    }
    return { ...base, ...(seed.probes?.[url.href] ?? {}) };
  };

  const handlers: Record<string, (arg: any) => unknown> = {
    'servers:list': () => ok(servers),
    'servers:probe': (arg: { url: string }) => {
      const p = probeOf(arg.url);
      return typeof p === 'string' ? fail(p) : ok(p);
    },
    'servers:add': (arg: { url: string; name?: string; headers?: Record<string, string>; draft?: boolean }) => {
      const url = checkUrl(arg.url);
      if (typeof url === 'string') return fail(url);
      if (servers.some((s) => s.url === arg.url)) return fail(`${arg.url} is already in the list`);
      const probe = probeOf(arg.url);
      const needsSignIn = typeof probe !== 'string' && probe.signIn === 'needed';
      const id = `new-${nextId++}`;
      const summary: ServerSummary = {
        id,
        name: arg.name ?? url.hostname,
        url: arg.url,
        enabled: true,
        headerNames: Object.keys(arg.headers ?? {}),
        status: status(id, arg.draft ? 'stopped' : needsSignIn ? 'needs-sign-in' : 'starting'),
        signIn: needsSignIn ? 'needs-sign-in' : 'none',
      };
      if (arg.draft) {
        drafts.push(summary);
        return ok(summary);
      }
      servers.push(summary);
      later(() => emit('servers:did-change-list', servers));
      return ok(summary);
    },
    'servers:keep': (arg: { serverId: string }) => {
      const i = drafts.findIndex((d) => d.id === arg.serverId);
      if (i < 0) return fail(`No draft "${arg.serverId}"`);
      const [d] = drafts.splice(i, 1);
      if (d!.signIn !== 'signed-in') d!.status = status(d!.id, 'needs-sign-in');
      servers.push(d!);
      later(() => emit('servers:did-change-list', servers));
      return ok(d);
    },
    'servers:discard': (arg: { serverId: string }) => {
      const i = drafts.findIndex((d) => d.id === arg.serverId);
      if (i < 0) return fail(`"${arg.serverId}" is not a server being added`);
      drafts.splice(i, 1);
      return ok();
    },
    'servers:update': (arg: UpdateServerInput) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      if (arg.proxy !== undefined && !/^(system|direct|https?:\/\/[^/]+)$/.test(arg.proxy)) {
        return fail('Only HTTP proxies are supported (http:// or https://).');
      }
      if (arg.name) s.name = arg.name;
      if (arg.url) s.url = arg.url;
      // Like the core: the password goes to the vault, the summary keeps the user only.
      if (arg.proxy === 'system') delete s.proxy;
      else if (arg.proxy !== undefined) s.proxy = arg.proxy.replace(/:[^:@/]*@/, '@');
      if (arg.caFile === '') delete s.caFile;
      else if (arg.caFile !== undefined) s.caFile = arg.caFile;
      for (const [name, value] of Object.entries(arg.headers ?? {})) {
        s.headerNames = s.headerNames.filter((h) => h.toLowerCase() !== name.toLowerCase());
        if (value !== null) s.headerNames.push(name);
      }
      later(() => emit('servers:did-change-list', servers));
      return ok({ server: s, signedOut: arg.url !== undefined });
    },
    'servers:remove': (arg: { serverId: string; keepInClients?: boolean }) => {
      const i = servers.findIndex((s) => s.id === arg.serverId);
      if (i < 0) return fail(`No server "${arg.serverId}"`);
      servers.splice(i, 1);
      const uninstalled: InstallResult[] = [];
      for (const key of [...installs]) {
        const [serverId, clientId] = key.split('/') as [string, string];
        if (serverId !== arg.serverId || arg.keepInClients) continue;
        installs.delete(key);
        uninstalled.push(installResult(serverId, clientId, true));
      }
      later(() => emit('servers:did-change-list', servers));
      return ok({ uninstalled, failed: [] });
    },
    'servers:set-enabled': (arg: { serverId: string; enabled: boolean }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      s.enabled = arg.enabled;
      s.status = status(s.id, arg.enabled ? 'starting' : 'stopped');
      return ok(s);
    },
    'servers:set-stand-ins': (arg: { serverId: string; enabled: boolean; clientId?: string }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      if (arg.clientId === undefined) s.standIns = arg.enabled;
      else {
        const off = new Set(s.standInsOffFor ?? []);
        if (arg.enabled) off.delete(arg.clientId);
        else off.add(arg.clientId);
        s.standInsOffFor = off.size ? [...off].sort() : undefined;
      }
      return ok(s);
    },
    'servers:restart': (arg: { serverId: string }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      if (s.id === 'broken') return fail('Could not restart: the proxy did not stop within 5 s');
      return ok();
    },
    'servers:tools': (arg: { serverId: string }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      const tools = seed.tools?.[s.id];
      return tools ? ok(tools) : fail(`${s.name} did not answer tools/list: HTTP 502 Bad Gateway`);
    },
    'auth:sign-in': async (arg: { serverId: string }) => {
      const s = find(arg.serverId) ?? drafts.find((d) => d.id === arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      if (seed.signInDelayMs) {
        const cancelled = await new Promise((r) => {
          signingIn.set(s.id, r);
          setTimeout(() => r(false), seed.signInDelayMs);
        });
        signingIn.delete(s.id);
        if (cancelled) return fail('Sign-in was cancelled.');
      }
      if (signInError) {
        const error = signInError;
        signInError = undefined;
        return fail(error);
      }
      s.status = status(s.id, 'ready');
      s.signIn = 'signed-in';
      s.tokenExpiresAt = seed.now + 55 * 60_000;
      later(() => emit('servers:did-change-list', servers));
      return ok();
    },
    'auth:sign-in-page': (arg: { serverId: string }) =>
      ok(
        signingIn.has(arg.serverId)
          ? { url: `https://auth.acme.dev/authorize?client_id=switchboard&state=${arg.serverId}`, expiresAt: seed.now + 5 * 60_000 }
          : null,
      ),
    'auth:open-sign-in-page': (arg: { serverId: string }) => (signingIn.has(arg.serverId) ? ok() : fail('No sign-in is waiting for the browser')),
    'auth:cancel-sign-in': (arg: { serverId: string }) => {
      signingIn.get(arg.serverId)?.(true);
      return ok();
    },
    'auth:reset': (arg: { serverId: string }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      s.status = status(s.id, 'needs-sign-in');
      s.signIn = 'needs-sign-in';
      delete s.tokenExpiresAt;
      later(() => emit('servers:did-change-list', servers));
      return ok();
    },
    'clients:list': () => ok(clients),
    'clients:status': (arg: { serverId?: string }) =>
      ok(
        servers
          .filter((s) => !arg?.serverId || s.id === arg.serverId)
          .flatMap((s) =>
            clients.map((c) =>
              installs.has(`${s.id}/${c.id}`)
                ? { serverId: s.id, clientId: c.id, state: 'installed', name: s.id }
                : { serverId: s.id, clientId: c.id, state: 'not-installed' },
            ),
          ),
      ),
    'clients:install': (arg: { serverId: string; clientId: string }) => {
      installs.add(`${arg.serverId}/${arg.clientId}`);
      return ok(installResult(arg.serverId, arg.clientId));
    },
    'clients:uninstall': (arg: { serverId: string; clientId: string }) => {
      installs.delete(`${arg.serverId}/${arg.clientId}`);
      return ok(installResult(arg.serverId, arg.clientId, true));
    },
    'clients:backups': (arg: { clientId: string }) => ok(seed.backups?.[arg.clientId] ?? []),
    'clients:restore-backup': (arg: { clientId: string }) =>
      ok({ clientId: arg.clientId, file: clientOf(arg.clientId)?.configPath ?? '/f', restartHint: clientOf(arg.clientId)?.restartHint ?? '' }),
    'clients:find-imports': () => ok(imports),
    'clients:import': (arg: { clientId: string; entryName: string }) => {
      const i = imports.findIndex((c) => c.clientId === arg.clientId && c.entryName === arg.entryName);
      if (i < 0) return fail(`No mcp-remote entry "${arg.entryName}" in ${arg.clientId}`);
      const c = imports[i]!;
      if (servers.some((s) => s.url === c.url)) return fail(`${c.url} is already in the list`);
      imports.splice(i, 1);
      const id = `imported-${nextId++}`;
      const summary: ServerSummary = {
        id,
        name: c.entryName,
        url: c.url,
        enabled: true,
        headerNames: c.headerNames,
        status: status(id, 'starting'),
        signIn: 'none',
      };
      servers.push(summary);
      installs.add(`${id}/${c.clientId}`);
      later(() => emit('servers:did-change-list', servers));
      return ok(summary);
    },
    'logs:tail': (arg: { serverId?: string; limit?: number }) => {
      const mine = logs.filter((e) => !arg?.serverId || e.server === arg.serverId).sort((a, b) => a.ts - b.ts);
      return ok(arg?.limit ? mine.slice(-arg.limit) : mine);
    },
    'logs:export-diagnostics': () => ok({ file: '/home/ada/.config/mcp-switchboard/diagnostics-20260303-143000.json', bytes: 48_213 }),
    'settings:get': () => ok(settings),
    'settings:set': (arg: Partial<AppSettings>) => {
      if (arg.logRetentionDays !== undefined && (arg.logRetentionDays < 1 || arg.logRetentionDays > 90)) {
        return fail('Log retention must be 1 to 90 days');
      }
      if (arg.launchAtLogin !== undefined && !info.loginItemSupported) return fail('Launch at login is not available in this host');
      settings = { ...settings, ...arg };
      later(() => emit('settings:did-change', settings));
      return ok(settings);
    },
    'app:take-proposal': () => ok(null),
    'app:take-view-request': () => ok(null),
    // Registries (issue 18): the official one, which lists nothing here (e2e/registry.spec.ts runs real ones).
    'registry:sources': () =>
      ok([{ id: 'official', name: 'MCP Registry', url: 'https://registry.modelcontextprotocol.io', official: true, enabled: true, hasToken: false }]),
    'registry:search': (arg: { registryId: string }) => ok({ registryId: arg.registryId, entries: [], skipped: [], localOnly: 0 }),
    'registry:check-update': () => ok(null),
    'app:reveal': () => ok(),
    // The tool policy (issue 16): nothing listed yet, no client connected (e2e/tools.spec.ts runs the real one).
    // A server added here is new: its first listing waits for review (Settings: "review", the default).
    'tools:review': (arg: { serverId: string }) => ok({ serverId: arg.serverId, mode: 'ask', items: [], pending: arg.serverId.startsWith('new-') ? 4 : 0 }),
    'tools:clients': () => ok([]),
    'tools:context-cost': () => ok([]),
    'app:info': () => ok(info),
  };

  const api = {
    async call(name: string, arg: unknown) {
      calls.push({ name, arg: clone(arg) });
      const handler = handlers[name];
      return handler ? await handler(clone(arg)) : fail(`Unknown call "${name}"`);
    },
    on(name: string, listener: (payload: unknown) => void) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      const wrapped = (p: unknown) => listener(p);
      listeners.get(name)!.add(wrapped);
      return () => void listeners.get(name)!.delete(wrapped);
    },
  };

  Object.defineProperty(window, 'switchboard', { value: Object.freeze(api), configurable: false, writable: false });
  Object.defineProperty(window, '__fakeSwitchboard', {
    value: {
      calls,
      emit,
      listenerCount: (name: string) => listeners.get(name)?.size ?? 0,
      finishSignIns: () => {
        for (const done of [...signingIn.values()]) done(false);
      },
    },
  });
}
