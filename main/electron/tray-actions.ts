/**
 * What each tray menu entry does: the action half of the tray, beside its menu model. No Electron
 * import: the window, quitting and error dialogs come in as functions, so it is tested with plain
 * fakes (tray-actions.test.ts).
 */
import type { SwitchboardCore } from '../core/api/core-port';
import type { TrayAction } from './tray-menu-model';

export interface TrayActionDeps {
  core: Pick<SwitchboardCore, 'signIn' | 'resetSignIn' | 'restartServer' | 'install' | 'uninstall' | 'setSettings'>;
  openWindow(): void;
  quit(): void;
  /** A modal error (the login item could not be changed). */
  showError(title: string, message: string): void;
  /** A failed server action, for that server's log. */
  logFailure(serverId: string, message: string): void;
  /** The tray rebuilds from the core's events; after a failed setting it must show the old value. */
  refreshTray(): void;
}

export function createTrayActionHandler(deps: TrayActionDeps): (action: TrayAction) => void {
  return (action) => {
    if (action === 'quit') return deps.quit();
    if (action === 'open' || action === 'add-server') return deps.openWindow();
    if ('setting' in action) {
      // Through the core's settings, like the Settings view: it registers the login item and
      // tells every window; the tray rebuilds on that event (and now, if it failed).
      void deps.core.setSettings({ launchAtLogin: action.value }).catch((err: Error) => {
        deps.showError('Launch at login could not be changed', err.message);
        deps.refreshTray();
      });
      return;
    }
    const done = (p: Promise<unknown>) => void p.catch((err: Error) => deps.logFailure(action.serverId, `Tray: ${err.message}`));
    switch (action.do) {
      case 'sign-in':
        return done(deps.core.signIn(action.serverId));
      case 'reset-sign-in':
        return done(deps.core.resetSignIn(action.serverId));
      case 'restart':
        return done(deps.core.restartServer(action.serverId));
      case 'show-logs':
        return deps.openWindow();
      case 'install':
        return done(deps.core.install(action.serverId, action.clientId));
      case 'uninstall':
        return done(deps.core.uninstall(action.serverId, action.clientId));
    }
  };
}
