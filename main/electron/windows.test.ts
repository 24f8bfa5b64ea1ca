// ElectronWindows against a MOCK of the 'electron' module (no Electron binary in CI): the window's
// web preferences, the navigation / new-window / webview guards on every web contents, and the
// session's CSP, permission, device and download handlers. The decisions themselves are the real
// security-policy functions; only Electron's objects are stand-ins that record what was registered.
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RendererLocation } from './security-policy';

type Handler = (...args: any[]) => any;

const mock = vi.hoisted(() => {
  class Contents {
    handlers = new Map<string, Handler>();
    windowOpen?: Handler;
    url = '';
    on(event: string, fn: Handler) {
      this.handlers.set(event, fn);
      return this;
    }
    setWindowOpenHandler(fn: Handler) {
      this.windowOpen = fn;
    }
    getURL() {
      return this.url;
    }
    /** Emits an event the way Electron does; returns whether the default was prevented. */
    emit(event: string, ...args: unknown[]): boolean {
      let prevented = false;
      const e = { preventDefault: () => (prevented = true), url: args[0] };
      this.handlers.get(event)?.(e, ...args);
      return prevented;
    }
  }
  const state = {
    windows: [] as Array<{ options: any; contents: Contents; loaded?: string; loads?: number; destroyed: boolean; shown: number }>,
    appListeners: new Map<string, Set<Handler>>(),
    session: {
      headers: undefined as Handler | undefined,
      request: undefined as Handler | undefined,
      check: undefined as Handler | undefined,
      device: undefined as Handler | undefined,
      events: new Map<string, Handler>(),
    },
    Contents,
    theme: { shouldUseDarkColors: false },
    focused: [] as unknown[],
  };
  return state;
});

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: InstanceType<typeof mock.Contents>;
    private record: (typeof mock.windows)[number];
    constructor(options: unknown) {
      this.webContents = new mock.Contents();
      this.record = { options, contents: this.webContents, destroyed: false, shown: 0 };
      mock.windows.push(this.record);
    }
    once() {}
    on() {}
    loadURL(url: string) {
      this.record.loads = (this.record.loads ?? 0) + 1;
      this.record.loaded = url;
      this.webContents.url = url;
      return Promise.resolve();
    }
    isDestroyed() {
      return this.record.destroyed;
    }
    isMinimized() {
      return false;
    }
    show() {
      this.record.shown++;
    }
    focus() {}
    destroy() {
      this.record.destroyed = true;
    }
  }
  const session = {
    defaultSession: {
      webRequest: { onHeadersReceived: (fn: Handler) => (mock.session.headers = fn) },
      setPermissionRequestHandler: (fn: Handler) => (mock.session.request = fn),
      setPermissionCheckHandler: (fn: Handler) => (mock.session.check = fn),
      setDevicePermissionHandler: (fn: Handler) => (mock.session.device = fn),
      on: (event: string, fn: Handler) => mock.session.events.set(event, fn),
    },
  };
  const app = {
    on: (event: string, fn: Handler) => {
      if (!mock.appListeners.has(event)) mock.appListeners.set(event, new Set());
      mock.appListeners.get(event)!.add(fn);
    },
    removeListener: (event: string, fn: Handler) => mock.appListeners.get(event)?.delete(fn),
    focus: (options: unknown) => mock.focused.push(options),
  };
  return { app, BrowserWindow, session, nativeTheme: mock.theme };
});

const { ElectronWindows, secureWebPreferences } = await import('./windows');

const renderer: RendererLocation = { kind: 'app', root: path.resolve('/opt/app/resources/app.asar/out/renderer') };
const page = 'app://renderer/index.html';

function setup() {
  const blocked: string[] = [];
  const windows = new ElectronWindows({ renderer, preloadPath: '/opt/app/out/preload/index.js', onBlocked: (what, url) => blocked.push(`${what} ${url}`) });
  return { windows, blocked };
}

afterEach(() => {
  mock.windows.length = 0;
  mock.appListeners.clear();
});

