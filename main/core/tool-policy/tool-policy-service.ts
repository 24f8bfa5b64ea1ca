/**
 * The host's tool policy (issue 16): the authority on what each client may see of each server.
 * It pins every approved definition (tools, prompts, resource templates) by the digest of its
 * canonical JSON, compares each listing a proxy reports (`definitions`) with the pins, withholds
 * what is new or changed as the server's policy says, and sends the proxy a PolicySnapshot (with
 * `start`, and as `policy` after every change). It keeps, per server × client install, the tools
 * turned off and the last connection (`client-hello`), and answers the window's and the command
 * line's review, approvals, blocks, checklists and context-cost numbers.
 *
 * A server added while Settings says "review new servers' tools" (the default) is `welcome`d: each
 * kind's first listing waits for the user like any new definition, withheld from every client until
 * approved. Other servers (from before the policy, or added under "trust") take a kind's first
 * listing as the baseline (shown "approved at first use"). From then on the policy governs.
 */
import type { ClientContextCost, ClientTools, DefinitionKind, DefinitionView, LastSeen, ToolPolicyMode, ToolReview } from '../../../common/contract';
import { TOOL_POLICY_MODES } from '../../../common/contract';
import { canonicalJson, DEFINITION_KINDS, definitionName, verdict, type ClientHello, type PolicySnapshot } from '../../shared/tool-policy';
import { createHash } from 'node:crypto';
import type { Clock, Notifier } from '../ports';
import type { SettingsStore } from '../settings-store';
import { changedFields, describeFields, estimateTokens } from './context-cost';
import { ToolPolicyStore, type Definition, type KindRecord, type ServerPolicyRecord } from './policy-store';

export interface InstallRow {
  serverId: string;
  clientId: string;
  /** Ours in the client's config (installed or stale). */
  installed: boolean;
}

export interface ToolPolicyOptions {
  store: SettingsStore;
  clock: Clock;
  /** Sends a running proxy its new snapshot. */
  push(serverId: string, policy: PolicySnapshot): void;
  serverName(serverId: string): string | undefined;
  serverIds(): string[];
  /** Where each server is installed (client configs); absent in a host that installs nowhere. */
  installs?(serverIds: string[]): Promise<InstallRow[]>;
  clientName(clientId: string): string | undefined;
  notifier?: Notifier;
  log(serverId: string, level: 'info' | 'warn', message: string): void;
}

const MAX_NAME = 200;
/** A definition whose canonical JSON is longer is not kept (nor approved): it stays withheld, with a warning. */
const MAX_DEFINITION_CHARS = 256 * 1024;
/** Definitions of one kind kept per listing. */
const MAX_DEFINITIONS = 2000;
/** Names a notification lists before "and N more". */
const MAX_NAMED = 5;
const KIND_WORD: Record<DefinitionKind, [string, string]> = {
  tools: ['tool', 'tools'],
  prompts: ['prompt', 'prompts'],
  resourceTemplates: ['resource template', 'resource templates'],
};

export class ToolPolicyError extends Error {}

/** "a, b, c and 4 more". */
function named(names: string[]): string {
  return names.length <= MAX_NAMED ? names.join(', ') : `${names.slice(0, MAX_NAMED).join(', ')} and ${names.length - MAX_NAMED} more`;
}

export class ToolPolicyService {
  private readonly records: ToolPolicyStore;
  private readonly listeners = new Set<(e: { serverId: string; pending: number }) => void>();

  constructor(private readonly opts: ToolPolicyOptions) {
    this.records = new ToolPolicyStore(opts.store);
  }

  // ---- what the proxy gets -----------------------------------------------------------------

  /** The snapshot a proxy starts with (and gets after each change). */
  snapshot(serverId: string): PolicySnapshot {
    const r = this.records.get(serverId);
    const approved: PolicySnapshot['approved'] = {};
    const blocked: PolicySnapshot['blocked'] = {};
    for (const kind of DEFINITION_KINDS) {
      const k = r.kinds[kind];
      if (!k) continue;
      approved[kind] = Object.fromEntries(Object.entries(k.approved).map(([n, p]) => [n, p.digest]));
      blocked[kind] = Object.fromEntries(Object.entries(k.blocked).map(([n, b]) => [n, b.digest]));
    }
    return { mode: r.mode, adopt: r.reviewFirst ? [] : DEFINITION_KINDS.filter((k) => !r.kinds[k]), approved, blocked, hidden: r.hidden };
  }

