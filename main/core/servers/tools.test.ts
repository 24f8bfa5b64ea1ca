// listToolsThroughProxy against scripted peers on a real Unix socket that speak the wire (the
// handshake, then JSON-RPC lines). A real proxy in front of server-everything is tested in
// test/core-features.test.ts; these peers play what it cannot: endless pages, silence, refusal.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptHandshake } from '../../shared/handshake';
import { LineSplitter } from '../../shared/wire';
import { listToolsThroughProxy, toToolInfo } from './tools';

let dir: string;
let server: net.Server | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-tools-'));
});
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

type Reply = (msg: any, write: (m: unknown) => void) => void;

/** A proxy stand-in: the real handshake (or a refusal of the hello with `refuse`), then `onMessage`. */
async function peer(onMessage: Reply, refuse?: string): Promise<{ endpoint: string; seen: any[] }> {
  const endpoint = path.join(dir, 'p.sock');
  const seen: any[] = [];
  server = net.createServer((socket) => {
    socket.on('error', () => {});
    if (refuse) {
      socket.once('data', () => socket.end(JSON.stringify({ ok: false, error: refuse }) + '\n'));
      return;
    }
    void acceptHandshake(socket, { secret: () => base.secret, serverId: base.serverId }).then((accepted) => {
      if (!accepted) return;
      const write = (m: unknown) => socket.write(JSON.stringify(m) + '\n');
      const splitter = new LineSplitter(
        (line) => {
          const m = JSON.parse(line);
          seen.push(m);
          onMessage(m, write);
        },
        () => {},
      );
      socket.on('data', (c: Buffer) => splitter.push(c));
      if (accepted.rest.length) splitter.push(accepted.rest);
    });
  });
  await new Promise<void>((r) => server!.listen(endpoint, r));
  return { endpoint, seen };
}

const base = { secret: 's3cret', serverId: 'x', serverName: 'Example' };

describe('listToolsThroughProxy', () => {
  it('initializes, follows nextCursor, answers pings, and keeps name, title and description only', async () => {
    const { endpoint, seen } = await peer((m, write) => {
      if (m.method === 'initialize') {
        write({ jsonrpc: '2.0', id: 'srv-1', method: 'ping' });
        write({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'p', version: '1' } } });
      } else if (m.method === 'tools/list') {
        const page =
          m.params.cursor === 'two'
            ? [{ name: 'b', annotations: { title: 'Bee' }, inputSchema: {} }]
            : [{ name: 'a', title: 'Ay', description: 'first', inputSchema: { type: 'object' } }];
        write({ jsonrpc: '2.0', id: m.id, result: { tools: page, ...(m.params.cursor ? {} : { nextCursor: 'two' }) } });
      }
    });
    const tools = await listToolsThroughProxy({ ...base, endpoint });
    expect(tools).toEqual([
      { name: 'a', title: 'Ay', description: 'first' },
      { name: 'b', title: 'Bee' },
    ]);
    expect(seen.map((m) => m.method ?? `answer:${m.id}`)).toEqual(['initialize', 'answer:srv-1', 'notifications/initialized', 'tools/list', 'tools/list']);
    expect(seen[1]).toEqual({ jsonrpc: '2.0', id: 'srv-1', result: {} });
  });

  it('stops after maxPages when the server always sends a cursor', async () => {
    const { endpoint, seen } = await peer((m, write) => {
      if (m.method === 'initialize') write({ jsonrpc: '2.0', id: m.id, result: {} });
      else if (m.method === 'tools/list') write({ jsonrpc: '2.0', id: m.id, result: { tools: [{ name: `t${m.id}` }], nextCursor: 'again' } });
    });
    const tools = await listToolsThroughProxy({ ...base, endpoint, maxPages: 3 });
    expect(tools).toHaveLength(3);
    expect(seen.filter((m) => m.method === 'tools/list')).toHaveLength(3);
  });

  it('reports a JSON-RPC error, silence, a refused hello and a missing socket in sentences', async () => {
    let p = await peer((m, write) => write({ jsonrpc: '2.0', id: m.id, error: { code: -32012, message: 'Sign in to Example in MCP Switchboard' } }));
    await expect(listToolsThroughProxy({ ...base, endpoint: p.endpoint })).rejects.toThrow(
      'Example answered initialize with an error: Sign in to Example in MCP Switchboard',
    );
    await new Promise<void>((r) => server!.close(() => r()));

    p = await peer(() => {});
    await expect(listToolsThroughProxy({ ...base, endpoint: p.endpoint, timeoutMs: 300 })).rejects.toThrow('Example did not list its tools within 0.3 s.');
    await new Promise<void>((r) => server!.close(() => r()));

    p = await peer(() => {}, 'wrong connector secret');
    await expect(listToolsThroughProxy({ ...base, endpoint: p.endpoint })).rejects.toThrow(
      'The proxy of Example refused the connection: wrong connector secret',
    );
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;

    await expect(listToolsThroughProxy({ ...base, endpoint: path.join(dir, 'none.sock') })).rejects.toThrow(
      'The proxy of Example is not listening; is the server running?',
    );
  });

  it('toToolInfo drops nameless tools and bounds text', () => {
    expect(toToolInfo({ description: 'x' })).toBeUndefined();
    expect(toToolInfo({ name: 'n', description: 'd'.repeat(10_000) })!.description).toHaveLength(4000);
  });
});
