/**
 * Pure model of the tray: the context menu, the icon and the tooltip, computed from the server list.
 * The Electron adapter (tray.ts) only maps this model to Menu.buildFromTemplate and nativeImage; no
 * Electron import here.
 */
import type { ClientApp, InstallStatus, ServerState, ServerSummary } from '../../common/contract';
import { IDLE_STATE } from '../../common/wording';
import { worstState } from '../core/supervisor/status';

/** What a click asks for; the composition root carries it out. */
export type TrayAction =
  | 'open'
  | 'quit'
  | 'add-server'
  /** The "Launch at login" check box: the value it asks for (the opposite of its check mark). */
  | { setting: 'launchAtLogin'; value: boolean }
  | { serverId: string; do: 'sign-in' | 'reset-sign-in' | 'restart' | 'show-logs' | 'enable' }
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
  /**
   * Per server, the client installs that have connected since (the tool policy's last-connected
   * records): their check mark stands alone; an installed client not among them is marked
   * "not connected yet" (it needs a restart to pick the entry up).
   */
  seen?: Readonly<Record<string, readonly string[]>>;
}

/** Per server: definitions waiting for the user's review (tool policy); shown on its line, and the icon asks for attention. */
export type TrayReviews = Readonly<Record<string, number>>;

export const STATE_LABELS: Record<ServerState, string> = {
  stopped: 'Stopped',
  idle: IDLE_STATE.label,
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

/** "Name — Ready", "Name — Disabled", "Name — Ready · 2 to review". Ampersands are doubled: Windows menus treat & as a mnemonic. */
export function serverLine(server: ServerSummary, toReview = 0): string {
  const state = server.enabled ? (STATE_LABELS[server.status.state] ?? server.status.state) : 'Disabled';
  const name = shorten(server.name || server.url, MAX_NAME).replace(/&/g, '&&');
  return `${name} — ${state}${toReview > 0 ? ` · ${toReview} to review` : ''}`;
}

/** The server needs the user: it is on, and waiting for a sign-in, retrying, or stopped after crashes. */
export function needsAttention(server: ServerSummary): boolean {
  return server.enabled && (server.status.state === 'needs-sign-in' || server.status.state === 'retrying' || server.status.state === 'error');
}

/**
 * The action a server's state needs (the window's cards carry the same): Sign in, Try now (retrying),
 * Restart (stopped after crashes), Enable (turned off). None for a server that is fine.
 */
export function fixFor(server: ServerSummary): { do: 'sign-in' | 'restart' | 'enable'; label: string; top: string } | undefined {
  const name = shorten(server.name || server.url, MAX_NAME).replace(/&/g, '&&');
  if (!server.enabled) return { do: 'enable', label: 'Enable', top: `Enable ${name}` };
  switch (server.status.state) {
    case 'needs-sign-in':
      return { do: 'sign-in', label: 'Sign in…', top: `Sign in to ${name}…` };
    case 'retrying':
      return { do: 'restart', label: 'Try now', top: `Try ${name} now` };
    case 'error':
      return { do: 'restart', label: 'Restart', top: `Restart ${name}` };
    default:
      return undefined;
  }
}

/** Servers that need the user first, the rest in their order. */
export function attentionFirst<T extends ServerSummary>(servers: readonly T[]): T[] {
  return [...servers.filter(needsAttention), ...servers.filter((s) => !needsAttention(s))];
}

/** Top-level fixes shown above the server list (the most a menu should lead with). */
export const MAX_TRAY_FIXES = 3;

/**
 * One server's submenu: the fix its state needs first (Sign in…, Try now, Restart, Enable), Sign
 * out…, Install into ▸ (check marks where installed), Restart, Show log.
 */
export function serverSubmenu(server: ServerSummary, install?: TrayInstallInfo): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  const serverId = server.id;
  const fix = fixFor(server);
  if (fix) items.push({ kind: 'action', action: { serverId, do: fix.do }, label: fix.label });
  if (server.signIn === 'signed-in' || server.signIn === 'error') items.push({ kind: 'action', action: { serverId, do: 'reset-sign-in' }, label: 'Sign out…' });
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
      // Installed and seen: the check mark alone; installed only (when the host knows who connected): said so.
      const unseen = installed && install.seen !== undefined && !install.seen[serverId]?.includes(c.id);
      rows.push({
        kind: 'action',
        action: { serverId, do: installed ? 'uninstall' : 'install', clientId: c.id },
        label: `${c.name.replace(/&/g, '&&')}${unseen ? ' (not connected yet)' : ''}`,
        checked: installed,
      });
    }
    items.push(rows.length ? { kind: 'submenu', label: 'Install into', items: rows } : { kind: 'info', label: 'No MCP clients found' });
  }
  items.push({ kind: 'separator' });
  if (fix?.do !== 'restart') items.push({ kind: 'action', action: { serverId, do: 'restart' }, label: 'Restart', enabled: server.enabled });
  items.push({ kind: 'action', action: { serverId, do: 'show-logs' }, label: 'Show log' });
  return items;
}

/** App-wide state the menu shows besides the servers. */
export interface TrayAppState {
  /** The check mark of "Launch at login"; absent: the host cannot launch at login (no item). */
  launchAtLogin?: boolean;
  reviews?: TrayReviews;
}

