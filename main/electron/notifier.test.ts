// ElectronNotifier against a MOCK of Electron's Notification (no Electron binary here): an event
// emitter that is shown, clicked or closed.
import { describe, expect, it, vi } from 'vitest';

const mock = vi.hoisted(() => ({
  supported: true,
  shown: [] as Array<{ options: unknown; listeners: Map<string, (...args: unknown[]) => void> }>,
}));

vi.mock('electron', () => ({
  Notification: class {
    static isSupported() {
      return mock.supported;
    }
    private readonly record: { options: unknown; listeners: Map<string, (...args: unknown[]) => void> };
    constructor(options: unknown) {
      this.record = { options, listeners: new Map() };
    }
    on(event: string, fn: (...args: unknown[]) => void) {
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

  it("a click opens the server the notification is about; its buttons (Electron's action event, old and new form) do what they say", () => {
    mock.supported = true;
    mock.shown.length = 0;
    const opened: Array<string | undefined> = [];
    const acted: string[] = [];
    const notifier = new ElectronNotifier({ open: (id) => opened.push(id), act: (kind, id) => acted.push(`${kind} ${id}`) });
    notifier.notify('Sign in to Notion', 'Its sign-in expired.', { serverId: 'notion', actions: [{ label: 'Sign in', kind: 'sign-in' }] });
    notifier.notify('Internal tools stopped', 'It kept crashing.', { serverId: 'broken', actions: [{ label: 'Show log', kind: 'show-log' }] });
    notifier.notify('Switchboard is still running', 'Open it from the tray.');
    expect(mock.shown.map((n) => n.options)).toEqual([
      { title: 'Sign in to Notion', body: 'Its sign-in expired.', silent: false, actions: [{ type: 'button', text: 'Sign in' }] },
      { title: 'Internal tools stopped', body: 'It kept crashing.', silent: false, actions: [{ type: 'button', text: 'Show log' }] },
      { title: 'Switchboard is still running', body: 'Open it from the tray.', silent: false },
    ]);
    mock.shown[0]!.listeners.get('click')!();
    mock.shown[0]!.listeners.get('action')!({ actionIndex: 0 }, 0);
    mock.shown[1]!.listeners.get('action')!({}, 0);
    mock.shown[2]!.listeners.get('click')!();
    expect(opened).toEqual(['notion', undefined]);
    expect(acted).toEqual(['sign-in notion', 'show-log broken']);
  });
});
