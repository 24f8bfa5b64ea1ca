import { describe, expect, it } from 'vitest';
import { SERVER_STATES } from '../../common/contract';
import { fakeServer } from '../core/api/testing/fake-core';
import {
  buildTrayMenuModel,
  fixFor,
  MAX_TRAY_SERVERS,
  serverLine,
  serverSubmenu,
  STATE_LABELS,
  trayAppearance,
  trayIconFile,
  trayIconName,
  TRAY_ICON_NAMES,
  trayTooltip,
} from './tray-menu-model';

describe('buildTrayMenuModel', () => {
  it('shows Open first, an empty-state line and Quit last when there are no servers', () => {
    expect(buildTrayMenuModel([])).toEqual([
      { kind: 'action', action: 'open', label: 'Open Switchboard' },
      { kind: 'separator' },
      { kind: 'info', label: 'No servers yet' },
      { kind: 'separator' },
      { kind: 'action', action: 'add-server', label: 'Add remote server…' },
      { kind: 'separator' },
      { kind: 'action', action: 'quit', label: 'Quit' },
    ]);
  });

  it('adds one submenu per server, labelled with its state, those that need the user first', () => {
    const model = buildTrayMenuModel([
      fakeServer('a', 'ready', { name: 'Linear' }),
      fakeServer('b', 'needs-sign-in', { name: 'Notion' }),
      fakeServer('c', 'error', { name: 'Sentry', enabled: false }),
    ]);
    expect(model.filter((i) => i.kind === 'submenu').map((i) => [i.label, (i as { serverId?: string }).serverId])).toEqual([
      ['Notion — Needs sign-in', 'b'],
      ['Linear — Ready', 'a'],
      ['Sentry — Disabled', 'c'],
    ]);
    expect(model[0]).toMatchObject({ action: 'open' });
    expect(model.at(-1)).toMatchObject({ action: 'quit' });
  });

  it('orders Open, servers, Add, Launch at login (a check box that asks for the opposite), Quit', () => {
    const off = buildTrayMenuModel([fakeServer('a', 'ready', { name: 'Linear' })], undefined, { launchAtLogin: false });
    expect(off.map((i) => (i.kind === 'separator' ? '-' : i.label))).toEqual([
      'Open Switchboard',
      '-',
      'Linear — Ready',
      '-',
      'Add remote server…',
      '-',
      'Launch at login',
      'Quit',
    ]);
    expect(off[6]).toEqual({ kind: 'action', action: { setting: 'launchAtLogin', value: true }, label: 'Launch at login', checked: false });
    const on = buildTrayMenuModel([], undefined, { launchAtLogin: true });
    expect(on.at(-2)).toEqual({ kind: 'action', action: { setting: 'launchAtLogin', value: false }, label: 'Launch at login', checked: true });
    // A host that cannot launch at login shows no such item.
    expect(buildTrayMenuModel([], undefined, {}).some((i) => i.kind === 'action' && i.label === 'Launch at login')).toBe(false);
  });

  it('leads with the fixes of the servers that need the user, as top-level actions', () => {
    const model = buildTrayMenuModel([
      fakeServer('a', 'ready', { name: 'Linear' }),
      fakeServer('b', 'needs-sign-in', { name: 'Notion' }),
      fakeServer('c', 'retrying', { name: 'Sentry' }),
      fakeServer('d', 'error', { name: 'Internal tools' }),
      fakeServer('e', 'stopped', { name: 'GitHub', enabled: false }),
    ]);
    expect(model.slice(0, 7).map((i) => (i.kind === 'separator' ? '-' : i.label))).toEqual([
      'Open Switchboard',
      '-',
      'Sign in to Notion…',
      'Try Sentry now',
      'Restart Internal tools',
      '-',
      'Notion — Needs sign-in',
    ]);
    expect(model[2]).toEqual({ kind: 'action', action: { serverId: 'b', do: 'sign-in' }, label: 'Sign in to Notion…' });
    expect(model[4]).toEqual({ kind: 'action', action: { serverId: 'd', do: 'restart' }, label: 'Restart Internal tools' });
  });

  it('has a label for every state', () => {
    for (const state of SERVER_STATES) expect(STATE_LABELS[state]).toBeTruthy();
  });

  it('summarises servers beyond the limit', () => {
    const many = Array.from({ length: MAX_TRAY_SERVERS + 3 }, (_, i) => fakeServer(`s${i}`));
    const model = buildTrayMenuModel(many);
    expect(model.filter((i) => i.kind === 'submenu')).toHaveLength(MAX_TRAY_SERVERS);
    expect(model.filter((i) => i.kind === 'info')).toEqual([{ kind: 'info', label: '… and 3 more' }]);
  });

  it('shortens long names, flattens whitespace, escapes & and falls back to the URL', () => {
    expect(serverLine(fakeServer('x', 'ready', { name: 'A & B' }))).toBe('A && B — Ready');
    expect(serverLine(fakeServer('x', 'ready', { name: 'line\nbreak' }))).toBe('line break — Ready');
    const long = serverLine(fakeServer('x', 'starting', { name: 'n'.repeat(80) }));
    expect(long).toBe(`${'n'.repeat(39)}… — Starting…`);
    expect(serverLine(fakeServer('x', 'ready', { name: '', url: 'https://u.example/mcp' }))).toBe('https://u.example/mcp — Ready');
  });
});