export function buildTrayMenuModel(servers: readonly ServerSummary[], install?: TrayInstallInfo, app: TrayAppState = {}): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ kind: 'action', action: 'open', label: 'Open Switchboard' }, { kind: 'separator' }];
  // What needs the user leads the menu, as an action ("Sign in to Notion…"), not inside a submenu.
  const fixes = servers.filter(needsAttention).slice(0, MAX_TRAY_FIXES);
  for (const s of fixes) {
    const fix = fixFor(s)!;
    items.push({ kind: 'action', action: { serverId: s.id, do: fix.do }, label: fix.top });
  }
  if (fixes.length) items.push({ kind: 'separator' });
  if (servers.length === 0) {
    items.push({ kind: 'info', label: 'No servers yet' });
  } else {
    for (const s of attentionFirst(servers).slice(0, MAX_TRAY_SERVERS))
      items.push({ kind: 'submenu', label: serverLine(s, app.reviews?.[s.id]), serverId: s.id, items: serverSubmenu(s, install) });
    const rest = servers.length - MAX_TRAY_SERVERS;
    if (rest > 0) items.push({ kind: 'info', label: `… and ${rest} more` });
  }
  items.push({ kind: 'separator' }, { kind: 'action', action: 'add-server', label: 'Add remote server…' }, { kind: 'separator' });
  if (app.launchAtLogin !== undefined) {
    items.push({ kind: 'action', action: { setting: 'launchAtLogin', value: !app.launchAtLogin }, label: 'Launch at login', checked: app.launchAtLogin });
  }
  items.push({ kind: 'action', action: 'quit', label: 'Quit' });
  return items;
}

/**
 * The tray icon's state: the worst state among enabled servers. Template images (macOS) cannot be
 * coloured, so every variant also differs by shape (assets/tray, drawn by scripts/make-icons.mjs).
 */
export type TrayIconName = 'idle' | 'ok' | 'attention' | 'error';
export const TRAY_ICON_NAMES: readonly TrayIconName[] = ['idle', 'ok', 'attention', 'error'];

const ICON_OF_STATE: Record<ServerState, TrayIconName> = {
  stopped: 'idle',
  // An idle server works: its proxy starts on a client's first connection.
  idle: 'ok',
  starting: 'ok',
  connecting: 'ok',
  ready: 'ok',
  retrying: 'attention',
  'needs-sign-in': 'attention',
  error: 'error',
};

export function trayIconName(servers: readonly ServerSummary[], reviews?: TrayReviews): TrayIconName {
  const worst = worstState(servers.filter((s) => s.enabled).map((s) => s.status.state));
  const icon = worst === undefined ? 'idle' : ICON_OF_STATE[worst];
  // A definition waiting for review (a changed or new tool) asks for attention, short of an error.
  return icon !== 'error' && toReview(servers, reviews) > 0 ? 'attention' : icon;
}

function toReview(servers: readonly ServerSummary[], reviews?: TrayReviews): number {
  return servers.reduce((n, s) => n + (reviews?.[s.id] ?? 0), 0);
}

/**
 * File name in assets/tray. macOS needs the `Template` suffix (and loads `@2x` beside it by itself);
 * the plain "ok" icon keeps the short names (tray.png, trayTemplate.png).
 */
export function trayIconFile(icon: TrayIconName, template: boolean): string {
  return `tray${icon === 'ok' ? '' : `-${icon}`}${template ? 'Template' : ''}.png`;
}

/** How each non-ready state is counted in the tooltip, worst first. */
const TOOLTIP_PARTS: Array<{ states: readonly ServerState[]; one: string; many: string }> = [
  { states: ['error'], one: 'failed', many: 'failed' },
  { states: ['needs-sign-in'], one: 'needs sign-in', many: 'need sign-in' },
  { states: ['retrying'], one: 'retrying', many: 'retrying' },
  { states: ['starting', 'connecting'], one: 'starting', many: 'starting' },
  { states: ['idle'], one: IDLE_STATE.count, many: IDLE_STATE.count },
  { states: ['stopped'], one: 'stopped', many: 'stopped' },
];

/** One-line summary for the tray tooltip: "MCP Switchboard — 2 of 3 ready, 1 needs sign-in". */
export function trayTooltip(servers: readonly ServerSummary[], reviews?: TrayReviews): string {
  const n = toReview(servers, reviews);
  return n > 0 ? `${serversTooltip(servers)}; ${n} ${n === 1 ? 'tool' : 'tools'} to review` : serversTooltip(servers);
}

function serversTooltip(servers: readonly ServerSummary[]): string {
  if (servers.length === 0) return 'MCP Switchboard — no servers yet';
  const enabled = servers.filter((s) => s.enabled);
  const off = servers.length - enabled.length;
  if (enabled.length === 0) return `MCP Switchboard — ${off === 1 ? '1 server, turned off' : `${off} servers, all turned off`}`;
  const count = (states: readonly ServerState[]) => enabled.filter((s) => states.includes(s.status.state)).length;
  // An idle server is ready for its clients (its proxy starts on their first connection): counted as ready, and named.
  const parts = [`${count(['ready', 'idle'])} of ${enabled.length} ready`];
  for (const p of TOOLTIP_PARTS) {
    const n = count(p.states);
    if (n > 0) parts.push(`${n} ${n === 1 ? p.one : p.many}`);
  }
  if (off > 0) parts.push(`${off} off`);
  return `MCP Switchboard — ${parts.join(', ')}`;
}

/** What the tray shows for a server list: the icon and its tooltip. */
export function trayAppearance(servers: readonly ServerSummary[], reviews?: TrayReviews): { icon: TrayIconName; tooltip: string } {
  return { icon: trayIconName(servers, reviews), tooltip: trayTooltip(servers, reviews) };
}
