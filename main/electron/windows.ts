/**
 * The Switchboard window: sandboxed, context-isolated, no Node, our preload only, a strict CSP,
 * no navigation away from our page, no new windows, no permissions. Closing the window only closes
 * the window: the app keeps running in the tray, and open() brings it back.
 */
import { BrowserWindow, session, type Session } from 'electron';
import {
  devCsp,
  navigationAllowed,
  RENDERER_CSP_HEADER,
  rendererUrl,
  type RendererLocation,
} from './security-policy';

export interface ElectronWindowsOptions {
  renderer: RendererLocation;
  /** Absolute path of out/preload/index.js (CommonJS: sandboxed preloads cannot be ESM). */
  preloadPath: string;
  /** Window icon (Linux/Windows). */
  iconPath?: string;
  /** Called with navigations and window.open targets that were blocked (for the app log). */
  onBlocked?: (what: 'navigate' | 'window-open' | 'permission', url: string) => void;
}

const hardenedSessions = new WeakSet<Session>();

/** Session-wide guards: CSP header on every response, every permission request denied. */
function hardenSession(ses: Session, options: ElectronWindowsOptions): void {
  if (hardenedSessions.has(ses)) return;
  hardenedSessions.add(ses);
  const csp = options.renderer.kind === 'dev-server' ? devCsp(options.renderer.origin) : RENDERER_CSP_HEADER;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler((webContents, permission, callback) => {
    options.onBlocked?.('permission', `${permission} ${webContents.getURL()}`);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
}

export class ElectronWindows {
  private window: BrowserWindow | undefined;

  constructor(private readonly options: ElectronWindowsOptions) {}

  /** Shows the window, creating it if needed, and brings it to the front. */
  open(): BrowserWindow {
    const existing = this.window;
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return existing;
    }
    const win = this.create();
    this.window = win;
    return win;
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
      backgroundColor: '#f6f7f9',
      autoHideMenuBar: true,
      ...(this.options.iconPath ? { icon: this.options.iconPath } : {}),
      webPreferences: {
        preload: this.options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
      },
    });
    const contents = win.webContents;
    const block = (event: { preventDefault(): void }, url: string) => {
      if (navigationAllowed(url, renderer)) return;
      event.preventDefault();
      this.options.onBlocked?.('navigate', url);
    };
    contents.on('will-navigate', block);
    contents.on('will-redirect', block);
    contents.on('will-frame-navigate', (event) => block(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      this.options.onBlocked?.('window-open', url);
      return { action: 'deny' };
    });
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (this.window === win) this.window = undefined;
    });
    win.loadURL(rendererUrl(renderer)).catch((err: unknown) => console.error('[switchboard] window failed to load:', err));
    return win;
  }

  dispose(): void {
    const win = this.current;
    this.window = undefined;
    win?.destroy();
  }
}
