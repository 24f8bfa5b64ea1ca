/**
 * The tool policy's shared vocabulary: what the host decides and sends a proxy (a PolicySnapshot),
 * how a definition is pinned (the digest of its canonical JSON), and the one rule that says whether
 * a listed definition reaches a client. The host (main/core/tool-policy) keeps the records and is
 * the authority; a proxy (main/proxy/message-path/tool-policy-stage.ts) applies the rule to what the
 * server lists, with the snapshot the host last sent, so a listing never waits for the host.
 */
import { createHash } from 'node:crypto';
import type { DefinitionKind, ToolPolicyMode } from '../../common/contract';

export type { DefinitionKind, ToolPolicyMode } from '../../common/contract';

export const DEFINITION_KINDS: readonly DefinitionKind[] = ['tools', 'prompts', 'resourceTemplates'];

/** The list method of each kind, the field its answer lists in, and the notification that says it changed. */
export const KIND_METHODS: Record<DefinitionKind, { list: string; field: string; changed: string }> = {
  tools: { list: 'tools/list', field: 'tools', changed: 'notifications/tools/list_changed' },
  prompts: { list: 'prompts/list', field: 'prompts', changed: 'notifications/prompts/list_changed' },
  resourceTemplates: { list: 'resources/templates/list', field: 'resourceTemplates', changed: 'notifications/resources/list_changed' },
};

/** The name that identifies a definition of this kind (a resource template by its `name`, else its URI template). */
export function definitionName(kind: DefinitionKind, def: unknown): string | undefined {
  if (!def || typeof def !== 'object' || Array.isArray(def)) return undefined;
  const d = def as Record<string, unknown>;
  if (typeof d.name === 'string' && d.name) return d.name;
  if (kind === 'resourceTemplates' && typeof d.uriTemplate === 'string' && d.uriTemplate) return d.uriTemplate;
  return undefined;
}

/** JSON with object keys sorted at every depth: one text for one definition, whatever order the server sent. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The pin of a whole definition (name, description, schemas, annotations, everything): SHA-256 of its canonical JSON. */
export function definitionDigest(def: unknown): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}

type ByKind<T> = Partial<Record<DefinitionKind, T>>;

/** What a proxy needs from the host to decide, per server: sent with `start` and again as `policy` on every change. */
export interface PolicySnapshot {
  mode: ToolPolicyMode;
  /**
   * Kinds with nothing pinned yet: their first listing is taken as it is (and the host pins it as
   * the baseline), so servers from before the policy, and the first use of a new one, keep working.
   */
  adopt: DefinitionKind[];
  /** Approved definitions: name → digest. */
  approved: ByKind<Record<string, string>>;
  /** Definitions the user keeps from clients: name → the digest they blocked. */
  blocked: ByKind<Record<string, string>>;
  /** Per client install (the client's id, "cursor"): tool names that install does not see. */
  hidden: Record<string, string[]>;
}

/** Why a listed definition is kept from a client, or undefined when it reaches it. */
export type Withheld = 'pending' | 'blocked' | 'hidden';

/** The rule: does this definition (by name and digest) reach a client of this install? */
export function verdict(p: PolicySnapshot, kind: DefinitionKind, name: string, digest: string, install?: string): Withheld | undefined {
  if (p.blocked[kind]?.[name] === digest) return 'blocked';
  const approved = p.approved[kind]?.[name];
  const allowed =
    approved === digest ||
    p.mode === 'allow-all' ||
    p.adopt.includes(kind) ||
    // "allow new, ask for changed": a name never approved is new; an approved name with another digest is changed.
    (p.mode === 'allow-new' && approved === undefined);
  if (!allowed) return 'pending';
  if (kind === 'tools' && install !== undefined && p.hidden[install]?.includes(name)) return 'hidden';
  return undefined;
}

/** The sentence a client gets when it calls a tool (or gets a prompt) it may not use, and where to approve it. */
export function refusalMessage(kind: DefinitionKind, name: string, why: Withheld, server: string): string {
  const what = kind === 'prompts' ? `Prompt "${name}"` : `Tool "${name}"`;
  if (why === 'hidden')
    return `${what} of ${server} is turned off for this client in MCP Switchboard. Turn it on in MCP Switchboard: ${server} › Tools › this client's checklist (or: npm run cli -- tools <server> --client <id> --enable ${name}).`;
  if (why === 'blocked')
    return `${what} of ${server} is blocked in MCP Switchboard: its current definition was not approved. Review it in MCP Switchboard: ${server} › Tools.`;
  return `${what} of ${server} is new or its definition changed since it was approved, so MCP Switchboard withholds it until you review it. Approve it in MCP Switchboard: ${server} › Tools (or: npm run cli -- tools <server> --approve ${name}).`;
}

/** A client's hello as the proxy saw it: which install, what it called itself, how far its session got. */
export interface ClientHello {
  /** The install tag of the entry the client runs (a client id), when the entry carries one. */
  install?: string;
  /** The client's own clientInfo from its initialize. */
  clientName?: string;
  clientVersion?: string;
  /** The session reached tools/list (an answer went back to the client). */
  listedTools?: boolean;
}
