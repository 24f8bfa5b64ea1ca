/**
 * A headless user agent plugged into the BrowserOpener seam (test-only). `open(url)` returns at
 * once, like a real opener, and in the background walks the authorization server's redirects
 * with a cookie jar until they point at the loopback callback, which it then requests so the real
 * listener handles it. Modes let a test play a user or an attacker: close the tab, tamper with
 * `state` or `iss`, forge an error response.
 */
import type { BrowserOpener } from '../types';

export type BrowserMode =
  | 'approve'
  /** Open nothing: the user closed the tab. */
  | 'close'
  /** The opener itself fails (no browser installed). */
  | 'fail'
  | 'tamper-state'
  | 'tamper-iss'
  | 'drop-iss'
  /** Replace the response with an error carrying a wrong iss and attacker text. */
  | 'forged-error';

export interface Visit {
  authorizationUrl: URL;
  callbackUrl?: URL;
  /** The authorization code the AS issued (before any tampering). */
  code?: string;
  page?: { status: number; text: string };
  /** What the app-scheme handler answered for an `mcp-switchboard://` redirect. */
  handled?: boolean;
  /** Where the walk stopped if it never reached the callback (an AS error page). */
  stoppedAt?: { url: string; status: number; text: string };
}

export const FORGED_TEXT = 'ATTACKER-CONTROLLED-TEXT';

export class TestBrowser implements BrowserOpener {
  mode: BrowserMode = 'approve';
  /** Wait this long before walking the redirects (lets tests overlap calls). */
  delayMs = 0;
  readonly opened: string[] = [];
  /**
   * Where an `mcp-switchboard://` redirect goes (the app's protocol handler, i.e.
   * `AuthService.handleRedirect`); the walk stops there and records its answer.
   */
  appSchemeHandler?: (url: string) => Promise<boolean>;
  readonly visits: Visit[] = [];
  /** How the browser reaches the authorization server (a test behind a forward proxy gives one through it). */
  fetchPages: typeof fetch = (input, init) => fetch(input, init);
  private readonly walks: Promise<Visit>[] = [];

  async open(url: string): Promise<void> {
    this.opened.push(url);
    if (this.mode === 'fail') throw new Error('no browser available (test)');
    if (this.mode === 'close') return;
    const walk = this.walk(new URL(url), this.mode);
    walk.catch(() => {});
    this.walks.push(walk);
  }

  /** The visit started by the n-th open (default: the last one), once it has finished. */
  async visit(n = this.walks.length - 1): Promise<Visit> {
    return this.walks[n];
  }

  private async walk(authorizationUrl: URL, mode: BrowserMode): Promise<Visit> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const visit: Visit = { authorizationUrl };
    this.visits.push(visit);
    const jar = new Map<string, string>();
    let current = authorizationUrl;
    for (let hop = 0; hop < 20; hop++) {
      if (current.pathname === '/oauth/callback' && (current.hostname === '127.0.0.1' || current.hostname === 'localhost')) {
        visit.code = current.searchParams.get('code') ?? undefined;
        const target = this.tamper(current, mode);
        visit.callbackUrl = target;
        const res = await fetch(target, { redirect: 'manual' });
        visit.page = { status: res.status, text: await res.text() };
        return visit;
      }
      if (current.protocol === 'mcp-switchboard:') {
        visit.code = current.searchParams.get('code') ?? undefined;
        const target = this.tamper(current, mode);
        visit.callbackUrl = target;
        if (!this.appSchemeHandler) throw new Error('no handler for the mcp-switchboard scheme');
        visit.handled = await this.appSchemeHandler(target.href);
        return visit;
      }
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await this.fetchPages(current, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      for (const line of res.headers.getSetCookie()) {
        const [pair, ...attrs] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()) || attrs.some((a) => /^\s*max-age=0/i.test(a));
        if (!value || expired) jar.delete(name);
        else jar.set(name, value);
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        current = new URL(location, current);
        continue;
      }
      visit.stoppedAt = { url: current.href, status: res.status, text: await res.text() };
      return visit;
    }
    throw new Error('too many redirects');
  }

  private tamper(url: URL, mode: BrowserMode): URL {
    const u = new URL(url);
    if (mode === 'tamper-state') u.searchParams.set('state', 'not-the-state-we-sent');
    if (mode === 'tamper-iss') u.searchParams.set('iss', 'https://evil.example');
    if (mode === 'drop-iss') u.searchParams.delete('iss');
    if (mode === 'forged-error') {
      const state = u.searchParams.get('state') ?? '';
      u.search = '';
      u.searchParams.set('error', 'access_denied');
      u.searchParams.set('error_description', `<script>${FORGED_TEXT}</script>`);
      u.searchParams.set('state', state);
      u.searchParams.set('iss', 'https://evil.example');
    }
    return u;
  }
}
