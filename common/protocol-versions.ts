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
