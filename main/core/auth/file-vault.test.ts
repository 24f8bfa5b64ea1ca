import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretVault } from './file-vault';
import { describeSecretVaultContract } from './secret-vault-contract';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vault-'));
}

describeSecretVaultContract('FileSecretVault', () => {
  const dir = tempDir();
  const file = path.join(dir, 'nested', 'secrets.json');
  return { vault: new FileSecretVault(file), reopen: () => new FileSecretVault(file), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
});

describe('FileSecretVault on disk', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const setup = () => {
    const dir = tempDir();
    dirs.push(dir);
    return { dir, file: path.join(dir, 'data', 'secrets.json') };
  };

  it.skipIf(process.platform === 'win32')('writes a 0600 file in a 0700 directory and leaves no temp files', async () => {
    const { file } = setup();
    const vault = new FileSecretVault(file);
    await Promise.all([vault.set('a', '1'), vault.set('b', '2')]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.json']);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ a: '1', b: '2' });
  });

  it.skipIf(process.platform === 'win32')('tightens a file that was left readable by others', async () => {
    const { file } = setup();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{}', { mode: 0o644 });
    await new FileSecretVault(file).set('a', '1');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('says it is not encrypted and where the tokens are', () => {
    const { file } = setup();
    const vault = new FileSecretVault(file);
    expect(vault.security.secure).toBe(false);
    expect(vault.security.warning).toBe(`Tokens are stored unencrypted in ${file}`);
  });

  it('refuses to overwrite a file that is not a vault and keeps it unchanged', async () => {
    const { file } = setup();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'this is not json {');
    const vault = new FileSecretVault(file);
    await expect(vault.set('a', '1')).rejects.toThrow(/not a valid secrets file/);
    await expect(vault.get('a')).rejects.toThrow(/left untouched/);
    expect(fs.readFileSync(file, 'utf8')).toBe('this is not json {');
    fs.writeFileSync(file, '["array"]');
    await expect(vault.delete('a')).rejects.toThrow(/expected an object of strings/);
    expect(fs.readFileSync(file, 'utf8')).toBe('["array"]');
  });

  it('keeps working after a failed write', async () => {
    const { file } = setup();
    const vault = new FileSecretVault(file);
    await vault.set('a', '1');
    fs.writeFileSync(file, 'garbage');
    await expect(vault.set('b', '2')).rejects.toThrow();
    fs.writeFileSync(file, JSON.stringify({ a: '1' }));
    await vault.set('b', '2');
    expect(await vault.get('b')).toBe('2');
  });
});
