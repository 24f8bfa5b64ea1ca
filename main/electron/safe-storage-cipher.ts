/**
 * The Cipher behind the app's token vault: Electron's safeStorage (Keychain on macOS, DPAPI on
 * Windows, libsecret/KWallet on Linux). Linux without a keyring falls back to `basic_text`, a
 * fixed key: reported as not secure so the user is told. Call `init()` after app 'ready'.
 */
import { safeStorage } from 'electron';
import type { Cipher } from '../core/auth/encrypted-file-vault';
import type { VaultSecurity } from '../core/auth/types';

export class ElectronSafeStorageCipher implements Cipher {
  security: VaultSecurity = { secure: false, backend: 'safeStorage (not initialized)' };

  async init(): Promise<void> {
    const available = await safeStorage.isAsyncEncryptionAvailable();
    const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform === 'darwin' ? 'Keychain' : 'DPAPI';
    const secure = available && backend !== 'basic_text' && backend !== 'unknown';
    this.security = {
      secure,
      backend: `safeStorage (${backend})`,
      warning: secure
        ? undefined
        : 'No system keyring was found, so sign-in tokens are protected only by a fixed key that any program running as you can read. Install and unlock GNOME Keyring or KWallet to protect them.',
    };
  }

  encrypt(plain: string): Promise<Buffer> {
    return safeStorage.encryptStringAsync(plain);
  }

  async decrypt(data: Buffer): Promise<string> {
    return (await safeStorage.decryptStringAsync(data)).result;
  }
}
