/**
 * Pure security policy for the renderer window: where our page lives, which frames may call the
 * IPC handlers, where the window may navigate, and the Content Security Policy. No Electron import,
 * so it is unit-tested directly (security-policy.test.ts) and shared with renderer/vite.config.ts.
 */
/** CSP of the packaged renderer (common/renderer-csp.ts: also the <meta> of the Vite build). */
export { RENDERER_CSP, RENDERER_CSP_HEADER } from '../../common/renderer-csp';

/** The app's own scheme for the window's page (renderer-scheme.ts serves it). */
export const RENDERER_SCHEME = 'app';
export const RENDERER_HOST = 'renderer';
/** What the window loads. */
export const RENDERER_PAGE_URL = `${RENDERER_SCHEME}://${RENDERER_HOST}/index.html`;

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
 * Where the window's page is loaded from: the built files, served at `app://renderer/`
 * (renderer-scheme.ts), or (unpackaged dev only) a dev server.
 */
export type RendererLocation = { kind: 'app'; root: string } | { kind: 'dev-server'; origin: string };

export function rendererLocation(opts: { rendererDir: string; devServerUrl?: string | undefined; isPackaged: boolean }): RendererLocation {
  if (!opts.isPackaged && opts.devServerUrl) {
    const url = new URL(opts.devServerUrl);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && loopback) {
      return { kind: 'dev-server', origin: url.origin };
    }
    throw new Error(`Refusing renderer dev server ${opts.devServerUrl}: only http(s) on loopback is allowed`);
  }
  return { kind: 'app', root: opts.rendererDir };
}

/** The URL the window loads. */
export function rendererUrl(loc: RendererLocation): string {
  return loc.kind === 'app' ? RENDERER_PAGE_URL : `${loc.origin}/`;
}

/**
 * True when `url` is our own page (any hash or query), i.e. a frame allowed to use the contract:
 * `app://renderer/index.html` (a standard scheme, so Chromium and Node write it alike), or the
 * dev server's origin.
 */
export function isTrustedRendererUrl(url: string | undefined | null, loc: RendererLocation): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (loc.kind === 'app') {
    const page = new URL(RENDERER_PAGE_URL);
    return parsed.protocol === page.protocol && parsed.host === page.host && parsed.pathname === page.pathname && !parsed.username && !parsed.password;
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
