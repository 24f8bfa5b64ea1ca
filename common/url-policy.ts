/**
 * The one URL policy of the app (pure: no Node, no DOM), used by the server model, the sign-in
 * engine, the browser opener and the window: what counts as this computer, and which URLs are
 * acceptable to talk to.
 */

/** 127.0.0.0/8, ::1 (bare or bracketed as in URL.hostname) and localhost (RFC 6761 also reserves *.localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** https anywhere, http only to a loopback host (takes a WHATWG URL, which both Node and the DOM have). */
export function isSecureOrLoopback(url: { protocol: string; hostname: string }): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
