// ElectronTray against a MOCK of the 'electron' module (no Electron binary in CI). The menu content
// itself is covered by tray-menu-model.test.ts; this checks the wiring: template mapping, clicks,
// icon and tooltip per state, debounced rebuilds on core events, the launch-at-login item, dispose.
// The icon paths it asks for are checked against the real files in assets/tray.
// Where Electron's behaviour is known, the mock has it: a Menu is an event emitter
// (menu-will-show / menu-will-close), and on macOS a click on the icon emits `click` and then
// opens the menu (tray_icon_cocoa.mm: handleClickNotifications, then [super mouseDown:]).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSwitchboardCore, fakeServer, fakeStatus } from '../core/api/testing/fake-core';

interface MockImage {
  path: string;
  template: boolean;
}

interface MockMenu {
  template: MenuItemConstructorOptions[];
  emit(event: 'menu-will-show' | 'menu-will-close'): void;
}

const mock = vi.hoisted(() => ({
  trays: [] as Array<{
    menus: MenuItemConstructorOptions[][];
    tooltips: string[];
    images: MockImage[];
    destroyed: boolean;
    click?: () => void;
    current?: MockMenu;
    /** What a user's click on the icon does, per platform. */
    userClick(platform: NodeJS.Platform): void;
  }>,
  loaded: [] as MockImage[],
}));

vi.mock('electron', () => {
  class Tray {
    state = {
      menus: [] as MenuItemConstructorOptions[][],
      tooltips: [] as string[],
      images: [] as MockImage[],
      destroyed: false,
      click: undefined as undefined | (() => void),
      current: undefined as MockMenu | undefined,
      userClick: (platform: NodeJS.Platform) => {
        this.state.click?.();
        // macOS: the same mouse-down then opens the context menu.
        if (platform === 'darwin') this.state.current?.emit('menu-will-show');
      },
    };
    constructor(image: MockImage) {
      this.state.images.push(image);
      mock.trays.push(this.state);
    }
    on(event: string, fn: () => void) {
      if (event === 'click') this.state.click = fn;
      return this;
    }
    setContextMenu(menu: MockMenu) {
      this.state.menus.push(menu.template);
      this.state.current = menu;
    }
    setToolTip(text: string) {
      this.state.tooltips.push(text);
    }
    setImage(image: MockImage) {
      this.state.images.push(image);
    }
    destroy() {
      this.state.destroyed = true;
    }
  }
  const Menu = {
    buildFromTemplate: (template: MenuItemConstructorOptions[]) => {
      const listeners = new Map<string, Array<() => void>>();
      return {
        template,
        on(event: string, fn: () => void) {
          listeners.set(event, [...(listeners.get(event) ?? []), fn]);
          return this;
        },
        emit(event: string) {
          for (const fn of listeners.get(event) ?? []) fn();
        },
      };
    },
  };
  const nativeImage = {
    createFromPath: (p: string) => {
      const image = {
        path: p,
        template: false,
        setTemplateImage(v: boolean) {
          image.template = v;
        },
      };
      mock.loaded.push(image);
      return image;
    },
  };
  return { Tray, Menu, nativeImage };
});

const { ElectronTray } = await import('./tray');

const iconDir = path.resolve(__dirname, '..', '..', 'assets', 'tray');
const labels = (menu: MenuItemConstructorOptions[]) => menu.map((i) => i.label ?? i.type);

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  mock.trays.length = 0;
  mock.loaded.length = 0;
});

