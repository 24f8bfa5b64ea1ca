#!/usr/bin/env node
// The benchmark's upstream: a Streamable HTTP MCP server built from the official SDK's reference
// pieces (@modelcontextprotocol/sdk 1.x McpServer + StreamableHTTPServerTransport, stateful
// sessions, SSE-framed answers as the SDK does by default) on 127.0.0.1, with one `echo` tool.
// Run as a child of bench/run.mjs so its CPU time does not land on the measuring client's event
// loop. Prints `{"port":N}` on stdout when listening; exits when its parent goes away.
//
//   node bench/server.mjs [--json]      (--json: answer POSTs with application/json, not SSE)
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const jsonResponses = process.argv.includes('--json');
/** @type {Map<string, StreamableHTTPServerTransport>} */
const sessions = new Map();
const MAX_SESSIONS = 500; // bounded: the bench opens a few dozen at most

function buildServer() {
  const server = new McpServer({ name: 'bench-upstream', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echo a message', inputSchema: { message: z.string() } }, async ({ message }) => ({
    content: [{ type: 'text', text: `echo: ${message}` }],
  }));
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (!chunks.length) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function sendJsonError(res, status, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

const httpServer = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    const sid = req.headers['mcp-session-id'];
    if (req.method === 'POST') {
      const body = await readBody(req);
      if (typeof sid === 'string') {
        const t = sessions.get(sid);
        if (!t) return sendJsonError(res, 404, 'Session not found');
        await t.handleRequest(req, res, body);
        return;
      }
      if (body?.method !== 'initialize') return sendJsonError(res, 400, 'No session');
      if (sessions.size >= MAX_SESSIONS) return sendJsonError(res, 503, 'Too many sessions');
      const t = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: jsonResponses,
        onsessioninitialized: (id) => sessions.set(id, t),
        onsessionclosed: (id) => sessions.delete(id),
      });
      t.onclose = () => {
        if (t.sessionId) sessions.delete(t.sessionId);
      };
      await buildServer().connect(t);
      await t.handleRequest(req, res, body);
      return;
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      const t = typeof sid === 'string' ? sessions.get(sid) : undefined;
      if (!t) {
        res.writeHead(req.method === 'GET' ? 405 : 404).end();
        return;
      }
      await t.handleRequest(req, res);
      return;
    }
    res.writeHead(405).end();
  } catch (err) {
    if (!res.headersSent) sendJsonError(res, 500, String(err?.message ?? err));
    else res.destroy();
  }
});

httpServer.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: httpServer.address().port }) + '\n');
});

function stop() {
  for (const t of sessions.values()) void t.close().catch(() => {});
  httpServer.closeAllConnections();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started with an IPC channel by run.mjs: die with the parent.
process.on('disconnect', stop);
