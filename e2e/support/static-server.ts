/**
 * A tiny static file server for the built renderer, bound to 127.0.0.1 on a free port. GET/HEAD
 * only, no directory listing, no path escapes. Serves the same CSP the app uses, as a header.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { RENDERER_CSP_HEADER } from '../../main/electron/security-policy';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export interface StaticFileOptions {
  /** The Content-Security-Policy header sent with every file. */
  csp: string;
  /** Status for a path that resolves outside the root. */
  escapeStatus: number;
  /** Rewrites HTML files before they are sent. */
  html?: (text: string) => string;
  /** Extra headers for every file. */
  headers?: Record<string, string>;
}

/** Sends the file under `root` that `pathname` names (index.html for a folder); never outside it. */
export function sendStaticFile(req: http.IncomingMessage, res: http.ServerResponse, root: string, pathname: string, opts: StaticFileOptions): void {
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = path.resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(opts.escapeStatus).end();
    return;
  }
  fs.readFile(file, (err, body) => {
    if (err) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const out: Buffer | string = opts.html && file.endsWith('.html') ? opts.html(body.toString('utf8')) : body;
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': opts.csp,
      'cache-control': 'no-store',
      ...opts.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : out);
  });
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(root: string): Promise<StaticServer> {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    sendStaticFile(req, res, base, pathname, { csp: RENDERER_CSP_HEADER, escapeStatus: 403 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
