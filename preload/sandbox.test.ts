// Runs the BUILT preload (out/preload/index.js) the way Electron runs a sandboxed preload: as a
// function of (require, process, Buffer, global, setImmediate, clearImmediate, exports, module),
// where require knows only 'electron', 'events', 'timers' and 'url', and there is no __filename,
// __dirname or Node module system (electron/electron: lib/sandboxed_renderer/init.ts, preload.ts).
// 'electron' is a FAKE here (contextBridge + ipcRenderer recorders): no Electron binary in CI.
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as timers from 'node:timers';
import * as url from 'node:url';
import * as vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../common/contract';

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'preload', 'index.js');

beforeAll(() => {
  const src = path.join(root, 'preload');
  const stale =
    !fs.existsSync(bundle) ||
    fs.readdirSync(src).some((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && fs.statSync(path.join(src, f)).mtimeMs > fs.statSync(bundle).mtimeMs);
  if (stale) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--only=node'], { cwd: root, stdio: 'inherit' });
});

function runSandboxed(code: string) {
  const exposed = new Map<string, any>();
  const invoked: Array<[string, unknown]> = [];
  const fakeElectron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, arg: unknown) => {
        invoked.push([channel, arg]);
        return { ok: true, value: channel };
      },
      on: () => {},
      removeListener: () => {},
    },
  };
  const modules: Record<string, unknown> = { electron: fakeElectron, events: { EventEmitter }, timers, url };
  const preloadRequire = (name: string) => {
    if (name in modules) return modules[name];
    throw new Error(`module not found: ${name}`);
  };
  const context = vm.createContext({ console });
  const wrapper = vm.runInContext(`(function(require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {\n${code}\n})`, context, {
    filename: bundle,
  }) as (...args: unknown[]) => void;
  const exports = {};
  wrapper(preloadRequire, new EventEmitter(), Buffer, context, setImmediate, clearImmediate, exports, { exports });
  return { exposed, invoked };
}

describe('built preload in a sandbox', () => {
  it('loads without Node globals and exposes window.switchboard over ipcRenderer', async () => {
    const { exposed, invoked } = runSandboxed(fs.readFileSync(bundle, 'utf8'));
    expect([...exposed.keys()]).toEqual(['switchboard']);
    const api = exposed.get('switchboard');
    for (const name of CALL_NAMES) expect(await api.call(name, undefined)).toEqual({ ok: true, value: name });
    expect(invoked.map(([c]) => c)).toEqual([...CALL_NAMES]);
    expect(await api.call('fs:read', undefined)).toMatchObject({ ok: false });
  });
});
