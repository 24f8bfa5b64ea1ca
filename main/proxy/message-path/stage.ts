/**
 * The proxy's message path is a chain of stages, in the manner of Envoy's filter chain: the
 * framing (ProxyRuntime) turns a client's lines into messages, each message goes through the
 * stages toward the server, the last stage (the upstream transport) puts it on the wire, and what
 * the server sends comes back through the same stages in reverse order. The assembly, with the
 * order and why, is in ../upstream.ts.
 *
 * A stage sees both directions and, for each message, can
 * - pass it: `link.toServer(m)` / `link.toClient(m)`, unchanged;
 * - transform it: pass another message instead (`replaceMessage`), or add headers for its POST;
 * - answer it: send a message the other way (`link.toClient(answer(...))`) and nothing on;
 * - withhold it: pass nothing.
 * A stage may also originate messages in either direction (a bridge asking the server something of
 * its own, a ledger cancelling a request that timed out). A stage that holds a message back keeps
 * the client's order itself: the transport sends messages in the order it receives them.
 */
import { errorResponse, isResponse, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import type { DeliveryFailure } from './delivery';

/** A message (or a client's batch) on its way from the client to the server. */
export interface ToServer {
  message: JsonRpcMessage | JsonRpcMessage[];
  /** Its size as the client sent it, in characters (for metrics). */
  size: number;
  /** The client's own serialization, sent as is by the fast path; absent once a stage changed the message. */
  text?: string;
  /** Extra HTTP headers for this message's POST (SEP-2243 `Mcp-Param-*`). */
  headers?: Record<string, string>;
  /** Made by a stage, not sent by the client (a cancellation after a time-out). */
  synthetic?: boolean;
}

/** A message from the server (or made by a stage) on its way to the client. */
export interface ToClient {
  message: JsonRpcMessage;
  /** Its serialization, once made: see `textOf`. */
  text?: string;
  /**
   * On an error answer the transport made for a request it could not get answered: what happened
   * to it (sent or not, processed or not), for the recovery stage (retry-stage.ts).
   */
  failure?: DeliveryFailure;
}

/** A stage's two neighbours: the next stage toward the server, the previous one toward the client. */
export interface StageLink {
  /** Resolves once the message is handled further down (for the transport: sent, or failed and answered). */
  toServer(m: ToServer): Promise<void>;
  toClient(m: ToClient): void;
}

/** One stage. A method left out passes its direction through unchanged. */
export interface Stage {
  fromClient?(m: ToServer): Promise<void> | void;
  fromServer?(m: ToClient): void;
  /** The connection ends: stop timers, forget state (stages close client side first). */
  close?(): Promise<void> | void;
}

/** Makes a connection's instance of a stage, given its link to its neighbours. */
export type StageFactory = (link: StageLink) => Stage;

/** The messages of a ToServer (a batch, or the one message). */
export function messagesOf(m: ToServer): JsonRpcMessage[] {
  return Array.isArray(m.message) ? m.message : [m.message];
}

/** The same message on its way with another body (the client's serialization no longer applies). */
export function replaceMessage(m: ToServer, message: JsonRpcMessage | JsonRpcMessage[]): ToServer {
  return { ...m, message, text: undefined };
}

/** An error answer from the proxy to a client request, marked as the proxy's (`data.source`). */
export function answer(id: JsonRpcId, code: number, message: string): ToClient {
  return { message: errorResponse(id, code, message, { source: PROXY_ERROR_SOURCE }) };
}

/** `error.data.source` of the errors the proxy makes itself (the health check tells them from the server's). */
export const PROXY_ERROR_SOURCE = 'mcp-switchboard';

export function isProxyError(m: JsonRpcMessage): boolean {
  return m.error?.data?.source === PROXY_ERROR_SOURCE;
}

/**
 * The client-side serialization, made once: responses go out with "jsonrpc" and "id" first, so
 * the connector can find the id without parsing a (possibly huge) result. Nothing else changes.
 */
export function textOf(m: ToClient): string {
  if (m.text === undefined) {
    const msg = m.message;
    m.text = JSON.stringify(isResponse(msg) ? { jsonrpc: msg.jsonrpc, id: msg.id, ...msg } : msg);
  }
  return m.text;
}
