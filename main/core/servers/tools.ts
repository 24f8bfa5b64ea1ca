/**
 * Lists a server's tools through its own proxy, as any client would: the connector's handshake
 * (shared/handshake.ts connectToEndpoint: the socket's owner is checked, the proxy proves itself
 * first), initialize, notifications/initialized, tools/list (following
 * nextCursor, bounded), then close. Plain Node: no SDK.
 */
import type * as net from 'node:net';
import type { ServerStatus, ToolInfo } from '../../../common/contract';
import { ERR_METHOD_NOT_FOUND, errorResponse, initializeParams, isRequest, JSONRPC_VERSION, parseJson, resultResponse } from '../../shared/mcp-http';
import { connectToEndpoint } from '../../shared/handshake';
import { LineSplitter } from '../../shared/wire';

export interface ListToolsOptions {
  endpoint: string;
  secret: string;
  serverId: string;
  /** For sentences ("Linear did not answer…"). */
  serverName: string;
  timeoutMs?: number;
  /** tools/list pages followed at most (a server that always sends a cursor must not loop). */
  maxPages?: number;
}

const CLIENT_INFO = { name: 'mcp-switchboard', version: '0.1.0' };

function str(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v ? v.slice(0, max) : undefined;
}

export function toToolInfo(t: any): ToolInfo | undefined {
  const name = str(t?.name, 200);
  if (!name) return undefined;
  const info: ToolInfo = { name };
  const title = str(t.title, 200) ?? str(t.annotations?.title, 200);
  if (title) info.title = title;
  const description = str(t.description, 4000);
  if (description) info.description = description;
  return info;
}

/** Why a server's tools cannot be listed now (disabled, signed out, not ready), or undefined when they can. */
export function toolsUnavailable(server: { name: string; enabled: boolean }, status: ServerStatus | undefined): string | undefined {
  if (!server.enabled) return `"${server.name}" is disabled; enable it to see its tools.`;
  if (status?.state === 'ready') return undefined;
  if (status?.state === 'needs-sign-in') return `Sign in to "${server.name}" to see its tools.`;
  const state = status?.state ?? 'stopped';
  return `"${server.name}" is not ready (${state}${status?.detail ? `: ${status.detail}` : ''}); its tools can be listed once it is ready.`;
}

export async function listToolsThroughProxy(opts: ListToolsOptions): Promise<ToolInfo[]> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxPages = opts.maxPages ?? 20;
  let socket: net.Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  const pending = new Map<number, { resolve: (m: any) => void; reject: (e: Error) => void }>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`${opts.serverName} did not list its tools within ${timeoutMs >= 1000 ? Math.round(timeoutMs / 1000) : timeoutMs / 1000} s.`);
      failAll(err);
      socket?.destroy();
      reject(err);
    }, timeoutMs);
  });
  timeout.catch(() => {});

  const work = async (): Promise<ToolInfo[]> => {
    let conn: Awaited<ReturnType<typeof connectToEndpoint>>;
    try {
      conn = await connectToEndpoint(opts.endpoint, {
        secret: opts.secret,
        server: opts.serverId,
        client: 'mcp-switchboard (tools list)',
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ECONNREFUSED')
        throw new Error(`The proxy of ${opts.serverName} is not listening; is the server running?`, { cause: err });
      if (code === 'REFUSED') throw new Error(`The proxy of ${opts.serverName} refused the connection: ${(err as Error).message}`, { cause: err });
      throw new Error(`Cannot connect to the proxy of ${opts.serverName}: ${(err as Error).message}`, { cause: err });
    }
    socket = conn.socket;
    let nextId = 1;
    const write = (m: unknown) => socket!.write(JSON.stringify(m) + '\n');
    const splitter = new LineSplitter(
      (line) => {
        const m = parseJson(line);
        if (m === undefined) return;
        for (const msg of Array.isArray(m) ? m : [m]) {
          if (isRequest(msg)) {
            // A request from the server (ping, roots/list, …): this short session offers nothing.
            write(msg.method === 'ping' ? resultResponse(msg.id, {}) : errorResponse(msg.id, ERR_METHOD_NOT_FOUND, 'Method not found'));
            continue;
          }
          const p = typeof msg?.id === 'number' ? pending.get(msg.id) : undefined;
          if (!p) continue;
          pending.delete(msg.id);
          p.resolve(msg);
        }
      },
      () => failAll(new Error(`${opts.serverName} sent a message too large to read.`)),
    );
    socket.on('data', (c: Buffer) => splitter.push(c));
    socket.on('error', () => {});
    socket.on('close', () => failAll(new Error(`The proxy of ${opts.serverName} closed the connection.`)));
    if (conn.rest.length) splitter.push(conn.rest);

    const request = (method: string, params: Record<string, unknown>) =>
      new Promise<any>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        write({ jsonrpc: JSONRPC_VERSION, id, method, params });
      }).then((m) => {
        if (m.error) throw new Error(`${opts.serverName} answered ${method} with an error: ${String(m.error.message ?? 'unknown').slice(0, 300)}`);
        return m.result;
      });

    await request('initialize', initializeParams(CLIENT_INFO));
    write({ jsonrpc: JSONRPC_VERSION, method: 'notifications/initialized' });
    const tools: ToolInfo[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const result = await request('tools/list', cursor ? { cursor } : {});
      for (const t of Array.isArray(result?.tools) ? result.tools : []) {
        const info = toToolInfo(t);
        if (info) tools.push(info);
      }
      cursor = typeof result?.nextCursor === 'string' && result.nextCursor ? result.nextCursor : undefined;
      if (!cursor) break;
    }
    return tools;
  };

  try {
    return await Promise.race([work(), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
    socket?.end();
    socket?.destroy();
  }
}
