/**
 * The hot path of an established Streamable HTTP session: one POST per client message over a
 * keep-alive node:http(s) agent, the client's own bytes as the body, and a small reader for the
 * answer (JSON, or an SSE stream). It exists because the SDK transport's per-message cost (fetch,
 * stream pipelines, schema validation) made the proxy as slow as a whole second client (see
 * bench/README.md). It also opens a 2025-era session (the client's `initialize`, fast-session.ts),
 * reads the session's standalone event stream (fastListen), resumes a cut answer (GET with
 * Last-Event-ID) and ends the session (fastDelete). Auth renewal stays with the SDK transport: the
 * caller falls back to it whenever this returns 'fallback' (401/403/405), which only happens when
 * the server did not process the message. Other failures are errors that say whether the request's
 * bytes left (FastPostNetworkError.written) or what the server answered (FastPostHttpError).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { contentTypeOf, headerOf, isResponse, MCP_POST_HEADERS, parseMessages, SseParser } from '../shared/mcp-http';
import { agentFor } from '../shared/net/http-agents';
import type { NetworkConfig } from '../shared/net/network-config';
import { MAX_MESSAGE_BYTES } from '../shared/wire';
import { OversizedAnswerError } from './bounded-body';
import { parseRetryAfter } from './upstream-shared';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

export interface FastPostRequest {
  /** The server's URL: reuse one object per server, its request options are worked out once. */
  url: URL;
  body: string;
  headers: Record<string, string>;
  /** Called for every JSON-RPC message the server sends back (already parsed). */
  onMessage(message: Record<string, unknown>): void;
  /**
   * The SSE answer ended before the response arrived, after events with ids: it can be resumed
   * from `lastEventId` (fastResume) after `retryMs` (the server's `retry`, if it sent one).
   */
  onResume(lastEventId: string, retryMs: number | undefined): void;
  /** The stream broke without a resumable event id: the request will get no answer. */
  onLost(reason: string): void;
  /** The answer's status and headers, before anything it carries (the session id of an initialize). */
  onHeaders?(status: number, headers: http.IncomingHttpHeaders): void;
  signal?: AbortSignal;
  /** The server's route and trust (proxy, CAs); absent: the direct keep-alive agents below. */
  network?: NetworkConfig;
}

export class FastPostHttpError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
    /** The answer's Retry-After, in seconds, if it had one. */
    readonly retryAfterS?: number,
  ) {
    super(`Error POSTing to endpoint: ${status} ${statusText}`);
  }
}

/** A network error, with whether the request's bytes had been handed to the connection. */
export class FastPostNetworkError extends Error {
  constructor(
    override readonly cause: Error,
    /** False: the request never left (the server cannot have seen it). */
    readonly written: boolean,
  ) {
    super(cause.message);
  }
}

/**
 * Resolves when the server accepted the message (202, a JSON answer delivered, or an SSE answer
 * started). Resolves 'fallback' for 401/403/405, which a server answers without processing the
 * message, so the SDK transport can send it again with its own handling (auth). Rejects on
 * network errors (FastPostNetworkError) and on other HTTP errors (FastPostHttpError): the caller
 * judges from them whether the server saw the message (message-path/delivery.ts).
 */
export function fastPost(req: FastPostRequest, fresh = false): Promise<'done' | 'fallback'> {
  return exchange('POST', req, fresh);
}

/** What a resumed stream needs: the request's own reader hooks, and the event id to resume after. */
export interface ResumeRequest extends Omit<FastPostRequest, 'body'> {
  lastEventId: string;
}

/**
 * Resumes a cut SSE answer: GET with Last-Event-ID on the same session. Resolves once the stream
 * started (what it carries goes to the hooks, as for fastPost); rejects as fastPost does.
 */
export function fastResume(req: ResumeRequest): Promise<'done' | 'fallback'> {
  return exchange('GET', { ...req, body: '', headers: { ...req.headers, 'last-event-id': req.lastEventId, accept: 'text/event-stream' } }, false);
}

