/**
 * A tiny static file server for the built renderer, bound to 127.0.0.1 on a free port. GET/HEAD
 * only, no directory listing, no path escapes (main/headless/static-files.ts, as the browser shell
 * of the headless host serves it). Serves the same CSP the app uses, as a header.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { RENDERER_CSP_HEADER } from '../../common/renderer-csp';
import { sendStaticFile } from '../../main/headless/static-files';

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
