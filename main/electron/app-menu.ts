/**
 * The application menu. Without one, Electron installs its default menu, which has View › Reload,
 * Force Reload and Toggle Developer Tools, reachable with Alt on Windows and Linux even in the
 * packaged app. macOS keeps the app menu (Quit, Hide), Edit (so Cmd+C/V/A work in text fields) and
 * Window; Windows and Linux have none (their text fields handle the clipboard keys themselves).
 * Pure: tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';

export function applicationMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') return null;
  return [{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }];
}
