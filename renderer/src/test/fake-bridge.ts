/**
 * FAKE window.switchboard for the renderer's component tests (jsdom). Not the real core: a
 * recording stand-in that answers the contract's calls with Results from per-test handlers (and
 * empty defaults), and lets a test emit the contract's events.
 */
import type { CallName, EventName, Events, Result, ServerStatus, ServerSummary, SwitchboardApi } from '../../../common/contract';

type Handler = (arg: any) => Result<unknown> | Promise<Result<unknown>>;

export interface FakeBridge {
  calls: Array<{ name: CallName; arg: unknown }>;
  emit<K extends EventName>(name: K, payload: Events[K]): void;
  /** Calls of one name, in order. */
  callsOf(name: CallName): unknown[];
  handlers: Partial<Record<CallName, Handler>>;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: string): Result<never> => ({ ok: false, error });

const DEFAULTS: Partial<Record<CallName, Handler>> = {
  'servers:list': () => ok([]),
  'clients:list': () => ok([]),
  'clients:status': () => ok([]),
  'clients:find-imports': () => ok([]),
  'logs:tail': () => ok([]),
  'settings:get': () => ok({ launchAtLogin: false, logRetentionDays: 14, proxyIdleMinutes: 5, theme: 'light', weakStorage: 'ask', newServerTools: 'review' }),
  'app:info': () => ok({ version: '0.1.0', dataDir: '/home/ada/.config/mcp-switchboard', platform: 'linux', loginItemSupported: true }),
  'app:take-proposal': () => ok(null),
  'registry:sources': () => ok([]),
  'registry:check-update': () => ok(null),
  'tools:review': (arg) => ok({ serverId: arg?.serverId, mode: 'ask', items: [], pending: 0 }),
  'tools:clients': () => ok([]),
  'tools:context-cost': () => ok([]),
};

export function installFakeBridge(handlers: Partial<Record<CallName, Handler>> = {}): FakeBridge {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const fake: FakeBridge = {
    calls: [],
    handlers: { ...DEFAULTS, ...handlers },
    emit(name, payload) {
      for (const l of [...(listeners.get(name) ?? [])]) l(payload);
    },
    callsOf(name) {
      return fake.calls.filter((c) => c.name === name).map((c) => c.arg);
    },
  };
  const api: SwitchboardApi = {
    call: (async (name: CallName, arg: unknown) => {
      fake.calls.push({ name, arg });
      const h = fake.handlers[name];
      return h ? await h(arg) : fail(`No fake answer for ${name}`);
    }) as SwitchboardApi['call'],
    on: ((name: string, listener: (p: unknown) => void) => {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add(listener);
      return () => void listeners.get(name)!.delete(listener);
    }) as SwitchboardApi['on'],
  };
  Object.defineProperty(window, 'switchboard', { value: api, configurable: true, writable: true });
  return fake;
}

export const NOW = Date.UTC(2026, 2, 3, 14, 30, 0);

export function status(serverId: string, state: ServerStatus['state'], extra: Partial<ServerStatus> = {}): ServerStatus {
  return { serverId, state, since: NOW - 60_000, restarts: 0, counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 }, ...extra };
}

export function server(id: string, extra: Partial<ServerSummary> = {}, st: Partial<ServerStatus> & { state?: ServerStatus['state'] } = {}): ServerSummary {
  const { state = 'ready', ...rest } = st;
  return {
    id,
    name: id[0]!.toUpperCase() + id.slice(1),
    url: `https://mcp.${id}.example/mcp`,
    enabled: true,
    headerNames: [],
    signIn: 'none',
    status: status(id, state, rest),
    ...extra,
  };
}

/** A promise the test resolves by hand (to see a waiting state). */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
