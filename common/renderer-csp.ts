/**
 * The Content Security Policy of the window's page, wherever it is served from: the Electron
 * window (main/electron/security-policy.ts, as a header), the Vite build (as a <meta> in
 * out/renderer/index.html) and the browser shell of the headless host (main/headless/web-shell.ts,
 * which relaxes only connect-src to reach its own origin). Pure data, so every layer can share it.
 *
 * The renderer has no network access at all: everything goes through window.switchboard.
 * React sets styles through CSSOM, which style-src does not restrict, so no 'unsafe-inline'.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Sent as a header as well; frame-ancestors is only honoured in a header, not in <meta>. */
export const RENDERER_CSP_HEADER = `${RENDERER_CSP}; frame-ancestors 'none'`;
