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
    errorBoxes: [] as string[],
    handlers: new Map<string, Fn>(),
    windows: [] as Array<{ options: unknown; url?: string; listeners: Map<string, Fn>; openHandler?: Fn; destroyed: boolean; sent: unknown[] }>,
    menus: [] as unknown[][],
    trays: 0,
    traysDestroyed: 0,
    headerHooks: 0,
    emit(event: string, ...args: unknown[]) {
      for (const fn of appListeners.get(event) ?? []) fn(...args);
    },
  };
  return state;
});

vi.mock('electron', () => {
  const on = (event: string, fn: (...a: any[]) => any) => {
    m.appListeners.set(event, [...(m.appListeners.get(event) ?? []), fn]);
  };
  const app = {
    requestSingleInstanceLock: () => true,
    on,
    removeListener: (event: string, fn: (...a: any[]) => any) => {
      m.appListeners.set(
        event,
        (m.appListeners.get(event) ?? []).filter((f) => f !== fn),
      );
    },
    whenReady: () => Promise.resolve(),
    isPackaged: false,
    getAppPath: () => '/opt/switchboard-test-app',
    getPath: (name: string) => `/nonexistent/electron-${name}`,
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false, executableWillLaunchAtLogin: false, launchItems: [] }),
    setLoginItemSettings: () => {},
    isDefaultProtocolClient: () => false,
    setAsDefaultProtocolClient: (scheme: string) => void m.protocols.push(scheme),
    getVersion: () => '0.1.0-test',
    setAppUserModelId: () => {},
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
      this.record.url = url;
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
    },
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
    on() {}
    setContextMenu(menu: { template: unknown[] }) {
      m.menus.push(menu.template);
    }
    setToolTip() {}
    setImage() {}
    destroy() {
      m.traysDestroyed++;
    }
  }
  const electron = {
    app,
    BrowserWindow,
    session,
    ipcMain,
    Tray,
    Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) },
    nativeImage: { createFromPath: () => ({ setTemplateImage() {} }) },
    dialog: { showErrorBox: (title: string, body: string) => void m.errorBoxes.push(`${title}: ${body}`) },
    contextBridge: {},
    ipcRenderer: {},
    // safeStorage cannot run without Electron: a reversible stand-in reporting Linux's basic_text.
    safeStorage: {
      isAsyncEncryptionAvailable: async () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptStringAsync: async (plain: string) => Buffer.from(`enc:${plain}`),
      decryptStringAsync: async (data: Buffer) => ({ result: data.toString().slice(4), shouldReEncrypt: false }),
    },
    shell: { openExternal: async () => {} },
    Notification: class {
      static isSupported() {
        return false;
      }
      show() {}
    },
  };
  // electron-store reads `import electron from 'electron'`.
  return { ...electron, default: electron };
});

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('main/index.ts (composition root)', () => {
  it('boots the core, registers every call, opens a hardened window and a tray', async () => {
    await import('./index');
    await until(() => m.windows.length === 1, 'the window');
    expect(m.errorBoxes).toEqual([]);

    // IPC: one handler per contract call, answering from the real core through the handler table.
    expect([...m.handlers.keys()].sort()).toEqual([...CALL_NAMES].sort());
    const win = m.windows[0]!;
    const frame = { url: win.url, parent: null };
    expect(await m.handlers.get('servers:list')!({ senderFrame: frame }, undefined)).toEqual({ ok: true, value: [] });
    expect(await m.handlers.get('app:info')!({ senderFrame: frame }, undefined)).toEqual({
      ok: true,
      value: {
        version: '0.1.0-test',
        dataDir: home,
        platform: process.platform,
        loginItemSupported: true,
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
    expect(win.url).toMatch(/^file:.*\/renderer\/index\.html$/);
    expect(win.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const nav = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    win.listeners.get('wc:will-navigate')!(nav, 'https://example.com/');
    expect(nav.prevented).toBe(true);
    expect(m.headerHooks).toBe(1);

    // Tray: open first, quit last.
    expect(m.trays).toBe(1);
    expect(m.protocols).toEqual(['mcp-switchboard']);
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
  });

  it('serves the handler table on the control socket: the command line and `connect` drive the running app', async () => {
    const paths = resolvePaths(process.env);
    const secret = fs.readFileSync(paths.secretFile, 'utf8').trim();
    const control = await ControlClient.connect(paths, secret);
    expect(control, 'the desktop host must answer on its control socket').toBeDefined();
    try {
      expect(await control!.call('servers:list')).toEqual({ ok: true, value: [] });
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
    expect(m.traysDestroyed).toBe(1);
    expect(m.windows.every((w) => w.destroyed)).toBe(true);
  });
});
