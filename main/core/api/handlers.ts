/**
 * The one handler table that implements every call of common/contract.ts over a SwitchboardCore.
 *
 * Transports (the Electron IPC transport, the browser shell) are thin loops over this table: they
 * check who is calling, then pass the raw, untrusted argument to `handlers[name](arg)`. Each handler
 * validates the argument's shape, calls the core and turns every exception into `{ ok: false }`.
 * Nothing here throws, and nothing here imports Electron.
 */
import {
  CALL_NAMES,
  type AddServerInput,
  type AppSettings,
  type AppInfo,
  type CallName,
  type EnterpriseConfigureInput,
  type SignInMode,
  type CallValue,
  type DefinitionKind,
  type ElicitationReply,
  type EventName,
  type Events,
  type ProbeInput,
  type Result,
  type UpdateServerInput,
  type ToolPolicyMode,
  TOOL_POLICY_MODES,
} from '../../../common/contract';
import { parseSettingsPatch, SettingsError } from '../settings';
import type { SwitchboardCore } from './core-port';
import { parseOrigin, registryHandlers, type RegistryCalls } from './registry-handlers';

export type Handler<K extends CallName> = (arg: unknown) => Promise<Result<CallValue<K>>>;
export type HandlerTable = { readonly [K in CallName]: Handler<K> };

/** Limits on what the renderer may send; generous for humans, small enough to refuse garbage. */
export const LIMITS = {
  urlLength: 2048,
  nameLength: 200,
  serverIdLength: 200,
  headerCount: 50,
  headerNameLength: 256,
  headerValueLength: 8192,
  tailLimit: 10_000,
  entryNameLength: 200,
  clientIdLength: 64,
  backupIdLength: 300,
  pathLength: 4096,
  definitionNameLength: 200,
  definitionNames: 1000,
} as const;

const DEFINITION_KIND_NAMES: readonly DefinitionKind[] = ['tools', 'prompts', 'resourceTemplates'];

/** Thrown by validators only; caught in `guard` and returned as the error string. */
class PayloadError extends Error {}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}

function expectNothing(name: CallName, arg: unknown): void {
  if (arg !== undefined && arg !== null) {
    throw new PayloadError(`${name}: takes no argument, got ${describe(arg)}`);
  }
}

function expectRecord(name: CallName, arg: unknown, shape: string): Record<string, unknown> {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    throw new PayloadError(`${name}: expected ${shape}, got ${describe(arg)}`);
  }
  return arg as Record<string, unknown>;
}

function expectKnownKeys(name: CallName, obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new PayloadError(`${name}: unknown field "${key}" (allowed: ${allowed.join(', ')})`);
    }
  }
}

function expectString(name: CallName, field: string, value: unknown, max: number, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') {
    throw new PayloadError(`${name}: "${field}" must be a string, got ${describe(value)}`);
  }
  if (required && value.trim() === '') throw new PayloadError(`${name}: "${field}" must not be empty`);
  if (value.length > max) throw new PayloadError(`${name}: "${field}" is longer than ${max} characters`);
  return value;
}

function expectServerId(name: CallName, obj: Record<string, unknown>): string {
  return expectString(name, 'serverId', obj.serverId, LIMITS.serverIdLength, true)!;
}

function expectPair(name: CallName, arg: unknown): { serverId: string; clientId: string } {
  const obj = expectRecord(name, arg, 'an object { serverId, clientId }');
  expectKnownKeys(name, obj, ['serverId', 'clientId']);
  return { serverId: expectServerId(name, obj), clientId: expectString(name, 'clientId', obj.clientId, LIMITS.clientIdLength, true)! };
}

