/**
 * The tool policy (issue 16), applied to every client connection: from each `tools/list`,
 * `prompts/list` and `resources/templates/list` answer it leaves out what the client may not see
 * (a definition that is new or changed since the user approved it, one the user blocked, a tool
 * turned off for this client install); a `tools/call` or `prompts/get` of such a definition is
 * answered with an error that says why and where to approve it, and never reaches the server; when
 * the host's policy changes what a listing client may see, the client gets the kind's
 * `notifications/…/list_changed`.
 *
 * The host decides (main/core/tool-policy); the proxy holds the host's last PolicySnapshot (sent
 * with `start` and as `policy`), applies the shared rule (shared/tool-policy.ts `verdict`) to each
 * listing as it passes, and reports each complete listing that differs from the last one reported
 * (`definitions`) and what each client said of itself (`client-hello`).
 */
import { META_CLIENT_INFO } from '../../../common/protocol-versions';
import type { ProxyToParent } from '../../shared/fork-protocol';
import { ERR_INVALID_PARAMS, isNotification, isRequest, isResponse, JSONRPC_VERSION, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import {
  DEFINITION_KINDS,
  definitionDigest,
  definitionName,
  KIND_METHODS,
  refusalMessage,
  verdict,
  type ClientHello,
  type DefinitionKind,
  type PolicySnapshot,
  type Withheld,
} from '../../shared/tool-policy';
import { answer, messagesOf, replaceMessage, type Stage, type StageFactory, type StageLink, type ToClient, type ToServer } from './stage';

/** Listed definitions of one kind, by name: the digest and the definition. */
type Listing = Map<string, { digest: string; def: Record<string, unknown> }>;

/** At most this many definitions of one kind are reported to the host (a listing past it is cut). */
const MAX_REPORTED = 2000;

const KIND_OF_LIST = new Map<string, DefinitionKind>(DEFINITION_KINDS.map((k) => [KIND_METHODS[k].list, k]));

/** The proxy's half of the policy, shared by every connection of one server. */
export class ToolPolicy {
  /** The last complete listing of each kind, from any client. */
  private readonly latest = new Map<DefinitionKind, Listing>();
  /** What was last reported to the host, per kind (names and digests). */
  private readonly reported = new Map<DefinitionKind, string>();
  private readonly connections = new Set<ToolPolicyStage>();

  constructor(
    private snapshot: PolicySnapshot | undefined,
    readonly serverName: string,
    private readonly report: (msg: ProxyToParent) => void,
  ) {}

  get policy(): PolicySnapshot | undefined {
    return this.snapshot;
  }

  /** The host sent a new policy: each listing client whose visible set changed is told. */
  set(snapshot: PolicySnapshot): void {
    this.snapshot = snapshot;
    for (const c of this.connections) c.policyChanged();
  }

  listing(kind: DefinitionKind): Listing | undefined {
    return this.latest.get(kind);
  }

  /** A complete listing came back: remember it, and report it to the host when it differs. */
  observe(kind: DefinitionKind, listing: Listing): void {
    this.latest.set(kind, listing);
    const p = this.snapshot;
    if (p?.adopt.includes(kind)) {
      // The baseline is this listing: pinned here at once, as the host is about to, so that a
      // server that changes before the host's next snapshot arrives is already held to it.
      const pins = Object.fromEntries([...listing].filter(([name, v]) => p.blocked[kind]?.[name] !== v.digest).map(([name, v]) => [name, v.digest]));
      this.snapshot = { ...p, adopt: p.adopt.filter((k) => k !== kind), approved: { ...p.approved, [kind]: { ...pins, ...p.approved[kind] } } };
    }
    const signature = [...listing]
      .map(([name, v]) => `${name}\n${v.digest}`)
      .sort()
      .join('\n');
    if (this.reported.get(kind) === signature) return;
    this.reported.set(kind, signature);
    this.report({ type: 'definitions', kind, items: [...listing.values()].slice(0, MAX_REPORTED).map((v) => v.def) });
  }

  /** Only a client whose entry carries an install tag has records at the host. */
  hello(h: ClientHello): void {
    if (h.install) this.report({ type: 'client-hello', hello: h });
  }

  add(c: ToolPolicyStage): void {
    this.connections.add(c);
  }

  remove(c: ToolPolicyStage): void {
    this.connections.delete(c);
  }
}

export function toolPolicy(shared: ToolPolicy, install?: string): StageFactory {
  return (link) => new ToolPolicyStage(link, shared, install);
}

export class ToolPolicyStage implements Stage {
  /** List requests awaiting their answer: the kind, and whether it asked for the first page. */
  private readonly lists = new Map<JsonRpcId, { kind: DefinitionKind; first: boolean }>();
  /** A paged listing being gathered, per kind. */
  private readonly pages = new Map<DefinitionKind, Listing>();
  /** What this client was shown of each kind it listed (visible names and digests). */
  private readonly shown = new Map<DefinitionKind, string>();
  private hello: ClientHello;
  private toldListed = false;
  /** The client said who it is (initialize, or a modern request's clientInfo). */
  private named = false;

  constructor(
    private readonly link: StageLink,
    private readonly shared: ToolPolicy,
    install?: string,
  ) {
    this.hello = install ? { install } : {};
    shared.add(this);
  }

  fromClient(m: ToServer): Promise<void> | void {
    const policy = this.shared.policy;
    if (!policy) return this.link.toServer(m);
    const messages = messagesOf(m);
    const refused: JsonRpcMessage[] = [];
    for (const x of messages) {
      if (isRequest(x)) {
        // A 2026-era client has no initialize: each request carries its clientInfo in _meta.
        if (!this.named && x.method !== 'initialize' && x.params?._meta?.[META_CLIENT_INFO]) this.noteClient(x.params._meta[META_CLIENT_INFO]);
        const kind = KIND_OF_LIST.get(x.method);
        if (kind) this.lists.set(x.id, { kind, first: typeof x.params?.cursor !== 'string' });
        else if (x.method === 'initialize') this.noteClient(x.params?.clientInfo);
        else if (x.method === 'tools/call' || x.method === 'prompts/get') {
          const kind: DefinitionKind = x.method === 'tools/call' ? 'tools' : 'prompts';
          const name = x.params?.name;
          const why = typeof name === 'string' ? this.withheld(policy, kind, name) : undefined;
          if (why) {
            refused.push(x);
            this.link.toClient(answer(x.id, ERR_INVALID_PARAMS, refusalMessage(kind, name, why, this.shared.serverName)));
          }
        }
      } else if (isNotification(x) && x.method === 'notifications/cancelled') this.lists.delete(x.params?.requestId);
    }
    if (!refused.length) return this.link.toServer(m);
    const rest = messages.filter((x) => !refused.includes(x));
    if (!rest.length) return;
    return this.link.toServer(replaceMessage(m, Array.isArray(m.message) ? rest : rest[0]!));
  }

  fromServer(m: ToClient): void {
    const msg = m.message;
    const list = isResponse(msg) ? this.lists.get(msg.id) : undefined;
    const policy = this.shared.policy;
    if (!list || !policy) return this.link.toClient(m);
    this.lists.delete(msg.id);
    const { field } = KIND_METHODS[list.kind];
    const items: unknown = msg.result?.[field];
    if (!Array.isArray(items)) return this.link.toClient(m);
    // Pages of one listing are gathered; the whole listing is reported once the last page came.
    const listing: Listing = list.first ? new Map() : (this.pages.get(list.kind) ?? new Map());
    const kept = items.filter((def) => {
      const name = definitionName(list.kind, def);
      if (name === undefined) return false; // nothing to pin it by: never shown
      const digest = definitionDigest(def);
      listing.set(name, { digest, def: def as Record<string, unknown> });
      return verdict(policy, list.kind, name, digest, this.hello.install) === undefined;
    });
    const last = typeof msg.result?.nextCursor !== 'string' || !msg.result.nextCursor;
    if (last) {
      this.pages.delete(list.kind);
      this.shared.observe(list.kind, listing);
      this.shown.set(list.kind, this.visibleSignature(policy, list.kind, listing));
    } else this.pages.set(list.kind, listing);
    if (list.kind === 'tools' && !this.toldListed) {
      this.toldListed = true;
      this.shared.hello({ ...this.hello, listedTools: true });
    }
    this.link.toClient(kept.length === items.length ? m : { message: { ...msg, result: { ...msg.result, [field]: kept } } });
  }

  /** The host's policy changed: a kind this client listed whose visible set changed is announced. */
  policyChanged(): void {
    const policy = this.shared.policy;
    if (!policy) return;
    for (const [kind, before] of this.shown) {
      const listing = this.shared.listing(kind);
      if (!listing) continue;
      const now = this.visibleSignature(policy, kind, listing);
      if (now === before) continue;
      this.shown.set(kind, now);
      this.link.toClient({ message: { jsonrpc: JSONRPC_VERSION, method: KIND_METHODS[kind].changed } });
    }
  }

  close(): void {
    this.shared.remove(this);
  }

  private noteClient(info: unknown): void {
    this.named = true;
    const i = info as { name?: unknown; version?: unknown } | undefined;
    const clientName = typeof i?.name === 'string' ? i.name.slice(0, 100) : undefined;
    const clientVersion = typeof i?.version === 'string' ? i.version.slice(0, 50) : undefined;
    this.hello = {
      ...(this.hello.install ? { install: this.hello.install } : {}),
      ...(clientName ? { clientName } : {}),
      ...(clientVersion ? { clientVersion } : {}),
    };
    this.shared.hello(this.hello);
  }

  /** Why this client may not use the named definition, judged on the server's latest listing. */
  private withheld(policy: PolicySnapshot, kind: DefinitionKind, name: string): Withheld | undefined {
    const listed = this.shared.listing(kind)?.get(name);
    if (listed) return verdict(policy, kind, name, listed.digest, this.hello.install);
    // Never listed (the client calls by name): only a tool turned off for this install is known to refuse.
    return kind === 'tools' && this.hello.install !== undefined && policy.hidden[this.hello.install]?.includes(name) ? 'hidden' : undefined;
  }

  private visibleSignature(policy: PolicySnapshot, kind: DefinitionKind, listing: Listing): string {
    return [...listing]
      .filter(([name, v]) => verdict(policy, kind, name, v.digest, this.hello.install) === undefined)
      .map(([name, v]) => `${name}\n${v.digest}`)
      .sort()
      .join('\n');
  }
}