  /** A server added now whose first listing the user reviews before any client sees it. */
  welcome(serverId: string): void {
    this.records.update(serverId, (r) => {
      r.reviewFirst = true;
    });
    this.opts.push(serverId, this.snapshot(serverId));
  }

  /** Whether the server's tools were never listed (the window lists them once it is ready, so the review is there at once). */
  awaitsFirstListing(serverId: string): boolean {
    const r = this.records.get(serverId);
    return r.reviewFirst === true && !r.kinds.tools;
  }

  /** Every server's proxy gets its snapshot again (settings.json changed elsewhere). */
  resync(): void {
    for (const id of this.opts.serverIds()) this.changed(id);
  }

  // ---- what the proxy reports --------------------------------------------------------------

  /** A proxy saw a complete listing: pin the baseline, apply the policy, keep what waits for review. */
  observe(serverId: string, kind: DefinitionKind, items: unknown[]): void {
    if (!DEFINITION_KINDS.includes(kind) || !Array.isArray(items) || !this.opts.serverName(serverId)) return;
    const now = this.opts.clock.now();
    const news: string[] = [];
    const changes: Array<{ name: string; fields: string[] }> = [];
    const tooLarge: string[] = [];
    let first = false;
    this.records.update(serverId, (r) => {
      const before = r.kinds[kind];
      first = !before;
      const k: KindRecord = { approved: { ...before?.approved }, blocked: { ...before?.blocked }, listed: {}, listedAt: now };
      for (const item of items.slice(0, MAX_DEFINITIONS)) {
        const name = definitionName(kind, item);
        if (!name || name.length > MAX_NAME || k.listed[name]) continue;
        const def = item as Definition;
        const text = canonicalJson(def);
        if (text.length > MAX_DEFINITION_CHARS) {
          tooLarge.push(name);
          continue;
        }
        // The same digest as shared/tool-policy.ts definitionDigest, from the text made for the size check.
        const digest = createHash('sha256').update(text).digest('hex');
        const approved = k.approved[name];
        const was = before?.listed[name];
        const since = was?.digest === digest ? was.since : now;
        if (approved?.digest === digest) {
          k.listed[name] = { digest, since };
          continue;
        }
        const auto = !before && !r.reviewFirst ? 'first-use' : r.mode === 'allow-all' || (r.mode === 'allow-new' && !approved) ? 'policy' : undefined;
        if (auto && k.blocked[name]?.digest !== digest) {
          k.approved[name] = { digest, definition: def, at: now, how: auto };
          k.listed[name] = { digest, since };
          continue;
        }
        k.listed[name] = { digest, definition: def, since };
        // Announced once per version: a listing that repeats a pending one says nothing new.
        if (was?.digest === digest || k.blocked[name]?.digest === digest) continue;
        if (approved) changes.push({ name, fields: changedFields(approved.definition, def) });
        else news.push(name);
      }
      r.kinds[kind] = k;
    });
    if (tooLarge.length)
      this.opts.log(serverId, 'warn', `Withheld ${KIND_WORD[kind][1]} with definitions over 256 KB (not kept for review): ${named(tooLarge)}`);
    if (news.length || changes.length) this.announce(serverId, kind, news, changes, first);
    this.changed(serverId);
  }

