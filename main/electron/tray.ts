/**
 * The tray icon and its menu. The menu content comes from the pure tray-menu-model; this adapter
 * maps it to Electron's Menu and rebuilds it (debounced) whenever the core reports a change.
 * "Open Switchboard" is always the first entry: on Linux, a click on the icon may do nothing.
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { ServerSummary } from '../../preload/contract';
import type { SwitchboardCore } from '../core/api/core-port';
import type { ClientApp, InstallStatus } from '../../preload/contract';
import { buildTrayMenuModel, trayTooltip, type TrayAction, type TrayInstallInfo, type TrayMenuItem } from './tray-menu-model';

export interface ElectronTrayOptions {
  core: SwitchboardCore;
  /** PNG for the tray: a monochrome template image on macOS, the coloured one elsewhere. */
  iconPath: string;
  /** macOS: treat the icon as a template (black + alpha, recoloured by the system). */
  template: boolean;
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

export class ElectronTray {
  private readonly tray: Tray;
  private readonly unsubscribe: Array<() => void>;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private install?: TrayInstallInfo;

  constructor(private readonly options: ElectronTrayOptions) {
    const image = nativeImage.createFromPath(options.iconPath);
    if (options.template) image.setTemplateImage(true);
    this.tray = new Tray(image);
    // Windows and (some) Linux trays emit click on activation; macOS opens the menu instead.
    this.tray.on('click', () => options.onAction('open'));
    const schedule = () => this.schedule();
    this.unsubscribe = [options.core.onDidChangeServers(schedule), options.core.onDidChangeStatus(schedule)];
    this.render();
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

  private render(): void {
    if (this.disposed) return;
    let servers: ServerSummary[];
    try {
      servers = this.options.core.listServers();
    } catch {
      servers = [];
    }
    const template = toMenuTemplate(buildTrayMenuModel(servers, this.install), this.options.onAction);
    // Linux only applies menu changes through a new setContextMenu call.
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
    this.tray.setToolTip(trayTooltip(servers));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const u of this.unsubscribe) u();
    this.tray.destroy();
  }
}
