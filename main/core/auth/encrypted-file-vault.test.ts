/**
 * The app's vault layout (encrypted values in a 0600 file). safeStorage needs Electron, so these
 * tests use a stand-in Cipher: AES-256-GCM with a random key. The Electron smoke test is where
 * safeStorage itself runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { encryptedFileVault, type Cipher } from './encrypted-file-vault';
import { describeSecretVaultContract } from './secret-vault-contract';

function aesCipher(key = randomBytes(32)): Cipher {
  return {
    security: { secure: true, backend: 'test AES-256-GCM (stand-in for safeStorage)' },
    async encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    async decrypt(data) {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

describeSecretVaultContract('encryptedFileVault', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-encvault-'));
  const file = path.join(dir, 'secrets.json');
  const cipher = aesCipher();
  return {
    vault: encryptedFileVault(file, cipher),
    reopen: () => encryptedFileVault(file, cipher),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

it("keeps only ciphertext on disk, and reports the cipher's security", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-encvault-'));
  try {
    const file = path.join(dir, 'secrets.json');
    const vault = encryptedFileVault(file, aesCipher());
    await vault.set('tokens:issuer|resource', 'refresh-token-SECRET-123');
    const disk = fs.readFileSync(file, 'utf8');
    expect(disk).not.toContain('refresh-token-SECRET-123');
    expect(disk).toContain('tokens:issuer|resource');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(vault.security.secure).toBe(true);
    // Another key cannot read it.
    await expect(encryptedFileVault(file, aesCipher()).get('tokens:issuer|resource')).rejects.toThrow();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
