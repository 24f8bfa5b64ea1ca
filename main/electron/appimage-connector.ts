/**
 * An AppImage's files live in a mount that exists only while that run lasts (/tmp/.mount_*), so
 * client entries cannot point at the connector inside it. The app keeps a copy of the connector
 * bundle (Node built-ins only: it runs from any folder) in the data directory, rewritten when the
 * AppImage brings another version; entries run the AppImage on that copy (app-identity.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Copies `from` to `to` when the content differs (atomically); returns whether it wrote. */
export function installConnectorCopy(from: string, to: string): boolean {
  const content = fs.readFileSync(from);
  try {
    if (fs.readFileSync(to).equals(content)) return false;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
  const tmp = `${to}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, content, { mode: 0o600 });
    fs.renameSync(tmp, to);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return true;
}
