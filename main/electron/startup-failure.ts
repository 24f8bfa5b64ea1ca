/**
 * What the app says when it cannot start. A throw before the app is up (a settings.json that is not
 * JSON, a data directory it may not write) must not leave an invisible process holding the
 * single-instance lock, which would swallow every later launch: the composition root catches it,
 * moves an unreadable settings file aside (nothing in it is lost), shows this message once Electron
 * can show dialogs, and exits. Pure apart from the move, which is the core's
 * (setAsideUnreadableSettings); tested in startup-failure.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Paths } from '../core/ports';
import { setAsideUnreadableSettings, settingsFile } from '../core/settings-store';

export const STARTUP_FAILED_TITLE = 'MCP Switchboard could not start';

export interface StartupFailure {
  title: string;
  body: string;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Handles a failed start: moves settings.json aside when it is the problem, and returns the
 * message for the dialog. `paths` is undefined when the data directory itself was not known yet.
 */
export function startupFailure(err: unknown, paths: Paths | undefined, now: Date = new Date()): StartupFailure {
  const title = STARTUP_FAILED_TITLE;
  if (paths) {
    let aside: string | undefined;
    let moveError: unknown;
    try {
      aside = setAsideUnreadableSettings(paths, err, now);
    } catch (e) {
      moveError = e;
    }
    const file = settingsFile(paths);
    if (aside) {
      return {
        title,
        body:
          `${file} could not be read: it is not valid JSON.\n\n` +
          `It was moved to ${aside}, whole: nothing in it was deleted. MCP Switchboard starts with empty settings next time. ` +
          `To get your servers back, quit MCP Switchboard, fix that file and move it back to ${path.basename(file)}.`,
      };
    }
    if (moveError) {
      return {
        title,
        body: `${file} could not be read (${messageOf(err)}), and it could not be moved aside: ${messageOf(moveError)}. Fix or remove the file, then start MCP Switchboard again.`,
      };
    }
  }
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') && typeof e.path === 'string') {
    const what = e.code === 'EROFS' ? 'it is on a read-only disk' : 'permission denied';
    return {
      title,
      body:
        `MCP Switchboard cannot use ${e.path}: ${what} (${e.code}). Make it readable and writable by you, or set MCP_SWITCHBOARD_HOME to another folder, then start MCP Switchboard again.` +
        (paths ? `\n\nData directory: ${paths.dataDir}` : ''),
    };
  }
  return { title, body: `${messageOf(err)}${paths ? `\n\nData directory: ${paths.dataDir}` : ''}` };
}

/** Appends a line to logs/main.log (0600); never throws: the app's own problems must not stop it. */
export function appendMainLog(logsDir: string, line: string): void {
  try {
    fs.mkdirSync(logsDir, { recursive: true, mode: 0o700 });
    fs.appendFileSync(path.join(logsDir, 'main.log'), `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
  } catch {
    // nowhere else to write it
  }
}
