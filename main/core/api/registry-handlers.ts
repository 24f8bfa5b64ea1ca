/**
 * The `registry:*` calls of the handler table (Settings ▸ Registries, the add flow's search, a
 * pasted domain, install links' entries, updates of servers added from a registry), over the
 * RegistryService (main/core/registry). Arguments are checked here like every other call's; a
 * token is never echoed in an error.
 */
import type {
  CallName,
  CallValue,
  RegistryAddInput,
  RegistryEntry,
  RegistryOrigin,
  RegistryPage,
  RegistrySearchInput,
  RegistrySource,
  RegistryUpdate,
  RegistryUpdateInput,
  Result,
  UpdateServerResult,
} from '../../../common/contract';

/** What the calls need of the registry service (main/core/registry/registry-service.ts). */
export interface RegistryCalls {
  sources(): Promise<RegistrySource[]>;
  addSource(input: RegistryAddInput): Promise<RegistrySource>;
  updateSource(input: RegistryUpdateInput): Promise<RegistrySource>;
  removeSource(registryId: string): Promise<void>;
  search(input: RegistrySearchInput): Promise<RegistryPage>;
  entry(registryId: string, name: string): Promise<RegistryEntry>;
  openLink(registryId: string, name: string, which: 'repository' | 'website'): Promise<void>;
  resolveDomain(input: string): Promise<RegistryEntry | null>;
  /** `fresh`: ask the registry now (before applying), not the cached answer. */
  checkUpdate(serverId: string, fresh?: boolean): Promise<RegistryUpdate | null>;
  rememberOrigin(serverId: string, origin: RegistryOrigin): void;
  forgetOrigin(serverId: string): void;
  markUpdated(serverId: string, version: string): void;
}

type RegistryCallName =
  | 'registry:sources'
  | 'registry:add-source'
  | 'registry:update-source'
  | 'registry:remove-source'
  | 'registry:search'
  | 'registry:entry'
  | 'registry:open-link'
  | 'registry:resolve-domain'
  | 'registry:check-update'
  | 'registry:apply-update';

type Table = { [K in RegistryCallName]: (arg: unknown) => Promise<Result<CallValue<K>>> };

class ArgError extends Error {}

function record(name: CallName, arg: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw new ArgError(`${name}: expected an object { ${keys.join(', ')} }`);
  for (const k of Object.keys(arg)) if (!keys.includes(k)) throw new ArgError(`${name}: unknown field "${k.slice(0, 64)}" (allowed: ${keys.join(', ')})`);
  return arg as Record<string, unknown>;
}

function text(name: CallName, field: string, v: unknown, max: number, required: boolean): string | undefined {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') throw new ArgError(`${name}: "${field}" must be a string`);
  if (required && !v.trim()) throw new ArgError(`${name}: "${field}" must not be empty`);
  if (v.length > max) throw new ArgError(`${name}: "${field}" is longer than ${max} characters`);
  return v;
}

/** A token: a string of visible characters; never echoed. */
function token(name: CallName, v: unknown, nullable: boolean): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null && nullable) return null;
  if (typeof v !== 'string' || v.length > 8192 || /[\s\u0000-\u001f]/.test(v.trim()))
    throw new ArgError(`${name}: "token" must be a bearer token (visible characters, at most 8192)`);
  return v.trim() || (nullable ? null : undefined);
}

function nothing(name: CallName, arg: unknown): void {
  if (arg !== undefined && arg !== null) throw new ArgError(`${name}: takes no argument`);
}

async function guard<T>(fn: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: err instanceof Error && err.message ? err.message : 'Unknown error' };
  }
}

/** An origin sent with `servers:add` (the entry the form was filled from). */
export function parseOrigin(name: CallName, v: unknown): RegistryOrigin | undefined {
  if (v === undefined) return undefined;
  const o = record(name, v, ['registryId', 'name', 'version']);
  return {
    registryId: text(name, 'origin.registryId', o.registryId, 64, true)!,
    name: text(name, 'origin.name', o.name, 200, true)!,
    version: text(name, 'origin.version', o.version, 255, true)!,
  };
}

export interface ServerEdits {
  updateServer(input: { serverId: string; url?: string; headers?: Record<string, string | null> }): Promise<UpdateServerResult>;
}

