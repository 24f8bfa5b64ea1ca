/**
 * The in-page half of the browser shell (web-shell.ts): defines `window.switchboard` (the
 * SwitchboardApi of common/contract.ts) over fetch('/call') and a streamed fetch('/events'), as
 * the preload does over IPC in the Electron window. The shell serves it as /switchboard-bridge.js,
 * loaded by index.html before the renderer's own script; the session cookie rides along with
 * every same-origin fetch (the page never sees it: HttpOnly).
 *
 * The function is sent to the page as its source text: it must not reference anything outside its
 * own body. It mimics the preload: calls resolve to Results and never reject, payloads are copies,
 * `on` returns the unsubscribe function, and the API object is frozen. (main/ is compiled without
 * the DOM library, so the page's globals are typed here by hand.)
 */

export interface PageBridgeConfig {
  /** The shell's own origin: the page gets the API only there, in the top frame. */
  origin: string;
}

export function installSwitchboardBridge(cfg: PageBridgeConfig): void {
  const page = globalThis as unknown as { location: { origin: string }; top: unknown };
  if (page.location.origin !== cfg.origin || page.top !== page) return;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const deliver = (name: string, payload: unknown) => {
    for (const l of [...(listeners.get(name) ?? [])]) {
      try {
        l(structuredClone(payload));
      } catch (err) {
        // A throwing listener must not stop the others (ipcRenderer behaves the same way).
        setTimeout(() => {
          throw err;
        });
      }
    }
  };

  const stream = async (): Promise<boolean> => {
    const res = await fetch('/events');
    if (!res.ok || !res.body) return false;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (!data) continue;
        const msg = JSON.parse(data) as { name: string; payload: unknown };
        deliver(msg.name, msg.payload);
      }
    }
  };
  // Reconnect at once after a dropped stream; back off while the host refuses or is gone.
  let delay = 250;
  const keepStreaming = () => {
    stream()
      .then((served) => {
        delay = served ? 250 : Math.min(delay * 2, 5000);
      })
      .catch(() => {
        delay = Math.min(delay * 2, 5000);
      })
      .finally(() => setTimeout(keepStreaming, delay));
  };
  keepStreaming();

  const api = {
    async call(name: string, arg: unknown) {
      try {
        const res = await fetch('/call', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // null stands for "no argument" (JSON has no undefined).
          body: JSON.stringify({ name, arg: arg === undefined ? null : arg }),
        });
        if (!res.ok) {
          const why = (await res.text()).trim();
          return { ok: false as const, error: `MCP Switchboard refused the call (HTTP ${res.status})${why ? `: ${why}` : ''}` };
        }
        return await res.json();
      } catch (err) {
        return { ok: false as const, error: `MCP Switchboard is not reachable (is it still running?): ${(err as Error).message}` };
      }
    },
    on(name: string, listener: (payload: unknown) => void) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      const wrapped = (p: unknown) => listener(p);
      listeners.get(name)!.add(wrapped);
      return () => void listeners.get(name)?.delete(wrapped);
    },
  };
  Object.defineProperty(globalThis, 'switchboard', { value: Object.freeze(api), configurable: false, writable: false });
}

/** The script the shell serves: the function above, called with this shell's configuration. */
export function pageBridgeScript(cfg: PageBridgeConfig): string {
  return `"use strict";\n(${installSwitchboardBridge.toString()})(${JSON.stringify(cfg)});\n`;
}
