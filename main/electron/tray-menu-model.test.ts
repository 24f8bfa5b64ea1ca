import { describe, expect, it } from 'vitest';
import { SERVER_STATES } from '../../preload/contract';
import { fakeServer } from '../core/api/testing/fake-core';
import { buildTrayMenuModel, MAX_TRAY_SERVERS, serverLine, STATE_LABELS, trayTooltip } from './tray-menu-model';

describe('buildTrayMenuModel', () => {
  it('shows Open first, an empty-state line and Quit last when there are no servers', () => {
    expect(buildTrayMenuModel([])).toEqual([
      { kind: 'action', action: 'open', label: 'Open Switchboard' },
      { kind: 'separator' },
      { kind: 'info', label: 'No servers yet' },
      { kind: 'separator' },
      { kind: 'action', action: 'quit', label: 'Quit' },
    ]);
  });

  it('adds one disabled info line per server with its state', () => {
    const model = buildTrayMenuModel([
      fakeServer('a', 'ready', { name: 'Linear' }),
      fakeServer('b', 'needs-sign-in', { name: 'Notion' }),
      fakeServer('c', 'error', { name: 'Sentry', enabled: false }),
    ]);
    expect(model.filter((i) => i.kind === 'info')).toEqual([
      { kind: 'info', label: 'Linear — Ready', serverId: 'a' },
      { kind: 'info', label: 'Notion — Needs sign-in', serverId: 'b' },
      { kind: 'info', label: 'Sentry — Disabled', serverId: 'c' },
    ]);
    expect(model[0]).toMatchObject({ action: 'open' });
    expect(model.at(-1)).toMatchObject({ action: 'quit' });
  });

  it('has a label for every state', () => {
    for (const state of SERVER_STATES) expect(STATE_LABELS[state]).toBeTruthy();
  });

  it('summarises servers beyond the limit', () => {
    const many = Array.from({ length: MAX_TRAY_SERVERS + 3 }, (_, i) => fakeServer(`s${i}`));
    const infos = buildTrayMenuModel(many).filter((i) => i.kind === 'info');
    expect(infos).toHaveLength(MAX_TRAY_SERVERS + 1);
    expect(infos.at(-1)).toEqual({ kind: 'info', label: '… and 3 more' });
  });

  it('shortens long names, flattens whitespace, escapes & and falls back to the URL', () => {
    expect(serverLine(fakeServer('x', 'ready', { name: 'A & B' }))).toBe('A && B — Ready');
    expect(serverLine(fakeServer('x', 'ready', { name: 'line\nbreak' }))).toBe('line break — Ready');
    const long = serverLine(fakeServer('x', 'starting', { name: 'n'.repeat(80) }));
    expect(long).toBe(`${'n'.repeat(39)}… — Starting…`);
    expect(serverLine(fakeServer('x', 'ready', { name: '', url: 'https://u.example/mcp' }))).toBe('https://u.example/mcp — Ready');
  });
});

describe('trayTooltip', () => {
  it('summarises readiness and problems of enabled servers', () => {
    expect(trayTooltip([])).toBe('MCP Switchboard — no servers');
    expect(trayTooltip([fakeServer('a'), fakeServer('b', 'connecting')])).toBe('MCP Switchboard — 1 of 2 ready');
    expect(
      trayTooltip([fakeServer('a'), fakeServer('b', 'error'), fakeServer('c', 'needs-sign-in'), fakeServer('d', 'error', { enabled: false })]),
    ).toBe('MCP Switchboard — 1 of 3 ready, 2 need attention');
    expect(trayTooltip([fakeServer('b', 'retrying')])).toBe('MCP Switchboard — 0 of 1 ready, 1 needs attention');
  });
});
