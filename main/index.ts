/**
 * Composition root of the desktop app: builds the Electron ports and calls createHost (the same
 * factory as the headless host and `connect`), then adds what only the app has: the IPC transport,
 * the window, the tray, links and quitting. Order: the app:// scheme's privileges → identity (data
 * directory, Chromium profile, names: app-identity.ts) → single-instance lock → ports → host →
 * [ready] → app://renderer/ served → host start (the keychain is asked in parallel) → IPC
 * transport → window object → tray → window (unless started
 * with --background) → links registered with the OS. Quit disposes everything, the host last,
 * then exits.
 *
 * A throw before the app is up must not leave an invisible process holding the single-instance
 * lock (every later launch would hand its arguments to it and exit): it is caught, an unreadable
 * settings.json is moved aside, a dialog says what happened, and the process exits.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { app, dialog, Menu, session, shell } from 'electron';
import type { ViewRequest } from '../common/contract';
import { createHost } from './core/host';
import { parseAppLink } from './core/links';
import { proposalFromInstallLink } from './core/registry/install-link';
import type { Paths } from './core/ports';
import { resolvePaths } from './shared/paths';
import { writeSessionEnv } from './shared/session-env';
import { encryptedFileVault } from './core/auth/encrypted-file-vault';
import { applicationMenuTemplate } from './electron/app-menu';
import { appIdentity, clientLauncherFor, protocolRegistration, transientReason, URL_SCHEME, type AppIdentity } from './electron/app-identity';
import { installConnectorCopy } from './electron/appimage-connector';
import { createBrowserOpener } from './electron/browser-opener';
import { ElectronChildLauncher } from './electron/child-launcher';
import { electronSystemEvents } from './electron/system-events';
import { ElectronProxyResolver } from './electron/proxy-resolver';
import { ElectronNotifier } from './electron/notifier';
import { ElectronSafeStorageCipher } from './electron/safe-storage-cipher';
import { ElectronIpcTransport } from './electron/ipc-transport';
import { opensWindowOnStart, outDirOf, parseLaunchArgs, unpackedPath, type LaunchOptions } from './electron/launch-options';
import { createLoginItems } from './electron/login-items';
import { registerSchemeHandler } from './electron/scheme-handler-linux';
import { registerRendererScheme, serveRenderer } from './electron/renderer-protocol';
import { rendererLocation } from './electron/security-policy';
import { electronSettingsStore } from './electron/settings-store';
import { acquireSingleInstanceLock } from './electron/single-instance';
import { appendMainLog, startupFailure } from './electron/startup-failure';
import { firstCloseHint } from './electron/close-hint';
import { ElectronTray } from './electron/tray';
import { createTrayActionHandler, notificationAction } from './electron/tray-actions';
import type { TrayAction } from './electron/tray-menu-model';
import { ElectronWindows } from './electron/windows';

/** Quit waits this long for proxies to shut down gracefully before exiting anyway. */
const DISPOSE_TIMEOUT_MS = 10_000;

// The bundle lives in out/main/index.js; its siblings are out/preload, out/renderer, out/proxy, out/assets.
const outDir = outDirOf(__dirname);
const assetsDir = path.join(outDir, 'assets');

let windows: ElectronWindows | undefined;
/** Something asked for the window before it could be created (a second launch, a link). */
let windowRequested = false;

function openWindow(): void {
  if (windows) windows.open();
  else windowRequested = true;
}

/** Links to mcp-switchboard://: adding a server (confirmed in the window) and sign-in redirects. */
let handleLink: (url: string) => void = () => {};
let pendingLink: string | undefined;
/** The app's own log (logs/main.log), once the data directory is known. */
let logsDir: string | undefined;

function logProblem(message: string, err?: unknown): void {
  console.error(`[switchboard] ${message}`, ...(err === undefined ? [] : [err]));
  if (logsDir) appendMainLog(logsDir, `${message}${err === undefined ? '' : `: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`}`);
}

// Started as plain Node (ELECTRON_RUN_AS_NODE inherited from a shell that VS Code or an agent
// started): `require('electron')` is then the binary's path, and there is no app to run.
if (typeof app?.whenReady !== 'function') {
  process.stderr.write(
    'MCP Switchboard must run as an Electron app, but ELECTRON_RUN_AS_NODE is set in this environment. Unset it (npm start does) and start again.\n',
  );
  process.exit(1);
} else {
  boot();
}

