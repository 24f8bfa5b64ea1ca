/** The plain-HTTP health check against real local HTTP servers that answer the way MCP servers do. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { plainProbe } from './plain-probe';

let servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/mcp`;
}

const discover = { jsonrpc: '2.0', id: 'p', method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } };
const initialize = {
  jsonrpc: '2.0',
  id: 'p',
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

describe('plainProbe', () => {
  it('reads an SSE answer, sends the era headers, and DELETEs the session it opened', async () => {
    const seen: { method?: string; headers: http.IncomingHttpHeaders }[] = [];
    const url = await serve((req, res) => {
      seen.push({ method: req.method, headers: req.headers });
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'sess-1' });
      res.write('id: 1\ndata: {"jsonrpc":"2.0","id":"p","result":{"protocolVersion":"2025-11-25"}}\n\n');
    });
    const r = await plainProbe({ url, serverName: 'x', headers: { 'x-key': 'k' }, request: initialize });
    expect(r).toEqual({ outcome: 'ok', answer: { jsonrpc: '2.0', id: 'p', result: { protocolVersion: '2025-11-25' } } });
    // The DELETE may still be on its way: wait for it to arrive, however long that takes here.
    while (seen.length < 2) await new Promise((res) => setTimeout(res, 10));
    expect(seen[0].headers['x-key']).toBe('k');
    expect(seen[0].headers['mcp-protocol-version']).toBeUndefined();
    expect(seen[1]).toMatchObject({ method: 'DELETE', headers: { 'mcp-session-id': 'sess-1', 'mcp-protocol-version': '2025-11-25' } });
  });

  it('takes a 400 JSON-RPC error to a 2026-07-28 request as an answer (unsupported version)', async () => {
    let headers: http.IncomingHttpHeaders = {};
    const url = await serve((req, res) => {
      headers = req.headers;
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"jsonrpc":"2.0","id":"p","error":{"code":-32022,"message":"unsupported","data":{"supported":["2026-07-28"]}}}');
    });
    const r = await plainProbe({ url, serverName: 'x', headers: {}, request: discover, singleTransport: true });
    expect(r).toMatchObject({ outcome: 'ok', answer: { error: { code: -32022 } } });
    expect(headers['mcp-protocol-version']).toBe('2026-07-28');
    expect(headers['mcp-method']).toBe('server/discover');
  });

  it('renews the token once on 401, and reports auth when it cannot', async () => {
    const url = await serve((req, res) => {
      if (req.headers.authorization === 'Bearer fresh')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":"p","result":{}}');
      res.writeHead(401, { 'www-authenticate': 'Bearer resource_metadata="http://x/prm"' }).end();
    });
    const renewals: (string | undefined)[] = [];
    const ok = await plainProbe({
      url,
      serverName: 'x',
      headers: {},
      request: initialize,
      auth: { token: () => 'stale', renew: async (_s, w) => (renewals.push(w), 'fresh') },
    });
    expect(ok).toMatchObject({ outcome: 'ok' });
    expect(renewals).toEqual(['Bearer resource_metadata="http://x/prm"']);
    const no = await plainProbe({ url, serverName: 'x', headers: {}, request: initialize, auth: { token: () => undefined, renew: async () => undefined } });
    expect(no).toMatchObject({ outcome: { kind: 'auth', status: 401 } });
  });

  it('leaves 404/405 to the SDK (maybe HTTP+SSE), reports 5xx and refused connections in words', async () => {
    const url404 = await serve((_req, res) => res.writeHead(404).end());
    expect(await plainProbe({ url: url404, serverName: 'x', headers: {}, request: initialize })).toBe('use-sdk');
    expect(await plainProbe({ url: url404, serverName: 'x', headers: {}, request: discover, singleTransport: true })).toMatchObject({
      outcome: { kind: 'http', status: 404 },
    });
    const url502 = await serve((_req, res) => res.writeHead(502).end());
    expect(await plainProbe({ url: url502, serverName: 'x', headers: {}, request: initialize })).toMatchObject({
      outcome: { kind: 'http', status: 502, message: expect.stringMatching(/answered 502 Bad Gateway$/) },
    });
    const closed = await serve(() => {});
    const port = new URL(closed).port;
    await new Promise((r) => servers.pop()!.close(r));
    expect(await plainProbe({ url: `http://127.0.0.1:${port}/mcp`, serverName: 'x', headers: {}, request: initialize })).toMatchObject({
      outcome: { kind: 'network', message: expect.stringMatching(/connection refused \(ECONNREFUSED\)/) },
    });
  });
});
