/**
 * A SecretVault whose values are encrypted by a Cipher (Electron's safeStorage in the app) before
 * they reach the underlying vault (a FileSecretVault: 0600, atomic writes). The file then holds
 * only ciphertext, base64-encoded.
 */
import { FileSecretVault } from './file-vault';
import type { SecretVault, VaultSecurity } from './types';

/** Encrypts and decrypts strings; the app's implementation is ElectronSafeStorageCipher. */
export interface Cipher {
  encrypt(plain: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<string>;
  readonly security: VaultSecurity;
}

export class EncryptingVault implements SecretVault {
  constructor(
    private readonly inner: SecretVault,
    private readonly cipher: Cipher,
  ) {}

  get security(): VaultSecurity {
    return this.cipher.security;
  }

  async get(key: string): Promise<string | undefined> {
    const stored = await this.inner.get(key);
    return stored === undefined ? undefined : this.cipher.decrypt(Buffer.from(stored, 'base64'));
  }

  async set(key: string, value: string): Promise<void> {
    await this.inner.set(key, (await this.cipher.encrypt(value)).toString('base64'));
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  keys(prefix: string): Promise<string[]> {
    return this.inner.keys(prefix);
  }
}

/** The app's vault: a 0600 file of values encrypted by `cipher`. */
export function encryptedFileVault(file: string, cipher: Cipher): SecretVault {
  return new EncryptingVault(new FileSecretVault(file), cipher);
}
