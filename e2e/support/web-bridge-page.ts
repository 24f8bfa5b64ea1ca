/**
 * TEST-ONLY in-page half of the web bridge (web-bridge.ts): defines `window.switchboard` (the
 * SwitchboardApi of common/contract.ts) over fetch('/call') and a streamed fetch('/events').
 * Installed with page.addInitScript(installWebBridge, {...}) before any page script runs.
 *
 * Playwright serialises this function into the page: it must not reference anything outside its
 * own body. It mimics the preload: calls resolve to Results and never reject, payloads are copies,
 * `on` returns the unsubscribe function, and the API object is frozen.
 */

export interface WebBridgePageConfig {
  origin: string;
  header: string;
  secret: string;
}

declare global {
  interface Window {
    /** How many event streams the page has opened (reconnects included); for the bridge's own tests. */
    __webBridgeStreams?: number;
  }
}

export function installWebBridge(cfg: WebBridgePageConfig): void {
  // Only our own page gets the API (init scripts also run in about:blank and other frames).
  if (location.origin !== cfg.origin || window.top !== window) return;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const headers = { [cfg.header]: cfg.secret };

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

  const stream = async () => {
    window.__webBridgeStreams = (window.__webBridgeStreams ?? 0) + 1;
    const res = await fetch('/events', { headers, cache: 'no-store' });
    if (!res.ok || !res.body) throw new Error(`event stream refused: ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
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
  const keepStreaming = () => {
    stream()
      .catch(() => {})
      .finally(() => setTimeout(keepStreaming, 250));
  };
  keepStreaming();

  const api = {
    async call(name: string, arg: unknown) {
      try {
        const res = await fetch('/call', {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ name, arg: arg === undefined ? null : arg }),
          cache: 'no-store',
        });
        if (!res.ok) return { ok: false as const, error: `The test bridge refused the call (HTTP ${res.status})` };
        return await res.json();
      } catch (err) {
        return { ok: false as const, error: `The test bridge is unreachable: ${(err as Error).message}` };
      }
    },
    on(name: string, listener: (payload: unknown) => void) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      const wrapped = (p: unknown) => listener(p);
      listeners.get(name)!.add(wrapped);
      return () => void listeners.get(name)?.delete(wrapped);
    },
  };
  Object.defineProperty(window, 'switchboard', { value: Object.freeze(api), configurable: false, writable: false });
}
