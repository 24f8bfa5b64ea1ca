/**
 * The loopback redirect target of one browser sign-in: an HTTP server on 127.0.0.1 that accepts
 * exactly one `GET /oauth/callback`, checks Host, `state` and the RFC 9207 `iss` rules, hands the
 * code to the engine, and ends the browser tab on a small page that says what happened. It gives
 * up with "Sign-in timed out" when nothing comes back.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../ports';

export const CALLBACK_PATH = '/oauth/callback';
/** The app's private-use-scheme redirect (RFC 8252 §7.1), handled by its protocol handler. */
export const APP_SCHEME_REDIRECT = 'mcp-switchboard://oauth/callback';

export type SignInErrorKind = 'denied' | 'timeout' | 'state' | 'issuer' | 'authorization-error' | 'exchange' | 'aborted' | 'browser' | 'config';

/** A sign-in that ended without tokens, with a sentence for the user. */
export class SignInError extends Error {
  constructor(
    readonly kind: SignInErrorKind,
    message: string,
    /** The OAuth `error` code the authorization server returned, when there was one. */
    readonly oauthError?: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

export interface CallbackExpectation {
  /** The `state` sent in the authorization request. */
  state: string;
  /** The validated issuer of the authorization server the browser was sent to (none: legacy server without metadata). */
  issuer?: string;
  /** Metadata said `authorization_response_iss_parameter_supported: true`. */
  issParameterSupported: boolean;
  serverName: string;
  timeoutMs: number;
  /** Runs the time limit (default: a plain timer). */
  clock?: Pick<Clock, 'setTimeout'>;
  /** Redeems the code; its rejection is shown on the page and ends the sign-in. */
  exchange(code: string, iss: string | undefined): Promise<void>;
  /** A response that is not this sign-in's (wrong or missing state) was answered and ignored. */
  onIgnored?(reason: string): void;
}

/** Printable, single-line, bounded: text from the network before it reaches a page or a log. */
export function sanitizeText(text: string, max = 300): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderPage(ok: boolean, title: string, body: string): string {
  const color = ok ? '#1a7f37' : '#b42318';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · MCP Switchboard</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f7f9;color:#1f2328;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:32px 40px;max-width:520px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
h1{font-size:20px;margin:0 0 12px;color:${color}}p{margin:0;line-height:1.5}small{display:block;margin-top:20px;color:#656d76}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p><small>MCP Switchboard</small></main></body></html>`;
}

function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 1) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const seconds = Math.max(1, Math.round(ms / 1000));
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host: '127.0.0.1', exclusive: true });
  });
}

function plainTimer(fn: () => void, ms: number): { cancel(): void } {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
}

interface Waiter {
  expectation: CallbackExpectation;
  resolve(): void;
  reject(err: Error): void;
  timer: { cancel(): void };
}

/** What the browser (or the app's protocol handler) is answered with. */
export interface CallbackOutcome {
  status: number;
  ok: boolean;
  title: string;
  body: string;
}

/**
 * The checks of one sign-in's redirect, whatever carried it: `state`, the RFC 9207 `iss` rules,
 * an error from the authorization server, the code exchange and the timeout. The loopback
 * listener feeds it the query of `GET /oauth/callback`; the engine feeds it the query of an
 * `mcp-switchboard://oauth/callback` deep link. It serves exactly one sign-in.
 */
export class CallbackGate {
  private waiter?: Waiter;
  private settled?: { ok: boolean; title: string; body: string; err?: Error };
  private busy = false;

  /** The sign-in already ended (answered, timed out or aborted). */
  get ended(): boolean {
    return this.settled !== undefined;
  }

  /** The `state` of the sign-in waiting here (none before `wait` or once it ended). */
  get pendingState(): string | undefined {
    return this.settled ? undefined : this.waiter?.expectation.state;
  }

  /** Waits for the redirect; resolves once the code was redeemed. */
  wait(expectation: CallbackExpectation): Promise<void> {
    if (this.settled?.err) return Promise.reject(this.settled.err);
    if (this.waiter || this.settled) return Promise.reject(new Error('This callback already served a sign-in.'));
    return new Promise<void>((resolve, reject) => {
      const timedOut = () => {
        const message = `Sign-in timed out: nothing came back from the browser within ${formatSpan(expectation.timeoutMs)} (was the tab closed?). Start the sign-in again.`;
        this.finish(false, 'Sign-in timed out', message, new SignInError('timeout', message));
      };
      const timer = expectation.clock ? expectation.clock.setTimeout(timedOut, expectation.timeoutMs) : plainTimer(timedOut, expectation.timeoutMs);
      this.waiter = { expectation, resolve, reject, timer };
    });
  }