describe('serverSubmenu', () => {
  const clients = [
    { id: 'claude-desktop', name: 'Claude Desktop', present: true, restartHint: '' },
    { id: 'cursor', name: 'Cursor', present: true, restartHint: '' },
    { id: 'zed', name: 'Zed', present: false, restartHint: '' },
    { id: 'vscode', name: 'VS Code', present: true, restartHint: '' },
  ];
  const installs = [
    { serverId: 'a', clientId: 'claude-desktop', state: 'installed' as const, name: 'linear' },
    { serverId: 'a', clientId: 'cursor', state: 'not-installed' as const },
    { serverId: 'a', clientId: 'zed', state: 'not-installed' as const },
    { serverId: 'a', clientId: 'vscode', state: 'cannot-install' as const, reason: 'mcp.json does not parse (line 3, column 5)' },
  ];

  it('offers Sign in when needed, Sign out… when signed in, and Install into with check marks', () => {
    const needs = serverSubmenu(fakeServer('a', 'needs-sign-in', { name: 'Linear' }), { clients, installs });
    expect(needs[0]).toEqual({ kind: 'action', action: { serverId: 'a', do: 'sign-in' }, label: 'Sign in…' });
    const signedIn = serverSubmenu(fakeServer('a', 'ready', { name: 'Linear', signIn: 'signed-in' }), { clients, installs });
    expect(signedIn[0]).toEqual({ kind: 'action', action: { serverId: 'a', do: 'reset-sign-in' }, label: 'Sign out…' });
    const install = signedIn.find((i) => i.kind === 'submenu') as { items: unknown[] };
    expect(install.items).toEqual([
      { kind: 'action', action: { serverId: 'a', do: 'uninstall', clientId: 'claude-desktop' }, label: 'Claude Desktop', checked: true },
      { kind: 'action', action: { serverId: 'a', do: 'install', clientId: 'cursor' }, label: 'Cursor', checked: false },
      { kind: 'action', action: { serverId: 'a', do: 'install', clientId: 'vscode' }, label: 'VS Code', enabled: false },
    ]);
    expect(signedIn.slice(-2)).toEqual([
      { kind: 'action', action: { serverId: 'a', do: 'restart' }, label: 'Restart', enabled: true },
      { kind: 'action', action: { serverId: 'a', do: 'show-logs' }, label: 'Show log' },
    ]);
  });

  it('carries the fix each state needs first: Try now, Restart (and Show log), Enable', () => {
    const first = (state: Parameters<typeof fakeServer>[1], extra = {}) => serverSubmenu(fakeServer('a', state, { name: 'Sentry', ...extra }))[0];
    expect(first('retrying')).toEqual({ kind: 'action', action: { serverId: 'a', do: 'restart' }, label: 'Try now' });
    expect(first('error')).toEqual({ kind: 'action', action: { serverId: 'a', do: 'restart' }, label: 'Restart' });
    expect(first('stopped', { enabled: false })).toEqual({ kind: 'action', action: { serverId: 'a', do: 'enable' }, label: 'Enable' });
    // The failed server's Restart is its fix, not repeated below; Show log stays last.
    const failed = serverSubmenu(fakeServer('a', 'error'));
    expect(failed.filter((i) => i.kind === 'action' && i.label === 'Restart')).toHaveLength(1);
    expect(failed.at(-1)).toEqual({ kind: 'action', action: { serverId: 'a', do: 'show-logs' }, label: 'Show log' });
  });

  it('says so when no client is on this machine, and disables Restart for a disabled server', () => {
    const items = serverSubmenu(fakeServer('a', 'stopped', { enabled: false }), { clients: clients.map((c) => ({ ...c, present: false })), installs: [] });
    expect(items).toContainEqual({ kind: 'info', label: 'No MCP clients found' });
    expect(items).toContainEqual({ kind: 'action', action: { serverId: 'a', do: 'restart' }, label: 'Restart', enabled: false });
  });
});

