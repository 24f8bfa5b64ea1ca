/**
 * System notifications, used sparingly (a server needs sign-in, a proxy crash-loops, a tray action
 * failed). A click opens the window on the server the notification is about; its buttons (Sign
 * in, Show log: where the system shows buttons, macOS and Windows) do what they say. Each
 * notification is kept until it is clicked or closed: one that is garbage-collected while shown
 * loses its handlers.
 */
import { Notification } from 'electron';
import type { NotificationActionKind, NotificationOptions, Notifier } from '../core/ports';

export interface NotificationHandlers {
  /** The click: the server's page, or the window when the notification is about no server. */
  open(serverId?: string): void;
  /** A button. */
  act(kind: NotificationActionKind, serverId: string): void;
}

export class ElectronNotifier implements Notifier {
  private readonly shown = new Set<Notification>();
  private readonly handlers: NotificationHandlers;

  /** `onClick` alone: every click opens the window (and buttons are not shown). */
  constructor(handlers: NotificationHandlers | (() => void) = () => {}) {
    this.handlers = typeof handlers === 'function' ? { open: () => handlers(), act: () => handlers() } : handlers;
  }

  notify(title: string, body: string, options: NotificationOptions = {}): void {
    if (!Notification.isSupported()) return;
    const { serverId } = options;
    const actions = serverId ? (options.actions ?? []) : [];
    const n = new Notification({
      title,
      body,
      silent: false,
      ...(actions.length ? { actions: actions.map((a) => ({ type: 'button' as const, text: a.label })) } : {}),
    });
    this.shown.add(n);
    const forget = () => this.shown.delete(n);
    n.on('click', () => {
      forget();
      this.handlers.open(serverId);
    });
    n.on('action', (details, legacyIndex) => {
      forget();
      const index = typeof details?.actionIndex === 'number' ? details.actionIndex : legacyIndex;
      const action = actions[index];
      if (action && serverId) this.handlers.act(action.kind, serverId);
    });
    n.on('close', forget);
    n.show();
  }
}
