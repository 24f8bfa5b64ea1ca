/**
 * Launch at login on Linux: Electron has no API for it, so the app writes an XDG autostart entry
 * (`$XDG_CONFIG_HOME/autostart/mcp-switchboard.desktop`, default `~/.config/autostart`) that runs
 * the app with `--background`. Node built-ins only: tested with real files in temp dirs and
 * against GLib's own Desktop Entry parser (`gio launch`) in autostart-linux.test.ts.
 *
 * Spec: https://specifications.freedesktop.org/desktop-entry-spec/latest/ (Exec key, quoting) and
 * https://specifications.freedesktop.org/autostart-spec/latest/ (Hidden, location).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const AUTOSTART_FILE_NAME = 'mcp-switchboard.desktop';

/** `$XDG_CONFIG_HOME/autostart`; the spec says a relative or empty XDG_CONFIG_HOME is ignored. */
export function autostartDir(env: NodeJS.ProcessEnv, home: string = os.homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  const configHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
  return path.join(configHome, 'autostart');
}

/**
 * What the entry runs: the AppImage itself when running from one ($APPIMAGE; process.execPath is
 * then a path inside a temporary mount that is gone after the app quits), else the executable,
 * plus the app folder when unpackaged (`electron <app> --background`).
 */
export function autostartCommand(opts: { env: NodeJS.ProcessEnv; execPath: string; appArgs?: readonly string[] }): string[] {
  const appImage = opts.env.APPIMAGE;
  const exe = appImage && path.isAbsolute(appImage) ? appImage : opts.execPath;
  return [exe, ...(appImage ? [] : (opts.appArgs ?? [])), '--background'];
}

/** Characters that force an argument into double quotes (Desktop Entry spec, "The Exec key"). */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * One argument of an Exec line. Two layers, as the spec requires: the quoting rule (inside double
 * quotes, `"` `` ` `` `$` `\` take a backslash), then the string-value escape (every backslash is
 * doubled), so a literal `$` is written `\\$` and a literal `\` is written `\\\\`. `%` is doubled
 * because a single one starts a field code. Control characters cannot be written at all.
 */
export function quoteExecArg(arg: string): string {
  if (arg === '') return '""';

  if (/[\u0000-\u001f\u007f]/.test(arg)) throw new Error(`Cannot write a control character into an autostart entry: ${JSON.stringify(arg)}`);
  const percent = arg.replace(/%/g, '%%');
  if (!RESERVED.test(percent)) return percent;
  const quoted = `"${percent.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return quoted.replace(/\\/g, '\\\\');
}

/** A string value (Name=, Comment=): the spec's escapes for backslash and control characters. */
function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}

export interface AutostartEntryOptions {
  /** argv of the command; the first item is the executable (absolute path). */
  command: readonly string[];
  name?: string;
  comment?: string;
  /** Icon name or absolute path; omitted when not given. */
  icon?: string;
}

export function autostartEntry(opts: AutostartEntryOptions): string {
  if (!opts.command.length || !path.isAbsolute(opts.command[0]!)) {
    throw new Error(`The autostart command must start with an absolute path, got ${JSON.stringify(opts.command[0] ?? '')}`);
  }
  // "%%" is the spec's literal %, but GLib looks the program up before expanding it, so a path
  // with % in it never starts (arguments are fine).
  if (opts.command[0]!.includes('%')) {
    throw new Error(`Launch at login cannot start an app whose path contains "%" (${opts.command[0]}); move the app to another folder.`);
  }
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    `Name=${escapeValue(opts.name ?? 'MCP Switchboard')}`,
    `Comment=${escapeValue(opts.comment ?? 'Starts MCP Switchboard in the tray at login')}`,
    `Exec=${opts.command.map(quoteExecArg).join(' ')}`,
    ...(opts.icon ? [`Icon=${escapeValue(opts.icon)}`] : []),
    'Terminal=false',
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    // Written by MCP Switchboard (Settings › Launch at login); removed when that is turned off.
    'X-MCP-Switchboard=true',
  ];
  return `${lines.join('\n')}\n`;
}

/** Keys of the [Desktop Entry] group (later duplicates win; other groups are ignored). */
function desktopEntryKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let inGroup = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      inGroup = line === '[Desktop Entry]';
      continue;
    }
    const eq = line.indexOf('=');
    if (inGroup && eq > 0) keys.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return keys;
}

/**
 * The entry is active unless a desktop turned it off in place: `Hidden=true` (spec) or
 * `X-GNOME-Autostart-enabled=false` (what GNOME Tweaks and others write).
 */
export function entryIsActive(text: string): boolean {
  const keys = desktopEntryKeys(text);
  if (!keys.has('Exec')) return false;
  return keys.get('Hidden') !== 'true' && keys.get('X-GNOME-Autostart-enabled') !== 'false';
}

export interface LinuxAutostartOptions extends Omit<AutostartEntryOptions, 'command'> {
  env: NodeJS.ProcessEnv;
  execPath: string;
  /** Extra arguments before --background (the app folder when unpackaged). */
  appArgs?: readonly string[];
  /** Overrides the home directory (tests). */
  home?: string;
  /** The entry's file name (a checkout uses its own, so it never replaces the installed app's). */
  fileName?: string;
}

export class LinuxAutostart {
  readonly file: string;
  private readonly content: string;

  constructor(opts: LinuxAutostartOptions) {
    this.file = path.join(autostartDir(opts.env, opts.home), opts.fileName ?? AUTOSTART_FILE_NAME);
    this.content = autostartEntry({ ...opts, command: autostartCommand(opts) });
  }

  isEnabled(): boolean {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    return entryIsActive(text);
  }

  /** Writes (atomically, 0644) or removes the entry. Removing a missing entry is fine. */
  setEnabled(enabled: boolean): void {
    if (!enabled) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.tmp`);
    try {
      fs.writeFileSync(tmp, this.content, { mode: 0o644 });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /**
   * An active entry that runs another path (the AppImage moved, the app was reinstalled elsewhere)
   * is rewritten for this executable. Returns true when it rewrote the file.
   */
  repair(): boolean {
    if (!this.isEnabled()) return false;
    if (fs.readFileSync(this.file, 'utf8') === this.content) return false;
    this.setEnabled(true);
    return true;
  }
}
