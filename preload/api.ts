/**
 * Builds the `window.switchboard` object over an ipcRenderer-like object. Kept apart from index.ts
 * (which imports Electron) so it is unit-tested without Electron. Only contract channel names pass:
 * anything else is refused here, before it reaches IPC.
 */
import {
  CALL_NAMES,
  EVENT_NAMES,
  type CallArg,
  type CallName,
  type CallValue,
  type EventName,
  type Events,
  type Result,
  type SwitchboardApi,
} from '../common/contract';

/** The part of Electron's IpcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const callNames: ReadonlySet<string> = new Set(CALL_NAMES);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);

export function createSwitchboardApi(ipc: IpcRendererLike): SwitchboardApi {
  return Object.freeze({
    async call<K extends CallName>(name: K, arg: CallArg<K>): Promise<Result<CallValue<K>>> {
      if (!callNames.has(name)) return { ok: false, error: `Unknown call "${String(name)}"` };
      try {
        return (await ipc.invoke(name, arg)) as Result<CallValue<K>>;
      } catch (err) {
        // Only transport failures land here (the handlers never throw): keep the promise resolved.
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
      if (!eventNames.has(name)) throw new TypeError(`Unknown event "${String(name)}"`);
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      // Never hand the IpcRendererEvent (which carries `sender`) to the page.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload as Events[K]);
      ipc.on(name, wrapped);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        ipc.removeListener(name, wrapped);
      };
    },
  });
}