export function parseAddServerInput(arg: unknown, name: CallName = 'servers:add'): AddServerInput {
  const obj = expectRecord(name, arg, 'an object { url, name?, headers?, clientId?, clientSecret?, scopes? }');
  expectKnownKeys(name, obj, [
    'url',
    'name',
    'headers',
    'clientId',
    'clientSecret',
    'scopes',
    'retryBudgetSeconds',
    'signIn',
    'privateKey',
    'signingAlgorithm',
    'proxy',
    'caFile',
    'draft',
    'origin',
  ]);
  const input: AddServerInput = { url: expectString(name, 'url', obj.url, LIMITS.urlLength, true)!.trim() };
  // An empty name means "no name": the form sends what the user typed.
  const displayName = expectString(name, 'name', obj.name, LIMITS.nameLength, false)?.trim();
  if (displayName) input.name = displayName;
  const clientId = expectString(name, 'clientId', obj.clientId, LIMITS.urlLength, false)?.trim();
  if (clientId) input.clientId = clientId;
  const scopes = expectString(name, 'scopes', obj.scopes, 1000, false)?.trim();
  if (scopes) input.scopes = scopes;
  // Never echo the secret back in an error.
  if (obj.clientSecret !== undefined && (typeof obj.clientSecret !== 'string' || obj.clientSecret.length > LIMITS.headerValueLength)) {
    throw new PayloadError(`${name}: "clientSecret" must be a string of at most ${LIMITS.headerValueLength} characters`);
  }
  if (obj.clientSecret) input.clientSecret = obj.clientSecret as string;
  const headers = parseHeaders(name, obj.headers);
  if (headers) input.headers = headers;
  // (the registry checks the range)
  if (obj.retryBudgetSeconds !== undefined) {
    if (typeof obj.retryBudgetSeconds !== 'number')
      throw new PayloadError(`${name}: "retryBudgetSeconds" must be a number, got ${describe(obj.retryBudgetSeconds)}`);
    input.retryBudgetSeconds = obj.retryBudgetSeconds;
  }
  if (obj.signIn !== undefined) {
    if (!SIGN_IN_MODES.includes(obj.signIn as SignInMode)) throw new PayloadError(`${name}: "signIn" must be one of ${SIGN_IN_MODES.join(', ')}`);
    input.signIn = obj.signIn as SignInMode;
  }
  // Never echo the key back in an error.
  if (obj.privateKey !== undefined && (typeof obj.privateKey !== 'string' || obj.privateKey.length > 16_384)) {
    throw new PayloadError(`${name}: "privateKey" must be a PEM text of at most 16384 characters`);
  }
  if (obj.privateKey) input.privateKey = obj.privateKey as string;
  const alg = expectString(name, 'signingAlgorithm', obj.signingAlgorithm, 16, false)?.trim();
  if (alg) input.signingAlgorithm = alg;
  Object.assign(input, parseNetworkFields(name, obj));
  if (obj.draft !== undefined && typeof obj.draft !== 'boolean') throw new PayloadError(`${name}: "draft" must be a boolean, got ${describe(obj.draft)}`);
  if (obj.draft) input.draft = true;
  const origin = parseOrigin(name, obj.origin);
  if (origin) input.origin = origin;
  return input;
}

/**
 * The Edit form. Header values, the client secret and a proxy URL (its password) are write-only:
 * validated by length and type, never echoed in an error.
 */
