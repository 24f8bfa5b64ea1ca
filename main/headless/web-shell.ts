/**
 * The browser shell: the app's window for hosts without Electron, served to the system browser on
 * loopback. It serves the built renderer (out/renderer) and carries the contract
 * (common/contract.ts) over HTTP, so the same page talks to the same handler table the Electron
 * window reaches over IPC. It knows nothing of how the host is built: it takes a dispatch function
 * and one subscribe function per contract event.
 *
 *   GET  /?token=…                  spends the one-time token: sets the session cookie, redirects
 *                                   to the same address without the token (web-shell-guard.ts)
 *   GET  /, /index.html, /assets/*  the renderer, with /switchboard-bridge.js added to index.html
 *   GET  /switchboard-bridge.js     window.switchboard over fetch (web-shell-page.ts)
 *   POST /call    {name, arg} → Result     (JSON in, JSON out)
 *   GET  /events  a stream of `data: {"name", "payload"}` blocks, one per contract event
 *
 * Every request passes the Host, Origin and fetch-metadata checks; every one but the token
 * exchange needs the session cookie. Refusals are 403 with a plain sentence. It listens on
 * 127.0.0.1 only. The page keeps the app's CSP (common/renderer-csp.ts) with one relaxation,
 * connect-src 'self' instead of 'none', in the header and in index.html's <meta>: the one change
 * fetch() needs to reach /call.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { EventName, Events, Result } from '../../common/contract';
import { EVENT_NAMES } from '../../common/contract';
import { RENDERER_CSP_HEADER } from '../../common/renderer-csp';
import { sendStaticFile } from './static-files';
import { checkProvenance, createSessionGate, refusalSentence, type Refusal, type RefusalReason } from './web-shell-guard';
import { pageBridgeScript } from './web-shell-page';

export type { Refusal, RefusalReason } from './web-shell-guard';

/** Runs one call of the contract by name; resolves to its Result, never rejects. */
export type WebShellDispatch = (call: string, arg: unknown) => Promise<Result<unknown>>;

/** One subscribe function per contract event; each returns its unsubscribe function. */
export type WebShellEvents = { readonly [K in EventName]: (listener: (payload: Events[K]) => void) => () => void };

/** A body sent to the page (for the secrets test: what the page was given). */
export interface SentPayload {
  kind: 'result' | 'event';
  name: string;
  body: string;
}

export interface WebShellOptions {
  /** Directory of the built renderer (out/renderer). */
  rendererRoot: string;
  dispatch: WebShellDispatch;
  events: WebShellEvents;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Sees every body sent to the page (tests). */
  onSent?: (sent: SentPayload) => void;
  /** Sees every refused request: its reason, method and path, never a secret. */
  onRefused?: (refusal: Refusal) => void;
}

export interface WebShell {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /**
   * The address to open: the origin with the one-time token. A secret until it is used: for the
   * foreground process's stderr and the browser opener only, never a log.
   */
  readonly url: string;
  close(): Promise<void>;
}

/** The page's CSP as the shell serves it: the app's, with connect-src 'self' (see the file comment). */
export const WEB_SHELL_CSP_HEADER = RENDERER_CSP_HEADER.replace("connect-src 'none'", "connect-src 'self'");

const BRIDGE_PATH = '/switchboard-bridge.js';
const MAX_BODY = 1 << 20;
const HEARTBEAT_MS = 10_000;

/** Headers of every answer: nothing cached, no referrer, no sniffing, nobody else's resource. */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** index.html as the shell serves it: the meta CSP relaxed like the header, the bridge loaded first. */
export function shellIndexHtml(html: string): string {
  return html
    .replace('connect-src &#39;none&#39;', 'connect-src &#39;self&#39;')
    .replace("connect-src 'none'", "connect-src 'self'")
    .replace('</head>', `  <script src="${BRIDGE_PATH}"></script>\n  </head>`);
}

function plain(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);
}

