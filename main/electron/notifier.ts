/** System notifications, used sparingly (a server needs sign-in, a proxy crash-loops). */
import { Notification } from 'electron';
import type { Notifier } from '../core/ports';

export class ElectronNotifier implements Notifier {
  notify(title: string, body: string): void {
    if (Notification.isSupported()) new Notification({ title, body, silent: false }).show();
  }
}
