// The composition root booted under Node with a MOCK 'electron' module (no Electron binary in CI)
// and the REAL AppCore on a temp data dir: checks the wiring order, the window's security options,
// the IPC round trip through the real handler table, the tray, the control socket (the command line
// and `connect` relaying a tool call through the app's proxy), and quit → dispose → exit.
// The Electron smoke e2e (e2e/electron-smoke.spec.ts) covers the same path with a real binary.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CALL_NAMES } from '../common/contract';
import { ControlClient } from './shared/control-client';
import { resolvePaths } from './shared/paths';
import { CLI_SCRIPT } from '../test/fixtures/harness';
import { startSdkServer } from '../test/fixtures/sdk-server';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-root-'));
process.env.MCP_SWITCHBOARD_HOME = home;
// Launch at login on Linux is an XDG autostart file: keep it in the temp dir, not the real ~/.config.
process.env.XDG_CONFIG_HOME = path.join(home, 'xdg');
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const m = vi.hoisted(() => {
  type Fn = (...args: any[]) => any;
  const appListeners = new Map<string, Fn[]>();
  const state = {
    appListeners,
    exitCodes: [] as number[],
    protocols: [] as string[],
    /** [scheme, path, args] of each setAsDefaultProtocolClient and isDefaultProtocolClient call. */
    protocolCalls: [] as Array<[string, string, string, unknown]>,
    errorBoxes: [] as string[],
    handlers: new Map<string, Fn>(),
    windows: [] as Array<{ options: unknown; url?: string; listeners: Map<string, Fn>; openHandler?: Fn; destroyed: boolean; sent: unknown[] }>,
    menus: [] as unknown[][],
    appMenus: [] as unknown[],
    trays: 0,
    traysDestroyed: 0,
    trayClicks: [] as Fn[],
    headerHooks: 0,
    /** protocol.registerSchemesAsPrivileged calls (Electron: once, before ready). */
    privilegedSchemes: [] as unknown[][],
    /** protocol.handle handlers by scheme (Electron: only after ready). */
    protocolHandlers: new Map<string, Fn>(),
    /** app is ready (whenReady resolved). */
    ready: false,
    /** What the root asked of app, in order (setPath before the lock). */
    calls: [] as string[],
    paths: new Map<string, string>(),
    // Knobs for a boot: a packaged app, a lock another instance holds, `electron .` run as Node.
    packaged: false,
    lockAvailable: true,
    runAsNode: false,
    // safeStorage: Linux without a keyring.
    backend: 'basic_text' as string,
    plainTextEncryption: false,
    /** Set: the keychain is asking the user, and answers when this resolves. */
    keychainPrompt: undefined as Promise<void> | undefined,
    emit(event: string, ...args: unknown[]) {
      for (const fn of appListeners.get(event) ?? []) fn(...args);
    },
    /** Forgets what a previous boot registered (each boot imports a fresh root). */
    reset() {
      appListeners.clear();
      state.exitCodes = [];
      state.protocols = [];
      state.protocolCalls = [];
      state.errorBoxes = [];
      state.handlers.clear();
      state.windows = [];
      state.menus = [];
      state.appMenus = [];
      state.trays = 0;
      state.traysDestroyed = 0;
      state.trayClicks = [];
      state.headerHooks = 0;
      state.privilegedSchemes = [];
      state.protocolHandlers.clear();
      state.ready = false;
      state.calls = [];
      state.paths.clear();
      state.packaged = false;
      state.lockAvailable = true;
      state.runAsNode = false;
      state.plainTextEncryption = false;
      state.backend = 'basic_text';
      state.keychainPrompt = undefined;
    },
  };
  return state;
});

// Chromium canonicalizes the URL a window loads (url_canon_fileurl.cc: a Windows drive letter in
// upper case); the sender frame and getURL report that form, not the string the app passed.
function chromiumUrl(url: string): string {
  return new URL(url).href.replace(/^file:\/\/\/([a-z]):/, (_all, drive: string) => `file:///${drive.toUpperCase()}:`);
}

