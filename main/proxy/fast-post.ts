/**
 * The hot path of an established Streamable HTTP session: one POST per client message over a
 * keep-alive node:http(s) agent, the client's own bytes as the body, and a small reader for the
 * answer (JSON, or an SSE stream). It exists because the SDK transport's per-message cost (fetch,
 * stream pipelines, schema validation) made the proxy as slow as a whole second client (see
 * bench/README.md). Everything else stays with the SDK transport: session setup, the GET stream,
 * auth renewal, resumption and every non-2xx answer — the caller falls back to it whenever this
 * returns 'fallback', which only happens when the server did not process the message.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { contentTypeOf, headerOf, isResponse, MCP_POST_HEADERS, parseMessages, SseParser } from '../shared/mcp-http';
import { MAX_MESSAGE_BYTES } from '../shared/wire';
import { OversizedAnswerError } from './bounded-body';
import { parseRetryAfter } from './upstream-shared';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

export interface FastPostRequest {
  url: URL;
  body: string;
  headers: Record<string, string>;
  /** Called for every JSON-RPC message the server sends back (already parsed). */
  onMessage(message: Record<string, unknown>): void;
  /**
   * The SSE answer ended before the response arrived, after events with ids: resume it (the SDK's
   * GET with Last-Event-ID) after `retryMs` (the server's `retry`, if it sent one).
   */
  onResume(lastEventId: string, retryMs: number | undefined): void;
  /** The stream broke without a resumable event id: the request will get no answer. */
  onLost(reason: string): void;
  signal?: AbortSignal;
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

/**
 * Resolves when the server accepted the message (202, a JSON answer delivered, or an SSE answer
 * started). Resolves 'fallback' for 401/403/404/405/410, which a server answers without
 * processing the message, so the SDK transport can send it again with its own handling. Rejects on
 * network errors and on other HTTP errors (the message may have been processed: never re-sent).
 */
export function fastPost(req: FastPostRequest, fresh = false): Promise<'done' | 'fallback'> {
  return new Promise((resolve, reject) => {
    const mod = req.url.protocol === 'https:' ? https : http;
    // `fresh`: a new connection of its own, outside the keep-alive pool (see the retry below).
    const agent = fresh ? false : agents[req.url.protocol as 'http:' | 'https:'];
    let responded = false;
    const r = mod.request(
      req.url,
      {
        method: 'POST',
        agent,
        signal: req.signal,
        headers: {
          ...req.headers,
          ...MCP_POST_HEADERS,
          'content-length': Buffer.byteLength(req.body),
        },
      },
      (res) => {
        responded = true;
        const status = res.statusCode ?? 0;
        if (status === 202) {
          res.resume();
          return resolve('done');
        }
        if ([401, 403, 404, 405, 410].includes(status)) {
          res.resume();
          return resolve('fallback');
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return reject(new FastPostHttpError(status, res.statusMessage ?? '', parseRetryAfter(headerOf(res.headers, 'retry-after'))));
        }
        const type = contentTypeOf(res.headers);
        if (type === 'application/json') {
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
          readSse(res, req);
          return;
        }
        res.resume();
        reject(new Error(`Unexpected content type: ${type || '(none)'}`));
      },
    );
    r.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive connection that died while idle (the laptop slept, the network changed, a
      // server or NAT forgot it) fails the next request on it before any answer: the server never
      // got that request. Send it once more on a new connection, as browsers do.
      if (!responded && !fresh && r.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !req.signal?.aborted) {
        fastPost(req, true).then(resolve, reject);
        return;
      }
      reject(err);
    });
    r.end(req.body);
  });
}

/** Reads an SSE answer: `data` of message events to onMessage; resumes or reports a cut stream. */
function readSse(res: http.IncomingMessage, req: FastPostRequest): void {
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
    if (parser.lastEventId) req.onResume(parser.lastEventId, parser.retryMs);
    else req.onLost(why ?? 'the server closed the event stream before answering');
  };
  res.on('end', () => finish());
  res.on('error', (err) => finish(`the event stream broke: ${err.message}`));
  res.on('aborted', () => finish('the event stream was cut'));
}
