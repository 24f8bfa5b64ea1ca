/**
 * Installs, detects, repairs and removes our entries in every MCP client's config file.
 * Plain Node; paths derive only from the env object and platform given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { InstallState } from '../../../common/contract';
import type { Env } from '../../shared/paths';
import type { Clock } from '../ports';
import {
  CLIENTS,
  clientById,
  entryFor,
  launchOf,
  OUR_TRAILING_ARGS,
  pathContext,
  type ClientDef,
  type FormatId,
  type Launch,
  type Launcher,
  type PathContext,
} from './client-table';
import { jsonFormat } from './formats/json';
import { tomlFormat } from './formats/toml';
import { ConfigEditError, type ConfigFormat, type EmptyShape } from './formats/types';
import { yamlFormat } from './formats/yaml';
import { listConfigBackups, restoreConfigBackup, type BackupEntry } from './config-backups';
import { parseMcpRemote } from './mcp-remote';
import { INSTALL_ENV } from '../../shared/handshake';
import { backup, cleanStaleTemps, isReadOnly, listBackups, readIfExists, replaceIfUnchanged, resolveTarget, withLock, WriteError } from './safe-write';

export class ClientConfigError extends Error {
  constructor(
    message: string,
    /** Fault of the input or the file (exit 1), not of the program. */
    readonly user = true,
  ) {
    super(message);
  }
}

export const FORMATS: Record<FormatId, ConfigFormat> = { json: jsonFormat, jsonc: jsonFormat, toml: tomlFormat, yaml: yamlFormat };

/** Whether a server is in a client's config (the contract's InstallState). */
export type PairState = InstallState;

export interface ClientInfo {
  id: string;
  name: string;
  format: FormatId;
  configPath?: string;
  /** The client looks installed (its config file or directory exists). */
  present: boolean;
  configExists: boolean;
  restartHint: string;
  removeHint: string;
}

export interface ChangeResult {
  clientId: string;
  serverId: string;
  name: string;
  file: string;
  changed: boolean;
  backup?: string;
  restartHint: string;
}

export interface ImportCandidate {
  clientId: string;
  file: string;
  entryName: string;
  url: string;
  headers: Record<string, string>;
}

export interface ClientServiceOptions {
  env: Env;
  platform?: NodeJS.Platform;
  launcher: Launcher;
  /** Backups go to `<backupDir>/<client id>/`. */
  backupDir: string;
  clients?: readonly ClientDef[];
  /** Times the waits for a client's lock directory (tests: a FakeClock); default real timers. */
  clock?: Clock;
}

const CONNECTOR = /[\\/]connector[\\/]index\.js$/;

/** Lowercase letters, digits and '-', at most `max` characters (clients.md §2.7). */
export function baseEntryName(serverId: string, max = 20): string {
  const s = serverId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s || 'server';
}

