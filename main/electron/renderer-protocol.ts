/**
 * The Electron half of the app's own scheme (renderer-scheme.ts has the decisions): registered as
 * privileged before the app is ready, then served from out/renderer on the default session, the
 * window's. Every answer carries the page's Content Security Policy as a header.
 */
import { protocol } from 'electron';
import { RENDERER_SCHEME, RENDERER_SCHEME_PRIVILEGES, serveRendererRequest } from './renderer-scheme';

/** Must run before `ready` (Electron refuses it later). */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: RENDERER_SCHEME, privileges: { ...RENDERER_SCHEME_PRIVILEGES } }]);
}

/** Serves `root` (out/renderer) at app://renderer/; returns the function that stops it. */
export function serveRenderer(root: string, onError?: (err: unknown) => void): () => void {
  protocol.handle(RENDERER_SCHEME, async (request) => {
    try {
      const r = await serveRendererRequest({ url: request.url, method: request.method }, root);
      return new Response(r.body ?? null, { status: r.status, headers: r.headers });
    } catch (err) {
      onError?.(err);
      return new Response(null, { status: 500 });
    }
  });
  return () => protocol.unhandle(RENDERER_SCHEME);
}