vi.mock('electron', async () => {
  const fs = await import('node:fs');
  const on = (event: string, fn: (...a: any[]) => any) => {
    m.appListeners.set(event, [...(m.appListeners.get(event) ?? []), fn]);
  };
  const app = {
    requestSingleInstanceLock: () => {
      m.calls.push('requestSingleInstanceLock');
      return m.lockAvailable;
    },
    on,
    removeListener: (event: string, fn: (...a: any[]) => any) => {
      m.appListeners.set(
        event,
        (m.appListeners.get(event) ?? []).filter((f) => f !== fn),
      );
    },
    whenReady: () =>
      Promise.resolve().then(() => {
        m.ready = true;
      }),
    get isPackaged() {
      return m.packaged;
    },
    getAppPath: () => '/opt/switchboard-test-app',
    getPath: (name: string) => m.paths.get(name) ?? `/nonexistent/electron-${name}`,
    // Electron throws for a folder that does not exist.
    setPath: (name: string, p: string) => {
      if (!fs.existsSync(p)) throw new Error(`Failed to set path: ${p} does not exist`);
      m.calls.push(`setPath ${name}`);
      m.paths.set(name, p);
    },
    setName: (name: string) => void m.calls.push(`setName ${name}`),
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false, executableWillLaunchAtLogin: false, launchItems: [] }),
    setLoginItemSettings: () => {},
    isDefaultProtocolClient: (scheme: string, p: string, args: unknown) => {
      m.protocolCalls.push(['isDefault', scheme, p, args]);
      return false;
    },
    setAsDefaultProtocolClient: (scheme: string, p: string, args: unknown) => {
      m.protocolCalls.push(['set', scheme, p, args]);
      m.protocols.push(scheme);
    },
    isInApplicationsFolder: () => true,
    getVersion: () => '0.1.0-test',
    setAppUserModelId: () => {},
    focus: () => {},
    exit: (code: number) => void m.exitCodes.push(code),
    quit: () => {
      const event = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      m.emit('before-quit', event);
    },
  };
  class BrowserWindow {
    record: (typeof m.windows)[number];
    webContents: Record<string, unknown>;
    constructor(options: BrowserWindowConstructorOptions) {
      const record = { options, listeners: new Map(), destroyed: false, sent: [] as unknown[] } as (typeof m.windows)[number];
      this.record = record;
      m.windows.push(record);
      this.webContents = {
        on: (event: string, fn: any) => record.listeners.set(`wc:${event}`, fn),
        setWindowOpenHandler: (fn: any) => (record.openHandler = fn),
        getURL: () => record.url ?? '',
        isDestroyed: () => record.destroyed,
        send: (channel: string, payload: unknown) => record.sent.push([channel, payload]),
      };
    }
    static getAllWindows() {
      return m.windows.filter((w) => !w.destroyed).map((w) => (w as any).instance);
    }
    loadURL(url: string) {
      this.record.url = chromiumUrl(url);
      (this.record as any).instance = this;
      return Promise.resolve();
    }
    once(event: string, fn: any) {
      this.record.listeners.set(event, fn);
    }
    on(event: string, fn: any) {
      this.record.listeners.set(event, fn);
    }
    isDestroyed() {
      return this.record.destroyed;
    }
    isMinimized() {
      return false;
    }
    show() {}
    focus() {}
    restore() {}
    destroy() {
      this.record.destroyed = true;
    }
  }
  const session = {
    defaultSession: {
      webRequest: { onHeadersReceived: () => void m.headerHooks++ },
      setPermissionRequestHandler: () => {},
      setPermissionCheckHandler: () => {},
      setDevicePermissionHandler: () => {},
      on: () => {},
      resolveProxy: async () => 'DIRECT',
    },
  };
  // As Electron documents it: privileged schemes only before ready and only once; handlers only after ready.
  const protocol = {
    registerSchemesAsPrivileged: (schemes: unknown[]) => {
      if (m.ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      if (m.privilegedSchemes.length) throw new Error('protocol.registerSchemesAsPrivileged can only be called once');
      m.calls.push('registerSchemesAsPrivileged');
      m.privilegedSchemes.push(schemes);
    },
    handle: (scheme: string, handler: any) => {
      if (!m.ready) throw new Error('protocol.handle should be called after app is ready');
      if (m.protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      m.protocolHandlers.set(scheme, handler);
    },
    unhandle: (scheme: string) => void m.protocolHandlers.delete(scheme),
  };
  const ipcMain = {
    on: () => {},
    handle: (channel: string, fn: any) => void m.handlers.set(channel, fn),
    removeHandler: (channel: string) => void m.handlers.delete(channel),
  };
  class Tray {
    constructor() {
      m.trays++;
    }
    on(event: string, fn: any) {
      if (event === 'click') m.trayClicks.push(fn);
    }
    setContextMenu(menu: { template: unknown[] }) {
      m.menus.push(menu.template);
    }
    setToolTip() {}
    setImage() {}
    destroy() {
      m.traysDestroyed++;
    }
  }
  // A Menu is an event emitter (menu-will-show / menu-will-close).
  const Menu = {
    buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template, on() {} }),
    setApplicationMenu: (menu: unknown) => void m.appMenus.push(menu),
  };
  const electron = {
    // `electron .` run under ELECTRON_RUN_AS_NODE: require('electron') is the binary's path, no app.
    get app() {
      return m.runAsNode ? undefined : app;
    },
    BrowserWindow,
    session,
    protocol,
    ipcMain,
    Tray,
    Menu,
    // A path with no image gives an empty image, silently (an invisible tray icon).
    nativeImage: { createFromPath: (p: string) => ({ isEmpty: () => !fs.existsSync(p), setTemplateImage() {} }) },
    nativeTheme: { shouldUseDarkColors: false },
    dialog: {
      showErrorBox: (title: string, body: string) => void m.errorBoxes.push(`${title}: ${body}`),
      showMessageBox: async () => ({ response: 1, checkboxChecked: false }),
    },
    contextBridge: {},
    ipcRenderer: {},
    // safeStorage cannot run without Electron: a reversible stand-in for Linux without a keyring.
    // As measured on Electron 41: under basic_text encryption is not available until
    // setUsePlainTextEncryption(true), and encrypting then throws.
    safeStorage: {
      getSelectedStorageBackend: () => m.backend,
      setUsePlainTextEncryption: (v: boolean) => void (m.plainTextEncryption = v),
      isAsyncEncryptionAvailable: async () => {
        await m.keychainPrompt;
        return m.backend !== 'basic_text' || m.plainTextEncryption;
      },
      encryptStringAsync: async (plain: string) => {
        if (m.backend === 'basic_text' && !m.plainTextEncryption) throw new Error('Encryption is not available.');
        return Buffer.from(`v11${plain}`);
      },
      decryptStringAsync: async (data: Buffer) => ({ result: data.toString().slice(3), shouldReEncrypt: false }),
    },
    shell: { openExternal: async () => {}, showItemInFolder: () => {} },
    // Wake events (main/electron/system-events.ts): nothing here sleeps, so none fires.
    powerMonitor: { on: () => {}, off: () => {} },
    Notification: class {
      static isSupported() {
        return false;
      }
      show() {}
    },
  };
  // electron-store reads `import electron from 'electron'`.
  return Object.assign(electron, { default: electron });
});

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function untilAsync(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('main/index.ts (composition root)', () => {
  it('boots the core, registers every call, opens a hardened window and a tray', async () => {
    await import('./index');
    await until(() => m.windows.length === 1, 'the window');
    expect(m.errorBoxes).toEqual([]);
    // Chromium's profile (and so the single-instance lock) is in the data directory, set before the lock is taken.
    expect(m.paths.get('userData')).toBe(path.join(home, 'chromium'));
    expect(m.calls.indexOf('setPath userData')).toBeLessThan(m.calls.indexOf('requestSingleInstanceLock'));
    // A checkout has its own name; no application menu with DevTools outside macOS.
    expect(m.calls).toContain('setName MCP Switchboard Dev');
    expect(m.appMenus).toEqual(process.platform === 'darwin' ? [expect.anything()] : [null]);

    // IPC: one handler per contract call, answering from the real core through the handler table.
    expect([...m.handlers.keys()].sort()).toEqual([...CALL_NAMES].sort());
    const win = m.windows[0]!;
    // The frame URL as Chromium reports it (canonical), not the string the app loaded.
    const frame = { url: win.url, parent: null };
    // The keychain is asked in parallel with the start: wait for its answer.
    await untilAsync(async () => {
      const info = (await m.handlers.get('app:info')!({ senderFrame: frame }, undefined)) as { value?: { secretStorage?: { backend: string } } };
      return !String(info.value?.secretStorage?.backend).includes('not initialized');
    }, 'the keychain');
    expect(await m.handlers.get('servers:list')!({ senderFrame: frame }, undefined)).toEqual({ ok: true, value: [] });
    expect(await m.handlers.get('app:info')!({ senderFrame: frame }, undefined)).toEqual({
      ok: true,
      value: {
        version: '0.1.0-test',
        dataDir: home,
        platform: process.platform,
        loginItemSupported: true,
        // The app shows files in the file manager (shell.showItemInFolder): Reveal buttons appear.
        canReveal: true,
        homeDir: expect.any(String),
        // The mocked safeStorage reports Linux's basic_text: the window must be told it is not secure.
        secretStorage: expect.objectContaining({ secure: false, warning: expect.stringContaining('keyring') }),
      },
    });
    expect(await m.handlers.get('servers:list')!({ senderFrame: { url: 'https://evil.example/', parent: null } }, undefined)).toMatchObject({
      ok: false,
    });

    // Window: sandboxed, isolated, no Node, our preload, our page; navigation and popups blocked.
    const options = win.options as BrowserWindowConstructorOptions;
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(options.webPreferences!.preload).toMatch(/preload[\\/]index\.js$/);
    // Our page comes from the app's own privileged scheme, registered before ready (and before the lock).
    expect(win.url).toBe('app://renderer/index.html');
    expect(m.privilegedSchemes).toEqual([[{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]]);
    expect(m.calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(m.calls.indexOf('requestSingleInstanceLock'));
    // Served from out/renderer with the CSP as a header (frame-ancestors included); nothing outside it.
    const serve = m.protocolHandlers.get('app')!;
    const page = (await serve(new Request('app://renderer/index.html'))) as Response;
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'.*frame-ancestors 'none'$/);
    expect(await page.text()).toContain('<div id="root">');
    for (const outside of ['app://renderer/..%2fmain%2findex.js', 'app://renderer/%2e%2e/%2e%2e/package.json', 'app://renderer/..%5c..%5cpackage.json']) {
      const r = (await serve(new Request(outside))) as Response;
      expect(r.status, outside).toBe(404);
      expect(await r.text(), outside).toBe('');
    }
    expect(win.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    // Electron passes the target as event.url: away is blocked, our own page (a hash change) is not.
    const navigate = (url: string) => {
      const nav = {
        url,
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      win.listeners.get('wc:will-navigate')!(nav, url);
      return nav.prevented;
    };
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate(`${win.url}#/logs`)).toBe(false);
    // Registered for the dev server's page; the app:// page carries its header itself (above).
    expect(m.headerHooks).toBe(1);

    // Tray: open first, quit last. A click on the icon opens the window (not on macOS: there it opens the menu).
    expect(m.trays).toBe(1);
    expect(m.trayClicks).toHaveLength(process.platform === 'darwin' ? 0 : 1);
    // A checkout leaves mcp-switchboard:// to the installed app (the packaged app registers: below).
    await new Promise((r) => setImmediate(r));
    expect(m.protocols).toEqual([]);
    // What a connector needs to start the app from a client's stripped environment.
    expect(fs.existsSync(path.join(home, 'session-env.json'))).toBe(true);
    const menu = m.menus.at(-1) as MenuItemConstructorOptions[];
    expect(menu[0]!.label).toBe('Open Switchboard');
    expect(menu.at(-1)!.label).toBe('Quit');

    // Closing all windows keeps the app; a second launch (without --background) reopens the window.
    win.destroyed = true;
    m.emit('window-all-closed');
    expect(m.exitCodes).toEqual([]);
    m.emit('second-instance', {}, ['mcp-switchboard', '--background']);
    expect(m.windows).toHaveLength(1);
    m.emit('second-instance', {}, ['mcp-switchboard']);
    expect(m.windows).toHaveLength(2);
    // macOS: opening the app again from Finder or Spotlight is `activate`, not a second instance.
    m.windows[1]!.destroyed = true;
    m.emit('activate', {}, false);
    expect(m.windows).toHaveLength(3);
  });

  it('serves the handler table on the control socket: the command line and `connect` drive the running app', async () => {
    const paths = resolvePaths(process.env);
    const secret = fs.readFileSync(paths.secretFile, 'utf8').trim();
    const control = await ControlClient.connect(paths, secret);
    expect(control, 'the desktop host must answer on its control socket').toBeDefined();
    try {
      expect(await control!.call('servers:list')).toEqual({ ok: true, value: [] });
      // This case is about relaying: the server `connect` adds has its tools trusted, not held for
      // review (the default; test/tool-review.test.ts has that), or its echo would be refused as soon
      // as the app's own first listing came through before the call.
      expect(await control!.call('settings:set', { newServerTools: 'trust' })).toMatchObject({ ok: true });
    } finally {
      control!.close();
    }

    // `connect <url>` from a client config, while the app runs: it must use the app (not start a
    // host of its own, which the app's lock would refuse) and relay a tool call through the app's proxy.
    const server = await startSdkServer();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_SCRIPT, 'connect', server.url],
      env: { HOME: home, MCP_SWITCHBOARD_HOME: home, PATH: process.env.PATH ?? '', XDG_CONFIG_HOME: path.join(home, 'xdg') },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d) => (stderr += d));
    const client = new Client({ name: 'root-test', version: '1' }, { capabilities: {} });
    try {
      await client.connect(transport);
      const result = await client.callTool({ name: 'echo', arguments: { message: 'through the app' } });
      expect(result.content).toEqual([{ type: 'text', text: 'echo: through the app' }]);
      expect(stderr).toMatch(/using the running MCP Switchboard/);
      // The app's own proxy carried it.
      const servers = (await m.handlers.get('servers:list')!({ senderFrame: { url: m.windows[0]!.url, parent: null } }, undefined)) as {
        value: Array<{ url: string; status: { state: string } }>;
      };
      expect(servers.value).toEqual([expect.objectContaining({ url: server.url, status: expect.objectContaining({ state: 'ready' }) })]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('quits from the tray: everything disposed, then exit(0)', async () => {
    const menu = m.menus.at(-1) as MenuItemConstructorOptions[];
    // Quit from the tray: prevented once, everything disposed, then exit(0).
    (menu.at(-1)!.click as () => void)();
    await until(() => m.exitCodes.length > 0, 'app.exit');
    expect(m.exitCodes).toEqual([0]);
    expect(m.handlers.size).toBe(0);
    expect(m.protocolHandlers.size).toBe(0);
    expect(m.traysDestroyed).toBe(1);
    expect(m.windows.every((w) => w.destroyed)).toBe(true);
  });
});

/**
 * Boots a fresh root (a new module) on its own data directory, with the mock set up for the case.
 * The environment changes are undone by `restore`.
 */
async function bootRoot(setup: { packaged?: boolean; lock?: boolean; runAsNode?: boolean; env?: Record<string, string> }) {
  m.reset();
  m.packaged = setup.packaged ?? false;
  m.lockAvailable = setup.lock ?? true;
  m.runAsNode = setup.runAsNode ?? false;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-root-case-'));
  const env = { MCP_SWITCHBOARD_HOME: dataDir, ...setup.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const restore = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  vi.resetModules();
  return { dataDir, restore, imported: import('./index') };
}

/** Quits a booted root the way the tray does and waits for exit(0). */
async function quit(): Promise<void> {
  const menu = m.menus.at(-1) as MenuItemConstructorOptions[];
  (menu.at(-1)!.click as () => void)();
  await until(() => m.exitCodes.length > 0, 'app.exit');
}

/** Calls the handler table as the window would. */
function call(name: string, arg?: unknown): Promise<{ ok: boolean; value?: any; error?: string }> {
  return m.handlers.get(name)!({ senderFrame: { url: m.windows[0]!.url, parent: null } }, arg);
}

describe('main/index.ts where Electron behaves otherwise than a plain start', () => {
  it('another instance holds the lock: exits at once, before any host, window or tray', async () => {
    const run = await bootRoot({ lock: false });
    try {
      await run.imported;
      expect(m.exitCodes).toEqual([0]);
      expect(m.calls.indexOf('setPath userData')).toBeLessThan(m.calls.indexOf('requestSingleInstanceLock'));
      await new Promise((r) => setImmediate(r));
      expect(m.windows).toEqual([]);
      expect(m.trays).toBe(0);
      expect(m.handlers.size).toBe(0);
      // No control socket: the other instance serves this data directory.
      expect(fs.existsSync(path.join(resolvePaths({ MCP_SWITCHBOARD_HOME: run.dataDir }).runDir, 'control.sock'))).toBe(false);
    } finally {
      run.restore();
    }
  });

  it('a settings.json that is not JSON: a dialog names the file and the problem, the file is kept aside, and the process exits', async () => {
    const run = await bootRoot({});
    try {
      fs.writeFileSync(path.join(run.dataDir, 'settings.json'), '{bad', { mode: 0o600 });
      await run.imported;
      await until(() => m.exitCodes.length > 0, 'app.exit');
      expect(m.exitCodes).toEqual([1]);
      expect(m.trays).toBe(0);
      expect(m.windows).toEqual([]);
      const aside = fs.readdirSync(run.dataDir).filter((f) => /^settings\.unreadable-.*\.json$/.test(f));
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(run.dataDir, aside[0]!), 'utf8')).toBe('{bad');
      expect(fs.existsSync(path.join(run.dataDir, 'settings.json'))).toBe(false);
      expect(m.errorBoxes).toHaveLength(1);
      expect(m.errorBoxes[0]).toContain('MCP Switchboard could not start: ');
      expect(m.errorBoxes[0]).toContain(`${path.join(run.dataDir, 'settings.json')} could not be read: it is not valid JSON`);
      expect(m.errorBoxes[0]).toContain(path.join(run.dataDir, aside[0]!));
      // Written down too, for a support request.
      expect(fs.readFileSync(path.join(run.dataDir, 'logs', 'main.log'), 'utf8')).toContain('failed to start');
    } finally {
      run.restore();
    }
  });

  it('`electron .` run as plain Node (an inherited ELECTRON_RUN_AS_NODE): one sentence, exit 1, nothing started', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const run = await bootRoot({ runAsNode: true });
    try {
      await run.imported;
      expect(exit).toHaveBeenCalledWith(1);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain('ELECTRON_RUN_AS_NODE is set in this environment. Unset it');
      expect(m.calls).toEqual([]);
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
      run.restore();
    }
  });

  it('a keychain prompt the user has not answered holds up neither the tray nor the window; secrets wait for it', async () => {
    let answer!: () => void;
    const run = await bootRoot({});
    m.backend = 'gnome_libsecret';
    m.keychainPrompt = new Promise<void>((resolve) => (answer = resolve));
    try {
      await run.imported;
      await until(() => m.windows.length === 1 && m.trays === 1, 'the tray and the window');
      expect(((await call('app:info')).value as { secretStorage: { backend: string } }).secretStorage.backend).toBe('safeStorage (not initialized)');
      answer();
      await untilAsync(async () => ((await call('app:info')).value as { secretStorage: { secure: boolean } }).secretStorage.secure, 'the keychain');
      expect((await call('app:info')).value.secretStorage).toEqual({ secure: true, backend: 'safeStorage (gnome_libsecret)' });
      await quit();
    } finally {
      run.restore();
    }
  });

  it('packaged (a deb): registers mcp-switchboard:// with the same command it checks; no name of its own', async () => {
    const run = await bootRoot({ packaged: true });
    try {
      await run.imported;
      await until(() => m.protocols.length > 0, 'the protocol registration');
      expect(m.protocols).toEqual(['mcp-switchboard']);
      // Windows compares the whole command: the check must ask with what the registration writes.
      expect(m.protocolCalls).toEqual([
        ['isDefault', 'mcp-switchboard', process.execPath, ['--']],
        ['set', 'mcp-switchboard', process.execPath, ['--']],
      ]);
      expect(m.calls.filter((c) => c.startsWith('setName'))).toEqual([]);
      await quit();
    } finally {
      run.restore();
    }
  });

  it('packaged as an AppImage: entries run the AppImage on a copy of the connector, with --no-sandbox last; links get a desktop file', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-root-home-'));
    const appImage = path.join(home, 'Apps', 'MCP-Switchboard.AppImage');
    const run = await bootRoot({
      packaged: true,
      env: { APPIMAGE: appImage, HOME: home, XDG_DATA_HOME: path.join(home, 'share'), XDG_CONFIG_HOME: path.join(home, 'cfg') },
    });
    try {
      await run.imported;
      await until(() => m.windows.length === 1, 'the window');
      const copy = path.join(run.dataDir, 'connector', 'index.js');
      expect(fs.readFileSync(copy, 'utf8')).toBe(fs.readFileSync(path.join(__dirname, '..', 'out', 'connector', 'index.js'), 'utf8'));

      const added = await call('servers:add', { url: 'http://127.0.0.1:9/mcp', name: 'Dead End' });
      expect(added.ok).toBe(true);
      expect(await call('clients:install', { serverId: added.value.id, clientId: 'cursor' })).toMatchObject({ ok: true });
      const entry = JSON.parse(fs.readFileSync(path.join(home, '.cursor', 'mcp.json'), 'utf8')).mcpServers[added.value.id];
      expect(entry).toEqual({
        command: appImage,
        args: [copy, added.value.id, '--no-sandbox'],
        env: { ELECTRON_RUN_AS_NODE: '1', MCP_SWITCHBOARD_CLIENT: 'cursor', MCP_SWITCHBOARD_HOME: run.dataDir },
      });

      // No xdg-settings through Electron (it names a desktop file only the deb installs): our own file.
      const desktop = path.join(home, 'share', 'applications', 'mcp-switchboard.desktop');
      await until(() => fs.existsSync(desktop), 'the desktop file');
      expect(fs.readFileSync(desktop, 'utf8')).toContain(`Exec=${appImage} %U\n`);
      expect(fs.readFileSync(desktop, 'utf8')).toContain('MimeType=x-scheme-handler/mcp-switchboard;\n');
      expect(m.protocols).toEqual([]);
      await quit();
    } finally {
      run.restore();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