describe('ElectronWindows', () => {
  it('creates one isolated, sandboxed window without Node that loads our page', () => {
    const { windows } = setup();
    windows.open();
    windows.open();
    expect(mock.windows).toHaveLength(1);
    const prefs = mock.windows[0]!.options.webPreferences;
    expect(prefs).toEqual(secureWebPreferences('/opt/app/out/preload/index.js'));
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(mock.windows[0]!.loaded).toBe(page);
    expect(mock.windows[0]!.shown).toBe(1);
  });

  it('blocks navigation, redirects and frame navigation away from our page, new windows and webviews', () => {
    const { windows, blocked } = setup();
    windows.open();
    const c = mock.windows[0]!.contents;
    expect(c.emit('will-navigate', `${page}#/logs`)).toBe(false);
    expect(c.emit('will-navigate', 'https://attacker.example/')).toBe(true);
    expect(c.emit('will-redirect', 'https://attacker.example/r')).toBe(true);
    expect(c.emit('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(c.emit('will-attach-webview', {}, { src: 'https://x.example/' })).toBe(true);
    expect(c.windowOpen!({ url: 'https://attacker.example/popup' })).toEqual({ action: 'deny' });
    expect(c.windowOpen!({ url: page })).toEqual({ action: 'deny' });
    expect(blocked).toEqual([
      'navigate https://attacker.example/',
      'navigate https://attacker.example/r',
      'navigate file:///etc/passwd',
      'webview https://x.example/',
      'window-open https://attacker.example/popup',
      `window-open ${page}`,
    ]);
  });

  it('paints the background the page will have, dark or light, so opening shows no flash', () => {
    mock.theme.shouldUseDarkColors = true;
    setup().windows.open();
    mock.theme.shouldUseDarkColors = false;
    setup().windows.open();
    expect(mock.windows.map((w) => w.options.backgroundColor)).toEqual(['#12151c', '#f4f5f8']);
  });

  it('a page that does not load still shows the window and says why; a renderer that went away is reloaded on the next open', () => {
    const problems: string[] = [];
    const windows = new ElectronWindows({ renderer, preloadPath: '/p.js', onPageProblem: (m) => problems.push(m) });
    windows.open();
    const record = mock.windows[0]!;
    const c = record.contents;
    c.handlers.get('did-fail-load')!({}, -3, 'ERR_ABORTED', page, true);
    c.handlers.get('did-fail-load')!({}, -6, 'ERR_FILE_NOT_FOUND', 'app://renderer/x/sub.css', false);
    expect(record.shown).toBe(0);
    c.handlers.get('did-fail-load')!({}, -6, 'ERR_FILE_NOT_FOUND', page, true);
    expect(record.shown).toBe(1);
    expect(problems).toEqual([`the window's page did not load (ERR_FILE_NOT_FOUND, -6): ${page}`]);
    c.handlers.get('render-process-gone')!({}, { reason: 'crashed', exitCode: 1 });
    expect(record.loads).toBe(1);
    windows.open();
    expect(record.loads).toBe(2);
    windows.open();
    expect(record.loads).toBe(2);
  });

  it('macOS: a window opened from the menu bar takes the focus (a tray-only app is not the active app)', () => {
    const windows = new ElectronWindows({ renderer, preloadPath: '/p.js', platform: 'darwin' });
    windows.open();
    windows.open();
    expect(mock.focused).toEqual([{ steal: true }]);
    mock.focused.length = 0;
    const linux = new ElectronWindows({ renderer, preloadPath: '/p.js', platform: 'linux' });
    linux.open();
    linux.open();
    expect(mock.focused).toEqual([]);
  });

  it('guards every web contents the app creates, until disposed', () => {
    const { windows } = setup();
    const listeners = mock.appListeners.get('web-contents-created')!;
    expect(listeners.size).toBe(1);
    const other = new mock.Contents();
    for (const l of listeners) l({}, other);
    expect(other.emit('will-navigate', 'https://attacker.example/')).toBe(true);
    expect(other.windowOpen!({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
    windows.dispose();
    expect(listeners.size).toBe(0);
  });

  it("sends the CSP header, denies permissions but our page's clipboard write, and refuses devices and downloads", async () => {
    // The session is hardened once per process; a fresh module makes this test's callbacks the ones registered.
    vi.resetModules();
    const fresh = await import('./windows');
    const blocked: string[] = [];
    new fresh.ElectronWindows({ renderer, preloadPath: '/p.js', onBlocked: (what, url) => blocked.push(`${what} ${url}`) }).open();
    const s = mock.session;
    let headers: any;
    s.headers!({ responseHeaders: { 'X-Other': ['1'] } }, (r: unknown) => (headers = r));
    expect(headers.responseHeaders['X-Other']).toEqual(['1']);
    expect(headers.responseHeaders['Content-Security-Policy'][0]).toMatch(/^default-src 'none'.*frame-ancestors 'none'$/);

    const contents = { getURL: () => page };
    const request = (permission: string, details: object) => {
      let answer: boolean | undefined;
      s.request!(contents, permission, (v: boolean) => (answer = v), details);
      return answer;
    };
    expect(request('clipboard-sanitized-write', { requestingUrl: page, isMainFrame: true })).toBe(true);
    expect(request('clipboard-read', { requestingUrl: page, isMainFrame: true })).toBe(false);
    expect(request('media', { requestingUrl: page, isMainFrame: true })).toBe(false);
    expect(request('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(request('clipboard-sanitized-write', { requestingUrl: page, isMainFrame: false })).toBe(false);
    expect(blocked).toEqual([
      'permission clipboard-read ' + page,
      'permission media ' + page,
      'permission clipboard-sanitized-write https://evil.example/',
      `permission clipboard-sanitized-write ${page}`,
    ]);

    expect(s.check!(contents, 'clipboard-sanitized-write', 'app://renderer', { requestingUrl: page, isMainFrame: true })).toBe(true);
    expect(s.check!(contents, 'notifications', 'app://renderer', { requestingUrl: page, isMainFrame: true })).toBe(false);
    // No requesting URL in the details: the web contents' URL decides.
    expect(s.check!(contents, 'clipboard-sanitized-write', 'app://renderer', { isMainFrame: true })).toBe(true);
    expect(s.check!({ getURL: () => 'https://evil.example/' }, 'clipboard-sanitized-write', 'https://evil.example', { isMainFrame: true })).toBe(false);
    expect(s.check!(null, 'clipboard-sanitized-write', '', { isMainFrame: true })).toBe(false);

    expect(s.device!({ deviceType: 'usb', origin: 'app://renderer' })).toBe(false);
    let prevented = false;
    s.events.get('will-download')!({ preventDefault: () => (prevented = true) }, { getURL: () => 'blob:app://renderer/x' });
    expect(prevented).toBe(true);
  });
});
