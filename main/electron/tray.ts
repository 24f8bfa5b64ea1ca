/**
 * The tray icon and its menu. The menu, the icon's state and the tooltip come from the pure
 * tray-menu-model; this adapter maps them to Electron's Menu and nativeImage.
 * "Open Switchboard" is always the first entry: on Linux, a click on the icon may do nothing.
 *
 * Under traffic a proxy reports metrics up to ten times a second, each a status event. So the
 * rebuild is debounced, and the menu is replaced only when what it shows changed (a new menu
 * closes or flickers an open one on some desktops, and is deferred while it is open, where
 * Electron reports that); the clients' install states (which read every client's config file)
 * and the settings (which ask the OS for the login item) are read again only when servers or
 * settings change.
 *
 * macOS: a click on a menu-bar icon with a menu emits `click` and then opens the menu, so the
 * click opens nothing there (the menu's first entry does).
 */
import * as path from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { AppSettings, ClientApp, InstallStatus, ServerSummary } from '../../common/contract';
import type { SwitchboardCore } from '../core/api/core-port';
import {
  buildTrayMenuModel,
  trayAppearance,
  trayIconFile,
  type TrayAction,
  type TrayIconName,
  type TrayInstallInfo,
  type TrayMenuItem,
} from './tray-menu-model';

export interface ElectronTrayOptions {
  core: SwitchboardCore;
  /** Folder with the tray PNGs (assets/tray): tray[-state][Template][@2x].png. */
  iconDir: string;
  /** macOS: use the template images (black + alpha, recoloured by the system). */
  template: boolean;
  /** Show "Launch at login" (checked from the core's settings; the click goes through onAction). */
  loginItemSupported: boolean;
  onAction: (action: TrayAction) => void;
  /** Rebuild delay after a burst of status events. */
  debounceMs?: number;
  /** process.platform by default. */
  platform?: NodeJS.Platform;
}

export function toMenuTemplate(model: readonly TrayMenuItem[], onAction: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return model.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { label: item.label, enabled: false };
      case 'submenu':
        return { label: item.label, submenu: toMenuTemplate(item.items, onAction) };
      case 'action':
        return {
          label: item.label,
          enabled: item.enabled ?? true,
          ...(item.checked === undefined ? {} : { type: 'checkbox' as const, checked: item.checked }),
          click: () => onAction(item.action),
        };
    }
  });
}

/** What the tray shows right now (for the Electron smoke e2e, which cannot see a tray otherwise). */
export interface TraySnapshot {
  icon: TrayIconName;
  tooltip: string;
  /** Top-level labels; separators as "-". */
  menu: string[];
}

export class ElectronTray {
  private readonly tray: Tray;
  private readonly unsubscribe: Array<() => void>;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private install?: TrayInstallInfo;
  private settings?: AppSettings;
  private readonly images = new Map<TrayIconName, NativeImage>();
  private icon: TrayIconName;
  private tooltip: string | undefined;
  /** What the current menu shows, to replace it only when that changes. */
  private menuKey: string | undefined;
  /** Top-level labels of the menu shown (for the snapshot). */
  private shown: string[] = [];
  private menuOpen = false;
  private renderWhenClosed = false;
  private stale = { installs: true, settings: true };
  private last: TraySnapshot | undefined;

  constructor(private readonly options: ElectronTrayOptions) {
    this.icon = trayAppearance(this.servers(), this.reviews()).icon;
    this.tray = new Tray(this.image(this.icon));
    // Windows and Linux: a click on the icon opens the window. macOS opens the menu on the same click.
    if ((options.platform ?? process.platform) !== 'darwin') this.tray.on('click', () => options.onAction('open'));
    const core = options.core;
    this.unsubscribe = [
      core.onDidChangeServers(() => this.schedule({ installs: true })),
      core.onDidChangeStatus(() => this.schedule({})),
      core.onDidChangeSettings(() => this.schedule({ installs: true, settings: true })),
      core.onDidChangeTools(() => this.schedule({})),
    ];
    this.readSettings();
    this.render();
    // The install states come soon after (they read every client's config file).
    this.schedule({ installs: true });
  }