function boot(): void {
  // The window's page comes from app://renderer/ (renderer-scheme.ts); the scheme's privileges
  // must be registered before the app is ready.
  registerRendererScheme();
  const launch = parseLaunchArgs(process.argv);
  pendingLink = launch.url;
  let paths: Paths | undefined;
  let up = false;
  process.on('uncaughtException', (err) => {
    logProblem('uncaught exception', err);
    if (!up) failStartup(err, paths);
  });
  process.on('unhandledRejection', (reason) => logProblem('unhandled rejection', reason));
  try {
    const identity = appIdentity({
      isPackaged: app.isPackaged,
      platform: process.platform,
      execPath: process.execPath,
      env: process.env,
      appPath: app.getAppPath(),
      dataDirArg: launch.dataDir,
    });
    // A checkout (or a connector's --data-dir) picks the data directory: this process and its children use it.
    if (identity.dataDirEnv) process.env.MCP_SWITCHBOARD_HOME = identity.dataDirEnv;
    paths = resolvePaths(process.env);
    if (identity.dev) app.setName(identity.name);
    // Chromium's profile, and with it the single-instance lock, lives in the data directory: one
    // app per data directory, and a checkout never meets the installed app.
    fs.mkdirSync(identity.userData, { recursive: true, mode: 0o700 });
    app.setPath('userData', identity.userData);
    if (process.platform === 'win32') app.setAppUserModelId(identity.appUserModelId);
    const locked = acquireSingleInstanceLock((argv) => {
      const second = parseLaunchArgs(argv);
      if (second.url) handleLink(second.url);
      else if (!second.background) openWindow();
    });
    if (!locked) {
      app.exit(0);
      return;
    }
    logsDir = paths.logsDir;
    run(identity, paths, launch, () => (up = true));
  } catch (err) {
    failStartup(err, paths);
  }
}

/** Says why the app cannot start (once dialogs can be shown), then exits: no invisible process stays. */
function failStartup(err: unknown, paths: Paths | undefined): void {
  const failure = startupFailure(err, paths);
  logProblem(`failed to start: ${failure.body}`, err);
  void app.whenReady().then(() => {
    dialog.showErrorBox(failure.title, failure.body);
    app.exit(1);
  });
}

function runTool(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile(command, args, { timeout: 15_000 }, (err) => (err ? reject(err) : resolve())));
}

