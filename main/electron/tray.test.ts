// ElectronTray against a MOCK of the 'electron' module (no Electron binary in CI). The menu content
// itself is covered by tray-menu-model.test.ts; this checks the wiring: template mapping, clicks,
// debounced rebuilds on core events, dispose.
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSwitchboardCore, fakeServer, fakeStatus } from '../core/api/testing/fake-core';

const mock = vi.hoisted(() => ({
  trays: [] as Array<{ menus: MenuItemConstructorOptions[][]; tooltips: string[]; destroyed: boolean; click?: () => void }>,
  templateImages: [] as boolean[],
}));

vi.mock('electron', () => {
  class Tray {
    state = { menus: [] as MenuItemConstructorOptions[][], tooltips: [] as string[], destroyed: false, click: undefined as undefined | (() => void) };
    constructor() {
      mock.trays.push(this.state);
    }
    on(event: string, fn: () => void) {
      if (event === 'click') this.state.click = fn;
      return this;
    }
    setContextMenu(menu: { template: MenuItemConstructorOptions[] }) {
      this.state.menus.push(menu.template);
    }
    setToolTip(text: string) {
      this.state.tooltips.push(text);
    }
    destroy() {
      this.state.destroyed = true;
    }
  }
  const Menu = { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) };
  const nativeImage = { createFromPath: () => ({ setTemplateImage: (v: boolean) => mock.templateImages.push(v) }) };
  return { Tray, Menu, nativeImage };
});

const { ElectronTray } = await import('./tray');

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  mock.trays.length = 0;
  mock.templateImages.length = 0;
});

describe('ElectronTray', () => {
  it('maps the model to a menu, routes actions and rebuilds once per burst of events', async () => {
    const core = new FakeSwitchboardCore([fakeServer('a', 'ready', { name: 'Linear' })]);
    const actions: unknown[] = [];
    const tray = new ElectronTray({ core, iconPath: '/x/trayTemplate.png', template: true, onAction: (a) => actions.push(a) });
    const state = mock.trays[0]!;
    expect(mock.templateImages).toEqual([true]);
    const menu = state.menus[0]!;
    expect(menu.map((i) => i.label ?? i.type)).toEqual(['Open Switchboard', 'separator', 'Linear — Ready', 'separator', 'Add remote server…', 'separator', 'Quit']);
    const sub = menu[2]!.submenu as MenuItemConstructorOptions[];
    expect(sub.map((i) => i.label ?? i.type)).toEqual(['separator', 'Restart', 'Show logs']);
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
    expect(state.menus[1]![2]!.label).toBe('Linear — Error');
    // The rebuilt menu knows the clients: "Install into ▸ Claude Desktop".
    const rebuilt = state.menus[1]![2]!.submenu as MenuItemConstructorOptions[];
    const installInto = rebuilt.find((i) => i.label === 'Install into')!.submenu as MenuItemConstructorOptions[];
    expect(installInto.map((i) => [i.label, i.type, i.checked])).toEqual([['Claude Desktop', 'checkbox', false]]);

    tray.dispose();
    expect(state.destroyed).toBe(true);
    expect(core.listenerCount).toBe(0);
  });

  it('shows an empty menu rather than failing when the core throws', () => {
    const core = new FakeSwitchboardCore();
    core.failNext = new Error('not started');
    new ElectronTray({ core, iconPath: '/x/tray.png', template: false, onAction: () => {} });
    expect(mock.templateImages).toEqual([]);
    expect(mock.trays[0]!.menus[0]!.map((i) => i.label ?? i.type)).toContain('No servers yet');
  });
});