  /** One image per state, loaded once (createFromPath picks up the @2x file beside it). */
  private image(icon: TrayIconName): NativeImage {
    let image = this.images.get(icon);
    if (!image) {
      image = nativeImage.createFromPath(path.join(this.options.iconDir, trayIconFile(icon, this.options.template)));
      if (this.options.template) image.setTemplateImage(true);
      this.images.set(icon, image);
    }
    return image;
  }

  /** Rebuilds menu, icon and tooltip soon, reading installs and settings again (e.g. after the login item changed outside the core). */
  refresh(): void {
    this.schedule({ installs: true, settings: true });
  }

  private schedule(what: { installs?: boolean; settings?: boolean }): void {
    if (this.disposed) return;
    this.stale.installs ||= !!what.installs;
    this.stale.settings ||= !!what.settings;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const { installs, settings } = this.stale;
      this.stale = { installs: false, settings: false };
      if (settings) this.readSettings();
      void (installs ? this.refreshInstalls() : Promise.resolve()).finally(() => this.render());
    }, this.options.debounceMs ?? 150);
  }

  /** Install states for the "Install into" submenus; none when the host cannot install. */
  private async refreshInstalls(): Promise<void> {
    try {
      const clients: ClientApp[] = this.options.core.listClients();
      const installs: InstallStatus[] = await this.options.core.installStatus();
      this.install = { clients, installs };
    } catch {
      this.install = undefined;
    }
  }

  private readSettings(): void {
    if (!this.options.loginItemSupported) return;
    try {
      this.settings = this.options.core.getSettings();
    } catch {
      this.settings = undefined;
    }
  }

  /** The tool policy's per-server summary: waiting reviews and the installs seen connecting. */
  private toolSummary(): { reviews: Record<string, number>; seen: Record<string, string[]> } {
    try {
      const all = Object.entries(this.options.core.toolSummary());
      return { reviews: Object.fromEntries(all.map(([id, t]) => [id, t.pending])), seen: Object.fromEntries(all.map(([id, t]) => [id, t.seen])) };
    } catch {
      return { reviews: {}, seen: {} };
    }
  }

  private reviews(): Record<string, number> {
    return this.toolSummary().reviews;
  }

  private servers(): ServerSummary[] {
    try {
      return this.options.core.listServers();
    } catch {
      return [];
    }
  }

  private render(): void {
    if (this.disposed) return;
    const servers = this.servers();
    const { reviews, seen } = this.toolSummary();
    const install = this.install && { ...this.install, seen };
    const model = buildTrayMenuModel(servers, install, { launchAtLogin: this.settings?.launchAtLogin, reviews });
    const menuKey = JSON.stringify(model);
    if (menuKey !== this.menuKey) {
      if (this.menuOpen) {
        // Replaced when it closes: replacing an open menu closes it (macOS, Windows) or makes it flicker (Linux).
        this.renderWhenClosed = true;
      } else {
        this.menuKey = menuKey;
        this.shown = model.map((i) => (i.kind === 'separator' ? '-' : i.label));
        // Linux only applies menu changes through a new setContextMenu call.
        this.tray.setContextMenu(this.buildMenu(model));
      }
    }
    const look = trayAppearance(servers, reviews);
    if (look.icon !== this.icon) {
      this.icon = look.icon;
      this.tray.setImage(this.image(look.icon));
    }
    if (look.tooltip !== this.tooltip) {
      this.tooltip = look.tooltip;
      this.tray.setToolTip(look.tooltip);
    }
    this.last = { icon: look.icon, tooltip: look.tooltip, menu: this.shown };
  }

  private buildMenu(model: readonly TrayMenuItem[]): Menu {
    const menu = Menu.buildFromTemplate(toMenuTemplate(model, this.options.onAction));
    // Where Electron reports the menu opening and closing, a change waits for it to close.
    menu.on('menu-will-show', () => (this.menuOpen = true));
    menu.on('menu-will-close', () => {
      this.menuOpen = false;
      if (this.renderWhenClosed) {
        this.renderWhenClosed = false;
        // After the click that closed it has been handled.
        setTimeout(() => this.render(), 0);
      }
    });
    return menu;
  }

  snapshot(): TraySnapshot | undefined {
    return this.disposed ? undefined : this.last;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const u of this.unsubscribe) u();
    this.tray.destroy();
  }
}
