/**
 * The MCP protocol revisions the app knows, in one table (pure: no Node, no DOM). Two eras:
 *
 * - `legacy`: the session era (2024-10-07 … 2025-11-25). A client opens a session with
 *   `initialize`; over Streamable HTTP the server may hand out an `Mcp-Session-Id`, and every later
 *   request carries `MCP-Protocol-Version` with the negotiated revision.
 * - `modern`: the stateless era (2026-07-28, SEP-2575). No `initialize` and no session: every
 *   request carries its revision, client info and capabilities in `params._meta` (and, over HTTP,
 *   in the `MCP-Protocol-Version` and `Mcp-Method` headers); `server/discover` tells what a server
 *   speaks.
 *
 * Every place that speaks MCP over HTTP (the add flow's probe, the proxy's health check, its fast
 * path, the tools list, the sign-in probe) takes its revision strings from here.
 */

export type ProtocolEra = 'legacy' | 'modern';

/** Known revisions, oldest first. */
export const PROTOCOL_REVISIONS: readonly { readonly version: string; readonly era: ProtocolEra }[] = [
  { version: '2024-10-07', era: 'legacy' },
  { version: '2024-11-05', era: 'legacy' },
  { version: '2025-03-26', era: 'legacy' },
  { version: '2025-06-18', era: 'legacy' },
  { version: '2025-11-25', era: 'legacy' },
  { version: '2026-07-28', era: 'modern' },
];

/** The newest revision of each era: what the app offers when it starts a conversation. */
export const LATEST_LEGACY_VERSION = '2025-11-25';
export const LATEST_MODERN_VERSION = '2026-07-28';

const LEGACY = new Set(PROTOCOL_REVISIONS.filter((r) => r.era === 'legacy').map((r) => r.version));

/** The era of a known revision; undefined for one this table does not list. */
export function eraOf(version: string): ProtocolEra | undefined {
  return PROTOCOL_REVISIONS.find((r) => r.version === version)?.era;
}

/**
 * True when a revision belongs to the stateless era: every revision that is not a known session-era
 * one (a revision newer than this table is assumed to keep the stateless model).
 */
export function isModernVersion(version: string): boolean {
  return !LEGACY.has(version);
}

/** HTTP header names of the Streamable HTTP transport (lower case, as Node reports them). */
export const HEADER_PROTOCOL_VERSION = 'mcp-protocol-version';
export const HEADER_SESSION_ID = 'mcp-session-id';
/** 2026-07-28: the JSON-RPC method of the request, mirrored into a header. */
export const HEADER_METHOD = 'mcp-method';
/** 2026-07-28: the tool, prompt or resource a request names, mirrored into a header. */
export const HEADER_NAME = 'mcp-name';
/** Resuming an SSE stream. */
export const HEADER_LAST_EVENT_ID = 'last-event-id';
/** Headers the transport owns (lower case): a user-set value would break the protocol. */
export const TRANSPORT_HEADERS: readonly string[] = [HEADER_SESSION_ID, HEADER_PROTOCOL_VERSION, HEADER_LAST_EVENT_ID, HEADER_METHOD, HEADER_NAME];
/** 2026-07-28 (SEP-2243): `x-mcp-header` parameters go out as `Mcp-Param-<Name>`. */
export const HEADER_PARAM_PREFIX = 'Mcp-Param-';

/** 2026-07-28: the request envelope's reserved `_meta` keys. */
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';

/** 2026-07-28: the JSON-RPC error a server answers a revision it does not support with. */
export const ERR_UNSUPPORTED_PROTOCOL_VERSION = -32022;
/** 2026-07-28: the log level a request opts into (replaces `logging/setLevel`). */
export const META_LOG_LEVEL = 'io.modelcontextprotocol/logLevel';
/** 2026-07-28: who answered, in a result's `_meta` (replaces initialize's `serverInfo`). */
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
/** 2026-07-28: the `subscriptions/listen` request a notification belongs to. */
export const META_SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';
/** The reserved `_meta` keys of a request envelope (the bridge adds or removes them together). */
export const ENVELOPE_META_KEYS: readonly string[] = [META_PROTOCOL_VERSION, META_CLIENT_INFO, META_CLIENT_CAPABILITIES, META_LOG_LEVEL];

/** 2026-07-28: the request needs a client capability the request's envelope does not declare. */
export const ERR_MISSING_CLIENT_CAPABILITY = -32021;

/** 2026-07-28: `resultType` of a result that is final, and of one that needs input first (SEP-2322). */
export const RESULT_COMPLETE = 'complete';
export const RESULT_INPUT_REQUIRED = 'input_required';

/** What a connection through the proxy speaks: the server's revision, the client's, and whether the proxy bridges them. */
export interface ProtocolInUse {
  /** The revision spoken with the server. */
  server: string;
  /** The revision the client speaks, once a client connected. */
  client?: string;
  /** The two differ in era and the proxy translates between them. */
  bridged?: boolean;
}

/** "client speaks 2025-06-18, server 2026-07-28, bridged", for the server page and the log. */
export function describeProtocol(p: ProtocolInUse): string {
  if (p.client === undefined) return `server speaks ${p.server}`;
  if (p.bridged) return `client speaks ${p.client}, server ${p.server}, bridged`;
  return p.client === p.server ? `${p.server} (client and server)` : `client speaks ${p.client}, server ${p.server}`;
}
