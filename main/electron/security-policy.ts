/**
 * Pure security policy for the renderer window: where our page lives, which frames may call the
 * IPC handlers, where the window may navigate, and the Content Security Policy. No Electron import,
 * so it is unit-tested directly (security-policy.test.ts) and shared with renderer/vite.config.ts.
 */
import { pathToFileURL } from 'node:url';

/** CSP of the packaged renderer (common/renderer-csp.ts: also the <meta> of the Vite build). */
export { RENDERER_CSP, RENDERER_CSP_HEADER } from '../../common/renderer-csp';

/** Dev server (Vite with React refresh) needs its inline preamble and its websocket. */
export function devCsp(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline' ${devOrigin}`,
    `style-src 'self' 'unsafe-inline' ${devOrigin}`,
    `img-src 'self' data: ${devOrigin}`,
    `connect-src ${devOrigin} ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Where the window's page is loaded from: the built file, or (unpackaged dev only) a dev server.
 * `platform` (default process.platform) says how the file's path is written.
 */
export type RendererLocation = { kind: 'file'; indexHtml: string; platform?: NodeJS.Platform } | { kind: 'dev-server'; origin: string };

export function rendererLocation(opts: {
  indexHtml: string;
  devServerUrl?: string | undefined;
  isPackaged: boolean;
  platform?: NodeJS.Platform;
}): RendererLocation {
  if (!opts.isPackaged && opts.devServerUrl) {
    const url = new URL(opts.devServerUrl);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && loopback) {
      return { kind: 'dev-server', origin: url.origin };
    }
    throw new Error(`Refusing renderer dev server ${opts.devServerUrl}: only http(s) on loopback is allowed`);
  }
  return { kind: 'file', indexHtml: opts.indexHtml, ...(opts.platform ? { platform: opts.platform } : {}) };
}

/** The URL the window loads. */
export function rendererUrl(loc: RendererLocation): string {
  return loc.kind === 'file' ? pathToFileURL(loc.indexHtml, { windows: (loc.platform ?? process.platform) === 'win32' }).href : `${loc.origin}/`;
}

/**
 * A file: URL reduced to the file it names, in a form Node's and Chromium's canonical URLs agree
 * on. They do not agree on the string: Chromium upper-cases a Windows drive letter
 * (url_canon_fileurl.cc) where Node keeps it as given (a checkout run from `c:\…`), and the two
 * escape some characters differently. So the path is compared decoded, and on Windows without
 * regard to case (as the file system does). Undefined for anything that is not a local file URL.
 */
export function fileUrlKey(url: string, platform: NodeJS.Platform): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'file:') return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  const key = `${parsed.host}|${pathname}`;
  return platform === 'win32' ? key.toLowerCase() : key;
}

/** True when `url` is our own page (any hash or query), i.e. a frame allowed to use the contract. */
export function isTrustedRendererUrl(url: string | undefined | null, loc: RendererLocation): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (loc.kind === 'file') {
    const platform = loc.platform ?? process.platform;
    const key = fileUrlKey(url, platform);
    return key !== undefined && key === fileUrlKey(rendererUrl(loc), platform);
  }
  return parsed.origin === loc.origin;
}

/**
 * Decision for `will-navigate` / `will-redirect` / window.open: the page may only reload itself.
 * Everything else is blocked (links to the web are not part of this renderer).
 */
export function navigationAllowed(targetUrl: string, loc: RendererLocation): boolean {
  return isTrustedRendererUrl(targetUrl, loc);
}

/** A sender frame as Electron describes it (WebFrameMain), reduced to what the policy needs. */
export interface SenderFrameLike {
  url: string;
  /** null for the top frame. */
  parent: unknown;
}

/** IPC sender check: our page, in the top frame (no iframes, which we never create anyway). */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, loc: RendererLocation): boolean {
  if (!frame) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isTrustedRendererUrl(frame.url, loc);
}

/**
 * Web permissions the window may use. Everything is denied except writing text to the clipboard
 * from our own page's top frame (the log viewer's Copy calls navigator.clipboard.writeText, which
 * Chromium gates on the `clipboard-sanitized-write` permission; it still needs a user gesture).
 * Reading the clipboard, media, notifications, devices and the rest stay denied.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function permissionAllowed(
  permission: string,
  request: { requestingUrl?: string | undefined; isMainFrame?: boolean | undefined },
  loc: RendererLocation,
): boolean {
  if (!ALLOWED_PERMISSIONS.has(permission)) return false;
  if (request.isMainFrame === false) return false;
  return isTrustedRendererUrl(request.requestingUrl, loc);
}
