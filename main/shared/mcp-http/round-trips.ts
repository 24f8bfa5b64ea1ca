/**
 * The round trips that open (and close) a conversation with an MCP server, for every era: the
 * 2025 `initialize`, the 2026-07-28 `server/discover` with its `_meta` envelope, one POST of a
 * JSON-RPC request with the headers its era wants, and the DELETE that ends a session.
 */
import {
  ERR_UNSUPPORTED_PROTOCOL_VERSION,
  HEADER_METHOD,
  HEADER_PROTOCOL_VERSION,
  HEADER_SESSION_ID,
  LATEST_LEGACY_VERSION,
  LATEST_MODERN_VERSION,
  META_CLIENT_CAPABILITIES,
  ENVELOPE_META_KEYS,
  META_CLIENT_INFO,
  META_LOG_LEVEL,
  META_PROTOCOL_VERSION,
  isModernVersion,
} from '../../../common/protocol-versions';
import type { LookupFunction } from 'node:net';
import { exchange, httpModuleFor, MCP_POST_HEADERS, testConnect, type ExchangeAnswer } from './http-exchange';
import { JSONRPC_VERSION, type JsonRpcId, type JsonRpcMessage } from './jsonrpc';
import type { NetworkConfig } from '../net/network-config';

export interface ClientInfo {
  name: string;
  version: string;
}

/** `initialize` params of the session era. */
export function initializeParams(clientInfo: ClientInfo, version = LATEST_LEGACY_VERSION): Record<string, unknown> {
  return { protocolVersion: version, capabilities: {}, clientInfo };
}

export function initializeRequest(id: JsonRpcId, clientInfo: ClientInfo, version = LATEST_LEGACY_VERSION): JsonRpcMessage {
  return { jsonrpc: JSONRPC_VERSION, id, method: 'initialize', params: initializeParams(clientInfo, version) };
}

/** `server/discover` (SEP-2575): the stateless era's first question, with the request envelope. */
export function discoverRequest(id: JsonRpcId, clientInfo: ClientInfo, version = LATEST_MODERN_VERSION): JsonRpcMessage {
  return { jsonrpc: JSONRPC_VERSION, id, method: 'server/discover', params: { _meta: envelope(undefined, { version, clientInfo, capabilities: {} }) } };
}

/** What a 2026-07-28 request says about its client, in its `_meta` (SEP-2575). */
export interface Envelope {
  version: string;
  clientInfo?: unknown;
  capabilities?: Record<string, unknown>;
  /** The log level the client opts into (replaces `logging/setLevel`). */
  logLevel?: string;
}

/**
 * A request's `_meta` with the envelope on top of what it already carried (a progress token,
 * trace context, an extension's keys).
 */
export function envelope(meta: Record<string, unknown> | undefined, e: Envelope): Record<string, unknown> {
  const out: Record<string, unknown> = { ...meta, [META_PROTOCOL_VERSION]: e.version };
  if (e.clientInfo !== undefined) out[META_CLIENT_INFO] = e.clientInfo;
  out[META_CLIENT_CAPABILITIES] = e.capabilities ?? {};
  if (e.logLevel !== undefined) out[META_LOG_LEVEL] = e.logLevel;
  else delete out[META_LOG_LEVEL];
  return out;
}

/** The envelope a request carries, if it carries one. */
export function envelopeOf(m: JsonRpcMessage | undefined): Envelope | undefined {
  const meta = m?.params?._meta;
  const version = envelopeVersion(m);
  if (version === undefined) return undefined;
  const caps = meta[META_CLIENT_CAPABILITIES];
  const level = meta[META_LOG_LEVEL];
  return {
    version,
    clientInfo: meta[META_CLIENT_INFO],
    capabilities: caps && typeof caps === 'object' && !Array.isArray(caps) ? caps : {},
    logLevel: typeof level === 'string' ? level : undefined,
  };
}

