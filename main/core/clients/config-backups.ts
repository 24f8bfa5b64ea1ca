/**
 * The copies of a client's config file kept before each change Switchboard made to it
 * (`backups/<client id>/<file>.<time>.bak`, the last BACKUPS_KEPT), listed and put back. A restore
 * is a change like any other: under the client's lock, the current file backed up first, an atomic
 * replace that refuses when another program wrote the file meanwhile.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Clock } from '../ports';
import { backup, listBackups, readIfExists, replaceIfUnchanged, withLock, WriteError } from './safe-write';

export interface BackupEntry {
  /** The backup's file name: what a restore names. */
  id: string;
  file: string;
  /** Epoch ms the copy was written (the time of the change it preceded). */
  createdAt: number;
  bytes: number;
}

export class BackupError extends Error {}

/** The kept copies of `file`, newest first. */
export async function listConfigBackups(file: string, backupDir: string): Promise<BackupEntry[]> {
  const out: BackupEntry[] = [];
  for (const p of await listBackups(file, backupDir)) {
    try {
      const st = await fsp.stat(p);
      if (st.isFile()) out.push({ id: path.basename(p), file: p, createdAt: st.mtimeMs, bytes: st.size });
    } catch {
      // pruned meanwhile
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
}

/**
 * Puts the backup `id` back as `file`. Only a name from the list is taken (never a path). Returns
 * the copy of what the file held before (undefined when there was no file, or nothing changed).
 */
export async function restoreConfigBackup(
  file: string,
  backupDir: string,
  id: string,
  opts: { clock?: Clock } = {},
): Promise<{ changed: boolean; backup?: string }> {
  const entry = (await listConfigBackups(file, backupDir)).find((b) => b.id === id);
  if (!entry) throw new BackupError(`There is no backup "${id.slice(0, 80)}" of ${file}; it may have been replaced by newer ones.`);
  const content = await fsp.readFile(entry.file, 'utf8');
  try {
    return await withLock(
      file,
      async () => {
        const current = await readIfExists(file);
        if (current === content) return { changed: false };
        const saved = current === undefined ? undefined : await backup(file, current, backupDir);
        if (!(await replaceIfUnchanged(file, current, content))) throw new BackupError(`${file} changed while it was being restored; try again.`);
        return { changed: true, backup: saved };
      },
      { clock: opts.clock },
    );
  } catch (err) {
    if (err instanceof WriteError) throw new BackupError(err.message);
    throw err;
  }
}