  /** A client said who it is, or its session got its tools/list answer. */
  hello(serverId: string, h: ClientHello): void {
    if (!h || typeof h.install !== 'string' || !this.opts.serverName(serverId)) return;
    const install = h.install;
    const now = this.opts.clock.now();
    this.records.update(serverId, (r) => {
      const last = r.seen[install];
      const seen: LastSeen = h.listedTools
        ? { ...(last ?? {}), at: now, listedTools: true }
        : {
            at: now,
            listedTools: false,
            ...(typeof h.clientName === 'string' ? { clientName: h.clientName.slice(0, 100) } : {}),
            ...(typeof h.clientVersion === 'string' ? { clientVersion: h.clientVersion.slice(0, 50) } : {}),
          };
      r.seen[install] = seen;
    });
    this.emit(serverId);
  }

  /** The server was removed: its pins, rules and records go with it. */
  forget(serverId: string): void {
    this.records.forget(serverId);
  }

  // ---- the review --------------------------------------------------------------------------

  review(serverId: string): ToolReview {
    this.requireServer(serverId);
    const r = this.records.get(serverId);
    const items: DefinitionView[] = [];
    let listedAt: number | undefined;
    for (const kind of DEFINITION_KINDS) {
      const k = r.kinds[kind];
      if (!k) continue;
      if (k.listedAt) listedAt = Math.max(listedAt ?? 0, k.listedAt);
      for (const name of Object.keys(k.listed).sort()) items.push(this.view(kind, name, k));
    }
    return { serverId, mode: r.mode, ...(listedAt ? { listedAt } : {}), items, pending: items.filter((i) => i.state === 'pending').length };
  }

  private view(kind: DefinitionKind, name: string, k: KindRecord): DefinitionView {
    const listed = k.listed[name]!;
    const approved = k.approved[name];
    const current = approved?.digest === listed.digest ? approved.definition : (listed.definition ?? {});
    const base = { kind, name, current, tokens: estimateTokens(current) };
    if (approved?.digest === listed.digest && k.blocked[name]?.digest !== listed.digest)
      return { ...base, state: 'approved', approvedAt: approved.at, approvedHow: approved.how };
    const previous = approved ? { previous: approved.definition, changed: changedFields(approved.definition, current) } : {};
    if (k.blocked[name]?.digest === listed.digest) return { ...base, ...previous, state: 'blocked', since: k.blocked[name]!.at };
    return { ...base, ...previous, state: 'pending', since: listed.since };
  }

  /** Approves the named pending (or blocked) definitions at the version listed now, or all of them. */
  approve(serverId: string, kind: DefinitionKind, names: string[] | 'all'): ToolReview {
    this.requireServer(serverId);
    const now = this.opts.clock.now();
    const approvedNames: string[] = [];
    this.records.update(serverId, (r) => {
      const k = r.kinds[kind];
      const waiting = k ? Object.keys(k.listed).filter((n) => this.view(kind, n, k).state !== 'approved') : [];
      const wanted = names === 'all' ? waiting : names;
      for (const name of wanted) {
        if (!k || !waiting.includes(name)) throw new ToolPolicyError(this.notWaiting(serverId, kind, name, k));
        const listed = k.listed[name]!;
        k.approved[name] = { digest: listed.digest, definition: listed.definition ?? k.approved[name]!.definition, at: now, how: 'user' };
        k.listed[name] = { digest: listed.digest, since: listed.since };
        delete k.blocked[name];
        approvedNames.push(name);
      }
    });
    if (approvedNames.length) this.opts.log(serverId, 'info', `Approved ${KIND_WORD[kind][approvedNames.length === 1 ? 0 : 1]} ${approvedNames.join(', ')}`);
    this.changed(serverId);
    return this.review(serverId);
  }

  /** Keeps the version listed now from every client, until the server changes it again. */
  block(serverId: string, kind: DefinitionKind, name: string): ToolReview {
    this.requireServer(serverId);
    this.records.update(serverId, (r) => {
      const k = r.kinds[kind];
      const listed = k?.listed[name];
      if (!k || !listed) throw new ToolPolicyError(`${this.serverLabel(serverId)} lists no ${KIND_WORD[kind][0]} "${name}".`);
      k.blocked[name] = { digest: listed.digest, at: this.opts.clock.now() };
      // The version stays for the review's diff.
      if (!listed.definition && k.approved[name]) listed.definition = k.approved[name].definition;
    });
    this.opts.log(serverId, 'info', `Blocked ${KIND_WORD[kind][0]} ${name}`);
    this.changed(serverId);
    return this.review(serverId);
  }

