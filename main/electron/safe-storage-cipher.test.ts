// The app's token cipher over stand-ins for Electron's safeStorage (no Electron binary here), one
// per behaviour that matters: Linux without a keyring as measured on Electron 41 (encryption only
// after setUsePlainTextEncryption(true)), the other reading (still not available after it), a
// keychain that makes the user wait, and Windows without DPAPI. Values go through the real
// EncryptingVault into a real file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encryptedFileVault } from '../core/auth/encrypted-file-vault';

vi.mock('electron', () => ({ safeStorage: {} }));
const { ElectronSafeStorageCipher, UNENCRYPTED_MARK } = await import('./safe-storage-cipher');
type SafeStorageLike = NonNullable<ConstructorParameters<typeof ElectronSafeStorageCipher>[0]>['storage'] & object;

/** A safeStorage stand-in: "encrypts" by prefixing v11 and reversing, throws where Electron does. */
function storage(opts: { backend: string; availableWithoutPlainText: boolean; plainTextHelps: boolean; available?: () => Promise<boolean> }) {
  const state = { plainText: false, calls: [] as string[] };
  const available = () => opts.availableWithoutPlainText || (state.plainText && opts.plainTextHelps);
  const s: SafeStorageLike = {
    getSelectedStorageBackend: () => opts.backend as never,
    setUsePlainTextEncryption: (v: boolean) => {
      state.calls.push(`setUsePlainTextEncryption ${v}`);
      state.plainText = v;
    },
    isAsyncEncryptionAvailable: opts.available ?? (async () => available()),
    encryptStringAsync: async (plain: string) => {
      if (!available()) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
      return Buffer.from(`v11${[...plain].reverse().join('')}`);
    },
    decryptStringAsync: async (data: Buffer) => {
      if (!available()) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.');
      return { result: [...data.toString().slice(3)].reverse().join(''), shouldReEncrypt: false };
    },
  };
  return { s, state };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cipher-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function roundTrip(cipher: InstanceType<typeof ElectronSafeStorageCipher>): Promise<string> {
  const file = path.join(dir, 'secrets.json');
  const vault = encryptedFileVault(file, cipher);
  await vault.set('oauth/tokens/a', 'tok-123');
  expect(await encryptedFileVault(file, cipher).get('oauth/tokens/a')).toBe('tok-123');
  return Buffer.from(JSON.parse(fs.readFileSync(file, 'utf8'))['oauth/tokens/a'], 'base64').toString('utf8');
}

describe('ElectronSafeStorageCipher', () => {
  it('Linux without a keyring, as measured: asks for plain-text encryption, then tokens persist encrypted with the fixed key', async () => {
    const { s, state } = storage({ backend: 'basic_text', availableWithoutPlainText: false, plainTextHelps: true });
    const cipher = new ElectronSafeStorageCipher({ platform: 'linux', storage: s });
    await cipher.init();
    expect(state.calls).toEqual(['setUsePlainTextEncryption true']);
    expect(cipher.security).toEqual({ secure: false, backend: 'safeStorage (basic_text)', warning: expect.stringContaining('fixed key') });
    expect(await roundTrip(cipher)).toBe('v11321-kot');
  });

  it('Linux without a keyring, the other reading (still not available): tokens persist, marked unencrypted, and it says so', async () => {
    const { s } = storage({ backend: 'basic_text', availableWithoutPlainText: false, plainTextHelps: false });
    const cipher = new ElectronSafeStorageCipher({ platform: 'linux', storage: s });
    await cipher.init();
    expect(cipher.security.secure).toBe(false);
    expect(cipher.security.backend).toBe('unencrypted file (safeStorage: basic_text not available)');
    expect(cipher.security.warning).toMatch(/stored unencrypted in a file only you can read\. Install and unlock GNOME Keyring or KWallet/);
    expect(await roundTrip(cipher)).toBe(`${UNENCRYPTED_MARK.toString()}tok-123`);
  });

  it('a value stored unencrypted is still read after a keyring appears', async () => {
    const before = new ElectronSafeStorageCipher({
      platform: 'linux',
      storage: storage({ backend: 'basic_text', availableWithoutPlainText: false, plainTextHelps: false }).s,
    });
    await before.init();
    const file = path.join(dir, 'secrets.json');
    await encryptedFileVault(file, before).set('k', 'v');
    const after = new ElectronSafeStorageCipher({
      platform: 'linux',
      storage: storage({ backend: 'gnome_libsecret', availableWithoutPlainText: true, plainTextHelps: true }).s,
    });
    await after.init();
    expect(after.security).toEqual({ secure: true, backend: 'safeStorage (gnome_libsecret)' });
    expect(await encryptedFileVault(file, after).get('k')).toBe('v');
  });

  it('waits for a keychain that is asking the user, without holding up anyone who does not need a secret', async () => {
    let answer!: (v: boolean) => void;
    const { s } = storage({ backend: 'unknown', availableWithoutPlainText: true, plainTextHelps: true, available: () => new Promise((r) => (answer = r)) });
    const cipher = new ElectronSafeStorageCipher({ platform: 'darwin', storage: s });
    let ready = false;
    void cipher.whenReady().then(() => (ready = true));
    void cipher.init();
    const encrypted = cipher.encrypt('tok');
    await new Promise((r) => setImmediate(r));
    expect(ready).toBe(false);
    expect(cipher.security.backend).toBe('safeStorage (not initialized)');
    answer(true);
    expect((await encrypted).toString()).toBe('v11kot');
    expect(ready).toBe(true);
    expect(cipher.security).toEqual({ secure: true, backend: 'safeStorage (Keychain)' });
  });

  it('Windows and macOS without their key store: the warning names theirs, not a Linux keyring', async () => {
    for (const [platform, name] of [
      ['win32', 'DPAPI'],
      ['darwin', 'Keychain'],
    ] as const) {
      const cipher = new ElectronSafeStorageCipher({
        platform,
        storage: storage({ backend: 'unknown', availableWithoutPlainText: false, plainTextHelps: false }).s,
      });
      await cipher.init();
      expect(cipher.security.warning).toContain(name);
      expect(cipher.security.warning).not.toMatch(/GNOME|KWallet|keyring/);
    }
  });
});
