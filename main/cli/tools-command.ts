/**
 * `tools <server> [--client <id>] [--disable <tool>|--enable <tool>] [--approve <tool>|--approve-all]
 * [--block <tool>] [--policy ask|allow-new|allow-all] [--json]`: the tool policy from the command
 * line, through the same contract calls as the window (tools:review, tools:approve, tools:block,
 * tools:set-policy, tools:clients, tools:set-hidden), so a running host applies each change to its
 * proxies at once.
 */
import type { ClientTools, DefinitionView, ToolPolicyMode, ToolReview } from '../../common/contract';
import { TOOL_POLICY_MODES } from '../../common/contract';

export type Call = <T>(name: string, arg?: unknown) => Promise<T>;

export const TOOLS_USAGE = `  tools <server> [--client <id>] [--disable <tool> | --enable <tool>]
        [--approve <tool>]... [--approve-all] [--block <tool>] [--policy ask|allow-new|allow-all] [--json]
                                 the server's tools as clients may see them: approved, waiting
                                 for review (new or changed, with what changed) and blocked;
                                 approve or block them, set the server's policy; with --client,
                                 that client's tools (turn one off or on), its context cost and
                                 when it last connected`;

export class UsageError extends Error {}

/** Said when a server was added while Settings says "review new servers' tools" (the default). */
export function reviewHint(name: string, serverId: string): string {
  return `Its tools wait for your review before any client sees them: approve them in MCP Switchboard (${name} › Tools) or run: mcp-switchboard tools ${serverId} --approve-all`;
}

function take(args: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = args.indexOf(name); i !== -1; i = args.indexOf(name)) {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    values.push(v);
    args.splice(i, 2);
  }
  return values;
}

function flag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i === -1) return false;
  args.splice(i, 1);
  return true;
}

const STATE_WORD: Record<DefinitionView['state'], string> = { approved: 'approved', pending: 'REVIEW  ', blocked: 'blocked ' };
const KIND_WORD = { tools: 'tool', prompts: 'prompt', resourceTemplates: 'template' } as const;

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

export function formatReview(r: ToolReview): string {
  const lines = [`Policy: ${r.mode}${r.pending ? `; ${r.pending} waiting for review` : ''}`];
  if (!r.items.length) lines.push('Nothing listed yet: a client (or the window) has not listed this server’s tools since the policy exists.');
  for (const i of r.items) {
    const how = i.state === 'approved' && i.approvedHow === 'first-use' ? ' (approved at first use)' : '';
    lines.push(`${STATE_WORD[i.state]}  ${KIND_WORD[i.kind].padEnd(8)} ${i.name}  ~${i.tokens} tokens${how}`);
    if (i.state === 'approved') continue;
    if (!i.previous) lines.push('          new: never approved');
    else {
      lines.push(`          changed: ${(i.changed ?? []).join(', ') || 'nothing visible'}`);
      if (i.changed?.includes('description')) {
        lines.push(`          - ${String(i.previous.description ?? '')}`);
        lines.push(`          + ${String(i.current.description ?? '')}`);
      }
    }
  }
  return lines.join('\n');
}

export function formatClient(c: ClientTools, now = Date.now()): string {
  const seen = c.lastSeen
    ? `connected ${ago(c.lastSeen.at, now)}${c.lastSeen.clientName ? ` (${c.lastSeen.clientName}${c.lastSeen.clientVersion ? ` ${c.lastSeen.clientVersion}` : ''})` : ''}${c.lastSeen.listedTools ? '' : ', did not list tools'}`
    : `${c.installed ? 'installed, ' : ''}never connected since: restart ${c.clientName}`;
  const lines = [`${c.clientName}: ${c.visible} of ${c.tools.length} tools, ~${c.tokens} tokens; ${seen}`];
  for (const t of c.tools) lines.push(`  [${t.hidden ? ' ' : 'x'}] ${t.name}  ~${t.tokens} tokens${t.hidden ? '  (turned off)' : ''}`);
  return lines.join('\n');
}

/** Runs the command; returns what to print (the JSON value and the text). */
export async function runTools(argv: string[], call: Call): Promise<{ value: unknown; text: string }> {
  const args = [...argv];
  const [clientId, ...moreClients] = take(args, '--client');
  const disable = take(args, '--disable');
  const enable = take(args, '--enable');
  const approve = take(args, '--approve');
  const approveAll = flag(args, '--approve-all');
  const block = take(args, '--block');
  const [policy, ...morePolicies] = take(args, '--policy');
  const serverId = args.shift();
  if (!serverId || args.length) throw new UsageError(args.length ? `unexpected argument "${args[0]}"` : 'tools needs a server id (see "list")');
  if (moreClients.length || morePolicies.length) throw new UsageError('--client and --policy are given once');
  if ((disable.length || enable.length) && !clientId) throw new UsageError('--disable and --enable need --client <id> (see "clients")');
  if (approveAll && approve.length) throw new UsageError('give --approve <tool> or --approve-all, not both');
  if (policy !== undefined && !TOOL_POLICY_MODES.includes(policy as ToolPolicyMode))
    throw new UsageError(`--policy must be one of ${TOOL_POLICY_MODES.join(', ')}`);

  const done: string[] = [];
  if (policy !== undefined) {
    await call('tools:set-policy', { serverId, mode: policy });
    done.push(`Policy set to ${policy}.`);
  }
  if (approveAll || approve.length) {
    const before = await call<ToolReview>('tools:review', { serverId });
    // Approve by kind: a name is looked up among what waits (tools first).
    const waiting = before.items.filter((i) => i.state !== 'approved');
    const byKind = new Map<string, string[]>();
    for (const name of approveAll ? waiting.map((i) => i.name) : approve) {
      const kind = waiting.find((i) => i.name === name)?.kind ?? 'tools';
      byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
    }
    for (const [kind, names] of byKind) await call('tools:approve', { serverId, kind, names });
    done.push(byKind.size ? `Approved ${[...byKind.values()].flat().join(', ')}.` : 'Nothing was waiting for review.');
  }
  for (const name of block) {
    await call('tools:block', { serverId, name });
    done.push(`Blocked ${name}.`);
  }
  for (const [tool, hidden] of [...disable.map((t) => [t, true] as const), ...enable.map((t) => [t, false] as const)]) {
    await call('tools:set-hidden', { serverId, clientId, tool, hidden });
    done.push(`${tool} is ${hidden ? 'off' : 'on'} for ${clientId}.`);
  }
  if (clientId) {
    const rows = await call<ClientTools[]>('tools:clients', { serverId });
    const row = rows.find((r) => r.clientId === clientId);
    if (!row) throw new UsageError(`"${serverId}" is not installed in ${clientId} and ${clientId} never connected to it (see "status").`);
    return { value: row, text: [...done, formatClient(row)].join('\n') };
  }
  const review = await call<ToolReview>('tools:review', { serverId });
  return { value: review, text: [...done, formatReview(review)].join('\n') };
}
