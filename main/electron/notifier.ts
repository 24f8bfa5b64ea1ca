/**
 * System notifications, used sparingly (a server needs sign-in, a proxy crash-loops). A click on
 * one opens the window. Each notification is kept until it is clicked or closed: one that is
 * garbage-collected while shown loses its click handler.
 */
import { Notification } from 'electron';
import type { Notifier } from '../core/ports';

export class ElectronNotifier implements Notifier {
  private readonly shown = new Set<Notification>();

  constructor(private readonly onClick: () => void = () => {}) {}

  notify(title: string, body: string): void {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body, silent: false });
    this.shown.add(n);
    const forget = () => this.shown.delete(n);
    n.on('click', () => {
      forget();
      this.onClick();
    });
    n.on('close', forget);
    n.show();
  }
}