  /** Ends a pending wait with `err` (reset, shutdown, the browser could not be opened). */
  abort(err: Error): void {
    this.finish(false, 'Sign-in stopped', err.message, err);
  }

  private finish(ok: boolean, title: string, body: string, err?: Error): void {
    if (this.settled) return;
    this.settled = { ok, title, body, err };
    const w = this.waiter;
    if (!w) return;
    w.timer.cancel();
    if (err) w.reject(err);
    else w.resolve();
  }

  /**
   * Applies every check to the redirect's parameters. `respond` gets the page before the
   * sign-in settles, so whoever closes the listener afterwards never cuts the page off.
   */
  async deliver(params: URLSearchParams, respond: (outcome: CallbackOutcome) => void): Promise<void> {
    if (this.settled) {
      const s = this.settled;
      respond({ status: s.ok ? 200 : 410, ok: s.ok, title: s.title, body: s.ok ? s.body : `This sign-in has already ended: ${s.body}` });
      return;
    }
    const w = this.waiter;
    if (!w || this.busy) {
      respond({ status: 409, ok: false, title: 'Not ready', body: 'MCP Switchboard is not waiting for this sign-in yet; try again in a moment.' });
      return;
    }
    const e = w.expectation;
    const fail = (status: number, title: string, err: SignInError) => {
      respond({ status, ok: false, title, body: err.message });
      this.finish(false, title, err.message, err);
    };
    // 1. state: a response to a request we did not make is never acted on, and does not end the
    //    sign-in either: otherwise any web page could cancel a pending sign-in by sending a tab to
    //    this address. The real response can still arrive until the sign-in times out.
    const state = params.get('state');
    if (state === null || state !== e.state) {
      respond({
        status: 400,
        ok: false,
        title: 'Sign-in response ignored',
        body: `This response does not belong to the sign-in to ${e.serverName} that MCP Switchboard is waiting for (wrong or missing state), so it was ignored. If you are signing in, finish in the tab MCP Switchboard opened.`,
      });
      e.onIgnored?.('a sign-in response with a wrong or missing state was ignored; still waiting for the real one');
      return;
    }
    // 2. RFC 9207 §2.4 before anything else; on mismatch the error parameters are not shown.
    const iss = params.get('iss') ?? undefined;
    if (e.issuer !== undefined) {
      const missing = iss === undefined && e.issParameterSupported;
      const wrong = iss !== undefined && iss !== e.issuer;
      if (missing || wrong) {
        fail(
          400,
          'Sign-in response rejected',
          new SignInError(
            'issuer',
            missing
              ? `The sign-in response for ${e.serverName} did not name the authorization server that sent it (missing iss), so it was ignored. Start the sign-in again.`
              : `The sign-in response for ${e.serverName} came from a different authorization server than the one MCP Switchboard sent you to (issuer mismatch), so it was ignored. Start the sign-in again.`,
          ),
        );
        return;
      }
    }
    // 3. An error from the authorization server.
    const error = params.get('error');
    if (error !== null) {
      if (error === 'access_denied') {
        fail(
          200,
          'Sign-in cancelled',
          new SignInError(
            'denied',
            `Sign-in to ${e.serverName} was cancelled or denied in the browser. Nothing was changed; sign in again when you are ready.`,
            'access_denied',
          ),
        );
      } else {
        const desc = params.get('error_description');
        const text = sanitizeText(desc ? `${error}: ${desc}` : error);
        fail(
          200,
          'Sign-in failed',
          new SignInError('authorization-error', `The authorization server for ${e.serverName} refused the sign-in (${text}).`, sanitizeText(error, 64)),
        );
      }
      return;
    }
    const code = params.get('code');
    if (!code) {
      fail(400, 'Sign-in failed', new SignInError('authorization-error', `The sign-in response for ${e.serverName} carried no authorization code.`));
      return;
    }
    // 4. Redeem the code while the tab waits, so the page can say how it ended.
    this.busy = true;
    try {
      await e.exchange(code, iss);
      const body = `Signed in to ${e.serverName} — you can close this tab.`;
      respond({ status: 200, ok: true, title: `Signed in to ${e.serverName}`, body });
      this.finish(true, `Signed in to ${e.serverName}`, body);
    } catch (err) {
      const se = err instanceof SignInError ? err : new SignInError('exchange', (err as Error).message);
      fail(200, 'Sign-in failed', se);
    } finally {
      this.busy = false;
    }
  }
}

