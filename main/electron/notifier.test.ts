// ElectronNotifier against a MOCK of Electron's Notification (no Electron binary here): an event
// emitter that is shown, clicked or closed.
import { describe, expect, it, vi } from 'vitest';

const mock = vi.hoisted(() => ({
  supported: true,
  shown: [] as Array<{ options: unknown; listeners: Map<string, () => void> }>,
}));

vi.mock('electron', () => ({
  Notification: class {
    static isSupported() {
      return mock.supported;
    }
    private readonly record: { options: unknown; listeners: Map<string, () => void> };
    constructor(options: unknown) {
      this.record = { options, listeners: new Map() };
    }
    on(event: string, fn: () => void) {
      this.record.listeners.set(event, fn);
      return this;
    }
    show() {
      mock.shown.push(this.record);
    }
  },
}));

const { ElectronNotifier } = await import('./notifier');

describe('ElectronNotifier', () => {
  it('a click on a notification opens the window; nothing is shown where notifications are not supported', () => {
    let opened = 0;
    const notifier = new ElectronNotifier(() => opened++);
    notifier.notify('Linear needs sign-in', 'Open MCP Switchboard and press Sign in.');
    expect(mock.shown.map((n) => n.options)).toEqual([{ title: 'Linear needs sign-in', body: 'Open MCP Switchboard and press Sign in.', silent: false }]);
    mock.shown[0]!.listeners.get('click')!();
    expect(opened).toBe(1);
    mock.supported = false;
    notifier.notify('x', 'y');
    expect(mock.shown).toHaveLength(1);
  });
});
