/**
 * The client side of the host's control endpoint (see main/core/control.ts for the server): used
 * by `connect`, every CLI command and the connector to drive a running host. The handshake
 * (handshake.ts, endpoint id "control") first, then:
 *   → {"id":1,"call":"servers:list","arg":null}            ← {"id":1,"result":{"ok":true,"value":[…]}}
 */
import type * as net from 'node:net';
import type { Result } from '../../common/contract';
import { controlEndpoint } from './local-socket';
import type { Paths } from './paths';
import { connectToEndpoint } from './handshake';
import { LineSplitter } from './wire';

export const CONTROL_ID = 'control';

/** A client of a running host's control endpoint. */
export class ControlClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Result<unknown>) => void>();

  private constructor(private readonly socket: net.Socket) {
    const splitter = new LineSplitter(
      (line) => {
        try {
          const msg = JSON.parse(line) as { id: number; result: Result<unknown> };
          this.waiting.get(msg.id)?.(msg.result);
          this.waiting.delete(msg.id);
        } catch {
          // ignore
        }
      },
      () => socket.destroy(),
    );
    socket.on('data', (c: Buffer) => splitter.push(c));
    socket.on('close', () => {
      for (const r of this.waiting.values()) r({ ok: false, error: 'MCP Switchboard closed the control connection' });
      this.waiting.clear();
    });
  }

  /**
   * Connects to the running host, or resolves undefined when none is running (or it refused).
   * Rejects when what listens there is not ours (code 'UNSAFE': another user's socket or
   * directory; 'IMPOSTOR': it could not prove it holds the secret): that is an attack to report,
   * not a host to replace.
   */
  static async connect(paths: Paths, secret: string | undefined, client?: string): Promise<ControlClient | undefined> {
    if (!secret) return undefined;
    try {
      const { socket, rest } = await connectToEndpoint(controlEndpoint(paths), { secret, server: CONTROL_ID, client });
      const c = new ControlClient(socket);
      if (rest.length) socket.emit('data', rest);
      return c;
    } catch (err) {
      if (isForeignEndpoint(err)) throw err;
      return undefined;
    }
  }

  call<T>(call: string, arg?: unknown): Promise<Result<T>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (r: Result<unknown>) => void);
      this.socket.write(JSON.stringify({ id, call, arg: arg ?? null }) + '\n');
    });
  }

  close(): void {
    this.socket.end();
  }
}

/** Whether a connection failed because the endpoint is not ours (see connectToEndpoint). */
export function isForeignEndpoint(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'UNSAFE' || code === 'IMPOSTOR';
}
