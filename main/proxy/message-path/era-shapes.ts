/**
 * What differs in the shape of messages between the session era (2025: `initialize`) and the
 * stateless era (2026-07-28: `server/discover`, the per-request envelope, `resultType`, input
 * requests), as pure functions the era bridge applies. No I/O, no state.
 */
import { META_SUBSCRIPTION_ID, RESULT_COMPLETE } from '../../../common/protocol-versions';
import type { JsonRpcId, JsonRpcMessage } from '../../shared/mcp-http';

type Caps = Record<string, any>;

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Server capabilities a 2026-07-28 server may declare (tasks moved to an extension). */
const MODERN_SERVER_CAPABILITIES = ['experimental', 'logging', 'completions', 'prompts', 'resources', 'tools', 'extensions'];
/** Client capabilities a 2026-07-28 client may declare. */
const MODERN_CLIENT_CAPABILITIES = ['experimental', 'sampling', 'elicitation', 'roots', 'extensions'];

function pick(caps: unknown, keys: string[]): Caps {
  const out: Caps = {};
  if (!isObject(caps)) return out;
  for (const k of keys) if (caps[k] !== undefined) out[k] = caps[k];
  return out;
}

/** A 2025 client's capabilities as a 2026-07-28 envelope declares them (`elicitation: {}` means form mode). */
export function modernClientCapabilities(caps: unknown): Caps {
  const out = pick(caps, MODERN_CLIENT_CAPABILITIES);
  if (isObject(out.elicitation) && !out.elicitation.form && !out.elicitation.url) out.elicitation = { ...out.elicitation, form: {} };
  return out;
}

/** A 2026-07-28 client's capabilities, for the `initialize` the bridge sends a 2025 server. */
export function legacyClientCapabilities(caps: unknown): Caps {
  return isObject(caps) ? { ...caps } : {};
}

/** A 2025 server's capabilities as `server/discover` reports them. */
export function modernServerCapabilities(caps: unknown): Caps {
  return pick(caps, MODERN_SERVER_CAPABILITIES);
}

/** Results a 2026-07-28 client may cache: they must say for how long (SEP-2549). */
const CACHEABLE = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read']);

/**
 * A 2025 server's answer, made into what a 2026-07-28 client expects: `resultType` on every
 * result, and the cache hints (none: ttlMs 0, private) on the cacheable ones. Errors pass as they are.
 */
export function modernAnswer(m: JsonRpcMessage, method: string, id: JsonRpcId): JsonRpcMessage {
  if (!isObject(m.result)) return { ...m, id };
  const result: Caps = { ...m.result };
  result.resultType ??= RESULT_COMPLETE;
  if (CACHEABLE.has(method)) {
    result.ttlMs ??= 0;
    result.cacheScope ??= 'private';
  }
  return { ...m, id, result };
}

/** A 2026-07-28 server's final answer for a 2025 client: the client's id, no `resultType`. */
export function legacyAnswer(m: JsonRpcMessage, id: JsonRpcId): JsonRpcMessage {
  if (!isObject(m.result)) return { ...m, id };
  const { resultType: _resultType, ...result } = m.result;
  return { ...m, id, result };
}

/** A notification from a `subscriptions/listen` stream, without the subscription's id (2025 clients know none). */
export function withoutSubscriptionId(m: JsonRpcMessage): JsonRpcMessage {
  const meta = m.params?._meta;
  if (!isObject(meta) || !(META_SUBSCRIPTION_ID in meta)) return m;
  const { [META_SUBSCRIPTION_ID]: _id, ...rest } = meta;
  const params: Caps = { ...m.params };
  if (Object.keys(rest).length) params._meta = rest;
  else delete params._meta;
  return { ...m, params };
}

/** A change notification tagged with the `subscriptions/listen` request it answers. */
export function withSubscriptionId(m: JsonRpcMessage, listenId: JsonRpcId): JsonRpcMessage {
  return { ...m, params: { ...m.params, _meta: { ...m.params?._meta, [META_SUBSCRIPTION_ID]: listenId } } };
}

/**
 * Whether a client with these (2026-style) capabilities can answer an input request: elicitation
 * per mode, sampling, roots. Returns the missing capability's name, or undefined.
 */
export function missingCapability(caps: Caps, method: string, params: unknown): string | undefined {
  if (method === 'elicitation/create') {
    const mode = isObject(params) && params.mode === 'url' ? 'url' : 'form';
    const e = caps.elicitation;
    if (!isObject(e)) return 'elicitation';
    return e[mode] !== undefined || (mode === 'form' && !e.url) ? undefined : `elicitation (${mode} mode)`;
  }
  if (method === 'sampling/createMessage') return isObject(caps.sampling) ? undefined : 'sampling';
  if (method === 'roots/list') return isObject(caps.roots) ? undefined : 'roots';
  return method;
}

/** The methods a 2026-07-28 input request may carry. */
export const INPUT_METHODS = new Set(['elicitation/create', 'sampling/createMessage', 'roots/list']);

/** An input request's params as a 2025 server→client request has them (URL mode needs an elicitationId). */
export function legacyInputParams(method: string, params: unknown, elicitationId: () => string): Caps | undefined {
  if (!isObject(params)) return method === 'roots/list' ? undefined : {};
  if (method === 'elicitation/create' && params.mode === 'url' && typeof params.elicitationId !== 'string')
    return { ...params, elicitationId: elicitationId() };
  return params;
}

/** A 2025 server→client request's params as a 2026-07-28 input request has them (no elicitationId, no task). */
export function modernInputParams(method: string, params: unknown): Caps | undefined {
  if (!isObject(params)) return method === 'roots/list' ? undefined : {};
  const { elicitationId: _e, task: _t, ...rest } = params;
  return rest;
}

/** A tool call's or another request's failure, as a 2025 client sees it: a tool result with isError, else an error. */
export function failureFor(method: string, id: JsonRpcId, code: number, message: string, data?: unknown): JsonRpcMessage {
  if (method === 'tools/call') return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: message }], isError: true } };
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}
