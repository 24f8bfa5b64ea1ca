/**
 * One HTTP exchange with an MCP server over plain node:http(s): send a request, read the answer
 * (a JSON body, or an event stream up to the answer to one JSON-RPC id), bounded in size. No fetch
 * and no SDK: the add flow's probe and the proxy's health check use it, and an idle proxy stays
 * close to a bare Node process.
 */
import * as http from 'node:http';
import type * as Https from 'node:https';
import type { LookupFunction } from 'node:net';
import { agentFor } from '../net/http-agents';
import type { NetworkConfig } from '../net/network-config';
import { answerIn, isJsonObject, parseJson, type JsonRpcId, type JsonRpcMessage } from './jsonrpc';
import { SseParser } from './sse';

/** What a Streamable HTTP client sends with every POST (besides the length). */
export const MCP_POST_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

/** node:http or node:https for the URL. TLS loads only for https servers (an idle proxy of a local server stays smaller). */
export function httpModuleFor(url: URL): typeof http | typeof Https {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return url.protocol === 'https:' ? (require('node:https') as typeof Https) : http;
}

/**
 * The connection options of a request: the network configuration's agent (proxy, trusted CAs),
 * and a test's TLS trust and name resolution (none in the app).
 */
export function testConnect(o: { ca?: string | Buffer; lookup?: LookupFunction; net?: NetworkConfig; url?: URL }): Https.RequestOptions {
  const agent = o.net && o.url ? agentFor(o.url, o.net, { keepAlive: false }) : undefined;
  return { ...(agent ? { agent } : {}), ...(o.ca ? { ca: o.ca } : {}), ...(o.lookup ? { lookup: o.lookup } : {}) };
}

/** The media type of an answer, lower case, without parameters ('' when none). */
export function contentTypeOf(headers: http.IncomingHttpHeaders): string {
  return String(headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/** One header's value (the first, when the server sent it twice). */
export function headerOf(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface ExchangeSpec {
  method: 'POST' | 'GET' | 'DELETE';
  url: string | URL;
  headers: Record<string, string>;
  body?: string;
  /** The JSON-RPC id whose answer is looked for (and, in an event stream, ends the read). */
  id?: JsonRpcId;
  signal: AbortSignal;
  /** Extra TLS trust (a test's self-signed fixture); the app never sets it. */
  ca?: string | Buffer;
  /** Name resolution (a test's made-up public name for a fixture on this computer); the app never sets it. */
  lookup?: LookupFunction;
  /** The route and trust (proxy, CAs); absent: Node's defaults. */
  net?: NetworkConfig;
  /** The most read of an answer; past it the read stops with what was found so far. */
  maxBytes: number;
  /** 'event': an event stream is bounded per event rather than in total (default 'body'). */
  bound?: 'body' | 'event';
}

export interface ExchangeAnswer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  /** The JSON-RPC message answering `id` (from a JSON body or the matching event). */
  message?: JsonRpcMessage;
  /** A JSON body, parsed (a metadata document, or the JSON-RPC body itself). */
  json?: any;
}

/**
 * Sends one request and resolves with the status, the headers and what the body held. Rejects on
 * network errors (and an aborted signal); an event stream that ends or breaks before the answer
 * resolves without a message.
 */
export function exchange(spec: ExchangeSpec): Promise<ExchangeAnswer> {
  return new Promise((resolve, reject) => {
    const url = typeof spec.url === 'string' ? new URL(spec.url) : spec.url;
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
    const options: Https.RequestOptions = { method: spec.method, headers, signal: spec.signal, ...testConnect({ ...spec, url }) };
    const req = httpModuleFor(url).request(url, options, (res) => {
      const base: ExchangeAnswer = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers };
      const type = contentTypeOf(res.headers);
      res.setEncoding('utf8');
      const done = (a: ExchangeAnswer) => {
        resolve(a);
        res.destroy();
      };
      if (type === 'text/event-stream') {
        let size = 0;
        const parser = new SseParser(
          ({ data }) => {
            const m = parseJson(data);
            if (spec.id !== undefined && isJsonObject(m) && m.id === spec.id) done({ ...base, message: m });
          },
          spec.bound === 'event' ? spec.maxBytes : undefined,
        );
        res.on('data', (chunk: string) => {
          // A probe's answer is small: a server pouring an endless stream gets no memory.
          if (!parser.push(chunk) || (spec.bound !== 'event' && (size += chunk.length) > spec.maxBytes)) done(base);
        });
        res.on('end', () => resolve(base));
        res.on('error', () => resolve(base));
        return;
      }
      let buf = '';
      res.on('data', (chunk: string) => {
        if (buf.length + chunk.length > spec.maxBytes) return done(base);
        buf += chunk;
      });
      res.on('end', () => {
        const json = /[/+]json$/.test(type) ? parseJson(buf) : undefined;
        resolve({ ...base, json, message: answerIn(json, spec.id) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}
