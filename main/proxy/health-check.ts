/**
 * The upstream's health, as the proxy reports it to main: `connecting → ready | retrying |
 * needs-sign-in`. A check is one round trip that tells reachability, auth and transport, over
 * plain HTTP when it can (plain-probe.ts, no SDK) and through an SDK session otherwise. Failures
 * that concern the whole server schedule the next check with exponential backoff and jitter (and
 * never sooner than the server's Retry-After).
 */
import { LATEST_MODERN_VERSION, type ProtocolEra } from '../../common/protocol-versions';
import type { ProxyServerConfig, ProxyState, UpstreamTarget } from '../shared/fork-protocol';
import { discoverRequest, initializeRequest, isModernAnswer, serverFacts, type JsonRpcMessage } from '../shared/mcp-http';
import { isProxyError } from './message-path/stage';
import type { ParentReporter } from './parent-reporter';
import { plainProbe } from './plain-probe';
import { displayUrl } from './upstream-shared';
import type { UpstreamAuth, UpstreamFailure } from './upstream-types';

type UpstreamModule = typeof import('./upstream');

const PROXY_VERSION = '0.1.0';
const PROBE_ID = 'switchboard-probe';
const PROBE_CLIENT = { name: 'mcp-switchboard-health', version: PROXY_VERSION };

/** How a 2025-era server refuses a request it does not know before `initialize`. */
function isEraRefusal(f: UpstreamFailure): boolean {
  return f.kind === 'http' && (f.status === 400 || f.status === 404 || f.status === 405 || f.status === 406);
}

export interface HealthOptions {
  server: ProxyServerConfig;
  auth: UpstreamAuth;
  reporter: ParentReporter;
  /** The upstream module (and the SDK), loaded on first use. */
  loadUpstream(): Promise<UpstreamModule>;
  fetch?: typeof fetch;
  /** See UpstreamOptions.processWideNetwork. */
  processWideNetwork?: boolean;
  /** Retry backoff: first delay and cap, ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class UpstreamHealth {
  state: ProxyState = 'connecting';
  /** The transport that worked last, tried first. */
  transport?: UpstreamTarget;
  /** The upstream's protocol era: found by a check, or remembered from the last run until one ends. */
  private era?: ProtocolEra;
  /** The check under way, for clients that wait for the era. */
  private checking?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  /** The deferred first check of a proxy started for a client (see start). */
  private firstCheck?: NodeJS.Timeout;
  private retryAttempt = 0;
  private nextRetryAt?: number;
  private probing = false;
  private disposed = false;

  constructor(private readonly opts: HealthOptions) {
    this.transport = opts.server.transport;
    this.era = opts.server.era;
  }

