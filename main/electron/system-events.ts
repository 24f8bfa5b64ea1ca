/**
 * The SystemEvents port of the desktop app: Electron's powerMonitor says when the computer woke
 * from sleep or the screen was unlocked, after which servers with no proxy are checked again (their
 * state may have changed meanwhile: a network joined or left, a sign-in expired). Electron's main
 * process has no network-change event; the slow schedule covers the rest.
 */
import { app, powerMonitor } from 'electron';
import type { SystemEvents } from '../core/ports';

const WAKE_EVENTS = ['resume', 'unlock-screen'] as const;

export function electronSystemEvents(): SystemEvents {
  return {
    onDidWake(listener) {
      let off = false;
      // powerMonitor may be used only once the app is ready.
      void app.whenReady().then(() => {
        if (!off) for (const e of WAKE_EVENTS) powerMonitor.on(e as 'resume', listener);
      });
      return () => {
        off = true;
        for (const e of WAKE_EVENTS) powerMonitor.off(e as 'resume', listener);
      };
    },
  };
}
