/**
 * The behaviour every SecretVault must have, as a reusable vitest suite. Each implementation's
 * test file calls `describeSecretVaultContract('Name', makeFixture)`; the Electron safeStorage
 * vault can run the same suite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretVault } from './types';

export interface SecretVaultFixture {
  /** A vault over fresh, empty storage. */
  vault: SecretVault;
  /** A second, independent instance over the same storage (as after an app restart). */
  reopen(): SecretVault;
  cleanup?(): void | Promise<void>;
}

export function describeSecretVaultContract(name: string, makeFixture: () => SecretVaultFixture | Promise<SecretVaultFixture>): void {
  describe(`SecretVault contract: ${name}`, () => {
    let fixture: SecretVaultFixture | undefined;
    const make = async () => (fixture = await makeFixture());

    afterEach(async () => {
      await fixture?.cleanup?.();
      fixture = undefined;
    });

    it('returns undefined for a missing key and nothing for an unknown prefix', async () => {
      const { vault } = await make();
      expect(await vault.get('nope')).toBeUndefined();
      expect(await vault.keys('nope')).toEqual([]);
    });

    it('stores, overwrites and deletes values, and deleting a missing key is a no-op', async () => {
      const { vault } = await make();
      await vault.set('a', 'one');
      expect(await vault.get('a')).toBe('one');
      await vault.set('a', 'two');
      expect(await vault.get('a')).toBe('two');
      await vault.delete('a');
      expect(await vault.get('a')).toBeUndefined();
      await expect(vault.delete('a')).resolves.toBeUndefined();
    });

    it('keeps values byte for byte (unicode, newlines, quotes, large, empty)', async () => {
      const { vault } = await make();
      const values = ['', 'ünïcødé ✓ 🔑', 'line1\nline2\r\n"quoted"\\', 'x'.repeat(100_000), JSON.stringify({ access_token: 'abc', n: 1 })];
      for (const [i, v] of values.entries()) await vault.set(`k${i}`, v);
      for (const [i, v] of values.entries()) expect(await vault.get(`k${i}`)).toBe(v);
    });

    it('lists keys by prefix', async () => {
      const { vault } = await make();
      await vault.set('oauth/a/1', 'x');
      await vault.set('oauth/a/2', 'y');
      await vault.set('oauth/b/1', 'z');
      await vault.set('other', 'w');
      expect((await vault.keys('oauth/a/')).sort()).toEqual(['oauth/a/1', 'oauth/a/2']);
      expect((await vault.keys('oauth/')).length).toBe(3);
      expect((await vault.keys('')).length).toBe(4);
    });

    it('loses nothing when many writes run at once', async () => {
      const { vault } = await make();
      await Promise.all(Array.from({ length: 25 }, (_, i) => vault.set(`c${i}`, `v${i}`)));
      await Promise.all([vault.delete('c0'), vault.set('c1', 'changed'), vault.set('c25', 'new')]);
      const keys = (await vault.keys('c')).sort();
      expect(keys.length).toBe(25);
      expect(await vault.get('c0')).toBeUndefined();
      expect(await vault.get('c1')).toBe('changed');
      expect(await vault.get('c24')).toBe('v24');
    });

    it('persists across instances', async () => {
      const f = await make();
      await f.vault.set('persist', 'yes');
      await f.vault.set('gone', 'soon');
      await f.vault.delete('gone');
      const again = f.reopen();
      expect(await again.get('persist')).toBe('yes');
      expect(await again.get('gone')).toBeUndefined();
    });

    it('describes how well it protects the secrets', async () => {
      const { vault } = await make();
      expect(typeof vault.security.secure).toBe('boolean');
      expect(vault.security.backend.length).toBeGreaterThan(0);
      if (!vault.security.secure) expect(vault.security.warning?.length ?? 0).toBeGreaterThan(0);
    });
  });
}
