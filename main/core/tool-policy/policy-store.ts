/**
 * The tool policy's records, persisted in settings.json under `toolPolicy` (one record per server
 * id) through the same store as the server registry. What is read back is checked field by field:
 * a damaged value counts as absent, never as a grant. A server without a record is one whose
 * definitions were never listed since the policy exists (added before it, or not listed yet): its
 * first listing of each kind is pinned as the baseline, unless the record says `reviewFirst`.
 */
import type { DefinitionKind, LastSeen, ToolPolicyMode } from '../../../common/contract';
import { TOOL_POLICY_MODES } from '../../../common/contract';
import { DEFINITION_KINDS } from '../../shared/tool-policy';
import type { SettingsStore } from '../settings-store';

export type Definition = Record<string, unknown>;

export interface PinnedDefinition {
  digest: string;
  definition: Definition;
  at: number;
  how: 'first-use' | 'user' | 'policy';
}

export interface ListedDefinition {
  digest: string;
  /** Kept when it differs from the approved version (pending or blocked): the review's "new" side. */
  definition?: Definition;
  /** This version listed since (epoch ms). */
  since: number;
}

export interface KindRecord {
  approved: Record<string, PinnedDefinition>;
  blocked: Record<string, { digest: string; at: number }>;
  /** The latest complete listing. */
  listed: Record<string, ListedDefinition>;
  listedAt: number;
}

export interface ServerPolicyRecord {
  mode: ToolPolicyMode;
  /**
   * Added while Settings said "review new servers' tools": a kind's first listing waits for the
   * user like any new definition. Absent (servers from before the policy, or "trust"): the first
   * listing is the baseline.
   */
  reviewFirst?: true;
  /** A kind absent here has never been listed: its first listing is the baseline. */
  kinds: Partial<Record<DefinitionKind, KindRecord>>;
  /** Per client install: the tools it does not see. */
  hidden: Record<string, string[]>;
  /** Per client install: its last connection. */
  seen: Record<string, LastSeen>;
}

const KEY = 'toolPolicy';

export function emptyRecord(): ServerPolicyRecord {
  return { mode: 'ask', kinds: {}, hidden: {}, seen: {} };
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isDigest = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

function entries<T>(v: unknown, each: (x: unknown) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  if (!isObj(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    const t = each(x);
    if (t !== undefined) out[k] = t;
  }
  return out;
}

function readKind(v: unknown): KindRecord | undefined {
  if (!isObj(v)) return undefined;
  return {
    approved: entries(v.approved, (x) =>
      isObj(x) && isDigest(x.digest) && isObj(x.definition) && isNum(x.at) && ['first-use', 'user', 'policy'].includes(x.how as string)
        ? { digest: x.digest, definition: x.definition, at: x.at, how: x.how as PinnedDefinition['how'] }
        : undefined,
    ),
    blocked: entries(v.blocked, (x) => (isObj(x) && isDigest(x.digest) && isNum(x.at) ? { digest: x.digest, at: x.at } : undefined)),
    listed: entries(v.listed, (x) =>
      isObj(x) && isDigest(x.digest) && isNum(x.since)
        ? { digest: x.digest, since: x.since, ...(isObj(x.definition) ? { definition: x.definition } : {}) }
        : undefined,
    ),
    listedAt: isNum(v.listedAt) ? v.listedAt : 0,
  };
}

/** A record as read back from settings.json: only well-formed parts survive. */
export function readRecord(v: unknown): ServerPolicyRecord {
  const r = emptyRecord();
  if (!isObj(v)) return r;
  if (TOOL_POLICY_MODES.includes(v.mode as ToolPolicyMode)) r.mode = v.mode as ToolPolicyMode;
  if (v.reviewFirst === true) r.reviewFirst = true;
  if (isObj(v.kinds)) {
    for (const kind of DEFINITION_KINDS) {
      const k = readKind(v.kinds[kind]);
      if (k) r.kinds[kind] = k;
    }
  }
  r.hidden = entries(v.hidden, (x) => (Array.isArray(x) ? x.filter((n): n is string => typeof n === 'string') : undefined));
  r.seen = entries(v.seen, (x) =>
    isObj(x) && isNum(x.at)
      ? {
          at: x.at,
          listedTools: x.listedTools === true,
          ...(typeof x.clientName === 'string' ? { clientName: x.clientName } : {}),
          ...(typeof x.clientVersion === 'string' ? { clientVersion: x.clientVersion } : {}),
        }
      : undefined,
  );
  return r;
}

export class ToolPolicyStore {
  constructor(private readonly store: SettingsStore) {}

  private all(): Record<string, unknown> {
    const raw = this.store.get(KEY);
    return isObj(raw) ? raw : {};
  }

  /** The server's record (an empty one when it has none). */
  get(serverId: string): ServerPolicyRecord {
    return readRecord(this.all()[serverId]);
  }

  has(serverId: string): boolean {
    return serverId in this.all();
  }

  /** Changes one server's record and saves it; returns the record saved. */
  update(serverId: string, change: (r: ServerPolicyRecord) => void): ServerPolicyRecord {
    const r = this.get(serverId);
    change(r);
    this.store.set(KEY, { ...this.all(), [serverId]: r });
    return r;
  }

  forget(serverId: string): void {
    const all = this.all();
    if (!(serverId in all)) return;
    delete all[serverId];
    this.store.set(KEY, all);
  }
}
