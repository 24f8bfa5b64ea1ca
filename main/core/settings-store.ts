/**
 * settings.json in the data directory (servers under `servers`, app settings under `app`), read and
 * written with conf by every host (the app passes electron-store, a conf subclass, for the same
 * file). Owner-only permissions: it holds static header values. The one way in for every host:
 * openSettingsStore, or settingsOptions for electron-store; both make the data directory 0700
 * before conf creates anything in it (conf makes a missing directory with the umask's 0755).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Conf from 'conf';
import { ensureDataDir } from '../shared/local-socket';
import type { Paths } from './ports';

/** The subset of conf's API the core needs. */
export interface SettingsStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /**
   * conf's change event: called after this store's own writes and, when the store watches its file,
   * after another process changed it. Returns the unsubscribe.
   */
  onDidAnyChange?(callback: () => void): () => void;
}

/**
 * The options every host opens settings.json with (electron-store takes the same): the file 0600.
 * Makes the data directory first (0700, or an existing one 0700), so call it right before the store.
 */
export function settingsOptions(paths: Paths) {
  ensureDataDir(paths.dataDir);
  return { cwd: paths.dataDir, configName: 'settings', projectName: 'mcp-switchboard', projectSuffix: '', configFileMode: 0o600 } as const;
}

/** The settings file of a data directory (what settingsOptions names). */
export function settingsFile(paths: Paths): string {
  return path.join(paths.dataDir, `${settingsOptions(paths).configName}.json`);
}

/**
 * When `err` says that settings.json is not readable as settings (conf: "… is not valid JSON"),
 * moves the file aside in the same folder (`settings.unreadable-<time>.json`, mode kept), so the next
 * start begins with empty settings and nothing in the file is lost. Returns where it went, or
 * undefined when `err` is about something else (the file is then left where it is).
 */
export function setAsideUnreadableSettings(paths: Paths, err: unknown, now: Date = new Date()): string | undefined {
  const file = settingsFile(paths);
  const e = err as { name?: unknown; message?: unknown } | null;
  if (!e || e.name !== 'SyntaxError' || typeof e.message !== 'string' || !e.message.includes(file)) return undefined;
  const aside = path.join(paths.dataDir, `settings.unreadable-${now.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.renameSync(file, aside);
  return aside;
}

/** conf over settings.json; `watch` for a host that must notice changes other processes make. */
export function openSettingsStore(paths: Paths, opts: { watch: boolean }): SettingsStore {
  return new Conf({ ...settingsOptions(paths), watch: opts.watch }) as unknown as SettingsStore;
}

/**
 * The store as this process uses it, plus `onDidChangeElsewhere`: conf reports its own writes and
 * the file watcher's findings on one event, and only the second kind needs reconciling (our own
 * writes are applied where they are made). Writes are synchronous, so an event during one is ours.
 */
export class TrackedSettingsStore implements SettingsStore {
  private writing = 0;

  constructor(private readonly inner: SettingsStore) {}

  get(key: string): unknown {
    return this.inner.get(key);
  }

  set(key: string, value: unknown): void {
    this.writing++;
    try {
      this.inner.set(key, value);
    } finally {
      this.writing--;
    }
  }

  onDidChangeElsewhere(callback: () => void): () => void {
    return (
      this.inner.onDidAnyChange?.(() => {
        if (this.writing === 0) callback();
      }) ?? (() => {})
    );
  }
}