export function chooseEntryName(serverId: string, taken: Iterable<string>, max = 20): string {
  const lower = new Set([...taken].map((t) => t.toLowerCase()));
  const base = baseEntryName(serverId, max);
  if (!lower.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const name = base.slice(0, max - suffix.length).replace(/-+$/, '') + suffix;
    if (!lower.has(name)) return name;
  }
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

interface Loaded {
  def: ClientDef;
  file: string;
  text: string | undefined;
  data: Record<string, unknown>;
  container: Record<string, unknown>;
}

export class ClientService {
  private readonly env: Env;
  private readonly platform: NodeJS.Platform;
  private readonly launcher: Launcher;
  private readonly backupDir: string;
  private readonly defs: readonly ClientDef[];
  private readonly clock?: Clock;

  constructor(opts: ClientServiceOptions) {
    this.env = opts.env;
    this.platform = opts.platform ?? process.platform;
    this.launcher = opts.launcher;
    this.backupDir = opts.backupDir;
    this.defs = opts.clients ?? CLIENTS;
    this.clock = opts.clock;
  }

  private get ctx(): PathContext {
    return pathContext(this.env, this.platform);
  }

  private def(clientId: string): ClientDef {
    const d = this.defs.find((c) => c.id === clientId) ?? clientById(clientId);
    if (!d) throw new ClientConfigError(`Unknown client "${clientId}". Known: ${this.defs.map((c) => c.id).join(', ')}.`);
    return d;
  }

  /** What an entry of `serverId` in client `clientId` runs (with the client's install tag). */
  launchFor(serverId: string, clientId?: string): Launch {
    return launchOf(this.launcher, serverId, clientId);
  }

  /** The server id an entry of ours runs, or undefined for anyone else's entry. */
  ourServerId(def: ClientDef, entry: unknown): string | undefined {
    const l = def.fromEntry(entry);
    if (!l || l.args.length < 2 || !CONNECTOR.test(l.args[0])) return undefined;
    if (!l.args.slice(2).every((a) => OUR_TRAILING_ARGS.includes(a))) return undefined;
    return l.args[1];
  }

  clients(): ClientInfo[] {
    const ctx = this.ctx;
    return this.defs.map((d) => {
      const configPath = d.configPath(ctx);
      const configExists = !!configPath && fs.existsSync(configPath);
      return {
        id: d.id,
        name: d.name,
        format: d.format,
        configPath,
        present: configExists || d.detectPaths(ctx).some((p) => fs.existsSync(p)),
        configExists,
        restartHint: d.restartHint,
        removeHint: d.removeHint,
      };
    });
  }

  private async load(def: ClientDef): Promise<Loaded> {
    const configPath = def.configPath(this.ctx);
    if (!configPath) throw new ClientConfigError(`${def.name} has no config file on this system.`);
    const file = await resolveTarget(configPath);
    let text: string | undefined;
    try {
      text = await readIfExists(file);
    } catch (err) {
      throw new ClientConfigError(`Cannot read ${file}: ${(err as Error).message}`);
    }
    return { def, file, text, ...this.parse(def, file, text ?? '') };
  }

  private parse(def: ClientDef, file: string, text: string): { data: Record<string, unknown>; container: Record<string, unknown> } {
    const parsed = FORMATS[def.format].parse(text);
    if (!parsed.ok) {
      const e = parsed.error;
      throw new ClientConfigError(`${file} does not parse (line ${e.line}, column ${e.column}: ${e.message}); fix it first, nothing was changed.`);
    }
    const raw = parsed.data[def.key];
    if (raw === undefined) return { data: parsed.data, container: {} };
    const container = asRecord(raw);
    if (!container) throw new ClientConfigError(`In ${file}, "${def.key}" is not a map of servers; nothing was changed.`);
    return { data: parsed.data, container };
  }

  private findOurs(l: Pick<Loaded, 'def' | 'container'>, serverId: string): string | undefined {
    return Object.keys(l.container).find((n) => this.ourServerId(l.def, l.container[n]) === serverId);
  }

  private stateOf(l: Loaded, serverId: string): PairState {
    const name = this.findOurs(l, serverId);
    if (!name) {
      if (this.launcher.unavailable) return { state: 'cannot-install', reason: this.launcher.unavailable };
      if (l.text !== undefined) {
        try {
          if (isReadOnly(fs.statSync(l.file))) return { state: 'cannot-install', reason: `${l.file} is read-only` };
        } catch {
          /* gone */
        }
      }
      return { state: 'not-installed' };
    }
    const actual = l.container[name];
    if (isDeepStrictEqual(actual, entryFor(l.def, name, this.launchFor(serverId, l.def.id)))) return { state: 'installed', name };
    const launch = l.def.fromEntry(actual)!;
    // Ours, written for another app location or data directory: the same shape with other values.
    const theirs: Launcher = {
      command: launch.command,
      connectorScript: launch.args[0],
      electronRunAsNode: launch.env.ELECTRON_RUN_AS_NODE === '1',
      dataDir: launch.env.MCP_SWITCHBOARD_HOME,
      trailingArgs: launch.args.slice(2),
    };
    const tag = launch.env[INSTALL_ENV];
    const asWritten = entryFor(l.def, name, launchOf(theirs, serverId, tag));
    if (isDeepStrictEqual(actual, asWritten)) {
      if (otherInstall(theirs.dataDir, this.launcher.dataDir)) {
        const where = theirs.dataDir ? `keeps its data in ${theirs.dataDir}` : 'keeps its data in the default folder';
        return { state: 'stale', name, reason: 'launcher', detail: `was written by another MCP Switchboard (it ${where})`, otherInstall: true };
      }
      // Only the install tag differs (an entry from before per-client tools, or copied from another client).
      const detail = isDeepStrictEqual(actual, entryFor(l.def, name, launchOf(this.launcher, serverId, tag)))
        ? tag
          ? `carries the install tag of another client (${tag})`
          : 'has no install tag (made before per-client tools)'
        : `runs ${launch.command} ${launch.args[0]} (an old app path)`;
      return { state: 'stale', name, reason: 'launcher', detail };
    }
    return { state: 'stale', name, reason: 'modified', detail: 'the entry was changed outside the app' };
  }

  async state(serverId: string, clientId: string): Promise<PairState> {
    const def = this.def(clientId);
    try {
      return this.stateOf(await this.load(def), serverId);
    } catch (err) {
      if (err instanceof ClientConfigError) return { state: 'cannot-install', reason: err.message };
      throw err;
    }
  }

  async status(serverIds: string[], clientIds?: string[]): Promise<Array<{ serverId: string; clientId: string } & PairState>> {
    const out: Array<{ serverId: string; clientId: string } & PairState> = [];
    for (const def of this.defs) {
      if (clientIds && !clientIds.includes(def.id)) continue;
      let loaded: Loaded | undefined;
      let failure: string | undefined;
      try {
        loaded = await this.load(def);
      } catch (err) {
        if (!(err instanceof ClientConfigError)) throw err;
        failure = err.message;
      }
      for (const serverId of serverIds) {
        out.push({ serverId, clientId: def.id, ...(loaded ? this.stateOf(loaded, serverId) : { state: 'cannot-install' as const, reason: failure! }) });
      }
    }
    return out;
  }

  /**
   * Reads, edits, verifies and writes one client file under the lock. `plan` returns the entry
   * name touched and the new text (or undefined: nothing to do).
   */
  private async mutate(
    def: ClientDef,
    plan: (l: Loaded) => { name: string; text?: string; expect: unknown; written?: () => void },
  ): Promise<{ name: string; file: string; changed: boolean; backup?: string }> {
    const configPath = def.configPath(this.ctx);
    if (!configPath) throw new ClientConfigError(`${def.name} has no config file on this system.`);
    const file = await resolveTarget(configPath);
    const fmt = FORMATS[def.format];
    const run = async () => {
      await cleanStaleTemps(file);
      for (let attempt = 0; attempt < 8; attempt++) {
        const l = await this.load(def);
        let p: ReturnType<typeof plan>;
        try {
          p = plan(l);
        } catch (err) {
          // The editor refuses a shape it cannot edit safely (a flow map, nesting too deep, …).
          if (err instanceof ConfigEditError) throw new ClientConfigError(`Cannot edit ${l.file} safely: ${err.message}; nothing was changed.`);
          throw err;
        }
        if (p.text === undefined || p.text === l.text) return { name: p.name, file: l.file, changed: false };
        // Verify before writing: it parses, our entry reads back as meant, nothing else moved.
        const after = fmt.parse(p.text);
        if (!after.ok) throw new ClientConfigError(`Internal error: the edited ${file} would not parse (${after.error.message}); nothing was changed.`, false);
        const newContainer = asRecord(after.data[def.key]) ?? {};
        if (!isDeepStrictEqual(newContainer[p.name], p.expect))
          throw new ClientConfigError(`Could not write the entry into ${file} safely; nothing was changed.`, false);
        if (!isDeepStrictEqual(withoutEntry(l.data, def.key, p.name), withoutEntry(after.data, def.key, p.name))) {
          throw new ClientConfigError(`Internal error: the edit of ${file} would change other settings; nothing was changed.`, false);
        }
        let saved: string | undefined;
        if (l.text !== undefined) saved = await backup(file, l.text, path.join(this.backupDir, def.id));
        let ok: boolean;
        try {
          ok = await replaceIfUnchanged(file, l.text, p.text);
        } catch (err) {
          if (err instanceof WriteError) throw new ClientConfigError(err.message);
          throw new ClientConfigError(`Cannot write ${file}: ${(err as Error).message}`);
        }
        if (!ok) continue; // another program wrote meanwhile: redo on its version
        const back = await readIfExists(file);
        if (back !== p.text) {
          const r = back === undefined ? undefined : fmt.parse(back);
          const c = r && r.ok ? (asRecord(r.data[def.key]) ?? {}) : undefined;
          if (!c || !isDeepStrictEqual(c[p.name], p.expect))
            throw new ClientConfigError(`${file} changed right after our write and our change is not in it; try again.`);
        }
        p.written?.();
        return { name: p.name, file, changed: true, backup: saved };
      }
      throw new ClientConfigError(`${file} keeps changing (another program is writing it); try again.`);
    };
    return withLock(file, run, { clock: this.clock }).catch((err) => {
      if (err instanceof WriteError) throw new ClientConfigError(err.message);
      throw err;
    });
  }

  /** Installs (or repairs) the entry for `serverId`. Never takes over an entry that is not ours. */
  async install(serverId: string, clientId: string): Promise<ChangeResult> {
    const def = this.def(clientId);
    if (this.launcher.unavailable) throw new ClientConfigError(this.launcher.unavailable);
    const r = await this.mutate(def, (l) => {
      const name = this.findOurs(l, serverId) ?? chooseEntryName(serverId, Object.keys(l.container), def.maxNameLength);
      const entry = entryFor(def, name, this.launchFor(serverId, def.id));
      if (isDeepStrictEqual(l.container[name], entry)) return { name, expect: entry };
      const fmt = FORMATS[def.format];
      const text = fmt.setEntry(l.text ?? '', def.key, name, entry);
      // The first entry into an empty (or absent) container: remember how it looked, for uninstall.
      if (Object.keys(l.container).length) return { name, expect: entry, text };
      const shape = l.text === undefined ? undefined : fmt.emptyShape?.(l.text, def.key);
      return { name, expect: entry, text, written: () => this.setShape(def, l.file, shape) };
    });
    return { clientId, serverId, ...r, restartHint: def.restartHint };
  }

  /** Removes our entry for `serverId` (only ours); a no-op when there is none. */
  async uninstall(serverId: string, clientId: string): Promise<ChangeResult> {
    const def = this.def(clientId);
    const r = await this.mutate(def, (l) => {
      const name = this.findOurs(l, serverId);
      if (!name) return { name: '', expect: undefined };
      if (Object.keys(l.container).length > 1) return { name, expect: undefined, text: FORMATS[def.format].removeEntry(l.text ?? '', def.key, name) };
      // The last entry: put the container back as it was before our first install.
      const shape = this.shapes(def)[l.file];
      return {
        name,
        expect: undefined,
        text: FORMATS[def.format].removeEntry(l.text ?? '', def.key, name, shape),
        written: () => this.setShape(def, l.file, undefined),
      };
    });
    return { clientId, serverId, ...r, restartHint: def.removeHint };
  }

  /** The copies of a client's config kept before our changes, newest first (none without a config file). */
  async backupEntries(clientId: string): Promise<BackupEntry[]> {
    const def = this.def(clientId);
    const configPath = def.configPath(this.ctx);
    if (!configPath) return [];
    return listConfigBackups(await resolveTarget(configPath), path.join(this.backupDir, def.id));
  }

  /** Puts a kept copy back as the client's config (the current file is backed up first). */
  async restoreBackup(clientId: string, backupId: string): Promise<{ clientId: string; file: string; changed: boolean; backup?: string; restartHint: string }> {
    const def = this.def(clientId);
    const configPath = def.configPath(this.ctx);
    if (!configPath) throw new ClientConfigError(`${def.name} has no config file on this system.`);
    const file = await resolveTarget(configPath);
    const r = await restoreConfigBackup(file, path.join(this.backupDir, def.id), backupId, { clock: this.clock }).catch((err: Error) => {
      throw new ClientConfigError(err.message);
    });
    return { clientId, file, ...r, restartHint: def.restartHint };
  }

  /**
   * Removes our entry for `serverId` from every client whose config has one (installed, or stale
   * but ours). A client that cannot be edited is reported, never thrown: removal goes on.
   */
  async uninstallEverywhere(serverId: string): Promise<{ uninstalled: ChangeResult[]; failed: Array<{ clientId: string; error: string }> }> {
    const uninstalled: ChangeResult[] = [];
    const failed: Array<{ clientId: string; error: string }> = [];
    let rows: Awaited<ReturnType<ClientService['status']>>;
    try {
      rows = await this.status([serverId]);
    } catch (err) {
      return { uninstalled, failed: [{ clientId: '*', error: (err as Error).message }] };
    }
    for (const row of rows) {
      if (row.state !== 'installed' && row.state !== 'stale') continue;
      try {
        const r = await this.uninstall(serverId, row.clientId);
        if (r.changed) uninstalled.push(r);
      } catch (err) {
        failed.push({ clientId: row.clientId, error: (err as Error).message });
      }
    }
    return { uninstalled, failed };
  }

  /**
   * On app start: rewrites entries of ours that run an old launcher (app moved or updated).
   * Entries the user changed are left alone (reported by status()), and so are entries another
   * install wrote (another data directory: a checkout beside the installed app, with the same
   * server id): each would otherwise take the other's entries at every start.
   */
  async repairAll(serverIds: string[]): Promise<Array<ChangeResult | { clientId: string; serverId: string; error: string }>> {
    const out: Array<ChangeResult | { clientId: string; serverId: string; error: string }> = [];
    // Running from a path that will not last: rewriting entries to it would break them.
    if (this.launcher.unavailable) return out;
    for (const s of await this.status(serverIds)) {
      if (s.state !== 'stale' || s.reason !== 'launcher' || s.otherInstall) continue;
      try {
        out.push(await this.install(s.serverId, s.clientId));
      } catch (err) {
        out.push({ clientId: s.clientId, serverId: s.serverId, error: (err as Error).message });
      }
    }
    return out;
  }

  /** `npx … mcp-remote <url>` entries in every client's config. */
  async findImportable(): Promise<ImportCandidate[]> {
    const out: ImportCandidate[] = [];
    for (const def of this.defs) {
      let l: Loaded;
      try {
        l = await this.load(def);
      } catch {
        continue;
      }
      for (const [entryName, entry] of Object.entries(l.container)) {
        const launch = def.fromEntry(entry);
        const found = launch && parseMcpRemote(launch);
        if (found) out.push({ clientId: def.id, file: l.file, entryName, ...found });
      }
    }
    return out;
  }

  /** Replaces an mcp-remote entry (same name, after a backup) with ours for `serverId`. */
  async replaceImported(candidate: ImportCandidate, serverId: string): Promise<ChangeResult> {
    const def = this.def(candidate.clientId);
    const r = await this.mutate(def, (l) => {
      const current = l.container[candidate.entryName];
      const launch = current === undefined ? undefined : def.fromEntry(current);
      const still = launch && parseMcpRemote(launch);
      if (!still || still.url !== candidate.url)
        throw new ClientConfigError(`"${candidate.entryName}" in ${l.file} changed since it was found; run import again.`);
      const entry = entryFor(def, candidate.entryName, this.launchFor(serverId, def.id));
      return { name: candidate.entryName, expect: entry, text: FORMATS[def.format].setEntry(l.text ?? '', def.key, candidate.entryName, entry) };
    });
    return { clientId: def.id, serverId, ...r, restartHint: def.restartHint };
  }

  /** `<backupDir>/<client>/empty-shapes.json`: per config file, its EmptyShape before our first entry. */
  private shapesFile(def: ClientDef): string {
    return path.join(this.backupDir, def.id, 'empty-shapes.json');
  }

  private shapes(def: ClientDef): Record<string, EmptyShape> {
    try {
      const v = JSON.parse(fs.readFileSync(this.shapesFile(def), 'utf8')) as unknown;
      return (asRecord(v) as Record<string, EmptyShape> | undefined) ?? {};
    } catch {
      return {}; // none yet, or unreadable: uninstall then just removes the emptied container
    }
  }

  /** Best effort (called under the file's lock): a lost record only costs the byte-exact restore. */
  private setShape(def: ClientDef, file: string, shape: EmptyShape | undefined): void {
    const all = this.shapes(def);
    if (shape) all[file] = shape;
    else if (file in all) delete all[file];
    else return;
    const target = this.shapesFile(def);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n');
      fs.renameSync(tmp, target);
    } catch {
      /* see above */
    }
  }

  async backups(clientId: string): Promise<string[]> {
    const def = this.def(clientId);
    const file = def.configPath(this.ctx);
    return file ? listBackups(await resolveTarget(file), path.join(this.backupDir, def.id)) : [];
  }

  /** Puts a backup back (itself backed up first), under the lock. */
  async restore(clientId: string, backupFile: string): Promise<void> {
    const def = this.def(clientId);
    const dir = path.join(this.backupDir, def.id);
    if (path.dirname(path.resolve(backupFile)) !== path.resolve(dir)) throw new ClientConfigError(`${backupFile} is not a backup of ${def.name}.`);
    const content = fs.readFileSync(backupFile, 'utf8');
    const configPath = def.configPath(this.ctx)!;
    const file = await resolveTarget(configPath);
    await withLock(
      file,
      async () => {
        const cur = await readIfExists(file);
        if (cur !== undefined) await backup(file, cur, dir);
        if (!(await replaceIfUnchanged(file, cur, content))) throw new ClientConfigError(`${file} changed meanwhile; try again.`);
      },
      { clock: this.clock },
    );
  }
}

/** The document without container[name], and without the container if that leaves it empty. */
/**
 * An entry written for data directory `theirs` (undefined: the default one) belongs to another
 * install of the app, not to this one at an older place: the default install's entries, seen from
 * an install with a data directory of its own, and entries naming a folder that still exists. A
 * folder that is gone was moved: its entries are this install's to repair.
 */
function otherInstall(theirs: string | undefined, ours: string | undefined): boolean {
  if (theirs === undefined) return ours !== undefined;
  if (ours !== undefined && path.resolve(theirs) === path.resolve(ours)) return false;
  return fs.existsSync(theirs);
}

function withoutEntry(data: Record<string, unknown>, key: string, name: string): Record<string, unknown> {
  const copy = { ...data };
  const c = asRecord(copy[key]);
  if (c) {
    const rest = { ...c };
    delete rest[name];
    if (Object.keys(rest).length) copy[key] = rest;
    else delete copy[key];
  }
  return copy;
}
