/**
 * Who this run of the app is, decided before anything else: from a checkout or packaged (and how:
 * an AppImage, a macOS bundle that may run from a disk image or a translocated download, an
 * installer), which data directory, Chromium profile and single-instance lock it uses, what client
 * entries and launch at login run, and how mcp-switchboard:// links reach it. Pure: no Electron
 * import, tested per OS and packaging in app-identity.test.ts.
 *
 * A checkout never touches the installed app: it has its own data directory (and so its own
 * profile and lock, which live in it), its own name, Windows AppUserModelId (the login item's
 * registry name), Linux autostart file, and registers no link handler unless asked to
 * (MCP_SWITCHBOARD_REGISTER_PROTOCOL=1).
 */
import * as path from 'node:path';
import { dataDir as defaultDataDirFor, type Env } from '../shared/paths';
import type { Launcher } from '../core/clients';
import { AUTOSTART_FILE_NAME } from './autostart-linux';
import { DATA_DIR_ARG } from './launch-options';

export const APP_ID = 'dev.mcpswitchboard.app';
export const PRODUCT_NAME = 'MCP Switchboard';
export const URL_SCHEME = 'mcp-switchboard';
/** package.json's desktopName: the deb's desktop file, and the one an AppImage writes. */
export const DESKTOP_FILE = 'mcp-switchboard.desktop';

export type Packaging =
  /** Unpackaged: `electron <app folder>`. */
  | { kind: 'checkout'; appPath: string }
  /** A Linux AppImage: the runtime is a per-run mount (/tmp/.mount_*); the AppImage file stays. */
  | { kind: 'appimage'; appImage: string }
  /** A macOS bundle; `transient` when its path goes away (a mounted disk image, a translocated download). */
  | { kind: 'mac-bundle'; bundle: string; transient?: 'disk-image' | 'translocated' }
  /** Anything installed at a stable path (deb, NSIS, a macOS bundle in a folder). */
  | { kind: 'installed' };

export interface PackagingInput {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  execPath: string;
  env: Env;
  /** app.getAppPath() */
  appPath: string;
}

export function detectPackaging(input: PackagingInput): Packaging {
  if (!input.isPackaged) return { kind: 'checkout', appPath: input.appPath };
  const appImage = input.env.APPIMAGE;
  if (input.platform === 'linux' && appImage && path.isAbsolute(appImage)) return { kind: 'appimage', appImage };
  if (input.platform === 'darwin') {
    const m = /^(.*?\.app)\/Contents\/MacOS\/[^/]+$/.exec(input.execPath);
    if (m) {
      const bundle = m[1]!;
      if (bundle.includes('/AppTranslocation/')) return { kind: 'mac-bundle', bundle, transient: 'translocated' };
      if (bundle.startsWith('/Volumes/')) return { kind: 'mac-bundle', bundle, transient: 'disk-image' };
      return { kind: 'mac-bundle', bundle };
    }
  }
  return { kind: 'installed' };
}

/** Why client entries and launch at login are refused here, or undefined when they are fine. */
export function transientReason(p: Packaging): string | undefined {
  if (p.kind !== 'mac-bundle' || !p.transient) return undefined;
  const where = p.transient === 'disk-image' ? 'from its disk image' : 'from the Downloads folder (macOS runs it from a temporary copy)';
  return `Move MCP Switchboard to Applications first: it runs ${where}, and MCP clients and launch at login would point at a path that goes away.`;
}

/** The data directory of a checkout: beside the installed app's, never the same. */
export function devDataDir(env: Env, platform: NodeJS.Platform): string {
  const installed = defaultDataDirFor({ ...env, MCP_SWITCHBOARD_HOME: undefined }, platform);
  return `${installed}${platform === 'linux' ? '-dev' : ' Dev'}`;
}

export interface AppIdentity {
  packaging: Packaging;
  dev: boolean;
  /** app.setName (the name macOS and notifications show). */
  name: string;
  /** The data directory this run uses. */
  dataDir: string;
  /** MCP_SWITCHBOARD_HOME to set for this process (and so its children), when the environment does not say it. */
  dataDirEnv?: string;
  /** Chromium's profile, inside the data directory: the single-instance lock follows the data directory. */
  userData: string;
  /** Windows: app.setAppUserModelId; also the default registry name of the login item. */
  appUserModelId: string;
  /** Linux: the autostart file's name. */
  autostartFileName: string;
  /**
   * Arguments a start at login needs to reach this data directory (`--data-dir=<dir>` when it is
   * not the one a plain start picks: MCP_SWITCHBOARD_HOME, which a login start does not have).
   * Windows and Linux only: a macOS login item takes no arguments.
   */
  loginArgs: string[];
}

