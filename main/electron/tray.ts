/**
 * The tray icon and its menu. The menu, the icon's state and the tooltip come from the pure
 * tray-menu-model; this adapter maps them to Electron's Menu and nativeImage and rebuilds them
 * (debounced) whenever the core reports a change of servers, status or settings.
 * "Open Switchboard" is always the first entry: on Linux, a click on the icon may do nothing.
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
  private readonly images = new Map<TrayIconName, NativeImage>();
  private icon: TrayIconName;
  private last: TraySnapshot | undefined;

  constructor(private readonly options: ElectronTrayOptions) {
    this.icon = trayAppearance(this.servers()).icon;
    this.tray = new Tray(this.image(this.icon));
    // Windows and (some) Linux trays emit click on activation; macOS opens the menu instead.
    this.tray.on('click', () => options.onAction('open'));
    const schedule = () => this.schedule();
    this.unsubscribe = [options.core.onDidChangeServers(schedule), options.core.onDidChangeStatus(schedule), options.core.onDidChangeSettings(schedule)];
    this.render();
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

  /** Rebuilds menu, icon and tooltip soon (e.g. after the login item changed outside the core). */
  refresh(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refreshInstalls().finally(() => this.render());
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
    let settings: AppSettings | undefined;
    if (this.options.loginItemSupported) {
      try {
        settings = this.options.core.getSettings();
      } catch {
        settings = undefined;
      }
    }
    const model = buildTrayMenuModel(servers, this.install, { launchAtLogin: settings?.launchAtLogin });
    // Linux only applies menu changes through a new setContextMenu call.
    this.tray.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(model, this.options.onAction)));
    const look = trayAppearance(servers);
    if (look.icon !== this.icon) {
      this.icon = look.icon;
      this.tray.setImage(this.image(look.icon));
    }
    this.tray.setToolTip(look.tooltip);
    this.last = { icon: look.icon, tooltip: look.tooltip, menu: model.map((i) => (i.kind === 'separator' ? '-' : i.label)) };
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
