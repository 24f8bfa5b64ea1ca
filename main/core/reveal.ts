/**
 * Which files the window may ask the file manager to show (`app:reveal`): only what the app itself
 * shows the user (an MCP client's config file, the data folder and what is in it: backups, logs,
 * diagnostics). A file that does not exist yet is shown by its nearest existing folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function revealTarget(file: string, known: { dataDir: string; isConfigFile(file: string): boolean }): string {
  const target = path.resolve(file);
  const dataDir = path.resolve(known.dataDir);
  const inData = target === dataDir || target.startsWith(dataDir + path.sep);
  if (!inData && !known.isConfigFile(target)) throw new Error('Switchboard only shows its own files and the MCP clients’ config files.');
  let shown = target;
  while (!fs.existsSync(shown) && path.dirname(shown) !== shown) shown = path.dirname(shown);
  return shown;
}
