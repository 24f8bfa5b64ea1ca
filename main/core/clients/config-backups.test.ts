// Listing and restoring the kept copies of a client's config: real files in a temp dir, through
// ClientService (what the window's Restore button reaches) and the module itself.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientService } from './client-service';
import { listConfigBackups, restoreConfigBackup } from './config-backups';

let root: string;
let home: string;
let backupDir: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-backups-'));
  home = path.join(root, 'home');
  backupDir = path.join(root, 'data', 'backups');
  fs.mkdirSync(path.join(home, '.cursor'), { recursive: true });
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const service = () =>
  new ClientService({
    env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
    platform: 'linux',
    launcher: { command: '/opt/sb/sb', connectorScript: '/opt/sb/connector/index.js', electronRunAsNode: true },
    backupDir,
  });

describe('config backups', () => {
  it('each change keeps a copy; a copy is restored byte for byte, and the replaced file is kept too', async () => {
    const file = path.join(home, '.cursor', 'mcp.json');
    const original = '{\n  // mine\n  "mcpServers": { "mine": { "command": "x" } }\n}\n';
    fs.writeFileSync(file, original);
    const s = service();
    expect(await s.backupEntries('cursor')).toEqual([]);
    await s.install('linear', 'cursor');
    const installed = fs.readFileSync(file, 'utf8');
    const list = await s.backupEntries('cursor');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ bytes: Buffer.byteLength(original) });
    expect(list[0]!.id).toMatch(/^mcp\.json\..+\.bak$/);
    expect(list[0]!.id).not.toContain(path.sep);

    const r = await s.restoreBackup('cursor', list[0]!.id);
    expect(r).toMatchObject({ clientId: 'cursor', file, changed: true });
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
    // What the restore replaced is itself a backup: the restore can be undone the same way.
    expect(fs.readFileSync(r.backup!, 'utf8')).toBe(installed);
    expect((await s.backupEntries('cursor')).map((b) => b.id)).toContain(path.basename(r.backup!));
    // Restoring what is already there changes nothing.
    expect((await s.restoreBackup('cursor', list[0]!.id)).changed).toBe(false);
  });

  it('refuses a name that is not a listed backup (no paths, no other files)', async () => {
    const file = path.join(home, '.cursor', 'mcp.json');
    fs.writeFileSync(file, '{}\n');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'nope');
    for (const id of ['../../secret.txt', path.join(root, 'secret.txt'), 'mcp.json.2026.bak']) {
      await expect(restoreConfigBackup(file, path.join(backupDir, 'cursor'), id)).rejects.toThrow(/There is no backup/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('{}\n');
    await expect(service().restoreBackup('cursor', '../x')).rejects.toThrow(/There is no backup/);
    expect(await listConfigBackups(file, path.join(root, 'nowhere'))).toEqual([]);
  });
});
