/**
 * The renderer's only way out: window.switchboard (common/contract.ts). These helpers add no
 * behaviour beyond typing and a readable failure when the bridge is missing.
 */
import type { CallArg, CallName, CallValue, EventName, Events, Result, SwitchboardApi } from '../../common/contract';

export function bridge(): SwitchboardApi | undefined {
  return typeof window !== 'undefined' ? window.switchboard : undefined;
}

export async function call<K extends CallName>(name: K, arg: CallArg<K>): Promise<Result<CallValue<K>>> {
  const api = bridge();
  if (!api) return { ok: false, error: 'The Switchboard bridge is missing: open this page from the MCP Switchboard app.' };
  try {
    return await api.call(name, arg);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
  const api = bridge();
  return api ? api.on(name, listener) : () => {};
}
