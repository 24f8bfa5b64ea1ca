/**
 * TEST-ONLY web transport for the browser e2e: a loopback HTTP server that serves the built
 * renderer and carries the contract (common/contract.ts) over HTTP, so the real renderer in a real
 * Chromium talks to a real core through the same handler table the Electron IPC transport uses
 * (main/core/api/handlers.ts). It lives under e2e/ and is never bundled into the app.
 *
 *   GET  /, /index.html, /assets/*  the renderer (out/renderer)
 *   POST /call    {name, arg} → Result     (dispatch over the handler table)
 *   GET  /events  Server-Sent Events: `data: {"name", "payload"}` per contract event
 *
 * Like every loopback listener of the app (DESIGN.md, "Local attack surface") it refuses, with 403:
 * a request without the random per-bridge secret header, a Host other than its own 127.0.0.1:port
 * (DNS rebinding), an Origin other than its own, and a cross-site Sec-Fetch-Site.
 *
 * The renderer's CSP has `connect-src 'none'` (in production it has no network at all); the bridge
 * serves it with `connect-src 'self'` instead, the one change needed for fetch() to reach /call.
 * Everything else in the CSP is served unchanged.
 *
 * Every body sent to the page (call results and events) is recorded in `sent`, for the secrets test.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { EventName, Events, Result } from '../../common/contract';
import { RENDERER_CSP_HEADER } from '../../main/electron/security-policy';
import { sendStaticFile } from './static-server';

/** The header every request must carry. */
export const BRIDGE_SECRET_HEADER = 'x-switchboard-bridge-secret';

export type BridgeDispatch = (name: unknown, arg: unknown) => Promise<Result<unknown>>;
export type BridgeSink = <K extends EventName>(name: K, payload: Events[K]) => void;

export interface WebBridgeOptions {
  /** Directory of the built renderer (out/renderer). */
  rendererRoot: string;
  /** `(name, arg) => dispatch(handlers, name, arg)` over the real handler table. */
  dispatch: BridgeDispatch;
  /** `(sink) => forwardEvents(core, sink)`: subscribes to contract events, returns the unsubscribe. */
  subscribe: (sink: BridgeSink) => () => void;
}

export interface SentPayload {
  kind: 'result' | 'event';
  name: string;
  body: string;
}

export interface Refusal {
  method: string;
  path: string;
  reason: 'secret' | 'host' | 'origin' | 'fetch-site';
}

export interface WebBridge {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The page to open. */
  url: string;
  secret: string;
  /** Every body sent to the page, in order. */
  readonly sent: SentPayload[];
  /** Every refused request (what was wrong; never the values). */
  readonly refused: Refusal[];
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

/** The renderer's CSP with the one relaxation the bridge needs (see the file comment). */
export const BRIDGE_CSP_HEADER = RENDERER_CSP_HEADER.replace("connect-src 'none'", "connect-src 'self'");

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWebBridge(opts: WebBridgeOptions): Promise<WebBridge> {
  const root = path.resolve(opts.rendererRoot);
  const secret = randomBytes(32).toString('base64url');
  const sent: SentPayload[] = [];
  const refused: Refusal[] = [];
  const streams = new Set<http.ServerResponse>();
  let origin = '';
  let host = '';

  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, reason: Refusal['reason']) => {
    refused.push({ method: req.method ?? '?', path: (req.url ?? '').split('?')[0], reason });
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Forbidden\n');
  };

  /** Host, Origin, fetch metadata and the secret, in that order; true when the request may pass. */
  const admit = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    if (req.headers.host !== host) {
      refuse(req, res, 'host');
      return false;
    }
    const reqOrigin = req.headers.origin;
    if (reqOrigin !== undefined && reqOrigin !== origin) {
      refuse(req, res, 'origin');
      return false;
    }
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      refuse(req, res, 'fetch-site');
      return false;
    }
    if (!sameSecret(req.headers[BRIDGE_SECRET_HEADER], secret)) {
      refuse(req, res, 'secret');
      return false;
    }
    return true;
  };

  // The meta CSP written by the Vite build gets the same single relaxation as the header.
  const relaxMetaCsp = (html: string) =>
    html.replace('connect-src &#39;none&#39;', 'connect-src &#39;self&#39;').replace("connect-src 'none'", "connect-src 'self'");
  const serveFile = (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) =>
    sendStaticFile(req, res, root, pathname, {
      csp: BRIDGE_CSP_HEADER,
      escapeStatus: 404,
      html: relaxMetaCsp,
      headers: { 'x-content-type-options': 'nosniff' },
    });

  const handleCall = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      res.writeHead(415, { 'content-type': 'text/plain' }).end('application/json only\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', async () => {
      if (res.headersSent) return;
      let msg: { name?: unknown; arg?: unknown };
      try {
        msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('not JSON\n');
        return;
      }
      // null stands for "no argument" (JSON has no undefined), as structured clone would give.
      const result = await opts.dispatch(msg?.name, msg?.arg ?? undefined);
      const body = JSON.stringify(result);
      sent.push({ kind: 'result', name: String(msg?.name), body });
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    });
  };

  const handleEvents = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  };

  const server = http.createServer((req, res) => {
    if (!admit(req, res)) return;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (pathname === '/call') {
      if (req.method !== 'POST') res.writeHead(405, { allow: 'POST' }).end();
      else handleCall(req, res);
      return;
    }
    if (pathname === '/events') {
      if (req.method !== 'GET') res.writeHead(405, { allow: 'GET' }).end();
      else handleEvents(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    serveFile(req, res, pathname);
  });

  const unsubscribe = opts.subscribe((name, payload) => {
    const body = JSON.stringify({ name, payload });
    sent.push({ kind: 'event', name, body });
    for (const res of streams) res.write(`data: ${body}\n\n`);
  });
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': ping\n\n');
  }, 10_000);
  heartbeat.unref();

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;

  return {
    origin,
    url: `${origin}/`,
    secret,
    sent,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(heartbeat);
        for (const res of streams) res.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