export function parseUpdateServerInput(arg: unknown): UpdateServerInput {
  const name: CallName = 'servers:update';
  const obj = expectRecord(name, arg, 'an object { serverId, name?, url?, headers?, scopes?, clientId?, clientSecret?, proxy?, caFile? }');
  expectKnownKeys(name, obj, ['serverId', 'name', 'url', 'headers', 'scopes', 'clientId', 'clientSecret', 'proxy', 'caFile']);
  const input: UpdateServerInput = { serverId: expectServerId(name, obj) };
  const displayName = expectString(name, 'name', obj.name, LIMITS.nameLength, false);
  if (displayName !== undefined) input.name = displayName;
  const url = expectString(name, 'url', obj.url, LIMITS.urlLength, false);
  if (url !== undefined) {
    if (url.trim() === '') throw new PayloadError(`${name}: "url" must not be empty`);
    input.url = url.trim();
  }
  const scopes = expectString(name, 'scopes', obj.scopes, 1000, false);
  if (scopes !== undefined) input.scopes = scopes;
  // Empty is a choice here: the system's proxy settings, no CA file of its own.
  const network = parseNetworkFields(name, obj);
  if (obj.proxy !== undefined) input.proxy = network.proxy ?? 'system';
  if (obj.caFile !== undefined) input.caFile = network.caFile ?? '';
  const clientId = expectString(name, 'clientId', obj.clientId, LIMITS.urlLength, false);
  if (clientId !== undefined) input.clientId = clientId;
  if (obj.clientSecret !== undefined) {
    if (
      obj.clientSecret !== null &&
      (typeof obj.clientSecret !== 'string' || obj.clientSecret.length === 0 || obj.clientSecret.length > LIMITS.headerValueLength)
    ) {
      throw new PayloadError(`${name}: "clientSecret" must be null or a string of 1 to ${LIMITS.headerValueLength} characters`);
    }
    input.clientSecret = obj.clientSecret as string | null;
  }
  if (obj.headers !== undefined) {
    if (typeof obj.headers !== 'object' || obj.headers === null || Array.isArray(obj.headers)) {
      throw new PayloadError(`${name}: "headers" must be an object of strings or nulls, got ${describe(obj.headers)}`);
    }
    const entries = Object.entries(obj.headers as Record<string, unknown>);
    if (entries.length > LIMITS.headerCount) throw new PayloadError(`${name}: at most ${LIMITS.headerCount} headers`);
    const headers: Record<string, string | null> = {};
    for (const [key, v] of entries) {
      if (key.length === 0 || key.length > LIMITS.headerNameLength) {
        throw new PayloadError(`${name}: header names must be 1 to ${LIMITS.headerNameLength} characters`);
      }
      if (v !== null && typeof v !== 'string') throw new PayloadError(`${name}: header "${key}" must have a string value or null`);
      if (typeof v === 'string' && v.length > LIMITS.headerValueLength) throw new PayloadError(`${name}: header "${key}" is too long`);
      headers[key] = v as string | null;
    }
    input.headers = headers;
  }
  return input;
}

const SIGN_IN_MODES: readonly SignInMode[] = ['browser', 'client-credentials', 'enterprise'];

/** The Advanced fields about the network: a proxy (may hold a password: never echoed) and a CA file. */
function parseNetworkFields(name: CallName, obj: Record<string, unknown>): { proxy?: string; caFile?: string } {
  const out: { proxy?: string; caFile?: string } = {};
  if (obj.proxy !== undefined && (typeof obj.proxy !== 'string' || obj.proxy.length > LIMITS.urlLength)) {
    throw new PayloadError(`${name}: "proxy" must be "system", "direct" or a proxy URL of at most ${LIMITS.urlLength} characters`);
  }
  const proxy = (obj.proxy as string | undefined)?.trim();
  if (proxy) out.proxy = proxy;
  const caFile = expectString(name, 'caFile', obj.caFile, 1024, false)?.trim();
  if (caFile) out.caFile = caFile;
  return out;
}

/** Extra headers: names and lengths checked here (the registry checks the rest); values never echoed. */
function parseHeaders(name: CallName, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PayloadError(`${name}: "headers" must be an object of strings, got ${describe(value)}`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > LIMITS.headerCount) {
    throw new PayloadError(`${name}: at most ${LIMITS.headerCount} headers`);
  }
  const headers: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > LIMITS.headerNameLength) {
      throw new PayloadError(`${name}: header names must be 1 to ${LIMITS.headerNameLength} characters`);
    }
    // Never echo header values: they are secrets.
    if (typeof v !== 'string') throw new PayloadError(`${name}: header "${key}" must have a string value`);
    if (v.length > LIMITS.headerValueLength) throw new PayloadError(`${name}: header "${key}" is too long`);
    headers[key] = v;
  }
  return headers;
}

