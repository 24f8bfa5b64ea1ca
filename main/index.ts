/**
 * Composition root of the desktop app: builds the Electron ports and calls createHost (the same
 * factory as the headless host and `connect`), then adds what only the app has: the IPC transport,
 * the window, the tray, links and quitting. Order: single-instance lock → ports → host (start) →
 * IPC transport → tray → window (unless started with --background). Quit disposes everything, the
 * host last, then exits.
 */
import * as path from 'node:path';
import { app, dialog } from 'electron';
import { createHost } from './core/host';
import { parseAppLink } from './core/links';
import { resolvePaths } from './shared/paths';
import { encryptedFileVault } from './core/auth/encrypted-file-vault';
import { createBrowserOpener } from './electron/browser-opener';
import { ElectronChildLauncher } from './electron/child-launcher';
import { ElectronNotifier } from './electron/notifier';
import { ElectronSafeStorageCipher } from './electron/safe-storage-cipher';
import { ElectronIpcTransport } from './electron/ipc-transport';
import { opensWindowOnStart, outDirOf, parseLaunchArgs, unpackedPath } from './electron/launch-options';
import { createLoginItems } from './electron/login-items';
import { rendererLocation } from './electron/security-policy';
import { electronSettingsStore } from './electron/settings-store';
import { acquireSingleInstanceLock } from './electron/single-instance';
import { ElectronTray } from './electron/tray';
import { createTrayActionHandler } from './electron/tray-actions';
import { ElectronWindows } from './electron/windows';

/** Quit waits this long for proxies to shut down gracefully before exiting anyway. */
const DISPOSE_TIMEOUT_MS = 10_000;

// The bundle lives in out/main/index.js; its siblings are out/preload, out/renderer, out/proxy, out/assets.
const outDir = outDirOf(__dirname);
const assetsDir = path.join(outDir, 'assets');

const launch = parseLaunchArgs(process.argv);
let windows: ElectronWindows | undefined;
/** Something asked for the window before it could be created (a second launch, a link). */
let windowRequested = false;

function openWindow(): void {
  if (windows) windows.open();
  else windowRequested = true;
}

/** Links to mcp-switchboard://: adding a server (confirmed in the window) and sign-in redirects. */
let handleLink: (url: string) => void = () => {};
let pendingLink = launch.url;

if (
  !acquireSingleInstanceLock((argv) => {
    const second = parseLaunchArgs(argv);
    if (second.url) handleLink(second.url);
    else if (!second.background) openWindow();
  })
) {
  app.exit(0);
} else {
  if (process.platform === 'win32') app.setAppUserModelId('dev.mcpswitchboard.app');
  run();
}

function run(): void {
  const paths = resolvePaths(process.env);
  const renderer = rendererLocation({
    indexHtml: path.join(outDir, 'renderer', 'index.html'),
    devServerUrl: process.env.MCP_SWITCHBOARD_RENDERER_URL,
    isPackaged: app.isPackaged,
  });
  // Files that a child or a client config runs must be real files, outside app.asar.
  const real = (p: string) => (app.isPackaged ? unpackedPath(p) : p);
  // Tokens: encrypted with safeStorage (initialized once the app is ready), in a 0600 file.
  const cipher = new ElectronSafeStorageCipher();
  // Launch at login (tray: "Launch at login", Settings): starts the app with --background, or on
  // macOS reports wasOpenedAtLogin; unpackaged, the executable is electron and needs the app folder.
  const loginItems = createLoginItems({
    app,
    platform: process.platform,
    env: process.env,
    execPath: process.execPath,
    appArgs: app.isPackaged ? [] : [app.getAppPath()],
    onRepair: (message) => console.warn(`[switchboard] ${message}`),
  });
  const host = createHost({
    env: process.env,
    paths,
    vault: encryptedFileVault(path.join(paths.dataDir, 'secrets.json'), cipher),
    opener: createBrowserOpener(process.env),
    launcher: new ElectronChildLauncher(),
    proxyScript: real(path.join(outDir, 'proxy', 'index.js')),
    // Client configs run the connector on the app's own runtime: no system Node, no npx.
    clientLauncher: { command: process.execPath, connectorScript: real(path.join(outDir, 'connector', 'index.js')), electronRunAsNode: true },
    notifier: new ElectronNotifier(),
    loginItems,
    settings: electronSettingsStore(paths),
    version: app.getVersion(),
  });
  const core = host.core;

  handleLink = (url) => {
    const link = parseAppLink(url);
    if (link.kind === 'oauth') {
      void host.auth.handleRedirect(link.url).then((matched) => matched || console.warn('[switchboard] a sign-in link arrived with no sign-in waiting'));
    } else if (link.kind === 'add') {
      // Never added by the link itself: the window pre-fills the form and the user confirms.
      core.proposeAdd({ url: link.url, name: link.name });
      openWindow();
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
      // "--" ends Chromium's switches, so a crafted link cannot inject flags (Windows, Linux).
      if (!app.isDefaultProtocolClient('mcp-switchboard')) {
        app.setAsDefaultProtocolClient('mcp-switchboard', process.execPath, app.isPackaged ? ['--'] : [path.resolve(process.argv[1] ?? '.'), '--']);
      }
      await cipher.init();
      if (!cipher.security.secure) console.warn(`[switchboard] ${cipher.security.warning}`);
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
      });
      disposables.push(windows);
      const tray: ElectronTray = new ElectronTray({
        core,
        iconDir: path.join(assetsDir, 'tray'),
        template: process.platform === 'darwin',
        loginItemSupported: true,
        onAction: createTrayActionHandler({
          core,
          openWindow,
          quit: () => app.quit(),
          showError: (title, message) => dialog.showErrorBox(title, message),
          logFailure: (serverId, message) => core.logs.append({ ts: Date.now(), level: 'warn', server: serverId, message }),
          refreshTray: () => tray.refresh(),
        }),
      });
      disposables.push(tray);
      // Electron smoke e2e only: Electron lists no trays, and a --background start has no window to
      // ask through, so the test reads the tray and the servers here.
      if (process.env.MCP_SWITCHBOARD_SMOKE_HOOKS === '1') {
        Object.assign(globalThis, { __switchboardSmoke: { tray: () => tray.snapshot(), servers: () => core.listServers() } });
      }
      if (opensWindowOnStart(launch, { wasOpenedAtLogin: loginItems.wasOpenedAtLogin(), requested: windowRequested })) windows.open();
    })
    .catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      console.error('[switchboard] failed to start:', err);
      dialog.showErrorBox('MCP Switchboard could not start', `${message}\n\nData directory: ${paths.dataDir}`);
      app.quit();
    });
}
