// ChoiceVault over the real FileSecretVault in a temp dir. The "secure" case wraps the file vault
// in an EncryptingVault with a test cipher (FAKE: reversible, claims to be secure) because no OS
// keyring is available here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChoiceVault } from './choice-vault';
import { EncryptingVault, type Cipher } from './encrypted-file-vault';
import { FileSecretVault } from './file-vault';
import { describeSecretVaultContract } from './secret-vault-contract';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-choice-'));
  file = path.join(dir, 'secrets.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const onDisk = (): Record<string, string> => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {});

describeSecretVaultContract('ChoiceVault (store)', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-choice-contract-'));
  const f = path.join(d, 'secrets.json');
  return {
    vault: new ChoiceVault(new FileSecretVault(f), 'store'),
    reopen: () => new ChoiceVault(new FileSecretVault(f), 'store'),
    cleanup: () => fs.rmSync(d, { recursive: true, force: true }),
  };
});

describe('ChoiceVault', () => {
  it('ask and store persist as before', async () => {
    const v = new ChoiceVault(new FileSecretVault(file));
    await v.set('oauth/tokens/a', 'token-ask');
    expect(onDisk()).toEqual({ 'oauth/tokens/a': 'token-ask' });
    await v.setChoice('store');
    await v.set('client-secret:x', 'secret-store');
    expect(Object.keys(onDisk()).sort()).toEqual(['client-secret:x', 'oauth/tokens/a']);
    expect(v.security.secure).toBe(false);
    expect(v.security.backend).toBe('file (not encrypted)');
  });

  it('memory: persisted tokens move into memory and off the disk; new tokens never reach it', async () => {
    const v = new ChoiceVault(new FileSecretVault(file), 'store');
    await v.set('oauth/tokens/a', 'token-before');
    await v.set('client-secret:x', 'client-secret-before');
    await v.setChoice('memory');
    // The client secret the user typed is not a token: it stays (see the next test).
    expect(onDisk()).toEqual({ 'client-secret:x': 'client-secret-before' });
    expect(await v.get('oauth/tokens/a')).toBe('token-before');
    await v.set('oauth/tokens/b', 'token-after');
    await v.delete('client-secret:x');
    expect(onDisk()).toEqual({});
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/token-after|token-before|client-secret-before/);
    expect((await v.keys('oauth/')).sort()).toEqual(['oauth/tokens/a', 'oauth/tokens/b']);
    expect(v.security).toMatchObject({ secure: false, warning: expect.stringMatching(/memory only.*sign in again after every start/) });
    // After a restart nothing is left: the user signs in again.
    const restarted = new ChoiceVault(new FileSecretVault(file), 'memory');
    await restarted.setChoice('memory');
    expect(await restarted.keys('')).toEqual([]);
  });

  it('memory never destroys what the user typed: a client secret survives the choice and a restart, and can be replaced', async () => {
    const v = new ChoiceVault(new FileSecretVault(file), 'store');
    await v.set('client-secret:github', 'typed-secret');
    await v.set('oauth/tokens/github', 'a-token');
    await v.setChoice('memory');
    expect(await v.get('client-secret:github')).toBe('typed-secret');
    // Set while "memory only": persisted too (the Edit form enters it again).
    await v.set('client-secret:entra', 'typed-later');
    expect(onDisk()).toEqual({ 'client-secret:github': 'typed-secret', 'client-secret:entra': 'typed-later' });
    expect((await v.keys('client-secret:')).sort()).toEqual(['client-secret:entra', 'client-secret:github']);
    expect((await v.keys('')).sort()).toEqual(['client-secret:entra', 'client-secret:github', 'oauth/tokens/github']);
    const restarted = new ChoiceVault(new FileSecretVault(file), 'memory');
    await restarted.setChoice('memory');
    expect(await restarted.get('client-secret:github')).toBe('typed-secret');
    expect(await restarted.get('oauth/tokens/github')).toBeUndefined();
  });

  it('values found on disk at start with the memory choice are deleted from it', async () => {
    fs.writeFileSync(file, JSON.stringify({ 'oauth/tokens/a': 'left-over' }), { mode: 0o600 });
    const v = new ChoiceVault(new FileSecretVault(file), 'memory');
    await v.setChoice('memory');
    expect(onDisk()).toEqual({});
    expect(await v.get('oauth/tokens/a')).toBe('left-over');
  });

  it('from memory back to store: what is held in memory is persisted', async () => {
    const v = new ChoiceVault(new FileSecretVault(file), 'memory');
    await v.set('oauth/tokens/a', 'kept');
    expect(onDisk()).toEqual({});
    await v.setChoice('store');
    expect(onDisk()).toEqual({ 'oauth/tokens/a': 'kept' });
    expect(await v.get('oauth/tokens/a')).toBe('kept');
  });

  it('with secure storage the choice does not matter: values are persisted (encrypted)', async () => {
    const cipher: Cipher = {
      security: { secure: true, backend: 'test keyring' },
      encrypt: async (p) => Buffer.from(p, 'utf8').reverse(),
      decrypt: async (b) => Buffer.from(b).reverse().toString('utf8'),
    };
    const v = new ChoiceVault(new EncryptingVault(new FileSecretVault(file), cipher), 'memory');
    await v.setChoice('memory');
    await v.set('oauth/tokens/a', 'secure-token');
    expect(Object.keys(onDisk())).toEqual(['oauth/tokens/a']);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('secure-token');
    expect(v.security).toEqual({ secure: true, backend: 'test keyring' });
    expect(v.inMemory).toBe(false);
  });

  it('decides nothing before the inner vault knows its security (the app asks the keychain after start)', async () => {
    fs.writeFileSync(file, JSON.stringify({ 'oauth/tokens/a': 'on-disk' }), { mode: 0o600 });
    // Not known yet: reported as not secure; known later: secure (the keychain answered).
    const security = { secure: false, backend: 'safeStorage (not initialized)' };
    let answer!: () => void;
    const ready = new Promise<void>((resolve) => (answer = resolve));
    const inner = new FileSecretVault(file);
    Object.defineProperty(inner, 'security', { get: () => security });
    Object.assign(inner, { whenReady: () => ready });
    const v = new ChoiceVault(inner, 'memory');
    const applied = v.setChoice('memory');
    const read = v.get('oauth/tokens/a');
    // One turn of the event loop: a vault that decided at once has read "not initialized" by now.
    await new Promise((r) => setImmediate(r));
    Object.assign(security, { secure: true, backend: 'safeStorage (Keychain)' });
    answer();
    await applied;
    expect(await read).toBe('on-disk');
    // The memory choice moved nothing off the disk on the strength of "not initialized".
    expect(onDisk()).toEqual({ 'oauth/tokens/a': 'on-disk' });
  });
});