export function parseProbeInput(arg: unknown): ProbeInput {
  const name: CallName = 'servers:probe';
  const obj = expectRecord(name, arg, 'an object { url, headers? }');
  expectKnownKeys(name, obj, ['url', 'headers', 'proxy', 'caFile']);
  const input: ProbeInput = { url: expectString(name, 'url', obj.url, LIMITS.urlLength, true)!.trim() };
  const headers = parseHeaders(name, obj.headers);
  if (headers) input.headers = headers;
  Object.assign(input, parseNetworkFields(name, obj));
  return input;
}

function parseSettings(arg: unknown): Partial<AppSettings> {
  const name: CallName = 'settings:set';
  const obj = expectRecord(name, arg, 'an object of settings');
  try {
    return parseSettingsPatch(obj);
  } catch (err) {
    if (err instanceof SettingsError) throw new PayloadError(`${name}: ${err.message}`);
    throw err;
  }
}

function expectKind(name: CallName, value: unknown): DefinitionKind {
  if (value === undefined) return 'tools';
  if (!DEFINITION_KIND_NAMES.includes(value as DefinitionKind)) throw new PayloadError(`${name}: "kind" must be one of ${DEFINITION_KIND_NAMES.join(', ')}`);
  return value as DefinitionKind;
}

function expectBoolean(name: CallName, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new PayloadError(`${name}: "${field}" must be a boolean, got ${describe(value)}`);
  return value;
}

function parseApprove(arg: unknown): { serverId: string; kind: DefinitionKind; names: string[] | 'all' } {
  const name: CallName = 'tools:approve';
  const obj = expectRecord(name, arg, 'an object { serverId, kind?, names? | all? }');
  expectKnownKeys(name, obj, ['serverId', 'kind', 'names', 'all']);
  const serverId = expectServerId(name, obj);
  const kind = expectKind(name, obj.kind);
  const all = obj.all === undefined ? false : expectBoolean(name, 'all', obj.all);
  if (all === (obj.names !== undefined)) throw new PayloadError(`${name}: give either "names" or "all": true`);
  if (all) return { serverId, kind, names: 'all' };
  if (!Array.isArray(obj.names) || obj.names.length === 0 || obj.names.length > LIMITS.definitionNames)
    throw new PayloadError(`${name}: "names" must be a list of 1 to ${LIMITS.definitionNames} names`);
  const names = obj.names.map((n) => expectString(name, 'names[]', n, LIMITS.definitionNameLength, true)!);
  return { serverId, kind, names };
}

function parseElicitationReply(arg: unknown): ElicitationReply {
  const name: CallName = 'elicitation:answer';
  const obj = expectRecord(name, arg, 'an object { id, action, content? }');
  expectKnownKeys(name, obj, ['id', 'action', 'content']);
  const id = expectString(name, 'id', obj.id, 100, true)!;
  if (obj.action !== 'accept' && obj.action !== 'decline' && obj.action !== 'cancel') {
    throw new PayloadError(`${name}: "action" must be accept, decline or cancel`);
  }
  const reply: ElicitationReply = { id, action: obj.action };
  if (obj.content !== undefined) {
    const content = expectRecord(name, obj.content, 'an object of values');
    if (Object.keys(content).length > 100 || JSON.stringify(content).length > 100_000) throw new PayloadError(`${name}: "content" is too large`);
    reply.content = content as ElicitationReply['content'];
  }
  return reply;
}

