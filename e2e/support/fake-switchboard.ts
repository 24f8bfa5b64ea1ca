/**
 * FAKE window.switchboard for the renderer browser tests: a deterministic, in-page stand-in for the
 * preload bridge, installed with page.addInitScript before any page script runs. It is not the
 * real core (that is exercised by the core's own tests and, later, the bridged e2e); it mimics the
 * contract's semantics: Promise-returning calls that resolve to Results, structured-clone payloads,
 * unsubscribe functions for events. Tests drive it through window.__fakeSwitchboard.
 *
 * `installFakeSwitchboard` is serialised into the page by Playwright: it must not reference
 * anything outside its own body.
 */
import type { LogEvent, ServerSummary } from '../../preload/contract';

export interface FakeSeed {
  servers: ServerSummary[];
  logs: LogEvent[];
  /** Epoch ms the page's clock is fixed to (page.clock.setFixedTime). */
  now: number;
}

export interface FakeControl {
  calls: Array<{ name: string; arg: unknown }>;
  emit(name: string, payload: unknown): void;
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
  const installs = new Set<string>(['linear/claude-desktop']);
  let nextId = 1;

  const emit = (name: string, payload: unknown) => {
    for (const l of [...(listeners.get(name) ?? [])]) l(clone(payload));
  };
  const find = (id: unknown) => servers.find((s) => s.id === id);
  const ok = (value?: unknown) => ({ ok: true as const, value: clone(value) });
  const fail = (error: string) => ({ ok: false as const, error });
  const status = (serverId: string, state: ServerSummary['status']['state']): ServerSummary['status'] => ({
    serverId,
    state,
    since: seed.now,
    restarts: 0,
    counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 },
  });

  const handlers: Record<string, (arg: any) => unknown> = {
    'servers:list': () => ok(servers),
    'servers:add': (arg: { url: string; name?: string }) => {
      let url: URL;
      try {
        url = new URL(arg.url);
      } catch {
        return fail(`"${arg.url}" is not a URL. Paste the full address, starting with https://`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return fail(`Only http:// and https:// servers are supported, not ${url.protocol}//`);
      }
      if (servers.some((s) => s.url === arg.url)) return fail(`${arg.url} is already in the list`);
      const id = `new-${nextId++}`;
      const summary: ServerSummary = {
        id,
        name: arg.name ?? url.hostname,
        url: arg.url,
        enabled: true,
        headerNames: [],
        status: status(id, 'starting'),
        signIn: 'none',
      };
      servers.push(summary);
      setTimeout(() => emit('servers:did-change-list', servers), 0);
      return ok(summary);
    },
    'servers:remove': (arg: { serverId: string }) => {
      const i = servers.findIndex((s) => s.id === arg.serverId);
      if (i < 0) return fail(`No server "${arg.serverId}"`);
      servers.splice(i, 1);
      setTimeout(() => emit('servers:did-change-list', servers), 0);
      return ok();
    },
    'servers:set-enabled': (arg: { serverId: string; enabled: boolean }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      s.enabled = arg.enabled;
      s.status = status(s.id, arg.enabled ? 'starting' : 'stopped');
      return ok(s);
    },
    'servers:restart': (arg: { serverId: string }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      if (s.id === 'broken') return fail('Could not restart: the proxy did not stop within 5 s');
      return ok();
    },
    'auth:sign-in': (arg: { serverId: string }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      s.status = status(s.id, 'ready');
      s.signIn = 'signed-in';
      setTimeout(() => emit('servers:did-change-list', servers), 0);
      return ok();
    },
    'auth:reset': (arg: { serverId: string }) => {
      const s = find(arg.serverId);
      if (!s) return fail(`No server "${arg.serverId}"`);
      s.status = status(s.id, 'needs-sign-in');
      s.signIn = 'none';
      setTimeout(() => emit('servers:did-change-list', servers), 0);
      return ok();
    },
    'clients:list': () =>
      ok([
        { id: 'claude-desktop', name: 'Claude Desktop', present: true, restartHint: 'Quit and reopen Claude Desktop.', configPath: '/home/ada/.config/Claude/claude_desktop_config.json' },
        { id: 'cursor', name: 'Cursor', present: true, restartHint: 'Cursor picks up the change by itself.', configPath: '/home/ada/.cursor/mcp.json' },
        { id: 'zed', name: 'Zed', present: false, restartHint: 'Zed picks up the change by itself.' },
      ]),
    'clients:status': (arg: { serverId?: string }) =>
      ok(
        servers
          .filter((s) => !arg?.serverId || s.id === arg.serverId)
          .flatMap((s) => [
            installs.has(`${s.id}/claude-desktop`) ? { serverId: s.id, clientId: 'claude-desktop', state: 'installed', name: s.id } : { serverId: s.id, clientId: 'claude-desktop', state: 'not-installed' },
            installs.has(`${s.id}/cursor`) ? { serverId: s.id, clientId: 'cursor', state: 'installed', name: s.id } : { serverId: s.id, clientId: 'cursor', state: 'not-installed' },
            { serverId: s.id, clientId: 'zed', state: 'not-installed' },
          ]),
      ),
    'clients:install': (arg: { serverId: string; clientId: string }) => {
      installs.add(`${arg.serverId}/${arg.clientId}`);
      return ok({ ...arg, name: arg.serverId, file: '/home/ada/.config/Claude/claude_desktop_config.json', changed: true, restartHint: arg.clientId === 'cursor' ? 'Cursor picks up the change by itself.' : 'Quit and reopen Claude Desktop.' });
    },
    'clients:uninstall': (arg: { serverId: string; clientId: string }) => {
      installs.delete(`${arg.serverId}/${arg.clientId}`);
      return ok({ ...arg, name: arg.serverId, file: '/home/ada/.config/Claude/claude_desktop_config.json', changed: true, restartHint: 'Quit and reopen Claude Desktop.' });
    },
    'logs:tail': (arg: { serverId: string; limit?: number }) => {
      const mine = logs.filter((e) => e.server === arg.serverId);
      return ok(arg.limit ? mine.slice(-arg.limit) : mine);
    },
    'app:take-proposal': () => ok(null),
    'app:info': () => ok({ version: '0.1.0', dataDir: '/home/ada/.config/mcp-switchboard', platform: 'linux' }),
  };

  const api = {
    call(name: string, arg: unknown) {
      calls.push({ name, arg: clone(arg) });
      const handler = handlers[name];
      const result = handler ? handler(clone(arg)) : fail(`Unknown call "${name}"`);
      return Promise.resolve(result);
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
    value: { calls, emit, listenerCount: (name: string) => listeners.get(name)?.size ?? 0 },
  });
}
