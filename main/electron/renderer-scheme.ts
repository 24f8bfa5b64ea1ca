/**
 * The window's page is served from the app's own scheme, `app://renderer/…`, not from file://
 * (issue 12, Electron hardening). A privileged standard scheme gives the page a real origin, so
 *
 * - the Content Security Policy arrives as a response header, `frame-ancestors 'none'` included
 *   (a <meta> cannot carry it, and Chromium sends no header events for file: pages);
 * - the `grantFileProtocolExtraPrivileges` fuse can be off: nothing runs from file:// any more;
 * - the page reaches out/renderer and nothing else: not a file beside it, not the user's files.
 *
 * This half is pure Node (no Electron): which file a request names, with which headers. The
 * adapter (renderer-protocol.ts) hands it Electron's requests. Tested in renderer-scheme.test.ts.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { RENDERER_CSP_HEADER, RENDERER_HOST, RENDERER_SCHEME } from './security-policy';

export { RENDERER_SCHEME } from './security-policy';

/**
 * How the scheme is registered before the app is ready (protocol.registerSchemesAsPrivileged):
 * standard (a host, an origin, relative URLs) and secure (a secure context, like https), with
 * fetch and CORS support so the page's module script loads from its own origin. Not bypassing
 * the CSP, no service workers, no streaming.
 */
export const RENDERER_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
} as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every answer: the page's CSP (frame-ancestors included), no sniffing, no caching, no referrer. */
export function rendererHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': RENDERER_CSP_HEADER,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  };
}

export type RendererTarget = { ok: true; file: string } | { ok: false; status: 400 | 404 | 405 };

/**
 * The file under `root` (out/renderer) that a request names, or why there is none: only GET and
 * HEAD, only `app://renderer/`, a path that decodes cleanly and stays under the root (no `..`,
 * no encoded separators or backslashes, no NUL, no hidden files); `/` is index.html.
 */
export function resolveRendererRequest(rawUrl: string, method: string, root: string): RendererTarget {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405 };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${RENDERER_SCHEME}:` || url.host !== RENDERER_HOST || url.username || url.password) return { ok: false, status: 404 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const segments = pathname.split('/').slice(1);
  // The URL parser removed literal dot segments; what decoding brings back (%2e%2e, %2f, %5c, %00) is refused.
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.startsWith('.') || /[\\\0:]/.test(s))) return { ok: false, status: 404 };
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  const rel = path.relative(base, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return { ok: false, status: 404 };
  return { ok: true, file };
}

export interface RendererResponse {
  status: number;
  headers: Record<string, string>;
  /** Absent for HEAD and errors. */
  body?: Buffer;
}

/**
 * The answer to one request: the file with its content type and the CSP, or an empty error.
 * Only regular files are served (a directory or anything else is 404).
 */
export async function serveRendererRequest(request: { url: string; method: string }, root: string): Promise<RendererResponse> {
  const target = resolveRendererRequest(request.url, request.method, root);
  if (!target.ok) return { status: target.status, headers: rendererHeaders('text/plain; charset=utf-8') };
  try {
    const stat = await fsp.stat(target.file);
    if (!stat.isFile()) return { status: 404, headers: rendererHeaders('text/plain; charset=utf-8') };
    const headers = rendererHeaders(contentTypeFor(target.file));
    if (request.method === 'HEAD') return { status: 200, headers };
    return { status: 200, headers, body: await fsp.readFile(target.file) };
  } catch {
    return { status: 404, headers: rendererHeaders('text/plain; charset=utf-8') };
  }
}