export class CallbackListener {
  /** The checks this listener applies to `GET /oauth/callback`. */
  readonly gate = new CallbackGate();
  private closed = false;

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    /** True when the preferred port was taken and another one was picked. */
    readonly portChanged: boolean,
  ) {
    server.on('request', (req, res) => this.onRequest(req, res));
  }

  /** Listens on 127.0.0.1: the preferred port when free, else any free port. */
  static async open(preferredPort?: number): Promise<CallbackListener> {
    const server = http.createServer();
    server.keepAliveTimeout = 1000;
    if (preferredPort) {
      try {
        const port = await listen(server, preferredPort);
        return new CallbackListener(server, port, false);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      }
    }
    const port = await listen(server, 0);
    return new CallbackListener(server, port, preferredPort !== undefined);
  }

  /** The sign-in already ended (answered, timed out or aborted). */
  get ended(): boolean {
    return this.gate.ended;
  }

  get redirectUrl(): string {
    return `http://127.0.0.1:${this.port}${CALLBACK_PATH}`;
  }

  /** Waits for the browser to come back; resolves once the code was redeemed. */
  wait(expectation: CallbackExpectation): Promise<void> {
    return this.gate.wait(expectation);
  }

  /** Ends a pending wait with `err` (reset, shutdown, the browser could not be opened). */
  abort(err: Error): void {
    this.gate.abort(err);
  }

  private send(res: http.ServerResponse, status: number, ok: boolean, title: string, body: string): void {
    const html = renderPage(ok, title, body);
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      Connection: 'close',
    });
    res.end(html);
  }

  /**
   * Only the browser's top-level redirect may reach the sign-in: a web page that fires requests at
   * this port (an image, a fetch, a frame, a form) must not be able to end or answer it. Host
   * stops DNS rebinding; a foreign Origin or non-navigation fetch metadata stops the rest in
   * browsers that send them. The `state` check still guards whatever gets through.
   */
  private refusal(req: http.IncomingMessage): string | undefined {
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) return 'This address only answers requests for 127.0.0.1.';
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      origin !== `http://127.0.0.1:${this.port}` &&
      origin !== `http://localhost:${this.port}` &&
      req.headers['sec-fetch-mode'] !== 'navigate'
    ) {
      return 'Requests from other web pages are not accepted here.';
    }
    // Browsers label sub-resource requests (img, script, frame, fetch: dest ≠ document). Programs
    // that are not browsers may send a bare `sec-fetch-mode: cors` (Node's fetch does): not a page.
    const mode = req.headers['sec-fetch-mode'];
    const dest = req.headers['sec-fetch-dest'];
    if ((dest !== undefined && dest !== 'document') || mode === 'no-cors' || mode === 'same-origin' || mode === 'websocket') {
      return 'Only the browser redirect of a sign-in is accepted here.';
    }
    return undefined;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const refused = this.refusal(req);
    if (refused) {
      this.send(res, refused.startsWith('This address') ? 400 : 403, false, refused.startsWith('This address') ? 'Wrong address' : 'Not accepted', refused);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    } catch {
      this.send(res, 400, false, 'Bad request', 'The request could not be read.');
      return;
    }
    if (url.pathname !== CALLBACK_PATH) {
      this.send(res, 404, false, 'Not found', 'Nothing here.');
      return;
    }
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      this.send(res, 405, false, 'Method not allowed', 'Only the browser redirect is accepted here.');
      return;
    }
    void this.gate.deliver(url.searchParams, (o) => this.send(res, o.status, o.ok, o.title, o.body));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.gate.ended) this.abort(new SignInError('aborted', 'The sign-in was stopped.'));
    await new Promise<void>((resolve) => {
      // Idle sockets go now; a page still being written gets a moment, then everything goes.
      const force = setTimeout(() => this.server.closeAllConnections(), 1000);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}