/** `_meta` without the envelope's reserved keys (what a 2025-era server is sent); undefined when nothing is left. */
export function withoutEnvelope(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta || typeof meta !== 'object') return undefined;
  const rest = { ...meta };
  for (const k of ENVELOPE_META_KEYS) delete rest[k];
  return Object.keys(rest).length ? rest : undefined;
}

/** The revision a request names in its `_meta` envelope (2026-07-28 and later), if any. */
export function envelopeVersion(m: JsonRpcMessage | undefined): string | undefined {
  const v = m?.params?._meta?.[META_PROTOCOL_VERSION];
  return typeof v === 'string' ? v : undefined;
}

/** True for a request that claims a stateless-era revision in its `_meta`. */
export function isModernRequest(m: JsonRpcMessage | undefined): boolean {
  const v = envelopeVersion(m);
  return v !== undefined && isModernVersion(v);
}

/** The headers a request's envelope asks for over HTTP (revision and method), or none. */
export function envelopeHeaders(m: JsonRpcMessage): Record<string, string> {
  const v = envelopeVersion(m);
  return v === undefined ? {} : { [HEADER_PROTOCOL_VERSION]: v, [HEADER_METHOD]: String(m.method) };
}

/** A `server/discover` answer only a stateless-era server gives: its versions, or "unsupported version". */
export function isModernAnswer(m: JsonRpcMessage | undefined): boolean {
  if (Array.isArray(m?.result?.supportedVersions)) return true;
  return m?.error?.code === ERR_UNSUPPORTED_PROTOCOL_VERSION;
}

export interface PostRequestOptions {
  url: string;
  /** The server's own headers (API keys …); the MCP headers go on top. */
  headers: Record<string, string>;
  request: JsonRpcMessage;
  /** A bearer token, if the server wants one. */
  token?: string;
  signal: AbortSignal;
  ca?: string | Buffer;
  lookup?: LookupFunction;
  /** The route and trust (proxy, CAs). */
  net?: NetworkConfig;
  maxBytes: number;
  bound?: 'body' | 'event';
}

/** POSTs one JSON-RPC request as a Streamable HTTP client does, and reads the answer to its id. */
export function postRequest(opts: PostRequestOptions): Promise<ExchangeAnswer> {
  const headers: Record<string, string> = { ...opts.headers, ...envelopeHeaders(opts.request), ...MCP_POST_HEADERS };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return exchange({
    method: 'POST',
    url: opts.url,
    headers,
    body: JSON.stringify(opts.request),
    id: opts.request.id,
    signal: opts.signal,
    ca: opts.ca,
    lookup: opts.lookup,
    net: opts.net,
    maxBytes: opts.maxBytes,
    bound: opts.bound,
  });
}

export interface EndSessionOptions {
  url: string;
  headers: Record<string, string>;
  sessionId: string;
  /** The negotiated revision, sent along when known. */
  protocolVersion?: unknown;
  token?: string;
  signal: AbortSignal;
  ca?: string | Buffer;
  lookup?: LookupFunction;
  net?: NetworkConfig;
}

/** DELETE of a session the caller opened: best effort, never rejects. */
export function endSession(opts: EndSessionOptions): Promise<void> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...opts.headers, [HEADER_SESSION_ID]: opts.sessionId };
    if (typeof opts.protocolVersion === 'string') headers[HEADER_PROTOCOL_VERSION] = opts.protocolVersion;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const url = new URL(opts.url);
    const options = { method: 'DELETE', headers, signal: opts.signal, ...testConnect({ ...opts, url }) };
    const req = httpModuleFor(url).request(url, options, (res) => {
      res.resume();
      res.on('close', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
}

/** What a server says about itself in an initialize or server/discover result. */
export interface ServerFacts {
  serverName?: string;
  title?: string;
  serverVersion?: string;
  protocolVersion?: string;
}

export function serverFacts(result: any): ServerFacts {
  const info = result?.serverInfo;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined);
  return {
    serverName: str(info?.name),
    title: str(info?.title),
    serverVersion: str(info?.version),
    protocolVersion: str(result?.protocolVersion) ?? (Array.isArray(result?.supportedVersions) ? str(result.supportedVersions[0]) : undefined),
  };
}
