/**
 * TEST-ONLY: an MCP server (SDK 1.x, Streamable HTTP with sessions) whose tools ask the user
 * something: `book` a form (text, number with a default, a choice, a yes/no), `connect` a page to
 * open (URL mode). Each returns the user's answer as text, so a test sees what reached the server.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export interface AskingServer {
  url: string;
  close(): Promise<void>;
}

function build(): McpServer {
  const server = new McpServer({ name: 'asking-fixture', version: '1.0.0' });
  // The questions go on the tool call's own stream (relatedRequestId), as servers ask during a call.
  server.registerTool('book', { description: 'Books a table after asking for the details' }, async (extra) => {
    const r = await server.server.elicitInput(
      {
        message: 'Who is the booking for?',
        requestedSchema: {
          type: 'object',
          properties: {
            name: { type: 'string', title: 'Name' },
            seats: { type: 'integer', title: 'Seats', minimum: 1, maximum: 8, default: 2 },
            area: { type: 'string', title: 'Area', enum: ['inside', 'terrace'], enumNames: ['Inside', 'Terrace'] },
            vegetarian: { type: 'boolean', title: 'Vegetarian' },
          },
          required: ['name', 'area'],
        },
      },
      { relatedRequestId: extra.requestId },
    );
    return { content: [{ type: 'text', text: `${r.action}: ${JSON.stringify(r.content ?? {})}` }] };
  });
  server.registerTool('connect', { description: 'Asks the user to open the calendar sign-in page' }, async (extra) => {
    const r = await server.server.elicitInput(
      { mode: 'url', message: 'Connect your calendar', url: 'https://accounts.example.com/connect?state=e2e', elicitationId: randomUUID() },
      { relatedRequestId: extra.requestId },
    );
    return { content: [{ type: 'text', text: r.action }] };
  });
  return server;
}

export async function startAskingServer(): Promise<AskingServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const httpServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const parsed = body ? JSON.parse(body) : undefined;
      const sid = req.headers['mcp-session-id'] as string | undefined;
      const existing = sid ? sessions.get(sid) : undefined;
      if (existing) return void (await existing.handleRequest(req, res, parsed));
      if (req.method !== 'POST' || parsed?.method !== 'initialize') {
        res
          .writeHead(sid ? 404 : 400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'No session' }, id: null }));
        return;
      }
      const t: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, t),
        onsessionclosed: (id) => void sessions.delete(id),
      });
      await build().connect(t);
      await t.handleRequest(req, res, parsed);
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of sessions.values()) void t.close();
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}
