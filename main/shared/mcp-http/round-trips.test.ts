/** The round trips and the bounded exchange against real local HTTP servers that answer as MCP servers do. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange } from './http-exchange';
import { discoverRequest, endSession, envelopeHeaders, initializeRequest, isModernAnswer, isModernRequest, postRequest } from './round-trips';

let servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

interface Seen {
  method?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/mcp`, seen };
}

const client = { name: 'test', version: '1' };
const signal = () => AbortSignal.timeout(5000);

describe('requests of both eras', () => {
  it('initialize carries no envelope; server/discover carries its revision in _meta and in headers', () => {
    const init = initializeRequest(1, client);
    expect(init).toEqual({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: client } });
    expect(envelopeHeaders(init)).toEqual({});
    expect(isModernRequest(init)).toBe(false);
    const discover = discoverRequest('d', client);
    expect(discover.params._meta['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
    expect(envelopeHeaders(discover)).toEqual({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' });
    expect(isModernRequest(discover)).toBe(true);
    expect(isModernRequest(discoverRequest('d', client, '2025-06-18'))).toBe(false);
  });

  it('knows a stateless-era answer to server/discover', () => {
    expect(isModernAnswer({ result: { supportedVersions: ['2026-07-28'] } })).toBe(true);
    expect(isModernAnswer({ error: { code: -32022, message: 'unsupported' } })).toBe(true);
    expect(isModernAnswer({ error: { code: -32601, message: 'Method not found' } })).toBe(false);
    expect(isModernAnswer(undefined)).toBe(false);
  });
});

describe('postRequest', () => {
  it('sends the MCP headers over the server headers, the token, and reads the answer to its id in a batch', async () => {
    const { url, seen } = await serve((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        .end('[{"jsonrpc":"2.0","id":"x","result":{}},{"jsonrpc":"2.0","id":"d","result":{"ok":1}}]'),
    );
    const a = await postRequest({
      url,
      headers: { 'x-key': 'k', accept: 'text/plain' },
      request: discoverRequest('d', client),
      token: 'tok',
      signal: signal(),
      maxBytes: 1e6,
    });
    expect(a.status).toBe(200);
    expect(a.message).toEqual({ jsonrpc: '2.0', id: 'd', result: { ok: 1 } });
    expect(seen[0]!.headers).toMatchObject({
      'x-key': 'k',
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'server/discover',
      authorization: 'Bearer tok',
    });
    expect(JSON.parse(seen[0]!.body)).toEqual(discoverRequest('d', client));
  });

  it('reads an event stream up to the answer to its id, past notifications and other answers', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 's1' });
      res.write('data: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n');
      res.write('data: {"jsonrpc":"2.0","id":"other","result":{}}\n\n');
      res.write('data: {"jsonrpc":"2.0","id":1,\ndata: "result":{"protocolVersion":"2025-11-25"}}\n\n');
      // The stream stays open: the answer ends the read.
    });
    const a = await postRequest({ url, headers: {}, request: initializeRequest(1, client), signal: signal(), maxBytes: 1e6 });
    expect(a.message).toEqual({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-11-25' } });
    expect(a.headers['mcp-session-id']).toBe('s1');
  });

  it('stops reading at the bound: in total, or per event', async () => {
    const noise = `data: {"jsonrpc":"2.0","method":"n","params":{"x":"${'x'.repeat(500)}"}}\n\n`;
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 20; i++) res.write(noise);
      res.end('data: {"jsonrpc":"2.0","id":1,"result":{}}\n\n');
    });
    const request = initializeRequest(1, client);
    expect((await postRequest({ url, headers: {}, request, signal: signal(), maxBytes: 4000 })).message).toBeUndefined();
    expect((await postRequest({ url, headers: {}, request, signal: signal(), maxBytes: 4000, bound: 'event' })).message).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: {},
    });
    const big = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"jsonrpc":"2.0","id":1,"result":{"x":"${'x'.repeat(5000)}"}}`),
    );
    const cut = await postRequest({ url: big.url, headers: {}, request, signal: signal(), maxBytes: 4000 });
    expect(cut.status).toBe(200);
    expect(cut.message).toBeUndefined();
  });

  it('rejects when nothing listens', async () => {
    const { url } = await serve(() => {});
    await new Promise((r) => servers.pop()!.close(r));
    await expect(postRequest({ url, headers: {}, request: initializeRequest(1, client), signal: signal(), maxBytes: 1e6 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('exchange and endSession', () => {
  it('parses JSON documents of any +json type, and leaves other bodies alone', async () => {
    const { url } = await serve((req, res) =>
      req.url === '/doc'
        ? res.writeHead(200, { 'content-type': 'application/problem+json' }).end('{"issuer":"https://as"}')
        : res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
    );
    const doc = await exchange({ method: 'GET', url: new URL('/doc', url), headers: {}, signal: signal(), maxBytes: 1e6 });
    expect(doc).toMatchObject({ status: 200, json: { issuer: 'https://as' } });
    expect(doc.message).toBeUndefined();
    expect((await exchange({ method: 'GET', url, headers: {}, signal: signal(), maxBytes: 1e6 })).json).toBeUndefined();
  });

  it('ends a session with DELETE, its id, the negotiated revision and the token; never rejects', async () => {
    const { url, seen } = await serve((_req, res) => res.writeHead(200).end());
    await endSession({ url, headers: { 'x-key': 'k' }, sessionId: 's1', protocolVersion: '2025-11-25', token: 't', signal: signal() });
    expect(seen[0]).toMatchObject({
      method: 'DELETE',
      headers: { 'x-key': 'k', 'mcp-session-id': 's1', 'mcp-protocol-version': '2025-11-25', authorization: 'Bearer t' },
    });
    await endSession({ url: 'http://127.0.0.1:1/mcp', headers: {}, sessionId: 's', signal: signal() });
  });
});