function parseEnterpriseInput(arg: unknown): EnterpriseConfigureInput {
  const name: CallName = 'enterprise:configure';
  const obj = expectRecord(name, arg, 'an object { issuer, clientId, clientSecret?, idToken? }');
  expectKnownKeys(name, obj, ['issuer', 'clientId', 'clientSecret', 'idToken']);
  const input: EnterpriseConfigureInput = {
    issuer: expectString(name, 'issuer', obj.issuer, LIMITS.urlLength, true)!.trim(),
    clientId: expectString(name, 'clientId', obj.clientId, 256, true)!.trim(),
  };
  // Secrets: never echoed.
  for (const field of ['clientSecret', 'idToken'] as const) {
    const v = obj[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 65_536) throw new PayloadError(`${name}: "${field}" must be a string of at most 65536 characters`);
    input[field] = v;
  }
  return input;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  if (typeof err === 'string' && err) return err;
  return 'Unknown error';
}

/** Runs `fn`, turning any exception (sync or async) into a failed Result. */
async function guard<T>(fn: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  }
}

/** A call whose only argument is `{ serverId }`. */
function onServer<T>(name: CallName, action: (serverId: string) => Promise<T>) {
  return (arg: unknown): Promise<Result<T>> =>
    guard(async () => {
      const obj = expectRecord(name, arg, 'an object { serverId }');
      expectKnownKeys(name, obj, ['serverId']);
      return action(expectServerId(name, obj));
    });
}