export function registryHandlers(registry: RegistryCalls | undefined, servers: ServerEdits): Table {
  const need = (): RegistryCalls => {
    if (!registry) throw new Error('This host does not search registries.');
    return registry;
  };
  return {
    'registry:sources': (arg) =>
      guard(() => {
        nothing('registry:sources', arg);
        return need().sources();
      }),
    'registry:add-source': (arg) =>
      guard(() => {
        const n: CallName = 'registry:add-source';
        const o = record(n, arg, ['url', 'name', 'token']);
        const input: RegistryAddInput = { url: text(n, 'url', o.url, 2048, true)! };
        const name = text(n, 'name', o.name, 200, false);
        if (name) input.name = name;
        const t = token(n, o.token, false);
        if (t) input.token = t;
        return need().addSource(input);
      }),
    'registry:update-source': (arg) =>
      guard(() => {
        const n: CallName = 'registry:update-source';
        const o = record(n, arg, ['registryId', 'enabled', 'name', 'token']);
        const input: RegistryUpdateInput = { registryId: text(n, 'registryId', o.registryId, 64, true)! };
        if (o.enabled !== undefined) {
          if (typeof o.enabled !== 'boolean') throw new ArgError(`${n}: "enabled" must be true or false`);
          input.enabled = o.enabled;
        }
        const name = text(n, 'name', o.name, 200, false);
        if (name !== undefined) input.name = name;
        const t = token(n, o.token, true);
        if (t !== undefined) input.token = t;
        return need().updateSource(input);
      }),
    'registry:remove-source': (arg) =>
      guard(() => {
        const n: CallName = 'registry:remove-source';
        const o = record(n, arg, ['registryId']);
        return need().removeSource(text(n, 'registryId', o.registryId, 64, true)!);
      }),
    'registry:search': (arg) =>
      guard(() => {
        const n: CallName = 'registry:search';
        const o = record(n, arg, ['registryId', 'query', 'cursor']);
        const input: RegistrySearchInput = { registryId: text(n, 'registryId', o.registryId, 64, true)!, query: text(n, 'query', o.query ?? '', 200, false)! };
        const cursor = text(n, 'cursor', o.cursor, 2048, false);
        if (cursor) input.cursor = cursor;
        return need().search(input);
      }),
    'registry:entry': (arg) =>
      guard(() => {
        const n: CallName = 'registry:entry';
        const o = record(n, arg, ['registryId', 'name']);
        return need().entry(text(n, 'registryId', o.registryId, 64, true)!, text(n, 'name', o.name, 200, true)!);
      }),
    'registry:open-link': (arg) =>
      guard(() => {
        const n: CallName = 'registry:open-link';
        const o = record(n, arg, ['registryId', 'name', 'which']);
        if (o.which !== 'repository' && o.which !== 'website') throw new ArgError(`${n}: "which" must be repository or website`);
        return need().openLink(text(n, 'registryId', o.registryId, 64, true)!, text(n, 'name', o.name, 200, true)!, o.which);
      }),
    'registry:resolve-domain': (arg) =>
      guard(() => {
        const n: CallName = 'registry:resolve-domain';
        const o = record(n, arg, ['input']);
        return need().resolveDomain(text(n, 'input', o.input, 2048, true)!);
      }),
    'registry:check-update': (arg) =>
      guard(() => {
        const n: CallName = 'registry:check-update';
        const o = record(n, arg, ['serverId']);
        return need().checkUpdate(text(n, 'serverId', o.serverId, 200, true)!);
      }),
    'registry:apply-update': (arg) =>
      guard(async () => {
        const n: CallName = 'registry:apply-update';
        const o = record(n, arg, ['serverId', 'headers']);
        const serverId = text(n, 'serverId', o.serverId, 200, true)!;
        const given: Record<string, string> = {};
        if (o.headers !== undefined) {
          const h = record(n, o.headers, Object.keys(o.headers ?? {}));
          for (const [k, v] of Object.entries(h)) {
            if (typeof v !== 'string' || v.length > 8192) throw new ArgError(`${n}: header "${k.slice(0, 64)}" must have a string value`);
            given[k] = v;
          }
        }
        const r = need();
        const update = await r.checkUpdate(serverId, true);
        if (!update) throw new Error('There is no update to apply: the registry lists no newer version with changes.');
        const headers: Record<string, string> = {};
        for (const h of update.newHeaders) {
          const v = given[h.name] ?? (h.secret ? undefined : h.value);
          if (v === undefined || v === '') {
            if (h.required) throw new Error(`Version ${update.latest} needs the header ${h.name}: give its value.`);
            continue;
          }
          headers[h.name] = v;
        }
        const result = await servers.updateServer({
          serverId,
          ...(update.url ? { url: update.url } : {}),
          ...(Object.keys(headers).length ? { headers } : {}),
        });
        r.markUpdated(serverId, update.latest);
        return result.server;
      }),
  };
}
