/**
 * mcp-switchboard:// on Linux where no package installed a desktop file (an AppImage; a checkout
 * that asked for it). Electron's setAsDefaultProtocolClient only names package.json's desktopName
 * to xdg-settings, and that file exists only when the deb installed it, so links (the "add"
 * links, sign-in redirects of pre-registered native clients) would go nowhere. The app writes
 * `$XDG_DATA_HOME/applications/<name>.desktop` (default ~/.local/share/applications) with the
 * scheme's MimeType, then makes it the scheme's default with xdg-mime. Only when the file changes
 * (the AppImage moved): no desktop tools run on an ordinary start. Node built-ins only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quoteExecArg } from './autostart-linux';

export const SCHEME_MIME = 'x-scheme-handler/mcp-switchboard';

/** `$XDG_DATA_HOME/applications`; a relative or empty XDG_DATA_HOME is ignored (XDG Base Directory spec). */
export function applicationsDir(env: NodeJS.ProcessEnv, home: string = os.homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share'), 'applications');
}

/** The desktop file: hidden from menus, opens links with the app (%U: the link as an argument). */
export function schemeHandlerEntry(exec: readonly string[], name = 'MCP Switchboard'): string {
  if (!exec.length || !path.isAbsolute(exec[0]!)) throw new Error(`The link handler must start with an absolute path, got ${JSON.stringify(exec[0] ?? '')}`);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    `Name=${name}`,
    `Exec=${exec.map(quoteExecArg).join(' ')} %U`,
    'Terminal=false',
    'NoDisplay=true',
    `MimeType=${SCHEME_MIME};`,
    // Written by MCP Switchboard so that mcp-switchboard:// links reach it.
    'X-MCP-Switchboard=true',
    '',
  ].join('\n');
}

/** Runs a desktop tool (xdg-mime, update-desktop-database); rejects when it fails or is missing. */
export type RunTool = (command: string, args: string[]) => Promise<void>;

export interface SchemeHandlerOptions {
  env: NodeJS.ProcessEnv;
  fileName: string;
  exec: readonly string[];
  run: RunTool;
  home?: string;
}

/**
 * Writes the desktop file when it differs and registers it. Resolves to 'unchanged' or
 * 'registered'; a desktop tool that fails is reported in `problems` (the file is still written).
 */
export async function registerSchemeHandler(opts: SchemeHandlerOptions): Promise<{ result: 'unchanged' | 'registered'; file: string; problems: string[] }> {
  const dir = applicationsDir(opts.env, opts.home);
  const file = path.join(dir, opts.fileName);
  const content = schemeHandlerEntry(opts.exec);
  let current: string | undefined;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) return { result: 'unchanged', file, problems: [] };
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${opts.fileName}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { mode: 0o644 });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  const problems: string[] = [];
  for (const [command, args] of [
    ['update-desktop-database', [dir]],
    ['xdg-mime', ['default', opts.fileName, SCHEME_MIME]],
  ] as const) {
    await opts.run(command, [...args]).catch((err: Error) => problems.push(`${command}: ${err.message}`));
  }
  return { result: 'registered', file, problems };
}