/** `registry`: the registries' calls (absent: this host searches none, and says so). */
export function createHandlers(core: SwitchboardCore, appInfo: AppInfo | (() => AppInfo), registry?: RegistryCalls): HandlerTable {
  const table: HandlerTable = {
    ...registryHandlers(registry, core),
    'servers:list': (arg) =>
      guard(() => {
        expectNothing('servers:list', arg);
        return core.listServers();
      }),
    'servers:add': (arg) =>
      guard(async () => {
        const input = parseAddServerInput(arg);
        const server = await core.addServer(input);
        // Picked from a registry: remembered, so a newer version's changes can be offered.
        if (input.origin) registry?.rememberOrigin(server.id, input.origin);
        return server;
      }),
    'servers:find-or-add': (arg) => guard(() => core.findOrAddServer(parseAddServerInput(arg, 'servers:find-or-add'))),
    'servers:keep': onServer('servers:keep', (id) => core.keepServer(id)),
    'servers:discard': onServer('servers:discard', async (id) => {
      await core.discardServer(id);
      registry?.forgetOrigin(id); // an abandoned add from a registry leaves no trace
    }),
    'servers:update': (arg) => guard(() => core.updateServer(parseUpdateServerInput(arg))),
    'servers:probe': (arg) => guard(() => core.probeServer(parseProbeInput(arg))),
    'servers:remove': (arg) =>
      guard(() => {
        const name: CallName = 'servers:remove';
        const obj = expectRecord(name, arg, 'an object { serverId, keepInClients? }');
        expectKnownKeys(name, obj, ['serverId', 'keepInClients']);
        const serverId = expectServerId(name, obj);
        if (obj.keepInClients !== undefined && typeof obj.keepInClients !== 'boolean') {
          throw new PayloadError(`${name}: "keepInClients" must be a boolean, got ${describe(obj.keepInClients)}`);
        }
        return core.removeServer(serverId, { keepInClients: obj.keepInClients === true }).then((r) => {
          registry?.forgetOrigin(serverId);
          return r;
        });
      }),
    'servers:tools': onServer('servers:tools', (id) => core.listTools(id)),
    'servers:set-enabled': (arg) =>
      guard(() => {
        const name: CallName = 'servers:set-enabled';
        const obj = expectRecord(name, arg, 'an object { serverId, enabled }');
        expectKnownKeys(name, obj, ['serverId', 'enabled']);
        const serverId = expectServerId(name, obj);
        if (typeof obj.enabled !== 'boolean') {
          throw new PayloadError(`${name}: "enabled" must be a boolean, got ${describe(obj.enabled)}`);
        }
        return core.setEnabled(serverId, obj.enabled);
      }),
    'servers:set-stand-ins': (arg) =>
      guard(() => {
        const name: CallName = 'servers:set-stand-ins';
        const obj = expectRecord(name, arg, 'an object { serverId, enabled, clientId? }');
        expectKnownKeys(name, obj, ['serverId', 'enabled', 'clientId']);
        const serverId = expectServerId(name, obj);
        if (typeof obj.enabled !== 'boolean') throw new PayloadError(`${name}: "enabled" must be a boolean, got ${describe(obj.enabled)}`);
        if (obj.clientId !== undefined && (typeof obj.clientId !== 'string' || !obj.clientId)) {
          throw new PayloadError(`${name}: "clientId" must be a client id, got ${describe(obj.clientId)}`);
        }
        return core.setStandIns(serverId, obj.enabled, obj.clientId);
      }),
    'servers:restart': onServer('servers:restart', (id) => core.restartServer(id)),
    'servers:ensure-running': onServer('servers:ensure-running', (id) => core.ensureRunning(id)),
    'auth:sign-in': onServer('auth:sign-in', (id) => core.signIn(id)),
    'auth:reset': onServer('auth:reset', (id) => core.resetSignIn(id)),
    'auth:sign-in-page': onServer('auth:sign-in-page', async (id) => core.signInPage(id)),
    'auth:open-sign-in-page': onServer('auth:open-sign-in-page', (id) => core.openSignInPage(id)),
    'auth:cancel-sign-in': onServer('auth:cancel-sign-in', (id) => core.cancelSignIn(id)),
    'logs:tail': (arg) =>
      guard(() => {
        const name: CallName = 'logs:tail';
        if (arg === undefined || arg === null) return core.tailLogs(undefined);
        const obj = expectRecord(name, arg, 'an object { serverId?, limit? }');
        expectKnownKeys(name, obj, ['serverId', 'limit']);
        const serverId = obj.serverId === undefined ? undefined : expectServerId(name, obj);
        const limit = obj.limit;
        if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIMITS.tailLimit)) {
          throw new PayloadError(`${name}: "limit" must be an integer from 1 to ${LIMITS.tailLimit}`);
        }
        return core.tailLogs(serverId, limit as number | undefined);
      }),
    'logs:export-diagnostics': (arg) =>
      guard(() => {
        expectNothing('logs:export-diagnostics', arg);
        return core.exportDiagnostics();
      }),
    'clients:list': (arg) =>
      guard(() => {
        expectNothing('clients:list', arg);
        return core.listClients();
      }),
    'clients:status': (arg) =>
      guard(async () => {
        const name: CallName = 'clients:status';
        if (arg === undefined || arg === null) return core.installStatus();
        const obj = expectRecord(name, arg, 'an object { serverId? }');
        expectKnownKeys(name, obj, ['serverId']);
        return core.installStatus(obj.serverId === undefined ? undefined : expectServerId(name, obj));
      }),
    'clients:install': (arg) =>
      guard(async () => {
        const { serverId, clientId } = expectPair('clients:install', arg);
        return core.install(serverId, clientId);
      }),
    'clients:uninstall': (arg) =>
      guard(async () => {
        const { serverId, clientId } = expectPair('clients:uninstall', arg);
        return core.uninstall(serverId, clientId);
      }),
    'clients:find-imports': (arg) =>
      guard(() => {
        expectNothing('clients:find-imports', arg);
        return core.findImports();
      }),
    'clients:import': (arg) =>
      guard(() => {
        const name: CallName = 'clients:import';
        const obj = expectRecord(name, arg, 'an object { clientId, entryName }');
        expectKnownKeys(name, obj, ['clientId', 'entryName']);
        const clientId = expectString(name, 'clientId', obj.clientId, LIMITS.clientIdLength, true)!;
        const entryName = expectString(name, 'entryName', obj.entryName, LIMITS.entryNameLength, true)!;
        return core.importEntry(clientId, entryName);
      }),
    'clients:backups': (arg) =>
      guard(() => {
        const name: CallName = 'clients:backups';
        const obj = expectRecord(name, arg, 'an object { clientId }');
        expectKnownKeys(name, obj, ['clientId']);
        return core.configBackups(expectString(name, 'clientId', obj.clientId, LIMITS.clientIdLength, true)!);
      }),
    'clients:restore-backup': (arg) =>
      guard(() => {
        const name: CallName = 'clients:restore-backup';
        const obj = expectRecord(name, arg, 'an object { clientId, backupId }');
        expectKnownKeys(name, obj, ['clientId', 'backupId']);
        const clientId = expectString(name, 'clientId', obj.clientId, LIMITS.clientIdLength, true)!;
        const backupId = expectString(name, 'backupId', obj.backupId, LIMITS.backupIdLength, true)!;
        if (/[\\/]|^\.\.?$/.test(backupId)) throw new PayloadError(`${name}: "backupId" is a backup's name, not a path`);
        return core.restoreBackup(clientId, backupId);
      }),
    'tools:review': onServer('tools:review', (id) => core.toolReview(id)),
    'tools:approve': (arg) =>
      guard(() => {
        const { serverId, kind, names } = parseApprove(arg);
        return core.approveDefinitions(serverId, kind, names);
      }),
    'tools:block': (arg) =>
      guard(() => {
        const name: CallName = 'tools:block';
        const obj = expectRecord(name, arg, 'an object { serverId, kind?, name }');
        expectKnownKeys(name, obj, ['serverId', 'kind', 'name']);
        const serverId = expectServerId(name, obj);
        return core.blockDefinition(serverId, expectKind(name, obj.kind), expectString(name, 'name', obj.name, LIMITS.definitionNameLength, true)!);
      }),
    'tools:set-policy': (arg) =>
      guard(() => {
        const name: CallName = 'tools:set-policy';
        const obj = expectRecord(name, arg, 'an object { serverId, mode }');
        expectKnownKeys(name, obj, ['serverId', 'mode']);
        const serverId = expectServerId(name, obj);
        if (!TOOL_POLICY_MODES.includes(obj.mode as ToolPolicyMode)) throw new PayloadError(`${name}: "mode" must be one of ${TOOL_POLICY_MODES.join(', ')}`);
        return core.setToolPolicy(serverId, obj.mode as ToolPolicyMode);
      }),
    'tools:clients': onServer('tools:clients', (id) => core.clientTools(id)),
    'tools:set-hidden': (arg) =>
      guard(() => {
        const name: CallName = 'tools:set-hidden';
        const obj = expectRecord(name, arg, 'an object { serverId, clientId, tool, hidden }');
        expectKnownKeys(name, obj, ['serverId', 'clientId', 'tool', 'hidden']);
        const serverId = expectServerId(name, obj);
        const clientId = expectString(name, 'clientId', obj.clientId, LIMITS.clientIdLength, true)!;
        if (!/^[a-z0-9][a-z0-9-]*$/.test(clientId)) throw new PayloadError(`${name}: "clientId" must be a client id (lowercase letters, digits, -)`);
        const tool = expectString(name, 'tool', obj.tool, LIMITS.definitionNameLength, true)!;
        return core.setToolHidden(serverId, clientId, tool, expectBoolean(name, 'hidden', obj.hidden));
      }),
    'tools:context-cost': (arg) =>
      guard(() => {
        expectNothing('tools:context-cost', arg);
        return core.contextCost();
      }),
    'settings:get': (arg) =>
      guard(() => {
        expectNothing('settings:get', arg);
        return core.getSettings();
      }),
    'settings:set': (arg) => guard(() => core.setSettings(parseSettings(arg))),
    'network:set-proxy-password': (arg) =>
      guard(() => {
        const name: CallName = 'network:set-proxy-password';
        const obj = expectRecord(name, arg, 'an object { password }');
        expectKnownKeys(name, obj, ['password']);
        if (obj.password !== null && (typeof obj.password !== 'string' || obj.password.length > LIMITS.headerValueLength)) {
          throw new PayloadError(`${name}: "password" must be a string or null`);
        }
        return core.setProxyPassword((obj.password as string | null) || null);
      }),
    'enterprise:status': (arg) =>
      guard(() => {
        expectNothing('enterprise:status', arg);
        return core.enterpriseStatus();
      }),
    'enterprise:configure': (arg) => guard(() => core.configureEnterprise(parseEnterpriseInput(arg))),
    'enterprise:sign-in': (arg) =>
      guard(() => {
        expectNothing('enterprise:sign-in', arg);
        return core.signInToEnterprise();
      }),
    'enterprise:sign-out': (arg) =>
      guard(() => {
        expectNothing('enterprise:sign-out', arg);
        return core.signOutOfEnterprise();
      }),
    'app:take-proposal': (arg) =>
      guard(() => {
        expectNothing('app:take-proposal', arg);
        return core.takeProposal();
      }),
    'app:take-view-request': (arg) =>
      guard(() => {
        expectNothing('app:take-view-request', arg);
        return core.takeViewRequest();
      }),
    'app:reveal': (arg) =>
      guard(() => {
        const name: CallName = 'app:reveal';
        const obj = expectRecord(name, arg, 'an object { path }');
        expectKnownKeys(name, obj, ['path']);
        return core.reveal(expectString(name, 'path', obj.path, LIMITS.pathLength, true)!);
      }),
    'elicitation:list': (arg) =>
      guard(() => {
        expectNothing('elicitation:list', arg);
        return core.listElicitations();
      }),
    'elicitation:answer': (arg) => guard(() => core.answerElicitation(parseElicitationReply(arg))),
    'app:info': (arg) =>
      guard(() => {
        expectNothing('app:info', arg);
        const info = typeof appInfo === 'function' ? appInfo() : appInfo;
        return { ...info };
      }),
  };
  return table;
}

