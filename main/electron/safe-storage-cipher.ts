/**
 * The Cipher behind the app's token vault: Electron's safeStorage (Keychain on macOS, DPAPI on
 * Windows, libsecret/KWallet on Linux). Linux without a keyring falls back to `basic_text`, a
 * fixed key: reported as not secure so the user is told.
 *
 * Started after 'ready' and not awaited by the start: the first use can wait on a keychain or
 * KWallet prompt, and the tray and the proxies must not. Encrypting and decrypting wait for it,
 * and the vault reports `whenReady`, so the weak-storage choice is applied only once the security
 * is known.
 *
 * Under `basic_text`, whether encryption is available without `setUsePlainTextEncryption(true)`
 * has been measured both ways across Electron versions. The cipher asks for plain-text encryption
 * there (a no-op where it already works), and where encryption is still not available it stores
 * values marked as unencrypted instead of failing: the same protection as the headless host's
 * 0600 file, and reported as such. Tokens persist in every case.
 */
import { safeStorage } from 'electron';
import type { Cipher } from '../core/auth/encrypted-file-vault';
import type { VaultSecurity } from '../core/auth/types';

/** Values stored without encryption start with this (never the start of a safeStorage ciphertext: v10, v11, DPAPI). */
export const UNENCRYPTED_MARK = Buffer.from('sb-unencrypted:');

export type SafeStorageLike = Pick<
  typeof safeStorage,
  'isAsyncEncryptionAvailable' | 'getSelectedStorageBackend' | 'setUsePlainTextEncryption' | 'encryptStringAsync' | 'decryptStringAsync'
>;

function warningFor(platform: NodeJS.Platform, backend: string, available: boolean): string {
  if (platform === 'linux') {
    return available
      ? 'No system keyring was found, so sign-in tokens are protected only by a fixed key that any program running as you can read. Install and unlock GNOME Keyring or KWallet to protect them.'
      : `No system keyring was found (${backend}), so sign-in tokens are stored unencrypted in a file only you can read. Install and unlock GNOME Keyring or KWallet to protect them.`;
  }
  if (platform === 'darwin') return 'The macOS Keychain could not be used, so sign-in tokens are stored unencrypted in a file only you can read.';
  return 'Windows could not protect sign-in tokens (DPAPI is not available), so they are stored unencrypted in a file only you can read.';
}

export class ElectronSafeStorageCipher implements Cipher {
  security: VaultSecurity = { secure: false, backend: 'safeStorage (not initialized)' };
  private started: Promise<void> | undefined;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private available = false;
  private readonly platform: NodeJS.Platform;
  private readonly storage: SafeStorageLike;

  constructor(opts: { platform?: NodeJS.Platform; storage?: SafeStorageLike } = {}) {
    this.platform = opts.platform ?? process.platform;
    this.storage = opts.storage ?? safeStorage;
    this.ready = new Promise<void>((resolve) => (this.markReady = resolve));
  }

  /** Asks the OS once (after 'ready'); later calls return the same promise. */
  init(): Promise<void> {
    this.started ??= this.probe().finally(() => this.markReady());
    return this.started;
  }

  /** Resolves once `security` is known (after init()); the vault waits for it. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async probe(): Promise<void> {
    const backend = this.platform === 'linux' ? this.storage.getSelectedStorageBackend() : this.platform === 'darwin' ? 'Keychain' : 'DPAPI';
    // Linux without a keyring: ask for the fixed-key encryption explicitly (a no-op where it is the default).
    if (this.platform === 'linux' && backend === 'basic_text') this.storage.setUsePlainTextEncryption(true);
    const available = await this.storage.isAsyncEncryptionAvailable().catch(() => false);
    this.available = available;
    const secure = available && backend !== 'basic_text' && backend !== 'unknown';
    this.security = {
      secure,
      backend: available ? `safeStorage (${backend})` : `unencrypted file (safeStorage: ${backend} not available)`,
      ...(secure ? {} : { warning: warningFor(this.platform, backend, available) }),
    };
  }

  async encrypt(plain: string): Promise<Buffer> {
    await this.whenReady();
    if (!this.available) return Buffer.concat([UNENCRYPTED_MARK, Buffer.from(plain, 'utf8')]);
    return this.storage.encryptStringAsync(plain);
  }

  async decrypt(data: Buffer): Promise<string> {
    await this.whenReady();
    if (data.subarray(0, UNENCRYPTED_MARK.length).equals(UNENCRYPTED_MARK)) return data.subarray(UNENCRYPTED_MARK.length).toString('utf8');
    return (await this.storage.decryptStringAsync(data)).result;
  }
}
