/**
 * Safe writes of someone else's config file: a lock directory `<file>.lock` (Cline's own
 * convention, stale after 10 s), a timestamped backup, an atomic replace (temp file in the same
 * directory, fsync, rename, same mode), a compare-before-rename against writers that take no lock,
 * and a read-back check.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../ports';

export class WriteError extends Error {}

const LOCK_STALE_MS = 10_000;

/**
 * The lock's waits by default: real timers that keep the process alive (a command-line run waits
 * for the lock; it must not exit meanwhile, as it would on the unref'd systemClock).
 */
const waitingClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

export interface LockOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Times the waits between attempts and the give-up (tests: a FakeClock). Staleness is file time. */
  clock?: Clock;
}

export async function withLock<T>(file: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  const clock = opts.clock ?? waitingClock;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const started = clock.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.mkdir(lock);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        await fsp.mkdir(path.dirname(file), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw err;
      try {
        const st = await fsp.stat(lock);
        if (Date.now() - st.mtimeMs > LOCK_STALE_MS) {
          await fsp.rm(lock, { recursive: true, force: true });
          continue;
        }
      } catch {
        continue; // released meanwhile
      }
      if (clock.now() - started > timeoutMs) throw new WriteError(`${file} is locked by another program (${lock}); try again`);
      await new Promise<void>((r) => clock.setTimeout(r, Math.min(200, 10 + attempt * 5) + Math.random() * 20));
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lock, { recursive: true, force: true }).catch(() => undefined);
  }
}

export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Follows symlinks (dotfile managers) so the link stays a link. */
export async function resolveTarget(file: string): Promise<string> {
  try {
    return await fsp.realpath(file);
  } catch {
    return file;
  }
}

export function isReadOnly(st: fs.Stats): boolean {
  return (st.mode & 0o200) === 0;
}

export const BACKUPS_KEPT = 5;

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

export async function backup(file: string, content: string, backupDir: string, now = new Date()): Promise<string> {
  await fsp.mkdir(backupDir, { recursive: true, mode: 0o700 });
  const base = path.basename(file);
  let target = path.join(backupDir, `${base}.${stamp(now)}.bak`);
  for (let i = 2; fs.existsSync(target); i++) target = path.join(backupDir, `${base}.${stamp(now)}-${i}.bak`);
  await fsp.writeFile(target, content, { mode: 0o600 });
  const all = (await fsp.readdir(backupDir)).filter((n) => n.startsWith(`${base}.`) && n.endsWith('.bak')).sort();
  for (const old of all.slice(0, Math.max(0, all.length - BACKUPS_KEPT))) await fsp.rm(path.join(backupDir, old), { force: true });
  return target;
}

export async function listBackups(file: string, backupDir: string): Promise<string[]> {
  const base = path.basename(file);
  try {
    return (await fsp.readdir(backupDir))
      .filter((n) => n.startsWith(`${base}.`) && n.endsWith('.bak'))
      .sort()
      .map((n) => path.join(backupDir, n));
  } catch {
    return [];
  }
}

/** Writes the temp file next to `file`: flushed to disk, same mode. Returns its path. */
export async function writeTemp(file: string, content: string, mode: number): Promise<string> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, 'wx', mode);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
}

async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const fh = await fsp.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * Replaces `file` with `content` atomically if it still holds `expected` (undefined: must not exist).
 * Returns false when someone changed it meanwhile (nothing written).
 */
export async function replaceIfUnchanged(file: string, expected: string | undefined, content: string): Promise<boolean> {
  let mode = 0o644;
  try {
    const st = await fsp.stat(file);
    mode = st.mode & 0o7777;
    if (isReadOnly(st)) throw new WriteError(`${file} is read-only; make it writable and try again`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await fsp.mkdir(path.dirname(file), { recursive: true });
  }
  const tmp = await writeTemp(file, content, mode);
  try {
    if ((await readIfExists(file)) !== expected) return false;
    await fsp.rename(tmp, file);
  } finally {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
  await syncDir(path.dirname(file));
  return true;
}

/** Stray temp files of ours left by a crash between temp write and rename. */
export async function cleanStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  try {
    for (const n of await fsp.readdir(dir)) {
      if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
      const p = path.join(dir, n);
      const st = await fsp.stat(p);
      if (Date.now() - st.mtimeMs > 60_000) await fsp.rm(p, { force: true });
    }
  } catch {
    /* dir missing */
  }
}
