/**
 * The host's control endpoint: the instance-lock socket doubles as a local RPC port so that
 * `mcp-switchboard connect` (and support scripts) can drive a running app through the same
 * handler table as the window. Every connection must complete the handshake first
 * (shared/handshake.ts, endpoint id "control"), then:
 *   → {"id":1,"call":"servers:list","arg":null}            ← {"id":1,"result":{"ok":true,"value":[…]}}
 */
import type * as net from 'node:net';
import type { Result } from '../../common/contract';
import { CONTROL_ID } from '../shared/control-client';
import { acceptHandshake } from '../shared/handshake';
import { LineSplitter } from '../shared/wire';

export { CONTROL_ID } from '../shared/control-client';

export type Dispatch = (call: unknown, arg: unknown) => Promise<Result<unknown>>;

/** Serves one accepted control connection. */
export function serveControlConnection(socket: net.Socket, secret: () => string | undefined, dispatch: () => Dispatch | undefined): void {
  // One handshake per connection: lines that arrived with a refused one are never read (neither as
  // calls nor as more guesses).
  void acceptHandshake(socket, { secret, serverId: CONTROL_ID }).then((accepted) => {
    if (accepted) serveCalls(socket, accepted.rest, dispatch);
  });
}

function serveCalls(socket: net.Socket, rest: Buffer, dispatch: () => Dispatch | undefined): void {
  let closed = false;
  const splitter = new LineSplitter(
    (line) => {
      if (closed) return;
      let req: { id?: unknown; call?: unknown; arg?: unknown };
      try {
        req = JSON.parse(line);
      } catch {
        closed = true;
        return void socket.end(JSON.stringify({ id: null, result: { ok: false, error: 'not JSON' } }) + '\n');
      }
      // `null`, `42` or `[…]` parse but are not calls (reading `.call` of null would throw here).
      if (!req || typeof req !== 'object' || Array.isArray(req)) {
        closed = true;
        return void socket.end(JSON.stringify({ id: null, result: { ok: false, error: 'not a call' } }) + '\n');
      }
      const id = typeof req.id === 'number' || typeof req.id === 'string' ? req.id : null;
      const d = dispatch();
      const answer = d
        ? Promise.resolve().then(() => d(req.call, req.arg))
        : Promise.resolve<Result<unknown>>({ ok: false, error: 'The host is starting; try again.' });
      void answer
        .catch((err: unknown): Result<unknown> => ({ ok: false, error: `Internal error: ${(err as Error)?.message ?? String(err)}` }))
        .then((result) => {
          if (!socket.destroyed) socket.write(JSON.stringify({ id, result }) + '\n');
        });
    },
    () => socket.destroy(),
  );
  socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  if (rest.length) splitter.push(rest);
}
