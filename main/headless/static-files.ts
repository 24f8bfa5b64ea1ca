/**
 * Sends one file of the built renderer (out/renderer) over HTTP: GET/HEAD only by the caller, no
 * directory listing, never a file outside the root, the page's CSP as a header. Used by the
 * browser shell (web-shell.ts) and by the e2e static server.
 */
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';

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
