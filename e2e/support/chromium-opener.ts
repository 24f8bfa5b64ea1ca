/**
 * The "system browser" of the story: the engine's BrowserOpener port opens the authorization URL
 * in a real (headless) Chromium, in a browser context of its own (another app: no cookies or
 * headers shared with the Switchboard window). The test authorization server approves without a
 * form, so the browser follows the real redirects to the engine's loopback callback as a user's
 * browser would: a top-level navigation with the fetch metadata a browser sends.
 *
 * open() returns at once, like a real opener. The callback's authorization code is recorded (for
 * the secrets grep), as is the page the callback answered with.
 */
import type { Browser } from '@playwright/test';

export interface OpenerVisit {
  /** The authorization code seen in the redirect to the loopback callback. */
  code?: string;
  /** Status and text of the page the callback listener answered. */
  page?: { status: number; text: string };
  error?: string;
}

export class ChromiumOpener {
  readonly opened: string[] = [];
  readonly visits: OpenerVisit[] = [];
  private readonly walks: Promise<void>[] = [];

  constructor(private readonly browser: Browser) {}

  async open(url: string): Promise<void> {
    this.opened.push(url);
    const visit: OpenerVisit = {};
    this.visits.push(visit);
    this.walks.push(this.walk(url, visit));
  }

  private async walk(url: string, visit: OpenerVisit): Promise<void> {
    const context = await this.browser.newContext();
    try {
      const page = await context.newPage();
      page.on('request', (req) => {
        const u = new URL(req.url());
        if (u.pathname === '/oauth/callback' && u.searchParams.has('code')) visit.code = u.searchParams.get('code') ?? undefined;
      });
      const res = await page.goto(url, { waitUntil: 'load' });
      visit.page = { status: res?.status() ?? 0, text: (await page.locator('body').innerText()).slice(0, 500) };
    } catch (err) {
      visit.error = (err as Error).message;
    } finally {
      await context.close();
    }
  }

  /** Resolves when every browser tab opened so far has finished. */
  async settled(): Promise<void> {
    await Promise.all(this.walks);
  }
}