  /**
   * The server's protocol era, for a client that just connected: waits (at most `maxWaitMs`) for a
   * check under way that has not found it yet. Undefined when no check found it.
   */
  async knownEra(maxWaitMs = 15_000): Promise<ProtocolEra | undefined> {
    if (this.era || !this.checking) return this.era;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.checking, new Promise<void>((r) => (timer = setTimeout(r, maxWaitMs)))]);
    clearTimeout(timer);
    return this.era;
  }

  /**
   * The first check: at once, or `deferMs` later when the proxy was started for a client and the
   * server's era is known (the host checked it while it was parked): that client's handshake is the
   * first thing on the wire then, and its outcome sets the state meanwhile (ok / failed). The check
   * still runs: it is what reports the server's own name and revision.
   */
  start(deferMs = 0): void {
    this.setState('connecting', `Checking ${displayUrl(this.opts.server.url)}`);
    if (deferMs <= 0 || !this.era) return void this.check();
    this.firstCheck = setTimeout(() => {
      this.firstCheck = undefined;
      void this.check();
    }, deferMs);
    this.firstCheck.unref();
  }

  /** A token was pushed (sign-in, refresh) or taken away (sign-out, reset). */
  onToken(token: string | undefined): void {
    if (token && (this.state === 'needs-sign-in' || this.state === 'connecting' || this.state === 'retrying')) {
      this.opts.reporter.log('info', 'Received a new access token; checking the server again');
      void this.check();
    } else if (!token && this.state === 'ready') {
      this.setState('needs-sign-in', `Signed out of ${this.opts.server.name}`);
    }
  }

  /**
   * One round trip tells reachability, auth and transport. Both protocol eras are spoken: first a
   * 2026-07-28 `server/discover` (SEP-2575; a server of that era has no `initialize`), and when
   * the answer is not a modern one, the 2025 `initialize` (then DELETE). The era found is
   * remembered (and reported, to be remembered across runs) and asked first next time, so later
   * checks take one round trip; a server that changed era is found by the other question.
   */
  check(): Promise<void> {
    if (this.disposed || this.probing) return this.checking ?? Promise.resolve();
    this.probing = true;
    this.checking = this.runCheck().finally(() => {
      this.probing = false;
      this.checking = undefined;
    });
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    this.clearRetry();
    let outcome: 'ok' | UpstreamFailure | undefined;
    /** The successful answer (its serverInfo names the server). */
    let answered: JsonRpcMessage | undefined;
    let found: { era: ProtocolEra; version?: string } | undefined;
    // A server that works over the old HTTP+SSE transport is of the 2025 era.
    if (this.transport?.kind === 'sse') this.era = 'legacy';
    const order: ProtocolEra[] = this.era === 'legacy' ? ['legacy', 'modern'] : ['modern', 'legacy'];
    for (const era of order) {
      if (this.disposed) break;
      if (era === 'modern') {
        const r = await this.probeWith(discoverRequest(PROBE_ID, PROBE_CLIENT), true);
        outcome = r.outcome;
        if (r.outcome === 'ok' && isModernAnswer(r.answer)) {
          const versions: unknown = r.answer?.result?.supportedVersions;
          const version =
            Array.isArray(versions) && !versions.includes(LATEST_MODERN_VERSION) ? String(versions[0] ?? LATEST_MODERN_VERSION) : LATEST_MODERN_VERSION;
          found = { era, version: r.answer?.result ? version : undefined };
          answered = r.answer;
          break;
        }
        if (r.outcome === 'ok') outcome = undefined; // an answer, not a modern one: ask the other way
      } else {
        const r = await this.probeWith(initializeRequest(PROBE_ID, PROBE_CLIENT));
        outcome = r.outcome;
        if (r.outcome === 'ok' && r.answer?.result) {
          const v = r.answer.result.protocolVersion;
          found = { era, version: typeof v === 'string' ? v : undefined };
          answered = r.answer;
          break;
        }
        if (r.outcome === 'ok') break; // an error answer: reachable, and no other era to try
      }
      // auth, network, 5xx: the same whatever the era
      if (outcome && outcome !== 'ok' && !isEraRefusal(outcome)) break;
    }
    if (this.disposed) return;
    if (found) {
      this.era = found.era;
      if (found.version) this.opts.reporter.protocol({ server: found.version });
    }
    if (outcome === 'ok' && answered?.result) {
      const facts = serverFacts(answered.result);
      if (facts.serverName || facts.title) this.opts.reporter.serverInfo({ name: facts.serverName, title: facts.title, version: facts.serverVersion });
    }
    if (outcome === 'ok') this.ok();
    else if (outcome) this.failed(outcome);
  }

  /** Sends one probe request; resolves with what came back. */
  private async probeWith(request: JsonRpcMessage, singleTransport = false): Promise<{ outcome?: 'ok' | UpstreamFailure; answer?: any }> {
    const { server } = this.opts;
    // Plain HTTP first: it answers for Streamable HTTP servers without loading the SDK.
    if (this.transport?.kind !== 'sse') {
      const url = this.transport?.url ?? server.url;
      const plain = await plainProbe({
        url,
        serverName: server.name,
        headers: server.headers,
        request,
        auth: this.opts.auth,
        singleTransport,
        net: server.network,
      });
      if (plain !== 'use-sdk') {
        if (plain.outcome === 'ok') this.rememberTransport({ kind: 'streamable-http', url });
        return plain;
      }
    }
    return this.probeWithSdk(request, singleTransport);
  }

  /** The same round trip on a throw-away SDK session (any transport). */
  private async probeWithSdk(request: JsonRpcMessage, singleTransport: boolean): Promise<{ outcome?: 'ok' | UpstreamFailure; answer?: any }> {
    const { server } = this.opts;
    const { UpstreamSession } = await this.opts.loadUpstream();
    let outcome: 'ok' | UpstreamFailure | undefined;
    let answer: any;
    let finish: (() => void) | undefined;
    const done = new Promise<void>((resolve) => {
      const session = new UpstreamSession(
        {
          url: server.url,
          serverName: server.name,
          headers: server.headers,
          preferred: this.transport,
          fetch: this.opts.fetch,
          network: server.network,
          processWideNetwork: this.opts.processWideNetwork,
          auth: this.opts.auth,
          singleTransport,
        },
        {
          toClient: (m: any) => {
            if (m && m.id === PROBE_ID) {
              if (!isProxyError(m)) {
                outcome ??= 'ok';
                answer = m;
              }
              resolve();
            }
          },
          onUpstreamFailure: (f) => {
            outcome = f;
          },
          onTransport: (t) => this.rememberTransport(t),
          log: (level, message) => this.opts.reporter.log(level === 'info' ? 'debug' : level, `Health check: ${message}`),
        },
      );
      const timer = setTimeout(() => {
        outcome ??= { kind: 'network', message: `Upstream ${displayUrl(server.url)} did not answer within 20 s` };
        resolve();
      }, 20_000);
      void session.fromClient(request).finally(() => {
        if (outcome) resolve();
      });
      finish = () => {
        clearTimeout(timer);
        void session.close();
      };
    });
    await done;
    finish?.();
    return { outcome, answer };
  }

  /** The upstream worked (a check, or a request of any client). */
  ok(): void {
    this.retryAttempt = 0;
    this.clearRetry();
    if (this.state !== 'ready') {
      this.setState('ready', `Connected to ${displayUrl(this.opts.server.url)}`);
      this.opts.reporter.log('info', 'Upstream is reachable');
    }
  }

  /** The upstream failed in a way that concerns the whole server. */
  failed(f: UpstreamFailure): void {
    const reporter = this.opts.reporter;
    reporter.lastError = f.message;
    reporter.bumpMetrics();
    if (f.kind === 'auth') {
      this.clearRetry();
      if (this.state !== 'needs-sign-in') {
        this.setState('needs-sign-in', `${f.message}: sign in to ${this.opts.server.name}`);
        reporter.log('warn', f.message);
      }
      return;
    }
    // A 4xx other than auth concerns one request, not the server's health.
    const transient = f.kind === 'network' || f.kind === 'protocol' || (f.status !== undefined && (f.status >= 500 || f.status === 429 || f.status === 404));
    if (!transient) {
      // The server answered (e.g. 400 to an initialize it does not speak): it is reachable.
      if (this.state === 'connecting') this.ok();
      return;
    }
    if (this.retryTimer) return; // a retry is already scheduled
    const base = this.opts.retryBaseMs ?? 1000;
    const max = this.opts.retryMaxMs ?? 60_000;
    let delay = Math.min(max, base * 2 ** this.retryAttempt) * (0.8 + Math.random() * 0.4);
    // The server said when to come back: not sooner than that, but never later than the cap.
    if (f.retryAfterS !== undefined) delay = Math.min(max, Math.max(delay, f.retryAfterS * 1000));
    this.retryAttempt++;
    this.nextRetryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.check();
    }, delay);
    this.retryTimer.unref();
    this.setState('retrying', `${f.message}; retrying in ${Math.max(1, Math.round(delay / 1000))} s`, this.nextRetryAt);
    reporter.log('warn', `${f.message}; next check in ${Math.round(delay / 100) / 10} s`);
  }

  rememberTransport(t: UpstreamTarget): void {
    if (this.transport?.kind === t.kind && this.transport.url === t.url) return;
    this.transport = t;
    this.opts.reporter.transport(t);
  }

  dispose(): void {
    this.disposed = true;
    this.clearRetry();
    if (this.firstCheck) clearTimeout(this.firstCheck);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.nextRetryAt = undefined;
  }

  private setState(state: ProxyState, detail?: string, nextRetryAt?: number): void {
    this.state = state;
    this.opts.reporter.state(state, detail, nextRetryAt);
  }
}
