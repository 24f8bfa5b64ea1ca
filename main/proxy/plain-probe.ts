/**
 * The health check over plain node:http(s): one POST (initialize, or server/discover for the
 * 2026-07-28 era), read the first answer (JSON or SSE), DELETE the session it created. It answers
 * for Streamable HTTP servers without loading the SDK, so an idle proxy stays small. Anything it
 * cannot judge (a server that may speak only the old HTTP+SSE transport) is left to the SDK path:
 * it returns 'use-sdk'.
 */
import * as http from 'node:http';
import type * as Https from 'node:https';
import { STATUS_TEXT, displayUrl, networkReason, parseRetryAfter } from './upstream-shared';
import { SseEventMeter } from './bounded-body';

/** The most a health check reads of one answer (an initialize result is a few KB). */
const PROBE_MAX_BYTES = 4 * 1024 * 1024;
import type { UpstreamAuth, UpstreamFailure } from './upstream';

export interface PlainProbeOptions {
  url: string;
  serverName: string;
  headers: Record<string, string>;
  request: Record<string, any>;
  auth?: UpstreamAuth;
  /** Era detection: a 400/404/405/406 answer is the result, not a reason to try other transports. */
  singleTransport?: boolean;
  timeoutMs?: number;
}

export interface ProbeResult {
  outcome?: 'ok' | UpstreamFailure;
  answer?: any;
}

interface RawAnswer {
  status: number;
  statusText: string;
  wwwAuthenticate?: string;
  retryAfter?: string;
  sessionId?: string;
  message?: any;
}

const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';

export async function plainProbe(opts: PlainProbeOptions): Promise<ProbeResult | 'use-sdk'> {
  const where = displayUrl(opts.url);
  const envelope = opts.request.params?._meta?.[PROTOCOL_VERSION_META];
  const headers: Record<string, string> = { ...opts.headers };
  if (typeof envelope === 'string') {
    headers['mcp-protocol-version'] = envelope;
    headers['mcp-method'] = String(opts.request.method);
  }
  let answer: RawAnswer;
  try {
    answer = await post(opts.url, JSON.stringify(opts.request), headers, opts.auth?.token(), opts.request.id, opts.timeoutMs ?? 20_000);
    if (answer.status === 401 && opts.auth) {
      const token = await opts.auth.renew(401, answer.wwwAuthenticate);
      if (token) answer = await post(opts.url, JSON.stringify(opts.request), headers, token, opts.request.id, opts.timeoutMs ?? 20_000);
    }
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return { outcome: { kind: 'network', message: `Upstream ${where} did not answer within 20 s` } };
    const reason = networkReason(err) ?? (err as Error).message;
    return { outcome: { kind: 'network', message: `Cannot reach upstream ${where}: ${reason}` } };
  }
  const { status } = answer;
  // A 2026-07-28 server answers an unsupported request with 400 and a JSON-RPC error (its
  // supported versions): that is an answer from a reachable server, as the SDK also treats it.
  if (status === 400 && typeof envelope === 'string' && answer.message?.id === opts.request.id && answer.message?.error) {
    return { outcome: 'ok', answer: answer.message };
  }
  if (status === 401) return { outcome: { kind: 'auth', status, message: `Upstream ${where} answered 401 Unauthorized` } };
  if ([400, 404, 405, 406].includes(status) && !opts.singleTransport) return 'use-sdk';
  if (status < 200 || status >= 300) {
    const text = STATUS_TEXT[status] ?? answer.statusText;
    const retryAfterS = parseRetryAfter(answer.retryAfter);
    const asks = retryAfterS !== undefined ? ` (it asks to retry after ${retryAfterS} s)` : '';
    return { outcome: { kind: 'http', status, message: `Upstream ${where} answered ${status}${text ? ' ' + text : ''}${asks}`, retryAfterS } };
  }
  if (answer.sessionId) void del(opts.url, headers, answer.sessionId, answer.message?.result?.protocolVersion, opts.auth?.token());
  return { outcome: 'ok', answer: answer.message };
}

function request(
  url: URL,
  init: http.RequestOptions,
  body: string | undefined,
  onResponse: (res: http.IncomingMessage) => void,
  signal: AbortSignal,
): http.ClientRequest {
  // TLS loads only for https servers: an idle proxy of a local server stays smaller.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod: typeof http | typeof Https = url.protocol === 'https:' ? (require('node:https') as typeof Https) : http;
  const r = mod.request(url, { ...init, signal }, onResponse);
  r.end(body);
  return r;
}

/** POSTs `body` and resolves with the status and the answer to `id` (JSON body or first SSE match). */
function post(rawUrl: string, body: string, headers: Record<string, string>, token: string | undefined, id: unknown, timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const all: Record<string, string | number> = {
      ...headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'content-length': Buffer.byteLength(body),
    };
    if (token) all.authorization = `Bearer ${token}`;
    const r = request(
      new URL(rawUrl),
      { method: 'POST', headers: all },
      body,
      (res) => {
        const base: RawAnswer = {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          wwwAuthenticate: header(res, 'www-authenticate'),
          retryAfter: header(res, 'retry-after'),
          sessionId: header(res, 'mcp-session-id'),
        };
        const type = String(res.headers['content-type'] ?? '')
          .split(';')[0]
          .trim()
          .toLowerCase();
        res.setEncoding('utf8');
        let buf = '';
        if (type === 'text/event-stream') {
          let data: string[] = [];
          const meter = new SseEventMeter(PROBE_MAX_BYTES);
          res.on('data', (chunk: string) => {
            if (!meter.push(chunk)) {
              // A health check's answer is small: a server pouring an endless event gets no memory.
              res.destroy();
              resolve(base);
              return;
            }
            buf += chunk;
            let nl: number;
            while ((nl = buf.indexOf('\n')) !== -1) {
              const line = buf.slice(0, nl).replace(/\r$/, '');
              buf = buf.slice(nl + 1);
              if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
              else if (line === '' && data.length) {
                const m = parse(data.join('\n'));
                data = [];
                if (m && m.id === id) {
                  resolve({ ...base, message: m });
                  res.destroy();
                  return;
                }
              }
            }
          });
          res.on('end', () => resolve(base));
          res.on('error', () => resolve(base));
          return;
        }
        res.on('data', (chunk: string) => {
          buf += chunk;
          if (buf.length > PROBE_MAX_BYTES) {
            res.destroy();
            resolve(base);
          }
        });
        res.on('end', () => {
          const m = type === 'application/json' ? parse(buf) : undefined;
          resolve({ ...base, message: Array.isArray(m) ? m.find((x) => x?.id === id) : m });
        });
        res.on('error', reject);
      },
      signal,
    );
    r.on('error', reject);
  });
}

/** Ends the probe's session (best effort, 2 s at most). */
function del(rawUrl: string, headers: Record<string, string>, sessionId: string, version: unknown, token: string | undefined): Promise<void> {
  return new Promise((resolve) => {
    const all: Record<string, string> = { ...headers, 'mcp-session-id': sessionId };
    if (typeof version === 'string') all['mcp-protocol-version'] = version;
    if (token) all.authorization = `Bearer ${token}`;
    const r = request(
      new URL(rawUrl),
      { method: 'DELETE', headers: all },
      undefined,
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
      AbortSignal.timeout(2000),
    );
    r.on('error', () => resolve());
  });
}

function header(res: http.IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
