/**
 * The app keeps settings.json with electron-store (a conf subclass) in the data directory, with the
 * same options as the other hosts, so every host reads and writes one file; it watches the file, so
 * a change made by another process (a command line that found no running app) reaches the app.
 * electron-store also registers an ipcMain listener of its own ('electron-store-get-data'); our
 * preload exposes no raw IPC, so no page can reach it.
 */
import ElectronStore from 'electron-store';
import { settingsOptions, type SettingsStore } from '../core/settings-store';
import type { Paths } from '../core/ports';

export function electronSettingsStore(paths: Paths): SettingsStore {
  const { configName, ...rest } = settingsOptions(paths);
  return new ElectronStore({ ...rest, name: configName, watch: true }) as unknown as SettingsStore;
}