  /** Sets the server's policy; what the new policy allows of the waiting definitions is approved now. */
  setMode(serverId: string, mode: ToolPolicyMode): ToolReview {
    this.requireServer(serverId);
    if (!TOOL_POLICY_MODES.includes(mode)) throw new ToolPolicyError(`The policy must be one of ${TOOL_POLICY_MODES.join(', ')}.`);
    const now = this.opts.clock.now();
    this.records.update(serverId, (r) => {
      r.mode = mode;
      for (const kind of DEFINITION_KINDS) {
        const k = r.kinds[kind];
        if (!k || mode === 'ask') continue;
        for (const [name, listed] of Object.entries(k.listed)) {
          if (!listed.definition || k.blocked[name]?.digest === listed.digest) continue;
          if (mode === 'allow-new' && k.approved[name]) continue;
          k.approved[name] = { digest: listed.digest, definition: listed.definition, at: now, how: 'policy' };
          k.listed[name] = { digest: listed.digest, since: listed.since };
        }
      }
    });
    this.opts.log(serverId, 'info', `Tool policy set to "${mode}"`);
    this.changed(serverId);
    return this.review(serverId);
  }

  // ---- per client --------------------------------------------------------------------------

  async clients(serverId: string): Promise<ClientTools[]> {
    this.requireServer(serverId);
    const rows = (await this.opts.installs?.([serverId])) ?? [];
    const r = this.records.get(serverId);
    const ids = new Set([...rows.filter((x) => x.installed).map((x) => x.clientId), ...Object.keys(r.seen), ...Object.keys(r.hidden)]);
    return [...ids].sort().map((clientId) =>
      this.clientRow(
        serverId,
        clientId,
        r,
        rows.some((x) => x.installed && x.clientId === clientId),
      ),
    );
  }

  async setHidden(serverId: string, clientId: string, tool: string, hidden: boolean): Promise<ClientTools> {
    this.requireServer(serverId);
    const r = this.records.get(serverId);
    if (!r.kinds.tools?.listed[tool] && !r.hidden[clientId]?.includes(tool))
      throw new ToolPolicyError(`${this.serverLabel(serverId)} lists no tool "${tool}".`);
    this.records.update(serverId, (rec) => {
      const set = new Set(rec.hidden[clientId] ?? []);
      if (hidden) set.add(tool);
      else set.delete(tool);
      if (set.size) rec.hidden[clientId] = [...set].sort();
      else delete rec.hidden[clientId];
    });
    this.opts.log(serverId, 'info', `Tool ${tool} turned ${hidden ? 'off' : 'on'} for ${this.opts.clientName(clientId) ?? clientId}`);
    this.changed(serverId);
    return (await this.clients(serverId)).find((x) => x.clientId === clientId)!;
  }

  private clientRow(serverId: string, clientId: string, r: ServerPolicyRecord, installed: boolean): ClientTools {
    const snap = this.snapshot(serverId);
    const k = r.kinds.tools;
    const tools: ClientTools['tools'] = [];
    let visible = 0;
    let tokens = 0;
    for (const name of Object.keys(k?.listed ?? {}).sort()) {
      const v = this.view('tools', name, k!);
      if (v.state !== 'approved') continue;
      const hidden = verdict(snap, 'tools', name, k!.listed[name]!.digest, clientId) === 'hidden';
      tools.push({ name, hidden, tokens: v.tokens });
      if (!hidden) {
        visible++;
        tokens += v.tokens;
      }
    }
    const seen = r.seen[clientId];
    return {
      serverId,
      clientId,
      clientName: this.opts.clientName(clientId) ?? seen?.clientName ?? clientId,
      installed,
      tools,
      visible,
      tokens,
      ...(seen ? { lastSeen: seen } : {}),
    };
  }

