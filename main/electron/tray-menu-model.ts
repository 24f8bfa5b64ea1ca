/**
 * Pure model of the tray: the context menu and the tooltip, computed from the server list. The
 * Electron adapter (tray.ts) only maps this model to Menu.buildFromTemplate; no Electron import here.
 */
import type { ServerState, ServerSummary } from '../../preload/contract';

export type TrayAction = 'open' | 'quit';

export type TrayMenuItem =
  | { kind: 'action'; action: TrayAction; label: string }
  | { kind: 'info'; label: string; serverId?: string }
  | { kind: 'separator' };

export const STATE_LABELS: Record<ServerState, string> = {
  stopped: 'Stopped',
  starting: 'Starting…',
  connecting: 'Connecting…',
  'needs-sign-in': 'Needs sign-in',
  ready: 'Ready',
  retrying: 'Retrying…',
  error: 'Error',
};

/** Servers shown by name before the rest is summarised in one line. */
export const MAX_TRAY_SERVERS = 12;
const MAX_NAME = 40;

function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** "Name — Ready", "Name — Disabled". Ampersands are doubled: Windows menus treat & as a mnemonic. */
export function serverLine(server: ServerSummary): string {
  const state = server.enabled ? STATE_LABELS[server.status.state] ?? server.status.state : 'Disabled';
  const name = shorten(server.name || server.url, MAX_NAME).replace(/&/g, '&&');
  return `${name} — ${state}`;
}

export function buildTrayMenuModel(servers: readonly ServerSummary[]): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ kind: 'action', action: 'open', label: 'Open Switchboard' }, { kind: 'separator' }];
  if (servers.length === 0) {
    items.push({ kind: 'info', label: 'No servers yet' });
  } else {
    for (const s of servers.slice(0, MAX_TRAY_SERVERS)) items.push({ kind: 'info', label: serverLine(s), serverId: s.id });
    const rest = servers.length - MAX_TRAY_SERVERS;
    if (rest > 0) items.push({ kind: 'info', label: `… and ${rest} more` });
  }
  items.push({ kind: 'separator' }, { kind: 'action', action: 'quit', label: 'Quit' });
  return items;
}

const ATTENTION: ReadonlySet<ServerState> = new Set(['needs-sign-in', 'error', 'retrying']);

/** One-line summary for the tray tooltip. */
export function trayTooltip(servers: readonly ServerSummary[]): string {
  const enabled = servers.filter((s) => s.enabled);
  if (servers.length === 0) return 'MCP Switchboard — no servers';
  const ready = enabled.filter((s) => s.status.state === 'ready').length;
  const attention = enabled.filter((s) => ATTENTION.has(s.status.state)).length;
  const parts = [`${ready} of ${enabled.length} ready`];
  if (attention > 0) parts.push(`${attention} need${attention === 1 ? 's' : ''} attention`);
  return `MCP Switchboard — ${parts.join(', ')}`;
}
