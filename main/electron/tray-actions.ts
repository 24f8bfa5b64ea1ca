/**
 * What each tray menu entry (and each notification button) does: the action half of the tray,
 * beside its menu model. Each does what it says: "Add remote server…" opens the add flow, "Show
 * log" that server's log; "Sign out…" asks first, in the window's words; a sign-in whose token
 * storage is not decided yet goes through the window, which asks about it; a failure is a
 * notification (the window may be closed). No Electron import: the window, dialogs, notifications
 * and quitting come in as functions, so it is tested with plain fakes (tray-actions.test.ts).
 */
import type { ViewRequest } from '../../common/contract';
import { signOutQuestion } from '../../common/wording';
import type { SwitchboardCore } from '../core/api/core-port';
import { actionFailed, type AppNotification } from '../core/notifications';
import type { NotificationActionKind } from '../core/ports';
import type { TrayAction } from './tray-menu-model';

export interface TrayActionDeps {
  core: Pick<SwitchboardCore, 'signIn' | 'resetSignIn' | 'restartServer' | 'setEnabled' | 'install' | 'uninstall' | 'setSettings' | 'listServers'>;
  /** Brings the window forward. */
  openWindow(): void;
  /** Brings the window forward on a view (the add flow, a server's log or sign-in). */
  showView(request: ViewRequest): void;
  quit(): void;
  /** A modal error (the login item could not be changed). */
  showError(title: string, message: string): void;
  /** Asks before a change the window also asks about; resolves true for the confirming button. */
  confirm(question: { title: string; body: string; confirm: string }): Promise<boolean>;
  /** A failure the user should see although the window may be closed. */
  notify(notification: AppNotification): void;
  /** Sign-ins cannot be stored securely here and the user has not chosen yet: the window asks. */
  storageUndecided(): boolean;
  /** A failed server action, for that server's log too. */
  logFailure(serverId: string, message: string): void;
  /** The tray rebuilds from the core's events; after a failed setting it must show the old value. */
  refreshTray(): void;
}

const WHAT: Record<string, string> = {
  'sign-in': 'Sign-in',
  'reset-sign-in': 'Sign-out',
  restart: 'Restart',
  enable: 'Enable',
  install: 'Install',
  uninstall: 'Removal',
};

export function createTrayActionHandler(deps: TrayActionDeps): (action: TrayAction) => void {
  const serverOf = (serverId: string) => {
    try {
      return deps.core.listServers().find((s) => s.id === serverId);
    } catch {
      return undefined;
    }
  };
  return (action) => {
    if (action === 'quit') return deps.quit();
    if (action === 'open') return deps.openWindow();
    if (action === 'add-server') return deps.showView({ view: 'add' });
    if ('setting' in action) {
      // Through the core's settings, like the Settings view: it registers the login item and
      // tells every window; the tray rebuilds on that event (and now, if it failed).
      void deps.core.setSettings({ launchAtLogin: action.value }).catch((err: Error) => {
        deps.showError('Launch at login could not be changed', err.message);
        deps.refreshTray();
      });
      return;
    }
    const { serverId } = action;
    const server = serverOf(serverId);
    const name = server?.name ?? serverId;
    const done = (p: Promise<unknown>) =>
      void p.catch((err: Error) => {
        deps.logFailure(serverId, `Tray: ${err.message}`);
        deps.notify(actionFailed(`${WHAT[action.do]} of ${name}`, { id: serverId, name }, err.message));
      });
    switch (action.do) {
      case 'sign-in':
        if (deps.storageUndecided()) return deps.showView({ view: 'server', serverId, signIn: true });
        return done(deps.core.signIn(serverId));
      case 'reset-sign-in':
        return done(
          deps.confirm(signOutQuestion(name)).then((yes) => {
            if (yes) return deps.core.resetSignIn(serverId);
          }),
        );
      case 'restart':
        return done(deps.core.restartServer(serverId));
      case 'enable':
        return done(deps.core.setEnabled(serverId, true));
      case 'show-logs':
        return deps.showView({ view: 'server', serverId, tab: 'log' });
      case 'install':
        return done(deps.core.install(serverId, action.clientId));
      case 'uninstall':
        return done(deps.core.uninstall(serverId, action.clientId));
    }
  };
}

/** What a notification's button does, as the tray entry that does the same. */
export function notificationAction(kind: NotificationActionKind, serverId: string): TrayAction {
  return { serverId, do: kind === 'sign-in' ? 'sign-in' : kind === 'show-log' ? 'show-logs' : 'restart' };
}