function run(identity: AppIdentity, paths: Paths, launch: LaunchOptions, started: () => void): void {
  const template = applicationMenuTemplate(process.platform);
  Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
  const renderer = rendererLocation({
    rendererDir: path.join(outDir, 'renderer'),
    devServerUrl: process.env.MCP_SWITCHBOARD_RENDERER_URL,
    isPackaged: app.isPackaged,
  });
  // Files that a child or a client config runs must be real files, outside app.asar.
  const real = (p: string) => (app.isPackaged ? unpackedPath(p) : p);
  // Tokens: encrypted with safeStorage in a 0600 file. The keychain is asked once the app is ready,
  // without holding up the start; the vault waits for the answer.
  const cipher = new ElectronSafeStorageCipher();
  const vault = Object.assign(encryptedFileVault(path.join(paths.dataDir, 'secrets.json'), cipher), { whenReady: () => cipher.whenReady() });
  const unavailable = transientReason(identity.packaging);
  // Launch at login (tray, Settings): starts the app with --background, or on macOS reports
  // wasOpenedAtLogin. A checkout on macOS has none: the login item would be Electron.app.
  const loginItems =
    identity.dev && process.platform === 'darwin'
      ? undefined
      : createLoginItems({
          app,
          platform: process.platform,
          env: process.env,
          execPath: process.execPath,
          appArgs: [...(app.isPackaged ? [] : [app.getAppPath()]), ...identity.loginArgs],
          autostartFileName: identity.autostartFileName,
          unavailable,
          onRepair: (message) => console.warn(`[switchboard] ${message}`),
        });
  // Client configs run the connector on the app's own runtime: no system Node, no npx.
  const { copyConnectorTo, ...clientLauncher } = clientLauncherFor(identity, process.execPath, real(path.join(outDir, 'connector', 'index.js')));
  // The tray's actions, once the tray exists; notifications' buttons do the same.
  let trayAction: (action: TrayAction) => void = () => openWindow();
  let showView: (request: ViewRequest) => void = () => openWindow();
  const notifier = new ElectronNotifier({
    open: (serverId) => (serverId ? showView({ view: 'server', serverId }) : openWindow()),
    act: (kind, serverId) => trayAction(notificationAction(kind, serverId)),
  });
  const host = createHost({
    env: process.env,
    paths,
    vault,
    opener: createBrowserOpener(process.env),
    launcher: new ElectronChildLauncher(),
    proxyScript: real(path.join(outDir, 'proxy', 'index.js')),
    clientLauncher,
    notifier,
    loginItems,
    reveal: (file) => shell.showItemInFolder(file),
    settings: electronSettingsStore(paths),
    version: app.getVersion(),
    // The system's proxy settings (PAC included) for every outbound request; HTTPS_PROXY wins when set.
    proxyResolver: new ElectronProxyResolver(
      () => app.whenReady(),
      () => session.defaultSession,
    ),
    // Wake from sleep: servers with no proxy are checked again.
    systemEvents: electronSystemEvents(),
  });
  const core = host.core;
  showView = (request) => {
    core.requestView(request);
    openWindow();
  };
  if (copyConnectorTo) installConnectorCopy(real(path.join(outDir, 'connector', 'index.js')), copyConnectorTo);
  // What a connector needs to start the app the way this session would (display, proxies).
  try {
    writeSessionEnv(paths.dataDir, process.env);
  } catch (err) {
    logProblem('could not write session-env.json', err);
  }

  handleLink = (url) => {
    const link = parseAppLink(url);
    if (link.kind === 'oauth') {
      void host.auth.handleRedirect(link.url).then((matched) => matched || console.warn('[switchboard] a sign-in link arrived with no sign-in waiting'));
    } else if (link.kind === 'add') {
      // Never added by the link itself: the window pre-fills the form and the user confirms.
      core.proposeAdd({ url: link.url, name: link.name });
      openWindow();
    } else if (link.kind === 'install') {
      // The registry's entry pre-fills the form (or the reason it cannot): the user still confirms.
      void proposalFromInstallLink(link, host.registries).then(
        (proposal) => {
          core.proposeAdd(proposal);
          openWindow();
        },
        (err: unknown) => console.warn(`[switchboard] could not follow an install link: ${String(err)}`),
      );
    } else {
      console.warn(`[switchboard] ignored a link: ${link.reason}`);
    }
  };
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleLink(url);
  });
  if (pendingLink) {
    handleLink(pendingLink);
    pendingLink = undefined;
  }
  // Sign-in completes in the browser: bring the app forward when it does.
  host.auth.onDidChangeState((change) => {
    if (change.state === 'signed-in' && windows) windows.open();
  });

  const disposables: Array<{ dispose(): void }> = [];
  let phase: 'running' | 'disposing' | 'done' = 'running';

  // A tray app: closing the last window must not quit.
  app.on('window-all-closed', () => {});

  app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase === 'disposing') return;
    phase = 'disposing';
    for (const d of disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (err) {
        console.error('[switchboard] dispose failed:', err);
      }
    }
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, DISPOSE_TIMEOUT_MS).unref());
    void Promise.race([host.dispose(), timeout])
      .catch((err) => console.error('[switchboard] core dispose failed:', err))
      .finally(() => {
        phase = 'done';
        app.exit(0);
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(async () => {
      // macOS, run from the disk image or a quarantined download: offer the move first (it relaunches).
      if (unavailable && (await offerMoveToApplications(unavailable))) return;
      if (renderer.kind === 'app') disposables.push({ dispose: serveRenderer(renderer.root, (err) => logProblem('serving the window failed', err)) });
      void cipher.init().then(
        () => cipher.security.secure || console.warn(`[switchboard] ${cipher.security.warning}`),
        (err: unknown) => logProblem('the keychain could not be asked', err),
      );
      await host.start();
      disposables.push(
        new ElectronIpcTransport({
          handlers: host.handlers,
          core,
          renderer,
          onRefused: (channel, url) => console.warn(`[switchboard] refused ${channel} from ${url ?? 'unknown frame'}`),
          onError: (channel, err) => console.error(`[switchboard] ${channel} threw:`, err),
        }),
      );
      windows = new ElectronWindows({
        renderer,
        preloadPath: path.join(outDir, 'preload', 'index.js'),
        iconPath: path.join(assetsDir, 'icon.png'),
        onBlocked: (what, url) => console.warn(`[switchboard] blocked ${what}: ${url}`),
        onPageProblem: (message) => logProblem(message),
        onClose: firstCloseHint({
          platform: process.platform,
          shownBefore: () => fs.existsSync(path.join(paths.dataDir, 'close-hint-shown')),
          remember: () => fs.writeFileSync(path.join(paths.dataDir, 'close-hint-shown'), `${new Date().toISOString()}\n`, { mode: 0o600 }),
          say: (title, body) => notifier.notify(title, body),
        }),
      });
      disposables.push(windows);
      const tray: ElectronTray = new ElectronTray({
        core,
        iconDir: path.join(assetsDir, 'tray'),
        template: process.platform === 'darwin',
        loginItemSupported: !!loginItems,
        onAction: (action) => trayAction(action),
      });
      trayAction = createTrayActionHandler({
        core,
        openWindow,
        showView,
        quit: () => app.quit(),
        showError: (title, message) => dialog.showErrorBox(title, message),
        confirm: async (q) => {
          const { response } = await dialog.showMessageBox({
            type: 'question',
            buttons: [q.confirm, 'Cancel'],
            defaultId: 1,
            cancelId: 1,
            message: q.title,
            detail: q.body,
          });
          return response === 0;
        },
        notify: (n) => notifier.notify(n.title, n.body, n.options),
        storageUndecided: () => {
          const storage = core.appInfo().secretStorage;
          return !!storage && !storage.secure && core.getSettings().weakStorage === 'ask';
        },
        logFailure: (serverId, message) => core.logs.append({ ts: Date.now(), level: 'warn', server: serverId, message }),
        refreshTray: () => tray.refresh(),
      });
      disposables.push(tray);
      started();
      // macOS: opening the app again (Finder, Spotlight, the Dock) while it runs is a reopen, not a
      // second instance. Listened to only now: a start from the login item or a connector must not open the window.
      app.on('activate', () => openWindow());
      // Electron smoke e2e only: Electron lists no trays, and a --background start has no window to
      // ask through, so the test reads the tray and the servers here.
      if (process.env.MCP_SWITCHBOARD_SMOKE_HOOKS === '1') {
        Object.assign(globalThis, { __switchboardSmoke: { tray: () => tray.snapshot(), servers: () => core.listServers() } });
      }
      if (opensWindowOnStart(launch, { wasOpenedAtLogin: loginItems?.wasOpenedAtLogin() ?? false, requested: windowRequested })) windows.open();
      // Last: on Linux Electron asks xdg-settings synchronously, which must not delay the window.
      setImmediate(() => registerLinks(identity));
    })
    .catch((err: unknown) => {
      const failure = startupFailure(err, paths);
      logProblem(`failed to start: ${failure.body}`, err);
      dialog.showErrorBox(failure.title, failure.body);
      app.quit();
    });
}

/** mcp-switchboard:// links to this app, unless it is a checkout that was not asked to take them. */
function registerLinks(identity: AppIdentity): void {
  const reg = protocolRegistration(identity, { platform: process.platform, execPath: process.execPath, env: process.env });
  try {
    if (reg.kind === 'electron') {
      // The same path and arguments on both sides: Windows compares the whole command.
      if (!app.isDefaultProtocolClient(URL_SCHEME, reg.path, reg.args)) app.setAsDefaultProtocolClient(URL_SCHEME, reg.path, reg.args);
    } else if (reg.kind === 'desktop-file') {
      void registerSchemeHandler({ env: process.env, fileName: reg.fileName, exec: reg.exec, run: runTool })
        .then((r) => r.problems.forEach((p) => logProblem(`registering ${r.file} for links: ${p}`)))
        .catch((err: unknown) => logProblem('could not register for mcp-switchboard:// links', err));
    }
  } catch (err) {
    logProblem('could not register for mcp-switchboard:// links', err);
  }
}

/** macOS: asks to move a disk-image or translocated app to Applications; true when it is moving (and relaunches). */
async function offerMoveToApplications(why: string): Promise<boolean> {
  if (process.platform !== 'darwin' || app.isInApplicationsFolder()) return false;
  const { response } = await dialog.showMessageBox({
    type: 'question',
    buttons: ['Move to Applications', 'Not Now'],
    defaultId: 0,
    cancelId: 1,
    message: 'Move MCP Switchboard to your Applications folder?',
    detail: `${why}\n\nUntil it is moved, MCP Switchboard runs, but cannot install into MCP clients or start at login.`,
  });
  if (response !== 0) return false;
  try {
    return app.moveToApplicationsFolder();
  } catch (err) {
    dialog.showErrorBox('MCP Switchboard could not be moved', err instanceof Error ? err.message : String(err));
    return false;
  }
}
