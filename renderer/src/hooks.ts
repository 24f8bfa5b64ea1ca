import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, AppSettings, ClientApp, ServerStatus, ServerSummary, ThemeSetting } from '../../common/contract';
import { call, on } from './api';

/** The current time, re-rendered every `intervalMs` (for "since" and "retry in" labels). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export type Load = { kind: 'loading' } | { kind: 'ready' } | { kind: 'failed'; error: string };

/**
 * The newer of two statuses of one server: an answer to a call can arrive after an event that
 * already carried a later state (they travel separately), and must not put the old state back.
 */
export function newerStatus(current: ServerStatus | undefined, incoming: ServerStatus): ServerStatus {
  return current && current.serverId === incoming.serverId && (current.rev ?? 0) > (incoming.rev ?? 0) ? current : incoming;
}

/** Keeps each server's newer status when a whole list or summary replaces what the window holds. */
export function mergeServers(current: ServerSummary[], incoming: ServerSummary[]): ServerSummary[] {
  const held = new Map(current.map((s) => [s.id, s.status]));
  return incoming.map((s) => {
    const status = newerStatus(held.get(s.id), s.status);
    return status === s.status ? s : { ...s, status };
  });
}

/** The server list, kept live by the list and status events. */
export function useServers() {
  const [servers, setServers] = useState<ServerSummary[]>([]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });

  const refresh = useCallback(async () => {
    const result = await call('servers:list', undefined);
    if (result.ok) {
      const listed = result.value;
      setServers((list) => mergeServers(list, listed));
      setLoad({ kind: 'ready' });
    } else {
      setLoad({ kind: 'failed', error: result.error });
    }
  }, []);

  useEffect(() => {
    // Subscribe before the first list so no change slips between the two.
    const offList = on('servers:did-change-list', (incoming) => setServers((list) => mergeServers(list, incoming)));
    const offStatus = on('servers:did-change-status', (status) =>
      setServers((list) =>
        mergeServers(
          list,
          list.map((s) => (s.id === status.serverId ? { ...s, status } : s)),
        ),
      ),
    );
    void refresh();
    return () => {
      offList();
      offStatus();
    };
  }, [refresh]);

  /** Apply a summary a call returned (the event may come later, or not at all). */
  const upsert = useCallback((updated: ServerSummary) => {
    setServers((list) => mergeServers(list, list.some((s) => s.id === updated.id) ? list.map((s) => (s.id === updated.id ? updated : s)) : [...list, updated]));
  }, []);
  const drop = useCallback((id: string) => setServers((list) => list.filter((s) => s.id !== id)), []);

  return { servers, load, refresh, upsert, drop };
}

/** Settings, kept live by `settings:did-change` (the tray can change launch-at-login too). */
export function useSettings() {
  const [settings, setSettings] = useState<AppSettings | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const off = on('settings:did-change', (s) => setSettings(s));
    void call('settings:get', undefined).then((r) => (r.ok ? setSettings(r.value) : setError(r.error)));
    return off;
  }, []);
  /** Saves a change; resolves to the error sentence when it was refused. */
  const update = useCallback(async (patch: Partial<AppSettings>): Promise<string | undefined> => {
    const r = await call('settings:set', patch);
    if (r.ok) {
      setSettings(r.value);
      return undefined;
    }
    return r.error;
  }, []);
  return { settings, error, update };
}

export function useAppInfo(): AppInfo | undefined {
  const [info, setInfo] = useState<AppInfo | undefined>();
  useEffect(() => {
    void call('app:info', undefined).then((r) => r.ok && setInfo(r.value));
  }, []);
  return info;
}

export function useClients() {
  const [clients, setClients] = useState<ClientApp[]>([]);
  const [error, setError] = useState<string | undefined>();
  const refresh = useCallback(async () => {
    const r = await call('clients:list', undefined);
    if (r.ok) {
      setClients(r.value);
      setError(undefined);
    } else setError(r.error);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return { clients, error, refresh };
}

/** 'light' | 'dark' from the setting; `system` follows prefers-color-scheme, live. */
export function resolveTheme(setting: ThemeSetting | undefined, prefersDark: boolean): 'light' | 'dark' {
  if (setting === 'light' || setting === 'dark') return setting;
  return prefersDark ? 'dark' : 'light';
}

function prefersDarkQuery(): MediaQueryList | undefined {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;
}

/** Puts the resolved theme on <html data-theme="…">, where the CSS variables switch. */
export function useTheme(setting: ThemeSetting | undefined): 'light' | 'dark' {
  const [prefersDark, setPrefersDark] = useState(() => prefersDarkQuery()?.matches ?? false);
  useEffect(() => {
    const mq = prefersDarkQuery();
    if (!mq) return;
    const onChange = () => setPrefersDark(mq.matches);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  const theme = resolveTheme(setting, prefersDark);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}
