/**
 * Ports: the capabilities the core receives from its host (Electron in the app, plain Node in the
 * headless host and in tests). Built once in a composition root; the core never reaches for
 * globals or singletons.
 */
import type { ChildProcess } from 'node:child_process';

export interface Disposable {
  dispose(): void | Promise<void>;
}

export type { Paths } from '../shared/paths';

export interface LaunchSpec {
  /** Absolute path of the bundled proxy script. */
  script: string;
  /** Extra environment for the child (never secrets). */
  env?: Record<string, string>;
  /** Tag used in process listings / diagnostics. */
  name: string;
}

/** Starts a Node child with an IPC channel (fork). Electron: the app's runtime; tests: plain Node. */
export interface ChildLauncher {
  launch(spec: LaunchSpec): ChildProcess;
}

/** What a button on a notification does (beside the click, which opens the server's page). */
export type NotificationActionKind = 'sign-in' | 'show-log' | 'restart';

export interface NotificationOptions {
  /** The server the notification is about: a click opens its page. */
  serverId?: string;
  /** Buttons, where the system shows them (macOS, Windows); elsewhere the click is the way in. */
  actions?: ReadonlyArray<{ label: string; kind: NotificationActionKind }>;
}

export interface Notifier {
  notify(title: string, body: string, options?: NotificationOptions): void;
}

export { systemClock, type Clock } from '../shared/clock';

/**
 * Launch at login. The Electron host implements it (app.setLoginItemSettings on macOS/Windows,
 * an XDG autostart entry on Linux); hosts without it report `loginItemSupported: false`.
 */
export interface LoginItems {
  isEnabled(): boolean;
  /** Registers or removes the app; when launched at login the app starts in the background. */
  setEnabled(enabled: boolean): void;
}

/**
 * The operating system's proxy settings for a URL, PAC included, as a PAC answer
 * ("PROXY proxy.corp:3128; DIRECT"). The desktop app asks Electron (`session.resolveProxy`,
 * main/electron/proxy-resolver.ts); the headless host and the command line have none and use the
 * environment (HTTPS_PROXY, NO_PROXY) only.
 */
export interface ProxyResolver {
  resolve(url: string): Promise<string>;
}

/**
 * What the computer tells the app: it woke from sleep, or its network changed. States checked
 * before may be stale (servers with no proxy are checked again). The desktop app feeds it from
 * Electron's powerMonitor; the headless host has none and relies on the slow schedule.
 */
export interface SystemEvents {
  onDidWake(listener: () => void): () => void;
}
