/**
 * The Switchboard window: sandboxed, context-isolated, no Node, our preload only, a strict CSP,
 * no navigation away from our page, no new windows, no webviews, no downloads, no permissions but
 * a clipboard write from our page. Closing the window only closes the window: the app keeps
 * running in the tray, and open() brings it back.
 *
 * The navigation guards are applied to every web contents the app ever creates
 * (`web-contents-created`), not only to this window, so nothing added later escapes them.
 */
import { app, BrowserWindow, nativeTheme, session, type Session, type WebContents, type WebPreferences } from 'electron';
import { devCsp, navigationAllowed, permissionAllowed, RENDERER_CSP_HEADER, rendererUrl, type RendererLocation } from './security-policy';

export interface ElectronWindowsOptions {
  renderer: RendererLocation;
  /** Absolute path of out/preload/index.js (CommonJS: sandboxed preloads cannot be ESM). */
  preloadPath: string;
  /** Window icon (Linux/Windows). */
  iconPath?: string;
  /** Called with navigations and window.open targets that were blocked (for the app log). */
  onBlocked?: (what: 'navigate' | 'window-open' | 'permission' | 'webview' | 'download', url: string) => void;
  /** The page did not load, or its renderer went away (for the app log). */
  onPageProblem?: (message: string) => void;
  /** The user closed the window (the app keeps running in the tray). */
  onClose?: () => void;
  /** process.platform by default. */
  platform?: NodeJS.Platform;
}

/** The page's own background (renderer/src/styles.css --bg), so a dark system shows no light flash. */
export function windowBackground(dark: boolean): string {
  return dark ? '#12151c' : '#f4f5f8';
}

/** The window's web preferences: the Electron security checklist, spelled out even where it is the default. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

const hardenedSessions = new WeakSet<Session>();

/**
 * Session-wide guards: CSP header on every response, permissions denied (but the clipboard write
 * of our own page), no device access, no downloads. The packaged page at app://renderer/ gets the
 * same header from its own handler (renderer-scheme.ts), frame-ancestors included, whether or not
 * Chromium reports custom-scheme responses here; the dev server's page gets it from this hook.
 */
function hardenSession(ses: Session, options: ElectronWindowsOptions): void {
  if (hardenedSessions.has(ses)) return;
  hardenedSessions.add(ses);
  const { renderer } = options;
  const csp = renderer.kind === 'dev-server' ? devCsp(renderer.origin) : RENDERER_CSP_HEADER;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const url = details.requestingUrl || webContents.getURL();
    const allowed = permissionAllowed(permission, { requestingUrl: url, isMainFrame: details.isMainFrame }, renderer);
    if (!allowed) options.onBlocked?.('permission', `${permission} ${url}`);
    callback(allowed);
  });
  ses.setPermissionCheckHandler((webContents, permission, _origin, details) =>
    permissionAllowed(permission, { requestingUrl: details.requestingUrl ?? webContents?.getURL(), isMainFrame: details.isMainFrame }, renderer),
  );
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event, item) => {
    event.preventDefault();
    options.onBlocked?.('download', item.getURL());
  });
}

const guardedContents = new WeakSet<WebContents>();

/** Navigation guards for one web contents: only our page, no new windows, no webviews. */
export function guardWebContents(contents: WebContents, options: Pick<ElectronWindowsOptions, 'renderer' | 'onBlocked'>): void {
  if (guardedContents.has(contents)) return;
  guardedContents.add(contents);
  const block = (event: { preventDefault(): void }, url: string) => {
    if (navigationAllowed(url, options.renderer)) return;
    event.preventDefault();
    options.onBlocked?.('navigate', url);
  };
  contents.on('will-navigate', (event) => block(event, event.url));
  contents.on('will-redirect', (event) => block(event, event.url));
  contents.on('will-frame-navigate', (event) => block(event, event.url));
  contents.on('will-attach-webview', (event, _prefs, params) => {
    event.preventDefault();
    options.onBlocked?.('webview', params.src);
  });
  contents.setWindowOpenHandler(({ url }) => {
    options.onBlocked?.('window-open', url);
    return { action: 'deny' };
  });
}

export class ElectronWindows {
  private window: BrowserWindow | undefined;
  private crashed = false;
  private readonly onContentsCreated = (_event: unknown, contents: WebContents) => guardWebContents(contents, this.options);

  constructor(private readonly options: ElectronWindowsOptions) {
    app.on('web-contents-created', this.onContentsCreated);
  }

  /** Shows the window, creating it if needed, and brings it to the front. */
  open(): BrowserWindow {
    const existing = this.window;
    if (existing && !existing.isDestroyed()) {
      if (this.crashed) {
        // The renderer went away: load the page again rather than show a dead window.
        this.crashed = false;
        existing.loadURL(rendererUrl(this.options.renderer)).catch((err: unknown) => this.options.onPageProblem?.(`reload failed: ${String(err)}`));
      }
      if (existing.isMinimized()) existing.restore();
      existing.show();
      this.bringForward(existing);
      return existing;
    }
    const win = this.create();
    this.window = win;
    return win;
  }

  /** A tray-only app on macOS is not the active app when its menu is used: take the focus. */
  private bringForward(win: BrowserWindow): void {
    if ((this.options.platform ?? process.platform) === 'darwin') app.focus({ steal: true });
    win.focus();
  }

  get current(): BrowserWindow | undefined {
    return this.window && !this.window.isDestroyed() ? this.window : undefined;
  }

  private create(): BrowserWindow {
    const { renderer } = this.options;
    hardenSession(session.defaultSession, this.options);
    const win = new BrowserWindow({
      title: 'MCP Switchboard',
      width: 980,
      height: 720,
      minWidth: 640,
      minHeight: 480,
      show: false,
      backgroundColor: windowBackground(nativeTheme.shouldUseDarkColors),
      autoHideMenuBar: true,
      ...(this.options.iconPath ? { icon: this.options.iconPath } : {}),
      webPreferences: secureWebPreferences(this.options.preloadPath),
    });
    // Already guarded through web-contents-created; explicit, so the window never depends on it.
    guardWebContents(win.webContents, this.options);
    win.once('ready-to-show', () => {
      win.show();
      this.bringForward(win);
    });
    // Without a page there is no ready-to-show: show the window anyway rather than nothing, and say why.
    win.webContents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
      if (!isMainFrame || code === -3) return; // -3: aborted (a reload replaced it)
      this.options.onPageProblem?.(`the window's page did not load (${description}, ${code}): ${url}`);
      if (!win.isDestroyed()) win.show();
    });
    win.webContents.on('render-process-gone', (_event, details) => {
      this.options.onPageProblem?.(`the window's renderer went away (${details.reason}); it reloads when the window is opened again`);
      this.crashed = true;
    });
    win.on('close', () => this.options.onClose?.());
    win.on('closed', () => {
      if (this.window === win) this.window = undefined;
    });
    win.loadURL(rendererUrl(renderer)).catch((err: unknown) => console.error('[switchboard] window failed to load:', err));
    return win;
  }

  dispose(): void {
    app.removeListener('web-contents-created', this.onContentsCreated);
    const win = this.current;
    this.window = undefined;
    win?.destroy();
  }
}
