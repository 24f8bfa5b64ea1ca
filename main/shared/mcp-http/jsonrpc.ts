/**
 * JSON-RPC 2.0 as MCP uses it: the guards every reader of MCP messages applies (request,
 * notification, response, a well-formed message or batch, the answer to one id in a body) and the
 * few messages the app writes itself. Pure functions, no I/O.
 */

export type JsonRpcId = string | number;
/** A JSON-RPC message as read off the wire: checked with the guards below, not by a schema. */
export type JsonRpcMessage = Record<string, any>;

export const JSONRPC_VERSION = '2.0';
export const ERR_PARSE = -32700;
export const ERR_INVALID_REQUEST = -32600;
export const ERR_METHOD_NOT_FOUND = -32601;
export const ERR_INVALID_PARAMS = -32602;

/** A JSON object: not null, not an array. */
export function isJsonObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A request: a method and an id (that is not null). */
export function isRequest(m: unknown): boolean {
  const o = m as JsonRpcMessage | null | undefined;
  return typeof o?.method === 'string' && o.id !== undefined && o.id !== null;
}

/** A notification: a method and no id. */
export function isNotification(m: unknown): boolean {
  const o = m as JsonRpcMessage | null | undefined;
  return typeof o?.method === 'string' && (o.id === undefined || o.id === null);
}

/** A response: no method, and a result or an error. */
export function isResponse(m: unknown): boolean {
  return isJsonObject(m) && m.method === undefined && ('result' in m || 'error' in m);
}

/** An object that says it is JSON-RPC 2.0 (what a client must send). */
export function isJsonRpc2(m: unknown): boolean {
  return isJsonObject(m) && m.jsonrpc === JSONRPC_VERSION;
}

/** One JSON-RPC 2.0 message, or a non-empty batch of them. */
export function isJsonRpcPayload(v: unknown): v is JsonRpcMessage | JsonRpcMessage[] {
  return Array.isArray(v) ? v.length > 0 && v.every(isJsonRpc2) : isJsonRpc2(v);
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The messages of a JSON answer body (one message or a batch). Throws when the body is not JSON, or
 * is JSON that cannot be JSON-RPC (a number, an empty batch, a batch with a non-object).
 */
export function parseMessages(text: string): JsonRpcMessage[] {
  const data = JSON.parse(text) as unknown;
  const list = Array.isArray(data) ? data : [data];
  if (!list.length || !list.every(isJsonObject)) throw new Error('the server answered with JSON that is not a JSON-RPC message');
  return list as JsonRpcMessage[];
}

/** The answer to `id` in a parsed JSON body: the batch element with that id, or the one message. */
export function answerIn(body: unknown, id: unknown): JsonRpcMessage | undefined {
  if (Array.isArray(body)) return body.find((m) => (m as JsonRpcMessage | null)?.id === id) as JsonRpcMessage | undefined;
  return isJsonObject(body) && body.jsonrpc ? body : undefined;
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): JsonRpcMessage {
  return { jsonrpc: JSONRPC_VERSION, id, error: data === undefined ? { code, message } : { code, message, data } };
}

export function resultResponse(id: JsonRpcId, result: Record<string, unknown>): JsonRpcMessage {
  return { jsonrpc: JSONRPC_VERSION, id, result };
}
