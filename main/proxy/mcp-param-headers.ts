/**
 * SEP-2243 custom headers (protocol revision 2026-07-28, Streamable HTTP): a tool may mark
 * primitive parameters with `x-mcp-header: <Name>`, and the HTTP client MUST mirror their values
 * into `Mcp-Param-<Name>` request headers on `tools/call`, and MUST exclude tools whose
 * declarations are invalid. A stdio client cannot send HTTP headers, so the proxy (the HTTP
 * client here) does both from the `tools/list` answers it relays (message-path/param-headers-stage.ts).
 * Pure functions, no I/O.
 */
import { HEADER_PARAM_PREFIX } from '../../common/protocol-versions';

export interface ParamHeaderDeclaration {
  /** Property names from the schema root down to the annotated property. */
  path: string[];
  headerName: string;
}

export type ParamHeaderScan = { valid: true; declarations: ParamHeaderDeclaration[] } | { valid: false; reason: string };

const KEY = 'x-mcp-header';
/** RFC 9110 §5.1 token: no spaces, controls, delimiters or non-ASCII. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** `number` is deliberately absent: the spec does not allow it. */
const PRIMITIVES = new Set(['string', 'integer', 'boolean']);
/** Subschema keywords that are not a `properties` chain: a declaration under them is invalid. */
const ELSEWHERE = [
  'items',
  'prefixItems',
  'contains',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'propertyNames',
  'patternProperties',
  'dependentSchemas',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  '$defs',
  'definitions',
];
const MAPS = new Set(['patternProperties', 'dependentSchemas', '$defs', 'definitions']);

/** Finds a tool's declarations and checks every constraint on them. */
export function scanParamHeaders(inputSchema: unknown): ParamHeaderScan {
  const declarations: ParamHeaderDeclaration[] = [];
  const seen = new Map<string, string>();
  const visit = (node: unknown, path: string[], reachable: boolean): string | undefined => {
    if (!node || typeof node !== 'object') return undefined;
    const schema = node as Record<string, unknown>;
    if (KEY in schema) {
      const where = path.length ? path.join('.') : '<root>';
      if (!reachable || !path.length) return `${where}: ${KEY} is allowed only on properties reached through "properties"`;
      const name = schema[KEY];
      if (typeof name !== 'string' || !name) return `${where}: ${KEY} must be a non-empty string`;
      if (!TOKEN.test(name)) return `${where}: ${KEY} "${name}" is not a valid header name`;
      if (typeof schema.type !== 'string' || !PRIMITIVES.has(schema.type)) {
        return `${where}: ${KEY} is allowed only on string, integer or boolean properties (got ${String(schema.type ?? 'no type')})`;
      }
      const prior = seen.get(name.toLowerCase());
      if (prior !== undefined) return `${KEY} "${name}" is declared twice (also as "${prior}")`;
      seen.set(name.toLowerCase(), name);
      declarations.push({ path, headerName: name });
    }
    const props = schema.properties;
    if (props && typeof props === 'object') {
      for (const [key, child] of Object.entries(props)) {
        const fault = visit(child, [...path, key], reachable);
        if (fault) return fault;
      }
    }
    for (const k of ELSEWHERE) {
      const sub = schema[k];
      if (sub === undefined) continue;
      const branches = Array.isArray(sub) ? sub : MAPS.has(k) && sub && typeof sub === 'object' ? Object.values(sub) : [sub];
      for (const b of branches) {
        const fault = visit(b, [...path, `<${k}>`], false);
        if (fault) return fault;
      }
    }
    return undefined;
  };
  const fault = visit(inputSchema, [], true);
  return fault ? { valid: false, reason: fault } : { valid: true, declarations };
}

/**
 * The `Mcp-Param-*` headers for one call. Absent or null values get no header; values that are
 * not primitives (or are not finite / safe numbers) are left out rather than sent malformed.
 */
export function buildParamHeaders(declarations: ParamHeaderDeclaration[], args: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of declarations) {
    let value: unknown = args;
    for (const key of d.path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    const text = primitiveText(value);
    if (text !== undefined) out[`${HEADER_PARAM_PREFIX}${d.headerName}`] = encodeHeaderValue(text);
  }
  return out;
}

function primitiveText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))) return String(value);
  return undefined;
}

/**
 * Plain when the value is printable ASCII (spaces inside only); otherwise (non-ASCII, controls
 * including tabs, leading/trailing whitespace, empty, or already looking like the sentinel)
 * `=?base64?…?=`, which every receiver decodes.
 */
export function encodeHeaderValue(value: string): string {
  const plain =
    value.length > 0 &&
    value === value.trim() &&
    !(value.startsWith('=?base64?') && value.endsWith('?=')) &&
    [...value].every((ch) => {
      const c = ch.codePointAt(0)!;
      return c >= 0x20 && c <= 0x7e;
    });
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}
