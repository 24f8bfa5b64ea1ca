/**
 * The Electron IPC transport: one `ipcMain.handle` per contract call over the handler table, and
 * contract events pushed to our windows with `webContents.send`. Every call first checks that it
 * comes from our own page in a top frame; the handler table then validates the payload.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { CALL_NAMES, type EventName, type Events, type Result } from '../../common/contract';
import type { SwitchboardCore } from '../core/api/core-port';
import { forwardEvents, type HandlerTable } from '../core/api/handlers';
import { isTrustedRendererUrl, isTrustedSender, type RendererLocation } from './security-policy';

export interface ElectronIpcTransportOptions {
  handlers: HandlerTable;
  core: SwitchboardCore;
  renderer: RendererLocation;
  /** Called when a call is refused because of its sender (for the app log). */
  onRefused?: (channel: string, url: string | undefined) => void;
  /** Called when a handler broke its promise never to throw (a bug; for the app log). */
  onError?: (channel: string, error: unknown) => void;
}

export const UNTRUSTED_SENDER_ERROR = 'Refused: this call did not come from the Switchboard window';
/** What the renderer sees if a handler throws anyway: no stack, no internals. */
export const INTERNAL_ERROR = 'Internal error in the app; the log has the details';

export class ElectronIpcTransport {
  private readonly disposers: Array<() => void> = [];

  constructor(private readonly options: ElectronIpcTransportOptions) {
    const { handlers, renderer } = options;
    for (const name of CALL_NAMES) {
      const handler = handlers[name] as (arg: unknown) => Promise<Result<unknown>>;
      ipcMain.handle(name, async (event: IpcMainInvokeEvent, arg: unknown): Promise<Result<unknown>> => {
        const frame = event.senderFrame;
        if (!isTrustedSender(frame, renderer)) {
          options.onRefused?.(name, frame?.url);
          return { ok: false, error: UNTRUSTED_SENDER_ERROR };
        }
        try {
          return await handler(arg);
        } catch (err) {
          // Handlers return Results; a throw is a bug. Electron would hand its message and stack to
          // the page, so answer with a plain Result instead.
          options.onError?.(name, err);
          return { ok: false, error: INTERNAL_ERROR };
        }
      });
      this.disposers.push(() => ipcMain.removeHandler(name));
    }
    this.disposers.push(forwardEvents(options.core, (name, payload) => this.broadcast(name, payload)));
  }

  /** Sends a contract event to every live window that shows our page. */
  broadcast<K extends EventName>(name: K, payload: Events[K]): void {
    for (const win of BrowserWindow.getAllWindows()) {
      const contents = win.webContents;
      if (win.isDestroyed() || contents.isDestroyed()) continue;
      if (!isTrustedRendererUrl(contents.getURL(), this.options.renderer)) continue;
      contents.send(name, payload);
    }
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
  }
}