export interface IdentityInput extends PackagingInput {
  /** parseLaunchArgs(argv).dataDir: a connector named the data directory. */
  dataDirArg?: string;
}

export function appIdentity(input: IdentityInput): AppIdentity {
  const packaging = detectPackaging(input);
  const dev = packaging.kind === 'checkout';
  const fromEnv = input.env.MCP_SWITCHBOARD_HOME ? path.resolve(input.env.MCP_SWITCHBOARD_HOME) : undefined;
  const plainStart = dev ? devDataDir(input.env, input.platform) : defaultDataDirFor({ ...input.env, MCP_SWITCHBOARD_HOME: undefined }, input.platform);
  const dataDir = input.dataDirArg ?? fromEnv ?? plainStart;
  return {
    packaging,
    dev,
    name: dev ? `${PRODUCT_NAME} Dev` : PRODUCT_NAME,
    dataDir,
    ...(dataDir !== fromEnv && (input.dataDirArg || dev) ? { dataDirEnv: dataDir } : {}),
    userData: path.join(dataDir, 'chromium'),
    // Electron's advice for an unpackaged app: its executable path (the installed app's Start-menu
    // shortcut carries APP_ID; a checkout borrowing it would show toasts under the app's name).
    appUserModelId: dev ? input.execPath : APP_ID,
    autostartFileName: dev ? 'mcp-switchboard-dev.desktop' : AUTOSTART_FILE_NAME,
    loginArgs: dataDir === plainStart ? [] : [`${DATA_DIR_ARG}=${dataDir}`],
  };
}

/** What client config entries run, per packaging. `connectorScript` is the real (unpacked) file. */
export function clientLauncherFor(
  id: Pick<AppIdentity, 'packaging' | 'dataDir'>,
  execPath: string,
  connectorScript: string,
): Launcher & { copyConnectorTo?: string } {
  const p = id.packaging;
  if (p.kind === 'appimage') {
    // The mount is gone when the app quits: entries run the AppImage on a copy of the connector in
    // the data directory (Node built-ins only, so it runs from anywhere). AppRun puts --no-sandbox
    // first unless the arguments have it, and first it would be a Node option the runtime refuses.
    const copy = path.join(id.dataDir, 'connector', 'index.js');
    return { command: p.appImage, connectorScript: copy, electronRunAsNode: true, trailingArgs: ['--no-sandbox'], copyConnectorTo: copy };
  }
  const unavailable = transientReason(p);
  return { command: execPath, connectorScript, electronRunAsNode: true, ...(unavailable ? { unavailable } : {}) };
}

/** How mcp-switchboard:// links are registered with the OS, if at all. */
export type ProtocolRegistration =
  | { kind: 'none'; why: string }
  /** app.setAsDefaultProtocolClient(scheme, path, args), and isDefaultProtocolClient with the same. */
  | { kind: 'electron'; path: string; args: string[] }
  /** Linux without a packaged desktop file: write one (desktop-entry-linux.ts) that runs `exec`. */
  | { kind: 'desktop-file'; fileName: string; exec: string[] };

export function protocolRegistration(
  id: Pick<AppIdentity, 'packaging'>,
  input: { platform: NodeJS.Platform; execPath: string; env: Env },
): ProtocolRegistration {
  const p = id.packaging;
  if (p.kind === 'checkout') {
    if (input.env.MCP_SWITCHBOARD_REGISTER_PROTOCOL !== '1')
      return { kind: 'none', why: 'a checkout leaves links to the installed app (MCP_SWITCHBOARD_REGISTER_PROTOCOL=1 takes them)' };
    if (input.platform === 'linux') return { kind: 'desktop-file', fileName: 'mcp-switchboard-dev.desktop', exec: [input.execPath, p.appPath] };
    // "--" ends Chromium's switches, so a crafted link cannot inject flags (Windows; macOS ignores path and args).
    return { kind: 'electron', path: input.execPath, args: [p.appPath, '--'] };
  }
  if (p.kind === 'appimage') return { kind: 'desktop-file', fileName: DESKTOP_FILE, exec: [p.appImage] };
  if (p.kind === 'mac-bundle' && p.transient) return { kind: 'none', why: transientReason(p)! };
  // Windows: "--" ends Chromium's switches. Linux (deb): Electron asks xdg-settings to make the
  // deb's desktop file the handler; its Exec line has no "--", which is safe because a link
  // argument always starts with "mcp-switchboard:".
  return { kind: 'electron', path: input.execPath, args: ['--'] };
}
