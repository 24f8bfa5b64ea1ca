/**
 * The shape of a registry's answers, as a JSON Schema written from the MCP Registry's documentation
 * (modelcontextprotocol/registry: docs/reference/server-json/generic-server-json.md and
 * api/openapi.yaml; the published server.schema.json ships in no npm package). It checks what the
 * app reads (name, description, version, links, remotes with headers and variables) and bounds
 * sizes; fields the app does not read are allowed as they come, so a newer registry still passes.
 * One entry that does not match is left out with a sentence naming it and the field; the rest of
 * the page is shown.
 */
import Ajv, { type ErrorObject } from 'ajv';

const INPUT = {
  type: 'object',
  properties: {
    description: { type: 'string' },
    isRequired: { type: 'boolean' },
    isSecret: { type: 'boolean' },
    format: { type: 'string' },
    value: { type: 'string', maxLength: 8192 },
    default: { type: 'string', maxLength: 8192 },
    placeholder: { type: 'string' },
    choices: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 1000 } },
  },
} as const;

const KEY_VALUE = {
  allOf: [INPUT, { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 256 } } }],
} as const;

const REMOTE = {
  type: 'object',
  required: ['type', 'url'],
  properties: {
    type: { type: 'string', maxLength: 64 },
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    headers: { type: 'array', maxItems: 50, items: KEY_VALUE },
    variables: { type: 'object', maxProperties: 50, additionalProperties: INPUT },
  },
} as const;

/** server.json (`ServerDetail`): what a registry lists and a server card describes. */
export const SERVER_DETAIL_SCHEMA = {
  type: 'object',
  required: ['name', 'description', 'version'],
  properties: {
    name: { type: 'string', pattern: '^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$', minLength: 3, maxLength: 200 },
    title: { type: 'string' },
    description: { type: 'string' },
    version: { type: 'string', minLength: 1, maxLength: 255 },
    websiteUrl: { type: 'string' },
    repository: { type: 'object', properties: { url: { type: 'string' }, source: { type: 'string' }, subfolder: { type: 'string' } } },
    remotes: { type: 'array', maxItems: 20, items: REMOTE },
    packages: { type: 'array' },
  },
} as const;

/** One item of `servers` in `GET /v0.1/servers`, and the answer of `GET /v0.1/servers/{name}/versions/{version}`. */
export const SERVER_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['server'],
  properties: {
    server: SERVER_DETAIL_SCHEMA,
    _meta: {
      type: 'object',
      properties: {
        'io.modelcontextprotocol.registry/official': {
          type: 'object',
          properties: { status: { type: 'string' }, isLatest: { type: 'boolean' }, publishedAt: { type: 'string' }, updatedAt: { type: 'string' } },
        },
      },
    },
  },
} as const;

/** `GET /v0.1/servers`: the page envelope (each item is checked on its own). */
export const SERVER_LIST_SCHEMA = {
  type: 'object',
  required: ['servers'],
  properties: {
    servers: { type: 'array', maxItems: 1000 },
    metadata: { type: 'object', properties: { nextCursor: { type: 'string', maxLength: 2048 }, count: { type: 'integer' } } },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: false });
const checkResponse = ajv.compile(SERVER_RESPONSE_SCHEMA);
const checkDetail = ajv.compile(SERVER_DETAIL_SCHEMA);
const checkList = ajv.compile(SERVER_LIST_SCHEMA);

function words(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'does not match the registry schema';
  const where = e.instancePath ? e.instancePath.replace(/^\//, '').replace(/\//g, '.') : 'the entry';
  const field = e.keyword === 'required' ? `${where === 'the entry' ? '' : `${where}.`}${(e.params as { missingProperty: string }).missingProperty}` : where;
  const what = e.keyword === 'required' ? 'is missing' : (e.message ?? 'is not valid');
  return `${field} ${what}`.slice(0, 200);
}

/** An entry's name for a message: its name when it has a printable one, else its position. */
function nameOf(raw: unknown, index: number): string {
  const name = (raw as { server?: { name?: unknown } } | null)?.server?.name ?? (raw as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[\x21-\x7e]{1,100}$/.test(name) ? name : `entry ${index + 1}`;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Checks one registry item (`{ server, _meta }`); the error names the entry and the field. */
export function checkServerResponse(raw: unknown, index = 0): Checked<RawServerResponse> {
  if (checkResponse(raw)) return { ok: true, value: raw as RawServerResponse };
  return { ok: false, error: `${nameOf(raw, index)}: ${words(checkResponse.errors)}` };
}

/** Checks a bare server.json (a server card). */
export function checkServerDetail(raw: unknown): Checked<RawServerDetail> {
  if (checkDetail(raw)) return { ok: true, value: raw as RawServerDetail };
  return { ok: false, error: `${nameOf(raw, 0)}: ${words(checkDetail.errors)}` };
}

export function checkServerList(raw: unknown): Checked<{ servers: unknown[]; metadata?: { nextCursor?: string } }> {
  if (checkList(raw)) return { ok: true, value: raw as { servers: unknown[]; metadata?: { nextCursor?: string } } };
  return { ok: false, error: words(checkList.errors) };
}

export interface RawInput {
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  value?: string;
  default?: string;
  placeholder?: string;
  choices?: string[];
}

export interface RawServerDetail {
  name: string;
  title?: string;
  description: string;
  version: string;
  websiteUrl?: string;
  repository?: { url?: string; source?: string };
  remotes?: Array<{ type: string; url: string; headers?: Array<RawInput & { name: string }>; variables?: Record<string, RawInput> }>;
}

export interface RawServerResponse {
  server: RawServerDetail;
  _meta?: { 'io.modelcontextprotocol.registry/official'?: { status?: string; isLatest?: boolean } };
}
