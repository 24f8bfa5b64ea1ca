/**
 * Single-instance lock. A second launch (from the desktop, or from a connector that starts the app
 * with --background) hands its argv to the running instance and exits. Without a tray (vanilla
 * GNOME), launching the app again is the user's way back to the window.
 */
import { app } from 'electron';

/** Returns false when another instance holds the lock: the caller must quit at once. */
export function acquireSingleInstanceLock(onSecondInstance: (argv: string[]) => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv) => onSecondInstance(argv));
  return true;
}
