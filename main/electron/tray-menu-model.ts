/**
 * Pure model of the tray: the context menu and the tooltip, computed from the server list. The
 * Electron adapter (tray.ts) only maps this model to Menu.buildFromTemplate; no Electron import here.
 */
import type { ClientApp, InstallStatus, ServerState, ServerSummary } from '../../preload/contract';

/** What a click asks for; the composition root carries it out. */
export type TrayAction =
  | 'open'
  | 'quit'
  | 'add-server'
  | { serverId: string; do: 'sign-in' | 'reset-sign-in' | 'restart' | 'show-logs' }
  | { serverId: string; do: 'install' | 'uninstall'; clientId: string };

export type TrayMenuItem =
  | { kind: 'action'; action: TrayAction; label: string; enabled?: boolean; checked?: boolean }
  | { kind: 'info'; label: string; serverId?: string }
  | { kind: 'submenu'; label: string; serverId?: string; items: TrayMenuItem[] }
  | { kind: 'separator' };

/** Clients and install states for the "Install into" submenus (absent: no submenu). */
export interface TrayInstallInfo {
  clients: readonly ClientApp[];
  installs: readonly InstallStatus[];
}

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

/** One server's submenu: sign-in, Install into ▸ (check marks where installed), Restart, Show logs. */
export function serverSubmenu(server: ServerSummary, install?: TrayInstallInfo): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  const serverId = server.id;
  if (server.enabled && server.status.state === 'needs-sign-in') items.push({ kind: 'action', action: { serverId, do: 'sign-in' }, label: 'Sign in…' });
  if (server.signIn === 'signed-in' || server.signIn === 'error') items.push({ kind: 'action', action: { serverId, do: 'reset-sign-in' }, label: 'Reset sign-in' });
  if (install) {
    const rows: TrayMenuItem[] = [];
    for (const c of install.clients) {
      const st = install.installs.find((i) => i.serverId === serverId && i.clientId === c.id);
      const installed = st?.state === 'installed' || st?.state === 'stale';
      if (!c.present && !installed) continue;
      if (st?.state === 'cannot-install') {
        rows.push({ kind: 'action', action: { serverId, do: 'install', clientId: c.id }, label: c.name.replace(/&/g, '&&'), enabled: false });
        continue;
      }
      rows.push({ kind: 'action', action: { serverId, do: installed ? 'uninstall' : 'install', clientId: c.id }, label: c.name.replace(/&/g, '&&'), checked: installed });
    }
    items.push(rows.length ? { kind: 'submenu', label: 'Install into', items: rows } : { kind: 'info', label: 'No MCP clients found' });
  }
  items.push(
    { kind: 'separator' },
    { kind: 'action', action: { serverId, do: 'restart' }, label: 'Restart', enabled: server.enabled },
    { kind: 'action', action: { serverId, do: 'show-logs' }, label: 'Show logs' },
  );
  return items;
}

export function buildTrayMenuModel(servers: readonly ServerSummary[], install?: TrayInstallInfo): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ kind: 'action', action: 'open', label: 'Open Switchboard' }, { kind: 'separator' }];
  if (servers.length === 0) {
    items.push({ kind: 'info', label: 'No servers yet' });
  } else {
    for (const s of servers.slice(0, MAX_TRAY_SERVERS)) items.push({ kind: 'submenu', label: serverLine(s), serverId: s.id, items: serverSubmenu(s, install) });
    const rest = servers.length - MAX_TRAY_SERVERS;
    if (rest > 0) items.push({ kind: 'info', label: `… and ${rest} more` });
  }
  items.push(
    { kind: 'separator' },
    { kind: 'action', action: 'add-server', label: 'Add remote server…' },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit' },
  );
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