/** Calls `handlers[name]` for an untrusted channel name; unknown names are refused, not thrown. */
export function dispatch(handlers: HandlerTable, name: unknown, arg: unknown): Promise<Result<unknown>> {
  if (typeof name !== 'string' || !(CALL_NAMES as readonly string[]).includes(name)) {
    return Promise.resolve({ ok: false, error: `Unknown call "${String(name)}"` });
  }
  return (handlers[name as CallName] as (arg: unknown) => Promise<Result<unknown>>)(arg);
}

export type EventSink = <K extends EventName>(name: K, payload: Events[K]) => void;

/**
 * Subscribes to the core's events and forwards them as contract events. A sink that throws (a
 * destroyed window, say) never breaks the core's emitter. Returns the function that unsubscribes all.
 */
export function forwardEvents(core: SwitchboardCore, sink: EventSink): () => void {
  const safe = <K extends EventName>(name: K, payload: Events[K]) => {
    try {
      sink(name, payload);
    } catch {
      // The sink is responsible for its own reporting; the core must keep going.
    }
  };
  const disposers = [
    core.onDidChangeStatus((status) => safe('servers:did-change-status', status)),
    core.onDidChangeServers((servers) => safe('servers:did-change-list', servers)),
    core.onDidChangeSettings((settings) => safe('settings:did-change', settings)),
    core.onDidAppendLogs((events) => safe('logs:did-append', events)),
    core.onDidProposeAdd((proposal) => safe('app:did-propose-add', proposal)),
    core.onDidRequestView((request) => safe('app:did-request-view', request)),
    core.onDidChangeTools((e) => safe('tools:did-change', e)),
    core.onDidChangeElicitations((pending) => safe('elicitation:did-change', pending)),
  ];
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    for (const d of disposers) d();
  };
}