describe('ElectronTray', () => {
  it('maps the model to a menu, routes actions and rebuilds once per burst of events', async () => {
    const core = new FakeSwitchboardCore([fakeServer('a', 'ready', { name: 'Linear' })]);
    const actions: unknown[] = [];
    const tray = new ElectronTray({ core, iconDir, template: true, loginItemSupported: false, onAction: (a) => actions.push(a) });
    const state = mock.trays[0]!;
    const menu = state.menus[0]!;
    expect(labels(menu)).toEqual(['Open Switchboard', 'separator', 'Linear — Ready', 'separator', 'Add remote server…', 'separator', 'Quit']);
    const sub = menu[2]!.submenu as MenuItemConstructorOptions[];
    expect(labels(sub)).toEqual(['separator', 'Restart', 'Show log']);
    (menu[0]!.click as () => void)();
    (menu[6]!.click as () => void)();
    (sub[1]!.click as () => void)();
    state.click!();
    expect(actions).toEqual(['open', 'quit', { serverId: 'a', do: 'restart' }, 'open']);
    expect(state.tooltips).toEqual(['MCP Switchboard — 1 of 1 ready']);

    core.servers[0]!.status = fakeStatus('a', 'error');
    core.status.fire(core.servers[0]!.status);
    core.status.fire(core.servers[0]!.status);
    core.list.fire(core.servers);
    expect(state.menus).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(state.menus).toHaveLength(2);
    // The failed server's fix leads the menu; its submenu follows.
    expect(state.menus[1]![2]!.label).toBe('Restart Linear');
    expect(state.menus[1]![4]!.label).toBe('Linear — Error');
    // The rebuilt menu knows the clients: "Install into ▸ Claude Desktop".
    const rebuilt = state.menus[1]![4]!.submenu as MenuItemConstructorOptions[];
    const installInto = rebuilt.find((i) => i.label === 'Install into')!.submenu as MenuItemConstructorOptions[];
    expect(installInto.map((i) => [i.label, i.type, i.checked])).toEqual([['Claude Desktop', 'checkbox', false]]);

    expect(tray.snapshot()).toEqual({
      icon: 'error',
      tooltip: 'MCP Switchboard — 0 of 1 ready, 1 failed',
      menu: ['Open Switchboard', '-', 'Restart Linear', '-', 'Linear — Error', '-', 'Add remote server…', '-', 'Quit'],
    });
    tray.dispose();
    expect(tray.snapshot()).toBeUndefined();
    expect(state.destroyed).toBe(true);
    expect(core.listenerCount).toBe(0);
  });

  it('shows the worst state in the icon and the tooltip, loading each image once', async () => {
    const core = new FakeSwitchboardCore([fakeServer('a', 'ready'), fakeServer('b', 'ready'), fakeServer('c', 'ready')]);
    new ElectronTray({ core, iconDir, template: true, loginItemSupported: false, onAction: () => {} });
    const state = mock.trays[0]!;
    const set = async (id: string, st: Parameters<typeof fakeStatus>[1]) => {
      core.servers.find((s) => s.id === id)!.status = fakeStatus(id, st);
      core.status.fire(fakeStatus(id, st));
      await vi.advanceTimersByTimeAsync(200);
    };
    await set('c', 'needs-sign-in');
    await set('b', 'error');
    await set('b', 'ready');
    await set('c', 'ready');
    expect(state.images.map((i) => [path.basename(i.path), i.template])).toEqual([
      ['trayTemplate.png', true],
      ['tray-attentionTemplate.png', true],
      ['tray-errorTemplate.png', true],
      ['tray-attentionTemplate.png', true],
      ['trayTemplate.png', true],
    ]);
    expect(mock.loaded).toHaveLength(3);
    expect(state.tooltips.slice(0, 3)).toEqual([
      'MCP Switchboard — 3 of 3 ready',
      'MCP Switchboard — 2 of 3 ready, 1 needs sign-in',
      'MCP Switchboard — 1 of 3 ready, 1 failed, 1 needs sign-in',
    ]);
    // Every image it asked for exists, with its @2x beside it.
    for (const image of mock.loaded) {
      expect(fs.existsSync(image.path)).toBe(true);
      expect(fs.existsSync(image.path.replace(/\.png$/, '@2x.png'))).toBe(true);
    }
  });

  it('uses the coloured icons outside macOS', () => {
    const core = new FakeSwitchboardCore([]);
    new ElectronTray({ core, iconDir, template: false, loginItemSupported: false, onAction: () => {} });
    expect(mock.trays[0]!.images.map((i) => [path.basename(i.path), i.template])).toEqual([['tray-idle.png', false]]);
  });

  it('shows "Launch at login" from the core settings and rebuilds when they change', async () => {
    const core = new FakeSwitchboardCore([]);
    const actions: unknown[] = [];
    new ElectronTray({ core, iconDir, template: false, loginItemSupported: true, onAction: (a) => actions.push(a) });
    const state = mock.trays[0]!;
    const item = (menu: MenuItemConstructorOptions[]) => menu.find((i) => i.label === 'Launch at login')!;
    expect(labels(state.menus[0]!).slice(-3)).toEqual(['separator', 'Launch at login', 'Quit']);
    expect(item(state.menus[0]!)).toMatchObject({ type: 'checkbox', checked: false });
    (item(state.menus[0]!).click as () => void)();
    expect(actions).toEqual([{ setting: 'launchAtLogin', value: true }]);

    // What the composition root does with that action; the settings event rebuilds the menu.
    await core.setSettings({ launchAtLogin: true });
    await vi.advanceTimersByTimeAsync(200);
    expect(state.menus).toHaveLength(2);
    expect(item(state.menus[1]!)).toMatchObject({ type: 'checkbox', checked: true });
    (item(state.menus[1]!).click as () => void)();
    expect(actions.at(-1)).toEqual({ setting: 'launchAtLogin', value: false });
  });

  it('macOS: a click on the icon opens the menu only, not the window as well', () => {
    const core = new FakeSwitchboardCore([]);
    const actions: unknown[] = [];
    new ElectronTray({ core, iconDir, template: true, loginItemSupported: false, onAction: (a) => actions.push(a), platform: 'darwin' });
    mock.trays[0]!.userClick('darwin');
    expect(actions).toEqual([]);
    // Windows and Linux: the click opens the window.
    new ElectronTray({ core, iconDir, template: false, loginItemSupported: false, onAction: (a) => actions.push(a), platform: 'win32' });
    mock.trays[1]!.userClick('win32');
    expect(actions).toEqual(['open']);
  });

  it('under traffic: metrics alone rebuild nothing and read no client config; a change waits for an open menu to close', async () => {
    const core = new FakeSwitchboardCore([fakeServer('a', 'ready', { name: 'Linear' })]);
    new ElectronTray({ core, iconDir, template: false, loginItemSupported: true, onAction: () => {} });
    const state = mock.trays[0]!;
    await vi.advanceTimersByTimeAsync(200);
    const reads = () => core.calls.filter((c) => c.method === 'installStatus' || c.method === 'getSettings').length;
    const menusBefore = state.menus.length;
    const readsBefore = reads();
    // Two seconds of metrics: a status event every 100 ms with new counters and the same state.
    for (let i = 1; i <= 20; i++) {
      core.status.fire(fakeStatus('a', 'ready', { counters: { connections: 1, connectionsTotal: 1, requests: i, errors: 0 } }));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(state.menus.length).toBe(menusBefore);
    expect(reads()).toBe(readsBefore);
    expect(state.tooltips).toEqual(['MCP Switchboard — 1 of 1 ready']);

    // The user opens the menu; the server fails meanwhile: the open menu stays until it closes.
    state.current!.emit('menu-will-show');
    core.servers[0]!.status = fakeStatus('a', 'error');
    core.status.fire(core.servers[0]!.status);
    await vi.advanceTimersByTimeAsync(200);
    expect(state.menus.length).toBe(menusBefore);
    expect(state.tooltips.at(-1)).toBe('MCP Switchboard — 0 of 1 ready, 1 failed');
    state.current!.emit('menu-will-close');
    await vi.advanceTimersByTimeAsync(10);
    expect(state.menus.length).toBe(menusBefore + 1);
    expect(state.menus.at(-1)![4]!.label).toBe('Linear — Error');
    // A servers change reads the clients' install states again.
    core.list.fire(core.servers);
    await vi.advanceTimersByTimeAsync(200);
    expect(reads()).toBeGreaterThan(readsBefore);
  });

  it('shows an empty menu rather than failing when the core throws', () => {
    const core = new FakeSwitchboardCore();
    core.failNext = new Error('not started');
    new ElectronTray({ core, iconDir, template: false, loginItemSupported: true, onAction: () => {} });
    expect(mock.trays[0]!.menus[0]!.map((i) => i.label ?? i.type)).toContain('No servers yet');
  });
});