describe('trayTooltip', () => {
  it('counts ready servers among the enabled ones and names the rest, worst first', () => {
    expect(trayTooltip([])).toBe('MCP Switchboard — no servers yet');
    expect(trayTooltip([fakeServer('a'), fakeServer('b'), fakeServer('c', 'needs-sign-in')])).toBe('MCP Switchboard — 2 of 3 ready, 1 needs sign-in');
    expect(trayTooltip([fakeServer('a'), fakeServer('b', 'connecting')])).toBe('MCP Switchboard — 1 of 2 ready, 1 starting');
    expect(
      trayTooltip([
        fakeServer('a', 'retrying'),
        fakeServer('b', 'error'),
        fakeServer('c', 'needs-sign-in'),
        fakeServer('d', 'needs-sign-in'),
        fakeServer('e', 'stopped'),
        fakeServer('f', 'starting'),
        fakeServer('g', 'error', { enabled: false }),
      ]),
    ).toBe('MCP Switchboard — 0 of 6 ready, 1 failed, 2 need sign-in, 1 retrying, 1 starting, 1 stopped, 1 off');
  });

  it('counts idle servers as ready (a client starts them) and says how many are idle; the icon stays ok', () => {
    const servers = [fakeServer('a'), fakeServer('b', 'idle'), fakeServer('c', 'idle')];
    expect(trayTooltip(servers)).toBe('MCP Switchboard — 3 of 3 ready, 2 idle');
    expect(trayIconName(servers)).toBe('ok');
    expect(trayIconName([fakeServer('b', 'idle')])).toBe('ok');
    expect(serverLine(fakeServer('b', 'idle'))).toMatch(/— Idle$/);
    expect(fixFor(fakeServer('b', 'idle'))).toBeUndefined();
  });

  it('says when every server is turned off', () => {
    expect(trayTooltip([fakeServer('a', 'stopped', { enabled: false })])).toBe('MCP Switchboard — 1 server, turned off');
    expect(trayTooltip([fakeServer('a', 'stopped', { enabled: false }), fakeServer('b', 'stopped', { enabled: false })])).toBe(
      'MCP Switchboard — 2 servers, all turned off',
    );
  });

  it('stays within the 127 characters a Windows tooltip shows', () => {
    const worst = SERVER_STATES.flatMap((state, i) => Array.from({ length: 150 }, (_, j) => fakeServer(`${i}-${j}`, state)));
    worst.push(...Array.from({ length: 150 }, (_, j) => fakeServer(`off-${j}`, 'ready', { enabled: false })));
    expect(trayTooltip(worst).length).toBeLessThanOrEqual(127);
  });
});

