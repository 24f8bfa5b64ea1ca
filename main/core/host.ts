/**
 * The one wiring of the app's core, used by every host: the Electron app (main/index.ts), the
 * headless host (main/headless) and `connect` (main/cli/connect.ts). A host builds its ports
 * (vault, browser opener, child launcher, notifier, login items, settings store, clock) and calls
 * createHost; the logs, the sign-in engine, AppCore, the handler table and the control endpoint are
 * wired here and nowhere else, so what the headless tests exercise is what the app runs.
 */
import * as path from 'node:path';
import type { AppInfo, Result } from '../../common/contract';
import type { Env } from '../shared/paths';
import { createHandlers, dispatch, forwardEvents, type EventSink, type HandlerTable } from './api/handlers';
import { AppCore, type AppCoreOptions } from './app-core';
import { AuthService, type AuthServiceOptions } from './auth/auth-service';
import { ChoiceVault } from './auth/choice-vault';
import type { BrowserOpener, SecretVault } from './auth/types';
import type { Launcher } from './clients';
import { LogStore } from './logs/log-store';
import { RegistryService } from './registry/registry-service';
import { fetchFor } from '../shared/net/fetch';
import type { ChildLauncher, Clock, LoginItems, Notifier, Paths, ProxyResolver, SystemEvents } from './ports';
import { openSettingsStore, type SettingsStore } from './settings-store';

export interface HostPorts {
  env: Env;
  paths: Paths;
  /** Where tokens and client secrets are kept; wrapped here in the weak-storage choice. */
  vault: SecretVault;
  /** Opens the system browser for sign-in. */
  opener: BrowserOpener;
  /** Starts proxy children (Electron's runtime in the app, Node elsewhere). */
  launcher: ChildLauncher;
  /** Absolute path of the bundled proxy entry (unpacked from asar in the app). */
  proxyScript: string;
  /** What client config entries run; without it installing into clients is not offered. */
  clientLauncher?: Launcher;
  notifier?: Notifier;
  loginItems?: LoginItems;
  /** Shows a file in the file manager (the desktop app: Electron's shell.showItemInFolder). */
  reveal?: (file: string) => void;
  clock?: Clock;
  /**
   * settings.json; by default conf in the data directory, watching the file so that changes made by
   * another process (an older command line, a hand edit) reach the running host. The app passes
   * electron-store with the same file.
   */
  settings?: SettingsStore;
  version?: string;
  /** Sign in through the browser by itself when a token is refused (`connect`). */
  autoSignIn?: boolean;
  /** Tuning for tests. */
  supervisor?: AppCoreOptions['supervisor'];
  signIn?: Pick<AuthServiceOptions, 'refreshSkewMs' | 'callbackTimeoutMs' | 'httpTimeoutMs' | 'fetch'>;
  probeTimeoutMs?: number;
  toolsTimeoutMs?: number;
  /** Tests: the official registry's address (a local registry), the registries' time limit. */
  registry?: { officialUrl?: string; timeoutMs?: number };
  /**
   * The operating system's proxy settings (the desktop app: Electron's session.resolveProxy). The
   * headless host and the command line have none: the environment (HTTPS_PROXY, NO_PROXY) only.
   */
  proxyResolver?: ProxyResolver;
  /** Wake from sleep and network changes (the desktop app: powerMonitor); the headless host has none. */
  systemEvents?: SystemEvents;
}

export type Call = (name: unknown, arg?: unknown) => Promise<Result<unknown>>;

export interface Host {
  readonly core: AppCore;
  readonly auth: AuthService;
  readonly logs: LogStore;
  readonly registries: RegistryService;
  readonly handlers: HandlerTable;
  /** Calls the handler table in this process (what the IPC transport and the control socket do). */
  readonly call: Call;
  /** Forwards every contract event to a transport's sink; returns the unsubscribe. */
  forwardEvents(sink: EventSink): () => void;
  appInfo(): AppInfo;
  /**
   * Takes the one-host-per-data-directory lock (which also serves the handler table on the control
   * socket), then starts the proxies. Throws InstanceLockedError when another host runs.
   */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export function createHost(ports: HostPorts): Host {
  const logs = new LogStore({ logsDir: ports.paths.logsDir });
  const vault = new ChoiceVault(ports.vault);
  const auth = new AuthService({
    ...ports.signIn,
    vault,
    opener: ports.opener,
    notifier: ports.notifier,
    clientMetadataUrl: ports.env.MCP_SWITCHBOARD_CLIENT_METADATA_URL,
    log: (serverId, level, message) => logs.append({ ts: Date.now(), level, server: serverId, message, topic: 'sign-in' }),
    // Every token, code, verifier and client secret is registered with the log store's redactor
    // the moment the engine has it: one registry for everything the host writes.
    secrets: logs.redactor,
    clock: ports.clock,
    // Every request the engine makes for a server goes the way that server's requests go (proxy, CAs).
    networkFetch: (server) => core.network.fetchFor(server),
  });
  const core: AppCore = new AppCore({
    env: ports.env,
    paths: ports.paths,
    logs,
    launcher: ports.launcher,
    proxyScript: ports.proxyScript,
    settings: ports.settings ?? openSettingsStore(ports.paths, { watch: true }),
    clock: ports.clock,
    auth,
    vault,
    autoSignIn: ports.autoSignIn,
    clientLauncher: ports.clientLauncher,
    notifier: ports.notifier,
    opener: ports.opener,
    loginItems: ports.loginItems,
    reveal: ports.reveal,
    version: ports.version,
    supervisor: ports.supervisor,
    probeTimeoutMs: ports.probeTimeoutMs,
    toolsTimeoutMs: ports.toolsTimeoutMs,
    proxyResolver: ports.proxyResolver,
    systemEvents: ports.systemEvents,
  });
  const registries = new RegistryService({
    store: core.settingsStore,
    vault,
    // A registry is asked the way every request of the app goes (proxy, CAs), as the app itself.
    fetchFor: async (url) => fetchFor(await core.network.forRequest(undefined, url)),
    opener: ports.opener,
    secrets: logs.redactor,
    servers: core.registry,
    officialUrl: ports.registry?.officialUrl,
    timeoutMs: ports.registry?.timeoutMs,
    clock: ports.clock,
  });
  const appInfo = () => core.appInfo();
  const handlers = createHandlers(core, appInfo, registries);
  const call: Call = (name, arg) => dispatch(handlers, name, arg);
  // The control socket answers with the same table as the window: `connect`, the command line and
  // connectors drive a running host through it.
  core.serveControl(call);
  return {
    core,
    auth,
    logs,
    registries,
    handlers,
    call,
    forwardEvents: (sink) => forwardEvents(core, sink),
    appInfo,
    start: () => core.start(),
    dispose: () => core.dispose(),
  };
}

/** The bundled entries beside a built entry file: out/<entry>/index.js → out/proxy, out/connector. */
export function bundledScripts(entryDir: string): { proxyScript: string; connectorScript: string; headlessScript: string } {
  const out = path.resolve(entryDir, '..');
  return {
    proxyScript: path.join(out, 'proxy', 'index.js'),
    connectorScript: path.join(out, 'connector', 'index.js'),
    headlessScript: path.join(out, 'headless', 'index.js'),
  };
}
