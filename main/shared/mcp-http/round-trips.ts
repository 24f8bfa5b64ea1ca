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
  META_CLIENT_INFO,
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
  return {
    jsonrpc: JSONRPC_VERSION,
    id,
    method: 'server/discover',
    params: { _meta: { [META_PROTOCOL_VERSION]: version, [META_CLIENT_INFO]: clientInfo, [META_CLIENT_CAPABILITIES]: {} } },
  };
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
