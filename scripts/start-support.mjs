// Helpers of scripts/start.mjs that are worth testing on their own (scripts/start-support.test.ts).
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A checkout's own data directory, beside the installed app's and never the same, so trying the
 * code never touches the installed app's servers, lock or client entries. The same rule as
 * main/electron/app-identity.ts devDataDir (the test compares them); used by `npm start` for the
 * window in the browser too.
 */
export function devDataDir(env, platform = process.platform) {
  const home = (platform === 'win32' ? env.USERPROFILE || env.HOME : env.HOME) || os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'MCP Switchboard Dev');
  if (platform === 'win32') return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'MCP Switchboard Dev');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'mcp-switchboard-dev');
}

/** What Chromium prints before it aborts when its setuid sandbox helper cannot be used. */
export const SANDBOX_FAILURE = /The SUID sandbox helper binary was found, but is not configured correctly|No usable sandbox!/;

/**
 * The sentence for that abort. Ubuntu 23.10 and later restrict unprivileged user namespaces with
 * AppArmor, so Chromium falls back to the setuid helper, which a checkout's copy is not. The fix
 * is the user's to make (root); the sandbox is never turned off for them.
 */
export function sandboxAdvice(electronDist) {
  const helper = path.join(electronDist, 'chrome-sandbox');
  return (
    "Electron's sandbox cannot start here: this Linux restricts unprivileged user namespaces (Ubuntu 23.10 and later do) and " +
    `${helper} is not set up as its setuid helper. Run once: sudo chown root:root '${helper}' && sudo chmod 4755 '${helper}' ` +
    '(or add an AppArmor profile that allows userns for it), then npm start again to get the desktop app.'
  );
}