function readJsonBody(req: http.IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; status: number; text: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve({ ok: false, status: 413, text: 'The call is too large.' });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        resolve({ ok: false, status: 400, text: 'The call is not JSON.' });
      }
    });
    req.on('error', () => resolve({ ok: false, status: 400, text: 'The call could not be read.' }));
  });
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${port} on 127.0.0.1 is in use; choose another port or leave it out for a free one.`
            : `Could not serve the window on 127.0.0.1:${port}: ${err.message}`,
        ),
      );
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const root = path.resolve(opts.rendererRoot);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(`The window's files are missing (${path.join(root, 'index.html')}); build them with "npm run build".`);
  }
  const streams = new Set<http.ServerResponse>();
  const server = http.createServer();
  const port = await listen(server, opts.port ?? 0);
  const origin = `http://127.0.0.1:${port}`;
  const host = `127.0.0.1:${port}`;
  const gate = createSessionGate(port);
  const bridgeScript = pageBridgeScript({ origin });

  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, pathname: string, reason: RefusalReason) => {
    opts.onRefused?.({ method: req.method ?? '?', path: pathname, reason });
    plain(res, 403, refusalSentence(reason, host));
  };

  const sendResult = (res: http.ServerResponse, name: string, result: Result<unknown>) => {
    const body = JSON.stringify(result);
    opts.onSent?.({ kind: 'result', name, body });
    res.writeHead(200, { ...BASE_HEADERS, 'content-type': 'application/json' }).end(body);
  };

  const handleCall = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    // JSON only: a cross-origin page cannot send it without a preflight, which is never answered.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return plain(res, 415, 'Calls are sent as application/json.');
    const body = await readJsonBody(req);
    if (!body.ok) return plain(res, body.status, body.text);
    const msg = (body.value ?? {}) as { name?: unknown; arg?: unknown };
    if (typeof msg.name !== 'string') return plain(res, 400, 'A call needs a name.');
    // null stands for "no argument" (JSON has no undefined), as structured clone would give.
    sendResult(res, msg.name, await opts.dispatch(msg.name, msg.arg ?? undefined));
  };

  const handleEvents = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { ...BASE_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      return plain(res, 400, 'Bad address.');
    }
    const pathname = url.pathname;
    const provenance = checkProvenance(req.headers, origin);
    if (provenance) return refuse(req, res, pathname, provenance);

    const token = url.searchParams.get('token');
    if (token !== null && req.method === 'GET') {
      url.searchParams.delete('token');
      const clean = `${url.pathname}${url.search}`;
      // A browser that holds the session already (the link opened twice) just drops the token.
      if (gate.admits(req.headers.cookie)) return plain(res, 302, 'Redirecting.', { location: clean });
      const cookie = gate.exchange(token);
      if (!cookie) return refuse(req, res, pathname, 'token');
      return plain(res, 302, 'Redirecting.', { location: clean, 'set-cookie': cookie });
    }
    if (!gate.admits(req.headers.cookie)) return refuse(req, res, pathname, 'session');

    if (pathname === '/call') {
      if (req.method !== 'POST') return plain(res, 405, 'POST only.', { allow: 'POST' });
      void handleCall(req, res);
      return;
    }
    if (pathname === '/events') {
      if (req.method !== 'GET') return plain(res, 405, 'GET only.', { allow: 'GET' });
      return handleEvents(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'GET only.', { allow: 'GET, HEAD' });
    if (pathname === BRIDGE_PATH) {
      res.writeHead(200, { ...BASE_HEADERS, 'content-type': 'text/javascript; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : bridgeScript);
      return;
    }
    let file: string;
    try {
      file = decodeURIComponent(pathname);
    } catch {
      return plain(res, 400, 'Bad address.');
    }
    sendStaticFile(req, res, root, file, { csp: WEB_SHELL_CSP_HEADER, escapeStatus: 404, html: shellIndexHtml, headers: BASE_HEADERS });
  });

  const unsubscribers = EVENT_NAMES.map((name) =>
    (opts.events[name] as (listener: (payload: unknown) => void) => () => void)((payload) => {
      const body = JSON.stringify({ name, payload });
      opts.onSent?.({ kind: 'event', name, body });
      for (const res of streams) res.write(`data: ${body}\n\n`);
    }),
  );
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let closed: Promise<void> | undefined;
  return {
    origin,
    url: `${origin}/?token=${gate.token}`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const u of unsubscribers) u();
        clearInterval(heartbeat);
        for (const res of streams) res.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