/**
 * The session's standalone event stream: GET without an answer to wait for, so the stream is kept
 * until it ends (onResume / onLost then say how). Resolves once it started; 'fallback' for
 * 401/403; rejects as fastPost does (404/405: the server offers no such stream).
 */
export function fastListen(req: Omit<FastPostRequest, 'body'> & { lastEventId?: string }): Promise<'done' | 'fallback'> {
  const headers: Record<string, string> = { ...req.headers, accept: 'text/event-stream' };
  if (req.lastEventId) headers['last-event-id'] = req.lastEventId;
  return exchange('LISTEN', { ...req, body: '', headers }, false);
}

/** Ends the session (DELETE). Resolves 'fallback' for 401/403; a server that cannot end sessions (405) is done. */
export function fastDelete(req: Omit<FastPostRequest, 'body'>): Promise<'done' | 'fallback'> {
  return exchange('DELETE', { ...req, body: '' }, false);
}

function exchange(kind: 'POST' | 'GET' | 'LISTEN' | 'DELETE', req: FastPostRequest, fresh: boolean): Promise<'done' | 'fallback'> {
  const method = kind === 'LISTEN' ? 'GET' : kind;
  return new Promise((resolve, reject) => {
    const mod = req.url.protocol === 'https:' ? https : http;
    let responded = false;
    let written = false;
    const headers: Record<string, string | number> =
      method === 'POST' ? { ...req.headers, ...MCP_POST_HEADERS, 'content-length': Buffer.byteLength(req.body) } : req.headers;
    const r = mod.request(requestOptions(req.url, method, agentOf(req, fresh), headers), (res) => {
      responded = true;
      const status = res.statusCode ?? 0;
      req.onHeaders?.(status, res.headers);
      if (method === 'DELETE' && (status < 300 || status === 405)) {
        res.resume();
        return resolve('done');
      }
      if (status === 202) {
        res.resume();
        return resolve('done');
      }
      if (status === 401 || status === 403 || (status === 405 && method === 'POST')) {
        res.resume();
        return resolve('fallback');
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(new FastPostHttpError(status, res.statusMessage ?? '', parseRetryAfter(headerOf(res.headers, 'retry-after'))));
      }
      const type = contentTypeOf(res.headers);
      if (type === 'application/json' && method === 'POST') {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if ((size += c.length) > MAX_MESSAGE_BYTES) {
            // A hostile or broken server: never hold more than one message's worth.
            res.destroy();
            return reject(new OversizedAnswerError('an answer', MAX_MESSAGE_BYTES));
          }
          chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          try {
            for (const m of parseMessages(Buffer.concat(chunks).toString('utf8'))) req.onMessage(m);
            resolve('done');
          } catch (err) {
            reject(err);
          }
        });
        return;
      }
      if (type === 'text/event-stream') {
        resolve('done');
        readSse(res, req, kind === 'GET' ? req.headers['last-event-id'] : undefined);
        return;
      }
      res.resume();
      reject(new Error(`Unexpected content type: ${type || '(none)'}`));
    });
    abortOn(req.signal, r);
    r.on('finish', () => (written = true));
    r.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive connection that died while idle (the laptop slept, the network changed, a
      // server or NAT forgot it) fails the next request on it before any answer: the server never
      // got that request. Send it once more on a new connection, as browsers do.
      if (!responded && !fresh && r.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !req.signal?.aborted) {
        exchange(kind, req, true).then(resolve, reject);
        return;
      }
      reject(responded ? err : new FastPostNetworkError(err, written));
    });
    r.end(method === 'POST' ? req.body : undefined);
  });
}

/**
 * The agent for a request. `fresh`: a new connection of its own, outside the keep-alive pool (see
 * the retry above). Per network configuration object, worked out once: agentFor's key joins the
 * configuration's CAs, too much to do for every message.
 */