describe('trayIconName / trayAppearance', () => {
  it('shows the worst state among enabled servers', () => {
    expect(trayIconName([])).toBe('idle');
    expect(trayIconName([fakeServer('a', 'stopped')])).toBe('idle');
    expect(trayIconName([fakeServer('a', 'ready'), fakeServer('b', 'stopped')])).toBe('ok');
    expect(trayIconName([fakeServer('a', 'connecting')])).toBe('ok');
    expect(trayIconName([fakeServer('a', 'ready'), fakeServer('b', 'retrying')])).toBe('attention');
    expect(trayIconName([fakeServer('a', 'retrying'), fakeServer('b', 'needs-sign-in')])).toBe('attention');
    expect(trayIconName([fakeServer('a', 'needs-sign-in'), fakeServer('b', 'error'), fakeServer('c')])).toBe('error');
    // A turned-off server in error does not colour the icon.
    expect(trayIconName([fakeServer('a', 'ready'), fakeServer('b', 'error', { enabled: false })])).toBe('ok');
    expect(trayIconName([fakeServer('b', 'error', { enabled: false })])).toBe('idle');
  });

  it('maps every state to an icon and pairs it with the tooltip', () => {
    for (const state of SERVER_STATES) expect(TRAY_ICON_NAMES).toContain(trayIconName([fakeServer('a', state)]));
    expect(trayAppearance([fakeServer('a'), fakeServer('b'), fakeServer('c', 'needs-sign-in')])).toEqual({
      icon: 'attention',
      tooltip: 'MCP Switchboard — 2 of 3 ready, 1 needs sign-in',
    });
  });

  it('names the files: Template suffix for macOS, the plain names for ok', () => {
    expect(trayIconFile('ok', false)).toBe('tray.png');
    expect(trayIconFile('ok', true)).toBe('trayTemplate.png');
    expect(trayIconFile('error', false)).toBe('tray-error.png');
    expect(trayIconFile('attention', true)).toBe('tray-attentionTemplate.png');
  });
});

describe('tool policy in the tray', () => {
  const clients = [
    { id: 'claude-desktop', name: 'Claude Desktop', present: true, restartHint: '' },
    { id: 'cursor', name: 'Cursor', present: true, restartHint: '' },
  ];
  const installs = [
    { serverId: 'a', clientId: 'claude-desktop', state: 'installed' as const, name: 'linear' },
    { serverId: 'a', clientId: 'cursor', state: 'installed' as const, name: 'linear' },
  ];

  it('marks installed-and-seen with the check mark alone and installed-only as not connected yet', () => {
    const items = serverSubmenu(fakeServer('a', 'ready'), { clients, installs, seen: { a: ['cursor'] } });
    const install = items.find((i) => i.kind === 'submenu') as { items: Array<{ label: string; checked?: boolean }> };
    expect(install.items.map((i) => [i.label, i.checked])).toEqual([
      ['Claude Desktop (not connected yet)', true],
      ['Cursor', true],
    ]);
  });

  it('a definition waiting for review shows on the server line, asks for attention and is counted in the tooltip', () => {
    const servers = [fakeServer('a', 'ready', { name: 'Linear' }), fakeServer('b', 'ready', { name: 'Notion' })];
    const reviews = { a: 2 };
    expect(
      buildTrayMenuModel(servers, undefined, { reviews })
        .filter((i) => i.kind === 'submenu')
        .map((i) => (i as { label: string }).label),
    ).toEqual(['Linear — Ready · 2 to review', 'Notion — Ready']);
    expect(trayAppearance(servers, reviews)).toEqual({ icon: 'attention', tooltip: 'MCP Switchboard — 2 of 2 ready; 2 tools to review' });
    expect(trayIconName([fakeServer('a', 'error')], reviews)).toBe('error');
    expect(trayAppearance(servers, {})).toEqual(trayAppearance(servers));
  });
});
