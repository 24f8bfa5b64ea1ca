/**
 * ToolPolicyService on a real settings file (conf in a temp directory) and a FakeClock: the
 * baseline, each policy mode, blocks, approvals and their refusals, per-client tools, last
 * connections, what each proxy is sent, the one notification per change, and a damaged record.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definitionDigest, type PolicySnapshot } from '../../shared/tool-policy';
import { openSettingsStore, type SettingsStore } from '../settings-store';
import { FakeClock } from '../testing/fake-clock';
import { ToolPolicyService, type InstallRow } from './tool-policy-service';
import { estimateTokens } from './context-cost';
import { TOKEN_ESTIMATE } from '../../../common/contract';

const SEARCH = { name: 'search', description: 'Search.', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } };
const SEARCH_2 = {
  ...SEARCH,
  description: 'Search everything.',
  inputSchema: { type: 'object', properties: { q: { type: 'string' }, note: { type: 'string' } } },
};
const ECHO = { name: 'echo', description: 'Echo.', inputSchema: { type: 'object' } };
const NEW = { name: 'delete_all', description: 'Deletes everything.', inputSchema: { type: 'object' } };

let dir: string;
let store: SettingsStore;
let clock: FakeClock;
let pushed: Array<[string, PolicySnapshot]>;
let notes: string[];
let installs: InstallRow[];

function service() {
  return new ToolPolicyService({
    store,
    clock,
    push: (id, p) => void pushed.push([id, p]),
    serverName: (id) => ({ linear: 'Linear', notion: 'Notion' })[id],
    serverIds: () => ['linear', 'notion'],
    installs: async (ids) => installs.filter((r) => ids.includes(r.serverId)),
    clientName: (id) => ({ cursor: 'Cursor', 'claude-desktop': 'Claude Desktop' })[id],
    notifier: { notify: (title, body) => void notes.push(`${title} | ${body}`) },
    log: () => {},
  });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-policy-'));
  store = openSettingsStore({ dataDir: dir } as never, { watch: false });
  clock = new FakeClock(1_800_000_000_000);
  pushed = [];
  notes = [];
  installs = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ToolPolicyService', () => {
  it('a welcomed server adopts nothing: its first listing of every kind waits for review, announced once, and survives a reload', () => {
    const s = service();
    s.welcome('linear');
    expect(pushed.at(-1)).toEqual(['linear', { mode: 'ask', adopt: [], approved: {}, blocked: {}, hidden: {} }]);
    expect(s.awaitsFirstListing('linear')).toBe(true);
    expect(s.awaitsFirstListing('notion')).toBe(false); // never welcomed: its first listing is the baseline
    s.observe('linear', 'tools', [SEARCH, ECHO]);
    expect(s.awaitsFirstListing('linear')).toBe(false);
    expect(s.review('linear').items.map((i) => [i.name, i.state])).toEqual([
      ['echo', 'pending'],
      ['search', 'pending'],
    ]);
    expect(pushed.at(-1)![1]).toMatchObject({ adopt: [], approved: { tools: {} } });
    expect(notes).toEqual([
      "Review Linear's tools | Linear offers 2 tools: search, echo. Clients see them once you approve in MCP Switchboard (Linear › Tools).",
    ]);
    s.observe('linear', 'tools', [SEARCH, ECHO]);
    expect(notes).toHaveLength(1);
    // A new service on the same file (the app restarted) still withholds them and still adopts nothing.
    const again = service();
    expect(again.pendingCount('linear')).toBe(2);
    expect(again.snapshot('linear').adopt).toEqual([]);
    again.approve('linear', 'tools', 'all');
    expect(again.review('linear').items.map((i) => [i.name, i.state, i.approvedHow])).toEqual([
      ['echo', 'approved', 'user'],
      ['search', 'approved', 'user'],
    ]);
    // "allow everything" on a welcomed server takes a first listing of prompts at once, by the policy.
    again.setMode('linear', 'allow-all');
    again.observe('linear', 'prompts', [{ name: 'summarize' }]);
    expect(again.review('linear').items.find((i) => i.name === 'summarize')).toMatchObject({ state: 'approved', approvedHow: 'policy' });
  });

  it('pins the first listing as the baseline, then withholds a changed and a new tool under "ask"', () => {
    const s = service();
    expect(s.snapshot('linear')).toEqual({ mode: 'ask', adopt: ['tools', 'prompts', 'resourceTemplates'], approved: {}, blocked: {}, hidden: {} });
    s.observe('linear', 'tools', [SEARCH, ECHO]);
    expect(pushed.at(-1)).toEqual([
      'linear',
      {
        mode: 'ask',
        adopt: ['prompts', 'resourceTemplates'],
        approved: { tools: { search: definitionDigest(SEARCH), echo: definitionDigest(ECHO) } },
        blocked: { tools: {} },
        hidden: {},
      },
    ]);
    expect(s.review('linear').items.map((i) => [i.name, i.state, i.approvedHow])).toEqual([
      ['echo', 'approved', 'first-use'],
      ['search', 'approved', 'first-use'],
    ]);
    expect(notes).toEqual([]);

    clock.advance(1000);
    s.observe('linear', 'tools', [SEARCH_2, ECHO, NEW]);
    const review = s.review('linear');
    expect(review.pending).toBe(2);
    expect(review.items.find((i) => i.name === 'search')).toMatchObject({
      state: 'pending',
      previous: SEARCH,
      current: SEARCH_2,
      changed: ['description', 'inputSchema'],
    });
    expect(review.items.find((i) => i.name === 'delete_all')).toMatchObject({ state: 'pending', current: NEW });
    expect(review.items.find((i) => i.name === 'delete_all')!.previous).toBeUndefined();
    expect(notes).toEqual([
      'Linear changed its tools | search: description and input schema changed; new tool: delete_all. Withheld from clients until you review them in MCP Switchboard (Linear › Tools).',
    ]);
    // The same listing again announces nothing; a removed tool simply disappears.
    s.observe('linear', 'tools', [SEARCH_2, NEW]);
    expect(notes).toHaveLength(1);
    expect(s.review('linear').items.map((i) => i.name)).toEqual(['delete_all', 'search']);
  });

  it('approves named or all waiting definitions; refuses unknown and approved names with a sentence', () => {
    const s = service();
    s.observe('linear', 'tools', [SEARCH, ECHO]);
    s.observe('linear', 'tools', [SEARCH_2, ECHO, NEW]);
    expect(() => s.approve('linear', 'tools', ['nope'])).toThrow('Linear lists no tool "nope".');
    expect(() => s.approve('linear', 'tools', ['echo'])).toThrow('The tool "echo" of Linear is already approved.');
    expect(() => s.approve('ghost', 'tools', 'all')).toThrow('No server "ghost".');
    const r = s.approve('linear', 'tools', ['search']);
    expect(r.items.find((i) => i.name === 'search')).toMatchObject({ state: 'approved', approvedHow: 'user', current: SEARCH_2 });
    expect(pushed.at(-1)![1].approved.tools!.search).toBe(definitionDigest(SEARCH_2));
    expect(s.approve('linear', 'tools', 'all').pending).toBe(0);
  });

  it('"allow new" releases new tools and holds changed ones; "allow everything" pins whatever comes; a block holds under both', () => {
    const s = service();
    s.observe('linear', 'tools', [SEARCH, ECHO]);
    s.setMode('linear', 'allow-new');
    s.observe('linear', 'tools', [SEARCH_2, ECHO, NEW]);
    expect(s.review('linear').items.map((i) => [i.name, i.state, i.approvedHow])).toEqual([
      ['delete_all', 'approved', 'policy'],
      ['echo', 'approved', 'first-use'],
      ['search', 'pending', undefined],
    ]);
    s.block('linear', 'tools', 'search');
    expect(s.review('linear').items.find((i) => i.name === 'search')).toMatchObject({ state: 'blocked', previous: SEARCH, current: SEARCH_2 });
    expect(pushed.at(-1)![1].blocked.tools).toEqual({ search: definitionDigest(SEARCH_2) });
    // Switching to "allow everything" approves what waits, never what is blocked.
    s.setMode('linear', 'allow-all');
    expect(s.review('linear').items.find((i) => i.name === 'search')!.state).toBe('blocked');
    s.observe('linear', 'tools', [{ ...SEARCH_2, description: 'v3' }, ECHO, NEW]);
    expect(s.review('linear').items.find((i) => i.name === 'search')).toMatchObject({ state: 'approved', approvedHow: 'policy' });
    // Only the changed tool held under "allow new" was announced.
    expect(notes).toEqual([
      'Linear changed its tools | search: description and input schema changed. Withheld from clients until you review it in MCP Switchboard (Linear › Tools).',
    ]);
    // A blocked version approved later is released.
    s.setMode('linear', 'ask');
    s.observe('linear', 'tools', [SEARCH, ECHO]);
    s.block('linear', 'tools', 'search');
    expect(s.approve('linear', 'tools', ['search']).items.find((i) => i.name === 'search')!.state).toBe('approved');
  });

  it('keeps per-client hidden tools, last connections and the context cost per client across servers', async () => {
    const s = service();
    installs = [
      { serverId: 'linear', clientId: 'cursor', installed: true },
      { serverId: 'notion', clientId: 'cursor', installed: true },
      { serverId: 'linear', clientId: 'claude-desktop', installed: false },
    ];
    s.observe('linear', 'tools', [SEARCH, ECHO]);
    s.observe('notion', 'tools', [NEW]);
    s.hello('linear', { install: 'cursor', clientName: 'Cursor', clientVersion: '1.9.0' });
    clock.advance(5000);
    s.hello('linear', { install: 'cursor', listedTools: true });
    s.hello('linear', { clientName: 'no install tag' }); // not recorded
    await expect(s.setHidden('linear', 'cursor', 'nope', true)).rejects.toThrow('Linear lists no tool "nope".');
    const row = await s.setHidden('linear', 'cursor', 'echo', true);
    expect(pushed.at(-1)![1].hidden).toEqual({ cursor: ['echo'] });
    expect(row).toEqual({
      serverId: 'linear',
      clientId: 'cursor',
      clientName: 'Cursor',
      installed: true,
      tools: [
        { name: 'echo', hidden: true, tokens: estimateTokens(ECHO) },
        { name: 'search', hidden: false, tokens: estimateTokens(SEARCH) },
      ],
      visible: 1,
      tokens: estimateTokens(SEARCH),
      lastSeen: { at: 1_800_000_005_000, clientName: 'Cursor', clientVersion: '1.9.0', listedTools: true },
    });
    expect((await s.clients('linear')).map((r) => r.clientId)).toEqual(['cursor']);
    const cost = await s.contextCost();
    expect(cost).toEqual([
      {
        clientId: 'cursor',
        clientName: 'Cursor',
        servers: [
          { serverId: 'linear', visible: 1, tokens: estimateTokens(SEARCH) },
          { serverId: 'notion', visible: 1, tokens: estimateTokens(NEW) },
        ],
        visible: 2,
        tokens: estimateTokens(SEARCH) + estimateTokens(NEW),
      },
    ]);
    expect(estimateTokens(SEARCH)).toBe(Math.ceil(JSON.stringify(SEARCH).length / TOKEN_ESTIMATE.charsPerToken));
    await s.setHidden('linear', 'cursor', 'echo', false);
    expect(s.snapshot('linear').hidden).toEqual({});
  });

  it('bounds what a hostile server can make it keep or say: huge definitions withheld, long name lists cut', () => {
    const s = service();
    s.observe('linear', 'tools', [ECHO]);
    const huge = { name: 'huge', description: 'x'.repeat(300 * 1024) };
    const many = Array.from({ length: 7 }, (_, i) => ({ name: `t${i}`, description: 'new' }));
    s.observe('linear', 'tools', [ECHO, huge, ...many]);
    expect(s.review('linear').items.map((i) => i.name)).toEqual(['echo', 't0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(s.snapshot('linear').approved.tools).not.toHaveProperty('huge');
    expect(notes).toEqual([
      'Linear changed its tools | new tools: t0, t1, t2, t3, t4 and 2 more. Withheld from clients until you review them in MCP Switchboard (Linear › Tools).',
    ]);
  });

  it('reads a damaged record as absent parts, never as a grant; forgets a removed server', () => {
    store.set('toolPolicy', {
      linear: {
        mode: 'yolo',
        kinds: { tools: { approved: { search: { digest: 'not-a-digest', definition: SEARCH, at: 1, how: 'user' } }, listed: 7 } },
        hidden: { cursor: [1, 'echo'] },
      },
    });
    const s = service();
    expect(s.snapshot('linear')).toEqual({
      mode: 'ask',
      adopt: ['prompts', 'resourceTemplates'],
      approved: { tools: {} },
      blocked: { tools: {} },
      hidden: { cursor: ['echo'] },
    });
    s.forget('linear');
    expect(store.get('toolPolicy')).toEqual({});
  });
});
