// ElectronIpcTransport against a MOCK of the 'electron' module (no Electron binary exists in CI;
// the real module would try to download one). The mock is typed against electron.d.ts, so a renamed
// API fails compilation. The handler table and core are the real table over the FAKE core.
import * as path from 'node:path';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES } from '../../common/contract';
import { createHandlers } from '../core/api/handlers';
import { FakeSwitchboardCore, fakeServer, fakeStatus } from '../core/api/testing/fake-core';
import type { RendererLocation } from './security-policy';

type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

const mock = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const windows: Array<{ sent: Array<[string, unknown]>; url: string; destroyed: boolean }> = [];
  return { handlers, windows };
});

vi.mock('electron', () => {
  const ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'> = {
    handle: (channel: string, listener: InvokeHandler) => {
      if (mock.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      mock.handlers.set(channel, listener as never);
    },
    removeHandler: (channel: string) => {
      mock.handlers.delete(channel);
    },
  };
  const BrowserWindow = {
    getAllWindows: () =>
      mock.windows.map((w) => ({
        isDestroyed: () => w.destroyed,
        webContents: {
          isDestroyed: () => w.destroyed,
          getURL: () => w.url,
          send: (channel: string, payload: unknown) => w.sent.push([channel, payload]),
        },
      })),
  };
  return { ipcMain, BrowserWindow };
});

const { ElectronIpcTransport, INTERNAL_ERROR, UNTRUSTED_SENDER_ERROR } = await import('./ipc-transport');

const renderer: RendererLocation = { kind: 'app', root: path.resolve('/app/out/renderer') };
const page = 'app://renderer/index.html';

function invoke(channel: string, frame: { url: string; parent: unknown } | null, arg?: unknown) {
  const handler = mock.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler({ senderFrame: frame } as unknown as IpcMainInvokeEvent, arg);
}

function setup() {
  const core = new FakeSwitchboardCore([fakeServer('alpha')]);
  const refused: string[] = [];
  const transport = new ElectronIpcTransport({
    core,
    handlers: createHandlers(core, { version: '0', dataDir: '/d', platform: 'linux', loginItemSupported: true }),
    renderer,
    onRefused: (channel, url) => refused.push(`${channel} ${url}`),
  });
  return { core, transport, refused };
}

afterEach(() => {
  mock.handlers.clear();
  mock.windows.length = 0;
});

describe('ElectronIpcTransport', () => {
  it('registers exactly one handler per contract call and removes them on dispose', () => {
    const { transport, core } = setup();
    expect([...mock.handlers.keys()].sort()).toEqual([...CALL_NAMES].sort());
    transport.dispose();
    expect(mock.handlers.size).toBe(0);
    expect(core.listenerCount).toBe(0);
  });

  it('serves our top frame and passes payload validation errors through as Results', async () => {
    const { core } = setup();
    expect(await invoke('servers:list', { url: `${page}#x`, parent: null })).toMatchObject({ ok: true, value: [{ id: 'alpha' }] });
    expect(await invoke('servers:add', { url: page, parent: null }, { url: 5 })).toEqual({
      ok: false,
      error: 'servers:add: "url" must be a string, got a number',
    });
    expect(core.calls.map((c) => c.method)).toEqual(['listServers']);
  });

  it('refuses other pages, subframes and missing frames without touching the core', async () => {
    const { core, refused } = setup();
    for (const frame of [{ url: 'https://evil.example/', parent: null }, { url: page, parent: {} }, null]) {
      expect(await invoke('servers:remove', frame, { serverId: 'alpha' })).toEqual({ ok: false, error: UNTRUSTED_SENDER_ERROR });
    }
    expect(core.calls).toEqual([]);
    expect(refused).toEqual(['servers:remove https://evil.example/', `servers:remove ${page}`, 'servers:remove undefined']);
  });

  it('answers a handler that throws with a plain Result, never the error itself', async () => {
    const core = new FakeSwitchboardCore([fakeServer('alpha')]);
    const handlers = createHandlers(core, { version: '0', dataDir: '/d', platform: 'linux', loginItemSupported: true });
    const errors: string[] = [];
    // A deliberately broken table entry: the real handlers never throw, this one does.
    const broken = { ...handlers, 'servers:list': async () => Promise.reject(new Error('secret internals at /home/me/x.ts:12')) };
    new ElectronIpcTransport({ core, handlers: broken, renderer, onError: (channel, err) => errors.push(`${channel}: ${(err as Error).message}`) });
    expect(await invoke('servers:list', { url: page, parent: null })).toEqual({ ok: false, error: INTERNAL_ERROR });
    expect(errors).toEqual(['servers:list: secret internals at /home/me/x.ts:12']);
    expect(await invoke('app:info', { url: page, parent: null })).toMatchObject({ ok: true });
  });

  it('forwards core events to live windows that show our page only', () => {
    const { core, transport } = setup();
    const ours = { sent: [] as Array<[string, unknown]>, url: page, destroyed: false };
    const foreign = { sent: [] as Array<[string, unknown]>, url: 'https://example.com/', destroyed: false };
    const dead = { sent: [] as Array<[string, unknown]>, url: page, destroyed: true };
    mock.windows.push(ours, foreign, dead);
    const status = fakeStatus('alpha', 'error');
    core.status.fire(status);
    core.appended.fire([{ ts: 1, level: 'info', server: 'alpha', message: 'm' }]);
    expect(ours.sent.map(([c]) => c)).toEqual(['servers:did-change-status', 'logs:did-append']);
    expect(ours.sent[0]![1]).toBe(status);
    expect(foreign.sent).toEqual([]);
    expect(dead.sent).toEqual([]);
    transport.dispose();
    core.status.fire(status);
    expect(ours.sent).toHaveLength(2);
  });
});