function agentOf(req: FastPostRequest, fresh: boolean): http.Agent | false {
  const net = req.network;
  if (!net) return fresh ? false : agents[req.url.protocol as 'http:' | 'https:'];
  let byUrl = agentsOfNetwork.get(net);
  if (!byUrl) agentsOfNetwork.set(net, (byUrl = new Map()));
  const key = `${fresh ? '-' : 'k'}${req.url.protocol}`;
  let agent = byUrl.get(key);
  if (agent === undefined) {
    agent =
      agentFor(req.url, net, fresh ? { keepAlive: false } : { keepAlive: true, maxSockets: 256 }) ||
      (fresh ? false : agents[req.url.protocol as 'http:' | 'https:']);
    byUrl.set(key, agent);
  }
  return agent;
}

const agentsOfNetwork = new WeakMap<NetworkConfig, Map<string, http.Agent | false>>();

/**
 * node:http's options for a URL (what `request(url, …)` works out on every call), once per URL
 * object, and only the fields a request reads: node:http copies the options twice per request.
 */
const optionsOfUrl = new WeakMap<URL, http.RequestOptions>();

function requestOptions(url: URL, method: string, agent: http.Agent | false, headers: Record<string, string | number>): http.RequestOptions {
  let o = optionsOfUrl.get(url);
  if (!o) {
    const { protocol, hostname, port, path, auth } = urlToHttpOptions(url);
    optionsOfUrl.set(url, (o = auth === undefined ? { protocol, hostname, port, path } : { protocol, hostname, port, path, auth }));
  }
  return { protocol: o.protocol, hostname: o.hostname, port: o.port, path: o.path, auth: o.auth, method, agent, headers };
}

/**
 * The requests in flight under each signal. node:http's own `signal` option adds and removes an
 * abort listener and a stream-end watcher on every request; here a signal gets one listener, and
 * aborting it destroys its requests with an AbortError, as that option does.
 */
const inFlight = new WeakMap<AbortSignal, Set<http.ClientRequest>>();

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

function abortOn(signal: AbortSignal | undefined, r: http.ClientRequest): void {
  if (!signal) return;
  if (signal.aborted) {
    r.destroy(abortError(signal));
    return;
  }
  let requests = inFlight.get(signal);
  if (!requests) {
    const live = new Set<http.ClientRequest>();
    inFlight.set(signal, live);
    signal.addEventListener(
      'abort',
      () => {
        for (const x of live) x.destroy(abortError(signal));
        live.clear();
      },
      { once: true },
    );
    requests = live;
  }
  const live = requests;
  live.add(r);
  r.once('close', () => live.delete(r));
}

/**
 * Reads an SSE answer: `data` of message events to onMessage; resumes or reports a cut stream. A
 * resumed stream (`resumedFrom`) is closed once the answer came, and cut again it resumes from the
 * last event id it saw (or the one it was resumed from).
 */
function readSse(res: http.IncomingMessage, req: FastPostRequest, resumedFrom?: string): void {
  let answered = false;
  let finished = false;
  res.setEncoding('utf8');
  const parser = new SseParser(({ event, data }) => {
    if (event !== 'message') return;
    try {
      const m = JSON.parse(data) as Record<string, unknown>;
      if (!m || typeof m !== 'object' || Array.isArray(m)) throw new Error('not a message');
      if (isResponse(m)) answered = true;
      req.onMessage(m);
    } catch {
      // not JSON: ignore, as the SDK does after reporting
    }
    if (answered && resumedFrom !== undefined) {
      finished = true;
      res.destroy();
    }
  }, MAX_MESSAGE_BYTES);
  res.on('data', (chunk: string) => {
    if (finished) return;
    if (!parser.push(chunk)) {
      // One event past the bound (or a line that never ends): drop the stream, never resume it.
      finished = true;
      res.destroy();
      req.onLost(new OversizedAnswerError('an event', MAX_MESSAGE_BYTES).message);
    }
  });
  const finish = (why?: string) => {
    if (finished || answered || req.signal?.aborted) return;
    finished = true;
    const from = parser.lastEventId ?? resumedFrom;
    if (from) req.onResume(from, parser.retryMs);
    else req.onLost(why ?? 'the server closed the event stream before answering');
  };
  res.on('end', () => finish());
  res.on('error', (err) => finish(`the event stream broke: ${err.message}`));
  res.on('aborted', () => finish('the event stream was cut'));
}
