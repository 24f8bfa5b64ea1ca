/**
 * The words, click target and buttons of every notification the app shows: pure, tested here;
 * the host's Notifier shows them (ElectronNotifier in the app). Used sparingly: when a server needs
 * the user and the window may be closed.
 */
import type { NotificationOptions } from './ports';

export interface AppNotification {
  title: string;
  body: string;
  options: NotificationOptions;
}

/** A server needs the user to sign in (its tokens were refused and could not be renewed). */
export function signInNeeded(server: { id: string; name: string }, detail: string): AppNotification {
  return {
    title: `Sign in to ${server.name}`,
    body: `${detail.replace(/\.?$/, '.')} Your clients cannot use ${server.name} until you sign in again.`,
    options: { serverId: server.id, actions: [{ label: 'Sign in', kind: 'sign-in' }] },
  };
}

/** A server's proxy crashed again and again and was stopped. */
export function crashLoop(server: { id: string; name: string }, lastError: string | undefined): AppNotification {
  const why = lastError ? lastError.replace(/\.?$/, '') : 'see its log';
  return {
    title: `${server.name} stopped`,
    body: `It kept crashing: ${why}. Switchboard stopped restarting it: open its log to see why, and press Restart once the cause is fixed.`,
    options: { serverId: server.id, actions: [{ label: 'Show log', kind: 'show-log' }] },
  };
}

/** Something asked from the tray (or a notification's button) failed; the window is not open to say so. */
export function actionFailed(what: string, server: { id: string; name: string } | undefined, message: string): AppNotification {
  return {
    title: `${what} did not work`,
    body: message,
    options: server ? { serverId: server.id, actions: [{ label: 'Show log', kind: 'show-log' }] } : {},
  };
}