  /** Per client install, across servers: the tools it sees and their estimated tokens. */
  async contextCost(): Promise<ClientContextCost[]> {
    const serverIds = this.opts.serverIds();
    const rows = (await this.opts.installs?.(serverIds)) ?? [];
    const byClient = new Map<string, ClientContextCost>();
    for (const serverId of serverIds) {
      const r = this.records.get(serverId);
      const ids = new Set([...rows.filter((x) => x.installed && x.serverId === serverId).map((x) => x.clientId), ...Object.keys(r.seen)]);
      for (const clientId of ids) {
        const row = this.clientRow(serverId, clientId, r, true);
        const c = byClient.get(clientId) ?? { clientId, clientName: row.clientName, servers: [], visible: 0, tokens: 0 };
        c.servers.push({ serverId, visible: row.visible, tokens: row.tokens });
        c.visible += row.visible;
        c.tokens += row.tokens;
        byClient.set(clientId, c);
      }
    }
    return [...byClient.values()].sort((a, b) => b.tokens - a.tokens || a.clientId.localeCompare(b.clientId));
  }

  /** Per server: the client installs seen connecting (for the tray's check marks). */
  seenInstalls(serverId: string): Record<string, LastSeen> {
    return this.records.get(serverId).seen;
  }

  pendingCount(serverId: string): number {
    const r = this.records.get(serverId);
    let n = 0;
    for (const kind of DEFINITION_KINDS) {
      const k = r.kinds[kind];
      if (k) n += Object.keys(k.listed).filter((name) => this.view(kind, name, k).state === 'pending').length;
    }
    return n;
  }

  onDidChange(listener: (e: { serverId: string; pending: number }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private changed(serverId: string): void {
    this.opts.push(serverId, this.snapshot(serverId));
    this.emit(serverId);
  }

  private emit(serverId: string): void {
    const e = { serverId, pending: this.pendingCount(serverId) };
    for (const l of this.listeners) l(e);
  }

  /** One notification per listing: which server changed what, and where to review it. */
  private announce(serverId: string, kind: DefinitionKind, news: string[], changes: Array<{ name: string; fields: string[] }>, first: boolean): void {
    const server = this.serverLabel(serverId);
    const [one, many] = KIND_WORD[kind];
    if (first) {
      const sentence = `${server} offers ${news.length === 1 ? `1 ${one}` : `${news.length} ${many}`}: ${named(news)}. Clients see ${news.length === 1 ? 'it' : 'them'} once you approve in MCP Switchboard (${server} › Tools).`;
      this.opts.log(serverId, 'info', `First listing of its ${many}, waiting for your review: ${sentence}`);
      this.opts.notifier?.notify(`Review ${server}'s ${many}`, sentence, { serverId });
      return;
    }
    const parts = [
      ...changes.slice(0, MAX_NAMED).map((c) => `${c.name}: ${describeFields(c.fields)} changed`),
      ...(changes.length > MAX_NAMED ? [`${changes.length - MAX_NAMED} more changed`] : []),
      ...(news.length ? [`new ${news.length === 1 ? one : many}: ${named(news)}`] : []),
    ];
    const sentence = `${parts.join('; ')}. Withheld from clients until you review ${parts.length === 1 && !news.length ? 'it' : 'them'} in MCP Switchboard (${server} › Tools).`;
    this.opts.log(serverId, 'warn', `The server's ${many} changed: ${sentence}`);
    this.opts.notifier?.notify(`${server} changed its ${many}`, sentence, { serverId });
  }

  private notWaiting(serverId: string, kind: DefinitionKind, name: string, k: KindRecord | undefined): string {
    if (!k?.listed[name]) return `${this.serverLabel(serverId)} lists no ${KIND_WORD[kind][0]} "${name}".`;
    return `The ${KIND_WORD[kind][0]} "${name}" of ${this.serverLabel(serverId)} is already approved.`;
  }

  private serverLabel(serverId: string): string {
    return this.opts.serverName(serverId) ?? serverId;
  }

  private requireServer(serverId: string): void {
    if (!this.opts.serverName(serverId)) throw new ToolPolicyError(`No server "${serverId}".`);
  }
}
