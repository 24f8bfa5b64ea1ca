// The preload bridge over a FAKE ipcRenderer (Electron cannot run here). preload/index.ts only passes
// the real ipcRenderer to createSwitchboardApi and exposes the result.
import { describe, expect, it } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, type CallName, type EventName } from '../common/contract';
import { createSwitchboardApi, type IpcRendererLike } from './api';

type Listener = (event: unknown, ...args: unknown[]) => void;

class FakeIpcRenderer implements IpcRendererLike {
  invoked: Array<[string, unknown]> = [];
  listeners = new Map<string, Set<Listener>>();
  reply: (channel: string, arg: unknown) => Promise<unknown> = async () => ({ ok: true, value: 'pong' });
  invoke(channel: string, arg?: unknown) {
    this.invoked.push([channel, arg]);
    return this.reply(channel, arg);
  }
  on(channel: string, listener: Listener) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener) {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, payload: unknown) {
    for (const l of this.listeners.get(channel) ?? []) l({ sender: 'SECRET-EVENT-OBJECT' }, payload);
  }
}

describe('createSwitchboardApi', () => {
  it('invokes every contract call on its own channel', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createSwitchboardApi(ipc);
    for (const name of CALL_NAMES) {
      expect(await api.call(name, { probe: name } as never)).toEqual({ ok: true, value: 'pong' });
    }
    expect(ipc.invoked).toEqual(CALL_NAMES.map((n) => [n, { probe: n }]));
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('refuses channels outside the contract without IPC', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createSwitchboardApi(ipc);
    expect(await api.call('shell:exec' as CallName, undefined as never)).toEqual({ ok: false, error: 'Unknown call "shell:exec"' });
    expect(ipc.invoked).toEqual([]);
    expect(() => api.on('ipc:anything' as EventName, () => {})).toThrow(/Unknown event "ipc:anything"/);
  });

  it('turns a rejected invoke into an error Result', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.reply = async () => {
      throw new Error("Error invoking remote method 'servers:list': boom");
    };
    const api = createSwitchboardApi(ipc);
    expect(await api.call('servers:list', undefined)).toEqual({ ok: false, error: "Error invoking remote method 'servers:list': boom" });
  });

  it('delivers event payloads without the IPC event and unsubscribes once', () => {
    const ipc = new FakeIpcRenderer();
    const api = createSwitchboardApi(ipc);
    for (const name of EVENT_NAMES) {
      const seen: unknown[][] = [];
      const off = api.on(name, (...args: unknown[]) => seen.push(args));
      ipc.emit(name, { n: 1 });
      expect(seen).toEqual([[{ n: 1 }]]);
      off();
      off();
      ipc.emit(name, { n: 2 });
      expect(seen).toHaveLength(1);
      expect(ipc.listeners.get(name)!.size).toBe(0);
    }
  });
});
