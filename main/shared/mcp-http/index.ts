/**
 * MCP over plain HTTP, in one place (Node only: no Electron, no SDK): JSON-RPC guards, SSE framing,
 * one bounded HTTP exchange, and the initialize / server/discover / DELETE round trips. The
 * protocol revisions themselves are in common/protocol-versions.ts.
 */
export * from './jsonrpc';
export * from './sse';
export * from './http-exchange';
export * from './round-trips';
